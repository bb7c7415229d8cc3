"""The plugin's named locks (vdp.h lock_acquire) in Cinder: in-process, or Cinder's coordination backend.

The plugin takes few locks (clones of one source volume are serialised: `solidfire-clone-<volumeID>`)
and holds them for one operation. Cinder's reference SolidFire driver serialises the same clones with an
in-process lock, which is right for one cinder-volume per cluster; an active-active service (several
hosts, one cluster) needs the locks shared between hosts, which is what Cinder's coordination (tooz,
`[coordination] backend_url`) is for. `vdp_lock_scope = auto` picks coordination exactly then.
"""

from __future__ import annotations

import time
from typing import Any

from .host import CancelToken, LockTable
from .cinder_threads import native_threading

_POLL = 0.05  # seconds between two tries of a tooz lock


def lock_scope(option: str, cluster_name: str | None) -> str:
    """"process" or "coordination" for the vdp_lock_scope option and the service's cluster."""
    if option == "auto":
        return "coordination" if cluster_name else "process"
    return option


def process_locks() -> LockTable:
    """In-process named locks (native, so plugin calls on tpool threads may contend)."""
    return LockTable()


class CoordinationLocks:
    """Named locks in Cinder's coordinator: first this process's table, then the tooz lock.

    The in-process table keeps two threads of this service apart whatever the tooz backend does within
    one process (file locks are per process); tooz keeps services apart. Tooz is only ever entered by one
    thread at a time and never blocks inside (non-blocking tries), since its own locks may be green.
    """

    PREFIX = "vdp-"

    def __init__(self, coordinator: Any = None) -> None:
        if coordinator is None:
            from cinder import coordination
            coordinator = coordination.COORDINATOR
        self._coordinator = coordinator
        self._local = LockTable()
        self._mutex = native_threading().Lock()
        self._held: dict[str, Any] = {}

    def acquire(self, name: str, timeout: float | None = None, *, cancel: CancelToken | None = None) -> bool:
        until = None if timeout is None else time.monotonic() + max(timeout, 0.0)
        if not self._local.acquire(name, timeout, cancel=cancel):
            return False
        try:
            while True:
                with self._mutex:
                    lock = self._coordinator.get_lock(self.PREFIX + name)
                    if lock.acquire(blocking=False):
                        self._held[name] = lock
                        return True
                if (cancel is not None and cancel.cancelled) or (until is not None and time.monotonic() >= until):
                    self._local.release(name)
                    return False
                native_sleep(_POLL)
        except BaseException:
            self._local.release(name)
            raise

    def release(self, name: str) -> None:
        with self._mutex:
            lock = self._held.pop(name)
            try:
                lock.release()
            finally:
                self._local.release(name)


def native_sleep(seconds: float) -> None:
    """time.sleep that blocks only this native thread (eventlet's patched sleep would need a hub)."""
    try:
        from eventlet import patcher
        patcher.original("time").sleep(seconds)
    except ImportError:  # pragma: no cover
        time.sleep(seconds)
