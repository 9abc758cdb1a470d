//! Where a plugin's standard output and error go: captured per instance (and capped),
//! forwarded to `tracing` line by line, or discarded.

mod common;

use common::events::record;
use common::sandbox_plugin;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use tracing::Level;
use tracing::level_filters::LevelFilter;
use wasp_host::{DEFAULT_CAPTURE_LIMIT, Instance, InstanceConfig, Output, Stream};

/// Counts the live bytes of the host's heap and their peak, to show what a flood of output
/// costs the host. wasm memories are mapped, not allocated here, so they do not count.
struct CountingAllocator;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// The tests of this file run one at a time, so that the heap peak is this test's own.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

fn capturing() -> InstanceConfig {
    InstanceConfig::new()
        .stdout(Output::Capture)
        .stderr(Output::Capture)
}

#[test]
fn captured_output_of_two_instances_does_not_mix() {
    let _serial = serial();
    let plugin = sandbox_plugin();
    let mut a = plugin.instantiate_with((), &capturing()).unwrap();
    let mut b = plugin.instantiate_with((), &capturing()).unwrap();
    for i in 0..3 {
        a.print(format!("a out {i}\n")).unwrap().unwrap();
        b.print(format!("b out {i}\n")).unwrap().unwrap();
        b.eprint(format!("b err {i}\n")).unwrap().unwrap();
        a.eprint(format!("a err {i}\n")).unwrap().unwrap();
    }
    assert_eq!(
        common::stdout(&a).contents(),
        b"a out 0\na out 1\na out 2\n"
    );
    assert_eq!(
        common::stderr(&a).contents(),
        b"a err 0\na err 1\na err 2\n"
    );
    assert_eq!(
        common::stdout(&b).contents(),
        b"b out 0\nb out 1\nb out 2\n"
    );
    assert_eq!(
        common::stderr(&b).contents(),
        b"b err 0\nb err 1\nb err 2\n"
    );

    // On threads at the same time, too.
    let threads: Vec<_> = ["x", "y", "z"]
        .into_iter()
        .map(|name| {
            let plugin = plugin.clone();
            std::thread::spawn(move || {
                let mut p = plugin.instantiate_with((), &capturing()).unwrap();
                for i in 0..200 {
                    p.print(format!("{name}{i} ")).unwrap().unwrap();
                }
                (name, common::stdout(&p).take())
            })
        })
        .collect();
    for thread in threads {
        let (name, out) = thread.join().unwrap();
        let expected: String = (0..200).map(|i| format!("{name}{i} ")).collect();
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }
}

#[test]
fn take_empties_the_buffer_and_only_captured_streams_have_one() {
    let _serial = serial();
    let config = InstanceConfig::new()
        .stdout(Output::Capture)
        .stderr(Output::Discard);
    let mut p = sandbox_plugin().instantiate_with((), &config).unwrap();
    p.print("first\n".into()).unwrap().unwrap();
    p.eprint("discarded\n".into()).unwrap().unwrap();
    assert_eq!(common::stdout(&p).take(), b"first\n");
    assert_eq!(common::stdout(&p).contents(), b"");
    p.print("second\n".into()).unwrap().unwrap();
    assert_eq!(common::stdout(&p).contents(), b"second\n");
    assert!(
        Instance::captured(&p, Stream::Stderr).is_none(),
        "a discarded stream has no capture"
    );
}

#[test]
fn a_plugin_writing_100_mib_to_captured_stdout_cannot_exhaust_host_memory() {
    let _serial = serial();
    const TOTAL: u64 = 100 << 20;
    let plugin = sandbox_plugin();
    let mut p = plugin.instantiate_with((), &capturing()).unwrap();
    p.print("warm-up\n".into()).unwrap().unwrap();
    common::stdout(&p).take();

    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    // Every write succeeds from the plugin's point of view...
    assert_eq!(p.flood_stdout(TOTAL).unwrap(), Ok(TOTAL));
    let peak_growth = PEAK.load(Ordering::Relaxed).saturating_sub(before);
    eprintln!("the host's heap peaked {peak_growth} bytes above its level before the flood");

    // ... the host keeps the first DEFAULT_CAPTURE_LIMIT bytes and counts the rest ...
    let out = common::stdout(&p).contents();
    assert_eq!(out.len(), DEFAULT_CAPTURE_LIMIT);
    assert!(
        out.chunks(64)
            .all(|line| line[..63].iter().all(|&b| b == b'x') && line[63] == b'\n')
    );
    assert_eq!(
        common::stdout(&p).dropped(),
        TOTAL - DEFAULT_CAPTURE_LIMIT as u64
    );
    // ... and its heap grew by about the cap, not by the 100 MiB written.
    assert!(
        peak_growth < 8 * DEFAULT_CAPTURE_LIMIT,
        "the host's heap peaked {peak_growth} bytes above where it was"
    );
    assert!(!Instance::is_poisoned(&p));
}

