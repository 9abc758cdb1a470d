//! The plugin's log lines (`wasp::info!` in a Rust plugin, `wasp.log` in the ABI) on standard
//! error, as `[INFO greeter-rust] line`. A `tracing` subscriber of a few lines: the host
//! engine asks it which levels it wants, so a plugin does not even format the lines it skips.

use tracing::level_filters::LevelFilter;
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

/// From which level on the plugin's log lines are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogLevel {
    Off,
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

impl LogLevel {
    fn level(self) -> Option<Level> {
        match self {
            LogLevel::Off => None,
            LogLevel::Error => Some(Level::ERROR),
            LogLevel::Warn => Some(Level::WARN),
            LogLevel::Info => Some(Level::INFO),
            LogLevel::Debug => Some(Level::DEBUG),
            LogLevel::Trace => Some(Level::TRACE),
        }
    }
}

/// Shows the plugin's log lines from `level` on, for the rest of the process.
pub fn install(level: LogLevel) {
    if let Some(max) = level.level() {
        // Fails only when a subscriber is already installed, which then keeps the lines.
        let _ = tracing::subscriber::set_global_default(PluginLog { max });
    }
}

struct PluginLog {
    max: Level,
}

impl Subscriber for PluginLog {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target() == wasp_host::LOG_TARGET && *metadata.level() <= self.max
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        Some(LevelFilter::from_level(self.max))
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        // No span is enabled (only events of the log target are), so ids never matter.
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        eprintln!(
            "[{} {}] {}",
            event.metadata().level(),
            fields.plugin,
            fields.message
        );
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

#[derive(Default)]
struct Fields {
    plugin: String,
    message: String,
}

impl tracing::field::Visit for Fields {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        if field.name() == "plugin" {
            self.plugin = value.to_string();
        }
    }

    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        match field.name() {
            "message" => self.message = format!("{value:?}"),
            "plugin" => self.plugin = format!("{value:?}"),
            _ => {}
        }
    }
}
