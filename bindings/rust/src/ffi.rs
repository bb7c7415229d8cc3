//! Raw mirror of `abi/include/vdp/vdp.h` (ABI 1.0, LP64) and the few libdl/libc calls the binding
//! needs. Nothing here is safe to use directly: `plugin.rs`, `driver.rs` and `host.rs` wrap it.
//!
//! Callback and operation slots are `Option<extern "C" fn>`: a NULL slot is `None` (same size as a
//! pointer). The layout is asserted at compile time (sizes) and by a unit test (every offset).

use std::os::raw::{c_char, c_int, c_void};

pub type VdpStatus = i32;

pub const VDP_OK: VdpStatus = 0;
pub const VDP_E_INVALID_ARGUMENT: VdpStatus = 1;
pub const VDP_E_NOT_FOUND: VdpStatus = 2;
pub const VDP_E_TIMEOUT: VdpStatus = 12;
pub const VDP_E_CANCELLED: VdpStatus = 13;
pub const VDP_E_INTERNAL: VdpStatus = 15;
pub const VDP_E_BUFFER_TOO_SMALL: VdpStatus = 16;

/// `VDP_MAKE_VERSION(major, minor)`.
pub const fn make_version(major: u32, minor: u32) -> u32 {
    ((major & 0xffff) << 16) | (minor & 0xffff)
}
pub const fn version_major(v: u32) -> u32 {
    (v >> 16) & 0xffff
}
pub const fn version_minor(v: u32) -> u32 {
    v & 0xffff
}

/// `VDP_ABI_VERSION` of this binding.
pub const VDP_ABI_VERSION: u32 = make_version(1, 0);
/// `VDP_SCHEMA_VERSION` this binding was written against.
pub const VDP_SCHEMA_VERSION: u32 = make_version(1, 0);

/// `VDP_NO_DEADLINE`.
pub const VDP_NO_DEADLINE: i64 = i64::MAX;

/// Opaque handles (`vdp_driver`, `vdp_config`, `vdp_context`).
#[repr(C)]
pub struct VdpDriver {
    _opaque: [u8; 0],
}
#[repr(C)]
pub struct VdpConfig {
    _opaque: [u8; 0],
}
#[repr(C)]
pub struct VdpContext {
    _opaque: [u8; 0],
}

pub type GetterFn<T> = unsafe extern "C" fn(
    host_data: usize,
    token: *mut T,
    key: *const c_char,
    buf: *mut c_char,
    buf_len: usize,
    needed: *mut usize,
) -> VdpStatus;
pub type RemainingMsFn = unsafe extern "C" fn(host_data: usize, ctx: *mut VdpContext) -> i64;
pub type CancelledFn = unsafe extern "C" fn(host_data: usize, ctx: *mut VdpContext) -> i32;
pub type ProgressFn = unsafe extern "C" fn(
    host_data: usize,
    ctx: *mut VdpContext,
    done: u64,
    total: u64,
    message: *const c_char,
);
pub type LogFn = unsafe extern "C" fn(
    host_data: usize,
    ctx: *mut VdpContext,
    level: i32,
    message: *const c_char,
);
pub type LockAcquireFn = unsafe extern "C" fn(
    host_data: usize,
    ctx: *mut VdpContext,
    name: *const c_char,
    timeout_ms: i64,
    token: *mut u64,
) -> VdpStatus;
pub type LockReleaseFn = unsafe extern "C" fn(host_data: usize, token: u64) -> VdpStatus;

/// `vdp_host`.
#[repr(C)]
pub struct VdpHost {
    pub struct_size: u32,
    pub reserved0: u32,
    pub host_data: usize,
    pub config_get: Option<GetterFn<VdpConfig>>,
    pub context_get: Option<GetterFn<VdpContext>>,
    pub context_remaining_ms: Option<RemainingMsFn>,
    pub context_cancelled: Option<CancelledFn>,
    pub context_progress: Option<ProgressFn>,
    pub log: Option<LogFn>,
    pub lock_acquire: Option<LockAcquireFn>,
    pub lock_release: Option<LockReleaseFn>,
}

