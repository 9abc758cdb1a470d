//! Async instances on a real tokio runtime: every method as a future, host functions that
//! await, many calls progressing on one thread, plugins that compute for long yielding, the
//! limits of the blocking path (timeouts, cancellation, fuel, poisoning, output capture,
//! spans), and futures dropped mid-call.

mod common;

use greeter_contract::{AsyncGreeterHost, Greeter};
use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};
use wasp::Contract;
use wasp_host::{AsyncInstance, Engine, InstanceConfig, Output, Stream};

/// Held by the tests that start many instances, so that the one measuring memory does not
/// count what another allocates meanwhile.
static HEAVY: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn heavy() -> std::sync::MutexGuard<'static, ()> {
    HEAVY
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

const GREETERS: [&str; 6] = ["rust", "c", "go", "assemblyscript", "java", "zig"];

fn greeter_path(language: &str) -> std::path::PathBuf {
    common::repo_path(&format!("examples/greeter/plugins/greeter-{language}.wasm"))
}

/// A current-thread runtime: everything a test runs shares one thread, so concurrency seen
/// there is the executor's, not the operating system's.
fn one_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// Runs `test` on a current-thread runtime, failing it after `limit` rather than hanging.
fn run<F: Future<Output = ()>>(limit: Duration, test: F) {
    one_thread().block_on(async {
        tokio::time::timeout(limit, test)
            .await
            .expect("the test did not finish in time: calls did not make progress");
    });
}

/// Answers `call_me` after awaiting `delay`, counting the calls waiting at once.
#[derive(Clone, Default)]
struct Sleepy {
    delay: Duration,
    waiting: Arc<AtomicUsize>,
    most_waiting: Arc<AtomicUsize>,
    /// When set, every call waits here until this many calls are waiting.
    barrier: Option<Arc<tokio::sync::Barrier>>,
}

impl AsyncGreeterHost for Sleepy {
    async fn call_me(&mut self, name: String) -> String {
        let now = self.waiting.fetch_add(1, Ordering::SeqCst) + 1;
        self.most_waiting.fetch_max(now, Ordering::SeqCst);
        if let Some(barrier) = &self.barrier {
            barrier.wait().await;
        }
        tokio::time::sleep(self.delay).await;
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        format!("Hello {name}")
    }
}

/// Never answers: a host function stuck on I/O.
struct Stuck;

impl AsyncGreeterHost for Stuck {
    async fn call_me(&mut self, _: String) -> String {
        std::future::pending().await
    }
}

#[test]
fn every_greeter_plugin_answers_through_async_calls() {
    let _heavy = heavy();
    run(Duration::from_secs(120), async {
        let engine = common::engine();
        for language in GREETERS {
            let plugin = engine
                .load::<dyn Greeter>(greeter_path(language))
                .unwrap_or_else(|e| panic!("load greeter-{language}: {e}"));
            let host = Sleepy {
                delay: Duration::from_millis(1),
                ..Sleepy::default()
            };
            let mut greeter = plugin
                .instantiate_async(host)
                .await
                .unwrap_or_else(|e| panic!("instantiate greeter-{language}: {e}"));
            assert_eq!(greeter.hello("Nic".into()).await.unwrap(), "Hello Nic");
            assert_eq!(greeter.sum(40, 2).await.unwrap(), 42, "{language}");
            assert_eq!(
                greeter.reverse(vec![1, 2, 3]).await.unwrap(),
                vec![3, 2, 1],
                "{language}"
            );
            assert_eq!(
                greeter.callback().await.unwrap(),
                "Hello Nic",
                "{language}: the plugin's call to the async host function"
            );
            assert_eq!(
                greeter.fail().await.unwrap(),
                Err("Ooops".to_string()),
                "{language}"
            );
            assert!(!AsyncInstance::is_poisoned(&greeter), "{language}");
            assert_eq!(
                AsyncInstance::host(&greeter).waiting.load(Ordering::SeqCst),
                0
            );
        }
    });
}

