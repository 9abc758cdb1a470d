use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// Everything that can go wrong between a host and a plugin.
///
/// A plugin method that returns `Result<T, E>` hands its `Err` back as a value
/// (`Ok(Err(e))`); this type is for failures of the call itself.
///
/// After any error raised while the plugin was running ([`Error::Trap`], [`Error::Panic`],
/// [`Error::HostFunction`], [`Error::Timeout`], [`Error::MemoryLimit`], [`Error::Exit`],
/// [`Error::Cancelled`] of a running call, [`Error::OutOfFuel`], or a
/// lie caught while reading what the plugin returned) the instance is *poisoned*: its memory may be half-updated, so every later call
/// fails fast with [`Error::Poisoned`]. Create a new instance from the same plugin; that is
/// cheap.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The plugin does not implement the contract the host expects. Every difference is
    /// listed, one sentence each.
    ContractMismatch {
        /// The contract the host asked for.
        contract: String,
        /// What differs, for example `method hello: parameter 1 is String in the host's
        /// contract, u32 in the plugin`.
        differences: Vec<String>,
    },
    /// A function the contract needs is not exported, or is exported with another wasm type.
    MissingExport {
        /// The export's name.
        name: String,
        /// What was expected and what was found.
        detail: String,
    },
    /// The plugin trapped (for example `unreachable`, an out-of-bounds access, a stack
    /// overflow or a division by zero).
    Trap {
        /// The method or export that was running.
        function: String,
        /// The trap, as the engine describes it.
        message: String,
        /// The wasm backtrace, frame by frame, when the engine captured one.
        backtrace: Option<String>,
    },
    /// Code in the plugin panicked.
    Panic {
        /// The method or export that was running.
        function: String,
        /// The panic message.
        message: String,
        /// Where in the plugin's source it panicked, when the plugin reported it.
        location: Option<Location>,
    },
    /// The call ran longer than its timeout (the engine's, or the one set for the instance)
    /// and was interrupted; time spent in host functions and WASI waits counts.
    Timeout {
        /// The method or export that was running.
        function: String,
        /// The timeout in force.
        limit: Duration,
    },
    /// The plugin tried to grow its memory beyond the engine's per-instance limit.
    MemoryLimit {
        /// The method or export that was running.
        function: String,
        /// The memory size the plugin asked for, in bytes.
        requested: usize,
        /// The limit, in bytes.
        limit: usize,
    },
    /// The plugin called WASI `proc_exit`.
    Exit {
        /// The method that was running.
        function: String,
        /// The exit status.
        status: i32,
    },
    /// A value the plugin returned does not decode as the contract's type: invalid UTF-8,
    /// an out-of-range scalar, or bytes that are not a valid encoding.
    Decode {
        /// The method or host function involved.
        function: String,
        /// What was wrong.
        detail: String,
    },
    /// A pointer and length the plugin handed over do not lie inside its memory.
    OutOfBounds {
        /// The method or host function involved.
        function: String,
        /// The pointer.
        ptr: u32,
        /// The length.
        len: u32,
        /// The size of the plugin's memory at the time, in bytes.
        memory_size: usize,
    },
    /// An argument could not be encoded for the plugin.
    Encode {
        /// The method or host function involved.
        function: String,
        /// What was wrong.
        detail: String,
    },
    /// A host function failed; the plugin's call was abandoned.
    HostFunction {
        /// The host function that failed.
        function: String,
        /// Its error message.
        message: String,
        /// The underlying error, when the host function gave one.
        source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
    },
    /// The method was added to the contract (`#[wasp(since = N)]`) after the plugin was
    /// built, so the plugin does not have it. The instance is unharmed; its other methods
    /// work. Check beforehand with `wasp_host::Plugin::supports`.
    Unavailable {
        /// The method.
        method: String,
        /// The contract version that added it.
        since: u32,
        /// The contract version the plugin was built against.
        plugin_version: u32,
    },
    /// An earlier call left this instance in an unknown state; make a new instance.
    Poisoned {
        /// The error that poisoned the instance.
        cause: String,
    },
    /// The engine could not create an instance, before any plugin code ran: for example
    /// the module asks for more tables or memories than the engine allows. Nothing is
    /// poisoned; the plugin stays loaded.
    Instantiation {
        /// The engine's explanation.
        message: String,
    },
    /// The pooling allocator (`wasp_host::EngineBuilder::pooling`) has no free slot: as
    /// many instances as it was sized for are alive. Drop one (or size the pool larger) and
    /// try again.
    ///
    InstanceLimit {
        /// The number of live instances the engine allows.
        limit: u32,
        /// What ran out, as the engine says it.
        message: String,
    },
    /// No pooled instance became free in time: as many instances as the pool allows
    /// (`wasp_host::PoolBuilder::max_instances`) stayed checked out for the whole wait.
    /// Nothing is poisoned; try again, raise the bound, or return instances sooner.
    PoolExhausted {
        /// The most instances the pool keeps alive.
        limit: usize,
        /// How long the checkout waited (zero for `try_get`).
        waited: Duration,
    },
    /// A precompiled plugin (`wasp_host::Engine::precompile`) cannot run on this engine: it
    /// is not an artifact Wasp made, it is damaged, or it was made by another wasmtime
    /// version or an engine whose configuration changes compiled code (call timeout on or
    /// off, target; the allocator, pooling or not, does not matter). Nothing was loaded;
    /// precompile the `.wasm` again with this engine.
    Incompatible {
        /// Why, in one sentence.
        reason: String,
    },
    /// A value is too large to cross the boundary: the arguments of one call, or a host
    /// function's result, beyond the 4 GiB a wasm32 plugin can address, or a contract
    /// descriptor beyond its cap.
    TooLarge {
        /// The method, host function or section involved.
        function: String,
        /// The size, in bytes.
        size: u64,
        /// The most allowed, in bytes.
        limit: u64,
    },
    /// Wasp itself (or an engine implementing its traits) broke one of its own invariants:
    /// a bug, not a plugin's fault. Please report it with the message.
    Internal {
        /// What was inconsistent.
        detail: String,
    },
    /// The engine refused the module: it is not valid WebAssembly, or it could not be
    /// compiled or linked.
    Wasm {
        /// The engine's explanation.
        message: String,
    },
    /// Reading a plugin file failed.
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The call was cancelled from another thread (`wasp_host::CancelHandle`). When it was
    /// running, the instance is poisoned; when it had not started, nothing ran.
    Cancelled {
        /// The method or export that was running, or about to run.
        function: String,
    },
    /// The call burnt all the fuel it was given (`wasp_host::EngineBuilder::fuel`).
    OutOfFuel {
        /// The method or export that was running.
        function: String,
        /// The fuel the call was given.
        budget: u64,
    },
    /// The plugin's tables would hold more elements, all tables together, than the engine
    /// allows one instance.
    TableLimit {
        /// The method or export that was running (`start` during instantiation).
        function: String,
        /// The elements all its tables would hold.
        requested: u64,
        /// The limit.
        limit: u64,
    },
}

