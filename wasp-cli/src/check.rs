//! `wasp check PLUGIN --against OTHER`: would a host built for OTHER's contract load PLUGIN?
//! The verdict and every difference, exactly as a typed load reports them, and an exit code
//! for CI: 0 when compatible, 1 when not.

use crate::failure::Failure;
use crate::files;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use wasp::descriptor::{self, Contract};
use wasp_host::Engine;

/// Check that a plugin implements the contract another plugin or a descriptor describes
#[derive(Debug, clap::Args)]
#[command(after_help = "\
OTHER plays the host: a plugin built against the contract the host expects, or that
contract's descriptor text (a file starting `wasp-contract 1`, as `wasp inspect --json`
shows it in `descriptor`, or as `<dyn Trait as wasp::Contract>::descriptor().render()`
writes it). In the differences, \"the host's contract\" is OTHER's and \"the plugin\" is
PLUGIN.

Exit status: 0 when PLUGIN implements every contract checked, 1 when it does not, 2 for a
command line that cannot be carried out.")]
pub struct Args {
    /// The plugin to check: a WebAssembly module (.wasm), or its text format (.wat)
    plugin: PathBuf,

    /// What the plugin must implement: another plugin (.wasm, .wat) or a descriptor file
    #[arg(long, value_name = "OTHER")]
    against: PathBuf,

    /// Check only this contract, when OTHER describes several
    #[arg(long, value_name = "NAME")]
    contract: Option<String>,

    /// Print JSON, for machines
    #[arg(long)]
    json: bool,
}

/// The verdict on one contract.
struct Verdict {
    contract: String,
    /// Every difference; empty when compatible.
    differences: Vec<String>,
    /// Methods of the contract the plugin predates (`since`), when compatible.
    unavailable: Vec<String>,
}

pub fn run(args: &Args) -> Result<(), Failure> {
    let engine = Engine::new()?;
    let expected = expected_contracts(&engine, &args.against, args.contract.as_deref())?;
    let plugin = files::read(&args.plugin, "the plugin")?;
    let plugin = files::binary(&plugin)?;
    let mut verdicts = Vec::with_capacity(expected.len());
    for contract in &expected {
        let (differences, unavailable) = match engine.load_against(&plugin, contract) {
            Ok(loaded) => (Vec::new(), loaded.unavailable().to_vec()),
            Err(wasp::Error::ContractMismatch { differences, .. }) => (differences, Vec::new()),
            Err(wasp::Error::MissingExport { name, detail }) => {
                (vec![format!("export `{name}`: {detail}")], Vec::new())
            }
            // The plugin cannot be read or compiled at all: not a verdict on compatibility.
            Err(e @ (wasp::Error::Wasm { .. } | wasp::Error::Io { .. })) => {
                return Err(Failure::from(e).prefix(&format!("{}: ", args.plugin.display())));
            }
            // Anything else (a descriptor export that traps, say) is a reason no host could
            // load the plugin.
            Err(other) => (vec![other.to_string()], Vec::new()),
        };
        verdicts.push(Verdict {
            contract: contract.name.clone(),
            differences,
            unavailable,
        });
    }
    let compatible = verdicts.iter().all(|v| v.differences.is_empty());
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&to_json(args, &verdicts, compatible)).unwrap_or_default()
        );
    } else {
        print!("{}", to_text(args, &verdicts));
    }
    if compatible {
        Ok(())
    } else {
        let differing = verdicts
            .iter()
            .filter(|v| !v.differences.is_empty())
            .count();
        Err(Failure::new(format!(
            "incompatible: {differing} of {} contract(s) differ",
            verdicts.len()
        )))
    }
}

/// The contracts OTHER describes, from a module's descriptors or a descriptor text file.
fn expected_contracts(
    engine: &Engine,
    path: &Path,
    only: Option<&str>,
) -> Result<Vec<Contract>, Failure> {
    let bytes = files::read(path, "--against")?;
    let text = std::str::from_utf8(&bytes).ok();
    let is_descriptor = text.is_some_and(|t| {
        t.trim_start_matches(|c: char| c.is_whitespace() || c == '\0')
            .starts_with(descriptor::MAGIC)
    });
    let all = if is_descriptor {
        descriptor::parse_section(&bytes)
            .map_err(|e| Failure::new(format!("{}: {e}", path.display())))?
    } else {
        if !files::is_binary_wasm(&bytes) && wat::parse_bytes(&bytes).is_err() {
            return Err(Failure::usage(format!(
                "{} is neither a WebAssembly module nor a contract descriptor",
                path.display()
            ))
            .hint("--against takes a plugin (.wasm, .wat) or a descriptor text file starting `wasp-contract 1`"));
        }
        engine
            .descriptors(&files::binary(&bytes)?)
            .map_err(|e| Failure::from(e).prefix(&format!("{}: ", path.display())))?
            .contracts
    };
    if all.is_empty() {
        return Err(Failure::new(format!(
            "{} carries no contract descriptor, so there is nothing to check against",
            path.display()
        )));
    }
    match only {
        None => Ok(all),
        Some(name) => match all.into_iter().find(|c| c.name == name) {
            Some(c) => Ok(vec![c]),
            None => Err(Failure::usage(format!(
                "{} describes no contract `{name}`",
                path.display()
            ))
            .hint("`wasp inspect` lists the contracts a plugin carries")),
        },
    }
}

fn to_text(args: &Args, verdicts: &[Verdict]) -> String {
    let (plugin, against) = (args.plugin.display(), args.against.display());
    let mut out = String::new();
    for v in verdicts {
        if v.differences.is_empty() {
            out.push_str(&format!(
                "compatible: {plugin} implements contract `{}` as {against} describes it\n",
                v.contract
            ));
            if !v.unavailable.is_empty() {
                out.push_str(&format!(
                    "  the plugin predates method(s) {}, added in a later version of the \
                     contract: calling them returns Error::Unavailable\n",
                    v.unavailable.join(", ")
                ));
            }
        } else {
            out.push_str(&format!(
                "incompatible: {plugin} does not implement contract `{}` as {against} \
                 describes it:\n",
                v.contract
            ));
            for d in &v.differences {
                out.push_str(&format!("  - {d}\n"));
            }
        }
    }
    if verdicts.iter().any(|v| !v.differences.is_empty()) {
        out.push_str(&format!(
            "(\"the host's contract\" is {against}'s, \"the plugin\" is {plugin})\n"
        ));
    }
    out
}

fn to_json(args: &Args, verdicts: &[Verdict], compatible: bool) -> Value {
    json!({
        "plugin": args.plugin.display().to_string(),
        "against": args.against.display().to_string(),
        "compatible": compatible,
        "contracts": verdicts
            .iter()
            .map(|v| json!({
                "contract": v.contract,
                "compatible": v.differences.is_empty(),
                "differences": v.differences,
                "unavailable": v.unavailable,
            }))
            .collect::<Vec<_>>(),
    })
}
