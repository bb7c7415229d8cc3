// ModifyVolume, CloneVolume + async results, RestoreDeletedVolume, ListDeletedVolumes.
#include "sim_test_util.h"

using namespace simtest;

namespace {

element_sim::Options manual_options() {
  element_sim::Options o = plain_options();
  o.manual_clock = true;
  o.clone_delay_ms = 200;
  return o;
}

class ModifyClone : public ::testing::Test {
 protected:
  void SetUp() override {
    acc = add_account(sim, "tenant");
    acc2 = add_account(sim, "other");
    vol = create_volume(sim, "src", acc, R"(,"attributes":{"a":1},"qos":{"minIOPS":100,"maxIOPS":1000,"burstIOPS":2000})");
  }
  Json volume(int64_t id) {
    Json j = call(sim, "ListVolumes", "{\"volumeIDs\":[" + std::to_string(id) + "]}");
    return j;
  }
  static const cJSON* first(const Json& j) { return cJSON_GetArrayItem(get(result(j), "volumes"), 0); }
  Json modify(const std::string& extra, const std::string& version = "12.3") {
    return call(sim, "ModifyVolume", "{\"volumeID\":" + std::to_string(vol) + extra + "}", version);
  }
  Json clone(const std::string& extra = "", int64_t src = 0) {
    return call(sim, "CloneVolume",
                "{\"volumeID\":" + std::to_string(src ? src : vol) + ",\"name\":\"c\"" + extra + "}", "8.0");
  }
  element_sim::Server sim{manual_options()};
  int64_t acc = 0, acc2 = 0, vol = 0;
};

// ------------------------------------------------------------------ ModifyVolume

TEST_F(ModifyClone, ModifyResultShapeAndIgnoredParams) {
  // Cinder's post-clone call: name, sliceCount, enable512e, equal totalSize are accepted; no rename.
  Json j = modify(R"(,"name":"renamed","sliceCount":1,"enable512e":false,"totalSize":1073741824,"qos":{})", "1.0");
  const cJSON* r = result(j);
  ASSERT_TRUE(r) << print(j.get());
  EXPECT_FALSE(get(r, "volume")) << "no volume object before endpoint 8.0";
  Json listed = volume(vol);
  const cJSON* v = first(listed);
  EXPECT_EQ(str(v, "name"), "src");
  EXPECT_TRUE(cJSON_IsTrue(get(v, "enable512e")));
  EXPECT_EQ(num(v, "totalSize"), 1073741824);
  EXPECT_TRUE(cJSON_IsObject(get(r, "curve")));
  EXPECT_EQ(num(get(v, "qos"), "minIOPS"), 100);
}

TEST_F(ModifyClone, ResizeGrowOnly) {
  EXPECT_EQ(error_name(modify(R"(,"totalSize":1000000000)")), "xVolumeShrinkProhibited");
  EXPECT_EQ(error_message(modify(R"(,"totalSize":1000000000)")), "Lowering a volume size is not allowed.");
  Json j = modify(R"(,"totalSize":"2000000000")");
  EXPECT_EQ(num(get(result(j), "volume"), "totalSize"), 2000683008);
  EXPECT_EQ(error_name(modify(R"(,"totalSize":17592186044417)")), "xInvalidParameter");
  Json cap = call(sim, "GetClusterCapacity");
  EXPECT_EQ(num(get(result(cap), "clusterCapacity"), "provisionedSpace"), 2000683008);
}

TEST_F(ModifyClone, QosPartialMergeAndValidation) {
  Json j = modify(R"(,"qos":{"maxIOPS":1500})");
  const cJSON* q = get(get(result(j), "volume"), "qos");
  EXPECT_EQ(num(q, "minIOPS"), 100);
  EXPECT_EQ(num(q, "maxIOPS"), 1500);
  EXPECT_EQ(num(q, "burstIOPS"), 2000);
  Json bad = modify(R"(,"qos":{"maxIOPS":3000})");  // above burst 2000
  EXPECT_EQ(error_name(bad), "xInvalidParameter");
  EXPECT_NE(error_message(bad).find("qos.maxIOPS"), std::string::npos);
  EXPECT_EQ(error_name(modify(R"(,"qos":{"minIOPS":20})")), "xInvalidParameter");
  // a failed call changes nothing
  EXPECT_EQ(num(get(first(volume(vol)), "qos"), "maxIOPS"), 1500);
}

TEST_F(ModifyClone, AttributesReplaceAndClear) {
  Json j = modify(R"(,"attributes":{"b":{"c":null}})");
  EXPECT_EQ(print(get(get(result(j), "volume"), "attributes")), R"({"b":{"c":null}})");
  j = modify(R"(,"attributes":null)");  // null = not specified
  EXPECT_EQ(print(get(get(result(j), "volume"), "attributes")), R"({"b":{"c":null}})");
  j = modify(R"(,"attributes":{})");
  EXPECT_EQ(print(get(get(result(j), "volume"), "attributes")), "{}");
  EXPECT_EQ(error_name(modify(R"(,"attributes":{"x":")" + std::string(1000, 'y') + "\"}")), "xInvalidParameter");
}

