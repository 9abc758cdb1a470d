//! The shapes of values that cross the boundary through the codec, and the registry that
//! collects the named types a contract reaches.
//!
//! Type expressions are written the way a Rust programmer reads them (`Vec<Config>`,
//! `Option<u32>`, `(u8, String)`), normalised so that two spellings with the same wire format
//! compare equal: every map is `Map<K, V>`, every sequence `Vec<T>`, smart pointers vanish.

use super::ScalarType;
use std::fmt::{self, Write as _};

/// A type expression: what one field, element or codec-encoded parameter holds.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Type {
    /// A Rust scalar (`u8`, `i64`, `bool`, `char`, ...).
    Scalar(ScalarType),
    /// `i128`, which (unlike the scalars) travels only through the codec.
    I128,
    /// `u128`, which (unlike the scalars) travels only through the codec.
    U128,
    /// `()`.
    Unit,
    /// `String`, `&str`, `Box<str>`, ...
    String,
    /// `Option<T>`.
    Option(Box<Type>),
    /// Any sequence: `Vec<T>`, `VecDeque<T>`, sets, slices.
    List(Box<Type>),
    /// Any map: `HashMap<K, V>`, `BTreeMap<K, V>`.
    Map(Box<Type>, Box<Type>),
    /// A tuple of two or more elements, or one element written `(T,)`.
    Tuple(Vec<Type>),
    /// `[T; N]`.
    Array(Box<Type>, u64),
    /// `Result<T, E>`.
    Result(Box<Type>, Box<Type>),
    /// A struct or enum described by a `struct` or `enum` item of the same descriptor. The
    /// name includes generic arguments (`Page<u32>`).
    Named(String),
}

impl Type {
    /// `Vec<T>`.
    pub fn list(element: Type) -> Type {
        Type::List(Box::new(element))
    }

    /// `Option<T>`.
    pub fn option(inner: Type) -> Type {
        Type::Option(Box::new(inner))
    }

    /// `Map<K, V>`.
    pub fn map(key: Type, value: Type) -> Type {
        Type::Map(Box::new(key), Box::new(value))
    }

    /// `Result<T, E>`.
    pub fn result(ok: Type, err: Type) -> Type {
        Type::Result(Box::new(ok), Box::new(err))
    }

    /// `[T; N]`.
    pub fn array(element: Type, len: u64) -> Type {
        Type::Array(Box::new(element), len)
    }

    /// Calls `f` with the name of every named type this expression mentions.
    pub fn for_each_named<'a>(&'a self, f: &mut dyn FnMut(&'a str)) {
        match self {
            Type::Scalar(_) | Type::I128 | Type::U128 | Type::Unit | Type::String => {}
            Type::Option(t) | Type::List(t) | Type::Array(t, _) => t.for_each_named(f),
            Type::Map(a, b) | Type::Result(a, b) => {
                a.for_each_named(f);
                b.for_each_named(f);
            }
            Type::Tuple(items) => items.iter().for_each(|t| t.for_each_named(f)),
            Type::Named(name) => f(name),
        }
    }

    /// Parses a type expression as [`Display`](fmt::Display) writes it.
    ///
    /// # Errors
    /// When `text` is not one type expression.
    pub fn parse(text: &str) -> Result<Type, String> {
        let mut parser = Parser::new(text);
        let ty = parser.ty()?;
        parser.skip_space();
        if parser.rest().is_empty() {
            Ok(ty)
        } else {
            Err(format!(
                "unexpected `{}` after type `{}`",
                parser.rest(),
                ty
            ))
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Scalar(s) => f.write_str(s.name()),
            Type::I128 => f.write_str("i128"),
            Type::U128 => f.write_str("u128"),
            Type::Unit => f.write_str("()"),
            Type::String => f.write_str("String"),
            Type::Option(t) => write!(f, "Option<{}>", t),
            Type::List(t) => write!(f, "Vec<{}>", t),
            Type::Map(k, v) => write!(f, "Map<{}, {}>", k, v),
            Type::Tuple(items) => {
                f.write_char('(')?;
                for (i, t) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{}", t)?;
                }
                if items.len() == 1 {
                    f.write_char(',')?;
                }
                f.write_char(')')
            }
            Type::Array(t, n) => write!(f, "[{}; {}]", t, n),
            Type::Result(t, e) => write!(f, "Result<{}, {}>", t, e),
            Type::Named(name) => f.write_str(name),
        }
    }
}

/// The fields of a struct or of one enum variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fields {
    /// No fields: `struct Marker;` or the variant `Idle`.
    Unit,
    /// Positional fields: `struct Meters(f64);` or the variant `Move(i32, i32)`.
    Tuple(Vec<Type>),
    /// Named fields, in declaration order (the order they travel in).
    Named(Vec<Field>),
}

