// Account naming, CHAP secret generation, get-or-create with races and lost responses, caching.
#include <gtest/gtest.h>

#include <set>

#include "accounts.h"
#include "fakes.h"

namespace sftest {
namespace {

TEST(AccountNaming, PrefixAndLengthRules) {
  std::vector<std::string> w;
  DriverConfig plain = parse_config(source_of(base_config()), w);
  EXPECT_EQ(account_username(plain, "proj"), "proj");
  auto m = base_config();
  m["sf_account_prefix"] = "cloudA";
  DriverConfig prefixed = parse_config(source_of(m), w);
  EXPECT_EQ(account_username(prefixed, "proj"), "cloudA-proj");
  try {
    account_username(prefixed, std::string(57, 'x'));  // 6 + 1 + 57 = 64, no room for "_"
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(e.field(), "volume.project_id");
  }
  EXPECT_EQ(account_username(prefixed, std::string(56, 'x')).size(), 63u);
  EXPECT_THROW(account_username(plain, ""), Error);
}

// The error names the request field the caller can change (and says so first), not the account name.
TEST(AccountNaming, TooLongNamesTheRequestField) {
  std::vector<std::string> w;
  auto m = base_config();
  m["sf_account_prefix"] = "cloudA";
  DriverConfig prefixed = parse_config(source_of(m), w);
  for (const std::string field : {"volume.project_id", "new_project", "volumes[2].project_id"}) {
    try {
      account_username(prefixed, std::string(5000, 'p'), field);
      ADD_FAILURE() << field;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
      EXPECT_EQ(e.field(), field);
      EXPECT_EQ(e.message().rfind(field + " is too long: 5000 characters, at most 56", 0), 0u) << e.message();
      EXPECT_LT(e.message().size(), 400u) << "the 5,000 characters are not echoed";
    }
  }
  try {
    account_username(prefixed, "", "new_project");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.field(), "new_project");
  }
}

TEST(ChapSecret, LengthAlphabetAndVariety) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string s = generate_chap_secret();
    ASSERT_EQ(s.size(), 16u);
    for (const char c : s) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << s;
    seen.insert(s);
  }
  EXPECT_EQ(seen.size(), 200u);
}

struct AccountsFixture : ::testing::Test {
  Harness h;
  FakeContext ctx{h.clock};
  void SetUp() override { h.setup(); }
  AccountManager accounts() { return AccountManager(h.driver->client(), h.logger); }
};

TEST_F(AccountsFixture, CreatesMissingAccountWithCsprngSecrets) {
  AccountManager am(h.driver->client(), h.logger);
  const SfAccount a = am.get_or_create(ctx, "proj1");
  EXPECT_EQ(h.transport->methods(), (std::vector<std::string>{"GetAccountByName", "AddAccount"}));
  const auto add = h.transport->requests().at(1);
  EXPECT_EQ(add.params.view().string("username"), "proj1");
  EXPECT_EQ(add.params.view().string("initiatorSecret")->size(), 16u);
  EXPECT_EQ(add.params.view().string("targetSecret")->size(), 16u);
  EXPECT_TRUE(add.params.view()["attributes"].is_object());
  EXPECT_EQ(a.target_secret, *add.params.view().string("targetSecret"));
  // Cached: no further RPC.
  h.transport->clear();
  EXPECT_EQ(am.get_or_create(ctx, "proj1").id, a.id);
  EXPECT_EQ(h.transport->total(), 0u);
}

TEST_F(AccountsFixture, DuplicateUsernameRaceReadsTheWinner) {
  AccountManager am(h.driver->client(), h.logger);
  // Another creator adds the account between our lookup and our AddAccount.
  h.transport->expect("AddAccount", [&](const Request&) {
    h.transport->cluster.add_account("proj1", "WINNERSECRET0001");
    return element_error("xDuplicateUsername");
  });
  const SfAccount a = am.get_or_create(ctx, "proj1");
  EXPECT_EQ(a.target_secret, "WINNERSECRET0001");
  EXPECT_EQ(h.transport->methods(),
            (std::vector<std::string>{"GetAccountByName", "AddAccount", "GetAccountByName"}));
}

TEST_F(AccountsFixture, LostAddAccountAnswerIsRecovered) {
  AccountManager am(h.driver->client(), h.logger);
  h.transport->expect("AddAccount", [&](const Request& r) -> HttpResponse {
    h.transport->cluster.handle(r);  // commits
    throw TransportError(TransportError::Kind::kTimeout, "read timeout");
  });
  const SfAccount a = am.get_or_create(ctx, "proj1");
  EXPECT_GT(a.id, 0);
  EXPECT_EQ(h.transport->count("AddAccount"), 1) << "no second AddAccount when the first committed";
}

TEST_F(AccountsFixture, InvalidateForcesLookup) {
  h.transport->cluster.add_account("proj1");
  AccountManager am(h.driver->client(), h.logger);
  am.get_or_create(ctx, "proj1");
  am.invalidate("proj1");
  h.transport->clear();
  am.get_or_create(ctx, "proj1");
  EXPECT_EQ(h.transport->count("GetAccountByName"), 1);
}

TEST_F(AccountsFixture, OtherLookupErrorsPropagate) {
  AccountManager am(h.driver->client(), h.logger);
  h.transport->expect_reply("GetAccountByName", element_error("xSomethingBad"));
  EXPECT_THROW(am.get_or_create(ctx, "proj1"), Error);
  EXPECT_EQ(h.transport->count("AddAccount"), 0);
}

}  // namespace
}  // namespace sftest
