//! Implements every contract of `revisions-v1` in one module. The two with host functions
//! are implemented but not exported yet (see the end of the file).

use revisions_v1::field_added::Config;
use revisions_v1::field_order::Point;
use revisions_v1::field_renamed::Label;
use revisions_v1::field_type::Limits;
use revisions_v1::invisible::Options;
use revisions_v1::nested::Item;
use revisions_v1::variant_added::Mode;
use revisions_v1::variant_order::Level;
use revisions_v1::variant_payload::Pace;
use revisions_v1::variant_renamed::Signal;
use revisions_v1::{
    ha_host, hf_host, type_renamed, Evolving, FieldAdded, FieldOrder, FieldRenamed, FieldType,
    HostFunction, HostFunctionAdded, Invisible, MethodAdded, MethodRemoved, MethodRenamed,
    MethodRenamedKept, Nested, OldName, ParamCount, ParamType, ReturnType, SinceChanged,
    SinceClaimed, TypeRenamed, VariantAdded, VariantOrder, VariantPayload, VariantRenamed,
};

#[derive(Default)]
struct Plugin;

impl ParamType for Plugin {
    fn pt_digits(&self, x: u32) -> u32 {
        x.to_string().len() as u32
    }
}

impl ReturnType for Plugin {
    fn rt_square(&self, x: u32) -> u32 {
        x.wrapping_mul(x)
    }
}

impl ParamCount for Plugin {
    fn pc_scale(&self, x: u32) -> u32 {
        x.wrapping_mul(10)
    }
}

impl MethodAdded for Plugin {
    fn ma_len(&self, text: String) -> u32 {
        text.chars().count() as u32
    }
}

impl MethodRemoved for Plugin {
    fn mr_kept(&self, text: String) -> String {
        text.chars().rev().collect()
    }
    fn mr_dropped(&self, text: String) -> u32 {
        text.len() as u32
    }
}

impl FieldAdded for Plugin {
    fn fa_summary(&self, config: Config) -> String {
        format!("name={} verbose={}", config.name, config.verbose)
    }
}

impl FieldType for Plugin {
    fn ft_headroom(&self, limits: Limits, used: u32) -> u32 {
        u32::from(limits.max).saturating_sub(used)
    }
}

impl FieldOrder for Plugin {
    fn fo_shift(&self, p: Point, dx: i32, dy: i32) -> Point {
        Point {
            x: p.x.wrapping_add(dx),
            y: p.y.wrapping_add(dy),
        }
    }
}

impl VariantAdded for Plugin {
    fn va_distance(&self, mode: Mode, hours: u32) -> u32 {
        let speed = match mode {
            Mode::Slow => 5,
            Mode::Fast => 20,
        };
        speed * hours
    }
}

impl VariantPayload for Plugin {
    fn vp_total(&self, paces: Vec<Pace>) -> u64 {
        paces
            .iter()
            .map(|p| match p {
                Pace::Slow(n) => u64::from(*n),
                Pace::Fast => 1,
            })
            .sum()
    }
}

impl Nested for Plugin {
    fn ne_total(&self, items: Vec<Option<Item>>) -> u64 {
        items
            .iter()
            .flatten()
            .map(|item| u64::from(item.weight.grams))
            .sum()
    }
}

impl TypeRenamed for Plugin {
    fn tr_area(&self, config: type_renamed::Config) -> u64 {
        u64::from(config.width) * u64::from(config.height)
    }
}

impl MethodRenamed for Plugin {
    fn mn_old(&self, x: u32) -> u32 {
        x.wrapping_add(100)
    }
}

impl MethodRenamedKept for Plugin {
    fn mk_old(&self, x: u32) -> u32 {
        x.wrapping_add(200)
    }
}

impl SinceClaimed for Plugin {
    fn sl_a(&self, x: u32) -> u32 {
        x.wrapping_add(1)
    }
    fn sl_b(&self, x: u32) -> u32 {
        x.wrapping_add(2)
    }
}

impl FieldRenamed for Plugin {
    fn fr_render(&self, label: Label) -> String {
        label.text.repeat(usize::from(label.size))
    }
}

impl VariantOrder for Plugin {
    fn vo_flip(&self, level: Level) -> Level {
        match level {
            Level::Low => Level::High,
            Level::High => Level::Low,
        }
    }
}

impl VariantRenamed for Plugin {
    fn vr_passing(&self, signals: Vec<Signal>) -> u32 {
        signals.iter().filter(|s| **s == Signal::Go).count() as u32
    }
}

impl OldName for Plugin {
    fn cr_double(&self, x: u32) -> u32 {
        x.wrapping_mul(2)
    }
}

impl Invisible for Plugin {
    fn iv_describe(&self, options: Options) -> String {
        format!("{} ({})", options.name, options.size)
    }
}

impl HostFunction for Plugin {
    fn hf_send(&self, level: u8, text: String) -> u32 {
        let mut last = 0;
        for word in text.split_whitespace() {
            last = hf_host::hf_note(level, word.to_string());
        }
        last
    }
}

impl HostFunctionAdded for Plugin {
    fn ha_run(&self, x: u32) -> u32 {
        ha_host::ha_base(x)
    }
}

impl SinceChanged for Plugin {
    fn sc_base(&self, x: u32) -> u32 {
        x.wrapping_add(1)
    }
    fn sc_new(&self, x: u32) -> u32 {
        x.wrapping_add(2)
    }
}

/// Counts the calls of `ev_count`.
#[derive(Default)]
struct Counter {
    count: u32,
}

impl Evolving for Counter {
    fn ev_hello(&self, name: String) -> String {
        format!("Hello {}", name)
    }
    fn ev_count(&mut self) -> u32 {
        self.count += 1;
        self.count
    }
}

revisions_v1::export_param_type!(Plugin);
revisions_v1::export_return_type!(Plugin);
revisions_v1::export_param_count!(Plugin);
revisions_v1::export_method_added!(Plugin);
revisions_v1::export_method_removed!(Plugin);
revisions_v1::export_field_added!(Plugin);
revisions_v1::export_field_type!(Plugin);
revisions_v1::export_field_order!(Plugin);
revisions_v1::export_variant_added!(Plugin);
revisions_v1::export_variant_payload!(Plugin);
revisions_v1::export_nested!(Plugin);
revisions_v1::export_type_renamed!(Plugin);
revisions_v1::export_method_renamed!(Plugin);
revisions_v1::export_method_renamed_kept!(Plugin);
revisions_v1::export_since_claimed!(Plugin);
revisions_v1::export_field_renamed!(Plugin);
revisions_v1::export_variant_order!(Plugin);
revisions_v1::export_variant_renamed!(Plugin);
revisions_v1::export_old_name!(Plugin);
revisions_v1::export_invisible!(Plugin);
revisions_v1::export_since_changed!(Plugin);
revisions_v1::export_evolving!(Counter);

// Contracts with host functions, in the same module: loading any other contract links their
// imports to stubs that trap.
revisions_v1::export_host_function!(Plugin);
revisions_v1::export_host_function_added!(Plugin);
