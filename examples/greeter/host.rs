//! The Greeter example: load a plugin, call every method of the contract.
//!
//! Run it with `cargo run --example greeter` (the Rust plugin), or name another plugin:
//! `cargo run --example greeter -- examples/greeter/plugins/greeter-rust.wasm`.

use greeter_contract::{Greeter, GreeterHost};

/// The host functions this application offers its Greeter plugins.
struct Host;

impl GreeterHost for Host {
    fn call_me(&mut self, name: String) -> String {
        format!("Hello {name}")
    }
}

fn main() {
    let default_plugin = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/greeter/plugins/greeter-rust.wasm"
    );
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| default_plugin.to_string());
    if let Err(error) = run(&path) {
        eprintln!("error: {error}");
        std::process::exit(1);
    }
}

fn run(path: &str) -> Result<(), wasp::Error> {
    let engine = wasp_host::Engine::new()?;
    let plugin = engine.load::<dyn Greeter>(path)?;
    let mut greeter = plugin.instantiate(Host)?;

    println!("hello(\"Nic\") = {:?}", greeter.hello("Nic".into())?);
    println!("sum(3, 2) = {}", greeter.sum(3, 2)?);
    println!("reverse([1, 2, 3]) = {:?}", greeter.reverse(vec![1, 2, 3])?);
    println!("callback() = {:?}", greeter.callback()?);
    println!("fail() = {:?}", greeter.fail()?);
    Ok(())
}
