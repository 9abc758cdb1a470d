//! Precompiled plugins: a module compiled ahead of time into an artifact (`.cwasm`) that
//! loads without compiling ([`Engine::precompile`], [`Engine::load_precompiled`]).
//!
//! An artifact is Wasp's header, then wasmtime's serialized module:
//!
//! | bytes | what |
//! |---|---|
//! | 14 | `wasp-cwasm-v1\n` |
//! | 32 | the fingerprint of the engine that made it (`cache::fingerprint`) |
//! | 4 | the length of the contract section, little-endian |
//! | that many | the module's `wasp-contract` custom sections, concatenated |
//! | the rest | `Module::serialize` |
//!
//! wasmtime does not keep custom sections in its artifacts, so the header carries the
//! contract descriptors; at load they are put back into a module of one custom section and
//! read by the same code as a `.wasm`'s, and the plugin is verified exactly as a `.wasm`
//! is (`plugin::from_compiled`).
//!
//! # Trust
//! Loading an artifact runs the machine code in it without checking it: wasmtime's
//! `Module::deserialize` is `unsafe` for that reason, and so are [`Engine::load_precompiled`]
//! and [`Engine::load_precompiled_bytes`]. Load only artifacts the host made itself, kept
//! where plugin authors cannot write; or keep the artifact's SHA-256
//! ([`artifact_digest`]) where they cannot write, and load with
//! [`Engine::load_precompiled_checked`], which is safe because it runs only those bytes.

use crate::cache::{self, fingerprint, hex};
use crate::compile::{self, Compiled};
use crate::engine::Engine;
use crate::plugin::{self, Plugin};
use crate::wasm::custom_section;
use std::path::Path;
use wasmtime::{Module, Precompiled};
use wasp::{Contract, Error};
use wasp_abi::CONTRACT_SECTION;

/// What an artifact starts with; the version changes when the header does.
const MAGIC: &[u8; 14] = b"wasp-cwasm-v1\n";

/// The SHA-256 of a precompiled artifact: keep it where plugin authors cannot write, and
/// [`Engine::load_precompiled_checked`] loads only those bytes.
pub fn artifact_digest(artifact: &[u8]) -> [u8; 32] {
    cache::sha256(artifact)
}

impl Engine {
    /// Compiles the module in `wasm` (binary WebAssembly, or the text format) ahead of time
    /// into an artifact that [`Engine::load_precompiled`] loads without compiling, on an
    /// engine with the same configuration and the same wasmtime version. The contract is
    /// not checked here but at load, exactly as for a `.wasm`. `wasp compile` does the same
    /// from the command line.
    ///
    /// # Errors
    /// [`Error::Wasm`] when the bytes are not a valid module.
    pub fn precompile(&self, wasm: &[u8]) -> Result<Vec<u8>, Error> {
        let compiled = compile::compile(self, wasm)?;
        let serialized = compiled.module.serialize().map_err(|e| Error::Wasm {
            message: format!("cannot serialize the compiled module: {e:#}"),
        })?;
        // No cap here: the load applies the descriptor's cap, with the same error as for the
        // `.wasm`.
        let section = custom_section(&compiled.bytes, CONTRACT_SECTION, usize::MAX)
            .expect("no cap, so never too large");
        let section_len = u32::try_from(section.len()).map_err(|_| Error::TooLarge {
            function: CONTRACT_SECTION.to_string(),
            size: section.len() as u64,
            limit: u64::from(u32::MAX),
        })?;
        let mut out = Vec::with_capacity(MAGIC.len() + 36 + section.len() + serialized.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&fingerprint(&self.inner));
        out.extend_from_slice(&section_len.to_le_bytes());
        out.extend_from_slice(&section);
        out.extend_from_slice(&serialized);
        Ok(out)
    }

    /// Loads the precompiled plugin at `path` ([`Engine::precompile`]) without compiling it,
    /// and verifies that it implements contract `C` exactly as [`Engine::load`] does. The
    /// plugin is named after the file's stem.
    ///
    /// # Safety
    /// The artifact's machine code runs unchecked: it must be an artifact this host (or a
    /// host it trusts) made with [`Engine::precompile`], unchanged since. A forged or
    /// corrupted artifact can do anything the host process can. See
    /// [`Engine::load_precompiled_checked`] for a safe alternative.
    ///
    /// # Errors
    /// [`Error::Io`] if the file cannot be read; otherwise as
    /// [`Engine::load_precompiled_bytes`].
    pub unsafe fn load_precompiled<C: ?Sized + Contract>(
        &self,
        path: impl AsRef<Path>,
    ) -> Result<Plugin<C>, Error> {
        let path = path.as_ref();
        // No size limit: an artifact is the host's own, and larger than its module.
        let bytes = compile::read(path, usize::MAX)?;
        // SAFETY: passed on to our caller.
        let plugin = unsafe { self.load_precompiled_bytes(&bytes)? };
        Ok(match compile::stem(path) {
            Some(name) => plugin.with_name(name),
            None => plugin,
        })
    }

