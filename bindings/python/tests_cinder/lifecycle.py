"""The lifecycle both drivers go through, stage by stage, with Cinder's objects and Cinder's calling
conventions (model updates applied to the objects as the volume manager applies them).

A `Side` is one driver pair (without and with sf_enable_vag) and its cluster; a `Plan` holds what both
sides share: Cinder ids, projects, types, connectors. Each stage returns what the test compares besides
the cluster state.
"""

from __future__ import annotations

import uuid
from typing import Any

from . import harness as h


class Plan:
    """Ids and types shared by both sides (same Cinder ids: same Element names on both clusters)."""

    def __init__(self, types: h.Types) -> None:
        tag = uuid.uuid4().hex[:8]
        self.project = f"proj-{tag}"
        self.project2 = f"proj2-{tag}"
        self.ids: dict[str, str] = {}
        self.gold = types.volume_type("gold", {"qos:minIOPS": "1000", "qos:maxIOPS": "5000", "qos:burstIOPS": "8000",
                                               "SFAttribute:tier": "gold"})
        self.silver = types.volume_type("silver", {"SFAttribute:tier": "silver"},
                                        qos={"minIOPS": "500", "maxIOPS": "1500", "burstIOPS": "3000"})
        self.cg = types.group_type("cg", {"consistent_group_snapshot_enabled": "<is> True"})
        self.connector = {"initiator": f"iqn.1993-08.org.debian:01:{tag}", "host": "compute-1", "ip": "10.0.0.9",
                          "multipath": False, "platform": "x86_64", "os_type": "linux2"}
        self.instance = self.id("instance")

    def id(self, role: str) -> str:
        return self.ids.setdefault(role, str(uuid.uuid4()))


class Side:
    def __init__(self, name: str, env: h.Environment, section: str) -> None:
        self.name = name
        self.sim = env.sims[name]
        self.drv = env.driver(section)
        self.vag = env.driver(section + "-vag")
        self.v: dict[str, Any] = {}  # volumes by role
        self.s: dict[str, Any] = {}  # snapshots by role
        self.g: dict[str, Any] = {}  # groups and group snapshots by role

    def ctx(self, plan: Plan, project: str | None = None) -> Any:
        return h.request_context(project or plan.project)

    def new_volume(self, plan: Plan, role: str, **fields: Any) -> Any:
        vol = h.volume(self.ctx(plan, fields.pop("project", None)), plan.id(role), **fields)
        self.v[role] = vol
        return vol


# ---- stages: each takes (side, plan) -----------------------------------------------------------------

def create(side: Side, plan: Plan) -> Any:
    models = {}
    for role, vtype in (("a", plan.gold), ("b", plan.silver)):
        vol = side.new_volume(plan, role, vtype=vtype)
        models[role] = side.drv.create_volume(vol)
        h.apply(vol, models[role])
    return {role: sorted(m) for role, m in models.items()}


def snapshot(side: Side, plan: Plan) -> Any:
    snap = h.snapshot(side.ctx(plan), plan.id("sa"), side.v["a"])
    model = side.drv.create_snapshot(snap)
    h.apply(snap, model)
    side.s["sa"] = snap
    return sorted(model)


def volume_from_snapshot(side: Side, plan: Plan) -> Any:
    vol = side.new_volume(plan, "c", size=2, vtype=plan.gold, snapshot_id=plan.id("sa"))
    model = side.drv.create_volume_from_snapshot(vol, side.s["sa"])
    h.apply(vol, model)
    return sorted(model)


def clone(side: Side, plan: Plan) -> Any:
    vol = side.new_volume(plan, "d", source_volid=plan.id("a"))
    model = side.drv.create_cloned_volume(vol, side.v["a"])
    h.apply(vol, model)
    return sorted(model)


def extend(side: Side, plan: Plan) -> Any:
    side.drv.extend_volume(side.v["a"], 3)
    side.v["a"].size = 3
    return None


