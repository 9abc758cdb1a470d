//! The `tracing` targets plugins speak on, and the plugins' own log lines (`wasp.log`).

use wasp::Level;

/// `tracing` target of the plugins' log lines (`wasp::info!` in a plugin, `wasp.log` in the
/// ABI), at the level the plugin gave, with the line as their message. Each line names its
/// plugin (`plugin`, the plugin's name) and instance (`instance`, the instance's id) once:
/// inside the [`CALL_TARGET`] span, which carries both, the event does not repeat them; when
/// the subscriber filters that span out, the event carries them itself.
pub const LOG_TARGET: &str = "wasp::plugin";

/// `tracing` target of standard output lines forwarded by
/// [`Output::Tracing`](crate::Output::Tracing), at level
/// `INFO`, with the fields `plugin` and `instance`. They are root events (no parent span):
/// they are written from inside the engine's WASI implementation, whose spans would otherwise
/// enclose them.
pub const STDOUT_TARGET: &str = "wasp::plugin::stdout";

/// `tracing` target of standard error lines forwarded by
/// [`Output::Tracing`](crate::Output::Tracing), at level
/// `WARN`, with the fields `plugin` and `instance`, root events as for [`STDOUT_TARGET`].
pub const STDERR_TARGET: &str = "wasp::plugin::stderr";

/// `tracing` target of the span around every call into a plugin: a `DEBUG` span named
/// `call` with the fields `plugin`, `method` and `instance`.
pub const CALL_TARGET: &str = "wasp::call";

/// The most verbose level the current `tracing` subscriber wants plugin log lines at, as the
/// wasm value `wasp.log_level` returns (0 when it wants none).
pub(crate) fn max_log_level() -> i32 {
    use tracing::Level as T;
    if tracing::enabled!(target: LOG_TARGET, T::TRACE, plugin, instance) {
        Level::Trace.as_i32()
    } else if tracing::enabled!(target: LOG_TARGET, T::DEBUG, plugin, instance) {
        Level::Debug.as_i32()
    } else if tracing::enabled!(target: LOG_TARGET, T::INFO, plugin, instance) {
        Level::Info.as_i32()
    } else if tracing::enabled!(target: LOG_TARGET, T::WARN, plugin, instance) {
        Level::Warn.as_i32()
    } else if tracing::enabled!(target: LOG_TARGET, T::ERROR, plugin, instance) {
        Level::Error.as_i32()
    } else {
        0
    }
}

/// Emits one of a plugin's log lines as a `tracing` event at its level. The line is decoded
/// (lossily, invalid UTF-8 becomes U+FFFD) only when a subscriber wants the event.
pub(crate) fn emit_log(level: Level, plugin: &str, instance: u64, line: &[u8]) {
    // `wasp.log` is called straight from the plugin's code, so the current span is the
    // call's when the subscriber enabled it.
    let in_call = tracing::Span::current()
        .metadata()
        .is_some_and(|m| m.target() == CALL_TARGET);
    macro_rules! emit {
        ($level:expr) => {
            if in_call {
                tracing::event!(
                    target: LOG_TARGET,
                    $level,
                    "{}",
                    String::from_utf8_lossy(line)
                )
            } else {
                tracing::event!(
                    target: LOG_TARGET,
                    $level,
                    plugin,
                    instance,
                    "{}",
                    String::from_utf8_lossy(line)
                )
            }
        };
    }
    match level {
        Level::Error => emit!(tracing::Level::ERROR),
        Level::Warn => emit!(tracing::Level::WARN),
        Level::Info => emit!(tracing::Level::INFO),
        Level::Debug => emit!(tracing::Level::DEBUG),
        Level::Trace => emit!(tracing::Level::TRACE),
    }
}
