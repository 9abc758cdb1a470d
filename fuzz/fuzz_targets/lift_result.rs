//! Result lifting: what a plugin returns (the bits of a wasm value, or the bytes of a buffer
//! result) becomes a Rust value of the method's result type. Every wire kind must refuse a
//! lie with an error, never panic, and never recurse without bound.

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::borrow::Cow;
use std::collections::BTreeMap;
use types_contract::{Record, Shape};
use wasp::__private::{Returned, WireResult};

fn lift<T: WireResult>(returned: Returned<'_>) {
    let _ = T::lift(returned);
}

fuzz_target!(|data: &[u8]| {
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    let mut bits = [0u8; 8];
    let n = rest.len().min(8);
    bits[..n].copy_from_slice(&rest[..n]);
    let bits = Returned::Bits(u64::from_le_bytes(bits));
    let bytes = Returned::Bytes(rest);
    match kind % 24 {
        0 => lift::<bool>(bits),
        1 => lift::<char>(bits),
        2 => lift::<u8>(bits),
        3 => lift::<i16>(bits),
        4 => lift::<u32>(bits),
        5 => lift::<i64>(bits),
        6 => lift::<usize>(bits),
        7 => lift::<f32>(bits),
        8 => lift::<f64>(bits),
        9 => lift::<String>(bytes),
        10 => lift::<Box<str>>(bytes),
        11 => lift::<Cow<'static, str>>(bytes),
        12 => lift::<Vec<u8>>(bytes),
        13 => lift::<Box<[u8]>>(bytes),
        14 => lift::<Cow<'static, [u8]>>(bytes),
        15 => lift::<Record>(bytes),
        16 => lift::<Shape>(bytes),
        17 => lift::<Option<Record>>(bytes),
        18 => lift::<Result<Vec<Record>, String>>(bytes),
        19 => lift::<Vec<Shape>>(bytes),
        20 => lift::<BTreeMap<String, Vec<u32>>>(bytes),
        21 => lift::<(u8, String, Option<f64>)>(bytes),
        22 => lift::<Vec<String>>(bytes),
        _ => lift::<()>(Returned::Unit),
    }
});
