//! The Wasp plugin host: load, verify, sandbox and call WebAssembly plugins on wasmtime.
//!
//! ```
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
//! let plugin = engine.load::<dyn Greeter>("../examples/greeter/plugins/greeter-rust.wasm")?;
//! let mut greeter = plugin.instantiate(Host)?;
//! assert_eq!(greeter.hello("Nic".into())?, "Hello Nic");
//! assert_eq!(greeter.callback()?, "Hello Nic"); // the plugin called `Host::call_me`
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
//! - [`Instance<C, H>`]: one sandbox: its own store, linear memory, WASI context
//!   (configured by an [`InstanceConfig`]) and host value `H`, which serves the contract's
//!   host functions ([`Instance::host`]). It dereferences to the contract's generated handle,
//!   whose methods mirror the trait's and return `Result<T, wasp::Error>`. Used by one caller
//!   at a time (`&mut`); it is `Send`, so it may move between threads.
//! - [`AsyncInstance<C, H>`]: the same sandbox called with futures, made by
//!   [`Plugin::instantiate_async`]: every method is an `async fn`, host functions are the
//!   contract's generated `Async{HostTrait}` (written with `async fn`), and many calls make
//!   progress on one tokio thread; dropping a call's future cancels it and poisons the
//!   instance.
//! - [`Pool<C, H>`]: a bounded set of instances of one plugin for serving many callers
//!   from many threads: checkout with a timeout ([`Pool::get_timeout`]), return on drop,
//!   poisoned instances replaced, [`Reuse`] policy, [`PoolMetrics`]. `Send + Sync`, cheap
//!   to clone; the checked-out [`Pooled`] guard is `Send`, one caller at a time.
//!   [`AsyncPool<C, H>`] is its counterpart for [`AsyncInstance`]s: checkouts are futures
//!   that wait without blocking a thread.
//! - Loading without compiling: [`Engine::precompile`] makes an artifact (`.cwasm`) that
//!   [`Engine::load_precompiled`] loads and verifies like a `.wasm` (an `unsafe fn`: the
//!   artifact's code runs unchecked; [`Engine::load_precompiled_checked`] is the safe form,
//!   given the [`artifact_digest`] the host kept), and [`EngineBuilder::cache_dir`] caches
//!   compiled modules on disk so that loading the same bytes again skips compiling
//!   ([`CacheStats`]). An artifact made by another configuration is
//!   [`wasp::Error::Incompatible`].
//! - [`RawPlugin`] / [`RawInstance`]: calls by export name for modules that follow
//!   `docs/ABI.md` without a contract (scalars, strings and bytes in and out); a
//!   [`RawFunc`] resolves an export once.
//! - [`DynamicPlugin`] / [`DynamicInstance`]: a plugin with a contract that is known only at
//!   run time, for tools such as the `wasp` command: the plugin's own descriptor
//!   ([`Engine::load_dynamic`]) or one the caller holds ([`Engine::load_against`]). The load
//!   verifies exactly what a typed load verifies; methods are called by name with
//!   [`WireValue`]s, and a [`DynamicHost`] answers the host functions.
//!   [`Engine::descriptors`] reads the descriptors a module carries, and where from
//!   ([`Descriptors`], [`DescriptorSource`]).
//!
//! `Engine`, `Plugin`, `RawPlugin` and `DynamicPlugin` are `Send + Sync` and cheap to clone;
//! share them between threads freely. `Instance`, `AsyncInstance` (and its call futures),
//! `RawInstance`, `DynamicInstance` and [`Captured`] are `Send`; an instance serves one call
//! at a time. Plugins and instances keep alive what they need of their engine, including the
//! `wasp-clock` thread that enforces call timeouts, so the `Engine` value may be dropped once
//! plugins are loaded.
//!
//! # After a failure
//! A trap, a panic, a failed host function, a WASI exit, or a pointer or value the plugin
//! got wrong *poisons* the instance: its memory may be inconsistent, so every later call
//! returns [`wasp::Error::Poisoned`]. Instantiate again; the plugin stays compiled.
//!
//! # Sandbox
//! Each instance gets its own WASI context. By default it grants nothing: no files, no
//! environment variables, no arguments, an empty standard input, and standard output and
//! error forwarded line by line to `tracing`. [`InstanceConfig`] grants more, per instance:
//!
//! ```no_run
//! # use greeter_contract::{Greeter, GreeterHost};
//! # struct Host;
//! # impl GreeterHost for Host {
//! #     fn call_me(&mut self, name: String) -> String { name }
//! # }
//! // Not run as a test: it mounts host directories that do not exist here.
//! use wasp_host::{Access, Instance, InstanceConfig, Output, Stream};
//!
//! # fn main() -> Result<(), wasp::Error> {
//! # let engine = wasp_host::Engine::new()?;
//! # let plugin = engine.load::<dyn Greeter>("greeter.wasm")?;
//! let config = InstanceConfig::new()
//!     .env("LANG", "en")                                  // environment variables
//!     .arg("greeter")                                     // arguments
//!     .mount("/srv/in", "/input", Access::ReadOnly)       // any number of mounts
//!     .mount("/srv/out", "/output", Access::ReadWrite)
//!     .stdin(b"input".to_vec())                           // standard input
//!     .stdout(Output::Capture)                            // inherit, discard, capture or tracing
//!     .stderr(Output::Tracing);
//! let mut greeter = plugin.instantiate_with(Host, &config)?;
//! greeter.hello("Nic".into())?;
//! let printed = Instance::captured(&greeter, Stream::Stdout).map(|c| c.take());
//! # Ok(())
//! # }
//! ```
//!
//! A plugin reaches nothing outside its mounts (`..`, absolute paths and symbolic links
//! cannot leave them), a read-only mount refuses every change with a WASI error the plugin
//! sees, and captured output is capped ([`DEFAULT_CAPTURE_LIMIT`], 1 MiB per stream unless
//! [`InstanceConfig::capture_limit`] says otherwise): beyond the cap it is dropped and
//! counted, so a plugin cannot grow the host's memory by printing.
//!
//! # Logging and tracing
//! Everything a plugin says reaches the host's `tracing` subscriber with the plugin's name
//! ([`Plugin::name`]) and the instance's id ([`Instance::id`]) as the fields `plugin` and
//! `instance`:
//!
//! | what | target | level |
//! |---|---|---|
//! | `wasp::info!` and the other logging macros in a plugin (`wasp.log` in the ABI) | [`LOG_TARGET`] `wasp::plugin` | the plugin's: `error!` is `ERROR` ... `trace!` is `TRACE` |
//! | standard output, with [`Output::Tracing`] (the default) | [`STDOUT_TARGET`] `wasp::plugin::stdout` | `INFO` |
//! | standard error, with [`Output::Tracing`] (the default) | [`STDERR_TARGET`] `wasp::plugin::stderr` | `WARN` |
//! | a span `call` around every call, with the field `method` too | [`CALL_TARGET`] `wasp::call` | `DEBUG` |
//!
//! The host tells plugins the most verbose level the subscriber wants for [`LOG_TARGET`],
//! so a disabled log line is not even formatted inside the plugin. Without a subscriber that
//! wants them, the call spans cost a load and a branch per call, also when some crate enables
//! `tracing/log`: they are decided from the subscriber's level and the callsite's interest
//! before any span exists, and they reach `tracing` subscribers only, never `log`.
//!
//! # Limits
//! Every call (and instantiation) is interrupted after the engine's call timeout, 10 s by
//! default ([`EngineBuilder::call_timeout`]), with [`wasp::Error::Timeout`], so an endless
//! loop cannot hang the host. Each instance's memory is capped, 1 GiB by default
//! ([`EngineBuilder::max_memory`]); growing past it fails the call with
//! [`wasp::Error::MemoryLimit`].

