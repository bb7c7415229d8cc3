//! Host services (the `vdp_host` table of vdp.h): the [`Host`] trait a program implements, the
//! [`DefaultHost`], the in-process [`LockTable`], and the `extern "C"` callbacks the plugin calls.
//!
//! Every callback body runs under `catch_unwind`: a panic in a [`Host`] method never unwinds into the
//! plugin (vdp.h: "No exception, panic, longjmp or abort crosses this boundary"); the plugin gets the
//! ABI's failure answer for that callback instead (see [`Host`]).

use std::collections::HashMap;
use std::ffi::CStr;
use std::fmt;
use std::os::raw::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::error::Status;
use crate::ffi::{
    VdpConfig, VdpContext, VdpHost, VdpStatus, VDP_E_BUFFER_TOO_SMALL, VDP_E_CANCELLED,
    VDP_E_INTERNAL, VDP_E_INVALID_ARGUMENT, VDP_E_NOT_FOUND, VDP_E_TIMEOUT, VDP_NO_DEADLINE,
    VDP_OK,
};

/// Severity of a plugin log line (`VDP_LOG_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogLevel {
    Trace = 0,
    Debug = 1,
    Info = 2,
    Warn = 3,
    Error = 4,
}

impl LogLevel {
    /// The level for a `VDP_LOG_*` number (below 0 is Trace, above 4 is Error).
    pub fn from_raw(level: i32) -> LogLevel {
        match level {
            i32::MIN..=0 => LogLevel::Trace,
            1 => LogLevel::Debug,
            2 => LogLevel::Info,
            3 => LogLevel::Warn,
            _ => LogLevel::Error,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            LogLevel::Trace => "TRACE",
            LogLevel::Debug => "DEBUG",
            LogLevel::Info => "INFO",
            LogLevel::Warn => "WARN",
            LogLevel::Error => "ERROR",
        }
    }
}

impl fmt::Display for LogLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a host callback knows about the plugin call it serves (the call's `vdp_context`).
#[derive(Debug)]
pub struct CallInfo {
    pub(crate) operation: &'static str,
    pub(crate) request_id: String,
    pub(crate) deadline: Option<Instant>,
    pub(crate) cancel: Option<Arc<AtomicBool>>,
    pub(crate) values: Vec<(String, String)>,
}

impl CallInfo {
    /// The operation ("create_volume", "setup", ...).
    pub fn operation(&self) -> &str {
        self.operation
    }
    /// The call's request id (given in `CallOptions` or generated, "req-" and 16 hex digits).
    pub fn request_id(&self) -> &str {
        &self.request_id
    }
    /// The call's deadline, if any.
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }
    /// Time left before the deadline (zero once it has passed); `None` without a deadline.
    pub fn remaining(&self) -> Option<Duration> {
        self.deadline
            .map(|d| d.saturating_duration_since(Instant::now()))
    }
    /// True once the call's cancellation flag is set.
    pub fn is_cancelled(&self) -> bool {
        self.cancel
            .as_ref()
            .map_or(false, |c| c.load(Ordering::SeqCst))
    }
    /// A context value: "request_id", "operation", or one given in `CallOptions::context`.
    pub fn value(&self, key: &str) -> Option<&str> {
        match key {
            "request_id" => Some(&self.request_id),
            "operation" => Some(self.operation),
            _ => self
                .values
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str()),
        }
    }
}

/// The host side of a driver: log lines, named locks, progress and extra context values.
///
/// Every method has a default, so `impl Host for MyHost {}` is a complete host. Rules (vdp.h):
/// methods run on the thread that is inside a plugin call, concurrently for concurrent calls, and must
/// not call the plugin (a call from inside a callback fails with `FailedPrecondition`). A panic is
/// caught: a log line or progress report is then dropped, a lock is not taken (the plugin call fails,
/// `Unavailable`), a release is reported failed, a context value is a getter failure.
pub trait Host: Send + Sync {
    /// One log line of the plugin (no trailing newline, never a secret). `call` is `None` outside a
    /// call. Default: lines at `Warn` and above go to stderr.
    fn log(&self, level: LogLevel, message: &str, call: Option<&CallInfo>) {
        if level >= LogLevel::Warn {
            eprintln!("{}", format_line(level, message, call));
        }
    }

