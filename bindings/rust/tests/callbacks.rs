//! Host callbacks: logging, locks, panics inside callbacks, re-entry, and secrets kept out of logs.

mod common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::thread;
use std::time::{Duration, Instant};

use common::{create_volume, delete_volume, timeout, uuid, Sim};
use vdp::json::Value;
use vdp::{CallInfo, CallOptions, DefaultHost, Driver, Host, LockTable, LogLevel, Status};

fn attach_request(vol: &Value) -> Value {
    Value::object([
        ("volume", vol.clone()),
        ("instance_uuid", Value::from(uuid())),
        ("host_name", Value::from("rust-host")),
        ("mountpoint", Value::from("/dev/vdb")),
    ])
}

/// Panics in every log line.
struct PanickingLog {
    lines: AtomicUsize,
}
impl Host for PanickingLog {
    fn log(&self, _level: LogLevel, message: &str, _call: Option<&CallInfo>) {
        self.lines.fetch_add(1, Ordering::SeqCst);
        panic!("log callback panics on purpose: {}", message);
    }
}

#[test]
fn panicking_log_callback_does_not_abort() {
    let sim = Sim::start(&[]);
    let d = common::plugin()
        .driver(
            sim.config_with(&[("vdp_log_level", "trace")]),
            PanickingLog {
                lines: AtomicUsize::new(0),
            },
        )
        .unwrap();
    d.setup(&timeout(20)).unwrap();
    let vol = create_volume(&d, &uuid());
    delete_volume(&d, &vol);
    assert!(
        d.callback_panics() > 0,
        "the plugin logged nothing at trace level"
    );
    println!("{} panics caught", d.callback_panics());
}

/// A lock service whose acquire panics.
struct PanickingLocks;
impl Host for PanickingLocks {
    fn lock_acquire(
        &self,
        _name: &str,
        _timeout: Option<Duration>,
        _call: Option<&CallInfo>,
    ) -> Result<(), Status> {
        panic!("lock_acquire panics on purpose");
    }
}

#[test]
fn panicking_lock_callback_fails_the_call_cleanly() {
    let sim = Sim::start(&[]);
    let d = sim.driver(PanickingLocks);
    let vol = create_volume(&d, &uuid());
    let e = d
        .attach_volume(&attach_request(&vol), &timeout(20))
        .unwrap_err();
    assert_eq!(e.status, Status::Unavailable, "{}", e);
    assert!(e.retryable, "{}", e);
    assert_eq!(d.callback_panics(), 1);
    // The driver keeps working.
    delete_volume(&d, &vol);
}

#[test]
fn lock_waits_are_bounded_by_the_deadline_and_cancellation() {
    let sim = Sim::start(&[]);
    let table = Arc::new(LockTable::new());
    let d = sim.driver(DefaultHost::new().lock_table(table.clone()));
    let id = uuid();
    let vol = create_volume(&d, &id);
    let name = format!("solidfire-attrs-{}", id);
    table.acquire(&name, None, None).unwrap(); // someone else holds the volume's lock

    let start = Instant::now();
    let opts = CallOptions::new().with_timeout(Duration::from_millis(400));
    let e = d.attach_volume(&attach_request(&vol), &opts).unwrap_err();
    assert_eq!(e.status, Status::Timeout, "{}", e);
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );

    let flag = Arc::new(AtomicBool::new(false));
    let setter = {
        let flag = flag.clone();
        thread::spawn(move || {
            thread::sleep(Duration::from_millis(200));
            flag.store(true, Ordering::SeqCst);
        })
    };
    let start = Instant::now();
    let e = d
        .attach_volume(&attach_request(&vol), &timeout(20).with_cancel(flag))
        .unwrap_err();
    setter.join().unwrap();
    assert_eq!(e.status, Status::Cancelled, "{}", e);
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );

    table.release(&name).unwrap();
    d.attach_volume(&attach_request(&vol), &timeout(20))
        .unwrap();
    assert!(table.held().is_empty(), "{:?}", table.held());
    delete_volume(&d, &vol);
}

/// (operation, done, total, message) of every progress report.
type Reports = Arc<Mutex<Vec<(String, u64, u64, String)>>>;

/// Records progress reports.
struct Progress(Reports);
impl Host for Progress {
    fn progress(&self, call: &CallInfo, done: u64, total: u64, message: &str) {
        self.0
            .lock()
            .unwrap()
            .push((call.operation().to_owned(), done, total, message.to_owned()));
    }
}

#[test]
fn clone_reports_progress() {
    let sim = Sim::start_with(&["--clone-delay-ms".to_string(), "700".to_string()]);
    let reports = Arc::new(Mutex::new(Vec::new()));
    let d = sim.driver(Progress(reports.clone()));
    let src = create_volume(&d, &uuid());
    let clone_id = uuid();
    let req = Value::object([
        ("volume", common::volume(&clone_id, 1)),
        ("src_vref", src.clone()),
    ]);
    let model = d
        .create_cloned_volume(&req, &timeout(30).with_context("project_id", "rust-tests"))
        .unwrap();
    assert!(
        model["provider_location"]
            .as_str()
            .unwrap()
            .contains(&clone_id),
        "{}",
        model
    );
    let reports = reports.lock().unwrap().clone();
    assert!(!reports.is_empty(), "no progress during a 700 ms clone");
    for (op, done, total, message) in &reports {
        assert_eq!(op, "create_cloned_volume");
        assert!(*total == 0 || done <= total, "{} / {}", done, total);
        assert!(!message.is_empty());
    }
    let mut clone = common::volume(&clone_id, 1);
    clone.insert("provider_id", model["provider_id"].clone());
    delete_volume(&d, &clone);
    delete_volume(&d, &src);
}

