// create_group_snapshot and delete_group_snapshot (and the 2.0.6 cgsnapshot slots). Decisions:
// - One Element group snapshot per Cinder group snapshot, named "<sf_volume_prefix><group snapshot id>"
//   with attributes.uuid = that id; Element gives every member snapshot the group's name.
// - Member volumes are found by the identity rule (volume_identity.h), never by a name substring: ONE
//   ListVolumes{volumeIDs} for those with a provider_id, the project's accounts for the rest.
// - Idempotent: ListGroupSnapshots{volumes} (bounded by Element's 32 snapshots per volume, never the whole
//   cluster) finds a group snapshot made by an earlier attempt, and a CreateGroupSnapshot whose answer was
//   lost is looked up before it is sent again: never two group snapshots. Three RPCs in all.
// - Each member snapshot's model update carries provider_id "<snapshotID> <volumeID> <cluster uuid>".
// - delete_group_snapshot: DeleteGroupSnapshot{saveMembers: false} (the member snapshots go too); gone is
//   success. The group snapshot is found through the member snapshots' volumes; only a request without
//   any member it can place falls back to listing every group snapshot.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "driver_impl.h"
#include "groups.h"
#include "grace_context.h"

namespace solidfire {

namespace {

std::optional<SolidFireDriverImpl::SfGroupSnapshot> parse_group_snapshot(JsonView g) {
  const auto id = g.int64("groupSnapshotID");
  if (!id) return std::nullopt;
  SolidFireDriverImpl::SfGroupSnapshot out;
  out.id = *id;
  out.name = g.string_or("name", "");
  const JsonView attrs = g["attributes"];
  if (attrs.is_object()) out.uuid_attr = attrs.string_or("uuid", "");
  for (const JsonView m : g["members"].items()) {
    if (auto s = parse_snapshot(m)) out.members.push_back(*s);
  }
  return out;
}

// Ours: our name, and our id in attributes.uuid (group snapshots made by Cinder carry no attributes).
bool ours(const SolidFireDriverImpl::SfGroupSnapshot& g, const std::string& cinder_id) {
  return g.uuid_attr.empty() || g.uuid_attr == cinder_id;
}

std::set<int64_t> member_volumes(const SolidFireDriverImpl::SfGroupSnapshot& g) {
  std::set<int64_t> out;
  for (const auto& m : g.members) out.insert(m.volume_id);
  return out;
}

// An id, and a group the backend serves (else NOT_SUPPORTED: the host's generic handling).
void check_group_snapshot(const GroupSnapshot& group_snapshot, GroupFlavor flavor) {
  if (group_snapshot.id.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "group_snapshot.id is required").with_field("group_snapshot.id");
  }
  groups::require_backend_group(group_snapshot.group_specs, flavor, group_snapshot.group_id,
                                   "group_snapshot.group_specs");
}
}  // namespace

std::vector<SolidFireDriverImpl::SfGroupSnapshot> SolidFireDriverImpl::group_snapshots_named(
    CallContext& ctx, const std::string& name, const std::vector<int64_t>& volume_ids) {
  Json params = Json::object();
  if (!volume_ids.empty()) params.set("volumes", Json::int_array(volume_ids));
  Json result = client_->call(ctx, element::kListGroupSnapshots, params);
  std::vector<SfGroupSnapshot> out;
  for (const JsonView item : result["groupSnapshots"].items()) {
    auto g = parse_group_snapshot(item);
    if (g && g->name == name) out.push_back(std::move(*g));
  }
  return out;
}

SolidFireDriverImpl::SfGroupSnapshot SolidFireDriverImpl::group_snapshot_ensure(
    CallContext& ctx, const std::string& name, const std::string& cinder_id, const std::vector<int64_t>& volume_ids) {
  const std::set<int64_t> wanted(volume_ids.begin(), volume_ids.end());
  auto existing = [&]() -> std::optional<SfGroupSnapshot> {
    for (auto& g : group_snapshots_named(ctx, name, volume_ids)) {
      if (!ours(g, cinder_id)) continue;
      if (member_volumes(g) != wanted) {
        throw Error(ErrorCode::kAlreadyExists, "Element group snapshot " + std::to_string(g.id) + " (" + name +
                                                   ") already exists over other volumes")
            .with_field("group_snapshot.id");
      }
      return std::move(g);
    }
    return std::nullopt;
  };
  if (auto g = existing()) {
    log_->info("group snapshot {} already exists as groupSnapshotID {}; returning it", name, g->id);
    return std::move(*g);
  }

  Json params = Json::object();
  params.set("name", name);
  params.set("volumes", Json::int_array(volume_ids));
  Json attrs = Json::object();
  attrs.set("uuid", cinder_id);
  params.set("attributes", std::move(attrs));
  auto create = [&]() -> SfGroupSnapshot {
    try {
      Json result = client_->call(ctx, element::kCreateGroupSnapshot, params);
      auto g = parse_group_snapshot(result["groupSnapshot"]);
      if (!g) g = parse_group_snapshot(result.view());  // the short form: id and members at the top
      if (!g)
        throw Error(ErrorCode::kBackend, "unexpected reply from cluster to CreateGroupSnapshot: no groupSnapshotID");
      return std::move(*g);
    } catch (const OutcomeUnknownError&) {
      throw;
    } catch (const Error& e) {
      if (e.backend_error() == element::err::kMaxSnapshotsPerVolumeExceeded || e.backend_error() == element::err::kExceededLimit) {
        throw Error(ErrorCode::kResourceExhausted,
                    "a member volume already holds Element's maximum of 32 snapshots, or the group is over a "
                    "cluster limit; delete snapshots before taking a group snapshot (" +
                        e.message() + ")")
            .with_backend_error(e.backend_error());
      }
      throw;
    }
  };
  try {
    return create();
  } catch (const OutcomeUnknownError& e) {
    log_->warn("CreateGroupSnapshot {} lost its answer ({}); checking whether it committed", name, e.message());
  }
  if (auto g = existing()) return std::move(*g);
  return create();
}

