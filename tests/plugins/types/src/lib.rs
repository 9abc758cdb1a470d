//! Implements the types test contract: echoes, state, host calls and deliberate failures.

use std::borrow::Cow;
use types_contract::{types_host, Record, Shape, Types};

#[derive(Default)]
struct Plugin {
    total: u64,
    hoard: Vec<Vec<u8>>,
}

impl Types for Plugin {
    fn echo_i8(&self, v: i8) -> i8 {
        v
    }
    fn echo_u8(&self, v: u8) -> u8 {
        v
    }
    fn echo_i16(&self, v: i16) -> i16 {
        v
    }
    fn echo_u16(&self, v: u16) -> u16 {
        v
    }
    fn echo_i32(&self, v: i32) -> i32 {
        v
    }
    fn echo_u32(&self, v: u32) -> u32 {
        v
    }
    fn echo_i64(&self, v: i64) -> i64 {
        v
    }
    fn echo_u64(&self, v: u64) -> u64 {
        v
    }
    fn echo_isize(&self, v: isize) -> isize {
        v
    }
    fn echo_usize(&self, v: usize) -> usize {
        v
    }
    fn echo_f32(&self, v: f32) -> f32 {
        v
    }
    fn echo_f64(&self, v: f64) -> f64 {
        v
    }
    fn echo_bool(&self, v: bool) -> bool {
        v
    }
    fn echo_char(&self, v: char) -> char {
        v
    }
    fn echo_i128(&self, v: i128) -> i128 {
        v
    }
    fn echo_u128(&self, v: u128) -> u128 {
        v
    }

    fn echo_string(&self, v: String) -> String {
        v
    }
    fn echo_bytes(&self, v: Vec<u8>) -> Vec<u8> {
        v
    }
    fn str_chars(&self, v: &str) -> u32 {
        v.chars().count() as u32
    }
    fn slice_sum(&self, v: &[u8]) -> u64 {
        v.iter().map(|&b| u64::from(b)).sum()
    }
    fn join(&self, a: &str, b: String, c: &[u8], d: Vec<u8>) -> String {
        format!("{}|{}|{}|{}", a, b, String::from_utf8_lossy(c), String::from_utf8_lossy(&d))
    }

    fn echo_option(&self, v: Option<String>) -> Option<String> {
        v
    }
    fn echo_result(&self, v: Result<u32, String>) -> Result<u32, String> {
        v
    }
    fn echo_vec(&self, v: Vec<i64>) -> Vec<i64> {
        v
    }
    fn echo_tuple(&self, v: (u8, String, bool)) -> (u8, String, bool) {
        v
    }
    fn echo_record(&self, v: Record) -> Record {
        v
    }
    fn echo_shape(&self, v: Shape) -> Shape {
        v
    }
    fn mixed(&self, a: u8, b: &str, c: Record, d: &[u8], e: char) -> (u8, String, Record, Vec<u8>, char) {
        (a, b.to_string(), c, d.to_vec(), e)
    }
    fn nothing(&self) {}

    fn add(&mut self, v: u64) -> u64 {
        self.total += v;
        self.total
    }

    fn call_upper(&self, text: String) -> String {
        types_host::upper(&text)
    }
    fn call_rename(&self, record: Record, name: String) -> Record {
        types_host::rename(record, name)
    }
    fn call_div(&self, a: i64, b: i64) -> i64 {
        types_host::checked_div(a, b)
    }
    fn call_remember(&self, value: u32) {
        types_host::remember(value)
    }
    fn call_bytes_back(&self, len: u32) -> usize {
        let bytes = types_host::bytes_back(len);
        assert!(bytes.iter().enumerate().all(|(i, &b)| b == i as u8), "host bytes corrupted");
        bytes.len()
    }

    fn panic_with(&self, message: String) {
        panic!("{}", message);
    }
    fn trap(&self) {
        #[cfg(target_arch = "wasm32")]
        core::arch::wasm32::unreachable();
    }
    fn abort(&self) {
        std::process::abort();
    }
    fn divide(&self, a: i32, b: i32) -> i32 {
        // Rust checks the divisor and panics inside core; that panic must reach the host too.
        a.wrapping_div(b)
    }
    fn recurse(&self, depth: u64) -> u64 {
        // A frame that stays live across the recursive call, so that deep recursion really
        // consumes stack and ends in a stack-overflow trap.
        let mut frame = [0u8; 256];
        unsafe { std::ptr::write_volatile(&mut frame[0], depth as u8) };
        if depth == 0 {
            return 0;
        }
        let below = self.recurse(depth - 1);
        below + 1 + (u64::from(unsafe { std::ptr::read_volatile(&frame[0]) }) & 0)
    }
    fn spin(&self, iterations: u64) -> u64 {
        let mut x: u64 = 0;
        let mut i = 0;
        while i < iterations {
            x = unsafe { std::ptr::read_volatile(&x) }.wrapping_mul(6364136223846793005).wrapping_add(i);
            i += 1;
        }
        x
    }
    fn hoard(&mut self, mebibytes: u32) -> u32 {
        for _ in 0..mebibytes {
            self.hoard.push(vec![1u8; 1 << 20]);
        }
        self.hoard.len() as u32
    }

    fn echo_box_str(&self, v: Box<str>) -> Box<str> {
        v
    }
    fn echo_box_bytes(&self, v: Box<[u8]>) -> Box<[u8]> {
        v
    }
    fn echo_cow_str(&self, v: Cow<'_, str>) -> Cow<'static, str> {
        Cow::Owned(v.into_owned())
    }
    fn echo_cow_bytes(&self, v: Cow<'_, [u8]>) -> Cow<'static, [u8]> {
        Cow::Owned(v.into_owned())
    }
    fn cow_is_borrowed(&self, v: Cow<'_, str>) -> bool {
        matches!(v, Cow::Borrowed(_))
    }
    fn join_kinds(&self, a: Box<str>, b: Cow<'_, str>, c: Box<[u8]>, d: Cow<'_, [u8]>, e: &str) -> String {
        format!("{}|{}|{}|{}|{}", a, b, String::from_utf8_lossy(&c), String::from_utf8_lossy(&d), e)
    }
    fn call_shout(&self, text: String, tail: Vec<u8>) -> String {
        String::from(types_host::shout(Cow::Borrowed(&text), tail.into_boxed_slice()))
    }
}

types_contract::export_types!(Plugin);
