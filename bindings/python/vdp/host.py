"""Host services (the vdp_host table of vdp.h) implemented in Python.

Every callback catches everything it raises (vdp.h: nothing unwinds across the boundary): the failure is
logged on the ``vdp`` logger and the callback answers the ABI's failure value for it.
"""

from __future__ import annotations

import ctypes
import inspect
import itertools
import logging
import math
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, Union

from . import _abi

TRACE = 5  # Python level for VDP_LOG_TRACE
if logging.getLevelName(TRACE) == f"Level {TRACE}":
    logging.addLevelName(TRACE, "TRACE")

_PY_LEVELS = {_abi.LOG_TRACE: TRACE, _abi.LOG_DEBUG: logging.DEBUG, _abi.LOG_INFO: logging.INFO,
              _abi.LOG_WARN: logging.WARNING, _abi.LOG_ERROR: logging.ERROR}

_log = logging.getLogger("vdp")  # the binding's own messages
_pending = threading.local()  # .exc: a KeyboardInterrupt/SystemExit caught in a callback on this thread

LogFunction = Callable[[int, str], None]
Logger = Union[logging.Logger, logging.LoggerAdapter, LogFunction]
ProgressFunction = Callable[[int, int, str], None]


def python_level(vdp_level: int) -> int:
    """VDP_LOG_* to a `logging` level (TRACE is 5; unknown levels below TRACE/above ERROR clamp)."""
    if vdp_level in _PY_LEVELS:
        return _PY_LEVELS[vdp_level]
    return TRACE if vdp_level < 0 else logging.ERROR


