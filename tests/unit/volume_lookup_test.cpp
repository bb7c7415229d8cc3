// VolumeLookup on its own, against the fake cluster: where it looks (provider_id, then the project's
// primary and secondary accounts) and what each lookup costs in RPCs, what it refuses to trust
// (a purged id, another volume's id, another cluster's id), deleted leftovers, the fields its errors
// name, by_name's ALREADY_EXISTS and the paging of for_each_volume.
#include <gtest/gtest.h>

#include <set>

#include "accounts.h"
#include "fakes.h"
#include "volume_lookup.h"

namespace sftest {
namespace {

using Lookup = solidfire::VolumeLookup;

const std::string kA = "aaaaaaaa-1111-4111-8111-aaaaaaaaaaaa";
const std::string kB = "bbbbbbbb-2222-4222-8222-bbbbbbbbbbbb";
const std::string kC = "cccccccc-3333-4333-8333-cccccccccccc";
const std::string kMissing = "dddddddd-4444-4444-8444-dddddddddddd";

// A lookup built straight from a set-up harness, with the project "proj1" owning a primary and a
// secondary account on the fake cluster.
struct VolumeLookup : ::testing::Test {
  Harness h;
  FakeContext ctx{h.clock};
  std::unique_ptr<AccountManager> accounts;
  std::unique_ptr<Lookup> lookup;
  int64_t primary = 0;
  int64_t secondary = 0;

  void SetUp() override {
    h.setup();
    primary = h.transport->cluster.add_account("proj1");
    secondary = h.transport->cluster.add_account("proj1_");
    accounts = std::make_unique<AccountManager>(h.driver->client(), h.logger);
    lookup = std::make_unique<Lookup>(
        h.driver->client(), *accounts, h.driver->config(),
        [this] { return identity::Scope{h.driver->config().sf_volume_prefix, h.transport->cluster.uuid}; },
        h.logger);
  }
  // An Element volume as the driver creates it: named "UUID-<uuid>" with attributes.uuid.
  int64_t seed(int64_t id, const std::string& uuid, int64_t account, const std::string& status = "active") {
    FakeCluster::Vol v;
    v.id = id;
    v.account = account;
    v.name = "UUID-" + uuid;
    v.uuid = uuid;
    v.status = status;
    return h.transport->cluster.add_volume(v);
  }
  // The Cinder volume `uuid` of proj1, with a provider_id naming `id` in `account` when given.
  Volume vol(const std::string& uuid, std::optional<int64_t> id = std::nullopt, int64_t account = 0) const {
    Volume v = make_volume(uuid, 10, "proj1");
    if (id) {
      v.provider_id = std::to_string(*id) + " " + std::to_string(account == 0 ? primary : account) + " " +
                      h.transport->cluster.uuid;
    }
    return v;
  }
  std::vector<int64_t> account_ids_listed() const {
    std::vector<int64_t> out;
    for (const auto& r : h.transport->requests()) {
      if (r.method == "ListVolumesForAccount") out.push_back(r.params.view().int64("accountID").value_or(-1));
    }
    return out;
  }
  static std::vector<int64_t> ids(const std::vector<FoundVolume>& found) {
    std::vector<int64_t> out;
    for (const auto& f : found) out.push_back(f.volume.id);
    return out;
  }
  Error error_of(const std::function<void()>& f) {
    try {
      f();
    } catch (const Error& e) {
      return e;
    }
    ADD_FAILURE() << "no error";
    return Error(ErrorCode::kOk, "");
  }
};

TEST_F(VolumeLookup, ProviderIdHitCostsOneListVolumesAndNoAccountRpc) {
  seed(100, kB, primary);
  const int64_t id = seed(101, kA, primary);
  const auto found = lookup->find(ctx, vol(kA, id));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->volume.id, id);
  EXPECT_EQ(found->volume.uuid_attr, kA);
  EXPECT_TRUE(found->raw.view()["qos"].is_object()) << "the raw Element object travels with the volume";
  EXPECT_EQ(h.transport->methods(), (std::vector<std::string>{"ListVolumes"})) << "no GetAccountByName either";
  const auto reqs = h.transport->requests();  // owns the params p views
  const JsonView p = reqs.at(0).params.view();
  EXPECT_EQ(p.int64("startVolumeID"), id);
  EXPECT_EQ(p.int64("limit"), 1);
}

TEST_F(VolumeLookup, ProviderIdFindsAVolumeNoAccountWalkWouldMatch) {
  // A managed volume: attribute-less, its own name, in an account outside the project. Only the
  // provider_id names it, so a lookup that skipped step 1 would miss it.
  const int64_t other = h.transport->cluster.add_account("someone-else");
  FakeCluster::Vol v;
  v.id = 300;
  v.account = other;
  v.name = "legacy-name";
  h.transport->cluster.add_volume(v);
  const auto found = lookup->find(ctx, vol(kA, 300, other));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->volume.id, 300);
  EXPECT_EQ(h.transport->count("ListVolumesForAccount"), 0);
}

