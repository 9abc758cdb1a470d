//! The runtime inside a Wasp plugin.
//!
//! Generated export shims and host-function wrappers call these functions; plugin authors
//! never do. Everything here follows `docs/ABI.md`:
//!
//! - `wasp_alloc(len)` hands the host a block for a call's buffer arguments. The block then
//!   belongs to the plugin, which frees it when the call returns ([`ArgBlock`]), or keeps it
//!   as the argument's own storage when a single owned `String`/`Vec<u8>` arrives in it.
//! - A buffer result stays in a return slot until the next call into the plugin (any export,
//!   `wasp_alloc` included), so the host reads it without another crossing to free it.
//! - A panic reports its message and location through the `wasp.panic` import; the host
//!   turns it into an error and unwinds the call.
//! - Log lines ([`log`], behind the `wasp::info!` family of macros) go to the `wasp.log`
//!   import, after asking `wasp.log_level` once per call whether the host wants them.
//!
//! The plugin is single-threaded and the host never re-enters an export while another runs
//! (except `wasp_alloc`, which touches only the return slot), which is what makes the
//! `static mut` state below sound.
//!
//! It compiles with Rust 1.63 and on any target; the wasm-specific parts are
//! `cfg(target_arch = "wasm32")`.

#![warn(missing_docs)]

use serde::{de::DeserializeOwned, Serialize};
use std::alloc::{alloc, dealloc, Layout};
use std::cell::Cell;
use wasp_abi::{codec, pack, unpack, Scalar};

pub use wasp_abi;

// The previous call's buffer result, kept alive until the host has read it.
static mut RETURN_SLOT: Vec<u8> = Vec::new();
static mut PANIC_HOOK_INSTALLED: bool = false;
// The host's answer to `wasp.log_level` during this call; `LEVEL_UNKNOWN` until asked.
static mut LOG_LEVEL: i32 = LEVEL_UNKNOWN;
const LEVEL_UNKNOWN: i32 = -1;

/// Makes the plugin a WASI *reactor*: the host calls `_initialize` once per instance, before
/// anything else (ABI section 1), and it runs the static constructors.
///
/// Referring to `__wasm_call_ctors` here is also what tells the linker that constructors are
/// taken care of. A `cdylib` without it is linked as a *command*, whose every export the
/// linker wraps to run the constructors before and the destructors after each call: a
/// wrapper call and a destructor call on every call into the plugin, for nothing, since Rust
/// code registers neither.
#[cfg(target_arch = "wasm32")]
#[export_name = "_initialize"]
pub extern "C" fn wasp_initialize() {
    extern "C" {
        fn __wasm_call_ctors();
    }
    // SAFETY: the linker defines `__wasm_call_ctors`; the host calls `_initialize` once,
    // before any other export.
    unsafe { __wasm_call_ctors() }
}

/// Called first by every export: releases the previous call's result and makes sure panics
/// are reported to the host.
#[inline]
pub fn enter() {
    // SAFETY: single-threaded plugin; no reference into the slot outlives a call.
    unsafe {
        let slot = &mut *std::ptr::addr_of_mut!(RETURN_SLOT);
        if slot.capacity() != 0 {
            *slot = Vec::new();
        }
        let installed = &mut *std::ptr::addr_of_mut!(PANIC_HOOK_INSTALLED);
        if !*installed {
            *installed = true;
            install_panic_hook();
        }
        // The host's subscriber may have changed since the last call: ask again when needed.
        *std::ptr::addr_of_mut!(LOG_LEVEL) = LEVEL_UNKNOWN;
    }
}

/// Allocates `len` bytes with alignment 1 for the host to fill. Returns 0 when `len` is not
/// positive; the host never asks for an empty block.
///
/// Exported as `wasp_alloc` on wasm32.
#[cfg_attr(target_arch = "wasm32", export_name = "wasp_alloc")]
pub extern "C" fn wasp_alloc(len: i32) -> i32 {
    enter();
    if len <= 0 {
        return 0;
    }
    // SAFETY: non-zero size, alignment 1.
    let ptr = unsafe { alloc(Layout::from_size_align_unchecked(len as usize, 1)) };
    if ptr.is_null() {
        std::alloc::handle_alloc_error(
            Layout::from_size_align(len as usize, 1).unwrap_or(Layout::new::<u8>()),
        );
    }
    ptr as usize as i32
}

