// manage_existing / manage_existing_get_size / unmanage, accept_transfer (incl. secondary accounts and
// both full) and the identity of migration pairs: exact RPC sequences on the fake cluster, scripted
// replies for the methods it does not serve.
#include <gtest/gtest.h>

#include <cstdio>
#include <functional>

#include "access_fixture.h"

namespace sftest {
namespace {

// ------------------------------------------------------------------------------------------ manage

TEST_F(AdminFixture, GetSizeBySourceIdRoundsUpAndVerifiesTheId) {
  VolSpec vs;
  vs.id = 42;
  vs.name = "legacy";
  vs.uuid = "";
  vs.size = (int64_t{3} << 30) + 1;
  h.transport->expect_reply("ListVolumes", volumes_reply({vs}));
  ExistingRef ref;
  ref.source_id = 42;
  EXPECT_EQ(h.driver->manage_existing_get_size(ctx, make_volume("new-vol"), ref), 4);
  const auto r = h.transport->requests().at(0);
  EXPECT_EQ(r.method, "ListVolumes");
  EXPECT_EQ(r.params.view().int64("startVolumeID"), 42);
  EXPECT_EQ(r.params.view().int64("limit"), 1);
  EXPECT_EQ(h.transport->total(), 1u);
}

TEST_F(AdminFixture, GetSizeOfAGoneIdNeverTakesTheNextVolume) {
  VolSpec next;
  next.id = 43;
  next.uuid = "";  // Element returns the NEXT volume when 42 is gone
  h.transport->expect_reply("ListVolumes", volumes_reply({next}));
  ExistingRef ref;
  ref.source_id = 42;
  try {
    h.driver->manage_existing_get_size(ctx, make_volume("new-vol"), ref);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
    EXPECT_EQ(e.field(), "existing_ref.source-id");
  }
}

TEST_F(AdminFixture, ByNameNeedsExactlyOneActiveVolume) {
  ExistingRef ref;
  ref.name = "legacy";
  VolSpec a;
  a.id = 1;
  a.name = "legacy";
  a.uuid = "";
  VolSpec b = a;
  b.id = 2;
  h.transport->expect_reply("ListVolumes", volumes_reply({a, b}));
  try {
    h.driver->manage_existing_get_size(ctx, make_volume("n"), ref);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(e.field(), "existing_ref.name");
  }
  b.status = "deleted";
  h.transport->expect_reply("ListVolumes", volumes_reply({a, b}));
  EXPECT_EQ(h.driver->manage_existing_get_size(ctx, make_volume("n"), ref), 10);
  a.status = "deleted";
  h.transport->expect_reply("ListVolumes", volumes_reply({a, b}));
  try {
    h.driver->manage_existing_get_size(ctx, make_volume("n"), ref);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kFailedPrecondition);
  }
  h.transport->expect_reply("ListVolumes", volumes_reply({}));
  try {
    h.driver->manage_existing_get_size(ctx, make_volume("n"), ref);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  }
  EXPECT_EQ(requests_of(*h.transport, "ListVolumes").at(0).params.view().string_or("volumeName", ""), "legacy");
}

TEST_F(AdminFixture, DeletedSourceIdIsFailedPrecondition) {
  VolSpec vs;
  vs.id = 42;
  vs.status = "deleted";
  h.transport->expect_reply("ListVolumes", volumes_reply({vs}));
  ExistingRef ref;
  ref.source_id = 42;
  try {
    h.driver->manage_existing(ctx, make_volume("n"), ref);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kFailedPrecondition);
  }
  EXPECT_EQ(h.transport->count("ModifyVolume"), 0);
}

