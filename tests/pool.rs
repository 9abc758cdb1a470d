//! Instance pools: bounded, shared between threads, never handing out a poisoned instance.

mod common;

use common::{TestHost, repo_path};
use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};
use types_contract::Types;
use wasp_host::{Engine, Instance, Plugin, Pool, Reuse};

fn plugin(call_timeout: Duration) -> Plugin<dyn Types> {
    Engine::builder()
        .call_timeout(Some(call_timeout))
        .build()
        .unwrap()
        .load::<dyn Types>(repo_path("tests/wasm/types.wasm"))
        .unwrap()
}

fn types_plugin() -> Plugin<dyn Types> {
    plugin(Duration::from_secs(10))
}

#[test]
fn pools_and_their_guards_can_be_shared_and_sent() {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>() {}
    send_sync::<Pool<dyn Types, TestHost>>();
    send_sync::<wasp_host::PoolBuilder<dyn Types, TestHost>>();
    send::<wasp_host::Pooled<dyn Types, TestHost>>();
}

#[test]
fn a_poisoned_instance_is_replaced_and_never_handed_out_again() {
    let pool = Pool::builder(plugin(Duration::from_millis(50)), TestHost::default)
        .max_instances(1)
        .build()
        .unwrap();
    let poisoned_id = {
        let mut t = pool.get_timeout(Duration::from_secs(5)).unwrap();
        assert!(matches!(
            t.spin(u64::MAX).unwrap_err(),
            wasp::Error::Timeout { .. }
        ));
        assert!(Instance::is_poisoned(&t));
        Instance::id(&t)
    };
    let metrics = pool.metrics();
    assert_eq!(metrics.replaced, 1, "{metrics:?}");
    assert_eq!((metrics.idle, metrics.busy), (0, 0), "{metrics:?}");
    // The only slot went to a new, healthy instance.
    for _ in 0..3 {
        let mut t = pool.get_timeout(Duration::from_secs(5)).unwrap();
        assert_ne!(Instance::id(&t), poisoned_id);
        assert!(!Instance::is_poisoned(&t));
        assert_eq!(t.echo_u8(7).unwrap(), 7);
    }
    let metrics = pool.metrics();
    assert_eq!((metrics.created, metrics.replaced), (2, 1), "{metrics:?}");
}

