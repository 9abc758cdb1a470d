//! What every load verifies, whoever holds the contract: a typed load ([`Plugin`]) holds it
//! as a Rust type, a dynamic load ([`DynamicPlugin`]) at run time. Both go through
//! [`verify`], so that they refuse exactly the same modules with exactly the same errors.
//!
//! [`Plugin`]: crate::Plugin
//! [`DynamicPlugin`]: crate::DynamicPlugin

use crate::compile::{Compiled, Loaded, require_func, require_memory, runtime_exports};
use crate::core::{MethodSpec, ModuleExports, ResultKind};
use crate::engine::Engine;
use crate::failure::wasm_error;
use crate::linking;
use std::sync::Arc;
use wasp::Error;
use wasp_abi::descriptor::{self, Contract as Descriptor};
use wasp_abi::{ALLOC_EXPORT, ValType};

/// A module verified against a contract, linked and ready to instantiate.
pub(crate) struct Verified {
    pub(crate) loaded: Loaded,
    /// The plugin's own descriptor of the contract.
    pub(crate) declared: Descriptor,
    /// Methods of the expected contract the plugin predates (added, `since`, after the
    /// plugin's contract version).
    pub(crate) unavailable: Vec<String>,
}

/// The descriptor of contract `name` among `all`, the descriptors a module carries.
///
/// # Errors
/// [`Error::ContractMismatch`] naming the contracts the module does implement.
pub(crate) fn find<'a>(all: &'a [Descriptor], name: &str) -> Result<&'a Descriptor, Error> {
    all.iter().find(|c| c.name == name).ok_or_else(|| {
        let names: Vec<String> = all.iter().map(|c| format!("`{}`", c.name)).collect();
        Error::ContractMismatch {
            contract: name.to_string(),
            differences: vec![format!(
                "the plugin implements {}, not `{name}`",
                names.join(", ")
            )],
        }
    })
}

/// Verifies `compiled`, which carries the descriptors `all`, against contract `expected`:
/// the plugin's own descriptor of it must be compatible (`compare`), every import must be
/// provided, and every export `expected` needs must have the wasm type the contract gives it.
/// Then links the module once. `names` are the methods' names in errors and spans, in the
/// contract's order: a typed load passes the Rust names (`C::METHODS`), which differ from
/// the wire names where `#[wasp(rename)]` says so; a missing entry falls back to the wire
/// name.
///
/// # Errors
/// - [`Error::ContractMismatch`] when `all` has no descriptor of `expected`, it differs from
///   `expected`, or the module imports something the host does not provide;
/// - [`Error::MissingExport`] when an export the contract needs is missing or mistyped;
/// - [`Error::Wasm`] when wasmtime cannot link the module.
pub(crate) fn verify(
    engine: &Engine,
    compiled: &Compiled,
    all: &[Descriptor],
    expected: &Descriptor,
    names: &[&str],
) -> Result<Verified, Error> {
    let module = &compiled.module;
    let mismatch = |differences: Vec<String>| Error::ContractMismatch {
        contract: expected.name.clone(),
        differences,
    };
    let declared = find(all, &expected.name)?.clone();
    let comparison = descriptor::compare(expected, &declared);
    if !comparison.differences.is_empty() {
        return Err(mismatch(comparison.differences));
    }

    // Host functions of the module's other contracts: this host does not provide them, and
    // this contract's methods do not call them, so they are linked to stubs that trap.
    let this_module = expected.host.as_ref().map(|h| h.module.as_str());
    let other_modules: Vec<String> = all
        .iter()
        .filter(|c| c.name != expected.name)
        .filter_map(|c| c.host.as_ref().map(|h| h.module.clone()))
        .filter(|m| Some(m.as_str()) != this_module)
        .collect();
    let import_problems = linking::check_imports(module, expected.host.as_ref(), &other_modules);
    if !import_problems.is_empty() {
        return Err(mismatch(import_problems));
    }

    let exports = verify_exports(
        compiled,
        expected,
        names,
        &comparison.unavailable,
        declared.version,
    )?;
    let mut linker = linking::linker(&engine.inner, expected.host.as_ref())?;
    if !other_modules.is_empty() {
        linker
            .define_unknown_imports_as_traps(module)
            .map_err(wasm_error)?;
    }
    let loaded = Loaded::new(
        engine,
        module,
        &linker,
        exports,
        expected.host.as_ref(),
        !other_modules.is_empty(),
    )?;
    tracing::debug!(
        contract = %expected.name,
        methods = expected.methods.len(),
        plugin_version = declared.version,
        unavailable = ?comparison.unavailable,
        "loaded plugin; contract, exports and imports verified"
    );
    Ok(Verified {
        loaded,
        declared,
        unavailable: comparison.unavailable,
    })
}

/// The exports contract `expected` needs, each verified to have the wasm type the contract
/// gives it, and the runtime exports its methods need (memory, `wasp_alloc`).
fn verify_exports(
    compiled: &Compiled,
    expected: &Descriptor,
    names: &[&str],
    unavailable: &[String],
    plugin_version: u32,
) -> Result<ModuleExports, Error> {
    let module = &compiled.module;
    let mut exports = runtime_exports(module);
    exports.plugin_version = plugin_version;
    for (i, method) in expected.methods.iter().enumerate() {
        let (params, results) = (method.wasm_params(), method.wasm_results());
        let export = if unavailable.contains(&method.name) {
            None
        } else {
            Some(require_func(module, &method.name, &params, &results)?)
        };
        let name = names.get(i).map_or(method.name.as_str(), |n| *n);
        let label = if name == method.name {
            name.to_string()
        } else {
            format!("{name} (export `{}`)", method.name)
        };
        let result = match &method.result {
            None => ResultKind::None,
            Some(r) if r.is_buffer() => ResultKind::Buffer,
            Some(_) => ResultKind::Value,
        };
        exports.methods.push(Arc::new(MethodSpec {
            name: name.to_string(),
            label,
            export,
            params,
            results,
            result,
            since: method.since,
        }));
    }
    let needs_buffers = expected
        .methods
        .iter()
        .any(|m| m.params.iter().any(|p| p.is_buffer()))
        || expected.host.as_ref().is_some_and(|h| {
            h.functions
                .iter()
                .any(|f| f.result.as_ref().is_some_and(|r| r.is_buffer()))
        });
    let logs = module
        .imports()
        .any(|i| i.module() == wasp_abi::RUNTIME_MODULE && i.name() == wasp_abi::LOG_IMPORT);
    let needs_memory = needs_buffers
        || logs
        || expected
            .methods
            .iter()
            .any(|m| m.result.as_ref().is_some_and(|r| r.is_buffer()))
        || expected
            .host
            .as_ref()
            .is_some_and(|h| !h.functions.is_empty());
    if needs_memory {
        exports.memory = Some(require_memory(module)?);
    }
    if needs_buffers {
        exports.alloc = Some(require_func(
            module,
            ALLOC_EXPORT,
            &[ValType::I32],
            &[ValType::I32],
        )?);
    }
    Ok(exports)
}
