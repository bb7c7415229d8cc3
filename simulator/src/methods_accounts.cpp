// Account methods: GetAccountByName, GetAccountByID, AddAccount, ListAccounts.
#include "cluster_state.h"
#include "common.h"
#include "rpc.h"

namespace element_sim {

namespace {

constexpr std::string_view kSecretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
constexpr size_t kSecretMin = 12, kSecretMax = 16;

json::Ptr account_result(const Cluster& c, const Account& a) {
  json::Ptr r = json::object();
  json::add(r.get(), "account", c.account_json(a));
  return r;
}

json::Ptr get_account_by_name(Cluster& c, const Params& p, const CallInfo&) {
  const std::string username = p.req_string("username");
  auto it = c.account_by_name.find(username);
  // A real cluster answers with message == name here.
  if (it == c.account_by_name.end()) fail("xUnknownAccount", "xUnknownAccount");
  return account_result(c, c.accounts.at(it->second));
}

json::Ptr get_account_by_id(Cluster& c, const Params& p, const CallInfo&) {
  return account_result(c, c.account_or_fail(p.req_int("accountID")));
}

std::string secret_param(const Params& p, const char* name, Rng& rng) {
  auto s = p.opt_string(name, true);
  if (!s) return rng.alnum(kSecretMax, kSecretAlphabet);
  if (s->size() < kSecretMin || s->size() > kSecretMax)
    fail_invalid(name, "CHAP secrets must be 12 to 16 characters long");
  return *s;
}

json::Ptr add_account(Cluster& c, const Params& p, const CallInfo&) {
  const std::string username = p.req_string("username");
  const size_t len = utf8_length(username);
  if (len < 1 || len > 64) fail_invalid("username", "must be 1 to 64 characters");
  if (c.account_by_name.count(username) != 0)
    fail("xDuplicateUsername", "xDuplicateUsername: an account with username '" + username + "' already exists");
  Account a;
  a.initiator_secret = secret_param(p, "initiatorSecret", c.rng);
  a.target_secret = secret_param(p, "targetSecret", c.rng);
  a.attributes = attributes_text(p.opt_object("attributes"));
  if (auto chap = p.opt_bool("enableChap")) a.enable_chap = *chap;
  a.username = username;
  a.id = c.next_account_id++;
  c.account_by_name.emplace(username, a.id);
  const Account& stored = c.accounts.emplace(a.id, std::move(a)).first->second;
  json::Ptr r = json::object();
  json::add_int(r.get(), "accountID", stored.id);
  json::add(r.get(), "account", c.account_json(stored));
  return r;
}

json::Ptr list_accounts(Cluster& c, const Params& p, const CallInfo&) {
  const int64_t start = p.opt_int("startAccountID").value_or(0);
  const int64_t limit = p.opt_int("limit").value_or(0);  // 0/absent = unlimited
  if (limit < 0) fail_invalid("limit", "must not be negative");
  json::Ptr r = json::object();
  cJSON* arr = json::add_arr(r.get(), "accounts");
  int64_t n = 0;
  for (auto it = c.accounts.lower_bound(start); it != c.accounts.end() && (limit == 0 || n < limit); ++it, ++n) {
    json::push(arr, c.account_json(it->second));
  }
  return r;
}

}  // namespace

void register_account_methods(Registry& r) {
  r.add("GetAccountByName", {1, 0}, get_account_by_name);
  r.add("GetAccountByID", {1, 0}, get_account_by_id);
  r.add("AddAccount", {1, 0}, add_account);
  r.add("ListAccounts", {1, 0}, list_accounts);
}

}  // namespace element_sim
