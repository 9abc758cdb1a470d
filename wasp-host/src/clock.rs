//! The engine's clock, which makes call timeouts work.
//!
//! wasmtime interrupts wasm at an *epoch deadline*: compiled code compares the engine's epoch
//! counter with the store's deadline at every function entry and loop back-edge, which costs a
//! load and a compare. Something has to advance the counter: one thread per engine (named
//! `wasp-clock`) sleeps [`TICK`] and increments it, so a deadline of `n` ticks ends a call
//! between `n - 1` and `n` ticks after it was armed.
//!
//! The thread runs while anything that can still run a call is alive: the [`Clock`] is shared
//! (through the engine's limits) by the engine, every plugin loaded from it and
//! every instance of those, and the thread stops within one tick of the last of them being
//! dropped. An engine without a call timeout starts no thread.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::Waker;
use std::time::Duration;
use wasp::Error;

/// How often the clock advances. Timeouts are enforced to within one tick.
pub(crate) const TICK: Duration = Duration::from_millis(10);

/// The most ticks a deadline may be: about 497 days. A longer timeout is clamped to it, so
/// that no arithmetic on the epoch can overflow (wasmtime adds the deadline to the current
/// epoch).
pub(crate) const MAX_DEADLINE_TICKS: u64 = u32::MAX as u64;

/// The ticks of a deadline `timeout` from now: rounded up, plus one because the tick in
/// progress may be about to end, and clamped to [`MAX_DEADLINE_TICKS`].
pub(crate) fn deadline_ticks(timeout: Duration) -> u64 {
    let ticks = timeout.as_nanos().div_ceil(TICK.as_nanos()).max(1) + 1;
    u64::try_from(ticks).map_or(MAX_DEADLINE_TICKS, |t| t.min(MAX_DEADLINE_TICKS))
}

/// A running clock thread; it stops when the last holder drops this.
#[derive(Debug)]
pub(crate) struct Clock {
    shared: Arc<Shared>,
}

/// What the clock thread and the clock's holders share.
#[derive(Debug, Default)]
struct Shared {
    stop: AtomicBool,
    /// The ticks so far, advanced with the epoch: wasmtime does not say what the epoch is,
    /// and deadlines are kept in ticks (see `deadline.rs`).
    ticks: Arc<AtomicU64>,
    /// Async calls waiting outside wasm for their deadline (`deadline.rs`, `Watch`): by
    /// timer id, the tick to wake at and the task to wake. Only calls that suspended are
    /// here, so it holds at most one entry per waiting call.
    timers: Mutex<Timers>,
}

#[derive(Debug, Default)]
struct Timers {
    next_id: u64,
    waiting: HashMap<u64, (u64, Waker)>,
}

impl Clock {
    /// Starts a thread advancing `engine`'s epoch every [`TICK`].
    pub(crate) fn start(engine: &wasmtime::Engine) -> Result<Arc<Clock>, Error> {
        let shared = Arc::new(Shared::default());
        let (engine, thread) = (engine.clone(), shared.clone());
        std::thread::Builder::new()
            .name("wasp-clock".to_string())
            .spawn(move || {
                let mut due = Vec::new();
                while !thread.stop.load(Ordering::Relaxed) {
                    std::thread::sleep(TICK);
                    // The count first: a deadline callback the epoch triggers then sees the
                    // tick that triggered it.
                    let now = thread.ticks.fetch_add(1, Ordering::Release) + 1;
                    engine.increment_epoch();
                    thread.take_due(now, &mut due);
                    // Woken outside the lock: a waker may run code that registers a timer.
                    for waker in due.drain(..) {
                        waker.wake();
                    }
                }
            })
            .map_err(|e| Error::Wasm {
                message: format!("cannot start the engine's clock thread: {e}"),
            })?;
        Ok(Arc::new(Clock { shared }))
    }

    /// The count of ticks since the clock started, to read without going through the clock.
    pub(crate) fn ticks(&self) -> Arc<AtomicU64> {
        self.shared.ticks.clone()
    }

    /// The current tick.
    pub(crate) fn now(&self) -> u64 {
        self.shared.ticks.load(Ordering::Acquire)
    }

    /// Wakes `waker` once the clock reaches tick `at`: registers a timer, or updates timer
    /// `id` when given one, and returns its id. The timer ends when it fires or with
    /// [`Clock::cancel_timer`].
    pub(crate) fn wake_at(&self, id: Option<u64>, at: u64, waker: &Waker) -> u64 {
        let mut timers = self.shared.lock_timers();
        let id = id.unwrap_or_else(|| {
            timers.next_id += 1;
            timers.next_id
        });
        match timers.waiting.get_mut(&id) {
            Some((_, w)) if w.will_wake(waker) => {}
            Some(entry) => *entry = (at, waker.clone()),
            None => {
                timers.waiting.insert(id, (at, waker.clone()));
            }
        }
        id
    }

    /// Forgets timer `id`, if it has not fired.
    pub(crate) fn cancel_timer(&self, id: u64) {
        self.shared.lock_timers().waiting.remove(&id);
    }
}

impl Shared {
    fn lock_timers(&self) -> std::sync::MutexGuard<'_, Timers> {
        // The map stays consistent whatever panicked while holding it.
        self.timers.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Moves the wakers of the timers due at tick `now` into `due`.
    fn take_due(&self, now: u64, due: &mut Vec<Waker>) {
        let mut timers = self.lock_timers();
        if timers.waiting.is_empty() {
            return;
        }
        timers.waiting.retain(|_, (at, waker)| {
            if *at <= now {
                due.push(waker.clone());
                false
            } else {
                true
            }
        });
    }
}

impl Drop for Clock {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_round_up_and_never_overflow() {
        assert_eq!(deadline_ticks(Duration::ZERO), 2);
        assert_eq!(deadline_ticks(Duration::from_millis(1)), 2);
        assert_eq!(deadline_ticks(TICK), 2);
        assert_eq!(deadline_ticks(TICK + Duration::from_nanos(1)), 3);
        assert_eq!(deadline_ticks(Duration::from_secs(10)), 1001);
        assert_eq!(deadline_ticks(Duration::MAX), MAX_DEADLINE_TICKS);
        assert_eq!(
            deadline_ticks(Duration::from_secs(u64::MAX / 1_000)),
            MAX_DEADLINE_TICKS
        );
    }
}
