// Volume access groups (sf_enable_vag): initialize_connection's grant with its exact RPC sequences and
// every xExceededLimit / deleted-underneath path (bounded), terminate_connection, and delete_volume
// leaving its VAGs first (LP#1817611).
#include <gtest/gtest.h>

#include "access_fixture.h"
#include "access_groups.h"

namespace sftest {
namespace {

class RecordingLocks final : public CallContext {
 public:
  SteadyClock::time_point deadline() const override { return SteadyClock::time_point::max(); }
  bool cancelled() override { return false; }
  void progress(uint64_t, uint64_t, const std::string&) override {}
  std::optional<std::string> value(const std::string&) override { return std::nullopt; }
  std::unique_ptr<ScopedLock> lock(const std::string& name, std::chrono::milliseconds) override {
    locks.push_back(name);
    return std::make_unique<ScopedLock>();
  }
  std::vector<std::string> locks;
};

struct VagFixture : ::testing::Test {
  Harness h{std::map<std::string, std::string>{{"sf_enable_vag", "true"}}};
  FakeContext ctx{h.clock};
  void SetUp() override { h.setup(); }
  Volume volume(bool multiattach = false) {
    Volume v = make_volume(kAccVol);
    v.provider_id = "100 10 " + h.transport->cluster.uuid;
    v.provider_location = "10.0.0.2:3260 iqn.2010-01.com.solidfire:abcd.x.100 0";
    v.provider_auth = "CHAP proj1 TARGETSECRET0001";
    v.multiattach = multiattach;
    return v;
  }
  Connector connector() { return Connector{kIqn, "host1", "10.1.1.1", false}; }
  IscsiConnectionInfo connect() { return h.driver->initialize_connection(ctx, volume(), connector()); }
};

TEST(VagName, CinderStyleAndShortenedDeterministically) {
  EXPECT_EQ(access::vag_name_for(kIqn), kIqnVag);
  EXPECT_EQ(access::vag_name_for("iqn.2004-10.com.ubuntu:01:ABC..def"),
            "iqn-2004-10-com-ubuntu-01-ABC-def");
  const std::string long_iqn = "iqn.2005-03.org.open-iscsi:" + std::string(60, 'a');
  const std::string n1 = access::vag_name_for(long_iqn);
  EXPECT_EQ(n1.size(), 64u);
  EXPECT_EQ(n1, access::vag_name_for(long_iqn)) << "deterministic";
  EXPECT_EQ(n1.substr(0, 30), "iqn-2005-03-org-open-iscsi-aaa");
  EXPECT_NE(n1, access::vag_name_for(long_iqn + "b")) << "hash distinguishes long IQNs";
  const std::string exactly64 = std::string(64, 'x');
  EXPECT_EQ(access::vag_name_for(exactly64), exactly64);
}

TEST_F(VagFixture, FirstConnectionCreatesTheVagWithVolumeAndInitiator) {
  h.transport->expect_reply("ListVolumes", volumes_reply({VolSpec{}}));
  h.transport->expect_reply("ListVolumeAccessGroups", vags_reply({}));
  h.transport->expect_reply("CreateVolumeAccessGroup", ok(R"({"volumeAccessGroupID":7})"));
  RecordingLocks locks;
  const auto info = h.driver->initialize_connection(locks, volume(), connector());
  EXPECT_EQ(h.transport->methods(), (Methods{"ListVolumes", "ListVolumeAccessGroups", "CreateVolumeAccessGroup"}));
  const auto create = requests_of(*h.transport, "CreateVolumeAccessGroup").at(0);
  EXPECT_EQ(create.version, "7.0");
  EXPECT_EQ(create.params.view().string_or("name", ""), kIqnVag);
  EXPECT_EQ(create.params["initiators"].at(0).as_string(), kIqn);
  EXPECT_EQ(create.params["volumes"].at(0).as_int64(), 100);
  EXPECT_EQ(create.params["attributes"].boolean("openstack"), true);
  EXPECT_EQ(info.target_iqn, "iqn.2010-01.com.solidfire:abcd.x.100");
  EXPECT_EQ(info.auth_method, "CHAP");
  EXPECT_EQ(locks.locks, std::vector<std::string>{"solidfire-vag-" + kIqnVag});
}

TEST_F(VagFixture, InitiatorInAForeignVagIsReusedWhateverItsName) {
  h.transport->expect_reply("ListVolumes", volumes_reply({VolSpec{}}));
  h.transport->expect_reply("ListVolumeAccessGroups", vags_reply({VagSpec{3, kIqnVag, {}, {}, true},
                                                                  VagSpec{4, "trident", {"iqn.other"}, {}, false},
                                                                  VagSpec{9, "made-by-hand", {kIqn}, {55}, false}}));
  h.transport->expect_reply("AddVolumesToVolumeAccessGroup", vag_reply(VagSpec{9, "made-by-hand", {kIqn}, {55, 100}}));
  connect();
  EXPECT_EQ(h.transport->methods(),
            (Methods{"ListVolumes", "ListVolumeAccessGroups", "AddVolumesToVolumeAccessGroup"}));
  const auto add = requests_of(*h.transport, "AddVolumesToVolumeAccessGroup").at(0);
  EXPECT_EQ(add.params.view().int64("volumeAccessGroupID"), 9);
  EXPECT_EQ(add.params["volumes"].at(0).as_int64(), 100);
}

TEST_F(VagFixture, AlreadyMemberCostsNoWrite) {
  h.transport->expect_reply("ListVolumes", volumes_reply({VolSpec{}}));
  h.transport->expect_reply("ListVolumeAccessGroups", vags_reply({VagSpec{9, kIqnVag, {kIqn}, {100}}}));
  connect();
  EXPECT_EQ(h.transport->methods(), (Methods{"ListVolumes", "ListVolumeAccessGroups"}));
}

TEST_F(VagFixture, AlreadyInVolumeAccessGroupIsSuccess) {
  h.transport->expect_reply("ListVolumes", volumes_reply({VolSpec{}}));
  h.transport->expect_reply("ListVolumeAccessGroups", vags_reply({VagSpec{9, kIqnVag, {kIqn}, {}}}));
  h.transport->expect_reply("AddVolumesToVolumeAccessGroup", element_error("xAlreadyInVolumeAccessGroup"));
  EXPECT_NO_THROW(connect());
  EXPECT_EQ(h.transport->total(), 3u);
}

TEST_F(VagFixture, EmptyOpenstackVagOfTheSameNameGetsTheInitiator) {
  h.transport->expect_reply("ListVolumes", volumes_reply({VolSpec{}}));
  h.transport->expect_reply("ListVolumeAccessGroups", vags_reply({VagSpec{5, kIqnVag, {}, {}}}));
  h.transport->expect_reply("AddInitiatorsToVolumeAccessGroup", vag_reply(VagSpec{5, kIqnVag, {kIqn}, {}}));
  h.transport->expect_reply("AddVolumesToVolumeAccessGroup", vag_reply(VagSpec{5, kIqnVag, {kIqn}, {100}}));
  connect();
  EXPECT_EQ(h.transport->methods(), (Methods{"ListVolumes", "ListVolumeAccessGroups",
                                             "AddInitiatorsToVolumeAccessGroup", "AddVolumesToVolumeAccessGroup"}));
}

TEST_F(VagFixture, SameNameVagOfAnotherHostIsNeverJoined) {
  // "iqn.1993-08.org.debian:01:c0ffee" and "iqn.1993-08.org.debian.01.c0ffee" share a Cinder VAG name.
  h.transport->expect_reply("ListVolumes", volumes_reply({VolSpec{}}));
  h.transport->expect_reply("ListVolumeAccessGroups",
                            vags_reply({VagSpec{5, kIqnVag, {"iqn.1993-08.org.debian.01.c0ffee"}, {77}}}));
  h.transport->expect_reply("CreateVolumeAccessGroup", ok(R"({"volumeAccessGroupID":8})"));
  connect();
  EXPECT_EQ(h.transport->count("AddInitiatorsToVolumeAccessGroup"), 0);
  EXPECT_EQ(h.transport->count("CreateVolumeAccessGroup"), 1);
}

TEST_F(VagFixture, InitiatorRegisteredElsewhereDuringCreateIsFoundAndReused) {
  h.transport->expect_reply("ListVolumes", volumes_reply({VolSpec{}}));
  h.transport->expect_reply("ListVolumeAccessGroups", vags_reply({}));
  h.transport->expect_reply("CreateVolumeAccessGroup",
                            element_error("xExceededLimit",
                                          "Exceeded maximum number of VolumeAccessGroups per "
                                          "Initiator. initiator=" +
                                              kIqn + " limit=1"));
  h.transport->expect_reply("ListVolumeAccessGroups", vags_reply({VagSpec{12, "someone-else", {kIqn}, {1}, false}}));
  h.transport->expect_reply("AddVolumesToVolumeAccessGroup", vag_reply(VagSpec{12, "someone-else", {kIqn}, {1, 100}}));
  connect();
  EXPECT_EQ(h.transport->methods(), (Methods{"ListVolumes", "ListVolumeAccessGroups", "CreateVolumeAccessGroup",
                                             "ListVolumeAccessGroups", "AddVolumesToVolumeAccessGroup"}));
  EXPECT_EQ(requests_of(*h.transport, "AddVolumesToVolumeAccessGroup")[0].params.view().int64("volumeAccessGroupID"),
            12);
}

TEST_F(VagFixture, VagLimitPurgesTenEmptyOpenstackVagsThenRetriesOnce) {
  std::vector<VagSpec> listing;
  for (int64_t id = 1; id <= 12; ++id) listing.push_back(VagSpec{id, "old-" + std::to_string(id), {}, {}, true});
  listing.push_back(VagSpec{20, "user-empty", {}, {}, false});          // not ours: kept
  listing.push_back(VagSpec{21, "busy", {"iqn.x"}, {5}, true});         // has volumes: kept
  listing.push_back(VagSpec{22, "deleted-member", {}, {}, true, {6}});  // deleted volume: kept
  h.transport->expect_reply("ListVolumes", volumes_reply({VolSpec{}}));
  h.transport->expect_reply("ListVolumeAccessGroups", vags_reply(listing));
  h.transport->expect_reply("CreateVolumeAccessGroup",
                            element_error("xExceededLimit", "Exceeded max number of volumeAccessGroups. limit=1000"));
  h.transport->expect_reply("ListVolumeAccessGroups", vags_reply(listing));
  for (int i = 0; i < 10; ++i) h.transport->expect_reply("DeleteVolumeAccessGroup", ok("{}"));
  h.transport->expect_reply("ListVolumeAccessGroups", vags_reply({}));
  h.transport->expect_reply("CreateVolumeAccessGroup", ok(R"({"volumeAccessGroupID":30})"));
  connect();
  const auto deletes = requests_of(*h.transport, "DeleteVolumeAccessGroup");
  ASSERT_EQ(deletes.size(), 10u);
  for (size_t i = 0; i < deletes.size(); ++i) {
    EXPECT_EQ(deletes[i].params.view().int64("volumeAccessGroupID"), static_cast<int64_t>(i + 1));
  }
  EXPECT_EQ(h.transport->count("CreateVolumeAccessGroup"), 2);
}

TEST_F(VagFixture, VagLimitWithNothingToPurgeIsResourceExhaustedAtOnce) {
  h.transport->expect_reply("ListVolumes", volumes_reply({VolSpec{}}));
  h.transport->expect_reply("ListVolumeAccessGroups", vags_reply({VagSpec{20, "user", {}, {}, false}}));
  h.transport->expect_reply("CreateVolumeAccessGroup",
                            element_error("xExceededLimit", "Exceeded max number of volumeAccessGroups. limit=1000"));
  h.transport->expect_reply("ListVolumeAccessGroups", vags_reply({VagSpec{20, "user", {}, {}, false}}));
  try {
    connect();
    FAIL() << "expected RESOURCE_EXHAUSTED";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kResourceExhausted);
    EXPECT_EQ(e.backend_error(), "xExceededLimit");
  }
  EXPECT_EQ(h.transport->count("CreateVolumeAccessGroup"), 1);
  EXPECT_EQ(h.transport->count("DeleteVolumeAccessGroup"), 0);
}

TEST_F(VagFixture, VagLimitStillReachedAfterPurgeStopsAfterOneRetry) {
  h.transport->expect_reply("ListVolumes", volumes_reply({VolSpec{}}));
  const auto limit = [] {
    return element_error("xExceededLimit", "Exceeded max number of volumeAccessGroups. limit=1000");
  };
  h.transport->expect_reply("ListVolumeAccessGroups", vags_reply({VagSpec{1, "e", {}, {}, true}}));
  h.transport->expect_reply("CreateVolumeAccessGroup", limit());
  h.transport->expect_reply("ListVolumeAccessGroups", vags_reply({VagSpec{1, "e", {}, {}, true}}));
  h.transport->expect_reply("DeleteVolumeAccessGroup", ok("{}"));
  h.transport->expect_reply("ListVolumeAccessGroups", vags_reply({}));
  h.transport->expect_reply("CreateVolumeAccessGroup", limit());
  try {
    connect();
    FAIL() << "expected RESOURCE_EXHAUSTED";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kResourceExhausted);
  }
  EXPECT_EQ(h.transport->count("CreateVolumeAccessGroup"), 2) << "retried once, never unbounded";
}

