// Replication against two clusters of element-sim: pairing the clusters at setup (found, made, made once
// by two hosts at once, lost replies, refused keys, a pair that never connects, an unreachable or
// misconfigured target) with both clusters' pair lists checked afterwards, and freeze/thaw through the ABI.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "support.h"

namespace it {
namespace {

using namespace std::chrono_literals;

// A fresh pair of clusters per test: cluster pairs are state the tests assert exactly.
class Replication : public ::testing::Test {
 protected:
  explicit Replication(element_sim::Options opts = Sim::two_clusters()) : sim(std::move(opts)) {}

  Json pairs_on(int cluster) { return sim.rpc_on(cluster, "ListClusterPairs")["clusterPairs"]; }

  // Exactly one pair on each side, Connected, naming the other cluster; nothing Unconfigured.
  void expect_one_connected_pair() {
    for (int c : {0, 1}) {
      SCOPED_TRACE("cluster " + std::to_string(c));
      const Json pairs = pairs_on(c);
      ASSERT_EQ(pairs.size(), 1u) << pairs.dump();
      EXPECT_EQ(pairs.at(0)["status"].str(), "Connected") << pairs.dump();
      EXPECT_EQ(pairs.at(0)["mvip"].str(), sim.mvip_of(1 - c)) << pairs.dump();
    }
    EXPECT_EQ(pairs_on(0).at(0)["clusterPairUUID"].str(), pairs_on(1).at(0)["clusterPairUUID"].str());
  }

  std::string device(const std::string& password = kSimPassword) {
    return "backend_id:dr-site,mvip:" + sim.mvip_of(1) + ",login:" + kSimUser + ",password:" + password +
           ",port:" + std::to_string(sim.server().port(1));
  }
  vh::ConfigMap config(const vh::ConfigMap& extra = {}) {
    vh::ConfigMap cfg = sim_config(sim);
    cfg["replication_device"] = device();
    cfg["sf_cluster_pairing_timeout"] = "10";
    for (const auto& [k, v] : extra) cfg[k] = v;
    return cfg;
  }
  vh::CallResult setup(vh::Driver& drv, std::vector<std::string>* progress = nullptr,
                       std::chrono::milliseconds timeout = 60s) {
    vh::CallOptions opts;
    opts.timeout = timeout;
    if (progress != nullptr) {
      opts.on_progress = [progress](uint64_t, uint64_t, const std::string& m) { progress->push_back(m); };
    }
    return drv.setup(opts);
  }

