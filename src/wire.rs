//! How each Rust type crosses the boundary, as trait impls: the wasm-bindgen way.
//!
//! The macros never look at how a type is spelled. For every parameter they emit the same
//! calls, `<T as Wire>::...`, for every result `<T as WireResult>::...`, and the impls here
//! decide what travels: one wasm value (the scalars, from the one list in
//! `wasp_abi::for_each_scalar!`), raw bytes in guest memory (strings and byte buffers), or a
//! postcard encoding (every [`Encoded`] type). Supporting another type is an impl here, not a
//! macro change.
//!
//! The family:
//! - [`Abi`]: a wasm-level shape (one of `i32`, `i64`, `f32`, `f64`, [`Buffer`], `()`): the Rust
//!   types an `extern "C"` shim takes and returns for it, and its wasm value types.
//! - [`Wire`]: a type that can be a parameter: its shape, its descriptor entry, how the host
//!   lowers it into a call's arguments and how the plugin passes it to a host function.
//! - [`GuestParam`]: a parameter an export shim lifts out of the call's argument block;
//!   borrowed ones borrow the block, so they cannot outlive the call.
//! - [`HostArg`]: a parameter a host function lifts out of the plugin's memory, bounds-checked.
//! - [`WireResult`]: a type that can be a result: its shape and descriptor entry, lifted by the
//!   host from what the engine returns (a pure function), lowered by the plugin as an export's
//!   result, taken over by the plugin from a host function, lowered by the host as a host
//!   function's result. Every owned [`Wire`] type is one, and so is `()` (no result), which is
//!   no parameter; references are parameters only.
//!
//! All of them are sealed: [`Wire`] and [`WireResult`] each have a method taking a type other
//! crates cannot name, and the other two require [`Wire`]. Types of your own get the serde kind
//! through [`Encoded`], which `#[derive(wasp::Schema)]` implements.

use crate::descriptor::{ScalarType, Types, WireType};
use crate::runtime::{guest_slice, CallArgs, HostReturn};
use crate::{Error, Schema};
use serde::{de::DeserializeOwned, Serialize};
use std::any::TypeId;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap, HashSet, LinkedList, VecDeque};
use std::mem::ManuallyDrop;
use std::rc::Rc;
use std::sync::Arc;
use wasp_abi::{codec, Scalar, ValType};
use wasp_guest::{self as guest, ArgBlock};

mod sealed {
    /// Keeps [`super::Wire`] and [`super::WireResult`] closed: only this crate decides how a
    /// type travels. Each has a method taking this type, which other crates cannot name, so
    /// they cannot implement it. (A private supertrait would do the same, but then every
    /// "cannot cross" error would come once more for the supertrait, naming a trait the user
    /// cannot see.)
    pub struct Token;
    /// Keeps [`super::Abi`] to the shapes docs/ABI.md defines.
    pub trait Shape {}
}

// ---- shapes ----

/// A wasm-level shape: what one parameter or result is at the wasm boundary.
///
/// `P1` and `P2` are the Rust types of a parameter's (at most two) wasm values in an `extern
/// "C"` signature, `()` where there is none: the wasm32 C ABI passes nothing for a zero-sized
/// argument, so a shim declares two parameters per Rust parameter and gets exactly the wasm
/// signature of docs/ABI.md. `Ret` is the type of a result (`()`: no result).
pub trait Abi: sealed::Shape + 'static {
    /// The first wasm value of a parameter.
    type P1;
    /// The second wasm value of a parameter, `()` when there is only one (or none).
    type P2;
    /// The wasm result.
    type Ret;
    /// The wasm value types of a parameter, in order.
    const PARAMS: &'static [ValType];
    /// The wasm value type of a result, if there is one.
    const RESULT: Option<ValType>;
    /// Whether the value travels through linear memory (pointer and length).
    const BUFFER: bool;
}

macro_rules! value_abi {
    ($($t:ty => $v:ident),*) => {$(
        impl sealed::Shape for $t {}
        /// One wasm value, passed and returned as itself.
        impl Abi for $t {
            type P1 = $t;
            type P2 = ();
            type Ret = $t;
            const PARAMS: &'static [ValType] = &[ValType::$v];
            const RESULT: Option<ValType> = Some(ValType::$v);
            const BUFFER: bool = false;
        }
    )*};
}

value_abi!(i32 => I32, i64 => I64, f32 => F32, f64 => F64);

/// Bytes in the plugin's memory: a parameter is `(ptr: i32, len: i32)`, a result one `i64`
/// packing both (docs/ABI.md, section 2).
pub enum Buffer {}

impl sealed::Shape for Buffer {}

impl Abi for Buffer {
    type P1 = i32;
    type P2 = i32;
    type Ret = i64;
    const PARAMS: &'static [ValType] = &[ValType::I32, ValType::I32];
    const RESULT: Option<ValType> = Some(ValType::I64);
    const BUFFER: bool = true;
}

impl sealed::Shape for () {}

/// Nothing at all: `()` as a result is a function without a result.
impl Abi for () {
    type P1 = ();
    type P2 = ();
    type Ret = ();
    const PARAMS: &'static [ValType] = &[];
    const RESULT: Option<ValType> = None;
    const BUFFER: bool = false;
}

/// Names the shape of a type whose spelling may hold elided lifetimes, as
/// `AbiOf<fn(<T as Wire>::Abi)>`: a `fn` pointer type accepts elided lifetimes anywhere (they
/// become its own higher-ranked ones) and the projection inside it normalises to a shape
/// without lifetimes. Generated type aliases and `extern` signatures use it, so that `&str`
/// or `Cow<str>` in a contract need no lifetime there.
pub trait ShapeOf {
    /// The shape.
    type Abi: Abi;
}

impl<A: Abi> ShapeOf for fn(A) {
    type Abi = A;
}

/// The shape named by `F` (see [`ShapeOf`]).
pub type AbiOf<F> = <F as ShapeOf>::Abi;
/// The first wasm value of a parameter of shape `A`.
pub type P1<A> = <A as Abi>::P1;
/// The second wasm value of a parameter of shape `A`.
pub type P2<A> = <A as Abi>::P2;
/// The wasm result of shape `A`.
pub type Ret<A> = <A as Abi>::Ret;

/// What the engine returned from a call, before it is lifted into a Rust value: nothing, the
/// bits of one wasm value (integers zero-extended, floats as their bit pattern), or the bytes
/// a buffer result points at, already bounds-checked.
#[derive(Debug, Clone, Copy)]
pub enum Returned<'a> {
    /// The function has no result.
    Unit,
    /// One wasm value.
    Bits(u64),
    /// The bytes of a buffer result.
    Bytes(&'a [u8]),
}

