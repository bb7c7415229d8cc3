"""Cinder objects (volumes, snapshots, groups, group snapshots, connectors, types) as plugin requests.

Shapes: abi/docs/operations.md ("Common objects", "Groups and consistency groups"). Volume and group
types are read the way Cinder's reference driver reads them (volume_types / qos_specs / group_types,
with an admin context), so the plugin sees the same extra specs and QoS specs.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from cinder import context
from cinder.volume import group_types, qos_specs, volume_types

_VOLUME_TEXT = ("project_id", "user_id", "display_name", "provider_id", "provider_location", "provider_auth",
                "migration_status", "status", "replication_status", "group_id", "snapshot_id", "source_volid")
_CONNECTOR_KEYS = ("initiator", "host", "ip", "multipath")


def _get(obj: Any, name: str) -> Any:
    """obj's field, or None when it is unset (no lazy load from the database for what may be absent)."""
    if hasattr(obj, "obj_attr_is_set"):
        try:
            return getattr(obj, name) if obj.obj_attr_is_set(name) else None
        except AttributeError:  # not a field of this object (a ConsistencyGroup has no group_type_id)
            return None
    if isinstance(obj, Mapping):
        return obj.get(name)
    return getattr(obj, name, None)


def _text(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return value


def volume_type(vtype: Mapping[str, Any]) -> dict[str, Any]:
    """A volume type dict (volume_types.get_volume_type) with its QoS specs, as the plugin reads it."""
    out: dict[str, Any] = {"id": vtype.get("id"), "name": vtype.get("name"),
                           "extra_specs": dict(vtype.get("extra_specs") or {})}
    qos_id = vtype.get("qos_specs_id")
    if qos_id:
        qos = qos_specs.get_qos_specs(context.get_admin_context(), qos_id)
        out["qos_specs"] = {"consumer": qos["consumer"] or "back-end", "specs": dict(qos["specs"] or {})}
    return out


def volume_type_by_id(type_id: str | None) -> dict[str, Any] | None:
    if not type_id:
        return None
    return volume_type(volume_types.get_volume_type(context.get_admin_context(), type_id))


def volume(vol: Any, *, metadata: bool = False) -> dict[str, Any]:
    """A volume (object or dict). `metadata`: include its metadata (read for sf_allow_tenant_qos)."""
    out: dict[str, Any] = {"id": _get(vol, "id")}
    size = _get(vol, "size")
    if size:
        out["size"] = int(size)
    for key in _VOLUME_TEXT:
        value = _get(vol, key)
        if value is not None:
            out[key] = _text(value)
    created = _get(vol, "created_at")
    if created is not None:
        out["created_at"] = _text(created)
    name_id = _get(vol, "_name_id")
    if name_id:
        out["name_id"] = name_id
    if _get(vol, "multiattach") is not None:
        out["multiattach"] = bool(_get(vol, "multiattach"))
    vtype = volume_type_by_id(_get(vol, "volume_type_id"))
    if vtype is not None:
        out["volume_type"] = vtype
    if metadata:
        meta = vol.metadata if hasattr(vol, "metadata") else _get(vol, "metadata")
        if meta:
            out["metadata"] = {str(k): str(v) for k, v in dict(meta).items()}
    return out


def volumes(vols: Iterable[Any] | None, *, metadata: bool = False) -> list[dict[str, Any]]:
    return [volume(v, metadata=metadata) for v in vols or []]


def snapshot(snap: Any, *, with_volume: bool = True) -> dict[str, Any]:
    """A snapshot; `with_volume` adds its volume (snapshot.volume, loaded by Cinder when needed)."""
    out: dict[str, Any] = {"id": _get(snap, "id"), "volume_id": _get(snap, "volume_id")}
    for key in ("project_id", "provider_id", "group_snapshot_id"):
        value = _get(snap, key)
        if value is not None:
            out[key] = value
    if _get(snap, "volume_size"):
        out["volume_size"] = int(_get(snap, "volume_size"))
    if with_volume:
        vol = snap.volume if hasattr(snap, "obj_attr_is_set") else _get(snap, "volume")
        if vol is not None:
            out["volume"] = volume(vol)
    return out


def snapshots(snaps: Iterable[Any] | None) -> list[dict[str, Any]]:
    return [snapshot(s) for s in snaps or []]


def _group_specs(group_type_id: str | None) -> dict[str, Any]:
    return dict(group_types.get_group_type_specs(group_type_id) or {}) if group_type_id else {}


def group(grp: Any) -> dict[str, Any]:
    """A group or a 2.0.6 consistency group (no group type: always consistent for the plugin)."""
    out: dict[str, Any] = {"id": _get(grp, "id")}
    type_id = _get(grp, "group_type_id")
    if type_id:
        out["group_type_id"] = type_id
        out["group_specs"] = _group_specs(type_id)
    if _get(grp, "project_id"):
        out["project_id"] = _get(grp, "project_id")
    return out


def group_snapshot(gsnap: Any) -> dict[str, Any]:
    """A group snapshot or a 2.0.6 cgsnapshot (consistencygroup_id)."""
    out = group(gsnap)
    out["group_id"] = _get(gsnap, "group_id") or _get(gsnap, "consistencygroup_id")
    return out


def connector(conn: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The members of Cinder's connector the plugin reads (None stays None: a force detach)."""
    if conn is None:
        return None
    return {k: conn[k] for k in _CONNECTOR_KEYS if conn.get(k) is not None}


def existing_ref(ref: Mapping[str, Any]) -> dict[str, Any]:
    return {k: ref[k] for k in ("source-id", "name") if ref.get(k) is not None}


def host(dest: Mapping[str, Any]) -> dict[str, Any]:
    """migrate_volume's destination: its name and the location_info of its capabilities."""
    caps = dest.get("capabilities") or {}
    out: dict[str, Any] = {"host": dest.get("host")}
    if caps.get("location_info") is not None:
        out["capabilities"] = {"location_info": caps["location_info"]}
    return out
