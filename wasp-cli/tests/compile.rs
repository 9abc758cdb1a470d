//! `wasp compile`, run as a process: the artifact loads into an engine configured as the
//! command's, and another configuration refuses it.

mod common;

use common::{TempDir, repo, wasp};
use greeter_contract::{Greeter, GreeterHost};
use wasp_host::{Engine, artifact_digest};

struct Host;

impl GreeterHost for Host {
    fn call_me(&mut self, name: String) -> String {
        format!("Hello {name}")
    }
}

#[test]
fn the_artifact_loads_with_its_digest_and_another_configuration_refuses_it() {
    let dir = TempDir::new("compile");
    let out = dir.path().join("greeter.cwasm");
    let run = wasp([
        "compile",
        &repo("examples/greeter/plugins/greeter-c.wasm"),
        "-o",
        out.to_str().unwrap(),
    ]);
    let printed = run.ok().to_string();
    let artifact = std::fs::read(&out).unwrap();
    let digest: String = artifact_digest(&artifact)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert!(printed.contains(&format!("sha256: {digest}")), "{printed}");
    let engine = Engine::new().unwrap();
    let plugin = engine
        .load_precompiled_checked::<dyn Greeter>(&artifact, &artifact_digest(&artifact))
        .unwrap();
    assert_eq!(plugin.instantiate(Host).unwrap().sum(2, 3).unwrap(), 5);
    let other = Engine::builder().call_timeout(None).build().unwrap();
    // SAFETY: the artifact the command made; refused before any of it runs.
    let refused = unsafe { other.load_precompiled::<dyn Greeter>(&out) };
    assert!(
        matches!(refused, Err(wasp::Error::Incompatible { .. })),
        "{refused:?}"
    );
}
