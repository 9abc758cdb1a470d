//! What a Wasp call costs beside raw wasmtime and native Rust, on the greeter plugin.
//!
//! ```text
//! RUST_LIB_BACKTRACE=0 cargo bench -p wasp-host --bench calls
//! RUST_LIB_BACKTRACE=0 cargo bench -p wasp-host --bench calls -- --quick
//! ```
//!
//! `RUST_LIB_BACKTRACE=0` matters: these machines set `RUST_BACKTRACE=1`, under which every
//! wasmtime error captures a backtrace, which is not what a production host pays.
//!
//! Every group runs Wasp beside its baselines in one process, on the same module and the same
//! engine configuration (the pooling allocator), because only the ratio is comparable between
//! machines and runs. The table printed at the end gives those ratios from criterion's own
//! estimates (the `time:` lines above it), and only from estimates this run wrote, so no
//! figure in it mixes two runs.

use criterion::Criterion;
use greeter_contract::{AsyncGreeterHost, Greeter, GreeterHost};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};
use wasmtime::{InstancePre, Linker, Memory, Module, ModuleExport, Store, TypedFunc};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p1::WasiP1Ctx;

const PLUGIN: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../examples/greeter/plugins/greeter-rust.wasm"
);

/// Pool slots: a few live instances at a time (the two warm ones plus one fresh one) is all
/// the bench needs, and a small pool keeps the virtual memory reservation modest.
const POOL: u32 = 16;

/// A module that follows the ABI by hand, without a contract: for the raw call API.
const RAW_MODULE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/wat/raw.wat");

/// The fuel each call may burn in the `sum/fuel` group.
const FUEL: u64 = 1_000_000;

const NAME: &str = "Nic";
const GREETING: &str = "Hello Nic";

struct Host;

impl GreeterHost for Host {
    fn call_me(&mut self, name: String) -> String {
        format!("Hello {name}")
    }
}

impl AsyncGreeterHost for Host {
    async fn call_me(&mut self, name: String) -> String {
        format!("Hello {name}")
    }
}

/// With epoch interruption on, a store traps at its first check unless given a deadline;
/// one generous deadline per store is what a hand-written host without timeouts would set.
const RAW_DEADLINE_TICKS: u64 = 1 << 32;

/// The sandbox Wasp gives each instance, so that both sides pay for the same context.
fn wasi() -> WasiP1Ctx {
    WasiCtxBuilder::new()
        .inherit_stdout()
        .inherit_stderr()
        .build_p1()
}

/// The module as a careful hand-written host would prepare it: linked once, exports looked
/// up once by index.
struct RawPlugin {
    pre: InstancePre<WasiP1Ctx>,
    initialize: Option<ModuleExport>,
    memory: ModuleExport,
    alloc: ModuleExport,
    sum: ModuleExport,
    hello: ModuleExport,
}

