// Failover and failback on two clusters of element-sim: failover_host flips access and points every
// replicated volume at the target's copy (non-replicated ones: error); the driver then serves the target;
// a volume made while failed over is replicated back at failback; failover + failover_completed split
// the work; a restarted driver finds the active cluster from active_backend_id (backend id or mvip); a
// dead primary does not stop a failover, nor slows or fails the operations served while failed over
// (failback then grows and moves the primary's copies); a failover while a create waits for its pair
// answers that create "repeat", and the repeat serves the copy; a primary that answers but refuses the
// copy's work leaves the operation successful and logs it; an unknown secondary_id is refused.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "support.h"

namespace it {
namespace {

using namespace std::chrono_literals;

const std::string kReplicated =
    R"({"id":"rt","name":"replicated","extra_specs":{"replication_enabled":"<is> True","solidfire:replication_mode":"Async"}})";
const std::string kPlain = R"({"id":"plain","name":"plain","extra_specs":{}})";

class Failover : public ::testing::Test {
 protected:
  explicit Failover(element_sim::Options opts = Sim::two_clusters()) : sim(std::move(opts)) {
    config = sim_config(sim);
    config["replication_device"] = sim.replication_device();
    drv = ready();
    project = unique_name("fo");
  }
  std::unique_ptr<vh::Driver> ready(const vh::ConfigMap& extra = {}) {
    vh::ConfigMap cfg = config;
    for (const auto& [k, v] : extra) cfg[k] = v;
    auto d = make_driver(cfg, &logs);
    vh::CallOptions opts;
    opts.timeout = 60s;
    const auto r = d->setup(opts);
    EXPECT_EQ(r.status, VDP_OK) << r.output;
    return d;
  }
  Json on(int cluster, const std::string& id) {
    const Json v = sim.rpc_on(cluster, "ListVolumes", R"({"volumeName":)" + quote("UUID-" + id) + "}")["volumes"];
    EXPECT_EQ(v.size(), 1u) << "cluster " << cluster << " " << id;
    return v.at(0);
  }
  std::string vol(const std::string& id, const std::string& type, const Json& model = Json()) {
    std::string v = R"({"id":)" + quote(id) + R"(,"size":1,"project_id":)" + quote(project) + R"(,"volume_type":)" +
                    type + R"(,"status":"available")";
    for (const char* key : {"provider_id", "provider_location", "provider_auth"}) {
      if (model[key].is_string()) v += ",\"" + std::string(key) + "\":" + quote(model[key].str());
    }
    return v + "}";
  }
  Json create(const std::string& id, const std::string& type) {
    return ok_json(drv->call("create_volume", R"({"volume":)" + vol(id, type) + "}"), "create " + id);
  }
  // The update for `id` in a failover result.
  static Json update_of(const Json& result, const std::string& id) {
    const Json list = result["volume_updates"];
    for (size_t i = 0; i < list.size(); ++i) {
      if (list.at(i)["volume_id"].str() == id) return list.at(i)["updates"];
    }
    ADD_FAILURE() << "no update for " << id << " in " << result.dump();
    return Json();
  }

