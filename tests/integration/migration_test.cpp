// migrate_volume between the two clusters of element-sim: the source backend (cluster 0, replicating to
// cluster 1) moves a volume to the backend that serves cluster 1, which then serves it; every "not
// migrated" answer changes nothing; a repeat after success answers the same; a failure before the
// source is gone leaves the volume where it was and nothing on the target; a source deleted but not
// purged counts as moved.
#include <gtest/gtest.h>

#include <chrono>

#include "support.h"

namespace it {
namespace {

using namespace std::chrono_literals;

class Migration : public ::testing::Test {
 protected:
  Migration() : sim(Sim::two_clusters()) {
    vh::ConfigMap src = sim_config(sim);
    src["replication_device"] = sim.replication_device();
    source = ready(src, &logs);
    vh::ConfigMap dst = sim_config(sim);
    dst["san_ip"] = sim.mvip_of(1);
    dst["sf_api_port"] = std::to_string(sim.server().port(1));
    dst["volume_backend_name"] = "it-backend-2";
    destination = ready(dst, nullptr);
    project = unique_name("mig");
  }
  static std::unique_ptr<vh::Driver> ready(const vh::ConfigMap& cfg, LogCapture* logs) {
    auto d = make_driver(cfg, logs);
    vh::CallOptions opts;
    opts.timeout = 60s;
    const auto r = d->setup(opts);
    EXPECT_EQ(r.status, VDP_OK) << r.output;
    return d;
  }
  // The destination host as Cinder passes it: its name and its backend's capabilities.
  std::string host_of(vh::Driver& backend, const std::string& name = "dest@sf2#sf2") {
    const Json stats = ok_json(backend.call("get_volume_stats", R"({"refresh":true})"), "stats");
    return R"({"host":)" + quote(name) + R"(,"capabilities":)" + stats.dump() + "}";
  }
  std::string migrate_request(const std::string& volume, const std::string& host) {
    return R"({"volume":)" + volume + R"(,"host":)" + host + "}";
  }
  std::vector<Json> named(int cluster, const std::string& id) {
    std::vector<Json> out;
    const Json vols = sim.rpc_on(cluster, "ListVolumes", R"({"volumeName":)" + quote("UUID-" + id) + "}")["volumes"];
    for (size_t i = 0; i < vols.size(); ++i) out.push_back(vols.at(i));
    return out;
  }
  Json account(int cluster, int64_t id) {
    return sim.rpc_on(cluster, "GetAccountByID", R"({"accountID":)" + std::to_string(id) + "}")["account"];
  }
  // Both clusters exactly as before a refused migration: the volume on cluster 0 only, unpaired.
  void expect_untouched(const std::string& id) {
    const auto here = named(0, id);
    ASSERT_EQ(here.size(), 1u);
    EXPECT_EQ(here[0]["status"].str(), "active");
    EXPECT_EQ(here[0]["access"].str(), "readWrite");
    EXPECT_EQ(here[0]["volumePairs"].size(), 0u);
    EXPECT_TRUE(named(1, id).empty());
  }

