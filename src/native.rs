//! Host functions for a plugin compiled natively, so that a plugin crate's own `cargo test`
//! runs its logic against a fake host.
//!
//! On wasm32 the module `#[wasp::host]` generates calls the engine's imports. On other targets
//! it calls the host its test installed on the current thread with the module's `set_host`;
//! this module holds those hosts. One slot per host trait and per thread, because Rust runs
//! each test on a thread of its own: tests cannot see each other's fakes.

use std::any::{Any, TypeId};
use std::cell::RefCell;

/// An installed host: the value (the test's own type, so that it can be taken back) and the
/// generated function that views it as the host trait object, both type-erased here because
/// this crate does not know the trait.
struct Installed {
    contract: TypeId,
    host: Box<dyn Any>,
    view: Box<dyn Any>,
}

thread_local! {
    static HOSTS: RefCell<Vec<Installed>> = const { RefCell::new(Vec::new()) };
}

/// Installs `host` as this thread's implementation of the host trait `K` (`dyn Trait`), with
/// `view`, the generated function that turns it into `&mut dyn Trait`. Replaces the one
/// installed before.
pub fn install<K: ?Sized + 'static>(host: Box<dyn Any>, view: Box<dyn Any>) {
    let contract = TypeId::of::<K>();
    HOSTS.with(|hosts| {
        let mut hosts = hosts.borrow_mut();
        hosts.retain(|h| h.contract != contract);
        hosts.push(Installed {
            contract,
            host,
            view,
        });
    });
}

/// Removes this thread's implementation of `K` and returns it.
pub fn take<K: ?Sized + 'static>() -> Option<Box<dyn Any>> {
    let contract = TypeId::of::<K>();
    HOSTS.with(|hosts| {
        let mut hosts = hosts.borrow_mut();
        let position = hosts.iter().position(|h| h.contract == contract)?;
        Some(hosts.remove(position).host)
    })
}

/// Runs `f` on this thread's implementation of `K` and its view function.
///
/// # Panics
/// When no implementation is installed, with a message naming the function the plugin called
/// and the call that installs one: the native counterpart of a host that lacks a function.
pub fn with<K: ?Sized + 'static, R>(
    module: &str,
    function: &str,
    f: impl FnOnce(&mut dyn Any, &dyn Any) -> R,
) -> R {
    let contract = TypeId::of::<K>();
    // Taken out of the slot for the call, so that the fake host may itself install or take
    // hosts without a `RefCell` conflict; put back afterwards.
    let installed = HOSTS.with(|hosts| {
        let mut hosts = hosts.borrow_mut();
        let position = hosts.iter().position(|h| h.contract == contract);
        position.map(|p| hosts.remove(p))
    });
    let mut installed = match installed {
        Some(installed) => installed,
        None => panic!(
            "the plugin called the host function `{0}::{1}` natively, but no host is installed \
             on this thread: call `{0}::set_host(my_fake_host)` in the test first",
            module, function
        ),
    };
    let result = f(&mut *installed.host, &*installed.view);
    HOSTS.with(|hosts| {
        let mut hosts = hosts.borrow_mut();
        // A host the call installed meanwhile wins over the one that ran it.
        if !hosts.iter().any(|h| h.contract == contract) {
            hosts.push(installed);
        }
    });
    result
}

/// The value of a fallible host function called natively. An `Err` abandons the plugin's
/// call on wasm32 (the host caller receives `Error::HostFunction`); natively the call is
/// abandoned by a panic naming the function and the message.
///
/// # Panics
/// When `result` is an `Err`.
pub fn host_result<T>(function: &str, result: crate::HostResult<T>) -> T {
    match result {
        Ok(value) => value,
        Err(error) => panic!("host function `{}` failed: {}", function, error),
    }
}
