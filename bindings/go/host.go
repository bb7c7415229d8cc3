package vdp

/*
#include "shim.h"
*/
import "C"

import (
	"context"
	"fmt"
	"log"
	"math"
	"runtime/cgo"
	"strings"
	"sync/atomic"
	"time"
	"unsafe"
)

// The host side of vdp.h's vdp_host: Go functions exported to the C trampolines of shim.c. Each one
// recovers from panics, so that nothing unwinds into the plugin (vdp.h: "No exception, panic, longjmp or
// abort crosses this boundary"); a panic is logged and answered with a failure status.
//
// host_data is a cgo.Handle of the driver's *hostState; the vdp_config token of create is a cgo.Handle
// of a *configState and each call's vdp_context token one of a *callState. The plugin only hands them
// back. The C side passes tokens as integers: Go never sees them as pointers.

// hostState is what host_data stands for: the services of one Driver.
type hostState struct {
	log    ContextLogFunc // nil: the log callback is NULL
	locker Locker         // nil: the lock callbacks are NULL
	panics atomic.Uint64  // callbacks that panicked (recovered)
}

// configState is what create's vdp_config token stands for.
type configState struct {
	values map[string]string
}

func hostFrom(hostData C.uintptr_t) *hostState {
	return cgo.Handle(hostData).Value().(*hostState)
}

// callFrom resolves a vdp_context token; nil for NULL (outside a call).
func callFrom(token C.uintptr_t) *callState {
	if token == 0 {
		return nil
	}
	return cgo.Handle(token).Value().(*callState)
}

// recovered logs a panic of callback (recovered) and counts it.
func recovered(hostData C.uintptr_t, callback string, r any) {
	hostProblem(hostData, callback, fmt.Sprintf(
		"vdp: host callback %s panicked (recovered, reported to the plugin as a failure): %v", callback, r), true)
}

// hostProblem logs a failure of host code inside callback. The log callback's own problems go to the
// standard logger, everything else to the driver's log function when there is one.
func hostProblem(hostData C.uintptr_t, callback, msg string, panicked bool) {
	defer func() {
		if r := recover(); r != nil {
			log.Printf("vdp: logging a failure of host callback %s panicked: %v (failure: %s)", callback, r, msg)
		}
	}()
	var hs *hostState
	if hostData != 0 {
		hs, _ = cgo.Handle(hostData).Value().(*hostState)
	}
	if hs != nil && panicked {
		hs.panics.Add(1)
	}
	if hs != nil && hs.log != nil && callback != "log" {
		hs.log(context.Background(), LevelError, msg)
		return
	}
	log.Print(msg)
}

