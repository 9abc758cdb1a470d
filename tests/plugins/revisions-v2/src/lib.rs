//! Implements every contract of `revisions-v2` in one module. The two with host functions
//! are implemented but not exported yet (see the end of the file).

use revisions_v2::field_added::Config;
use revisions_v2::field_order::Point;
use revisions_v2::field_renamed::Label;
use revisions_v2::field_type::Limits;
use revisions_v2::invisible::Options;
use revisions_v2::nested::Item;
use revisions_v2::variant_added::Mode;
use revisions_v2::variant_order::Level;
use revisions_v2::variant_payload::Pace;
use revisions_v2::variant_renamed::Signal;
use revisions_v2::{
    ha_host, hf_host, type_renamed, Evolving, FieldAdded, FieldOrder, FieldRenamed, FieldType,
    HostFunction, HostFunctionAdded, Invisible, MethodAdded, MethodRemoved, MethodRenamed,
    MethodRenamedKept, Nested, NewName, ParamCount, ParamType, ReturnType, SinceChanged,
    SinceClaimed, Stats, TypeRenamed, VariantAdded, VariantOrder, VariantPayload, VariantRenamed,
};
use std::cell::RefCell;

#[derive(Default)]
struct Plugin;

impl ParamType for Plugin {
    fn pt_digits(&self, x: String) -> u32 {
        x.chars().filter(|c| c.is_ascii_digit()).count() as u32
    }
}

impl ReturnType for Plugin {
    fn rt_square(&self, x: u32) -> u64 {
        u64::from(x) * u64::from(x)
    }
}

impl ParamCount for Plugin {
    fn pc_scale(&self, x: u32, factor: u32) -> u32 {
        x.wrapping_mul(factor)
    }
}

impl MethodAdded for Plugin {
    fn ma_len(&self, text: String) -> u32 {
        text.chars().count() as u32
    }
    fn ma_upper(&self, text: String) -> String {
        text.to_uppercase()
    }
}

impl MethodRemoved for Plugin {
    fn mr_kept(&self, text: String) -> String {
        text.chars().rev().collect()
    }
}

impl FieldAdded for Plugin {
    fn fa_summary(&self, config: Config) -> String {
        format!(
            "name={} verbose={} retries={}",
            config.name, config.verbose, config.retries
        )
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
            y: p.y.wrapping_add(dy),
            x: p.x.wrapping_add(dx),
        }
    }
}

impl VariantAdded for Plugin {
    fn va_distance(&self, mode: Mode, hours: u32) -> u32 {
        let speed = match mode {
            Mode::Slow => 5,
            Mode::Fast => 20,
            Mode::Turbo => 80,
        };
        speed * hours
    }
}

impl VariantPayload for Plugin {
    fn vp_total(&self, paces: Vec<Pace>) -> u64 {
        paces
            .iter()
            .map(|p| match p {
                Pace::Slow(n) => *n,
                Pace::Fast => 1,
            })
            .sum()
    }
}

impl Nested for Plugin {
    fn ne_total(&self, items: Vec<Option<Item>>) -> u64 {
        items.iter().flatten().map(|item| item.weight.grams).sum()
    }
}

impl TypeRenamed for Plugin {
    fn tr_area(&self, config: type_renamed::Settings) -> u64 {
        u64::from(config.width) * u64::from(config.height)
    }
}

impl MethodRenamed for Plugin {
    fn mn_new(&self, x: u32) -> u32 {
        x.wrapping_add(100)
    }
}

impl MethodRenamedKept for Plugin {
    fn mk_new(&self, x: u32) -> u32 {
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
    fn sl_c(&self, x: u32) -> u32 {
        x.wrapping_add(3)
    }
}

impl FieldRenamed for Plugin {
    fn fr_render(&self, label: Label) -> String {
        label.caption.repeat(usize::from(label.size))
    }
}

impl VariantOrder for Plugin {
    fn vo_flip(&self, level: Level) -> Level {
        match level {
            Level::High => Level::Low,
            Level::Low => Level::High,
        }
    }
}

impl VariantRenamed for Plugin {
    fn vr_passing(&self, signals: Vec<Signal>) -> u32 {
        signals.iter().filter(|s| **s == Signal::Proceed).count() as u32
    }
}

impl NewName for Plugin {
    fn cr_double(&self, x: u32) -> u32 {
        x.wrapping_add(x)
    }
}

impl Invisible for Plugin {
    fn iv_describe(&self, options: Options) -> String {
        let cached = if options.cache.is_some() {
            " (cached)"
        } else {
            ""
        };
        format!("{}: size {}{}", options.name, options.size, cached)
    }
}

impl HostFunction for Plugin {
    fn hf_send(&self, level: u8, text: String) -> u32 {
        let mut last = 0;
        for word in text.split_whitespace() {
            last = hf_host::hf_note(u32::from(level), word.to_string());
        }
        last
    }
}

impl HostFunctionAdded for Plugin {
    fn ha_run(&self, x: u32) -> u32 {
        ha_host::ha_base(x).wrapping_add(ha_host::ha_extra(x))
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

/// Remembers what `ev_stats` reports.
#[derive(Default)]
struct Counter {
    greetings: RefCell<(u32, Option<String>)>,
    count: u32,
}

impl Evolving for Counter {
    fn ev_hello(&self, name: String) -> String {
        let answer = format!("Hello {}", name);
        let mut greetings = self.greetings.borrow_mut();
        greetings.0 += 1;
        greetings.1 = Some(name);
        answer
    }
    fn ev_count(&mut self) -> u32 {
        self.count += 1;
        self.count
    }
    fn ev_stats(&self) -> Stats {
        let greetings = self.greetings.borrow();
        Stats {
            greetings: greetings.0,
            count: self.count,
            last_name: greetings.1.clone(),
        }
    }
}

revisions_v2::export_param_type!(Plugin);
revisions_v2::export_return_type!(Plugin);
revisions_v2::export_param_count!(Plugin);
revisions_v2::export_method_added!(Plugin);
revisions_v2::export_method_removed!(Plugin);
revisions_v2::export_field_added!(Plugin);
revisions_v2::export_field_type!(Plugin);
revisions_v2::export_field_order!(Plugin);
revisions_v2::export_variant_added!(Plugin);
revisions_v2::export_variant_payload!(Plugin);
revisions_v2::export_nested!(Plugin);
revisions_v2::export_type_renamed!(Plugin);
revisions_v2::export_method_renamed!(Plugin);
revisions_v2::export_method_renamed_kept!(Plugin);
revisions_v2::export_since_claimed!(Plugin);
revisions_v2::export_field_renamed!(Plugin);
revisions_v2::export_variant_order!(Plugin);
revisions_v2::export_variant_renamed!(Plugin);
revisions_v2::export_new_name!(Plugin);
revisions_v2::export_invisible!(Plugin);
revisions_v2::export_since_changed!(Plugin);
revisions_v2::export_evolving!(Counter);

// Contracts with host functions, in the same module: loading any other contract links their
// imports to stubs that trap.
revisions_v2::export_host_function!(Plugin);
revisions_v2::export_host_function_added!(Plugin);