TEST_F(ModifyClone, AccountMove) {
  Json j = modify(",\"accountID\":\"" + std::to_string(acc2) + "\"");
  EXPECT_EQ(num(get(result(j), "volume"), "accountID"), acc2);
  EXPECT_TRUE(volume_ids(call(sim, "ListVolumesForAccount", "{\"accountID\":" + std::to_string(acc) + "}")).empty());
  EXPECT_EQ(volume_ids(call(sim, "ListVolumesForAccount", "{\"accountID\":" + std::to_string(acc2) + "}")),
            std::vector<int64_t>{vol});
  EXPECT_EQ(error_name(modify(R"(,"accountID":999)")), "xAccountIDDoesNotExist");
}

TEST_F(ModifyClone, AccessValues) {
  EXPECT_EQ(str(get(result(modify(R"(,"access":"readOnly")")), "volume"), "access"), "readOnly");
  // replicationTarget on an unpaired volume reads as locked
  EXPECT_EQ(str(get(result(modify(R"(,"access":"replicationTarget")", "8.0")), "volume"), "access"), "locked");
  EXPECT_EQ(str(get(result(modify(R"(,"access":"readWrite")")), "volume"), "access"), "readWrite");
  EXPECT_EQ(error_name(modify(R"(,"access":"bogus")")), "xUnrecognizedEnumString");
}

TEST_F(ModifyClone, ModifyErrors) {
  EXPECT_EQ(error_name(call(sim, "ModifyVolume", "{}")), "xMissingParameter");
  EXPECT_EQ(error_name(call(sim, "ModifyVolume", R"({"volumeID":999})")), "xVolumeIDDoesNotExist");
  EXPECT_EQ(error_name(call(sim, "ModifyVolume", R"({"volumeID":"x"})")), "xInvalidParameter");
  EXPECT_EQ(error_name(modify(R"(,"fifoSize":40)")), "xInvalidParameter");
  EXPECT_EQ(error_name(modify(R"(,"qosPolicyID":5)")), "xQoSPolicyDoesNotExist");
}

// ------------------------------------------------------------------ CloneVolume

TEST_F(ModifyClone, CloneVisibleAtOnceThenActive) {
  Json j = clone(",\"newAccountID\":" + std::to_string(acc2));
  const cJSON* r = result(j);
  ASSERT_TRUE(r) << print(j.get());
  const int64_t id = num(r, "volumeID");
  EXPECT_GT(num(r, "cloneID"), 0);
  const int64_t handle = num(r, "asyncHandle");
  EXPECT_GT(handle, 0);
  EXPECT_TRUE(cJSON_IsObject(get(r, "curve")));
  const cJSON* v = get(r, "volume");
  EXPECT_EQ(str(v, "status"), "init");
  EXPECT_EQ(num(v, "accountID"), acc2);
  EXPECT_EQ(num(v, "totalSize"), 1073741824);
  EXPECT_EQ(print(get(v, "attributes")), R"({"a":1})");  // inherited
  EXPECT_EQ(num(get(v, "qos"), "maxIOPS"), 1000);        // inherited
  EXPECT_TRUE(cJSON_IsTrue(get(v, "enable512e")));

  // visible in ListVolumesForAccount and ListVolumes at once, not (yet) in ListActiveVolumes
  EXPECT_EQ(volume_ids(call(sim, "ListVolumesForAccount", "{\"accountID\":" + std::to_string(acc2) + "}")),
            std::vector<int64_t>{id});
  EXPECT_EQ(volume_ids(call(sim, "ListActiveVolumes", "{}")), std::vector<int64_t>{vol});
  // ModifyVolume works on it immediately
  Json m = call(sim, "ModifyVolume", "{\"volumeID\":" + std::to_string(id) + R"(,"attributes":{"is_clone":true}})");
  EXPECT_TRUE(result(m)) << print(m.get());

  Json running = call(sim, "GetAsyncResult", "{\"asyncHandle\":" + std::to_string(handle) + "}");
  EXPECT_EQ(str(result(running), "status"), "running");
  EXPECT_EQ(str(result(running), "resultType"), "Clone");
  EXPECT_TRUE(cJSON_IsObject(get(result(running), "details")));

  sim.advance_clock(200);
  EXPECT_EQ(str(first(volume(id)), "status"), "active");
  Json done = call(sim, "GetAsyncResult", "{\"asyncHandle\":" + std::to_string(handle) + ",\"keepResult\":true}");
  const cJSON* dr = result(done);
  EXPECT_EQ(str(dr, "status"), "complete");
  EXPECT_EQ(num(get(dr, "result"), "volumeID"), id);
  EXPECT_EQ(str(get(dr, "result"), "message"), "Clone complete.");
  EXPECT_FALSE(get(dr, "details"));
  // kept: readable again, then purged on read
  EXPECT_TRUE(result(call(sim, "GetAsyncResult", "{\"asyncHandle\":" + std::to_string(handle) + "}")));
  Json gone = call(sim, "GetAsyncResult", "{\"asyncHandle\":" + std::to_string(handle) + "}");
  EXPECT_EQ(error_name(gone), "xAsyncHandleDoesNotExist");
  EXPECT_EQ(error_message(gone), "Async handle " + std::to_string(handle) + " does not exist.");
}

