// The facade's implementation class. Split across files by concern: driver_impl.cpp (create, setup),
// volumes.cpp (create/delete and lookups), stats.cpp, connection.cpp (exports, iSCSI info).
// Thread-safety: all members are either immutable after construction or guarded by a mutex; no lock
// is held while calling the cluster (or the host, through CallContext).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "accounts.h"
#include "config.h"
#include "element_client.h"
#include "solidfire/driver.h"
#include "volume_identity.h"

namespace solidfire {

inline constexpr int64_t kMaxVolumeSizeGib = 16384;
// Served instead of failing when a stats refresh fails, but never older than this.
inline constexpr std::chrono::seconds kMaxStaleStats{600};

struct ClusterInfo {
  std::string name;
  std::string mvip;
  std::string svip;
  std::string uuid;
  std::string unique_id;
  std::string api_version;
};

// A volume as read from the cluster (only the members the driver uses).
struct SfVolume {
  int64_t id = 0;
  int64_t account_id = 0;
  std::string name;
  std::string status;
  std::string iqn;
  std::string uuid_attr;       // attributes.uuid, empty when absent
  std::string migration_uuid;  // attributes.migration_uuid (migration targets), empty when absent
  int64_t total_size = 0;
  bool enable512e = true;
  bool deleted() const { return status == "deleted"; }
};
std::optional<SfVolume> parse_volume(JsonView v);

struct ImplOptions {
  RetryPolicy retry;  // tests shorten or lengthen it
};

class SolidFireDriverImpl final : public SolidFireDriver {
 public:
  SolidFireDriverImpl(DriverConfig config, std::vector<std::string> warnings, DriverDeps deps, ImplOptions options);

  const std::vector<std::string>& warnings() const override { return warnings_; }
  void setup(CallContext& ctx) override;
  bool is_setup() const override { return setup_done_.load(); }

  ModelUpdate create_volume(CallContext& ctx, const Volume& volume) override;
  void delete_volume(CallContext& ctx, const Volume& volume) override;
  BackendStats get_volume_stats(CallContext& ctx, bool refresh) override;
  ModelUpdate create_export(CallContext& ctx, const Volume& volume, const std::optional<Connector>& connector) override;
  ModelUpdate ensure_export(CallContext& ctx, const Volume& volume) override;
  IscsiConnectionInfo initialize_connection(CallContext& ctx, const Volume& volume, const Connector& connector) override;
  std::vector<std::string> supported_operations() const override;

  // --- volume data operations (snapshots, clones, extend, retype): volume_data_ops*.cpp ---
  void extend_volume(CallContext& ctx, const Volume& volume, int64_t new_size_gib) override;
  ModelUpdate create_snapshot(CallContext& ctx, const Snapshot& snapshot) override;
  void delete_snapshot(CallContext& ctx, const Snapshot& snapshot) override;
  void revert_to_snapshot(CallContext& ctx, const Volume& volume, const Snapshot& snapshot) override;
  ModelUpdate create_volume_from_snapshot(CallContext& ctx, const Volume& volume, const Snapshot& snapshot) override;
  ModelUpdate create_cloned_volume(CallContext& ctx, const Volume& volume, const Volume& source) override;
  RetypeResult retype(CallContext& ctx, const Volume& volume, const VolumeType& new_type) override;

  // A volume located for a data operation, with its raw Element object (attributes, qos).
  struct DataVolume {
    SfVolume volume;
    Json raw;
  };
  // An Element snapshot (only what the driver uses).
  struct DataSnapshot {
    int64_t id = 0;
    int64_t volume_id = 0;
    int64_t total_size = 0;
    std::string name;
  };
  static std::optional<DataSnapshot> parse_snapshot(JsonView s);  // nullopt without a snapshotID
  // The source of a clone: a volume, or a snapshot of one.
  struct CloneSource {
    int64_t volume_id = 0;
    std::optional<int64_t> snapshot_id;
    int64_t size_bytes = 0;
    std::optional<DataVolume> volume;  // set for volume sources (they record cloned_count)
  };

