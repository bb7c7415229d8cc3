// Conformance of element-sim's objects with the Element API reference (simulator/README.md), field by field: names, JSON types and
// the "none" conventions ("" for deleteTime/purgeTime, null for lastAccessTime*, virtualVolumeID,
// qosPolicyID, previousProtectionScheme, expirationTime), plus the doc's worked examples.
#include <algorithm>
#include <map>
#include <regex>
#include <vector>

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

std::string hex_decode(const std::string& h) {
  std::string out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(static_cast<char>(std::stoi(h.substr(i, 2), nullptr, 16)));
  return out;
}

// The object's member names, sorted (to compare a result's exact member set).
std::vector<std::string> keys(const cJSON* o) {
  std::vector<std::string> k;
  const cJSON* it = nullptr;
  cJSON_ArrayForEach(it, o) k.emplace_back(it->string);
  std::sort(k.begin(), k.end());
  return k;
}
using Keys = std::vector<std::string>;

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
    {"remoteStatuses", T::Arr},  {"attributes", T::Obj}};
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
                "8.0");
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

// Every method is served from its "since" version (doc §3.0; the SDK descriptor's since= for the
// methods the doc table does not list) on every endpoint up to the newest, and is xUnknownAPIMethod
// (message naming method=<Name>) on every older endpoint.
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
      {"GetVolumeStats", "1.0"}, {"ListVolumeStats", "7.0"}, {"GetVolumeEfficiency", "6.0"}, {"ListSyncJobs", "1.0"},
      {"CreateSnapshot", "6.0"}, {"DeleteSnapshot", "6.0"}, {"ListSnapshots", "6.0"},
      {"ModifySnapshot", "8.0"}, {"RollbackToSnapshot", "6.0"}, {"CreateGroupSnapshot", "7.0"},
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
  // Every endpoint the cluster serves (GetAPI.supportedVersions), compared numerically.
  auto parse_version = [](const std::string& v) {
    const size_t dot = v.find('.');
    return std::make_pair(std::stoi(v.substr(0, dot)), std::stoi(v.substr(dot + 1)));
  };
  Json api = call(sim, "GetAPI");
  std::vector<std::string> versions;
  const cJSON* sv = nullptr;
  cJSON_ArrayForEach(sv, get(result(api), "supportedVersions")) versions.push_back(sv->valuestring);
  ASSERT_EQ(versions.size(), 45u);
  const cJSON* names = get(result(api), "12.5");
  size_t listed = 0;
  for (const auto& [m, since] : kSince) {
    // every method is listed by GetAPI
    bool found = false;
    const cJSON* n = nullptr;
    cJSON_ArrayForEach(n, names) found = found || std::string(n->valuestring) == m;
    EXPECT_TRUE(found) << m;
    listed += found;
    // served on every endpoint from its "since" version up to the newest, unknown below it
    for (const auto& v : versions) {
      const bool served = parse_version(v) >= parse_version(since);
      Json reply = call(sim, m, "{}", v);
      if (served) {
        EXPECT_NE(error_name(reply), "xUnknownAPIMethod") << m << "@" << v;
      } else {
        EXPECT_EQ(error_name(reply), "xUnknownAPIMethod") << m << "@" << v;
        EXPECT_NE(error_message(reply).find(std::string("method=") + m), std::string::npos) << error_message(reply);
      }
    }
  }
  EXPECT_EQ(static_cast<size_t>(cJSON_GetArraySize(names)), listed) << "GetAPI lists methods this test does not know";
}

