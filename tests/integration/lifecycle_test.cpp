// Lifecycle, idempotency and lifetime of drivers: the plugin driven through the reference host library
// against an in-process element-sim cluster over verified TLS; cluster state is checked independently
// of the driver through Server::handle().
#include <cstdint>
#include <string>

#include "support.h"

namespace it {
namespace {

constexpr int64_t kGiB = int64_t{1} << 30;

class Lifecycle : public ::testing::Test {
 protected:
  Sim& sim = shared_sim();
};

TEST_F(Lifecycle, CreateExportConnectDelete) {
  LogCapture logs;
  auto drv = ready_driver(sim, &logs, {{"vdp_log_level", "trace"}});
  const std::string id = new_uuid();
  const std::string project = unique_name("it-life");
  const int64_t size = 2;

  vh::CallOptions opts;
  opts.request_id = "req-life-create";
  const Json model = ok_json(drv->call("create_volume", create_request(id, size, project), opts), "create_volume");

  // provider_id "<volumeID> <accountID> <clusterUUID>"
  const auto pid = split(model["provider_id"].str());
  ASSERT_EQ(pid.size(), 3u) << model.dump();
  const int64_t volume_id = std::stoll(pid[0]);
  const int64_t account_id = std::stoll(pid[1]);
  const Json cluster = sim.cluster_info();
  EXPECT_EQ(pid[2], cluster["uuid"].str());
  EXPECT_FALSE(model.has("provider_geometry")) << "sf_emulate_512 defaults to true: no geometry expected";

  // The volume as the cluster sees it.
  const auto vol = sim.volume_by_id(volume_id);
  ASSERT_TRUE(vol.has_value()) << "volume " << volume_id << " not on the cluster";
  EXPECT_EQ((*vol)["name"].str(), "UUID-" + id);
  EXPECT_EQ((*vol)["totalSize"].i64(), size * kGiB);
  EXPECT_EQ((*vol)["accountID"].i64(), account_id);
  EXPECT_EQ((*vol)["status"].str(), "active");
  EXPECT_TRUE((*vol)["enable512e"].boolean());
  EXPECT_EQ((*vol)["attributes"]["uuid"].str(), id) << (*vol)["attributes"].dump();
  EXPECT_EQ((*vol)["qos"]["minIOPS"].i64(), 1000);
  EXPECT_EQ((*vol)["qos"]["maxIOPS"].i64(), 5000);
  EXPECT_EQ((*vol)["qos"]["burstIOPS"].i64(), 8000);
  const std::string iqn = (*vol)["iqn"].str();

  // The tenant account: named after the project, CHAP secrets in provider_auth.
  const auto account = sim.account_by_name(project);
  ASSERT_TRUE(account.has_value()) << "no account named " << project;
  EXPECT_EQ((*account)["accountID"].i64(), account_id);
  const std::string username = (*account)["username"].str();
  const std::string secret = (*account)["targetSecret"].str();
  ASSERT_FALSE(secret.empty());

  EXPECT_EQ(model["provider_location"].str(), cluster["svip"].str() + ":3260 " + iqn + " 0");
  EXPECT_EQ(model["provider_auth"].str(), "CHAP " + username + " " + secret);

  // Exports hand back the same CHAP credentials.
  const std::string vreq = volume_request(id, size, project, model);
  const std::string vobj = volume_object(id, size, project, model);
  const Json exp = ok_json(drv->call("create_export", "{\"volume\":" + vobj + ",\"connector\":" + connector_json() + "}"),
                           "create_export");
  EXPECT_EQ(exp["provider_auth"].str(), model["provider_auth"].str());
  const Json ens = ok_json(drv->call("ensure_export", vreq), "ensure_export");
  EXPECT_EQ(ens["provider_auth"].str(), model["provider_auth"].str());

  // iSCSI connection info.
  const Json conn = ok_json(
      drv->call("initialize_connection", "{\"volume\":" + vobj + ",\"connector\":" + connector_json() + "}"),
      "initialize_connection");
  EXPECT_EQ(conn["driver_volume_type"].str(), "iscsi");
  const Json data = conn["data"];
  EXPECT_EQ(data["target_portal"].str(), cluster["svip"].str() + ":3260");
  EXPECT_EQ(data["target_iqn"].str(), iqn);
  EXPECT_TRUE(data["target_lun"].is_number());
  EXPECT_EQ(data["target_lun"].i64(), 0);
  EXPECT_EQ(data["auth_method"].str(), "CHAP");
  EXPECT_EQ(data["auth_username"].str(), username);
  EXPECT_EQ(data["auth_password"].str(), secret);
  EXPECT_TRUE(data["discard"].boolean());

  ok_json(drv->call("remove_export", vreq), "remove_export");

  // Stats of the backend.
  const Json stats = ok_json(drv->call("get_volume_stats", R"({"refresh":true})"), "get_volume_stats");
  EXPECT_EQ(stats["volume_backend_name"].str(), "it-backend");
  EXPECT_TRUE(stats["total_capacity_gb"].is_number()) << stats.dump();
  EXPECT_TRUE(stats["free_capacity_gb"].is_number()) << stats.dump();
  EXPECT_GT(stats["total_capacity_gb"].num(), 0.0);
  EXPECT_LE(stats["free_capacity_gb"].num(), stats["total_capacity_gb"].num());
  EXPECT_TRUE(stats["QoS_support"].boolean());
  EXPECT_TRUE(stats.has("provisioned_iops")) << stats.dump();

  // Delete: gone from the cluster, not merely deleted (purged), and a second delete still succeeds.
  const Json del = ok_json(drv->call("delete_volume", vreq), "delete_volume");
  EXPECT_EQ(del.size(), 0u) << del.dump();
  EXPECT_FALSE(sim.volume_by_id(volume_id).has_value()) << "volume still on the cluster after delete_volume";
  const Json deleted = sim.rpc("ListDeletedVolumes")["volumes"];
  for (size_t i = 0; i < deleted.size(); ++i) EXPECT_NE(deleted.at(i)["volumeID"].i64(), volume_id);
  ok_json(drv->call("delete_volume", vreq), "second delete_volume");
  // A volume that never existed, without provider_id.
  ok_json(drv->call("delete_volume", R"({"volume":{"id":")" + new_uuid() + R"(","project_id":")" + project + R"("}})"),
          "delete_volume of an unknown volume");

  // Secrets never reach the log, whatever the level.
  ASSERT_FALSE(logs.lines().empty()) << "no log lines at trace level";
  EXPECT_FALSE(logs.contains(kSimPassword)) << "cluster password in the plugin's log";
  EXPECT_FALSE(logs.contains(secret)) << "CHAP secret in the plugin's log";
}

TEST_F(Lifecycle, Emulate512OffReportsGeometry) {
  auto drv = ready_driver(sim, nullptr, {{"sf_emulate_512", "false"}});
  const std::string id = new_uuid();
  const std::string project = unique_name("it-4k");
  const Json model = ok_json(drv->call("create_volume", create_request(id, 1, project)), "create_volume");
  EXPECT_EQ(model["provider_geometry"].str(), "4096 4096");
  const auto pid = split(model["provider_id"].str());
  ASSERT_EQ(pid.size(), 3u);
  const auto vol = sim.volume_by_id(std::stoll(pid[0]));
  ASSERT_TRUE(vol.has_value());
  EXPECT_FALSE((*vol)["enable512e"].boolean());
  ok_json(drv->call("delete_volume", volume_request(id, 1, project, model)), "delete_volume");
}

TEST_F(Lifecycle, CreateIsIdempotentAndAccountsAreReused) {
  auto drv = ready_driver(sim);
  const std::string project = unique_name("it-idem");
  const std::string id = new_uuid();
  const uint64_t add_before = sim.count("AddAccount");

  const Json first = ok_json(drv->call("create_volume", create_request(id, 1, project)), "first create");
  const Json second = ok_json(drv->call("create_volume", create_request(id, 1, project)), "repeated create");
  EXPECT_EQ(first["provider_id"].str(), second["provider_id"].str());
  EXPECT_EQ(first["provider_location"].str(), second["provider_location"].str());
  EXPECT_EQ(first["provider_auth"].str(), second["provider_auth"].str());

  // A second driver (empty caches) repeating the create also finds the same volume.
  auto other = ready_driver(sim);
  const Json third = ok_json(other->call("create_volume", create_request(id, 1, project)), "create from 2nd driver");
  EXPECT_EQ(first["provider_id"].str(), third["provider_id"].str());

  const std::string id2 = new_uuid();
  const Json fourth = ok_json(drv->call("create_volume", create_request(id2, 1, project)), "create of another id");
  const auto p1 = split(first["provider_id"].str());
  const auto p4 = split(fourth["provider_id"].str());
  ASSERT_EQ(p1.size(), 3u);
  ASSERT_EQ(p4.size(), 3u);
  EXPECT_NE(p1[0], p4[0]) << "two ids share one Element volume";
  EXPECT_EQ(p1[1], p4[1]) << "same project must reuse its account";
  EXPECT_EQ(sim.count("AddAccount") - add_before, 1u) << "the project's account was added more than once";

  // Exactly one volume per id on the cluster.
  EXPECT_EQ(sim.volumes_named("UUID-" + id).size(), 1u);
  EXPECT_EQ(sim.volumes_named("UUID-" + id2).size(), 1u);
  const auto vols = sim.account_volumes(std::stoll(p1[1]));
  EXPECT_EQ(vols.size(), 2u);

  ok_json(drv->call("delete_volume", volume_request(id, 1, project, first)), "delete");
  ok_json(drv->call("delete_volume", volume_request(id2, 1, project, fourth)), "delete");
  EXPECT_TRUE(sim.account_volumes(std::stoll(p1[1])).empty());
}

// Two drivers from one plugin at the same time, destroyed in either order; the survivor keeps working,
// and a driver keeps its plugin alive after the caller dropped its own reference.
TEST_F(Lifecycle, TwoDriversDestroyedInEitherOrder) {
  for (int order = 0; order < 2; ++order) {
    SCOPED_TRACE(order == 0 ? "destroy first-created first" : "destroy second-created first");
    auto a = ready_driver(sim);
    auto b = ready_driver(sim);
    const std::string project = unique_name("it-two");
    const std::string ida = new_uuid(), idb = new_uuid();
    const Json ma = ok_json(a->call("create_volume", create_request(ida, 1, project)), "create on a");
    const Json mb = ok_json(b->call("create_volume", create_request(idb, 1, project)), "create on b");
    std::unique_ptr<vh::Driver>& gone = order == 0 ? a : b;
    std::unique_ptr<vh::Driver>& kept = order == 0 ? b : a;
    gone.reset();
    ok_json(kept->call("get_volume_stats", R"({"refresh":true})"), "stats on survivor");
    ok_json(kept->call("delete_volume", volume_request(ida, 1, project, ma)), "delete a's volume on survivor");
    ok_json(kept->call("delete_volume", volume_request(idb, 1, project, mb)), "delete b's volume on survivor");
    kept.reset();
  }

  // A Driver holds the plugin: load a second handle, drop it, keep using the driver.
  auto p = vh::Plugin::load(plugin_path());
  EXPECT_EQ(&p->descriptor(), &plugin()->descriptor()) << "the descriptor is static";
  EXPECT_EQ(p->descriptor().abi_version, static_cast<uint32_t>(VDP_ABI_VERSION));
  auto d = std::make_unique<vh::Driver>(p, sim_config(sim));
  p.reset();
  ASSERT_TRUE(d->setup().ok());
  ok_json(d->call("describe", "{}"), "describe after dropping the plugin handle");
  d.reset();
}

}  // namespace
}  // namespace it
