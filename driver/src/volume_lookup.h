// The one way the driver finds an Element volume. It applies the identity rule of volume_identity.h
// (provider_id, then attributes.migration_uuid/uuid, then the exact name for attribute-less volumes;
// deleted never matches) and walks only where the volume can be:
//   1. the provider_id's volumeID: ListVolumes{startVolumeID, limit:1}, the id verified (Element
//      returns the NEXT volume when the id is gone), the identity verified;
//   2. the project's primary and secondary ("<name>_") accounts: one ListVolumesForAccount each.
// Never a cluster-wide listing, so a lookup costs the same however many volumes the cluster holds.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "accounts.h"
#include "config.h"
#include "element_client.h"
#include "json.h"
#include "solidfire/types.h"
#include "volume.h"
#include "volume_identity.h"

namespace spdlog {
class logger;
}

namespace solidfire {

// A volume found on the cluster, with its raw Element object (attributes, qos) and its access groups.
struct FoundVolume {
  SfVolume volume;
  Json raw;
  std::vector<int64_t> access_groups;  // volumeAccessGroups
};

class VolumeLookup {
 public:
  // `scope` says which cluster and prefix the rule applies to (known once the driver is set up).
  VolumeLookup(ElementClient& client, AccountManager& accounts, const DriverConfig& config,
               std::function<identity::Scope()> scope, std::shared_ptr<spdlog::logger> log);

  // The active Element volume that is `volume`; nullopt when there is none.
  std::optional<FoundVolume> find(CallContext& ctx, const Volume& volume);
  // find, or INVALID_ARGUMENT naming `field`.id when the volume has no id, NOT_FOUND naming `field`
  // (kObject) or `field`.id (kId). Both namings are part of the tested contract today: the data
  // operations (extend, retype, snapshots) name the object, the access operations its id.
  enum class NotFoundNames { kObject, kId };
  FoundVolume require(CallContext& ctx, const Volume& volume, const std::string& field,
                      NotFoundNames names = NotFoundNames::kObject);
  // require for each volume, NOT_FOUND naming `field`[i]: ONE ListVolumes{volumeIDs} for those with a
  // provider_id, the accounts for the others.
  std::vector<FoundVolume> require_many(CallContext& ctx, const std::vector<Volume>& volumes, const std::string& field);
  // Every Element volume that is `volume`, deleted-but-unpurged leftovers included (delete purges them).
  std::vector<FoundVolume> find_with_leftovers(CallContext& ctx, const Volume& volume);
  // Step 1 of the rule for many volumes at once: ONE ListVolumes{volumeIDs} for every provider_id of this
  // cluster. Entry i is volumes[i]'s Element volume when its provider_id led to it (deleted ones only
  // with kPurgeLeftovers), nullopt otherwise: the caller then walks the project's accounts
  // (find_in_project).
  std::vector<std::optional<FoundVolume>> by_provider_ids(CallContext& ctx, const std::vector<Volume>& volumes,
                                                          identity::Deleted deleted);
  // Step 2 of the rule alone: every volume in the project's accounts that is `volume`, leftovers included.
  std::vector<FoundVolume> find_in_project(CallContext& ctx, const Volume& volume);

  // The Element volume `volume_id` (active or deleted); nullopt once it is purged.
  std::optional<FoundVolume> by_id(CallContext& ctx, int64_t volume_id);
  // by_id for an id the cluster just handed out: BACKEND when it is not visible.
  SfVolume require_by_id(CallContext& ctx, int64_t volume_id);
  // The active volume `name` in `account_id` whose identity key is `uuid`; ALREADY_EXISTS naming
  // volume.id when an active volume of that name belongs to another volume (idempotent creates).
  std::optional<SfVolume> by_name(CallContext& ctx, const std::string& name, int64_t account_id,
                                  const std::string& uuid);

  // Calls visit(volume JSON) for every volume of the cluster (only those whose status is `status` when
  // given), one ListVolumes page of element::kListVolumesPage at a time: for the two listing operations
  // (stats, provider info), whose cost grows with the cluster by design.
  void for_each_volume(CallContext& ctx, const std::optional<std::string>& status,
                       const std::function<void(JsonView)>& visit);

  // Calls visit(volume JSON) for each volume (active or deleted) in the project's primary and secondary
  // accounts, one ListVolumesForAccount per existing account; stops once visit returns true.
  void for_each_project_volume(CallContext& ctx, const std::string& project_id,
                               const std::function<bool(JsonView)>& visit);

 private:
  // Step 1 of the rule: the volume its provider_id names, when it is that volume.
  std::optional<FoundVolume> by_provider_id(CallContext& ctx, const Volume& volume, const identity::Scope& scope,
                                            identity::Deleted deleted);
  // Step 2: the project's accounts; every match when `all`, else the first.
  // by_provider_ids with the scope already read.
  std::vector<std::optional<FoundVolume>> listed_by_provider_id(CallContext& ctx, const std::vector<Volume>& volumes,
                                                                const identity::Scope& scope, identity::Deleted deleted);
  std::vector<FoundVolume> in_accounts(CallContext& ctx, const Volume& volume, const identity::Scope& scope,
                                       identity::Deleted deleted, bool all);

  ElementClient& client_;
  AccountManager& accounts_;
  const DriverConfig& config_;
  std::function<identity::Scope()> scope_;
  std::shared_ptr<spdlog::logger> log_;
};

}  // namespace solidfire
