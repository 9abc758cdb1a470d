//! Throughput of the async-server example under concurrent loopback load: requests per second
//! and p50/p99 latency of `GET /kv/KEY` (one store read with a simulated 2 ms latency), from 1
//! and from 64 keep-alive connections, with a fresh instance per request and with reused
//! instances, beside the same route answered by native Rust without a plugin (the control).
//!
//! ```text
//! RUST_LIB_BACKTRACE=0 cargo bench -p wasp-host --bench async_server
//! RUST_LIB_BACKTRACE=0 cargo bench -p wasp-host --bench async_server -- --quick
//! ```
//!
//! Server and clients run in this process on one 2-worker tokio runtime, so they share the
//! machine's cores: the figures are those of a whole loopback system, compared within a run.
//! `--quick` runs short windows (CI checks that the bench runs, not what it prints).

#[path = "../../examples/async-server/server.rs"]
mod server;

#[path = "../../examples/async-server/client.rs"]
mod client;

use axum::Router;
use axum::extract::State;
use axum::http::{Method, StatusCode, Uri};
use client::Connection;
use server::{Instances, Options, Store};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::TcpListener;

/// The store's simulated latency.
const LATENCY: Duration = Duration::from_millis(2);

const KEY_PATH: &str = "/kv/bench";
const VALUE: &str = "Hello Nic";

#[derive(Clone, Copy)]
enum Backend {
    Plugin(Instances),
    Native,
}

impl Backend {
    fn name(self) -> &'static str {
        match self {
            Backend::Plugin(Instances::Fresh) => "plugin, fresh instance per request",
            Backend::Plugin(Instances::Reuse) => "plugin, reused instances",
            Backend::Native => "native Rust, no plugin (control)",
        }
    }
}

struct Plan {
    warmup: Duration,
    window: Duration,
}

struct Figures {
    requests: usize,
    errors: usize,
    elapsed: Duration,
    /// Sorted.
    latencies: Vec<Duration>,
}

impl Figures {
    fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }

    fn percentile(&self, p: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let i = ((self.latencies.len() - 1) as f64 * p).round() as usize;
        self.latencies[i]
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // `cargo test --benches` runs this without `--bench`: check that it runs, quickly.
    let quick = args.iter().any(|a| a == "--quick") || !args.iter().any(|a| a == "--bench");
    let plan = if quick {
        Plan {
            warmup: Duration::from_millis(50),
            window: Duration::from_millis(300),
        }
    } else {
        Plan {
            warmup: Duration::from_millis(500),
            window: Duration::from_secs(5),
        }
    };
    if std::env::var("RUST_LIB_BACKTRACE").as_deref() != Ok("0") {
        eprintln!("note: run with RUST_LIB_BACKTRACE=0, as the calls bench says");
    }
    println!(
        "async-server bench ({}; {} cores seen; store latency {:?}; {:?} per figure)",
        if quick { "quick" } else { "full" },
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        LATENCY,
        plan.window,
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    println!(
        "| GET {KEY_PATH} | connections | requests/s | p50 | p99 | errors |\n|---|---|---|---|---|---|"
    );
    let backends = [
        Backend::Plugin(Instances::Fresh),
        Backend::Plugin(Instances::Reuse),
        Backend::Native,
    ];
    for connections in [1, 64] {
        for backend in backends {
            let figures = runtime.block_on(measure(backend, connections, &plan));
            println!(
                "| {} | {connections} | {:.0} | {:.2} ms | {:.2} ms | {} |",
                backend.name(),
                figures.per_second(),
                ms(figures.percentile(0.50)),
                ms(figures.percentile(0.99)),
                figures.errors,
            );
            assert_eq!(figures.errors, 0, "{}: failed requests", backend.name());
        }
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Serves `backend` on a free loopback port and loads it from `connections` keep-alive
/// connections: a warm-up, then one measured window.
async fn measure(backend: Backend, connections: usize, plan: &Plan) -> Figures {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("the bound address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let shutdown = async {
        let _ = stopped.await;
    };
    let serving = match backend {
        Backend::Plugin(instances) => {
            let options = Options {
                plugin: server::default_plugin(),
                latency: LATENCY,
                instances,
            };
            tokio::spawn(server::serve(listener, options, shutdown))
        }
        Backend::Native => {
            let router = Router::new()
                .fallback(native)
                .with_state(Arc::new(Store::new(LATENCY)));
            tokio::spawn(async move {
                axum::serve(listener, router)
                    .with_graceful_shutdown(shutdown)
                    .await
                    .map_err(|e| e.to_string())
            })
        }
    };
    let mut setup = Connection::open(addr).await.expect("connect");
    let (status, _) = setup.send("PUT", KEY_PATH, VALUE).await.expect("put");
    assert_eq!(status, 200);
    drop(setup);

    let start = Instant::now();
    let measured_from = start + plan.warmup;
    let end = measured_from + plan.window;
    let clients: Vec<_> = (0..connections)
        .map(|_| tokio::spawn(load(addr, measured_from, end)))
        .collect();
    let mut figures = Figures {
        requests: 0,
        errors: 0,
        elapsed: plan.window,
        latencies: Vec::new(),
    };
    for client in clients {
        let (latencies, errors) = client.await.expect("a client task");
        figures.requests += latencies.len();
        figures.errors += errors;
        figures.latencies.extend(latencies);
    }
    figures.latencies.sort_unstable();
    let _ = stop.send(());
    serving
        .await
        .expect("the server task")
        .expect("the server ends cleanly");
    figures
}

/// One connection sending requests back to back until `end`; the latencies of those sent
/// after `from`, and how many of those failed.
async fn load(addr: SocketAddr, from: Instant, end: Instant) -> (Vec<Duration>, usize) {
    let mut c = Connection::open(addr).await.expect("connect");
    let mut latencies = Vec::new();
    let mut errors = 0;
    loop {
        let sent = Instant::now();
        if sent >= end {
            break;
        }
        let answer = c.send("GET", KEY_PATH, "").await;
        let ok = matches!(&answer, Ok((200, body)) if body == VALUE);
        if sent >= from {
            latencies.push(sent.elapsed());
            errors += usize::from(!ok);
        }
        if answer.is_err() {
            break;
        }
    }
    (latencies, errors)
}

/// The control: `GET /kv/KEY` answered from the same store by native Rust.
async fn native(
    State(store): State<Arc<Store>>,
    method: Method,
    uri: Uri,
    body: String,
) -> (StatusCode, String) {
    match (method, uri.path().strip_prefix("/kv/")) {
        (Method::GET, Some(key)) => match store.get(key).await {
            Some(value) => (StatusCode::OK, value),
            None => (StatusCode::NOT_FOUND, format!("no key {key:?}")),
        },
        (Method::PUT, Some(key)) => {
            store.put(key.to_string(), body).await;
            (StatusCode::OK, format!("stored {key:?}"))
        }
        _ => (StatusCode::NOT_FOUND, String::new()),
    }
}
