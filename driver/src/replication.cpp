// Replication: the target's identity and the cluster pair at setup, and the capabilities the stats
// publish. Volume pairing, failover and migration build on what setup_replication leaves here.
#include <spdlog/spdlog.h>

#include "cluster_pairing.h"
#include "driver_impl.h"
#include "element_api.h"
#include "grace_context.h"
#include "util.h"
#include "json.h"

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
  PairingEnds ends{*primary_client_, *replica_->client, state.cluster.mvip.empty() ? t.mvip : state.cluster.mvip, t.mvip};
  state.cluster_pair_id =
      ensure_cluster_pair(ctx, ends, std::chrono::seconds(config_.sf_cluster_pairing_timeout), *clock_, *log_);
  // The target's id for the same pair: what its volumes' volumePairs name after a failover.
  for (const auto& p : list_cluster_pairs(ctx, *replica_->client)) {
    if (util::to_lower(p.mvip) == util::to_lower(primary.mvip)) state.reverse_pair_id = p.id;
  }
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

std::optional<std::string> SolidFireDriverImpl::replication_mode(const std::optional<VolumeType>& type,
                                                                  const std::string& field) const {
  auto mode = requested_replication_mode(type, field);
  if (mode && !replica_) {
    throw Error(ErrorCode::kFailedPrecondition,
                "the volume type asks for replication but this backend has no replication_device")
        .with_field(field);
  }
  return mode;
}

VolumePairing SolidFireDriverImpl::pairing() { return pairing(!failed_over()); }

VolumePairing SolidFireDriverImpl::pairing(bool from_primary) {
  const auto state = replica_state();
  if (!replica_ || !state) throw Error(ErrorCode::kUnavailable, "replication is not set up").with_retryable(true);
  const PairingLimits limits{std::chrono::seconds(config_.sf_volume_pairing_timeout)};
  if (from_primary) return VolumePairing(primary_side(), target_side(), state->cluster_pair_id, limits, *clock_, *log_);
  return VolumePairing(target_side(), primary_side(), state->reverse_pair_id, limits, *clock_, *log_);
}

PairSide SolidFireDriverImpl::primary_side() const {
  return PairSide{*primary_client_, *primary_accounts_, *primary_lookup_, "primary cluster"};
}

PairSide SolidFireDriverImpl::target_side() const {
  return PairSide{*replica_->client, *replica_->accounts, *replica_->lookup,
                  "replication target '" + replica_->target.backend_id + "'"};
}

void SolidFireDriverImpl::replicate_new_volume(CallContext& ctx, const Volume& volume, const SfVolume& made,
                                               bool made_now, const SfAccount& account, const std::string& mode,
                                               const Json& create_params, ModelUpdate& update) {
  const uint64_t epoch = failovers_.load();
  if (failed_over()) {
    // The primary is presumed lost: the volume lives on the target alone until failback replicates it
    // back (ops_failover.cpp), so its type's replication is not lost, only deferred.
    if (made.access == "replicationTarget") {
      // The copy of a volume whose replication a failover interrupted (below): it is the volume now.
      Json params = Json::object();
      params.set("volumeID", made.id);
      params.set("access", "readWrite");
      client_->call_repeatable(ctx, element::kModifyVolume, params);
    }
    log_->warn("volume {} made while failed over: it is replicated back at failback", volume.id);
    update.replication_status = "failed-over";
    return;
  }
  // A failover while this waits for the pair makes what it returns wrong (ids of the cluster no longer
  // served), and `made` is no longer on the active cluster: answer "repeat", which then finds the copy.
  const auto failed_over_meanwhile = [&] {
    if (failovers_.load() == epoch) return;
    throw Error(ErrorCode::kUnavailable, "the backend failed over while volume " + volume.id +
                                             " was being replicated; repeat the operation")
        .with_retryable(true);
  };
  SfVolume target;
  try {
    target = pairing().replicate(ctx, volume, made, account, mode, create_params);
  } catch (...) {
    failed_over_meanwhile();
    if (made_now) {
      GraceContext grace(ctx, clock_->now() + std::chrono::seconds(30));
      try {
        remove_volume(grace, made);
      } catch (const Error& e) {
        log_->warn("removing volume {} (volumeID {}) after its replication failed: {}", volume.id, made.id,
                   e.message());
      }
    }
    throw;
  }
  failed_over_meanwhile();
  update.replication_status = "enabled";
  update.replication_driver_data = replication_data(target.id, mode);
}

std::string SolidFireDriverImpl::replication_data(int64_t target_volume_id, const std::string& mode) const {
  const auto state = replica_state();
  Json data = Json::object();
  data.set("backend_id", replica_ ? replica_->target.backend_id : std::string());
  data.set("volume_id", target_volume_id);
  data.set("cluster_uuid", state ? state->cluster.uuid : std::string());
  data.set("mode", mode);
  return data.view().print();
}

void SolidFireDriverImpl::unreplicate_volume(CallContext& ctx, const SfVolume& sf_volume) {
  if (sf_volume.pairs.empty()) return;
  if (!replica_) {
    log_->warn("volumeID {} is paired but this backend has no replication_device; its pair is left alone",
               sf_volume.id);
    return;
  }
  on_copies(ctx, "removing the copy of volumeID " + std::to_string(sf_volume.id),
            [&](VolumePairing& p) { p.unreplicate(ctx, sf_volume); });
}

void SolidFireDriverImpl::on_copies(CallContext& ctx, const std::string& what,
                                    const std::function<void(VolumePairing&)>& work) {
  VolumePairing link = pairing();
  if (!failed_over()) {
    work(link);
    return;
  }
  if (!answers(ctx, *primary_client_, "primary cluster")) {
    log_->warn("{}: skipped, the primary cluster does not answer while failed over (failback grows and moves "
               "the copies of the volumes it is given; a deleted volume's copy stays there)",
               what);
    return;
  }
  try {
    work(link);
  } catch (const Error& e) {
    log_->warn("{} on the primary cluster failed while failed over ({}); left for after the failback", what,
               e.message());
  }
}

}  // namespace solidfire