def retype(side: Side, plan: Plan) -> Any:
    vol = side.v["a"]
    retyped, model = side.drv.retype(side.ctx(plan), vol, plan.silver, {}, {"host": vol.host, "capabilities": {}})
    vol.volume_type_id = plan.silver["id"]
    h.apply(vol, model)
    return retyped


def _connection(side: Side, info: dict[str, Any]) -> dict[str, Any]:
    """The connection info, its CHAP password replaced by what it is (each cluster has its own secrets)."""
    data = dict(info["data"])
    accounts = {a["username"]: a for a in side.sim.rpc("ListAccounts")["accounts"]}
    account = accounts.get(data.get("auth_username"), {})
    data["auth_password"] = ("<targetSecret>" if data.get("auth_password") == account.get("targetSecret")
                             else "<not the account's targetSecret>")
    return {"driver_volume_type": info["driver_volume_type"], "data": data}


def connect(side: Side, plan: Plan, drv: Any, *roles: str) -> Any:
    """Cinder's attach of each volume: create_export, then initialize_connection."""
    out = []
    for role in roles:
        vol = side.v[role]
        h.apply(vol, drv.create_export(side.ctx(plan), vol, plan.connector))
        out.append(_connection(side, drv.initialize_connection(vol, plan.connector)))
    return out


def disconnect(side: Side, plan: Plan, drv: Any, *roles: str) -> Any:
    for role in roles:
        vol = side.v[role]
        drv.terminate_connection(vol, plan.connector, force=False)
        drv.remove_export(side.ctx(plan), vol)
    return None


def connections_without_vag(side: Side, plan: Plan) -> Any:
    out = connect(side, plan, side.drv, "b")
    disconnect(side, plan, side.drv, "b")
    return out


def connections_with_vag(side: Side, plan: Plan) -> Any:
    return connect(side, plan, side.vag, "a", "b")


def disconnect_with_vag(side: Side, plan: Plan) -> Any:
    return disconnect(side, plan, side.vag, "b", "a")


def attach(side: Side, plan: Plan) -> Any:
    """Cinder's attach calls exports and a connection; vdp.cinder also serves 2.0.6's attachment record
    (attach_volume), which Cinder 2.2.5's driver no longer has."""
    out = connect(side, plan, side.drv, "a")
    if hasattr(type(side.drv), "attach_volume"):
        side.drv.attach_volume(side.ctx(plan), side.v["a"], plan.instance, "compute-1", "/dev/vdb")
    return out


def detach(side: Side, plan: Plan) -> Any:
    if hasattr(type(side.drv), "detach_volume"):
        attachment = {"id": plan.id("attachment"), "instance_uuid": plan.instance}
        side.drv.detach_volume(side.ctx(plan), side.v["a"], attachment)
    return disconnect(side, plan, side.drv, "a")


def unmanage(side: Side, plan: Plan) -> Any:
    side.drv.unmanage(side.v.pop("d"))
    return None


def manage(side: Side, plan: Plan) -> Any:
    """d (unmanaged) comes back as e, by its Element volume id (the reference driver's only reference)."""
    ref = {"source-id": str(side.sim.rpc("ListVolumes", {"volumeName": f"UUID-{plan.id('d')}"})["volumes"][0]
                            ["volumeID"])}
    vol = side.new_volume(plan, "e", vtype=plan.gold)
    size = side.drv.manage_existing_get_size(vol, ref)
    model = side.drv.manage_existing(vol, ref)
    h.apply(vol, model)
    return [size, sorted(model)]


def transfer(side: Side, plan: Plan) -> Any:
    vol = side.v["c"]
    model = side.drv.accept_transfer(side.ctx(plan), vol, h.USER, plan.project2)
    vol.project_id = plan.project2
    h.apply(vol, model)
    return sorted(model)


def revert(side: Side, plan: Plan) -> Any:
    side.drv.revert_to_snapshot(side.ctx(plan), side.v["a"], side.s["sa"])
    side.v["a"].size = 1
    return None


