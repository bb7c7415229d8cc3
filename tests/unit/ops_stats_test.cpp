// Stats (both provisioning modes, paging, zero counters, caching and stale service), exports,
// connection info, and the guarantee that secrets never reach the log.
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

struct ConnFixture : ::testing::Test {
  const std::string id = "8c0e8f4a-2d1b-4a8e-9a51-0f6a7c1d2e3f";
};

TEST_F(ConnFixture, FromProviderFieldsWithoutRpc) {
  Harness h;
  h.setup();
  FakeContext ctx(h.clock);
  Volume v = make_volume(id);
  v.provider_location = "10.0.0.2:3260 iqn.2010-01.com.solidfire:abcd.uuid-x.7 0";
  v.provider_auth = "CHAP proj1 TARGETSECRET0001";
  const IscsiConnectionInfo c = h.driver->initialize_connection(ctx, v, Connector{"iqn.host", "h", "1.2.3.4", false});
  EXPECT_EQ(h.transport->total(), 0u);
  EXPECT_EQ(c.target_portal, "10.0.0.2:3260");
  EXPECT_EQ(c.target_iqn, "iqn.2010-01.com.solidfire:abcd.uuid-x.7");
  EXPECT_EQ(c.target_lun, 0);
  EXPECT_EQ(c.auth_method, "CHAP");
  EXPECT_EQ(c.auth_username, "proj1");
  EXPECT_EQ(c.auth_password, "TARGETSECRET0001");
  EXPECT_TRUE(c.discard);
  EXPECT_EQ(c.volume_id, id);
  EXPECT_FALSE(c.physical_block_size);
  EXPECT_TRUE(c.target_portals.empty());
}

TEST_F(ConnFixture, MultipathListsAndGeometry) {
  Harness h(std::map<std::string, std::string>{{"sf_emulate_512", "false"}});
  h.setup();
  FakeContext ctx(h.clock);
  Volume v = make_volume(id);
  v.provider_location = "10.0.0.2:3260 iqn.x 0";
  v.provider_auth = "CHAP proj1 S";
  const IscsiConnectionInfo c = h.driver->initialize_connection(ctx, v, Connector{"iqn.host", "h", "1.2.3.4", true});
  EXPECT_EQ(c.target_portals, std::vector<std::string>{"10.0.0.2:3260"});
  EXPECT_EQ(c.target_iqns, std::vector<std::string>{"iqn.x"});
  EXPECT_EQ(c.target_luns, std::vector<int64_t>{0});
  EXPECT_EQ(c.physical_block_size, 4096);
  EXPECT_EQ(c.logical_block_size, 4096);
}

struct PortalCase {
  std::string svip;
  std::string expected;
};

TEST_F(ConnFixture, SvipOverrideFormsPortalWhenLookingUpByProviderId) {
  for (const PortalCase& pc : {PortalCase{"", "10.0.0.2:3260"}, PortalCase{"10.5.5.5", "10.5.5.5:3260"},
                               PortalCase{"10.5.5.5:3270", "10.5.5.5:3270"}, PortalCase{"fd00::5", "[fd00::5]:3260"},
                               PortalCase{"[fd00::5]:3299", "[fd00::5]:3299"}}) {
    std::map<std::string, std::string> cfg;
    if (!pc.svip.empty()) cfg["sf_svip"] = pc.svip;
    Harness h(cfg);
    h.setup();
    FakeContext ctx(h.clock);
    const ModelUpdate m = h.driver->create_volume(ctx, make_volume(id));
    EXPECT_EQ(m.provider_location->substr(0, m.provider_location->find(' ')), pc.expected) << pc.svip;
    h.transport->clear();
    Volume v = make_volume(id);
    v.provider_id = m.provider_id;
    const IscsiConnectionInfo c = h.driver->initialize_connection(ctx, v, Connector{"iqn.host", "h", "1.2.3.4", false});
    EXPECT_EQ(c.target_portal, pc.expected) << pc.svip;
    EXPECT_EQ(h.transport->methods(), std::vector<std::string>{"ListVolumes"}) << "account is cached";
    EXPECT_EQ(c.auth_username, "proj1");
    EXPECT_FALSE(c.auth_password.empty());
  }
}

TEST_F(ConnFixture, ExportsCarryChapOfTheProjectAccount) {
  Harness h;
  h.setup();
  const int64_t account_id = h.transport->cluster.add_account("proj1", "TARGETSECRET0009");
  FakeContext ctx(h.clock);
  const ModelUpdate m = h.driver->create_export(ctx, make_volume(id), std::nullopt);
  EXPECT_EQ(m.provider_auth, "CHAP proj1 TARGETSECRET0009");
  h.transport->clear();
  Volume with_pid = make_volume(id);
  with_pid.provider_id = "5 " + std::to_string(account_id) + " uuid";
  EXPECT_EQ(h.driver->ensure_export(ctx, with_pid).provider_auth, "CHAP proj1 TARGETSECRET0009");
  EXPECT_EQ(h.transport->total(), 0u) << "the provider_id names the account, which is cached";
  try {
    h.driver->ensure_export(ctx, make_volume(id, 1, "nobody"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  }
}

TEST(Secrets, NeverInLogs) {
  Harness h;
  FakeContext ctx(h.clock);
  h.driver->setup(ctx);
  const std::string id = "8c0e8f4a-2d1b-4a8e-9a51-0f6a7c1d2e3f";
  // Exercise paths that log: account creation (secrets generated), create, retries, errors, connect.
  h.transport->expect_reply("ListVolumes", element_error("xDBConnectionLoss", "Sup3rS3cretPW leaked?"));
  const ModelUpdate m = h.driver->create_volume(ctx, make_volume(id));
  const std::string secret = m.provider_auth->substr(m.provider_auth->rfind(' ') + 1);
  ASSERT_EQ(secret.size(), 16u);
  const auto add = h.transport->requests();
  std::string initiator;
  for (const auto& r : add) {
    if (r.method == "AddAccount") initiator = *r.params.view().string("initiatorSecret");
  }
  ASSERT_FALSE(initiator.empty());
  Volume v = make_volume(id);
  v.provider_id = m.provider_id;
  h.driver->initialize_connection(ctx, v, Connector{"iqn.host", "h", "1.2.3.4", true});
  h.transport->expect_reply("AddAccount", element_error("xInvalidParameter", "bad secret " + initiator));
  try {
    h.driver->create_volume(ctx, make_volume("22222222-0000-0000-0000-000000000000", 1, "proj2"));
  } catch (const Error& e) {
    EXPECT_EQ(e.message().find("Sup3rS3cretPW"), std::string::npos);
  }
  h.driver->get_volume_stats(ctx, true);
  h.driver->delete_volume(ctx, v);
  const std::string log = h.log_text();
  EXPECT_FALSE(log.empty());
  EXPECT_EQ(log.find(secret), std::string::npos);
  EXPECT_EQ(log.find(initiator), std::string::npos);
  EXPECT_EQ(log.find("Sup3rS3cretPW"), std::string::npos);
  EXPECT_EQ(log.find("Authorization"), std::string::npos);
}

}  // namespace
}  // namespace sftest
