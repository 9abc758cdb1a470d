//! Logging from plugins: `wasp::info!("read {} bytes", n)` and friends.
//!
//! In a plugin (wasm32) each macro becomes a `tracing` event in the host, at the same level,
//! with the plugin's name and the instance's id as fields (see `wasp_host`'s documentation
//! for targets and fields). The host tells the plugin the most verbose level it wants, asked
//! once per call, and a line above it is neither formatted nor sent: a disabled
//! `wasp::debug!` costs a comparison.
//!
//! On other targets (a plugin's unit tests, or a contract crate compiled for the host) the
//! macros write `[LEVEL] message` to standard error, which `cargo test` captures per test.
//! Host code should log with `tracing` itself.

/// Logs a line at a [`Level`](crate::Level) given as a value:
/// `wasp::log!(wasp::Level::Warn, "{} retries left", n)`. The arguments are those of
/// [`format!`]; they are evaluated only when the host wants lines at that level.
#[macro_export]
macro_rules! log {
    ($level:expr, $($arg:tt)+) => {{
        let __wasp_level: $crate::Level = $level;
        if $crate::__private::guest::log_enabled(__wasp_level) {
            $crate::__private::guest::log(__wasp_level, ::core::format_args!($($arg)+));
        }
    }};
}

/// Logs a line at [`Level::Error`](crate::Level::Error), with [`format!`]'s arguments.
#[macro_export]
macro_rules! error {
    ($($arg:tt)+) => { $crate::log!($crate::Level::Error, $($arg)+) };
}

/// Logs a line at [`Level::Warn`](crate::Level::Warn), with [`format!`]'s arguments.
#[macro_export]
macro_rules! warn {
    ($($arg:tt)+) => { $crate::log!($crate::Level::Warn, $($arg)+) };
}

/// Logs a line at [`Level::Info`](crate::Level::Info), with [`format!`]'s arguments.
#[macro_export]
macro_rules! info {
    ($($arg:tt)+) => { $crate::log!($crate::Level::Info, $($arg)+) };
}

/// Logs a line at [`Level::Debug`](crate::Level::Debug), with [`format!`]'s arguments.
#[macro_export]
macro_rules! debug {
    ($($arg:tt)+) => { $crate::log!($crate::Level::Debug, $($arg)+) };
}

/// Logs a line at [`Level::Trace`](crate::Level::Trace), with [`format!`]'s arguments.
#[macro_export]
macro_rules! trace {
    ($($arg:tt)+) => { $crate::log!($crate::Level::Trace, $($arg)+) };
}

/// Whether a line at `level` would reach the host now, for work that is only worth doing
/// when it does: `if wasp::log_enabled(wasp::Level::Debug) { ... }`.
#[inline]
pub fn log_enabled(level: crate::Level) -> bool {
    wasp_guest::log_enabled(level)
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::fmt;

    struct Counted<'a>(&'a Cell<u32>);

    impl fmt::Display for Counted<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.set(self.0.get() + 1);
            f.write_str("counted")
        }
    }

    #[test]
    fn every_macro_formats_its_arguments_on_native_targets() {
        let formatted = Cell::new(0);
        let n = 3;
        crate::error!("error {}", Counted(&formatted));
        crate::warn!("warn {n}");
        crate::info!("info {}", Counted(&formatted));
        crate::debug!("debug {:?}", Counted(&formatted).to_string());
        crate::trace!("trace {}", Counted(&formatted));
        crate::log!(crate::Level::Info, "plain");
        assert_eq!(formatted.get(), 4);
        assert!(crate::log_enabled(crate::Level::Trace));
    }
}
