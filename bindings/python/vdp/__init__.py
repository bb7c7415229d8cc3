"""Python binding of the vdp volume driver plugin ABI (abi/include/vdp/vdp.h), standard library only.

    import vdp
    plugin = vdp.Plugin("/path/to/vdp_solidfire.so")
    with plugin.driver({"san_ip": "10.0.0.1", ...}) as drv:
        drv.setup(timeout=30)
        model = drv.create_volume({"volume": {"id": "...", "size": 1, "project_id": "p"}})
"""

from ._abi import ABI_VERSION, OPERATIONS, SCHEMA_VERSION, status_name
from .errors import (
    Aborted, AbiMismatch, AlreadyExists, Auth, Backend, BufferTooSmall, Cancelled, ClosedError, Config, Error,
    FailedPrecondition, Internal, InvalidArgument, NotFound, NotSupported, ResourceExhausted, Timeout, Unavailable,
    error_class,
)
from .host import TRACE, CancelToken, Locks, LockTable
from .plugin import Driver, Plugin

__all__ = [
    "ABI_VERSION", "OPERATIONS", "SCHEMA_VERSION", "TRACE", "status_name",
    "Plugin", "Driver", "CancelToken", "Locks", "LockTable",
    "Error", "ClosedError", "error_class",
    "InvalidArgument", "NotFound", "AlreadyExists", "FailedPrecondition", "ResourceExhausted", "Aborted",
    "NotSupported", "Config", "Auth", "Backend", "Unavailable", "Timeout", "Cancelled", "AbiMismatch", "Internal",
    "BufferTooSmall",
]
