//! A contract that exercises every type the ABI supports, host functions in both
//! directions, per-instance state, and each way a call can fail.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;
use wasp::HostResult;

/// A nested serde struct.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, wasp::Schema)]
pub struct Record {
    pub id: u64,
    pub name: String,
    pub tags: Vec<String>,
    pub shape: Shape,
    pub inner: Option<Box<Record>>,
    pub scores: BTreeMap<String, f64>,
}

/// A serde enum with every kind of variant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, wasp::Schema)]
pub enum Shape {
    Empty,
    Circle(f32),
    Rect { w: u32, h: u32 },
    Path(Vec<(i16, i16)>),
}

/// Host functions the test plugin calls.
#[wasp::host]
pub trait TypesHost {
    fn upper(&mut self, text: &str) -> String;
    fn rename(&mut self, record: Record, name: String) -> Record;
    fn checked_div(&mut self, a: i64, b: i64) -> HostResult<i64>;
    fn remember(&mut self, value: u32);
    fn bytes_back(&mut self, len: u32) -> Vec<u8>;
    /// Raw string and byte kinds that only their `Wire` impls know about.
    fn shout(&mut self, text: Cow<'_, str>, tail: Box<[u8]>) -> Box<str>;
}

/// The test contract.
#[wasp::plugin(host = TypesHost)]
pub trait Types {
    fn echo_i8(&self, v: i8) -> i8;
    fn echo_u8(&self, v: u8) -> u8;
    fn echo_i16(&self, v: i16) -> i16;
    fn echo_u16(&self, v: u16) -> u16;
    fn echo_i32(&self, v: i32) -> i32;
    fn echo_u32(&self, v: u32) -> u32;
    fn echo_i64(&self, v: i64) -> i64;
    fn echo_u64(&self, v: u64) -> u64;
    fn echo_isize(&self, v: isize) -> isize;
    fn echo_usize(&self, v: usize) -> usize;
    fn echo_f32(&self, v: f32) -> f32;
    fn echo_f64(&self, v: f64) -> f64;
    fn echo_bool(&self, v: bool) -> bool;
    fn echo_char(&self, v: char) -> char;
    fn echo_i128(&self, v: i128) -> i128;
    fn echo_u128(&self, v: u128) -> u128;

    fn echo_string(&self, v: String) -> String;
    fn echo_bytes(&self, v: Vec<u8>) -> Vec<u8>;
    fn str_chars(&self, v: &str) -> u32;
    fn slice_sum(&self, v: &[u8]) -> u64;
    fn join(&self, a: &str, b: String, c: &[u8], d: Vec<u8>) -> String;

    fn echo_option(&self, v: Option<String>) -> Option<String>;
    fn echo_result(&self, v: Result<u32, String>) -> Result<u32, String>;
    fn echo_vec(&self, v: Vec<i64>) -> Vec<i64>;
    fn echo_tuple(&self, v: (u8, String, bool)) -> (u8, String, bool);
    fn echo_record(&self, v: Record) -> Record;
    fn echo_shape(&self, v: Shape) -> Shape;
    fn mixed(
        &self,
        a: u8,
        b: &str,
        c: Record,
        d: &[u8],
        e: char,
    ) -> (u8, String, Record, Vec<u8>, char);
    fn nothing(&self);

    fn add(&mut self, v: u64) -> u64;

    fn call_upper(&self, text: String) -> String;
    fn call_rename(&self, record: Record, name: String) -> Record;
    fn call_div(&self, a: i64, b: i64) -> i64;
    fn call_remember(&self, value: u32);
    fn call_bytes_back(&self, len: u32) -> usize;

    fn panic_with(&self, message: String);
    fn trap(&self);
    fn abort(&self);
    fn divide(&self, a: i32, b: i32) -> i32;
    fn recurse(&self, depth: u64) -> u64;
    fn spin(&self, iterations: u64) -> u64;
    fn hoard(&mut self, mebibytes: u32) -> u32;

    // Raw string and byte kinds added with `Wire` impls alone (no macro change): they travel
    // as `String` and `Vec<u8>` do, without the codec.
    fn echo_box_str(&self, v: Box<str>) -> Box<str>;
    fn echo_box_bytes(&self, v: Box<[u8]>) -> Box<[u8]>;
    fn echo_cow_str(&self, v: Cow<'_, str>) -> Cow<'static, str>;
    fn echo_cow_bytes(&self, v: Cow<'_, [u8]>) -> Cow<'static, [u8]>;
    /// Whether the plugin received the string borrowed from its argument block.
    fn cow_is_borrowed(&self, v: Cow<'_, str>) -> bool;
    fn join_kinds(
        &self,
        a: Box<str>,
        b: Cow<'_, str>,
        c: Box<[u8]>,
        d: Cow<'_, [u8]>,
        e: &str,
    ) -> String;
    fn call_shout(&self, text: String, tail: Vec<u8>) -> String;
}
