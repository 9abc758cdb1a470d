//! The async-server example (`examples/async-server`): its service run in-process on a free
//! loopback port and answering real HTTP requests from its plugin and its key-value store, in
//! both instance modes; plugin faults as 500s that never reach a later request; clients that
//! hang up mid-call; and the example program itself, started, asked, and stopped with Ctrl-C
//! (SIGINT).

#[path = "../examples/async-server/server.rs"]
mod server;

#[path = "../examples/async-server/client.rs"]
mod client;

use client::Connection;
use server::{Instances, Options};
use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

/// Every test here is over in a few seconds; a hang fails it instead of stalling the suite.
const LIMIT: Duration = Duration::from_secs(120);

/// Runs `f` on its own thread and fails the test if it takes longer than `limit`.
fn within<T: Send + 'static>(limit: Duration, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (done, outcome) = mpsc::channel();
    let worker = std::thread::spawn(move || {
        let _ = done.send(f());
    });
    match outcome.recv_timeout(limit) {
        Ok(value) => {
            let _ = worker.join();
            value
        }
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("did not finish within {limit:?}"),
        Err(mpsc::RecvTimeoutError::Disconnected) => match worker.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => unreachable!("the worker sends before it returns"),
        },
    }
}

/// Starts the example's service on a free loopback port, runs `client` against it, then stops
/// the service and waits for it to finish.
fn with_server<F, Fut>(instances: Instances, latency: Duration, client: F)
where
    F: FnOnce(SocketAddr) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    within(LIMIT, move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a tokio runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind a free loopback port");
            let addr = listener.local_addr().expect("the bound address");
            let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
            let options = Options {
                plugin: server::default_plugin(),
                latency,
                instances,
            };
            let serving = tokio::spawn(server::serve(listener, options, async {
                let _ = stopped.await;
            }));
            client(addr).await;
            let _ = stop.send(());
            serving
                .await
                .expect("the server task")
                .expect("the server ends cleanly");
        });
    });
}

async fn ask(connection: &mut Connection, method: &str, path: &str, body: &str) -> (u16, String) {
    connection
        .send(method, path, body)
        .await
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
}

/// Routes, the store behind them, and answers only the plugin gives.
async fn conversation(addr: SocketAddr) {
    let mut c = Connection::open(addr).await.expect("connect");
    let (status, body) = ask(&mut c, "GET", "/", "").await;
    assert_eq!(status, 200);
    assert!(body.starts_with("routes: "), "{body}");

    assert_eq!(
        ask(&mut c, "GET", "/kv/greeting", "").await,
        (404, "no key \"greeting\"".to_string())
    );
    assert_eq!(
        ask(&mut c, "PUT", "/kv/greeting", "Hello Nic").await,
        (200, "stored \"greeting\"".to_string())
    );
    assert_eq!(
        ask(&mut c, "GET", "/kv/greeting", "").await,
        (200, "Hello Nic".to_string())
    );
    // A second connection sees the same store.
    let mut other = Connection::open(addr).await.expect("connect");
    assert_eq!(
        ask(&mut other, "GET", "/kv/greeting", "").await,
        (200, "Hello Nic".to_string())
    );
    assert_eq!(
        ask(&mut c, "PUT", "/kv/greeting", "Hi").await,
        (200, "stored \"greeting\"".to_string())
    );
    assert_eq!(
        ask(&mut other, "GET", "/kv/greeting", "").await,
        (200, "Hi".to_string())
    );

    // Two store operations in one call: a read, then a write of what it read plus one.
    for n in 1..=3 {
        assert_eq!(
            ask(&mut c, "GET", "/visits/nic", "").await,
            (200, format!("nic visit {n}"))
        );
    }

    assert_eq!(
        ask(&mut c, "DELETE", "/kv/greeting", "").await,
        (200, "deleted \"greeting\"".to_string())
    );
    assert_eq!(
        ask(&mut c, "DELETE", "/kv/greeting", "").await,
        (404, "no key \"greeting\"".to_string())
    );
    assert_eq!(
        ask(&mut c, "POST", "/kv/greeting", "").await,
        (405, "POST is not allowed on /kv/".to_string())
    );
    assert_eq!(
        ask(&mut c, "GET", "/nowhere", "").await,
        (404, "no route for GET /nowhere".to_string())
    );
}

#[test]
fn requests_are_answered_by_the_plugin_from_the_store_with_fresh_instances() {
    with_server(Instances::Fresh, Duration::from_millis(2), conversation);
}

#[test]
fn requests_are_answered_by_the_plugin_from_the_store_with_reused_instances() {
    with_server(Instances::Reuse, Duration::from_millis(2), conversation);
}

/// A panicking plugin is a 500 carrying the panic's message, and the next request on the same
/// connection is answered normally. With reused instances and one connection there is one
/// idle instance: had the poisoned one gone back to the pool, the next request would get
/// it and fail.
async fn faults(addr: SocketAddr) {
    let mut c = Connection::open(addr).await.expect("connect");
    assert_eq!(
        ask(&mut c, "PUT", "/kv/k", "v").await,
        (200, "stored \"k\"".to_string())
    );
    for _ in 0..3 {
        let (status, body) = ask(&mut c, "GET", "/panic", "").await;
        assert_eq!(status, 500, "{body}");
        assert!(body.contains("asked to panic"), "{body}");
        assert_eq!(
            ask(&mut c, "GET", "/kv/k", "").await,
            (200, "v".to_string())
        );
    }
}

