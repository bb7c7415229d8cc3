//! vdp-ffi-smoke: loads a vdp plugin from Rust (std only, no crates), starts its own element-sim child and
//! creates and deletes one volume through the C ABI (abi/include/vdp/vdp.h).
//!
//! Usage: vdp-ffi-smoke <plugin.so> <element-sim>; exit status 0 on success, 1 on any failure.
//!
//! Rules followed here:
//!   - `#[repr(C)]` mirrors of `vdp_host` and `vdp_plugin`, with their layout asserted at compile time;
//!     callback and operation slots are `Option<extern "C" fn>` (a NULL slot is `None`);
//!   - the plugin is loaded with dlopen(RTLD_NOW | RTLD_LOCAL) through a hand-written `extern "C"` block;
//!   - host callbacks are `extern "C"` functions that wrap their body in `catch_unwind`, so no panic
//!     crosses the boundary; getters copy into the plugin's buffer and report the size needed;
//!   - `host_data` and the config token point at Rust values that outlive `destroy`;
//!   - requests are borrowed `&[u8]` (no NUL terminator needed); every string the plugin returns is
//!     copied into a Rust `String` and released with `plugin.free_string`.

use std::collections::HashMap;
use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::io::{BufRead, BufReader, Read};
use std::mem::{offset_of, size_of};
use std::os::unix::process::CommandExt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

// ------------------------------------------------------------------------------------------------
// vdp.h mirror
// ------------------------------------------------------------------------------------------------

type VdpStatus = i32;
const VDP_OK: VdpStatus = 0;
const VDP_E_INVALID_ARGUMENT: VdpStatus = 1;
const VDP_E_NOT_FOUND: VdpStatus = 2;
const VDP_E_INTERNAL: VdpStatus = 15;
const VDP_E_BUFFER_TOO_SMALL: VdpStatus = 16;

const fn vdp_make_version(major: u32, minor: u32) -> u32 {
    (major << 16) | (minor & 0xffff)
}
const VDP_ABI_VERSION: u32 = vdp_make_version(1, 0);

fn vdp_status_name(s: VdpStatus) -> &'static str {
    const NAMES: [&str; 17] = [
        "OK",
        "INVALID_ARGUMENT",
        "NOT_FOUND",
        "ALREADY_EXISTS",
        "FAILED_PRECONDITION",
        "RESOURCE_EXHAUSTED",
        "ABORTED",
        "NOT_SUPPORTED",
        "CONFIG",
        "AUTH",
        "BACKEND",
        "UNAVAILABLE",
        "TIMEOUT",
        "CANCELLED",
        "ABI_MISMATCH",
        "INTERNAL",
        "BUFFER_TOO_SMALL",
    ];
    usize::try_from(s)
        .ok()
        .and_then(|i| NAMES.get(i))
        .copied()
        .unwrap_or("INTERNAL")
}

#[repr(C)]
struct VdpDriver {
    _opaque: [u8; 0],
}
#[repr(C)]
struct VdpConfig {
    _opaque: [u8; 0],
}
#[repr(C)]
struct VdpContext {
    _opaque: [u8; 0],
}

type ConfigGetFn = unsafe extern "C" fn(
    usize,
    *mut VdpConfig,
    *const c_char,
    *mut c_char,
    usize,
    *mut usize,
) -> VdpStatus;
type ContextGetFn = unsafe extern "C" fn(
    usize,
    *mut VdpContext,
    *const c_char,
    *mut c_char,
    usize,
    *mut usize,
) -> VdpStatus;