/// The issue's concurrency test. Every host call waits at a barrier for all 1 000 calls to
/// be waiting at once, then sleeps 10 ms: if a host function blocked the thread, the first
/// call would wait at the barrier for ever and the test would fail at its time limit.
#[test]
fn a_thousand_calls_await_their_host_functions_together_on_one_thread() {
    const CALLS: usize = 1000;
    let _heavy = heavy();
    run(Duration::from_secs(120), async {
        let engine = common::engine();
        let plugin = engine
            .load::<dyn Greeter>(greeter_path("rust"))
            .expect("load");
        let host = Sleepy {
            delay: Duration::from_millis(10),
            barrier: Some(Arc::new(tokio::sync::Barrier::new(CALLS))),
            ..Sleepy::default()
        };
        let mut instances = Vec::with_capacity(CALLS);
        for _ in 0..CALLS {
            instances.push(plugin.instantiate_async(host.clone()).await.unwrap());
        }
        let started = Instant::now();
        let mut calls = tokio::task::JoinSet::new();
        for mut instance in instances {
            calls.spawn(async move { instance.callback().await });
        }
        let mut answered = 0;
        while let Some(answer) = calls.join_next().await {
            assert_eq!(answer.expect("the task").expect("the call"), "Hello Nic");
            answered += 1;
        }
        let elapsed = started.elapsed();
        assert_eq!(answered, CALLS);
        assert_eq!(
            host.most_waiting.load(Ordering::SeqCst),
            CALLS,
            "every call was waiting on its host function at the same time"
        );
        // For the record, not asserted: a serial run would take 1 000 x 10 ms = 10 s.
        println!("{CALLS} calls x 10 ms host sleep on one thread: {elapsed:?}");
    });
}

/// Work the plugin does on its own, and host functions that may take for ever.
#[wasp::host]
pub trait Waits {
    /// Waits in the host.
    fn pause(&mut self);
}

/// A plugin that computes, sleeps in WASI, or waits on its host.
#[wasp::plugin(host = Waits)]
pub trait Work {
    /// Loops `n` times (for ever, in practice, with `u64::MAX`); returns `n`.
    fn spin(&self, n: u64) -> u64;
    /// Sleeps `ns` nanoseconds with WASI `poll_oneoff`; returns its errno.
    fn sleep(&self, ns: u64) -> u32;
    /// Calls the host's `pause`.
    fn pause(&self);
    /// Grows its memory by `pages`; returns the old size in pages, or -1.
    fn grow(&self, pages: u32) -> i32;
}

fn work_wat() -> Vec<u8> {
    work_wat_with("")
}

