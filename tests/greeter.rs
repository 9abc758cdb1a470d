//! The Greeter contract in every guest language: one suite, the same inputs, the same
//! outputs and the same errors for the Rust, C, Go, AssemblyScript, Zig and Java plugins.

mod common;

use common::{engine, repo_path};
use greeter_contract::{Greeter, GreeterHost};
use wasp_host::{Engine, Instance};

/// Every Greeter plugin the repository builds, by language.
const PLUGINS: &[(&str, &str)] = &[
    ("rust", "examples/greeter/plugins/greeter-rust.wasm"),
    ("c", "examples/greeter/plugins/greeter-c.wasm"),
    ("go", "examples/greeter/plugins/greeter-go.wasm"),
    (
        "assemblyscript",
        "examples/greeter/plugins/greeter-assemblyscript.wasm",
    ),
    ("zig", "examples/greeter/plugins/greeter-zig.wasm"),
    ("java", "examples/greeter/plugins/greeter-java.wasm"),
];

struct Host;

impl GreeterHost for Host {
    fn call_me(&mut self, name: String) -> String {
        format!("Hello {name}")
    }
}

fn greeter_in(engine: &Engine, path: &str) -> Instance<dyn Greeter, Host> {
    engine
        .load::<dyn Greeter>(repo_path(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .instantiate(Host)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Runs `check` on a fresh instance of every language's plugin, naming the language on
/// failure.
fn for_each_language(check: impl Fn(&str, &mut Instance<dyn Greeter, Host>)) {
    let engine = engine();
    for (language, path) in PLUGINS {
        let mut greeter = greeter_in(&engine, path);
        check(language, &mut greeter);
    }
}

#[test]
fn every_method_gives_the_same_answer_in_every_language() {
    for_each_language(|language, g| {
        assert_eq!(g.hello("Nic".into()).unwrap(), "Hello Nic", "{language}");
        assert_eq!(g.sum(3, 2).unwrap(), 5, "{language}");
        assert_eq!(g.sum(-7, 7).unwrap(), 0, "{language}");
        assert_eq!(g.sum(i32::MAX, 1).unwrap(), i32::MIN, "{language}");
        assert_eq!(
            g.reverse(vec![1, 2, 3]).unwrap(),
            vec![3, 2, 1],
            "{language}"
        );
        assert_eq!(
            g.reverse(Vec::new()).unwrap(),
            Vec::<u8>::new(),
            "{language}"
        );
        assert_eq!(g.callback().unwrap(), "Hello Nic", "{language}");
        assert_eq!(g.fail().unwrap(), Err("Ooops".to_string()), "{language}");
        // Calls after a plugin's Err value work as before: it is a value, not a failure.
        assert_eq!(g.hello(String::new()).unwrap(), "Hello ", "{language}");
    });
}

#[test]
fn unicode_strings_cross_unchanged_in_every_language() {
    for_each_language(|language, g| {
        for name in [
            "naïve café",
            "日本語",
            "🦀 crab",
            "\u{0}nul",
            "ε",
            "\u{10FFFF}",
        ] {
            assert_eq!(
                g.hello(name.into()).unwrap(),
                format!("Hello {name}"),
                "{language}"
            );
        }
    });
}

#[test]
fn a_one_mebibyte_buffer_round_trips_in_every_language() {
    let data: Vec<u8> = (0..1 << 20)
        .map(|i: u32| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let mut expected = data.clone();
    expected.reverse();
    for_each_language(|language, g| {
        let back = g.reverse(data.clone()).unwrap();
        assert!(back == expected, "{language}: the reversed buffer differs");
    });
}

#[test]
fn a_hundred_thousand_calls_leave_memory_where_it_was_in_every_language() {
    for_each_language(|language, g| {
        let mut after_warm_up = 0;
        for i in 0..100_000u32 {
            let name = format!("name-{i}");
            let greeting = g.hello(name.clone()).unwrap();
            assert_eq!(greeting.len(), "Hello ".len() + name.len(), "{language}");
            let reversed = g.reverse(name.into_bytes()).unwrap();
            assert!(!reversed.is_empty(), "{language}");
            if i == 999 {
                after_warm_up = Instance::memory_size(g);
            }
        }
        assert_eq!(
            Instance::memory_size(g),
            after_warm_up,
            "{language}: memory grew"
        );
    });
}

#[test]
fn memory_limits_fail_the_same_way_in_every_language() {
    let engine = Engine::builder().max_memory(48 << 20).build().unwrap();
    for (language, path) in PLUGINS {
        let mut g = greeter_in(&engine, path);
        match g.reverse(vec![7; 64 << 20]).unwrap_err() {
            wasp::Error::MemoryLimit { limit, .. } => assert_eq!(limit, 48 << 20, "{language}"),
            other => panic!("{language}: expected the memory limit, got {other:?}"),
        }
        assert!(Instance::is_poisoned(&g), "{language}");
    }
}

#[test]
fn the_example_prints_the_documented_lines_for_every_language() {
    for (language, path) in PLUGINS {
        let output = std::process::Command::new(env!("CARGO"))
            .args(["run", "--quiet", "--example", "greeter", "--", path])
            .current_dir(repo_path(""))
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{language}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(
            String::from_utf8(output.stdout).unwrap(),
            "hello(\"Nic\") = \"Hello Nic\"\n\
             sum(3, 2) = 5\n\
             reverse([1, 2, 3]) = [3, 2, 1]\n\
             callback() = \"Hello Nic\"\n\
             fail() = Err(\"Ooops\")\n",
            "{language}"
        );
    }
}

#[test]
fn every_plugin_carries_the_same_contract() {
    let engine = engine();
    for (language, path) in PLUGINS {
        let plugin = engine.load::<dyn Greeter>(repo_path(path)).unwrap();
        let descriptor = plugin.descriptor();
        assert_eq!(descriptor.name, "Greeter", "{language}");
        let methods: Vec<&str> = descriptor.methods.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(
            methods,
            ["hello", "sum", "reverse", "callback", "fail"],
            "{language}"
        );
    }
}

#[test]
fn raw_calls_by_export_name() {
    let plugin = engine().load_raw(repo_path("examples/greeter/plugins/greeter-rust.wasm"));
    // The greeter imports its host function, which a raw load does not provide.
    match plugin.expect_err("must be refused") {
        wasp::Error::ContractMismatch { differences, .. } => assert_eq!(
            differences,
            vec!["the plugin imports `GreeterHost.call_me`, which the host does not provide"]
        ),
        other => panic!("{other:?}"),
    }
    let plugin = engine().load_raw(repo_path("tests/wat/raw.wat")).unwrap();
    let mut raw = plugin.instantiate().unwrap();
    assert_eq!(raw.call::<i32>("sum", (3, 2)).unwrap(), 5);
    assert_eq!(raw.call::<String>("hello", ("Nic",)).unwrap(), "Hello Nic");
    assert_eq!(
        raw.call::<Vec<u8>>("hello", (b"x".as_slice(),)).unwrap(),
        b"Hello x"
    );
    match raw.call::<i64>("sum", (3, 2)).unwrap_err() {
        wasp::Error::MissingExport { name, detail } => {
            assert_eq!(name, "sum");
            assert_eq!(
                detail,
                "has wasm type (i32, i32) -> i32, the call passes (i32, i32) -> i64"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        raw.call::<()>("nope", ()).unwrap_err(),
        wasp::Error::MissingExport { .. }
    ));
}
