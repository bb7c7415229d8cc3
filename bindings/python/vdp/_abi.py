"""ctypes mirror of abi/include/vdp/vdp.h and vdp_operations.h (ABI 1.0, LP64)."""

from __future__ import annotations

import ctypes

# ---- versions ------------------------------------------------------------------------------------


def make_version(major: int, minor: int) -> int:
    """VDP_MAKE_VERSION."""
    return ((major & 0xFFFF) << 16) | (minor & 0xFFFF)


def version_tuple(version: int) -> tuple[int, int]:
    """(VDP_VERSION_MAJOR, VDP_VERSION_MINOR)."""
    return (version >> 16) & 0xFFFF, version & 0xFFFF


ABI_VERSION = make_version(1, 0)
SCHEMA_VERSION = make_version(1, 0)

# ---- status codes ----------------------------------------------------------------------------------

OK = 0
E_INVALID_ARGUMENT = 1
E_NOT_FOUND = 2
E_ALREADY_EXISTS = 3
E_FAILED_PRECONDITION = 4
E_RESOURCE_EXHAUSTED = 5
E_ABORTED = 6
E_NOT_SUPPORTED = 7
E_CONFIG = 8
E_AUTH = 9
E_BACKEND = 10
E_UNAVAILABLE = 11
E_TIMEOUT = 12
E_CANCELLED = 13
E_ABI_MISMATCH = 14
E_INTERNAL = 15
E_BUFFER_TOO_SMALL = 16

STATUS_NAMES: dict[int, str] = {
    OK: "OK",
    E_INVALID_ARGUMENT: "INVALID_ARGUMENT",
    E_NOT_FOUND: "NOT_FOUND",
    E_ALREADY_EXISTS: "ALREADY_EXISTS",
    E_FAILED_PRECONDITION: "FAILED_PRECONDITION",
    E_RESOURCE_EXHAUSTED: "RESOURCE_EXHAUSTED",
    E_ABORTED: "ABORTED",
    E_NOT_SUPPORTED: "NOT_SUPPORTED",
    E_CONFIG: "CONFIG",
    E_AUTH: "AUTH",
    E_BACKEND: "BACKEND",
    E_UNAVAILABLE: "UNAVAILABLE",
    E_TIMEOUT: "TIMEOUT",
    E_CANCELLED: "CANCELLED",
    E_ABI_MISMATCH: "ABI_MISMATCH",
    E_INTERNAL: "INTERNAL",
    E_BUFFER_TOO_SMALL: "BUFFER_TOO_SMALL",
}


def status_name(code: int) -> str:
    """vdp_status_name: "INTERNAL" for numbers this binding does not know."""
    return STATUS_NAMES.get(code, "INTERNAL")


# ---- log levels and deadlines -------------------------------------------------------------------------

LOG_TRACE = 0
LOG_DEBUG = 1
LOG_INFO = 2
LOG_WARN = 3
LOG_ERROR = 4

NO_DEADLINE = 2**63 - 1  # VDP_NO_DEADLINE (INT64_MAX)

# ---- operations (VDP_OPERATIONS, descriptor order) ---------------------------------------------------

OPERATIONS: tuple[str, ...] = (
    "create_volume", "delete_volume", "extend_volume", "create_snapshot", "delete_snapshot",
    "create_volume_from_snapshot", "create_cloned_volume", "revert_to_snapshot", "retype", "migrate_volume",
    "manage_existing", "manage_existing_get_size", "unmanage", "accept_transfer", "create_export",
    "ensure_export", "remove_export", "initialize_connection", "terminate_connection", "attach_volume",
    "detach_volume", "get_volume_stats", "update_provider_info", "clone_image", "create_group", "update_group",
    "delete_group", "create_group_from_src", "create_group_snapshot", "delete_group_snapshot",
    "create_consistencygroup", "update_consistencygroup", "delete_consistencygroup",
    "create_consistencygroup_from_src", "create_cgsnapshot", "delete_cgsnapshot", "failover_host", "failover",
    "failover_completed", "freeze_backend", "thaw_backend", "describe",
)

# ---- host callback table (vdp_host) ------------------------------------------------------------------

