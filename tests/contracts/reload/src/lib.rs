//! A contract for hot-reload tests: `tests/plugins/reload-a` and `reload-b` implement it, and
//! every answer says which of the two builds gave it, so a test can tell whether a call was
//! served by the version it expected.

/// Two builds of one plugin.
#[wasp::plugin]
pub trait Build {
    /// `"<build>: <a + b>"`, where `<build>` is the build's name (`a` or `b`); the sum wraps.
    fn add(&self, a: u32, b: u32) -> String;
    /// Counts one more call on this instance and returns the count so far.
    fn count(&mut self) -> u32;
}
