//! [`Driver`]: one `vdp_driver`, its host table, and the calls.

use std::cell::Cell;
use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::os::raw::c_char;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::error::{Error, Status};
use crate::ffi::{VdpConfig, VdpContext, VdpDriver, VdpHost, VDP_E_INTERNAL, VDP_OK};
use crate::host::{wipe, CallInfo, ConfigTable, Host, HostState};
use crate::json::Value;
use crate::plugin::Plugin;

/// Per-call options, mapped to the call's `vdp_context` (vdp.h): the deadline is what
/// `context_remaining_ms` answers, the flag what `context_cancelled` answers (polled by the plugin about
/// every 100 ms during waits), the request id what `context_get("request_id")` answers.
#[derive(Debug, Clone, Default)]
pub struct CallOptions {
    /// When the call must be over (`None`: no deadline). The plugin reads it once, at the start.
    pub deadline: Option<Instant>,
    /// Set it (from any thread) to ask the call to stop: it then fails with `Cancelled`.
    pub cancel: Option<Arc<AtomicBool>>,
    /// The request id the plugin puts into log lines and error objects (default: "req-" and 16 hex digits).
    pub request_id: Option<String>,
    /// More `context_get` values, e.g. ("project_id", ...), ("user_id", ...).
    pub context: Vec<(String, String)>,
}

impl CallOptions {
    pub fn new() -> CallOptions {
        CallOptions::default()
    }
    /// Deadline `timeout` from now.
    pub fn with_timeout(mut self, timeout: Duration) -> CallOptions {
        self.deadline = Some(
            Instant::now()
                .checked_add(timeout)
                .unwrap_or_else(far_future),
        );
        self
    }
    pub fn with_deadline(mut self, deadline: Instant) -> CallOptions {
        self.deadline = Some(deadline);
        self
    }
    pub fn with_cancel(mut self, flag: Arc<AtomicBool>) -> CallOptions {
        self.cancel = Some(flag);
        self
    }
    pub fn with_request_id(mut self, id: impl Into<String>) -> CallOptions {
        self.request_id = Some(id.into());
        self
    }
    pub fn with_context(mut self, key: impl Into<String>, value: impl Into<String>) -> CallOptions {
        self.context.push((key.into(), value.into()));
        self
    }
}

fn far_future() -> Instant {
    Instant::now() + Duration::from_secs(100 * 365 * 24 * 3600)
}

/// A request: a JSON value (serialized by the binding) or JSON text (sent as is).
#[derive(Debug, Clone, Copy)]
pub enum Request<'a> {
    Json(&'a Value),
    Text(&'a str),
}

impl<'a> From<&'a Value> for Request<'a> {
    fn from(v: &'a Value) -> Request<'a> {
        Request::Json(v)
    }
}
impl<'a> From<&'a str> for Request<'a> {
    fn from(s: &'a str) -> Request<'a> {
        Request::Text(s)
    }
}
impl<'a> From<&'a String> for Request<'a> {
    fn from(s: &'a String) -> Request<'a> {
        Request::Text(s)
    }
}

thread_local! {
    /// The operation this thread is inside of, if any: host callbacks must not re-enter the plugin.
    static IN_CALL: Cell<Option<&'static str>> = const { Cell::new(None) };
}

struct InCall;

impl InCall {
    fn enter(op: &'static str) -> Result<InCall, Error> {
        match IN_CALL.with(|c| c.replace(Some(op))) {
            None => Ok(InCall),
            Some(outer) => {
                IN_CALL.with(|c| c.set(Some(outer)));
                Err(Error::new(
                    Status::FailedPrecondition,
                    format!("a host callback of {} must not call the plugin", outer),
                )
                .with_operation(op))
            }
        }
    }
}

impl Drop for InCall {
    fn drop(&mut self) {
        IN_CALL.with(|c| c.set(None));
    }
}

fn new_request_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.write_u32(std::process::id());
    format!("req-{:016x}", h.finish())
}

fn check_c_string(what: &str, value: &str) -> Result<(), Error> {
    if value.as_bytes().contains(&0) {
        Err(Error::new(
            Status::InvalidArgument,
            format!("{} contains a NUL character", what),
        )
        .with_field(what))
    } else {
        Ok(())
    }
}

/// A driver made by [`Plugin::driver`]; destroyed when dropped.
///
/// Calls take `&self` and may run concurrently from any threads (share it as `Arc<Driver>`); see the
/// `Send`/`Sync` impls below.
pub struct Driver {
    raw: *mut VdpDriver,
    plugin: Plugin,
    // host_data and the table the plugin holds: both outlive destroy (dropped after `Drop::drop`).
    state: Box<HostState>,
    _table: Box<VdpHost>,
    warnings: Vec<String>,
    pid: u32,
}

