//! Plugins cannot hang the host or take all its memory: calls time out, memory is capped,
//! and both end as typed errors.

mod common;

use common::{TestHost, repo_path};
use std::time::{Duration, Instant};
use wasp_host::{Engine, Instance};

fn types_with(engine: &Engine) -> Instance<dyn types_contract::Types> {
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
        .load_raw_bytes(br#"(module (func (export "forever") (loop (br 0))))"#)
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