  Sim sim;
  LogCapture logs;
  vh::ConfigMap config;
  std::unique_ptr<vh::Driver> drv;
  std::string project;
};

TEST_F(Failover, FailoverHostPointsAtTheTargetAndFailbackRestoresAndReplicatesBack) {
  const std::string a = new_uuid();
  const std::string plain = new_uuid();
  const Json ma = create(a, kReplicated);
  const Json mp = create(plain, kPlain);

  const Json r = ok_json(drv->call("failover_host", R"({"volumes":[)" + vol(a, kReplicated, ma) + "," +
                                                        vol(plain, kPlain, mp) + R"(],"secondary_id":"dr-site"})"),
                         "failover_host");
  EXPECT_EQ(r["active_backend_id"].str(), "dr-site");
  const Json ua = update_of(r, a);
  EXPECT_EQ(ua["replication_status"].str(), "failed-over") << r.dump();
  const std::vector<std::string> pid = split(ua["provider_id"].str());
  ASSERT_EQ(pid.size(), 3u) << ua.dump();
  EXPECT_EQ(pid[0], std::to_string(on(1, a)["volumeID"].i64())) << "provider_id must name the target's volume";
  EXPECT_EQ(pid[2], sim.uuid_of(1));
  EXPECT_NE(ua["provider_location"].str().find(sim.mvip_of(1)), std::string::npos) << ua.dump();
  EXPECT_EQ(update_of(r, plain)["status"].str(), "error") << r.dump();
  EXPECT_EQ(on(1, a)["access"].str(), "readWrite");
  EXPECT_EQ(on(0, a)["access"].str(), "replicationTarget");

  // The driver now serves the target: stats, connections and new volumes go there.
  const Json stats = ok_json(drv->call("get_volume_stats", R"({"refresh":true})"), "stats");
  EXPECT_EQ(stats["active_cluster_mvip"].str(), sim.mvip_of(1));
  const Json conn = ok_json(drv->call("initialize_connection", R"({"volume":)" + vol(a, kReplicated, ua) +
                                                                 R"(,"connector":)" + connector_json() + "}"),
                            "initialize_connection");
  EXPECT_NE(conn["data"]["target_portal"].str().find(sim.mvip_of(1)), std::string::npos) << conn.dump();
  const std::string b = new_uuid();
  const Json mb = create(b, kReplicated);
  EXPECT_EQ(mb["replication_status"].str(), "failed-over") << mb.dump();
  EXPECT_EQ(on(1, b)["access"].str(), "readWrite");

  // Failback: a is flipped back; b, made while failed over, is replicated to the primary first.
  const Json back = ok_json(drv->call("failover_host", R"({"volumes":[)" + vol(a, kReplicated, ua) + "," +
                                                           vol(b, kReplicated, mb) + R"(],"secondary_id":"default"})"),
                            "failback");
  EXPECT_EQ(back["active_backend_id"].str(), "");
  for (const std::string& id : {a, b}) {
    SCOPED_TRACE(id);
    const Json u = update_of(back, id);
    EXPECT_EQ(u["replication_status"].str(), "enabled") << back.dump();
    EXPECT_EQ(split(u["provider_id"].str()).at(2), sim.uuid_of(0));
    EXPECT_EQ(on(0, id)["access"].str(), "readWrite");
    EXPECT_EQ(on(1, id)["access"].str(), "replicationTarget");
    EXPECT_EQ(on(0, id)["volumePairs"].size(), 1u);
  }
  const Json stats2 = ok_json(drv->call("get_volume_stats", R"({"refresh":true})"), "stats after failback");
  EXPECT_EQ(stats2["active_cluster_mvip"].str(), sim.mvip_of(0));
}

TEST_F(Failover, SplitFailoverAndCompletedAndRestartByEitherSpelling) {
  const std::string a = new_uuid();
  const Json ma = create(a, kReplicated);
  const Json r = ok_json(drv->call("failover", R"({"volumes":[)" + vol(a, kReplicated, ma) + "]}"), "failover");
  EXPECT_EQ(r["active_backend_id"].str(), "dr-site");
  // Not switched yet: failover_completed does that.
  EXPECT_EQ(ok_json(drv->call("get_volume_stats", R"({"refresh":true})"), "s")["active_cluster_mvip"].str(), sim.mvip_of(0));
  ok_json(drv->call("failover_completed", R"({"active_backend_id":"dr-site"})"), "failover_completed");
  EXPECT_EQ(ok_json(drv->call("get_volume_stats", R"({"refresh":true})"), "s")["active_cluster_mvip"].str(), sim.mvip_of(1));

  for (const std::string& spelling : {std::string("dr-site"), sim.mvip_of(1)}) {
    SCOPED_TRACE(spelling);
    auto restarted = ready({{"active_backend_id", spelling}});
    const Json s = ok_json(restarted->call("get_volume_stats", R"({"refresh":true})"), "stats");
    EXPECT_EQ(s["active_cluster_mvip"].str(), sim.mvip_of(1));
    const std::string c = new_uuid();
    ok_json(restarted->call("create_volume", R"({"volume":)" + vol(c, kPlain) + "}"), "create after restart");
    EXPECT_EQ(sim.rpc_on(0, "ListVolumes", R"({"volumeName":)" + quote("UUID-" + c) + "}")["volumes"].size(), 0u);
    EXPECT_EQ(on(1, c)["access"].str(), "readWrite");
  }
}

TEST_F(Failover, DeadPrimaryStillFailsOverWhatTheTargetHolds) {
  const std::string a = new_uuid();
  const Json ma = create(a, kReplicated);
  sim.server().add_fault("0/*:reset");
  const auto started = std::chrono::steady_clock::now();
  const Json r = ok_json(drv->call("failover_host", R"({"volumes":[)" + vol(a, kReplicated, ma) + "]}"), "failover");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 30s);
  sim.server().clear_faults();
  EXPECT_EQ(update_of(r, a)["replication_status"].str(), "failed-over") << r.dump();
  EXPECT_EQ(on(1, a)["access"].str(), "readWrite");
  EXPECT_EQ(on(0, a)["access"].str(), "readWrite");  // unreachable at the time: left as it was
}

TEST_F(Failover, LostPrimaryNeitherFailsNorBlocksOperationsAndFailbackReconciles) {
  const std::string a = new_uuid();
  const std::string gone = new_uuid();
  const Json ma = create(a, kReplicated);
  const Json mg = create(gone, kReplicated);
  const Json r = ok_json(drv->call("failover_host", R"({"volumes":[)" + vol(a, kReplicated, ma) + "," +
                                                        vol(gone, kReplicated, mg) + R"(],"secondary_id":"dr-site"})"),
                         "failover_host");
  const Json ua = update_of(r, a);
  const Json ug = update_of(r, gone);

  // The primary is lost: extend, transfer and delete of paired volumes still succeed on the target.
  sim.server().add_fault("0/*:reset");
  const auto started = std::chrono::steady_clock::now();
  ok_json(drv->call("extend_volume", R"({"volume":)" + vol(a, kReplicated, ua) + R"(,"new_size":3})"), "extend");
  const std::string new_project = unique_name("fo-new");
  const Json t = ok_json(drv->call("accept_transfer", R"({"volume":)" + vol(a, kReplicated, ua) +
                                                          R"(,"new_user":"u2","new_project":)" + quote(new_project) + "}"),
                         "accept_transfer");
  ok_json(drv->call("delete_volume", R"({"volume":)" + vol(gone, kReplicated, ug) + "}"), "delete");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 60s) << "each operation waited out the lost primary";
  EXPECT_TRUE(logs.contains("skipped, the primary cluster does not answer")) << "the copies were not skipped";
  sim.server().clear_faults();
  EXPECT_EQ(on(1, a)["totalSize"].i64(), 3LL << 30);
  EXPECT_EQ(on(0, a)["totalSize"].i64(), 1LL << 30);  // the lost primary's copy could not grow then
  EXPECT_EQ(sim.rpc_on(1, "ListVolumes", R"({"volumeName":)" + quote("UUID-" + gone) + "}")["volumes"].size(), 0u);

