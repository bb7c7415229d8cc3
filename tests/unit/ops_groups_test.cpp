// Groups and consistency groups on the fake cluster: the consistent-type gate, create_group_snapshot
// (identity of members, idempotency, lost answers, limits), delete_group_snapshot, delete_group with
// per-volume status, update_group, and create_group_from_src from a group snapshot and from a source
// group (temporary group snapshot, clone rules, no orphan on failure).
#include "access_groups.h"
#include "groups.h"
#include "volume_fixture.h"

namespace sftest {
namespace {

const std::string kGroup = "99999999-0000-4000-8000-000000000001";
const std::string kNewGroup = "99999999-0000-4000-8000-000000000002";
const std::string kGs = "88888888-0000-4000-8000-000000000001";
const std::string kVolC = "cccccccc-0000-4000-8000-cccccccccccc";
const std::string kNewA = "eeeeeeee-0000-4000-8000-00000000000a";
const std::string kNewB = "eeeeeeee-0000-4000-8000-00000000000b";
const StringMap kConsistent = {{"consistent_group_snapshot_enabled", "<is> True"}};

struct Groups : DataFixture {
  Group group(const std::string& id = kGroup) { return Group{id, "gt1", kConsistent, "proj1"}; }
  GroupSnapshot gsnap() { return GroupSnapshot{kGs, kGroup, "gt1", kConsistent, "proj1"}; }
  Snapshot member(const std::string& id, const Volume& parent) {
    Snapshot s;
    s.id = id;
    s.volume_id = parent.id;
    s.project_id = "proj1";
    s.group_snapshot_id = kGs;
    s.volume = parent;
    return s;
  }
  // Two seeded volumes and their member snapshots ("s-a", "s-b").
  std::vector<Snapshot> two_members() {
    va = seed(kVolA);
    vb = seed(kVolB, 20);
    return {member("s-a", vol(kVolA, va)), member("s-b", vol(kVolB, vb, 20))};
  }
  Volume new_volume(const std::string& id, int64_t gib) { return make_volume(id, gib, "proj1"); }
  // The two seeded volumes as a source group.
  GroupSource from_source_group() {
    two_members();
    GroupSource src;
    src.source_group = group();
    src.source_volumes = {vol(kVolA, va), vol(kVolB, vb, 20)};
    return src;
  }
  // create_group_from_src of kNewA (10 GiB) and kNewB (20 GiB) into group kNewGroup.
  GroupResult make_two(const GroupSource& src, GroupFlavor flavor = GroupFlavor::kGeneric) {
    return h.driver->create_group_from_src(ctx, group(kNewGroup), {new_volume(kNewA, 10), new_volume(kNewB, 20)}, src,
                                           flavor);
  }
  int64_t va = 0;
  int64_t vb = 0;
};

TEST(GroupSpecs, ConsistentOnlyForIsTrue) {
  using groups::consistent_specs;
  EXPECT_TRUE(consistent_specs({{"consistent_group_snapshot_enabled", "<is> True"}}));
  EXPECT_TRUE(consistent_specs({{"consistent_group_snapshot_enabled", " <is>  true "}}));
  EXPECT_FALSE(consistent_specs({{"consistent_group_snapshot_enabled", "True"}}));
  EXPECT_FALSE(consistent_specs({{"consistent_group_snapshot_enabled", "<is> False"}}));
  EXPECT_FALSE(consistent_specs({{"consistent_group_snapshot_enabled", "<is> Truest"}}));
  EXPECT_FALSE(consistent_specs({}));
}

TEST_F(Groups, GenericGroupsOfANonConsistentTypeAreLeftToTheHost) {
  const Group generic{kGroup, "gt2", {{"other", "x"}}, "proj1"};
  const GroupSnapshot generic_gs{kGs, kGroup, "gt2", {}, "proj1"};
  const auto k = GroupFlavor::kGeneric;
  const std::vector<Error> errors = {
      error_of([&] { h.driver->create_group(ctx, generic, k); }),
      error_of([&] { h.driver->update_group(ctx, generic, {}, {}, k); }),
      error_of([&] { h.driver->delete_group(ctx, generic, {make_volume(kVolA)}, k); }),
      error_of([&] { h.driver->create_group_snapshot(ctx, generic_gs, {}, k); }),
      error_of([&] { h.driver->delete_group_snapshot(ctx, generic_gs, {}, k); }),
      error_of([&] { h.driver->create_group_from_src(ctx, generic, {make_volume(kNewA)}, GroupSource{}, k); }),
  };
  for (const Error& e : errors) {
    EXPECT_EQ(e.code(), ErrorCode::kNotSupported) << e.message();
    EXPECT_NE(e.message().find("generic"), std::string::npos) << e.message();
  }
  EXPECT_EQ(h.transport->total(), 0u);
}

TEST_F(Groups, ConsistencyGroupsAreAlwaysServedAndCreateIsModelOnly) {
  const GroupResult r = h.driver->create_group(ctx, Group{kGroup, "", {}, "proj1"}, GroupFlavor::kConsistencyGroup);
  EXPECT_EQ(r.status, "available");
  EXPECT_TRUE(r.members.empty());
  EXPECT_EQ(h.driver->create_group(ctx, group(), GroupFlavor::kGeneric).status, "available");
  EXPECT_EQ(h.transport->total(), 0u);
}

TEST_F(Groups, CreateGroupSnapshotIsThreeRpcsAndReturnsMemberProviderIds) {
  const auto snaps = two_members();
  const GroupResult r = h.driver->create_group_snapshot(ctx, gsnap(), snaps, GroupFlavor::kGeneric);
  EXPECT_EQ(h.transport->methods(),
            (std::vector<std::string>{"ListVolumes", "ListGroupSnapshots", "CreateGroupSnapshot"}));
  EXPECT_EQ(int_list(of("ListVolumes").at(0).params["volumeIDs"]), (std::vector<int64_t>{va, vb}));
  EXPECT_EQ(int_list(of("ListGroupSnapshots").at(0).params["volumes"]), (std::vector<int64_t>{va, vb}));
  const auto create = of("CreateGroupSnapshot").at(0);
  EXPECT_EQ(create.params.view().string("name"), "UUID-" + kGs);
  EXPECT_EQ(create.params.view()["attributes"].string("uuid"), kGs);
  EXPECT_EQ(int_list(create.params["volumes"]), (std::vector<int64_t>{va, vb}));

  const auto gs = h.transport->cluster.group_snapshots();
  ASSERT_EQ(gs.size(), 1u);
  EXPECT_EQ(r.status, "available");
  ASSERT_EQ(r.members.size(), 2u);
  EXPECT_EQ(r.members[0].id, "s-a");
  EXPECT_EQ(r.members[0].status, "available");
  EXPECT_EQ(r.members[0].model.provider_id,
            std::to_string(gs[0].members[0].second) + " " + std::to_string(va) + " " + h.transport->cluster.uuid);
  EXPECT_EQ(r.members[1].model.provider_id,
            std::to_string(gs[0].members[1].second) + " " + std::to_string(vb) + " " + h.transport->cluster.uuid);
}

TEST_F(Groups, MembersAreFoundByIdentityNeverByNameSubstring) {
  const int64_t decoy = seed("zzzz");  // another volume's uuid, reached by a stale provider_id
  FakeCluster::Vol lookalike;          // a name that contains the id: never a match
  lookalike.account = account;
  lookalike.name = "UUID-" + kVolA + "-tmp";
  h.transport->cluster.add_volume(lookalike);
  const int64_t real = seed(kVolA);
  Volume parent = vol(kVolA, decoy);
  h.driver->create_group_snapshot(ctx, gsnap(), {member("s-a", parent)}, GroupFlavor::kGeneric);
  EXPECT_EQ(int_list(of("CreateGroupSnapshot").at(0).params["volumes"]), (std::vector<int64_t>{real}));
  EXPECT_EQ(h.transport->count("ListVolumesForAccount"), 1) << "the stale provider_id falls back to the account";
}

TEST_F(Groups, MissingMemberIsNotFoundAndNothingIsCreated) {
  auto snaps = two_members();
  Volume gone = make_volume("ffffffff-0000-4000-8000-ffffffffffff");
  snaps[1] = member("s-b", gone);
  const Error e = error_of([&] { h.driver->create_group_snapshot(ctx, gsnap(), snaps, GroupFlavor::kGeneric); });
  EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  EXPECT_EQ(e.field(), "snapshots[1]");
  EXPECT_EQ(h.transport->count("CreateGroupSnapshot"), 0);
}

TEST_F(Groups, RepeatedCreateReturnsTheSameGroupSnapshot) {
  const auto snaps = two_members();
  const GroupResult first = h.driver->create_group_snapshot(ctx, gsnap(), snaps, GroupFlavor::kGeneric);
  h.transport->clear();
  const GroupResult again = h.driver->create_group_snapshot(ctx, gsnap(), snaps, GroupFlavor::kConsistencyGroup);
  EXPECT_EQ(h.transport->methods(), (std::vector<std::string>{"ListVolumes", "ListGroupSnapshots"}));
  EXPECT_EQ(h.transport->cluster.group_snapshots().size(), 1u);
  EXPECT_EQ(again.members[1].model.provider_id, first.members[1].model.provider_id);
}

TEST_F(Groups, LostCreateAnswerIsLookedUpNeverDuplicated) {
  const auto snaps = two_members();
  h.transport->expect("CreateGroupSnapshot", [&](const Request& r) -> HttpResponse {
    h.transport->cluster.handle(r);  // committed, answer lost
    throw TransportError(TransportError::Kind::kTimeout, "read timed out");
  });
  const GroupResult r = h.driver->create_group_snapshot(ctx, gsnap(), snaps, GroupFlavor::kGeneric);
  EXPECT_EQ(h.transport->count("CreateGroupSnapshot"), 1);
  EXPECT_EQ(h.transport->cluster.group_snapshots().size(), 1u);
  EXPECT_TRUE(r.members[0].model.provider_id.has_value());
}

TEST_F(Groups, LostCreateThatDidNotCommitIsSentAgain) {
  const auto snaps = two_members();
  h.transport->expect_throw("CreateGroupSnapshot", TransportError::Kind::kTimeout);
  h.driver->create_group_snapshot(ctx, gsnap(), snaps, GroupFlavor::kGeneric);
  EXPECT_EQ(h.transport->count("CreateGroupSnapshot"), 2);
  EXPECT_EQ(h.transport->cluster.group_snapshots().size(), 1u);
}

TEST_F(Groups, SnapshotLimitIsResourceExhausted) {
  const auto snaps = two_members();
  repeat("CreateGroupSnapshot", 5, [](const Request&) {
    return element_error("xMaxSnapshotsPerVolumeExceeded", "Exceeded max number of snapshots per volume.");
  });
  const Error e = error_of([&] { h.driver->create_group_snapshot(ctx, gsnap(), snaps, GroupFlavor::kGeneric); });
  EXPECT_EQ(e.code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(e.backend_error(), "xMaxSnapshotsPerVolumeExceeded");
  EXPECT_TRUE(h.transport->cluster.group_snapshots().empty());
}

TEST_F(Groups, MoreThan32VolumesIsRefusedBeforeCreating) {
  std::vector<Snapshot> snaps;
  for (int i = 0; i < 33; ++i) {
    const std::string uuid = "10000000-0000-4000-8000-0000000000" + std::to_string(10 + i);
    snaps.push_back(member("s" + std::to_string(i), vol(uuid, seed(uuid))));
  }
  const Error e = error_of([&] { h.driver->create_group_snapshot(ctx, gsnap(), snaps, GroupFlavor::kGeneric); });
  EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(e.field(), "snapshots");
  EXPECT_EQ(h.transport->methods(), (std::vector<std::string>{"ListVolumes"})) << "one lookup for all 33";
}

TEST_F(Groups, CreateWithoutMembersIsInvalid) {
  const Error e = error_of([&] { h.driver->create_group_snapshot(ctx, gsnap(), {}, GroupFlavor::kGeneric); });
  EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(e.field(), "snapshots");
}

TEST_F(Groups, DeleteGroupSnapshotDropsMembersAndIsIdempotent) {
  auto snaps = two_members();
  const GroupResult made = h.driver->create_group_snapshot(ctx, gsnap(), snaps, GroupFlavor::kGeneric);
  for (size_t i = 0; i < snaps.size(); ++i) snaps[i].provider_id = made.members[i].model.provider_id;
  h.transport->clear();
  const GroupResult r = h.driver->delete_group_snapshot(ctx, gsnap(), snaps, GroupFlavor::kGeneric);
  EXPECT_EQ(h.transport->methods(), (std::vector<std::string>{"ListGroupSnapshots", "DeleteGroupSnapshot"}));
  EXPECT_EQ(of("DeleteGroupSnapshot").at(0).params.view().boolean("saveMembers"), false);
  EXPECT_TRUE(h.transport->cluster.group_snapshots().empty());
  EXPECT_EQ(r.status, "deleted");
  ASSERT_EQ(r.members.size(), 2u);
  EXPECT_EQ(r.members[1].id, "s-b");
  EXPECT_EQ(r.members[1].status, "deleted");
  h.transport->clear();
  EXPECT_NO_THROW(h.driver->delete_group_snapshot(ctx, gsnap(), snaps, GroupFlavor::kGeneric));
  EXPECT_EQ(h.transport->methods(), (std::vector<std::string>{"ListGroupSnapshots"}));
}

TEST_F(Groups, DeleteGroupSnapshotRacesAndLostAnswers) {
  const auto snaps = two_members();
  h.driver->create_group_snapshot(ctx, gsnap(), snaps, GroupFlavor::kGeneric);
  // Lost answer after the commit: sent again, which meets "does not exist": done.
  h.transport->expect("DeleteGroupSnapshot", [&](const Request& r) -> HttpResponse {
    h.transport->cluster.handle(r);
    throw TransportError(TransportError::Kind::kTimeout, "read timed out");
  });
  EXPECT_NO_THROW(h.driver->delete_group_snapshot(ctx, gsnap(), snaps, GroupFlavor::kGeneric));
  EXPECT_EQ(h.transport->count("DeleteGroupSnapshot"), 2);
  EXPECT_TRUE(h.transport->cluster.group_snapshots().empty());
}

TEST_F(Groups, DeleteGroupSnapshotOfAnotherCinderIdIsLeftAlone) {
  const auto snaps = two_members();
  h.driver->create_group_snapshot(ctx, gsnap(), snaps, GroupFlavor::kGeneric);
  GroupSnapshot other = gsnap();
  other.id = "77777777-0000-4000-8000-000000000001";
  h.driver->delete_group_snapshot(ctx, other, snaps, GroupFlavor::kGeneric);
  EXPECT_EQ(h.transport->cluster.group_snapshots().size(), 1u);
}

TEST_F(Groups, DeleteGroupDeletesEveryMemberWithAStatusEach) {
  const int64_t a = seed(kVolA);
  const int64_t b = seed(kVolB);
  const int64_t c = seed(kVolC);
  h.transport->expect("DeleteVolume", [&](const Request& r) { return h.transport->cluster.handle(r); });
  h.transport->expect_reply("DeleteVolume", element_error("xVolumeBusy", "volume is busy"));
  const std::vector<Volume> members = {vol(kVolA, a), vol(kVolB, b), vol(kVolC, c),
                                       make_volume("ffffffff-0000-4000-8000-ffffffffffff")};
  const GroupResult r = h.driver->delete_group(ctx, group(), members, GroupFlavor::kGeneric);
  EXPECT_EQ(r.status, "error_deleting");
  ASSERT_EQ(r.members.size(), 4u);
  EXPECT_EQ(r.members[0].status, "deleted");
  EXPECT_EQ(r.members[1].status, "error_deleting");
  EXPECT_EQ(r.members[2].status, "deleted") << "a failing member does not stop the others";
  EXPECT_EQ(r.members[3].status, "deleted") << "a volume already gone is deleted";
  EXPECT_FALSE(h.transport->cluster.volume(a));
  EXPECT_TRUE(h.transport->cluster.volume(b));
  EXPECT_FALSE(h.transport->cluster.volume(c));
}

TEST_F(Groups, DeleteGroupWithAMemberWithoutIdDeletesNothing) {
  const int64_t a = seed(kVolA);
  Volume no_id = make_volume(kVolB);
  no_id.id.clear();
  const Error e = error_of([&] { h.driver->delete_group(ctx, group(), {vol(kVolA, a), no_id}, GroupFlavor::kGeneric); });
  EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(e.message().find("volumes[1].id"), std::string::npos) << e.message();
  EXPECT_EQ(h.transport->count("DeleteVolume"), 0);
  EXPECT_TRUE(h.transport->cluster.volume(a));
}

TEST_F(Groups, DeleteGroupEndsOnTimeoutAndCancellation) {
  const int64_t a = seed(kVolA);
  ctx.set_deadline_in(std::chrono::milliseconds(0));
  EXPECT_EQ(error_of([&] { h.driver->delete_group(ctx, group(), {vol(kVolA, a)}, GroupFlavor::kGeneric); }).code(),
            ErrorCode::kTimeout);
  EXPECT_TRUE(h.transport->cluster.volume(a));
}

TEST_F(Groups, UpdateGroupVerifiesAddedVolumesWithOneRpc) {
  const int64_t a = seed(kVolA);
  const int64_t b = seed(kVolB);
  h.driver->update_group(ctx, group(), {vol(kVolA, a), vol(kVolB, b)}, {make_volume(kVolC)}, GroupFlavor::kGeneric);
  EXPECT_EQ(h.transport->methods(), (std::vector<std::string>{"ListVolumes"}));
  h.transport->clear();
  h.driver->update_group(ctx, group(), {}, {make_volume(kVolC)}, GroupFlavor::kGeneric);
  EXPECT_EQ(h.transport->total(), 0u) << "removing is model-only";
  const Error e = error_of([&] {
    h.driver->update_group(ctx, group(), {vol(kVolA, a), make_volume(kVolC)}, {}, GroupFlavor::kGeneric);
  });
  EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  EXPECT_EQ(e.field(), "add_volumes[1]");
}

TEST_F(Groups, FromGroupSnapshotClonesEachMemberPairedBySnapshotId) {
  auto snaps = two_members();
  const GroupResult made = h.driver->create_group_snapshot(ctx, gsnap(), snaps, GroupFlavor::kGeneric);
  for (size_t i = 0; i < snaps.size(); ++i) snaps[i].provider_id = made.members[i].model.provider_id;
  const auto gs = h.transport->cluster.group_snapshots().at(0);
  Volume new_b = new_volume(kNewB, 20);
  new_b.snapshot_id = "s-b";
  Volume new_a = new_volume(kNewA, 10);
  new_a.snapshot_id = "s-a";
  GroupSource src;
  src.group_snapshot = gsnap();
  src.snapshots = snaps;
  serve_clone();
  serve_async(1);
  serve_clone(502);
  serve_async(0);
  h.transport->clear();
  const GroupResult r =
      h.driver->create_group_from_src(ctx, group(kNewGroup), {new_b, new_a}, src, GroupFlavor::kGeneric);
  const auto clones = of("CloneVolume");
  ASSERT_EQ(clones.size(), 2u);
  // Both clones start before the first is waited for: the cluster copies them at the same time.
  const auto methods = h.transport->methods();
  const auto last_clone_call = std::find(methods.rbegin(), methods.rend(), "CloneVolume").base() - methods.begin();
  const auto first_wait = std::find(methods.begin(), methods.end(), "GetAsyncResult") - methods.begin();
  EXPECT_LT(last_clone_call, first_wait + 1) << "the second clone started after the first was waited for";
  EXPECT_EQ(clones[0].params.view().int64("volumeID"), vb);
  EXPECT_EQ(clones[0].params.view().int64("snapshotID"), gs.members[1].second);
  EXPECT_EQ(clones[0].params.view().string("name"), "UUID-" + kNewB);
  EXPECT_EQ(clones[1].params.view().int64("snapshotID"), gs.members[0].second);
  EXPECT_EQ(h.transport->count("ListGroupSnapshots"), 1);
  EXPECT_EQ(h.transport->count("ListVolumes"), 2) << "no lookup of the sources: one name check per new volume";
  EXPECT_EQ(r.status, "available");
  ASSERT_EQ(r.members.size(), 2u);
  EXPECT_EQ(r.members[0].id, kNewB);
  EXPECT_EQ(r.members[0].status, "available");
  EXPECT_TRUE(r.members[0].model.provider_location.has_value());
  EXPECT_EQ(r.members[1].model.provider_id.value_or("").substr(0, std::to_string(last_clone).size()),
            std::to_string(last_clone));
}

TEST_F(Groups, FromAMissingGroupSnapshotIsNotFound) {
  auto snaps = two_members();
  GroupSource src;
  src.group_snapshot = gsnap();
  src.snapshots = snaps;
  const Error e = error_of([&] { make_two(src); });
  EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  EXPECT_EQ(e.field(), "group_snapshot");
  EXPECT_EQ(h.transport->count("CloneVolume"), 0);
}

TEST_F(Groups, FromSourceGroupUsesATemporaryGroupSnapshotAndRemovesIt) {
  const GroupSource src = from_source_group();
  Volume new_a = new_volume(kNewA, 10);
  new_a.source_volid = kVolA;
  serve_clone();
  serve_async(0);
  serve_clone(502);
  serve_async(0);
  const GroupResult r = h.driver->create_group_from_src(ctx, group(kNewGroup), {new_a, new_volume(kNewB, 20)}, src,
                                                        GroupFlavor::kConsistencyGroup);
  const auto create = of("CreateGroupSnapshot");
  ASSERT_EQ(create.size(), 1u);
  EXPECT_EQ(create[0].params.view().string("name"), "UUID-" + kNewGroup + "-tmp");
  EXPECT_EQ(of("CloneVolume").at(0).params.view().int64("volumeID"), va);
  EXPECT_EQ(of("CloneVolume").at(1).params.view().int64("volumeID"), vb);
  EXPECT_EQ(h.transport->count("DeleteGroupSnapshot"), 1);
  EXPECT_TRUE(h.transport->cluster.group_snapshots().empty()) << "the temporary group snapshot is gone";
  EXPECT_EQ(r.members.size(), 2u);
}

TEST_F(Groups, AFailedCloneRemovesTheClonesAlreadyMadeAndTheTemporarySnapshot) {
  const GroupSource src = from_source_group();
  serve_clone();
  serve_async(0);
  serve_clone(502);
  serve_async(1, /*fail=*/true);
  const Error e = error_of([&] { make_two(src); });
  EXPECT_EQ(e.code(), ErrorCode::kBackend);
  EXPECT_EQ(e.backend_error(), "xCloneFailed");
  EXPECT_NE(e.message().find("clones already made were deleted and purged"), std::string::npos) << e.message();
  EXPECT_EQ(h.transport->count("PurgeDeletedVolume"), 2);
  EXPECT_EQ(h.transport->cluster.volumes().size(), 2u) << "only the sources remain";
  EXPECT_TRUE(h.transport->cluster.group_snapshots().empty());
}

TEST_F(Groups, ACancelledCloneLeavesNothingBehind) {
  const GroupSource src = from_source_group();
  serve_clone();
  serve_async(0);
  serve_clone(502);
  // The host cancels while the second clone is copying.
  h.transport->expect("GetAsyncResult", [&](const Request&) {
    ctx.cancel_after_polls = ctx.polls;
    return ok(R"({"status":"running","resultType":"Clone"})");
  });
  const Error e = error_of([&] { make_two(src); });
  EXPECT_EQ(e.code(), ErrorCode::kCancelled);
  EXPECT_EQ(h.transport->count("CloneVolume"), 2);
  EXPECT_EQ(h.transport->cluster.volumes().size(), 2u) << "both clones were removed";
  EXPECT_TRUE(h.transport->cluster.group_snapshots().empty());
}

TEST_F(Groups, ARepeatAfterALostAnswerAdoptsTheClonesAndTheTemporarySnapshot) {
  const GroupSource src = from_source_group();
  // A first attempt died after the temporary group snapshot and the first clone were made.
  Request tmp;
  tmp.method = "CreateGroupSnapshot";
  tmp.params = *Json::parse(R"({"name":"UUID-)" + kNewGroup + R"(-tmp","volumes":[)" + std::to_string(va) + "," +
                            std::to_string(vb) + R"(],"attributes":{"uuid":")" + kNewGroup + R"("}})");
  h.transport->cluster.handle(tmp);
  FakeCluster::Vol made;
  made.account = account;
  made.name = "UUID-" + kNewA;
  made.uuid = kNewA;
  const int64_t adopted = h.transport->cluster.add_volume(made);
  serve_clone(502);
  serve_async(0);
  const GroupResult r = make_two(src);
  EXPECT_EQ(h.transport->count("CreateGroupSnapshot"), 0);
  EXPECT_EQ(h.transport->count("CloneVolume"), 1);
  EXPECT_EQ(r.members[0].model.provider_id.value_or("").rfind(std::to_string(adopted) + " ", 0), 0u);
  EXPECT_TRUE(h.transport->cluster.group_snapshots().empty());
}

TEST_F(Groups, FromSrcRequestsAreCheckedBeforeAnything) {
  two_members();
  GroupSource both;
  both.group_snapshot = gsnap();
  both.source_group = group();
  EXPECT_EQ(error_of([&] {
              h.driver->create_group_from_src(ctx, group(kNewGroup), {new_volume(kNewA, 10)}, both,
                                              GroupFlavor::kGeneric);
            }).field(),
            "group_snapshot");
  GroupSource src;
  src.source_group = group();
  src.source_volumes = {vol(kVolA, va)};
  Volume unpaired = new_volume(kNewA, 10);
  unpaired.source_volid = "nobody";
  EXPECT_EQ(error_of([&] {
              h.driver->create_group_from_src(ctx, group(kNewGroup), {unpaired}, src, GroupFlavor::kGeneric);
            }).field(),
            "volumes[0].source_volid");
  EXPECT_EQ(error_of([&] {
              h.driver->create_group_from_src(ctx, group(kNewGroup), {new_volume(kNewA, 5)}, src,
                                              GroupFlavor::kGeneric);
            }).field(),
            "volumes[0].size");
  EXPECT_EQ(h.transport->count("CloneVolume"), 0);
}

TEST_F(Groups, AMemberSnapshotIsFoundUnderItsGroupSnapshotsName) {
  auto snaps = two_members();
  const GroupResult made = h.driver->create_group_snapshot(ctx, gsnap(), snaps, GroupFlavor::kGeneric);
  const auto gs = h.transport->cluster.group_snapshots().at(0);
  Snapshot s = snaps[0];
  s.provider_id = made.members[0].model.provider_id;
  h.transport->expect_reply("ListSnapshots", snapshots_reply({snapshot_json(gs.members[0].second, va, "UUID-" + kGs)}));
  serve_clone();
  serve_async(0);
  h.driver->create_volume_from_snapshot(ctx, new_volume(kNewA, 10), s);
  EXPECT_EQ(of("CloneVolume").at(0).params.view().int64("snapshotID"), gs.members[0].second);
}

}  // namespace
}  // namespace sftest
