//! `wasp build [DIR]`: builds the plugin in DIR for wasm32 with the toolchain at hand, puts
//! the module in DIR and prints its path and size. A Rust crate (`Cargo.toml`) becomes
//! `DIR/<crate_name>.wasm`; a Go module (`go.mod`) or a directory of `.c` files becomes
//! `DIR/<directory name>.wasm`, built as the repository's own guests are (docs/guests/).
//!
//! Rust:
//! - rustup's toolchain when it has the `wasm32-wasip1` standard library;
//! - otherwise Debian's rustc 1.63 and cargo 1.65 (`libstd-rust-dev-wasm32`). That cargo
//!   cannot reach crates.io and reads only version-3 lockfiles, so rustup's cargo resolves
//!   versions rustc 1.63 compiles (with the same pins as docs/BUILDING.md), writes the lock
//!   as version 3 and vendors the sources; Debian's cargo then builds offline from them.

use crate::failure::Failure;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Build the plugin in a directory (Rust, Go or C) for wasm32; print the module's path and size
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The plugin's directory
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// The Wasp repository, whose guests/c/wasp.h a C plugin includes [default: $WASP_REPO,
    /// or where this `wasp` was built from]
    #[arg(long, value_name = "DIR")]
    pub wasp: Option<PathBuf>,
}

const CLANG_HINT: &str = "apt-get install clang lld wasi-libc libclang-rt-dev-wasm32";
const GO_HINT: &str = "install Go 1.21 or newer (https://go.dev/dl/), or `bash .ci/install-go.sh` in the Wasp repository";
/// The C guests' flags (docs/guests/c.md): a WASI reactor, strict warnings, no debug info
/// but the name section.
const C_FLAGS: &[&str] = &[
    "--target=wasm32-wasi",
    "-mexec-model=reactor",
    "-std=c11",
    "-O2",
    "-Wall",
    "-Wextra",
    "-Wl,--strip-debug",
];

const RUSTUP_TARGET: &str = "wasm32-wasip1";
const RUSTUP_HINT: &str = "rustup target add wasm32-wasip1";
const DEBIAN_TARGET: &str = "wasm32-wasi";
const DEBIAN_RUSTC: &str = "/usr/bin/rustc";
const DEBIAN_CARGO: &str = "/usr/bin/cargo";
const DEBIAN_STD: &str = "/usr/lib/rustlib/wasm32-wasi";
const DEBIAN_HINT: &str = "apt-get install rustc cargo libstd-rust-dev-wasm32";

/// The newest releases rustc 1.63 compiles among those a contract pulls in, where newer ones
/// claim a rust-version 1.63 meets (see docs/BUILDING.md).
const PINS: &[(&str, &str)] = &[
    ("serde", "1.0.219"),
    ("serde_derive", "1.0.219"),
    ("postcard", "1.0.10"),
];

pub fn run(args: &Args) -> Result<(), Failure> {
    // Absolute, because cargo runs in it and is handed paths inside it.
    let absolute = args
        .dir
        .canonicalize()
        .map_err(|e| Failure::usage(format!("cannot open {}: {e}", args.dir.display())))?;
    let dir = &absolute;
    let manifest = dir.join("Cargo.toml");
    let Ok(text) = std::fs::read_to_string(&manifest) else {
        return build_other(args, dir);
    };
    let crate_name = package_name(&text)
        .ok_or_else(|| Failure::new(format!("{}: no `name` in [package]", manifest.display())))?
        .replace('-', "_");
    let built = if rustup_has_target() {
        println!("building with rustup's toolchain ({RUSTUP_TARGET})");
        let mut build = Command::new(cargo());
        build
            .current_dir(dir)
            .args(["build", "--release", "--target", RUSTUP_TARGET]);
        run_step(&mut build, "cargo build")?;
        target_dir(dir)
            .join(RUSTUP_TARGET)
            .join("release")
            .join(format!("{crate_name}.wasm"))
    } else if Path::new(DEBIAN_RUSTC).exists() && Path::new(DEBIAN_STD).exists() {
        println!(
            "building with Debian's rustc 1.63 ({DEBIAN_TARGET}): rustup has no {RUSTUP_TARGET}"
        );
        debian_build(dir)?;
        target_dir(dir)
            .join(DEBIAN_TARGET)
            .join("release")
            .join(format!("{crate_name}.wasm"))
    } else {
        return Err(
            Failure::new("no Rust toolchain that builds for wasm32 is installed").hint(format!(
                "install one: `{RUSTUP_HINT}`, or on Debian `{DEBIAN_HINT}`"
            )),
        );
    };
    let file = format!("{crate_name}.wasm");
    let artifact = dir.join(&file);
    std::fs::copy(&built, &artifact).map_err(|e| {
        Failure::new(format!(
            "cannot copy {} to {}: {e}",
            built.display(),
            artifact.display()
        ))
        .hint("is the crate a `cdylib` (`[lib] crate-type = [\"cdylib\"]`)?")
    })?;
    let size = std::fs::metadata(&artifact).map(|m| m.len()).unwrap_or(0);
    println!("built {} ({size} bytes)", args.dir.join(&file).display());
    Ok(())
}

