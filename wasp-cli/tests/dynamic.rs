//! Dynamic calls against typed ones on the real types plugin: for every kind of method, JSON
//! through the descriptor and `wasp_host::DynamicInstance` gives what the generated typed
//! handle gives, as `serde_json` writes it. And the dynamic API's own checks: arguments of
//! the wrong kind, host answers of the wrong kind, unavailable methods, poisoning.

mod common;

use common::{GREETERS, repo, types_plugin};
use serde::Serialize;
use serde_json::{Value, json};
use std::borrow::Cow;
use types_contract::{Record, Shape, Types, TypesHost};
use wasp::descriptor::Function;
use wasp::{HostError, HostResult};
use wasp_cli::json::JsonCodec;
use wasp_host::{DescriptorSource, DynamicHost, DynamicInstance, Engine, WireValue};

/// The typed host of the types contract.
struct Typed;

impl TypesHost for Typed {
    fn upper(&mut self, text: &str) -> String {
        text.to_uppercase()
    }
    fn rename(&mut self, mut record: Record, name: String) -> Record {
        record.name = name;
        record
    }
    fn checked_div(&mut self, a: i64, b: i64) -> HostResult<i64> {
        a.checked_div(b)
            .ok_or_else(|| HostError::new("division by zero"))
    }
    fn remember(&mut self, _: u32) {}
    fn bytes_back(&mut self, len: u32) -> Vec<u8> {
        (0..len).map(|i| i as u8).collect()
    }
    fn shout(&mut self, text: Cow<'_, str>, tail: Box<[u8]>) -> Box<str> {
        format!("{}{}", text.to_uppercase(), String::from_utf8_lossy(&tail)).into_boxed_str()
    }
}

/// The same host, answering through wire values and JSON.
struct Dynamic;

impl DynamicHost for Dynamic {
    fn call(
        &mut self,
        function: &Function,
        args: &[WireValue],
    ) -> Result<Option<WireValue>, HostError> {
        let contract = <dyn Types as wasp::Contract>::descriptor();
        let codec = JsonCodec::new(&contract);
        let path = wasp_cli::json::Path::root("host");
        let json: Vec<Value> = function
            .params
            .iter()
            .zip(args)
            .map(|(ty, w)| {
                codec
                    .from_wire(ty, w, &path)
                    .map_err(|e| HostError::new(e.to_string()))
            })
            .collect::<Result<_, _>>()?;
        let answer = match (function.name.as_str(), json.as_slice()) {
            ("upper", [Value::String(s)]) => json!(s.to_uppercase()),
            ("rename", [record, name]) => {
                let mut record = record.clone();
                record["name"] = name.clone();
                record
            }
            ("checked_div", [a, b]) => match (a.as_i64(), b.as_i64()) {
                (Some(a), Some(b)) if b != 0 => json!(a / b),
                _ => return Err(HostError::new("division by zero")),
            },
            ("remember", _) => return Ok(None),
            // Travels as a string and bytes, whatever the Rust types (`Cow<str>`, `Box<[u8]>`).
            ("shout", [Value::String(text), Value::Array(tail)]) => {
                let tail: Vec<u8> = tail
                    .iter()
                    .filter_map(|b| b.as_u64().and_then(|b| u8::try_from(b).ok()))
                    .collect();
                json!(format!(
                    "{}{}",
                    text.to_uppercase(),
                    String::from_utf8_lossy(&tail)
                ))
            }
            ("bytes_back", [len]) => json!(
                (0..len.as_u64().unwrap_or(0))
                    .map(|i| i as u8)
                    .collect::<Vec<_>>()
            ),
            (other, _) => return Err(HostError::new(format!("no host function {other}"))),
        };
        let ty = function.result.as_ref().expect("these return a value");
        codec
            .to_wire(ty, &answer, &path)
            .map(Some)
            .map_err(|e| HostError::new(e.to_string()))
    }
}

fn dynamic_instance() -> DynamicInstance {
    let engine = Engine::new().unwrap();
    engine
        .load_dynamic(types_plugin(), None)
        .unwrap()
        .instantiate(Dynamic)
        .unwrap()
}

/// Calls `method` dynamically with `args` and returns the result as JSON.
fn call_json(instance: &mut DynamicInstance, method: &str, args: &[Value]) -> Value {
    let contract = instance.contract().clone();
    let codec = JsonCodec::new(&contract);
    let function = contract.method(method).unwrap();
    let wire = codec.args_to_wire(function, args).unwrap();
    let result = instance.call(method, &wire).unwrap();
    codec.result_from_wire(function, result.as_ref()).unwrap()
}

