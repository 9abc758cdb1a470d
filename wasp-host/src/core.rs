//! One live instance as the engine sees it: its store, the exports it calls resolved once,
//! whether it is poisoned, and the path of one call into it. [`Instance`], [`RawInstance`]
//! and [`DynamicInstance`] are each a [`Core`] plus typing.
//!
//! [`Instance`]: crate::Instance
//! [`RawInstance`]: crate::RawInstance
//! [`DynamicInstance`]: crate::DynamicInstance

use crate::deadline::{CancelHandle, Stop, Watch, race};
use crate::engine::Limits;
use crate::failure::{RuntimePanic, guard_runtime, outside_runtime, plugin_failure, stopped};
use crate::linking::{call_alloc, call_alloc_async};
use crate::logging::CALL_TARGET;
use crate::output::{Captured, CapturedOutput, Stream};
use crate::store::StoreData;
use std::fmt;
use std::mem::MaybeUninit;
use std::sync::Arc;
use std::time::Duration;
use wasmtime::{Func, Memory, ModuleExport, Store, Val, ValRaw};
use wasp::__private::{AsyncBackend, Backend, BoxFuture, CallArgs, Returned, WireResult};
use wasp::Error;
use wasp_abi::{ALLOC_EXPORT, MAX_WASM_PARAMS, ValType, unpack};

/// How a method's result comes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ResultKind {
    None,
    /// One wasm value: a scalar.
    Value,
    /// A packed pointer and length into the plugin's memory.
    Buffer,
}

/// One method as the plugin exports it; shared by every instance of a plugin.
pub(crate) struct MethodSpec {
    /// The method's name: the contract's (Rust) name, which `supports` takes.
    pub(crate) name: String,
    /// The name errors and spans use: `name`, followed by the export's name when
    /// `#[wasp(rename)]` made them differ (`greet (export \`hello\`)`).
    pub(crate) label: String,
    /// The export; `None` for a method added to the contract after the plugin was built.
    pub(crate) export: Option<ModuleExport>,
    /// The export's wasm type.
    pub(crate) params: Vec<ValType>,
    pub(crate) results: Vec<ValType>,
    pub(crate) result: ResultKind,
    /// The contract version that added the method.
    pub(crate) since: u32,
}

/// What an instance needs of its module to resolve its exports; shared by every instance.
#[derive(Default)]
pub(crate) struct ModuleExports {
    pub(crate) memory: Option<ModuleExport>,
    pub(crate) alloc: Option<ModuleExport>,
    pub(crate) initialize: Option<ModuleExport>,
    pub(crate) methods: Vec<Arc<MethodSpec>>,
    /// The contract version the plugin was built against (1 for raw modules).
    pub(crate) plugin_version: u32,
}

/// One method of one instance: its spec and the function to call.
struct Export {
    spec: Arc<MethodSpec>,
    /// `None` when the plugin predates the method.
    func: Option<Func>,
}

/// One live instance: a store with the plugin's memory, WASI context and host state, plus
/// its exports resolved once. This is the engine side of every generated handle.
pub struct Core {
    store: Store<StoreData>,
    instance: wasmtime::Instance,
    memory: Option<Memory>,
    alloc: Option<Func>,
    exports: Vec<Export>,
    plugin_version: u32,
    /// The first line of the error that poisoned the instance.
    poisoned: Option<String>,
    /// The method an async call is running, until it ends: still set when its future was
    /// dropped mid-call, which poisons the instance.
    in_flight: Option<usize>,
    limits: Limits,
    output: CapturedOutput,
    /// The fuel the last call burnt (when the engine meters fuel).
    fuel_consumed: u64,
}

impl fmt::Debug for Core {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Core")
            .field("plugin", &self.plugin_name())
            .field("id", &self.id())
            .field("poisoned", &self.poisoned)
            .finish_non_exhaustive()
    }
}

