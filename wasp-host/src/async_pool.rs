//! Instance pools for async callers: a bounded number of [`AsyncInstance`]s of one plugin,
//! checked out with `.await` by many tasks.

use crate::async_instance::AsyncInstance;
use crate::config::InstanceConfig;
use crate::core::AsyncCore;
use crate::plugin::Plugin;
use crate::pool::{Factory, PoolMetrics, Reuse, Settings, Source};
use crate::reload::{Reloadable, Version};
use std::any::Any;
use std::fmt;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use wasp::{AsyncHandleFor, AsyncHostContract, Contract, Error};

/// Builds an [`AsyncPool`]; start with [`AsyncPool::builder`] or [`Reloadable::async_pool`].
pub struct AsyncPoolBuilder<C: ?Sized, H> {
    settings: Settings<C, H>,
}

impl<C: ?Sized + Contract, H> fmt::Debug for AsyncPoolBuilder<C, H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.settings.fmt_as("AsyncPoolBuilder", f)
    }
}

impl<C, H> AsyncPoolBuilder<C, H>
where
    C: ?Sized + Contract + AsyncHandleFor<AsyncCore>,
    C::Host: AsyncHostContract<H>,
    H: 'static,
{
    fn new(source: Source<C>, factory: Arc<Factory<H>>) -> Self {
        AsyncPoolBuilder {
            settings: Settings::new(source, factory),
        }
    }

    /// The most instances alive at once, checked out or idle ([`DEFAULT_MAX_INSTANCES`](crate::DEFAULT_MAX_INSTANCES)
    /// unless set). A checkout beyond it waits for an instance to come back. At least 1
    /// (0 is taken as 1), at most what a `tokio` semaphore counts (`usize::MAX >> 3`), so
    /// `usize::MAX` means no bound.
    pub fn max_instances(mut self, max: usize) -> Self {
        self.settings.max_instances = max.clamp(1, Semaphore::MAX_PERMITS);
        self
    }

    /// Creates `n` instances when the pool is built, so that the first checkouts do not
    /// pay for instantiation. At most [`AsyncPoolBuilder::max_instances`]; 0 (the default)
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

    /// How long [`AsyncPool::get`] waits for an instance when all are checked out
    /// ([`DEFAULT_CHECKOUT_TIMEOUT`](crate::DEFAULT_CHECKOUT_TIMEOUT) unless set).
    pub fn checkout_timeout(mut self, timeout: Duration) -> Self {
        self.settings.checkout_timeout = timeout;
        self
    }

    /// Builds the pool, creating the pre-warmed instances one after the other.
    ///
    /// # Errors
    /// As [`Plugin::instantiate_async_with`], when a pre-warmed instance cannot be created.
    pub async fn build(self) -> Result<AsyncPool<C, H>, Error> {
        let settings = self.settings;
        let prewarm = settings.prewarm.min(settings.max_instances);
        let shared = Arc::new(Shared {
            source: settings.source,
            factory: settings.factory,
            config: settings.config,
            max_instances: settings.max_instances,
            reuse: settings.reuse,
            checkout_timeout: settings.checkout_timeout,
            slots: Arc::new(Semaphore::new(settings.max_instances)),
            state: Mutex::new(State {
                // Not `max_instances`, which may be huge: the pool grows as it creates.
                idle: Vec::new(),
                busy: 0,
                created: 0,
                replaced: 0,
                retired: 0,
            }),
            host: PhantomData,
        });
        for _ in 0..prewarm {
            let idle = shared.instantiate().await?;
            let mut state = shared.lock();
            state.created += 1;
            state.idle.push(idle);
        }
        Ok(AsyncPool { shared })
    }
}

