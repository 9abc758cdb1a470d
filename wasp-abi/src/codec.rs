//! The one codec for values that are neither scalars nor raw bytes: postcard 1.x.
//!
//! Everything structured (Option, Result, tuples, `Vec<T>`, serde structs and enums) is
//! encoded here and nowhere else, so changing the codec is a change to this module.

mod depth;

use serde::{de::DeserializeOwned, Serialize};
use std::fmt;

/// The deepest nesting [`decode_bounded`] accepts: levels of sequences, maps, tuples,
/// structs, enums, options and newtypes inside one another. Decoding (and dropping) recurses
/// once per level, so this bounds the native stack a value from the other side can make this
/// side use.
pub const MAX_DEPTH: usize = 128;

/// A value that could not be encoded or decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodecError {
    message: String,
}

impl CodecError {
    /// What went wrong, as the codec describes it.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for CodecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CodecError {}

fn codec_error(error: postcard::Error) -> CodecError {
    CodecError {
        message: error.to_string(),
    }
}

/// Appends the encoding of `value` to `out`.
///
/// # Errors
/// Fails only for values serde cannot represent in postcard (for example a map whose length
/// the serializer does not know in advance).
pub fn encode_into<T: Serialize + ?Sized>(value: &T, out: &mut Vec<u8>) -> Result<(), CodecError> {
    let buffer = std::mem::take(out);
    match postcard::to_extend(value, buffer) {
        Ok(buffer) => {
            *out = buffer;
            Ok(())
        }
        Err(error) => Err(codec_error(error)),
    }
}

/// Encodes `value` into a new vector.
///
/// # Errors
/// As [`encode_into`].
pub fn encode<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, CodecError> {
    let mut out = Vec::new();
    encode_into(value, &mut out)?;
    Ok(out)
}

/// Decodes a value that must use all of `bytes`: trailing bytes mean the two sides disagree
/// about the type, which is an error rather than something to ignore.
///
/// For bytes from the host, which a plugin trusts. Bytes from a plugin go through
/// [`decode_bounded`].
///
/// # Errors
/// When the bytes are not a valid encoding of `T`, or are longer than one.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, CodecError> {
    let (value, rest) = postcard::take_from_bytes(bytes).map_err(codec_error)?;
    if rest.is_empty() {
        Ok(value)
    } else {
        Err(CodecError {
            message: format!("{} unexpected trailing byte(s)", rest.len()),
        })
    }
}

/// As [`decode`], for bytes the other side controls: values nested deeper than
/// [`MAX_DEPTH`] are refused before they are built, so neither decoding nor dropping them can
/// overflow the stack. The host decodes everything a plugin hands it with this.
///
/// # Errors
/// As [`decode`], and when the value nests deeper than [`MAX_DEPTH`].
pub fn decode_bounded<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, CodecError> {
    let mut deserializer = postcard::Deserializer::from_bytes(bytes);
    depth::take_tripped();
    let value = T::deserialize(depth::Bounded::new(&mut deserializer, MAX_DEPTH));
    let value = match value {
        Ok(value) => value,
        Err(_) if depth::take_tripped() => {
            return Err(CodecError {
                message: format!("the value is nested more than {} levels deep", MAX_DEPTH),
            })
        }
        Err(error) => return Err(codec_error(error)),
    };
    let rest = deserializer.finalize().map_err(codec_error)?;
    if rest.is_empty() {
        Ok(value)
    } else {
        Err(CodecError {
            message: format!("{} unexpected trailing byte(s)", rest.len()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_trailing_bytes_are_rejected() {
        let value: (Option<u32>, Result<String, i8>) = (Some(7), Err(-3));
        let mut bytes = encode(&value).unwrap();
        assert_eq!(
            decode::<(Option<u32>, Result<String, i8>)>(&bytes).unwrap(),
            value
        );
        bytes.push(0);
        assert!(decode::<(Option<u32>, Result<String, i8>)>(&bytes).is_err());
    }

    // The examples docs/ABI.md gives, byte for byte.
    #[test]
    fn encodings_documented_in_the_abi() {
        let err: Result<(), String> = Err("Ooops".into());
        assert_eq!(
            encode(&err).unwrap(),
            [0x01, 0x05, b'O', b'o', b'o', b'p', b's']
        );
        assert_eq!(encode(&Ok::<(), String>(())).unwrap(), [0x00]);
        assert_eq!(encode(&Some(300u16)).unwrap(), [0x01, 0xac, 0x02]);
        assert_eq!(encode(&-2i32).unwrap(), [0x03]);
        assert_eq!(encode(&'é').unwrap(), [0x02, 0xc3, 0xa9]);
        assert_eq!(
            encode(&(true, 1.0f32)).unwrap(),
            [0x01, 0x00, 0x00, 0x80, 0x3f]
        );
    }

    #[derive(Debug, PartialEq, serde::Deserialize, serde::Serialize)]
    enum Tree {
        Leaf,
        Node(Box<Tree>, Option<Box<Tree>>),
    }

    #[test]
    fn deep_values_are_refused_before_they_are_built() {
        // Within the bound: decodes as before.
        let mut tree = Tree::Leaf;
        for _ in 0..MAX_DEPTH / 2 - 1 {
            tree = Tree::Node(Box::new(tree), None);
        }
        assert_eq!(
            decode_bounded::<Tree>(&encode(&tree).unwrap()).unwrap(),
            tree
        );
        // A million levels of `Node(Node(..` on a 256 KiB thread: an error, not an overflow.
        let deep = vec![1u8; 1_000_000];
        let error = std::thread::Builder::new()
            .stack_size(256 << 10)
            .spawn(move || {
                (
                    decode_bounded::<Tree>(&deep).unwrap_err(),
                    decode_bounded::<Option<Box<Option<Box<Tree>>>>>(&deep).unwrap_err(),
                    decode_bounded::<Vec<Vec<Vec<Vec<Vec<Vec<Vec<Vec<u8>>>>>>>>>(&[1; 9])
                        .map(|_| ())
                        .map_err(|e| e.message),
                )
            })
            .unwrap()
            .join()
            .unwrap();
        assert!(
            error.0.message().contains("nested more than 128"),
            "{}",
            error.0
        );
        assert!(
            error.1.message().contains("nested more than 128"),
            "{}",
            error.1
        );
        assert_eq!(error.2, Ok(()));
        // The flag does not leak into the next, unrelated failure.
        assert!(!decode_bounded::<Vec<String>>(&[0xff])
            .unwrap_err()
            .message()
            .contains("nested"));
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(decode::<Vec<String>>(&[0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]).is_err());
    }
}
