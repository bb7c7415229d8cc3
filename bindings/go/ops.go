package vdp

import "context"

// One typed method per operation slot of VDP_OPERATIONS (request and result shapes:
// abi/docs/operations.md). Each is Call with the operation's name; errors are *Error values (see Call).
// Operations whose shapes are large and mostly passed through (groups, failover, clone_image) take and
// return decoded JSON objects.

// call runs op and decodes its result into a new T.
func call[T any](ctx context.Context, d *Driver, op string, req any) (T, error) {
	var res T
	err := d.Call(ctx, op, req, &res)
	return res, err
}

// CreateVolume runs create_volume: creates a volume and returns its model update. Repeating the request for the same volume id returns the same volume.
func (d *Driver) CreateVolume(ctx context.Context, req CreateVolumeRequest) (ModelUpdate, error) {
	return call[ModelUpdate](ctx, d, "create_volume", req)
}

// DeleteVolume runs delete_volume: deletes a volume; one already gone is success.
func (d *Driver) DeleteVolume(ctx context.Context, req DeleteVolumeRequest) error {
	return d.Call(ctx, "delete_volume", req, nil)
}

// ExtendVolume runs extend_volume: grows a volume to NewSize GiB (a smaller size is ErrInvalidArgument).
func (d *Driver) ExtendVolume(ctx context.Context, req ExtendVolumeRequest) error {
	return d.Call(ctx, "extend_volume", req, nil)
}

// CreateSnapshot runs create_snapshot: snapshots a volume; the result carries the snapshot's provider_id.
func (d *Driver) CreateSnapshot(ctx context.Context, req CreateSnapshotRequest) (ModelUpdate, error) {
	return call[ModelUpdate](ctx, d, "create_snapshot", req)
}

// DeleteSnapshot runs delete_snapshot: deletes a snapshot; one already gone is success.
func (d *Driver) DeleteSnapshot(ctx context.Context, req DeleteSnapshotRequest) error {
	return d.Call(ctx, "delete_snapshot", req, nil)
}

// CreateVolumeFromSnapshot runs create_volume_from_snapshot: creates a volume from a snapshot (a clone: it waits for the backend, reports progress and honours the context).
func (d *Driver) CreateVolumeFromSnapshot(ctx context.Context, req CreateVolumeFromSnapshotRequest) (ModelUpdate, error) {
	return call[ModelUpdate](ctx, d, "create_volume_from_snapshot", req)
}

// CreateClonedVolume runs create_cloned_volume: creates a volume as a clone of SrcVref (it waits for the backend, reports progress and honours the context).
func (d *Driver) CreateClonedVolume(ctx context.Context, req CreateClonedVolumeRequest) (ModelUpdate, error) {
	return call[ModelUpdate](ctx, d, "create_cloned_volume", req)
}

// RevertToSnapshot runs revert_to_snapshot: rolls a volume back to one of its snapshots.
func (d *Driver) RevertToSnapshot(ctx context.Context, req RevertToSnapshotRequest) error {
	return d.Call(ctx, "revert_to_snapshot", req, nil)
}

// Retype runs retype: applies a new volume type (QoS and attributes) to a volume.
func (d *Driver) Retype(ctx context.Context, req RetypeRequest) (RetypeResult, error) {
	return call[RetypeResult](ctx, d, "retype", req)
}

// MigrateVolume runs migrate_volume: moves a volume to another backend when the driver can; Migrated false asks the host to copy the data itself.
func (d *Driver) MigrateVolume(ctx context.Context, req MigrateVolumeRequest) (MigrateVolumeResult, error) {
	return call[MigrateVolumeResult](ctx, d, "migrate_volume", req)
}

// ManageExisting runs manage_existing: takes over an existing backend volume named by ExistingRef.
func (d *Driver) ManageExisting(ctx context.Context, req ManageExistingRequest) (ModelUpdate, error) {
	return call[ModelUpdate](ctx, d, "manage_existing", req)
}

// ManageExistingGetSize runs manage_existing_get_size: returns the size in GiB (rounded up) of the backend volume named by ExistingRef.
func (d *Driver) ManageExistingGetSize(ctx context.Context, req ManageExistingRequest) (int64, error) {
	res, err := call[SizeResult](ctx, d, "manage_existing_get_size", req)
	return res.Size, err
}

