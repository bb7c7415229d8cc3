// Volume access groups, QoS policies, ModifyAccount/RemoveAccount.
#include "sim_test_util.h"

using namespace simtest;

namespace {

const char* kIqn1 = "iqn.1993-08.org.debian:01:aaaa";
const char* kIqn2 = "iqn.1993-08.org.debian:01:bbbb";

class Vags : public ::testing::Test {
 protected:
  void SetUp() override {
    acc = add_account(sim, "tenant");
    vol = create_volume(sim, "v1", acc);
    vol2 = create_volume(sim, "v2", acc);
  }
  static element_sim::Options opts() {
    element_sim::Options o = plain_options();
    o.volume_access_group_count_max = 3;
    o.initiators_per_volume_access_group_max = 2;
    return o;
  }
  Json vcall(const std::string& method, const std::string& params) { return call(sim, method, params, "7.0"); }
  Json create(const std::string& params) { return vcall("CreateVolumeAccessGroup", params); }
  const cJSON* vag_of(const Json& j) { return get(result(j), "volumeAccessGroup"); }
  static std::vector<int64_t> ints(const cJSON* arr) {
    std::vector<int64_t> out;
    const cJSON* e = nullptr;
    cJSON_ArrayForEach(e, arr) out.push_back(static_cast<int64_t>(e->valuedouble));
    return out;
  }
  std::vector<int64_t> volume_vags(int64_t v) {
    Json j = call(sim, "ListVolumes", "{\"volumeIDs\":[" + std::to_string(v) + "]}");
    return ints(get(cJSON_GetArrayItem(get(result(j), "volumes"), 0), "volumeAccessGroups"));
  }
  std::vector<int64_t> stats_vags(int64_t v) {
    Json j = call(sim, "GetVolumeStats", "{\"volumeID\":" + std::to_string(v) + "}");
    return ints(get(get(result(j), "volumeStats"), "volumeAccessGroups"));
  }
  element_sim::Server sim{opts()};
  int64_t acc = 0, vol = 0, vol2 = 0;
};

TEST_F(Vags, CreateShapeCinderStyle) {
  // Cinder may send volumes:[null]
  Json j = create(std::string(R"({"name":"iqn-1993-08-org-debian-01-aaaa","initiators":[")") + kIqn1 +
                  R"("],"volumes":[null],"attributes":{"openstack":true}})");
  const cJSON* r = result(j);
  ASSERT_TRUE(r) << print(j.get());
  EXPECT_EQ(num(r, "volumeAccessGroupID"), 1);
  const cJSON* g = vag_of(j);
  EXPECT_EQ(num(g, "volumeAccessGroupID"), 1);
  EXPECT_EQ(str(g, "name"), "iqn-1993-08-org-debian-01-aaaa");
  EXPECT_EQ(print(get(g, "initiators")), std::string("[\"") + kIqn1 + "\"]");
  EXPECT_EQ(ints(get(g, "initiatorIDs")).size(), 1u);
  EXPECT_TRUE(ints(get(g, "volumes")).empty());
  EXPECT_TRUE(ints(get(g, "deletedVolumes")).empty());
  EXPECT_EQ(print(get(g, "attributes")), R"({"openstack":true})");
  EXPECT_EQ(error_name(call(sim, "CreateVolumeAccessGroup", R"({"name":"x"})", "4.0")), "xUnknownAPIMethod");
}

TEST_F(Vags, InitiatorInAnotherVagIsExceededLimitWithIqn) {
  create(std::string(R"({"name":"a","initiators":[")") + kIqn1 + "\"]}");
  Json j = create(std::string(R"({"name":"b","initiators":[")") + kIqn1 + "\"]}");
  EXPECT_EQ(error_name(j), "xExceededLimit");
  EXPECT_NE(print(j.get()).find(kIqn1), std::string::npos);
  Json k = create(R"({"name":"b"})");
  const int64_t b = num(result(k), "volumeAccessGroupID");
  Json add = vcall("AddInitiatorsToVolumeAccessGroup",
                   "{\"volumeAccessGroupID\":" + std::to_string(b) + ",\"initiators\":[\"" + kIqn1 + "\"]}");
  EXPECT_EQ(error_name(add), "xExceededLimit");
  EXPECT_NE(error_message(add).find(kIqn1), std::string::npos);
}