impl RawPlugin {
    fn load(engine: &wasmtime::Engine) -> RawPlugin {
        let module = Module::from_file(engine, PLUGIN).expect("compile the plugin");
        let mut linker = Linker::new(engine);
        wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |cx| cx).expect("link WASI");
        // `wasp.panic` and `GreeterHost.call_me` are never reached by `sum` or `hello`.
        linker
            .define_unknown_imports_as_traps(&module)
            .expect("stub imports");
        let pre = linker.instantiate_pre(&module).expect("pre-instantiate");
        let export = |name: &str| module.get_export_index(name).expect(name);
        RawPlugin {
            initialize: module.get_export_index("_initialize"),
            memory: export("memory"),
            alloc: export("wasp_alloc"),
            sum: export("sum"),
            hello: export("hello"),
            pre,
        }
    }

    /// No memory limiter here: Wasp's per-instance limit is one of the costs being measured.
    fn instance(&self) -> (Store<WasiP1Ctx>, wasmtime::Instance) {
        let mut store = Store::new(self.pre.module().engine(), wasi());
        store.set_epoch_deadline(RAW_DEADLINE_TICKS);
        if store.get_fuel().is_ok() {
            // An engine that meters fuel: enough for instantiation.
            store.set_fuel(FUEL).expect("fuel");
        }
        let instance = self.pre.instantiate(&mut store).expect("instantiate");
        if let Some(init) = &self.initialize {
            let init = instance
                .get_module_export(&mut store, init)
                .and_then(|e| e.into_func());
            let init = init
                .expect("_initialize")
                .typed::<(), ()>(&store)
                .expect("_initialize type");
            init.call(&mut store, ()).expect("_initialize");
        }
        (store, instance)
    }

    fn func<P: wasmtime::WasmParams, R: wasmtime::WasmResults>(
        store: &mut Store<WasiP1Ctx>,
        instance: &wasmtime::Instance,
        export: &ModuleExport,
    ) -> TypedFunc<P, R> {
        let func = instance
            .get_module_export(&mut *store, export)
            .and_then(|e| e.into_func());
        func.expect("function export")
            .typed(&*store)
            .expect("export type")
    }

    /// Only what a `sum` call needs.
    fn fresh_sum(&self) -> i32 {
        let (mut store, instance) = self.instance();
        let sum = Self::func::<(i32, i32), i32>(&mut store, &instance, &self.sum);
        sum.call(&mut store, (3, 2)).expect("sum")
    }

    /// Only what a `hello` call needs.
    fn fresh_hello(&self) -> String {
        let (mut store, instance) = self.instance();
        let memory = instance
            .get_module_export(&mut store, &self.memory)
            .and_then(|e| e.into_memory());
        let alloc = Self::func(&mut store, &instance, &self.alloc);
        let hello = Self::func(&mut store, &instance, &self.hello);
        hello_by_hand(&mut store, memory.expect("memory"), &alloc, &hello, NAME)
    }

    fn warm(&self) -> RawInstance {
        let (mut store, instance) = self.instance();
        let memory = instance
            .get_module_export(&mut store, &self.memory)
            .and_then(|e| e.into_memory());
        RawInstance {
            memory: memory.expect("memory"),
            alloc: Self::func(&mut store, &instance, &self.alloc),
            sum: Self::func(&mut store, &instance, &self.sum),
            hello: Self::func(&mut store, &instance, &self.hello),
            store,
        }
    }
}

struct RawInstance {
    store: Store<WasiP1Ctx>,
    memory: Memory,
    alloc: TypedFunc<i32, i32>,
    sum: TypedFunc<(i32, i32), i32>,
    hello: TypedFunc<(i32, i32), i64>,
}

impl RawInstance {
    fn sum(&mut self, a: i32, b: i32) -> i32 {
        self.sum.call(&mut self.store, (a, b)).expect("sum")
    }

    /// `sum` as a future, as a hand-written async host calls it.
    async fn sum_async(&mut self, a: i32, b: i32) -> i32 {
        self.sum
            .call_async(&mut self.store, (a, b))
            .await
            .expect("sum")
    }

    /// `hello` as a future: the allocation and the method each a `call_async`.
    async fn hello_async(&mut self, name: &str) -> String {
        let len = name.len();
        let ptr = self
            .alloc
            .call_async(&mut self.store, len as i32)
            .await
            .expect("wasp_alloc") as u32 as usize;
        self.memory.data_mut(&mut self.store)[ptr..ptr + len].copy_from_slice(name.as_bytes());
        let packed = self
            .hello
            .call_async(&mut self.store, (ptr as i32, len as i32))
            .await
            .expect("hello") as u64;
        let (ptr, len) = (packed as u32 as usize, (packed >> 32) as usize);
        let bytes = &self.memory.data(&self.store)[ptr..ptr + len];
        std::str::from_utf8(bytes).expect("UTF-8").to_owned()
    }

    /// `sum` with a fresh fuel budget, as a host metering each call sets it.
    fn metered_sum(&mut self, a: i32, b: i32) -> i32 {
        self.store.set_fuel(FUEL).expect("fuel");
        self.sum.call(&mut self.store, (a, b)).expect("sum")
    }