// ---- the traits ----

// Every trait of the family carries the same diagnostic, word for word: a type that cannot
// cross meets several of them in generated code, and identical errors at one place are shown
// once.

/// A type that can be a parameter of a contract method or host function. Sealed: implemented
/// here for the scalars, strings, byte buffers, and every [`Encoded`] type (what
/// `#[derive(wasp::Schema)]` gives a type of your own).
#[cfg_attr(
    wasp_diagnostic_namespace,
    diagnostic::on_unimplemented(
        message = "`{Self}` cannot cross a wasp contract",
        label = "not a scalar, string, byte buffer or `wasp::Schema` type",
        note = "for a struct or enum of your own, add `wasp::Schema` to its derives: `#[derive(Serialize, Deserialize, wasp::Schema)]`",
        note = "a type with a hand-written `wasp::Schema` impl also implements `wasp::Encoded`: `impl wasp::Encoded for MyType {{}}`"
    )
)]
pub trait Wire {
    /// The wasm shape of a parameter of this type.
    type Abi: Abi;

    #[doc(hidden)]
    fn sealed(_: sealed::Token);

    /// The descriptor entry for a parameter of this type, defining in `types` the named types
    /// it reaches.
    fn wire_type(types: &mut Types) -> WireType;

    /// Host side: appends `self` to the arguments of a call of `function`.
    ///
    /// # Errors
    /// [`Error::Encode`] when a serde value cannot be encoded.
    fn lower<'a>(&'a self, function: &str, args: &mut CallArgs<'a>) -> Result<(), Error>;

    /// Plugin side: the wasm values that pass `self` to a host function. A value that must be
    /// encoded first is encoded into `keep`, which the caller keeps alive until the host
    /// function returns (as it must `self`, for a borrowed string or buffer).
    ///
    /// # Panics
    /// When a serde value cannot be encoded.
    fn import_arg(&self, keep: &mut Vec<u8>) -> (P1<Self::Abi>, P2<Self::Abi>);
}

/// A type that can be a result: what a plugin method or host function returns. Sealed, as
/// [`Wire`]: the owned [`Wire`] types and `()`.
#[cfg_attr(
    wasp_diagnostic_namespace,
    diagnostic::on_unimplemented(
        message = "`{Self}` cannot cross a wasp contract",
        label = "not a scalar, string, byte buffer or `wasp::Schema` type",
        note = "for a struct or enum of your own, add `wasp::Schema` to its derives: `#[derive(Serialize, Deserialize, wasp::Schema)]`",
        note = "a type with a hand-written `wasp::Schema` impl also implements `wasp::Encoded`: `impl wasp::Encoded for MyType {{}}`"
    )
)]
pub trait WireResult: Sized {
    /// The wasm shape of a result of this type: the same as [`Wire::Abi`] for a type that is
    /// both.
    type Abi: Abi;

    #[doc(hidden)]
    fn sealed(_: sealed::Token);

    /// The descriptor entry for a result of this type, defining in `types` the named types
    /// it reaches; `None` for `()`, which is no result at all.
    fn wire_type(types: &mut Types) -> Option<WireType>;

    /// Host side: the value from what a call returned. A pure function of its input: the
    /// engine reads a buffer result (bounds-checked) before, and attaches the method's name to
    /// a failure and poisons the instance after.
    ///
    /// # Errors
    /// A description of why the plugin's value is not a valid `Self`.
    fn lift(returned: Returned<'_>) -> Result<Self, String>;

    /// Plugin side: the wasm result of an export returning `self`. A buffer stays in the
    /// guest's return slot until the next call, as docs/ABI.md requires.
    ///
    /// # Panics
    /// When a serde value cannot be encoded; the host receives it as a panic error.
    fn into_ret(self) -> Ret<Self::Abi>;

    /// Plugin side: the value a host function returned, taking over the block the host
    /// filled through `wasp_alloc`.
    ///
    /// # Safety
    /// `ret` must be the result of a host function whose declared result type is `Self`,
    /// taken once.
    ///
    /// # Panics
    /// When the host's value is not a valid `Self`, which a conforming host never sends.
    unsafe fn from_host_ret(ret: Ret<Self::Abi>) -> Self;

    /// Host side: what a host function named `function` gives back to the plugin.
    ///
    /// # Errors
    /// [`Error::Encode`] when a serde value cannot be encoded.
    fn host_return(self, function: &str) -> Result<HostReturn, Error>;
}

/// A parameter an export shim lifts from its wasm values. The lifetime is the borrow of the
/// call's argument block: a borrowed parameter (`&str`, `&[u8]`, `Cow<str>`, ...) is
/// implemented for `'b` only, so it cannot outlive the block, which is freed when the call
/// returns.
///
/// ```
/// use wasp::__private::{guest::ArgBlock, GuestParam};
///
/// let block = ArgBlock::new(0);
/// // SAFETY: an empty buffer, as the host passes one.
/// let name: &str = unsafe { <&str as GuestParam<'_>>::from_abi(&block, 0, 0) };
/// assert_eq!(name, "");
/// ```
///
/// A parameter that would outlive its block does not compile:
///
/// ```compile_fail
/// use wasp::__private::{guest::ArgBlock, GuestParam};
///
/// fn keep() -> &'static str {
///     let block = ArgBlock::new(0);
///     // SAFETY: an empty buffer, as the host passes one.
///     unsafe { <&'static str as GuestParam<'_>>::from_abi(&block, 0, 0) }
/// }
/// ```
#[cfg_attr(
    wasp_diagnostic_namespace,
    diagnostic::on_unimplemented(
        message = "`{Self}` cannot cross a wasp contract",
        label = "not a scalar, string, byte buffer or `wasp::Schema` type",
        note = "for a struct or enum of your own, add `wasp::Schema` to its derives: `#[derive(Serialize, Deserialize, wasp::Schema)]`",
        note = "a type with a hand-written `wasp::Schema` impl also implements `wasp::Encoded`: `impl wasp::Encoded for MyType {{}}`"
    )
)]
pub trait GuestParam<'b>: Wire + Sized {
    /// The argument from its wasm values.
    ///
    /// # Safety
    /// `p1` and `p2` must be this parameter's wasm values as the host passed them: for a
    /// buffer, the call's next buffer in `block`, taken once.
    ///
    /// # Panics
    /// When the host's value is not a valid `Self`, which a conforming host never sends.
    unsafe fn from_abi(block: &'b ArgBlock, p1: P1<Self::Abi>, p2: P2<Self::Abi>) -> Self;
}

