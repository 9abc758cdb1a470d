//! Precompiled plugins and the compilation cache: artifacts load without compiling, answer
//! like the `.wasm`, are verified like it, and are refused with a typed error when another
//! engine configuration made them; cache entries are used, and damaged ones recompiled.

mod common;

use common::{TempDir, repo_path};
use greeter_contract::{Greeter, GreeterHost};
use std::time::Duration;
use types_contract::Types;
use wasp::Error;
use wasp_host::{CacheStats, Engine, artifact_digest};

/// Every Greeter plugin the repository builds: their descriptors come from custom sections
/// and from descriptor exports, and both must survive precompilation.
const GREETERS: &[&str] = &[
    "examples/greeter/plugins/greeter-rust.wasm",
    "examples/greeter/plugins/greeter-c.wasm",
    "examples/greeter/plugins/greeter-go.wasm",
    "examples/greeter/plugins/greeter-assemblyscript.wasm",
    "examples/greeter/plugins/greeter-zig.wasm",
    "examples/greeter/plugins/greeter-java.wasm",
];

struct Host;

impl GreeterHost for Host {
    fn call_me(&mut self, name: String) -> String {
        format!("Hello {name}")
    }
}

fn read(path: &str) -> Vec<u8> {
    std::fs::read(repo_path(path)).unwrap()
}

fn engine_with_timeout(timeout: Option<Duration>) -> Engine {
    Engine::builder().call_timeout(timeout).build().unwrap()
}

fn expect_incompatible(result: Result<wasp_host::Plugin<dyn Greeter>, Error>, needle: &str) {
    match result {
        Err(Error::Incompatible { reason }) => {
            assert!(reason.contains(needle), "{needle:?} not in {reason:?}")
        }
        Err(other) => panic!("expected Error::Incompatible, got {other:?}"),
        Ok(_) => panic!("expected Error::Incompatible, the artifact loaded"),
    }
}

#[test]
fn a_precompiled_plugin_answers_like_its_wasm_in_every_language() {
    let engine = Engine::new().unwrap();
    let dir = TempDir::new("precompiled");
    for path in GREETERS {
        let wasm = engine.load::<dyn Greeter>(repo_path(path)).unwrap();
        let artifact = engine.precompile(&read(path)).unwrap();
        let file = dir.join("greeter.cwasm");
        std::fs::write(&file, &artifact).unwrap();
        // SAFETY: this host made the artifact a moment ago, in a directory of its own.
        let plugin = unsafe { engine.load_precompiled::<dyn Greeter>(&file) }
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(plugin.name(), "greeter", "{path}");
        assert_eq!(plugin.descriptor(), wasm.descriptor(), "{path}");
        for method in ["hello", "sum", "reverse", "callback"] {
            assert_eq!(plugin.supports(method), wasm.supports(method), "{path}");
        }
        let mut g = plugin.instantiate(Host).unwrap();
        assert_eq!(g.hello("Nic".into()).unwrap(), "Hello Nic", "{path}");
        assert_eq!(g.sum(3, 2).unwrap(), 5, "{path}");
        assert_eq!(g.reverse(vec![1, 2, 3]).unwrap(), vec![3, 2, 1], "{path}");
        assert_eq!(g.callback().unwrap(), "Hello Nic", "{path}");
    }
}