impl Core {
    /// Completes a freshly instantiated `instance`: resolves the exports the host calls,
    /// tells the store where memory and `wasp_alloc` are, and runs `_initialize` under the
    /// deadline that start functions already used.
    ///
    /// # Errors
    /// A failure of `_initialize`; [`Error::Internal`] if an export verified at load is
    /// not in the instance.
    pub(crate) fn new(
        store: Store<StoreData>,
        instance: wasmtime::Instance,
        exports: &ModuleExports,
        limits: Limits,
        output: CapturedOutput,
    ) -> Result<Core, Error> {
        let (mut core, initialize) = Core::resolve(store, instance, exports, limits, output)?;
        let outcome = match initialize {
            Some(init) => outside_runtime(wasp_abi::INITIALIZE_EXPORT, || {
                init.call(&mut core.store, &[], &mut [])
            })?,
            None => Ok(()),
        };
        core.initialized(outcome)?;
        Ok(core)
    }

    /// [`Core::new`] for an instance called with futures: `_initialize` runs as a future,
    /// yielding every tick, its waits bounded by the instantiation deadline.
    ///
    /// # Errors
    /// As [`Core::new`].
    pub(crate) async fn new_async(
        store: Store<StoreData>,
        instance: wasmtime::Instance,
        exports: &ModuleExports,
        limits: Limits,
        output: CapturedOutput,
    ) -> Result<Core, Error> {
        let (mut core, initialize) = Core::resolve(store, instance, exports, limits, output)?;
        let outcome = match initialize {
            Some(init) => {
                let watch = core.watch();
                let run = init.call_async(&mut core.store, &[], &mut []);
                match race(run, watch).await {
                    Ok(outcome) => outcome,
                    Err(stop) => return Err(core.stopped(stop, wasp_abi::INITIALIZE_EXPORT)),
                }
            }
            None => Ok(()),
        };
        core.initialized(outcome)?;
        Ok(core)
    }

    /// The instance's exports resolved, and its `_initialize`, not yet run.
    fn resolve(
        mut store: Store<StoreData>,
        instance: wasmtime::Instance,
        exports: &ModuleExports,
        limits: Limits,
        output: CapturedOutput,
    ) -> Result<(Core, Option<Func>), Error> {
        let mut func = |export: &ModuleExport, name: &str| {
            instance
                .get_module_export(&mut store, export)
                .and_then(|e| e.into_func())
                .ok_or_else(|| Error::Internal {
                    detail: format!(
                        "export `{name}` was verified at load but is not in the instance"
                    ),
                })
        };
        let alloc = exports
            .alloc
            .as_ref()
            .map(|a| func(a, ALLOC_EXPORT))
            .transpose()?;
        let initialize = exports
            .initialize
            .as_ref()
            .map(|i| func(i, wasp_abi::INITIALIZE_EXPORT))
            .transpose()?;
        let mut resolved = Vec::with_capacity(exports.methods.len());
        for spec in &exports.methods {
            let f = spec
                .export
                .as_ref()
                .map(|e| func(e, &spec.label))
                .transpose()?;
            resolved.push(Export {
                spec: spec.clone(),
                func: f,
            });
        }
        let memory = exports
            .memory
            .as_ref()
            .and_then(|m| instance.get_module_export(&mut store, m))
            .and_then(|e| e.into_memory());
        store.data_mut().memory = memory;
        store.data_mut().alloc = alloc;
        let core = Core {
            store,
            instance,
            memory,
            alloc,
            exports: resolved,
            plugin_version: exports.plugin_version,
            poisoned: None,
            in_flight: None,
            limits,
            output,
            fuel_consumed: 0,
        };
        Ok((core, initialize))
    }

    /// Ends instantiation with the outcome of `_initialize` (or `Ok` without one): a
    /// failure is the instantiation's error; otherwise calls get the call timeout from now.
    fn initialized(&mut self, outcome: wasmtime::Result<()>) -> Result<(), Error> {
        if let Err(e) = outcome {
            return Err(plugin_failure(
                &mut self.store,
                wasp_abi::INITIALIZE_EXPORT,
                &self.limits,
                e,
            ));
        }
        self.store
            .data_mut()
            .call_limits
            .set_timeout(self.limits.call_timeout);
        Ok(())
    }

