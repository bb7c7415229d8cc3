// Command ffi_go_smoke loads a vdp plugin from Go through cgo, starts its own element-sim child, and creates
// and deletes one volume through the C ABI (vdp.h). Exits 0 on success, 1 on any failure.
//
// Usage: ffi_go_smoke <plugin.so> <element-sim>
//
// What it shows:
//   - the plugin is loaded with dlopen(RTLD_NOW|RTLD_LOCAL) and its function pointers are called through
//     small C shims in the preamble (Go cannot call C function pointers directly);
//   - host callbacks are Go functions exported with //export; host_data is a cgo.Handle passed as it is,
//     and the config token is another cgo.Handle: the plugin never dereferences either;
//   - configuration lives in Go memory and config_get copies it into the plugin's buffer (PKCS#11 style);
//   - the vdp_host struct lives in C memory because the plugin keeps a pointer to it until destroy;
//   - requests are passed as Go bytes without a copy (length-delimited); every result string is copied
//     into Go memory and released with plugin->free_string;
//   - callbacks recover from panics so that nothing unwinds into the plugin.
package main

/*
#cgo CFLAGS: -I${SRCDIR}/../../../abi/include
#cgo LDFLAGS: -ldl
#include <vdp/vdp.h>
#include <dlfcn.h>
#include <stdlib.h>

// Exported from Go (see //export below). cgo's prototypes have no const, hence the adapters.
extern vdp_status goConfigGet(uintptr_t host_data, vdp_config *cfg, char *key, char *buf, size_t buf_len,
                              size_t *needed);
extern void goLog(uintptr_t host_data, vdp_context *ctx, int32_t level, char *message);

static inline vdp_status shim_config_get(uintptr_t host_data, vdp_config *cfg, const char *key, char *buf,
                                         size_t buf_len, size_t *needed) {
  return goConfigGet(host_data, cfg, (char *)key, buf, buf_len, needed);
}
static inline void shim_log(uintptr_t host_data, vdp_context *ctx, int32_t level, const char *message) {
  goLog(host_data, ctx, level, (char *)message);
}

static inline vdp_host *vdp_go_new_host(uintptr_t host_data) {
  vdp_host *h = (vdp_host *)calloc(1, sizeof(vdp_host));
  if (h == NULL) return NULL;
  h->struct_size = (uint32_t)sizeof(vdp_host);
  h->host_data = host_data;
  h->config_get = shim_config_get;
  h->log = shim_log;
  // context_get, deadlines, cancellation, progress and locks stay NULL: the plugin falls back.
  return h;
}

static inline void *vdp_go_dlopen(const char *path) { return dlopen(path, RTLD_NOW | RTLD_LOCAL); }
static inline const char *vdp_go_dlerror(void) { return dlerror(); }

static inline vdp_status vdp_go_entry(void *handle, uint32_t host_abi, uint32_t *plugin_abi,
                                      const vdp_plugin **out) {
  void *sym = dlsym(handle, VDP_PLUGIN_ENTRY_SYMBOL);
  if (sym == NULL) return VDP_E_NOT_FOUND;
  vdp_plugin_entry_fn fn = (vdp_plugin_entry_fn)sym;
  return fn(host_abi, plugin_abi, out);
}

// Tokens are opaque to the plugin; turning an integer (a cgo.Handle) into one happens on the C side.
static inline vdp_config *vdp_go_cfg_token(uintptr_t v) { return (vdp_config *)v; }
static inline vdp_context *vdp_go_ctx_token(uintptr_t v) { return (vdp_context *)v; }

static inline vdp_status vdp_go_create(const vdp_plugin *p, const vdp_host *h, vdp_config *cfg, vdp_driver **drv,
                                       char **out, size_t *out_len) {
  return p->create(h, cfg, drv, out, out_len);
}
static inline void vdp_go_destroy(const vdp_plugin *p, vdp_driver *drv) { p->destroy(drv); }
static inline void vdp_go_free_string(const vdp_plugin *p, char *s) { p->free_string(s); }
static inline vdp_status vdp_go_call(vdp_op_fn fn, vdp_driver *drv, vdp_context *ctx, const char *req,
                                     size_t req_len, char **out, size_t *out_len) {
  if (fn == NULL) return VDP_E_NOT_SUPPORTED;
  return fn(drv, ctx, req, req_len, out, out_len);
}
*/
import "C"

