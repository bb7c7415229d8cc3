// QoS for a volume from its type (extra specs or QoS specs) and, when sf_allow_tenant_qos is set, its
// metadata (sf-qos presets or explicit keys).
//
// The rule (one place: qos.cpp): every value the driver reads is a whole decimal number inside Element's
// own range for its key (GetLimits on the driver's 8.0 floor: minIOPS 50..15000, maxIOPS and burstIOPS
// 100..200000), and the result satisfies minIOPS <= maxIOPS <= burstIOPS. Anything else is
// INVALID_ARGUMENT naming the request field of the key, before any RPC. Cinder clamped instead, which
// silently gave a volume another QoS than its type asked for. The one exception is scaled QoS: the
// size-dependent part may exceed the maximum on a large volume and is capped there (Cinder's behaviour,
// a property of the volume size rather than of the spec); its inputs follow the rule above.
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
  static constexpr int64_t kMinIopsLow = 50;
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

// Throws Error(kInvalidArgument) naming the offending key as a dotted field: `type_field` is where the
// request carries the volume's type ("volume.volume_type"; retype's "new_type"). `notes` receives
// human-readable remarks (scaled values capped at Element's maximum) for the log.
QosSpec volume_qos(const DriverConfig& config, const Volume& volume, std::vector<std::string>* notes = nullptr,
                   const std::string& type_field = "volume.volume_type");

}  // namespace solidfire
