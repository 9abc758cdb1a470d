//! Reading the files a command names.

use crate::failure::Failure;
use std::path::Path;

/// The bytes of the file at `path`; `what` names it in the error (`the plugin`).
pub fn read(path: &Path, what: &str) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| {
        let failure = Failure::new(format!("cannot read {what} {}: {e}", path.display()));
        match e.kind() {
            std::io::ErrorKind::NotFound => failure.hint("check the path"),
            std::io::ErrorKind::IsADirectory => failure.hint("name a file, not a directory"),
            _ => failure,
        }
    })
}

/// The binary module for `bytes`: a binary module as it is, the text format (which starts
/// with `(` or a comment) parsed. The engine loads binary modules only; the command-line
/// accepts both, and says which bytes it found when it is neither.
pub fn binary(bytes: &[u8]) -> Result<std::borrow::Cow<'_, [u8]>, Failure> {
    if is_binary_wasm(bytes) {
        return Ok(std::borrow::Cow::Borrowed(bytes));
    }
    let start = bytes.trim_ascii_start();
    if !(start.starts_with(b"(") || start.starts_with(b";;")) {
        let first: Vec<String> = bytes.iter().take(8).map(|b| format!("{b:02x}")).collect();
        return Err(Failure::new(format!(
            "not a WebAssembly module (first bytes: {})",
            if first.is_empty() {
                "none".to_string()
            } else {
                first.join(" ")
            }
        ))
        .hint("the plugin must be a WebAssembly module (.wasm), or its text format (.wat)"));
    }
    wat::parse_bytes(bytes).map_err(|e| {
        Failure::new(format!("not a valid WebAssembly text module: {e}"))
            .hint("the plugin must be a WebAssembly module (.wasm), or its text format (.wat)")
    })
}

/// Whether `bytes` start like a binary WebAssembly module.
pub fn is_binary_wasm(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\0asm")
}
