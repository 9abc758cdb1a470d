//! The JSON conversion against the typed code, for every type of the types contract: the
//! wire form made from JSON is byte for byte what the generated typed code sends for the
//! same Rust value, and the JSON read from the typed code's wire form is what `serde_json`
//! makes of that value.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::fmt::Debug;
use types_contract::{Record, Shape, Types};
use wasp::descriptor::{Contract, WireType};
use wasp_abi::{Scalar, codec};
use wasp_cli::json::{BytesAs, JsonCodec, Path};
use wasp_host::WireValue;

fn contract() -> Contract {
    <dyn Types as wasp::Contract>::descriptor()
}

/// The wire type of parameter `index` of `method`, and of its result.
fn types_of(contract: &Contract, method: &str, index: usize) -> (WireType, Option<WireType>) {
    let m = contract
        .method(method)
        .unwrap_or_else(|| panic!("no method {method}"));
    (m.params[index].clone(), m.result.clone())
}

/// Checks both directions for one value: `typed` is what the generated code puts on the
/// wire, `json` what the value is in JSON.
fn both_ways(contract: &Contract, method: &str, index: usize, typed: WireValue, json: Value) {
    let codec = JsonCodec::new(contract);
    let (param, result) = types_of(contract, method, index);
    let path = Path::root("v");
    assert_eq!(
        codec.to_wire(&param, &json, &path).unwrap(),
        typed,
        "{method}: JSON {json} to the wire"
    );
    assert_eq!(
        codec.from_wire(&param, &typed, &path).unwrap(),
        json,
        "{method}: the wire back to JSON"
    );
    // The echo methods return what they take: the result type reads the same bytes.
    if result.as_ref() == Some(&param) {
        assert_eq!(codec.from_wire(&param, &typed, &path).unwrap(), json);
    }
}

/// What `serde_json` writes for `v`, read back: its text, which for an `f32` is the
/// shortest decimal (`to_value` would widen it to `f64` first).
fn json_of<T: Serialize>(v: &T) -> Value {
    serde_json::from_str(&serde_json::to_string(v).unwrap()).unwrap()
}

fn scalar<T: Scalar + Serialize>(method: &str, values: &[T]) {
    let contract = contract();
    for v in values {
        both_ways(
            &contract,
            method,
            0,
            WireValue::Scalar(v.into_bits()),
            json_of(v),
        );
    }
}

/// A structured value: the typed code encodes it with the codec; its JSON is `serde_json`'s.
fn structured<T: Serialize + DeserializeOwned + PartialEq + Debug>(
    method: &str,
    index: usize,
    values: &[T],
) {
    let contract = contract();
    for v in values {
        let bytes = codec::encode(v).unwrap();
        let json = json_of(v);
        both_ways(
            &contract,
            method,
            index,
            WireValue::Buffer(bytes.clone()),
            json.clone(),
        );
        // And what JSON makes decodes as the same Rust value.
        let codec_ = JsonCodec::new(&contract);
        let (param, _) = types_of(&contract, method, index);
        let WireValue::Buffer(from_json) = codec_.to_wire(&param, &json, &Path::root("v")).unwrap()
        else {
            panic!("{method}: a structured value travels as a buffer");
        };
        assert_eq!(&codec::decode::<T>(&from_json).unwrap(), v);
    }
}

fn record() -> Record {
    Record {
        id: u64::MAX,
        name: "naïve café ✓".to_string(),
        tags: vec![String::new(), "🦀".to_string()],
        shape: Shape::Rect { w: 3, h: 4 },
        inner: Some(Box::new(Record {
            id: 0,
            name: String::new(),
            tags: Vec::new(),
            shape: Shape::Path(vec![(-1, 1), (i16::MIN, i16::MAX)]),
            inner: None,
            scores: [("b".to_string(), -0.5), ("a".to_string(), 1e300)]
                .into_iter()
                .collect(),
        })),
        scores: BTreeMap::new(),
    }
}

