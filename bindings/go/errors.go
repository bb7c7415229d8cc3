package vdp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Status is a vdp_status of vdp.h. Its numbers are stable and never reused. A Status is also an error,
// so each status can serve as a sentinel for errors.Is (see ErrNotFound and the others).
type Status int32

// The statuses of vdp.h (VDP_OK, VDP_E_*), with the same numbers.
const (
	StatusOK                 Status = 0
	StatusInvalidArgument    Status = 1
	StatusNotFound           Status = 2
	StatusAlreadyExists      Status = 3
	StatusFailedPrecondition Status = 4
	StatusResourceExhausted  Status = 5
	StatusAborted            Status = 6
	StatusNotSupported       Status = 7
	StatusConfig             Status = 8
	StatusAuth               Status = 9
	StatusBackend            Status = 10
	StatusUnavailable        Status = 11
	StatusTimeout            Status = 12
	StatusCancelled          Status = 13
	StatusABIMismatch        Status = 14
	StatusInternal           Status = 15
	StatusBufferTooSmall     Status = 16
)

var statusNames = [...]string{
	StatusOK:                 "OK",
	StatusInvalidArgument:    "INVALID_ARGUMENT",
	StatusNotFound:           "NOT_FOUND",
	StatusAlreadyExists:      "ALREADY_EXISTS",
	StatusFailedPrecondition: "FAILED_PRECONDITION",
	StatusResourceExhausted:  "RESOURCE_EXHAUSTED",
	StatusAborted:            "ABORTED",
	StatusNotSupported:       "NOT_SUPPORTED",
	StatusConfig:             "CONFIG",
	StatusAuth:               "AUTH",
	StatusBackend:            "BACKEND",
	StatusUnavailable:        "UNAVAILABLE",
	StatusTimeout:            "TIMEOUT",
	StatusCancelled:          "CANCELLED",
	StatusABIMismatch:        "ABI_MISMATCH",
	StatusInternal:           "INTERNAL",
	StatusBufferTooSmall:     "BUFFER_TOO_SMALL",
}

// String returns the status name as vdp_status_name spells it ("NOT_FOUND"); "INTERNAL" for numbers
// this binding does not know.
func (s Status) String() string {
	if s >= 0 && int(s) < len(statusNames) {
		return statusNames[s]
	}
	return "INTERNAL"
}

// Error makes a Status usable as a sentinel error.
func (s Status) Error() string { return "vdp: " + s.String() }

// known reports whether s is one of the numbers of vdp.h.
func (s Status) known() bool { return s >= 0 && int(s) < len(statusNames) }

// Sentinels for errors.Is, one per failure status of vdp.h. Every *Error matches the sentinel of its
// Status: errors.Is(err, vdp.ErrNotFound).
var (
	ErrInvalidArgument    error = StatusInvalidArgument
	ErrNotFound           error = StatusNotFound
	ErrAlreadyExists      error = StatusAlreadyExists
	ErrFailedPrecondition error = StatusFailedPrecondition
	ErrResourceExhausted  error = StatusResourceExhausted
	ErrAborted            error = StatusAborted
	ErrNotSupported       error = StatusNotSupported
	ErrConfig             error = StatusConfig
	ErrAuth               error = StatusAuth
	ErrBackend            error = StatusBackend
	ErrUnavailable        error = StatusUnavailable
	ErrTimeout            error = StatusTimeout
	ErrCancelled          error = StatusCancelled
	ErrABIMismatch        error = StatusABIMismatch
	ErrInternal           error = StatusInternal
	ErrBufferTooSmall     error = StatusBufferTooSmall
)

// ErrClosed is returned by calls on a Driver or Plugin after Close.
var ErrClosed = errors.New("vdp: closed")

// Error is a failed call: the plugin's error object (vdp.h, "Error object"), or an error the binding
// made itself in the same shape (an operation the plugin does not serve, a context already done before
// the call, a request that could not be encoded).
type Error struct {
	// Status is the authoritative status: the call's return code. A number this binding does not know
	// reads as StatusInternal (vdp.h); Code keeps it.
	Status Status
	// Code is the status number as returned, kept for logs.
	Code int32
	// Message is the plugin's human-readable text. It never contains configured secrets.
	Message string
	// Field names the offending request field (dotted path) or configuration option (details.field);
	// set for INVALID_ARGUMENT and CONFIG.
	Field string
	// BackendError is the backend's own error name ("xVolumeIDDoesNotExist"), if any.
	BackendError string
	// Retryable is true when repeating the same request later may succeed.
	Retryable bool
	// OutcomeUnknown is true when a change may have been applied (only with TIMEOUT or CANCELLED):
	// repeat the same request to learn the outcome.
	OutcomeUnknown bool
	// RequestID is the request id the plugin read from the call's context (see WithRequestID).
	RequestID string
	// Operation is the operation that failed ("create_volume", or "create" for NewDriver).
	Operation string
	// Details is the error object's "details" member as decoded JSON (may be nil).
	Details map[string]any

	cause error
}

