//! The wire to JSON: scalars from their wasm bits, strings and bytes from raw buffers,
//! everything else from postcard 1.x (docs/ABI.md section 4), driven by the descriptor's
//! types. The bytes come from a plugin and are not trusted: see the bounds in the module
//! documentation of [`super`].

use super::describe::{is_u8, key_is_text};
use super::number::{self, f32_to_json, f64_to_json, int_to_json, u128_to_json};
use super::path::{Path, Segment, Trail};
use super::{BytesAs, ConvertError, EXTRA_VALUES, JsonCodec, MAX_DEPTH};
use base64::Engine as _;
use serde_json::{Map, Value};
use wasp::descriptor::{Fields, ScalarType, Shape, Type, TypeDef};
use wasp_host::WireValue;

/// One parameter or result of wire type `ty`.
pub(crate) fn wire(
    codec: &JsonCodec<'_>,
    ty: &wasp::descriptor::WireType,
    wire: &WireValue,
    path: &Path,
) -> Result<Value, ConvertError> {
    use wasp::descriptor::WireType;
    match (ty, wire) {
        (WireType::Scalar(s), WireValue::Scalar(bits)) => number::scalar_from_bits(*s, *bits)
            .ok_or_else(|| path.error(format!("{bits:#x} is not a valid {}", s.name()))),
        (WireType::String, WireValue::Buffer(bytes)) => std::str::from_utf8(bytes)
            .map(|s| Value::String(s.to_string()))
            .map_err(|e| path.error(format!("the string is not UTF-8: {e}"))),
        (WireType::Bytes, WireValue::Buffer(bytes)) => Ok(bytes_to_json(bytes, codec.bytes_as)),
        (WireType::Serde(t), WireValue::Buffer(bytes)) => postcard(codec, t, bytes, path),
        (WireType::Scalar(s), WireValue::Buffer(_)) => {
            Err(path.error(format!("expected a {}, found a buffer", s.name())))
        }
        (ty, WireValue::Scalar(_)) => Err(path.error(format!(
            "expected a {ty}, which travels as a buffer, found a scalar"
        ))),
    }
}

/// A postcard-encoded value of type `ty` that fills `bytes` exactly.
pub(crate) fn postcard(
    codec: &JsonCodec<'_>,
    ty: &Type,
    bytes: &[u8],
    path: &Path,
) -> Result<Value, ConvertError> {
    let mut decoder = Decoder {
        codec,
        bytes,
        pos: 0,
        trail: Trail::new(path),
        depth: 0,
        budget: bytes.len().saturating_mul(4).saturating_add(EXTRA_VALUES),
    };
    let value = decoder.value(ty)?;
    let rest = bytes.len() - decoder.pos;
    if rest != 0 {
        return Err(path.error(format!(
            "{rest} unexpected trailing byte(s) after a {ty}: the value is longer than its \
             type says"
        )));
    }
    Ok(value)
}

fn bytes_to_json(bytes: &[u8], bytes_as: BytesAs) -> Value {
    match bytes_as {
        BytesAs::Array => Value::Array(bytes.iter().map(|&b| Value::from(b)).collect()),
        BytesAs::Base64 => Value::String(base64::engine::general_purpose::STANDARD.encode(bytes)),
    }
}

struct Decoder<'c, 'p, 'b> {
    codec: &'p JsonCodec<'c>,
    bytes: &'b [u8],
    pos: usize,
    trail: Trail<'p, 'c>,
    depth: usize,
    /// JSON values still allowed.
    budget: usize,
}

impl<'c> Decoder<'c, '_, '_> {
    fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    fn take(&mut self, n: usize, what: &str) -> Result<&[u8], ConvertError> {
        if n > self.remaining() {
            return Err(self.trail.error(format!(
                "the bytes end early: {what} needs {n} more byte(s), {} remain",
                self.remaining()
            )));
        }
        let start = self.pos;
        self.pos += n;
        Ok(&self.bytes[start..self.pos])
    }

    fn byte(&mut self, what: &str) -> Result<u8, ConvertError> {
        Ok(self.take(1, what)?[0])
    }

    /// A LEB128 integer of at most `bits` bits, as postcard writes integers wider than a
    /// byte (and lengths and variant indices).
    fn varint(&mut self, bits: u32, what: &str) -> Result<u128, ConvertError> {
        let max_len = bits.div_ceil(7);
        let mut value: u128 = 0;
        for i in 0..max_len {
            let byte = self.byte(what)?;
            let (chunk, shift) = (u128::from(byte & 0x7f), 7 * i);
            // Bits shifted out of a u128 would vanish silently: that is an overflow too.
            if chunk.leading_zeros() < shift {
                return Err(self
                    .trail
                    .error(format!("{what}: the integer does not fit in {bits} bits")));
            }
            value |= chunk << shift;
            if byte & 0x80 == 0 {
                if bits < 128 && value >> bits != 0 {
                    return Err(self
                        .trail
                        .error(format!("{what}: the integer does not fit in {bits} bits")));
                }
                return Ok(value);
            }
        }
        Err(self.trail.error(format!(
            "{what}: the integer is longer than the {max_len} bytes a {bits}-bit integer takes"
        )))
    }