 private:
  std::optional<DataVolume> data_find_volume(CallContext& ctx, const Volume& volume);
  DataVolume data_require_volume(CallContext& ctx, const Volume& volume, const std::string& field);
  Volume data_snapshot_parent(const Snapshot& snapshot) const;
  std::vector<DataSnapshot> data_list_snapshots(CallContext& ctx, int64_t volume_id);
  std::optional<DataSnapshot> data_find_snapshot(CallContext& ctx, const Snapshot& snapshot,
                                                 std::optional<int64_t> volume_id);
  void data_modify_volume(CallContext& ctx, const Json& params);
  ModelUpdate data_clone(CallContext& ctx, const Volume& volume, const CloneSource& source);
  void data_wait_clone(CallContext& ctx, int64_t new_volume_id, std::optional<int64_t> async_handle);
  bool data_discard_clone(CallContext& ctx, int64_t new_volume_id);

 public:
  // --- end volume data operations ---

  // --- access and administration operations (VAGs, attach, manage, transfer, provider info): access_ops*.cpp ---
  void terminate_connection(CallContext& ctx, const Volume& volume, const std::optional<Connector>& connector,
                            bool force) override;
  void attach_volume(CallContext& ctx, const Volume& volume, const AttachRequest& attach) override;
  void detach_volume(CallContext& ctx, const Volume& volume, const std::optional<std::string>& attachment_id) override;
  ModelUpdate manage_existing(CallContext& ctx, const Volume& volume, const ExistingRef& ref) override;
  int64_t manage_existing_get_size(CallContext& ctx, const Volume& volume, const ExistingRef& ref) override;
  void unmanage(CallContext& ctx, const Volume& volume) override;
  ModelUpdate accept_transfer(CallContext& ctx, const Volume& volume, const std::string& new_user,
                              const std::string& new_project) override;
  ProviderInfoResult update_provider_info(CallContext& ctx, const std::vector<Volume>& volumes,
                                          const std::vector<Snapshot>& snapshots) override;

  // VAG name for an initiator: Cinder's (runs of non-alphanumerics -> '-'); over 64 characters, the
  // first 47 characters, '-' and 16 hex digits of the FNV-1a 64 hash of the IQN (deterministic).
  static std::string vag_name_for(const std::string& initiator);

 private:
  // A volume located for an access operation, with its raw Element object.
  struct AccessVolume {
    SfVolume volume;
    Json raw;
    std::vector<int64_t> access_groups;  // volumeAccessGroups
  };
  // Provider_id first (ListVolumes startVolumeID+limit:1, id and identity verified), then the
  // project's primary and secondary accounts. Every match (active or deleted) when `all`.
  std::vector<AccessVolume> access_locate(CallContext& ctx, const Volume& volume, bool all);
  std::optional<AccessVolume> access_find(CallContext& ctx, const Volume& volume);  // active only
  AccessVolume access_require(CallContext& ctx, const Volume& volume);              // NOT_FOUND otherwise
  void access_modify_attributes(CallContext& ctx, int64_t volume_id, const Json& attributes);
  // Puts the volume into the initiator's VAG (sf_enable_vag), creating or reusing it; bounded retries.
  void vag_grant(CallContext& ctx, const AccessVolume& volume, const std::string& initiator);
  // Removes the volume from the given VAGs, deleting a VAG that becomes empty (no volumes, no deleted
  // volumes) and carries attributes.openstack. Missing VAGs and non-members are not errors.
  void vag_revoke(CallContext& ctx, int64_t volume_id, const std::vector<int64_t>& vag_ids);
  // The Element volume named by an ExistingRef; NOT_FOUND / FAILED_PRECONDITION / INVALID_ARGUMENT.
  AccessVolume manage_resolve(CallContext& ctx, const ExistingRef& ref);

 public:
  // --- end access and administration operations ---

  // --- groups and consistency groups: group_ops*.cpp ---
  GroupResult create_group(CallContext& ctx, const Group& group, GroupFlavor flavor) override;
  void update_group(CallContext& ctx, const Group& group, const std::vector<Volume>& add_volumes,
                    const std::vector<Volume>& remove_volumes, GroupFlavor flavor) override;
  GroupResult delete_group(CallContext& ctx, const Group& group, const std::vector<Volume>& volumes,
                           GroupFlavor flavor) override;
  GroupResult create_group_from_src(CallContext& ctx, const Group& group, const std::vector<Volume>& volumes,
                                    const GroupSource& source, GroupFlavor flavor) override;
  GroupResult create_group_snapshot(CallContext& ctx, const GroupSnapshot& group_snapshot,
                                    const std::vector<Snapshot>& snapshots, GroupFlavor flavor) override;
  GroupResult delete_group_snapshot(CallContext& ctx, const GroupSnapshot& group_snapshot,
                                    const std::vector<Snapshot>& snapshots, GroupFlavor flavor) override;

