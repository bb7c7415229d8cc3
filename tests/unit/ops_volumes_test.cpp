// create_volume and delete_volume against the fake cluster: idempotency, lost responses,
// RPC budgets and the "startVolumeID returns the next volume" trap.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "fakes.h"

namespace sftest {
namespace {
using std::chrono::seconds;

const std::string kId = "8c0e8f4a-2d1b-4a8e-9a51-0f6a7c1d2e3f";

struct VolumeFixture : ::testing::Test {
  Harness h;
  FakeContext ctx{h.clock};
  void SetUp() override { h.setup(); }
};

TEST_F(VolumeFixture, CreateWithExistingUncachedAccountCostsThreeRpcs) {
  const int64_t account = h.transport->cluster.add_account("proj1", "TARGETSECRET0001");
  Volume v = make_volume(kId, 10);
  v.volume_type = VolumeType{"t", "gold", {{"qos:minIOPS", "1000"}, {"qos:maxIOPS", "2000"}}, {}};
  const ModelUpdate m = h.driver->create_volume(ctx, v);
  EXPECT_EQ(h.transport->methods(), (std::vector<std::string>{"GetAccountByName", "ListVolumes", "CreateVolume"}));

  const auto create = h.transport->requests()[2];
  EXPECT_EQ(create.version, "8.0");
  const JsonView p = create.params.view();
  EXPECT_EQ(p.string("name"), "UUID-" + kId);
  EXPECT_EQ(p.int64("accountID"), account);
  EXPECT_EQ(p.int64("totalSize"), int64_t{10} << 30);
  EXPECT_EQ(p.boolean("enable512e"), true);
  EXPECT_EQ(p["attributes"].string("uuid"), kId);
  EXPECT_EQ(p["attributes"].boolean("is_clone"), false);
  EXPECT_EQ(p["attributes"].string("cinder-name"), "my volume");
  EXPECT_EQ(p["qos"].int64("minIOPS"), 1000);
  const auto check = h.transport->requests()[1];
  EXPECT_EQ(check.params.view().string("volumeName"), "UUID-" + kId);
  EXPECT_EQ(check.params.view()["accounts"].at(0).as_int64(), account);

  const auto vol = h.transport->cluster.volumes().at(0);
  ASSERT_TRUE(m.provider_id);
  EXPECT_EQ(*m.provider_id, std::to_string(vol.id) + " " + std::to_string(account) + " " + h.transport->cluster.uuid);
  EXPECT_EQ(*m.provider_location,
            "10.0.0.2:3260 iqn.2010-01.com.solidfire:abcd.uuid-" + kId + "." + std::to_string(vol.id) + " 0");
  EXPECT_EQ(*m.provider_auth, "CHAP proj1 TARGETSECRET0001");
  EXPECT_FALSE(m.provider_geometry);
}

TEST_F(VolumeFixture, SecondCreateInSameProjectCostsTwoRpcs) {
  h.driver->create_volume(ctx, make_volume("11111111-0000-0000-0000-000000000001"));
  h.transport->clear();
  h.driver->create_volume(ctx, make_volume("11111111-0000-0000-0000-000000000002"));
  EXPECT_EQ(h.transport->methods(), (std::vector<std::string>{"ListVolumes", "CreateVolume"}));
}

TEST_F(VolumeFixture, ExistingVolumeWithSameUuidIsReturnedWithoutCreate) {
  const int64_t account = h.transport->cluster.add_account("proj1");
  const int64_t id = h.transport->cluster.add_volume({0, account, "UUID-" + kId, "active", kId});
  const ModelUpdate m = h.driver->create_volume(ctx, make_volume(kId));
  EXPECT_EQ(h.transport->count("CreateVolume"), 0);
  EXPECT_EQ(m.provider_id->substr(0, m.provider_id->find(' ')), std::to_string(id));
}

TEST_F(VolumeFixture, SameNameOtherUuidIsAlreadyExists) {
  const int64_t account = h.transport->cluster.add_account("proj1");
  h.transport->cluster.add_volume({0, account, "UUID-" + kId, "active", "someone-else"});
  try {
    h.driver->create_volume(ctx, make_volume(kId));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kAlreadyExists);
  }
  EXPECT_EQ(h.transport->count("CreateVolume"), 0);
}

TEST_F(VolumeFixture, DeletedVolumeWithSameNameIsIgnored) {
  const int64_t account = h.transport->cluster.add_account("proj1");
  const int64_t old = h.transport->cluster.add_volume({0, account, "UUID-" + kId, "deleted", kId});
  const ModelUpdate m = h.driver->create_volume(ctx, make_volume(kId));
  EXPECT_EQ(h.transport->count("CreateVolume"), 1);
  EXPECT_NE(m.provider_id->substr(0, m.provider_id->find(' ')), std::to_string(old));
}

TEST_F(VolumeFixture, LostCreateResponseAdoptsCommittedVolume) {
  h.transport->cluster.add_account("proj1");
  h.transport->expect("CreateVolume", [&](const Request& r) -> HttpResponse {
    h.transport->cluster.handle(r);  // the cluster commits, the answer is lost
    throw TransportError(TransportError::Kind::kTimeout, "read timed out");
  });
  const ModelUpdate m = h.driver->create_volume(ctx, make_volume(kId));
  EXPECT_EQ(h.transport->count("CreateVolume"), 1) << "never a duplicate";
  EXPECT_EQ(h.transport->cluster.volumes().size(), 1u);
  EXPECT_EQ(m.provider_id->substr(0, m.provider_id->find(' ')),
            std::to_string(h.transport->cluster.volumes()[0].id));
}

TEST_F(VolumeFixture, LostCreateThatDidNotCommitIsReissuedAfterTheWindow) {
  h.transport->cluster.add_account("proj1");
  h.transport->expect_throw("CreateVolume", TransportError::Kind::kReset);
  h.driver->create_volume(ctx, make_volume(kId));
  EXPECT_EQ(h.transport->count("CreateVolume"), 2);
  EXPECT_EQ(h.transport->cluster.volumes().size(), 1u);
  EXPECT_GE(h.clock->total_slept(), seconds(59));
  EXPECT_LE(h.clock->total_slept(), seconds(60)) << "poll window is sf_volume_create_timeout";
  EXPECT_GT(ctx.progress_calls, 0);
}

TEST_F(VolumeFixture, LostCreateRespectsTheDeadline) {
  h.transport->cluster.add_account("proj1");
  h.transport->expect_throw("CreateVolume", TransportError::Kind::kTimeout);
  ctx.set_deadline_in(seconds(10));
  try {
    h.driver->create_volume(ctx, make_volume(kId));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kTimeout);
  }
  EXPECT_EQ(h.transport->count("CreateVolume"), 1);
  EXPECT_LE(h.clock->total_slept(), seconds(10));
}

