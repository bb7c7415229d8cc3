// The facade's implementation class. Its methods are defined in the file of their operation family
// (ops_<family>.cpp) or of the layer they belong to; the map is docs/architecture.md.
// Thread-safety: every member is immutable after construction or guarded by the mutex named beside it;
// no lock is held while calling the cluster (or the host, through CallContext).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "access_groups.h"
#include "accounts.h"
#include "config.h"
#include "element_client.h"
#include "qos.h"
#include "replication_config.h"
#include "snapshot.h"
#include "solidfire/driver.h"
#include "volume_identity.h"
#include "volume_lookup.h"
#include "volume_pairing.h"

namespace solidfire {

// How long a probe of a cluster that may be lost waits for its answer.
inline constexpr std::chrono::seconds kProbeWindow{5};

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

// The replication target as this driver reaches it (null without replication_device).
struct Replica {
  ReplicationTarget target;
  std::unique_ptr<ElementClient> client;
  std::unique_ptr<AccountManager> accounts;
  std::unique_ptr<VolumeLookup> lookup;
};

// What setup learnt about the replication target.
struct ReplicaState {
  ClusterInfo cluster;
  int64_t cluster_pair_id = 0;  // the primary's clusterPairID for the target
  int64_t reverse_pair_id = 0;  // the target's clusterPairID for the primary (0 when unknown)
};

// The object of the cluster the driver serves now: the primary's, or the replication target's after a
// failover. Swapped whole by failover_completed; read without a lock by every operation.
template <class T>
class ActivePtr {
 public:
  T* operator->() const { return get(); }
  T& operator*() const { return *get(); }
  T* get() const { return p_.load(std::memory_order_acquire); }
  void set(T* p) { p_.store(p, std::memory_order_release); }

 private:
  std::atomic<T*> p_{nullptr};
};

struct ImplOptions {
  RetryPolicy retry;  // tests shorten or lengthen it
};

class SolidFireDriverImpl final : public SolidFireDriver {
 public:
  SolidFireDriverImpl(DriverConfig config, std::vector<std::string> warnings, DriverDeps deps, ImplOptions options);

  // driver_impl.cpp
  const std::vector<std::string>& warnings() const override { return warnings_; }
  void setup(CallContext& ctx) override;
  bool is_setup() const override { return setup_done_.load(); }

  // ops_volumes.cpp
  ModelUpdate create_volume(CallContext& ctx, const Volume& volume) override;
  void delete_volume(CallContext& ctx, const Volume& volume) override;
  void extend_volume(CallContext& ctx, const Volume& volume, int64_t new_size_gib) override;
  RetypeResult retype(CallContext& ctx, const Volume& volume, const VolumeType& new_type) override;

  // ops_migrate.cpp
  MigrateResult migrate_volume(CallContext& ctx, const Volume& volume,
                               const MigrationDestination& destination) override;

  // ops_snapshots.cpp
  ModelUpdate create_snapshot(CallContext& ctx, const Snapshot& snapshot) override;
  void delete_snapshot(CallContext& ctx, const Snapshot& snapshot) override;
  void revert_to_snapshot(CallContext& ctx, const Volume& volume, const Snapshot& snapshot) override;

  // ops_clones.cpp
  ModelUpdate create_volume_from_snapshot(CallContext& ctx, const Volume& volume, const Snapshot& snapshot) override;
  ModelUpdate create_cloned_volume(CallContext& ctx, const Volume& volume, const Volume& source) override;

  // ops_connections.cpp
  ModelUpdate create_export(CallContext& ctx, const Volume& volume, const std::optional<Connector>& connector) override;
  ModelUpdate ensure_export(CallContext& ctx, const Volume& volume) override;
  void remove_export(CallContext& ctx, const Volume& volume) override;
  IscsiConnectionInfo initialize_connection(CallContext& ctx, const Volume& volume, const Connector& connector) override;
  void terminate_connection(CallContext& ctx, const Volume& volume, const std::optional<Connector>& connector,
                            bool force) override;

  // ops_attachments.cpp
  void attach_volume(CallContext& ctx, const Volume& volume, const AttachRequest& attach) override;
  void detach_volume(CallContext& ctx, const Volume& volume, const std::optional<std::string>& attachment_id) override;

  // ops_manage.cpp
  ModelUpdate manage_existing(CallContext& ctx, const Volume& volume, const ExistingRef& ref) override;
  int64_t manage_existing_get_size(CallContext& ctx, const Volume& volume, const ExistingRef& ref) override;
  void unmanage(CallContext& ctx, const Volume& volume) override;
  ModelUpdate accept_transfer(CallContext& ctx, const Volume& volume, const std::string& new_user,
                              const std::string& new_project) override;

