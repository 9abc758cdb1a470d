//! A nesting bound for decoding.
//!
//! Decoding a recursive type (`enum Tree { Leaf, Node(Box<Tree>) }`, `Option<Box<T>>`,
//! `Vec<Vec<..>>`) recurses once per level of the *value*, and so does dropping it. The bytes
//! come from the other side of the boundary, so without a bound a few megabytes of `0x01`
//! would overflow the decoding thread's native stack, which aborts the process. [`Bounded`]
//! wraps a serde deserializer and counts the levels entered (a sequence, map, tuple, struct,
//! enum, option or newtype each enter one); past the bound, decoding fails with an error
//! instead of recursing, so nothing deeper than the bound is ever built or dropped.
//!
//! Every wrapper here only forwards, after counting: the codec's behaviour is unchanged for
//! values within the bound.

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor,
};
use std::cell::Cell;
use std::fmt;

thread_local! {
    /// Set when a bound was passed on this thread: postcard keeps no custom message, so the
    /// codec asks here why decoding failed.
    static TRIPPED: Cell<bool> = const { Cell::new(false) };
}

/// Whether a bound was passed on this thread since the last call; clears the flag.
pub(crate) fn take_tripped() -> bool {
    TRIPPED.with(|t| t.replace(false))
}

/// The error a deserializer reports once the bound is passed.
fn too_deep<E: de::Error>(limit: usize) -> E {
    TRIPPED.with(|t| t.set(true));
    E::custom(format_args!(
        "the value is nested more than {} levels deep",
        limit
    ))
}

/// The levels still allowed, and the bound (for the error message).
#[derive(Clone, Copy)]
struct Budget {
    left: usize,
    limit: usize,
}

impl Budget {
    /// One level deeper, or the error when there is no room.
    fn enter<E: de::Error>(self) -> Result<Budget, E> {
        match self.left.checked_sub(1) {
            Some(left) => Ok(Budget {
                left,
                limit: self.limit,
            }),
            None => Err(too_deep(self.limit)),
        }
    }
}

/// A deserializer that refuses values nested deeper than its bound.
pub(crate) struct Bounded<D> {
    inner: D,
    budget: Budget,
}

impl<D> Bounded<D> {
    /// Wraps `inner`, allowing `limit` levels of nesting.
    pub(crate) fn new(inner: D, limit: usize) -> Self {
        Bounded {
            inner,
            budget: Budget { left: limit, limit },
        }
    }
}

/// A visitor whose nested deserializers and accessors stay bounded.
struct BoundedVisitor<V> {
    inner: V,
    budget: Budget,
}

/// A seed whose deserializer stays bounded.
struct BoundedSeed<S> {
    inner: S,
    budget: Budget,
}

/// An accessor (sequence, map, enum or variant) whose elements stay bounded.
struct BoundedAccess<A> {
    inner: A,
    budget: Budget,
}

macro_rules! forward_compound {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
                let budget = self.budget.enter()?;
                self.inner.$method($($arg,)* BoundedVisitor { inner: visitor, budget })
            }
        )*
    };
}

macro_rules! forward_plain {
    ($($method:ident)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
                self.inner.$method(BoundedVisitor { inner: visitor, budget: self.budget })
            }
        )*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Bounded<D> {
    type Error = D::Error;

    forward_plain! {
        deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64
        deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char deserialize_str
        deserialize_string deserialize_bytes deserialize_byte_buf deserialize_unit
        deserialize_identifier
    }

    forward_compound! {
        deserialize_any();
        deserialize_ignored_any();
        deserialize_option();
        deserialize_seq();
        deserialize_map();
        deserialize_unit_struct(name: &'static str);
        deserialize_newtype_struct(name: &'static str);
        deserialize_tuple(len: usize);
        deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_struct(name: &'static str, fields: &'static [&'static str]);
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for BoundedSeed<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.inner.deserialize(Bounded {
            inner: deserializer,
            budget: self.budget,
        })
    }
}

macro_rules! forward_visit {
    ($($method:ident($ty:ty);)*) => {
        $(
            fn $method<E: de::Error>(self, v: $ty) -> Result<V::Value, E> {
                self.inner.$method(v)
            }
        )*
    };
}

impl<'de, V: Visitor<'de>> Visitor<'de> for BoundedVisitor<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    forward_visit! {
        visit_bool(bool); visit_i8(i8); visit_i16(i16); visit_i32(i32); visit_i64(i64);
        visit_i128(i128); visit_u8(u8); visit_u16(u16); visit_u32(u32); visit_u64(u64);
        visit_u128(u128); visit_f32(f32); visit_f64(f64); visit_char(char); visit_str(&str);
        visit_borrowed_str(&'de str); visit_string(String); visit_bytes(&[u8]);
        visit_borrowed_bytes(&'de [u8]); visit_byte_buf(Vec<u8>);
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        self.inner.visit_some(Bounded {
            inner: deserializer,
            budget: self.budget,
        })
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<V::Value, D::Error> {
        self.inner.visit_newtype_struct(Bounded {
            inner: deserializer,
            budget: self.budget,
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.inner.visit_seq(BoundedAccess {
            inner: seq,
            budget: self.budget,
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.inner.visit_map(BoundedAccess {
            inner: map,
            budget: self.budget,
        })
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.inner.visit_enum(BoundedAccess {
            inner: data,
            budget: self.budget,
        })
    }
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for BoundedAccess<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.inner.next_element_seed(BoundedSeed {
            inner: seed,
            budget: self.budget,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for BoundedAccess<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.inner.next_key_seed(BoundedSeed {
            inner: seed,
            budget: self.budget,
        })
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.inner.next_value_seed(BoundedSeed {
            inner: seed,
            budget: self.budget,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

impl<'de, A: EnumAccess<'de>> EnumAccess<'de> for BoundedAccess<A> {
    type Error = A::Error;
    type Variant = BoundedAccess<A::Variant>;

    fn variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<(T::Value, Self::Variant), A::Error> {
        let budget = self.budget;
        let (value, variant) = self.inner.variant_seed(BoundedSeed {
            inner: seed,
            budget,
        })?;
        Ok((
            value,
            BoundedAccess {
                inner: variant,
                budget,
            },
        ))
    }
}

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for BoundedAccess<A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.inner.unit_variant()
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.inner.newtype_variant_seed(BoundedSeed {
            inner: seed,
            budget: self.budget,
        })
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.inner.tuple_variant(
            len,
            BoundedVisitor {
                inner: visitor,
                budget: self.budget,
            },
        )
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.inner.struct_variant(
            fields,
            BoundedVisitor {
                inner: visitor,
                budget: self.budget,
            },
        )
    }
}
