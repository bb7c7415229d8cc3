// Groups and consistency groups through the ABI against element-sim: a consistent group's whole life
// (create, update, group snapshot, groups made from the group snapshot and from the group, deletes), the
// generic-group fallback, a lost CreateGroupSnapshot answer, a failed clone leaving nothing behind, and
// RPC counts that stay the same on a cluster with thousands of other volumes.
#include <iostream>
#include <map>

#include "volume_requests.h"

namespace it {
namespace {

using namespace data;  // NOLINT(google-build-using-namespace)

const std::string kCgSpecs = R"({"consistent_group_snapshot_enabled":"<is> True"})";

std::string group_obj(const std::string& id, const std::string& project, const std::string& specs = kCgSpecs) {
  return "{\"id\":" + quote(id) + R"(,"group_type_id":"gt-cg","project_id":)" + quote(project) +
         ",\"group_specs\":" + specs + "}";
}

std::string group_snapshot_obj(const std::string& id, const std::string& group_id, const std::string& project) {
  return "{\"id\":" + quote(id) + ",\"group_id\":" + quote(group_id) + ",\"project_id\":" + quote(project) +
         ",\"group_specs\":" + kCgSpecs + "}";
}

std::string join(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + items[i];
  return out + "]";
}

// Element group snapshots named "UUID-<id>".
std::vector<Json> group_snapshots_named(Sim& sim, const std::string& id) {
  const Json list = sim.rpc("ListGroupSnapshots")["groupSnapshots"];
  std::vector<Json> out;
  for (size_t i = 0; i < list.size(); ++i) {
    if (list.at(i)["name"].str() == "UUID-" + id) out.push_back(list.at(i));
  }
  return out;
}

// A consistent group of `n` 1 GiB volumes in a fresh project.
struct Fixture {
  std::string project;
  std::string group_id = new_uuid();
  std::vector<std::string> ids;
  std::vector<std::string> objs;  // volume objects with their model updates
  std::vector<int64_t> element_ids;