/// JSON as `serde_json` writes it (an f32 as its shortest decimal).
fn json_of<T: Serialize>(v: &T) -> Value {
    serde_json::from_str(&serde_json::to_string(v).unwrap()).unwrap()
}

fn record() -> Record {
    Record {
        id: 7,
        name: "ß".into(),
        tags: vec!["a".into()],
        shape: Shape::Circle(0.1),
        inner: Some(Box::new(Record {
            id: 1,
            name: String::new(),
            tags: vec![],
            shape: Shape::Rect { w: 1, h: 2 },
            inner: None,
            scores: [("x".to_string(), 2.5)].into_iter().collect(),
        })),
        scores: Default::default(),
    }
}

#[test]
fn dynamic_calls_give_what_typed_calls_give() {
    let engine = Engine::new().unwrap();
    let mut typed = engine
        .load::<dyn Types>(types_plugin())
        .unwrap()
        .instantiate(Typed)
        .unwrap();
    let mut dynamic = dynamic_instance();
    let r = record();
    macro_rules! same {
        ($method:ident ( $($arg:expr),* )) => {{
            let expected = json_of(&typed.$method($($arg.clone()),*).unwrap());
            let got = call_json(&mut dynamic, stringify!($method), &[$(json_of(&$arg)),*]);
            assert_eq!(got, expected, stringify!($method));
        }};
    }
    same!(echo_i8(-5i8));
    same!(echo_u16(65535u16));
    same!(echo_i64(i64::MIN));
    same!(echo_usize(4_000_000_000usize));
    same!(echo_f32(0.1f32));
    same!(echo_f64(-0.0f64));
    same!(echo_bool(true));
    same!(echo_char('🦀'));
    same!(echo_i128(-1i128));
    same!(echo_u128(u128::from(u64::MAX)));
    same!(echo_string("日本".to_string()));
    same!(echo_bytes(vec![1u8, 2, 3]));
    same!(str_chars("naïve"));
    same!(echo_option(Some("x".to_string())));
    same!(echo_result(Err::<u32, String>("no".to_string())));
    same!(echo_vec(vec![1i64, -1]));
    same!(echo_tuple((1u8, "t".to_string(), false)));
    same!(echo_record(r));
    same!(echo_shape(Shape::Path(vec![(1, 2)])));
    same!(add(5u64));
    same!(add(5u64));
    same!(call_upper("abc".to_string()));
    same!(call_rename(r, "renamed".to_string()));
    same!(call_div(7i64, 2i64));
    same!(call_bytes_back(300u32));
    same!(echo_box_str(Box::<str>::from("boxed ✓")));
    same!(echo_box_bytes(Box::<[u8]>::from(&[0u8, 255][..])));
    same!(echo_cow_str(Cow::<str>::Borrowed("cow")));
    same!(echo_cow_bytes(Cow::<[u8]>::Owned(vec![4, 5])));
    same!(call_shout("héllo ".to_string(), b"!!".to_vec()));
    // mixed(u8, &str, Record, &[u8], char) -> (u8, String, Record, Vec<u8>, char)
    let expected = json_of(&typed.mixed(1, "b", r.clone(), &[9], 'c').unwrap());
    let got = call_json(
        &mut dynamic,
        "mixed",
        &[json!(1), json!("b"), json_of(&r), json!([9]), json!("c")],
    );
    assert_eq!(got, expected);
    // The same failure, the same error.
    let typed_error = typed.call_div(1, 0).unwrap_err().to_string();
    let contract = dynamic.contract().clone();
    let codec = JsonCodec::new(&contract);
    let wire = codec
        .args_to_wire(contract.method("call_div").unwrap(), &[json!(1), json!(0)])
        .unwrap();
    let dynamic_error = dynamic.call("call_div", &wire).unwrap_err().to_string();
    assert_eq!(dynamic_error, typed_error);
    assert!(dynamic.is_poisoned());
}