/// An argument a host function receives from the plugin, lifted from the plugin's memory
/// `'m` and bounds-checked: a lying plugin gets an error, never a panic.
#[cfg_attr(
    wasp_diagnostic_namespace,
    diagnostic::on_unimplemented(
        message = "`{Self}` cannot cross a wasp contract",
        label = "not a scalar, string, byte buffer or `wasp::Schema` type",
        note = "for a struct or enum of your own, add `wasp::Schema` to its derives: `#[derive(Serialize, Deserialize, wasp::Schema)]`",
        note = "a type with a hand-written `wasp::Schema` impl also implements `wasp::Encoded`: `impl wasp::Encoded for MyType {{}}`"
    )
)]
pub trait HostArg<'m>: Wire + Sized {
    /// The argument of `function` from its wasm values as raw bits (`p2` is 0 for a
    /// one-value shape).
    ///
    /// # Errors
    /// [`Error::OutOfBounds`] for a buffer outside `memory`, [`Error::Decode`] for a value
    /// that is not a valid `Self`.
    fn lift_arg(memory: &'m [u8], function: &str, p1: u64, p2: u64) -> Result<Self, Error>;
}

/// A [`Schema`] type that travels encoded with the codec (postcard), both ways: what
/// `#[derive(wasp::Schema)]` implements for a struct or enum of your own, so you rarely write
/// it. A type whose `Schema` (and serde) impls you write by hand opts in with one line:
///
/// ```
/// # use wasp::descriptor::{Type, Types};
/// # #[derive(serde::Serialize, serde::Deserialize)]
/// # pub struct Price(pub i64);
/// # impl wasp::Schema for Price {
/// #     fn describe(types: &mut Types) -> Type { <i64 as wasp::Schema>::describe(types) }
/// # }
/// impl wasp::Encoded for Price {}
/// ```
///
/// The standard containers (`Option`, `Result`, tuples, arrays, maps, sets, `Box<T>`, ...)
/// implement it already. Strings, byte buffers and scalars do not: they travel raw.
#[cfg_attr(
    wasp_diagnostic_namespace,
    diagnostic::on_unimplemented(
        message = "`{Self}` cannot cross a wasp contract",
        label = "not a scalar, string, byte buffer or `wasp::Schema` type",
        note = "for a struct or enum of your own, add `wasp::Schema` to its derives: `#[derive(Serialize, Deserialize, wasp::Schema)]`",
        note = "a type with a hand-written `wasp::Schema` impl also implements `wasp::Encoded`: `impl wasp::Encoded for MyType {{}}`"
    )
)]
pub trait Encoded: Schema + Serialize + DeserializeOwned {}

// ---- helpers: what every impl of a kind shares ----
//
// Inlined, like the impls that call them: those are instantiated in the contract crate, and a
// call back into this crate for every argument would show on the per-call cost. Errors are cold.

#[cold]
fn decode_error(function: &str, detail: String) -> Error {
    Error::Decode {
        function: function.to_string(),
        detail,
    }
}

#[cold]
fn encode_error(function: &str, error: codec::CodecError) -> Error {
    Error::Encode {
        function: function.to_string(),
        detail: error.to_string(),
    }
}

#[cold]
fn shape_error(expected: &str, returned: Returned<'_>) -> String {
    // Unreachable through `lift_result`, which builds `Returned` from the type's own shape;
    // an error rather than a panic all the same.
    format!("expected {}, the call returned {:?}", expected, returned)
}

#[inline]
fn returned_bits(returned: Returned<'_>) -> Result<u64, String> {
    match returned {
        Returned::Bits(bits) => Ok(bits),
        other => Err(shape_error("one wasm value", other)),
    }
}

#[inline]
fn returned_bytes(returned: Returned<'_>) -> Result<&[u8], String> {
    match returned {
        Returned::Bytes(bytes) => Ok(bytes),
        other => Err(shape_error("a buffer", other)),
    }
}

#[inline]
fn returned_str(returned: Returned<'_>) -> Result<&str, String> {
    std::str::from_utf8(returned_bytes(returned)?)
        .map_err(|e| format!("the string is not UTF-8: {}", e))
}

/// Decodes bytes from the other side of the boundary. On the host (anything but wasm32)
/// they come from a plugin, so nesting is bounded ([`codec::decode_bounded`]): a deep value
/// would overflow the host's stack. A plugin (wasm32) trusts the host's bytes and keeps the
/// plain decoder, so guest builds are unchanged.
#[cfg(not(target_arch = "wasm32"))]
#[inline]
fn decode_untrusted<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, codec::CodecError> {
    codec::decode_bounded(bytes)
}

#[cfg(target_arch = "wasm32")]
#[inline]
fn decode_untrusted<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, codec::CodecError> {
    codec::decode(bytes)
}

#[inline]
fn returned_serde<T: DeserializeOwned>(returned: Returned<'_>) -> Result<T, String> {
    decode_untrusted(returned_bytes(returned)?)
        .map_err(|e| format!("not a valid {}: {}", std::any::type_name::<T>(), e))
}

#[inline]
fn host_str<'m>(memory: &'m [u8], function: &str, ptr: u64, len: u64) -> Result<&'m str, Error> {
    std::str::from_utf8(guest_slice(memory, function, ptr, len)?)
        .map_err(|e| decode_error(function, format!("the string is not UTF-8: {}", e)))
}

#[inline]
fn host_serde<T: DeserializeOwned>(
    memory: &[u8],
    function: &str,
    ptr: u64,
    len: u64,
) -> Result<T, Error> {
    decode_untrusted(guest_slice(memory, function, ptr, len)?).map_err(|e| {
        decode_error(
            function,
            format!("not a valid {}: {}", std::any::type_name::<T>(), e),
        )
    })
}

#[inline]
fn host_return_serde<T: Serialize + ?Sized>(
    value: &T,
    function: &str,
) -> Result<HostReturn, Error> {
    codec::encode(value)
        .map(HostReturn::Bytes)
        .map_err(|e| encode_error(function, e))
}

/// The wasm values of a buffer the plugin passes to a host function.
#[inline]
fn import_bytes(bytes: &[u8]) -> (i32, i32) {
    (guest::ptr_of(bytes), guest::len_of(bytes))
}

/// Encodes a serde argument of a host function into `keep` and passes that.
#[inline]
fn import_serde<T: Serialize + ?Sized>(value: &T, keep: &mut Vec<u8>) -> (i32, i32) {
    *keep = guest::encode_arg(value);
    import_bytes(keep)
}

// ---- `()` ----

