#!/usr/bin/env python3
"""Smoke consumer of the vdp plugin ABI from Python (ctypes, standard library only).

Loads the plugin, starts its own element-sim child, creates and deletes one volume through the C ABI
(abi/include/vdp/vdp.h) and exits 0 on success, 1 on any failure.

Usage: smoke.py <plugin.so> <element-sim>

Rules followed here:
  - ctypes Structures mirror vdp_host and vdp_plugin field by field (layout asserted at start);
  - the plugin is loaded with RTLD_NOW | RTLD_LOCAL (ctypes.CDLL(mode=...));
  - `out` is declared as c_void_p (not c_char_p) so ctypes does not convert it: the pointer is kept,
    copied with string_at(out, out_len) and released with plugin.free_string;
  - host callbacks are CFUNCTYPE objects held by the Host object until after destroy returns; each
    catches every exception (an exception escaping a ctypes callback would be printed and turned into
    0 == VDP_OK);
  - config_get copies the value into the plugin's buffer and reports the size needed (PKCS#11 style).
"""

import ctypes
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid

# ---------------------------------------------------------------------------------------------------
# vdp.h mirror
# ---------------------------------------------------------------------------------------------------

VDP_OK = 0
VDP_E_INVALID_ARGUMENT = 1
VDP_E_NOT_FOUND = 2
VDP_E_INTERNAL = 15
VDP_E_BUFFER_TOO_SMALL = 16
STATUS_NAMES = ["OK", "INVALID_ARGUMENT", "NOT_FOUND", "ALREADY_EXISTS", "FAILED_PRECONDITION",
                "RESOURCE_EXHAUSTED", "ABORTED", "NOT_SUPPORTED", "CONFIG", "AUTH", "BACKEND", "UNAVAILABLE",
                "TIMEOUT", "CANCELLED", "ABI_MISMATCH", "INTERNAL", "BUFFER_TOO_SMALL"]


def vdp_make_version(major, minor):
    return ((major & 0xFFFF) << 16) | (minor & 0xFFFF)


VDP_ABI_VERSION = vdp_make_version(1, 0)


def status_name(rc):
    return STATUS_NAMES[rc] if 0 <= rc < len(STATUS_NAMES) else "INTERNAL"


vdp_status = ctypes.c_int32
uintptr_t = ctypes.c_size_t  # LP64: uintptr_t == size_t

# Opaque handles travel as void pointers.
CONFIG_GET_FN = ctypes.CFUNCTYPE(vdp_status, uintptr_t, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p,
                                 ctypes.c_size_t, ctypes.POINTER(ctypes.c_size_t))
CONTEXT_GET_FN = CONFIG_GET_FN
REMAINING_FN = ctypes.CFUNCTYPE(ctypes.c_int64, uintptr_t, ctypes.c_void_p)
CANCELLED_FN = ctypes.CFUNCTYPE(ctypes.c_int32, uintptr_t, ctypes.c_void_p)
PROGRESS_FN = ctypes.CFUNCTYPE(None, uintptr_t, ctypes.c_void_p, ctypes.c_uint64, ctypes.c_uint64, ctypes.c_char_p)
LOG_FN = ctypes.CFUNCTYPE(None, uintptr_t, ctypes.c_void_p, ctypes.c_int32, ctypes.c_char_p)
LOCK_ACQUIRE_FN = ctypes.CFUNCTYPE(vdp_status, uintptr_t, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int64,
                                   ctypes.POINTER(ctypes.c_uint64))
LOCK_RELEASE_FN = ctypes.CFUNCTYPE(vdp_status, uintptr_t, ctypes.c_uint64)


class VdpHost(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("reserved0", ctypes.c_uint32),
        ("host_data", uintptr_t),
        ("config_get", CONFIG_GET_FN),
        ("context_get", CONTEXT_GET_FN),
        ("context_remaining_ms", REMAINING_FN),
        ("context_cancelled", CANCELLED_FN),
        ("context_progress", PROGRESS_FN),
        ("log", LOG_FN),
        ("lock_acquire", LOCK_ACQUIRE_FN),
        ("lock_release", LOCK_RELEASE_FN),
    ]


