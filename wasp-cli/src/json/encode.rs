//! JSON to the wire: scalars to their wasm bits, strings and bytes to raw buffers, everything
//! else to postcard 1.x (docs/ABI.md section 4), driven by the descriptor's types.

use super::describe::{expected, found, is_u8, key_is_text};
use super::number::{self, Num};
use super::path::{Path, Segment, Trail};
use super::{ConvertError, JsonCodec, MAX_DEPTH};
use base64::Engine as _;
use serde_json::{Map, Value};
use wasp::descriptor::{Field, Fields, ScalarType, Shape, Type, TypeDef, Variant, WireType};
use wasp_host::WireValue;

/// One parameter or result of wire type `ty`.
pub(crate) fn wire(
    codec: &JsonCodec<'_>,
    ty: &WireType,
    value: &Value,
    path: &Path,
) -> Result<WireValue, ConvertError> {
    match ty {
        WireType::Scalar(s) => number::scalar_from_json(*s, value)
            .map(|n| WireValue::Scalar(number::scalar_bits(*s, n)))
            .map_err(|message| path.error(message)),
        WireType::String => match value {
            Value::String(s) => Ok(WireValue::Buffer(s.as_bytes().to_vec())),
            other => Err(path.error(format!(
                "expected String (a string), found {}",
                found(other)
            ))),
        },
        WireType::Bytes => {
            let mut encoder = Encoder::new(codec, path);
            encoder.byte_sequence(value, None).map(WireValue::Buffer)
        }
        WireType::Serde(t) => postcard(codec, t, value, path).map(WireValue::Buffer),
    }
}

/// The postcard encoding of `value` as type `ty`.
pub(crate) fn postcard(
    codec: &JsonCodec<'_>,
    ty: &Type,
    value: &Value,
    path: &Path,
) -> Result<Vec<u8>, ConvertError> {
    let mut encoder = Encoder::new(codec, path);
    encoder.value(ty, value)?;
    Ok(encoder.out)
}

struct Encoder<'c, 'p> {
    codec: &'p JsonCodec<'c>,
    out: Vec<u8>,
    trail: Trail<'p, 'c>,
    depth: usize,
}

impl<'c, 'p> Encoder<'c, 'p> {
    fn new(codec: &'p JsonCodec<'c>, path: &'p Path) -> Self {
        Encoder {
            codec,
            out: Vec::new(),
            trail: Trail::new(path),
            depth: 0,
        }
    }

    fn mismatch(&self, ty: &Type, value: &Value) -> ConvertError {
        self.trail.error(format!(
            "expected {}, found {}",
            expected(self.codec, ty),
            found(value)
        ))
    }

    /// Encodes `value` as `ty`. The depth counts types, not JSON levels: a newtype that
    /// contains itself (`struct A(B); struct B(A);`) would otherwise recurse without ever
    /// consuming any JSON.
    fn value(&mut self, ty: &Type, value: &Value) -> Result<(), ConvertError> {
        if self.depth >= MAX_DEPTH {
            return Err(self
                .trail
                .error(format!("values nest more than {MAX_DEPTH} levels deep")));
        }
        self.depth += 1;
        let result = self.value_at_depth(ty, value);
        self.depth -= 1;
        result
    }

