//! `wasp call`, run as a process on the committed plugins: typed JSON in, JSON out; host
//! functions answered from the command line; the sandbox flags; and every kind of bad input
//! ending in a clear message and a non-zero exit, never a panic.

mod common;

use common::{GREETERS, TempDir, repo, types_plugin, wasp};
use serde_json::{Value, json};

fn call(plugin: &str, method: &str, args: &[&str]) -> common::Run {
    let mut all = vec!["call".to_string(), plugin.to_string(), method.to_string()];
    all.extend(args.iter().map(|a| a.to_string()));
    wasp(all)
}

fn json_of(run: &common::Run) -> Value {
    serde_json::from_str(run.ok()).unwrap_or_else(|e| panic!("not JSON ({e}): {run:#?}"))
}

#[test]
fn the_greeter_answers_in_every_language() {
    for plugin in GREETERS {
        let plugin = repo(plugin);
        assert_eq!(
            call(&plugin, "hello", &["\"Nic\""]).ok(),
            "\"Hello Nic\"\n",
            "{plugin}"
        );
        assert_eq!(call(&plugin, "sum", &["3", "-5"]).ok(), "-2\n", "{plugin}");
        assert_eq!(
            call(&plugin, "reverse", &["[1, 2, 3]"]).ok(),
            "[3,2,1]\n",
            "{plugin}"
        );
        assert_eq!(
            call(&plugin, "reverse", &["\"AQID\"", "--base64"]).ok(),
            "\"AwIB\"\n"
        );
        assert_eq!(
            call(&plugin, "fail", &[]).ok(),
            "{\"Err\":\"Ooops\"}\n",
            "{plugin}"
        );
        assert_eq!(
            call(
                &plugin,
                "callback",
                &["--host", "call_me=\"Hello from the host\""]
            )
            .ok(),
            "\"Hello from the host\"\n",
            "{plugin}"
        );
    }
}

#[test]
fn a_host_function_without_an_answer_fails_naming_it() {
    for plugin in GREETERS {
        let run = call(&repo(plugin), "callback", &[]);
        let message = run.fails(1);
        assert!(
            message.contains("host function `call_me` failed"),
            "{plugin}: {message}"
        );
        assert!(
            message.contains("--host call_me=JSON"),
            "{plugin}: {message}"
        );
        assert!(run.stdout.is_empty());
    }
}

#[test]
fn every_type_of_the_types_contract_goes_in_and_comes_back() {
    let plugin = types_plugin();
    let record = json!({
        "id": u64::MAX,
        "name": "naïve ✓",
        "tags": ["", "🦀"],
        "shape": {"Path": [[-1, 1], [-32768, 32767]]},
        "inner": {"id": 0, "name": "", "tags": [], "shape": "Empty", "inner": null,
                  "scores": {"b": -0.5, "a": 1e300}},
        "scores": {}
    });
    for (method, value) in [
        ("echo_i8", json!(-128)),
        ("echo_u8", json!(255)),
        ("echo_i16", json!(-32768)),
        ("echo_u16", json!(65535)),
        ("echo_i32", json!(i32::MIN)),
        ("echo_u32", json!(u32::MAX)),
        ("echo_i64", json!(i64::MIN)),
        ("echo_u64", json!(u64::MAX)),
        ("echo_isize", json!(-1)),
        ("echo_usize", json!(u32::MAX)),
        ("echo_f32", json!(0.1)),
        ("echo_f64", json!(-1.5e300)),
        ("echo_f64", json!(-2e-3)),
        ("echo_f64", json!("-inf")),
        ("echo_bool", json!(true)),
        ("echo_char", json!("🦀")),
        ("echo_i128", json!(i128::MIN.to_string())),
        ("echo_u128", json!(u128::MAX.to_string())),
        ("echo_i128", json!(-5)),
        ("echo_string", json!("日本語")),
        ("echo_bytes", json!([0, 255, 7])),
        ("echo_option", json!(null)),
        ("echo_option", json!("x")),
        ("echo_result", json!({"Ok": 7})),
        ("echo_result", json!({"Err": "no"})),
        ("echo_vec", json!([i64::MIN, 0, i64::MAX])),
        ("echo_tuple", json!([255, "ü", true])),
        ("echo_record", record.clone()),
        ("echo_shape", json!("Empty")),
        ("echo_shape", json!({"Circle": 1.5})),
        ("echo_shape", json!({"Rect": {"w": 3, "h": 4}})),
        ("echo_shape", json!({"Path": []})),
    ] {
        let run = call(&plugin, method, &[&value.to_string()]);
        assert_eq!(json_of(&run), value, "{method}");
    }
    assert_eq!(
        json_of(&call(&plugin, "str_chars", &["\"naïve\""])),
        json!(5)
    );
    assert_eq!(
        json_of(&call(&plugin, "slice_sum", &["\"AP8H\""])),
        json!(262)
    );
    assert_eq!(
        json_of(&call(&plugin, "join", &["\"a\"", "\"ß\"", "[]", "[122]"])),
        json!("a|ß||z")
    );
    assert_eq!(
        json_of(&call(
            &plugin,
            "mixed",
            &["7", "\"b\"", &record.to_string(), "[1, 2]", "\"é\""]
        )),
        json!([7, "b", record, [1, 2], "é"])
    );
    assert_eq!(json_of(&call(&plugin, "nothing", &[])), Value::Null);
}