// SAFETY: vdp.h: "Operations on one driver may run concurrently from any threads, including a different
// OS thread for every call", so `&Driver` may be shared between threads (`Sync`): every method that
// reaches the plugin takes `&self` and calls an operation slot, and the host table's callbacks are
// thread-safe (`Host: Send + Sync`; the token map is behind a Mutex, counters are atomics). destroy
// "is not concurrent with any other call" and has no thread affinity: it runs only in `Drop`, which needs
// the `Driver` by value, so no `&Driver` (and so no call) can exist then, and it may run on any thread
// (`Send`). The forked-child rule (never destroy an inherited driver) is kept by `Drop` itself (it skips
// destroy in a process other than the creator). The raw pointer is the only non-auto-Send/Sync member.
unsafe impl Send for Driver {}
unsafe impl Sync for Driver {}

impl Driver {
    pub(crate) fn create(
        plugin: Plugin,
        config: HashMap<String, String>,
        host: Box<dyn Host>,
    ) -> Result<Driver, Error> {
        let cfg = ConfigTable { values: config };
        for (k, v) in &cfg.values {
            if k.contains('\0') || v.contains('\0') {
                let msg = format!("option {:?}: contains a NUL character", k);
                return Err(Error::new(Status::Config, msg)
                    .with_field(k)
                    .with_operation("create"));
            }
        }
        let state = Box::new(HostState::new(host));
        let table = Box::new(state.table());
        let mut raw: *mut VdpDriver = std::ptr::null_mut();
        let mut out: *mut c_char = std::ptr::null_mut();
        let mut out_len = 0usize;
        let rc = {
            let _in_call = InCall::enter("create")?;
            // SAFETY: the table and the config token are valid for the call (the table until destroy);
            // out pointers are valid for writes.
            unsafe {
                (plugin.create_fn())(
                    &*table,
                    &cfg as *const ConfigTable as *mut VdpConfig,
                    &mut raw,
                    &mut out,
                    &mut out_len,
                )
            }
        };
        drop(cfg); // wipes the values: the plugin reads configuration only during create
                   // SAFETY: out came from this plugin's create.
        let text = unsafe { plugin.take_string(out) };
        if rc != VDP_OK || raw.is_null() {
            if !raw.is_null() {
                // SAFETY: a driver the plugin returned despite failing; nothing else uses it.
                unsafe { (plugin.destroy_fn())(raw) };
            }
            let rc = if rc == VDP_OK { VDP_E_INTERNAL } else { rc };
            return Err(Error::from_plugin(rc, text.as_deref(), "create", None));
        }
        let warnings = text
            .as_deref()
            .and_then(|t| Value::parse(t).ok())
            .and_then(|v| v.get("warnings").and_then(Value::as_array).cloned())
            .unwrap_or_default()
            .iter()
            .map(|w| w.as_str().map_or_else(|| w.to_string(), str::to_owned))
            .collect();
        Ok(Driver {
            raw,
            plugin,
            state,
            _table: table,
            warnings,
            pid: std::process::id(),
        })
    }

    /// The plugin this driver belongs to.
    pub fn plugin(&self) -> &Plugin {
        &self.plugin
    }

    /// The warnings of create's result (`{"warnings": [...]}`).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// How many host callbacks of this driver panicked so far (each answered with a failure).
    pub fn callback_panics(&self) -> u64 {
        self.state.panics.load(Ordering::Relaxed)
    }

    /// The [`Host`] given to [`Plugin::driver`].
    pub fn host(&self) -> &dyn Host {
        &*self.state.host
    }

