// Volume methods: shapes, validation, listing semantics, lifecycle.
#include <regex>

#include "sim_test_util.h"

using namespace simtest;

namespace {

std::string vid(int64_t id) { return "{\"volumeID\":" + std::to_string(id) + "}"; }

class Volumes : public ::testing::Test {
 protected:
  void SetUp() override { acc = add_account(sim, "tenant"); }
  element_sim::Server sim{plain_options()};
  int64_t acc = 0;

  std::string create_params(const std::string& name, const std::string& extra = "") const {
    return "{\"name\":\"" + name + "\",\"accountID\":" + std::to_string(acc) + ",\"totalSize\":1000000000" + extra +
           "}";
  }
  std::string unique_id() { return str(get(result(call(sim, "GetClusterInfo")), "clusterInfo"), "uniqueID"); }
};

void expect_volume_shape(const cJSON* v) {
  ASSERT_TRUE(cJSON_IsObject(v));
  for (const char* f : {"volumeID", "accountID", "totalSize", "blockSize", "sliceCount", "fifoSize", "minFifoSize"})
    EXPECT_TRUE(cJSON_IsNumber(get(v, f))) << f;
  for (const char* f : {"name", "createTime", "volumeUUID", "volumeConsistencyGroupUUID", "status", "access", "iqn",
                        "scsiEUIDeviceID", "scsiNAADeviceID", "deleteTime", "purgeTime", "currentProtectionScheme"})
    EXPECT_TRUE(cJSON_IsString(get(v, f))) << f;
  for (const char* f : {"enable512e", "enableSnapMirrorReplication"}) EXPECT_TRUE(cJSON_IsBool(get(v, f))) << f;
  for (const char* f : {"qosPolicyID", "lastAccessTime", "lastAccessTimeIO", "virtualVolumeID",
                        "previousProtectionScheme"})
    EXPECT_TRUE(cJSON_IsNull(get(v, f))) << f;
  EXPECT_TRUE(cJSON_IsArray(get(v, "volumeAccessGroups")));
  EXPECT_TRUE(cJSON_IsArray(get(v, "volumePairs")));
  EXPECT_TRUE(cJSON_IsObject(get(v, "attributes")));
  const cJSON* q = get(v, "qos");
  ASSERT_TRUE(cJSON_IsObject(q));
  for (const char* f : {"minIOPS", "maxIOPS", "burstIOPS", "burstTime"}) EXPECT_TRUE(cJSON_IsNumber(get(q, f))) << f;
  EXPECT_TRUE(cJSON_IsObject(get(q, "curve")));
  EXPECT_EQ(num(v, "blockSize"), 4096);
  EXPECT_EQ(num(v, "sliceCount"), 1);
  EXPECT_EQ(num(q, "burstTime"), 60);
  EXPECT_TRUE(std::regex_match(str(v, "createTime"), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
}

TEST_F(Volumes, CreateVolumeShape) {
  // Cinder's call on 1.0 (with its legacy sliceCount): volumeID and curve only, no `volume` before 8.0
  Json old = call(sim, "CreateVolume", create_params("UUID-Old", R"(,"enable512e":true,"sliceCount":1)"), "1.0");
  ASSERT_TRUE(result(old)) << print(old.get());
  EXPECT_EQ(num(result(old), "volumeID"), 1);
  EXPECT_TRUE(cJSON_IsObject(get(result(old), "curve")));
  EXPECT_FALSE(get(result(old), "volume"));
  Json j = call(sim, "CreateVolume", create_params("UUID-Abc", R"(,"enable512e":true,"sliceCount":1)"), "8.0");
  const cJSON* r = result(j);
  ASSERT_TRUE(r) << print(j.get());
  EXPECT_EQ(num(r, "volumeID"), 2);
  EXPECT_TRUE(cJSON_IsObject(get(r, "curve")));
  const cJSON* v = get(r, "volume");
  expect_volume_shape(v);
  EXPECT_EQ(str(v, "name"), "UUID-Abc");
  EXPECT_EQ(num(v, "accountID"), acc);
  EXPECT_EQ(str(v, "status"), "active");
  EXPECT_EQ(str(v, "access"), "readWrite");
  EXPECT_EQ(num(v, "totalSize"), 1000341504);
  EXPECT_TRUE(cJSON_IsTrue(get(v, "enable512e")));
  EXPECT_EQ(str(v, "deleteTime"), "");
  EXPECT_EQ(str(v, "purgeTime"), "");
  EXPECT_EQ(str(v, "currentProtectionScheme"), "doubleHelix");
  EXPECT_EQ(num(v, "fifoSize"), 24);
  EXPECT_EQ(num(v, "minFifoSize"), 0);
  EXPECT_EQ(print(get(v, "attributes")), "{}");
  const std::string u = unique_id();
  EXPECT_EQ(str(v, "iqn"), "iqn.2010-01.com.solidfire:" + u + ".uuid-abc.2");
  char hex[9];
  std::snprintf(hex, sizeof hex, "%02x%02x%02x%02x", u[0], u[1], u[2], u[3]);
  EXPECT_EQ(str(v, "scsiEUIDeviceID"), std::string(hex) + "00000002" + "f47acc0100000000");
  EXPECT_EQ(str(v, "scsiNAADeviceID"), std::string("6f47acc100000000") + hex + "00000002");
  const cJSON* q = get(v, "qos");
  EXPECT_EQ(num(q, "minIOPS"), 50);
  EXPECT_EQ(num(q, "maxIOPS"), 15000);
  EXPECT_EQ(num(q, "burstIOPS"), 15000);
}

TEST_F(Volumes, SizesRoundUpToMiB) {
  struct Case {
    const char* in;
    int64_t out;
  } cases[] = {{"1000000000", 1000341504}, {"2000000000", 2000683008}, {"4000000000", 4000317440},
               {"1000000000000", 1000000716800}, {"17592186044416", 17592186044416}, {"1073741824", 1073741824}};
  for (const auto& c : cases) {
    Json j = call(sim, "CreateVolume",
                  "{\"name\":\"s\",\"accountID\":" + std::to_string(acc) + ",\"totalSize\":" + c.in + "}");
    ASSERT_TRUE(result(j)) << c.in << " " << print(j.get());
    EXPECT_EQ(num(get(result(j), "volume"), "totalSize"), c.out) << c.in;
  }
  for (const char* bad : {"999999999", "17592186044417", "-5", "0"}) {
    Json j = call(sim, "CreateVolume",
                  "{\"name\":\"s\",\"accountID\":" + std::to_string(acc) + ",\"totalSize\":" + bad + "}");
    EXPECT_EQ(error_name(j), "xInvalidParameter") << bad;
  }
}

TEST_F(Volumes, CreateVolumeErrors) {
  EXPECT_EQ(error_name(call(sim, "CreateVolume", R"({"accountID":1,"totalSize":1000000000})")), "xMissingParameter");
  EXPECT_EQ(error_message(call(sim, "CreateVolume", R"({"name":"a","totalSize":1000000000})")),
            "Missing member=[accountID]");
  EXPECT_EQ(error_message(call(sim, "CreateVolume", R"({"name":"a","accountID":1})")), "Missing member=[totalSize]");
  EXPECT_EQ(error_name(call(sim, "CreateVolume", R"({"name":"a","accountID":77,"totalSize":1000000000})")),
            "xAccountIDDoesNotExist");
  EXPECT_EQ(error_name(call(sim, "CreateVolume", create_params(std::string(65, 'n')))), "xInvalidParameter");
  EXPECT_TRUE(result(call(sim, "CreateVolume", create_params(std::string(64, 'n')))));
  EXPECT_EQ(error_name(call(sim, "CreateVolume", create_params("a", R"(,"attributes":"str")"))), "xInvalidParameter");
  EXPECT_EQ(error_name(call(sim, "CreateVolume",
                            create_params("a", ",\"attributes\":{\"k\":\"" + std::string(992, 'x') + "\"}"))),
            "xInvalidParameter");  // 1000 bytes
  EXPECT_TRUE(result(call(sim, "CreateVolume",
                          create_params("a", ",\"attributes\":{\"k\":\"" + std::string(991, 'x') + "\"}"))));
  EXPECT_EQ(error_name(call(sim, "CreateVolume", create_params("a", R"(,"access":"bogus")"))),
            "xUnrecognizedEnumString");
  EXPECT_EQ(error_name(call(sim, "CreateVolume", create_params("a", R"(,"qosPolicyID":3)"))),
            "xQoSPolicyDoesNotExist");
}

TEST_F(Volumes, QosDefaultsPartialAndLimits) {
  auto qos_of = [&](const std::string& qos) {
    Json j = call(sim, "CreateVolume", create_params("q", ",\"qos\":" + qos));
    return j;
  };
  Json partial = qos_of(R"({"minIOPS":100,"maxIOPS":"2000"})");
  const cJSON* q = get(get(result(partial), "volume"), "qos");
  ASSERT_TRUE(q) << print(partial.get());
  EXPECT_EQ(num(q, "minIOPS"), 100);
  EXPECT_EQ(num(q, "maxIOPS"), 2000);
  EXPECT_EQ(num(q, "burstIOPS"), 15000);
  Json empty = qos_of("{}");
  EXPECT_EQ(num(get(get(result(empty), "volume"), "qos"), "minIOPS"), 50);
  Json edges = qos_of(R"({"minIOPS":15000,"maxIOPS":200000,"burstIOPS":200000})");
  EXPECT_TRUE(result(edges)) << print(edges.get());
  for (const char* bad : {R"({"minIOPS":49})", R"({"minIOPS":15001,"maxIOPS":20000,"burstIOPS":20000})",
                          R"({"maxIOPS":99})", R"({"burstIOPS":200001})", R"({"minIOPS":500,"maxIOPS":400})",
                          R"({"maxIOPS":20000,"burstIOPS":16000})", R"({"maxIOPS":16000})"}) {
    Json j = qos_of(bad);
    EXPECT_EQ(error_name(j), "xInvalidParameter") << bad;
    EXPECT_NE(error_message(j).find("qos."), std::string::npos) << bad;
  }
}

TEST_F(Volumes, GoZeroValuesAreAbsent) {
  Json j = call(sim, "CreateVolume",
                create_params("trident", R"(,"qos":{"minIOPS":0,"maxIOPS":0,"burstIOPS":0},"attributes":null,)"
                                         R"("qosPolicyID":0,"access":"","fifoSize":0)"));
  const cJSON* v = get(result(j), "volume");
  ASSERT_TRUE(v) << print(j.get());
  EXPECT_EQ(num(get(v, "qos"), "minIOPS"), 50);
  EXPECT_EQ(print(get(v, "attributes")), "{}");
  EXPECT_EQ(num(v, "fifoSize"), 24);
}

TEST_F(Volumes, AttributesRoundTripVerbatim) {
  const std::string attrs = R"({"uuid":"abc","n":null,"nested":{"a":[1,true,"x"]},"cloned_count":3,"f":1.5})";
  Json j = call(sim, "CreateVolume", create_params("attr", ",\"attributes\":" + attrs));
  ASSERT_TRUE(result(j));
  EXPECT_EQ(print(get(get(result(j), "volume"), "attributes")), attrs);
  Json l = call(sim, "ListVolumesForAccount", "{\"accountID\":" + std::to_string(acc) + "}");
  EXPECT_EQ(print(get(cJSON_GetArrayItem(get(result(l), "volumes"), 0), "attributes")), attrs);
}

TEST_F(Volumes, DuplicateNamesAllowedAndIdsMonotonic) {
  const int64_t a = create_volume(sim, "same", acc);
  const int64_t b = create_volume(sim, "same", acc);
  EXPECT_EQ(b, a + 1);
  EXPECT_EQ(volume_ids(call(sim, "ListVolumes", R"({"volumeName":"same"})")), (std::vector<int64_t>{a, b}));
  EXPECT_TRUE(volume_ids(call(sim, "ListVolumes", R"({"volumeName":"SAME"})")).empty());
  // Purged ids are never reused.
  call(sim, "DeleteVolume", vid(b));
  call(sim, "PurgeDeletedVolume", vid(b));
  EXPECT_EQ(create_volume(sim, "next", acc), b + 1);
}

TEST_F(Volumes, PerAccountLimitCountsDeletedVolumes) {
  element_sim::Options o = plain_options();
  o.volumes_per_account_max = 3;
  element_sim::Server s(o);
  const int64_t a = add_account(s, "small");
  int64_t ids[3];
  for (auto& id : ids) id = create_volume(s, "v", a);
  const std::string params = "{\"name\":\"v\",\"accountID\":" + std::to_string(a) + ",\"totalSize\":1000000000}";
  EXPECT_EQ(error_name(call(s, "CreateVolume", params)), "xExceededLimit");
  call(s, "DeleteVolume", vid(ids[0]));
  EXPECT_EQ(error_name(call(s, "CreateVolume", params)), "xExceededLimit");  // deleted still counts
  call(s, "PurgeDeletedVolume", vid(ids[0]));
  EXPECT_TRUE(result(call(s, "CreateVolume", params)));
  const int64_t other = add_account(s, "other");
  EXPECT_GT(create_volume(s, "v", other), 0);  // per account, not per cluster
}

TEST_F(Volumes, ClusterLimitsWhenConfigured) {
  element_sim::Options o = plain_options();
  o.volume_count_max = 2;
  o.max_provisioned_space = 1ULL << 30;  // over-provisionable: 5 GiB
  element_sim::Server s(o);
  const int64_t a = add_account(s, "c");
  create_volume(s, "1", a);
  create_volume(s, "2", a);
  EXPECT_EQ(error_name(call(s, "CreateVolume", "{\"name\":\"3\",\"accountID\":1,\"totalSize\":1000000000}")),
            "xExceededLimit");
  element_sim::Server s2(o);
  add_account(s2, "c");
  EXPECT_EQ(error_name(call(s2, "CreateVolume", "{\"name\":\"big\",\"accountID\":1,\"totalSize\":6000000000}")),
            "xExceededLimit");
}

TEST_F(Volumes, DeleteVolumeResultAndIdempotence) {
  const int64_t id = create_volume(sim, "del", acc);
  Json j = call(sim, "DeleteVolume", vid(id) + "", "8.0");
  const cJSON* r = result(j);
  ASSERT_TRUE(r) << print(j.get());
  EXPECT_EQ(num(r, "volumeID"), id);
  EXPECT_TRUE(cJSON_IsObject(get(r, "curve")));
  const cJSON* v = get(r, "volume");
  expect_volume_shape(v);
  EXPECT_EQ(str(v, "status"), "deleted");
  const std::string dt = str(v, "deleteTime"), pt = str(v, "purgeTime");
  EXPECT_TRUE(std::regex_match(dt, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
  EXPECT_NE(pt, "");
  // purgeTime = deleteTime + 8 h (compare hour-of-day modulo 24 and the minutes/seconds).
  EXPECT_EQ(dt.substr(13), pt.substr(13));
  EXPECT_EQ((std::stoi(dt.substr(11, 2)) + 8) % 24, std::stoi(pt.substr(11, 2)));
  // Again: success, unchanged.
  Json again = call(sim, "DeleteVolume", vid(id));
  ASSERT_TRUE(result(again)) << print(again.get());
  EXPECT_EQ(str(get(result(again), "volume"), "deleteTime"), dt);
  EXPECT_EQ(error_name(call(sim, "DeleteVolume", R"({"volumeID":424242})")), "xVolumeIDDoesNotExist");
  EXPECT_EQ(error_name(call(sim, "DeleteVolume", R"({"accountID":1})")), "xMissingParameter");
}

TEST_F(Volumes, PurgeDeletedVolume) {
  const int64_t id = create_volume(sim, "p", acc);
  EXPECT_EQ(error_name(call(sim, "PurgeDeletedVolume", vid(id))), "xVolumeNotDeleted");
  call(sim, "DeleteVolume", vid(id));
  Json j = call(sim, "PurgeDeletedVolume", vid(id));
  ASSERT_TRUE(result(j));
  EXPECT_EQ(print(result(j)), "{}");
  EXPECT_EQ(error_name(call(sim, "PurgeDeletedVolume", vid(id))), "xVolumeIDDoesNotExist");
  EXPECT_EQ(error_name(call(sim, "GetVolumeStats", vid(id))), "xVolumeIDDoesNotExist");
  EXPECT_TRUE(volume_ids(call(sim, "ListVolumes")).empty());
  EXPECT_TRUE(volume_ids(call(sim, "ListDeletedVolumes")).empty());
  EXPECT_TRUE(volume_ids(call(sim, "ListVolumesForAccount", "{\"accountID\":" + std::to_string(acc) + "}")).empty());
  EXPECT_TRUE(volume_ids(call(sim, "ListVolumes", R"({"volumeName":"p"})")).empty());
}

TEST_F(Volumes, AutoPurgeAfterDelay) {
  element_sim::Options o = plain_options();
  o.purge_delay_seconds = 0;
  element_sim::Server s(o);
  const int64_t a = add_account(s, "ap");
  const int64_t id = create_volume(s, "gone", a);
  call(s, "DeleteVolume", vid(id));
  EXPECT_TRUE(volume_ids(call(s, "ListVolumes")).empty());
}

TEST_F(Volumes, DeletedVisibilityPerListCall) {
  const int64_t a1 = create_volume(sim, "a1", acc);
  const int64_t d1 = create_volume(sim, "d1", acc);
  const int64_t a2 = create_volume(sim, "a2", acc);
  call(sim, "DeleteVolume", vid(d1));
  const std::string acc_params = "{\"accountID\":" + std::to_string(acc) + "}";
  EXPECT_EQ(volume_ids(call(sim, "ListVolumes")), (std::vector<int64_t>{a1, d1, a2}));
  EXPECT_EQ(volume_ids(call(sim, "ListVolumes", R"({"volumeStatus":"active"})")), (std::vector<int64_t>{a1, a2}));
  EXPECT_EQ(volume_ids(call(sim, "ListVolumes", R"({"volumeStatus":"deleted"})")), (std::vector<int64_t>{d1}));
  EXPECT_TRUE(volume_ids(call(sim, "ListVolumes", R"({"volumeStatus":"creating"})")).empty());
  EXPECT_EQ(error_name(call(sim, "ListVolumes", R"({"volumeStatus":"zombie"})")), "xUnrecognizedEnumString");
  EXPECT_EQ(volume_ids(call(sim, "ListActiveVolumes", "{}", "1.0")), (std::vector<int64_t>{a1, a2}));
  EXPECT_EQ(volume_ids(call(sim, "ListDeletedVolumes", "{}", "1.0")), (std::vector<int64_t>{d1}));
  EXPECT_EQ(volume_ids(call(sim, "ListVolumesForAccount", acc_params, "1.0")), (std::vector<int64_t>{a1, d1, a2}));
  EXPECT_EQ(volume_ids(call(sim, "ListVolumes", R"({"volumeName":"d1"})")), (std::vector<int64_t>{d1}));
  EXPECT_EQ(str(cJSON_GetArrayItem(get(result(call(sim, "ListVolumes", R"({"volumeName":"d1"})")), "volumes"), 0),
                "status"),
            "deleted");
}

TEST_F(Volumes, StartVolumeIdReturnsNextExisting) {
  const int64_t v1 = create_volume(sim, "v1", acc);
  const int64_t v2 = create_volume(sim, "v2", acc);
  const int64_t v3 = create_volume(sim, "v3", acc);
  call(sim, "DeleteVolume", vid(v2));
  call(sim, "PurgeDeletedVolume", vid(v2));
  auto one = [&](const char* method, int64_t start, const std::string& v = "12.3") {
    return volume_ids(call(sim, method, "{\"startVolumeID\":\"" + std::to_string(start) + "\",\"limit\":1}", v));
  };
  EXPECT_EQ(one("ListVolumes", v1), std::vector<int64_t>{v1});
  EXPECT_EQ(one("ListVolumes", v2), std::vector<int64_t>{v3});  // LP#1782373
  EXPECT_TRUE(one("ListVolumes", v3 + 1).empty());
  EXPECT_EQ(one("ListActiveVolumes", v2, "1.0"), std::vector<int64_t>{v3});
  EXPECT_EQ(volume_ids(call(sim, "ListVolumes", "{\"accounts\":[" + std::to_string(acc) + "],\"startVolumeID\":" +
                                                    std::to_string(v2) + ",\"limit\":1}")),
            std::vector<int64_t>{v3});
  EXPECT_EQ(volume_ids(call(sim, "ListVolumesForAccount", "{\"accountID\":" + std::to_string(acc) +
                                                              ",\"startVolumeID\":2,\"limit\":5}")),
            std::vector<int64_t>{v3});
}

TEST_F(Volumes, ListVolumesFilters) {
  const int64_t other = add_account(sim, "other");
  const int64_t a = create_volume(sim, "x", acc);
  const int64_t b = create_volume(sim, "y", other);
  const int64_t c = create_volume(sim, "x", other);
  const std::string o = std::to_string(other), t = std::to_string(acc);
  EXPECT_EQ(volume_ids(call(sim, "ListVolumes", "{\"accounts\":[" + o + "]}")), (std::vector<int64_t>{b, c}));
  EXPECT_EQ(volume_ids(call(sim, "ListVolumes", "{\"accounts\":[" + o + "," + t + "]}")),
            (std::vector<int64_t>{a, b, c}));
  EXPECT_EQ(volume_ids(call(sim, "ListVolumes", "{\"accounts\":[\"" + o + "\"],\"volumeName\":\"x\"}")),
            (std::vector<int64_t>{c}));
  EXPECT_EQ(volume_ids(call(sim, "ListVolumes", "{\"volumeIDs\":[" + std::to_string(c) + "," + std::to_string(a) +
                                                    ",999]}")),
            (std::vector<int64_t>{a, c}));
  EXPECT_EQ(volume_ids(call(sim, "ListVolumes", R"({"limit":2})")), (std::vector<int64_t>{a, b}));
  EXPECT_EQ(volume_ids(call(sim, "ListVolumes", R"({"isPaired":false})")), (std::vector<int64_t>{a, b, c}));
  EXPECT_TRUE(volume_ids(call(sim, "ListVolumes", R"({"isPaired":true})")).empty());
  EXPECT_TRUE(volume_ids(call(sim, "ListVolumes", R"({"accounts":[999]})")).empty());
  EXPECT_EQ(volume_ids(call(sim, "ListVolumes", R"({"accounts":[],"volumeIDs":null})")).size(), 3u);
  EXPECT_EQ(error_name(call(sim, "ListVolumes", R"({"limit":-1})")), "xInvalidParameter");
  EXPECT_EQ(volume_ids(call(sim, "ListActiveVolumes", R"({"limit":0})")).size(), 3u);
}

// protectionSchemes (README GAP decisions): every simulated volume is doubleHelix; names outside the
// enum are xUnrecognizedEnumString; [] is no filter (Go zero value).
TEST_F(Volumes, ListVolumesProtectionSchemes) {
  const int64_t a = create_volume(sim, "a", acc);
  const int64_t b = create_volume(sim, "b", acc);
  const std::vector<int64_t> all{a, b};
  EXPECT_EQ(volume_ids(call(sim, "ListVolumes", R"({"protectionSchemes":["doubleHelix"]})")), all);
  EXPECT_EQ(volume_ids(call(sim, "ListVolumes", R"({"protectionSchemes":["singleHelix","doubleHelix"]})")), all);
  EXPECT_EQ(volume_ids(call(sim, "ListVolumes", R"({"protectionSchemes":[]})")), all);
  EXPECT_EQ(volume_ids(call(sim, "ListVolumes", R"({"protectionSchemes":null})")), all);
  EXPECT_EQ(volume_ids(call(sim, "ListVolumes", R"({"protectionSchemes":"doubleHelix"})")), all);
  EXPECT_TRUE(volume_ids(call(sim, "ListVolumes", R"({"protectionSchemes":["singleHelix"]})")).empty());
  EXPECT_TRUE(volume_ids(call(sim, "ListVolumes", R"({"protectionSchemes":["tripleHelix","singleHelix"]})")).empty());
  // Combined with the other filters (they still apply).
  EXPECT_EQ(volume_ids(call(sim, "ListVolumes", R"({"protectionSchemes":["doubleHelix"],"volumeName":"b"})")),
            std::vector<int64_t>{b});
  Json bad = call(sim, "ListVolumes", R"({"protectionSchemes":["doubleHelix","quadHelix"]})");
  EXPECT_EQ(error_name(bad), "xUnrecognizedEnumString");
  EXPECT_NE(error_message(bad).find("quadHelix"), std::string::npos) << error_message(bad);
  EXPECT_EQ(error_name(call(sim, "ListVolumes", R"({"protectionSchemes":[2]})")), "xInvalidParameter");
  EXPECT_EQ(error_name(call(sim, "ListVolumes", R"({"protectionSchemes":{"a":1}})")), "xInvalidParameter");
  // A bad volumeStatus is reported even when the scheme filter would return nothing.
  EXPECT_EQ(error_name(call(sim, "ListVolumes", R"({"protectionSchemes":["singleHelix"],"volumeStatus":"x"})")),
            "xUnrecognizedEnumString");
}

TEST_F(Volumes, ListVolumesDefaultLimitIs10000) {
  element_sim::Options o = plain_options();
  element_sim::Server s(o);
  int64_t accounts[6];
  for (int i = 0; i < 6; ++i) accounts[i] = add_account(s, "a" + std::to_string(i));
  for (int i = 0; i < 10001; ++i) {
    const std::string body = "{\"method\":\"CreateVolume\",\"params\":{\"name\":\"v\",\"accountID\":" +
                             std::to_string(accounts[i / 2000]) + ",\"totalSize\":1000000000}}";
    ASSERT_NE(s.handle(body).find("\"result\""), std::string::npos);
  }
  EXPECT_EQ(volume_ids(call(s, "ListVolumes")).size(), 10000u);
  EXPECT_EQ(volume_ids(call(s, "ListActiveVolumes")).size(), 10001u);
}

TEST_F(Volumes, ListVolumesForAccountErrors) {
  EXPECT_EQ(error_name(call(sim, "ListVolumesForAccount", R"({"accountID":99})")), "xAccountIDDoesNotExist");
  EXPECT_EQ(error_name(call(sim, "ListVolumesForAccount")), "xMissingParameter");
  // Newton passes the whole CreateVolume dict: unknown params ignored.
  EXPECT_TRUE(result(call(sim, "ListVolumesForAccount",
                          "{\"accountID\":" + std::to_string(acc) + R"(,"name":"x","sliceCount":1,"qos":{}})")));
}

TEST_F(Volumes, GetVolumeStatsIsAnObject) {
  const int64_t id = create_volume(sim, "st", acc);
  Json j = call(sim, "GetVolumeStats", vid(id), "1.0");
  const cJSON* s = get(result(j), "volumeStats");
  ASSERT_TRUE(cJSON_IsObject(s)) << print(j.get());
  EXPECT_TRUE(cJSON_IsArray(get(s, "volumeAccessGroups")));
  EXPECT_EQ(num(s, "volumeID"), id);
  EXPECT_EQ(num(s, "accountID"), acc);
  EXPECT_EQ(num(s, "volumeSize"), 1073741824);
  for (const char* f : {"readBytes", "readOps", "writeBytes", "writeOps", "nonZeroBlocks", "zeroBlocks",
                        "unalignedReads", "unalignedWrites"})
    EXPECT_TRUE(cJSON_IsNumber(get(s, f))) << f;
  EXPECT_TRUE(cJSON_IsString(get(s, "timestamp")));
  EXPECT_EQ(error_name(call(sim, "GetVolumeStats", R"({"volumeID":77})")), "xVolumeIDDoesNotExist");
}

}  // namespace
