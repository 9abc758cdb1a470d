//! The xtask doubles as cargo's `RUSTC_WRAPPER` for guest builds, to make them independent of
//! where the repository is checked out.
//!
//! Cargo derives `-C metadata` of a path package outside the workspace root from its absolute
//! path, and every guest crate in the checkout (`wasp`, the plugins) is outside `guests/`.
//! rustc mixes that value into symbol hashes and orders functions by symbol, so two clones
//! emitted the same functions in a different order. `--remap-path-prefix` cannot help; stable
//! cargo has no switch for it (`trim-paths` is unstable, and newer than Debian's cargo). So
//! for crates in the checkout the wrapper replaces the value with a hash of the compiler
//! arguments that do not depend on the checkout's location.

use std::ffi::OsString;
use std::path::Path;
use std::process::{Command, ExitCode};

/// Set, to the repository root, only on the guest builds the xtask starts; its presence is what
/// makes the xtask binary behave as a wrapper.
pub const ROOT_VAR: &str = "__WASP_XTASK_RUSTC_WRAPPER_ROOT";
/// Crates under this directory come from a registry and already have stable metadata.
pub const SKIP_VAR: &str = "__WASP_XTASK_RUSTC_WRAPPER_SKIP";

/// Runs `rustc args…` as cargo asked, with `-C metadata` replaced where needed.
pub fn run(root: OsString, mut args: impl Iterator<Item = OsString>) -> ExitCode {
    let Some(rustc) = args.next() else {
        eprintln!("xtask: {ROOT_VAR} is set but cargo passed no rustc to wrap");
        return ExitCode::FAILURE;
    };
    let mut args: Vec<OsString> = args.collect();
    let skip = std::env::var_os(SKIP_VAR);
    if let (Some(root), Some(skip)) = (root.to_str(), skip.as_ref().and_then(|s| s.to_str())) {
        let strings: Option<Vec<&str>> = args.iter().map(|a| a.to_str()).collect();
        if let Some(new) = strings.and_then(|s| stable_metadata(&s, root, skip)) {
            replace_metadata(&mut args, &new);
        }
    }
    exec(Command::new(rustc).args(args))
}

/// Hands the process over to rustc, so cargo sees rustc's exit status, output and signals
/// exactly as without a wrapper.
#[cfg(unix)]
fn exec(cmd: &mut Command) -> ExitCode {
    use std::os::unix::process::CommandExt;
    let err = cmd.exec();
    eprintln!("xtask: cannot run {:?}: {err}", cmd.get_program());
    ExitCode::FAILURE
}

#[cfg(not(unix))]
fn exec(cmd: &mut Command) -> ExitCode {
    match cmd.status() {
        Ok(status) => ExitCode::from(status.code().map_or(1, |c| c as u8)),
        Err(err) => {
            eprintln!("xtask: cannot run {:?}: {err}", cmd.get_program());
            ExitCode::FAILURE
        }
    }
}

/// The replacement metadata for a compilation of a crate inside `root` (but not under `skip`),
/// or `None` to leave the arguments alone: probes like `rustc -vV`, and registry crates.
fn stable_metadata(args: &[&str], root: &str, skip: &str) -> Option<String> {
    let source = args
        .iter()
        .find(|a| !a.starts_with('-') && a.ends_with(".rs"))?;
    let in_checkout = Path::new(source).starts_with(root) && !Path::new(source).starts_with(skip);
    if !in_checkout || !args.iter().any(|a| is_metadata(a)) {
        return None;
    }

    // Only what identifies the unit: crate name and type, edition, source path within the
    // checkout, features, target, codegen options, and dependency names. Everything else
    // (output directories, dependency file names, remaps, and cargo's `--diagnostic-width`,
    // which follows the terminal) can differ between two builds of the same unit.
    let mut hash = Fnv::new();
    let mut iter = args.iter().copied();
    while let Some(arg) = iter.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if arg.starts_with("--") => (flag, Some(value)),
            _ => (arg, None),
        };
        let mut value = || inline.or_else(|| iter.next());
        match flag {
            "--crate-name" | "--crate-type" | "--edition" | "--cfg" | "--target" => {
                hash.word(flag);
                hash.word(value().unwrap_or_default());
            }
            "-C" | "--codegen" => {
                let value = value().unwrap_or_default();
                if !is_path_dependent_codegen(value) {
                    hash.word("-C");
                    hash.word(value);
                }
            }
            "--extern" => {
                let value = value().unwrap_or_default();
                hash.word(flag);
                hash.word(value.split('=').next().unwrap_or(value));
            }
            _ if flag.starts_with("-C") && !is_path_dependent_codegen(&flag[2..]) => {
                hash.word("-C");
                hash.word(&flag[2..]);
            }
            _ if arg == *source => {
                hash.word("<source>");
                hash.word(&Path::new(arg).strip_prefix(root).ok()?.to_string_lossy());
            }
            _ => {}
        }
    }
    Some(format!("{:016x}", hash.finish()))
}