  Sim sim;
  LogCapture logs;
  std::unique_ptr<vh::Driver> source;
  std::unique_ptr<vh::Driver> destination;
  std::string project;
};

TEST_F(Migration, StatsPublishLocationInfo) {
  const Json s = ok_json(source->call("get_volume_stats", R"({"refresh":true})"), "stats");
  EXPECT_EQ(s["location_info"].str(), "solidfire:" + sim.uuid_of(0) + ":UUID-:") << s.dump();
  const Json d = ok_json(destination->call("get_volume_stats", R"({"refresh":true})"), "stats");
  EXPECT_EQ(d["location_info"].str(), "solidfire:" + sim.uuid_of(1) + ":UUID-:") << d.dump();
}

TEST_F(Migration, MovesTheVolumeAndTheDestinationServesIt) {
  const std::string id = new_uuid();
  const Json m = ok_json(source->call("create_volume", create_request(id, 2, project)), "create");
  const Json before = named(0, id).at(0);

  const Json r = ok_json(source->call("migrate_volume", migrate_request(volume_object(id, 2, project, m),
                                                                        host_of(*destination))),
                         "migrate");
  ASSERT_TRUE(r["migrated"].boolean()) << r.dump();
  const Json u = r["model_update"];

  // Cluster 0: nothing left (purged). Cluster 1: the volume, readWrite, unpaired, same size, QoS and
  // attributes, in the tenant's account; the model update names it and that account's CHAP secrets.
  EXPECT_TRUE(named(0, id).empty());
  const auto there = named(1, id);
  ASSERT_EQ(there.size(), 1u);
  const Json v = there[0];
  EXPECT_EQ(v["access"].str(), "readWrite");
  EXPECT_EQ(v["volumePairs"].size(), 0u);
  EXPECT_EQ(v["totalSize"].i64(), before["totalSize"].i64());
  EXPECT_EQ(v["qos"]["minIOPS"].i64(), 1000);
  EXPECT_EQ(v["qos"]["maxIOPS"].i64(), 5000);
  EXPECT_EQ(v["attributes"]["uuid"].str(), id);
  const Json a = account(1, v["accountID"].i64());
  EXPECT_EQ(a["username"].str(), project);
  EXPECT_EQ(u["provider_id"].str(), std::to_string(v["volumeID"].i64()) + " " +
                                        std::to_string(a["accountID"].i64()) + " " + sim.uuid_of(1));
  EXPECT_EQ(u["provider_auth"].str(), "CHAP " + project + " " + a["targetSecret"].str());
  EXPECT_NE(u["provider_location"].str().find(v["iqn"].str()), std::string::npos) << u.dump();

  // The destination backend finds and serves it by the new model.
  const std::string moved = volume_object(id, 2, project, u);
  const Json conn = ok_json(destination->call("initialize_connection",
                                              R"({"volume":)" + moved + R"(,"connector":)" + connector_json() + "}"),
                            "connect on the destination");
  EXPECT_EQ(conn["data"]["target_iqn"].str(), v["iqn"].str());
  ok_json(destination->call("extend_volume", R"({"volume":)" + moved + R"(,"new_size":3})"), "extend there");
  EXPECT_EQ(named(1, id).at(0)["totalSize"].i64(), 3LL << 30);

  // A repeated call (the host lost the answer) answers the same without touching anything.
  const uint64_t writes0 = sim.count("CreateVolume", 1) + sim.count("StartVolumePairing", 0);
  const Json again = ok_json(source->call("migrate_volume", migrate_request(volume_object(id, 2, project, m),
                                                                            host_of(*destination))),
                             "migrate again");
  EXPECT_TRUE(again["migrated"].boolean()) << again.dump();
  EXPECT_EQ(again["model_update"]["provider_id"].str(), u["provider_id"].str());
  EXPECT_EQ(sim.count("CreateVolume", 1) + sim.count("StartVolumePairing", 0), writes0);

  ok_json(destination->call("delete_volume", R"({"volume":)" + moved + "}"), "delete there");
  EXPECT_TRUE(named(1, id).empty());
  EXPECT_FALSE(logs.contains(kSimPassword));
}

TEST_F(Migration, TargetAccountKeepsItsOwnSecrets) {
  // The destination already serves this tenant: its account (and the secrets its volumes use) stays.
  const Json existing = ok_json(destination->call("create_volume", create_request(new_uuid(), 1, project)), "there");
  const Json acct = sim.rpc_on(1, "GetAccountByName", R"({"username":)" + quote(project) + "}")["account"];
  const std::string id = new_uuid();
  const Json m = ok_json(source->call("create_volume", create_request(id, 1, project)), "create");
  const Json r = ok_json(source->call("migrate_volume", migrate_request(volume_object(id, 1, project, m),
                                                                        host_of(*destination))),
                         "migrate");
  ASSERT_TRUE(r["migrated"].boolean()) << r.dump();
  const Json after = sim.rpc_on(1, "GetAccountByName", R"({"username":)" + quote(project) + "}")["account"];
  EXPECT_EQ(after["accountID"].i64(), acct["accountID"].i64());
  EXPECT_EQ(after["targetSecret"].str(), acct["targetSecret"].str());
  EXPECT_EQ(after["initiatorSecret"].str(), acct["initiatorSecret"].str());
  EXPECT_EQ(r["model_update"]["provider_auth"].str(), existing["provider_auth"].str());
  EXPECT_EQ(named(1, id).at(0)["accountID"].i64(), acct["accountID"].i64());
}

TEST_F(Migration, AnswersNotMigratedAndChangesNothing) {
  const std::string id = new_uuid();
  const Json m = ok_json(source->call("create_volume", create_request(id, 1, project)), "create");
  const std::string vol = volume_object(id, 1, project, m);
  const std::string uuid1 = sim.uuid_of(1);

  struct Case {
    std::string name;
    std::string volume;
    std::string host;
    std::string reason_has;
  };
  std::string in_use = vol;
  in_use.insert(in_use.size() - 1, R"(,"status":"in-use")");
  std::string replicated = R"({"id":)" + quote(id) + R"(,"size":1,"project_id":)" + quote(project) +
                           R"(,"provider_id":)" + quote(m["provider_id"].str()) +
                           R"(,"volume_type":{"id":"r","extra_specs":{"replication_enabled":"<is> True"}}})";
  const std::vector<Case> cases = {
      {"no capabilities", vol, R"({"host":"lvm@lvm#lvm"})", "location_info"},
      {"another vendor", vol, R"({"host":"lvm@lvm#lvm","capabilities":{"location_info":"LVMVolumeDriver:h:vg:thin:0"}})",
       "location_info"},
      {"unknown cluster", vol,
       R"({"host":"x@y#z","capabilities":{"location_info":"solidfire:00000000-0000-0000-0000-000000000000:UUID-:"}})",
       "no credentials"},
      {"other names", vol,
       R"({"host":"x@y#z","capabilities":{"location_info":"solidfire:)" + uuid1 + R"(:vol-:"}})", "names"},
      {"other account prefix", vol,
       R"({"host":"x@y#z","capabilities":{"location_info":"solidfire:)" + uuid1 + R"(:UUID-:team:a"}})", "names"},
      {"same cluster, other names", vol,
       R"({"host":"x@y#z","capabilities":{"location_info":"solidfire:)" + sim.uuid_of(0) + R"(:vol-:"}})", "names"},
      {"in use", in_use, host_of(*destination), "in-use"},
      {"replicated", replicated, host_of(*destination), "replicated"},
  };
  const uint64_t rpcs1 = sim.total(1);
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const Json r = ok_json(source->call("migrate_volume", migrate_request(c.volume, c.host)), c.name);
    EXPECT_FALSE(r["migrated"].boolean()) << r.dump();
    EXPECT_TRUE(r["model_update"].is_null()) << r.dump();
    EXPECT_NE(r["reason"].str().find(c.reason_has), std::string::npos) << r.dump();
  }
  EXPECT_EQ(sim.total(1), rpcs1) << "a refused migration reached the target cluster";
  expect_untouched(id);

  // Same cluster and the same names: nothing to move, migrated.
  const Json same = ok_json(source->call("migrate_volume", migrate_request(vol, host_of(*source, "src@sf#sf"))),
                            "same backend");
  EXPECT_TRUE(same["migrated"].boolean()) << same.dump();
  EXPECT_TRUE(same["model_update"].is_null());
  expect_untouched(id);

  // A volume with snapshots would lose them.
  ok_json(source->call("create_snapshot", R"({"snapshot":{"id":)" + quote(new_uuid()) + R"(,"volume_id":)" +
                                              quote(id) + R"(,"volume_size":1,"project_id":)" + quote(project) +
                                              R"(,"volume":)" + vol + "}}"),
          "snapshot");
  const Json snap = ok_json(source->call("migrate_volume", migrate_request(vol, host_of(*destination))), "with snap");
  EXPECT_FALSE(snap["migrated"].boolean()) << snap.dump();
  EXPECT_NE(snap["reason"].str().find("snapshot"), std::string::npos) << snap.dump();
  expect_untouched(id);
}

TEST_F(Migration, RefusesBadRequestsAndUnknownVolumes) {
  const auto no_host = source->call("migrate_volume", R"({"volume":{"id":")" + new_uuid() + R"("}})");
  EXPECT_TRUE(IsError(no_host, VDP_E_INVALID_ARGUMENT, "migrate_volume", "host"));
  const auto bad_caps = source->call("migrate_volume", R"({"volume":{"id":")" + new_uuid() +
                                                           R"("},"host":{"host":"a","capabilities":[]}})");
  EXPECT_TRUE(IsError(bad_caps, VDP_E_INVALID_ARGUMENT, "migrate_volume", "host.capabilities"));
  const auto bad_info = source->call("migrate_volume", R"({"volume":{"id":")" + new_uuid() +
                                                           R"("},"host":{"capabilities":{"location_info":7}}})");
  EXPECT_TRUE(IsError(bad_info, VDP_E_INVALID_ARGUMENT, "migrate_volume", "host.capabilities.location_info"));
  const auto missing = source->call("migrate_volume", migrate_request(R"({"id":")" + new_uuid() +
                                                                          R"(","project_id":")" + project + R"("})",
                                                                      host_of(*destination)));
  EXPECT_TRUE(IsError(missing, VDP_E_NOT_FOUND, "migrate_volume", "volume"));
}

