//! Shared by the integration tests: paths of the committed plugins and a host for the
//! types contract.

#![allow(dead_code)]

use std::borrow::Cow;
use std::path::PathBuf;
use types_contract::{Record, Shape, TypesHost};
use wasp::{HostError, HostResult};

pub fn repo_path(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative)
}

pub fn engine() -> wasp_host::Engine {
    wasp_host::Engine::new().expect("engine")
}

/// The host side of the types contract; records what the plugin told it.
#[derive(Default)]
pub struct TestHost {
    pub remembered: Vec<u32>,
}

impl TypesHost for TestHost {
    fn upper(&mut self, text: &str) -> String {
        text.to_uppercase()
    }

    fn rename(&mut self, mut record: Record, name: String) -> Record {
        record.name = name;
        record
    }

    fn checked_div(&mut self, a: i64, b: i64) -> HostResult<i64> {
        a.checked_div(b)
            .ok_or_else(|| HostError::new(format!("cannot divide {a} by {b}")))
    }

    fn remember(&mut self, value: u32) {
        self.remembered.push(value);
    }

    fn bytes_back(&mut self, len: u32) -> Vec<u8> {
        (0..len).map(|i| i as u8).collect()
    }

    fn shout(&mut self, text: Cow<'_, str>, tail: Box<[u8]>) -> Box<str> {
        // Borrowed straight from the plugin's memory: a host function's `Cow` costs no copy.
        assert!(
            matches!(text, Cow::Borrowed(_)),
            "the host copied the argument"
        );
        format!("{}{}", text.to_uppercase(), String::from_utf8_lossy(&tail)).into_boxed_str()
    }
}

pub fn types_instance() -> wasp_host::Instance<dyn types_contract::Types, TestHost> {
    let plugin = engine()
        .load::<dyn types_contract::Types>(repo_path("tests/wasm/types.wasm"))
        .expect("load types plugin");
    plugin
        .instantiate(TestHost::default())
        .expect("instantiate")
}

pub fn sample_record() -> Record {
    Record {
        id: u64::MAX,
        name: "naïve café ✓".to_string(),
        tags: vec![String::new(), "🦀".to_string()],
        shape: Shape::Rect { w: 3, h: 4 },
        inner: Some(Box::new(Record {
            id: 0,
            name: String::new(),
            tags: Vec::new(),
            shape: Shape::Path(vec![(-1, 1), (i16::MIN, i16::MAX)]),
            inner: None,
            scores: [("nan-free".to_string(), -0.5)].into_iter().collect(),
        })),
        scores: Default::default(),
    }
}

pub mod events;

/// A fresh directory under the system's temporary directory, removed with everything in it
/// when dropped.
pub struct TempDir {
    pub path: PathBuf,
}

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        use std::sync::atomic::{AtomicU32, Ordering};
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let path = std::env::temp_dir().join(format!(
            "wasp-test-{}-{label}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create a temporary directory");
        TempDir { path }
    }

    pub fn join(&self, relative: &str) -> PathBuf {
        self.path.join(relative)
    }

    /// Creates `relative` (and its parents) with `contents`.
    pub fn write(&self, relative: &str, contents: &str) -> PathBuf {
        let path = self.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&path, contents).unwrap();
        path
    }

    /// Every file below the directory, as sorted relative paths with their contents.
    pub fn snapshot(&self) -> Vec<(String, Vec<u8>)> {
        fn walk(root: &std::path::Path, dir: &std::path::Path, out: &mut Vec<(String, Vec<u8>)>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                let relative = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                if path.is_dir() {
                    out.push((format!("{relative}/"), Vec::new()));
                    walk(root, &path, out);
                } else {
                    out.push((relative, std::fs::read(&path).unwrap_or_default()));
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.path, &self.path, &mut out);
        out.sort();
        out
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

pub fn sandbox_plugin() -> wasp_host::Plugin<dyn sandbox_contract::Sandbox> {
    engine()
        .load::<dyn sandbox_contract::Sandbox>(repo_path("tests/wasm/sandbox.wasm"))
        .expect("load the sandbox plugin")
}

/// What `instance` wrote to standard output; it must capture it.
#[allow(dead_code)]
pub fn stdout<C, H: 'static>(instance: &wasp_host::Instance<C, H>) -> &wasp_host::Captured
where
    C: ?Sized + wasp::HandleFor<wasp_host::Core>,
{
    wasp_host::Instance::captured(instance, wasp_host::Stream::Stdout)
        .expect("standard output is captured")
}

/// What `instance` wrote to standard error; it must capture it.
#[allow(dead_code)]
pub fn stderr<C, H: 'static>(instance: &wasp_host::Instance<C, H>) -> &wasp_host::Captured
where
    C: ?Sized + wasp::HandleFor<wasp_host::Core>,
{
    wasp_host::Instance::captured(instance, wasp_host::Stream::Stderr)
        .expect("standard error is captured")
}

/// The binary module for a module in the text format (`&str`, `String` or bytes): loads take
/// binary modules only, so hand-written hostile modules go through here.
pub fn wasm(text: impl AsRef<[u8]>) -> Vec<u8> {
    let text = std::str::from_utf8(text.as_ref()).expect("WAT text is UTF-8");
    wasp_host::Engine::wat(text).expect("valid WAT")
}