vdp_status = ctypes.c_int32
uintptr_t = ctypes.c_size_t  # LP64: uintptr_t and size_t are both 64-bit unsigned

# Opaque handles (vdp_config *, vdp_context *, vdp_driver *) travel as void pointers; buffers the plugin
# owns (buf) are void pointers too so that ctypes never copies or converts them.
CONFIG_GET_FN = ctypes.CFUNCTYPE(vdp_status, uintptr_t, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p,
                                 ctypes.c_size_t, ctypes.POINTER(ctypes.c_size_t))
CONTEXT_GET_FN = CONFIG_GET_FN
REMAINING_MS_FN = ctypes.CFUNCTYPE(ctypes.c_int64, uintptr_t, ctypes.c_void_p)
CANCELLED_FN = ctypes.CFUNCTYPE(ctypes.c_int32, uintptr_t, ctypes.c_void_p)
PROGRESS_FN = ctypes.CFUNCTYPE(None, uintptr_t, ctypes.c_void_p, ctypes.c_uint64, ctypes.c_uint64,
                               ctypes.c_char_p)
LOG_FN = ctypes.CFUNCTYPE(None, uintptr_t, ctypes.c_void_p, ctypes.c_int32, ctypes.c_char_p)
LOCK_ACQUIRE_FN = ctypes.CFUNCTYPE(vdp_status, uintptr_t, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int64,
                                   ctypes.POINTER(ctypes.c_uint64))
LOCK_RELEASE_FN = ctypes.CFUNCTYPE(vdp_status, uintptr_t, ctypes.c_uint64)


class VdpHost(ctypes.Structure):
    """struct vdp_host."""

    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("reserved0", ctypes.c_uint32),
        ("host_data", uintptr_t),
        ("config_get", CONFIG_GET_FN),
        ("context_get", CONTEXT_GET_FN),
        ("context_remaining_ms", REMAINING_MS_FN),
        ("context_cancelled", CANCELLED_FN),
        ("context_progress", PROGRESS_FN),
        ("log", LOG_FN),
        ("lock_acquire", LOCK_ACQUIRE_FN),
        ("lock_release", LOCK_RELEASE_FN),
    ]


# ---- plugin descriptor (vdp_plugin) ------------------------------------------------------------------

# req is c_char_p: a bytes object is lent without a copy; req_len carries the length.
OP_FN = ctypes.CFUNCTYPE(vdp_status, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t,
                         ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_size_t))
CREATE_FN = ctypes.CFUNCTYPE(vdp_status, ctypes.POINTER(VdpHost), ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p),
                             ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_size_t))
DESTROY_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p)
FREE_STRING_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p)


class VdpPlugin(ctypes.Structure):
    """struct vdp_plugin: lifecycle slots, then one vdp_op_fn per entry of OPERATIONS."""

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
    ] + [(_name, OP_FN) for _name in OPERATIONS]


ENTRY_SYMBOL = "vdp_plugin_entry"
ENTRY_FN = ctypes.CFUNCTYPE(vdp_status, ctypes.c_uint32, ctypes.POINTER(ctypes.c_uint32),
                            ctypes.POINTER(ctypes.POINTER(VdpPlugin)))


def slot_present(desc: VdpPlugin, slot: str) -> bool:
    """VDP_PLUGIN_HAS: the descriptor, as the plugin compiled it, holds `slot` and it is not NULL."""
    field = getattr(VdpPlugin, slot)
    if desc.struct_size < field.offset + field.size:
        return False
    return bool(ctypes.c_void_p.from_address(ctypes.addressof(desc) + field.offset).value)


def _check_layout() -> None:
    if ctypes.sizeof(ctypes.c_void_p) != 8 or ctypes.sizeof(ctypes.c_size_t) != 8:
        raise ImportError("vdp: the ABI is LP64 only")
    assert ctypes.sizeof(VdpHost) == 80 and VdpHost.log.offset == 56 and VdpHost.lock_release.offset == 72
    assert VdpPlugin.name.offset == 16 and VdpPlugin.create.offset == 40 and VdpPlugin.free_string.offset == 64
    assert VdpPlugin.create_volume.offset == 72 and VdpPlugin.describe.offset == 72 + 8 * (len(OPERATIONS) - 1)


_check_layout()
