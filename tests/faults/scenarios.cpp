#include "scenarios.h"

#include <cctype>

#include "volume_requests.h"

namespace faults {

std::string Run::uuid(const std::string& label) {
  const std::string v = it::new_uuid();
  tokens.add(v, label);
  return v;
}

std::string Run::name(const std::string& label) {
  const std::string v = it::unique_name("fm");
  tokens.add(v, label);
  return v;
}

std::string Run::iqn(const std::string& label) {
  const std::string v = "iqn.2024-01.org.vdp:" + it::unique_name("host");
  std::string vag = v;  // the driver names a VAG after its initiator, blanks and punctuation as '-'
  for (char& c : vag) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0) c = '-';
  }
  tokens.add(v, label);
  tokens.add(vag, label + "-vag");
  return v;
}

it::Json Run::must(const std::string& op, const std::string& request) {
  vh::CallOptions opts;
  opts.timeout = std::chrono::seconds(60);
  const auto r = driver.call(op, request, opts);
  if (!r.ok()) throw SetupError("setup " + op + " failed: " + r.output);
  return it::Json::parse(r.output);
}

namespace {

using it::Json;
using it::quote;
using it::data::first_id;
using it::data::kGoldSpecs;
using it::data::snapshot_obj;
using it::data::volume_obj;

const std::string kPlatinum = R"({"qos:minIOPS":"2000","qos:maxIOPS":"20000","SFAttribute:tier":"platinum"})";
const std::string kCgSpecs = R"({"consistent_group_snapshot_enabled":"<is> True"})";
const vh::ConfigMap kVagOff{{"sf_enable_vag", "false"}};
const vh::ConfigMap kVagOn{{"sf_enable_vag", "true"}};

std::string join(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + items[i];
  return out + "]";
}

// A volume the driver created, with its model update merged into the object later calls carry.
struct Vol {
  std::string id;
  std::string project;
  Json model;
  std::string obj;
};

Vol volume(Run& r, const std::string& label, const std::string& project, int64_t size_gib = 1) {
  Vol v;
  v.id = r.uuid(label);
  v.project = project;
  v.model = r.must("create_volume", "{\"volume\":" + volume_obj(v.id, size_gib, project) + "}");
  v.obj = volume_obj(v.id, size_gib, project, kGoldSpecs, v.model);
  return v;
}

std::string snapshot_request(const std::string& sid, const Vol& v, const Json& model = Json()) {
  return "{\"snapshot\":" + snapshot_obj(sid, v.obj, v.id, v.project, model) + "}";
}

std::string connection_request(const Vol& v, const std::string& iqn) {
  return "{\"volume\":" + v.obj + R"(,"connector":{"initiator":)" + quote(iqn) +
         R"(,"host":"h","ip":"127.0.0.1","multipath":false}})";
}

std::string attach_request(const Vol& v, const std::string& instance) {
  return "{\"volume\":" + v.obj + R"(,"instance_uuid":)" + quote(instance) +
         R"(,"host_name":"h","mountpoint":"/dev/vdb","attach_time":"2024-05-01T10:00:00Z"})";
}

// A volume made outside the driver (another tool), then the manage request for it.
std::string manage_request(Run& r, std::string& id, std::string& project) {
  const int64_t account = r.sim.add_account(r.name("foreign"));
  const Json made = r.sim.rpc("CreateVolume", R"({"name":)" + quote(r.name("legacy")) + R"(,"accountID":)" +
                                                  std::to_string(account) +
                                                  R"(,"totalSize":1610612736,"attributes":{"owner":"legacy"}})");
  id = r.uuid("vol");
  project = r.name("proj");
  return "{\"volume\":" + volume_obj(id, 2, project) + R"(,"existing_ref":{"source-id":)" +
         std::to_string(made["volumeID"].i64()) + "}}";
}

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
    g.objs.push_back(volume_obj(g.vols[i].id, 1, g.project, kGoldSpecs, g.vols[i].model,
                                ",\"group_id\":" + quote(g.id)));
  }
  return g;
}

// A group snapshot of `g`, taken; its member snapshot ids go to `sids`.
Json group_snapshot(Run& r, const Group& g, const std::string& gs, std::vector<std::string>& sids) {
  sids = {r.uuid("gs-snap0"), r.uuid("gs-snap1")};
  return r.must("create_group_snapshot", g.snapshot_request(gs, sids));
}

