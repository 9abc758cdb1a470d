//! Build `a` of the hot-reload test plugin: its answers start with `a:`.

use reload_contract::Build;

#[derive(Default)]
struct Plugin {
    calls: u32,
}

impl Build for Plugin {
    fn add(&self, a: u32, b: u32) -> String {
        format!("a: {}", a.wrapping_add(b))
    }

    fn count(&mut self) -> u32 {
        self.calls += 1;
        self.calls
    }
}

reload_contract::export_build!(Plugin);