  // Failback: the primary's copy is grown and moved into the new owner's account (same CHAP secrets).
  project = new_project;
  const Json moved = Json::parse(R"({"provider_id":)" + quote(ua["provider_id"].str()) + R"(,"provider_auth":)" +
                                  quote(t["provider_auth"].str()) + "}");
  std::string va = vol(a, kReplicated, moved);
  va.replace(va.find(R"("size":1)"), 8, R"("size":3)");
  const Json back = ok_json(drv->call("failover_host", R"({"volumes":[)" + va + R"(],"secondary_id":"default"})"),
                            "failback");
  const Json ub = update_of(back, a);
  EXPECT_EQ(ub["replication_status"].str(), "enabled") << back.dump();
  const Json p = on(0, a);
  EXPECT_EQ(p["access"].str(), "readWrite");
  EXPECT_EQ(p["totalSize"].i64(), 3LL << 30);
  EXPECT_EQ(p["volumePairs"].size(), 1u);
  const Json pa = sim.rpc_on(0, "GetAccountByID", R"({"accountID":)" + std::to_string(p["accountID"].i64()) + "}")["account"];
  const Json ra = sim.rpc_on(1, "GetAccountByID", R"({"accountID":)" + std::to_string(on(1, a)["accountID"].i64()) + "}")["account"];
  EXPECT_EQ(pa["username"].str(), new_project);
  EXPECT_EQ(ra["username"].str(), new_project);
  EXPECT_EQ(pa["targetSecret"].str(), ra["targetSecret"].str());
  EXPECT_EQ(pa["initiatorSecret"].str(), ra["initiatorSecret"].str());
  EXPECT_EQ(on(1, a)["access"].str(), "replicationTarget");
}

