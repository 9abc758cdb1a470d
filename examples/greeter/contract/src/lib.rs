//! The Greeter contract, shared by the host and every Greeter plugin.

/// What the host offers Greeter plugins.
#[wasp::host]
pub trait GreeterHost {
    /// Answers "Hello " followed by `name`.
    fn call_me(&mut self, name: String) -> String;
}

/// What a Greeter plugin implements.
#[wasp::plugin(host = GreeterHost)]
pub trait Greeter {
    /// "Hello " followed by `name`.
    fn hello(&self, name: String) -> String;
    /// `a + b`.
    fn sum(&self, a: i32, b: i32) -> i32;
    /// The bytes in reverse order.
    fn reverse(&self, data: Vec<u8>) -> Vec<u8>;
    /// Asks the host's `call_me("Nic")` and returns its answer.
    fn callback(&self) -> String;
    /// Always fails, with `Err("Ooops")`.
    fn fail(&self) -> Result<(), String>;
}
