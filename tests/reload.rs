//! Hot reload: switching a plugin to a new build while callers keep calling it.
//!
//! `tests/wasm/reload-a.wasm` and `reload-b.wasm` are two builds of one plugin
//! (`tests/plugins/reload-a`, `reload-b`) whose answers start with their build's name, so
//! every test can tell which build served a call.

mod common;

use common::{TempDir, repo_path};
use reload_contract::Build;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};
use wasp::Error;
use wasp_host::{Engine, Pool, Pooled, Reloadable, Reuse};

const A: &str = "tests/wasm/reload-a.wasm";
const B: &str = "tests/wasm/reload-b.wasm";

fn bytes(artifact: &str) -> Vec<u8> {
    std::fs::read(repo_path(artifact)).expect("a committed test plugin")
}

/// Build `a`, as a reloadable plugin not tied to a file.
fn reloadable(engine: &Engine) -> Reloadable<dyn Build> {
    let plugin = engine
        .load_bytes::<dyn Build>(&bytes(A))
        .expect("build a loads");
    Reloadable::new(engine, plugin)
}

/// The build (`a` or `b`) named by an answer of `add`.
fn build_of(answer: &str) -> &str {
    answer.split(':').next().unwrap_or("")
}

/// Runs `f` on its own thread and fails the test if it takes longer than `limit`, instead
/// of letting a hang stall the suite.
fn within<T: Send + 'static>(limit: Duration, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (done, outcome) = mpsc::channel();
    let worker = std::thread::spawn(move || {
        let _ = done.send(f());
    });
    match outcome.recv_timeout(limit) {
        Ok(value) => {
            let _ = worker.join();
            value
        }
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("did not finish within {limit:?}"),
        Err(mpsc::RecvTimeoutError::Disconnected) => match worker.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => unreachable!("the worker sends before it returns"),
        },
    }
}

#[test]
fn a_reload_switches_new_instances_and_leaves_running_ones_on_their_version() {
    let engine = common::engine();
    let plugin = reloadable(&engine);
    let mut old = plugin.instantiate(()).unwrap();
    assert_eq!(old.add(1, 2).unwrap(), "a: 3");
    assert_eq!(old.count().unwrap(), 1);

    let v2 = plugin.reload_bytes(&bytes(B)).unwrap();
    assert_eq!((v2.number(), plugin.version()), (2, 2));
    assert!(v2.digest().is_some());

    let mut new = plugin.instantiate(()).unwrap();
    assert_eq!(new.add(1, 2).unwrap(), "b: 3");
    assert_eq!(wasp_host::Versioned::version(&new).number(), 2);
    // The instance made before the switch keeps its build and its state.
    assert_eq!(old.add(1, 2).unwrap(), "a: 3");
    assert_eq!(old.count().unwrap(), 2);
    assert_eq!(wasp_host::Versioned::version(&old).number(), 1);
}

#[test]
fn a_refused_build_leaves_the_current_version_serving_and_says_why() {
    let engine = common::engine();
    let plugin = reloadable(&engine);

    match plugin.reload_bytes(b"not wasm at all") {
        Err(Error::Wasm { .. }) => {}
        other => panic!("expected Error::Wasm, got {other:?}"),
    }
    // A valid plugin of another contract: the differences are listed.
    let greeter = bytes("examples/greeter/plugins/greeter-c.wasm");
    match plugin.reload_bytes(&greeter) {
        Err(Error::ContractMismatch {
            contract,
            differences,
        }) => {
            assert_eq!(contract, "Build");
            assert!(!differences.is_empty());
        }
        other => panic!("expected Error::ContractMismatch, got {other:?}"),
    }
    assert_eq!(plugin.version(), 1);
    assert_eq!(plugin.live_versions(), vec![1]);
    let mut instance = plugin.instantiate(()).unwrap();
    assert_eq!(instance.add(2, 2).unwrap(), "a: 4");
}