/// A pool of [`AsyncInstance`]s of one plugin, for serving many tasks on a tokio runtime:
/// the async counterpart of [`Pool`](crate::Pool).
///
/// Built from a [`Plugin`] and a host factory (called once per instance the pool creates)
/// with [`AsyncPool::builder`]. [`AsyncPool::get`] checks an instance out as an
/// [`AsyncPooled`] guard, which dereferences to the [`AsyncInstance`] (and so to the
/// contract's async handle: `pooled.hello(name).await`) and returns it to the pool when
/// dropped.
///
/// - At most [`AsyncPoolBuilder::max_instances`] instances are alive at once; a checkout
///   beyond that waits asynchronously (the task yields; the thread serves other tasks),
///   first come first served, never without bound, and fails with
///   [`Error::PoolExhausted`] when its time is up.
/// - A poisoned instance ([`AsyncInstance::is_poisoned`]), for example one whose call
///   future was dropped mid-call, is never handed out again: it is dropped when it comes
///   back, counted in [`PoolMetrics::replaced`], and its slot goes to a new instance.
/// - [`Reuse`] says whether a returned instance is kept or dropped.
///
/// ```
/// use greeter_contract::{AsyncGreeterHost, Greeter};
/// use std::time::Duration;
/// use wasp_host::AsyncPool;
///
/// struct Host;
/// impl AsyncGreeterHost for Host {
///     async fn call_me(&mut self, name: String) -> String {
///         tokio::time::sleep(Duration::from_millis(1)).await; // a database, say
///         format!("Hello {name}")
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), wasp::Error> {
/// let engine = wasp_host::Engine::new()?;
/// let plugin = engine.load::<dyn Greeter>("../examples/greeter/plugins/greeter-rust.wasm")?;
/// let pool = AsyncPool::builder(plugin, || Host)
///     .max_instances(2)
///     .prewarm(1)
///     .build()
///     .await?;
/// let mut tasks = Vec::new();
/// for _ in 0..4 {
///     let pool = pool.clone();
///     tasks.push(tokio::spawn(async move {
///         let mut greeter = pool.get().await?; // waits while both instances are busy
///         greeter.callback().await
///     })); // `greeter` went back to the pool at the end of the task
/// }
/// for task in tasks {
///     assert_eq!(task.await.expect("the task ran")?, "Hello Nic");
/// }
/// let metrics = pool.metrics();
/// assert!(metrics.created <= 2);
/// assert_eq!(metrics.busy, 0);
/// # Ok(())
/// # }
/// ```
///
/// # Concurrency
/// `AsyncPool` is `Send + Sync` and cheap to clone (clones share one pool); use it from any
/// number of tasks, on a current-thread or a multi-thread runtime. Checkouts wait on a
/// `tokio` semaphore, never blocking a thread; the pool's lock is held only to take or put
/// back an instance, never across an `.await`. An [`AsyncPooled`] guard is `Send`, and so are
/// the futures of checkouts and calls. Timed waits need the runtime's timer (a runtime built
/// with `enable_time` or `enable_all`, as async instances need anyway).
pub struct AsyncPool<C: ?Sized, H> {
    shared: Arc<Shared<C, H>>,
}

impl<C: ?Sized, H> Clone for AsyncPool<C, H> {
    fn clone(&self) -> Self {
        AsyncPool {
            shared: self.shared.clone(),
        }
    }
}

impl<C: ?Sized + Contract, H> fmt::Debug for AsyncPool<C, H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncPool")
            .field("plugin", &self.shared.source.current())
            .field("max_instances", &self.shared.max_instances)
            .field("reuse", &self.shared.reuse)
            .field("checkout_timeout", &self.shared.checkout_timeout)
            .field("metrics", &self.shared.metrics())
            .finish_non_exhaustive()
    }
}