TEST_F(VolumeLookup, PurgedProviderIdFallsBackToTheAccountsAndFindsTheVolumeByUuid) {
  // Volume 100 was purged: ListVolumes{startVolumeID:100, limit:1} answers with 101, another volume.
  seed(101, kB, primary);
  seed(102, kA, primary);
  const auto found = lookup->find(ctx, vol(kA, 100));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->volume.id, 102);
  EXPECT_EQ(found->volume.uuid_attr, kA);
  EXPECT_EQ(h.transport->count("ListVolumes"), 1);
  EXPECT_EQ(account_ids_listed(), (std::vector<int64_t>{primary}));
  EXPECT_NE(h.log_text().find("volumeID 100 from provider_id"), std::string::npos);
}

TEST_F(VolumeLookup, PurgedProviderIdIsNotTakenForTheNextVolumeEvenWhenThatOneIsOurs) {
  // The next volume is ours (re-created under a new id): it is found, but through the account walk,
  // proving the id was compared rather than the next volume trusted.
  seed(101, kA, primary);
  const auto found = lookup->find(ctx, vol(kA, 100));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->volume.id, 101);
  EXPECT_EQ(h.transport->methods(),
            (std::vector<std::string>{"ListVolumes", "GetAccountByName", "ListVolumesForAccount"}));
}

TEST_F(VolumeLookup, ProviderIdNamingAnotherVolumeIsNotUsed) {
  seed(100, kA, primary);
  seed(101, kB, primary);  // what a stale provider_id of kA points at
  const Volume stale = vol(kA, 101);
  const auto found = lookup->find(ctx, stale);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->volume.id, 100);
  EXPECT_EQ(h.transport->count("ListVolumes"), 1);
  EXPECT_EQ(h.transport->count("ListVolumesForAccount"), 1);
  EXPECT_NE(h.log_text().find("belongs to another volume"), std::string::npos);
  // require_many applies the same rule to its batched listing.
  h.transport->clear();
  const auto many = lookup->require_many(ctx, {stale}, "volumes");
  EXPECT_EQ(ids(many), (std::vector<int64_t>{100}));
}

TEST_F(VolumeLookup, ProviderIdOfAnotherClusterIsNotUsed) {
  seed(100, kA, primary);
  FakeCluster::Vol legacy;  // on this cluster, id 101 is an unrelated attribute-less volume
  legacy.id = 101;
  legacy.account = primary;
  legacy.name = "legacy-name";
  h.transport->cluster.add_volume(legacy);
  Volume elsewhere = vol(kA);
  elsewhere.provider_id = "101 " + std::to_string(primary) + " 99999999-8888-7777-6666-555555555555";
  const auto found = lookup->find(ctx, elsewhere);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->volume.id, 100);
  EXPECT_EQ(h.transport->count("ListVolumes"), 0) << "another cluster's volumeID is not even asked for";
  EXPECT_EQ(h.transport->count("ListVolumesForAccount"), 1);
  EXPECT_NE(h.log_text().find("does not name a volume of this cluster"), std::string::npos);
}