#[test]
fn descriptors_are_found_where_each_language_puts_them() {
    let engine = Engine::new().unwrap();
    let read = |path: &str| {
        let bytes = std::fs::read(repo(path)).unwrap();
        // The engine loads binary modules only; the text format is converted on request.
        let bytes = match path.ends_with(".wat") {
            true => Engine::wat(std::str::from_utf8(&bytes).unwrap()).unwrap(),
            false => bytes,
        };
        engine.descriptors(&bytes).unwrap()
    };
    let rust = read(GREETERS[0]);
    assert_eq!(
        rust.source,
        DescriptorSource::Exports(vec!["wasp_contract_Greeter".to_string()])
    );
    assert_eq!(read(GREETERS[1]).source, DescriptorSource::Section);
    assert_eq!(
        read(GREETERS[3]).source,
        DescriptorSource::Exports(vec!["wasp_contract".to_string()])
    );
    assert_eq!(
        rust.contracts,
        vec![<dyn greeter_contract::Greeter as wasp::Contract>::descriptor()]
    );
    let raw = read("tests/wat/raw.wat");
    assert_eq!(raw.source, DescriptorSource::Absent);
    assert!(raw.contracts.is_empty());
    assert!(matches!(
        engine.descriptors(b"not wasm"),
        Err(wasp::Error::Wasm { .. })
    ));
}

#[test]
fn arguments_and_answers_of_the_wrong_kind_are_errors() {
    let engine = Engine::new().unwrap();
    let plugin = engine.load_dynamic(repo(GREETERS[0]), None).unwrap();
    assert_eq!(plugin.name(), "greeter-rust");
    assert!(plugin.supports("hello") && !plugin.supports("nope"));
    let mut g = plugin.instantiate(()).unwrap();
    assert_eq!(
        g.call("hello", &[WireValue::Buffer(b"Nic".to_vec())])
            .unwrap(),
        Some(WireValue::Buffer(b"Hello Nic".to_vec()))
    );
    assert_eq!(
        g.call(
            "sum",
            &[
                WireValue::Scalar(3),
                WireValue::Scalar(u64::from((-5i32) as u32))
            ]
        )
        .unwrap(),
        Some(WireValue::Scalar(u64::from((-2i32) as u32)))
    );
    let error = |r: Result<Option<WireValue>, wasp::Error>| r.unwrap_err().to_string();
    assert!(error(g.call("nope", &[])).contains("has no such method"));
    assert!(error(g.call("hello", &[])).contains("0 argument(s) given, the method takes 1"));
    assert!(error(g.call("hello", &[WireValue::Scalar(1)])).contains("is a scalar"));
    assert!(error(g.call("hello", &[WireValue::Buffer(vec![0xff])])).contains("not UTF-8"));
    assert!(
        error(g.call("sum", &[WireValue::Scalar(1 << 40), WireValue::Scalar(0)]))
            .contains("argument 1: bits 0x10000000000 are not a value of type i32")
    );
    // None of these reached the plugin: the instance is fine.
    assert!(!g.is_poisoned());
    // `()` answers no host function.
    let message = error(g.call("callback", &[]));
    assert!(
        message.contains("host function `call_me` failed"),
        "{message}"
    );
    assert!(g.is_poisoned());

    // A host that answers with the wrong kind of value.
    struct Wrong;
    impl DynamicHost for Wrong {
        fn call(&mut self, _: &Function, _: &[WireValue]) -> Result<Option<WireValue>, HostError> {
            Ok(Some(WireValue::Scalar(1)))
        }
    }
    let mut g = plugin.instantiate(Wrong).unwrap();
    let message = error(g.call("callback", &[]));
    assert!(
        message.contains("the host returned a scalar, the function returns String"),
        "{message}"
    );
    assert!(g.host_mut::<Wrong>().is_some());

    // Rejecting a result poisons the instance, as a typed decode failure does.
    let mut g = plugin.instantiate(()).unwrap();
    let e = g.reject("fail", "not what the contract says");
    assert!(matches!(e, wasp::Error::Decode { .. }));
    assert!(g.is_poisoned());
    assert!(matches!(
        g.call("sum", &[WireValue::Scalar(1), WireValue::Scalar(2)]),
        Err(wasp::Error::Poisoned { .. })
    ));
}