TEST_F(VolumeFixture, SizeAndIdValidation) {
  for (int64_t size : {int64_t{0}, int64_t{16385}}) {
    try {
      h.driver->create_volume(ctx, make_volume(kId, size));
      FAIL();
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
      EXPECT_EQ(e.field(), "volume.size");
    }
  }
  EXPECT_EQ(h.transport->total(), 0u) << "validation happens before any RPC";
  EXPECT_NO_THROW(h.driver->create_volume(ctx, make_volume(kId, 16384)));
}

TEST_F(VolumeFixture, LongDisplayNameKeepsAttributesUnder1000Bytes) {
  Volume v = make_volume(kId);
  v.display_name = std::string(5000, 'n');
  h.driver->create_volume(ctx, v);
  const auto create = h.transport->requests().back();
  EXPECT_LT(create.params.view()["attributes"].print().size(), 1000u);
  EXPECT_GT(create.params.view()["attributes"].string("cinder-name")->size(), 100u);
}

TEST_F(VolumeFixture, EmulateOffGivesGeometry) {
  Harness h2(std::map<std::string, std::string>{{"sf_emulate_512", "false"}});
  h2.setup();
  FakeContext c(h2.clock);
  const ModelUpdate m = h2.driver->create_volume(c, make_volume(kId));
  EXPECT_EQ(m.provider_geometry, "4096 4096");
  EXPECT_EQ(h2.transport->requests().back().params.view().boolean("enable512e"), false);
}

TEST_F(VolumeFixture, DeleteCostsThreeRpcs) {
  const ModelUpdate m = h.driver->create_volume(ctx, make_volume(kId));
  h.transport->clear();
  Volume v = make_volume(kId);
  v.provider_id = m.provider_id;
  h.driver->delete_volume(ctx, v);
  EXPECT_EQ(h.transport->methods(),
            (std::vector<std::string>{"ListVolumes", "DeleteVolume", "PurgeDeletedVolume"}));
  EXPECT_TRUE(h.transport->cluster.volumes().empty());
}

TEST_F(VolumeFixture, DeleteOfGoneVolumeSucceeds) {
  h.transport->cluster.add_account("proj1");
  Volume v = make_volume(kId);
  v.provider_id = "4242 10 " + h.transport->cluster.uuid;
  EXPECT_NO_THROW(h.driver->delete_volume(ctx, v));
  EXPECT_EQ(h.transport->count("DeleteVolume"), 0);
}

TEST_F(VolumeFixture, DeleteNeverRemovesTheNextVolume) {
  const int64_t account = h.transport->cluster.add_account("proj1");
  h.transport->cluster.next_volume_id = 200;
  const int64_t other = h.transport->cluster.add_volume({0, account, "UUID-other", "active", "other-uuid"});
  Volume v = make_volume(kId);
  v.provider_id = "150 " + std::to_string(account) + " " + h.transport->cluster.uuid;  // 150 is gone
  h.driver->delete_volume(ctx, v);
  EXPECT_EQ(h.transport->count("DeleteVolume"), 0);
  ASSERT_TRUE(h.transport->cluster.volume(other));
  EXPECT_EQ(h.transport->cluster.volume(other)->status, "active");
}

