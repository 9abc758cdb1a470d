//! How each kind of failure reaches the host: values, panics, traps, mismatched or
//! incomplete plugins, and what happens to an instance afterwards.

mod common;

use common::{TestHost, engine, repo_path, types_instance};
use greeter_contract::Greeter;
use wasp_host::Instance;

#[test]
fn a_plugin_err_is_a_value_not_an_error() {
    let mut t = types_instance();
    assert_eq!(
        t.echo_result(Err("expected".into())).unwrap(),
        Err("expected".to_string())
    );
    assert!(!Instance::is_poisoned(&t));
}

#[test]
fn a_panic_reaches_the_host_with_message_and_location() {
    let mut t = types_instance();
    let error = t.panic_with("the plugin gave up: ✗".into()).unwrap_err();
    match &error {
        wasp::Error::Panic {
            function,
            message,
            location,
        } => {
            assert_eq!(function, "panic_with");
            assert_eq!(message, "the plugin gave up: ✗");
            let location = location.as_ref().expect("location");
            assert!(
                location.file.ends_with("tests/plugins/types/src/lib.rs"),
                "{location}"
            );
            let source =
                std::fs::read_to_string(repo_path("tests/plugins/types/src/lib.rs")).unwrap();
            let line = source.lines().nth(location.line as usize - 1).unwrap();
            assert!(
                line.contains("panic!"),
                "line {} is `{line}`",
                location.line
            );
        }
        other => panic!("expected a panic, got {other:?}"),
    }
    assert!(error.to_string().contains("the plugin gave up"));
}

#[test]
fn a_trap_carries_the_wasm_backtrace_and_poisons_the_instance() {
    let mut t = types_instance();
    let error = t.trap().unwrap_err();
    match &error {
        wasp::Error::Trap {
            function,
            message,
            backtrace,
        } => {
            assert_eq!(function, "trap");
            assert!(message.contains("unreachable"), "{message}");
            // Plugins keep their name section, so frames name the Rust functions.
            let backtrace = backtrace.as_deref().expect("backtrace");
            assert!(backtrace.contains("!trap"), "{backtrace}");
        }
        other => panic!("expected a trap, got {other:?}"),
    }
    assert!(Instance::is_poisoned(&t));
    match t.echo_i32(1).unwrap_err() {
        wasp::Error::Poisoned { cause } => assert!(cause.contains("unreachable"), "{cause}"),
        other => panic!("expected poisoned, got {other:?}"),
    }
}

#[test]
fn a_panic_inside_core_is_reported_like_any_other() {
    let mut t = types_instance();
    match t.divide(1, 0).unwrap_err() {
        wasp::Error::Panic {
            message, location, ..
        } => {
            assert_eq!(message, "attempt to divide by zero");
            assert!(location.is_some());
        }
        other => panic!("expected a panic, got {other:?}"),
    }
}

#[test]
fn abort_and_stack_overflow_are_traps_not_host_crashes() {
    let mut t = types_instance();
    assert!(matches!(t.abort().unwrap_err(), wasp::Error::Trap { .. }));
    let mut t = types_instance();
    assert_eq!(t.recurse(100).unwrap(), 100);
    match t.recurse(u64::MAX).unwrap_err() {
        wasp::Error::Trap { message, .. } => {
            assert!(message.contains("call stack exhausted"), "{message}")
        }
        other => panic!("expected a trap, got {other:?}"),
    }
}

#[test]
fn a_new_instance_works_after_another_was_poisoned() {
    let engine = engine();
    let plugin = engine
        .load::<dyn types_contract::Types>(repo_path("tests/wasm/types.wasm"))
        .unwrap();
    let mut first = plugin.instantiate(TestHost::default()).unwrap();
    first.trap().unwrap_err();
    let mut second = plugin.instantiate(TestHost::default()).unwrap();
    assert_eq!(second.echo_i32(5).unwrap(), 5);
}

#[test]
fn a_plugin_built_against_another_contract_is_refused_at_load() {
    let error = engine()
        .load::<dyn Greeter>(repo_path("tests/wasm/types.wasm"))
        .expect_err("must be refused");
    match error {
        wasp::Error::ContractMismatch {
            contract,
            differences,
        } => {
            assert_eq!(contract, "Greeter");
            assert_eq!(
                differences,
                vec!["the plugin implements `Types`, not `Greeter`"]
            );
        }
        other => panic!("expected a contract mismatch, got {other:?}"),
    }
}

#[test]
fn a_plugin_built_against_a_changed_contract_lists_every_difference() {
    let error = engine()
        .load::<dyn Greeter>(repo_path("tests/wasm/changed-greeter.wasm"))
        .expect_err("must be refused");
    match error {
        wasp::Error::ContractMismatch { differences, .. } => assert_eq!(
            differences,
            vec![
                "method hello: parameter 1 is String in the host's contract, u32 in the plugin",
                "method sum: missing in the plugin",
                "method reverse: returns Vec<u8> in the host's contract, String in the plugin",
                "host function call_me: parameter 1 is String in the host's contract, Vec<u8> in the plugin",
            ]
        ),
        other => panic!("expected a contract mismatch, got {other:?}"),
    }
}

#[test]
fn a_file_that_is_not_webassembly_is_an_error() {
    let error = engine()
        .load_bytes::<dyn Greeter>(b"definitely not wasm")
        .err()
        .unwrap();
    assert!(matches!(error, wasp::Error::Wasm { .. }), "{error:?}");
    // Named as not WebAssembly, with the bytes found, rather than parsed as the text format.
    assert!(
        error
            .to_string()
            .contains("not a WebAssembly module (first bytes: 64 65 66 69 6e 69 74 65;"),
        "{error}"
    );
    // Text is loaded only when asked for.
    let error = engine()
        .load_bytes::<dyn Greeter>(b"(module)")
        .err()
        .unwrap();
    assert!(error.to_string().contains("load_wat"), "{error}");
    assert!(engine().load_raw_bytes(b"(module)").is_err());
    assert!(
        engine()
            .load_raw_bytes(&wasp_host::Engine::wat("(module)").unwrap())
            .is_ok()
    );
    let error = engine()
        .load::<dyn Greeter>("/no/such/plugin.wasm")
        .err()
        .unwrap();
    assert!(matches!(error, wasp::Error::Io { .. }), "{error:?}");
}

#[test]
fn a_plugin_describes_the_shape_of_every_type_it_reaches() {
    let plugin = engine()
        .load::<dyn types_contract::Types>(repo_path("tests/wasm/types.wasm"))
        .unwrap();
    let declared = plugin.descriptor();
    // The plugin rendered its descriptor inside wasm; the host computed its own natively.
    assert_eq!(
        declared,
        &<dyn types_contract::Types as wasp::Contract>::descriptor()
    );
    let text = declared.render();
    let type_lines: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("struct ") || l.starts_with("enum "))
        .collect();
    assert_eq!(
        type_lines,
        vec![
            "struct Record { id: u64, name: String, tags: Vec<String>, shape: Shape, \
             inner: Option<Record>, scores: Map<String, f64> }",
            "enum Shape { Empty, Circle(f32), Rect { w: u32, h: u32 }, Path(Vec<(i16, i16)>) }",
        ]
    );
    assert!(
        text.contains("\nimport rename(Record, String) -> Record\n"),
        "{text}"
    );
}