TEST_F(Migration, FailureBeforeTheSourceIsGoneLeavesItWhereItWas) {
  const std::string id = new_uuid();
  const Json m = ok_json(source->call("create_volume", create_request(id, 1, project)), "create");
  const std::string vol = volume_object(id, 1, project, m);
  // The source refuses its delete: the copy is removed again and the volume stays on cluster 0.
  sim.server().add_fault("0/DeleteVolume:error=xVolumeBusy:count=1");
  const auto r = source->call("migrate_volume", migrate_request(vol, host_of(*destination)));
  sim.server().clear_faults();
  ASSERT_NE(r.status, VDP_OK) << r.output;
  expect_untouched(id);
  // Then it succeeds.
  const Json ok = ok_json(source->call("migrate_volume", migrate_request(vol, host_of(*destination))), "retry");
  EXPECT_TRUE(ok["migrated"].boolean()) << ok.dump();
  EXPECT_TRUE(named(0, id).empty());
  EXPECT_EQ(named(1, id).size(), 1u);
}

TEST_F(Migration, SourceDeletedButNotPurgedCountsAsMoved) {
  const std::string id = new_uuid();
  const Json m = ok_json(source->call("create_volume", create_request(id, 1, project)), "create");
  const std::string vol = volume_object(id, 1, project, m);
  // The delete went through, the purge is refused: the copy is the volume now and must stay.
  sim.server().add_fault("0/PurgeDeletedVolume:error=xInvalidParameter");
  const Json r = ok_json(source->call("migrate_volume", migrate_request(vol, host_of(*destination))), "migrate");
  sim.server().clear_faults();
  EXPECT_TRUE(r["migrated"].boolean()) << r.dump();
  EXPECT_TRUE(logs.contains("the source was deleted but not confirmed purged"));
  for (const Json& left : named(0, id)) EXPECT_EQ(left["status"].str(), "deleted") << left.dump();
  const auto there = named(1, id);
  ASSERT_EQ(there.size(), 1u);
  EXPECT_EQ(there[0]["access"].str(), "readWrite");
  EXPECT_EQ(there[0]["volumePairs"].size(), 0u);
  EXPECT_EQ(r["model_update"]["provider_id"].str().rfind(std::to_string(there[0]["volumeID"].i64()) + " ", 0), 0u)
      << r.dump();
}