// §2.1 / §5.2 values, not only types: IQN and SCSI ids derived from uniqueID and volumeID, the
// observed QoS curve, Element's defaults and "none" conventions.
TEST_F(Conformance, VolumeFieldValues) {
  const std::string uid = str(get(result(call(sim, "GetClusterInfo")), "clusterInfo"), "uniqueID");
  ASSERT_TRUE(std::regex_match(uid, std::regex("[a-z0-9]{4}")));
  const int64_t a = add_account(sim, "tenant");
  Json j = call(sim, "CreateVolume",
                "{\"name\":\"HulkDemo1\",\"accountID\":" + std::to_string(a) + ",\"totalSize\":1000000000}", "8.0");
  const cJSON* v = get(result(j), "volume");
  const int64_t id = num(v, "volumeID");
  EXPECT_EQ(num(result(j), "volumeID"), id);
  EXPECT_EQ(str(v, "iqn"), "iqn.2010-01.com.solidfire:" + uid + ".hulkdemo1." + std::to_string(id));
  char u[9], vid[9];
  std::snprintf(u, sizeof u, "%02x%02x%02x%02x", uid[0], uid[1], uid[2], uid[3]);
  std::snprintf(vid, sizeof vid, "%08llx", static_cast<unsigned long long>(id));
  EXPECT_EQ(str(v, "scsiEUIDeviceID"), std::string(u) + vid + "f47acc0100000000");
  EXPECT_EQ(str(v, "scsiNAADeviceID"), std::string("6f47acc100000000") + u + vid);
  EXPECT_EQ(str(v, "name"), "HulkDemo1");  // returned as given, only the IQN is lower-cased
  EXPECT_EQ(num(v, "accountID"), a);
  EXPECT_EQ(str(v, "status"), "active");
  EXPECT_EQ(str(v, "access"), "readWrite");
  EXPECT_FALSE(cJSON_IsTrue(get(v, "enable512e")));
  EXPECT_FALSE(cJSON_IsTrue(get(v, "enableSnapMirrorReplication")));
  EXPECT_EQ(num(v, "sliceCount"), 1);
  EXPECT_EQ(num(v, "blockSize"), 4096);
  EXPECT_EQ(num(v, "totalSize"), 1000341504);
  EXPECT_EQ(str(v, "currentProtectionScheme"), "doubleHelix");
  EXPECT_EQ(num(v, "fifoSize"), 24);
  EXPECT_EQ(num(v, "minFifoSize"), 0);
  EXPECT_EQ(print(get(v, "attributes")), "{}");
  EXPECT_EQ(print(get(v, "volumeAccessGroups")), "[]");
  EXPECT_EQ(print(get(v, "volumePairs")), "[]");
  EXPECT_EQ(str(v, "deleteTime"), "");
  EXPECT_EQ(str(v, "purgeTime"), "");
  const cJSON* q = get(v, "qos");
  EXPECT_EQ(num(q, "minIOPS"), 50);
  EXPECT_EQ(num(q, "maxIOPS"), 15000);
  EXPECT_EQ(num(q, "burstIOPS"), 15000);
  EXPECT_EQ(num(q, "burstTime"), 60);
  EXPECT_EQ(print(get(q, "curve")),
            R"({"4096":100,"8192":160,"16384":270,"32768":500,"65536":1000,"131072":1950,"262144":3900,)"
            R"("524288":7600,"1048576":15000})");
  EXPECT_EQ(print(get(result(j), "curve")), print(get(q, "curve")));
  // 512e is kept but the block size stays 4096 (every doc example)
  Json e = call(sim, "CreateVolume",
                "{\"name\":\"e\",\"accountID\":" + std::to_string(a) + ",\"totalSize\":1000000000,\"enable512e\":\"true\"}");
  EXPECT_TRUE(cJSON_IsTrue(get(get(result(e), "volume"), "enable512e")));
  EXPECT_EQ(num(get(result(e), "volume"), "blockSize"), 4096);
  // the SCSI ids differ only in the volume id part
  EXPECT_EQ(str(get(result(e), "volume"), "scsiNAADeviceID").substr(0, 24), std::string("6f47acc100000000") + u);
}

