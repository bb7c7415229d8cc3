#include "volume_lookup.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

#include "attributes.h"
#include "element_api.h"
#include "util.h"

namespace solidfire {

namespace {

FoundVolume found(const SfVolume& v, JsonView item) {
  return FoundVolume{v, attributes::copy(item), int_list(item["volumeAccessGroups"])};
}

std::string where_we_looked(const Volume& volume) {
  return "looked up by provider_id " + volume.provider_id.value_or("(none)") + " and by uuid in project " +
         (volume.project_id.empty() ? "(none)" : volume.project_id);
}

}  // namespace

VolumeLookup::VolumeLookup(ElementClient& client, AccountManager& accounts, const DriverConfig& config,
                           std::function<identity::Scope()> scope, std::shared_ptr<spdlog::logger> log)
    : client_(client), accounts_(accounts), config_(config), scope_(std::move(scope)), log_(std::move(log)) {}

std::optional<FoundVolume> VolumeLookup::by_id(CallContext& ctx, int64_t volume_id) {
  Json params = Json::object();
  params.set("startVolumeID", volume_id);
  params.set("limit", int64_t{1});
  Json item = client_.call(ctx, element::kListVolumes, params).take("volumes").take_item(0);  // owned: no copy
  auto v = parse_volume(item.view());
  if (!v || v->id != volume_id) return std::nullopt;  // purged: Element answered with the next volume
  std::vector<int64_t> groups = int_list(item.view()["volumeAccessGroups"]);
  return FoundVolume{*std::move(v), std::move(item), std::move(groups)};
}

SfVolume VolumeLookup::require_by_id(CallContext& ctx, int64_t volume_id) {
  auto v = by_id(ctx, volume_id);
  if (!v) throw Error(ErrorCode::kBackend, "volume " + std::to_string(volume_id) + " is not visible on the cluster");
  return v->volume;
}

std::optional<FoundVolume> VolumeLookup::by_provider_id(CallContext& ctx, const Volume& volume,
                                                        const identity::Scope& scope, identity::Deleted deleted) {
  const auto id = identity::provider_volume_id(volume, scope.cluster_uuid);
  if (!id) {
    if (volume.provider_id) {
      log_->info("provider_id of {} does not name a volume of this cluster; searching by account", volume.id);
    }
    return std::nullopt;
  }
  auto v = by_id(ctx, *id);
  if (!v) {
    log_->debug("volumeID {} from provider_id of {} is gone; searching by account", *id, volume.id);
    return std::nullopt;
  }
  if (identity::is(v->volume, volume, scope, deleted)) return v;
  if (!identity::is(v->volume, volume, scope, identity::Deleted::kPurgeLeftovers)) {
    log_->warn("volumeID {} from provider_id of {} belongs to another volume; not using it", *id, volume.id);
  }
  return std::nullopt;
}

std::vector<FoundVolume> VolumeLookup::in_accounts(CallContext& ctx, const Volume& volume,
                                                   const identity::Scope& scope, identity::Deleted deleted, bool all) {
  std::vector<FoundVolume> out;
  for_each_project_volume(ctx, volume.project_id, [&](JsonView item) {
    auto v = parse_volume(item);
    if (!v || !identity::is(*v, volume, scope, deleted)) return false;
    out.push_back(found(*v, item));
    return !all;
  });
  return out;
}

std::optional<FoundVolume> VolumeLookup::find(CallContext& ctx, const Volume& volume) {
  const identity::Scope scope = scope_();
  if (auto v = by_provider_id(ctx, volume, scope, identity::Deleted::kNeverMatch)) return v;
  auto matches = in_accounts(ctx, volume, scope, identity::Deleted::kNeverMatch, /*all=*/false);
  if (matches.empty()) return std::nullopt;
  return std::move(matches.front());
}

FoundVolume VolumeLookup::require(CallContext& ctx, const Volume& volume, const std::string& field,
                                  NotFoundNames names) {
  if (volume.id.empty()) throw Error(ErrorCode::kInvalidArgument, field + ".id is required").with_field(field + ".id");
  auto v = find(ctx, volume);
  if (!v) {
    throw Error(ErrorCode::kNotFound,
                "volume " + volume.id + " was not found on the cluster (" + where_we_looked(volume) + ")")
        .with_field(names == NotFoundNames::kId ? field + ".id" : field);
  }
  return std::move(*v);
}

std::vector<FoundVolume> VolumeLookup::require_many(CallContext& ctx, const std::vector<Volume>& volumes,
                                                    const std::string& field) {
  const identity::Scope scope = scope_();
  for (size_t i = 0; i < volumes.size(); ++i) {
    const std::string where = field + "[" + std::to_string(i) + "]";
    if (volumes[i].id.empty()) {
      throw Error(ErrorCode::kInvalidArgument, where + ".id is required").with_field(where + ".id");
    }
  }
  auto known = listed_by_provider_id(ctx, volumes, scope, identity::Deleted::kNeverMatch);
  std::vector<FoundVolume> out;
  for (size_t i = 0; i < volumes.size(); ++i) {
    const Volume& volume = volumes[i];
    if (known[i]) {
      out.push_back(std::move(*known[i]));
      continue;
    }
    // The provider_id did not lead to it: the project's accounts (without asking for that id again).
    auto matches = in_accounts(ctx, volume, scope, identity::Deleted::kNeverMatch, /*all=*/false);
    if (matches.empty()) {
      const std::string where = field + "[" + std::to_string(i) + "]";
      throw Error(ErrorCode::kNotFound, "volume " + volume.id + " (" + where + ") was not found on the cluster (" +
                                            where_we_looked(volume) + ")")
          .with_field(where);
    }
    out.push_back(std::move(matches.front()));
  }
  return out;
}

std::vector<std::optional<FoundVolume>> VolumeLookup::listed_by_provider_id(CallContext& ctx,
                                                                             const std::vector<Volume>& volumes,
                                                                             const identity::Scope& scope,
                                                                             identity::Deleted deleted) {
  std::vector<int64_t> wanted;
  for (const Volume& volume : volumes) {
    if (auto id = identity::provider_volume_id(volume, scope.cluster_uuid)) {
      if (std::find(wanted.begin(), wanted.end(), *id) == wanted.end()) wanted.push_back(*id);
    }
  }
  std::map<int64_t, FoundVolume> listed;
  if (!wanted.empty()) {
    Json params = Json::object();
    params.set("volumeIDs", Json::int_array(wanted));
    Json result = client_.call(ctx, element::kListVolumes, params);
    for (const JsonView item : result["volumes"].items()) {
      if (auto v = parse_volume(item)) listed[v->id] = found(*v, item);
    }
  }
  std::vector<std::optional<FoundVolume>> out(volumes.size());
  for (size_t i = 0; i < volumes.size(); ++i) {
    const auto id = identity::provider_volume_id(volumes[i], scope.cluster_uuid);
    const auto it = id ? listed.find(*id) : listed.end();
    if (it != listed.end() && identity::is(it->second.volume, volumes[i], scope, deleted)) {
      out[i] = FoundVolume{it->second.volume, it->second.raw.clone(), it->second.access_groups};
    }
  }
  return out;
}

std::vector<std::optional<FoundVolume>> VolumeLookup::by_provider_ids(CallContext& ctx,
                                                                       const std::vector<Volume>& volumes,
                                                                       identity::Deleted deleted) {
  return listed_by_provider_id(ctx, volumes, scope_(), deleted);
}

std::vector<FoundVolume> VolumeLookup::find_in_project(CallContext& ctx, const Volume& volume) {
  return in_accounts(ctx, volume, scope_(), identity::Deleted::kPurgeLeftovers, /*all=*/true);
}

std::vector<FoundVolume> VolumeLookup::find_with_leftovers(CallContext& ctx, const Volume& volume) {
  const identity::Scope scope = scope_();
  if (auto v = by_provider_id(ctx, volume, scope, identity::Deleted::kPurgeLeftovers)) {
    std::vector<FoundVolume> out;
    out.push_back(std::move(*v));
    return out;
  }
  return in_accounts(ctx, volume, scope, identity::Deleted::kPurgeLeftovers, /*all=*/true);
}

std::optional<SfVolume> VolumeLookup::by_name(CallContext& ctx, const std::string& name, int64_t account_id,
                                              const std::string& uuid) {
  Json params = Json::object();
  params.set("volumeName", name);
  params.set("accounts", Json::int_array({account_id}));
  Json result = client_.call(ctx, element::kListVolumes, params);
  std::optional<SfVolume> mine;
  // The id the name was made from: a migration pair (source and target) shares it as attributes.uuid.
  const std::string& prefix = config_.sf_volume_prefix;
  const std::string named_for = util::starts_with(name, prefix) ? name.substr(prefix.size()) : "";
  for (const JsonView item : result["volumes"].items()) {
    auto v = parse_volume(item);
    if (!v || v->deleted() || v->name != name) continue;
    if (identity::element_key(*v) == uuid) {
      if (!mine) mine = v;
      continue;
    }
    if (!named_for.empty() && v->uuid_attr == named_for) continue;  // the other half of a migration pair
    throw Error(ErrorCode::kAlreadyExists, "an active Element volume named " + name + " (volumeID " +
                                               std::to_string(v->id) + ") belongs to another volume")
        .with_field("volume.id");
  }
  return mine;
}

void VolumeLookup::for_each_volume(CallContext& ctx, const std::optional<std::string>& status,
                                   const std::function<void(JsonView)>& visit) {
  for (int64_t start = 0;;) {
    Json params = Json::object();
    if (status) params.set("volumeStatus", *status);
    params.set("startVolumeID", start);
    params.set("limit", element::kListVolumesPage);
    Json page = client_.call(ctx, element::kListVolumes, params);
    const auto volumes = page["volumes"].items();
    int64_t last_id = -1;
    for (const JsonView v : volumes) {
      visit(v);
      last_id = std::max(last_id, v.int64("volumeID").value_or(-1));
    }
    if (static_cast<int64_t>(volumes.size()) < element::kListVolumesPage) return;
    if (last_id < start) return;  // a full page that did not move forward: never loop on a bad cluster
    start = last_id + 1;
  }
}

void VolumeLookup::for_each_project_volume(CallContext& ctx, const std::string& project_id,
                                           const std::function<bool(JsonView)>& visit) {
  if (project_id.empty()) return;
  const std::string primary = account_username(config_, project_id);
  for (const std::string& username : {primary, primary + "_"}) {
    auto account = accounts_.find(ctx, username);
    if (!account) continue;
    Json params = Json::object();
    params.set("accountID", account->id);
    Json result;
    try {
      result = client_.call(ctx, element::kListVolumesForAccount, params);
    } catch (const Error& e) {
      if (e.backend_error() != element::err::kAccountIDDoesNotExist) throw;
      accounts_.invalidate(username);  // removed behind our back: the cached id is stale
      continue;
    }
    for (const JsonView item : result["volumes"].items()) {
      if (visit(item)) return;
    }
  }
}

}  // namespace solidfire
