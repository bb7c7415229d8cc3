// migrate_volume: storage-assisted migration between two SolidFire clusters (driver.h).
//
// The driver can move a volume only to a cluster it holds credentials for: its replication target. The
// destination backend says which cluster it serves and how it names things in its location_info
// ("solidfire:<cluster uuid>:<sf_volume_prefix>:<sf_account_prefix>", published by get_volume_stats);
// the names must be this backend's, so that the destination finds the volume under the name and account
// it computes itself. The move: the tenant's account on the target (its CHAP secrets kept: other volumes
// of the destination use them), a copy made replicationTarget and paired in Sync mode, the wait for
// Active, the pair removed on both sides, the copy made readWrite, and the source deleted last. Until the
// source is gone, a failure removes the copy and the volume stays where it was; a repeated call resumes
// (the copy and its pair are found by name and identity) or, when an earlier call finished, answers
// with the copy. Anything else is "not migrated" with the reason, and the host copies the data itself.
#include <spdlog/spdlog.h>

#include "driver_impl.h"
#include "element_api.h"
#include "grace_context.h"
#include "util.h"
#include "volume_removal.h"

namespace solidfire {

namespace {

struct Location {
  std::string cluster_uuid;
  std::string volume_prefix;
  std::string account_prefix;  // "" when the backend has none
};

constexpr const char* kScheme = "solidfire:";

// nullopt unless `info` is a location_info this driver publishes.
std::optional<Location> parse_location(const std::string& info) {
  if (!util::starts_with(info, kScheme)) return std::nullopt;
  const std::string rest = info.substr(std::string(kScheme).size());
  const size_t a = rest.find(':');
  if (a == std::string::npos) return std::nullopt;
  const size_t b = rest.find(':', a + 1);
  if (b == std::string::npos) return std::nullopt;
  Location l{rest.substr(0, a), rest.substr(a + 1, b - a - 1), rest.substr(b + 1)};
  if (l.cluster_uuid.empty()) return std::nullopt;
  return l;
}

MigrateResult not_migrated(std::string reason) {
  MigrateResult r;
  r.reason = std::move(reason);
  return r;
}

}  // namespace

std::string SolidFireDriverImpl::location_info(const ClusterInfo& cluster) const {
  return std::string(kScheme) + cluster.uuid + ":" + config_.sf_volume_prefix + ":" +
         config_.sf_account_prefix.value_or("");
}

MigrateResult SolidFireDriverImpl::migrate_volume(CallContext& ctx, const Volume& volume,
                                                  const MigrationDestination& destination) {
  refuse_if_frozen("migrate_volume");
  const ClusterInfo here = cluster();
  const std::string to = destination.host.empty() ? std::string("the destination") : "'" + destination.host + "'";
  const auto location = parse_location(destination.location_info.value_or(""));
  if (!location) {
    return not_migrated(to + " publishes no SolidFire location_info: not a SolidFire backend of this kind");
  }
  const bool same_names =
      location->volume_prefix == config_.sf_volume_prefix && location->account_prefix == config_.sf_account_prefix.value_or("");
  if (location->cluster_uuid == here.uuid) {
    // Same cluster: with the same names the destination already finds the volume where it is.
    if (same_names) return MigrateResult{true, std::nullopt, ""};
    return not_migrated(to + " is on this cluster but names volumes or accounts differently");
  }
  const auto state = replica_state();
  if (!replica_ || !state || location->cluster_uuid != state->cluster.uuid) {
    return not_migrated(to + " is on cluster " + location->cluster_uuid +
                        ", which this backend has no credentials for (only its replication target)");
  }
  if (failed_over()) return not_migrated("the backend is failed over; migrate after the failback");
  if (!same_names) {
    return not_migrated(to + " names volumes or accounts differently (sf_volume_prefix, sf_account_prefix)");
  }
  if (volume.status && *volume.status != "available" && *volume.status != "retyping") {
    return not_migrated("volume " + volume.id + " is '" + *volume.status +
                        "': only a volume that is not in use moves between clusters");
  }
  if (requested_replication_mode(volume.volume_type)) {
    return not_migrated("volume " + volume.id + " is replicated: its pair stays, the host copies it");
  }

  VolumeLookup& target_lookup = *replica_->lookup;
  std::optional<FoundVolume> source = primary_lookup_->find(ctx, volume);
  if (!source) {
    // An earlier call may have finished: the copy alone, readWrite and unpaired, is the volume now.
    if (auto moved = target_lookup.find(ctx, volume); moved && moved->volume.pairs.empty() &&
                                                       moved->volume.access == "readWrite") {
      const auto account = replica_->accounts->get_or_create(ctx, account_username(config_, volume.project_id));
      log_->info("volume {} is already on the replication target (volumeID {})", volume.id, moved->volume.id);
      return MigrateResult{true, model_update(state->cluster, account, moved->volume), ""};
    }
    source = primary_lookup_->require(ctx, volume, "volume");  // NOT_FOUND, named as every operation does
  }
  if (const auto snapshots = list_snapshots(ctx, source->volume.id); !snapshots.empty()) {
    return not_migrated("volume " + volume.id + " has " + std::to_string(snapshots.size()) +
                        " snapshots on the cluster, which a migration would lose");
  }

  const SfAccount account = replica_->accounts->get_or_create(ctx, account_username(config_, volume.project_id));
  VolumePairing link = pairing(/*from_primary=*/true);
  log_->info("migrating volume {} (volumeID {}) to the replication target: copying in Sync mode", volume.id,
             source->volume.id);
  const SfVolume copy = link.replicate_into(ctx, volume, source->volume, account, "Sync", copy_create_params(*source));
  try {
    link.split(ctx, primary_lookup_->require_by_id(ctx, source->volume.id));
    Json params = Json::object();
    params.set("volumeID", copy.id);
    params.set("access", "readWrite");
    replica_->client->call_repeatable(ctx, element::kModifyVolume, params);
    remove_element_volume(ctx, *primary_client_, *primary_lookup_, source->volume, *log_);
  } catch (...) {
    // The source still answers for the volume unless its delete went through: then the copy is the
    // volume and must stay. Otherwise remove the copy and its pair, so nothing is left on the target.
    std::optional<FoundVolume> now;
    bool known = false;
    try {
      GraceContext grace(ctx, clock_->now() + std::chrono::seconds(30));
      now = primary_lookup_->by_id(grace, source->volume.id);
      known = true;
    } catch (const Error& e) {
      log_->warn("migration of volume {}: cannot tell whether the source is still there ({}); the copy stays",
                 volume.id, e.message());
    }
    if (!known) throw;
    if (!now || now->volume.deleted()) {
      log_->warn("migration of volume {}: the source was deleted but not confirmed purged", volume.id);
      return MigrateResult{true, model_update(state->cluster, account, copy), ""};
    }
    link.discard(ctx, volume, source->volume.id, copy);
    throw;
  }
  log_->info("migrated volume {} to the replication target '{}' (volumeID {})", volume.id,
             replica_->target.backend_id, copy.id);
  return MigrateResult{true, model_update(state->cluster, account, copy), ""};
}

}  // namespace solidfire