// The exact member set of each method's result (doc §3), including the empty `{}` replies of §1.4 and
// the `volume` member only from endpoint 8.0 (README: GAP decisions).
TEST_F(Conformance, ResultMemberSets) {
  const int64_t a = add_account(sim, "tenant");
  const std::string acc = std::to_string(a);
  auto create = [&](const char* ver) {
    return call(sim, "CreateVolume", "{\"name\":\"v\",\"accountID\":" + acc + ",\"totalSize\":1000000000}", ver);
  };
  for (const char* ver : {"1.0", "5.0", "7.4"}) {
    EXPECT_EQ(keys(result(create(ver))), (Keys{"curve", "volumeID"})) << ver;
  }
  for (const char* ver : {"8.0", "9.6", "12.5"}) {
    EXPECT_EQ(keys(result(create(ver))), (Keys{"curve", "volume", "volumeID"})) << ver;
  }
  const int64_t v = num(result(create("8.0")), "volumeID");
  const std::string vol = "{\"volumeID\":" + std::to_string(v);
  EXPECT_EQ(keys(result(call(sim, "ModifyVolume", vol + "}", "1.0"))), (Keys{"curve"}));
  EXPECT_EQ(keys(result(call(sim, "ModifyVolume", vol + "}", "8.0"))), (Keys{"curve", "volume"}));
  EXPECT_EQ(keys(result(call(sim, "CloneVolume", vol + ",\"name\":\"c\"}", "6.0"))),
            (Keys{"asyncHandle", "cloneID", "curve", "volumeID"}));
  sim.advance_clock(1000);
  Json c = call(sim, "CloneVolume", vol + ",\"name\":\"c2\"}", "8.0");
  EXPECT_EQ(keys(result(c)), (Keys{"asyncHandle", "cloneID", "curve", "volume", "volumeID"}));
  EXPECT_EQ(num(get(result(c), "volume"), "volumeID"), num(result(c), "volumeID"));
  EXPECT_EQ(keys(result(call(sim, "GetAccountByName", R"({"username":"tenant"})"))), (Keys{"account"}));
  EXPECT_EQ(keys(result(call(sim, "AddAccount", R"({"username":"t2"})"))), (Keys{"account", "accountID"}));
  EXPECT_EQ(keys(result(call(sim, "GetVolumeStats", vol + "}"))), (Keys{"volumeStats"}));
  Json s = call(sim, "CreateSnapshot", vol + "}", "6.0");
  EXPECT_EQ(keys(result(s)), (Keys{"checksum", "snapshot", "snapshotID"}));
  const std::string sid = std::to_string(num(result(s), "snapshotID"));
  EXPECT_EQ(keys(result(call(sim, "ModifySnapshot", "{\"snapshotID\":" + sid + "}", "8.0"))), (Keys{"snapshot"}));
  Json rb = call(sim, "RollbackToSnapshot", vol + ",\"snapshotID\":" + sid + ",\"saveCurrentState\":false}", "6.0");
  EXPECT_EQ(keys(result(rb)), (Keys{"checksum", "snapshot", "snapshotID"}));
  EXPECT_TRUE(cJSON_IsNull(get(result(rb), "snapshotID")));
  EXPECT_TRUE(cJSON_IsNull(get(result(rb), "snapshot")));
  Json g = call(sim, "CreateGroupSnapshot", "{\"volumes\":[" + std::to_string(v) + "]}", "7.0");
  EXPECT_EQ(keys(result(g)), (Keys{"groupSnapshot", "groupSnapshotID", "members"}));
  EXPECT_EQ(keys(cJSON_GetArrayItem(get(result(g), "members"), 0)),
            (Keys{"checksum", "snapshotID", "snapshotUUID", "volumeID"}));
  Json vag = call(sim, "CreateVolumeAccessGroup", R"({"name":"g"})", "5.0");
  EXPECT_EQ(keys(result(vag)), (Keys{"volumeAccessGroup", "volumeAccessGroupID"}));
  const std::string gid = "{\"volumeAccessGroupID\":" + std::to_string(num(result(vag), "volumeAccessGroupID"));
  EXPECT_EQ(keys(result(call(sim, "AddVolumesToVolumeAccessGroup", gid + ",\"volumes\":[" + std::to_string(v) + "]}"))),
            (Keys{"volumeAccessGroup"}));
  EXPECT_EQ(keys(result(call(sim, "RemoveVolumesFromVolumeAccessGroup", gid + ",\"volumes\":[" + std::to_string(v) + "]}"))),
            (Keys{"volumeAccessGroup"}));
  EXPECT_EQ(keys(result(call(sim, "ListVolumeAccessGroups", "{}", "5.0"))), (Keys{"volumeAccessGroups"}));
  Json qp = call(sim, "CreateQoSPolicy", R"({"name":"p","qos":{"minIOPS":100}})", "10.0");
  EXPECT_EQ(keys(result(qp)), (Keys{"qosPolicy"}));
  EXPECT_EQ(keys(result(call(sim, "ListQoSPolicies", "{}", "10.0"))), (Keys{"qosPolicies"}));
  // §1.4: methods without a return value answer exactly {}
  const std::string empty = "{}";
  EXPECT_EQ(print(result(call(sim, "DeleteGroupSnapshot",
                              "{\"groupSnapshotID\":" + std::to_string(num(result(g), "groupSnapshotID")) + "}", "7.0"))),
            empty);
  EXPECT_EQ(print(result(call(sim, "DeleteSnapshot", "{\"snapshotID\":" + sid + "}", "6.0"))), empty);
  EXPECT_EQ(print(result(call(sim, "RemoveVolumePair", vol + "}", "6.0"))), empty);
  EXPECT_EQ(print(result(call(sim, "DeleteVolumeAccessGroup", gid + "}", "5.0"))), empty);
  EXPECT_EQ(keys(result(call(sim, "DeleteVolume", vol + "}", "1.0"))), (Keys{"curve", "volumeID"}));
  Json d = call(sim, "DeleteVolume", vol + "}", "8.0");
  EXPECT_EQ(keys(result(d)), (Keys{"curve", "volume", "volumeID"}));
  EXPECT_EQ(str(get(result(d), "volume"), "status"), "deleted");
  EXPECT_EQ(print(result(call(sim, "PurgeDeletedVolume", vol + "}", "1.0"))), empty);
}

