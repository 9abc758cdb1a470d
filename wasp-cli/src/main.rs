//! `wasp`: the command for Wasp plugins. Each subcommand lives in a module of its own.
//!
//! - `wasp inspect PLUGIN`: the contract(s) a plugin implements, its toolchain, imports and
//!   limits ([`inspect`]).
//! - `wasp call PLUGIN METHOD [ARG_JSON...]`: call a method with JSON arguments ([`call`]).
//! - `wasp check PLUGIN --against OTHER`: would a host built for OTHER load PLUGIN
//!   ([`check`]).
//! - `wasp new NAME`: scaffold a contract, a plugin and a host ([`new`]).
//! - `wasp build [DIR]`: build a Rust plugin crate for wasm32 with the toolchain at hand
//!   ([`build_plugin`]).
//! - `wasp compile PLUGIN`: a precompiled artifact (`.cwasm`) and its SHA-256 ([`compile`]).
//!
//! Errors are printed as `error: ...` and `hint: ...` on standard error; the exit status is
//! 0 on success, 1 when the plugin failed or the check found differences, 2 when the command
//! line cannot be carried out ([`failure`]).

mod build_plugin;
mod call;
mod check;
mod compile;
mod failure;
mod files;
mod host;
mod inspect;
mod log;
mod module_info;
mod new;
mod units;

use clap::{Parser, Subcommand};
use std::ffi::OsString;
use std::process::ExitCode;

/// Inspect, call, check and compile Wasp plugins
#[derive(Debug, Parser)]
#[command(
    name = "wasp",
    version,
    propagate_version = true,
    after_help = "\
Exit status: 0 on success; 1 when the plugin fails (it does not load, traps, panics, times
out) or `check` finds differences; 2 when the command line cannot be carried out (an unknown
method, JSON that does not fit the method's types, a malformed flag)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Inspect(inspect::Args),
    // Boxed: its many flags make it far larger than the others.
    Call(Box<call::Args>),
    Check(check::Args),
    New(new::Args),
    Build(build_plugin::Args),
    Compile(compile::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse_from(protect_negative_numbers(std::env::args_os()));
    let outcome = match &cli.command {
        Command::Inspect(args) => inspect::run(args),
        Command::Call(args) => call::run(args),
        Command::Check(args) => check::run(args),
        Command::New(args) => new::run(args),
        Command::Build(args) => build_plugin::run(args),
        Command::Compile(args) => compile::run(args),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("{}", failure.render());
            failure.exit_code()
        }
    }
}

/// The command line with every negative JSON number after `call` given a leading space.
///
/// clap takes `-5` for a value but `-1.5e+300` or `-2e-3` for flags. JSON allows
/// whitespace around a value, so ` -2e-3` reads as the same number, and clap sees a value.
fn protect_negative_numbers(args: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    let mut in_call = false;
    let mut escaped = false;
    args.into_iter()
        .map(|arg| {
            let text = arg.to_str().unwrap_or_default();
            if in_call
                && !escaped
                && text.starts_with('-')
                && serde_json::from_str::<serde_json::Number>(text).is_ok()
            {
                return OsString::from(format!(" {text}"));
            }
            in_call |= text == "call";
            escaped |= in_call && text == "--";
            arg
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_numbers_after_call_are_values() {
        let args = |list: &[&str]| -> Vec<OsString> { list.iter().map(OsString::from).collect() };
        assert_eq!(
            protect_negative_numbers(args(&[
                "wasp",
                "call",
                "p",
                "m",
                "-1.5e+300",
                "-2",
                "--pretty"
            ])),
            args(&["wasp", "call", "p", "m", " -1.5e+300", " -2", "--pretty"])
        );
        assert_eq!(
            protect_negative_numbers(args(&["wasp", "call", "p", "m", "--", "-1e-3"])),
            args(&["wasp", "call", "p", "m", "--", "-1e-3"])
        );
        assert_eq!(
            protect_negative_numbers(args(&["wasp", "inspect", "-1"])),
            args(&["wasp", "inspect", "-1"])
        );
    }
}
