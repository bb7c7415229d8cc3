// manage_existing / manage_existing_get_size / unmanage / accept_transfer. Decisions (Cinder 2.2.5
// differs):
// - "source-id": ListVolumes{startVolumeID, limit:1} and the returned id is VERIFIED (Cinder takes
//   whatever volume comes next when the id is gone); "name": ListVolumes{volumeName} must yield
//   exactly one ACTIVE volume of that exact name (several -> INVALID_ARGUMENT, use source-id). Both
//   given: they must name the same volume. Missing -> NOT_FOUND; not active (deleted, cloning) ->
//   FAILED_PRECONDITION; a volume another Cinder volume manages (its uuid attribute is another id, its
//   name is "<prefix><that id>" and it was never unmanaged) -> ALREADY_EXISTS.
// - Size: totalSize rounded UP to whole GiB.
// - manage_existing writes the attributes of a new volume (uuid, is_clone false, created_at,
//   cinder-name, SFAttribute: specs) plus os_imported_at and old_name (the Element name, which cannot be
//   changed), applies the QoS of the volume's type and moves the volume into the project's account
//   (created if needed; the secondary "<name>_" when the primary holds 1990 volumes). The volume keeps
//   its Element name: later lookups go by provider_id and attributes.uuid.
// - unmanage adds os_exported_at and leaves the volume on the cluster.
// - accept_transfer moves the volume to the new project's account (created if needed, secondary when
//   the primary is full, both full -> RESOURCE_EXHAUSTED) and returns the new export (provider_id with
//   the new account id, provider_auth of the new account). Repeating it is harmless.
#include <spdlog/spdlog.h>

#include "attributes.h"
#include "driver_impl.h"
#include "element_api.h"
#include "qos.h"
#include "util.h"

