// 10,000 volumes: filtered lookups stay correct and serialise only what they return.
#include "sim_test_util.h"

using namespace simtest;

namespace {

class Scale : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    sim = new element_sim::Server(plain_options());
    for (int a = 0; a < 5; ++a) add_account(*sim, "tenant-" + std::to_string(a));
    for (int i = 1; i <= kVolumes; ++i) {
      const int64_t account = 1 + (i - 1) / 2000;
      const std::string body = "{\"method\":\"CreateVolume\",\"params\":{\"name\":\"vol-" + std::to_string(i) +
                               "\",\"accountID\":" + std::to_string(account) + ",\"totalSize\":1000000000}}";
      ASSERT_NE(sim->handle(body).find("\"result\""), std::string::npos) << i;
    }
    // Punch holes: delete+purge every 100th volume, delete (no purge) every 7th.
    for (int i = 100; i <= kVolumes; i += 100) {
      call(*sim, "DeleteVolume", "{\"volumeID\":" + std::to_string(i) + "}");
      call(*sim, "PurgeDeletedVolume", "{\"volumeID\":" + std::to_string(i) + "}");
    }
    for (int i = 7; i <= kVolumes; i += 7) {
      if (i % 100 != 0) call(*sim, "DeleteVolume", "{\"volumeID\":" + std::to_string(i) + "}");
    }
  }
  static void TearDownTestSuite() {
    delete sim;
    sim = nullptr;
  }
  // Number of volume objects serialised by one call.
  static uint64_t cost(const std::string& method, const std::string& params, Json* out = nullptr) {
    const uint64_t before = sim->volumes_serialized();
    Json j = call(*sim, method, params);
    const uint64_t n = sim->volumes_serialized() - before;
    if (out) *out = std::move(j);
    return n;
  }

  static constexpr int kVolumes = 10000;
  static element_sim::Server* sim;
};
element_sim::Server* Scale::sim = nullptr;

TEST_F(Scale, StartVolumeIdLimitOne) {
  Json j;
  EXPECT_EQ(cost("ListVolumes", R"({"startVolumeID":"5000","limit":1})", &j), 1u);
  EXPECT_EQ(volume_ids(j), std::vector<int64_t>{5000 + 1});  // 5000 was purged: next id
  EXPECT_EQ(cost("ListVolumes", R"({"startVolumeID":9999,"limit":1})", &j), 1u);
  EXPECT_EQ(volume_ids(j), std::vector<int64_t>{9999});
  EXPECT_EQ(cost("ListVolumes", R"({"accounts":[3],"startVolumeID":4321,"limit":1})", &j), 1u);
  EXPECT_EQ(volume_ids(j), std::vector<int64_t>{4321});
  EXPECT_EQ(cost("ListActiveVolumes", R"({"startVolumeID":6993,"limit":1})", &j), 1u);
  EXPECT_EQ(volume_ids(j), std::vector<int64_t>{6994});  // 6993 = 7*999 is deleted
  EXPECT_EQ(cost("ListActiveVolumes", R"({"startVolumeID":7000,"limit":1})", &j), 1u);
  EXPECT_EQ(volume_ids(j), std::vector<int64_t>{7001});  // 7000 purged
}

TEST_F(Scale, VolumeNameLookup) {
  Json j;
  EXPECT_EQ(cost("ListVolumes", R"({"volumeName":"vol-8765"})", &j), 1u);
  EXPECT_EQ(volume_ids(j), std::vector<int64_t>{8765});
  EXPECT_EQ(cost("ListVolumes", R"({"volumeName":"vol-300"})", &j), 0u);  // purged
  EXPECT_TRUE(volume_ids(j).empty());
  EXPECT_EQ(cost("ListVolumes", R"({"volumeName":"nope"})", &j), 0u);
}

TEST_F(Scale, VolumeIdsLookup) {
  Json j;
  EXPECT_EQ(cost("ListVolumes", R"({"volumeIDs":[10,20,30]})", &j), 3u);
  EXPECT_EQ(volume_ids(j), (std::vector<int64_t>{10, 20, 30}));
}

TEST_F(Scale, AccountLookupsSerialiseNoVolumes) {
  Json j;
  EXPECT_EQ(cost("GetAccountByName", R"({"username":"tenant-4"})", &j), 0u);
  EXPECT_EQ(num(get(result(j), "account"), "accountID"), 5);
  EXPECT_EQ(cost("GetClusterCapacity", "{}", &j), 0u);
  EXPECT_EQ(num(get(result(j), "clusterCapacity"), "provisionedSpace"), (kVolumes - kVolumes / 100) * 1000341504LL);
}

TEST_F(Scale, ListsAtScaleAreCorrect) {
  Json j;
  const int purged = kVolumes / 100;
  int deleted = 0;
  for (int i = 7; i <= kVolumes; i += 7) deleted += (i % 100 != 0);
  EXPECT_EQ(cost("ListActiveVolumes", "{}", &j), static_cast<uint64_t>(kVolumes - purged - deleted));
  EXPECT_EQ(cost("ListDeletedVolumes", "{}", &j), static_cast<uint64_t>(deleted));
  EXPECT_EQ(cost("ListVolumesForAccount", R"({"accountID":2,"startVolumeID":3990,"limit":5})", &j), 5u);
  EXPECT_EQ(volume_ids(j), (std::vector<int64_t>{3990, 3991, 3992, 3993, 3994}));
  EXPECT_EQ(cost("ListVolumes", R"({"volumeStatus":"deleted","startVolumeID":50,"limit":2})", &j), 2u);
  EXPECT_EQ(volume_ids(j), (std::vector<int64_t>{56, 63}));
}

}  // namespace
