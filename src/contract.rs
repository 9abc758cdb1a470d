//! The traits that tie a contract's generated code to an engine.
//!
//! `#[wasp::plugin]` implements [`Contract`] for `dyn YourTrait` and `#[wasp::host]`
//! implements [`HostInterface`] and [`HostContract`] for `dyn YourHostTrait`. Users name
//! these traits only in bounds; an engine (such as `wasp-host`) consumes them.

use crate::runtime::{AsyncBackend, AsyncHostDispatch, Backend, HostDispatch};

/// A plugin contract: implemented by `#[wasp::plugin]` for `dyn Trait`, so that a host
/// writes `engine.load::<dyn Greeter>(path)`.
pub trait Contract: 'static {
    /// The host functions plugins of this contract may call: `dyn HostTrait`, or [`NoHost`].
    type Host: ?Sized + HostInterface;
    /// The contract's name: the trait's name.
    const NAME: &'static str;
    /// The contract's version: the highest `#[wasp(since = N)]` of its methods, at least 1.
    const VERSION: u32;
    /// The methods' Rust names, in declaration order (the descriptor's method names are the
    /// names on the wire, which `#[wasp(rename)]` may change).
    const METHODS: &'static [&'static str];
    /// The whole contract descriptor (see `docs/ABI.md`): methods, host functions and the
    /// shape of every type they reach. Computed on each call; hosts call it once per load.
    fn descriptor() -> crate::descriptor::Contract;
}

/// The typed handle of contract `Self` over an engine's per-instance backend `B`:
/// implemented by `#[wasp::plugin]` for every `B`, so that an engine names
/// `<dyn Greeter as HandleFor<MyBackend>>::Handle` and calls through it without a virtual
/// call or a downcast. (A trait generic over `B` rather than a generic associated type,
/// which plugins' Rust 1.63 does not have.)
pub trait HandleFor<B: Backend>: Contract {
    /// The generated handle: its methods mirror the trait's.
    type Handle: Handle<B>;
}

/// The typed async handle of contract `Self` over an engine's async backend `B`:
/// implemented by `#[wasp::plugin]` for every `B`. Its methods are the trait's, as `async fn`.
///
/// # Safety
/// `AsyncHandle` must be `#[repr(transparent)]` over `B`: an engine holds the backend and
/// views it as the handle, so that the instance's type names no associated type of the
/// contract (a future holding such a type across an `.await` would not be `Send` inside a
/// spawned task, where the compiler no longer knows the contract's `dyn Trait` is `'static`).
pub unsafe trait AsyncHandleFor<B: AsyncBackend>: Contract {
    /// The generated async handle.
    type AsyncHandle: Handle<B>;
}

/// A generated typed handle around an engine's backend `B`.
pub trait Handle<B>: Send + Sized + 'static {
    /// The handle over `backend`.
    fn from_backend(backend: B) -> Self;
    /// The backend, shared.
    fn backend(&self) -> &B;
    /// The backend.
    fn backend_mut(&mut self) -> &mut B;
}

/// A set of host functions: implemented by `#[wasp::host]` for `dyn HostTrait`.
pub trait HostInterface: 'static {
    /// The host part of the contract descriptor, defining the types it reaches in `types`;
    /// `None` for [`NoHost`].
    fn describe(types: &mut crate::descriptor::Types) -> Option<crate::descriptor::HostInterface>;
}

/// Turns a host value `H` into the dispatcher an engine calls when the plugin calls a host
/// function. `#[wasp::host]` implements it for `dyn HostTrait` and every `H: HostTrait`.
pub trait HostContract<H>: HostInterface {
    #[doc(hidden)]
    fn into_dispatch(host: H) -> Box<dyn HostDispatch>;
}

/// Turns a host value `H` into the dispatcher an engine awaits when the plugin calls a host
/// function of an async instance. `#[wasp::host]` implements it for `dyn HostTrait` and
/// every `H` that implements the generated `AsyncHostTrait`.
pub trait AsyncHostContract<H>: HostInterface {
    #[doc(hidden)]
    fn into_async_dispatch(host: H) -> Box<dyn AsyncHostDispatch>;
}

/// The host side of a contract that names no host functions; instantiate such plugins with
/// `()`.
pub enum NoHost {}

impl HostInterface for NoHost {
    fn describe(_: &mut crate::descriptor::Types) -> Option<crate::descriptor::HostInterface> {
        None
    }
}

impl HostContract<()> for NoHost {
    fn into_dispatch(host: ()) -> Box<dyn HostDispatch> {
        Box::new(crate::runtime::NoDispatch(host))
    }
}

impl AsyncHostContract<()> for NoHost {
    fn into_async_dispatch(host: ()) -> Box<dyn AsyncHostDispatch> {
        Box::new(crate::runtime::NoDispatch(host))
    }
}
