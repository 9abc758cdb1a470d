//! The imports the host provides to plugins: WASI, the `wasp` runtime module (panics, log
//! lines), and the contract's host functions, which dispatch into the host's implementation.

use crate::failure::wasm_error;
use crate::store::StoreData;
use crate::wasm::func_type;
use std::mem::MaybeUninit;
use wasmtime::{AsContextMut, Caller, Func, Linker, Module, ValRaw};
use wasp::__private::{HostReturn, guest_slice};
use wasp::{Error, Location};
use wasp_abi::descriptor::HostInterface;
use wasp_abi::{
    LOG_IMPORT, LOG_LEVEL_IMPORT, Level, MAX_LOG_LINE, MAX_WASM_PARAMS, PANIC_IMPORT,
    RUNTIME_MODULE, ValType, pack,
};

/// Module name of WASI preview 1 imports.
pub(crate) const WASI_MODULE: &str = "wasi_snapshot_preview1";

/// Longest panic message or file name kept; a plugin cannot make the host copy more.
const MAX_PANIC_TEXT: u32 = 64 * 1024;

/// The wasm type of each import of the `wasp` module that the host provides to every plugin.
pub(crate) fn runtime_import(name: &str) -> Option<(&'static [ValType], &'static [ValType])> {
    use ValType::I32;
    match name {
        PANIC_IMPORT => Some((&[I32, I32, I32, I32, I32, I32], &[])),
        LOG_IMPORT => Some((&[I32, I32, I32], &[])),
        LOG_LEVEL_IMPORT => Some((&[], &[I32])),
        _ => None,
    }
}

/// A linker with WASI, the wasp runtime imports, and (if any) the contract's host functions.
pub(crate) fn linker(
    engine: &wasmtime::Engine,
    host: Option<&HostInterface>,
) -> Result<Linker<StoreData>, Error> {
    let mut linker = Linker::new(engine);
    wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |d: &mut StoreData| &mut d.wasi)
        .map_err(wasm_error)?;
    linker
        .func_wrap(
            RUNTIME_MODULE,
            PANIC_IMPORT,
            |mut caller: Caller<'_, StoreData>,
             msg_ptr: i32,
             msg_len: i32,
             file_ptr: i32,
             file_len: i32,
             line: i32,
             column: i32|
             -> wasmtime::Result<()> {
                let text = |caller: &mut Caller<'_, StoreData>, ptr: i32, len: i32| -> String {
                    // During a start function the host has not recorded the memory yet.
                    let memory = caller.data().memory.or_else(|| {
                        caller
                            .get_export(wasp_abi::MEMORY_EXPORT)
                            .and_then(|e| e.into_memory())
                    });
                    let Some(memory) = memory else {
                        return String::new();
                    };
                    let len = (len as u32).min(MAX_PANIC_TEXT);
                    match guest_slice(
                        memory.data(&*caller),
                        "panic",
                        ptr as u32 as u64,
                        u64::from(len),
                    ) {
                        Ok(bytes) => String::from_utf8_lossy(bytes).into_owned(),
                        Err(_) => {
                            "<the plugin's panic message lies outside its memory>".to_string()
                        }
                    }
                };
                let message = text(&mut caller, msg_ptr, msg_len);
                let file = text(&mut caller, file_ptr, file_len);
                let location = (!file.is_empty()).then_some(Location {
                    file,
                    line: line as u32,
                    column: column as u32,
                });
                // The method that was running is filled in by `plugin_failure`, which knows it.
                Err(wasmtime::Error::new(Error::Panic {
                    function: String::new(),
                    message,
                    location,
                }))
            },
        )
        .map_err(wasm_error)?;
    linker
        .func_wrap(
            RUNTIME_MODULE,
            LOG_IMPORT,
            |mut caller: Caller<'_, StoreData>,
             level: i32,
             ptr: i32,
             len: i32|
             -> wasmtime::Result<()> {
                const FUNCTION: &str = "wasp.log";
                let Some(level) = Level::from_i32(level) else {
                    return Err(wasmtime::Error::new(Error::Decode {
                        function: FUNCTION.to_string(),
                        detail: format!("log level {level} is not one of 1 (error) to 5 (trace)"),
                    }));
                };
                let Some(memory) = caller.data().memory else {
                    return Err(wasmtime::Error::new(Error::MissingExport {
                        name: wasp_abi::MEMORY_EXPORT.to_string(),
                        detail: format!("`{FUNCTION}` reads the line from the plugin's memory"),
                    }));
                };
                let (bytes, data) = memory.data_and_store_mut(&mut caller);
                let line = guest_slice(bytes, FUNCTION, ptr as u32 as u64, len as u32 as u64)
                    .map_err(wasmtime::Error::new)?;
                let line = &line[..line.len().min(MAX_LOG_LINE as usize)];
                crate::logging::emit_log(level, &data.plugin, data.instance, line);
                Ok(())
            },
        )
        .map_err(wasm_error)?;
    linker
        .func_wrap(RUNTIME_MODULE, LOG_LEVEL_IMPORT, || -> i32 {
            crate::logging::max_log_level()
        })
        .map_err(wasm_error)?;
    if let Some(host) = host {
        for (index, function) in host.functions.iter().enumerate() {
            let params = function.wasm_params();
            let results = function.wasm_results();
            let ty = func_type(engine, &params, &results);
            let shape = HostShape {
                index,
                name: function.name.clone(),
                result: match (&function.result, results.first()) {
                    (Some(r), _) if r.is_buffer() => ResultShape::Buffer,
                    (_, Some(&t)) => ResultShape::Value(t),
                    (_, None) => ResultShape::None,
                },
                params,
            };
            let call = move |caller: Caller<'_, StoreData>, values: &mut [MaybeUninit<ValRaw>]| {
                call_host(caller, &shape, values)
            };
            // SAFETY: wasmtime calls `call` with `values` holding one initialised value per
            // parameter of `ty`, with room for its results. `call_host` reads exactly the
            // parameters `shape.params` lists (the types `ty` was built from) and writes a
            // result only when `ty` has one, of the kind `shape.result` says: it checks the
            // host's answer against that shape and fails the call otherwise. Every wasm type
            // here is numeric, so any bits written are a valid value of it.
            unsafe { linker.func_new_unchecked(&host.module, &function.name, ty, call) }
                .map_err(wasm_error)?;
        }
    }
    Ok(linker)
}

