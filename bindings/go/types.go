package vdp

import (
	"encoding/json"
	"strings"
)

// The request and result shapes of abi/docs/operations.md (schema 1.0), Cinder's object model in
// snake_case. Optional members are omitted when empty; the plugin ignores members it does not know, and
// null equals absent.

// Volume is the volume object of the requests.
type Volume struct {
	ID                string            `json:"id"`
	Size              int64             `json:"size,omitempty"` // GiB; required by create-like operations
	ProjectID         string            `json:"project_id,omitempty"`
	UserID            string            `json:"user_id,omitempty"`
	DisplayName       string            `json:"display_name,omitempty"`
	CreatedAt         string            `json:"created_at,omitempty"`
	VolumeType        *VolumeType       `json:"volume_type,omitempty"`
	Metadata          map[string]string `json:"metadata,omitempty"`
	ProviderID        string            `json:"provider_id,omitempty"`
	ProviderLocation  string            `json:"provider_location,omitempty"`
	ProviderAuth      string            `json:"provider_auth,omitempty"`
	MigrationStatus   string            `json:"migration_status,omitempty"`
	Status            string            `json:"status,omitempty"`
	ReplicationStatus string            `json:"replication_status,omitempty"`
	GroupID           string            `json:"group_id,omitempty"`
	NameID            string            `json:"name_id,omitempty"`
	Multiattach       bool              `json:"multiattach,omitempty"`
	// SnapshotID and SourceVolID name the source of a new volume of create_group_from_src.
	SnapshotID  string `json:"snapshot_id,omitempty"`
	SourceVolID string `json:"source_volid,omitempty"`
}

// VolumeType is a volume type with its specs. ExtraSpecs values may be strings, numbers or booleans;
// QoSSpecs is either {k: v} or {"consumer": ..., "specs": {k: v}}.
type VolumeType struct {
	ID         string         `json:"id,omitempty"`
	Name       string         `json:"name,omitempty"`
	ExtraSpecs map[string]any `json:"extra_specs,omitempty"`
	QoSSpecs   map[string]any `json:"qos_specs,omitempty"`
}

// Snapshot is the snapshot object of the requests.
type Snapshot struct {
	ID              string  `json:"id"`
	VolumeID        string  `json:"volume_id,omitempty"`
	VolumeSize      int64   `json:"volume_size,omitempty"`
	ProjectID       string  `json:"project_id,omitempty"`
	UserID          string  `json:"user_id,omitempty"`
	DisplayName     string  `json:"display_name,omitempty"`
	Status          string  `json:"status,omitempty"`
	ProviderID      string  `json:"provider_id,omitempty"`
	GroupSnapshotID string  `json:"group_snapshot_id,omitempty"`
	Volume          *Volume `json:"volume,omitempty"`
}

// Connector describes the host a volume is exported or connected to.
type Connector struct {
	Initiator string `json:"initiator,omitempty"` // IQN
	Host      string `json:"host,omitempty"`
	IP        string `json:"ip,omitempty"`
	Multipath bool   `json:"multipath,omitempty"`
}

// ModelUpdate is the result of create-like operations: what the host stores with the volume or
// snapshot. ProviderAuth carries a CHAP secret: store it like a password. String redacts it.
type ModelUpdate struct {
	ProviderID            string `json:"provider_id,omitempty"`
	ProviderLocation      string `json:"provider_location,omitempty"`
	ProviderAuth          string `json:"provider_auth,omitempty"`
	ProviderGeometry      string `json:"provider_geometry,omitempty"`
	ReplicationStatus     string `json:"replication_status,omitempty"`
	ReplicationDriverData string `json:"replication_driver_data,omitempty"`
}

// String formats the update with the CHAP secret of ProviderAuth replaced by "***".
func (m ModelUpdate) String() string {
	c := m
	c.ProviderAuth = redactAuth(c.ProviderAuth)
	b, _ := json.Marshal(c)
	return string(b)
}

// redactAuth turns "CHAP <user> <secret>" into "CHAP <user> ***".
func redactAuth(auth string) string {
	f := strings.Fields(auth)
	if len(f) >= 3 {
		return strings.Join(append(f[:2:2], "***"), " ")
	}
	if auth != "" {
		return "***"
	}
	return ""
}

// CreateVolumeRequest is the request of create_volume; Volume.Size is required.
type CreateVolumeRequest struct {
	Volume Volume `json:"volume"`
}

// DeleteVolumeRequest is the request of delete_volume (a volume already gone is success).
type DeleteVolumeRequest struct {
	Volume Volume `json:"volume"`
}

// ExtendVolumeRequest is the request of extend_volume.
type ExtendVolumeRequest struct {
	Volume  Volume `json:"volume"`
	NewSize int64  `json:"new_size"` // GiB
}

