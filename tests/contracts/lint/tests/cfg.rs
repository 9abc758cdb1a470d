//! `#[cfg]` on methods and host functions: a method the configuration removes is absent from
//! the method list, the version and the descriptor; one a macro adds is present.

use lint_contract::{EditorHost, Linter};
use wasp::{Contract, HostInterface};

fn host_functions() -> Vec<String> {
    let mut types = wasp::descriptor::Types::new();
    let host = <dyn EditorHost as HostInterface>::describe(&mut types).expect("a host interface");
    host.functions.iter().map(|f| f.name.clone()).collect()
}

#[test]
fn cfg_methods_follow_the_configuration() {
    let methods = <dyn Linter as Contract>::METHODS;
    let descriptor = <dyn Linter as Contract>::descriptor();
    let described: Vec<&str> = descriptor.methods.iter().map(|m| m.name.as_str()).collect();
    if cfg!(feature = "fixes") {
        assert_eq!(methods, ["lint", "linted", "fix_all", "crash", "stats"]);
        assert_eq!(<dyn Linter as Contract>::VERSION, 2);
        assert_eq!(host_functions(), ["max_line", "report", "apply"]);
    } else {
        assert_eq!(methods, ["lint", "linted", "crash", "stats"]);
        assert_eq!(<dyn Linter as Contract>::VERSION, 1);
        assert_eq!(host_functions(), ["max_line", "report"]);
    }
    assert_eq!(described, methods);
}