/// What the engine knows of one host function from the contract, so that it can check the
/// host's answer before handing it to the plugin.
struct HostShape {
    index: usize,
    name: String,
    params: Vec<ValType>,
    result: ResultShape,
}

enum ResultShape {
    None,
    Value(ValType),
    /// A string, bytes or an encoded value, copied into the plugin.
    Buffer,
}

fn call_host(
    mut caller: Caller<'_, StoreData>,
    shape: &HostShape,
    values: &mut [MaybeUninit<ValRaw>],
) -> wasmtime::Result<()> {
    let mut args = [0u64; MAX_WASM_PARAMS];
    for (i, ty) in shape.params.iter().enumerate() {
        // SAFETY: wasmtime initialised one value per parameter, of the declared types.
        let raw = unsafe { values[i].assume_init_ref() };
        args[i] = match ty {
            ValType::I32 => u64::from(raw.get_u32()),
            ValType::I64 => raw.get_u64(),
            ValType::F32 => u64::from(raw.get_f32()),
            ValType::F64 => raw.get_f64(),
        };
    }
    let name = shape.name.as_str();
    let Some(memory) = caller.data().memory else {
        return Err(wasmtime::Error::new(Error::MissingExport {
            name: wasp_abi::MEMORY_EXPORT.to_string(),
            detail: format!(
                "host function `{name}` was called before the plugin's memory was known"
            ),
        }));
    };
    let (bytes, data) = memory.data_and_store_mut(&mut caller);
    let returned = data
        .host
        .call(shape.index, bytes, &args[..shape.params.len()])
        .map_err(wasmtime::Error::new)?;
    let bits = match (&shape.result, returned) {
        (ResultShape::None, HostReturn::Unit) => return Ok(()),
        (ResultShape::Value(ty), HostReturn::Value(bits)) => match ty {
            // A 32-bit value is stored zero-extended, which is how ValRaw holds i32 and f32.
            ValType::I32 | ValType::F32 => bits & u64::from(u32::MAX),
            ValType::I64 | ValType::F64 => bits,
        },
        (ResultShape::Buffer, HostReturn::Bytes(bytes)) => {
            copy_into_guest(&mut caller, name, &bytes)?
        }
        (_, other) => {
            return Err(wasmtime::Error::new(Error::Internal {
                detail: format!(
                    "host function `{name}` answered {other:?}, which does not fit its wasm type"
                ),
            }));
        }
    };
    // The result slot exists: the function type has a result (checked just above).
    values[0] = MaybeUninit::new(ValRaw::u64(bits));
    Ok(())
}