TEST_F(AdminFixture, ManageSetsAttributesQosAndTenantAccount) {
  VolSpec vs;
  vs.id = 42;
  vs.account = 3;
  vs.name = "legacy-data";
  vs.uuid = "";
  vs.attributes = R"({"owner":"someone"})";
  h.transport->expect_reply("ListVolumes", volumes_reply({vs}));
  h.transport->expect_reply("ModifyVolume", ok("{}"));
  Volume v = make_volume("11111111-aaaa-4bbb-8ccc-222222222222", 10, "proj9");
  VolumeType t;
  t.extra_specs = {{"qos:minIOPS", "1000"}, {"qos:maxIOPS", "2000"}, {"qos:burstIOPS", "3000"}};
  v.volume_type = t;
  ExistingRef ref;
  ref.source_id = 42;
  const ModelUpdate m = h.driver->manage_existing(ctx, v, ref);
  EXPECT_EQ(h.transport->methods(), (Methods{"ListVolumes", "GetAccountByName", "AddAccount", "ModifyVolume"}));
  const JsonView p = modify_params();
  EXPECT_EQ(p.int64("volumeID"), 42);
  const int64_t account = *p.int64("accountID");
  EXPECT_NE(account, 3);
  EXPECT_EQ(p["attributes"].string_or("uuid", ""), v.id);
  EXPECT_EQ(p["attributes"].boolean("is_clone"), false);
  EXPECT_EQ(p["attributes"].string_or("old_name", ""), "legacy-data");
  EXPECT_TRUE(p["attributes"].has("os_imported_at"));
  EXPECT_EQ(p["qos"].int64("minIOPS"), 1000);
  EXPECT_EQ(p["qos"].int64("maxIOPS"), 2000);
  EXPECT_EQ(p["qos"].int64("burstIOPS"), 3000);
  EXPECT_EQ(m.provider_id, "42 " + std::to_string(account) + " " + h.transport->cluster.uuid);
  EXPECT_NE(m.provider_location->find("iqn.2010-01.com.solidfire:abcd.legacy-data.42"), std::string::npos);
  EXPECT_EQ(m.provider_auth->rfind("CHAP proj9 ", 0), 0u);
}

TEST_F(AdminFixture, ManageOfAVolumeAnotherCinderVolumeOwnsIsAlreadyExists) {
  VolSpec vs;
  vs.id = 42;
  vs.uuid = "99999999-aaaa-4bbb-8ccc-222222222222";
  vs.name = "UUID-" + vs.uuid;
  h.transport->expect_reply("ListVolumes", volumes_reply({vs}));
  ExistingRef ref;
  ref.source_id = 42;
  try {
    h.driver->manage_existing(ctx, make_volume("11111111-aaaa-4bbb-8ccc-222222222222"), ref);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kAlreadyExists);
  }
  EXPECT_EQ(h.transport->count("ModifyVolume"), 0);
}

TEST_F(AdminFixture, UnmanageMarksExportedAndKeepsTheVolume) {
  VolSpec vs;
  vs.attributes = R"({"uuid":")" + kAccVol + R"(","cinder-name":"db"})";
  h.transport->expect_reply("ListVolumes", volumes_reply({vs}));
  h.transport->expect_reply("ModifyVolume", ok("{}"));
  h.driver->unmanage(ctx, managed());
  EXPECT_EQ(h.transport->methods(), (Methods{"ListVolumes", "ModifyVolume"}));
  const JsonView p = modify_params();
  EXPECT_EQ(p["attributes"].string_or("uuid", ""), kAccVol);
  EXPECT_EQ(p["attributes"].string_or("cinder-name", ""), "db");
  EXPECT_TRUE(p["attributes"].has("os_exported_at"));
  EXPECT_FALSE(p.has("accountID"));
}

TEST_F(AdminFixture, UnmanageOfAMissingVolumeIsNotFound) {
  h.transport->expect_reply("ListVolumes", volumes_reply({}));
  Volume v = managed();
  v.project_id = "";
  try {
    h.driver->unmanage(ctx, v);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  }
}

// ------------------------------------------------------------------------------------------ transfer

TEST_F(AdminFixture, TransferMovesToTheNewProjectsAccountAndReturnsItsExport) {
  h.transport->cluster.add_account("proj1");
  h.transport->expect_reply("ListVolumes", volumes_reply({VolSpec{}}));
  h.transport->expect_reply("ModifyVolume", ok("{}"));
  const ModelUpdate m = h.driver->accept_transfer(ctx, managed(), "user2", "proj2");
  EXPECT_EQ(h.transport->methods(), (Methods{"ListVolumes", "GetAccountByName", "AddAccount", "ModifyVolume"}));
  const JsonView p = modify_params();
  const int64_t account = *p.int64("accountID");
  EXPECT_EQ(p.int64("volumeID"), 100);
  EXPECT_EQ(m.provider_id, "100 " + std::to_string(account) + " " + h.transport->cluster.uuid);
  EXPECT_EQ(m.provider_auth->rfind("CHAP proj2 ", 0), 0u);
}