import (
	"bufio"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"runtime/cgo"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

// hostState is what host_data points at (through a cgo.Handle).
type hostState struct {
	logLines    atomic.Int64
	configCalls atomic.Int64
}

// goConfig is what the config token points at (through a cgo.Handle). Go memory only.
type goConfig struct {
	values map[string]string
}

func logf(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "ffi-go: "+format+"\n", args...)
}

//export goConfigGet
func goConfigGet(hostData C.uintptr_t, cfg *C.vdp_config, key *C.char, buf *C.char, bufLen C.size_t,
	needed *C.size_t) (rc C.vdp_status) {
	defer func() {
		if r := recover(); r != nil { // never unwind into the plugin
			logf("config_get panicked: %v", r)
			rc = C.VDP_E_INTERNAL
		}
	}()
	if cfg == nil || key == nil {
		return C.VDP_E_INVALID_ARGUMENT
	}
	cgo.Handle(hostData).Value().(*hostState).configCalls.Add(1)
	conf := cgo.Handle(uintptr(unsafe.Pointer(cfg))).Value().(*goConfig)
	value, ok := conf.values[C.GoString(key)]
	if !ok {
		return C.VDP_E_NOT_FOUND
	}
	size := len(value) + 1
	if needed != nil {
		*needed = C.size_t(size)
	}
	if buf == nil || int(bufLen) < size {
		return C.VDP_E_BUFFER_TOO_SMALL
	}
	dst := unsafe.Slice((*byte)(unsafe.Pointer(buf)), size)
	copy(dst, value)
	dst[size-1] = 0
	return C.VDP_OK
}

//export goLog
func goLog(hostData C.uintptr_t, ctx *C.vdp_context, level C.int32_t, message *C.char) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(os.Stderr, "ffi-go: log panicked: %v\n", r)
		}
	}()
	_ = ctx
	cgo.Handle(hostData).Value().(*hostState).logLines.Add(1)
	names := []string{"TRACE", "DEBUG", "INFO", "WARN", "ERROR"}
	name := "?"
	if level >= 0 && int(level) < len(names) {
		name = names[level]
	}
	fmt.Fprintf(os.Stderr, "ffi-go: [plugin %s] %s\n", name, C.GoString(message))
}

// plugin wraps the static descriptor.
type plugin struct {
	p *C.vdp_plugin
}

// takeString copies a plugin-owned result into Go memory and releases it with free_string.
func (pl plugin) takeString(out *C.char, outLen C.size_t) string {
	if out == nil {
		return ""
	}
	s := C.GoStringN(out, C.int(outLen))
	C.vdp_go_free_string(pl.p, out)
	return s
}

type opResult struct {
	rc   C.vdp_status
	body string
}

func (r opResult) status() string { return C.GoString(C.vdp_status_name(r.rc)) }

// call runs one operation. req is passed without a copy: Go bytes that hold no Go pointers may be lent
// to C for the duration of the call.
func (pl plugin) call(fn C.vdp_op_fn, drv *C.vdp_driver, ctx *C.vdp_context, req []byte) opResult {
	var out *C.char
	var outLen C.size_t
	var reqPtr *C.char
	if len(req) > 0 {
		reqPtr = (*C.char)(unsafe.Pointer(&req[0]))
	}
	rc := C.vdp_go_call(fn, drv, ctx, reqPtr, C.size_t(len(req)), &out, &outLen)
	return opResult{rc: rc, body: pl.takeString(out, outLen)}
}

