//! The library half of the `wasp` command: what it does that a host can reuse.
//!
//! - [`json`]: JSON values to and from the wire format, driven by a plugin's contract
//!   descriptor, so that a host can call any plugin method dynamically
//!   ([`wasp_host::DynamicPlugin`]) with JSON arguments and read its result as JSON.
//!
//! The command itself (`wasp inspect`, `wasp call`, `wasp check`) lives in the binary; run
//! `wasp --help`.

#![warn(missing_docs)]

pub mod json;
