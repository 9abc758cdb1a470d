//! The lint plugin (tests/native/lint-plugin, tested natively there) built for wasm32 and run
//! by a real host: the method a `macro_rules!` macro added works across the boundary, the
//! `#[cfg]`-gated method and host function are absent from the plugin's imports and
//! descriptor, and a panic names the method that panicked.

mod common;

use common::{engine, repo_path};
use lint_contract::{EditorHost, Finding, LintError, Linter, Severity};
use wasp_host::Instance;

#[derive(Default)]
struct Editor {
    reported: Vec<Finding>,
}

impl EditorHost for Editor {
    fn max_line(&mut self) -> u32 {
        10
    }

    fn report(&mut self, finding: Finding) -> wasp::HostResult<()> {
        self.reported.push(finding);
        Ok(())
    }
}

fn linter() -> Instance<dyn Linter, Editor> {
    engine()
        .load::<dyn Linter>(repo_path("tests/wasm/lint.wasm"))
        .expect("the lint plugin loads against the contract as configured")
        .instantiate(Editor::default())
        .expect("instantiate")
}

#[test]
fn the_plugin_lints_through_the_host_and_keeps_state() {
    let mut l = linter();
    let findings = l
        .lint("a.txt", "short\nthis line is too long\nend \n")
        .unwrap()
        .unwrap();
    assert_eq!(findings.len(), 2);
    assert_eq!(findings[0].severity, Severity::Error { code: 1 });
    assert_eq!(Instance::host(&l).reported, findings);
    assert_eq!(l.lint("a", "").unwrap(), Err(LintError::Empty));
    assert_eq!(l.linted().unwrap(), 1);
}

#[test]
fn the_method_a_macro_added_crosses_the_boundary() {
    let mut l = linter();
    assert_eq!(l.stats("a\nb\nc", b"bytes").unwrap(), (3, 5));
}

#[test]
fn cfg_gated_items_are_absent_from_the_plugin() {
    let descriptors = engine()
        .descriptors(&std::fs::read(repo_path("tests/wasm/lint.wasm")).unwrap())
        .unwrap();
    let contract = &descriptors.contracts[0];
    let methods: Vec<&str> = contract.methods.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(methods, ["lint", "linted", "crash", "stats"]);
    let host = contract.host.as_ref().expect("host functions");
    let functions: Vec<&str> = host.functions.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(functions, ["max_line", "report"]);
}

#[test]
fn a_panic_names_the_method() {
    let mut l = linter();
    match l.crash().unwrap_err() {
        wasp::Error::Panic {
            function, message, ..
        } => {
            assert_eq!(function, "crash");
            assert_eq!(message, "the linter crashed on purpose");
        }
        other => panic!("expected a panic, got {other:?}"),
    }
    let error = linter().crash().unwrap_err().to_string();
    assert!(
        error.starts_with("plugin panicked in `crash` at "),
        "{error}"
    );
}