  Fixture(vh::Driver& drv, const std::string& prefix, size_t n) : project(unique_name(prefix)) {
    for (size_t i = 0; i < n; ++i) {
      ids.push_back(new_uuid());
      const Json m =
          ok_json(drv.call("create_volume", "{\"volume\":" + volume_obj(ids[i], 1, project) + "}"), "create");
      objs.push_back(volume_obj(ids[i], 1, project, kGoldSpecs, m, ",\"group_id\":" + quote(group_id)));
      element_ids.push_back(first_id(m));
    }
  }
  std::string snapshots(const std::string& gs_id, const Json& result = Json()) const {
    std::vector<std::string> out;
    for (size_t i = 0; i < ids.size(); ++i) {
      std::string s = snapshot_obj("s" + std::to_string(i) + "-" + gs_id.substr(0, 8), objs[i], ids[i], project,
                                   result.valid() ? result["snapshots_model_update"].at(i) : Json());
      out.push_back(s.substr(0, s.size() - 1) + ",\"group_snapshot_id\":" + quote(gs_id) + "}");
    }
    return join(out);
  }
  std::string snapshot_request(const std::string& gs_id, const Json& result = Json()) const {
    return "{\"group_snapshot\":" + group_snapshot_obj(gs_id, group_id, project) +
           ",\"snapshots\":" + snapshots(gs_id, result) + "}";
  }
  std::string delete_request(const std::vector<std::string>& volumes) const {
    return "{\"group\":" + group_obj(group_id, project) + ",\"volumes\":" + join(volumes) + "}";
  }
};

class Groups : public ::testing::Test {
 protected:
  Sim& sim = shared_sim();
};

TEST_F(Groups, ConsistentGroupLifeCycle) {
  auto drv = ready_driver(sim);
  Fixture f(*drv, "it-cg", 2);
  const Json created =
      ok_json(drv->call("create_group", "{\"group\":" + group_obj(f.group_id, f.project) + "}"), "create_group");
  EXPECT_EQ(created["model_update"]["status"].str(), "available");
  ok_json(drv->call("update_group",
                    "{\"group\":" + group_obj(f.group_id, f.project) + ",\"add_volumes\":" + join(f.objs) + "}"),
          "update_group");

  // Group snapshot: one Element group snapshot, every member's provider_id, and a repeat changes nothing.
  const std::string gs = new_uuid();
  const Json snap = ok_json(drv->call("create_group_snapshot", f.snapshot_request(gs)), "create_group_snapshot");
  EXPECT_EQ(snap["model_update"]["status"].str(), "available");
  auto on_cluster = group_snapshots_named(sim, gs);
  ASSERT_EQ(on_cluster.size(), 1u);
  ASSERT_EQ(on_cluster[0]["members"].size(), 2u);
  ASSERT_EQ(snap["snapshots_model_update"].size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const Json m = snap["snapshots_model_update"].at(i);
    EXPECT_EQ(m["status"].str(), "available");
    const auto pid = split(m["provider_id"].str());
    ASSERT_EQ(pid.size(), 3u);
    EXPECT_EQ(pid[1], std::to_string(f.element_ids[i]));
    const auto member = cluster_snapshots(sim, f.element_ids[i]);
    ASSERT_EQ(member.size(), 1u);
    EXPECT_EQ(std::to_string(member[0]["snapshotID"].i64()), pid[0]);
    EXPECT_EQ(member[0]["name"].str(), "UUID-" + gs) << "members carry the group snapshot's name";
  }
  const Json again = ok_json(drv->call("create_group_snapshot", f.snapshot_request(gs)), "again");
  EXPECT_EQ(again["snapshots_model_update"].at(1)["provider_id"].str(),
            snap["snapshots_model_update"].at(1)["provider_id"].str());
  EXPECT_EQ(group_snapshots_named(sim, gs).size(), 1u);

  // A group from the group snapshot: one clone per member snapshot, active when the call returns.
  const std::string g2 = new_uuid();
  std::vector<std::string> new_vols;
  std::vector<std::string> new_ids = {new_uuid(), new_uuid()};
  for (size_t i = 0; i < 2; ++i) {
    new_vols.push_back(volume_obj(new_ids[i], 1, f.project, kGoldSpecs, Json(),
                                  ",\"snapshot_id\":" + quote("s" + std::to_string(1 - i) + "-" + gs.substr(0, 8))));
  }
  const Json from_snap = ok_json(
      drv->call("create_group_from_src", "{\"group\":" + group_obj(g2, f.project) + ",\"volumes\":" + join(new_vols) +
                                             ",\"group_snapshot\":" + group_snapshot_obj(gs, f.group_id, f.project) +
                                             ",\"snapshots\":" + f.snapshots(gs, snap) + "}"),
      "create_group_from_src (group snapshot)");
  ASSERT_EQ(from_snap["volumes_model_update"].size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const Json m = from_snap["volumes_model_update"].at(i);
    EXPECT_EQ(m["id"].str(), new_ids[i]);
    EXPECT_EQ(m["status"].str(), "available");
    const auto v = sim.volume_by_id(first_id(m));
    ASSERT_TRUE(v.has_value());
    EXPECT_EQ((*v)["status"].str(), "active");
    EXPECT_EQ((*v)["name"].str(), "UUID-" + new_ids[i]);
    EXPECT_TRUE(m["provider_location"].is_string() && m["provider_auth"].is_string()) << m.dump();
  }

  // A group from the group: a temporary group snapshot, removed afterwards.
  const std::string g3 = new_uuid();
  const std::string clone_of_0 = new_uuid();
  const Json from_group = ok_json(
      drv->call("create_consistencygroup_from_src",
                "{\"group\":" + group_obj(g3, f.project, "{}") + ",\"volumes\":[" +
                    volume_obj(clone_of_0, 1, f.project, kGoldSpecs, Json(), ",\"source_volid\":" + quote(f.ids[0])) +
                    "],\"source_group\":" + group_obj(f.group_id, f.project) + ",\"source_vols\":" + join(f.objs) +
                    "}"),
      "create_consistencygroup_from_src (group)");
  ASSERT_EQ(from_group["volumes_model_update"].size(), 1u);
  EXPECT_TRUE(sim.volume_by_id(first_id(from_group["volumes_model_update"].at(0))).has_value());
  EXPECT_TRUE(group_snapshots_named(sim, g3 + "-tmp").empty()) << "the temporary group snapshot is removed";

  // Delete the group snapshot (members go too), twice.
  const std::string del_gs = f.snapshot_request(gs, snap);
  const Json deleted = ok_json(drv->call("delete_group_snapshot", del_gs), "delete_group_snapshot");
  EXPECT_EQ(deleted["model_update"]["status"].str(), "deleted");
  EXPECT_EQ(deleted["snapshots_model_update"].at(0)["status"].str(), "deleted");
  EXPECT_TRUE(group_snapshots_named(sim, gs).empty());
  EXPECT_TRUE(cluster_snapshots(sim, f.element_ids[0]).empty());
  ok_json(drv->call("delete_group_snapshot", del_gs), "delete_group_snapshot again");

  // Delete the groups: every member purged, a status each; repeating is harmless.
  const Json gone = ok_json(drv->call("delete_group", f.delete_request(f.objs)), "delete_group");
  EXPECT_EQ(gone["model_update"]["status"].str(), "deleted");
  ASSERT_EQ(gone["volumes_model_update"].size(), 2u);
  EXPECT_EQ(gone["volumes_model_update"].at(1)["status"].str(), "deleted");
  for (int64_t id : f.element_ids) EXPECT_FALSE(sim.volume_by_id(id).has_value());
  ok_json(drv->call("delete_group", f.delete_request(f.objs)), "delete_group again");
  std::vector<std::string> made;
  for (size_t i = 0; i < 2; ++i) {
    made.push_back(volume_obj(new_ids[i], 1, f.project, kGoldSpecs, from_snap["volumes_model_update"].at(i)));
  }
  made.push_back(volume_obj(clone_of_0, 1, f.project, kGoldSpecs, from_group["volumes_model_update"].at(0)));
  ok_json(drv->call("delete_consistencygroup", f.delete_request(made)), "delete the other groups' volumes");
  EXPECT_TRUE(named(sim, clone_of_0).empty());
}

TEST_F(Groups, GenericGroupsAreLeftToTheHost) {
  auto drv = ready_driver(sim);
  const std::string project = unique_name("it-generic");
  const std::string generic = group_obj(new_uuid(), project, R"({"consistent_group_snapshot_enabled":"<is> False"})");
  const uint64_t before = sim.total();
  EXPECT_TRUE(IsError(drv->call("create_group", "{\"group\":" + generic + "}"), VDP_E_NOT_SUPPORTED, "create_group",
                      "group.group_specs"));
  EXPECT_TRUE(IsError(drv->call("delete_group", "{\"group\":" + generic + ",\"volumes\":[]}"), VDP_E_NOT_SUPPORTED,
                      "delete_group"));
  EXPECT_EQ(sim.total(), before) << "nothing reaches the cluster";
  // The 2.0.6 slot serves the same group: a consistency group is consistent by definition.
  const Json cg =
      ok_json(drv->call("create_consistencygroup", "{\"group\":" + generic + "}"), "create_consistencygroup");
  EXPECT_EQ(cg["model_update"]["status"].str(), "available");
}

TEST_F(Groups, LostCreateGroupSnapshotAnswerNeverDuplicates) {
  auto drv = ready_driver(sim);
  Fixture f(*drv, "it-cglost", 2);
  const std::string gs = new_uuid();
  sim.server().add_fault("CreateGroupSnapshot:latency=4000:count=1");
  vh::CallOptions opts;
  opts.timeout = std::chrono::milliseconds(1500);
  const auto lost = drv->call("create_group_snapshot", f.snapshot_request(gs), opts);
  sim.server().clear_faults();
  EXPECT_TRUE(IsError(lost, VDP_E_TIMEOUT, "create_group_snapshot"));
  ASSERT_EQ(group_snapshots_named(sim, gs).size(), 1u) << "the group snapshot committed";
  const uint64_t creates = sim.count("CreateGroupSnapshot");
  const Json r = ok_json(drv->call("create_group_snapshot", f.snapshot_request(gs)), "repeat after the lost answer");
  EXPECT_EQ(sim.count("CreateGroupSnapshot"), creates);
  EXPECT_EQ(group_snapshots_named(sim, gs).size(), 1u);
  EXPECT_EQ(r["snapshots_model_update"].size(), 2u);
  ok_json(drv->call("delete_cgsnapshot", f.snapshot_request(gs, r)), "delete_cgsnapshot");
  ok_json(drv->call("delete_group", f.delete_request(f.objs)), "delete_group");
}

TEST_F(Groups, AFailedCloneLeavesNothingBehind) {
  auto drv = ready_driver(sim);
  Fixture f(*drv, "it-cgfail", 2);
  const std::string g2 = new_uuid();
  const std::string n1 = new_uuid(), n2 = new_uuid();
  sim.server().add_fault("GetAsyncResult:error=xCloneFailed:count=1");
  const auto r =
      drv->call("create_group_from_src", "{\"group\":" + group_obj(g2, f.project) + ",\"volumes\":[" +
                                             volume_obj(n1, 1, f.project) + "," + volume_obj(n2, 1, f.project) +
                                             "],\"source_group\":" + group_obj(f.group_id, f.project) +
                                             ",\"source_vols\":" + join(f.objs) + "}");
  sim.server().clear_faults();
  EXPECT_TRUE(IsError(r, VDP_E_BACKEND, "create_group_from_src"));
  EXPECT_TRUE(named(sim, n1).empty());
  EXPECT_TRUE(named(sim, n2).empty());
  EXPECT_TRUE(group_snapshots_named(sim, g2 + "-tmp").empty());
  EXPECT_TRUE(cluster_snapshots(sim, f.element_ids[0]).empty()) << "the temporary member snapshots went too";
  ok_json(drv->call("delete_group", f.delete_request(f.objs)), "delete_group");
}

TEST_F(Groups, MissingFieldsAndMembersAreNamed) {
  auto drv = ready_driver(sim);
  Fixture f(*drv, "it-cgbad", 1);
  const std::string gs = new_uuid();
  EXPECT_TRUE(IsError(drv->call("create_group_snapshot", "{\"snapshots\":[]}"), VDP_E_INVALID_ARGUMENT,
                      "create_group_snapshot", "group_snapshot"));
  const std::string missing_vol = volume_obj(new_uuid(), 1, f.project);
  const auto r = drv->call("create_group_snapshot",
                           "{\"group_snapshot\":" + group_snapshot_obj(gs, f.group_id, f.project) + ",\"snapshots\":[" +
                               snapshot_obj("s", missing_vol, "x", f.project) + "]}");
  EXPECT_TRUE(IsError(r, VDP_E_NOT_FOUND, "create_group_snapshot", "snapshots[0]"));
  EXPECT_TRUE(IsError(drv->call("update_group", "{\"group\":" + group_obj(f.group_id, f.project) +
                                                    ",\"add_volumes\":[" + missing_vol + "]}"),
                      VDP_E_NOT_FOUND, "update_group", "add_volumes[0]"));
  ok_json(drv->call("delete_group", f.delete_request(f.objs)), "delete_group");
}

// One measured sequence in a fresh project: the group operations' RPC costs.
std::map<std::string, RpcDelta> run_sequence(Sim& sim) {
  std::map<std::string, RpcDelta> rows;
  auto drv = ready_driver(sim);
  Fixture f(*drv, "it-cgrpc", 3);
  const std::string gs = new_uuid();
  Json snap;
  rows["create_group_snapshot (3 volumes)"] =
      measure_rpcs(sim, [&] { snap = ok_json(drv->call("create_group_snapshot", f.snapshot_request(gs)), "create"); });
  rows["create_group_snapshot, repeated"] =
      measure_rpcs(sim, [&] { ok_json(drv->call("create_group_snapshot", f.snapshot_request(gs)), "again"); });
  rows["update_group (add 3)"] = measure_rpcs(sim, [&] {
    ok_json(drv->call("update_group",
                      "{\"group\":" + group_obj(f.group_id, f.project) + ",\"add_volumes\":" + join(f.objs) + "}"),
            "update_group");
  });
  const std::string n1 = new_uuid();
  uint64_t polls = 0;
  rows["create_group_from_src (1 clone, without GetAsyncResult)"] = measure_rpcs(sim, [&] {
    const uint64_t before = sim.count("GetAsyncResult");
    ok_json(
        drv->call("create_group_from_src", "{\"group\":" + group_obj(new_uuid(), f.project) + ",\"volumes\":[" +
                                               volume_obj(n1, 1, f.project, kGoldSpecs, Json(),
                                                          ",\"snapshot_id\":" + quote("s0-" + gs.substr(0, 8))) +
                                               "],\"group_snapshot\":" + group_snapshot_obj(gs, f.group_id, f.project) +
                                               ",\"snapshots\":" + f.snapshots(gs, snap) + "}"),
        "from_src");
    polls = sim.count("GetAsyncResult") - before;
  });
  auto& from_src = rows["create_group_from_src (1 clone, without GetAsyncResult)"];
  from_src.rpcs -= polls;
  from_src.methods.clear();  // the number of polls depends on timing
  rows["delete_group_snapshot"] =
      measure_rpcs(sim, [&] { ok_json(drv->call("delete_group_snapshot", f.snapshot_request(gs, snap)), "delete"); });
  rows["delete_group (3 volumes)"] =
      measure_rpcs(sim, [&] { ok_json(drv->call("delete_group", f.delete_request(f.objs)), "delete_group"); });
  const Json clone = Json::parse(R"({"provider_id":")" + std::to_string(named(sim, n1).at(0)["volumeID"].i64()) + " " +
                                 std::to_string(named(sim, n1).at(0)["accountID"].i64()) + R"("})");
  ok_json(drv->call("delete_volume", "{\"volume\":" + volume_obj(n1, 1, f.project, kGoldSpecs, clone) + "}"),
          "cleanup");
  return rows;
}

