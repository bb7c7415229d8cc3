// Scenarios of consistent groups: group snapshots, groups made from a group snapshot or a group, and
// deleting a group with its volumes.
#include "scenario_requests.h"

namespace faults::requests {

namespace {

// A consistent group of two volumes, and the objects of its group snapshots.
struct Group {
  std::string id;
  std::string project;
  std::vector<Vol> vols;
  std::vector<std::string> objs;  // the members as group operations receive them

  std::string obj(const std::string& group_id) const {
    return "{\"id\":" + quote(group_id) + R"(,"group_type_id":"gt-cg","project_id":)" + quote(project) +
           ",\"group_specs\":" + kCgSpecs + "}";
  }
  std::string snapshot_obj_of(const std::string& gs) const {
    return "{\"id\":" + quote(gs) + ",\"group_id\":" + quote(id) + ",\"project_id\":" + quote(project) +
           ",\"group_specs\":" + kCgSpecs + "}";
  }
  std::string snapshots(const std::string& gs, const std::vector<std::string>& sids, const Json& result) const {
    std::vector<std::string> out;
    for (size_t i = 0; i < vols.size(); ++i) {
      const Json model = result.valid() ? result["snapshots_model_update"].at(i) : Json();
      std::string s = snapshot_obj(sids[i], objs[i], vols[i].id, project, model);
      out.push_back(s.substr(0, s.size() - 1) + ",\"group_snapshot_id\":" + quote(gs) + "}");
    }
    return join(out);
  }
  std::string snapshot_request(const std::string& gs, const std::vector<std::string>& sids,
                               const Json& result = Json()) const {
    return "{\"group_snapshot\":" + snapshot_obj_of(gs) + ",\"snapshots\":" + snapshots(gs, sids, result) + "}";
  }
};

Group group(Run& r) {
  Group g;
  g.project = r.name("proj");
  g.id = r.uuid("group");
  for (size_t i = 0; i < 2; ++i) {
    g.vols.push_back(volume(r, "member" + std::to_string(i), g.project));
    g.objs.push_back(
        volume_obj(g.vols[i].id, 1, g.project, kGoldSpecs, g.vols[i].model, ",\"group_id\":" + quote(g.id)));
  }
  return g;
}

// A group snapshot of `g`, taken; its member snapshot ids go to `sids`.
Json group_snapshot(Run& r, const Group& g, const std::string& gs, std::vector<std::string>& sids) {
  sids = {r.uuid("gs-snap0"), r.uuid("gs-snap1")};
  return r.must("create_group_snapshot", g.snapshot_request(gs, sids));
}

}  // namespace

std::vector<Scenario> group_scenarios() {
  return {
      {"create_group_snapshot",
       {},
       [](Run& r) {
         const Group g = group(r);
         return Call{"create_group_snapshot",
                     g.snapshot_request(r.uuid("gs"), {r.uuid("gs-snap0"), r.uuid("gs-snap1")})};
       }},
      {"delete_group_snapshot",
       {},
       [](Run& r) {
         const Group g = group(r);
         const std::string gs = r.uuid("gs");
         std::vector<std::string> sids;
         const Json made = group_snapshot(r, g, gs, sids);
         return Call{"delete_group_snapshot", g.snapshot_request(gs, sids, made)};
       }},
      {"create_group_from_src(group_snapshot)",
       {},
       [](Run& r) {
         const Group g = group(r);
         const std::string gs = r.uuid("gs");
         std::vector<std::string> sids;
         const Json made = group_snapshot(r, g, gs, sids);
         std::vector<std::string> vols;
         for (size_t i = 0; i < sids.size(); ++i) {
           vols.push_back(volume_obj(r.uuid("new" + std::to_string(i)), 1, g.project, kGoldSpecs, Json(),
                                     ",\"snapshot_id\":" + quote(sids[i])));
         }
         return Call{"create_group_from_src", "{\"group\":" + g.obj(r.uuid("group2")) + ",\"volumes\":" + join(vols) +
                                                  ",\"group_snapshot\":" + g.snapshot_obj_of(gs) +
                                                  ",\"snapshots\":" + g.snapshots(gs, sids, made) + "}"};
       }},
      {"create_group_from_src(source_group)",
       {},
       [](Run& r) {
         const Group g = group(r);
         std::vector<std::string> vols;
         for (size_t i = 0; i < g.vols.size(); ++i) {
           vols.push_back(volume_obj(r.uuid("new" + std::to_string(i)), 1, g.project, kGoldSpecs, Json(),
                                     ",\"source_volid\":" + quote(g.vols[i].id)));
         }
         return Call{"create_group_from_src", "{\"group\":" + g.obj(r.uuid("group2")) + ",\"volumes\":" + join(vols) +
                                                  ",\"source_group\":" + g.obj(g.id) +
                                                  ",\"source_vols\":" + join(g.objs) + "}"};
       }},
      {"delete_group",
       {},
       [](Run& r) {
         const Group g = group(r);
         return Call{"delete_group", "{\"group\":" + g.obj(g.id) + ",\"volumes\":" + join(g.objs) + "}"};
       }},
  };
}

}  // namespace faults::requests