TEST_F(Failover, PrimaryThatAnswersButRefusesTheCopysWorkDoesNotFailTheOperation) {
  const std::string a = new_uuid();
  const Json ma = create(a, kReplicated);
  const Json r = ok_json(drv->call("failover_host", R"({"volumes":[)" + vol(a, kReplicated, ma) +
                                                        R"(],"secondary_id":"dr-site"})"),
                         "failover_host");
  const Json ua = update_of(r, a);
  // The primary answers its probe but refuses to grow the copy: the extend is the target's and succeeds.
  sim.server().add_fault("0/ModifyVolume:error=xInvalidParameter");
  ok_json(drv->call("extend_volume", R"({"volume":)" + vol(a, kReplicated, ua) + R"(,"new_size":2})"), "extend");
  sim.server().clear_faults();
  EXPECT_TRUE(logs.contains("on the primary cluster failed while failed over")) << "the refusal was not logged";
  EXPECT_EQ(on(1, a)["totalSize"].i64(), 2LL << 30);
  EXPECT_EQ(on(0, a)["totalSize"].i64(), 1LL << 30);
}

class FailoverSlowPairing : public Failover {
 protected:
  FailoverSlowPairing() : Failover(Sim::two_clusters(3000)) {}  // a new pair stays not Active for 3 s
};

TEST_F(FailoverSlowPairing, FailoverWhileAVolumeIsStillPairing) {
  const std::string a = new_uuid();
  vh::CallResult created;
  std::thread creating([&] { created = drv->call("create_volume", R"({"volume":)" + vol(a, kReplicated) + "}"); });
  // Wait until the pair exists (the create now waits for Active), then fail over under it. The host
  // lists only the volumes it has: the one being created is not among them.
  for (int i = 0; i < 200; ++i) {
    const Json v = sim.rpc_on(0, "ListVolumes", R"({"volumeName":)" + quote("UUID-" + a) + "}")["volumes"];
    if (v.size() == 1 && v.at(0)["volumePairs"].size() == 1) break;
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_EQ(on(0, a)["volumePairs"].size(), 1u) << "the create never paired";
  ok_json(drv->call("failover_host", R"({"volumes":[],"secondary_id":"dr-site"})"), "failover_host");
  creating.join();
  // The create cannot report ids of the cluster no longer served: "repeat", nothing removed.
  EXPECT_TRUE(IsError(created, VDP_E_UNAVAILABLE, "create_volume")) << created.output;
  EXPECT_TRUE(Json::parse(created.output)["retryable"].boolean()) << created.output;
  EXPECT_EQ(on(0, a)["status"].str(), "active");
  EXPECT_EQ(on(1, a)["access"].str(), "replicationTarget");

  // The repeat serves the copy on the target, made readWrite.
  const Json m = ok_json(drv->call("create_volume", R"({"volume":)" + vol(a, kReplicated) + "}"), "repeat");
  EXPECT_EQ(m["replication_status"].str(), "failed-over") << m.dump();
  EXPECT_EQ(split(m["provider_id"].str()).at(0), std::to_string(on(1, a)["volumeID"].i64()));
  EXPECT_EQ(split(m["provider_id"].str()).at(2), sim.uuid_of(1));
  EXPECT_EQ(on(1, a)["access"].str(), "readWrite");

  // Failback brings it home like any other replicated volume.
  const Json back = ok_json(drv->call("failover_host", R"({"volumes":[)" + vol(a, kReplicated, m) +
                                                           R"(],"secondary_id":"default"})"),
                            "failback");
  EXPECT_EQ(update_of(back, a)["replication_status"].str(), "enabled") << back.dump();
  EXPECT_EQ(on(0, a)["access"].str(), "readWrite");
  EXPECT_EQ(on(1, a)["access"].str(), "replicationTarget");
  EXPECT_EQ(on(0, a)["volumePairs"].size(), 1u);
}

TEST_F(Failover, BadRequestsAreRefused) {
  auto r = drv->call("failover_host", R"({"volumes":[],"secondary_id":"elsewhere"})");
  EXPECT_TRUE(IsError(r, VDP_E_INVALID_ARGUMENT, "failover_host", "secondary_id")) << r.output;
  r = drv->call("failover_host", R"({"volumes":[],"secondary_id":"default"})");
  EXPECT_TRUE(IsError(r, VDP_E_INVALID_ARGUMENT, "failover_host", "secondary_id")) << r.output;
  r = drv->call("failover_completed", R"({"active_backend_id":"elsewhere"})");
  EXPECT_TRUE(IsError(r, VDP_E_INVALID_ARGUMENT, "failover_completed", "active_backend_id")) << r.output;
  auto plain = ready_driver(shared_sim());
  r = plain->call("failover_host", R"({"volumes":[]})");
  EXPECT_TRUE(IsError(r, VDP_E_FAILED_PRECONDITION, "failover_host")) << r.output;
}

}  // namespace
}  // namespace it
