//! Serving many callers: a pool checkout + call + return beside a warm call, throughput
//! through a pool from 1 and 2 threads, and load time (compile, cached, precompiled) for
//! every Greeter plugin.
//!
//! ```text
//! RUST_LIB_BACKTRACE=0 cargo bench -p wasp-host --bench serving
//! RUST_LIB_BACKTRACE=0 cargo bench -p wasp-host --bench serving -- --quick
//! ```
//!
//! A plain timed loop rather than criterion: throughput needs threads running side by side
//! for a fixed time, and load times are long enough to time one by one. Each figure is the
//! median of several rounds, every round in this process, and each ratio divides two figures
//! of this run. `--quick` runs fewer and shorter rounds (CI checks that the bench runs, not
//! what it prints).

use greeter_contract::{Greeter, GreeterHost};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use wasp_host::{Engine, Plugin, Pool};

const PLUGINS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/greeter/plugins");

const LANGUAGES: [&str; 6] = ["c", "rust", "zig", "assemblyscript", "java", "go"];

/// Pool slots of the pooling allocator: the pool's two instances and a few spare.
const SLOTS: u32 = 16;

struct Host;

impl GreeterHost for Host {
    fn call_me(&mut self, name: String) -> String {
        format!("Hello {name}")
    }
}

/// How long and how often to measure.
struct Plan {
    /// Rounds of each measurement; the median is printed.
    rounds: usize,
    /// Calls per round of a per-call figure.
    calls: u32,
    /// Length of one throughput round.
    window: Duration,
    /// Rounds of each load measurement.
    loads: usize,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // `cargo test --benches` runs this without `--bench`: check that it runs, quickly.
    let quick = args.iter().any(|a| a == "--quick") || !args.iter().any(|a| a == "--bench");
    let plan = if quick {
        Plan {
            rounds: 3,
            calls: 20_000,
            window: Duration::from_millis(100),
            loads: 1,
        }
    } else {
        Plan {
            rounds: 11,
            calls: 200_000,
            window: Duration::from_millis(500),
            loads: 5,
        }
    };
    if std::env::var("RUST_LIB_BACKTRACE").as_deref() != Ok("0") {
        eprintln!("note: run with RUST_LIB_BACKTRACE=0, as the calls bench says");
    }
    println!(
        "serving bench ({}; {} cores seen)",
        if quick { "quick" } else { "full" },
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let engine = Engine::builder().pooling(SLOTS).build().expect("engine");
    let plugin = engine
        .load::<dyn Greeter>(plugin_path("rust"))
        .expect("load greeter-rust");
    checkout(&plugin, &plan);
    fresh(&plugin, &plan);
    throughput(&plugin, &plan);
    load_times(&plan);
}

fn plugin_path(language: &str) -> PathBuf {
    Path::new(PLUGINS).join(format!("greeter-{language}.wasm"))
}

/// The median of `rounds` runs of `f`, in nanoseconds per call of `calls`.
fn per_call(rounds: usize, calls: u32, mut f: impl FnMut()) -> f64 {
    let mut all: Vec<f64> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..calls {
                f();
            }
            start.elapsed().as_nanos() as f64 / f64::from(calls)
        })
        .collect();
    median(&mut all)
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn checkout(plugin: &Plugin<dyn Greeter>, plan: &Plan) {
    let pool = Pool::builder(plugin.clone(), || Host)
        .max_instances(2)
        .prewarm(1)
        .build()
        .expect("pool");
    let mut warm = plugin.instantiate(Host).expect("instantiate");
    assert_eq!(warm.sum(3, 2).expect("sum"), 5);
    assert_eq!(pool.get().expect("checkout").sum(3, 2).expect("sum"), 5);
    let warm_ns = per_call(plan.rounds, plan.calls, || {
        black_box(warm.sum(black_box(3), black_box(2)).expect("sum"));
    });
    let pooled_ns = per_call(plan.rounds, plan.calls, || {
        let mut g = pool.get().expect("checkout");
        black_box(g.sum(black_box(3), black_box(2)).expect("sum"));
    });
    let warm_hello = per_call(plan.rounds, plan.calls, || {
        black_box(warm.hello(black_box("Nic".to_string())).expect("hello"));
    });
    let pooled_hello = per_call(plan.rounds, plan.calls, || {
        let mut g = pool.get().expect("checkout");
        black_box(g.hello(black_box("Nic".to_string())).expect("hello"));
    });
    println!();
    println!(
        "pool checkout + call + return beside a warm call (greeter-rust; median of {} rounds; target <= 1.5x)",
        plan.rounds
    );
    println!(
        "  {:<16} {:>10} {:>12} {:>8}",
        "call", "warm", "via pool", "ratio"
    );
    for (call, warm, pooled) in [
        ("sum(3, 2)", warm_ns, pooled_ns),
        ("hello(\"Nic\")", warm_hello, pooled_hello),
    ] {
        println!(
            "  {call:<16} {warm:>7.1} ns {pooled:>9.1} ns {:>7.2}x",
            pooled / warm
        );
    }
}