TEST_F(Vags, VagCountLimitHasNoIqn) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(result(create("{\"name\":\"g" + std::to_string(i) + "\"}")));
  Json j = create(std::string(R"({"name":"g4","initiators":[")") + kIqn2 + "\"]}");
  EXPECT_EQ(error_name(j), "xExceededLimit");
  EXPECT_EQ(print(j.get()).find("iqn."), std::string::npos);
}

TEST_F(Vags, InitiatorsPerVagLimitMessage) {
  Json j = create(std::string(R"({"name":"a","initiators":[")") + kIqn1 + "\",\"" + kIqn2 + "\"]}");
  const int64_t id = num(result(j), "volumeAccessGroupID");
  Json add = vcall("AddInitiatorsToVolumeAccessGroup",
                   "{\"volumeAccessGroupID\":" + std::to_string(id) + R"(,"initiators":["iqn.2000-01.x:c"]})");
  EXPECT_EQ(error_name(add), "xExceededLimit");
  EXPECT_EQ(error_message(add), "Exceeded max number of initiators per volumeAccessGroup. volumeAccessGroupID=" +
                                    std::to_string(id) + " limit=2");
}

// doc §3.5: IQNs are iqn.yyyy-mm followed by digits, lower-case letters, '.', ':' or '-'; EUI, NAA
// and Fibre Channel WWPNs are initiator names too; anything else is refused before any change.
TEST_F(Vags, InitiatorNamesAreValidated) {
  const int64_t id = num(result(create(R"({"name":"a"})")), "volumeAccessGroupID");
  const std::string g = "{\"volumeAccessGroupID\":" + std::to_string(id) + ",\"initiators\":[\"";
  for (const char* bad : {"host1", "iqn.", "iqn.2024-01", "iqn.24-01.org.x:h", "iqn.2024-01.org.x:h_1",
                          "iqn.2024-1.org.x:h", "eui.0123", "naa.12345", "21:00:00:24:ff:4b:d5", "2100002G4ffd53e0",
                          "21:000:00:24:ff:4b:d5:3e"}) {
    Json j = vcall("AddInitiatorsToVolumeAccessGroup", g + bad + "\"]}");
    EXPECT_EQ(error_name(j), "xInvalidParameter") << bad;
    EXPECT_NE(error_message(j).find("initiators"), std::string::npos) << bad;
    EXPECT_EQ(error_name(create(std::string(R"({"name":"b","initiators":[")") + bad + "\"]}")), "xInvalidParameter")
        << bad;
  }
  // nothing was added by the refused calls
  Json l = vcall("ListVolumeAccessGroups", "{}");
  EXPECT_EQ(cJSON_GetArraySize(get(cJSON_GetArrayItem(get(result(l), "volumeAccessGroups"), 0), "initiators")), 0);
  for (const char* good : {"iqn.2024-01.org.vdp:host-0a1b", "IQN.2010-01.COM.Example:Box.1",
                           "eui.02004567a425678d", "naa.6001405ab6d8e6ea", "naa.6001405ab6d8e6ea0123456789abcdef",
                           "21:00:00:24:ff:4b:d5:3e", "2100002400ffd53e"}) {
    Json j = vcall("AddInitiatorsToVolumeAccessGroup", g + good + "\"]}");
    EXPECT_TRUE(result(j)) << good << " " << print(j.get());
    vcall("RemoveInitiatorsFromVolumeAccessGroup", g + good + "\"]}");
  }
  // an initiator ID (number or numeric string) names a known initiator
  Json j = vcall("AddInitiatorsToVolumeAccessGroup", g + kIqn1 + "\"]}");
  const int64_t iid = static_cast<int64_t>(cJSON_GetArrayItem(get(vag_of(j), "initiatorIDs"), 0)->valuedouble);
  vcall("RemoveInitiatorsFromVolumeAccessGroup", g + kIqn1 + "\"]}");
  Json by_id = vcall("AddInitiatorsToVolumeAccessGroup",
                     "{\"volumeAccessGroupID\":" + std::to_string(id) + ",\"initiators\":[\"" + std::to_string(iid) + "\"]}");
  EXPECT_EQ(print(get(vag_of(by_id), "initiators")), std::string("[\"") + kIqn1 + "\"]");
  EXPECT_EQ(error_name(vcall("AddInitiatorsToVolumeAccessGroup",
                             "{\"volumeAccessGroupID\":" + std::to_string(id) + ",\"initiators\":[9999]}")),
            "xInitiatorIDDoesNotExist");
  EXPECT_EQ(error_name(vcall("AddInitiatorsToVolumeAccessGroup",
                             "{\"volumeAccessGroupID\":" + std::to_string(id) + ",\"initiators\":[1.5]}")),
            "xInvalidParameter");
}