void SolidFireDriverImpl::group_snapshot_remove(CallContext& ctx, int64_t group_snapshot_id) {
  Json params = Json::object();
  params.set("groupSnapshotID", group_snapshot_id);
  params.set("saveMembers", false);
  for (int attempt = 0;; ++attempt) {
    try {
      client_->call(ctx, element::kDeleteGroupSnapshot, params);
      log_->info("deleted groupSnapshotID {} and its member snapshots", group_snapshot_id);
      return;
    } catch (const OutcomeUnknownError& e) {
      if (attempt > 0) throw;
      log_->warn("DeleteGroupSnapshot {} lost its answer ({}); sending it again", group_snapshot_id, e.message());
    } catch (const Error& e) {
      if (e.backend_error() == element::err::kGroupSnapshotIDDoesNotExist) return;
      throw;
    }
  }
}

GroupResult SolidFireDriverImpl::create_group_snapshot(CallContext& ctx, const GroupSnapshot& group_snapshot,
                                                       const std::vector<Snapshot>& snapshots, GroupFlavor flavor) {
  refuse_if_frozen("create_group_snapshot");
  const ClusterInfo cl = cluster();
  check_group_snapshot(group_snapshot, flavor);
  if (snapshots.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "snapshots: a group snapshot needs at least one member snapshot")
        .with_field("snapshots");
  }
  const std::string name = volume_name(group_snapshot.id);
  if (name.size() > element::kMaxSnapshotNameLength) {
    throw Error(ErrorCode::kInvalidArgument, "group snapshot name exceeds Element's 255 characters")
        .with_field("group_snapshot.id");
  }
  std::vector<Volume> parents;
  for (const Snapshot& s : snapshots) parents.push_back(snapshot_parent(s));
  const std::vector<FoundVolume> members = lookup_->require_many(ctx, parents, "snapshots");
  std::vector<int64_t> ids;
  for (const auto& m : members) ids.push_back(m.volume.id);
  ids = groups::unique_ids(ids);
  if (ids.size() > element::kMaxGroupSnapshotVolumes) {
    throw Error(ErrorCode::kInvalidArgument,
                "an Element group snapshot holds at most 32 volumes, this one would hold " + std::to_string(ids.size()))
        .with_field("snapshots");
  }

  const SfGroupSnapshot g = group_snapshot_ensure(ctx, name, group_snapshot.id, ids);
  GroupResult r;
  r.status = "available";
  for (size_t i = 0; i < snapshots.size(); ++i) {
    const int64_t vid = members[i].volume.id;
    const auto it =
        std::find_if(g.members.begin(), g.members.end(), [&](const SfSnapshot& s) { return s.volume_id == vid; });
    if (it == g.members.end()) {
      throw Error(ErrorCode::kBackend, "Element group snapshot " + std::to_string(g.id) +
                                           " has no member for volumeID " + std::to_string(vid));
    }
    MemberUpdate m;
    m.id = snapshots[i].id;
    m.status = "available";
    m.model.provider_id = snapshot_provider_id(it->id, vid, cl.uuid);
    r.members.push_back(std::move(m));
  }
  log_->info("group snapshot {} of group {} is groupSnapshotID {} over {} volumes", group_snapshot.id,
             group_snapshot.group_id, g.id, ids.size());
  return r;
}

GroupResult SolidFireDriverImpl::delete_group_snapshot(CallContext& ctx, const GroupSnapshot& group_snapshot,
                                                       const std::vector<Snapshot>& snapshots, GroupFlavor flavor) {
  refuse_if_frozen("delete_group_snapshot");
  const ClusterInfo cl = cluster();
  check_group_snapshot(group_snapshot, flavor);
  // The member volumes narrow the listing: from the snapshots' provider_ids, else their volumes.
  std::vector<int64_t> ids;
  for (const Snapshot& s : snapshots) {
    if (auto ref = groups::snapshot_ref(s, cl.uuid)) {
      ids.push_back(ref->volume_id);
    } else if (auto parent = lookup_->find(ctx, snapshot_parent(s))) {
      ids.push_back(parent->volume.id);
    }
  }
  ids = groups::unique_ids(ids);
  if (ids.empty())
    log_->warn("group snapshot {}: no member volume known; listing every group snapshot", group_snapshot.id);
  const std::string name = volume_name(group_snapshot.id);
  for (const auto& g : group_snapshots_named(ctx, name, ids)) {
    if (ours(g, group_snapshot.id)) group_snapshot_remove(ctx, g.id);
  }
  GroupResult r;
  r.status = "deleted";
  for (const Snapshot& s : snapshots) r.members.push_back(MemberUpdate{s.id, "deleted", {}});
  return r;
}

}  // namespace solidfire
