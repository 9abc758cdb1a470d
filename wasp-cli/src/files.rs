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

/// The binary module for `bytes`, which may be the text format.
pub fn binary(bytes: &[u8]) -> Result<std::borrow::Cow<'_, [u8]>, Failure> {
    wat::parse_bytes(bytes).map_err(|e| {
        Failure::new(format!("not a WebAssembly module: {e}"))
            .hint("the plugin must be a WebAssembly module (.wasm), or its text format (.wat)")
    })
}

/// Whether `bytes` start like a binary WebAssembly module.
pub fn is_binary_wasm(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\0asm")
}