#[repr(C)]
struct VdpHost {
    struct_size: u32,
    reserved0: u32,
    host_data: usize,
    config_get: Option<ConfigGetFn>,
    context_get: Option<ContextGetFn>,
    context_remaining_ms: Option<unsafe extern "C" fn(usize, *mut VdpContext) -> i64>,
    context_cancelled: Option<unsafe extern "C" fn(usize, *mut VdpContext) -> i32>,
    context_progress: Option<unsafe extern "C" fn(usize, *mut VdpContext, u64, u64, *const c_char)>,
    log: Option<unsafe extern "C" fn(usize, *mut VdpContext, i32, *const c_char)>,
    lock_acquire: Option<
        unsafe extern "C" fn(usize, *mut VdpContext, *const c_char, i64, *mut u64) -> VdpStatus,
    >,
    lock_release: Option<unsafe extern "C" fn(usize, u64) -> VdpStatus>,
}

type OpFn = unsafe extern "C" fn(
    *mut VdpDriver,
    *mut VdpContext,
    *const c_char,
    usize,
    *mut *mut c_char,
    *mut usize,
) -> VdpStatus;
type CreateFn = unsafe extern "C" fn(
    *const VdpHost,
    *mut VdpConfig,
    *mut *mut VdpDriver,
    *mut *mut c_char,
    *mut usize,
) -> VdpStatus;

#[repr(C)]
struct VdpPlugin {
    struct_size: u32,
    abi_version: u32,
    schema_version: u32,
    reserved0: u32,
    name: *const c_char,
    vendor: *const c_char,
    driver_version: *const c_char,
    create: Option<CreateFn>,
    setup: Option<OpFn>,
    destroy: Option<unsafe extern "C" fn(*mut VdpDriver)>,
    free_string: Option<unsafe extern "C" fn(*mut c_char)>,
    create_volume: Option<OpFn>,
    delete_volume: Option<OpFn>,
    extend_volume: Option<OpFn>,
    create_snapshot: Option<OpFn>,
    delete_snapshot: Option<OpFn>,
    create_volume_from_snapshot: Option<OpFn>,
    create_cloned_volume: Option<OpFn>,
    revert_to_snapshot: Option<OpFn>,
    retype: Option<OpFn>,
    migrate_volume: Option<OpFn>,
    manage_existing: Option<OpFn>,
    manage_existing_get_size: Option<OpFn>,
    unmanage: Option<OpFn>,
    accept_transfer: Option<OpFn>,
    create_export: Option<OpFn>,
    ensure_export: Option<OpFn>,
    remove_export: Option<OpFn>,
    initialize_connection: Option<OpFn>,
    terminate_connection: Option<OpFn>,
    attach_volume: Option<OpFn>,
    detach_volume: Option<OpFn>,
    get_volume_stats: Option<OpFn>,
    update_provider_info: Option<OpFn>,
    clone_image: Option<OpFn>,
    create_group: Option<OpFn>,
    update_group: Option<OpFn>,
    delete_group: Option<OpFn>,
    create_group_from_src: Option<OpFn>,
    create_group_snapshot: Option<OpFn>,
    delete_group_snapshot: Option<OpFn>,
    create_consistencygroup: Option<OpFn>,
    update_consistencygroup: Option<OpFn>,
    delete_consistencygroup: Option<OpFn>,
    create_consistencygroup_from_src: Option<OpFn>,
    create_cgsnapshot: Option<OpFn>,
    delete_cgsnapshot: Option<OpFn>,
    failover_host: Option<OpFn>,
    failover: Option<OpFn>,
    failover_completed: Option<OpFn>,
    freeze_backend: Option<OpFn>,
    thaw_backend: Option<OpFn>,
    describe: Option<OpFn>,
}

type EntryFn = unsafe extern "C" fn(u32, *mut u32, *mut *const VdpPlugin) -> VdpStatus;

