//! Hot reload: a plugin whose current version can be switched atomically while callers keep
//! getting instances of it. A new version is loaded and verified against the contract before
//! the switch, so a broken build never serves a call; instances keep the version they were
//! created from, and a version is freed when the last of its instances is dropped.

use crate::config::InstanceConfig;
use crate::core::Core;
use crate::engine::Engine;
use crate::instance::Instance;
use crate::plugin::Plugin;
use std::collections::hash_map::DefaultHasher;
use std::fmt;
use std::hash::Hasher;
use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, Weak};
use wasp::{Contract, Error, HandleFor, HostContract};

/// The `tracing` target of reload events: each switch (`INFO`) and each refused version
/// (`WARN`), with the plugin, the version numbers and the reason.
pub const RELOAD_TARGET: &str = "wasp::reload";

/// One version of a [`Reloadable`] plugin: the verified [`Plugin`] and where it came from.
///
/// Instances and pool checkouts hold their version, so a version stays alive exactly as long
/// as something created from it does.
pub struct Version<C: ?Sized> {
    number: u64,
    plugin: Plugin<C>,
    digest: Option<u64>,
}

impl<C: ?Sized> Version<C> {
    /// Version 1 of `plugin`, for a pool whose plugin never changes.
    pub(crate) fn first(plugin: Plugin<C>) -> Arc<Self> {
        Arc::new(Version {
            number: 1,
            plugin,
            digest: None,
        })
    }

    /// The version's number: 1 for the plugin a [`Reloadable`] starts with, one more for
    /// each switch.
    pub fn number(&self) -> u64 {
        self.number
    }

    /// The plugin of this version.
    pub fn plugin(&self) -> &Plugin<C> {
        &self.plugin
    }

    /// A 64-bit digest of the module's bytes when the version was loaded from bytes or a
    /// file (`None` for a [`Plugin`] given to [`Reloadable::replace`]): tells two builds
    /// apart in logs. It identifies, it does not authenticate.
    pub fn digest(&self) -> Option<u64> {
        self.digest
    }
}

impl<C: ?Sized + Contract> fmt::Debug for Version<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Version")
            .field("number", &self.number)
            .field("plugin", &self.plugin)
            .field("digest", &self.digest.map(|d| format!("{d:016x}")))
            .finish()
    }
}

/// A plugin that can be replaced by a new build while it serves calls.
///
/// Callers get instances of the current version with [`Reloadable::instantiate`] or through
/// a pool ([`Reloadable::pool`]); [`Reloadable::reload`] (from the file it was loaded from),
/// [`Reloadable::reload_bytes`] and [`Reloadable::replace`] switch to a new version.
///
/// - A new version is loaded and verified against contract `C` *before* the switch; when
///   that fails, the current version keeps serving and the caller gets the reason (the
///   usual [`Error::ContractMismatch`] list of differences for a build that breaks the
///   contract). A build against a later revision of the contract, whose new methods are
///   marked `since`, loads, and [`Plugin::supports`] changes with it.
/// - The switch is atomic: every instance created after it returns is of the new version.
///   Instances created before keep their version until dropped: a call in flight finishes
///   on the version it started on. Pools drop instances of an older version instead of
///   handing them out again ([`Pool`](crate::Pool)).
/// - Nothing of an old version is kept once its last instance is gone
///   ([`Reloadable::live_versions`] shows which are still alive).
///
/// ```
/// use greeter_contract::{Greeter, GreeterHost};
/// use wasp_host::{Engine, Pooled};
///
/// struct Host;
/// impl GreeterHost for Host {
///     fn call_me(&mut self, name: String) -> String {
///         name
///     }
/// }
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let engine = Engine::new()?;
/// let greeter = engine.load_reloadable::<dyn Greeter>("../examples/greeter/plugins/greeter-c.wasm")?;
/// let pool = greeter.pool(|| Host).max_instances(2).build()?;
/// assert_eq!(pool.get()?.hello("Nic".into())?, "Hello Nic");
///
/// // A new build: verified first, then switched to; the next checkouts use it.
/// let rust = std::fs::read("../examples/greeter/plugins/greeter-rust.wasm")?;
/// let version = greeter.reload_bytes(&rust)?;
/// assert_eq!(version.number(), 2);
/// let mut instance = pool.get()?;
/// assert_eq!(Pooled::version(&instance).number(), 2);
/// assert_eq!(instance.hello("Nic".into())?, "Hello Nic");
///
/// // A module that is not a Greeter is refused; version 2 keeps serving.
/// assert!(greeter.reload_bytes(b"\0asm\x01\0\0\0").is_err());
/// assert_eq!(greeter.current().number(), 2);
/// # Ok(())
/// # }
/// ```
///
/// # Concurrency
/// `Reloadable` is `Send + Sync` and cheap to clone: clones share the current version, so
/// a reload through any clone switches them all. Reloads are serialised (one loads at a
/// time; version numbers follow the order of the switches); loading and verifying run
/// without holding any lock callers need, and the switch itself is a pointer swap.
pub struct Reloadable<C: ?Sized> {
    shared: Arc<Shared<C>>,
}

