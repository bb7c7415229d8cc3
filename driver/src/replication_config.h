// `replication_device` and `active_backend_id`: the replication target a backend pairs with and fails
// over to, in both of Cinder's dialects, validated at create() like every other option.
//
// The value is Cinder's dict text, "key:value,key:value"; several devices are separated by newlines
// (how a host hands over a repeated option). Dialects:
//   2.0.6  mvip, login, passwd (sic), port, svip, backend_id (optional: the mvip); several devices,
//          the first is used and the others are reported as ignored;
//   2.2.x  backend_id, mvip, login, password, port, svip; exactly one device.
// Both: an mvip equal to san_ip is refused (a cluster cannot replicate to itself); TLS follows the
// primary's driver_ssl_cert_verify / driver_ssl_cert_path unless the device names its own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace solidfire {

struct DriverConfig;
class SecretSet;

struct ReplicationTarget {
  std::string backend_id;  // how hosts name the target (failover secondary_id, active_backend_id)
  std::string mvip;
  int64_t port = 443;
  std::string login;
  std::string password;  // secret
  std::optional<std::string> svip;
  bool ssl_cert_verify = true;
  std::string ssl_cert_path;
  bool legacy_dialect = false;  // written as 2.0.6 did (passwd)
};

// Adds every password the raw option holds to `secrets`, whatever else is wrong with it.
void add_replication_secrets(const std::string& raw, SecretSet& secrets);

// Parses the raw option; throws Error(kConfig) with field "replication_device" naming the problem
// (and the device's position when there are several). Passwords go into `secrets` before any
// message can be built. Returns no targets for an empty value.
std::vector<ReplicationTarget> parse_replication_devices(const std::string& raw, const DriverConfig& primary,
                                                         std::vector<std::string>& warnings, SecretSet& secrets);

// Which cluster a (re)started driver serves: empty / "default" = the primary; otherwise the target
// whose backend_id or mvip matches (case-insensitively), so that both spellings a host may have
// stored after a failover work. Throws Error(kConfig) naming "active_backend_id" when nothing matches.
// Returns the index into `targets`, or nullopt for the primary.
std::optional<size_t> resolve_active_backend(const std::string& active_backend_id,
                                             const std::vector<ReplicationTarget>& targets);

}  // namespace solidfire
