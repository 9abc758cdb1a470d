//! Compiling a module and instantiating it: what [`Plugin`](crate::Plugin),
//! [`DynamicPlugin`](crate::DynamicPlugin) and [`RawPlugin`](crate::RawPlugin) share.

use crate::config::{self, InstanceConfig};
use crate::core::{Core, ModuleExports};
use crate::deadline::race;
use crate::engine::{Engine, Limits};
use crate::failure::{instantiation_failure, stopped, wasm_error};
use crate::store::{Host, StoreData, new_store};
use crate::wasm::{describe_func_type, describe_wasm, func_type_is};
use std::fmt;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use wasmtime::{InstancePre, Linker, Module, ModuleExport};
use wasp::Error;
use wasp_abi::descriptor::HostInterface;
use wasp_abi::{ALLOC_EXPORT, INITIALIZE_EXPORT, MEMORY_EXPORT, ValType};

/// A module compiled for an engine, with the bytes it was compiled from.
pub(crate) struct Compiled {
    pub(crate) module: Module,
    pub(crate) bytes: Vec<u8>,
}

/// Compiles `bytes`, a binary WebAssembly module. The text format is accepted only where the
/// caller asks for it ([`wat`]): a file that is not WebAssembly is then named as such, not
/// reported as a text-format parse error.
///
/// # Errors
/// [`Error::TooLarge`] beyond the engine's module size limit; [`Error::Wasm`] when the bytes
/// are not a valid module.
pub(crate) fn compile(engine: &Engine, bytes: &[u8]) -> Result<Compiled, Error> {
    let limit = engine.limits.max_module_size;
    // Checked before parsing and compiling, both work the module's author controls.
    if bytes.len() > limit {
        return Err(Error::TooLarge {
            function: "module".to_string(),
            size: bytes.len() as u64,
            limit: limit as u64,
        });
    }
    if !bytes.starts_with(b"\0asm") {
        let first: Vec<String> = bytes.iter().take(8).map(|b| format!("{b:02x}")).collect();
        let text = if bytes.trim_ascii_start().starts_with(b"(") {
            "; it looks like the text format: load it with `Engine::load_wat`, or from a \
             `.wat` file"
        } else {
            ""
        };
        return Err(Error::Wasm {
            message: format!(
                "not a WebAssembly module (first bytes: {}; a module starts with 00 61 73 6d){text}",
                if first.is_empty() {
                    "none".to_string()
                } else {
                    first.join(" ")
                }
            ),
        });
    }
    let binary = bytes.to_vec();
    let compile = || {
        Module::new(&engine.inner, &binary).map_err(|e| Error::Wasm {
            message: format!("not a valid WebAssembly module: {e:#}"),
        })
    };
    let module = match &engine.cache {
        Some(cache) => cache.module(&engine.inner, &binary, compile)?,
        None => compile()?,
    };
    Ok(Compiled {
        module,
        bytes: binary,
    })
}

/// Reads a plugin file: a binary module, or the text format when the file is named `.wat`.
/// At most `limit` bytes are read: a larger file is refused without reading the rest (the
/// module size limit, [`EngineBuilder::max_module_size`](crate::EngineBuilder::max_module_size)).
///
/// # Errors
/// [`Error::Io`] when it cannot be read; [`Error::TooLarge`] beyond `limit`; [`Error::Wasm`]
/// when a `.wat` file does not parse.
pub(crate) fn read(path: &Path, limit: usize) -> Result<Vec<u8>, Error> {
    use std::io::Read;
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    // One byte more than the limit tells a file of exactly `limit` bytes from a larger one.
    file.take((limit as u64).saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() > limit {
        let size = std::fs::metadata(path).map_or(bytes.len() as u64, |m| m.len());
        return Err(Error::TooLarge {
            function: "module".to_string(),
            size,
            limit: limit as u64,
        });
    }
    if path.extension().is_some_and(|e| e == "wat") {
        return wat(&bytes);
    }
    Ok(bytes)
}

/// The binary module for `text`, a module in the WebAssembly text format.
///
/// # Errors
/// [`Error::Wasm`] when `text` does not parse.
pub(crate) fn wat(text: &[u8]) -> Result<Vec<u8>, Error> {
    wat::parse_bytes(text)
        .map(|binary| binary.into_owned())
        .map_err(|e| Error::Wasm {
            message: format!("not a valid WebAssembly text module: {e}"),
        })
}

/// A plugin's name from its file: the stem (`greeter-rust` for `plugins/greeter-rust.wasm`).
pub(crate) fn stem(path: &Path) -> Option<String> {
    Some(path.file_stem()?.to_string_lossy().into_owned())
}

/// Everything about a loaded module that does not change between instances: the linked,
/// pre-instantiated module, the exports the host calls, and the engine's limits.
pub(crate) struct Loaded {
    engine: wasmtime::Engine,
    limits: Limits,
    pre: InstancePre<StoreData>,
    pub(crate) exports: ModuleExports,
    /// What async instances link: the same imports, with WASI and the host functions as
    /// futures. Linked on the first `instantiate_async`, so that plugins only ever called
    /// blocking pay nothing for it.
    linking: AsyncLinking,
}

/// What linking a module for async instances needs, and its outcome once done.
struct AsyncLinking {
    module: Module,
    host: Option<HostInterface>,
    /// Imports of other contracts' host modules, linked to traps (see `verify.rs`).
    trap_unknown: bool,
    /// The linked module, or why it cannot be linked (kept as text: errors are not `Clone`).
    pre: OnceLock<Result<InstancePre<StoreData>, String>>,
}

impl fmt::Debug for Loaded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Loaded")
            .field("limits", &self.limits)
            .field("methods", &self.exports.methods.len())
            .finish_non_exhaustive()
    }
}

