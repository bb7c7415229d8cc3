// Failover and failback between the primary and its replication target (driver.h).
//
// failover(ctx, volumes, secondary_id):
//   - to the target (secondary_id empty or naming it): for each volume, its copy on the target is found
//     by identity (the provider_id names the primary, so the target's lookup goes by the uuid attribute
//     in the tenant's accounts), made readWrite, and the primary's volume made replicationTarget when the
//     primary answers (it is probed once, briefly: a dead primary must not cost a timeout per volume).
//     The model update points at the TARGET's volume (provider_id, provider_location, provider_auth):
//     Cinder 2.0.6 kept the primary's ids, so later access-group calls hit the wrong volumes.
//     A volume without a copy gets status "error".
//   - back ("default"): the same in reverse; a volume that exists only on the target (created while
//     failed over) is first replicated back (a copy made on the primary and paired), so nothing is lost.
// failover_completed switches the cluster the driver serves; failover_host does both.
#include <spdlog/spdlog.h>

#include "cluster_pairing.h"
#include "driver_impl.h"
#include "element_api.h"
#include "grace_context.h"
#include "util.h"

namespace solidfire {

namespace {

bool names_target(const std::string& id, const ReplicationTarget& t) {
  const std::string v = util::to_lower(util::trim(id));
  return v == util::to_lower(t.backend_id) || v == util::to_lower(t.mvip);
}

}  // namespace

// One direction of a failover or failback: from the cluster that served until now to the other.
struct SolidFireDriverImpl::FailoverStep {
  PairSide from;
  PairSide to;
  ClusterInfo to_info;  // the cluster that serves afterwards
  bool failback;
  bool from_answers;  // probed once: a lost side costs one short wait, not one per volume
};

FailoverResult SolidFireDriverImpl::failover(CallContext& ctx, const std::vector<Volume>& volumes,
                                             const std::optional<std::string>& secondary_id) {
  require_setup();
  if (!replica_) {
    throw Error(ErrorCode::kFailedPrecondition, "failover needs replication_device: this backend does not replicate");
  }
  const std::string wanted = util::trim(secondary_id.value_or(""));
  const bool failback = util::to_lower(wanted) == "default";
  const bool now_failed_over = failed_over();
  if (failback && !now_failed_over) {
    throw Error(ErrorCode::kInvalidArgument, "secondary_id 'default' asks for a failback, but the backend is not "
                                             "failed over")
        .with_field("secondary_id");
  }
  if (!failback) {
    if (!wanted.empty() && !names_target(wanted, replica_->target)) {
      throw Error(ErrorCode::kInvalidArgument, "secondary_id '" + util::clean_utf8(wanted, 64) +
                                                   "' is not a replication target of this backend (configured: '" +
                                                   replica_->target.backend_id + "')")
          .with_field("secondary_id");
    }
    if (now_failed_over) {
      throw Error(ErrorCode::kInvalidArgument,
                  "the backend is already failed over to '" + replica_->target.backend_id + "'")
          .with_field("secondary_id");
    }
  }

  // Direction: from the cluster that served until now to the other.
  FailoverStep step{failback ? target_side() : primary_side(), failback ? primary_side() : target_side(), {}, failback,
                    false};
  if (failback) {
    // The primary must answer for a failback; read it again (a failed-over start may not have).
    step.to_info = read_cluster_info(ctx, *primary_client_, config_.sf_svip);
    std::lock_guard<std::mutex> lock(cluster_mutex_);
    primary_cluster_ = step.to_info;
  } else {
    step.to_info = replica_state().value().cluster;
  }
  // Is the side we leave reachable? One short probe instead of a timeout per volume.
  step.from_answers = answers(ctx, step.from.client, step.from.label);

  FailoverResult result;
  result.active_backend_id = failback ? std::string() : replica_->target.backend_id;
  for (const Volume& volume : volumes) {
    if (volume.status && *volume.status == "error") continue;  // Cinder leaves these alone
    VolumeUpdate vu;
    vu.volume_id = volume.id;
    try {
      vu.updates = fail_over_volume(ctx, step, volume);
    } catch (const Error& e) {
      log_->error("failover of volume {} failed: {}", volume.id, e.message());
      vu.updates = ModelUpdate{};
      vu.updates.status = "error";
    }
    result.volume_updates.push_back(std::move(vu));
  }
  log_->info("{} prepared for {} volumes; the {} serves once failover_completed runs",
             failback ? "failback" : "failover", volumes.size(), step.to.label);
  return result;
}

ModelUpdate SolidFireDriverImpl::fail_over_volume(CallContext& ctx, const FailoverStep& step, const Volume& volume) {
  const PairSide& from = step.from;
  const PairSide& to = step.to;
  std::optional<FoundVolume> src;
  if (step.from_answers) src = from.lookup.find(ctx, volume);
  std::optional<FoundVolume> copy = to.lookup.find(ctx, volume);
  if (!copy && src) {
    // Not where its project says (transferred while the other side was unreachable): its pair leads to it.
    for (const auto& p : src->volume.pairs) {
      auto paired = to.lookup.by_id(ctx, p.remote_volume_id);
      if (paired && !paired->volume.deleted() && paired->volume.name == src->volume.name) copy = std::move(paired);
    }
  }
  if (!copy && step.failback && src) {
    // Made on the target while failed over: replicate it back first, then flip.
    const SfAccount owner = from.accounts.get_or_create(ctx, account_username(config_, volume.project_id));
    pairing(/*from_primary=*/false).replicate(ctx, volume, src->volume, owner, "Async", copy_create_params(*src));
    copy = to.lookup.find(ctx, volume);
    log_->info("failback: volume {} existed only on the target; replicated back to the primary", volume.id);
  }
  if (!copy) {
    log_->error("failover: volume {} has no copy on the {}; marked error", volume.id, to.label);
    ModelUpdate error;
    error.status = "error";
    return error;
  }
  if (step.failback && src && copy->volume.total_size < src->volume.total_size) {
    // Extended while failed over (the lost primary's copy could not grow then): grow it now.
    Json params = Json::object();
    params.set("volumeID", copy->volume.id);
    params.set("totalSize", src->volume.total_size);
    to.client.call_repeatable(ctx, element::kModifyVolume, params);
  }
  if (src && !src->volume.deleted()) {
    Json params = Json::object();
    params.set("volumeID", src->volume.id);
    params.set("access", "replicationTarget");
    try {
      from.client.call_repeatable(ctx, element::kModifyVolume, params);
    } catch (const Error& e) {
      log_->warn("failover: could not make volumeID {} a replication target ({})", src->volume.id, e.message());
    }
  }
  Json params = Json::object();
  params.set("volumeID", copy->volume.id);
  params.set("access", "readWrite");
  to.client.call_repeatable(ctx, element::kModifyVolume, params);
  const std::string username = account_username(config_, volume.project_id);
  std::optional<SfAccount> account = to.accounts.find(ctx, username);
  if (!account || account->id != copy->volume.account_id) account = to.accounts.find(ctx, username + "_");
  if ((!account || account->id != copy->volume.account_id) && step.failback) {
    // Transferred while failed over (the lost primary's copy could not move then): move it now, into the
    // account mirroring the new owner's.
    account = to.accounts.mirror(ctx, from.accounts.get_or_create(ctx, username));
    Json move = Json::object();
    move.set("volumeID", copy->volume.id);
    move.set("accountID", account->id);
    to.client.call_repeatable(ctx, element::kModifyVolume, move);
    copy->volume.account_id = account->id;
  }
  if (!account || account->id != copy->volume.account_id) {
    throw Error(ErrorCode::kBackend, "the copy of volume " + volume.id + " is in an unexpected account");
  }
  ModelUpdate update = model_update(step.to_info, *account, copy->volume);
  update.replication_status = step.failback ? "enabled" : "failed-over";
  return update;
}

bool SolidFireDriverImpl::answers(CallContext& ctx, ElementClient& client, const std::string& label) {
  GraceContext probe(ctx, std::min(ctx.deadline(), clock_->now() + kProbeWindow));
  try {
    client.call(probe, element::kGetClusterVersionInfo, Json::object());
    return true;
  } catch (const Error& e) {
    log_->warn("the {} does not answer ({}); what lives there is left as it is", label, e.message());
    return false;
  }
}

void SolidFireDriverImpl::failover_completed(CallContext& ctx, const std::string& active_backend_id) {
  require_setup();
  const std::string id = util::trim(active_backend_id);
  const bool to_primary = id.empty() || util::to_lower(id) == "default";
  if (!to_primary && (!replica_ || !names_target(id, replica_->target))) {
    throw Error(ErrorCode::kInvalidArgument, "active_backend_id '" + util::clean_utf8(id, 64) +
                                                 "' names no replication target of this backend")
        .with_field("active_backend_id");
  }
  ClusterInfo info;
  if (to_primary) {
    std::optional<ClusterInfo> known;
    {
      std::lock_guard<std::mutex> lock(cluster_mutex_);
      known = primary_cluster_;
    }
    info = known ? *known : read_cluster_info(ctx, *primary_client_, config_.sf_svip);
  } else {
    info = replica_state().value().cluster;
  }
  {
    std::lock_guard<std::mutex> lock(cluster_mutex_);
    if (to_primary) primary_cluster_ = info;
    cluster_ = info;
    failed_over_ = !to_primary;
  }
  activate(!to_primary);
  failovers_.fetch_add(1);
  {
    std::lock_guard<std::mutex> lock(stats_mutex_);
    stats_.reset();  // the next stats describe the cluster now served
  }
  log_->warn("now serving the {} ({})", to_primary ? "primary cluster" : "replication target", info.mvip);
}

FailoverResult SolidFireDriverImpl::failover_host(CallContext& ctx, const std::vector<Volume>& volumes,
                                                  const std::optional<std::string>& secondary_id) {
  FailoverResult r = failover(ctx, volumes, secondary_id);
  failover_completed(ctx, r.active_backend_id);
  return r;
}

void SolidFireDriverImpl::setup_failed_over(CallContext& ctx) {
  const ReplicationTarget& t = replica_->target;
  ReplicaState state;
  state.cluster = read_cluster_info(ctx, *replica_->client, t.svip);
  std::optional<ClusterInfo> primary;
  try {
    primary = read_cluster_info(ctx, *primary_client_, config_.sf_svip);
  } catch (const Error& e) {
    log_->warn("starting failed over to '{}': the primary cluster does not answer ({})", t.backend_id, e.message());
  }
  if (primary) {
    for (const auto& p : list_cluster_pairs(ctx, *primary_client_)) {
      if (util::to_lower(p.mvip) == util::to_lower(state.cluster.mvip)) state.cluster_pair_id = p.id;
    }
  }
  for (const auto& p : list_cluster_pairs(ctx, *replica_->client)) {
    if (primary && util::to_lower(p.mvip) == util::to_lower(primary->mvip)) state.reverse_pair_id = p.id;
  }
  {
    std::lock_guard<std::mutex> lock(cluster_mutex_);
    primary_cluster_ = primary;
    cluster_ = state.cluster;
    replica_state_ = state;
    failed_over_ = true;
  }
  activate(true);
  setup_done_.store(true);
  log_->warn("serving the replication target '{}' ({}): active_backend_id says the backend is failed over",
             t.backend_id, state.cluster.mvip);
}

}  // namespace solidfire