  // ops_provider_info.cpp
  ProviderInfoResult update_provider_info(CallContext& ctx, const std::vector<Volume>& volumes,
                                          const std::vector<Snapshot>& snapshots) override;

  // ops_stats.cpp
  BackendStats get_volume_stats(CallContext& ctx, bool refresh) override;

  // ops_groups.cpp, ops_group_snapshots.cpp, ops_groups_from_src.cpp
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

  // ops_freeze.cpp
  void freeze_backend(CallContext& ctx) override;
  void thaw_backend(CallContext& ctx) override;
  bool frozen() const override { return frozen_.load(); }

  // ops_failover.cpp
  FailoverResult failover_host(CallContext& ctx, const std::vector<Volume>& volumes,
                               const std::optional<std::string>& secondary_id) override;
  FailoverResult failover(CallContext& ctx, const std::vector<Volume>& volumes,
                          const std::optional<std::string>& secondary_id) override;
  void failover_completed(CallContext& ctx, const std::string& active_backend_id) override;
  bool failed_over() const;

  // For tests and diagnostics.
  ElementClient& client() { return *client_; }
  const DriverConfig& config() const { return config_; }
  std::optional<BackendStats> cached_stats() const;

  // The source of a clone: a volume, or a snapshot of one.
  struct CloneSource {
    int64_t volume_id = 0;
    std::optional<int64_t> snapshot_id;
    int64_t size_bytes = 0;
    bool counts_clones = false;  // a volume source records cloned_count in its attributes
  };

  // An Element group snapshot (only what the driver uses).
  struct SfGroupSnapshot {
    int64_t id = 0;
    std::string name;
    std::string uuid_attr;            // attributes.uuid: the Cinder group snapshot id, when set by vdp
    std::vector<SfSnapshot> members;  // member snapshots (volume_id, id, total_size)
  };

 private:
  // --- the facade (driver_impl.cpp)
  // GetClusterInfo + GetClusterVersionInfo through `client`; `svip_override` replaces the reported SVIP.
  ClusterInfo read_cluster_info(CallContext& ctx, ElementClient& client,
                                const std::optional<std::string>& svip_override) const;
  ClusterInfo cluster() const;   // throws kUnavailable before setup
  void require_setup() const { (void)cluster(); }
  // kFailedPrecondition naming the freeze when the backend is frozen (ops_freeze.cpp).
  void refuse_if_frozen(const char* operation) const;
  identity::Scope primary_scope() const;  // the primary's uuid, whichever cluster is active
  std::string volume_name(const std::string& id) const { return config_.sf_volume_prefix + id; }
  std::string portal(const ClusterInfo& cluster) const;
  ModelUpdate model_update(const ClusterInfo& cluster, const SfAccount& account, const SfVolume& volume) const;

  // --- volume writes shared by the operations (ops_volumes.cpp)
  // The attributes of a new volume (uuid, created_at, cinder-name, SFAttribute: specs), fitted.
  Json volume_attributes(const Volume& volume) const;
  // A new volume (or clone target): id present, size 1..16384 GiB, Element name within 64 characters;
  // INVALID_ARGUMENT naming `field`.id / `field`.size otherwise.
  void validate_new_volume(const Volume& volume, const std::string& name, const std::string& field) const;
  // The tenant account a new volume of `project_id` goes to (the secondary "<name>_" when the primary
  // is full).
  SfAccount account_for_new_volume(CallContext& ctx, const std::string& project_id);
  // Runs `body` with that account; when the cached account was removed behind our back
  // (xAccountIDDoesNotExist), forgets it and runs `body` once more with a fresh one.
  ModelUpdate with_new_volume_account(CallContext& ctx, const std::string& project_id,
                                      const std::function<ModelUpdate(const SfAccount&)>& body);
  SfVolume create_with_recovery(CallContext& ctx, const Volume& volume, const SfAccount& account, const Json& params);
  // DeleteVolume + PurgeDeletedVolume, re-reading the state after a lost reply; gone is success.
  void remove_volume(CallContext& ctx, const SfVolume& sf_volume);
  // ModifyVolume with absolute values: one whose reply was lost is sent once more.
  void modify_volume(CallContext& ctx, const Json& params);
  // ModifyVolume{attributes}, sent once (read-modify-write under the caller's lock).
  void modify_attributes(CallContext& ctx, int64_t volume_id, const Json& attributes);

  // --- finding snapshots (snapshot_lookup.cpp)
  Volume snapshot_parent(const Snapshot& snapshot) const;
  std::vector<SfSnapshot> list_snapshots(CallContext& ctx, int64_t volume_id);
  // By provider_id (verified by id, volume and name), then by name among its volume's snapshots.
  std::optional<SfSnapshot> find_snapshot(CallContext& ctx, const Snapshot& snapshot, std::optional<int64_t> volume_id);

