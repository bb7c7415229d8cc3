"""Plugin calls inside cinder-volume, which runs under eventlet's monkey-patching.

A plugin call blocks in C (a clone waits up to sf_volume_clone_timeout): made on the hub's thread it
would stop every greenthread of the service (RPC, heartbeats) for that long. So, when eventlet has
patched `threading`, each call runs on a native thread of eventlet's tpool (Cinder sizes it with
backend_native_threads_pool_size) and the calling greenthread waits cooperatively.

Green locks must never be contended from two native threads (eventlet then switches greenlets across
threads and fails), and the plugin's callbacks run on those native threads. Hence:

- the binding's own locks (vdp.host, vdp.plugin) are made from eventlet's original `threading`
  module (`use_native_threading`);
- plugin log lines are not logged from the native thread (oslo.log's handlers hold green locks):
  they are queued and logged on the calling greenthread (`LogRelay`), while the call runs and when it
  returns.

Without eventlet (plain threads), calls and log lines go straight through.
"""

from __future__ import annotations

import logging
import queue
from collections.abc import Callable
from typing import Any, TypeVar

from . import host as _vdp_host
from . import plugin as _vdp_plugin

try:
    import eventlet
    from eventlet import patcher, tpool
except ImportError:  # pragma: no cover - Cinder always has eventlet
    eventlet = patcher = tpool = None

T = TypeVar("T")

_PUMP_INTERVAL = 0.1  # seconds between two relays of queued log lines during a call


def green() -> bool:
    """True when eventlet has monkey-patched threads (cinder-volume does at start)."""
    return patcher is not None and patcher.is_monkey_patched("thread")


def native_threading() -> Any:
    """The `threading` module whose locks work across native threads."""
    import threading
    return patcher.original("threading") if green() else threading


def use_native_threading() -> None:
    """Makes the binding build its locks from native threading (idempotent; Hosts made later use it)."""
    if green():
        original = patcher.original("threading")
        _vdp_host.threading = original
        _vdp_plugin.threading = original


class LogRelay:
    """The plugin's logger callback: lines go to `logger`, through a queue when calls run off the hub."""

    def __init__(self, logger: logging.Logger | logging.LoggerAdapter) -> None:
        self.logger = logger
        self._queue: queue.SimpleQueue[tuple[int, str]] = queue.SimpleQueue()  # C: no green lock inside

    def __call__(self, level: int, text: str) -> None:
        if green():
            self._queue.put((level, text))
        else:
            self.logger.log(level, text)

    def drain(self) -> None:
        """Logs every queued line (on the calling greenthread)."""
        while True:
            try:
                level, text = self._queue.get_nowait()
            except queue.Empty:
                return
            self.logger.log(level, text)


def run_blocking(fn: Callable[[], T], relay: LogRelay) -> T:
    """fn() (a plugin call) on a native thread under eventlet, relaying its log lines meanwhile."""
    if not green():
        return fn()
    done: list[bool] = []

    def pump() -> None:
        while not done:
            relay.drain()
            eventlet.sleep(_PUMP_INTERVAL)

    pumper = eventlet.spawn(pump)
    try:
        return tpool.execute(fn)
    finally:
        done.append(True)
        pumper.kill()
        relay.drain()
