// Cluster-wide methods: shapes and the capacity model.
#include <cctype>
#include <regex>

#include "sim_test_util.h"

using namespace simtest;

namespace {

class ClusterMethods : public ::testing::Test {
 protected:
  element_sim::Server sim{plain_options()};
};

TEST_F(ClusterMethods, GetClusterInfoShape) {
  for (const char* v : {"1.0", "8.0", "12.3"}) {
    Json j = call(sim, "GetClusterInfo", "{}", v);
    const cJSON* ci = get(result(j), "clusterInfo");
    ASSERT_TRUE(cJSON_IsObject(ci)) << v;
    EXPECT_FALSE(str(ci, "name").empty());
    EXPECT_EQ(str(ci, "mvip"), "127.0.0.1");
    EXPECT_EQ(str(ci, "svip"), "127.0.0.1");
    const std::string uid = str(ci, "uniqueID");
    ASSERT_EQ(uid.size(), 4u);
    for (char c : uid) EXPECT_TRUE(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)));
    EXPECT_TRUE(std::regex_match(str(ci, "uuid"), std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")));
    EXPECT_EQ(num(ci, "repCount"), 2);
    EXPECT_TRUE(cJSON_IsArray(get(ci, "ensemble")));
    EXPECT_TRUE(cJSON_IsObject(get(ci, "attributes")));
    EXPECT_EQ(str(ci, "mvipVlanTag"), "0");
    EXPECT_EQ(str(ci, "encryptionAtRestState"), "disabled");
  }
}

TEST_F(ClusterMethods, AdvertiseAddressIsMvipAndSvip) {
  element_sim::Options o = plain_options();
  o.bind_address = "0.0.0.0";
  element_sim::Server s(o);
  Json info = call(s, "GetClusterInfo");
  EXPECT_EQ(str(get(result(info), "clusterInfo"), "mvip"), "127.0.0.1");
  o.advertise_address = "10.1.2.3";
  element_sim::Server s2(o);
  Json j = call(s2, "GetClusterInfo");
  EXPECT_EQ(str(get(result(j), "clusterInfo"), "svip"), "10.1.2.3");
}

TEST_F(ClusterMethods, GetClusterVersionInfo) {
  Json j = call(sim, "GetClusterVersionInfo", "{}", "1.0");
  const cJSON* r = result(j);
  EXPECT_EQ(str(r, "clusterAPIVersion"), "12.5");
  EXPECT_EQ(str(r, "clusterVersion"), "12.5.0.897");
  ASSERT_TRUE(cJSON_IsArray(get(r, "clusterVersionInfo")));
  const cJSON* n0 = cJSON_GetArrayItem(get(r, "clusterVersionInfo"), 0);
  EXPECT_EQ(str(n0, "nodeVersion"), "12.5.0.897");
  EXPECT_TRUE(cJSON_IsObject(get(r, "softwareVersionInfo")));
}

const char* kCapacityFields[] = {
    "activeBlockSpace", "activeSessions", "averageIOPS", "clusterRecentIOSize", "currentIOPS", "maxIOPS",
    "maxOverProvisionableSpace", "maxProvisionedSpace", "maxUsedMetadataSpace", "maxUsedSpace", "nonZeroBlocks",
    "peakActiveSessions", "peakIOPS", "provisionedSpace", "snapshotNonZeroBlocks", "totalOps", "uniqueBlocks",
    "uniqueBlocksUsedSpace", "usedMetadataSpace", "usedMetadataSpaceInSnapshots", "usedSpace", "zeroBlocks",
    "compressionPercent", "deDuplicationPercent", "thinProvisioningPercent"};

TEST_F(ClusterMethods, GetClusterCapacityShapeAndModel) {
  Json empty = call(sim, "GetClusterCapacity", "{}", "1.0");
  const cJSON* c0 = get(result(empty), "clusterCapacity");
  ASSERT_TRUE(cJSON_IsObject(c0));
  for (const char* f : kCapacityFields) EXPECT_TRUE(cJSON_IsNumber(get(c0, f))) << f;
  EXPECT_TRUE(cJSON_IsString(get(c0, "timestamp")));
  EXPECT_EQ(num(c0, "provisionedSpace"), 0);
  // Denominators used by clients are never zero, even on an empty cluster.
  EXPECT_GT(num(c0, "nonZeroBlocks"), 0);
  EXPECT_GT(num(c0, "uniqueBlocks"), 0);
  EXPECT_GT(num(c0, "uniqueBlocksUsedSpace"), 0);
  EXPECT_GT(num(c0, "usedSpace"), 0);
  EXPECT_EQ(num(c0, "maxProvisionedSpace"), int64_t{100} << 40);
  EXPECT_EQ(num(c0, "maxOverProvisionableSpace"), int64_t{500} << 40);

  const int64_t acc = add_account(sim, "cap");
  const int64_t v1 = create_volume(sim, "a", acc);
  create_volume(sim, "b", acc);
  Json two = call(sim, "GetClusterCapacity");
  const cJSON* c2 = get(result(two), "clusterCapacity");
  EXPECT_EQ(num(c2, "provisionedSpace"), 2 * 1073741824LL);
  EXPECT_GT(num(c2, "usedSpace"), num(c0, "usedSpace"));
  EXPECT_LT(num(c2, "usedSpace"), num(c2, "maxUsedSpace"));
  // Deleted-but-unpurged volumes still count; purged ones do not.
  call(sim, "DeleteVolume", "{\"volumeID\":" + std::to_string(v1) + "}");
  EXPECT_EQ(num(get(result(call(sim, "GetClusterCapacity")), "clusterCapacity"), "provisionedSpace"),
            2 * 1073741824LL);
  call(sim, "PurgeDeletedVolume", "{\"volumeID\":" + std::to_string(v1) + "}");
  EXPECT_EQ(num(get(result(call(sim, "GetClusterCapacity")), "clusterCapacity"), "provisionedSpace"), 1073741824LL);
}

TEST_F(ClusterMethods, LargeIntegersAreNotExponents) {
  const std::string r = sim.handle(R"({"method":"GetClusterCapacity","id":1})");
  EXPECT_NE(r.find("\"maxOverProvisionableSpace\":549755813888000"), std::string::npos) << r;
  EXPECT_EQ(r.find("e+"), std::string::npos) << r;
}

TEST_F(ClusterMethods, GetAPI) {
  Json j = call(sim, "GetAPI", "{}", "7.0");
  const cJSON* r = result(j);
  // currentVersion is the newest endpoint served (SDK clients refuse versions GetAPI does not list)
  EXPECT_EQ(str(r, "currentVersion"), "12.5");
  const cJSON* sv = get(r, "supportedVersions");
  ASSERT_TRUE(cJSON_IsArray(sv));
  std::vector<std::string> vs;
  const cJSON* it = nullptr;
  cJSON_ArrayForEach(it, sv) vs.push_back(it->valuestring);
  for (const char* want : {"1.0", "5.1", "7.4", "8.7", "9.6", "10.7", "11.8", "12.0", "12.2", "12.3", "12.5"})
    EXPECT_NE(std::find(vs.begin(), vs.end(), want), vs.end()) << want;
  EXPECT_EQ(std::find(vs.begin(), vs.end(), "11.2"), vs.end());
  ASSERT_FALSE(vs.empty());
  EXPECT_EQ(vs.back(), "12.5");
  EXPECT_EQ(error_name(call(sim, "GetClusterInfo", "{}", "12.6")), "xUnknownAPIVersion");
  const cJSON* methods = get(r, "12.5");
  ASSERT_TRUE(cJSON_IsArray(methods));
  bool has_list_volumes = false;
  cJSON_ArrayForEach(it, methods) has_list_volumes |= std::string(it->valuestring) == "ListVolumes";
  EXPECT_TRUE(has_list_volumes);
}

TEST_F(ClusterMethods, GetLimits) {
  const cJSON* r = nullptr;
  Json j = call(sim, "GetLimits");
  r = result(j);
  EXPECT_EQ(num(r, "volumesPerAccountCountMax"), 2000);
  EXPECT_EQ(num(r, "volumeSizeMax"), 17592186044416LL);
  EXPECT_EQ(num(r, "volumeSizeMin"), 1000000000);
  EXPECT_EQ(num(r, "volumeMinIOPSMin"), 50);
  EXPECT_EQ(num(r, "volumeBurstIOPSMax"), 200000);
  EXPECT_EQ(num(r, "secretLengthMin"), 12);
  EXPECT_EQ(num(r, "secretLengthMax"), 16);
  EXPECT_EQ(num(r, "snapshotsPerVolumeMax"), 32);
}

TEST_F(ClusterMethods, GetDefaultQoSIsFlat) {
  Json j = call(sim, "GetDefaultQoS");
  const cJSON* r = result(j);
  EXPECT_EQ(num(r, "minIOPS"), 50);
  EXPECT_EQ(num(r, "maxIOPS"), 15000);
  EXPECT_EQ(num(r, "burstIOPS"), 15000);
  EXPECT_EQ(num(r, "burstTime"), 60);
  EXPECT_EQ(num(get(r, "curve"), "4096"), 100);
}

}  // namespace
