// The volume family: create_volume, delete_volume, extend_volume, retype, and the volume writes the
// other operations share (attributes of a new volume, the tenant account of a new volume, remove,
// modify). Decisions:
// - Identity is the rule of volume_identity.h, applied by the lookup (volume_lookup.h); never a name
//   substring; deleted-but-unpurged volumes never count as matches for create.
// - Idempotent create: ListVolumes{volumeName, accounts} first; an active volume with our uuid is
//   returned as is; one with another uuid is ALREADY_EXISTS.
// - CreateVolume's result carries the `volume` object on current Element versions; otherwise one
//   ListVolumes by id.
// - Lost answer to CreateVolume: poll for our uuid every second up to sf_volume_create_timeout (and the
//   deadline), adopt what committed, and only then create again: never a duplicate.
// - Delete finds every volume that is the Cinder volume (deleted leftovers included), takes it out of
//   its access groups and purges it; "not there" is success.
// - extend: ModifyVolume totalSize; when the type's QoS scales with size (scaledIOPS), the QoS is
//   recomputed for the new size and sent in the same call (Cinder 2.0.6 forgot). Shrinking is refused.
// - retype: the new type's QoS (qos_specs > scoped > unscoped extra specs; tenant metadata QoS when
//   allowed and the type has none) and its SFAttribute:<key> extra specs (the old type's ones are
//   removed), plus retyped_at, in ONE ModifyVolume. A type without any QoS puts Element's defaults back
//   (Cinder left the old type's QoS in place). An invalid QoS spec or attributes over Element's limit
//   are INVALID_ARGUMENT before anything changes. Returns {retyped: true, model_update: null}.
#include <spdlog/spdlog.h>

#include "attributes.h"
#include "driver_impl.h"
#include "element_api.h"
#include "qos.h"
#include "util.h"
#include "volume_removal.h"

