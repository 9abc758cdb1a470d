//! Contract descriptors: what a plugin says it implements, and what a host expects.
//!
//! A descriptor is UTF-8 text, one item per line, so that a plugin written by hand in any
//! language can carry one and a person can read it:
//!
//! ```text
//! wasp-contract 1
//! contract Greeter
//! version 2
//! method hello(String) -> String
//! method sum(i32, i32) -> i32
//! method configure(Config) -> Result<(), String>
//! method stats() -> Stats since 2
//! host GreeterHost
//! import call_me(String) -> String
//! struct Config { retries: u8, mode: Mode }
//! enum Mode { Fast, Slow(u32) }
//! struct Stats { calls: u64 }
//! ```
//!
//! Types are written as Rust spells them, normalised (every map is `Map<K, V>`); the named
//! types every method reaches are defined by `struct` and `enum` lines, so a changed field is
//! a visible difference, not silently misread bytes.
//!
//! A `wasp-contract` custom section may hold several descriptors back to back (the linker
//! concatenates sections of the same name); each starts with its `wasp-contract` line.
//! `docs/ABI.md` is the normative description of the grammar.

mod compare;
mod types;

pub use compare::{compare, differences, Comparison};
pub use types::{Field, Fields, Shape, Type, TypeDef, Types, Variant};

use crate::{ValType, ABI_VERSION};
use std::collections::{HashMap, HashSet};
use std::fmt::{self, Write as _};

/// The first word of every descriptor.
pub const MAGIC: &str = "wasp-contract";

/// How a value of one parameter or result travels.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum WireType {
    /// One wasm value.
    Scalar(ScalarType),
    /// UTF-8 bytes: `String` and `&str`.
    String,
    /// Raw bytes: `Vec<u8>` and `&[u8]`.
    Bytes,
    /// Anything else, encoded with the codec.
    Serde(Type),
}

macro_rules! scalar_types {
    ($($ty:ident => $variant:ident,)*) => {
        /// The Rust scalar types, each of which travels as one wasm value.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[allow(missing_docs)]
        pub enum ScalarType {
            $($variant,)*
        }

        /// Each scalar with its Rust name and the wasm value type it travels as (which its
        /// `Scalar` impl says, so a scalar without one does not compile).
        const SCALARS: &[(ScalarType, &str, ValType)] = &[
            $((ScalarType::$variant, stringify!($ty), <$ty as crate::Scalar>::VAL_TYPE),)*
        ];
    };
}

crate::for_each_scalar!(scalar_types);

impl ScalarType {
    /// The scalar whose Rust name is `name`, if any.
    pub fn from_name(name: &str) -> Option<ScalarType> {
        SCALARS.iter().find(|s| s.1 == name).map(|s| s.0)
    }

    /// The Rust name of the type.
    pub fn name(self) -> &'static str {
        SCALARS
            .iter()
            .find(|s| s.0 == self)
            .map(|s| s.1)
            .unwrap_or("?")
    }

    /// The wasm value type it travels as.
    pub fn val_type(self) -> ValType {
        SCALARS
            .iter()
            .find(|s| s.0 == self)
            .map(|s| s.2)
            .unwrap_or(ValType::I32)
    }
}

impl WireType {
    /// The wasm values that carry one parameter of this type: scalars as themselves,
    /// everything else as `(pointer: i32, length: i32)`.
    pub fn param_val_types(&self) -> &'static [ValType] {
        match self {
            WireType::Scalar(s) => match s.val_type() {
                ValType::I32 => &[ValType::I32],
                ValType::I64 => &[ValType::I64],
                ValType::F32 => &[ValType::F32],
                ValType::F64 => &[ValType::F64],
            },
            _ => &[ValType::I32, ValType::I32],
        }
    }

    /// The wasm value that carries a result of this type: scalars as themselves, everything
    /// else as one `i64` packing pointer and length.
    pub fn result_val_type(&self) -> ValType {
        match self {
            WireType::Scalar(s) => s.val_type(),
            _ => ValType::I64,
        }
    }

    /// Whether values of this type travel through linear memory.
    pub fn is_buffer(&self) -> bool {
        !matches!(self, WireType::Scalar(_))
    }
}