#[test]
fn reload_reads_the_file_again_and_skips_unchanged_bytes() {
    let dir = TempDir::new("reload-file");
    let path = dir.join("plugin.wasm");
    std::fs::write(&path, bytes(A)).unwrap();
    let engine = common::engine();
    let plugin = engine.load_reloadable::<dyn Build>(&path).unwrap();
    assert_eq!(plugin.current().plugin().name(), "plugin");
    assert!(plugin.reload_if_changed().unwrap().is_none());

    std::fs::write(&path, bytes(B)).unwrap();
    let v2 = plugin
        .reload_if_changed()
        .unwrap()
        .expect("changed bytes reload");
    assert_eq!(v2.number(), 2);
    assert_eq!(plugin.instantiate(()).unwrap().add(0, 7).unwrap(), "b: 7");

    // Reloading the same bytes on request still makes a new version.
    assert_eq!(plugin.reload().unwrap().number(), 3);

    std::fs::remove_file(&path).unwrap();
    assert!(matches!(plugin.reload(), Err(Error::Io { .. })));
    assert_eq!(plugin.version(), 3);

    // A plugin not loaded from a file has nothing to reload from.
    let detached = reloadable(&engine);
    assert!(matches!(detached.reload(), Err(Error::Io { .. })));
}

#[test]
fn contract_evolution_applies_to_reloads() {
    use revisions_v2 as v2;
    let engine = common::engine();
    let v1_bytes = bytes("tests/wasm/revisions-v1.wasm");
    let v2_bytes = bytes("tests/wasm/revisions-v2.wasm");

    // A host of the contract's second revision starts on a build of the first: the method
    // added `since = 2` is unavailable, and becomes available with the newer build.
    let first = engine.load_bytes::<dyn v2::Evolving>(&v1_bytes).unwrap();
    let plugin = Reloadable::new(&engine, first);
    assert!(!plugin.current().plugin().supports("ev_stats"));
    let mut old = plugin.instantiate(()).unwrap();
    assert!(matches!(old.ev_stats(), Err(Error::Unavailable { .. })));

    plugin.reload_bytes(&v2_bytes).unwrap();
    assert!(plugin.current().plugin().supports("ev_stats"));
    let mut new = plugin.instantiate(()).unwrap();
    assert_eq!(new.ev_hello("Nic".into()).unwrap(), "Hello Nic");
    assert_eq!(new.ev_stats().unwrap().greetings, 1);

    // A build that breaks the contract is refused with the usual differences: revision 1
    // lacks `ma_upper`, which revision 2 added without `since`.
    let breaking = Reloadable::new(
        &engine,
        engine.load_bytes::<dyn v2::MethodAdded>(&v2_bytes).unwrap(),
    );
    match breaking.reload_bytes(&v1_bytes) {
        Err(Error::ContractMismatch { differences, .. }) => {
            assert!(
                differences.iter().any(|d| d.contains("ma_upper")),
                "{differences:?}"
            );
        }
        other => panic!("expected Error::ContractMismatch, got {other:?}"),
    }
    assert_eq!(breaking.version(), 1);
}

#[test]
fn nothing_of_an_old_version_is_kept_once_its_instances_are_gone() {
    let engine = common::engine();
    let plugin = reloadable(&engine);
    let pool = plugin
        .pool(|| ())
        .max_instances(3)
        .prewarm(2)
        .build()
        .unwrap();
    let held = pool.get().unwrap();
    let instance = plugin.instantiate(()).unwrap();

    plugin.reload_bytes(&bytes(B)).unwrap();
    assert_eq!(plugin.live_versions(), vec![1, 2]);

    // An idle instance of version 1 is dropped at the next checkout instead of served.
    let mut fresh = pool.get().unwrap();
    assert_eq!(Pooled::version(&fresh).number(), 2);
    assert_eq!(fresh.add(1, 1).unwrap(), "b: 2");
    drop(fresh);
    assert_eq!(pool.metrics().retired, 1);

    // The checkout made before the switch serves on version 1, and is dropped when it
    // comes back.
    assert_eq!(Pooled::version(&held).number(), 1);
    drop(held);
    assert_eq!(pool.metrics().retired, 2);
    assert_eq!(plugin.live_versions(), vec![1, 2]);
    drop(instance);
    assert_eq!(plugin.live_versions(), vec![2]);
    assert_eq!(pool.metrics().busy, 0);
}

