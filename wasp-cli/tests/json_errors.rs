//! What the JSON conversion says when a value does not fit, and how it treats bytes that lie:
//! every error names the place and the expected type; hostile bytes and descriptors end in
//! errors, never in a panic, a huge allocation or a stack overflow.

use serde_json::{Value, json};
use wasp::descriptor::{Contract, Type, WireType};
use wasp_cli::json::{JsonCodec, MAX_DEPTH, Path};
use wasp_host::WireValue;

fn contract(items: &str) -> Contract {
    Contract::parse(&format!("wasp-contract 1\ncontract C\n{items}")).unwrap()
}

const CONFIG: &str = "method set(Config) -> Result<(), String>\n\
     method tree(Tree)\n\
     struct Config { retries: u8, mode: Mode, tags: Vec<String>, note: Option<String>, \
     pairs: Map<(u8, u8), String>, scores: Map<u16, f32> }\n\
     enum Mode { Fast, Slow(u32), Custom { level: u8 }, Two(u8, u8) }\n\
     enum Tree { Leaf, Node(Vec<Tree>) }\n";

/// The error for `value` as the first argument of `set`.
fn set_error(value: Value) -> String {
    let c = contract(CONFIG);
    let codec = JsonCodec::new(&c);
    codec
        .args_to_wire(c.method("set").unwrap(), &[value])
        .unwrap_err()
        .to_string()
}

fn config(mode: Value) -> Value {
    json!({"retries": 3, "mode": mode, "tags": [], "pairs": [], "scores": {}})
}

#[test]
fn json_that_does_not_fit_names_the_path_and_the_type() {
    assert_eq!(
        set_error(config(json!("Medium"))),
        "args[0].mode: expected one of Fast, Slow(u32), Custom { level: u8 }, Two(u8, u8), \
         found \"Medium\""
    );
    assert_eq!(
        set_error(config(json!({"Slow": "x"}))),
        "args[0].mode.Slow: expected u32 (an integer from 0 to 4294967295), found \"x\""
    );
    assert_eq!(
        set_error(config(json!("Slow"))),
        "args[0].mode: variant Slow has fields, one u32: write {\"Slow\": ...}"
    );
    assert_eq!(
        set_error(config(json!({"Custom": {"levl": 1}}))),
        "args[0].mode.Custom: Custom has no field `levl`; its fields are level"
    );
    assert_eq!(
        set_error(config(json!({"Two": [1]}))),
        "args[0].mode.Two: expected the fields of Two(u8, u8): an array of 2 elements, found [1]"
    );
    assert_eq!(
        set_error(json!({"retries": 300})),
        "args[0].retries: expected u8 (an integer from 0 to 255), found 300"
    );
    assert_eq!(
        set_error(json!({"retries": 3, "mode": "Fast"})),
        "args[0]: missing field `tags` (Vec<String>) of Config"
    );
    assert_eq!(
        set_error(json!({"retries": 3, "mode": "Fast", "tags": ["a", 2]})),
        "args[0].tags[1]: expected String (a string), found 2"
    );
    assert_eq!(
        set_error(json!({"retries": 3, "mode": "Fast", "tags": [], "pairs": {"a": "b"}})),
        "args[0].pairs: the keys of Map<(u8, u8), String> cannot be object keys: write the map \
         as an array of [key, value] pairs"
    );
    assert_eq!(
        set_error(
            json!({"retries": 3, "mode": "Fast", "tags": [], "pairs": [[[1, 2], "x"], [[1], "y"]]})
        ),
        "args[0].pairs[1][0]: expected (u8, u8) (an array of 2 elements), found [1]"
    );
    assert_eq!(
        set_error(
            json!({"retries": 3, "mode": "Fast", "tags": [], "pairs": [], "scores": {"x": 1}})
        ),
        "args[0].scores[\"x\"]: expected u16 (an integer from 0 to 65535), found \"x\""
    );
    assert_eq!(
        set_error(json!([3])),
        "args[0]: expected struct Config { retries: u8, mode: Mode, tags: Vec<String>, note: \
         Option<String>, pairs: Map<(u8, u8), String>, scores: Map<u16, f32> } (an object), \
         found [3]"
    );
}

