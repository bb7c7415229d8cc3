//! Plugin loading, the driver lifecycle, operations and their errors against element-sim.

mod common;

use common::{create_volume, delete_volume, timeout, uuid, volume, volume_request, Sim};
use vdp::json::Value;
use vdp::{CallOptions, DefaultHost, Plugin, Status};

#[test]
fn plugin_descriptor() {
    let p = common::plugin();
    assert_eq!(p.name(), "solidfire");
    assert!(!p.vendor().is_empty());
    assert!(!p.driver_version().is_empty());
    assert_eq!(p.abi_version().major, vdp::ABI_VERSION.major);
    assert_eq!(p.schema_version().major, vdp::SCHEMA_VERSION.major);
    let ops = p.operations();
    assert_eq!(ops[0], "setup");
    for op in [
        "create_volume",
        "delete_volume",
        "describe",
        "get_volume_stats",
    ] {
        assert!(
            ops.contains(&op) && p.has_operation(op),
            "{} missing from {:?}",
            op,
            ops
        );
    }
    assert!(!p.has_operation("no_such_operation"));
    assert_eq!(vdp::OPERATIONS.len(), 42);
    // Opening twice is fine (the library stays loaded).
    assert_eq!(common::plugin().name(), "solidfire");
}

#[test]
fn open_failures() {
    let e = Plugin::open("/nonexistent/vdp_plugin.so").unwrap_err();
    assert_eq!(e.status, Status::InvalidArgument);
    assert_eq!(e.field.as_deref(), Some("path"));
    assert_eq!(e.operation.as_deref(), Some("open"));
    assert!(e.message.contains("/nonexistent/vdp_plugin.so"), "{}", e);

    let e = Plugin::open("libm.so.6").unwrap_err();
    assert_eq!(e.status, Status::InvalidArgument);
    assert!(e.message.contains("not a vdp plugin"), "{}", e);
}

#[test]
fn create_and_delete_volume() {
    let sim = Sim::start(&[]);
    let d = sim.driver(DefaultHost::new());

    let info = d.describe(&CallOptions::new()).unwrap();
    assert_eq!(info["name"].as_str(), Some("solidfire"));
    assert_eq!(
        info["driver_version"].as_str(),
        Some(d.plugin().driver_version())
    );

    let id = uuid();
    let vol = create_volume(&d, &id);
    let provider_id = vol["provider_id"].as_str().expect("provider_id").to_owned();
    assert_eq!(provider_id.split(' ').count(), 3, "{}", provider_id);
    assert!(vol["provider_location"].as_str().unwrap().contains(&id));
    assert!(vol["provider_auth"].as_str().unwrap().starts_with("CHAP "));

    // Idempotent: the same request answers the same volume.
    let again = d
        .create_volume(&volume_request(volume(&id, 1)), &timeout(20))
        .unwrap();
    assert_eq!(again["provider_id"].as_str(), Some(provider_id.as_str()));

    let stats = d.get_volume_stats(true, &timeout(20)).unwrap();
    assert_eq!(stats["volume_backend_name"].as_str(), Some("rust"));
    assert_eq!(stats["storage_protocol"].as_str(), Some("iSCSI"));

    let mut grown = vol.clone();
    grown.remove("size");
    let req = Value::object([("volume", grown), ("new_size", Value::from(2))]);
    assert_eq!(
        d.extend_volume(&req, &timeout(20)).unwrap(),
        Value::empty_object()
    );

    let snap_id = uuid();
    let snapshot = Value::object([
        ("id", Value::from(snap_id.as_str())),
        ("volume_id", Value::from(id.as_str())),
        ("project_id", Value::from("rust-tests")),
        ("volume", vol.clone()),
    ]);
    let snap = d
        .create_snapshot(
            &Value::object([("snapshot", snapshot.clone())]),
            &timeout(20),
        )
        .unwrap();
    let mut snapshot = snapshot;
    snapshot.insert("provider_id", snap["provider_id"].clone());
    d.delete_snapshot(&Value::object([("snapshot", snapshot)]), &timeout(20))
        .unwrap();

    let connector = Value::object([
        ("initiator", Value::from("iqn.1993-08.org.debian:01:rust")),
        ("host", Value::from("rust-host")),
        ("ip", Value::from("10.0.0.9")),
        ("multipath", Value::from(false)),
    ]);
    let conn = d
        .initialize_connection(
            &Value::object([("volume", vol.clone()), ("connector", connector)]),
            &timeout(20),
        )
        .unwrap();
    assert_eq!(conn["driver_volume_type"].as_str(), Some("iscsi"));
    assert_eq!(conn["data"]["volume_id"].as_str(), Some(id.as_str()));

    delete_volume(&d, &vol);
    // Gone is success.
    delete_volume(&d, &vol);
}

