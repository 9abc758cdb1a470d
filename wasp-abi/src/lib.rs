//! The wire ABI shared by every side of Wasp: the host engine, the guest runtime and the
//! macros.
//!
//! `docs/ABI.md` is the normative description; this crate is its executable form. It holds
//! the names both sides agree on, how a pointer and a length share one `i64`, how scalars
//! map onto wasm values, the one codec for structured values ([`codec`]) and the contract
//! descriptor ([`descriptor`]).
//!
//! It compiles with Rust 1.63 because plugins compile it for wasm32.

#![warn(missing_docs)]

pub mod codec;
pub mod descriptor;
mod level;
mod scalar;

pub use level::Level;
pub use scalar::{Scalar, ValType};

/// Version of the wire ABI described in `docs/ABI.md`. A plugin and a host must agree on it.
pub const ABI_VERSION: u32 = 1;

/// Name of the custom section that carries a plugin's contract descriptor.
pub const CONTRACT_SECTION: &str = "wasp-contract";

/// Export `wasp_contract() -> i64`: the contract descriptor as packed pointer and length, for
/// plugins whose toolchain cannot emit the custom section. The host calls it once, at load,
/// in a throwaway instance.
pub const CONTRACT_EXPORT: &str = "wasp_contract";

/// Prefix of the export through which a Rust plugin gives its descriptor for one contract:
/// `wasp_contract_Greeter`. Takes no arguments and returns the packed text.
pub const CONTRACT_EXPORT_PREFIX: &str = "wasp_contract_";

/// The largest descriptor a host reads from a plugin's export, in bytes.
pub const MAX_DESCRIPTOR_LEN: u32 = 4 << 20;

/// Export every plugin provides: its linear memory.
pub const MEMORY_EXPORT: &str = "memory";

/// Export `wasp_alloc(len: i32) -> i32`: a block of `len` bytes that the host fills and
/// hands over to the plugin. Required when any call carries bytes into the plugin.
pub const ALLOC_EXPORT: &str = "wasp_alloc";

/// Export a WASI reactor provides; the host calls it once, before anything else.
pub const INITIALIZE_EXPORT: &str = "_initialize";

/// Import module of the functions the host always provides to plugins.
pub const RUNTIME_MODULE: &str = "wasp";

/// `wasp.panic(msg_ptr, msg_len, file_ptr, file_len, line, column)`: the plugin gives up; the
/// host ends the call with a panic error carrying this message and location.
pub const PANIC_IMPORT: &str = "panic";

/// `wasp.log(level, msg_ptr, msg_len)`: one log line from the plugin, at a [`Level`]
/// (1 = error ... 5 = trace), UTF-8. The host turns it into a `tracing` event.
pub const LOG_IMPORT: &str = "log";

/// `wasp.log_level() -> i32`: the most verbose [`Level`] the host wants right now, or 0 when
/// it wants no log lines at all. Lines above it are dropped by the host, so a plugin need not
/// format them.
pub const LOG_LEVEL_IMPORT: &str = "log_level";

/// Longest log line the host keeps, in bytes; the rest of a longer line is cut off.
pub const MAX_LOG_LINE: u32 = 64 * 1024;

/// Most parameters a contract method may have: every parameter costs one or two wasm values
/// and the host keeps them in a fixed array so that a call allocates nothing.
pub const MAX_PARAMS: usize = 16;

/// Most wasm values one call passes: two per parameter at most.
pub const MAX_WASM_PARAMS: usize = 2 * MAX_PARAMS;

/// Packs a guest pointer and length into the `i64` that returns buffers: the pointer in the
/// low 32 bits, the length in the high 32 bits.
#[inline]
pub fn pack(ptr: u32, len: u32) -> u64 {
    (ptr as u64) | ((len as u64) << 32)
}

/// Splits an `i64` made by [`pack`] into `(pointer, length)`.
#[inline]
pub fn unpack(packed: u64) -> (u32, u32) {
    (packed as u32, (packed >> 32) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_round_trips_extremes() {
        for &(p, l) in &[
            (0, 0),
            (1, 2),
            (u32::MAX, 0),
            (0, u32::MAX),
            (u32::MAX, u32::MAX),
        ] {
            assert_eq!(unpack(pack(p, l)), (p, l));
        }
    }
}