    /// Takes the exclusive lock `name`, waiting at most `timeout` (`None`: no limit of its own; it is
    /// already bounded by the call's deadline) and giving up with `Err(Status::Cancelled)` once the call
    /// is cancelled, `Err(Status::Timeout)` when the time is up. Every driver that manages the same
    /// backend, in this process or elsewhere, must see the same lock namespace. Default: the
    /// process-wide [`LockTable::global`].
    fn lock_acquire(
        &self,
        name: &str,
        timeout: Option<Duration>,
        call: Option<&CallInfo>,
    ) -> Result<(), Status> {
        LockTable::global().acquire(name, timeout, call)
    }

    /// Releases a lock taken by `lock_acquire`. Default: [`LockTable::global`].
    fn lock_release(&self, name: &str) -> Result<(), Status> {
        LockTable::global().release(name)
    }

    /// Progress of a long wait (`total` 0 = unknown). Default: nothing.
    fn progress(&self, call: &CallInfo, done: u64, total: u64, message: &str) {
        let _ = (call, done, total, message);
    }

    /// A context value the call's `CallOptions` did not give (e.g. "project_id"). Default: none.
    fn context_value(&self, call: &CallInfo, key: &str) -> Option<String> {
        let _ = (call, key);
        None
    }
}

fn format_line(level: LogLevel, message: &str, call: Option<&CallInfo>) -> String {
    match call {
        Some(c) => format!("vdp: {} [{}] {}", level, c.request_id, message),
        None => format!("vdp: {} {}", level, message),
    }
}

type LogClosure = Box<dyn Fn(LogLevel, &str) + Send + Sync>;

/// A ready-made [`Host`]: log lines to stderr (`Warn` and above) or to a closure, locks in a
/// [`LockTable`] (by default the process-wide one), no progress, no extra context values.
pub struct DefaultHost {
    min_level: LogLevel,
    logger: Option<LogClosure>,
    locks: Option<Arc<LockTable>>,
}

impl DefaultHost {
    /// Stderr at `Warn` and above, the process-wide lock table.
    pub fn new() -> DefaultHost {
        DefaultHost {
            min_level: LogLevel::Warn,
            logger: None,
            locks: None,
        }
    }

    /// Sends every line at or above the minimum level (now `Trace`; see [`DefaultHost::min_level`]) to
    /// `f` instead of stderr. Lines of a call start with `[request_id] `. `f` runs concurrently.
    pub fn with_logger<F>(mut self, f: F) -> DefaultHost
    where
        F: Fn(LogLevel, &str) + Send + Sync + 'static,
    {
        self.logger = Some(Box::new(f));
        self.min_level = LogLevel::Trace;
        self
    }

    /// Drops lines below `level`. (The plugin's own threshold is its `vdp_log_level` option.)
    pub fn min_level(mut self, level: LogLevel) -> DefaultHost {
        self.min_level = level;
        self
    }

    /// Uses `table` instead of the process-wide lock table.
    pub fn lock_table(mut self, table: Arc<LockTable>) -> DefaultHost {
        self.locks = Some(table);
        self
    }

    fn table(&self) -> &LockTable {
        match &self.locks {
            Some(t) => t,
            None => LockTable::global(),
        }
    }
}

impl Default for DefaultHost {
    fn default() -> DefaultHost {
        DefaultHost::new()
    }
}

impl fmt::Debug for DefaultHost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DefaultHost")
            .field("min_level", &self.min_level)
            .field("logger", &self.logger.as_ref().map(|_| "closure"))
            .field("own_lock_table", &self.locks.is_some())
            .finish()
    }
}

impl Host for DefaultHost {
    fn log(&self, level: LogLevel, message: &str, call: Option<&CallInfo>) {
        if level < self.min_level {
            return;
        }
        match &self.logger {
            Some(f) => match call {
                Some(c) => f(level, &format!("[{}] {}", c.request_id, message)),
                None => f(level, message),
            },
            None => eprintln!("{}", format_line(level, message, call)),
        }
    }

    fn lock_acquire(
        &self,
        name: &str,
        timeout: Option<Duration>,
        call: Option<&CallInfo>,
    ) -> Result<(), Status> {
        self.table().acquire(name, timeout, call)
    }

