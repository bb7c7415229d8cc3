// Snapshots through the ABI against element-sim: create (name, provider_id, idempotent, lost answer,
// limit), revert (RollbackToSnapshot without saving the current state), delete (absent = success, never
// a volume), and their error paths.
#include "volume_requests.h"

namespace it {
namespace {

using namespace data;  // NOLINT(google-build-using-namespace)

class DataSnapshots : public ::testing::Test {
 protected:
  Sim& sim = shared_sim();
};

TEST_F(DataSnapshots, CreateRevertDeleteAndRepeatEach) {
  auto drv = ready_driver(sim);
  const std::string project = unique_name("it-snap");
  const std::string vid = new_uuid();
  const Json vm = ok_json(drv->call("create_volume", "{\"volume\":" + volume_obj(vid, 2, project) + "}"), "create");
  const int64_t volume_id = first_id(vm);
  const std::string vobj = volume_obj(vid, 2, project, kGoldSpecs, vm);

  const std::string sid = new_uuid();
  const std::string sreq = "{\"snapshot\":" + snapshot_obj(sid, vobj, vid, project) + "}";
  const Json sm = ok_json(drv->call("create_snapshot", sreq), "create_snapshot");
  const auto pid = split(sm["provider_id"].str());
  ASSERT_EQ(pid.size(), 3u) << sm.dump();
  EXPECT_EQ(pid[1], std::to_string(volume_id));
  EXPECT_EQ(pid[2], sim.cluster_info()["uuid"].str());
  auto snaps = cluster_snapshots(sim, volume_id);
  ASSERT_EQ(snaps.size(), 1u);
  EXPECT_EQ(snaps[0]["name"].str(), "UUID-" + sid);
  EXPECT_EQ(std::to_string(snaps[0]["snapshotID"].i64()), pid[0]);

  // Repeat: the same snapshot, no duplicate.
  const Json again = ok_json(drv->call("create_snapshot", sreq), "create_snapshot again");
  EXPECT_EQ(again["provider_id"].str(), sm["provider_id"].str());
  EXPECT_EQ(cluster_snapshots(sim, volume_id).size(), 1u);

  // Grow the volume, then revert: the snapshot's image (and size) comes back.
  ok_json(drv->call("extend_volume", "{\"volume\":" + vobj + ",\"new_size\":3}"), "extend");
  EXPECT_EQ((*sim.volume_by_id(volume_id))["totalSize"].i64(), 3 * kGiB);
  const std::string snap_full = snapshot_obj(sid, vobj, vid, project, sm);
  const std::string rreq = "{\"volume\":" + vobj + ",\"snapshot\":" + snap_full + "}";
  const uint64_t rollbacks = sim.count("RollbackToSnapshot");
  ok_json(drv->call("revert_to_snapshot", rreq), "revert");
  EXPECT_EQ(sim.count("RollbackToSnapshot"), rollbacks + 1);
  EXPECT_EQ((*sim.volume_by_id(volume_id))["totalSize"].i64(), 2 * kGiB);
  EXPECT_EQ(cluster_snapshots(sim, volume_id).size(), 1u) << "saveCurrentState false: no extra snapshot";
  ok_json(drv->call("revert_to_snapshot", rreq), "revert again");

  // Delete, twice; the volume stays.
  const std::string dreq = "{\"snapshot\":" + snap_full + "}";
  ok_json(drv->call("delete_snapshot", dreq), "delete_snapshot");
  EXPECT_TRUE(cluster_snapshots(sim, volume_id).empty());
  ok_json(drv->call("delete_snapshot", dreq), "delete_snapshot again");
  ASSERT_TRUE(sim.volume_by_id(volume_id).has_value());
  EXPECT_EQ((*sim.volume_by_id(volume_id))["status"].str(), "active");
  ok_json(drv->call("delete_volume", "{\"volume\":" + vobj + "}"), "delete_volume");
}

TEST_F(DataSnapshots, RpcCostIsConstant) {
  auto drv = ready_driver(sim);
  const std::string project = unique_name("it-snapcost");
  const std::string vid = new_uuid();
  const Json vm = ok_json(drv->call("create_volume", "{\"volume\":" + volume_obj(vid, 1, project) + "}"), "create");
  const std::string vobj = volume_obj(vid, 1, project, kGoldSpecs, vm);
  const std::string sid = new_uuid();
  uint64_t before = sim.total();
  const Json sm = ok_json(drv->call("create_snapshot", "{\"snapshot\":" + snapshot_obj(sid, vobj, vid, project) + "}"),
                          "create_snapshot");
  EXPECT_EQ(sim.total() - before, 3u) << "ListVolumes + ListSnapshots + CreateSnapshot";
  before = sim.total();
  ok_json(drv->call("delete_snapshot", "{\"snapshot\":" + snapshot_obj(sid, vobj, vid, project, sm) + "}"), "delete");
  EXPECT_EQ(sim.total() - before, 2u) << "ListSnapshots + DeleteSnapshot";
  ok_json(drv->call("delete_volume", "{\"volume\":" + vobj + "}"), "delete_volume");
}

TEST_F(DataSnapshots, LostCreateSnapshotAnswerNeverDuplicates) {
  auto drv = ready_driver(sim);
  const std::string project = unique_name("it-snaplost");
  const std::string vid = new_uuid();
  const Json vm = ok_json(drv->call("create_volume", "{\"volume\":" + volume_obj(vid, 1, project) + "}"), "create");
  const std::string vobj = volume_obj(vid, 1, project, kGoldSpecs, vm);
  // CreateSnapshot commits, but its answer comes only after the caller's deadline.
  sim.server().add_fault("CreateSnapshot:latency=4000:count=1");
  const std::string sreq = "{\"snapshot\":" + snapshot_obj(new_uuid(), vobj, vid, project) + "}";
  vh::CallOptions opts;
  opts.timeout = std::chrono::milliseconds(1500);
  const auto lost = drv->call("create_snapshot", sreq, opts);
  sim.server().clear_faults();
  EXPECT_TRUE(IsError(lost, VDP_E_TIMEOUT, "create_snapshot"));
  EXPECT_TRUE(Json::parse(lost.output)["retryable"].boolean()) << lost.output;
  ASSERT_EQ(cluster_snapshots(sim, first_id(vm)).size(), 1u) << "the snapshot committed";
  // The host repeats the request to learn the outcome: the committed snapshot, no duplicate.
  const uint64_t creates = sim.count("CreateSnapshot");
  const Json sm = ok_json(drv->call("create_snapshot", sreq), "repeat after the lost answer");
  EXPECT_EQ(sim.count("CreateSnapshot"), creates);
  const auto snaps = cluster_snapshots(sim, first_id(vm));
  ASSERT_EQ(snaps.size(), 1u);
  EXPECT_EQ(std::to_string(snaps[0]["snapshotID"].i64()), split(sm["provider_id"].str()).at(0));
  ok_json(drv->call("delete_volume", "{\"volume\":" + vobj + "}"), "delete_volume");
}

TEST_F(DataSnapshots, SnapshotOfAMissingVolumeIsNotFound) {
  auto drv = ready_driver(sim);
  const std::string vid = new_uuid();
  const std::string vobj =
      volume_obj(vid, 1, "it-snap-none", kGoldSpecs, Json(), ",\"provider_id\":\"999999 1 " + sim.cluster_info()["uuid"].str() + "\"");
  const auto r = drv->call("create_snapshot", "{\"snapshot\":" + snapshot_obj(new_uuid(), vobj, vid, "it-snap-none") + "}");
  EXPECT_TRUE(IsError(r, VDP_E_NOT_FOUND, "create_snapshot", "snapshot.volume"));
}

TEST_F(DataSnapshots, DeleteOfAMissingSnapshotNeverDeletesAVolume) {
  // Cinder 2.0.6 fell back to delete_volume(snapshot): a volume whose id equals the snapshot's went.
  auto drv = ready_driver(sim);
  const std::string project = unique_name("it-snapdel");
  const std::string vid = new_uuid();
  const Json vm = ok_json(drv->call("create_volume", "{\"volume\":" + volume_obj(vid, 1, project) + "}"), "create");
  const std::string vobj = volume_obj(vid, 1, project, kGoldSpecs, vm);
  const uint64_t deletes = sim.count("DeleteVolume");
  ok_json(drv->call("delete_snapshot", "{\"snapshot\":" + snapshot_obj(vid, vobj, vid, project) + "}"),
          "delete of a snapshot that does not exist");
  EXPECT_EQ(sim.count("DeleteVolume"), deletes);
  ASSERT_TRUE(sim.volume_by_id(first_id(vm)).has_value());
  EXPECT_EQ((*sim.volume_by_id(first_id(vm)))["status"].str(), "active");
  ok_json(drv->call("delete_volume", "{\"volume\":" + vobj + "}"), "delete_volume");
}

TEST_F(DataSnapshots, RevertToAnUnknownSnapshotIsNotFound) {
  auto drv = ready_driver(sim);
  const std::string project = unique_name("it-snaprev");
  const std::string vid = new_uuid();
  const Json vm = ok_json(drv->call("create_volume", "{\"volume\":" + volume_obj(vid, 1, project) + "}"), "create");
  const std::string vobj = volume_obj(vid, 1, project, kGoldSpecs, vm);
  const auto r = drv->call("revert_to_snapshot", "{\"volume\":" + vobj + ",\"snapshot\":" +
                                                     snapshot_obj(new_uuid(), vobj, vid, project) + "}");
  EXPECT_TRUE(IsError(r, VDP_E_NOT_FOUND, "revert_to_snapshot", "snapshot"));
  ok_json(drv->call("delete_volume", "{\"volume\":" + vobj + "}"), "delete_volume");
}

TEST(DataSnapshotLimit, SnapshotLimitIsResourceExhausted) {
  auto opts = Sim::default_options();
  opts.snapshots_per_volume_max = 1;
  Sim sim(opts);
  auto drv = ready_driver(sim);
  const std::string project = unique_name("it-snaplim");
  const std::string vid = new_uuid();
  const Json vm = ok_json(drv->call("create_volume", "{\"volume\":" + volume_obj(vid, 1, project) + "}"), "create");
  const std::string vobj = volume_obj(vid, 1, project, kGoldSpecs, vm);
  ok_json(drv->call("create_snapshot", "{\"snapshot\":" + snapshot_obj(new_uuid(), vobj, vid, project) + "}"), "first");
  const uint64_t before = sim.count("CreateSnapshot");
  const auto r = drv->call("create_snapshot", "{\"snapshot\":" + snapshot_obj(new_uuid(), vobj, vid, project) + "}");
  EXPECT_TRUE(IsError(r, VDP_E_RESOURCE_EXHAUSTED, "create_snapshot"));
  const Json err = Json::parse(r.output);
  EXPECT_EQ(err["backend_error"].str(), "xMaxSnapshotsPerVolumeExceeded");
  EXPECT_NE(err["message"].str().find("maximum number of snapshots"), std::string::npos) << r.output;
  EXPECT_EQ(sim.count("CreateSnapshot") - before, 5u) << "retried (Element may free a slot) before giving up";
  EXPECT_EQ(cluster_snapshots(sim, first_id(vm)).size(), 1u);
}

}  // namespace
}  // namespace it
