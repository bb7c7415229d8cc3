#include "snapshot.h"

namespace solidfire {

std::optional<SfSnapshot> parse_snapshot(JsonView s) {
  auto id = s.int64("snapshotID");
  if (!id) return std::nullopt;
  SfSnapshot out;
  out.id = *id;
  out.volume_id = s.int64("volumeID").value_or(0);
  out.total_size = s.int64("totalSize").value_or(0);
  out.name = s.string_or("name", "");
  return out;
}

std::string snapshot_provider_id(int64_t snapshot_id, int64_t volume_id, const std::string& cluster_uuid) {
  return std::to_string(snapshot_id) + " " + std::to_string(volume_id) + " " + cluster_uuid;
}

}  // namespace solidfire
