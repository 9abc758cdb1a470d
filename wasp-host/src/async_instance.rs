//! Instances called with futures: the typed async handle over one [`AsyncCore`].

use crate::core::{AsyncCore, Core};
use crate::deadline::CancelHandle;
use crate::output::{Captured, Stream};
use std::fmt;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};
use std::time::Duration;
use wasp::{AsyncHandleFor, Contract};

/// One plugin instance whose calls are futures: `instance.hello(name).await?`.
///
/// Made by [`Plugin::instantiate_async`](crate::Plugin::instantiate_async). It is the same
/// sandbox as an [`Instance`](crate::Instance) (its own memory, WASI context and host value
/// `H`, the same limits and errors), called differently:
///
/// - Every contract method is an `async fn` on the generated async handle this dereferences
///   to, with the same types and errors as the blocking handle's.
/// - The plugin runs on a fiber: it yields to the executor once per tick of the engine's
///   clock (10 ms) while it computes, and while a host function's future is pending, so many
///   instances make progress on one executor thread.
/// - Host functions are the contract's async host trait (`#[wasp::host] trait KvHost`
///   generates `AsyncKvHost`, whose methods the host writes as `async fn`), and WASI waits
///   (a plugin's sleep) suspend the plugin instead of blocking the thread.
/// - The call timeout bounds the whole call, waits outside wasm included; a
///   [`CancelHandle`] ends it within a tick, waiting or not.
/// - Dropping a call's future before it resolves cancels the call: the plugin stopped at an
///   arbitrary point, so the instance is poisoned ([`wasp::Error::Poisoned`] from then on)
///   and never corrupted or reused.
///
/// Yielding needs the engine's clock: an engine with neither a call nor an instantiation
/// timeout compiles no epoch checks, and a computing plugin then holds its thread until done.
///
/// Calls must run inside a tokio runtime (current-thread or multi-thread; WASI's futures
/// use its I/O and timers). An `AsyncInstance` is `Send` (it may move between tasks and
/// threads) but not `Sync`: calls take `&mut`, one at a time; its call futures are `Send`.
///
/// Operations on the instance itself are associated functions, as on `Instance`, so that
/// they never hide a contract method of the same name.
pub struct AsyncInstance<C: ?Sized, H = ()> {
    // The backend, viewed as the contract's handle by `Deref` (`AsyncHandleFor` makes the
    // handle `repr(transparent)` over it). Holding the handle itself would name an
    // associated type of `C`, and a future keeping the instance across an `.await` would
    // then not be `Send` in a spawned task (see `AsyncHandleFor`'s safety section).
    core: AsyncCore,
    contract: PhantomData<fn() -> Box<C>>,
    host: PhantomData<fn() -> H>,
}

impl<C: ?Sized, H> AsyncInstance<C, H> {
    pub(crate) fn new(core: Core) -> Self {
        AsyncInstance {
            core: AsyncCore(core),
            contract: PhantomData,
            host: PhantomData,
        }
    }

    /// [`AsyncInstance::is_poisoned`] without its `H: 'static` bound, for `async_pool.rs`'s
    /// guard, whose `Drop` cannot add one.
    pub(crate) fn poisoned(&self) -> bool {
        self.core.0.is_poisoned()
    }
}

