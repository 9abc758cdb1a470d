//! An editor's linter plugin, as a newcomer would write it: nested enums, `Option` fields,
//! a `Result<Vec<_>, OwnError>`, borrowed parameters, `&mut self` state, host functions.
//!
//! It also holds the two macro cases that once broke the expansion: methods and host
//! functions under `#[cfg]` (one that is never compiled names a type that does not exist),
//! and a method whose tokens come from a `macro_rules!` macro.

use serde::{Deserialize, Serialize};

/// How bad a finding is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, wasp::Schema)]
pub enum Severity {
    Hint,
    Warning,
    Error { code: u32 },
}

/// One finding of the linter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, wasp::Schema)]
pub struct Finding {
    pub line: u32,
    pub severity: Severity,
    pub message: String,
    pub fix: Option<String>,
}

/// Why the linter refused a text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, wasp::Schema)]
pub enum LintError {
    Empty,
    Binary { offset: u32 },
}

/// What the editor offers the linter.
#[wasp::host]
pub trait EditorHost {
    /// The longest line the editor accepts.
    fn max_line(&mut self) -> u32;
    /// Shows a finding in the editor; fails when the editor is closing.
    fn report(&mut self, finding: Finding) -> wasp::HostResult<()>;
    /// Only with the `fixes` feature.
    #[cfg(feature = "fixes")]
    fn apply(&mut self, line: u32, fix: &str) -> bool;
    /// Never compiled: the type does not exist.
    #[cfg(any())]
    fn never(&mut self, value: NoSuchType) -> NoSuchType;
}

/// Adds `stats` to the trait it wraps: the method's tokens, `self` and its parameters included,
/// carry this macro's hygiene, not the caller's.
macro_rules! with_stats {
    ($(#[$attr:meta])* pub trait $name:ident { $($body:tt)* }) => {
        $(#[$attr])*
        pub trait $name {
            $($body)*
            /// Lines and bytes of a text.
            fn stats(&self, text: &str, raw: &[u8]) -> (u32, u32);
        }
    };
}

with_stats! {
    /// The linter a plugin implements.
    #[wasp::plugin(host = EditorHost)]
    pub trait Linter {
        /// Lints `text`, reporting each finding to the editor as well.
        fn lint(&mut self, path: &str, text: &str) -> Result<Vec<Finding>, LintError>;
        /// Texts linted so far by this instance.
        fn linted(&self) -> u32;
        /// Only with the `fixes` feature; added in version 2.
        #[cfg(feature = "fixes")]
        #[wasp(since = 2)]
        fn fix_all(&mut self, text: &str) -> String;
        /// Never compiled: the type does not exist.
        #[cfg(any())]
        #[wasp(since = 9)]
        fn never(&self, value: NoSuchType) -> NoSuchType;
        /// Panics on purpose.
        fn crash(&self);
    }
}
