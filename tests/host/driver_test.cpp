#include <dlfcn.h>
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "test_util.h"
#include "vdp_host/host.h"

using namespace vdp::host;
using namespace std::chrono_literals;
using vdp_host_test::fake_plugin;

namespace {

// Strings the fake plugin handed out and the host has not freed yet.
long outstanding() {
  void* h = dlopen(fake_plugin().c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD);
  if (!h) return -1;
  auto fn = reinterpret_cast<long (*)()>(dlsym(h, "vdp_fake_outstanding"));
  const long n = fn ? fn() : -1;
  dlclose(h);
  return n;
}

std::shared_ptr<Plugin> fake() { return Plugin::load(fake_plugin()); }

}  // namespace

TEST(Driver, CreateSetupCallAndFree) {
  std::vector<std::string> logs;
  Driver d(fake(), {{"san_ip", "10.1.2.3"}}, [&](int, const std::string& m) { logs.push_back(m); });
  EXPECT_EQ(d.create_output(), "");  // the fake returns NULL without warnings
  EXPECT_EQ(outstanding(), 0);

  // Before setup the plugin answers UNAVAILABLE with an error object.
  CallResult r = d.call("create_volume", "{}");
  EXPECT_EQ(r.status, VDP_E_UNAVAILABLE);
  EXPECT_NE(r.output.find("\"UNAVAILABLE\""), std::string::npos);
  EXPECT_EQ(outstanding(), 0);

  r = d.setup();
  ASSERT_TRUE(r.ok()) << r.output;
  EXPECT_EQ(r.output, "{\"setup\":true}");

  CallOptions opts;
  opts.request_id = "req-test";
  opts.project_id = "p1";
  std::vector<uint64_t> progress;
  opts.on_progress = [&](uint64_t done, uint64_t, const std::string&) { progress.push_back(done); };
  r = d.call("create_volume", "{\"volume\":{\"id\":\"v\"}}", opts);
  ASSERT_TRUE(r.ok()) << r.output;
  EXPECT_EQ(r.request_id, "req-test");
  EXPECT_NE(r.output.find("\"provider_id\":\"fake-1\""), std::string::npos);
  EXPECT_NE(r.output.find("\"request_id\":\"req-test\""), std::string::npos);
  EXPECT_NE(r.output.find("\"project_id\":\"p1\""), std::string::npos);
  EXPECT_NE(r.output.find("\"remaining_ms\":-1"), std::string::npos);
  EXPECT_NE(r.output.find("\"san_ip\":\"10.1.2.3\""), std::string::npos);
  EXPECT_NE(r.output.find("\"req_len\":21"), std::string::npos) << r.output;
  EXPECT_EQ(progress, (std::vector<uint64_t>{1, 2}));
  ASSERT_FALSE(logs.empty());
  EXPECT_EQ(logs.back(), "[req-test] create_volume called");
  EXPECT_EQ(outstanding(), 0);
}

TEST(Driver, RequestIsLengthDelimited) {
  Driver d(fake(), {});
  ASSERT_TRUE(d.setup().ok());
  const std::string req("{}\0garbage", 10);
  const CallResult r = d.call("create_volume", req);
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r.output.find("\"req_len\":10"), std::string::npos);
}

TEST(Driver, ErrorsAreCopiedAndFreed) {
  Driver d(fake(), {});
  ASSERT_TRUE(d.setup().ok());
  CallResult r = d.call("create_volume", "{\"fail\":true}");
  EXPECT_EQ(r.status, VDP_E_NOT_FOUND);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.output.find("\"NOT_FOUND\""), std::string::npos);
  r = d.call("create_volume", "{\"null_out\":true}");
  EXPECT_EQ(r.status, VDP_E_BACKEND);
  EXPECT_EQ(r.output, "");
  EXPECT_EQ(outstanding(), 0);
}

TEST(Driver, UnsupportedAndUnknownOperations) {
  Driver d(fake(), {});
  CallOptions opts;
  opts.request_id = "req-x";
  CallResult r = d.call("extend_volume", "{}", opts);
  EXPECT_EQ(r.status, VDP_E_NOT_SUPPORTED);
  EXPECT_NE(r.output.find("\"status\":\"NOT_SUPPORTED\""), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\"code\":7"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\"operation\":\"extend_volume\""), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\"request_id\":\"req-x\""), std::string::npos) << r.output;
  r = d.call("frobnicate", "{}");
  EXPECT_EQ(r.status, VDP_E_NOT_SUPPORTED);
  EXPECT_NE(r.output.find("unknown operation"), std::string::npos) << r.output;
}

TEST(Driver, CreateFailureThrowsWithErrorJson) {
  try {
    Driver d(fake(), {{"fail_create", "yes"}});
    FAIL() << "expected CreateError";
  } catch (const CreateError& e) {
    EXPECT_EQ(e.status(), VDP_E_CONFIG);
    EXPECT_NE(e.error_json().find("\"status\":\"CONFIG\""), std::string::npos);
    EXPECT_NE(std::string(e.what()).find(e.error_json()), std::string::npos);
  }
  EXPECT_THROW(Driver(fake(), {{"fail_create", "yes"}}), HostError);
  EXPECT_EQ(outstanding(), 0);
}

TEST(Driver, CreateWarningsAreKept) {
  Driver d(fake(), {{"warn", "sf_enable_volume_mapping is retired"}});
  EXPECT_EQ(d.create_output(), "{\"warnings\":[\"sf_enable_volume_mapping is retired\"]}");
  EXPECT_EQ(outstanding(), 0);
}

TEST(Driver, SetupFailure) {
  Driver d(fake(), {{"setup_fail", "1"}});
  const CallResult r = d.setup();
  EXPECT_EQ(r.status, VDP_E_UNAVAILABLE);
  EXPECT_NE(r.output.find("backend unreachable"), std::string::npos);
}

TEST(Driver, DeadlineReachesPlugin) {
  Driver d(fake(), {});
  ASSERT_TRUE(d.setup().ok());
  CallOptions opts;
  opts.timeout = 100ms;
  const auto start = std::chrono::steady_clock::now();
  const CallResult r = d.call("create_volume", "{\"wait\":true}", opts);
  EXPECT_EQ(r.status, VDP_E_TIMEOUT) << r.output;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST(Driver, CancelReachesPlugin) {
  Driver d(fake(), {});
  ASSERT_TRUE(d.setup().ok());
  std::atomic<bool> cancel{false};
  CallOptions opts;
  opts.cancel_flag = &cancel;
  std::thread t([&] {
    std::this_thread::sleep_for(50ms);
    cancel = true;
  });
  const CallResult r = d.call("create_volume", "{\"wait\":true}", opts);
  t.join();
  EXPECT_EQ(r.status, VDP_E_CANCELLED) << r.output;
}

TEST(Driver, ConcurrentCallsOnOneDriver) {
  Driver d(fake(), {});
  ASSERT_TRUE(d.setup().ok());
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] {
      for (int j = 0; j < 100; ++j) {
        CallOptions opts;
        opts.request_id = "req-" + std::to_string(i) + "-" + std::to_string(j);
        const CallResult r = d.call(j % 2 ? "delete_volume" : "create_volume", "{}", opts);
        if (!r.ok() || (j % 2 == 0 && r.output.find(opts.request_id) == std::string::npos)) ++failures;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(d.services().locks().held(), 0u);
  EXPECT_EQ(outstanding(), 0);
}

TEST(Driver, DescribeWorksWithoutSetup) {
  Driver d(fake(), {});
  const CallResult r = d.call("describe", "{}");
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r.output.find("\"name\":\"fake\""), std::string::npos);
}
