// Administration operations through the ABI against element-sim: manage_existing(_get_size) by
// source-id and by name (missing, deleted, gone id never replaced by the next volume), unmanage,
// accept_transfer (new project, secondary account, both full), attach/detach bookkeeping of a
// multiattach volume, update_provider_info (one listing each, only changes).
#include <cstdint>
#include <string>
#include <vector>

#include "support.h"

namespace it {
namespace {

constexpr int64_t kGiB = int64_t{1} << 30;

class Admin : public ::testing::Test {
 protected:
  Sim& sim = shared_sim();

  // A volume created outside the driver (another tool, another cloud).
  int64_t foreign_volume(const std::string& name, int64_t bytes) {
    const int64_t account = sim.add_account(unique_name("it-foreign"));
    const Json r = sim.rpc("CreateVolume", R"({"name":)" + quote(name) + R"(,"accountID":)" + std::to_string(account) +
                                               R"(,"totalSize":)" + std::to_string(bytes) +
                                               R"(,"attributes":{"owner":"legacy"}})");
    return r["volumeID"].i64();
  }
  static std::string volume_json(const std::string& id, const std::string& project) {
    return R"({"id":)" + quote(id) + R"(,"size":2,"project_id":)" + quote(project) +
           R"(,"volume_type":{"id":"t","name":"gold","extra_specs":{"qos:minIOPS":"1100","qos:maxIOPS":"2200",)"
           R"("qos:burstIOPS":"3300"}}})";
  }
};

TEST_F(Admin, ManageBySourceIdThenUnmanage) {
  auto drv = ready_driver(sim);
  const std::string name = unique_name("legacy");
  const int64_t vid = foreign_volume(name, kGiB + kGiB / 2);
  const std::string id = new_uuid();
  const std::string project = unique_name("it-manage");
  const std::string ref = R"("existing_ref":{"source-id":)" + std::to_string(vid) + "}";

  const Json size =
      ok_json(drv->call("manage_existing_get_size", "{\"volume\":" + volume_json(id, project) + "," + ref + "}"),
              "manage_existing_get_size");
  EXPECT_EQ(size["size"].i64(), 2) << "1.5 GiB rounds up to 2";

  const uint64_t before = sim.total();
  const Json model = ok_json(drv->call("manage_existing", "{\"volume\":" + volume_json(id, project) + "," + ref + "}"),
                             "manage_existing");
  EXPECT_LE(sim.total() - before, 4u) << "lookup + account (get or create) + ModifyVolume";
  const auto vol = sim.volume_by_id(vid);
  ASSERT_TRUE(vol.has_value());
  const auto account = sim.account_by_name(project);
  ASSERT_TRUE(account.has_value()) << "the tenant account is created";
  EXPECT_EQ((*vol)["accountID"].i64(), (*account)["accountID"].i64());
  EXPECT_EQ((*vol)["attributes"]["uuid"].str(), id);
  EXPECT_FALSE((*vol)["attributes"]["is_clone"].boolean());
  EXPECT_EQ((*vol)["attributes"]["old_name"].str(), name);
  EXPECT_TRUE((*vol)["attributes"]["os_imported_at"].is_string());
  EXPECT_EQ((*vol)["qos"]["minIOPS"].i64(), 1100);
  EXPECT_EQ((*vol)["qos"]["maxIOPS"].i64(), 2200);
  EXPECT_EQ((*vol)["qos"]["burstIOPS"].i64(), 3300);
  EXPECT_EQ(model["provider_id"].str(), std::to_string(vid) + " " + std::to_string((*account)["accountID"].i64()) +
                                            " " + sim.cluster_info()["uuid"].str());
  EXPECT_EQ(model["provider_auth"].str(), "CHAP " + project + " " + (*account)["targetSecret"].str());
  EXPECT_EQ(model["provider_location"].str(), sim.cluster_info()["svip"].str() + ":3260 " + (*vol)["iqn"].str() + " 0");

  // Repeating manage is harmless.
  ok_json(drv->call("manage_existing", "{\"volume\":" + volume_json(id, project) + "," + ref + "}"), "manage again");

  // unmanage marks it exported and leaves it on the cluster.
  const std::string with_model = volume_object(id, 2, project, model);
  ok_json(drv->call("unmanage", "{\"volume\":" + with_model + "}"), "unmanage");
  const auto after = sim.volume_by_id(vid);
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ((*after)["status"].str(), "active");
  EXPECT_TRUE((*after)["attributes"]["os_exported_at"].is_string()) << (*after)["attributes"].dump();
  EXPECT_EQ((*after)["attributes"]["uuid"].str(), id);
  sim.rpc("DeleteVolume", R"({"volumeID":)" + std::to_string(vid) + "}");
  sim.rpc("PurgeDeletedVolume", R"({"volumeID":)" + std::to_string(vid) + "}");
}

TEST_F(Admin, ManageByNameAndItsErrors) {
  auto drv = ready_driver(sim);
  const std::string name = unique_name("byname");
  const int64_t vid = foreign_volume(name, 3 * kGiB);
  const std::string project = unique_name("it-manage");
  auto call = [&](const std::string& op, const std::string& ref) {
    return drv->call(op, "{\"volume\":" + volume_json(new_uuid(), project) + ",\"existing_ref\":" + ref + "}");
  };
  EXPECT_EQ(ok_json(call("manage_existing_get_size", R"({"name":)" + quote(name) + "}"), "size by name")["size"].i64(),
            3);

  // Missing name / id.
  EXPECT_TRUE(IsError(call("manage_existing_get_size", R"({"name":"no-such-volume-anywhere"})"), VDP_E_NOT_FOUND,
                      "manage_existing_get_size", "existing_ref.name"));
  EXPECT_TRUE(IsError(call("manage_existing", R"({"source-id":987654321})"), VDP_E_NOT_FOUND, "manage_existing",
                      "existing_ref.source-id"));

  // A gone id is never replaced by the next volume (Cinder 2.2.5 would manage `vid`).
  const int64_t gone = foreign_volume(unique_name("gone"), kGiB);
  sim.rpc("DeleteVolume", R"({"volumeID":)" + std::to_string(gone) + "}");
  sim.rpc("PurgeDeletedVolume", R"({"volumeID":)" + std::to_string(gone) + "}");
  const int64_t next = foreign_volume(unique_name("next"), kGiB);
  ASSERT_GT(next, gone);
  EXPECT_TRUE(IsError(call("manage_existing", R"({"source-id":)" + std::to_string(gone) + "}"), VDP_E_NOT_FOUND,
                      "manage_existing", "existing_ref.source-id"));
  EXPECT_FALSE(sim.volume_by_id(next).value()["attributes"].has("uuid")) << "the next volume was left alone";

  // A deleted (not purged) volume cannot be managed.
  sim.rpc("DeleteVolume", R"({"volumeID":)" + std::to_string(vid) + "}");
  EXPECT_TRUE(IsError(call("manage_existing", R"({"name":)" + quote(name) + "}"), VDP_E_FAILED_PRECONDITION,
                      "manage_existing", "existing_ref.name"));
  EXPECT_TRUE(IsError(call("manage_existing", R"({"source-id":)" + std::to_string(vid) + "}"),
                      VDP_E_FAILED_PRECONDITION, "manage_existing", "existing_ref.source-id"));
  sim.rpc("PurgeDeletedVolume", R"({"volumeID":)" + std::to_string(vid) + "}");

  // Two active volumes with one name: ambiguous.
  const std::string dup = unique_name("dup");
  foreign_volume(dup, kGiB);
  foreign_volume(dup, kGiB);
  EXPECT_TRUE(IsError(call("manage_existing", R"({"name":)" + quote(dup) + "}"), VDP_E_INVALID_ARGUMENT,
                      "manage_existing", "existing_ref.name"));
}

TEST_F(Admin, ManagingAVolumeAnotherCinderVolumeOwnsIsRefused) {
  auto drv = ready_driver(sim);
  const std::string id = new_uuid();
  const std::string project = unique_name("it-owned");
  const Json model = ok_json(drv->call("create_volume", create_request(id, 1, project)), "create");
  const std::string vid = split(model["provider_id"].str()).at(0);
  EXPECT_TRUE(IsError(drv->call("manage_existing", "{\"volume\":" + volume_json(new_uuid(), project) +
                                                       R"(,"existing_ref":{"source-id":)" + vid + "}}"),
                      VDP_E_ALREADY_EXISTS, "manage_existing", "existing_ref.source-id"));
  ok_json(drv->call("delete_volume", volume_request(id, 1, project, model)), "delete");
}

TEST_F(Admin, AcceptTransferMovesTheVolumeToTheNewProject) {
  auto drv = ready_driver(sim);
  const std::string id = new_uuid();
  const std::string from = unique_name("it-from");
  const std::string to = unique_name("it-to");
  const Json model = ok_json(drv->call("create_volume", create_request(id, 1, from)), "create");
  const Json moved = ok_json(drv->call("accept_transfer", "{\"volume\":" + volume_object(id, 1, from, model) +
                                                              R"(,"new_user":"u2","new_project":)" + quote(to) + "}"),
                             "accept_transfer");
  const auto account = sim.account_by_name(to);
  ASSERT_TRUE(account.has_value()) << "the new project's account is created";
  const auto pid = split(moved["provider_id"].str());
  ASSERT_EQ(pid.size(), 3u);
  EXPECT_EQ(pid[0], split(model["provider_id"].str())[0]);
  EXPECT_EQ(std::stoll(pid[1]), (*account)["accountID"].i64());
  EXPECT_EQ(moved["provider_auth"].str(), "CHAP " + to + " " + (*account)["targetSecret"].str());
  EXPECT_EQ(sim.volume_by_id(std::stoll(pid[0])).value()["accountID"].i64(), (*account)["accountID"].i64());
  // Repeating it is harmless; the new owner can delete it.
  ok_json(drv->call("accept_transfer", "{\"volume\":" + volume_object(id, 1, from, model) +
                                           R"(,"new_user":"u2","new_project":)" + quote(to) + "}"),
          "accept_transfer again");
  ok_json(drv->call("delete_volume", volume_request(id, 1, to, moved)), "delete by the new owner");
  EXPECT_FALSE(sim.volume_by_id(std::stoll(pid[0])).has_value());

  EXPECT_TRUE(IsError(drv->call("accept_transfer", "{\"volume\":" + volume_object(new_uuid(), 1, from, Json()) +
                                                       R"(,"new_user":"u2","new_project":)" + quote(to) + "}"),
                      VDP_E_NOT_FOUND, "accept_transfer", "volume.id"));
}

TEST_F(Admin, SecondaryAccountWhenThePrimaryIsFullAndBothFullIsExhausted) {
  Sim own;  // its own cluster: thousands of seed volumes
  auto drv = ready_driver(own);
  const std::string to = unique_name("it-full");
  const int64_t primary = own.add_account(to);
  for (int i = 0; i < 1990; ++i) {
    own.rpc("CreateVolume", R"({"name":"seed-)" + std::to_string(i) + R"(","accountID":)" + std::to_string(primary) +
                                R"(,"totalSize":1073741824})");
  }
  const std::string id = new_uuid();
  const std::string from = unique_name("it-from");
  const Json model = ok_json(drv->call("create_volume", create_request(id, 1, from)), "create");
  const Json moved = ok_json(drv->call("accept_transfer", "{\"volume\":" + volume_object(id, 1, from, model) +
                                                              R"(,"new_user":"u","new_project":)" + quote(to) + "}"),
                             "accept_transfer into a full primary");
  const auto secondary = own.account_by_name(to + "_");
  ASSERT_TRUE(secondary.has_value()) << "secondary account created";
  EXPECT_EQ(std::stoll(split(moved["provider_id"].str())[1]), (*secondary)["accountID"].i64());
  EXPECT_EQ(moved["provider_auth"].str(), "CHAP " + to + "_ " + (*secondary)["targetSecret"].str());

  // Lookups without provider_id find it in the secondary account (attach bookkeeping here).
  const std::string no_pid = R"({"id":)" + quote(id) + R"(,"size":1,"project_id":)" + quote(to) + "}";
  ok_json(drv->call("attach_volume", "{\"volume\":" + no_pid +
                                         R"(,"instance_uuid":"i-1","host_name":"h",)"
                                         R"("mountpoint":"/dev/vdb","attach_time":"2024-05-01T10:00:00Z"})"),
          "attach_volume in the secondary account");
  const int64_t vid = std::stoll(split(moved["provider_id"].str())[0]);
  EXPECT_EQ(own.volume_by_id(vid).value()["attributes"]["attached_to"].str(), "i-1");
  // ensure_export without provider_id answers with the secondary account's CHAP, not the primary's.
  const Json exported = ok_json(drv->call("ensure_export", "{\"volume\":" + no_pid + "}"), "ensure_export");
  EXPECT_EQ(exported["provider_auth"].str(), "CHAP " + to + "_ " + (*secondary)["targetSecret"].str());

  // Both full: RESOURCE_EXHAUSTED and the volume stays where it was.
  for (int i = 0; i < 1989; ++i) {
    own.rpc("CreateVolume", R"({"name":"seed2-)" + std::to_string(i) + R"(","accountID":)" +
                                std::to_string((*secondary)["accountID"].i64()) + R"(,"totalSize":1073741824})");
  }
  // A fresh driver: this one's account cache saw the secondary nearly empty (volumes created behind a
  // driver's back are seen when its cached count reaches the limit, and Element refuses at 2000 anyway).
  auto fresh = ready_driver(own);
  const std::string id2 = new_uuid();
  const Json model2 = ok_json(fresh->call("create_volume", create_request(id2, 1, from)), "create 2");
  EXPECT_TRUE(IsError(fresh->call("accept_transfer", "{\"volume\":" + volume_object(id2, 1, from, model2) +
                                                         R"(,"new_user":"u","new_project":)" + quote(to) + "}"),
                      VDP_E_RESOURCE_EXHAUSTED, "accept_transfer"));
  const auto src = own.account_by_name(from);
  EXPECT_EQ(own.volume_by_id(std::stoll(split(model2["provider_id"].str())[0])).value()["accountID"].i64(),
            (*src)["accountID"].i64());
}

TEST_F(Admin, AttachDetachBookkeepingIsMultiattachSafe) {
  auto drv = ready_driver(sim);
  const std::string id = new_uuid();
  const std::string project = unique_name("it-attach");
  const Json model = ok_json(drv->call("create_volume", create_request(id, 1, project)), "create");
  const std::string vobj = volume_object(id, 1, project, model);
  const int64_t vid = std::stoll(split(model["provider_id"].str())[0]);
  auto attach = [&](const std::string& inst, const std::string& t) {
    ok_json(
        drv->call("attach_volume", "{\"volume\":" + vobj + R"(,"instance_uuid":)" + quote(inst) +
                                       R"(,"host_name":"h","mountpoint":"/dev/vdb","attach_time":)" + quote(t) + "}"),
        "attach_volume " + inst);
  };
  attach("inst-a", "2024-05-01T10:00:00Z");
  attach("inst-b", "2024-05-01T11:00:00Z");
  Json attrs = sim.volume_by_id(vid).value()["attributes"];
  EXPECT_EQ(attrs["attachments"]["inst-a"].str(), "2024-05-01T10:00:00Z");
  EXPECT_EQ(attrs["attachments"]["inst-b"].str(), "2024-05-01T11:00:00Z");
  EXPECT_EQ(attrs["attached_to"].str(), "inst-b");
  EXPECT_EQ(attrs["uuid"].str(), id) << "other attributes are kept";

  ok_json(
      drv->call("detach_volume", "{\"volume\":" + vobj + R"(,"attachment":{"id":"att-1","instance_uuid":"inst-b"}})"),
      "detach_volume inst-b");
  attrs = sim.volume_by_id(vid).value()["attributes"];
  EXPECT_FALSE(attrs["attachments"].has("inst-b"));
  EXPECT_EQ(attrs["attachments"]["inst-a"].str(), "2024-05-01T10:00:00Z") << "the other attachment survives";
  EXPECT_EQ(attrs["attached_to"].str(), "inst-a");

  ok_json(drv->call("detach_volume", "{\"volume\":" + vobj + "}"), "detach_volume (all)");
  attrs = sim.volume_by_id(vid).value()["attributes"];
  EXPECT_TRUE(attrs["attached_to"].is_null()) << attrs.dump();
  EXPECT_FALSE(attrs.has("attachments"));
  ok_json(drv->call("detach_volume", "{\"volume\":" + vobj + "}"), "detach_volume repeated");

  EXPECT_TRUE(IsError(drv->call("attach_volume", "{\"volume\":" + volume_object(new_uuid(), 1, project, Json()) +
                                                     R"(,"instance_uuid":"x"})"),
                      VDP_E_NOT_FOUND, "attach_volume", "volume.id"));
  ok_json(drv->call("delete_volume", volume_request(id, 1, project, model)), "delete");
}

// Host-assisted migration on one cluster: the target is named after its source (uuid = source id,
// migration_uuid = its own id); after the host swaps the records, the source record (name_id = target)
// reaches the target and deleting the leftover record (name_id = source) removes only the old volume.
TEST_F(Admin, MigrationTargetNamedAfterItsSourceAndRecordsSwapSafely) {
  auto drv = ready_driver(sim);
  const std::string project = unique_name("it-mig");
  const std::string s = new_uuid();
  const std::string t = new_uuid();
  const Json ms = ok_json(drv->call("create_volume", create_request(s, 1, project)), "create source");
  const std::string target_req = R"({"volume":{"id":)" + quote(t) + R"(,"size":1,"project_id":)" + quote(project) +
                                 R"(,"migration_status":)" + quote("target:" + s) + "}}";
  const Json mt = ok_json(drv->call("create_volume", target_req), "create migration target");
  ok_json(drv->call("create_volume", target_req), "create migration target again (idempotent)");
  const int64_t sid = std::stoll(split(ms["provider_id"].str())[0]);
  const int64_t tid = std::stoll(split(mt["provider_id"].str())[0]);
  ASSERT_NE(sid, tid);
  const auto named = sim.volumes_named("UUID-" + s);
  EXPECT_EQ(named.size(), 2u) << "source and target share the source's name";
  const Json tv = sim.volume_by_id(tid).value();
  EXPECT_EQ(tv["attributes"]["uuid"].str(), s);
  EXPECT_EQ(tv["attributes"]["migration_uuid"].str(), t);

  // After the swap: record s points at the target (name_id t), record t at the source (name_id s).
  const std::string rec_s = R"({"id":)" + quote(s) + R"(,"size":1,"project_id":)" + quote(project) + R"(,"name_id":)" +
                            quote(t) + R"(,"provider_id":)" + quote(mt["provider_id"].str()) + "}";
  const std::string rec_t = R"({"id":)" + quote(t) + R"(,"size":1,"project_id":)" + quote(project) + R"(,"name_id":)" +
                            quote(s) + R"(,"provider_id":)" + quote(ms["provider_id"].str()) + "}";
  ok_json(drv->call("delete_volume", "{\"volume\":" + rec_t + "}"), "delete the leftover record");
  EXPECT_FALSE(sim.volume_by_id(sid).has_value()) << "the old volume is gone";
  EXPECT_TRUE(sim.volume_by_id(tid).has_value()) << "the migrated volume survives";
  ok_json(drv->call("delete_volume", "{\"volume\":" + rec_t + "}"), "delete the leftover record again");
  EXPECT_TRUE(sim.volume_by_id(tid).has_value()) << "a retried delete never reaches the live volume";
  ok_json(drv->call("attach_volume", "{\"volume\":" + rec_s + R"(,"instance_uuid":"i-9"})"), "attach migrated");
  EXPECT_EQ(sim.volume_by_id(tid).value()["attributes"]["attached_to"].str(), "i-9");
  ok_json(drv->call("delete_volume", "{\"volume\":" + rec_s + "}"), "delete the migrated volume");
  EXPECT_FALSE(sim.volume_by_id(tid).has_value());
}

TEST_F(Admin, UpdateProviderInfoListsOnceAndReturnsOnlyChanges) {
  Sim own;
  auto drv = ready_driver(own);
  const std::string project = unique_name("it-upi");
  const std::string a = new_uuid();
  const std::string b = new_uuid();
  const Json ma = ok_json(drv->call("create_volume", create_request(a, 1, project)), "create a");
  const Json mb = ok_json(drv->call("create_volume", create_request(b, 1, project)), "create b");
  const std::string uuid = own.cluster_info()["uuid"].str();
  const uint64_t lv = own.count("ListVolumes");
  const uint64_t ls = own.count("ListSnapshots");
  const uint64_t total = own.total();
  const std::string stale_b = R"({"id":)" + quote(b) + R"(,"size":1,"project_id":)" + quote(project) +
                              R"(,"provider_id":"424242 1 )" + uuid + "\"}";
  const std::string missing = R"({"id":)" + quote(new_uuid()) + R"(,"size":1})";
  const Json r =
      ok_json(drv->call("update_provider_info", "{\"volumes\":[" + volume_object(a, 1, project, ma) + "," + stale_b +
                                                    "," + missing + R"(],"snapshots":[{"id":)" + quote(new_uuid()) +
                                                    R"(,"volume_id":)" + quote(a) + "}]}"),
              "update_provider_info");
  EXPECT_EQ(own.count("ListVolumes") - lv, 1u);
  EXPECT_EQ(own.count("ListSnapshots") - ls, 1u);
  EXPECT_EQ(own.total() - total, 2u);
  ASSERT_EQ(r["volumes"].size(), 1u) << r.dump();
  EXPECT_EQ(r["volumes"].at(0)["id"].str(), b);
  EXPECT_EQ(r["volumes"].at(0)["provider_id"].str(), mb["provider_id"].str());
  EXPECT_EQ(r["snapshots"].size(), 0u);
}

}  // namespace
}  // namespace it