    fn lock_release(&self, name: &str) -> Result<(), Status> {
        self.table().release(name)
    }
}

/// In-process named exclusive locks. [`LockTable::global`] is shared by every driver of the process
/// that uses the default lock methods; drivers on other machines need a shared lock service instead.
#[derive(Debug, Default)]
pub struct LockTable {
    held: Mutex<Vec<String>>,
    changed: Condvar,
}

static GLOBAL_LOCKS: LockTable = LockTable::new();

/// How often a waiting `acquire` looks at the call's cancellation flag.
const LOCK_POLL: Duration = Duration::from_millis(50);

impl LockTable {
    pub const fn new() -> LockTable {
        LockTable {
            held: Mutex::new(Vec::new()),
            changed: Condvar::new(),
        }
    }

    /// The table of the process.
    pub fn global() -> &'static LockTable {
        &GLOBAL_LOCKS
    }

    fn guard(&self) -> MutexGuard<'_, Vec<String>> {
        self.held.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes `name`; `Err(Timeout)` once `timeout` passes, `Err(Cancelled)` once `call` is cancelled.
    pub fn acquire(
        &self,
        name: &str,
        timeout: Option<Duration>,
        call: Option<&CallInfo>,
    ) -> Result<(), Status> {
        let until = timeout.and_then(|t| Instant::now().checked_add(t));
        let mut held = self.guard();
        loop {
            if !held.iter().any(|h| h == name) {
                held.push(name.to_owned());
                return Ok(());
            }
            if call.map_or(false, CallInfo::is_cancelled) {
                return Err(Status::Cancelled);
            }
            let mut wait = LOCK_POLL;
            if let Some(u) = until {
                let left = u.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Err(Status::Timeout);
                }
                wait = wait.min(left);
            }
            held = self
                .changed
                .wait_timeout(held, wait)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// Releases `name`; `Err(NotFound)` when it is not held.
    pub fn release(&self, name: &str) -> Result<(), Status> {
        let mut held = self.guard();
        match held.iter().position(|h| h == name) {
            Some(i) => {
                held.swap_remove(i);
                drop(held);
                self.changed.notify_all();
                Ok(())
            }
            None => Err(Status::NotFound),
        }
    }

    /// Names held right now.
    pub fn held(&self) -> Vec<String> {
        let mut v = self.guard().clone();
        v.sort();
        v
    }
}

// ------------------------------------------------------------------------------------------------
// The C side: what host_data and the config token point at, and the callbacks.
// ------------------------------------------------------------------------------------------------

/// What `host_data` points at; owned by the Driver, lives until after destroy returns.
pub(crate) struct HostState {
    pub(crate) host: Box<dyn Host>,
    tokens: Mutex<HashMap<u64, String>>,
    next_token: AtomicU64,
    pub(crate) panics: AtomicU64,
}

/// What the config token points at during create: option name to value (no NUL inside).
pub(crate) struct ConfigTable {
    pub(crate) values: HashMap<String, String>,
}

impl Drop for ConfigTable {
    fn drop(&mut self) {
        // The values may hold passwords: overwrite them before the memory is freed.
        for v in self.values.values_mut() {
            wipe(v);
        }
    }
}

/// Overwrites a string's bytes with zeros (volatile, so the stores are not optimised away) and clears it.
pub(crate) fn wipe(s: &mut String) {
    // SAFETY: zero bytes are valid UTF-8; the writes stay within the string's length.
    unsafe {
        for b in s.as_bytes_mut() {
            std::ptr::write_volatile(b, 0);
        }
    }
    s.clear();
}

impl HostState {
    pub(crate) fn new(host: Box<dyn Host>) -> HostState {
        HostState {
            host,
            tokens: Mutex::new(HashMap::new()),
            next_token: AtomicU64::new(1),
            panics: AtomicU64::new(0),
        }
    }

