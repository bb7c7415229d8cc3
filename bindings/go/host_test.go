package vdp_test

import (
	"bytes"
	"context"
	"errors"
	"log"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"vdp.dev/vdp"
)

// countingLocker records the locks the plugin takes and delegates to a LockTable.
type countingLocker struct {
	table    *vdp.LockTable
	mu       sync.Mutex
	acquired []string
	held     map[uint64]string
	released int
}

func newCountingLocker() *countingLocker {
	return &countingLocker{table: vdp.NewLockTable(), held: map[uint64]string{}}
}

func (c *countingLocker) Acquire(ctx context.Context, name string, timeout time.Duration) (uint64, error) {
	if ctx == nil || ctx.Value(probeKey{}) != "probe" {
		return 0, errors.New("lock_acquire did not receive the call's context")
	}
	tok, err := c.table.Acquire(ctx, name, timeout)
	if err == nil {
		c.mu.Lock()
		c.acquired = append(c.acquired, name)
		c.held[tok] = name
		c.mu.Unlock()
	}
	return tok, err
}

func (c *countingLocker) Release(token uint64) error {
	c.mu.Lock()
	if _, ok := c.held[token]; ok {
		delete(c.held, token)
		c.released++
	}
	c.mu.Unlock()
	return c.table.Release(token)
}

type probeKey struct{}

func TestLockerReceivesTheLocks(t *testing.T) {
	locker := newCountingLocker()
	d, _ := newDriver(t, vdp.WithLocks(locker))
	ctx := context.WithValue(testCtx(t), probeKey{}, "probe")
	vol := vdp.Volume{ID: uuid4(), Size: 1, ProjectID: "go-locks"}
	mu, err := d.CreateVolume(ctx, vdp.CreateVolumeRequest{Volume: vol})
	if err != nil {
		t.Fatal(err)
	}
	vol.ProviderID = mu.ProviderID
	if err := d.AttachVolume(ctx, vdp.AttachVolumeRequest{Volume: vol, InstanceUUID: uuid4(), HostName: "h1",
		Mountpoint: "/dev/vdb", AttachTime: "2024-05-01T10:00:00Z"}); err != nil {
		t.Fatalf("attach_volume: %v", err)
	}
	if err := d.DetachVolume(ctx, vdp.DetachVolumeRequest{Volume: vol}); err != nil {
		t.Fatalf("detach_volume: %v", err)
	}
	// A clone serialises on its source and reports progress while it waits for the backend.
	var progress []string
	var pmu sync.Mutex
	cctx := vdp.WithProgress(ctx, func(done, total uint64, message string) {
		pmu.Lock()
		progress = append(progress, message)
		pmu.Unlock()
	})
	clone := vdp.Volume{ID: uuid4(), Size: 1, ProjectID: "go-locks"}
	cmu, err := d.CreateClonedVolume(cctx, vdp.CreateClonedVolumeRequest{Volume: clone, SrcVref: vol})
	if err != nil {
		t.Fatalf("create_cloned_volume: %v", err)
	}
	clone.ProviderID = cmu.ProviderID
	for _, v := range []vdp.Volume{clone, vol} {
		if err := d.DeleteVolume(ctx, vdp.DeleteVolumeRequest{Volume: v}); err != nil {
			t.Errorf("delete_volume: %v", err)
		}
	}

	locker.mu.Lock()
	defer locker.mu.Unlock()
	want := "solidfire-attrs-" + vol.ID
	n := 0
	clones := 0
	for _, name := range locker.acquired {
		if name == want {
			n++
		}
		if strings.HasPrefix(name, "solidfire-clone-") {
			clones++
		}
	}
	if n != 2 || clones != 1 {
		t.Errorf("locks taken: %v; want %s twice and one solidfire-clone-*", locker.acquired, want)
	}
	if len(locker.held) != 0 || locker.released != len(locker.acquired) {
		t.Errorf("%d locks acquired, %d released, still held %v", len(locker.acquired), locker.released, locker.held)
	}
	pmu.Lock()
	defer pmu.Unlock()
	if len(progress) == 0 {
		t.Error("no progress reported while the clone was waited for")
	}
}

