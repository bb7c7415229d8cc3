"""One plugin call as the Cinder driver makes it: deadline, Cinder's request id, repeats, Cinder exception."""

from __future__ import annotations

import logging
import time
from typing import Any

from oslo_context import context as oslo_context

from . import cinder_errors, cinder_threads, errors
from .plugin import Driver

# Operations that wait for clones: one sf_volume_clone_timeout per new volume.
_CLONES_ONE = {"create_volume_from_snapshot", "create_cloned_volume"}
_CLONES_MANY = {"create_group_from_src", "create_consistencygroup_from_src"}
# Operations that may pair a replicated volume (with replication_device configured).
_PAIRING = {"create_volume", "create_volume_from_snapshot", "create_cloned_volume", "manage_existing", "retype",
            "migrate_volume", "failover_host", "failover", "create_group_from_src",
            "create_consistencygroup_from_src"}
# Operations over a list of volumes: a few RPCs each.
_PER_VOLUME = {"delete_group", "delete_consistencygroup", "failover_host", "failover", "update_group",
               "update_consistencygroup"}
_PER_VOLUME_SECONDS = 10

_FIRST_PAUSE = 0.5  # seconds before the first repeat of a call whose outcome is unknown; doubles, max 5


class Calls:
    """Runs operations on one plugin driver for the Cinder driver `conf` configures."""

    def __init__(self, driver: Driver, conf: Any, relay: cinder_threads.LogRelay, log: Any) -> None:
        self.driver = driver
        self._conf = conf
        self._relay = relay
        self._log = log

    def deadline(self, op: str, request: dict[str, Any]) -> float:
        """Seconds op may take: vdp_operation_timeout plus the waits this operation makes."""
        conf = self._conf
        seconds = float(conf.vdp_operation_timeout)
        volumes = request.get("volumes") or []
        if op in _CLONES_ONE:
            seconds += conf.sf_volume_clone_timeout
        elif op in _CLONES_MANY:
            seconds += conf.sf_volume_clone_timeout * max(1, len(volumes))
        if op in _PER_VOLUME:
            seconds += _PER_VOLUME_SECONDS * len(volumes)
        if conf.safe_get("replication_device"):
            if op in _PAIRING:
                seconds += conf.sf_volume_pairing_timeout * max(1, len(volumes))
            elif op == "setup":
                seconds += conf.sf_cluster_pairing_timeout
        return seconds

    def __call__(self, op: str, request: dict[str, Any] | None = None) -> dict[str, Any]:
        """The result of `op`; a failure raises the Cinder exception for it (cinder_errors)."""
        request = request or {}
        current = oslo_context.get_current()
        options: dict[str, Any] = {"progress": self._progress}
        if current is not None:
            options["request_id"] = getattr(current, "request_id", None)
            options["context"] = {k: v for k, v in (("project_id", getattr(current, "project_id", None)),
                                                    ("user_id", getattr(current, "user_id", None))) if v}
        retries = self._conf.vdp_outcome_unknown_retries
        pause = _FIRST_PAUSE
        for attempt in range(retries + 1):
            timeout = self.deadline(op, request)
            try:
                return cinder_threads.run_blocking(
                    lambda: self.driver.call(op, request, timeout=timeout, **options), self._relay)
            except errors.Error as err:
                if err.outcome_unknown and attempt < retries:
                    self._log.warning("%s: outcome unknown (%s: %s); repeating the same request (%d of %d)",
                                      op, err.status, err.message, attempt + 1, retries)
                    time.sleep(pause)
                    pause = min(pause * 2, 5.0)
                    continue
                raise cinder_errors.to_cinder(err, op, request) from err
        raise AssertionError("unreachable")  # pragma: no cover

    def _progress(self, done: int, total: int, message: str) -> None:
        # Runs on the call's thread: through the relay, like the plugin's own log lines.
        self._relay(logging.DEBUG, f"progress {done}/{total}: {message}")