TEST_F(VagFixture, VagDeletedUnderneathIsRecreated) {
  h.transport->expect_reply("ListVolumes", volumes_reply({VolSpec{}}));
  h.transport->expect_reply("ListVolumeAccessGroups", vags_reply({VagSpec{9, kIqnVag, {kIqn}, {}}}));
  h.transport->expect_reply("AddVolumesToVolumeAccessGroup",
                            element_error("xVolumeAccessGroupIDDoesNotExist", "VolumeAccessGroupID 9 does not exist."));
  h.transport->expect_reply("ListVolumeAccessGroups", vags_reply({}));
  h.transport->expect_reply("CreateVolumeAccessGroup", ok(R"({"volumeAccessGroupID":10})"));
  connect();
  EXPECT_EQ(h.transport->methods(), (Methods{"ListVolumes", "ListVolumeAccessGroups", "AddVolumesToVolumeAccessGroup",
                                             "ListVolumeAccessGroups", "CreateVolumeAccessGroup"}));
}

TEST_F(VagFixture, EndlessRaceIsAbortedAfterFourRounds) {
  h.transport->expect_reply("ListVolumes", volumes_reply({VolSpec{}}));
  for (int i = 0; i < 4; ++i) {
    h.transport->expect_reply("ListVolumeAccessGroups", vags_reply({}));
    h.transport->expect_reply("CreateVolumeAccessGroup",
                              element_error("xExceededLimit", "initiator=" + kIqn + " limit=1"));
  }
  try {
    connect();
    FAIL() << "expected ABORTED";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kAborted);
    EXPECT_TRUE(e.retryable());
  }
  EXPECT_EQ(h.transport->count("CreateVolumeAccessGroup"), 4);
}