TEST_F(VolumeLookup, VolumeInThePrimaryAccountCostsOneListVolumesForAccount) {
  seed(100, kB, secondary);
  seed(101, kA, primary);
  const auto found = lookup->find(ctx, vol(kA));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->volume.id, 101);
  EXPECT_EQ(h.transport->methods(), (std::vector<std::string>{"GetAccountByName", "ListVolumesForAccount"}))
      << "the secondary account is neither looked up nor listed once the volume is found";
  EXPECT_EQ(h.transport->requests().at(0).params.view().string("username"), "proj1");
  EXPECT_EQ(account_ids_listed(), (std::vector<int64_t>{primary}));
}

TEST_F(VolumeLookup, VolumeInTheSecondaryAccountCostsTwoListVolumesForAccount) {
  seed(100, kB, primary);
  seed(101, kA, secondary);
  const auto found = lookup->find(ctx, vol(kA));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->volume.id, 101);
  EXPECT_EQ(found->volume.account_id, secondary);
  EXPECT_EQ(account_ids_listed(), (std::vector<int64_t>{primary, secondary}));
  EXPECT_EQ(h.transport->requests().at(2).params.view().string("username"), "proj1_");
  // The accounts are cached: a second lookup costs the listings only.
  h.transport->clear();
  ASSERT_TRUE(lookup->find(ctx, vol(kA)));
  EXPECT_EQ(h.transport->methods(), (std::vector<std::string>{"ListVolumesForAccount", "ListVolumesForAccount"}));
}

TEST_F(VolumeLookup, NoProjectAndNoProviderIdCostsNoRpc) {
  seed(100, kA, primary);
  Volume orphan = vol(kA);
  orphan.project_id.clear();
  EXPECT_FALSE(lookup->find(ctx, orphan));
  EXPECT_EQ(h.transport->total(), 0u);
}

TEST_F(VolumeLookup, ProjectWithoutAccountsListsNothing) {
  seed(100, kA, primary);
  Volume v = vol(kA);
  v.project_id = "proj2";  // the volume of another project's uuid is not looked for in proj1's accounts
  EXPECT_FALSE(lookup->find(ctx, v));
  EXPECT_EQ(h.transport->methods(), (std::vector<std::string>{"GetAccountByName", "GetAccountByName"}));
}

TEST_F(VolumeLookup, DeletedVolumesAreNotFoundButAreLeftovers) {
  seed(100, kA, primary, "deleted");
  seed(101, kB, primary);
  seed(102, kA, secondary, "deleted");
  EXPECT_FALSE(lookup->find(ctx, vol(kA)));
  EXPECT_FALSE(lookup->find(ctx, vol(kA, 100))) << "not through the provider_id either";
  h.transport->clear();
  // Without a provider_id: every leftover of both accounts (the walk does not stop at the first).
  EXPECT_EQ(ids(lookup->find_with_leftovers(ctx, vol(kA))), (std::vector<int64_t>{100, 102}));
  EXPECT_EQ(h.transport->count("ListVolumesForAccount"), 2);
  // Through the provider_id: that one, for one RPC.
  h.transport->clear();
  EXPECT_EQ(ids(lookup->find_with_leftovers(ctx, vol(kA, 100))), (std::vector<int64_t>{100}));
  EXPECT_EQ(h.transport->methods(), (std::vector<std::string>{"ListVolumes"}));
  EXPECT_EQ(h.log_text().find("belongs to another volume"), std::string::npos)
      << "our own deleted volume is no stranger's";
}

TEST_F(VolumeLookup, ActiveVolumeIsFoundPastADeletedLeftover) {
  seed(100, kA, primary, "deleted");
  seed(101, kA, secondary);
  const auto found = lookup->find(ctx, vol(kA, 100));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->volume.id, 101);
  EXPECT_FALSE(found->volume.deleted());
}

