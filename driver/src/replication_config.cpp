// Parses `replication_device` (both Cinder dialects) and resolves `active_backend_id`.
#include "replication_config.h"

#include <unistd.h>

#include <map>

#include "config.h"
#include "solidfire/error.h"
#include "solidfire/secrets.h"
#include "util.h"

namespace solidfire {

namespace {

constexpr const char* kOption = "replication_device";

Error device_error(const std::string& where, const std::string& what) {
  return Error(ErrorCode::kConfig, std::string(kOption) + where + ": " + what).with_field(kOption);
}

std::vector<std::string> split_on(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    const size_t end = std::min(s.find(sep, start), s.size());
    out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// "k:v,k:v" -> map (keys lower-cased and trimmed, values trimmed; the first ':' splits, so values may
// hold ':' as oslo's Dict type allows). Empty pieces (a trailing comma) are skipped.
std::map<std::string, std::string> parse_dict(const std::string& text, const std::string& where) {
  std::map<std::string, std::string> out;
  for (const auto& piece : split_on(text, ',')) {
    if (util::trim(piece).empty()) continue;
    const size_t colon = piece.find(':');
    if (colon == std::string::npos) {
      // Never quote the piece: it may be a password that lost its key.
      throw device_error(where, "every entry must be key:value (an entry without ':' was found)");
    }
    const std::string key = util::to_lower(util::trim(piece.substr(0, colon)));
    if (key.empty()) throw device_error(where, "an entry has an empty key");
    if (out.count(key) != 0) throw device_error(where, "key '" + key + "' is given twice");
    out[key] = util::trim(piece.substr(colon + 1));
  }
  return out;
}

bool blank_or_control(const std::string& s) {
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F) return true;
  }
  return false;
}

// The device texts: one per non-blank line.
std::vector<std::string> device_texts(const std::string& raw) {
  std::vector<std::string> out;
  for (auto& line : split_on(raw, '\n')) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!util::trim(line).empty()) out.push_back(line);
  }
  return out;
}

ReplicationTarget parse_device(const std::map<std::string, std::string>& d, const std::string& where,
                               const DriverConfig& primary, std::vector<std::string>& warnings) {
  ReplicationTarget t;
  auto get = [&](const char* key) -> std::optional<std::string> {
    auto it = d.find(key);
    if (it == d.end()) return std::nullopt;
    return it->second;
  };
  const auto password = get("password");
  const auto passwd = get("passwd");
  if (password && passwd) throw device_error(where, "give either password (2.2.x) or passwd (2.0.6), not both");
  if (!password && !passwd) throw device_error(where, "password is required (passwd in the 2.0.6 spelling)");
  t.legacy_dialect = passwd.has_value();
  t.password = password ? *password : *passwd;
  if (t.password.empty()) throw device_error(where, "password is empty");

  t.mvip = get("mvip").value_or("");
  if (t.mvip.empty()) throw device_error(where, "mvip is required (the replication target's management address)");
  if (blank_or_control(t.mvip)) throw device_error(where, "mvip contains blanks or control characters");
  if (util::to_lower(t.mvip) == util::to_lower(primary.san_ip)) {
    throw device_error(where, "mvip " + t.mvip + " equals san_ip: a cluster cannot replicate to itself");
  }

  t.login = get("login").value_or("");
  if (t.login.empty()) throw device_error(where, "login is required");

  t.port = primary.sf_api_port;
  if (auto port = get("port")) {
    auto p = util::parse_int64(*port);
    if (!p || *p < 1 || *p > 65535) throw device_error(where, "port must be an integer from 1 to 65535");
    t.port = *p;
  }
  if (auto svip = get("svip"); svip && !svip->empty()) {
    if (blank_or_control(*svip)) throw device_error(where, "svip contains blanks or control characters");
    t.svip = *svip;
  }

  t.backend_id = get("backend_id").value_or("");
  if (t.backend_id.empty()) {
    if (!t.legacy_dialect) throw device_error(where, "backend_id is required");
    t.backend_id = t.mvip;  // 2.0.6 named the target by its mvip
  }
  if (util::to_lower(t.backend_id) == "default") {
    throw device_error(where, "backend_id 'default' is reserved (it names the primary when failing back)");
  }

  t.ssl_cert_verify = primary.driver_ssl_cert_verify;
  if (auto verify = get("driver_ssl_cert_verify")) {
    auto b = parse_bool(*verify);
    if (!b) throw device_error(where, "driver_ssl_cert_verify is not a boolean");
    t.ssl_cert_verify = *b;
  }
  t.ssl_cert_path = primary.driver_ssl_cert_path;
  if (auto path = get("driver_ssl_cert_path")) {
    t.ssl_cert_path = *path;
    if (!t.ssl_cert_path.empty() && access(t.ssl_cert_path.c_str(), R_OK) != 0) {
      throw device_error(where, "driver_ssl_cert_path does not exist or is not readable");
    }
  }
  if (!t.ssl_cert_verify && primary.driver_ssl_cert_verify) {
    warnings.emplace_back(std::string(kOption) + where +
                          ": TLS certificate verification is off for the replication target");
  }

  static const char* const kKnown[] = {"backend_id", "mvip",  "login", "password",
                                       "passwd",     "port",  "svip",  "driver_ssl_cert_verify",
                                       "driver_ssl_cert_path"};
  for (const auto& [key, value] : d) {
    bool known = false;
    for (const char* k : kKnown) known = known || key == k;
    if (!known) warnings.emplace_back(std::string(kOption) + where + ": unknown key '" + key + "' is ignored");
  }
  return t;
}

}  // namespace