/// The Work plugin with `extra` (more fields of the module) added.
fn work_wat_with(extra: &str) -> Vec<u8> {
    let descriptor = <dyn Work as Contract>::descriptor().render();
    let escaped = descriptor.replace('\n', "\\n");
    common::wasm(format!(
        r#"(module
          (@custom "wasp-contract" "{escaped}")
          (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
          (import "Waits" "pause" (func $pause))
          (memory (export "memory") 1)
          (func (export "spin") (param $n i64) (result i64) (local $i i64)
            (block $done
              (loop $l
                (br_if $done (i64.ge_u (local.get $i) (local.get $n)))
                (local.set $i (i64.add (local.get $i) (i64.const 1)))
                (br $l)))
            (local.get $n))
          (func $sleep (export "sleep") (param $ns i64) (result i32)
            (i64.store (i32.const 0x100) (i64.const 0))
            (i32.store8 (i32.const 0x108) (i32.const 0))
            (i32.store (i32.const 0x110) (i32.const 1))
            (i64.store (i32.const 0x118) (local.get $ns))
            (i64.store (i32.const 0x120) (i64.const 0))
            (i32.store16 (i32.const 0x128) (i32.const 0))
            (call $poll (i32.const 0x100) (i32.const 0x200) (i32.const 1) (i32.const 0x300)))
          (func (export "pause") (call $pause))
          (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
          {extra})"#
    ))
}

/// How a `Waits` host waits.
#[derive(Clone, Copy)]
enum Pause {
    /// For this long.
    For(Duration),
    /// For ever.
    Forever,
}

impl AsyncWaits for Pause {
    async fn pause(&mut self) {
        match *self {
            Pause::For(d) => tokio::time::sleep(d).await,
            Pause::Forever => std::future::pending().await,
        }
    }
}

fn work_plugin(engine: &Engine) -> wasp_host::Plugin<dyn Work> {
    engine
        .load_bytes::<dyn Work>(&work_wat())
        .expect("load Work")
}

fn engine_with(timeout: Duration) -> Engine {
    Engine::builder()
        .call_timeout(Some(timeout))
        .build()
        .unwrap()
}

#[track_caller]
fn assert_timeout(error: wasp::Error, function: &str, limit: Duration) {
    match error {
        wasp::Error::Timeout {
            function: f,
            limit: l,
        } => assert_eq!((f.as_str(), l), (function, limit)),
        other => panic!("expected a timeout of {function}, got {other:?}"),
    }
}

/// A plugin spinning until its timeout shares the thread: another instance's calls keep
/// answering meanwhile, each within a few of the engine's 10 ms ticks. Were the spinning
/// call to hold the thread, the other task could not run until it timed out.
#[test]
fn a_spinning_plugin_yields_to_other_calls_on_the_same_thread() {
    const SPIN_LIMIT: Duration = Duration::from_secs(3);
    run(Duration::from_secs(60), async {
        let engine = engine_with(SPIN_LIMIT);
        let plugin = work_plugin(&engine);
        let mut spinner = plugin.instantiate_async(Pause::Forever).await.unwrap();
        let mut other = plugin
            .instantiate_async(Pause::For(Duration::ZERO))
            .await
            .unwrap();
        let spinning = Arc::new(AtomicBool::new(true));
        let spin = {
            let spinning = spinning.clone();
            tokio::spawn(async move {
                let error = spinner.spin(u64::MAX).await.unwrap_err();
                spinning.store(false, Ordering::SeqCst);
                error
            })
        };
        // Let the spinner start.
        tokio::task::yield_now().await;
        let mut slowest = Duration::ZERO;
        for i in 0..50u64 {
            let started = Instant::now();
            assert_eq!(other.spin(1000 + i).await.unwrap(), 1000 + i);
            other.pause().await.unwrap();
            slowest = slowest.max(started.elapsed());
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        assert!(
            spinning.load(Ordering::SeqCst),
            "the other instance's 50 calls all finished while the plugin still spun"
        );
        println!("slowest call beside a spinning plugin: {slowest:?}");
        assert_timeout(spin.await.unwrap(), "spin", SPIN_LIMIT);
    });
}

const SHORT: Duration = Duration::from_millis(200);

/// Epoch interruption reaches an async call as it reaches a blocking one.
#[test]
fn a_computing_async_call_times_out_and_poisons_its_instance() {
    run(Duration::from_secs(30), async {
        let engine = engine_with(SHORT);
        let plugin = work_plugin(&engine);
        let mut work = plugin.instantiate_async(Pause::Forever).await.unwrap();
        assert_eq!(work.spin(10).await.unwrap(), 10);
        assert_timeout(work.spin(u64::MAX).await.unwrap_err(), "spin", SHORT);
        assert!(AsyncInstance::is_poisoned(&work));
        assert!(matches!(
            work.spin(1).await.unwrap_err(),
            wasp::Error::Poisoned { .. }
        ));
    });
}

/// A host function's future that never resolves is outside wasm, where no epoch is checked:
/// the call's deadline still ends it.
#[test]
fn a_host_function_that_never_answers_is_a_timeout() {
    run(Duration::from_secs(30), async {
        let engine = engine_with(SHORT);
        let plugin = work_plugin(&engine);
        let mut work = plugin.instantiate_async(Pause::Forever).await.unwrap();
        let started = Instant::now();
        assert_timeout(work.pause().await.unwrap_err(), "pause", SHORT);
        println!("a stuck host function ended after {:?}", started.elapsed());
        assert!(AsyncInstance::is_poisoned(&work));
        let mut fresh = plugin
            .instantiate_async(Pause::For(Duration::from_millis(1)))
            .await
            .unwrap();
        fresh.pause().await.unwrap();
    });
}

/// WASI waits are futures in an async instance, bounded by the deadline.
#[test]
fn a_wasi_sleep_beyond_the_deadline_is_a_timeout() {
    run(Duration::from_secs(30), async {
        let engine = engine_with(SHORT);
        let plugin = work_plugin(&engine);
        let mut work = plugin.instantiate_async(Pause::Forever).await.unwrap();
        assert_eq!(
            work.sleep(1_000_000).await.unwrap(),
            0,
            "a short sleep works"
        );
        assert_timeout(
            work.sleep(60_000_000_000).await.unwrap_err(),
            "sleep",
            SHORT,
        );
    });
}

/// A start function that waits in WASI is outside wasm too: the instantiation's deadline
/// ends the wait, and `instantiate_async` fails rather than pending for a minute.
#[test]
fn a_start_function_waiting_in_wasi_is_bounded_by_the_instantiation_timeout() {
    run(Duration::from_secs(30), async {
        let engine = Engine::builder()
            .call_timeout(Some(SHORT))
            .instantiation_timeout(Some(SHORT))
            .build()
            .unwrap();
        let plugin = engine
            .load_bytes::<dyn Work>(&work_wat_with(
                "(func $begin (drop (call $sleep (i64.const 60000000000)))) (start $begin)",
            ))
            .expect("load Work with a start function");
        match plugin.instantiate_async(Pause::Forever).await {
            Err(wasp::Error::Timeout { function, limit }) => {
                assert_eq!((function.as_str(), limit), ("start", SHORT))
            }
            other => panic!("expected the instantiation to time out, got {other:?}"),
        }
    });
}

/// Sleeping plugins do not hold the thread either: while one sleeps a second in WASI, another
/// task on the same thread runs to its end (were the sleep blocking, that task could not run
/// before the sleep was over), and ten 100 ms sleeps overlap.
#[test]
fn wasi_sleeps_suspend_the_plugin_not_the_thread() {
    run(Duration::from_secs(30), async {
        let engine = common::engine();
        let plugin = work_plugin(&engine);
        let mut sleeper = plugin.instantiate_async(Pause::Forever).await.unwrap();
        let sleeping = Arc::new(AtomicBool::new(true));
        let sleep = {
            let sleeping = sleeping.clone();
            tokio::spawn(async move {
                let errno = sleeper.sleep(1_000_000_000).await;
                sleeping.store(false, Ordering::SeqCst);
                errno
            })
        };
        tokio::task::yield_now().await;
        for _ in 0..20 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert!(
            sleeping.load(Ordering::SeqCst),
            "another task ran while the plugin slept"
        );
        assert_eq!(sleep.await.unwrap().unwrap(), 0);

        let mut sleeps = tokio::task::JoinSet::new();
        let started = Instant::now();
        for _ in 0..10 {
            let mut work = plugin.instantiate_async(Pause::Forever).await.unwrap();
            sleeps.spawn(async move { work.sleep(100_000_000).await });
        }
        while let Some(errno) = sleeps.join_next().await {
            assert_eq!(errno.unwrap().unwrap(), 0);
        }
        println!(
            "10 x 100 ms WASI sleeps on one thread: {:?}",
            started.elapsed()
        );
    });
}

/// A cancel reaches a call waiting on its host function, from another task.
#[test]
fn a_cancel_ends_a_call_waiting_on_its_host() {
    run(Duration::from_secs(30), async {
        let engine = common::engine();
        let plugin = work_plugin(&engine);
        let mut work = plugin.instantiate_async(Pause::Forever).await.unwrap();
        let cancel = AsyncInstance::cancel_handle(&work);
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(50)).await;
            cancel.cancel();
        });
        match work.pause().await.unwrap_err() {
            wasp::Error::Cancelled { function } => assert_eq!(function, "pause"),
            other => panic!("expected a cancel, got {other:?}"),
        }
        assert!(AsyncInstance::is_poisoned(&work));
        // And a spinning one.
        let mut spinner = plugin.instantiate_async(Pause::Forever).await.unwrap();
        let cancel = AsyncInstance::cancel_handle(&spinner);
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(50)).await;
            cancel.cancel();
        });
        assert!(matches!(
            spinner.spin(u64::MAX).await.unwrap_err(),
            wasp::Error::Cancelled { .. }
        ));
    });
}