// Error formats the error as "vdp: <operation>: <STATUS>: <message>".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("vdp: ")
	if e.Operation != "" {
		b.WriteString(e.Operation)
		b.WriteString(": ")
	}
	b.WriteString(e.Status.String())
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.Field != "" && !strings.Contains(e.Message, e.Field) {
		fmt.Fprintf(&b, " (field %s)", e.Field)
	}
	if e.OutcomeUnknown {
		b.WriteString(" (outcome unknown: repeat the same request)")
	}
	return b.String()
}

// Is reports whether target is e's Status (the sentinels ErrNotFound, ... or a Status value), or an
// *Error with the same Status.
func (e *Error) Is(target error) bool {
	switch t := target.(type) {
	case Status:
		return e.Status == t
	case *Error:
		return t != nil && e.Status == t.Status
	}
	return false
}

// Unwrap returns the cause of an error the binding made itself (context.Canceled, a JSON encoding
// error, ...), nil for the plugin's error objects.
func (e *Error) Unwrap() error { return e.cause }

// errorObject is the JSON shape of the plugin's error object.
type errorObject struct {
	Status         string          `json:"status"`
	Code           *int32          `json:"code"`
	Message        string          `json:"message"`
	Operation      string          `json:"operation"`
	BackendError   *string         `json:"backend_error"`
	Retryable      bool            `json:"retryable"`
	OutcomeUnknown bool            `json:"outcome_unknown"`
	RequestID      *string         `json:"request_id"`
	Details        json.RawMessage `json:"details"`
}

// parseError builds the *Error of a failed call from its return code and error object (body may be
// empty: the plugin could not allocate one).
func parseError(rc int32, op string, body []byte) *Error {
	e := &Error{Status: Status(rc), Code: rc, Operation: op}
	if !e.Status.known() || e.Status == StatusOK {
		// Unknown numbers are INTERNAL (vdp.h); OK with a failure is a broken plugin.
		e.Status = StatusInternal
	}
	if len(body) == 0 {
		e.Message = "the plugin returned no error object (out of memory?)"
		return e
	}
	var obj errorObject
	if err := json.Unmarshal(body, &obj); err != nil {
		e.Message = "unparsable error object: " + truncate(string(body), 200)
		return e
	}
	e.Message = obj.Message
	if obj.Operation != "" {
		e.Operation = obj.Operation
	}
	if obj.BackendError != nil {
		e.BackendError = *obj.BackendError
	}
	e.Retryable = obj.Retryable
	e.OutcomeUnknown = obj.OutcomeUnknown
	if obj.RequestID != nil {
		e.RequestID = *obj.RequestID
	}
	if len(obj.Details) > 0 && string(obj.Details) != "null" {
		var details map[string]any
		if json.Unmarshal(obj.Details, &details) == nil {
			e.Details = details
			if f, ok := details["field"].(string); ok {
				e.Field = f
			}
		}
	}
	return e
}

// localError is an *Error made by the binding itself.
func localError(status Status, op, message string, cause error) *Error {
	return &Error{Status: status, Code: int32(status), Operation: op, Message: message, cause: cause,
		Retryable: status == StatusUnavailable || status == StatusAborted}
}

// contextError is the error of a call whose context was already done before it started: nothing was
// sent, so the outcome is known.
func contextError(op string, err error) *Error {
	if errors.Is(err, context.DeadlineExceeded) {
		return localError(StatusTimeout, op, "context deadline passed before the call started", err)
	}
	return localError(StatusCancelled, op, "context cancelled before the call started", err)
}

// statusOf maps an error returned by host code (a Locker) to the status the ABI expects.
func statusOf(err error) Status {
	var ve *Error
	var s Status
	switch {
	case err == nil:
		return StatusOK
	case errors.As(err, &ve):
		return ve.Status
	case errors.As(err, &s):
		return s
	case errors.Is(err, context.DeadlineExceeded):
		return StatusTimeout
	case errors.Is(err, context.Canceled):
		return StatusCancelled
	}
	return StatusUnavailable
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