TEST_F(Vags, AddRemoveInitiators) {
  const int64_t id = num(result(create(R"({"name":"a"})")), "volumeAccessGroupID");
  const std::string g = "{\"volumeAccessGroupID\":" + std::to_string(id);
  Json j = vcall("AddInitiatorsToVolumeAccessGroup", g + ",\"initiators\":[\"IQN.1993-08.org.debian:01:AAAA\"]}");
  EXPECT_EQ(print(get(vag_of(j), "initiators")), std::string("[\"") + kIqn1 + "\"]");  // lower-cased
  EXPECT_EQ(error_name(vcall("AddInitiatorsToVolumeAccessGroup", g + ",\"initiators\":[\"" + kIqn1 + "\"]}")),
            "xAlreadyInVolumeAccessGroup");
  EXPECT_EQ(error_name(vcall("RemoveInitiatorsFromVolumeAccessGroup", g + ",\"initiators\":[\"" + kIqn2 + "\"]}")),
            "xNotInVolumeAccessGroup");
  j = vcall("RemoveInitiatorsFromVolumeAccessGroup", g + ",\"initiators\":[\"" + kIqn1 + "\"]}");
  EXPECT_EQ(cJSON_GetArraySize(get(vag_of(j), "initiators")), 0);
  // now free for another VAG
  EXPECT_TRUE(result(create(std::string(R"({"name":"b","initiators":[")") + kIqn1 + "\"]}")));
  EXPECT_EQ(error_name(vcall("AddInitiatorsToVolumeAccessGroup", R"({"volumeAccessGroupID":99,"initiators":["x"]})")),
            "xVolumeAccessGroupIDDoesNotExist");
  EXPECT_EQ(error_name(vcall("AddInitiatorsToVolumeAccessGroup", g + "}")), "xMissingParameter");
}

TEST_F(Vags, AddRemoveVolumesKeepsVolumeViewsInSync) {
  const int64_t id = num(result(create("{\"name\":\"a\",\"volumes\":[" + std::to_string(vol) + "]}")),
                         "volumeAccessGroupID");
  const std::string g = "{\"volumeAccessGroupID\":" + std::to_string(id);
  EXPECT_EQ(volume_vags(vol), std::vector<int64_t>{id});
  EXPECT_EQ(stats_vags(vol), std::vector<int64_t>{id});
  // Cinder creates the VAG with the volume, then adds it again
  EXPECT_EQ(error_name(vcall("AddVolumesToVolumeAccessGroup", g + ",\"volumes\":[" + std::to_string(vol) + "]}")),
            "xAlreadyInVolumeAccessGroup");
  // Trident: volumes null / [] are no-ops
  EXPECT_TRUE(result(vcall("AddVolumesToVolumeAccessGroup", g + ",\"volumes\":null}")));
  EXPECT_TRUE(result(vcall("AddVolumesToVolumeAccessGroup", g + ",\"volumes\":[]}")));
  Json j = vcall("AddVolumesToVolumeAccessGroup", g + ",\"volumes\":[" + std::to_string(vol2) + "]}");
  EXPECT_EQ(ints(get(vag_of(j), "volumes")), (std::vector<int64_t>{vol, vol2}));
  EXPECT_EQ(error_name(vcall("AddVolumesToVolumeAccessGroup", g + ",\"volumes\":[999]}")), "xVolumeIDDoesNotExist");
  j = vcall("RemoveVolumesFromVolumeAccessGroup", g + ",\"volumes\":[" + std::to_string(vol) + "]}");
  EXPECT_EQ(ints(get(vag_of(j), "volumes")), std::vector<int64_t>{vol2});
  EXPECT_TRUE(volume_vags(vol).empty());
  EXPECT_TRUE(stats_vags(vol).empty());
  EXPECT_EQ(error_name(vcall("RemoveVolumesFromVolumeAccessGroup", g + ",\"volumes\":[" + std::to_string(vol) + "]}")),
            "xNotInVolumeAccessGroup");
  EXPECT_EQ(error_name(vcall("RemoveVolumesFromVolumeAccessGroup", R"({"volumeAccessGroupID":99,"volumes":[1]})")),
            "xVolumeAccessGroupIDDoesNotExist");
}

