//! Wasp: typed WebAssembly plugins for Rust.
//!
//! A host declares an extension point as a Rust trait; plugins implement it in Rust (or any
//! language that follows `docs/ABI.md`) and are compiled to wasm32-wasip1; the host loads
//! them with `wasp-host` and calls them through a generated, typed handle. Each plugin
//! instance is a sandbox with its own memory and WASI environment.
//!
//! This crate is what contract crates and plugins depend on. It holds the two attribute
//! macros, the error type, and the runtime the generated code uses on either side. It never
//! depends on an engine, so plugins compile it for wasm32 with Rust 1.63 or newer.
//!
//! # Core concepts
//! - A **contract** is a trait marked [`plugin`]: the methods a plugin implements. Host and
//!   plugin share it through a small contract crate.
//! - **Host functions** are a second trait, marked [`host`], that the host implements and the
//!   plugin calls. The contract names it: `#[wasp::plugin(host = GreeterHost)]`.
//! - A **plugin** implements the contract and exports it with one line generated for the
//!   contract: `greeter_contract::export_greeter!(MyGreeter);`.
//! - The host loads it with `wasp_host::Engine::load::<dyn Greeter>(path)` and calls methods
//!   on the instance; every call returns `Result<T, wasp::Error>`.
//!
//! # Example
//! The contract crate:
//! ```
//! #[wasp::host]
//! pub trait GreeterHost {
//!     fn call_me(&mut self, name: String) -> String;
//! }
//!
//! #[wasp::plugin(host = GreeterHost)]
//! pub trait Greeter {
//!     fn hello(&self, name: String) -> String;
//!     fn sum(&self, a: i32, b: i32) -> i32;
//!     fn fail(&self) -> Result<(), String>;
//! }
//! # fn main() {}
//! ```
//! The plugin crate (a `cdylib` built for `wasm32-wasip1`; not a doctest, because the
//! `export_greeter!` macro belongs to the contract crate, which a doctest cannot be):
//! ```ignore
//! use greeter_contract::Greeter;
//!
//! #[derive(Default)]
//! struct MyGreeter;
//!
//! impl Greeter for MyGreeter {
//!     fn hello(&self, name: String) -> String { format!("Hello {}", name) }
//!     fn sum(&self, a: i32, b: i32) -> i32 { a + b }
//!     fn fail(&self) -> Result<(), String> { Err("Ooops".into()) }
//! }
//!
//! greeter_contract::export_greeter!(MyGreeter);
//! ```
//! The host: see the `wasp-host` crate.
//!
//! # Logging
//! Plugins log with [`error!`], [`warn!`], [`info!`], [`debug!`] and [`trace!`] (or
//! [`log!`](crate::log!) with a [`Level`] value), which take [`format!`]'s arguments:
//! `wasp::info!("read {} bytes from {}", n, path)`. Each line becomes a `tracing` event in the
//! host at the same level, carrying the plugin's name and the instance's id. A line the host
//! does not want is not even formatted. On native targets the macros print to standard error.
//!
//! # Supported types
//! Parameters and results may be any integer type, `f32`, `f64`, `bool`, `char` (one wasm
//! value each, no copy), strings (`String`, `Box<str>`, `Cow<str>`, and `&str` parameters) and
//! byte buffers (`Vec<u8>`, `Box<[u8]>`, `Cow<[u8]>`, and `&[u8]` parameters) as raw bytes,
//! `()`, and [`Encoded`] types, which travel with postcard: `Option`, `Result`, `Vec<T>`,
//! maps, sets, tuples, arrays, `i128`, `Duration`, and structs and enums of your own. Each
//! type's trait impls decide how it travels, whatever it is called: an alias of `String` is a
//! string. A borrowed parameter lives only for the call and so cannot name a lifetime.
//!
//! Structs and enums of your own derive [`Schema`] (`#[derive(Serialize, Deserialize,
//! wasp::Schema)]`), which also makes them [`Encoded`]: the contract descriptor then lists
//! their fields and variants, and a host refuses a plugin built against a different definition
//! instead of misreading its bytes.
//!
//! # Evolving a contract
//! Mark a method added after plugins shipped with `#[wasp(since = 2)]` (the contract version
//! that added it): plugins built before still load, and calling the new method on them returns
//! [`Error::Unavailable`]. `#[wasp(rename = "name")]` sets a method's name on the wire.
//! `docs/CONTRACTS.md` lists which changes are breaking.

#![warn(missing_docs)]

mod contract;
mod error;
mod log;
#[doc(hidden)]
pub mod native;
#[doc(hidden)]
pub mod runtime;
mod schema;
mod wire;

pub use crate::log::log_enabled;
pub use contract::{
    AsyncHandleFor, AsyncHostContract, Contract, Handle, HandleFor, HostContract, HostInterface,
    NoHost,
};
pub use error::{Error, HostError, HostResult, Location};
pub use schema::Schema;
pub use wasp_abi::descriptor;
pub use wasp_abi::Level;
pub use wasp_macros::{host, plugin, Schema};
pub use wire::Encoded;

/// Items generated code refers to. Not a stable API.
#[doc(hidden)]
pub mod __private {
    pub use crate::native;
    pub use crate::runtime::*;
    pub use crate::schema::{named_fields, variant};
    pub use crate::wire::{
        add_derive_wasp_Schema_to_this_field_type, add_derive_wasp_Schema_to_this_result_type,
        add_derive_wasp_Schema_to_this_type, Abi, AbiOf, Buffer, GuestParam, HostArg, HostArgs,
        Ret, Returned, ShapeOf, Wire, WireResult, P1, P2,
    };
    pub use serde;
    pub use wasp_abi::{self, Scalar};
    pub use wasp_guest as guest;
}
