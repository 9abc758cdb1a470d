//! Repository chores that need more than a one-line cargo alias: `cargo xtask <task>`.

mod assemblyscript_guests;
mod c_guests;
mod cmd;
mod go_guests;
mod java_guests;
mod json;
mod plugins;
mod rust_guests;
mod rustc_wrapper;
mod zig_guests;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use plugins::Mode;

const USAGE: &str = "\
Usage: cargo xtask <task>

Tasks:
  plugins          Build every guest plugin and copy it to its committed path
  plugins --check  Rebuild every guest plugin without touching the committed ones, and fail
                   naming each committed plugin that differs from the fresh build or is missing
  help             Show this message

Environment:
  WASP_GUEST_TOOLCHAIN=rustup|debian
                   Build Rust guests with rustup's toolchain (needs `rustup target add
                   wasm32-wasip1`) or Debian's rustc 1.63 (needs `apt-get install rustc cargo
                   libstd-rust-dev-wasm32`); unset, rustup's is used when it has the target.
  WASP_CLANG=<path>
                   The clang that builds C guests; `clang` from PATH when unset.

See docs/BUILDING.md.
";

fn main() -> ExitCode {
    if let Some(root) = std::env::var_os(rustc_wrapper::ROOT_VAR) {
        return rustc_wrapper::run(root, std::env::args_os().skip(1));
    }
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mode = match args.as_slice() {
        ["plugins"] => Mode::Write,
        ["plugins", "--check"] => Mode::Check,
        ["help" | "--help" | "-h"] | ["plugins", "--help" | "-h"] => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        [] => {
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
        _ => {
            eprintln!("xtask: unknown arguments `{}`\n", args.join(" "));
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let result = repo_root().and_then(|root| plugins::run(root, mode));
    result.unwrap_or_else(|e| {
        eprintln!("xtask: error: {e}");
        ExitCode::FAILURE
    })
}

/// The checkout this xtask was built from, canonicalised: compilers report canonical paths,
/// and `--remap-path-prefix` only rewrites exact prefixes.
fn repo_root() -> Result<PathBuf, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .ok_or("the xtask crate has no parent directory")?;
    root.canonicalize()
        .map_err(|e| format!("cannot resolve {}: {e}", root.display()))
}