    fn signed(&mut self, bits: u32, what: &str) -> Result<i128, ConvertError> {
        let z = self.varint(bits, what)?;
        // Zigzag: 0, 1, 2, 3, ... are 0, -1, 1, -2, ...
        let magnitude = (z >> 1) as i128;
        Ok(if z & 1 == 0 {
            magnitude
        } else {
            -magnitude - 1
        })
    }

    /// A length prefix. The caller takes at most that many values, each checked against
    /// the bytes and the budget, so a lying length ends in an error, not an allocation.
    fn len(&mut self, what: &str) -> Result<usize, ConvertError> {
        let len = self.varint(64, what)?;
        usize::try_from(len).map_err(|_| {
            self.trail
                .error(format!("{what}: a length of {len} does not fit this host"))
        })
    }

    fn string(&mut self, what: &str) -> Result<String, ConvertError> {
        let len = self.len(what)?;
        let bytes = self.take(len, what)?;
        match std::str::from_utf8(bytes) {
            Ok(s) => Ok(s.to_string()),
            Err(e) => Err(self
                .trail
                .error(format!("{what}: the string is not UTF-8: {e}"))),
        }
    }

    fn spend(&mut self, values: usize) -> Result<(), ConvertError> {
        match self.budget.checked_sub(values) {
            Some(left) => {
                self.budget = left;
                Ok(())
            }
            None => Err(self.trail.error(format!(
                "the value holds more JSON values than its {} bytes can justify (at most 4 per \
                 byte, plus {EXTRA_VALUES})",
                self.bytes.len()
            ))),
        }
    }

    fn value(&mut self, ty: &Type) -> Result<Value, ConvertError> {
        if self.depth >= MAX_DEPTH {
            return Err(self
                .trail
                .error(format!("values nest more than {MAX_DEPTH} levels deep")));
        }
        self.spend(1)?;
        self.depth += 1;
        let result = self.value_at_depth(ty);
        self.depth -= 1;
        result
    }

    fn value_at_depth(&mut self, ty: &Type) -> Result<Value, ConvertError> {
        match ty {
            Type::Scalar(s) => self.scalar(*s),
            Type::I128 => Ok(int_to_json(self.signed(128, "an i128")?)),
            Type::U128 => Ok(u128_to_json(self.varint(128, "a u128")?)),
            Type::Unit => Ok(Value::Null),
            Type::String => Ok(Value::String(self.string("a String")?)),
            Type::Option(inner) => match self.byte("an Option")? {
                0 => Ok(Value::Null),
                1 => self.value(inner),
                tag => Err(self.trail.error(format!(
                    "{tag} is not an Option tag (0 for None, 1 for Some)"
                ))),
            },
            Type::List(element) => {
                let len = self.len("the length of a sequence")?;
                self.sequence(element, len)
            }
            Type::Array(element, len) => match usize::try_from(*len) {
                Ok(len) => self.sequence(element, len),
                Err(_) => Err(self
                    .trail
                    .error(format!("an array of {len} elements does not fit this host"))),
            },
            Type::Tuple(types) => {
                let mut items = Vec::with_capacity(types.len());
                for (i, t) in types.iter().enumerate() {
                    items.push(self.element(i, t)?);
                }
                Ok(Value::Array(items))
            }
            Type::Map(key, val) => self.map(key, val),
            Type::Result(ok, err) => match self.varint(32, "the variant of a Result")? {
                0 => self.member("Ok", ok),
                1 => self.member("Err", err),
                other => Err(self.trail.error(format!(
                    "{other} is not a variant of {ty} (0 is Ok, 1 is Err)"
                ))),
            },
            Type::Named(name) => match self.codec.type_def(name) {
                Some(def) => self.named(def),
                None => Err(self.trail.error(format!(
                    "type `{name}` is not defined by the contract descriptor, so its values \
                     cannot be read"
                ))),
            },
        }
    }

    fn scalar(&mut self, s: ScalarType) -> Result<Value, ConvertError> {
        let name = s.name();
        Ok(match s {
            ScalarType::U8 => Value::from(self.byte(name)?),
            ScalarType::I8 => Value::from(self.byte(name)? as i8),
            ScalarType::U16 => int_to_json(self.varint(16, name)? as i128),
            ScalarType::U32 => int_to_json(self.varint(32, name)? as i128),
            ScalarType::U64 | ScalarType::Usize => int_to_json(self.varint(64, name)? as i128),
            ScalarType::I16 => int_to_json(self.signed(16, name)?),
            ScalarType::I32 => int_to_json(self.signed(32, name)?),
            ScalarType::I64 | ScalarType::Isize => int_to_json(self.signed(64, name)?),
            ScalarType::F32 => {
                let mut le = [0u8; 4];
                le.copy_from_slice(self.take(4, name)?);
                f32_to_json(f32::from_le_bytes(le))
            }
            ScalarType::F64 => {
                let mut le = [0u8; 8];
                le.copy_from_slice(self.take(8, name)?);
                f64_to_json(f64::from_le_bytes(le))
            }
            ScalarType::Bool => match self.byte(name)? {
                0 => Value::Bool(false),
                1 => Value::Bool(true),
                other => {
                    return Err(self.trail.error(format!("{other} is not a bool (0 or 1)")));
                }
            },
            ScalarType::Char => {
                let text = self.string(name)?;
                let mut chars = text.chars();
                match (chars.next(), chars.next()) {
                    (Some(_), None) => Value::String(text),
                    _ => {
                        return Err(self.trail.error(format!("{text:?} is not one char")));
                    }
                }
            }
        })
    }