/// A plugin in another language: Go (a `go.mod`) or C (`.c` files).
fn build_other(args: &Args, dir: &Path) -> Result<(), Failure> {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "plugin".to_string());
    let file = format!("{name}.wasm");
    let artifact = dir.join(&file);
    let c_sources = c_sources(dir)?;
    if dir.join("go.mod").exists() {
        println!("building a Go plugin (GOOS=wasip1 GOARCH=wasm)");
        let mut go = Command::new("go");
        go.current_dir(dir)
            .env("GOOS", "wasip1")
            .env("GOARCH", "wasm")
            .env("CGO_ENABLED", "0")
            .args(["build", "-trimpath", "-buildmode=c-shared", "-o"])
            .arg(&artifact)
            .arg(".");
        run_tool(&mut go, "go build", GO_HINT)?;
    } else if !c_sources.is_empty() {
        let wasp = crate::new::repository(args.wasp.as_deref())?;
        println!("building a C plugin with clang (wasm32-wasi)");
        let mut clang =
            Command::new(std::env::var_os("WASP_CLANG").unwrap_or_else(|| "clang".into()));
        clang
            .current_dir(dir)
            .args(C_FLAGS)
            .arg("-I")
            .arg(wasp.join("guests").join("c"))
            .args(&c_sources)
            .arg("-o")
            .arg(&artifact);
        run_tool(&mut clang, "clang", CLANG_HINT)?;
    } else {
        return Err(Failure::usage(format!(
            "{} holds no plugin `wasp build` knows: no Cargo.toml, go.mod or .c files",
            args.dir.display()
        ))
        .hint(
            "run it in a plugin's directory, such as the `plugin/` that `wasp new` creates;              AssemblyScript plugins build with `asc` (docs/guests/assemblyscript.md)",
        ));
    }
    let size = std::fs::metadata(&artifact).map(|m| m.len()).unwrap_or(0);
    println!("built {} ({size} bytes)", args.dir.join(&file).display());
    Ok(())
}

/// The `.c` files in `dir`, sorted (link order decides function order in the module).
fn c_sources(dir: &Path) -> Result<Vec<PathBuf>, Failure> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Failure::new(format!("cannot read {}: {e}", dir.display())))?;
    let mut sources: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|ext| ext == "c"))
        .collect();
    sources.sort();
    Ok(sources)
}

/// Runs a compiler; when it is missing, names the command that installs it.
fn run_tool(command: &mut Command, tool: &str, install: &str) -> Result<(), Failure> {
    let status = command.status().map_err(|e| {
        Failure::new(format!("cannot run {tool}: {e}")).hint(format!("install it: {install}"))
    })?;
    if status.success() {
        Ok(())
    } else {
        Err(Failure::new(format!("{tool} failed ({status})")).hint(format!(
            "its own messages, above, say why; a missing wasm32 library or linker is              installed with: {install}"
        )))
    }
}

