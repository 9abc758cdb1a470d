//! Plugins call the host's functions: strings, structs and scalars both ways, per-instance
//! host state, and host functions that fail.

mod common;

use common::{sample_record, types_instance};
use wasp_host::Instance;

#[test]
fn strings_cross_both_ways() {
    let mut t = types_instance();
    assert_eq!(t.call_upper("hello, wörld".into()).unwrap(), "HELLO, WÖRLD");
    assert_eq!(t.call_upper(String::new()).unwrap(), "");
}

#[test]
fn boxed_and_borrowed_kinds_cross_both_ways_raw() {
    let mut t = types_instance();
    // The plugin passes a `Cow<str>` and a `Box<[u8]>`; the host gets the string borrowed from
    // the plugin's memory (it asserts so) and returns a `Box<str>` the plugin takes over.
    assert_eq!(
        t.call_shout("héllo ".into(), b"!!".to_vec()).unwrap(),
        "HÉLLO !!"
    );
    assert_eq!(t.call_shout(String::new(), Vec::new()).unwrap(), "");
    let descriptor = <dyn types_contract::Types as wasp::Contract>::descriptor();
    let shout = &descriptor.host.as_ref().unwrap().functions[5];
    assert_eq!(shout.signature(), "shout(String, Vec<u8>) -> String");
}

#[test]
fn structs_cross_both_ways() {
    let mut t = types_instance();
    let record = sample_record();
    let renamed = t.call_rename(record.clone(), "renamed ✓".into()).unwrap();
    assert_eq!(renamed.name, "renamed ✓");
    assert_eq!(renamed.inner, record.inner);
    assert_eq!(renamed.shape, record.shape);
}

#[test]
fn byte_results_of_every_size_reach_the_plugin_intact() {
    let mut t = types_instance();
    for len in [0u32, 1, 255, 4096, 1 << 20] {
        assert_eq!(t.call_bytes_back(len).unwrap(), len as usize);
    }
}

#[test]
fn host_state_is_per_instance_and_readable_by_the_host() {
    let mut a = types_instance();
    let mut b = types_instance();
    a.call_remember(1).unwrap();
    a.call_remember(2).unwrap();
    b.call_remember(3).unwrap();
    assert_eq!(Instance::host_mut(&mut a).remembered, vec![1, 2]);
    assert_eq!(Instance::host_mut(&mut b).remembered, vec![3]);
}

#[test]
fn a_failing_host_function_fails_the_call_with_its_message() {
    let mut t = types_instance();
    assert_eq!(t.call_div(7, 2).unwrap(), 3);
    let error = t.call_div(1, 0).unwrap_err();
    match &error {
        wasp::Error::HostFunction {
            function, message, ..
        } => {
            assert_eq!(function, "checked_div");
            assert_eq!(message, "cannot divide 1 by 0");
        }
        other => panic!("expected a host function error, got {other:?}"),
    }
    // The plugin was interrupted mid-call, so the instance must not be trusted again.
    assert!(Instance::is_poisoned(&t));
    assert!(matches!(
        t.call_div(4, 2).unwrap_err(),
        wasp::Error::Poisoned { .. }
    ));
}