/// `Reuse::Fresh` (a new instance per checkout) on the pooling allocator and on the default
/// on-demand one: what choosing the allocator changes.
fn fresh(pooling: &Plugin<dyn Greeter>, plan: &Plan) {
    let on_demand = Engine::new()
        .expect("engine")
        .load::<dyn Greeter>(plugin_path("rust"))
        .expect("load greeter-rust");
    let calls = plan.calls / 20;
    let row = |plugin: &Plugin<dyn Greeter>| {
        let pool = Pool::builder(plugin.clone(), || Host)
            .max_instances(2)
            .reuse(wasp_host::Reuse::Fresh)
            .build()
            .expect("pool");
        per_call(plan.rounds, calls, || {
            let mut g = pool.get().expect("checkout");
            black_box(g.sum(black_box(3), black_box(2)).expect("sum"));
        })
    };
    let (pooled, demand) = (row(pooling), row(&on_demand));
    println!();
    println!(
        "Reuse::Fresh: new instance + sum per checkout (greeter-rust; median of {} rounds)",
        plan.rounds
    );
    println!("  pooling allocator              {:9.2} us", pooled / 1e3);
    println!("  on-demand allocator            {:9.2} us", demand / 1e3);
    println!("  on-demand / pooling            {:9.2}x", demand / pooled);
}

/// Calls per second from `threads` threads, each calling what `make` gives it for `window`.
fn calls_per_second<F: FnMut()>(
    threads: usize,
    window: Duration,
    make: &(impl Fn() -> F + Sync),
) -> f64 {
    let start = Instant::now();
    let total: u64 = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut call = make();
                    let mut calls = 0u64;
                    while start.elapsed() < window {
                        // A batch per clock read, so that the clock is not what is measured.
                        for _ in 0..64 {
                            call();
                            calls += 1;
                        }
                    }
                    calls
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().expect("worker")).sum()
    });
    total as f64 / start.elapsed().as_secs_f64()
}

fn throughput(plugin: &Plugin<dyn Greeter>, plan: &Plan) {
    let pool = Pool::builder(plugin.clone(), || Host)
        .max_instances(2)
        .prewarm(2)
        .build()
        .expect("pool");
    let pooled = || {
        || {
            let mut g = pool.get().expect("checkout");
            black_box(g.hello(black_box("Nic".to_string())).expect("hello"));
        }
    };
    // The same calls on an instance of each thread's own, without a pool: how far the
    // machine itself lets two threads scale.
    let own = || {
        let mut g = plugin.instantiate(Host).expect("instantiate");
        move || {
            black_box(g.hello(black_box("Nic".to_string())).expect("hello"));
        }
    };
    // No wasm at all: what the greeting costs in Rust, the control for the machine.
    let native = || {
        || {
            black_box(format!("Hello {}", black_box("Nic")));
        }
    };
    // Alternate the runs, so that a burst of load from elsewhere on the machine hits all.
    let mut runs: [Vec<f64>; 6] = Default::default();
    for _ in 0..plan.rounds {
        runs[0].push(calls_per_second(1, plan.window, &pooled));
        runs[1].push(calls_per_second(2, plan.window, &pooled));
        runs[2].push(calls_per_second(1, plan.window, &own));
        runs[3].push(calls_per_second(2, plan.window, &own));
        runs[4].push(calls_per_second(1, plan.window, &native));
        runs[5].push(calls_per_second(2, plan.window, &native));
    }
    let [one, two, own_one, own_two, native_one, native_two] = runs.map(|mut r| median(&mut r));
    println!();
    println!(
        "throughput, calls/s (greeter-rust, hello(\"Nic\"); median of {} rounds of {:?}; target: pool scaling >= 1.8x)",
        plan.rounds, plan.window
    );
    println!(
        "  {:<28} {:>12} {:>12} {:>8}",
        "", "1 thread", "2 threads", "scaling"
    );
    println!(
        "  {:<28} {one:>12.0} {two:>12.0} {:>7.2}x",
        "through a pool of 2",
        two / one
    );
    println!(
        "  {:<28} {own_one:>12.0} {own_two:>12.0} {:>7.2}x",
        "own instance, no pool",
        own_two / own_one
    );
    println!(
        "  {:<28} {native_one:>12.0} {native_two:>12.0} {:>7.2}x",
        "native format!, no wasm",
        native_two / native_one
    );
}