#[test]
fn an_artifact_from_another_configuration_is_refused_with_a_typed_error() {
    let with_timeout = engine_with_timeout(Some(Duration::from_secs(10)));
    let without = engine_with_timeout(None);
    let wasm = read("examples/greeter/plugins/greeter-c.wasm");
    let artifact = with_timeout.precompile(&wasm).unwrap();
    // SAFETY (every load below): artifacts this test made; refused before any code runs.
    expect_incompatible(
        unsafe { without.load_precompiled_bytes::<dyn Greeter>(&artifact) },
        "another configuration",
    );
    // A header forged to claim the other engine: wasmtime's own check still refuses it.
    let other = without.precompile(&wasm).unwrap();
    let mut forged = other[..46].to_vec();
    forged.extend_from_slice(&artifact[46..]);
    expect_incompatible(
        unsafe { without.load_precompiled_bytes::<dyn Greeter>(&forged) },
        "wasmtime refused it",
    );
    // The engine that made it loads it, and so does one that differs only in its allocator,
    // which does not change compiled code.
    let pooling = Engine::builder()
        .call_timeout(Some(Duration::from_secs(10)))
        .pooling(4)
        .build()
        .unwrap();
    for engine in [&with_timeout, &pooling] {
        let plugin = unsafe { engine.load_precompiled_bytes::<dyn Greeter>(&artifact) };
        assert_eq!(
            plugin
                .unwrap()
                .instantiate(Host)
                .unwrap()
                .sum(1, 2)
                .unwrap(),
            3
        );
    }
}

#[test]
fn what_is_not_a_whole_artifact_is_refused() {
    let engine = Engine::new().unwrap();
    let wasm = read("examples/greeter/plugins/greeter-c.wasm");
    let artifact = engine.precompile(&wasm).unwrap();
    // SAFETY (every load below): refused before any code runs.
    expect_incompatible(
        unsafe { engine.load_precompiled_bytes::<dyn Greeter>(&wasm) },
        "not a precompiled artifact",
    );
    let bare = engine.wasmtime_engine().precompile_module(&wasm).unwrap();
    expect_incompatible(
        unsafe { engine.load_precompiled_bytes::<dyn Greeter>(&bare) },
        "without Wasp's header",
    );
    expect_incompatible(
        unsafe { engine.load_precompiled_bytes::<dyn Greeter>(b"hello") },
        "lacks Wasp's header",
    );
    for len in [20, 50] {
        expect_incompatible(
            unsafe { engine.load_precompiled_bytes::<dyn Greeter>(&artifact[..len]) },
            "truncated",
        );
    }
    let cut = &artifact[..artifact.len() / 2];
    let refused = unsafe { engine.load_precompiled_bytes::<dyn Greeter>(cut) };
    assert!(
        matches!(refused, Err(Error::Incompatible { .. })),
        "{refused:?}"
    );
}

#[test]
fn a_checked_load_runs_only_the_artifact_whose_digest_the_host_kept() {
    let engine = Engine::new().unwrap();
    let artifact = engine
        .precompile(&read("examples/greeter/plugins/greeter-c.wasm"))
        .unwrap();
    let digest = artifact_digest(&artifact);
    let plugin = engine
        .load_precompiled_checked::<dyn Greeter>(&artifact, &digest)
        .unwrap();
    assert_eq!(plugin.instantiate(Host).unwrap().sum(2, 2).unwrap(), 4);
    let mut changed = artifact.clone();
    let last = changed.len() - 1;
    changed[last] ^= 1;
    expect_incompatible(
        engine.load_precompiled_checked::<dyn Greeter>(&changed, &digest),
        "not the",
    );
}

#[test]
fn a_precompiled_plugin_is_verified_against_the_contract_like_a_wasm() {
    let engine = Engine::new().unwrap();
    let artifact = engine.precompile(&read("tests/wasm/types.wasm")).unwrap();
    // SAFETY: this test made the artifact.
    let refused = unsafe { engine.load_precompiled_bytes::<dyn Greeter>(&artifact) };
    assert!(
        matches!(refused, Err(Error::ContractMismatch { .. })),
        "{refused:?}"
    );
    // SAFETY: as above.
    let types = unsafe { engine.load_precompiled_bytes::<dyn Types>(&artifact) }.unwrap();
    let mut t = types.instantiate(common::TestHost::default()).unwrap();
    assert_eq!(t.echo_u8(7).unwrap(), 7);
}

fn cached_engine(dir: &TempDir) -> Engine {
    Engine::builder().cache_dir(&dir.path).build().unwrap()
}

fn entries(dir: &TempDir) -> Vec<std::path::PathBuf> {
    let mut all: Vec<_> = std::fs::read_dir(&dir.path)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    all.sort();
    all
}

