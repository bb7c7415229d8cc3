// Failover and failback on two clusters of element-sim: failover_host flips access and points every
// replicated volume at the target's copy (non-replicated ones: error); the driver then serves the target;
// a volume made while failed over is replicated back at failback; failover + failover_completed split
// the work; a restarted driver finds the active cluster from active_backend_id (backend id or mvip); a
// dead primary does not stop a failover; an unknown secondary_id is refused.
#include <gtest/gtest.h>

#include <chrono>

#include "support.h"

namespace it {
namespace {

using namespace std::chrono_literals;

const std::string kReplicated =
    R"({"id":"rt","name":"replicated","extra_specs":{"replication_enabled":"<is> True","solidfire:replication_mode":"Async"}})";
const std::string kPlain = R"({"id":"plain","name":"plain","extra_specs":{}})";

class Failover : public ::testing::Test {
 protected:
  Failover() : sim(options()) {
    config = sim_config(sim);
    config["replication_device"] = sim.replication_device();
    drv = ready();
    project = unique_name("fo");
  }
  static element_sim::Options options() {
    element_sim::Options o = Sim::default_options();
    o.clusters = 2;
    return o;
  }
  std::unique_ptr<vh::Driver> ready(const vh::ConfigMap& extra = {}) {
    vh::ConfigMap cfg = config;
    for (const auto& [k, v] : extra) cfg[k] = v;
    auto d = make_driver(cfg);
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
