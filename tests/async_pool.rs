//! The async instance pool on a real tokio runtime: many tasks through a bounded pool,
//! poisoned instances (a call future dropped mid-call) never handed out again, checkout
//! timeouts, waiting checkouts that leave the thread to other tasks, `Reuse::Fresh`, and a
//! reloadable plugin's new version reaching new checkouts; and a multi-thread runtime.

mod common;

use greeter_contract::{AsyncGreeterHost, Greeter};
use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::task::{Context, Poll, Waker};
use std::time::Duration;
use wasp::Error;
use wasp_host::{AsyncInstance, AsyncPool, AsyncPooled, Reloadable, Reuse};

fn greeter_plugin() -> wasp_host::Plugin<dyn Greeter> {
    greeter_plugin_in(&common::engine())
}

fn greeter_plugin_in(engine: &wasp_host::Engine) -> wasp_host::Plugin<dyn Greeter> {
    engine
        .load::<dyn Greeter>(common::repo_path(
            "examples/greeter/plugins/greeter-rust.wasm",
        ))
        .expect("load the greeter plugin")
}

/// Runs `test` on a current-thread runtime, failing it after `limit` rather than hanging:
/// every task shares one thread, so a checkout that blocked it would stop them all.
fn run<F: Future<Output = ()>>(limit: Duration, test: F) {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
        .block_on(async {
            tokio::time::timeout(limit, test)
                .await
                .expect("the test did not finish in time");
        });
}

/// Polls `future` once, as an executor would before it has anything else to do.
fn poll_once<F: Future>(future: F) -> Poll<F::Output> {
    let mut future = pin!(future);
    future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
}

/// What the hosts of one pool share: how many are alive (a host lives as long as its
/// instance's store), the most alive at once, the most calls waiting in `call_me` at once,
/// and whether `call_me` should never answer.
#[derive(Default)]
struct Counters {
    live: AtomicUsize,
    most_live: AtomicUsize,
    waiting: AtomicUsize,
    most_waiting: AtomicUsize,
    stuck: AtomicBool,
}

/// Answers `call_me` after a short async sleep (or never, while `stuck` is set).
struct Host {
    counters: Arc<Counters>,
}

impl Host {
    fn factory(counters: &Arc<Counters>) -> impl Fn() -> Host + Send + Sync + 'static {
        let counters = counters.clone();
        move || {
            let now = counters.live.fetch_add(1, Ordering::SeqCst) + 1;
            counters.most_live.fetch_max(now, Ordering::SeqCst);
            Host {
                counters: counters.clone(),
            }
        }
    }
}

impl Drop for Host {
    fn drop(&mut self) {
        self.counters.live.fetch_sub(1, Ordering::SeqCst);
    }
}

impl AsyncGreeterHost for Host {
    async fn call_me(&mut self, name: String) -> String {
        if self.counters.stuck.load(Ordering::SeqCst) {
            return std::future::pending().await;
        }
        let now = self.counters.waiting.fetch_add(1, Ordering::SeqCst) + 1;
        self.counters.most_waiting.fetch_max(now, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(1)).await;
        self.counters.waiting.fetch_sub(1, Ordering::SeqCst);
        format!("Hello {name}")
    }
}

#[test]
fn the_pool_and_its_guards_and_futures_are_send() {
    fn send<T: Send>(_: &T) {}
    fn send_sync_clone<T: Send + Sync + Clone>() {}
    send_sync_clone::<AsyncPool<dyn Greeter, Host>>();
    fn guard_is_send<T: Send>() {}
    guard_is_send::<AsyncPooled<dyn Greeter, Host>>();
    run(Duration::from_secs(60), async {
        let counters = Arc::new(Counters::default());
        let pool = AsyncPool::builder(greeter_plugin(), Host::factory(&counters))
            .max_instances(usize::MAX) // no bound
            .build()
            .await
            .unwrap();
        assert_eq!(pool.max_instances(), usize::MAX >> 3);
        let checkout = pool.get();
        send(&checkout);
        let mut greeter = checkout.await.unwrap();
        let call = greeter.callback();
        send(&call);
        assert_eq!(call.await.unwrap(), "Hello Nic");
    });
}

