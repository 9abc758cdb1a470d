//! `wasp check`, run as a process: the verdict and every difference exactly as a typed load
//! reports them, and exit codes for CI.

mod common;

use common::{GREETERS, TempDir, repo, wasp};
use greeter_contract::Greeter;
use serde_json::Value;

fn check(plugin: &str, against: &str, more: &[&str]) -> common::Run {
    let mut args = vec![
        "check".to_string(),
        plugin.to_string(),
        "--against".to_string(),
        against.to_string(),
    ];
    args.extend(more.iter().map(|s| s.to_string()));
    wasp(args)
}

#[test]
fn every_greeter_is_compatible_with_every_other() {
    let rust = repo(GREETERS[0]);
    for plugin in &GREETERS[1..] {
        let run = check(&repo(plugin), &rust, &[]);
        assert!(
            run.ok().starts_with(&format!(
                "compatible: {} implements contract `Greeter`",
                repo(plugin)
            )),
            "{run:#?}"
        );
    }
}

#[test]
fn differences_are_those_a_typed_load_reports() {
    let changed = repo("tests/wasm/changed-greeter.wasm");
    let engine = wasp_host::Engine::new().unwrap();
    let Err(wasp::Error::ContractMismatch { differences, .. }) =
        engine.load::<dyn Greeter>(&changed)
    else {
        panic!("the changed Greeter must not load as a Greeter");
    };
    assert!(differences.len() >= 3);
    let run = check(&changed, &repo(GREETERS[0]), &[]);
    let message = run.fails(1).to_string();
    assert!(
        message.contains("incompatible: 1 of 1 contract(s) differ"),
        "{message}"
    );
    let listed: Vec<&str> = run
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("  - "))
        .collect();
    assert_eq!(listed, differences);
    assert!(run.stdout.starts_with("incompatible: "), "{run:#?}");
}

#[test]
fn a_descriptor_file_stands_for_the_host() {
    let dir = TempDir::new("check");
    let descriptor = dir.file(
        "greeter.contract",
        <dyn Greeter as wasp::Contract>::descriptor().render(),
    );
    let run = check(&repo(GREETERS[3]), &descriptor, &[]);
    assert!(run.ok().starts_with("compatible: "), "{run:#?}");
    // A descriptor whose type changed: the difference names it.
    let edited = dir.file(
        "edited.contract",
        <dyn Greeter as wasp::Contract>::descriptor()
            .render()
            .replace("method sum(i32, i32) -> i32", "method sum(i64, i32) -> i32"),
    );
    let run = check(&repo(GREETERS[1]), &edited, &[]);
    assert!(
        run.stdout.contains(
            "  - method sum: parameter 1 is i64 in the host's contract, i32 in the plugin\n"
        ),
        "{run:#?}"
    );
    run.fails(1);
}

#[test]
fn methods_the_plugin_predates_are_reported_and_compatible() {
    let run = check(
        &repo("tests/wasm/revisions-v1.wasm"),
        &repo("tests/wasm/revisions-v2.wasm"),
        &["--contract", "Evolving", "--json"],
    );
    let verdict: Value = serde_json::from_str(run.ok()).expect("JSON");
    assert_eq!(verdict["compatible"], true);
    assert_eq!(verdict["contracts"][0]["contract"], "Evolving");
    assert_eq!(
        verdict["contracts"][0]["unavailable"],
        serde_json::json!(["ev_stats"])
    );
    let text = check(
        &repo("tests/wasm/revisions-v1.wasm"),
        &repo("tests/wasm/revisions-v2.wasm"),
        &["--contract", "Evolving"],
    );
    assert!(
        text.ok().contains("predates method(s) ev_stats"),
        "{text:#?}"
    );
}

#[test]
fn every_contract_of_a_module_is_checked_without_contract() {
    let run = check(
        &repo("tests/wasm/revisions-v1.wasm"),
        &repo("tests/wasm/revisions-v2.wasm"),
        &["--json"],
    );
    assert_eq!(run.code, 1, "{run:#?}");
    let verdict: Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(verdict["compatible"], false);
    let contracts = verdict["contracts"].as_array().unwrap();
    assert!(contracts.len() > 10);
    assert!(contracts.iter().any(|c| c["compatible"] == true));
    assert!(contracts.iter().any(|c| c["compatible"] == false));
}

#[test]
fn bad_input_is_an_error_with_an_exit_code() {
    let dir = TempDir::new("check-bad");
    let notes = dir.file("notes.txt", "hello");
    let message = check(&repo(GREETERS[0]), &notes, &[]).fails(2).to_string();
    assert!(
        message.contains("neither a WebAssembly module nor a contract descriptor"),
        "{message}"
    );
    let message = check(&notes, &repo(GREETERS[0]), &[]).fails(1).to_string();
    assert!(
        message.contains("not a WebAssembly module (first bytes: 68 65 6c 6c 6f)"),
        "{message}"
    );
    let message = check(
        &repo(GREETERS[0]),
        &repo(GREETERS[1]),
        &["--contract", "Nope"],
    )
    .fails(2)
    .to_string();
    assert!(message.contains("no contract `Nope`"), "{message}");
    let message = check(&repo(GREETERS[0]), &repo("tests/wat/raw.wat"), &[])
        .fails(1)
        .to_string();
    assert!(
        message.contains("carries no contract descriptor"),
        "{message}"
    );
    let bad = dir.file(
        "bad.contract",
        "wasp-contract 1\ncontract X\nmethod f(Vec<)\n",
    );
    let message = check(&repo(GREETERS[0]), &bad, &[]).fails(1).to_string();
    assert!(message.contains("contract descriptor line 3"), "{message}");
    // A plugin without a descriptor cannot implement anything.
    let run = check(&repo("tests/wat/raw.wat"), &repo(GREETERS[0]), &[]);
    assert!(
        run.stdout.contains("carries no contract descriptor"),
        "{run:#?}"
    );
    run.fails(1);
}