/// The median of `rounds` timings of `f`, in milliseconds.
fn millis(rounds: usize, mut f: impl FnMut()) -> f64 {
    let mut all: Vec<f64> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    median(&mut all)
}

fn load_times(plan: &Plan) {
    let dir = std::env::temp_dir().join(format!("wasp-bench-serving-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temporary directory");
    let engine = Engine::new().expect("engine");
    let cached = Engine::builder()
        .cache_dir(dir.join("cache"))
        .build()
        .expect("engine with a cache");
    println!();
    println!(
        "load time, ms (median of {}; default engine; compile = Engine::load, cached = the same with a warm cache_dir, precompiled = load_precompiled of a .cwasm file)",
        plan.loads
    );
    println!(
        "  {:<16} {:>9} {:>10} {:>10} {:>12} {:>12} {:>9}",
        "plugin", "wasm KiB", "compile", "cached", "precompiled", "compile/pre", "cwasm KiB"
    );
    for language in LANGUAGES {
        let path = plugin_path(language);
        let wasm = std::fs::read(&path).expect("read the plugin");
        let artifact = engine.precompile(&wasm).expect("precompile");
        let cwasm = dir.join(format!("greeter-{language}.cwasm"));
        std::fs::write(&cwasm, &artifact).expect("write the artifact");
        let check = |plugin: Plugin<dyn Greeter>| {
            let mut g = plugin.instantiate(Host).expect("instantiate");
            assert_eq!(g.sum(3, 2).expect("sum"), 5, "{language}");
        };
        check(cached.load::<dyn Greeter>(&path).expect("fill the cache"));
        // SAFETY: the artifact this bench made a moment ago, in its own directory.
        check(unsafe { engine.load_precompiled::<dyn Greeter>(&cwasm) }.expect("precompiled"));
        let compile = millis(plan.loads, || {
            black_box(engine.load::<dyn Greeter>(&path).expect("load"));
        });
        let hits = cached.cache_stats().expect("a cache").hits;
        let from_cache = millis(plan.loads, || {
            black_box(cached.load::<dyn Greeter>(&path).expect("cached load"));
        });
        assert_eq!(
            cached.cache_stats().expect("a cache").hits,
            hits + plan.loads as u64,
            "every timed cached load came from the cache"
        );
        let precompiled = millis(plan.loads, || {
            // SAFETY: as above.
            black_box(unsafe { engine.load_precompiled::<dyn Greeter>(&cwasm) }.expect("load"));
        });
        println!(
            "  {:<16} {:>9.0} {:>10.2} {:>10.2} {:>12.2} {:>11.1}x {:>9.0}",
            format!("greeter-{language}"),
            wasm.len() as f64 / 1024.0,
            compile,
            from_cache,
            precompiled,
            compile / precompiled,
            artifact.len() as f64 / 1024.0
        );
    }
    println!("  (target: precompiled >= 20x faster than compiling)");
    let _ = std::fs::remove_dir_all(&dir);
}