impl WireType {
    /// How a parameter or result of type `ty` travels when nothing else says otherwise:
    /// scalars as wasm values, `String` and `Vec<u8>` as raw buffers, the rest with the codec.
    pub fn classify(ty: Type) -> WireType {
        match ty {
            Type::Scalar(s) => WireType::Scalar(s),
            Type::String => WireType::String,
            Type::List(element) if *element == Type::Scalar(ScalarType::U8) => WireType::Bytes,
            other => WireType::Serde(other),
        }
    }

    /// The type expression, whatever the encoding.
    pub fn ty(&self) -> Type {
        match self {
            WireType::Scalar(s) => Type::Scalar(*s),
            WireType::String => Type::String,
            WireType::Bytes => Type::list(Type::Scalar(ScalarType::U8)),
            WireType::Serde(t) => t.clone(),
        }
    }

    fn parse(text: &str) -> Result<WireType, String> {
        let text = text.trim();
        if let Some(inner) = text
            .strip_prefix("serde(")
            .and_then(|r| r.strip_suffix(')'))
        {
            return Ok(WireType::Serde(Type::parse(inner)?));
        }
        Ok(WireType::classify(Type::parse(text)?))
    }
}

impl fmt::Display for WireType {
    /// The type as Rust spells it; `serde(T)` when a codec-encoded type would otherwise read
    /// as a scalar or a raw buffer (a type alias such as `type Id = u32;` in a signature).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WireType::Serde(t) if WireType::classify(t.clone()) != *self => {
                write!(f, "serde({})", t)
            }
            other => write!(f, "{}", other.ty()),
        }
    }
}

/// One function: a plugin method or a host function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    /// The export or import name, which is the Rust method name.
    pub name: String,
    /// Parameter types in order.
    pub params: Vec<WireType>,
    /// The result type; `None` for `()`.
    pub result: Option<WireType>,
    /// The contract version that added the method (`#[wasp(since = N)]`); 1 for methods the
    /// contract had from the start and for host functions.
    pub since: u32,
}

impl Function {
    /// The wasm parameter types of the function's export or import.
    pub fn wasm_params(&self) -> Vec<ValType> {
        self.params
            .iter()
            .flat_map(|p| p.param_val_types().iter().copied())
            .collect()
    }

    /// The wasm result types of the function's export or import.
    pub fn wasm_results(&self) -> Vec<ValType> {
        self.result.iter().map(WireType::result_val_type).collect()
    }

    /// `name(t1, t2) -> r`, as the descriptor writes it.
    pub fn signature(&self) -> String {
        let mut out = String::new();
        let _ = write!(out, "{}(", self.name);
        for (i, p) in self.params.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            let _ = write!(out, "{}", p);
        }
        out.push(')');
        if let Some(r) = &self.result {
            let _ = write!(out, " -> {}", r);
        }
        if self.since > 1 {
            let _ = write!(out, " since {}", self.since);
        }
        out
    }
}

/// The functions a host provides to plugins of one contract, under one import module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostInterface {
    /// The wasm import module: the host trait's name.
    pub module: String,
    /// The functions, in declaration order.
    pub functions: Vec<Function>,
}

/// A whole contract: what one plugin implements and what it may import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contract {
    /// Wire ABI version the descriptor was written for.
    pub abi_version: u32,
    /// The contract's name: the plugin trait's name.
    pub name: String,
    /// The contract's version: the highest `since` of its methods, at least 1.
    pub version: u32,
    /// The plugin's methods, in declaration order.
    pub methods: Vec<Function>,
    /// The host functions the plugin may call, if the contract names a host trait.
    pub host: Option<HostInterface>,
    /// Every named type the methods and host functions reach, in the order first reached.
    pub types: Vec<TypeDef>,
    /// Problems found while the contract was described from Rust types (two types with one
    /// name). Never rendered; the host reports them as differences.
    pub conflicts: Vec<String>,
}

impl Contract {
    /// A contract from its parts; the version is the highest `since` of its methods.
    pub fn new(
        name: &str,
        methods: Vec<Function>,
        host: Option<HostInterface>,
        types: Types,
    ) -> Contract {
        let version = methods.iter().map(|m| m.since).max().unwrap_or(1).max(1);
        let (types, conflicts) = types.into_parts();
        Contract {
            abi_version: ABI_VERSION,
            name: name.to_string(),
            version,
            methods,
            host,
            types,
            conflicts,
        }
    }