    fn hello(&mut self, name: &str) -> String {
        hello_by_hand(&mut self.store, self.memory, &self.alloc, &self.hello, name)
    }
}

/// The ABI by hand, with the checks a host cannot skip: bounds (slicing) and UTF-8.
fn hello_by_hand(
    store: &mut Store<WasiP1Ctx>,
    memory: Memory,
    alloc: &TypedFunc<i32, i32>,
    hello: &TypedFunc<(i32, i32), i64>,
    name: &str,
) -> String {
    let len = name.len();
    let ptr = alloc.call(&mut *store, len as i32).expect("wasp_alloc") as u32 as usize;
    memory.data_mut(&mut *store)[ptr..ptr + len].copy_from_slice(name.as_bytes());
    let packed = hello
        .call(&mut *store, (ptr as i32, len as i32))
        .expect("hello") as u64;
    let (ptr, len) = (packed as u32 as usize, (packed >> 32) as usize);
    let bytes = &memory.data(&*store)[ptr..ptr + len];
    std::str::from_utf8(bytes).expect("UTF-8").to_owned()
}

#[inline(never)]
fn native_sum(a: i32, b: i32) -> i32 {
    a.wrapping_add(b)
}

#[inline(never)]
fn native_hello(name: &str) -> String {
    format!("Hello {name}")
}