fn block_layout(len: usize) -> Layout {
    // SAFETY: alignment 1 is a power of two and len came from a successful allocation.
    unsafe { Layout::from_size_align_unchecked(len, 1) }
}

/// The block of one call's buffer arguments. The host lays them out back to back in
/// parameter order, so the first buffer's pointer is the block's start and the lengths add
/// up to its size. Dropping it frees the block, unless [`ArgBlock::string`] or
/// [`ArgBlock::bytes`] took it over as the storage of the call's only buffer argument.
///
/// Every method takes `&self` (the bookkeeping is in [`Cell`]s) and the borrowed arguments it
/// hands out ([`ArgBlock::str`], [`ArgBlock::byte_slice`]) borrow the block, so several of them
/// can coexist and none can outlive the block: a parameter declared `&'static str` fails to
/// borrow-check instead of dangling once the block is freed.
pub struct ArgBlock {
    start: Cell<usize>,
    size: Cell<usize>,
    seen: Cell<usize>,
    buffers: usize,
    owned: Cell<bool>,
}

impl ArgBlock {
    /// A call with `buffers` buffer parameters.
    #[inline]
    pub fn new(buffers: usize) -> Self {
        ArgBlock {
            start: Cell::new(0),
            size: Cell::new(0),
            seen: Cell::new(0),
            buffers,
            owned: Cell::new(false),
        }
    }

    #[inline]
    fn note(&self, ptr: i32, len: i32) {
        if self.seen.get() == 0 {
            self.start.set(ptr as u32 as usize);
        }
        self.seen.set(self.seen.get() + 1);
        self.size.set(self.size.get() + len as u32 as usize);
    }

    /// The bytes at `(ptr, len)`, borrowed for as long as the block lives.
    ///
    /// # Safety
    /// `(ptr, len)` must be a range of this call's block, as the host passed it.
    #[inline]
    unsafe fn slice(&self, ptr: i32, len: i32) -> &[u8] {
        if len == 0 {
            &[]
        } else {
            std::slice::from_raw_parts(ptr as u32 as usize as *const u8, len as u32 as usize)
        }
    }

    /// An owned byte argument.
    ///
    /// # Safety
    /// `(ptr, len)` must be this call's next buffer argument, as the host passed it, taken
    /// once.
    #[inline]
    pub unsafe fn bytes(&self, ptr: i32, len: i32) -> Vec<u8> {
        self.note(ptr, len);
        if self.buffers == 1 && len > 0 {
            // The block holds exactly this argument and was allocated with this layout, so
            // it becomes the vector's storage without a copy.
            self.owned.set(true);
            let n = len as u32 as usize;
            Vec::from_raw_parts(ptr as u32 as usize as *mut u8, n, n)
        } else {
            self.slice(ptr, len).to_vec()
        }
    }

    /// An owned string argument.
    ///
    /// # Safety
    /// As [`ArgBlock::bytes`].
    #[inline]
    pub unsafe fn string(&self, ptr: i32, len: i32) -> String {
        match String::from_utf8(self.bytes(ptr, len)) {
            Ok(s) => s,
            Err(_) => panic!("wasp: the host passed a string argument that is not UTF-8"),
        }
    }

    /// A borrowed byte argument, valid as long as the block.
    ///
    /// # Safety
    /// As [`ArgBlock::bytes`].
    #[inline]
    pub unsafe fn byte_slice(&self, ptr: i32, len: i32) -> &[u8] {
        self.note(ptr, len);
        self.slice(ptr, len)
    }

    /// A borrowed string argument, valid as long as the block.
    ///
    /// # Safety
    /// As [`ArgBlock::bytes`].
    #[inline]
    pub unsafe fn str(&self, ptr: i32, len: i32) -> &str {
        match std::str::from_utf8(self.byte_slice(ptr, len)) {
            Ok(s) => s,
            Err(_) => panic!("wasp: the host passed a string argument that is not UTF-8"),
        }
    }

