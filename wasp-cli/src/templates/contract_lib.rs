//! The contract between the {name} host and its plugins: what plugins implement
//! (`{Trait}`) and what the host offers them (`{Trait}Host`).

/// What the host offers plugins.
#[wasp::host]
pub trait {Trait}Host {
    /// The greeting the host wants plugins to use.
    fn greeting(&mut self) -> String;
}

/// What a plugin implements.
#[wasp::plugin(host = {Trait}Host)]
pub trait {Trait} {
    /// Greets `name`, in the host's words.
    fn greet(&mut self, name: &str) -> String;
    /// How many greetings this instance made.
    fn greeted(&self) -> u32;
}
