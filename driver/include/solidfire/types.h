// Typed requests and results of driver operations. They mirror Cinder's object model (snake_case in the
// JSON the plugin parses); the plugin fills them and serialises the results.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace solidfire {

using StringMap = std::map<std::string, std::string>;

struct VolumeType {
  std::string id;
  std::string name;
  StringMap extra_specs;  // e.g. "qos:minIOPS" -> "1000", "SFAttribute:foo" -> "bar"
  StringMap qos_specs;    // the specs of the type's QoS specs (consumer "back-end" or "both")
};

struct Volume {
  std::string id;                       // Cinder volume UUID (required)
  int64_t size_gib = 0;                 // GiB (required for create, >= 1)
  std::string project_id;
  std::string user_id;
  std::string display_name;
  std::string created_at;               // ISO-8601 as given by the host
  std::optional<VolumeType> volume_type;
  StringMap metadata;
  std::optional<std::string> provider_id;       // "<volumeID> <accountID> <clusterUUID>"
  std::optional<std::string> provider_location;
  std::optional<std::string> provider_auth;
  std::optional<std::string> migration_status;  // "target:<id>" for migration targets
  std::optional<std::string> status;
  std::optional<std::string> replication_status;
  std::optional<std::string> group_id;
  std::optional<std::string> name_id;           // Cinder's _name_id (set after a migration)
  std::optional<std::string> snapshot_id;       // source snapshot (create_group_from_src pairs by it)
  std::optional<std::string> source_volid;      // source volume (create_group_from_src pairs by it)
  bool multiattach = false;
};

struct Snapshot {
  std::string id;
  std::string volume_id;
  int64_t volume_size_gib = 0;
  std::string project_id;
  std::optional<std::string> provider_id;  // "<snapshotID> <volumeID> <clusterUUID>"
  std::optional<std::string> group_snapshot_id;
  std::optional<Volume> volume;            // the source volume (its provider_id locates it)
};

struct Connector {
  std::string initiator;  // iSCSI IQN
  std::string host;
  std::string ip;
  bool multipath = false;
};

// Cinder model update: only the members that are set are returned to the host.
struct ModelUpdate {
  std::optional<std::string> status;  // only when the operation decides it ("error" after a failed failover)
  std::optional<std::string> provider_id;
  std::optional<std::string> provider_location;
  std::optional<std::string> provider_auth;
  std::optional<std::string> provider_geometry;
  std::optional<std::string> replication_status;  // "enabled" / "disabled" when replication changed
  std::optional<std::string> replication_driver_data;  // JSON text: the target copy (backend_id, volume id, mode)
};

struct IscsiConnectionInfo {
  std::string target_portal;  // "<svip>:3260"
  std::string target_iqn;
  int64_t target_lun = 0;
  std::string volume_id;
  std::string auth_method;    // "CHAP"
  std::string auth_username;
  std::string auth_password;  // secret: never logged
  bool target_discovered = false;
  bool discard = true;
  bool encrypted = false;
  std::optional<int64_t> physical_block_size;  // 4096 when 512e is off
  std::optional<int64_t> logical_block_size;
  // Filled when the connector asks for multipath.
  std::vector<std::string> target_portals;
  std::vector<std::string> target_iqns;
  std::vector<int64_t> target_luns;
};

// Reference to a volume that exists on the cluster but not in the host's database (manage_existing).
struct ExistingRef {
  std::optional<int64_t> source_id;  // Element volumeID ("source-id")
  std::optional<std::string> name;   // Element volume name ("name")
};

struct RetypeResult {
  bool retyped = false;                     // false: the host must migrate instead
  std::optional<ModelUpdate> model_update;
};

// Where the host wants a volume moved (Cinder's migrate_volume `host`): the destination's host name and
// its backend's location_info capability (absent when that backend publishes none).
struct MigrationDestination {
  std::string host;
  std::optional<std::string> location_info;
};

struct MigrateResult {
  bool migrated = false;                   // false: the host copies the data itself (generic migration)
  std::optional<ModelUpdate> model_update;
  std::string reason;                      // why not, when not migrated
};

