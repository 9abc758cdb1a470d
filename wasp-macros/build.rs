//! Detects whether the compiler accepts `#[unsafe(export_name = ...)]` and `unsafe extern`
//! (Rust 1.82+). Edition 2024 requires those spellings and Rust 1.63 (the wasm32 toolchain
//! Debian ships) rejects them, so the macros emit whichever the compiler at hand accepts.
//! Also detects `#[diagnostic::on_unimplemented]` (Rust 1.78+): without it, the macros add
//! checks whose names carry the "add `wasp::Schema`" hint (see `model::type_hints`).

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=RUSTC");
    let minor = rustc_minor_version().unwrap_or(0);
    if minor >= 80 {
        println!("cargo:rustc-check-cfg=cfg(wasp_unsafe_attributes)");
        println!("cargo:rustc-check-cfg=cfg(wasp_diagnostic_namespace)");
    }
    if minor >= 78 {
        println!("cargo:rustc-cfg=wasp_diagnostic_namespace");
    }
    if minor >= 82 {
        println!("cargo:rustc-cfg=wasp_unsafe_attributes");
    }
}

fn rustc_minor_version() -> Option<u32> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let output = Command::new(rustc).arg("--version").output().ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    // "rustc 1.95.0 (59807616e 2026-04-14)"
    let version = text.split_whitespace().nth(1)?;
    version.split('.').nth(1)?.parse().ok()
}