#[test]
fn integers_at_their_extremes() {
    scalar("echo_i8", &[i8::MIN, -1, 0, i8::MAX]);
    scalar("echo_u8", &[u8::MIN, u8::MAX]);
    scalar("echo_i16", &[i16::MIN, i16::MAX]);
    scalar("echo_u16", &[u16::MIN, u16::MAX]);
    scalar("echo_i32", &[i32::MIN, -1, i32::MAX]);
    scalar("echo_u32", &[u32::MIN, u32::MAX]);
    scalar("echo_i64", &[i64::MIN, -1, i64::MAX]);
    scalar("echo_u64", &[u64::MIN, u64::MAX]);
    scalar("echo_isize", &[isize::MIN, isize::MAX]);
    scalar("echo_usize", &[usize::MIN, usize::MAX]);
    scalar("echo_bool", &[true, false]);
    scalar(
        "echo_char",
        &['\0', 'é', '\u{D7FF}', '\u{E000}', '🦀', char::MAX],
    );
}

#[test]
fn floats_keep_their_value_and_read_shortest() {
    scalar(
        "echo_f32",
        &[0.0f32, -0.0, 0.1, f32::MIN_POSITIVE, f32::MAX, 1e-45],
    );
    scalar("echo_f64", &[0.1f64, -0.0, f64::MIN, f64::EPSILON, 5e-324]);
    let contract = contract();
    // JSON has no NaN or infinity: they are strings, and the bits survive (a NaN's payload
    // does not).
    for (v, text) in [
        (f32::INFINITY, "inf"),
        (f32::NEG_INFINITY, "-inf"),
        (f32::NAN, "NaN"),
    ] {
        both_ways(
            &contract,
            "echo_f32",
            0,
            WireValue::Scalar(v.into_bits()),
            json!(text),
        );
    }
    let codec = JsonCodec::new(&contract);
    let (param, _) = types_of(&contract, "echo_f32", 0);
    assert_eq!(
        codec
            .from_wire(
                &param,
                &WireValue::Scalar(0.1f32.into_bits()),
                &Path::root("v")
            )
            .unwrap()
            .to_string(),
        "0.1"
    );
}

#[test]
fn integers_beyond_64_bits_are_strings() {
    structured(
        "echo_i128",
        0,
        &[0i128, -1, i64::MIN.into(), u64::MAX.into()],
    );
    structured("echo_u128", 0, &[0u128, u64::MAX.into()]);
    let contract = contract();
    for v in [i128::MIN, i128::MAX] {
        both_ways(
            &contract,
            "echo_i128",
            0,
            WireValue::Buffer(codec::encode(&v).unwrap()),
            json!(v.to_string()),
        );
    }
    both_ways(
        &contract,
        "echo_u128",
        0,
        WireValue::Buffer(codec::encode(&u128::MAX).unwrap()),
        json!(u128::MAX.to_string()),
    );
}

#[test]
fn strings_and_bytes_are_raw_buffers() {
    let contract = contract();
    for s in ["", "Hello Nic", "日本語", "\0nul"] {
        both_ways(
            &contract,
            "echo_string",
            0,
            WireValue::Buffer(s.as_bytes().to_vec()),
            json!(s),
        );
        both_ways(
            &contract,
            "str_chars",
            0,
            WireValue::Buffer(s.as_bytes().to_vec()),
            json!(s),
        );
    }
    for b in [vec![], vec![0u8, 255, 7]] {
        both_ways(
            &contract,
            "echo_bytes",
            0,
            WireValue::Buffer(b.clone()),
            json_of(&b),
        );
        both_ways(
            &contract,
            "slice_sum",
            0,
            WireValue::Buffer(b.clone()),
            json_of(&b),
        );
    }
    // join(&str, String, &[u8], Vec<u8>): every kind of buffer parameter.
    for (i, (typed, json)) in [
        (b"a".to_vec(), json!("a")),
        ("ß".as_bytes().to_vec(), json!("ß")),
        (vec![], json!([])),
        (b"z".to_vec(), json!([122])),
    ]
    .into_iter()
    .enumerate()
    {
        both_ways(&contract, "join", i, WireValue::Buffer(typed), json);
    }
    // join_kinds(Box<str>, Cow<str>, Box<[u8]>, Cow<[u8]>, &str): the other string and
    // byte types travel exactly as `String` and `Vec<u8>` do.
    for (i, (typed, json)) in [
        (b"a".to_vec(), json!("a")),
        ("ß".as_bytes().to_vec(), json!("ß")),
        (vec![0u8, 255], json!([0, 255])),
        (vec![], json!([])),
        (b"e".to_vec(), json!("e")),
    ]
    .into_iter()
    .enumerate()
    {
        both_ways(&contract, "join_kinds", i, WireValue::Buffer(typed), json);
    }
    // Bytes may be written as base64, and are with BytesAs::Base64.
    let base64 = JsonCodec::new(&contract).bytes_as(BytesAs::Base64);
    let (param, _) = types_of(&contract, "echo_bytes", 0);
    let wire = WireValue::Buffer(vec![0, 255, 7]);
    assert_eq!(
        base64.from_wire(&param, &wire, &Path::root("v")).unwrap(),
        json!("AP8H")
    );
    assert_eq!(
        base64
            .to_wire(&param, &json!("AP8H"), &Path::root("v"))
            .unwrap(),
        wire
    );
}

