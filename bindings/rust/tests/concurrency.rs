//! One Driver shared by threads (Arc<Driver>): vdp.h lets operations on one driver run concurrently.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;

use common::{create_volume, delete_volume, uuid, Sim};
use vdp::{DefaultHost, Driver};

fn assert_send_sync<T: Send + Sync>() {}

#[test]
fn eight_threads_share_one_driver() {
    assert_send_sync::<Driver>();
    assert_send_sync::<vdp::Plugin>();
    let sim = Sim::start(&[]);
    let driver = Arc::new(sim.driver(DefaultHost::new()));
    let done = Arc::new(AtomicUsize::new(0));
    const THREADS: usize = 8;
    const VOLUMES: usize = 3;
    let workers: Vec<_> = (0..THREADS)
        .map(|t| {
            let d = driver.clone();
            let done = done.clone();
            thread::spawn(move || {
                let mut ids = Vec::new();
                for _ in 0..VOLUMES {
                    let id = uuid();
                    let vol = create_volume(&d, &id);
                    assert!(
                        vol["provider_id"].as_str().is_some(),
                        "thread {}: {}",
                        t,
                        vol
                    );
                    ids.push(vol);
                }
                for vol in &ids {
                    delete_volume(&d, vol);
                    done.fetch_add(1, Ordering::SeqCst);
                }
                ids.into_iter()
                    .map(|v| v["provider_id"].as_str().unwrap().to_owned())
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut provider_ids: Vec<String> = Vec::new();
    for w in workers {
        provider_ids.extend(w.join().expect("worker panicked"));
    }
    assert_eq!(done.load(Ordering::SeqCst), THREADS * VOLUMES);
    // Every volume got its own Element volume id.
    let mut element_ids: Vec<String> = provider_ids
        .iter()
        .map(|p| p.split(' ').next().unwrap().to_owned())
        .collect();
    element_ids.sort();
    element_ids.dedup();
    assert_eq!(element_ids.len(), THREADS * VOLUMES);

    // Dropped on another thread than the one that made it (Send), after every call returned.
    let d = Arc::try_unwrap(driver).expect("no other reference left");
    let stats = d.get_volume_stats(true, &common::timeout(20)).unwrap();
    assert!(
        stats
            .get("total_capacity_gb")
            .map_or(false, |v| !v.is_null()),
        "{}",
        stats
    );
    thread::spawn(move || drop(d)).join().unwrap();
}