TEST(GroupRpcCountScale, SameCountsWithThousandsOfVolumes) {
  Sim sim;  // a cluster of its own
  const auto small = run_sequence(sim);
  sim.seed("cgseed", 20, under_valgrind() ? 1000 : 5000);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  const auto big = run_sequence(sim);
  const std::map<std::string, uint64_t> expected = {
      {"create_group_snapshot (3 volumes)", 3},  // ListVolumes{volumeIDs}, ListGroupSnapshots, CreateGroupSnapshot
      {"create_group_snapshot, repeated", 2},
      {"update_group (add 3)", 1},
      {"delete_group_snapshot", 2},     // ListGroupSnapshots{volumes}, DeleteGroupSnapshot
      {"delete_group (3 volumes)", 7},  // ListVolumes{volumeIDs}; per volume: DeleteVolume, PurgeDeletedVolume
  };
  std::cout << "\nGroup operations: RPCs (empty cluster / thousands of other volumes)\n";
  for (const auto& [name, row] : small) {
    std::cout << "  " << name << ": " << row.rpcs << " / " << big.at(name).rpcs << "  " << big.at(name).methods << "\n";
    EXPECT_EQ(row.rpcs, big.at(name).rpcs) << name;
    EXPECT_EQ(row.methods, big.at(name).methods) << name;
    EXPECT_EQ(row.serialized, big.at(name).serialized) << name << ": payload grows with the cluster";
    if (auto e = expected.find(name); e != expected.end()) {
      EXPECT_EQ(row.rpcs, e->second) << name << " " << row.methods;
    }
  }
  std::cout << std::flush;
}

}  // namespace
}  // namespace it