TEST_F(Vags, DeletedVolumesMoveToDeletedVolumesAndVanishOnPurge) {
  const int64_t id = num(result(create("{\"name\":\"a\",\"volumes\":[" + std::to_string(vol) + "," +
                                       std::to_string(vol2) + "]}")),
                         "volumeAccessGroupID");
  call(sim, "DeleteVolume", "{\"volumeID\":" + std::to_string(vol) + "}");
  Json l = vcall("ListVolumeAccessGroups", "{}");
  const cJSON* g = cJSON_GetArrayItem(get(result(l), "volumeAccessGroups"), 0);
  EXPECT_EQ(ints(get(g, "volumes")), std::vector<int64_t>{vol2});
  EXPECT_EQ(ints(get(g, "deletedVolumes")), std::vector<int64_t>{vol});
  call(sim, "PurgeDeletedVolume", "{\"volumeID\":" + std::to_string(vol) + "}");
  l = vcall("ListVolumeAccessGroups", "{}");
  g = cJSON_GetArrayItem(get(result(l), "volumeAccessGroups"), 0);
  EXPECT_TRUE(ints(get(g, "deletedVolumes")).empty());
  EXPECT_EQ(num(g, "volumeAccessGroupID"), id);
}

TEST_F(Vags, ListPagingAndById) {
  for (int i = 0; i < 3; ++i) create("{\"name\":\"g\"}");  // names need not be unique
  auto ids = [&](const std::string& params) {
    Json j = vcall("ListVolumeAccessGroups", params);
    std::vector<int64_t> out;
    const cJSON* g = nullptr;
    cJSON_ArrayForEach(g, get(result(j), "volumeAccessGroups")) out.push_back(num(g, "volumeAccessGroupID"));
    return out;
  };
  EXPECT_EQ(ids("{}"), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(ids(R"({"startVolumeAccessGroupID":2,"limit":1})"), std::vector<int64_t>{2});
  EXPECT_EQ(ids(R"({"volumeAccessGroups":[3,1]})"), (std::vector<int64_t>{1, 3}));
  Json nf = vcall("ListVolumeAccessGroups", R"({"volumeAccessGroups":[1,42]})");
  EXPECT_EQ(print(get(result(nf), "volumeAccessGroupsNotFound")), "[42]");
}

TEST_F(Vags, ModifyAndDelete) {
  const int64_t id = num(result(create(std::string(R"({"name":"a","initiators":[")") + kIqn1 + "\"]}")),
                         "volumeAccessGroupID");
  Json j = vcall("ModifyVolumeAccessGroup", "{\"volumeAccessGroupID\":" + std::to_string(id) +
                                                R"(,"name":"b","attributes":{"x":1},"initiators":[")" + kIqn2 +
                                                "\"],\"volumes\":[" + std::to_string(vol) + "]}");
  const cJSON* g = vag_of(j);
  ASSERT_TRUE(g) << print(j.get());
  EXPECT_EQ(str(g, "name"), "b");
  EXPECT_EQ(print(get(g, "initiators")), std::string("[\"") + kIqn2 + "\"]");
  EXPECT_EQ(ints(get(g, "volumes")), std::vector<int64_t>{vol});
  // kIqn1 was released
  EXPECT_TRUE(result(create(std::string(R"({"name":"c","initiators":[")") + kIqn1 + "\"]}")));
  EXPECT_EQ(print(result(vcall("DeleteVolumeAccessGroup", "{\"volumeAccessGroupID\":" + std::to_string(id) + "}"))),
            "{}");
  EXPECT_TRUE(volume_vags(vol).empty());
  EXPECT_EQ(error_name(vcall("DeleteVolumeAccessGroup", "{\"volumeAccessGroupID\":" + std::to_string(id) + "}")),
            "xVolumeAccessGroupIDDoesNotExist");
  EXPECT_EQ(error_name(vcall("ModifyVolumeAccessGroup", R"({"volumeAccessGroupID":77})")),
            "xVolumeAccessGroupIDDoesNotExist");
}

