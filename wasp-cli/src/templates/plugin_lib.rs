//! The {name} plugin. Build it with `wasp build`; test it natively with `cargo test`.

use {snake}_contract::{{snake}_host, {Trait}};

/// The plugin object: it lives as long as its instance.
#[derive(Default)]
pub struct Plugin {
    greeted: u32,
}

impl {Trait} for Plugin {
    fn greet(&mut self, name: &str) -> String {
        self.greeted += 1;
        wasp::info!("greeting {}", name);
        format!("{}, {}!", {snake}_host::greeting(), name)
    }

    fn greeted(&self) -> u32 {
        self.greeted
    }
}

{snake}_contract::export_{snake}!(Plugin);

#[cfg(test)]
mod tests {
    use super::Plugin;
    use {snake}_contract::{{snake}_host, {Trait}, {Trait}Host};

    /// A host for native tests: the plugin's host calls reach it.
    struct FakeHost;

    impl {Trait}Host for FakeHost {
        fn greeting(&mut self) -> String {
            "Hi".to_string()
        }
    }

    #[test]
    fn greets_in_the_host_words() {
        {snake}_host::set_host(FakeHost);
        let mut plugin = Plugin::default();
        assert_eq!(plugin.greet("Nic"), "Hi, Nic!");
        assert_eq!(plugin.greeted(), 1);
    }
}
