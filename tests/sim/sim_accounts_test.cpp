// Account methods.
#include "sim_test_util.h"

using namespace simtest;

namespace {

class Accounts : public ::testing::Test {
 protected:
  element_sim::Server sim{plain_options()};
};

void expect_account_shape(const cJSON* a) {
  ASSERT_TRUE(cJSON_IsObject(a));
  EXPECT_TRUE(cJSON_IsNumber(get(a, "accountID")));
  EXPECT_TRUE(cJSON_IsString(get(a, "username")));
  EXPECT_EQ(str(a, "status"), "active");
  EXPECT_TRUE(cJSON_IsArray(get(a, "volumes")));
  EXPECT_TRUE(cJSON_IsString(get(a, "initiatorSecret")));
  EXPECT_TRUE(cJSON_IsString(get(a, "targetSecret")));
  EXPECT_TRUE(cJSON_IsObject(get(a, "attributes")));
  EXPECT_EQ(str(a, "storageContainerID"), "00000000-0000-0000-0000-000000000000");
  EXPECT_TRUE(cJSON_IsTrue(get(a, "enableChap")));
}

TEST_F(Accounts, AddAccountGeneratesSecrets) {
  Json j = call(sim, "AddAccount", R"({"username":"tenant-a"})", "1.0");
  const cJSON* r = result(j);
  ASSERT_TRUE(r) << print(j.get());
  EXPECT_EQ(num(r, "accountID"), 1);
  const cJSON* a = get(r, "account");
  expect_account_shape(a);
  EXPECT_EQ(str(a, "username"), "tenant-a");
  const std::string is = str(a, "initiatorSecret"), ts = str(a, "targetSecret");
  EXPECT_GE(is.size(), 12u);
  EXPECT_LE(is.size(), 16u);
  EXPECT_GE(ts.size(), 12u);
  EXPECT_LE(ts.size(), 16u);
}

TEST_F(Accounts, AddAccountAcceptsEqualSecretsAndAttributes) {
  Json j = call(sim, "AddAccount",
                R"({"username":"cinder","initiatorSecret":"ABCDEFGHIJKL","targetSecret":"ABCDEFGHIJKL",
                    "attributes":{"k":"v"},"sliceCount":1,"totalSize":5})");
  const cJSON* a = get(result(j), "account");
  ASSERT_TRUE(a) << print(j.get());
  EXPECT_EQ(str(a, "initiatorSecret"), "ABCDEFGHIJKL");
  EXPECT_EQ(str(a, "targetSecret"), "ABCDEFGHIJKL");
  EXPECT_EQ(str(get(a, "attributes"), "k"), "v");
}

TEST_F(Accounts, AddAccountErrors) {
  add_account(sim, "dup");
  Json d = call(sim, "AddAccount", R"({"username":"dup"})");
  EXPECT_EQ(error_name(d), "xDuplicateUsername");
  EXPECT_EQ(error_name(call(sim, "AddAccount", "{}")), "xMissingParameter");
  EXPECT_EQ(error_name(call(sim, "AddAccount", R"({"username":""})")), "xMissingParameter");
  EXPECT_EQ(error_name(call(sim, "AddAccount", "{\"username\":\"" + std::string(65, 'u') + "\"}")),
            "xInvalidParameter");
  EXPECT_TRUE(result(call(sim, "AddAccount", "{\"username\":\"" + std::string(64, 'u') + "\"}")));
  EXPECT_EQ(error_name(call(sim, "AddAccount", R"({"username":"s1","initiatorSecret":"short"})")),
            "xInvalidParameter");
  EXPECT_EQ(error_name(call(sim, "AddAccount", R"({"username":"s2","targetSecret":"0123456789abcdefg"})")),
            "xInvalidParameter");
  EXPECT_EQ(error_name(call(sim, "AddAccount", R"({"username":"s3","attributes":[1]})")), "xInvalidParameter");
  EXPECT_EQ(error_name(call(sim, "AddAccount",
                            "{\"username\":\"s4\",\"attributes\":{\"k\":\"" + std::string(1000, 'x') + "\"}}")),
            "xInvalidParameter");
}

TEST_F(Accounts, GetAccountByName) {
  const int64_t id = add_account(sim, "byname");
  Json j = call(sim, "GetAccountByName", R"({"username":"byname"})", "1.0");
  const cJSON* a = get(result(j), "account");
  expect_account_shape(a);
  EXPECT_EQ(num(a, "accountID"), id);
  Json u = call(sim, "GetAccountByName", R"({"username":"nobody"})");
  EXPECT_EQ(error_name(u), "xUnknownAccount");
  EXPECT_EQ(error_message(u), "xUnknownAccount");
  EXPECT_EQ(num(get(u.get(), "error"), "code"), 500);
  EXPECT_EQ(error_name(call(sim, "GetAccountByName")), "xMissingParameter");
}

TEST_F(Accounts, GetAccountByID) {
  const int64_t id = add_account(sim, "byid");
  Json j = call(sim, "GetAccountByID", "{\"accountID\":\"" + std::to_string(id) + "\"}");
  EXPECT_EQ(str(get(result(j), "account"), "username"), "byid");
  EXPECT_EQ(error_name(call(sim, "GetAccountByID", R"({"accountID":999})")), "xAccountIDDoesNotExist");
}

TEST_F(Accounts, AccountVolumesIncludeDeletedButNotPurged) {
  const int64_t id = add_account(sim, "vols");
  const int64_t v1 = create_volume(sim, "v1", id);
  const int64_t v2 = create_volume(sim, "v2", id);
  call(sim, "DeleteVolume", "{\"volumeID\":" + std::to_string(v1) + "}");
  auto vols = [&] {
    Json j = call(sim, "GetAccountByID", "{\"accountID\":" + std::to_string(id) + "}");
    std::vector<int64_t> out;
    const cJSON* v = nullptr;
    cJSON_ArrayForEach(v, get(get(result(j), "account"), "volumes")) out.push_back(static_cast<int64_t>(v->valuedouble));
    return out;
  };
  EXPECT_EQ(vols(), (std::vector<int64_t>{v1, v2}));
  call(sim, "PurgeDeletedVolume", "{\"volumeID\":" + std::to_string(v1) + "}");
  EXPECT_EQ(vols(), (std::vector<int64_t>{v2}));
}

TEST_F(Accounts, ListAccountsPaging) {
  for (int i = 0; i < 5; ++i) add_account(sim, "acc" + std::to_string(i));
  auto ids = [&](const std::string& params) {
    Json j = call(sim, "ListAccounts", params, "1.0");
    std::vector<int64_t> out;
    const cJSON* a = nullptr;
    cJSON_ArrayForEach(a, get(result(j), "accounts")) {
      expect_account_shape(a);
      out.push_back(num(a, "accountID"));
    }
    return out;
  };
  EXPECT_EQ(ids("{}"), (std::vector<int64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(ids(R"({"startAccountID":3})"), (std::vector<int64_t>{3, 4, 5}));
  EXPECT_EQ(ids(R"({"startAccountID":"2","limit":2})"), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(ids(R"({"limit":0})").size(), 5u);
  EXPECT_TRUE(ids(R"({"startAccountID":6})").empty());
}

}  // namespace