#![warn(missing_docs)]

mod async_instance;
mod async_pool;
mod cache;
mod clock;
mod compile;
mod config;
mod core;
mod deadline;
mod descriptor;
mod dynamic;
mod engine;
mod failure;
mod instance;
mod linking;
mod logging;
mod output;
mod plugin;
mod pool;
mod precompiled;
mod raw;
mod reload;
mod stack;
mod store;
mod verify;
mod wasm;
#[cfg(feature = "watch")]
mod watch;

#[doc(hidden)]
pub use crate::core::{AsyncCore, Core};
pub use async_instance::AsyncInstance;
pub use async_pool::{AsyncPool, AsyncPoolBuilder, AsyncPooled};
pub use cache::CacheStats;
pub use config::{Access, DEFAULT_CAPTURE_LIMIT, InstanceConfig, Mount};
pub use deadline::CancelHandle;
pub use descriptor::{DescriptorSource, Descriptors};
pub use dynamic::{DynamicHost, DynamicInstance, DynamicPlugin, WireValue};
pub use engine::{
    DEFAULT_CALL_TIMEOUT, DEFAULT_MAX_MEMORY, DEFAULT_MAX_MODULE_SIZE, DEFAULT_MAX_TABLE_ELEMENTS,
    DEFAULT_MAX_WASM_STACK, Engine, EngineBuilder,
};
pub use instance::Instance;
pub use logging::{CALL_TARGET, LOG_TARGET, STDERR_TARGET, STDOUT_TARGET};
pub use output::{Captured, MAX_FORWARDED_LINE, Output, Stream};
pub use plugin::Plugin;
pub use pool::{
    DEFAULT_CHECKOUT_TIMEOUT, DEFAULT_MAX_INSTANCES, Pool, PoolBuilder, PoolMetrics, Pooled, Reuse,
};
pub use precompiled::artifact_digest;
pub use raw::{RawArg, RawArgs, RawFunc, RawInstance, RawPlugin, RawResult};
pub use reload::{RELOAD_TARGET, Reloadable, Version, Versioned};
pub use wasp::{Contract, Error, HostError, HostResult};
#[cfg(feature = "watch")]
pub use watch::{DEFAULT_DEBOUNCE, Watcher};
