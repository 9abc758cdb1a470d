//! What one instance may see and where its output goes: environment, arguments, directory
//! mounts, standard input, standard output and error, and the plugin's log lines.

use bytes::Bytes;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};
use wasmtime_wasi::p2::pipe::MemoryInputPipe;
use wasmtime_wasi::p2::{OutputStream, Pollable, StreamResult};
use wasmtime_wasi::{FsPerms, WasiCtxBuilder};
use wasp::{Error, Level};

/// Default cap on each captured stream ([`Output::Capture`]): 1 MiB.
pub const DEFAULT_CAPTURE_LIMIT: usize = 1 << 20;

/// Longest line of plugin output forwarded to `tracing` as one event ([`Output::Tracing`]);
/// a longer line arrives as several events of at most this many bytes.
pub const MAX_FORWARDED_LINE: usize = 16 * 1024;

/// `tracing` target of the plugins' log lines (`wasp::info!` in a plugin, `wasp.log` in the
/// ABI). Events carry the fields `plugin` (the plugin's name) and `instance` (the instance's
/// id) and the line as their message, at the level the plugin gave.
pub const LOG_TARGET: &str = "wasp::plugin";

/// `tracing` target of standard output lines forwarded by [`Output::Tracing`], at level
/// `INFO`, with the fields `plugin` and `instance`.
pub const STDOUT_TARGET: &str = "wasp::plugin::stdout";

/// `tracing` target of standard error lines forwarded by [`Output::Tracing`], at level
/// `WARN`, with the fields `plugin` and `instance`.
pub const STDERR_TARGET: &str = "wasp::plugin::stderr";

/// `tracing` target of the span around every call into a plugin: a `DEBUG` span named
/// `call` with the fields `plugin`, `method` and `instance`.
pub const CALL_TARGET: &str = "wasp::call";

/// How a plugin may use a directory mounted into its sandbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// List directories and read files; every attempt to create, change or delete anything
    /// fails with a WASI error (`EPERM`, "Operation not permitted") that the plugin sees.
    ReadOnly,
    /// Read, create, write, rename and delete anything below the mount.
    ReadWrite,
}

/// Where a plugin's standard output or standard error goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Output {
    /// To the host process's own standard output (or error).
    Inherit,
    /// Nowhere: writes succeed and the bytes are dropped.
    Discard,
    /// Into a buffer the host reads with [`Instance::stdout`](crate::Instance::stdout) (or
    /// `take_stdout`, `stderr`, `take_stderr`). The buffer holds at most
    /// [`InstanceConfig::capture_limit`] bytes ([`DEFAULT_CAPTURE_LIMIT`] unless set); output
    /// beyond that is dropped and counted, while the plugin's writes keep succeeding, so a
    /// plugin cannot make the host's memory grow by printing.
    Capture,
    /// Line by line into `tracing` events with the plugin's name and the instance's id
    /// ([`STDOUT_TARGET`] at `INFO`, [`STDERR_TARGET`] at `WARN`). A line without its final
    /// newline is forwarded when the instance is dropped. The default.
    #[default]
    Tracing,
}

/// A host directory visible inside the sandbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    /// The directory on the host.
    pub host: PathBuf,
    /// Where the plugin sees it, for example `/data`.
    pub guest: String,
    /// What the plugin may do there.
    pub access: Access,
}

/// What one instance may see and where its output goes. The default grants nothing: no
/// mounts, no environment variables, no arguments, empty standard input; standard output and
/// error are forwarded to `tracing` ([`Output::Tracing`]).
///
/// ```no_run
/// use wasp_host::{Access, InstanceConfig, Output};
///
/// # fn main() -> Result<(), wasp::Error> {
/// # let engine = wasp_host::Engine::new()?;
/// # let plugin = engine.load_raw("plugin.wasm")?;
/// let config = InstanceConfig::new()
///     .env("MODE", "fast")
///     .arg("plugin")
///     .mount("/srv/input", "/input", Access::ReadOnly)
///     .mount("/srv/output", "/output", Access::ReadWrite)
///     .stdin(b"lines\nto read\n".to_vec())
///     .stdout(Output::Capture)
///     .stderr(Output::Tracing);
/// let mut instance = plugin.instantiate_with(&config)?;
/// instance.call::<()>("run", ())?;
/// let printed = instance.take_stdout();
/// # Ok(())
/// # }
/// ```
///
/// One configuration can create any number of instances; each gets its own copy of what it
/// describes, and its own capture buffers.
#[derive(Debug, Clone)]
pub struct InstanceConfig {
    env: Vec<(String, String)>,
    args: Vec<String>,
    mounts: Vec<Mount>,
    stdin: Bytes,
    stdout: Output,
    stderr: Output,
    capture_limit: usize,
}

impl Default for InstanceConfig {
    fn default() -> Self {
        InstanceConfig {
            env: Vec::new(),
            args: Vec::new(),
            mounts: Vec::new(),
            stdin: Bytes::new(),
            stdout: Output::Tracing,
            stderr: Output::Tracing,
            capture_limit: DEFAULT_CAPTURE_LIMIT,
        }
    }
}

