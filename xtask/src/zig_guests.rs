//! Zig guests: each plugin is one root source file that `zig build-exe` compiles, with the
//! guest module `guests/zig/wasp.zig` (imported as `wasp`), into a wasm32-wasi module without an
//! entry point.
//!
//! `zig` comes from PyPI's `ziglang` package in `<repo>/.venv` (`python3 -m ziglang`, which
//! `.ci/install-zig.sh` installs there), or else from PATH. The committed artifacts are built by
//! Zig 0.17.1; Zig changes its language and standard library between releases, so another
//! release may not even compile the guest module. docs/guests/zig.md describes the module, the
//! plugins and the flags.

use std::env;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cmd;
use crate::plugins::{Artifact, Builder, Context};

pub struct ZigGuests;

/// Every Zig plugin: its root source file and its committed artifact, relative to the root.
const PLUGINS: &[(&str, &str)] = &[
    (
        "examples/greeter/plugin-zig/greeter.zig",
        "examples/greeter/plugins/greeter-zig.wasm",
    ),
    ("tests/guests/zig/checks.zig", "tests/wasm/checks-zig.wasm"),
];

/// The guest module, relative to the root; plugins `@import("wasp")` it.
const GUEST_MODULE: &str = "guests/zig/wasp.zig";

/// The release that builds the committed artifacts, as `.ci/install-zig.sh` pins it.
const PINNED: &str = "0.17.1";

const INSTALL_HINT: &str = "run `bash .ci/install-zig.sh`, which installs Zig 0.17.1 into \
     .venv/ with `python3 -m venv .venv && .venv/bin/pip install ziglang==0.17.1`";

/// Options for every plugin.
///
/// - `-fno-entry -rdynamic`: a library, not a program: no `_start`, and every `export fn`
///   (the methods, `wasp_alloc`, `wasp_contract`) becomes a wasm export.
/// - `ReleaseSafe`: optimised, with Zig's safety checks kept, so an overflow or an index out
///   of bounds is a panic with a message for the host rather than a wrong answer.
/// - `--stack 1048576`: a 1 MiB stack, as Rust's. Zig's default of 16 MiB would be linear
///   memory that every instance starts with.
/// - `-fstrip`: no DWARF. It also drops the name section; Zig has no switch that keeps one
///   without the other.
const OPTIONS: &[&str] = &[
    "build-exe",
    "-target",
    "wasm32-wasi",
    "-fno-entry",
    "-rdynamic",
    "-O",
    "ReleaseSafe",
    "--stack",
    "1048576",
    "-fstrip",
];

impl Builder for ZigGuests {
    fn name(&self) -> &'static str {
        "Zig guests"
    }

    fn mismatch_hint(&self) -> Option<&'static str> {
        Some(
            "Zig guests are byte-identical only when built by the same Zig release. The \
             committed ones are built by Zig 0.17.1 from PyPI's ziglang, which CI installs into \
             .venv/ with `bash .ci/install-zig.sh` (see docs/guests/zig.md)",
        )
    }

    fn build(&self, cx: &Context) -> Result<Vec<Artifact>, String> {
        let zig = Zig::locate(&cx.root)?;
        eprintln!(
            "xtask: Zig guests: zig {} ({}), target wasm32-wasi",
            zig.version, zig.chosen
        );
        if zig.version != PINNED {
            eprintln!(
                "xtask: note: the committed Zig artifacts are built by Zig {PINNED}; {} builds \
                 different bytes, if it compiles them at all",
                zig.version
            );
        }
        let out_root = zig.work.join("out");
        PLUGINS
            .iter()
            .map(|(source, committed)| {
                let built = out_root.join(committed);
                build_plugin(&zig, &cx.root, source, &built)?;
                Ok(Artifact {
                    committed: PathBuf::from(committed),
                    built,
                })
            })
            .collect()
    }
}

struct Zig {
    /// The program to run, and the arguments that come before Zig's own.
    program: PathBuf,
    prefix: Vec<OsString>,
    /// How it was chosen, for messages.
    chosen: String,
    /// `zig version`, e.g. `0.17.1`.
    version: String,
    /// `guests/target/zig`: Zig's caches and the outputs, so a build writes nothing outside
    /// the checkout.
    work: PathBuf,
}

impl Zig {
    fn locate(root: &Path) -> Result<Zig, String> {
        let python = root.join(".venv").join("bin").join("python3");
        let work = root.join("guests").join("target").join("zig");
        for dir in ["cache", "global-cache"] {
            let dir = work.join(dir);
            fs::create_dir_all(&dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        // PyPI's ziglang runs as `python -m ziglang`; it installs no `zig` program.
        let venv = Zig {
            program: python.clone(),
            prefix: vec!["-m".into(), "ziglang".into()],
            chosen: format!("{} -m ziglang", python.display()),
            version: String::new(),
            work: work.clone(),
        };
        let path = Zig {
            program: PathBuf::from("zig"),
            prefix: Vec::new(),
            chosen: "zig from PATH".to_string(),
            version: String::new(),
            work,
        };
        let mut problems = Vec::new();
        let candidates = if python.is_file() {
            vec![venv, path]
        } else {
            vec![path]
        };
        for mut zig in candidates {
            match cmd::stdout(zig.command().arg("version")) {
                Ok(version) => {
                    zig.version = version.trim().to_string();
                    return Ok(zig);
                }
                Err(e) => problems.push(format!("{}: {e}", zig.chosen)),
            }
        }
        Err(format!(
            "Zig cannot be run ({}).\nZig guests need Zig {PINNED}: {INSTALL_HINT}",
            problems.join("; ")
        ))
    }

    /// A `zig` command without the `ZIG_*` variables, which move its caches and standard
    /// library or change what it does.
    fn command(&self) -> Command {
        let mut c = Command::new(&self.program);
        c.args(&self.prefix);
        for (name, _) in env::vars_os() {
            if name.to_string_lossy().starts_with("ZIG_") {
                c.env_remove(&name);
            }
        }
        c
    }
}

/// Compiles one plugin's root file into `out`. Zig runs in the repository root and is given
/// root-relative paths, so nothing in the module depends on where the checkout is.
fn build_plugin(zig: &Zig, root: &Path, source: &str, out: &Path) -> Result<(), String> {
    if !root.join(source).is_file() {
        return Err(format!("{source} does not exist"));
    }
    if let Some(dir) = out.parent() {
        fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let mut emit = OsString::from("-femit-bin=");
    emit.push(out);
    let mut build = zig.command();
    build
        .current_dir(root)
        .args(OPTIONS)
        .args(["--dep", "wasp"])
        .arg(format!("-Mroot={source}"))
        .arg(format!("-Mwasp={GUEST_MODULE}"))
        .arg(emit)
        .arg("--cache-dir")
        .arg(zig.work.join("cache"))
        .arg("--global-cache-dir")
        .arg(zig.work.join("global-cache"));
    eprintln!("xtask: running {}", cmd::describe(&build));
    cmd::run(&mut build)
}