std::vector<Scenario> volume_scenarios() {
  return {
      {"create_volume", {}, [](Run& r) {
         const std::string project = r.name("proj");
         return Call{"create_volume", "{\"volume\":" + volume_obj(r.uuid("vol"), 1, project) + "}"};
       }},
      {"delete_volume", {}, [](Run& r) {
         return Call{"delete_volume", "{\"volume\":" + volume(r, "vol", r.name("proj")).obj + "}"};
       }},
      {"delete_volume(vag)", kVagOn, [](Run& r) {
         const Vol v = volume(r, "vol", r.name("proj"));
         r.must("initialize_connection", connection_request(v, r.iqn("iqn")));
         return Call{"delete_volume", "{\"volume\":" + v.obj + "}"};
       }},
      {"extend_volume", {}, [](Run& r) {
         return Call{"extend_volume", "{\"volume\":" + volume(r, "vol", r.name("proj")).obj + ",\"new_size\":3}"};
       }},
      {"retype", {}, [](Run& r) {
         return Call{"retype", "{\"volume\":" + volume(r, "vol", r.name("proj")).obj +
                                   R"(,"new_type":{"id":"p","name":"platinum","extra_specs":{"SFAttribute:owner":)"
                                   R"("dba"},"qos_specs":{"consumer":"back-end","specs":{"minIOPS":"3000",)"
                                   R"("maxIOPS":"6000","burstIOPS":"9000"}}}})"};
       }},
      {"create_snapshot", {}, [](Run& r) {
         const Vol v = volume(r, "vol", r.name("proj"));
         return Call{"create_snapshot", snapshot_request(r.uuid("snap"), v)};
       }},
      {"delete_snapshot", {}, [](Run& r) {
         const Vol v = volume(r, "vol", r.name("proj"));
         const std::string sid = r.uuid("snap");
         const Json sm = r.must("create_snapshot", snapshot_request(sid, v));
         return Call{"delete_snapshot", snapshot_request(sid, v, sm)};
       }},
      {"revert_to_snapshot", {}, [](Run& r) {
         Vol v = volume(r, "vol", r.name("proj"));
         const std::string sid = r.uuid("snap");
         const Json sm = r.must("create_snapshot", snapshot_request(sid, v));
         r.must("extend_volume", "{\"volume\":" + v.obj + ",\"new_size\":2}");
         v.obj = volume_obj(v.id, 2, v.project, kGoldSpecs, v.model);
         return Call{"revert_to_snapshot",
                     "{\"volume\":" + v.obj + ",\"snapshot\":" + snapshot_obj(sid, v.obj, v.id, v.project, sm) + "}"};
       }},
      {"create_cloned_volume", {}, [](Run& r) {
         const Vol src = volume(r, "src", r.name("proj"));
         return Call{"create_cloned_volume", "{\"volume\":" + volume_obj(r.uuid("clone"), 2, r.name("proj2"), kPlatinum) +
                                                 ",\"src_vref\":" + src.obj + "}"};
       }},
      {"create_volume_from_snapshot", {}, [](Run& r) {
         const Vol src = volume(r, "src", r.name("proj"));
         const std::string sid = r.uuid("snap");
         const Json sm = r.must("create_snapshot", snapshot_request(sid, src));
         return Call{"create_volume_from_snapshot",
                     "{\"volume\":" + volume_obj(r.uuid("clone"), 2, r.name("proj2")) +
                         ",\"snapshot\":" + snapshot_obj(sid, src.obj, src.id, src.project, sm) + "}"};
       }},
  };
}

std::vector<Scenario> connection_scenarios() {
  std::vector<Scenario> out;
  for (const auto& [suffix, config] : {std::make_pair("", kVagOff), std::make_pair("(vag)", kVagOn)}) {
    out.push_back({std::string("initialize_connection") + suffix, config, [](Run& r) {
                     const Vol v = volume(r, "vol", r.name("proj"));
                     return Call{"initialize_connection", connection_request(v, r.iqn("iqn"))};
                   }});
    out.push_back({std::string("terminate_connection") + suffix, config, [](Run& r) {
                     const Vol v = volume(r, "vol", r.name("proj"));
                     const std::string req = connection_request(v, r.iqn("iqn"));
                     r.must("initialize_connection", req);
                     return Call{"terminate_connection", req};
                   }});
  }
  return out;
}

std::vector<Scenario> admin_scenarios() {
  return {
      {"attach_volume", {}, [](Run& r) {
         return Call{"attach_volume", attach_request(volume(r, "vol", r.name("proj")), r.uuid("instance"))};
       }},
      {"detach_volume", {}, [](Run& r) {
         const Vol v = volume(r, "vol", r.name("proj"));
         const std::string instance = r.uuid("instance");
         r.must("attach_volume", attach_request(v, instance));
         return Call{"detach_volume", "{\"volume\":" + v.obj + R"(,"attachment":{"id":)" + quote(r.uuid("attachment")) +
                                          R"(,"instance_uuid":)" + quote(instance) + "}}"};
       }},
      {"manage_existing", {}, [](Run& r) {
         std::string id, project;
         return Call{"manage_existing", manage_request(r, id, project)};
       }},
      {"unmanage", {}, [](Run& r) {
         std::string id, project;
         const Json model = r.must("manage_existing", manage_request(r, id, project));
         return Call{"unmanage", "{\"volume\":" + volume_obj(id, 2, project, kGoldSpecs, model) + "}"};
       }},
      {"accept_transfer", {}, [](Run& r) {
         const Vol v = volume(r, "vol", r.name("proj"));
         return Call{"accept_transfer",
                     "{\"volume\":" + v.obj + R"(,"new_user":"u2","new_project":)" + quote(r.name("proj2")) + "}"};
       }},
  };
}

std::vector<Scenario> group_scenarios() {
  return {
      {"create_group_snapshot", {}, [](Run& r) {
         const Group g = group(r);
         return Call{"create_group_snapshot", g.snapshot_request(r.uuid("gs"), {r.uuid("gs-snap0"), r.uuid("gs-snap1")})};
       }},
      {"delete_group_snapshot", {}, [](Run& r) {
         const Group g = group(r);
         const std::string gs = r.uuid("gs");
         std::vector<std::string> sids;
         const Json made = group_snapshot(r, g, gs, sids);
         return Call{"delete_group_snapshot", g.snapshot_request(gs, sids, made)};
       }},
      {"create_group_from_src(group_snapshot)", {}, [](Run& r) {
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
      {"create_group_from_src(source_group)", {}, [](Run& r) {
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
      {"delete_group", {}, [](Run& r) {
         const Group g = group(r);
         return Call{"delete_group", "{\"group\":" + g.obj(g.id) + ",\"volumes\":" + join(g.objs) + "}"};
       }},
  };
}

}  // namespace

const std::vector<Scenario>& scenarios() {
  static const std::vector<Scenario> all = [] {
    std::vector<Scenario> out;
    for (auto part : {volume_scenarios(), connection_scenarios(), admin_scenarios(), group_scenarios()}) {
      for (auto& s : part) out.push_back(std::move(s));
    }
    return out;
  }();
  return all;
}

}  // namespace faults