# req is c_void_p so that bytes objects are lent without a copy and embedded bytes survive.
OP_FN = ctypes.CFUNCTYPE(vdp_status, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t,
                         ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_size_t))
CREATE_FN = ctypes.CFUNCTYPE(vdp_status, ctypes.POINTER(VdpHost), ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p),
                             ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_size_t))
DESTROY_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p)
FREE_STRING_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p)

OPERATIONS = [
    "create_volume", "delete_volume", "extend_volume", "create_snapshot", "delete_snapshot",
    "create_volume_from_snapshot", "create_cloned_volume", "revert_to_snapshot", "retype", "migrate_volume",
    "manage_existing", "manage_existing_get_size", "unmanage", "accept_transfer", "create_export",
    "ensure_export", "remove_export", "initialize_connection", "terminate_connection", "attach_volume",
    "detach_volume", "get_volume_stats", "update_provider_info", "clone_image", "create_group", "update_group",
    "delete_group", "create_group_from_src", "create_group_snapshot", "delete_group_snapshot",
    "create_consistencygroup", "update_consistencygroup", "delete_consistencygroup",
    "create_consistencygroup_from_src", "create_cgsnapshot", "delete_cgsnapshot", "failover_host", "failover",
    "failover_completed", "freeze_backend", "thaw_backend", "describe",
]


class VdpPlugin(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("abi_version", ctypes.c_uint32),
        ("schema_version", ctypes.c_uint32),
        ("reserved0", ctypes.c_uint32),
        ("name", ctypes.c_char_p),
        ("vendor", ctypes.c_char_p),
        ("driver_version", ctypes.c_char_p),
        ("create", CREATE_FN),
        ("setup", OP_FN),
        ("destroy", DESTROY_FN),
        ("free_string", FREE_STRING_FN),
    ] + [(name, OP_FN) for name in OPERATIONS]


ENTRY_FN = ctypes.CFUNCTYPE(vdp_status, ctypes.c_uint32, ctypes.POINTER(ctypes.c_uint32),
                            ctypes.POINTER(ctypes.POINTER(VdpPlugin)))

assert ctypes.sizeof(ctypes.c_void_p) == 8, "LP64 only"
assert ctypes.sizeof(VdpHost) == 80 and VdpHost.log.offset == 56 and VdpHost.lock_release.offset == 72
assert VdpPlugin.name.offset == 16 and VdpPlugin.create.offset == 40 and VdpPlugin.create_volume.offset == 72
assert VdpPlugin.describe.offset == 72 + 8 * 41 and ctypes.sizeof(VdpPlugin) == 72 + 8 * 42


def redact(body):
    """Masks the CHAP secret of "provider_auth":"CHAP <user> <secret>" before a result is printed."""
    return re.sub(r'("provider_auth": ?"CHAP [^ "]+ )([^"]*)', lambda m: m.group(1) + "*" * len(m.group(2)), body)