// Unmanage runs unmanage: stops managing a volume and leaves it on the backend.
func (d *Driver) Unmanage(ctx context.Context, req UnmanageRequest) error {
	return d.Call(ctx, "unmanage", req, nil)
}

// AcceptTransfer runs accept_transfer: moves a volume to a new project and returns its new export.
func (d *Driver) AcceptTransfer(ctx context.Context, req AcceptTransferRequest) (ModelUpdate, error) {
	return call[ModelUpdate](ctx, d, "accept_transfer", req)
}

// CreateExport runs create_export: exports a volume; the result carries provider_auth.
func (d *Driver) CreateExport(ctx context.Context, req ExportRequest) (ModelUpdate, error) {
	return call[ModelUpdate](ctx, d, "create_export", req)
}

// EnsureExport runs ensure_export: re-establishes a volume's export; the result carries provider_auth.
func (d *Driver) EnsureExport(ctx context.Context, req ExportRequest) (ModelUpdate, error) {
	return call[ModelUpdate](ctx, d, "ensure_export", req)
}

// RemoveExport runs remove_export: removes a volume's export.
func (d *Driver) RemoveExport(ctx context.Context, req ExportRequest) error {
	return d.Call(ctx, "remove_export", req, nil)
}

// InitializeConnection runs initialize_connection: connects a volume to a connector and returns the connection information.
func (d *Driver) InitializeConnection(ctx context.Context, req InitializeConnectionRequest) (ConnectionInfo, error) {
	return call[ConnectionInfo](ctx, d, "initialize_connection", req)
}

// TerminateConnection runs terminate_connection: disconnects a volume from a connector (no connector: from all).
func (d *Driver) TerminateConnection(ctx context.Context, req TerminateConnectionRequest) error {
	return d.Call(ctx, "terminate_connection", req, nil)
}

// AttachVolume runs attach_volume: records an attachment of a volume.
func (d *Driver) AttachVolume(ctx context.Context, req AttachVolumeRequest) error {
	return d.Call(ctx, "attach_volume", req, nil)
}

// DetachVolume runs detach_volume: removes an attachment record of a volume (no Attachment: all of them).
func (d *Driver) DetachVolume(ctx context.Context, req DetachVolumeRequest) error {
	return d.Call(ctx, "detach_volume", req, nil)
}

// GetVolumeStats runs get_volume_stats: returns the backend's capacity and capabilities (Cinder's stats dict).
func (d *Driver) GetVolumeStats(ctx context.Context, req GetVolumeStatsRequest) (VolumeStats, error) {
	return call[VolumeStats](ctx, d, "get_volume_stats", req)
}

// UpdateProviderInfo runs update_provider_info: returns the provider ids that changed for the given volumes and snapshots.
func (d *Driver) UpdateProviderInfo(ctx context.Context, req UpdateProviderInfoRequest) (UpdateProviderInfoResult, error) {
	return call[UpdateProviderInfoResult](ctx, d, "update_provider_info", req)
}

// CloneImage runs clone_image with a request and result given as decoded JSON objects.
func (d *Driver) CloneImage(ctx context.Context, req map[string]any) (map[string]any, error) {
	return call[map[string]any](ctx, d, "clone_image", req)
}

// CreateGroup runs create_group with a request and result given as decoded JSON objects.
func (d *Driver) CreateGroup(ctx context.Context, req map[string]any) (map[string]any, error) {
	return call[map[string]any](ctx, d, "create_group", req)
}

// UpdateGroup runs update_group with a request and result given as decoded JSON objects.
func (d *Driver) UpdateGroup(ctx context.Context, req map[string]any) (map[string]any, error) {
	return call[map[string]any](ctx, d, "update_group", req)
}

// DeleteGroup runs delete_group with a request and result given as decoded JSON objects.
func (d *Driver) DeleteGroup(ctx context.Context, req map[string]any) (map[string]any, error) {
	return call[map[string]any](ctx, d, "delete_group", req)
}

