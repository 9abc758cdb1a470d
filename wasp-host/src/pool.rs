//! Instance pools: many callers, many threads, a bounded number of instances of one plugin.

use crate::config::InstanceConfig;
use crate::core::Core;
use crate::instance::Instance;
use crate::plugin::Plugin;
use crate::reload::{Reloadable, Version};
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use wasp::{Contract, Error, HandleFor, HostContract};

/// How long [`Pool::get`] waits for an instance unless [`PoolBuilder::checkout_timeout`]
/// says otherwise: 30 seconds.
pub const DEFAULT_CHECKOUT_TIMEOUT: Duration = Duration::from_secs(30);

/// The bound on live instances unless [`PoolBuilder::max_instances`] says otherwise: 4.
pub const DEFAULT_MAX_INSTANCES: usize = 4;

/// What a [`Pool`] does with an instance when its [`Pooled`] guard is dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Reuse {
    /// Keep it idle for the next checkout (unless it is poisoned). Fastest; the plugin's
    /// memory and the host value carry over from one checkout to the next.
    #[default]
    Keep,
    /// Drop it, so that every checkout gets an instance no earlier caller used: no state
    /// leaks between requests. The next checkout instantiates again, which the pooling
    /// allocator ([`EngineBuilder::pooling`](crate::EngineBuilder::pooling)) makes cheap.
    Fresh,
}

/// A snapshot of a pool's counters, from [`Pool::metrics`] or
/// [`AsyncPool::metrics`](crate::AsyncPool::metrics).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct PoolMetrics {
    /// Instances waiting in the pool for a checkout.
    pub idle: usize,
    /// Instances checked out (a [`Pooled`] or [`AsyncPooled`](crate::AsyncPooled) guard is
    /// alive).
    pub busy: usize,
    /// Instances the pool has created since it was built, pre-warmed ones included.
    pub created: u64,
    /// Poisoned instances the pool dropped instead of handing them out again; each is
    /// replaced by a new instance at a later checkout.
    pub replaced: u64,
    /// Instances of an older version of a [`Reloadable`] plugin that the pool dropped
    /// (when they came back, or when a checkout found them idle) instead of handing them
    /// out again.
    pub retired: u64,
}

/// What makes the host value of each instance a pool creates.
pub(crate) type Factory<H> = dyn Fn() -> H + Send + Sync + 'static;

/// What a pool's builder collects, blocking ([`PoolBuilder`]) or async
/// ([`AsyncPoolBuilder`](crate::AsyncPoolBuilder)).
pub(crate) struct Settings<C: ?Sized, H> {
    pub(crate) source: Source<C>,
    pub(crate) factory: Arc<Factory<H>>,
    pub(crate) config: InstanceConfig,
    pub(crate) max_instances: usize,
    pub(crate) prewarm: usize,
    pub(crate) reuse: Reuse,
    pub(crate) checkout_timeout: Duration,
}

impl<C: ?Sized, H> Settings<C, H> {
    /// The defaults, for instances of `source` served by `factory`'s host values.
    pub(crate) fn new(source: Source<C>, factory: Arc<Factory<H>>) -> Self {
        Settings {
            source,
            factory,
            config: InstanceConfig::default(),
            max_instances: DEFAULT_MAX_INSTANCES,
            prewarm: 0,
            reuse: Reuse::Keep,
            checkout_timeout: DEFAULT_CHECKOUT_TIMEOUT,
        }
    }
}