#[test]
fn fuel_and_memory_limits_hold_under_async_calls() {
    run(Duration::from_secs(30), async {
        let engine = Engine::builder()
            .fuel(Some(1_000_000))
            .max_memory(4 << 20)
            .build()
            .unwrap();
        let plugin = work_plugin(&engine);
        let mut work = plugin.instantiate_async(Pause::Forever).await.unwrap();
        assert!(matches!(
            work.spin(u64::MAX).await.unwrap_err(),
            wasp::Error::OutOfFuel { .. }
        ));
        let mut work = plugin.instantiate_async(Pause::Forever).await.unwrap();
        assert_eq!(work.grow(1).await.unwrap(), 1);
        assert_eq!(
            work.grow(1000).await.unwrap(),
            -1,
            "beyond 4 MiB is refused"
        );
        assert!(AsyncInstance::fuel_consumed(&work).is_some());
    });
}

/// Polls `future` once, as an executor would before it has anything else to do.
fn poll_once<F: Future>(future: F) -> Poll<F::Output> {
    let mut future = pin!(future);
    future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
}

/// The process's resident set, in bytes (Linux: `/proc/self/statm`, in pages).
fn rss() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("read /proc/self/statm");
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .expect("statm's second field");
    pages * 4096
}

/// A future dropped while its plugin waits on the host cancels the call: the instance is
/// poisoned (never reused half-way), and 100 000 such calls leave memory flat.
#[test]
fn dropped_call_futures_poison_their_instance_and_leak_nothing() {
    const DROPS: usize = 100_000;
    const WARM_UP: usize = 10_000;
    let _heavy = heavy();
    run(Duration::from_secs(300), async {
        let engine = Engine::builder().pooling(16).build().unwrap();
        let plugin = engine
            .load::<dyn Greeter>(greeter_path("rust"))
            .expect("load");
        let mut baseline = 0;
        let started = Instant::now();
        for i in 0..DROPS {
            if i == WARM_UP {
                baseline = rss();
            }
            let mut greeter = plugin.instantiate_async(Stuck).await.unwrap();
            // The plugin is suspended inside `call_me`; dropping the future cancels it.
            assert!(poll_once(greeter.callback()).is_pending());
            assert!(AsyncInstance::is_poisoned(&greeter));
            if i % 10_000 == 0 {
                match greeter.hello("again".into()).await.unwrap_err() {
                    wasp::Error::Poisoned { cause } => {
                        assert!(cause.contains("future was dropped"), "{cause}")
                    }
                    other => panic!("expected Poisoned, got {other:?}"),
                }
                // A future dropped before its first poll ran nothing.
                let mut fresh = plugin.instantiate_async(Stuck).await.unwrap();
                drop(fresh.hello("never".into()));
                assert!(!AsyncInstance::is_poisoned(&fresh));
                assert_eq!(fresh.hello("Nic".into()).await.unwrap(), "Hello Nic");
            }
        }
        let grown = rss().saturating_sub(baseline);
        println!(
            "{DROPS} dropped calls in {:?}; RSS grew {} KiB after the first {WARM_UP}",
            started.elapsed(),
            grown / 1024
        );
        assert!(
            grown < 32 << 20,
            "{DROPS} dropped calls grew the resident set by {grown} bytes"
        );
    });
}

