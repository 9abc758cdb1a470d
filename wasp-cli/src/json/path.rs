//! Where in a value a conversion failed: `args[0].mode`, `result.tags[2]`, `args[1]["key"]`.
//!
//! The path mirrors the JSON: `.name` for an object member (a struct field, or the variant
//! of an enum written `{"Variant": ...}`), `[i]` for an array element, `["key"]` for a map
//! entry. It is kept as a stack of segments while converting, and only rendered as text when
//! an error needs it, so a successful conversion allocates nothing for it.

use super::ConvertError;
use serde_json::Value;
use std::fmt::Write as _;

/// Where a value starts: the root of every path in the errors its conversion reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    root: String,
}

impl Path {
    /// A value called `name`: `args[0]`, `result`.
    pub fn root(name: impl Into<String>) -> Path {
        Path { root: name.into() }
    }

    /// The name given to [`Path::root`].
    pub fn as_str(&self) -> &str {
        &self.root
    }

    /// An error at this path.
    pub fn error(&self, message: impl Into<String>) -> ConvertError {
        ConvertError {
            path: self.root.clone(),
            message: message.into(),
        }
    }
}

/// One step into a value.
#[derive(Debug, Clone)]
pub(crate) enum Segment<'a> {
    /// A struct field, or `Ok`/`Err`.
    Field(&'a str),
    /// The variant of an enum, written as an object's only member.
    Variant(&'a str),
    /// An element of an array: a sequence, tuple or tuple struct.
    Index(u64),
    /// The value of a map entry whose key is written as text.
    Key(String),
}

/// The path to the value being converted: a root and the steps taken from it.
#[derive(Debug)]
pub(crate) struct Trail<'p, 'a> {
    root: &'p Path,
    segments: Vec<Segment<'a>>,
}

impl<'p, 'a> Trail<'p, 'a> {
    pub(crate) fn new(root: &'p Path) -> Self {
        Trail {
            root,
            segments: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, segment: Segment<'a>) {
        self.segments.push(segment);
    }

    pub(crate) fn pop(&mut self) {
        self.segments.pop();
    }

    /// An error at the current place.
    pub(crate) fn error(&self, message: impl Into<String>) -> ConvertError {
        let mut path = self.root.root.clone();
        for segment in &self.segments {
            // Writing to a String cannot fail.
            let _ = match segment {
                Segment::Field(name) | Segment::Variant(name) => write!(path, ".{name}"),
                Segment::Index(i) => write!(path, "[{i}]"),
                Segment::Key(key) => write!(path, "[{}]", Value::from(key.as_str())),
            };
        }
        ConvertError {
            path,
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_mirror_the_json() {
        let root = Path::root("args[0]");
        let mut trail = Trail::new(&root);
        trail.push(Segment::Field("shape"));
        trail.push(Segment::Variant("Path"));
        trail.push(Segment::Index(2));
        assert_eq!(trail.error("x").path, "args[0].shape.Path[2]");
        trail.pop();
        trail.pop();
        trail.pop();
        trail.push(Segment::Key("a \"b\"".to_string()));
        assert_eq!(trail.error("x").path, r#"args[0]["a \"b\""]"#);
        assert_eq!(trail.error("bad").to_string(), r#"args[0]["a \"b\""]: bad"#);
    }
}
