//! The hot-reload example: a host that serves Greeter calls in a loop from a pool, and
//! switches to a new build of its plugin whenever the plugin's file changes, without
//! stopping and without failing a call.
//!
//! ```sh
//! cargo run --example hot-reload
//! # in another terminal, while it runs: a new build of the plugin
//! cp examples/greeter/plugins/greeter-rust.wasm target/hot-reload/greeter.wasm
//! ```
//!
//! The watched file is `target/hot-reload/greeter.wasm` (or the first argument); the
//! example starts it from the C build of the Greeter plugin if it does not exist. Each line
//! says which version answered: its number and the digest of its bytes. A file
//! that is not a valid Greeter plugin is refused, and the current version serves on.
//! `--calls N` stops after N calls (default: run until interrupted).

use greeter_contract::{Greeter, GreeterHost};
use std::path::{Path, PathBuf};
use std::time::Duration;
use wasp_host::{Engine, Pooled};

/// The host functions this application offers its Greeter plugins.
struct Host;

impl GreeterHost for Host {
    fn call_me(&mut self, name: String) -> String {
        format!("Hello {name}")
    }
}

fn main() {
    // Reloads (INFO) and refusals (WARN) are `tracing` events: print them.
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_target(true)
        .init();
    let mut path = PathBuf::from("target/hot-reload/greeter.wasm");
    let mut calls = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--calls" => calls = args.next().and_then(|n| n.parse::<u64>().ok()),
            _ => path = PathBuf::from(arg),
        }
    }
    if let Err(error) = run(&path, calls) {
        eprintln!("error: {error}");
        std::process::exit(1);
    }
}

fn run(path: &Path, calls: Option<u64>) -> Result<(), Box<dyn std::error::Error>> {
    if !path.exists() {
        let first = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../examples/greeter/plugins/greeter-c.wasm"
        );
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::copy(first, path)?;
    }
    let engine = Engine::new()?;
    let greeter = engine.load_reloadable::<dyn Greeter>(path)?;
    let pool = greeter.pool(|| Host).max_instances(2).build()?;
    // Reloads on every change of the file, until `_watcher` is dropped.
    let _watcher = greeter.watch()?;
    println!(
        "serving {}; copy another build over it to reload",
        path.display()
    );

    let mut served = 0;
    while calls.is_none_or(|n| served < n) {
        let mut instance = pool.get()?;
        let answer = instance.hello("Nic".into())?;
        let version = Pooled::version(&instance);
        println!(
            "version {} (digest {}): hello(\"Nic\") = {answer:?}",
            version.number(),
            version
                .digest()
                .map_or_else(|| "-".to_string(), |d| format!("{d:016x}")),
        );
        drop(instance);
        served += 1;
        std::thread::sleep(Duration::from_millis(500));
    }
    Ok(())
}
