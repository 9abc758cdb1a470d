//! Rust guests: the cargo workspace in `guests/`, built for wasm32 by one of two toolchains.
//!
//! - rustup's, when it has the `wasm32-wasip1` standard library (what most users have after
//!   `rustup target add wasm32-wasip1`).
//! - Debian's packaged rustc 1.63 + cargo 1.65 with `libstd-rust-dev-wasm32`, for machines
//!   where rustup cannot download targets. That cargo cannot reach crates.io (it predates
//!   sparse registries) and reads only version 3 lockfiles, so rustup's cargo resolves and
//!   vendors the dependencies and Debian's cargo builds offline from the vendor directory.
//!
//! Either way rustup's cargo (the one running this xtask) reads the workspace metadata and owns
//! `guests/Cargo.lock`, which is kept at version 3 so both cargos can read it.

use std::env;
use std::ffi::OsStr;
use std::fs;
use std::path::{Component, Path, PathBuf};
use std::process::Command;

use crate::cmd;
use crate::json::{self, Value};
use crate::plugins::{Artifact, Builder, Context};
use crate::rustc_wrapper;

pub struct RustGuests;

/// Selects the toolchain instead of detecting one.
const TOOLCHAIN_VAR: &str = "WASP_GUEST_TOOLCHAIN";

const RUSTUP_TARGET: &str = "wasm32-wasip1";
/// Debian's 1.63 predates the `wasm32-wasip1` name; it is the same target.
const DEBIAN_TARGET: &str = "wasm32-wasi";
const DEBIAN_CARGO: &str = "/usr/bin/cargo";
const DEBIAN_RUSTC: &str = "/usr/bin/rustc";

const RUSTUP_HINT: &str = "rustup target add wasm32-wasip1";
const DEBIAN_HINT: &str = "apt-get install rustc cargo libstd-rust-dev-wasm32";

/// The newest releases that rustc 1.63 compiles, where newer ones claim a rust-version that
/// 1.63 meets (or none) and so slip past the MSRV-aware resolver: serde 1.0.220 moved to
/// serde_core and later to syn 3; postcard 1.1 pulls cobs 0.3, which needs 1.73. Applied only
/// when a new lockfile is generated.
const MAX_VERSIONS: &[(&str, &str)] = &[
    ("serde", "1.0.219"),
    ("serde_derive", "1.0.219"),
    ("postcard", "1.0.10"),
];

/// Lets rustup's cargo pick dependency versions whose rust-version the guest crates
/// (`rust-version = "1.63"`) meet, so Debian's rustc can compile them.
const RESOLVER_ENV: (&str, &str) = ("CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS", "fallback");

/// Stand-ins for machine-specific paths inside the artifacts (panic locations, for one), so a
/// checkout anywhere builds the same bytes.
const REMAP_ROOT: &str = "/wasp";
const REMAP_VENDOR: &str = "/vendor";
const REMAP_CARGO_HOME: &str = "/cargo";

enum Toolchain {
    /// The toolchain running the xtask; `rustc` is the compiler cargo must use.
    Rustup {
        rustc: PathBuf,
        version: String,
    },
    Debian {
        version: String,
    },
}

impl Toolchain {
    fn target(&self) -> &'static str {
        match self {
            Toolchain::Rustup { .. } => RUSTUP_TARGET,
            Toolchain::Debian { .. } => DEBIAN_TARGET,
        }
    }

    /// Each toolchain gets its own target directory, so switching between them does not
    /// throw away the other's cache.
    fn target_dir(&self, guests: &Path) -> PathBuf {
        guests.join("target").join(match self {
            Toolchain::Rustup { .. } => "rustup",
            Toolchain::Debian { .. } => "debian",
        })
    }
}

/// Paths of the rustup toolchain that runs the xtask.
struct Rustup {
    cargo: PathBuf,
    rustc: PathBuf,
}