impl<C: ?Sized + Contract, H> Settings<C, H> {
    /// The builder named `name`, for its `Debug`.
    pub(crate) fn fmt_as(&self, name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct(name)
            .field("plugin", &self.source.current())
            .field("config", &self.config)
            .field("max_instances", &self.max_instances)
            .field("prewarm", &self.prewarm)
            .field("reuse", &self.reuse)
            .field("checkout_timeout", &self.checkout_timeout)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Pool`]; start with [`Pool::builder`].
///
/// A builder is used from one thread; it is `Send` and `Sync`.
pub struct PoolBuilder<C: ?Sized, H> {
    settings: Settings<C, H>,
}

impl<C: ?Sized + Contract, H> fmt::Debug for PoolBuilder<C, H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.settings.fmt_as("PoolBuilder", f)
    }
}

impl<C, H> PoolBuilder<C, H>
where
    C: ?Sized + Contract + HandleFor<Core>,
    C::Host: HostContract<H>,
    H: 'static,
{
    fn new(source: Source<C>, factory: Arc<Factory<H>>) -> Self {
        PoolBuilder {
            settings: Settings::new(source, factory),
        }
    }

    /// The most instances alive at once, checked out or idle ([`DEFAULT_MAX_INSTANCES`]
    /// unless set). A checkout beyond it waits for an instance to come back. At least 1:
    /// 0 is taken as 1.
    pub fn max_instances(mut self, max: usize) -> Self {
        self.settings.max_instances = max.max(1);
        self
    }

    /// Creates `n` instances when the pool is built, so that the first checkouts do not
    /// pay for instantiation. At most [`PoolBuilder::max_instances`]; 0 (the default)
    /// creates instances only when a checkout needs one.
    pub fn prewarm(mut self, n: usize) -> Self {
        self.settings.prewarm = n;
        self
    }

    /// Whether an instance returned to the pool is kept for the next checkout
    /// ([`Reuse::Keep`], the default) or dropped ([`Reuse::Fresh`]).
    pub fn reuse(mut self, reuse: Reuse) -> Self {
        self.settings.reuse = reuse;
        self
    }

    /// The sandbox of every instance the pool creates ([`InstanceConfig::default`] unless
    /// set).
    pub fn config(mut self, config: InstanceConfig) -> Self {
        self.settings.config = config;
        self
    }

    /// How long [`Pool::get`] waits for an instance when all are checked out
    /// ([`DEFAULT_CHECKOUT_TIMEOUT`] unless set).
    pub fn checkout_timeout(mut self, timeout: Duration) -> Self {
        self.settings.checkout_timeout = timeout;
        self
    }

    /// Builds the pool, creating the pre-warmed instances.
    ///
    /// # Errors
    /// As [`Plugin::instantiate_with`], when a pre-warmed instance cannot be created.
    pub fn build(self) -> Result<Pool<C, H>, Error> {
        let settings = self.settings;
        let prewarm = settings.prewarm.min(settings.max_instances);
        let shared = Arc::new(Shared {
            source: settings.source,
            factory: settings.factory,
            config: settings.config,
            max_instances: settings.max_instances,
            reuse: settings.reuse,
            checkout_timeout: settings.checkout_timeout,
            state: Mutex::new(State {
                // Room for the prewarmed ones only: the bound may be huge (`usize::MAX` for none).
                idle: Vec::with_capacity(prewarm),
                live: 0,
                busy: 0,
                waiting: 0,
                created: 0,
                replaced: 0,
                retired: 0,
            }),
            returned: Condvar::new(),
        });
        for _ in 0..prewarm {
            let instance = shared.instantiate()?;
            let mut state = shared.lock();
            state.live += 1;
            state.created += 1;
            state.idle.push(instance);
        }
        Ok(Pool { shared })
    }
}

/// A pool of instances of one plugin, for serving many callers from many threads.
///
/// Built from a [`Plugin`] and a host factory (called once per instance the pool creates)
/// with [`Pool::builder`]. [`Pool::get`], [`Pool::get_timeout`] and [`Pool::try_get`] check
/// an instance out as a [`Pooled`] guard, which dereferences to the [`Instance`] (and so to
/// the contract's handle) and returns it to the pool when dropped.
///
/// - At most [`PoolBuilder::max_instances`] instances are alive at once; a checkout beyond
///   that waits, never without bound, and fails with [`Error::PoolExhausted`] when its time
///   is up.
/// - A poisoned instance ([`Instance::is_poisoned`]) is never handed out again: it is dropped
///   when it comes back, counted in [`PoolMetrics::replaced`], and its slot goes to a new
///   instance at a later checkout.
/// - [`Reuse`] says whether a returned instance is kept or dropped.
///
/// ```
/// use greeter_contract::{Greeter, GreeterHost};
/// use wasp_host::{Pool, Reuse};
///
/// struct Host;
/// impl GreeterHost for Host {
///     fn call_me(&mut self, name: String) -> String {
///         format!("Hello {name}")
///     }
/// }
///
/// # fn main() -> Result<(), wasp::Error> {
/// let engine = wasp_host::Engine::new()?;
/// let plugin = engine.load::<dyn Greeter>("../examples/greeter/plugins/greeter-c.wasm")?;
/// let pool = Pool::builder(plugin, || Host)
///     .max_instances(2)
///     .prewarm(1)
///     .reuse(Reuse::Keep)
///     .build()?;
/// std::thread::scope(|s| {
///     for _ in 0..4 {
///         s.spawn(|| -> Result<(), wasp::Error> {
///             let mut greeter = pool.get()?; // waits while both instances are busy
///             greeter.hello("Nic".into())?;
///             Ok(())
///         }); // `greeter` went back to the pool at the end of the closure
///     }
/// });
/// let metrics = pool.metrics();
/// assert!(metrics.created <= 2);
/// assert_eq!(metrics.busy, 0);
/// # Ok(())
/// # }
/// ```
///
/// # Concurrency
/// `Pool` is `Send + Sync` and cheap to clone (clones share one pool); call it from any
/// number of threads. The lock is held only to take or put back an instance, never while
/// one is created, dropped or called. A [`Pooled`] guard is `Send`, not `Sync`: it serves
/// one caller at a time, and it may be returned from another thread than the one that
/// checked it out. The host factory runs on the thread whose checkout needs a new
/// instance, possibly on several threads at once.
pub struct Pool<C: ?Sized + HandleFor<Core>, H> {
    shared: Arc<Shared<C, H>>,
}

impl<C: ?Sized + HandleFor<Core>, H> Clone for Pool<C, H> {
    fn clone(&self) -> Self {
        Pool {
            shared: self.shared.clone(),
        }
    }
}

impl<C: ?Sized + HandleFor<Core> + Contract, H> fmt::Debug for Pool<C, H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pool")
            .field("plugin", &self.shared.source.current())
            .field("max_instances", &self.shared.max_instances)
            .field("reuse", &self.shared.reuse)
            .field("checkout_timeout", &self.shared.checkout_timeout)
            .field("metrics", &self.shared.metrics())
            .finish_non_exhaustive()
    }
}