/// Output capture works for async instances (WASI's writes are futures there).
#[test]
fn output_is_captured_from_async_calls() {
    run(Duration::from_secs(60), async {
        let plugin = common::sandbox_plugin();
        let config = InstanceConfig::new().stdout(Output::Capture);
        let mut sandbox = plugin.instantiate_async_with((), &config).await.unwrap();
        sandbox
            .print("from an async call\n".into())
            .await
            .unwrap()
            .unwrap();
        let printed = AsyncInstance::captured(&sandbox, Stream::Stdout)
            .expect("captured")
            .take();
        assert_eq!(printed, b"from an async call\n");
    });
}

/// A blocking instance called from inside the runtime (a mistake the async API exists to
/// avoid) must not take the host down when its plugin makes a WASI call: wasmtime-wasi
/// cannot block there, and the call fails with an error that names the fix.
#[test]
fn a_blocking_call_inside_the_runtime_is_an_error_not_a_panic() {
    run(Duration::from_secs(60), async {
        let plugin = common::sandbox_plugin();
        let config = InstanceConfig::new().stdout(Output::Capture);
        let mut sandbox = plugin.instantiate_with((), &config).unwrap();
        match sandbox.print("from a blocking call\n".into()) {
            Err(wasp::Error::Trap { message, .. }) => {
                assert!(message.contains("instantiate_async"), "{message}")
            }
            other => panic!("expected an error naming the async API, got {other:?}"),
        }
        assert!(wasp_host::Instance::is_poisoned(&sandbox));
        // Calls that make no WASI call work there, as before.
        let mut greeter = common::engine()
            .load::<dyn Greeter>(greeter_path("rust"))
            .unwrap()
            .instantiate(Blocking)
            .unwrap();
        assert_eq!(greeter.callback().unwrap(), "Hello Nic");
    });
}

struct Blocking;

impl greeter_contract::GreeterHost for Blocking {
    fn call_me(&mut self, name: String) -> String {
        format!("Hello {name}")
    }
}

/// An instance kept across awaits inside a spawned task: its future must be `Send` for any
/// lifetime the compiler erases to, which a handle type named through the contract's trait
/// would not be.
#[test]
fn an_instance_lives_across_awaits_in_a_spawned_task() {
    run(Duration::from_secs(60), async {
        let plugin = common::engine()
            .load::<dyn Greeter>(greeter_path("rust"))
            .unwrap();
        let task = tokio::spawn(async move {
            let mut greeter = plugin.instantiate_async(Sleepy::default()).await.unwrap();
            let hello = greeter.hello("Nic".into()).await.unwrap();
            let callback = greeter.callback().await.unwrap();
            (hello, callback, AsyncInstance::is_poisoned(&greeter))
        });
        let answers = task.await.unwrap();
        assert_eq!(answers, ("Hello Nic".into(), "Hello Nic".into(), false));
    });
}
