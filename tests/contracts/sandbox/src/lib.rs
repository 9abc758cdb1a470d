//! A contract whose methods do, from inside the plugin's sandbox, what a plugin might try:
//! read and change files, read its environment, arguments and standard input, write to its
//! standard streams, and log.

use serde::{Deserialize, Serialize};

/// A failed WASI operation, as the plugin saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, wasp::Schema)]
pub struct IoFailure {
    /// The WASI errno (`std::io::Error::raw_os_error`), when there is one.
    pub errno: Option<i32>,
    /// The `std::io::ErrorKind`, as its `Debug` text.
    pub kind: String,
    /// The error's `Display` text.
    pub message: String,
}

/// The test contract.
#[wasp::plugin]
pub trait Sandbox {
    /// `std::fs::read(path)`.
    fn read_file(&self, path: String) -> Result<Vec<u8>, IoFailure>;
    /// `std::fs::write(path, data)`: creates or truncates the file.
    fn write_file(&self, path: String, data: Vec<u8>) -> Result<(), IoFailure>;
    /// Appends `data` to an existing file (opened for appending, never created).
    fn append_file(&self, path: String, data: Vec<u8>) -> Result<(), IoFailure>;
    /// `std::fs::create_dir(path)`.
    fn create_dir(&self, path: String) -> Result<(), IoFailure>;
    /// `std::fs::remove_file(path)`.
    fn remove_file(&self, path: String) -> Result<(), IoFailure>;
    /// `std::fs::rename(from, to)`.
    fn rename(&self, from: String, to: String) -> Result<(), IoFailure>;
    /// The names in directory `path`, sorted.
    fn list_dir(&self, path: String) -> Result<Vec<String>, IoFailure>;
    /// Every environment variable the plugin sees, in order.
    fn env_vars(&self) -> Vec<(String, String)>;
    /// `std::env::var(name)`, `None` when unset.
    fn env_var(&self, name: String) -> Option<String>;
    /// Its command-line arguments.
    fn args(&self) -> Vec<String>;
    /// Everything left on standard input.
    fn read_stdin(&self) -> Result<Vec<u8>, IoFailure>;
    /// Writes `text` to standard output and flushes it.
    fn print(&self, text: String) -> Result<(), IoFailure>;
    /// Writes `text` to standard error and flushes it.
    fn eprint(&self, text: String) -> Result<(), IoFailure>;
    /// Writes `total` bytes of 64-byte lines to standard output, 64 KiB per write, and
    /// returns how many bytes the writes reported as written.
    fn flood_stdout(&self, total: u64) -> Result<u64, IoFailure>;
    /// Logs `message` with the macro for `level` (1 `error!` ... 5 `trace!`).
    fn log(&self, level: u8, message: String);
    /// Logs one line at `level` whose argument counts how often it is formatted, and
    /// returns that count: 0 when the host did not want the line.
    fn log_counted(&self, level: u8) -> u32;
}