    /// Adds a method found after instantiation (raw calls resolve exports by name on
    /// first use) and returns its number.
    pub(crate) fn add_export(&mut self, spec: MethodSpec, func: Func) -> usize {
        self.exports.push(Export {
            spec: Arc::new(spec),
            func: Some(func),
        });
        self.exports.len() - 1
    }

    /// The number of the method called `name` (see [`MethodSpec::name`]) and its spec, if
    /// any.
    pub(crate) fn method(&self, name: &str) -> Option<(usize, &MethodSpec)> {
        self.exports
            .iter()
            .enumerate()
            .find(|(_, e)| e.spec.name == name)
            .map(|(i, e)| (i, &*e.spec))
    }

    /// Whether the plugin has method `name`: `false` for a method it predates.
    pub(crate) fn supports(&self, name: &str) -> bool {
        self.exports
            .iter()
            .any(|e| e.spec.name == name && e.func.is_some())
    }

    pub(crate) fn instance(&self) -> wasmtime::Instance {
        self.instance
    }

    pub(crate) fn store(&self) -> &Store<StoreData> {
        &self.store
    }

    pub(crate) fn store_mut(&mut self) -> &mut Store<StoreData> {
        &mut self.store
    }

    pub(crate) fn is_poisoned(&self) -> bool {
        self.poisoned.is_some() || self.in_flight.is_some()
    }

    pub(crate) fn memory_size(&self) -> usize {
        self.memory.map_or(0, |m| m.data_size(&self.store))
    }

    pub(crate) fn id(&self) -> u64 {
        self.store.data().instance
    }

    pub(crate) fn plugin_name(&self) -> &str {
        &self.store.data().plugin
    }

    pub(crate) fn captured(&self, stream: Stream) -> Option<&Captured> {
        self.output.get(stream)
    }

    /// A handle that cancels this instance's calls from any thread.
    pub(crate) fn cancel_handle(&self) -> CancelHandle {
        self.store.data().call_limits.cancel_handle()
    }

    /// The timeout of each call into this instance.
    pub(crate) fn call_timeout(&self) -> Option<Duration> {
        self.store.data().call_limits.timeout()
    }

    /// Sets the timeout of the calls into this instance from now on (see
    /// [`Instance::set_call_timeout`](crate::Instance::set_call_timeout)).
    ///
    /// # Errors
    /// [`Error::Wasm`] when the engine has no call timeout, so nothing could enforce one.
    pub(crate) fn set_call_timeout(&mut self, timeout: Option<Duration>) -> Result<(), Error> {
        let limits = &mut self.store.data_mut().call_limits;
        if !limits.interrupts() {
            return Err(Error::Wasm {
                message: "the engine has neither a call nor an instantiation timeout, so calls \
                          cannot be interrupted: give the engine a timeout to set one per \
                          instance"
                    .to_string(),
            });
        }
        limits.set_timeout(timeout);
        Ok(())
    }

    /// Sets the fuel of each call into this instance from now on.
    ///
    /// # Errors
    /// [`Error::Wasm`] when the engine does not meter fuel, or `budget` is zero.
    pub(crate) fn set_fuel(&mut self, budget: u64) -> Result<(), Error> {
        if self.limits.fuel.is_none() || budget == 0 {
            return Err(Error::Wasm {
                message: format!(
                    "cannot give calls {budget} fuel: the engine must meter fuel \
                     (EngineBuilder::fuel) and the budget must not be zero"
                ),
            });
        }
        self.store.data_mut().call_limits.fuel = Some(budget);
        Ok(())
    }

    /// The fuel the last call burnt, when the engine meters fuel.
    pub(crate) fn fuel_consumed(&self) -> Option<u64> {
        self.limits.fuel.map(|_| self.fuel_consumed)
    }