    fn value_at_depth(&mut self, ty: &Type, value: &Value) -> Result<(), ConvertError> {
        match ty {
            Type::Scalar(s) => {
                let num = number::scalar_from_json(*s, value).map_err(|m| self.trail.error(m))?;
                self.scalar(*s, num);
                Ok(())
            }
            Type::I128 => {
                let i = number::i128_from_json(value).map_err(|m| self.trail.error(m))?;
                self.varint(zigzag(i));
                Ok(())
            }
            Type::U128 => {
                let u = number::u128_from_json(value).map_err(|m| self.trail.error(m))?;
                self.varint(u);
                Ok(())
            }
            Type::Unit if value.is_null() => Ok(()),
            Type::String => match value {
                Value::String(s) => {
                    self.str(s);
                    Ok(())
                }
                other => Err(self.mismatch(ty, other)),
            },
            Type::Option(inner) => {
                if value.is_null() {
                    self.out.push(0);
                    Ok(())
                } else {
                    self.out.push(1);
                    self.value(inner, value)
                }
            }
            Type::List(element) if is_u8(element) && value.is_string() => {
                let bytes = self.byte_sequence(value, None)?;
                self.varint(bytes.len() as u128);
                self.out.extend_from_slice(&bytes);
                Ok(())
            }
            Type::List(element) => match value {
                Value::Array(items) => {
                    self.varint(items.len() as u128);
                    self.elements(std::iter::repeat(&**element), items)
                }
                other => Err(self.mismatch(ty, other)),
            },
            Type::Array(element, len) if is_u8(element) && value.is_string() => {
                let bytes = self.byte_sequence(value, Some(*len))?;
                self.out.extend_from_slice(&bytes);
                Ok(())
            }
            Type::Array(element, len) => match value {
                Value::Array(items) if items.len() as u64 == *len => {
                    self.elements(std::iter::repeat(&**element), items)
                }
                other => Err(self.mismatch(ty, other)),
            },
            Type::Tuple(types) => match value {
                Value::Array(items) if items.len() == types.len() => {
                    self.elements(types.iter(), items)
                }
                other => Err(self.mismatch(ty, other)),
            },
            Type::Map(key, val) => self.map(ty, key, val, value),
            Type::Result(ok, err) => match single_member(value) {
                Some(("Ok", inner)) => {
                    self.out.push(0);
                    self.member("Ok", ok, inner)
                }
                Some(("Err", inner)) => {
                    self.out.push(1);
                    self.member("Err", err, inner)
                }
                _ => Err(self.mismatch(ty, value)),
            },
            Type::Named(name) => match self.codec.type_def(name) {
                Some(def) => self.named(ty, def, value),
                None => Err(self.trail.error(format!(
                    "type `{name}` is not defined by the contract descriptor, so its values \
                     cannot be written"
                ))),
            },
            Type::Unit => Err(self.mismatch(ty, value)),
        }
    }

