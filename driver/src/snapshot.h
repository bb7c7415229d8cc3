// An Element snapshot as the driver reads it. Finding one (by provider_id, then by name among its
// volume's snapshots) is SolidFireDriverImpl::find_snapshot, in snapshot_lookup.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "json.h"

namespace solidfire {

// An Element snapshot (only what the driver uses).
struct SfSnapshot {
  int64_t id = 0;
  int64_t volume_id = 0;
  int64_t total_size = 0;
  std::string name;
};
// nullopt without a snapshotID.
std::optional<SfSnapshot> parse_snapshot(JsonView s);

// A snapshot's provider_id: "<snapshotID> <volumeID> <cluster uuid>".
std::string snapshot_provider_id(int64_t snapshot_id, int64_t volume_id, const std::string& cluster_uuid);

}  // namespace solidfire