TEST_F(VolumeLookup, RequireOnAMissingVolumeNamesTheObjectOrItsId) {
  seed(100, kB, primary);
  Error e = error_of([&] { lookup->require(ctx, vol(kMissing), "volume"); });
  EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  EXPECT_EQ(e.field(), "volume");
  EXPECT_NE(e.message().find(kMissing), std::string::npos);
  EXPECT_NE(e.message().find("proj1"), std::string::npos) << "says where it looked";
  e = error_of([&] { lookup->require(ctx, vol(kMissing, 100), "volume", Lookup::NotFoundNames::kId); });
  EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  EXPECT_EQ(e.field(), "volume.id");
  EXPECT_NE(e.message().find("provider_id 100 "), std::string::npos);
}

TEST_F(VolumeLookup, RequireWithoutIdIsInvalidArgumentBeforeAnyRpc) {
  seed(100, kA, primary);
  Volume v = vol(kA, 100);
  v.id.clear();
  const Error e = error_of([&] { lookup->require(ctx, v, "snapshot.volume"); });
  EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(e.field(), "snapshot.volume.id");
  EXPECT_EQ(h.transport->total(), 0u);
}

TEST_F(VolumeLookup, RequireReturnsTheVolumeFound) {
  seed(100, kA, secondary);
  EXPECT_EQ(lookup->require(ctx, vol(kA), "volume").volume.id, 100);
}

TEST_F(VolumeLookup, RequireManyIssuesOneListVolumesWithTheUniqueIdsInOrder) {
  seed(100, kA, primary);
  seed(101, kB, primary);
  seed(102, kC, secondary);
  // kB twice (one volume attached to two places of a request), kC without a provider_id.
  const auto found = lookup->require_many(ctx, {vol(kB, 101), vol(kA, 100), vol(kB, 101), vol(kC)}, "volumes");
  EXPECT_EQ(ids(found), (std::vector<int64_t>{101, 100, 101, 102})) << "results follow the request";
  EXPECT_EQ(h.transport->count("ListVolumes"), 1);
  const auto reqs = h.transport->requests();  // owns the params p views
  const JsonView p = reqs.at(0).params.view();
  std::vector<int64_t> listed;
  for (const JsonView i : p["volumeIDs"].items()) listed.push_back(i.as_int64().value_or(-1));
  EXPECT_EQ(listed, (std::vector<int64_t>{101, 100}));
  EXPECT_FALSE(p.has("startVolumeID"));
  EXPECT_FALSE(p.has("limit"));
  // Only kC walked the accounts.
  EXPECT_EQ(account_ids_listed(), (std::vector<int64_t>{primary, secondary}));
}

TEST_F(VolumeLookup, RequireManyWithoutProviderIdsListsNoVolumeIds) {
  seed(100, kA, primary);
  EXPECT_EQ(ids(lookup->require_many(ctx, {vol(kA)}, "volumes")), (std::vector<int64_t>{100}));
  EXPECT_EQ(h.transport->count("ListVolumes"), 0);
}

TEST_F(VolumeLookup, RequireManyNotFoundNamesTheIndex) {
  seed(100, kA, primary);
  const Error e = error_of([&] { lookup->require_many(ctx, {vol(kA, 100), vol(kMissing, 105)}, "volumes"); });
  EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  EXPECT_EQ(e.field(), "volumes[1]");
  EXPECT_NE(e.message().find(kMissing), std::string::npos);
}

TEST_F(VolumeLookup, RequireManyChecksEveryIdBeforeAnyRpc) {
  seed(100, kA, primary);
  Volume no_id = vol(kB, 100);
  no_id.id.clear();
  const Error e = error_of([&] { lookup->require_many(ctx, {vol(kA, 100), vol(kA), no_id}, "volumes"); });
  EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(e.field(), "volumes[2].id");
  EXPECT_EQ(h.transport->total(), 0u);
}