class CancelToken:
    """Cancellation flag for one or more calls; `cancel()` may be called from any thread."""

    __slots__ = ("_event",)

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        """Asks every call carrying this token to stop (the plugin polls about every 100 ms)."""
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Blocks until cancelled or `timeout` seconds pass; returns `cancelled`."""
        return self._event.wait(timeout)

    def __repr__(self) -> str:
        return f"CancelToken(cancelled={self.cancelled})"


class Locks(Protocol):
    """Named exclusive locks shared by every driver of one backend (vdp.h, lock_acquire).

    `acquire(name)` may also take `timeout` (seconds, None = no limit of its own) as its second argument
    and a `cancel` keyword (the call's CancelToken or None); it returns False when the timeout passes or
    the call is cancelled first, anything else (None included) once the lock is held. `release(name)`
    releases it. Both are called from plugin threads, concurrently.
    """

    def acquire(self, name: str, timeout: float | None = None) -> bool | None: ...

    def release(self, name: str) -> None: ...


class LockTable:
    """In-process named locks (the default: one table for every driver of this process)."""

    _POLL = 0.1  # seconds between cancellation checks while waiting

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._held: set[str] = set()

    def acquire(self, name: str, timeout: float | None = None, *, cancel: CancelToken | None = None) -> bool:
        """Takes `name`; False if `timeout` passes or `cancel` is cancelled first."""
        until = None if timeout is None else time.monotonic() + max(timeout, 0.0)
        with self._cond:
            while name in self._held:
                if cancel is not None and cancel.cancelled:
                    return False
                wait = self._POLL if cancel is not None else None
                if until is not None:
                    left = until - time.monotonic()
                    if left <= 0:
                        return False
                    wait = left if wait is None else min(wait, left)
                self._cond.wait(wait)
            self._held.add(name)
            return True

    def release(self, name: str) -> None:
        """Releases `name`; ValueError if it is not held."""
        with self._cond:
            if name not in self._held:
                raise ValueError(f"lock {name!r} is not held")
            self._held.remove(name)
            self._cond.notify_all()

    def held(self) -> list[str]:
        """Names currently held."""
        with self._cond:
            return sorted(self._held)


DEFAULT_LOCKS = LockTable()


@dataclass
class CallState:
    """What one plugin call's vdp_context token stands for."""

    token: int
    operation: str
    request_id: str
    deadline: float | None  # time.monotonic() value, None = no deadline
    cancel: CancelToken | None
    progress: ProgressFunction | None
    values: dict[str, bytes] = field(default_factory=dict)  # context_get answers


def _encode_value(value: Any) -> bytes:
    if isinstance(value, bool):
        value = "true" if value else "false"
    elif isinstance(value, (int, float)):
        value = str(value)
    if not isinstance(value, str):
        raise TypeError(f"value must be a string, not {type(value).__name__}")
    data = value.encode("utf-8")
    if b"\0" in data:
        raise ValueError("value contains a NUL character")
    return data


def _copy_out(data: bytes, buf: int | None, buf_len: int, needed: Any) -> int:
    """The getter protocol of vdp.h: *needed = size with the NUL; copy only when it fits."""
    size = len(data) + 1
    if needed:
        needed[0] = size
    if not buf or buf_len < size:
        return _abi.E_BUFFER_TOO_SMALL
    ctypes.memmove(buf, data + b"\0", size)
    return _abi.OK


def _lock_arguments(locks: Any) -> tuple[bool, bool]:
    """(passes timeout, passes cancel) for locks.acquire, judged from its signature."""
    for method in ("acquire", "release"):
        if not callable(getattr(locks, method, None)):
            raise TypeError(f"locks must have callable acquire() and release(), {type(locks).__name__} lacks {method}")
    try:
        params = list(inspect.signature(locks.acquire).parameters.values())
    except (TypeError, ValueError):
        return True, False
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    var_pos = any(p.kind == p.VAR_POSITIONAL for p in params)
    var_kw = any(p.kind == p.VAR_KEYWORD for p in params)
    takes_cancel = var_kw or any(p.name == "cancel" and p.kind != p.POSITIONAL_ONLY for p in params)
    return var_pos or len(positional) >= 2, takes_cancel


class Host:
    """Owns one vdp_host table, its callback objects and the per-call state; must outlive the driver."""

    def __init__(self, config: Mapping[str, Any], logger: Logger | None = None, locks: Any = None) -> None:
        if not isinstance(config, Mapping):
            raise TypeError(f"config must be a mapping, not {type(config).__name__}")
        self._config = config
        self._logger: Logger = logging.getLogger("vdp.plugin") if logger is None else logger
        self._is_logger = isinstance(self._logger, (logging.Logger, logging.LoggerAdapter))
        if not self._is_logger and not callable(self._logger):
            raise TypeError("logger must be a logging.Logger, a LoggerAdapter or a callable(level, message)")
        self._locks = DEFAULT_LOCKS if locks is None else locks
        self._lock_timeout_arg, self._lock_cancel_arg = _lock_arguments(self._locks)
        self._mutex = threading.Lock()
        self._log_mutex = threading.Lock()  # serialises a callable logger
        self._calls: dict[int, CallState] = {}
        self._call_ids = itertools.count(1)
        self._held: dict[int, str] = {}
        self._lock_tokens = itertools.count(1)
        self._failures: dict[str, int] = {}
        # The CFUNCTYPE objects are the C entry points: they live exactly as long as this object.
        self._callbacks = (
            _abi.CONFIG_GET_FN(self._config_get),
            _abi.CONTEXT_GET_FN(self._context_get),
            _abi.REMAINING_MS_FN(self._remaining_ms),
            _abi.CANCELLED_FN(self._cancelled),
            _abi.PROGRESS_FN(self._progress),
            _abi.LOG_FN(self._log_line),
            _abi.LOCK_ACQUIRE_FN(self._lock_acquire),
            _abi.LOCK_RELEASE_FN(self._lock_release),
        )
        self.table = _abi.VdpHost(ctypes.sizeof(_abi.VdpHost), 0, 1, *self._callbacks)
        self._config_anchor = ctypes.c_char(b"c")
        # Any non-NULL token identifies the configuration; the plugin never dereferences it.
        self.config_token = ctypes.c_void_p(ctypes.addressof(self._config_anchor))

    # ---- calls ---------------------------------------------------------------------------------------

    def begin_call(self, operation: str, deadline: float | None, cancel: CancelToken | None,
                   request_id: str | None, context: Mapping[str, str] | None,
                   progress: ProgressFunction | None) -> CallState:
        """Registers one call; its `token` is the vdp_context handed to the plugin."""
        rid = request_id if request_id is not None else "req-" + secrets.token_hex(8)
        values = {str(k): _encode_value(v) for k, v in (context or {}).items() if v is not None}
        values["request_id"] = _encode_value(rid)
        values["operation"] = _encode_value(operation)
        with self._mutex:
            state = CallState(next(self._call_ids), operation, rid, deadline, cancel, progress, values)
            self._calls[state.token] = state
        return state

    def end_call(self, state: CallState) -> None:
        with self._mutex:
            self._calls.pop(state.token, None)

    def _state(self, ctx: int | None) -> CallState | None:
        if not ctx:
            return None
        with self._mutex:
            return self._calls.get(ctx)

    # ---- failure reporting ---------------------------------------------------------------------------

    def _failed(self, callback: str, what: str, exc: BaseException, traceback: bool = True) -> None:
        """Logs a callback's exception: the first one per callback with its traceback, later ones at DEBUG.

        KeyboardInterrupt and SystemExit are kept instead: the call is reported cancelled to the plugin
        and the exception is raised again once the plugin call has returned (`take_interrupt`).
        """
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            self.note_interrupt(exc)
            return
        try:
            with self._mutex:
                count = self._failures.get(callback, 0) + 1
                self._failures[callback] = count
            # A configuration mapping's exception text may echo a value: only its type is logged.
            desc = type(exc).__name__ if not traceback else f"{type(exc).__name__}: {exc}"
            if count == 1:
                _log.error("vdp host callback %s (%s) raised %s; the plugin was answered with a failure",
                           callback, what, desc, exc_info=exc if traceback else None)
            else:
                _log.debug("vdp host callback %s (%s) raised %s (%d times)", callback, what, desc, count)
        except BaseException:  # a broken "vdp" logger must not unwind into C either
            pass

    @staticmethod
    def note_interrupt(exc: BaseException) -> None:
        """Keeps `exc` for this thread's call in flight: it is cancelled, then `exc` raised after it."""
        if getattr(_pending, "exc", None) is None:
            _pending.exc = exc

    @staticmethod
    def take_interrupt() -> BaseException | None:
        """The KeyboardInterrupt/SystemExit a callback caught on this thread during the last call, if any."""
        exc = getattr(_pending, "exc", None)
        _pending.exc = None
        return exc

    def failures(self) -> dict[str, int]:
        """Exceptions raised so far by host callbacks, per callback name."""
        with self._mutex:
            return dict(self._failures)

    # ---- callbacks (called by the plugin, on the thread inside a plugin call) -----------------------

    def _config_get(self, _hd: int, _cfg: int | None, key: bytes | None, buf: int | None, buf_len: int,
                    needed: Any) -> int:
        name = "?"
        try:
            if needed:
                needed[0] = 0
            if key is None:
                return _abi.E_INVALID_ARGUMENT
            name = key.decode("utf-8", "replace")
            try:
                value = self._config[name]
            except KeyError:
                return _abi.E_NOT_FOUND
            if value is None:
                return _abi.E_NOT_FOUND
            return _copy_out(_encode_value(value), buf, buf_len, needed)
        except BaseException as exc:
            self._failed("config_get", f"key {name!r}", exc, traceback=False)
            return _abi.E_INTERNAL

    def _context_get(self, _hd: int, ctx: int | None, key: bytes | None, buf: int | None, buf_len: int,
                     needed: Any) -> int:
        try:
            if needed:
                needed[0] = 0
            if key is None:
                return _abi.E_INVALID_ARGUMENT
            state = self._state(ctx)
            value = state.values.get(key.decode("utf-8", "replace")) if state else None
            if value is None:
                return _abi.E_NOT_FOUND
            return _copy_out(value, buf, buf_len, needed)
        except BaseException as exc:
            self._failed("context_get", repr(key), exc)
            return _abi.E_INTERNAL

    def _remaining_ms(self, _hd: int, ctx: int | None) -> int:
        try:
            state = self._state(ctx)
            if state is None or state.deadline is None:
                return _abi.NO_DEADLINE
            left = (state.deadline - time.monotonic()) * 1000.0
            return max(-(2**62), min(math.floor(left), _abi.NO_DEADLINE - 1))
        except BaseException as exc:
            self._failed("context_remaining_ms", "deadline", exc)
            return 0  # fail closed: an unreadable deadline has expired

    def _cancelled(self, _hd: int, ctx: int | None) -> int:
        try:
            if getattr(_pending, "exc", None) is not None:
                return 1  # Ctrl-C in a callback: stop the call, then raise it in the caller
            state = self._state(ctx)
            return 1 if state is not None and state.cancel is not None and state.cancel.cancelled else 0
        except BaseException as exc:
            self._failed("context_cancelled", "cancellation", exc)
            return 1  # fail closed: stop the call

    def _progress(self, _hd: int, ctx: int | None, done: int, total: int, message: bytes | None) -> None:
        try:
            state = self._state(ctx)
            if state is not None and state.progress is not None:
                state.progress(done, total, message.decode("utf-8", "replace") if message else "")
        except BaseException as exc:
            self._failed("context_progress", "progress", exc)

    def _log_line(self, _hd: int, ctx: int | None, level: int, message: bytes | None) -> None:
        try:
            pylevel = python_level(level)
            text = message.decode("utf-8", "replace") if message else ""
            state = self._state(ctx)
            if state is not None:
                text = f"[{state.request_id}] {text}"
            logger = self._logger
            if isinstance(logger, (logging.Logger, logging.LoggerAdapter)):
                if logger.isEnabledFor(pylevel):
                    logger.log(pylevel, text, extra={
                        "vdp_level": level, "vdp_request_id": state.request_id if state else None,
                        "vdp_operation": state.operation if state else None})
            else:
                with self._log_mutex:
                    logger(pylevel, text)
        except BaseException as exc:
            self._failed("log", "log line", exc)

    def _lock_acquire(self, _hd: int, ctx: int | None, name: bytes | None, timeout_ms: int, token: Any) -> int:
        lock_name = "?"
        try:
            if token:
                token[0] = 0
            if name is None or not token:
                return _abi.E_INVALID_ARGUMENT
            lock_name = name.decode("utf-8", "replace")
            state = self._state(ctx)
            timeout = None if timeout_ms < 0 else timeout_ms / 1000.0
            if state is not None and state.deadline is not None:  # "still bounded by the context"
                left = max(state.deadline - time.monotonic(), 0.0)
                timeout = left if timeout is None else min(timeout, left)
            cancel = state.cancel if state is not None else None
            args: tuple[Any, ...] = (lock_name, timeout) if self._lock_timeout_arg else (lock_name,)
            kwargs = {"cancel": cancel} if self._lock_cancel_arg else {}
            if self._locks.acquire(*args, **kwargs) is False:
                return _abi.E_CANCELLED if cancel is not None and cancel.cancelled else _abi.E_TIMEOUT
            with self._mutex:
                handle = next(self._lock_tokens)
                self._held[handle] = lock_name
            token[0] = handle
            return _abi.OK
        except BaseException as exc:
            self._failed("lock_acquire", f"lock {lock_name!r}", exc)
            return _abi.E_INTERNAL

    def _lock_release(self, _hd: int, token: int) -> int:
        try:
            with self._mutex:
                lock_name = self._held.pop(token, None)
            if lock_name is None:
                return _abi.E_NOT_FOUND
            self._locks.release(lock_name)
            return _abi.OK
        except BaseException as exc:
            self._failed("lock_release", f"token {token}", exc)
            return _abi.E_INTERNAL

    def held_locks(self) -> list[str]:
        """Lock names the plugin holds through this host right now."""
        with self._mutex:
            return sorted(self._held.values())
