use crate::engine::Limits;
use crate::linking::{StoreData, call_alloc, store_call_error};
use crate::sandbox::{CALL_TARGET, CapturedOutput};
use std::any::Any;
use std::mem::MaybeUninit;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use wasmtime::{Func, Memory, Store, ValRaw};
use wasp::__private::{Backend, CallArgs};
use wasp::{Contract, Error, Handle};
use wasp_abi::MAX_WASM_PARAMS;

/// One export the host calls, resolved once per instance.
#[derive(Clone, Copy)]
pub(crate) struct Export {
    /// `None` for a method added to the contract after the plugin was built.
    pub(crate) func: Option<Func>,
    pub(crate) params: usize,
    pub(crate) has_result: bool,
    pub(crate) since: u32,
}

/// One live instance: a store with the plugin's memory, WASI context and host state, plus
/// its exports resolved once. This is the engine side of every generated handle.
pub(crate) struct Core {
    pub(crate) store: Store<StoreData>,
    pub(crate) instance: wasmtime::Instance,
    pub(crate) memory: Option<Memory>,
    pub(crate) alloc: Option<Func>,
    pub(crate) exports: Vec<Export>,
    pub(crate) names: Arc<[String]>,
    /// The contract version the plugin was built against.
    pub(crate) plugin_version: u32,
    pub(crate) poisoned: Option<String>,
    pub(crate) limits: Limits,
    /// The plugin's name and this instance's process-wide id, for spans and log lines.
    pub(crate) plugin: Arc<str>,
    pub(crate) id: u64,
    pub(crate) output: CapturedOutput,
}

impl Core {
    fn poison(&mut self, error: &Error) {
        if self.poisoned.is_none() {
            let text = error.to_string();
            let first_line = text.lines().next().unwrap_or_default();
            self.poisoned = Some(first_line.to_string());
        }
    }

    fn fail(&mut self, error: Error) -> Error {
        self.poison(&error);
        error
    }

    /// Copies the call's buffer arguments into one block from `wasp_alloc`.
    fn place_buffers(&mut self, function: usize, args: &mut CallArgs<'_>) -> Result<(), Error> {
        let total = args.buffers_len().ok_or_else(|| Error::Encode {
            function: self.names[function].clone(),
            detail: "the arguments exceed the 4 GiB a plugin can address".to_string(),
        })?;
        if total == 0 {
            args.place_buffers(0, &mut []);
            return Ok(());
        }
        let (Some(alloc), Some(memory)) = (self.alloc, self.memory) else {
            return Err(Error::MissingExport {
                name: wasp_abi::ALLOC_EXPORT.to_string(),
                detail: "a call with string, byte or structured arguments needs `memory` and `wasp_alloc`"
                    .to_string(),
            });
        };
        self.start_deadline();
        let ptr = match call_alloc(&mut self.store, alloc, total) {
            Ok(ptr) => ptr,
            Err(e) => {
                let error = store_call_error(
                    &mut self.store,
                    wasp_abi::ALLOC_EXPORT,
                    self.limits.call_timeout,
                    e,
                );
                return Err(self.fail(error));
            }
        };
        let data = memory.data_mut(&mut self.store);
        let size = data.len();
        match (ptr as usize).checked_add(total as usize) {
            Some(end) if ptr != 0 && end <= size => {
                args.place_buffers(ptr, &mut data[ptr as usize..end]);
                Ok(())
            }
            _ => {
                let error = Error::OutOfBounds {
                    function: wasp_abi::ALLOC_EXPORT.to_string(),
                    ptr,
                    len: total,
                    memory_size: size,
                };
                Err(self.fail(error))
            }
        }
    }

    /// Gives the next entry into the plugin the engine's full call timeout.
    #[inline]
    pub(crate) fn start_deadline(&mut self) {
        if let Some(ticks) = self.limits.deadline_ticks {
            self.store.set_epoch_deadline(ticks);
        }
    }

    pub(crate) fn instance_export(&mut self, export: &wasmtime::ModuleExport) -> Option<Func> {
        self.instance
            .get_module_export(&mut self.store, export)?
            .into_func()
    }

    pub(crate) fn memory_size(&self) -> usize {
        self.memory.map_or(0, |m| m.data_size(&self.store))
    }

    /// The capture buffer of standard output (`false`) or error (`true`), if it captures.
    pub(crate) fn captured(&self, stderr: bool) -> Option<&crate::sandbox::Captured> {
        if stderr {
            self.output.stderr.as_deref()
        } else {
            self.output.stdout.as_deref()
        }
    }

