//! Runs the `wasp` binary as a process, as a user would, on the committed plugins.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// What one run of the command did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Asserts success and returns standard output.
    pub fn ok(&self) -> &str {
        assert_eq!(self.code, 0, "expected success: {self:#?}");
        &self.stdout
    }

    /// Asserts exit code `code`, a message on standard error and no panic; returns the
    /// message.
    pub fn fails(&self, code: i32) -> &str {
        assert_eq!(self.code, code, "expected exit code {code}: {self:#?}");
        // The plugin's own standard error may come first.
        assert!(
            self.stderr.lines().any(|l| l.starts_with("error: ")),
            "an `error: ` line: {self:#?}"
        );
        assert!(
            !self.stderr.contains("thread 'main' panicked"),
            "the command panicked: {self:#?}"
        );
        &self.stderr
    }
}

/// A path inside the repository.
pub fn repo(relative: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative)
        .to_string_lossy()
        .into_owned()
}

/// The Greeter in every guest language; tests index the first four (Rust, C, Go,
/// AssemblyScript) for where each puts its descriptor.
pub const GREETERS: [&str; 6] = [
    "examples/greeter/plugins/greeter-rust.wasm",
    "examples/greeter/plugins/greeter-c.wasm",
    "examples/greeter/plugins/greeter-go.wasm",
    "examples/greeter/plugins/greeter-assemblyscript.wasm",
    "examples/greeter/plugins/greeter-zig.wasm",
    "examples/greeter/plugins/greeter-java.wasm",
];

pub fn types_plugin() -> String {
    repo("tests/wasm/types.wasm")
}

/// Runs `wasp` with `args`, with an empty standard input.
pub fn wasp<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let output = Command::new(env!("CARGO_BIN_EXE_wasp"))
        .args(args)
        .stdin(std::process::Stdio::null())
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("run wasp");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// A fresh directory under the system's temporary directory, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("wasp-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Writes `contents` to `name` inside the directory and returns its path.
    pub fn file(&self, name: &str, contents: impl AsRef<[u8]>) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, contents).expect("write temp file");
        path.to_string_lossy().into_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
