//! [`Schema`]: how a codec-encoded type describes its shape for the contract descriptor.

use crate::descriptor::{Field, Fields, Shape, Type, Types, Variant};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap, HashSet, LinkedList, VecDeque};
use std::rc::Rc;
use std::sync::Arc;

/// A type that can appear in a contract as a serde value, described field by field so that a
/// plugin built against a different definition is refused at load instead of misread.
///
/// Derive it next to serde's derives: `#[derive(Serialize, Deserialize, wasp::Schema)]`. The
/// derive reads `#[serde(...)]` attributes, follows `skip` and `transparent`, and refuses the
/// ones postcard cannot encode (`flatten`, `tag`, `untagged`, `skip_serializing_if`, ...).
///
/// It is implemented for the scalars, `String`, `Option`, `Result`, `Vec` and the other
/// collections, maps, tuples, arrays and smart pointers. A type with a hand-written serde
/// impl implements it by hand, describing what that impl writes (a type from another crate
/// needs a newtype of your own first), and, to be a parameter or result itself rather than
/// only a field, also [`Encoded`](crate::Encoded), which the derive implements for you:
///
/// ```
/// use wasp::descriptor::{Fields, Shape, Type, Types};
///
/// /// Serialized by hand as a tuple struct holding the value in hundredths.
/// pub struct Price(pub f64);
///
/// impl wasp::Schema for Price {
///     fn describe(types: &mut Types) -> Type {
///         types.define("Price", std::any::type_name::<Self>(), |types| {
///             Shape::Struct(Fields::Tuple(vec![<i64 as wasp::Schema>::describe(types)]))
///         })
///     }
/// }
/// ```
#[cfg_attr(
    wasp_diagnostic_namespace,
    diagnostic::on_unimplemented(
        message = "`{Self}` crosses a wasp contract but does not implement `wasp::Schema`",
        label = "the host checks this type's fields at load, so it must describe them",
        note = "add `wasp::Schema` to its derives: `#[derive(Serialize, Deserialize, wasp::Schema)]`",
        note = "for a type from another crate, wrap it in a type of your own and implement `wasp::Schema` by hand"
    )
)]
pub trait Schema {
    /// The type expression for `Self`, after defining in `types` every named type it
    /// reaches (with [`Types::define`], which also stops recursion).
    fn describe(types: &mut Types) -> Type;
}

/// The shape of a struct's or variant's fields; used by `#[derive(Schema)]`.
#[doc(hidden)]
pub fn named_fields(fields: Vec<(&str, Type)>) -> Fields {
    Fields::Named(
        fields
            .into_iter()
            .map(|(name, ty)| Field::new(name, ty))
            .collect(),
    )
}

/// One enum variant; used by `#[derive(Schema)]`.
#[doc(hidden)]
pub fn variant(name: &str, fields: Fields) -> Variant {
    Variant::new(name, fields)
}

macro_rules! scalar_schemas {
    ($($ty:ident => $scalar:ident,)*) => {$(
        impl Schema for $ty {
            fn describe(_: &mut Types) -> Type {
                Type::Scalar(crate::descriptor::ScalarType::$scalar)
            }
        }
    )*};
}

wasp_abi::for_each_scalar!(scalar_schemas);

impl Schema for i128 {
    fn describe(_: &mut Types) -> Type {
        Type::I128
    }
}

impl Schema for u128 {
    fn describe(_: &mut Types) -> Type {
        Type::U128
    }
}

impl Schema for String {
    fn describe(_: &mut Types) -> Type {
        Type::String
    }
}

impl Schema for str {
    fn describe(_: &mut Types) -> Type {
        Type::String
    }
}

impl Schema for () {
    fn describe(_: &mut Types) -> Type {
        Type::Unit
    }
}

impl<T: Schema> Schema for Option<T> {
    fn describe(types: &mut Types) -> Type {
        Type::option(T::describe(types))
    }
}

