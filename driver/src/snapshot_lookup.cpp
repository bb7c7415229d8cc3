// Volume data operations, shared part: locating volumes and snapshots for snapshot/clone/extend/retype.
// Decisions:
// - A volume is located by its provider_id first (ListVolumes{startVolumeID, limit:1}, the id verified
//   because Element returns the NEXT volume when the id is gone), then in its project's primary and
//   secondary ("<name>_") accounts; the identity rule of volume_identity.h decides. Deleted volumes
//   never match. The source of a snapshot or clone is located through the SOURCE's own provider_id and
//   project, never the new volume's tenant.
// - A snapshot is located by its provider_id ("<snapshotID> <volumeID> <cluster uuid>") with
//   ListSnapshots{volumeID, snapshotID} and verified by id, volume and name; then by name
//   ("<sf_volume_prefix><snapshot id>") among its volume's snapshots (at most 32). A member of a group
//   snapshot is named after the group snapshot ("<sf_volume_prefix><group_snapshot_id>").
// - Every ModifyVolume of these operations is idempotent, so one whose answer was lost is sent again.
#include "grace_context.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "driver_impl.h"
#include "util.h"

namespace solidfire {

namespace data_ops {

Json copy_object(JsonView v) {
  if (!v.is_object()) return Json::object();
  return Json(cJSON_Duplicate(v.raw(), /*recurse=*/1));
}

QosSpec qos_of(JsonView volume) {
  const JsonView q = volume["qos"];
  QosSpec s;
  s.min_iops = q.int64("minIOPS");
  s.max_iops = q.int64("maxIOPS");
  s.burst_iops = q.int64("burstIOPS");
  return s;
}

bool fit_attributes(Json& attrs) {
  if (attrs.print().size() <= kMaxAttributesBytes) return true;
  auto name = attrs.view().string("cinder-name");
  std::string n = name.value_or("");
  while (!n.empty() && attrs.print().size() > kMaxAttributesBytes) {
    const size_t excess = attrs.print().size() - kMaxAttributesBytes;
    n = util::truncate_utf8(n, n.size() > excess ? n.size() - excess : 0);
    attrs.set("cinder-name", n);
  }
  return attrs.print().size() <= kMaxAttributesBytes;
}

int64_t gib_ceil(int64_t bytes) { return bytes <= 0 ? 0 : (bytes + kGiB - 1) / kGiB; }

void validate_new_volume(const Volume& volume, const std::string& name, const std::string& field) {
  if (volume.id.empty()) throw Error(ErrorCode::kInvalidArgument, field + ".id is required").with_field(field + ".id");
  if (volume.size_gib < 1 || volume.size_gib > kMaxVolumeSizeGib) {
    throw Error(ErrorCode::kInvalidArgument, field + ".size must be between 1 and 16384 GiB, got " +
                                                 std::to_string(volume.size_gib))
        .with_field(field + ".size");
  }
  if (name.size() > kElementNameMax) {
    throw Error(ErrorCode::kInvalidArgument, "volume name " + util::clean_utf8(name, 128) +
                                                 " exceeds Element's 64 characters")
        .with_field(field + ".id");
  }
}

}  // namespace data_ops

namespace {
using data_ops::kApi;
}  // namespace

std::optional<SolidFireDriverImpl::DataVolume> SolidFireDriverImpl::data_find_volume(CallContext& ctx,
                                                                                     const Volume& volume) {
  const identity::Scope scope = identity_scope();
  if (const auto id = identity::provider_volume_id(volume, scope.cluster_uuid)) {
    Json params = Json::object();
    params.set("startVolumeID", *id);
    params.set("limit", int64_t{1});
    Json result = client_->call(ctx, "ListVolumes", params, kApi);
    const JsonView item = result["volumes"].at(0);
    auto v = parse_volume(item);
    if (v && v->id == *id && identity::is(*v, volume, scope)) return DataVolume{*v, data_ops::copy_object(item)};
    log_->info("provider_id {} of volume {} does not lead to it; searching its project's accounts",
               *volume.provider_id, volume.id);
  }
  std::optional<DataVolume> found;
  for_each_project_volume(ctx, volume.project_id, [&](JsonView item) {
    auto v = parse_volume(item);
    if (v && identity::is(*v, volume, scope)) {
      found = DataVolume{*v, data_ops::copy_object(item)};
      return true;
    }
    return false;
  });
  return found;
}

SolidFireDriverImpl::DataVolume SolidFireDriverImpl::data_require_volume(CallContext& ctx, const Volume& volume,
                                                                         const std::string& field) {
  if (volume.id.empty()) throw Error(ErrorCode::kInvalidArgument, field + ".id is required").with_field(field + ".id");
  auto found = data_find_volume(ctx, volume);
  if (!found) {
    throw Error(ErrorCode::kNotFound, "volume " + volume.id + " was not found on the cluster (looked up by provider_id " +
                                          volume.provider_id.value_or("(none)") + " and by uuid in project " +
                                          (volume.project_id.empty() ? "(none)" : volume.project_id) + ")")
        .with_field(field);
  }
  return std::move(*found);
}

Volume SolidFireDriverImpl::data_snapshot_parent(const Snapshot& snapshot) const {
  Volume parent;
  if (snapshot.volume) parent = *snapshot.volume;
  if (parent.id.empty()) parent.id = snapshot.volume_id;
  if (parent.project_id.empty()) parent.project_id = snapshot.project_id;
  return parent;
}

std::optional<SolidFireDriverImpl::DataSnapshot> SolidFireDriverImpl::parse_snapshot(JsonView s) {
  auto id = s.int64("snapshotID");
  if (!id) return std::nullopt;
  SolidFireDriverImpl::DataSnapshot out;
  out.id = *id;
  out.volume_id = s.int64("volumeID").value_or(0);
  out.total_size = s.int64("totalSize").value_or(0);
  out.name = s.string_or("name", "");
  return out;
}

std::vector<SolidFireDriverImpl::DataSnapshot> SolidFireDriverImpl::data_list_snapshots(CallContext& ctx,
                                                                                        int64_t volume_id) {
  Json params = Json::object();
  params.set("volumeID", volume_id);
  Json result;
  try {
    result = client_->call(ctx, "ListSnapshots", params, kApi);
  } catch (const Error& e) {
    if (e.backend_error() == "xVolumeIDDoesNotExist") return {};
    throw;
  }
  std::vector<DataSnapshot> out;
  for (const JsonView item : result["snapshots"].items()) {
    if (auto s = parse_snapshot(item)) out.push_back(*s);
  }
  return out;
}

std::optional<SolidFireDriverImpl::DataSnapshot> SolidFireDriverImpl::data_find_snapshot(
    CallContext& ctx, const Snapshot& snapshot, std::optional<int64_t> volume_id) {
  // A member of a group snapshot carries the group snapshot's name (Element names members after it).
  const std::string name = volume_name(snapshot.id);
  const bool member = snapshot.group_snapshot_id && !snapshot.group_snapshot_id->empty();
  const std::string group_name = member ? volume_name(*snapshot.group_snapshot_id) : name;
  auto named = [&](const std::string& n) { return n == name || n == group_name; };
  if (snapshot.provider_id) {
    const auto tokens = util::split_ws(*snapshot.provider_id);
    // 0 = absent or unusable.
    const int64_t sid = tokens.empty() ? 0 : std::max<int64_t>(0, util::parse_int64(tokens[0]).value_or(0));
    const int64_t vid = tokens.size() < 2 ? 0 : std::max<int64_t>(0, util::parse_int64(tokens[1]).value_or(0));
    const bool other_cluster = tokens.size() >= 3 && tokens[2] != cluster().uuid;
    if (sid > 0 && !other_cluster) {
      Json params = Json::object();
      if (vid > 0) params.set("volumeID", vid);
      params.set("snapshotID", sid);
      Json result;
      try {
        result = client_->call(ctx, "ListSnapshots", params, kApi);
      } catch (const Error& e) {
        // The snapshot's volume is gone (purged): so is the snapshot.
        if (e.backend_error() != "xVolumeIDDoesNotExist") throw;
        return std::nullopt;
      }
      for (const JsonView item : result["snapshots"].items()) {
        auto s = parse_snapshot(item);
        if (!s || s->id != sid) continue;
        if (named(s->name) && (vid == 0 || s->volume_id == vid) && (!volume_id || s->volume_id == *volume_id)) return s;
        log_->warn("snapshotID {} from provider_id of snapshot {} is named '{}' on volumeID {}; not using it", sid,
                   snapshot.id, util::clean_utf8(s->name, 128), s->volume_id);
      }
    }
  }
  std::optional<int64_t> parent_id = volume_id;
  if (!parent_id) {
    auto parent = data_find_volume(ctx, data_snapshot_parent(snapshot));
    if (!parent) return std::nullopt;
    parent_id = parent->volume.id;
  }
  for (const auto& s : data_list_snapshots(ctx, *parent_id)) {
    if (named(s.name)) return s;
  }
  return std::nullopt;
}

void SolidFireDriverImpl::data_modify_volume(CallContext& ctx, const Json& params) {
  try {
    client_->call(ctx, "ModifyVolume", params, kApi);
  } catch (const OutcomeUnknownError& e) {
    // ModifyVolume sets absolute values: sending it again is safe.
    log_->warn("ModifyVolume lost its answer ({}); sending it again", e.message());
    client_->call(ctx, "ModifyVolume", params, kApi);
  }
}

}  // namespace solidfire
