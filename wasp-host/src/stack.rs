//! The calling thread's native stack. Wasm runs on it: wasmtime traps recursion once wasm
//! used [`EngineBuilder::max_wasm_stack`](crate::EngineBuilder::max_wasm_stack) bytes, but
//! on a thread with less stack left than that, recursion reaches the thread's guard page
//! first, and that kills the process. So calls check the room left before entering wasm.

use std::cell::Cell;

/// Stack the host's own frames need beyond wasm's (the call path, host functions, WASI).
pub(crate) const HOST_MARGIN: usize = 64 << 10;

thread_local! {
    /// The lowest address of this thread's stack; 0 when it cannot be known. Found once per
    /// thread, which costs a system call or two (a file read for the main thread).
    static LOW: Cell<Option<usize>> = const { Cell::new(None) };
}

#[cfg(target_os = "linux")]
fn stack_low() -> usize {
    let mut attr = std::mem::MaybeUninit::<libc::pthread_attr_t>::uninit();
    // SAFETY: `pthread_getattr_np` initialises `attr` when it returns 0, and only then is
    // it read and destroyed; `addr` and `size` are plain out-parameters.
    unsafe {
        if libc::pthread_getattr_np(libc::pthread_self(), attr.as_mut_ptr()) != 0 {
            return 0;
        }
        let mut addr = std::ptr::null_mut();
        let mut size = 0;
        let rc = libc::pthread_attr_getstack(attr.as_ptr(), &mut addr, &mut size);
        libc::pthread_attr_destroy(attr.as_mut_ptr());
        if rc == 0 { addr as usize } else { 0 }
    }
}

#[cfg(not(target_os = "linux"))]
fn stack_low() -> usize {
    0
}

/// The native stack left below this frame, in bytes; `None` when unknown.
#[inline]
pub(crate) fn remaining() -> Option<usize> {
    let low = LOW.with(|low| match low.get() {
        Some(v) => v,
        None => {
            let v = stack_low();
            low.set(Some(v));
            v
        }
    });
    if low == 0 {
        return None;
    }
    let marker = 0u8;
    let here = std::ptr::addr_of!(marker) as usize;
    Some(here.saturating_sub(low))
}

/// Whether this thread has room for `max_wasm_stack` bytes of wasm plus the host's margin;
/// the room left when it has not.
#[inline]
pub(crate) fn lacks_room(max_wasm_stack: usize) -> Option<usize> {
    remaining().filter(|&left| left < max_wasm_stack.saturating_add(HOST_MARGIN))
}