TEST_F(ModifyClone, CloneOverridesAndSmallerSize) {
  Json j = clone(R"(,"newSize":1000000000,"attributes":{"x":"y"},"enable512e":false,"access":"readOnly")");
  const cJSON* v = get(result(j), "volume");
  ASSERT_TRUE(v) << print(j.get());
  EXPECT_EQ(num(v, "totalSize"), 1000341504);
  EXPECT_EQ(print(get(v, "attributes")), R"({"x":"y"})");
  EXPECT_FALSE(cJSON_IsTrue(get(v, "enable512e")));
  EXPECT_EQ(str(v, "access"), "readOnly");
  EXPECT_EQ(num(v, "accountID"), acc);
}

TEST_F(ModifyClone, CloneDoesNotInheritVagMembership) {
  call(sim, "CreateVolumeAccessGroup", "{\"name\":\"g\",\"volumes\":[" + std::to_string(vol) + "]}", "7.0");
  Json j = clone();
  EXPECT_EQ(cJSON_GetArraySize(get(get(result(j), "volume"), "volumeAccessGroups")), 0);
}

TEST_F(ModifyClone, CloneFromSnapshot) {
  Json s = call(sim, "CreateSnapshot", "{\"volumeID\":" + std::to_string(vol) + "}", "6.0");
  const int64_t sid = num(result(s), "snapshotID");
  call(sim, "ModifyVolume", "{\"volumeID\":" + std::to_string(vol) + ",\"totalSize\":2000000000}");
  Json j = clone(",\"snapshotID\":" + std::to_string(sid));
  EXPECT_EQ(num(get(result(j), "volume"), "totalSize"), 1073741824);  // the snapshot's size
  const int64_t other = create_volume(sim, "other", acc);
  EXPECT_EQ(error_name(clone(",\"snapshotID\":" + std::to_string(sid), other)), "xSnapshotIDDoesNotExist");
  EXPECT_EQ(error_name(clone(",\"snapshotID\":999")), "xSnapshotIDDoesNotExist");
  EXPECT_TRUE(result(clone(",\"snapshotID\":0")));  // Go zero value = none
}

TEST_F(ModifyClone, MaxClonesPerVolume) {
  EXPECT_TRUE(result(clone()));
  EXPECT_TRUE(result(clone()));
  Json third = clone();
  EXPECT_EQ(error_name(third), "xMaxClonesPerVolumeExceeded");
  sim.advance_clock(200);
  EXPECT_TRUE(result(clone()));
}

TEST_F(ModifyClone, PurgedUnfinishedClonesFreeTheirJobSlot) {
  for (int i = 0; i < 2; ++i) {
    const int64_t id = num(result(clone()), "volumeID");
    call(sim, "DeleteVolume", "{\"volumeID\":" + std::to_string(id) + "}");
    call(sim, "PurgeDeletedVolume", "{\"volumeID\":" + std::to_string(id) + "}");
  }
  EXPECT_TRUE(result(clone()));  // no clone job is still running
}

