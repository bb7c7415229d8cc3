// create_snapshot, delete_snapshot, revert_to_snapshot. Decisions:
// - Element name "<sf_volume_prefix><snapshot id>"; provider_id "<snapshotID> <volumeID> <cluster uuid>".
// - The source volume is found through the SNAPSHOT's volume (its provider_id, then its uuid in its
//   project's accounts), never through the snapshot's project alone.
// - Idempotent create: a snapshot of that volume with that name is returned as is; a CreateSnapshot
//   whose answer was lost is looked up by name before it is sent again (never a duplicate).
// - xMaxSnapshotsPerVolumeExceeded (retried like Cinder first) becomes RESOURCE_EXHAUSTED with a
//   message saying what to do.
// - delete_snapshot never deletes a volume (Cinder 2.0.6 fell back to delete_volume when the snapshot
//   was missing); a snapshot that is gone is success.
// - revert_to_snapshot: RollbackToSnapshot with saveCurrentState false; the snapshot must belong to the
//   volume.
#include <spdlog/spdlog.h>

#include "driver_impl.h"
#include "util.h"
#include "grace_context.h"

namespace solidfire {

ModelUpdate SolidFireDriverImpl::create_snapshot(CallContext& ctx, const Snapshot& snapshot) {
  refuse_if_frozen("create_snapshot");
  const ClusterInfo cl = cluster();
  if (snapshot.id.empty()) throw Error(ErrorCode::kInvalidArgument, "snapshot.id is required").with_field("snapshot.id");
  const std::string name = volume_name(snapshot.id);
  if (name.size() > element::kMaxSnapshotNameLength) {
    throw Error(ErrorCode::kInvalidArgument, "snapshot.id is too long: the Element snapshot name made from it (" +
                                                 std::to_string(name.size()) + " characters) exceeds Element's 255")
        .with_field("snapshot.id");
  }
  const FoundVolume source = lookup_->require(ctx, snapshot_parent(snapshot), "snapshot.volume");
  const int64_t volume_id = source.volume.id;

  auto existing = [&]() -> std::optional<SfSnapshot> {
    for (const auto& s : list_snapshots(ctx, volume_id)) {
      if (s.name == name) return s;
    }
    return std::nullopt;
  };
  if (auto s = existing()) {
    log_->info("snapshot {} already exists as snapshotID {} of volumeID {}; returning it", snapshot.id, s->id, volume_id);
    ModelUpdate m;
    m.provider_id = snapshot_provider_id(s->id, volume_id, cl.uuid);
    return m;
  }

  Json params = Json::object();
  params.set("volumeID", volume_id);
  params.set("name", name);
  Json attrs = Json::object();
  attrs.set("uuid", snapshot.id);
  params.set("attributes", std::move(attrs));
  // A replicated volume's snapshots travel to its target copy too (Cinder sends the flag as well).
  if (!source.volume.pairs.empty()) params.set("enableRemoteReplication", true);
  auto create = [&]() -> int64_t {
    try {
      Json result = client_->call(ctx, element::kCreateSnapshot, params);
      auto id = result.view().int64("snapshotID");
      if (!id) throw Error(ErrorCode::kBackend, "unexpected reply from cluster to CreateSnapshot: no snapshotID");
      return *id;
    } catch (const OutcomeUnknownError&) {
      throw;
    } catch (const Error& e) {
      if (e.backend_error() == element::err::kMaxSnapshotsPerVolumeExceeded) {
        throw Error(ErrorCode::kResourceExhausted,
                    "volume " + source.volume.name + " (volumeID " + std::to_string(volume_id) +
                        ") already holds the maximum number of snapshots Element allows per volume (32); delete "
                        "snapshots of this volume before taking another (" + e.message() + ")")
            .with_backend_error(e.backend_error())
            .with_field("snapshot.volume_id");
      }
      throw;
    }
  };
  int64_t snapshot_id = 0;
  try {
    snapshot_id = create();
  } catch (const OutcomeUnknownError& e) {
    log_->warn("CreateSnapshot for {} lost its answer ({}); checking whether it committed", snapshot.id, e.message());
    if (auto s = existing()) {
      snapshot_id = s->id;
    } else {
      snapshot_id = create();
    }
  }
  log_->info("created snapshot {} as snapshotID {} of volumeID {}", snapshot.id, snapshot_id, volume_id);
  ModelUpdate m;
  m.provider_id = snapshot_provider_id(snapshot_id, volume_id, cl.uuid);
  return m;
}

void SolidFireDriverImpl::delete_snapshot(CallContext& ctx, const Snapshot& snapshot) {
  refuse_if_frozen("delete_snapshot");
  require_setup();
  if (snapshot.id.empty()) throw Error(ErrorCode::kInvalidArgument, "snapshot.id is required").with_field("snapshot.id");
  auto found = find_snapshot(ctx, snapshot, std::nullopt);
  if (!found) {
    log_->info("snapshot {} not found on the cluster; treating delete as done", snapshot.id);
    return;
  }
  Json params = Json::object();
  params.set("snapshotID", found->id);
  for (int attempt = 0;; ++attempt) {
    try {
      client_->call(ctx, element::kDeleteSnapshot, params);
      log_->info("deleted snapshot {} (snapshotID {})", snapshot.id, found->id);
      return;
    } catch (const OutcomeUnknownError& e) {
      if (attempt > 0) throw;
      log_->warn("DeleteSnapshot for {} lost its answer ({}); sending it again", snapshot.id, e.message());
    } catch (const Error& e) {
      if (e.backend_error() == element::err::kSnapshotIDDoesNotExist || e.backend_error() == element::err::kVolumeIDDoesNotExist) {
        log_->info("snapshotID {} disappeared while deleting it; nothing left to do", found->id);
        return;
      }
      throw;
    }
  }
}

void SolidFireDriverImpl::revert_to_snapshot(CallContext& ctx, const Volume& volume, const Snapshot& snapshot) {
  refuse_if_frozen("revert_to_snapshot");
  require_setup();
  if (snapshot.id.empty()) throw Error(ErrorCode::kInvalidArgument, "snapshot.id is required").with_field("snapshot.id");
  const FoundVolume target = lookup_->require(ctx, volume, "volume");
  auto found = find_snapshot(ctx, snapshot, target.volume.id);
  if (!found) {
    throw Error(ErrorCode::kNotFound, "snapshot " + snapshot.id + " of volume " + volume.id +
                                          " (volumeID " + std::to_string(target.volume.id) +
                                          ") was not found on the cluster")
        .with_field("snapshot");
  }
  Json params = Json::object();
  params.set("volumeID", target.volume.id);
  params.set("snapshotID", found->id);
  params.set("saveCurrentState", false);
  try {
    client_->call(ctx, element::kRollbackToSnapshot, params);
  } catch (const OutcomeUnknownError& e) {
    // Rolling back to the same snapshot twice leaves the same image.
    log_->warn("RollbackToSnapshot for {} lost its answer ({}); sending it again", volume.id, e.message());
    client_->call(ctx, element::kRollbackToSnapshot, params);
  }
  log_->info("reverted volume {} (volumeID {}) to snapshot {} (snapshotID {})", volume.id, target.volume.id,
             snapshot.id, found->id);
}

}  // namespace solidfire
