// create_volume / delete_volume and the volume lookups behind them. Decisions:
// - Identity is the rule of volume_identity.h (provider_id, migration_uuid/uuid, exact name), never a
//   name substring; deleted-but-unpurged volumes never count as matches for create.
// - Idempotent create: ListVolumes{volumeName, accounts} first (endpoint 8.0); an active volume with
//   our uuid is returned as is; one with another uuid is ALREADY_EXISTS.
// - CreateVolume uses endpoint 8.0 (the minimum the driver needs anyway for ListVolumes; its result
//   carries the `volume` object on current Element versions; otherwise one ListVolumes by id).
// - Lost answer to CreateVolume: poll for our uuid every second up to sf_volume_create_timeout (and the
//   deadline), adopt what committed, and only then create again: never a duplicate.
// - Delete locates by provider_id with ListVolumes{startVolumeID, limit:1} and verifies id and uuid
//   (Element returns the NEXT volume when the id is gone), falls back to the project's accounts
//   (primary and "<name>_"), and treats "not there" as success.
#include <spdlog/spdlog.h>

#include "access_groups.h"
#include "driver_impl.h"
#include "qos.h"
#include "util.h"

namespace solidfire {

namespace {
constexpr size_t kMaxAttributesBytes = 999;  // Element: attributes JSON under 1000 bytes
constexpr int64_t kGiB = int64_t{1} << 30;

bool is_not_found(const Error& e, const char* name) { return e.backend_error() == name; }

// A migration target ("target:<source id>") is named after its source, like Cinder does, so that the
// volume keeps the name of the Cinder volume it ends up serving; it carries uuid = the source id and
// migration_uuid = its own id (lookups key on migration_uuid first: access_ops_common.cpp).
std::optional<std::string> migration_source(const Volume& volume) {
  if (!volume.migration_status || !util::starts_with(*volume.migration_status, "target:")) return std::nullopt;
  std::string source = util::trim(volume.migration_status->substr(7));
  if (source.empty() || source == volume.id) return std::nullopt;
  return source;
}

}  // namespace

Json SolidFireDriverImpl::volume_attributes(const Volume& volume) const {
  Json attrs = Json::object();
  attrs.set("uuid", volume.id);
  attrs.set("is_clone", false);
  attrs.set("created_at", volume.created_at.empty() ? util::utc_now_iso8601() : volume.created_at);
  if (volume.volume_type) {
    for (const auto& [key, value] : volume.volume_type->extra_specs) {
      if (util::starts_with(key, "SFAttribute:") && key.size() > 12) attrs.set(key.substr(12).c_str(), value);
    }
  }
  if (volume.display_name.empty()) {
    attrs.set_null("cinder-name");
  } else {
    attrs.set("cinder-name", util::clean_utf8(volume.display_name, 255));
  }
  // Keep the whole object under Element's 1000-byte limit by shortening the display name.
  std::string name = util::clean_utf8(volume.display_name, 255);
  while (attrs.print().size() > kMaxAttributesBytes && !name.empty()) {
    const size_t excess = attrs.print().size() - kMaxAttributesBytes;
    name = util::truncate_utf8(name, name.size() > excess ? name.size() - excess : 0);
    attrs.set("cinder-name", name);
  }
  if (attrs.print().size() > kMaxAttributesBytes) {
    throw Error(ErrorCode::kInvalidArgument,
                "volume attributes exceed Element's 1000-byte limit (too many or too long SFAttribute: specs)")
        .with_field("volume.volume_type.extra_specs");
  }
  return attrs;
}

SfAccount SolidFireDriverImpl::create_account_for(CallContext& ctx, const std::string& project_id) {
  const std::string primary = account_username(config_, project_id);
  SfAccount account = accounts_->get_or_create(ctx, primary);
  if (account.volume_count >= kMaxVolumesPerAccount) {
    // The cached count may be stale: re-read before moving to the secondary account.
    if (auto fresh = accounts_->find(ctx, primary, /*use_cache=*/false)) account = *fresh;
    if (account.volume_count >= kMaxVolumesPerAccount) {
      log_->info("account {} holds {} volumes; using secondary account {}_", primary, account.volume_count, primary);
      account = accounts_->get_or_create(ctx, primary + "_");
      if (account.volume_count >= kMaxVolumesPerAccount) {
        if (auto fresh = accounts_->find(ctx, primary + "_", /*use_cache=*/false)) account = *fresh;
      }
      if (account.volume_count >= kMaxVolumesPerAccount) {
        throw Error(ErrorCode::kResourceExhausted, "accounts " + primary + " and " + primary + "_ both hold " +
                                                       std::to_string(kMaxVolumesPerAccount) +
                                                       " or more volumes; no room for another volume of project " +
                                                       project_id)
            .with_field("volume.project_id");
      }
    }
  }
  return account;
}

std::optional<SfVolume> SolidFireDriverImpl::find_by_name(CallContext& ctx, const std::string& name,
                                                          int64_t account_id, const std::string& uuid) {
  Json params = Json::object();
  params.set("volumeName", name);
  params.set("accounts", Json::int_array({account_id}));
  Json result = client_->call(ctx, "ListVolumes", params, "8.0");
  std::optional<SfVolume> mine;
  // The id the name was made from: a migration pair (source and target) shares it as attributes.uuid.
  const std::string named_for =
      util::starts_with(name, config_.sf_volume_prefix) ? name.substr(config_.sf_volume_prefix.size()) : "";
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

SfVolume SolidFireDriverImpl::volume_by_id(CallContext& ctx, int64_t volume_id) {
  Json params = Json::object();
  params.set("startVolumeID", volume_id);
  params.set("limit", int64_t{1});
  Json result = client_->call(ctx, "ListVolumes", params, "8.0");
  auto v = parse_volume(result["volumes"].at(0));
  if (!v || v->id != volume_id) {
    throw Error(ErrorCode::kBackend, "volume " + std::to_string(volume_id) + " is not visible on the cluster");
  }
  return *v;
}

SfVolume SolidFireDriverImpl::create_with_recovery(CallContext& ctx, const Volume& volume, const SfAccount& account,
                                                   const Json& params) {
  const std::string name = volume_name(migration_source(volume).value_or(volume.id));
  auto from_result = [&](const Json& result) -> SfVolume {
    if (auto v = parse_volume(result["volume"])) return *v;
    auto id = result.view().int64("volumeID");
    if (!id) throw Error(ErrorCode::kBackend, "unexpected reply from cluster to CreateVolume: no volumeID");
    return volume_by_id(ctx, *id);
  };

  try {
    return from_result(client_->call(ctx, "CreateVolume", params, "8.0"));
  } catch (const OutcomeUnknownError& e) {
    log_->warn("CreateVolume for {} lost its answer ({}); checking whether it committed", volume.id, e.message());
  }

  using std::chrono::milliseconds;
  const auto window = std::chrono::seconds(config_.sf_volume_create_timeout);
  const auto started = clock_->now();
  for (int64_t polls = 0;; ++polls) {
    try {
      if (auto v = find_by_name(ctx, name, account.id, volume.id)) {
        log_->info("CreateVolume for {} had committed as volumeID {}; adopting it", volume.id, v->id);
        return *v;
      }
    } catch (const Error& pe) {
      if (pe.code() != ErrorCode::kUnavailable && pe.code() != ErrorCode::kTimeout) throw;
      log_->debug("lookup after a lost CreateVolume failed: {}", pe.message());
    }
    const auto elapsed = std::chrono::duration_cast<milliseconds>(clock_->now() - started);
    ctx.progress(static_cast<uint64_t>(elapsed.count() / 1000), static_cast<uint64_t>(window.count()),
                 "waiting for a volume create whose answer was lost");
    if (elapsed + milliseconds(1000) > window) break;
    const auto left = util::time_left(ctx, *clock_);
    if (left <= milliseconds(1000)) {
      throw OutcomeUnknownError(ErrorCode::kTimeout, "CreateVolume for " + volume.id +
                                                         ": answer lost and the deadline came before the volume "
                                                         "appeared; outcome unknown");
    }
    util::wait_for(ctx, *clock_, milliseconds(1000), "a volume create whose answer was lost");
  }
  log_->warn("no volume for {} appeared within {} s; issuing CreateVolume again", volume.id, window.count());
  return from_result(client_->call(ctx, "CreateVolume", params, "8.0"));
}

ModelUpdate SolidFireDriverImpl::create_volume(CallContext& ctx, const Volume& volume) {
  const ClusterInfo cl = cluster();
  if (volume.id.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "volume.id is required").with_field("volume.id");
  }
  if (volume.size_gib < 1 || volume.size_gib > kMaxVolumeSizeGib) {
    throw Error(ErrorCode::kInvalidArgument, "volume.size must be between 1 and 16384 GiB, got " +
                                                 std::to_string(volume.size_gib))
        .with_field("volume.size");
  }
  const auto source = migration_source(volume);
  const std::string name = volume_name(source.value_or(volume.id));
  if (name.size() > kElementNameMax) {
    throw Error(ErrorCode::kInvalidArgument, "volume name " + util::clean_utf8(name, 128) +
                                                 " exceeds Element's 64 characters")
        .with_field("volume.id");
  }
  std::vector<std::string> notes;
  const QosSpec qos = volume_qos(config_, volume, &notes);
  for (const auto& n : notes) log_->warn("volume {}: {}", volume.id, n);
  Json attributes = volume_attributes(volume);
  if (source) {
    attributes.set("uuid", *source);
    attributes.set("migration_uuid", volume.id);
    if (!access::fit_attributes(attributes, {"cinder-name"})) {
      throw Error(ErrorCode::kInvalidArgument, "volume attributes exceed Element's 1000-byte limit")
          .with_field("volume.volume_type.extra_specs");
    }
  }

  for (int round = 0;; ++round) {
    const SfAccount account = create_account_for(ctx, volume.project_id);
    try {
      if (auto existing = find_by_name(ctx, name, account.id, volume.id)) {
        log_->info("volume {} already exists as volumeID {}; returning it", volume.id, existing->id);
        return model_update(cl, account, *existing);
      }
      Json params = Json::object();
      params.set("name", name);
      params.set("accountID", account.id);
      params.set("totalSize", volume.size_gib * kGiB);
      params.set("enable512e", config_.sf_emulate_512);
      params.set("attributes", attributes.clone());
      // Partial QoS completed against Element's defaults so that min <= max <= burst holds.
      params.set("qos", qos.empty() ? qos.to_json() : complete_qos(qos, element_default_qos()).to_json());
      const SfVolume created = create_with_recovery(ctx, volume, account, params);
      accounts_->note_volume_created(account.username);
      log_->info("created volume {} as volumeID {} in account {}", volume.id, created.id, account.username);
      return model_update(cl, account, created);
    } catch (const Error& e) {
      // A cached account that was removed behind our back: forget it and start over once.
      if (round == 0 && is_not_found(e, "xAccountIDDoesNotExist")) {
        accounts_->invalidate(account.username);
        continue;
      }
      throw;
    }
  }
}

std::optional<SfVolume> SolidFireDriverImpl::find_by_provider_id(CallContext& ctx, const Volume& volume) {
  if (!volume.provider_id) return std::nullopt;
  const identity::Scope scope = identity_scope();
  const auto id = identity::provider_volume_id(volume, scope.cluster_uuid);
  if (!id) {
    log_->info("provider_id of {} does not name a volume of cluster {}; searching by account", volume.id,
               scope.cluster_uuid);
    return std::nullopt;
  }
  Json params = Json::object();
  params.set("startVolumeID", *id);
  params.set("limit", int64_t{1});
  Json result = client_->call(ctx, "ListVolumes", params, "8.0");
  auto v = parse_volume(result["volumes"].at(0));
  if (!v || v->id != *id) {
    log_->debug("volumeID {} from provider_id of {} is gone", *id, volume.id);
    return std::nullopt;
  }
  if (!identity::is(*v, volume, scope)) {
    log_->warn("volumeID {} from provider_id of {} is not that volume (deleted or another's); not using it", *id,
               volume.id);
    return std::nullopt;
  }
  return v;
}

void SolidFireDriverImpl::for_each_project_volume(CallContext& ctx, const std::string& project_id,
                                                  const std::function<bool(JsonView)>& visit) {
  if (project_id.empty()) return;
  const std::string primary = account_username(config_, project_id);
  for (const std::string& username : {primary, primary + "_"}) {
    auto account = accounts_->find(ctx, username);
    if (!account) continue;
    Json params = Json::object();
    params.set("accountID", account->id);
    Json result;
    try {
      result = client_->call(ctx, "ListVolumesForAccount", params, "1.0");
    } catch (const Error& e) {
      if (!is_not_found(e, "xAccountIDDoesNotExist")) throw;
      accounts_->invalidate(username);  // removed behind our back: the cached id is stale
      continue;
    }
    for (const JsonView item : result["volumes"].items()) {
      if (visit(item)) return;
    }
  }
}

std::vector<SfVolume> SolidFireDriverImpl::find_in_accounts(CallContext& ctx, const Volume& volume) {
  std::vector<SfVolume> out;
  const identity::Scope scope = identity_scope();
  for_each_project_volume(ctx, volume.project_id, [&](JsonView item) {
    auto v = parse_volume(item);
    if (v && identity::is(*v, volume, scope)) out.push_back(*v);
    return false;
  });
  return out;
}

void SolidFireDriverImpl::remove_volume(CallContext& ctx, const SfVolume& sf_volume) {
  SfVolume v = sf_volume;
  for (int round = 0; round < 3; ++round) {
    Json params = Json::object();
    params.set("volumeID", v.id);
    try {
      if (!v.deleted()) client_->call(ctx, "DeleteVolume", params, "1.0");
      client_->call(ctx, "PurgeDeletedVolume", params, "1.0");
      log_->info("deleted and purged volumeID {}", v.id);
      return;
    } catch (const OutcomeUnknownError& e) {
      log_->warn("removing volumeID {}: {}; re-reading its state", v.id, e.message());
    } catch (const Error& e) {
      if (is_not_found(e, "xVolumeIDDoesNotExist")) {
        log_->info("volumeID {} disappeared while deleting it; nothing left to do", v.id);
        return;
      }
      throw;
    }
    Json q = Json::object();
    q.set("startVolumeID", v.id);
    q.set("limit", int64_t{1});
    Json result = client_->call(ctx, "ListVolumes", q, "8.0");
    auto now = parse_volume(result["volumes"].at(0));
    if (!now || now->id != v.id) return;  // purged
    v = *now;
  }
  throw Error(ErrorCode::kUnavailable, "could not confirm the deletion of volumeID " + std::to_string(v.id))
      .with_retryable(true);
}

void SolidFireDriverImpl::delete_volume(CallContext& ctx, const Volume& volume) {
  (void)cluster();
  if (volume.id.empty()) throw Error(ErrorCode::kInvalidArgument, "volume.id is required").with_field("volume.id");
  // provider_id first, then the project's primary and secondary accounts (the identity rule of
  // volume_identity.h, deleted leftovers included so they get purged), keeping each volume's volumeAccessGroups:
  // a volume still in VAGs leaves them before it is deleted (LP#1817611).
  const auto targets = access_locate(ctx, volume, /*all=*/true);
  if (targets.empty()) {
    log_->info("volume {} not found on the cluster; treating delete as done", volume.id);
    return;
  }
  for (const auto& t : targets) {
    if (!t.access_groups.empty() && !t.volume.deleted()) vag_revoke(ctx, t.volume.id, t.access_groups);
    remove_volume(ctx, t.volume);
  }
}

}  // namespace solidfire
