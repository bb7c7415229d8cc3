package vdp_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"vdp.dev/vdp"
)

// paths returns the plugin and element-sim paths from VDP_PLUGIN and VDP_ELEMENT_SIM.
func paths(t testing.TB) (plugin, sim string) {
	t.Helper()
	plugin, sim = os.Getenv("VDP_PLUGIN"), os.Getenv("VDP_ELEMENT_SIM")
	if plugin == "" {
		t.Fatal("VDP_PLUGIN is not set: point it at the built plugin (e.g. build/dev/plugin/vdp_solidfire.so)")
	}
	if sim == "" {
		t.Fatal("VDP_ELEMENT_SIM is not set: point it at the built simulator (e.g. build/dev/simulator/element-sim)")
	}
	return plugin, sim
}

// simulator is an element-sim child on loopback.
type simulator struct {
	cmd      *exec.Cmd
	port     string
	user     string
	password string
	once     sync.Once
	done     chan struct{}
}

var (
	allSimsMu sync.Mutex
	allSims   []*simulator
)

// startSim starts element-sim with the given extra arguments and waits for its url.
func startSim(t testing.TB, password string, extra ...string) *simulator {
	t.Helper()
	_, path := paths(t)
	args := []string{"--port", "0", "--no-tls", "--seed", "1", "--log-level", "off"}
	if password != "" {
		args = append(args, "--password", password)
	} else {
		password = "admin"
	}
	args = append(args, extra...)
	cmd := exec.Command(path, args...)
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // dies with the test binary
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", path, err)
	}
	s := &simulator{cmd: cmd, user: "admin", password: password, done: make(chan struct{})}
	allSimsMu.Lock()
	allSims = append(allSims, s)
	allSimsMu.Unlock()
	go func() { _ = cmd.Wait(); close(s.done) }()
	portCh := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() { // keep draining so the child never blocks on a full pipe
			line := sc.Text()
			if !strings.Contains(line, "listening") {
				continue
			}
			for _, f := range strings.Fields(line) {
				if u := strings.TrimPrefix(f, "url="); u != f {
					select {
					case portCh <- u[strings.LastIndex(u, ":")+1:]:
					default:
					}
				}
			}
		}
	}()
	select {
	case s.port = <-portCh:
		return s
	case <-s.done:
		t.Fatalf("element-sim exited before printing its url")
	case <-time.After(30 * time.Second):
		s.stop()
		t.Fatalf("element-sim printed no url within 30 s")
	}
	return nil
}

func (s *simulator) stop() {
	s.once.Do(func() {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(5 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.done
		}
	})
}

func stopAllSims() {
	allSimsMu.Lock()
	defer allSimsMu.Unlock()
	for _, s := range allSims {
		s.stop()
	}
	allSims = nil
}

// control sends a request to the simulator's control endpoint.
func (s *simulator) control(t testing.TB, method, path string, body any) {
	t.Helper()
	var rd *bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, err := http.NewRequest(method, "http://127.0.0.1:"+s.port+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(s.user, s.password)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("control %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		t.Fatalf("control %s %s: HTTP %d", method, path, resp.StatusCode)
	}
}

// addFaults injects fault rules (simulator/README.md, "Fault injection") and removes every rule when
// the test ends.
func (s *simulator) addFaults(t testing.TB, specs ...string) {
	t.Helper()
	s.control(t, http.MethodPost, "/control/faults", map[string]any{"faults": specs})
	t.Cleanup(func() { s.control(t, http.MethodDelete, "/control/faults", nil) })
}

func (s *simulator) config() vdp.Config {
	return vdp.Config{
		"san_ip":              "127.0.0.1",
		"sf_api_port":         s.port,
		"san_login":           s.user,
		"san_password":        s.password,
		"sf_api_scheme":       "http",
		"volume_backend_name": "go",
	}
}

var (
	sharedOnce   sync.Once
	sharedSim    *simulator
	sharedPlugin *vdp.Plugin
	sharedErr    error
)

// shared returns the suite's simulator and plugin, started on first use (stopped by TestMain).
func shared(t testing.TB) (*simulator, *vdp.Plugin) {
	t.Helper()
	pluginPath, _ := paths(t)
	sharedOnce.Do(func() {
		sharedSim = startSim(t, "")
		sharedPlugin, sharedErr = vdp.Open(pluginPath)
	})
	if sharedSim == nil {
		t.Fatal("the shared element-sim failed to start (see the first failure)")
	}
	if sharedErr != nil {
		t.Fatalf("open plugin: %v", sharedErr)
	}
	return sharedSim, sharedPlugin
}

// newDriver makes a driver on the shared simulator, sets it up and closes it when the test ends.
func newDriver(t testing.TB, opts ...vdp.Option) (*vdp.Driver, *simulator) {
	t.Helper()
	sim, p := shared(t)
	d, err := p.NewDriver(sim.config(), opts...)
	if err != nil {
		t.Fatalf("NewDriver: %v", err)
	}
	t.Cleanup(func() { _ = d.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := d.Setup(ctx); err != nil {
		t.Fatalf("Setup: %v", err)
	}
	return d, sim
}

func uuid4() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// logSink collects log lines (safe for concurrent use).
type logSink struct {
	mu    sync.Mutex
	lines []string
}

func (l *logSink) add(level vdp.Level, msg string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, level.String()+" "+msg)
}

func (l *logSink) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

func TestMain(m *testing.M) {
	code := m.Run()
	stopAllSims()
	os.Exit(code)
}