def group_and_snapshot(side: Side, plan: Plan) -> Any:
    ctx = side.ctx(plan)
    grp = h.group(ctx, plan.id("g1"), plan.cg)
    side.g["g1"] = grp
    created = side.drv.create_group(ctx, grp)
    members = [side.new_volume(plan, role, group_id=grp.id) for role in ("g1v1", "g1v2")]
    for vol in members:
        h.apply(vol, side.drv.create_volume(vol))
    updated = side.drv.update_group(ctx, grp, add_volumes=members, remove_volumes=[])
    gsnap = h.group_snapshot(ctx, plan.id("gs1"), grp)
    side.g["gs1"] = gsnap
    snaps = [h.snapshot(ctx, plan.id(f"gs1-{vol.id}"), vol, group_snapshot_id=gsnap.id) for vol in members]
    side.s["gs1"] = snaps
    model, snap_models = side.drv.create_group_snapshot(ctx, gsnap, snaps)
    for snap, update in zip(snaps, snap_models or []):
        h.apply(snap, {k: v for k, v in update.items() if k != "id"})
    return {"create_group": created, "update_group": updated, "create_group_snapshot": model,
            "snapshot_updates": snap_models}


def groups_from_source(side: Side, plan: Plan) -> Any:
    ctx = side.ctx(plan)
    g2 = h.group(ctx, plan.id("g2"), plan.cg)
    snaps = side.s["gs1"]
    new = [side.new_volume(plan, f"g2v{i}", group_id=g2.id, snapshot_id=s.id) for i, s in enumerate(snaps, 1)]
    from_snapshot = side.drv.create_group_from_src(ctx, g2, new, side.g["gs1"], snaps, None, None)
    g3 = h.group(ctx, plan.id("g3"), plan.cg)
    copy = [side.new_volume(plan, "g3v1", group_id=g3.id, size=2, source_volid=plan.id("g1v1"))]
    sources = [side.v["g1v1"], side.v["g1v2"]]
    from_group = side.drv.create_group_from_src(ctx, g3, copy, None, None, side.g["g1"], sources)
    side.g.update(g2=g2, g3=g3)
    for model, vols in ((from_snapshot, new), (from_group, copy)):
        by_id = {u["id"]: u for u in model[1] or []}
        for vol in vols:
            h.apply(vol, {k: v for k, v in by_id.get(vol.id, {}).items() if k not in ("id", "status")})
    return {"from_snapshot": from_snapshot[0], "from_group": from_group[0]}


def delete_group_snapshot(side: Side, plan: Plan) -> Any:
    return side.drv.delete_group_snapshot(side.ctx(plan), side.g["gs1"], side.s.pop("gs1"))[0]


def delete_groups(side: Side, plan: Plan) -> Any:
    out = []
    for name, roles in (("g3", ("g3v1",)), ("g2", ("g2v1", "g2v2")), ("g1", ("g1v1", "g1v2"))):
        vols = [side.v.pop(r) for r in roles]
        out.append(side.drv.delete_group(side.ctx(plan), side.g.pop(name), vols)[0])
    return out


STATS_KEYS = ("volume_backend_name", "vendor_name", "storage_protocol", "total_capacity_gb", "free_capacity_gb",
              "reserved_percentage", "QoS_support", "multiattach", "consistencygroup_support",
              "consistent_group_snapshot_enabled", "replication_enabled", "shared_targets", "provisioned_iops",
              "compression_percent", "deduplication_percent", "thin_provision_percent", "active_cluster_mvip")


def stats(side: Side, plan: Plan) -> Any:
    data = side.drv.get_volume_stats(refresh=True)
    out = {k: data.get(k) for k in STATS_KEYS}
    out["volume_backend_name"] = out["volume_backend_name"].replace(side.name, "<side>")
    return out


def delete(side: Side, plan: Plan) -> Any:
    side.drv.delete_snapshot(side.s.pop("sa"))
    for role in sorted(side.v):
        side.drv.delete_volume(side.v.pop(role))
    return None
