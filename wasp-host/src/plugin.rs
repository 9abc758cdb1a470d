//! Plugins with a contract: loading verifies the module against contract `C` (its
//! descriptor, exports and imports) so that no call can fail for a reason the load could
//! have found.

use crate::compile::{self, Compiled, Loaded, require_func, require_memory, runtime_exports};
use crate::config::InstanceConfig;
use crate::core::{MethodSpec, ModuleExports, ResultKind};
use crate::descriptor::{self, ReadError};
use crate::engine::Engine;
use crate::failure::wasm_error;
use crate::instance::Instance;
use crate::linking;
use std::fmt;
use std::marker::PhantomData;
use std::path::Path;
use std::sync::Arc;
use wasp::{Contract, Error, HandleFor, HostContract};
use wasp_abi::descriptor::{self as abi_descriptor, Contract as Descriptor};
use wasp_abi::{ALLOC_EXPORT, CONTRACT_EXPORT, CONTRACT_EXPORT_PREFIX, CONTRACT_SECTION, ValType};

/// A plugin compiled once and verified against contract `C`. Instantiate it as often as
/// needed; it is `Send + Sync` and cheap to clone.
pub struct Plugin<C: ?Sized> {
    loaded: Arc<Loaded>,
    descriptor: Arc<Descriptor>,
    name: Arc<str>,
    contract: PhantomData<fn() -> Box<C>>,
}

impl<C: ?Sized> Clone for Plugin<C> {
    fn clone(&self) -> Self {
        Plugin {
            loaded: self.loaded.clone(),
            descriptor: self.descriptor.clone(),
            name: self.name.clone(),
            contract: PhantomData,
        }
    }
}

impl<C: ?Sized + Contract> fmt::Debug for Plugin<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Plugin")
            .field("contract", &C::NAME)
            .field("name", &self.name)
            .field("contract_version", &self.descriptor.version)
            .finish_non_exhaustive()
    }
}

impl Engine {
    /// Loads the plugin at `path`: compiles it and verifies that it implements contract `C`.
    /// The plugin is named after the file's stem (`greeter-rust` for
    /// `plugins/greeter-rust.wasm`); see [`Plugin::name`].
    ///
    /// # Errors
    /// [`Error::Io`] if the file cannot be read; otherwise as [`Engine::load_bytes`].
    pub fn load<C: ?Sized + Contract>(&self, path: impl AsRef<Path>) -> Result<Plugin<C>, Error> {
        let path = path.as_ref();
        let plugin = self.load_bytes(&compile::read(path)?)?;
        Ok(match compile::stem(path) {
            Some(name) => plugin.with_name(name),
            None => plugin,
        })
    }

    /// Loads a plugin from its bytes (binary WebAssembly, or the text format). The plugin is
    /// named after its contract (`Greeter`); see [`Plugin::with_name`].
    ///
    /// # Errors
    /// - [`Error::Wasm`] when the bytes are not a valid module;
    /// - [`Error::ContractMismatch`] when the plugin's contract descriptor is missing or
    ///   differs from `C`, or it imports something the host does not provide;
    /// - [`Error::MissingExport`] when an export `C` needs is missing or mistyped;
    /// - a call error ([`Error::Trap`], [`Error::Timeout`], ...) when the plugin's code that
    ///   gives its descriptor fails.
    pub fn load_bytes<C: ?Sized + Contract>(&self, bytes: &[u8]) -> Result<Plugin<C>, Error> {
        load(self, bytes)
    }
}

fn load<C: ?Sized + Contract>(engine: &Engine, bytes: &[u8]) -> Result<Plugin<C>, Error> {
    let compiled = compile::compile(engine, bytes)?;
    let module = &compiled.module;
    let expected = C::descriptor();
    let mismatch = |differences: Vec<String>| Error::ContractMismatch {
        contract: C::NAME.to_string(),
        differences,
    };
    let all = match descriptor::read(engine, &compiled) {
        Ok(all) => all,
        Err(ReadError::Invalid(problems)) => return Err(mismatch(problems)),
        Err(ReadError::Other(error)) => return Err(error),
        Err(ReadError::Absent) => {
            return Err(mismatch(vec![format!(
                "the plugin carries no contract descriptor: no custom section \
                 `{CONTRACT_SECTION}` and no export `{CONTRACT_EXPORT_PREFIX}{}` or \
                 `{CONTRACT_EXPORT}` (Rust plugins get one from `export_...!`; docs/ABI.md \
                 says how other languages add one)",
                C::NAME
            )]));
        }
    };
    let Some(declared) = all.iter().find(|c| c.name == C::NAME).cloned() else {
        let names: Vec<String> = all.iter().map(|c| format!("`{}`", c.name)).collect();
        return Err(mismatch(vec![format!(
            "the plugin implements {}, not `{}`",
            names.join(", "),
            C::NAME
        )]));
    };
    let comparison = abi_descriptor::compare(&expected, &declared);
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
    let import_problems = linking::check_imports(module, expected.host.as_ref(), &other_modules);
    if !import_problems.is_empty() {
        return Err(mismatch(import_problems));
    }

    let exports = verify_exports::<C>(
        &compiled,
        &expected,
        &comparison.unavailable,
        declared.version,
    )?;
    let mut linker = linking::linker(&engine.inner, expected.host.as_ref())?;
    if !other_modules.is_empty() {
        linker
            .define_unknown_imports_as_traps(module)
            .map_err(wasm_error)?;
    }
    let loaded = Loaded::new(engine, module, &linker, exports)?;
    tracing::debug!(
        contract = C::NAME,
        methods = expected.methods.len(),
        plugin_version = declared.version,
        unavailable = ?comparison.unavailable,
        "loaded plugin; contract, exports and imports verified"
    );
    Ok(Plugin {
        loaded: Arc::new(loaded),
        descriptor: Arc::new(declared),
        name: Arc::from(C::NAME),
        contract: PhantomData,
    })
}