fn main() {
    if std::env::var("RUST_LIB_BACKTRACE").as_deref() != Ok("0") {
        eprintln!(
            "note: run with RUST_LIB_BACKTRACE=0; with backtraces on, any error wasmtime creates is far costlier"
        );
    }
    let started = SystemTime::now();
    let output = output_directory();
    let mut c = Criterion::default()
        .output_directory(&output)
        .sample_size(30)
        .warm_up_time(Duration::from_millis(700))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();

    let engine = wasp_host::Engine::builder()
        .pooling(POOL)
        .build()
        .expect("pooling engine");
    let plugin = engine.load::<dyn Greeter>(PLUGIN).expect("load the plugin");
    // The very same wasmtime engine: epoch checks are compiled into the code and the
    // allocator decides what instantiation costs, so both sides must share them.
    let raw = RawPlugin::load(engine.wasmtime_engine());

    let mut wasp = plugin.instantiate(Host).expect("instantiate");
    let mut warm = raw.warm();
    // A baseline that computed something else would make every ratio meaningless.
    assert_eq!(wasp.sum(3, 2).expect("sum"), 5);
    assert_eq!(warm.sum(3, 2), 5);
    assert_eq!(native_sum(3, 2), 5);
    assert_eq!(wasp.hello(NAME.to_string()).expect("hello"), GREETING);
    assert_eq!(warm.hello(NAME), GREETING);
    assert_eq!(native_hello(NAME), GREETING);
    assert_eq!(
        plugin
            .instantiate(Host)
            .expect("instantiate")
            .sum(3, 2)
            .expect("sum"),
        5
    );
    assert_eq!(raw.fresh_sum(), 5);
    assert_eq!(raw.fresh_hello(), GREETING);

    let name = "sum/warm";
    let mut group = c.benchmark_group(name);
    bench(&mut group, "wasp", || {
        wasp.sum(black_box(3), black_box(2)).expect("sum")
    });
    bench(&mut group, "raw", || warm.sum(black_box(3), black_box(2)));
    bench(&mut group, "native", || {
        native_sum(black_box(3), black_box(2))
    });
    group.finish();

    // Fuel metering on, beside raw wasmtime metering the same way; `sum/warm` above is the
    // same call with metering off.
    let fuel_engine = wasp_host::Engine::builder()
        .pooling(POOL)
        .fuel(Some(FUEL))
        .build()
        .expect("pooling engine with fuel");
    let fuel_plugin = fuel_engine
        .load::<dyn Greeter>(PLUGIN)
        .expect("load the plugin");
    let raw_fuel = RawPlugin::load(fuel_engine.wasmtime_engine());
    let mut metered = fuel_plugin.instantiate(Host).expect("instantiate");
    let mut warm_metered = raw_fuel.warm();
    assert_eq!(metered.sum(3, 2).expect("sum"), 5);
    assert_eq!(warm_metered.metered_sum(3, 2), 5);
    let name = "sum/fuel";
    let mut group = c.benchmark_group(name);
    bench(&mut group, "wasp", || {
        metered.sum(black_box(3), black_box(2)).expect("sum")
    });
    bench(&mut group, "raw", || {
        warm_metered.metered_sum(black_box(3), black_box(2))
    });
    group.finish();

    let name = "hello/warm";
    let mut group = c.benchmark_group(name);
    // The contract takes `name: String`, so allocating it is part of the natural call.
    bench(&mut group, "wasp", || {
        wasp.hello(black_box(NAME).to_string()).expect("hello")
    });
    bench(&mut group, "raw", || warm.hello(black_box(NAME)));
    bench(&mut group, "native", || native_hello(black_box(NAME)));
    group.finish();
    drop((wasp, warm));

    let name = "sum/fresh-instance";
    let mut group = c.benchmark_group(name);
    bench(&mut group, "wasp", || {
        let mut g = plugin.instantiate(Host).expect("instantiate");
        g.sum(black_box(3), black_box(2)).expect("sum")
    });
    bench(&mut group, "raw", || raw.fresh_sum());
    group.finish();

    let name = "hello/fresh-instance";
    let mut group = c.benchmark_group(name);
    bench(&mut group, "wasp", || {
        let mut g = plugin.instantiate(Host).expect("instantiate");
        g.hello(black_box(NAME).to_string()).expect("hello")
    });
    bench(&mut group, "raw", || raw.fresh_hello());
    group.finish();

    // Async calls on a warm instance, on a current-thread tokio runtime: each sample awaits
    // its calls one after the other inside one `block_on`, so what is measured is the call,
    // not the runtime's entry. `wasp-sync` is the blocking handle on the same engine and
    // plugin, for the async call's overhead over it; `raw` is wasmtime's own `call_async`.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let mut wasp_async = runtime
        .block_on(plugin.instantiate_async(Host))
        .expect("instantiate_async");
    let mut wasp_sync = plugin.instantiate(Host).expect("instantiate");
    let mut warm_async = raw.warm();
    runtime.block_on(async {
        assert_eq!(wasp_async.sum(3, 2).await.expect("sum"), 5);
        assert_eq!(warm_async.sum_async(3, 2).await, 5);
        assert_eq!(
            wasp_async.hello(NAME.to_string()).await.expect("hello"),
            GREETING
        );
        assert_eq!(warm_async.hello_async(NAME).await, GREETING);
        assert_eq!(wasp_async.callback().await.expect("callback"), GREETING);
    });
    let name = "sum/async";
    let mut group = c.benchmark_group(name);
    bench_async(&mut group, "wasp", &runtime, async || {
        black_box(
            wasp_async
                .sum(black_box(3), black_box(2))
                .await
                .expect("sum"),
        );
    });
    bench(&mut group, "wasp-sync", || {
        wasp_sync.sum(black_box(3), black_box(2)).expect("sum")
    });
    bench_async(&mut group, "raw", &runtime, async || {
        black_box(warm_async.sum_async(black_box(3), black_box(2)).await);
    });
    group.finish();

    let name = "hello/async";
    let mut group = c.benchmark_group(name);
    bench_async(&mut group, "wasp", &runtime, async || {
        black_box(
            wasp_async
                .hello(black_box(NAME).to_string())
                .await
                .expect("hello"),
        );
    });
    bench(&mut group, "wasp-sync", || {
        wasp_sync.hello(black_box(NAME).to_string()).expect("hello")
    });
    bench_async(&mut group, "raw", &runtime, async || {
        black_box(warm_async.hello_async(black_box(NAME)).await);
    });
    group.finish();

    // A call into the plugin that calls the host back: the async host function's future
    // (boxed, awaited on the plugin's fiber) against the blocking one.
    let name = "callback/async";
    let mut group = c.benchmark_group(name);
    bench_async(&mut group, "wasp", &runtime, async || {
        black_box(wasp_async.callback().await.expect("callback"));
    });
    bench(&mut group, "wasp-sync", || {
        wasp_sync.callback().expect("callback")
    });
    group.finish();
    drop((wasp_async, wasp_sync, warm_async));

    // Raw calls: resolved once (`RawFunc`) they should cost what a typed handle call costs;
    // by name, `call` also finds the export and checks its type on every call.
    let raw_module = engine.load_raw(RAW_MODULE).expect("load the raw module");
    let mut wasp_raw = raw_module.instantiate().expect("instantiate");
    let sum = wasp_raw
        .func::<(i32, i32), i32>("sum")
        .expect("resolve sum");
    let (mut store, sum_typed) = {
        let module = Module::from_file(engine.wasmtime_engine(), RAW_MODULE).expect("compile");
        let mut store = Store::new(engine.wasmtime_engine(), wasi());
        store.set_epoch_deadline(RAW_DEADLINE_TICKS);
        let instance = wasmtime::Instance::new(&mut store, &module, &[]).expect("instantiate");
        let sum = instance
            .get_typed_func::<(i32, i32), i32>(&mut store, "sum")
            .expect("sum");
        (store, sum)
    };
    assert_eq!(sum.call(&mut wasp_raw, (3, 2)).expect("sum"), 5);
    assert_eq!(sum_typed.call(&mut store, (3, 2)).expect("sum"), 5);
    let name = "sum/raw-api";
    let mut group = c.benchmark_group(name);
    bench(&mut group, "wasp", || {
        sum.call(&mut wasp_raw, (black_box(3), black_box(2)))
            .expect("sum")
    });
    bench(&mut group, "wasp-by-name", || {
        wasp_raw
            .call::<i32>("sum", (black_box(3), black_box(2)))
            .expect("sum")
    });
    bench(&mut group, "raw", || {
        sum_typed
            .call(&mut store, (black_box(3), black_box(2)))
            .expect("sum")
    });
    group.finish();

    c.final_summary();
    if benchmarking() {
        summary(&output, started);
        async_summary(&output, started);
    }
}

