package vdp

/*
#cgo CFLAGS: -I${SRCDIR} -I${SRCDIR}/../../abi/include
#cgo LDFLAGS: -ldl
#include <stdlib.h>
#include <string.h>
#include "shim.h"
*/
import "C"

import (
	"fmt"
	"sync"
	"unsafe"
)

// Version is an ABI or schema version of vdp.h: major << 16 | minor.
type Version uint32

// Major is the version's major number: equal majors are compatible.
func (v Version) Major() uint32 { return uint32(v) >> 16 & 0xffff }

// Minor is the version's minor number: a higher minor only appends.
func (v Version) Minor() uint32 { return uint32(v) & 0xffff }

// String formats the version as "major.minor".
func (v Version) String() string { return fmt.Sprintf("%d.%d", v.Major(), v.Minor()) }

// ABIVersion is the VDP_ABI_VERSION of the vdp.h this binding was compiled against.
const ABIVersion = Version(C.VDP_ABI_VERSION)

// SchemaVersion is the VDP_SCHEMA_VERSION (JSON shapes) of the vdp.h this binding was compiled against.
const SchemaVersion = Version(C.VDP_SCHEMA_VERSION)

// Plugin is a loaded vdp plugin: its static descriptor. It is safe for concurrent use.
type Plugin struct {
	path    string
	handle  unsafe.Pointer
	desc    *C.vdp_plugin
	name    string
	vendor  string
	version string
	slots   []bool // by operation index: the slot is non-NULL
	abi     Version
	schema  Version

	mu      sync.Mutex
	closed  bool
	drivers int // drivers not yet closed; the library is released after the last one
}

// Open loads the plugin at pluginPath (dlopen with RTLD_NOW|RTLD_LOCAL), calls its vdp_plugin_entry and
// checks that its ABI major equals this binding's. A different major is an *Error with
// StatusABIMismatch naming both versions.
func Open(pluginPath string) (*Plugin, error) {
	cpath := C.CString(pluginPath)
	defer C.free(unsafe.Pointer(cpath))
	errbuf := make([]byte, 512)
	handle := C.vdp_go_dlopen(cpath, (*C.char)(unsafe.Pointer(&errbuf[0])), C.size_t(len(errbuf)))
	if handle == nil {
		return nil, fmt.Errorf("vdp: open %s: %s", pluginPath, cString(errbuf))
	}
	var pluginABI C.uint32_t
	var desc *C.vdp_plugin
	rc := C.vdp_go_entry(handle, &pluginABI, &desc, (*C.char)(unsafe.Pointer(&errbuf[0])), C.size_t(len(errbuf)))
	fail := func(err error) (*Plugin, error) {
		C.vdp_go_dlclose(handle)
		return nil, err
	}
	switch {
	case rc == -1:
		return fail(fmt.Errorf("vdp: open %s: not a vdp plugin: %s", pluginPath, cString(errbuf)))
	case Status(rc) == StatusABIMismatch || (rc == C.VDP_OK && desc != nil &&
		Version(desc.abi_version).Major() != ABIVersion.Major()):
		return fail(localError(StatusABIMismatch, "open", fmt.Sprintf(
			"%s: plugin ABI %s, host ABI %s: majors differ", pluginPath, Version(pluginABI), ABIVersion), nil))
	case rc != C.VDP_OK || desc == nil:
		return fail(localError(StatusInternal, "open", fmt.Sprintf("%s: vdp_plugin_entry returned %s",
			pluginPath, Status(rc)), nil))
	case C.vdp_go_has_core(desc) == 0:
		return fail(localError(StatusABIMismatch, "open",
			pluginPath+": descriptor lacks create, destroy or free_string", nil))
	}
	p := &Plugin{path: pluginPath, handle: handle, desc: desc, name: C.GoString(desc.name),
		vendor: C.GoString(desc.vendor), version: C.GoString(desc.driver_version), slots: make([]bool, len(opNames)),
		abi: Version(desc.abi_version), schema: Version(desc.schema_version)}
	for i := range opNames {
		p.slots[i] = C.vdp_go_has_op(desc, C.int(i)) != 0
	}
	return p, nil
}

// Path is the path the plugin was opened from.
func (p *Plugin) Path() string { return p.path }

// Name is the plugin's name ("solidfire").
func (p *Plugin) Name() string { return p.name }

// Vendor is the plugin's vendor string.
func (p *Plugin) Vendor() string { return p.vendor }

// DriverVersion is the plugin's version ("0.1.0").
func (p *Plugin) DriverVersion() string { return p.version }

// ABIVersion is the plugin's VDP_ABI_VERSION.
func (p *Plugin) ABIVersion() Version { return p.abi }

// SchemaVersion is the plugin's VDP_SCHEMA_VERSION (its JSON request/result shapes).
func (p *Plugin) SchemaVersion() Version { return p.schema }

// HasSlot reports whether the plugin's descriptor has a non-NULL slot for the operation named op
// ("setup" or a VDP_OPERATIONS name). Calls of an absent slot fail with ErrNotSupported without reaching
// the plugin. A present slot may still answer NOT_SUPPORTED to every request: Driver.Describe lists the
// operations a plugin actually serves.
func (p *Plugin) HasSlot(op string) bool {
	i, ok := opIndex[op]
	return ok && p.slots[i]
}

// Slots lists "setup" and the operations whose descriptor slots are non-NULL, in descriptor order (see
// HasSlot).
func (p *Plugin) Slots() []string {
	var ops []string
	for i, name := range opNames {
		if p.slots[i] {
			ops = append(ops, name)
		}
	}
	return ops
}

// Close releases the plugin. Drivers already made stay usable; the library is released once they are
// closed too (plugins built with -z nodelete are never unmapped anyway). NewDriver fails after Close.
// Close is idempotent.
func (p *Plugin) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil
	}
	p.closed = true
	p.releaseLocked()
	return nil
}

// acquire registers a new driver; false after Close.
func (p *Plugin) acquire() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.drivers++
	return true
}

// release unregisters a driver made by acquire.
func (p *Plugin) release() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.drivers--
	p.releaseLocked()
}

func (p *Plugin) releaseLocked() {
	if p.closed && p.drivers == 0 && p.handle != nil {
		C.vdp_go_dlclose(p.handle)
		p.handle = nil
	}
}

// freeString releases a string the plugin returned through out.
func (p *Plugin) freeString(s *C.char) {
	if s != nil {
		C.vdp_go_free_string(p.desc, s)
	}
}

// takeOutput copies a plugin-owned result into Go memory and releases it with free_string.
func (p *Plugin) takeOutput(out *C.char, outLen C.size_t) []byte {
	if out == nil {
		return nil
	}
	n := int(outLen)
	if n == 0 {
		n = int(C.strlen(out))
	}
	b := make([]byte, n)
	copy(b, unsafe.Slice((*byte)(unsafe.Pointer(out)), n))
	p.freeString(out)
	return b
}

// cString returns the NUL-terminated text at the start of b.
func cString(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}