fn is_metadata(arg: &str) -> bool {
    arg.starts_with("metadata=") || arg.starts_with("-Cmetadata=")
}

/// Codegen options whose values are cargo's path-derived hashes.
fn is_path_dependent_codegen(value: &str) -> bool {
    value.starts_with("metadata=") || value.starts_with("extra-filename=")
}

fn replace_metadata(args: &mut [OsString], new: &str) {
    for i in 0..args.len() {
        let Some(arg) = args[i].to_str() else {
            continue;
        };
        if arg.starts_with("-Cmetadata=") {
            args[i] = format!("-Cmetadata={new}").into();
        } else if arg.starts_with("metadata=")
            && i > 0
            && (args[i - 1] == "-C" || args[i - 1] == "--codegen")
        {
            args[i] = format!("metadata={new}").into();
        }
    }
}

/// FNV-1a: tiny and fixed forever, unlike std's `DefaultHasher`, whose algorithm may change
/// with the Rust release that builds the xtask and would then change every artifact.
struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    /// Hashes a string and a terminator, so `["ab", "c"]` and `["a", "bc"]` differ.
    fn word(&mut self, s: &str) {
        for byte in s.bytes().chain([0xff]) {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compile(root: &str, metadata: &str, feature: &str) -> Vec<String> {
        [
            "--crate-name",
            "wasp",
            "--edition=2021",
            &format!("{root}/src/lib.rs"),
            "--crate-type",
            "lib",
            "-C",
            "opt-level=s",
            "-C",
            &format!("metadata={metadata}"),
            "-C",
            &format!("extra-filename=-{metadata}"),
            "--out-dir",
            &format!("{root}/guests/target/deps"),
            "--target",
            "wasm32-wasi",
            "--cfg",
            feature,
            "-L",
            &format!("dependency={root}/guests/target/deps"),
            "--extern",
            &format!("serde={root}/guests/target/deps/libserde-1234.rlib"),
            &format!("--remap-path-prefix={root}=/wasp"),
        ]
        .map(String::from)
        .to_vec()
    }

    fn metadata(args: &[String], root: &str) -> Option<String> {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        stable_metadata(&args, root, &format!("{root}/guests/vendor"))
    }

    #[test]
    fn same_crate_in_two_clones_gets_the_same_metadata() {
        let a = metadata(&compile("/a", "1111", "feature=\"std\""), "/a").unwrap();
        let b = metadata(&compile("/tmp/b/c", "2222", "feature=\"std\""), "/tmp/b/c").unwrap();
        assert_eq!(a, b);
        let mut in_terminal = compile("/tmp/b/c", "2222", "feature=\"std\"");
        in_terminal.extend(["--diagnostic-width=97".into(), "--color=always".into()]);
        assert_eq!(metadata(&in_terminal, "/tmp/b/c").unwrap(), a);
        let other = metadata(&compile("/a", "1111", "feature=\"alloc\""), "/a").unwrap();
        assert_ne!(a, other, "different features must stay different units");
        let mut release = compile("/a", "1111", "feature=\"std\"");
        release[7] = "opt-level=3".into();
        assert_ne!(
            metadata(&release, "/a").unwrap(),
            a,
            "profiles must stay apart"
        );
        let mut renamed = compile("/a", "1111", "feature=\"std\"");
        renamed[3] = "/a/other/src/lib.rs".into();
        assert_ne!(
            metadata(&renamed, "/a").unwrap(),
            a,
            "packages must stay apart"
        );
    }

    #[test]
    fn leaves_registry_crates_and_probes_alone() {
        let mut args = compile("/a", "1111", "x");
        args[3] = "/a/guests/vendor/serde/src/lib.rs".into();
        assert_eq!(metadata(&args, "/a"), None);
        args[3] = "/home/u/.cargo/registry/src/serde/src/lib.rs".into();
        assert_eq!(metadata(&args, "/a"), None);
        assert_eq!(metadata(&["-vV".to_string()], "/a"), None);
    }

    #[test]
    fn replaces_both_spellings() {
        let mut args: Vec<OsString> = ["-C", "metadata=1", "-Cmetadata=2", "metadata=3"]
            .map(OsString::from)
            .to_vec();
        replace_metadata(&mut args, "ff");
        assert_eq!(args, ["-C", "metadata=ff", "-Cmetadata=ff", "metadata=3"]);
    }
}
