// JSON-RPC envelope, parameter coercion, version gating and RPC counters (in-process).
#include <set>

#include "sim_test_util.h"

using namespace simtest;

namespace {

class Envelope : public ::testing::Test {
 protected:
  element_sim::Server sim{plain_options()};
  Json raw(const std::string& body, const std::string& v = "12.3") { return parse(sim.handle(body, v)); }
};

TEST_F(Envelope, EchoesIntegerStringAndAbsentIds) {
  Json a = raw(R"({"method":"GetClusterInfo","id":42})");
  ASSERT_TRUE(a);
  EXPECT_EQ(num(a.get(), "id"), 42);
  Json b = raw(R"({"method":"GetClusterInfo","id":"puppet-123"})");
  EXPECT_EQ(str(b.get(), "id"), "puppet-123");
  Json c = raw(R"({"method":"GetClusterInfo"})");
  ASSERT_TRUE(get(c.get(), "id"));
  EXPECT_TRUE(cJSON_IsNull(get(c.get(), "id")));
  Json d = raw(R"({"method":"NoSuchMethod","id":"e1"})");
  EXPECT_EQ(str(d.get(), "id"), "e1");
  Json big = raw(R"({"method":"GetClusterInfo","id":12345678901})");
  EXPECT_NE(sim.handle(R"({"method":"GetClusterInfo","id":12345678901})").find("\"id\":12345678901"),
            std::string::npos);
  (void)big;
}

TEST_F(Envelope, RepliesAreCompactJson) {
  const std::string r = sim.handle(R"({"method":"GetClusterInfo","id":1})");
  EXPECT_EQ(r.find('\n'), std::string::npos);
  EXPECT_EQ(r.find(": "), std::string::npos);
  EXPECT_EQ(r.rfind("{\"id\":1,\"result\":", 0), 0u);
  const std::string e = sim.handle(R"({"method":"Nope","id":1})");
  EXPECT_NE(e.find("\"code\":500"), std::string::npos);
}

TEST_F(Envelope, MalformedRequests) {
  for (const char* body : {"{not json", "[1,2]", "\"x\"", "", R"({"params":{}})", R"({"method":5})",
                           R"({"method":"GetClusterInfo","params":[1]})"}) {
    Json j = raw(body);
    ASSERT_TRUE(j) << body;
    EXPECT_EQ(error_name(j), "xInvalidRequest") << body;
    EXPECT_EQ(num(get(j.get(), "error"), "code"), 500);
    EXPECT_TRUE(get(j.get(), "id"));
  }
}

TEST_F(Envelope, UnknownMethodAndVersionGating) {
  Json j = raw(R"({"method":"FrobnicateVolume","params":{}})");
  EXPECT_EQ(error_name(j), "xUnknownAPIMethod");
  EXPECT_NE(error_message(j).find("method=FrobnicateVolume"), std::string::npos);
  EXPECT_EQ(num(get(j.get(), "error"), "code"), 500);

  Json v7 = raw(R"({"method":"ListVolumes","params":{}})", "7.0");
  EXPECT_EQ(error_name(v7), "xUnknownAPIMethod");
  EXPECT_NE(error_message(v7).find("method=ListVolumes"), std::string::npos);
  Json v74 = raw(R"({"method":"ListVolumes","params":{}})", "7.4");
  EXPECT_EQ(error_name(v74), "xUnknownAPIMethod");
  Json v8 = raw(R"({"method":"ListVolumes","params":{}})", "8.0");
  EXPECT_TRUE(result(v8));
  Json v1 = raw(R"({"method":"ListActiveVolumes","params":{}})", "1.0");
  EXPECT_TRUE(result(v1));
}

TEST_F(Envelope, UnsupportedVersionViaHandle) {
  Json j = raw(R"({"method":"GetClusterInfo"})", "99.0");
  EXPECT_EQ(error_name(j), "xUnknownAPIVersion");
}

TEST_F(Envelope, ParamsAbsentOrNullMeansEmpty) {
  EXPECT_TRUE(result(raw(R"({"method":"ListAccounts"})")));
  EXPECT_TRUE(result(raw(R"({"method":"ListAccounts","params":null})")));
}

TEST_F(Envelope, MissingRequiredParameter) {
  Json j = call(sim, "GetAccountByID");
  EXPECT_EQ(error_name(j), "xMissingParameter");
  EXPECT_EQ(error_message(j), "Missing member=[accountID]");
  Json n = call(sim, "GetAccountByID", R"({"accountID":null})");
  EXPECT_EQ(error_name(n), "xMissingParameter");
}

TEST_F(Envelope, CoercesNumericAndBooleanStrings) {
  const int64_t acc = add_account(sim, "coerce");
  Json j = call(sim, "CreateVolume",
                R"({"name":"c1","accountID":")" + std::to_string(acc) +
                    R"(","totalSize":"2000000000","enable512e":"false"})");
  ASSERT_TRUE(result(j)) << print(j.get());
  const cJSON* vol = get(result(j), "volume");
  EXPECT_EQ(num(vol, "totalSize"), 2000683008);
  EXPECT_TRUE(cJSON_IsFalse(get(vol, "enable512e")));
  Json t = call(sim, "CreateVolume",
                R"({"name":"c2","accountID":)" + std::to_string(acc) + R"(,"totalSize":1e9,"enable512e":"True"})");
  ASSERT_TRUE(result(t));
  EXPECT_TRUE(cJSON_IsTrue(get(get(result(t), "volume"), "enable512e")));
  Json l = call(sim, "ListVolumes", R"({"startVolumeID":"2","limit":"1","isPaired":"false"})");
  EXPECT_EQ(volume_ids(l), std::vector<int64_t>{2});
}