void add_replication_secrets(const std::string& raw, SecretSet& secrets) {
  for (const auto& text : device_texts(raw)) {
    for (const auto& piece : split_on(text, ',')) {
      const size_t colon = piece.find(':');
      if (colon == std::string::npos) {
        secrets.add(util::trim(piece));  // a malformed entry may be a bare password
        continue;
      }
      const std::string key = util::to_lower(util::trim(piece.substr(0, colon)));
      if (key.find("passw") != std::string::npos) secrets.add(util::trim(piece.substr(colon + 1)));
    }
  }
}

std::vector<ReplicationTarget> parse_replication_devices(const std::string& raw, const DriverConfig& primary,
                                                         std::vector<std::string>& warnings, SecretSet& secrets) {
  const auto texts = device_texts(raw);
  add_replication_secrets(raw, secrets);  // before any message can be built

  std::vector<ReplicationTarget> targets;
  for (size_t i = 0; i < texts.size(); ++i) {
    const std::string where = texts.size() > 1 ? " (device " + std::to_string(i + 1) + ")" : "";
    targets.push_back(parse_device(parse_dict(texts[i], where), where, primary, warnings));
  }
  if (targets.size() > 1) {
    for (const auto& t : targets) {
      if (!t.legacy_dialect) {
        throw device_error("", "the 2.2.x spelling (password) allows exactly one device; " +
                                   std::to_string(targets.size()) + " are configured");
      }
    }
    for (size_t i = 1; i < targets.size(); ++i) {
      warnings.emplace_back(std::string(kOption) + ": only the first device is used; '" + targets[i].backend_id +
                            "' is ignored");
    }
    targets.resize(1);
  }
  return targets;
}

std::optional<size_t> resolve_active_backend(const std::string& active_backend_id,
                                             const std::vector<ReplicationTarget>& targets) {
  const std::string id = util::to_lower(util::trim(active_backend_id));
  if (id.empty() || id == "default") return std::nullopt;
  for (size_t i = 0; i < targets.size(); ++i) {
    if (util::to_lower(targets[i].backend_id) == id || util::to_lower(targets[i].mvip) == id) return i;
  }
  if (targets.empty()) {
    throw Error(ErrorCode::kConfig, "active_backend_id: '" + util::clean_utf8(active_backend_id, 64) +
                                        "' names a replication target but replication_device is not configured")
        .with_field("active_backend_id");
  }
  throw Error(ErrorCode::kConfig, "active_backend_id: '" + util::clean_utf8(active_backend_id, 64) +
                                      "' matches neither the backend_id nor the mvip of replication_device")
      .with_field("active_backend_id");
}

}  // namespace solidfire
