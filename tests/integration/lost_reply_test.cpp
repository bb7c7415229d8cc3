// Lost replies: the cluster commits a write, then the connection closes before the answer (element-sim's
// "drop" fault). The operation either recovers by itself or reports an outcome-unknown error; repeating
// it then succeeds. Either way exactly one object exists afterwards: no transport or driver layer may
// replay the write behind the caller's back (libcurl does, on reused keep-alive connections).
#include <gtest/gtest.h>

#include <string>

#include "support.h"

namespace it {
namespace {

// Runs `op` until it succeeds (at most 3 tries): a lost reply may surface as TIMEOUT/UNAVAILABLE.
Json run_until_ok(vh::Driver& driver, const std::string& op, const std::string& request) {
  vh::CallResult result;
  for (int attempt = 0; attempt < 3; ++attempt) {
    result = driver.call(op, request);
    if (result.ok()) return Json::parse(result.output);
    EXPECT_TRUE(result.status == VDP_E_TIMEOUT || result.status == VDP_E_UNAVAILABLE)
        << op << ": " << result.output;
  }
  ADD_FAILURE() << op << " never succeeded: " << result.output;
  return Json();
}

class LostReply : public ::testing::Test {
 protected:
  void SetUp() override {
    driver_ = ready_driver(sim_);
    // Warm the keep-alive pool so the next write would travel on a reused connection.
    ASSERT_TRUE(driver_->call("get_volume_stats", R"({"refresh":true})").ok());
  }
  void TearDown() override { sim_.server().clear_faults(); }

  Sim sim_;
  std::unique_ptr<vh::Driver> driver_;
};

TEST_F(LostReply, CreateVolumeCommitsOnce) {
  const std::string id = new_uuid();
  const std::string project = unique_name("lost-create");
  ASSERT_TRUE(driver_->call("create_volume", create_request(new_uuid(), 1, project)).ok());  // account exists
  sim_.server().add_fault("CreateVolume:drop:count=1");
  const Json model = run_until_ok(*driver_, "create_volume", create_request(id, 1, project));
  EXPECT_TRUE(model["provider_id"].is_string()) << model.dump();
  EXPECT_EQ(sim_.volumes_named("UUID-" + id).size(), 1u);
}

TEST_F(LostReply, CreateSnapshotCommitsOnce) {
  const std::string vol_id = new_uuid();
  const std::string project = unique_name("lost-snap");
  const Json model = ok_json(driver_->call("create_volume", create_request(vol_id, 1, project)), "create_volume");
  const std::string snap_id = new_uuid();
  const std::string request = "{\"snapshot\":{\"id\":\"" + snap_id + "\",\"volume_id\":\"" + vol_id +
                              "\",\"volume_size\":1,\"project_id\":\"" + project +
                              "\",\"volume\":" + volume_object(vol_id, 1, project, model) + "}}";
  sim_.server().add_fault("CreateSnapshot:drop:count=1");
  const Json snap = run_until_ok(*driver_, "create_snapshot", request);
  EXPECT_TRUE(snap["provider_id"].is_string()) << snap.dump();
  const int64_t volume_id = std::stoll(split(model["provider_id"].str()).at(0));
  const Json listed = sim_.rpc("ListSnapshots", "{\"volumeID\":" + std::to_string(volume_id) + "}");
  EXPECT_EQ(listed["snapshots"].size(), 1u) << listed.dump();
}

TEST_F(LostReply, AddAccountCommitsOnce) {
  const std::string project = unique_name("lost-account");
  sim_.server().add_fault("AddAccount:drop:count=1");
  run_until_ok(*driver_, "create_volume", create_request(new_uuid(), 1, project));
  EXPECT_TRUE(sim_.account_by_name(project).has_value());
  EXPECT_EQ(sim_.count("AddAccount"), 1u) << "AddAccount was sent again after it committed";
}

}  // namespace
}  // namespace it