def log(msg):
    print(f"ffi-python: {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------------
# Host services
# ---------------------------------------------------------------------------------------------------

class Host:
    """Owns the vdp_host struct and the callback objects; must stay alive until destroy returns."""

    def __init__(self, config):
        self.config = {k.encode(): v.encode() for k, v in config.items()}  # Python memory only
        self.config_calls = 0
        self.log_lines = 0
        self.lock = threading.Lock()
        # Keep references: ctypes frees the trampoline when the CFUNCTYPE object is collected.
        self._config_get = CONFIG_GET_FN(self._on_config_get)
        self._log = LOG_FN(self._on_log)
        self.struct = VdpHost(struct_size=ctypes.sizeof(VdpHost), reserved0=0, host_data=1,
                              config_get=self._config_get, log=self._log)
        # Any non-NULL tokens: the plugin never dereferences them.
        self._cfg_storage = ctypes.c_char(b"c")
        self._ctx_storage = ctypes.c_char(b"x")
        self.cfg_token = ctypes.cast(ctypes.pointer(self._cfg_storage), ctypes.c_void_p)
        self.ctx_token = ctypes.cast(ctypes.pointer(self._ctx_storage), ctypes.c_void_p)

    def _on_config_get(self, host_data, cfg, key, buf, buf_len, needed):
        try:
            with self.lock:
                self.config_calls += 1
            if host_data != 1 or not cfg or key is None:
                return VDP_E_INVALID_ARGUMENT
            value = self.config.get(key)
            if value is None:
                return VDP_E_NOT_FOUND
            size = len(value) + 1
            if needed:
                needed[0] = size
            if not buf or buf_len < size:
                return VDP_E_BUFFER_TOO_SMALL
            ctypes.memmove(buf, value + b"\0", size)
            return VDP_OK
        except BaseException as e:  # never let an exception reach ctypes (it would return 0 == OK)
            log(f"config_get raised {e!r}")
            return VDP_E_INTERNAL

    def _on_log(self, host_data, ctx, level, message):
        try:
            with self.lock:
                self.log_lines += 1
            names = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR"]
            name = names[level] if 0 <= level < len(names) else "?"
            text = message.decode("utf-8", "replace") if message is not None else "(null)"
            log(f"[plugin {name}] {text}")
        except BaseException:
            pass


# ---------------------------------------------------------------------------------------------------
# element-sim child
# ---------------------------------------------------------------------------------------------------

def _die_with_parent():
    # prctl(PR_SET_PDEATHSIG, SIGKILL): the simulator dies with us even if we are SIGKILLed.
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGKILL, 0, 0, 0)


class Simulator:
    def __init__(self, path):
        self.proc = subprocess.Popen([path, "--port", "0", "--no-tls"], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=None, preexec_fn=_die_with_parent)
        self.port = None
        found = threading.Event()

        def reader():
            # Keep draining after the URL so the child never blocks on a full pipe.
            for raw in self.proc.stdout:
                line = raw.decode("utf-8", "replace").rstrip()
                log(f"element-sim: {line}")
                if self.port is None and "listening" in line:
                    for field in line.split():
                        if field.startswith("url="):
                            port = field[4:].rstrip("/").rsplit(":", 1)[-1]
                            if port.isdigit():
                                self.port = port
                                found.set()
            found.set()

        threading.Thread(target=reader, daemon=True).start()
        if not found.wait(30) or self.port is None:
            self.stop()
            raise RuntimeError("element-sim did not print its url (exited or timed out after 30 s)")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# ---------------------------------------------------------------------------------------------------
# Plugin
# ---------------------------------------------------------------------------------------------------

class Plugin:
    def __init__(self, path):
        self.lib = ctypes.CDLL(path, mode=os.RTLD_NOW | os.RTLD_LOCAL)
        entry = ENTRY_FN(("vdp_plugin_entry", self.lib))
        plugin_abi = ctypes.c_uint32(0)
        desc = ctypes.POINTER(VdpPlugin)()
        rc = entry(VDP_ABI_VERSION, ctypes.byref(plugin_abi), ctypes.byref(desc))
        if rc != VDP_OK or not desc:
            raise RuntimeError(f"vdp_plugin_entry: {status_name(rc)} (plugin abi {plugin_abi.value:#x})")
        self.desc = desc.contents
        if self.desc.struct_size < ctypes.sizeof(VdpPlugin):
            raise RuntimeError(f"descriptor struct_size {self.desc.struct_size} < {ctypes.sizeof(VdpPlugin)}")
        for slot in ("create", "setup", "destroy", "free_string"):
            if not getattr(self.desc, slot):
                raise RuntimeError(f"descriptor lacks {slot}")

    def take(self, out, out_len):
        """Copies a plugin-owned string and releases it with free_string."""
        if not out.value:
            return ""
        text = ctypes.string_at(out.value, out_len.value).decode("utf-8", "replace")
        self.desc.free_string(out.value)
        return text

    def call(self, op_name, drv, ctx, req):
        fn = getattr(self.desc, op_name)
        if not fn:
            return 7, '{"status":"NOT_SUPPORTED"}'
        out = ctypes.c_void_p()
        out_len = ctypes.c_size_t(0)
        rc = fn(drv, ctx, req, len(req), ctypes.byref(out), ctypes.byref(out_len))
        return rc, self.take(out, out_len)


