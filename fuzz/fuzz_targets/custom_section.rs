//! The custom-section reader: a module whose `wasp-contract` custom section holds arbitrary
//! bytes, read as the host reads a plugin's descriptors at load. It must answer with the
//! descriptors or an error, never panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use wasp_host::Engine;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::new().expect("an engine"))
}

/// LEB128, as the binary format writes lengths.
fn leb(mut n: usize, out: &mut Vec<u8>) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn section(name: &str, payload: &[u8], out: &mut Vec<u8>) {
    let mut body = Vec::new();
    leb(name.len(), &mut body);
    body.extend_from_slice(name.as_bytes());
    body.extend_from_slice(payload);
    out.push(0); // a custom section
    leb(body.len(), out);
    out.extend_from_slice(&body);
}

fuzz_target!(|data: &[u8]| {
    // One or two sections of the name: the reader joins them.
    let split = data.first().map_or(0, |&b| usize::from(b)).min(data.len());
    let (first, second) = data.split_at(split);
    let mut module = b"\0asm\x01\0\0\0".to_vec();
    section(wasp_abi::CONTRACT_SECTION, first, &mut module);
    if !second.is_empty() && split % 2 == 1 {
        section(wasp_abi::CONTRACT_SECTION, second, &mut module);
    }
    let _ = engine().descriptors(&module);
});
