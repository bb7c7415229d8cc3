//! Rust binding of the vdp volume driver plugin ABI (`abi/include/vdp/vdp.h`), standard library only.
//!
//! A plugin is a shared object behind a stable `extern "C"` ABI: [`Plugin::open`] loads it,
//! [`Plugin::driver`] makes a [`Driver`] from a configuration and a [`Host`] (log lines, named locks,
//! progress), and every operation takes a JSON request and returns a JSON result
//! ([`json::Value`]) or an [`Error`] carrying the plugin's error object. Request and result shapes:
//! `abi/docs/operations.md`.
//!
//! ```no_run
//! use vdp::{json::Value, CallOptions, DefaultHost, Plugin, Status};
//! use std::time::Duration;
//!
//! let plugin = Plugin::open("build/dev/plugin/vdp_solidfire.so")?;
//! let config = [("san_ip", "10.0.0.5"), ("san_login", "admin"), ("san_password", "secret"),
//!               ("volume_backend_name", "sf1")];
//! let driver = plugin.driver(config, DefaultHost::new())?;
//! driver.setup(&CallOptions::new().with_timeout(Duration::from_secs(30)))?;
//! let volume = Value::object([("id", Value::from("6b1f6c3e-8a59-4f47-a0a4-2f4bd1a6f0c1")),
//!                             ("size", Value::from(1)), ("project_id", Value::from("demo"))]);
//! let model = driver.create_volume(&Value::object([("volume", volume)]), &CallOptions::new())?;
//! println!("{}", model["provider_id"]);
//! # Ok::<(), vdp::Error>(())
//! ```

// Error mirrors the ABI's error object field for field (pub fields, like the other bindings); failures
// are rare next to the cost of a plugin call, so its size in `Result` does not matter.
#![allow(unknown_lints, clippy::result_large_err)]

mod driver;
mod error;
mod ffi;
mod host;
pub mod json;
mod plugin;

pub use driver::{CallOptions, Driver, Request};
pub use error::{Error, Status};
pub use host::{CallInfo, DefaultHost, Host, LockTable, LogLevel};
pub use plugin::{Plugin, Version, ABI_VERSION};

/// `Result` with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// The operation slots of the ABI after `free_string` (`VDP_OPERATIONS`), in descriptor order;
/// `"setup"` is not among them.
pub const OPERATIONS: &[&str] = ffi::OPERATIONS;

/// `VDP_SCHEMA_VERSION` of the request/result shapes this binding was written against (1.0).
pub const SCHEMA_VERSION: Version = Version {
    major: ffi::version_major(ffi::VDP_SCHEMA_VERSION),
    minor: ffi::version_minor(ffi::VDP_SCHEMA_VERSION),
};
