//! The Java and Zig guest libraries beyond what the Greeter reaches: panics with their message
//! and the plugin's source location, runtime errors (an index past the end) as panics, log
//! lines at every level, and postcard values of every kind, through one small contract that
//! each library's plugin implements (tests/guests/zig/checks.zig, tests/guests/java).

mod common;

use common::events::record;
use common::{engine, repo_path, sample_record};
use tracing::Level;
use tracing::level_filters::LevelFilter;
use types_contract::{Record, Shape};
use wasp_host::{Instance, LOG_TARGET};

/// What a guest library must get right that the Greeter does not show.
#[wasp::plugin]
pub trait GuestChecks {
    /// Fails the call with `message`, raised in the plugin's own code.
    fn panic_with(&self, message: String);
    /// The element at `index` of a three-element array: beyond it, the language's own check.
    fn element(&self, index: u32) -> u32;
    /// Sends `message` to the host's log at `level` (1 error to 5 trace) and says whether the
    /// host wanted it. (Not `log`: a Zig export of that name collides with compiler_rt's.)
    fn log_line(&self, level: u32, message: String) -> bool;
    fn echo_option(&self, v: Option<String>) -> Option<String>;
    fn echo_result(&self, v: Result<u32, String>) -> Result<u32, String>;
    fn echo_vec(&self, v: Vec<i64>) -> Vec<i64>;
    fn echo_record(&self, v: Record) -> Record;
}

/// One plugin per language: its name, artifact, and the source file its panic locations name.
struct Plugin {
    language: &'static str,
    artifact: &'static str,
    /// The file as the location names it, and where it is in the repository.
    location_file: &'static str,
    source: &'static str,
}

const PLUGINS: &[Plugin] = &[
    Plugin {
        language: "zig",
        artifact: "tests/wasm/checks-zig.wasm",
        // Zig names files relative to their module's root directory.
        location_file: "checks.zig",
        source: "tests/guests/zig/checks.zig",
    },
    Plugin {
        language: "java",
        artifact: "tests/wasm/checks-java.wasm",
        // Java knows a class's file name; the library puts its package's directory in front.
        location_file: "wasp/example/checks/Checks.java",
        source: "tests/guests/java/src/main/java/wasp/example/checks/Checks.java",
    },
];

fn instance(plugin: &Plugin) -> Instance<dyn GuestChecks> {
    engine()
        .load::<dyn GuestChecks>(repo_path(plugin.artifact))
        .unwrap_or_else(|e| panic!("{}: {e}", plugin.artifact))
        .instantiate(())
        .unwrap_or_else(|e| panic!("{}: {e}", plugin.artifact))
}

/// The source line a panic's location points at.
fn source_line(plugin: &Plugin, location: &wasp::Location) -> String {
    assert_eq!(location.file, plugin.location_file, "{}", plugin.language);
    let source = std::fs::read_to_string(repo_path(plugin.source)).unwrap();
    source
        .lines()
        .nth(location.line as usize - 1)
        .unwrap_or_else(|| panic!("{}: no line {}", plugin.language, location.line))
        .trim()
        .to_string()
}

#[test]
fn a_panic_carries_its_message_and_the_line_that_raised_it() {
    for plugin in PLUGINS {
        let mut checks = instance(plugin);
        let message = "the plugin gave up: naïve ✗";
        match checks.panic_with(message.into()).unwrap_err() {
            wasp::Error::Panic {
                function,
                message: reported,
                location,
            } => {
                assert_eq!(function, "panic_with", "{}", plugin.language);
                let location = location.expect("a location");
                let line = source_line(plugin, &location);
                match plugin.language {
                    "zig" => {
                        assert_eq!(reported, message);
                        assert!(line.contains("wasp.panicAt"), "zig: line is `{line}`");
                        assert!(location.column > 0, "zig: {location}");
                    }
                    _ => {
                        // An exception reports its type, its message, and the frame that
                        // threw it: here a helper below the export, which TeaVM inlined.
                        assert_eq!(
                            reported,
                            format!("java.lang.IllegalStateException: {message}")
                        );
                        assert!(
                            line.contains("throw new IllegalStateException"),
                            "java: line is `{line}`"
                        );
                        assert_eq!(location.column, 0, "java: {location}");
                    }
                }
            }
            other => panic!("{}: expected a panic, got {other:?}", plugin.language),
        }
        assert!(Instance::is_poisoned(&checks), "{}", plugin.language);
    }
}

#[test]
fn an_index_past_the_end_is_a_panic_not_a_read_of_other_memory() {
    for plugin in PLUGINS {
        let mut checks = instance(plugin);
        assert_eq!(checks.element(2).unwrap(), 30, "{}", plugin.language);
        match checks.element(3).unwrap_err() {
            wasp::Error::Panic {
                message, location, ..
            } => match plugin.language {
                "zig" => {
                    // Zig's safety checks report to the panic handler without a location.
                    assert_eq!(message, "index out of bounds: index 3, len 3");
                    assert_eq!(location, None);
                }
                _ => {
                    // TeaVM's runtime raises it; the library still names its type (TeaVM
                    // keeps no class name for it) and the plugin's line that indexed.
                    assert!(
                        message.starts_with("java.lang.ArrayIndexOutOfBoundsException"),
                        "{message}"
                    );
                    let line = source_line(plugin, &location.expect("a location"));
                    assert!(line.contains("ELEMENTS[index]"), "java: line is `{line}`");
                }
            },
            other => panic!("{}: expected a panic, got {other:?}", plugin.language),
        }
    }
}