TEST_F(Migration, LostRepliesOnTheWayNeverDuplicate) {
  for (const char* fault : {"1/CreateVolume:drop:count=1", "0/RemoveVolumePair:drop:count=1",
                            "1/ModifyVolume:drop:count=1", "0/DeleteVolume:drop:count=1",
                            "0/PurgeDeletedVolume:drop:count=1"}) {
    SCOPED_TRACE(fault);
    const std::string id = new_uuid();
    const Json m = ok_json(source->call("create_volume", create_request(id, 1, project)), "create");
    const std::string vol = volume_object(id, 1, project, m);
    sim.server().add_fault(fault);
    vh::CallResult r;
    for (int attempt = 0; attempt < 3; ++attempt) {  // the host repeats an outcome-unknown call
      r = source->call("migrate_volume", migrate_request(vol, host_of(*destination)));
      if (r.status == VDP_OK) break;
    }
    sim.server().clear_faults();
    ASSERT_EQ(r.status, VDP_OK) << r.output;
    EXPECT_TRUE(Json::parse(r.output)["migrated"].boolean()) << r.output;
    EXPECT_TRUE(named(0, id).empty());
    const auto there = named(1, id);
    ASSERT_EQ(there.size(), 1u);
    EXPECT_EQ(there[0]["access"].str(), "readWrite");
    EXPECT_EQ(there[0]["volumePairs"].size(), 0u);
  }
}

TEST_F(Migration, FrozenBackendRefuses) {
  const std::string id = new_uuid();
  const Json m = ok_json(source->call("create_volume", create_request(id, 1, project)), "create");
  ok_json(source->call("freeze_backend", "{}"), "freeze");
  const auto r = source->call("migrate_volume", migrate_request(volume_object(id, 1, project, m), host_of(*destination)));
  EXPECT_TRUE(IsError(r, VDP_E_FAILED_PRECONDITION, "migrate_volume"));
  ok_json(source->call("thaw_backend", "{}"), "thaw");
  expect_untouched(id);
}

}  // namespace
}  // namespace it
