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

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
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
    stop: Arc<AtomicBool>,
    /// The ticks so far, advanced with the epoch: wasmtime does not say what the epoch is,
    /// and deadlines are kept in ticks (see `deadline.rs`).
    ticks: Arc<AtomicU64>,
}

impl Clock {
    /// Starts a thread advancing `engine`'s epoch every [`TICK`].
    pub(crate) fn start(engine: &wasmtime::Engine) -> Result<Arc<Clock>, Error> {
        let stop = Arc::new(AtomicBool::new(false));
        let ticks = Arc::new(AtomicU64::new(0));
        let (engine, thread_stop, thread_ticks) = (engine.clone(), stop.clone(), ticks.clone());
        std::thread::Builder::new()
            .name("wasp-clock".to_string())
            .spawn(move || {
                while !thread_stop.load(Ordering::Relaxed) {
                    std::thread::sleep(TICK);
                    // The count first: a deadline callback the epoch triggers then sees the
                    // tick that triggered it.
                    thread_ticks.fetch_add(1, Ordering::Release);
                    engine.increment_epoch();
                }
            })
            .map_err(|e| Error::Wasm {
                message: format!("cannot start the engine's clock thread: {e}"),
            })?;
        Ok(Arc::new(Clock { stop, ticks }))
    }

    /// The count of ticks since the clock started, to read without going through the clock.
    pub(crate) fn ticks(&self) -> Arc<AtomicU64> {
        self.ticks.clone()
    }
}

impl Drop for Clock {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
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
