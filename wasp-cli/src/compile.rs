//! `wasp compile PLUGIN`: compile a plugin ahead of time into an artifact (`.cwasm`) that a
//! host loads without compiling (`Engine::load_precompiled`), and print its SHA-256 for
//! `Engine::load_precompiled_checked`.

use crate::failure::Failure;
use crate::files;
use std::path::PathBuf;
use std::time::Duration;
use wasp_host::{Engine, artifact_digest};

/// Compile a plugin ahead of time into a precompiled artifact (.cwasm)
#[derive(Debug, clap::Args)]
#[command(after_help = "\
The artifact loads only into an engine configured as this one was: the same Wasp and
wasmtime versions, the same target, a call timeout on (the default) or off (--no-call-timeout;
the allocator, pooling or not, does not matter). Any other engine refuses it with
Error::Incompatible. The contract is verified when the host loads it, as for a .wasm.

Loading an artifact runs its machine code unchecked: load only artifacts you made, or keep
the SHA-256 printed here and load with Engine::load_precompiled_checked.")]
pub struct Args {
    /// The plugin: a WebAssembly module (.wasm), or its text format (.wat)
    plugin: PathBuf,

    /// Where to write the artifact; PLUGIN with the extension .cwasm by default
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,

    /// Compile for an engine without a call timeout (`call_timeout(None)`)
    #[arg(long)]
    no_call_timeout: bool,
}

pub fn run(args: &Args) -> Result<(), Failure> {
    // The timeout's length does not change the code, only whether there is one.
    let timeout = (!args.no_call_timeout).then_some(Duration::from_secs(10));
    let engine = Engine::builder().call_timeout(timeout).build()?;
    let wasm = files::read(&args.plugin, "the plugin")?;
    let artifact = engine.precompile(&wasm)?;
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| args.plugin.with_extension("cwasm"));
    std::fs::write(&output, &artifact)
        .map_err(|e| Failure::new(format!("cannot write {}: {e}", output.display())))?;
    let digest: String = artifact_digest(&artifact)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    println!("{}: {} bytes", output.display(), artifact.len());
    println!("sha256: {digest}");
    Ok(())
}
