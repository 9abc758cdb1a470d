//! Every fault in every phase: a hand-written module traps, loops, sleeps in WASI, recurses,
//! bombs its memory, divides by zero, exits or burns its fuel, in its start function, in
//! `_initialize`, in `wasp_alloc` or in a method. Each case runs under a watchdog, asserts
//! the exact error and the function it names, that a failed instance is poisoned, and that
//! the host still answers afterwards.

mod common;

use std::sync::mpsc;
use std::time::Duration;
use wasp_host::{Engine, RawInstance, RawPlugin};

/// Where the fault is.
#[derive(Clone, Copy, PartialEq)]
enum Phase {
    Start,
    Initialize,
    Alloc,
    Method,
}

/// The faults, as wasm instructions that leave nothing on the stack.
const TRAP: &str = "unreachable";
const LOOP: &str = "(loop (br 0))";
const SLEEP: &str = "(drop (call $sleep (i64.const 60000000000)))";
const RECURSE: &str = "(drop (call $recurse (i32.const 0)))";
const MEMORY_BOMB: &str = "(drop (memory.grow (i32.const 1000))) unreachable";
const DIVIDE_BY_ZERO: &str = "(drop (i32.div_u (i32.const 1) (i32.const 0)))";
const EXIT: &str = "(call $exit (i32.const 3))";
/// A loop that only fuel ends (the engine's timeout is far away in that case).
const BURN: &str = "(loop (br 0))";

const TIMEOUT: Duration = Duration::from_millis(200);
/// The memory limit, in bytes: 16 pages.
const MAX_MEMORY: usize = 1 << 20;