impl<C, H> Pool<C, H>
where
    C: ?Sized + Contract + HandleFor<Core>,
    C::Host: HostContract<H>,
    H: 'static,
{
    /// Starts a pool of instances of `plugin`, each served by a host value from `factory`.
    /// For a plugin that can be replaced while the pool serves, see [`Reloadable::pool`].
    pub fn builder(
        plugin: Plugin<C>,
        factory: impl Fn() -> H + Send + Sync + 'static,
    ) -> PoolBuilder<C, H> {
        PoolBuilder::new(Source::Fixed(Version::first(plugin)), Arc::new(factory))
    }

    /// Checks an instance out, waiting at most the pool's checkout timeout
    /// ([`PoolBuilder::checkout_timeout`]) for one to come back when all are busy.
    ///
    /// # Errors
    /// As [`Pool::get_timeout`].
    pub fn get(&self) -> Result<Pooled<C, H>, Error> {
        self.get_timeout(self.shared.checkout_timeout)
    }

    /// Checks an instance out: an idle one if there is one, else a new one if fewer than
    /// [`PoolBuilder::max_instances`] are alive, else the first to come back within
    /// `timeout`.
    ///
    /// # Errors
    /// - [`Error::PoolExhausted`] when no instance became free within `timeout`;
    /// - as [`Plugin::instantiate_with`] when a new instance cannot be created (its slot
    ///   stays free for the next checkout).
    pub fn get_timeout(&self, timeout: Duration) -> Result<Pooled<C, H>, Error> {
        self.checkout(Some(timeout))
    }

    /// Checks an instance out without waiting: an idle one, or a new one if fewer than
    /// [`PoolBuilder::max_instances`] are alive.
    ///
    /// # Errors
    /// [`Error::PoolExhausted`] (with `waited` zero) when all instances are busy; otherwise
    /// as [`Pool::get_timeout`].
    pub fn try_get(&self) -> Result<Pooled<C, H>, Error> {
        self.checkout(None)
    }

    fn checkout(&self, timeout: Option<Duration>) -> Result<Pooled<C, H>, Error> {
        let shared = &self.shared;
        // The clock is read only when a checkout has to wait: an idle instance is handed out
        // without it.
        let mut started = None;
        let mut state = shared.lock();
        loop {
            let current = shared.source.number();
            if state
                .idle
                .iter()
                .any(|idle| idle.version.number() != current)
            {
                // A reload happened: drop every idle instance of an older version (outside
                // the lock) rather than hand it out.
                let stale = shared.retire_stale(&mut state, current);
                drop(state);
                drop(stale);
                state = shared.lock();
                continue;
            }
            if let Some(idle) = state.idle.pop() {
                state.busy += 1;
                return Ok(self.guard(idle));
            }
            if state.live < shared.max_instances {
                // Reserve the slot, then instantiate outside the lock.
                state.live += 1;
                drop(state);
                // Gives the slot back if instantiation fails, or the host factory panics.
                let slot = Slot(shared);
                let instance = shared.instantiate()?;
                std::mem::forget(slot);
                let mut state = shared.lock();
                state.created += 1;
                state.busy += 1;
                drop(state);
                return Ok(self.guard(instance));
            }
            let now = Instant::now();
            let started = *started.get_or_insert(now);
            let deadline = timeout.and_then(|t| started.checked_add(t));
            let remaining = match (timeout, deadline) {
                (None, _) => Duration::ZERO,
                (Some(_), Some(deadline)) => deadline.saturating_duration_since(now),
                // A timeout too long to add to `now`: wait in long steps.
                (Some(_), None) => Duration::from_secs(3600),
            };
            if remaining.is_zero() {
                let waited = match timeout {
                    Some(_) => now.saturating_duration_since(started),
                    None => Duration::ZERO,
                };
                return Err(Error::PoolExhausted {
                    limit: shared.max_instances,
                    waited,
                });
            }
            state.waiting += 1;
            state = match shared.returned.wait_timeout(state, remaining) {
                Ok((state, _)) => state,
                Err(poisoned) => poisoned.into_inner().0,
            };
            state.waiting -= 1;
        }
    }

    fn guard(&self, idle: Idle<C, H>) -> Pooled<C, H> {
        Pooled {
            idle: Some(idle),
            shared: self.shared.clone(),
        }
    }

    /// A snapshot of the pool's counters.
    pub fn metrics(&self) -> PoolMetrics {
        self.shared.metrics()
    }

    /// The bound on live instances ([`PoolBuilder::max_instances`]).
    pub fn max_instances(&self) -> usize {
        self.shared.max_instances
    }

    /// The version of the plugin the pool instantiates now: always the same for a pool
    /// from [`Pool::builder`], the current one for a pool from [`Reloadable::pool`].
    pub fn current(&self) -> Arc<Version<C>> {
        self.shared.source.current()
    }

    /// Drops every idle instance of a version older than the current one now, rather than
    /// at the next checkout. Useful after a reload when the pool may stay unused for a
    /// while and the old version's memory should be freed.
    pub fn retire_stale(&self) {
        let shared = &self.shared;
        let mut state = shared.lock();
        let stale = shared.retire_stale(&mut state, shared.source.number());
        drop(state);
        drop(stale);
    }
}