    /// The definition of the named type `name`.
    pub fn type_def(&self, name: &str) -> Option<&TypeDef> {
        self.types.iter().find(|t| t.name == name)
    }

    /// The descriptor text for this contract.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{} {}", MAGIC, self.abi_version);
        let _ = writeln!(out, "contract {}", self.name);
        if self.version > 1 {
            let _ = writeln!(out, "version {}", self.version);
        }
        for m in &self.methods {
            let _ = writeln!(out, "method {}", m.signature());
        }
        if let Some(host) = &self.host {
            let _ = writeln!(out, "host {}", host.module);
            for f in &host.functions {
                let _ = writeln!(out, "import {}", f.signature());
            }
        }
        for t in &self.types {
            let _ = writeln!(out, "{}", t);
        }
        out
    }

    /// Parses one descriptor.
    ///
    /// # Errors
    /// On any line that does not follow the grammar, naming the line.
    pub fn parse(text: &str) -> Result<Contract, DescriptorError> {
        let mut all = parse_section(text.as_bytes())?;
        match all.len() {
            1 => Ok(all.remove(0)),
            n => Err(DescriptorError::new(
                0,
                format!("expected one contract, found {}", n),
            )),
        }
    }

    /// The method called `name`.
    pub fn method(&self, name: &str) -> Option<&Function> {
        self.methods.iter().find(|m| m.name == name)
    }
}

/// A descriptor that does not follow the grammar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DescriptorError {
    /// 1-based line number; 0 when the problem is not on one line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl DescriptorError {
    fn new(line: usize, message: String) -> Self {
        DescriptorError { line, message }
    }
}

impl fmt::Display for DescriptorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "contract descriptor: {}", self.message)
        } else {
            write!(
                f,
                "contract descriptor line {}: {}",
                self.line, self.message
            )
        }
    }
}

impl std::error::Error for DescriptorError {}

/// Parses the contents of a `wasp-contract` custom section: one or more descriptors.
///
/// # Errors
/// When the bytes are not UTF-8 or any line does not follow the grammar.
pub fn parse_section(bytes: &[u8]) -> Result<Vec<Contract>, DescriptorError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| DescriptorError::new(0, format!("not UTF-8 ({})", e)))?;
    let mut contracts: Vec<Contract> = Vec::new();
    let mut type_names: HashMap<usize, HashSet<String>> = HashMap::new();
    let mut in_host = false;
    for (index, raw_line) in text.lines().enumerate() {
        let line_no = index + 1;
        // Tolerate NUL padding and blank lines: C toolchains may pad or terminate sections.
        let line = raw_line.trim_matches(|c: char| c.is_whitespace() || c == '\0');
        if line.is_empty() {
            continue;
        }
        let (keyword, rest) = match line.find(' ') {
            Some(i) => (&line[..i], line[i + 1..].trim()),
            None => (line, ""),
        };
        let err = |m: String| DescriptorError::new(line_no, m);
        if keyword == MAGIC {
            let version: u32 = rest
                .parse()
                .map_err(|_| err(format!("bad ABI version {:?}", rest)))?;
            contracts.push(Contract {
                abi_version: version,
                name: String::new(),
                version: 1,
                methods: Vec::new(),
                host: None,
                types: Vec::new(),
                conflicts: Vec::new(),
            });
            in_host = false;
            continue;
        }
        let index = contracts.len();
        let current = contracts
            .last_mut()
            .ok_or_else(|| err(format!("expected `{} {}` first", MAGIC, ABI_VERSION)))?;
        match keyword {
            "contract" => {
                check_ident(rest).map_err(&err)?;
                current.name = rest.to_string();
            }
            "version" => {
                current.version = match rest.parse::<u32>() {
                    Ok(v) if v >= 1 => v,
                    _ => return Err(err(format!("bad contract version {:?}", rest))),
                };
            }
            "struct" | "enum" => {
                let def = TypeDef::parse(line).map_err(&err)?;
                // A set, not a scan: a hostile descriptor may define very many types.
                if !type_names
                    .entry(index)
                    .or_default()
                    .insert(def.name.clone())
                {
                    return Err(err(format!("type `{}` is defined twice", def.name)));
                }
                current.types.push(def);
            }
            "method" if !in_host => current.methods.push(parse_function(rest).map_err(&err)?),
            "host" => {
                check_ident(rest).map_err(&err)?;
                current.host = Some(HostInterface {
                    module: rest.to_string(),
                    functions: Vec::new(),
                });
                in_host = true;
            }
            "import" => {
                let f = parse_function(rest).map_err(&err)?;
                match &mut current.host {
                    Some(host) => host.functions.push(f),
                    None => return Err(err("`import` before `host`".to_string())),
                }
            }
            "method" => return Err(err("`method` after `host`".to_string())),
            other => return Err(err(format!("unknown item `{}`", other))),
        }
    }
    for c in &contracts {
        if c.name.is_empty() {
            return Err(DescriptorError::new(
                0,
                "a descriptor has no `contract` line".to_string(),
            ));
        }
        // A name declared twice would leave comparisons to pick one of the two (found by
        // fuzzing: such a contract differed from itself).
        let imports = c.host.as_ref().map_or(&[][..], |h| &h.functions[..]);
        for (kind, functions) in [("method", &c.methods[..]), ("host function", imports)] {
            let mut seen = HashSet::new();
            if let Some(twice) = functions.iter().find(|f| !seen.insert(f.name.as_str())) {
                return Err(DescriptorError::new(
                    0,
                    format!(
                        "contract `{}` declares {} `{}` twice",
                        c.name, kind, twice.name
                    ),
                ));
            }
        }
    }
    Ok(contracts)
}

