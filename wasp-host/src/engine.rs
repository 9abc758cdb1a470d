//! The engine: a wasmtime engine, its configuration, and the limits it applies to every
//! instance.

use crate::cache::{Cache, CacheStats};
use crate::clock::{self, Clock};
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use wasmtime::Store;
use wasp::Error;

/// Default limit on the time one call may run.
pub const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(10);

/// Default limit on one instance's linear memory.
pub const DEFAULT_MAX_MEMORY: usize = 1 << 30;

/// A wasmtime engine configured for plugins. Create one per process and share it: it is
/// `Send + Sync` and cheap to clone. Plugins and instances keep what they need of it alive
/// (the clock that enforces call timeouts included), so the engine value itself may be
/// dropped once plugins are loaded.
#[derive(Clone)]
pub struct Engine {
    pub(crate) inner: wasmtime::Engine,
    pub(crate) limits: Limits,
    /// The on-disk compilation cache, when [`EngineBuilder::cache_dir`] set one.
    pub(crate) cache: Option<Arc<Cache>>,
}

impl fmt::Debug for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Engine")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

/// The limits an engine applies to each instance, and the clock that enforces the timeout.
/// Everything that can run a call holds a copy, which keeps the clock running.
#[derive(Debug, Clone)]
pub(crate) struct Limits {
    pub(crate) call_timeout: Option<Duration>,
    /// Epoch ticks a call may run, when calls have a timeout (see [`clock::deadline_ticks`]).
    deadline_ticks: Option<u64>,
    pub(crate) max_memory: usize,
    /// Most live instances, with the pooling allocator.
    pub(crate) max_instances: Option<u32>,
    _clock: Option<Arc<Clock>>,
}

impl Limits {
    /// Arms the next entry into a plugin in `store` with its limits: today the epoch
    /// deadline of the call timeout. Every entry (a method, `wasp_alloc`, start functions and
    /// `_initialize`, a descriptor export) goes through here.
    #[inline]
    pub(crate) fn arm<T>(&self, store: &mut Store<T>) {
        if let Some(ticks) = self.deadline_ticks {
            store.set_epoch_deadline(ticks);
        }
    }
}

/// Configures an [`Engine`].
#[derive(Debug, Clone)]
pub struct EngineBuilder {
    pooling: Option<u32>,
    call_timeout: Option<Duration>,
    max_memory: usize,
    cache_dir: Option<PathBuf>,
}

impl Default for EngineBuilder {
    fn default() -> Self {
        EngineBuilder {
            pooling: None,
            call_timeout: Some(DEFAULT_CALL_TIMEOUT),
            max_memory: DEFAULT_MAX_MEMORY,
            cache_dir: None,
        }
    }
}

impl EngineBuilder {
    /// Pre-allocates slots for up to `max_instances` live instances (the pooling allocator):
    /// instantiation gets much faster, at the price of reserving virtual memory up front.
    /// Instantiating beyond the limit fails with [`Error::InstanceLimit`].
    pub fn pooling(mut self, max_instances: u32) -> Self {
        self.pooling = Some(max_instances);
        self
    }

    /// Limits how long one call into a plugin may run (10 s by default); a call that runs
    /// longer is interrupted with [`Error::Timeout`], to within 10 ms. `None` lets calls run
    /// forever, and removes the small cost of the checks from compiled code. Timeouts beyond
    /// about 497 days are clamped to that.
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

    /// Keeps compiled modules in `dir` (created if missing), so that loading the same bytes
    /// again, in this process or a later one, skips compilation. Entries are keyed by the
    /// module's SHA-256 and the engine's configuration and wasmtime version, written
    /// atomically, and checked against a digest before use: a damaged entry is recompiled,
    /// never run. Whoever can write `dir` can make the host run code: keep it private to the
    /// host. [`Engine::cache_stats`] counts hits and misses.
    pub fn cache_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.cache_dir = Some(dir.into());
        self
    }

    /// Builds the engine.
    ///
    /// # Errors
    /// [`Error::Wasm`] when wasmtime rejects the configuration (for example when the pooling
    /// allocator cannot reserve its memory), or the clock thread cannot start; [`Error::Io`]
    /// when the cache directory cannot be created.
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
        let cache = match &self.cache_dir {
            Some(dir) => Some(Arc::new(Cache::open(dir)?)),
            None => None,
        };
        let clock = match self.call_timeout {
            Some(_) => Some(Clock::start(&inner)?),
            None => None,
        };
        Ok(Engine {
            inner,
            limits: Limits {
                call_timeout: self.call_timeout,
                deadline_ticks: self.call_timeout.map(clock::deadline_ticks),
                max_memory: self.max_memory,
                max_instances: self.pooling,
                _clock: clock,
            },
            cache,
        })
    }
}

impl Engine {
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

    /// The wasmtime engine underneath, for embedding Wasp beside other wasmtime code (and
    /// for baselines that must run on exactly the same configuration).
    pub fn wasmtime_engine(&self) -> &wasmtime::Engine {
        &self.inner
    }

    /// How the compilation cache has been used, or `None` without one
    /// ([`EngineBuilder::cache_dir`]). Clones of an engine share its cache and counters.
    pub fn cache_stats(&self) -> Option<CacheStats> {
        self.cache.as_ref().map(|c| c.stats())
    }
}