impl<C, H> AsyncPool<C, H>
where
    C: ?Sized + Contract + AsyncHandleFor<AsyncCore>,
    C::Host: AsyncHostContract<H>,
    H: 'static,
{
    /// Starts a pool of async instances of `plugin`, each served by a host value from
    /// `factory` (an implementation of the contract's async host trait). For a plugin that
    /// can be replaced while the pool serves, see [`Reloadable::async_pool`].
    pub fn builder(
        plugin: Plugin<C>,
        factory: impl Fn() -> H + Send + Sync + 'static,
    ) -> AsyncPoolBuilder<C, H> {
        AsyncPoolBuilder::new(Source::Fixed(Version::first(plugin)), Arc::new(factory))
    }

    /// Checks an instance out, waiting at most the pool's checkout timeout
    /// ([`AsyncPoolBuilder::checkout_timeout`]) for one to come back when all are busy.
    ///
    /// # Errors
    /// As [`AsyncPool::get_timeout`].
    pub async fn get(&self) -> Result<AsyncPooled<C, H>, Error> {
        self.checkout(Some(self.shared.checkout_timeout)).await
    }

    /// Checks an instance out: an idle one if there is one, else a new one if fewer than
    /// [`AsyncPoolBuilder::max_instances`] are alive, else the first to come back within
    /// `timeout`. Waiting checkouts are served in the order they started waiting. Dropping
    /// the future gives up the wait (or the instance being created) and takes nothing.
    ///
    /// # Errors
    /// - [`Error::PoolExhausted`] when no instance became free within `timeout`;
    /// - as [`Plugin::instantiate_async_with`] when a new instance cannot be created (its
    ///   slot stays free for the next checkout).
    pub async fn get_timeout(&self, timeout: Duration) -> Result<AsyncPooled<C, H>, Error> {
        self.checkout(Some(timeout)).await
    }

    /// Checks an instance out without waiting for a slot: an idle one, or a new one if
    /// fewer than [`AsyncPoolBuilder::max_instances`] are alive (creating it is the only
    /// wait).
    ///
    /// # Errors
    /// [`Error::PoolExhausted`] (with `waited` zero) when all instances are busy; otherwise
    /// as [`AsyncPool::get_timeout`].
    pub async fn try_get(&self) -> Result<AsyncPooled<C, H>, Error> {
        self.checkout(None).await
    }

    async fn checkout(&self, timeout: Option<Duration>) -> Result<AsyncPooled<C, H>, Error> {
        let shared = &self.shared;
        let exhausted = |waited| Error::PoolExhausted {
            limit: shared.max_instances,
            waited,
        };
        // A free slot is taken without the clock or the timer; only a checkout that has to
        // wait reads them.
        let permit = match shared.slots.clone().try_acquire_owned() {
            Ok(permit) => permit,
            // The semaphore is never closed: no permits is the only failure.
            Err(_) => {
                let Some(timeout) = timeout else {
                    return Err(exhausted(Duration::ZERO));
                };
                let started = Instant::now();
                match tokio::time::timeout(timeout, shared.slots.clone().acquire_owned()).await {
                    Ok(Ok(permit)) => permit,
                    Ok(Err(_)) | Err(_) => return Err(exhausted(started.elapsed())),
                }
            }
        };
        // The permit is this checkout's slot: an idle instance, or room for a new one.
        let (idle, stale) = {
            let mut state = shared.lock();
            let stale = shared.retire_stale(&mut state, shared.source.number());
            let idle = state.idle.pop();
            if idle.is_some() {
                state.busy += 1;
            }
            (idle, stale)
        };
        // Dropped outside the lock: freeing a store is not free.
        drop(stale);
        let held = match idle {
            Some(idle) => idle,
            // If this fails or the future is dropped meanwhile, the permit goes back with it.
            None => {
                let idle = shared.instantiate().await?;
                let mut state = shared.lock();
                state.created += 1;
                state.busy += 1;
                idle
            }
        };
        Ok(AsyncPooled {
            held: Some(held),
            permit: Some(permit),
            shared: shared.clone(),
        })
    }

    /// A snapshot of the pool's counters.
    pub fn metrics(&self) -> PoolMetrics {
        self.shared.metrics()
    }

    /// The bound on live instances ([`AsyncPoolBuilder::max_instances`]).
    pub fn max_instances(&self) -> usize {
        self.shared.max_instances
    }

    /// The version of the plugin the pool instantiates now: always the same for a pool
    /// from [`AsyncPool::builder`], the current one for a pool from
    /// [`Reloadable::async_pool`].
    pub fn current(&self) -> Arc<Version<C>> {
        self.shared.source.current()
    }

    /// Drops every idle instance of a version older than the current one now, rather than
    /// at the next checkout (see [`Pool::retire_stale`](crate::Pool::retire_stale)).
    pub fn retire_stale(&self) {
        let shared = &self.shared;
        let stale = {
            let mut state = shared.lock();
            shared.retire_stale(&mut state, shared.source.number())
        };
        drop(stale);
    }
}

