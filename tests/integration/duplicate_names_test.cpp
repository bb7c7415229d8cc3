// Duplicate names on the cluster: Element allows several volumes with one name, so identity is the
// uuid attribute and the provider_id, never the name alone.
#include <gtest/gtest.h>

#include <string>

#include "support.h"

namespace it {
namespace {

TEST(DuplicateNames, CreateRefusesANameTakenByAnotherVolume) {
  Sim& sim = shared_sim();
  auto drv = ready_driver(sim);
  const std::string project = unique_name("dup-create");
  const int64_t account = sim.add_account(project);
  const std::string id = new_uuid();
  // Someone else's active volume already carries the name this volume would get.
  sim.rpc("CreateVolume", "{\"name\":\"UUID-" + id + "\",\"accountID\":" + std::to_string(account) +
                              ",\"totalSize\":1073741824,\"attributes\":{\"uuid\":\"someone-else\"}}");
  const uint64_t creates = sim.count("CreateVolume");
  EXPECT_TRUE(IsError(drv->call("create_volume", create_request(id, 1, project)), VDP_E_ALREADY_EXISTS,
                      "create_volume"));
  EXPECT_EQ(sim.count("CreateVolume"), creates) << "nothing was created";
  EXPECT_EQ(sim.volumes_named("UUID-" + id).size(), 1u);
}

TEST(DuplicateNames, DeletedVolumeWithTheNameDoesNotBlockCreate) {
  Sim& sim = shared_sim();
  auto drv = ready_driver(sim);
  const std::string project = unique_name("dup-deleted");
  const int64_t account = sim.add_account(project);
  const std::string id = new_uuid();
  const Json old = sim.rpc("CreateVolume", "{\"name\":\"UUID-" + id + "\",\"accountID\":" + std::to_string(account) +
                                               ",\"totalSize\":1073741824,\"attributes\":{\"uuid\":\"old\"}}");
  sim.rpc("DeleteVolume", "{\"volumeID\":" + std::to_string(old["volumeID"].i64()) + "}");  // not purged
  const Json model = ok_json(drv->call("create_volume", create_request(id, 1, project)), "create");
  EXPECT_NE(std::stoll(split(model["provider_id"].str()).at(0)), old["volumeID"].i64());
}

TEST(DuplicateNames, DeleteRemovesOnlyTheVolumeWithItsUuid) {
  Sim& sim = shared_sim();
  auto drv = ready_driver(sim);
  const std::string project = unique_name("dup-delete");
  const std::string id = new_uuid();
  const Json model = ok_json(drv->call("create_volume", create_request(id, 1, project)), "create");
  const auto account = sim.account_by_name(project);
  ASSERT_TRUE(account.has_value());
  // A second volume with the same name, created behind the driver's back.
  const Json twin = sim.rpc("CreateVolume", "{\"name\":\"UUID-" + id + "\",\"accountID\":" +
                                                std::to_string((*account)["accountID"].i64()) +
                                                ",\"totalSize\":1073741824,\"attributes\":{\"uuid\":\"twin\"}}");
  // Without provider_id the driver must pick by uuid attribute, not by name.
  ok_json(drv->call("delete_volume", "{\"volume\":{\"id\":\"" + id + "\",\"project_id\":\"" + project + "\"}}"), "delete");
  EXPECT_FALSE(sim.volume_by_id(std::stoll(split(model["provider_id"].str()).at(0))).has_value());
  const auto survivor = sim.volume_by_id(twin["volumeID"].i64());
  ASSERT_TRUE(survivor.has_value());
  EXPECT_EQ((*survivor)["status"].str(), "active");
}

}  // namespace
}  // namespace it
