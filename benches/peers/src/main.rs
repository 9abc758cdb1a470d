//! The peers benchmark: the same workloads through Wasp, raw wasmtime and Extism, in one
//! process, with one table of median times and ratios to raw wasmtime, and an SVG plot.
//!
//! ```text
//! cd benches/peers && RUST_LIB_BACKTRACE=0 nice -n 10 cargo run --release
//! ```
//!
//! - **Wasp** runs the committed Greeter plugins in C and Rust through their contract.
//! - **raw wasmtime** runs the very same modules on the very same wasmtime engine (Wasp's, with
//!   its pooling allocator), following Wasp's ABI by hand: exports looked up once, arguments
//!   copied into `wasp_alloc`ed memory, results copied out and checked (bounds, UTF-8). That
//!   is the least a host can do, so it is the baseline of every ratio.
//! - **Extism** 1.30 runs `guest/greeter-extism.c`, written here against Extism's kernel ABI
//!   with no framework, on Extism's own engine configuration, as an Extism user gets it.
//!
//! Each row interleaves its systems: a batch of each in turn, repeated, so that a change in
//! the machine's load (other processes on a shared machine) hits every system alike. A batch
//! runs at least [`BATCH`]; a row's figure is the median of its batches' time per call.

use greeter_contract::GreeterHost;
use std::fmt::Write as _;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use wasmtime::{InstancePre, Linker, Memory, Module, ModuleExport, Store, TypedFunc};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p1::WasiP1Ctx;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
const C_GUEST: &str = "examples/greeter/plugins/greeter-c.wasm";
const RUST_GUEST: &str = "examples/greeter/plugins/greeter-rust.wasm";
const EXTISM_GUEST: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/guest/greeter-extism.wasm");
/// Where the plot goes unless the command line names another file.
const PLOT: &str = "docs/peers.svg";

/// Pool slots for Wasp's engine: the warm instances plus one fresh one at a time.
const POOL: u32 = 16;
/// A store's epoch deadline on the raw side: the engine interrupts by epoch, so a store
/// without a deadline would trap at its first check.
const RAW_DEADLINE_TICKS: u64 = 1 << 32;

/// The least time one batch runs; calibration picks the calls per batch.
const BATCH: Duration = Duration::from_millis(10);

struct Host;

impl GreeterHost for Host {
    fn call_me(&mut self, name: String) -> String {
        format!("Hello {name}")
    }
}

#[derive(Clone, Copy)]
enum Work {
    Sum,
    Hello(usize),
    Reverse(usize),
    FreshSum,
}

impl Work {
    fn label(self) -> String {
        match self {
            Work::Sum => "sum(3, 2)".into(),
            Work::Hello(3) => "hello(\"Nic\")".into(),
            Work::Hello(n) => format!("hello({})", size(n)),
            Work::Reverse(n) => format!("reverse({})", size(n)),
            Work::FreshSum => "fresh instance + sum".into(),
        }
    }
}

fn size(n: usize) -> String {
    if n >= 1 << 20 {
        format!("{} MiB", n >> 20)
    } else {
        format!("{} KiB", n >> 10)
    }
}

const WORK: [Work; 9] = [
    Work::Sum,
    Work::Hello(3),
    Work::Hello(4 << 10),
    Work::Reverse(4 << 10),
    Work::Hello(64 << 10),
    Work::Reverse(64 << 10),
    Work::Hello(1 << 20),
    Work::Reverse(1 << 20),
    Work::FreshSum,
];

/// Inputs shared by every system: "Nic", or ASCII text of the workload's size.
struct Inputs {
    texts: Vec<(usize, String)>,
}

impl Inputs {
    fn new() -> Inputs {
        let mut texts = vec![(3, "Nic".to_string())];
        for n in [4 << 10, 64 << 10, 1 << 20] {
            let text = (0..n).map(|i| (b'a' + (i % 26) as u8) as char).collect();
            texts.push((n, text));
        }
        Inputs { texts }
    }

    fn text(&self, n: usize) -> &str {
        let found = self.texts.iter().find(|(len, _)| *len == n);
        &found.expect("an input of this size").1
    }
}