// The mirror must match vdp.h byte for byte (LP64).
const _: () = {
    assert!(size_of::<usize>() == 8);
    assert!(size_of::<Option<OpFn>>() == 8);
    assert!(size_of::<VdpHost>() == 80);
    assert!(offset_of!(VdpHost, host_data) == 8);
    assert!(offset_of!(VdpHost, config_get) == 16);
    assert!(offset_of!(VdpHost, context_get) == 24);
    assert!(offset_of!(VdpHost, context_remaining_ms) == 32);
    assert!(offset_of!(VdpHost, context_cancelled) == 40);
    assert!(offset_of!(VdpHost, context_progress) == 48);
    assert!(offset_of!(VdpHost, log) == 56);
    assert!(offset_of!(VdpHost, lock_acquire) == 64);
    assert!(offset_of!(VdpHost, lock_release) == 72);
    assert!(offset_of!(VdpPlugin, reserved0) == 12);
    assert!(offset_of!(VdpPlugin, name) == 16);
    assert!(offset_of!(VdpPlugin, create) == 40);
    assert!(offset_of!(VdpPlugin, free_string) == 64);
    assert!(offset_of!(VdpPlugin, create_volume) == 72);
    assert!(offset_of!(VdpPlugin, delete_volume) == 80);
    assert!(offset_of!(VdpPlugin, describe) == 72 + 8 * 41);
    assert!(size_of::<VdpPlugin>() == 72 + 8 * 42);
};

// ------------------------------------------------------------------------------------------------
// libdl and a few libc calls, declared by hand (no libc crate)
// ------------------------------------------------------------------------------------------------

const RTLD_NOW: c_int = 2;
const RTLD_LOCAL: c_int = 0;
const PR_SET_PDEATHSIG: c_int = 1;
const SIGKILL: c_int = 9;
const SIGTERM: c_int = 15;

#[link(name = "dl")]
extern "C" {
    fn dlopen(filename: *const c_char, flag: c_int) -> *mut c_void;
    fn dlsym(handle: *mut c_void, symbol: *const c_char) -> *mut c_void;
    fn dlerror() -> *mut c_char;
}
extern "C" {
    fn prctl(option: c_int, ...) -> c_int;
    fn kill(pid: i32, sig: c_int) -> c_int;
}

fn last_dlerror() -> String {
    // SAFETY: dlerror returns NULL or a NUL-terminated string valid until the next dl* call.
    unsafe {
        let e = dlerror();
        if e.is_null() {
            "unknown error".into()
        } else {
            CStr::from_ptr(e).to_string_lossy().into_owned()
        }
    }
}

// ------------------------------------------------------------------------------------------------
// Host services
// ------------------------------------------------------------------------------------------------

/// What host_data points at. Lives in a Box that outlives destroy.
struct HostState {
    log_lines: AtomicU64,
    config_calls: AtomicU64,
}

/// What the config token points at. The plugin never dereferences it; config_get does.
struct Config {
    values: HashMap<String, String>,
}

unsafe extern "C" fn host_config_get(
    host_data: usize,
    cfg: *mut VdpConfig,
    key: *const c_char,
    buf: *mut c_char,
    buf_len: usize,
    needed: *mut usize,
) -> VdpStatus {
    catch_unwind(AssertUnwindSafe(|| {
        if host_data == 0 || cfg.is_null() || key.is_null() {
            return VDP_E_INVALID_ARGUMENT;
        }
        // SAFETY: host_data and cfg are the pointers this program handed to create; both outlive destroy.
        let state = unsafe { &*(host_data as *const HostState) };
        let config = unsafe { &*(cfg as *const Config) };
        state.config_calls.fetch_add(1, Ordering::Relaxed);
        let key = unsafe { CStr::from_ptr(key) }.to_string_lossy();
        let Some(value) = config.values.get(key.as_ref()) else {
            return VDP_E_NOT_FOUND;
        };
        let size = value.len() + 1;
        if !needed.is_null() {
            unsafe { *needed = size };
        }
        if buf.is_null() || buf_len < size {
            return VDP_E_BUFFER_TOO_SMALL;
        }
        // SAFETY: buf has room for buf_len >= size bytes.
        unsafe {
            std::ptr::copy_nonoverlapping(value.as_ptr(), buf.cast::<u8>(), value.len());
            *buf.add(value.len()) = 0;
        }
        VDP_OK
    }))
    .unwrap_or(VDP_E_INTERNAL)
}

