//! Nothing leaks after a failure: instantiations that fail in every cheap way, a hundred
//! thousand times, leave the host's resident memory flat.

mod common;

use std::time::Duration;
use wasp_host::Engine;

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

/// About 17 s in a debug build on a shared two-core machine (measured).
const CYCLES: usize = 100_000;

#[test]
fn failing_instantiations_leave_memory_flat() {
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let engine = Engine::builder()
            .max_memory(1 << 20)
            .call_timeout(Some(Duration::from_secs(10)))
            .build()
            .unwrap();
        let failing = [
            // A trap in the start function.
            "(module (memory (export \"memory\") 1) (func $s unreachable) (start $s))",
            // Memory beyond the limit at instantiation.
            "(module (memory (export \"memory\") 64))",
            // Tables beyond the per-instance total.
            "(module (table 600000 funcref) (table 600000 funcref))",
            // A lie: an out-of-bounds store in `_initialize`.
            "(module (memory (export \"memory\") 1)
               (func (export \"_initialize\") (i32.store (i32.const 70000) (i32.const 1))))",
        ];
        let plugins: Vec<_> = failing
            .iter()
            .map(|wat| engine.load_raw_bytes(&common::wasm(wat)).unwrap())
            .collect();
        let cycle = |i: usize| {
            let error = plugins[i % plugins.len()].instantiate().unwrap_err();
            assert!(
                matches!(
                    error,
                    wasp::Error::Trap { .. }
                        | wasp::Error::MemoryLimit { .. }
                        | wasp::Error::TableLimit { .. }
                        | wasp::Error::Instantiation { .. }
                ),
                "{error:?}"
            );
        };
        // Warm-up: allocator pools, wasmtime's caches and lazily made structures settle.
        for i in 0..CYCLES / 10 {
            cycle(i);
        }
        let before = rss();
        let started = std::time::Instant::now();
        for i in 0..CYCLES {
            cycle(i);
        }
        let after = rss();
        // And a fresh instance of a good plugin still works.
        let good = engine
            .load_raw_bytes(&common::wasm(
                b"(module (func (export \"one\") (result i32) i32.const 1))",
            ))
            .unwrap();
        assert_eq!(
            good.instantiate().unwrap().call::<i32>("one", ()).unwrap(),
            1
        );
        let _ = send.send((before, after, started.elapsed()));
    });
    let (before, after, took) = receive
        .recv_timeout(Duration::from_secs(600))
        .expect("the cycles finished within the watchdog's 10 minutes");
    eprintln!("{CYCLES} failing instantiations in {took:?}: RSS {before} -> {after} bytes");
    // A leak of even 100 bytes a cycle would add megabytes; allow some noise.
    assert!(
        after <= before + (4 << 20),
        "resident memory grew from {before} to {after} bytes over {CYCLES} failures"
    );
}
