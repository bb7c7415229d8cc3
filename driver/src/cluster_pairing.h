// Cluster pairing: the primary and its replication target must be a Connected cluster pair before a
// volume can be paired. Found by the target's reported MVIP (as Element lists it), made otherwise with
// StartClusterPairing on the primary + CompleteClusterPairing on the target.
//
// Idempotent: across restarts (an existing pair is found, not made again) and across hosts doing it at
// once (the host that loses meets xPairingAlreadyExists, removes the pending pair it started and uses
// the winner's). No path leaves an Unconfigured pair of ours behind: a failed or lost completion
// removes it, and a lost StartClusterPairing reply is resolved by listing what appeared.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "element_client.h"

namespace spdlog {
class logger;
}

namespace solidfire {

// One row of ListClusterPairs, as seen from the cluster that listed it.
struct ClusterPair {
  int64_t id = 0;
  std::string mvip;    // the OTHER cluster's MVIP ("" while Unconfigured)
  std::string status;  // Unconfigured, Connected, Misconfigured, Disconnected
  std::string uuid;    // clusterPairUUID (same on both sides)
  std::string cluster_name;
};

std::vector<ClusterPair> list_cluster_pairs(CallContext& ctx, ElementClient& client);

struct PairingEnds {
  ElementClient& local;        // where StartClusterPairing is issued (the primary)
  ElementClient& remote;       // where CompleteClusterPairing is issued (the target)
  std::string remote_mvip;     // as the target reports it in GetClusterInfo
  std::string configured_mvip; // as replication_device names it (also accepted as a match)
};

// Finds or makes the pair and waits until the local side lists it Connected, within `timeout`
// (sf_cluster_pairing_timeout) and the context deadline, reporting progress. Returns the LOCAL
// clusterPairID. Throws kTimeout when it never connects (the configured pair is left for the next
// attempt to find), kBackend/kUnavailable/kAuth as the clusters answer.
int64_t ensure_cluster_pair(CallContext& ctx, const PairingEnds& ends, std::chrono::seconds timeout, Clock& clock,
                            spdlog::logger& log);

}  // namespace solidfire
