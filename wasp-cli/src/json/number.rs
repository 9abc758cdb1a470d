//! Scalars in JSON: integers range-checked for their Rust type, floats with the non-finite
//! values JSON cannot write spelled as strings, `char` as a one-character string.

use super::describe::{INT128, describe_scalar, found, int_range};
use serde_json::{Number, Value};
use wasp::descriptor::ScalarType;
use wasp_abi::Scalar;

/// A scalar value read from JSON, already checked against its type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Num {
    /// Any integer type, `i128` and `u128` included; in range for its type.
    Int(i128),
    F32(f32),
    F64(f64),
    Bool(bool),
    Char(char),
}

/// A JSON integer: a number without fraction, or (`strings`) a string of digits.
fn json_int(value: &Value, strings: bool) -> Option<i128> {
    match value {
        Value::Number(n) => n
            .as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from)),
        Value::String(s) if strings => s.trim().parse().ok(),
        _ => None,
    }
}

/// Why `value` is not an integer of type `name`, with a hint for the likely mistake.
fn not_an_int(expected: &str, value: &Value) -> String {
    let mut message = format!("expected {expected}, found {}", found(value));
    if let Value::Number(n) = value
        && n.is_f64()
        && n.as_f64()
            .is_some_and(|f| f.fract() == 0.0 && f.abs() >= 9.2e18)
    {
        message.push_str(
            "; JSON numbers this large lose digits: write integers beyond the 64-bit range as \
             strings of digits (for i128 and u128)",
        );
    }
    message
}

/// Reads a scalar of type `s` from JSON.
///
/// # Errors
/// The message for an error: the expected type and what was found.
pub(crate) fn scalar_from_json(s: ScalarType, value: &Value) -> Result<Num, String> {
    let expected = || format!("expected {}, found {}", describe_scalar(s), found(value));
    if let Some((min, max)) = int_range(s) {
        return match json_int(value, false) {
            Some(i) if (min..=max).contains(&i) => Ok(Num::Int(i)),
            Some(_) => Err(expected()),
            None => Err(not_an_int(&describe_scalar(s), value)),
        };
    }
    match s {
        ScalarType::Bool => value.as_bool().map(Num::Bool).ok_or_else(expected),
        ScalarType::Char => {
            let mut chars = value.as_str().unwrap_or_default().chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => Ok(Num::Char(c)),
                _ => Err(expected()),
            }
        }
        ScalarType::F32 => {
            let wide = json_float(value).ok_or_else(expected)?;
            let narrow = wide as f32;
            if narrow.is_infinite() && wide.is_finite() {
                return Err(format!("{}: beyond the range of f32", expected()));
            }
            Ok(Num::F32(narrow))
        }
        _ => json_float(value).map(Num::F64).ok_or_else(expected),
    }
}

/// An `i128` from JSON: a number, or a string of digits for values beyond what JSON numbers
/// carry exactly.
pub(crate) fn i128_from_json(value: &Value) -> Result<i128, String> {
    json_int(value, true).ok_or_else(|| not_an_int(INT128[0], value))
}

/// A `u128` from JSON, as [`i128_from_json`].
pub(crate) fn u128_from_json(value: &Value) -> Result<u128, String> {
    let parsed = match value {
        Value::String(s) => s.trim().parse::<u128>().ok(),
        other => json_int(other, false).and_then(|i| u128::try_from(i).ok()),
    };
    parsed.ok_or_else(|| not_an_int(INT128[1], value))
}

fn json_float(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => match s.as_str() {
            "NaN" | "nan" => Some(f64::NAN),
            "inf" | "+inf" | "Infinity" | "+Infinity" | "infinity" => Some(f64::INFINITY),
            "-inf" | "-Infinity" | "-infinity" => Some(f64::NEG_INFINITY),
            _ => None,
        },
        _ => None,
    }
}

/// The wasm bits of a scalar read from JSON, as the typed code passes it (docs/ABI.md
/// section 2).
pub(crate) fn scalar_bits(s: ScalarType, num: Num) -> u64 {
    // The value was range-checked for `s` when it was read, so the casts are exact.
    match (s, num) {
        (ScalarType::I8, Num::Int(i)) => (i as i8).into_bits(),
        (ScalarType::I16, Num::Int(i)) => (i as i16).into_bits(),
        (ScalarType::I32, Num::Int(i)) => (i as i32).into_bits(),
        (ScalarType::I64 | ScalarType::Isize, Num::Int(i)) => (i as i64).into_bits(),
        (ScalarType::U8, Num::Int(i)) => (i as u8).into_bits(),
        (ScalarType::U16, Num::Int(i)) => (i as u16).into_bits(),
        (ScalarType::U32, Num::Int(i)) => (i as u32).into_bits(),
        (_, Num::Int(i)) => (i as u64).into_bits(),
        (_, Num::F32(f)) => f.into_bits(),
        (_, Num::F64(f)) => f.into_bits(),
        (_, Num::Bool(b)) => b.into_bits(),
        (_, Num::Char(c)) => c.into_bits(),
    }
}