impl WireResult for () {
    type Abi = ();
    fn sealed(_: sealed::Token) {}
    fn wire_type(_: &mut Types) -> Option<WireType> {
        None
    }
    #[inline]
    fn lift(_: Returned<'_>) -> Result<(), String> {
        Ok(())
    }
    #[inline]
    fn into_ret(self) {}
    #[inline]
    unsafe fn from_host_ret(_: ()) {}
    #[inline]
    fn host_return(self, _: &str) -> Result<HostReturn, Error> {
        Ok(HostReturn::Unit)
    }
}

// ---- scalars: one wasm value each ----

macro_rules! scalar_wire {
    ($($ty:ident => $variant:ident,)*) => {$(
        impl Wire for $ty {
            type Abi = <$ty as Scalar>::Wasm;
            fn sealed(_: sealed::Token) {}
            fn wire_type(_: &mut Types) -> WireType {
                WireType::Scalar(ScalarType::$variant)
            }
            #[inline]
            fn lower<'a>(&'a self, _: &str, args: &mut CallArgs<'a>) -> Result<(), Error> {
                args.push_scalar(*self);
                Ok(())
            }
            #[inline]
            fn import_arg(&self, _: &mut Vec<u8>) -> (<$ty as Scalar>::Wasm, ()) {
                (guest::scalar_ret(*self), ())
            }
        }

        impl WireResult for $ty {
            type Abi = <Self as Wire>::Abi;
            fn sealed(_: sealed::Token) {}
            fn wire_type(types: &mut Types) -> Option<WireType> {
                Some(<Self as Wire>::wire_type(types))
            }
            #[inline]
            fn lift(returned: Returned<'_>) -> Result<$ty, String> {
                let bits = returned_bits(returned)?;
                match <$ty as Scalar>::from_bits(bits) {
                    Some(value) => Ok(value),
                    None => Err(format!("{:#x} is not a valid {}", bits, stringify!($ty))),
                }
            }
            #[inline]
            fn into_ret(self) -> <$ty as Scalar>::Wasm {
                guest::scalar_ret(self)
            }
            #[inline]
            unsafe fn from_host_ret(ret: <$ty as Scalar>::Wasm) -> $ty {
                guest::scalar_arg(ret)
            }
            #[inline]
            fn host_return(self, _: &str) -> Result<HostReturn, Error> {
                Ok(HostReturn::Value(Scalar::into_bits(self)))
            }
        }

        impl<'b> GuestParam<'b> for $ty {
            #[inline]
            unsafe fn from_abi(_: &'b ArgBlock, p1: <$ty as Scalar>::Wasm, _: ()) -> $ty {
                guest::scalar_arg(p1)
            }
        }

        impl<'m> HostArg<'m> for $ty {
            #[inline]
            fn lift_arg(_: &'m [u8], function: &str, p1: u64, _: u64) -> Result<$ty, Error> {
                match <$ty as Scalar>::from_bits(p1) {
                    Some(value) => Ok(value),
                    None => Err(decode_error(
                        function,
                        format!("{:#x} is not a valid {}", p1, stringify!($ty)),
                    )),
                }
            }
        }
    )*};
}

wasp_abi::for_each_scalar!(scalar_wire);

// ---- strings: raw UTF-8 bytes ----

/// The parts every string type shares: its descriptor entry, and how a host call and a host
/// function import pass it (as the bytes it borrows, without a copy).
macro_rules! string_wire {
    ($([$($lt:lifetime)?] $ty:ty,)*) => {$(
        impl<$($lt)?> Wire for $ty {
            type Abi = Buffer;
            fn sealed(_: sealed::Token) {}
            fn wire_type(_: &mut Types) -> WireType {
                WireType::String
            }
            #[inline]
            fn lower<'a>(&'a self, _: &str, args: &mut CallArgs<'a>) -> Result<(), Error> {
                args.push_bytes(str::as_bytes(self));
                Ok(())
            }
            #[inline]
            fn import_arg(&self, _: &mut Vec<u8>) -> (i32, i32) {
                import_bytes(str::as_bytes(self))
            }
        }
    )*};
}