TEST_F(AdminFixture, TransferUsesTheSecondaryAccountWhenThePrimaryIsFull) {
  const int64_t full = h.transport->cluster.add_account("proj2");
  for (int i = 0; i < 1990; ++i)
    h.transport->cluster.add_volume({0, full, "v" + std::to_string(i), "active", "", int64_t{1} << 30, true, 50});
  VolSpec vs;
  vs.account = 99;
  h.transport->expect_reply("ListVolumes", volumes_reply({vs}));
  h.transport->expect_reply("ModifyVolume", ok("{}"));
  const ModelUpdate m = h.driver->accept_transfer(ctx, managed(), "user2", "proj2");
  EXPECT_EQ(m.provider_auth->rfind("CHAP proj2_ ", 0), 0u) << *m.provider_auth;
  EXPECT_NE(*modify_params().int64("accountID"), full);
}

TEST_F(AdminFixture, TransferWhenBothAccountsAreFullIsResourceExhausted) {
  const int64_t a = h.transport->cluster.add_account("proj2");
  const int64_t b = h.transport->cluster.add_account("proj2_");
  for (int i = 0; i < 1990; ++i) {
    h.transport->cluster.add_volume({0, a, "a" + std::to_string(i), "active", "", int64_t{1} << 30, true, 50});
    h.transport->cluster.add_volume({0, b, "b" + std::to_string(i), "active", "", int64_t{1} << 30, true, 50});
  }
  VolSpec vs;
  vs.account = 99;
  h.transport->expect_reply("ListVolumes", volumes_reply({vs}));
  try {
    h.driver->accept_transfer(ctx, managed(), "user2", "proj2");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kResourceExhausted);
  }
  EXPECT_EQ(h.transport->count("ModifyVolume"), 0);
}

TEST_F(AdminFixture, RepeatedTransferDoesNotModifyAgain) {
  const int64_t acct = h.transport->cluster.add_account("proj2");
  VolSpec vs;
  vs.account = acct;
  h.transport->expect_reply("ListVolumes", volumes_reply({vs}));
  const ModelUpdate m = h.driver->accept_transfer(ctx, managed(), "user2", "proj2");
  EXPECT_EQ(h.transport->count("ModifyVolume"), 0);
  EXPECT_EQ(m.provider_id, "100 " + std::to_string(acct) + " " + h.transport->cluster.uuid);
}

TEST_F(AdminFixture, TransferOfAMissingVolumeIsNotFound) {
  h.transport->expect_reply("ListVolumes", volumes_reply({}));
  Volume v = managed();
  v.project_id = "";
  try {
    h.driver->accept_transfer(ctx, v, "u", "proj2");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  }
}

TEST_F(AdminFixture, LookupFindsVolumesInTheSecondaryAccount) {
  h.transport->cluster.add_account("proj1");
  const int64_t secondary = h.transport->cluster.add_account("proj1_");
  const int64_t id =
      h.transport->cluster.add_volume({0, secondary, "UUID-" + kAccVol, "active", kAccVol, int64_t{1} << 30, true, 50});
  h.transport->expect_reply("ModifyVolume", ok("{}"));
  Volume v = make_volume(kAccVol);  // no provider_id
  h.driver->unmanage(ctx, v);
  EXPECT_EQ(modify_params().int64("volumeID"), id);
  EXPECT_EQ(h.transport->count("ListVolumesForAccount"), 2);
}

// ------------------------------------------------------------------------------------------ identity

const std::string kSrc = "50000000-0000-4000-8000-000000000005";
const std::string kTgt = "70000000-0000-4000-8000-000000000007";

TEST_F(AdminFixture, RetriedDeleteOfAMigrationLeftoverNeverMatchesTheLiveVolume) {
  // After a migration the leftover record (id T) carries name_id S and the source's old provider_id.
  // The source is already gone; the live volume (uuid T) serves record S now and must survive.
  const int64_t acct = h.transport->cluster.add_account("proj1");
  const int64_t live =
      h.transport->cluster.add_volume({0, acct, "UUID-" + kTgt, "active", kTgt, int64_t{1} << 30, true, 50});
  Volume leftover = make_volume(kTgt);
  leftover.name_id = kSrc;
  leftover.provider_id = "5 " + std::to_string(acct) + " " + h.transport->cluster.uuid;  // gone: next is `live`
  h.driver->delete_volume(ctx, leftover);
  EXPECT_EQ(h.transport->count("DeleteVolume"), 0);
  EXPECT_TRUE(h.transport->cluster.volume(live).has_value());
}

