//! Reading the contract descriptors a module carries: from its custom section, or by calling
//! its descriptor exports in a throwaway instance. Every byte read is bounded.

use crate::compile::Compiled;
use crate::engine::Engine;
use crate::failure::{instantiation_failure, plugin_failure, wasm_error};
use crate::linking;
use crate::store::new_store;
use crate::wasm::custom_section;
use wasp::__private::guest_slice;
use wasp::{Error, HostContract, NoHost};
use wasp_abi::descriptor::{self, Contract as Descriptor};
use wasp_abi::{
    CONTRACT_EXPORT, CONTRACT_EXPORT_PREFIX, CONTRACT_SECTION, INITIALIZE_EXPORT,
    MAX_DESCRIPTOR_LEN, MEMORY_EXPORT, ValType,
};

/// Where a module's contract descriptors were found (docs/ABI.md section 8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DescriptorSource {
    /// The `wasp-contract` custom section.
    Section,
    /// These exports (`wasp_contract_<Name>` or `wasp_contract`), called in a throwaway
    /// instance.
    Exports(Vec<String>),
    /// Nowhere: the module carries no descriptor.
    Absent,
}

/// The contract descriptors a module carries, and where they were found
/// ([`Engine::descriptors`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Descriptors {
    /// Every contract the module implements, in the order found; empty when
    /// [`DescriptorSource::Absent`].
    pub contracts: Vec<Descriptor>,
    /// Where they came from.
    pub source: DescriptorSource,
}

/// Why a module's descriptors could not be read.
pub(crate) enum ReadError {
    /// The module carries none.
    Absent,
    /// What is wrong with them, one sentence each, for [`Error::ContractMismatch`].
    Invalid(Vec<String>),
    /// A failure that is not about the descriptor's contents (a trap, a timeout, ...).
    Other(Error),
}

impl ReadError {
    /// The error a load of contract `contract` reports (`""` when the caller named no
    /// contract): a module without descriptors cannot be verified, so there it is an error.
    pub(crate) fn into_load_error(self, contract: &str) -> Error {
        let mismatch = |differences: Vec<String>| Error::ContractMismatch {
            contract: contract.to_string(),
            differences,
        };
        match self {
            ReadError::Invalid(problems) => mismatch(problems),
            ReadError::Other(error) => error,
            ReadError::Absent => {
                let name = if contract.is_empty() {
                    "<Contract>"
                } else {
                    contract
                };
                mismatch(vec![format!(
                    "the plugin carries no contract descriptor: no custom section \
                     `{CONTRACT_SECTION}` and no export `{CONTRACT_EXPORT_PREFIX}{name}` or \
                     `{CONTRACT_EXPORT}` (Rust plugins get one from `export_...!`; docs/ABI.md \
                     says how other languages add one)"
                )])
            }
        }
    }
}

impl Engine {
    /// The contract descriptors the module in `bytes` (binary WebAssembly, or the text
    /// format) carries: its `wasp-contract` custom section, or else what its
    /// `wasp_contract_<Name>` or `wasp_contract` exports return when called in a throwaway
    /// instance with no WASI grants, no host functions and the engine's limits
    /// (docs/ABI.md section 8). A module without any is not an error:
    /// [`DescriptorSource::Absent`].
    ///
    /// # Errors
    /// - [`Error::Wasm`] when the bytes are not a valid module;
    /// - [`Error::ContractMismatch`] when a descriptor does not follow the grammar, or the
    ///   section or an export holds more than [`wasp_abi::MAX_DESCRIPTOR_LEN`] bytes;
    /// - a call error ([`Error::Trap`], [`Error::Timeout`], ...) when a descriptor export
    ///   fails.
    pub fn descriptors(&self, bytes: &[u8]) -> Result<Descriptors, Error> {
        let compiled = crate::compile::compile(self, bytes)?;
        match read(self, &compiled) {
            Ok(found) => Ok(found),
            Err(ReadError::Absent) => Ok(Descriptors {
                contracts: Vec::new(),
                source: DescriptorSource::Absent,
            }),
            Err(e) => Err(e.into_load_error("")),
        }
    }
}

/// Every contract `compiled` says it implements (a module may implement several), and where
/// it says so; never [`DescriptorSource::Absent`], which is [`ReadError::Absent`].
pub(crate) fn read(engine: &Engine, compiled: &Compiled) -> Result<Descriptors, ReadError> {
    let invalid = |e: String| ReadError::Invalid(vec![e]);
    let section = custom_section(
        &compiled.bytes,
        CONTRACT_SECTION,
        MAX_DESCRIPTOR_LEN as usize,
    )
    .map_err(|size| {
        invalid(format!(
            "custom section `{CONTRACT_SECTION}` has {size} bytes; a descriptor may have at \
                 most {MAX_DESCRIPTOR_LEN}"
        ))
    })?;
    if !section.is_empty() {
        let contracts = descriptor::parse_section(&section)
            .map_err(|e| invalid(format!("the plugin's {e}")))?;
        return Ok(Descriptors {
            contracts,
            source: DescriptorSource::Section,
        });
    }
    let exports: Vec<&str> = compiled
        .module
        .exports()
        .map(|e| e.name())
        .filter(|name| name.starts_with(CONTRACT_EXPORT_PREFIX) || *name == CONTRACT_EXPORT)
        .filter(|name| {
            crate::compile::require_func(&compiled.module, name, &[], &[ValType::I64]).is_ok()
        })
        .collect();
    if exports.is_empty() {
        return Err(ReadError::Absent);
    }
    let mut all = Vec::new();
    let texts = crate::failure::outside_runtime("(reading the contract descriptor)", || {
        from_exports(engine, compiled, &exports)
    })
    .map_err(ReadError::Other)??;
    for text in texts {
        all.extend(
            descriptor::parse_section(&text).map_err(|e| invalid(format!("the plugin's {e}")))?,
        );
    }
    Ok(Descriptors {
        contracts: all,
        source: DescriptorSource::Exports(exports.iter().map(|e| e.to_string()).collect()),
    })
}

