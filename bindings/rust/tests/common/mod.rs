//! Shared helpers of the integration tests: the element-sim child (a guard that kills it on drop, also
//! when a test panics), the plugin and simulator paths from VDP_PLUGIN / VDP_ELEMENT_SIM, configuration
//! and request builders.
#![allow(dead_code)] // each test binary uses its own subset

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::io::{BufRead, BufReader};
use std::os::raw::{c_int, c_ulong};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use vdp::json::Value;
use vdp::{CallOptions, Driver, Host, Plugin};

extern "C" {
    fn prctl(option: c_int, ...) -> c_int;
}
const PR_SET_PDEATHSIG: c_int = 1;
const SIGKILL: c_int = 9;

/// The value of environment variable `name`; panics naming it when unset.
pub fn env_path(name: &str, what: &str) -> String {
    match std::env::var(name) {
        Ok(v) if !v.is_empty() => v,
        _ => panic!(
            "{} is not set: point it at {} (e.g. {}=build/dev/...; CTest sets it for the bindings_rust test)",
            name, what, name
        ),
    }
}

pub fn plugin_path() -> String {
    env_path("VDP_PLUGIN", "the plugin shared object, vdp_solidfire.so")
}

pub fn sim_path() -> String {
    env_path("VDP_ELEMENT_SIM", "the element-sim executable")
}

pub fn plugin() -> Plugin {
    let path = plugin_path();
    Plugin::open(&path).unwrap_or_else(|e| panic!("open {}: {}", path, e))
}

/// A running element-sim child on loopback; killed (and reaped) when dropped.
pub struct Sim {
    child: Child,
    pub port: u16,
}

impl Sim {
    /// `element-sim --port 0 --no-tls --seed 1 --log-level off` plus `--fault SPEC` for each fault.
    pub fn start(faults: &[&str]) -> Sim {
        let mut args: Vec<String> = Vec::new();
        for f in faults {
            args.push("--fault".into());
            args.push((*f).into());
        }
        Sim::start_with(&args)
    }

    /// The same with more arguments (e.g. `--password X`).
    pub fn start_with(extra: &[String]) -> Sim {
        let path = sim_path();
        let mut cmd = Command::new(&path);
        cmd.args([
            "--port",
            "0",
            "--no-tls",
            "--seed",
            "1",
            "--log-level",
            "off",
        ])
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
        // SAFETY: prctl is async-signal-safe. The child also dies if this test thread dies without Drop.
        unsafe {
            cmd.pre_exec(|| {
                prctl(PR_SET_PDEATHSIG, SIGKILL as c_ulong);
                Ok(())
            });
        }
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {}", path, e));
        let stdout = child.stdout.take().expect("stdout pipe");
        let (tx, rx) = mpsc::channel::<u16>();
        std::thread::spawn(move || {
            // Keep reading to the end so the child never blocks on a full pipe.
            for line in BufReader::new(stdout).lines() {
                let line = match line {
                    Ok(l) => l,
                    Err(_) => break,
                };
                if !line.starts_with("element-sim listening") {
                    continue;
                }
                let port = line
                    .split_whitespace()
                    .find_map(|w| w.strip_prefix("url="))
                    .and_then(|url| url.rsplit(':').next())
                    .and_then(|p| p.parse::<u16>().ok());
                if let Some(p) = port {
                    let _ = tx.send(p);
                }
            }
        });
        let mut sim = Sim { child, port: 0 };
        match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(port) => sim.port = port,
            Err(e) => panic!("element-sim did not print its url: {:?}", e), // drop kills the child
        }
        sim
    }

    /// Configuration for this simulator (plain HTTP, admin/admin).
    pub fn config(&self) -> Vec<(String, String)> {
        self.config_with(&[])
    }

    /// The same with options added or replaced.
    pub fn config_with(&self, extra: &[(&str, &str)]) -> Vec<(String, String)> {
        let port = self.port.to_string();
        let mut cfg: Vec<(String, String)> = [
            ("san_ip", "127.0.0.1"),
            ("sf_api_port", port.as_str()),
            ("san_login", "admin"),
            ("san_password", "admin"),
            ("sf_api_scheme", "http"),
            ("volume_backend_name", "rust"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        for (k, v) in extra {
            cfg.retain(|(key, _)| key != k);
            cfg.push((k.to_string(), v.to_string()));
        }
        cfg
    }

    /// A driver for this simulator, set up.
    pub fn driver(&self, host: impl Host + 'static) -> Driver {
        let d = plugin().driver(self.config(), host).expect("create");
        d.setup(&timeout(20)).expect("setup");
        d
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn timeout(secs: u64) -> CallOptions {
    CallOptions::new().with_timeout(Duration::from_secs(secs))
}

/// A random version-4 UUID.
pub fn uuid() -> String {
    let mut words = [0u64; 2];
    for (i, w) in words.iter_mut().enumerate() {
        let mut h = RandomState::new().build_hasher();
        h.write_usize(i);
        *w = h.finish();
    }
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&words[0].to_le_bytes());
    b[8..].copy_from_slice(&words[1].to_le_bytes());
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: Vec<String> = b.iter().map(|x| format!("{:02x}", x)).collect();
    format!(
        "{}-{}-{}-{}-{}",
        h[..4].concat(),
        h[4..6].concat(),
        h[6..8].concat(),
        h[8..10].concat(),
        h[10..].concat()
    )
}

/// `{"id": id, "size": size, "project_id": "rust-tests"}`.
pub fn volume(id: &str, size: i64) -> Value {
    Value::object([
        ("id", Value::from(id)),
        ("size", Value::from(size)),
        ("project_id", Value::from("rust-tests")),
    ])
}

/// `{"volume": volume}`.
pub fn volume_request(volume: Value) -> Value {
    Value::object([("volume", volume)])
}

/// Creates a 1 GiB volume; returns its volume object with the model update merged in.
pub fn create_volume(d: &Driver, id: &str) -> Value {
    let mut vol = volume(id, 1);
    let model = d
        .create_volume(&volume_request(vol.clone()), &timeout(20))
        .expect("create_volume");
    for (k, v) in model.as_object().expect("model update object") {
        vol.insert(k.clone(), v.clone());
    }
    vol
}

pub fn delete_volume(d: &Driver, vol: &Value) {
    d.delete_volume(&volume_request(vol.clone()), &timeout(20))
        .expect("delete_volume");
}