// §1.5: error envelope members and types; never code 0; the id is echoed.
TEST_F(Conformance, ErrorEnvelope) {
  Json e = parse(sim.handle(R"({"method":"GetAccountByName","params":{"username":"nobody"},"id":"x-7"})", "1.0"));
  EXPECT_EQ(keys(e.get()), (Keys{"error", "id"}));
  EXPECT_EQ(str(e.get(), "id"), "x-7");
  const cJSON* err = get(e.get(), "error");
  EXPECT_EQ(keys(err), (Keys{"code", "message", "name"}));
  EXPECT_EQ(num(err, "code"), 500);
  EXPECT_EQ(str(err, "name"), "xUnknownAccount");
  EXPECT_EQ(str(err, "message"), "xUnknownAccount");
  Json ok = parse(sim.handle(R"({"method":"GetClusterInfo"})", "1.0"));
  EXPECT_EQ(keys(ok.get()), (Keys{"id", "result"}));
  EXPECT_TRUE(cJSON_IsNull(get(ok.get(), "id")));
}

TEST_F(Conformance, AccountFieldValues) {
  Json j = call(sim, "AddAccount", R"({"username":"tenant"})", "1.0");
  const cJSON* acct = get(result(j), "account");
  check(acct, kAccount, "account");
  EXPECT_EQ(num(result(j), "accountID"), num(acct, "accountID"));
  EXPECT_EQ(str(acct, "status"), "active");
  EXPECT_EQ(str(acct, "storageContainerID"), "00000000-0000-0000-0000-000000000000");
  EXPECT_TRUE(cJSON_IsTrue(get(acct, "enableChap")));
  for (const char* k : {"initiatorSecret", "targetSecret"}) {
    const size_t n = str(acct, k).size();
    EXPECT_TRUE(n >= 12 && n <= 16) << k << "=" << str(acct, k);
  }
  EXPECT_EQ(print(get(acct, "volumes")), "[]");
  const int64_t v = create_volume(sim, "v", num(acct, "accountID"));
  Json by_name = call(sim, "GetAccountByName", R"({"username":"tenant"})", "1.0");
  EXPECT_EQ(print(get(get(result(by_name), "account"), "volumes")), "[" + std::to_string(v) + "]");
  Json list = call(sim, "ListAccounts", "{}", "1.0");
  check(cJSON_GetArrayItem(get(result(list), "accounts"), 0), kAccount, "accounts[]");
}

