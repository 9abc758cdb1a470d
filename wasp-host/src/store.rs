//! What every instance's wasmtime store holds, and the limiter that caps its memory.

use crate::engine::Limits;
use std::sync::Arc;
use wasmtime::{Func, Memory, Store};
use wasp::__private::HostDispatch;
use wasp::Error;

/// The per-instance state inside a wasmtime store.
pub(crate) struct StoreData {
    pub(crate) wasi: wasmtime_wasi::p1::WasiP1Ctx,
    pub(crate) host: Box<dyn HostDispatch>,
    /// The plugin's name and the instance's id, which its log lines carry.
    pub(crate) plugin: Arc<str>,
    pub(crate) instance: u64,
    /// Set right after instantiation; host functions need it to read and write arguments.
    pub(crate) memory: Option<Memory>,
    /// The plugin's `wasp_alloc`, verified at load to be `(i32) -> i32`.
    pub(crate) alloc: Option<Func>,
    pub(crate) limiter: MemoryLimiter,
}

/// A store for one instance: its WASI context, host functions and the engine's limits, armed
/// for what runs first (start functions, `_initialize`).
pub(crate) fn new_store(
    engine: &wasmtime::Engine,
    limits: &Limits,
    wasi: wasmtime_wasi::p1::WasiP1Ctx,
    host: Box<dyn HostDispatch>,
    plugin: Arc<str>,
    instance: u64,
) -> Store<StoreData> {
    let mut store = Store::new(
        engine,
        StoreData {
            wasi,
            host,
            plugin,
            instance,
            memory: None,
            alloc: None,
            limiter: MemoryLimiter::new(limits.max_memory),
        },
    );
    store.limiter(|data| &mut data.limiter);
    limits.arm(&mut store);
    store
}

/// Refuses memory growth beyond the engine's per-instance limit. The plugin's `memory.grow`
/// simply fails, so an allocator may retry with less; the denial is remembered so that a call
/// that then fails (typically by aborting) is reported as [`Error::MemoryLimit`] rather than as
/// an unexplained trap or panic.
pub(crate) struct MemoryLimiter {
    max_memory: usize,
    /// The largest size refused since the last successful call.
    pub(crate) denied: Option<usize>,
}

impl MemoryLimiter {
    fn new(max_memory: usize) -> Self {
        MemoryLimiter {
            max_memory,
            denied: None,
        }
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
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        // Tables hold function references; a million is far beyond any real plugin.
        Ok(desired <= 1_000_000)
    }
}