/// 200 tasks, one thread, a pool of 8: every call answers, never more than 8 instances (their
/// hosts counted as they are created and dropped) are alive, and calls overlap.
#[test]
fn two_hundred_tasks_share_eight_instances() {
    const TASKS: usize = 200;
    const MAX: usize = 8;
    run(Duration::from_secs(120), async {
        let counters = Arc::new(Counters::default());
        let pool = AsyncPool::builder(greeter_plugin(), Host::factory(&counters))
            .max_instances(MAX)
            .prewarm(2)
            .build()
            .await
            .unwrap();
        assert_eq!(pool.metrics().idle, 2);
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..TASKS {
            let pool = pool.clone();
            tasks.spawn(async move {
                let mut greeter = pool.get().await?;
                assert!(pool.metrics().busy <= MAX);
                let hello = greeter.hello(format!("task {i}")).await?;
                let callback = greeter.callback().await?;
                Ok::<_, Error>((hello, callback, i))
            });
        }
        let mut answered = 0;
        while let Some(done) = tasks.join_next().await {
            let (hello, callback, i) = done.expect("the task ran").expect("the calls succeeded");
            assert_eq!(hello, format!("Hello task {i}"));
            assert_eq!(callback, "Hello Nic");
            answered += 1;
        }
        assert_eq!(answered, TASKS);
        let most_live = counters.most_live.load(Ordering::SeqCst);
        assert!(most_live <= MAX, "{most_live} instances were alive at once");
        assert!(
            counters.most_waiting.load(Ordering::SeqCst) > 1,
            "the pooled instances' calls never overlapped"
        );
        let metrics = pool.metrics();
        assert_eq!(metrics.busy, 0);
        assert!(metrics.created <= MAX as u64, "{metrics:?}");
        assert_eq!(metrics.idle as u64, metrics.created, "{metrics:?}");
        assert_eq!(metrics.replaced, 0);
        assert_eq!(counters.live.load(Ordering::SeqCst), metrics.idle);
        drop(pool);
        assert_eq!(
            counters.live.load(Ordering::SeqCst),
            0,
            "the pool leaked hosts"
        );
    });
}

/// Dropping a call's future mid-call poisons the instance; the pool drops it when it comes
/// back and hands out a new one. A future dropped before its first poll ran nothing: that
/// instance goes back and is reused.
#[test]
fn an_instance_whose_call_future_was_dropped_is_not_reused() {
    run(Duration::from_secs(60), async {
        let counters = Arc::new(Counters::default());
        let pool = AsyncPool::builder(greeter_plugin(), Host::factory(&counters))
            .max_instances(1)
            .build()
            .await
            .unwrap();

        let mut greeter = pool.get().await.unwrap();
        let first = AsyncInstance::id(&greeter);
        drop(greeter.callback()); // never polled
        assert!(!AsyncInstance::is_poisoned(&greeter));
        drop(greeter);
        let mut greeter = pool.get().await.unwrap();
        assert_eq!(
            AsyncInstance::id(&greeter),
            first,
            "a sound instance is kept"
        );

        counters.stuck.store(true, Ordering::SeqCst);
        // The plugin is suspended inside `call_me`; dropping the future cancels the call.
        assert!(poll_once(greeter.callback()).is_pending());
        assert!(AsyncInstance::is_poisoned(&greeter));
        drop(greeter);
        let metrics = pool.metrics();
        assert_eq!((metrics.idle, metrics.busy, metrics.replaced), (0, 0, 1));
        assert_eq!(
            counters.live.load(Ordering::SeqCst),
            0,
            "the poisoned one is gone"
        );

        counters.stuck.store(false, Ordering::SeqCst);
        let mut greeter = pool.get().await.unwrap();
        assert_ne!(AsyncInstance::id(&greeter), first);
        assert!(!AsyncInstance::is_poisoned(&greeter));
        assert_eq!(greeter.callback().await.unwrap(), "Hello Nic");
        drop(greeter);
        assert_eq!(pool.metrics().created, 2);
    });
}

