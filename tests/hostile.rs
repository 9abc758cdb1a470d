//! Hand-written modules that lie: pointers and lengths outside memory, lengths that
//! overflow, invalid UTF-8 and encodings, bad allocations, missing or mistyped exports,
//! unknown or mistyped imports, log lines outside memory or at no level. Each must give an
//! error, never a host panic.

mod common;

use common::engine;
use greeter_contract::{Greeter, GreeterHost};
use wasp::Contract;

struct Host;

impl GreeterHost for Host {
    fn call_me(&mut self, name: String) -> String {
        format!("Hello {name}")
    }
}

/// Wasm bodies for each Greeter export; `None` leaves the export out.
struct Bodies {
    hello: Option<&'static str>,
    sum: Option<&'static str>,
    alloc: &'static str,
    callback: &'static str,
    fail: &'static str,
    descriptor: Descriptor,
}

/// How the module carries its contract descriptor.
#[derive(Clone, Copy, PartialEq)]
enum Descriptor {
    Section,
    /// Through a `wasp_contract` export returning this packed pointer and length; `None`
    /// points at the real text.
    Export(Option<&'static str>),
    Absent,
}

impl Default for Bodies {
    fn default() -> Self {
        Bodies {
            hello: Some(
                "(i64.or (i64.extend_i32_u (local.get 0)) (i64.shl (i64.extend_i32_u (local.get 1)) (i64.const 32)))",
            ),
            sum: Some(
                "(func (export \"sum\") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))",
            ),
            alloc: "(i32.const 1024)",
            callback: "(i64.const 0)",
            fail: "(i64.const 0)",
            descriptor: Descriptor::Section,
        }
    }
}

/// A Greeter plugin in WAT with the real contract descriptor and the given bodies.
fn greeter_wat(b: &Bodies) -> String {
    let descriptor = <dyn Greeter as Contract>::descriptor().render();
    let escaped = descriptor.replace('\n', "\\n");
    let (custom, contract_export) = match b.descriptor {
        Descriptor::Section => (
            format!("(@custom \"wasp-contract\" \"{escaped}\")"),
            String::new(),
        ),
        Descriptor::Export(packed) => {
            let packed = packed.map(str::to_string).unwrap_or_else(|| {
                format!(
                    "(i64.const {})",
                    4096u64 | ((descriptor.len() as u64) << 32)
                )
            });
            let data = format!("(data (i32.const 4096) \"{escaped}\")");
            let export = format!("(func (export \"wasp_contract\") (result i64) {packed})");
            (String::new(), format!("{data} {export}"))
        }
        Descriptor::Absent => (String::new(), String::new()),
    };
    let hello = b
        .hello
        .map(|body| format!("(func (export \"hello\") (param i32 i32) (result i64) {body})"))
        .unwrap_or_default();
    format!(
        r#"(module
          {custom}
          (import "GreeterHost" "call_me" (func $call_me (param i32 i32) (result i64)))
          (import "wasp" "panic" (func $panic (param i32 i32 i32 i32 i32 i32)))
          (memory (export "memory") 1)
          (data (i32.const 100) "\ff\fe\fd")
          (data (i32.const 200) "\01\ff\ff\ff\ff\0f")
          (func (export "wasp_alloc") (param i32) (result i32) {alloc})
          {hello}
          {sum}
          (func (export "reverse") (param i32 i32) (result i64) (i64.const -1))
          (func (export "callback") (result i64) {callback})
          (func (export "fail") (result i64) {fail})
          {contract_export})"#,
        alloc = b.alloc,
        sum = b.sum.unwrap_or(""),
        callback = b.callback,
        fail = b.fail,
    )
}

/// The error loading `wat` as a Greeter plugin gives; the load must fail.
fn load_error(wat: &str) -> wasp::Error {
    match engine().load_wat::<dyn Greeter>(wat) {
        Ok(_) => panic!("the module must be refused at load"),
        Err(error) => error,
    }
}

fn instance(b: &Bodies) -> wasp_host::Instance<dyn Greeter, Host> {
    engine()
        .load_wat::<dyn Greeter>(&greeter_wat(b))
        .expect("load")
        .instantiate(Host)
        .expect("instantiate")
}

#[test]
fn a_well_behaved_hand_written_plugin_works() {
    let mut g = instance(&Bodies::default());
    assert_eq!(g.sum(3, 2).unwrap(), 5);
    assert_eq!(g.hello("echo".into()).unwrap(), "echo");
}