TEST_F(VagFixture, WithoutStoredLocationTheGrantsLookupIsReused) {
  h.transport->cluster.add_account("proj1", "TARGETSECRET0007");
  VolSpec vs;
  vs.e512 = false;
  h.transport->expect_reply("ListVolumes", volumes_reply({vs}));
  h.transport->expect_reply("ListVolumeAccessGroups", vags_reply({}));
  h.transport->expect_reply("CreateVolumeAccessGroup", ok(R"({"volumeAccessGroupID":7})"));
  Volume v = volume();
  v.provider_location.reset();
  v.provider_auth.reset();
  const auto info = h.driver->initialize_connection(ctx, v, connector());
  EXPECT_EQ(h.transport->methods(),
            (Methods{"ListVolumes", "ListVolumeAccessGroups", "CreateVolumeAccessGroup", "GetAccountByName"}));
  EXPECT_EQ(info.auth_password, "TARGETSECRET0007");
  EXPECT_EQ(info.target_iqn, "iqn.2010-01.com.solidfire:abcd.uuid-" + kAccVol + ".100");
  EXPECT_EQ(info.physical_block_size, 4096) << "512e off on the volume";
}

TEST_F(VagFixture, UnknownVolumeIsNotFoundAndTouchesNoVag) {
  h.transport->expect_reply("ListVolumes", volumes_reply({VolSpec{101, 10, "UUID-other", "active", "other"}}));
  Volume v = volume();
  v.project_id = "";  // no account fallback
  try {
    h.driver->initialize_connection(ctx, v, connector());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  }
  EXPECT_EQ(h.transport->methods(), Methods{"ListVolumes"});
}

