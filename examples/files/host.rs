//! The files example: a plugin in its sandbox reads input files from a read-only mount,
//! writes a report on each into a read-write mount, and logs what it does. The host prints
//! the reports, the plugin's captured standard output and its log lines.
//!
//! Run it with `cargo run --example files` (the Rust plugin), or name another plugin:
//! `cargo run --example files -- examples/files/plugins/files-rust.wasm`.

use files_contract::Files;
use std::error::Error;
use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};
use wasp_host::{Access, Instance, InstanceConfig, Output, Stream};

const INPUTS: &[(&str, &str)] = &[
    (
        "poem.txt",
        "So much depends\nupon\na red wheel\nbarrow\nglazed with rain\nwater\n",
    ),
    ("numbers.csv", "1,2,3\n4,5,6\n"),
    ("empty.txt", ""),
];

fn main() {
    let default_plugin = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/files/plugins/files-rust.wasm"
    );
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| default_plugin.to_string());
    if let Err(error) = run(Path::new(&path)) {
        eprintln!("error: {error}");
        std::process::exit(1);
    }
}

fn run(plugin_path: &Path) -> Result<(), Box<dyn Error>> {
    // Plugin log lines are `tracing` events; this subscriber keeps them to print at the end.
    let log = LogLines::default();
    tracing::subscriber::set_global_default(log.clone())?;

    // Two host directories, mounted into the sandbox as /input (read-only) and /output.
    let workspace = Workspace::create()?;
    for (name, text) in INPUTS {
        std::fs::write(workspace.input.join(name), text)?;
    }

    let engine = wasp_host::Engine::new()?;
    let plugin = engine.load::<dyn Files>(plugin_path)?;
    let config = InstanceConfig::new()
        .mount(&workspace.input, "/input", Access::ReadOnly)
        .mount(&workspace.output, "/output", Access::ReadWrite)
        .stdout(Output::Capture);
    let mut files = plugin.instantiate_with((), &config)?;
    let reports = files.process("/input".into(), "/output".into())??;

    println!(
        "plugin {} (instance {}) wrote {reports:?}",
        Instance::plugin_name(&files),
        Instance::id(&files)
    );
    for name in &reports {
        println!("\n--- /output/{name}");
        print!("{}", std::fs::read_to_string(workspace.output.join(name))?);
    }
    let mut inputs: Vec<String> = std::fs::read_dir(&workspace.input)?
        .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<Result<_, _>>()?;
    inputs.sort();
    println!(
        "\n--- /input after the call (read-only)\n{}",
        inputs.join(" ")
    );

    println!("\n--- the plugin's standard output (captured)");
    print!(
        "{}",
        String::from_utf8_lossy(
            &Instance::captured(&files, Stream::Stdout).map_or_else(Vec::new, |c| c.take())
        )
    );
    println!("\n--- the plugin's log lines (tracing events)");
    for line in log.lines() {
        println!("{line}");
    }
    Ok(())
}

/// A scratch directory with `input/` and `output/`, removed when dropped.
struct Workspace {
    root: PathBuf,
    input: PathBuf,
    output: PathBuf,
}

impl Workspace {
    fn create() -> std::io::Result<Workspace> {
        let root = std::env::temp_dir().join(format!("wasp-files-example-{}", std::process::id()));
        let (input, output) = (root.join("input"), root.join("output"));
        std::fs::create_dir_all(&input)?;
        std::fs::create_dir_all(&output)?;
        Ok(Workspace {
            root,
            input,
            output,
        })
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// A minimal `tracing` subscriber that keeps the plugins' log lines (target `wasp::plugin`,
/// down to `DEBUG`) as text. A real host would install `tracing-subscriber`'s `fmt()`, which
/// prints the same events with the same fields; this one keeps the example dependency-free.
#[derive(Clone, Default)]
struct LogLines {
    lines: Arc<Mutex<Vec<String>>>,
}

impl LogLines {
    fn lines(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }
}

impl Subscriber for LogLines {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target() == wasp_host::LOG_TARGET && *metadata.level() <= tracing::Level::DEBUG
    }

    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::DEBUG)
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1) // never called: no span passes `enabled`
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let line = format!(
            "{:<5} plugin={} instance={}: {}",
            event.metadata().level(),
            fields.plugin,
            fields.instance,
            fields.message
        );
        self.lines.lock().unwrap().push(line);
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

/// The fields of a plugin's log event: `plugin`, `instance` and the message.
#[derive(Default)]
struct Fields {
    plugin: String,
    instance: String,
    message: String,
}

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let slot = match field.name() {
            "plugin" => &mut self.plugin,
            "instance" => &mut self.instance,
            "message" => &mut self.message,
            _ => return,
        };
        let _ = write!(slot, "{value:?}");
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "plugin" => self.plugin = value.to_string(),
            _ => self.record_debug(field, &value),
        }
    }
}