/// The Debian route: lock (version 3, pinned), vendor, build offline.
fn debian_build(dir: &Path) -> Result<(), Failure> {
    let lock = dir.join("Cargo.lock");
    if !lock.exists() {
        let mut generate = Command::new(cargo());
        generate
            .current_dir(dir)
            .env("CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS", "fallback")
            .arg("generate-lockfile");
        run_step(&mut generate, "cargo generate-lockfile")?;
        let text = std::fs::read_to_string(&lock).unwrap_or_default();
        for (package, version) in PINS {
            // Only packages in the graph can be pinned; the others need nothing.
            if text.contains(&format!("name = \"{package}\"")) {
                let mut pin = Command::new(cargo());
                pin.current_dir(dir)
                    .args(["update", "-p", package, "--precise", version]);
                run_step(&mut pin, "cargo update")?;
            }
        }
    }
    // Debian's cargo 1.65 reads version-3 lockfiles only; the content is the same.
    let text = std::fs::read_to_string(&lock)
        .map_err(|e| Failure::new(format!("cannot read {}: {e}", lock.display())))?;
    if text.contains("\nversion = 4\n") {
        std::fs::write(&lock, text.replace("\nversion = 4\n", "\nversion = 3\n"))
            .map_err(|e| Failure::new(format!("cannot write {}: {e}", lock.display())))?;
    }
    let wasp_dir = dir.join("target").join("wasp");
    let vendor = wasp_dir.join("vendor");
    let mut vendoring = Command::new(cargo());
    vendoring
        .current_dir(dir)
        .args(["vendor", "--locked", "--quiet"])
        .arg(&vendor)
        .stdout(std::process::Stdio::null());
    run_step(&mut vendoring, "cargo vendor")?;
    let vendor = vendor
        .canonicalize()
        .map_err(|e| Failure::new(format!("cannot resolve {}: {e}", vendor.display())))?;
    let path = format!("/usr/bin:{}", std::env::var("PATH").unwrap_or_default());
    let mut build = Command::new(DEBIAN_CARGO);
    build
        .current_dir(dir)
        .env_remove("RUSTUP_TOOLCHAIN")
        .env("PATH", path)
        .env("RUSTC", DEBIAN_RUSTC)
        // A private CARGO_HOME: a user's ~/.cargo/config.toml is for a newer cargo.
        .env("CARGO_HOME", wasp_dir.join("debian-cargo-home"))
        .args([
            "build",
            "--release",
            "--target",
            DEBIAN_TARGET,
            "--offline",
            "--locked",
        ])
        .args([
            "--config",
            "source.crates-io.replace-with=\"vendored-sources\"",
            "--config",
        ])
        .arg(format!(
            "source.vendored-sources.directory=\"{}\"",
            vendor.to_string_lossy().replace('\\', "/")
        ));
    run_step(&mut build, "Debian's cargo build")
}

/// Runs one step of the build, its output going to the terminal; a failure names the step.
fn run_step(command: &mut Command, step: &str) -> Result<(), Failure> {
    let status = command.status().map_err(|e| {
        Failure::new(format!(
            "cannot run {step} ({:?}): {e}",
            command.get_program()
        ))
        .hint(format!(
            "install the Rust toolchain: `{RUSTUP_HINT}` or `{DEBIAN_HINT}`"
        ))
    })?;
    if status.success() {
        Ok(())
    } else {
        Err(Failure::new(format!("{step} failed ({status})"))
            .hint("its own messages, above, say why"))
    }
}

/// The cargo that runs `wasp build`'s rustup steps: `$CARGO` when a cargo runs us, else the
/// one on the PATH.
fn cargo() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// Whether rustup's toolchain has the wasm32-wasip1 standard library.
fn rustup_has_target() -> bool {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let Ok(output) = Command::new(rustc).args(["--print", "sysroot"]).output() else {
        return false;
    };
    let sysroot = String::from_utf8_lossy(&output.stdout).trim().to_string();
    !sysroot.is_empty()
        && Path::new(&sysroot)
            .join("lib/rustlib")
            .join(RUSTUP_TARGET)
            .is_dir()
}

/// Where cargo puts the crate's build output: `$CARGO_TARGET_DIR`, else `DIR/target`.
fn target_dir(dir: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(target) => PathBuf::from(target),
        None => dir.join("target"),
    }
}

/// `name` in the manifest's `[package]` table.
fn package_name(manifest: &str) -> Option<String> {
    let mut in_package = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package && let Some(value) = line.strip_prefix("name") {
            let value = value.trim_start().strip_prefix('=')?.trim();
            return Some(value.trim_matches('"').to_string());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::package_name;

    #[test]
    fn reads_the_package_name() {
        let manifest = "[lib]\nname = \"x\"\n[package]\nversion = \"1\"\nname = \"demo-plugin\"\n";
        assert_eq!(package_name(manifest).as_deref(), Some("demo-plugin"));
        assert_eq!(package_name("[package]\nversion = \"1\"\n"), None);
    }
}