#[test]
fn host_functions_take_and_return_every_kind_of_value() {
    let plugin = types_plugin();
    let renamed = json!({"id": 1, "name": "new", "tags": [], "shape": "Empty", "inner": null,
                         "scores": {}});
    let run = call(
        &plugin,
        "call_rename",
        &[
            &json!({"id": 1, "name": "old", "tags": [], "shape": "Empty", "scores": {}})
                .to_string(),
            "\"new\"",
            "--host",
            &format!("rename={renamed}"),
            "--verbose",
        ],
    );
    assert_eq!(json_of(&run), renamed);
    assert!(
        run.stderr
            .contains("host rename({\"id\":1,\"name\":\"old\""),
        "the call is shown: {run:#?}"
    );
    assert_eq!(
        json_of(&call(
            &plugin,
            "call_upper",
            &["\"abc\"", "--host", "TypesHost.upper=\"ABC\""]
        )),
        json!("ABC")
    );
    assert_eq!(
        json_of(&call(
            &plugin,
            "call_bytes_back",
            &["3", "--host", "bytes_back=\"AAEC\""]
        )),
        json!(3)
    );
    // A function that returns nothing needs no answer.
    assert_eq!(
        json_of(&call(&plugin, "call_remember", &["5"])),
        Value::Null
    );
    let failed = call(
        &plugin,
        "call_div",
        &[
            "1",
            "0",
            "--host-error",
            "checked_div=cannot divide by zero",
        ],
    );
    assert!(
        failed
            .fails(1)
            .contains("host function `checked_div` failed: cannot divide by zero")
    );
}

#[test]
fn bad_host_answers_are_refused_before_the_call() {
    let plugin = types_plugin();
    let message = call(&plugin, "call_upper", &["\"a\"", "--host", "upper=3"])
        .fails(2)
        .to_string();
    assert!(
        message.contains("--host upper: expected String (a string), found 3"),
        "{message}"
    );
    let message = call(&plugin, "call_upper", &["\"a\"", "--host", "upper=ABC"])
        .fails(2)
        .to_string();
    assert!(message.contains("not JSON"), "{message}");
    let message = call(&plugin, "call_upper", &["\"a\"", "--host", "uper=\"A\""])
        .fails(2)
        .to_string();
    assert!(message.contains("no host function `uper`"), "{message}");
    assert!(message.contains("upper(String) -> String"), "{message}");
    let message = call(&plugin, "call_upper", &["\"a\"", "--host", "upper"])
        .fails(2)
        .to_string();
    assert!(message.contains("expected NAME=JSON"), "{message}");
}