TEST_F(Envelope, UncoercibleTypesAreInvalidParameter) {
  Json a = call(sim, "GetAccountByID", R"({"accountID":"twelve"})");
  EXPECT_EQ(error_name(a), "xInvalidParameter");
  EXPECT_NE(error_message(a).find("accountID"), std::string::npos);
  Json b = call(sim, "GetAccountByID", R"({"accountID":1.5})");
  EXPECT_EQ(error_name(b), "xInvalidParameter");
  Json c = call(sim, "ListVolumes", R"({"isPaired":"maybe"})");
  EXPECT_EQ(error_name(c), "xInvalidParameter");
  Json d = call(sim, "ListVolumes", R"({"accounts":{"a":1}})");
  EXPECT_EQ(error_name(d), "xInvalidParameter");
}

TEST_F(Envelope, UnknownParamsAreIgnored) {
  Json j = call(sim, "GetClusterInfo", R"({"bogus":1,"more":{"x":[1]}})");
  EXPECT_TRUE(result(j));
}

TEST_F(Envelope, CountsRpcsPerMethod) {
  sim.reset_counts();
  call(sim, "GetClusterInfo");
  call(sim, "GetClusterInfo");
  call(sim, "NoSuch");
  raw("{bad");
  EXPECT_EQ(sim.rpc_count("GetClusterInfo"), 2u);
  EXPECT_EQ(sim.rpc_count("NoSuch"), 1u);
  EXPECT_EQ(sim.rpc_count("ListVolumes"), 0u);
  EXPECT_EQ(sim.rpc_total(), 4u);
  sim.reset_counts();
  EXPECT_EQ(sim.rpc_total(), 0u);
  EXPECT_EQ(sim.rpc_count("GetClusterInfo"), 0u);
}

TEST(EnvelopeClusters, ClustersHaveSeparateStateAndIdentity) {
  element_sim::Options o = plain_options();
  o.clusters = 3;
  element_sim::Server sim(o);
  EXPECT_EQ(sim.cluster_count(), 3);
  std::set<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    Json j = call(sim, "GetClusterInfo", "{}", "12.3", i);
    ids.insert(str(get(result(j), "clusterInfo"), "uniqueID"));
  }
  EXPECT_EQ(ids.size(), 3u);
  add_account(sim, "only-on-1", 1);
  EXPECT_EQ(error_name(call(sim, "GetAccountByName", R"({"username":"only-on-1"})", "12.3", 0)), "xUnknownAccount");
  EXPECT_TRUE(result(call(sim, "GetAccountByName", R"({"username":"only-on-1"})", "12.3", 1)));
  EXPECT_EQ(sim.rpc_count("GetAccountByName", 0), 1u);
  EXPECT_EQ(sim.rpc_count("GetAccountByName", 1), 1u);
  EXPECT_THROW(sim.handle("{}", "12.3", 3), std::out_of_range);
}

TEST(EnvelopeSeed, SameSeedSameIdentityAndSecrets) {
  element_sim::Server a(plain_options()), b(plain_options());
  element_sim::Options o = plain_options();
  o.seed = 2;
  element_sim::Server c(o);
  auto uid = [](element_sim::Server& s) {
    return str(get(result(call(s, "GetClusterInfo")), "clusterInfo"), "uniqueID");
  };
  EXPECT_EQ(uid(a), uid(b));
  EXPECT_NE(uid(a), uid(c));
  auto secret = [](element_sim::Server& s) {
    Json j = call(s, "AddAccount", R"({"username":"u"})");
    return str(get(result(j), "account"), "initiatorSecret");
  };
  EXPECT_EQ(secret(a), secret(b));
}

}  // namespace