TEST_F(Conformance, SnapshotAndGroupFieldValues) {
  const int64_t a = add_account(sim, "tenant");
  const int64_t v = create_volume(sim, "vol", a);
  Json s = call(sim, "CreateSnapshot", "{\"volumeID\":" + std::to_string(v) + ",\"name\":\"s1\"}", "6.0");
  const cJSON* snap = get(result(s), "snapshot");
  EXPECT_EQ(num(snap, "snapshotID"), num(result(s), "snapshotID"));
  EXPECT_EQ(str(snap, "checksum"), str(result(s), "checksum"));
  EXPECT_TRUE(std::regex_match(str(snap, "checksum"), std::regex("0x[0-9a-f]+")));
  EXPECT_EQ(num(snap, "volumeID"), v);
  EXPECT_EQ(str(snap, "volumeName"), "vol");
  EXPECT_EQ(num(snap, "groupID"), 0);
  EXPECT_EQ(str(snap, "groupSnapshotUUID"), "00000000-0000-0000-0000-000000000000");
  EXPECT_EQ(str(snap, "status"), "done");
  EXPECT_EQ(str(snap, "expirationReason"), "None");
  EXPECT_TRUE(cJSON_IsNull(get(snap, "expirationTime")));
  EXPECT_TRUE(cJSON_IsNull(get(snap, "snapMirrorLabel")));
  EXPECT_EQ(num(snap, "totalSize"), 1073741824);
  EXPECT_EQ(str(snap, "instanceSnapshotUUID"), str(snap, "snapshotUUID"));
  // with a retention the expiration is a time
  Json r = call(sim, "CreateSnapshot", "{\"volumeID\":" + std::to_string(v) + ",\"retention\":\"01:00:00\"}", "6.0");
  check(get(result(r), "snapshot"), {{"expirationTime", T::Iso}}, "retained snapshot");
  EXPECT_EQ(str(get(result(r), "snapshot"), "expirationReason"), "Api");
  // group: members are full snapshot objects carrying the group's id, uuid and name
  Json g = call(sim, "CreateGroupSnapshot", "{\"name\":\"cg\",\"volumes\":[" + std::to_string(v) + "]}", "7.0");
  const cJSON* gs = get(result(g), "groupSnapshot");
  check(gs, kGroupSnapshot, "groupSnapshot");
  EXPECT_EQ(num(gs, "groupSnapshotID"), num(result(g), "groupSnapshotID"));
  const cJSON* m = cJSON_GetArrayItem(get(gs, "members"), 0);
  check(m, kSnapshot, "groupSnapshot.members[]");
  EXPECT_EQ(num(m, "groupID"), num(gs, "groupSnapshotID"));
  EXPECT_EQ(str(m, "groupSnapshotUUID"), str(gs, "groupSnapshotUUID"));
  EXPECT_EQ(str(m, "name"), "cg");
  EXPECT_EQ(num(cJSON_GetArrayItem(get(result(g), "members"), 0), "snapshotID"), num(m, "snapshotID"));
  Json lg = call(sim, "ListGroupSnapshots", "{}", "7.0");
  check(cJSON_GetArrayItem(get(result(lg), "groupSnapshots"), 0), kGroupSnapshot, "groupSnapshots[]");
  Json ls = call(sim, "ListSnapshots", "{\"volumeID\":\"" + std::to_string(v) + "\"}", "6.0");
  ASSERT_EQ(cJSON_GetArraySize(get(result(ls), "snapshots")), 3);
  const cJSON* it = nullptr;
  cJSON_ArrayForEach(it, get(result(ls), "snapshots")) check(it, kSnapshot, "snapshots[]");
}

TEST_F(Conformance, VagAndQosPolicyFieldValues) {
  const int64_t a = add_account(sim, "tenant");
  const int64_t v = create_volume(sim, "vol", a);
  Json j = call(sim, "CreateVolumeAccessGroup",
                "{\"name\":\"g\",\"initiators\":[\"iqn.1993-08.org.debian:01:AB\"],\"volumes\":[" + std::to_string(v) +
                    "],\"attributes\":{\"openstack\":true}}",
                "7.0");
  const cJSON* g = get(result(j), "volumeAccessGroup");
  check(g, kVag, "volumeAccessGroup");
  EXPECT_EQ(print(get(g, "initiators")), R"(["iqn.1993-08.org.debian:01:ab"])");
  EXPECT_TRUE(cJSON_IsNumber(cJSON_GetArrayItem(get(g, "initiatorIDs"), 0)));
  EXPECT_EQ(print(get(g, "volumes")), "[" + std::to_string(v) + "]");
  EXPECT_EQ(print(get(g, "deletedVolumes")), "[]");
  EXPECT_EQ(print(get(g, "attributes")), R"({"openstack":true})");
  // a deleted member moves to deletedVolumes
  call(sim, "DeleteVolume", "{\"volumeID\":" + std::to_string(v) + "}");
  Json l = call(sim, "ListVolumeAccessGroups", "{}", "7.0");
  const cJSON* lg = cJSON_GetArrayItem(get(result(l), "volumeAccessGroups"), 0);
  check(lg, kVag, "volumeAccessGroups[]");
  EXPECT_EQ(print(get(lg, "volumes")), "[]");
  EXPECT_EQ(print(get(lg, "deletedVolumes")), "[" + std::to_string(v) + "]");

  // QoS policy (§3.9) and a volume's qosPolicyID
  Json p = call(sim, "CreateQoSPolicy", R"({"name":"gold","qos":{"minIOPS":1000,"maxIOPS":2000,"burstIOPS":4000}})",
                "10.0");
  const cJSON* pol = get(result(p), "qosPolicy");
  check(pol, {{"qosPolicyID", T::Int}, {"name", T::Str}, {"volumeIDs", T::Arr}, {"qos", T::Obj}}, "qosPolicy");
  check(get(pol, "qos"), kQos, "qosPolicy.qos");
  const int64_t pid = num(pol, "qosPolicyID");
  const int64_t v2 = create_volume(sim, "pv", a, ",\"qosPolicyID\":" + std::to_string(pid));
  Json lv = call(sim, "ListVolumes", "{\"volumeIDs\":[" + std::to_string(v2) + "]}");
  const cJSON* vol = cJSON_GetArrayItem(get(result(lv), "volumes"), 0);
  check(vol, {{"qosPolicyID", T::Int}}, "volume with a policy");
  EXPECT_EQ(num(vol, "qosPolicyID"), pid);
  EXPECT_EQ(num(get(vol, "qos"), "burstIOPS"), 4000);
  Json gp = call(sim, "GetQoSPolicy", "{\"qosPolicyID\":" + std::to_string(pid) + "}", "10.0");
  EXPECT_EQ(print(get(get(result(gp), "qosPolicy"), "volumeIDs")), "[" + std::to_string(v2) + "]");
  Json lp = call(sim, "ListQoSPolicies", "{}", "10.0");
  check(cJSON_GetArrayItem(get(result(lp), "qosPolicies"), 0),
        {{"qosPolicyID", T::Int}, {"name", T::Str}, {"volumeIDs", T::Arr}, {"qos", T::Obj}}, "qosPolicies[]");
}

