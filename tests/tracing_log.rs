//! The call span with `tracing`'s `log` fallback on (wasp-host's tests enable `tracing/log`,
//! as many applications do through their dependencies): without a subscriber no span is
//! built and nothing reaches `log`; with a subscriber that wants it, the span is there.
//!
//! One test, in its own binary: the fallback is live only while no `tracing` dispatcher has
//! ever been set in the process, so the phases must run in this order, alone.

mod common;

use common::events::record;
use common::repo_path;
use greeter_contract::{Greeter, GreeterHost};
use std::sync::Mutex;
use tracing::level_filters::LevelFilter;
use wasp_host::{CALL_TARGET, Engine};

struct Host;

impl GreeterHost for Host {
    fn call_me(&mut self, name: String) -> String {
        format!("Hello {name}")
    }
}

/// Every `log` record, as "target: message".
struct Logger(Mutex<Vec<String>>);

impl log::Log for Logger {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        self.0
            .lock()
            .unwrap()
            .push(format!("{}: {}", record.target(), record.args()));
    }

    fn flush(&self) {}
}

static LOGGER: Logger = Logger(Mutex::new(Vec::new()));

fn take_logged() -> Vec<String> {
    std::mem::take(&mut *LOGGER.0.lock().unwrap())
}

#[test]
fn call_spans_never_take_the_log_fallback_and_reach_subscribers_that_want_them() {
    log::set_logger(&LOGGER).unwrap();
    log::set_max_level(log::LevelFilter::Trace);
    assert!(
        !tracing::dispatcher::has_been_set(),
        "no subscriber may be set before the first phase"
    );
    let plugin = Engine::new()
        .unwrap()
        .load::<dyn Greeter>(repo_path("examples/greeter/plugins/greeter-c.wasm"))
        .unwrap();
    let mut greeter = plugin.instantiate(Host).unwrap();

    // The control: in this process a disabled span does reach `log`, so the fallback the
    // call path must avoid is live.
    take_logged();
    {
        let span = tracing::debug_span!(target: "control", "control", field = 1);
        let _entered = span.enter();
    }
    let control = take_logged();
    assert!(
        control.iter().any(|r| r.contains("control")),
        "tracing/log is not enabled in this test binary: {control:?}"
    );

    // No subscriber: calls build no span and log nothing.
    for _ in 0..3 {
        assert_eq!(greeter.hello("Nic".into()).unwrap(), "Hello Nic");
        assert_eq!(greeter.sum(1, 2).unwrap(), 3);
    }
    let logged = take_logged();
    assert!(logged.is_empty(), "calls reached `log`: {logged:?}");

    // A subscriber that wants DEBUG: one `call` span per call, with its fields.
    let (_, recorder) = record(LevelFilter::DEBUG, || {
        assert_eq!(greeter.sum(2, 3).unwrap(), 5);
    });
    let spans: Vec<_> = recorder
        .spans()
        .into_iter()
        .filter(|s| s.target == CALL_TARGET)
        .collect();
    assert_eq!(spans.len(), 1, "{spans:?}");
    assert_eq!(spans[0].name, "call");
    assert_eq!(spans[0].field("method"), "sum");
    assert_eq!(spans[0].field("plugin"), "greeter-c");
    assert_eq!((spans[0].entered, spans[0].exited), (1, 1));

    // A subscriber that wants only INFO: no span.
    let (_, recorder) = record(LevelFilter::INFO, || {
        assert_eq!(greeter.sum(2, 3).unwrap(), 5);
    });
    assert!(recorder.spans().is_empty(), "{:?}", recorder.spans());
    // Once a dispatcher has been set, `tracing` never falls back to `log` again.
    assert!(take_logged().is_empty());
}