    fn element(&mut self, index: usize, ty: &Type) -> Result<Value, ConvertError> {
        self.trail.push(Segment::Index(index as u64));
        let value = self.value(ty)?;
        self.trail.pop();
        Ok(value)
    }

    /// `{"name": value}`: `Ok`, `Err`, or an enum variant with fields.
    fn member(&mut self, name: &'c str, ty: &Type) -> Result<Value, ConvertError> {
        self.trail.push(Segment::Field(name));
        let value = self.value(ty)?;
        self.trail.pop();
        let mut object = Map::with_capacity(1);
        object.insert(name.to_string(), value);
        Ok(Value::Object(object))
    }

    fn sequence(&mut self, element: &Type, len: usize) -> Result<Value, ConvertError> {
        if is_u8(element) {
            let bytes = self.take(len, "a sequence of u8")?.to_vec();
            if self.codec.bytes_as == BytesAs::Array {
                self.spend(len)?;
            }
            return Ok(bytes_to_json(&bytes, self.codec.bytes_as));
        }
        // Every element takes at least one byte or one unit of the budget, so the claimed
        // length bounds nothing by itself: allocate for what the bytes could hold at most.
        let mut items = Vec::with_capacity(len.min(self.remaining()));
        for i in 0..len {
            items.push(self.element(i, element)?);
        }
        Ok(Value::Array(items))
    }

    fn map(&mut self, key: &Type, val: &Type) -> Result<Value, ConvertError> {
        let len = self.len("the length of a map")?;
        if !key_is_text(self.codec, key) {
            // Keys JSON cannot write as text: an array of [key, value] pairs.
            let mut pairs = Vec::with_capacity(len.min(self.remaining()));
            for i in 0..len {
                self.trail.push(Segment::Index(i as u64));
                self.spend(1)?;
                let k = self.element(0, key)?;
                let v = self.element(1, val)?;
                pairs.push(Value::Array(vec![k, v]));
                self.trail.pop();
            }
            return Ok(Value::Array(pairs));
        }
        let mut object = Map::new();
        for i in 0..len {
            self.trail.push(Segment::Index(i as u64));
            let k = self.value(key)?;
            self.trail.pop();
            let text = match k {
                Value::String(s) => s,
                other => other.to_string(),
            };
            self.trail.push(Segment::Key(text.clone()));
            if object.contains_key(&text) {
                return Err(self.trail.error(
                    "the key appears twice in the map, which no Rust map can hold".to_string(),
                ));
            }
            let v = self.value(val)?;
            self.trail.pop();
            object.insert(text, v);
        }
        Ok(Value::Object(object))
    }

    fn named(&mut self, def: &'c TypeDef) -> Result<Value, ConvertError> {
        match &def.shape {
            Shape::Struct(fields) => self.fields(fields),
            Shape::Enum(variants) => {
                let index = self.varint(32, "the variant of an enum")?;
                let Some(variant) = usize::try_from(index).ok().and_then(|i| variants.get(i))
                else {
                    return Err(self.trail.error(format!(
                        "variant {index} of enum {}, which has {} variant(s)",
                        def.name,
                        variants.len()
                    )));
                };
                if variant.fields == Fields::Unit {
                    return Ok(Value::String(variant.name.clone()));
                }
                self.trail.push(Segment::Variant(&variant.name));
                let fields = self.fields(&variant.fields)?;
                self.trail.pop();
                let mut object = Map::with_capacity(1);
                object.insert(variant.name.clone(), fields);
                Ok(Value::Object(object))
            }
        }
    }

    /// The fields of a struct or variant as `serde_json` writes them: nothing is `null`, one
    /// positional field is itself, several are an array, named ones an object.
    fn fields(&mut self, fields: &'c Fields) -> Result<Value, ConvertError> {
        match fields {
            Fields::Unit => Ok(Value::Null),
            Fields::Tuple(types) if types.len() == 1 => self.value(&types[0]),
            Fields::Tuple(types) => {
                let mut items = Vec::with_capacity(types.len());
                for (i, t) in types.iter().enumerate() {
                    items.push(self.element(i, t)?);
                }
                Ok(Value::Array(items))
            }
            Fields::Named(named) => {
                let mut object = Map::with_capacity(named.len());
                for field in named {
                    self.trail.push(Segment::Field(&field.name));
                    let value = self.value(&field.ty)?;
                    self.trail.pop();
                    object.insert(field.name.clone(), value);
                }
                Ok(Value::Object(object))
            }
        }
    }
}
