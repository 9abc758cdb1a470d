//! Plugin log lines become `tracing` events with the plugin's name and the instance's id;
//! lines the subscriber does not want are not even formatted in the plugin; every call runs
//! in a span.

mod common;

use common::events::record;
use common::{engine, repo_path, sandbox_plugin};
use tracing::Level;
use tracing::level_filters::LevelFilter;
use wasp_host::{CALL_TARGET, Instance, LOG_TARGET};

const LEVELS: [(u8, Level); 5] = [
    (1, Level::ERROR),
    (2, Level::WARN),
    (3, Level::INFO),
    (4, Level::DEBUG),
    (5, Level::TRACE),
];

#[test]
fn each_macro_becomes_an_event_at_its_level_with_plugin_and_instance() {
    let plugin = sandbox_plugin();
    let (id, events) = record(LevelFilter::TRACE, || {
        let mut p = plugin.instantiate(()).unwrap();
        for (value, _) in LEVELS {
            p.log(value, format!("line at {value}: naïve ✓")).unwrap();
        }
        Instance::id(&p)
    });
    let logged = events.events_of(LOG_TARGET);
    assert_eq!(logged.len(), LEVELS.len());
    for ((value, level), event) in LEVELS.iter().zip(&logged) {
        assert_eq!(event.level, *level);
        assert_eq!(event.message(), format!("line at {value}: naïve ✓"));
        // Named once: the call's span carries plugin and instance, so the line does not.
        assert_eq!(event.once("plugin"), "sandbox");
        assert_eq!(event.once("instance"), id.to_string());
        assert_eq!(event.field("plugin"), "");
    }
}

#[test]
fn lines_the_subscriber_does_not_want_are_not_formatted_in_the_plugin() {
    let plugin = sandbox_plugin();
    let (counts, events) = record(LevelFilter::INFO, || {
        let mut p = plugin.instantiate(()).unwrap();
        LEVELS
            .iter()
            .map(|&(value, _)| p.log_counted(value).unwrap())
            .collect::<Vec<u32>>()
    });
    assert_eq!(counts, [1, 1, 1, 0, 0]);
    let levels: Vec<Level> = events
        .events_of(LOG_TARGET)
        .iter()
        .map(|e| e.level)
        .collect();
    assert_eq!(levels, [Level::ERROR, Level::WARN, Level::INFO]);
    assert!(
        events
            .events_of(LOG_TARGET)
            .iter()
            .all(|e| e.message() == "an expensive line")
    );

    // Without any subscriber nothing is formatted at all.
    let mut p = plugin.instantiate(()).unwrap();
    for (value, _) in LEVELS {
        assert_eq!(p.log_counted(value).unwrap(), 0);
    }
}

#[test]
fn the_plugin_asks_for_the_level_again_on_every_call() {
    let mut p = sandbox_plugin().instantiate(()).unwrap();
    let (quiet, _) = record(LevelFilter::WARN, || p.log_counted(4).unwrap());
    let (verbose, events) = record(LevelFilter::DEBUG, || p.log_counted(4).unwrap());
    let (quiet_again, _) = record(LevelFilter::ERROR, || p.log_counted(4).unwrap());
    assert_eq!((quiet, verbose, quiet_again), (0, 1, 0));
    assert_eq!(events.events_of(LOG_TARGET).len(), 1);
}

#[test]
fn every_call_runs_in_a_span_with_plugin_method_and_instance() {
    let plugin = sandbox_plugin();
    let (id, events) = record(LevelFilter::DEBUG, || {
        let mut p = plugin.instantiate(()).unwrap();
        p.log(3, "inside".into()).unwrap();
        p.env_vars().unwrap();
        Instance::id(&p)
    });
    let spans: Vec<_> = events
        .spans()
        .into_iter()
        .filter(|s| s.target == CALL_TARGET)
        .collect();
    let methods: Vec<&str> = spans.iter().map(|s| s.field("method")).collect();
    assert_eq!(methods, ["log", "env_vars"]);
    for span in &spans {
        assert_eq!(span.name, "call");
        assert_eq!(span.level, Level::DEBUG);
        assert_eq!(span.field("plugin"), "sandbox");
        assert_eq!(span.field("instance"), id.to_string());
        assert_eq!((span.entered, span.exited), (1, 1));
    }
    // The plugin's log line happened inside its call's span.
    let line = &events.events_of(LOG_TARGET)[0];
    assert_eq!(line.parent.as_ref().unwrap()["method"], "log");

    // A subscriber that wants less than DEBUG gets no spans.
    let ((), events) = record(LevelFilter::INFO, || {
        let mut p = plugin.instantiate(()).unwrap();
        p.log(3, "no span".into()).unwrap();
    });
    let spans = events.spans();
    assert!(spans.iter().all(|s| s.target != CALL_TARGET), "{spans:?}");
    let line = &events.events_of(LOG_TARGET)[0];
    assert_eq!(line.parent, None);
    // Without the span, the line names its plugin and instance itself.
    assert_eq!(line.once("plugin"), "sandbox");
}