// §2.14 reference values, every key.
TEST_F(Conformance, LimitsReferenceValues) {
  Json j = call(sim, "GetLimits", "{}", "1.0");
  const std::map<std::string, int64_t> kRef = {
      {"accountCountMax", 5000}, {"accountNameLengthMax", 64}, {"accountNameLengthMin", 1},
      {"bulkVolumeJobsPerNodeMax", 8}, {"bulkVolumeJobsPerVolumeMax", 2}, {"chapCredentialsCountMax", 15000},
      {"cloneJobsPerNodeMax", 8}, {"cloneJobsPerVolumeMax", 2}, {"clusterPairsCountMax", 4},
      {"initiatorAliasLengthMax", 224}, {"initiatorCountMax", 10000}, {"initiatorNameLengthMax", 224},
      {"initiatorsPerVolumeAccessGroupCountMax", 128}, {"qosPolicyCountMax", 500}, {"secretLengthMax", 16},
      {"secretLengthMin", 12}, {"snapshotNameLengthMax", 255}, {"snapshotsPerVolumeMax", 32},
      {"volumeAccessGroupCountMax", 1000}, {"volumeAccessGroupLunMax", 16383},
      {"volumeAccessGroupNameLengthMax", 64}, {"volumeAccessGroupNameLengthMin", 1},
      {"volumeAccessGroupsPerInitiatorCountMax", 1}, {"volumeAccessGroupsPerVolumeCountMax", 64},
      {"volumeBurstIOPSMax", 200000}, {"volumeBurstIOPSMin", 100}, {"volumeCountMax", 4000},
      {"volumeMaxIOPSMax", 200000}, {"volumeMaxIOPSMin", 100}, {"volumeMinIOPSMax", 15000},
      {"volumeMinIOPSMin", 50}, {"volumeNameLengthMax", 64}, {"volumeNameLengthMin", 1},
      {"volumeSizeMax", 17592186044416}, {"volumeSizeMin", 1000000000}, {"volumesPerAccountCountMax", 2000},
      {"volumesPerGroupSnapshotMax", 32}, {"volumesPerVolumeAccessGroupCountMax", 2000}};
  Keys want;
  for (const auto& [k, v] : kRef) {
    want.push_back(k);
    EXPECT_EQ(num(result(j), k.c_str()), v) << k;
  }
  EXPECT_EQ(keys(result(j)), want);
}

