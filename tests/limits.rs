//! Plugins cannot hang the host or take all its memory: calls time out, memory is capped,
//! and both end as typed errors.

mod common;

use common::{TestHost, repo_path};
use std::time::{Duration, Instant};
use wasp_host::{Engine, Instance};

fn types_with(engine: &Engine) -> Instance<dyn types_contract::Types, TestHost> {
    engine
        .load::<dyn types_contract::Types>(repo_path("tests/wasm/types.wasm"))
        .unwrap()
        .instantiate(TestHost::default())
        .unwrap()
}

#[test]
fn an_endless_loop_is_interrupted_at_the_call_timeout() {
    let engine = Engine::builder()
        .call_timeout(Some(Duration::from_millis(200)))
        .build()
        .unwrap();
    let mut t = types_with(&engine);
    assert_eq!(t.spin(1000).unwrap(), t.spin(1000).unwrap());
    let started = Instant::now();
    match t.spin(u64::MAX).unwrap_err() {
        wasp::Error::Timeout { function, limit } => {
            assert_eq!(function, "spin");
            assert_eq!(limit, Duration::from_millis(200));
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    let elapsed = started.elapsed();
    // Generous bound: the point is that it ends, not how precisely.
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
    assert!(Instance::is_poisoned(&t));
    // Each call gets the full timeout again: a fresh instance works.
    let mut t = types_with(&engine);
    assert_eq!(t.echo_u8(1).unwrap(), 1);
}

#[test]
fn a_hand_written_endless_loop_is_interrupted_too() {
    let engine = Engine::builder()
        .call_timeout(Some(Duration::from_millis(100)))
        .build()
        .unwrap();
    let plugin = engine
        .load_raw_bytes(
            &wasp_host::Engine::wat(r#"(module (func (export "forever") (loop (br 0))))"#).unwrap(),
        )
        .unwrap();
    let mut raw = plugin.instantiate().unwrap();
    assert!(matches!(
        raw.call::<()>("forever", ()).unwrap_err(),
        wasp::Error::Timeout { .. }
    ));
}

#[test]
fn memory_growth_beyond_the_limit_fails_the_call() {
    let limit = 32 << 20;
    let engine = Engine::builder().max_memory(limit).build().unwrap();
    let mut t = types_with(&engine);
    assert_eq!(t.hoard(4).unwrap(), 4);
    match t.hoard(64).unwrap_err() {
        wasp::Error::MemoryLimit {
            function,
            requested,
            limit: reported,
        } => {
            assert_eq!(function, "hoard");
            assert_eq!(reported, limit);
            assert!(requested > limit, "{requested}");
        }
        other => panic!("expected the memory limit, got {other:?}"),
    }
    assert!(Instance::memory_size(&t) <= limit);
}

#[test]
fn arguments_larger_than_the_memory_limit_are_refused() {
    let engine = Engine::builder().max_memory(8 << 20).build().unwrap();
    let mut t = types_with(&engine);
    let error = t.echo_bytes(vec![0; 16 << 20]).unwrap_err();
    assert!(
        matches!(error, wasp::Error::MemoryLimit { .. }),
        "{error:?}"
    );
}

#[test]
fn timeouts_can_be_switched_off() {
    let engine = Engine::builder().call_timeout(None).build().unwrap();
    let mut t = types_with(&engine);
    assert_eq!(t.spin(10).unwrap(), t.spin(10).unwrap());
}

#[test]
fn timeouts_keep_working_after_the_engine_value_is_dropped() {
    // The usual pattern: the engine is a temporary, the plugin and its instances live on.
    let plugin = Engine::builder()
        .call_timeout(Some(Duration::from_millis(100)))
        .build()
        .unwrap()
        .load::<dyn types_contract::Types>(repo_path("tests/wasm/types.wasm"))
        .unwrap();
    let mut t = plugin.instantiate(TestHost::default()).unwrap();
    drop(plugin);
    // On a thread, so that a call that is never interrupted fails the test instead of
    // hanging it.
    let (done, outcome) = std::sync::mpsc::channel();
    std::thread::spawn(move || done.send(t.spin(u64::MAX)));
    match outcome.recv_timeout(Duration::from_secs(10)) {
        Ok(Err(wasp::Error::Timeout { limit, .. })) => {
            assert_eq!(limit, Duration::from_millis(100))
        }
        Ok(other) => panic!("expected a timeout, got {other:?}"),
        Err(_) => panic!("the call was not interrupted: the clock stopped with the engine"),
    }
}

#[test]
fn very_large_call_timeouts_neither_overflow_nor_expire_early() {
    for timeout in [
        Duration::MAX,
        Duration::from_secs(u64::MAX / 2),
        Duration::from_secs(100 * 365 * 24 * 3600),
    ] {
        let engine = Engine::builder()
            .call_timeout(Some(timeout))
            .build()
            .unwrap();
        let mut t = types_with(&engine);
        // A call that takes a few milliseconds must not be taken for one past its deadline.
        assert_eq!(t.spin(1_000_000).unwrap(), t.spin(1_000_000).unwrap());
        assert_eq!(t.echo_u8(7).unwrap(), 7);
    }
}

#[test]
fn a_full_pooling_allocator_is_an_instance_limit_and_frees_up_on_drop() {
    let engine = Engine::builder()
        .pooling(2)
        .max_memory(64 << 20)
        .build()
        .unwrap();
    let plugin = engine
        .load::<dyn types_contract::Types>(repo_path("tests/wasm/types.wasm"))
        .unwrap();
    let first = plugin.instantiate(TestHost::default()).unwrap();
    let _second = plugin.instantiate(TestHost::default()).unwrap();
    match plugin.instantiate(TestHost::default()).unwrap_err() {
        wasp::Error::InstanceLimit { limit, message } => {
            assert_eq!(limit, 2);
            assert!(message.contains("limit"), "{message}");
        }
        other => panic!("expected an instance limit, got {other:?}"),
    }
    drop(first);
    let mut third = plugin.instantiate(TestHost::default()).unwrap();
    assert_eq!(third.echo_u8(3).unwrap(), 3);
}
