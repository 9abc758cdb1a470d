//! Small helpers over the WebAssembly binary and wasmtime's types.

use wasp_abi::ValType;

/// The contents of every custom section called `name`, concatenated, or `Err(size)` when
/// they add up to more than `max` bytes. Reads only the section framing of the binary format,
/// with every length checked; a malformed binary yields what was read before the damage (the
/// compiler has already rejected invalid modules).
pub(crate) fn custom_section(bytes: &[u8], name: &str, max: usize) -> Result<Vec<u8>, usize> {
    let mut out = Vec::new();
    if bytes.len() < 8 || &bytes[..4] != b"\0asm" {
        return Ok(out);
    }
    let mut at = 8;
    while at < bytes.len() {
        let id = bytes[at];
        at += 1;
        let Some((size, next)) = leb_u32(bytes, at) else {
            break;
        };
        let Some(end) = next
            .checked_add(size as usize)
            .filter(|&e| e <= bytes.len())
        else {
            break;
        };
        if let (0, Some((name_len, name_at))) = (id, leb_u32(bytes, next)) {
            let name_end = name_at.saturating_add(name_len as usize);
            if name_end <= end && &bytes[name_at..name_end] == name.as_bytes() {
                let size = out.len() + (end - name_end);
                if size > max {
                    return Err(size);
                }
                out.extend_from_slice(&bytes[name_end..end]);
            }
        }
        at = end;
    }
    Ok(out)
}

fn leb_u32(bytes: &[u8], mut at: usize) -> Option<(u32, usize)> {
    let mut result: u32 = 0;
    for shift in (0..35).step_by(7) {
        let byte = *bytes.get(at)?;
        at += 1;
        result |= u32::from(byte & 0x7f).checked_shl(shift)?;
        if byte & 0x80 == 0 {
            return Some((result, at));
        }
    }
    None
}

pub(crate) fn to_wasmtime(v: ValType) -> wasmtime::ValType {
    match v {
        ValType::I32 => wasmtime::ValType::I32,
        ValType::I64 => wasmtime::ValType::I64,
        ValType::F32 => wasmtime::ValType::F32,
        ValType::F64 => wasmtime::ValType::F64,
    }
}

pub(crate) fn func_type(
    engine: &wasmtime::Engine,
    params: &[ValType],
    results: &[ValType],
) -> wasmtime::FuncType {
    wasmtime::FuncType::new(
        engine,
        params.iter().copied().map(to_wasmtime),
        results.iter().copied().map(to_wasmtime),
    )
}

/// `(i32, i32) -> i64`, the way people read signatures.
pub(crate) fn describe_wasm(params: &[ValType], results: &[ValType]) -> String {
    let names = |vs: &[ValType]| vs.iter().map(|v| v.name()).collect::<Vec<_>>().join(", ");
    let results = match results.len() {
        0 => "()".to_string(),
        1 => results[0].name().to_string(),
        _ => format!("({})", names(results)),
    };
    format!("({}) -> {}", names(params), results)
}

pub(crate) fn describe_func_type(ty: &wasmtime::FuncType) -> String {
    let name = |v: wasmtime::ValType| v.to_string();
    let params: Vec<String> = ty.params().map(name).collect();
    let results: Vec<String> = ty.results().map(name).collect();
    let results = match results.len() {
        0 => "()".to_string(),
        1 => results[0].clone(),
        _ => format!("({})", results.join(", ")),
    };
    format!("({}) -> {}", params.join(", "), results)
}

/// Whether a wasmtime function type is exactly `params -> results`.
pub(crate) fn func_type_is(
    ty: &wasmtime::FuncType,
    params: &[ValType],
    results: &[ValType],
) -> bool {
    fn same(a: impl ExactSizeIterator<Item = wasmtime::ValType>, b: &[ValType]) -> bool {
        a.len() == b.len()
            && a.zip(b).all(|(x, &y)| {
                matches!(
                    (x, y),
                    (wasmtime::ValType::I32, ValType::I32)
                        | (wasmtime::ValType::I64, ValType::I64)
                        | (wasmtime::ValType::F32, ValType::F32)
                        | (wasmtime::ValType::F64, ValType::F64)
                )
            })
    }
    same(ty.params(), params) && same(ty.results(), results)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_sections_are_found_and_concatenated() {
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        for payload in [&b"ab"[..], b"cd"] {
            m.push(0);
            m.push(1 + 4 + payload.len() as u8);
            m.push(4);
            m.extend_from_slice(b"wasp");
            m.extend_from_slice(payload);
        }
        m.extend_from_slice(&[0, 3, 1, b'x', b'y']);
        assert_eq!(custom_section(&m, "wasp", 4), Ok(b"abcd".to_vec()));
        assert_eq!(custom_section(&m, "x", 4), Ok(b"y".to_vec()));
        // The cap counts every section of the name together.
        assert_eq!(custom_section(&m, "wasp", 3), Err(4));
    }

    #[test]
    fn truncated_or_lying_lengths_do_not_panic() {
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        m.extend_from_slice(&[0, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, b'a']);
        assert_eq!(custom_section(&m, "a", 16), Ok(Vec::new()));
        assert_eq!(custom_section(b"\0asm", "a", 16), Ok(Vec::new()));
        assert_eq!(custom_section(&[0, 0x80, 0x80], "a", 16), Ok(Vec::new()));
    }
}