// panicLocker panics in Acquire.
type panicLocker struct{}

func (panicLocker) Acquire(context.Context, string, time.Duration) (uint64, error) {
	panic("locker exploded")
}
func (panicLocker) Release(uint64) error { panic("unreachable: nothing was acquired") }

func TestPanickingLockerDoesNotCrash(t *testing.T) {
	var logs logSink
	d, _ := newDriver(t, vdp.WithLocks(panicLocker{}), vdp.WithLogFunc(logs.add))
	ctx := testCtx(t)
	vol := vdp.Volume{ID: uuid4(), Size: 1, ProjectID: "go-panic"}
	mu, err := d.CreateVolume(ctx, vdp.CreateVolumeRequest{Volume: vol})
	if err != nil {
		t.Fatal(err)
	}
	vol.ProviderID = mu.ProviderID
	err = d.AttachVolume(ctx, vdp.AttachVolumeRequest{Volume: vol, InstanceUUID: uuid4(), HostName: "h1"})
	if err == nil {
		t.Fatal("attach_volume succeeded although the lock could not be taken")
	}
	var ve *vdp.Error
	if !errors.As(err, &ve) || ve.Status != vdp.StatusUnavailable || !ve.Retryable {
		t.Errorf("attach_volume with a panicking Locker: %v (want a retryable UNAVAILABLE)", err)
	}
	if d.CallbackPanics() == 0 {
		t.Error("the panic was not counted")
	}
	found := false
	for _, l := range logs.all() {
		if strings.Contains(l, "lock_acquire panicked") && strings.Contains(l, "locker exploded") {
			found = true
		}
	}
	if !found {
		t.Errorf("no log line about the panic: %q", logs.all())
	}
	// The driver keeps working.
	if err := d.DeleteVolume(ctx, vdp.DeleteVolumeRequest{Volume: vol}); err != nil {
		t.Errorf("delete_volume after the panic: %v", err)
	}
}

