//! `wasp inspect`, run as a process on the committed plugins.

mod common;

use common::{GREETERS, TempDir, repo, types_plugin, wasp};
use serde_json::Value;
use wasp::descriptor::{Fields, Shape};

#[test]
fn the_greeter_in_every_language_shows_its_contract_imports_and_limits() {
    let contract = <dyn greeter_contract::Greeter as wasp::Contract>::descriptor();
    for plugin in GREETERS {
        let run = wasp(["inspect", &repo(plugin)]);
        let out = run.ok();
        assert!(
            out.contains("contract Greeter (version 1, ABI 1;"),
            "{plugin}: {out}"
        );
        for method in &contract.methods {
            assert!(
                out.contains(&format!("    {}\n", method.signature())),
                "{plugin}: {out}"
            );
        }
        assert!(
            out.contains(
                "host functions (import module `GreeterHost`):\n    call_me(String) -> String\n"
            ),
            "{plugin}: {out}"
        );
        assert!(out.contains("    GreeterHost.call_me\n"), "{plugin}: {out}");
        assert!(out.contains("memory: initial "), "{plugin}: {out}");
        assert!(out.contains("exported as `memory`"), "{plugin}: {out}");
        let size = std::fs::metadata(repo(plugin)).unwrap().len();
        assert!(out.contains(&format!("({size} bytes)")), "{plugin}: {out}");
    }
}

#[test]
fn the_toolchain_and_the_wasi_imports_are_shown() {
    let c = wasp(["inspect", &repo(GREETERS[1])]);
    assert!(c.ok().contains("processed-by: Debian clang"), "{c:#?}");
    let go = wasp(["inspect", &repo(GREETERS[2])]);
    let out = go.ok();
    assert!(out.contains("language: Go go1."), "{out}");
    assert!(out.contains("WASI preview 1 ("), "{out}");
    assert!(out.contains("fd_write"), "{out}");
    assert!(out.contains("a WASI reactor"), "{out}");
}

#[test]
fn the_types_plugin_lists_every_type_with_its_fields_and_variants() {
    let contract = <dyn types_contract::Types as wasp::Contract>::descriptor();
    assert!(contract.types.len() >= 2);
    let run = wasp(["inspect", &types_plugin()]);
    let out = run.ok();
    for def in &contract.types {
        match &def.shape {
            Shape::Struct(Fields::Named(fields)) => {
                assert!(out.contains(&format!("    struct {}\n", def.name)), "{out}");
                for f in fields {
                    assert!(
                        out.contains(&format!("      {}: {}\n", f.name, f.ty)),
                        "{out}"
                    );
                }
            }
            Shape::Struct(other) => {
                assert!(
                    out.contains(&format!("    struct {}{other}\n", def.name)),
                    "{out}"
                );
            }
            Shape::Enum(variants) => {
                assert!(out.contains(&format!("    enum {}\n", def.name)), "{out}");
                for v in variants {
                    assert!(
                        out.contains(&format!("      {}{}\n", v.name, v.fields)),
                        "{out}"
                    );
                }
            }
        }
    }
    // The ones the test contract is known to have, spelled out.
    for line in [
        "      scores: Map<String, f64>\n",
        "      inner: Option<Record>\n",
        "      Rect { w: u32, h: u32 }\n",
        "      Path(Vec<(i16, i16)>)\n",
        "    rename(Record, String) -> Record\n",
        "    call_remember(u32)\n",
    ] {
        assert!(out.contains(line), "{line:?} in {out}");
    }
}

#[test]
fn json_output_has_the_same_facts() {
    let run = wasp(["inspect", "--json", &types_plugin()]);
    let report: Value = serde_json::from_str(run.ok()).expect("JSON");
    let contract = &report["contracts"][0];
    assert_eq!(contract["name"], "Types");
    let shape = contract["types"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "Shape")
        .expect("Shape");
    assert_eq!(shape["kind"], "enum");
    let variants: Vec<&str> = shape["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    assert_eq!(variants, ["Empty", "Circle", "Rect", "Path"]);
    assert_eq!(
        shape["variants"][2]["fields"]["fields"][0],
        serde_json::json!({"name": "w", "type": "u32"})
    );
    let echo = contract["methods"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "echo_record")
        .unwrap();
    assert_eq!(echo["params"], serde_json::json!(["Record"]));
    assert_eq!(echo["result"], "Record");
    assert_eq!(contract["host"]["module"], "TypesHost");
    // The plugin imports every host function of its contract.
    let host_functions = <dyn types_contract::Types as wasp::Contract>::descriptor()
        .host
        .map_or(0, |h| h.functions.len());
    assert_eq!(
        report["imports"]["host"].as_array().unwrap().len(),
        host_functions
    );
    assert!(report["memories"][0]["initial"].as_u64().unwrap() > 0);
    assert_eq!(
        report["size"].as_u64().unwrap(),
        std::fs::metadata(types_plugin()).unwrap().len()
    );
    // The descriptor text, as a host would render it.
    let rendered = <dyn types_contract::Types as wasp::Contract>::descriptor().render();
    assert_eq!(contract["descriptor"], rendered.as_str());
}

#[test]
fn a_module_without_a_descriptor_is_described_anyway() {
    let run = wasp(["inspect", &repo("tests/wat/raw.wat")]);
    let out = run.ok();
    assert!(out.contains("carries no contract descriptor"), "{out}");
    assert!(out.contains("memory: initial 1 page(s) (64 KiB)"), "{out}");
}

#[test]
fn what_is_not_a_plugin_is_an_error_with_a_hint() {
    let dir = TempDir::new("inspect");
    let text = dir.file("notes.wasm", "hello");
    let message = wasp(["inspect", &text]).fails(1).to_string();
    assert!(message.contains("not a WebAssembly module"), "{message}");
    assert!(message.contains("hint: "), "{message}");
    let truncated = std::fs::read(repo(GREETERS[1])).unwrap();
    let broken = dir.file("broken.wasm", &truncated[..truncated.len() / 2]);
    assert!(
        wasp(["inspect", &broken])
            .fails(1)
            .contains("not a valid WebAssembly module")
    );
    let missing = wasp(["inspect", "/no/such/plugin.wasm"]);
    assert!(missing.fails(1).contains("cannot read the plugin"));
    // A descriptor that does not parse: everything else is shown, and the exit code says so.
    let lying = dir.file(
        "lying.wat",
        r#"(module (memory (export "memory") 1) (@custom "wasp-contract" "wasp-contract 1\ncontract X\nmethod f(Vec<)\n"))"#,
    );
    let run = wasp(["inspect", &lying]);
    assert!(run.stdout.contains("contract: cannot be read"), "{run:#?}");
    assert!(run.fails(1).contains("descriptor"));
}