    /// The `vdp_host` table whose host_data is `self` (which must not move while the table is in use).
    pub(crate) fn table(&self) -> VdpHost {
        VdpHost {
            struct_size: std::mem::size_of::<VdpHost>() as u32,
            reserved0: 0,
            host_data: self as *const HostState as usize,
            config_get: Some(cb_config_get),
            context_get: Some(cb_context_get),
            context_remaining_ms: Some(cb_remaining_ms),
            context_cancelled: Some(cb_cancelled),
            context_progress: Some(cb_progress),
            log: Some(cb_log),
            lock_acquire: Some(cb_lock_acquire),
            lock_release: Some(cb_lock_release),
        }
    }

    fn tokens(&self) -> MutexGuard<'_, HashMap<u64, String>> {
        self.tokens.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Runs `f`, turning a panic into `fail` (and counting it). The panic payload is dropped under
/// another `catch_unwind` (a payload whose drop panics is leaked), so nothing unwinds out of here.
fn guarded<R>(state: Option<&HostState>, fail: R, f: impl FnOnce() -> R) -> R {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => {
            if let Some(s) = state {
                s.panics.fetch_add(1, Ordering::Relaxed);
            }
            if let Err(again) = catch_unwind(AssertUnwindSafe(move || drop(payload))) {
                std::mem::forget(again);
            }
            fail
        }
    }
}

/// SAFETY: host_data is 0 or the HostState pointer this binding put into the table; it outlives destroy.
unsafe fn state<'a>(host_data: usize) -> Option<&'a HostState> {
    (host_data as *const HostState).as_ref()
}

/// SAFETY: ctx is NULL or the CallInfo of the call in progress on this thread (vdp.h: callbacks run only
/// during that call, on its thread).
unsafe fn call_info<'a>(ctx: *mut VdpContext) -> Option<&'a CallInfo> {
    (ctx as *const CallInfo).as_ref()
}

/// SAFETY: p is NULL or a NUL-terminated string valid for the callback.
unsafe fn text<'a>(p: *const c_char) -> std::borrow::Cow<'a, str> {
    if p.is_null() {
        std::borrow::Cow::Borrowed("")
    } else {
        CStr::from_ptr(p).to_string_lossy()
    }
}

/// The getter protocol of vdp.h: `*needed` = size with the NUL; copy only when `buf` holds it.
/// SAFETY: buf is NULL or valid for buf_len bytes; needed is NULL or valid for a write.
unsafe fn copy_out(value: &str, buf: *mut c_char, buf_len: usize, needed: *mut usize) -> VdpStatus {
    if value.as_bytes().contains(&0) {
        return VDP_E_INTERNAL; // not representable as a C string
    }
    let size = value.len() + 1;
    if !needed.is_null() {
        *needed = size;
    }
    if buf.is_null() || buf_len < size {
        return VDP_E_BUFFER_TOO_SMALL;
    }
    std::ptr::copy_nonoverlapping(value.as_ptr(), buf as *mut u8, value.len());
    *buf.add(value.len()) = 0;
    VDP_OK
}

unsafe extern "C" fn cb_config_get(
    host_data: usize,
    cfg: *mut VdpConfig,
    key: *const c_char,
    buf: *mut c_char,
    buf_len: usize,
    needed: *mut usize,
) -> VdpStatus {
    let st = state(host_data);
    guarded(st, VDP_E_INTERNAL, || {
        let table = match (cfg as *const ConfigTable).as_ref() {
            Some(t) if !key.is_null() => t,
            _ => return VDP_E_INVALID_ARGUMENT,
        };
        let value = CStr::from_ptr(key)
            .to_str()
            .ok()
            .and_then(|k| table.values.get(k));
        match value {
            Some(v) => copy_out(v, buf, buf_len, needed),
            None => VDP_E_NOT_FOUND,
        }
    })
}

unsafe extern "C" fn cb_context_get(
    host_data: usize,
    ctx: *mut VdpContext,
    key: *const c_char,
    buf: *mut c_char,
    buf_len: usize,
    needed: *mut usize,
) -> VdpStatus {
    let st = state(host_data);
    guarded(st, VDP_E_INTERNAL, || {
        let (call, key) = match (call_info(ctx), key.is_null()) {
            (Some(c), false) => (c, CStr::from_ptr(key).to_string_lossy()),
            _ => return VDP_E_INVALID_ARGUMENT,
        };
        if let Some(v) = call.value(&key) {
            return copy_out(v, buf, buf_len, needed);
        }
        match st.and_then(|s| s.host.context_value(call, &key)) {
            Some(v) => copy_out(&v, buf, buf_len, needed),
            None => VDP_E_NOT_FOUND,
        }
    })
}