/// Whether criterion measured rather than only checked (`cargo test --benches`, `--test`)
/// or listed; a table from single unmeasured iterations would be noise.
fn benchmarking() -> bool {
    let args: Vec<String> = std::env::args().collect();
    let has = |flag: &str| args.iter().any(|a| a == flag);
    has("--bench") && !has("--test") && !has("--list") && !has("--profile-time")
}

fn bench<O>(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    mut routine: impl FnMut() -> O,
) {
    group.bench_function(name, |b| b.iter(&mut routine));
}

/// Benchmarks one awaited call per iteration on `runtime`: each sample awaits its
/// iterations one after the other inside one `block_on`, so that what is measured is the
/// call, not the runtime's entry.
fn bench_async<O>(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    runtime: &tokio::runtime::Runtime,
    mut routine: impl AsyncFnMut() -> O,
) {
    group.bench_function(name, |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let started = std::time::Instant::now();
                for _ in 0..iters {
                    black_box(routine().await);
                }
                started.elapsed()
            })
        })
    });
}

/// Criterion's default results directory (`$CRITERION_HOME`, else the cargo target
/// directory's `criterion/`), set explicitly because criterion does not say which one it
/// picked, and the summary must read what this run wrote.
fn output_directory() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return home.into();
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        // Cargo runs benches from <target>/<profile>/deps/.
        .or_else(|| {
            std::env::current_exe()
                .ok()?
                .ancestors()
                .nth(3)
                .map(Path::to_path_buf)
        })
        .unwrap_or_else(|| PathBuf::from("target"));
    target.join("criterion")
}