/// One system under test; `run` does one call of a workload and returns a value derived from
/// its result, so that nothing is optimised away and the answers can be checked.
trait System {
    fn run(&mut self, work: Work, inputs: &Inputs) -> u64;
}

/// A digest of a call's result: its length and edge bytes, enough to catch a wrong answer.
fn digest(bytes: &[u8]) -> u64 {
    let first = bytes.first().copied().unwrap_or(0) as u64;
    let last = bytes.last().copied().unwrap_or(0) as u64;
    ((bytes.len() as u64) << 16) | (first << 8) | last
}

struct Wasp {
    plugin: wasp_host::Plugin<dyn greeter_contract::Greeter>,
    warm: wasp_host::Instance<dyn greeter_contract::Greeter, Host>,
}

impl System for Wasp {
    fn run(&mut self, work: Work, inputs: &Inputs) -> u64 {
        match work {
            Work::Sum => self.warm.sum(black_box(3), black_box(2)).expect("sum") as u64,
            // The contract takes `String` and `Vec<u8>` by value, so making them is part of
            // the natural call (a contract with `&str`/`&[u8]` parameters avoids the copy).
            Work::Hello(n) => {
                let answer = self.warm.hello(inputs.text(n).to_string()).expect("hello");
                digest(answer.as_bytes())
            }
            Work::Reverse(n) => {
                let data = inputs.text(n).as_bytes().to_vec();
                digest(&self.warm.reverse(data).expect("reverse"))
            }
            Work::FreshSum => {
                let mut fresh = self.plugin.instantiate(Host).expect("instantiate");
                fresh.sum(black_box(3), black_box(2)).expect("sum") as u64
            }
        }
    }
}

/// The sandbox Wasp gives each instance, so both sides pay for the same context.
fn wasi() -> WasiP1Ctx {
    WasiCtxBuilder::new()
        .inherit_stdout()
        .inherit_stderr()
        .build_p1()
}

/// A Greeter module as a careful hand-written host prepares it: linked once, exports looked
/// up once by index.
struct RawModule {
    pre: InstancePre<WasiP1Ctx>,
    initialize: Option<ModuleExport>,
    memory: ModuleExport,
    alloc: ModuleExport,
    sum: ModuleExport,
    hello: ModuleExport,
    reverse: ModuleExport,
}

struct RawInstance {
    store: Store<WasiP1Ctx>,
    memory: Memory,
    alloc: TypedFunc<i32, i32>,
    sum: TypedFunc<(i32, i32), i32>,
    hello: TypedFunc<(i32, i32), i64>,
    reverse: TypedFunc<(i32, i32), i64>,
}

struct Raw {
    module: RawModule,
    warm: RawInstance,
}

impl RawModule {
    fn load(engine: &wasmtime::Engine, path: &Path) -> RawModule {
        let module = Module::from_file(engine, path).expect("compile the plugin");
        let mut linker = Linker::new(engine);
        wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |cx| cx).expect("link WASI");
        // `wasp.panic` and `GreeterHost.call_me` are never reached by these workloads.
        linker
            .define_unknown_imports_as_traps(&module)
            .expect("stub imports");
        let pre = linker.instantiate_pre(&module).expect("pre-instantiate");
        let export = |name: &str| module.get_export_index(name).expect(name);
        RawModule {
            initialize: module.get_export_index("_initialize"),
            memory: export("memory"),
            alloc: export("wasp_alloc"),
            sum: export("sum"),
            hello: export("hello"),
            reverse: export("reverse"),
            pre,
        }
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

    fn instance(&self) -> (Store<WasiP1Ctx>, wasmtime::Instance) {
        let mut store = Store::new(self.pre.module().engine(), wasi());
        store.set_epoch_deadline(RAW_DEADLINE_TICKS);
        let instance = self.pre.instantiate(&mut store).expect("instantiate");
        if let Some(init) = &self.initialize {
            let init = Self::func::<(), ()>(&mut store, &instance, init);
            init.call(&mut store, ()).expect("_initialize");
        }
        (store, instance)
    }

    /// Only what a `sum` call needs.
    fn fresh_sum(&self) -> i32 {
        let (mut store, instance) = self.instance();
        let sum = Self::func::<(i32, i32), i32>(&mut store, &instance, &self.sum);
        sum.call(&mut store, (3, 2)).expect("sum")
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
            reverse: Self::func(&mut store, &instance, &self.reverse),
            store,
        }
    }
}