fn check_ident(s: &str) -> Result<(), String> {
    let mut chars = s.chars();
    let first_ok = chars
        .next()
        .map_or(false, |c| c.is_alphabetic() || c == '_');
    if first_ok && chars.all(|c| c.is_alphanumeric() || c == '_') {
        Ok(())
    } else {
        Err(format!("`{}` is not a name", s))
    }
}

fn parse_function(s: &str) -> Result<Function, String> {
    let (s, since) = split_since(s)?;
    let open = s
        .find('(')
        .ok_or_else(|| format!("expected `name(...)` in `{}`", s))?;
    let name = s[..open].trim();
    check_ident(name)?;
    let close =
        matching_paren(s, open).ok_or_else(|| format!("unbalanced parentheses in `{}`", s))?;
    let params = split_top_level(&s[open + 1..close])
        .into_iter()
        .map(WireType::parse)
        .collect::<Result<Vec<_>, _>>()?;
    let tail = s[close + 1..].trim();
    let result = if tail.is_empty() {
        None
    } else if let Some(r) = tail.strip_prefix("->") {
        Some(WireType::parse(r)?)
    } else {
        return Err(format!(
            "expected `-> type` after the parameters, found `{}`",
            tail
        ));
    };
    Ok(Function {
        name: name.to_string(),
        params,
        result,
        since,
    })
}

/// `f(..) -> T since 2` → (`f(..) -> T`, 2).
fn split_since(s: &str) -> Result<(&str, u32), String> {
    let trimmed = s.trim_end();
    if let Some(space) = trimmed.rfind(' ') {
        let (head, number) = (&trimmed[..space], &trimmed[space + 1..]);
        if let Some(head) = head.trim_end().strip_suffix(" since") {
            return match number.parse::<u32>() {
                Ok(v) if v >= 1 => Ok((head, v)),
                _ => Err(format!("bad version `{}` after `since`", number)),
            };
        }
    }
    Ok((s, 1))
}

fn matching_paren(s: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in s.char_indices().skip_while(|&(i, _)| i < open) {
        match c {
            '(' | '<' | '[' => depth += 1,
            ')' | '>' | ']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return if c == ')' { Some(i) } else { None };
                }
            }
            _ => {}
        }
    }
    None
}

