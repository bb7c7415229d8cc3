// QoS extraction (see qos.h for the validation rule). Decisions beyond Cinder 2.2.5:
// - A type's QoS replaces tenant metadata QoS only when the type defines a QoS key (Cinder let any
//   volume type wipe metadata QoS). Associated qos_specs, when non-empty, replace the extra specs
//   (Cinder's precedence).
// - "qos:<key>" beats an unscoped "<key>" in the same map.
// - Out-of-range values are refused, not clamped (Cinder clamped); non-integer values are
//   INVALID_ARGUMENT (Cinder raised an unhandled ValueError); scaleMin/scaleMax/scaleBurst without their
//   base value are INVALID_ARGUMENT (Cinder: KeyError); scaledIOPS must read as a boolean.
#include "qos.h"

#include "element_api.h"

#include <algorithm>
#include <array>

#include "solidfire/error.h"
#include "util.h"

namespace solidfire {

namespace {

struct Preset {
  const char* name;
  int64_t min, max, burst;
};
constexpr std::array<Preset, 4> kPresets = {{
    {"slow", 100, 200, 200},
    {"medium", 200, 400, 400},
    {"fast", 500, 1000, 1000},
    {"performant", 2000, 4000, 4000},
}};

// Element's range for each key, in the order min, max, burst.
struct KeyRule {
  const char* key;
  const char* scale_key;
  int64_t low, high;
};
constexpr std::array<KeyRule, 3> kRules = {{
    {"minIOPS", "scaleMin", QosLimits::kMinIopsLow, QosLimits::kMinIopsHigh},
    {"maxIOPS", "scaleMax", QosLimits::kMaxIopsLow, QosLimits::kMaxIopsHigh},
    {"burstIOPS", "scaleBurst", QosLimits::kBurstIopsLow, QosLimits::kBurstIopsHigh},
}};

Error invalid(const std::string& field, const std::string& what) {
  return Error(ErrorCode::kInvalidArgument, field + ": " + what).with_field(field);
}

// A whole decimal number in [low, high]; anything else (empty, fractional, exponent, trailing text,
// out of range) names the field.
int64_t parse_value(const std::string& field, const std::string& value, const char* what, int64_t low, int64_t high) {
  const std::string shown = util::clean_utf8(value, 64);
  if (util::trim(value).empty()) throw invalid(field, std::string(what) + " is empty; expected a whole number");
  auto v = util::parse_int64(value);
  if (!v) throw invalid(field, std::string(what) + " '" + shown + "' is not a whole number");
  if (*v < low || *v > high) {
    throw invalid(field, std::string(what) + " " + std::to_string(*v) + " is outside Element's range " +
                             std::to_string(low) + ".." + std::to_string(high));
  }
  return *v;
}

std::optional<bool> parse_flag(std::string value) {
  value = util::to_lower(util::trim(value));
  if (util::starts_with(value, "<is>")) value = util::trim(value.substr(4));
  if (value == "true" || value == "1" || value == "yes" || value == "on") return true;
  if (value == "false" || value == "0" || value == "no" || value == "off") return false;
  return std::nullopt;
}

// Looks up "qos:<key>" then "<key>"; returns the value and the field path it came from.
std::optional<std::pair<std::string, std::string>> lookup(const StringMap& map, const std::string& key,
                                                          const std::string& field_base) {
  if (auto it = map.find("qos:" + key); it != map.end()) return std::make_pair(it->second, field_base + ".qos:" + key);
  if (auto it = map.find(key); it != map.end()) return std::make_pair(it->second, field_base + "." + key);
  return std::nullopt;
}

struct Sourced {
  QosSpec spec;
  std::string field_min, field_max, field_burst;
};

Sourced from_map(const StringMap& map, const std::string& field_base, int64_t size_gib,
                 std::vector<std::string>* notes) {
  Sourced out;
  std::optional<int64_t>* targets[] = {&out.spec.min_iops, &out.spec.max_iops, &out.spec.burst_iops};
  std::string* fields[] = {&out.field_min, &out.field_max, &out.field_burst};
  for (size_t i = 0; i < kRules.size(); ++i) {
    if (auto found = lookup(map, kRules[i].key, field_base)) {
      *targets[i] = parse_value(found->second, found->first, kRules[i].key, kRules[i].low, kRules[i].high);
      *fields[i] = found->second;
    }
  }
  // Scaled QoS (Cinder 2.2.x): value += scale * (size - 1) when scaledIOPS is true. A scale is checked
  // whenever present (a typo there is a typo whether or not scaling is on); above the key's maximum
  // it could only ever produce the cap.
  bool on = false;
  if (auto scaled = lookup(map, "scaledIOPS", field_base)) {
    auto flag = parse_flag(scaled->first);
    if (!flag) {
      throw invalid(scaled->second, "scaledIOPS '" + util::clean_utf8(scaled->first, 64) + "' is not true or false");
    }
    on = *flag;
  }
  for (size_t i = 0; i < kRules.size(); ++i) {
    auto s = lookup(map, kRules[i].scale_key, field_base);
    if (!s) continue;
    const int64_t scale = parse_value(s->second, s->first, kRules[i].scale_key, 0, kRules[i].high);
    if (!on) continue;
    if (!*targets[i]) {
      throw invalid(s->second, std::string(kRules[i].scale_key) + " needs " + kRules[i].key + " in the same specs");
    }
    // Both factors are bounded (scale <= 200000; the size is capped first) so this cannot overflow.
    const int64_t extra = scale * (std::clamp<int64_t>(size_gib, 1, element::kMaxVolumeSizeGiB) - 1);
    const int64_t wanted = **targets[i] + extra;
    if (wanted > kRules[i].high && notes != nullptr) {
      notes->push_back(*fields[i] + ": scaled value " + std::to_string(wanted) + " capped at Element's maximum " +
                       std::to_string(kRules[i].high));
    }
    *targets[i] = std::min(wanted, kRules[i].high);
  }
  return out;
}

}  // namespace

Json QosSpec::to_json() const {
  Json j = Json::object();
  if (min_iops) j.set("minIOPS", *min_iops);
  if (max_iops) j.set("maxIOPS", *max_iops);
  if (burst_iops) j.set("burstIOPS", *burst_iops);
  return j;
}

QosSpec element_default_qos() {
  return QosSpec{element::kDefaultMinIops, element::kDefaultMaxIops, element::kDefaultBurstIops};
}

QosSpec qos_of_volume(JsonView volume) {
  const JsonView q = volume["qos"];
  QosSpec s;
  s.min_iops = q.int64("minIOPS");
  s.max_iops = q.int64("maxIOPS");
  s.burst_iops = q.int64("burstIOPS");
  return s;
}

QosSpec complete_qos(const QosSpec& spec, const QosSpec& base) {
  const QosSpec d = element_default_qos();
  int64_t min = spec.min_iops.value_or(base.min_iops.value_or(*d.min_iops));
  int64_t max = spec.max_iops.value_or(base.max_iops.value_or(*d.max_iops));
  int64_t burst = spec.burst_iops.value_or(base.burst_iops.value_or(*d.burst_iops));
  if (!spec.max_iops) {
    max = std::max(max, min);
    if (spec.burst_iops) max = std::min(max, burst);
  }
  if (!spec.burst_iops) burst = std::max(burst, max);
  if (!spec.min_iops) min = std::min(min, max);
  return QosSpec{min, max, burst};
}

QosSpec volume_qos(const DriverConfig& config, const Volume& volume, std::vector<std::string>* notes,
                   const std::string& type_field) {
  Sourced type_qos;
  if (volume.volume_type) {
    const auto& t = *volume.volume_type;
    if (!t.qos_specs.empty()) {
      type_qos = from_map(t.qos_specs, type_field + ".qos_specs", volume.size_gib, notes);
    } else {
      type_qos = from_map(t.extra_specs, type_field + ".extra_specs", volume.size_gib, notes);
    }
  }

  Sourced chosen = type_qos;
  if (type_qos.spec.empty() && config.sf_allow_tenant_qos) {
    Sourced tenant;
    if (auto it = volume.metadata.find("sf-qos"); it != volume.metadata.end()) {
      const auto* preset = std::find_if(kPresets.begin(), kPresets.end(),
                                        [&](const Preset& p) { return it->second == p.name; });
      if (preset == kPresets.end()) {
        throw invalid("volume.metadata.sf-qos", "unknown preset '" + util::clean_utf8(it->second, 64) +
                                                     "' (slow, medium, fast, performant)");
      }
      tenant.spec = QosSpec{preset->min, preset->max, preset->burst};
      tenant.field_min = tenant.field_max = tenant.field_burst = "volume.metadata.sf-qos";
    } else {
      StringMap explicit_keys;
      for (const auto& rule : kRules) {
        if (auto m = volume.metadata.find(rule.key); m != volume.metadata.end()) explicit_keys[rule.key] = m->second;
      }
      tenant = from_map(explicit_keys, "volume.metadata", volume.size_gib, notes);
    }
    chosen = tenant;
  }

  // Each value is in range (from_map); the triple must also be ordered.
  QosSpec& q = chosen.spec;

  if (q.min_iops && q.max_iops && *q.min_iops > *q.max_iops) {
    throw invalid(chosen.field_min, "minIOPS " + std::to_string(*q.min_iops) + " exceeds maxIOPS " +
                                        std::to_string(*q.max_iops));
  }
  if (q.max_iops && q.burst_iops && *q.max_iops > *q.burst_iops) {
    throw invalid(chosen.field_max, "maxIOPS " + std::to_string(*q.max_iops) + " exceeds burstIOPS " +
                                        std::to_string(*q.burst_iops));
  }
  if (q.min_iops && q.burst_iops && *q.min_iops > *q.burst_iops) {
    throw invalid(chosen.field_min, "minIOPS " + std::to_string(*q.min_iops) + " exceeds burstIOPS " +
                                        std::to_string(*q.burst_iops));
  }
  return q;
}

}  // namespace solidfire
