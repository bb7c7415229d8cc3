// The identity rule (volume_identity.h) on its own: precedence provider_id > identity attribute > exact
// name, the Cinder key (name_id over id), deleted volumes, substrings and other clusters.
#include <gtest/gtest.h>

#include "driver_impl.h"
#include "access_fixture.h"
#include "volume_identity.h"

namespace sftest {
namespace {

using solidfire::SfVolume;
using solidfire::Volume;
using solidfire::identity::Deleted;
using solidfire::identity::Match;
using solidfire::identity::match;

const std::string kCluster = "11111111-2222-3333-4444-555555555555";
const std::string kId = "6b1f6c3e-8a59-4f47-a0a4-2f4bd1a6f0c1";
const std::string kOther = "0c2f0a6e-7d7e-4c55-9d3c-0d5f4f1c2b3a";
const solidfire::identity::Scope kScope{"UUID-", kCluster};

SfVolume element(int64_t id, int64_t account, const std::string& name, const std::string& uuid,
                 const std::string& migration = "", const std::string& status = "active") {
  SfVolume v;
  v.id = id;
  v.account_id = account;
  v.name = name;
  v.uuid_attr = uuid;
  v.migration_uuid = migration;
  v.status = status;
  return v;
}

Volume cinder(const std::string& id, const std::optional<std::string>& provider_id = std::nullopt) {
  Volume v;
  v.id = id;
  v.provider_id = provider_id;
  return v;
}

TEST(VolumeIdentity, ProviderIdWithAccountIsTheStrongestMatch) {
  const Volume c = cinder(kId, "7 3 " + kCluster);
  EXPECT_EQ(match(element(7, 3, "UUID-" + kId, kId), c, kScope), Match::kProviderId);
  // A managed volume keeps its old name and may predate attributes: the provider_id alone names it.
  EXPECT_EQ(match(element(7, 3, "legacy-name", ""), c, kScope), Match::kProviderId);
}

TEST(VolumeIdentity, ProviderIdOfAnotherAccountOrClusterFallsBackToTheAttribute) {
  EXPECT_EQ(match(element(7, 4, "UUID-" + kId, kId), cinder(kId, "7 3 " + kCluster), kScope), Match::kAttribute);
  EXPECT_EQ(match(element(7, 3, "UUID-" + kId, kId), cinder(kId, "7 3 other-cluster"), kScope), Match::kAttribute);
  EXPECT_EQ(match(element(7, 3, "x", ""), cinder(kId, "7 3 other-cluster"), kScope), Match::kNone);
  // 2.0.6 provider_ids carry no cluster: they count.
  EXPECT_EQ(match(element(7, 3, "x", ""), cinder(kId, "7 3"), kScope), Match::kProviderId);
}

TEST(VolumeIdentity, AnotherVolumesAttributeNeverMatchesWhateverTheProviderIdOrName) {
  EXPECT_EQ(match(element(7, 3, "UUID-" + kId, kOther), cinder(kId, "7 3 " + kCluster), kScope), Match::kNone);
  EXPECT_EQ(match(element(7, 3, "UUID-" + kId, "", kOther), cinder(kId), kScope), Match::kNone);
}

TEST(VolumeIdentity, AttributeBeatsName) {
  EXPECT_EQ(match(element(7, 3, "renamed-by-hand", kId), cinder(kId), kScope), Match::kAttribute);
  EXPECT_EQ(match(element(7, 3, "UUID-" + kId, ""), cinder(kId), kScope), Match::kName);
  EXPECT_GT(Match::kProviderId, Match::kAttribute);
  EXPECT_GT(Match::kAttribute, Match::kName);
}

TEST(VolumeIdentity, MigrationUuidTakesPrecedenceOverUuid) {
  // A migration target: named after the source, uuid = source, migration_uuid = the target's own id.
  const SfVolume target = element(8, 3, "UUID-" + kOther, kOther, kId);
  EXPECT_EQ(match(target, cinder(kId), kScope), Match::kAttribute);
  EXPECT_EQ(match(target, cinder(kOther), kScope), Match::kNone) << "the source is not its own target";
}

TEST(VolumeIdentity, NameIdIsTheCinderKeyNeverBothKeys) {
  Volume after_swap = cinder(kOther);  // the source record after a migration points at the target
  after_swap.name_id = kId;
  EXPECT_EQ(match(element(8, 3, "UUID-" + kOther, kOther, kId), after_swap, kScope), Match::kAttribute);
  EXPECT_EQ(match(element(5, 3, "UUID-" + kOther, kOther), after_swap, kScope), Match::kNone)
      << "the old source volume is not reached through the record's own id";
  EXPECT_EQ(match(element(9, 3, "UUID-" + kId, ""), after_swap, kScope), Match::kName);
}

TEST(VolumeIdentity, NamesAreComparedExactlyNeverAsSubstrings) {
  EXPECT_EQ(match(element(7, 3, "UUID-" + kId + "-tmp", ""), cinder(kId), kScope), Match::kNone);
  EXPECT_EQ(match(element(7, 3, "xUUID-" + kId, ""), cinder(kId), kScope), Match::kNone);
  EXPECT_EQ(match(element(7, 3, kId, ""), cinder(kId), kScope), Match::kNone) << "the prefix is part of the name";
  EXPECT_EQ(match(element(7, 3, "UUID-" + kId, kId + "x"), cinder(kId), kScope), Match::kNone);
}

TEST(VolumeIdentity, DeletedVolumesMatchOnlyForPurgingLeftovers) {
  const SfVolume gone = element(7, 3, "UUID-" + kId, kId, "", "deleted");
  const Volume c = cinder(kId, "7 3 " + kCluster);
  EXPECT_EQ(match(gone, c, kScope), Match::kNone);
  EXPECT_EQ(match(gone, c, kScope, Deleted::kPurgeLeftovers), Match::kProviderId);
  EXPECT_EQ(match(element(7, 3, "UUID-" + kId, kOther, "", "deleted"), c, kScope, Deleted::kPurgeLeftovers),
            Match::kNone);
}

TEST(VolumeIdentity, EmptyKeysAndBadProviderIdsMatchNothingByThemselves) {
  EXPECT_EQ(match(element(7, 3, "UUID-", ""), cinder(""), kScope), Match::kNone);
  EXPECT_EQ(match(element(7, 3, "x", ""), cinder(kId, "seven 3 " + kCluster), kScope), Match::kNone);
  EXPECT_EQ(match(element(7, 3, "x", ""), cinder(kId, "-7 3 " + kCluster), kScope), Match::kNone);
  EXPECT_EQ(match(element(7, 3, "x", ""), cinder(kId, ""), kScope), Match::kNone);
}

TEST(VolumeIdentity, ProviderVolumeIdIgnoresOtherClusters) {
  using solidfire::identity::provider_volume_id;
  EXPECT_EQ(provider_volume_id(cinder(kId, "7 3 " + kCluster), kCluster), 7);
  EXPECT_EQ(provider_volume_id(cinder(kId, "7 3"), kCluster), 7);
  EXPECT_FALSE(provider_volume_id(cinder(kId, "7 3 elsewhere"), kCluster));
  EXPECT_FALSE(provider_volume_id(cinder(kId), kCluster));
}

// The driver's lookups all use the rule: a migration target (uuid = source, migration_uuid = its own id)
// is found by ensure_export's account search and by initialize_connection's provider_id lookup.
TEST(VolumeLookups, AccountSearchHonoursMigrationUuid) {
  Harness h;
  h.setup();
  FakeContext ctx{h.clock};
  const int64_t primary = h.transport->cluster.add_account("proj1", "PRIMARYSECRET001");
  const int64_t secondary = h.transport->cluster.add_account("proj1_", "SECONDSECRET0001");
  VolSpec source(100, primary, "UUID-" + kOther, "active", kOther);
  VolSpec target(101, secondary, "UUID-" + kOther, "active", kOther);
  target.attributes = R"({"uuid":")" + kOther + R"(","migration_uuid":")" + kId + R"("})";
  h.transport->expect_reply("ListVolumesForAccount", volumes_reply({source}));
  h.transport->expect_reply("ListVolumesForAccount", volumes_reply({target}));
  const solidfire::ModelUpdate m = h.driver->ensure_export(ctx, make_volume(kId));
  EXPECT_EQ(m.provider_auth, "CHAP proj1_ SECONDSECRET0001") << "the target lives in the secondary account";
}

TEST(VolumeLookups, ProviderIdLookupHonoursMigrationUuidAndRejectsTheSource) {
  Harness h;
  h.setup();
  FakeContext ctx{h.clock};
  const int64_t acct = h.transport->cluster.add_account("proj1");
  VolSpec target(101, acct, "UUID-" + kOther, "active", kOther);
  target.attributes = R"({"uuid":")" + kOther + R"(","migration_uuid":")" + kId + R"("})";
  Volume v = make_volume(kId);
  v.provider_id = "101 " + std::to_string(acct) + " " + h.transport->cluster.uuid;
  h.transport->expect_reply("ListVolumes", volumes_reply({target}));
  const auto info = h.driver->initialize_connection(ctx, v, solidfire::Connector{kIqn, "h", "10.0.0.9", false});
  EXPECT_NE(info.target_iqn.find(".101"), std::string::npos) << info.target_iqn;
  EXPECT_EQ(h.transport->count("ListVolumesForAccount"), 0);

  // The source (uuid = kOther, no migration_uuid) named by a stale provider_id is not volume kId.
  VolSpec source(100, acct, "UUID-" + kId, "active", kOther);
  v.provider_id = "100 " + std::to_string(acct) + " " + h.transport->cluster.uuid;
  h.transport->expect_reply("ListVolumes", volumes_reply({source}));
  h.transport->expect_reply("ListVolumesForAccount", volumes_reply({source}));
  EXPECT_THROW(h.driver->initialize_connection(ctx, v, solidfire::Connector{kIqn, "h", "10.0.0.9", false}),
               solidfire::Error);
}

}  // namespace
}  // namespace sftest
