//! The {name} host: loads the plugin, calls it, prints what it answers.
//! Run it with `cargo run` (after `wasp build` in ../plugin), or name another plugin:
//! `cargo run -- path/to/plugin.wasm`.

use {snake}_contract::{{Trait}, {Trait}Host};

/// The host's state; plugins reach it through `{Trait}Host`.
struct Host {
    greeting: String,
}

impl {Trait}Host for Host {
    fn greeting(&mut self) -> String {
        self.greeting.clone()
    }
}

fn main() -> Result<(), wasp::Error> {
    let path = std::env::args().nth(1).unwrap_or_else(|| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../plugin/{snake}_plugin.wasm").to_string()
    });
    let engine = wasp_host::Engine::new()?;
    let plugin = engine.load::<dyn {Trait}>(&path)?;
    let mut instance = plugin.instantiate(Host {
        greeting: "Hello".to_string(),
    })?;
    println!("{}", instance.greet("Nic")?);
    println!("greeted {} time(s)", instance.greeted()?);
    Ok(())
}