/// Records lock names through a shared handle, so the test can read them after the calls.
struct SharedLocks(Arc<Mutex<Vec<String>>>);
impl Host for SharedLocks {
    fn lock_acquire(
        &self,
        name: &str,
        timeout: Option<Duration>,
        call: Option<&CallInfo>,
    ) -> Result<(), Status> {
        self.0.lock().unwrap().push(format!("+{}", name));
        LockTable::global().acquire(name, timeout, call)
    }
    fn lock_release(&self, name: &str) -> Result<(), Status> {
        self.0.lock().unwrap().push(format!("-{}", name));
        LockTable::global().release(name)
    }
}

#[test]
fn lock_names_pair_up() {
    let sim = Sim::start(&[]);
    let events = Arc::new(Mutex::new(Vec::new()));
    let d = sim.driver(SharedLocks(events.clone()));
    let id = uuid();
    let vol = create_volume(&d, &id);
    d.attach_volume(&attach_request(&vol), &timeout(20))
        .unwrap();
    let name = format!("solidfire-attrs-{}", id);
    assert_eq!(
        *events.lock().unwrap(),
        vec![format!("+{}", name), format!("-{}", name)]
    );
    assert!(!LockTable::global().held().contains(&name));
    delete_volume(&d, &vol);
}

/// Tries to call the driver from inside a log callback (vdp.h forbids re-entry).
struct ReEntrant {
    driver: Mutex<Weak<Driver>>,
    refused: Mutex<Option<Status>>,
}
impl Host for ReEntrant {
    fn log(&self, _level: LogLevel, _message: &str, call: Option<&CallInfo>) {
        if call.is_none() {
            return;
        }
        let d = self.driver.lock().unwrap().upgrade();
        if let Some(d) = d {
            if let Err(e) = d.describe(&CallOptions::new()) {
                *self.refused.lock().unwrap() = Some(e.status);
            }
        }
    }
}

#[test]
fn callbacks_cannot_reenter_the_plugin() {
    let sim = Sim::start(&[]);
    let host = Arc::new(ReEntrant {
        driver: Mutex::new(Weak::new()),
        refused: Mutex::new(None),
    });
    struct Fwd(Arc<ReEntrant>);
    impl Host for Fwd {
        fn log(&self, level: LogLevel, message: &str, call: Option<&CallInfo>) {
            self.0.log(level, message, call)
        }
    }
    let d = Arc::new(
        common::plugin()
            .driver(
                sim.config_with(&[("vdp_log_level", "debug")]),
                Fwd(host.clone()),
            )
            .unwrap(),
    );
    *host.driver.lock().unwrap() = Arc::downgrade(&d);
    d.setup(&timeout(20)).unwrap();
    let vol = create_volume(&d, &uuid());
    delete_volume(&d, &vol);
    assert_eq!(
        *host.refused.lock().unwrap(),
        Some(Status::FailedPrecondition)
    );
    *host.driver.lock().unwrap() = Weak::new();
}

#[test]
fn passwords_never_reach_logs_or_errors() {
    const PASSWORD: &str = "Rust-Secret-7f3a9c";
    const WRONG: &str = "Wrong-Secret-51d2e8";
    let sim = Sim::start_with(&["--password".to_string(), PASSWORD.to_string()]);
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let host = {
        let lines = lines.clone();
        DefaultHost::new()
            .with_logger(move |level, msg| lines.lock().unwrap().push(format!("{} {}", level, msg)))
    };
    let p = common::plugin();
    let d = p
        .driver(
            sim.config_with(&[("san_password", PASSWORD), ("vdp_log_level", "trace")]),
            host,
        )
        .unwrap();
    let mut errors = Vec::new();
    d.setup(&timeout(20)).unwrap();
    let vol = create_volume(&d, &uuid());
    errors.push(
        d.create_volume(
            &common::volume_request(common::volume(&uuid(), 0)),
            &timeout(20),
        )
        .unwrap_err(),
    );
    delete_volume(&d, &vol);
    drop(d);

    let host = {
        let lines = lines.clone();
        DefaultHost::new()
            .with_logger(move |level, msg| lines.lock().unwrap().push(format!("{} {}", level, msg)))
    };
    let bad = p
        .driver(
            sim.config_with(&[("san_password", WRONG), ("vdp_log_level", "trace")]),
            host,
        )
        .unwrap();
    let e = bad.setup(&timeout(20)).unwrap_err();
    assert_eq!(e.status, Status::Auth, "{}", e);
    errors.push(e);
    drop(bad);

    let lines = lines.lock().unwrap();
    assert!(lines.len() > 5, "too few log lines captured: {:?}", *lines);
    assert!(
        lines.iter().any(|l| l.contains("[req-")),
        "no line carries a request id: {:?}",
        *lines
    );
    for l in lines.iter() {
        assert!(
            !l.contains(PASSWORD) && !l.contains(WRONG),
            "secret in log line: {}",
            l
        );
    }
    for e in &errors {
        let text = format!("{} {:?} {}", e, e, e.to_json());
        assert!(
            !text.contains(PASSWORD) && !text.contains(WRONG),
            "secret in error: {}",
            text
        );
    }
}