const LEVELS: [(u32, Level); 5] = [
    (1, Level::ERROR),
    (2, Level::WARN),
    (3, Level::INFO),
    (4, Level::DEBUG),
    (5, Level::TRACE),
];

#[test]
fn log_lines_reach_the_host_at_their_level() {
    for plugin in PLUGINS {
        let (id, events) = record(LevelFilter::TRACE, || {
            let mut checks = instance(plugin);
            for (value, _) in LEVELS {
                let wanted = checks
                    .log_line(value, format!("line {value}: naïve ✓"))
                    .unwrap();
                assert!(wanted, "{}: level {value}", plugin.language);
            }
            Instance::id(&checks)
        });
        let logged = events.events_of(LOG_TARGET);
        assert_eq!(logged.len(), LEVELS.len(), "{}", plugin.language);
        for ((value, level), event) in LEVELS.iter().zip(&logged) {
            assert_eq!(event.level, *level, "{}", plugin.language);
            let expected = match (plugin.language, value) {
                // std.log's scope goes in front, as Zig's own logger writes it.
                ("zig", 4) => format!("(checks) line {value}: naïve ✓"),
                _ => format!("line {value}: naïve ✓"),
            };
            assert_eq!(event.message(), expected, "{}", plugin.language);
            let stem = plugin.artifact.rsplit('/').next().unwrap();
            assert_eq!(event.once("plugin"), stem.trim_end_matches(".wasm"));
            assert_eq!(event.once("instance"), id.to_string());
        }
    }
}

#[test]
fn lines_above_the_hosts_level_are_dropped_in_the_plugin() {
    for plugin in PLUGINS {
        let (wanted, events) = record(LevelFilter::INFO, || {
            let mut checks = instance(plugin);
            LEVELS
                .iter()
                .map(|&(value, _)| checks.log_line(value, "quiet?".into()).unwrap())
                .collect::<Vec<bool>>()
        });
        assert_eq!(
            wanted,
            [true, true, true, false, false],
            "{}",
            plugin.language
        );
        let levels: Vec<Level> = events
            .events_of(LOG_TARGET)
            .iter()
            .map(|e| e.level)
            .collect();
        assert_eq!(
            levels,
            [Level::ERROR, Level::WARN, Level::INFO],
            "{}",
            plugin.language
        );
    }
}

/// Records that reach every variant of `Shape`, empty and full collections, the extremes of
/// every number and a nested record.
fn records() -> Vec<Record> {
    let mut all = vec![sample_record()];
    for shape in [
        Shape::Empty,
        Shape::Circle(-0.5),
        Shape::Circle(f32::MAX),
        Shape::Rect { w: u32::MAX, h: 0 },
        Shape::Path(Vec::new()),
        Shape::Path(vec![(i16::MIN, i16::MAX), (0, -1)]),
    ] {
        all.push(Record {
            id: 0,
            name: "🦀".into(),
            tags: vec!["a".into(); 3],
            shape,
            inner: Some(Box::new(sample_record())),
            scores: [
                ("x".to_string(), f64::MIN_POSITIVE),
                ("é".to_string(), -0.0),
            ]
            .into_iter()
            .collect(),
        });
    }
    all
}

#[test]
fn postcard_values_round_trip() {
    for plugin in PLUGINS {
        let language = plugin.language;
        let mut checks = instance(plugin);
        for v in [None, Some(String::new()), Some("naïve ✓".to_string())] {
            assert_eq!(checks.echo_option(v.clone()).unwrap(), v, "{language}");
        }
        for v in [
            Ok(0),
            Ok(u32::MAX),
            Err(String::new()),
            Err("✗".to_string()),
        ] {
            assert_eq!(checks.echo_result(v.clone()).unwrap(), v, "{language}");
        }
        for v in [
            Vec::new(),
            vec![i64::MIN, -1, 0, 1, i64::MAX],
            (-300..300).collect(),
        ] {
            assert_eq!(checks.echo_vec(v.clone()).unwrap(), v, "{language}");
        }
        for v in records() {
            assert_eq!(checks.echo_record(v.clone()).unwrap(), v, "{language}");
        }
    }
}

#[test]
fn decoding_and_encoding_values_leaves_memory_where_it_was() {
    let record = sample_record();
    for plugin in PLUGINS {
        let mut checks = instance(plugin);
        let mut after_warm_up = 0;
        for i in 0..20_000u32 {
            assert_eq!(checks.echo_record(record.clone()).unwrap(), record);
            if i == 999 {
                after_warm_up = Instance::memory_size(&checks);
            }
        }
        assert_eq!(
            Instance::memory_size(&checks),
            after_warm_up,
            "{}: memory grew",
            plugin.language
        );
    }
}