TEST_F(ModifyClone, CloneErrors) {
  EXPECT_EQ(error_name(call(sim, "CloneVolume", R"({"volumeID":1})")), "xMissingParameter");
  EXPECT_EQ(error_name(call(sim, "CloneVolume", R"({"name":"x"})")), "xMissingParameter");
  EXPECT_EQ(error_name(clone("", 999)), "xVolumeIDDoesNotExist");
  EXPECT_EQ(error_name(clone(R"(,"newAccountID":999)")), "xAccountIDDoesNotExist");
  EXPECT_EQ(error_name(clone(R"(,"newSize":5)")), "xInvalidParameter");
  EXPECT_EQ(error_name(clone(R"(,"access":"nope")")), "xUnrecognizedEnumString");
}

TEST_F(ModifyClone, ListAsyncResults) {
  clone();
  Json j = call(sim, "ListAsyncResults", "{}", "9.0");
  const cJSON* arr = get(result(j), "asyncHandles");
  ASSERT_EQ(cJSON_GetArraySize(arr), 1) << print(j.get());
  const cJSON* h = cJSON_GetArrayItem(arr, 0);
  EXPECT_FALSE(cJSON_IsTrue(get(h, "completed")));
  EXPECT_EQ(str(h, "resultType"), "Clone");
  EXPECT_TRUE(cJSON_IsObject(get(h, "data")));
  EXPECT_EQ(error_name(call(sim, "ListAsyncResults", "{}", "8.0")), "xUnknownAPIMethod");
  Json none = call(sim, "ListAsyncResults", R"({"asyncResultTypes":["DriveAdd"]})", "9.0");
  EXPECT_EQ(cJSON_GetArraySize(get(result(none), "asyncHandles")), 0);
}

TEST_F(ModifyClone, ZeroCloneDelayIsActiveAtOnce) {
  element_sim::Options o = plain_options();
  o.clone_delay_ms = 0;
  element_sim::Server s(o);
  const int64_t a = add_account(s, "t");
  const int64_t v = create_volume(s, "v", a);
  Json j = call(s, "CloneVolume", "{\"volumeID\":" + std::to_string(v) + ",\"name\":\"c\"}");
  EXPECT_EQ(str(get(result(j), "volume"), "status"), "active");
  Json ar = call(s, "GetAsyncResult", "{\"asyncHandle\":" + std::to_string(num(result(j), "asyncHandle")) + "}");
  EXPECT_EQ(str(result(ar), "status"), "complete");
}

// ------------------------------------------------------------------ Restore / ListDeleted

TEST_F(ModifyClone, RestoreDeletedVolume) {
  const std::string id = "{\"volumeID\":" + std::to_string(vol) + "}";
  EXPECT_EQ(error_name(call(sim, "RestoreDeletedVolume", id)), "xVolumeNotDeleted");
  call(sim, "DeleteVolume", id);
  EXPECT_EQ(volume_ids(call(sim, "ListDeletedVolumes", "{}")), std::vector<int64_t>{vol});
  Json r = call(sim, "RestoreDeletedVolume", id, "1.0");
  EXPECT_EQ(print(result(r)), "{}");
  Json lv = volume(vol);
  const cJSON* v = first(lv);
  EXPECT_EQ(str(v, "status"), "active");
  EXPECT_EQ(str(v, "deleteTime"), "");
  EXPECT_EQ(str(v, "purgeTime"), "");
  EXPECT_TRUE(volume_ids(call(sim, "ListDeletedVolumes", "{}")).empty());
  EXPECT_EQ(error_name(call(sim, "RestoreDeletedVolume", R"({"volumeID":999})")), "xVolumeIDDoesNotExist");
}

TEST_F(ModifyClone, DuplicateNamesSurvivePurgeOfTheFirst) {
  // The name index keys on the first volume's name storage; purging it must keep the others findable.
  const int64_t b = create_volume(sim, "src", acc);
  const int64_t c = create_volume(sim, "src", acc);
  EXPECT_EQ(volume_ids(call(sim, "ListVolumes", R"({"volumeName":"src"})")), (std::vector<int64_t>{vol, b, c}));
  for (const char* m : {"DeleteVolume", "PurgeDeletedVolume"}) call(sim, m, "{\"volumeID\":" + std::to_string(vol) + "}");
  EXPECT_EQ(volume_ids(call(sim, "ListVolumes", R"({"volumeName":"src"})")), (std::vector<int64_t>{b, c}));
  for (const char* m : {"DeleteVolume", "PurgeDeletedVolume"}) call(sim, m, "{\"volumeID\":" + std::to_string(b) + "}");
  EXPECT_EQ(volume_ids(call(sim, "ListVolumes", R"({"volumeName":"src"})")), std::vector<int64_t>{c});
  EXPECT_EQ(volume_ids(call(sim, "ListVolumes", R"({"volumeName":"src","startVolumeID":1})")), std::vector<int64_t>{c});
}