#[test]
fn bytes_are_numbers_or_base64() {
    let c = contract("method f(Vec<u8>, [u8; 2])\n");
    let codec = JsonCodec::new(&c);
    let f = c.method("f").unwrap();
    let error = |a: Value, b: Value| codec.args_to_wire(f, &[a, b]).unwrap_err().to_string();
    assert_eq!(
        error(json!([1, 256]), json!([1, 2])),
        "args[0][1]: expected u8 (an integer from 0 to 255), found 256"
    );
    assert!(error(json!("%%"), json!([1, 2])).starts_with("args[0]: expected bytes"));
    assert_eq!(
        error(json!([]), json!("AQID")),
        "args[1]: expected [u8; 2] (an array of 2 integers from 0 to 255, or a base64 string), \
         found 3 bytes"
    );
    assert_eq!(
        codec
            .args_to_wire(f, &[json!("AQI"), json!("AQI=")])
            .unwrap(),
        // Raw bytes for the `Vec<u8>` parameter; postcard's array, without a length, for
        // the `[u8; 2]` one.
        vec![WireValue::Buffer(vec![1, 2]), WireValue::Buffer(vec![1, 2])]
    );
}

#[test]
fn a_good_value_encodes_and_objects_keep_their_order() {
    let c = contract(CONFIG);
    let codec = JsonCodec::new(&c);
    let value = json!({
        "retries": 3,
        "mode": {"Custom": {"level": 2}},
        "tags": ["a"],
        "pairs": [[[1, 2], "x"]],
        "scores": {"10": 0.5, "9": 1.0}
    });
    let wire = codec
        .args_to_wire(c.method("set").unwrap(), &[value])
        .unwrap();
    let WireValue::Buffer(bytes) = &wire[0] else {
        panic!("a struct travels as a buffer");
    };
    assert_eq!(
        bytes[..12],
        [3, 2, 2, 1, 1, b'a', 0, 1, 1, 2, 1, b'x'],
        "retries, Custom {{ level }}, tags, note: None, pairs"
    );
    // Reading it back gives the map as written, in the order written, keys as text.
    let back = codec
        .decode(&Type::Named("Config".into()), bytes, &Path::root("v"))
        .unwrap();
    assert_eq!(back["scores"].to_string(), r#"{"10":0.5,"9":1.0}"#);
    assert_eq!(back["note"], Value::Null);
    assert_eq!(back["mode"], json!({"Custom": {"level": 2}}));
}

#[test]
fn argument_counts_are_checked() {
    let c = contract(CONFIG);
    let codec = JsonCodec::new(&c);
    assert_eq!(
        codec
            .args_to_wire(c.method("set").unwrap(), &[])
            .unwrap_err()
            .to_string(),
        "args: set(Config) -> Result<(), String> takes 1 argument(s), 0 given"
    );
}

/// Decodes `bytes` as `ty` under contract `c`.
fn decode(c: &Contract, ty: &str, bytes: &[u8]) -> Result<Value, String> {
    JsonCodec::new(c)
        .decode(&Type::parse(ty).unwrap(), bytes, &Path::root("result"))
        .map_err(|e| e.to_string())
}

#[test]
fn bytes_that_lie_are_errors() {
    let c = contract(CONFIG);
    assert_eq!(
        decode(&c, "Option<u8>", &[2, 0]).unwrap_err(),
        "result: 2 is not an Option tag (0 for None, 1 for Some)"
    );
    assert_eq!(
        decode(&c, "u8", &[1, 2]).unwrap_err(),
        "result: 1 unexpected trailing byte(s) after a u8: the value is longer than its type says"
    );
    assert_eq!(
        decode(&c, "Vec<String>", &[2, 1, b'a']).unwrap_err(),
        "result[1]: the bytes end early: a String needs 1 more byte(s), 0 remain"
    );
    assert_eq!(
        decode(&c, "String", &[2, 0xff, 0xfe]).unwrap_err(),
        "result: a String: the string is not UTF-8: invalid utf-8 sequence of 1 bytes from index 0"
    );
    assert_eq!(
        decode(&c, "bool", &[2]).unwrap_err(),
        "result: 2 is not a bool (0 or 1)"
    );
    assert_eq!(
        decode(&c, "Mode", &[9]).unwrap_err(),
        "result: variant 9 of enum Mode, which has 4 variant(s)"
    );
    assert_eq!(
        decode(&c, "u16", &[0xff, 0xff, 0x7f]).unwrap_err(),
        "result: u16: the integer does not fit in 16 bits"
    );
    assert_eq!(
        decode(&c, "u32", &[0xff; 6]).unwrap_err(),
        "result: u32: the integer is longer than the 5 bytes a 32-bit integer takes"
    );
    let mut too_wide = vec![0xff; 18];
    too_wide.push(0x04);
    assert_eq!(
        decode(&c, "u128", &too_wide).unwrap_err(),
        "result: a u128: the integer does not fit in 128 bits"
    );
    too_wide[18] = 0x03;
    assert_eq!(
        decode(&c, "u128", &too_wide).unwrap(),
        json!(u128::MAX.to_string())
    );
    assert_eq!(
        decode(&c, "char", &[2, b'a', b'b']).unwrap_err(),
        "result: \"ab\" is not one char"
    );
    assert_eq!(
        decode(&c, "Missing", &[0]).unwrap_err(),
        "result: type `Missing` is not defined by the contract descriptor, so its values cannot \
         be read"
    );
    // A map with one key twice would silently lose an entry in JSON.
    assert!(
        decode(&c, "Map<String, u8>", &[2, 1, b'k', 1, 1, b'k', 2])
            .unwrap_err()
            .contains("appears twice")
    );
}

#[test]
fn lengths_that_lie_allocate_nothing_and_values_without_bytes_are_bounded() {
    let c = contract("struct Unit\n");
    // Claims 2^63 strings, holds none.
    let mut huge = vec![0xff; 8];
    huge.push(0x7f);
    assert!(
        decode(&c, "Vec<String>", &huge)
            .unwrap_err()
            .contains("end early")
    );
    // Claims 2^63 values that take no bytes: stopped by the budget.
    for ty in ["Vec<()>", "Vec<Unit>", "Map<(), ()>", "Vec<[(); 3]>"] {
        let error = decode(&c, ty, &huge).unwrap_err();
        assert!(error.contains("more JSON values"), "{ty}: {error}");
    }
    // An array type of absurd length.
    assert!(decode(&c, "[(); 18446744073709551615]", &[]).is_err());
    // Within the budget, such values are fine.
    let small = decode(&c, "Vec<()>", &[3]).unwrap();
    assert_eq!(small, json!([null, null, null]));
}

#[test]
fn nesting_is_bounded_both_ways() {
    let c = contract(CONFIG);
    // A Tree nesting 100 000 levels: Node([Node([...])]).
    let mut bytes = Vec::new();
    for _ in 0..100_000 {
        bytes.extend([1, 1]);
    }
    bytes.push(0);
    let error = decode(&c, "Tree", &bytes).unwrap_err();
    assert!(
        error.contains(&format!("nest more than {MAX_DEPTH}")),
        "{error}"
    );
    // Newtypes that contain each other consume no bytes and no JSON: the depth still stops
    // them.
    let cyclic = contract("method f(A)\nstruct A(B)\nstruct B(A)\n");
    assert!(decode(&cyclic, "A", &[]).unwrap_err().contains("nest more"));
    let codec = JsonCodec::new(&cyclic);
    let error = codec
        .to_wire(
            &WireType::Serde(Type::Named("A".into())),
            &json!(1),
            &Path::root("args[0]"),
        )
        .unwrap_err();
    assert!(error.message.contains("nest more"), "{error}");
    // Deep JSON is bounded too (serde_json itself refuses more than 128 levels of text).
    let mut deep = json!("Leaf");
    for _ in 0..200 {
        deep = json!({ "Node": [deep] });
    }
    let error = codec_for(&c)
        .to_wire(
            &WireType::Serde(Type::Named("Tree".into())),
            &deep,
            &Path::root("args[0]"),
        )
        .unwrap_err();
    assert!(error.message.contains("nest more"), "{error}");
}

fn codec_for(c: &Contract) -> JsonCodec<'_> {
    JsonCodec::new(c)
}

#[test]
fn wire_kinds_that_do_not_match_are_errors() {
    let c = contract("method f(u8) -> String\n");
    let codec = JsonCodec::new(&c);
    let f = c.method("f").unwrap();
    assert_eq!(
        codec
            .result_from_wire(f, Some(&WireValue::Scalar(1)))
            .unwrap_err()
            .to_string(),
        "result: expected a String, which travels as a buffer, found a scalar"
    );
    assert_eq!(
        codec
            .from_wire(&f.params[0], &WireValue::Scalar(256), &Path::root("x"))
            .unwrap_err()
            .to_string(),
        "x: 0x100 is not a valid u8"
    );
    assert!(codec.result_from_wire(f, None).is_err());
    assert!(
        codec
            .from_wire(
                &WireType::String,
                &WireValue::Buffer(vec![0xff]),
                &Path::root("x")
            )
            .unwrap_err()
            .to_string()
            .contains("not UTF-8")
    );
}