/// `vdp_op_fn`.
pub type OpFn = unsafe extern "C" fn(
    drv: *mut VdpDriver,
    ctx: *mut VdpContext,
    req: *const c_char,
    req_len: usize,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> VdpStatus;
/// `vdp_create_fn`.
pub type CreateFn = unsafe extern "C" fn(
    host: *const VdpHost,
    cfg: *mut VdpConfig,
    drv: *mut *mut VdpDriver,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> VdpStatus;
/// `vdp_destroy_fn`.
pub type DestroyFn = unsafe extern "C" fn(drv: *mut VdpDriver);
/// `vdp_free_string_fn`.
pub type FreeStringFn = unsafe extern "C" fn(s: *mut c_char);
/// `vdp_plugin_entry_fn`.
pub type EntryFn = unsafe extern "C" fn(
    host_abi: u32,
    plugin_abi: *mut u32,
    out: *mut *const VdpPlugin,
) -> VdpStatus;

/// `VDP_PLUGIN_ENTRY_SYMBOL`, NUL-terminated.
pub const ENTRY_SYMBOL: &[u8] = b"vdp_plugin_entry\0";

/// Calls `$callback! { create_volume, delete_volume, ... }` with the operation slots of `VDP_OPERATIONS`
/// (vdp_operations.h) in descriptor order. This is the crate's one list of operations: the descriptor's
/// slots and `OPERATIONS` below and the `Driver` methods (driver.rs) are made from it. A new slot goes at
/// the end.
macro_rules! with_operations {
    ($callback:ident) => {
        $callback! {
            create_volume,
            delete_volume,
            extend_volume,
            create_snapshot,
            delete_snapshot,
            create_volume_from_snapshot,
            create_cloned_volume,
            revert_to_snapshot,
            retype,
            migrate_volume,
            manage_existing,
            manage_existing_get_size,
            unmanage,
            accept_transfer,
            create_export,
            ensure_export,
            remove_export,
            initialize_connection,
            terminate_connection,
            attach_volume,
            detach_volume,
            get_volume_stats,
            update_provider_info,
            clone_image,
            create_group,
            update_group,
            delete_group,
            create_group_from_src,
            create_group_snapshot,
            delete_group_snapshot,
            create_consistencygroup,
            update_consistencygroup,
            delete_consistencygroup,
            create_consistencygroup_from_src,
            create_cgsnapshot,
            delete_cgsnapshot,
            failover_host,
            failover,
            failover_completed,
            freeze_backend,
            thaw_backend,
            describe,
        }
    };
}
pub(crate) use with_operations;

/// Declares `vdp_plugin` with the given operation slots after `free_string`, plus `OPERATIONS`, the
/// same names as strings.
macro_rules! vdp_plugin {
    ($($op:ident),* $(,)?) => {
        /// `vdp_plugin`: the static descriptor.
        #[repr(C)]
        pub struct VdpPlugin {
            pub struct_size: u32,
            pub abi_version: u32,
            pub schema_version: u32,
            pub reserved0: u32,
            pub name: *const c_char,
            pub vendor: *const c_char,
            pub driver_version: *const c_char,
            pub create: Option<CreateFn>,
            pub setup: Option<OpFn>,
            pub destroy: Option<DestroyFn>,
            pub free_string: Option<FreeStringFn>,
            $(pub $op: Option<OpFn>,)*
        }

        /// The operation slots after `free_string`, in descriptor order (`VDP_OPERATIONS`).
        pub const OPERATIONS: &[&str] = &[$(stringify!($op)),*];

        #[cfg(test)]
        pub(crate) fn operation_offsets(p: &VdpPlugin) -> Vec<(&'static str, usize)> {
            let base = p as *const VdpPlugin as usize;
            vec![$((stringify!($op), &p.$op as *const Option<OpFn> as usize - base)),*]
        }
    };
}

with_operations!(vdp_plugin);

/// Bytes of `vdp_plugin` up to and including `free_string`: what every 1.x descriptor holds.
pub const PLUGIN_HEADER_SIZE: usize = 72;
/// Offset of the `setup` slot.
pub const SETUP_OFFSET: usize = 48;
/// Offset of the first slot of `OPERATIONS` (`create_volume`); slot i is at `OPS_OFFSET + 8 * i`.
pub const OPS_OFFSET: usize = PLUGIN_HEADER_SIZE;

// LP64 only (vdp.h); the exact offsets are checked by the unit test below.
const _: () = assert!(std::mem::size_of::<usize>() == 8);
const _: () = assert!(std::mem::size_of::<Option<OpFn>>() == 8);
const _: () = assert!(std::mem::size_of::<VdpHost>() == 80);
const _: () = assert!(std::mem::size_of::<VdpPlugin>() == OPS_OFFSET + 8 * 42);

pub const RTLD_NOW: c_int = 2;
pub const RTLD_LOCAL: c_int = 0;

#[link(name = "dl")]
extern "C" {
    pub fn dlopen(filename: *const c_char, flag: c_int) -> *mut c_void;
    pub fn dlsym(handle: *mut c_void, symbol: *const c_char) -> *mut c_void;
    pub fn dlclose(handle: *mut c_void) -> c_int;
    pub fn dlerror() -> *mut c_char;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::size_of;

    fn offset<T, F>(base: &T, field: &F) -> usize {
        field as *const F as usize - base as *const T as usize
    }

    #[test]
    fn host_layout_matches_vdp_h() {
        // SAFETY: every member is an integer or an Option of a function pointer: all-zero is valid.
        let h: VdpHost = unsafe { std::mem::zeroed() };
        assert_eq!(size_of::<VdpHost>(), 80);
        assert_eq!(offset(&h, &h.struct_size), 0);
        assert_eq!(offset(&h, &h.reserved0), 4);
        assert_eq!(offset(&h, &h.host_data), 8);
        assert_eq!(offset(&h, &h.config_get), 16);
        assert_eq!(offset(&h, &h.context_get), 24);
        assert_eq!(offset(&h, &h.context_remaining_ms), 32);
        assert_eq!(offset(&h, &h.context_cancelled), 40);
        assert_eq!(offset(&h, &h.context_progress), 48);
        assert_eq!(offset(&h, &h.log), 56);
        assert_eq!(offset(&h, &h.lock_acquire), 64);
        assert_eq!(offset(&h, &h.lock_release), 72);
    }

    #[test]
    fn plugin_layout_matches_vdp_h() {
        // SAFETY: integers, raw pointers and Options of function pointers: all-zero is valid.
        let p: VdpPlugin = unsafe { std::mem::zeroed() };
        assert_eq!(offset(&p, &p.struct_size), 0);
        assert_eq!(offset(&p, &p.abi_version), 4);
        assert_eq!(offset(&p, &p.schema_version), 8);
        assert_eq!(offset(&p, &p.reserved0), 12);
        assert_eq!(offset(&p, &p.name), 16);
        assert_eq!(offset(&p, &p.vendor), 24);
        assert_eq!(offset(&p, &p.driver_version), 32);
        assert_eq!(offset(&p, &p.create), 40);
        assert_eq!(offset(&p, &p.setup), SETUP_OFFSET);
        assert_eq!(offset(&p, &p.destroy), 56);
        assert_eq!(offset(&p, &p.free_string), 64);
        assert_eq!(PLUGIN_HEADER_SIZE, 64 + 8);
        let ops = operation_offsets(&p);
        assert_eq!(ops.len(), 42);
        assert_eq!(ops.len(), OPERATIONS.len());
        for (i, (name, off)) in ops.iter().enumerate() {
            assert_eq!(*name, OPERATIONS[i]);
            assert_eq!(*off, OPS_OFFSET + 8 * i, "slot {}", name);
        }
        assert_eq!(ops[0].0, "create_volume");
        assert_eq!(ops[23], ("clone_image", OPS_OFFSET + 8 * 23));
        assert_eq!(ops[41], ("describe", OPS_OFFSET + 8 * 41));
        assert_eq!(size_of::<VdpPlugin>(), OPS_OFFSET + 8 * 42);
    }

    #[test]
    fn versions() {
        assert_eq!(VDP_ABI_VERSION, 0x0001_0000);
        assert_eq!(version_major(make_version(3, 7)), 3);
        assert_eq!(version_minor(make_version(3, 7)), 7);
        assert_eq!(make_version(0x1_0001, 0x1_0002), 0x0001_0002);
    }
}