impl RawInstance {
    /// The ABI by hand: the argument copied into a block from `wasp_alloc`, the result copied
    /// out of the plugin's memory, bounds checked by slicing.
    fn bytes_call(&mut self, which: Which, input: &[u8]) -> Vec<u8> {
        let func = match which {
            Which::Hello => &self.hello,
            Which::Reverse => &self.reverse,
        };
        let len = input.len();
        let ptr = self
            .alloc
            .call(&mut self.store, len as i32)
            .expect("wasp_alloc") as u32;
        let ptr = ptr as usize;
        self.memory.data_mut(&mut self.store)[ptr..ptr + len].copy_from_slice(input);
        let packed = func
            .call(&mut self.store, (ptr as i32, len as i32))
            .expect("call") as u64;
        let (ptr, len) = (packed as u32 as usize, (packed >> 32) as usize);
        self.memory.data(&self.store)[ptr..ptr + len].to_vec()
    }
}

#[derive(Clone, Copy)]
enum Which {
    Hello,
    Reverse,
}

impl System for Raw {
    fn run(&mut self, work: Work, inputs: &Inputs) -> u64 {
        match work {
            Work::Sum => {
                let sum = &self.warm.sum;
                sum.call(&mut self.warm.store, (black_box(3), black_box(2)))
                    .expect("sum") as u64
            }
            Work::Hello(n) => {
                let bytes = self
                    .warm
                    .bytes_call(Which::Hello, inputs.text(n).as_bytes());
                // A host cannot skip the UTF-8 check of a string result.
                let answer = String::from_utf8(bytes).expect("UTF-8");
                digest(answer.as_bytes())
            }
            Work::Reverse(n) => digest(
                &self
                    .warm
                    .bytes_call(Which::Reverse, inputs.text(n).as_bytes()),
            ),
            Work::FreshSum => self.module.fresh_sum() as u64,
        }
    }
}

struct Extism {
    compiled: extism::CompiledPlugin,
    warm: extism::Plugin,
}

impl System for Extism {
    fn run(&mut self, work: Work, inputs: &Inputs) -> u64 {
        match work {
            Work::Sum => extism_sum(&mut self.warm),
            Work::Hello(n) => {
                let answer: String = self.warm.call("hello", inputs.text(n)).expect("hello");
                digest(answer.as_bytes())
            }
            Work::Reverse(n) => {
                let answer: Vec<u8> = self
                    .warm
                    .call("reverse", inputs.text(n).as_bytes())
                    .expect("reverse");
                digest(&answer)
            }
            Work::FreshSum => {
                let mut fresh =
                    extism::Plugin::new_from_compiled(&self.compiled).expect("instantiate");
                extism_sum(&mut fresh)
            }
        }
    }
}

/// Extism passes bytes only: two little-endian i32s in, one out.
fn extism_sum(plugin: &mut extism::Plugin) -> u64 {
    let mut input = [0u8; 8];
    input[..4].copy_from_slice(&black_box(3i32).to_le_bytes());
    input[4..].copy_from_slice(&black_box(2i32).to_le_bytes());
    let output: Vec<u8> = plugin.call("sum", &input[..]).expect("sum");
    let output: [u8; 4] = output.as_slice().try_into().expect("4 bytes");
    i32::from_le_bytes(output) as u64
}

/// The columns of the table, in order; the ratio of each is to its `baseline` column.
struct Column {
    name: &'static str,
    baseline: Option<usize>,
}