impl Loaded {
    /// Links `module` with `linker` once, so that instances are created without linking.
    ///
    /// # Errors
    /// [`Error::Wasm`] when an import cannot be linked.
    pub(crate) fn new(
        engine: &Engine,
        module: &Module,
        linker: &Linker<StoreData>,
        exports: ModuleExports,
        host: Option<&HostInterface>,
        trap_unknown: bool,
    ) -> Result<Loaded, Error> {
        let pre = linker.instantiate_pre(module).map_err(wasm_error)?;
        Ok(Loaded {
            engine: engine.inner.clone(),
            limits: engine.limits.clone(),
            pre,
            exports,
            linking: AsyncLinking {
                module: module.clone(),
                host: host.cloned(),
                trap_unknown,
                pre: OnceLock::new(),
            },
        })
    }

    /// The module linked for async instances, linked on first use.
    fn async_pre(&self) -> Result<&InstancePre<StoreData>, Error> {
        let linking = &self.linking;
        let pre = linking.pre.get_or_init(|| {
            let link = || -> wasmtime::Result<InstancePre<StoreData>> {
                let mut linker = crate::linking::async_linker(&self.engine, linking.host.as_ref())?;
                if linking.trap_unknown {
                    linker.define_unknown_imports_as_traps(&linking.module)?;
                }
                linker.instantiate_pre(&linking.module)
            };
            link().map_err(|e| format!("cannot link the plugin for async calls: {e:#}"))
        });
        pre.as_ref().map_err(|message| Error::Wasm {
            message: message.clone(),
        })
    }

    /// A new instance whose host functions dispatch to `host`, in the sandbox `config`
    /// describes, named `plugin` in its log lines and spans.
    ///
    /// # Errors
    /// [`Error::Io`] when a mount cannot be opened; [`Error::InstanceLimit`] or
    /// [`Error::Instantiation`] when the engine cannot create the instance; a call error when
    /// a start function or `_initialize` fails.
    pub(crate) fn instantiate(
        &self,
        plugin: &Arc<str>,
        config: &InstanceConfig,
        host: Box<dyn wasp::__private::HostDispatch>,
    ) -> Result<Core, Error> {
        if let Some(left) = crate::stack::lacks_room(self.limits.max_wasm_stack) {
            return Err(crate::core::stack_error(
                "start",
                left,
                self.limits.max_wasm_stack,
            ));
        }
        let (mut store, output) = self.store(plugin, config, Host::Blocking(host))?;
        let instance =
            crate::failure::outside_runtime("start", || self.pre.instantiate(&mut store))?
                .map_err(|e| instantiation_failure(&mut store, &self.limits, e))?;
        Core::new(store, instance, &self.exports, self.limits.clone(), output)
    }