/// While every instance is checked out, a checkout fails with `PoolExhausted` when its
/// timeout is up, and `try_get` at once; a returned instance serves the next checkout.
#[test]
fn checkouts_time_out_while_every_slot_is_held() {
    run(Duration::from_secs(60), async {
        let counters = Arc::new(Counters::default());
        let pool = AsyncPool::builder(greeter_plugin(), Host::factory(&counters))
            .max_instances(2)
            .checkout_timeout(Duration::from_millis(50))
            .build()
            .await
            .unwrap();
        let first = pool.get().await.unwrap();
        let second = pool.try_get().await.unwrap();
        match pool.get().await.unwrap_err() {
            Error::PoolExhausted { limit, waited } => {
                assert_eq!(limit, 2);
                // The wait is the timeout's: tokio never ends a timeout early.
                assert!(waited >= Duration::from_millis(50), "{waited:?}");
            }
            other => panic!("expected PoolExhausted, got {other:?}"),
        }
        match pool.try_get().await.unwrap_err() {
            Error::PoolExhausted { limit, waited } => {
                assert_eq!((limit, waited), (2, Duration::ZERO));
            }
            other => panic!("expected PoolExhausted, got {other:?}"),
        }
        assert!(matches!(
            pool.get_timeout(Duration::ZERO).await,
            Err(Error::PoolExhausted { .. })
        ));
        assert_eq!(pool.metrics().busy, 2);
        // A checkout given up while it waits takes nothing with it.
        assert!(poll_once(pool.get()).is_pending());
        let id = AsyncInstance::id(&first);
        drop(first);
        let mut again = pool.try_get().await.unwrap();
        assert_eq!(AsyncInstance::id(&again), id);
        assert_eq!(again.hello("Nic".into()).await.unwrap(), "Hello Nic");
        drop((again, second));
        assert_eq!(counters.live.load(Ordering::SeqCst), 2);
    });
}

/// A checkout waiting for a slot leaves the thread to other tasks: on a one-thread runtime
/// another task runs to completion (and the held instance's own call, whose host function
/// sleeps, finishes) while the waiter waits; if the wait blocked the thread, neither could,
/// and the test would fail at its time limit.
#[test]
fn a_waiting_checkout_does_not_block_the_thread() {
    run(Duration::from_secs(60), async {
        let counters = Arc::new(Counters::default());
        let pool = AsyncPool::builder(greeter_plugin(), Host::factory(&counters))
            .max_instances(1)
            .build()
            .await
            .unwrap();
        let mut held = pool.get().await.unwrap();
        let waiter = tokio::spawn({
            let pool = pool.clone();
            async move {
                let mut greeter = pool.get().await?;
                greeter.hello("waiter".into()).await
            }
        });
        let ticks = Arc::new(AtomicUsize::new(0));
        let ticker = tokio::spawn({
            let ticks = ticks.clone();
            async move {
                for _ in 0..5 {
                    tokio::time::sleep(Duration::from_millis(2)).await;
                    ticks.fetch_add(1, Ordering::SeqCst);
                }
            }
        });
        tokio::task::yield_now().await; // the waiter starts waiting
        assert_eq!(held.callback().await.unwrap(), "Hello Nic");
        ticker.await.expect("the ticker ran");
        assert_eq!(ticks.load(Ordering::SeqCst), 5);
        assert!(
            !waiter.is_finished(),
            "the waiter got an instance that was held"
        );
        drop(held);
        let answer = waiter.await.expect("the waiter ran").unwrap();
        assert_eq!(answer, "Hello waiter");
        assert_eq!(pool.metrics().created, 1);
    });
}