impl InstanceConfig {
    /// The default configuration, which grants nothing.
    pub fn new() -> Self {
        InstanceConfig::default()
    }

    /// Sets environment variable `key` to `value` for the plugin. Setting a key again
    /// replaces its value. The host's own environment is never passed on.
    pub fn env(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        let (key, value) = (key.into(), value.into());
        match self.env.iter_mut().find(|(k, _)| *k == key) {
            Some(entry) => entry.1 = value,
            None => self.env.push((key, value)),
        }
        self
    }

    /// Appends one argument to the plugin's command line. The arguments are passed as they
    /// are: nothing is prepended, so the first one is what the plugin sees as `argv[0]`.
    pub fn arg(mut self, arg: impl Into<String>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// Appends several arguments, as [`InstanceConfig::arg`].
    pub fn args<I>(mut self, args: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Mounts host directory `host` at `guest` (an absolute path such as `/data`) inside the
    /// sandbox. The plugin reaches nothing outside its mounts: `..` and symbolic links that
    /// lead out of a mount, and absolute paths outside every mount, fail with a WASI error.
    /// A mount may appear several times with different access; the directory is opened when
    /// an instance is created.
    pub fn mount(
        mut self,
        host: impl AsRef<Path>,
        guest: impl Into<String>,
        access: Access,
    ) -> Self {
        self.mounts.push(Mount {
            host: host.as_ref().to_path_buf(),
            guest: guest.into(),
            access,
        });
        self
    }

    /// What the plugin reads from standard input (empty by default). Every instance reads the
    /// same bytes from the start.
    pub fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.stdin = Bytes::from(bytes.into());
        self
    }

    /// Where standard output goes ([`Output::Tracing`] by default).
    pub fn stdout(mut self, output: Output) -> Self {
        self.stdout = output;
        self
    }

    /// Where standard error goes ([`Output::Tracing`] by default).
    pub fn stderr(mut self, output: Output) -> Self {
        self.stderr = output;
        self
    }

    /// Caps each buffer of [`Output::Capture`] at `bytes` ([`DEFAULT_CAPTURE_LIMIT`], 1 MiB,
    /// by default). Output beyond the cap is dropped, not buffered: the plugin's writes still
    /// succeed, and the dropped bytes are counted
    /// ([`Instance::stdout_dropped`](crate::Instance::stdout_dropped)). Taking the buffer
    /// (`take_stdout`) empties it and makes room again.
    pub fn capture_limit(mut self, bytes: usize) -> Self {
        self.capture_limit = bytes;
        self
    }

    /// The environment variables set so far.
    pub fn env_vars(&self) -> &[(String, String)] {
        &self.env
    }

    /// The arguments set so far.
    pub fn arguments(&self) -> &[String] {
        &self.args
    }

    /// The mounts set so far.
    pub fn mounts(&self) -> &[Mount] {
        &self.mounts
    }
}

/// A process-wide counter: every instance gets its own id, starting at 1.
static NEXT_INSTANCE_ID: AtomicU64 = AtomicU64::new(1);

pub(crate) fn next_instance_id() -> u64 {
    NEXT_INSTANCE_ID.fetch_add(1, Ordering::Relaxed)
}

/// An instance's WASI context, and the buffers of its captured streams.
pub(crate) struct Sandbox {
    pub(crate) wasi: wasmtime_wasi::p1::WasiP1Ctx,
    pub(crate) output: CapturedOutput,
}

/// The capture buffers of one instance, for the streams that capture.
#[derive(Default)]
pub(crate) struct CapturedOutput {
    pub(crate) stdout: Option<Arc<Captured>>,
    pub(crate) stderr: Option<Arc<Captured>>,
}

#[derive(Clone, Copy)]
pub(crate) enum Stream {
    Stdout,
    Stderr,
}

/// Builds the WASI context that `config` describes for instance `instance` of `plugin`.
pub(crate) fn build(
    config: &InstanceConfig,
    plugin: &Arc<str>,
    instance: u64,
) -> Result<Sandbox, Error> {
    let mut builder = WasiCtxBuilder::new();
    // Instances run on the caller's thread anyway: let file operations block it directly
    // instead of bouncing through a thread pool.
    builder.allow_blocking_current_thread(true);
    for (key, value) in &config.env {
        builder.env(key, value);
    }
    builder.args(&config.args);
    for mount in &config.mounts {
        let perms = match mount.access {
            Access::ReadOnly => FsPerms::ReadOnly,
            Access::ReadWrite => FsPerms::ReadWrite,
        };
        builder
            .preopened_dir(&mount.host, &mount.guest, perms)
            .map_err(|e| Error::Io {
                path: mount.host.clone(),
                source: match e.downcast::<std::io::Error>() {
                    Ok(io) => io,
                    Err(other) => std::io::Error::other(format!("{other:#}")),
                },
            })?;
    }
    if !config.stdin.is_empty() {
        builder.stdin(MemoryInputPipe::new(config.stdin.clone()));
    }
    let mut output = CapturedOutput::default();
    let limit = config.capture_limit;
    let stdout = sink(
        config.stdout,
        Stream::Stdout,
        limit,
        plugin,
        instance,
        &mut output.stdout,
    );
    match (config.stdout, stdout) {
        (_, Some(sink)) => builder.stdout(sink),
        (Output::Inherit, None) => builder.stdout(std::io::stdout()),
        (_, None) => builder.stdout(std::io::empty()),
    };
    let stderr = sink(
        config.stderr,
        Stream::Stderr,
        limit,
        plugin,
        instance,
        &mut output.stderr,
    );
    match (config.stderr, stderr) {
        (_, Some(sink)) => builder.stderr(sink),
        (Output::Inherit, None) => builder.stderr(std::io::stderr()),
        (_, None) => builder.stderr(std::io::empty()),
    };
    Ok(Sandbox {
        wasi: builder.build_p1(),
        output,
    })
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // The state stays consistent even if a holder panicked: every update is one step.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A captured stream: at most `limit` bytes, the rest counted and dropped.
pub(crate) struct Captured {
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

    pub(crate) fn contents(&self) -> Vec<u8> {
        lock(&self.state).bytes.clone()
    }

    pub(crate) fn take(&self) -> Vec<u8> {
        std::mem::take(&mut lock(&self.state).bytes)
    }

    pub(crate) fn dropped(&self) -> u64 {
        lock(&self.state).dropped
    }
}

/// Forwards a stream to `tracing`, one event per line.
struct Forwarder {
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
        match self.stream {
            Stream::Stdout => tracing::info!(
                target: STDOUT_TARGET,
                plugin,
                instance,
                "{}",
                String::from_utf8_lossy(line)
            ),
            Stream::Stderr => tracing::warn!(
                target: STDERR_TARGET,
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

/// The sink for a captured or forwarded stream, recording a capture in `captured`; `None`
/// for the streams WASI itself inherits or discards.
fn sink(
    output: Output,
    stream: Stream,
    limit: usize,
    plugin: &Arc<str>,
    instance: u64,
    captured: &mut Option<Arc<Captured>>,
) -> Option<Sink> {
    match output {
        Output::Inherit | Output::Discard => None,
        Output::Capture => {
            let capture = Arc::new(Captured::new(limit));
            *captured = Some(capture.clone());
            Some(Sink::Capture(capture))
        }
        Output::Tracing => Some(Sink::Forward(Arc::new(Forwarder::new(
            stream,
            plugin.clone(),
            instance,
        )))),
    }
}

/// The stream object WASI writes a captured or forwarded stdout or stderr into.
#[derive(Clone)]
enum Sink {
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

// ---- plugin log lines ----

/// The most verbose level the current `tracing` subscriber wants plugin log lines at, as the
/// wasm value `wasp.log_level` returns (0 when it wants none).
pub(crate) fn max_log_level() -> i32 {
    use tracing::Level as T;
    if tracing::enabled!(target: LOG_TARGET, T::TRACE, plugin, instance) {
        Level::Trace.as_i32()
    } else if tracing::enabled!(target: LOG_TARGET, T::DEBUG, plugin, instance) {
        Level::Debug.as_i32()
    } else if tracing::enabled!(target: LOG_TARGET, T::INFO, plugin, instance) {
        Level::Info.as_i32()
    } else if tracing::enabled!(target: LOG_TARGET, T::WARN, plugin, instance) {
        Level::Warn.as_i32()
    } else if tracing::enabled!(target: LOG_TARGET, T::ERROR, plugin, instance) {
        Level::Error.as_i32()
    } else {
        0
    }
}

/// Emits one of a plugin's log lines as a `tracing` event at its level. The line is decoded
/// (lossily, invalid UTF-8 becomes U+FFFD) only when a subscriber wants the event.
pub(crate) fn emit_log(level: Level, plugin: &str, instance: u64, line: &[u8]) {
    macro_rules! emit {
        ($level:expr) => {
            tracing::event!(
                target: LOG_TARGET,
                $level,
                plugin,
                instance,
                "{}",
                String::from_utf8_lossy(line)
            )
        };
    }
    match level {
        Level::Error => emit!(tracing::Level::ERROR),
        Level::Warn => emit!(tracing::Level::WARN),
        Level::Info => emit!(tracing::Level::INFO),
        Level::Debug => emit!(tracing::Level::DEBUG),
        Level::Trace => emit!(tracing::Level::TRACE),
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

    #[test]
    fn a_setting_given_twice_keeps_the_last_value() {
        let config = InstanceConfig::new()
            .env("A", "1")
            .env("B", "2")
            .env("A", "3");
        assert_eq!(
            config.env_vars(),
            &[
                ("A".to_string(), "3".to_string()),
                ("B".to_string(), "2".to_string())
            ]
        );
    }
}