string_wire! {
    [] String,
    ['s] &'s str,
    [] Box<str>,
    ['s] Cow<'s, str>,
}

impl WireResult for String {
    type Abi = <Self as Wire>::Abi;
    fn sealed(_: sealed::Token) {}
    fn wire_type(types: &mut Types) -> Option<WireType> {
        Some(<Self as Wire>::wire_type(types))
    }
    #[inline]
    fn lift(returned: Returned<'_>) -> Result<String, String> {
        returned_str(returned).map(str::to_owned)
    }
    #[inline]
    fn into_ret(self) -> i64 {
        guest::return_string(self)
    }
    #[inline]
    unsafe fn from_host_ret(ret: i64) -> String {
        guest::take_host_string(ret)
    }
    #[inline]
    fn host_return(self, _: &str) -> Result<HostReturn, Error> {
        Ok(HostReturn::Bytes(self.into_bytes()))
    }
}

impl<'b> GuestParam<'b> for String {
    #[inline]
    unsafe fn from_abi(block: &'b ArgBlock, ptr: i32, len: i32) -> String {
        block.string(ptr, len)
    }
}

impl<'m> HostArg<'m> for String {
    #[inline]
    fn lift_arg(memory: &'m [u8], function: &str, p1: u64, p2: u64) -> Result<String, Error> {
        host_str(memory, function, p1, p2).map(str::to_owned)
    }
}

impl<'b> GuestParam<'b> for &'b str {
    #[inline]
    unsafe fn from_abi(block: &'b ArgBlock, ptr: i32, len: i32) -> &'b str {
        block.str(ptr, len)
    }
}

impl<'m> HostArg<'m> for &'m str {
    #[inline]
    fn lift_arg(memory: &'m [u8], function: &str, p1: u64, p2: u64) -> Result<&'m str, Error> {
        host_str(memory, function, p1, p2)
    }
}

// `Box<str>` is a `String` without spare capacity; converting between them reuses the
// allocation whenever length and capacity agree, which they do for every block a plugin adopts.
impl WireResult for Box<str> {
    type Abi = <Self as Wire>::Abi;
    fn sealed(_: sealed::Token) {}
    fn wire_type(types: &mut Types) -> Option<WireType> {
        Some(<Self as Wire>::wire_type(types))
    }
    #[inline]
    fn lift(returned: Returned<'_>) -> Result<Box<str>, String> {
        returned_str(returned).map(Box::from)
    }
    #[inline]
    fn into_ret(self) -> i64 {
        guest::return_string(String::from(self))
    }
    #[inline]
    unsafe fn from_host_ret(ret: i64) -> Box<str> {
        guest::take_host_string(ret).into_boxed_str()
    }
    #[inline]
    fn host_return(self, function: &str) -> Result<HostReturn, Error> {
        String::from(self).host_return(function)
    }
}

impl<'b> GuestParam<'b> for Box<str> {
    #[inline]
    unsafe fn from_abi(block: &'b ArgBlock, ptr: i32, len: i32) -> Box<str> {
        block.string(ptr, len).into_boxed_str()
    }
}

impl<'m> HostArg<'m> for Box<str> {
    #[inline]
    fn lift_arg(memory: &'m [u8], function: &str, p1: u64, p2: u64) -> Result<Box<str>, Error> {
        host_str(memory, function, p1, p2).map(Box::from)
    }
}

// A `Cow` parameter borrows where it can (the argument block in a plugin, the plugin's memory
// in a host function); a `Cow` result is always owned.
impl<'s> WireResult for Cow<'s, str> {
    type Abi = <Self as Wire>::Abi;
    fn sealed(_: sealed::Token) {}
    fn wire_type(types: &mut Types) -> Option<WireType> {
        Some(<Self as Wire>::wire_type(types))
    }
    #[inline]
    fn lift(returned: Returned<'_>) -> Result<Cow<'s, str>, String> {
        String::lift(returned).map(Cow::Owned)
    }
    #[inline]
    fn into_ret(self) -> i64 {
        guest::return_string(self.into_owned())
    }
    #[inline]
    unsafe fn from_host_ret(ret: i64) -> Cow<'s, str> {
        Cow::Owned(guest::take_host_string(ret))
    }
    #[inline]
    fn host_return(self, function: &str) -> Result<HostReturn, Error> {
        self.into_owned().host_return(function)
    }
}

impl<'b> GuestParam<'b> for Cow<'b, str> {
    #[inline]
    unsafe fn from_abi(block: &'b ArgBlock, ptr: i32, len: i32) -> Cow<'b, str> {
        Cow::Borrowed(block.str(ptr, len))
    }
}

impl<'m> HostArg<'m> for Cow<'m, str> {
    #[inline]
    fn lift_arg(memory: &'m [u8], function: &str, p1: u64, p2: u64) -> Result<Cow<'m, str>, Error> {
        host_str(memory, function, p1, p2).map(Cow::Borrowed)
    }
}

// ---- byte buffers: raw bytes ----
//
// `Vec<T>` and `Box<[T]>` are byte buffers when `T` is `u8` and serde lists otherwise. Rust
// cannot give `Vec<u8>` an impl of its own beside the generic one, so the generic impl asks
// `TypeId` which case it is in; the answer is a constant the optimiser folds, and the casts
// below happen only when it says the two types are the same.

#[inline]
fn is_u8<T: 'static>() -> bool {
    TypeId::of::<T>() == TypeId::of::<u8>()
}

/// `slice` as bytes, when `T` is `u8`.
#[inline]
fn as_bytes<T: 'static>(slice: &[T]) -> Option<&[u8]> {
    if is_u8::<T>() {
        // SAFETY: `T` is `u8`, so this is the same slice with its own type.
        Some(unsafe { std::slice::from_raw_parts(slice.as_ptr().cast::<u8>(), slice.len()) })
    } else {
        None
    }
}

/// `vec` as a `Vec<u8>`, when `T` is `u8`; otherwise `vec` back.
#[inline]
fn into_bytes<T: 'static>(vec: Vec<T>) -> Result<Vec<u8>, Vec<T>> {
    if is_u8::<T>() {
        let mut vec = ManuallyDrop::new(vec);
        // SAFETY: `T` is `u8`, so pointer, length and capacity describe the same allocation
        // with the same layout; `ManuallyDrop` keeps the original from freeing it.
        Ok(
            unsafe {
                Vec::from_raw_parts(vec.as_mut_ptr().cast::<u8>(), vec.len(), vec.capacity())
            },
        )
    } else {
        Err(vec)
    }
}

/// `bytes` as a `Vec<T>`, when `T` is `u8`; otherwise `bytes` back.
#[inline]
fn from_bytes<T: 'static>(bytes: Vec<u8>) -> Result<Vec<T>, Vec<u8>> {
    if is_u8::<T>() {
        let mut bytes = ManuallyDrop::new(bytes);
        // SAFETY: as in `into_bytes`, the other way round.
        Ok(unsafe {
            Vec::from_raw_parts(
                bytes.as_mut_ptr().cast::<T>(),
                bytes.len(),
                bytes.capacity(),
            )
        })
    } else {
        Err(bytes)
    }
}

#[inline]
fn list_wire_type<T: Schema + 'static>(types: &mut Types) -> WireType {
    if is_u8::<T>() {
        WireType::Bytes
    } else {
        WireType::Serde(<[T] as Schema>::describe(types))
    }
}

#[inline]
fn lower_list<'a, T: Serialize + 'static>(
    list: &'a [T],
    function: &str,
    args: &mut CallArgs<'a>,
) -> Result<(), Error> {
    match as_bytes(list) {
        Some(bytes) => {
            args.push_bytes(bytes);
            Ok(())
        }
        None => args.push_serde(function, list),
    }
}

#[inline]
fn import_list<T: Serialize + 'static>(list: &[T], keep: &mut Vec<u8>) -> (i32, i32) {
    match as_bytes(list) {
        Some(bytes) => import_bytes(bytes),
        None => import_serde(list, keep),
    }
}

impl<T: Schema + Serialize + DeserializeOwned + 'static> Wire for Vec<T> {
    type Abi = Buffer;
    fn sealed(_: sealed::Token) {}
    fn wire_type(types: &mut Types) -> WireType {
        list_wire_type::<T>(types)
    }
    #[inline]
    fn lower<'a>(&'a self, function: &str, args: &mut CallArgs<'a>) -> Result<(), Error> {
        lower_list(self, function, args)
    }
    #[inline]
    fn import_arg(&self, keep: &mut Vec<u8>) -> (i32, i32) {
        import_list(self, keep)
    }
}