namespace solidfire {

namespace {

// "SFAttribute:<name>" extra specs become attribute <name> of the volume.
std::optional<std::string> sf_attribute(const std::string& spec_key) {
  constexpr std::string_view kPrefix = "SFAttribute:";
  if (!util::starts_with(spec_key, kPrefix) || spec_key.size() == kPrefix.size()) return std::nullopt;
  return spec_key.substr(kPrefix.size());
}

// A migration target ("target:<source id>") is named after its source, like Cinder does, so that the
// volume keeps the name of the Cinder volume it ends up serving; it carries uuid = the source id and
// migration_uuid = its own id (lookups key on migration_uuid first: volume_identity.h).
std::optional<std::string> migration_source(const Volume& volume) {
  if (!volume.migration_status || !util::starts_with(*volume.migration_status, "target:")) return std::nullopt;
  std::string source = util::trim(volume.migration_status->substr(7));
  if (source.empty() || source == volume.id) return std::nullopt;
  return source;
}

}  // namespace

ModelUpdate SolidFireDriverImpl::create_volume(CallContext& ctx, const Volume& volume) {
  refuse_if_frozen("create_volume");
  const ClusterInfo cl = cluster();
  const auto source = migration_source(volume);
  const std::string name = volume_name(source.value_or(volume.id));
  validate_new_volume(volume, name, "volume");
  std::vector<std::string> notes;
  const QosSpec qos = volume_qos(config_, volume, &notes);
  for (const auto& n : notes) log_->warn("volume {}: {}", volume.id, n);
  Json attributes = volume_attributes(volume);
  if (source) {
    attributes.set("uuid", *source);
    attributes.set("migration_uuid", volume.id);
    if (!attributes::drop_to_fit(attributes, {"cinder-name"})) {
      throw Error(ErrorCode::kInvalidArgument, "volume attributes exceed Element's 1000-byte limit")
          .with_field("volume.volume_type.extra_specs");
    }
  }

  const auto replication = replication_mode(volume.volume_type, "volume.volume_type.extra_specs");

  return with_new_volume_account(ctx, volume.project_id, [&](const SfAccount& account) {
    Json params = Json::object();
    params.set("name", name);
    params.set("accountID", account.id);
    params.set("totalSize", volume.size_gib * element::kGiB);
    params.set("enable512e", config_.sf_emulate_512);
    params.set("attributes", attributes.clone());
    // Partial QoS completed against Element's defaults so that min <= max <= burst holds.
    params.set("qos", qos.empty() ? qos.to_json() : complete_qos(qos, element_default_qos()).to_json());
    SfVolume made;
    bool made_now = false;
    if (auto existing = lookup_->by_name(ctx, name, account.id, volume.id)) {
      log_->info("volume {} already exists as volumeID {}; returning it", volume.id, existing->id);
      made = *existing;
    } else {
      made = create_with_recovery(ctx, volume, account, params);
      made_now = true;
      accounts_->note_volume_created(account.username);
      log_->info("created volume {} as volumeID {} in account {}", volume.id, made.id, account.username);
    }
    ModelUpdate update = model_update(cl, account, made);
    if (replication) replicate_new_volume(ctx, volume, made, made_now, account, *replication, params, update);
    return update;
  });
}

SfVolume SolidFireDriverImpl::create_with_recovery(CallContext& ctx, const Volume& volume, const SfAccount& account,
                                                   const Json& params) {
  const std::string name = volume_name(migration_source(volume).value_or(volume.id));
  auto from_result = [&](const Json& result) -> SfVolume {
    if (auto v = parse_volume(result["volume"])) return *v;
    auto id = result.view().int64("volumeID");
    if (!id) throw Error(ErrorCode::kBackend, "unexpected reply from cluster to CreateVolume: no volumeID");
    return lookup_->require_by_id(ctx, *id);
  };

  try {
    return from_result(client_->call(ctx, element::kCreateVolume, params));
  } catch (const OutcomeUnknownError& e) {
    log_->warn("CreateVolume for {} lost its answer ({}); checking whether it committed", volume.id, e.message());
  }

  using std::chrono::milliseconds;
  const auto window = std::chrono::seconds(config_.sf_volume_create_timeout);
  const auto started = clock_->now();
  for (int64_t polls = 0;; ++polls) {
    try {
      if (auto v = lookup_->by_name(ctx, name, account.id, volume.id)) {
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
      throw OutcomeUnknownError("CreateVolume for " + volume.id +
                                ": answer lost and the deadline came before the volume appeared; outcome unknown");
    }
    util::wait_for(ctx, *clock_, milliseconds(1000), "a volume create whose answer was lost");
  }
  log_->warn("no volume for {} appeared within {} s; issuing CreateVolume again", volume.id, window.count());
  return from_result(client_->call(ctx, element::kCreateVolume, params));
}

void SolidFireDriverImpl::delete_volume(CallContext& ctx, const Volume& volume) {
  refuse_if_frozen("delete_volume");
  require_setup();
  if (volume.id.empty()) throw Error(ErrorCode::kInvalidArgument, "volume.id is required").with_field("volume.id");
  // provider_id first, then the project's primary and secondary accounts (the identity rule of
  // volume_identity.h, deleted leftovers included so they get purged), keeping each volume's volume
  // access groups:
  // a volume still in VAGs leaves them before it is deleted (LP#1817611).
  remove_found(ctx, volume, lookup_->find_with_leftovers(ctx, volume));
}

void SolidFireDriverImpl::remove_found(CallContext& ctx, const Volume& volume, const std::vector<FoundVolume>& targets) {
  if (targets.empty()) {
    log_->info("volume {} not found on the cluster; treating delete as done", volume.id);
    return;
  }
  for (const auto& t : targets) {
    if (!t.access_groups.empty() && !t.volume.deleted()) {
      vag_revoke(ctx, t.volume.id, access::list_vags(*client_, ctx, t.access_groups));
    }
    unreplicate_volume(ctx, t.volume);  // the target copy first: nothing replicates into a purged volume
    remove_volume(ctx, t.volume);
  }
}

void SolidFireDriverImpl::extend_volume(CallContext& ctx, const Volume& volume, int64_t new_size_gib) {
  refuse_if_frozen("extend_volume");
  require_setup();
  if (new_size_gib < 1 || new_size_gib > element::kMaxVolumeSizeGiB) {
    throw Error(ErrorCode::kInvalidArgument, "new_size must be between 1 and 16384 GiB, got " +
                                                 std::to_string(new_size_gib))
        .with_field("new_size");
  }
  // QoS at the new size, and whether it depends on the size at all (scaled IOPS). Validated before
  // any RPC: an invalid spec changes nothing.
  std::vector<std::string> notes;
  Volume at_new = volume;
  at_new.size_gib = new_size_gib;
  Volume at_one = volume;
  at_one.size_gib = 1;
  const QosSpec qos_new = volume_qos(config_, at_new, &notes);
  const bool scaled = qos_new != volume_qos(config_, at_one);
  for (const auto& n : notes) log_->warn("volume {}: {}", volume.id, n);

  const FoundVolume target = lookup_->require(ctx, volume, "volume");
  const int64_t new_bytes = new_size_gib * element::kGiB;
  if (new_bytes < target.volume.total_size) {
    throw Error(ErrorCode::kInvalidArgument, "new_size " + std::to_string(new_size_gib) +
                                                 " GiB is smaller than the volume's current size (" +
                                                 std::to_string(element::gib_ceil(target.volume.total_size)) +
                                                 " GiB); volumes cannot shrink")
        .with_field("new_size");
  }
  // A replicated volume's copy grows first: Element pauses a pair whose target is smaller.
  if (!target.volume.pairs.empty() && replica_) {
    on_copies(ctx, "growing the copy of volumeID " + std::to_string(target.volume.id),
              [&](VolumePairing& p) { p.extend_targets(ctx, target.volume, new_bytes); });
  }
  Json params = Json::object();
  params.set("volumeID", target.volume.id);
  params.set("totalSize", new_bytes);
  if (scaled) params.set("qos", complete_qos(qos_new, element_default_qos()).to_json());
  modify_volume(ctx, params);
  log_->info("extended volume {} (volumeID {}) to {} GiB{}", volume.id, target.volume.id, new_size_gib,
             scaled ? " with QoS scaled to the new size" : "");
}

RetypeResult SolidFireDriverImpl::retype(CallContext& ctx, const Volume& volume, const VolumeType& new_type) {
  refuse_if_frozen("retype");
  require_setup();
  Volume typed = volume;
  typed.volume_type = new_type;
  std::vector<std::string> notes;
  std::optional<QosSpec> qos;
  // With the size known, the QoS is checked before any RPC; otherwise after the (read-only) lookup.
  // The new type arrives as the request's "new_type": errors name its keys there.
  if (typed.size_gib > 0) {
    qos = volume_qos(config_, typed, &notes, "new_type");
  } else {
    Volume probe = typed;
    probe.size_gib = 1;
    (void)volume_qos(config_, probe, nullptr, "new_type");
  }
  const auto replication = replication_mode(std::optional<VolumeType>(new_type), "new_type.extra_specs");
  const FoundVolume target = lookup_->require(ctx, volume, "volume");
  if (!qos) {
    typed.size_gib = std::max<int64_t>(1, element::gib_ceil(target.volume.total_size));
    qos = volume_qos(config_, typed, &notes, "new_type");
  }
  for (const auto& n : notes) log_->warn("volume {}: {}", volume.id, n);

  Json attrs = attributes::copy(target.raw["attributes"]);
  if (volume.volume_type) {
    for (const auto& [key, value] : volume.volume_type->extra_specs) {
      if (auto name = sf_attribute(key); name && !new_type.extra_specs.count(key)) (void)attrs.take(name->c_str());
    }
  }
  for (const auto& [key, value] : new_type.extra_specs) {
    if (auto name = sf_attribute(key)) attrs.set(name->c_str(), value);
  }
  attrs.set("retyped_at", util::utc_now_iso8601());
  if (!attributes::shorten_to_fit(attrs, "cinder-name")) {
    throw Error(ErrorCode::kInvalidArgument,
                "the volume's attributes with the SFAttribute: specs of type " + util::clean_utf8(new_type.name, 64) +
                    " exceed Element's 1000-byte limit")
        .with_field("new_type.extra_specs");
  }
  const QosSpec full = complete_qos(qos->empty() ? element_default_qos() : *qos, element_default_qos());

  Json target_params = Json::object();  // a new replication target copy: same name, size and settings
  target_params.set("name", target.volume.name);
  target_params.set("totalSize", target.volume.total_size);
  target_params.set("enable512e", target.volume.enable512e);
  target_params.set("attributes", attrs.clone());
  target_params.set("qos", full.to_json());

  Json params = Json::object();
  params.set("volumeID", target.volume.id);
  params.set("attributes", std::move(attrs));
  params.set("qos", full.to_json());
  modify_volume(ctx, params);
  log_->info("retyped volume {} (volumeID {}) to type {} (QoS {}/{}/{})", volume.id, target.volume.id,
             util::clean_utf8(new_type.name.empty() ? new_type.id : new_type.name, 64), *full.min_iops,
             *full.max_iops, *full.burst_iops);
  RetypeResult r;
  r.retyped = true;

  // Replication in, out, or to another mode; what Element has decides, not the old type.
  const bool paired = !target.volume.pairs.empty();
  if (replication && !paired) {
    ModelUpdate update;
    const SfAccount account = accounts_->get_or_create(ctx, account_username(config_, volume.project_id));
    SfAccount owner = account;
    if (account.id != target.volume.account_id) {
      // The volume may live in the project's secondary account: mirror the account that owns it.
      if (auto other = accounts_->find(ctx, account.username + "_"); other && other->id == target.volume.account_id) {
        owner = *other;
      }
    }
    replicate_new_volume(ctx, volume, target.volume, false, owner, *replication, target_params, update);
    r.model_update = update;
  } else if (replication && paired) {
    const SfVolumePair& pair = target.volume.pairs.front();
    if (pair.mode != *replication) pairing().change_mode(ctx, target.volume, *replication);
    ModelUpdate update;
    update.replication_status = "enabled";
    update.replication_driver_data = replication_data(pair.remote_volume_id, *replication);
    r.model_update = update;
  } else if (!replication && paired) {
    unreplicate_volume(ctx, target.volume);
    ModelUpdate update;
    update.replication_status = "disabled";
    update.replication_driver_data = "";
    r.model_update = update;
  }
  return r;
}

// --- volume writes shared by the operations

Json SolidFireDriverImpl::volume_attributes(const Volume& volume) const {
  Json attrs = Json::object();
  attrs.set("uuid", volume.id);
  attrs.set("is_clone", false);
  attrs.set("created_at", volume.created_at.empty() ? util::utc_now_iso8601() : volume.created_at);
  if (volume.volume_type) {
    for (const auto& [key, value] : volume.volume_type->extra_specs) {
      if (auto name = sf_attribute(key)) attrs.set(name->c_str(), value);
    }
  }
  if (volume.display_name.empty()) {
    attrs.set_null("cinder-name");
  } else {
    attrs.set("cinder-name", util::clean_utf8(volume.display_name, 255));
  }
  // Keep the whole object under Element's 1000-byte limit by shortening the display name.
  if (!attributes::shorten_to_fit(attrs, "cinder-name")) {
    throw Error(ErrorCode::kInvalidArgument,
                "volume attributes exceed Element's 1000-byte limit (too many or too long SFAttribute: specs)")
        .with_field("volume.volume_type.extra_specs");
  }
  return attrs;
}

void SolidFireDriverImpl::validate_new_volume(const Volume& volume, const std::string& name,
                                              const std::string& field) const {
  if (volume.id.empty()) throw Error(ErrorCode::kInvalidArgument, field + ".id is required").with_field(field + ".id");
  if (volume.size_gib < 1 || volume.size_gib > element::kMaxVolumeSizeGiB) {
    throw Error(ErrorCode::kInvalidArgument, field + ".size must be between 1 and 16384 GiB, got " +
                                                 std::to_string(volume.size_gib))
        .with_field(field + ".size");
  }
  if (name.size() > element::kMaxNameLength) {
    throw Error(ErrorCode::kInvalidArgument, field + ".id is too long: the Element volume name made from it (" +
                                                 std::to_string(name.size()) + " characters, " +
                                                 util::clean_utf8(name, 64) + "...) exceeds Element's 64 characters")
        .with_field(field + ".id");
  }
  // The tenant account's name is made from the project id: refused here, naming this request's field.
  (void)account_username(config_, volume.project_id, field + ".project_id");
}

SfAccount SolidFireDriverImpl::account_for_new_volume(CallContext& ctx, const std::string& project_id) {
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

ModelUpdate SolidFireDriverImpl::with_new_volume_account(CallContext& ctx, const std::string& project_id,
                                                         const std::function<ModelUpdate(const SfAccount&)>& body) {
  for (int round = 0;; ++round) {
    const SfAccount account = account_for_new_volume(ctx, project_id);
    try {
      return body(account);
    } catch (const Error& e) {
      if (round == 0 && e.backend_error() == element::err::kAccountIDDoesNotExist) {
        accounts_->invalidate(account.username);
        continue;
      }
      throw;
    }
  }
}

void SolidFireDriverImpl::remove_volume(CallContext& ctx, const SfVolume& sf_volume) {
  remove_element_volume(ctx, *client_, *lookup_, sf_volume, *log_);
}

void SolidFireDriverImpl::modify_volume(CallContext& ctx, const Json& params) {
  client_->call_repeatable(ctx, element::kModifyVolume, params);  // absolute values
}

void SolidFireDriverImpl::modify_attributes(CallContext& ctx, int64_t volume_id, const Json& attributes) {
  Json params = Json::object();
  params.set("volumeID", volume_id);
  params.set("attributes", attributes.clone());
  client_->call(ctx, element::kModifyVolume, params);
}

}  // namespace solidfire