    /// A structured argument.
    ///
    /// # Safety
    /// As [`ArgBlock::bytes`].
    pub unsafe fn decode<T: DeserializeOwned>(&self, ptr: i32, len: i32) -> T {
        let bytes = self.byte_slice(ptr, len);
        match codec::decode(bytes) {
            Ok(v) => v,
            Err(e) => panic!(
                "wasp: argument of type {} does not decode: {}",
                std::any::type_name::<T>(),
                e
            ),
        }
    }
}

impl Drop for ArgBlock {
    fn drop(&mut self) {
        let size = self.size.get();
        if !self.owned.get() && size > 0 {
            // SAFETY: the host allocated the block with wasp_alloc(size) at `start` (the
            // first buffer's pointer), and no argument took it over (`owned` is false).
            unsafe { dealloc(self.start.get() as *mut u8, block_layout(size)) }
        }
    }
}

/// A scalar argument from its wasm value.
///
/// # Panics
/// When the host passed a value outside `T`'s range, which a conforming host never does.
#[inline]
pub fn scalar_arg<T: Scalar>(wasm: T::Wasm) -> T {
    match T::from_wasm(wasm) {
        Some(v) => v,
        None => panic!("wasp: invalid {} argument", std::any::type_name::<T>()),
    }
}

/// A scalar result as its wasm value.
#[inline]
pub fn scalar_ret<T: Scalar>(value: T) -> T::Wasm {
    value.into_wasm()
}

/// Keeps `bytes` in the return slot and returns their packed pointer and length.
#[inline]
pub fn return_bytes(bytes: Vec<u8>) -> i64 {
    let packed = pack(bytes.as_ptr() as usize as u32, bytes.len() as u32) as i64;
    // SAFETY: see `enter`.
    unsafe {
        *std::ptr::addr_of_mut!(RETURN_SLOT) = bytes;
    }
    packed
}

/// A string result.
#[inline]
pub fn return_string(s: String) -> i64 {
    return_bytes(s.into_bytes())
}

/// A structured result, encoded.
///
/// # Panics
/// When the value cannot be encoded; the host receives it as a panic error.
pub fn return_serde<T: Serialize>(value: &T) -> i64 {
    match codec::encode(value) {
        Ok(bytes) => return_bytes(bytes),
        Err(e) => panic!(
            "wasp: result of type {} does not encode: {}",
            std::any::type_name::<T>(),
            e
        ),
    }
}

// ---- calling host functions ----

/// A structured argument for a host function, encoded into a buffer the caller keeps
/// alive for the duration of the call.
///
/// # Panics
/// When the value cannot be encoded.
pub fn encode_arg<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    match codec::encode(value) {
        Ok(bytes) => bytes,
        Err(e) => panic!(
            "wasp: argument of type {} does not encode: {}",
            std::any::type_name::<T>(),
            e
        ),
    }
}

/// The pointer wasm value of a buffer argument to a host function.
#[inline]
pub fn ptr_of(bytes: &[u8]) -> i32 {
    bytes.as_ptr() as usize as i32
}

/// The length wasm value of a buffer argument to a host function.
#[inline]
pub fn len_of(bytes: &[u8]) -> i32 {
    bytes.len() as i32
}

/// Takes ownership of a buffer a host function returned in a block from `wasp_alloc`.
///
/// # Safety
/// `packed` must be a host function's buffer result, taken once.
#[inline]
pub unsafe fn take_host_bytes(packed: i64) -> Vec<u8> {
    let (ptr, len) = unpack(packed as u64);
    if len == 0 {
        Vec::new()
    } else {
        Vec::from_raw_parts(ptr as usize as *mut u8, len as usize, len as usize)
    }
}

/// A string returned by a host function.
///
/// # Safety
/// As [`take_host_bytes`].
#[inline]
pub unsafe fn take_host_string(packed: i64) -> String {
    match String::from_utf8(take_host_bytes(packed)) {
        Ok(s) => s,
        Err(_) => panic!("wasp: a host function returned a string that is not UTF-8"),
    }
}

