//! What one instance may see and where its output goes: environment, arguments, directory
//! mounts, standard input, and the destination of standard output and error. Turned into a
//! WASI context per instance by [`build`].

use crate::output::{CapturedOutput, Output, Stream};
use bytes::Bytes;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use wasmtime_wasi::p2::pipe::MemoryInputPipe;
use wasmtime_wasi::{FsPerms, WasiCtxBuilder};
use wasp::Error;

/// Default cap on each captured stream ([`Output::Capture`]): 1 MiB.
pub const DEFAULT_CAPTURE_LIMIT: usize = 1 << 20;

/// How a plugin may use a directory mounted into its sandbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// List directories and read files; every attempt to create, change or delete anything
    /// fails with a WASI error (`EPERM`, "Operation not permitted") that the plugin sees.
    ReadOnly,
    /// Read, create, write, rename and delete anything below the mount.
    ReadWrite,
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
/// use wasp_host::{Access, InstanceConfig, Output, Stream};
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
/// let printed = instance.captured(Stream::Stdout).map(|c| c.take());
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
    /// ([`Captured::dropped`](crate::Captured::dropped)). Taking the buffer
    /// ([`Captured::take`](crate::Captured::take)) empties it and makes room again.
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

/// An instance's WASI context, and the buffers of its captured streams.
pub(crate) struct Sandbox {
    pub(crate) wasi: wasmtime_wasi::p1::WasiP1Ctx,
    pub(crate) output: CapturedOutput,
    /// When its monotonic clock reads zero.
    pub(crate) monotonic_start: std::time::Instant,
}

/// WASI's monotonic clock, started at a known instant: a bounded `poll_oneoff` (linking.rs)
/// turns absolute monotonic wake-ups into waits with it.
struct Monotonic {
    start: std::time::Instant,
}

impl wasmtime_wasi::HostMonotonicClock for Monotonic {
    fn resolution(&self) -> u64 {
        1
    }

    fn now(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }
}

/// Gives `builder` a monotonic clock that reads zero now, and returns that instant.
pub(crate) fn monotonic_clock(builder: &mut WasiCtxBuilder) -> std::time::Instant {
    let start = std::time::Instant::now();
    builder.monotonic_clock(Monotonic { start });
    start
}

/// Builds the WASI context that `config` describes for instance `instance` of `plugin`; its
/// waits and file operations may block the calling thread when `blocking`.
pub(crate) fn build(
    config: &InstanceConfig,
    plugin: &Arc<str>,
    instance: u64,
    blocking: bool,
) -> Result<Sandbox, Error> {
    let mut builder = WasiCtxBuilder::new();
    // A blocking instance runs on the caller's thread anyway: file operations and sleeps
    // block it directly instead of bouncing through a thread pool. An async instance must
    // never block its executor's thread: its sleeps are timers, and its file operations
    // run on the runtime's blocking pool.
    builder.allow_blocking_current_thread(blocking);
    let monotonic_start = monotonic_clock(&mut builder);
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
    let stdout = output.sink(Stream::Stdout, config.stdout, limit, plugin, instance);
    match (config.stdout, stdout) {
        (_, Some(sink)) => builder.stdout(sink),
        (Output::Inherit, None) => builder.stdout(std::io::stdout()),
        (_, None) => builder.stdout(std::io::empty()),
    };
    let stderr = output.sink(Stream::Stderr, config.stderr, limit, plugin, instance);
    match (config.stderr, stderr) {
        (_, Some(sink)) => builder.stderr(sink),
        (Output::Inherit, None) => builder.stderr(std::io::stderr()),
        (_, None) => builder.stderr(std::io::empty()),
    };
    Ok(Sandbox {
        wasi: builder.build_p1(),
        output,
        monotonic_start,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
