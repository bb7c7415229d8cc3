"""The Cinder side of the suite.

- `Environment`: element-sim children (HTTPS, self-signed certificates), the README's cinder.conf
  (tests_cinder/cinder.conf) turned into backend sections for them and loaded as cinder-volume loads
  it, and drivers made as the volume manager makes them (do_setup, check_for_setup_error).
- `Types`: volume types, QoS specs and group types kept in memory and served through the functions
  both drivers call (volume_types.get_volume_type, qos_specs.get_qos_specs, group_types.get_group_type):
  the database mocks test_solidfire.py uses, at the same place.
- Cinder's own fake objects (fake_volume, fake_snapshot, fake_group, fake_group_snapshot) with a real
  RequestContext.
"""

from __future__ import annotations

import configparser
import copy
import datetime
import ipaddress
import logging
import os
import tempfile
import uuid
from typing import Any
from unittest import mock

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from oslo_config import cfg
from oslo_utils import importutils, timeutils

from cinder import context, objects
from cinder.tests.unit import fake_group, fake_group_snapshot, fake_snapshot, fake_volume
from cinder.volume import configuration, driver as volume_driver, group_types, manager, qos_specs, volume_types
from cinder.volume.drivers.san import san

from vdp import cinder_options

from tests import support

objects.register_all()

EXAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cinder.conf")
EXAMPLE_SECTION = "solidfire-1"
VDP = "vdp.cinder.SolidFireDriver"
REFERENCE = "cinder.volume.drivers.solidfire.SolidFireDriver"
USER = "u-cinder-tests"

CONF = cfg.CONF


class Types:
    """Volume types, QoS specs and group types in memory (what the database would return)."""

    def __init__(self) -> None:
        self.volume_types: dict[str, dict[str, Any]] = {}
        self.qos: dict[str, dict[str, Any]] = {}
        self.group_types: dict[str, dict[str, Any]] = {}
        self._patches = [
            mock.patch.object(volume_types, "get_volume_type", self._get_volume_type),
            mock.patch.object(qos_specs, "get_qos_specs", self._get_qos_specs),
            mock.patch.object(group_types, "get_group_type", self._get_group_type),
        ]
        for patch in self._patches:
            patch.start()

    def stop(self) -> None:
        for patch in self._patches:
            patch.stop()

    def volume_type(self, name: str, extra_specs: dict[str, str] | None = None,
                    qos: dict[str, str] | None = None) -> dict[str, Any]:
        """A volume type; `qos` makes a back-end QoS specs entity associated with it."""
        qos_id = None
        if qos is not None:
            qos_id = str(uuid.uuid4())
            self.qos[qos_id] = {"id": qos_id, "name": f"{name}-qos", "consumer": "back-end", "specs": dict(qos)}
        vtype = {"id": str(uuid.uuid4()), "name": name, "extra_specs": dict(extra_specs or {}),
                 "qos_specs_id": qos_id, "is_public": True, "description": None, "deleted": False}
        self.volume_types[vtype["id"]] = vtype
        return copy.deepcopy(vtype)

    def group_type(self, name: str, group_specs: dict[str, str]) -> dict[str, Any]:
        gtype = {"id": str(uuid.uuid4()), "name": name, "group_specs": dict(group_specs), "is_public": True,
                 "description": None, "deleted": False}
        self.group_types[gtype["id"]] = gtype
        return copy.deepcopy(gtype)

    def _get_volume_type(self, ctxt: Any, type_id: str, expected_fields: Any = None) -> dict[str, Any]:
        return copy.deepcopy(self.volume_types[type_id])

    def _get_qos_specs(self, ctxt: Any, spec_id: str) -> dict[str, Any]:
        return copy.deepcopy(self.qos[spec_id])

    def _get_group_type(self, ctxt: Any, type_id: str, expected_fields: Any = None) -> dict[str, Any]:
        return copy.deepcopy(self.group_types[type_id])