#[test]
fn the_capture_limit_is_configurable_and_taking_makes_room_again() {
    let _serial = serial();
    let config = InstanceConfig::new()
        .stdout(Output::Capture)
        .capture_limit(10);
    let mut p = sandbox_plugin().instantiate_with((), &config).unwrap();
    p.print("0123456".into()).unwrap().unwrap();
    p.print("789abcdef".into()).unwrap().unwrap();
    assert_eq!(common::stdout(&p).contents(), b"0123456789");
    assert_eq!(common::stdout(&p).dropped(), 6);
    assert_eq!(common::stdout(&p).take(), b"0123456789");
    p.print("xyz".into()).unwrap().unwrap();
    assert_eq!(common::stdout(&p).contents(), b"xyz");
    assert_eq!(common::stdout(&p).dropped(), 6);
    assert!(Instance::captured(&p, Stream::Stderr).is_none());
}

#[test]
fn by_default_output_becomes_one_tracing_event_per_line() {
    let _serial = serial();
    let plugin = sandbox_plugin();
    let (id, events) = record(LevelFilter::TRACE, || {
        let mut p = plugin.instantiate(()).unwrap();
        p.print("one\ntwo\r\nthr".into()).unwrap().unwrap();
        p.print("ee\n\nlast without newline".into())
            .unwrap()
            .unwrap();
        p.eprint("oops\n".into()).unwrap().unwrap();
        assert!(
            Instance::captured(&p, Stream::Stdout).is_none(),
            "forwarded output is not captured"
        );
        Instance::id(&p)
        // Dropping the instance forwards the unfinished line.
    });
    let stdout = events.events_of(wasp_host::STDOUT_TARGET);
    let lines: Vec<&str> = stdout.iter().map(|e| e.message()).collect();
    assert_eq!(lines, ["one", "two", "three", "", "last without newline"]);
    for event in &stdout {
        assert_eq!(event.level, Level::INFO);
        assert_eq!(event.field("plugin"), "sandbox");
        assert_eq!(event.field("instance"), id.to_string());
        // Not inside the engine's WASI `fd_write` span (nor any other): its fields are
        // guest memory addresses.
        assert_eq!(event.parent, None, "{event:?}");
    }
    let stderr = events.events_of(wasp_host::STDERR_TARGET);
    assert_eq!(stderr.len(), 1);
    assert_eq!(stderr[0].message(), "oops");
    assert_eq!(stderr[0].level, Level::WARN);
    assert_eq!(stderr[0].field("plugin"), "sandbox");
    assert_eq!(stderr[0].field("instance"), id.to_string());
}

#[test]
fn a_forwarded_line_longer_than_the_maximum_arrives_in_pieces() {
    let _serial = serial();
    let max = wasp_host::MAX_FORWARDED_LINE;
    let long = "y".repeat(2 * max + 5);
    let ((), events) = record(LevelFilter::INFO, || {
        let mut p = sandbox_plugin().instantiate(()).unwrap();
        p.print(format!("{long}\nshort\n")).unwrap().unwrap();
    });
    let lengths: Vec<usize> = events
        .events_of(wasp_host::STDOUT_TARGET)
        .iter()
        .map(|e| e.message().len())
        .collect();
    assert_eq!(lengths, [max, max, 5, "short".len()]);
}

#[test]
fn discarded_output_goes_nowhere() {
    let _serial = serial();
    let config = InstanceConfig::new()
        .stdout(Output::Discard)
        .stderr(Output::Discard);
    let ((), events) = record(LevelFilter::TRACE, || {
        let mut p = sandbox_plugin().instantiate_with((), &config).unwrap();
        p.print("gone\n".into()).unwrap().unwrap();
        p.eprint("gone too\n".into()).unwrap().unwrap();
        assert!(Instance::captured(&p, Stream::Stdout).is_none());
    });
    assert!(events.events_of(wasp_host::STDOUT_TARGET).is_empty());
    assert!(events.events_of(wasp_host::STDERR_TARGET).is_empty());
}