/// The exports contract `C` needs, each verified to have the wasm type the contract gives
/// it, and the runtime exports its methods need (memory, `wasp_alloc`).
fn verify_exports<C: ?Sized + Contract>(
    compiled: &Compiled,
    expected: &Descriptor,
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
        let name = C::METHODS.get(i).map_or(method.name.as_str(), |n| *n);
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

impl<C: ?Sized + Contract> Plugin<C> {
    /// Creates a new, isolated instance whose host functions are served by `host`, with the
    /// default sandbox ([`InstanceConfig::default`]): no files, no environment, no
    /// arguments, and standard output and error forwarded to `tracing`. Contracts without
    /// host functions take `()`.
    ///
    /// # Errors
    /// A call error ([`Error::Trap`], [`Error::Timeout`], ...) if the plugin's start or
    /// `_initialize` code fails; [`Error::InstanceLimit`] when the pooling allocator is full;
    /// [`Error::Instantiation`] if the engine cannot create the instance for another reason.
    pub fn instantiate<H: 'static>(&self, host: H) -> Result<Instance<C, H>, Error>
    where
        C: HandleFor<crate::Core>,
        C::Host: HostContract<H>,
    {
        self.instantiate_with(host, &InstanceConfig::default())
    }

    /// Creates a new, isolated instance whose host functions are served by `host`, in the
    /// sandbox `config` describes: its environment, arguments, mounts, standard input and
    /// where its output goes.
    ///
    /// ```
    /// # use greeter_contract::{Greeter, GreeterHost};
    /// # struct Host;
    /// # impl GreeterHost for Host {
    /// #     fn call_me(&mut self, name: String) -> String { name }
    /// # }
    /// use wasp_host::{Instance, InstanceConfig, Output, Stream};
    ///
    /// # fn main() -> Result<(), wasp::Error> {
    /// # let engine = wasp_host::Engine::new()?;
    /// let plugin = engine.load::<dyn Greeter>("../examples/greeter/plugins/greeter-c.wasm")?;
    /// let config = InstanceConfig::new()
    ///     .env("GREETING", "Hello")
    ///     .stdout(Output::Capture);
    /// let mut greeter = plugin.instantiate_with(Host, &config)?;
    /// greeter.hello("Nic".into())?;
    /// let printed = Instance::captured(&greeter, Stream::Stdout).map(|c| c.take());
    /// assert_eq!(printed, Some(Vec::new()));
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// [`Error::Io`] when a mounted host directory cannot be opened; otherwise as
    /// [`Plugin::instantiate`].
    pub fn instantiate_with<H: 'static>(
        &self,
        host: H,
        config: &InstanceConfig,
    ) -> Result<Instance<C, H>, Error>
    where
        C: HandleFor<crate::Core>,
        C::Host: HostContract<H>,
    {
        let dispatch = <C::Host as HostContract<H>>::into_dispatch(host);
        let core = self.loaded.instantiate(&self.name, config, dispatch)?;
        Ok(Instance::new(core))
    }

    /// The plugin's name, which its instances' log lines, forwarded output and call spans
    /// carry: the file's stem for [`Engine::load`] (`greeter-rust` for
    /// `plugins/greeter-rust.wasm`), the contract's name for [`Engine::load_bytes`], or what
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
    pub fn descriptor(&self) -> &Descriptor {
        &self.descriptor
    }

    /// The version of contract `C` the plugin was built against. It may be older than the
    /// host's ([`Contract::VERSION`]): methods added since are then unavailable.
    pub fn contract_version(&self) -> u32 {
        self.descriptor.version
    }

    /// Whether the plugin has `method`, named as in the contract trait (its Rust name, also
    /// when `#[wasp(rename)]` gives it another name on the wire). `false` for a method
    /// added to the contract after the plugin was built, whose calls return
    /// [`Error::Unavailable`], and for names the contract does not have.
    pub fn supports(&self, method: &str) -> bool {
        self.loaded
            .exports
            .methods
            .iter()
            .any(|m| m.name == method && m.export.is_some())
    }
}