/// Criterion's estimate of one benchmark's time per iteration, in nanoseconds: the figure
/// its `time:` line shows (the slope when it sampled linearly, else the mean). `None` when
/// this run did not write it (filtered out, or run with `--baseline`/`--discard-baseline`).
fn estimate(output: &Path, group: &str, function: &str, started: SystemTime) -> Option<f64> {
    // Criterion's directory names replace `/` (the only special character used here).
    let path = output
        .join(group.replace('/', "_"))
        .join(function)
        .join("new")
        .join("estimates.json");
    let modified = std::fs::metadata(&path).ok()?.modified().ok()?;
    if modified < started {
        return None;
    }
    let json = std::fs::read_to_string(&path).ok()?;
    let field = if json.contains("\"slope\":null") {
        "\"mean\":"
    } else {
        "\"slope\":"
    };
    // Each statistic's object holds its confidence interval first, then its point estimate.
    let rest = &json[json.find(field)?..];
    let rest = &rest[rest.find("\"point_estimate\":")? + "\"point_estimate\":".len()..];
    let end = rest.find([',', '}'])?;
    rest[..end].parse().ok()
}

fn summary(output: &Path, started: SystemTime) {
    // The targets the performance issue sets for Wasp against raw wasmtime.
    const ROWS: [(&str, f64); 8] = [
        ("sum/warm", 1.5),
        ("sum/fuel", 1.5),
        ("hello/warm", 3.0),
        ("sum/fresh-instance", 1.5),
        ("hello/fresh-instance", 1.5),
        ("sum/raw-api", 1.5),
        ("sum/async", 1.5),
        ("hello/async", 3.0),
    ];
    println!();
    println!("Criterion's estimates from this run, per call, and their ratios:");
    println!(
        "{:<22} {:>10} {:>10} {:>10} {:>9} {:>11} {:>7} {:>4}",
        "group", "wasp", "raw", "native", "wasp/raw", "wasp/native", "target", "met"
    );
    for (group, target) in ROWS {
        let get = |name: &str| estimate(output, group, name, started);
        let Some(wasp) = get("wasp") else { continue };
        let (raw, native) = (get("raw"), get("native"));
        let ratio = |base: Option<f64>| base.map(|b| wasp / b);
        let (vs_raw, vs_native) = (ratio(raw), ratio(native));
        let target_text = format!("<={target}x");
        let met = match vs_raw {
            Some(r) if r <= target => "yes",
            Some(_) => "NO",
            None => "-",
        };
        println!(
            "{:<22} {:>10} {:>10} {:>10} {:>9} {:>11} {:>7} {:>4}",
            group,
            time(Some(wasp)),
            time(raw),
            time(native),
            times(vs_raw),
            times(vs_native),
            target_text,
            met
        );
    }
}

/// What an async call costs over the blocking call on the same warm instance.
fn async_summary(output: &Path, started: SystemTime) {
    println!();
    println!("Async calls over blocking ones (same engine, plugin and warm instance):");
    println!(
        "{:<22} {:>10} {:>10} {:>10}",
        "group", "async", "blocking", "async/blocking"
    );
    for group in ["sum/async", "hello/async", "callback/async"] {
        let get = |name: &str| estimate(output, group, name, started);
        let (Some(wasp), Some(sync)) = (get("wasp"), get("wasp-sync")) else {
            continue;
        };
        println!(
            "{:<22} {:>10} {:>10} {:>10}",
            group,
            time(Some(wasp)),
            time(Some(sync)),
            times(Some(wasp / sync))
        );
    }
}

fn time(ns: Option<f64>) -> String {
    let Some(ns) = ns else {
        return "-".to_string();
    };
    if ns < 1e3 {
        format!("{ns:.1} ns")
    } else if ns < 1e6 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{:.2} ms", ns / 1e6)
    }
}

fn times(ratio: Option<f64>) -> String {
    ratio.map_or_else(|| "-".to_string(), |r| format!("{r:.2}x"))
}