TEST_F(VolumeLookup, ByIdIsNulloptForAPurgedId) {
  seed(101, kA, primary);
  seed(102, kB, primary, "deleted");
  EXPECT_FALSE(lookup->by_id(ctx, 100)) << "Element answers with 101: not volume 100";
  EXPECT_FALSE(lookup->by_id(ctx, 103)) << "past the last volume the page is empty";
  const auto live = lookup->by_id(ctx, 101);
  ASSERT_TRUE(live);
  EXPECT_EQ(live->volume.uuid_attr, kA);
  const auto deleted = lookup->by_id(ctx, 102);
  ASSERT_TRUE(deleted) << "by_id returns deleted volumes too";
  EXPECT_TRUE(deleted->volume.deleted());
  EXPECT_EQ(h.transport->count("ListVolumes"), 4);
  EXPECT_EQ(error_of([&] { lookup->require_by_id(ctx, 100); }).code(), ErrorCode::kBackend);
}

TEST_F(VolumeLookup, ByNameRefusesAnActiveVolumeOfAnotherUuid) {
  FakeCluster::Vol squatter;
  squatter.id = 100;
  squatter.account = primary;
  squatter.name = "UUID-" + kA;
  squatter.uuid = kB;
  h.transport->cluster.add_volume(squatter);
  const Error e = error_of([&] { lookup->by_name(ctx, "UUID-" + kA, primary, kA); });
  EXPECT_EQ(e.code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(e.field(), "volume.id");
  EXPECT_NE(e.message().find("volumeID 100"), std::string::npos);
  ASSERT_EQ(h.transport->count("ListVolumes"), 1);
  const auto reqs = h.transport->requests();  // owns the params p views
  const JsonView p = reqs.at(0).params.view();
  EXPECT_EQ(p.string("volumeName"), "UUID-" + kA);
  EXPECT_EQ(p["accounts"].at(0).as_int64(), primary);
}

TEST_F(VolumeLookup, ByNameIgnoresDeletedVolumesAndFindsItsOwn) {
  FakeCluster::Vol gone;
  gone.id = 100;
  gone.account = primary;
  gone.name = "UUID-" + kA;
  gone.uuid = kB;
  gone.status = "deleted";
  h.transport->cluster.add_volume(gone);
  EXPECT_FALSE(lookup->by_name(ctx, "UUID-" + kA, primary, kA)) << "a deleted namesake is no conflict";
  seed(101, kA, primary);
  const auto mine = lookup->by_name(ctx, "UUID-" + kA, primary, kA);
  ASSERT_TRUE(mine);
  EXPECT_EQ(mine->id, 101);
}

TEST_F(VolumeLookup, ByNameAcceptsTheOtherHalfOfAMigrationPair) {
  // A migration target is named after its source and carries the source's uuid; its own id is
  // migration_uuid. Neither half is a conflict for the other.
  const std::string name = "UUID-" + kA;
  const std::string pair = R"({"volumes":[)"
                           R"({"volumeID":100,"accountID":10,"name":")" + name + R"(","status":"active",)"
                           R"("attributes":{"uuid":")" + kA + R"("}},)"
                           R"({"volumeID":101,"accountID":10,"name":")" + name + R"(","status":"active",)"
                           R"("attributes":{"uuid":")" + kA + R"(","migration_uuid":")" + kB + R"("}}]})";
  h.transport->expect_reply("ListVolumes", ok(pair));
  h.transport->expect_reply("ListVolumes", ok(pair));
  const auto target = lookup->by_name(ctx, name, 10, kB);
  ASSERT_TRUE(target);
  EXPECT_EQ(target->id, 101);
  const auto source = lookup->by_name(ctx, name, 10, kA);
  ASSERT_TRUE(source);
  EXPECT_EQ(source->id, 100);
}

TEST_F(VolumeLookup, StaleAccountIdIsForgottenAndTheWalkGoesOn) {
  seed(100, kB, primary);
  seed(101, kA, secondary);
  ASSERT_TRUE(lookup->find(ctx, vol(kB)));  // caches the primary account
  h.transport->clear();
  h.transport->expect_reply("ListVolumesForAccount", element_error("xAccountIDDoesNotExist"));
  const auto found = lookup->find(ctx, vol(kA));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->volume.id, 101);
  h.transport->clear();
  ASSERT_TRUE(lookup->find(ctx, vol(kB)));
  EXPECT_EQ(h.transport->methods(), (std::vector<std::string>{"GetAccountByName", "ListVolumesForAccount"}))
      << "the stale primary account is read again";
}

