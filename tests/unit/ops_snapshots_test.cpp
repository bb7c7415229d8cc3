// create_snapshot, delete_snapshot and revert_to_snapshot on the fake cluster: exact RPC sequences,
// idempotency, lost answers, the snapshot limit and the Cinder 2.0.6 "delete a volume instead" trap.
#include "volume_fixture.h"

namespace sftest {
namespace {

using Snapshots = DataFixture;

Snapshot snap_of(const Volume& parent, const std::string& project = "proj1") {
  Snapshot s;
  s.id = kSnap;
  s.volume_id = parent.id;
  s.volume_size_gib = parent.size_gib;
  s.project_id = project;
  s.volume = parent;
  return s;
}

TEST_F(Snapshots, CreateIsThreeRpcsWithNameAndProviderId) {
  const int64_t vid = seed(kVolA);
  h.transport->expect_reply("ListSnapshots", snapshots_reply({}));
  h.transport->expect("CreateSnapshot", [](const Request&) { return ok(R"({"snapshotID":77,"checksum":"0x0"})"); });
  const ModelUpdate m = h.driver->create_snapshot(ctx, snap_of(vol(kVolA, vid)));
  EXPECT_EQ(h.transport->methods(), (std::vector<std::string>{"ListVolumes", "ListSnapshots", "CreateSnapshot"}));
  const auto create = of("CreateSnapshot").at(0);
  EXPECT_EQ(create.version, "8.0");
  EXPECT_EQ(create.params.view().int64("volumeID"), vid);
  EXPECT_EQ(create.params.view().string("name"), "UUID-" + kSnap);
  EXPECT_EQ(create.params.view()["attributes"].string("uuid"), kSnap);
  EXPECT_EQ(of("ListVolumes").at(0).params.view().int64("startVolumeID"), vid);
  EXPECT_EQ(of("ListSnapshots").at(0).params.view().int64("volumeID"), vid);
  ASSERT_TRUE(m.provider_id);
  EXPECT_EQ(*m.provider_id, "77 " + std::to_string(vid) + " " + h.transport->cluster.uuid);
  EXPECT_FALSE(m.provider_location);
}

TEST_F(Snapshots, SourceFoundThroughTheSnapshotsVolumeNotTheSnapshotsProject) {
  const int64_t vid = seed(kVolA);
  h.transport->expect_reply("ListSnapshots", snapshots_reply({}));
  h.transport->expect("CreateSnapshot", [](const Request&) { return ok(R"({"snapshotID":5})"); });
  // An admin's snapshot of a tenant's volume: the snapshot's project has no account at all.
  h.driver->create_snapshot(ctx, snap_of(vol(kVolA, vid), "admin-project"));
  EXPECT_EQ(h.transport->count("GetAccountByName"), 0);
  EXPECT_EQ(of("CreateSnapshot").at(0).params.view().int64("volumeID"), vid);
}

TEST_F(Snapshots, CreateFallsBackToUuidInTheVolumesAccounts) {
  const int64_t vid = seed(kVolA);
  Volume parent = make_volume(kVolA, 10, "proj1");  // no provider_id
  h.transport->expect_reply("ListSnapshots", snapshots_reply({}));
  h.transport->expect("CreateSnapshot", [](const Request&) { return ok(R"({"snapshotID":5})"); });
  h.driver->create_snapshot(ctx, snap_of(parent));
  EXPECT_EQ(h.transport->methods(), (std::vector<std::string>{"GetAccountByName", "ListVolumesForAccount",
                                                               "ListSnapshots", "CreateSnapshot"}));
  EXPECT_EQ(of("CreateSnapshot").at(0).params.view().int64("volumeID"), vid);
}

TEST_F(Snapshots, RepeatReturnsTheExistingSnapshotWithoutCreating) {
  const int64_t vid = seed(kVolA);
  h.transport->expect_reply("ListSnapshots", snapshots_reply({snapshot_json(40, vid, "other"),
                                                              snapshot_json(41, vid, "UUID-" + kSnap)}));
  const ModelUpdate m = h.driver->create_snapshot(ctx, snap_of(vol(kVolA, vid)));
  EXPECT_EQ(h.transport->count("CreateSnapshot"), 0);
  EXPECT_EQ(*m.provider_id, "41 " + std::to_string(vid) + " " + h.transport->cluster.uuid);
}

TEST_F(Snapshots, LostCreateAnswerIsLookedUpNeverDuplicated) {
  const int64_t vid = seed(kVolA);
  h.transport->expect_reply("ListSnapshots", snapshots_reply({}));
  h.transport->expect_throw("CreateSnapshot", TransportError::Kind::kTimeout);  // committed, answer lost
  h.transport->expect_reply("ListSnapshots", snapshots_reply({snapshot_json(9, vid, "UUID-" + kSnap)}));
  const ModelUpdate m = h.driver->create_snapshot(ctx, snap_of(vol(kVolA, vid)));
  EXPECT_EQ(h.transport->count("CreateSnapshot"), 1);
  EXPECT_EQ(*m.provider_id, "9 " + std::to_string(vid) + " " + h.transport->cluster.uuid);
}

TEST_F(Snapshots, LostCreateAnswerThatDidNotCommitIsSentAgain) {
  const int64_t vid = seed(kVolA);
  h.transport->expect_reply("ListSnapshots", snapshots_reply({}));
  h.transport->expect_throw("CreateSnapshot", TransportError::Kind::kReset);
  h.transport->expect_reply("ListSnapshots", snapshots_reply({}));
  h.transport->expect("CreateSnapshot", [](const Request&) { return ok(R"({"snapshotID":12})"); });
  const ModelUpdate m = h.driver->create_snapshot(ctx, snap_of(vol(kVolA, vid)));
  EXPECT_EQ(h.transport->count("CreateSnapshot"), 2);
  EXPECT_EQ(*m.provider_id, "12 " + std::to_string(vid) + " " + h.transport->cluster.uuid);
}

TEST_F(Snapshots, SnapshotLimitIsResourceExhaustedAfterRetries) {
  const int64_t vid = seed(kVolA);
  h.transport->expect_reply("ListSnapshots", snapshots_reply({}));
  repeat("CreateSnapshot", 5, [](const Request&) {
    return element_error("xMaxSnapshotsPerVolumeExceeded", "Exceeded max number of snapshots per volume.");
  });
  const Error e = error_of([&] { h.driver->create_snapshot(ctx, snap_of(vol(kVolA, vid))); });
  EXPECT_EQ(e.code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(e.backend_error(), "xMaxSnapshotsPerVolumeExceeded");
  EXPECT_NE(e.message().find("maximum number of snapshots"), std::string::npos) << e.message();
  EXPECT_NE(e.message().find("delete snapshots"), std::string::npos) << e.message();
  EXPECT_EQ(h.transport->count("CreateSnapshot"), 5) << "retried like Cinder before giving up";
}

TEST_F(Snapshots, CreateOnMissingVolumeIsNotFound) {
  const Error e = error_of([&] { h.driver->create_snapshot(ctx, snap_of(vol(kVolA, 4242))); });
  EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  EXPECT_EQ(e.field(), "snapshot.volume");
  EXPECT_EQ(h.transport->count("CreateSnapshot"), 0);
}

TEST_F(Snapshots, DeleteByProviderIdIsTwoRpcs) {
  const int64_t vid = seed(kVolA);
  Snapshot s = snap_of(vol(kVolA, vid));
  s.provider_id = "77 " + std::to_string(vid) + " " + h.transport->cluster.uuid;
  h.transport->expect_reply("ListSnapshots", snapshots_reply({snapshot_json(77, vid, "UUID-" + kSnap)}));
  h.transport->expect_reply("DeleteSnapshot", ok("{}"));
  h.driver->delete_snapshot(ctx, s);
  EXPECT_EQ(h.transport->methods(), (std::vector<std::string>{"ListSnapshots", "DeleteSnapshot"}));
  const Request list_req = of("ListSnapshots").at(0);
  const auto list = list_req.params.view();
  EXPECT_EQ(list.int64("snapshotID"), 77);
  EXPECT_EQ(list.int64("volumeID"), vid);
  EXPECT_EQ(of("DeleteSnapshot").at(0).params.view().int64("snapshotID"), 77);
}

TEST_F(Snapshots, DeleteOfAMissingSnapshotSucceedsAndNeverDeletesAVolume) {
  const int64_t vid = seed(kVolA);
  Snapshot s = snap_of(vol(kVolA, vid));
  s.provider_id = "77 " + std::to_string(vid) + " " + h.transport->cluster.uuid;
  h.transport->expect_reply("ListSnapshots", snapshots_reply({}));
  h.transport->expect_reply("ListSnapshots", snapshots_reply({}));
  h.driver->delete_snapshot(ctx, s);
  EXPECT_EQ(h.transport->count("DeleteSnapshot"), 0);
  EXPECT_EQ(h.transport->count("DeleteVolume"), 0);
  EXPECT_EQ(h.transport->count("PurgeDeletedVolume"), 0);
  EXPECT_TRUE(h.transport->cluster.volume(vid).has_value());
  EXPECT_EQ(h.transport->cluster.volume(vid)->status, "active");
}

TEST_F(Snapshots, DeleteNeverTouchesASnapshotWithAnotherName) {
  const int64_t vid = seed(kVolA);
  Snapshot s = snap_of(vol(kVolA, vid));
  s.provider_id = "77 " + std::to_string(vid) + " " + h.transport->cluster.uuid;
  h.transport->expect_reply("ListSnapshots", snapshots_reply({snapshot_json(77, vid, "someone-else")}));
  h.transport->expect_reply("ListSnapshots", snapshots_reply({snapshot_json(77, vid, "someone-else"),
                                                              snapshot_json(80, vid, "UUID-" + kSnap)}));
  h.transport->expect_reply("DeleteSnapshot", ok("{}"));
  h.driver->delete_snapshot(ctx, s);
  ASSERT_EQ(of("DeleteSnapshot").size(), 1u);
  EXPECT_EQ(of("DeleteSnapshot").at(0).params.view().int64("snapshotID"), 80);
}

TEST_F(Snapshots, DeleteRaceWithAnotherDeleteIsSuccess) {
  const int64_t vid = seed(kVolA);
  Snapshot s = snap_of(vol(kVolA, vid));
  s.provider_id = "77 " + std::to_string(vid) + " " + h.transport->cluster.uuid;
  h.transport->expect_reply("ListSnapshots", snapshots_reply({snapshot_json(77, vid, "UUID-" + kSnap)}));
  h.transport->expect_reply("DeleteSnapshot", element_error("xSnapshotIDDoesNotExist"));
  EXPECT_NO_THROW(h.driver->delete_snapshot(ctx, s));
}

TEST_F(Snapshots, RevertRollsBackWithoutSavingCurrentState) {
  const int64_t vid = seed(kVolA);
  Snapshot s = snap_of(vol(kVolA, vid));
  s.provider_id = "77 " + std::to_string(vid) + " " + h.transport->cluster.uuid;
  h.transport->expect_reply("ListSnapshots", snapshots_reply({snapshot_json(77, vid, "UUID-" + kSnap)}));
  h.transport->expect_reply("RollbackToSnapshot", ok(R"({"checksum":"0x0","snapshotID":null})"));
  h.driver->revert_to_snapshot(ctx, vol(kVolA, vid), s);
  EXPECT_EQ(h.transport->methods(), (std::vector<std::string>{"ListVolumes", "ListSnapshots", "RollbackToSnapshot"}));
  const Request p_req = of("RollbackToSnapshot").at(0);
  const auto p = p_req.params.view();
  EXPECT_EQ(p.int64("volumeID"), vid);
  EXPECT_EQ(p.int64("snapshotID"), 77);
  ASSERT_TRUE(p["saveCurrentState"].raw() != nullptr);
  EXPECT_TRUE(cJSON_IsFalse(p["saveCurrentState"].raw())) << "a real boolean false, not a string";
}

TEST_F(Snapshots, RevertToASnapshotOfAnotherVolumeIsNotFound) {
  const int64_t vid = seed(kVolA);
  const int64_t other = seed(kVolB);
  Snapshot s = snap_of(vol(kVolB, other));
  s.provider_id = "77 " + std::to_string(other) + " " + h.transport->cluster.uuid;
  h.transport->expect_reply("ListSnapshots", snapshots_reply({snapshot_json(77, other, "UUID-" + kSnap)}));
  h.transport->expect_reply("ListSnapshots", snapshots_reply({}));
  const Error e = error_of([&] { h.driver->revert_to_snapshot(ctx, vol(kVolA, vid), s); });
  EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  EXPECT_EQ(e.field(), "snapshot");
  EXPECT_EQ(h.transport->count("RollbackToSnapshot"), 0);
}

TEST_F(Snapshots, RevertOfAMissingVolumeIsNotFound) {
  const Error e = error_of([&] { h.driver->revert_to_snapshot(ctx, vol(kVolA, 999), snap_of(vol(kVolA, 999))); });
  EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  EXPECT_EQ(e.field(), "volume");
}

}  // namespace
}  // namespace sftest

namespace sftest {
namespace {

TEST_F(Snapshots, VolumeInTheSecondaryAccountIsFoundWithoutProviderId) {
  const int64_t secondary = h.transport->cluster.add_account("proj1_");
  const int64_t vid = seed(kVolA, 10, secondary);
  Snapshot s;
  s.id = kSnap;
  s.volume_id = kVolA;
  s.project_id = "proj1";  // no volume object, no provider_id: by uuid in proj1 then proj1_
  h.transport->expect_reply("ListSnapshots", snapshots_reply({}));
  h.transport->expect("CreateSnapshot", [](const Request&) { return ok(R"({"snapshotID":3})"); });
  const ModelUpdate m = h.driver->create_snapshot(ctx, s);
  EXPECT_EQ(of("CreateSnapshot").at(0).params.view().int64("volumeID"), vid);
  EXPECT_EQ(*m.provider_id, "3 " + std::to_string(vid) + " " + h.transport->cluster.uuid);
  EXPECT_EQ(h.transport->count("ListVolumesForAccount"), 2);
}

// "UUID-" + a 253-character id exceeds Element's 255-character snapshot names: refused naming the field.
TEST_F(Snapshots, TooLongIdNamesTheFieldBeforeAnyRpc) {
  const int64_t vid = seed(kVolA);
  h.transport->clear();
  Snapshot s = snap_of(vol(kVolA, vid));
  s.id = std::string(253, 's');
  try {
    h.driver->create_snapshot(ctx, s);
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(e.field(), "snapshot.id");
  }
  EXPECT_EQ(h.transport->total(), 0u);
  s.id = std::string(250, 's');  // "UUID-" + 250 = 255 fits
  h.transport->expect_reply("ListSnapshots", snapshots_reply({}));
  h.transport->expect("CreateSnapshot", [](const Request&) { return ok(R"({"snapshotID":78})"); });
  EXPECT_NO_THROW(h.driver->create_snapshot(ctx, s));
}

}  // namespace
}  // namespace sftest