impl<C: ?Sized + Contract + HandleFor<Core>> Reloadable<C> {
    /// Starts a pool of instances of this plugin's current version, each served by a host
    /// value from `factory`. After a reload, the pool creates instances of the new version
    /// and drops those of older ones instead of handing them out again: a checkout made
    /// after [`Reloadable::reload`] returns always gets the new version, and a checkout
    /// made before keeps its version until it is returned.
    pub fn pool<H: 'static>(
        &self,
        factory: impl Fn() -> H + Send + Sync + 'static,
    ) -> PoolBuilder<C, H>
    where
        C::Host: HostContract<H>,
    {
        PoolBuilder::new(Source::Reloadable(self.clone()), Arc::new(factory))
    }
}

struct Shared<C: ?Sized + HandleFor<Core>, H> {
    source: Source<C>,
    factory: Arc<Factory<H>>,
    config: InstanceConfig,
    max_instances: usize,
    reuse: Reuse,
    checkout_timeout: Duration,
    state: Mutex<State<C, H>>,
    /// Signalled when an instance comes back or a slot frees up.
    returned: Condvar,
}

struct State<C: ?Sized + HandleFor<Core>, H> {
    idle: Vec<Idle<C, H>>,
    /// Idle, busy and being created: never above `max_instances`.
    live: usize,
    busy: usize,
    /// Checkouts waiting on `returned`: without any, returning an instance wakes no one
    /// (a `notify_one` is a system call even when nobody waits).
    waiting: usize,
    created: u64,
    replaced: u64,
    retired: u64,
}

