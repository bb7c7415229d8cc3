"""A simulator's cluster state, normalised so that two clusters driven alike compare equal.

Element ids become names (the Cinder ids are the same on both clusters, so are the names), CHAP secrets
become whether initiator and target secret agree, times become "<time>". Attributes are kept apart
(`attributes`): the lifecycle compares the keys both drivers set and asserts the documented differences.
"""

from __future__ import annotations

from typing import Any

from tests.support import Simulator

# Attribute values that are times (or hold times): compared by presence only.
TIME_KEYS = {"created_at", "os_imported_at", "os_exported_at", "retyped_at", "attach_time", "attachments"}


def _qos(qos: dict[str, Any] | None) -> dict[str, Any]:
    qos = qos or {}
    return {k: qos.get(k) for k in ("minIOPS", "maxIOPS", "burstIOPS")}


def normal_attributes(attributes: dict[str, Any] | None) -> dict[str, Any]:
    return {k: ("<time>" if k in TIME_KEYS and v else v) for k, v in (attributes or {}).items()}


def dump(sim: Simulator) -> dict[str, Any]:
    """{"state": ..., "attributes": {object key: attributes}} of one cluster."""
    accounts = sim.rpc("ListAccounts")["accounts"]
    active = sim.rpc("ListActiveVolumes")["volumes"]
    deleted = sim.rpc("ListDeletedVolumes")["volumes"]
    vags = sim.rpc("ListVolumeAccessGroups")["volumeAccessGroups"]
    snaps = sim.rpc("ListSnapshots")["snapshots"]
    gsnaps = sim.rpc("ListGroupSnapshots")["groupSnapshots"]
    account = {a["accountID"]: a["username"] for a in accounts}
    vol = {v["volumeID"]: v["name"] for v in active + deleted}
    vag = {g["volumeAccessGroupID"]: g["name"] for g in vags}
    gsnap = {g["groupSnapshotID"]: g["name"] for g in gsnaps}

    def names(ids: list[int], table: dict[int, str]) -> list[str]:
        return sorted(table.get(i, f"?{i}") for i in ids or [])

    state: dict[str, Any] = {
        "accounts": {a["username"]: {"status": a["status"], "volumes": names(a.get("volumes"), vol),
                                     "chap": bool(a.get("initiatorSecret")) and bool(a.get("targetSecret"))}
                     for a in accounts},
        "volumes": {v["name"]: {"account": account.get(v["accountID"]), "size": v["totalSize"],
                                "qos": _qos(v.get("qos")), "access": v["access"], "enable512e": v["enable512e"],
                                "status": v["status"], "vags": names(v.get("volumeAccessGroups"), vag)}
                    for v in active},
        "deleted": sorted(v["name"] for v in deleted),
        "vags": {g["name"]: {"initiators": sorted(g.get("initiators") or []), "volumes": names(g.get("volumes"), vol),
                             "deleted": names(g.get("deletedVolumes"), vol)} for g in vags},
        "snapshots": {f"{s['volumeName']}/{s['name']}": {"size": s["totalSize"],
                                                          "group": gsnap.get(s.get("groupID") or 0)}
                      for s in snaps},
        "group_snapshots": {g["name"]: names([m["volumeID"] for m in g.get("members") or []], vol) for g in gsnaps},
    }
    attributes: dict[str, Any] = {}
    for kind, items, key in (("account", accounts, lambda a: a["username"]), ("volume", active, lambda v: v["name"]),
                             ("vag", vags, lambda g: g["name"]),
                             ("snapshot", snaps, lambda s: f"{s['volumeName']}/{s['name']}"),
                             ("group_snapshot", gsnaps, lambda g: g["name"])):
        for item in items:
            attributes[f"{kind} {key(item)}"] = normal_attributes(item.get("attributes"))
    return {"state": state, "attributes": attributes}


def attribute_differences(ours: dict[str, Any], theirs: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per object present on both clusters: keys only one side set, and values that differ.

    {object: {"vdp_only": {k: v}, "reference_only": {k: v}, "differ": {k: [vdp, reference]}}}, objects
    without a difference left out.
    """
    out: dict[str, dict[str, Any]] = {}
    for obj in sorted(set(ours) & set(theirs)):
        a, b = ours[obj], theirs[obj]
        diff = {"vdp_only": {k: a[k] for k in a.keys() - b.keys()},
                "reference_only": {k: b[k] for k in b.keys() - a.keys()},
                "differ": {k: [a[k], b[k]] for k in a.keys() & b.keys() if a[k] != b[k]}}
        diff = {k: v for k, v in diff.items() if v}
        if diff:
            out[obj] = diff
    return out
