// Concurrent calls on one driver, deadlines and cancellation.
#include <atomic>
#include <iostream>
#include <latch>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support.h"

namespace it {
namespace {

class Concurrency : public ::testing::Test {
 protected:
  Sim& sim = shared_sim();
};

TEST_F(Concurrency, EightThreadsCreateAndDeleteOnOneDriver) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 10;
  auto drv = ready_driver(sim);
  const std::string project = unique_name("it-conc");
  const uint64_t add_before = sim.count("AddAccount");
  const uint64_t create_before = sim.count("CreateVolume");
  const uint64_t purge_before = sim.count("PurgeDeletedVolume");

  std::mutex mu;
  std::vector<std::string> failures;
  std::set<std::string> provider_ids;
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();  // all threads begin together: the account is created under contention
      for (int i = 0; i < kPerThread; ++i) {
        const std::string id = new_uuid();
        vh::CallOptions opts;
        opts.request_id = "req-conc-" + std::to_string(t) + "-" + std::to_string(i);
        const auto c = drv->call("create_volume", create_request(id, 1, project), opts);
        if (!c.ok()) {
          std::lock_guard<std::mutex> lock(mu);
          failures.push_back("create " + id + ": " + c.output);
          continue;
        }
        const Json model = Json::parse(c.output);
        {
          std::lock_guard<std::mutex> lock(mu);
          provider_ids.insert(model["provider_id"].str());
        }
        const auto d = drv->call("delete_volume", volume_request(id, 1, project, model), opts);
        if (!d.ok()) {
          std::lock_guard<std::mutex> lock(mu);
          failures.push_back("delete " + id + ": " + d.output);
        }
      }
    });
  }
  for (auto& th : threads) th.join();

  EXPECT_TRUE(failures.empty()) << failures.size() << " failures, first: " << (failures.empty() ? "" : failures[0]);
  EXPECT_EQ(provider_ids.size(), static_cast<size_t>(kThreads * kPerThread)) << "provider_ids not distinct";
  // The account exists once on the cluster. Threads racing on a brand-new project may each try AddAccount
  // (the losers get xDuplicateUsername and adopt the winner's account), but never more than once each.
  const uint64_t add_attempts = sim.count("AddAccount") - add_before;
  EXPECT_GE(add_attempts, 1u);
  EXPECT_LE(add_attempts, static_cast<uint64_t>(kThreads)) << "AddAccount repeated beyond one attempt per thread";
  std::cout << "  AddAccount attempts for one new project under " << kThreads << "-way contention: " << add_attempts
            << "\n";
  const Json accounts = sim.rpc("ListAccounts")["accounts"];
  int named = 0;
  for (size_t i = 0; i < accounts.size(); ++i) named += accounts.at(i)["username"].str() == project ? 1 : 0;
  EXPECT_EQ(named, 1) << "accounts named " << project;
  EXPECT_EQ(sim.count("CreateVolume") - create_before, static_cast<uint64_t>(kThreads * kPerThread));
  EXPECT_EQ(sim.count("PurgeDeletedVolume") - purge_before, static_cast<uint64_t>(kThreads * kPerThread));
  const auto account = sim.account_by_name(project);
  ASSERT_TRUE(account.has_value());
  const auto left = sim.account_volumes((*account)["accountID"].i64());
  EXPECT_TRUE(left.empty()) << left.size() << " volumes left in the test's account, first: "
                            << (left.empty() ? "" : left[0].dump());
}