    #[cold]
    fn note_fuel(&mut self) {
        let budget = self.store.data().call_limits.fuel.unwrap_or(u64::MAX);
        let left = self.store.get_fuel().unwrap_or(budget);
        self.fuel_consumed = budget.saturating_sub(left);
    }

    /// Refuses to enter wasm on a thread without the native stack the engine lets wasm use
    /// (see [`EngineBuilder::max_wasm_stack`](crate::EngineBuilder::max_wasm_stack)):
    /// recursion would then overflow the thread's stack, which aborts the process, before
    /// wasmtime's own limit could trap.
    #[inline]
    fn check_native_stack(&mut self, method: usize) -> Result<(), Error> {
        match crate::stack::lacks_room(self.limits.max_wasm_stack) {
            None => Ok(()),
            Some(left) => Err(stack_error(
                &self.exports[method].spec.label,
                left,
                self.limits.max_wasm_stack,
            )),
        }
    }

    /// The error of a call that `guard_runtime` stopped, poisoning the instance.
    #[cold]
    fn runtime_panicked(&mut self, method: usize, panic: RuntimePanic) -> Error {
        let function = self
            .exports
            .get(method)
            .map_or_else(|| format!("#{method}"), |e| e.spec.label.clone());
        let error = panic.into_error(&function);
        self.fail(error)
    }

    /// Poisons the instance with `error`, unless it already is, and returns the error.
    fn fail(&mut self, error: Error) -> Error {
        if self.poisoned.is_none() {
            let text = error.to_string();
            let first_line = text.lines().next().unwrap_or_default();
            self.poisoned = Some(first_line.to_string());
        }
        error
    }

    /// The error for `e`, raised while `function` ran, poisoning the instance.
    fn failed(&mut self, function: &str, e: wasmtime::Error) -> Error {
        let error = plugin_failure(&mut self.store, function, &self.limits, e);
        self.fail(error)
    }

    /// What placing the call's buffer arguments needs: `wasp_alloc`, the memory and the
    /// total length; `None` when there is nothing to place (the arguments are then set).
    fn buffers_needed(
        &self,
        method: usize,
        args: &mut CallArgs<'_>,
    ) -> Result<Option<(Func, Memory, u32)>, Error> {
        let total = args.buffers_len().ok_or_else(|| Error::TooLarge {
            function: self.exports[method].spec.label.clone(),
            size: u64::MAX,
            limit: u64::from(u32::MAX),
        })?;
        if total == 0 {
            args.place_buffers(0, &mut []);
            return Ok(None);
        }
        let (Some(alloc), Some(memory)) = (self.alloc, self.memory) else {
            return Err(Error::MissingExport {
                name: ALLOC_EXPORT.to_string(),
                detail: "a call with string, byte or structured arguments needs `memory` and `wasp_alloc`"
                    .to_string(),
            });
        };
        Ok(Some((alloc, memory, total)))
    }

    /// Copies the buffers into the block `wasp_alloc` answered at `ptr`, bounds-checked.
    fn place_at(
        &mut self,
        memory: Memory,
        args: &mut CallArgs<'_>,
        ptr: u32,
        total: u32,
    ) -> Result<(), Error> {
        let data = memory.data_mut(&mut self.store);
        let size = data.len();
        match (ptr as usize).checked_add(total as usize) {
            Some(end) if ptr != 0 && end <= size => {
                args.place_buffers(ptr, &mut data[ptr as usize..end]);
                Ok(())
            }
            _ => {
                let error = Error::OutOfBounds {
                    function: ALLOC_EXPORT.to_string(),
                    ptr,
                    len: total,
                    memory_size: size,
                };
                Err(self.fail(error))
            }
        }
    }

