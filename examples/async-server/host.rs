//! The async-server example: an HTTP service on tokio and axum whose requests are answered by
//! a plugin, whose host functions await a key-value store with a simulated latency.
//!
//! Run it with `cargo run --example async-server`, then, in another terminal:
//!
//! ```text
//! curl -X PUT localhost:3000/kv/greeting -d 'Hello Nic'
//! curl localhost:3000/kv/greeting
//! ```
//!
//! Options: `--addr 127.0.0.1:PORT` (default 127.0.0.1:3000; port 0 picks a free one),
//! `--plugin PATH` (default: the committed Rust handler), `--latency-ms N` (the store's
//! simulated latency, default 2), `--instances reuse|fresh` (instances kept by an `AsyncPool`, the
//! default, or a new instance per request; `server.rs` says why). It prints `listening on http://ADDR` once it
//! listens; Ctrl-C stops it.

#[path = "server.rs"]
mod server;

use server::{Instances, Options};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

const USAGE: &str = "usage: async-server [--addr 127.0.0.1:3000] [--plugin PATH] \
                     [--latency-ms 2] [--instances reuse|fresh]";

fn main() {
    let (addr, options) = match parse(std::env::args().skip(1)) {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("error: {message}\n{USAGE}");
            std::process::exit(2);
        }
    };
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    if let Err(error) = runtime.block_on(run(addr, options)) {
        eprintln!("error: {error}");
        std::process::exit(1);
    }
}

async fn run(addr: SocketAddr, options: Options) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    println!("listening on http://{local}");
    let shutdown = async {
        // Without a Ctrl-C handler (it cannot be installed) the server runs until killed.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
        println!("stopping");
    };
    server::serve(listener, options, shutdown).await
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<(SocketAddr, Options), String> {
    let mut addr = SocketAddr::from(([127, 0, 0, 1], 3000));
    let mut options = Options {
        plugin: server::default_plugin(),
        latency: Duration::from_millis(2),
        instances: Instances::Reuse,
    };
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--addr" => {
                let v = value()?;
                addr = v.parse().map_err(|e| format!("--addr {v}: {e}"))?;
            }
            "--plugin" => options.plugin = PathBuf::from(value()?),
            "--latency-ms" => {
                let v = value()?;
                let ms = v.parse().map_err(|e| format!("--latency-ms {v}: {e}"))?;
                options.latency = Duration::from_millis(ms);
            }
            "--instances" => {
                options.instances = match value()?.as_str() {
                    "fresh" => Instances::Fresh,
                    "reuse" => Instances::Reuse,
                    other => return Err(format!("--instances {other}: use fresh or reuse")),
                }
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok((addr, options))
}
