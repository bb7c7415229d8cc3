"""Plugin (a loaded vdp plugin .so) and Driver (one vdp_driver made by its create)."""

from __future__ import annotations

import contextlib
import ctypes
import json
import math
import os
import signal
import threading
import time
import weakref
from collections.abc import Iterator, Mapping
from typing import Any

from . import _abi
from .errors import AbiMismatch, ClosedError, Internal, NotSupported, error_class, from_error_object
from .host import CancelToken, Host, Logger, ProgressFunction
from .operations import Operations, Request, Result

_tls = threading.local()  # depth > 0 while this thread is inside a plugin call


@contextlib.contextmanager
def _plugin_call() -> Iterator[None]:
    """Marks this thread as inside the plugin; a host callback that calls back in is refused (vdp.h).

    On the main thread with Python's default SIGINT handler, Ctrl-C during the call does not raise inside
    a callback (it would escape into C at the callback's first instruction): it cancels the call, and
    KeyboardInterrupt is raised once the plugin has returned (Host.take_interrupt).
    """
    if getattr(_tls, "depth", 0):
        raise RuntimeError("vdp: a host callback must not call into the plugin (vdp.h: no re-entry)")
    previous = None
    _tls.depth = 1
    try:
        if (threading.current_thread() is threading.main_thread()
                and signal.getsignal(signal.SIGINT) is signal.default_int_handler):
            previous = signal.signal(signal.SIGINT, _interrupt_pending)
        yield
    finally:
        _tls.depth = 0
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


def _interrupt_pending(signum: int, frame: Any) -> None:
    Host.note_interrupt(KeyboardInterrupt())


def _encode_request(request: Request) -> bytes:
    if request is None:
        return b"{}"
    if isinstance(request, (bytes, bytearray, memoryview)):
        return bytes(request)
    if isinstance(request, str):
        return request.encode("utf-8")
    if isinstance(request, Mapping):
        return json.dumps(dict(request), allow_nan=False, separators=(",", ":")).encode("ascii")
    raise TypeError(f"request must be a mapping, a JSON string or None, not {type(request).__name__}")


def _deadline(timeout: float | None) -> float | None:
    if timeout is None:
        return None
    seconds = float(timeout)
    if math.isnan(seconds) or seconds < 0:
        raise ValueError(f"timeout must be a number of seconds >= 0 or None, not {timeout!r}")
    return None if math.isinf(seconds) else time.monotonic() + seconds


def _text(value: bytes | None) -> str:
    return value.decode("utf-8", "replace") if value else ""


class Plugin:
    """A vdp plugin loaded from `path` (plugins are never unloaded, vdp.h)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        self._lib = ctypes.CDLL(self.path, mode=os.RTLD_NOW | os.RTLD_LOCAL)
        try:
            entry = _abi.ENTRY_FN((_abi.ENTRY_SYMBOL, self._lib))
        except AttributeError:
            raise ValueError(f"{self.path}: not a vdp plugin (no {_abi.ENTRY_SYMBOL})") from None
        plugin_abi = ctypes.c_uint32(0)
        desc = ctypes.POINTER(_abi.VdpPlugin)()
        rc = entry(_abi.ABI_VERSION, ctypes.byref(plugin_abi), ctypes.byref(desc))
        theirs, ours = _abi.version_tuple(plugin_abi.value), _abi.version_tuple(_abi.ABI_VERSION)
        if rc == _abi.E_ABI_MISMATCH or (rc == _abi.OK and theirs[0] != ours[0]):
            raise AbiMismatch(f"plugin ABI {theirs[0]}.{theirs[1]}, this binding {ours[0]}.{ours[1]}",
                              operation=_abi.ENTRY_SYMBOL)
        if rc != _abi.OK or not desc:
            raise error_class(rc)(f"{_abi.ENTRY_SYMBOL} failed", code=rc, operation=_abi.ENTRY_SYMBOL)
        d = desc.contents
        for slot in ("create", "destroy", "free_string"):
            if not _abi.slot_present(d, slot):
                raise Internal(f"{self.path}: descriptor lacks {slot}", operation=_abi.ENTRY_SYMBOL)
        self._desc = d
        self.name: str = _text(d.name)
        self.vendor: str = _text(d.vendor)
        self.driver_version: str = _text(d.driver_version)
        self.abi_version: tuple[int, int] = _abi.version_tuple(d.abi_version)
        self.schema_version: tuple[int, int] = _abi.version_tuple(d.schema_version)
        self._create = d.create
        self._destroy = d.destroy
        self._free_string = d.free_string
        self._slots: dict[str, Any] = {
            op: (getattr(d, op) if _abi.slot_present(d, op) else None) for op in ("setup",) + _abi.OPERATIONS}

    def __repr__(self) -> str:
        return f"<vdp.Plugin {self.name} {self.driver_version} abi {self.abi_version[0]}.{self.abi_version[1]}>"

    @property
    def slots(self) -> list[str]:
        """Operation slots the descriptor fills (a filled slot may still answer NOT_SUPPORTED: see describe)."""
        return [op for op, fn in self._slots.items() if fn is not None]

    def info(self) -> dict[str, Any]:
        """The descriptor's static facts."""
        return {"name": self.name, "vendor": self.vendor, "driver_version": self.driver_version,
                "abi_version": "%d.%d" % self.abi_version, "schema_version": "%d.%d" % self.schema_version,
                "path": self.path}

    def driver(self, config: Mapping[str, Any], *, logger: Logger | None = None, locks: Any = None) -> Driver:
        """Creates a driver (validates `config`, no network I/O). Raises vdp.Config naming a bad option."""
        host = Host(config, logger, locks)
        drv = ctypes.c_void_p()
        out = ctypes.c_void_p()
        out_len = ctypes.c_size_t(0)
        host.take_interrupt()
        with _plugin_call():
            rc = self._create(ctypes.byref(host.table), host.config_token, ctypes.byref(drv), ctypes.byref(out),
                              ctypes.byref(out_len))
        text = self._take(out, out_len)
        interrupt = host.take_interrupt()
        if interrupt is not None:
            if rc == _abi.OK and drv.value:
                self._destroy(drv.value)
            raise interrupt
        if rc != _abi.OK or not drv.value:
            if drv.value:  # never expected: a failed create leaves *drv NULL
                self._destroy(drv.value)
            raise from_error_object(rc if rc != _abi.OK else _abi.E_INTERNAL, text, "create")
        try:
            result = json.loads(text) if text else {}
        except ValueError:
            result = {}
        warnings = result.get("warnings") if isinstance(result, dict) else None
        return Driver(self, drv.value, host, warnings if isinstance(warnings, list) else [])

    def _take(self, out: ctypes.c_void_p, out_len: ctypes.c_size_t) -> str | None:
        """Copies a plugin-owned string, then releases it with free_string."""
        ptr = out.value
        if not ptr:
            return None
        try:
            data = ctypes.string_at(ptr, out_len.value)
        finally:
            self._free_string(ptr)
        return data.decode("utf-8", "replace")


