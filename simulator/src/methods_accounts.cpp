// Account methods: GetAccountByName, GetAccountByID, AddAccount, ListAccounts, ModifyAccount,
// RemoveAccount.
#include <optional>

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
  return account_result(c, c.account_or_fail(it->second));  // slot table, not a map walk
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
  const Account& stored = c.insert_account(std::move(a));
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

json::Ptr modify_account(Cluster& c, const Params& p, const CallInfo&) {
  Account& a = c.account_or_fail(p.req_int("accountID"));
  std::optional<std::string> username = p.opt_string("username", true);
  if (username) {
    const size_t len = utf8_length(*username);
    if (len < 1 || len > 64) fail_invalid("username", "must be 1 to 64 characters");
    auto it = c.account_by_name.find(*username);
    if (it != c.account_by_name.end() && it->second != a.id)
      fail("xDuplicateUsername", "xDuplicateUsername: an account with username '" + *username + "' already exists");
  }
  std::optional<std::string> status = p.opt_string("status", true);
  if (status && *status != "active" && *status != "locked")
    fail("xUnrecognizedEnumString", "Unrecognized enum string status=" + *status);
  auto secret = [&](const char* name) -> std::optional<std::string> {
    auto s = p.opt_string(name, true);
    if (s && (s->size() < kSecretMin || s->size() > kSecretMax))
      fail_invalid(name, "CHAP secrets must be 12 to 16 characters long");
    return s;
  };
  auto isec = secret("initiatorSecret");
  auto tsec = secret("targetSecret");
  std::optional<std::string> attrs;
  if (const cJSON* at = p.opt_object("attributes")) attrs = attributes_text(at);
  auto chap = p.opt_bool("enableChap");

  if (username && *username != a.username) {
    c.account_by_name.erase(a.username);
    c.account_by_name.emplace(*username, a.id);
    a.username = *username;
  }
  if (status) a.status = *status;
  if (isec) a.initiator_secret = *isec;
  if (tsec) a.target_secret = *tsec;
  if (attrs) a.attributes = *attrs;  // replaces; {} clears
  if (chap) a.enable_chap = *chap;
  return account_result(c, a);
}

json::Ptr remove_account(Cluster& c, const Params& p, const CallInfo&) {
  Account& a = c.account_or_fail(p.req_int("accountID"));
  if (!a.volumes.empty())
    fail("xAccountHasVolumes", "AccountID " + std::to_string(a.id) + " still owns " +
                                   std::to_string(a.volumes.size()) +
                                   " volume(s) (deleted volumes count until purged); delete and purge them first.");
  c.account_by_name.erase(a.username);
  c.erase_account(a.id);
  return json::object();
}

}  // namespace

void register_account_methods(Registry& r) {
  r.add("GetAccountByName", {1, 0}, get_account_by_name);
  r.add("GetAccountByID", {1, 0}, get_account_by_id);
  r.add("AddAccount", {1, 0}, add_account, kMutating);
  r.add("ModifyAccount", {1, 0}, modify_account, kMutating);
  r.add("RemoveAccount", {1, 0}, remove_account, kMutating);
  r.add("ListAccounts", {1, 0}, list_accounts);
}

}  // namespace element_sim
