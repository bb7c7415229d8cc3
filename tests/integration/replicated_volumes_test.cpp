// Replicated volumes on two clusters of element-sim: create (both type spellings, all modes), the tenant
// account mirrored with the same CHAP secrets, repeats and lost replies that never duplicate, refused
// keys, a pair that never becomes Active, clone, from-snapshot, manage, snapshot, extend, retype in /
// out / mode, transfer, unmanage and delete; every test checks both clusters afterwards.
#include <gtest/gtest.h>

#include <chrono>

#include "support.h"

namespace it {
namespace {

using namespace std::chrono_literals;

std::string replicated_type(const std::string& mode, bool legacy = false) {
  const std::string specs = legacy ? R"("replication":"enabled")"
                                   : R"("replication_enabled":"<is> True","solidfire:replication_mode":)" + quote(mode);
  return R"({"id":"rt-)" + mode + R"(","name":"replicated-)" + mode + R"(","extra_specs":{)" + specs + "}}";
}
const std::string kPlainType = R"({"id":"plain","name":"plain","extra_specs":{}})";

std::string volume_json(const std::string& id, int64_t size, const std::string& project, const std::string& type,
                        const Json& model = Json()) {
  std::string v = R"({"id":)" + quote(id) + R"(,"size":)" + std::to_string(size) + R"(,"project_id":)" +
                  quote(project) + R"(,"volume_type":)" + type;
  for (const char* key : {"provider_id", "provider_location", "provider_auth"}) {
    if (model[key].is_string()) v += ",\"" + std::string(key) + "\":" + quote(model[key].str());
  }
  return v + "}";
}

class ReplicatedVolumes : public ::testing::Test {
 protected:
  explicit ReplicatedVolumes(element_sim::Options sim_opts = Sim::two_clusters()) : sim(std::move(sim_opts)) {
    vh::ConfigMap cfg = sim_config(sim);
    cfg["replication_device"] = sim.replication_device();
    drv = make_driver(cfg, &logs);
    vh::CallOptions opts;
    opts.timeout = 60s;
    const auto r = drv->setup(opts);
    EXPECT_EQ(r.status, VDP_OK) << r.output;
    project = unique_name("repl");
  }

  // Every volume (any state) named UUID-<id> on a cluster.
  std::vector<Json> named(int cluster, const std::string& id) {
    std::vector<Json> out;
    const Json vols = sim.rpc_on(cluster, "ListVolumes", R"({"volumeName":)" + quote("UUID-" + id) + "}")["volumes"];
    for (size_t i = 0; i < vols.size(); ++i) out.push_back(vols.at(i));
    return out;
  }
  Json only(int cluster, const std::string& id) {
    auto v = named(cluster, id);
    EXPECT_EQ(v.size(), 1u) << "cluster " << cluster << " volume " << id;
    return v.empty() ? Json() : v.front();
  }
  Json account_on(int cluster, const std::string& username) {
    return sim.rpc_on(cluster, "GetAccountByName", R"({"username":)" + quote(username) + "}")["account"];
  }
  // The volume replicates in `mode`: one Active pair each way, the copy a replicationTarget of the
  // same name and size, in an account of the same name and CHAP secrets.
  void expect_replicated(const std::string& id, const std::string& mode) {
    const Json src = only(0, id);
    const Json dst = only(1, id);
    ASSERT_EQ(src["volumePairs"].size(), 1u) << src.dump();
    ASSERT_EQ(dst["volumePairs"].size(), 1u) << dst.dump();
    EXPECT_EQ(src["volumePairs"].at(0)["remoteVolumeID"].i64(), dst["volumeID"].i64());
    EXPECT_EQ(dst["volumePairs"].at(0)["remoteVolumeID"].i64(), src["volumeID"].i64());
    EXPECT_EQ(src["volumePairs"].at(0)["remoteReplication"]["mode"].str(), mode);
    EXPECT_EQ(src["volumePairs"].at(0)["remoteReplication"]["state"].str(), "Active");
    EXPECT_EQ(src["access"].str(), "readWrite");
    EXPECT_EQ(dst["access"].str(), "replicationTarget");
    EXPECT_EQ(dst["totalSize"].i64(), src["totalSize"].i64());
    const Json a0 = sim.rpc_on(0, "GetAccountByID", R"({"accountID":)" + std::to_string(src["accountID"].i64()) + "}");
    const Json a1 = sim.rpc_on(1, "GetAccountByID", R"({"accountID":)" + std::to_string(dst["accountID"].i64()) + "}");
    EXPECT_EQ(a0["account"]["username"].str(), a1["account"]["username"].str());
    EXPECT_EQ(a0["account"]["initiatorSecret"].str(), a1["account"]["initiatorSecret"].str());
    EXPECT_EQ(a0["account"]["targetSecret"].str(), a1["account"]["targetSecret"].str());
  }
  void expect_not_replicated(const std::string& id) {
    EXPECT_EQ(only(0, id)["volumePairs"].size(), 0u);
    EXPECT_TRUE(named(1, id).empty());  // the copy is purged, not just deleted
  }
  Json create(const std::string& id, const std::string& type, int64_t size = 1) {
    return ok_json(drv->call("create_volume", R"({"volume":)" + volume_json(id, size, project, type) + "}"),
                   "create " + id);
  }