#[test]
fn a_result_pointer_outside_memory_is_an_error() {
    let mut g = instance(&Bodies {
        hello: Some("(i64.const 0x0000020000ffff00)"),
        ..Bodies::default()
    });
    match g.hello("x".into()).unwrap_err() {
        wasp::Error::OutOfBounds {
            function,
            ptr,
            len,
            memory_size,
        } => {
            assert_eq!(function, "hello");
            assert_eq!((ptr, len, memory_size), (0x00ff_ff00, 0x200, 65536));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        g.sum(1, 1).unwrap_err(),
        wasp::Error::Poisoned { .. }
    ));
}

#[test]
fn a_result_length_that_overflows_the_address_space_is_an_error() {
    let mut g = instance(&Bodies::default());
    // `reverse` returns ptr = len = 0xffff_ffff.
    match g.reverse(vec![1]).unwrap_err() {
        wasp::Error::OutOfBounds { ptr, len, .. } => assert_eq!((ptr, len), (u32::MAX, u32::MAX)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn invalid_utf8_and_invalid_encodings_are_decode_errors() {
    let mut g = instance(&Bodies {
        callback: "(i64.or (i64.const 100) (i64.shl (i64.const 3) (i64.const 32)))",
        fail: "(i64.or (i64.const 200) (i64.shl (i64.const 6) (i64.const 32)))",
        ..Bodies::default()
    });
    assert!(matches!(
        g.callback().unwrap_err(),
        wasp::Error::Decode { .. }
    ));
    let mut g = instance(&Bodies {
        fail: "(i64.or (i64.const 200) (i64.shl (i64.const 6) (i64.const 32)))",
        ..Bodies::default()
    });
    match g.fail().unwrap_err() {
        wasp::Error::Decode { function, .. } => assert_eq!(function, "fail"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_allocation_outside_memory_is_an_error() {
    for alloc in ["(i32.const -16)", "(i32.const 0)", "(i32.const 65535)"] {
        let mut g = instance(&Bodies {
            alloc,
            ..Bodies::default()
        });
        match g.hello("xy".into()).unwrap_err() {
            wasp::Error::OutOfBounds { function, .. } => assert_eq!(function, "wasp_alloc"),
            other => panic!("{alloc}: {other:?}"),
        }
    }
}

#[test]
fn a_lying_pointer_passed_to_a_host_function_is_an_error() {
    let mut g = instance(&Bodies {
        callback: "(call $call_me (i32.const -100) (i32.const 200))",
        ..Bodies::default()
    });
    match g.callback().unwrap_err() {
        wasp::Error::OutOfBounds { function, .. } => assert_eq!(function, "call_me"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_panic_whose_message_lies_outside_memory_still_reports_a_panic() {
    let mut g = instance(&Bodies {
        callback: "(call $panic (i32.const -8) (i32.const 100) (i32.const 0) (i32.const -1) (i32.const 3) (i32.const 4)) (i64.const 0)",
        ..Bodies::default()
    });
    match g.callback().unwrap_err() {
        wasp::Error::Panic { message, .. } => {
            assert!(message.contains("outside its memory"), "{message}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_missing_or_mistyped_export_is_refused_at_load() {
    let missing = greeter_wat(&Bodies {
        sum: None,
        ..Bodies::default()
    });
    match load_error(&missing) {
        wasp::Error::MissingExport { name, detail } => {
            assert_eq!(name, "sum");
            assert_eq!(
                detail,
                "not exported; expected a function (i32, i32) -> i32"
            );
        }
        other => panic!("{other:?}"),
    }
    let mistyped = greeter_wat(&Bodies {
        sum: Some("(func (export \"sum\") (param i64 i64) (result i64) (i64.const 0))"),
        ..Bodies::default()
    });
    match load_error(&mistyped) {
        wasp::Error::MissingExport { name, detail } => {
            assert_eq!(name, "sum");
            assert_eq!(
                detail,
                "has wasm type (i64, i64) -> i64, expected (i32, i32) -> i32"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_module_without_a_descriptor_is_refused_at_load() {
    let wat = greeter_wat(&Bodies {
        descriptor: Descriptor::Absent,
        ..Bodies::default()
    });
    match load_error(&wat) {
        wasp::Error::ContractMismatch { differences, .. } => {
            assert!(
                differences[0].starts_with("the plugin carries no contract descriptor"),
                "{differences:?}"
            )
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_import_the_host_does_not_provide_is_refused_at_load() {
    let wat = greeter_wat(&Bodies::default()).replacen(
        "(memory",
        "(import \"env\" \"secret\" (func (param i32))) (import \"GreeterHost\" \"other\" (func)) (memory",
        1,
    );
    match load_error(&wat) {
        wasp::Error::ContractMismatch { differences, .. } => assert_eq!(
            differences,
            vec![
                "the plugin imports `env.secret`, which the host does not provide",
                "the plugin imports host function `GreeterHost.other`, which the host's contract does not declare",
            ]
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_mistyped_runtime_import_is_refused_at_load() {
    let wat = greeter_wat(&Bodies::default()).replacen(
        "(memory",
        "(import \"wasp\" \"log\" (func (param i64 i32))) \
         (import \"wasp\" \"log_level\" (func (param i32) (result i32))) \
         (import \"wasp\" \"unknown\" (func)) (memory",
        1,
    );
    match load_error(&wat) {
        wasp::Error::ContractMismatch { differences, .. } => assert_eq!(
            differences,
            vec![
                "import `wasp.log` has wasm type (i64, i32) -> (), the host provides (i32, i32, i32) -> ()",
                "import `wasp.log_level` has wasm type (i32) -> i32, the host provides () -> i32",
                "the plugin imports `wasp.unknown`, which the host does not provide",
            ]
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_log_line_outside_memory_or_at_no_level_is_an_error() {
    let wat = r#"(module
        (import "wasp" "log" (func $log (param i32 i32 i32)))
        (memory (export "memory") 1)
        (func (export "outside") (call $log (i32.const 3) (i32.const 65530) (i32.const 7)))
        (func (export "overflow") (call $log (i32.const 3) (i32.const -1) (i32.const -1)))
        (func (export "level") (param i32) (call $log (local.get 0) (i32.const 0) (i32.const 1))))"#;
    let plugin = engine()
        .load_raw_bytes(&wasp_host::Engine::wat(wat).unwrap())
        .unwrap();
    for export in ["outside", "overflow"] {
        let mut raw = plugin.instantiate().unwrap();
        match raw.call::<()>(export, ()).unwrap_err() {
            wasp::Error::OutOfBounds {
                function,
                memory_size,
                ..
            } => {
                assert_eq!(function, "wasp.log");
                assert_eq!(memory_size, 65536);
            }
            other => panic!("{export}: {other:?}"),
        }
        assert!(raw.is_poisoned());
    }
    for level in [-1, 0, 6, i32::MAX] {
        let mut raw = plugin.instantiate().unwrap();
        match raw.call::<()>("level", (level,)).unwrap_err() {
            wasp::Error::Decode { function, detail } => {
                assert_eq!(function, "wasp.log");
                assert_eq!(
                    detail,
                    format!("log level {level} is not one of 1 (error) to 5 (trace)")
                );
            }
            other => panic!("{level}: {other:?}"),
        }
    }
    // A module that logs must export its memory, where the line is.
    let no_memory = r#"(module
        (import "wasp" "log" (func $log (param i32 i32 i32)))
        (func (export "say") (call $log (i32.const 3) (i32.const 0) (i32.const 0))))"#;
    let mut raw = engine()
        .load_raw_bytes(&wasp_host::Engine::wat(no_memory).unwrap())
        .unwrap()
        .instantiate()
        .unwrap();
    match raw.call::<()>("say", ()).unwrap_err() {
        wasp::Error::MissingExport { name, .. } => assert_eq!(name, "memory"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn raw_calls_check_pointers_too() {
    let wat = r#"(module
        (memory (export "memory") 1)
        (func (export "wasp_alloc") (param i32) (result i32) (i32.const 16))
        (func (export "oob") (result i64) (i64.const 0x0000001000010000))
        (func (export "overflow") (result i64) (i64.const -1)))"#;
    let plugin = engine()
        .load_raw_bytes(&wasp_host::Engine::wat(wat).unwrap())
        .unwrap();
    let mut raw = plugin.instantiate().unwrap();
    assert!(matches!(
        raw.call::<String>("oob", ()).unwrap_err(),
        wasp::Error::OutOfBounds { .. }
    ));
    let mut raw = plugin.instantiate().unwrap();
    assert!(matches!(
        raw.call::<Vec<u8>>("overflow", ()).unwrap_err(),
        wasp::Error::OutOfBounds { .. }
    ));
    assert!(raw.is_poisoned());
}

#[test]
fn a_descriptor_can_come_from_a_wasp_contract_export() {
    let mut g = instance(&Bodies {
        descriptor: Descriptor::Export(None),
        ..Bodies::default()
    });
    assert_eq!(g.sum(20, 22).unwrap(), 42);
    assert_eq!(g.hello("via export".into()).unwrap(), "via export");
}

#[test]
fn a_wasp_contract_export_that_lies_is_refused_at_load() {
    for packed in ["(i64.const -1)", "(unreachable)"] {
        let wat = greeter_wat(&Bodies {
            descriptor: Descriptor::Export(Some(packed)),
            ..Bodies::default()
        });
        let error = load_error(&wat);
        // A length beyond the descriptor cap is refused before the range is even read.
        let refused = match &error {
            wasp::Error::ContractMismatch { differences, .. } => {
                differences.iter().any(|d| d.contains("at most"))
            }
            wasp::Error::Trap { .. } => true,
            _ => false,
        };
        assert!(refused, "{packed}: {error:?}");
    }
}

#[test]
fn an_oversized_descriptor_is_refused_at_load() {
    let wat = greeter_wat(&Bodies {
        descriptor: Descriptor::Export(Some("(i64.const 0x0050000000000000)")),
        ..Bodies::default()
    })
    .replace(
        "(memory (export \"memory\") 1)",
        "(memory (export \"memory\") 100)",
    );
    match load_error(&wat) {
        wasp::Error::ContractMismatch {
            contract,
            differences,
        } => {
            assert_eq!(contract, "Greeter");
            assert_eq!(
                differences,
                vec![format!(
                    "`wasp_contract` returned {} bytes; a descriptor may have at most {}",
                    0x0050_0000,
                    wasp_abi::MAX_DESCRIPTOR_LEN
                )]
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_descriptor_nesting_types_without_end_cannot_exhaust_the_host_stack() {
    let deep = format!("{}u8{}", "Vec<".repeat(200_000), ">".repeat(200_000));
    let wat = greeter_wat(&Bodies::default())
        .replace("method hello(String)", &format!("method hello({deep})"));
    assert!(wat.contains(&deep), "the descriptor was rewritten");
    match load_error(&wat) {
        wasp::Error::ContractMismatch { differences, .. } => {
            assert_eq!(differences.len(), 1, "{differences:?}");
            assert!(
                differences[0].contains("types nest more than 64 levels deep"),
                "{}",
                &differences[0][..200.min(differences[0].len())]
            );
        }
        other => panic!("{other:?}"),
    }
}

/// A host whose dispatcher answers `call_me` with whatever `answer` makes, as a hand-written
/// (or buggy) `HostDispatch` could: the engine must check the answer against the import's
/// wasm type before handing it to the plugin.
struct LyingHost {
    answer: fn() -> wasp::__private::HostReturn,
}

struct LyingDispatch(LyingHost);

impl wasp::__private::HostDispatch for LyingDispatch {
    fn call(
        &mut self,
        _function: usize,
        _memory: &[u8],
        _args: &[u64],
    ) -> Result<wasp::__private::HostReturn, wasp::Error> {
        Ok((self.0.answer)())
    }

    fn host(&mut self) -> &mut dyn std::any::Any {
        &mut self.0
    }

    fn host_ref(&self) -> &dyn std::any::Any {
        &self.0
    }
}

impl wasp::HostContract<LyingHost> for dyn GreeterHost {
    fn into_dispatch(host: LyingHost) -> Box<dyn wasp::__private::HostDispatch> {
        Box::new(LyingDispatch(host))
    }
}

#[test]
fn a_host_dispatch_answering_the_wrong_kind_is_an_internal_error_not_a_bad_value() {
    use wasp::__private::HostReturn;
    let answers: [fn() -> HostReturn; 2] = [|| HostReturn::Value(5), || HostReturn::Unit];
    for answer in answers {
        let mut g = engine()
            .load::<dyn Greeter>(common::repo_path("examples/greeter/plugins/greeter-c.wasm"))
            .unwrap()
            .instantiate(LyingHost { answer })
            .unwrap();
        match g.callback().unwrap_err() {
            wasp::Error::Internal { detail } => {
                assert!(detail.contains("call_me"), "{detail}")
            }
            other => panic!("expected an internal error, got {other:?}"),
        }
        assert!(wasp_host::Instance::is_poisoned(&g));
    }
}

#[test]
fn a_descriptor_section_beyond_its_cap_is_refused_before_it_is_parsed() {
    // A valid descriptor followed by blank lines, which the parser tolerates: only the size
    // is wrong. Two sections of the same name count together.
    let mut module = wat::parse_str(greeter_wat(&Bodies::default())).unwrap();
    let padding = vec![b'\n'; wasp_abi::MAX_DESCRIPTOR_LEN as usize];
    let name = b"wasp-contract";
    let mut section = vec![name.len() as u8];
    section.extend_from_slice(name);
    section.extend_from_slice(&padding);
    module.push(0);
    let mut size = section.len() as u32;
    loop {
        let byte = (size & 0x7f) as u8;
        size >>= 7;
        module.push(if size == 0 { byte } else { byte | 0x80 });
        if size == 0 {
            break;
        }
    }
    module.extend_from_slice(&section);
    match engine().load_bytes::<dyn Greeter>(&module).unwrap_err() {
        wasp::Error::ContractMismatch { differences, .. } => {
            assert_eq!(differences.len(), 1, "{differences:?}");
            assert!(
                differences[0].contains("a descriptor may have at most"),
                "{differences:?}"
            );
        }
        other => panic!("expected the descriptor to be refused, got {other:?}"),
    }
}