def run(plugin_path, sim_path):
    plugin = Plugin(plugin_path)
    d = plugin.desc
    log(f"loaded {plugin_path}: name={d.name.decode()} vendor={d.vendor.decode()} "
        f"version={d.driver_version.decode()} abi={d.abi_version >> 16}.{d.abi_version & 0xFFFF}")

    sim = Simulator(sim_path)
    try:
        log(f"element-sim pid={sim.proc.pid} port={sim.port}")
        # volume_backend_name is longer than the plugin's first buffer: the getter must answer
        # BUFFER_TOO_SMALL, then fill.
        host = Host({"san_ip": "127.0.0.1", "sf_api_port": sim.port, "san_login": "admin",
                     "san_password": "admin", "sf_api_scheme": "http", "volume_backend_name": "ffi-" + "b" * 1000})
        drv = ctypes.c_void_p()
        out = ctypes.c_void_p()
        out_len = ctypes.c_size_t(0)
        rc = d.create(ctypes.byref(host.struct), host.cfg_token, ctypes.byref(drv), ctypes.byref(out),
                      ctypes.byref(out_len))
        body = plugin.take(out, out_len)
        if rc != VDP_OK or not drv.value:
            raise RuntimeError(f"create: {status_name(rc)} {body}")
        log(f"create -> OK {body} (config_get calls: {host.config_calls})")
        try:
            ctx = host.ctx_token
            rc, body = plugin.call("setup", drv, ctx, b"{}")
            log(f"setup -> {status_name(rc)} {body}")
            if rc != VDP_OK:
                raise RuntimeError(f"setup failed: {status_name(rc)} {body}")

            vol_id = str(uuid.uuid4())
            req = json.dumps({"volume": {"id": vol_id, "size": 1, "project_id": "ffi-python",
                                         "display_name": "ffi"}}).encode()
            rc, body = plugin.call("create_volume", drv, ctx, req)
            log(f"create_volume {vol_id} -> {status_name(rc)} {redact(body)}")
            if rc != VDP_OK:
                raise RuntimeError(f"create_volume failed: {status_name(rc)} {body}")
            model = json.loads(body)
            provider_id = model.get("provider_id")
            if not isinstance(provider_id, str) or len(provider_id.split()) != 3:
                raise RuntimeError(f"provider_id {provider_id!r} is not '<volumeID> <accountID> <clusterUUID>'")
            for key in ("provider_location", "provider_auth"):
                if key not in model:
                    raise RuntimeError(f"create_volume result lacks {key}: {body}")

            # Malformed request: INVALID_ARGUMENT with an error object naming the field.
            bad = json.dumps({"volume": {"id": vol_id, "size": -1}}).encode()
            rc, body = plugin.call("create_volume", drv, ctx, bad)
            err = json.loads(body) if body else {}
            if (rc != VDP_E_INVALID_ARGUMENT or err.get("status") != "INVALID_ARGUMENT" or err.get("code") != rc
                    or (err.get("details") or {}).get("field") != "volume.size"):
                raise RuntimeError(f"size -1: got {status_name(rc)} {body}")
            log("create_volume size=-1 -> INVALID_ARGUMENT (field volume.size)")

            req = json.dumps({"volume": {"id": vol_id, "size": 1, "project_id": "ffi-python",
                                         "provider_id": provider_id}}).encode()
            rc, body = plugin.call("delete_volume", drv, ctx, req)
            log(f"delete_volume {vol_id} -> {status_name(rc)} {body}")
            if rc != VDP_OK:
                raise RuntimeError(f"delete_volume failed: {status_name(rc)} {body}")
        finally:
            d.destroy(drv)
            log(f"destroy -> done (log lines received: {host.log_lines})")
            del host  # the callbacks may go only now
    finally:
        sim.stop()


def main():
    if len(sys.argv) != 3:
        print("usage: smoke.py <plugin.so> <element-sim>", file=sys.stderr)
        return 2
    try:
        run(sys.argv[1], sys.argv[2])
    except Exception as e:  # noqa: BLE001 - report any failure as a test failure
        log(f"FAILED: {e}")
        return 1
    log("PASSED: created and deleted a volume through the vdp ABI from Python")
    return 0


if __name__ == "__main__":
    sys.exit(main())
