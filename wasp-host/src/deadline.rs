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

use crate::clock::{self, Clock, TICK};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};
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
    flag: Arc<CancelFlag>,
}

/// A cancel request, and the task to wake for it while an async call waits outside wasm.
#[derive(Default)]
pub(crate) struct CancelFlag {
    set: AtomicBool,
    waker: Mutex<Option<Waker>>,
}

impl CancelFlag {
    #[inline]
    fn is_set(&self) -> bool {
        self.set.load(Ordering::Relaxed)
    }

    /// Consumes the request: `true` when there was one.
    #[inline]
    fn take(&self) -> bool {
        // A plain load first: the common case costs no atomic read-modify-write.
        self.set.load(Ordering::Relaxed) && self.set.swap(false, Ordering::AcqRel)
    }
}

impl CancelHandle {
    /// Asks the instance to stop: see [`CancelHandle`].
    pub fn cancel(&self) {
        self.flag.set.store(true, Ordering::Release);
        let waker = self
            .flag
            .waker
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl fmt::Debug for CancelHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CancelHandle")
            .field("pending", &self.flag.is_set())
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
    cancel: Arc<CancelFlag>,
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
            cancel: Arc::new(CancelFlag::default()),
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
        self.cancel.take()
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
        let stop = if self.cancel.take() {
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

    /// A future that resolves when the call just started must stop from outside: its
    /// deadline passed on `clock`, or a [`CancelHandle`] fired. Async calls race it against
    /// the plugin, so that waits outside wasm (a host function's future, a WASI sleep), where
    /// no epoch is checked, end at the deadline too.
    pub(crate) fn watch(&self, clock: Option<&Arc<Clock>>) -> Watch {
        Watch {
            deadline: match clock {
                Some(clock) if self.at != u64::MAX => Some((clock.clone(), self.at)),
                _ => None,
            },
            timer: None,
            cancel: self.cancel.clone(),
            polled: false,
        }
    }

    /// Records that the running call was stopped from outside for `stop` (see
    /// [`CallLimits::watch`]), consuming the cancel request that stopped it.
    pub(crate) fn stopped_by(&mut self, stop: Stop) {
        if stop == Stop::Cancelled {
            self.cancel.take();
        }
        self.stopped = Some(stop);
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

/// See [`CallLimits::watch`]. Registers with the clock only once polled, which an async
/// call does only after the plugin first suspends: a call that finishes in one poll never
/// touches the clock's timers.
pub(crate) struct Watch {
    /// The clock and the tick the call ends at; `None` when it has no deadline.
    deadline: Option<(Arc<Clock>, u64)>,
    /// This watch's timer on the clock, once registered.
    timer: Option<u64>,
    cancel: Arc<CancelFlag>,
    /// Whether it was polled, and so left its waker with the cancel flag.
    polled: bool,
}

impl Future for Watch {
    type Output = Stop;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Stop> {
        let this = self.get_mut();
        this.polled = true;
        // The waker first, then the flag: a cancel in between is seen either way.
        {
            let mut slot = this
                .cancel
                .waker
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            if !slot.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                *slot = Some(cx.waker().clone());
            }
        }
        if this.cancel.is_set() {
            return Poll::Ready(Stop::Cancelled);
        }
        if let Some((clock, at)) = &this.deadline {
            if clock.now() >= *at {
                return Poll::Ready(Stop::Timeout);
            }
            this.timer = Some(clock.wake_at(this.timer, *at, cx.waker()));
        }
        Poll::Pending
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        if let (Some((clock, _)), Some(timer)) = (&self.deadline, self.timer) {
            clock.cancel_timer(timer);
        }
        if !self.polled {
            return;
        }
        // The call is over: a cancel from now on is for the next call, which has nothing to
        // wake until it waits in turn.
        self.cancel
            .waker
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
    }
}

/// Runs `run` until it finishes, or until `watch` says the call must stop (dropping `run`).
pub(crate) async fn race<F: Future>(run: F, watch: Watch) -> Result<F::Output, Stop> {
    let mut run = std::pin::pin!(run);
    let mut watch = std::pin::pin!(watch);
    std::future::poll_fn(|cx| {
        if let Poll::Ready(done) = run.as_mut().poll(cx) {
            return Poll::Ready(Ok(done));
        }
        watch.as_mut().poll(cx).map(Err)
    })
    .await
}