  // --- clones (ops_clones.cpp)
  // begin_clone + finish_clone.
  ModelUpdate clone(CallContext& ctx, const Volume& volume, const CloneSource& source);
  // A clone sent to the cluster (or found from an earlier attempt) that may still be copying.
  struct PendingClone {
    Volume volume;
    CloneSource source;
    ClusterInfo cluster;
    SfAccount account;
    SfVolume made;
    bool adopted = false;  // found by name: an earlier attempt started it
    std::optional<int64_t> handle;
    QosSpec qos;        // what the volume's type asks for
    QosSpec inherited;  // what the clone got from its source (empty when unknown)
    std::optional<std::string> replication;
    Json target_params;                // the replication target copy's CreateVolume parameters
    std::unique_ptr<ScopedLock> lock;  // the source's clone lock (null when the caller holds it)
  };
  // Checks, then CloneVolume (or adopts the clone an earlier attempt started) without waiting for it.
  // `take_lock`: lock the source here; false when the caller already holds clone_lock_name(source).
  PendingClone begin_clone(CallContext& ctx, const Volume& volume, const CloneSource& source, bool take_lock);
  // Waits for the clone, sets its QoS, counts it on its source, replicates it; a clone that fails or
  // times out is deleted and purged, and the error says so.
  ModelUpdate finish_clone(CallContext& ctx, PendingClone& pending);
  static std::string clone_lock_name(int64_t source_volume_id);
  std::unique_ptr<ScopedLock> lock_clone_source(CallContext& ctx, int64_t source_volume_id);
  // `e` with what became of the unfinished clone `new_volume_id` (discarded here) appended.
  Error with_clone_discarded(CallContext& ctx, const Error& e, int64_t new_volume_id);
  // CloneVolume; a lost reply is looked up by name before it is sent again. Returns the new volume,
  // its async handle and the QoS it inherited (empty when unknown).
  struct StartedClone {
    SfVolume volume;
    std::optional<int64_t> handle;
    QosSpec inherited;
  };
  StartedClone start_clone(CallContext& ctx, const Volume& volume, const SfAccount& account, const Json& params);
  // Sets the new volume's QoS when its type asks for other values than the clone inherited.
  void apply_clone_qos(CallContext& ctx, int64_t new_volume_id, const QosSpec& qos, const QosSpec& inherited);
  // The source volume's cloned_count + 1 (informational, never fatal).
  void count_clone(CallContext& ctx, int64_t source_volume_id);
  void wait_clone(CallContext& ctx, int64_t new_volume_id, std::optional<int64_t> async_handle);
  bool discard_clone(CallContext& ctx, int64_t new_volume_id);

  // --- volume access groups (access_groups.cpp)
  // Puts the volume into the initiator's VAG (sf_enable_vag), creating or reusing it; bounded retries.
  void vag_grant(CallContext& ctx, const FoundVolume& volume, const std::string& initiator);
  // Takes the volume out of the listed VAGs. An OpenStack VAG it is the last member of is deleted with
  // it in one write, so a lost or late reply cannot leave an emptied VAG behind: either the VAG is gone
  // or the volume is still in it and the repeat deletes it. Other VAGs lose the volume; one that a
  // concurrent revoke emptied meanwhile is deleted too. Missing VAGs and non-members are not errors.
  void vag_revoke(CallContext& ctx, int64_t volume_id, const std::vector<access::Vag>& vags);
  void vag_remove_volume(CallContext& ctx, int64_t volume_id, int64_t vag_id);
  // Lists the VAG again under its lock and deletes it when nothing but `leaving` (0: nothing) is in it.
  // False when `leaving` is still in it alongside others (the caller removes it instead).
  bool vag_delete_if_unused(CallContext& ctx, const access::Vag& listed, int64_t leaving);
  void vag_delete(CallContext& ctx, const access::Vag& vag);

  // --- manage (ops_manage.cpp)
  // The Element volume named by an ExistingRef; NOT_FOUND / FAILED_PRECONDITION / INVALID_ARGUMENT.
  FoundVolume manage_resolve(CallContext& ctx, const ExistingRef& ref);

  // --- group snapshots (ops_group_snapshots.cpp)
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