def self_signed_certificate(directory: str) -> tuple[str, str]:
    """(cert, key) PEM files for 127.0.0.1 and 127.0.0.2 (a second cluster's address), shared by every
    simulator: requests takes one CA bundle, and two self-signed certificates with one subject in a
    bundle do not verify."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(a))
                                                        for a in ("127.0.0.1", "127.0.0.2")]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = os.path.join(directory, "sim-cert.pem"), os.path.join(directory, "sim-key.pem")
    with open(cert_file, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_file, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    return cert_file, key_file


def example_section() -> dict[str, str]:
    """The [solidfire-1] section of the README's cinder.conf."""
    parser = configparser.ConfigParser(interpolation=None)
    if not parser.read(EXAMPLE):
        raise RuntimeError(f"{EXAMPLE}: missing")
    defaults = parser.defaults()
    return {k: v for k, v in parser[EXAMPLE_SECTION].items() if k not in defaults}


class Environment:
    """Simulators named by role, one cinder.conf section per (driver, simulator, VAG) and the types.

    Sections: vdp / vdp-vag and ref / ref-vag (the lifecycle's two clusters: vdp.cinder and Cinder's
    reference driver), misc and misc-ref (both drivers on two more clusters, for the other tests), repl
    (vdp.cinder on a pair of clusters: replication_device names the second one, backend_id "dr").
    """

    def __init__(self) -> None:
        support.silence_vdp_logs()
        # Cinder's driver logs the failures the error tests provoke (a volume not found...) as errors.
        logging.getLogger("cinder.volume.drivers.solidfire").setLevel(logging.CRITICAL)
        self.plugin_path = support.env_path("VDP_PLUGIN")
        self._dir = tempfile.TemporaryDirectory(prefix="vdp-cinder-")
        cert, key = self_signed_certificate(self._dir.name)
        # The lifecycle's clusters clone at once, so that both drivers' RPC counts per stage are exact
        # (a clone still copying would add polls that depend on timing).
        self.sims = {role: support.Simulator("--cert", cert, "--key", key,
                                             *(("--clone-delay-ms", "0") if role in ("vdp", "ref") else ()), tls=True)
                     for role in ("vdp", "ref", "misc", "misc-ref")}
        self.sims["repl"] = support.Simulator("--cert", cert, "--key", key, tls=True, clusters=2)
        base = example_section()
        sections: dict[str, dict[str, str]] = {}
        for name, role, driver_class, vag in (("vdp", "vdp", VDP, "false"), ("vdp-vag", "vdp", VDP, "true"),
                                        ("ref", "ref", REFERENCE, "false"), ("ref-vag", "ref", REFERENCE, "true"),
                                        ("misc", "misc", VDP, "false"), ("misc-ref", "misc-ref", REFERENCE, "false"),
                                        ("repl", "repl", VDP, "false")):
            sim = self.sims[role]
            sections[name] = {**base, "volume_driver": driver_class, "volume_backend_name": name, "san_ip": "127.0.0.1",
                              "sf_api_port": sim.port, "san_login": "admin", "san_password": sim.password,
                              "driver_ssl_cert_path": sim.cert or "", "sf_enable_vag": vag,
                              "vdp_plugin_path": self.plugin_path}
        repl = self.sims["repl"]
        target = repl.urls[1].rsplit(":", 1)
        sections["repl"]["replication_device"] = (f"backend_id:dr,mvip:{target[0].split('//')[1]},login:admin,"
                                                  f"password:{repl.password},port:{target[1]}")
        self.sections = sections
        self._variants = 0
        self.conf_file = os.path.join(self._dir.name, "cinder.conf")
        parser = configparser.ConfigParser(interpolation=None)
        parser["DEFAULT"] = {"enabled_backends": ",".join(sections)}
        for name, values in sections.items():
            parser[name] = values
        with open(self.conf_file, "w") as f:
            parser.write(f)
        CONF(["--config-file", self.conf_file], project="cinder", default_config_files=[])
        # The reference driver verifies TLS with requests' CA bundle only (it never reads
        # driver_ssl_cert_path): the same trust, given the way requests takes it.
        os.environ["REQUESTS_CA_BUNDLE"] = cert
        self.types = Types()

    def stop(self) -> None:
        self.types.stop()
        for sim in self.sims.values():
            sim.stop()
        self._dir.cleanup()

    def driver(self, section: str, *, setup: bool = True, cluster_name: str | None = None,
               active_backend_id: str | None = None, **overrides: Any) -> Any:
        """The section's driver, made as the volume manager makes it, set up unless `setup` is false.

        With `overrides` the driver gets a section of its own: `section`'s values and these.
        """
        if overrides:
            base = self.sections[section]
            self._variants += 1
            section = f"{section}-{self._variants}"
            config = configuration.Configuration(manager.volume_backend_opts, config_group=section)
            # Options a driver registers itself need registering before they are set.
            for opts in (volume_driver.volume_opts, san.san_opts, cinder_options.SF_OPTS, cinder_options.VDP_OPTS):
                config.append_config_values(opts)
            for key, value in {**base, **overrides}.items():
                CONF.set_override(key, value, group=section)
        else:
            config = configuration.Configuration(manager.volume_backend_opts, config_group=section)
        drv = importutils.import_object(config.volume_driver, configuration=config, host=f"cinder@{section}",
                                        cluster_name=cluster_name, is_vol_db_empty=False,
                                        active_backend_id=active_backend_id)
        if setup:
            drv.do_setup(admin_context())
            drv.check_for_setup_error()
            drv.set_initialized()
        return drv