#[test]
fn json_that_does_not_fit_names_the_path_and_the_expected_type() {
    let plugin = types_plugin();
    let message = call(&plugin, "echo_shape", &["\"Square\""])
        .fails(2)
        .to_string();
    assert!(
        message.contains(
            "args[0]: expected one of Empty, Circle(f32), Rect { w: u32, h: u32 }, \
             Path(Vec<(i16, i16)>), found \"Square\""
        ),
        "{message}"
    );
    let record = json!({"id": 1, "name": "n", "tags": [], "shape": {"Rect": {"w": -1, "h": 2}},
                        "scores": {}});
    let message = call(&plugin, "echo_record", &[&record.to_string()])
        .fails(2)
        .to_string();
    assert!(
        message.contains(
            "args[0].shape.Rect.w: expected u32 (an integer from 0 to 4294967295), found -1"
        ),
        "{message}"
    );
    let message = call(&plugin, "echo_u8", &["256"]).fails(2).to_string();
    assert!(message.contains("args[0]: expected u8 (an integer from 0 to 255), found 256"));
    let message = call(&plugin, "echo_string", &["Nic"]).fails(2).to_string();
    assert!(message.contains("args[0] is not JSON"), "{message}");
    assert!(message.contains("'\"Nic\"'"), "{message}");
    let message = call(&plugin, "sum_of_nothing", &[]).fails(2).to_string();
    assert!(message.contains("no method `sum_of_nothing`"), "{message}");
    let message = call(&repo(GREETERS[0]), "helo", &["\"x\""])
        .fails(2)
        .to_string();
    assert!(message.contains("did you mean `hello`?"), "{message}");
    let message = call(&repo(GREETERS[0]), "sum", &["1"]).fails(2).to_string();
    assert!(
        message.contains("sum(i32, i32) -> i32 takes 2 argument(s), 1 given"),
        "{message}"
    );
}

#[test]
fn plugins_that_fail_end_the_command_with_their_error() {
    let plugin = types_plugin();
    let message = call(&plugin, "trap", &[]).fails(1).to_string();
    assert!(message.contains("plugin trapped in `trap`"), "{message}");
    let message = call(&plugin, "panic_with", &["\"boom\""])
        .fails(1)
        .to_string();
    assert!(
        message.contains("plugin panicked in `panic_with`"),
        "{message}"
    );
    assert!(message.contains(": boom"), "{message}");
    let message = call(&plugin, "divide", &["1", "0"]).fails(1).to_string();
    assert!(message.contains("attempt to divide by zero"), "{message}");
    let message = call(&plugin, "spin", &["100000000000", "--timeout", "200ms"])
        .fails(1)
        .to_string();
    assert!(
        message.contains("did not finish within the call timeout of 200ms"),
        "{message}"
    );
    assert!(
        message.contains("hint: allow more time with --timeout"),
        "{message}"
    );
    let message = call(&plugin, "hoard", &["64", "--max-memory", "8MiB"])
        .fails(1)
        .to_string();
    assert!(
        message.contains("beyond its limit of 8388608 bytes"),
        "{message}"
    );
    let message = call(&plugin, "recurse", &["100000000"])
        .fails(1)
        .to_string();
    assert!(message.contains("trapped"), "{message}");
}

#[test]
fn what_is_not_a_callable_plugin_is_an_error() {
    let dir = TempDir::new("call");
    let text = dir.file("notes.wasm", "hello");
    let message = call(&text, "hello", &[]).fails(1).to_string();
    assert!(
        message.contains("not a WebAssembly module (first bytes: 68 65 6c 6c 6f)"),
        "{message}"
    );
    let message = call(&repo("tests/wat/raw.wat"), "sum", &["1", "2"])
        .fails(1)
        .to_string();
    assert!(
        message.contains("carries no contract descriptor"),
        "{message}"
    );
    let message = call("/no/such.wasm", "hello", &[]).fails(1).to_string();
    assert!(message.contains("cannot read the plugin"), "{message}");
    let message = call(&types_plugin(), "spin", &["1", "--timeout", "soon"])
        .fails(2)
        .to_string();
    assert!(
        message.contains("--timeout: `soon` is not a duration"),
        "{message}"
    );
    let message = call(&types_plugin(), "spin", &["1", "--repeat", "0"]);
    assert_eq!(message.code, 2, "{message:#?}");
}

