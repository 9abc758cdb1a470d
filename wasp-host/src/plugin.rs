//! Plugins with a contract: loading verifies the module against contract `C` (its
//! descriptor, exports and imports) so that no call can fail for a reason the load could
//! have found.

use crate::async_instance::AsyncInstance;
use crate::compile::{self, Compiled, Loaded};
use crate::config::InstanceConfig;
use crate::core::AsyncCore;
use crate::descriptor;
use crate::engine::Engine;
use crate::instance::Instance;
use crate::verify;
use std::fmt;
use std::marker::PhantomData;
use std::path::Path;
use std::sync::Arc;
use wasp::{AsyncHandleFor, AsyncHostContract, Contract, Error, HandleFor, HostContract};
use wasp_abi::descriptor::Contract as Descriptor;

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
    /// The file is a binary module, or the text format if its name ends in `.wat`. The plugin
    /// is named after the file's stem (`greeter-rust` for `plugins/greeter-rust.wasm`); see
    /// [`Plugin::name`].
    ///
    /// # Errors
    /// [`Error::Io`] if the file cannot be read; otherwise as [`Engine::load_bytes`].
    pub fn load<C: ?Sized + Contract>(&self, path: impl AsRef<Path>) -> Result<Plugin<C>, Error> {
        let path = path.as_ref();
        let plugin = self.load_bytes(&compile::read(path, self.limits.max_module_size)?)?;
        Ok(match compile::stem(path) {
            Some(name) => plugin.with_name(name),
            None => plugin,
        })
    }

    /// Loads a plugin from its bytes, a binary WebAssembly module (for the text format, see
    /// [`Engine::load_wat`]). The plugin is named after its contract (`Greeter`); see
    /// [`Plugin::with_name`].
    ///
    /// # Errors
    /// - [`Error::Wasm`] when the bytes are not a valid module; bytes that are not binary
    ///   WebAssembly are reported as `not a WebAssembly module (first bytes: ...)`;
    /// - [`Error::ContractMismatch`] when the plugin's contract descriptor is missing or
    ///   differs from `C`, or it imports something the host does not provide;
    /// - [`Error::MissingExport`] when an export `C` needs is missing or mistyped;
    /// - a call error ([`Error::Trap`], [`Error::Timeout`], ...) when the plugin's code that
    ///   gives its descriptor fails.
    pub fn load_bytes<C: ?Sized + Contract>(&self, bytes: &[u8]) -> Result<Plugin<C>, Error> {
        load(self, bytes)
    }

    /// Loads a plugin from a module in the WebAssembly text format, as
    /// [`Engine::load_bytes`] loads a binary one.
    ///
    /// # Errors
    /// [`Error::Wasm`] when `text` does not parse; otherwise as [`Engine::load_bytes`].
    pub fn load_wat<C: ?Sized + Contract>(&self, text: &str) -> Result<Plugin<C>, Error> {
        load(self, &compile::wat(text.as_bytes())?)
    }

    /// The binary module for `text`, a module in the WebAssembly text format: what
    /// [`Engine::load_raw_bytes`], [`Engine::load_dynamic_bytes`] and the other loads from
    /// bytes take.
    ///
    /// # Errors
    /// [`Error::Wasm`] when `text` does not parse.
    pub fn wat(text: &str) -> Result<Vec<u8>, Error> {
        compile::wat(text.as_bytes())
    }
}

/// Compiles `bytes` and verifies them against `C` ([`verify::verify`], which dynamic loads
/// share), with the methods named as in the trait.
fn load<C: ?Sized + Contract>(engine: &Engine, bytes: &[u8]) -> Result<Plugin<C>, Error> {
    from_compiled(engine, &compile::compile(engine, bytes)?)
}

/// Verifies a compiled module against `C`: what every typed load does, from a `.wasm` or
/// from a precompiled artifact (`precompiled.rs`).
pub(crate) fn from_compiled<C: ?Sized + Contract>(
    engine: &Engine,
    compiled: &Compiled,
) -> Result<Plugin<C>, Error> {
    let all = descriptor::read(engine, compiled)
        .map_err(|e| e.into_load_error(C::NAME))?
        .contracts;
    let verified = verify::verify(engine, compiled, &all, &C::descriptor(), C::METHODS)?;
    Ok(Plugin {
        loaded: Arc::new(verified.loaded),
        descriptor: Arc::new(verified.declared),
        name: Arc::from(C::NAME),
        contract: PhantomData,
    })
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

    /// A new instance whose calls are futures, with the default sandbox: see
    /// [`AsyncInstance`]. Its host functions are `host`'s implementation of the contract's
    /// async host trait (for `#[wasp::host] trait GreeterHost`, `AsyncGreeterHost`), written
    /// with `async fn`; the plugin is the same file, and calls it as it calls any host.
    ///
    /// ```
    /// use greeter_contract::{AsyncGreeterHost, Greeter};
    /// use std::time::Duration;
    ///
    /// struct Host;
    /// impl AsyncGreeterHost for Host {
    ///     async fn call_me(&mut self, name: String) -> String {
    ///         // Any async work: a database, an HTTP request. Other calls run meanwhile.
    ///         tokio::time::sleep(Duration::from_millis(1)).await;
    ///         format!("Hello {name}")
    ///     }
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), wasp::Error> {
    /// let engine = wasp_host::Engine::new()?;
    /// let plugin = engine.load::<dyn Greeter>("../examples/greeter/plugins/greeter-rust.wasm")?;
    /// let mut greeter = plugin.instantiate_async(Host).await?;
    /// assert_eq!(greeter.hello("Nic".into()).await?, "Hello Nic");
    /// assert_eq!(greeter.callback().await?, "Hello Nic"); // awaited `Host::call_me`
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// As [`Plugin::instantiate`].
    pub async fn instantiate_async<H: 'static>(&self, host: H) -> Result<AsyncInstance<C, H>, Error>
    where
        C: AsyncHandleFor<AsyncCore>,
        C::Host: AsyncHostContract<H>,
    {
        self.instantiate_async_with(host, &InstanceConfig::default())
            .await
    }

    /// [`Plugin::instantiate_async`] in the sandbox `config` describes (see
    /// [`Plugin::instantiate_with`]).
    ///
    /// # Errors
    /// As [`Plugin::instantiate_with`].
    pub async fn instantiate_async_with<H: 'static>(
        &self,
        host: H,
        config: &InstanceConfig,
    ) -> Result<AsyncInstance<C, H>, Error>
    where
        C: AsyncHandleFor<AsyncCore>,
        C::Host: AsyncHostContract<H>,
    {
        let dispatch = <C::Host as AsyncHostContract<H>>::into_async_dispatch(host);
        let core = self
            .loaded
            .instantiate_async(&self.name, config, dispatch)
            .await?;
        Ok(AsyncInstance::new(core))
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
