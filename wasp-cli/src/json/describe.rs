//! The words of error messages: what a value of a type must look like in JSON, and a short
//! rendering of the value that was found instead.

use super::JsonCodec;
use super::number;
use serde_json::Value;
use std::fmt::Write as _;
use wasp::descriptor::{Fields, Shape, Type, TypeDef};

/// Longest rendering of a found value in an error message.
const MAX_FOUND: usize = 60;

/// What a JSON value of type `ty` must be: `u8 (an integer from 0 to 255)`,
/// `one of Fast, Slow(u32)`.
pub(crate) fn expected(codec: &JsonCodec<'_>, ty: &Type) -> String {
    match ty {
        Type::Scalar(s) => number::describe_scalar(*s),
        Type::I128 => number::INT128[0].to_string(),
        Type::U128 => number::INT128[1].to_string(),
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
    *ty == Type::Scalar(wasp::descriptor::ScalarType::U8)
}
