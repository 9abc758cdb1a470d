//! The one place where a failure raised by wasmtime while a plugin ran becomes a
//! `wasp::Error`.

use crate::deadline::Stop;
use crate::engine::Limits;
use crate::store::StoreData;
use wasmtime::Store;
use wasp::Error;

/// The `wasp::Error` for `e`, raised while `function` ran in `store`'s plugin under `limits`.
/// In order: a refused memory growth explains a failure best; then an error a host import
/// raised (a panic, a lie, a failed host function) is returned as it is; then an epoch
/// interrupt is the call timeout; a WASI exit is [`Error::Exit`]; anything else is a trap,
/// with the wasm backtrace when wasmtime captured one.
pub(crate) fn plugin_failure(
    store: &mut Store<StoreData>,
    function: &str,
    limits: &Limits,
    e: wasmtime::Error,
) -> Error {
    if let Some(limit) = store.data_mut().limiter.take_denial(function) {
        return limit;
    }
    if let Some(limit) = store.data_mut().limiter.take_table_denial(function) {
        return limit;
    }
    let e = match e.downcast::<Error>() {
        Ok(Error::MemoryLimit {
            requested, limit, ..
        }) => {
            return Error::MemoryLimit {
                function: function.to_string(),
                requested,
                limit,
            };
        }
        Ok(Error::Panic {
            message, location, ..
        }) => {
            return Error::Panic {
                function: function.to_string(),
                message,
                location,
            };
        }
        Ok(ours) => return ours,
        Err(e) => e,
    };
    match e.downcast_ref::<wasmtime::Trap>() {
        Some(wasmtime::Trap::Interrupt) => {
            let call = &mut store.data_mut().call_limits;
            match (call.stopped.take(), call.timeout()) {
                (Some(Stop::Cancelled), _) => {
                    return Error::Cancelled {
                        function: function.to_string(),
                    };
                }
                (_, Some(limit)) => {
                    return Error::Timeout {
                        function: function.to_string(),
                        limit,
                    };
                }
                _ => {}
            }
        }
        Some(wasmtime::Trap::OutOfFuel) => {
            return Error::OutOfFuel {
                function: function.to_string(),
                budget: store.data().call_limits.fuel.or(limits.fuel).unwrap_or(0),
            };
        }
        _ => {}
    }
    if let Some(exit) = e.downcast_ref::<wasmtime_wasi::I32Exit>() {
        return Error::Exit {
            function: function.to_string(),
            status: exit.0,
        };
    }
    let backtrace = e
        .downcast_ref::<wasmtime::WasmBacktrace>()
        .map(|bt| bt.to_string());
    let message = match e.downcast_ref::<wasmtime::Trap>() {
        Some(trap) => trap.to_string(),
        None => format!("{e:#}"),
    };
    Error::Trap {
        function: function.to_string(),
        message,
        backtrace,
    }
}

/// The `wasp::Error` for a failure of instantiation itself, before any plugin code ran: a
/// full pooling allocator is [`Error::InstanceLimit`], anything else
/// [`Error::Instantiation`]. A trap in a start function is a plugin failure instead.
pub(crate) fn instantiation_failure(
    store: &mut Store<StoreData>,
    limits: &Limits,
    e: wasmtime::Error,
) -> Error {
    if let Some(pool) = e.downcast_ref::<wasmtime::PoolConcurrencyLimitError>() {
        return Error::InstanceLimit {
            limit: limits.max_instances.unwrap_or_default(),
            message: pool.to_string(),
        };
    }
    let ran_plugin_code = e.downcast_ref::<wasmtime::Trap>().is_some()
        || e.downcast_ref::<Error>().is_some()
        || e.downcast_ref::<wasmtime_wasi::I32Exit>().is_some()
        || store.data().limiter.denied.is_some()
        || store.data().limiter.table_denied.is_some();
    if ran_plugin_code {
        return plugin_failure(store, "start", limits, e);
    }
    Error::Instantiation {
        message: format!("{e:#}"),
    }
}

/// The `wasp::Error` for wasmtime refusing something at load (linking, type checks).
pub(crate) fn wasm_error(e: wasmtime::Error) -> Error {
    Error::Wasm {
        message: format!("{e:#}"),
    }
}

/// The error of an async call (of `function`) that `deadline.rs`'s `Watch` stopped while
/// the plugin waited outside wasm: its deadline passed or it was cancelled. Records why.
pub(crate) fn stopped(
    limits: &mut crate::deadline::CallLimits,
    stop: Stop,
    function: &str,
) -> Error {
    limits.stopped_by(stop);
    match (stop, limits.timeout()) {
        (Stop::Timeout, Some(limit)) => Error::Timeout {
            function: function.to_string(),
            limit,
        },
        _ => Error::Cancelled {
            function: function.to_string(),
        },
    }
}

/// Runs `enter`, an entry into a blocking instance's wasm (a call, an instantiation, the
/// reading of descriptor exports), turning the panic wasmtime-wasi raises for a WASI call
/// made inside a tokio runtime into an error for `function`. Its blocking WASI functions
/// run their futures with tokio's `block_on`, which panics on a thread that is running a
/// runtime: a plugin writing to its standard output must not be able to take down a host
/// that made a blocking call from an async task. Any other panic is the host's own (a host
/// function's, say) and continues.
#[inline]
pub(crate) fn outside_runtime<R>(function: &str, enter: impl FnOnce() -> R) -> Result<R, Error> {
    guard_runtime(enter).map_err(|panic| panic.into_error(function))
}

/// [`outside_runtime`] for a caller that names the function only once `enter` is done with
/// its borrows.
#[inline]
pub(crate) fn guard_runtime<R>(enter: impl FnOnce() -> R) -> Result<R, RuntimePanic> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(enter)) {
        Ok(done) => Ok(done),
        Err(panic) => Err(RuntimePanic::from(panic)),
    }
}

/// The panic wasmtime-wasi raised for a WASI call made inside a tokio runtime.
pub(crate) struct RuntimePanic(String);

impl RuntimePanic {
    /// The panic's text, or the panic resumed when it is not that one.
    #[cold]
    fn from(panic: Box<dyn std::any::Any + Send>) -> RuntimePanic {
        let text = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let in_runtime = tokio::runtime::Handle::try_current().is_ok();
        if !(in_runtime && text.contains("runtime")) {
            std::panic::resume_unwind(panic);
        }
        RuntimePanic(text)
    }

    /// The error of the call of `function` that it ended.
    #[cold]
    pub(crate) fn into_error(self, function: &str) -> Error {
        Error::Trap {
            function: function.to_string(),
            message: format!(
                "the plugin made a WASI call from a blocking instance inside a tokio runtime, \
                 where WASI cannot block ({}): use `Plugin::instantiate_async` and \
                 `AsyncInstance` in async code, or make blocking calls from \
                 `tokio::task::spawn_blocking`",
                self.0
            ),
            backtrace: None,
        }
    }
}