    fn elements<'t>(
        &mut self,
        types: impl Iterator<Item = &'t Type>,
        items: &[Value],
    ) -> Result<(), ConvertError> {
        for (i, (ty, item)) in types.zip(items).enumerate() {
            self.trail.push(Segment::Index(i as u64));
            self.value(ty, item)?;
            self.trail.pop();
        }
        Ok(())
    }

    /// A value under an object member that the type fixes (`Ok`, a field of a struct).
    fn member(&mut self, name: &'c str, ty: &Type, value: &Value) -> Result<(), ConvertError> {
        self.trail.push(Segment::Field(name));
        self.value(ty, value)?;
        self.trail.pop();
        Ok(())
    }

    fn named(&mut self, ty: &Type, def: &'c TypeDef, value: &Value) -> Result<(), ConvertError> {
        match &def.shape {
            Shape::Struct(fields) => match self.fields(&def.name, fields, value)? {
                true => Ok(()),
                false => Err(self.mismatch(ty, value)),
            },
            Shape::Enum(variants) => self.variant(ty, variants, value),
        }
    }

    /// Encodes `value` as `fields`, the fields of a struct or a variant, written as
    /// `serde_json` writes them. `Ok(false)` when `value` has the wrong JSON kind, so that
    /// the caller names the whole type in the error.
    fn fields(
        &mut self,
        owner: &str,
        fields: &'c Fields,
        value: &Value,
    ) -> Result<bool, ConvertError> {
        match (fields, value) {
            (Fields::Unit, Value::Null) => Ok(true),
            // A newtype is its field.
            (Fields::Tuple(types), value) if types.len() == 1 => {
                self.value(&types[0], value).map(|()| true)
            }
            (Fields::Tuple(types), Value::Array(items)) if items.len() == types.len() => {
                self.elements(types.iter(), items).map(|()| true)
            }
            (Fields::Named(named), Value::Object(members)) => {
                self.named_fields(owner, named, members).map(|()| true)
            }
            _ => Ok(false),
        }
    }

    fn named_fields(
        &mut self,
        owner: &str,
        fields: &'c [Field],
        members: &Map<String, Value>,
    ) -> Result<(), ConvertError> {
        if let Some(unknown) = members
            .keys()
            .find(|k| !fields.iter().any(|f| f.name == **k))
        {
            let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
            return Err(self.trail.error(format!(
                "{owner} has no field `{unknown}`; its fields are {}",
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                }
            )));
        }
        for field in fields {
            match (members.get(&field.name), &field.ty) {
                (Some(v), ty) => self.member(&field.name, ty, v)?,
                // serde reads a missing optional field as None, and so does this.
                (None, Type::Option(_)) => self.out.push(0),
                (None, Type::Unit) => {}
                (None, ty) => {
                    return Err(self.trail.error(format!(
                        "missing field `{}` ({}) of {owner}",
                        field.name, ty
                    )));
                }
            }
        }
        Ok(())
    }

    /// An enum value: `"Variant"` for a unit variant, `{"Variant": fields}` for any.
    fn variant(
        &mut self,
        ty: &Type,
        variants: &'c [Variant],
        value: &Value,
    ) -> Result<(), ConvertError> {
        let (name, payload) = match value {
            Value::String(name) => (name.as_str(), None),
            other => match single_member(other) {
                Some((name, payload)) => (name, Some(payload)),
                None => return Err(self.mismatch(ty, value)),
            },
        };
        let Some((index, variant)) = variants.iter().enumerate().find(|(_, v)| v.name == name)
        else {
            return Err(self.mismatch(ty, value));
        };
        let Some(payload) = payload else {
            if variant.fields != Fields::Unit {
                return Err(self.trail.error(format!(
                    "variant {name} has fields, {}: write {{\"{name}\": {}}}",
                    fields_shape(&variant.fields),
                    fields_example(&variant.fields)
                )));
            }
            self.varint(index as u128);
            return Ok(());
        };
        self.varint(index as u128);
        self.trail.push(Segment::Variant(&variant.name));
        if !self.fields(&variant.name, &variant.fields, payload)? {
            return Err(self.trail.error(format!(
                "expected the fields of {}{}: {}, found {}",
                variant.name,
                variant.fields,
                fields_shape(&variant.fields),
                found(payload)
            )));
        }
        self.trail.pop();
        Ok(())
    }

    /// A map, from an object (keys written as text) or from an array of `[key, value]` pairs.
    fn map(
        &mut self,
        ty: &Type,
        key: &Type,
        val: &Type,
        value: &Value,
    ) -> Result<(), ConvertError> {
        match value {
            Value::Object(members) => {
                if !key_is_text(self.codec, key) {
                    return Err(self.trail.error(format!(
                        "the keys of {ty} cannot be object keys: write the map as an array of \
                         [key, value] pairs"
                    )));
                }
                self.varint(members.len() as u128);
                for (text, v) in members {
                    self.trail.push(Segment::Key(text.clone()));
                    let key_value = key_from_text(key, text);
                    self.value(key, &key_value)?;
                    self.value(val, v)?;
                    self.trail.pop();
                }
                Ok(())
            }
            Value::Array(pairs) => {
                self.varint(pairs.len() as u128);
                for (i, pair) in pairs.iter().enumerate() {
                    self.trail.push(Segment::Index(i as u64));
                    match pair.as_array().map(Vec::as_slice) {
                        Some([k, v]) => {
                            self.trail.push(Segment::Index(0));
                            self.value(key, k)?;
                            self.trail.pop();
                            self.trail.push(Segment::Index(1));
                            self.value(val, v)?;
                            self.trail.pop();
                        }
                        _ => {
                            return Err(self.trail.error(format!(
                                "expected a [key, value] pair of {ty}, found {}",
                                found(pair)
                            )));
                        }
                    }
                    self.trail.pop();
                }
                Ok(())
            }
            other => Err(self.mismatch(ty, other)),
        }
    }

    /// Bytes from an array of numbers or a base64 string; `len` when the count is fixed.
    fn byte_sequence(&mut self, value: &Value, len: Option<u64>) -> Result<Vec<u8>, ConvertError> {
        let what = || match len {
            Some(n) => {
                format!("[u8; {n}] (an array of {n} integers from 0 to 255, or a base64 string)")
            }
            None => "bytes (an array of integers from 0 to 255, or a base64 string)".to_string(),
        };
        let bytes = match value {
            Value::String(text) => BASE64.decode(text.trim()).map_err(|e| {
                self.trail.error(format!(
                    "expected {}, found {}: not base64 ({e})",
                    what(),
                    found(value)
                ))
            })?,
            Value::Array(items) => {
                let mut bytes = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    match item.as_u64().and_then(|b| u8::try_from(b).ok()) {
                        Some(b) => bytes.push(b),
                        None => {
                            self.trail.push(Segment::Index(i as u64));
                            return Err(self.trail.error(format!(
                                "expected u8 (an integer from 0 to 255), found {}",
                                found(item)
                            )));
                        }
                    }
                }
                bytes
            }
            other => {
                return Err(self.trail.error(format!(
                    "expected {}, found {}",
                    what(),
                    found(other)
                )));
            }
        };
        match len {
            Some(n) if bytes.len() as u64 != n => {
                Err(self
                    .trail
                    .error(format!("expected {}, found {} bytes", what(), bytes.len())))
            }
            _ => Ok(bytes),
        }
    }

    fn scalar(&mut self, s: ScalarType, num: Num) {
        match (s, num) {
            (ScalarType::U8 | ScalarType::I8, Num::Int(i)) => self.out.push(i as u8),
            (
                ScalarType::U16 | ScalarType::U32 | ScalarType::U64 | ScalarType::Usize,
                Num::Int(i),
            ) => self.varint(i as u128),
            (_, Num::Int(i)) => self.varint(zigzag(i)),
            (_, Num::F32(f)) => self.out.extend_from_slice(&f.to_le_bytes()),
            (_, Num::F64(f)) => self.out.extend_from_slice(&f.to_le_bytes()),
            (_, Num::Bool(b)) => self.out.push(u8::from(b)),
            // postcard writes a char as the string of its UTF-8 bytes.
            (_, Num::Char(c)) => self.str(c.encode_utf8(&mut [0; 4])),
        }
    }

    fn str(&mut self, s: &str) {
        self.varint(s.len() as u128);
        self.out.extend_from_slice(s.as_bytes());
    }

    /// LEB128, as postcard writes every integer wider than a byte.
    fn varint(&mut self, mut v: u128) {
        loop {
            let low = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.out.push(low);
                return;
            }
            self.out.push(low | 0x80);
        }
    }
}

