//! What limits one call, kept per instance: its deadline, its cancellation, its fuel.
//!
//! A deadline is kept in ticks of the engine's clock ([`Clock::now`]). Every entry into the
//! plugin sets wasmtime's epoch deadline one tick ahead, so the epoch callback (installed by
//! `store.rs`) runs once per tick while the plugin runs and asks [`CallLimits::check`]
//! whether the call must end: its deadline passed, or a [`CancelHandle`] fired. One check
//! per 10 ms tick costs nothing measurable, and it makes cancellation take effect within a
//! tick.
//!
//! Host code (host functions, WASI calls) runs outside wasm, where no epoch is checked: it
//! calls [`CallLimits::check`] on its way back into the plugin, so a host function that
//! returns after the deadline ends the call, and a WASI call that can block caps its wait at
//! [`CallLimits::remaining`].
//!
//! One call has one deadline: it is set once when the call starts, and the allocation of
//! its arguments, the method, and every host call it makes share it. Instantiation has one
//! too, shared by start functions and `_initialize`.

use crate::clock::{self, TICK};
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// Cancels the calls of one instance from any thread: `Send + Sync + Clone`, cheap, and
/// valid for as long as you keep it (cancelling a dropped instance does nothing).
///
/// [`CancelHandle::cancel`] ends the call running in the instance within one tick of the
/// engine's clock (10 ms) with [`wasp::Error::Cancelled`], which poisons the instance like
/// any interrupted call. If no call is running, the next call of that instance fails at once
/// with [`wasp::Error::Cancelled`] without running plugin code, and without poisoning it; the
/// calls after that run normally. Other instances, of the same plugin or not, are never
/// affected.
///
/// Interrupting running wasm needs the engine's clock: with
/// [`EngineBuilder::call_timeout`](crate::EngineBuilder::call_timeout)`(None)` there is none,
/// and a cancel only stops the next call from starting (and a host function from
/// returning into the plugin).
#[derive(Clone)]
pub struct CancelHandle {
    flag: Arc<AtomicBool>,
}

impl CancelHandle {
    /// Asks the instance to stop: see [`CancelHandle`].
    pub fn cancel(&self) {
        self.flag.store(true, Ordering::Release);
    }
}

impl fmt::Debug for CancelHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CancelHandle")
            .field("pending", &self.flag.load(Ordering::Relaxed))
            .finish()
    }
}

/// Store data that holds [`CallLimits`], so that [`Limits::arm`](crate::engine::Limits)
/// can reach them without knowing the store's type.
pub(crate) trait HasCallLimits {
    fn call_limits(&mut self) -> &mut CallLimits;
}

/// Why a call was stopped from outside the plugin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    Timeout,
    Cancelled,
}

/// The limits of the calls into one instance, in its store.
pub(crate) struct CallLimits {
    /// The engine clock's count of ticks ([`Clock::ticks`](crate::clock::Clock)); `None`
    /// when the engine has no call timeout (and no epoch checks).
    clock: Option<Arc<AtomicU64>>,
    /// The timeout of each call: the engine's, or the instance's own.
    timeout: Option<Duration>,
    /// `timeout` in ticks ([`clock::deadline_ticks`]).
    ticks: Option<u64>,
    /// The tick at which the running call ends; `u64::MAX` for never.
    at: u64,
    cancel: Arc<AtomicBool>,
    /// Why the last call was stopped, if it was.
    pub(crate) stopped: Option<Stop>,
    /// The fuel each call may burn, when the engine meters fuel.
    pub(crate) fuel: Option<u64>,
}

impl CallLimits {
    pub(crate) fn new(
        clock: Option<Arc<AtomicU64>>,
        timeout: Option<Duration>,
        fuel: Option<u64>,
    ) -> CallLimits {
        let mut limits = CallLimits {
            clock,
            timeout: None,
            ticks: None,
            at: u64::MAX,
            cancel: Arc::new(AtomicBool::new(false)),
            stopped: None,
            fuel,
        };
        limits.set_timeout(timeout);
        limits
    }

    /// Whether running wasm can be interrupted (the engine has a clock).
    #[inline]
    pub(crate) fn interrupts(&self) -> bool {
        self.clock.is_some()
    }

    pub(crate) fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// Sets the timeout of the calls that start from now on.
    pub(crate) fn set_timeout(&mut self, timeout: Option<Duration>) {
        self.timeout = timeout;
        self.ticks = timeout.map(clock::deadline_ticks);
    }

    pub(crate) fn cancel_handle(&self) -> CancelHandle {
        CancelHandle {
            flag: self.cancel.clone(),
        }
    }

    /// Consumes a cancel that arrived while no call ran: `true` when the call about to start
    /// must not.
    #[inline]
    pub(crate) fn take_pending_cancel(&self) -> bool {
        // A plain load first: the common case costs no atomic read-modify-write.
        self.cancel.load(Ordering::Relaxed) && self.cancel.swap(false, Ordering::AcqRel)
    }

    /// Starts the deadline of a call (or of an instantiation).
    #[inline]
    pub(crate) fn start(&mut self) {
        self.stopped = None;
        self.at = match (&self.clock, self.ticks) {
            (Some(clock), Some(ticks)) => clock.load(Ordering::Acquire).saturating_add(ticks),
            _ => u64::MAX,
        };
    }

    /// Whether the running call must stop now, and why; records the reason.
    pub(crate) fn check(&mut self) -> Option<Stop> {
        let stop =
            if self.cancel.load(Ordering::Relaxed) && self.cancel.swap(false, Ordering::AcqRel) {
                Some(Stop::Cancelled)
            } else if self
                .clock
                .as_ref()
                .is_some_and(|c| c.load(Ordering::Acquire) >= self.at)
            {
                Some(Stop::Timeout)
            } else {
                None
            };
        if stop.is_some() {
            self.stopped = stop;
        }
        stop
    }

    /// [`CallLimits::check`] as host code returning into the plugin uses it: the error that
    /// ends the call (an interrupt, which `failure.rs` turns into the reason recorded).
    pub(crate) fn check_trap(&mut self) -> wasmtime::Result<()> {
        match self.check() {
            None => Ok(()),
            Some(_) => Err(wasmtime::Error::new(wasmtime::Trap::Interrupt)),
        }
    }

    /// Ends the running call at its deadline: for a wait the host cut short at it.
    pub(crate) fn expire(&mut self) -> wasmtime::Error {
        self.stopped = Some(Stop::Timeout);
        wasmtime::Error::new(wasmtime::Trap::Interrupt)
    }

    /// The time left before the running call's deadline, to within a tick; `None` when it
    /// has none.
    pub(crate) fn remaining(&self) -> Option<Duration> {
        let clock = self.clock.as_ref()?;
        if self.at == u64::MAX {
            return None;
        }
        let left = self.at.saturating_sub(clock.load(Ordering::Acquire));
        Some(TICK.saturating_mul(u32::try_from(left).unwrap_or(u32::MAX)))
    }
}