/// An instance waiting for a checkout, with the version it was created from.
struct Idle<C: ?Sized + HandleFor<Core>, H> {
    // Declared first so that it is dropped before its version.
    instance: Instance<C, H>,
    version: Arc<Version<C>>,
}

/// Where a pool's instances come from: one plugin for good, or the current version of a
/// [`Reloadable`] one. Shared with `async_pool.rs`.
pub(crate) enum Source<C: ?Sized> {
    Fixed(Arc<Version<C>>),
    Reloadable(Reloadable<C>),
}

impl<C: ?Sized> Source<C> {
    pub(crate) fn current(&self) -> Arc<Version<C>> {
        match self {
            Source::Fixed(version) => version.clone(),
            Source::Reloadable(plugin) => plugin.current(),
        }
    }

    /// The current version's number: one atomic load, on every checkout and return.
    pub(crate) fn number(&self) -> u64 {
        match self {
            Source::Fixed(version) => version.number(),
            Source::Reloadable(plugin) => plugin.version(),
        }
    }
}

impl<C: ?Sized + HandleFor<Core>, H> Shared<C, H> {
    /// Takes every idle instance of a version other than `current` out of the pool, to be
    /// dropped by the caller once the lock is released.
    fn retire_stale(&self, state: &mut State<C, H>, current: u64) -> Vec<Idle<C, H>> {
        let (keep, stale): (Vec<_>, Vec<_>) = std::mem::take(&mut state.idle)
            .into_iter()
            .partition(|idle| idle.version.number() == current);
        state.idle = keep;
        state.live = state.live.saturating_sub(stale.len());
        state.retired += stale.len() as u64;
        if !stale.is_empty() {
            // Their slots are free: waiting checkouts may create instances of the new version.
            self.returned.notify_all();
        }
        stale
    }

    fn lock(&self) -> MutexGuard<'_, State<C, H>> {
        // Every update under the lock is a few counter steps and a push or pop, which
        // cannot panic halfway, so the state stays consistent if a holder panicked.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn metrics(&self) -> PoolMetrics {
        let state = self.lock();
        PoolMetrics {
            idle: state.idle.len(),
            busy: state.busy,
            created: state.created,
            replaced: state.replaced,
            retired: state.retired,
        }
    }
}

