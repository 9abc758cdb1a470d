//! Attack classes: a plugin trying to crash, hang or exhaust the host from outside its
//! sandbox's obvious walls (deep values, blocking WASI calls, many memories or tables, costly
//! loading, the native stack). Each case runs under a watchdog, asserts the exact error and
//! then checks that a fresh instance of the same plugin still answers.

mod common;

use std::sync::mpsc;
use std::time::Duration;
use types_contract::Record;
use wasp::Contract;
use wasp_host::Engine;

/// Runs `f` on a thread with a `stack`-byte native stack and fails the test if it has not
/// finished within `limit`: every attack must end, and end in time.
fn watchdog<T: Send + 'static>(
    limit: Duration,
    stack: usize,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (send, receive) = mpsc::channel();
    std::thread::Builder::new()
        .stack_size(stack)
        .spawn(move || {
            let _ = send.send(f());
        })
        .expect("spawn the attack's thread");
    match receive.recv_timeout(limit) {
        Ok(value) => value,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("the attack did not end within {limit:?}"),
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("the attack's thread panicked"),
    }
}

const WATCHDOG: Duration = Duration::from_secs(60);

/// What plugins may return and send: `Record` nests through `inner: Option<Box<Record>>`.
#[wasp::host]
pub trait DeepHost {
    fn take(&mut self, record: Record) -> u32;
}

#[wasp::plugin(host = DeepHost)]
pub trait Deep {
    /// Returns the `levels`-deep chain of records the plugin wrote into its memory.
    fn record(&self, levels: u32) -> Record;
    /// Sends the same chain to the host's `take`, and returns what it answered.
    fn send(&self, levels: u32) -> u32;
}

struct DeepHostImpl;

impl DeepHost for DeepHostImpl {
    fn take(&mut self, record: Record) -> u32 {
        let mut depth = 1;
        let mut r = &record;
        while let Some(inner) = &r.inner {
            depth += 1;
            r = inner;
        }
        depth
    }
}

/// A Deep plugin: `$chain` writes `levels` records, each `id 0, name "", tags [], shape
/// Empty, inner Some(..)` (bytes 00 00 00 00 01), the last with `inner None`, then each
/// level's empty `scores` (00), at 64 KiB, and returns its length. Each record is two levels
/// of nesting (the struct and its `Option`).
fn deep_wat() -> String {
    let descriptor = <dyn Deep as Contract>::descriptor().render();
    let escaped = descriptor.replace('\n', "\\n");
    format!(
        r#"(module
          (@custom "wasp-contract" "{escaped}")
          (import "DeepHost" "take" (func $take (param i32 i32) (result i32)))
          (memory (export "memory") 100)
          (func (export "wasp_alloc") (param i32) (result i32) (i32.const 1024))
          (func $chain (param $levels i32) (result i32)
            (local $i i32) (local $at i32)
            (local.set $at (i32.const 65536))
            (memory.fill (local.get $at) (i32.const 0) (i32.mul (local.get $levels) (i32.const 6)))
            (block $done
              (loop $next
                (br_if $done (i32.ge_u (local.get $i) (i32.sub (local.get $levels) (i32.const 1))))
                (i32.store8 offset=4 (local.get $at) (i32.const 1))
                (local.set $at (i32.add (local.get $at) (i32.const 5)))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $next)))
            (i32.mul (local.get $levels) (i32.const 6)))
          (func (export "record") (param i32) (result i64)
            (i64.or (i64.const 65536)
                    (i64.shl (i64.extend_i32_u (call $chain (local.get 0))) (i64.const 32))))
          (func (export "send") (param i32) (result i32)
            (call $take (i32.const 65536) (call $chain (local.get 0)))))"#
    )
}

fn deep_instance() -> wasp_host::Instance<dyn Deep, DeepHostImpl> {
    common::engine()
        .load_bytes::<dyn Deep>(deep_wat().as_bytes())
        .expect("load the Deep plugin")
        .instantiate(DeepHostImpl)
        .expect("instantiate")
}

/// A million levels of nesting in a result, decoded on a thread with a 256 KiB stack: a
/// decode error naming the bound, not a stack overflow that aborts the host.
#[test]
fn a_deeply_nested_result_is_a_decode_error_not_a_stack_overflow() {
    watchdog(WATCHDOG, 256 << 10, || {
        let mut deep = deep_instance();
        assert_eq!(
            deep.record(3).unwrap().inner.unwrap().inner.unwrap().inner,
            None
        );
        match deep.record(1_000_000).unwrap_err() {
            wasp::Error::Decode { function, detail } => {
                assert_eq!(function, "record");
                assert!(detail.contains("nested more than 128"), "{detail}");
            }
            other => panic!("expected a decode error, got {other:?}"),
        }
        assert!(matches!(
            deep.record(1).unwrap_err(),
            wasp::Error::Poisoned { .. }
        ));
        assert_eq!(deep_instance().record(2).unwrap().id, 0);
    });
}

/// The same chain as a host function's argument.
#[test]
fn a_deeply_nested_host_argument_is_a_decode_error_not_a_stack_overflow() {
    watchdog(WATCHDOG, 256 << 10, || {
        let mut deep = deep_instance();
        assert_eq!(deep.send(50).unwrap(), 50);
        match deep.send(1_000_000).unwrap_err() {
            wasp::Error::Decode { function, detail } => {
                assert_eq!(function, "take");
                assert!(detail.contains("nested more than 128"), "{detail}");
            }
            other => panic!("expected a decode error, got {other:?}"),
        }
        assert_eq!(deep_instance().send(5).unwrap(), 5);
    });
}

#[allow(dead_code)]
fn engine_with(timeout: Duration) -> Engine {
    Engine::builder()
        .call_timeout(Some(timeout))
        .build()
        .unwrap()
}
