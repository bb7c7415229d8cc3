// Full-state snapshot of a Server's clusters and fabric (persistence compaction, README
// "Persistence"): every object, the id counters and the seeded generator of each cluster, and the
// fabric's cluster and volume pairs, as one JSON document. Indexes (by name, by status, purge and
// clone queues, paired volumes, capacity sums) are not stored: loading rebuilds them through the
// Cluster mutators or from the objects.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace element_sim {

class Fabric;

// Bumped whenever the layout changes incompatibly; a snapshot of another format is refused.
inline constexpr int64_t kSnapshotFormat = 1;

// The journal records already applied to the saved state: the first `records` records of journal
// generation `generation`.
struct SnapshotCover {
  uint64_t generation = 0;
  uint64_t records = 0;
};

// Serialises every cluster of `fabric` and the fabric's records. The caller holds every cluster's
// mutex (so no request is half-applied); fabric.mu is taken here.
std::string save_state(Fabric& fabric, const SnapshotCover& cover);

// Loads a snapshot into freshly constructed clusters (no objects yet) and an empty fabric, which
// must have the seed and cluster count the snapshot was written with. Throws std::runtime_error
// saying what is wrong (bad JSON, another format, a missing or mistyped member, ...).
SnapshotCover load_state(std::string_view text, Fabric& fabric);

}  // namespace element_sim
