//! AssemblyScript guests: each plugin is one entry file that `asc`, the AssemblyScript compiler,
//! compiles with the guest module `guests/assemblyscript/wasp.ts` into a module exporting
//! `_initialize`.
//!
//! The compiler comes from npm, pinned with its dependencies (binaryen above all, which does
//! the optimising and decides the bytes) by `guests/assemblyscript/package-lock.json` and
//! installed into `guests/assemblyscript/node_modules/`. Before building, the xtask checks that
//! the installed packages are exactly the locked ones and otherwise runs `npm ci` (locked) or
//! `npm install`. docs/guests/assemblyscript.md describes the plugins, the options and how to
//! add one.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cmd;
use crate::json::{self, Value};
use crate::plugins::{Artifact, Builder, Context};

pub struct AssemblyScriptGuests;

/// Every AssemblyScript plugin: its entry file and its committed artifact, relative to the root.
const PLUGINS: &[(&str, &str)] = &[(
    "examples/greeter/plugin-assemblyscript/plugin.ts",
    "examples/greeter/plugins/greeter-assemblyscript.wasm",
)];

/// The npm package that pins the compiler, relative to the root.
const PACKAGE_DIR: &str = "guests/assemblyscript";
/// The compiler's entry point inside the package directory.
const ASC: &str = "node_modules/assemblyscript/bin/asc.js";
/// asc 0.28 declares `"engines": {"node": ">=20"}`.
const MIN_NODE_MAJOR: u32 = 20;

/// Options for every plugin. asc runs in the repository root and is given root-relative paths,
/// so the file names it embeds (in abort messages and the name section) are the same in every
/// checkout.
///
/// - `incremental`: the runtime with a garbage collector that runs by itself; `stub` never
///   frees, and `minimal` needs the collector called from outside.
/// - `--exportStart _initialize`: top-level code runs when the host calls `_initialize`, after
///   it has found the memory, instead of in a start function during instantiation, where a
///   panic's message could not be read yet.
/// - `--use abort=...`: `abort` is otherwise imported from `env`, which the host refuses. The
///   name is the guest module's path relative to the root, without `.ts`, then the function.
/// - `--debug` only adds the name section, so traps show function names.
const OPTIONS: &[&str] = &[
    "-O3",
    "--debug",
    "--runtime",
    "incremental",
    "--exportStart",
    "_initialize",
    "--use",
    "abort=guests/assemblyscript/wasp/abort",
];

impl Builder for AssemblyScriptGuests {
    fn name(&self) -> &'static str {
        "AssemblyScript guests"
    }

    fn build(&self, cx: &Context) -> Result<Vec<Artifact>, String> {
        let node = node_version()?;
        let package = cx.root.join(PACKAGE_DIR);
        install(&package, cx.locked)?;
        eprintln!(
            "xtask: AssemblyScript guests: asc {} (binaryen {}), node {node}",
            installed_version(&package, "assemblyscript")?,
            installed_version(&package, "binaryen")?,
        );

        let out_root = cx.root.join("guests").join("target").join("assemblyscript");
        PLUGINS
            .iter()
            .map(|(entry, committed)| {
                let built = out_root.join(committed);
                build_plugin(&cx.root, &package.join(ASC), entry, &built)?;
                Ok(Artifact {
                    committed: PathBuf::from(committed),
                    built,
                })
            })
            .collect()
    }
}

/// `node --version`, refused when older than asc supports.
fn node_version() -> Result<String, String> {
    let version = cmd::stdout(Command::new("node").arg("--version")).map_err(|e| {
        format!(
            "AssemblyScript guests need Node.js {MIN_NODE_MAJOR} or newer with npm, to run the \
             AssemblyScript compiler: {e}"
        )
    })?;
    let version = version.trim().to_string();
    match node_major(&version) {
        Some(major) if major >= MIN_NODE_MAJOR => Ok(version),
        _ => Err(format!(
            "AssemblyScript guests need Node.js {MIN_NODE_MAJOR} or newer, but `node --version` \
             printed `{version}`"
        )),
    }
}

/// The major version in `node --version`'s `v20.20.2`.
fn node_major(version: &str) -> Option<u32> {
    version.strip_prefix('v')?.split('.').next()?.parse().ok()
}

/// Makes `node_modules` hold exactly the locked packages. Locked (a check, or CI), only
/// `npm ci` may run: it installs the lockfile as it is and fails instead of changing it.
fn install(package: &Path, locked: bool) -> Result<(), String> {
    let lock_path = package.join("package-lock.json");
    let problem = match fs::read_to_string(&lock_path) {
        Ok(text) => {
            let lock = json::parse(&text)
                .map_err(|e| format!("cannot parse {}: {e}", lock_path.display()))?;
            stale_install(package, &lock)?
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if locked {
                return Err(format!(
                    "{PACKAGE_DIR}/package-lock.json is missing: run `npm install` in \
                     {PACKAGE_DIR} (without --check, outside CI) and commit it"
                ));
            }
            Some("there is no package-lock.json yet".to_string())
        }
        Err(e) => return Err(format!("cannot read {}: {e}", lock_path.display())),
    };
    let Some(problem) = problem else {
        return Ok(());
    };

    let verb = if locked { "ci" } else { "install" };
    eprintln!("xtask: AssemblyScript guests: {problem}; running `npm {verb}` in {PACKAGE_DIR}");
    let mut npm = Command::new("npm");
    // None of the packages needs an install script; not running any keeps the install to
    // what the lockfile names.
    npm.current_dir(package)
        .args([verb, "--ignore-scripts", "--no-audit", "--no-fund"]);
    cmd::run(&mut npm).map_err(|e| {
        format!(
            "{e}\nThe AssemblyScript compiler is installed with npm (`npm {verb}` in {PACKAGE_DIR})"
        )
    })?;

    let text = fs::read_to_string(&lock_path)
        .map_err(|e| format!("cannot read {}: {e}", lock_path.display()))?;
    let lock =
        json::parse(&text).map_err(|e| format!("cannot parse {}: {e}", lock_path.display()))?;
    match stale_install(package, &lock)? {
        None => Ok(()),
        Some(problem) => Err(format!(
            "after `npm {verb}` in {PACKAGE_DIR}, {problem}; delete {PACKAGE_DIR}/node_modules \
             and try again"
        )),
    }
}