    /// As [`Loaded::instantiate`], for an instance called with futures: start functions and
    /// `_initialize` run as a future too, yielding every tick, and host functions are
    /// `host`'s futures.
    ///
    /// # Errors
    /// As [`Loaded::instantiate`]; [`Error::Wasm`] when the module cannot be linked for
    /// async calls.
    pub(crate) async fn instantiate_async(
        &self,
        plugin: &Arc<str>,
        config: &InstanceConfig,
        host: Box<dyn wasp::__private::AsyncHostDispatch>,
    ) -> Result<Core, Error> {
        let pre = self.async_pre()?;
        let (mut store, output) = self.store(plugin, config, Host::Async(host))?;
        // Start functions run on a fiber with its own stack: the thread's stack is not at
        // stake, so `stack.rs` is not asked. They may wait outside wasm (a WASI sleep), where
        // no epoch reaches: the instantiation's deadline ends that wait too.
        let watch = store.data().call_limits.watch(self.limits.clock.as_ref());
        let instance = match race(pre.instantiate_async(&mut store), watch).await {
            Ok(Ok(instance)) => instance,
            Ok(Err(e)) => return Err(instantiation_failure(&mut store, &self.limits, e)),
            Err(stop) => {
                return Err(stopped(&mut store.data_mut().call_limits, stop, "start"));
            }
        };
        Core::new_async(store, instance, &self.exports, self.limits.clone(), output).await
    }

    /// A fresh store for one instance, with its sandbox.
    fn store(
        &self,
        plugin: &Arc<str>,
        config: &InstanceConfig,
        host: Host,
    ) -> Result<(wasmtime::Store<StoreData>, crate::output::CapturedOutput), Error> {
        let id = next_instance_id();
        let blocking = matches!(host, Host::Blocking(_));
        let sandbox = config::build(config, plugin, id, blocking)?;
        let store = new_store(
            &self.engine,
            &self.limits,
            sandbox.wasi,
            host,
            plugin.clone(),
            id,
            sandbox.monotonic_start,
        );
        Ok((store, sandbox.output))
    }
}

/// A process-wide counter: every instance gets its own id, starting at 1.
static NEXT_INSTANCE_ID: AtomicU64 = AtomicU64::new(1);

fn next_instance_id() -> u64 {
    NEXT_INSTANCE_ID.fetch_add(1, Ordering::Relaxed)
}

/// The export `name`, which must be a function of exactly this wasm type.
///
/// # Errors
/// [`Error::MissingExport`] saying what is missing or how the type differs.
pub(crate) fn require_func(
    module: &Module,
    name: &str,
    params: &[ValType],
    results: &[ValType],
) -> Result<ModuleExport, Error> {
    let missing = |detail: String| Error::MissingExport {
        name: name.to_string(),
        detail,
    };
    let expected = describe_wasm(params, results);
    let export = module
        .exports()
        .find(|e| e.name() == name)
        .ok_or_else(|| missing(format!("not exported; expected a function {expected}")))?;
    match export.ty().func() {
        Some(ty) if func_type_is(ty, params, results) => {}
        Some(ty) => {
            return Err(missing(format!(
                "has wasm type {}, expected {expected}",
                describe_func_type(ty)
            )));
        }
        None => {
            return Err(missing(format!(
                "is not a function; expected a function {expected}"
            )));
        }
    }
    module
        .get_export_index(name)
        .ok_or_else(|| missing("cannot be resolved".to_string()))
}

/// The exported linear memory, which must be a 32-bit memory.
///
/// # Errors
/// [`Error::MissingExport`] when it is missing or not a 32-bit memory.
pub(crate) fn require_memory(module: &Module) -> Result<ModuleExport, Error> {
    let missing = |detail: &str| Error::MissingExport {
        name: MEMORY_EXPORT.to_string(),
        detail: detail.to_string(),
    };
    match module.exports().find(|e| e.name() == MEMORY_EXPORT) {
        Some(e) if e.ty().memory().is_some_and(|m| !m.is_64()) => {}
        Some(_) => return Err(missing("is not a 32-bit linear memory")),
        None => {
            return Err(missing(
                "not exported; the plugin must export its linear memory",
            ));
        }
    }
    module
        .get_export_index(MEMORY_EXPORT)
        .ok_or_else(|| missing("cannot be resolved"))
}

/// The runtime exports a module may have whatever its contract: memory, `wasp_alloc`,
/// `_initialize`, each present only when it has the ABI's type.
pub(crate) fn runtime_exports(module: &Module) -> ModuleExports {
    ModuleExports {
        memory: require_memory(module).ok(),
        alloc: require_func(module, ALLOC_EXPORT, &[ValType::I32], &[ValType::I32]).ok(),
        initialize: require_func(module, INITIALIZE_EXPORT, &[], &[]).ok(),
        methods: Vec::new(),
        plugin_version: 1,
    }
}
