//! The async-server example's plugin: routes an HTTP request and answers it from the host's
//! key-value store. Build it with `cargo xtask plugins`.
//!
//! Every `kv::` call is a plain function call here; on the host it is an `async fn` that
//! awaits the store, and the instance waits without holding a thread.

use async_server_contract::{kv, Handler, Response};

#[derive(Default)]
struct Router;

impl Handler for Router {
    fn handle(&mut self, method: String, path: String, body: String) -> Response {
        if let Some(key) = path.strip_prefix("/kv/") {
            if key.is_empty() || key.contains('/') {
                return answer(400, format!("bad key {:?}", key));
            }
            return match method.as_str() {
                "GET" => match kv::get(key.to_string()) {
                    Some(value) => answer(200, value),
                    None => answer(404, format!("no key {:?}", key)),
                },
                "PUT" => {
                    kv::put(key.to_string(), body);
                    answer(200, format!("stored {:?}", key))
                }
                "DELETE" => {
                    if kv::delete(key.to_string()) {
                        answer(200, format!("deleted {:?}", key))
                    } else {
                        answer(404, format!("no key {:?}", key))
                    }
                }
                _ => answer(405, format!("{} is not allowed on /kv/", method)),
            };
        }
        if let Some(name) = path.strip_prefix("/visits/") {
            // Two awaits on the host in one call: read the counter, then write it back. Not
            // atomic across concurrent requests (an example, not a database).
            let key = format!("visits/{}", name);
            let count = kv::get(key.clone())
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0)
                + 1;
            kv::put(key, count.to_string());
            return answer(200, format!("{} visit {}", name, count));
        }
        match (method.as_str(), path.as_str()) {
            ("GET", "/") => answer(
                200,
                "routes: GET|PUT|DELETE /kv/KEY, GET /visits/NAME, GET /panic".to_string(),
            ),
            // A plugin fault: the host answers 500 with the error and never reuses this
            // instance.
            ("GET", "/panic") => panic!("asked to panic"),
            _ => answer(404, format!("no route for {} {}", method, path)),
        }
    }
}

fn answer(status: u16, body: String) -> Response {
    Response { status, body }
}

async_server_contract::export_handler!(Router);