/// Why the installed packages are not the locked ones, or `None` when they are: the lock must
/// agree with package.json, and every package it lists must be installed at its version.
fn stale_install(package: &Path, lock: &Value) -> Result<Option<String>, String> {
    let manifest_path = package.join("package.json");
    let manifest = fs::read_to_string(&manifest_path)
        .map_err(|e| format!("cannot read {}: {e}", manifest_path.display()))?;
    let manifest = json::parse(&manifest)
        .map_err(|e| format!("cannot parse {}: {e}", manifest_path.display()))?;
    let Some(Value::Object(packages)) = lock.get("packages") else {
        return Err(format!(
            "{PACKAGE_DIR}/package-lock.json has no `packages` table; it must be lockfile \
             version 2 or 3 (npm 7 or newer)"
        ));
    };

    let root = packages
        .iter()
        .find(|(path, _)| path.is_empty())
        .map(|(_, v)| v);
    for key in ["dependencies", "devDependencies"] {
        if manifest.get(key) != root.and_then(|r| r.get(key)) {
            return Ok(Some(format!(
                "package-lock.json does not match the `{key}` of package.json"
            )));
        }
    }

    for (path, entry) in packages {
        if path.is_empty() {
            continue;
        }
        let Some(locked) = entry.get("version").and_then(Value::as_str) else {
            return Err(format!(
                "{PACKAGE_DIR}/package-lock.json gives `{path}` no version"
            ));
        };
        let installed = package.join(path).join("package.json");
        let installed = match fs::read_to_string(&installed) {
            Ok(text) => json::parse(&text)
                .map_err(|e| format!("cannot parse {}: {e}", installed.display()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Some(format!("{path} is not installed")));
            }
            Err(e) => return Err(format!("cannot read {}: {e}", installed.display())),
        };
        match installed.get("version").and_then(Value::as_str) {
            Some(version) if version == locked => {}
            other => {
                return Ok(Some(format!(
                    "{path} is {}, the lockfile wants {locked}",
                    other.unwrap_or("of no version")
                )));
            }
        }
    }
    Ok(None)
}

fn installed_version(package: &Path, name: &str) -> Result<String, String> {
    let path = package.join("node_modules").join(name).join("package.json");
    let text =
        fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    json::parse(&text)
        .map_err(|e| format!("cannot parse {}: {e}", path.display()))?
        .get("version")
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| format!("{} has no version", path.display()))
}

/// Compiles one entry file into `out`.
fn build_plugin(root: &Path, asc: &Path, entry: &str, out: &Path) -> Result<(), String> {
    if let Some(dir) = out.parent() {
        fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    // asc leaves an old output in place when it fails; never mistake one for a fresh build.
    match fs::remove_file(out) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(format!("cannot remove {}: {e}", out.display())),
    }
    let mut build = Command::new("node");
    build
        .current_dir(root)
        .arg(asc)
        .arg(entry)
        .args(OPTIONS)
        .arg("--outFile")
        .arg(out);
    eprintln!("xtask: running {}", cmd::describe(&build));
    cmd::run(&mut build)?;
    if out.is_file() {
        Ok(())
    } else {
        Err(format!(
            "asc reported success but did not write {}",
            out.display()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::env;

    #[test]
    fn parses_node_versions() {
        assert_eq!(node_major("v20.20.2"), Some(20));
        assert_eq!(node_major("v8.0.0"), Some(8));
        assert_eq!(node_major("20.1.0"), None);
        assert_eq!(node_major("vx"), None);
    }

    #[test]
    fn finds_installs_that_differ_from_the_lock() {
        let dir = env::temp_dir().join(format!("wasp-xtask-asc-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let write = |path: &str, text: &str| {
            let path = dir.join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        };
        let lock = |wanted: &str| {
            json::parse(&format!(
                r#"{{"lockfileVersion": 3, "packages": {{
                    "": {{"devDependencies": {{"a": "1.0.0"}}}},
                    "node_modules/a": {{"version": "{wanted}"}}}}}}"#
            ))
            .unwrap()
        };
        write("package.json", r#"{"devDependencies": {"a": "1.0.0"}}"#);

        let stale = stale_install(&dir, &lock("1.0.0")).unwrap();
        assert_eq!(stale.as_deref(), Some("node_modules/a is not installed"));

        write("node_modules/a/package.json", r#"{"version": "1.0.0"}"#);
        assert_eq!(stale_install(&dir, &lock("1.0.0")).unwrap(), None);

        let stale = stale_install(&dir, &lock("1.0.1")).unwrap();
        assert_eq!(
            stale.as_deref(),
            Some("node_modules/a is 1.0.0, the lockfile wants 1.0.1")
        );

        write("package.json", r#"{"devDependencies": {"a": "2.0.0"}}"#);
        let stale = stale_install(&dir, &lock("1.0.0")).unwrap();
        assert_eq!(
            stale.as_deref(),
            Some("package-lock.json does not match the `devDependencies` of package.json")
        );
        fs::remove_dir_all(&dir).unwrap();
    }
}