struct Shared<C: ?Sized> {
    engine: Engine,
    /// The file [`Reloadable::reload`] reads; `None` when the plugin did not come from one.
    path: Option<PathBuf>,
    current: RwLock<Arc<Version<C>>>,
    /// The current version's number, readable without the lock (pools check it at every
    /// checkout).
    number: AtomicU64,
    /// Every version switched away from that may still have instances.
    retired: Mutex<Vec<Weak<Version<C>>>>,
    /// Held while a new version loads, so that two reloads do not race to the switch.
    loading: Mutex<()>,
}

impl<C: ?Sized> Clone for Reloadable<C> {
    fn clone(&self) -> Self {
        Reloadable {
            shared: self.shared.clone(),
        }
    }
}

impl<C: ?Sized + Contract> fmt::Debug for Reloadable<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reloadable")
            .field("path", &self.shared.path)
            .field("current", &*self.current())
            .finish_non_exhaustive()
    }
}

impl Engine {
    /// Loads the plugin at `path` as [`Engine::load`] does, as version 1 of a
    /// [`Reloadable`] plugin that [`Reloadable::reload`] (or a [`Reloadable::watch`]er)
    /// reloads from the same path.
    ///
    /// # Errors
    /// As [`Engine::load`].
    pub fn load_reloadable<C: ?Sized + Contract>(
        &self,
        path: impl AsRef<Path>,
    ) -> Result<Reloadable<C>, Error> {
        let path = path.as_ref();
        let bytes = crate::compile::read(path, self.limits.max_module_size)?;
        let plugin = named(self.load_bytes::<C>(&bytes)?, Some(path));
        Ok(Reloadable::start(
            self,
            Some(path.to_path_buf()),
            plugin,
            Some(digest(&bytes)),
        ))
    }
}

impl<C: ?Sized> Reloadable<C> {
    /// The current version: the one new instances are created from.
    pub fn current(&self) -> Arc<Version<C>> {
        let current = match self.shared.current.read() {
            Ok(current) => current,
            // The lock is only ever held to clone or swap an `Arc`, which cannot leave the
            // value half-written.
            Err(poisoned) => poisoned.into_inner(),
        };
        current.clone()
    }

    /// The current version's number, without taking a lock.
    pub fn version(&self) -> u64 {
        self.shared.number.load(Ordering::Acquire)
    }
}

impl<C: ?Sized + Contract> Reloadable<C> {
    /// A reloadable plugin whose version 1 is `plugin`. New versions come from
    /// [`Reloadable::reload_bytes`] (loaded with `engine`) or [`Reloadable::replace`];
    /// [`Reloadable::reload`] needs a file, see [`Engine::load_reloadable`].
    pub fn new(engine: &Engine, plugin: Plugin<C>) -> Self {
        Reloadable::start(engine, None, plugin, None)
    }

    fn start(
        engine: &Engine,
        path: Option<PathBuf>,
        plugin: Plugin<C>,
        digest: Option<u64>,
    ) -> Self {
        let first = Arc::new(Version {
            number: 1,
            plugin,
            digest,
        });
        Reloadable {
            shared: Arc::new(Shared {
                engine: engine.clone(),
                path,
                current: RwLock::new(first),
                number: AtomicU64::new(1),
                retired: Mutex::new(Vec::new()),
                loading: Mutex::new(()),
            }),
        }
    }