#[test]
fn a_plugin_panic_is_a_500_with_its_message_and_the_service_goes_on_with_fresh_instances() {
    with_server(Instances::Fresh, Duration::from_millis(1), faults);
}

#[test]
fn a_plugin_panic_is_a_500_with_its_message_and_the_service_goes_on_with_reused_instances() {
    with_server(Instances::Reuse, Duration::from_millis(1), faults);
}

/// Many connections at once, each writing and reading its own keys while the others wait on
/// the store: every answer is its own.
async fn crowd(addr: SocketAddr) {
    let clients: Vec<_> = (0..64)
        .map(|i| {
            tokio::spawn(async move {
                let mut c = Connection::open(addr).await.expect("connect");
                for round in 0..5 {
                    let key = format!("/kv/client-{i}");
                    let value = format!("{i}:{round}");
                    assert_eq!(ask(&mut c, "PUT", &key, &value).await.0, 200);
                    assert_eq!(ask(&mut c, "GET", &key, "").await, (200, value));
                }
            })
        })
        .collect();
    for client in clients {
        client.await.expect("a client task");
    }
}

#[test]
fn concurrent_connections_each_get_their_own_answers_with_fresh_instances() {
    with_server(Instances::Fresh, Duration::from_millis(5), crowd);
}

#[test]
fn concurrent_connections_each_get_their_own_answers_with_reused_instances() {
    with_server(Instances::Reuse, Duration::from_millis(5), crowd);
}

/// Clients that hang up while their request waits on the store (whether hyper then drops the
/// request's future, cancelling the call, or lets it finish) leave the service answering
/// everyone else, before and after those calls would have ended.
async fn hang_ups(addr: SocketAddr) {
    let mut c = Connection::open(addr).await.expect("connect");
    assert_eq!(
        ask(&mut c, "PUT", "/kv/k", "v").await,
        (200, "stored \"k\"".to_string())
    );
    for _ in 0..8 {
        let mut quitter = Connection::open(addr).await.expect("connect");
        let pending = quitter.send("GET", "/kv/k", "");
        // The store's latency is 200 ms: the request is mid-call when the client hangs up.
        assert!(
            tokio::time::timeout(Duration::from_millis(50), pending)
                .await
                .is_err()
        );
        drop(quitter);
    }
    assert_eq!(
        ask(&mut c, "GET", "/kv/k", "").await,
        (200, "v".to_string())
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    for _ in 0..3 {
        assert_eq!(
            ask(&mut c, "GET", "/kv/k", "").await,
            (200, "v".to_string())
        );
    }
}

#[test]
fn clients_hanging_up_mid_call_leave_the_service_answering_with_fresh_instances() {
    with_server(Instances::Fresh, Duration::from_millis(200), hang_ups);
}

#[test]
fn clients_hanging_up_mid_call_leave_the_service_answering_with_reused_instances() {
    with_server(Instances::Reuse, Duration::from_millis(200), hang_ups);
}

/// The program as README runs it: it prints its address once listening, answers, and exits
/// successfully on Ctrl-C.
#[test]
fn the_example_program_serves_and_stops_on_ctrl_c() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    // `cargo test` builds the examples next to the test binaries' directory.
    let exe = std::env::current_exe().expect("the test binary");
    let example = exe
        .parent()
        .and_then(Path::parent)
        .map(|dir| dir.join("examples").join("async-server"))
        .expect("the target directory");
    if !example.exists() {
        // Built by a plain `cargo test`; not when only this test target was asked for.
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let built = Command::new(cargo)
            .args(["build", "-p", "wasp-host", "--example", "async-server"])
            .status()
            .expect("run cargo");
        assert!(
            built.success() && example.exists(),
            "cannot build the example"
        );
    }
    let mut child = Command::new(&example)
        .args(["--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the example");
    let pid = child.id();
    // Whatever happens below, the child does not outlive the test.
    struct Reap(std::process::Child);
    impl Drop for Reap {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let stdout = child.stdout.take().expect("piped stdout");
    let mut child = Reap(child);
    let (lines_tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let first = lines
        .recv_timeout(Duration::from_secs(60))
        .expect("the example prints its address");
    let addr: SocketAddr = first
        .strip_prefix("listening on http://")
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("not an address line: {first:?}"));

    within(LIMIT, move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        runtime.block_on(async move {
            let mut c = Connection::open(addr).await.expect("connect");
            assert_eq!(
                ask(&mut c, "PUT", "/kv/greeting", "Hello Nic").await,
                (200, "stored \"greeting\"".to_string())
            );
            assert_eq!(
                ask(&mut c, "GET", "/kv/greeting", "").await,
                (200, "Hello Nic".to_string())
            );
        });
    });

    // Ctrl-C: SIGINT to the process, as a terminal sends it.
    let pid = libc::pid_t::try_from(pid).expect("a pid");
    // SAFETY: kill(2) with a valid signal number on our own child; it touches no memory.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let status = within(LIMIT, move || {
        let status = child.0.wait().expect("wait for the example");
        drop(child);
        status
    });
    assert!(status.success(), "the example exited with {status}");
    assert_eq!(
        lines.recv_timeout(Duration::from_secs(10)).as_deref(),
        Ok("stopping")
    );
}