impl Rustup {
    fn locate() -> Rustup {
        // `cargo run` names the toolchain's own cargo in $CARGO; its rustc sits beside it.
        // Calling them directly avoids depending on which rustup proxies are on PATH.
        let cargo = env::var_os("CARGO").map_or_else(|| PathBuf::from("cargo"), PathBuf::from);
        let rustc = cargo.with_file_name(format!("rustc{}", env::consts::EXE_SUFFIX));
        let rustc = if rustc.is_file() {
            rustc
        } else {
            PathBuf::from("rustc")
        };
        Rustup { cargo, rustc }
    }

    /// A cargo command for resolving, vendoring and reading metadata.
    fn cargo(&self, guests: &Path) -> Command {
        let mut c = Command::new(&self.cargo);
        scrub_build_env(&mut c);
        c.current_dir(guests).env(RESOLVER_ENV.0, RESOLVER_ENV.1);
        c
    }
}

impl Builder for RustGuests {
    fn name(&self) -> &'static str {
        "Rust guests"
    }

    fn mismatch_hint(&self) -> Option<&'static str> {
        Some(
            "Rust guests are byte-identical only when built by the same rustc. The committed \
             ones are built by Debian's rustc 1.63, which CI uses: compare with \
             `WASP_GUEST_TOOLCHAIN=debian cargo xtask plugins --check` (see docs/BUILDING.md)",
        )
    }

    fn build(&self, cx: &Context) -> Result<Vec<Artifact>, String> {
        let guests = cx.root.join("guests");
        let rustup = Rustup::locate();
        let toolchain = choose_toolchain(&rustup)?;
        match &toolchain {
            Toolchain::Rustup { version, .. } => eprintln!(
                "xtask: Rust guests: rustup toolchain ({version}), target {RUSTUP_TARGET}"
            ),
            Toolchain::Debian { version } => eprintln!(
                "xtask: Rust guests: Debian toolchain ({DEBIAN_CARGO}, {version}), target \
                 {DEBIAN_TARGET}"
            ),
        }

        let plugins = plugins(&rustup, &guests, &cx.root)?;
        let lock = Lock::prepare(&rustup, &guests, cx.locked)?;

        let target_dir = toolchain.target_dir(&guests);
        let mut remaps = vec![(cx.root.clone(), REMAP_ROOT)];
        let mut build = match &toolchain {
            Toolchain::Rustup { rustc, .. } => {
                // Registry sources live under $CARGO_HOME, outside the checkout.
                remaps.push((cargo_home()?, REMAP_CARGO_HOME));
                let mut c = rustup.cargo(&guests);
                c.env("RUSTC", rustc);
                c
            }
            Toolchain::Debian { .. } => {
                let vendor = vendor(&rustup, &guests, &lock, cx.locked)?;
                remaps.push((vendor.clone(), REMAP_VENDOR));
                debian_build_command(&guests, &vendor)?
            }
        };
        let wrapper = env::current_exe()
            .map_err(|e| format!("cannot find the xtask's own executable: {e}"))?;
        build
            .env("RUSTC_WRAPPER", wrapper)
            .env(rustc_wrapper::ROOT_VAR, &cx.root)
            .env(rustc_wrapper::SKIP_VAR, guests.join("vendor"))
            .args(["build", "--release", "--target", toolchain.target()])
            .arg("--manifest-path")
            .arg(guests.join("Cargo.toml"))
            .arg("--target-dir")
            .arg(&target_dir)
            .env("CARGO_ENCODED_RUSTFLAGS", encoded_rustflags(&remaps)?);
        // Debian's cargo must never write the lock: it knows nothing of the rust-version
        // fallback or the pins above, and rustup's cargo has just brought the lock up to date.
        if cx.locked || matches!(toolchain, Toolchain::Debian { .. }) {
            build.arg("--locked");
        }
        eprintln!("xtask: running {}", cmd::describe(&build));
        let result = cmd::run(&mut build);
        lock.restore_format()?;
        result?;

        let out_dir = target_dir.join(toolchain.target()).join("release");
        plugins
            .into_iter()
            .map(|p| {
                let built = out_dir.join(format!("{}.wasm", p.lib_name));
                if built.is_file() {
                    Ok(Artifact {
                        committed: p.committed,
                        built,
                    })
                } else {
                    Err(format!(
                        "cargo reported success but did not produce {} for package `{}`",
                        built.display(),
                        p.package
                    ))
                }
            })
            .collect()
    }
}