/// One named field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The field's Rust name.
    pub name: String,
    /// Its type.
    pub ty: Type,
}

impl Field {
    /// A field called `name` of type `ty`.
    pub fn new(name: &str, ty: Type) -> Field {
        Field {
            name: name.to_string(),
            ty,
        }
    }
}

/// One enum variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// The variant's Rust name.
    pub name: String,
    /// Its fields.
    pub fields: Fields,
}

impl Variant {
    /// A variant called `name` with `fields`.
    pub fn new(name: &str, fields: Fields) -> Variant {
        Variant {
            name: name.to_string(),
            fields,
        }
    }
}

/// What a named type is made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// A struct.
    Struct(Fields),
    /// An enum, variants in declaration order (the order that numbers them on the wire).
    Enum(Vec<Variant>),
}

/// A named type's definition: one `struct` or `enum` line of a descriptor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeDef {
    /// The name [`Type::Named`] refers to it by.
    pub name: String,
    /// Its shape.
    pub shape: Shape,
}

impl fmt::Display for Fields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fields::Unit => Ok(()),
            Fields::Tuple(items) => {
                f.write_char('(')?;
                for (i, t) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{}", t)?;
                }
                f.write_char(')')
            }
            Fields::Named(fields) => {
                f.write_str(" {")?;
                for (i, field) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_char(',')?;
                    }
                    write!(f, " {}: {}", field.name, field.ty)?;
                }
                f.write_str(" }")
            }
        }
    }
}

impl fmt::Display for TypeDef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.shape {
            Shape::Struct(fields) => write!(f, "struct {}{}", self.name, fields),
            Shape::Enum(variants) => {
                write!(f, "enum {} {{", self.name)?;
                for (i, v) in variants.iter().enumerate() {
                    if i > 0 {
                        f.write_char(',')?;
                    }
                    write!(f, " {}{}", v.name, v.fields)?;
                }
                f.write_str(" }")
            }
        }
    }
}

impl TypeDef {
    /// Parses a `struct ...` or `enum ...` item (without a trailing newline).
    ///
    /// # Errors
    /// When `text` does not follow the grammar.
    pub fn parse(text: &str) -> Result<TypeDef, String> {
        let mut p = Parser::new(text);
        let keyword = p.ident()?;
        let name = p.type_name()?;
        let shape = match keyword.as_str() {
            "struct" => Shape::Struct(p.fields()?),
            "enum" => {
                p.expect('{')?;
                let mut variants = Vec::new();
                loop {
                    p.skip_space();
                    if p.eat('}') {
                        break;
                    }
                    let vname = p.ident()?;
                    let fields = p.fields()?;
                    variants.push(Variant {
                        name: vname,
                        fields,
                    });
                    p.skip_space();
                    if !p.eat(',') {
                        p.expect('}')?;
                        break;
                    }
                }
                Shape::Enum(variants)
            }
            other => return Err(format!("expected `struct` or `enum`, found `{}`", other)),
        };
        p.skip_space();
        if !p.rest().is_empty() {
            return Err(format!("unexpected `{}` after `{}`", p.rest(), name));
        }
        Ok(TypeDef { name, shape })
    }
}

/// Collects the named types a contract reaches while its methods are described, so that
/// each is defined once however often it is used, and recursive types terminate.
#[derive(Debug, Default)]
pub struct Types {
    defs: Vec<TypeDef>,
    /// For each definition, the Rust type (`std::any::type_name`) it came from.
    origins: Vec<&'static str>,
    conflicts: Vec<String>,
}

impl Types {
    /// An empty registry.
    pub fn new() -> Types {
        Types::default()
    }

    /// Defines the named type `name`, coming from Rust type `origin` (pass
    /// `std::any::type_name::<Self>()`), whose shape `shape` computes, and returns
    /// `Type::Named(name)`. `shape` runs only the first time a name is defined, so recursive
    /// types terminate.
    pub fn define(
        &mut self,
        name: &str,
        origin: &'static str,
        shape: impl FnOnce(&mut Types) -> Shape,
    ) -> Type {
        if let Some(i) = self.defs.iter().position(|d| d.name == name) {
            if self.origins[i] != origin {
                let conflict = format!(
                    "type {}: two different Rust types have this name ({} and {}); a \
                     descriptor names types by their Rust name, so rename one",
                    name, self.origins[i], origin
                );
                if !self.conflicts.contains(&conflict) {
                    self.conflicts.push(conflict);
                }
            }
            return Type::Named(name.to_string());
        }
        let index = self.defs.len();
        self.defs.push(TypeDef {
            name: name.to_string(),
            // A placeholder while the fields are described: a field that refers back to this
            // type finds the name and stops.
            shape: Shape::Struct(Fields::Unit),
        });
        self.origins.push(origin);
        let shape = shape(self);
        self.defs[index].shape = shape;
        Type::Named(name.to_string())
    }