/// A place in a plugin's source code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// Source file, as the plugin's compiler recorded it.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column; 0 when unknown.
    pub column: u32,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.column == 0 {
            write!(f, "{}:{}", self.file, self.line)
        } else {
            write!(f, "{}:{}:{}", self.file, self.line, self.column)
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::ContractMismatch {
                contract,
                differences,
            } => {
                write!(f, "the plugin does not implement contract `{}`:", contract)?;
                for d in differences {
                    write!(f, "\n  - {}", d)?;
                }
                Ok(())
            }
            Error::MissingExport { name, detail } => {
                write!(f, "export `{}`: {}", name, detail)
            }
            Error::Trap {
                function,
                message,
                backtrace,
            } => {
                write!(f, "plugin trapped in `{}`: {}", function, message)?;
                if let Some(bt) = backtrace {
                    write!(f, "\n{}", bt)?;
                }
                Ok(())
            }
            Error::Panic {
                function,
                message,
                location,
            } => match location {
                Some(loc) => write!(
                    f,
                    "plugin panicked in `{}` at {}: {}",
                    function, loc, message
                ),
                None => write!(f, "plugin panicked in `{}`: {}", function, message),
            },
            Error::Timeout { function, limit } => {
                write!(
                    f,
                    "`{}` did not finish within the call timeout of {:?}",
                    function, limit
                )
            }
            Error::MemoryLimit {
                function,
                requested,
                limit,
            } => write!(
                f,
                "`{}` tried to grow the plugin's memory to {} bytes, beyond its limit of {} bytes",
                function, requested, limit
            ),
            Error::Exit { function, status } => {
                write!(f, "plugin exited with status {} in `{}`", status, function)
            }
            Error::Decode { function, detail } => {
                write!(
                    f,
                    "`{}`: the plugin's value does not decode: {}",
                    function, detail
                )
            }
            Error::OutOfBounds {
                function,
                ptr,
                len,
                memory_size,
            } => write!(
                f,
                "`{}`: the plugin gave {} byte(s) at {:#x}, outside its {}-byte memory",
                function, len, ptr, memory_size
            ),
            Error::Encode { function, detail } => {
                write!(
                    f,
                    "`{}`: an argument could not be encoded: {}",
                    function, detail
                )
            }
            Error::HostFunction {
                function, message, ..
            } => write!(f, "host function `{}` failed: {}", function, message),
            Error::Unavailable {
                method,
                since,
                plugin_version,
            } => write!(
                f,
                "method `{}` is not available in this plugin: it was added in version {} of the \
                 contract, and the plugin was built against version {}",
                method, since, plugin_version
            ),
            Error::Poisoned { cause } => write!(
                f,
                "instance is poisoned by an earlier failure ({}); create a new instance",
                cause
            ),
            Error::Instantiation { message } => {
                write!(f, "the engine could not create an instance: {}", message)
            }
            Error::InstanceLimit { limit, message } => write!(
                f,
                "no free instance slot: the engine allows {} live instances ({}); drop an \
                 instance or build the engine with a larger pool",
                limit, message
            ),
            Error::PoolExhausted { limit, waited } => write!(
                f,
                "all {} instances of the pool stayed checked out for {:?}; raise the pool's \
                 max_instances or return instances (drop the `Pooled` guards) sooner",
                limit, waited
            ),
            Error::Incompatible { reason } => write!(
                f,
                "the precompiled plugin cannot be loaded by this engine: {}; precompile the \
                 .wasm again with this engine",
                reason
            ),
            Error::TooLarge {
                function,
                size,
                limit,
            } => write!(
                f,
                "`{}`: {} bytes is too large to cross the boundary (at most {})",
                function, size, limit
            ),
            Error::Internal { detail } => write!(
                f,
                "internal error in wasp (a bug, please report it): {}",
                detail
            ),
            Error::Wasm { message } => f.write_str(message),
            Error::Io { path, source } => write!(f, "{}: {}", path.display(), source),
            Error::Cancelled { function } => write!(f, "`{}` was cancelled", function),
            Error::OutOfFuel { function, budget } => write!(
                f,
                "`{}` ran out of fuel: it burnt all {} units it was given",
                function, budget
            ),
            Error::TableLimit {
                function,
                requested,
                limit,
            } => write!(
                f,
                "`{}`: the plugin's tables would hold {} elements, beyond the limit of {} per \
                 instance",
                function, requested, limit
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            Error::HostFunction {
                source: Some(source),
                ..
            } => Some(&**source as &(dyn std::error::Error + 'static)),
            _ => None,
        }
    }
}

/// The error a host function returns to abandon the plugin's call.
///
/// The host caller then receives [`Error::HostFunction`] with this message and source. Any
/// `std::error::Error` converts into it, so `?` works inside host functions.
pub struct HostError {
    message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl HostError {
    /// A host error with only a message.
    pub fn new(message: impl Into<String>) -> Self {
        HostError {
            message: message.into(),
            source: None,
        }
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }

    #[doc(hidden)]
    pub fn into_error(self, function: &str) -> Error {
        Error::HostFunction {
            function: function.to_string(),
            message: self.message,
            source: self.source,
        }
    }
}

impl<E: std::error::Error + Send + Sync + 'static> From<E> for HostError {
    fn from(error: E) -> Self {
        HostError {
            message: error.to_string(),
            source: Some(Box::new(error)),
        }
    }
}

impl fmt::Debug for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HostError")
            .field("message", &self.message)
            .finish()
    }
}

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// What a fallible host function returns: see [`HostError`].
pub type HostResult<T> = Result<T, HostError>;