// CreateSnapshotRequest is the request of create_snapshot (Snapshot.Volume with its provider_id).
type CreateSnapshotRequest struct {
	Snapshot Snapshot `json:"snapshot"`
}

// DeleteSnapshotRequest is the request of delete_snapshot (a snapshot already gone is success).
type DeleteSnapshotRequest struct {
	Snapshot Snapshot `json:"snapshot"`
}

// CreateVolumeFromSnapshotRequest is the request of create_volume_from_snapshot.
type CreateVolumeFromSnapshotRequest struct {
	Volume   Volume   `json:"volume"`
	Snapshot Snapshot `json:"snapshot"`
}

// CreateClonedVolumeRequest is the request of create_cloned_volume: Volume is the new volume, SrcVref
// the source.
type CreateClonedVolumeRequest struct {
	Volume  Volume `json:"volume"`
	SrcVref Volume `json:"src_vref"`
}

// RevertToSnapshotRequest is the request of revert_to_snapshot.
type RevertToSnapshotRequest struct {
	Volume   Volume   `json:"volume"`
	Snapshot Snapshot `json:"snapshot"`
}

// RetypeRequest is the request of retype: Volume with its current volume_type, and the new type.
type RetypeRequest struct {
	Volume  Volume     `json:"volume"`
	NewType VolumeType `json:"new_type"`
}

// RetypeResult is the result of retype.
type RetypeResult struct {
	Retyped     bool         `json:"retyped"`
	ModelUpdate *ModelUpdate `json:"model_update"`
}

// MigrationHost is the destination of migrate_volume, as Cinder passes it: "host@backend#pool" and that
// backend's stats (only location_info is read).
type MigrationHost struct {
	Host         string         `json:"host"`
	Capabilities map[string]any `json:"capabilities,omitempty"`
}

// MigrateVolumeRequest is the request of migrate_volume.
type MigrateVolumeRequest struct {
	Volume Volume        `json:"volume"`
	Host   MigrationHost `json:"host"`
}

// MigrateVolumeResult is the result of migrate_volume. Migrated false (with Reason) tells the host to
// copy the data itself.
type MigrateVolumeResult struct {
	Migrated    bool         `json:"migrated"`
	ModelUpdate *ModelUpdate `json:"model_update"`
	Reason      string       `json:"reason,omitempty"`
}

// ExistingRef names a backend volume to manage: by backend volume id (SourceID) or by exact name.
type ExistingRef struct {
	SourceID int64  `json:"source-id,omitempty"`
	Name     string `json:"name,omitempty"`
}

// ManageExistingRequest is the request of manage_existing and manage_existing_get_size.
type ManageExistingRequest struct {
	Volume      Volume      `json:"volume"`
	ExistingRef ExistingRef `json:"existing_ref"`
}

// UnmanageRequest is the request of unmanage.
type UnmanageRequest struct {
	Volume Volume `json:"volume"`
}

// AcceptTransferRequest is the request of accept_transfer.
type AcceptTransferRequest struct {
	Volume     Volume `json:"volume"`
	NewUser    string `json:"new_user"`
	NewProject string `json:"new_project"`
}

// ExportRequest is the request of create_export, ensure_export and remove_export (the latter two take
// only Volume).
type ExportRequest struct {
	Volume    Volume     `json:"volume"`
	Connector *Connector `json:"connector,omitempty"`
}

// InitializeConnectionRequest is the request of initialize_connection.
type InitializeConnectionRequest struct {
	Volume    Volume    `json:"volume"`
	Connector Connector `json:"connector"`
}

// ConnectionInfo is the result of initialize_connection: what the host's attach code needs.
type ConnectionInfo struct {
	DriverVolumeType string         `json:"driver_volume_type"`
	Data             ConnectionData `json:"data"`
}

// ConnectionData is the "data" of ConnectionInfo for iSCSI. AuthPassword is a CHAP secret.
type ConnectionData struct {
	TargetDiscovered  bool     `json:"target_discovered"`
	TargetPortal      string   `json:"target_portal"`
	TargetIQN         string   `json:"target_iqn"`
	TargetLUN         int      `json:"target_lun"`
	TargetPortals     []string `json:"target_portals,omitempty"`
	TargetIQNs        []string `json:"target_iqns,omitempty"`
	TargetLUNs        []int    `json:"target_luns,omitempty"`
	VolumeID          string   `json:"volume_id"`
	AuthMethod        string   `json:"auth_method,omitempty"`
	AuthUsername      string   `json:"auth_username,omitempty"`
	AuthPassword      string   `json:"auth_password,omitempty"`
	Discard           bool     `json:"discard"`
	Encrypted         bool     `json:"encrypted"`
	PhysicalBlockSize int      `json:"physical_block_size,omitempty"`
	LogicalBlockSize  int      `json:"logical_block_size,omitempty"`
}

