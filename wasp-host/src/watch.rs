//! File watching for hot reload: reloads a [`Reloadable`] plugin when its file changes,
//! once the writes have settled.

use crate::reload::{RELOAD_TARGET, Reloadable};
use notify::event::{AccessKind, AccessMode, EventKind};
use notify::{RecommendedWatcher, RecursiveMode, Watcher as _};
use std::ffi::OsString;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;
use wasp::{Contract, Error};

/// How long a plugin file must stay unchanged before a [`Watcher`] reloads it, unless
/// [`Reloadable::watch_with`] says otherwise: 250 ms.
pub const DEFAULT_DEBOUNCE: Duration = Duration::from_millis(250);

/// Watches a [`Reloadable`] plugin's file and reloads the plugin when the file changes;
/// from [`Reloadable::watch`]. Watching stops when it is dropped.
///
/// Each change is reloaded once the file has had no new write for the debounce interval,
/// so a file being copied or rebuilt is not loaded half written; a file that is not a valid
/// plugin when it settles (a partial write that paused, a build that breaks the contract) is
/// refused and the current version keeps serving. Writing the new build to a temporary file
/// and renaming it over the watched one avoids even the refusal. A file whose bytes are
/// those of the current version is not reloaded.
///
/// Every reload is logged at `INFO` and every refusal at `WARN` on
/// [`RELOAD_TARGET`](crate::RELOAD_TARGET), with the versions and the reason.
pub struct Watcher {
    path: PathBuf,
    // Dropped first, so that no new event arrives while the thread stops.
    inner: Option<RecommendedWatcher>,
    events: Sender<Signal>,
    thread: Option<JoinHandle<()>>,
}

impl fmt::Debug for Watcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Watcher")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

enum Signal {
    Changed,
    Stop,
}

impl<C: ?Sized + Contract + 'static> Reloadable<C> {
    /// Starts watching the plugin's file ([`Reloadable::path`]), reloading after each change
    /// that settles for [`DEFAULT_DEBOUNCE`]. See [`Watcher`].
    ///
    /// # Errors
    /// As [`Reloadable::watch_with`].
    pub fn watch(&self) -> Result<Watcher, Error> {
        self.watch_with(DEFAULT_DEBOUNCE)
    }

    /// Starts watching the plugin's file, reloading after each change once the file has
    /// had no new write for `debounce`.
    ///
    /// # Errors
    /// [`Error::Io`] when the plugin was not loaded from a file
    /// ([`Engine::load_reloadable`](crate::Engine::load_reloadable)) or its directory
    /// cannot be watched.
    pub fn watch_with(&self, debounce: Duration) -> Result<Watcher, Error> {
        let Some(path) = self.path().map(Path::to_path_buf) else {
            return Err(io_error(
                PathBuf::new(),
                io::Error::new(
                    io::ErrorKind::Unsupported,
                    "only a plugin loaded from a file can be watched: use Engine::load_reloadable",
                ),
            ));
        };
        let Some(name) = path.file_name().map(OsString::from) else {
            return Err(io_error(
                path,
                io::Error::new(io::ErrorKind::InvalidInput, "not a file name"),
            ));
        };
        // Watch the directory, not the file: editors, `cp` and build tools often replace a
        // file by renaming another over it, which a watch on the old file would not see.
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let (events, received) = mpsc::channel();
        let sender = events.clone();
        let handler = move |event: notify::Result<notify::Event>| {
            let Ok(event) = event else { return };
            let relevant = matches!(
                event.kind,
                EventKind::Create(_)
                    | EventKind::Modify(_)
                    | EventKind::Access(AccessKind::Close(AccessMode::Write))
            ) && event.paths.iter().any(|p| p.file_name() == Some(&name));
            if relevant {
                let _ = sender.send(Signal::Changed);
            }
        };
        let mut inner = notify::recommended_watcher(handler)
            .map_err(|e| io_error(dir.clone(), notify_io(e)))?;
        inner
            .watch(&dir, RecursiveMode::NonRecursive)
            .map_err(|e| io_error(dir.clone(), notify_io(e)))?;
        let plugin = self.clone();
        let thread = std::thread::Builder::new()
            .name("wasp-reload-watch".into())
            .spawn(move || settle_and_reload(&plugin, &received, debounce))
            .map_err(|e| io_error(path.clone(), e))?;
        tracing::debug!(target: RELOAD_TARGET, path = %path.display(), "watching plugin file");
        Ok(Watcher {
            path,
            inner: Some(inner),
            events,
            thread: Some(thread),
        })
    }
}

impl Watcher {
    /// The file being watched.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        drop(self.inner.take());
        let _ = self.events.send(Signal::Stop);
        if let Some(thread) = self.thread.take() {
            // The thread ends at the signal, after a reload it is in the middle of.
            let _ = thread.join();
        }
    }
}

/// The watching thread: waits for a change, then for `debounce` without another, then
/// reloads unless the bytes are the current version's.
fn settle_and_reload<C: ?Sized + Contract>(
    plugin: &Reloadable<C>,
    events: &Receiver<Signal>,
    debounce: Duration,
) {
    loop {
        match events.recv() {
            Ok(Signal::Changed) => {}
            Ok(Signal::Stop) | Err(_) => return,
        }
        loop {
            match events.recv_timeout(debounce) {
                Ok(Signal::Changed) => continue,
                Err(RecvTimeoutError::Timeout) => break,
                Ok(Signal::Stop) | Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        // `reload` logs the switch or the refusal itself; the current version serves on.
        let _ = plugin.reload_if_changed();
    }
}

fn notify_io(error: notify::Error) -> io::Error {
    match error.kind {
        notify::ErrorKind::Io(e) => e,
        _ => io::Error::other(error.to_string()),
    }
}

fn io_error(path: PathBuf, source: io::Error) -> Error {
    Error::Io { path, source }
}
