// Conformance of element-sim's objects with element-api.md §2, field by field: names, JSON types and
// the "none" conventions ("" for deleteTime/purgeTime, null for lastAccessTime*, virtualVolumeID,
// qosPolicyID, previousProtectionScheme, expirationTime), plus the doc's worked examples.
#include <map>
#include <regex>

#include "sim_test_util.h"

using namespace simtest;

namespace {

enum class T { Int, Str, Bool, Null, Obj, Arr, IntOrNull, StrOrNull, Uuid, Iso, IsoOrEmpty };

struct Field {
  const char* name;
  T type;
};

void check(const cJSON* o, std::initializer_list<Field> fields, const std::string& what) {
  ASSERT_TRUE(cJSON_IsObject(o)) << what;
  static const std::regex uuid(R"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})");
  static const std::regex iso(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)");
  for (const auto& f : fields) {
    const cJSON* v = get(o, f.name);
    const std::string where = what + "." + f.name + " in " + print(o).substr(0, 300);
    ASSERT_NE(v, nullptr) << "missing " << where;
    switch (f.type) {
      case T::Int: EXPECT_TRUE(cJSON_IsNumber(v) || cJSON_IsRaw(v)) << where; break;
      case T::Str: EXPECT_TRUE(cJSON_IsString(v)) << where; break;
      case T::Bool: EXPECT_TRUE(cJSON_IsBool(v)) << where; break;
      case T::Null: EXPECT_TRUE(cJSON_IsNull(v)) << where; break;
      case T::Obj: EXPECT_TRUE(cJSON_IsObject(v)) << where; break;
      case T::Arr: EXPECT_TRUE(cJSON_IsArray(v)) << where; break;
      case T::IntOrNull: EXPECT_TRUE(cJSON_IsNumber(v) || cJSON_IsNull(v)) << where; break;
      case T::StrOrNull: EXPECT_TRUE(cJSON_IsString(v) || cJSON_IsNull(v)) << where; break;
      case T::Uuid: EXPECT_TRUE(cJSON_IsString(v) && std::regex_match(v->valuestring, uuid)) << where; break;
      case T::Iso: EXPECT_TRUE(cJSON_IsString(v) && std::regex_match(v->valuestring, iso)) << where; break;
      case T::IsoOrEmpty:
        EXPECT_TRUE(cJSON_IsString(v) && (v->valuestring[0] == '\0' || std::regex_match(v->valuestring, iso)))
            << where;
        break;
    }
  }
}

const std::initializer_list<Field> kVolume = {
    {"volumeID", T::Int},        {"name", T::Str},
    {"accountID", T::Int},       {"createTime", T::Iso},
    {"volumeUUID", T::Uuid},     {"volumeConsistencyGroupUUID", T::Uuid},
    {"enableSnapMirrorReplication", T::Bool},
    {"status", T::Str},          {"access", T::Str},
    {"enable512e", T::Bool},     {"iqn", T::Str},
    {"scsiEUIDeviceID", T::Str}, {"scsiNAADeviceID", T::Str},
    {"qos", T::Obj},             {"qosPolicyID", T::IntOrNull},
    {"volumeAccessGroups", T::Arr}, {"volumePairs", T::Arr},
    {"deleteTime", T::IsoOrEmpty}, {"purgeTime", T::IsoOrEmpty},
    {"lastAccessTime", T::Null}, {"lastAccessTimeIO", T::Null},
    {"sliceCount", T::Int},      {"totalSize", T::Int},
    {"blockSize", T::Int},       {"virtualVolumeID", T::Null},
    {"attributes", T::Obj},      {"currentProtectionScheme", T::Str},
    {"previousProtectionScheme", T::Null}, {"fifoSize", T::Int},
    {"minFifoSize", T::Int},
};
const std::initializer_list<Field> kQos = {
    {"minIOPS", T::Int}, {"maxIOPS", T::Int}, {"burstIOPS", T::Int}, {"burstTime", T::Int}, {"curve", T::Obj}};
const std::initializer_list<Field> kAccount = {
    {"accountID", T::Int},         {"username", T::Str},    {"status", T::Str},
    {"volumes", T::Arr},           {"initiatorSecret", T::Str}, {"targetSecret", T::Str},
    {"attributes", T::Obj},        {"storageContainerID", T::Uuid}, {"enableChap", T::Bool}};
const std::initializer_list<Field> kSnapshot = {
    {"snapshotID", T::Int},       {"volumeID", T::Int},          {"name", T::Str},
    {"checksum", T::Str},         {"enableRemoteReplication", T::Bool}, {"expirationReason", T::Str},
    {"expirationTime", T::StrOrNull}, {"remoteStatuses", T::Arr}, {"status", T::Str},
    {"snapshotUUID", T::Uuid},    {"totalSize", T::Int},         {"groupID", T::Int},
    {"groupSnapshotUUID", T::Uuid}, {"createTime", T::Iso},     {"instanceCreateTime", T::Iso},
    {"instanceSnapshotUUID", T::Uuid}, {"volumeName", T::Str},   {"virtualVolumeID", T::Null},
    {"attributes", T::Obj},       {"snapMirrorLabel", T::StrOrNull}};
const std::initializer_list<Field> kGroupSnapshot = {
    {"groupSnapshotID", T::Int}, {"groupSnapshotUUID", T::Uuid}, {"members", T::Arr}, {"name", T::Str},
    {"createTime", T::Iso},      {"status", T::Str},             {"enableRemoteReplication", T::Bool},
    {"attributes", T::Obj}};
const std::initializer_list<Field> kVag = {{"volumeAccessGroupID", T::Int}, {"name", T::Str},
                                           {"initiators", T::Arr},          {"initiatorIDs", T::Arr},
                                           {"volumes", T::Arr},             {"deletedVolumes", T::Arr},
                                           {"attributes", T::Obj}};
const std::initializer_list<Field> kVolumePair = {{"clusterPairID", T::Int},     {"remoteVolumeID", T::Int},
                                                  {"remoteSliceID", T::Int},     {"remoteVolumeName", T::Str},
                                                  {"volumePairUUID", T::Uuid},   {"remoteReplication", T::Obj}};
const std::initializer_list<Field> kRemoteReplication = {
    {"mode", T::Str},          {"pauseLimit", T::Int}, {"remoteServiceID", T::Int}, {"resumeDetails", T::Str},
    {"snapshotReplication", T::Obj}, {"state", T::Str}, {"stateDetails", T::Str}};
const std::initializer_list<Field> kClusterPair = {
    {"clusterName", T::Str}, {"clusterPairID", T::Int}, {"clusterPairUUID", T::Uuid}, {"clusterUUID", T::Str},
    {"latency", T::Int},     {"mvip", T::Str},          {"status", T::Str},           {"version", T::Str}};

class Conformance : public ::testing::Test {
 protected:
  static element_sim::Options opts() {
    element_sim::Options o = plain_options();
    o.clusters = 2;
    o.manual_clock = true;
    return o;
  }
  element_sim::Server sim{opts()};
};

TEST_F(Conformance, VolumeAccountQos) {
  const int64_t a = add_account(sim, "tenant");
  Json j = call(sim, "CreateVolume", "{\"name\":\"v\",\"accountID\":" + std::to_string(a) + ",\"totalSize\":1000000000}",
                "1.0");
  const cJSON* v = get(result(j), "volume");
  check(v, kVolume, "volume");
  check(get(v, "qos"), kQos, "volume.qos");
  for (const char* k : {"4096", "8192", "16384", "32768", "65536", "131072", "262144", "524288", "1048576"})
    EXPECT_TRUE(cJSON_IsNumber(get(get(get(v, "qos"), "curve"), k))) << k;
  EXPECT_EQ(str(v, "deleteTime"), "");
  EXPECT_TRUE(cJSON_IsNull(get(v, "qosPolicyID")));
  check(get(result(call(sim, "GetAccountByID", "{\"accountID\":" + std::to_string(a) + "}")), "account"), kAccount,
        "account");
  check(result(call(sim, "GetDefaultQoS")), kQos, "GetDefaultQoS");
  // deleted: deleteTime set and purgeTime = deleteTime + 8 h (doc example 22:59:42 -> 06:59:42)
  Json d = call(sim, "DeleteVolume", "{\"volumeID\":" + std::to_string(num(v, "volumeID")) + "}");
  const cJSON* dv = get(result(d), "volume");
  check(dv, kVolume, "deleted volume");
  const std::string del = str(dv, "deleteTime"), purge = str(dv, "purgeTime");
  ASSERT_EQ(del.size(), 20u);
  const int dh = std::stoi(del.substr(11, 2)), ph = std::stoi(purge.substr(11, 2));
  EXPECT_EQ((dh + 8) % 24, ph);
  EXPECT_EQ(del.substr(13), purge.substr(13));
}

TEST_F(Conformance, SizeRoundingExamples) {
  const int64_t a = add_account(sim, "tenant");
  const std::pair<int64_t, int64_t> kExamples[] = {{1000000000, 1000341504},
                                                   {2000000000, 2000683008},
                                                   {4000000000, 4000317440},
                                                   {1000000000000, 1000000716800}};
  for (const auto& [in, out] : kExamples) {
    Json j = call(sim, "CreateVolume", "{\"name\":\"v\",\"accountID\":" + std::to_string(a) +
                                           ",\"totalSize\":" + std::to_string(in) + "}");
    EXPECT_EQ(num(get(result(j), "volume"), "totalSize"), out) << in;
  }
}

TEST_F(Conformance, SnapshotsGroupsVagsStatsAsync) {
  const int64_t a = add_account(sim, "tenant");
  const int64_t v = create_volume(sim, "v", a);
  Json s = call(sim, "CreateSnapshot", "{\"volumeID\":" + std::to_string(v) + "}", "6.0");
  check(result(s), {{"snapshotID", T::Int}, {"checksum", T::Str}, {"snapshot", T::Obj}}, "CreateSnapshot");
  check(get(result(s), "snapshot"), kSnapshot, "snapshot");
  EXPECT_TRUE(cJSON_IsNull(get(get(result(s), "snapshot"), "expirationTime")));
  Json g = call(sim, "CreateGroupSnapshot", "{\"volumes\":[" + std::to_string(v) + "]}", "7.0");
  check(result(g), {{"groupSnapshotID", T::Int}, {"groupSnapshot", T::Obj}, {"members", T::Arr}}, "CreateGroupSnapshot");
  check(get(result(g), "groupSnapshot"), kGroupSnapshot, "groupSnapshot");
  check(cJSON_GetArrayItem(get(get(result(g), "groupSnapshot"), "members"), 0), kSnapshot, "groupSnapshot.members[]");
  check(cJSON_GetArrayItem(get(result(g), "members"), 0),
        {{"volumeID", T::Int}, {"snapshotID", T::Int}, {"checksum", T::Str}}, "CreateGroupSnapshot.members[]");
  Json vag = call(sim, "CreateVolumeAccessGroup", "{\"name\":\"g\",\"volumes\":[" + std::to_string(v) + "]}", "5.0");
  check(result(vag), {{"volumeAccessGroupID", T::Int}, {"volumeAccessGroup", T::Obj}}, "CreateVolumeAccessGroup");
  check(get(result(vag), "volumeAccessGroup"), kVag, "volumeAccessGroup");
  Json st = call(sim, "GetVolumeStats", "{\"volumeID\":" + std::to_string(v) + "}");
  check(get(result(st), "volumeStats"),
        {{"accountID", T::Int},      {"volumeID", T::Int},       {"volumeAccessGroups", T::Arr},
         {"volumeSize", T::Int},     {"readBytes", T::Int},      {"readOps", T::Int},
         {"writeBytes", T::Int},     {"writeOps", T::Int},       {"nonZeroBlocks", T::Int},
         {"zeroBlocks", T::Int},     {"unalignedReads", T::Int}, {"unalignedWrites", T::Int},
         {"timestamp", T::Iso}},
        "volumeStats");
  Json c = call(sim, "CloneVolume", "{\"volumeID\":" + std::to_string(v) + ",\"name\":\"c\"}");
  check(result(c),
        {{"volumeID", T::Int}, {"cloneID", T::Int}, {"asyncHandle", T::Int}, {"volume", T::Obj}, {"curve", T::Obj}},
        "CloneVolume");
  EXPECT_EQ(str(get(result(c), "volume"), "status"), "init");
  Json ar = call(sim, "GetAsyncResult", "{\"asyncHandle\":" + std::to_string(num(result(c), "asyncHandle")) + "}");
  check(result(ar), {{"status", T::Str}, {"resultType", T::Str}, {"createTime", T::Iso}, {"lastUpdateTime", T::Iso}},
        "GetAsyncResult");
  sim.advance_clock(1000);
  Json la = call(sim, "ListAsyncResults", "{}");
  check(cJSON_GetArrayItem(get(result(la), "asyncHandles"), 0),
        {{"asyncResultID", T::Int},
         {"completed", T::Bool},
         {"success", T::Bool},
         {"createTime", T::Iso},
         {"lastUpdateTime", T::Iso},
         {"resultType", T::Str},
         {"data", T::Obj}},
        "ListAsyncResults.asyncHandles[]");
}

TEST_F(Conformance, ClusterObjects) {
  check(get(result(call(sim, "GetClusterInfo", "{}", "1.0")), "clusterInfo"),
        {{"name", T::Str},        {"mvip", T::Str},       {"mvipNodeID", T::Int},  {"mvipInterface", T::Str},
         {"mvipVlanTag", T::Str}, {"svip", T::Str},       {"svipNodeID", T::Int},  {"svipInterface", T::Str},
         {"svipVlanTag", T::Str}, {"uniqueID", T::Str},   {"uuid", T::Uuid},       {"repCount", T::Int},
         {"ensemble", T::Arr},    {"encryptionAtRestState", T::Str},               {"softwareEncryptionAtRestState", T::Str},
         {"defaultProtectionScheme", T::Str},             {"enabledProtectionSchemes", T::Arr},
         {"supportedProtectionSchemes", T::Arr},          {"attributes", T::Obj}},
        "clusterInfo");
  check(get(result(call(sim, "GetClusterCapacity", "{}", "1.0")), "clusterCapacity"),
        {{"activeBlockSpace", T::Int}, {"activeSessions", T::Int},     {"averageIOPS", T::Int},
         {"clusterRecentIOSize", T::Int}, {"currentIOPS", T::Int},     {"maxIOPS", T::Int},
         {"maxOverProvisionableSpace", T::Int}, {"maxProvisionedSpace", T::Int}, {"maxUsedMetadataSpace", T::Int},
         {"maxUsedSpace", T::Int},     {"nonZeroBlocks", T::Int},      {"peakActiveSessions", T::Int},
         {"peakIOPS", T::Int},         {"provisionedSpace", T::Int},   {"snapshotNonZeroBlocks", T::Int},
         {"timestamp", T::Iso},        {"totalOps", T::Int},           {"uniqueBlocks", T::Int},
         {"uniqueBlocksUsedSpace", T::Int}, {"usedMetadataSpace", T::Int}, {"usedMetadataSpaceInSnapshots", T::Int},
         {"usedSpace", T::Int},        {"zeroBlocks", T::Int},         {"compressionPercent", T::Int},
         {"deDuplicationPercent", T::Int}, {"thinProvisioningPercent", T::Int}},
        "clusterCapacity");
  Json ver = call(sim, "GetClusterVersionInfo", "{}", "1.0");
  check(result(ver),
        {{"clusterAPIVersion", T::Str}, {"clusterVersion", T::Str}, {"clusterVersionInfo", T::Arr},
         {"softwareVersionInfo", T::Obj}},
        "GetClusterVersionInfo");
  // Trident collects clusterHardwareInfo.nodes.<id>.serial (each node must be an object)
  Json hw = call(sim, "GetClusterHardwareInfo", "{}", "8.0");
  const cJSON* nodes = get(get(result(hw), "clusterHardwareInfo"), "nodes");
  ASSERT_TRUE(cJSON_IsObject(nodes)) << print(hw.get());
  const cJSON* node = nullptr;
  cJSON_ArrayForEach(node, nodes) EXPECT_TRUE(cJSON_IsString(get(node, "serial")));
  EXPECT_TRUE(cJSON_IsObject(get(get(result(hw), "clusterHardwareInfo"), "drives")));
  Json only = call(sim, "GetClusterHardwareInfo", R"({"type":"nodes"})");
  EXPECT_FALSE(get(get(result(only), "clusterHardwareInfo"), "drives"));
  EXPECT_EQ(error_name(call(sim, "GetClusterHardwareInfo", R"({"type":"gpus"})")), "xUnrecognizedEnumString");
  Json lim = call(sim, "GetLimits");
  for (const char* k : {"snapshotsPerVolumeMax", "volumeAccessGroupCountMax", "initiatorsPerVolumeAccessGroupCountMax",
                        "cloneJobsPerVolumeMax", "volumesPerGroupSnapshotMax", "qosPolicyCountMax"})
    EXPECT_TRUE(cJSON_IsNumber(get(result(lim), k))) << k;
}

TEST_F(Conformance, PairingObjects) {
  Json k = call(sim, "StartClusterPairing", "{}", "6.0");
  check(result(k), {{"clusterPairingKey", T::Str}, {"clusterPairID", T::Int}}, "StartClusterPairing");
  call(sim, "CompleteClusterPairing", "{\"clusterPairingKey\":\"" + str(result(k), "clusterPairingKey") + "\"}", "6.0",
       1);
  Json l = call(sim, "ListClusterPairs", "{}", "6.0");
  check(cJSON_GetArrayItem(get(result(l), "clusterPairs"), 0), kClusterPair, "clusterPairs[]");
  const int64_t a0 = add_account(sim, "a", 0), a1 = add_account(sim, "a", 1);
  const int64_t v0 = create_volume(sim, "s", a0, "", 0), v1 = create_volume(sim, "t", a1, "", 1);
  Json vk = call(sim, "StartVolumePairing", "{\"volumeID\":" + std::to_string(v0) + "}", "6.0");
  call(sim, "CompleteVolumePairing",
       "{\"volumeID\":" + std::to_string(v1) + ",\"volumePairingKey\":\"" + str(result(vk), "volumePairingKey") + "\"}",
       "6.0", 1);
  Json lv = call(sim, "ListActivePairedVolumes", "{}", "6.0");
  const cJSON* vol = cJSON_GetArrayItem(get(result(lv), "volumes"), 0);
  check(vol, kVolume, "paired volume");
  const cJSON* vp = cJSON_GetArrayItem(get(vol, "volumePairs"), 0);
  check(vp, kVolumePair, "volumePairs[]");
  check(get(vp, "remoteReplication"), kRemoteReplication, "remoteReplication");
  check(get(get(vp, "remoteReplication"), "snapshotReplication"), {{"state", T::Str}, {"stateDetails", T::Str}},
        "snapshotReplication");
}

// Every method is served from its "since" version (doc §3.0) and is xUnknownAPIMethod just below it.
TEST(VersionGating, EveryMethodFromItsSinceVersion) {
  element_sim::Server sim(plain_options());
  const std::pair<const char*, const char*> kSince[] = {
      {"GetClusterInfo", "1.0"}, {"GetClusterVersionInfo", "1.0"}, {"GetClusterCapacity", "1.0"},
      {"GetAPI", "1.0"}, {"GetLimits", "1.0"}, {"GetDefaultQoS", "1.0"}, {"GetClusterHardwareInfo", "1.0"},
      {"GetAccountByName", "1.0"},
      {"GetAccountByID", "1.0"}, {"AddAccount", "1.0"}, {"ModifyAccount", "1.0"}, {"RemoveAccount", "1.0"},
      {"ListAccounts", "1.0"}, {"CreateVolume", "1.0"}, {"ModifyVolume", "1.0"}, {"CloneVolume", "1.0"},
      {"GetAsyncResult", "1.0"}, {"ListAsyncResults", "9.0"}, {"DeleteVolume", "1.0"},
      {"RestoreDeletedVolume", "1.0"}, {"PurgeDeletedVolume", "1.0"}, {"ListVolumes", "8.0"},
      {"ListActiveVolumes", "1.0"}, {"ListDeletedVolumes", "1.0"}, {"ListVolumesForAccount", "1.0"},
      {"GetVolumeStats", "1.0"}, {"ListVolumeStats", "8.0"}, {"GetVolumeEfficiency", "1.0"}, {"ListSyncJobs", "1.0"},
      {"CreateSnapshot", "6.0"}, {"DeleteSnapshot", "6.0"}, {"ListSnapshots", "6.0"},
      {"ModifySnapshot", "6.0"}, {"RollbackToSnapshot", "6.0"}, {"CreateGroupSnapshot", "7.0"},
      {"DeleteGroupSnapshot", "7.0"}, {"ListGroupSnapshots", "7.0"}, {"RollbackToGroupSnapshot", "7.0"},
      {"CreateVolumeAccessGroup", "5.0"}, {"ModifyVolumeAccessGroup", "5.0"}, {"ListVolumeAccessGroups", "5.0"},
      {"AddInitiatorsToVolumeAccessGroup", "5.0"}, {"RemoveInitiatorsFromVolumeAccessGroup", "5.0"},
      {"AddVolumesToVolumeAccessGroup", "5.0"}, {"RemoveVolumesFromVolumeAccessGroup", "5.0"},
      {"DeleteVolumeAccessGroup", "5.0"}, {"CreateQoSPolicy", "10.0"}, {"ListQoSPolicies", "10.0"},
      {"GetQoSPolicy", "10.0"}, {"ModifyQoSPolicy", "10.0"}, {"DeleteQoSPolicy", "10.0"},
      {"StartClusterPairing", "6.0"}, {"CompleteClusterPairing", "6.0"}, {"ListClusterPairs", "6.0"},
      {"RemoveClusterPair", "6.0"}, {"StartVolumePairing", "6.0"}, {"CompleteVolumePairing", "6.0"},
      {"RemoveVolumePair", "6.0"}, {"ListActivePairedVolumes", "6.0"}, {"ModifyVolumePair", "6.0"},
  };
  const std::map<std::string, std::string> kBelow = {{"5.0", "4.0"}, {"6.0", "5.1"}, {"7.0", "6.0"},
                                                     {"8.0", "7.4"}, {"9.0", "8.7"}, {"10.0", "9.6"}};
  Json api = call(sim, "GetAPI");
  const cJSON* names = get(result(api), "12.3");
  size_t listed = 0;
  for (const auto& [m, since] : kSince) {
    // every method is listed by GetAPI
    bool found = false;
    const cJSON* n = nullptr;
    cJSON_ArrayForEach(n, names) found = found || std::string(n->valuestring) == m;
    EXPECT_TRUE(found) << m;
    listed += found;
    for (const char* v : {since, "12.3", "12.5"})
      EXPECT_NE(error_name(call(sim, m, "{}", v)), "xUnknownAPIMethod") << m << "@" << v;
    auto below = kBelow.find(since);
    if (below != kBelow.end()) {
      EXPECT_EQ(error_name(call(sim, m, "{}", below->second)), "xUnknownAPIMethod") << m << "@" << below->second;
    }
  }
  EXPECT_EQ(static_cast<size_t>(cJSON_GetArraySize(names)), listed) << "GetAPI lists methods this test does not know";
}

}  // namespace
