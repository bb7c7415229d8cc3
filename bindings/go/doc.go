// Package vdp is the Go binding of the vdp volume driver plugin ABI (abi/include/vdp/vdp.h): it loads a
// plugin such as vdp_solidfire.so with dlopen, makes drivers from a configuration and runs the
// operations of VDP_OPERATIONS with typed requests and results (abi/docs/operations.md).
//
//	p, err := vdp.Open("/usr/lib/vdp/plugins/vdp_solidfire.so")
//	d, err := p.NewDriver(vdp.Config{"san_ip": "10.0.0.5", "san_login": "admin", "san_password": pw})
//	defer d.Close()
//	err = d.Setup(ctx)
//	mu, err := d.CreateVolume(ctx, vdp.CreateVolumeRequest{Volume: vdp.Volume{ID: id, Size: 10}})
//
// Contexts: a call's deadline is what the plugin reads through context_remaining_ms (once, at the start
// of the call), its cancellation what context_cancelled reports (polled by the plugin about every
// 100 ms during waits); WithRequestID and WithContextValue feed context_get, WithProgress receives
// context_progress.
//
// Errors are *Error values carrying the plugin's error object; errors.Is matches them against ErrNotFound
// and the other sentinels, one per status of vdp.h.
//
// A Driver is safe for concurrent use. Host callbacks (log function, Locker, progress function) run on
// the calling goroutine inside a plugin call: they must be safe for concurrent use, return promptly and
// never call the Driver; a panic in one is recovered, logged and answered to the plugin as a failure.
package vdp