// §2.9: every counter an integer (timestamp a time) on every endpoint; provisionedSpace and the
// block counters follow creates, resizes and purges (not deletes), legacy percentages stay integers.
TEST_F(Conformance, CapacityMovesWithVolumes) {
  auto cap = [&](const char* ver = "8.0") {
    Json j = call(sim, "GetClusterCapacity", "{}", ver);
    return Json(cJSON_Duplicate(get(result(j), "clusterCapacity"), 1));
  };
  Json c0 = cap("1.0");
  const int64_t a = add_account(sim, "tenant");
  const int64_t v = create_volume(sim, "v", a);  // 1 GiB, modelled 1/8 written
  Json c1 = cap();
  EXPECT_EQ(num(c1.get(), "provisionedSpace") - num(c0.get(), "provisionedSpace"), 1073741824);
  EXPECT_EQ(num(c1.get(), "nonZeroBlocks") - num(c0.get(), "nonZeroBlocks"), 262144 / 8);
  EXPECT_EQ(num(c1.get(), "zeroBlocks") - num(c0.get(), "zeroBlocks"), 262144 - 262144 / 8);
  EXPECT_GT(num(c1.get(), "usedSpace"), num(c0.get(), "usedSpace"));
  EXPECT_GT(num(c1.get(), "uniqueBlocksUsedSpace"), num(c0.get(), "uniqueBlocksUsedSpace"));
  EXPECT_GT(num(c1.get(), "thinProvisioningPercent"), num(c0.get(), "thinProvisioningPercent"));
  call(sim, "ModifyVolume", "{\"volumeID\":" + std::to_string(v) + ",\"totalSize\":2147483648}");
  Json c2 = cap();
  EXPECT_EQ(num(c2.get(), "provisionedSpace") - num(c0.get(), "provisionedSpace"), 2147483648);
  call(sim, "CreateSnapshot", "{\"volumeID\":" + std::to_string(v) + "}");
  EXPECT_EQ(num(cap().get(), "snapshotNonZeroBlocks"), 524288 / 8);
  call(sim, "DeleteVolume", "{\"volumeID\":" + std::to_string(v) + "}");
  EXPECT_EQ(num(cap().get(), "provisionedSpace"), num(c2.get(), "provisionedSpace"));  // not purged yet
  call(sim, "PurgeDeletedVolume", "{\"volumeID\":" + std::to_string(v) + "}");
  Json c3 = cap("1.0");
  for (const char* k : {"provisionedSpace", "nonZeroBlocks", "zeroBlocks", "usedSpace", "snapshotNonZeroBlocks",
                        "compressionPercent", "deDuplicationPercent", "thinProvisioningPercent"})
    EXPECT_EQ(num(c3.get(), k), num(c0.get(), k)) << k;
}

TEST_F(Conformance, VersionInfoApiAndDefaultQos) {
  Json ver = call(sim, "GetClusterVersionInfo", "{}", "1.0");
  const cJSON* node = cJSON_GetArrayItem(get(result(ver), "clusterVersionInfo"), 0);
  check(node, {{"nodeID", T::Int}, {"nodeVersion", T::Str}, {"nodeInternalRevision", T::Str}}, "clusterVersionInfo[]");
  check(get(result(ver), "softwareVersionInfo"),
        {{"currentVersion", T::Str}, {"nodeID", T::Int}, {"packageName", T::Str}, {"pendingVersion", T::Str},
         {"startTime", T::Str}},
        "softwareVersionInfo");
  const std::string api_version = str(result(ver), "clusterAPIVersion");
  EXPECT_EQ(str(result(ver), "clusterVersion").rfind(api_version + ".", 0), 0u);
  Json api = call(sim, "GetAPI", "{}", "7.0");
  check(result(api), {{"currentVersion", T::Str}, {"supportedVersions", T::Arr}}, "GetAPI");
  EXPECT_EQ(str(result(api), "currentVersion"), api_version);
  const cJSON* sv = get(result(api), "supportedVersions");
  EXPECT_EQ(cJSON_GetArrayItem(sv, cJSON_GetArraySize(sv) - 1)->valuestring, api_version);
  const cJSON* methods = get(result(api), api_version.c_str());
  ASSERT_TRUE(cJSON_IsArray(methods));
  const cJSON* m = nullptr;
  cJSON_ArrayForEach(m, methods) EXPECT_TRUE(cJSON_IsString(m));
  Json q = call(sim, "GetDefaultQoS", "{}", "1.0");
  EXPECT_EQ(keys(result(q)), (Keys{"burstIOPS", "burstTime", "curve", "maxIOPS", "minIOPS"}));
}

