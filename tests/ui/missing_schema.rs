use serde::{Deserialize, Serialize};

// Serializable, but without `wasp::Schema` the host could not check its fields.
#[derive(Serialize, Deserialize)]
pub struct Config {
    pub retries: u8,
}

#[derive(Serialize, Deserialize, wasp::Schema)]
pub struct Outer {
    pub inner: Config,
}

#[wasp::plugin]
pub trait Contract {
    fn configure(&self, config: Config) -> u32;
    fn nested(&self, outer: Outer) -> u32;
}

fn main() {}