impl<T: Schema + Serialize + DeserializeOwned + 'static> WireResult for Vec<T> {
    type Abi = <Self as Wire>::Abi;
    fn sealed(_: sealed::Token) {}
    fn wire_type(types: &mut Types) -> Option<WireType> {
        Some(<Self as Wire>::wire_type(types))
    }
    #[inline]
    fn lift(returned: Returned<'_>) -> Result<Vec<T>, String> {
        if is_u8::<T>() {
            if let Ok(vec) = from_bytes(returned_bytes(returned)?.to_vec()) {
                return Ok(vec);
            }
        }
        returned_serde(returned)
    }
    #[inline]
    fn into_ret(self) -> i64 {
        match into_bytes(self) {
            Ok(bytes) => guest::return_bytes(bytes),
            Err(list) => guest::return_serde(&list),
        }
    }
    #[inline]
    unsafe fn from_host_ret(ret: i64) -> Vec<T> {
        if is_u8::<T>() {
            if let Ok(vec) = from_bytes(guest::take_host_bytes(ret)) {
                return vec;
            }
        }
        guest::take_host_serde(ret)
    }
    #[inline]
    fn host_return(self, function: &str) -> Result<HostReturn, Error> {
        match into_bytes(self) {
            Ok(bytes) => Ok(HostReturn::Bytes(bytes)),
            Err(list) => host_return_serde(&list, function),
        }
    }
}

impl<'b, T: Schema + Serialize + DeserializeOwned + 'static> GuestParam<'b> for Vec<T> {
    #[inline]
    unsafe fn from_abi(block: &'b ArgBlock, ptr: i32, len: i32) -> Vec<T> {
        if is_u8::<T>() {
            if let Ok(vec) = from_bytes(block.bytes(ptr, len)) {
                return vec;
            }
        }
        block.decode(ptr, len)
    }
}

impl<'m, T: Schema + Serialize + DeserializeOwned + 'static> HostArg<'m> for Vec<T> {
    #[inline]
    fn lift_arg(memory: &'m [u8], function: &str, p1: u64, p2: u64) -> Result<Vec<T>, Error> {
        if is_u8::<T>() {
            if let Ok(vec) = from_bytes(guest_slice(memory, function, p1, p2)?.to_vec()) {
                return Ok(vec);
            }
        }
        host_serde(memory, function, p1, p2)
    }
}

// `Box<[T]>` travels exactly as `Vec<T>` does.

impl<T: Schema + Serialize + DeserializeOwned + 'static> Wire for Box<[T]> {
    type Abi = Buffer;
    fn sealed(_: sealed::Token) {}
    fn wire_type(types: &mut Types) -> WireType {
        list_wire_type::<T>(types)
    }
    #[inline]
    fn lower<'a>(&'a self, function: &str, args: &mut CallArgs<'a>) -> Result<(), Error> {
        lower_list(self, function, args)
    }
    #[inline]
    fn import_arg(&self, keep: &mut Vec<u8>) -> (i32, i32) {
        import_list(self, keep)
    }
}

impl<T: Schema + Serialize + DeserializeOwned + 'static> WireResult for Box<[T]> {
    type Abi = <Self as Wire>::Abi;
    fn sealed(_: sealed::Token) {}
    fn wire_type(types: &mut Types) -> Option<WireType> {
        Some(<Self as Wire>::wire_type(types))
    }
    #[inline]
    fn lift(returned: Returned<'_>) -> Result<Box<[T]>, String> {
        Vec::lift(returned).map(Vec::into_boxed_slice)
    }
    #[inline]
    fn into_ret(self) -> i64 {
        self.into_vec().into_ret()
    }
    #[inline]
    unsafe fn from_host_ret(ret: i64) -> Box<[T]> {
        Vec::from_host_ret(ret).into_boxed_slice()
    }
    #[inline]
    fn host_return(self, function: &str) -> Result<HostReturn, Error> {
        self.into_vec().host_return(function)
    }
}

impl<'b, T: Schema + Serialize + DeserializeOwned + 'static> GuestParam<'b> for Box<[T]> {
    #[inline]
    unsafe fn from_abi(block: &'b ArgBlock, ptr: i32, len: i32) -> Box<[T]> {
        Vec::from_abi(block, ptr, len).into_boxed_slice()
    }
}

impl<'m, T: Schema + Serialize + DeserializeOwned + 'static> HostArg<'m> for Box<[T]> {
    #[inline]
    fn lift_arg(memory: &'m [u8], function: &str, p1: u64, p2: u64) -> Result<Box<[T]>, Error> {
        Vec::lift_arg(memory, function, p1, p2).map(Vec::into_boxed_slice)
    }
}

/// The parts the borrowed byte types share, as `string_wire!` for strings.
macro_rules! bytes_wire {
    ($([$lt:lifetime] $ty:ty,)*) => {$(
        impl<$lt> Wire for $ty {
            type Abi = Buffer;
            fn sealed(_: sealed::Token) {}
            fn wire_type(_: &mut Types) -> WireType {
                WireType::Bytes
            }
            #[inline]
            fn lower<'a>(&'a self, _: &str, args: &mut CallArgs<'a>) -> Result<(), Error> {
                args.push_bytes(self);
                Ok(())
            }
            #[inline]
            fn import_arg(&self, _: &mut Vec<u8>) -> (i32, i32) {
                import_bytes(self)
            }
        }
    )*};
}

bytes_wire! {
    ['s] &'s [u8],
    ['s] Cow<'s, [u8]>,
}

impl<'b> GuestParam<'b> for &'b [u8] {
    #[inline]
    unsafe fn from_abi(block: &'b ArgBlock, ptr: i32, len: i32) -> &'b [u8] {
        block.byte_slice(ptr, len)
    }
}

impl<'m> HostArg<'m> for &'m [u8] {
    #[inline]
    fn lift_arg(memory: &'m [u8], function: &str, p1: u64, p2: u64) -> Result<&'m [u8], Error> {
        guest_slice(memory, function, p1, p2)
    }
}

impl<'s> WireResult for Cow<'s, [u8]> {
    type Abi = <Self as Wire>::Abi;
    fn sealed(_: sealed::Token) {}
    fn wire_type(types: &mut Types) -> Option<WireType> {
        Some(<Self as Wire>::wire_type(types))
    }
    #[inline]
    fn lift(returned: Returned<'_>) -> Result<Cow<'s, [u8]>, String> {
        Ok(Cow::Owned(returned_bytes(returned)?.to_vec()))
    }
    #[inline]
    fn into_ret(self) -> i64 {
        guest::return_bytes(self.into_owned())
    }
    #[inline]
    unsafe fn from_host_ret(ret: i64) -> Cow<'s, [u8]> {
        Cow::Owned(guest::take_host_bytes(ret))
    }
    #[inline]
    fn host_return(self, _: &str) -> Result<HostReturn, Error> {
        Ok(HostReturn::Bytes(self.into_owned()))
    }
}

impl<'b> GuestParam<'b> for Cow<'b, [u8]> {
    #[inline]
    unsafe fn from_abi(block: &'b ArgBlock, ptr: i32, len: i32) -> Cow<'b, [u8]> {
        Cow::Borrowed(block.byte_slice(ptr, len))
    }
}

impl<'m> HostArg<'m> for Cow<'m, [u8]> {
    #[inline]
    fn lift_arg(
        memory: &'m [u8],
        function: &str,
        p1: u64,
        p2: u64,
    ) -> Result<Cow<'m, [u8]>, Error> {
        guest_slice(memory, function, p1, p2).map(Cow::Borrowed)
    }
}

