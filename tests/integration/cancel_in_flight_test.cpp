// A request the cluster never answers (element-sim's "pause" fault holds it unexecuted) ends when the
// host cancels or the deadline passes, not at sf_api_request_timeout (30 s): cancellation is polled
// while the request is in flight. A write cut off that way may have reached the cluster, so its error
// says outcome unknown; a read's does not. The same call made again against a healthy cluster succeeds.
// Everything goes through the plugin's C ABI (the reference host's Driver).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "support.h"

namespace it {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// The bounds vdp.h promises, widened under Valgrind (everything is ~20x slower there).
milliseconds bound(milliseconds ms) { return under_valgrind() ? ms * 8 : ms; }

struct Timed {
  vh::CallResult result;
  milliseconds after_trigger{};  // from the cancel (or the deadline) to the answer
};

// Calls `op` and sets the cancel flag 300 ms in.
Timed call_and_cancel(vh::Driver& driver, const std::string& op, const std::string& request) {
  std::atomic<bool> cancel{false};
  vh::CallOptions opts;
  opts.cancel_flag = &cancel;
  Clock::time_point cancelled_at;
  std::thread canceller([&] {
    std::this_thread::sleep_for(milliseconds(300));
    cancelled_at = Clock::now();
    cancel = true;
  });
  Timed t;
  t.result = driver.call(op, request, opts);
  const auto answered = Clock::now();
  canceller.join();
  t.after_trigger = std::chrono::duration_cast<milliseconds>(answered - cancelled_at);
  return t;
}

// Calls `op` with a deadline of 1 s.
Timed call_with_deadline(vh::Driver& driver, const std::string& op, const std::string& request) {
  vh::CallOptions opts;
  opts.timeout = milliseconds(1000);
  const auto start = Clock::now();
  Timed t;
  t.result = driver.call(op, request, opts);
  t.after_trigger = std::chrono::duration_cast<milliseconds>(Clock::now() - start - milliseconds(1000));
  return t;
}

bool outcome_unknown(const vh::CallResult& r) {
  const Json e = Json::parse(r.output);
  return e["outcome_unknown"].is_bool() && e["outcome_unknown"].boolean();
}

class InFlight : public ::testing::Test {
 protected:
  void SetUp() override {
    driver_ = ready_driver(sim_);
    project_ = unique_name("inflight");
    ASSERT_TRUE(driver_->call("create_volume", create_request(new_uuid(), 1, project_)).ok());  // account exists
  }
  void TearDown() override { sim_.server().clear_faults(); }

  // The cut-off create left no volume (the paused request never ran); made again, it makes exactly one.
  void expect_create_succeeds_again(const std::string& id) {
    sim_.server().clear_faults();
    const Json model = ok_json(driver_->call("create_volume", create_request(id, 1, project_)), "create again");
    EXPECT_TRUE(model["provider_id"].is_string()) << model.dump();
    EXPECT_EQ(sim_.volumes_named("UUID-" + id).size(), 1u);
  }
  void expect_stats_succeed_again() {
    sim_.server().clear_faults();
    sim_.server().release_paused();
    ok_json(driver_->call("get_volume_stats", R"({"refresh":true})"), "stats again");
  }

  Sim sim_;
  std::unique_ptr<vh::Driver> driver_;
  std::string project_;
};

TEST_F(InFlight, CancelDuringAWriteIsSeenWithin500Ms) {
  const std::string id = new_uuid();
  sim_.server().add_fault("CreateVolume:pause:count=1");
  const Timed t = call_and_cancel(*driver_, "create_volume", create_request(id, 1, project_));
  EXPECT_EQ(t.result.status, VDP_E_CANCELLED) << t.result.output;
  EXPECT_LT(t.after_trigger, bound(milliseconds(500))) << "answered " << t.after_trigger.count() << " ms after the cancel";
  EXPECT_TRUE(outcome_unknown(t.result)) << "the write had been sent: " << t.result.output;
  std::cout << "  cancel -> CANCELLED in " << t.after_trigger.count() << " ms\n";
  expect_create_succeeds_again(id);
}

TEST_F(InFlight, CancelDuringAReadIsSeenWithin500Ms) {
  sim_.server().add_fault("GetClusterCapacity:pause:count=1");
  const Timed t = call_and_cancel(*driver_, "get_volume_stats", R"({"refresh":true})");
  EXPECT_EQ(t.result.status, VDP_E_CANCELLED) << t.result.output;
  EXPECT_LT(t.after_trigger, bound(milliseconds(500))) << "answered " << t.after_trigger.count() << " ms after the cancel";
  EXPECT_FALSE(outcome_unknown(t.result)) << "a read changes nothing: " << t.result.output;
  expect_stats_succeed_again();
}

TEST_F(InFlight, DeadlineDuringAWriteEndsWithin1500Ms) {
  const std::string id = new_uuid();
  sim_.server().add_fault("CreateVolume:pause:count=1");
  const Timed t = call_with_deadline(*driver_, "create_volume", create_request(id, 1, project_));
  EXPECT_EQ(t.result.status, VDP_E_TIMEOUT) << t.result.output;
  EXPECT_LT(t.after_trigger, bound(milliseconds(500))) << t.after_trigger.count() << " ms past the 1 s deadline";
  EXPECT_TRUE(outcome_unknown(t.result)) << "the write had been sent: " << t.result.output;
  std::cout << "  1 s deadline -> TIMEOUT " << t.after_trigger.count() << " ms after it\n";
  expect_create_succeeds_again(id);
}

TEST_F(InFlight, DeadlineDuringAReadEndsWithin1500Ms) {
  sim_.server().add_fault("GetClusterCapacity:pause:count=1");
  const Timed t = call_with_deadline(*driver_, "get_volume_stats", R"({"refresh":true})");
  EXPECT_EQ(t.result.status, VDP_E_TIMEOUT) << t.result.output;
  EXPECT_LT(t.after_trigger, bound(milliseconds(500))) << t.after_trigger.count() << " ms past the 1 s deadline";
  EXPECT_FALSE(outcome_unknown(t.result)) << t.result.output;
  expect_stats_succeed_again();
}

}  // namespace
}  // namespace it