def _finalize(destroy: Any, handle: int, host: Host, pid: int) -> None:
    # host is an argument only to stay alive until destroy returns (vdp.h: vdp_create_fn).
    if os.getpid() == pid:  # never destroy a parent's driver in a forked child (vdp.h: vdp_destroy_fn)
        destroy(handle)


class Driver(Operations):
    """One plugin driver. Thread-safe: calls may run concurrently from any threads."""

    def __init__(self, plugin: Plugin, handle: int, host: Host, warnings: list[Any]) -> None:
        self.plugin = plugin
        self.warnings: list[Any] = warnings
        self._handle = handle
        self._host = host
        self._cond = threading.Condition()
        self._active = 0
        self._closed = False
        self._destroyed = False
        self._finalizer = weakref.finalize(self, _finalize, plugin._destroy, handle, host, os.getpid())
        self._finalizer.atexit = False  # at interpreter exit daemon threads may still be inside calls

    def __repr__(self) -> str:
        return f"<vdp.Driver {self.plugin.name} {'closed' if self._closed else 'open'}>"

    def __enter__(self) -> Driver:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @property
    def closed(self) -> bool:
        return self._closed

    def callback_failures(self) -> dict[str, int]:
        """How many times each host callback raised (and answered the plugin with a failure)."""
        return self._host.failures()

    def close(self) -> None:
        """Destroys the driver after the calls in flight return; idempotent."""
        if getattr(_tls, "depth", 0):
            raise RuntimeError("vdp: close() from a host callback would wait for its own call")
        with self._cond:
            if self._closed:
                while not self._destroyed:
                    self._cond.wait()
                return
            self._closed = True
            while self._active:
                self._cond.wait()
        try:
            self._finalizer()
        finally:
            with self._cond:
                self._destroyed = True
                self._cond.notify_all()

    @contextlib.contextmanager
    def _in_flight(self) -> Iterator[None]:
        with self._cond:
            if self._closed:
                raise ClosedError("vdp driver is closed")
            self._active += 1
        try:
            yield
        finally:
            with self._cond:
                self._active -= 1
                if not self._active:
                    self._cond.notify_all()

    def setup(self, request: Request = None, *, timeout: float | None = None, cancel: CancelToken | None = None,
              **options: Any) -> Result:
        """Contacts the backend; may fail with Unavailable/Auth and be called again."""
        return self.call("setup", request, timeout=timeout, cancel=cancel, **options)

    def call(self, op: str, request: Request = None, *, timeout: float | None = None,
             cancel: CancelToken | None = None, request_id: str | None = None,
             context: Mapping[str, str] | None = None, progress: ProgressFunction | None = None) -> Result:
        """Runs operation `op` ("setup" or a name of VDP_OPERATIONS) and returns its parsed result.

        timeout: seconds until the call's deadline (None: none); cancel: a CancelToken; request_id: the
        context's request id (default "req-<16 hex>"); context: more context_get values (project_id,
        user_id); progress: called as progress(done, total, message) during long waits.
        Raises the vdp.Error subclass of the status the plugin returned.
        """
        if op not in self.plugin._slots:
            raise ValueError(f"unknown vdp operation {op!r}")
        if cancel is not None and not isinstance(cancel, CancelToken):
            raise TypeError(f"cancel must be a vdp.CancelToken, not {type(cancel).__name__}")
        payload = _encode_request(request)
        deadline = _deadline(timeout)
        fn = self.plugin._slots[op]
        with self._in_flight():
            state = self._host.begin_call(op, deadline, cancel, request_id, context, progress)
            if fn is None:
                self._host.end_call(state)
                raise NotSupported(f"the plugin does not serve {op}", operation=op, request_id=state.request_id)
            out = ctypes.c_void_p()
            out_len = ctypes.c_size_t(0)
            self._host.take_interrupt()
            try:
                with _plugin_call():
                    rc = fn(self._handle, state.token, payload, len(payload), ctypes.byref(out), ctypes.byref(out_len))
            finally:
                self._host.end_call(state)
                text = self.plugin._take(out, out_len)
            interrupt = self._host.take_interrupt()
            if interrupt is not None:
                raise interrupt
        if rc != _abi.OK:
            err = from_error_object(rc, text, op)
            if err.request_id is None:
                err.request_id = state.request_id
            raise err
        if not text:
            return {}
        try:
            return json.loads(text)
        except ValueError:
            raise Internal(f"{op} succeeded but its result is not JSON", operation=op,
                           request_id=state.request_id) from None
