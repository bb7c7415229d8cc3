// get_volume_stats: both provisioning modes, paging, zero counters, caching and stale service.
#include <gtest/gtest.h>

#include "fakes.h"

namespace sftest {
namespace {
using std::chrono::seconds;
constexpr double kGiB = 1073741824.0;

struct StatsFixture : ::testing::Test {
  void prepare(Harness& h) {
    h.setup();
    const int64_t a = h.transport->cluster.add_account("proj1");
    h.transport->cluster.add_volume({0, a, "v1", "active", "u1", int64_t{10} << 30, true, 1000});
    h.transport->cluster.add_volume({0, a, "v2", "active", "u2", int64_t{5} << 30, true, 500});
  }
};

TEST_F(StatsFixture, MaxProvisionedSpaceMode) {
  Harness h;
  prepare(h);
  FakeContext ctx(h.clock);
  const BackendStats s = h.driver->get_volume_stats(ctx, true);
  EXPECT_EQ(h.transport->methods(), (std::vector<std::string>{"GetClusterCapacity", "ListVolumes"}));
  EXPECT_EQ(h.transport->requests()[0].version, "8.0");
  EXPECT_DOUBLE_EQ(s.total_capacity_gb, 5497558138880.0 / kGiB);
  EXPECT_DOUBLE_EQ(s.free_capacity_gb, (5497558138880.0 - 107374182400.0) / kGiB);
  EXPECT_FALSE(s.thin_provisioning_support);
  EXPECT_FALSE(s.provisioned_capacity_gb.has_value());
  EXPECT_DOUBLE_EQ(s.compression_percent, 2000.0 * 4096 / 4096000 * 100);
  EXPECT_DOUBLE_EQ(s.deduplication_percent, 3000.0 / 2000 * 100);
  EXPECT_DOUBLE_EQ(s.thin_provision_percent, 4000.0 / 3000 * 100);
  EXPECT_EQ(s.provisioned_iops, 1500);
  EXPECT_EQ(s.current_iops, 10);
  EXPECT_EQ(s.average_iops, 20);
  EXPECT_EQ(s.max_iops, 300000);
  EXPECT_EQ(s.peak_iops, 40);
  EXPECT_EQ(s.volume_backend_name, "SolidFire");
  EXPECT_EQ(s.driver_version, std::string(kDriverVersion));  // the descriptor's version, not a second scheme
  EXPECT_EQ(s.cluster_uuid, h.transport->cluster.uuid);
  EXPECT_EQ(s.cluster_mvip, "10.0.0.1");
  EXPECT_FALSE(s.stale_seconds.has_value());
}

TEST_F(StatsFixture, UsedSpaceMode) {
  Harness h({{"sf_provisioning_calc", "usedSpace"}, {"max_over_subscription_ratio", "7.5"},
             {"reserved_percentage", "12"}, {"volume_backend_name", "fast-sf"}});
  prepare(h);
  FakeContext ctx(h.clock);
  const BackendStats s = h.driver->get_volume_stats(ctx, true);
  EXPECT_DOUBLE_EQ(s.total_capacity_gb, 1024.0);
  EXPECT_DOUBLE_EQ(s.free_capacity_gb, 1024.0 - 100.0);
  EXPECT_TRUE(s.thin_provisioning_support);
  ASSERT_TRUE(s.provisioned_capacity_gb.has_value());
  EXPECT_DOUBLE_EQ(*s.provisioned_capacity_gb, 15.0);
  EXPECT_DOUBLE_EQ(s.max_over_subscription_ratio, 7.5);
  EXPECT_EQ(s.reserved_percentage, 12);
  EXPECT_EQ(s.volume_backend_name, "fast-sf");
}

TEST_F(StatsFixture, ZeroCountersDoNotDivideByZero) {
  Harness h;
  prepare(h);
  h.transport->cluster.capacity_json =
      R"({"maxUsedSpace":0,"usedSpace":0,"maxProvisionedSpace":0,"uniqueBlocksUsedSpace":0,)"
      R"("uniqueBlocks":0,"zeroBlocks":0,"nonZeroBlocks":0,"currentIOPS":0,"averageIOPS":0,"maxIOPS":0,"peakIOPS":0})";
  FakeContext ctx(h.clock);
  const BackendStats s = h.driver->get_volume_stats(ctx, true);
  EXPECT_DOUBLE_EQ(s.compression_percent, 100);
  EXPECT_DOUBLE_EQ(s.deduplication_percent, 100);
  EXPECT_DOUBLE_EQ(s.thin_provision_percent, 100);
  EXPECT_DOUBLE_EQ(s.total_capacity_gb, 0);
}

TEST_F(StatsFixture, ProvisionedTotalsPageBeyondTenThousand) {
  // First page full (10,000 volumes of 1 GiB), second page short.
  auto page = [](int64_t first, int64_t n) {
    Json vols = Json::array();
    for (int64_t i = 0; i < n; ++i) {
      Json v = Json::object();
      v.set("volumeID", first + i).set("totalSize", int64_t{1} << 30);
      Json q = Json::object();
      q.set("minIOPS", int64_t{50});
      v.set("qos", std::move(q));
      vols.push(std::move(v));
    }
    Json r = Json::object();
    r.set("volumes", std::move(vols));
    return ok(r.print());
  };
  Harness h2(std::map<std::string, std::string>{{"sf_provisioning_calc", "usedSpace"}});
  h2.setup();
  h2.transport->expect_reply("ListVolumes", page(1, 10000));
  h2.transport->expect_reply("ListVolumes", page(10001, 3));
  FakeContext ctx(h2.clock);
  const BackendStats s = h2.driver->get_volume_stats(ctx, true);
  EXPECT_EQ(h2.transport->count("ListVolumes"), 2);
  const auto second = h2.transport->requests().back();
  EXPECT_EQ(second.params.view().int64("startVolumeID"), 10001);
  EXPECT_EQ(second.params.view().int64("limit"), 10000);
  EXPECT_DOUBLE_EQ(*s.provisioned_capacity_gb, 10003.0);
  EXPECT_EQ(s.provisioned_iops, 10003 * 50);
}

TEST_F(StatsFixture, CachedWhenNotRefreshingAndStaleOnFailure) {
  Harness h;
  prepare(h);
  FakeContext ctx(h.clock);
  const BackendStats first = h.driver->get_volume_stats(ctx, false);  // nothing cached: fetches
  h.transport->clear();
  const BackendStats again = h.driver->get_volume_stats(ctx, false);
  EXPECT_EQ(h.transport->total(), 0u);
  EXPECT_DOUBLE_EQ(again.total_capacity_gb, first.total_capacity_gb);

  h.clock->advance(seconds(120));
  h.transport->expect_reply("GetClusterCapacity", element_error("xSomethingBad"));
  const BackendStats stale = h.driver->get_volume_stats(ctx, true);
  EXPECT_DOUBLE_EQ(stale.total_capacity_gb, first.total_capacity_gb) << "not zeroed like Cinder 2.2.5";
  ASSERT_TRUE(stale.stale_seconds.has_value());
  EXPECT_EQ(*stale.stale_seconds, 120);

  h.clock->advance(seconds(600));
  h.transport->expect_reply("GetClusterCapacity", element_error("xSomethingBad"));
  EXPECT_THROW(h.driver->get_volume_stats(ctx, true), Error) << "never stale forever";
}

TEST_F(StatsFixture, FailureWithoutCacheRaises) {
  Harness h;
  h.setup();
  FakeContext ctx(h.clock);
  h.transport->expect_reply("GetClusterCapacity", element_error("xSomethingBad"));
  EXPECT_THROW(h.driver->get_volume_stats(ctx, true), Error);
}

}  // namespace
}  // namespace sftest