/// Copies a host function's buffer result into a fresh block from the plugin's
/// `wasp_alloc`, and returns the packed pointer and length. Empty results need no block.
fn copy_into_guest(
    caller: &mut Caller<'_, StoreData>,
    function: &str,
    bytes: &[u8],
) -> wasmtime::Result<u64> {
    if bytes.is_empty() {
        return Ok(pack(0, 0));
    }
    let len = u32::try_from(bytes.len()).map_err(|_| {
        wasmtime::Error::new(Error::TooLarge {
            function: function.to_string(),
            size: bytes.len() as u64,
            limit: u64::from(u32::MAX),
        })
    })?;
    let (Some(alloc), Some(memory)) = (caller.data().alloc, caller.data().memory) else {
        return Err(wasmtime::Error::new(Error::MissingExport {
            name: wasp_abi::ALLOC_EXPORT.to_string(),
            detail: format!(
                "host function `{function}` returns bytes, so the plugin must export it"
            ),
        }));
    };
    let ptr = call_alloc(&mut *caller, alloc, len)?;
    let data = memory.data_mut(&mut *caller);
    let size = data.len();
    match (ptr as usize).checked_add(bytes.len()) {
        Some(end) if ptr != 0 && end <= size => {
            data[ptr as usize..end].copy_from_slice(bytes);
            Ok(pack(ptr, len))
        }
        _ => Err(wasmtime::Error::new(Error::OutOfBounds {
            function: wasp_abi::ALLOC_EXPORT.to_string(),
            ptr,
            len,
            memory_size: size,
        })),
    }
}

/// Checks every import of `module` against what the host provides, so that a missing one is
/// named at load rather than reported as a link failure.
/// Problems with the module's imports, one sentence each. Imports from `other_modules` (the
/// host modules of other contracts the same module implements) are allowed: the caller links
/// them to stubs that trap.
pub(crate) fn check_imports(
    module: &Module,
    host: Option<&HostInterface>,
    other_modules: &[String],
) -> Vec<String> {
    let mut problems = Vec::new();
    for import in module.imports() {
        let (m, n) = (import.module(), import.name());
        if m == WASI_MODULE {
            // wasmtime-wasi provides all of preview 1; the linker checks types.
            continue;
        }
        if m == RUNTIME_MODULE
            && let Some((params, results)) = runtime_import(n)
        {
            let matches = import
                .ty()
                .func()
                .is_some_and(|actual| crate::wasm::func_type_is(actual, params, results));
            if !matches {
                problems.push(format!(
                    "import `{m}.{n}` has wasm type {}, the host provides {}",
                    describe_extern(&import.ty()),
                    crate::wasm::describe_wasm(params, results)
                ));
            }
            continue;
        }
        match host {
            Some(h) if h.module == m => match h.functions.iter().find(|f| f.name == n) {
                Some(f) => {
                    let expected = func_type(module.engine(), &f.wasm_params(), &f.wasm_results());
                    let matches = import
                        .ty()
                        .func()
                        .is_some_and(|actual| wasmtime::FuncType::eq(actual, &expected));
                    if !matches {
                        problems.push(format!(
                            "import `{m}.{n}` has wasm type {}, the host function is {}",
                            describe_extern(&import.ty()),
                            crate::wasm::describe_wasm(&f.wasm_params(), &f.wasm_results())
                        ));
                    }
                }
                None => problems.push(format!(
                    "the plugin imports host function `{m}.{n}`, which the host's contract does not declare"
                )),
            },
            _ if other_modules.iter().any(|o| o == m) => {}
            _ => problems.push(format!("the plugin imports `{m}.{n}`, which the host does not provide")),
        }
    }
    problems
}

fn describe_extern(ty: &wasmtime::ExternType) -> String {
    match ty {
        wasmtime::ExternType::Func(f) => crate::wasm::describe_func_type(f),
        wasmtime::ExternType::Memory(_) => "a memory".to_string(),
        wasmtime::ExternType::Table(_) => "a table".to_string(),
        wasmtime::ExternType::Global(_) => "a global".to_string(),
        wasmtime::ExternType::Tag(_) => "a tag".to_string(),
    }
}

/// Calls the plugin's `wasp_alloc(len)`. Unchecked, like every call on the hot path: a
/// `TypedFunc` would be checked or cloned per call, which costs more than the call itself.
pub(crate) fn call_alloc(
    mut store: impl AsContextMut<Data = StoreData>,
    alloc: Func,
    len: u32,
) -> wasmtime::Result<u32> {
    let mut raw = [ValRaw::u32(len)];
    // SAFETY: `alloc` was verified at load to be `(i32) -> i32`; the slot holds the argument
    // and receives the result.
    unsafe { alloc.call_unchecked(store.as_context_mut(), &mut raw)? };
    Ok(raw[0].get_u32())
}