#[test]
fn an_exhausted_pool_times_out_with_a_typed_error() {
    let pool = Pool::builder(types_plugin(), TestHost::default)
        .max_instances(2)
        .build()
        .unwrap();
    let a = pool.get_timeout(Duration::from_secs(5)).unwrap();
    let b = pool.try_get().unwrap();
    assert_eq!(pool.metrics().busy, 2);

    match pool.try_get().unwrap_err() {
        wasp::Error::PoolExhausted { limit, waited } => {
            assert_eq!(limit, 2);
            assert_eq!(waited, Duration::ZERO);
        }
        other => panic!("expected PoolExhausted, got {other:?}"),
    }

    let started = Instant::now();
    let error = pool.get_timeout(Duration::from_millis(200)).unwrap_err();
    let elapsed = started.elapsed();
    match &error {
        wasp::Error::PoolExhausted { limit, waited } => {
            assert_eq!(*limit, 2);
            assert!(*waited >= Duration::from_millis(200), "{waited:?}");
        }
        other => panic!("expected PoolExhausted, got {other:?}"),
    }
    assert!(elapsed >= Duration::from_millis(200), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    assert!(error.to_string().contains("max_instances"), "{error}");

    // The same through `get` and the builder's checkout timeout.
    let short = Pool::builder(types_plugin(), TestHost::default)
        .max_instances(1)
        .checkout_timeout(Duration::from_millis(50))
        .build()
        .unwrap();
    let held = short.get().unwrap();
    assert!(matches!(
        short.get().unwrap_err(),
        wasp::Error::PoolExhausted { limit: 1, .. }
    ));
    drop(held);
    drop((a, b));
}

#[test]
fn a_returned_instance_unblocks_a_waiting_checkout() {
    let pool = Pool::builder(types_plugin(), TestHost::default)
        .max_instances(1)
        .build()
        .unwrap();
    let held = pool.get_timeout(Duration::from_secs(5)).unwrap();
    let held_id = Instance::id(&held);
    let waiter = {
        let pool = pool.clone();
        thread::spawn(move || {
            let mut t = pool.get_timeout(Duration::from_secs(20))?;
            assert_eq!(t.echo_u32(42)?, 42);
            Ok::<u64, wasp::Error>(Instance::id(&t))
        })
    };
    thread::sleep(Duration::from_millis(100));
    // Returned from this thread; the waiter gets the very same instance (Reuse::Keep).
    drop(held);
    assert_eq!(waiter.join().unwrap().unwrap(), held_id);
    assert_eq!(pool.metrics().created, 1);
}

#[test]
fn eight_threads_share_a_small_pool() {
    const THREADS: usize = 8;
    const CHECKOUTS: usize = 50;
    const MAX: usize = 3;
    let factory_calls = Arc::new(AtomicUsize::new(0));
    let counter = factory_calls.clone();
    let pool = Pool::builder(types_plugin(), move || {
        counter.fetch_add(1, Ordering::Relaxed);
        TestHost::default()
    })
    .max_instances(MAX)
    .build()
    .unwrap();
    let answered = thread::scope(|s| {
        let workers: Vec<_> = (0..THREADS)
            .map(|worker| {
                let pool = &pool;
                s.spawn(move || {
                    let mut answered = 0;
                    for i in 0..CHECKOUTS {
                        let mut t = pool.get_timeout(Duration::from_secs(60)).unwrap();
                        let value = (worker * 1000 + i) as u32;
                        assert_eq!(t.echo_u32(value).unwrap(), value);
                        let text = format!("worker {worker} call {i}");
                        assert_eq!(t.echo_string(text.clone()).unwrap(), text);
                        let metrics = pool.metrics();
                        assert!(metrics.busy >= 1 && metrics.busy <= MAX, "{metrics:?}");
                        answered += 1;
                    }
                    answered
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap())
            .sum::<usize>()
    });
    assert_eq!(answered, THREADS * CHECKOUTS);
    let metrics = pool.metrics();
    assert!(metrics.created <= MAX as u64, "{metrics:?}");
    assert_eq!(
        metrics.created,
        factory_calls.load(Ordering::Relaxed) as u64
    );
    assert_eq!(metrics.busy, 0, "{metrics:?}");
    assert_eq!(metrics.idle as u64, metrics.created, "{metrics:?}");
    assert_eq!(metrics.replaced, 0, "{metrics:?}");
}

#[test]
fn fresh_reuse_gives_a_new_instance_every_checkout() {
    let pool = Pool::builder(types_plugin(), TestHost::default)
        .max_instances(2)
        .reuse(Reuse::Fresh)
        .build()
        .unwrap();
    let mut ids = HashSet::new();
    for _ in 0..5 {
        let mut t = pool.get_timeout(Duration::from_secs(5)).unwrap();
        assert_eq!(t.echo_u8(1).unwrap(), 1);
        assert!(
            ids.insert(Instance::id(&t)),
            "an instance was handed out twice"
        );
    }
    let metrics = pool.metrics();
    assert_eq!((metrics.created, metrics.idle), (5, 0), "{metrics:?}");

    // With `Keep`, the same instance comes back.
    let keep = Pool::builder(types_plugin(), TestHost::default)
        .build()
        .unwrap();
    let first = Instance::id(&keep.get().unwrap());
    let second = Instance::id(&keep.get().unwrap());
    assert_eq!(first, second);
}

#[test]
fn prewarming_creates_instances_up_front() {
    let pool = Pool::builder(types_plugin(), TestHost::default)
        .max_instances(3)
        .prewarm(2)
        .build()
        .unwrap();
    let metrics = pool.metrics();
    assert_eq!((metrics.created, metrics.idle, metrics.busy), (2, 2, 0));
    let a = pool.try_get().unwrap();
    let b = pool.try_get().unwrap();
    assert_eq!(
        pool.metrics().created,
        2,
        "pre-warmed instances are used first"
    );
    drop((a, b));

    // Never more than the bound.
    let capped = Pool::builder(types_plugin(), TestHost::default)
        .max_instances(2)
        .prewarm(10)
        .build()
        .unwrap();
    assert_eq!(capped.metrics().created, 2);
    assert!(format!("{capped:?}").contains("max_instances: 2"));
}

#[test]
fn a_failed_instantiation_is_returned_and_frees_its_slot() {
    // A pooling engine with room for two instances, one of them taken outside the pool.
    let plugin = Engine::builder()
        .pooling(2)
        .max_memory(64 << 20)
        .build()
        .unwrap()
        .load::<dyn Types>(repo_path("tests/wasm/types.wasm"))
        .unwrap();
    let outside = plugin.instantiate(TestHost::default()).unwrap();
    let pool = Pool::builder(plugin, TestHost::default)
        .max_instances(2)
        .reuse(Reuse::Fresh)
        .build()
        .unwrap();
    let first = pool.try_get().unwrap();
    assert!(matches!(
        pool.get_timeout(Duration::from_secs(5)).unwrap_err(),
        wasp::Error::InstanceLimit { .. }
    ));
    assert_eq!(pool.metrics().created, 1);
    drop(outside);
    // The failed checkout did not keep its slot: a second instance fits now.
    let mut second = pool.try_get().unwrap();
    assert_eq!(second.echo_u8(2).unwrap(), 2);
    assert_eq!(pool.metrics().busy, 2);
    drop((first, second));
    // Fresh reuse dropped both, freeing their allocator slots for new ones.
    let metrics = pool.metrics();
    assert_eq!((metrics.idle, metrics.busy, metrics.created), (0, 0, 2));
    let mut third = pool.try_get().unwrap();
    assert_eq!(third.echo_u8(3).unwrap(), 3);
}

#[test]
fn a_panicking_host_factory_does_not_leak_a_slot() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let pool = Pool::builder(types_plugin(), move || {
        if counter.fetch_add(1, Ordering::Relaxed) == 0 {
            panic!("the first host value cannot be made");
        }
        TestHost::default()
    })
    .max_instances(1)
    .build()
    .unwrap();
    let panicked = thread::scope(|s| s.spawn(|| pool.try_get().map(drop)).join());
    assert!(panicked.is_err());
    // The one slot is free again.
    let mut t = pool.try_get().unwrap();
    assert_eq!(t.echo_u8(9).unwrap(), 9);
    assert_eq!(pool.metrics().created, 1);
}

/// A bound of `usize::MAX` means no bound: the pool reserves nothing up front for it.
#[test]
fn an_unbounded_pool_builds_and_serves() {
    let pool = Pool::builder(types_plugin(), TestHost::default)
        .max_instances(usize::MAX)
        .build()
        .unwrap();
    let (mut a, mut b) = (pool.get().unwrap(), pool.get().unwrap());
    assert_eq!((a.echo_u8(1).unwrap(), b.echo_u8(2).unwrap()), (1, 2));
    assert_eq!(pool.max_instances(), usize::MAX);
}