  // An Element group snapshot (only what the driver uses).
  struct SfGroupSnapshot {
    int64_t id = 0;
    std::string name;
    std::string uuid_attr;              // attributes.uuid: the Cinder group snapshot id, when set by vdp
    std::vector<DataSnapshot> members;  // member snapshots (volume_id, id, total_size)
  };

 private:
  // Locates every volume by the identity rule: ONE ListVolumes{volumeIDs} for those with a provider_id,
  // then the project's accounts for the others. NOT_FOUND naming `field`[i] for a volume not found.
  std::vector<DataVolume> group_locate(CallContext& ctx, const std::vector<Volume>& volumes, const std::string& field);
  // Group snapshots named `name` holding a snapshot of one of `volume_ids` (ListGroupSnapshots{volumes}:
  // bounded by Element's 32 snapshots per volume); every group snapshot when `volume_ids` is empty.
  std::vector<SfGroupSnapshot> group_snapshots_named(CallContext& ctx, const std::string& name,
                                                     const std::vector<int64_t>& volume_ids);
  // Finds or makes (idempotently: a lost answer is looked up before sending again) the Element group
  // snapshot `name` over `volume_ids`; its uuid attribute is `cinder_id`.
  SfGroupSnapshot group_snapshot_ensure(CallContext& ctx, const std::string& name, const std::string& cinder_id,
                                        const std::vector<int64_t>& volume_ids);
  // DeleteGroupSnapshot{saveMembers: false}; a group snapshot that is gone is success.
  void group_snapshot_remove(CallContext& ctx, int64_t group_snapshot_id);
  // Clones volumes[i] from sources[i]; on any failure removes the clones already made, then rethrows.
  std::vector<MemberUpdate> group_clone_all(CallContext& ctx, const std::vector<Volume>& volumes,
                                            const std::vector<CloneSource>& sources);

 public:
  // --- end groups ---

  // For tests and diagnostics.
  ElementClient& client() { return *client_; }
  const DriverConfig& config() const { return config_; }
  std::optional<BackendStats> cached_stats() const;

 private:
  ClusterInfo cluster() const;          // throws kUnavailable before setup
  // What the identity rule (volume_identity.h) needs to know about this backend.
  identity::Scope identity_scope() const { return {config_.sf_volume_prefix, cluster().uuid}; }
  std::string volume_name(const std::string& id) const { return config_.sf_volume_prefix + id; }
  std::string portal(const ClusterInfo& cluster) const;
  ModelUpdate model_update(const ClusterInfo& cluster, const SfAccount& account, const SfVolume& volume) const;
  Json volume_attributes(const Volume& volume) const;

  SfAccount create_account_for(CallContext& ctx, const std::string& project_id);
  std::optional<SfVolume> find_by_name(CallContext& ctx, const std::string& name, int64_t account_id,
                                       const std::string& uuid);
  std::optional<SfVolume> find_by_provider_id(CallContext& ctx, const Volume& volume);
  std::vector<SfVolume> find_in_accounts(CallContext& ctx, const Volume& volume);
  // Calls visit(volume JSON) for each volume (active or deleted) in the project's primary and secondary
  // ("<name>_") accounts, one ListVolumesForAccount per existing account; stops once visit returns true.
  void for_each_project_volume(CallContext& ctx, const std::string& project_id,
                               const std::function<bool(JsonView)>& visit);
  SfVolume volume_by_id(CallContext& ctx, int64_t volume_id);
  SfVolume create_with_recovery(CallContext& ctx, const Volume& volume, const SfAccount& account, const Json& params);
  void remove_volume(CallContext& ctx, const SfVolume& sf_volume);
  BackendStats fetch_stats(CallContext& ctx);

  DriverConfig config_;
  std::vector<std::string> warnings_;
  std::shared_ptr<Clock> clock_;
  std::shared_ptr<spdlog::logger> log_;
  std::shared_ptr<Transport> transport_;
  std::unique_ptr<ElementClient> client_;
  std::unique_ptr<AccountManager> accounts_;

  std::atomic<bool> setup_done_{false};
  mutable std::mutex cluster_mutex_;
  std::optional<ClusterInfo> cluster_;

  mutable std::mutex stats_mutex_;
  std::optional<BackendStats> stats_;
  SteadyClock::time_point stats_time_{};
};

}  // namespace solidfire
