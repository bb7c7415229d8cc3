// QoS for a volume from its type (extra specs or QoS specs) and, when sf_allow_tenant_qos is set, its
// metadata (sf-qos presets or explicit keys). Values are clamped into the ranges Cinder 2.2.5 uses
// (minIOPS 100..15000, maxIOPS and burstIOPS 100..200000: valid on every Element version from 7.0 on,
// where minIOPS could not go below 100) and must satisfy minIOPS <= maxIOPS <= burstIOPS.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config.h"
#include "json.h"
#include "solidfire/types.h"

namespace solidfire {

struct QosLimits {
  static constexpr int64_t kMinIopsLow = 100;
  static constexpr int64_t kMinIopsHigh = 15000;
  static constexpr int64_t kMaxIopsLow = 100;
  static constexpr int64_t kMaxIopsHigh = 200000;
  static constexpr int64_t kBurstIopsLow = 100;
  static constexpr int64_t kBurstIopsHigh = 200000;
};

struct QosSpec {
  std::optional<int64_t> min_iops;
  std::optional<int64_t> max_iops;
  std::optional<int64_t> burst_iops;
  bool empty() const { return !min_iops && !max_iops && !burst_iops; }
  bool operator==(const QosSpec& o) const {
    return min_iops == o.min_iops && max_iops == o.max_iops && burst_iops == o.burst_iops;
  }
  bool operator!=(const QosSpec& o) const { return !(*this == o); }
  Json to_json() const;  // {} when empty (Element defaults)
};

// Element's own values for members a request leaves out (CreateVolume defaults).
QosSpec element_default_qos();

// The QoS an Element volume object carries (members absent when the object has none).
QosSpec qos_of_volume(JsonView volume);

// The full triple Element ends up holding when `spec` is applied to a volume whose QoS is `base`
// (its current QoS, or Element's defaults for a new volume): members `spec` leaves out take `base`'s
// value, moved just enough that minIOPS <= maxIOPS <= burstIOPS still holds (a type giving only
// maxIOPS 20000 also lifts burstIOPS to 20000 instead of being refused by the cluster).
QosSpec complete_qos(const QosSpec& spec, const QosSpec& base);

// Throws Error(kInvalidArgument) naming the offending key as a dotted field. `notes` receives
// human-readable remarks (clamped values) for the log.
QosSpec volume_qos(const DriverConfig& config, const Volume& volume, std::vector<std::string>* notes = nullptr);

}  // namespace solidfire
