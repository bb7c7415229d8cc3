package vdp

import (
	"context"
	"math"
	"time"
)

// ProgressFunc receives the progress of a long wait inside a call (a clone, a pairing): done out of
// total (total 0 = unknown) and a short message. It runs on the calling goroutine's thread, inside the
// call; it must return quickly and must not call the Driver.
type ProgressFunc func(done, total uint64, message string)

type contextValuesKey struct{}
type progressKey struct{}

// WithContextValue returns a copy of ctx that offers key=value to the plugin through the context_get
// callback. The keys vdp.h names are "request_id", "project_id" and "user_id".
func WithContextValue(ctx context.Context, key, value string) context.Context {
	old, _ := ctx.Value(contextValuesKey{}).(map[string]string)
	values := make(map[string]string, len(old)+1)
	for k, v := range old {
		values[k] = v
	}
	values[key] = value
	return context.WithValue(ctx, contextValuesKey{}, values)
}

// WithRequestID returns a copy of ctx whose calls carry this request id: the plugin logs it and returns
// it in error objects (Error.RequestID).
func WithRequestID(ctx context.Context, id string) context.Context {
	return WithContextValue(ctx, "request_id", id)
}

// WithProgress returns a copy of ctx whose calls report progress to fn.
func WithProgress(ctx context.Context, fn ProgressFunc) context.Context {
	return context.WithValue(ctx, progressKey{}, fn)
}

// callState is what a call's vdp_context token stands for (through a cgo.Handle): the Go context and
// what was read from it when the call started.
type callState struct {
	ctx      context.Context
	values   map[string]string
	progress ProgressFunc
}

func newCallState(ctx context.Context) *callState {
	cs := &callState{ctx: ctx}
	cs.values, _ = ctx.Value(contextValuesKey{}).(map[string]string)
	cs.progress, _ = ctx.Value(progressKey{}).(ProgressFunc)
	return cs
}

// remainingMs maps the context's deadline to context_remaining_ms: VDP_NO_DEADLINE (math.MaxInt64)
// without one, <= 0 once it has passed.
func (cs *callState) remainingMs() int64 {
	deadline, ok := cs.ctx.Deadline()
	if !ok {
		return math.MaxInt64
	}
	left := time.Until(deadline)
	if left <= 0 {
		return 0
	}
	// Round up so that a sub-millisecond remainder is not reported as "expired".
	return int64((left + time.Millisecond - 1) / time.Millisecond)
}

// cancelled maps cancellation to context_cancelled. Only cancellation counts: a passed deadline is the
// plugin's own business (it keeps time from context_remaining_ms and answers TIMEOUT).
func (cs *callState) cancelled() bool {
	select {
	case <-cs.ctx.Done():
		return cs.ctx.Err() == context.Canceled
	default:
		return false
	}
}
