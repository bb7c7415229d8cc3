"""vdp.Error (a plugin status) to the Cinder exception the volume manager expects for that operation."""

from __future__ import annotations

import re
from typing import Any

from cinder import exception

from . import errors


class InvalidOption(exception.InvalidInput):
    """A backend option the plugin or this driver refuses; `option` names it."""

    message = "Invalid configuration option %(option)s: %(reason)s"

    def __init__(self, option: str, reason: str) -> None:
        super().__init__(option=option, reason=reason)
        self.option = option


def invalid_option(err: errors.Error) -> InvalidOption:
    """A CONFIG error (details.field names the option) as InvalidOption."""
    option = err.field or "?"
    return InvalidOption(option, err.message.removeprefix(f"{option}: "))


# Request members that hold volumes / snapshots (a NOT_FOUND's field names one of them).
_VOLUME_MEMBERS = {"volume", "src_vref", "volumes", "source_vols", "add_volumes", "remove_volumes"}
_SNAPSHOT_MEMBERS = {"snapshot", "snapshots"}
_FAILOVER = {"failover_host", "failover", "failover_completed"}
_MANAGE = {"manage_existing", "manage_existing_get_size"}


def _segments(field: str) -> list[str | int]:
    """"add_volumes[1].provider_id" -> ["add_volumes", 1, "provider_id"]."""
    out: list[str | int] = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", field):
        out.append(int(index) if index else name)
    return out


def _innermost(request: Any, field: str) -> tuple[str, str | None]:
    """(member name, id) of the innermost object with an id on the path `field` of `request`."""
    found: tuple[str, str | None] = ("", None)
    node, name = request, ""
    for seg in _segments(field):
        try:
            node = node[seg]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(seg, str):
            name = seg
        if isinstance(node, dict) and node.get("id"):
            found = (name, str(node["id"]))
    return found


def to_cinder(err: errors.Error, op: str, request: dict[str, Any]) -> Exception:
    """The Cinder exception for a failed call of `op` with `request`.

    NOT_SUPPORTED becomes NotImplementedError: Cinder's signal to use its generic code (groups).
    """
    message = f"{op}: {err.message}" if not err.message.startswith(op) else err.message
    field = err.field or ""
    root = _segments(field)[0] if field else ""
    if isinstance(err, errors.NotSupported):
        return NotImplementedError(message)
    if isinstance(err, errors.Config):
        return invalid_option(err)
    if op in _FAILOVER:
        if isinstance(err, errors.InvalidArgument):
            return exception.InvalidReplicationTarget(reason=message)
        return exception.UnableToFailOver(reason=message)
    if op in _MANAGE and isinstance(err, errors.AlreadyExists):
        return exception.ManageExistingAlreadyManaged(volume_ref=request.get("existing_ref"))
    if op in _MANAGE and (root == "existing_ref" or isinstance(err, errors.FailedPrecondition)):
        return exception.ManageExistingInvalidReference(existing_ref=request.get("existing_ref"), reason=message)
    if isinstance(err, errors.NotFound):
        name, object_id = _innermost(request, field or "volume")
        if name in _SNAPSHOT_MEMBERS:
            return exception.SnapshotNotFound(snapshot_id=object_id)
        if name == "group_snapshot":
            return exception.GroupSnapshotNotFound(group_snapshot_id=object_id)
        if name in _VOLUME_MEMBERS:
            return exception.VolumeNotFound(volume_id=object_id)
    if isinstance(err, errors.InvalidArgument):
        if "qos" in field.lower():
            return exception.InvalidQoSSpecs(reason=message)
        return exception.InvalidInput(reason=message)
    return exception.VolumeBackendAPIException(data=message)
