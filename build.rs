//! Detects whether the compiler knows `#[diagnostic::on_unimplemented]` (Rust 1.78+), which
//! turns a missing `wasp::Schema` into an error that says what to add. Rust 1.63 (the wasm32
//! toolchain Debian ships) rejects the attribute, so it is applied only where it exists.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=RUSTC");
    let minor = rustc_minor_version().unwrap_or(0);
    if minor >= 80 {
        println!("cargo:rustc-check-cfg=cfg(wasp_diagnostic_namespace)");
    }
    if minor >= 78 {
        println!("cargo:rustc-cfg=wasp_diagnostic_namespace");
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