impl<C: ?Sized + Contract + AsyncHandleFor<AsyncCore>> Reloadable<C> {
    /// Starts a pool of async instances of this plugin's current version, each served by a
    /// host value from `factory`. As with [`Reloadable::pool`], after a reload the pool
    /// creates instances of the new version and drops those of older ones instead of
    /// handing them out again: a checkout made after [`Reloadable::reload`] returns always
    /// gets the new version, and a checkout made before keeps its version until returned.
    pub fn async_pool<H: 'static>(
        &self,
        factory: impl Fn() -> H + Send + Sync + 'static,
    ) -> AsyncPoolBuilder<C, H>
    where
        C::Host: AsyncHostContract<H>,
    {
        AsyncPoolBuilder::new(Source::Reloadable(self.clone()), Arc::new(factory))
    }
}

struct Shared<C: ?Sized, H> {
    source: Source<C>,
    factory: Arc<Factory<H>>,
    config: InstanceConfig,
    max_instances: usize,
    reuse: Reuse,
    checkout_timeout: Duration,
    /// One permit per instance that may be checked out. Instances are created only by a
    /// checkout that holds a permit and found none idle, so idle plus busy instances never
    /// exceed `max_instances`.
    slots: Arc<Semaphore>,
    state: Mutex<State<C>>,
    host: PhantomData<fn() -> H>,
}

struct State<C: ?Sized> {
    idle: Vec<Idle<C>>,
    busy: usize,
    created: u64,
    replaced: u64,
    retired: u64,
}

/// An instance waiting for a checkout, with the version it was created from.
struct Idle<C: ?Sized> {
    // Declared first so that it is dropped before its version.
    instance: Box<dyn Pooling>,
    version: Arc<Version<C>>,
}

/// An [`AsyncInstance<C, H>`] as the pool holds it: behind a trait object, so that the
/// pool's state (`State<C>`, `Idle<C>`) does not carry the host's type.
trait Pooling: Send {
    fn poisoned(&self) -> bool;
    fn as_any(&self) -> &dyn Any;
    fn as_any_mut(&mut self) -> &mut dyn Any;
}

