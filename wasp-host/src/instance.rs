//! Instances of a plugin with a contract: the typed handle over one [`Core`].

use crate::core::Core;
use crate::deadline::CancelHandle;
use crate::output::{Captured, Stream};
use std::fmt;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};
use std::time::Duration;
use wasp::{Contract, Handle, HandleFor};

/// One plugin instance: a sandbox with its own memory, WASI context and host state `H`.
///
/// It dereferences to the contract's generated handle, so contract methods are called
/// directly: `instance.hello("Nic".into())?`. Operations on the instance itself are
/// associated functions (`Instance::host_mut(&mut instance)`), so that they never hide a
/// contract method of the same name.
///
/// An instance is `Send` (it may move between threads) but not `Sync`: calls take `&mut`,
/// one caller at a time.
pub struct Instance<C: ?Sized + HandleFor<Core>, H = ()> {
    handle: <C as HandleFor<Core>>::Handle,
    host: PhantomData<fn() -> H>,
}

impl<C: ?Sized + HandleFor<Core>, H: 'static> Instance<C, H> {
    pub(crate) fn new(core: Core) -> Self {
        Instance {
            handle: Handle::from_backend(core),
            host: PhantomData,
        }
    }

    fn core(this: &Self) -> &Core {
        this.handle.backend()
    }

    /// The host value given to `instantiate`.
    pub fn host(this: &Self) -> &H {
        match this
            .handle
            .backend()
            .store()
            .data()
            .host
            .value()
            .downcast_ref::<H>()
        {
            Some(host) => host,
            // `Plugin::instantiate` is the only constructor, and it stores an `H`.
            None => unreachable!("an Instance<_, H> always holds an H"),
        }
    }

    /// The host value given to `instantiate`, to change it between calls.
    pub fn host_mut(this: &mut Self) -> &mut H {
        let data = this.handle.backend_mut().store_mut().data_mut();
        match data.host.value_mut().downcast_mut::<H>() {
            Some(host) => host,
            // As in `Instance::host`.
            None => unreachable!("an Instance<_, H> always holds an H"),
        }
    }

    /// Whether the plugin has `method`; see [`Plugin::supports`](crate::Plugin::supports).
    pub fn supports(this: &Self, method: &str) -> bool {
        Instance::core(this).supports(method)
    }

    /// Whether an earlier failure poisoned the instance (see [`wasp::Error::Poisoned`]).
    pub fn is_poisoned(this: &Self) -> bool {
        Instance::core(this).is_poisoned()
    }

    /// The current size of the plugin's linear memory, in bytes.
    pub fn memory_size(this: &Self) -> usize {
        Instance::core(this).memory_size()
    }

    /// This instance's id: unique in the process, counting from 1 in creation order. Its log
    /// lines, forwarded output and call spans carry it as the field `instance`.
    pub fn id(this: &Self) -> u64 {
        Instance::core(this).id()
    }

    /// The name of the plugin this instance was created from ([`Plugin::name`](crate::Plugin::name)).
    pub fn plugin_name(this: &Self) -> &str {
        Instance::core(this).plugin_name()
    }

    /// A handle that cancels this instance's calls from any thread: see [`CancelHandle`].
    pub fn cancel_handle(this: &Self) -> CancelHandle {
        Instance::core(this).cancel_handle()
    }

    /// The timeout of each call into this instance: the engine's unless set here.
    pub fn call_timeout(this: &Self) -> Option<Duration> {
        Instance::core(this).call_timeout()
    }

    /// Sets the timeout of every call into this instance from now on, in place of the
    /// engine's ([`EngineBuilder::call_timeout`](crate::EngineBuilder::call_timeout)); `None`
    /// lets them run until done or cancelled. A call that runs longer, host functions and
    /// WASI waits included, ends with [`wasp::Error::Timeout`] naming this timeout.
    ///
    /// # Errors
    /// [`wasp::Error::Wasm`] when the engine has no call timeout, so nothing could enforce
    /// one.
    pub fn set_call_timeout(this: &mut Self, timeout: Option<Duration>) -> Result<(), wasp::Error> {
        this.handle.backend_mut().set_call_timeout(timeout)
    }

    /// Runs `f` (typically one call) with `timeout` in place of the instance's, then puts
    /// the instance's back: a per-call timeout.
    ///
    /// # Errors
    /// As [`Instance::set_call_timeout`], before `f` runs.
    pub fn with_call_timeout<R>(
        this: &mut Self,
        timeout: Option<Duration>,
        f: impl FnOnce(&mut Self) -> R,
    ) -> Result<R, wasp::Error> {
        let previous = Instance::call_timeout(this);
        Instance::set_call_timeout(this, timeout)?;
        let result = f(this);
        Instance::set_call_timeout(this, previous)?;
        Ok(result)
    }

    /// Sets the fuel each call into this instance may burn from now on, in place of the
    /// engine's ([`EngineBuilder::fuel`](crate::EngineBuilder::fuel)); a call that burns it
    /// all ends with [`wasp::Error::OutOfFuel`].
    ///
    /// # Errors
    /// [`wasp::Error::Wasm`] when the engine does not meter fuel, or `budget` is zero.
    pub fn set_fuel(this: &mut Self, budget: u64) -> Result<(), wasp::Error> {
        this.handle.backend_mut().set_fuel(budget)
    }

    /// The fuel the last call burnt (its argument allocation included); `None` when the
    /// engine does not meter fuel.
    pub fn fuel_consumed(this: &Self) -> Option<u64> {
        Instance::core(this).fuel_consumed()
    }

    /// What the plugin wrote to `stream` when it is captured
    /// ([`Output::Capture`](crate::Output::Capture)); `None` when the stream goes elsewhere.
    pub fn captured(this: &Self, stream: Stream) -> Option<&Captured> {
        Instance::core(this).captured(stream)
    }
}

impl<C: ?Sized + HandleFor<Core>, H> Instance<C, H> {
    /// [`Instance::is_poisoned`] without the `H: 'static` bound, for `Drop` impls.
    pub(crate) fn poisoned(&self) -> bool {
        self.handle.backend().is_poisoned()
    }
}

impl<C: ?Sized + HandleFor<Core> + Contract, H: 'static> fmt::Debug for Instance<C, H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Instance")
            .field("contract", &C::NAME)
            .field("plugin", &Instance::plugin_name(self))
            .field("id", &Instance::id(self))
            .field("poisoned", &Instance::is_poisoned(self))
            .finish_non_exhaustive()
    }
}

impl<C: ?Sized + HandleFor<Core>, H> Deref for Instance<C, H> {
    type Target = <C as HandleFor<Core>>::Handle;

    fn deref(&self) -> &Self::Target {
        &self.handle
    }
}

impl<C: ?Sized + HandleFor<Core>, H> DerefMut for Instance<C, H> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.handle
    }
}
