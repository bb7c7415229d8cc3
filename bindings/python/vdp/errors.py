"""Exceptions: one class per vdp_status of vdp.h, carrying the plugin's error object."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from . import _abi


class Error(Exception):
    """A failed plugin call. Attributes mirror the plugin's error object (vdp.h, "Error object")."""

    CODE: ClassVar[int] = _abi.E_INTERNAL

    def __init__(self, message: str = "", *, code: int | None = None, field: str | None = None,
                 backend_error: str | None = None, retryable: bool = False, outcome_unknown: bool = False,
                 request_id: str | None = None, operation: str | None = None,
                 details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code: int = self.CODE if code is None else code
        self.status: str = _abi.status_name(self.code)
        self.message: str = message
        self.details: dict[str, Any] = dict(details or {})
        self.field: str | None = field if field is not None else _str_or_none(self.details.get("field"))
        self.backend_error: str | None = backend_error
        self.retryable: bool = retryable
        self.outcome_unknown: bool = outcome_unknown
        self.request_id: str | None = request_id
        self.operation: str | None = operation

    def __str__(self) -> str:
        text = f"{self.status}: {self.message}" if self.message else self.status
        if self.operation and not self.message.startswith(self.operation):
            text = f"{self.operation}: {text}"
        if self.field and self.field not in self.message:
            text += f" (field {self.field})"
        return text

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.message, self.to_dict()))

    def to_dict(self) -> dict[str, Any]:
        """The error object (as the plugin would write it)."""
        return {"status": self.status, "code": self.code, "message": self.message, "operation": self.operation,
                "backend_error": self.backend_error, "retryable": self.retryable,
                "outcome_unknown": self.outcome_unknown, "request_id": self.request_id,
                "details": dict(self.details)}


class InvalidArgument(Error):
    """Malformed request or bad value; `field` names the request field."""
    CODE = _abi.E_INVALID_ARGUMENT


class NotFound(Error):
    """The object does not exist."""
    CODE = _abi.E_NOT_FOUND


class AlreadyExists(Error):
    """A conflicting object exists."""
    CODE = _abi.E_ALREADY_EXISTS


class FailedPrecondition(Error):
    """State forbids it (has snapshots, busy, not set up)."""
    CODE = _abi.E_FAILED_PRECONDITION


class ResourceExhausted(Error):
    """Cluster or account limits."""
    CODE = _abi.E_RESOURCE_EXHAUSTED


class Aborted(Error):
    """Lost a race; may be retried."""
    CODE = _abi.E_ABORTED


class NotSupported(Error):
    """Operation or option not implemented by this plugin."""
    CODE = _abi.E_NOT_SUPPORTED


class Config(Error):
    """Configuration invalid; `field` names the option."""
    CODE = _abi.E_CONFIG


class Auth(Error):
    """The backend rejected the credentials."""
    CODE = _abi.E_AUTH


class Backend(Error):
    """The backend returned an error not covered by another status."""
    CODE = _abi.E_BACKEND


class Unavailable(Error):
    """Backend unreachable, busy or not set up yet: nothing done, retry later."""
    CODE = _abi.E_UNAVAILABLE


class Timeout(Error):
    """Deadline passed or a reply was lost; check `outcome_unknown`."""
    CODE = _abi.E_TIMEOUT


class Cancelled(Error):
    """Cancelled by the host; check `outcome_unknown`."""
    CODE = _abi.E_CANCELLED


class AbiMismatch(Error):
    """Host and plugin ABI majors differ."""
    CODE = _abi.E_ABI_MISMATCH


class Internal(Error):
    """Bug or unexpected condition inside the plugin (also any status number this binding does not know)."""
    CODE = _abi.E_INTERNAL


class BufferTooSmall(Error):
    """Host getters only; never expected from an operation."""
    CODE = _abi.E_BUFFER_TOO_SMALL


class ClosedError(RuntimeError):
    """The driver was closed (or is closing); no plugin call was made."""


ERRORS_BY_CODE: dict[int, type[Error]] = {cls.CODE: cls for cls in (
    InvalidArgument, NotFound, AlreadyExists, FailedPrecondition, ResourceExhausted, Aborted, NotSupported,
    Config, Auth, Backend, Unavailable, Timeout, Cancelled, AbiMismatch, Internal, BufferTooSmall)}


def error_class(code: int) -> type[Error]:
    """The exception class for a status number (Internal for unknown numbers)."""
    return ERRORS_BY_CODE.get(code, Internal)


def from_error_object(code: int, text: str | None, operation: str) -> Error:
    """Builds the exception for a failed call from its return code and error object text (may be None).

    The return code is authoritative (vdp.h): it picks the class and `code`, whatever the text says.
    """
    obj: dict[str, Any] = {}
    if text:
        try:
            parsed = json.loads(text)
            if isinstance(parsed, dict):
                obj = parsed
        except ValueError:
            pass
    message = obj.get("message")
    if not isinstance(message, str):
        message = text if (text and not obj) else f"plugin returned {_abi.status_name(code)} without an error object"
    details = obj.get("details")
    return error_class(code)(
        message, code=code, details=details if isinstance(details, dict) else None,
        backend_error=_str_or_none(obj.get("backend_error")), retryable=obj.get("retryable") is True,
        outcome_unknown=obj.get("outcome_unknown") is True, request_id=_str_or_none(obj.get("request_id")),
        operation=_str_or_none(obj.get("operation")) or operation)


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _rebuild(cls: type[Error], message: str, obj: dict[str, Any]) -> Error:
    return cls(message, code=obj.get("code"), details=obj.get("details"), backend_error=obj.get("backend_error"),
               retryable=bool(obj.get("retryable")), outcome_unknown=bool(obj.get("outcome_unknown")),
               request_id=obj.get("request_id"), operation=obj.get("operation"))
