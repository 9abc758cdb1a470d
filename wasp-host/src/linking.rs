//! The imports the host provides to plugins: WASI, the `wasp` runtime module (panics, log
//! lines), and the contract's host functions, which dispatch into the host's implementation.

use crate::clock::TICK;
use crate::failure::wasm_error;
use crate::store::{Host, StoreData};
use crate::wasm::func_type;
use std::mem::MaybeUninit;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use wasmtime::{AsContextMut, Caller, Extern, Func, Linker, Memory, Module, Val, ValRaw};
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
    bound_poll_oneoff(&mut linker)?;
    runtime_imports(&mut linker).map_err(wasm_error)?;
    if let Some(host) = host {
        for (index, function) in host.functions.iter().enumerate() {
            let shape = HostShape::new(index, function);
            let ty = func_type(engine, &shape.params, &function.wasm_results());
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

/// The linker of instances called with futures (`AsyncInstance`): WASI's functions are
/// futures (its waits, such as a sleep, suspend the plugin rather than block the thread; the
/// call's deadline bounds them, see `core.rs`), the `wasp` runtime imports are the blocking
/// linker's, and each host function awaits the host's future.
///
/// # Errors
/// When wasmtime refuses a definition.
pub(crate) fn async_linker(
    engine: &wasmtime::Engine,
    host: Option<&HostInterface>,
) -> wasmtime::Result<Linker<StoreData>> {
    let mut linker = Linker::new(engine);
    wasmtime_wasi::p1::add_to_linker_async(&mut linker, |d: &mut StoreData| &mut d.wasi)?;
    runtime_imports(&mut linker)?;
    if let Some(host) = host {
        for (index, function) in host.functions.iter().enumerate() {
            let shape = Arc::new(HostShape::new(index, function));
            let ty = func_type(engine, &shape.params, &function.wasm_results());
            linker.func_new_async(
                &host.module,
                &function.name,
                ty,
                move |caller, params, results| {
                    let shape = shape.clone();
                    Box::new(async move { call_host_async(caller, &shape, params, results).await })
                },
            )?;
        }
    }
    Ok(linker)
}

/// The imports of the `wasp` module: panics, log lines and the log level.
fn runtime_imports(linker: &mut Linker<StoreData>) -> wasmtime::Result<()> {
    linker.func_wrap(
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
                    Err(_) => "<the plugin's panic message lies outside its memory>".to_string(),
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
    )?;
    linker.func_wrap(
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
    )?;
    linker.func_wrap(RUNTIME_MODULE, LOG_LEVEL_IMPORT, || -> i32 {
        crate::logging::max_log_level()
    })?;
    Ok(())
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

impl HostShape {
    fn new(index: usize, function: &wasp_abi::descriptor::Function) -> HostShape {
        let results = function.wasm_results();
        HostShape {
            index,
            name: function.name.clone(),
            result: match (&function.result, results.first()) {
                (Some(r), _) if r.is_buffer() => ResultShape::Buffer,
                (_, Some(&t)) => ResultShape::Value(t),
                (_, None) => ResultShape::None,
            },
            params: function.wasm_params(),
        }
    }

    /// The host's answer checked against the function's wasm type: the value for the
    /// result slot, bytes still to copy into the plugin, or nothing.
    fn answer(&self, returned: HostReturn) -> wasmtime::Result<Answer> {
        Ok(match (&self.result, returned) {
            (ResultShape::None, HostReturn::Unit) => Answer::Unit,
            (ResultShape::Value(ty), HostReturn::Value(bits)) => Answer::Bits(match ty {
                // A 32-bit value is stored zero-extended, which is how ValRaw holds i32 and f32.
                ValType::I32 | ValType::F32 => bits & u64::from(u32::MAX),
                ValType::I64 | ValType::F64 => bits,
            }),
            (ResultShape::Buffer, HostReturn::Bytes(bytes)) => Answer::Bytes(bytes),
            (_, other) => {
                return Err(wasmtime::Error::new(Error::Internal {
                    detail: format!(
                        "host function `{}` answered {other:?}, which does not fit its wasm type",
                        self.name
                    ),
                }));
            }
        })
    }

    /// The memory a host function reads its arguments from: known once instantiation is over.
    fn memory(&self, caller: &Caller<'_, StoreData>) -> wasmtime::Result<Memory> {
        caller.data().memory.ok_or_else(|| {
            wasmtime::Error::new(Error::MissingExport {
                name: wasp_abi::MEMORY_EXPORT.to_string(),
                detail: format!(
                    "host function `{}` was called before the plugin's memory was known",
                    self.name
                ),
            })
        })
    }
}

/// A host function's answer, checked against its wasm type.
enum Answer {
    Unit,
    Bits(u64),
    Bytes(Vec<u8>),
}

/// The error for a host function reached through the other kind of instance than its host
/// was given for; linking makes it impossible, so it is a bug.
fn wrong_host(name: &str) -> wasmtime::Error {
    wasmtime::Error::new(Error::Internal {
        detail: format!(
            "host function `{name}` was linked for the other kind of instance (blocking or async)"
        ),
    })
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
    let memory = shape.memory(&caller)?;
    let (bytes, data) = memory.data_and_store_mut(&mut caller);
    let Host::Blocking(dispatch) = &mut data.host else {
        return Err(wrong_host(&shape.name));
    };
    let returned = dispatch
        .call(shape.index, bytes, &args[..shape.params.len()])
        .map_err(wasmtime::Error::new)?;
    // Time in the host counts: a call whose deadline passed (or that was cancelled) while
    // the host worked ends here rather than returning into the plugin.
    caller.data_mut().call_limits.check_trap()?;
    let bits = match shape.answer(returned)? {
        Answer::Unit => return Ok(()),
        Answer::Bits(bits) => bits,
        Answer::Bytes(bytes) => match guest_block(&caller, &shape.name, &bytes)? {
            None => pack(0, 0),
            Some((alloc, len)) => {
                let ptr = call_alloc(&mut caller, alloc, len)?;
                write_block(&mut caller, ptr, &bytes)?
            }
        },
    };
    // The result slot exists: the function type has a result (checked by `answer`).
    values[0] = MaybeUninit::new(ValRaw::u64(bits));
    Ok(())
}

/// [`call_host`] for an async instance: the same checks, awaiting the host's future while the
/// plugin is suspended.
async fn call_host_async(
    mut caller: Caller<'_, StoreData>,
    shape: &HostShape,
    params: &[Val],
    results: &mut [Val],
) -> wasmtime::Result<()> {
    let mut args = [0u64; MAX_WASM_PARAMS];
    for (slot, value) in args.iter_mut().zip(params) {
        *slot = match value {
            Val::I32(v) => u64::from(*v as u32),
            Val::I64(v) => *v as u64,
            Val::F32(bits) => u64::from(*bits),
            Val::F64(bits) => *bits,
            // The import's type has numeric parameters only (`HostShape::params`).
            _ => return Err(wrong_host(&shape.name)),
        };
    }
    let memory = shape.memory(&caller)?;
    let returned = {
        let (bytes, data) = memory.data_and_store_mut(&mut caller);
        let Host::Async(dispatch) = &mut data.host else {
            return Err(wrong_host(&shape.name));
        };
        dispatch
            .call(shape.index, bytes, &args[..shape.params.len()])
            .await
            .map_err(wasmtime::Error::new)?
    };
    // As in `call_host`: time spent awaiting the host counts.
    caller.data_mut().call_limits.check_trap()?;
    let bits = match shape.answer(returned)? {
        Answer::Unit => return Ok(()),
        Answer::Bits(bits) => bits,
        Answer::Bytes(bytes) => match guest_block(&caller, &shape.name, &bytes)? {
            None => pack(0, 0),
            Some((alloc, len)) => {
                let ptr = call_alloc_async(&mut caller, alloc, len).await?;
                write_block(&mut caller, ptr, &bytes)?
            }
        },
    };
    let ResultShape::Value(ty) = shape.result else {
        // A buffer result is a packed i64.
        results[0] = Val::I64(bits as i64);
        return Ok(());
    };
    results[0] = match ty {
        ValType::I32 => Val::I32(bits as u32 as i32),
        ValType::I64 => Val::I64(bits as i64),
        ValType::F32 => Val::F32(bits as u32),
        ValType::F64 => Val::F64(bits),
    };
    Ok(())
}

/// What copying a host function's buffer result into the plugin needs: the plugin's
/// `wasp_alloc` and the result's length; `None` for an empty result, which needs no block.
fn guest_block(
    caller: &Caller<'_, StoreData>,
    function: &str,
    bytes: &[u8],
) -> wasmtime::Result<Option<(Func, u32)>> {
    if bytes.is_empty() {
        return Ok(None);
    }
    let len = u32::try_from(bytes.len()).map_err(|_| {
        wasmtime::Error::new(Error::TooLarge {
            function: function.to_string(),
            size: bytes.len() as u64,
            limit: u64::from(u32::MAX),
        })
    })?;
    let (Some(alloc), Some(_)) = (caller.data().alloc, caller.data().memory) else {
        return Err(wasmtime::Error::new(Error::MissingExport {
            name: wasp_abi::ALLOC_EXPORT.to_string(),
            detail: format!(
                "host function `{function}` returns bytes, so the plugin must export it"
            ),
        }));
    };
    Ok(Some((alloc, len)))
}

/// Copies `bytes` into the block `wasp_alloc` answered at `ptr`, bounds-checked, and returns
/// the packed pointer and length.
fn write_block(
    caller: &mut Caller<'_, StoreData>,
    ptr: u32,
    bytes: &[u8],
) -> wasmtime::Result<u64> {
    let Some(memory) = caller.data().memory else {
        return Err(wasmtime::Error::new(Error::Internal {
            detail: "the plugin's memory vanished during a host call".to_string(),
        }));
    };
    let data = memory.data_mut(&mut *caller);
    let size = data.len();
    let len = bytes.len() as u32;
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

/// [`call_alloc`] for an async instance, whose store only takes async calls.
pub(crate) async fn call_alloc_async(
    mut store: impl AsContextMut<Data = StoreData>,
    alloc: Func,
    len: u32,
) -> wasmtime::Result<u32> {
    let mut result = [Val::I32(0)];
    alloc
        .call_async(store.as_context_mut(), &[Val::I32(len as i32)], &mut result)
        .await?;
    // `alloc` was verified at load to return one i32.
    Ok(result[0].i32().unwrap_or(0) as u32)
}

/// WASI preview 1's `poll_oneoff`.
const POLL_ONEOFF: &str = "poll_oneoff";

/// Size of a WASI `subscription`, and the offsets in it of the tag and the clock's fields.
const SUBSCRIPTION_SIZE: usize = 48;
const SUB_TAG: usize = 8;
const SUB_CLOCK_ID: usize = 16;
const SUB_CLOCK_TIMEOUT: usize = 24;
const SUB_CLOCK_FLAGS: usize = 40;
/// The `subscription_clock_abstime` flag.
const ABSTIME: u16 = 1;

/// Replaces WASI `poll_oneoff`, the one preview-1 call that waits (for clocks, or for input
/// that is not ready), with one whose wait ends at the call's deadline: epoch interruption
/// only reaches wasm code, so a plugin sleeping in the host would otherwise hold its thread
/// for as long as it asked. Clock subscriptions that would wake after the deadline are
/// shortened to it for the duration of the call (the plugin's bytes are restored after),
/// wasmtime-wasi's own implementation waits, and the call then ends with
/// [`Error::Timeout`] if the deadline passed. Reads of stdin never wait (it is empty or a
/// buffer), and files are the host's own mounts.
fn bound_poll_oneoff(linker: &mut Linker<StoreData>) -> Result<(), Error> {
    let original = linker.clone();
    let trampoline: Arc<OnceLock<Module>> = Arc::new(OnceLock::new());
    linker.allow_shadowing(true);
    linker
        .func_wrap(
            WASI_MODULE,
            POLL_ONEOFF,
            move |mut caller: Caller<'_, StoreData>,
                  subs: i32,
                  events: i32,
                  count: i32,
                  nevents: i32|
                  -> wasmtime::Result<i32> {
                let memory = caller.data().memory.or_else(|| {
                    caller
                        .get_export(wasp_abi::MEMORY_EXPORT)
                        .and_then(Extern::into_memory)
                });
                let Some(memory) = memory else {
                    // wasmtime-wasi's own answer: it reads the subscriptions from `memory`.
                    return Err(wasmtime::Error::new(Error::MissingExport {
                        name: wasp_abi::MEMORY_EXPORT.to_string(),
                        detail: "WASI `poll_oneoff` reads the plugin's memory".to_string(),
                    }));
                };
                let inner = match caller.data().poll_oneoff {
                    Some(f) => f,
                    None => {
                        let f = poll_trampoline(&mut caller, &original, &trampoline, memory)?;
                        caller.data_mut().poll_oneoff = Some(f);
                        f
                    }
                };
                if !caller.data().call_limits.interrupts() {
                    // No clock: nothing bounds the call, so nothing bounds its waits.
                    let mut result = [Val::I32(0)];
                    let args = [subs, events, count, nevents].map(Val::I32);
                    inner.call(&mut caller, &args, &mut result)?;
                    return Ok(result[0].unwrap_i32());
                }
                // Waits in slices of at most a tick, so that a cancel is seen within one and
                // the deadline is never passed.
                let started = std::time::Instant::now();
                let deadline = caller
                    .data()
                    .call_limits
                    .remaining()
                    .map(|left| started + left);
                loop {
                    let now = std::time::Instant::now();
                    let slice = match deadline {
                        Some(d) => d.saturating_duration_since(now).min(TICK),
                        None => TICK,
                    };
                    let elapsed = now.duration_since(started);
                    let saved = cap_clocks(
                        &mut caller,
                        memory,
                        Window {
                            subs: subs as u32,
                            count: count as u32,
                            elapsed,
                            cap: slice,
                        },
                    );
                    let slice_start = std::time::Instant::now();
                    let mut result = [Val::I32(0)];
                    let args = [subs, events, count, nevents].map(Val::I32);
                    let outcome = inner.call(&mut caller, &args, &mut result);
                    let capped = saved.iter().any(|s| s.capped);
                    let data = memory.data_mut(&mut caller);
                    for s in saved {
                        data[s.at..s.at + SUBSCRIPTION_SIZE].copy_from_slice(&s.original);
                    }
                    outcome?;
                    let limits = &mut caller.data_mut().call_limits;
                    limits.check_trap()?;
                    if !(capped && slice_start.elapsed() >= slice) {
                        // A real event (a clock the plugin asked for, or input): its answer.
                        return Ok(result[0].unwrap_i32());
                    }
                    if deadline.is_some_and(|d| std::time::Instant::now() >= d) {
                        // The wait was cut short at the deadline (the clock's count may lag
                        // a tick behind it).
                        return Err(limits.expire());
                    }
                }
            },
        )
        .map_err(wasm_error)?;
    linker.allow_shadowing(false);
    Ok(())
}

/// A module that calls wasmtime-wasi's `poll_oneoff` on the plugin's memory. wasmtime-wasi
/// finds the memory as its caller's export `memory`, so it cannot be called from the host
/// directly: it is called from this small instance, which imports the plugin's memory and
/// exports it again.
const POLL_TRAMPOLINE: &str = r#"(module
  (import "wasp" "memory" (memory 0))
  (import "wasp" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (export "memory" (memory 0))
  (func (export "poll") (param i32 i32 i32 i32) (result i32)
    (call $poll (local.get 0) (local.get 1) (local.get 2) (local.get 3))))"#;

/// The trampoline's `poll` for the instance calling: compiled once per linker, on first
/// use, and instantiated once per instance (the store caches the function).
fn poll_trampoline(
    caller: &mut Caller<'_, StoreData>,
    original: &Linker<StoreData>,
    module: &OnceLock<Module>,
    memory: Memory,
) -> wasmtime::Result<Func> {
    let module = match module.get() {
        Some(m) => m,
        None => {
            let m = Module::new(caller.engine(), POLL_TRAMPOLINE)?;
            module.get_or_init(|| m)
        }
    };
    let poll = original
        .get(&mut *caller, WASI_MODULE, POLL_ONEOFF)
        .ok()
        .and_then(Extern::into_func)
        .ok_or_else(|| {
            wasmtime::Error::new(Error::Internal {
                detail: "wasmtime-wasi provides no `poll_oneoff`".to_string(),
            })
        })?;
    let instance = wasmtime::Instance::new(&mut *caller, module, &[memory.into(), poll.into()])?;
    instance.get_func(&mut *caller, "poll").ok_or_else(|| {
        wasmtime::Error::new(Error::Internal {
            detail: "the poll trampoline exports no `poll`".to_string(),
        })
    })
}

/// Where a bounded `poll_oneoff` looks, and how long it may wait this time.
struct Window {
    /// The subscriptions: `count` of them at `subs`.
    subs: u32,
    count: u32,
    /// How long the call has waited so far.
    elapsed: Duration,
    /// The longest wait this time.
    cap: Duration,
}

/// A subscription changed for one wait, and its bytes as the plugin wrote them.
struct Saved {
    at: usize,
    original: [u8; SUBSCRIPTION_SIZE],
    /// Whether its wait was cut to the window's cap (rather than only shortened by the
    /// time already waited).
    capped: bool,
}

/// Rewrites the clock subscriptions in `window` for one wait: each becomes relative, less
/// the time already waited, and at most the window's cap. Returns what it changed, to be
/// restored after the wait. Subscriptions outside memory are left for wasmtime-wasi to
/// refuse.
fn cap_clocks(caller: &mut Caller<'_, StoreData>, memory: Memory, window: Window) -> Vec<Saved> {
    let nanos = |d: Duration| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
    let (cap, elapsed) = (nanos(window.cap), nanos(window.elapsed));
    // Absolute wake-ups are measured from when the wait began.
    let monotonic_now = nanos(caller.data().monotonic_start.elapsed()).saturating_sub(elapsed);
    let realtime_now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, nanos)
        .saturating_sub(elapsed);
    let data = memory.data_mut(caller);
    let mut saved = Vec::new();
    for i in 0..window.count as usize {
        let Some(at) = (window.subs as usize).checked_add(i * SUBSCRIPTION_SIZE) else {
            break;
        };
        let Some(sub) = data.get_mut(at..at + SUBSCRIPTION_SIZE) else {
            break;
        };
        if sub[SUB_TAG] != 0 {
            continue;
        }
        let id = u32::from_le_bytes([
            sub[SUB_CLOCK_ID],
            sub[SUB_CLOCK_ID + 1],
            sub[SUB_CLOCK_ID + 2],
            sub[SUB_CLOCK_ID + 3],
        ]);
        let mut timeout = [0u8; 8];
        timeout.copy_from_slice(&sub[SUB_CLOCK_TIMEOUT..SUB_CLOCK_TIMEOUT + 8]);
        let timeout = u64::from_le_bytes(timeout);
        let flags = u16::from_le_bytes([sub[SUB_CLOCK_FLAGS], sub[SUB_CLOCK_FLAGS + 1]]);
        let wait = if flags & ABSTIME == 0 {
            timeout
        } else {
            match id {
                0 => timeout.saturating_sub(realtime_now),
                1 => timeout.saturating_sub(monotonic_now),
                // An unknown clock: wasmtime-wasi refuses it.
                _ => continue,
            }
        };
        let wait = wait.saturating_sub(elapsed);
        let capped = wait > cap;
        if !capped && elapsed == 0 && flags & ABSTIME == 0 {
            continue;
        }
        let mut original = [0u8; SUBSCRIPTION_SIZE];
        original.copy_from_slice(sub);
        saved.push(Saved {
            at,
            original,
            capped,
        });
        sub[SUB_CLOCK_TIMEOUT..SUB_CLOCK_TIMEOUT + 8].copy_from_slice(&wait.min(cap).to_le_bytes());
        let relative = flags & !ABSTIME;
        sub[SUB_CLOCK_FLAGS..SUB_CLOCK_FLAGS + 2].copy_from_slice(&relative.to_le_bytes());
    }
    saved
}