// copyOut answers a getter with the PKCS#11-style protocol of vdp.h: *needed = size with the NUL; the
// value is copied only when buf holds it (else BUFFER_TOO_SMALL, nothing written).
func copyOut(value string, buf *C.char, bufLen C.size_t, needed *C.size_t) C.vdp_status {
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

//export vdpGoConfigGet
func vdpGoConfigGet(hostData, cfg C.uintptr_t, key, buf *C.char, bufLen C.size_t, needed *C.size_t) (rc C.vdp_status) {
	defer func() {
		if r := recover(); r != nil {
			recovered(hostData, "config_get", r)
			rc = C.VDP_E_INTERNAL
		}
	}()
	if cfg == 0 || key == nil {
		return C.VDP_E_INVALID_ARGUMENT
	}
	conf := cgo.Handle(cfg).Value().(*configState)
	value, ok := conf.values[C.GoString(key)]
	if !ok {
		return C.VDP_E_NOT_FOUND
	}
	return copyOut(value, buf, bufLen, needed)
}

//export vdpGoContextGet
func vdpGoContextGet(hostData, ctx C.uintptr_t, key, buf *C.char, bufLen C.size_t, needed *C.size_t) (rc C.vdp_status) {
	defer func() {
		if r := recover(); r != nil {
			recovered(hostData, "context_get", r)
			rc = C.VDP_E_INTERNAL
		}
	}()
	cs := callFrom(ctx)
	if cs == nil || key == nil {
		return C.VDP_E_NOT_FOUND
	}
	value, ok := cs.values[C.GoString(key)]
	if !ok {
		return C.VDP_E_NOT_FOUND
	}
	return copyOut(value, buf, bufLen, needed)
}

//export vdpGoContextRemainingMs
func vdpGoContextRemainingMs(hostData, ctx C.uintptr_t) (ms C.int64_t) {
	defer func() {
		if r := recover(); r != nil {
			recovered(hostData, "context_remaining_ms", r)
			ms = C.int64_t(math.MaxInt64)
		}
	}()
	cs := callFrom(ctx)
	if cs == nil {
		return C.int64_t(math.MaxInt64) // VDP_NO_DEADLINE
	}
	return C.int64_t(cs.remainingMs())
}

//export vdpGoContextCancelled
func vdpGoContextCancelled(hostData, ctx C.uintptr_t) (cancelled C.int32_t) {
	defer func() {
		if r := recover(); r != nil {
			recovered(hostData, "context_cancelled", r)
			cancelled = 0
		}
	}()
	if cs := callFrom(ctx); cs != nil && cs.cancelled() {
		return 1
	}
	return 0
}

//export vdpGoContextProgress
func vdpGoContextProgress(hostData, ctx C.uintptr_t, done, total C.uint64_t, message *C.char) {
	defer func() {
		if r := recover(); r != nil {
			recovered(hostData, "context_progress", r)
		}
	}()
	cs := callFrom(ctx)
	if cs == nil || cs.progress == nil {
		return
	}
	msg := ""
	if message != nil {
		msg = C.GoString(message)
	}
	cs.progress(uint64(done), uint64(total), msg)
}

//export vdpGoLog
func vdpGoLog(hostData, ctx C.uintptr_t, level C.int32_t, message *C.char) {
	defer func() {
		if r := recover(); r != nil {
			recovered(hostData, "log", r)
		}
	}()
	hs := hostFrom(hostData)
	if hs.log == nil || message == nil {
		return
	}
	goCtx := context.Background()
	if cs := callFrom(ctx); cs != nil {
		goCtx = cs.ctx
	}
	hs.log(goCtx, Level(level), strings.TrimRight(C.GoString(message), "\n"))
}

//export vdpGoLockAcquire
func vdpGoLockAcquire(hostData, ctx C.uintptr_t, name *C.char, timeoutMs C.int64_t, token *C.uint64_t) (rc C.vdp_status) {
	defer func() {
		if r := recover(); r != nil {
			recovered(hostData, "lock_acquire", r)
			rc = C.VDP_E_INTERNAL
		}
	}()
	if token == nil || name == nil {
		return C.VDP_E_INVALID_ARGUMENT
	}
	*token = 0
	hs := hostFrom(hostData)
	goCtx := context.Background()
	if cs := callFrom(ctx); cs != nil {
		goCtx = cs.ctx
	}
	timeout := time.Duration(-1)
	if timeoutMs >= 0 {
		timeout = time.Duration(timeoutMs) * time.Millisecond
	}
	lockName := C.GoString(name)
	t, err := hs.locker.Acquire(goCtx, lockName, timeout)
	if err != nil {
		s := statusOf(err)
		if s == StatusOK {
			s = StatusUnavailable
		}
		return C.vdp_status(s)
	}
	if t == 0 {
		hostProblem(hostData, "lock_acquire",
			fmt.Sprintf("vdp: Locker.Acquire(%q) returned token 0 without an error: lock refused", lockName), false)
		return C.VDP_E_INTERNAL
	}
	*token = C.uint64_t(t)
	return C.VDP_OK
}

//export vdpGoLockRelease
func vdpGoLockRelease(hostData C.uintptr_t, token C.uint64_t) (rc C.vdp_status) {
	defer func() {
		if r := recover(); r != nil {
			recovered(hostData, "lock_release", r)
			rc = C.VDP_E_INTERNAL
		}
	}()
	hs := hostFrom(hostData)
	if err := hs.locker.Release(uint64(token)); err != nil {
		hostProblem(hostData, "lock_release", fmt.Sprintf("vdp: releasing lock token %d: %v", uint64(token), err), false)
		return C.vdp_status(statusOf(err))
	}
	return C.VDP_OK
}
