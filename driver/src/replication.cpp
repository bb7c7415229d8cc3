// Replication: the target's identity and the cluster pair at setup, and the capabilities the stats
// publish. Volume pairing, failover and migration build on what setup_replication leaves here.
#include <spdlog/spdlog.h>

#include "cluster_pairing.h"
#include "driver_impl.h"

namespace solidfire {

ReplicaState SolidFireDriverImpl::setup_replication(CallContext& ctx, const ClusterInfo& primary) {
  const ReplicationTarget& t = replica_->target;
  const std::string name = "replication target '" + t.backend_id + "' (" + t.mvip + ")";
  ReplicaState state;
  try {
    state.cluster = read_cluster_info(ctx, *replica_->client, t.svip);
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kUnavailable) {
      throw Error(ErrorCode::kUnavailable, name + " unreachable during setup: " + e.message())
          .with_backend_error(e.backend_error())
          .with_retryable(true);
    }
    if (e.code() == ErrorCode::kAuth) {
      throw Error(ErrorCode::kAuth, name + " refused the login of replication_device: " + e.message())
          .with_backend_error(e.backend_error())
          .with_field("replication_device");
    }
    throw Error(e.code(), name + ": " + e.message()).with_backend_error(e.backend_error())
        .with_retryable(e.retryable() || e.code() == ErrorCode::kTimeout);  // setup only reads: repeat it
  }
  if (state.cluster.uuid == primary.uuid) {
    throw Error(ErrorCode::kConfig, "replication_device: " + t.mvip + " is the same cluster as san_ip (uuid " +
                                        primary.uuid + "); a cluster cannot replicate to itself")
        .with_field("replication_device");
  }
  log_->info("replication target '{}': cluster '{}' (mvip {}, uuid {})", t.backend_id, state.cluster.name,
             state.cluster.mvip, state.cluster.uuid);
  PairingEnds ends{*client_, *replica_->client, state.cluster.mvip.empty() ? t.mvip : state.cluster.mvip, t.mvip};
  state.cluster_pair_id =
      ensure_cluster_pair(ctx, ends, std::chrono::seconds(config_.sf_cluster_pairing_timeout), *clock_, *log_);
  log_->info("cluster pair with '{}' is Connected (clusterPairID {})", t.backend_id, state.cluster_pair_id);
  return state;
}

std::optional<ReplicaState> SolidFireDriverImpl::replica_state() const {
  std::lock_guard<std::mutex> lock(cluster_mutex_);
  return replica_state_;
}

void SolidFireDriverImpl::add_replication_stats(BackendStats& s) const {
  if (!replica_) return;
  s.replication_enabled = true;
  s.replication = "enabled";
  s.replication_targets = {replica_->target.backend_id};
  // Element's modes, as the volume type's solidfire:replication_mode names them, and Cinder's generic
  // lower-case replication_type values for capability filters.
  s.replication_modes = {"Async", "Sync", "SnapshotsOnly"};
  s.replication_type = {"async", "sync", "snapshots-only"};
}

}  // namespace solidfire
