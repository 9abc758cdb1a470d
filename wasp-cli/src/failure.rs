//! How the command fails: one message saying what went wrong, a hint saying what to do about
//! it, and an exit code scripts can tell apart.

use std::fmt::Write as _;
use std::process::ExitCode;

/// The exit code of a command that ran and found a problem: a plugin that does not load,
/// traps or is incompatible, a file that cannot be read.
pub const FAILED: u8 = 1;

/// The exit code of a command line that cannot be carried out as written: an unknown method,
/// JSON of the wrong shape, a malformed flag. (clap uses the same code for its own errors.)
pub const USAGE: u8 = 2;

/// A command that did not succeed.
#[derive(Debug)]
pub struct Failure {
    message: String,
    hint: Option<String>,
    code: u8,
}

impl Failure {
    /// A problem found while running: exit code [`FAILED`].
    pub fn new(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            hint: None,
            code: FAILED,
        }
    }

    /// A command line that cannot be carried out: exit code [`USAGE`].
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            code: USAGE,
            ..Failure::new(message)
        }
    }

    /// What to do about it.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The same failure, its message preceded by `prefix` (`call 3 of 10: `).
    pub fn prefix(mut self, prefix: &str) -> Self {
        self.message = format!("{prefix}{}", self.message);
        self
    }

    /// The message as it is printed, `error: ...` and `hint: ...` lines.
    pub fn render(&self) -> String {
        let mut out = format!("error: {}", self.message);
        if let Some(hint) = &self.hint {
            let _ = write!(out, "\nhint: {hint}");
        }
        out
    }

    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.code)
    }
}

/// A plugin's or the engine's error, with the hint that fits it.
impl From<wasp::Error> for Failure {
    fn from(error: wasp::Error) -> Self {
        use wasp::Error as E;
        let hint = match &error {
            E::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
                Some("check the path; the plugin is a .wasm (or .wat) file")
            }
            E::Wasm { .. } => {
                Some("the plugin must be a WebAssembly module (.wasm), or its text format (.wat)")
            }
            E::Timeout { .. } => Some("allow more time with --timeout (for example 30s)"),
            E::MemoryLimit { .. } => Some("allow more memory with --max-memory (for example 2GiB)"),
            E::Poisoned { .. } => Some("an earlier call failed; every call after it fails too"),
            E::ContractMismatch { .. } => {
                Some("`wasp inspect PLUGIN` shows the contract the plugin carries")
            }
            _ => None,
        };
        let failure = Failure::new(error.to_string());
        match hint {
            Some(hint) => failure.hint(hint),
            None => failure,
        }
    }
}
