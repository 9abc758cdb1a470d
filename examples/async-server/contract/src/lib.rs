//! The contract of the async-server example: the host serves HTTP and hands each request to a
//! plugin, which answers it with the help of a key-value store that only the host can reach.
//! The host implements the store's functions with `async fn` (they await I/O); the plugin
//! calls them as plain functions.

use serde::{Deserialize, Serialize};

/// An HTTP answer: the status code and a text body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, wasp::Schema)]
pub struct Response {
    pub status: u16,
    pub body: String,
}

/// The key-value store the host offers its handler plugins.
#[wasp::host]
pub trait Kv {
    /// The value stored under `key`, if any.
    fn get(&mut self, key: String) -> Option<String>;
    /// Stores `value` under `key`, replacing any previous value.
    fn put(&mut self, key: String, value: String);
    /// Removes `key`; whether it was there.
    fn delete(&mut self, key: String) -> bool;
}

/// What a handler plugin implements: one HTTP request in, one response out.
#[wasp::plugin(host = Kv)]
pub trait Handler {
    /// Answers the request `method path` with the request body `body`.
    fn handle(&mut self, method: String, path: String, body: String) -> Response;
}