// ---------------------------------------------------------------------------------------- terminate

TEST_F(VagFixture, TerminateWithoutVagOptionIsANoOp) {
  Harness plain;
  plain.setup();
  FakeContext c(plain.clock);
  plain.driver->terminate_connection(c, volume(), connector(), false);
  plain.driver->terminate_connection(c, volume(), std::nullopt, true);
  EXPECT_EQ(plain.transport->total(), 0u);
}

TEST_F(VagFixture, TerminateRemovesFromTheConnectorsVagOnly) {
  VolSpec vs;
  vs.vags = {5, 6};
  h.transport->expect_reply("ListVolumes", volumes_reply({vs}));
  h.transport->expect_reply("ListVolumeAccessGroups",
                            vags_reply({VagSpec{5, kIqnVag, {kIqn}, {100, 101}}, VagSpec{6, "h2", {"iqn.h2"}, {100}}}));
  h.transport->expect_reply("RemoveVolumesFromVolumeAccessGroup", vag_reply(VagSpec{5, kIqnVag, {kIqn}, {101}}));
  h.driver->terminate_connection(ctx, volume(), connector(), false);
  EXPECT_EQ(h.transport->methods(),
            (Methods{"ListVolumes", "ListVolumeAccessGroups", "RemoveVolumesFromVolumeAccessGroup"}));
  const auto list = requests_of(*h.transport, "ListVolumeAccessGroups").at(0);
  EXPECT_EQ(list.params["volumeAccessGroups"].size(), 2u) << "only the volume's own VAGs are listed";
  const auto rm = requests_of(*h.transport, "RemoveVolumesFromVolumeAccessGroup").at(0);
  EXPECT_EQ(rm.params.view().int64("volumeAccessGroupID"), 5);
  EXPECT_EQ(rm.params["volumes"].at(0).as_int64(), 100);
}

