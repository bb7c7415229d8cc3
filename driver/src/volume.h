// An Element volume as the driver reads it. Finding one is the lookup's job (volume_lookup.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>
#include <string_view>

#include "json.h"

namespace solidfire {

// An Element volume as the driver reads it (only the members it uses).
// One entry of a volume's volumePairs (replication), as seen from the volume's own cluster.
struct SfVolumePair {
  int64_t cluster_pair_id = 0;   // the LOCAL clusterPairID of the remote cluster
  int64_t remote_volume_id = 0;
  std::string uuid;              // volumePairUUID (the same on both sides)
  std::string mode;              // remoteReplication.mode: Async, Sync, SnapshotsOnly
  std::string state;             // remoteReplication.state: Active, ResumingDataTransfer, Paused..., Stopped...
};

struct SfVolume {
  int64_t id = 0;
  int64_t account_id = 0;
  std::string name;
  std::string status;
  std::string iqn;
  std::string uuid_attr;       // attributes.uuid, empty when absent
  std::string migration_uuid;  // attributes.migration_uuid (migration targets), empty when absent
  int64_t total_size = 0;
  bool enable512e = true;
  std::string access;                // readWrite, readOnly, locked, replicationTarget
  std::vector<SfVolumePair> pairs;   // volumePairs
  bool deleted() const { return status == "deleted"; }
};
// nullopt without a volumeID.
std::optional<SfVolume> parse_volume(JsonView v);

// What is wrong with the shape of the `result` of a successful Element reply to `method`, if anything:
// a list a List method returns is missing or is not an array of objects; an id is not a non-negative
// integer; a size is negative or beyond 2^53; an object member is of another type. The client checks
// every reply once as it arrives (element_client.cpp), so that no reader mistakes a hostile or broken
// reply for "no volumes" (which would let create skip its duplicate check or delete report success).
std::optional<std::string> reply_shape_problem(std::string_view method, JsonView result);

}  // namespace solidfire