const COLUMNS: [Column; 5] = [
    Column {
        name: "raw wasmtime, C guest",
        baseline: None,
    },
    Column {
        name: "Wasp, C guest",
        baseline: Some(0),
    },
    Column {
        name: "raw wasmtime, Rust guest",
        baseline: None,
    },
    Column {
        name: "Wasp, Rust guest",
        baseline: Some(2),
    },
    Column {
        name: "Extism",
        baseline: Some(0),
    },
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quick = args.iter().any(|a| a == "--quick");
    let plot = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(ROOT).join(PLOT));
    if std::env::var("RUST_LIB_BACKTRACE").as_deref() != Ok("0") {
        eprintln!("note: run with RUST_LIB_BACKTRACE=0, as a production host would");
    }
    let samples = if quick { 5 } else { 31 };

    let engine = wasp_host::Engine::builder()
        .pooling(POOL)
        .build()
        .expect("pooling engine");
    let wasp = |path: &str| {
        let plugin = engine
            .load::<dyn greeter_contract::Greeter>(Path::new(ROOT).join(path))
            .expect("load the plugin");
        let warm = plugin.instantiate(Host).expect("instantiate");
        Wasp { plugin, warm }
    };
    let raw = |path: &str| {
        let module = RawModule::load(engine.wasmtime_engine(), &Path::new(ROOT).join(path));
        let warm = module.warm();
        Raw { module, warm }
    };
    let extism = {
        let wasm = std::fs::read(EXTISM_GUEST)
            .expect("guest/greeter-extism.wasm (build it with ./build-guest.sh)");
        let manifest = extism::Manifest::new([extism::Wasm::data(wasm)]);
        let compiled = extism::CompiledPlugin::new(extism::PluginBuilder::new(manifest))
            .expect("compile the Extism guest");
        let warm = extism::Plugin::new_from_compiled(&compiled).expect("instantiate");
        Extism { compiled, warm }
    };
    let mut systems: Vec<Box<dyn System>> = vec![
        Box::new(raw(C_GUEST)),
        Box::new(wasp(C_GUEST)),
        Box::new(raw(RUST_GUEST)),
        Box::new(wasp(RUST_GUEST)),
        Box::new(extism),
    ];
    let inputs = Inputs::new();

    // Every system must compute the same answer, or no ratio means anything.
    for work in WORK {
        let answers: Vec<u64> = systems.iter_mut().map(|s| s.run(work, &inputs)).collect();
        assert!(
            answers.iter().all(|a| *a == answers[0]),
            "{}: the systems disagree: {answers:?}",
            work.label()
        );
    }

    let started = Instant::now();
    let mut table = Vec::new();
    for work in WORK {
        let medians = measure(&mut systems, work, &inputs, samples);
        eprintln!("{:<22} {}", work.label(), {
            let shown: Vec<String> = medians.iter().map(|ns| time(*ns)).collect();
            shown.join("  ")
        });
        table.push((work, medians));
    }
    eprintln!("measured in {:.1} s", started.elapsed().as_secs_f64());

    println!("{}", markdown(&table));
    let svg = svg(&table);
    match std::fs::write(&plot, svg) {
        Ok(()) => eprintln!("wrote {}", plot.display()),
        Err(e) => eprintln!("cannot write {}: {e}", plot.display()),
    }
}

/// Median nanoseconds per call of each system on one workload, from interleaved batches.
fn measure(
    systems: &mut [Box<dyn System>],
    work: Work,
    inputs: &Inputs,
    samples: usize,
) -> Vec<f64> {
    // Calibrate: the calls per batch that take at least BATCH (after a warm-up batch).
    let sizes: Vec<u64> = systems
        .iter_mut()
        .map(|system| {
            let mut calls = 1u64;
            loop {
                let start = Instant::now();
                for _ in 0..calls {
                    black_box(system.run(work, inputs));
                }
                if start.elapsed() >= BATCH {
                    return calls;
                }
                calls *= 2;
            }
        })
        .collect();
    let mut times: Vec<Vec<f64>> = vec![Vec::with_capacity(samples); systems.len()];
    for _ in 0..samples {
        for ((system, calls), times) in systems.iter_mut().zip(&sizes).zip(&mut times) {
            let start = Instant::now();
            for _ in 0..*calls {
                black_box(system.run(work, inputs));
            }
            times.push(start.elapsed().as_nanos() as f64 / *calls as f64);
        }
    }
    times
        .into_iter()
        .map(|mut t| {
            t.sort_by(f64::total_cmp);
            t[t.len() / 2]
        })
        .collect()
}

fn time(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.1} ns")
    }
}

fn ratio(table_row: &[f64], column: usize) -> Option<f64> {
    COLUMNS[column]
        .baseline
        .map(|base| table_row[column] / table_row[base])
}