// TerminateConnectionRequest is the request of terminate_connection (no Connector: force detach).
type TerminateConnectionRequest struct {
	Volume    Volume     `json:"volume"`
	Connector *Connector `json:"connector,omitempty"`
	Force     bool       `json:"force,omitempty"`
}

// AttachVolumeRequest is the request of attach_volume.
type AttachVolumeRequest struct {
	Volume       Volume `json:"volume"`
	InstanceUUID string `json:"instance_uuid,omitempty"`
	HostName     string `json:"host_name,omitempty"`
	Mountpoint   string `json:"mountpoint,omitempty"`
	AttachTime   string `json:"attach_time,omitempty"`
}

// Attachment names one attachment for detach_volume.
type Attachment struct {
	ID           string `json:"id,omitempty"`
	InstanceUUID string `json:"instance_uuid,omitempty"`
}

// DetachVolumeRequest is the request of detach_volume (no Attachment: all of them).
type DetachVolumeRequest struct {
	Volume     Volume      `json:"volume"`
	Attachment *Attachment `json:"attachment,omitempty"`
}

// VolumeStats is the result of get_volume_stats: Cinder's stats dict. The common members are fields;
// Raw holds every member as decoded JSON (replication members and whatever later minors add).
type VolumeStats struct {
	VolumeBackendName              string   `json:"volume_backend_name"`
	VendorName                     string   `json:"vendor_name"`
	DriverVersion                  string   `json:"driver_version"`
	StorageProtocol                string   `json:"storage_protocol"`
	TotalCapacityGB                float64  `json:"total_capacity_gb"`
	FreeCapacityGB                 float64  `json:"free_capacity_gb"`
	ProvisionedCapacityGB          float64  `json:"provisioned_capacity_gb,omitempty"`
	ReservedPercentage             float64  `json:"reserved_percentage"`
	MaxOverSubscriptionRatio       float64  `json:"max_over_subscription_ratio"`
	ThinProvisioningSupport        bool     `json:"thin_provisioning_support"`
	QoSSupport                     bool     `json:"QoS_support"`
	Multiattach                    bool     `json:"multiattach"`
	ConsistencyGroupSupport        bool     `json:"consistencygroup_support"`
	ConsistentGroupSnapshotEnabled bool     `json:"consistent_group_snapshot_enabled"`
	ReplicationEnabled             bool     `json:"replication_enabled"`
	ReplicationTargets             []string `json:"replication_targets,omitempty"`
	SharedTargets                  bool     `json:"shared_targets"`
	OnlineExtendSupport            bool     `json:"online_extend_support"`
	ActiveClusterMVIP              string   `json:"active_cluster_mvip"`
	ClusterUUID                    string   `json:"cluster_uuid"`
	LocationInfo                   string   `json:"location_info"`

	Raw map[string]any `json:"-"`
}

// UnmarshalJSON decodes the fields and keeps every member in Raw.
func (s *VolumeStats) UnmarshalJSON(b []byte) error {
	type plain VolumeStats
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	if err := json.Unmarshal(b, &p.Raw); err != nil {
		return err
	}
	*s = VolumeStats(p)
	return nil
}

// GetVolumeStatsRequest is the request of get_volume_stats (Refresh false may answer from the last
// refresh).
type GetVolumeStatsRequest struct {
	Refresh bool `json:"refresh"`
}

// UpdateProviderInfoRequest is the request of update_provider_info.
type UpdateProviderInfoRequest struct {
	Volumes   []Volume   `json:"volumes"`
	Snapshots []Snapshot `json:"snapshots"`
}

// ProviderIDUpdate is one changed provider_id of update_provider_info.
type ProviderIDUpdate struct {
	ID         string `json:"id"`
	ProviderID string `json:"provider_id"`
}

// UpdateProviderInfoResult lists only the ids whose provider_id changed.
type UpdateProviderInfoResult struct {
	Volumes   []ProviderIDUpdate `json:"volumes"`
	Snapshots []ProviderIDUpdate `json:"snapshots"`
}

// SizeResult is the result of manage_existing_get_size: GiB, rounded up.
type SizeResult struct {
	Size int64 `json:"size"`
}

// FreezeResult is the result of freeze_backend and thaw_backend.
type FreezeResult struct {
	Frozen bool `json:"frozen"`
}

// Description is the result of describe: the plugin's static facts, available before Setup.
type Description struct {
	Name          string         `json:"name"`
	Vendor        string         `json:"vendor"`
	DriverVersion string         `json:"driver_version"`
	ABIVersion    string         `json:"abi_version"`
	SchemaVersion string         `json:"schema_version"`
	Operations    []string       `json:"operations"`
	Capabilities  map[string]any `json:"capabilities"`
}