impl<C, H> Shared<C, H>
where
    C: ?Sized + Contract + HandleFor<Core>,
    C::Host: HostContract<H>,
    H: 'static,
{
    fn instantiate(&self) -> Result<Idle<C, H>, Error> {
        let version = self.source.current();
        let instance = version
            .plugin()
            .instantiate_with((self.factory)(), &self.config)?;
        Ok(Idle { instance, version })
    }
}

/// A slot reserved for an instance being created; dropped (not forgotten) when the creation
/// fails, it frees the slot and wakes a waiting checkout to use it.
struct Slot<'a, C: ?Sized + HandleFor<Core>, H>(&'a Shared<C, H>);

impl<C: ?Sized + HandleFor<Core>, H> Drop for Slot<'_, C, H> {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        state.live = state.live.saturating_sub(1);
        let wake = state.waiting > 0;
        drop(state);
        if wake {
            self.0.returned.notify_one();
        }
    }
}

/// An instance checked out of a [`Pool`]. It dereferences to the [`Instance`] (and so to
/// the contract's handle: `pooled.hello("Nic".into())?`) and goes back to the pool when
/// dropped: kept for the next checkout, or dropped if it is poisoned or the pool's
/// [`Reuse`] is [`Reuse::Fresh`].
///
/// Like an instance, it is `Send` but not `Sync`: one caller at a time; it may be dropped
/// on another thread than the one that checked it out.
pub struct Pooled<C: ?Sized + HandleFor<Core>, H> {
    /// Always `Some` until `drop`.
    idle: Option<Idle<C, H>>,
    shared: Arc<Shared<C, H>>,
}

impl<C: ?Sized + HandleFor<Core>, H> Pooled<C, H> {
    /// The version of the plugin this instance was created from. A [`Reloadable`] plugin
    /// may have switched since: the instance keeps its version until it goes back to the
    /// pool, which then drops it.
    pub fn version(this: &Self) -> &Arc<Version<C>> {
        &this.held().version
    }

    fn held(&self) -> &Idle<C, H> {
        match &self.idle {
            Some(idle) => idle,
            None => unreachable!("a Pooled holds its instance until dropped"),
        }
    }
}

impl<C: ?Sized + HandleFor<Core>, H> Deref for Pooled<C, H> {
    type Target = Instance<C, H>;

    fn deref(&self) -> &Instance<C, H> {
        &self.held().instance
    }
}

impl<C: ?Sized + HandleFor<Core>, H> DerefMut for Pooled<C, H> {
    fn deref_mut(&mut self) -> &mut Instance<C, H> {
        match &mut self.idle {
            Some(idle) => &mut idle.instance,
            None => unreachable!("a Pooled holds its instance until dropped"),
        }
    }
}

impl<C: ?Sized + HandleFor<Core> + Contract, H: 'static> fmt::Debug for Pooled<C, H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Pooled").field(&**self).finish()
    }
}

impl<C: ?Sized + HandleFor<Core>, H> Drop for Pooled<C, H> {
    fn drop(&mut self) {
        let Some(idle) = self.idle.take() else {
            return;
        };
        let poisoned = idle.instance.poisoned();
        let stale = idle.version.number() != self.shared.source.number();
        let (discard, wake) = {
            let mut state = self.shared.lock();
            state.busy = state.busy.saturating_sub(1);
            if poisoned || stale || self.shared.reuse == Reuse::Fresh {
                state.live = state.live.saturating_sub(1);
                if poisoned {
                    state.replaced += 1;
                } else if stale {
                    state.retired += 1;
                }
                (Some(idle), state.waiting > 0)
            } else {
                state.idle.push(idle);
                (None, state.waiting > 0)
            }
        };
        if wake {
            self.shared.returned.notify_one();
        }
        // Dropped outside the lock: freeing a store is not free.
        drop(discard);
    }
}
