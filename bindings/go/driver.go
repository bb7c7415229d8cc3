package vdp

/*
#include "shim.h"
*/
import "C"

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"runtime/cgo"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// Config is a driver's configuration: the backend's option names and values (for SolidFire, Cinder's:
// "san_ip", "san_login", "san_password", ...). The plugin reads it through the config_get callback
// during NewDriver only.
type Config map[string]string

// Driver is one configured driver instance of a plugin (vdp_driver). It is safe for concurrent use by
// many goroutines: the plugin serves concurrent calls on one driver. Close it when done.
type Driver struct {
	plugin     *Plugin
	state      *hostState
	hostHandle cgo.Handle
	host       *C.vdp_host
	warnings   []string

	mu     sync.RWMutex // read-held by every call, write-held by Close (destroy is never concurrent)
	drv    *C.vdp_driver
	closed bool
}

// NewDriver validates cfg and makes a driver (vdp_plugin.create). No network I/O happens here: call
// Setup next. A configuration error is an *Error with StatusConfig whose Field names the option.
func (p *Plugin) NewDriver(cfg Config, opts ...Option) (*Driver, error) {
	values := make(map[string]string, len(cfg))
	for k, v := range cfg {
		if strings.IndexByte(k, 0) >= 0 || strings.IndexByte(v, 0) >= 0 {
			e := localError(StatusConfig, "create", "option "+strings.ReplaceAll(k, "\x00", `\0`)+
				": contains a NUL byte", nil)
			e.Field = k
			return nil, e
		}
		values[k] = v
	}
	o := driverOptions{locker: defaultLocks}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if o.noLocker {
		o.locker = nil
	}
	if !p.acquire() {
		return nil, ErrClosed
	}
	hs := &hostState{log: o.log, locker: o.locker}
	hostHandle := cgo.NewHandle(hs)
	cfgHandle := cgo.NewHandle(&configState{values: values})
	defer cfgHandle.Delete() // cfg is only used during create

	host := C.vdp_go_new_host(C.uintptr_t(hostHandle), cbool(hs.log != nil), cbool(hs.locker != nil))
	if host == nil {
		hostHandle.Delete()
		p.release()
		return nil, localError(StatusInternal, "create", "out of memory", nil)
	}
	var drv *C.vdp_driver
	var out *C.char
	var outLen C.size_t
	rc := C.vdp_go_create(p.desc, host, C.uintptr_t(cfgHandle), &drv, &out, &outLen)
	body := p.takeOutput(out, outLen)
	defer wipe(body)
	if rc != C.VDP_OK || drv == nil {
		if drv != nil {
			C.vdp_go_destroy(p.desc, drv)
		}
		C.vdp_go_free_host(host)
		hostHandle.Delete()
		p.release()
		if rc == C.VDP_OK {
			return nil, localError(StatusInternal, "create", "create returned OK without a driver", nil)
		}
		return nil, parseError(int32(rc), "create", body)
	}
	d := &Driver{plugin: p, state: hs, hostHandle: hostHandle, host: host, drv: drv}
	if len(body) > 0 {
		var res struct {
			Warnings []string `json:"warnings"`
		}
		if json.Unmarshal(body, &res) == nil {
			d.warnings = res.Warnings
		}
	}
	return d, nil
}

func cbool(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

// Plugin returns the plugin the driver was made from.
func (d *Driver) Plugin() *Plugin { return d.plugin }

// Warnings returns the warnings create reported about the configuration ({"warnings": [...]}).
func (d *Driver) Warnings() []string { return append([]string(nil), d.warnings...) }

// CallbackPanics returns how many host callbacks of this driver (log function, Locker, progress
// function) panicked; each panic was recovered, logged and answered to the plugin as a failure.
func (d *Driver) CallbackPanics() uint64 { return d.state.panics.Load() }

// Close destroys the driver (vdp_plugin.destroy). It waits for calls in flight to return; calls made
// after Close fail with ErrClosed. Close is idempotent.
func (d *Driver) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil
	}
	d.closed = true
	C.vdp_go_destroy(d.plugin.desc, d.drv)
	d.drv = nil
	// The host table and its callbacks must stay valid until destroy returns.
	C.vdp_go_free_host(d.host)
	d.host = nil
	d.hostHandle.Delete()
	d.plugin.release()
	return nil
}

// Setup contacts the backend (the setup slot). Until it succeeds every operation but Describe fails
// with ErrUnavailable. It may fail with ErrAuth or ErrUnavailable and be called again.
func (d *Driver) Setup(ctx context.Context) error {
	return d.Call(ctx, "setup", nil, nil)
}

