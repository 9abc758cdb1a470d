//! `wasp new demo`, in a directory outside the repository, then the two commands it prints:
//! `wasp build` builds the plugin for wasm32 with the toolchain at hand and the host runs it.
//!
//! To keep the run short the host reuses what the repository's tests compiled: the scaffold
//! gets the repository's Cargo.lock and builds into the repository's target directory.
//! The same for a C plugin (`--lang c`, built with clang); and `wasp build` names what it
//! cannot build.

mod common;

use common::{TempDir, repo};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Builds compile wasmtime's users and a plugin; they may be slow on a busy machine, never
/// endless.
const WATCHDOG: Duration = Duration::from_secs(20 * 60);

/// Runs `command` in `dir` with a watchdog; returns its exit status and output.
fn run(mut command: Command, dir: &Path, log: &str) -> (bool, String) {
    let out = dir.join(format!("{log}.out"));
    let file = std::fs::File::create(&out).unwrap();
    let mut child = command
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(file.try_clone().unwrap())
        .stderr(file)
        .spawn()
        .expect("the command starts");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > WATCHDOG {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{command:?} ran longer than {WATCHDOG:?}");
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    (
        status.success(),
        std::fs::read_to_string(&out).unwrap_or_default(),
    )
}

/// `wasp new demo` plus `extra` in a fresh directory outside the repository, then the two
/// commands it prints; returns what the host printed.
fn scaffold_build_and_run(extra: &[&str], artifact: &str) -> String {
    let dir = TempDir::new(&format!("new{}", extra.join("")));
    let repository = Path::new(&repo("")).canonicalize().unwrap();
    assert!(
        !dir.path().canonicalize().unwrap().starts_with(&repository),
        "the project must be outside the repository"
    );
    let wasp = env!("CARGO_BIN_EXE_wasp");
    let mut new = Command::new(wasp);
    new.args(["new", "demo"]).args(extra);
    let (ok, printed) = run(new, dir.path(), "new");
    assert!(ok, "{printed}");
    let commands: Vec<&str> = printed
        .lines()
        .filter_map(|l| l.strip_prefix("  "))
        .collect();
    assert_eq!(
        commands,
        [
            "wasp build demo/plugin",
            "cargo run --manifest-path demo/host/Cargo.toml"
        ],
        "{printed}"
    );
    // Reuse the repository's compiled dependencies for the host.
    std::fs::copy(repo("Cargo.lock"), dir.path().join("demo/host/Cargo.lock")).unwrap();

    let mut build = Command::new(wasp);
    build.args(commands[0].split_whitespace().skip(1));
    let (ok, built) = run(build, dir.path(), "build");
    assert!(ok, "{built}");
    assert!(
        built.contains(&format!("built demo/plugin/{artifact} (")),
        "{built}"
    );
    let module = std::fs::read(dir.path().join("demo/plugin").join(artifact)).unwrap();
    assert!(module.starts_with(b"\0asm"));

    let mut host = Command::new(env!("CARGO"));
    host.args(commands[1].split_whitespace().skip(1))
        .env("CARGO_TARGET_DIR", repo("target"));
    let (ok, ran) = run(host, dir.path(), "host");
    assert!(ok, "{ran}");
    ran
}

#[test]
fn a_new_rust_project_builds_and_runs_with_the_commands_it_prints() {
    let ran = scaffold_build_and_run(&[], "demo_plugin.wasm");
    assert!(ran.contains("Hello, Nic!\ngreeted 1 time(s)"), "{ran}");
}

#[test]
fn a_new_c_project_builds_with_clang_and_runs() {
    let ran = scaffold_build_and_run(&["--lang", "c"], "plugin.wasm");
    assert!(
        ran.contains("Hello Nic\nsum(3, 2) = 5\ncallback() = Hello Nic (from the host)"),
        "{ran}"
    );
}

#[test]
fn wasp_build_names_what_it_cannot_build() {
    let dir = TempDir::new("build-nothing");
    let mut build = Command::new(env!("CARGO_BIN_EXE_wasp"));
    build.arg("build");
    let (ok, said) = run(build, dir.path(), "build");
    assert!(!ok);
    assert!(said.contains("no Cargo.toml, go.mod or .c files"), "{said}");
}