/// Milliseconds left, rounded up (0 only once the deadline has passed); VDP_NO_DEADLINE without one.
pub(crate) fn remaining_ms(call: Option<&CallInfo>) -> i64 {
    match call.and_then(|c| c.deadline) {
        None => VDP_NO_DEADLINE,
        Some(d) => {
            let left = d.saturating_duration_since(Instant::now());
            let ms = left.as_nanos().saturating_add(999_999) / 1_000_000;
            i64::try_from(ms)
                .unwrap_or(VDP_NO_DEADLINE - 1)
                .min(VDP_NO_DEADLINE - 1)
        }
    }
}

unsafe extern "C" fn cb_remaining_ms(host_data: usize, ctx: *mut VdpContext) -> i64 {
    // A failure here fails closed: an unreadable deadline has expired.
    guarded(state(host_data), 0, || remaining_ms(call_info(ctx)))
}

unsafe extern "C" fn cb_cancelled(host_data: usize, ctx: *mut VdpContext) -> i32 {
    // A failure here fails closed: stop the call.
    guarded(state(host_data), 1, || {
        i32::from(call_info(ctx).map_or(false, CallInfo::is_cancelled))
    })
}

unsafe extern "C" fn cb_progress(
    host_data: usize,
    ctx: *mut VdpContext,
    done: u64,
    total: u64,
    message: *const c_char,
) {
    let st = state(host_data);
    guarded(st, (), || {
        if let (Some(s), Some(call)) = (st, call_info(ctx)) {
            s.host.progress(call, done, total, &text(message));
        }
    })
}

unsafe extern "C" fn cb_log(
    host_data: usize,
    ctx: *mut VdpContext,
    level: i32,
    message: *const c_char,
) {
    let st = state(host_data);
    guarded(st, (), || {
        if let Some(s) = st {
            s.host
                .log(LogLevel::from_raw(level), &text(message), call_info(ctx));
        }
    })
}

unsafe extern "C" fn cb_lock_acquire(
    host_data: usize,
    ctx: *mut VdpContext,
    name: *const c_char,
    timeout_ms: i64,
    token: *mut u64,
) -> VdpStatus {
    let st = state(host_data);
    guarded(st, VDP_E_INTERNAL, || {
        let s = match st {
            Some(s) if !name.is_null() && !token.is_null() => s,
            _ => return VDP_E_INVALID_ARGUMENT,
        };
        *token = 0;
        let call = call_info(ctx);
        let mut timeout = u64::try_from(timeout_ms).ok().map(Duration::from_millis);
        if let Some(left) = call.and_then(CallInfo::remaining) {
            // "still bounded by the context"
            timeout = Some(timeout.map_or(left, |t| t.min(left)));
        }
        let name = text(name).into_owned();
        match s.host.lock_acquire(&name, timeout, call) {
            Ok(()) => {
                let t = s.next_token.fetch_add(1, Ordering::Relaxed);
                s.tokens().insert(t, name);
                *token = t;
                VDP_OK
            }
            Err(Status::Timeout) => VDP_E_TIMEOUT,
            Err(Status::Cancelled) => VDP_E_CANCELLED,
            Err(Status::Ok) => VDP_E_INTERNAL,
            Err(other) => other.code(),
        }
    })
}