    /// Calls method number `method`, inside a `tracing` span `call` (plugin, method,
    /// instance) when a subscriber wants one. Without one, the span costs a load and a branch
    /// and allocates nothing.
    #[inline]
    fn traced_call(&mut self, method: usize, args: &mut CallArgs<'_>) -> Result<u64, Error> {
        let span = tracing::debug_span!(
            target: CALL_TARGET,
            "call",
            plugin = &*self.plugin,
            method = self.names.get(method).map_or("", String::as_str),
            instance = self.id,
        );
        let _entered = span.enter();
        self.untraced_call(method, args)
    }

    #[inline]
    fn untraced_call(&mut self, method: usize, args: &mut CallArgs<'_>) -> Result<u64, Error> {
        if let Some(cause) = &self.poisoned {
            return Err(Error::Poisoned {
                cause: cause.clone(),
            });
        }
        let Some(&export) = self.exports.get(method) else {
            return Err(Error::MissingExport {
                name: format!("#{method}"),
                detail: "no such method in this contract".to_string(),
            });
        };
        let Some(func) = export.func else {
            return Err(Error::Unavailable {
                method: self.names[method].clone(),
                since: export.since,
                plugin_version: self.plugin_version,
            });
        };
        if args.has_buffers() {
            self.place_buffers(method, args)?;
        }
        let values = args.values();
        if values.len() != export.params {
            // The generated handle and the verified export disagree: a bug, not a plugin fault.
            return Err(Error::Encode {
                function: self.names[method].clone(),
                detail: format!(
                    "{} wasm arguments given, the export takes {}",
                    values.len(),
                    export.params
                ),
            });
        }
        let mut raw = [MaybeUninit::<ValRaw>::uninit(); MAX_WASM_PARAMS];
        for (slot, &bits) in raw.iter_mut().zip(values) {
            // Zero-extended bits are ValRaw's representation of every scalar type.
            *slot = MaybeUninit::new(ValRaw::u64(bits));
        }
        let len = values.len().max(usize::from(export.has_result));
        if values.is_empty() && export.has_result {
            raw[0] = MaybeUninit::new(ValRaw::u64(0));
        }
        self.start_deadline();
        let raw_slice = std::ptr::slice_from_raw_parts_mut(raw.as_mut_ptr().cast::<ValRaw>(), len);
        // SAFETY: at load the export was verified to have exactly the wasm type the
        // contract gives this method, the generated handle pushed one value of the matching
        // type per parameter (checked above), and the slice has room for the one result.
        let outcome = unsafe { func.call_unchecked(&mut self.store, raw_slice) };
        match outcome {
            Ok(()) => {
                // A growth refused during a call that still succeeded (the plugin coped) must
                // not explain some later failure.
                let limiter = &mut self.store.data_mut().limiter;
                if limiter.denied.is_some() {
                    limiter.denied = None;
                }
                // SAFETY: the call wrote its one result into slot 0, if it has one.
                Ok(if export.has_result {
                    unsafe { raw[0].assume_init_ref() }.get_u64()
                } else {
                    0
                })
            }
            Err(e) => {
                let error = store_call_error(
                    &mut self.store,
                    &self.names[method],
                    self.limits.call_timeout,
                    e,
                );
                Err(self.fail(error))
            }
        }
    }
}

impl Backend for Core {
    #[inline]
    fn call(&mut self, method: usize, args: &mut CallArgs<'_>) -> Result<u64, Error> {
        self.traced_call(method, args)
    }

    #[inline]
    fn read(&mut self, method: usize, ptr: u32, len: u32) -> Result<&[u8], Error> {
        let size = self.memory_size();
        let in_bounds = (ptr as usize)
            .checked_add(len as usize)
            .is_some_and(|end| end <= size);
        if !in_bounds {
            let error = Error::OutOfBounds {
                function: self.names.get(method).cloned().unwrap_or_default(),
                ptr,
                len,
                memory_size: size,
            };
            return Err(self.fail(error));
        }
        match self.memory {
            Some(memory) => {
                Ok(&memory.data(&self.store)[ptr as usize..ptr as usize + len as usize])
            }
            None => Ok(&[]),
        }
    }

    fn decode_failed(&mut self, method: usize, detail: String) -> Error {
        let error = Error::Decode {
            function: self.names.get(method).cloned().unwrap_or_default(),
            detail,
        };
        self.fail(error)
    }

    fn as_any(&mut self) -> &mut dyn Any {
        self
    }

    fn as_any_ref(&self) -> &dyn Any {
        self
    }
}