    /// Copies the call's buffer arguments into one block from `wasp_alloc`.
    fn place_buffers(&mut self, method: usize, args: &mut CallArgs<'_>) -> Result<(), Error> {
        let Some((alloc, memory, total)) = self.buffers_needed(method, args)? else {
            return Ok(());
        };
        // Armed by the call: the allocation and the method share one deadline and one fuel
        // budget.
        // Each entry into the plugin is guarded: see `failure.rs`, `guard_runtime`.
        let store = &mut self.store;
        let ptr = match guard_runtime(|| call_alloc(store, alloc, total)) {
            Ok(Ok(ptr)) => ptr,
            Ok(Err(e)) => return Err(self.failed(ALLOC_EXPORT, e)),
            Err(panic) => return Err(self.fail(panic.into_error(ALLOC_EXPORT))),
        };
        self.place_at(memory, args, ptr, total)
    }

    /// The bytes of a buffer result, bounds-checked against the plugin's memory.
    fn result_bytes(&self, method: usize, packed: u64) -> Result<&[u8], Error> {
        let (ptr, len) = unpack(packed);
        let data = self.memory.map_or(&[][..], |m| m.data(&self.store));
        let end = (ptr as usize).checked_add(len as usize);
        match end {
            Some(end) if end <= data.len() => Ok(&data[ptr as usize..end]),
            _ => Err(Error::OutOfBounds {
                function: self.exports[method].spec.label.clone(),
                ptr,
                len,
                memory_size: data.len(),
            }),
        }
    }

    /// Poisons the instance with [`Error::Decode`] for a result of method `method` that is
    /// not a valid value of its type, and returns the error. Calls reach it through
    /// [`Core::call_lifting`]; a caller that decodes a result itself after the call (dynamic
    /// calls, which return structured results as bytes) reports its finding here, so that
    /// the instance is poisoned exactly as a typed call would poison it.
    pub(crate) fn decode_failed(&mut self, method: usize, detail: String) -> Error {
        let function = self
            .exports
            .get(method)
            .map_or_else(|| format!("#{method}"), |e| e.spec.label.clone());
        self.fail(Error::Decode { function, detail })
    }

