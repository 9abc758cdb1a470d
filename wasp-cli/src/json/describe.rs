//! What each type looks like in JSON, as far as more than one direction needs to know: the
//! words of error messages (what a value must be, a short rendering of what was found), the
//! range of each integer type, whether map keys can be written as object keys.

use super::JsonCodec;
use serde_json::Value;
use std::fmt::Write as _;
use wasp::descriptor::{Fields, ScalarType, Shape, Type, TypeDef};

/// Longest rendering of a found value in an error message.
const MAX_FOUND: usize = 60;

/// What a JSON value of type `ty` must be: `u8 (an integer from 0 to 255)`,
/// `one of Fast, Slow(u32)`.
pub(crate) fn expected(codec: &JsonCodec<'_>, ty: &Type) -> String {
    match ty {
        Type::Scalar(s) => describe_scalar(*s),
        Type::I128 => INT128[0].to_string(),
        Type::U128 => INT128[1].to_string(),
        Type::Unit => "() (null)".to_string(),
        Type::String => "String (a string)".to_string(),
        Type::Option(inner) => format!("null or {}", expected(codec, inner)),
        Type::List(element) if is_u8(element) => {
            format!("{ty} (an array of integers from 0 to 255, or a base64 string)")
        }
        Type::List(_) => format!("{ty} (an array)"),
        Type::Map(..) => format!("{ty} (an object, or an array of [key, value] pairs)"),
        Type::Tuple(items) => format!("{ty} (an array of {} elements)", items.len()),
        Type::Array(element, len) if is_u8(element) => {
            format!("{ty} (an array of {len} integers from 0 to 255, or a base64 string)")
        }
        Type::Array(_, len) => format!("{ty} (an array of {len} elements)"),
        Type::Result(..) => format!("{ty} ({{\"Ok\": value}} or {{\"Err\": value}})"),
        Type::Named(name) => match codec.type_def(name) {
            Some(def) => expected_def(def),
            None => format!("{name}, a type the descriptor does not define"),
        },
    }
}

fn expected_def(def: &TypeDef) -> String {
    match &def.shape {
        Shape::Enum(variants) => {
            let mut out = "one of ".to_string();
            for (i, v) in variants.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                let _ = write!(out, "{}{}", v.name, v.fields);
            }
            if variants.is_empty() {
                out = format!("enum {}, which has no variants", def.name);
            }
            out
        }
        Shape::Struct(Fields::Unit) => format!("{def} (null)"),
        Shape::Struct(Fields::Tuple(items)) => {
            format!("{def} (an array of {} elements)", items.len())
        }
        Shape::Struct(Fields::Named(_)) => format!("{def} (an object)"),
    }
}

/// The value found, as compact JSON, shortened to fit in a message.
pub(crate) fn found(value: &Value) -> String {
    let text = value.to_string();
    if text.len() <= MAX_FOUND {
        return text;
    }
    let mut end = MAX_FOUND;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

pub(crate) fn is_u8(ty: &Type) -> bool {
    *ty == Type::Scalar(ScalarType::U8)
}

/// Whether map keys of type `key` can be written as object keys, as `serde_json` writes them.
pub(crate) fn key_is_text(codec: &JsonCodec<'_>, key: &Type) -> bool {
    match key {
        Type::String | Type::Scalar(_) | Type::I128 | Type::U128 => true,
        Type::Named(name) => codec.type_def(name).is_some_and(|def| match &def.shape {
            Shape::Enum(variants) => variants.iter().all(|v| v.fields == Fields::Unit),
            Shape::Struct(_) => false,
        }),
        _ => false,
    }
}

/// The smallest and largest value of an integer scalar type, as the host sees it
/// (`isize`/`usize` are 64-bit here; the 32-bit plugin range-checks them where they land).
pub(crate) fn int_range(s: ScalarType) -> Option<(i128, i128)> {
    Some(match s {
        ScalarType::I8 => (i8::MIN.into(), i8::MAX.into()),
        ScalarType::I16 => (i16::MIN.into(), i16::MAX.into()),
        ScalarType::I32 => (i32::MIN.into(), i32::MAX.into()),
        ScalarType::I64 | ScalarType::Isize => (i64::MIN.into(), i64::MAX.into()),
        ScalarType::U8 => (0, u8::MAX.into()),
        ScalarType::U16 => (0, u16::MAX.into()),
        ScalarType::U32 => (0, u32::MAX.into()),
        ScalarType::U64 | ScalarType::Usize => (0, u64::MAX.into()),
        ScalarType::F32 | ScalarType::F64 | ScalarType::Bool | ScalarType::Char => return None,
    })
}

/// What a JSON value of scalar type `s` must be.
pub(crate) fn describe_scalar(s: ScalarType) -> String {
    match (s, int_range(s)) {
        (_, Some((min, max))) => format!("{} (an integer from {min} to {max})", s.name()),
        (ScalarType::Bool, _) => "bool (true or false)".to_string(),
        (ScalarType::Char, _) => "char (a string of one character)".to_string(),
        _ => format!("{} (a number, or \"NaN\", \"inf\" or \"-inf\")", s.name()),
    }
}

/// What JSON values of `i128` and `u128` must be.
pub(crate) const INT128: [&str; 2] = [
    "i128 (an integer, as a number or a string of digits)",
    "u128 (an integer, as a number or a string of digits)",
];