namespace solidfire {

namespace {

int64_t size_gib_of(const SfVolume& v) { return element::gib_ceil(v.total_size); }

std::string ref_field(const ExistingRef& ref) { return ref.source_id ? "existing_ref.source-id" : "existing_ref.name"; }

}  // namespace

FoundVolume SolidFireDriverImpl::manage_resolve(CallContext& ctx, const ExistingRef& ref) {
  if (!ref.source_id && !ref.name) {
    throw Error(ErrorCode::kInvalidArgument, "existing_ref needs \"source-id\" or \"name\"").with_field("existing_ref");
  }
  FoundVolume found;
  if (ref.source_id) {
    auto v = lookup_->by_id(ctx, *ref.source_id);
    if (!v) {
      throw Error(ErrorCode::kNotFound, "no Element volume with volumeID " + std::to_string(*ref.source_id))
          .with_field("existing_ref.source-id");
    }
    if (ref.name && v->volume.name != *ref.name) {
      throw Error(ErrorCode::kInvalidArgument, "existing_ref names two volumes: volumeID " +
                                                   std::to_string(v->volume.id) + " is named " + v->volume.name +
                                                   ", not " + *ref.name)
          .with_field("existing_ref.name");
    }
    found = std::move(*v);
  } else {
    Json params = Json::object();
    params.set("volumeName", *ref.name);
    Json result = client_->call(ctx, element::kListVolumes, params);
    std::vector<JsonView> active;
    std::optional<SfVolume> inactive;
    for (const JsonView item : result["volumes"].items()) {
      auto v = parse_volume(item);
      if (!v || v->name != *ref.name) continue;
      if (v->status == "active") {
        active.push_back(item);
      } else if (!inactive) {
        inactive = v;
      }
    }
    if (active.size() > 1) {
      throw Error(ErrorCode::kInvalidArgument, std::to_string(active.size()) + " active Element volumes are named " +
                                                   *ref.name + "; name the one to manage by \"source-id\"")
          .with_field("existing_ref.name");
    }
    if (active.empty()) {
      if (inactive) {
        throw Error(ErrorCode::kFailedPrecondition, "Element volume " + *ref.name + " (volumeID " +
                                                        std::to_string(inactive->id) + ") is " + inactive->status +
                                                        ", not active")
            .with_field("existing_ref.name");
      }
      throw Error(ErrorCode::kNotFound, "no Element volume named " + *ref.name).with_field("existing_ref.name");
    }
    found.volume = *parse_volume(active.front());
    found.raw = attributes::copy(active.front());
    found.access_groups = int_list(active.front()["volumeAccessGroups"]);
  }
  if (found.volume.status != "active") {
    throw Error(ErrorCode::kFailedPrecondition, "Element volume " + std::to_string(found.volume.id) + " is " +
                                                    found.volume.status + ", not active; it cannot be managed")
        .with_field(ref_field(ref));
  }
  return found;
}

namespace {
// A volume that belongs to another Cinder volume of this backend must not be taken over.
void check_not_owned_elsewhere(const SfVolume& sf, const Json& raw, const Volume& volume, const std::string& prefix,
                               const ExistingRef& ref) {
  const std::string& uuid = sf.uuid_attr;
  if (uuid.empty() || uuid == volume.id) return;
  const JsonView attrs = raw["attributes"];
  if (attrs.has("os_exported_at")) return;
  if (sf.name != prefix + uuid) return;
  throw Error(ErrorCode::kAlreadyExists, "Element volume " + std::to_string(sf.id) + " (" + sf.name +
                                             ") is managed as volume " + uuid + "; unmanage it first")
      .with_field(ref_field(ref));
}
}  // namespace

int64_t SolidFireDriverImpl::manage_existing_get_size(CallContext& ctx, const Volume& volume, const ExistingRef& ref) {
  require_setup();
  const FoundVolume av = manage_resolve(ctx, ref);
  check_not_owned_elsewhere(av.volume, av.raw, volume, config_.sf_volume_prefix, ref);
  return size_gib_of(av.volume);
}

ModelUpdate SolidFireDriverImpl::manage_existing(CallContext& ctx, const Volume& volume, const ExistingRef& ref) {
  refuse_if_frozen("manage_existing");
  const ClusterInfo cl = cluster();
  if (volume.id.empty()) throw Error(ErrorCode::kInvalidArgument, "volume.id is required").with_field("volume.id");
  const FoundVolume av = manage_resolve(ctx, ref);
  check_not_owned_elsewhere(av.volume, av.raw, volume, config_.sf_volume_prefix, ref);

  Volume as_managed = volume;
  as_managed.size_gib = size_gib_of(av.volume);
  std::vector<std::string> notes;
  const QosSpec qos = volume_qos(config_, as_managed, &notes);
  for (const auto& n : notes) log_->warn("volume {}: {}", volume.id, n);

  Json attrs = volume_attributes(as_managed);
  const JsonView old = av.raw["attributes"];
  const bool repeat = av.volume.uuid_attr == volume.id && old.has("os_imported_at");
  attrs.set("os_imported_at",
            repeat ? old.string_or("os_imported_at", util::utc_now_iso8601()) : util::utc_now_iso8601());
  attrs.set("old_name", repeat ? old.string_or("old_name", av.volume.name) : av.volume.name);
  if (!attributes::drop_to_fit(attrs, {"cinder-name"})) {
    throw Error(ErrorCode::kInvalidArgument, "volume attributes exceed Element's 1000-byte limit")
        .with_field("volume.volume_type.extra_specs");
  }

  const auto replication = replication_mode(volume.volume_type, "volume.volume_type.extra_specs");
  const SfAccount account = account_for_new_volume(ctx, volume.project_id);
  Json target_params = Json::object();  // the replication target's copy: same name, size and settings
  target_params.set("name", av.volume.name);
  target_params.set("totalSize", av.volume.total_size);
  target_params.set("enable512e", av.volume.enable512e);
  target_params.set("attributes", attrs.clone());
  Json params = Json::object();
  params.set("volumeID", av.volume.id);
  if (av.volume.account_id != account.id) params.set("accountID", account.id);
  params.set("attributes", std::move(attrs));
  if (!qos.empty()) params.set("qos", complete_qos(qos, qos_of_volume(av.raw.view())).to_json());
  target_params.set("qos", qos.empty() ? qos_of_volume(av.raw.view()).to_json()
                                       : complete_qos(qos, qos_of_volume(av.raw.view())).to_json());
  client_->call(ctx, element::kModifyVolume, params);
  if (av.volume.account_id != account.id) accounts_->note_volume_created(account.username);
  log_->info("managed Element volume {} ({}) as volume {} in account {}", av.volume.id, av.volume.name, volume.id,
             account.username);

  ModelUpdate m = model_update(cl, account, av.volume);
  m.provider_geometry = av.volume.enable512e ? std::nullopt : std::optional<std::string>("4096 4096");
  if (replication) replicate_new_volume(ctx, volume, av.volume, false, account, *replication, target_params, m);
  return m;
}

void SolidFireDriverImpl::unmanage(CallContext& ctx, const Volume& volume) {
  refuse_if_frozen("unmanage");
  require_setup();
  const FoundVolume av = lookup_->require(ctx, volume, "volume", VolumeLookup::NotFoundNames::kId);
  Json attrs = attributes::copy(av.raw["attributes"]);
  attrs.set("os_exported_at", util::utc_now_iso8601());
  if (!attributes::drop_to_fit(attrs, {"attachments", "cinder-name"})) {
    throw Error(ErrorCode::kFailedPrecondition, "volume " + volume.id +
                                                    ": no room in its attributes for os_exported_at (Element keeps "
                                                    "attributes under 1000 bytes)")
        .with_field("volume.id");
  }
  modify_attributes(ctx, av.volume.id, attrs);
  log_->info("unmanaged volume {} (volumeID {}); it stays on the cluster", volume.id, av.volume.id);
}

ModelUpdate SolidFireDriverImpl::accept_transfer(CallContext& ctx, const Volume& volume, const std::string& new_user,
                                                 const std::string& new_project) {
  refuse_if_frozen("accept_transfer");
  const ClusterInfo cl = cluster();
  if (new_project.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "new_project is required").with_field("new_project");
  }
  (void)account_username(config_, new_project, "new_project");  // validates the name before any RPC
  const FoundVolume av = lookup_->require(ctx, volume, "volume", VolumeLookup::NotFoundNames::kId);
  SfAccount account = account_for_new_volume(ctx, new_project);
  if (av.volume.account_id != account.id) {
    // Already in the project's other account (a repeated transfer while the primary was full)?
    const std::string primary = account_username(config_, new_project);
    const std::string other = account.username == primary ? primary + "_" : primary;
    bool there = false;
    if (account.username != primary) {
      if (auto p = accounts_->find(ctx, other); p && p->id == av.volume.account_id) {
        account = *p;
        there = true;
      }
    }
    if (!there) {
      Json params = Json::object();
      params.set("volumeID", av.volume.id);
      params.set("accountID", account.id);
      client_->call(ctx, element::kModifyVolume, params);
      accounts_->note_volume_created(account.username);
      log_->info("transferred volume {} (volumeID {}) to account {} for project {} (user {})", volume.id, av.volume.id,
                 account.username, new_project, new_user);
    }
  }
  // The target copies of a replicated volume follow it into the new tenant's account there.
  if (!av.volume.pairs.empty() && replica_) {
    on_copies(ctx, "moving the copy of volumeID " + std::to_string(av.volume.id),
              [&](VolumePairing& p) { p.move_targets(ctx, av.volume, account); });
  }
  ModelUpdate m = model_update(cl, account, av.volume);
  m.provider_geometry = av.volume.enable512e ? std::nullopt : std::optional<std::string>("4096 4096");
  return m;
}

}  // namespace solidfire