  // Makes the primary (false) or the replica (true) the active cluster.
  void activate(bool replica);
  // One GetClusterVersionInfo within kProbeWindow: false (logged, naming `label`) when it fails, so
  // that a lost cluster costs one short wait, not a retry budget per volume.
  bool answers(CallContext& ctx, ElementClient& client, const std::string& label);
  // delete_volume's work once the volume is found: each target leaves its VAGs and its replication, then
  // is deleted and purged. Nothing found: done (logged).
  void remove_found(CallContext& ctx, const Volume& volume, const std::vector<FoundVolume>& targets);
  // failover's work for one volume in one direction: the copy found (or, on failback, replicated back),
  // made readWrite, the side left made replicationTarget when it answers; the model update to apply.
  struct FailoverStep;
  ModelUpdate fail_over_volume(CallContext& ctx, const FailoverStep& step, const Volume& volume);

  // --- replication (replication.cpp)
  // Setup's replication step: the target's identity, then the cluster pair (found or made, Connected).
  ReplicaState setup_replication(CallContext& ctx, const ClusterInfo& primary);
  std::optional<ReplicaState> replica_state() const;
  // The stats' replication capabilities.
  void add_replication_stats(BackendStats& stats) const;
  // The mode `type` asks for (nullopt: not replicated); FAILED_PRECONDITION naming `field` when it asks
  // for replication and replication_device is not configured. Called before anything changes.
  std::optional<std::string> replication_mode(const std::optional<VolumeType>& type, const std::string& field) const;
  // Pairing from the active cluster to the other one (requires setup and replication); `from_primary`
  // picks the direction explicitly (failover, failback).
  VolumePairing pairing();
  VolumePairing pairing(bool from_primary);
  // The two clusters as sides of a pair (target_side requires replication).
  PairSide primary_side() const;
  PairSide target_side() const;
  // Setup of a driver that starts failed over (active_backend_id names the target): the target must
  // answer; the primary may not.
  void setup_failed_over(CallContext& ctx);
  // Replicates a volume this operation just made or found (mode from replication_mode), filling the
  // model update's replication fields. When it fails and `made_now`, the source volume is removed too.
  void replicate_new_volume(CallContext& ctx, const Volume& volume, const SfVolume& made, bool made_now,
                            const SfAccount& account, const std::string& mode, const Json& create_params,
                            ModelUpdate& update);
  // replication_driver_data: {"backend_id", "volume_id" (the target copy), "cluster_uuid", "mode"}.
  std::string replication_data(int64_t target_volume_id, const std::string& mode) const;
  // Removes the replication of `sf_volume` when it has any (delete, retype out of replication).
  void unreplicate_volume(CallContext& ctx, const SfVolume& sf_volume);
  // Runs `work` on a paired volume's copies (extend, transfer, unreplicate). Failed over, the copies are
  // on the primary, presumed lost: it is probed once and `work` skipped when it does not answer, its
  // errors logged, so a lost primary never fails or slows an operation on the target (failback
  // reconciles sizes). Otherwise errors propagate.
  void on_copies(CallContext& ctx, const std::string& what, const std::function<void(VolumePairing&)>& work);

  // --- migration (ops_migrate.cpp)
  // The stats' location_info for `cluster`: what a migrating backend compares with its own clusters.
  std::string location_info(const ClusterInfo& cluster) const;

  // --- stats (ops_stats.cpp)
  BackendStats fetch_stats(CallContext& ctx);

  const DriverConfig config_;
  const std::vector<std::string> warnings_;
  const std::shared_ptr<Clock> clock_;
  const std::shared_ptr<spdlog::logger> log_;
  std::shared_ptr<Transport> transport_;
  // The primary cluster's objects (owned), and the active cluster's (the primary's or the replica's).
  std::unique_ptr<ElementClient> primary_client_;
  std::unique_ptr<AccountManager> primary_accounts_;
  std::unique_ptr<VolumeLookup> primary_lookup_;
  std::unique_ptr<Replica> replica_;  // immutable after construction; null without replication
  ActivePtr<ElementClient> client_;
  ActivePtr<AccountManager> accounts_;
  ActivePtr<VolumeLookup> lookup_;

  std::atomic<bool> setup_done_{false};
  std::atomic<bool> frozen_{false};
  mutable std::mutex cluster_mutex_;
  std::optional<ClusterInfo> cluster_;  // the active cluster; guarded by cluster_mutex_
  std::optional<ClusterInfo> primary_cluster_;  // nullopt while a failed-over start could not reach it; guarded
  std::optional<ReplicaState> replica_state_;  // guarded by cluster_mutex_
  bool failed_over_ = false;                     // guarded by cluster_mutex_
  std::atomic<uint64_t> failovers_{0};           // switches of the active cluster (failover_completed)

  mutable std::mutex stats_mutex_;
  std::optional<BackendStats> stats_;      // guarded by stats_mutex_
  SteadyClock::time_point stats_time_{};  // guarded by stats_mutex_
};

}  // namespace solidfire