/// `Reuse::Fresh` drops every returned instance: no checkout sees an earlier one's state.
#[test]
fn fresh_reuse_gives_every_checkout_a_new_instance() {
    run(Duration::from_secs(60), async {
        let counters = Arc::new(Counters::default());
        let pool = AsyncPool::builder(greeter_plugin(), Host::factory(&counters))
            .max_instances(2)
            .reuse(Reuse::Fresh)
            .build()
            .await
            .unwrap();
        let mut ids = Vec::new();
        for _ in 0..3 {
            let mut greeter = pool.get().await.unwrap();
            assert_eq!(greeter.sum(40, 2).await.unwrap(), 42);
            ids.push(AsyncInstance::id(&greeter));
        }
        ids.dedup();
        assert_eq!(ids.len(), 3);
        let metrics = pool.metrics();
        assert_eq!((metrics.created, metrics.idle, metrics.busy), (3, 0, 0));
        assert_eq!(counters.live.load(Ordering::SeqCst), 0);
    });
}

/// A pool over a reloadable plugin: after a reload, checkouts get the new version, and the
/// old version's instances are retired instead of handed out again.
#[test]
fn a_reloadable_pool_hands_out_the_current_version() {
    run(Duration::from_secs(60), async {
        let engine = common::engine();
        let plugin = Reloadable::new(&engine, greeter_plugin_in(&engine));
        let counters = Arc::new(Counters::default());
        let pool = plugin
            .async_pool(Host::factory(&counters))
            .max_instances(2)
            .prewarm(1)
            .build()
            .await
            .unwrap();
        let kept = pool.get().await.unwrap();
        assert_eq!(AsyncPooled::version(&kept).number(), 1);
        let idle = pool.get().await.unwrap();
        drop(idle);
        assert_eq!(pool.metrics().idle, 1);

        plugin.replace(greeter_plugin_in(&engine));
        assert_eq!(pool.current().number(), 2);
        let mut fresh = pool.get().await.unwrap();
        assert_eq!(AsyncPooled::version(&fresh).number(), 2);
        assert_eq!(fresh.hello("Nic".into()).await.unwrap(), "Hello Nic");
        assert_eq!(
            pool.metrics().retired,
            1,
            "the idle old instance was retired"
        );
        drop(kept);
        let metrics = pool.metrics();
        assert_eq!((metrics.retired, metrics.idle), (2, 0));
        drop(fresh);
        assert_eq!(pool.metrics().idle, 1);
        assert_eq!(counters.live.load(Ordering::SeqCst), 1);
    });
}

/// The same pool serves tasks spread over a multi-thread runtime: guards move between
/// worker threads, and the bound holds.
#[test]
fn tasks_on_several_threads_share_the_pool() {
    const TASKS: usize = 100;
    const MAX: usize = 4;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        let test = async {
            let counters = Arc::new(Counters::default());
            let pool = AsyncPool::builder(greeter_plugin(), Host::factory(&counters))
                .max_instances(MAX)
                .build()
                .await
                .unwrap();
            let mut tasks = tokio::task::JoinSet::new();
            for i in 0..TASKS {
                let pool = pool.clone();
                tasks.spawn(async move {
                    let mut greeter = pool.get().await?;
                    tokio::task::yield_now().await; // may resume on another thread
                    greeter.hello(format!("{i}")).await
                });
            }
            let mut answered = 0;
            while let Some(done) = tasks.join_next().await {
                assert!(done.expect("the task ran").unwrap().starts_with("Hello "));
                answered += 1;
            }
            assert_eq!(answered, TASKS);
            assert!(counters.most_live.load(Ordering::SeqCst) <= MAX);
            assert_eq!(pool.metrics().busy, 0);
        };
        tokio::time::timeout(Duration::from_secs(120), test)
            .await
            .expect("the test did not finish in time");
    });
}
