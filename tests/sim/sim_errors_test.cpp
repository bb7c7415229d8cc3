// Every error each method can return (README methods table), one case per (method, error), each on a
// fresh two-cluster simulator with lowered limits: the reply is a JSON-RPC error with code 500, the
// documented name, a non-empty message and the request id echoed. Also the lenient typing per method
// family (numeric strings, "true"/"false" strings, Go zero values).
#include <cctype>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "sim_test_util.h"

using namespace simtest;

namespace {

element_sim::Options lowered() {
  element_sim::Options o = plain_options();
  o.clusters = 2;
  o.manual_clock = true;
  o.volumes_per_account_max = 3;
  o.snapshots_per_volume_max = 2;
  o.volumes_per_group_snapshot_max = 2;
  o.clone_jobs_per_volume_max = 1;
  o.clone_jobs_per_cluster_max = 2;
  o.volume_access_group_count_max = 2;
  o.initiators_per_volume_access_group_max = 1;
  o.volumes_per_volume_access_group_max = 1;
  o.volume_access_groups_per_volume_max = 1;
  o.qos_policy_count_max = 1;
  o.cluster_pairs_max = 1;
  return o;
}

// A fresh cluster pair and shorthands for building preconditions.
struct World {
  element_sim::Server sim{lowered()};
  Json rpc(const std::string& m, const std::string& p = "{}", int cluster = 0) {
    return call(sim, m, p, "12.5", cluster);
  }
  int64_t account(const std::string& name = "tenant", int cluster = 0) { return add_account(sim, name, cluster); }
  int64_t volume(int64_t acc, const std::string& name = "v", int cluster = 0) {
    return create_volume(sim, name, acc, "", cluster);
  }
  int64_t snapshot(int64_t vol) {
    Json j = rpc("CreateSnapshot", "{\"volumeID\":" + std::to_string(vol) + "}");
    EXPECT_TRUE(result(j)) << print(j.get());
    return result(j) ? num(result(j), "snapshotID") : -1;
  }
  int64_t group(const std::string& params) {
    Json j = rpc("CreateVolumeAccessGroup", params);
    EXPECT_TRUE(result(j)) << print(j.get());
    return result(j) ? num(result(j), "volumeAccessGroupID") : -1;
  }
  // Pairs cluster 0 with cluster 1.
  void pair_clusters() {
    Json s = rpc("StartClusterPairing");
    Json c = rpc("CompleteClusterPairing", "{\"clusterPairingKey\":\"" + str(result(s), "clusterPairingKey") + "\"}", 1);
    EXPECT_TRUE(result(c)) << print(c.get());
  }
  std::string volume_key(int64_t vol) {
    return str(result(rpc("StartVolumePairing", "{\"volumeID\":" + std::to_string(vol) + "}")), "volumePairingKey");
  }
  // Volume `src` on cluster 0 paired with a new volume on cluster 1 (whose id is returned).
  int64_t pair_volume(int64_t src) {
    const int64_t tgt = volume(account("t", 1), "tgt", 1);
    Json c = rpc("CompleteVolumePairing",
                 "{\"volumeID\":" + std::to_string(tgt) + ",\"volumePairingKey\":\"" + volume_key(src) + "\"}", 1);
    EXPECT_TRUE(result(c)) << print(c.get());
    return tgt;
  }
};

std::string id(int64_t v) { return std::to_string(v); }
std::string vol_param(int64_t v) { return "{\"volumeID\":" + id(v) + "}"; }

struct Case {
  const char* method;
  const char* error;
  const char* why;
  // Builds the preconditions and returns the params of the failing call on cluster 0 (or, with
  // cluster 1 in `on`, on cluster 1).
  std::function<std::string(World&)> params;
  int on = 0;
};

const std::vector<Case>& cases() {
  static const std::vector<Case> all = {
      // ---------------------------------------------------------------- accounts
      {"GetAccountByName", "xUnknownAccount", "no such user", [](World&) { return R"({"username":"nobody"})"; }},
      {"GetAccountByName", "xMissingParameter", "no username", [](World&) { return "{}"; }},
      {"GetAccountByID", "xAccountIDDoesNotExist", "unknown id", [](World&) { return R"({"accountID":77})"; }},
      {"GetAccountByID", "xInvalidParameter", "not a number", [](World&) { return R"({"accountID":"seven"})"; }},
      {"AddAccount", "xDuplicateUsername", "taken",
       [](World& w) {
         w.account("dup");
         return R"({"username":"dup"})";
       }},
      {"AddAccount", "xInvalidParameter", "65 characters",
       [](World&) { return "{\"username\":\"" + std::string(65, 'u') + "\"}"; }},
      {"AddAccount", "xInvalidParameter", "11-character secret",
       [](World&) { return R"({"username":"a","initiatorSecret":"ABCDEFGHIJK"})"; }},
      {"AddAccount", "xInvalidParameter", "17-character secret",
       [](World&) { return R"({"username":"a","targetSecret":"ABCDEFGHIJKLMNOPQ"})"; }},
      {"AddAccount", "xMissingParameter", "empty username", [](World&) { return R"({"username":""})"; }},
      {"ModifyAccount", "xAccountIDDoesNotExist", "unknown id", [](World&) { return R"({"accountID":9})"; }},
      {"ModifyAccount", "xDuplicateUsername", "rename onto another",
       [](World& w) {
         w.account("a");
         return "{\"accountID\":" + id(w.account("b")) + ",\"username\":\"a\"}";
       }},
      {"ModifyAccount", "xUnrecognizedEnumString", "bad status",
       [](World& w) { return "{\"accountID\":" + id(w.account()) + ",\"status\":\"gone\"}"; }},
      {"ModifyAccount", "xInvalidParameter", "short secret",
       [](World& w) { return "{\"accountID\":" + id(w.account()) + ",\"targetSecret\":\"short\"}"; }},
      {"RemoveAccount", "xAccountIDDoesNotExist", "unknown id", [](World&) { return R"({"accountID":9})"; }},
      {"RemoveAccount", "xAccountHasVolumes", "deleted but unpurged volume",
       [](World& w) {
         const int64_t a = w.account();
         w.rpc("DeleteVolume", vol_param(w.volume(a)));
         return "{\"accountID\":" + id(a) + "}";
       }},
      {"ListAccounts", "xInvalidParameter", "negative limit", [](World&) { return R"({"limit":-1})"; }},
      // ---------------------------------------------------------------- volumes
      {"CreateVolume", "xMissingParameter", "no name",
       [](World& w) { return "{\"accountID\":" + id(w.account()) + ",\"totalSize\":1000000000}"; }},
      {"CreateVolume", "xMissingParameter", "no totalSize",
       [](World& w) { return "{\"name\":\"v\",\"accountID\":" + id(w.account()) + "}"; }},
      {"CreateVolume", "xAccountIDDoesNotExist", "unknown account",
       [](World&) { return R"({"name":"v","accountID":5,"totalSize":1000000000})"; }},
      {"CreateVolume", "xInvalidParameter", "name of 65 characters",
       [](World& w) {
         return "{\"name\":\"" + std::string(65, 'n') + "\",\"accountID\":" + id(w.account()) + ",\"totalSize\":1000000000}";
       }},
      {"CreateVolume", "xInvalidParameter", "below 1e9 bytes",
       [](World& w) { return "{\"name\":\"v\",\"accountID\":" + id(w.account()) + ",\"totalSize\":999999999}"; }},
      {"CreateVolume", "xInvalidParameter", "above 16 TiB",
       [](World& w) { return "{\"name\":\"v\",\"accountID\":" + id(w.account()) + ",\"totalSize\":17592186044417}"; }},
      {"CreateVolume", "xInvalidParameter", "minIOPS 49",
       [](World& w) {
         return "{\"name\":\"v\",\"accountID\":" + id(w.account()) + ",\"totalSize\":1000000000,\"qos\":{\"minIOPS\":49}}";
       }},
      {"CreateVolume", "xInvalidParameter", "max above burst",
       [](World& w) {
         return "{\"name\":\"v\",\"accountID\":" + id(w.account()) +
                ",\"totalSize\":1000000000,\"qos\":{\"maxIOPS\":2000,\"burstIOPS\":1000}}";
       }},
      {"CreateVolume", "xInvalidParameter", "attributes of 1000 bytes",
       [](World& w) {
         return "{\"name\":\"v\",\"accountID\":" + id(w.account()) + ",\"totalSize\":1000000000,\"attributes\":{\"k\":\"" +
                std::string(992, 'x') + "\"}}";
       }},
      {"CreateVolume", "xUnrecognizedEnumString", "bad access",
       [](World& w) {
         return "{\"name\":\"v\",\"accountID\":" + id(w.account()) + ",\"totalSize\":1000000000,\"access\":\"open\"}";
       }},
      {"CreateVolume", "xQoSPolicyDoesNotExist", "unknown policy",
       [](World& w) {
         return "{\"name\":\"v\",\"accountID\":" + id(w.account()) + ",\"totalSize\":1000000000,\"qosPolicyID\":4}";
       }},
      {"CreateVolume", "xExceededLimit", "volumes per account (deleted ones count)",
       [](World& w) {
         const int64_t a = w.account();
         for (int i = 0; i < 3; ++i) w.rpc("DeleteVolume", vol_param(w.volume(a)));
         return "{\"name\":\"v\",\"accountID\":" + id(a) + ",\"totalSize\":1000000000}";
       }},
      {"ModifyVolume", "xVolumeIDDoesNotExist", "unknown volume", [](World&) { return R"({"volumeID":42})"; }},
      {"ModifyVolume", "xAccountIDDoesNotExist", "move to an unknown account",
       [](World& w) { return "{\"volumeID\":" + id(w.volume(w.account())) + ",\"accountID\":99}"; }},
      {"ModifyVolume", "xVolumeShrinkProhibited", "shrink",
       [](World& w) { return "{\"volumeID\":" + id(w.volume(w.account())) + ",\"totalSize\":1000000000}"; }},
      {"ModifyVolume", "xUnrecognizedEnumString", "bad access",
       [](World& w) { return "{\"volumeID\":" + id(w.volume(w.account())) + ",\"access\":\"rw\"}"; }},
      {"ModifyVolume", "xQoSPolicyDoesNotExist", "unknown policy",
       [](World& w) { return "{\"volumeID\":" + id(w.volume(w.account())) + ",\"qosPolicyID\":3}"; }},
      {"ModifyVolume", "xExceededLimit", "move into a full account",
       [](World& w) {
         const int64_t full = w.account("full");
         for (int i = 0; i < 3; ++i) w.volume(full);
         return "{\"volumeID\":" + id(w.volume(w.account("other"))) + ",\"accountID\":" + id(full) + "}";
       }},
      {"ModifyVolume", "xInvalidParameter", "burstIOPS above 200000",
       [](World& w) { return "{\"volumeID\":" + id(w.volume(w.account())) + ",\"qos\":{\"burstIOPS\":200001}}"; }},
      {"CloneVolume", "xVolumeIDDoesNotExist", "unknown source", [](World&) { return R"({"volumeID":8,"name":"c"})"; }},
      {"CloneVolume", "xVolumeIDDoesNotExist", "deleted source",
       [](World& w) {
         const int64_t v = w.volume(w.account());
         w.rpc("DeleteVolume", vol_param(v));
         return "{\"volumeID\":" + id(v) + ",\"name\":\"c\"}";
       }},
      {"CloneVolume", "xSnapshotIDDoesNotExist", "snapshot of another volume",
       [](World& w) {
         const int64_t a = w.account();
         const int64_t other = w.snapshot(w.volume(a, "o"));
         return "{\"volumeID\":" + id(w.volume(a)) + ",\"name\":\"c\",\"snapshotID\":" + id(other) + "}";
       }},
      {"CloneVolume", "xAccountIDDoesNotExist", "unknown newAccountID",
       [](World& w) { return "{\"volumeID\":" + id(w.volume(w.account())) + ",\"name\":\"c\",\"newAccountID\":77}"; }},
      {"CloneVolume", "xMaxClonesPerVolumeExceeded", "second running clone of one source",
       [](World& w) {
         const int64_t v = w.volume(w.account());
         w.rpc("CloneVolume", "{\"volumeID\":" + id(v) + ",\"name\":\"c1\"}");
         return "{\"volumeID\":" + id(v) + ",\"name\":\"c2\"}";
       }},
      {"CloneVolume", "xMaxClonesPerNodeExceeded", "cluster clone slots full",
       [](World& w) {
         const int64_t a = w.account("a"), b = w.account("b");
         const int64_t v1 = w.volume(a), v2 = w.volume(a), v3 = w.volume(b);
         w.rpc("CloneVolume", "{\"volumeID\":" + id(v1) + ",\"name\":\"c1\",\"newAccountID\":" + id(b) + "}");
         w.rpc("CloneVolume", "{\"volumeID\":" + id(v2) + ",\"name\":\"c2\",\"newAccountID\":" + id(b) + "}");
         return "{\"volumeID\":" + id(v3) + ",\"name\":\"c3\"}";
       }},
      {"CloneVolume", "xExceededLimit", "target account full",
       [](World& w) {
         const int64_t a = w.account();
         w.volume(a);
         w.volume(a);
         return "{\"volumeID\":" + id(w.volume(a)) + ",\"name\":\"c\"}";
       }},
      {"CloneVolume", "xUnrecognizedEnumString", "bad access",
       [](World& w) { return "{\"volumeID\":" + id(w.volume(w.account())) + ",\"name\":\"c\",\"access\":\"x\"}"; }},
      {"CloneVolume", "xInvalidParameter", "newSize below the minimum",
       [](World& w) { return "{\"volumeID\":" + id(w.volume(w.account())) + ",\"name\":\"c\",\"newSize\":1000}"; }},
      {"CloneVolume", "xMissingParameter", "no name", [](World& w) { return vol_param(w.volume(w.account())); }},
      {"GetAsyncResult", "xAsyncHandleDoesNotExist", "unknown handle", [](World&) { return R"({"asyncHandle":999})"; }},
      {"GetAsyncResult", "xAsyncHandleDoesNotExist", "completed result already read",
       [](World& w) {
         Json c = w.rpc("CloneVolume", "{\"volumeID\":" + id(w.volume(w.account())) + ",\"name\":\"c\"}");
         w.sim.advance_clock(1000);
         const std::string h = "{\"asyncHandle\":" + id(num(result(c), "asyncHandle")) + "}";
         EXPECT_EQ(str(result(w.rpc("GetAsyncResult", h)), "status"), "complete");
         return h;
       }},
      {"DeleteVolume", "xVolumeIDDoesNotExist", "unknown volume", [](World&) { return R"({"volumeID":3})"; }},
      {"DeleteVolume", "xMissingParameter", "Newton's params without volumeID",
       [](World& w) { return "{\"accountID\":" + id(w.account()) + "}"; }},
      {"RestoreDeletedVolume", "xVolumeIDDoesNotExist", "unknown volume", [](World&) { return R"({"volumeID":3})"; }},
      {"RestoreDeletedVolume", "xVolumeNotDeleted", "active volume",
       [](World& w) { return vol_param(w.volume(w.account())); }},
      {"PurgeDeletedVolume", "xVolumeIDDoesNotExist", "already purged",
       [](World& w) {
         const int64_t v = w.volume(w.account());
         w.rpc("DeleteVolume", vol_param(v));
         w.rpc("PurgeDeletedVolume", vol_param(v));
         return vol_param(v);
       }},
      {"PurgeDeletedVolume", "xVolumeNotDeleted", "active volume",
       [](World& w) { return vol_param(w.volume(w.account())); }},
      {"ListVolumes", "xUnrecognizedEnumString", "bad volumeStatus", [](World&) { return R"({"volumeStatus":"gone"})"; }},
      {"ListVolumes", "xInvalidParameter", "negative limit", [](World&) { return R"({"limit":-5})"; }},
      {"ListVolumesForAccount", "xAccountIDDoesNotExist", "unknown account", [](World&) { return R"({"accountID":6})"; }},
      {"ListVolumesForAccount", "xMissingParameter", "no accountID", [](World&) { return "{}"; }},
      {"GetVolumeStats", "xVolumeIDDoesNotExist", "unknown volume", [](World&) { return R"({"volumeID":6})"; }},
      {"ListVolumeStats", "xVolumeIDDoesNotExist", "one unknown id",
       [](World& w) { return "{\"volumeIDs\":[" + id(w.volume(w.account())) + ",99]}"; }},
      {"ListVolumeStats", "xMissingParameter", "no volumeIDs", [](World&) { return R"({"volumeIDs":[]})"; }},
      {"GetVolumeEfficiency", "xVolumeIDDoesNotExist", "unknown volume", [](World&) { return R"({"volumeID":6})"; }},
      // ---------------------------------------------------------------- snapshots
      {"CreateSnapshot", "xVolumeIDDoesNotExist", "deleted volume",
       [](World& w) {
         const int64_t v = w.volume(w.account());
         w.rpc("DeleteVolume", vol_param(v));
         return vol_param(v);
       }},
      {"CreateSnapshot", "xSnapshotIDDoesNotExist", "unknown base snapshot",
       [](World& w) { return "{\"volumeID\":" + id(w.volume(w.account())) + ",\"snapshotID\":12}"; }},
      {"CreateSnapshot", "xMaxSnapshotsPerVolumeExceeded", "third snapshot (limit 2)",
       [](World& w) {
         const int64_t v = w.volume(w.account());
         w.snapshot(v);
         w.snapshot(v);
         return vol_param(v);
       }},
      {"CreateSnapshot", "xInvalidParameter", "bad retention",
       [](World& w) { return "{\"volumeID\":" + id(w.volume(w.account())) + ",\"retention\":\"1 hour\"}"; }},
      {"DeleteSnapshot", "xSnapshotIDDoesNotExist", "unknown snapshot", [](World&) { return R"({"snapshotID":4})"; }},
      {"ListSnapshots", "xVolumeIDDoesNotExist", "unknown volume", [](World&) { return R"({"volumeID":4})"; }},
      {"ModifySnapshot", "xSnapshotIDDoesNotExist", "unknown snapshot", [](World&) { return R"({"snapshotID":4})"; }},
      {"ModifySnapshot", "xInvalidParameter", "bad expirationTime",
       [](World& w) {
         return "{\"snapshotID\":" + id(w.snapshot(w.volume(w.account()))) + ",\"expirationTime\":\"tomorrow\"}";
       }},
      {"RollbackToSnapshot", "xVolumeIDDoesNotExist", "unknown volume",
       [](World&) { return R"({"volumeID":4,"snapshotID":1,"saveCurrentState":false})"; }},
      {"RollbackToSnapshot", "xSnapshotIDDoesNotExist", "snapshot of another volume",
       [](World& w) {
         const int64_t a = w.account();
         const int64_t s = w.snapshot(w.volume(a, "o"));
         return "{\"volumeID\":" + id(w.volume(a)) + ",\"snapshotID\":" + id(s) + ",\"saveCurrentState\":\"false\"}";
       }},
      {"RollbackToSnapshot", "xMaxSnapshotsPerVolumeExceeded", "saving the current state needs a slot",
       [](World& w) {
         const int64_t v = w.volume(w.account());
         w.snapshot(v);
         return "{\"volumeID\":" + id(v) + ",\"snapshotID\":" + id(w.snapshot(v)) + ",\"saveCurrentState\":\"true\"}";
       }},
      {"CreateGroupSnapshot", "xVolumeIDDoesNotExist", "unknown member",
       [](World& w) { return "{\"volumes\":[" + id(w.volume(w.account())) + ",31]}"; }},
      {"CreateGroupSnapshot", "xExceededLimit", "three volumes (limit 2)",
       [](World& w) {
         const int64_t a = w.account();
         return "{\"volumes\":[" + id(w.volume(a)) + "," + id(w.volume(a)) + "," + id(w.volume(a)) + "]}";
       }},
      {"CreateGroupSnapshot", "xMaxSnapshotsPerVolumeExceeded", "a member is full",
       [](World& w) {
         const int64_t a = w.account();
         const int64_t full = w.volume(a);
         w.snapshot(full);
         w.snapshot(full);
         return "{\"volumes\":[" + id(w.volume(a)) + "," + id(full) + "]}";
       }},
      {"CreateGroupSnapshot", "xMissingParameter", "no volumes", [](World&) { return R"({"volumes":[]})"; }},
      {"DeleteGroupSnapshot", "xGroupSnapshotIDDoesNotExist", "unknown group",
       [](World&) { return R"({"groupSnapshotID":2})"; }},
      {"ListGroupSnapshots", "xGroupSnapshotIDDoesNotExist", "unknown group",
       [](World&) { return R"({"groupSnapshotID":2})"; }},
      {"RollbackToGroupSnapshot", "xGroupSnapshotIDDoesNotExist", "unknown group",
       [](World&) { return R"({"groupSnapshotID":2,"saveCurrentState":false})"; }},
      {"RollbackToGroupSnapshot", "xVolumeIDDoesNotExist", "a member volume is deleted",
       [](World& w) {
         const int64_t a = w.account();
         const int64_t v1 = w.volume(a), v2 = w.volume(a);
         Json g = w.rpc("CreateGroupSnapshot", "{\"volumes\":[" + id(v1) + "," + id(v2) + "]}");
         w.rpc("DeleteVolume", vol_param(v2));
         return "{\"groupSnapshotID\":" + id(num(result(g), "groupSnapshotID")) + "}";
       }},
      {"RollbackToGroupSnapshot", "xMaxSnapshotsPerVolumeExceeded", "saving needs a slot on every member",
       [](World& w) {
         const int64_t v = w.volume(w.account());
         w.snapshot(v);
         Json g = w.rpc("CreateGroupSnapshot", "{\"volumes\":[" + id(v) + "]}");
         return "{\"groupSnapshotID\":" + id(num(result(g), "groupSnapshotID")) + ",\"saveCurrentState\":true}";
       }},
      // ---------------------------------------------------------------- volume access groups
      {"CreateVolumeAccessGroup", "xMissingParameter", "no name", [](World&) { return "{}"; }},
      {"CreateVolumeAccessGroup", "xInvalidParameter", "name of 65 characters",
       [](World&) { return "{\"name\":\"" + std::string(65, 'g') + "\"}"; }},
      {"CreateVolumeAccessGroup", "xInvalidParameter", "not an initiator name",
       [](World&) { return R"({"name":"g","initiators":["host-1"]})"; }},
      {"CreateVolumeAccessGroup", "xVolumeIDDoesNotExist", "unknown volume",
       [](World&) { return R"({"name":"g","volumes":[17]})"; }},
      {"CreateVolumeAccessGroup", "xInitiatorIDDoesNotExist", "unknown initiator id",
       [](World&) { return R"({"name":"g","initiators":[5]})"; }},
      {"CreateVolumeAccessGroup", "xExceededLimit", "initiator in another VAG",
       [](World& w) {
         w.group(R"({"name":"a","initiators":["iqn.2024-01.org.x:h1"]})");
         return R"({"name":"b","initiators":["iqn.2024-01.org.x:h1"]})";
       }},
      {"CreateVolumeAccessGroup", "xExceededLimit", "initiators per VAG (limit 1)",
       [](World&) { return R"({"name":"g","initiators":["iqn.2024-01.org.x:h1","iqn.2024-01.org.x:h2"]})"; }},
      {"CreateVolumeAccessGroup", "xExceededLimit", "volumes per VAG (limit 1)",
       [](World& w) {
         const int64_t a = w.account();
         return "{\"name\":\"g\",\"volumes\":[" + id(w.volume(a)) + "," + id(w.volume(a)) + "]}";
       }},
      {"CreateVolumeAccessGroup", "xExceededLimit", "VAGs per volume (limit 1)",
       [](World& w) {
         const int64_t v = w.volume(w.account());
         w.group("{\"name\":\"a\",\"volumes\":[" + id(v) + "]}");
         return "{\"name\":\"b\",\"volumes\":[" + id(v) + "]}";
       }},
      {"CreateVolumeAccessGroup", "xExceededLimit", "VAG count (limit 2)",
       [](World& w) {
         w.group(R"({"name":"a"})");
         w.group(R"({"name":"b"})");
         return R"({"name":"c"})";
       }},
      {"ModifyVolumeAccessGroup", "xVolumeAccessGroupIDDoesNotExist", "unknown VAG",
       [](World&) { return R"({"volumeAccessGroupID":5,"name":"x"})"; }},
      {"ModifyVolumeAccessGroup", "xExceededLimit", "initiator in another VAG",
       [](World& w) {
         w.group(R"({"name":"a","initiators":["iqn.2024-01.org.x:h1"]})");
         return "{\"volumeAccessGroupID\":" + id(w.group(R"({"name":"b"})")) +
                R"(,"initiators":["iqn.2024-01.org.x:h1"]})";
       }},
      {"ModifyVolumeAccessGroup", "xVolumeIDDoesNotExist", "unknown volume",
       [](World& w) { return "{\"volumeAccessGroupID\":" + id(w.group(R"({"name":"a"})")) + ",\"volumes\":[44]}"; }},
      {"ModifyVolumeAccessGroup", "xInvalidParameter", "not an initiator name",
       [](World& w) {
         return "{\"volumeAccessGroupID\":" + id(w.group(R"({"name":"a"})")) + R"(,"initiators":["iqn.2024"]})";
       }},
      {"ListVolumeAccessGroups", "xInvalidParameter", "negative limit", [](World&) { return R"({"limit":-1})"; }},
      {"AddInitiatorsToVolumeAccessGroup", "xVolumeAccessGroupIDDoesNotExist", "unknown VAG",
       [](World&) { return R"({"volumeAccessGroupID":5,"initiators":["iqn.2024-01.org.x:h1"]})"; }},
      {"AddInitiatorsToVolumeAccessGroup", "xAlreadyInVolumeAccessGroup", "already in this VAG",
       [](World& w) {
         return "{\"volumeAccessGroupID\":" + id(w.group(R"({"name":"a","initiators":["iqn.2024-01.org.x:h1"]})")) +
                R"(,"initiators":["iqn.2024-01.org.x:h1"]})";
       }},
      {"AddInitiatorsToVolumeAccessGroup", "xExceededLimit", "in another VAG",
       [](World& w) {
         w.group(R"({"name":"a","initiators":["iqn.2024-01.org.x:h1"]})");
         return "{\"volumeAccessGroupID\":" + id(w.group(R"({"name":"b"})")) +
                R"(,"initiators":["iqn.2024-01.org.x:h1"]})";
       }},
      {"AddInitiatorsToVolumeAccessGroup", "xMissingParameter", "no initiators",
       [](World& w) { return "{\"volumeAccessGroupID\":" + id(w.group(R"({"name":"a"})")) + "}"; }},
      {"RemoveInitiatorsFromVolumeAccessGroup", "xVolumeAccessGroupIDDoesNotExist", "unknown VAG",
       [](World&) { return R"({"volumeAccessGroupID":5,"initiators":["iqn.2024-01.org.x:h1"]})"; }},
      {"RemoveInitiatorsFromVolumeAccessGroup", "xNotInVolumeAccessGroup", "not a member",
       [](World& w) {
         return "{\"volumeAccessGroupID\":" + id(w.group(R"({"name":"a"})")) + R"(,"initiators":["iqn.2024-01.org.x:h1"]})";
       }},
      {"AddVolumesToVolumeAccessGroup", "xVolumeAccessGroupIDDoesNotExist", "unknown VAG",
       [](World&) { return R"({"volumeAccessGroupID":5,"volumes":[1]})"; }},
      {"AddVolumesToVolumeAccessGroup", "xVolumeIDDoesNotExist", "unknown volume",
       [](World& w) { return "{\"volumeAccessGroupID\":" + id(w.group(R"({"name":"a"})")) + ",\"volumes\":[23]}"; }},
      {"AddVolumesToVolumeAccessGroup", "xAlreadyInVolumeAccessGroup", "already a member",
       [](World& w) {
         const int64_t v = w.volume(w.account());
         return "{\"volumeAccessGroupID\":" + id(w.group("{\"name\":\"a\",\"volumes\":[" + id(v) + "]}")) +
                ",\"volumes\":[" + id(v) + "]}";
       }},
      {"AddVolumesToVolumeAccessGroup", "xExceededLimit", "volumes per VAG (limit 1)",
       [](World& w) {
         const int64_t a = w.account();
         const int64_t v = w.volume(a);
         return "{\"volumeAccessGroupID\":" + id(w.group("{\"name\":\"a\",\"volumes\":[" + id(v) + "]}")) +
                ",\"volumes\":[" + id(w.volume(a)) + "]}";
       }},
      {"RemoveVolumesFromVolumeAccessGroup", "xVolumeAccessGroupIDDoesNotExist", "unknown VAG",
       [](World&) { return R"({"volumeAccessGroupID":5,"volumes":[1]})"; }},
      {"RemoveVolumesFromVolumeAccessGroup", "xNotInVolumeAccessGroup", "not a member",
       [](World& w) {
         return "{\"volumeAccessGroupID\":" + id(w.group(R"({"name":"a"})")) + ",\"volumes\":[" +
                id(w.volume(w.account())) + "]}";
       }},
      {"DeleteVolumeAccessGroup", "xVolumeAccessGroupIDDoesNotExist", "unknown VAG",
       [](World&) { return R"({"volumeAccessGroupID":5})"; }},
      // ---------------------------------------------------------------- QoS policies
      {"CreateQoSPolicy", "xMissingParameter", "no qos", [](World&) { return R"({"name":"p"})"; }},
      {"CreateQoSPolicy", "xInvalidParameter", "minIOPS above 15000",
       [](World&) { return R"({"name":"p","qos":{"minIOPS":15001,"maxIOPS":20000,"burstIOPS":20000}})"; }},
      {"CreateQoSPolicy", "xExceededLimit", "policy count (limit 1)",
       [](World& w) {
         w.rpc("CreateQoSPolicy", R"({"name":"p","qos":{}})");
         return R"({"name":"q","qos":{}})";
       }},
      {"GetQoSPolicy", "xQoSPolicyDoesNotExist", "unknown policy", [](World&) { return R"({"qosPolicyID":3})"; }},
      {"ModifyQoSPolicy", "xQoSPolicyDoesNotExist", "unknown policy", [](World&) { return R"({"qosPolicyID":3})"; }},
      {"ModifyQoSPolicy", "xInvalidParameter", "maxIOPS above burstIOPS",
       [](World& w) {
         Json p = w.rpc("CreateQoSPolicy", R"({"name":"p","qos":{}})");
         return "{\"qosPolicyID\":" + id(num(get(result(p), "qosPolicy"), "qosPolicyID")) +
                R"(,"qos":{"maxIOPS":16000}})";
       }},
      {"DeleteQoSPolicy", "xQoSPolicyDoesNotExist", "unknown policy", [](World&) { return R"({"qosPolicyID":3})"; }},
      // ---------------------------------------------------------------- pairing
      {"StartClusterPairing", "xExceededLimit", "pair count (limit 1)",
       [](World& w) {
         w.rpc("StartClusterPairing");
         return "{}";
       }},
      {"CompleteClusterPairing", "xInvalidPairingKey", "not a key", [](World&) { return R"({"clusterPairingKey":"zz"})"; },
       1},
      {"CompleteClusterPairing", "xInvalidPairingKey", "own key",
       [](World& w) {
         return "{\"clusterPairingKey\":\"" + str(result(w.rpc("StartClusterPairing")), "clusterPairingKey") + "\"}";
       }},
      {"CompleteClusterPairing", "xPairingAlreadyExists", "key used twice",
       [](World& w) {
         Json s = w.rpc("StartClusterPairing");
         const std::string p = "{\"clusterPairingKey\":\"" + str(result(s), "clusterPairingKey") + "\"}";
         w.rpc("CompleteClusterPairing", p, 1);
         return p;
       },
       1},
      {"CompleteClusterPairing", "xMissingParameter", "no key", [](World&) { return "{}"; }, 1},
      {"RemoveClusterPair", "xPairingDoesNotExist", "unknown pair", [](World&) { return R"({"clusterPairID":3})"; }},
      {"RemoveClusterPair", "xPairingHasVolumePairs", "volume pairs remain",
       [](World& w) {
         w.pair_clusters();
         w.pair_volume(w.volume(w.account()));
         return R"({"clusterPairID":1})";
       }},
      {"StartVolumePairing", "xVolumeIDDoesNotExist", "unknown volume", [](World&) { return R"({"volumeID":5})"; }},
      {"StartVolumePairing", "xUnrecognizedEnumString", "bad mode",
       [](World& w) { return "{\"volumeID\":" + id(w.volume(w.account())) + ",\"mode\":\"Lazy\"}"; }},
      {"StartVolumePairing", "xVolumeAlreadyPaired", "already paired",
       [](World& w) {
         w.pair_clusters();
         const int64_t v = w.volume(w.account());
         w.pair_volume(v);
         return vol_param(v);
       }},
      {"CompleteVolumePairing", "xInvalidPairingKey", "not a key",
       [](World& w) { return "{\"volumeID\":" + id(w.volume(w.account("t", 1), "t", 1)) + ",\"volumePairingKey\":\"00\"}"; },
       1},
      {"CompleteVolumePairing", "xPairingDoesNotExist", "clusters not paired",
       [](World& w) {
         const std::string key = w.volume_key(w.volume(w.account()));
         return "{\"volumeID\":" + id(w.volume(w.account("t", 1), "t", 1)) + ",\"volumePairingKey\":\"" + key + "\"}";
       },
       1},
      {"CompleteVolumePairing", "xVolumeAlreadyPaired", "target already paired",
       [](World& w) {
         w.pair_clusters();
         const int64_t a = w.account();
         const int64_t tgt = w.pair_volume(w.volume(a));
         return "{\"volumeID\":" + id(tgt) + ",\"volumePairingKey\":\"" + w.volume_key(w.volume(a, "second")) + "\"}";
       },
       1},
      {"CompleteVolumePairing", "xVolumeIDDoesNotExist", "unknown target volume",
       [](World& w) {
         w.pair_clusters();
         return "{\"volumeID\":9,\"volumePairingKey\":\"" + w.volume_key(w.volume(w.account())) + "\"}";
       },
       1},
      {"RemoveVolumePair", "xVolumeIDDoesNotExist", "unknown volume", [](World&) { return R"({"volumeID":5})"; }},
      {"ModifyVolumePair", "xVolumeNotPaired", "unpaired volume",
       [](World& w) { return "{\"volumeID\":" + id(w.volume(w.account())) + ",\"pausedManual\":true}"; }},
      {"ModifyVolumePair", "xUnrecognizedEnumString", "bad mode",
       [](World& w) { return "{\"volumeID\":" + id(w.volume(w.account())) + ",\"mode\":\"Lazy\"}"; }},
      // ---------------------------------------------------------------- cluster
      {"GetClusterHardwareInfo", "xUnrecognizedEnumString", "bad type", [](World&) { return R"({"type":"fans"})"; }},
  };
  return all;
}

class EveryError : public ::testing::TestWithParam<size_t> {};

TEST_P(EveryError, NameCodeMessageAndId) {
  const Case& c = cases()[GetParam()];
  World w;
  const std::string params = c.params(w);
  const std::string body = std::string("{\"method\":\"") + c.method + "\",\"params\":" + params + ",\"id\":\"e-1\"}";
  Json reply = parse(w.sim.handle(body, "12.5", c.on));
  ASSERT_TRUE(reply);
  EXPECT_EQ(error_name(reply), c.error) << c.method << " (" << c.why << "): " << print(reply.get());
  const cJSON* err = get(reply.get(), "error");
  ASSERT_TRUE(err);
  EXPECT_EQ(num(err, "code"), 500);
  EXPECT_FALSE(error_message(reply).empty());
  EXPECT_EQ(str(reply.get(), "id"), "e-1");
  EXPECT_FALSE(get(reply.get(), "result"));
}

std::string case_name(const ::testing::TestParamInfo<size_t>& info) {
  const Case& c = cases()[info.param];
  std::string n = std::string(c.method) + "_" + c.error + "_" + std::to_string(info.param);
  for (auto& ch : n) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return n;
}

INSTANTIATE_TEST_SUITE_P(Methods, EveryError, ::testing::Range<size_t>(0, cases().size()), case_name);

// Every method named in the README's table has at least one error case above (except the ones
// that cannot fail once the envelope is valid).
TEST(EveryErrorCoverage, EachFailingMethodHasACase) {
  std::set<std::string> covered;
  for (const auto& c : cases()) covered.insert(c.method);
  for (const char* m :
       {"GetAccountByName", "GetAccountByID", "AddAccount", "ModifyAccount", "RemoveAccount", "CreateVolume",
        "ModifyVolume", "CloneVolume", "GetAsyncResult", "DeleteVolume", "RestoreDeletedVolume", "PurgeDeletedVolume",
        "ListVolumes", "ListVolumesForAccount", "GetVolumeStats", "ListVolumeStats", "GetVolumeEfficiency",
        "CreateSnapshot", "DeleteSnapshot", "ListSnapshots", "ModifySnapshot", "RollbackToSnapshot",
        "CreateGroupSnapshot", "DeleteGroupSnapshot", "ListGroupSnapshots", "RollbackToGroupSnapshot",
        "CreateVolumeAccessGroup", "ModifyVolumeAccessGroup", "AddInitiatorsToVolumeAccessGroup",
        "RemoveInitiatorsFromVolumeAccessGroup", "AddVolumesToVolumeAccessGroup", "RemoveVolumesFromVolumeAccessGroup",
        "DeleteVolumeAccessGroup", "CreateQoSPolicy", "GetQoSPolicy", "ModifyQoSPolicy", "DeleteQoSPolicy",
        "StartClusterPairing", "CompleteClusterPairing", "RemoveClusterPair", "StartVolumePairing",
        "CompleteVolumePairing", "RemoveVolumePair", "ModifyVolumePair", "GetClusterHardwareInfo"})
    EXPECT_TRUE(covered.count(m)) << m;
}

// A failed mutating call changes nothing: the state after it equals the state before it.
TEST(EveryErrorAtomicity, FailedCallsChangeNothing) {
  World w;
  const int64_t a = w.account();
  const int64_t v = w.volume(a);
  auto snapshot_of_state = [&] {
    return print(result(w.rpc("ListVolumes"))) + print(result(w.rpc("ListAccounts"))) +
           print(result(w.rpc("ListVolumeAccessGroups"))) + print(result(w.rpc("ListSnapshots")));
  };
  const std::string before = snapshot_of_state();
  // valid members first, then an invalid one: nothing of the valid part may stick
  EXPECT_EQ(error_name(w.rpc("ModifyVolume", "{\"volumeID\":" + id(v) +
                                                 R"(,"attributes":{"a":1},"totalSize":2000000000,"access":"bogus"})")),
            "xUnrecognizedEnumString");
  EXPECT_EQ(error_name(w.rpc("ModifyAccount", "{\"accountID\":" + id(a) +
                                                  R"(,"attributes":{"a":1},"username":"x","targetSecret":"s"})")),
            "xInvalidParameter");
  EXPECT_EQ(error_name(w.rpc("CreateVolumeAccessGroup", "{\"name\":\"g\",\"volumes\":[" + id(v) +
                                                            R"(],"initiators":["iqn.2024-01.a:b","bad"]})")),
            "xInvalidParameter");
  EXPECT_EQ(error_name(w.rpc("CreateGroupSnapshot", "{\"volumes\":[" + id(v) + ",99]}")), "xVolumeIDDoesNotExist");
  EXPECT_EQ(error_name(w.rpc("CreateVolume", "{\"name\":\"n\",\"accountID\":" + id(a) +
                                                 R"(,"totalSize":1000000000,"qos":{"minIOPS":1,"maxIOPS":1000}})")),
            "xInvalidParameter");
  EXPECT_EQ(snapshot_of_state(), before);
}

// Lenient typing per family: ids as decimal strings, booleans as "true"/"false" strings, Go zero
// values and unknown members (Cinder/Trident call shapes, doc §1.6 and §6).
TEST(Coercions, EveryFamilyAcceptsStringsAndZeroValues) {
  World w;
  const std::string a = std::to_string(w.account());
  auto ok = [&](const std::string& m, const std::string& p, const char* ver = "12.5") {
    Json j = call(w.sim, m, p, ver);
    EXPECT_TRUE(result(j)) << m << p << " -> " << print(j.get());
    return j;
  };
  // accounts
  ok("GetAccountByID", "{\"accountID\":\"" + a + "\"}", "1.0");
  ok("ListAccounts", R"({"startAccountID":"1","limit":"0","includeStorageContainers":"false"})", "1.0");
  ok("ModifyAccount", "{\"accountID\":\"" + a + "\",\"enableChap\":\"false\",\"status\":\"\"}");
  // volumes: Cinder's create on 1.0 (sliceCount, string sizes), Trident's zero values
  Json cv = ok("CreateVolume",
               "{\"name\":\"v\",\"accountID\":\"" + a +
                   R"(","sliceCount":1,"totalSize":"1073741824","enable512e":"True","qos":{},"attributes":null})",
               "1.0");
  const std::string v = std::to_string(num(result(cv), "volumeID"));
  Json lv = ok("ListVolumes", "{\"startVolumeID\":\"" + v + "\",\"limit\":\"1\",\"isPaired\":\"false\"}", "8.0");
  EXPECT_EQ(volume_ids(lv), std::vector<int64_t>{std::stoll(v)});
  ok("ListVolumes", "{\"accounts\":[\"" + a + "\"],\"volumeIDs\":[],\"volumeName\":\"\"}", "8.0");
  ok("ListActiveVolumes", "{\"startVolumeID\":\"0\",\"limit\":\"0\"}", "1.0");
  ok("ListVolumesForAccount", "{\"accountID\":\"" + a + "\",\"name\":\"extra\",\"totalSize\":5}", "1.0");
  Json mv = ok("ModifyVolume", "{\"volumeID\":\"" + v + "\",\"accountID\":" + a +
                                   R"(,"totalSize":"1073741824","qos":{"minIOPS":"100","maxIOPS":0},"access":"",)"
                                   R"("name":"renamed","sliceCount":1,"enable512e":true})",
               "8.0");
  EXPECT_EQ(str(get(result(mv), "volume"), "name"), "v");
  EXPECT_EQ(num(get(get(result(mv), "volume"), "qos"), "minIOPS"), 100);
  ok("GetVolumeStats", "{\"volumeID\":\"" + v + "\"}", "1.0");
  Json cl = ok("CloneVolume", "{\"volumeID\":\"" + v +
                                  R"(","name":"c","snapshotID":0,"newAccountID":0,"newSize":0,"access":"","attributes":null})",
               "8.0");
  ok("GetAsyncResult", "{\"asyncHandle\":\"" + std::to_string(num(result(cl), "asyncHandle")) +
                           "\",\"keepResult\":\"true\"}");
  // snapshots: Trident's CreateSnapshot/RollbackToSnapshot shapes, Cinder's string saveCurrentState
  Json cs = ok("CreateSnapshot", "{\"volumeID\":\"" + v +
                                     R"(","snapshotID":0,"name":"","enableRemoteReplication":"false","retention":"","attributes":null})",
               "6.0");
  const std::string s = std::to_string(num(result(cs), "snapshotID"));
  ok("ListSnapshots", "{\"volumeID\":\"" + v + "\"}", "6.0");
  Json rb = ok("RollbackToSnapshot", "{\"accountID\":" + a + ",\"volumeID\":\"" + v + "\",\"snapshotID\":\"" + s +
                                         "\",\"saveCurrentState\":\"false\",\"name\":\"\",\"attributes\":null}",
               "6.0");
  EXPECT_TRUE(cJSON_IsNull(get(result(rb), "snapshot")));
  Json g = ok("CreateGroupSnapshot", "{\"volumes\":[\"" + v + "\"],\"name\":\"\"}", "7.0");
  ok("DeleteGroupSnapshot", "{\"groupSnapshotID\":\"" + std::to_string(num(result(g), "groupSnapshotID")) +
                                "\",\"saveMembers\":\"false\"}",
     "7.0");
  ok("DeleteSnapshot", "{\"snapshotID\":\"" + s + "\"}", "6.0");
  // VAGs: Cinder's [null] volumes, Trident's null volumes and string paging
  Json vag = ok("CreateVolumeAccessGroup",
                R"({"name":"iqn-2024-01-org-x-h","initiators":["iqn.2024-01.org.x:h"],"volumes":[null],"attributes":{"openstack":true}})",
                "7.0");
  const std::string gid = std::to_string(num(result(vag), "volumeAccessGroupID"));
  ok("AddVolumesToVolumeAccessGroup", "{\"volumeAccessGroupID\":\"" + gid + "\",\"volumes\":null}", "7.0");
  ok("AddVolumesToVolumeAccessGroup", "{\"volumeAccessGroupID\":\"" + gid + "\",\"volumes\":[\"" + v + "\"]}", "7.0");
  ok("ListVolumeAccessGroups", "{\"startVolumeAccessGroupID\":\"" + gid + "\",\"limit\":\"1\"}", "7.0");
  ok("RemoveVolumesFromVolumeAccessGroup", "{\"volumeAccessGroupID\":\"" + gid + "\",\"volumes\":[" + v + "]}", "7.0");
  ok("DeleteVolumeAccessGroup", "{\"volumeAccessGroupID\":\"" + gid + "\",\"deleteOrphanInitiators\":\"true\"}", "9.0");
  // QoS policies
  Json qp = ok("CreateQoSPolicy", R"({"name":"p","qos":{"minIOPS":"60","burstIOPS":"16000"}})", "10.0");
  const std::string pid = std::to_string(num(get(result(qp), "qosPolicy"), "qosPolicyID"));
  ok("ModifyVolume", "{\"volumeID\":" + v + ",\"qosPolicyID\":\"" + pid + "\",\"associateWithQoSPolicy\":\"true\"}");
  ok("GetQoSPolicy", "{\"qosPolicyID\":\"" + pid + "\"}", "10.0");
  // pairing: Cinder's RemoveVolumePair with an extra mode on an unpaired volume
  ok("RemoveVolumePair", "{\"volumeID\":\"" + v + "\",\"mode\":\"Sync\"}", "8.0");
  // deletion: Newton's extra accountID, then the purge
  ok("DeleteVolume", "{\"accountID\":" + a + ",\"volumeID\":\"" + v + "\"}", "1.0");
  ok("PurgeDeletedVolume", "{\"volumeID\":\"" + v + "\"}", "1.0");
}

}  // namespace