// ------------------------------------------------------------------ QoS policies

TEST_F(Vags, QosPolicies) {
  EXPECT_EQ(error_name(call(sim, "CreateQoSPolicy", R"({"name":"p","qos":{}})", "9.6")), "xUnknownAPIMethod");
  Json j = call(sim, "CreateQoSPolicy", R"({"name":"gold","qos":{"minIOPS":1000,"maxIOPS":2000,"burstIOPS":3000}})",
                "10.0");
  const cJSON* p = get(result(j), "qosPolicy");
  ASSERT_TRUE(p) << print(j.get());
  const int64_t pid = num(p, "qosPolicyID");
  EXPECT_EQ(str(p, "name"), "gold");
  EXPECT_EQ(num(get(p, "qos"), "burstIOPS"), 3000);
  EXPECT_TRUE(cJSON_IsArray(get(p, "volumeIDs")));
  Json cv = call(sim, "CreateVolume",
                 "{\"name\":\"q\",\"accountID\":" + std::to_string(acc) +
                     ",\"totalSize\":1000000000,\"qosPolicyID\":" + std::to_string(pid) + "}");
  const cJSON* v = get(result(cv), "volume");
  ASSERT_TRUE(v) << print(cv.get());
  EXPECT_EQ(num(v, "qosPolicyID"), pid);
  EXPECT_EQ(num(get(v, "qos"), "minIOPS"), 1000);
  const int64_t qv = num(v, "volumeID");
  call(sim, "ModifyQoSPolicy", "{\"qosPolicyID\":" + std::to_string(pid) + R"(,"qos":{"minIOPS":1500}})", "10.0");
  Json g = call(sim, "GetQoSPolicy", "{\"qosPolicyID\":" + std::to_string(pid) + "}", "10.0");
  EXPECT_EQ(print(get(get(result(g), "qosPolicy"), "volumeIDs")), "[" + std::to_string(qv) + "]");
  Json lv = call(sim, "ListVolumes", "{\"volumeIDs\":[" + std::to_string(qv) + "]}");
  EXPECT_EQ(num(get(cJSON_GetArrayItem(get(result(lv), "volumes"), 0), "qos"), "minIOPS"), 1500);
  EXPECT_EQ(cJSON_GetArraySize(get(result(call(sim, "ListQoSPolicies", "{}", "10.0")), "qosPolicies")), 1);
  // ModifyVolume onto a policy and off it (explicit qos detaches)
  Json m = call(sim, "ModifyVolume", "{\"volumeID\":" + std::to_string(vol) + ",\"qosPolicyID\":" +
                                         std::to_string(pid) + "}");
  EXPECT_EQ(num(get(result(m), "volume"), "qosPolicyID"), pid);
  m = call(sim, "ModifyVolume", "{\"volumeID\":" + std::to_string(vol) + R"(,"qos":{"maxIOPS":2500,"burstIOPS":2600}})");
  EXPECT_TRUE(cJSON_IsNull(get(get(result(m), "volume"), "qosPolicyID")));
  EXPECT_EQ(print(result(call(sim, "DeleteQoSPolicy", "{\"qosPolicyID\":" + std::to_string(pid) + "}", "10.0"))),
            "{}");
  lv = call(sim, "ListVolumes", "{\"volumeIDs\":[" + std::to_string(qv) + "]}");
  const cJSON* after = cJSON_GetArrayItem(get(result(lv), "volumes"), 0);
  EXPECT_TRUE(cJSON_IsNull(get(after, "qosPolicyID")));
  EXPECT_EQ(num(get(after, "qos"), "minIOPS"), 1500);  // values kept
  EXPECT_EQ(error_name(call(sim, "GetQoSPolicy", "{\"qosPolicyID\":" + std::to_string(pid) + "}", "10.0")),
            "xQoSPolicyDoesNotExist");
  EXPECT_EQ(error_name(call(sim, "CreateQoSPolicy", R"({"name":"p","qos":{"minIOPS":5}})", "10.0")),
            "xInvalidParameter");
  EXPECT_EQ(error_name(call(sim, "CreateQoSPolicy", R"({"name":"p"})", "10.0")), "xMissingParameter");
}

