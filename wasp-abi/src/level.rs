//! Log levels, as they cross the `wasp.log` and `wasp.log_level` imports.

use std::fmt;

/// The level of a plugin's log line. The numbers are the wasm values of `docs/ABI.md`
/// ("Logging"); they map one to one onto `tracing`'s levels, most severe first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(i32)]
pub enum Level {
    /// Something failed (1).
    Error = 1,
    /// Something is probably wrong (2).
    Warn = 2,
    /// What the plugin is doing, at a glance (3).
    Info = 3,
    /// Detail for whoever debugs the plugin (4).
    Debug = 4,
    /// Everything (5).
    Trace = 5,
}

impl Level {
    /// Every level, most severe first.
    pub const ALL: [Level; 5] = [
        Level::Error,
        Level::Warn,
        Level::Info,
        Level::Debug,
        Level::Trace,
    ];

    /// The level whose wasm value is `value`, if any.
    #[inline]
    pub fn from_i32(value: i32) -> Option<Level> {
        match value {
            1 => Some(Level::Error),
            2 => Some(Level::Warn),
            3 => Some(Level::Info),
            4 => Some(Level::Debug),
            5 => Some(Level::Trace),
            _ => None,
        }
    }

    /// Its wasm value.
    #[inline]
    pub fn as_i32(self) -> i32 {
        self as i32
    }

    /// Its name in capitals, as `tracing` prints it: `ERROR` ... `TRACE`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "ERROR",
            Level::Warn => "WARN",
            Level::Info => "INFO",
            Level::Debug => "DEBUG",
            Level::Trace => "TRACE",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wasm_values_round_trip_and_nothing_else_is_a_level() {
        for level in Level::ALL {
            assert_eq!(Level::from_i32(level.as_i32()), Some(level));
        }
        for value in [i32::MIN, -1, 0, 6, i32::MAX] {
            assert_eq!(Level::from_i32(value), None);
        }
        assert!(Level::Error < Level::Trace);
    }
}
