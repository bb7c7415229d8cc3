//! volume-lifecycle: one volume's life through the vdp Rust binding: create it with QoS, snapshot it,
//! meet one expected error, delete everything.
//! usage: cargo run -- <vdp_solidfire.so> <cluster url, e.g. what element-sim --no-tls prints>
use std::time::Duration;
use vdp::json::Value;
use vdp::{CallOptions, DefaultHost, Plugin, Status};

// A host takes these from its own database; fixed here so that every run prints the same.
const VOLUME_ID: &str = "6b1f6c3e-8a59-4f47-a0a4-2f4bd1a6f0c1";
const SNAPSHOT_ID: &str = "9d0c8b7a-1111-4a2b-8c3d-4e5f6a7b8c9d";
const GOLD: &str = r#"{"id": "gold", "name": "gold",
    "extra_specs": {"qos:minIOPS": "1000", "qos:maxIOPS": "5000", "qos:burstIOPS": "8000"}}"#;

fn run(plugin_path: &str, cluster_url: &str) -> Result<(), Box<dyn std::error::Error>> {
    let (scheme, address) = cluster_url
        .split_once("://")
        .ok_or("the url lacks a scheme")?;
    let (host, port) = address
        .trim_end_matches('/')
        .rsplit_once(':')
        .ok_or("the url lacks a port")?;
    let plugin = Plugin::open(plugin_path)?;
    println!("plugin {}, ABI {}", plugin.name(), plugin.abi_version());
    // san_password: element-sim's default; a real host reads it from its secret store.
    let config = [
        ("san_ip", host),
        ("sf_api_port", port),
        ("sf_api_scheme", scheme),
        ("san_login", "admin"),
        ("san_password", "admin"),
    ];
    let driver = plugin.driver(config, DefaultHost::new())?; // destroyed when dropped
    let opts = CallOptions::new().with_timeout(Duration::from_secs(60)); // one deadline for all
    driver.setup(&opts)?;
    println!("setup: cluster reached");

    let mut volume = Value::object([("id", VOLUME_ID), ("project_id", "example")]);
    volume.insert("size", 2);
    volume.insert("volume_type", Value::parse(GOLD)?);
    let model = driver.create_volume(&Value::object([("volume", volume.clone())]), &opts)?;
    volume.insert("provider_id", model["provider_id"].clone());
    let id = model["provider_id"].as_str().unwrap_or_default();
    println!("created volume {VOLUME_ID} (2 GiB, QoS 1000/5000/8000 IOPS): {id}");

    let mut snapshot = Value::object([("id", SNAPSHOT_ID), ("volume_id", VOLUME_ID)]);
    snapshot.insert("project_id", "example");
    snapshot.insert("volume", volume.clone());
    let model = driver.create_snapshot(&Value::object([("snapshot", snapshot.clone())]), &opts)?;
    snapshot.insert("provider_id", model["provider_id"].clone());
    let id = model["provider_id"].as_str().unwrap_or_default();
    println!("created snapshot {SNAPSHOT_ID}: {id}");

    // Volumes only grow: the plugin refuses this before anything reaches the cluster.
    let mut shrink = Value::object([("volume", volume.clone())]);
    shrink.insert("new_size", 1);
    match driver.extend_volume(&shrink, &opts) {
        Err(e) if e.status == Status::InvalidArgument => {
            let field = e.field.unwrap_or_default();
            println!(
                "extend_volume to 1 GiB refused as expected: {}, field {field}",
                e.status
            );
        }
        other => return Err(format!("extend_volume to a smaller size gave {other:?}").into()),
    }

    driver.delete_snapshot(&Value::object([("snapshot", snapshot)]), &opts)?;
    println!("deleted snapshot {SNAPSHOT_ID}");
    driver.delete_volume(&Value::object([("volume", volume)]), &opts)?;
    println!("deleted volume {VOLUME_ID}");
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: volume-lifecycle <vdp_solidfire.so> <cluster url>");
        std::process::exit(2);
    }
    if let Err(e) = run(&args[1], &args[2]) {
        eprintln!("failed: {e}"); // a vdp::Error tells status, message and field
        std::process::exit(1);
    }
}
