use crate::engine::{Engine, Limits};
use crate::instance::{Core, Export, Instance};
use crate::linking::{self, MemoryLimiter, StoreData, store_call_error, wasm_error};
use crate::sandbox::{self, InstanceConfig};
use crate::wasm::{custom_section, describe_func_type, describe_wasm, func_type_is};
use std::marker::PhantomData;
use std::sync::Arc;
use wasmtime::{InstancePre, Module, ModuleExport, Store};
use wasp::__private::{HostDispatch, HostReturn, guest_slice};
use wasp::{Contract, Error, HostContract};
use wasp_abi::descriptor::{self, Contract as Descriptor};
use wasp_abi::{
    ALLOC_EXPORT, CONTRACT_EXPORT, CONTRACT_EXPORT_PREFIX, CONTRACT_SECTION, INITIALIZE_EXPORT,
    MEMORY_EXPORT, ValType,
};

/// A plugin compiled once and verified against contract `C`. Instantiate it as often as
/// needed; it is `Send + Sync` and cheap to clone.
pub struct Plugin<C: ?Sized> {
    pub(crate) shared: Arc<Compiled>,
    name: Arc<str>,
    contract: PhantomData<fn() -> Box<C>>,
}

impl<C: ?Sized> Clone for Plugin<C> {
    fn clone(&self) -> Self {
        Plugin {
            shared: self.shared.clone(),
            name: self.name.clone(),
            contract: PhantomData,
        }
    }
}

/// Everything about a module that does not change between instances.
pub(crate) struct Compiled {
    pub(crate) engine: wasmtime::Engine,
    pub(crate) limits: Limits,
    pub(crate) pre: InstancePre<StoreData>,
    pub(crate) memory: Option<ModuleExport>,
    pub(crate) alloc: Option<ModuleExport>,
    pub(crate) initialize: Option<ModuleExport>,
    pub(crate) exports: Vec<ExportSpec>,
    pub(crate) names: Arc<[String]>,
    pub(crate) descriptor: Option<Descriptor>,
}

pub(crate) struct ExportSpec {
    /// `None` for a method the plugin predates (see [`Plugin::supports`]).
    pub(crate) index: Option<ModuleExport>,
    pub(crate) params: usize,
    pub(crate) has_result: bool,
    /// The contract version that added the method.
    pub(crate) since: u32,
}

/// The binary module for `bytes`, which may be the text format, compiled.
pub(crate) fn compile(engine: &Engine, bytes: &[u8]) -> Result<(Module, Vec<u8>), Error> {
    let binary = wat::parse_bytes(bytes)
        .map_err(|e| Error::Wasm {
            message: format!("not a valid WebAssembly module: {e}"),
        })?
        .into_owned();
    let module = Module::new(&engine.inner, &binary).map_err(|e| Error::Wasm {
        message: format!("not a valid WebAssembly module: {e:#}"),
    })?;
    Ok((module, binary))
}

