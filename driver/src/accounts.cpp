// Tenant accounts (see accounts.h). Secrets are never logged; only usernames and IDs are.
#include "accounts.h"

#include <spdlog/spdlog.h>
#include <sys/random.h>

#include <cerrno>

#include "element_api.h"
#include "util.h"

namespace solidfire {

namespace {
constexpr size_t kMaxCachedAccounts = 4096;
constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
}  // namespace

std::string account_username(const DriverConfig& config, const std::string& project_id, const std::string& field) {
  if (project_id.empty()) {
    throw Error(ErrorCode::kInvalidArgument, field + " is required to choose the tenant account").with_field(field);
  }
  std::string name = config.sf_account_prefix ? *config.sf_account_prefix + "-" + project_id : project_id;
  if (name.size() + 1 > element::kMaxNameLength) {
    // The request field is what the caller can change: name it first, the account name after.
    const size_t fixed = name.size() - project_id.size();  // the prefix and its '-'
    const size_t room = fixed + 1 < element::kMaxNameLength ? element::kMaxNameLength - 1 - fixed : 0;
    throw Error(ErrorCode::kInvalidArgument, field + " is too long: " + std::to_string(project_id.size()) +
                                                 " characters, at most " + std::to_string(room) +
                                                 " fit in an Element account name (64 characters including the "
                                                 "prefix and the secondary account's '_'); got '" +
                                                 util::clean_utf8(project_id, 64) +
                                                 (project_id.size() > 64 ? "...'" : "'"))
        .with_field(field);
  }
  return name;
}

std::string generate_chap_secret(size_t length) {
  // 62 * 4 = 248: bytes >= 248 are rejected so that every character is equally likely.
  constexpr unsigned kLimit = 248;
  std::string out;
  out.reserve(length);
  unsigned char buf[64];
  while (out.size() < length) {
    const ssize_t n = getrandom(buf, sizeof buf, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error(ErrorCode::kInternal, "getrandom failed; cannot generate CHAP secrets");
    }
    for (ssize_t i = 0; i < n && out.size() < length; ++i) {
      if (buf[i] < kLimit) out.push_back(kAlphabet[buf[i] % kAlphabet.size()]);
    }
  }
  return out;
}

std::optional<SfAccount> parse_account(JsonView a) {
  auto id = a.int64("accountID");
  auto username = a.string("username");
  if (!id || !username) return std::nullopt;
  SfAccount out;
  out.id = *id;
  out.username = *username;
  out.initiator_secret = a.string_or("initiatorSecret", "");
  out.target_secret = a.string_or("targetSecret", "");
  out.volume_count = static_cast<int64_t>(a["volumes"].size());
  return out;
}

AccountManager::AccountManager(ElementClient& client, std::shared_ptr<spdlog::logger> logger,
                               std::shared_ptr<SecretSet> secrets)
    : client_(client), log_(logger ? std::move(logger) : util::null_logger()), secrets_(std::move(secrets)) {}

void AccountManager::remember(const SfAccount& account) {
  if (secrets_) {
    secrets_->add(account.initiator_secret);
    secrets_->add(account.target_secret);
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (cache_.size() >= kMaxCachedAccounts && cache_.find(account.username) == cache_.end()) cache_.clear();
  cache_[account.username] = account;
}

void AccountManager::invalidate(const std::string& username) {
  std::lock_guard<std::mutex> lock(mutex_);
  cache_.erase(username);
}

void AccountManager::note_volume_created(const std::string& username) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = cache_.find(username);
  if (it != cache_.end()) ++it->second.volume_count;
}

std::optional<SfAccount> AccountManager::fetch(CallContext& ctx, const std::string& username) {
  Json params = Json::object();
  params.set("username", username);
  try {
    Json result = client_.call(ctx, element::kGetAccountByName, params);
    auto account = parse_account(result["account"]);
    if (!account) {
      throw Error(ErrorCode::kBackend, "unexpected reply from cluster to GetAccountByName: no account object");
    }
    remember(*account);
    return account;
  } catch (const Error& e) {
    if (e.backend_error() == element::err::kUnknownAccount) {
      invalidate(username);
      return std::nullopt;
    }
    throw;
  }
}

std::optional<SfAccount> AccountManager::find(CallContext& ctx, const std::string& username, bool use_cache) {
  if (use_cache) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = cache_.find(username);
    if (it != cache_.end()) return it->second;
  }
  return fetch(ctx, username);
}