/// One plugin instance: a sandbox with its own memory, WASI context and host state.
///
/// It dereferences to the contract's generated handle, so contract methods are called
/// directly: `instance.hello("Nic".into())?`. Operations on the instance itself are
/// associated functions (`Instance::host_mut(&mut instance)`), so that they never hide a
/// contract method of the same name.
pub struct Instance<C: ?Sized + Contract> {
    handle: C::Handle,
}

impl<C: ?Sized + Contract> Instance<C> {
    pub(crate) fn new(core: Core) -> Self {
        Instance {
            handle: C::Handle::from_backend(Box::new(core)),
        }
    }

    fn core(this: &Self) -> Option<&Core> {
        this.handle
            .backend_ref()
            .as_any_ref()
            .downcast_ref::<Core>()
    }

    fn core_mut(this: &mut Self) -> Option<&mut Core> {
        this.handle.backend().as_any().downcast_mut::<Core>()
    }

    /// The host value given to `instantiate`, if it is an `H`.
    pub fn host_mut<H: 'static>(this: &mut Self) -> Option<&mut H> {
        Instance::core_mut(this)?
            .store
            .data_mut()
            .host
            .host()
            .downcast_mut::<H>()
    }

    /// Whether the plugin has `method`; see [`Plugin::supports`](crate::Plugin::supports).
    pub fn supports(this: &Self, method: &str) -> bool {
        Instance::core(this).is_some_and(|c| {
            c.names
                .iter()
                .zip(&c.exports)
                .any(|(name, export)| name == method && export.func.is_some())
        })
    }

    /// Whether an earlier failure poisoned the instance (see [`wasp::Error::Poisoned`]).
    pub fn is_poisoned(this: &Self) -> bool {
        Instance::core(this).is_some_and(|c| c.poisoned.is_some())
    }

    /// The current size of the plugin's linear memory, in bytes.
    pub fn memory_size(this: &Self) -> usize {
        Instance::core(this).map_or(0, Core::memory_size)
    }

    /// This instance's id: unique in the process, counting from 1 in creation order. Its log
    /// lines, forwarded output and call spans carry it as the field `instance`.
    pub fn id(this: &Self) -> u64 {
        Instance::core(this).map_or(0, |c| c.id)
    }

    /// The name of the plugin this instance was created from ([`Plugin::name`](crate::Plugin::name)).
    pub fn plugin_name(this: &Self) -> &str {
        Instance::core(this).map_or("", |c| &c.plugin)
    }

    /// What the plugin has written to standard output so far, when it is captured
    /// ([`Output::Capture`](crate::Output::Capture)); empty otherwise. At most the
    /// configuration's capture limit: see [`Instance::stdout_dropped`].
    pub fn stdout(this: &Self) -> Vec<u8> {
        Instance::captured(this, false).map_or_else(Vec::new, |c| c.contents())
    }

    /// Takes the captured standard output, leaving the buffer empty (and with room for
    /// another capture limit's worth).
    pub fn take_stdout(this: &mut Self) -> Vec<u8> {
        Instance::captured(this, false).map_or_else(Vec::new, |c| c.take())
    }

    /// How many bytes of standard output were dropped since the instance was created,
    /// because the capture buffer was full.
    pub fn stdout_dropped(this: &Self) -> u64 {
        Instance::captured(this, false).map_or(0, |c| c.dropped())
    }

    /// What the plugin has written to standard error so far, when it is captured; as
    /// [`Instance::stdout`].
    pub fn stderr(this: &Self) -> Vec<u8> {
        Instance::captured(this, true).map_or_else(Vec::new, |c| c.contents())
    }

    /// Takes the captured standard error; as [`Instance::take_stdout`].
    pub fn take_stderr(this: &mut Self) -> Vec<u8> {
        Instance::captured(this, true).map_or_else(Vec::new, |c| c.take())
    }

    /// How many bytes of standard error were dropped; as [`Instance::stdout_dropped`].
    pub fn stderr_dropped(this: &Self) -> u64 {
        Instance::captured(this, true).map_or(0, |c| c.dropped())
    }

    fn captured(this: &Self, stderr: bool) -> Option<&crate::sandbox::Captured> {
        Instance::core(this)?.captured(stderr)
    }
}

impl<C: ?Sized + Contract> Deref for Instance<C> {
    type Target = C::Handle;

    fn deref(&self) -> &C::Handle {
        &self.handle
    }
}

impl<C: ?Sized + Contract> DerefMut for Instance<C> {
    fn deref_mut(&mut self) -> &mut C::Handle {
        &mut self.handle
    }
}