// ------------------------------------------------------------------ ModifyAccount / RemoveAccount

TEST_F(Vags, ModifyAccount) {
  const int64_t other = add_account(sim, "other");
  Json j = call(sim, "ModifyAccount",
                "{\"accountID\":" + std::to_string(acc) +
                    R"(,"username":"renamed","status":"locked","initiatorSecret":"abcdefghijkl","targetSecret":"abcdefghijkl","attributes":{"k":1},"enableChap":false})");
  const cJSON* a = get(result(j), "account");
  ASSERT_TRUE(a) << print(j.get());
  EXPECT_EQ(str(a, "username"), "renamed");
  EXPECT_EQ(str(a, "status"), "locked");
  EXPECT_EQ(str(a, "initiatorSecret"), "abcdefghijkl");
  EXPECT_EQ(print(get(a, "attributes")), R"({"k":1})");
  EXPECT_FALSE(cJSON_IsTrue(get(a, "enableChap")));
  EXPECT_TRUE(result(call(sim, "GetAccountByName", R"({"username":"renamed"})")));
  EXPECT_EQ(error_name(call(sim, "GetAccountByName", R"({"username":"tenant"})")), "xUnknownAccount");
  EXPECT_EQ(error_name(call(sim, "ModifyAccount", "{\"accountID\":" + std::to_string(other) +
                                                      R"(,"username":"renamed"})")),
            "xDuplicateUsername");
  EXPECT_EQ(error_name(call(sim, "ModifyAccount", "{\"accountID\":" + std::to_string(acc) + R"(,"targetSecret":"short"})")),
            "xInvalidParameter");
  EXPECT_EQ(error_name(call(sim, "ModifyAccount", "{\"accountID\":" + std::to_string(acc) + R"(,"status":"gone"})")),
            "xUnrecognizedEnumString");
  EXPECT_EQ(error_name(call(sim, "ModifyAccount", R"({"accountID":99})")), "xAccountIDDoesNotExist");
  j = call(sim, "ModifyAccount", "{\"accountID\":" + std::to_string(acc) + R"(,"attributes":{}})");
  EXPECT_EQ(print(get(get(result(j), "account"), "attributes")), "{}");
}

TEST_F(Vags, RemoveAccountRefusesWhileVolumesExist) {
  const std::string a = "{\"accountID\":" + std::to_string(acc) + "}";
  EXPECT_EQ(error_name(call(sim, "RemoveAccount", a)), "xAccountHasVolumes");
  for (int64_t v : {vol, vol2}) call(sim, "DeleteVolume", "{\"volumeID\":" + std::to_string(v) + "}");
  EXPECT_EQ(error_name(call(sim, "RemoveAccount", a)), "xAccountHasVolumes");  // deleted volumes count
  for (int64_t v : {vol, vol2}) call(sim, "PurgeDeletedVolume", "{\"volumeID\":" + std::to_string(v) + "}");
  EXPECT_EQ(print(result(call(sim, "RemoveAccount", a))), "{}");
  EXPECT_EQ(error_name(call(sim, "GetAccountByID", a)), "xAccountIDDoesNotExist");
  EXPECT_EQ(error_name(call(sim, "RemoveAccount", a)), "xAccountIDDoesNotExist");
  EXPECT_EQ(add_account(sim, "tenant"), acc + 1);  // ids never reused
}

}  // namespace
