// create_group_from_src (and create_consistencygroup_from_src). Decisions:
// - From a group snapshot: each new volume is cloned from the member snapshot of its source snapshot
//   (paired by the volume's snapshot_id, else by position). The Element group snapshot is found once,
//   by name "<sf_volume_prefix><group snapshot id>" with ListGroupSnapshots{volumes}; the member by the
//   snapshot's provider_id, else by its volume.
// - From a source group: a temporary group snapshot "<sf_volume_prefix><new group id>-tmp" over the
//   source volumes gives every clone the same point in time (Cinder names it after the SOURCE group,
//   so two groups made from one source at once collide); it is removed afterwards, also on failure.
//   A repeat after a crash adopts it.
// - Each clone follows create_cloned_volume's rules (data_clone: async handle, deadline and
//   sf_volume_clone_timeout, adoption of a volume named for the new id), but all are started before the
//   first is waited for, so the cluster copies them at once (the sources' clone locks are taken first,
//   in ascending order). No orphan: when one clone fails, the clones already started are deleted and
//   purged before the error is returned.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "driver_impl.h"
#include "groups.h"
#include "grace_context.h"

namespace solidfire {

namespace {
using element::kGiB;

std::vector<std::string> ids_of(const std::vector<Snapshot>& snapshots) {
  std::vector<std::string> out;
  for (const auto& s : snapshots) out.push_back(s.id);
  return out;
}

std::vector<std::string> ids_of(const std::vector<Volume>& volumes) {
  std::vector<std::string> out;
  for (const auto& v : volumes) out.push_back(v.id);
  return out;
}

}  // namespace

std::vector<MemberUpdate> SolidFireDriverImpl::group_clone_all(CallContext& ctx, const std::vector<Volume>& volumes,
                                                               const std::vector<CloneSource>& sources) {
  // Everything checkable is checked before the first clone: a bad request leaves nothing to undo.
  for (size_t i = 0; i < volumes.size(); ++i) {
    const std::string field = "volumes[" + std::to_string(i) + "]";
    validate_new_volume(volumes[i], volume_name(volumes[i].id), field);
    if (volumes[i].size_gib * kGiB < sources[i].size_bytes) {
      throw Error(ErrorCode::kInvalidArgument, field + ".size " + std::to_string(volumes[i].size_gib) +
                                                   " GiB is smaller than its source (" +
                                                   std::to_string(element::gib_ceil(sources[i].size_bytes)) + " GiB)")
          .with_field(field + ".size");
    }
  }
  std::vector<MemberUpdate> out;
  std::vector<int64_t> made;
  auto undo = [&]() {
    size_t failed = 0;
    for (int64_t id : made) failed += discard_clone(ctx, id) ? 0 : 1;
    if (made.empty()) return std::string();
    return failed == 0 ? "; the " + std::to_string(made.size()) + " clones already made were deleted and purged"
                       : "; " + std::to_string(failed) +
                             " of the clones already made could not be removed, "
                             "remove them by hand";
  };
  // Every source locked first, in ascending order (two group calls never wait on each other crosswise),
  // then every clone started, then all waited for: the cluster copies them at the same time.
  std::set<int64_t> source_ids;
  for (const auto& s : sources) source_ids.insert(s.volume_id);
  std::vector<std::unique_ptr<ScopedLock>> locks;
  for (int64_t id : source_ids) locks.push_back(lock_clone_source(ctx, id));
  try {
    std::vector<PendingClone> pending;
    for (size_t i = 0; i < volumes.size(); ++i) {
      pending.push_back(begin_clone(ctx, volumes[i], sources[i], /*take_lock=*/false));
      made.push_back(pending.back().made.id);
    }
    for (size_t i = 0; i < volumes.size(); ++i) {
      MemberUpdate m;
      m.id = volumes[i].id;
      m.status = "available";
      try {
        m.model = finish_clone(ctx, pending[i]);
      } catch (...) {
        made.erase(std::remove(made.begin(), made.end(), pending[i].made.id), made.end());  // finish_clone removed it
        throw;
      }
      out.push_back(std::move(m));
    }
  } catch (const Error& e) {
    Error failure(e.code(), e.message() + undo());
    failure.with_backend_error(e.backend_error()).with_retryable(e.retryable());
    if (!e.field().empty()) failure.with_field(e.field());
    throw failure;
  } catch (...) {
    (void)undo();
    throw;
  }
  return out;
}

GroupResult SolidFireDriverImpl::create_group_from_src(CallContext& ctx, const Group& group,
                                                       const std::vector<Volume>& volumes, const GroupSource& source,
                                                       GroupFlavor flavor) {
  refuse_if_frozen("create_group_from_src");
  const ClusterInfo cl = cluster();
  if (group.id.empty()) throw Error(ErrorCode::kInvalidArgument, "group.id is required").with_field("group.id");
  groups::require_backend_group(group.group_specs, flavor, group.id, "group.group_specs");
  if (volumes.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "volumes: at least one new volume is required").with_field("volumes");
  }
  if (source.group_snapshot.has_value() == source.source_group.has_value()) {
    throw Error(ErrorCode::kInvalidArgument, "exactly one of group_snapshot and source_group is required")
        .with_field("group_snapshot");
  }
  GroupResult r;
  r.status = "available";

