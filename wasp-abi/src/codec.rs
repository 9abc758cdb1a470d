//! The one codec for values that are neither scalars nor raw bytes: postcard 1.x.
//!
//! Everything structured (Option, Result, tuples, `Vec<T>`, serde structs and enums) is
//! encoded here and nowhere else, so changing the codec is a change to this module.

use serde::{de::DeserializeOwned, Serialize};
use std::fmt;

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

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(decode::<Vec<String>>(&[0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]).is_err());
    }
}
