//! Scalars travel as wasm values, with no copy and no codec.

/// Calls the macro `$callback` once with the list of every scalar type, as
/// `rust_type => ScalarType variant,` pairs. This is the one list of scalars: the descriptor's
/// [`ScalarType`](crate::descriptor::ScalarType), the wire and schema impls of the `wasp` crate
/// and anything else that needs one impl per scalar expand from it, so adding a scalar is one
/// line here (plus its [`Scalar`] impl below, which the descriptor's table requires).
#[macro_export]
#[doc(hidden)]
macro_rules! for_each_scalar {
    ($callback:ident) => {
        $callback! {
            i8 => I8, i16 => I16, i32 => I32, i64 => I64, isize => Isize,
            u8 => U8, u16 => U16, u32 => U32, u64 => U64, usize => Usize,
            f32 => F32, f64 => F64, bool => Bool, char => Char,
        }
    };
}

/// A WebAssembly value type, as far as the ABI uses them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValType {
    /// `i32`
    I32,
    /// `i64`
    I64,
    /// `f32`
    F32,
    /// `f64`
    F64,
}

impl ValType {
    /// The name used in the WebAssembly text format.
    pub fn name(self) -> &'static str {
        match self {
            ValType::I32 => "i32",
            ValType::I64 => "i64",
            ValType::F32 => "f32",
            ValType::F64 => "f64",
        }
    }
}

/// A Rust type that crosses the boundary as one wasm value.
///
/// `bits` are the value as the host engine stores it: integers zero-extended (`i32` values
/// occupy the low 32 bits), floats as their IEEE bit pattern, so NaN payloads survive.
pub trait Scalar: Copy {
    /// The wasm value type it travels as.
    const VAL_TYPE: ValType;
    /// The Rust type of that wasm value (what an `extern "C"` shim takes or returns).
    type Wasm: Copy;
    /// The wasm value for `self`.
    fn into_wasm(self) -> Self::Wasm;
    /// The value back from its wasm form; `None` when it is out of range for `Self`.
    fn from_wasm(wasm: Self::Wasm) -> Option<Self>;
    /// `self` as raw bits (see the trait documentation).
    fn into_bits(self) -> u64;
    /// The value back from raw bits; `None` when they do not denote a `Self`.
    fn from_bits(bits: u64) -> Option<Self>;
}

// Narrow integers travel as i32: signed ones sign-extended, unsigned ones zero-extended, so the
// wasm value equals the Rust value and C code can use plain casts. Anything outside the
// type's range is a lie and decodes to None.
macro_rules! narrow_int {
    ($($t:ty),*) => {$(
        impl Scalar for $t {
            const VAL_TYPE: ValType = ValType::I32;
            type Wasm = i32;
            #[inline]
            fn into_wasm(self) -> i32 { self as i32 }
            #[inline]
            fn from_wasm(wasm: i32) -> Option<Self> { <$t>::try_from(wasm).ok() }
            #[inline]
            fn into_bits(self) -> u64 { self.into_wasm() as u32 as u64 }
            #[inline]
            fn from_bits(bits: u64) -> Option<Self> { Self::from_wasm(bits as u32 as i32) }
        }
    )*};
}
narrow_int!(i8, i16, u8, u16);

impl Scalar for i32 {
    const VAL_TYPE: ValType = ValType::I32;
    type Wasm = i32;
    #[inline]
    fn into_wasm(self) -> i32 {
        self
    }
    #[inline]
    fn from_wasm(wasm: i32) -> Option<Self> {
        Some(wasm)
    }
    #[inline]
    fn into_bits(self) -> u64 {
        self as u32 as u64
    }
    #[inline]
    fn from_bits(bits: u64) -> Option<Self> {
        Some(bits as u32 as i32)
    }
}

// u32 reuses the i32 bit pattern: the wasm value is the same 32 bits.
impl Scalar for u32 {
    const VAL_TYPE: ValType = ValType::I32;
    type Wasm = i32;
    #[inline]
    fn into_wasm(self) -> i32 {
        self as i32
    }
    #[inline]
    fn from_wasm(wasm: i32) -> Option<Self> {
        Some(wasm as u32)
    }
    #[inline]
    fn into_bits(self) -> u64 {
        self as u64
    }
    #[inline]
    fn from_bits(bits: u64) -> Option<Self> {
        Some(bits as u32)
    }
}

impl Scalar for i64 {
    const VAL_TYPE: ValType = ValType::I64;
    type Wasm = i64;
    #[inline]
    fn into_wasm(self) -> i64 {
        self
    }
    #[inline]
    fn from_wasm(wasm: i64) -> Option<Self> {
        Some(wasm)
    }
    #[inline]
    fn into_bits(self) -> u64 {
        self as u64
    }
    #[inline]
    fn from_bits(bits: u64) -> Option<Self> {
        Some(bits as i64)
    }
}

impl Scalar for u64 {
    const VAL_TYPE: ValType = ValType::I64;
    type Wasm = i64;
    #[inline]
    fn into_wasm(self) -> i64 {
        self as i64
    }
    #[inline]
    fn from_wasm(wasm: i64) -> Option<Self> {
        Some(wasm as u64)
    }
    #[inline]
    fn into_bits(self) -> u64 {
        self
    }
    #[inline]
    fn from_bits(bits: u64) -> Option<Self> {
        Some(bits)
    }
}