func TestPanickingLogFuncDoesNotCrash(t *testing.T) {
	var buf bytes.Buffer
	var mu sync.Mutex
	log.SetOutput(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return buf.Write(p)
	}))
	defer log.SetOutput(logOutput)

	sim, p := shared(t)
	cfg := sim.config()
	cfg["vdp_log_level"] = "debug"
	d, err := p.NewDriver(cfg, vdp.WithLogFunc(func(vdp.Level, string) { panic("log sink exploded") }))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx := testCtx(t)
	if err := d.Setup(ctx); err != nil {
		t.Fatal(err)
	}
	vol := vdp.Volume{ID: uuid4(), Size: 1, ProjectID: "go-panic-log"}
	if _, err := d.CreateVolume(ctx, vdp.CreateVolumeRequest{Volume: vol}); err != nil {
		t.Fatal(err)
	}
	if err := d.DeleteVolume(ctx, vdp.DeleteVolumeRequest{Volume: vol}); err != nil {
		t.Fatal(err)
	}
	if d.CallbackPanics() == 0 {
		t.Error("no panic counted although every log line panicked")
	}
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(buf.String(), "host callback log panicked") || !strings.Contains(buf.String(), "log sink exploded") {
		t.Errorf("the standard logger did not get the panic report: %q", buf.String())
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

var logOutput = log.Writer()

func TestSecretsNeverLogged(t *testing.T) {
	const password = "Go-Sim-S3cret-7f3a91"
	const wrong = "Wr0ng-S3cret-5c2e48"
	sim := startSim(t, password)
	defer sim.stop()
	_, p := shared(t)

	var std bytes.Buffer
	cfg := sim.config()
	cfg["vdp_log_level"] = "trace"
	d, err := p.NewDriver(cfg, vdp.WithLogger(log.New(&std, "", 0)))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx := testCtx(t)
	if err := d.Setup(ctx); err != nil {
		t.Fatal(err)
	}
	// The project names the Element account, which the plugin logs: a password inside it must be masked.
	vol := vdp.Volume{ID: uuid4(), Size: 1, ProjectID: "go-" + password}
	mu, err := d.CreateVolume(ctx, vdp.CreateVolumeRequest{Volume: vol})
	if err != nil {
		t.Fatal(err)
	}
	vol.ProviderID = mu.ProviderID
	if err := d.DeleteVolume(ctx, vdp.DeleteVolumeRequest{Volume: vol}); err != nil {
		t.Fatal(err)
	}

	// Wrong credentials: AUTH, and neither the message nor the log names the password.
	var badLogs logSink
	bad := sim.config()
	bad["san_password"] = wrong
	bad["vdp_log_level"] = "trace"
	bd, err := p.NewDriver(bad, vdp.WithLogFunc(badLogs.add))
	if err != nil {
		t.Fatal(err)
	}
	defer bd.Close()
	err = bd.Setup(ctx)
	if !errors.Is(err, vdp.ErrAuth) {
		t.Errorf("setup with a wrong password: %v, want AUTH", err)
	}
	if err != nil && strings.Contains(err.Error(), wrong) {
		t.Errorf("error message carries the password: %v", err)
	}

	lines := append(strings.Split(std.String(), "\n"), badLogs.all()...)
	if len(lines) < 10 || len(badLogs.all()) == 0 || !strings.Contains(std.String(), "account go-***") {
		t.Fatalf("too few log lines to judge, or none masking the password: %q", lines)
	}
	if os.Getenv("VDP_GO_DEBUG_LOGS") != "" {
		t.Logf("%d lines:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	for _, l := range lines {
		if strings.Contains(l, password) || strings.Contains(l, wrong) {
			t.Errorf("log line carries a password: %q", l)
		}
	}
}

func TestLockTable(t *testing.T) {
	lt := vdp.NewLockTable()
	ctx := context.Background()
	a, err := lt.Acquire(ctx, "x", -1)
	if err != nil || a == 0 {
		t.Fatal(a, err)
	}
	if b, err := lt.Acquire(ctx, "y", 0); err != nil || b == 0 || b == a {
		t.Fatalf("another name: %d %v", b, err)
	}
	if _, err := lt.Acquire(ctx, "x", 20*time.Millisecond); !errors.Is(err, vdp.ErrTimeout) {
		t.Errorf("held lock with a timeout: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	time.AfterFunc(20*time.Millisecond, cancel)
	if _, err := lt.Acquire(cctx, "x", -1); !errors.Is(err, context.Canceled) {
		t.Errorf("held lock, cancelled: %v", err)
	}
	got := make(chan uint64)
	go func() {
		tok, _ := lt.Acquire(ctx, "x", time.Second)
		got <- tok
	}()
	time.Sleep(20 * time.Millisecond)
	if err := lt.Release(a); err != nil {
		t.Fatal(err)
	}
	if tok := <-got; tok == 0 {
		t.Error("waiter did not get the lock after release")
	}
	if err := lt.Release(a); err == nil {
		t.Error("double release accepted")
	}
}

// WithLocks(nil) leaves the lock callbacks out: the plugin's own table serves.
func TestPluginOwnLocks(t *testing.T) {
	d, _ := newDriver(t, vdp.WithLocks(nil))
	ctx := testCtx(t)
	vol := vdp.Volume{ID: uuid4(), Size: 1, ProjectID: "go-own-locks"}
	mu, err := d.CreateVolume(ctx, vdp.CreateVolumeRequest{Volume: vol})
	if err != nil {
		t.Fatal(err)
	}
	vol.ProviderID = mu.ProviderID
	if err := d.AttachVolume(ctx, vdp.AttachVolumeRequest{Volume: vol, InstanceUUID: uuid4()}); err != nil {
		t.Errorf("attach_volume: %v", err)
	}
	if err := d.DeleteVolume(ctx, vdp.DeleteVolumeRequest{Volume: vol}); err != nil {
		t.Errorf("delete_volume: %v", err)
	}
}
