//! The engine: a wasmtime engine, its configuration, and the limits it applies to every
//! instance.

use crate::cache::{Cache, CacheStats};
use crate::clock::Clock;
use crate::deadline::HasCallLimits;
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

/// Default limit on the size of a module at load.
pub const DEFAULT_MAX_MODULE_SIZE: usize = 64 << 20;

/// Default limit on one instance's tables, in elements, all tables together.
pub const DEFAULT_MAX_TABLE_ELEMENTS: usize = 1_000_000;

/// The native stack wasm may use on the calling thread ([`EngineBuilder::max_wasm_stack`]).
pub const DEFAULT_MAX_WASM_STACK: usize = 512 << 10;

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
    /// The one deadline of an instantiation (start functions and `_initialize`) and of the
    /// reading of descriptor exports.
    pub(crate) instantiation_timeout: Option<Duration>,
    pub(crate) max_memory: usize,
    /// Most live instances, with the pooling allocator.
    pub(crate) max_instances: Option<u32>,
    /// The fuel each call may burn by default; `Some` exactly when the engine meters fuel.
    pub(crate) fuel: Option<u64>,
    /// The largest module accepted at load, in bytes.
    pub(crate) max_module_size: usize,
    /// The native stack wasm may use; calls check the thread has it (`stack.rs`).
    pub(crate) max_wasm_stack: usize,
    pub(crate) clock: Option<Arc<Clock>>,
}

impl Limits {
    /// Arms the next call into a plugin in `store` with its limits: starts its deadline
    /// (see `deadline.rs`) and refills its fuel. Every call (a method with the allocation of
    /// its arguments, an instantiation with its start functions and `_initialize`, the
    /// reading of descriptors) goes through here once.
    #[inline]
    pub(crate) fn arm<T: HasCallLimits>(&self, store: &mut Store<T>) {
        let limits = store.data_mut().call_limits();
        let budget = limits.fuel;
        if limits.interrupts() {
            limits.start();
            // The epoch callback then runs once per tick while the plugin runs.
            store.set_epoch_deadline(1);
        }
        if self.fuel.is_some() {
            // Fails only when the engine does not meter fuel, which `self.fuel` rules out.
            let _ = store.set_fuel(budget.unwrap_or(u64::MAX));
        }
    }
}

/// Configures an [`Engine`].
#[derive(Debug, Clone)]
pub struct EngineBuilder {
    pooling: Option<u32>,
    call_timeout: Option<Duration>,
    /// `None`: the call timeout.
    instantiation_timeout: Option<Option<Duration>>,
    max_memory: usize,
    fuel: Option<u64>,
    max_module_size: usize,
    max_wasm_stack: usize,
    cache_dir: Option<PathBuf>,
}

impl Default for EngineBuilder {
    fn default() -> Self {
        EngineBuilder {
            pooling: None,
            call_timeout: Some(DEFAULT_CALL_TIMEOUT),
            instantiation_timeout: None,
            max_memory: DEFAULT_MAX_MEMORY,
            fuel: None,
            max_module_size: DEFAULT_MAX_MODULE_SIZE,
            max_wasm_stack: DEFAULT_MAX_WASM_STACK,
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

    /// Limits how long an instantiation may run, its start functions and `_initialize`
    /// together, and the reading of a plugin's descriptor exports at load: the call timeout
    /// unless set here. `None` lets them run forever. Past it, instantiation (or the load)
    /// fails with [`Error::Timeout`] naming this limit.
    pub fn instantiation_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.instantiation_timeout = Some(timeout);
        self
    }

    /// Limits each instance's linear memory to `bytes` (1 GiB by default); growing beyond it
    /// fails the call with [`Error::MemoryLimit`].
    pub fn max_memory(mut self, bytes: usize) -> Self {
        self.max_memory = bytes;
        self
    }

    /// Meters fuel: each call may burn `budget` units (about one per wasm instruction), then
    /// ends with [`Error::OutOfFuel`]. Deterministic where a timeout is not: the same call
    /// burns the same fuel on any machine. `None` (the default) compiles no metering at
    /// all, so it costs nothing; `Some` costs a counter update per basic block. Instances
    /// may set their own budget ([`Instance::set_fuel`](crate::Instance::set_fuel)).
    pub fn fuel(mut self, budget: Option<u64>) -> Self {
        self.fuel = budget;
        self
    }

    /// Refuses modules larger than `bytes` at load (64 MiB by default) with
    /// [`Error::TooLarge`], before compiling them: compiling is work the module's author
    /// controls.
    pub fn max_module_size(mut self, bytes: usize) -> Self {
        self.max_module_size = bytes;
        self
    }

    /// The native stack wasm may use, in bytes (512 KiB by default): deeper recursion traps
    /// with [`Error::Trap`] (`call stack exhausted`). Wasm runs on the calling thread's
    /// stack, so that thread needs this much free stack beyond the host's own frames:
    /// calls from a thread with less than [`EngineBuilder::max_wasm_stack`] plus 64 KiB of
    /// stack left fail with [`Error::Trap`] before running plugin code rather than overflow.
    /// Threads Rust spawns have 2 MiB; for small threads, lower this.
    pub fn max_wasm_stack(mut self, bytes: usize) -> Self {
        self.max_wasm_stack = bytes;
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
    /// allocator cannot reserve its memory, or the wasm stack is zero), a fuel budget is
    /// zero, or the clock thread cannot start; [`Error::Io`] when the cache directory cannot
    /// be created.
    pub fn build(self) -> Result<Engine, Error> {
        let rejected = |message: String| Error::Wasm {
            message: format!("engine configuration rejected: {message}"),
        };
        if self.fuel == Some(0) {
            return Err(rejected("a fuel budget of 0 could run nothing".to_string()));
        }
        if self.max_wasm_stack < 4096 {
            return Err(rejected(format!(
                "a wasm stack of {} bytes is too small to call anything",
                self.max_wasm_stack
            )));
        }
        let instantiation_timeout = self.instantiation_timeout.unwrap_or(self.call_timeout);
        // One clock serves both deadlines; without either, no epoch checks are compiled in.
        let interrupts = self.call_timeout.is_some() || instantiation_timeout.is_some();
        let mut config = wasmtime::Config::new();
        config.epoch_interruption(interrupts);
        config.consume_fuel(self.fuel.is_some());
        config.max_wasm_stack(self.max_wasm_stack);
        // The ABI uses one memory: a module declaring more is refused at load, so that no
        // memory escapes the per-instance limit. (Tables stay allowed, since toolchains
        // emit reference types; the limiter caps them per instance, in total.)
        config.wasm_multi_memory(false);
        if let Some(max) = self.pooling {
            let mut pool = wasmtime::PoolingAllocationConfig::default();
            // Each instance may add the small trampoline that bounds its WASI waits (see
            // `linking.rs`); memories, one per plugin instance, still cap them at `max`.
            pool.total_core_instances(max.saturating_mul(2));
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
        let inner = wasmtime::Engine::new(&config).map_err(|e| rejected(format!("{e:#}")))?;
        let cache = match &self.cache_dir {
            Some(dir) => Some(Arc::new(Cache::open(dir)?)),
            None => None,
        };
        let clock = match interrupts {
            true => Some(Clock::start(&inner)?),
            false => None,
        };
        Ok(Engine {
            inner,
            limits: Limits {
                call_timeout: self.call_timeout,
                instantiation_timeout,
                max_memory: self.max_memory,
                max_instances: self.pooling,
                fuel: self.fuel,
                max_module_size: self.max_module_size,
                max_wasm_stack: self.max_wasm_stack,
                clock,
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