    /// Calls method number `method` as [`Backend::call`] does (inside the `call` span), but
    /// lifts what it returned with `lift` rather than a [`WireResult`]: for callers that
    /// know the result's type only at run time. `lift` sees the result already bounds-checked
    /// and says why it is not valid; that is the plugin's lie, so the call fails with
    /// [`Error::Decode`] and poisons the instance.
    ///
    /// # Errors
    /// As [`Backend::call`].
    #[inline]
    pub(crate) fn call_lifting<T>(
        &mut self,
        method: usize,
        args: &mut CallArgs<'_>,
        lift: impl FnOnce(Returned<'_>) -> Result<T, String>,
    ) -> Result<T, Error> {
        // Asked of the subscriber's level and the callsite's cached interest, before any span
        // exists: `debug_span!` alone would build a disabled span and hand its fields to
        // `tracing`'s `log` fallback whenever a crate enables `tracing/log` and no subscriber
        // is set, on every call. So call spans reach `tracing` subscribers only, never `log`.
        if tracing::span_enabled!(target: CALL_TARGET, tracing::Level::DEBUG, plugin, method, instance)
        {
            self.call_traced(method, args, lift)
        } else {
            self.call_untraced(method, args, lift)
        }
    }

    /// [`Core::call_untraced`] inside the `call` span, out of line: the path of calls that a
    /// subscriber records is not the one to keep short.
    #[inline(never)]
    fn call_traced<T>(
        &mut self,
        method: usize,
        args: &mut CallArgs<'_>,
        lift: impl FnOnce(Returned<'_>) -> Result<T, String>,
    ) -> Result<T, Error> {
        let span = tracing::debug_span!(
            target: CALL_TARGET,
            "call",
            plugin = self.plugin_name(),
            method = self.exports.get(method).map_or("", |e| e.spec.label.as_str()),
            instance = self.id(),
        );
        let _entered = span.enter();
        self.call_untraced(method, args, lift)
    }

    #[inline]
    fn call_untraced<T>(
        &mut self,
        method: usize,
        args: &mut CallArgs<'_>,
        lift: impl FnOnce(Returned<'_>) -> Result<T, String>,
    ) -> Result<T, Error> {
        let (func, params, result) = self.prepare(method)?;
        self.check_native_stack(method)?;
        if args.has_buffers() {
            self.place_buffers(method, args)?;
        }
        self.check_arity(method, params, args.values())?;
        let values = args.values();
        let mut raw = [MaybeUninit::<ValRaw>::uninit(); MAX_WASM_PARAMS];
        for (slot, &bits) in raw.iter_mut().zip(values) {
            // Zero-extended bits are ValRaw's representation of every scalar type.
            *slot = MaybeUninit::new(ValRaw::u64(bits));
        }
        let has_result = result != ResultKind::None;
        if values.is_empty() && has_result {
            raw[0] = MaybeUninit::new(ValRaw::u64(0));
        }
        let len = values.len().max(usize::from(has_result));
        let raw_slice = std::ptr::slice_from_raw_parts_mut(raw.as_mut_ptr().cast::<ValRaw>(), len);
        // SAFETY: at load the export was verified to have exactly the wasm type the
        // contract gives this method (`params` values, one result when `has_result`); the
        // handle pushed one value per wasm parameter (counted by `check_arity`), each the
        // zero-extended bits of a numeric value, which is a valid ValRaw of any numeric
        // type; the first `len` slots are initialised and have room for the one result.
        let store = &mut self.store;
        let outcome = match guard_runtime(|| unsafe { func.call_unchecked(store, raw_slice) }) {
            Ok(outcome) => outcome,
            Err(panic) => return Err(self.runtime_panicked(method, panic)),
        };
        // SAFETY: when the method has a result, the call wrote it into slot 0, which was
        // initialised before the call anyway.
        let bits = if has_result && outcome.is_ok() {
            unsafe { raw[0].assume_init_ref() }.get_u64()
        } else {
            0
        };
        self.finish(method, result, outcome, bits, lift)
    }

    /// The checks every call makes before entering the plugin, then arms its limits: the
    /// method's function, its count of wasm parameters and how its result comes back.
    #[inline]
    fn prepare(&mut self, method: usize) -> Result<(Func, usize, ResultKind), Error> {
        if let Some(cause) = &self.poisoned {
            return Err(Error::Poisoned {
                cause: cause.clone(),
            });
        }
        let Some(export) = self.exports.get(method) else {
            return Err(Error::Internal {
                detail: format!("method #{method} is not in this contract"),
            });
        };
        let Some(func) = export.func else {
            return Err(Error::Unavailable {
                method: export.spec.label.clone(),
                since: export.spec.since,
                plugin_version: self.plugin_version,
            });
        };
        let (params, result) = (export.spec.params.len(), export.spec.result);
        if self.store.data().call_limits.take_pending_cancel() {
            // Cancelled while idle: nothing ran, nothing to poison.
            return Err(Error::Cancelled {
                function: export.spec.label.clone(),
            });
        }
        self.limits.arm(&mut self.store);
        Ok((func, params, result))
    }

    /// Refuses arguments that do not match the export's parameters.
    #[inline]
    fn check_arity(&self, method: usize, params: usize, values: &[u64]) -> Result<(), Error> {
        if values.len() == params {
            return Ok(());
        }
        // The generated handle and the verified export disagree: a bug, not a plugin fault.
        Err(Error::Internal {
            detail: format!(
                "{} wasm arguments given to `{}`, the export takes {params}",
                values.len(),
                self.exports[method].spec.label
            ),
        })
    }

    /// What every call does once the plugin returned: the fuel it burnt, its failure (which
    /// poisons the instance), or its result (`bits`), read and lifted.
    #[inline]
    fn finish<T>(
        &mut self,
        method: usize,
        result: ResultKind,
        outcome: wasmtime::Result<()>,
        bits: u64,
        lift: impl FnOnce(Returned<'_>) -> Result<T, String>,
    ) -> Result<T, Error> {
        if self.limits.fuel.is_some() {
            self.note_fuel();
        }
        if let Err(e) = outcome {
            let name = self.exports[method].spec.label.clone();
            return Err(self.failed(&name, e));
        }
        // A growth refused during a call that still succeeded (the plugin coped) must not
        // explain some later failure.
        let limiter = &mut self.store.data_mut().limiter;
        if limiter.denied.is_some() {
            limiter.denied = None;
        }
        let lifted = match result {
            ResultKind::None => lift(Returned::Unit),
            ResultKind::Value => lift(Returned::Bits(bits)),
            ResultKind::Buffer => match self.result_bytes(method, bits) {
                Ok(bytes) => lift(Returned::Bytes(bytes)),
                Err(lie) => return Err(self.fail(lie)),
            },
        };
        lifted.map_err(|detail| self.decode_failed(method, detail))
    }

    // ---- async calls ----

    /// A future that resolves when the call just armed must stop from outside.
    fn watch(&self) -> Watch {
        self.store
            .data()
            .call_limits
            .watch(self.limits.clock.as_ref())
    }

    /// The error for a call (of `function`) that [`Watch`] stopped while the plugin waited
    /// outside wasm; its future was dropped mid-call, so the instance is poisoned.
    fn stopped(&mut self, stop: Stop, function: &str) -> Error {
        let error = stopped(&mut self.store.data_mut().call_limits, stop, function);
        self.fail(error)
    }

    /// [`Core::call_lifting`] as a future: the plugin runs on a fiber, yielding to the
    /// executor every tick and while its host functions await, inside the `call` span when a
    /// subscriber wants one (the span follows the future). The call's deadline and cancel
    /// also end it while it waits outside wasm. Dropping the future before it resolves
    /// leaves the instance poisoned: the plugin stopped at an arbitrary point.
    ///
    /// # Errors
    /// As [`Backend::call`].
    pub(crate) async fn call_lifting_async<T>(
        &mut self,
        method: usize,
        args: &mut CallArgs<'_>,
        lift: impl FnOnce(Returned<'_>) -> Result<T, String>,
    ) -> Result<T, Error> {
        let span = if tracing::span_enabled!(target: CALL_TARGET, tracing::Level::DEBUG, plugin, method, instance)
        {
            tracing::debug_span!(
                target: CALL_TARGET,
                "call",
                plugin = self.plugin_name(),
                method = self.exports.get(method).map_or("", |e| e.spec.label.as_str()),
                instance = self.id(),
            )
        } else {
            tracing::Span::none()
        };
        tracing::Instrument::instrument(self.call_async_untraced(method, args, lift), span).await
    }

    async fn call_async_untraced<T>(
        &mut self,
        method: usize,
        args: &mut CallArgs<'_>,
        lift: impl FnOnce(Returned<'_>) -> Result<T, String>,
    ) -> Result<T, Error> {
        if let Some(dropped) = self.in_flight.take() {
            // The last call's future was dropped mid-call.
            let cause = format!(
                "a call to `{}` was cancelled mid-call: its future was dropped before it finished",
                self.exports[dropped].spec.label
            );
            self.poisoned = Some(cause);
        }
        let (func, params, result) = self.prepare(method)?;
        // Until the call ends: if its future is dropped first, the instance is poisoned.
        self.in_flight = Some(method);
        let watch = self.watch();
        let mut results = [Val::I32(0)];
        let outcome = {
            let run = self.run_async(method, (func, params, result), args, &mut results);
            race(run, watch).await
        };
        self.in_flight = None;
        match outcome {
            Ok(Ok(outcome)) => {
                let bits = match results[0] {
                    Val::I32(v) => u64::from(v as u32),
                    Val::I64(v) => v as u64,
                    Val::F32(v) => u64::from(v),
                    Val::F64(v) => v,
                    _ => 0,
                };
                self.finish(method, result, outcome, bits, lift)
            }
            // Placing the arguments failed (and poisoned the instance where it should).
            Ok(Err(error)) => Err(error),
            Err(stop) => {
                let label = self.exports[method].spec.label.clone();
                Err(self.stopped(stop, &label))
            }
        }
    }

    /// The plugin's part of an async call: its arguments placed, then the method run.
    async fn run_async(
        &mut self,
        method: usize,
        (func, count, result): (Func, usize, ResultKind),
        args: &mut CallArgs<'_>,
        results: &mut [Val; 1],
    ) -> Result<wasmtime::Result<()>, Error> {
        if args.has_buffers()
            && let Some((alloc, memory, total)) = self.buffers_needed(method, args)?
        {
            let ptr = match call_alloc_async(&mut self.store, alloc, total).await {
                Ok(ptr) => ptr,
                Err(e) => return Err(self.failed(ALLOC_EXPORT, e)),
            };
            self.place_at(memory, args, ptr, total)?;
        }
        self.check_arity(method, count, args.values())?;
        // Held across the await, so inside this future: a few inline, the rare long list on
        // the heap, rather than room for the most a method can take in every call's future.
        let mut inline = [Val::I32(0); INLINE_PARAMS];
        let mut spilled = Vec::new();
        let params = if count <= INLINE_PARAMS {
            &mut inline[..count]
        } else {
            spilled.resize(count, Val::I32(0));
            &mut spilled[..]
        };
        let spec = &self.exports[method].spec;
        for ((slot, &bits), ty) in params.iter_mut().zip(args.values()).zip(&spec.params) {
            *slot = match ty {
                ValType::I32 => Val::I32(bits as u32 as i32),
                ValType::I64 => Val::I64(bits as i64),
                ValType::F32 => Val::F32(bits as u32),
                ValType::F64 => Val::F64(bits),
            };
        }
        let has_result = usize::from(result != ResultKind::None);
        Ok(func
            .call_async(&mut self.store, params, &mut results[..has_result])
            .await)
    }
}

/// The wasm parameters an async call keeps inline (two strings, or four scalars).
const INLINE_PARAMS: usize = 4;

/// The error for a call refused for want of native stack (see `stack.rs`).
#[cold]
pub(crate) fn stack_error(function: &str, left: usize, max_wasm_stack: usize) -> Error {
    Error::Trap {
        function: function.to_string(),
        message: format!(
            "this thread has {left} bytes of native stack left; calls need the engine's wasm \
             stack ({max_wasm_stack} bytes) plus {} for the host (lower \
             EngineBuilder::max_wasm_stack, or call from a thread with a larger stack)",
            crate::stack::HOST_MARGIN
        ),
        backtrace: None,
    }
}

impl Backend for Core {
    /// Calls method number `method`, inside a `tracing` span `call` (plugin, method,
    /// instance) when a subscriber wants one. Without one, the span costs a load and a
    /// branch and allocates nothing.
    #[inline]
    fn call<R: WireResult>(&mut self, method: usize, args: &mut CallArgs<'_>) -> Result<R, Error> {
        self.call_lifting(method, args, R::lift)
    }
}

/// One live instance called with futures: a [`Core`] whose store takes async calls only
/// (its WASI and host functions are futures). The engine side of every generated async
/// handle; see [`AsyncInstance`](crate::AsyncInstance).
pub struct AsyncCore(pub(crate) Core);

impl fmt::Debug for AsyncCore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl AsyncBackend for AsyncCore {
    /// Calls method number `method` as a future (see `Core::call_lifting_async`).
    fn call_async<'a, 'b: 'a, R: WireResult + 'a>(
        &'a mut self,
        method: usize,
        args: &'a mut CallArgs<'b>,
    ) -> BoxFuture<'a, Result<R, Error>> {
        Box::pin(self.0.call_lifting_async(method, args, R::lift))
    }
}