TEST_F(VolumeFixture, DeleteWithoutProviderIdFindsByUuidInPrimaryAndSecondaryAccounts) {
  const int64_t a1 = h.transport->cluster.add_account("proj1");
  const int64_t a2 = h.transport->cluster.add_account("proj1_");
  h.transport->cluster.add_volume({0, a1, "UUID-unrelated", "active", "unrelated"});
  const int64_t mine = h.transport->cluster.add_volume({0, a2, "UUID-" + kId, "active", kId});
  h.driver->delete_volume(ctx, make_volume(kId));
  EXPECT_FALSE(h.transport->cluster.volume(mine));
  EXPECT_EQ(h.transport->cluster.volumes().size(), 1u);
}

TEST_F(VolumeFixture, DeleteOfDeletedButUnpurgedOnlyPurges) {
  const int64_t account = h.transport->cluster.add_account("proj1");
  const int64_t id = h.transport->cluster.add_volume({0, account, "UUID-" + kId, "deleted", kId});
  Volume v = make_volume(kId);
  v.provider_id = std::to_string(id) + " " + std::to_string(account) + " " + h.transport->cluster.uuid;
  h.driver->delete_volume(ctx, v);
  EXPECT_EQ(h.transport->methods(), (std::vector<std::string>{"ListVolumes", "PurgeDeletedVolume"}));
  EXPECT_FALSE(h.transport->cluster.volume(id));
}

TEST_F(VolumeFixture, DeleteRacingWithAnotherDeleterSucceeds) {
  const ModelUpdate m = h.driver->create_volume(ctx, make_volume(kId));
  h.transport->expect_reply("DeleteVolume", element_error("xVolumeIDDoesNotExist"));
  Volume v = make_volume(kId);
  v.provider_id = m.provider_id;
  EXPECT_NO_THROW(h.driver->delete_volume(ctx, v));
}

TEST_F(VolumeFixture, ProviderIdOfOtherVolumeIsNotDeleted) {
  const int64_t account = h.transport->cluster.add_account("proj1");
  const int64_t id = h.transport->cluster.add_volume({0, account, "UUID-x", "active", "another-volume"});
  Volume v = make_volume(kId);
  v.provider_id = std::to_string(id) + " " + std::to_string(account) + " " + h.transport->cluster.uuid;
  h.driver->delete_volume(ctx, v);
  EXPECT_EQ(h.transport->cluster.volume(id)->status, "active");
}

TEST_F(VolumeFixture, ConcurrentCreatesShareOneAccountAndNeverDuplicate) {
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      FakeContext c(h.clock);
      try {
        h.driver->create_volume(c, make_volume("33333333-0000-0000-0000-00000000000" + std::to_string(i)));
        // Repeating the same create is idempotent.
        h.driver->create_volume(c, make_volume("33333333-0000-0000-0000-00000000000" + std::to_string(i)));
      } catch (...) {
        ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(h.transport->cluster.volumes().size(), 8u);
  int accounts = 0;
  for (const auto& r : h.transport->requests()) {
    if (r.method == "AddAccount") ++accounts;
  }
  EXPECT_GE(accounts, 1);
  std::set<int64_t> owners;
  for (const auto& v : h.transport->cluster.volumes()) owners.insert(v.account);
  EXPECT_EQ(owners.size(), 1u) << "racing creators end up in the same account";
}

// Length limits name the request field and stop before any RPC.
TEST_F(VolumeFixture, LengthLimitsNameTheRequestFieldBeforeAnyRpc) {
  struct Case {
    Volume volume;
    const char* field;
  };
  Volume long_project = make_volume(kId, 1, std::string(5000, 'p'));
  Volume long_id = make_volume(std::string(60, 'a'), 1);
  Volume big = make_volume(kId, 16385);
  Volume bad_qos = make_volume(kId, 1);
  bad_qos.volume_type = VolumeType{"t", "t", {{"qos:minIOPS", "-5"}}, {}};
  const Case cases[] = {{long_project, "volume.project_id"},
                        {long_id, "volume.id"},
                        {big, "volume.size"},
                        {bad_qos, "volume.volume_type.extra_specs.qos:minIOPS"}};
  for (const auto& c : cases) {
    try {
      h.driver->create_volume(ctx, c.volume);
      ADD_FAILURE() << c.field;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << c.field;
      EXPECT_EQ(e.field(), c.field);
      EXPECT_EQ(e.message().rfind(c.field, 0), 0u) << e.message();
    }
  }
  EXPECT_EQ(h.transport->total(), 0u);
}

}  // namespace
}  // namespace sftest
