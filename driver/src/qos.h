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
  Json to_json() const;  // {} when empty (Element defaults)
};

// Throws Error(kInvalidArgument) naming the offending key as a dotted field. `notes` receives
// human-readable remarks (clamped values) for the log.
QosSpec volume_qos(const DriverConfig& config, const Volume& volume, std::vector<std::string>* notes = nullptr);

}  // namespace solidfire
