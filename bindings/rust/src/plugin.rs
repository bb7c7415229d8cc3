//! [`Plugin`]: a loaded plugin shared object and its descriptor.

use std::ffi::{CStr, CString};
use std::fmt;
use std::os::raw::c_char;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::driver::Driver;
use crate::error::{Error, Status};
use crate::ffi::{self, CreateFn, DestroyFn, FreeStringFn, OpFn, VdpPlugin};
use crate::host::Host;

/// An ABI or schema version (`major << 16 | minor` in vdp.h).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    pub major: u32,
    pub minor: u32,
}

impl Version {
    pub fn from_raw(v: u32) -> Version {
        Version {
            major: ffi::version_major(v),
            minor: ffi::version_minor(v),
        }
    }
    pub fn raw(self) -> u32 {
        ffi::make_version(self.major, self.minor)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// The `VDP_ABI_VERSION` this binding implements (1.0).
pub const ABI_VERSION: Version = Version { major: 1, minor: 0 };

/// A loaded plugin. Cheap to clone; the library is never unloaded (vdp.h: plugins are linked with
/// `-z nodelete`), so a `Plugin` and its drivers may live as long as the process.
///
/// `Send + Sync` without `unsafe`: it holds copies of the static, immutable descriptor's values and
/// function pointers, and vdp.h makes `create` and `free_string` callable from any thread.
#[derive(Clone)]
pub struct Plugin {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    name: String,
    vendor: String,
    driver_version: String,
    abi_version: Version,
    schema_version: Version,
    create: CreateFn,
    destroy: DestroyFn,
    free_string: FreeStringFn,
    setup: Option<OpFn>,
    /// By index in `ffi::OPERATIONS`; `None` for a NULL slot or one beyond the descriptor's struct_size.
    ops: Vec<Option<OpFn>>,
}

fn dl_error() -> String {
    // SAFETY: dlerror returns NULL or a NUL-terminated string valid until the next dl* call on this thread.
    unsafe {
        let e = ffi::dlerror();
        if e.is_null() {
            "unknown error".to_owned()
        } else {
            CStr::from_ptr(e).to_string_lossy().into_owned()
        }
    }
}

/// SAFETY: p is NULL or a static NUL-terminated string.
unsafe fn static_str(p: *const c_char) -> String {
    if p.is_null() {
        String::new()
    } else {
        CStr::from_ptr(p).to_string_lossy().into_owned()
    }
}

impl Plugin {
    /// Loads the plugin at `path` (`dlopen` with `RTLD_NOW | RTLD_LOCAL`), calls `vdp_plugin_entry` and
    /// checks the ABI major. Errors: `InvalidArgument` (field "path") when the file cannot be loaded or
    /// is not a vdp plugin, `AbiMismatch` when the majors differ or the descriptor lacks a lifecycle slot.
    pub fn open(path: impl AsRef<Path>) -> Result<Plugin, Error> {
        let path = path.as_ref();
        let fail = |status: Status, msg: String| {
            let e =
                Error::new(status, format!("{}: {}", path.display(), msg)).with_operation("open");
            if status == Status::InvalidArgument {
                e.with_field("path")
            } else {
                e
            }
        };
        let cpath = CString::new(path.as_os_str().as_bytes())
            .map_err(|_| fail(Status::InvalidArgument, "path contains a NUL byte".into()))?;
        // SAFETY: plain libdl calls with NUL-terminated strings; the symbol has vdp.h's entry signature;
        // the descriptor is static and immutable, and only read up to its struct_size.
        unsafe {
            ffi::dlerror();
            let handle = ffi::dlopen(cpath.as_ptr(), ffi::RTLD_NOW | ffi::RTLD_LOCAL);
            if handle.is_null() {
                return Err(fail(
                    Status::InvalidArgument,
                    format!("cannot load: {}", dl_error()),
                ));
            }
            let close_and = |e: Error| {
                ffi::dlclose(handle);
                Err(e)
            };
            let sym = ffi::dlsym(handle, ffi::ENTRY_SYMBOL.as_ptr() as *const c_char);
            if sym.is_null() {
                let msg = format!("not a vdp plugin (no vdp_plugin_entry): {}", dl_error());
                return close_and(fail(Status::InvalidArgument, msg));
            }
            let entry = std::mem::transmute::<*mut std::os::raw::c_void, ffi::EntryFn>(sym);
            let mut plugin_abi = 0u32;
            let mut desc: *const VdpPlugin = std::ptr::null();
            let rc = entry(ffi::VDP_ABI_VERSION, &mut plugin_abi, &mut desc);
            let theirs = Version::from_raw(plugin_abi);
            if Status::from_code(rc) == Status::AbiMismatch
                || (rc == ffi::VDP_OK && theirs.major != ABI_VERSION.major)
            {
                let msg = format!(
                    "plugin ABI {}, host ABI {}: majors differ",
                    theirs, ABI_VERSION
                );
                return close_and(fail(Status::AbiMismatch, msg));
            }
            if rc != ffi::VDP_OK || desc.is_null() {
                let msg = format!("vdp_plugin_entry returned {}", Status::from_code(rc));
                return close_and(fail(Status::Internal, msg));
            }
            let size = std::ptr::addr_of!((*desc).struct_size).read() as usize;
            if size < ffi::PLUGIN_HEADER_SIZE {
                let msg = format!(
                    "descriptor struct_size {} is shorter than ABI 1.0's header",
                    size
                );
                return close_and(fail(Status::AbiMismatch, msg));
            }
            // The header (up to free_string) is present; read it member by member.
            let base = desc as *const u8;
            let slot = |offset: usize| -> Option<OpFn> {
                if size >= offset + 8 {
                    (base.add(offset) as *const Option<OpFn>).read()
                } else {
                    None
                }
            };
            let create = std::ptr::addr_of!((*desc).create).read();
            let destroy = std::ptr::addr_of!((*desc).destroy).read();
            let free_string = std::ptr::addr_of!((*desc).free_string).read();
            let (create, destroy, free_string) = match (create, destroy, free_string) {
                (Some(c), Some(d), Some(f)) => (c, d, f),
                _ => {
                    let msg = "descriptor lacks create, destroy or free_string".to_owned();
                    return close_and(fail(Status::AbiMismatch, msg));
                }
            };
            let inner = Inner {
                path: path.to_owned(),
                name: static_str(std::ptr::addr_of!((*desc).name).read()),
                vendor: static_str(std::ptr::addr_of!((*desc).vendor).read()),
                driver_version: static_str(std::ptr::addr_of!((*desc).driver_version).read()),
                abi_version: Version::from_raw(std::ptr::addr_of!((*desc).abi_version).read()),
                schema_version: Version::from_raw(
                    std::ptr::addr_of!((*desc).schema_version).read(),
                ),
                create,
                destroy,
                free_string,
                setup: slot(ffi::SETUP_OFFSET),
                ops: (0..ffi::OPERATIONS.len())
                    .map(|i| slot(ffi::OPS_OFFSET + 8 * i))
                    .collect(),
            };
            Ok(Plugin {
                inner: Arc::new(inner),
            })
        }
    }

    /// The path the plugin was loaded from.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }
    /// The plugin's name (e.g. "solidfire").
    pub fn name(&self) -> &str {
        &self.inner.name
    }
    pub fn vendor(&self) -> &str {
        &self.inner.vendor
    }
    pub fn driver_version(&self) -> &str {
        &self.inner.driver_version
    }
    /// The plugin's `VDP_ABI_VERSION` (same major as [`ABI_VERSION`]).
    pub fn abi_version(&self) -> Version {
        self.inner.abi_version
    }
    /// The plugin's `VDP_SCHEMA_VERSION` (its JSON shapes).
    pub fn schema_version(&self) -> Version {
        self.inner.schema_version
    }

    /// True when the descriptor has a non-NULL slot for `op` ("setup" or a `VDP_OPERATIONS` name). A
    /// present slot may still answer `NotSupported`; `describe` lists what the plugin serves.
    pub fn has_operation(&self, op: &str) -> bool {
        self.slot(op).is_ok()
    }

    /// "setup" and every operation with a non-NULL slot, in descriptor order.
    pub fn operations(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        if self.inner.setup.is_some() {
            v.push("setup");
        }
        for (name, slot) in ffi::OPERATIONS.iter().zip(&self.inner.ops) {
            if slot.is_some() {
                v.push(*name);
            }
        }
        v
    }

    /// Makes a driver: `config` holds the backend's options (for SolidFire, Cinder's: "san_ip", ...),
    /// read by the plugin during this call only; `host` serves the callbacks until the driver is
    /// dropped. No network I/O; call `setup` next. A bad option is `Config` with `field` naming it.
    pub fn driver<I, K, V, H>(&self, config: I, host: H) -> Result<Driver, Error>
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
        H: Host + 'static,
    {
        let config = config
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        Driver::create(self.clone(), config, Box::new(host))
    }

    /// The operation's static name and function, or `NotSupported` (unknown name, NULL slot).
    pub(crate) fn slot(&self, op: &str) -> Result<(&'static str, OpFn), Error> {
        let found = if op == "setup" {
            Some(("setup", self.inner.setup))
        } else {
            ffi::OPERATIONS
                .iter()
                .position(|n| *n == op)
                .map(|i| (ffi::OPERATIONS[i], self.inner.ops[i]))
        };
        match found {
            Some((name, Some(f))) => Ok((name, f)),
            Some((name, None)) => Err(Error::new(
                Status::NotSupported,
                format!("plugin {} has no {} slot", self.inner.name, name),
            )
            .with_operation(name)),
            None => Err(Error::new(
                Status::NotSupported,
                format!("{:?} is not an operation of the vdp ABI", op),
            )
            .with_operation(op)),
        }
    }

    pub(crate) fn create_fn(&self) -> CreateFn {
        self.inner.create
    }
    pub(crate) fn destroy_fn(&self) -> DestroyFn {
        self.inner.destroy
    }

    /// Copies a string the plugin returned through `out` and releases it with `free_string`.
    ///
    /// # Safety
    /// `out` is NULL or a NUL-terminated string from this plugin that nobody else frees.
    pub(crate) unsafe fn take_string(&self, out: *mut c_char) -> Option<String> {
        if out.is_null() {
            return None;
        }
        let s = String::from_utf8_lossy(CStr::from_ptr(out).to_bytes()).into_owned();
        (self.inner.free_string)(out);
        Some(s)
    }
}

impl fmt::Debug for Plugin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Plugin")
            .field("path", &self.inner.path)
            .field("name", &self.inner.name)
            .field("driver_version", &self.inner.driver_version)
            .field("abi_version", &self.inner.abi_version)
            .finish()
    }
}