TEST_F(Concurrency, ExpiredDeadlineAndCancelledFlag) {
  auto drv = ready_driver(sim);
  const std::string project = unique_name("it-dl");
  const std::string id = new_uuid();
  const uint64_t creates = sim.count("CreateVolume");

  // Deadline already over: TIMEOUT, nothing created.
  vh::CallOptions expired;
  expired.timeout = std::chrono::milliseconds(0);
  expired.request_id = "req-expired";
  const auto t = drv->call("create_volume", create_request(id, 1, project), expired);
  EXPECT_TRUE(IsError(t, VDP_E_TIMEOUT, "create_volume", {}, expired.request_id));
  EXPECT_TRUE(Json::parse(t.output)["retryable"].boolean()) << "the caller may repeat";
  EXPECT_FALSE(Json::parse(t.output)["outcome_unknown"].boolean()) << "stopped before any change: " << t.output;

  // Cancelled before the call: CANCELLED, nothing created.
  std::atomic<bool> cancel{true};
  vh::CallOptions cancelled;
  cancelled.cancel_flag = &cancel;
  cancelled.request_id = "req-cancelled";
  const auto c = drv->call("create_volume", create_request(id, 1, project), cancelled);
  EXPECT_TRUE(IsError(c, VDP_E_CANCELLED, "create_volume", {}, cancelled.request_id));
  EXPECT_EQ(sim.count("CreateVolume"), creates) << "an expired or cancelled call created a volume";

  // 1 ms: the call may finish or time out; either way repeating it settles the outcome, once.
  vh::CallOptions tight;
  tight.timeout = std::chrono::milliseconds(1);
  tight.request_id = "req-1ms";
  const auto r = drv->call("create_volume", create_request(id, 1, project), tight);
  if (!r.ok()) {
    EXPECT_TRUE(IsError(r, VDP_E_TIMEOUT, "create_volume", {}, tight.request_id));
  }
  const Json model = ok_json(drv->call("create_volume", create_request(id, 1, project)), "repeat after deadline");
  EXPECT_EQ(sim.volumes_named("UUID-" + id).size(), 1u);

  // Same for delete.
  const auto dt = drv->call("delete_volume", volume_request(id, 1, project, model), expired);
  EXPECT_TRUE(IsError(dt, VDP_E_TIMEOUT, "delete_volume", {}, expired.request_id));
  const auto dc = drv->call("delete_volume", volume_request(id, 1, project, model), cancelled);
  EXPECT_TRUE(IsError(dc, VDP_E_CANCELLED, "delete_volume", {}, cancelled.request_id));
  EXPECT_EQ(sim.volumes_named("UUID-" + id).size(), 1u) << "expired/cancelled delete touched the volume";

  // The driver is healthy afterwards.
  ok_json(drv->call("get_volume_stats", R"({"refresh":true})"), "stats after deadline errors");
  ok_json(drv->call("delete_volume", volume_request(id, 1, project, model)), "delete");
  EXPECT_TRUE(sim.volumes_named("UUID-" + id).empty());
}

// Cancellation raised from another thread while calls are in flight: every call ends OK or CANCELLED
// (never INTERNAL or a hang), and the driver serves afterwards.
TEST_F(Concurrency, CancelWhileCallsAreInFlight) {
  auto drv = ready_driver(sim);
  const std::string project = unique_name("it-cx");
  std::atomic<bool> cancel{false};
  std::vector<std::string> ids;
  std::vector<vh::CallResult> results(4);
  std::latch start(5);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) ids.push_back(new_uuid());
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      vh::CallOptions opts;
      opts.cancel_flag = &cancel;
      opts.request_id = "req-cx-" + std::to_string(i);
      start.arrive_and_wait();
      results[static_cast<size_t>(i)] = drv->call("create_volume", create_request(ids[static_cast<size_t>(i)], 1, project), opts);
    });
  }
  start.arrive_and_wait();
  cancel = true;
  for (auto& th : threads) th.join();
  for (int i = 0; i < 4; ++i) {
    const auto& r = results[static_cast<size_t>(i)];
    if (!r.ok()) {
      EXPECT_TRUE(IsError(r, VDP_E_CANCELLED, "create_volume", {}, "req-cx-" + std::to_string(i)));
    }
  }
  // Repeat without cancellation to settle each outcome, then clean up.
  for (const auto& id : ids) {
    const Json model = ok_json(drv->call("create_volume", create_request(id, 1, project)), "settle");
    EXPECT_EQ(sim.volumes_named("UUID-" + id).size(), 1u);
    ok_json(drv->call("delete_volume", volume_request(id, 1, project, model)), "delete");
  }
}

}  // namespace
}  // namespace it