fn stats(engine: &Engine) -> CacheStats {
    engine.cache_stats().expect("the engine has a cache")
}

fn hello(engine: &Engine) -> String {
    engine
        .load::<dyn Greeter>(repo_path("examples/greeter/plugins/greeter-rust.wasm"))
        .unwrap()
        .instantiate(Host)
        .unwrap()
        .hello("Nic".into())
        .unwrap()
}

#[test]
fn a_second_load_of_the_same_bytes_comes_from_the_cache() {
    let dir = TempDir::new("cache");
    assert_eq!(Engine::new().unwrap().cache_stats(), None);
    let first = cached_engine(&dir);
    assert_eq!(hello(&first), "Hello Nic");
    let after_first = stats(&first);
    assert_eq!((after_first.hits, after_first.misses), (0, 1));
    let files = entries(&dir);
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].to_string_lossy().ends_with(".cwasm"));
    // Another engine, as in a later process, with the same configuration: no compiling.
    let second = cached_engine(&dir);
    assert_eq!(hello(&second), "Hello Nic");
    assert_eq!(hello(&second), "Hello Nic");
    let after_second = stats(&second);
    assert_eq!((after_second.hits, after_second.misses), (2, 0));
    // Another configuration never reads that entry: it gets one of its own.
    let other = Engine::builder()
        .cache_dir(&dir.path)
        .call_timeout(None)
        .build()
        .unwrap();
    assert_eq!(hello(&other), "Hello Nic");
    assert_eq!((stats(&other).hits, stats(&other).misses), (0, 1));
    assert_eq!(entries(&dir).len(), 2);
}

#[test]
fn a_damaged_cache_entry_is_recompiled_and_rewritten() {
    let dir = TempDir::new("cache-damaged");
    assert_eq!(hello(&cached_engine(&dir)), "Hello Nic");
    let entry = entries(&dir).remove(0);
    let whole = std::fs::read(&entry).unwrap();
    let mut flipped = whole.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x40;
    let damages: [&[u8]; 4] = [&whole[..whole.len() / 2], &flipped, b"", b"garbage"];
    for damaged in damages {
        std::fs::write(&entry, damaged).unwrap();
        let engine = cached_engine(&dir);
        assert_eq!(hello(&engine), "Hello Nic");
        let s = stats(&engine);
        assert_eq!((s.rejected, s.misses, s.hits), (1, 1, 0), "{s:?}");
        // Rewritten whole: the next engine reads it.
        assert_eq!(std::fs::read(&entry).unwrap(), whole);
        let next = cached_engine(&dir);
        assert_eq!(hello(&next), "Hello Nic");
        assert_eq!(stats(&next).hits, 1);
    }
}

#[test]
fn concurrent_loads_into_one_cache_all_succeed() {
    let dir = TempDir::new("cache-concurrent");
    let engine = cached_engine(&dir);
    std::thread::scope(|s| {
        let loads: Vec<_> = (0..4).map(|_| s.spawn(|| hello(&engine))).collect();
        for load in loads {
            assert_eq!(load.join().unwrap(), "Hello Nic");
        }
    });
    let s = stats(&engine);
    assert_eq!(s.hits + s.misses, 4, "{s:?}");
    assert_eq!((s.rejected, s.write_failures), (0, 0), "{s:?}");
    // One entry, no temporary files left behind, and it is whole.
    assert_eq!(entries(&dir).len(), 1, "{:?}", entries(&dir));
    let next = cached_engine(&dir);
    assert_eq!(hello(&next), "Hello Nic");
    assert_eq!(stats(&next).hits, 1);
}

#[test]
fn a_cache_directory_that_cannot_be_created_is_an_io_error() {
    let dir = TempDir::new("cache-blocked");
    let file = dir.write("file", "not a directory");
    let err = Engine::builder()
        .cache_dir(file.join("cache"))
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Io { .. }), "{err:?}");
}
