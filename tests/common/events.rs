//! A small `tracing` subscriber that records spans and events, for tests that check what
//! reaches the host's subscriber.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tracing::level_filters::LevelFilter;
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};

/// One event, or one span (with how often it was entered and exited).
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    pub is_span: bool,
    pub name: String,
    pub target: String,
    pub level: Level,
    pub fields: BTreeMap<String, String>,
    /// For an event: the fields of the span it happened in, if any.
    pub parent: Option<BTreeMap<String, String>>,
    pub entered: u32,
    pub exited: u32,
}

impl Recorded {
    pub fn field(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", String::as_str)
    }

    pub fn message(&self) -> &str {
        self.field("message")
    }

    /// Field `name` of an event, which must appear exactly once: on the event or on the span
    /// it happened in.
    pub fn once(&self, name: &str) -> &str {
        let own = self.fields.get(name);
        let inherited = self.parent.as_ref().and_then(|p| p.get(name));
        match (own, inherited) {
            (Some(value), None) | (None, Some(value)) => value,
            (Some(_), Some(_)) => panic!("`{name}` is both on the event and its span: {self:?}"),
            (None, None) => panic!("`{name}` is neither on the event nor its span: {self:?}"),
        }
    }
}

#[derive(Default)]
struct State {
    records: Vec<Recorded>,
    /// Index into `records` of each span by id.
    spans: BTreeMap<u64, usize>,
    /// Each span's metadata by id, for `current_span`.
    metadata: BTreeMap<u64, &'static Metadata<'static>>,
    stack: Vec<u64>,
}

/// Records everything at `max` and below.
#[derive(Clone)]
pub struct Recorder {
    max: LevelFilter,
    state: Arc<Mutex<State>>,
    next_id: Arc<AtomicU64>,
}

impl Recorder {
    pub fn new(max: LevelFilter) -> Self {
        Recorder {
            max,
            state: Arc::default(),
            next_id: Arc::new(AtomicU64::new(1)),
        }
    }

    pub fn records(&self) -> Vec<Recorded> {
        self.state.lock().unwrap().records.clone()
    }

    pub fn events(&self) -> Vec<Recorded> {
        self.records().into_iter().filter(|r| !r.is_span).collect()
    }

    pub fn spans(&self) -> Vec<Recorded> {
        self.records().into_iter().filter(|r| r.is_span).collect()
    }

    /// The events of `target`.
    pub fn events_of(&self, target: &str) -> Vec<Recorded> {
        self.events()
            .into_iter()
            .filter(|r| r.target == target)
            .collect()
    }
}

/// Runs `f` with a recorder at `max` as this thread's subscriber.
pub fn record<R>(max: LevelFilter, f: impl FnOnce() -> R) -> (R, Recorder) {
    let recorder = Recorder::new(max);
    let result = tracing::subscriber::with_default(recorder.clone(), f);
    (result, recorder)
}

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn fmt::Debug) {
        self.0
            .insert(field.name().to_string(), format!("{value:?}"));
    }

    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.insert(field.name().to_string(), value.to_string());
    }
}

impl Subscriber for Recorder {
    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        // Several recorders with different levels may live at once: ask every time.
        let _ = metadata;
        Interest::sometimes()
    }

    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        self.max >= *metadata.level()
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        Some(self.max)
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let mut fields = BTreeMap::new();
        span.record(&mut Fields(&mut fields));
        let meta = span.metadata();
        let mut state = self.state.lock().unwrap();
        state.records.push(Recorded {
            is_span: true,
            name: meta.name().to_string(),
            target: meta.target().to_string(),
            level: *meta.level(),
            fields,
            parent: None,
            entered: 0,
            exited: 0,
        });
        let index = state.records.len() - 1;
        state.spans.insert(id, index);
        state.metadata.insert(id, meta);
        Id::from_u64(id)
    }

    // What `tracing::Span::current()` answers, as real subscribers do.
    fn current_span(&self) -> tracing_core::span::Current {
        let state = self.state.lock().unwrap();
        match state.stack.last() {
            Some(&id) => match state.metadata.get(&id) {
                Some(meta) => tracing_core::span::Current::new(Id::from_u64(id), meta),
                None => tracing_core::span::Current::none(),
            },
            None => tracing_core::span::Current::none(),
        }
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut state = self.state.lock().unwrap();
        if let Some(&index) = state.spans.get(&span.into_u64()) {
            values.record(&mut Fields(&mut state.records[index].fields));
        }
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        let meta = event.metadata();
        let mut state = self.state.lock().unwrap();
        // An explicit parent (or none, for a root event) wins over the entered span.
        let parent_id = if event.is_root() {
            None
        } else if let Some(id) = event.parent() {
            Some(id.into_u64())
        } else {
            state.stack.last().copied()
        };
        let parent = parent_id
            .and_then(|id| state.spans.get(&id))
            .map(|&index| state.records[index].fields.clone());
        state.records.push(Recorded {
            is_span: false,
            name: meta.name().to_string(),
            target: meta.target().to_string(),
            level: *meta.level(),
            fields,
            parent,
            entered: 0,
            exited: 0,
        });
    }

    fn enter(&self, span: &Id) {
        let mut state = self.state.lock().unwrap();
        let id = span.into_u64();
        state.stack.push(id);
        if let Some(&index) = state.spans.get(&id) {
            state.records[index].entered += 1;
        }
    }

    fn exit(&self, span: &Id) {
        let mut state = self.state.lock().unwrap();
        let id = span.into_u64();
        if let Some(position) = state.stack.iter().rposition(|&s| s == id) {
            state.stack.remove(position);
        }
        if let Some(&index) = state.spans.get(&id) {
            state.records[index].exited += 1;
        }
    }
}