#[test]
fn options_results_vectors_and_tuples() {
    structured(
        "echo_option",
        0,
        &[None, Some(String::new()), Some("x".to_string())],
    );
    structured("echo_result", 0, &[Ok(7u32), Err("no".to_string())]);
    structured("echo_vec", 0, &[vec![], vec![i64::MIN, 0, i64::MAX]]);
    structured(
        "echo_tuple",
        0,
        &[(0u8, String::new(), false), (255, "ü".to_string(), true)],
    );
}

#[test]
fn structs_and_every_kind_of_enum_variant() {
    structured("echo_record", 0, &[record()]);
    structured(
        "echo_shape",
        0,
        &[
            Shape::Empty,
            Shape::Circle(1.5),
            Shape::Rect { w: 0, h: u32::MAX },
            Shape::Path(vec![]),
            Shape::Path(vec![(1, -1)]),
        ],
    );
    // The host function `rename` takes a Record too.
    let contract = contract();
    let host = contract.host.as_ref().expect("host functions");
    let rename = host
        .functions
        .iter()
        .find(|f| f.name == "rename")
        .expect("rename");
    let codec = JsonCodec::new(&contract);
    let bytes = codec::encode(&record()).unwrap();
    assert_eq!(
        codec
            .from_wire(
                &rename.params[0],
                &WireValue::Buffer(bytes),
                &Path::root("v")
            )
            .unwrap(),
        json_of(&record())
    );
}

#[test]
fn mixed_parameters_and_results() {
    let contract = contract();
    let codec = JsonCodec::new(&contract);
    let mixed = contract.method("mixed").unwrap();
    let args = [
        json!(7),
        json!("b"),
        json_of(&record()),
        json!([1, 2]),
        json!("é"),
    ];
    let wire = codec.args_to_wire(mixed, &args).unwrap();
    assert_eq!(
        wire,
        vec![
            WireValue::Scalar(7),
            WireValue::Buffer(b"b".to_vec()),
            WireValue::Buffer(codec::encode(&record()).unwrap()),
            WireValue::Buffer(vec![1, 2]),
            WireValue::Scalar('é' as u64),
        ]
    );
    let result = (7u8, "b".to_string(), record(), vec![1u8, 2], 'é');
    assert_eq!(
        codec
            .result_from_wire(
                mixed,
                Some(&WireValue::Buffer(codec::encode(&result).unwrap()))
            )
            .unwrap(),
        json_of(&result)
    );
    let nothing = contract.method("nothing").unwrap();
    assert_eq!(codec.args_to_wire(nothing, &[]).unwrap(), vec![]);
    assert_eq!(codec.result_from_wire(nothing, None).unwrap(), Value::Null);
}

#[test]
fn optional_fields_may_be_left_out() {
    let contract = contract();
    let codec = JsonCodec::new(&contract);
    let (param, _) = types_of(&contract, "echo_record", 0);
    let mut json = json_of(&record());
    json.as_object_mut().unwrap().remove("inner");
    let mut expected = record();
    expected.inner = None;
    assert_eq!(
        codec.to_wire(&param, &json, &Path::root("v")).unwrap(),
        WireValue::Buffer(codec::encode(&expected).unwrap())
    );
}
