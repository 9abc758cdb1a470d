//! The Greeter example's plugin through the typed handle and through the raw API.

mod common;

use common::{engine, repo_path};
use greeter_contract::{Greeter, GreeterHost};

struct Host;

impl GreeterHost for Host {
    fn call_me(&mut self, name: String) -> String {
        format!("Hello {name}")
    }
}

#[test]
fn every_greeter_method_through_the_typed_handle() {
    let plugin = engine()
        .load::<dyn Greeter>(repo_path("examples/greeter/plugins/greeter-rust.wasm"))
        .unwrap();
    let mut greeter = plugin.instantiate(Host).unwrap();
    assert_eq!(greeter.hello("Nic".into()).unwrap(), "Hello Nic");
    assert_eq!(greeter.sum(3, 2).unwrap(), 5);
    assert_eq!(greeter.sum(i32::MAX, 1).unwrap(), i32::MIN);
    assert_eq!(greeter.reverse(vec![1, 2, 3]).unwrap(), vec![3, 2, 1]);
    assert_eq!(greeter.callback().unwrap(), "Hello Nic");
    assert_eq!(greeter.fail().unwrap(), Err("Ooops".to_string()));
    let descriptor = plugin.descriptor().unwrap();
    assert_eq!(descriptor.name, "Greeter");
    assert_eq!(descriptor.methods.len(), 5);
}

#[test]
fn the_example_prints_exactly_the_documented_lines() {
    let output = std::process::Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--example", "greeter"])
        .current_dir(repo_path(""))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "hello(\"Nic\") = \"Hello Nic\"\n\
         sum(3, 2) = 5\n\
         reverse([1, 2, 3]) = [3, 2, 1]\n\
         callback() = \"Hello Nic\"\n\
         fail() = Err(\"Ooops\")\n"
    );
}

#[test]
fn raw_calls_by_export_name() {
    let plugin = engine().load_raw(repo_path("examples/greeter/plugins/greeter-rust.wasm"));
    // The greeter imports its host function, which a raw load does not provide.
    match plugin.err().expect("must be refused") {
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
