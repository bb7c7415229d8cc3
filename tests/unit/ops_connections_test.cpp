// Exports and connection info (ops_connections.cpp), and the guarantee that secrets never reach the log.
#include <gtest/gtest.h>

#include "fakes.h"

namespace sftest {
namespace {

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
