//! `wasp`: the command for Wasp plugins. Each subcommand lives in a module of its own.
//!
//! - `wasp inspect PLUGIN`: the contract(s) a plugin implements, its toolchain, imports and
//!   limits ([`inspect`]).
//! - `wasp call PLUGIN METHOD [ARG_JSON...]`: call a method with JSON arguments ([`call`]).
//! - `wasp check PLUGIN --against OTHER`: would a host built for OTHER load PLUGIN
//!   ([`check`]).
//!
//! Errors are printed as `error: ...` and `hint: ...` on standard error; the exit status is
//! 0 on success, 1 when the plugin failed or the check found differences, 2 when the command
//! line cannot be carried out ([`failure`]).

mod call;
mod check;
mod failure;
mod files;
mod host;
mod inspect;
mod log;
mod module_info;
mod units;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Inspect, call and check Wasp plugins
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
    Call(call::Args),
    Check(check::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match &cli.command {
        Command::Inspect(args) => inspect::run(args),
        Command::Call(args) => call::run(args),
        Command::Check(args) => check::run(args),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("{}", failure.render());
            failure.exit_code()
        }
    }
}