    /// The file [`Reloadable::reload`] reads, if the plugin came from one.
    pub fn path(&self) -> Option<&Path> {
        self.shared.path.as_deref()
    }

    /// The numbers of the versions something still uses: the current one, and every older
    /// one with an instance (or a pool checkout, or a [`Version`] handle) still alive. Once
    /// an old version is missing here, its compiled code and everything else of it is freed.
    pub fn live_versions(&self) -> Vec<u64> {
        let mut retired = lock(&self.shared.retired);
        retired.retain(|v| v.strong_count() > 0);
        let mut live: Vec<u64> = retired
            .iter()
            .filter_map(|v| v.upgrade().map(|v| v.number))
            .collect();
        drop(retired);
        live.push(self.version());
        live.sort_unstable();
        live.dedup();
        live
    }

    /// Reads the plugin's file again and switches to it (see [`Reloadable::reload_bytes`]).
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be read, or this plugin was not loaded from a
    /// file ([`Engine::load_reloadable`]); otherwise as [`Reloadable::reload_bytes`]. The
    /// current version keeps serving.
    pub fn reload(&self) -> Result<Arc<Version<C>>, Error> {
        let bytes = self.read_file()?;
        self.load_and_switch(&bytes)
    }

    /// Reads the plugin's file again and switches to it, unless its bytes are those of the
    /// current version (then `None`): for hosts that poll instead of [watching](Self::watch).
    ///
    /// # Errors
    /// As [`Reloadable::reload`].
    pub fn reload_if_changed(&self) -> Result<Option<Arc<Version<C>>>, Error> {
        let bytes = self.read_file()?;
        if self.current().digest == Some(digest(&bytes)) {
            return Ok(None);
        }
        self.load_and_switch(&bytes).map(Some)
    }

    fn read_file(&self) -> Result<Vec<u8>, Error> {
        let Some(path) = &self.shared.path else {
            return Err(Error::Io {
                path: PathBuf::new(),
                source: std::io::Error::new(
                    std::io::ErrorKind::Unsupported,
                    "this plugin was not loaded from a file: load it with \
                     Engine::load_reloadable, or reload it with Reloadable::reload_bytes",
                ),
            });
        };
        crate::compile::read(path, self.shared.engine.limits.max_module_size)
            .inspect_err(|e| self.refused(e))
    }

    /// Loads `bytes` as a new version, verifies it against contract `C` and, if that
    /// succeeds, makes it the current version. Returns the new version.
    ///
    /// # Errors
    /// As [`Engine::load_bytes`]: [`Error::Wasm`] for bytes that are not a valid module,
    /// [`Error::ContractMismatch`] for a build that breaks the contract (with the list of
    /// differences), [`Error::MissingExport`], or the error of the plugin's initialisation.
    /// The current version keeps serving; the refusal is also logged at `WARN` on
    /// [`RELOAD_TARGET`].
    pub fn reload_bytes(&self, bytes: &[u8]) -> Result<Arc<Version<C>>, Error> {
        self.load_and_switch(bytes)
    }

    /// Makes `plugin`, already loaded and verified, the current version. Returns the new
    /// version.
    pub fn replace(&self, plugin: Plugin<C>) -> Arc<Version<C>> {
        let _loading = lock(&self.shared.loading);
        self.switch(plugin, None)
    }

    fn load_and_switch(&self, bytes: &[u8]) -> Result<Arc<Version<C>>, Error> {
        // Serialised, so that the version numbers follow the order of the switches; callers
        // never wait for this lock, only other reloads do.
        let _loading = lock(&self.shared.loading);
        let plugin = self
            .shared
            .engine
            .load_bytes::<C>(bytes)
            .inspect_err(|e| self.refused(e))?;
        let plugin = named(plugin, self.shared.path.as_deref());
        Ok(self.switch(plugin, Some(digest(bytes))))
    }

