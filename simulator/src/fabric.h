// State shared by the clusters of one Server: cluster pairs and volume pairs.
//
// Locking: a cluster's own mutex first, then Fabric::mu. Methods that change or depend on more than
// one cluster (CompleteClusterPairing, CompleteVolumePairing, RemoveClusterPair) are registered as
// cross-cluster: the dispatcher then holds every cluster mutex (ascending index) and brings every
// cluster's time-driven state up to date before calling them. Together with journalling under the
// cluster lock this keeps the journal order consistent with what each request observed.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace element_sim {

class Cluster;
class Journal;

class Fabric {
 public:
  std::mutex mu;  // guards the records below
  std::vector<Cluster*> clusters;
  Journal* journal = nullptr;  // --state: set after the journal was replayed

  struct ClusterPair {
    std::string uuid;
    int cluster_a = -1, cluster_b = -1;  // a = StartClusterPairing side; b = -1 until completed
    int64_t id_a = 0, id_b = 0;          // clusterPairID on each side
    int64_t rpc_connection_id = 0;
    int64_t complete_ms = 0;  // simulated time of CompleteClusterPairing
    bool removed_a = false, removed_b = false;
  };
  std::vector<ClusterPair> cluster_pairs;

  enum SideState : int { kLive = 0, kDeleted = 1, kPurged = 2 };
  struct VolumeSide {
    int cluster = -1;
    int64_t volume_id = 0;
    std::string name;
    int state = kLive;
    bool removed = false;  // RemoveVolumePair issued on this side
  };
  struct VolumePair {
    std::string uuid;
    VolumeSide side[2];  // [0] = StartVolumePairing side, [1] = CompleteVolumePairing side
    std::string mode = "Async";
    bool completed = false;
    bool paused_manual = false;
    int64_t pause_limit = 3145728000;
    int64_t complete_ms = 0;
  };
  std::map<std::string, VolumePair> volume_pairs;

  // Cluster-pair record linking clusters x and y (completed, not removed on x), or nullptr.
  ClusterPair* pair_between(int x, int y);
  // Local clusterPairID on cluster x for the pair with y (0 if none).
  int64_t local_pair_id(int x, int y);
};

}  // namespace element_sim
