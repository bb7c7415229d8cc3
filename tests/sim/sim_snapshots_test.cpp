// Snapshots and group snapshots.
#include "sim_test_util.h"

using namespace simtest;

namespace {

class Snapshots : public ::testing::Test {
 protected:
  void SetUp() override {
    acc = add_account(sim, "tenant");
    vol = create_volume(sim, "v1", acc);
    vol2 = create_volume(sim, "v2", acc);
  }
  static element_sim::Options opts() {
    element_sim::Options o = plain_options();
    o.snapshots_per_volume_max = 4;
    o.volumes_per_group_snapshot_max = 3;
    return o;
  }
  Json snap(int64_t v, const std::string& extra = "", const std::string& version = "6.0") {
    return call(sim, "CreateSnapshot", "{\"volumeID\":" + std::to_string(v) + extra + "}", version);
  }
  int64_t snap_id(int64_t v, const std::string& extra = "") {
    Json j = snap(v, extra);
    EXPECT_TRUE(result(j)) << print(j.get());
    return result(j) ? num(result(j), "snapshotID") : -1;
  }
  std::vector<int64_t> snapshot_ids(const std::string& params) {
    Json j = call(sim, "ListSnapshots", params, "6.0");
    std::vector<int64_t> ids;
    const cJSON* s = nullptr;
    cJSON_ArrayForEach(s, get(result(j), "snapshots")) ids.push_back(num(s, "snapshotID"));
    return ids;
  }
  int64_t volume_size(int64_t v) {
    Json j = call(sim, "ListVolumes", "{\"volumeIDs\":[" + std::to_string(v) + "]}");
    return num(cJSON_GetArrayItem(get(result(j), "volumes"), 0), "totalSize");
  }
  element_sim::Server sim{opts()};
  int64_t acc = 0, vol = 0, vol2 = 0;
};

TEST_F(Snapshots, CreateShape) {
  Json j = snap(vol, R"(,"name":"s1","enableRemoteReplication":"true","attributes":{"k":"v"},"retention":"01:00:00")");
  const cJSON* r = result(j);
  ASSERT_TRUE(r) << print(j.get());
  EXPECT_EQ(num(r, "snapshotID"), 1);
  EXPECT_EQ(str(r, "checksum").rfind("0x", 0), 0u);
  const cJSON* s = get(r, "snapshot");
  EXPECT_EQ(num(s, "snapshotID"), 1);
  EXPECT_EQ(num(s, "volumeID"), vol);
  EXPECT_EQ(str(s, "name"), "s1");
  EXPECT_EQ(str(s, "checksum"), str(r, "checksum"));
  EXPECT_TRUE(cJSON_IsTrue(get(s, "enableRemoteReplication")));
  EXPECT_TRUE(cJSON_IsString(get(s, "expirationTime")));
  EXPECT_EQ(str(s, "status"), "done");
  EXPECT_EQ(num(s, "totalSize"), 1073741824);
  EXPECT_EQ(num(s, "groupID"), 0);
  EXPECT_EQ(str(s, "groupSnapshotUUID"), "00000000-0000-0000-0000-000000000000");
  EXPECT_EQ(str(s, "volumeName"), "v1");
  EXPECT_EQ(print(get(s, "attributes")), R"({"k":"v"})");
  EXPECT_TRUE(cJSON_IsArray(get(s, "remoteStatuses")));
  EXPECT_TRUE(cJSON_IsNull(get(s, "virtualVolumeID")));
  EXPECT_EQ(str(s, "snapshotUUID").size(), 36u);
}

TEST_F(Snapshots, TridentZeroValuesAndDefaultName) {
  Json j = snap(vol, R"(,"snapshotID":0,"name":"","enableRemoteReplication":false,"retention":"","attributes":null)");
  const cJSON* s = get(result(j), "snapshot");
  ASSERT_TRUE(s) << print(j.get());
  EXPECT_EQ(str(s, "name").size(), 20u);  // timestamp
  EXPECT_TRUE(cJSON_IsNull(get(s, "expirationTime")));
  EXPECT_EQ(print(get(s, "attributes")), "{}");
}

TEST_F(Snapshots, ErrorsAndGating) {
  EXPECT_EQ(error_name(snap(vol, "", "5.0")), "xUnknownAPIMethod");
  EXPECT_EQ(error_name(call(sim, "CreateSnapshot", "{}", "6.0")), "xMissingParameter");
  EXPECT_EQ(error_name(snap(999)), "xVolumeIDDoesNotExist");
  EXPECT_EQ(error_name(snap(vol, R"(,"snapshotID":77)")), "xSnapshotIDDoesNotExist");
  EXPECT_EQ(error_name(snap(vol, ",\"name\":\"" + std::string(256, 'n') + "\"")), "xInvalidParameter");
  EXPECT_EQ(error_name(snap(vol, R"(,"retention":"soon")")), "xInvalidParameter");
  EXPECT_EQ(error_name(call(sim, "DeleteSnapshot", R"({"snapshotID":5})", "6.0")), "xSnapshotIDDoesNotExist");
  EXPECT_EQ(error_name(call(sim, "ListSnapshots", R"({"volumeID":999})", "6.0")), "xVolumeIDDoesNotExist");
}

TEST_F(Snapshots, PerVolumeLimit) {
  for (int i = 0; i < 4; ++i) snap_id(vol);
  Json j = snap(vol);
  EXPECT_EQ(error_name(j), "xMaxSnapshotsPerVolumeExceeded");
  snap_id(vol2);  // other volumes unaffected
  call(sim, "DeleteSnapshot", R"({"snapshotID":1})", "6.0");
  EXPECT_TRUE(result(snap(vol)));
}

TEST_F(Snapshots, ListByVolumeAndId) {
  const int64_t a = snap_id(vol), b = snap_id(vol2), c = snap_id(vol);
  EXPECT_EQ(snapshot_ids("{}"), (std::vector<int64_t>{a, b, c}));
  EXPECT_EQ(snapshot_ids("{\"volumeID\":\"" + std::to_string(vol) + "\"}"), (std::vector<int64_t>{a, c}));
  EXPECT_EQ(snapshot_ids("{\"snapshotID\":" + std::to_string(b) + "}"), (std::vector<int64_t>{b}));
  EXPECT_TRUE(snapshot_ids("{\"snapshotID\":99}").empty());
  EXPECT_EQ(print(result(call(sim, "DeleteSnapshot", "{\"snapshotID\":" + std::to_string(a) + "}", "6.0"))), "{}");
  EXPECT_EQ(snapshot_ids("{}"), (std::vector<int64_t>{b, c}));
}

TEST_F(Snapshots, SnapshotsSurviveDeleteAndGoOnPurge) {
  auto snap_blocks = [&] {
    return num(get(result(call(sim, "GetClusterCapacity")), "clusterCapacity"), "snapshotNonZeroBlocks");
  };
  EXPECT_EQ(snap_blocks(), 0);
  snap_id(vol);
  EXPECT_EQ(snap_blocks(), 1073741824 / 4096 / 8);  // capacity model: 1/8 of the blocks written
  call(sim, "DeleteVolume", "{\"volumeID\":" + std::to_string(vol) + "}");
  EXPECT_EQ(snapshot_ids("{}").size(), 1u);
  call(sim, "PurgeDeletedVolume", "{\"volumeID\":" + std::to_string(vol) + "}");
  EXPECT_TRUE(snapshot_ids("{}").empty());
  EXPECT_EQ(snap_blocks(), 0);
}

TEST_F(Snapshots, ModifySnapshot) {
  const int64_t id = snap_id(vol);
  Json j = call(sim, "ModifySnapshot",
                "{\"snapshotID\":" + std::to_string(id) +
                    R"(,"enableRemoteReplication":true,"expirationTime":"2030-01-02T03:04:05Z","snapMirrorLabel":"daily"})",
                "8.0");
  const cJSON* s = get(result(j), "snapshot");
  ASSERT_TRUE(s) << print(j.get());
  EXPECT_TRUE(cJSON_IsTrue(get(s, "enableRemoteReplication")));
  EXPECT_EQ(str(s, "expirationTime"), "2030-01-02T03:04:05Z");
  EXPECT_EQ(str(s, "snapMirrorLabel"), "daily");
  EXPECT_EQ(error_name(call(sim, "ModifySnapshot", R"({"snapshotID":99})", "8.0")), "xSnapshotIDDoesNotExist");
  // ModifySnapshot is an 8.0 method (SDK descriptor), unlike the rest of the family (6.0)
  EXPECT_EQ(error_name(call(sim, "ModifySnapshot", "{\"snapshotID\":" + std::to_string(id) + "}", "7.4")),
            "xUnknownAPIMethod");
}

TEST_F(Snapshots, RollbackSaveCurrentStateVariants) {
  const int64_t s1 = snap_id(vol, R"(,"name":"test1")");
  call(sim, "ModifyVolume", "{\"volumeID\":" + std::to_string(vol) + ",\"totalSize\":2000000000}");
  // Cinder: the string "false" is false — no new snapshot
  Json j = call(sim, "RollbackToSnapshot",
                "{\"accountID\":1,\"volumeID\":" + std::to_string(vol) + ",\"snapshotID\":" + std::to_string(s1) +
                    ",\"saveCurrentState\":\"false\"}",
                "6.0");
  ASSERT_TRUE(result(j)) << print(j.get());
  EXPECT_TRUE(cJSON_IsNull(get(result(j), "snapshotID")));
  EXPECT_TRUE(cJSON_IsString(get(result(j), "checksum")));
  EXPECT_EQ(snapshot_ids("{}").size(), 1u);
  EXPECT_EQ(volume_size(vol), 1073741824);
  // Trident: false with Go zero values
  j = call(sim, "RollbackToSnapshot",
           "{\"volumeID\":" + std::to_string(vol) + ",\"snapshotID\":" + std::to_string(s1) +
               R"(,"saveCurrentState":false,"name":"","attributes":null})",
           "6.0");
  EXPECT_EQ(snapshot_ids("{}").size(), 1u);
  // true: the current image is saved first
  j = call(sim, "RollbackToSnapshot",
           "{\"volumeID\":" + std::to_string(vol) + ",\"snapshotID\":" + std::to_string(s1) +
               R"(,"saveCurrentState":true})",
           "6.0");
  const cJSON* r = result(j);
  ASSERT_TRUE(r) << print(j.get());
  EXPECT_EQ(num(r, "snapshotID"), s1 + 1);
  EXPECT_EQ(str(get(r, "snapshot"), "name"), "test1-copy");
  EXPECT_EQ(snapshot_ids("{}").size(), 2u);
  EXPECT_EQ(error_name(call(sim, "RollbackToSnapshot",
                            "{\"volumeID\":" + std::to_string(vol2) + ",\"snapshotID\":" + std::to_string(s1) + "}",
                            "6.0")),
            "xSnapshotIDDoesNotExist");
  EXPECT_EQ(error_name(call(sim, "RollbackToSnapshot", "{\"volumeID\":" + std::to_string(vol) + "}", "6.0")),
            "xMissingParameter");
}

// ------------------------------------------------------------------ group snapshots

TEST_F(Snapshots, GroupSnapshotShape) {
  Json j = call(sim, "CreateGroupSnapshot",
                "{\"name\":\"cg\",\"volumes\":[" + std::to_string(vol) + "," + std::to_string(vol2) + "]}", "7.0");
  const cJSON* r = result(j);
  ASSERT_TRUE(r) << print(j.get());
  const int64_t gid = num(r, "groupSnapshotID");
  const cJSON* members = get(r, "members");
  ASSERT_EQ(cJSON_GetArraySize(members), 2);
  const cJSON* m0 = cJSON_GetArrayItem(members, 0);
  EXPECT_EQ(num(m0, "volumeID"), vol);
  EXPECT_GT(num(m0, "snapshotID"), 0);
  EXPECT_TRUE(cJSON_IsString(get(m0, "checksum")));
  const cJSON* g = get(r, "groupSnapshot");
  EXPECT_EQ(num(g, "groupSnapshotID"), gid);
  EXPECT_EQ(str(g, "name"), "cg");
  EXPECT_EQ(str(g, "status"), "done");
  const cJSON* full = cJSON_GetArrayItem(get(g, "members"), 1);
  EXPECT_EQ(str(full, "name"), "cg");
  EXPECT_EQ(num(full, "groupID"), gid);
  EXPECT_EQ(str(full, "groupSnapshotUUID"), str(g, "groupSnapshotUUID"));
  // members are ordinary snapshots too
  EXPECT_EQ(snapshot_ids("{\"volumeID\":" + std::to_string(vol2) + "}").size(), 1u);
  Json l = call(sim, "ListGroupSnapshots", "{}", "7.0");
  EXPECT_EQ(cJSON_GetArraySize(get(result(l), "groupSnapshots")), 1);
  l = call(sim, "ListGroupSnapshots", "{\"volumes\":[999]}", "7.0");
  EXPECT_EQ(cJSON_GetArraySize(get(result(l), "groupSnapshots")), 0);
}

TEST_F(Snapshots, GroupSnapshotErrors) {
  EXPECT_EQ(error_name(call(sim, "CreateGroupSnapshot", R"({"volumes":[1]})", "6.0")), "xUnknownAPIMethod");
  EXPECT_EQ(error_name(call(sim, "CreateGroupSnapshot", "{}", "7.0")), "xMissingParameter");
  EXPECT_EQ(error_name(call(sim, "CreateGroupSnapshot", R"({"volumes":[999]})", "7.0")), "xVolumeIDDoesNotExist");
  const int64_t v3 = create_volume(sim, "v3", acc), v4 = create_volume(sim, "v4", acc);
  Json j = call(sim, "CreateGroupSnapshot",
                "{\"volumes\":[" + std::to_string(vol) + "," + std::to_string(vol2) + "," + std::to_string(v3) + "," +
                    std::to_string(v4) + "]}",
                "7.0");
  EXPECT_EQ(error_name(j), "xExceededLimit");
  for (int i = 0; i < 4; ++i) snap_id(vol2);
  j = call(sim, "CreateGroupSnapshot", "{\"volumes\":[" + std::to_string(vol) + "," + std::to_string(vol2) + "]}",
           "7.0");
  EXPECT_EQ(error_name(j), "xMaxSnapshotsPerVolumeExceeded");
  EXPECT_TRUE(snapshot_ids("{\"volumeID\":" + std::to_string(vol) + "}").empty());  // nothing created
  EXPECT_EQ(error_name(call(sim, "DeleteGroupSnapshot", R"({"groupSnapshotID":9})", "7.0")),
            "xGroupSnapshotIDDoesNotExist");
}

TEST_F(Snapshots, DeleteGroupSnapshotWithAndWithoutSaveMembers) {
  const std::string vols = "{\"volumes\":[" + std::to_string(vol) + "," + std::to_string(vol2) + "]}";
  int64_t g1 = num(result(call(sim, "CreateGroupSnapshot", vols, "7.0")), "groupSnapshotID");
  int64_t g2 = num(result(call(sim, "CreateGroupSnapshot", vols, "7.0")), "groupSnapshotID");
  // Cinder: no saveMembers -> members deleted
  EXPECT_EQ(print(result(call(sim, "DeleteGroupSnapshot", "{\"groupSnapshotID\":" + std::to_string(g1) + "}", "7.0"))),
            "{}");
  EXPECT_EQ(snapshot_ids("{}").size(), 2u);
  call(sim, "DeleteGroupSnapshot", "{\"groupSnapshotID\":" + std::to_string(g2) + ",\"saveMembers\":\"true\"}", "7.0");
  Json l = call(sim, "ListSnapshots", "{}", "6.0");
  const cJSON* arr = get(result(l), "snapshots");
  ASSERT_EQ(cJSON_GetArraySize(arr), 2);
  EXPECT_EQ(num(cJSON_GetArrayItem(arr, 0), "groupID"), 0);
  EXPECT_EQ(cJSON_GetArraySize(get(result(call(sim, "ListGroupSnapshots", "{}", "7.0")), "groupSnapshots")), 0);
}

TEST_F(Snapshots, RollbackToGroupSnapshot) {
  const std::string vols = "{\"volumes\":[" + std::to_string(vol) + "," + std::to_string(vol2) + "]}";
  const int64_t g = num(result(call(sim, "CreateGroupSnapshot", vols, "7.0")), "groupSnapshotID");
  call(sim, "ModifyVolume", "{\"volumeID\":" + std::to_string(vol) + ",\"totalSize\":2000000000}");
  Json j = call(sim, "RollbackToGroupSnapshot", "{\"groupSnapshotID\":" + std::to_string(g) + "}", "7.0");
  ASSERT_TRUE(result(j)) << print(j.get());
  EXPECT_EQ(volume_size(vol), 1073741824);
  j = call(sim, "RollbackToGroupSnapshot", "{\"groupSnapshotID\":" + std::to_string(g) + ",\"saveCurrentState\":true}",
           "7.0");
  EXPECT_GT(num(result(j), "groupSnapshotID"), g);
  EXPECT_EQ(cJSON_GetArraySize(get(result(call(sim, "ListGroupSnapshots", "{}", "7.0")), "groupSnapshots")), 2);
  EXPECT_EQ(error_name(call(sim, "RollbackToGroupSnapshot", R"({"groupSnapshotID":99})", "7.0")),
            "xGroupSnapshotIDDoesNotExist");
}

}  // namespace
