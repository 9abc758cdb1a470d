//! The on-disk compilation cache ([`EngineBuilder::cache_dir`](crate::EngineBuilder::cache_dir))
//! and the engine fingerprint that keys it and precompiled artifacts.
//!
//! An entry is the module wasmtime compiled, serialized, under a name derived from the
//! SHA-256 of the module's bytes and of the engine's fingerprint (its wasmtime version, target
//! and every compilation setting), so another engine configuration never reads it. Entries
//! are written to a temporary file and renamed into place, so a concurrent reader sees a whole
//! entry or none, and concurrent writers of the same entry write the same bytes. Each entry
//! carries the SHA-256 of its payload, checked before wasmtime sees it: a truncated or
//! damaged file is recompiled and rewritten, never deserialized.
//!
//! The cache trusts whoever can write its directory: a well-formed entry with a matching
//! digest is handed to wasmtime's `Module::deserialize`, which runs its code. Keep the
//! directory writable only by the host.

use sha2::{Digest, Sha256};
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use wasmtime::Module;
use wasp::Error;

/// What a cache entry starts with; the version changes when the entry layout does.
const ENTRY_MAGIC: &[u8; 14] = b"wasp-cache-v1\n";

/// The SHA-256 of `bytes`.
pub(crate) fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// Feeds `Hash` into SHA-256, so that wasmtime's compatibility hash becomes a digest that is
/// the same in every process of the same build.
struct ShaHasher(Sha256);

impl Hasher for ShaHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    fn finish(&self) -> u64 {
        // Only the digest is used; `finish` exists for the trait.
        let digest: [u8; 32] = self.0.clone().finalize().into();
        u64::from_le_bytes(digest[..8].try_into().expect("8 bytes"))
    }
}

/// The engine's fingerprint: what must be equal for code compiled by one engine to run on
/// another (wasmtime's compatibility hash: its version, the target, the compiler's flags,
/// the tunables and the wasm features), and the version of this crate.
pub(crate) fn fingerprint(engine: &wasmtime::Engine) -> [u8; 32] {
    let mut hasher = ShaHasher(Sha256::new());
    "wasp-host".hash(&mut hasher);
    env!("CARGO_PKG_VERSION").hash(&mut hasher);
    engine.precompile_compatibility_hash().hash(&mut hasher);
    hasher.0.finalize().into()
}

/// Lower-case hexadecimal.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// How a cache has been used since its engine was built ([`Engine::cache_stats`](crate::Engine::cache_stats)).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Loads served from the cache, without compiling.
    pub hits: u64,
    /// Loads that compiled, because no entry existed (or it was refused, below).
    pub misses: u64,
    /// Entries found truncated, damaged or refused by wasmtime, then recompiled and
    /// rewritten.
    pub rejected: u64,
    /// Entries that could not be written (the load still succeeded).
    pub write_failures: u64,
}

/// One engine's cache: its directory and counters. Shared by every clone of the engine.
#[derive(Debug)]
pub(crate) struct Cache {
    dir: PathBuf,
    hits: AtomicU64,
    misses: AtomicU64,
    rejected: AtomicU64,
    write_failures: AtomicU64,
}

/// A process-wide counter that makes temporary file names unique within the process (the
/// process id makes them unique between processes).
static NEXT_TEMP: AtomicU64 = AtomicU64::new(0);

impl Cache {
    /// A cache in `dir`, created if missing.
    ///
    /// # Errors
    /// [`Error::Io`] when the directory cannot be created.
    pub(crate) fn open(dir: &Path) -> Result<Cache, Error> {
        std::fs::create_dir_all(dir).map_err(|source| Error::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        Ok(Cache {
            dir: dir.to_path_buf(),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            rejected: AtomicU64::new(0),
            write_failures: AtomicU64::new(0),
        })
    }

    pub(crate) fn stats(&self) -> CacheStats {
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            rejected: self.rejected.load(Ordering::Relaxed),
            write_failures: self.write_failures.load(Ordering::Relaxed),
        }
    }

    /// The file of the entry for `binary` compiled by `engine`.
    fn entry_path(&self, engine: &wasmtime::Engine, binary: &[u8]) -> PathBuf {
        let mut key = Sha256::new();
        key.update(fingerprint(engine));
        key.update(sha256(binary));
        let key: [u8; 32] = key.finalize().into();
        self.dir.join(format!("{}.cwasm", hex(&key)))
    }

    /// `binary` (binary WebAssembly) compiled by `engine`: from the cache when a sound entry
    /// is there, otherwise compiled and written to the cache.
    ///
    /// # Errors
    /// [`Error::Wasm`] when the bytes are not a valid module. Cache files that cannot be
    /// read or written are not errors: the module is compiled instead.
    pub(crate) fn module(
        &self,
        engine: &wasmtime::Engine,
        binary: &[u8],
        compile: impl FnOnce() -> Result<Module, Error>,
    ) -> Result<Module, Error> {
        let path = self.entry_path(engine, binary);
        if let Ok(entry) = std::fs::read(&path) {
            match payload(&entry).map(|payload| {
                // SAFETY: the payload's digest matches, so these are the bytes this cache
                // wrote from `Module::serialize` of an engine with this fingerprint (the
                // file's name); the directory is trusted as documented on the module.
                unsafe { Module::deserialize(engine, payload) }
            }) {
                Some(Ok(module)) => {
                    self.hits.fetch_add(1, Ordering::Relaxed);
                    return Ok(module);
                }
                Some(Err(e)) => {
                    tracing::warn!(target: "wasp::cache", path = %path.display(), "cache entry refused by wasmtime, recompiling: {e:#}");
                    self.rejected.fetch_add(1, Ordering::Relaxed);
                }
                None => {
                    tracing::warn!(target: "wasp::cache", path = %path.display(), "cache entry truncated or damaged, recompiling");
                    self.rejected.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        let module = compile()?;
        if let Err(e) = module
            .serialize()
            .map_err(|e| std::io::Error::other(format!("{e:#}")))
            .and_then(|payload| self.write(&path, &payload))
        {
            tracing::warn!(target: "wasp::cache", path = %path.display(), "cannot write the cache entry: {e}");
            self.write_failures.fetch_add(1, Ordering::Relaxed);
        }
        Ok(module)
    }

    /// Writes an entry to a temporary file beside `path`, then renames it into place: a
    /// reader never sees half an entry, and the last of concurrent writers wins with the
    /// same bytes.
    fn write(&self, path: &Path, payload: &[u8]) -> std::io::Result<()> {
        let temp = path.with_extension(format!(
            "{}.{}.tmp",
            std::process::id(),
            NEXT_TEMP.fetch_add(1, Ordering::Relaxed)
        ));
        let written = (|| {
            let mut file = std::fs::File::create(&temp)?;
            file.write_all(ENTRY_MAGIC)?;
            file.write_all(&sha256(payload))?;
            file.write_all(payload)?;
            file.sync_all()?;
            std::fs::rename(&temp, path)
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        written
    }
}

/// The payload of a cache entry whose magic and digest are right.
fn payload(entry: &[u8]) -> Option<&[u8]> {
    let rest = entry.strip_prefix(ENTRY_MAGIC)?;
    let (digest, payload) = rest.split_at_checked(32)?;
    (sha256(payload) == digest).then_some(payload)
}
