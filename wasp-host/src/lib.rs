//! The Wasp plugin host: load, verify, sandbox and call WebAssembly plugins on wasmtime.
//!
//! ```no_run
//! use greeter_contract::{Greeter, GreeterHost};
//!
//! struct Host;
//! impl GreeterHost for Host {
//!     fn call_me(&mut self, name: String) -> String {
//!         format!("Hello {name}")
//!     }
//! }
//!
//! # fn main() -> Result<(), wasp::Error> {
//! let engine = wasp_host::Engine::new()?;
//! let plugin = engine.load::<dyn Greeter>("examples/greeter/plugins/greeter-rust.wasm")?;
//! let mut greeter = plugin.instantiate(Host)?;
//! assert_eq!(greeter.hello("Nic".into())?, "Hello Nic");
//! # Ok(())
//! # }
//! ```
//!
//! # Core concepts
//! - [`Engine`]: a wasmtime engine and its configuration. Create one per process and share
//!   it; it is `Send + Sync` and cheap to clone.
//! - [`Plugin<C>`]: a module compiled once and verified against contract `C` (its contract
//!   descriptor, exports and imports) at load, so that no call can fail for a reason the
//!   load could have found. `Send + Sync`, cheap to clone; instantiate it as often as needed.
//! - [`Instance<C>`]: one sandbox: its own store, linear memory, WASI context and host
//!   state. It dereferences to the contract's generated handle, whose methods mirror the
//!   trait's and return `Result<T, wasp::Error>`. Used by one caller at a time (`&mut`);
//!   it is `Send`, so it may move between threads.
//! - [`RawPlugin`] / [`RawInstance`]: calls by export name for modules that follow
//!   `docs/ABI.md` without a contract (scalars, strings and bytes in and out).
//!
//! # After a failure
//! A trap, a panic, a failed host function, a WASI exit, or a pointer or value the plugin
//! got wrong *poisons* the instance: its memory may be inconsistent, so every later call
//! returns [`wasp::Error::Poisoned`]. Instantiate again; the plugin stays compiled.
//!
//! # Sandbox and limits
//! Each instance gets its own WASI context with nothing granted but stdout and stderr, which
//! are inherited from the host process: no files, no environment, no arguments.
//!
//! Every call (and instantiation) is interrupted after the engine's call timeout, 10 s by
//! default ([`EngineBuilder::call_timeout`]), with [`wasp::Error::Timeout`], so an endless
//! loop cannot hang the host. Each instance's memory is capped, 1 GiB by default
//! ([`EngineBuilder::max_memory`]); growing past it fails the call with
//! [`wasp::Error::MemoryLimit`].

#![warn(missing_docs)]

mod engine;
mod instance;
mod linking;
mod plugin;
mod raw;
mod wasm;

pub use engine::{DEFAULT_CALL_TIMEOUT, DEFAULT_MAX_MEMORY, Engine, EngineBuilder};
pub use instance::Instance;
pub use plugin::Plugin;
pub use raw::{RawArg, RawArgs, RawInstance, RawPlugin, RawResult};
pub use wasp::{Contract, Error, HostError, HostResult};