// ---- everything else: encoded with the codec ----

impl<T: Encoded> Wire for T {
    type Abi = Buffer;
    fn sealed(_: sealed::Token) {}
    fn wire_type(types: &mut Types) -> WireType {
        WireType::Serde(T::describe(types))
    }
    #[inline]
    fn lower<'a>(&'a self, function: &str, args: &mut CallArgs<'a>) -> Result<(), Error> {
        args.push_serde(function, self)
    }
    #[inline]
    fn import_arg(&self, keep: &mut Vec<u8>) -> (i32, i32) {
        import_serde(self, keep)
    }
}

impl<T: Encoded> WireResult for T {
    type Abi = <Self as Wire>::Abi;
    fn sealed(_: sealed::Token) {}
    fn wire_type(types: &mut Types) -> Option<WireType> {
        Some(<Self as Wire>::wire_type(types))
    }
    #[inline]
    fn lift(returned: Returned<'_>) -> Result<T, String> {
        returned_serde(returned)
    }
    #[inline]
    fn into_ret(self) -> i64 {
        guest::return_serde(&self)
    }
    #[inline]
    unsafe fn from_host_ret(ret: i64) -> T {
        guest::take_host_serde(ret)
    }
    #[inline]
    fn host_return(self, function: &str) -> Result<HostReturn, Error> {
        host_return_serde(&self, function)
    }
}

impl<'b, T: Encoded> GuestParam<'b> for T {
    #[inline]
    unsafe fn from_abi(block: &'b ArgBlock, ptr: i32, len: i32) -> T {
        block.decode(ptr, len)
    }
}

impl<'m, T: Encoded> HostArg<'m> for T {
    #[inline]
    fn lift_arg(memory: &'m [u8], function: &str, p1: u64, p2: u64) -> Result<T, Error> {
        host_serde(memory, function, p1, p2)
    }
}

// Every container `Schema` describes, except those that travel raw above (`Vec<T>`,
// `Box<[T]>`, `Box<str>`, `Cow<str>`, `Cow<[u8]>`). `Box<T>` and `Cow<T>` are encoded for
// sized `T` only (the implicit bound of a type parameter), which is what keeps them apart from
// the raw `Box<str>` and `Cow<str>`.
impl Encoded for i128 {}
impl Encoded for u128 {}
impl Encoded for std::time::Duration {}

// Each with its serde impls as a bound on itself: some exist only under serde features (`rc`
// for `Rc` and `Arc`), and the bound states exactly what the codec needs.
macro_rules! encoded {
    ($(impl<$($param:tt),*> for $ty:ty;)*) => {$(
        impl<$($param),*> Encoded for $ty where $ty: Schema + Serialize + DeserializeOwned {}
    )*};
}

encoded! {
    impl<T> for Option<T>;
    impl<T, E> for Result<T, E>;
    impl<T> for Box<T>;
    impl<T> for Rc<T>;
    impl<T> for Arc<T>;
    impl<T> for VecDeque<T>;
    impl<T> for LinkedList<T>;
    impl<T> for BTreeSet<T>;
    impl<T> for BinaryHeap<T>;
    impl<T, S> for HashSet<T, S>;
    impl<K, V, S> for HashMap<K, V, S>;
    impl<K, V> for BTreeMap<K, V>;
    impl<A> for (A,);
    impl<A, B> for (A, B);
    impl<A, B, C> for (A, B, C);
    impl<A, B, C, D> for (A, B, C, D);
    impl<A, B, C, D, E> for (A, B, C, D, E);
    impl<A, B, C, D, E, F> for (A, B, C, D, E, F);
    impl<A, B, C, D, E, F, G> for (A, B, C, D, E, F, G);
    impl<A, B, C, D, E, F, G, H> for (A, B, C, D, E, F, G, H);
    impl<A, B, C, D, E, F, G, H, I> for (A, B, C, D, E, F, G, H, I);
    impl<A, B, C, D, E, F, G, H, I, J> for (A, B, C, D, E, F, G, H, I, J);
    impl<A, B, C, D, E, F, G, H, I, J, K> for (A, B, C, D, E, F, G, H, I, J, K);
    impl<A, B, C, D, E, F, G, H, I, J, K, L> for (A, B, C, D, E, F, G, H, I, J, K, L);
}

impl<T, const N: usize> Encoded for [T; N] where [T; N]: Schema + Serialize + DeserializeOwned {}
impl<T: Clone> Encoded for Cow<'_, T> where Self: Schema + Serialize + DeserializeOwned {}

// ---- what generated code calls ----

/// How many wasm values a parameter of type `T` takes.
#[inline]
fn wasm_params<T: Wire + ?Sized>() -> usize {
    <T::Abi as Abi>::PARAMS.len()
}

/// The wasm arguments of one host function call, lifted parameter by parameter.
pub struct HostArgs<'m, 'c> {
    function: &'c str,
    memory: &'m [u8],
    args: &'c [u64],
    at: usize,
}

impl<'m, 'c> HostArgs<'m, 'c> {
    /// The arguments the plugin passed to `function`, which takes `expected` wasm values.
    ///
    /// # Errors
    /// [`Error::Decode`] when the plugin passed another number of values.
    #[inline]
    pub fn new(
        function: &'c str,
        memory: &'m [u8],
        args: &'c [u64],
        expected: usize,
    ) -> Result<Self, Error> {
        if args.len() != expected {
            return Err(decode_error(
                function,
                format!("expected {} wasm arguments, got {}", expected, args.len()),
            ));
        }
        Ok(HostArgs {
            function,
            memory,
            args,
            at: 0,
        })
    }

    /// The next parameter, of type `T`.
    ///
    /// # Errors
    /// As [`HostArg::lift_arg`].
    #[inline]
    pub fn lift<T: HostArg<'m>>(&mut self) -> Result<T, Error> {
        let count = wasm_params::<T>();
        let p1 = self.args.get(self.at).copied().unwrap_or(0);
        let p2 = self.args.get(self.at + 1).copied().unwrap_or(0);
        self.at += count;
        T::lift_arg(
            self.memory,
            self.function,
            p1,
            if count > 1 { p2 } else { 0 },
        )
    }
}