// redact masks the CHAP secret of "provider_auth":"CHAP <user> <secret>" before a result is printed.
func redact(body string) string {
	const key = `"provider_auth":"CHAP `
	i := strings.Index(body, key)
	if i < 0 {
		return body
	}
	rest := body[i+len(key):]
	sp := strings.IndexByte(rest, ' ')
	end := strings.IndexByte(rest, '"')
	if sp < 0 || end < sp {
		return body
	}
	return body[:i+len(key)+sp+1] + strings.Repeat("*", end-sp-1) + rest[end:]
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

// simulator is the element-sim child process.
type simulator struct {
	cmd  *exec.Cmd
	port string
	once sync.Once
}

func startSimulator(path string) (*simulator, error) {
	cmd := exec.Command(path, "--port", "0", "--no-tls")
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // dies with us, even on SIGKILL
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", path, err)
	}
	sim := &simulator{cmd: cmd}
	portCh := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		found := false
		for sc.Scan() { // keep draining after the URL so the child never blocks on a full pipe
			line := sc.Text()
			logf("element-sim: %s", line)
			if found || !strings.Contains(line, "listening") {
				continue
			}
			for _, f := range strings.Fields(line) {
				if strings.HasPrefix(f, "url=") {
					u := strings.TrimPrefix(f, "url=")
					if i := strings.LastIndex(u, ":"); i >= 0 {
						found = true
						portCh <- strings.TrimRight(u[i+1:], "/")
					}
				}
			}
		}
		if !found {
			close(portCh)
		}
	}()
	select {
	case port, ok := <-portCh:
		if !ok || port == "" {
			sim.stop()
			return nil, fmt.Errorf("element-sim exited without printing its url")
		}
		sim.port = port
		return sim, nil
	case <-time.After(30 * time.Second):
		sim.stop()
		return nil, fmt.Errorf("element-sim did not print its url within 30 s")
	}
}

func (s *simulator) stop() {
	s.once.Do(func() {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = s.cmd.Process.Kill()
			<-done
		}
	})
}

