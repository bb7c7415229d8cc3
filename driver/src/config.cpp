// Parses and validates the driver's options (Cinder names, defaults and minimums) at create() time,
// so that a bad value fails early with a message naming the option instead of at the first RPC.
#include "config.h"

#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <algorithm>

#include "solidfire/error.h"
#include "solidfire/utf8.h"
#include "element_api.h"
#include "util.h"

namespace solidfire {

namespace {

Error config_error(const std::string& option, const std::string& what) {
  return Error(ErrorCode::kConfig, option + ": " + what).with_field(option);
}

// Reads options for parse_config: refuses values that are not valid UTF-8 (they would reach results and
// messages as they are), and quotes values in messages with every known secret scrubbed first, since a
// host that mixes up keys may hand the password out under another option's name.
class Reader {
 public:
  Reader(const ConfigSource& source, const SecretSet& secrets) : source_(source), secrets_(secrets) {}

  std::optional<std::string> get(const std::string& key) const {
    if (!source_) return std::nullopt;
    auto v = source_(key);
    if (v && !is_valid_utf8(*v)) throw config_error(key, "is not valid UTF-8");
    return v;
  }
  std::string quoted(const std::string& value, size_t max_bytes = 64) const {
    return "'" + util::clean_utf8(secrets_.scrub(value), max_bytes) + "'";
  }

 private:
  const ConfigSource& source_;
  const SecretSet& secrets_;
};

std::string required(const Reader& in, const std::string& key) {
  auto v = in.get(key);
  if (!v || util::trim(*v).empty()) throw config_error(key, "is required");
  return *v;
}

bool boolean(const Reader& in, const std::string& key, bool fallback) {
  auto v = in.get(key);
  if (!v) return fallback;
  auto b = parse_bool(*v);
  if (!b) throw config_error(key, in.quoted(*v) + " is not a boolean (true/false/yes/no/on/off/1/0)");
  return *b;
}

int64_t integer(const Reader& in, const std::string& key, int64_t fallback, int64_t min, int64_t max) {
  auto v = in.get(key);
  if (!v) return fallback;
  auto i = util::parse_int64(*v);
  if (!i) throw config_error(key, in.quoted(*v) + " is not an integer");
  if (*i < min) throw config_error(key, std::to_string(*i) + " is below the minimum " + std::to_string(min));
  if (*i > max) throw config_error(key, std::to_string(*i) + " is above the maximum " + std::to_string(max));
  return *i;
}

bool has_space_or_control(const std::string& s) {
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F) return true;
  }
  return false;
}

