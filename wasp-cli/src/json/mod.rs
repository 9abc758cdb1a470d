//! JSON values to and from the wire format, driven by a contract descriptor.
//!
//! A plugin's descriptor gives the shape of every type its methods use, so a value can be
//! converted without any Rust type: JSON in, the bytes a typed host would send out; the bytes
//! a plugin returns in, JSON out. The JSON is what `serde_json` makes of the same Rust value:
//!
//! | type | JSON |
//! |---|---|
//! | integers, `f32`, `f64` | numbers (`i128`/`u128` beyond the 64-bit range as strings; non-finite floats as `"NaN"`, `"inf"`, `"-inf"`) |
//! | `bool`, `char`, `String` | `true`, `"x"`, `"text"` |
//! | `Vec<u8>` and `[u8; N]` | an array of numbers, or a base64 string (accepted always, written with [`BytesAs::Base64`]) |
//! | `()`, unit structs | `null` |
//! | `Option<T>` | `null` or the value |
//! | `Result<T, E>` | `{"Ok": value}` or `{"Err": value}` |
//! | `Vec<T>`, tuples, arrays, tuple structs | arrays (a one-field tuple struct is its field) |
//! | `Map<K, V>` | an object when keys are strings, chars, integers, bools or unit-only enums; otherwise an array of `[key, value]` pairs (accepted for any map) |
//! | structs | objects, fields in declaration order; a missing `Option` field is `None` |
//! | enums | `"Variant"` for a unit variant, `{"Variant": fields}` otherwise |
//!
//! As with `serde_json`, `Some(())` and `Some(None)` read back as `None`, and floats lose NaN
//! payloads. Everything else round-trips exactly.
//!
//! Values from a plugin are untrusted: decoding never panics, checks every length against the
//! bytes that remain before allocating, produces at most four JSON values per byte plus
//! [`EXTRA_VALUES`], and stops at [`MAX_DEPTH`] levels of nesting, so a hostile plugin or
//! descriptor cannot exhaust the host's memory or stack.
//!
//! ```
//! use wasp::descriptor::Contract;
//! use wasp_cli::json::JsonCodec;
//! use wasp_host::WireValue;
//!
//! let contract = Contract::parse(
//!     "wasp-contract 1\ncontract C\nmethod set(Config) -> Result<(), String>\n\
//!      struct Config { retries: u8, mode: Mode }\nenum Mode { Fast, Slow(u32) }\n",
//! )?;
//! let codec = JsonCodec::new(&contract);
//! let set = contract.method("set").expect("declared above");
//! let args = codec.args_to_wire(set, &[serde_json::json!({"retries": 3, "mode": {"Slow": 9}})])?;
//! assert_eq!(args, vec![WireValue::Buffer(vec![3, 1, 9])]);
//!
//! let wrong = codec.args_to_wire(set, &[serde_json::json!({"retries": 3, "mode": "Medium"})]);
//! assert_eq!(
//!     wrong.unwrap_err().to_string(),
//!     "args[0].mode: expected one of Fast, Slow(u32), found \"Medium\""
//! );
//!
//! let result = codec.result_from_wire(set, Some(&WireValue::Buffer(vec![1, 2, b'n', b'o'])))?;
//! assert_eq!(result, serde_json::json!({"Err": "no"}));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod decode;
mod describe;
mod encode;
mod number;
mod path;

use serde_json::Value;
use std::collections::HashMap;
use std::fmt;
use wasp::descriptor::{Contract, Function, Type, TypeDef, WireType};
use wasp_host::WireValue;

pub use path::Path;

/// How deeply values may nest, counting every type a value passes through (a struct, its
/// field's `Option`, the `Vec` inside, ...). Far beyond real contracts; low enough that a
/// value nesting without end cannot exhaust the stack.
pub const MAX_DEPTH: usize = 128;

/// How many JSON values decoding may produce beyond four per byte decoded. Values that take
/// no bytes (`()`, unit structs) and values that nest (`{"a": {"b": 1}}` from one byte)
/// produce more JSON than bytes; this bounds how much more, so that a plugin's small buffer
/// claiming a billion `()` cannot make the host build a billion JSON values.
pub const EXTRA_VALUES: usize = 1 << 20;

/// How byte sequences (`Vec<u8>`, `[u8; N]`) are written as JSON. Both forms are always
/// accepted as input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BytesAs {
    /// An array of numbers, as `serde_json` writes a `Vec<u8>`.
    #[default]
    Array,
    /// A base64 string (standard alphabet, padded).
    Base64,
}