func run(pluginPath, simPath string) error {
	// Load and negotiate.
	cpath := C.CString(pluginPath)
	defer C.free(unsafe.Pointer(cpath))
	handle := C.vdp_go_dlopen(cpath)
	if handle == nil {
		return fmt.Errorf("dlopen %s: %s", pluginPath, C.GoString(C.vdp_go_dlerror()))
	}
	var pluginABI C.uint32_t
	var desc *C.vdp_plugin
	if rc := C.vdp_go_entry(handle, C.VDP_ABI_VERSION, &pluginABI, &desc); rc != C.VDP_OK || desc == nil {
		return fmt.Errorf("vdp_plugin_entry: %s (plugin abi %#x)", C.GoString(C.vdp_status_name(rc)), uint32(pluginABI))
	}
	pl := plugin{p: desc}
	logf("loaded %s: name=%s vendor=%s version=%s abi=%d.%d", pluginPath, C.GoString(desc.name),
		C.GoString(desc.vendor), C.GoString(desc.driver_version), uint32(desc.abi_version)>>16,
		uint32(desc.abi_version)&0xffff)
	if uintptr(desc.struct_size) < unsafe.Sizeof(*desc) {
		return fmt.Errorf("descriptor struct_size %d < %d", desc.struct_size, unsafe.Sizeof(*desc))
	}

	sim, err := startSimulator(simPath)
	if err != nil {
		return err
	}
	defer sim.stop()
	logf("element-sim pid=%d port=%s", sim.cmd.Process.Pid, sim.port)

	// Host services and tokens.
	state := &hostState{}
	hostHandle := cgo.NewHandle(state)
	defer hostHandle.Delete() // after destroy (defers run last-in first-out)
	conf := &goConfig{values: map[string]string{
		"san_ip":              "127.0.0.1",
		"sf_api_port":         sim.port,
		"san_login":           "admin",
		"san_password":        "admin",
		"sf_api_scheme":       "http",
		// Longer than the plugin's first buffer: the getter must answer BUFFER_TOO_SMALL, then fill.
		"volume_backend_name": "ffi-" + strings.Repeat("b", 1000),
	}}
	cfgHandle := cgo.NewHandle(conf)
	defer cfgHandle.Delete()
	host := C.vdp_go_new_host(C.uintptr_t(hostHandle))
	if host == nil {
		return fmt.Errorf("calloc vdp_host")
	}
	defer C.free(unsafe.Pointer(host)) // after destroy

	var drv *C.vdp_driver
	var out *C.char
	var outLen C.size_t
	rc := C.vdp_go_create(desc, host, C.vdp_go_cfg_token(C.uintptr_t(cfgHandle)), &drv, &out, &outLen)
	body := pl.takeString(out, outLen)
	if rc != C.VDP_OK || drv == nil {
		return fmt.Errorf("create: %s %s", C.GoString(C.vdp_status_name(rc)), body)
	}
	logf("create -> OK %s (config_get calls: %d)", body, state.configCalls.Load())
	defer func() {
		C.vdp_go_destroy(desc, drv)
		logf("destroy -> done (log lines received: %d)", state.logLines.Load())
	}()

	// A context token: another handle the plugin only hands back.
	ctxHandle := cgo.NewHandle("ffi-go-context")
	defer ctxHandle.Delete()
	ctx := C.vdp_go_ctx_token(C.uintptr_t(ctxHandle))

	res := pl.call(desc.setup, drv, ctx, []byte("{}"))
	logf("setup -> %s %s", res.status(), res.body)
	if res.rc != C.VDP_OK {
		return fmt.Errorf("setup failed: %s %s", res.status(), res.body)
	}

	volID := uuid4()
	createReq, _ := json.Marshal(map[string]interface{}{"volume": map[string]interface{}{
		"id": volID, "size": 1, "project_id": "ffi-go", "display_name": "ffi"}})
	res = pl.call(desc.create_volume, drv, ctx, createReq)
	logf("create_volume %s -> %s %s", volID, res.status(), redact(res.body))
	if res.rc != C.VDP_OK {
		return fmt.Errorf("create_volume failed: %s %s", res.status(), res.body)
	}
	var model map[string]interface{}
	if err := json.Unmarshal([]byte(res.body), &model); err != nil {
		return fmt.Errorf("create_volume result is not JSON: %v: %s", err, res.body)
	}
	providerID, _ := model["provider_id"].(string)
	if len(strings.Fields(providerID)) != 3 {
		return fmt.Errorf("provider_id %q is not '<volumeID> <accountID> <clusterUUID>'", providerID)
	}
	for _, k := range []string{"provider_location", "provider_auth"} {
		if _, ok := model[k]; !ok {
			return fmt.Errorf("create_volume result lacks %s: %s", k, res.body)
		}
	}

	// A malformed request comes back as INVALID_ARGUMENT with an error object naming the field.
	bad := pl.call(desc.create_volume, drv, ctx, []byte(`{"volume":{"id":"`+volID+`","size":-1}}`))
	var errObj struct {
		Status  string `json:"status"`
		Code    int    `json:"code"`
		Details struct {
			Field string `json:"field"`
		} `json:"details"`
	}
	if bad.rc != C.VDP_E_INVALID_ARGUMENT || json.Unmarshal([]byte(bad.body), &errObj) != nil ||
		errObj.Status != "INVALID_ARGUMENT" || errObj.Code != int(bad.rc) || errObj.Details.Field != "volume.size" {
		return fmt.Errorf("size -1: got %s %s", bad.status(), bad.body)
	}
	logf("create_volume size=-1 -> %s (field %s)", bad.status(), errObj.Details.Field)

	deleteReq, _ := json.Marshal(map[string]interface{}{"volume": map[string]interface{}{
		"id": volID, "size": 1, "project_id": "ffi-go", "provider_id": providerID}})
	res = pl.call(desc.delete_volume, drv, ctx, deleteReq)
	logf("delete_volume %s -> %s %s", volID, res.status(), res.body)
	if res.rc != C.VDP_OK {
		return fmt.Errorf("delete_volume failed: %s %s", res.status(), res.body)
	}
	return nil
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: ffi_go_smoke <plugin.so> <element-sim>")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		logf("FAILED: %v", err)
		os.Exit(1)
	}
	logf("PASSED: created and deleted a volume through the vdp ABI from Go")
}
