//! The {name} host: loads the plugin (the Greeter contract, written in {lang}), calls it,
//! prints what it answers. Run it with `cargo run` (after `wasp build` in ../plugin), or
//! name another plugin: `cargo run -- path/to/plugin.wasm`.

use {snake}_contract::{Greeter, GreeterHost};

/// The host's state; plugins reach it through `GreeterHost`.
struct Host;

impl GreeterHost for Host {
    fn call_me(&mut self, name: String) -> String {
        format!("Hello {} (from the host)", name)
    }
}

fn main() -> Result<(), wasp::Error> {
    let path = std::env::args().nth(1).unwrap_or_else(|| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../plugin/plugin.wasm").to_string()
    });
    let engine = wasp_host::Engine::new()?;
    let plugin = engine.load::<dyn Greeter>(&path)?;
    let mut greeter = plugin.instantiate(Host)?;
    println!("{}", greeter.hello("Nic".to_string())?);
    println!("sum(3, 2) = {}", greeter.sum(3, 2)?);
    println!("callback() = {}", greeter.callback()?);
    Ok(())
}