#[test]
fn invalid_argument_names_the_field() {
    let sim = Sim::start(&[]);
    let d = sim.driver(DefaultHost::new());
    let opts = CallOptions::new().with_request_id("rust-req-size0");
    let e = d
        .create_volume(&volume_request(volume(&uuid(), 0)), &opts)
        .unwrap_err();
    assert_eq!(e.status, Status::InvalidArgument);
    assert_eq!(e.code, 1);
    assert_eq!(e.field.as_deref(), Some("volume.size"));
    assert_eq!(e.operation.as_deref(), Some("create_volume"));
    assert_eq!(e.request_id.as_deref(), Some("rust-req-size0"));
    assert!(!e.retryable);
    assert!(!e.outcome_unknown);
    assert!(!e.message.is_empty());
    let shown = e.to_string();
    assert!(
        shown.starts_with("create_volume: INVALID_ARGUMENT [volume.size]"),
        "{}",
        shown
    );
    let as_std: Box<dyn std::error::Error> = Box::new(e);
    assert!(as_std.to_string().contains("volume.size"));

    // Malformed JSON text and a wrong type.
    let e = d
        .call("create_volume", "{\"volume\": {", &CallOptions::new())
        .unwrap_err();
    assert_eq!(
        (e.status, e.field.as_deref()),
        (Status::InvalidArgument, Some("request"))
    );
    let e = d
        .call(
            "create_volume",
            r#"{"volume":{"id":"x","size":"big"}}"#,
            &CallOptions::new(),
        )
        .unwrap_err();
    assert_eq!(
        (e.status, e.field.as_deref()),
        (Status::InvalidArgument, Some("volume.size"))
    );
    // A NUL in the request id never reaches the plugin.
    let e = d
        .describe(&CallOptions::new().with_request_id("a\0b"))
        .unwrap_err();
    assert_eq!(
        (e.status, e.field.as_deref()),
        (Status::InvalidArgument, Some("request_id"))
    );
}

#[test]
fn not_supported_and_unknown_operations() {
    let sim = Sim::start(&[]);
    let d = sim.driver(DefaultHost::new());
    let req = Value::object([
        ("volume", volume(&uuid(), 1)),
        ("image_location", Value::Null),
    ]);
    let e = d.clone_image(&req, &CallOptions::new()).unwrap_err();
    assert_eq!(e.status, Status::NotSupported);
    assert_eq!(e.operation.as_deref(), Some("clone_image"));

    let e = d
        .call("no_such_operation", "{}", &CallOptions::new())
        .unwrap_err();
    assert_eq!(e.status, Status::NotSupported);
}

#[test]
fn unavailable_before_setup() {
    let sim = Sim::start(&[]);
    let d = common::plugin()
        .driver(sim.config(), DefaultHost::new())
        .unwrap();
    let e = d
        .create_volume(&volume_request(volume(&uuid(), 1)), &CallOptions::new())
        .unwrap_err();
    assert_eq!(e.status, Status::Unavailable);
    assert!(d.describe(&CallOptions::new()).is_ok());
    d.setup(&timeout(20)).unwrap();
    let vol = create_volume(&d, &uuid());
    delete_volume(&d, &vol);
}

#[test]
fn configuration_errors() {
    let sim = Sim::start(&[]);
    let p = common::plugin();
    let e = p
        .driver(
            sim.config_with(&[("vdp_log_level", "loud")]),
            DefaultHost::new(),
        )
        .unwrap_err();
    assert_eq!(e.status, Status::Config);
    assert_eq!(e.field.as_deref(), Some("vdp_log_level"));
    assert_eq!(e.operation.as_deref(), Some("create"));

    let e = p
        .driver(
            sim.config_with(&[("san_login", "ad\0min")]),
            DefaultHost::new(),
        )
        .unwrap_err();
    assert_eq!(
        (e.status, e.field.as_deref()),
        (Status::Config, Some("san_login"))
    );

    // A long value goes through the getter's BUFFER_TOO_SMALL round.
    let long = format!("rust-{}", "b".repeat(1000));
    let d = p
        .driver(
            sim.config_with(&[("volume_backend_name", long.as_str())]),
            DefaultHost::new(),
        )
        .unwrap();
    d.setup(&timeout(20)).unwrap();
    let stats = d.get_volume_stats(true, &timeout(20)).unwrap();
    assert_eq!(stats["volume_backend_name"].as_str(), Some(long.as_str()));
}

#[test]
fn wrong_password_is_auth() {
    let sim = Sim::start(&[]);
    let d = common::plugin()
        .driver(
            sim.config_with(&[("san_password", "not-the-password")]),
            DefaultHost::new(),
        )
        .unwrap();
    let e = d.setup(&timeout(20)).unwrap_err();
    assert_eq!(e.status, Status::Auth, "{}", e);
    assert!(!e.to_string().contains("not-the-password"));
}
