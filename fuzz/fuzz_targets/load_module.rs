//! Arbitrary valid modules, made by `wasm-smith`, loaded as plugins: as a typed Greeter
//! plugin, as a dynamic plugin, and instantiated when they load. Load or instantiation may
//! fail; they must never panic, and never hang (a call timeout and small limits bound them).

#![no_main]

use arbitrary::Unstructured;
use greeter_contract::Greeter;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use std::time::Duration;
use wasp_host::Engine;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        Engine::builder()
            .call_timeout(Some(Duration::from_millis(100)))
            .max_memory(16 << 20)
            .build()
            .expect("an engine")
    })
}

fuzz_target!(|data: &[u8]| {
    let mut input = Unstructured::new(data);
    let mut config: wasm_smith::Config = match input.arbitrary() {
        Ok(config) => config,
        Err(_) => return,
    };
    // Imports the host provides (WASI, wasp's) would need exact names; let the module
    // declare exports freely instead, and keep it small enough to compile quickly.
    config.max_imports = 0;
    config.max_funcs = config.max_funcs.min(50);
    config.max_instructions = config.max_instructions.min(1000);
    config.max_memory32_bytes = config.max_memory32_bytes.min(32 << 20);
    let Ok(module) = wasm_smith::Module::new(config, &mut input) else {
        return;
    };
    let bytes = module.to_bytes();
    let engine = engine();
    let _ = engine.descriptors(&bytes);
    if let Ok(plugin) = engine.load_bytes::<dyn Greeter>(&bytes) {
        struct Host;
        impl greeter_contract::GreeterHost for Host {
            fn call_me(&mut self, name: String) -> String {
                name
            }
        }
        if let Ok(mut instance) = plugin.instantiate(Host) {
            let _ = instance.hello("fuzz".into());
            let _ = instance.sum(1, 2);
        }
    }
});