TEST_F(VolumeLookup, ForEachVolumeVisitsEveryVolumeOfASmallClusterInOnePage) {
  const int64_t other = h.transport->cluster.add_account("someone-else");
  seed(100, kA, primary);
  seed(101, kB, secondary, "deleted");
  seed(102, kC, other);
  std::vector<int64_t> seen;
  lookup->for_each_volume(ctx, std::nullopt, [&](JsonView v) { seen.push_back(v.int64("volumeID").value_or(-1)); });
  EXPECT_EQ(seen, (std::vector<int64_t>{100, 101, 102}));
  ASSERT_EQ(h.transport->count("ListVolumes"), 1);
  const auto reqs = h.transport->requests();  // owns the params p views
  const JsonView p = reqs.at(0).params.view();
  EXPECT_EQ(p.int64("startVolumeID"), 0);
  EXPECT_EQ(p.int64("limit"), element::kListVolumesPage);
  EXPECT_FALSE(p.has("volumeStatus"));
  h.transport->clear();
  lookup->for_each_volume(ctx, std::string("active"), [](JsonView) {});
  EXPECT_EQ(h.transport->requests().at(0).params.view().string("volumeStatus"), "active");
}

TEST_F(VolumeLookup, ForEachVolumePagesByTenThousand) {
  // A scripted ListVolumes over 10,005 volumes with odd ids, honouring startVolumeID and limit (the
  // fake cluster would need 10,005 seeded volumes for this).
  const int64_t n = element::kListVolumesPage + 5;
  const auto serve = [n](const Request& r) {
    const int64_t start = r.params.view().int64("startVolumeID").value_or(0);
    const int64_t limit = r.params.view().int64("limit").value_or(element::kListVolumesPage);
    std::string body = R"({"volumes":[)";
    int64_t listed = 0;
    for (int64_t i = 0; i < n && listed < limit; ++i) {
      const int64_t id = 2 * i + 1;
      if (id < start) continue;
      if (listed++ > 0) body += ",";
      body += R"({"volumeID":)" + std::to_string(id) + R"(,"status":"active"})";
    }
    return ok(body + "]}");
  };
  for (int i = 0; i < 3; ++i) h.transport->expect("ListVolumes", serve);
  std::set<int64_t> seen;
  int64_t visits = 0;
  lookup->for_each_volume(ctx, std::nullopt, [&](JsonView v) {
    seen.insert(v.int64("volumeID").value_or(-1));
    ++visits;
  });
  EXPECT_EQ(visits, n) << "each volume once";
  EXPECT_EQ(static_cast<int64_t>(seen.size()), n);
  const auto reqs = h.transport->requests();
  ASSERT_EQ(reqs.size(), 2u) << "a short page ends the walk";
  EXPECT_EQ(reqs[0].params.view().int64("startVolumeID"), 0);
  // The next page starts after the last id seen (19,999), not at start + limit.
  EXPECT_EQ(reqs[1].params.view().int64("startVolumeID"), 2 * (element::kListVolumesPage - 1) + 2);
}

TEST_F(VolumeLookup, ForEachProjectVolumeStopsWhenVisitSaysSo) {
  seed(100, kA, primary);
  seed(101, kB, primary);
  seed(102, kC, secondary);
  std::vector<int64_t> seen;
  lookup->for_each_project_volume(ctx, "proj1", [&](JsonView v) {
    seen.push_back(v.int64("volumeID").value_or(-1));
    return seen.size() == 3;
  });
  EXPECT_EQ(seen, (std::vector<int64_t>{100, 101, 102}));
  seen.clear();
  h.transport->clear();
  lookup->for_each_project_volume(ctx, "proj1", [&](JsonView v) {
    seen.push_back(v.int64("volumeID").value_or(-1));
    return true;
  });
  EXPECT_EQ(seen, (std::vector<int64_t>{100}));
  EXPECT_EQ(h.transport->count("ListVolumesForAccount"), 1);
}

}  // namespace
}  // namespace sftest
