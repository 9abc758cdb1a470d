//! The async-server example's service: an axum router that hands every request to a Handler
//! plugin, whose host functions await a key-value store. `host.rs` runs it as a program;
//! `tests/async_server.rs` and `benches/async_server.rs` include this file to run it
//! in-process.

use async_server_contract::{AsyncKv, Handler, Response};
use axum::Router;
use axum::extract::State;
use axum::http::{Method, StatusCode, Uri};
use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tokio::net::TcpListener;
use wasp_host::{AsyncPool, Engine, Reuse};

/// Instances alive at once: the pooling allocator's slots, and the number of requests that
/// run the plugin at the same time (more wait for a slot instead of failing).
pub const MAX_INSTANCES: u32 = 256;

/// The plugin the example serves unless told otherwise.
pub fn default_plugin() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/async-server/plugins/handler-rust.wasm"
    ))
}

/// How requests get an instance.
///
/// The example reuses instances by default. Measured with `benches/async_server.rs` (64
/// keep-alive connections, `GET /kv/KEY`, 2 ms store latency; two full runs on 2026-12-02):
/// 15 163 and 15 336 requests/s reusing instances against 12 985 and 12 958 with a fresh one
/// per request, and 16 504 and 16 535 for the same route in native Rust. The handler keeps no
/// state between requests, so reuse costs it no isolation; a plugin that keeps state from one
/// request to the next would want `Fresh`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Instances {
    /// A new instance per request: no state survives from one request to the next, and with
    /// the pooling allocator it costs a few microseconds.
    Fresh,
    /// Instances kept by the pool and reused; a poisoned one is dropped instead, and so is
    /// one whose call was cancelled.
    Reuse,
}

/// What to serve, and how.
#[derive(Clone, Debug)]
pub struct Options {
    pub plugin: PathBuf,
    /// The store's simulated latency, awaited by every store operation.
    pub latency: Duration,
    pub instances: Instances,
}

/// The key-value store: a map behind a lock, slow on purpose, as a database over the
/// network would be. The lock is never held across an await.
pub struct Store {
    map: RwLock<HashMap<String, String>>,
    latency: Duration,
}

impl Store {
    pub fn new(latency: Duration) -> Store {
        Store {
            map: RwLock::new(HashMap::new()),
            latency,
        }
    }

    pub async fn get(&self, key: &str) -> Option<String> {
        tokio::time::sleep(self.latency).await;
        read(&self.map).get(key).cloned()
    }

    pub async fn put(&self, key: String, value: String) {
        tokio::time::sleep(self.latency).await;
        write(&self.map).insert(key, value);
    }

    pub async fn delete(&self, key: &str) -> bool {
        tokio::time::sleep(self.latency).await;
        write(&self.map).remove(key).is_some()
    }
}

// A panic elsewhere cannot leave the map half-updated (each operation is one map call), so a
// poisoned lock is still usable.
fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(|e| e.into_inner())
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(|e| e.into_inner())
}

/// The host functions of one instance: a handle on the shared store.
pub struct Host {
    store: Arc<Store>,
}

impl AsyncKv for Host {
    async fn get(&mut self, key: String) -> Option<String> {
        self.store.get(&key).await
    }

    async fn put(&mut self, key: String, value: String) {
        self.store.put(key, value).await
    }

    async fn delete(&mut self, key: String) -> bool {
        self.store.delete(&key).await
    }
}

/// What every request shares: the pool of handler instances. Every request checks one out
/// (`AsyncPool::get`), waiting without blocking the thread while all are busy, and gives it
/// back when done; a poisoned instance, or one whose call was cancelled mid-call, is dropped
/// by the pool instead of going back.
struct App {
    pool: AsyncPool<dyn Handler, Host>,
}

/// Loads the plugin and serves HTTP on `listener` until `shutdown` completes.
///
/// # Errors
///
/// The plugin cannot be loaded (`wasp::Error`), or the server fails (an I/O error, as text).
pub async fn serve(
    listener: TcpListener,
    options: Options,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    let engine = Engine::builder()
        .pooling(MAX_INSTANCES)
        .build()
        .map_err(|e| e.to_string())?;
    let plugin = engine
        .load::<dyn Handler>(&options.plugin)
        .map_err(|e| format!("{}: {e}", options.plugin.display()))?;
    let store = Arc::new(Store::new(options.latency));
    let reuse = match options.instances {
        Instances::Fresh => Reuse::Fresh,
        Instances::Reuse => Reuse::Keep,
    };
    // As many instances as the allocator has slots: more requests wait for one instead of
    // failing (for up to the pool's checkout timeout, 30 s).
    let pool = AsyncPool::builder(plugin, move || Host {
        store: store.clone(),
    })
    .max_instances(MAX_INSTANCES as usize)
    .reuse(reuse)
    .build()
    .await
    .map_err(|e| e.to_string())?;
    let app = Arc::new(App { pool });
    let router = Router::new().fallback(handle).with_state(app);
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(|e| e.to_string())
}

/// Every route: the plugin decides. A plugin fault is a 500 with the error's text.
async fn handle(
    State(app): State<Arc<App>>,
    method: Method,
    uri: Uri,
    body: String,
) -> (StatusCode, String) {
    match app
        .call(method.to_string(), uri.path().to_string(), body)
        .await
    {
        Ok(Response { status, body }) => match StatusCode::from_u16(status) {
            Ok(status) => (status, body),
            Err(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("the plugin answered an invalid status {status}"),
            ),
        },
        Err(error) => (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()),
    }
}

impl App {
    async fn call(
        &self,
        method: String,
        path: String,
        body: String,
    ) -> Result<Response, wasp::Error> {
        let mut handler = self.pool.get().await?;
        // Should this future be dropped mid-call (a timeout layer, a server shutting down),
        // the call is cancelled and the instance, poisoned, is dropped by the pool.
        handler.handle(method, path, body).await
    }
}