    /// Swaps the current version for a new one; the caller holds `loading`.
    fn switch(&self, plugin: Plugin<C>, digest: Option<u64>) -> Arc<Version<C>> {
        let shared = &self.shared;
        let number = shared.number.load(Ordering::Acquire) + 1;
        let new = Arc::new(Version {
            number,
            plugin,
            digest,
        });
        let old = {
            let mut current = match shared.current.write() {
                Ok(current) => current,
                Err(poisoned) => poisoned.into_inner(),
            };
            let old = std::mem::replace(&mut *current, new.clone());
            shared.number.store(number, Ordering::Release);
            old
        };
        tracing::info!(
            target: RELOAD_TARGET,
            plugin = new.plugin.name(),
            from = old.number,
            to = number,
            digest = %new.digest.map_or_else(String::new, |d| format!("{d:016x}")),
            contract_version = new.plugin.contract_version(),
            "plugin reloaded"
        );
        let mut retired = lock(&shared.retired);
        retired.retain(|v| v.strong_count() > 0);
        retired.push(Arc::downgrade(&old));
        new
    }

    fn refused(&self, error: &Error) {
        tracing::warn!(
            target: RELOAD_TARGET,
            plugin = self.current().plugin.name(),
            current = self.version(),
            reason = %error,
            "plugin reload refused; the current version keeps serving"
        );
    }

    /// Creates an instance of the current version, as [`Plugin::instantiate`] does.
    ///
    /// # Errors
    /// As [`Plugin::instantiate`].
    pub fn instantiate<H: 'static>(&self, host: H) -> Result<Versioned<C, H>, Error>
    where
        C: HandleFor<Core>,
        C::Host: HostContract<H>,
    {
        self.instantiate_with(host, &InstanceConfig::default())
    }

    /// Creates an instance of the current version in the sandbox `config` describes, as
    /// [`Plugin::instantiate_with`] does.
    ///
    /// # Errors
    /// As [`Plugin::instantiate_with`].
    pub fn instantiate_with<H: 'static>(
        &self,
        host: H,
        config: &InstanceConfig,
    ) -> Result<Versioned<C, H>, Error>
    where
        C: HandleFor<Core>,
        C::Host: HostContract<H>,
    {
        let version = self.current();
        let instance = version.plugin.instantiate_with(host, config)?;
        Ok(Versioned { instance, version })
    }
}

/// An [`Instance`] of one version of a [`Reloadable`] plugin. It dereferences to the
/// instance (and so to the contract's handle) and keeps its [`Version`] alive; a reload
/// does not change it.
pub struct Versioned<C: ?Sized + HandleFor<Core>, H> {
    // Declared first so that it is dropped before the version it came from.
    instance: Instance<C, H>,
    version: Arc<Version<C>>,
}

impl<C: ?Sized + HandleFor<Core>, H> Versioned<C, H> {
    /// The version this instance was created from.
    pub fn version(this: &Self) -> &Arc<Version<C>> {
        &this.version
    }

    /// The instance, without its version.
    pub fn into_inner(this: Self) -> Instance<C, H> {
        this.instance
    }
}

impl<C: ?Sized + HandleFor<Core>, H> Deref for Versioned<C, H> {
    type Target = Instance<C, H>;

    fn deref(&self) -> &Instance<C, H> {
        &self.instance
    }
}

impl<C: ?Sized + HandleFor<Core>, H> DerefMut for Versioned<C, H> {
    fn deref_mut(&mut self) -> &mut Instance<C, H> {
        &mut self.instance
    }
}

impl<C: ?Sized + HandleFor<Core> + Contract, H: 'static> fmt::Debug for Versioned<C, H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Versioned")
            .field("version", &self.version.number)
            .field("instance", &self.instance)
            .finish()
    }
}

/// The plugin named after its file, as [`Engine::load`] names it.
fn named<C: ?Sized + Contract>(plugin: Plugin<C>, path: Option<&Path>) -> Plugin<C> {
    match path.and_then(crate::compile::stem) {
        Some(name) => plugin.with_name(name),
        None => plugin,
    }
}

fn digest(bytes: &[u8]) -> u64 {
    // SipHash with fixed keys: the same bytes give the same digest within a build of the
    // host, which is all a log line needs.
    let mut hasher = DefaultHasher::new();
    hasher.write(bytes);
    hasher.finish()
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Held only for a push, a retain or nothing at all: no update can be left half done.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