unsafe extern "C" fn cb_lock_release(host_data: usize, token: u64) -> VdpStatus {
    let st = state(host_data);
    guarded(st, VDP_E_INTERNAL, || {
        let s = match st {
            Some(s) => s,
            None => return VDP_E_INVALID_ARGUMENT,
        };
        let name = s.tokens().remove(&token);
        match name {
            None => VDP_E_NOT_FOUND,
            Some(name) => match s.host.lock_release(&name) {
                Ok(()) => VDP_OK,
                Err(Status::Ok) => VDP_E_INTERNAL,
                Err(other) => other.code(),
            },
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ptr;

    fn call(deadline: Option<Instant>, cancel: Option<Arc<AtomicBool>>) -> CallInfo {
        CallInfo {
            operation: "create_volume",
            request_id: "req-test".into(),
            deadline,
            cancel,
            values: vec![("project_id".into(), "p1".into())],
        }
    }

    struct Panicky;
    impl Host for Panicky {
        fn log(&self, _: LogLevel, _: &str, _: Option<&CallInfo>) {
            panic!("log panics");
        }
        fn lock_acquire(
            &self,
            _: &str,
            _: Option<Duration>,
            _: Option<&CallInfo>,
        ) -> Result<(), Status> {
            panic!("lock panics");
        }
        fn context_value(&self, _: &CallInfo, _: &str) -> Option<String> {
            panic!("context panics");
        }
    }

    #[test]
    fn getter_protocol() {
        let st = HostState::new(Box::new(DefaultHost::new()));
        let t = st.table();
        let cfg = ConfigTable {
            values: [("san_ip".to_string(), "10.0.0.1".to_string())]
                .into_iter()
                .collect(),
        };
        let cfg_ptr = &cfg as *const ConfigTable as *mut VdpConfig;
        let get = t.config_get.unwrap();
        let mut needed = 0usize;
        let mut small = [0 as c_char; 4];
        let mut big = [0x55 as c_char; 32];
        unsafe {
            assert_eq!(
                get(
                    t.host_data,
                    cfg_ptr,
                    b"san_ip\0".as_ptr() as _,
                    ptr::null_mut(),
                    0,
                    &mut needed
                ),
                16
            );
            assert_eq!(needed, 9);
            assert_eq!(
                get(
                    t.host_data,
                    cfg_ptr,
                    b"san_ip\0".as_ptr() as _,
                    small.as_mut_ptr(),
                    4,
                    &mut needed
                ),
                16
            );
            assert_eq!(small, [0; 4]);
            assert_eq!(
                get(
                    t.host_data,
                    cfg_ptr,
                    b"san_ip\0".as_ptr() as _,
                    big.as_mut_ptr(),
                    9,
                    &mut needed
                ),
                0
            );
            assert_eq!(CStr::from_ptr(big.as_ptr()).to_str().unwrap(), "10.0.0.1");
            assert_eq!(
                get(
                    t.host_data,
                    cfg_ptr,
                    b"nope\0".as_ptr() as _,
                    big.as_mut_ptr(),
                    32,
                    &mut needed
                ),
                2
            );
        }
    }

    #[test]
    fn context_callbacks() {
        let st = HostState::new(Box::new(DefaultHost::new()));
        let t = st.table();
        let flag = Arc::new(AtomicBool::new(false));
        let c = call(
            Some(Instant::now() + Duration::from_secs(2)),
            Some(flag.clone()),
        );
        let ctx = &c as *const CallInfo as *mut VdpContext;
        unsafe {
            let ms = (t.context_remaining_ms.unwrap())(t.host_data, ctx);
            assert!(ms > 1500 && ms <= 2000, "{}", ms);
            assert_eq!(
                (t.context_remaining_ms.unwrap())(t.host_data, ptr::null_mut()),
                VDP_NO_DEADLINE
            );
            assert_eq!((t.context_cancelled.unwrap())(t.host_data, ctx), 0);
            flag.store(true, Ordering::SeqCst);
            assert_eq!((t.context_cancelled.unwrap())(t.host_data, ctx), 1);
            let mut buf = [0 as c_char; 64];
            let mut needed = 0;
            let get = t.context_get.unwrap();
            assert_eq!(
                get(
                    t.host_data,
                    ctx,
                    b"request_id\0".as_ptr() as _,
                    buf.as_mut_ptr(),
                    64,
                    &mut needed
                ),
                0
            );
            assert_eq!(CStr::from_ptr(buf.as_ptr()).to_str().unwrap(), "req-test");
            assert_eq!(
                get(
                    t.host_data,
                    ctx,
                    b"project_id\0".as_ptr() as _,
                    buf.as_mut_ptr(),
                    64,
                    &mut needed
                ),
                0
            );
            assert_eq!(CStr::from_ptr(buf.as_ptr()).to_str().unwrap(), "p1");
            assert_eq!(
                get(
                    t.host_data,
                    ctx,
                    b"user_id\0".as_ptr() as _,
                    buf.as_mut_ptr(),
                    64,
                    &mut needed
                ),
                2
            );
        }
        let expired = call(Some(Instant::now() - Duration::from_millis(5)), None);
        assert_eq!(remaining_ms(Some(&expired)), 0);
    }

    #[test]
    fn panics_become_failure_statuses() {
        let st = HostState::new(Box::new(Panicky));
        let t = st.table();
        let c = call(None, None);
        let ctx = &c as *const CallInfo as *mut VdpContext;
        let mut token = 7u64;
        let mut buf = [0 as c_char; 8];
        let mut needed = 0;
        unsafe {
            (t.log.unwrap())(t.host_data, ctx, 3, b"hello\0".as_ptr() as _);
            let rc =
                (t.lock_acquire.unwrap())(t.host_data, ctx, b"l\0".as_ptr() as _, -1, &mut token);
            assert_eq!(rc, VDP_E_INTERNAL);
            assert_eq!(token, 0);
            let rc = (t.context_get.unwrap())(
                t.host_data,
                ctx,
                b"user_id\0".as_ptr() as _,
                buf.as_mut_ptr(),
                8,
                &mut needed,
            );
            assert_eq!(rc, VDP_E_INTERNAL);
            assert_eq!(
                (t.lock_release.unwrap())(t.host_data, 12345),
                VDP_E_NOT_FOUND
            );
        }
        assert_eq!(st.panics.load(Ordering::Relaxed), 3);
    }

    #[test]
    fn lock_table_tokens_timeout_and_cancel() {
        let table = Arc::new(LockTable::new());
        let st = HostState::new(Box::new(DefaultHost::new().lock_table(table.clone())));
        let t = st.table();
        let (acq, rel) = (t.lock_acquire.unwrap(), t.lock_release.unwrap());
        let flag = Arc::new(AtomicBool::new(false));
        let c = call(None, Some(flag.clone()));
        let ctx = &c as *const CallInfo as *mut VdpContext;
        let mut tok1 = 0;
        let mut tok2 = 0;
        unsafe {
            assert_eq!(
                acq(t.host_data, ctx, b"a\0".as_ptr() as _, -1, &mut tok1),
                VDP_OK
            );
            assert_ne!(tok1, 0);
            assert_eq!(table.held(), vec!["a".to_string()]);
            let start = Instant::now();
            assert_eq!(
                acq(t.host_data, ctx, b"a\0".as_ptr() as _, 120, &mut tok2),
                VDP_E_TIMEOUT
            );
            assert!(start.elapsed() >= Duration::from_millis(100));
            flag.store(true, Ordering::SeqCst);
            assert_eq!(
                acq(t.host_data, ctx, b"a\0".as_ptr() as _, -1, &mut tok2),
                VDP_E_CANCELLED
            );
            assert_eq!(
                acq(t.host_data, ctx, b"b\0".as_ptr() as _, -1, &mut tok2),
                VDP_OK
            );
            assert_ne!(tok1, tok2);
            assert_eq!(rel(t.host_data, tok1), VDP_OK);
            assert_eq!(rel(t.host_data, tok1), VDP_E_NOT_FOUND);
            assert_eq!(rel(t.host_data, tok2), VDP_OK);
        }
        assert!(table.held().is_empty());
        // The call's deadline bounds a wait without a timeout of its own.
        table.acquire("x", None, None).unwrap();
        let short = call(Some(Instant::now() + Duration::from_millis(80)), None);
        let ctx = &short as *const CallInfo as *mut VdpContext;
        let start = Instant::now();
        unsafe {
            assert_eq!(
                acq(t.host_data, ctx, b"x\0".as_ptr() as _, -1, &mut tok1),
                VDP_E_TIMEOUT
            );
        }
        assert!(start.elapsed() < Duration::from_secs(2));
        table.release("x").unwrap();
    }

    #[test]
    fn levels() {
        assert_eq!(LogLevel::from_raw(-3), LogLevel::Trace);
        assert_eq!(LogLevel::from_raw(3), LogLevel::Warn);
        assert_eq!(LogLevel::from_raw(9), LogLevel::Error);
        assert!(LogLevel::Warn > LogLevel::Info);
    }
}
