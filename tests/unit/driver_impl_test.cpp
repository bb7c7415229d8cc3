// setup (driver_impl.cpp): cluster identity, fast AUTH, retryable UNAVAILABLE, the svip rule, and no
// operation before it.
#include <gtest/gtest.h>

#include "fakes.h"

namespace sftest {
namespace {

TEST(Setup, OperationsBeforeSetupAreUnavailable) {
  Harness h;
  FakeContext ctx(h.clock);
  EXPECT_FALSE(h.driver->is_setup());
  try {
    h.driver->create_volume(ctx, make_volume());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
    EXPECT_EQ(e.message(), "driver not set up");
  }
  EXPECT_THROW(h.driver->get_volume_stats(ctx, true), Error);
  EXPECT_EQ(h.transport->total(), 0u);
}

TEST(Setup, ReadsClusterInfoAndVersion) {
  Harness h;
  FakeContext ctx(h.clock);
  h.driver->setup(ctx);
  EXPECT_TRUE(h.driver->is_setup());
  EXPECT_EQ(h.transport->methods(), (std::vector<std::string>{"GetClusterInfo", "GetClusterVersionInfo"}));
  EXPECT_EQ(h.transport->requests()[0].version, "1.0");
  EXPECT_NE(h.log_text().find("12.3"), std::string::npos) << "API version is logged";
}

TEST(Setup, AuthFailureIsFast) {
  Harness h;
  FakeContext ctx(h.clock);
  h.transport->expect_reply("GetClusterInfo", http(401, "Unauthorized"));
  try {
    h.driver->setup(ctx);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kAuth);
  }
  EXPECT_EQ(h.transport->total(), 1u);
  EXPECT_FALSE(h.driver->is_setup());
}

TEST(Setup, UnreachableIsRetryableUnavailableAndSetupCanBeRepeated) {
  Harness h;
  FakeContext ctx(h.clock);
  for (int i = 0; i < 5; ++i) h.transport->expect_throw("GetClusterInfo", TransportError::Kind::kConnect);
  try {
    h.driver->setup(ctx);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
    EXPECT_TRUE(e.retryable());
  }
  EXPECT_FALSE(h.driver->is_setup());
  h.driver->setup(ctx);
  EXPECT_TRUE(h.driver->is_setup());
}

TEST(Setup, MissingSvipWithoutOverrideIsBackendError) {
  Harness h;
  FakeContext ctx(h.clock);
  h.transport->cluster.svip = "";
  try {
    h.driver->setup(ctx);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kBackend);
    EXPECT_NE(e.message().find("sf_svip"), std::string::npos);
  }
  Harness h2(std::map<std::string, std::string>{{"sf_svip", "10.9.9.9"}});
  h2.transport->cluster.svip = "";
  FakeContext ctx2(h2.clock);
  EXPECT_NO_THROW(h2.driver->setup(ctx2));
}

}  // namespace
}  // namespace sftest
