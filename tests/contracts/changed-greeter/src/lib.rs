//! The Greeter contract as another team changed it: `hello` takes a number, `sum` is gone,
//! `reverse` returns a string, `shout` is new, and the host function takes bytes. A host
//! built against the real contract must refuse plugins built against this one, at load.

#[wasp::host]
pub trait GreeterHost {
    fn call_me(&mut self, name: Vec<u8>) -> String;
}

#[wasp::plugin(host = GreeterHost)]
pub trait Greeter {
    fn hello(&self, name: u32) -> String;
    fn reverse(&self, data: Vec<u8>) -> String;
    fn callback(&self) -> String;
    fn fail(&self) -> Result<(), String>;
    fn shout(&self, text: String) -> String;
}