/// Names the fix for a parameter type that cannot cross, on compilers that lack
/// `#[diagnostic::on_unimplemented]` (Rust 1.63): the macros name
/// `add_derive_wasp_Schema_to_this_type<T>` in a signature, so that the compiler's trait-bound
/// error about `T` ends "required by a bound in `add_derive_wasp_Schema_to_this_type`".
#[doc(hidden)]
#[allow(non_camel_case_types)]
pub struct add_derive_wasp_Schema_to_this_type<T: ?Sized + Wire>(core::marker::PhantomData<T>);

/// As [`add_derive_wasp_Schema_to_this_type`], for a field of a type deriving
/// `wasp::Schema`.
#[doc(hidden)]
#[allow(non_camel_case_types)]
pub struct add_derive_wasp_Schema_to_this_field_type<T: ?Sized + Schema>(
    core::marker::PhantomData<T>,
);

/// As [`add_derive_wasp_Schema_to_this_type`], for a result type.
#[doc(hidden)]
#[allow(non_camel_case_types)]
pub struct add_derive_wasp_Schema_to_this_result_type<T: WireResult>(core::marker::PhantomData<T>);

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip<T: WireResult + Serialize>(value: T) -> T {
        // What the plugin would return, lifted by the host.
        match <T::Abi as Abi>::RESULT {
            None => T::lift(Returned::Unit).unwrap(),
            Some(_) if <T::Abi as Abi>::BUFFER => {
                let bytes = match value.host_return("f").unwrap() {
                    HostReturn::Bytes(bytes) => bytes,
                    other => panic!("{:?}", other),
                };
                T::lift(Returned::Bytes(&bytes)).unwrap()
            }
            Some(_) => match value.host_return("f").unwrap() {
                HostReturn::Value(bits) => T::lift(Returned::Bits(bits)).unwrap(),
                other => panic!("{:?}", other),
            },
        }
    }

    fn wire<T: Wire + ?Sized>() -> WireType {
        T::wire_type(&mut Types::new())
    }

    /// A type that is both a parameter and a result has one shape and one descriptor entry.
    fn agree<T: Wire + WireResult>() {
        assert_eq!(
            TypeId::of::<<T as Wire>::Abi>(),
            TypeId::of::<<T as WireResult>::Abi>()
        );
        let mut types = Types::new();
        assert_eq!(
            Some(<T as Wire>::wire_type(&mut types)),
            <T as WireResult>::wire_type(&mut types)
        );
    }

    #[test]
    fn each_kind_has_its_descriptor_entry() {
        assert_eq!(wire::<u8>(), WireType::Scalar(ScalarType::U8));
        assert_eq!(wire::<char>(), WireType::Scalar(ScalarType::Char));
        for s in [
            wire::<String>(),
            wire::<&str>(),
            wire::<Box<str>>(),
            wire::<Cow<'_, str>>(),
        ] {
            assert_eq!(s, WireType::String);
        }
        for b in [
            wire::<Vec<u8>>(),
            wire::<&[u8]>(),
            wire::<Box<[u8]>>(),
            wire::<Cow<'_, [u8]>>(),
        ] {
            assert_eq!(b, WireType::Bytes);
        }
        let mut types = Types::new();
        assert_eq!(
            <Vec<i64> as Wire>::wire_type(&mut types).to_string(),
            "Vec<i64>"
        );
        assert_eq!(
            <Box<[String]> as Wire>::wire_type(&mut types).to_string(),
            "Vec<String>"
        );
        // Encoded although its type reads like a raw one: the descriptor says so.
        assert_eq!(
            <Box<String> as Wire>::wire_type(&mut types).to_string(),
            "serde(String)"
        );
        assert_eq!(<() as WireResult>::wire_type(&mut types), None);
    }

    #[test]
    fn parameter_and_result_sides_agree() {
        agree::<i8>();
        agree::<usize>();
        agree::<f32>();
        agree::<char>();
        agree::<String>();
        agree::<Box<str>>();
        agree::<Cow<'static, str>>();
        agree::<Vec<u8>>();
        agree::<Vec<String>>();
        agree::<Box<[u8]>>();
        agree::<Box<[u16]>>();
        agree::<Cow<'static, [u8]>>();
        agree::<Option<u8>>();
        agree::<(u8, String)>();
    }

    #[test]
    fn values_survive_lowering_and_lifting() {
        assert_eq!(round_trip(-5i8), -5);
        assert_eq!(round_trip(f64::NEG_INFINITY), f64::NEG_INFINITY);
        assert_eq!(round_trip(String::from("héllo")), "héllo");
        assert_eq!(round_trip(Box::<str>::from("")), Box::from(""));
        assert_eq!(round_trip(Cow::<str>::Borrowed("ü")), "ü");
        assert_eq!(round_trip(vec![1u8, 2, 3]), [1, 2, 3]);
        assert_eq!(round_trip(vec![1u8, 2, 3].into_boxed_slice()).len(), 3);
        assert_eq!(round_trip(vec![-1i64, 7]), [-1, 7]);
        assert_eq!(round_trip(Some((1u8, 'x'))), Some((1, 'x')));
        round_trip(());
    }

    #[test]
    fn lies_are_errors_not_panics() {
        assert!(bool::lift(Returned::Bits(2)).is_err());
        assert!(String::lift(Returned::Bytes(&[0xff])).is_err());
        assert!(<Vec<i64>>::lift(Returned::Bytes(&[0xff])).is_err());
        assert!(String::lift(Returned::Bits(0)).is_err());
        let memory = [b'a'; 8];
        assert!(<&str as HostArg>::lift_arg(&memory, "f", 4, 8).is_err());
        assert_eq!(
            <Cow<'_, str> as HostArg>::lift_arg(&memory, "f", 4, 4).unwrap(),
            "aaaa"
        );
        assert!(<char as HostArg>::lift_arg(&memory, "f", 0xD800, 0).is_err());
        assert!(HostArgs::new("f", &memory, &[1, 2, 3], 2).is_err());
    }

    #[test]
    fn host_args_are_taken_in_order() {
        let memory = b"hello world";
        let values = [7, 6, 5, 1];
        let mut args = HostArgs::new("f", memory, &values, 4).unwrap();
        assert_eq!(args.lift::<u16>().unwrap(), 7);
        assert_eq!(args.lift::<&str>().unwrap(), "world");
        assert!(args.lift::<bool>().unwrap());
    }
}