/// A scalar of type `s` from its wasm bits, as JSON; `None` when the bits denote no value of
/// the type.
pub(crate) fn scalar_from_bits(s: ScalarType, bits: u64) -> Option<Value> {
    fn int<T: Scalar + Into<i128>>(bits: u64) -> Option<Value> {
        T::from_bits(bits).map(|v| int_to_json(v.into()))
    }
    match s {
        ScalarType::I8 => int::<i8>(bits),
        ScalarType::I16 => int::<i16>(bits),
        ScalarType::I32 => int::<i32>(bits),
        ScalarType::I64 | ScalarType::Isize => int::<i64>(bits),
        ScalarType::U8 => int::<u8>(bits),
        ScalarType::U16 => int::<u16>(bits),
        ScalarType::U32 => int::<u32>(bits),
        ScalarType::U64 | ScalarType::Usize => int::<u64>(bits),
        ScalarType::F32 => <f32 as Scalar>::from_bits(bits).map(f32_to_json),
        ScalarType::F64 => <f64 as Scalar>::from_bits(bits).map(f64_to_json),
        ScalarType::Bool => <bool as Scalar>::from_bits(bits).map(Value::Bool),
        ScalarType::Char => <char as Scalar>::from_bits(bits).map(|c| Value::String(c.to_string())),
    }
}

/// An integer as JSON: a number when JSON numbers carry it exactly (the 64-bit range), a
/// string of digits beyond.
pub(crate) fn int_to_json(i: i128) -> Value {
    if let Ok(v) = i64::try_from(i) {
        Value::from(v)
    } else if let Ok(v) = u64::try_from(i) {
        Value::from(v)
    } else {
        Value::String(i.to_string())
    }
}

/// A `u128` as JSON; see [`int_to_json`].
pub(crate) fn u128_to_json(u: u128) -> Value {
    match u64::try_from(u) {
        Ok(v) => Value::from(v),
        Err(_) => Value::String(u.to_string()),
    }
}

/// An `f32` as JSON: its shortest decimal form, so that `0.1f32` reads `0.1` rather than the
/// `0.10000000149011612` of its widening to `f64`.
pub(crate) fn f32_to_json(f: f32) -> Value {
    if !f.is_finite() {
        return non_finite(f64::from(f));
    }
    // Display writes the shortest decimal that reads back as the same f32; the f64 nearest
    // to that decimal prints as the same digits and narrows back to the same f32.
    let shortest = f.to_string().parse::<f64>().unwrap_or(f64::from(f));
    Number::from_f64(shortest).map_or(Value::Null, Value::Number)
}

/// An `f64` as JSON.
pub(crate) fn f64_to_json(f: f64) -> Value {
    match Number::from_f64(f) {
        Some(n) => Value::Number(n),
        None => non_finite(f),
    }
}

fn non_finite(f: f64) -> Value {
    Value::String(
        if f.is_nan() {
            "NaN"
        } else if f > 0.0 {
            "inf"
        } else {
            "-inf"
        }
        .to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn integers_are_range_checked() {
        assert_eq!(
            scalar_from_json(ScalarType::U8, &json!(255)),
            Ok(Num::Int(255))
        );
        assert_eq!(
            scalar_from_json(ScalarType::U8, &json!(256)).unwrap_err(),
            "expected u8 (an integer from 0 to 255), found 256"
        );
        assert!(scalar_from_json(ScalarType::I8, &json!(-129)).is_err());
        assert!(scalar_from_json(ScalarType::U32, &json!(1.5)).is_err());
        assert!(scalar_from_json(ScalarType::U32, &json!("1")).is_err());
        assert_eq!(
            scalar_from_json(ScalarType::U64, &json!(u64::MAX)),
            Ok(Num::Int(u64::MAX.into()))
        );
        assert!(
            scalar_from_json(ScalarType::U64, &json!(1e20))
                .unwrap_err()
                .contains("as strings")
        );
    }

    #[test]
    fn floats_chars_and_bools() {
        assert_eq!(
            scalar_from_json(ScalarType::F32, &json!(0.1)),
            Ok(Num::F32(0.1))
        );
        assert!(scalar_from_json(ScalarType::F32, &json!(1e39)).is_err());
        assert!(matches!(
            scalar_from_json(ScalarType::F64, &json!("NaN")),
            Ok(Num::F64(f)) if f.is_nan()
        ));
        assert_eq!(
            scalar_from_json(ScalarType::Char, &json!("é")),
            Ok(Num::Char('é'))
        );
        assert!(scalar_from_json(ScalarType::Char, &json!("ab")).is_err());
        assert!(scalar_from_json(ScalarType::Bool, &json!(1)).is_err());
        assert_eq!(f32_to_json(0.1).to_string(), "0.1");
        assert_eq!(f32_to_json(f32::NEG_INFINITY), json!("-inf"));
        assert_eq!(f64_to_json(-0.0).to_string(), "-0.0");
    }

    #[test]
    fn bits_follow_the_abi() {
        assert_eq!(scalar_bits(ScalarType::I8, Num::Int(-1)), 0xffff_ffff);
        assert_eq!(
            scalar_from_bits(ScalarType::I8, 0xffff_ffff),
            Some(json!(-1))
        );
        assert_eq!(scalar_from_bits(ScalarType::U8, 256), None);
        assert_eq!(scalar_from_bits(ScalarType::Bool, 2), None);
        assert_eq!(int_to_json(i128::MAX), json!(i128::MAX.to_string()));
        assert_eq!(i128_from_json(&json!("-5")), Ok(-5));
        assert_eq!(i128_from_json(&json!(-5)), Ok(-5));
        assert_eq!(u128_from_json(&json!(u128::MAX.to_string())), Ok(u128::MAX));
        assert!(u128_from_json(&json!(-1)).is_err());
        assert!(u128_from_json(&json!("-1")).is_err());
    }
}