impl<T: Schema, E: Schema> Schema for Result<T, E> {
    fn describe(types: &mut Types) -> Type {
        let ok = T::describe(types);
        Type::result(ok, E::describe(types))
    }
}

macro_rules! transparent_schemas {
    ($($ty:ident),*) => {$(
        impl<T: Schema + ?Sized> Schema for $ty<T> {
            fn describe(types: &mut Types) -> Type {
                T::describe(types)
            }
        }
    )*};
}

transparent_schemas!(Box, Rc, Arc);

impl<T: Schema + ?Sized> Schema for &T {
    fn describe(types: &mut Types) -> Type {
        T::describe(types)
    }
}

impl<T: Schema + ToOwned + ?Sized> Schema for Cow<'_, T> {
    fn describe(types: &mut Types) -> Type {
        T::describe(types)
    }
}

macro_rules! list_schemas {
    ($($ty:ident),*) => {$(
        impl<T: Schema> Schema for $ty<T> {
            fn describe(types: &mut Types) -> Type {
                Type::list(T::describe(types))
            }
        }
    )*};
}

list_schemas!(Vec, VecDeque, LinkedList, BTreeSet, BinaryHeap);

impl<T: Schema, S> Schema for HashSet<T, S> {
    fn describe(types: &mut Types) -> Type {
        Type::list(T::describe(types))
    }
}

impl<T: Schema> Schema for [T] {
    fn describe(types: &mut Types) -> Type {
        Type::list(T::describe(types))
    }
}

impl<T: Schema, const N: usize> Schema for [T; N] {
    fn describe(types: &mut Types) -> Type {
        Type::array(T::describe(types), N as u64)
    }
}

impl<K: Schema, V: Schema, S> Schema for HashMap<K, V, S> {
    fn describe(types: &mut Types) -> Type {
        let key = K::describe(types);
        Type::map(key, V::describe(types))
    }
}

impl<K: Schema, V: Schema> Schema for BTreeMap<K, V> {
    fn describe(types: &mut Types) -> Type {
        let key = K::describe(types);
        Type::map(key, V::describe(types))
    }
}

macro_rules! tuple_schemas {
    ($(($($name:ident),+))*) => {$(
        impl<$($name: Schema),+> Schema for ($($name,)+) {
            fn describe(types: &mut Types) -> Type {
                Type::Tuple(vec![$($name::describe(types)),+])
            }
        }
    )*};
}

tuple_schemas! {
    (A)
    (A, B)
    (A, B, C)
    (A, B, C, D)
    (A, B, C, D, E)
    (A, B, C, D, E, F)
    (A, B, C, D, E, F, G)
    (A, B, C, D, E, F, G, H)
    (A, B, C, D, E, F, G, H, I)
    (A, B, C, D, E, F, G, H, I, J)
    (A, B, C, D, E, F, G, H, I, J, K)
    (A, B, C, D, E, F, G, H, I, J, K, L)
}

/// serde writes a `Duration` as a struct of seconds and nanoseconds.
impl Schema for std::time::Duration {
    fn describe(types: &mut Types) -> Type {
        types.define("Duration", std::any::type_name::<Self>(), |types| {
            Shape::Struct(named_fields(vec![
                ("secs", u64::describe(types)),
                ("nanos", u32::describe(types)),
            ]))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn std_types_describe_as_rust_spells_them() {
        let mut types = Types::new();
        let ty =
            <HashMap<String, (u8, Vec<Option<i32>>, [f32; 3])> as Schema>::describe(&mut types);
        assert_eq!(
            ty.to_string(),
            "Map<String, (u8, Vec<Option<i32>>, [f32; 3])>"
        );
        let ty = <Result<Box<str>, std::time::Duration> as Schema>::describe(&mut types);
        assert_eq!(ty.to_string(), "Result<String, Duration>");
        assert_eq!(
            types.defs()[0].to_string(),
            "struct Duration { secs: u64, nanos: u32 }"
        );
    }
}