TEST_F(AdminFixture, CinderNamedMigrationTargetIsKeyedByMigrationUuid) {
  // Cinder names a migration target after its source (uuid S) and records migration_uuid T.
  h.transport->cluster.add_account("proj1");
  VolSpec original;
  original.id = 100;
  original.name = "UUID-" + kSrc;
  original.uuid = kSrc;
  VolSpec target = original;
  target.id = 101;
  target.attributes = R"({"uuid":")" + kSrc + R"(","migration_uuid":")" + kTgt + R"("})";
  // Record S after the migration (name_id T) owns the target, not the original.
  Volume s = make_volume(kSrc);
  s.name_id = kTgt;
  h.transport->expect_reply("ListVolumesForAccount", volumes_reply({original, target}));
  h.transport->expect_reply("ModifyVolume", ok("{}"));
  h.driver->unmanage(ctx, s);
  EXPECT_EQ(modify_params().int64("volumeID"), 101);
  // The leftover record T (name_id S) owns the original, not the target.
  Volume t = make_volume(kTgt);
  t.name_id = kSrc;
  h.transport->expect_reply("ListVolumesForAccount", volumes_reply({original, target}));
  h.transport->expect_reply("ModifyVolume", ok("{}"));
  h.driver->unmanage(ctx, t);
  EXPECT_EQ(modify_params().int64("volumeID"), 100);
}

}  // namespace
}  // namespace sftest

namespace sftest {
namespace {

TEST_F(AdminFixture, MigrationTargetIsNamedAfterItsSourceAndNeverAdoptsIt) {
  const int64_t acct = h.transport->cluster.add_account("proj1");
  const int64_t src =
      h.transport->cluster.add_volume({0, acct, "UUID-" + kSrc, "active", kSrc, int64_t{1} << 30, true, 50});
  Volume t = make_volume(kTgt, 1);
  t.migration_status = "target:" + kSrc;
  const ModelUpdate m = h.driver->create_volume(ctx, t);
  EXPECT_EQ(h.transport->methods(), (Methods{"GetAccountByName", "ListVolumes", "CreateVolume"}));
  const auto create = requests_of(*h.transport, "CreateVolume").at(0);
  EXPECT_EQ(create.params.view().string_or("name", ""), "UUID-" + kSrc);
  EXPECT_EQ(create.params["attributes"].string_or("uuid", ""), kSrc);
  EXPECT_EQ(create.params["attributes"].string_or("migration_uuid", ""), kTgt);
  EXPECT_NE(m.provider_id->rfind(std::to_string(src) + " ", 0), 0u) << "a new volume, not the source";

  // Repeating the create finds the target by migration_uuid (the source of the same name is tolerated).
  VolSpec source_spec(src, acct, "UUID-" + kSrc, "active", kSrc);
  VolSpec target_spec(src + 1, acct, "UUID-" + kSrc, "active", kSrc);
  target_spec.attributes = R"({"uuid":")" + kSrc + R"(","migration_uuid":")" + kTgt + R"("})";
  h.transport->clear();
  h.transport->expect_reply("ListVolumes", volumes_reply({source_spec, target_spec}));
  const ModelUpdate again = h.driver->create_volume(ctx, t);
  EXPECT_EQ(h.transport->count("CreateVolume"), 0);
  EXPECT_EQ(again.provider_id->substr(0, again.provider_id->find(' ')), std::to_string(src + 1));
  // And an ordinary create of the source id still finds the source, not the target.
  h.transport->expect_reply("ListVolumes", volumes_reply({target_spec, source_spec}));
  const ModelUpdate s = h.driver->create_volume(ctx, make_volume(kSrc, 1));
  EXPECT_EQ(s.provider_id->substr(0, s.provider_id->find(' ')), std::to_string(src));
}

}  // namespace
}  // namespace sftest
