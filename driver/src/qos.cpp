// QoS extraction (see qos.h). Decisions beyond Cinder 2.2.5:
// - A type's QoS replaces tenant metadata QoS only when the type defines a QoS key (Cinder let any
//   volume type wipe metadata QoS). Associated qos_specs, when non-empty, replace the extra specs
//   (Cinder's precedence).
// - "qos:<key>" beats an unscoped "<key>" in the same map.
// - Non-integer values are INVALID_ARGUMENT naming the key (Cinder raised an unhandled ValueError);
//   scaleMin/scaleMax/scaleBurst without their base value are INVALID_ARGUMENT (Cinder: KeyError).
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

constexpr std::array<const char*, 3> kKeys = {"minIOPS", "maxIOPS", "burstIOPS"};

Error invalid(const std::string& field, const std::string& what) {
  return Error(ErrorCode::kInvalidArgument, field + ": " + what).with_field(field);
}

int64_t parse_value(const std::string& field, const std::string& value) {
  auto v = util::parse_int64(value);
  if (!v) throw invalid(field, "QoS value '" + util::clean_utf8(value, 64) + "' is not an integer");
  return *v;
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

Sourced from_map(const StringMap& map, const std::string& field_base, int64_t size_gib) {
  Sourced out;
  std::optional<int64_t>* targets[] = {&out.spec.min_iops, &out.spec.max_iops, &out.spec.burst_iops};
  std::string* fields[] = {&out.field_min, &out.field_max, &out.field_burst};
  for (size_t i = 0; i < kKeys.size(); ++i) {
    if (auto found = lookup(map, kKeys[i], field_base)) {
      *targets[i] = parse_value(found->second, found->first);
      *fields[i] = found->second;
    }
  }
  // Scaled QoS (Cinder 2.2.x): value += scale * (size - 1) when scaledIOPS is true.
  if (auto scaled = lookup(map, "scaledIOPS", field_base)) {
    const std::string v = util::to_lower(util::trim(scaled->first));
    const bool on = v == "true" || v == "<is> true" || v == "1" || v == "yes";
    if (on) {
      constexpr std::array<const char*, 3> kScale = {"scaleMin", "scaleMax", "scaleBurst"};
      for (size_t i = 0; i < kScale.size(); ++i) {
        if (auto s = lookup(map, kScale[i], field_base)) {
          const int64_t scale = parse_value(s->second, s->first);
          if (!*targets[i]) {
            throw invalid(s->second, std::string(kScale[i]) + " needs " + kKeys[i] + " in the same specs");
          }
          const int64_t extra = size_gib > 1 ? scale * (size_gib - 1) : 0;
          *targets[i] = **targets[i] + extra;
        }
      }
    }
  }
  return out;
}

void clamp(std::optional<int64_t>& v, int64_t lo, int64_t hi, const std::string& field,
           std::vector<std::string>* notes) {
  if (!v) return;
  const int64_t c = std::clamp(*v, lo, hi);
  if (c != *v && notes != nullptr) {
    notes->push_back(field + ": " + std::to_string(*v) + " clamped to " + std::to_string(c));
  }
  v = c;
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

QosSpec volume_qos(const DriverConfig& config, const Volume& volume, std::vector<std::string>* notes) {
  Sourced type_qos;
  if (volume.volume_type) {
    const auto& t = *volume.volume_type;
    if (!t.qos_specs.empty()) {
      type_qos = from_map(t.qos_specs, "volume.volume_type.qos_specs", volume.size_gib);
    } else {
      type_qos = from_map(t.extra_specs, "volume.volume_type.extra_specs", volume.size_gib);
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
      for (const char* key : kKeys) {
        if (auto m = volume.metadata.find(key); m != volume.metadata.end()) explicit_keys[key] = m->second;
      }
      tenant = from_map(explicit_keys, "volume.metadata", volume.size_gib);
    }
    chosen = tenant;
  }

  QosSpec& q = chosen.spec;
  clamp(q.min_iops, QosLimits::kMinIopsLow, QosLimits::kMinIopsHigh, chosen.field_min, notes);
  clamp(q.max_iops, QosLimits::kMaxIopsLow, QosLimits::kMaxIopsHigh, chosen.field_max, notes);
  clamp(q.burst_iops, QosLimits::kBurstIopsLow, QosLimits::kBurstIopsHigh, chosen.field_burst, notes);

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