#[test]
fn plugins_are_named_after_their_file_their_contract_or_what_the_host_says() {
    let path = repo_path("tests/wasm/sandbox.wasm");
    let from_file = sandbox_plugin();
    assert_eq!(from_file.name(), "sandbox");
    let from_bytes = engine()
        .load_bytes::<dyn sandbox_contract::Sandbox>(&std::fs::read(&path).unwrap())
        .unwrap();
    assert_eq!(from_bytes.name(), "Sandbox");
    let renamed = from_file.clone().with_name("tenant-42/importer");
    assert_eq!(renamed.name(), "tenant-42/importer");
    assert_eq!(
        from_file.name(),
        "sandbox",
        "renaming gives a new plugin value"
    );

    let ((), events) = record(LevelFilter::INFO, || {
        let mut p = renamed.instantiate(()).unwrap();
        assert_eq!(Instance::plugin_name(&p), "tenant-42/importer");
        p.log(3, "hello".into()).unwrap();
    });
    assert_eq!(
        events.events_of(LOG_TARGET)[0].field("plugin"),
        "tenant-42/importer"
    );

    assert_eq!(
        engine()
            .load_raw(repo_path("tests/wat/raw.wat"))
            .unwrap()
            .name(),
        "raw"
    );
    let raw = engine()
        .load_raw_bytes(&wasp_host::Engine::wat("(module)").unwrap())
        .unwrap();
    assert_eq!(raw.name(), "raw");
    assert_eq!(
        raw.with_name("mine").instantiate().unwrap().plugin_name(),
        "mine"
    );
}

#[test]
fn instance_ids_are_unique_and_increase() {
    let plugin = sandbox_plugin();
    let ids: Vec<u64> = (0..5)
        .map(|_| Instance::id(&plugin.instantiate(()).unwrap()))
        .collect();
    assert!(ids[0] > 0);
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
}

/// A module written by hand, as a C, Go or AssemblyScript plugin would be: it imports
/// `wasp.log_level` and `wasp.log` as docs/ABI.md describes and is loaded without a contract.
const HAND_WRITTEN: &str = r#"(module
  (import "wasp" "log_level" (func $log_level (result i32)))
  (import "wasp" "log" (func $log (param i32 i32 i32)))
  (memory (export "memory") 2)
  (data (i32.const 16) "hello from WAT")
  (func (export "level") (result i32) (call $log_level))
  (func (export "say") (param $level i32)
    (call $log (local.get $level) (i32.const 16) (i32.const 14)))
  (func (export "say_long")
    (call $log (i32.const 3) (i32.const 0) (i32.const 70000))))"#;

#[test]
fn a_hand_written_module_asks_the_level_and_logs() {
    let plugin = engine()
        .load_raw_bytes(&wasp_host::Engine::wat(HAND_WRITTEN).unwrap())
        .unwrap();
    let mut raw = plugin.instantiate().unwrap();
    assert_eq!(
        raw.call::<i32>("level", ()).unwrap(),
        0,
        "no subscriber: no lines wanted"
    );
    for (filter, expected) in [
        (LevelFilter::OFF, 0),
        (LevelFilter::ERROR, 1),
        (LevelFilter::WARN, 2),
        (LevelFilter::INFO, 3),
        (LevelFilter::DEBUG, 4),
        (LevelFilter::TRACE, 5),
    ] {
        let (level, _) = record(filter, || raw.call::<i32>("level", ()).unwrap());
        assert_eq!(level, expected, "{filter}");
    }
    let id = raw.id();
    let ((), events) = record(LevelFilter::INFO, || {
        raw.call::<()>("say", (2,)).unwrap();
        raw.call::<()>("say", (4,)).unwrap(); // above the level: dropped by the host
        raw.call::<()>("say_long", ()).unwrap();
    });
    let logged = events.events_of(LOG_TARGET);
    assert_eq!(logged.len(), 2);
    assert_eq!(logged[0].level, Level::WARN);
    assert_eq!(logged[0].message(), "hello from WAT");
    assert_eq!(logged[0].field("plugin"), "raw");
    assert_eq!(logged[0].field("instance"), id.to_string());
    // A longer line than the host keeps is cut at the maximum.
    assert_eq!(logged[1].message().len(), wasp_abi::MAX_LOG_LINE as usize);
}

/// The call span follows an async call's future across its suspensions, and the plugin's
/// log lines happen inside it.
#[test]
fn async_calls_run_in_their_span() {
    let plugin = sandbox_plugin();
    let (id, events) = record(LevelFilter::DEBUG, || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let mut p = plugin.instantiate_async(()).await.unwrap();
            p.log(3, "inside".into()).await.unwrap();
            p.env_vars().await.unwrap();
            let id = wasp_host::AsyncInstance::id(&p);
            // A host function that sleeps suspends the call: its span is exited, then
            // entered again when the call resumes.
            let mut greeter = engine()
                .load::<dyn greeter_contract::Greeter>(repo_path(
                    "examples/greeter/plugins/greeter-rust.wasm",
                ))
                .unwrap()
                .instantiate_async(SleepyHost)
                .await
                .unwrap();
            greeter.callback().await.unwrap();
            id
        })
    });
    let resumed = events
        .spans()
        .into_iter()
        .find(|s| s.target == CALL_TARGET && s.field("method") == "callback")
        .expect("the callback's span");
    assert!(resumed.entered >= 2, "{resumed:?}");
    assert_eq!(resumed.entered, resumed.exited);
    let spans: Vec<_> = events
        .spans()
        .into_iter()
        .filter(|s| s.target == CALL_TARGET)
        .collect();
    let methods: Vec<&str> = spans.iter().map(|s| s.field("method")).collect();
    assert_eq!(methods, ["log", "env_vars", "callback"]);
    for span in &spans[..2] {
        assert_eq!(span.field("instance"), id.to_string());
        assert!(span.entered >= 1 && span.entered == span.exited, "{span:?}");
    }
    let line = &events.events_of(LOG_TARGET)[0];
    assert_eq!(line.parent.as_ref().unwrap()["method"], "log");
    assert_eq!(line.message(), "inside");
}

struct SleepyHost;

impl greeter_contract::AsyncGreeterHost for SleepyHost {
    async fn call_me(&mut self, name: String) -> String {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        format!("Hello {name}")
    }
}