    /// Runs operation `op` ("setup" or a `VDP_OPERATIONS` name; requests and results:
    /// abi/docs/operations.md). Success is the result object; failure the plugin's error object as an
    /// [`Error`] (its status is the return code). An operation without a slot is `NotSupported` without
    /// reaching the plugin.
    pub fn call<'a>(
        &self,
        op: &str,
        request: impl Into<Request<'a>>,
        opts: &CallOptions,
    ) -> Result<Value, Error> {
        let (name, f) = self.plugin.slot(op)?;
        let request_id = match &opts.request_id {
            Some(id) => id.clone(),
            None => new_request_id(),
        };
        check_c_string("request_id", &request_id).map_err(|e| e.with_operation(name))?;
        for (k, v) in &opts.context {
            check_c_string("context", k)
                .and_then(|_| check_c_string(k, v))
                .map_err(|e| e.with_operation(name))?;
        }
        let info = CallInfo {
            operation: name,
            request_id,
            deadline: opts.deadline,
            cancel: opts.cancel.clone(),
            values: opts.context.clone(),
        };
        let mut serialized = String::new();
        let bytes: &[u8] = match request.into() {
            Request::Json(v) => {
                serialized = v.to_string();
                serialized.as_bytes()
            }
            Request::Text(s) => s.as_bytes(),
        };
        let mut out: *mut c_char = std::ptr::null_mut();
        let mut out_len = 0usize;
        let rc = {
            let _in_call = InCall::enter(name)?;
            // SAFETY: raw is live (destroy runs only in Drop); the context token is `info`, which outlives
            // the call (vdp.h: callbacks get it only during the call); the request is borrowed for the call.
            unsafe {
                f(
                    self.raw,
                    &info as *const CallInfo as *mut VdpContext,
                    bytes.as_ptr() as *const c_char,
                    bytes.len(),
                    &mut out,
                    &mut out_len,
                )
            }
        };
        wipe(&mut serialized); // requests may carry CHAP secrets
                               // SAFETY: out came from this plugin's operation.
        let text = unsafe { self.plugin.take_string(out) };
        if rc != VDP_OK {
            return Err(Error::from_plugin(
                rc,
                text.as_deref(),
                name,
                Some(&info.request_id),
            ));
        }
        let mut text = match text {
            Some(t) => t,
            None => {
                let msg = "the operation succeeded but the plugin could not allocate its result";
                return Err(Error::new(Status::Internal, msg)
                    .with_operation(name)
                    .with_request_id(&info.request_id));
            }
        };
        let parsed = Value::parse(&text);
        wipe(&mut text); // results may carry CHAP secrets
        parsed.map_err(|e| {
            Error::new(
                Status::Internal,
                format!("the plugin's result is not valid JSON: {}", e),
            )
            .with_operation(name)
            .with_request_id(&info.request_id)
        })
    }

    /// `setup` with `{}`: contacts the backend. May fail with `Unavailable` / `Auth` and be called again.
    pub fn setup(&self, opts: &CallOptions) -> Result<Value, Error> {
        self.call("setup", "{}", opts)
    }

    /// `describe` with `{}`: operations, capabilities and schema version (works before setup).
    pub fn describe(&self, opts: &CallOptions) -> Result<Value, Error> {
        self.call("describe", "{}", opts)
    }

    /// `get_volume_stats` with `{"refresh": refresh}`.
    pub fn get_volume_stats(&self, refresh: bool, opts: &CallOptions) -> Result<Value, Error> {
        self.call(
            "get_volume_stats",
            if refresh {
                r#"{"refresh":true}"#
            } else {
                r#"{"refresh":false}"#
            },
            opts,
        )
    }
}

/// One method per operation slot, from the list of `ffi::with_operations`. `describe` and
/// `get_volume_stats` have their own methods above (they build their small requests themselves).
macro_rules! operation_methods {
    ($($op:ident),* $(,)?) => {
        impl Driver {
            $(operation_method!($op);)*
        }
    };
}

macro_rules! operation_method {
    (describe) => {};
    (get_volume_stats) => {};
    ($op:ident) => {
        #[doc = concat!("`", stringify!($op), "`: `call(\"", stringify!($op),
                        "\", request, opts)` (request and result: abi/docs/operations.md).")]
        pub fn $op<'a>(&self, request: impl Into<Request<'a>>, opts: &CallOptions) -> Result<Value, Error> {
            self.call(stringify!($op), request, opts)
        }
    };
}

crate::ffi::with_operations!(operation_methods);

impl Drop for Driver {
    fn drop(&mut self) {
        // vdp.h: never destroy a driver inherited by a forked child (the child makes its own).
        if std::process::id() != self.pid {
            return;
        }
        // SAFETY: raw came from create and is destroyed once; `drop` has `&mut self`, so no call is in
        // flight. The host table and state are dropped only after destroy returns.
        unsafe { (self.plugin.destroy_fn())(self.raw) };
    }
}

impl fmt::Debug for Driver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Driver")
            .field("plugin", &self.plugin)
            .field("warnings", &self.warnings)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_distinct() {
        let a = new_request_id();
        let b = new_request_id();
        assert_ne!(a, b);
        assert_eq!(a.len(), 4 + 16);
        assert!(a.starts_with("req-"));
    }

    #[test]
    fn re_entry_is_refused() {
        let outer = InCall::enter("create_volume").unwrap();
        let e = InCall::enter("delete_volume").err().unwrap();
        assert_eq!(e.status, Status::FailedPrecondition);
        drop(outer);
        assert!(InCall::enter("delete_volume").is_ok());
    }

    #[test]
    fn options_builder() {
        let flag = Arc::new(AtomicBool::new(false));
        let o = CallOptions::new()
            .with_timeout(Duration::from_secs(1))
            .with_cancel(flag)
            .with_request_id("r")
            .with_context("project_id", "p");
        assert!(o.deadline.unwrap() > Instant::now());
        assert_eq!(o.request_id.as_deref(), Some("r"));
        assert_eq!(o.context.len(), 1);
        assert!(CallOptions::new()
            .with_timeout(Duration::MAX)
            .deadline
            .is_some());
    }
}
