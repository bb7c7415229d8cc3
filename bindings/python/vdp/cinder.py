"""OpenStack Cinder volume driver over the vdp plugin: `volume_driver = vdp.cinder.SolidFireDriver`.

It serves what Cinder's SolidFire driver (2.2.5) serves, reads the same options (cinder.conf backend
sections work unchanged; README.md "Use with OpenStack Cinder"), turns Cinder's objects into plugin
requests (cinder_requests), runs each call with a deadline and repeats calls whose outcome is unknown
(cinder_calls), turns statuses into Cinder's exceptions (cinder_errors), sends the plugin's log lines to
this module's oslo.log logger and maps the plugin's locks to Cinder's (cinder_locks). Needs Cinder
installed; `import vdp` alone does not.
"""

from __future__ import annotations

import logging as std_logging
from typing import Any

from oslo_log import log as logging
from oslo_utils import timeutils

from cinder import exception, interface
from cinder.volume.drivers.san import san

from . import cinder_calls, cinder_locks, cinder_options, cinder_requests as req, cinder_threads
from .cinder_errors import InvalidOption, invalid_option
from .errors import Error
from .plugin import Plugin

LOG = logging.getLogger(__name__)


@interface.volumedriver
class SolidFireDriver(san.SanISCSIDriver):
    """NetApp SolidFire/Element through the vdp plugin (vdp_solidfire.so)."""

    VERSION = "1.0.0"
    SUPPORTS_ACTIVE_ACTIVE = True  # every operation is idempotent; vdp_lock_scope = auto shares the locks
    driver_prefix = "solidfire"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.configuration.append_config_values(cinder_options.SF_OPTS)
        self.configuration.append_config_values(cinder_options.VDP_OPTS)
        self.active_backend_id = kwargs.get("active_backend_id")
        self.plugin: Plugin | None = None
        self._calls: cinder_calls.Calls | None = None
        self._relay = cinder_threads.LogRelay(LOG)

    @classmethod
    def get_driver_options(cls) -> list[Any]:
        return cinder_options.SF_OPTS + cinder_options.VDP_OPTS + cls._get_oslo_driver_opts(
            "san_ip", "san_login", "san_password", "driver_ssl_cert_verify", "driver_ssl_cert_path",
            "replication_device", "reserved_percentage", "max_over_subscription_ratio")

    def _init_vendor_properties(self) -> tuple[dict[str, Any], str]:
        properties: dict[str, Any] = {}
        self._set_property(properties, "solidfire:replication_mode", "Replication mode",
                           "Specifies replication mode.", "string", enum=["Async", "Sync", "SnapshotsOnly"])
        return properties, "solidfire"

    # ---- set-up ----------------------------------------------------------------------------------------

    def _log_level(self) -> str:
        level = self.configuration.vdp_log_level
        if level:
            return level
        return "debug" if LOG.isEnabledFor(std_logging.DEBUG) else "info"

    def _locks(self) -> Any:
        scope = cinder_locks.lock_scope(self.configuration.vdp_lock_scope, self.cluster_name)
        return cinder_locks.CoordinationLocks() if scope == "coordination" else cinder_locks.process_locks()

    def do_setup(self, context: Any) -> None:
        """Loads the plugin, creates its driver (validates the options), contacts the cluster."""
        cinder_threads.use_native_threading()  # before the binding makes this driver's locks
        path = cinder_options.plugin_path(self.configuration.vdp_plugin_path)
        try:
            self.plugin = Plugin(path)
        except (OSError, ValueError, Error) as err:  # no file, not a plugin, another ABI major
            raise InvalidOption("vdp_plugin_path", f"cannot load {path}: {err}") from err
        config = cinder_options.BackendConfig(self.configuration, {
            "active_backend_id": self.active_backend_id, "vdp_log_level": self._log_level()})
        plugin = self.plugin
        try:
            drv = cinder_threads.run_blocking(
                lambda: plugin.driver(config, logger=self._relay, locks=self._locks()), self._relay)
        except Error as err:  # create: CONFIG naming the option (no other status is expected)
            raise invalid_option(err) from err
        for warning in drv.warnings:
            LOG.warning("vdp: %s", warning)
        calls = cinder_calls.Calls(drv, self.configuration, self._relay, LOG)
        calls("setup")
        self._calls = calls
        LOG.info("vdp plugin %s %s (%s) serving backend %s", plugin.name, plugin.driver_version, plugin.path,
                 self.configuration.safe_get("volume_backend_name"))

    def check_for_setup_error(self) -> None:
        if self._calls is None:
            raise exception.VolumeDriverException(message="vdp: do_setup has not loaded the plugin")

    def _call(self, op: str, request: dict[str, Any] | None = None) -> dict[str, Any]:
        if self._calls is None:
            raise exception.VolumeDriverException(message=f"vdp: {op} before do_setup")
        return self._calls(op, request)

    def _volume(self, vol: Any) -> dict[str, Any]:
        return req.volume(vol, metadata=bool(self.configuration.sf_allow_tenant_qos))

    # ---- volumes --------------------------------------------------------------------------------------

    def create_volume(self, volume: Any) -> dict[str, Any]:
        return self._call("create_volume", {"volume": self._volume(volume)})

    def delete_volume(self, volume: Any) -> None:
        self._call("delete_volume", {"volume": req.volume(volume)})

    def extend_volume(self, volume: Any, new_size: int) -> None:
        self._call("extend_volume", {"volume": self._volume(volume), "new_size": int(new_size)})

    def create_cloned_volume(self, volume: Any, src_vref: Any) -> dict[str, Any]:
        return self._call("create_cloned_volume", {"volume": self._volume(volume), "src_vref": req.volume(src_vref)})

    def create_volume_from_snapshot(self, volume: Any, snapshot: Any) -> dict[str, Any]:
        return self._call("create_volume_from_snapshot",
                          {"volume": self._volume(volume), "snapshot": req.snapshot(snapshot)})

    def revert_to_snapshot(self, context: Any, volume: Any, snapshot: Any) -> None:
        self._call("revert_to_snapshot", {"volume": req.volume(volume), "snapshot": req.snapshot(snapshot)})

    def retype(self, context: Any, volume: Any, new_type: Any, diff: Any, host: Any) -> tuple[bool, Any]:
        result = self._call("retype", {"volume": self._volume(volume), "new_type": req.volume_type(new_type)})
        return bool(result.get("retyped")), result.get("model_update") or {}

    def migrate_volume(self, context: Any, volume: Any, host: Any) -> tuple[bool, Any]:
        result = self._call("migrate_volume", {"volume": req.volume(volume), "host": req.host(host)})
        if not result.get("migrated"):
            LOG.info("vdp: volume %s left to Cinder's generic migration: %s", volume["id"], result.get("reason"))
        return bool(result.get("migrated")), result.get("model_update")

    def accept_transfer(self, context: Any, volume: Any, new_user: str, new_project: str) -> dict[str, Any]:
        return self._call("accept_transfer", {"volume": req.volume(volume), "new_user": new_user,
                                              "new_project": new_project})

    def manage_existing(self, volume: Any, existing_ref: Any) -> dict[str, Any]:
        return self._call("manage_existing", {"volume": self._volume(volume),
                                              "existing_ref": req.existing_ref(existing_ref)})

    def manage_existing_get_size(self, volume: Any, existing_ref: Any) -> int:
        result = self._call("manage_existing_get_size", {"volume": req.volume(volume),
                                                         "existing_ref": req.existing_ref(existing_ref)})
        return int(result["size"])

    def unmanage(self, volume: Any) -> None:
        self._call("unmanage", {"volume": req.volume(volume)})

    def manage_existing_snapshot(self, snapshot: Any, existing_ref: Any) -> dict[str, Any]:
        # As Cinder's driver: Cinder reports it unsupported (the ABI has no such operation yet).
        raise NotImplementedError("vdp: manage_existing_snapshot is not an operation of the plugin ABI 1.0")

    def manage_existing_snapshot_get_size(self, snapshot: Any, existing_ref: Any) -> int:
        raise NotImplementedError("vdp: manage_existing_snapshot is not an operation of the plugin ABI 1.0")

    def clone_image(self, context: Any, volume: Any, image_location: Any, image_meta: Any,
                    image_service: Any) -> tuple[None, bool]:
        return None, False  # the plugin does not serve clone_image yet: Cinder copies the image

    # ---- snapshots ------------------------------------------------------------------------------------

    def create_snapshot(self, snapshot: Any) -> dict[str, Any]:
        return self._call("create_snapshot", {"snapshot": req.snapshot(snapshot)})

    def delete_snapshot(self, snapshot: Any) -> None:
        self._call("delete_snapshot", {"snapshot": req.snapshot(snapshot)})

    # ---- exports and connections ------------------------------------------------------------------------

    def create_export(self, context: Any, volume: Any, connector: Any) -> dict[str, Any]:
        request: dict[str, Any] = {"volume": req.volume(volume)}
        if connector:
            request["connector"] = req.connector(connector)
        return self._call("create_export", request)

    def ensure_export(self, context: Any, volume: Any) -> dict[str, Any] | None:
        # Called for every volume when the service starts: as Cinder's driver, a cluster that does not
        # answer leaves the volume as it is instead of failing it.
        try:
            return self._call("ensure_export", {"volume": req.volume(volume)})
        except exception.VolumeBackendAPIException as err:
            LOG.warning("vdp: ensure_export of volume %s: %s", volume["id"], err)
            return None

    def remove_export(self, context: Any, volume: Any) -> None:
        self._call("remove_export", {"volume": req.volume(volume)})

    def initialize_connection(self, volume: Any, connector: Any) -> dict[str, Any]:
        return self._call("initialize_connection", {"volume": req.volume(volume),
                                                    "connector": req.connector(connector)})

    def terminate_connection(self, volume: Any, connector: Any, **kwargs: Any) -> None:
        request: dict[str, Any] = {"volume": req.volume(volume), "force": bool(kwargs.get("force"))}
        if connector:
            request["connector"] = req.connector(connector)
        self._call("terminate_connection", request)

    def attach_volume(self, context: Any, volume: Any, instance_uuid: str | None, host_name: str | None,
                      mountpoint: str | None) -> None:
        """2.0.6 bookkeeping: the attachment is recorded in the Element volume's attributes."""
        request = {"volume": req.volume(volume), "instance_uuid": instance_uuid, "host_name": host_name,
                   "mountpoint": mountpoint, "attach_time": timeutils.utcnow().isoformat()}
        self._call("attach_volume", {k: v for k, v in request.items() if v is not None})

    def detach_volume(self, context: Any, volume: Any, attachment: Any = None) -> None:
        request: dict[str, Any] = {"volume": req.volume(volume)}
        if attachment is not None:
            request["attachment"] = {k: attachment[k] for k in ("id", "instance_uuid") if attachment.get(k)}
        self._call("detach_volume", request)

    # ---- stats and provider ids ---------------------------------------------------------------------------

    def get_volume_stats(self, refresh: bool = False) -> dict[str, Any]:
        if refresh or not self._stats:
            try:
                self._stats = self._call("get_volume_stats", {"refresh": True})
            except exception.CinderException as err:
                # As the reference driver: an unreachable cluster reports no capacity.
                LOG.warning("vdp: stats refresh failed: %s", err)
                self._stats = {"volume_backend_name": self.configuration.safe_get("volume_backend_name") or
                               type(self).__name__, "vendor_name": "SolidFire Inc", "driver_version": self.VERSION,
                               "storage_protocol": "iSCSI", "total_capacity_gb": 0, "free_capacity_gb": 0,
                               "reserved_percentage": self.configuration.reserved_percentage}
        return self._stats

    def update_provider_info(self, volumes: Any, snapshots: Any) -> tuple[list[Any], list[Any]]:
        result = self._call("update_provider_info", {"volumes": req.volumes(volumes),
                                                     "snapshots": [req.snapshot(s, with_volume=False)
                                                                   for s in snapshots or []]})
        return result.get("volumes") or [], result.get("snapshots") or []

    # ---- groups (generic, then the 2.0.6 consistency group names) -------------------------------------

    def create_group(self, context: Any, group: Any) -> Any:
        return self._call("create_group", {"group": req.group(group)}).get("model_update")

    def delete_group(self, context: Any, group: Any, volumes: Any) -> tuple[Any, Any]:
        return self._delete_group("delete_group", group, volumes)

    def update_group(self, context: Any, group: Any, add_volumes: Any = None,
                     remove_volumes: Any = None) -> tuple[Any, Any, Any]:
        return self._update_group("update_group", group, add_volumes, remove_volumes)

    def create_group_from_src(self, context: Any, group: Any, volumes: Any, group_snapshot: Any = None,
                              snapshots: Any = None, source_group: Any = None,
                              source_vols: Any = None) -> tuple[Any, Any]:
        return self._from_src("create_group_from_src", group, volumes, group_snapshot, snapshots, source_group,
                              source_vols)

    def create_group_snapshot(self, context: Any, group_snapshot: Any, snapshots: Any) -> tuple[Any, Any]:
        return self._group_snapshot("create_group_snapshot", group_snapshot, snapshots)

    def delete_group_snapshot(self, context: Any, group_snapshot: Any, snapshots: Any) -> tuple[Any, Any]:
        return self._group_snapshot("delete_group_snapshot", group_snapshot, snapshots)

    def create_consistencygroup(self, context: Any, group: Any) -> Any:
        return self._call("create_consistencygroup", {"group": req.group(group)}).get("model_update")

    def delete_consistencygroup(self, context: Any, group: Any, volumes: Any) -> tuple[Any, Any]:
        return self._delete_group("delete_consistencygroup", group, volumes)

    def update_consistencygroup(self, context: Any, group: Any, add_volumes: Any = None,
                                remove_volumes: Any = None) -> tuple[Any, Any, Any]:
        return self._update_group("update_consistencygroup", group, add_volumes, remove_volumes)

    def create_consistencygroup_from_src(self, context: Any, group: Any, volumes: Any, cgsnapshot: Any = None,
                                         snapshots: Any = None, source_cg: Any = None,
                                         source_vols: Any = None) -> tuple[Any, Any]:
        return self._from_src("create_consistencygroup_from_src", group, volumes, cgsnapshot, snapshots, source_cg,
                              source_vols)

    def create_cgsnapshot(self, context: Any, cgsnapshot: Any, snapshots: Any) -> tuple[Any, Any]:
        return self._group_snapshot("create_cgsnapshot", cgsnapshot, snapshots)

    def delete_cgsnapshot(self, context: Any, cgsnapshot: Any, snapshots: Any) -> tuple[Any, Any]:
        return self._group_snapshot("delete_cgsnapshot", cgsnapshot, snapshots)

    def _delete_group(self, op: str, group: Any, volumes: Any) -> tuple[Any, Any]:
        result = self._call(op, {"group": req.group(group), "volumes": req.volumes(volumes)})
        return result.get("model_update"), result.get("volumes_model_update")

    def _update_group(self, op: str, group: Any, add_volumes: Any, remove_volumes: Any) -> tuple[Any, Any, Any]:
        result = self._call(op, {"group": req.group(group), "add_volumes": req.volumes(add_volumes),
                                 "remove_volumes": req.volumes(remove_volumes)})
        return result.get("model_update"), result.get("add_volumes_update"), result.get("remove_volumes_update")

    def _from_src(self, op: str, group: Any, volumes: Any, group_snapshot: Any, snapshots: Any,
                  source_group: Any, source_vols: Any) -> tuple[Any, Any]:
        request: dict[str, Any] = {"group": req.group(group), "volumes": req.volumes(volumes)}
        if group_snapshot is not None:
            request["group_snapshot"] = req.group_snapshot(group_snapshot)
            request["snapshots"] = req.snapshots(snapshots)
        if source_group is not None:
            request["source_group"] = req.group(source_group)
            request["source_vols"] = req.volumes(source_vols)
        result = self._call(op, request)
        return result.get("model_update"), result.get("volumes_model_update")

    def _group_snapshot(self, op: str, group_snapshot: Any, snapshots: Any) -> tuple[Any, Any]:
        result = self._call(op, {"group_snapshot": req.group_snapshot(group_snapshot),
                                 "snapshots": req.snapshots(snapshots)})
        return result.get("model_update"), result.get("snapshots_model_update")

    # ---- replication and freeze ---------------------------------------------------------------------------

    def failover_host(self, context: Any, volumes: Any, secondary_id: str | None = None,
                      groups: Any = None) -> tuple[str, list[Any], list[Any]]:
        result = self._failover("failover_host", volumes, secondary_id)
        self.active_backend_id = result[0] or None
        return result

    def failover(self, context: Any, volumes: Any, secondary_id: str | None = None,
                 groups: Any = None) -> tuple[str, list[Any], list[Any]]:
        return self._failover("failover", volumes, secondary_id)

    def failover_completed(self, context: Any, active_backend_id: str | None = None) -> None:
        self._call("failover_completed", {"active_backend_id": active_backend_id or ""})
        self.active_backend_id = active_backend_id or None

    def _failover(self, op: str, volumes: Any, secondary_id: str | None) -> tuple[str, list[Any], list[Any]]:
        request: dict[str, Any] = {"volumes": req.volumes(volumes), "secondary_id": secondary_id}
        result = self._call(op, request)
        return (result.get("active_backend_id") or "", result.get("volume_updates") or [],
                result.get("group_updates") or [])

    def freeze_backend(self, context: Any) -> None:
        self._call("freeze_backend")

    def thaw_backend(self, context: Any) -> None:
        self._call("thaw_backend")