  Sim sim;
};

TEST_F(Replication, SetupPairsTheClustersAndStatsReportReplication) {
  LogCapture logs;
  auto drv = make_driver(config(), &logs);
  const uint64_t starts_before = sim.server().rpc_count("StartClusterPairing", 0);
  ASSERT_EQ(setup(*drv).status, VDP_OK);
  expect_one_connected_pair();
  EXPECT_EQ(sim.server().rpc_count("StartClusterPairing", 0), starts_before + 1);
  EXPECT_EQ(sim.server().rpc_count("CompleteClusterPairing", 1), 1u);

  const Json stats = ok_json(drv->call("get_volume_stats", R"({"refresh":true})"), "stats");
  EXPECT_TRUE(stats["replication_enabled"].boolean()) << stats.dump();
  EXPECT_EQ(stats["replication"].str(), "enabled");
  ASSERT_EQ(stats["replication_targets"].size(), 1u);
  EXPECT_EQ(stats["replication_targets"].at(0).str(), "dr-site");
  EXPECT_EQ(stats["replication_modes"].size(), 3u);
  EXPECT_EQ(stats["replication_type"].at(0).str(), "async");
  EXPECT_EQ(stats["active_cluster_mvip"].str(), sim.mvip_of(0));
  EXPECT_FALSE(logs.contains(kSimPassword));
}

TEST_F(Replication, RestartsAndOtherDriversReuseThePair) {
  for (int i = 0; i < 3; ++i) {
    auto drv = make_driver(config());
    ASSERT_EQ(setup(*drv).status, VDP_OK) << i;
    ASSERT_EQ(setup(*drv).status, VDP_OK) << i;  // setup again on the same driver
  }
  EXPECT_EQ(sim.server().rpc_count("StartClusterPairing", 0), 1u);
  expect_one_connected_pair();
}

TEST_F(Replication, ConcurrentHostsEndWithOnePair) {
  // Four "hosts" (separate lock tables) set up at once: the cluster decides with xPairingAlreadyExists.
  std::vector<std::unique_ptr<vh::Driver>> drivers;
  for (int i = 0; i < 4; ++i) drivers.push_back(make_driver(config(), nullptr, std::make_shared<vh::LockTable>()));
  std::vector<vh::CallResult> results(drivers.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < drivers.size(); ++i) threads.emplace_back([&, i] { results[i] = setup(*drivers[i]); });
  for (auto& t : threads) t.join();
  for (const auto& r : results) EXPECT_EQ(r.status, VDP_OK) << r.output;
  expect_one_connected_pair();
}

TEST_F(Replication, AnotherHostPairingMeanwhileIsUsedAndOurPendingPairRemoved) {
  // Our CompleteClusterPairing is held until another host has paired the clusters: the cluster then
  // answers xPairingAlreadyExists and the driver must clean up its pending pair and use the other one.
  sim.server().add_fault("1/CompleteClusterPairing:pause:count=1");
  auto drv = make_driver(config());
  vh::CallResult result;
  std::thread t([&] { result = setup(*drv); });
  for (int i = 0; i < 500 && sim.server().paused_count() == 0; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_EQ(sim.server().paused_count(), 1u);
  const std::string key = sim.rpc_on(0, "StartClusterPairing")["clusterPairingKey"].str();
  sim.rpc_on(1, "CompleteClusterPairing", "{\"clusterPairingKey\":" + quote(key) + "}");
  sim.server().release_paused();
  t.join();
  ASSERT_EQ(result.status, VDP_OK) << result.output;
  expect_one_connected_pair();
  EXPECT_EQ(sim.server().rpc_count("RemoveClusterPair", 0), 1u);
}

TEST_F(Replication, LostStartReplyLeavesNoPendingPair) {
  sim.server().add_fault("0/StartClusterPairing:drop:count=1");
  auto drv = make_driver(config());
  ASSERT_EQ(setup(*drv).status, VDP_OK);
  expect_one_connected_pair();
  EXPECT_EQ(sim.server().rpc_count("StartClusterPairing", 0), 2u);
}

TEST_F(Replication, LostCompleteReplyIsResolvedByLooking) {
  sim.server().add_fault("1/CompleteClusterPairing:drop:count=1");
  auto drv = make_driver(config());
  ASSERT_EQ(setup(*drv).status, VDP_OK);
  expect_one_connected_pair();
  EXPECT_EQ(sim.server().rpc_count("StartClusterPairing", 0), 1u);
}

TEST_F(Replication, RefusedKeyStartsThePairingAgain) {
  sim.server().add_fault("1/CompleteClusterPairing:error=xInvalidPairingKey:count=1");
  auto drv = make_driver(config());
  ASSERT_EQ(setup(*drv).status, VDP_OK);
  expect_one_connected_pair();
  EXPECT_EQ(sim.server().rpc_count("StartClusterPairing", 0), 2u);
  EXPECT_EQ(sim.server().rpc_count("RemoveClusterPair", 0), 1u);
}

TEST_F(Replication, KeysRefusedEveryTimeGiveUpAfterThreeAttemptsLeavingNoPair) {
  sim.server().add_fault("1/CompleteClusterPairing:error=xInvalidPairingKey");
  auto drv = make_driver(config());
  const auto r = setup(*drv);
  sim.server().clear_faults();
  ASSERT_NE(r.status, VDP_OK) << r.output;
  EXPECT_NE(r.output.find("3 attempts"), std::string::npos) << r.output;
  EXPECT_EQ(sim.server().rpc_count("StartClusterPairing", 0), 3u);
  EXPECT_EQ(pairs_on(0).size(), 0u) << "a refused pairing left a pending pair: " << pairs_on(0).dump();
  EXPECT_EQ(pairs_on(1).size(), 0u) << pairs_on(1).dump();
  // Once the target accepts, setup succeeds.
  ASSERT_EQ(setup(*drv).status, VDP_OK);
  expect_one_connected_pair();
}

TEST_F(Replication, TargetFailuresFailSetupClearly) {
  // Unreachable target: a closed port on the target's address.
  {
    auto cfg = config();
    cfg["replication_device"] = "backend_id:dr-site,mvip:" + sim.mvip_of(1) + ",login:" + kSimUser +
                                ",password:" + kSimPassword + ",port:1";
    auto drv = make_driver(cfg);
    const auto r = setup(*drv, nullptr, 3s);
    ASSERT_TRUE(r.status == VDP_E_UNAVAILABLE || r.status == VDP_E_TIMEOUT) << r.output;
    EXPECT_TRUE(IsError(r, r.status, "setup")) << r.output;
    EXPECT_TRUE(Json::parse(r.output)["retryable"].boolean()) << r.output;
    if (r.status == VDP_E_UNAVAILABLE) {
      EXPECT_NE(r.output.find("dr-site"), std::string::npos) << r.output;
    }
  }
  // Wrong target password: AUTH naming replication_device, the password nowhere.
  {
    LogCapture logs;
    const std::string wrong = "Wrong-Target-Pass-31";
    auto cfg = config();
    cfg["replication_device"] = device(wrong);
    auto drv = make_driver(cfg, &logs);
    const auto r = setup(*drv);
    EXPECT_TRUE(IsError(r, VDP_E_AUTH, "setup", "replication_device")) << r.output;
    EXPECT_EQ(r.output.find(wrong), std::string::npos) << r.output;
    EXPECT_FALSE(logs.contains(wrong));
  }
  // The "target" is the primary itself under another address spelling: refused, nothing paired.
  {
    auto cfg = config();
    cfg["replication_device"] = "backend_id:self,mvip:localhost,login:" + kSimUser + ",password:" + kSimPassword +
                                ",port:" + std::to_string(sim.server().port(0)) + ",driver_ssl_cert_verify:false";
    auto drv = make_driver(cfg);
    const auto r = setup(*drv);
    EXPECT_TRUE(IsError(r, VDP_E_CONFIG, "setup", "replication_device")) << r.output;
  }
  EXPECT_EQ(pairs_on(0).size(), 0u);
  EXPECT_EQ(pairs_on(1).size(), 0u);
}

TEST_F(Replication, MalformedDeviceIsConfigAtCreate) {
  auto cfg = config();
  cfg["replication_device"] = "backend_id:dr,login:x,password:" + kSimPassword;
  try {
    make_driver(cfg);
    ADD_FAILURE() << "create accepted a device without mvip";
  } catch (const vh::CreateError& e) {
    EXPECT_EQ(e.status(), VDP_E_CONFIG);
    EXPECT_EQ(Json::parse(e.error_json())["details"]["field"].str(), "replication_device") << e.error_json();
    EXPECT_EQ(e.error_json().find(kSimPassword), std::string::npos) << e.error_json();
  }
}

class SlowPairing : public Replication {
 protected:
  static element_sim::Options slow() {
    element_sim::Options o = Sim::two_clusters();
    o.cluster_pair_connect_delay_ms = 1500;
    return o;
  }
  SlowPairing() : Replication(slow()) {}
};

TEST_F(SlowPairing, SetupWaitsForConnectedWithProgress) {
  auto drv = make_driver(config());
  std::vector<std::string> progress;
  ASSERT_EQ(setup(*drv, &progress).status, VDP_OK);
  expect_one_connected_pair();
  ASSERT_FALSE(progress.empty());
  EXPECT_NE(progress.front().find("Connected"), std::string::npos) << progress.front();
}

class NeverConnects : public Replication {
 protected:
  static element_sim::Options never() {
    element_sim::Options o = Sim::two_clusters();
    o.cluster_pair_connect_delay_ms = 86400000;
    return o;
  }
  NeverConnects() : Replication(never()) {}
};

TEST_F(NeverConnects, TimesOutWithinTheConfiguredBoundLeavingNoPendingPair) {
  auto drv = make_driver(config({{"sf_cluster_pairing_timeout", "3"}}));
  const auto start = std::chrono::steady_clock::now();
  const auto r = setup(*drv);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(IsError(r, VDP_E_TIMEOUT, "setup")) << r.output;
  EXPECT_NE(r.output.find("sf_cluster_pairing_timeout"), std::string::npos) << r.output;
  EXPECT_LT(took, 30s);  // a bound, not a speed claim: the wait must not run to the context deadline (60 s)
  // The pair exists (completed, still connecting): the next setup finds it instead of pairing again.
  for (int c : {0, 1}) {
    const Json pairs = pairs_on(c);
    ASSERT_EQ(pairs.size(), 1u) << pairs.dump();
    EXPECT_NE(pairs.at(0)["status"].str(), "Unconfigured");
  }
  const auto again = setup(*drv);
  EXPECT_TRUE(IsError(again, VDP_E_TIMEOUT, "setup")) << again.output;
  EXPECT_EQ(sim.server().rpc_count("StartClusterPairing", 0), 1u);
}

// ------------------------------------------------------------------------------------------------ freeze

TEST(Freeze, RefusesChangesKeepsConnectionsAndThaws) {
  Sim& sim = shared_sim();
  auto drv = ready_driver(sim);
  const std::string project = "freeze-" + new_uuid().substr(0, 8);
  const std::string id = new_uuid();
  const Json model = ok_json(drv->call("create_volume", create_request(id, 1, project)), "create");

  EXPECT_EQ(ok_json(drv->call("freeze_backend", "{}"), "freeze")["frozen"].boolean(), true);
  const uint64_t before = sim.total();
  const auto refused = drv->call("create_volume", create_request(new_uuid(), 1, project));
  EXPECT_TRUE(IsError(refused, VDP_E_FAILED_PRECONDITION, "create_volume")) << refused.output;
  EXPECT_NE(refused.output.find("frozen"), std::string::npos) << refused.output;
  const auto no_delete = drv->call("delete_volume", volume_request(id, 1, project, model));
  EXPECT_TRUE(IsError(no_delete, VDP_E_FAILED_PRECONDITION, "delete_volume")) << no_delete.output;
  const auto no_extend =
      drv->call("extend_volume", R"({"volume":)" + volume_object(id, 1, project, model) + R"(,"new_size":2})");
  EXPECT_TRUE(IsError(no_extend, VDP_E_FAILED_PRECONDITION, "extend_volume")) << no_extend.output;
  EXPECT_EQ(sim.total(), before) << "a frozen backend sent RPCs for refused operations";

  // Connections and stats keep working.
  const std::string conn = R"({"volume":)" + volume_object(id, 1, project, model) + R"(,"connector":)" +
                           connector_json() + "}";
  ok_json(drv->call("initialize_connection", conn), "initialize_connection");
  ok_json(drv->call("terminate_connection", conn), "terminate_connection");
  ok_json(drv->call("get_volume_stats", R"({"refresh":true})"), "stats");

  EXPECT_EQ(ok_json(drv->call("thaw_backend", "{}"), "thaw")["frozen"].boolean(), false);
  ok_json(drv->call("delete_volume", volume_request(id, 1, project, model)), "delete after thaw");
  EXPECT_TRUE(sim.volumes_named("UUID-" + id).empty() ||
              sim.volumes_named("UUID-" + id).front()["status"].str() != "active");
}

}  // namespace
}  // namespace it