/// The table as Markdown, for the terminal and the README alike.
fn markdown(table: &[(Work, Vec<f64>)]) -> String {
    let mut out = String::from("| workload |");
    for column in &COLUMNS {
        let _ = write!(out, " {} |", column.name);
    }
    out.push_str("\n| --- |");
    for _ in &COLUMNS {
        out.push_str(" ---: |");
    }
    for (work, medians) in table {
        let _ = write!(out, "\n| {} |", work.label());
        for (i, ns) in medians.iter().enumerate() {
            match ratio(medians, i) {
                Some(r) => {
                    let _ = write!(out, " {} ({r:.2}x) |", time(*ns));
                }
                None => {
                    let _ = write!(out, " {} |", time(*ns));
                }
            }
        }
    }
    out.push_str(
        "\n\nRatios: Wasp to raw wasmtime on the same module; Extism to raw wasmtime on the C guest.",
    );
    out
}

/// A horizontal bar chart of the ratios, on a log scale (they span 1x to 100x and more).
fn svg(table: &[(Work, Vec<f64>)]) -> String {
    const COLORS: [&str; 5] = ["", "#2b6cb0", "", "#dd6b20", "#718096"];
    let series: Vec<usize> = (0..COLUMNS.len())
        .filter(|c| COLUMNS[*c].baseline.is_some())
        .collect();
    let max = table
        .iter()
        .flat_map(|(_, m)| series.iter().filter_map(|c| ratio(m, *c)))
        .fold(1.0f64, f64::max);
    let decades = max.log10().ceil().max(1.0) as u32;
    let (left, width, bar, gap) = (190.0, 560.0, 11.0, 10.0);
    let group = bar * series.len() as f64 + gap;
    let top = 50.0;
    let height = top + group * table.len() as f64 + 40.0;
    let x = |r: f64| left + width * (r.max(1e-3).log10().max(-0.3) + 0.3) / (decades as f64 + 0.3);
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{height}" font-family="sans-serif" font-size="12">"#,
        w = left + width + 30.0
    );
    let _ = writeln!(
        out,
        r#"<rect width="100%" height="100%" fill="white"/><text x="{left}" y="18" font-size="14">Time per call relative to raw wasmtime (log scale; 1x = raw wasmtime)</text>"#
    );
    for (i, c) in series.iter().enumerate() {
        let lx = left + 180.0 * i as f64;
        let _ = writeln!(
            out,
            r#"<rect x="{lx}" y="28" width="12" height="10" fill="{}"/><text x="{}" y="37">{}</text>"#,
            COLORS[*c],
            lx + 16.0,
            COLUMNS[*c].name
        );
    }
    for d in 0..=decades {
        let r = 10f64.powi(d as i32);
        let gx = x(r);
        let _ = writeln!(
            out,
            r##"<line x1="{gx:.1}" y1="{top}" x2="{gx:.1}" y2="{y2}" stroke="#ccc"/><text x="{gx:.1}" y="{ty}" text-anchor="middle">{r}x</text>"##,
            y2 = height - 30.0,
            ty = height - 16.0
        );
    }
    for (row, (work, medians)) in table.iter().enumerate() {
        let y0 = top + group * row as f64;
        let _ = writeln!(
            out,
            r#"<text x="{}" y="{:.1}" text-anchor="end">{}</text>"#,
            left - 8.0,
            y0 + group / 2.0,
            work.label().replace('"', "&quot;")
        );
        for (i, c) in series.iter().enumerate() {
            let Some(r) = ratio(medians, *c) else {
                continue;
            };
            let y = y0 + bar * i as f64;
            let (x0, x1) = (x(1.0).min(x(r)), x(1.0).max(x(r)));
            let _ = writeln!(
                out,
                r#"<rect x="{x0:.1}" y="{y:.1}" width="{:.1}" height="{:.1}" fill="{}"/><text x="{:.1}" y="{:.1}" font-size="9">{r:.2}x</text>"#,
                (x1 - x0).max(1.0),
                bar - 1.0,
                COLORS[*c],
                x1 + 3.0,
                y + bar - 2.5
            );
        }
    }
    out.push_str("</svg>\n");
    out
}