/// Calls each of `exports` in one throwaway instance with no WASI grants and the engine's
/// limits, and returns what they return. Only WASI and the `wasp` runtime imports are real in
/// that instance; any other import traps, so that the descriptors can be compared before the
/// imports are judged against them.
fn from_exports(
    engine: &Engine,
    compiled: &Compiled,
    exports: &[&str],
) -> Result<Vec<Vec<u8>>, ReadError> {
    let module = &compiled.module;
    let mut linker = linking::linker(&engine.inner, None).map_err(ReadError::Other)?;
    linker
        .define_unknown_imports_as_traps(module)
        .map_err(|e| ReadError::Other(wasm_error(e)))?;
    let pre = match linker.instantiate_pre(module) {
        Ok(pre) => pre,
        Err(e) => {
            // A runtime import of the wrong type: say which, rather than the linker's words.
            let problems: Vec<String> = linking::check_imports(module, None, &[])
                .into_iter()
                .filter(|p| p.contains(wasp_abi::RUNTIME_MODULE))
                .collect();
            if problems.is_empty() {
                return Err(ReadError::Other(wasm_error(e)));
            }
            return Err(ReadError::Invalid(problems));
        }
    };
    let limits = &engine.limits;
    if let Some(left) = crate::stack::lacks_room(limits.max_wasm_stack) {
        return Err(ReadError::Other(crate::core::stack_error(
            "(reading the contract descriptor)",
            left,
            limits.max_wasm_stack,
        )));
    }
    let mut wasi = wasmtime_wasi::WasiCtxBuilder::new();
    let monotonic_start = crate::config::monotonic_clock(&mut wasi);
    // Instantiation, `_initialize` and every descriptor export share the one deadline that
    // `new_store` armed: reading descriptors cannot take a multiple of the call timeout.
    let mut store = new_store(
        &engine.inner,
        limits,
        wasi.build_p1(),
        crate::store::Host::Blocking(<NoHost as HostContract<()>>::into_dispatch(())),
        std::sync::Arc::from("(reading the contract descriptor)"),
        0,
        monotonic_start,
    );
    let instance = pre
        .instantiate(&mut store)
        .map_err(|e| ReadError::Other(instantiation_failure(&mut store, limits, e)))?;
    let memory = instance.get_memory(&mut store, MEMORY_EXPORT);
    store.data_mut().memory = memory;
    if let Some(init) = instance.get_func(&mut store, INITIALIZE_EXPORT) {
        init.call(&mut store, &[], &mut []).map_err(|e| {
            ReadError::Other(plugin_failure(&mut store, INITIALIZE_EXPORT, limits, e))
        })?;
    }
    let mut texts = Vec::with_capacity(exports.len());
    // All the exports' texts together stay within one descriptor's cap.
    let mut total = 0u32;
    for &export in exports {
        let describe = instance
            .get_typed_func::<(), i64>(&mut store, export)
            .map_err(|e| ReadError::Other(wasm_error(e)))?;
        let packed = describe
            .call(&mut store, ())
            .map_err(|e| ReadError::Other(plugin_failure(&mut store, export, limits, e)))?;
        let (ptr, len) = wasp_abi::unpack(packed as u64);
        let Some(memory) = memory else {
            return Err(ReadError::Other(Error::MissingExport {
                name: MEMORY_EXPORT.to_string(),
                detail: format!("`{export}` returns text, so the plugin must export its memory"),
            }));
        };
        if len > MAX_DESCRIPTOR_LEN {
            return Err(ReadError::Invalid(vec![format!(
                "`{export}` returned {len} bytes; a descriptor may have at most {MAX_DESCRIPTOR_LEN}"
            )]));
        }
        total = total.saturating_add(len);
        if total > MAX_DESCRIPTOR_LEN {
            return Err(ReadError::Invalid(vec![format!(
                "`{export}` returned {len} bytes, {total} with the exports before it; the \
                 descriptors may have at most {MAX_DESCRIPTOR_LEN} in all"
            )]));
        }
        let bytes = guest_slice(memory.data(&store), export, u64::from(ptr), u64::from(len))
            .map_err(ReadError::Other)?;
        texts.push(bytes.to_vec());
    }
    Ok(texts)
}