impl<C: ?Sized + AsyncHandleFor<AsyncCore>, H: 'static> Pooling for AsyncInstance<C, H> {
    fn poisoned(&self) -> bool {
        AsyncInstance::poisoned(self)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

impl<C: ?Sized, H> Shared<C, H> {
    fn lock(&self) -> MutexGuard<'_, State<C>> {
        // As in `pool.rs`: every update under the lock is a few counter steps and a push or
        // pop, which cannot panic halfway.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Takes every idle instance of a version other than `current` out of the pool, to be
    /// dropped by the caller once the lock is released.
    fn retire_stale(&self, state: &mut State<C>, current: u64) -> Vec<Idle<C>> {
        if state
            .idle
            .iter()
            .all(|idle| idle.version.number() == current)
        {
            return Vec::new();
        }
        let (keep, stale): (Vec<_>, Vec<_>) = std::mem::take(&mut state.idle)
            .into_iter()
            .partition(|idle| idle.version.number() == current);
        state.idle = keep;
        state.retired += stale.len() as u64;
        stale
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
    C: ?Sized + Contract + AsyncHandleFor<AsyncCore>,
    C::Host: AsyncHostContract<H>,
    H: 'static,
{
    async fn instantiate(&self) -> Result<Idle<C>, Error> {
        let version = self.source.current();
        let instance = version
            .plugin()
            .instantiate_async_with((self.factory)(), &self.config)
            .await?;
        Ok(Idle {
            instance: Box::new(instance),
            version,
        })
    }
}

/// An instance checked out of an [`AsyncPool`]. It dereferences to the [`AsyncInstance`]
/// (and so to the contract's async handle: `pooled.hello("Nic".into()).await?`) and goes
/// back to the pool when dropped: kept for the next checkout, or dropped if it is poisoned
/// (a call future dropped mid-call poisons it), of an older version of a [`Reloadable`]
/// plugin, or the pool's [`Reuse`] is [`Reuse::Fresh`].
///
/// Like an async instance, it is `Send` but not `Sync`: one call at a time.
pub struct AsyncPooled<C: ?Sized, H> {
    /// Always `Some` until `drop`; an `AsyncInstance<C, H>`.
    held: Option<Idle<C>>,
    /// This checkout's slot, released after the instance is back (or dropped).
    permit: Option<OwnedSemaphorePermit>,
    shared: Arc<Shared<C, H>>,
}

impl<C: ?Sized, H> AsyncPooled<C, H> {
    /// The version of the plugin this instance was created from (see
    /// [`Pooled::version`](crate::Pooled::version)).
    pub fn version(this: &Self) -> &Arc<Version<C>> {
        &this.held().version
    }

    fn held(&self) -> &Idle<C> {
        match &self.held {
            Some(held) => held,
            None => unreachable!("an AsyncPooled holds its instance until dropped"),
        }
    }
}

impl<C: ?Sized + AsyncHandleFor<AsyncCore>, H: 'static> Deref for AsyncPooled<C, H> {
    type Target = AsyncInstance<C, H>;

    fn deref(&self) -> &AsyncInstance<C, H> {
        match self.held().instance.as_any().downcast_ref() {
            Some(instance) => instance,
            // `Shared::instantiate` is the only place instances come from.
            None => unreachable!("an AsyncPool<C, H> holds AsyncInstance<C, H>s only"),
        }
    }
}

impl<C: ?Sized + AsyncHandleFor<AsyncCore>, H: 'static> DerefMut for AsyncPooled<C, H> {
    fn deref_mut(&mut self) -> &mut AsyncInstance<C, H> {
        let held = match &mut self.held {
            Some(held) => held,
            None => unreachable!("an AsyncPooled holds its instance until dropped"),
        };
        match held.instance.as_any_mut().downcast_mut() {
            Some(instance) => instance,
            // As in `deref`.
            None => unreachable!("an AsyncPool<C, H> holds AsyncInstance<C, H>s only"),
        }
    }
}

impl<C: ?Sized + AsyncHandleFor<AsyncCore> + Contract, H: 'static> fmt::Debug
    for AsyncPooled<C, H>
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("AsyncPooled").field(&**self).finish()
    }
}

impl<C: ?Sized, H> Drop for AsyncPooled<C, H> {
    fn drop(&mut self) {
        let Some(held) = self.held.take() else {
            return;
        };
        let poisoned = held.instance.poisoned();
        let stale = held.version.number() != self.shared.source.number();
        let discard = {
            let mut state = self.shared.lock();
            state.busy = state.busy.saturating_sub(1);
            if poisoned || stale || self.shared.reuse == Reuse::Fresh {
                if poisoned {
                    state.replaced += 1;
                } else if stale {
                    state.retired += 1;
                }
                Some(held)
            } else {
                state.idle.push(held);
                None
            }
        };
        // Dropped outside the lock (freeing a store is not free), and before the slot is
        // released, so that a waiting checkout never creates an instance while this one is
        // still alive.
        drop(discard);
        drop(self.permit.take());
    }
}