fn choose_toolchain(rustup: &Rustup) -> Result<Toolchain, String> {
    let forced = match env::var(TOOLCHAIN_VAR) {
        Ok(v) if v.is_empty() => None,
        Ok(v) => Some(v),
        Err(env::VarError::NotPresent) => None,
        Err(env::VarError::NotUnicode(_)) => {
            return Err(format!("{TOOLCHAIN_VAR} must be `rustup` or `debian`"));
        }
    };
    let rustup_toolchain = || -> Result<Toolchain, String> {
        let rustc = || {
            let mut c = Command::new(&rustup.rustc);
            scrub_build_env(&mut c);
            c
        };
        let (sysroot, version) = probe_rustc(rustc, RUSTUP_TARGET)?;
        Ok(Toolchain::Rustup {
            rustc: rustup.rustc.clone(),
            version: format!("{version}, sysroot {}", sysroot.display()),
        })
    };
    let debian_toolchain = || -> Result<Toolchain, String> {
        if !Path::new(DEBIAN_CARGO).is_file() {
            return Err(format!("{DEBIAN_CARGO} does not exist"));
        }
        let (_, version) = probe_rustc(|| debian_command(DEBIAN_RUSTC), DEBIAN_TARGET)?;
        Ok(Toolchain::Debian { version })
    };

    match forced.as_deref() {
        Some("rustup") => rustup_toolchain().map_err(|e| {
            format!("{TOOLCHAIN_VAR}=rustup, but {e}.\nInstall the target: `{RUSTUP_HINT}`")
        }),
        Some("debian") => debian_toolchain()
            .map_err(|e| format!("{TOOLCHAIN_VAR}=debian, but {e}.\nInstall it: `{DEBIAN_HINT}`")),
        Some(other) => Err(format!(
            "{TOOLCHAIN_VAR}={other} is not a toolchain: use `rustup` or `debian`, or unset it \
             to pick one automatically"
        )),
        None => rustup_toolchain().or_else(|rustup_err| {
            debian_toolchain().map_err(|debian_err| {
                format!(
                    "no toolchain can build Rust guests for wasm32:\n  \
                     rustup: {rustup_err}\n  debian: {debian_err}\n\
                     Install one of them:\n  `{RUSTUP_HINT}` (recommended)\n  \
                     `{DEBIAN_HINT}` (Debian and Ubuntu)"
                )
            })
        }),
    }
}

/// Returns the sysroot and `rustc -V` of a compiler that has `target`'s standard library.
fn probe_rustc(rustc: impl Fn() -> Command, target: &str) -> Result<(PathBuf, String), String> {
    let mut c = rustc();
    let program = c.get_program().to_string_lossy().into_owned();
    let sysroot = cmd::stdout(c.args(["--print", "sysroot"]))?;
    let sysroot = PathBuf::from(sysroot.trim());
    if !sysroot
        .join("lib/rustlib")
        .join(target)
        .join("lib")
        .is_dir()
    {
        return Err(format!(
            "{program} (sysroot {}) has no {target} standard library",
            sysroot.display()
        ));
    }
    let version = cmd::stdout(rustc().arg("-V"))?;
    Ok((sysroot, version.trim().to_owned()))
}