// Element volume names end up lower-cased in IQNs, so keep to characters an IQN accepts.
bool valid_volume_name_chars(const std::string& s) {
  for (const char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::optional<bool> parse_bool(const std::string& text) {
  const std::string s = util::to_lower(util::trim(text));
  if (s == "true" || s == "yes" || s == "on" || s == "1") return true;
  if (s == "false" || s == "no" || s == "off" || s == "0") return false;
  return std::nullopt;
}

DriverConfig parse_config(const ConfigSource& source, std::vector<std::string>& warnings, SecretSet* known) {
  SecretSet local;
  SecretSet& secrets = known != nullptr ? *known : local;
  const Reader in(source, secrets);
  // Secrets first, so that no message below can quote one.
  if (auto password = in.get("san_password")) secrets.add(*password);
  const auto replication = in.get("replication_device");
  if (replication) add_replication_secrets(*replication, secrets);

  DriverConfig c;
  c.san_ip = util::trim(required(in, "san_ip"));
  if (has_space_or_control(c.san_ip)) throw config_error("san_ip", "contains blanks or control characters");
  c.san_login = required(in, "san_login");
  c.san_password = required(in, "san_password");

  c.sf_api_port = integer(in, "sf_api_port", 443, 1, 65535);

  if (auto scheme = in.get("sf_api_scheme")) {
    const std::string s = util::to_lower(util::trim(*scheme));
    if (s != "https" && s != "http") throw config_error("sf_api_scheme", "must be https or http");
    c.sf_api_scheme = s;
    if (s == "http") {
      warnings.emplace_back(
          "sf_api_scheme: plain HTTP sends the cluster credentials unencrypted; use it only with a simulator");
    }
  }

  c.sf_emulate_512 = boolean(in, "sf_emulate_512", true);

  if (auto prefix = in.get("sf_account_prefix")) {
    std::string p = util::trim(*prefix);
    if (!p.empty()) {
      if (p == "hostname") {
        char host[HOST_NAME_MAX + 1] = {};
        if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') {
          throw config_error("sf_account_prefix", "'hostname' given but the host name cannot be read");
        }
        p = host;
        warnings.emplace_back(
            "sf_account_prefix: 'hostname' gives every host its own accounts, which breaks active-active "
            "deployments and failover between hosts");
      }
      if (has_space_or_control(p)) throw config_error("sf_account_prefix", "contains blanks or control characters");
      // "<prefix>-<project_id>" plus the secondary account's "_" must fit Element's 64 characters.
      const size_t max_prefix = element::kMaxNameLength - 1 - kAssumedProjectIdLength - 1;
      if (p.size() > max_prefix) {
        throw config_error("sf_account_prefix",
                           "is " + std::to_string(p.size()) + " characters; at most " + std::to_string(max_prefix) +
                               " fit (\"<prefix>-<project id>_\" must stay within 64 characters)");
      }
      c.sf_account_prefix = p;
    }
  }

  if (auto prefix = in.get("sf_volume_prefix")) {
    const std::string& p = *prefix;
    const size_t max_prefix = element::kMaxNameLength - kCinderUuidLength;
    if (p.size() > max_prefix) {
      throw config_error("sf_volume_prefix", "is " + std::to_string(p.size()) + " characters; at most " +
                                                 std::to_string(max_prefix) +
                                                 " fit (prefix plus a 36-character UUID must stay within 64)");
    }
    if (!valid_volume_name_chars(p)) {
      throw config_error("sf_volume_prefix", "may contain only letters, digits, '-' and '.'");
    }
    c.sf_volume_prefix = p;
  }

  if (auto svip = in.get("sf_svip")) {
    std::string s = util::trim(*svip);
    if (!s.empty()) {
      if (has_space_or_control(s)) throw config_error("sf_svip", "contains blanks or control characters");
      c.sf_svip = s;
    }
  }

  c.sf_allow_tenant_qos = boolean(in, "sf_allow_tenant_qos", false);
  c.sf_enable_vag = boolean(in, "sf_enable_vag", false);

  if (auto calc = in.get("sf_provisioning_calc")) {
    const std::string s = util::trim(*calc);
    if (s == "maxProvisionedSpace") c.sf_provisioning_calc = ProvisioningCalc::kMaxProvisionedSpace;
    else if (s == "usedSpace") c.sf_provisioning_calc = ProvisioningCalc::kUsedSpace;
    else throw config_error("sf_provisioning_calc", "must be maxProvisionedSpace or usedSpace");
  }

  constexpr int64_t kMaxSeconds = 86400 * 7;
  c.sf_api_request_timeout = integer(in, "sf_api_request_timeout", 30, 30, kMaxSeconds);
  c.sf_volume_clone_timeout = integer(in, "sf_volume_clone_timeout", 600, 60, kMaxSeconds);
  c.sf_volume_create_timeout = integer(in, "sf_volume_create_timeout", 60, 30, kMaxSeconds);
  c.sf_cluster_pairing_timeout = integer(in, "sf_cluster_pairing_timeout", 60, 3, kMaxSeconds);
  c.sf_volume_pairing_timeout = integer(in, "sf_volume_pairing_timeout", 3600, 30, kMaxSeconds);

  c.driver_ssl_cert_verify = boolean(in, "driver_ssl_cert_verify", true);
  if (!c.driver_ssl_cert_verify) {
    warnings.emplace_back("driver_ssl_cert_verify: TLS certificate verification is off; the cluster's identity is not checked");
  }
  if (auto path = in.get("driver_ssl_cert_path")) {
    c.driver_ssl_cert_path = util::trim(*path);
    if (!c.driver_ssl_cert_path.empty() && access(c.driver_ssl_cert_path.c_str(), R_OK) != 0) {
      throw config_error("driver_ssl_cert_path", in.quoted(c.driver_ssl_cert_path, 256) +
                                                     " does not exist or is not readable");
    }
  }

  if (auto name = in.get("volume_backend_name")) {
    const std::string n = util::trim(*name);
    if (!n.empty()) c.volume_backend_name = n;
  }
  c.reserved_percentage = integer(in, "reserved_percentage", 0, 0, 100);

  if (auto ratio = in.get("max_over_subscription_ratio")) {
    const std::string s = util::trim(*ratio);
    char* end = nullptr;
    errno = 0;
    const double d = s.empty() ? NAN : std::strtod(s.c_str(), &end);
    if (s.empty() || end == nullptr || *end != '\0' || errno != 0 || !std::isfinite(d)) {
      throw config_error("max_over_subscription_ratio", in.quoted(s) + " is not a number");
    }
    if (d <= 0) throw config_error("max_over_subscription_ratio", "must be greater than 0");
    c.max_over_subscription_ratio = d;
  }

  if (auto name = in.get("sf_template_account_name")) {
    const std::string n = util::trim(*name);
    if (n.empty() || n.size() > element::kMaxNameLength - 1) {
      throw config_error("sf_template_account_name", "must be 1 to 63 characters");
    }
    c.sf_template_account_name = n;
  }
  c.sf_allow_template_caching = boolean(in, "sf_allow_template_caching", false);

  if (replication) c.replication_devices = parse_replication_devices(*replication, c, warnings, secrets);
  if (auto active = in.get("active_backend_id")) {
    c.active_backend = resolve_active_backend(*active, c.replication_devices);
    if (c.active_backend) c.active_backend_id = util::trim(*active);
  }

  if (in.get("sf_enable_volume_mapping")) {
    warnings.emplace_back("sf_enable_volume_mapping: retired option; it is accepted and ignored");
  }
  return c;
}

}  // namespace solidfire