TEST_F(VagFixture, TerminateDeletesTheVagItEmptiedWhenItIsOpenstacks) {
  VolSpec vs;
  vs.vags = {5};
  h.transport->expect_reply("ListVolumes", volumes_reply({vs}));
  h.transport->expect_reply("ListVolumeAccessGroups", vags_reply({VagSpec{5, kIqnVag, {kIqn}, {100}}}));
  h.transport->expect_reply("RemoveVolumesFromVolumeAccessGroup", vag_reply(VagSpec{5, kIqnVag, {kIqn}, {}}));
  h.transport->expect_reply("ListVolumeAccessGroups", vags_reply({VagSpec{5, kIqnVag, {kIqn}, {}}}));
  h.transport->expect_reply("DeleteVolumeAccessGroup", ok("{}"));
  RecordingLocks locks;
  h.driver->terminate_connection(locks, volume(), connector(), false);
  EXPECT_EQ(h.transport->methods(),
            (Methods{"ListVolumes", "ListVolumeAccessGroups", "RemoveVolumesFromVolumeAccessGroup",
                     "ListVolumeAccessGroups", "DeleteVolumeAccessGroup"}));
  EXPECT_EQ(locks.locks, std::vector<std::string>{"solidfire-vag-" + kIqnVag}) << "re-checked under the VAG lock";
}

TEST_F(VagFixture, TerminateKeepsAnEmptiedVagThatIsNotOpenstacks) {
  VolSpec vs;
  vs.vags = {5};
  h.transport->expect_reply("ListVolumes", volumes_reply({vs}));
  h.transport->expect_reply("ListVolumeAccessGroups", vags_reply({VagSpec{5, "hand", {kIqn}, {100}, false}}));
  h.transport->expect_reply("RemoveVolumesFromVolumeAccessGroup", vag_reply(VagSpec{5, "hand", {kIqn}, {}, false}));
  h.driver->terminate_connection(ctx, volume(), connector(), false);
  EXPECT_EQ(h.transport->count("DeleteVolumeAccessGroup"), 0);
}

TEST_F(VagFixture, TerminateKeepsAVagRefilledMeanwhile) {
  VolSpec vs;
  vs.vags = {5};
  h.transport->expect_reply("ListVolumes", volumes_reply({vs}));
  h.transport->expect_reply("ListVolumeAccessGroups", vags_reply({VagSpec{5, kIqnVag, {kIqn}, {100}}}));
  h.transport->expect_reply("RemoveVolumesFromVolumeAccessGroup", vag_reply(VagSpec{5, kIqnVag, {kIqn}, {}}));
  h.transport->expect_reply("ListVolumeAccessGroups", vags_reply({VagSpec{5, kIqnVag, {kIqn}, {300}}}));
  h.driver->terminate_connection(ctx, volume(), connector(), false);
  EXPECT_EQ(h.transport->count("DeleteVolumeAccessGroup"), 0);
}

