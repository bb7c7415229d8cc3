package vdp

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Locker provides the named locks of vdp.h (lock_acquire / lock_release). The plugin takes them around
// changes to shared backend objects; every driver that manages the same backend, in this process or on
// other machines, must see the same lock namespace, so a deployment with several hosts backs Locker
// with a distributed lock service.
//
// Both methods are called on the goroutine that is inside a plugin call, during that call, and from
// many calls at once: they must be safe for concurrent use, must not call the Driver, and should not
// panic (a panic is recovered, logged and reported to the plugin as a failure).
type Locker interface {
	// Acquire blocks until the lock called name is held and returns a non-zero token for Release.
	// timeout < 0 waits without limit; ctx is the call's context (its deadline and cancellation bound
	// the wait as well). On timeout return an error matching ErrTimeout or context.DeadlineExceeded;
	// when ctx is cancelled, one matching ErrCancelled or context.Canceled. Any other error makes the
	// operation fail as UNAVAILABLE (retryable).
	Acquire(ctx context.Context, name string, timeout time.Duration) (token uint64, err error)
	// Release releases the lock that Acquire returned token for. It is called exactly once per token,
	// also when the operation failed or its context is done, so it must not depend on that context.
	// Its error is logged; the plugin does not act on it.
	Release(token uint64) error
}

// LockTable is an in-process Locker: named mutexes shared by every Driver that uses the same table.
// The zero value is not usable; make one with NewLockTable. Drivers made without WithLocks share one
// process-wide table.
type LockTable struct {
	mu     sync.Mutex
	held   map[string]chan struct{} // name -> closed when released
	tokens map[uint64]string
	next   uint64
}

// NewLockTable returns an empty lock table.
func NewLockTable() *LockTable {
	return &LockTable{held: make(map[string]chan struct{}), tokens: make(map[uint64]string)}
}

// defaultLocks is the table of drivers made without WithLocks.
var defaultLocks = NewLockTable()

// Acquire implements Locker.
func (t *LockTable) Acquire(ctx context.Context, name string, timeout time.Duration) (uint64, error) {
	var expired <-chan time.Time
	if timeout >= 0 {
		timer := time.NewTimer(timeout)
		defer timer.Stop()
		expired = timer.C
	}
	for {
		t.mu.Lock()
		wait, busy := t.held[name]
		if !busy {
			t.held[name] = make(chan struct{})
			t.next++
			token := t.next
			t.tokens[token] = name
			t.mu.Unlock()
			return token, nil
		}
		t.mu.Unlock()
		select {
		case <-wait:
		case <-expired:
			return 0, ErrTimeout
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
}

// Release implements Locker.
func (t *LockTable) Release(token uint64) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	name, ok := t.tokens[token]
	if !ok {
		return errors.New("vdp: release of an unknown lock token")
	}
	delete(t.tokens, token)
	close(t.held[name])
	delete(t.held, name)
	return nil
}
