//! Instances are sandboxes: no shared state, and they can live on any thread. (That memory
//! does not grow with use is checked for every language in greeter.rs.)

mod common;

use common::{engine, repo_path, types_instance};
use greeter_contract::{Greeter, GreeterHost};

struct Host;

impl GreeterHost for Host {
    fn call_me(&mut self, name: String) -> String {
        format!("Hello {name}")
    }
}

#[test]
fn two_instances_of_one_plugin_share_no_state() {
    let mut a = types_instance();
    let mut b = types_instance();
    assert_eq!(a.add(5).unwrap(), 5);
    assert_eq!(a.add(5).unwrap(), 10);
    assert_eq!(b.add(1).unwrap(), 1);
    assert_eq!(a.add(0).unwrap(), 10);
}

#[test]
fn instances_can_move_between_threads_and_plugins_be_shared() {
    let plugin = engine()
        .load::<dyn Greeter>(repo_path("examples/greeter/plugins/greeter-rust.wasm"))
        .unwrap();
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let plugin = plugin.clone();
            std::thread::spawn(move || {
                let mut greeter = plugin.instantiate(Host).unwrap();
                greeter.sum(i, i).unwrap()
            })
        })
        .collect();
    let sums: Vec<i32> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(sums, vec![0, 2, 4, 6]);
}