    /// The definitions, in the order they were first reached.
    pub fn defs(&self) -> &[TypeDef] {
        &self.defs
    }

    /// Problems found while describing: two Rust types sharing a name.
    pub fn conflicts(&self) -> &[String] {
        &self.conflicts
    }

    /// The definitions and the conflicts.
    pub fn into_parts(self) -> (Vec<TypeDef>, Vec<String>) {
        (self.defs, self.conflicts)
    }
}

/// How deeply type expressions may nest. Descriptors come from plugins, which must not be
/// able to exhaust the host's stack with `Vec<Vec<Vec<...>>>`; real contracts stay far below.
pub const MAX_TYPE_DEPTH: usize = 64;

/// A recursive-descent parser over one line of descriptor text.
pub(crate) struct Parser<'a> {
    text: &'a str,
    pos: usize,
    depth: usize,
}

impl<'a> Parser<'a> {
    pub(crate) fn new(text: &'a str) -> Parser<'a> {
        Parser {
            text,
            pos: 0,
            depth: 0,
        }
    }

    pub(crate) fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }

    pub(crate) fn skip_space(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start().len();
    }

    fn peek(&mut self) -> Option<char> {
        self.skip_space();
        self.rest().chars().next()
    }

    pub(crate) fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    pub(crate) fn expect(&mut self, c: char) -> Result<(), String> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(match self.rest().chars().next() {
                Some(found) => format!("expected `{}`, found `{}`", c, found),
                None => format!("expected `{}` at the end", c),
            })
        }
    }

    pub(crate) fn ident(&mut self) -> Result<String, String> {
        self.skip_space();
        let rest = self.rest();
        let mut end = 0;
        for (i, c) in rest.char_indices() {
            let ok = if i == 0 {
                c.is_alphabetic() || c == '_'
            } else {
                c.is_alphanumeric() || c == '_'
            };
            if !ok {
                break;
            }
            end = i + c.len_utf8();
        }
        if end == 0 {
            return Err(match rest.chars().next() {
                Some(c) => format!("expected a name, found `{}`", c),
                None => "expected a name at the end".to_string(),
            });
        }
        self.pos += end;
        Ok(rest[..end].to_string())
    }

    /// A type's name as a definition writes it: `Config` or `Page<u32>`, canonicalised.
    fn type_name(&mut self) -> Result<String, String> {
        let base = self.ident()?;
        if self.peek() == Some('<') {
            let args = self.generic_args()?;
            Ok(named_with_args(&base, &args))
        } else {
            Ok(base)
        }
    }

    fn generic_args(&mut self) -> Result<Vec<Type>, String> {
        self.expect('<')?;
        let mut args = Vec::new();
        loop {
            args.push(self.ty()?);
            if self.eat(',') {
                continue;
            }
            self.expect('>')?;
            return Ok(args);
        }
    }

    pub(crate) fn ty(&mut self) -> Result<Type, String> {
        if self.depth >= MAX_TYPE_DEPTH {
            return Err(format!(
                "types nest more than {} levels deep",
                MAX_TYPE_DEPTH
            ));
        }
        self.depth += 1;
        let ty = self.ty_inner();
        self.depth -= 1;
        ty
    }

    fn ty_inner(&mut self) -> Result<Type, String> {
        match self.peek() {
            Some('(') => {
                self.pos += 1;
                let mut items = Vec::new();
                let mut trailing_comma = false;
                loop {
                    if self.eat(')') {
                        break;
                    }
                    items.push(self.ty()?);
                    trailing_comma = self.eat(',');
                    if !trailing_comma {
                        self.expect(')')?;
                        break;
                    }
                }
                Ok(match items.len() {
                    0 => Type::Unit,
                    1 if !trailing_comma => items.remove(0),
                    _ => Type::Tuple(items),
                })
            }
            Some('[') => {
                self.pos += 1;
                let element = self.ty()?;
                self.expect(';')?;
                self.skip_space();
                let digits: String = self
                    .rest()
                    .chars()
                    .take_while(|c| c.is_ascii_digit())
                    .collect();
                let len: u64 = digits
                    .parse()
                    .map_err(|_| format!("expected an array length in `{}`", self.text))?;
                self.pos += digits.len();
                self.expect(']')?;
                Ok(Type::array(element, len))
            }
            _ => {
                let name = self.ident()?;
                let args = if self.peek() == Some('<') {
                    self.generic_args()?
                } else {
                    Vec::new()
                };
                builtin(&name, args)
            }
        }
    }

    /// Fields after a struct or variant name: nothing, `(T, ...)` or `{ name: T, ... }`.
    fn fields(&mut self) -> Result<Fields, String> {
        match self.peek() {
            Some('(') => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    if self.eat(')') {
                        break;
                    }
                    items.push(self.ty()?);
                    if !self.eat(',') {
                        self.expect(')')?;
                        break;
                    }
                }
                Ok(Fields::Tuple(items))
            }
            Some('{') => {
                self.pos += 1;
                let mut fields = Vec::new();
                loop {
                    if self.eat('}') {
                        break;
                    }
                    let name = self.ident()?;
                    self.expect(':')?;
                    let ty = self.ty()?;
                    fields.push(Field { name, ty });
                    if !self.eat(',') {
                        self.expect('}')?;
                        break;
                    }
                }
                Ok(Fields::Named(fields))
            }
            _ => Ok(Fields::Unit),
        }
    }
}

