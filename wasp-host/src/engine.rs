use crate::plugin::{self, Plugin};
use crate::raw::RawPlugin;
use std::path::Path;
use wasp::{Contract, Error};

/// A wasmtime engine configured for plugins. Create one per process and share it.
#[derive(Clone)]
pub struct Engine {
    pub(crate) inner: wasmtime::Engine,
}

/// Configures an [`Engine`].
#[derive(Debug, Clone, Default)]
pub struct EngineBuilder {
    pooling: Option<u32>,
}

impl EngineBuilder {
    /// Pre-allocates slots for up to `max_instances` live instances (the pooling allocator):
    /// instantiation gets much faster, at the price of reserving virtual memory up front.
    /// Instantiating beyond the limit fails with an error.
    pub fn pooling(mut self, max_instances: u32) -> Self {
        self.pooling = Some(max_instances);
        self
    }

    /// Builds the engine.
    ///
    /// # Errors
    /// [`Error::Wasm`] when wasmtime rejects the configuration (for example when the pooling
    /// allocator cannot reserve its memory).
    pub fn build(self) -> Result<Engine, Error> {
        let mut config = wasmtime::Config::new();
        if let Some(max) = self.pooling {
            let mut pool = wasmtime::PoolingAllocationConfig::default();
            pool.total_core_instances(max);
            pool.total_memories(max);
            pool.total_tables(max);
            pool.max_memory_size(1 << 32);
            config.allocation_strategy(wasmtime::InstanceAllocationStrategy::Pooling(pool));
        }
        let inner = wasmtime::Engine::new(&config).map_err(|e| Error::Wasm {
            message: format!("engine configuration rejected: {e:#}"),
        })?;
        Ok(Engine { inner })
    }
}

impl Engine {
    /// An engine with the default configuration.
    ///
    /// # Errors
    /// As [`EngineBuilder::build`].
    pub fn new() -> Result<Engine, Error> {
        EngineBuilder::default().build()
    }

    /// A builder for a configured engine.
    pub fn builder() -> EngineBuilder {
        EngineBuilder::default()
    }

    /// Loads the plugin at `path`: compiles it and verifies that it implements contract `C`.
    ///
    /// # Errors
    /// [`Error::Io`] if the file cannot be read; otherwise as [`Engine::load_bytes`].
    pub fn load<C: ?Sized + Contract>(&self, path: impl AsRef<Path>) -> Result<Plugin<C>, Error> {
        let bytes = read(path.as_ref())?;
        self.load_bytes(&bytes)
    }

    /// Loads a plugin from its bytes (binary WebAssembly, or the text format).
    ///
    /// # Errors
    /// - [`Error::Wasm`] when the bytes are not a valid module;
    /// - [`Error::ContractMismatch`] when the plugin's contract descriptor is missing or
    ///   differs from `C`, or it imports something the host does not provide;
    /// - [`Error::MissingExport`] when an export `C` needs is missing or mistyped.
    pub fn load_bytes<C: ?Sized + Contract>(&self, bytes: &[u8]) -> Result<Plugin<C>, Error> {
        plugin::load(self, bytes)
    }

    /// Loads a module for calls by export name, without a contract ([`RawPlugin`]).
    ///
    /// # Errors
    /// [`Error::Io`] if the file cannot be read; otherwise as [`Engine::load_raw_bytes`].
    pub fn load_raw(&self, path: impl AsRef<Path>) -> Result<RawPlugin, Error> {
        let bytes = read(path.as_ref())?;
        self.load_raw_bytes(&bytes)
    }

    /// Loads a module for calls by export name from its bytes.
    ///
    /// # Errors
    /// [`Error::Wasm`] when the bytes are not a valid module, [`Error::ContractMismatch`]
    /// when it imports something the host does not provide.
    pub fn load_raw_bytes(&self, bytes: &[u8]) -> Result<RawPlugin, Error> {
        RawPlugin::load(self, bytes)
    }
}

fn read(path: &Path) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}
