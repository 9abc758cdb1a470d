//! A soak: a million mixed calls (scalars, strings, serde values, host callbacks) on one
//! instance, with the plugin's memory and the host's resident memory flat after warm-up.

mod common;

use std::time::Duration;

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

const CALLS: usize = 1_000_000;
/// Calls per round: one of each kind.
const KINDS: usize = 5;

#[test]
fn a_million_mixed_calls_keep_memory_flat() {
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut t = common::types_instance();
        let record = common::sample_record();
        let text = "naïve café ✓ ".repeat(8);
        let round = |t: &mut wasp_host::Instance<dyn types_contract::Types, common::TestHost>,
                     i: usize| {
            let n = i as u32;
            assert_eq!(t.echo_u32(n).unwrap(), n);
            assert_eq!(t.echo_string(text.clone()).unwrap(), text);
            assert_eq!(t.echo_record(record.clone()).unwrap(), record);
            assert_eq!(t.call_upper("abc".into()).unwrap(), "ABC");
            assert_eq!(t.call_rename(record.clone(), "x".into()).unwrap().name, "x");
        };
        let warm_up = CALLS / KINDS / 20;
        for i in 0..warm_up {
            round(&mut t, i);
        }
        let (memory_before, rss_before) = (wasp_host::Instance::memory_size(&t), rss());
        let started = std::time::Instant::now();
        for i in 0..CALLS / KINDS - warm_up {
            round(&mut t, i);
        }
        let took = started.elapsed();
        let (memory_after, rss_after) = (wasp_host::Instance::memory_size(&t), rss());
        let _ = send.send((memory_before, memory_after, rss_before, rss_after, took));
    });
    let (memory_before, memory_after, rss_before, rss_after, took) = receive
        .recv_timeout(Duration::from_secs(900))
        .expect("the soak finished within the watchdog's 15 minutes");
    eprintln!(
        "{CALLS} calls in {took:?}: plugin memory {memory_before} -> {memory_after} bytes, \
         RSS {rss_before} -> {rss_after} bytes"
    );
    assert_eq!(memory_before, memory_after, "the plugin's memory grew");
    assert!(
        rss_after <= rss_before + (4 << 20),
        "resident memory grew from {rss_before} to {rss_after} bytes"
    );
}