SfAccount AccountManager::get_or_create(CallContext& ctx, const std::string& username) {
  if (auto existing = find(ctx, username)) return *existing;

  // Two attempts: the second covers an AddAccount whose answer was lost and did not commit.
  for (int round = 0; round < 2; ++round) {
    SfAccount created;
    created.username = username;
    created.initiator_secret = generate_chap_secret();
    do {
      created.target_secret = generate_chap_secret();
    } while (created.target_secret == created.initiator_secret);

    Json params = Json::object();
    params.set("username", username);
    params.set("initiatorSecret", created.initiator_secret);
    params.set("targetSecret", created.target_secret);
    params.set("attributes", Json::object());
    try {
      Json result = client_.call(ctx, element::kAddAccount, params);
      if (auto full = parse_account(result["account"])) {
        created = *full;
      } else if (auto id = result.view().int64("accountID")) {
        created.id = *id;
      } else {
        throw Error(ErrorCode::kBackend, "unexpected reply from cluster to AddAccount: no accountID");
      }
      if (created.initiator_secret.empty() || created.target_secret.empty()) {
        if (auto again = fetch(ctx, username)) return *again;
      }
      remember(created);
      log_->info("created Element account {} (id {})", username, created.id);
      return created;
    } catch (const OutcomeUnknownError&) {
      // The account may exist now; look before creating again.
      log_->warn("AddAccount for {} lost its answer; checking whether it was created", username);
    } catch (const Error& e) {
      if (e.backend_error() != element::err::kDuplicateUsername) throw;
      // Another creator won the race (or an earlier attempt committed): use its account.
      log_->debug("AddAccount for {} raced with another creator; reading the account", username);
    }
    if (auto existing = fetch(ctx, username)) return *existing;
  }
  throw Error(ErrorCode::kBackend, "could not create or find Element account " + username);
}

SfAccount AccountManager::mirror(CallContext& ctx, const SfAccount& like) {
  std::optional<SfAccount> account = find(ctx, like.username);  // cached secrets were verified when read
  if (!account) {
    Json params = Json::object();
    params.set("username", like.username);
    params.set("initiatorSecret", like.initiator_secret);
    params.set("targetSecret", like.target_secret);
    params.set("attributes", Json::object());
    try {
      Json result = client_.call(ctx, element::kAddAccount, params);
      if (auto id = result.view().int64("accountID")) {
        SfAccount created = like;
        created.id = *id;
        created.volume_count = 0;
        remember(created);
        log_->info("created Element account {} (id {}) with the primary's CHAP secrets", like.username, *id);
        return created;
      }
    } catch (const OutcomeUnknownError&) {
      log_->warn("AddAccount for {} lost its answer; checking whether it was created", like.username);
    } catch (const Error& e) {
      if (e.backend_error() != element::err::kDuplicateUsername) throw;
    }
    account = fetch(ctx, like.username);
    if (!account) throw Error(ErrorCode::kBackend, "could not create or find Element account " + like.username);
  }
  if (account->initiator_secret != like.initiator_secret || account->target_secret != like.target_secret) {
    Json params = Json::object();
    params.set("accountID", account->id);
    params.set("initiatorSecret", like.initiator_secret);
    params.set("targetSecret", like.target_secret);
    client_.call_repeatable(ctx, element::kModifyAccount, params);
    log_->warn("account {} (id {}) had other CHAP secrets than on the primary cluster; corrected", like.username,
               account->id);
    account->initiator_secret = like.initiator_secret;
    account->target_secret = like.target_secret;
    remember(*account);
  }
  return *account;
}

}  // namespace solidfire