unsafe extern "C" fn host_log(
    host_data: usize,
    _ctx: *mut VdpContext,
    level: i32,
    message: *const c_char,
) {
    let _ = catch_unwind(AssertUnwindSafe(|| {
        if host_data != 0 {
            let state = unsafe { &*(host_data as *const HostState) };
            state.log_lines.fetch_add(1, Ordering::Relaxed);
        }
        let name = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR"]
            .get(level as usize)
            .copied()
            .unwrap_or("?");
        let msg = if message.is_null() {
            "(null)".into()
        } else {
            unsafe { CStr::from_ptr(message) }.to_string_lossy()
        };
        eprintln!("ffi-rust: [plugin {name}] {msg}");
    }));
}

// ------------------------------------------------------------------------------------------------
// element-sim child
// ------------------------------------------------------------------------------------------------

struct Simulator {
    child: Child,
    port: String,
}

impl Simulator {
    fn start(path: &str) -> Result<Simulator, String> {
        let mut cmd = Command::new(path);
        cmd.args(["--port", "0", "--no-tls"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        // SAFETY: prctl is async-signal-safe; it makes the child die with us even if we are SIGKILLed.
        unsafe {
            cmd.pre_exec(|| {
                prctl(PR_SET_PDEATHSIG, SIGKILL as std::ffi::c_ulong);
                Ok(())
            });
        }
        let mut child = cmd.spawn().map_err(|e| format!("start {path}: {e}"))?;
        let stdout = child.stdout.take().ok_or("no stdout pipe")?;
        let (tx, rx) = mpsc::channel::<String>();
        std::thread::spawn(move || {
            // Keep draining after the URL line so the child never blocks on a full pipe.
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let mut sent = false;
            loop {
                line.clear();
                match reader.read_line(&mut line) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
                eprintln!("ffi-rust: element-sim: {}", line.trim_end());
                if sent || !line.contains("listening") {
                    continue;
                }
                if let Some(url) = line.split_whitespace().find_map(|f| f.strip_prefix("url=")) {
                    if let Some(i) = url.rfind(':') {
                        let port: String = url[i + 1..]
                            .chars()
                            .take_while(|c| c.is_ascii_digit())
                            .collect();
                        if !port.is_empty() {
                            sent = true;
                            let _ = tx.send(port);
                        }
                    }
                }
            }
            let mut rest = Vec::new();
            let _ = reader.read_to_end(&mut rest);
        });
        let mut sim = Simulator {
            child,
            port: String::new(),
        };
        match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(port) => {
                sim.port = port;
                Ok(sim)
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                Err("element-sim did not print its url within 30 s".into())
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                Err("element-sim exited without printing its url".into())
            }
        }
        // On error `sim` is dropped here, which stops the child.
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        if let Ok(Some(_)) = self.child.try_wait() {
            return;
        }
        // SAFETY: plain syscall on our own child's pid.
        unsafe { kill(self.child.id() as i32, SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ------------------------------------------------------------------------------------------------
// Calling the plugin
// ------------------------------------------------------------------------------------------------

struct Plugin {
    desc: &'static VdpPlugin,
}

impl Plugin {
    fn load(path: &str) -> Result<Plugin, String> {
        let cpath = CString::new(path).map_err(|_| "plugin path contains NUL")?;
        // SAFETY: FFI calls with valid NUL-terminated strings; the symbol has the vdp.h entry signature.
        unsafe {
            let handle = dlopen(cpath.as_ptr(), RTLD_NOW | RTLD_LOCAL);
            if handle.is_null() {
                return Err(format!("dlopen {path}: {}", last_dlerror()));
            }
            let sym = dlsym(handle, c"vdp_plugin_entry".as_ptr());
            if sym.is_null() {
                return Err(format!("dlsym vdp_plugin_entry: {}", last_dlerror()));
            }
            let entry: EntryFn = std::mem::transmute::<*mut c_void, EntryFn>(sym);
            let mut plugin_abi = 0u32;
            let mut desc: *const VdpPlugin = std::ptr::null();
            let rc = entry(VDP_ABI_VERSION, &mut plugin_abi, &mut desc);
            if rc != VDP_OK || desc.is_null() {
                return Err(format!(
                    "vdp_plugin_entry: {} (plugin abi {plugin_abi:#x})",
                    vdp_status_name(rc)
                ));
            }
            // The descriptor is static and the plugin is never unloaded (-z nodelete).
            let desc: &'static VdpPlugin = &*desc;
            if (desc.struct_size as usize) < size_of::<VdpPlugin>() {
                return Err(format!(
                    "descriptor struct_size {} < {}",
                    desc.struct_size,
                    size_of::<VdpPlugin>()
                ));
            }
            if desc.create.is_none()
                || desc.setup.is_none()
                || desc.destroy.is_none()
                || desc.free_string.is_none()
            {
                return Err("descriptor lacks a lifecycle slot".into());
            }
            Ok(Plugin { desc })
        }
    }

    fn cstr(p: *const c_char) -> String {
        if p.is_null() {
            "(null)".into()
        } else {
            // SAFETY: descriptor strings are static NUL-terminated UTF-8.
            unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
        }
    }

    /// Copies a plugin-owned string into Rust memory and releases it with free_string.
    fn take(&self, out: *mut c_char, out_len: usize) -> String {
        if out.is_null() {
            return String::new();
        }
        // SAFETY: out holds out_len bytes (+ NUL) owned by the plugin until free_string.
        let s = unsafe {
            String::from_utf8_lossy(std::slice::from_raw_parts(out.cast::<u8>(), out_len))
                .into_owned()
        };
        unsafe { (self.desc.free_string.unwrap())(out) };
        s
    }

    fn call(
        &self,
        op: Option<OpFn>,
        drv: *mut VdpDriver,
        ctx: *mut VdpContext,
        req: &[u8],
    ) -> (VdpStatus, String) {
        let Some(f) = op else {
            return (7, "{\"status\":\"NOT_SUPPORTED\"}".into());
        };
        let mut out: *mut c_char = std::ptr::null_mut();
        let mut out_len = 0usize;
        // SAFETY: req is borrowed for the call; out/out_len are valid for writes.
        let rc = unsafe {
            f(
                drv,
                ctx,
                req.as_ptr().cast::<c_char>(),
                req.len(),
                &mut out,
                &mut out_len,
            )
        };
        (rc, self.take(out, out_len))
    }
}

/// Tiny JSON helpers: enough to read string members of the plugin's flat results.
fn json_string(json: &str, key: &str) -> Option<String> {
    let pat = format!("\"{key}\"");
    let mut from = 0;
    while let Some(i) = json[from..].find(&pat) {
        let rest = json[from + i + pat.len()..].trim_start();
        if let Some(rest) = rest.strip_prefix(':') {
            let rest = rest.trim_start();
            let rest = rest.strip_prefix('"')?;
            let mut out = String::new();
            let mut chars = rest.chars();
            while let Some(c) = chars.next() {
                match c {
                    '"' => return Some(out),
                    '\\' => match chars.next()? {
                        'n' => out.push('\n'),
                        't' => out.push('\t'),
                        'u' => {
                            let hex: String = chars.by_ref().take(4).collect();
                            out.push(
                                char::from_u32(u32::from_str_radix(&hex, 16).ok()?).unwrap_or('?'),
                            );
                        }
                        other => out.push(other),
                    },
                    c => out.push(c),
                }
            }
            return None;
        }
        from += i + pat.len();
    }
    None
}

/// Masks the CHAP secret of "provider_auth":"CHAP <user> <secret>" before a result is printed.
fn redact(body: &str) -> String {
    const KEY: &str = "\"provider_auth\":\"CHAP ";
    let Some(i) = body.find(KEY) else {
        return body.to_string();
    };
    let start = i + KEY.len();
    let rest = &body[start..];
    match (rest.find(' '), rest.find('"')) {
        (Some(sp), Some(end)) if sp < end => {
            format!(
                "{}{}{}",
                &body[..start + sp + 1],
                "*".repeat(end - sp - 1),
                &rest[end..]
            )
        }
        _ => body.to_string(),
    }
}

fn json_escape(s: &str) -> String {
    s.chars()
        .flat_map(|c| match c {
            '"' => vec!['\\', '"'],
            '\\' => vec!['\\', '\\'],
            c if (c as u32) < 0x20 => format!("\\u{:04x}", c as u32).chars().collect(),
            c => vec![c],
        })
        .collect()
}

fn uuid4() -> Result<String, String> {
    let mut b = [0u8; 16];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut b))
        .map_err(|e| e.to_string())?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: Vec<String> = b.iter().map(|x| format!("{x:02x}")).collect();
    Ok(format!(
        "{}-{}-{}-{}-{}",
        h[0..4].concat(),
        h[4..6].concat(),
        h[6..8].concat(),
        h[8..10].concat(),
        h[10..16].concat()
    ))
}

fn run(plugin_path: &str, sim_path: &str) -> Result<(), String> {
    let plugin = Plugin::load(plugin_path)?;
    let d = plugin.desc;
    eprintln!(
        "ffi-rust: loaded {plugin_path}: name={} vendor={} version={} abi={}.{}",
        Plugin::cstr(d.name),
        Plugin::cstr(d.vendor),
        Plugin::cstr(d.driver_version),
        d.abi_version >> 16,
        d.abi_version & 0xffff
    );

    let sim = Simulator::start(sim_path)?;
    eprintln!(
        "ffi-rust: element-sim pid={} port={}",
        sim.child.id(),
        sim.port
    );

    // Host state and configuration outlive the driver (declared before it, dropped after destroy).
    let state = Box::new(HostState {
        log_lines: AtomicU64::new(0),
        config_calls: AtomicU64::new(0),
    });
    let config = Box::new(Config {
        values: [
            ("san_ip", "127.0.0.1"),
            ("sf_api_port", sim.port.as_str()),
            ("san_login", "admin"),
            ("san_password", "admin"),
            ("sf_api_scheme", "http"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        // Longer than the plugin's first buffer: the getter must answer BUFFER_TOO_SMALL, then fill.
        .chain([("volume_backend_name".to_string(), format!("ffi-{}", "b".repeat(1000)))])
        .collect(),
    });
    let host = Box::new(VdpHost {
        struct_size: size_of::<VdpHost>() as u32,
        reserved0: 0,
        host_data: &*state as *const HostState as usize,
        config_get: Some(host_config_get),
        context_get: None,
        context_remaining_ms: None,
        context_cancelled: None,
        context_progress: None,
        log: Some(host_log),
        lock_acquire: None,
        lock_release: None,
    });
    let cfg_token = &*config as *const Config as *mut VdpConfig;
    let mut ctx_storage = 0u8; // any non-NULL token: the plugin never dereferences it
    let ctx = (&mut ctx_storage as *mut u8).cast::<VdpContext>();

    let mut drv: *mut VdpDriver = std::ptr::null_mut();
    let mut out: *mut c_char = std::ptr::null_mut();
    let mut out_len = 0usize;
    // SAFETY: host, cfg_token and the out pointers are valid; host outlives destroy.
    let rc = unsafe { (d.create.unwrap())(&*host, cfg_token, &mut drv, &mut out, &mut out_len) };
    let body = plugin.take(out, out_len);
    if rc != VDP_OK || drv.is_null() {
        return Err(format!("create: {} {body}", vdp_status_name(rc)));
    }
    eprintln!(
        "ffi-rust: create -> OK {body} (config_get calls: {})",
        state.config_calls.load(Ordering::Relaxed)
    );

    let result = (|| -> Result<(), String> {
        let (rc, body) = plugin.call(d.setup, drv, ctx, b"{}");
        eprintln!("ffi-rust: setup -> {} {body}", vdp_status_name(rc));
        if rc != VDP_OK {
            return Err(format!("setup failed: {} {body}", vdp_status_name(rc)));
        }

        let vol_id = uuid4()?;
        let req = format!(
            "{{\"volume\":{{\"id\":\"{vol_id}\",\"size\":1,\"project_id\":\"ffi-rust\",\"display_name\":\"ffi\"}}}}"
        );
        let (rc, body) = plugin.call(d.create_volume, drv, ctx, req.as_bytes());
        eprintln!(
            "ffi-rust: create_volume {vol_id} -> {} {}",
            vdp_status_name(rc),
            redact(&body)
        );
        if rc != VDP_OK {
            return Err(format!(
                "create_volume failed: {} {body}",
                vdp_status_name(rc)
            ));
        }
        let provider_id =
            json_string(&body, "provider_id").ok_or(format!("no provider_id in {body}"))?;
        if provider_id.split_whitespace().count() != 3 {
            return Err(format!(
                "provider_id {provider_id:?} is not '<volumeID> <accountID> <clusterUUID>'"
            ));
        }
        for k in ["provider_location", "provider_auth"] {
            if !body.contains(&format!("\"{k}\"")) {
                return Err(format!("create_volume result lacks {k}: {body}"));
            }
        }

        // Malformed request: INVALID_ARGUMENT with an error object naming the field.
        let bad = format!("{{\"volume\":{{\"id\":\"{vol_id}\",\"size\":-1}}}}");
        let (rc, body) = plugin.call(d.create_volume, drv, ctx, bad.as_bytes());
        if rc != VDP_E_INVALID_ARGUMENT
            || json_string(&body, "status").as_deref() != Some("INVALID_ARGUMENT")
            || json_string(&body, "field").as_deref() != Some("volume.size")
        {
            return Err(format!("size -1: got {} {body}", vdp_status_name(rc)));
        }
        eprintln!("ffi-rust: create_volume size=-1 -> INVALID_ARGUMENT (field volume.size)");

        let req = format!(
            "{{\"volume\":{{\"id\":\"{vol_id}\",\"size\":1,\"project_id\":\"ffi-rust\",\"provider_id\":\"{}\"}}}}",
            json_escape(&provider_id)
        );
        let (rc, body) = plugin.call(d.delete_volume, drv, ctx, req.as_bytes());
        eprintln!(
            "ffi-rust: delete_volume {vol_id} -> {} {body}",
            vdp_status_name(rc)
        );
        if rc != VDP_OK {
            return Err(format!(
                "delete_volume failed: {} {body}",
                vdp_status_name(rc)
            ));
        }
        Ok(())
    })();

    // SAFETY: drv came from create; nothing else runs on it.
    unsafe { (d.destroy.unwrap())(drv) };
    eprintln!(
        "ffi-rust: destroy -> done (log lines received: {})",
        state.log_lines.load(Ordering::Relaxed)
    );
    drop(host);
    drop(config);
    drop(state);
    drop(sim);
    result
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: vdp-ffi-smoke <plugin.so> <element-sim>");
        std::process::exit(2);
    }
    let code = match catch_unwind(|| run(&args[1], &args[2])) {
        Ok(Ok(())) => {
            eprintln!(
                "ffi-rust: PASSED: created and deleted a volume through the vdp ABI from Rust"
            );
            0
        }
        Ok(Err(e)) => {
            eprintln!("ffi-rust: FAILED: {e}");
            1
        }
        Err(_) => {
            eprintln!("ffi-rust: FAILED: panic");
            1
        }
    };
    std::process::exit(code);
}