#[test]
fn retire_stale_drains_idle_instances_of_old_versions_at_once() {
    let engine = common::engine();
    let plugin = reloadable(&engine);
    let pool = plugin
        .pool(|| ())
        .max_instances(4)
        .prewarm(4)
        .build()
        .unwrap();
    assert_eq!(pool.metrics().idle, 4);
    plugin.reload_bytes(&bytes(B)).unwrap();
    assert_eq!(plugin.live_versions(), vec![1, 2]);
    pool.retire_stale();
    let metrics = pool.metrics();
    assert_eq!((metrics.idle, metrics.retired), (0, 4));
    assert_eq!(plugin.live_versions(), vec![2]);
}

/// The memory of old versions comes back: after many reloads through a pool, the
/// process's resident memory stays near where it was after the first few. Resident memory
/// is the whole process's, so the measurement runs alone, in a child process running only
/// this test.
#[test]
fn memory_returns_after_many_reloads() {
    const CHILD: &str = "WASP_RELOAD_MEMORY_CHILD";
    if std::env::var_os(CHILD).is_none() {
        let exe = std::env::current_exe().expect("the test binary");
        let status = within(Duration::from_secs(600), move || {
            std::process::Command::new(exe)
                .args([
                    "--exact",
                    "memory_returns_after_many_reloads",
                    "--test-threads=1",
                    "--nocapture",
                ])
                .env(CHILD, "1")
                .status()
        })
        .expect("run the test binary");
        assert!(
            status.success(),
            "the measuring child process failed: {status}"
        );
        return;
    }

    fn rss_bytes() -> u64 {
        let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
        let pages: u64 = statm
            .split_whitespace()
            .nth(1)
            .and_then(|p| p.parse().ok())
            .unwrap_or(0);
        pages * 4096
    }
    let engine = common::engine();
    let plugin = reloadable(&engine);
    let pool = plugin.pool(|| ()).max_instances(2).build().unwrap();
    let builds = [bytes(B), bytes(A)];
    let cycle = |i: usize| {
        plugin.reload_bytes(&builds[i % 2]).unwrap();
        let mut instance = pool.get().unwrap();
        let expected = if i.is_multiple_of(2) { "b" } else { "a" };
        assert_eq!(build_of(&instance.add(1, 1).unwrap()), expected);
    };
    for i in 0..20 {
        cycle(i);
    }
    let warm = rss_bytes();
    for i in 20..120 {
        cycle(i);
    }
    let after = rss_bytes();
    assert!(plugin.live_versions().len() <= 2);
    let grown = after.saturating_sub(warm);
    eprintln!(
        "resident memory: {} MiB after 20 reloads, {} MiB after 120",
        warm >> 20,
        after >> 20
    );
    // 100 versions kept alive would take far more than this: each compiled module maps
    // its code, and each instance its linear memory.
    assert!(
        grown < 24 << 20,
        "resident memory grew by {} MiB over 100 reloads",
        grown >> 20
    );
}

/// Percentile `p` (0 to 100) of `sorted`.
fn percentile(sorted: &[Duration], p: usize) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[(sorted.len() - 1) * p / 100]
}

/// What the load test measured on one run.
struct LoadRun {
    calls: usize,
    elapsed: Duration,
    switches: u64,
    latencies: Vec<Duration>,
}