pub(crate) fn load<C: ?Sized + Contract>(
    engine: &Engine,
    bytes: &[u8],
) -> Result<Plugin<C>, Error> {
    let (module, bytes) = compile(engine, bytes)?;
    let expected = C::descriptor();
    let mismatch = |differences: Vec<String>| Error::ContractMismatch {
        contract: C::NAME.to_string(),
        differences,
    };
    let section = custom_section(&bytes, CONTRACT_SECTION);
    let contract_exports: Vec<&str> = module
        .exports()
        .map(|e| e.name())
        .filter(|name| name.starts_with(CONTRACT_EXPORT_PREFIX) || *name == CONTRACT_EXPORT)
        .filter(|name| require_func(&module, name, &[], &[ValType::I64]).is_ok())
        .collect();
    // Every contract the module implements: a module may implement several.
    let all = if !section.is_empty() {
        descriptor::parse_section(&section)
            .map_err(|e| mismatch(vec![format!("the plugin's {e}")]))?
    } else if !contract_exports.is_empty() {
        let texts =
            descriptors_from_exports(engine, &module, &contract_exports).map_err(|e| match e {
                Error::ContractMismatch { differences, .. } => mismatch(differences),
                other => other,
            })?;
        let mut all = Vec::new();
        for text in texts {
            all.extend(
                descriptor::parse_section(&text)
                    .map_err(|e| mismatch(vec![format!("the plugin's {e}")]))?,
            );
        }
        all
    } else {
        return Err(mismatch(vec![format!(
            "the plugin carries no contract descriptor: no custom section `{CONTRACT_SECTION}` \
             and no export `{CONTRACT_EXPORT_PREFIX}{}` or `{CONTRACT_EXPORT}` (Rust plugins get \
             one from `export_...!`; docs/ABI.md says how other languages add one)",
            C::NAME
        )]));
    };
    let Some(declared) = all.iter().find(|c| c.name == C::NAME).cloned() else {
        let names: Vec<String> = all.iter().map(|c| format!("`{}`", c.name)).collect();
        return Err(mismatch(vec![format!(
            "the plugin implements {}, not `{}`",
            names.join(", "),
            C::NAME
        )]));
    };
    let comparison = descriptor::compare(&expected, &declared);
    if !comparison.differences.is_empty() {
        return Err(mismatch(comparison.differences));
    }

    // Host functions of the module's other contracts: this host does not provide them, and
    // this contract's methods do not call them, so they are linked to stubs that trap.
    let this_module = expected.host.as_ref().map(|h| h.module.as_str());
    let other_modules: Vec<String> = all
        .iter()
        .filter(|c| c.name != C::NAME)
        .filter_map(|c| c.host.as_ref().map(|h| h.module.clone()))
        .filter(|m| Some(m.as_str()) != this_module)
        .collect();
    let import_problems = linking::check_imports(&module, expected.host.as_ref(), &other_modules);
    if !import_problems.is_empty() {
        return Err(mismatch(import_problems));
    }

    let mut exports = Vec::with_capacity(expected.methods.len());
    for method in &expected.methods {
        let (params, results) = (method.wasm_params(), method.wasm_results());
        let index = if comparison.unavailable.contains(&method.name) {
            None
        } else {
            Some(require_func(&module, &method.name, &params, &results)?)
        };
        exports.push(ExportSpec {
            index,
            params: params.len(),
            has_result: !results.is_empty(),
            since: method.since,
        });
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
    let memory = if needs_memory {
        Some(require_memory(&module)?)
    } else {
        optional_memory(&module)
    };
    let alloc = if needs_buffers {
        Some(require_func(
            &module,
            ALLOC_EXPORT,
            &[ValType::I32],
            &[ValType::I32],
        )?)
    } else {
        optional_alloc(&module)
    };

    let mut linker = linking::linker(&engine.inner, expected.host.as_ref())?;
    if !other_modules.is_empty() {
        linker
            .define_unknown_imports_as_traps(&module)
            .map_err(wasm_error)?;
    }
    let pre = linker.instantiate_pre(&module).map_err(wasm_error)?;
    let names: Arc<[String]> = expected.methods.iter().map(|m| m.name.clone()).collect();
    tracing::debug!(
        contract = C::NAME,
        methods = names.len(),
        plugin_version = declared.version,
        unavailable = ?comparison.unavailable,
        "loaded plugin; contract, exports and imports verified"
    );
    Ok(Plugin {
        name: Arc::from(C::NAME),
        shared: Arc::new(Compiled {
            engine: engine.inner.clone(),
            limits: engine.limits,
            initialize: initialize_export(&module),
            pre,
            memory,
            alloc,
            exports,
            names,
            descriptor: Some(declared),
        }),
        contract: PhantomData,
    })
}

/// Refuses host calls made while a plugin's descriptor is being read: at that point the host
/// has not yet accepted the plugin.
struct NoHostYet;

impl HostDispatch for NoHostYet {
    fn call(&mut self, function: usize, _: &[u8], _: &[u64]) -> Result<HostReturn, Error> {
        Err(Error::HostFunction {
            function: format!("#{function}"),
            message: format!("host functions cannot be called from `{CONTRACT_EXPORT}`"),
            source: None,
        })
    }

    fn host(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

/// A store for one instance: its WASI context, host functions and the engine's limits, with
/// the deadline set for what runs first (start functions, `_initialize`).
fn new_store(
    engine: &wasmtime::Engine,
    limits: Limits,
    wasi: wasmtime_wasi::p1::WasiP1Ctx,
    host: Box<dyn HostDispatch>,
    plugin: Arc<str>,
    instance: u64,
) -> Store<StoreData> {
    let mut store = Store::new(
        engine,
        StoreData {
            wasi,
            host,
            plugin,
            instance,
            memory: None,
            alloc: None,
            limiter: MemoryLimiter::new(limits.max_memory),
        },
    );
    store.limiter(|data| &mut data.limiter);
    if let Some(ticks) = limits.deadline_ticks {
        store.set_epoch_deadline(ticks);
    }
    store
}

/// Asks a plugin without a descriptor section for its descriptors, calling each of `exports`
/// in one throwaway instance with no WASI grants and the engine's limits. Only WASI and the
/// `wasp` runtime imports are real in that instance; any other import traps, so that the
/// descriptors can be compared before the imports are judged against them.
pub(crate) fn descriptors_from_exports(
    engine: &Engine,
    module: &Module,
    exports: &[&str],
) -> Result<Vec<Vec<u8>>, Error> {
    let mut linker = linking::linker(&engine.inner, None)?;
    linker
        .define_unknown_imports_as_traps(module)
        .map_err(wasm_error)?;
    let pre = match linker.instantiate_pre(module) {
        Ok(pre) => pre,
        Err(e) => {
            // A runtime import of the wrong type: say which, rather than the linker's words.
            let problems = linking::check_imports(module, None, &[]);
            let problems: Vec<String> = problems
                .into_iter()
                .filter(|p| p.contains(wasp_abi::RUNTIME_MODULE))
                .collect();
            if problems.is_empty() {
                return Err(wasm_error(e));
            }
            return Err(Error::ContractMismatch {
                contract: String::new(),
                differences: problems,
            });
        }
    };
    let mut store = new_store(
        &engine.inner,
        engine.limits,
        wasmtime_wasi::WasiCtxBuilder::new().build_p1(),
        Box::new(NoHostYet),
        Arc::from("(reading the contract descriptor)"),
        0,
    );
    let timeout = engine.limits.call_timeout;
    let instance = pre
        .instantiate(&mut store)
        .map_err(|e| store_call_error(&mut store, "instantiation", timeout, e))?;
    let memory = instance.get_memory(&mut store, MEMORY_EXPORT);
    store.data_mut().memory = memory;
    if let Some(init) = instance.get_func(&mut store, INITIALIZE_EXPORT) {
        init.call(&mut store, &[], &mut [])
            .map_err(|e| store_call_error(&mut store, INITIALIZE_EXPORT, timeout, e))?;
    }
    let mut texts = Vec::with_capacity(exports.len());
    for &export in exports {
        let describe = instance
            .get_typed_func::<(), i64>(&mut store, export)
            .map_err(wasm_error)?;
        if let Some(ticks) = engine.limits.deadline_ticks {
            store.set_epoch_deadline(ticks);
        }
        let packed = describe
            .call(&mut store, ())
            .map_err(|e| store_call_error(&mut store, export, timeout, e))?;
        let (ptr, len) = wasp_abi::unpack(packed as u64);
        let Some(memory) = memory else {
            return Err(Error::MissingExport {
                name: MEMORY_EXPORT.to_string(),
                detail: format!("`{export}` returns text, so the plugin must export its memory"),
            });
        };
        let bytes = guest_slice(memory.data(&store), export, u64::from(ptr), u64::from(len))?;
        if len > wasp_abi::MAX_DESCRIPTOR_LEN {
            return Err(Error::ContractMismatch {
                contract: String::new(),
                differences: vec![format!(
                    "`{export}` returned {len} bytes; a descriptor may have at most {}",
                    wasp_abi::MAX_DESCRIPTOR_LEN
                )],
            });
        }
        texts.push(bytes.to_vec());
    }
    Ok(texts)
}

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

pub(crate) fn require_memory(module: &Module) -> Result<ModuleExport, Error> {
    match module.exports().find(|e| e.name() == MEMORY_EXPORT) {
        Some(e) if e.ty().memory().is_some_and(|m| !m.is_64()) => {}
        Some(_) => {
            return Err(Error::MissingExport {
                name: MEMORY_EXPORT.to_string(),
                detail: "is not a 32-bit linear memory".to_string(),
            });
        }
        None => {
            return Err(Error::MissingExport {
                name: MEMORY_EXPORT.to_string(),
                detail: "not exported; the plugin must export its linear memory".to_string(),
            });
        }
    }
    module
        .get_export_index(MEMORY_EXPORT)
        .ok_or_else(|| Error::MissingExport {
            name: MEMORY_EXPORT.to_string(),
            detail: "cannot be resolved".to_string(),
        })
}

pub(crate) fn optional_memory(module: &Module) -> Option<ModuleExport> {
    require_memory(module).ok()
}

pub(crate) fn optional_alloc(module: &Module) -> Option<ModuleExport> {
    require_func(module, ALLOC_EXPORT, &[ValType::I32], &[ValType::I32]).ok()
}

pub(crate) fn initialize_export(module: &Module) -> Option<ModuleExport> {
    require_func(module, INITIALIZE_EXPORT, &[], &[]).ok()
}

/// Instantiates a compiled module into a fresh store whose host functions dispatch to `host`,
/// in the sandbox `config` describes.
pub(crate) fn instantiate_core(
    compiled: &Compiled,
    name: &Arc<str>,
    config: &InstanceConfig,
    host: Box<dyn wasp::__private::HostDispatch>,
) -> Result<Core, Error> {
    let id = sandbox::next_instance_id();
    let sandbox = sandbox::build(config, name, id)?;
    let mut store = new_store(
        &compiled.engine,
        compiled.limits,
        sandbox.wasi,
        host,
        name.clone(),
        id,
    );
    let timeout = compiled.limits.call_timeout;
    let instance = compiled
        .pre
        .instantiate(&mut store)
        .map_err(|e| store_call_error(&mut store, "instantiation", timeout, e))?;
    let memory = compiled
        .memory
        .as_ref()
        .and_then(|m| instance.get_module_export(&mut store, m))
        .and_then(|e| e.into_memory());
    let alloc = match &compiled.alloc {
        Some(index) => {
            let func = instance
                .get_module_export(&mut store, index)
                .and_then(|e| e.into_func())
                .ok_or_else(|| Error::MissingExport {
                    name: ALLOC_EXPORT.to_string(),
                    detail: "vanished between load and instantiation".to_string(),
                })?;
            Some(func)
        }
        None => None,
    };
    store.data_mut().memory = memory;
    store.data_mut().alloc = alloc;
    let initialize = compiled
        .initialize
        .as_ref()
        .and_then(|index| instance.get_module_export(&mut store, index));
    if let Some(init) = initialize.and_then(|e| e.into_func()) {
        if let Some(ticks) = compiled.limits.deadline_ticks {
            store.set_epoch_deadline(ticks);
        }
        init.call(&mut store, &[], &mut [])
            .map_err(|e| store_call_error(&mut store, INITIALIZE_EXPORT, timeout, e))?;
    }
    let mut exports = Vec::with_capacity(compiled.exports.len());
    for spec in &compiled.exports {
        let func = match &spec.index {
            Some(index) => Some(
                instance
                    .get_module_export(&mut store, index)
                    .and_then(|e| e.into_func())
                    .ok_or_else(|| Error::MissingExport {
                        name: compiled.names[exports.len()].clone(),
                        detail: "vanished between load and instantiation".to_string(),
                    })?,
            ),
            None => None,
        };
        exports.push(Export {
            func,
            params: spec.params,
            has_result: spec.has_result,
            since: spec.since,
        });
    }
    Ok(Core {
        store,
        instance,
        memory,
        alloc,
        exports,
        names: compiled.names.clone(),
        plugin_version: compiled.descriptor.as_ref().map_or(1, |d| d.version),
        poisoned: None,
        limits: compiled.limits,
        plugin: name.clone(),
        id,
        output: sandbox.output,
    })
}

impl<C: ?Sized + Contract> Plugin<C> {
    /// Creates a new, isolated instance whose host functions are served by `host`, with the
    /// default sandbox ([`InstanceConfig::default`]): no files, no environment, no
    /// arguments, and standard output and error forwarded to `tracing`. Contracts without
    /// host functions take `()`.
    ///
    /// # Errors
    /// [`Error::Trap`] (or another call error) if the plugin's start or `_initialize` code
    /// fails; [`Error::Wasm`] if the engine cannot create the instance (for example when a
    /// pooling allocator is full).
    pub fn instantiate<H>(&self, host: H) -> Result<Instance<C>, Error>
    where
        C::Host: HostContract<H>,
    {
        self.instantiate_with(host, &InstanceConfig::default())
    }

    /// Creates a new, isolated instance whose host functions are served by `host`, in the
    /// sandbox `config` describes: its environment, arguments, mounts, standard input and
    /// where its output goes.
    ///
    /// ```no_run
    /// # use greeter_contract::{Greeter, GreeterHost};
    /// # struct Host;
    /// # impl GreeterHost for Host {
    /// #     fn call_me(&mut self, name: String) -> String { name }
    /// # }
    /// use wasp_host::{Access, Instance, InstanceConfig, Output};
    ///
    /// # fn main() -> Result<(), wasp::Error> {
    /// # let engine = wasp_host::Engine::new()?;
    /// let plugin = engine.load::<dyn Greeter>("greeter.wasm")?;
    /// let config = InstanceConfig::new()
    ///     .env("GREETING", "Hello")
    ///     .mount("/srv/greeter", "/data", Access::ReadOnly)
    ///     .stdout(Output::Capture);
    /// let mut greeter = plugin.instantiate_with(Host, &config)?;
    /// greeter.hello("Nic".into())?;
    /// let printed = Instance::take_stdout(&mut greeter);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// [`Error::Io`] when a mounted host directory cannot be opened; otherwise as
    /// [`Plugin::instantiate`].
    pub fn instantiate_with<H>(
        &self,
        host: H,
        config: &InstanceConfig,
    ) -> Result<Instance<C>, Error>
    where
        C::Host: HostContract<H>,
    {
        let dispatch = <C::Host as HostContract<H>>::into_dispatch(host);
        let core = instantiate_core(&self.shared, &self.name, config, dispatch)?;
        Ok(Instance::new(core))
    }

    /// The plugin's name, which its instances' log lines, forwarded output and call spans
    /// carry: the file's stem for [`Engine::load`](crate::Engine::load) (`greeter-rust` for
    /// `plugins/greeter-rust.wasm`), the contract's name for
    /// [`Engine::load_bytes`](crate::Engine::load_bytes), or what
    /// [`Plugin::with_name`] set.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The same plugin under another name, for the instances created from it from now on.
    /// Cheap: the module stays compiled once.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Arc::from(name.into());
        self
    }

    /// The contract descriptor the plugin carries, as verified at load.
    pub fn descriptor(&self) -> Option<&Descriptor> {
        self.shared.descriptor.as_ref()
    }

    /// The version of contract `C` the plugin was built against. It may be older than the
    /// host's ([`Contract::VERSION`]): methods added since are then unavailable.
    pub fn contract_version(&self) -> u32 {
        self.shared.descriptor.as_ref().map_or(1, |d| d.version)
    }

    /// Whether the plugin has `method` (the contract's name for it). `false` for a method
    /// added to the contract after the plugin was built, whose calls return
    /// [`Error::Unavailable`], and for names the contract does not have.
    pub fn supports(&self, method: &str) -> bool {
        self.shared
            .names
            .iter()
            .zip(&self.shared.exports)
            .any(|(name, spec)| name == method && spec.index.is_some())
    }
}
