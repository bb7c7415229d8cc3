// Volume lookups for the access and administration operations, and the helpers of
// access_ops_common.h. A lookup costs one ListVolumes{startVolumeID, limit:1} when the provider_id is
// good (id verified: Element returns the NEXT volume when the id is gone; identity verified by the rule
// of volume_identity.h), otherwise one ListVolumesForAccount per existing tenant account (primary and
// secondary "<name>_"): never a cluster-wide listing.
#include "access_groups.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "driver_impl.h"
#include "util.h"

namespace solidfire {

namespace access {

bool Vag::has_initiator(const std::string& iqn) const {
  const std::string lc = util::to_lower(iqn);
  return std::find(initiators.begin(), initiators.end(), lc) != initiators.end();
}

bool Vag::has_volume(int64_t volume_id) const {
  return std::find(volumes.begin(), volumes.end(), volume_id) != volumes.end();
}

std::vector<int64_t> int_list(JsonView array) {
  std::vector<int64_t> out;
  for (const JsonView item : array.items()) {
    if (auto n = item.as_int64()) out.push_back(*n);
  }
  return out;
}

bool truthy(JsonView v) {
  if (!v.valid()) return false;
  if (auto b = v.as_bool()) return *b;
  if (auto n = v.as_double()) return *n != 0;
  return false;
}

std::optional<Vag> parse_vag(JsonView v) {
  auto id = v.int64("volumeAccessGroupID");
  if (!id) return std::nullopt;
  Vag g;
  g.id = *id;
  g.name = v.string_or("name", "");
  for (const JsonView i : v["initiators"].items()) {
    if (auto s = i.as_string()) g.initiators.push_back(util::to_lower(*s));
  }
  g.volumes = int_list(v["volumes"]);
  g.deleted_volumes = int_list(v["deletedVolumes"]);
  const JsonView attrs = v["attributes"];
  g.openstack = attrs.is_object() && truthy(attrs["openstack"]);
  return g;
}

std::vector<Vag> parse_vags(JsonView list) {
  std::vector<Vag> out;
  for (const JsonView item : list.items()) {
    if (auto g = parse_vag(item)) out.push_back(std::move(*g));
  }
  return out;
}

Json object_copy(JsonView v) {
  if (v.is_object()) return Json(cJSON_Duplicate(v.raw(), 1));
  return Json::object();
}

size_t printed_size(const Json& j) { return j.print().size(); }

bool fit_attributes(Json& attrs, const std::vector<const char*>& droppable) {
  for (const char* key : droppable) {
    if (printed_size(attrs) <= kMaxAttributesBytes) return true;
    (void)attrs.take(key);
  }
  return printed_size(attrs) <= kMaxAttributesBytes;
}

}  // namespace access

std::vector<SolidFireDriverImpl::AccessVolume> SolidFireDriverImpl::access_locate(CallContext& ctx,
                                                                                  const Volume& volume, bool all) {
  std::vector<AccessVolume> out;
  auto keep = [&](JsonView item) {
    auto v = parse_volume(item);
    if (!v) return;
    AccessVolume av;
    av.volume = *v;
    av.raw = access::object_copy(item);
    av.access_groups = access::int_list(item["volumeAccessGroups"]);
    out.push_back(std::move(av));
  };

  // The identity rule (volume_identity.h); `all` also sees deleted leftovers, for delete to purge them.
  const identity::Scope scope = identity_scope();
  const auto deleted = all ? identity::Deleted::kPurgeLeftovers : identity::Deleted::kNeverMatch;

  // 1. provider_id "<volumeID> <accountID> <clusterUUID>".
  if (const auto id = identity::provider_volume_id(volume, scope.cluster_uuid)) {
    Json params = Json::object();
    params.set("startVolumeID", *id);
    params.set("limit", int64_t{1});
    Json result = client_->call(ctx, "ListVolumes", params, "8.0");
    const JsonView item = result["volumes"].at(0);
    auto v = parse_volume(item);
    if (v && v->id == *id && identity::is(*v, volume, scope, deleted)) {
      keep(item);
      return out;
    }
    if (v && v->id == *id && !identity::is(*v, volume, scope, identity::Deleted::kPurgeLeftovers)) {
      log_->warn("volumeID {} from provider_id of {} belongs to another volume; not using it", *id, volume.id);
    }
  } else if (volume.provider_id) {
    log_->info("provider_id of {} does not name a volume of this cluster; searching by account", volume.id);
  }

  // 2. The project's accounts.
  for_each_project_volume(ctx, volume.project_id, [&](JsonView item) {
    auto v = parse_volume(item);
    if (v && identity::is(*v, volume, scope, deleted)) keep(item);
    return false;
  });
  if (!all && out.size() > 1) {
    log_->warn("{} active Element volumes belong to volume {}; using volumeID {}", out.size(), volume.id,
               out.front().volume.id);
  }
  return out;
}

std::optional<SolidFireDriverImpl::AccessVolume> SolidFireDriverImpl::access_find(CallContext& ctx,
                                                                                  const Volume& volume) {
  auto found = access_locate(ctx, volume, /*all=*/false);
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

SolidFireDriverImpl::AccessVolume SolidFireDriverImpl::access_require(CallContext& ctx, const Volume& volume) {
  if (volume.id.empty()) throw Error(ErrorCode::kInvalidArgument, "volume.id is required").with_field("volume.id");
  auto found = access_find(ctx, volume);
  if (!found) {
    throw Error(ErrorCode::kNotFound, "volume " + volume.id + " was not found on the cluster").with_field("volume.id");
  }
  return std::move(*found);
}

void SolidFireDriverImpl::access_modify_attributes(CallContext& ctx, int64_t volume_id, const Json& attributes) {
  Json params = Json::object();
  params.set("volumeID", volume_id);
  params.set("attributes", attributes.clone());
  client_->call(ctx, "ModifyVolume", params, "8.0");
}

}  // namespace solidfire