TEST_F(VagFixture, TerminateOfMultiattachVolumeKeepsItInItsVag) {
  VolSpec vs;
  vs.vags = {5};
  h.transport->expect_reply("ListVolumes", volumes_reply({vs}));
  h.driver->terminate_connection(ctx, volume(/*multiattach=*/true), connector(), false);
  EXPECT_EQ(h.transport->methods(), Methods{"ListVolumes"});
}

TEST_F(VagFixture, TerminateWithoutConnectorLeavesEveryVag) {
  VolSpec vs;
  vs.vags = {5, 6};
  h.transport->expect_reply("ListVolumes", volumes_reply({vs}));
  h.transport->expect_reply("RemoveVolumesFromVolumeAccessGroup", vag_reply(VagSpec{5, "a", {"iqn.a"}, {7}}));
  h.transport->expect_reply("RemoveVolumesFromVolumeAccessGroup", element_error("xNotInVolumeAccessGroup"));
  // Not a member of 6 any more: 6 is still looked at, and kept because it holds another volume.
  h.transport->expect_reply("ListVolumeAccessGroups", vags_reply({VagSpec{6, "b", {"iqn.b"}, {8}}}));
  h.driver->terminate_connection(ctx, volume(/*multiattach=*/true), std::nullopt, true);
  const auto rms = requests_of(*h.transport, "RemoveVolumesFromVolumeAccessGroup");
  ASSERT_EQ(rms.size(), 2u);
  EXPECT_EQ(rms[0].params.view().int64("volumeAccessGroupID"), 5);
  EXPECT_EQ(rms[1].params.view().int64("volumeAccessGroupID"), 6);
  EXPECT_EQ(h.transport->count("DeleteVolumeAccessGroup"), 0);
}

// A lost reply to the removal: the VAG's listing says it committed, so the emptied VAG goes now and
// the host gets OK (no repeat needed).
TEST_F(VagFixture, TerminateResolvesALostRemovalByListingTheVag) {
  VolSpec vs;
  vs.vags = {5};
  h.transport->expect_reply("ListVolumes", volumes_reply({vs}));
  h.transport->expect_reply("ListVolumeAccessGroups", vags_reply({VagSpec{5, kIqnVag, {kIqn}, {100}}}));
  h.transport->expect_throw("RemoveVolumesFromVolumeAccessGroup", TransportError::Kind::kReset);
  h.transport->expect_reply("ListVolumeAccessGroups", vags_reply({VagSpec{5, kIqnVag, {kIqn}, {}}}));
  h.transport->expect_reply("ListVolumeAccessGroups", vags_reply({VagSpec{5, kIqnVag, {kIqn}, {}}}));
  h.transport->expect_reply("DeleteVolumeAccessGroup", ok("{}"));
  EXPECT_NO_THROW(h.driver->terminate_connection(ctx, volume(), connector(), false));
  EXPECT_EQ(h.transport->count("RemoveVolumesFromVolumeAccessGroup"), 1) << "never resent blindly";
  EXPECT_EQ(h.transport->count("DeleteVolumeAccessGroup"), 1);
}

// The removal did not commit: the lost reply reaches the host as "outcome unknown" (its repeat removes).
TEST_F(VagFixture, TerminateReportsALostRemovalThatDidNotCommit) {
  VolSpec vs;
  vs.vags = {5};
  h.transport->expect_reply("ListVolumes", volumes_reply({vs}));
  h.transport->expect_reply("ListVolumeAccessGroups", vags_reply({VagSpec{5, kIqnVag, {kIqn}, {100}}}));
  h.transport->expect_throw("RemoveVolumesFromVolumeAccessGroup", TransportError::Kind::kTimeout);
  h.transport->expect_reply("ListVolumeAccessGroups", vags_reply({VagSpec{5, kIqnVag, {kIqn}, {100}}}));
  try {
    h.driver->terminate_connection(ctx, volume(), connector(), false);
    FAIL() << "returned although the volume is still in the VAG";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kTimeout);
    EXPECT_TRUE(e.outcome_unknown());
  }
  EXPECT_EQ(h.transport->count("DeleteVolumeAccessGroup"), 0);
}