/// A JSON value that does not fit its type, or wire bytes that do not decode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConvertError {
    /// Where in the value: `args[0].mode`, `result.tags[2]`.
    pub path: String,
    /// What is wrong, naming the expected type.
    pub message: String,
}

impl fmt::Display for ConvertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for ConvertError {}

/// Converts between JSON and the wire format for the types of one contract descriptor.
/// Cheap to create: it indexes the descriptor's named types once.
#[derive(Debug, Clone)]
pub struct JsonCodec<'c> {
    types: HashMap<&'c str, &'c TypeDef>,
    bytes_as: BytesAs,
}

impl<'c> JsonCodec<'c> {
    /// A codec for the types `contract` defines.
    pub fn new(contract: &'c Contract) -> Self {
        JsonCodec::with_types(&contract.types)
    }

    /// A codec for these type definitions.
    pub fn with_types(types: &'c [TypeDef]) -> Self {
        JsonCodec {
            // Should a hand-written descriptor define a name twice, the first definition
            // wins, as in `Contract::type_def`.
            types: types.iter().rev().map(|t| (t.name.as_str(), t)).collect(),
            bytes_as: BytesAs::default(),
        }
    }

    /// Writes byte sequences as `bytes_as` says (arrays by default).
    pub fn bytes_as(mut self, bytes_as: BytesAs) -> Self {
        self.bytes_as = bytes_as;
        self
    }

    pub(crate) fn type_def(&self, name: &str) -> Option<&'c TypeDef> {
        self.types.get(name).copied()
    }

    /// The arguments of a call to `function`, one JSON value per parameter, in their wire
    /// form. Errors name the argument as `args[i]`.
    ///
    /// # Errors
    /// When the number of values differs from the number of parameters, or a value does not
    /// fit its parameter's type.
    pub fn args_to_wire(
        &self,
        function: &Function,
        args: &[Value],
    ) -> Result<Vec<WireValue>, ConvertError> {
        if args.len() != function.params.len() {
            return Err(ConvertError {
                path: "args".to_string(),
                message: format!(
                    "{} takes {} argument(s), {} given",
                    function.signature(),
                    function.params.len(),
                    args.len()
                ),
            });
        }
        function
            .params
            .iter()
            .zip(args)
            .enumerate()
            .map(|(i, (ty, value))| self.to_wire(ty, value, &Path::root(format!("args[{i}]"))))
            .collect()
    }

    /// The result of a call to `function` as JSON: `null` when it returns nothing.
    ///
    /// # Errors
    /// When the result does not decode as the function's result type, or is missing or
    /// present against the function's type.
    pub fn result_from_wire(
        &self,
        function: &Function,
        result: Option<&WireValue>,
    ) -> Result<Value, ConvertError> {
        let root = Path::root("result");
        match (&function.result, result) {
            (Some(ty), Some(wire)) => self.from_wire(ty, wire, &root),
            (None, None) => Ok(Value::Null),
            (Some(ty), None) => {
                Err(root.error(format!("expected a {ty}, the call returned nothing")))
            }
            (None, Some(_)) => {
                Err(root.error("the function returns nothing, yet a value came back"))
            }
        }
    }

    /// One value of wire type `ty`, from JSON.
    ///
    /// # Errors
    /// When `value` does not fit `ty`; the error names the place under `path`.
    pub fn to_wire(
        &self,
        ty: &WireType,
        value: &Value,
        path: &Path,
    ) -> Result<WireValue, ConvertError> {
        encode::wire(self, ty, value, path)
    }

    /// One value of wire type `ty`, as JSON.
    ///
    /// # Errors
    /// When `wire` is not a valid value of `ty` (a scalar out of range, bytes that do not
    /// decode, a buffer where a scalar belongs); the error names the place under `path`.
    pub fn from_wire(
        &self,
        ty: &WireType,
        wire: &WireValue,
        path: &Path,
    ) -> Result<Value, ConvertError> {
        decode::wire(self, ty, wire, path)
    }

    /// The postcard encoding of `value` as type `ty`: what the typed code sends for a
    /// structured value.
    ///
    /// # Errors
    /// When `value` does not fit `ty`.
    pub fn encode(&self, ty: &Type, value: &Value, path: &Path) -> Result<Vec<u8>, ConvertError> {
        encode::postcard(self, ty, value, path)
    }

    /// A postcard-encoded value of type `ty` as JSON. The bytes must hold exactly one value.
    ///
    /// # Errors
    /// When `bytes` are not one valid encoding of `ty`.
    pub fn decode(&self, ty: &Type, bytes: &[u8], path: &Path) -> Result<Value, ConvertError> {
        decode::postcard(self, ty, bytes, path)
    }
}