_ENV: Environment | None = None


def environment() -> Environment:
    """The process's Environment (made on first use; its simulators stop at exit)."""
    global _ENV
    if _ENV is None:
        _ENV = Environment()
    return _ENV


# ---- Cinder objects ----------------------------------------------------------------------------------

def admin_context() -> context.RequestContext:
    return context.get_admin_context()


def request_context(project_id: str) -> context.RequestContext:
    """A user's RequestContext (it becomes the thread's current context, with a fresh request id)."""
    return context.RequestContext(USER, project_id, is_admin=True)


def volume(ctxt: Any, vid: str, *, size: int = 1, vtype: dict[str, Any] | None = None, **more: Any) -> Any:
    fields = {"id": vid, "size": size, "project_id": ctxt.project_id, "user_id": USER, "display_name": f"v-{vid[:8]}",
              "volume_type_id": vtype["id"] if vtype else None, "created_at": timeutils.utcnow(),
              "host": "cinder@be#be", "status": "available", "multiattach": False}
    fields.update(more)
    return fake_volume.fake_volume_obj(ctxt, **fields)


def snapshot(ctxt: Any, sid: str, vol: Any, **more: Any) -> Any:
    snap = fake_snapshot.fake_snapshot_obj(ctxt, id=sid, volume_id=vol.id, volume_size=vol.size,
                                           project_id=vol.project_id, user_id=USER, status="creating", **more)
    snap.volume = vol
    return snap


def group(ctxt: Any, gid: str, gtype: dict[str, Any], **more: Any) -> Any:
    return fake_group.fake_group_obj(ctxt, id=gid, group_type_id=gtype["id"], project_id=ctxt.project_id,
                                     user_id=USER, **more)


def group_snapshot(ctxt: Any, gsid: str, grp: Any) -> Any:
    return fake_group_snapshot.fake_group_snapshot_obj(ctxt, id=gsid, group_id=grp.id,
                                                       group_type_id=grp.group_type_id,
                                                       project_id=grp.project_id, user_id=USER)


def apply(obj: Any, model_update: dict[str, Any] | None) -> None:
    """What the volume manager does with a model update."""
    if model_update:
        obj.update(model_update)


class Captured(support.Captured):
    """Records of the vdp loggers (the adapter's, the plugin's and the binding's), from TRACE up."""

    NAMES = ("vdp",)

    def __enter__(self) -> Captured:
        for name in self.NAMES:
            logger = logging.getLogger(name)
            logger.addHandler(self)
            self._level = logger.level
            logger.setLevel(5)
        return self

    def __exit__(self, *exc: Any) -> None:
        for name in self.NAMES:
            logger = logging.getLogger(name)
            logger.removeHandler(self)
            logger.setLevel(self._level)
