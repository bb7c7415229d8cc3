// Rules shared by the group operations (ops_groups.cpp, ops_group_snapshots.cpp, ops_groups_from_src.cpp),
// defined in ops_groups.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "solidfire/types.h"

namespace solidfire::groups {

// Cinder's test: the group type's consistent_group_snapshot_enabled spec is "<is> True" (the word
// compared without regard to case, blanks around it tolerated).
bool consistent_specs(const StringMap& specs);

// Throws kNotSupported (the host then falls back to its generic group handling) unless the backend
// serves this group: a 2.0.6 consistency group always, a generic group only when consistent.
void require_backend_group(const StringMap& specs, GroupFlavor flavor, const std::string& group_id,
                           const std::string& field);

// A snapshot's provider_id "<snapshotID> <volumeID> <cluster uuid>" when it is well-formed and names
// this cluster (2.0.6 ids without the cluster count).
struct SnapshotRef {
  int64_t snapshot_id = 0;
  int64_t volume_id = 0;
};
std::optional<SnapshotRef> snapshot_ref(const Snapshot& snapshot, const std::string& cluster_uuid);

// `ids` without repeats, first occurrence kept.
std::vector<int64_t> unique_ids(const std::vector<int64_t>& ids);

// Pairs each new volume with its source: by `key(volume)` against `source_ids` when the volume names
// one, else by position. Returns source indexes; INVALID_ARGUMENT naming the volume when unmatched.
std::vector<size_t> pair_sources(const std::vector<Volume>& volumes, const std::vector<std::string>& source_ids,
                                 const std::optional<std::string> Volume::*key, const std::string& key_field);

}  // namespace solidfire::groups
