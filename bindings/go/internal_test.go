package vdp

import (
	"errors"
	"testing"
)

// The binding's status table equals vdp.h's vdp_status_name, number by number.
func TestStatusNamesMatchHeader(t *testing.T) {
	for s := Status(-1); s <= 20; s++ {
		if got, want := s.String(), cStatusName(s); got != want {
			t.Errorf("Status(%d).String() = %q, vdp_status_name = %q", int32(s), got, want)
		}
	}
}

// Every failure status has a sentinel that matches an *Error of that status and no other.
func TestSentinels(t *testing.T) {
	sentinels := []error{ErrInvalidArgument, ErrNotFound, ErrAlreadyExists, ErrFailedPrecondition,
		ErrResourceExhausted, ErrAborted, ErrNotSupported, ErrConfig, ErrAuth, ErrBackend, ErrUnavailable,
		ErrTimeout, ErrCancelled, ErrABIMismatch, ErrInternal, ErrBufferTooSmall}
	if len(sentinels) != len(statusNames)-1 {
		t.Fatalf("%d sentinels for %d failure statuses", len(sentinels), len(statusNames)-1)
	}
	for i, sentinel := range sentinels {
		status := Status(i + 1)
		err := error(parseError(int32(status), "op", []byte(`{"status":"`+status.String()+`"}`)))
		for j, other := range sentinels {
			if got := errors.Is(err, other); got != (i == j) {
				t.Errorf("errors.Is(%v, %v) = %v", err, other, got)
			}
		}
		if sentinel.Error() != "vdp: "+status.String() {
			t.Errorf("sentinel text %q", sentinel.Error())
		}
	}
	// An unknown number is INTERNAL and keeps the number.
	e := parseError(99, "op", nil)
	if e.Status != StatusInternal || e.Code != 99 || !errors.Is(e, ErrInternal) {
		t.Errorf("unknown status: %#v", e)
	}
}

func TestParseErrorObject(t *testing.T) {
	body := `{"status":"INVALID_ARGUMENT","code":1,"message":"volume.size: must be at least 1 (GiB)",
	 "operation":"create_volume","backend_error":"xBad","retryable":false,"outcome_unknown":false,
	 "request_id":"req-1","details":{"field":"volume.size"}}`
	e := parseError(1, "x", []byte(body))
	if e.Status != StatusInvalidArgument || e.Field != "volume.size" || e.Operation != "create_volume" ||
		e.RequestID != "req-1" || e.BackendError != "xBad" || e.Message == "" || e.Retryable || e.OutcomeUnknown {
		t.Errorf("parsed %#v", e)
	}
	if e := parseError(12, "x", []byte(`{"outcome_unknown":true,"retryable":true,"backend_error":null}`)); !e.OutcomeUnknown || !e.Retryable || e.BackendError != "" {
		t.Errorf("parsed %#v", e)
	}
}