// Call runs the operation named op ("setup" or a VDP_OPERATIONS name) with req encoded by
// encoding/json (nil is {}; a []byte or json.RawMessage is passed as it is) and decodes the result into
// resp, a pointer (nil discards the result; *json.RawMessage keeps the raw text).
//
// A failed operation returns an *Error (errors.Is(err, vdp.ErrNotFound), ...); when the failure is a
// TIMEOUT or CANCELLED and ctx is done, the *Error also matches ctx.Err() (context.DeadlineExceeded or
// context.Canceled). A result that does not decode into resp is an error that is not an *Error: the
// operation itself succeeded.
func (d *Driver) Call(ctx context.Context, op string, req, resp any) error {
	reqBytes, err := encodeRequest(op, req)
	if err != nil {
		return err
	}
	body, err := d.invoke(ctx, op, reqBytes)
	if err != nil {
		return err
	}
	defer wipe(body) // results may carry CHAP secrets
	if resp == nil {
		return nil
	}
	if err := json.Unmarshal(body, resp); err != nil {
		return fmt.Errorf("vdp: %s: decoding the result: %w", op, err)
	}
	return nil
}

func encodeRequest(op string, req any) ([]byte, error) {
	switch r := req.(type) {
	case nil:
		return []byte("{}"), nil
	case json.RawMessage:
		if len(r) == 0 {
			return []byte("{}"), nil
		}
		return r, nil
	case []byte:
		if len(r) == 0 {
			return []byte("{}"), nil
		}
		return r, nil
	}
	b, err := json.Marshal(req)
	if err != nil {
		e := localError(StatusInvalidArgument, op, "encoding the request: "+err.Error(), err)
		e.Field = "request"
		return nil, e
	}
	if string(b) == "null" {
		return []byte("{}"), nil
	}
	return b, nil
}

// invoke runs one operation on the raw request and returns the raw result (Go memory, a copy of the
// plugin's string, which has been released with free_string).
func (d *Driver) invoke(ctx context.Context, op string, req []byte) ([]byte, error) {
	idx, ok := opIndex[op]
	if !ok {
		return nil, localError(StatusNotSupported, op, "no operation of this name in the vdp ABI", nil)
	}
	if ctx == nil {
		ctx = context.Background()
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closed {
		return nil, ErrClosed
	}
	if !d.plugin.slots[idx] {
		return nil, localError(StatusNotSupported, op, "the plugin does not serve "+op, nil)
	}
	if err := ctx.Err(); err != nil {
		return nil, contextError(op, err) // nothing sent
	}
	cs := newCallState(ctx)
	for k, v := range cs.values {
		if strings.IndexByte(k, 0) >= 0 || strings.IndexByte(v, 0) >= 0 {
			e := localError(StatusInvalidArgument, op, "context value "+k+" contains a NUL byte", nil)
			e.Field = "context"
			return nil, e
		}
	}
	token := cgo.NewHandle(cs)
	defer token.Delete()

	var out *C.char
	var outLen C.size_t
	rc := C.vdp_go_call(d.plugin.desc, C.int(idx), d.drv, C.uintptr_t(token),
		(*C.char)(unsafe.Pointer(&req[0])), C.size_t(len(req)), &out, &outLen)
	runtime.KeepAlive(req)
	body := d.plugin.takeOutput(out, outLen)
	if rc == C.VDP_OK {
		if body == nil {
			body = []byte("{}")
		}
		return body, nil
	}
	e := parseError(int32(rc), op, body)
	wipe(body)
	e.cause = contextCause(ctx, e.Status)
	return nil, e
}

// deadlineSlack is how close to the context's deadline a TIMEOUT counts as that deadline: the plugin
// keeps time with its own clock from the remaining milliseconds it read, so it may answer a moment
// before the context's timer fires.
const deadlineSlack = 50 * time.Millisecond

// contextCause returns the context error a TIMEOUT or CANCELLED answer stands for, if any.
func contextCause(ctx context.Context, status Status) error {
	switch status {
	case StatusCancelled:
		if err := ctx.Err(); errors.Is(err, context.Canceled) {
			return err
		}
	case StatusTimeout:
		if err := ctx.Err(); errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < deadlineSlack {
			return context.DeadlineExceeded
		}
	}
	return nil
}

// wipe zeroes a buffer that may have held secrets.
func wipe(b []byte) {
	for i := range b {
		b[i] = 0
	}
}
