package vdp

import (
	"context"
	"fmt"
	"log"
)

// Level is the severity of a plugin log line (VDP_LOG_* of vdp.h).
type Level int32

// The log levels of vdp.h.
const (
	LevelTrace Level = 0
	LevelDebug Level = 1
	LevelInfo  Level = 2
	LevelWarn  Level = 3
	LevelError Level = 4
)

// String returns "TRACE", "DEBUG", "INFO", "WARN" or "ERROR" (or "LEVEL(n)").
func (l Level) String() string {
	switch l {
	case LevelTrace:
		return "TRACE"
	case LevelDebug:
		return "DEBUG"
	case LevelInfo:
		return "INFO"
	case LevelWarn:
		return "WARN"
	case LevelError:
		return "ERROR"
	}
	return fmt.Sprintf("LEVEL(%d)", int32(l))
}

// ContextLogFunc receives one plugin log line (UTF-8, no trailing newline, never a secret) with the
// context of the call it belongs to (context.Background() for lines outside a call). Which levels the
// plugin emits is its configuration (for SolidFire, the option vdp_log_level, default "info").
type ContextLogFunc func(ctx context.Context, level Level, message string)

// Option configures NewDriver. WithLogger, WithLogFunc and WithContextLogFunc replace each other: the
// last one given wins. Without any, the plugin's log lines are dropped (its log callback is NULL).
type Option func(*driverOptions)

type driverOptions struct {
	log      ContextLogFunc
	locker   Locker
	noLocker bool // WithLocks(nil): leave the lock callbacks NULL
}

// WithLogger sends the plugin's log lines to l as "vdp <LEVEL>: <message>".
func WithLogger(l *log.Logger) Option {
	return WithContextLogFunc(func(_ context.Context, level Level, message string) {
		l.Printf("vdp %s: %s", level, message)
	})
}

// WithLogFunc sends the plugin's log lines to fn. fn is called from many goroutines at once, inside
// plugin calls: it must be safe for concurrent use, return quickly and not call the Driver.
func WithLogFunc(fn func(level Level, message string)) Option {
	return WithContextLogFunc(func(_ context.Context, level Level, message string) { fn(level, message) })
}

// WithContextLogFunc is WithLogFunc with the call's context (for request-scoped loggers).
func WithContextLogFunc(fn ContextLogFunc) Option {
	return func(o *driverOptions) { o.log = fn }
}

// WithLocks makes the driver take its named locks from l. Without this option a driver uses one
// in-process LockTable shared by every Driver of the process. WithLocks(nil) leaves the lock callbacks
// out, so the plugin uses its own in-process table (vdp.h's fallback).
func WithLocks(l Locker) Option {
	return func(o *driverOptions) {
		o.locker = l
		o.noLocker = l == nil
	}
}
