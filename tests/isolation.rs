//! Instances are sandboxes: no shared state, and memory that does not grow with use.

mod common;

use common::{engine, repo_path, types_instance};
use greeter_contract::{Greeter, GreeterHost};
use wasp_host::Instance;

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
fn a_hundred_thousand_string_calls_do_not_grow_memory() {
    let plugin = engine()
        .load::<dyn Greeter>(repo_path("examples/greeter/plugins/greeter-rust.wasm"))
        .unwrap();
    let mut greeter = plugin.instantiate(Host).unwrap();
    let mut after_warm_up = 0;
    for i in 0..100_000u32 {
        let name = format!("name-{i}");
        let greeting = greeter.hello(name.clone()).unwrap();
        assert_eq!(greeting.len(), "Hello ".len() + name.len());
        let data = greeter.reverse(name.into_bytes()).unwrap();
        assert!(!data.is_empty());
        if i == 999 {
            after_warm_up = Instance::memory_size(&greeter);
        }
    }
    assert_eq!(Instance::memory_size(&greeter), after_warm_up);
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