/// Environment a build must not inherit: flags, wrappers and profile overrides change the
/// output bytes, and `cargo run` leaves the xtask's own package variables behind.
fn scrub_build_env(c: &mut Command) {
    const VARS: &[&str] = &[
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTDOCFLAGS",
        "CARGO_ENCODED_RUSTDOCFLAGS",
        "RUSTC",
        "RUSTDOC",
        "RUSTC_WRAPPER",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_INCREMENTAL",
        "CARGO_CRATE_NAME",
        "CARGO_BIN_NAME",
        "CARGO_PRIMARY_PACKAGE",
    ];
    const PREFIXES: &[&str] = &[
        "CARGO_BUILD_",
        "CARGO_PROFILE_",
        "CARGO_TARGET_",
        "CARGO_PKG_",
        "CARGO_MANIFEST_",
    ];
    for (key, _) in env::vars_os() {
        let Some(key) = key.to_str() else { continue };
        if VARS.contains(&key) || PREFIXES.iter().any(|p| key.starts_with(p)) {
            c.env_remove(key);
        }
    }
}

/// A command for one of Debian's Rust tools that cannot reach rustup's: rustup's variables
/// would send a `rustc` lookup to the 1.95 proxies, and /usr/bin comes first on PATH for
/// anything cargo or rustc look up by name.
fn debian_command(program: &str) -> Command {
    let mut c = Command::new(program);
    scrub_build_env(&mut c);
    for (key, _) in env::vars_os() {
        if key.to_str().is_some_and(|k| k.starts_with("RUSTUP_")) {
            c.env_remove(key);
        }
    }
    c.env_remove("RUST_RECURSION_COUNT");
    let path = env::var_os("PATH").unwrap_or_default();
    let mut dirs = vec![PathBuf::from("/usr/bin")];
    dirs.extend(env::split_paths(&path));
    if let Ok(path) = env::join_paths(dirs) {
        c.env("PATH", path);
    }
    c.env("RUSTC", DEBIAN_RUSTC);
    c
}

fn debian_build_command(guests: &Path, vendor: &Path) -> Result<Command, String> {
    let mut c = debian_command(DEBIAN_CARGO);
    c.current_dir(guests)
        // A private CARGO_HOME: the user's ~/.cargo/config.toml is written for a current
        // cargo and may hold settings that 1.65 rejects, and an offline build needs nothing
        // from the registry cache.
        .env("CARGO_HOME", guests.join("target/debian/cargo-home"))
        .arg("--offline")
        .args([
            "--config",
            "source.crates-io.replace-with=\"vendored-sources\"",
        ])
        .arg("--config")
        .arg(format!(
            "source.vendored-sources.directory={}",
            toml_string(utf8(vendor)?)
        ));
    Ok(c)
}

/// Bulk memory: `memcpy`/`memmove`/`memset` in the guest's own code become `memory.copy` and
/// `memory.fill`, which wasmtime runs as the host's `memmove`/`memset`, instead of a byte
/// loop in wasm. Rust 1.63 accepts the feature for wasm32; newer Rust has it on by default,
/// and naming it keeps both toolchains' output alike.
const TARGET_FEATURES: &str = "-Ctarget-feature=+bulk-memory";

/// The target features, then `--remap-path-prefix` for each pair, in the 0x1f-separated form
/// cargo splits without caring about spaces in paths. Later flags win in rustc, so nested
/// paths come last.
fn encoded_rustflags(remaps: &[(PathBuf, &str)]) -> Result<String, String> {
    let mut flags = vec![TARGET_FEATURES.to_string()];
    for (from, to) in remaps {
        flags.push(format!("--remap-path-prefix={}={to}", utf8(from)?));
    }
    Ok(flags.join("\x1f"))
}

fn utf8(path: &Path) -> Result<&str, String> {
    path.to_str().ok_or_else(|| {
        format!(
            "{} is not valid UTF-8, which cargo's configuration cannot express",
            path.display()
        )
    })
}

fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn cargo_home() -> Result<PathBuf, String> {
    if let Some(home) = env::var_os("CARGO_HOME").filter(|h| !h.is_empty()) {
        return Ok(PathBuf::from(home));
    }
    let home = env::var_os("HOME")
        .or_else(|| env::var_os("USERPROFILE"))
        .filter(|h| !h.is_empty())
        .ok_or("neither CARGO_HOME nor HOME is set, so the cargo registry cannot be found")?;
    Ok(Path::new(&home).join(".cargo"))
}

/// A guest crate that declares an artifact.
struct Plugin {
    package: String,
    /// The cdylib's crate name, which names the .wasm file cargo writes.
    lib_name: String,
    committed: PathBuf,
}

/// Reads every member's `[package.metadata.wasp] artifact`; members without the table are
/// libraries that plugins share.
fn plugins(rustup: &Rustup, guests: &Path, root: &Path) -> Result<Vec<Plugin>, String> {
    let mut c = rustup.cargo(guests);
    c.args([
        "metadata",
        "--format-version",
        "1",
        "--no-deps",
        "--offline",
    ])
    .arg("--manifest-path")
    .arg(guests.join("Cargo.toml"));
    let metadata = json::parse(&cmd::stdout(&mut c)?)
        .map_err(|e| format!("cannot parse the output of `{}`: {e}", cmd::describe(&c)))?;
    let packages = metadata
        .get("packages")
        .and_then(Value::as_array)
        .ok_or("`cargo metadata` printed no `packages` array")?;

    let mut plugins = Vec::new();
    for package in packages {
        let name = package.get("name").and_then(Value::as_str).unwrap_or("?");
        let manifest = package
            .get("manifest_path")
            .and_then(Value::as_str)
            .map(Path::new)
            .ok_or_else(|| format!("`cargo metadata` gave no manifest_path for `{name}`"))?;
        let shown = manifest.strip_prefix(root).unwrap_or(manifest).display();
        let Some(wasp) = package.get("metadata").and_then(|m| m.get("wasp")) else {
            continue;
        };
        let artifact = match wasp.get("artifact") {
            Some(Value::String(s)) if !s.is_empty() => Path::new(s),
            Some(other) => {
                return Err(format!(
                    "{shown}: `[package.metadata.wasp] artifact` must be a non-empty path \
                     string, not {}",
                    other.kind()
                ));
            }
            None => {
                return Err(format!(
                    "{shown}: `[package.metadata.wasp]` has no `artifact` key; set it to the \
                     .wasm path, relative to the crate's directory, that examples and tests load"
                ));
            }
        };
        if artifact.is_absolute() || artifact.extension() != Some(OsStr::new("wasm")) {
            return Err(format!(
                "{shown}: `[package.metadata.wasp] artifact = \"{}\"` must be a relative path \
                 ending in .wasm",
                artifact.display()
            ));
        }
        let crate_dir = manifest.parent().unwrap_or(Path::new(""));
        let committed = normalize(&crate_dir.join(artifact));
        let committed = committed
            .strip_prefix(root)
            .map_err(|_| {
                format!(
                    "{shown}: artifact {} is outside the repository",
                    committed.display()
                )
            })?
            .to_path_buf();
        let lib_name = package
            .get("targets")
            .and_then(Value::as_array)
            .unwrap_or_default()
            .iter()
            .find(|t| {
                t.get("crate_types")
                    .and_then(Value::as_array)
                    .is_some_and(|k| k.iter().any(|k| k.as_str() == Some("cdylib")))
            })
            .and_then(|t| t.get("name"))
            .and_then(Value::as_str)
            .ok_or_else(|| {
                format!(
                    "{shown}: declares a wasp artifact but builds no cdylib; add \
                     `[lib] crate-type = [\"cdylib\"]`"
                )
            })?;
        plugins.push(Plugin {
            package: name.to_owned(),
            lib_name: lib_name.replace('-', "_"),
            committed,
        });
    }
    Ok(plugins)
}

/// Resolves `.` and `..` without touching the filesystem: the artifact may not exist yet.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `guests/Cargo.lock`, which every cargo step below must leave readable by cargo 1.65.
struct Lock {
    path: PathBuf,
}