#[test]
fn loading_against_a_newer_contract_makes_new_methods_unavailable() {
    let engine = Engine::new().unwrap();
    let v2 = engine
        .descriptors(&std::fs::read(repo("tests/wasm/revisions-v2.wasm")).unwrap())
        .unwrap();
    let evolving = v2.contracts.iter().find(|c| c.name == "Evolving").unwrap();
    let v1_bytes = std::fs::read(repo("tests/wasm/revisions-v1.wasm")).unwrap();
    let plugin = engine.load_against(&v1_bytes, evolving).unwrap();
    assert_eq!(plugin.unavailable(), ["ev_stats".to_string()]);
    assert!(!plugin.supports("ev_stats"));
    assert_eq!(plugin.descriptor().version, 1);
    assert_eq!(plugin.contract().version, 2);
    let mut instance = plugin.instantiate(()).unwrap();
    assert!(matches!(
        instance.call("ev_stats", &[]),
        Err(wasp::Error::Unavailable { .. })
    ));
    assert_eq!(
        instance.call("ev_count", &[]).unwrap(),
        Some(WireValue::Scalar(1))
    );
    // Several contracts and none named: the error says which to choose from.
    let Err(wasp::Error::ContractMismatch { differences, .. }) =
        engine.load_dynamic_bytes(&v1_bytes, None)
    else {
        panic!("a module with several contracts needs one named");
    };
    assert!(
        differences[0].contains("name the contract to load"),
        "{differences:?}"
    );
    assert!(
        engine
            .load_dynamic_bytes(&v1_bytes, Some("Evolving"))
            .is_ok()
    );
}

/// A hand-written Greeter whose `hello` returns bytes that are not UTF-8, whose `reverse`
/// returns a pointer outside its memory, and which exports `sum` only when asked.
fn lying_greeter(with_sum: bool) -> String {
    let descriptor = <dyn greeter_contract::Greeter as wasp::Contract>::descriptor()
        .render()
        .replace('\n', "\\n");
    let sum = if with_sum {
        r#"(func (export "sum") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))"#
    } else {
        ""
    };
    format!(
        r#"(module
          (@custom "wasp-contract" "{descriptor}")
          (import "GreeterHost" "call_me" (func (param i32 i32) (result i64)))
          (memory (export "memory") 1)
          (data (i32.const 100) "\ff\fe\fd")
          (func (export "wasp_alloc") (param i32) (result i32) (i32.const 1024))
          (func (export "hello") (param i32 i32) (result i64) (i64.const 0x0000000300000064))
          {sum}
          (func (export "reverse") (param i32 i32) (result i64) (i64.const 0x0000001000fffff0))
          (func (export "callback") (result i64) (i64.const 0))
          (func (export "fail") (result i64) (i64.const 0)))"#
    )
}

#[test]
fn a_lying_result_poisons_a_dynamic_instance_as_a_typed_one() {
    let engine = Engine::new().unwrap();
    let plugin = engine
        .load_dynamic_bytes(&Engine::wat(&lying_greeter(true)).unwrap(), None)
        .unwrap();
    let mut g = plugin.instantiate(()).unwrap();
    let name = WireValue::Buffer(b"Nic".to_vec());
    let error = g.call("hello", std::slice::from_ref(&name)).unwrap_err();
    assert!(
        matches!(&error, wasp::Error::Decode { function, detail }
            if function == "hello" && detail.contains("not UTF-8")),
        "{error}"
    );
    assert!(g.is_poisoned());
    assert!(matches!(
        g.call("sum", &[WireValue::Scalar(1), WireValue::Scalar(2)]),
        Err(wasp::Error::Poisoned { .. })
    ));
    let mut g = plugin.instantiate(()).unwrap();
    assert!(matches!(
        g.call("reverse", &[WireValue::Buffer(vec![1])]),
        Err(wasp::Error::OutOfBounds { .. })
    ));
    assert!(g.is_poisoned());
}

#[test]
fn dynamic_and_typed_loads_refuse_a_module_with_the_same_error() {
    let engine = Engine::new().unwrap();
    let wasm = Engine::wat(&lying_greeter(false)).unwrap();
    let typed = engine
        .load_bytes::<dyn greeter_contract::Greeter>(&wasm)
        .unwrap_err()
        .to_string();
    assert!(typed.contains("sum"), "{typed}");
    let own = engine
        .load_dynamic_bytes(&wasm, None)
        .unwrap_err()
        .to_string();
    let against = engine
        .load_against(
            &wasm,
            &<dyn greeter_contract::Greeter as wasp::Contract>::descriptor(),
        )
        .unwrap_err()
        .to_string();
    assert_eq!(own, typed);
    assert_eq!(against, typed);
}