struct AttachRequest {
  std::string instance_uuid;
  std::string host_name;
  std::string mountpoint;
  std::string attach_time;  // ISO-8601 as given by the host; empty = now
};

// update_provider_info: only the ids whose provider_id changed, with the new value.
// What failover and failover_host return: the backend id now active ("" after a failback, as Cinder
// expects) and one update per volume (status "error" for a volume with no copy where the backend now is).
struct VolumeUpdate {
  std::string volume_id;
  ModelUpdate updates;
};
struct FailoverResult {
  std::string active_backend_id;
  std::vector<VolumeUpdate> volume_updates;
};

struct ProviderIdUpdate {
  std::string id;
  std::string provider_id;
};
struct ProviderInfoResult {
  std::vector<ProviderIdUpdate> volumes;
  std::vector<ProviderIdUpdate> snapshots;
};

// A generic volume group, or a 2.0.6 consistency group. The host resolves the group type: its specs
// travel inline (consistent_group_snapshot_enabled = "<is> True" makes a group consistent).
struct Group {
  std::string id;
  std::string group_type_id;
  StringMap group_specs;
  std::string project_id;
};

struct GroupSnapshot {
  std::string id;
  std::string group_id;
  std::string group_type_id;
  StringMap group_specs;  // of the group's type
  std::string project_id;
};

// Which ABI slots the call came through: generic groups are the backend's only when their type is
// consistent; a 2.0.6 consistency group always is.
enum class GroupFlavor { kGeneric, kConsistencyGroup };

// The source of create_group_from_src: a group snapshot with its member snapshots, or a group with its
// volumes (exactly one of the two).
struct GroupSource {
  std::optional<GroupSnapshot> group_snapshot;
  std::vector<Snapshot> snapshots;
  std::optional<Group> source_group;
  std::vector<Volume> source_volumes;
};

// Model update of one member (volume or snapshot) of a group operation.
struct MemberUpdate {
  std::string id;
  std::string status;  // "available", "deleted", "error_deleting"
  ModelUpdate model;   // provider_* of a new volume; provider_id of a new snapshot
};

// Cinder's (model_update, members_model_update) pair; status nullopt = no change (Cinder's None).
struct GroupResult {
  std::optional<std::string> status;
  std::vector<MemberUpdate> members;
};

// Backend capabilities and capacity, as Cinder's get_volume_stats reports them.
struct BackendStats {
  std::string volume_backend_name;
  std::string vendor_name = "SolidFire Inc";
  std::string driver_version;
  std::string storage_protocol = "iSCSI";
  double total_capacity_gb = 0;
  double free_capacity_gb = 0;
  std::optional<double> provisioned_capacity_gb;  // only in usedSpace mode
  int64_t reserved_percentage = 0;
  double max_over_subscription_ratio = 20.0;
  bool thin_provisioning_support = false;
  bool QoS_support = true;  // NOLINT(readability-identifier-naming): Cinder's key
  bool multiattach = true;
  bool consistencygroup_support = true;
  bool consistent_group_snapshot_enabled = true;
  bool replication_enabled = false;
  // With replication_device: "enabled", the target's backend_id, and the modes volume types may ask for.
  std::optional<std::string> replication;
  std::vector<std::string> replication_targets;
  std::vector<std::string> replication_modes;  // Element's spelling (solidfire:replication_mode)
  std::vector<std::string> replication_type;   // Cinder's lower-case capability values
  bool shared_targets = false;
  bool online_extend_support = true;
  double compression_percent = 100;
  double deduplication_percent = 100;
  double thin_provision_percent = 100;
  int64_t provisioned_iops = 0;
  int64_t current_iops = 0;
  int64_t average_iops = 0;
  int64_t max_iops = 0;
  int64_t peak_iops = 0;
  std::string cluster_mvip;
  std::string cluster_uuid;
  // "solidfire:<cluster uuid>:<sf_volume_prefix>:<sf_account_prefix>": what migrate_volume reads from
  // a destination backend's capabilities (the account prefix last: it may contain ':').
  std::string location_info;
  // Set when the last refresh failed and these figures are a previous result this many seconds old
  // (served for at most 10 minutes; after that the refresh error is raised).
  std::optional<int64_t> stale_seconds;
};

}  // namespace solidfire
