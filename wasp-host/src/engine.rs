use crate::plugin::{self, Plugin};
use crate::raw::RawPlugin;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use wasp::{Contract, Error};

/// How often the engine's clock advances. Timeouts are enforced to within one tick.
const TICK: Duration = Duration::from_millis(10);

/// Default limit on the time one call may run.
pub const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(10);

/// Default limit on one instance's linear memory.
pub const DEFAULT_MAX_MEMORY: usize = 1 << 30;

/// A wasmtime engine configured for plugins. Create one per process and share it: it is
/// `Send + Sync` and cheap to clone.
#[derive(Clone)]
pub struct Engine {
    pub(crate) inner: wasmtime::Engine,
    pub(crate) limits: Limits,
    // Stops the clock thread when the last clone of this engine is dropped.
    _clock: Option<Arc<Clock>>,
}

/// The per-instance limits an engine applies.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// Epoch ticks a call may run, when calls have a timeout.
    pub(crate) deadline_ticks: Option<u64>,
    pub(crate) call_timeout: Option<Duration>,
    pub(crate) max_memory: usize,
}

struct Clock {
    stop: Arc<AtomicBool>,
}

impl Drop for Clock {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Configures an [`Engine`].
#[derive(Debug, Clone)]
pub struct EngineBuilder {
    pooling: Option<u32>,
    call_timeout: Option<Duration>,
    max_memory: usize,
}

impl Default for EngineBuilder {
    fn default() -> Self {
        EngineBuilder {
            pooling: None,
            call_timeout: Some(DEFAULT_CALL_TIMEOUT),
            max_memory: DEFAULT_MAX_MEMORY,
        }
    }
}

impl EngineBuilder {
    /// Pre-allocates slots for up to `max_instances` live instances (the pooling allocator):
    /// instantiation gets much faster, at the price of reserving virtual memory up front.
    /// Instantiating beyond the limit fails with an error.
    pub fn pooling(mut self, max_instances: u32) -> Self {
        self.pooling = Some(max_instances);
        self
    }

    /// Limits how long one call into a plugin may run (10 s by default); a call that runs
    /// longer is interrupted with [`Error::Timeout`]. `None` lets calls run forever, and
    /// removes the small cost of the checks from compiled code.
    pub fn call_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.call_timeout = timeout;
        self
    }

    /// Limits each instance's linear memory to `bytes` (1 GiB by default); growing beyond it
    /// fails the call with [`Error::MemoryLimit`].
    pub fn max_memory(mut self, bytes: usize) -> Self {
        self.max_memory = bytes;
        self
    }

    /// Builds the engine.
    ///
    /// # Errors
    /// [`Error::Wasm`] when wasmtime rejects the configuration (for example when the pooling
    /// allocator cannot reserve its memory).
    pub fn build(self) -> Result<Engine, Error> {
        let mut config = wasmtime::Config::new();
        config.epoch_interruption(self.call_timeout.is_some());
        if let Some(max) = self.pooling {
            let mut pool = wasmtime::PoolingAllocationConfig::default();
            pool.total_core_instances(max);
            pool.total_memories(max);
            pool.total_tables(max);
            pool.max_memory_size(self.max_memory.min(1 << 32));
            // Reusing a slot then costs no page faults for the first 2 MiB of memory: fresh
            // instances were dominated by faults and madvise (measured with the benches).
            pool.linear_memory_keep_resident(2 << 20);
            pool.table_keep_resident(64 << 10);
            pool.pagemap_scan(wasmtime::Enabled::Auto);
            config.allocation_strategy(wasmtime::InstanceAllocationStrategy::Pooling(pool));
        }
        let inner = wasmtime::Engine::new(&config).map_err(|e| Error::Wasm {
            message: format!("engine configuration rejected: {e:#}"),
        })?;
        let deadline_ticks = self
            .call_timeout
            .map(|t| (t.as_nanos() / TICK.as_nanos()).max(1) as u64 + 1);
        let clock = self.call_timeout.map(|_| start_clock(&inner)).transpose()?;
        Ok(Engine {
            inner,
            limits: Limits {
                deadline_ticks,
                call_timeout: self.call_timeout,
                max_memory: self.max_memory,
            },
            _clock: clock,
        })
    }
}

// One thread per engine advances its epoch every tick; stores compare it with their call's
// deadline at function entries and loop back-edges.
fn start_clock(engine: &wasmtime::Engine) -> Result<Arc<Clock>, Error> {
    let stop = Arc::new(AtomicBool::new(false));
    let (engine, thread_stop) = (engine.clone(), stop.clone());
    std::thread::Builder::new()
        .name("wasp-clock".to_string())
        .spawn(move || {
            while !thread_stop.load(Ordering::Relaxed) {
                std::thread::sleep(TICK);
                engine.increment_epoch();
            }
        })
        .map_err(|e| Error::Wasm {
            message: format!("cannot start the engine's clock thread: {e}"),
        })?;
    Ok(Arc::new(Clock { stop }))
}

impl Engine {
    /// The wasmtime engine underneath, for embedding Wasp beside other wasmtime code (and
    /// for baselines that must run on exactly the same configuration).
    pub fn wasmtime_engine(&self) -> &wasmtime::Engine {
        &self.inner
    }

    /// An engine with the default configuration: calls time out after 10 s, instances may
    /// use up to 1 GiB of memory.
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
    /// The plugin is named after the file's stem (`greeter-rust` for
    /// `plugins/greeter-rust.wasm`); see [`Plugin::name`].
    ///
    /// # Errors
    /// [`Error::Io`] if the file cannot be read; otherwise as [`Engine::load_bytes`].
    pub fn load<C: ?Sized + Contract>(&self, path: impl AsRef<Path>) -> Result<Plugin<C>, Error> {
        let path = path.as_ref();
        let bytes = read(path)?;
        let plugin = self.load_bytes(&bytes)?;
        Ok(match stem(path) {
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
    /// - [`Error::MissingExport`] when an export `C` needs is missing or mistyped.
    pub fn load_bytes<C: ?Sized + Contract>(&self, bytes: &[u8]) -> Result<Plugin<C>, Error> {
        plugin::load(self, bytes)
    }

    /// Loads a module for calls by export name, without a contract ([`RawPlugin`]).
    ///
    /// # Errors
    /// [`Error::Io`] if the file cannot be read; otherwise as [`Engine::load_raw_bytes`].
    pub fn load_raw(&self, path: impl AsRef<Path>) -> Result<RawPlugin, Error> {
        let path = path.as_ref();
        let bytes = read(path)?;
        let plugin = self.load_raw_bytes(&bytes)?;
        Ok(match stem(path) {
            Some(name) => plugin.with_name(name),
            None => plugin,
        })
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

fn stem(path: &Path) -> Option<String> {
    Some(path.file_stem()?.to_string_lossy().into_owned())
}

fn read(path: &Path) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}
