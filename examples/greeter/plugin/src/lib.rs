//! The Greeter plugin in Rust. Build it with `cargo xtask plugins`.

use greeter_contract::{greeter_host, Greeter};

#[derive(Default)]
struct MyGreeter;

impl Greeter for MyGreeter {
    fn hello(&self, name: String) -> String {
        format!("Hello {}", name)
    }

    fn sum(&self, a: i32, b: i32) -> i32 {
        a.wrapping_add(b)
    }

    fn reverse(&self, mut data: Vec<u8>) -> Vec<u8> {
        data.reverse();
        data
    }

    fn callback(&self) -> String {
        greeter_host::call_me("Nic".to_string())
    }

    fn fail(&self) -> Result<(), String> {
        Err("Ooops".to_string())
    }
}

greeter_contract::export_greeter!(MyGreeter);
