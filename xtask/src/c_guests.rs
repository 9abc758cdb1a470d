//! C guests: each plugin is a directory of `.c` files that clang compiles and links, in one
//! step, into a WASI reactor with wasi-libc, with `guests/c/wasp.h` on the include path.
//!
//! The committed artifacts are built by Debian 12's clang 14, lld 14 and wasi-libc
//! (`.ci/install-c.sh`); another clang builds working but different bytes.
//! docs/guests/c.md describes the plugins, the flags and how to add one.

use std::env;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cmd;
use crate::plugins::{Artifact, Builder, Context};

pub struct CGuests;

/// Every C plugin: its source directory and its committed artifact, relative to the root.
const PLUGINS: &[(&str, &str)] = &[(
    "examples/greeter/plugin-c",
    "examples/greeter/plugins/greeter-c.wasm",
)];

/// Names the compiler, e.g. a wasi-sdk's `/opt/wasi-sdk/bin/clang`; `clang` from PATH if unset.
const CLANG_VAR: &str = "WASP_CLANG";
const TARGET: &str = "wasm32-wasi";
const INSTALL_HINT: &str = "apt-get install clang lld wasi-libc libclang-rt-dev-wasm32";

/// Stand-in for the checkout in `__FILE__` (panic locations), so a checkout anywhere builds
/// the same bytes; the same name the Rust guests use.
const REMAP_ROOT: &str = "/wasp";

/// Flags for every C plugin. A reactor, because a plugin is a library: `_initialize` runs
/// libc's constructors once, where a command would run them around every export. No `-g`,
/// and `--strip-debug` drops the debug sections wasi-libc's archive brings along, while
/// keeping the name section, so traps still show function names. `-mbulk-memory` lets clang
/// turn `memcpy`/`memmove`/`memset` into `memory.copy`/`memory.fill`, which wasmtime runs as
/// the host's own `memmove`/`memset`; without it every copy of an argument or a result is a
/// byte loop in wasm (most of a 4 KiB `hello`'s time).
const FLAGS: &[&str] = &[
    "--target=wasm32-wasi",
    "-mexec-model=reactor",
    "-mbulk-memory",
    "-std=c11",
    "-O2",
    "-Wall",
    "-Wextra",
    "-Wpedantic",
    "-Werror",
    "-Wl,--strip-debug",
];

/// Environment variables that clang or its linker read and that would change the output.
const SCRUBBED_ENV: &[&str] = &[
    "CPATH",
    "C_INCLUDE_PATH",
    "CPLUS_INCLUDE_PATH",
    "OBJC_INCLUDE_PATH",
    "OBJCPLUS_INCLUDE_PATH",
    "LIBRARY_PATH",
    "COMPILER_PATH",
    "CCC_OVERRIDE_OPTIONS",
];

impl Builder for CGuests {
    fn name(&self) -> &'static str {
        "C guests"
    }

    fn mismatch_hint(&self) -> Option<&'static str> {
        Some(
            "C guests are byte-identical only when built by the same clang, wasm-ld and \
             wasi-libc. The committed ones are built by Debian 12's clang 14.0.6, lld 14 and \
             wasi-libc 0.0~git20220510, which CI installs with `bash .ci/install-c.sh` (see \
             docs/guests/c.md)",
        )
    }

    fn build(&self, cx: &Context) -> Result<Vec<Artifact>, String> {
        let clang = Clang::locate()?;
        eprintln!(
            "xtask: C guests: {} ({}, {}), target {TARGET}",
            clang.version,
            clang.path.display(),
            clang.chosen
        );
        let out_root = cx.root.join("guests").join("target").join("c");
        PLUGINS
            .iter()
            .map(|(source, committed)| {
                let built = out_root.join(committed);
                build_plugin(&clang, &cx.root, &cx.root.join(source), &built)?;
                Ok(Artifact {
                    committed: PathBuf::from(committed),
                    built,
                })
            })
            .collect()
    }
}

struct Clang {
    path: PathBuf,
    /// How `path` was chosen, for messages.
    chosen: &'static str,
    version: String,
}

impl Clang {
    /// Finds clang and checks that it has everything a wasm32-wasi link needs, so a missing
    /// piece is named with its package instead of surfacing as a linker error.
    fn locate() -> Result<Clang, String> {
        let (path, chosen) = match env::var_os(CLANG_VAR) {
            Some(p) if !p.is_empty() => (PathBuf::from(p), "named by WASP_CLANG"),
            _ => (PathBuf::from("clang"), "from PATH"),
        };
        let clang = Clang {
            path,
            chosen,
            version: String::new(),
        };
        let missing = |what: &str| {
            format!(
                "clang ({}, {}) {what}.\nInstall Debian's C toolchain for wasm: \
                 `{INSTALL_HINT}`, or set {CLANG_VAR} to a wasi-sdk's bin/clang",
                clang.path.display(),
                clang.chosen
            )
        };

        let version = cmd::stdout(clang.command().arg("--version"))
            .map_err(|e| missing(&format!("cannot be run: {e}")))?;
        let version = version
            .lines()
            .next()
            .unwrap_or_default()
            .trim()
            .to_string();

        let print = |flag: &str| -> Result<String, String> {
            let mut c = clang.command();
            c.arg(format!("--target={TARGET}")).arg(flag);
            Ok(cmd::stdout(&mut c)?.trim().to_string())
        };
        // Each query prints the bare name when clang cannot find the file.
        let linker = print("-print-prog-name=wasm-ld")?;
        if !Path::new(&linker).is_absolute() {
            return Err(missing("finds no wasm-ld linker (Debian package lld)"));
        }
        let libc = print("-print-file-name=libc.a")?;
        if !Path::new(&libc).is_absolute() {
            return Err(missing(
                "finds no wasi-libc for wasm32-wasi (Debian package wasi-libc)",
            ));
        }
        let builtins = print("-print-libgcc-file-name")?;
        if !Path::new(&builtins).is_file() {
            return Err(missing(&format!(
                "has no compiler-rt builtins for wasm32 at {builtins} (Debian package \
                 libclang-rt-dev-wasm32)"
            )));
        }
        Ok(Clang { version, ..clang })
    }

    fn command(&self) -> Command {
        let mut c = Command::new(&self.path);
        for var in SCRUBBED_ENV {
            c.env_remove(var);
        }
        c
    }
}

/// Compiles and links every `.c` file of one plugin directory into `out`.
fn build_plugin(clang: &Clang, root: &Path, source: &Path, out: &Path) -> Result<(), String> {
    let mut sources = Vec::new();
    let entries =
        fs::read_dir(source).map_err(|e| format!("cannot read {}: {e}", source.display()))?;
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot read {}: {e}", source.display()))?
            .path();
        if path.extension().is_some_and(|ext| ext == "c") {
            sources.push(path);
        }
    }
    if sources.is_empty() {
        return Err(format!("{} has no .c files", source.display()));
    }
    // Link order decides function order in the module.
    sources.sort();

    if let Some(dir) = out.parent() {
        fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let mut remap = OsString::from("-ffile-prefix-map=");
    remap.push(root);
    remap.push(format!("={REMAP_ROOT}"));
    let mut build = clang.command();
    build
        .current_dir(root)
        .args(FLAGS)
        .arg(remap)
        .arg("-I")
        .arg(root.join("guests").join("c"))
        .arg("-o")
        .arg(out)
        .args(&sources);
    eprintln!("xtask: running {}", cmd::describe(&build));
    cmd::run(&mut build)
}
