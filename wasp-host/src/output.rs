//! Standard output and error of an instance: captured into a capped buffer, or forwarded to
//! `tracing` line by line.

use crate::logging::{STDERR_TARGET, STDOUT_TARGET};
use bytes::Bytes;
use std::fmt;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};
use wasmtime_wasi::p2::{OutputStream, Pollable, StreamResult};

/// Longest line of plugin output forwarded to `tracing` as one event
/// ([`Output::Tracing`]);
/// a longer line arrives as several events of at most this many bytes.
pub const MAX_FORWARDED_LINE: usize = 16 * 1024;

/// Where a plugin's standard output or standard error goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Output {
    /// To the host process's own standard output (or error).
    Inherit,
    /// Nowhere: writes succeed and the bytes are dropped.
    Discard,
    /// Into a buffer the host reads with [`Instance::captured`](crate::Instance::captured)
    /// (or [`RawInstance::captured`](crate::RawInstance::captured)). The buffer holds at most
    /// [`InstanceConfig::capture_limit`](crate::InstanceConfig::capture_limit) bytes ([`DEFAULT_CAPTURE_LIMIT`](crate::DEFAULT_CAPTURE_LIMIT) unless set); output
    /// beyond that is dropped and counted, while the plugin's writes keep succeeding, so a
    /// plugin cannot make the host's memory grow by printing.
    Capture,
    /// Line by line into `tracing` events with the plugin's name and the instance's id
    /// ([`STDOUT_TARGET`](crate::STDOUT_TARGET) at `INFO`, [`STDERR_TARGET`](crate::STDERR_TARGET) at `WARN`). A line without its final
    /// newline is forwarded when the instance is dropped. The default.
    #[default]
    Tracing,
}

/// One of an instance's two output streams.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
}

/// The capture buffers of one instance, for the streams that capture.
#[derive(Debug, Default)]
pub(crate) struct CapturedOutput {
    stdout: Option<Arc<Captured>>,
    stderr: Option<Arc<Captured>>,
}

impl CapturedOutput {
    /// The capture of `stream`, if it is captured.
    pub(crate) fn get(&self, stream: Stream) -> Option<&Captured> {
        match stream {
            Stream::Stdout => self.stdout.as_deref(),
            Stream::Stderr => self.stderr.as_deref(),
        }
    }

