// create_cloned_volume and create_volume_from_snapshot on the fake cluster: exact RPC sequences, the
// new tenant's account, attributes, QoS, the async-handle wait (deadline, sf_volume_clone_timeout,
// cancellation, progress), the per-source lock, idempotency and "no orphan" on every failure.
#include "volume_fixture.h"

namespace sftest {
namespace {

const std::string kNew = "dddddddd-4444-4444-8444-dddddddddddd";

struct Clones : DataFixture {
  int64_t account2 = 0;
  void SetUp() override {
    DataFixture::SetUp();
    account2 = h.transport->cluster.add_account("proj2");
  }
  Volume new_volume(int64_t gib = 20) {
    Volume v = make_volume(kNew, gib, "proj2");
    v.volume_type = VolumeType{"t", "gold", {{"qos:minIOPS", "1000"}, {"qos:maxIOPS", "2000"},
                                             {"SFAttribute:tier", "gold"}}, {}};
    return v;
  }
  void expect_no_orphan() {
    EXPECT_EQ(h.transport->count("DeleteVolume"), 1);
    EXPECT_EQ(h.transport->count("PurgeDeletedVolume"), 1);
    EXPECT_FALSE(h.transport->cluster.volume(last_clone).has_value()) << "the unfinished clone is still there";
  }
};

TEST_F(Clones, CloneOfAVolumeRpcSequenceAttributesQosLockAndProgress) {
  const int64_t src = seed(kVolA, 10);
  serve_clone();
  h.transport->expect_reply("ModifyVolume", ok("{}"));  // QoS of the new type
  serve_async(2);
  h.transport->expect_reply("ModifyVolume", ok("{}"));  // cloned_count on the source
  const ModelUpdate m = h.driver->create_cloned_volume(ctx, new_volume(20), vol(kVolA, src));

  EXPECT_EQ(h.transport->methods(),
            (std::vector<std::string>{"ListVolumes", "GetAccountByName", "ListVolumes", "CloneVolume", "ModifyVolume",
                                      "GetAsyncResult", "GetAsyncResult", "GetAsyncResult", "ListVolumes",
                                      "ModifyVolume"}));
  const Request clone_req = of("CloneVolume").at(0);
  const auto clone = clone_req.params.view();
  EXPECT_EQ(clone.int64("volumeID"), src);
  EXPECT_EQ(clone.string("name"), "UUID-" + kNew);
  EXPECT_EQ(clone.int64("newAccountID"), account2) << "the NEW volume's tenant account";
  EXPECT_EQ(clone.int64("newSize"), int64_t{20} << 30);
  EXPECT_FALSE(clone.has("snapshotID"));
  EXPECT_EQ(clone["attributes"].string("uuid"), kNew);
  EXPECT_EQ(clone["attributes"].boolean("is_clone"), true);
  EXPECT_EQ(clone["attributes"].string("tier"), "gold");
  EXPECT_TRUE(clone["attributes"].has("created_at"));
  EXPECT_EQ(clone["attributes"].string("cinder-name"), "my volume");
  EXPECT_EQ(of("GetAccountByName").at(0).params.view().string("username"), "proj2");

  const Request qos_req = of("ModifyVolume").at(0);
  const auto qos = qos_req.params.view();
  EXPECT_EQ(qos.int64("volumeID"), last_clone);
  EXPECT_EQ(qos["qos"].int64("minIOPS"), 1000);
  EXPECT_EQ(qos["qos"].int64("maxIOPS"), 2000);
  EXPECT_EQ(qos["qos"].int64("burstIOPS"), 15000);
  const Request counted_req = of("ModifyVolume").at(1);
  const auto counted = counted_req.params.view();
  EXPECT_EQ(counted.int64("volumeID"), src);
  EXPECT_EQ(counted["attributes"].int64("cloned_count"), 1);
  EXPECT_EQ(counted["attributes"].string("uuid"), kVolA) << "the source keeps its other attributes";
  EXPECT_EQ(of("GetAsyncResult").at(0).params.view().int64("asyncHandle"), 501);

  ASSERT_EQ(ctx.locks, std::vector<std::string>{"solidfire-clone-" + std::to_string(src)});
  EXPECT_GE(ctx.progress_reports.size(), 2u);
  EXPECT_EQ(ctx.progress_reports.back().second, 600000u) << "total = sf_volume_clone_timeout in ms";
  for (auto s : h.clock->sleeps()) EXPECT_LE(s.count(), 100) << "cancellation is polled at least every 100 ms";
  ASSERT_TRUE(m.provider_id);
  EXPECT_EQ(*m.provider_id, std::to_string(last_clone) + " " + std::to_string(account2) + " " +
                                h.transport->cluster.uuid);
  EXPECT_NE(m.provider_location->find(".uuid-" + kNew + "." + std::to_string(last_clone)), std::string::npos);
}

TEST_F(Clones, CloneFromSnapshotUsesTheSnapshotAndItsSize) {
  const int64_t src = seed(kVolA, 10);
  Snapshot s;
  s.id = kSnap;
  s.volume_id = kVolA;
  s.project_id = "proj1";
  s.provider_id = "77 " + std::to_string(src) + " " + h.transport->cluster.uuid;
  h.transport->expect_reply("ListSnapshots", snapshots_reply({snapshot_json(77, src, "UUID-" + kSnap, int64_t{8} << 30)}));
  serve_clone();
  h.transport->expect_reply("ModifyVolume", ok("{}"));
  serve_async(0);
  Volume nv = new_volume(8);
  h.driver->create_volume_from_snapshot(ctx, nv, s);
  EXPECT_EQ(h.transport->methods(), (std::vector<std::string>{"ListSnapshots", "GetAccountByName", "ListVolumes",
                                                               "CloneVolume", "ModifyVolume", "GetAsyncResult"}));
  const Request clone_req = of("CloneVolume").at(0);
  const auto clone = clone_req.params.view();
  EXPECT_EQ(clone.int64("volumeID"), src);
  EXPECT_EQ(clone.int64("snapshotID"), 77);
  EXPECT_EQ(clone.int64("newSize"), int64_t{8} << 30);
  EXPECT_EQ(ctx.locks, std::vector<std::string>{"solidfire-clone-" + std::to_string(src)});
}

TEST_F(Clones, SmallerThanTheSourceIsInvalidArgument) {
  const int64_t src = seed(kVolA, 10);
  const Error e = error_of([&] { h.driver->create_cloned_volume(ctx, new_volume(5), vol(kVolA, src)); });
  EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(e.field(), "volume.size");
  EXPECT_EQ(h.transport->count("CloneVolume"), 0);
}

TEST_F(Clones, MissingSourceIsNotFound) {
  const Error e = error_of([&] { h.driver->create_cloned_volume(ctx, new_volume(20), vol(kVolA, 9999)); });
  EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  EXPECT_EQ(e.field(), "src_vref");
  Snapshot s;
  s.id = kSnap;
  s.volume_id = kVolA;
  s.provider_id = "77 9999 " + h.transport->cluster.uuid;
  h.transport->expect_reply("ListSnapshots", snapshots_reply({}));
  const Error e2 = error_of([&] { h.driver->create_volume_from_snapshot(ctx, new_volume(20), s); });
  EXPECT_EQ(e2.code(), ErrorCode::kNotFound);
  EXPECT_EQ(e2.field(), "snapshot");
  EXPECT_EQ(h.transport->count("CloneVolume"), 0);
}

TEST_F(Clones, InvalidQosIsRefusedBeforeCloning) {
  const int64_t src = seed(kVolA, 10);
  Volume nv = new_volume(20);
  nv.volume_type->extra_specs = {{"qos:minIOPS", "5000"}, {"qos:maxIOPS", "1000"}};
  const Error e = error_of([&] { h.driver->create_cloned_volume(ctx, nv, vol(kVolA, src)); });
  EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(h.transport->count("CloneVolume"), 0);
}

TEST_F(Clones, FailedCloneLeavesNoOrphan) {
  const int64_t src = seed(kVolA, 10);
  serve_clone();
  h.transport->expect_reply("ModifyVolume", ok("{}"));
  serve_async(1, /*fail=*/true);
  const Error e = error_of([&] { h.driver->create_cloned_volume(ctx, new_volume(20), vol(kVolA, src)); });
  EXPECT_EQ(e.code(), ErrorCode::kBackend);
  EXPECT_EQ(e.backend_error(), "xCloneFailed");
  EXPECT_NE(e.message().find("deleted and purged"), std::string::npos) << e.message();
  expect_no_orphan();
  EXPECT_EQ(h.transport->count("ModifyVolume"), 1) << "no cloned_count for a failed clone";
}

TEST_F(Clones, DeadlineDuringTheWaitIsTimeoutAndNoOrphan) {
  const int64_t src = seed(kVolA, 10);
  serve_clone();
  h.transport->expect_reply("ModifyVolume", ok("{}"));
  serve_async(1000);
  ctx.set_deadline_in(std::chrono::seconds(5));
  const auto t0 = h.clock->now();
  const Error e = error_of([&] { h.driver->create_cloned_volume(ctx, new_volume(20), vol(kVolA, src)); });
  EXPECT_EQ(e.code(), ErrorCode::kTimeout);
  EXPECT_TRUE(e.retryable());
  EXPECT_NE(e.message().find("deadline"), std::string::npos) << e.message();
  EXPECT_LE(h.clock->now() - t0, std::chrono::seconds(5) + std::chrono::milliseconds(100));
  expect_no_orphan();
}

TEST_F(Clones, CloneTimeoutOptionBoundsTheWait) {
  const int64_t src = seed(kVolA, 10);
  serve_clone();
  h.transport->expect_reply("ModifyVolume", ok("{}"));
  serve_async(1000);
  const auto t0 = h.clock->now();
  const Error e = error_of([&] { h.driver->create_cloned_volume(ctx, new_volume(20), vol(kVolA, src)); });
  EXPECT_EQ(e.code(), ErrorCode::kTimeout);
  EXPECT_NE(e.message().find("sf_volume_clone_timeout (600 s)"), std::string::npos) << e.message();
  EXPECT_GE(h.clock->now() - t0, std::chrono::seconds(600));
  EXPECT_LE(h.clock->now() - t0, std::chrono::seconds(601));
  EXPECT_LE(ctx.lock_timeouts.at(0), std::chrono::seconds(600));
  expect_no_orphan();
}

TEST_F(Clones, CancellationDuringTheWaitIsCancelledAndNoOrphan) {
  const int64_t src = seed(kVolA, 10);
  serve_clone();
  h.transport->expect_reply("ModifyVolume", ok("{}"));
  serve_async(1000);
  // One poll before each of the 6 RPCs up to the first GetAsyncResult, then the wait's own polls.
  ctx.cancel_after_polls = 9;
  const Error e = error_of([&] { h.driver->create_cloned_volume(ctx, new_volume(20), vol(kVolA, src)); });
  EXPECT_EQ(e.code(), ErrorCode::kCancelled);
  EXPECT_GE(h.transport->count("GetAsyncResult"), 1) << "cancelled during the wait";
  EXPECT_LE(h.clock->total_slept(), std::chrono::milliseconds(400)) << "cancellation noticed within 100 ms";
  expect_no_orphan();
}

TEST_F(Clones, RepeatAdoptsTheVolumeNamedForTheNewId) {
  const int64_t src = seed(kVolA, 10);
  const int64_t existing = seed(kNew, 20, account2);
  Volume nv = new_volume(20);
  const ModelUpdate m = h.driver->create_cloned_volume(ctx, nv, vol(kVolA, src));
  EXPECT_EQ(h.transport->count("CloneVolume"), 0);
  EXPECT_EQ(*m.provider_id, std::to_string(existing) + " " + std::to_string(account2) + " " + h.transport->cluster.uuid);
}

TEST_F(Clones, LostCloneAnswerIsLookedUpByNameBeforeRetrying) {
  const int64_t src = seed(kVolA, 10);
  h.transport->expect("CloneVolume", [this](const Request& r) -> HttpResponse {
    FakeCluster::Vol v;
    v.account = r.params.view().int64("newAccountID").value_or(0);
    v.name = r.params.view().string_or("name", "");
    v.uuid = r.params.view()["attributes"].string_or("uuid", "");
    v.size = r.params.view().int64("newSize").value_or(0);
    last_clone = h.transport->cluster.add_volume(v);  // committed (and already done)...
    throw TransportError(TransportError::Kind::kTimeout, "read timeout");  // ...but the answer is lost
  });
  h.transport->expect_reply("ModifyVolume", ok("{}"));
  h.transport->expect_reply("ModifyVolume", ok("{}"));
  const ModelUpdate m = h.driver->create_cloned_volume(ctx, new_volume(20), vol(kVolA, src));
  EXPECT_EQ(h.transport->count("CloneVolume"), 1) << "never a duplicate clone";
  EXPECT_EQ(h.transport->count("GetAsyncResult"), 0) << "no handle: completion read from the volume status";
  EXPECT_EQ(*m.provider_id, std::to_string(last_clone) + " " + std::to_string(account2) + " " + h.transport->cluster.uuid);
}

TEST_F(Clones, CloneLimitIsResourceExhausted) {
  const int64_t src = seed(kVolA, 10);
  repeat("CloneVolume", 5, [](const Request&) { return element_error("xMaxClonesPerVolumeExceeded"); });
  const Error e = error_of([&] { h.driver->create_cloned_volume(ctx, new_volume(20), vol(kVolA, src)); });
  EXPECT_EQ(e.code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(e.backend_error(), "xMaxClonesPerVolumeExceeded");
  EXPECT_EQ(h.transport->count("DeleteVolume"), 0);
}

}  // namespace
}  // namespace sftest

namespace sftest {
namespace {

TEST_F(Clones, RepeatWhileStillCloningWaitsForTheVolumeToBecomeActive) {
  const int64_t src = seed(kVolA, 10);
  FakeCluster::Vol v;
  v.account = account2;
  v.name = "UUID-" + kNew;
  v.uuid = kNew;
  v.size = int64_t{20} << 30;
  v.status = "init";
  const int64_t existing = h.transport->cluster.add_volume(v);
  auto from_cluster = [this](const Request& r) { return h.transport->cluster.handle(r); };
  h.transport->expect("ListVolumes", from_cluster);  // the source, by provider_id
  h.transport->expect("ListVolumes", from_cluster);  // the new volume, by name: found "init"
  auto status_reply = [this, existing](const std::string& status) {
    FakeCluster::Vol now = *h.transport->cluster.volume(existing);
    now.status = status;
    return ok(R"({"volumes":[)" + h.transport->cluster.volume_json(now).print() + "]}");
  };
  h.transport->expect("ListVolumes", [=](const Request&) { return status_reply("init"); });
  h.transport->expect("ListVolumes", [=](const Request&) { return status_reply("active"); });
  const ModelUpdate m = h.driver->create_cloned_volume(ctx, new_volume(20), vol(kVolA, src));
  EXPECT_EQ(h.transport->count("CloneVolume"), 0);
  EXPECT_EQ(h.transport->count("ListVolumes"), 4) << "polled the volume's status until active";
  EXPECT_EQ(*m.provider_id, std::to_string(existing) + " " + std::to_string(account2) + " " + h.transport->cluster.uuid);
}

TEST_F(Clones, LostCloneAnswerPastTheDeadlineRemovesWhatCommitted) {
  const int64_t src = seed(kVolA, 10);
  ctx.set_deadline_in(std::chrono::seconds(10));
  h.transport->expect("CloneVolume", [this](const Request& r) -> HttpResponse {
    FakeCluster::Vol v;
    v.account = r.params.view().int64("newAccountID").value_or(0);
    v.name = r.params.view().string_or("name", "");
    v.uuid = r.params.view()["attributes"].string_or("uuid", "");
    v.status = "init";
    last_clone = h.transport->cluster.add_volume(v);
    h.clock->advance(std::chrono::seconds(11));  // the answer never comes before the deadline
    throw TransportError(TransportError::Kind::kTimeout, "read timeout");
  });
  const Error e = error_of([&] { h.driver->create_cloned_volume(ctx, new_volume(20), vol(kVolA, src)); });
  EXPECT_EQ(e.code(), ErrorCode::kTimeout);
  EXPECT_TRUE(e.retryable());
  EXPECT_NE(e.message().find("nothing was left on the cluster"), std::string::npos) << e.message();
  EXPECT_EQ(h.transport->count("CloneVolume"), 1);
  expect_no_orphan();
}

}  // namespace
}  // namespace sftest

namespace sftest {
namespace {

TEST_F(Clones, AdoptedCloneThatNeverFinishesBeforeTheDeadlineIsRemoved) {
  const int64_t src = seed(kVolA, 10);
  FakeCluster::Vol v;
  v.account = account2;
  v.name = "UUID-" + kNew;
  v.uuid = kNew;
  v.size = int64_t{20} << 30;
  v.status = "init";
  last_clone = h.transport->cluster.add_volume(v);
  ctx.set_deadline_in(std::chrono::seconds(3));
  const Error e = error_of([&] { h.driver->create_cloned_volume(ctx, new_volume(20), vol(kVolA, src)); });
  EXPECT_EQ(e.code(), ErrorCode::kTimeout);
  EXPECT_EQ(h.transport->count("CloneVolume"), 0);
  expect_no_orphan();
}

}  // namespace
}  // namespace sftest

namespace sftest {
namespace {

TEST_F(Clones, SnapshotWithoutProviderIdIsFoundByNameAmongItsVolumesSnapshots) {
  const int64_t src = seed(kVolA, 10);
  Snapshot s;
  s.id = kSnap;
  s.volume_id = kVolA;
  s.project_id = "admin-project";
  s.volume = vol(kVolA, src);  // the snapshot's volume carries the provider_id
  h.transport->expect_reply("ListSnapshots", snapshots_reply({snapshot_json(70, src, "other"),
                                                              snapshot_json(71, src, "UUID-" + kSnap)}));
  serve_clone();
  h.transport->expect_reply("ModifyVolume", ok("{}"));
  serve_async(0);
  h.driver->create_volume_from_snapshot(ctx, new_volume(10), s);
  const Request list_req = of("ListSnapshots").at(0);
  EXPECT_EQ(list_req.params.view().int64("volumeID"), src);
  EXPECT_FALSE(list_req.params.view().has("snapshotID"));
  const Request clone_req = of("CloneVolume").at(0);
  EXPECT_EQ(clone_req.params.view().int64("snapshotID"), 71);
  EXPECT_EQ(clone_req.params.view().int64("volumeID"), src);
}

}  // namespace
}  // namespace sftest