// CreateGroupFromSrc runs create_group_from_src with a request and result given as decoded JSON objects.
func (d *Driver) CreateGroupFromSrc(ctx context.Context, req map[string]any) (map[string]any, error) {
	return call[map[string]any](ctx, d, "create_group_from_src", req)
}

// CreateGroupSnapshot runs create_group_snapshot with a request and result given as decoded JSON objects.
func (d *Driver) CreateGroupSnapshot(ctx context.Context, req map[string]any) (map[string]any, error) {
	return call[map[string]any](ctx, d, "create_group_snapshot", req)
}

// DeleteGroupSnapshot runs delete_group_snapshot with a request and result given as decoded JSON objects.
func (d *Driver) DeleteGroupSnapshot(ctx context.Context, req map[string]any) (map[string]any, error) {
	return call[map[string]any](ctx, d, "delete_group_snapshot", req)
}

// CreateConsistencygroup runs create_consistencygroup with a request and result given as decoded JSON objects.
func (d *Driver) CreateConsistencygroup(ctx context.Context, req map[string]any) (map[string]any, error) {
	return call[map[string]any](ctx, d, "create_consistencygroup", req)
}

// UpdateConsistencygroup runs update_consistencygroup with a request and result given as decoded JSON objects.
func (d *Driver) UpdateConsistencygroup(ctx context.Context, req map[string]any) (map[string]any, error) {
	return call[map[string]any](ctx, d, "update_consistencygroup", req)
}

// DeleteConsistencygroup runs delete_consistencygroup with a request and result given as decoded JSON objects.
func (d *Driver) DeleteConsistencygroup(ctx context.Context, req map[string]any) (map[string]any, error) {
	return call[map[string]any](ctx, d, "delete_consistencygroup", req)
}

// CreateConsistencygroupFromSrc runs create_consistencygroup_from_src with a request and result given as decoded JSON objects.
func (d *Driver) CreateConsistencygroupFromSrc(ctx context.Context, req map[string]any) (map[string]any, error) {
	return call[map[string]any](ctx, d, "create_consistencygroup_from_src", req)
}

// CreateCgsnapshot runs create_cgsnapshot with a request and result given as decoded JSON objects.
func (d *Driver) CreateCgsnapshot(ctx context.Context, req map[string]any) (map[string]any, error) {
	return call[map[string]any](ctx, d, "create_cgsnapshot", req)
}

// DeleteCgsnapshot runs delete_cgsnapshot with a request and result given as decoded JSON objects.
func (d *Driver) DeleteCgsnapshot(ctx context.Context, req map[string]any) (map[string]any, error) {
	return call[map[string]any](ctx, d, "delete_cgsnapshot", req)
}

// FailoverHost runs failover_host with a request and result given as decoded JSON objects.
func (d *Driver) FailoverHost(ctx context.Context, req map[string]any) (map[string]any, error) {
	return call[map[string]any](ctx, d, "failover_host", req)
}

// Failover runs failover with a request and result given as decoded JSON objects.
func (d *Driver) Failover(ctx context.Context, req map[string]any) (map[string]any, error) {
	return call[map[string]any](ctx, d, "failover", req)
}

// FailoverCompleted runs failover_completed with a request and result given as decoded JSON objects.
func (d *Driver) FailoverCompleted(ctx context.Context, req map[string]any) (map[string]any, error) {
	return call[map[string]any](ctx, d, "failover_completed", req)
}

// FreezeBackend runs freeze_backend: operations that change the control plane fail with
// ErrFailedPrecondition until ThawBackend. The state lives in this driver only.
func (d *Driver) FreezeBackend(ctx context.Context) (FreezeResult, error) {
	return call[FreezeResult](ctx, d, "freeze_backend", nil)
}

// ThawBackend runs thaw_backend, undoing FreezeBackend.
func (d *Driver) ThawBackend(ctx context.Context) (FreezeResult, error) {
	return call[FreezeResult](ctx, d, "thaw_backend", nil)
}

// Describe runs describe: the plugin's operations, capabilities and schema version. It works before
// Setup.
func (d *Driver) Describe(ctx context.Context) (Description, error) {
	return call[Description](ctx, d, "describe", nil)
}