// usize and isize are 32 bits in the plugin and 64 on most hosts, so they travel as i64 and
// are range-checked where they land.
impl Scalar for usize {
    const VAL_TYPE: ValType = ValType::I64;
    type Wasm = i64;
    #[inline]
    fn into_wasm(self) -> i64 {
        self as u64 as i64
    }
    #[inline]
    fn from_wasm(wasm: i64) -> Option<Self> {
        usize::try_from(wasm as u64).ok()
    }
    #[inline]
    fn into_bits(self) -> u64 {
        self as u64
    }
    #[inline]
    fn from_bits(bits: u64) -> Option<Self> {
        usize::try_from(bits).ok()
    }
}

impl Scalar for isize {
    const VAL_TYPE: ValType = ValType::I64;
    type Wasm = i64;
    #[inline]
    fn into_wasm(self) -> i64 {
        self as i64
    }
    #[inline]
    fn from_wasm(wasm: i64) -> Option<Self> {
        isize::try_from(wasm).ok()
    }
    #[inline]
    fn into_bits(self) -> u64 {
        self as i64 as u64
    }
    #[inline]
    fn from_bits(bits: u64) -> Option<Self> {
        isize::try_from(bits as i64).ok()
    }
}

impl Scalar for f32 {
    const VAL_TYPE: ValType = ValType::F32;
    type Wasm = f32;
    #[inline]
    fn into_wasm(self) -> f32 {
        self
    }
    #[inline]
    fn from_wasm(wasm: f32) -> Option<Self> {
        Some(wasm)
    }
    #[inline]
    fn into_bits(self) -> u64 {
        self.to_bits() as u64
    }
    #[inline]
    fn from_bits(bits: u64) -> Option<Self> {
        Some(f32::from_bits(bits as u32))
    }
}

impl Scalar for f64 {
    const VAL_TYPE: ValType = ValType::F64;
    type Wasm = f64;
    #[inline]
    fn into_wasm(self) -> f64 {
        self
    }
    #[inline]
    fn from_wasm(wasm: f64) -> Option<Self> {
        Some(wasm)
    }
    #[inline]
    fn into_bits(self) -> u64 {
        self.to_bits()
    }
    #[inline]
    fn from_bits(bits: u64) -> Option<Self> {
        Some(f64::from_bits(bits))
    }
}

// bool is 0 or 1; any other value is a lie, not "true".
impl Scalar for bool {
    const VAL_TYPE: ValType = ValType::I32;
    type Wasm = i32;
    #[inline]
    fn into_wasm(self) -> i32 {
        self as i32
    }
    #[inline]
    fn from_wasm(wasm: i32) -> Option<Self> {
        match wasm {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
    #[inline]
    fn into_bits(self) -> u64 {
        self as u64
    }
    #[inline]
    fn from_bits(bits: u64) -> Option<Self> {
        Self::from_wasm(bits as u32 as i32)
    }
}

// char is its Unicode scalar value; surrogates and values past U+10FFFF are rejected.
impl Scalar for char {
    const VAL_TYPE: ValType = ValType::I32;
    type Wasm = i32;
    #[inline]
    fn into_wasm(self) -> i32 {
        self as u32 as i32
    }
    #[inline]
    fn from_wasm(wasm: i32) -> Option<Self> {
        char::from_u32(wasm as u32)
    }
    #[inline]
    fn into_bits(self) -> u64 {
        self as u32 as u64
    }
    #[inline]
    fn from_bits(bits: u64) -> Option<Self> {
        char::from_u32(bits as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip<T: Scalar + PartialEq + std::fmt::Debug>(values: &[T]) {
        for &v in values {
            assert_eq!(T::from_bits(v.into_bits()), Some(v));
            assert_eq!(T::from_wasm(v.into_wasm()), Some(v));
        }
    }

    #[test]
    fn every_scalar_round_trips_its_extremes() {
        round_trip(&[i8::MIN, -1, 0, i8::MAX]);
        round_trip(&[u8::MIN, u8::MAX]);
        round_trip(&[i16::MIN, i16::MAX]);
        round_trip(&[u16::MIN, u16::MAX]);
        round_trip(&[i32::MIN, -1, i32::MAX]);
        round_trip(&[u32::MIN, u32::MAX]);
        round_trip(&[i64::MIN, -1, i64::MAX]);
        round_trip(&[u64::MIN, u64::MAX]);
        round_trip(&[isize::MIN, isize::MAX]);
        round_trip(&[usize::MIN, usize::MAX]);
        round_trip(&[f32::MIN, f32::INFINITY, -0.0f32]);
        round_trip(&[f64::MAX, f64::NEG_INFINITY]);
        round_trip(&[true, false]);
        round_trip(&['\0', 'é', '\u{D7FF}', '\u{E000}', char::MAX]);
    }

    #[test]
    fn nan_bits_survive() {
        let nan = f32::from_bits(0x7fc0_1234);
        assert_eq!(
            <f32 as Scalar>::from_bits(nan.into_bits())
                .unwrap()
                .to_bits(),
            0x7fc0_1234
        );
    }

    #[test]
    fn lies_are_rejected() {
        assert_eq!(u8::from_wasm(256), None);
        assert_eq!(i8::from_wasm(-129), None);
        assert_eq!(bool::from_wasm(2), None);
        assert_eq!(char::from_wasm(0xD800), None);
        assert_eq!(char::from_wasm(0x11_0000), None);
    }
}