// §2.12 (required and optional members) and §2.13 (running / complete forms).
TEST_F(Conformance, VolumeStatsAndAsyncResultForms) {
  const int64_t a = add_account(sim, "tenant");
  const int64_t v = create_volume(sim, "v", a);
  Json st = call(sim, "GetVolumeStats", "{\"volumeID\":" + std::to_string(v) + "}", "1.0");
  const cJSON* s = get(result(st), "volumeStats");
  check(s,
        {{"actualIOPS", T::Int}, {"averageIOPSize", T::Int}, {"burstIOPSCredit", T::Int}, {"clientQueueDepth", T::Int},
         {"latencyUSec", T::Int}, {"readLatencyUSec", T::Int}, {"writeLatencyUSec", T::Int},
         {"totalLatencyUSec", T::Int}, {"throttle", T::Int}, {"volumeUtilization", T::Int}},
        "volumeStats (optional members)");
  EXPECT_EQ(num(s, "volumeSize"), 1073741824);
  EXPECT_EQ(num(s, "nonZeroBlocks") + num(s, "zeroBlocks"), 1073741824 / 4096);
  Json c = call(sim, "CloneVolume", "{\"volumeID\":" + std::to_string(v) + ",\"name\":\"c\"}");
  const std::string h = "{\"asyncHandle\":" + std::to_string(num(result(c), "asyncHandle")) + ",\"keepResult\":true}";
  Json running = call(sim, "GetAsyncResult", h);
  EXPECT_EQ(str(result(running), "status"), "running");
  EXPECT_EQ(str(result(running), "resultType"), "Clone");
  EXPECT_TRUE(cJSON_IsObject(get(result(running), "details")));
  EXPECT_FALSE(get(result(running), "result"));
  sim.advance_clock(1000);
  Json done = call(sim, "GetAsyncResult", h);
  EXPECT_EQ(str(result(done), "status"), "complete");
  const cJSON* res = get(result(done), "result");
  check(res, {{"cloneID", T::Int}, {"message", T::Str}, {"volumeID", T::Int}}, "GetAsyncResult.result");
  EXPECT_EQ(str(res, "message"), "Clone complete.");
  EXPECT_EQ(num(res, "cloneID"), num(result(c), "cloneID"));
  EXPECT_EQ(num(res, "volumeID"), num(result(c), "volumeID"));
  EXPECT_FALSE(get(result(done), "details"));
  Json la = call(sim, "ListAsyncResults", "{}", "9.0");
  const cJSON* item = cJSON_GetArrayItem(get(result(la), "asyncHandles"), 0);
  check(get(item, "data"), {{"cloneID", T::Int}, {"message", T::Str}, {"volumeID", T::Int}}, "asyncHandles[].data");
  EXPECT_TRUE(cJSON_IsTrue(get(item, "completed")));
  EXPECT_TRUE(cJSON_IsTrue(get(item, "success")));
}

// §3.7/§3.8: the pairing keys are hex-encoded JSON objects carrying the documented members.
TEST_F(Conformance, PairingKeysDecode) {
  Json k = call(sim, "StartClusterPairing", "{}", "6.0");
  Json key = parse(hex_decode(str(result(k), "clusterPairingKey")));
  ASSERT_TRUE(key) << str(result(k), "clusterPairingKey");
  check(key.get(),
        {{"clusterPairID", T::Int}, {"clusterPairUUID", T::Uuid}, {"clusterUniqueID", T::Str}, {"mvip", T::Str},
         {"name", T::Str}, {"password", T::Str}, {"rpcConnectionID", T::Int}, {"username", T::Str}},
        "cluster pairing key");
  EXPECT_EQ(num(key.get(), "clusterPairID"), num(result(k), "clusterPairID"));
  Json pending = call(sim, "ListClusterPairs", "{}", "6.0");
  const cJSON* p = cJSON_GetArrayItem(get(result(pending), "clusterPairs"), 0);
  check(p, kClusterPair, "pending clusterPairs[]");
  EXPECT_EQ(str(p, "status"), "Unconfigured");
  EXPECT_EQ(str(p, "clusterPairUUID"), str(key.get(), "clusterPairUUID"));
  const int64_t a = add_account(sim, "a");
  const int64_t v = create_volume(sim, "Src", a);
  Json vk = call(sim, "StartVolumePairing", "{\"volumeID\":" + std::to_string(v) + "}", "6.0");
  EXPECT_EQ(keys(result(vk)), (Keys{"volumePairingKey"}));
  Json vkey = parse(hex_decode(str(result(vk), "volumePairingKey")));
  ASSERT_TRUE(vkey);
  check(vkey.get(), {{"mvip", T::Str}, {"volumeID", T::Int}, {"volumeName", T::Str}, {"volumePairUUID", T::Uuid}},
        "volume pairing key");
  EXPECT_EQ(num(vkey.get(), "volumeID"), v);
  EXPECT_EQ(str(vkey.get(), "volumeName"), "Src");
}

}  // namespace