impl<C: ?Sized, H: 'static> AsyncInstance<C, H> {
    fn core(this: &Self) -> &Core {
        &this.core.0
    }

    fn core_mut(this: &mut Self) -> &mut Core {
        &mut this.core.0
    }

    /// The host value given to `instantiate_async`.
    pub fn host(this: &Self) -> &H {
        match Self::core(this)
            .store()
            .data()
            .host
            .value()
            .downcast_ref::<H>()
        {
            Some(host) => host,
            // `Plugin::instantiate_async` is the only constructor, and it stores an `H`.
            None => unreachable!("an AsyncInstance<_, H> always holds an H"),
        }
    }

    /// The host value given to `instantiate_async`, to change it between calls.
    pub fn host_mut(this: &mut Self) -> &mut H {
        let data = Self::core_mut(this).store_mut().data_mut();
        match data.host.value_mut().downcast_mut::<H>() {
            Some(host) => host,
            // As in `AsyncInstance::host`.
            None => unreachable!("an AsyncInstance<_, H> always holds an H"),
        }
    }

    /// As [`Instance::supports`](crate::Instance::supports).
    pub fn supports(this: &Self, method: &str) -> bool {
        Self::core(this).supports(method)
    }

    /// Whether an earlier failure, or a call whose future was dropped mid-call, poisoned the
    /// instance (see [`wasp::Error::Poisoned`]).
    pub fn is_poisoned(this: &Self) -> bool {
        Self::core(this).is_poisoned()
    }

    /// As [`Instance::memory_size`](crate::Instance::memory_size).
    pub fn memory_size(this: &Self) -> usize {
        Self::core(this).memory_size()
    }

    /// As [`Instance::id`](crate::Instance::id).
    pub fn id(this: &Self) -> u64 {
        Self::core(this).id()
    }

    /// As [`Instance::plugin_name`](crate::Instance::plugin_name).
    pub fn plugin_name(this: &Self) -> &str {
        Self::core(this).plugin_name()
    }

    /// A handle that cancels this instance's calls from any thread or task: see
    /// [`CancelHandle`]. A call waiting on a host function's future ends too.
    pub fn cancel_handle(this: &Self) -> CancelHandle {
        Self::core(this).cancel_handle()
    }

    /// As [`Instance::call_timeout`](crate::Instance::call_timeout).
    pub fn call_timeout(this: &Self) -> Option<Duration> {
        Self::core(this).call_timeout()
    }

    /// As [`Instance::set_call_timeout`](crate::Instance::set_call_timeout): the timeout
    /// bounds the whole call, its host functions' futures and WASI waits included.
    ///
    /// # Errors
    /// [`wasp::Error::Wasm`] when the engine has no call timeout, so nothing could enforce
    /// one.
    pub fn set_call_timeout(this: &mut Self, timeout: Option<Duration>) -> Result<(), wasp::Error> {
        Self::core_mut(this).set_call_timeout(timeout)
    }

    /// As [`Instance::set_fuel`](crate::Instance::set_fuel).
    ///
    /// # Errors
    /// [`wasp::Error::Wasm`] when the engine does not meter fuel, or `budget` is zero.
    pub fn set_fuel(this: &mut Self, budget: u64) -> Result<(), wasp::Error> {
        Self::core_mut(this).set_fuel(budget)
    }

    /// As [`Instance::fuel_consumed`](crate::Instance::fuel_consumed).
    pub fn fuel_consumed(this: &Self) -> Option<u64> {
        Self::core(this).fuel_consumed()
    }

    /// As [`Instance::captured`](crate::Instance::captured).
    pub fn captured(this: &Self, stream: Stream) -> Option<&Captured> {
        Self::core(this).captured(stream)
    }
}

impl<C: ?Sized + Contract, H: 'static> fmt::Debug for AsyncInstance<C, H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncInstance")
            .field("contract", &C::NAME)
            .field("plugin", &AsyncInstance::plugin_name(self))
            .field("id", &AsyncInstance::id(self))
            .field("poisoned", &AsyncInstance::is_poisoned(self))
            .finish_non_exhaustive()
    }
}

impl<C: ?Sized + AsyncHandleFor<AsyncCore>, H> Deref for AsyncInstance<C, H> {
    type Target = <C as AsyncHandleFor<AsyncCore>>::AsyncHandle;

    fn deref(&self) -> &Self::Target {
        // SAFETY: `AsyncHandleFor` guarantees the handle is `repr(transparent)` over its
        // backend, so a reference to the backend is one to the handle.
        unsafe { &*std::ptr::from_ref(&self.core).cast::<Self::Target>() }
    }
}

impl<C: ?Sized + AsyncHandleFor<AsyncCore>, H> DerefMut for AsyncInstance<C, H> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        // SAFETY: as in `deref`.
        unsafe { &mut *std::ptr::from_mut(&mut self.core).cast::<Self::Target>() }
    }
}