// The repeat of a terminate whose removal committed but whose clean-up did not (lost reply past the
// deadline, cancellation): the volume is in no VAG, and the initiator's emptied OpenStack VAG is found
// by a listing and deleted, so the end state equals a fault-free run's.
TEST_F(VagFixture, TerminateRepeatDeletesTheInitiatorsLeftoverEmptyVag) {
  VolSpec vs;  // in no VAG any more
  h.transport->expect_reply("ListVolumes", volumes_reply({vs}));
  h.transport->expect_reply("ListVolumeAccessGroups",
                            vags_reply({VagSpec{4, "other", {"iqn.other"}, {}}, VagSpec{5, kIqnVag, {kIqn}, {}},
                                        VagSpec{6, "hand", {kIqn}, {}, /*openstack=*/false}}));
  h.transport->expect_reply("ListVolumeAccessGroups", vags_reply({VagSpec{5, kIqnVag, {kIqn}, {}}}));
  h.transport->expect_reply("DeleteVolumeAccessGroup", ok("{}"));
  h.driver->terminate_connection(ctx, volume(), connector(), false);
  const auto dels = requests_of(*h.transport, "DeleteVolumeAccessGroup");
  ASSERT_EQ(dels.size(), 1u) << "only the initiator's own OpenStack VAG";
  EXPECT_EQ(dels[0].params.view().int64("volumeAccessGroupID"), 5);
}

// A lost reply to the VAG's deletion is resolved by listing it: gone means done.
TEST_F(VagFixture, TerminateResolvesALostVagDeletion) {
  VolSpec vs;
  vs.vags = {5};
  h.transport->expect_reply("ListVolumes", volumes_reply({vs}));
  h.transport->expect_reply("ListVolumeAccessGroups", vags_reply({VagSpec{5, kIqnVag, {kIqn}, {100}}}));
  h.transport->expect_reply("RemoveVolumesFromVolumeAccessGroup", vag_reply(VagSpec{5, kIqnVag, {kIqn}, {}}));
  h.transport->expect_reply("ListVolumeAccessGroups", vags_reply({VagSpec{5, kIqnVag, {kIqn}, {}}}));
  h.transport->expect_throw("DeleteVolumeAccessGroup", TransportError::Kind::kReset);
  h.transport->expect_reply("ListVolumeAccessGroups", vags_reply({}));
  EXPECT_NO_THROW(h.driver->terminate_connection(ctx, volume(), connector(), false));
  EXPECT_EQ(h.transport->count("DeleteVolumeAccessGroup"), 1);
}

TEST_F(VagFixture, TerminateOfAGoneVolumeSucceeds) {
  h.transport->expect_reply("ListVolumes", volumes_reply({}));
  Volume v = volume();
  v.project_id = "";
  EXPECT_NO_THROW(h.driver->terminate_connection(ctx, v, connector(), false));
  EXPECT_EQ(h.transport->methods(), Methods{"ListVolumes"});
}

// ---------------------------------------------------------------------------------------- delete_volume

TEST_F(VagFixture, DeleteLeavesVagsBeforeDeleteVolume) {
  VolSpec vs;
  vs.vags = {5};
  h.transport->expect_reply("ListVolumes", volumes_reply({vs}));
  h.transport->expect_reply("RemoveVolumesFromVolumeAccessGroup", vag_reply(VagSpec{5, kIqnVag, {kIqn}, {101}}));
  h.transport->expect_reply("DeleteVolume", ok("{}"));
  h.transport->expect_reply("PurgeDeletedVolume", ok("{}"));
  h.driver->delete_volume(ctx, volume(true));
  EXPECT_EQ(h.transport->methods(),
            (Methods{"ListVolumes", "RemoveVolumesFromVolumeAccessGroup", "DeleteVolume", "PurgeDeletedVolume"}));
}

TEST_F(VagFixture, DeleteOfAVolumeInNoVagStaysAtThreeRpcs) {
  h.transport->expect_reply("ListVolumes", volumes_reply({VolSpec{}}));
  h.transport->expect_reply("DeleteVolume", ok("{}"));
  h.transport->expect_reply("PurgeDeletedVolume", ok("{}"));
  h.driver->delete_volume(ctx, volume());
  EXPECT_EQ(h.transport->methods(), (Methods{"ListVolumes", "DeleteVolume", "PurgeDeletedVolume"}));
}

}  // namespace
}  // namespace sftest
