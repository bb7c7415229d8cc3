// The call sequences of real Element clients (Cinder 2.2.5, Cinder 2.0.6, Trident) replayed as they
// send them (endpoint versions, extra and Go-zero-value parameters, string-typed values), asserting on
// the members each client reads and the errors it keys on.
#include <regex>
#include <string>

#include "sim_test_util.h"

using namespace simtest;

namespace {

element_sim::Options flow_options() {
  element_sim::Options o = plain_options();
  o.manual_clock = true;
  return o;
}

class ClientFlows : public ::testing::Test {
 protected:
  Json rpc(const std::string& method, const std::string& params, const char* version) {
    Json j = call(sim, method, params, version);
    EXPECT_TRUE(result(j)) << method << "@" << version << " " << params << " -> " << print(j.get());
    return j;
  }
  Json fails(const std::string& method, const std::string& params, const char* version) {
    Json j = call(sim, method, params, version);
    EXPECT_FALSE(result(j)) << method << " unexpectedly succeeded";
    const cJSON* err = get(j.get(), "error");
    EXPECT_TRUE(err && num(err, "code") != 0) << "Trident detects errors only by a non-zero code";
    return j;
  }
  static const cJSON* first(const Json& j, const char* list) { return cJSON_GetArrayItem(get(result(j), list), 0); }
  static std::string s(int64_t v) { return std::to_string(v); }
  element_sim::Server sim{flow_options()};
};

// Cinder 2.2.5 (modern), §6.1.
TEST_F(ClientFlows, CinderModern) {
  // init: cluster reference and stats
  Json info = rpc("GetClusterInfo", "{}", "1.0");
  for (const char* k : {"svip", "mvip", "uuid", "uniqueID", "name"})
    EXPECT_TRUE(cJSON_IsString(get(get(result(info), "clusterInfo"), k))) << k;
  EXPECT_TRUE(cJSON_IsString(get(result(rpc("GetClusterVersionInfo", "{}", "1.0")), "clusterAPIVersion")));
  Json cap = rpc("GetClusterCapacity", "{}", "8.0");
  for (const char* k : {"maxUsedSpace", "usedSpace", "maxProvisionedSpace", "uniqueBlocksUsedSpace", "uniqueBlocks",
                        "zeroBlocks", "nonZeroBlocks", "currentIOPS", "averageIOPS", "maxIOPS", "peakIOPS"})
    EXPECT_TRUE(cJSON_IsNumber(get(get(result(cap), "clusterCapacity"), k))) << k;
  // account selection: none yet -> GetAccountByName (xUnknownAccount) -> AddAccount with equal secrets
  EXPECT_EQ(print(get(result(rpc("ListAccounts", "{}", "1.0")), "accounts")), "[]");
  Json unknown = fails("GetAccountByName", R"({"username":"cinder-proj1"})", "1.0");
  EXPECT_NE(print(unknown.get()).find("xUnknownAccount"), std::string::npos);  // substring match on the repr
  rpc("AddAccount",
      R"({"username":"cinder-proj1","initiatorSecret":"A1B2C3D4E5F6","targetSecret":"A1B2C3D4E5F6","attributes":{}})",
      "1.0");
  Json acct = rpc("GetAccountByName", R"({"username":"cinder-proj1"})", "1.0");
  const int64_t a = num(get(result(acct), "account"), "accountID");
  EXPECT_EQ(str(get(result(acct), "account"), "targetSecret"), "A1B2C3D4E5F6");
  EXPECT_EQ(print(get(result(rpc("ListVolumesForAccount", "{\"accountID\":" + s(a) + "}", "1.0")), "volumes")), "[]");
  // create_volume: duplicate check, create on 1.0 with sliceCount, then fetch the iqn
  EXPECT_EQ(print(get(result(rpc("ListVolumes", R"({"volumeName":"UUID-1111"})", "8.0")), "volumes")), "[]");
  Json cv = rpc("CreateVolume",
                "{\"name\":\"UUID-1111\",\"accountID\":" + s(a) +
                    R"(,"sliceCount":1,"totalSize":1073741824,"enable512e":true,)"
                    R"("attributes":{"uuid":"1111","is_clone":false,"created_at":"2024-01-01T00:00:00","cinder-name":null},)"
                    R"("qos":{"minIOPS":100,"maxIOPS":15000,"burstIOPS":15000}})",
                "1.0");
  const int64_t v = num(result(cv), "volumeID");
  Json lva = rpc("ListVolumesForAccount", "{\"accountID\":" + s(a) + "}", "1.0");
  const cJSON* vol = first(lva, "volumes");
  EXPECT_EQ(num(vol, "volumeID"), v);
  EXPECT_TRUE(std::regex_match(str(vol, "iqn"), std::regex(R"(iqn\.2010-01\.com\.solidfire:[a-z0-9]{4}\.uuid-1111\.\d+)")));
  EXPECT_TRUE(cJSON_IsNull(get(get(vol, "attributes"), "cinder-name")));
  EXPECT_EQ(num(get(vol, "qos"), "minIOPS"), 100);
  // stats: ListVolumes {} reads qos.minIOPS of every volume
  Json all = rpc("ListVolumes", "{}", "8.0");
  const cJSON* it = nullptr;
  cJSON_ArrayForEach(it, get(result(all), "volumes")) EXPECT_TRUE(cJSON_IsNumber(get(get(it, "qos"), "minIOPS")));
  // create_snapshot -> ListSnapshots {} finds it by name
  rpc("CreateSnapshot", "{\"volumeID\":" + s(v) + ",\"name\":\"UUID-snap1\",\"enableRemoteReplication\":true}", "6.0");
  Json snaps = rpc("ListSnapshots", "{}", "6.0");
  const cJSON* sn = first(snaps, "snapshots");
  EXPECT_EQ(str(sn, "name"), "UUID-snap1");
  const int64_t snap = num(sn, "snapshotID");
  // create_volume_from_snapshot: CloneVolume on 6.0, ModifyVolume on 1.0 right away, poll the account
  Json cl = rpc("CloneVolume",
                "{\"name\":\"UUID-2222\",\"newAccountID\":" + s(a) + ",\"snapshotID\":" + s(snap) +
                    ",\"volumeID\":" + s(v) + ",\"newSize\":2147483648}",
                "6.0");
  const int64_t clone = num(result(cl), "volumeID");
  rpc("ModifyVolume",
      "{\"volumeID\":" + s(clone) + ",\"name\":\"UUID-2222\",\"accountID\":" + s(a) +
          R"(,"sliceCount":1,"totalSize":2147483648,"enable512e":true,"attributes":{"uuid":"2222","is_clone":true},)"
          R"("qos":{"minIOPS":100,"maxIOPS":15000,"burstIOPS":15000}})",
      "1.0");
  Json after = rpc("ListVolumesForAccount", "{\"accountID\":" + s(a) + "}", "1.0");
  EXPECT_EQ(volume_ids(after), (std::vector<int64_t>{v, clone}));  // visible at once, status not checked
  rpc("ModifyVolume", "{\"volumeID\":" + s(v) + ",\"attributes\":{\"uuid\":\"1111\",\"cloned_count\":1}}", "1.0");
  // lookup by provider_id: ListVolumes{startVolumeID as a STRING, limit 1}, verify the id
  Json by_id = rpc("ListVolumes", "{\"startVolumeID\":\"" + s(clone) + "\",\"limit\":1}", "8.0");
  EXPECT_EQ(volume_ids(by_id), std::vector<int64_t>{clone});
  // revert_to_snapshot: extra accountID, saveCurrentState as the string 'false'
  Json rb = rpc("RollbackToSnapshot",
                "{\"accountID\":" + s(a) + ",\"volumeID\":" + s(v) + ",\"snapshotID\":" + s(snap) +
                    ",\"saveCurrentState\":\"false\"}",
                "6.0");
  EXPECT_TRUE(cJSON_IsNull(get(result(rb), "snapshot")));
  EXPECT_EQ(cJSON_GetArraySize(get(result(rpc("ListSnapshots", "{\"volumeID\":" + s(v) + "}", "6.0")), "snapshots")), 1)
      << "'false' must not save the current state";
  // extend_volume on 5.0 with qos
  rpc("ModifyVolume", "{\"volumeID\":" + s(v) + R"(,"totalSize":3221225472,"qos":{"minIOPS":100,"maxIOPS":15000,"burstIOPS":15000}})",
      "5.0");
  // attach with sf_enable_vag: create with the volume, add the same volume (already a member), second
  // host with the same IQN hits xExceededLimit naming the IQN
  const std::string iqn = "iqn.1993-08.org.debian:01:cafe";
  EXPECT_EQ(print(get(result(rpc("ListVolumeAccessGroups", "{}", "7.0")), "volumeAccessGroups")), "[]");
  Json vag = rpc("CreateVolumeAccessGroup",
                 "{\"name\":\"iqn-1993-08-org-debian-01-cafe\",\"initiators\":[\"" + iqn + "\"],\"volumes\":[" + s(v) +
                     "],\"attributes\":{\"openstack\":true}}",
                 "7.0");
  const int64_t g = num(result(vag), "volumeAccessGroupID");
  Json again = fails("AddVolumesToVolumeAccessGroup",
                     "{\"volumeAccessGroupID\":" + s(g) + ",\"volumes\":[" + s(v) + "]}", "7.0");
  EXPECT_EQ(error_name(again), "xAlreadyInVolumeAccessGroup");
  Json dup = fails("CreateVolumeAccessGroup",
                   "{\"name\":\"other\",\"initiators\":[\"" + iqn + "\"],\"volumes\":[null],\"attributes\":{\"openstack\":true}}",
                   "7.0");
  EXPECT_EQ(error_name(dup), "xExceededLimit");
  EXPECT_NE(print(dup.get()).find(iqn), std::string::npos) << "Cinder looks for the IQN in the error";
  // multiattach detach: GetVolumeStats.volumeStats.volumeAccessGroups, then remove
  Json st = rpc("GetVolumeStats", "{\"volumeID\":" + s(v) + "}", "1.0");
  EXPECT_EQ(print(get(get(result(st), "volumeStats"), "volumeAccessGroups")), "[" + s(g) + "]");
  rpc("RemoveVolumesFromVolumeAccessGroup", "{\"volumeAccessGroupID\":" + s(g) + ",\"volumes\":[" + s(v) + "]}", "7.0");
  EXPECT_EQ(error_name(fails("RemoveVolumesFromVolumeAccessGroup",
                             "{\"volumeAccessGroupID\":" + s(g) + ",\"volumes\":[" + s(v) + "]}", "7.0")),
            "xNotInVolumeAccessGroup");
  rpc("DeleteVolumeAccessGroup", "{\"volumeAccessGroupID\":" + s(g) + "}", "7.0");
  EXPECT_EQ(error_name(fails("DeleteVolumeAccessGroup", "{\"volumeAccessGroupID\":" + s(g) + "}", "7.0")),
            "xVolumeAccessGroupIDDoesNotExist");
  // consistency group snapshot and its deletion without saveMembers
  Json gs = rpc("CreateGroupSnapshot", "{\"name\":\"UUID-cg1\",\"volumes\":[" + s(v) + "," + s(clone) + "]}", "7.0");
  Json lgs = rpc("ListGroupSnapshots", "{}", "7.0");
  const cJSON* grp = first(lgs, "groupSnapshots");
  EXPECT_EQ(str(grp, "name"), "UUID-cg1");
  EXPECT_EQ(cJSON_GetArraySize(get(grp, "members")), 2);
  rpc("DeleteGroupSnapshot", "{\"groupSnapshotID\":" + s(num(result(gs), "groupSnapshotID")) + "}", "7.0");
  EXPECT_EQ(cJSON_GetArraySize(get(result(rpc("ListSnapshots", "{}", "6.0")), "snapshots")), 1) << "members deleted too";
  // delete_snapshot, delete_volume (active -> DeleteVolume + PurgeDeletedVolume on 1.0)
  rpc("DeleteSnapshot", "{\"snapshotID\":" + s(snap) + "}", "6.0");
  EXPECT_EQ(str(first(rpc("ListVolumes", "{\"startVolumeID\":\"" + s(v) + "\",\"limit\":1}", "8.0"), "volumes"), "status"),
            "active");
  rpc("DeleteVolume", "{\"volumeID\":" + s(v) + "}", "1.0");
  rpc("PurgeDeletedVolume", "{\"volumeID\":" + s(v) + "}", "1.0");
  // bug 1782373: the purged id now yields the NEXT volume, which the client must reject
  EXPECT_EQ(volume_ids(rpc("ListVolumes", "{\"startVolumeID\":\"" + s(v) + "\",\"limit\":1}", "8.0")),
            std::vector<int64_t>{clone});
}

// Cinder 2.0.6 (Newton), §6.2 and §9: 1.0 endpoints, legacy capacity keys, no purge.
TEST_F(ClientFlows, CinderNewton) {
  Json cap = rpc("GetClusterCapacity", "{}", "1.0");
  for (const char* k : {"maxProvisionedSpace", "usedSpace", "compressionPercent", "deDuplicationPercent",
                        "thinProvisioningPercent"})
    EXPECT_TRUE(cJSON_IsNumber(get(get(result(cap), "clusterCapacity"), k))) << k;
  // template account: ANY error from GetAccountByName -> AddAccount (12 distinct characters)
  fails("GetAccountByName", R"({"username":"openstack-vtemplate"})", "1.0");
  Json add = rpc("AddAccount",
                 R"({"username":"openstack-vtemplate","initiatorSecret":"QWERTYUIOP12","targetSecret":"QWERTYUIOP12","attributes":{}})",
                 "1.0");
  const int64_t t = num(result(add), "accountID");
  rpc("GetAccountByID", "{\"accountID\":" + s(t) + "}", "1.0");
  const std::string create = "{\"name\":\"OpenStackIMG-img1\",\"accountID\":" + s(t) +
                             R"(,"sliceCount":1,"totalSize":1073741824,"enable512e":true,)"
                             R"("attributes":{"image_info":{"image_updated_at":"2013-09-28T15:27:36.325355"}},"qos":{}})";
  const int64_t old = num(result(rpc("CreateVolume", create, "1.0")), "volumeID");
  // Newton passes the whole CreateVolume dict to ListVolumesForAccount
  rpc("ListVolumesForAccount", create, "1.0");
  // out-of-date image: DeleteVolume with an extra accountID and NO purge, then a new cache volume
  rpc("DeleteVolume", "{\"accountID\":" + s(t) + ",\"volumeID\":" + s(old) + "}", "1.0");
  const int64_t fresh = num(result(rpc("CreateVolume", create, "1.0")), "volumeID");
  Json both = rpc("ListVolumesForAccount", create, "1.0");
  EXPECT_EQ(volume_ids(both), (std::vector<int64_t>{old, fresh})) << "the deleted copy stays listed until purged";
  EXPECT_EQ(str(first(both, "volumes"), "status"), "deleted");
  EXPECT_EQ(volume_ids(rpc("ListActiveVolumes", "{}", "1.0")), std::vector<int64_t>{fresh});
  // the failed-cache cleanup path sends DeleteVolume without volumeID: it must fail
  EXPECT_EQ(error_name(fails("DeleteVolume", create, "1.0")), "xMissingParameter");
  // attach/detach: the whole attribute dict is replaced, JSON nulls round-trip
  rpc("ModifyVolume", "{\"volumeID\":" + s(fresh) + R"(,"attributes":{"image_info":{},"attach_time":null,"attached_to":null}})",
      "1.0");
  Json listed = rpc("ListVolumesForAccount", "{\"accountID\":" + s(t) + "}", "1.0");
  EXPECT_EQ(print(get(cJSON_GetArrayItem(get(result(listed), "volumes"), 1), "attributes")),
            R"({"image_info":{},"attach_time":null,"attached_to":null})");
  // extend without qos on 5.0, retype with qos only on 1.0
  rpc("ModifyVolume", "{\"volumeID\":" + s(fresh) + ",\"totalSize\":2147483648}", "5.0");
  rpc("ModifyVolume", "{\"volumeID\":" + s(fresh) + R"(,"qos":{"minIOPS":200,"maxIOPS":400,"burstIOPS":400}})", "1.0");
  // the auto-purge after ~8 h finally drops the old copy
  sim.advance_clock(int64_t{8} * 3600 * 1000 + 1000);
  EXPECT_EQ(volume_ids(rpc("ListVolumesForAccount", "{\"accountID\":" + s(t) + "}", "1.0")), std::vector<int64_t>{fresh});
}

// Trident solidfire-san, §6.3: 8.0 endpoint, Go zero values everywhere.
TEST_F(ClientFlows, Trident) {
  fails("GetAccountByName", R"({"username":"trident"})", "8.0");
  Json add = rpc("AddAccount", R"({"username":"trident"})", "8.0");
  const int64_t a = num(result(add), "accountID");
  const cJSON* acct = get(result(add), "account");
  EXPECT_GE(str(acct, "initiatorSecret").size(), 12u);
  EXPECT_GE(str(acct, "targetSecret").size(), 12u);
  Json qos = rpc("GetDefaultQoS", "{}", "8.0");
  EXPECT_EQ(num(result(qos), "minIOPS"), 50);
  EXPECT_EQ(num(result(qos), "maxIOPS"), 15000);
  rpc("ListVolumeAccessGroups", "{}", "8.0");
  Json hw = rpc("GetClusterHardwareInfo", "{}", "8.0");
  EXPECT_TRUE(cJSON_IsObject(get(get(result(hw), "clusterHardwareInfo"), "nodes")));
  // Create: qos {} always sent, attributes with a JSON string value
  Json cv = rpc("CreateVolume",
                "{\"name\":\"pvc-1\",\"accountID\":" + s(a) +
                    R"(,"totalSize":1000000000,"enable512e":false,"qos":{},"attributes":{"trident":"{\"v\":1}","docker-name":"pvc-1","fstype":"ext4"}})",
                "8.0");
  const int64_t v = num(result(cv), "volumeID");
  Json found = rpc("ListVolumes", "{\"accounts\":[" + s(a) + "],\"startVolumeID\":" + s(v) + ",\"limit\":1}", "8.0");
  const cJSON* vol = first(found, "volumes");
  EXPECT_EQ(num(vol, "volumeID"), v);
  EXPECT_TRUE(cJSON_IsNull(get(vol, "virtualVolumeID")) || cJSON_IsString(get(vol, "virtualVolumeID")));
  EXPECT_EQ(str(get(vol, "attributes"), "fstype"), "ext4");
  // Clone with zero values, then the lookup by id
  Json cl = rpc("CloneVolume",
                "{\"volumeID\":" + s(v) +
                    R"(,"name":"pvc-2","newAccountID":0,"newSize":0,"access":"","snapshotID":0,"attributes":{"docker-name":"pvc-2"}})",
                "8.0");
  const int64_t c = num(result(cl), "volumeID");
  EXPECT_EQ(num(first(rpc("ListVolumes", "{\"accounts\":[" + s(a) + "],\"startVolumeID\":" + s(c) + ",\"limit\":1}", "8.0"),
                      "volumes"),
                "volumeID"),
            c);
  rpc("ModifyVolume", "{\"volumeID\":" + s(c) + R"(,"qos":{"minIOPS":1000,"maxIOPS":2000,"burstIOPS":4000}})", "8.0");
  // Resize: accountID + totalSize + qos {}
  Json rs = rpc("ModifyVolume", "{\"volumeID\":" + s(v) + ",\"accountID\":" + s(a) + ",\"totalSize\":2000000000,\"qos\":{}}",
                "8.0");
  EXPECT_EQ(num(get(result(rs), "volume"), "totalSize"), 2000683008);
  // Snapshots with Trident's zero values
  Json cs = rpc("CreateSnapshot",
                "{\"volumeID\":" + s(v) +
                    R"(,"snapshotID":0,"name":"snap-1","enableRemoteReplication":false,"retention":"","attributes":null})",
                "8.0");
  const int64_t sid = num(result(cs), "snapshotID");
  Json listed = rpc("ListSnapshots", "{\"volumeID\":" + s(v) + "}", "8.0");
  const cJSON* sn = first(listed, "snapshots");
  for (const char* k : {"snapshotID", "volumeID", "totalSize", "groupID"}) EXPECT_TRUE(cJSON_IsNumber(get(sn, k))) << k;
  for (const char* k : {"name", "checksum", "status", "createTime"}) EXPECT_TRUE(cJSON_IsString(get(sn, k))) << k;
  rpc("RollbackToSnapshot",
      "{\"volumeID\":" + s(v) + ",\"snapshotID\":" + s(sid) + R"(,"saveCurrentState":false,"name":"","attributes":null})",
      "8.0");
  EXPECT_EQ(cJSON_GetArraySize(get(result(rpc("ListSnapshots", "{\"volumeID\":" + s(v) + "}", "8.0")), "snapshots")), 1);
  // Publish with a configured VAG: nil slice is a no-op, an existing member is xAlreadyInVolumeAccessGroup
  Json vag = rpc("CreateVolumeAccessGroup", R"({"name":"trident","initiators":["iqn.2024-01.io.k8s:node1"]})", "8.0");
  const int64_t g = num(result(vag), "volumeAccessGroupID");
  rpc("ListVolumeAccessGroups", "{\"startVolumeAccessGroupID\":" + s(g) + ",\"limit\":1}", "8.0");
  rpc("AddVolumesToVolumeAccessGroup", "{\"volumeAccessGroupID\":" + s(g) + ",\"volumes\":null}", "8.0");
  rpc("AddVolumesToVolumeAccessGroup", "{\"volumeAccessGroupID\":" + s(g) + ",\"volumes\":[" + s(v) + "]}", "8.0");
  EXPECT_EQ(error_name(fails("AddVolumesToVolumeAccessGroup",
                             "{\"volumeAccessGroupID\":" + s(g) + ",\"volumes\":[" + s(v) + "]}", "8.0")),
            "xAlreadyInVolumeAccessGroup");
  // CHAP publish reads the account's secrets
  Json by_id = rpc("GetAccountByID", "{\"accountID\":" + s(a) + "}", "8.0");
  EXPECT_EQ(str(get(result(by_id), "account"), "targetSecret"), str(acct, "targetSecret"));
  // Snapshot limit error name Trident maps to "max limit reached"
  for (int i = 1; i < 32; ++i) rpc("CreateSnapshot", "{\"volumeID\":" + s(v) + "}", "8.0");
  EXPECT_EQ(error_name(fails("CreateSnapshot", "{\"volumeID\":" + s(v) + "}", "8.0")), "xMaxSnapshotsPerVolumeExceeded");
  // Destroy: DeleteVolume + PurgeDeletedVolume
  rpc("DeleteVolume", "{\"volumeID\":" + s(v) + "}", "8.0");
  rpc("PurgeDeletedVolume", "{\"volumeID\":" + s(v) + "}", "8.0");
  EXPECT_EQ(volume_ids(rpc("ListVolumesForAccount", "{\"accountID\":" + s(a) + "}", "8.0")), std::vector<int64_t>{c});
}

}  // namespace