  if (source.group_snapshot) {
    const GroupSnapshot& gs = *source.group_snapshot;
    if (source.snapshots.empty()) {
      throw Error(ErrorCode::kInvalidArgument, "snapshots: the group snapshot's member snapshots are required")
          .with_field("snapshots");
    }
    const auto pairing =
        groups::pair_sources(volumes, ids_of(source.snapshots), &Volume::snapshot_id, "snapshot_id");
    // Each snapshot's volume: from its provider_id, else located by the identity rule.
    std::vector<int64_t> volume_ids;
    for (size_t i = 0; i < source.snapshots.size(); ++i) {
      const Snapshot& s = source.snapshots[i];
      if (auto ref = groups::snapshot_ref(s, cl.uuid)) {
        volume_ids.push_back(ref->volume_id);
      } else {
        const std::string field = "snapshots[" + std::to_string(i) + "].volume";
        volume_ids.push_back(lookup_->require(ctx, snapshot_parent(s), field).volume.id);
      }
    }
    const auto found = group_snapshots_named(ctx, volume_name(gs.id), groups::unique_ids(volume_ids));
    const auto g = std::find_if(found.begin(), found.end(),
                                [&](const SfGroupSnapshot& x) { return x.uuid_attr.empty() || x.uuid_attr == gs.id; });
    if (g == found.end()) {
      throw Error(ErrorCode::kNotFound, "group snapshot " + gs.id + " was not found on the cluster")
          .with_field("group_snapshot");
    }
    std::vector<CloneSource> sources;
    for (size_t i = 0; i < volumes.size(); ++i) {
      const size_t k = pairing[i];
      const auto ref = groups::snapshot_ref(source.snapshots[k], cl.uuid);
      auto member = std::find_if(g->members.begin(), g->members.end(), [&](const SfSnapshot& m) {
        return ref ? m.id == ref->snapshot_id : m.volume_id == volume_ids[k];
      });
      if (member == g->members.end()) {
        throw Error(ErrorCode::kNotFound, "snapshot " + source.snapshots[k].id + " is not a member of group snapshot " +
                                              gs.id + " on the cluster")
            .with_field("snapshots[" + std::to_string(k) + "]");
      }
      CloneSource cs;
      cs.volume_id = member->volume_id;
      cs.snapshot_id = member->id;
      cs.size_bytes = member->total_size;
      sources.push_back(std::move(cs));
    }
    r.members = group_clone_all(ctx, volumes, sources);
    log_->info("group {} created from group snapshot {} ({} volumes)", group.id, gs.id, volumes.size());
    return r;
  }

  if (source.source_volumes.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "source_vols: the source group's volumes are required")
        .with_field("source_vols");
  }
  const auto pairing =
      groups::pair_sources(volumes, ids_of(source.source_volumes), &Volume::source_volid, "source_volid");
  const std::vector<FoundVolume> located = lookup_->require_many(ctx, source.source_volumes, "source_vols");
  std::vector<int64_t> ids;
  for (const auto& v : located) ids.push_back(v.volume.id);
  ids = groups::unique_ids(ids);
  if (ids.size() > element::kMaxGroupSnapshotVolumes) {
    throw Error(ErrorCode::kInvalidArgument,
                "an Element group snapshot holds at most 32 volumes; the source group "
                "has " +
                    std::to_string(ids.size()))
        .with_field("source_vols");
  }
  const SfGroupSnapshot tmp = group_snapshot_ensure(ctx, volume_name(group.id) + "-tmp", group.id, ids);
  auto drop_tmp = [&]() {
    // After the deadline or a cancellation too: a grace deadline of its own.
    GraceContext grace(ctx, clock_->now() + std::chrono::seconds(config_.sf_api_request_timeout));
    try {
      group_snapshot_remove(grace, tmp.id);
    } catch (const std::exception& e) {
      log_->error("could not remove the temporary groupSnapshotID {}: {}", tmp.id, e.what());
    }
  };
  try {
    std::vector<CloneSource> sources;
    for (size_t i = 0; i < volumes.size(); ++i) {
      const SfVolume& src = located[pairing[i]].volume;
      const auto member = std::find_if(tmp.members.begin(), tmp.members.end(),
                                       [&](const SfSnapshot& m) { return m.volume_id == src.id; });
      if (member == tmp.members.end()) {
        throw Error(ErrorCode::kBackend, "temporary group snapshot " + std::to_string(tmp.id) +
                                             " has no member for volumeID " + std::to_string(src.id));
      }
      CloneSource cs;
      cs.volume_id = src.id;
      cs.snapshot_id = member->id;
      cs.size_bytes = std::max(member->total_size, src.total_size);
      sources.push_back(std::move(cs));
    }
    r.members = group_clone_all(ctx, volumes, sources);
  } catch (...) {
    drop_tmp();
    throw;
  }
  drop_tmp();
  log_->info("group {} created from group {} ({} volumes)", group.id, source.source_group->id, volumes.size());
  return r;
}

}  // namespace solidfire