impl Lock {
    /// Makes sure the lock exists in version 3, generating it when missing (outside locked
    /// mode) with versions that rustc 1.63 compiles.
    fn prepare(rustup: &Rustup, guests: &Path, locked: bool) -> Result<Lock, String> {
        let lock = Lock {
            path: guests.join("Cargo.lock"),
        };
        match fs::read_to_string(&lock.path) {
            Ok(text) if lock_format(&text) == Some(3) => return Ok(lock),
            Ok(_) if locked => {
                return Err(
                    "guests/Cargo.lock must be `version = 3`, the newest format Debian's cargo \
                     1.65 reads; run `cargo xtask plugins` to rewrite it and commit it"
                        .into(),
                );
            }
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if locked {
                    return Err("guests/Cargo.lock is missing: run `cargo xtask plugins` \
                                (without --check, outside CI) to generate it, and commit it"
                        .into());
                }
                eprintln!("xtask: generating guests/Cargo.lock");
                let mut c = rustup.cargo(guests);
                cmd::run(
                    c.arg("generate-lockfile")
                        .arg("--manifest-path")
                        .arg(guests.join("Cargo.toml")),
                )?;
                for (name, max) in MAX_VERSIONS {
                    let text = lock.read()?;
                    for version in locked_versions(&text, name) {
                        if is_newer(version, max) {
                            let mut c = rustup.cargo(guests);
                            cmd::run(
                                c.args(["update", "--package", &format!("{name}@{version}")])
                                    .args(["--precise", max])
                                    .arg("--manifest-path")
                                    .arg(guests.join("Cargo.toml")),
                            )?;
                        }
                    }
                }
            }
            Err(e) => return Err(format!("cannot read {}: {e}", lock.path.display())),
        }
        lock.restore_format()?;
        Ok(lock)
    }

    fn read(&self) -> Result<String, String> {
        fs::read_to_string(&self.path)
            .map_err(|e| format!("cannot read {}: {e}", self.path.display()))
    }

    /// Current cargo writes version 4 whenever it writes a lock from scratch; the content is
    /// the same for registry and path dependencies, so only the header needs to go back.
    fn restore_format(&self) -> Result<(), String> {
        let text = self.read()?;
        if lock_format(&text) == Some(3) {
            return Ok(());
        }
        let text = with_format_3(&text).ok_or_else(|| {
            format!(
                "{} has no `version = N` header; delete it and run `cargo xtask plugins`",
                self.path.display()
            )
        })?;
        if text.contains("source = \"git+") {
            return Err(format!(
                "{} has git dependencies, whose lock entries differ between format 3 and 4; \
                 guests must use crates.io or path dependencies",
                self.path.display()
            ));
        }
        fs::write(&self.path, text)
            .map_err(|e| format!("cannot write {}: {e}", self.path.display()))
    }
}

/// The `version = N` of a lockfile's header, before the first table.
fn lock_format(text: &str) -> Option<u32> {
    text.lines()
        .take_while(|l| !l.starts_with('['))
        .find_map(|l| l.strip_prefix("version = ")?.trim().parse().ok())
}

fn with_format_3(text: &str) -> Option<String> {
    lock_format(text)?;
    let mut in_header = true;
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        in_header &= !line.starts_with('[');
        if in_header && line.starts_with("version = ") {
            out.push_str("version = 3\n");
        } else {
            out.push_str(line);
        }
    }
    Some(out)
}

/// Versions of package `name` in a lockfile (several when semver-incompatible ones coexist).
fn locked_versions<'a>(text: &'a str, name: &str) -> Vec<&'a str> {
    let mut current = None;
    let mut versions = Vec::new();
    for line in text.lines() {
        if line == "[[package]]" {
            current = None;
        } else if let Some(n) = line.strip_prefix("name = ") {
            current = Some(n.trim_matches('"'));
        } else if let Some(v) = line.strip_prefix("version = ")
            && current == Some(name)
        {
            versions.push(v.trim_matches('"'));
        }
    }
    versions
}

