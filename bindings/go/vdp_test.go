package vdp_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"vdp.dev/vdp"
)

func TestOpenAndDescribe(t *testing.T) {
	sim, p := shared(t)
	if p.Name() != "solidfire" || p.Vendor() == "" || p.DriverVersion() == "" {
		t.Errorf("descriptor: name %q vendor %q version %q", p.Name(), p.Vendor(), p.DriverVersion())
	}
	if p.ABIVersion().Major() != vdp.ABIVersion.Major() {
		t.Errorf("plugin ABI %s, binding %s", p.ABIVersion(), vdp.ABIVersion)
	}
	if _, err := vdp.Open("/nonexistent/vdp_nothing.so"); err == nil {
		t.Error("Open of a missing file succeeded")
	}

	// describe works before setup; every other operation is UNAVAILABLE until then.
	d, err := p.NewDriver(sim.config())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	desc, err := d.Describe(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if desc.Name != "solidfire" || desc.DriverVersion != p.DriverVersion() || desc.ABIVersion != p.ABIVersion().String() {
		t.Errorf("describe: %+v", desc)
	}
	// describe lists what is served: a subset of the non-NULL slots, in descriptor order.
	slots := p.Slots()
	j := 0
	for _, op := range desc.Operations {
		for j < len(slots) && slots[j] != op {
			j++
		}
		if j == len(slots) {
			t.Errorf("describe lists %s, which is not a slot (or out of order): %v", op, slots)
		}
	}
	if len(desc.Operations) < 40 || desc.Operations[0] != "setup" || !p.HasSlot("create_volume") || p.HasSlot("nonsense") {
		t.Errorf("describe operations %v, slots %v", desc.Operations, slots)
	}
	_, err = d.CreateVolume(testCtx(t), vdp.CreateVolumeRequest{Volume: vdp.Volume{ID: uuid4(), Size: 1}})
	if !errors.Is(err, vdp.ErrUnavailable) {
		t.Errorf("create_volume before setup: %v, want UNAVAILABLE", err)
	}
}

// Every operation of the ABI has a typed method named after it (create_volume -> CreateVolume).
func TestEveryOperationHasAMethod(t *testing.T) {
	typ := reflect.TypeOf(&vdp.Driver{})
	ops := vdp.Operations()
	if len(ops) < 40 || ops[0] != "setup" || ops[len(ops)-1] != "describe" {
		t.Fatalf("operations from vdp_operations.h: %v", ops)
	}
	for _, op := range ops {
		name := ""
		for _, w := range strings.Split(op, "_") {
			name += strings.ToUpper(w[:1]) + w[1:]
		}
		m, ok := typ.MethodByName(name)
		if !ok {
			t.Errorf("no method %s for operation %s", name, op)
			continue
		}
		if m.Type.NumIn() < 2 || m.Type.In(1) != reflect.TypeOf((*context.Context)(nil)).Elem() {
			t.Errorf("%s does not take a context.Context first", name)
		}
	}
}

func TestCreateDeleteVolume(t *testing.T) {
	d, _ := newDriver(t)
	ctx := testCtx(t)
	vol := vdp.Volume{ID: uuid4(), Size: 1, ProjectID: "go-project", DisplayName: "go-data",
		VolumeType: &vdp.VolumeType{ID: "t1", Name: "gold", ExtraSpecs: map[string]any{"qos:minIOPS": "1000",
			"qos:maxIOPS": "5000", "qos:burstIOPS": "8000"}}}
	mu, err := d.CreateVolume(ctx, vdp.CreateVolumeRequest{Volume: vol})
	if err != nil {
		t.Fatalf("create_volume: %v", err)
	}
	if f := strings.Fields(mu.ProviderID); len(f) != 3 {
		t.Errorf("provider_id %q is not '<volumeID> <accountID> <clusterUUID>'", mu.ProviderID)
	}
	if !strings.Contains(mu.ProviderLocation, vol.ID) || !strings.HasPrefix(mu.ProviderAuth, "CHAP go-project ") {
		t.Errorf("model update: %s", mu)
	}
	secret := strings.Fields(mu.ProviderAuth)[2]
	if strings.Contains(mu.String(), secret) || !strings.Contains(mu.String(), "***") {
		t.Errorf("ModelUpdate.String does not redact the CHAP secret: %s", mu)
	}
	// Idempotent: the same request returns the same volume.
	again, err := d.CreateVolume(ctx, vdp.CreateVolumeRequest{Volume: vol})
	if err != nil || again.ProviderID != mu.ProviderID {
		t.Errorf("repeated create_volume: %v %s (first %s)", err, again.ProviderID, mu.ProviderID)
	}

	vol.ProviderID = mu.ProviderID
	if err := d.ExtendVolume(ctx, vdp.ExtendVolumeRequest{Volume: vol, NewSize: 2}); err != nil {
		t.Errorf("extend_volume: %v", err)
	}
	info, err := d.InitializeConnection(ctx, vdp.InitializeConnectionRequest{Volume: vdp.Volume{ID: vol.ID,
		ProjectID: vol.ProjectID, ProviderID: mu.ProviderID, ProviderLocation: mu.ProviderLocation,
		ProviderAuth: mu.ProviderAuth}, Connector: vdp.Connector{Initiator: "iqn.1993-08.org.debian:01:go", Host: "h1"}})
	if err != nil || info.DriverVolumeType != "iscsi" || info.Data.VolumeID != vol.ID || info.Data.TargetIQN == "" {
		t.Errorf("initialize_connection: %v %+v", err, info)
	}
	snap := vdp.Snapshot{ID: uuid4(), VolumeID: vol.ID, ProjectID: vol.ProjectID, Volume: &vol}
	smu, err := d.CreateSnapshot(ctx, vdp.CreateSnapshotRequest{Snapshot: snap})
	if err != nil || smu.ProviderID == "" {
		t.Fatalf("create_snapshot: %v %s", err, smu)
	}
	snap.ProviderID = smu.ProviderID
	if err := d.DeleteSnapshot(ctx, vdp.DeleteSnapshotRequest{Snapshot: snap}); err != nil {
		t.Errorf("delete_snapshot: %v", err)
	}

	if err := d.DeleteVolume(ctx, vdp.DeleteVolumeRequest{Volume: vol}); err != nil {
		t.Fatalf("delete_volume: %v", err)
	}
	// Gone: delete is success again, a transfer is NOT_FOUND.
	if err := d.DeleteVolume(ctx, vdp.DeleteVolumeRequest{Volume: vol}); err != nil {
		t.Errorf("second delete_volume: %v", err)
	}
	_, err = d.AcceptTransfer(ctx, vdp.AcceptTransferRequest{Volume: vol, NewUser: "u", NewProject: "p"})
	if !errors.Is(err, vdp.ErrNotFound) {
		t.Errorf("accept_transfer of a deleted volume: %v, want NOT_FOUND", err)
	}
}

func TestErrorMapping(t *testing.T) {
	d, _ := newDriver(t)
	ctx := vdp.WithRequestID(testCtx(t), "req-go-1")
	// Size 0 (omitted from the request): INVALID_ARGUMENT naming volume.size.
	_, err := d.CreateVolume(ctx, vdp.CreateVolumeRequest{Volume: vdp.Volume{ID: uuid4(), Size: 0, ProjectID: "go"}})
	var ve *vdp.Error
	if !errors.As(err, &ve) {
		t.Fatalf("create_volume size 0: %v (%T), want *vdp.Error", err, err)
	}
	if !errors.Is(err, vdp.ErrInvalidArgument) || errors.Is(err, vdp.ErrNotFound) {
		t.Errorf("errors.Is: %v", err)
	}
	if ve.Status != vdp.StatusInvalidArgument || ve.Code != 1 || ve.Field != "volume.size" ||
		ve.Operation != "create_volume" || ve.RequestID != "req-go-1" || ve.OutcomeUnknown || ve.Message == "" {
		t.Errorf("error object: %#v", ve)
	}
	// A negative size is sent as it is and refused the same way.
	_, err = d.CreateVolume(ctx, vdp.CreateVolumeRequest{Volume: vdp.Volume{ID: uuid4(), Size: -1, ProjectID: "go"}})
	if !errors.As(err, &ve) || !errors.Is(err, vdp.ErrInvalidArgument) || ve.Field != "volume.size" ||
		!strings.Contains(ve.Message, "at least 1") {
		t.Errorf("create_volume size -1: %v", err)
	}

	// The raw call: a request that is not JSON names "request"; a result decodes into any pointer.
	err = d.Call(ctx, "create_volume", []byte(`{"volume":`), nil)
	if !errors.As(err, &ve) || ve.Status != vdp.StatusInvalidArgument || ve.Field != "request" {
		t.Errorf("malformed request: %v", err)
	}
	var stats map[string]any
	if err := d.Call(ctx, "get_volume_stats", map[string]any{"refresh": true}, &stats); err != nil ||
		stats["volume_backend_name"] != "go" {
		t.Errorf("get_volume_stats through Call: %v %v", err, stats)
	}
	if err := d.Call(ctx, "no_such_operation", nil, nil); !errors.Is(err, vdp.ErrNotSupported) {
		t.Errorf("unknown operation: %v", err)
	}
}

func TestCloneImageNotSupported(t *testing.T) {
	d, _ := newDriver(t)
	_, err := d.CloneImage(testCtx(t), map[string]any{"volume": map[string]any{"id": uuid4(), "size": 1},
		"image_location": nil, "image_meta": map[string]any{"id": "img"}})
	if !errors.Is(err, vdp.ErrNotSupported) {
		t.Fatalf("clone_image: %v, want NOT_SUPPORTED", err)
	}
	var ve *vdp.Error
	if errors.As(err, &ve); ve.Operation != "clone_image" {
		t.Errorf("operation %q", ve.Operation)
	}
}

func TestConfig(t *testing.T) {
	sim, p := shared(t)
	cfg := sim.config()
	delete(cfg, "san_ip")
	_, err := p.NewDriver(cfg)
	var ve *vdp.Error
	if !errors.Is(err, vdp.ErrConfig) || !errors.As(err, &ve) || ve.Field != "san_ip" {
		t.Errorf("config without san_ip: %v", err)
	}
	cfg = sim.config()
	cfg["san_login"] = "ad\x00min"
	if _, err := p.NewDriver(cfg); !errors.Is(err, vdp.ErrConfig) {
		t.Errorf("NUL in a value: %v", err)
	}

	// A value longer than the plugin's first buffer goes through BUFFER_TOO_SMALL and back.
	cfg = sim.config()
	long := "go-" + strings.Repeat("b", 1000)
	cfg["volume_backend_name"] = long
	d, err := p.NewDriver(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.Setup(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	stats, err := d.GetVolumeStats(testCtx(t), vdp.GetVolumeStatsRequest{Refresh: true})
	if err != nil || stats.VolumeBackendName != long || stats.Raw["volume_backend_name"] != long || stats.TotalCapacityGB <= 0 {
		t.Errorf("get_volume_stats: %v name len %d %+v", err, len(stats.VolumeBackendName), stats.ClusterUUID)
	}
}

func TestClose(t *testing.T) {
	sim, _ := shared(t)
	pluginPath, _ := paths(t)
	p, err := vdp.Open(pluginPath)
	if err != nil {
		t.Fatal(err)
	}
	d, err := p.NewDriver(sim.config())
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil { // the driver stays usable
		t.Fatal(err)
	}
	if _, err := p.NewDriver(sim.config()); !errors.Is(err, vdp.ErrClosed) {
		t.Errorf("NewDriver after Plugin.Close: %v", err)
	}
	if _, err := d.Describe(testCtx(t)); err != nil {
		t.Errorf("describe on a driver of a closed plugin: %v", err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := d.Describe(testCtx(t)); !errors.Is(err, vdp.ErrClosed) {
		t.Errorf("call after Close: %v", err)
	}
}

func TestContextAlreadyDone(t *testing.T) {
	d, _ := newDriver(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := d.CreateVolume(ctx, vdp.CreateVolumeRequest{Volume: vdp.Volume{ID: uuid4(), Size: 1}})
	var ve *vdp.Error
	if !errors.Is(err, vdp.ErrCancelled) || !errors.Is(err, context.Canceled) || !errors.As(err, &ve) || ve.OutcomeUnknown {
		t.Errorf("cancelled before the call: %v", err)
	}
	ctx, cancel = context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	if _, err := d.CreateVolume(ctx, vdp.CreateVolumeRequest{Volume: vdp.Volume{ID: uuid4(), Size: 1}}); !errors.Is(err, vdp.ErrTimeout) {
		t.Errorf("deadline passed before the call: %v", err)
	}
}

func TestDeadlineExpires(t *testing.T) {
	d, sim := newDriver(t)
	sim.addFaults(t, "*:latency=3000")
	vol := vdp.Volume{ID: uuid4(), Size: 1, ProjectID: "go-deadline"}
	ctx, cancel := context.WithTimeout(context.Background(), 400*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := d.CreateVolume(ctx, vdp.CreateVolumeRequest{Volume: vol})
	elapsed := time.Since(start)
	if !errors.Is(err, vdp.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("create_volume past its deadline: %v, want TIMEOUT", err)
	}
	if elapsed > 2500*time.Millisecond {
		t.Errorf("TIMEOUT came after %v; the deadline was 400ms and the backend delay 3s", elapsed)
	}
	var ve *vdp.Error
	errors.As(err, &ve)
	if !ve.Retryable {
		t.Errorf("TIMEOUT not retryable: %#v", ve)
	}
	sim.control(t, "DELETE", "/control/faults", nil)
	cleanupVolume(t, d, vol)
}

func TestCancellation(t *testing.T) {
	d, sim := newDriver(t)
	sim.addFaults(t, "*:latency=3000")
	vol := vdp.Volume{ID: uuid4(), Size: 1, ProjectID: "go-cancel"}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	timer := time.AfterFunc(300*time.Millisecond, cancel)
	defer timer.Stop()
	start := time.Now()
	_, err := d.CreateVolume(ctx, vdp.CreateVolumeRequest{Volume: vol})
	elapsed := time.Since(start)
	if !errors.Is(err, vdp.ErrCancelled) || !errors.Is(err, context.Canceled) {
		t.Fatalf("create_volume cancelled: %v, want CANCELLED", err)
	}
	if elapsed < 250*time.Millisecond || elapsed > 2500*time.Millisecond {
		t.Errorf("CANCELLED after %v; cancelled at 300ms, backend delay 3s", elapsed)
	}
	sim.control(t, "DELETE", "/control/faults", nil)
	cleanupVolume(t, d, vol)
}

// cleanupVolume repeats the create (its outcome may be unknown) and deletes the volume.
func cleanupVolume(t *testing.T, d *vdp.Driver, vol vdp.Volume) {
	t.Helper()
	ctx := testCtx(t)
	if err := d.DeleteVolume(ctx, vdp.DeleteVolumeRequest{Volume: vol}); err != nil {
		t.Errorf("delete_volume after the interrupted create: %v", err)
	}
}

func TestConcurrentCalls(t *testing.T) {
	d, sim := newDriver(t)
	ctx := testCtx(t)
	const workers, perWorker = 8, 3
	// Every CreateVolume takes 200 ms on the backend: one after the other, 24 of them take 4.8 s.
	sim.addFaults(t, "CreateVolume:latency=200")
	start := time.Now()
	errs := make(chan error, workers*perWorker*2)
	ids := make(chan string, workers*perWorker)
	done := make(chan struct{})
	for w := 0; w < workers; w++ {
		go func(w int) {
			defer func() { done <- struct{}{} }()
			for i := 0; i < perWorker; i++ {
				vol := vdp.Volume{ID: uuid4(), Size: 1, ProjectID: "go-concurrent"}
				mu, err := d.CreateVolume(ctx, vdp.CreateVolumeRequest{Volume: vol})
				if err != nil {
					errs <- err
					continue
				}
				vol.ProviderID = mu.ProviderID
				ids <- mu.ProviderID
				if err := d.DeleteVolume(ctx, vdp.DeleteVolumeRequest{Volume: vol}); err != nil {
					errs <- err
				}
			}
		}(w)
	}
	for w := 0; w < workers; w++ {
		<-done
	}
	if elapsed := time.Since(start); elapsed > 2400*time.Millisecond {
		t.Errorf("%d creates of 200 ms each took %v: the calls did not overlap", workers*perWorker, elapsed)
	} else {
		t.Logf("%d creates of 200 ms each took %v", workers*perWorker, elapsed)
	}
	close(errs)
	close(ids)
	for err := range errs {
		t.Errorf("concurrent call: %v", err)
	}
	seen := map[string]bool{}
	for id := range ids {
		if seen[id] {
			t.Errorf("provider_id %s handed out twice", id)
		}
		seen[id] = true
	}
	if len(seen) != workers*perWorker {
		t.Errorf("%d volumes created, want %d", len(seen), workers*perWorker)
	}
}

func TestTypedResultsDecode(t *testing.T) {
	d, _ := newDriver(t)
	ctx := testCtx(t)
	fr, err := d.FreezeBackend(ctx)
	if err != nil || !fr.Frozen {
		t.Errorf("freeze_backend: %v %+v", err, fr)
	}
	_, err = d.CreateVolume(ctx, vdp.CreateVolumeRequest{Volume: vdp.Volume{ID: uuid4(), Size: 1, ProjectID: "go"}})
	if !errors.Is(err, vdp.ErrFailedPrecondition) {
		t.Errorf("create_volume while frozen: %v", err)
	}
	if fr, err = d.ThawBackend(ctx); err != nil || fr.Frozen {
		t.Errorf("thaw_backend: %v %+v", err, fr)
	}
	var raw json.RawMessage
	if err := d.Call(ctx, "describe", nil, &raw); err != nil || !json.Valid(raw) {
		t.Errorf("describe into RawMessage: %v %s", err, raw)
	}
}