fn split_top_level(s: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '(' | '<' | '[' => depth += 1,
            ')' | '>' | ']' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(s[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    let last = s[start..].trim();
    if !last.is_empty() || !parts.is_empty() {
        parts.push(last);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn greeter() -> Contract {
        let mut types = Types::new();
        let config = types.define("Config", "c::Config", |_| {
            Shape::Struct(Fields::Named(vec![
                Field::new("retries", Type::Scalar(ScalarType::U8)),
                Field::new("tags", Type::list(Type::String)),
            ]))
        });
        Contract::new(
            "Greeter",
            vec![
                Function {
                    name: "hello".into(),
                    params: vec![WireType::String],
                    result: Some(WireType::String),
                    since: 1,
                },
                Function {
                    name: "fail".into(),
                    params: vec![WireType::Serde(config)],
                    result: Some(WireType::Serde(Type::result(Type::Unit, Type::String))),
                    since: 1,
                },
                Function {
                    name: "pair".into(),
                    params: vec![
                        WireType::Serde(Type::map(
                            Type::String,
                            Type::Tuple(vec![
                                Type::Scalar(ScalarType::U8),
                                Type::list(Type::Scalar(ScalarType::I32)),
                            ]),
                        )),
                        WireType::Scalar(ScalarType::Char),
                        WireType::Serde(Type::Scalar(ScalarType::U32)),
                    ],
                    result: None,
                    since: 3,
                },
            ],
            Some(HostInterface {
                module: "GreeterHost".into(),
                functions: vec![Function {
                    name: "call_me".into(),
                    params: vec![WireType::Bytes],
                    result: Some(WireType::String),
                    since: 1,
                }],
            }),
            types,
        )
    }

    #[test]
    fn render_then_parse_is_identity() {
        let c = greeter();
        assert_eq!(c.version, 3);
        let text = c.render();
        assert!(
            text.contains("method pair(Map<String, (u8, Vec<i32>)>, char, serde(u32)) since 3\n")
        );
        assert!(text.contains("struct Config { retries: u8, tags: Vec<String> }\n"));
        assert_eq!(Contract::parse(&text).unwrap(), c);
    }

    #[test]
    fn a_name_declared_twice_is_refused() {
        let methods =
            "wasp-contract 1\ncontract G\nmethod sum(i32) -> i32\nmethod sum(i64) -> i64\n";
        let e = Contract::parse(methods).unwrap_err();
        assert!(e.message.contains("method `sum` twice"), "{}", e);
        let imports = "wasp-contract 1\ncontract G\nmethod f()\nhost h\nimport g()\nimport g(u8)\n";
        let e = Contract::parse(imports).unwrap_err();
        assert!(e.message.contains("host function `g` twice"), "{}", e);
    }

    #[test]
    fn concatenated_sections_hold_several_contracts() {
        let text = format!("{}\0\0{}", greeter().render(), greeter().render());
        assert_eq!(parse_section(text.as_bytes()).unwrap().len(), 2);
    }

    #[test]
    fn damaged_descriptors_are_errors_never_panics() {
        // Descriptors come from plugins: every truncation and every stray delimiter must
        // parse to a value or an error.
        let text = greeter().render();
        let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        for &cut in &boundaries {
            let _ = parse_section(&text.as_bytes()[..cut]);
            for stray in [
                "<", ">", "(", ")", ",", ";", ":", "{", "}", "[", "]", " ", "\n", "é",
            ] {
                let damaged = format!("{}{}{}", &text[..cut], stray, &text[cut..]);
                let _ = parse_section(damaged.as_bytes());
            }
        }
    }

    #[test]
    fn bad_lines_are_errors() {
        assert!(Contract::parse("contract X\n").is_err());
        assert!(Contract::parse("wasp-contract 1\ncontract X\nmethod f(what)\n").is_ok());
        assert!(Contract::parse("wasp-contract 1\ncontract X\nmethod f(Vec<)\n").is_err());
        assert!(Contract::parse("wasp-contract 1\ncontract X\nmethod f(i32\n").is_err());
        assert!(Contract::parse("wasp-contract 1\ncontract X\nmethod f() since 0\n").is_err());
        assert!(Contract::parse("wasp-contract 1\ncontract X\nversion x\n").is_err());
        assert!(Contract::parse("wasp-contract 1\ncontract X\nbogus\n").is_err());
        assert!(Contract::parse("wasp-contract 1\ncontract X\nstruct A\nstruct A\n").is_err());
        assert!(Contract::parse("wasp-contract x\n").is_err());
    }
}