/// Signed integers travel zigzag-encoded: 0, -1, 1, -2, ... become 0, 1, 2, 3, ... The
/// mapping is the same whatever the width, so one function serves every signed type.
fn zigzag(i: i128) -> u128 {
    if i >= 0 {
        (i as u128) << 1
    } else {
        // -(i + 1) cannot overflow, even for i128::MIN.
        ((-(i + 1)) as u128) << 1 | 1
    }
}

/// Standard base64; padding optional, since hand-written input often leaves it out.
const BASE64: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    base64::engine::GeneralPurposeConfig::new()
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
);

/// The only member of a one-member object: the form of an enum variant and of `Ok`/`Err`.
fn single_member(value: &Value) -> Option<(&str, &Value)> {
    match value {
        Value::Object(members) if members.len() == 1 => {
            members.iter().next().map(|(k, v)| (k.as_str(), v))
        }
        _ => None,
    }
}

/// The JSON value an object key stands for: the text itself for strings, chars and enum
/// variants; a number or bool parsed from it for the scalars `serde_json` writes as text.
fn key_from_text(key: &Type, text: &str) -> Value {
    match key {
        Type::Scalar(ScalarType::Char)
        | Type::String
        | Type::Named(_)
        | Type::I128
        | Type::U128 => Value::String(text.to_string()),
        _ => serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string())),
    }
}

/// What the fields of a variant look like in JSON.
fn fields_shape(fields: &Fields) -> String {
    match fields {
        Fields::Unit => "null".to_string(),
        Fields::Tuple(items) if items.len() == 1 => format!("one {}", items[0]),
        Fields::Tuple(items) => format!("an array of {} elements", items.len()),
        Fields::Named(_) => "an object".to_string(),
    }
}

/// A placeholder for the fields of a variant, as an example of the JSON to write.
fn fields_example(fields: &Fields) -> &'static str {
    match fields {
        Fields::Unit => "null",
        Fields::Tuple(items) if items.len() == 1 => "...",
        Fields::Tuple(_) => "[...]",
        Fields::Named(_) => "{...}",
    }
}