    /// The sink WASI writes `stream` into when it goes to `output`, recording a capture;
    /// `None` for the streams WASI itself inherits or discards.
    pub(crate) fn sink(
        &mut self,
        stream: Stream,
        output: Output,
        limit: usize,
        plugin: &Arc<str>,
        instance: u64,
    ) -> Option<Sink> {
        match output {
            Output::Inherit | Output::Discard => None,
            Output::Capture => {
                let capture = Arc::new(Captured::new(limit));
                let slot = match stream {
                    Stream::Stdout => &mut self.stdout,
                    Stream::Stderr => &mut self.stderr,
                };
                *slot = Some(capture.clone());
                Some(Sink::Capture(capture))
            }
            Output::Tracing => Some(Sink::Forward(Arc::new(Forwarder::new(
                stream,
                plugin.clone(),
                instance,
            )))),
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // The state stays consistent even if a holder panicked: every update is one step.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// What an instance wrote to a stream captured with
/// [`Output::Capture`](crate::Output::Capture): at most the configuration's capture limit,
/// the rest counted and dropped. Reach it with `Instance::captured` or
/// `RawInstance::captured`.
pub struct Captured {
    limit: usize,
    state: Mutex<CaptureState>,
}

#[derive(Default)]
struct CaptureState {
    bytes: Vec<u8>,
    dropped: u64,
}

impl Captured {
    fn new(limit: usize) -> Self {
        Captured {
            limit,
            state: Mutex::new(CaptureState::default()),
        }
    }

    fn write(&self, data: &[u8]) {
        let mut state = lock(&self.state);
        let len = state.bytes.len();
        let keep = self.limit.saturating_sub(len).min(data.len());
        if keep > 0 {
            // Grow by doubling, but never past the limit, so the buffer's allocation stays
            // within the documented cap.
            let needed = len + keep;
            if needed > state.bytes.capacity() {
                let target = needed.max(state.bytes.capacity() * 2).min(self.limit);
                state.bytes.reserve_exact(target - len);
            }
            state.bytes.extend_from_slice(&data[..keep]);
        }
        state.dropped += (data.len() - keep) as u64;
    }

    /// A copy of what was captured so far.
    pub fn contents(&self) -> Vec<u8> {
        lock(&self.state).bytes.clone()
    }

    /// Takes what was captured so far, leaving the buffer empty (and with room for another
    /// capture limit's worth).
    pub fn take(&self) -> Vec<u8> {
        std::mem::take(&mut lock(&self.state).bytes)
    }

    /// How many bytes were dropped since the instance was created, because the buffer was
    /// full.
    pub fn dropped(&self) -> u64 {
        lock(&self.state).dropped
    }
}

impl fmt::Debug for Captured {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = lock(&self.state);
        f.debug_struct("Captured")
            .field("len", &state.bytes.len())
            .field("limit", &self.limit)
            .field("dropped", &state.dropped)
            .finish()
    }
}

/// Forwards a stream to `tracing`, one event per line.
pub(crate) struct Forwarder {
    stream: Stream,
    plugin: Arc<str>,
    instance: u64,
    line: Mutex<Vec<u8>>,
}

impl Forwarder {
    fn new(stream: Stream, plugin: Arc<str>, instance: u64) -> Self {
        Forwarder {
            stream,
            plugin,
            instance,
            line: Mutex::new(Vec::new()),
        }
    }

    fn write(&self, data: &[u8]) {
        let mut line = lock(&self.line);
        split_lines(&mut line, data, MAX_FORWARDED_LINE, |l| self.emit(l));
        if line.capacity() > MAX_FORWARDED_LINE {
            line.shrink_to(MAX_FORWARDED_LINE);
        }
    }

    fn emit(&self, line: &[u8]) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let (plugin, instance) = (&*self.plugin, self.instance);
        // Root events: the plugin's `fd_write` runs inside the engine's WASI span, whose
        // fields (guest memory addresses) say nothing to the host's reader.
        match self.stream {
            Stream::Stdout => tracing::info!(
                target: STDOUT_TARGET,
                parent: None,
                plugin,
                instance,
                "{}",
                String::from_utf8_lossy(line)
            ),
            Stream::Stderr => tracing::warn!(
                target: STDERR_TARGET,
                parent: None,
                plugin,
                instance,
                "{}",
                String::from_utf8_lossy(line)
            ),
        }
    }
}

/// Appends `data` to the unfinished `line` and calls `emit` with every line it completes,
/// without its newline. A line reaching `max` bytes is emitted as it is; a newline right
/// after it only ends it.
fn split_lines(line: &mut Vec<u8>, mut data: &[u8], max: usize, mut emit: impl FnMut(&[u8])) {
    while !data.is_empty() {
        let room = max - line.len();
        match data.iter().take(room + 1).position(|&b| b == b'\n') {
            Some(end) => {
                line.extend_from_slice(&data[..end]);
                emit(line);
                line.clear();
                data = &data[end + 1..];
            }
            None if data.len() <= room => {
                line.extend_from_slice(data);
                data = &[];
            }
            None => {
                line.extend_from_slice(&data[..room]);
                emit(line);
                line.clear();
                data = &data[room..];
            }
        }
    }
}

impl Drop for Forwarder {
    fn drop(&mut self) {
        let line = std::mem::take(&mut *lock(&self.line));
        if !line.is_empty() {
            self.emit(&line);
        }
    }
}

/// The stream object WASI writes a captured or forwarded stdout or stderr into.
#[derive(Clone)]
pub(crate) enum Sink {
    Capture(Arc<Captured>),
    Forward(Arc<Forwarder>),
}

impl Sink {
    fn write(&self, data: &[u8]) {
        match self {
            Sink::Capture(c) => c.write(data),
            Sink::Forward(f) => f.write(data),
        }
    }
}

impl IsTerminal for Sink {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for Sink {
    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(self.clone())
    }

    fn async_stream(&self) -> Box<dyn tokio::io::AsyncWrite + Send + Sync> {
        Box::new(self.clone())
    }
}

/// How much WASI may hand over in one write; any amount is accepted at once.
const WRITE_PERMIT: usize = 64 * 1024;

impl OutputStream for Sink {
    fn write(&mut self, bytes: Bytes) -> StreamResult<()> {
        Sink::write(self, &bytes);
        Ok(())
    }

    fn flush(&mut self) -> StreamResult<()> {
        Ok(())
    }

    fn check_write(&mut self) -> StreamResult<usize> {
        Ok(WRITE_PERMIT)
    }
}

#[wasmtime_wasi::async_trait]
impl Pollable for Sink {
    async fn ready(&mut self) {}
}

impl tokio::io::AsyncWrite for Sink {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Sink::write(&self, buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_capture_keeps_the_first_bytes_up_to_its_limit_and_counts_the_rest() {
        let c = Captured::new(10);
        c.write(b"0123");
        c.write(b"456789abc");
        c.write(b"def");
        assert_eq!(c.contents(), b"0123456789");
        assert_eq!(c.dropped(), 6);
        assert!(lock(&c.state).bytes.capacity() <= 10);
        assert_eq!(c.take(), b"0123456789");
        c.write(b"gh");
        assert_eq!(c.contents(), b"gh");
        assert_eq!(c.dropped(), 6);
    }

    #[test]
    fn output_splits_into_lines_of_at_most_the_maximum() {
        let mut lines: Vec<String> = Vec::new();
        let mut line = Vec::new();
        for chunk in ["ab\ncd", "e\n\nabcd", "\nabcdefghij", "\n", "xy"] {
            split_lines(&mut line, chunk.as_bytes(), 4, |l| {
                lines.push(String::from_utf8(l.to_vec()).unwrap())
            });
        }
        // A line of exactly the maximum is one line, with or without its newline in the
        // same write; a longer one comes in pieces; the unfinished end waits.
        assert_eq!(lines, ["ab", "cde", "", "abcd", "abcd", "efgh", "ij"]);
        assert_eq!(line, b"xy");
    }
}
