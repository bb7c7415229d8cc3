// Tenant accounts: naming ("<sf_account_prefix>-<project_id>"), get-or-create through GetAccountByName
// and AddAccount (race- and lost-response-safe), CSPRNG CHAP secrets and a small thread-safe cache, so
// that repeated operations for one project cost no account RPC.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "config.h"
#include "element_api.h"
#include "element_client.h"
#include "solidfire/secrets.h"

namespace solidfire {

struct SfAccount {
  int64_t id = 0;
  std::string username;
  std::string initiator_secret;  // secret
  std::string target_secret;     // secret
  int64_t volume_count = 0;      // volumes owned (incl. deleted, unpurged) when last read
};

// Like Cinder, move to the secondary account "<name>_" a little before Element's limit.
inline constexpr int64_t kMaxVolumesPerAccount = element::kVolumesPerAccount - 10;

// "<prefix>-<project_id>", or "<project_id>" without a prefix. Throws kInvalidArgument naming `field`
// (where the request carries the project id) when it is empty or when the name (plus the secondary
// account's "_") would not fit Element's 64 characters.
std::string account_username(const DriverConfig& config, const std::string& project_id,
                             const std::string& field = "volume.project_id");

// 16 characters from [A-Za-z0-9], drawn from getrandom(2) with rejection sampling (no modulo bias).
std::string generate_chap_secret(size_t length = 16);

// Parses an Element Account object; nullopt when accountID/username are missing.
std::optional<SfAccount> parse_account(JsonView account);

class AccountManager {
 public:
  // Every account seen has its CHAP secrets added to `secrets` (when given).
  AccountManager(ElementClient& client, std::shared_ptr<spdlog::logger> logger,
                 std::shared_ptr<SecretSet> secrets = nullptr);

  // Cached lookup; GetAccountByName on a miss. nullopt when the cluster has no such account.
  std::optional<SfAccount> find(CallContext& ctx, const std::string& username, bool use_cache = true);
  // Lookup, creating the account (with fresh CHAP secrets) when it does not exist.
  SfAccount get_or_create(CallContext& ctx, const std::string& username);
  // The account `like.username` holding exactly like's CHAP secrets: created with them, or corrected
  // with ModifyAccount when it exists with others (a replicated volume must accept the same CHAP login
  // on either cluster; Cinder kept the other secrets and CHAP failed after a failover).
  SfAccount mirror(CallContext& ctx, const SfAccount& like);
  void invalidate(const std::string& username);
  void note_volume_created(const std::string& username);

 private:
  std::optional<SfAccount> fetch(CallContext& ctx, const std::string& username);
  void remember(const SfAccount& account);

  ElementClient& client_;
  std::shared_ptr<spdlog::logger> log_;
  std::shared_ptr<SecretSet> secrets_;
  std::mutex mutex_;
  std::unordered_map<std::string, SfAccount> cache_;
};

}  // namespace solidfire