/// Compares release numbers; pre-release suffixes are ignored, which is enough for the pins.
fn is_newer(version: &str, than: &str) -> bool {
    fn parts(v: &str) -> Vec<u64> {
        v.split(['-', '+'])
            .next()
            .unwrap_or(v)
            .split('.')
            .map(|p| p.parse().unwrap_or(0))
            .collect()
    }
    parts(version) > parts(than)
}

/// Copies every locked crate into guests/vendor for Debian's offline cargo. Runs every time:
/// it also brings the lock up to date after a guest's dependencies changed, and with all crates
/// cached it takes a fraction of a second and no network.
fn vendor(rustup: &Rustup, guests: &Path, lock: &Lock, locked: bool) -> Result<PathBuf, String> {
    let dir = guests.join("vendor");
    let mut c = rustup.cargo(guests);
    c.arg("vendor")
        .arg("--manifest-path")
        .arg(guests.join("Cargo.toml"))
        .arg(&dir);
    if locked {
        c.arg("--locked");
    }
    // Its output is a line per crate and the source-replacement config to paste, which the
    // xtask passes by itself: worth showing only when vendoring fails.
    let result = cmd::stdout(&mut c).map(drop);
    lock.restore_format()?;
    result?;
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK_V4: &str = "# This file is automatically @generated by Cargo.\n\
        # It is not intended for manual editing.\n\
        version = 4\n\
        \n\
        [[package]]\n\
        name = \"serde\"\n\
        version = \"1.0.228\"\n\
        source = \"registry+https://github.com/rust-lang/crates.io-index\"\n\
        dependencies = [\n \"serde_core\",\n]\n\
        \n\
        [[package]]\n\
        name = \"syn\"\n\
        version = \"1.0.109\"\n\
        \n\
        [[package]]\n\
        name = \"syn\"\n\
        version = \"2.0.106\"\n";

    #[test]
    fn rewrites_only_the_header_version() {
        assert_eq!(lock_format(LOCK_V4), Some(4));
        let v3 = with_format_3(LOCK_V4).unwrap();
        assert_eq!(lock_format(&v3), Some(3));
        assert_eq!(v3, LOCK_V4.replace("version = 4\n", "version = 3\n"));
        assert_eq!(with_format_3("[[package]]\nversion = \"1\"\n"), None);
    }

    #[test]
    fn finds_locked_versions() {
        assert_eq!(locked_versions(LOCK_V4, "serde"), ["1.0.228"]);
        assert_eq!(locked_versions(LOCK_V4, "syn"), ["1.0.109", "2.0.106"]);
        assert!(locked_versions(LOCK_V4, "serde_core").is_empty());
    }

    #[test]
    fn compares_versions_numerically() {
        assert!(is_newer("1.0.220", "1.0.219"));
        assert!(is_newer("1.1.0", "1.0.219"));
        assert!(!is_newer("1.0.219", "1.0.219"));
        assert!(!is_newer("1.0.99", "1.0.219"));
        assert!(!is_newer("1.0.219-rc.1", "1.0.219"));
    }

    #[test]
    fn normalizes_parent_components() {
        assert_eq!(
            normalize(Path::new("/r/examples/greeter/plugin/../plugins/./g.wasm")),
            Path::new("/r/examples/greeter/plugins/g.wasm")
        );
    }

    #[test]
    fn escapes_toml_strings() {
        assert_eq!(toml_string(r#"/a "b"\c"#), r#""/a \"b\"\\c""#);
    }

    #[test]
    fn encodes_remaps_with_unit_separators() {
        let flags =
            encoded_rustflags(&[(PathBuf::from("/a b"), "/x"), (PathBuf::from("/c"), "/y")]);
        assert_eq!(
            flags.unwrap(),
            "--remap-path-prefix=/a b=/x\x1f--remap-path-prefix=/c=/y"
        );
    }
}