fn named_with_args(base: &str, args: &[Type]) -> String {
    let mut name = format!("{}<", base);
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            name.push_str(", ");
        }
        let _ = write!(name, "{}", a);
    }
    name.push('>');
    name
}

fn builtin(name: &str, mut args: Vec<Type>) -> Result<Type, String> {
    let arity = |n: usize, args: &[Type]| {
        if args.len() == n {
            Ok(())
        } else {
            Err(format!(
                "`{}` takes {} type argument(s), found {}",
                name,
                n,
                args.len()
            ))
        }
    };
    if let Some(s) = ScalarType::from_name(name) {
        arity(0, &args)?;
        return Ok(Type::Scalar(s));
    }
    match name {
        "i128" => {
            arity(0, &args)?;
            Ok(Type::I128)
        }
        "u128" => {
            arity(0, &args)?;
            Ok(Type::U128)
        }
        "String" => {
            arity(0, &args)?;
            Ok(Type::String)
        }
        "Option" => {
            arity(1, &args)?;
            Ok(Type::option(args.remove(0)))
        }
        "Vec" => {
            arity(1, &args)?;
            Ok(Type::list(args.remove(0)))
        }
        "Map" => {
            arity(2, &args)?;
            let key = args.remove(0);
            Ok(Type::map(key, args.remove(0)))
        }
        "Result" => {
            arity(2, &args)?;
            let ok = args.remove(0);
            Ok(Type::result(ok, args.remove(0)))
        }
        _ if args.is_empty() => Ok(Type::Named(name.to_string())),
        _ => Ok(Type::Named(named_with_args(name, &args))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_expressions_round_trip() {
        for text in [
            "u8",
            "()",
            "String",
            "Option<Vec<Config>>",
            "Map<String, (u8, Vec<i32>)>",
            "(u8,)",
            "[f32; 3]",
            "Result<(), String>",
            "Page<u32>",
            "Page<Map<String, Item>>",
        ] {
            let ty = Type::parse(text).unwrap();
            assert_eq!(ty.to_string(), text);
        }
        assert_eq!(Type::parse("( u8 )").unwrap(), Type::Scalar(ScalarType::U8));
        assert!(Type::parse("Vec<u8, u8>").is_err());
        assert!(Type::parse("Vec<u8> x").is_err());
        assert!(Type::parse("[u8; x]").is_err());
        let deep = format!("{}u8{}", "Vec<".repeat(100_000), ">".repeat(100_000));
        assert!(Type::parse(&deep).unwrap_err().contains("nest"));
        let deep = format!("{}u8{}", "(".repeat(100_000), ")".repeat(100_000));
        assert!(Type::parse(&deep).is_err());
    }

    #[test]
    fn definitions_round_trip() {
        for text in [
            "struct Config { retries: u8, name: String }",
            "struct Meters(f64)",
            "struct Marker",
            "enum Mode { Fast, Slow(u32), Custom { level: u8, tags: Vec<String> } }",
            "struct Page<u32> { items: Vec<u32>, next: Option<u32> }",
        ] {
            let def = TypeDef::parse(text).unwrap();
            assert_eq!(def.to_string(), text);
        }
        assert!(TypeDef::parse("union U { a: u8 }").is_err());
        assert!(TypeDef::parse("struct S { a u8 }").is_err());
        assert!(TypeDef::parse("enum E { A, }").is_ok());
    }

    #[test]
    fn recursive_types_are_defined_once() {
        fn tree(types: &mut Types) -> Type {
            types.define("Tree", "t::Tree", |types| {
                Shape::Enum(vec![
                    Variant::new("Leaf", Fields::Unit),
                    Variant::new("Node", Fields::Tuple(vec![Type::list(tree(types))])),
                ])
            })
        }
        let mut types = Types::new();
        assert_eq!(tree(&mut types), Type::Named("Tree".into()));
        assert_eq!(
            types.defs()[0].to_string(),
            "enum Tree { Leaf, Node(Vec<Tree>) }"
        );
        assert!(types.conflicts().is_empty());
        types.define("Tree", "other::Tree", |_| Shape::Struct(Fields::Unit));
        assert_eq!(types.conflicts().len(), 1);
    }
}