/// A module with the fault in `phase`: `run(text) -> text` echoes its argument, `ok()`
/// answers 7.
fn module(phase: Phase, fault: &str) -> String {
    let at = |p: Phase| if p == phase { fault } else { "" };
    format!(
        r#"(module
          (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
          (memory (export "memory") 1)
          (func $sleep (param $ns i64) (result i32)
            (i32.store (i32.const 0x110) (i32.const 1))
            (i64.store (i32.const 0x118) (local.get $ns))
            (call $poll (i32.const 0x100) (i32.const 0x200) (i32.const 1) (i32.const 0x300)))
          (func $recurse (param i32) (result i32)
            (i32.add (call $recurse (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
          (func $start {start})
          (start $start)
          (func (export "_initialize") {initialize})
          (func (export "wasp_alloc") (param i32) (result i32) {alloc} (i32.const 1024))
          (func (export "run") (param i32 i32) (result i64)
            {method}
            (i64.or (i64.extend_i32_u (local.get 0))
                    (i64.shl (i64.extend_i32_u (local.get 1)) (i64.const 32))))
          (func (export "ok") (result i32) (i32.const 7)))"#,
        start = at(Phase::Start),
        initialize = at(Phase::Initialize),
        alloc = at(Phase::Alloc),
        method = at(Phase::Method),
    )
}

fn engine(fuel: bool) -> Engine {
    let builder = Engine::builder()
        .call_timeout(Some(if fuel {
            Duration::from_secs(60)
        } else {
            TIMEOUT
        }))
        .max_memory(MAX_MEMORY);
    let builder = if fuel {
        builder.fuel(Some(1_000_000))
    } else {
        builder
    };
    builder.build().expect("engine")
}

/// The function an error names, when it names one.
fn function(error: &wasp::Error) -> Option<&str> {
    match error {
        wasp::Error::Trap { function, .. }
        | wasp::Error::Timeout { function, .. }
        | wasp::Error::MemoryLimit { function, .. }
        | wasp::Error::Exit { function, .. }
        | wasp::Error::OutOfFuel { function, .. } => Some(function),
        _ => None,
    }
}

/// Runs the fault in `phase` and returns its error, after checking what must hold around it.
fn attack(phase: Phase, fault: &'static str, fuel: bool) -> wasp::Error {
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let engine = engine(fuel);
        let plugin: RawPlugin = engine
            .load_raw_bytes(&common::wasm(module(phase, fault)))
            .expect("the module loads: its faults are only at run time");
        let expected = match phase {
            Phase::Start => "start",
            Phase::Initialize => "_initialize",
            Phase::Alloc => "wasp_alloc",
            Phase::Method => "run",
        };
        let error = match phase {
            Phase::Start | Phase::Initialize => plugin.instantiate().unwrap_err(),
            Phase::Alloc | Phase::Method => {
                let mut instance: RawInstance = plugin.instantiate().expect("instantiate");
                assert_eq!(instance.call::<i32>("ok", ()).unwrap(), 7);
                let error = instance.call::<String>("run", ("text",)).unwrap_err();
                assert!(instance.is_poisoned(), "the instance is poisoned");
                assert!(matches!(
                    instance.call::<i32>("ok", ()).unwrap_err(),
                    wasp::Error::Poisoned { .. }
                ));
                // A fresh instance of the same plugin answers.
                let mut fresh = plugin.instantiate().expect("a fresh instance");
                assert_eq!(fresh.call::<i32>("ok", ()).unwrap(), 7);
                error
            }
        };
        assert_eq!(function(&error), Some(expected), "{error:?}");
        // The engine still runs a healthy plugin.
        let mut healthy = engine
            .load_raw_bytes(&common::wasm(module(Phase::Method, "")))
            .unwrap()
            .instantiate()
            .unwrap();
        assert_eq!(healthy.call::<String>("run", ("ok",)).unwrap(), "ok");
        let _ = send.send(error);
    });
    match receive.recv_timeout(Duration::from_secs(60)) {
        Ok(error) => error,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("the attack did not end within 60 s"),
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("the attack's thread panicked"),
    }
}

macro_rules! cases {
    ($($name:ident: $phase:ident, $fault:ident, $fuel:expr, $pattern:pat => ends;)*) => {
        $(
            #[test]
            fn $name() {
                let error = attack(Phase::$phase, $fault, $fuel);
                assert!(matches!(error, $pattern), "{error:?}");
            }
        )*
    };
}

cases! {
    trap_in_start: Start, TRAP, false, wasp::Error::Trap { .. } => ends;
    trap_in_initialize: Initialize, TRAP, false, wasp::Error::Trap { .. } => ends;
    trap_in_alloc: Alloc, TRAP, false, wasp::Error::Trap { .. } => ends;
    trap_in_method: Method, TRAP, false, wasp::Error::Trap { .. } => ends;
    loop_in_start: Start, LOOP, false, wasp::Error::Timeout { .. } => ends;
    loop_in_initialize: Initialize, LOOP, false, wasp::Error::Timeout { .. } => ends;
    loop_in_alloc: Alloc, LOOP, false, wasp::Error::Timeout { .. } => ends;
    loop_in_method: Method, LOOP, false, wasp::Error::Timeout { .. } => ends;
    sleep_in_initialize: Initialize, SLEEP, false, wasp::Error::Timeout { .. } => ends;
    sleep_in_alloc: Alloc, SLEEP, false, wasp::Error::Timeout { .. } => ends;
    sleep_in_method: Method, SLEEP, false, wasp::Error::Timeout { .. } => ends;
    recursion_in_start: Start, RECURSE, false, wasp::Error::Trap { .. } => ends;
    recursion_in_initialize: Initialize, RECURSE, false, wasp::Error::Trap { .. } => ends;
    recursion_in_alloc: Alloc, RECURSE, false, wasp::Error::Trap { .. } => ends;
    recursion_in_method: Method, RECURSE, false, wasp::Error::Trap { .. } => ends;
    memory_bomb_in_start: Start, MEMORY_BOMB, false, wasp::Error::MemoryLimit { .. } => ends;
    memory_bomb_in_initialize: Initialize, MEMORY_BOMB, false, wasp::Error::MemoryLimit { .. } => ends;
    memory_bomb_in_alloc: Alloc, MEMORY_BOMB, false, wasp::Error::MemoryLimit { .. } => ends;
    memory_bomb_in_method: Method, MEMORY_BOMB, false, wasp::Error::MemoryLimit { .. } => ends;
    division_by_zero_in_start: Start, DIVIDE_BY_ZERO, false, wasp::Error::Trap { .. } => ends;
    division_by_zero_in_initialize: Initialize, DIVIDE_BY_ZERO, false, wasp::Error::Trap { .. } => ends;
    division_by_zero_in_alloc: Alloc, DIVIDE_BY_ZERO, false, wasp::Error::Trap { .. } => ends;
    division_by_zero_in_method: Method, DIVIDE_BY_ZERO, false, wasp::Error::Trap { .. } => ends;
    exit_in_start: Start, EXIT, false, wasp::Error::Exit { status: 3, .. } => ends;
    exit_in_initialize: Initialize, EXIT, false, wasp::Error::Exit { status: 3, .. } => ends;
    exit_in_alloc: Alloc, EXIT, false, wasp::Error::Exit { status: 3, .. } => ends;
    exit_in_method: Method, EXIT, false, wasp::Error::Exit { status: 3, .. } => ends;
    fuel_burnt_in_start: Start, BURN, true, wasp::Error::OutOfFuel { budget: 1_000_000, .. } => ends;
    fuel_burnt_in_initialize: Initialize, BURN, true, wasp::Error::OutOfFuel { budget: 1_000_000, .. } => ends;
    fuel_burnt_in_alloc: Alloc, BURN, true, wasp::Error::OutOfFuel { budget: 1_000_000, .. } => ends;
    fuel_burnt_in_method: Method, BURN, true, wasp::Error::OutOfFuel { budget: 1_000_000, .. } => ends;
}

/// A WASI sleep in a start function, before the host has recorded the instance's memory:
/// the wait is bounded all the same.
#[test]
fn sleep_in_start() {
    let error = attack(Phase::Start, SLEEP, false);
    assert!(matches!(error, wasp::Error::Timeout { .. }), "{error:?}");
}
