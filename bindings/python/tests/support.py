"""Test support: paths from the environment, an element-sim child on loopback, request builders."""

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
import subprocess
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
    """An element-sim child process (plain HTTP, loopback, ephemeral port)."""

    def __init__(self, *extra: str) -> None:
        self.password = "py-" + secrets.token_hex(12)  # unique: the secrets test looks for it
        self.proc = subprocess.Popen(
            [env_path("VDP_ELEMENT_SIM"), "--port", "0", "--no-tls", "--seed", "1", "--log-level", "off",
             "--io-threads", "4", "--password", self.password, *extra],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            preexec_fn=_die_with_parent)
        atexit.register(self.stop)
        self.url = ""
        found = threading.Event()

        def reader() -> None:
            assert self.proc.stdout is not None
            for raw in self.proc.stdout:  # keep draining so the child never blocks on a full pipe
                m = re.search(r"url=(http://[^ ]+)", raw.decode("utf-8", "replace"))
                if m and not self.url:
                    self.url = m.group(1).rstrip("/")
                    found.set()
            found.set()

        threading.Thread(target=reader, daemon=True).start()
        if not found.wait(20) or not self.url:
            self.stop()
            raise RuntimeError("element-sim did not print its url within 20 s")
        self.port = self.url.rsplit(":", 1)[1]

    def config(self, **overrides: Any) -> dict[str, Any]:
        cfg: dict[str, Any] = {"san_ip": "127.0.0.1", "sf_api_port": self.port, "san_login": "admin",
                               "san_password": self.password, "sf_api_scheme": "http",
                               "volume_backend_name": "py"}
        cfg.update(overrides)
        return cfg

    def control(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method)
        auth = base64.b64encode(f"admin:{self.password}".encode()).decode()
        req.add_header("Authorization", "Basic " + auth)
        req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=10) as resp:
            text = resp.read().decode()
        return json.loads(text) if text else None

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
