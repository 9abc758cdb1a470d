//! The descriptor parser and comparer: a plugin's contract descriptor is plugin-controlled
//! text. Parsing must never panic; what parses must render, parse back to the same contract,
//! and compare with any other contract (and itself) without panicking.

#![no_main]

use greeter_contract::Greeter;
use libfuzzer_sys::fuzz_target;
use wasp::Contract as _;
use wasp_abi::descriptor::{compare, differences, parse_section, Contract};

fuzz_target!(|data: &[u8]| {
    let host = <dyn Greeter>::descriptor();
    // The custom section's payload, as the host reads it: several contracts.
    if let Ok(contracts) = parse_section(data) {
        for plugin in &contracts {
            let _ = compare(&host, plugin);
            let _ = differences(plugin, &host);
            assert!(differences(plugin, plugin).is_empty(), "a contract differs from itself");
            let rendered = plugin.render();
            let again = Contract::parse(&rendered).expect("a rendered contract parses");
            assert!(differences(plugin, &again).is_empty(), "render/parse changed the contract");
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(plugin) = Contract::parse(text) {
            let _ = compare(&host, &plugin);
        }
    }
});
