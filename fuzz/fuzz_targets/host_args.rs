//! Host-function argument lifting: a plugin calls a host function with wasm values that
//! point into its memory. Every parameter kind must refuse pointers and lengths outside the
//! memory, invalid text and invalid encodings with an error, never a panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::borrow::Cow;
use types_contract::Record;
use wasp::__private::{HostArg, HostArgs};

/// Lifts a `T` from the next wasm values; whatever the outcome, the next lift goes on.
fn next<'m, T: HostArg<'m>>(args: &mut HostArgs<'m, '_>) {
    let _ = args.lift::<T>();
}

fuzz_target!(|data: &[u8]| {
    // The first 64 bytes are eight wasm values, the rest is the plugin's memory. Values are
    // mostly small so that some of them point inside the memory.
    if data.len() < 65 {
        return;
    }
    let (head, memory) = data.split_at(64);
    let values: Vec<u64> = head
        .chunks_exact(8)
        .map(|c| {
            let v = u64::from_le_bytes(c.try_into().unwrap_or([0; 8]));
            if v & 1 == 0 { v % (memory.len() as u64 + 8) } else { v }
        })
        .collect();
    let plan = memory[0];
    let Ok(mut args) = HostArgs::new("fuzzed", memory, &values, values.len()) else {
        return;
    };
    for step in 0..4u8 {
        match (plan.rotate_left(u32::from(step) * 2)) % 10 {
            0 => next::<&str>(&mut args),
            1 => next::<&[u8]>(&mut args),
            2 => next::<String>(&mut args),
            3 => next::<Vec<u8>>(&mut args),
            4 => next::<Cow<'_, str>>(&mut args),
            5 => next::<Box<[u8]>>(&mut args),
            6 => next::<Record>(&mut args),
            7 => next::<Option<Vec<Record>>>(&mut args),
            8 => next::<u32>(&mut args),
            _ => next::<char>(&mut args),
        }
    }
});
