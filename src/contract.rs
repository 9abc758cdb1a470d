//! The traits that tie a contract's generated code to an engine.
//!
//! `#[wasp::plugin]` implements [`Contract`] for `dyn YourTrait` and `#[wasp::host]`
//! implements [`HostInterface`] and [`HostContract`] for `dyn YourHostTrait`. Users name
//! these traits only in bounds; an engine (such as `wasp-host`) consumes them.

use crate::runtime::{Backend, HostDispatch};

/// A plugin contract: implemented by `#[wasp::plugin]` for `dyn Trait`, so that a host
/// writes `engine.load::<dyn Greeter>(path)`.
pub trait Contract: 'static {
    /// The generated typed handle whose methods mirror the trait's.
    type Handle: Handle;
    /// The host functions plugins of this contract may call: `dyn HostTrait`, or [`NoHost`].
    type Host: ?Sized + HostInterface;
    /// The contract's name: the trait's name.
    const NAME: &'static str;
    /// The contract's version: the highest `#[wasp(since = N)]` of its methods, at least 1.
    const VERSION: u32;
    /// The whole contract descriptor (see `docs/ABI.md`): methods, host functions and the
    /// shape of every type they reach. Computed on each call; hosts call it once per load.
    fn descriptor() -> crate::descriptor::Contract;
}

/// A generated typed handle. Engines build one around their per-instance backend.
pub trait Handle: Send + Sized + 'static {
    #[doc(hidden)]
    fn from_backend(backend: Box<dyn Backend>) -> Self;
    #[doc(hidden)]
    fn backend(&mut self) -> &mut dyn Backend;
    #[doc(hidden)]
    fn backend_ref(&self) -> &dyn Backend;
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