/// Callers on `threads` threads check an instance out of a pool of a reloadable plugin,
/// call it and return it, until `switches` reloads (alternating builds `b` and `a`) are done,
/// or for `duration` when `switches` is zero. Every call must succeed and be answered by the
/// build of its instance's version; no checkout that starts after a switch has returned may
/// get an older version.
fn load_run(threads: usize, switches: u64, duration: Duration) -> LoadRun {
    let engine = common::engine();
    let plugin = reloadable(&engine);
    let pool: Pool<dyn Build, ()> = plugin
        .pool(|| ())
        .max_instances(threads + 1)
        .reuse(Reuse::Keep)
        .build()
        .unwrap();
    // The version whose switch has completed most recently: any checkout that starts
    // after reading it must get that version or a newer one.
    let switched = Arc::new(AtomicU64::new(1));
    let stop = Arc::new(AtomicBool::new(false));
    let latencies = Arc::new(Mutex::new((Vec::new(), 0usize)));
    let callers: Vec<_> = (0..threads)
        .map(|t| {
            let (pool, switched, stop, latencies) = (
                pool.clone(),
                switched.clone(),
                stop.clone(),
                latencies.clone(),
            );
            std::thread::spawn(move || {
                let mut mine = Vec::new();
                let mut calls = 0usize;
                let mut i = 0u32;
                while !stop.load(Ordering::Acquire) {
                    let floor = switched.load(Ordering::Acquire);
                    let started = Instant::now();
                    let mut instance = pool.get().expect("checkout");
                    let answer = instance.add(t as u32, i).expect("a call during reloads");
                    let version = Pooled::version(&instance).number();
                    drop(instance);
                    // Every 16th latency is enough for percentiles, and keeps the sample
                    // small over millions of calls.
                    if calls.is_multiple_of(16) {
                        mine.push(started.elapsed());
                    }
                    calls += 1;
                    assert!(
                        version >= floor,
                        "a checkout after switch {floor} got version {version}"
                    );
                    // Odd versions are build a, even ones build b.
                    let expected = if version % 2 == 1 { "a" } else { "b" };
                    assert_eq!(
                        answer,
                        format!("{expected}: {}", (t as u32).wrapping_add(i)),
                        "version {version}"
                    );
                    i = i.wrapping_add(1);
                }
                let mut all = latencies.lock().unwrap();
                all.0.extend(mine);
                all.1 += calls;
            })
        })
        .collect();
    let bytes = [bytes(B), bytes(A)];
    let loaded = bytes
        .each_ref()
        .map(|b| engine.load_bytes::<dyn Build>(b).expect("both builds load"));
    let started = Instant::now();
    let mut done = 0;
    while done < switches {
        let build = (done % 2) as usize;
        // Every tenth switch loads and verifies the build from its bytes, as a deployment
        // would; the others switch to the build loaded once above, so that the test spends
        // its time calling rather than compiling.
        let version = if done.is_multiple_of(10) {
            plugin.reload_bytes(&bytes[build]).expect("reload")
        } else {
            plugin.replace(loaded[build].clone())
        };
        switched.store(version.number(), Ordering::Release);
        done += 1;
        std::thread::sleep(Duration::from_millis(5));
    }
    while started.elapsed() < duration {
        std::thread::sleep(Duration::from_millis(10));
    }
    stop.store(true, Ordering::Release);
    for caller in callers {
        if let Err(panic) = caller.join() {
            std::panic::resume_unwind(panic);
        }
    }
    // Everything was returned: only the last version is left.
    pool.retire_stale();
    assert_eq!(plugin.live_versions(), vec![plugin.version()]);
    let (mut latencies, calls) = std::mem::take(&mut *latencies.lock().unwrap());
    latencies.sort_unstable();
    LoadRun {
        calls,
        switches: done,
        elapsed: started.elapsed(),
        latencies,
    }
}

/// Several threads call continuously while the plugin is switched back and forth between
/// two builds 100 times: no call fails, each is answered by the build of its version, and
/// no checkout after a switch gets the old build. Prints the call latency with and without
/// reloads (`cargo test --test reload -- --nocapture`); timings are reported, not asserted.
#[test]
fn a_hundred_reloads_under_load_fail_no_call() {
    let (with, without) = within(Duration::from_secs(600), || {
        let with = load_run(3, 100, Duration::ZERO);
        let without = load_run(3, 0, with.elapsed);
        (with, without)
    });
    assert_eq!(with.switches, 100);
    assert!(with.calls > 0 && without.calls > 0);
    eprintln!(
        "reload under load: {} calls in {:?} during {} reloads, p50 {:?} p99 {:?}; \
         without reloads: {} calls, p50 {:?} p99 {:?}",
        with.calls,
        with.elapsed,
        with.switches,
        percentile(&with.latencies, 50),
        percentile(&with.latencies, 99),
        without.calls,
        percentile(&without.latencies, 50),
        percentile(&without.latencies, 99),
    );
}

