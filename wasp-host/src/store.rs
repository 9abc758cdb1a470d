//! What every instance's wasmtime store holds, and the limiter that caps its memory.

use crate::deadline::{CallLimits, HasCallLimits};
use crate::engine::{DEFAULT_MAX_TABLE_ELEMENTS, Limits};
use std::any::Any;
use std::sync::Arc;
use wasmtime::{Func, Memory, Store, Trap, UpdateDeadline};
use wasp::__private::{AsyncHostDispatch, HostDispatch};
use wasp::Error;

/// The per-instance state inside a wasmtime store.
pub(crate) struct StoreData {
    pub(crate) wasi: wasmtime_wasi::p1::WasiP1Ctx,
    pub(crate) host: Host,
    /// Whether calls into this store are async (`Core::call_async`): the epoch callback then
    /// yields to the executor once per tick instead of only checking the deadline.
    pub(crate) yields: bool,
    /// The plugin's name and the instance's id, which its log lines carry.
    pub(crate) plugin: Arc<str>,
    pub(crate) instance: u64,
    /// Set right after instantiation; host functions need it to read and write arguments.
    pub(crate) memory: Option<Memory>,
    /// The plugin's `wasp_alloc`, verified at load to be `(i32) -> i32`.
    pub(crate) alloc: Option<Func>,
    pub(crate) limiter: MemoryLimiter,
    pub(crate) call_limits: CallLimits,
    /// The trampoline into wasmtime-wasi's own `poll_oneoff`, which the bounded one wraps;
    /// made on first use (see `linking.rs`).
    pub(crate) poll_oneoff: Option<Func>,
    /// When the instance's monotonic WASI clock reads zero.
    pub(crate) monotonic_start: std::time::Instant,
}

/// The host value an instance's host functions dispatch to: blocking for instances called
/// with `Instance`, futures for instances called with `AsyncInstance`.
pub(crate) enum Host {
    Blocking(Box<dyn HostDispatch>),
    Async(Box<dyn AsyncHostDispatch>),
}

impl Host {
    /// The host value given to `instantiate` (or `instantiate_async`).
    pub(crate) fn value(&self) -> &dyn Any {
        match self {
            Host::Blocking(d) => d.host_ref(),
            Host::Async(d) => d.host_ref(),
        }
    }

    /// The host value, to change it between calls.
    pub(crate) fn value_mut(&mut self) -> &mut dyn Any {
        match self {
            Host::Blocking(d) => d.host(),
            Host::Async(d) => d.host(),
        }
    }
}

impl HasCallLimits for StoreData {
    #[inline]
    fn call_limits(&mut self) -> &mut CallLimits {
        &mut self.call_limits
    }
}

/// A store for one instance: its WASI context, host functions and the engine's limits, armed
/// for what runs first (start functions, `_initialize`).
pub(crate) fn new_store(
    engine: &wasmtime::Engine,
    limits: &Limits,
    wasi: wasmtime_wasi::p1::WasiP1Ctx,
    host: Host,
    plugin: Arc<str>,
    instance: u64,
    monotonic_start: std::time::Instant,
) -> Store<StoreData> {
    let yields = matches!(host, Host::Async(_));
    let mut store = Store::new(
        engine,
        StoreData {
            wasi,
            host,
            yields,
            plugin,
            instance,
            memory: None,
            alloc: None,
            limiter: MemoryLimiter::new(limits.max_memory),
            call_limits: CallLimits::new(
                limits.clock.as_ref().map(|c| c.ticks()),
                // What runs first is instantiation; `Core::new` sets the call timeout after it.
                limits.instantiation_timeout,
                limits.fuel,
            ),
            poll_oneoff: None,
            monotonic_start,
        },
    );
    store.limiter(|data| &mut data.limiter);
    if store.data().call_limits.interrupts() {
        // Once per tick while the plugin runs: end the call at its deadline or on a cancel;
        // an async call also yields to the executor, so that a plugin computing for long
        // never holds the executor's thread for more than a tick.
        store.epoch_deadline_callback(|mut ctx| {
            let data = ctx.data_mut();
            match data.call_limits.check() {
                // tokio's own yield lets its timers and I/O run before the plugin resumes; a
                // plain self-wake would be polled again first, starving them.
                None if data.yields => Ok(UpdateDeadline::YieldCustom(
                    1,
                    Box::pin(tokio::task::yield_now()),
                )),
                None => Ok(UpdateDeadline::Continue(1)),
                Some(_) => Err(wasmtime::Error::new(Trap::Interrupt)),
            }
        });
    }
    limits.arm(&mut store);
    store
}

/// Refuses memory growth beyond the engine's per-instance limit. The plugin's `memory.grow`
/// simply fails, so an allocator may retry with less; the denial is remembered so that a call
/// that then fails (typically by aborting) is reported as [`Error::MemoryLimit`] rather than as
/// an unexplained trap or panic.
///
/// Tables are limited per instance in total: however many a module declares, their elements
/// together stay within [`DEFAULT_MAX_TABLE_ELEMENTS`], and there are at most [`MAX_TABLES`].
/// (Memories need no total: the engine accepts one per module.)
pub(crate) struct MemoryLimiter {
    max_memory: usize,
    /// The largest size refused since the last successful call.
    pub(crate) denied: Option<usize>,
    /// Elements of all the instance's tables.
    table_elements: usize,
    /// The table total refused, if any: (requested, limit).
    pub(crate) table_denied: Option<(usize, usize)>,
}

/// The most tables one instance may have.
pub(crate) const MAX_TABLES: usize = 16;

impl MemoryLimiter {
    fn new(max_memory: usize) -> Self {
        MemoryLimiter {
            max_memory,
            denied: None,
            table_elements: 0,
            table_denied: None,
        }
    }

    /// The error for a failure after table growth was refused, if it was.
    pub(crate) fn take_table_denial(&mut self, function: &str) -> Option<Error> {
        self.table_denied
            .take()
            .map(|(requested, limit)| Error::TableLimit {
                function: function.to_string(),
                requested: requested as u64,
                limit: limit as u64,
            })
    }

    /// The error for a call that failed after memory growth was refused, if it was.
    pub(crate) fn take_denial(&mut self, function: &str) -> Option<Error> {
        self.denied.take().map(|requested| Error::MemoryLimit {
            function: function.to_string(),
            requested,
            limit: self.max_memory,
        })
    }
}

impl wasmtime::ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired <= self.max_memory {
            Ok(true)
        } else {
            self.denied = Some(self.denied.map_or(desired, |d| d.max(desired)));
            Ok(false)
        }
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        // Tables hold function references; a million in all is far beyond any real plugin.
        let total = self
            .table_elements
            .saturating_add(desired.saturating_sub(current));
        if total <= DEFAULT_MAX_TABLE_ELEMENTS {
            self.table_elements = total;
            Ok(true)
        } else {
            self.table_denied = Some((total, DEFAULT_MAX_TABLE_ELEMENTS));
            Ok(false)
        }
    }

    fn tables(&self) -> usize {
        MAX_TABLES
    }

    fn memories(&self) -> usize {
        1
    }

    fn instances(&self) -> usize {
        // The plugin, and the trampoline that bounds its WASI waits (`linking.rs`).
        2
    }
}