#[test]
fn repeat_reports_the_timing() {
    let run = call(&repo(GREETERS[0]), "sum", &["3", "2", "--repeat", "50"]);
    assert_eq!(run.ok(), "5\n");
    assert!(run.stderr.contains("sum: 50 call(s) in "), "{run:#?}");
    assert!(run.stderr.contains("mean "), "{run:#?}");
    // State persists across the repeated calls of one instance.
    let run = call(&types_plugin(), "add", &["2", "--repeat", "3"]);
    assert_eq!(run.ok(), "6\n");
}

#[test]
fn the_sandbox_flags_reach_the_plugin() {
    let plugin = repo("tests/wasm/sandbox.wasm");
    assert_eq!(
        json_of(&call(
            &plugin,
            "env_var",
            &["\"MODE\"", "--env", "MODE=fast"]
        )),
        json!("fast")
    );
    assert_eq!(
        json_of(&call(&plugin, "env_var", &["\"HOME\""])),
        Value::Null
    );
    assert_eq!(
        json_of(&call(&plugin, "args", &["--arg", "one", "--arg", "two"])),
        json!(["one", "two"])
    );
    let dir = TempDir::new("sandbox");
    let input = dir.file("input.txt", "ab");
    assert_eq!(
        json_of(&call(
            &plugin,
            "read_stdin",
            &["--stdin", &input, "--base64"]
        )),
        json!({"Ok": "YWI="})
    );
    let mount = format!("{}:/data:ro", dir.path().display());
    assert_eq!(
        json_of(&call(
            &plugin,
            "read_file",
            &["\"/data/input.txt\"", "--mount", &mount]
        )),
        json!({"Ok": [97, 98]})
    );
    let refused = json_of(&call(
        &plugin,
        "write_file",
        &["\"/data/new.txt\"", "[1]", "--mount", &mount],
    ));
    assert!(refused["Err"]["errno"].is_number(), "{refused}");
    let writable = format!("{}:/data", dir.path().display());
    assert_eq!(
        json_of(&call(
            &plugin,
            "write_file",
            &["\"/data/new.txt\"", "[1]", "--mount", &writable]
        )),
        json!({"Ok": null})
    );
    assert_eq!(std::fs::read(dir.path().join("new.txt")).unwrap(), [1]);
    // What the plugin prints goes to standard error, so standard output stays JSON.
    let run = call(&plugin, "print", &["\"printed\\n\""]);
    assert_eq!(json_of(&run), json!({"Ok": null}));
    assert!(run.stderr.contains("printed"), "{run:#?}");
    let message = call(&plugin, "args", &["--mount", "/no/such/dir:/x"])
        .fails(2)
        .to_string();
    assert!(message.contains("is not a directory"), "{message}");
    let message = call(&plugin, "args", &["--env", "MODE"])
        .fails(2)
        .to_string();
    assert!(message.contains("expected KEY=VALUE"), "{message}");
}

#[test]
fn log_lines_reach_standard_error_at_the_level_asked() {
    let plugin = repo("tests/wasm/sandbox.wasm");
    let run = call(&plugin, "log", &["3", "\"hello from the plugin\""]);
    assert_eq!(json_of(&run), Value::Null);
    assert!(
        run.stderr.contains("[INFO sandbox] hello from the plugin"),
        "{run:#?}"
    );
    let quiet = call(&plugin, "log", &["3", "\"hidden\"", "--log", "warn"]);
    assert!(!quiet.stderr.contains("hidden"), "{quiet:#?}");
}