/// A structured value returned by a host function.
///
/// # Safety
/// As [`take_host_bytes`].
pub unsafe fn take_host_serde<T: DeserializeOwned>(packed: i64) -> T {
    let bytes = take_host_bytes(packed);
    match codec::decode(&bytes) {
        Ok(v) => v,
        Err(e) => panic!(
            "wasp: a host function's {} result does not decode: {}",
            std::any::type_name::<T>(),
            e
        ),
    }
}

// ---- logging ----

#[cfg(target_arch = "wasm32")]
#[link(wasm_import_module = "wasp")]
extern "C" {
    #[link_name = "log"]
    fn wasp_log(level: i32, msg_ptr: i32, msg_len: i32);
    #[link_name = "log_level"]
    fn wasp_log_level() -> i32;
}

/// The most verbose level the host wants log lines at, as a wasm value (0: none, 1: errors
/// only, ... 5: everything). Asked from the host at most once per call into the plugin.
///
/// On other targets every level is enabled.
#[inline]
pub fn max_log_level() -> i32 {
    // SAFETY: see `enter`.
    unsafe {
        let cached = &mut *std::ptr::addr_of_mut!(LOG_LEVEL);
        if *cached == LEVEL_UNKNOWN {
            *cached = ask_log_level();
        }
        *cached
    }
}

#[cfg(target_arch = "wasm32")]
fn ask_log_level() -> i32 {
    // SAFETY: an import without arguments.
    unsafe { wasp_log_level() }
}

#[cfg(not(target_arch = "wasm32"))]
fn ask_log_level() -> i32 {
    wasp_abi::Level::Trace.as_i32()
}

/// Whether a log line at `level` would reach the host; the logging macros check it before
/// formatting anything.
#[inline]
pub fn log_enabled(level: wasp_abi::Level) -> bool {
    level.as_i32() <= max_log_level()
}

/// Sends one log line to the host (`wasp.log`), which makes it a `tracing` event with the
/// plugin's name and instance id. Check [`log_enabled`] first to skip the formatting.
///
/// On targets other than wasm32 (a plugin's own unit tests, say) the line goes to standard
/// error as `[LEVEL] message`, where the test harness captures it.
pub fn log(level: wasp_abi::Level, message: std::fmt::Arguments<'_>) {
    match message.as_str() {
        Some(text) => log_str(level, text),
        None => log_str(level, &std::fmt::format(message)),
    }
}

#[cfg(target_arch = "wasm32")]
fn log_str(level: wasp_abi::Level, text: &str) {
    // SAFETY: the host reads the range, bounds-checked, during the call.
    unsafe { wasp_log(level.as_i32(), text.as_ptr() as i32, text.len() as i32) }
}

#[cfg(not(target_arch = "wasm32"))]
fn log_str(level: wasp_abi::Level, text: &str) {
    eprintln!("[{}] {}", level, text);
}

// ---- panics ----

#[cfg(target_arch = "wasm32")]
#[link(wasm_import_module = "wasp")]
extern "C" {
    #[link_name = "panic"]
    fn wasp_panic(msg_ptr: i32, msg_len: i32, file_ptr: i32, file_len: i32, line: i32, column: i32);
}

#[cfg(target_arch = "wasm32")]
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let message: &str = if let Some(s) = payload.downcast_ref::<&str>() {
            s
        } else if let Some(s) = payload.downcast_ref::<String>() {
            s
        } else {
            "Box<dyn Any>"
        };
        let (file, line, column) = match info.location() {
            Some(l) => (l.file(), l.line(), l.column()),
            None => ("", 0, 0),
        };
        // SAFETY: the host reads the two ranges, bounds-checked, and ends the call.
        unsafe {
            wasp_panic(
                message.as_ptr() as i32,
                message.len() as i32,
                file.as_ptr() as i32,
                file.len() as i32,
                line as i32,
                column as i32,
            );
        }
    }));
}

#[cfg(not(target_arch = "wasm32"))]
fn install_panic_hook() {}
