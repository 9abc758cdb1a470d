//! A plugin built against the changed Greeter contract.

use changed_greeter_contract::{greeter_host, Greeter};

#[derive(Default)]
struct Changed;

impl Greeter for Changed {
    fn hello(&self, name: u32) -> String {
        format!("Hello #{}", name)
    }
    fn reverse(&self, data: Vec<u8>) -> String {
        String::from_utf8_lossy(&data).chars().rev().collect()
    }
    fn callback(&self) -> String {
        greeter_host::call_me(b"Nic".to_vec())
    }
    fn fail(&self) -> Result<(), String> {
        Err("Ooops".to_string())
    }
    fn shout(&self, text: String) -> String {
        text.to_uppercase()
    }
}

changed_greeter_contract::export_greeter!(Changed);
