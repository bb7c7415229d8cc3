"""Test support: paths from the environment, an element-sim child on loopback, the fixture every test
module shares (the plugin and one simulator), request builders."""

from __future__ import annotations

import atexit
import base64
import ctypes
import json
import logging
import os
import re
import secrets
import signal
import ssl
import subprocess
import tempfile
import threading
import urllib.request
import uuid
from typing import Any

import vdp

_PR_SET_PDEATHSIG = 1


def env_path(name: str) -> str:
    """A file named by an environment variable; fails clearly when unset or missing."""
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"{name} is not set: point it at the built file (see bindings/python/README.md)")
    if not os.path.isfile(value):
        raise RuntimeError(f"{name}={value}: no such file")
    return value


def plugin() -> vdp.Plugin:
    return vdp.Plugin(env_path("VDP_PLUGIN"))


def _die_with_parent() -> None:
    # The simulator is killed with us even if this process is SIGKILLed.
    try:
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except Exception:  # noqa: BLE001 - not Linux: atexit and stop() still clean up
        pass


class Simulator:
    """An element-sim child process on loopback, ephemeral ports, `clusters` clusters: plain HTTP, or
    HTTPS with the certificate it uses written to `cert` (for clients that verify TLS)."""

    def __init__(self, *extra: str, tls: bool = False, clusters: int = 1) -> None:
        self.password = "py-" + secrets.token_hex(12)  # unique: the secrets test looks for it
        self._dir = tempfile.TemporaryDirectory(prefix="vdp-sim-")
        self.cert = os.path.join(self._dir.name, "cert.pem") if tls else None
        transport = ["--cert-out", self.cert] if self.cert else ["--no-tls"]
        self.proc = subprocess.Popen(
            [env_path("VDP_ELEMENT_SIM"), "--port", "0", *transport, "--seed", "1", "--log-level", "off",
             "--io-threads", "4", "--password", self.password, "--clusters", str(clusters), *extra],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            preexec_fn=_die_with_parent)
        atexit.register(self.stop)
        self.urls: list[str] = []  # one per cluster: https://127.0.0.1:PORT, https://127.0.0.2:PORT2, ...
        found = threading.Event()

        def reader() -> None:
            assert self.proc.stdout is not None
            try:
                for raw in self.proc.stdout:  # keep draining so the child never blocks on a full pipe
                    m = re.search(r"url=(https?://[^ ]+)", raw.decode("utf-8", "replace"))
                    if m and len(self.urls) < clusters:
                        self.urls.append(m.group(1).rstrip("/"))
                        if len(self.urls) == clusters:
                            found.set()
            except (OSError, ValueError):  # stop() closed the pipe under us (eventlet's green pipes say so)
                pass
            found.set()

        threading.Thread(target=reader, daemon=True).start()
        if not found.wait(20) or len(self.urls) < clusters:
            self.stop()
            raise RuntimeError(f"element-sim did not print its {clusters} url(s) within 20 s")
        self.url = self.urls[0]
        self.port = self.url.rsplit(":", 1)[1]
        self._tls = ssl.create_default_context(cafile=self.cert) if self.cert else None

    def config(self, **overrides: Any) -> dict[str, Any]:
        cfg: dict[str, Any] = {"san_ip": "127.0.0.1", "sf_api_port": self.port, "san_login": "admin",
                               "san_password": self.password, "volume_backend_name": "py"}
        if self.cert:
            cfg["driver_ssl_cert_path"] = self.cert
        else:
            cfg["sf_api_scheme"] = "http"
        cfg.update(overrides)
        return cfg

    def control(self, method: str, path: str, body: Any = None, cluster: int = 0) -> Any:
        """An HTTP request to a cluster (control endpoint or JSON-RPC); the parsed JSON reply."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.urls[cluster] + path, data=data, method=method)
        auth = base64.b64encode(f"admin:{self.password}".encode()).decode()
        req.add_header("Authorization", "Basic " + auth)
        req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=10, context=self._tls) as resp:
            text = resp.read().decode()
        return json.loads(text) if text else None

    def rpc(self, method: str, params: dict[str, Any] | None = None, version: str = "12.5", cluster: int = 0) -> Any:
        """One Element JSON-RPC call; its `result` (RuntimeError naming the Element error otherwise)."""
        reply = self.control("POST", f"/json-rpc/{version}", {"method": method, "params": params or {}, "id": 1},
                             cluster)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error'].get('name')}: {reply['error'].get('message')}")
        return reply["result"]

    def add_faults(self, *specs: str) -> None:
        self.control("POST", "/control/faults", {"faults": list(specs)})

    def clear_faults(self) -> None:
        self.control("DELETE", "/control/faults")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self._dir.cleanup()


class SimFixture:
    """What a test module shares: the plugin (VDP_PLUGIN) and one element-sim child.

        fx = support.SimFixture()
        setUpModule, tearDownModule = fx.start, fx.stop
    """

    plugin: vdp.Plugin
    sim: Simulator

    def start(self) -> None:
        silence_vdp_logs()
        self.plugin = plugin()
        self.sim = Simulator()

    def stop(self) -> None:
        self.sim.stop()

    def driver(self, *, logger: Any = None, locks: Any = None, **config: Any) -> vdp.Driver:
        """A driver for this simulator (config overrides as keywords), set up; the caller closes it."""
        drv = self.plugin.driver(self.sim.config(**config), logger=logger, locks=locks)
        try:
            drv.setup(timeout=10)
        except BaseException:
            drv.close()
            raise
        return drv


def volume(project: str = "py-tests", size: int = 1, **more: Any) -> dict[str, Any]:
    v = {"id": str(uuid.uuid4()), "size": size, "project_id": project}
    v.update(more)
    return v


def ref(vol: dict[str, Any], model: dict[str, Any]) -> dict[str, Any]:
    """The volume as a later request carries it (with its provider_id)."""
    return {"id": vol["id"], "project_id": vol["project_id"], "provider_id": model["provider_id"]}


class Captured(logging.Handler):
    """Collects formatted records (thread-safe through Handler's lock)."""

    def __init__(self) -> None:
        super().__init__(level=1)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name} {record.levelname} {record.getMessage()}")

    def text(self) -> str:
        return "\n".join(self.lines)


def quiet_logger(name: str) -> logging.Logger:
    """A logger that keeps its records to itself (no propagation to the root)."""
    logger = logging.getLogger(name)
    logger.propagate = False
    logger.setLevel(1)
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())
    return logger


def silence_vdp_logs() -> None:
    """Keeps the plugin's and the binding's log lines off stderr while tests run (tests attach their own)."""
    root = logging.getLogger("vdp")
    root.propagate = False
    if not any(isinstance(h, logging.NullHandler) for h in root.handlers):
        root.addHandler(logging.NullHandler())
