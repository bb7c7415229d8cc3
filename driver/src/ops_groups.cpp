// create_group, update_group, delete_group and the rules of groups.h. Decisions:
// - SolidFire has no group object: create and update are model-only (Cinder does the same). update
//   verifies that added volumes exist (one ListVolumes{volumeIDs}); a missing one is NOT_FOUND.
// - delete_group deletes every member like delete_volume (VAGs left first, deleted and purged, gone is
//   success; one ListVolumes{volumeIDs} finds the members by provider_id) and reports a status per volume; a member that fails is "error_deleting" (and so is the
//   group) while the others go on. Timeouts, cancellation, unreachable cluster and bad credentials end
//   the call instead (outcome unknown: the host repeats it, every step is idempotent).
// - Generic groups whose type is not consistent are refused with NOT_SUPPORTED so the host handles them
//   generically; the 2.0.6 consistency-group slots are always served.
#include "groups.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <set>

#include "driver_impl.h"
#include "util.h"
#include "grace_context.h"

namespace solidfire {

namespace groups {

bool consistent_specs(const StringMap& specs) {
  const auto it = specs.find("consistent_group_snapshot_enabled");
  if (it == specs.end()) return false;
  const std::string value = util::to_lower(util::trim(it->second));
  if (!util::starts_with(value, "<is>")) return false;
  return util::trim(std::string_view(value).substr(4)) == "true";
}

void require_backend_group(const StringMap& specs, GroupFlavor flavor, const std::string& group_id,
                           const std::string& field) {
  if (flavor == GroupFlavor::kConsistencyGroup || consistent_specs(specs)) return;
  throw Error(ErrorCode::kNotSupported,
              "group " + group_id +
                  " is not of a consistent group type (group_specs "
                  "consistent_group_snapshot_enabled is not \"<is> True\"); the host handles generic groups itself")
      .with_field(field);
}

std::optional<SnapshotRef> snapshot_ref(const Snapshot& snapshot, const std::string& cluster_uuid) {
  if (!snapshot.provider_id) return std::nullopt;
  const auto tokens = util::split_ws(*snapshot.provider_id);
  if (tokens.size() < 2 || (tokens.size() >= 3 && tokens[2] != cluster_uuid)) return std::nullopt;
  const auto sid = util::parse_int64(tokens[0]);
  const auto vid = util::parse_int64(tokens[1]);
  if (!sid || !vid || *sid <= 0 || *vid <= 0) return std::nullopt;
  return SnapshotRef{*sid, *vid};
}

std::vector<int64_t> unique_ids(const std::vector<int64_t>& ids) {
  std::vector<int64_t> out;
  std::set<int64_t> seen;
  for (int64_t id : ids) {
    if (seen.insert(id).second) out.push_back(id);
  }
  return out;
}

std::vector<size_t> pair_sources(const std::vector<Volume>& volumes, const std::vector<std::string>& source_ids,
                                 const std::optional<std::string> Volume::*key, const std::string& key_field) {
  std::vector<size_t> out;
  for (size_t i = 0; i < volumes.size(); ++i) {
    const auto& wanted = volumes[i].*key;
    const std::string field = "volumes[" + std::to_string(i) + "]";
    if (wanted && !wanted->empty()) {
      const auto it = std::find(source_ids.begin(), source_ids.end(), *wanted);
      if (it == source_ids.end()) {
        throw Error(ErrorCode::kInvalidArgument, field + "." + key_field + " " + *wanted + " is not among the sources")
            .with_field(field + "." + key_field);
      }
      out.push_back(static_cast<size_t>(it - source_ids.begin()));
    } else if (i < source_ids.size()) {
      out.push_back(i);
    } else {
      throw Error(ErrorCode::kInvalidArgument, field + " has no source (no " + key_field +
                                                   ", and fewer sources than "
                                                   "volumes)")
          .with_field(field);
    }
  }
  return out;
}

}  // namespace groups

namespace {

// Errors after which the outcome of the whole call is unknown or nothing can succeed: not per member.
bool ends_the_call(const Error& e) {
  return e.code() == ErrorCode::kTimeout || e.code() == ErrorCode::kCancelled || e.code() == ErrorCode::kUnavailable ||
         e.code() == ErrorCode::kAuth;
}

void require_id(const std::string& id, const std::string& field) {
  if (id.empty()) throw Error(ErrorCode::kInvalidArgument, field + " is required").with_field(field);
}
}  // namespace

GroupResult SolidFireDriverImpl::create_group(CallContext&, const Group& group, GroupFlavor flavor) {
  refuse_if_frozen("create_group");
  require_setup();
  require_id(group.id, "group.id");
  groups::require_backend_group(group.group_specs, flavor, group.id, "group.group_specs");
  log_->info("group {} created (SolidFire keeps no group object)", group.id);
  GroupResult r;
  r.status = "available";
  return r;
}

void SolidFireDriverImpl::update_group(CallContext& ctx, const Group& group, const std::vector<Volume>& add_volumes,
                                       const std::vector<Volume>& remove_volumes, GroupFlavor flavor) {
  refuse_if_frozen("update_group");
  require_setup();
  require_id(group.id, "group.id");
  groups::require_backend_group(group.group_specs, flavor, group.id, "group.group_specs");
  if (!add_volumes.empty()) (void)lookup_->require_many(ctx, add_volumes, "add_volumes");
  log_->info("group {}: {} volumes added, {} removed (model only)", group.id, add_volumes.size(),
             remove_volumes.size());
}

GroupResult SolidFireDriverImpl::delete_group(CallContext& ctx, const Group& group, const std::vector<Volume>& volumes,
                                              GroupFlavor flavor) {
  refuse_if_frozen("delete_group");
  require_setup();
  require_id(group.id, "group.id");
  groups::require_backend_group(group.group_specs, flavor, group.id, "group.group_specs");
  // Every member is checked before the first delete: bad input changes nothing.
  for (size_t i = 0; i < volumes.size(); ++i) require_id(volumes[i].id, "volumes[" + std::to_string(i) + "].id");
  // One ListVolumes{volumeIDs} finds every member its provider_id names; only the others cost an
  // account walk each.
  auto known = lookup_->by_provider_ids(ctx, volumes, identity::Deleted::kPurgeLeftovers);
  GroupResult r;
  r.status = "deleted";
  for (size_t i = 0; i < volumes.size(); ++i) {
    MemberUpdate m;
    m.id = volumes[i].id;
    try {
      std::vector<FoundVolume> targets;
      if (known[i]) {
        targets.push_back(std::move(*known[i]));
      } else {
        targets = lookup_->find_in_project(ctx, volumes[i]);
      }
      remove_found(ctx, volumes[i], targets);
      m.status = "deleted";
    } catch (const Error& e) {
      if (ends_the_call(e)) throw;
      log_->error("group {}: deleting volume {} failed: {}", group.id, m.id, e.message());
      m.status = "error_deleting";
      r.status = "error_deleting";
    }
    r.members.push_back(std::move(m));
  }
  return r;
}

}  // namespace solidfire
