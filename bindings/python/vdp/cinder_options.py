"""Options of vdp.cinder.SolidFireDriver and the configuration the plugin reads through config_get.

The SolidFire options are Cinder's own (`cinder.volume.drivers.solidfire.sf_opts`, plus the san_* and
driver_ssl_* options of every Cinder driver), so an existing SolidFire backend section works unchanged;
the few vdp_* options below are this driver's own.
"""

from __future__ import annotations

import os
import sysconfig
from collections.abc import Iterator, Mapping
from typing import Any

from oslo_config import cfg

from cinder.volume.drivers import solidfire as _reference  # registers sf_opts in [backend_defaults]

SF_OPTS: list[cfg.Opt] = list(_reference.sf_opts)

PLUGIN_FILE = "vdp_solidfire.so"


def installed_plugin_path() -> str:
    """Where the vdp package installs the plugin: <libdir>/vdp/plugins (Debian: /usr/lib/<multiarch>)."""
    multiarch = sysconfig.get_config_var("MULTIARCH")
    if multiarch:
        libdir = os.path.join("/usr/lib", multiarch)
    else:
        libdir = "/usr/lib64" if os.path.isdir("/usr/lib64") else "/usr/lib"
    return os.path.join(libdir, "vdp", "plugins", PLUGIN_FILE)


LOG_LEVELS = ("trace", "debug", "info", "warn", "error", "off")
LOCK_SCOPES = ("auto", "process", "coordination")

VDP_OPTS: list[cfg.Opt] = [
    cfg.StrOpt("vdp_plugin_path",
               help="The vdp plugin to load. Default: $VDP_PLUGIN when that is set, else the installed "
                    "plugin, " + installed_plugin_path() + "."),
    cfg.StrOpt("vdp_log_level", choices=LOG_LEVELS,
               help="Lowest level of the log lines the plugin sends (to this driver's logger). Default: "
                    "debug when the logger is at DEBUG (Cinder's debug = true), else info."),
    cfg.IntOpt("vdp_operation_timeout", default=300, min=1,
               help="Seconds an operation may take: its deadline. Operations that wait add the wait's own "
                    "option: clones sf_volume_clone_timeout (per clone), replicated volumes "
                    "sf_volume_pairing_timeout, setup with replication sf_cluster_pairing_timeout."),
    cfg.IntOpt("vdp_outcome_unknown_retries", default=3, min=0, max=10,
               help="How many times a call whose outcome is unknown (a lost reply, a deadline reached after "
                    "a write) is repeated with the same request before it fails; every operation is "
                    "idempotent, so a repeat only learns the outcome."),
    cfg.StrOpt("vdp_lock_scope", default="auto", choices=LOCK_SCOPES,
               help="Where the plugin's named locks (clones of one source are serialised) live: process "
                    "(this cinder-volume only), coordination (Cinder's [coordination] backend_url, shared "
                    "by every service that uses it), auto (coordination when the service is clustered, "
                    "i.e. active-active, else process)."),
]


def plugin_path(configured: str | None) -> str:
    """The plugin to load: the option, then $VDP_PLUGIN, then the installed plugin."""
    return configured or os.environ.get("VDP_PLUGIN") or installed_plugin_path()


def _replication_text(devices: Any) -> str:
    """Cinder's replication_device (a list of dicts) in the plugin's spelling: k:v,... one device a line."""
    if isinstance(devices, str):
        return devices
    return "\n".join(",".join(f"{k}:{v}" for k, v in dict(d).items()) for d in devices)


# What the plugin may ask for (README "Configuration"); iteration only, lookups take any name.
_KNOWN = tuple(o.name for o in SF_OPTS) + (
    "san_ip", "san_login", "san_password", "driver_ssl_cert_verify", "driver_ssl_cert_path",
    "volume_backend_name", "reserved_percentage", "max_over_subscription_ratio", "replication_device",
    "active_backend_id", "vdp_log_level")


class BackendConfig(Mapping[str, Any]):
    """The backend section as config_get sees it: an option's value as text, absent when unset.

    `overrides` answer first (active_backend_id, the resolved vdp_log_level). Cinder's
    max_over_subscription_ratio = auto (compute from usage) is not the plugin's: it is left out, so the
    plugin's default (20.0) applies. Values are never logged (one of them is the password).
    """

    def __init__(self, configuration: Any, overrides: Mapping[str, Any] | None = None) -> None:
        self._conf = configuration
        self._overrides = dict(overrides or {})

    def __getitem__(self, key: str) -> Any:
        value = self._overrides[key] if key in self._overrides else self._conf.safe_get(key)
        if value is None or value == [] or (key == "max_over_subscription_ratio" and str(value) == "auto"):
            raise KeyError(key)
        if key == "replication_device":
            return _replication_text(value)
        if isinstance(value, (bool, int, float, str)):
            return value
        return str(value)

    def __iter__(self) -> Iterator[str]:
        return iter(_KNOWN)

    def __len__(self) -> int:
        return len(_KNOWN)
