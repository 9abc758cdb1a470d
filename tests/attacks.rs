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

/// On an engine whose wasm may use 64 KiB of native stack, so that the 256 KiB threads of
/// these tests have room for it.
fn deep_instance() -> wasp_host::Instance<dyn Deep, DeepHostImpl> {
    Engine::builder()
        .max_wasm_stack(64 << 10)
        .build()
        .unwrap()
        .load_bytes::<dyn Deep>(&common::wasm(deep_wat()))
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

fn engine_with(timeout: Duration) -> Engine {
    Engine::builder()
        .call_timeout(Some(timeout))
        .build()
        .unwrap()
}

/// Host functions a plugin can make slow.
#[wasp::host]
pub trait SlowHost {
    /// Sleeps `ms` milliseconds in the host.
    fn pause(&mut self, ms: u32);
}

/// Methods that use up each resource the host bounds.
#[wasp::plugin(host = SlowHost)]
pub trait Attack {
    /// Loops `n` times (for ever, in practice, with `u64::MAX`); returns `n`.
    fn spin(&self, n: u64) -> u64;
    /// Sleeps `ns` nanoseconds with WASI `poll_oneoff` on a relative monotonic clock;
    /// returns its errno.
    fn sleep(&self, ns: u64) -> u32;
    /// Sleeps until the monotonic clock reads `ns` (an absolute subscription).
    fn sleep_until(&self, ns: u64) -> u32;
    /// Calls the host's `pause(ms)`.
    fn host_pause(&self, ms: u32);
    /// Recurses without end.
    fn recurse(&self, n: u32) -> u32;
    /// Returns its argument, after the module's `$work`; `wasp_alloc` does `$work` too.
    fn echo(&self, text: String) -> String;
}

struct Slow;

impl SlowHost for Slow {
    fn pause(&mut self, ms: u32) {
        std::thread::sleep(Duration::from_millis(u64::from(ms)));
    }
}

/// An Attack plugin whose `wasp_alloc` and `echo` each run `work` (wasm instructions, with
/// `$sleep` and `$spin` at hand) before answering.
fn attack_wat(work: &str) -> String {
    let descriptor = <dyn Attack as Contract>::descriptor().render();
    let escaped = descriptor.replace('\n', "\\n");
    format!(
        r#"(module
          (@custom "wasp-contract" "{escaped}")
          (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
          (import "SlowHost" "pause" (func $pause (param i32)))
          (memory (export "memory") 1)
          (func $work {work})
          (func $sleep (param $ns i64) (param $flags i32) (result i32)
            (i64.store (i32.const 0x100) (i64.const 0))
            (i32.store8 (i32.const 0x108) (i32.const 0))
            (i32.store (i32.const 0x110) (i32.const 1))
            (i64.store (i32.const 0x118) (local.get $ns))
            (i64.store (i32.const 0x120) (i64.const 0))
            (i32.store16 (i32.const 0x128) (local.get $flags))
            (call $poll (i32.const 0x100) (i32.const 0x200) (i32.const 1) (i32.const 0x300)))
          (func $spin (param $n i64) (result i64) (local $i i64)
            (block $done
              (loop $l
                (br_if $done (i64.ge_u (local.get $i) (local.get $n)))
                (local.set $i (i64.add (local.get $i) (i64.const 1)))
                (br $l)))
            (local.get $n))
          (func (export "wasp_alloc") (param i32) (result i32) (call $work) (i32.const 1024))
          (func (export "spin") (param i64) (result i64) (call $spin (local.get 0)))
          (func (export "sleep") (param i64) (result i32) (call $sleep (local.get 0) (i32.const 0)))
          (func (export "sleep_until") (param i64) (result i32) (call $sleep (local.get 0) (i32.const 1)))
          (func (export "host_pause") (param i32) (call $pause (local.get 0)))
          (func $recurse (export "recurse") (param i32) (result i32)
            (i32.add (call $recurse (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
          (func (export "echo") (param i32 i32) (result i64)
            (call $work)
            (i64.or (i64.extend_i32_u (local.get 0))
                    (i64.shl (i64.extend_i32_u (local.get 1)) (i64.const 32)))))"#
    )
}

fn attack_on(engine: &Engine, work: &str) -> wasp_host::Instance<dyn Attack, Slow> {
    engine
        .load_bytes::<dyn Attack>(&common::wasm(attack_wat(work)))
        .expect("load the Attack plugin")
        .instantiate(Slow)
        .expect("instantiate")
}

/// Asserts that `error` is a timeout of `function` at `limit`.
#[track_caller]
fn assert_timeout(error: wasp::Error, function: &str, limit: Duration) {
    match error {
        wasp::Error::Timeout {
            function: f,
            limit: l,
        } => {
            assert_eq!(f, function);
            assert_eq!(l, limit);
        }
        other => panic!("expected a timeout of {function}, got {other:?}"),
    }
}

/// A fresh instance on `engine` answers: nothing the attack did outlived its instance.
#[track_caller]
fn fresh_instance_works(engine: &Engine) {
    let mut fresh = attack_on(engine, "");
    assert_eq!(fresh.spin(10).unwrap(), 10);
    assert_eq!(fresh.echo("still here".into()).unwrap(), "still here");
}

const SHORT: Duration = Duration::from_millis(200);
const STACK: usize = 2 << 20;

/// Sleeping in WASI is outside wasm, where the epoch never reaches: the wait is capped at
/// the deadline and the call ends with a timeout, not after a minute.
#[test]
fn a_wasi_sleep_beyond_the_deadline_is_a_timeout() {
    watchdog(Duration::from_secs(20), STACK, || {
        let engine = engine_with(SHORT);
        let mut attack = attack_on(&engine, "");
        assert_eq!(attack.sleep(1_000_000).unwrap(), 0, "a short sleep works");
        assert_timeout(attack.sleep(60_000_000_000).unwrap_err(), "sleep", SHORT);
        assert!(wasp_host::Instance::is_poisoned(&attack));
        fresh_instance_works(&engine);
    });
}

#[test]
fn an_absolute_wasi_sleep_beyond_the_deadline_is_a_timeout() {
    watchdog(Duration::from_secs(20), STACK, || {
        let engine = engine_with(SHORT);
        let mut attack = attack_on(&engine, "");
        assert_eq!(
            attack.sleep_until(0).unwrap(),
            0,
            "a wake-up in the past returns"
        );
        assert_timeout(
            attack.sleep_until(u64::MAX).unwrap_err(),
            "sleep_until",
            SHORT,
        );
        fresh_instance_works(&engine);
    });
}

/// Time in a host function counts towards the call's deadline.
#[test]
fn a_call_returning_from_the_host_after_its_deadline_is_a_timeout() {
    watchdog(Duration::from_secs(20), STACK, || {
        let engine = engine_with(SHORT);
        let mut attack = attack_on(&engine, "");
        attack.host_pause(1).unwrap();
        assert_timeout(attack.host_pause(500).unwrap_err(), "host_pause", SHORT);
        fresh_instance_works(&engine);
    });
}

/// The allocation of a call's arguments and its method share one deadline: each sleeps 60%
/// of the timeout, which only together pass it.
#[test]
fn allocation_and_method_share_one_deadline() {
    watchdog(Duration::from_secs(20), STACK, || {
        let timeout = Duration::from_millis(500);
        let engine = engine_with(timeout);
        let mut attack = attack_on(
            &engine,
            "(drop (call $sleep (i64.const 300000000) (i32.const 0)))",
        );
        assert_timeout(attack.echo("x".into()).unwrap_err(), "echo", timeout);
        fresh_instance_works(&engine);
    });
}

/// Start functions and `_initialize` share one deadline too.
#[test]
fn start_and_initialize_share_one_deadline() {
    watchdog(Duration::from_secs(20), STACK, || {
        let timeout = Duration::from_millis(500);
        let engine = engine_with(timeout);
        let module = r#"(module
          (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
          (memory (export "memory") 1)
          (func $sleep
            (i32.store (i32.const 0x110) (i32.const 1))
            (i64.store (i32.const 0x118) (i64.const 300000000))
            (drop (call $poll (i32.const 0x100) (i32.const 0x200) (i32.const 1) (i32.const 0x300))))
          (start $sleep)
          (func (export "_initialize") (call $sleep)))"#;
        let plugin = engine.load_raw_bytes(&common::wasm(module)).unwrap();
        assert_timeout(plugin.instantiate().unwrap_err(), "_initialize", timeout);
    });
}

/// A cancel from another thread ends a call sleeping in WASI, and one spinning in wasm,
/// with `Cancelled`; a concurrent instance of the same plugin is unaffected.
#[test]
fn a_cancel_from_another_thread_ends_the_running_call_only() {
    watchdog(Duration::from_secs(30), STACK, || {
        let engine = engine_with(Duration::from_secs(60));
        for method in ["spin", "sleep"] {
            let mut victim = attack_on(&engine, "");
            let mut bystander = attack_on(&engine, "");
            let handle = wasp_host::Instance::cancel_handle(&victim);
            let bystanding = std::thread::spawn(move || bystander.sleep(300_000_000));
            let canceller = std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(100));
                handle.cancel();
            });
            let error = match method {
                "spin" => victim.spin(u64::MAX).unwrap_err(),
                _ => victim.sleep(60_000_000_000).map(u64::from).unwrap_err(),
            };
            match error {
                wasp::Error::Cancelled { function } => assert_eq!(function, method),
                other => panic!("expected a cancel, got {other:?}"),
            }
            assert!(wasp_host::Instance::is_poisoned(&victim));
            canceller.join().unwrap();
            assert_eq!(bystanding.join().unwrap().unwrap(), 0);
            fresh_instance_works(&engine);
        }
    });
}

/// A cancel of an idle instance stops its next call before it starts, without poisoning it;
/// the call after that runs.
#[test]
fn a_cancel_of_an_idle_instance_stops_only_its_next_call() {
    watchdog(WATCHDOG, STACK, || {
        let engine = engine_with(SHORT);
        let mut attack = attack_on(&engine, "");
        let handle = wasp_host::Instance::cancel_handle(&attack);
        let clone = handle.clone();
        clone.cancel();
        match attack.echo("x".into()).unwrap_err() {
            wasp::Error::Cancelled { function } => assert_eq!(function, "echo"),
            other => panic!("expected a cancel, got {other:?}"),
        }
        assert!(!wasp_host::Instance::is_poisoned(&attack));
        assert_eq!(attack.echo("y".into()).unwrap(), "y");
        // A handle outliving its instance is harmless.
        drop(attack);
        handle.cancel();
        fresh_instance_works(&engine);
    });
}

/// A timeout set for one call overrides the engine's, then the engine's applies again.
#[test]
fn a_per_call_timeout_overrides_the_engines() {
    watchdog(WATCHDOG, STACK, || {
        let engine = engine_with(Duration::from_secs(60));
        let mut attack = attack_on(&engine, "");
        let short = Duration::from_millis(100);
        let error = wasp_host::Instance::with_call_timeout(&mut attack, Some(short), |a| {
            a.spin(u64::MAX).unwrap_err()
        })
        .unwrap();
        assert_timeout(error, "spin", short);
        let mut attack = attack_on(&engine, "");
        wasp_host::Instance::set_call_timeout(&mut attack, Some(short)).unwrap();
        assert_eq!(wasp_host::Instance::call_timeout(&attack), Some(short));
        assert_timeout(attack.sleep(u64::MAX).unwrap_err(), "sleep", short);
        let mut attack = attack_on(&engine, "");
        assert_eq!(
            wasp_host::Instance::call_timeout(&attack),
            Some(Duration::from_secs(60))
        );
        assert_eq!(attack.spin(1000).unwrap(), 1000);
    });
}

#[test]
fn without_an_engine_timeout_instances_cannot_set_one() {
    let engine = Engine::builder().call_timeout(None).build().unwrap();
    let mut attack = attack_on(&engine, "");
    assert!(matches!(
        wasp_host::Instance::set_call_timeout(&mut attack, Some(SHORT)).unwrap_err(),
        wasp::Error::Wasm { .. }
    ));
    assert!(matches!(
        wasp_host::Instance::set_fuel(&mut attack, 10).unwrap_err(),
        wasp::Error::Wasm { .. }
    ));
    assert_eq!(wasp_host::Instance::fuel_consumed(&attack), None);
    assert_eq!(attack.sleep(1_000).unwrap(), 0);
}

fn fuel_engine(budget: u64) -> Engine {
    Engine::builder().fuel(Some(budget)).build().unwrap()
}

/// Fuel: an endless loop ends with `OutOfFuel`, deterministically; what a call burnt is
/// readable; a fresh instance works.
#[test]
fn running_out_of_fuel_is_a_typed_error() {
    watchdog(WATCHDOG, STACK, || {
        let engine = fuel_engine(100_000);
        let mut attack = attack_on(&engine, "");
        assert_eq!(attack.spin(100).unwrap(), 100);
        let small = wasp_host::Instance::fuel_consumed(&attack).unwrap();
        assert_eq!(attack.spin(1000).unwrap(), 1000);
        let large = wasp_host::Instance::fuel_consumed(&attack).unwrap();
        assert!(small > 0 && large > small, "{small} then {large}");
        assert_eq!(attack.spin(1000).unwrap(), 1000);
        assert_eq!(
            wasp_host::Instance::fuel_consumed(&attack).unwrap(),
            large,
            "the same call burns the same fuel"
        );
        match attack.spin(u64::MAX).unwrap_err() {
            wasp::Error::OutOfFuel { function, budget } => {
                assert_eq!(function, "spin");
                assert_eq!(budget, 100_000);
            }
            other => panic!("expected out of fuel, got {other:?}"),
        }
        assert!(wasp_host::Instance::is_poisoned(&attack));
        fresh_instance_works(&engine);
        // An instance's own budget.
        let mut attack = attack_on(&engine, "");
        wasp_host::Instance::set_fuel(&mut attack, 10_000_000).unwrap();
        assert_eq!(attack.spin(1_000_000).unwrap(), 1_000_000);
        assert!(matches!(
            wasp_host::Instance::set_fuel(&mut attack, 0).unwrap_err(),
            wasp::Error::Wasm { .. }
        ));
    });
}

/// The allocation and the method of one call share one fuel budget.
#[test]
fn allocation_and_method_share_one_fuel_budget() {
    watchdog(WATCHDOG, STACK, || {
        let work = "(drop (call $spin (i64.const 1000)))";
        let engine = fuel_engine(1_000_000);
        let mut attack = attack_on(&engine, work);
        assert_eq!(attack.echo("x".into()).unwrap(), "x");
        let both = wasp_host::Instance::fuel_consumed(&attack).unwrap();
        // Enough for either half, not for both.
        let engine = fuel_engine(both * 3 / 4);
        let mut attack = attack_on(&engine, work);
        match attack.echo("x".into()).unwrap_err() {
            wasp::Error::OutOfFuel { function, .. } => assert_eq!(function, "echo"),
            other => panic!("expected out of fuel, got {other:?}"),
        }
        fresh_instance_works(&fuel_engine(1_000_000));
    });
}

/// Wasm recursion on a small thread: refused before entering wasm when the thread lacks the
/// wasm stack the engine allows, and a typed trap when it has it. Never an abort.
#[test]
fn wasm_recursion_on_a_small_thread_is_a_typed_trap() {
    watchdog(WATCHDOG, 256 << 10, || {
        let small = Engine::builder().max_wasm_stack(64 << 10).build().unwrap();
        let mut attack = attack_on(&small, "");
        match attack.recurse(0).unwrap_err() {
            wasp::Error::Trap {
                function, message, ..
            } => {
                assert_eq!(function, "recurse");
                assert!(message.contains("call stack exhausted"), "{message}");
            }
            other => panic!("expected a stack overflow trap, got {other:?}"),
        }
        fresh_instance_works(&small);
        // The default 512 KiB do not fit in this thread: refused before wasm runs.
        let plugin = common::engine()
            .load_bytes::<dyn Attack>(&common::wasm(attack_wat("")))
            .unwrap();
        match plugin.instantiate(Slow).unwrap_err() {
            wasp::Error::Trap { message, .. } => {
                assert!(message.contains("native stack"), "{message}");
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
    });
    // On an ordinary thread the default engine traps too.
    watchdog(WATCHDOG, STACK, || {
        let mut attack = attack_on(&common::engine(), "");
        assert!(matches!(
            attack.recurse(0).unwrap_err(),
            wasp::Error::Trap { .. }
        ));
    });
}

/// Many memories: the engine accepts one per module, so no memory escapes the limit.
#[test]
fn a_module_with_many_memories_is_refused_at_load() {
    let engine = common::engine();
    let error = engine
        .load_raw_bytes(&common::wasm(b"(module (memory 1) (memory 1) (memory 1))"))
        .unwrap_err();
    match error {
        wasp::Error::Wasm { message } => assert!(message.contains("memor"), "{message}"),
        other => panic!("expected a load error, got {other:?}"),
    }
    assert!(
        engine
            .load_raw_bytes(&common::wasm(b"(module (memory 1))"))
            .is_ok()
    );
}

/// Many tables: their elements count together against one per-instance limit.
#[test]
fn many_tables_share_one_limit() {
    let engine = common::engine();
    let per_table = wasp_host::DEFAULT_MAX_TABLE_ELEMENTS / 4 + 1;
    let tables: String = (0..4)
        .map(|_| format!("(table {per_table} funcref)"))
        .collect();
    let plugin = engine
        .load_raw_bytes(&common::wasm(format!("(module {tables})")))
        .unwrap();
    match plugin.instantiate().unwrap_err() {
        wasp::Error::TableLimit {
            requested, limit, ..
        } => {
            assert_eq!(limit, wasp_host::DEFAULT_MAX_TABLE_ELEMENTS as u64);
            assert!(requested > limit);
        }
        other => panic!("expected a table limit, got {other:?}"),
    }
    let three: String = (0..3)
        .map(|_| format!("(table {per_table} funcref)"))
        .collect();
    let plugin = engine
        .load_raw_bytes(&common::wasm(format!("(module {three})")))
        .unwrap();
    assert!(plugin.instantiate().is_ok());
    // Growing one table past the total at run time fails the growth (the plugin sees -1).
    let grow = format!(
        r#"(module {three}
          (func (export "grow") (result i32)
            (table.grow 0 (ref.null func) (i32.const {per_table}))))"#
    );
    let mut raw = engine
        .load_raw_bytes(&common::wasm(&grow))
        .unwrap()
        .instantiate()
        .unwrap();
    assert_eq!(raw.call::<i32>("grow", ()).unwrap(), -1);
}

/// A module beyond the engine's size limit is refused before it is parsed or compiled.
#[test]
fn a_module_beyond_the_size_limit_is_refused() {
    let big = common::wasm(attack_wat(""));
    // Just below the module's own size: the size check alone refuses it.
    let limit = big.len() - 1;
    let engine = Engine::builder().max_module_size(limit).build().unwrap();
    match engine.load_bytes::<dyn Attack>(&big).unwrap_err() {
        wasp::Error::TooLarge {
            function,
            size,
            limit,
        } => {
            assert_eq!(function, "module");
            assert_eq!(size, big.len() as u64);
            assert_eq!(limit, (big.len() - 1) as u64);
        }
        other => panic!("expected too large, got {other:?}"),
    }
    assert!(engine.load_raw_bytes(&common::wasm(b"(module)")).is_ok());
}

/// A plugin file beyond the size limit is refused after reading one byte more than the limit,
/// not the whole file.
#[test]
fn a_plugin_file_beyond_the_size_limit_is_refused_from_its_path() {
    let path = common::repo_path("examples/greeter/plugins/greeter-go.wasm");
    let size = std::fs::metadata(&path).unwrap().len();
    let engine = Engine::builder().max_module_size(1 << 20).build().unwrap();
    match engine
        .load::<dyn greeter_contract::Greeter>(&path)
        .unwrap_err()
    {
        wasp::Error::TooLarge {
            function,
            size: reported,
            limit,
        } => {
            assert_eq!(function, "module");
            assert_eq!((reported, limit), (size, 1 << 20));
        }
        other => panic!("expected too large, got {other:?}"),
    }
    assert!(engine.load_raw(&path).is_err());
    let roomy = Engine::builder()
        .max_module_size(size as usize)
        .build()
        .unwrap();
    assert!(roomy.load::<dyn greeter_contract::Greeter>(&path).is_ok());
}

/// Engine settings are checked and never overflow.
#[test]
fn engine_settings_are_checked() {
    let rejected = |builder: wasp_host::EngineBuilder| match builder.build() {
        Err(wasp::Error::Wasm { message }) => message,
        Err(other) => panic!("expected a rejection, got {other:?}"),
        Ok(_) => panic!("expected a rejection"),
    };
    assert!(rejected(Engine::builder().fuel(Some(0))).contains("fuel"));
    assert!(rejected(Engine::builder().max_wasm_stack(0)).contains("stack"));
    watchdog(WATCHDOG, STACK, || {
        // The longest timeout: calls work, nothing overflows.
        let engine = engine_with(Duration::MAX);
        let mut attack = attack_on(&engine, "");
        assert_eq!(attack.sleep(1_000).unwrap(), 0);
        wasp_host::Instance::set_call_timeout(&mut attack, Some(Duration::MAX)).unwrap();
        assert_eq!(attack.spin(10).unwrap(), 10);
        // No time at all: a call that loops ends at once.
        let engine = engine_with(Duration::ZERO);
        let mut attack = attack_on(&engine, "");
        assert_timeout(attack.spin(u64::MAX).unwrap_err(), "spin", Duration::ZERO);
        // The largest fuel budget.
        let engine = fuel_engine(u64::MAX);
        assert_eq!(attack_on(&engine, "").spin(10).unwrap(), 10);
    });
}

/// A component binary is not a plugin: refused at load with a typed error.
#[test]
fn a_component_given_as_a_plugin_is_refused_at_load() {
    let engine = common::engine();
    let component = wat::parse_str("(component)").unwrap();
    assert!(matches!(
        engine.load_raw_bytes(&component).unwrap_err(),
        wasp::Error::Wasm { .. }
    ));
    assert!(matches!(
        engine.load_bytes::<dyn Attack>(&component).unwrap_err(),
        wasp::Error::Wasm { .. }
    ));
    fresh_instance_works(&engine);
}

/// More tables than an instance may have: a typed refusal at instantiation, before any
/// plugin code runs.
#[test]
fn more_tables_than_allowed_are_refused_at_instantiation() {
    let engine = common::engine();
    let tables: String = (0..17).map(|_| "(table 1 funcref)").collect();
    let plugin = engine
        .load_raw_bytes(&common::wasm(format!("(module {tables})")))
        .unwrap();
    assert!(matches!(
        plugin.instantiate().unwrap_err(),
        wasp::Error::Instantiation { .. }
    ));
    fresh_instance_works(&engine);
}

/// A memory declared larger than the limit: refused at instantiation as the memory limit.
#[test]
fn a_declared_memory_beyond_the_limit_is_a_memory_limit() {
    let engine = Engine::builder().max_memory(1 << 20).build().unwrap();
    let plugin = engine
        .load_raw_bytes(&common::wasm(
            b"(module (memory (export \"memory\") 65536))",
        ))
        .unwrap();
    match plugin.instantiate().unwrap_err() {
        wasp::Error::MemoryLimit {
            function,
            requested,
            limit,
        } => {
            assert_eq!(function, "start");
            assert_eq!(requested, 1 << 32);
            assert_eq!(limit, 1 << 20);
        }
        other => panic!("expected a memory limit, got {other:?}"),
    }
    fresh_instance_works(&engine);
}

/// Log lines: a length beyond memory is a lie (`OutOfBounds`); a flood of long lines is
/// truncated per line and costs the host nothing it keeps.
#[test]
fn log_lines_that_lie_or_flood() {
    watchdog(WATCHDOG, STACK, || {
        let engine = common::engine();
        let module = |body: &str| {
            format!(
                r#"(module
                  (import "wasp" "log" (func $log (param i32 i32 i32)))
                  (memory (export "memory") 2)
                  (func (export "run") {body}))"#
            )
        };
        let mut liar = engine
            .load_raw_bytes(&common::wasm(module(
                "(call $log (i32.const 1) (i32.const 0) (i32.const -1))",
            )))
            .unwrap()
            .instantiate()
            .unwrap();
        match liar.call::<()>("run", ()).unwrap_err() {
            wasp::Error::OutOfBounds { function, len, .. } => {
                assert_eq!(function, "wasp.log");
                assert_eq!(len, u32::MAX);
            }
            other => panic!("expected a lie, got {other:?}"),
        }
        // 10 000 lines of 128 KiB each (twice the longest line kept).
        let flood = "(local $i i32)
            (loop $l
              (call $log (i32.const 1) (i32.const 0) (i32.const 131072))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $l (i32.lt_u (local.get $i) (i32.const 10000))))";
        let mut flooder = engine
            .load_raw_bytes(&common::wasm(module(flood)))
            .unwrap()
            .instantiate()
            .unwrap();
        flooder.call::<()>("run", ()).unwrap();
        fresh_instance_works(&engine);
    });
}

/// Half the instances attack (loop, sleep, recurse, bomb their memory), concurrently; the
/// other half answer correctly all along.
#[test]
fn concurrent_instances_half_hostile_half_answering() {
    watchdog(WATCHDOG, STACK, || {
        let engine = Engine::builder()
            .call_timeout(Some(SHORT))
            .max_memory(1 << 20)
            .build()
            .unwrap();
        let mut threads = Vec::new();
        for i in 0..8 {
            let engine = engine.clone();
            threads.push(std::thread::spawn(move || {
                let mut attack = attack_on(&engine, "");
                match i % 2 {
                    0 => {
                        for n in 0..200u64 {
                            assert_eq!(attack.spin(n).unwrap(), n);
                            let text = format!("answer {n}");
                            assert_eq!(attack.echo(text.clone()).unwrap(), text);
                        }
                    }
                    _ => {
                        let error = match i {
                            1 => attack.spin(u64::MAX).unwrap_err(),
                            3 => attack.sleep(u64::MAX).map(u64::from).unwrap_err(),
                            5 => attack.recurse(0).map(u64::from).unwrap_err(),
                            _ => attack.host_pause(1_000).map(|()| 0).unwrap_err(),
                        };
                        match (i, error) {
                            (5, wasp::Error::Trap { function, .. }) => {
                                assert_eq!(function, "recurse")
                            }
                            (1 | 3 | 7, wasp::Error::Timeout { limit, .. }) => {
                                assert_eq!(limit, SHORT)
                            }
                            (_, other) => panic!("attack {i}: unexpected {other:?}"),
                        }
                        assert!(wasp_host::Instance::is_poisoned(&attack));
                    }
                }
            }));
        }
        for t in threads {
            t.join().expect("no thread panics");
        }
        fresh_instance_works(&engine);
    });
}

/// Raw instances have the same limits: a per-instance timeout, cancellation, fuel.
#[test]
fn raw_instances_have_the_same_limits() {
    watchdog(WATCHDOG, STACK, || {
        let module = br#"(module (func (export "forever") (loop (br 0)))
                                  (func (export "one") (result i32) (i32.const 1)))"#;
        let engine = engine_with(Duration::from_secs(60));
        let plugin = engine.load_raw_bytes(&common::wasm(module)).unwrap();
        let mut raw = plugin.instantiate().unwrap();
        raw.set_call_timeout(Some(SHORT)).unwrap();
        assert_eq!(raw.call_timeout(), Some(SHORT));
        assert_timeout(raw.call::<()>("forever", ()).unwrap_err(), "forever", SHORT);
        let mut raw = plugin.instantiate().unwrap();
        let handle = raw.cancel_handle();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            handle.cancel();
        });
        assert!(matches!(
            raw.call::<()>("forever", ()).unwrap_err(),
            wasp::Error::Cancelled { .. }
        ));
        let fuel = fuel_engine(10_000);
        let mut raw = fuel
            .load_raw_bytes(&common::wasm(module))
            .unwrap()
            .instantiate()
            .unwrap();
        assert_eq!(raw.call::<i32>("one", ()).unwrap(), 1);
        assert!(raw.fuel_consumed().unwrap() > 0);
        raw.set_fuel(100).unwrap();
        assert!(matches!(
            raw.call::<()>("forever", ()).unwrap_err(),
            wasp::Error::OutOfFuel { budget: 100, .. }
        ));
        let mut fresh = plugin.instantiate().unwrap();
        assert_eq!(fresh.call::<i32>("one", ()).unwrap(), 1);
    });
}

/// Instantiation has its own deadline, apart from the calls'.
#[test]
fn instantiation_has_its_own_deadline() {
    watchdog(WATCHDOG, STACK, || {
        let module = br#"(module
          (global $ready (mut i32) (i32.const 0))
          (func (export "_initialize") (loop (br_if 0 (i32.eqz (global.get $ready)))))
          (func (export "one") (result i32) (i32.const 1)))"#;
        for call_timeout in [Some(Duration::from_secs(60)), None] {
            let engine = Engine::builder()
                .call_timeout(call_timeout)
                .instantiation_timeout(Some(SHORT))
                .build()
                .unwrap();
            let plugin = engine.load_raw_bytes(&common::wasm(module)).unwrap();
            assert_timeout(plugin.instantiate().unwrap_err(), "_initialize", SHORT);
            let mut attack = attack_on(&engine, "");
            assert_eq!(wasp_host::Instance::call_timeout(&attack), call_timeout);
            assert_eq!(attack.spin(1000).unwrap(), 1000);
        }
    });
}
