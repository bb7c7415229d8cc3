//! Deadlines and cancellation through the call's vdp_context (context_remaining_ms, context_cancelled).

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use common::{uuid, volume, volume_request, Sim};
use vdp::{CallOptions, DefaultHost, Status};

/// Every ListVolumes (create_volume's lookup) answers after 3 s; without a deadline or a cancellation
/// create_volume then succeeds after 3 s, so TIMEOUT / CANCELLED well before that is the proof.
const SLOW_LIST: &str = "ListVolumes:latency=3000";

#[test]
fn deadline_expires() {
    let sim = Sim::start(&[SLOW_LIST]);
    let d = sim.driver(DefaultHost::new());
    let start = Instant::now();
    let opts = CallOptions::new()
        .with_timeout(Duration::from_millis(500))
        .with_request_id("rust-deadline");
    let e = d
        .create_volume(&volume_request(volume(&uuid(), 1)), &opts)
        .unwrap_err();
    let took = start.elapsed();
    assert_eq!(e.status, Status::Timeout, "{}", e);
    assert_eq!(e.request_id.as_deref(), Some("rust-deadline"));
    assert!(e.retryable, "{}", e);
    assert!(
        took >= Duration::from_millis(400),
        "gave up after {:?}",
        took
    );
    assert!(
        took < Duration::from_millis(2900),
        "took {:?}: the 500 ms deadline was not applied",
        took
    );

    // A deadline already past fails at once.
    let start = Instant::now();
    let past = CallOptions::new().with_deadline(Instant::now() - Duration::from_millis(10));
    let e = d
        .create_volume(&volume_request(volume(&uuid(), 1)), &past)
        .unwrap_err();
    assert_eq!(e.status, Status::Timeout, "{}", e);
    assert!(!e.outcome_unknown, "nothing was sent: {}", e);
    assert!(start.elapsed() < Duration::from_secs(1));
}

#[test]
fn cancel_from_another_thread() {
    let sim = Sim::start(&[SLOW_LIST]);
    let d = sim.driver(DefaultHost::new());
    let flag = Arc::new(AtomicBool::new(false));
    let setter = {
        let flag = flag.clone();
        thread::spawn(move || {
            thread::sleep(Duration::from_millis(300));
            flag.store(true, Ordering::SeqCst);
        })
    };
    let start = Instant::now();
    let opts = CallOptions::new()
        .with_timeout(Duration::from_secs(20))
        .with_cancel(flag.clone());
    let e = d
        .create_volume(&volume_request(volume(&uuid(), 1)), &opts)
        .unwrap_err();
    let took = start.elapsed();
    setter.join().unwrap();
    assert_eq!(e.status, Status::Cancelled, "{}", e);
    assert!(
        took >= Duration::from_millis(250),
        "stopped after {:?}",
        took
    );
    assert!(
        took < Duration::from_millis(2900),
        "took {:?}: cancellation was not seen",
        took
    );

    // A flag set before the call stops it before anything changes.
    let e = d
        .create_volume(&volume_request(volume(&uuid(), 1)), &opts)
        .unwrap_err();
    assert_eq!(e.status, Status::Cancelled, "{}", e);
    assert!(!e.outcome_unknown, "{}", e);
}