    /// Loads a precompiled plugin from its bytes; see [`Engine::load_precompiled`]. The
    /// plugin is named after its contract.
    ///
    /// # Safety
    /// As [`Engine::load_precompiled`].
    ///
    /// # Errors
    /// - [`Error::Incompatible`] when the bytes are not an artifact of Wasp's (a `.wasm`, a
    ///   `wasmtime compile` artifact without Wasp's header, a truncated file), or it was
    ///   made by an engine with another configuration that changes compiled code (call
    ///   timeout on or off, target) or another wasmtime version;
    /// - otherwise as [`Engine::load_bytes`]: [`Error::ContractMismatch`],
    ///   [`Error::MissingExport`], or a call error from the plugin's descriptor code.
    pub unsafe fn load_precompiled_bytes<C: ?Sized + Contract>(
        &self,
        artifact: &[u8],
    ) -> Result<Plugin<C>, Error> {
        // SAFETY: passed on to our caller.
        let compiled = unsafe { self.deserialize(artifact)? };
        plugin::from_compiled(self, &compiled)
    }

    /// Loads a precompiled plugin from its bytes if their SHA-256 is `sha256`, the
    /// [`artifact_digest`] the host kept when it made the artifact; see
    /// [`Engine::load_precompiled`]. Safe: only the artifact the host made can run.
    ///
    /// # Errors
    /// [`Error::Incompatible`] when the digest differs (nothing is deserialized); otherwise
    /// as [`Engine::load_precompiled_bytes`].
    pub fn load_precompiled_checked<C: ?Sized + Contract>(
        &self,
        artifact: &[u8],
        sha256: &[u8; 32],
    ) -> Result<Plugin<C>, Error> {
        let actual = artifact_digest(artifact);
        if &actual != sha256 {
            return Err(Error::Incompatible {
                reason: format!(
                    "its SHA-256 is {}, not the {} the host kept for it: it was changed or is \
                     another artifact",
                    hex(&actual),
                    hex(sha256)
                ),
            });
        }
        // SAFETY: these are exactly the bytes whose digest the host kept when it made them
        // with `precompile` (the function's contract with its caller).
        unsafe { self.load_precompiled_bytes(artifact) }
    }

    /// The module in `artifact`, with its contract section put back into `bytes`.
    ///
    /// # Safety
    /// As [`Engine::load_precompiled`].
    unsafe fn deserialize(&self, artifact: &[u8]) -> Result<Compiled, Error> {
        let refuse = |reason: String| Error::Incompatible { reason };
        let Some(rest) = artifact.strip_prefix(MAGIC) else {
            return Err(refuse(not_an_artifact(artifact)));
        };
        let truncated = || refuse("the artifact is truncated".to_string());
        let (made_by, rest) = rest.split_at_checked(32).ok_or_else(truncated)?;
        let (len, rest) = rest.split_at_checked(4).ok_or_else(truncated)?;
        let len = u32::from_le_bytes(len.try_into().expect("4 bytes")) as usize;
        let (section, serialized) = rest.split_at_checked(len).ok_or_else(truncated)?;
        if made_by != fingerprint(&self.inner) {
            return Err(refuse(
                "it was made by an engine with another configuration (call timeout on or off, \
                 target, compiler settings) or another version of wasmtime or Wasp"
                    .to_string(),
            ));
        }
        if wasmtime::Engine::detect_precompiled(serialized) != Some(Precompiled::Module) {
            return Err(refuse(
                "the artifact is damaged: no wasmtime module after the header".to_string(),
            ));
        }
        // SAFETY: our caller vouches for the artifact; wasmtime still checks its version
        // and configuration, which the fingerprint above already compared.
        let module = unsafe { Module::deserialize(&self.inner, serialized) }
            .map_err(|e| refuse(format!("wasmtime refused it: {e:#}")))?;
        Ok(Compiled {
            module,
            bytes: section_module(section),
        })
    }
}

/// Why bytes without Wasp's header are not an artifact, as precisely as can be told.
fn not_an_artifact(bytes: &[u8]) -> String {
    if bytes.starts_with(b"\0asm") || wat::parse_bytes(bytes).is_ok() {
        "it is a WebAssembly module, not a precompiled artifact: load it with `Engine::load`, \
         or precompile it with `Engine::precompile`"
            .to_string()
    } else if wasmtime::Engine::detect_precompiled(bytes).is_some() {
        "it is a wasmtime artifact without Wasp's header (made by `wasmtime compile`?), which \
         lacks the contract descriptors: precompile the .wasm with `Engine::precompile` or \
         `wasp compile`"
            .to_string()
    } else {
        "it is not a precompiled plugin: it lacks Wasp's header".to_string()
    }
}

/// A module holding nothing but one custom section `wasp-contract` with `payload`, for the
/// descriptor reader (an empty payload gives an empty module: no section, as in the `.wasm`).
fn section_module(payload: &[u8]) -> Vec<u8> {
    let mut out = b"\0asm\x01\0\0\0".to_vec();
    if payload.is_empty() {
        return out;
    }
    let name = CONTRACT_SECTION.as_bytes();
    let mut body = Vec::with_capacity(5 + name.len() + payload.len());
    leb128(&mut body, name.len());
    body.extend_from_slice(name);
    body.extend_from_slice(payload);
    out.push(0);
    leb128(&mut out, body.len());
    out.extend_from_slice(&body);
    out
}

/// Appends `value` as unsigned LEB128.
fn leb128(out: &mut Vec<u8>, mut value: usize) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_section_module_gives_back_the_section() {
        for len in [0, 1, 127, 128, 300, 70_000] {
            let payload: Vec<u8> = (0..len).map(|i| i as u8).collect();
            let module = section_module(&payload);
            assert_eq!(
                custom_section(&module, CONTRACT_SECTION, usize::MAX),
                Ok(payload)
            );
        }
    }
}
