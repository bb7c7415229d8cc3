// Driver configuration: Cinder option names, defaults and minimums, validated once at create().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "replication_config.h"
#include "solidfire/driver.h"

namespace solidfire {

enum class ProvisioningCalc { kMaxProvisionedSpace, kUsedSpace };

struct DriverConfig {
  std::string san_ip;
  std::string san_login;
  std::string san_password;  // secret
  int64_t sf_api_port = 443;
  std::string sf_api_scheme = "https";  // vdp extension: "http" only for simulators
  bool sf_emulate_512 = true;
  std::optional<std::string> sf_account_prefix;  // resolved ("hostname" -> gethostname())
  std::string sf_volume_prefix = "UUID-";
  std::optional<std::string> sf_svip;
  bool sf_allow_tenant_qos = false;
  bool sf_enable_vag = false;
  ProvisioningCalc sf_provisioning_calc = ProvisioningCalc::kMaxProvisionedSpace;
  int64_t sf_api_request_timeout = 30;
  int64_t sf_volume_clone_timeout = 600;
  int64_t sf_volume_create_timeout = 60;
  int64_t sf_cluster_pairing_timeout = 60;
  int64_t sf_volume_pairing_timeout = 3600;
  bool driver_ssl_cert_verify = true;  // vdp default (Cinder: false)
  std::string driver_ssl_cert_path;
  std::string volume_backend_name = "SolidFire";
  int64_t reserved_percentage = 0;
  double max_over_subscription_ratio = 20.0;
  std::string sf_template_account_name = "openstack-vtemplate";
  bool sf_allow_template_caching = false;
  std::vector<ReplicationTarget> replication_devices;  // at most one (the first of several 2.0.6 devices)
  // The cluster a (re)started driver serves, from the host's active_backend_id: nullopt = the primary,
  // otherwise an index into replication_devices.
  std::optional<size_t> active_backend;
  std::string active_backend_id;  // as the host gave it (empty: the primary)
};

// Lengths the configuration has to leave room for in an Element name (element::kMaxNameLength).
inline constexpr size_t kCinderUuidLength = 36;
// Keystone project ids are 32 hex characters; used for the create-time account-prefix check (the
// real name is checked again per request).
inline constexpr size_t kAssumedProjectIdLength = 32;

// Throws Error(kConfig, "<option>: <problem>").with_field("<option>"); appends warnings. Every value must
// be valid UTF-8 (it may end up in results and messages). The configured passwords are added to `secrets`
// (when given) before anything else is read, and never appear in a message, even when a host hands one
// out under another key.
DriverConfig parse_config(const ConfigSource& source, std::vector<std::string>& warnings,
                          SecretSet* secrets = nullptr);

// Oslo-style boolean (true/false/yes/no/on/off/1/0, case-insensitive); nullopt when not one of them.
std::optional<bool> parse_bool(const std::string& text);

}  // namespace solidfire