  Sim sim;
  LogCapture logs;
  std::unique_ptr<vh::Driver> drv;
  std::string project;
};

TEST_F(ReplicatedVolumes, CreateInEveryModeAndDeleteRemovesBothSides) {
  for (const std::string mode : {"Async", "Sync", "SnapshotsOnly"}) {
    SCOPED_TRACE(mode);
    const std::string id = new_uuid();
    const Json m = create(id, replicated_type(mode));
    EXPECT_EQ(m["replication_status"].str(), "enabled") << m.dump();
    const Json data = Json::parse(m["replication_driver_data"].str());
    EXPECT_EQ(data["backend_id"].str(), "dr-site") << m.dump();
    EXPECT_EQ(data["mode"].str(), mode);
    expect_replicated(id, mode);
    EXPECT_EQ(data["volume_id"].i64(), only(1, id)["volumeID"].i64());

    ok_json(drv->call("delete_volume", R"({"volume":)" + volume_json(id, 1, project, replicated_type(mode), m) + "}"),
            "delete");
    EXPECT_TRUE(named(0, id).empty());
    EXPECT_TRUE(named(1, id).empty());
  }
  // The 2.0.6 spelling replicates in Async.
  const std::string id = new_uuid();
  create(id, replicated_type("Async", /*legacy=*/true));
  expect_replicated(id, "Async");
  EXPECT_FALSE(logs.contains(kSimPassword));
}

TEST_F(ReplicatedVolumes, TargetAccountWithOtherSecretsIsCorrected) {
  const std::string username = project;  // no sf_account_prefix: the account is the project id
  sim.rpc_on(1, "AddAccount",
         R"({"username":)" + quote(username) + R"(,"initiatorSecret":"OtherInit123456","targetSecret":"OtherTgt1234567"})");
  const std::string id = new_uuid();
  create(id, replicated_type("Async"));
  expect_replicated(id, "Async");
  EXPECT_EQ(account_on(1, username)["targetSecret"].str(), account_on(0, username)["targetSecret"].str());
  EXPECT_TRUE(logs.contains("had other CHAP secrets"));
}

TEST_F(ReplicatedVolumes, RepeatsAndLostRepliesNeverDuplicate) {
  const std::string id = new_uuid();
  create(id, replicated_type("Async"));
  create(id, replicated_type("Async"));  // the host repeats: nothing new
  expect_replicated(id, "Async");
  EXPECT_EQ(sim.server().rpc_count("CreateVolume", 1), 1u);
  EXPECT_EQ(sim.server().rpc_count("StartVolumePairing", 0), 1u);

  for (const char* fault : {"1/CreateVolume:drop:count=1", "0/StartVolumePairing:drop:count=1",
                            "1/CompleteVolumePairing:drop:count=1", "1/ModifyVolume:drop:count=1",
                            "1/AddAccount:drop:count=1"}) {
    SCOPED_TRACE(fault);
    project = unique_name("repl-lost");  // a new tenant, so that AddAccount runs on the target
    sim.server().add_fault(fault);
    const std::string other = new_uuid();
    const auto r = drv->call("create_volume", R"({"volume":)" + volume_json(other, 1, project,
                                                                             replicated_type("Sync")) + "}");
    if (!r.ok()) {  // an unresolvable lost reply is "outcome unknown": the host repeats
      EXPECT_TRUE(Json::parse(r.output)["outcome_unknown"].boolean()) << r.output;
      create(other, replicated_type("Sync"));
    }
    sim.server().clear_faults();
    expect_replicated(other, "Sync");
  }
}

TEST_F(ReplicatedVolumes, DeleteWithLostRepliesLeavesNothingOnEitherCluster) {
  for (const char* fault : {"1/RemoveVolumePair:drop:count=1", "1/DeleteVolume:drop:count=1",
                            "1/PurgeDeletedVolume:drop:count=1", "0/RemoveVolumePair:drop:count=1",
                            "0/DeleteVolume:drop:count=1"}) {
    SCOPED_TRACE(fault);
    const std::string id = new_uuid();
    const Json m = create(id, replicated_type("Async"));
    sim.server().add_fault(fault);
    const std::string req = R"({"volume":)" + volume_json(id, 1, project, replicated_type("Async"), m) + "}";
    const auto r = drv->call("delete_volume", req);
    if (!r.ok()) {
      EXPECT_TRUE(Json::parse(r.output)["outcome_unknown"].boolean()) << r.output;
      ok_json(drv->call("delete_volume", req), "delete repeated");
    }
    sim.server().clear_faults();
    EXPECT_TRUE(named(0, id).empty());
    EXPECT_TRUE(named(1, id).empty());
  }
}

TEST_F(ReplicatedVolumes, RefusedPairingKeysArePairedAgain) {
  sim.server().add_fault("1/CompleteVolumePairing:error=xInvalidPairingKey:count=2");
  const std::string id = new_uuid();
  create(id, replicated_type("Async"));
  expect_replicated(id, "Async");
  EXPECT_EQ(sim.server().rpc_count("StartVolumePairing", 0), 3u);
}

TEST_F(ReplicatedVolumes, KeysRefusedEveryTimeGiveUpAfterSixAttemptsLeavingNothing) {
  sim.server().add_fault("1/CompleteVolumePairing:error=xInvalidPairingKey");
  const std::string id = new_uuid();
  const auto r = drv->call("create_volume", R"({"volume":)" + volume_json(id, 1, project, replicated_type("Async")) + "}");
  sim.server().clear_faults();
  EXPECT_TRUE(IsError(r, VDP_E_BACKEND, "create_volume")) << r.output;
  EXPECT_TRUE(Json::parse(r.output)["retryable"].boolean()) << r.output;
  EXPECT_NE(r.output.find("6 attempts"), std::string::npos) << r.output;
  EXPECT_EQ(sim.server().rpc_count("StartVolumePairing", 0), 6u);
  EXPECT_TRUE(named(0, id).empty());
  EXPECT_TRUE(named(1, id).empty());
}

TEST_F(ReplicatedVolumes, TargetFailureLeavesNothingOnEitherCluster) {
  sim.server().add_fault("1/CompleteVolumePairing:error=xVolumeIDDoesNotExist");
  const std::string id = new_uuid();
  const auto r = drv->call("create_volume", R"({"volume":)" + volume_json(id, 1, project, replicated_type("Async")) + "}");
  EXPECT_FALSE(r.ok()) << r.output;
  sim.server().clear_faults();
  EXPECT_TRUE(named(0, id).empty());
  EXPECT_TRUE(named(1, id).empty());
}

TEST_F(ReplicatedVolumes, SnapshotsCloneAndFromSnapshotReplicate) {
  const std::string id = new_uuid();
  const Json m = create(id, replicated_type("Async"));
  const std::string vol = volume_json(id, 1, project, replicated_type("Async"), m);
  const std::string sid = new_uuid();
  const Json sm = ok_json(drv->call("create_snapshot", R"({"snapshot":{"id":)" + quote(sid) + R"(,"volume_id":)" +
                                                           quote(id) + R"(,"volume_size":1,"volume":)" + vol + "}}"),
                          "snapshot");
  const Json snaps = sim.rpc_on(0, "ListSnapshots", R"({"volumeID":)" + std::to_string(only(0, id)["volumeID"].i64()) + "}");
  ASSERT_EQ(snaps["snapshots"].size(), 1u);
  EXPECT_TRUE(snaps["snapshots"].at(0)["enableRemoteReplication"].boolean()) << snaps.dump();

  const std::string clone_id = new_uuid();
  ok_json(drv->call("create_cloned_volume", R"({"volume":)" + volume_json(clone_id, 1, project,
                                                                          replicated_type("Sync")) +
                                                R"(,"src_vref":)" + vol + "}"),
          "clone");
  expect_replicated(clone_id, "Sync");

  const std::string from_snap = new_uuid();
  ok_json(drv->call("create_volume_from_snapshot",
                    R"({"volume":)" + volume_json(from_snap, 2, project, replicated_type("Async")) +
                        R"(,"snapshot":{"id":)" + quote(sid) + R"(,"volume_id":)" + quote(id) +
                        R"(,"volume_size":1,"provider_id":)" + quote(sm["provider_id"].str()) + R"(,"volume":)" + vol +
                        "}}"),
          "from snapshot");
  expect_replicated(from_snap, "Async");
  EXPECT_EQ(only(1, from_snap)["totalSize"].i64(), 2LL << 30);
}

TEST_F(ReplicatedVolumes, ExtendGrowsBothSides) {
  const std::string id = new_uuid();
  const Json m = create(id, replicated_type("Async"));
  ok_json(drv->call("extend_volume", R"({"volume":)" + volume_json(id, 1, project, replicated_type("Async"), m) +
                                         R"(,"new_size":3})"),
          "extend");
  EXPECT_EQ(only(0, id)["totalSize"].i64(), 3LL << 30);
  EXPECT_EQ(only(1, id)["totalSize"].i64(), 3LL << 30);
  expect_replicated(id, "Async");
}

TEST_F(ReplicatedVolumes, RetypeInChangeModeAndOut) {
  const std::string id = new_uuid();
  const Json m = create(id, kPlainType);
  EXPECT_FALSE(m.has("replication_status"));
  EXPECT_TRUE(named(1, id).empty());
  const std::string vol = volume_json(id, 1, project, kPlainType, m);

  Json r = ok_json(drv->call("retype", R"({"volume":)" + vol + R"(,"new_type":)" + replicated_type("Async") + "}"),
                   "retype in");
  EXPECT_EQ(r["model_update"]["replication_status"].str(), "enabled") << r.dump();
  expect_replicated(id, "Async");

  r = ok_json(drv->call("retype", R"({"volume":)" + vol + R"(,"new_type":)" + replicated_type("Sync") + "}"),
              "retype mode");
  EXPECT_EQ(Json::parse(r["model_update"]["replication_driver_data"].str())["mode"].str(), "Sync") << r.dump();
  expect_replicated(id, "Sync");

  r = ok_json(drv->call("retype", R"({"volume":)" + vol + R"(,"new_type":)" + kPlainType + "}"), "retype out");
  EXPECT_EQ(r["model_update"]["replication_status"].str(), "disabled") << r.dump();
  expect_not_replicated(id);
}

TEST_F(ReplicatedVolumes, ManageReplicatesUnmanageLeavesBothAlone) {
  const Json acct = sim.rpc_on(0, "AddAccount", R"({"username":"legacy-owner"})");
  const Json made = sim.rpc_on(0, "CreateVolume", R"({"name":"legacy-vol","accountID":)" +
                                                  std::to_string(acct["accountID"].i64()) +
                                                  R"(,"totalSize":1073741824,"enable512e":true})");
  const int64_t vid = made["volumeID"].i64();
  const std::string id = new_uuid();
  const Json m = ok_json(drv->call("manage_existing", R"({"volume":)" + volume_json(id, 1, project,
                                                                                    replicated_type("Async")) +
                                                          R"(,"existing_ref":{"source-id":)" + std::to_string(vid) +
                                                          "}}"),
                         "manage");
  EXPECT_EQ(m["replication_status"].str(), "enabled") << m.dump();
  const Json src = sim.rpc_on(0, "ListVolumes", R"({"volumeIDs":[)" + std::to_string(vid) + "]}")["volumes"].at(0);
  ASSERT_EQ(src["volumePairs"].size(), 1u) << src.dump();
  const int64_t remote = src["volumePairs"].at(0)["remoteVolumeID"].i64();

  const uint64_t writes0 = sim.server().rpc_total(1);
  ok_json(drv->call("unmanage", R"({"volume":)" + volume_json(id, 1, project, replicated_type("Async"), m) + "}"),
          "unmanage");
  EXPECT_EQ(sim.server().rpc_total(1), writes0) << "unmanage touched the target";
  const Json after = sim.rpc_on(0, "ListVolumes", R"({"volumeIDs":[)" + std::to_string(vid) + "]}")["volumes"].at(0);
  EXPECT_EQ(after["volumePairs"].size(), 1u);
  EXPECT_EQ(sim.rpc_on(1, "ListVolumes", R"({"volumeIDs":[)" + std::to_string(remote) + "]}")["volumes"].size(), 1u);
}

TEST_F(ReplicatedVolumes, TransferMovesTheTargetCopyToo) {
  const std::string id = new_uuid();
  const Json m = create(id, replicated_type("Async"));
  const std::string new_project = unique_name("repl-new");
  ok_json(drv->call("accept_transfer", R"({"volume":)" + volume_json(id, 1, project, replicated_type("Async"), m) +
                                           R"(,"new_user":"u2","new_project":)" + quote(new_project) + "}"),
          "transfer");
  project = new_project;
  expect_replicated(id, "Async");
  EXPECT_EQ(only(1, id)["accountID"].i64(), account_on(1, new_project)["accountID"].i64());
}

TEST_F(ReplicatedVolumes, BadModeIsRefusedBeforeAnything) {
  const uint64_t before = sim.server().rpc_total(0) + sim.server().rpc_total(1);
  const std::string type =
      R"({"id":"bad","extra_specs":{"replication_enabled":"<is> True","solidfire:replication_mode":"Sometimes"}})";
  const auto r = drv->call("create_volume", R"({"volume":)" + volume_json(new_uuid(), 1, project, type) + "}");
  EXPECT_TRUE(IsError(r, VDP_E_INVALID_ARGUMENT, "create_volume",
                      "volume.volume_type.extra_specs.solidfire:replication_mode"))
      << r.output;
  EXPECT_EQ(sim.server().rpc_total(0) + sim.server().rpc_total(1), before);
}

class NeverActive : public ReplicatedVolumes {
 protected:
  NeverActive() : ReplicatedVolumes(Sim::two_clusters(86400000)) {}
};

TEST_F(NeverActive, PairingThatNeverSyncsTimesOutAndLeavesNothing) {
  const std::string id = new_uuid();
  vh::CallOptions opts;
  opts.timeout = 3s;
  const auto r =
      drv->call("create_volume", R"({"volume":)" + volume_json(id, 1, project, replicated_type("Sync")) + "}", opts);
  EXPECT_TRUE(IsError(r, VDP_E_TIMEOUT, "create_volume")) << r.output;
  EXPECT_TRUE(named(0, id).empty());
  EXPECT_TRUE(named(1, id).empty());
}

TEST(ReplicationNotConfigured, ReplicatedTypeIsRefused) {
  Sim& sim = shared_sim();
  auto drv = ready_driver(sim);
  const std::string id = new_uuid();
  const auto r =
      drv->call("create_volume", R"({"volume":)" + volume_json(id, 1, unique_name("p"), replicated_type("Async")) + "}");
  EXPECT_TRUE(IsError(r, VDP_E_FAILED_PRECONDITION, "create_volume", "volume.volume_type.extra_specs")) << r.output;
  EXPECT_TRUE(sim.volumes_named("UUID-" + id).empty());
}

}  // namespace
}  // namespace it