TEST_F(ModifyClone, AutoPurgeOnManualClock) {
  call(sim, "DeleteVolume", "{\"volumeID\":" + std::to_string(vol) + "}");
  sim.advance_clock(8LL * 3600 * 1000 + 1000);
  EXPECT_TRUE(volume_ids(call(sim, "ListVolumes", "{}")).empty());
}

}  // namespace

namespace {

TEST_F(ModifyClone, ListSyncJobsShowsClonesInProgress) {
  EXPECT_EQ(cJSON_GetArraySize(get(result(call(sim, "ListSyncJobs")), "syncJobs")), 0);
  Json c = clone();
  const int64_t clone_id = num(result(c), "cloneID"), new_id = num(result(c), "volumeID");
  sim.advance_clock(100);
  Json l = call(sim, "ListSyncJobs");
  const cJSON* jobs = get(result(l), "syncJobs");
  ASSERT_EQ(cJSON_GetArraySize(jobs), 1) << print(l.get());
  const cJSON* j = cJSON_GetArrayItem(jobs, 0);
  EXPECT_EQ(num(j, "cloneID"), clone_id);
  EXPECT_EQ(num(j, "srcVolumeID"), vol);
  EXPECT_EQ(num(j, "dstVolumeID"), new_id);
  EXPECT_EQ(num(j, "percentComplete"), 50);
  EXPECT_EQ(str(j, "type"), "clone");
  sim.advance_clock(100);  // done
  EXPECT_EQ(cJSON_GetArraySize(get(result(call(sim, "ListSyncJobs")), "syncJobs")), 0);
}

TEST_F(ModifyClone, VolumeEfficiencyAndListVolumeStats) {
  Json e = call(sim, "GetVolumeEfficiency", "{\"volumeID\":" + std::to_string(vol) + "}");
  ASSERT_TRUE(result(e)) << print(e.get());
  EXPECT_DOUBLE_EQ(get(result(e), "compression")->valuedouble, 2.0);
  EXPECT_DOUBLE_EQ(get(result(e), "deduplication")->valuedouble, 2.0);
  EXPECT_GT(get(result(e), "thinProvisioning")->valuedouble, 1.0);
  EXPECT_EQ(error_name(call(sim, "GetVolumeEfficiency", "{\"volumeID\":999}")), "xVolumeIDDoesNotExist");
  Json s = call(sim, "ListVolumeStats", "{\"volumeIDs\":[" + std::to_string(vol) + "]}");
  const cJSON* stats = get(result(s), "volumeStats");
  ASSERT_EQ(cJSON_GetArraySize(stats), 1) << print(s.get());
  EXPECT_EQ(num(cJSON_GetArrayItem(stats, 0), "volumeID"), vol);
  EXPECT_EQ(error_name(call(sim, "ListVolumeStats", "{}")), "xMissingParameter");
  EXPECT_EQ(error_name(call(sim, "ListVolumeStats", "{\"volumeIDs\":[999]}")), "xVolumeIDDoesNotExist");
  // since-versions from the SDK descriptor: ListVolumeStats 7.0, GetVolumeEfficiency 6.0
  EXPECT_TRUE(result(call(sim, "ListVolumeStats", "{\"volumeIDs\":[" + std::to_string(vol) + "]}", "7.0")));
  EXPECT_EQ(error_name(call(sim, "ListVolumeStats", "{\"volumeIDs\":[1]}", "6.0")), "xUnknownAPIMethod");
  EXPECT_TRUE(result(call(sim, "GetVolumeEfficiency", "{\"volumeID\":" + std::to_string(vol) + "}", "6.0")));
  EXPECT_EQ(error_name(call(sim, "GetVolumeEfficiency", "{\"volumeID\":" + std::to_string(vol) + "}", "5.1")),
            "xUnknownAPIMethod");
}

}  // namespace