#[cfg(feature = "watch")]
#[test]
fn a_watched_file_is_reloaded_when_a_write_settles_and_refused_when_broken() {
    use common::events::Recorder;
    use tracing::level_filters::LevelFilter;

    // The watcher logs on its own thread: record globally (this is the only test of this
    // binary that sets a global subscriber).
    let recorder = Recorder::new(LevelFilter::INFO);
    tracing::subscriber::set_global_default(recorder.clone()).expect("one global subscriber");
    // Other tests of this binary reload too: count only this plugin's events.
    let reload_events = move |message: &str| {
        recorder
            .events_of(wasp_host::RELOAD_TARGET)
            .iter()
            .filter(|e| e.field("plugin") == "watched" && e.message().contains(message))
            .count()
    };

    let dir = TempDir::new("reload-watch");
    let path = dir.join("watched.wasm");
    std::fs::write(&path, bytes(A)).unwrap();
    let engine = common::engine();
    let plugin = engine.load_reloadable::<dyn Build>(&path).unwrap();
    let watcher = plugin.watch_with(Duration::from_millis(50)).unwrap();
    assert_eq!(watcher.path(), path);

    let wait_for = |what: &str, done: &dyn Fn() -> bool| {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !done() {
            assert!(Instant::now() < deadline, "waited 20 s for {what}");
            std::thread::sleep(Duration::from_millis(10));
        }
    };

    // A new build written beside the file and renamed over it.
    let staged = dir.join("watched.wasm.tmp");
    std::fs::write(&staged, bytes(B)).unwrap();
    std::fs::rename(&staged, &path).unwrap();
    wait_for("the reload to build b", &|| plugin.version() == 2);
    assert_eq!(plugin.instantiate(()).unwrap().add(1, 1).unwrap(), "b: 2");
    assert_eq!(reload_events("plugin reloaded"), 1);

    // Half a module, left as is: refused, and build b keeps serving.
    let a = bytes(A);
    std::fs::write(&path, &a[..a.len() / 2]).unwrap();
    wait_for("the refusal", &|| reload_events("refused") >= 1);
    assert_eq!(plugin.version(), 2);
    assert_eq!(plugin.instantiate(()).unwrap().add(1, 1).unwrap(), "b: 2");

    // The rest of it: now it loads.
    std::fs::write(&path, &a).unwrap();
    wait_for("the reload to build a", &|| plugin.version() == 3);
    assert_eq!(plugin.instantiate(()).unwrap().add(1, 1).unwrap(), "a: 2");

    drop(watcher);
    // No longer watched: a change is not picked up.
    std::fs::write(&path, bytes(B)).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(plugin.version(), 3);
}

/// The example of README's "Hot reload" section: it serves calls and, when another build is
/// copied over its plugin file, answers from the new version without a failed call.
#[cfg(feature = "watch")]
#[test]
fn the_hot_reload_example_switches_versions_when_its_plugin_is_replaced() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    // `cargo test` builds the examples next to the test binaries' directory.
    let exe = std::env::current_exe().expect("the test binary");
    let example = exe
        .parent()
        .and_then(Path::parent)
        .map(|dir| dir.join("examples").join("hot-reload"))
        .expect("the target directory");
    if !example.exists() {
        // Built by a plain `cargo test`; not when only this test target was asked for.
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let built = Command::new(cargo)
            .args(["build", "-p", "wasp-host", "--example", "hot-reload"])
            .status()
            .expect("run cargo");
        assert!(
            built.success() && example.exists(),
            "cannot build the example"
        );
    }
    let dir = TempDir::new("hot-reload-example");
    let path = dir.join("greeter.wasm");
    let mut child = Command::new(&example)
        .arg(&path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the example");
    let stdout = child.stdout.take().expect("piped stdout");
    let (lines_tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut seen = Vec::new();
    let mut wait_for = |prefix: &str| {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match lines.recv_timeout(left) {
                Ok(line) => {
                    let found = line.starts_with(prefix);
                    seen.push(line);
                    if found {
                        return;
                    }
                }
                Err(_) => panic!("no line starting {prefix:?}; the example printed {seen:#?}"),
            }
        }
    };
    wait_for("version 1 ");
    // As README says: copy another build over the plugin file.
    let staged = dir.join("greeter.wasm.new");
    std::fs::copy(
        repo_path("examples/greeter/plugins/greeter-rust.wasm"),
        &staged,
    )
    .unwrap();
    std::fs::rename(&staged, &path).unwrap();
    wait_for("version 2 ");
    let _ = child.kill();
    let _ = child.wait();
    for line in seen.iter().filter(|l| l.starts_with("version")) {
        assert!(line.ends_with("hello(\"Nic\") = \"Hello Nic\""), "{line}");
    }
}
