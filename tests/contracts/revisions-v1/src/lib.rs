//! Version 1 of a set of small contracts, one per kind of change. `revisions-v2` holds the
//! same traits after the change; `tests/contract_changes.rs` loads each version's plugin into
//! a host of the other version and checks what is refused, with which differences, and what
//! keeps working.
//!
//! Every trait is at the crate root (the `export_*!` macros need it) and every method name is
//! unique across the crate, because one plugin module exports all of them. Types that several
//! contracts would name alike live in a module per contract.

use serde::{Deserialize, Serialize};

/// Changes a parameter's type: `x: u32` becomes `x: String` in version 2.
#[wasp::plugin]
pub trait ParamType {
    /// The number of decimal digits of `x`.
    fn pt_digits(&self, x: u32) -> u32;
}

/// Changes the result's type: `u32` becomes `u64` in version 2.
#[wasp::plugin]
pub trait ReturnType {
    /// `x * x`, wrapping.
    fn rt_square(&self, x: u32) -> u32;
}

/// Changes the number of parameters: version 2 adds `factor`.
#[wasp::plugin]
pub trait ParamCount {
    /// `x * 10`, wrapping.
    fn pc_scale(&self, x: u32) -> u32;
}

/// Version 2 adds a method without `#[wasp(since = N)]`: a breaking change.
#[wasp::plugin]
pub trait MethodAdded {
    /// The number of characters of `text`.
    fn ma_len(&self, text: String) -> u32;
}

/// Version 2 removes `mr_dropped`: not a breaking change.
#[wasp::plugin]
pub trait MethodRemoved {
    /// `text` reversed, character by character.
    fn mr_kept(&self, text: String) -> String;
    /// The number of bytes of `text`.
    fn mr_dropped(&self, text: String) -> u32;
}

/// The struct of [`FieldAdded`].
pub mod field_added {
    use super::*;

    /// Version 2 adds `retries: u8` at the end.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, wasp::Schema)]
    pub struct Config {
        pub name: String,
        pub verbose: bool,
    }
}

/// A struct gains a field.
#[wasp::plugin]
pub trait FieldAdded {
    /// One line that names every field of `config` and its value.
    fn fa_summary(&self, config: field_added::Config) -> String;
}

/// The struct of [`FieldType`].
pub mod field_type {
    use super::*;

    /// `max` becomes a `u16` in version 2.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, wasp::Schema)]
    pub struct Limits {
        pub name: String,
        pub max: u8,
    }
}

/// A field changes its type.
#[wasp::plugin]
pub trait FieldType {
    /// How much room `used` leaves below `limits.max` (0 when none).
    fn ft_headroom(&self, limits: field_type::Limits, used: u32) -> u32;
}

/// The struct of [`FieldOrder`].
pub mod field_order {
    use super::*;

    /// Version 2 declares `y` before `x`.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, wasp::Schema)]
    pub struct Point {
        pub x: i32,
        pub y: i32,
    }
}

/// A struct's fields change order (they travel in declaration order).
#[wasp::plugin]
pub trait FieldOrder {
    /// `p` moved by `dx` and `dy`, wrapping.
    fn fo_shift(&self, p: field_order::Point, dx: i32, dy: i32) -> field_order::Point;
}

/// The enum of [`VariantAdded`].
pub mod variant_added {
    use super::*;

    /// Version 2 adds `Turbo`.
    #[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, wasp::Schema)]
    pub enum Mode {
        Slow,
        Fast,
    }
}

/// An enum gains a variant.
#[wasp::plugin]
pub trait VariantAdded {
    /// The distance covered in `hours` at `mode`'s speed (Slow 5, Fast 20 per hour).
    fn va_distance(&self, mode: variant_added::Mode, hours: u32) -> u32;
}

/// The enum of [`VariantPayload`].
pub mod variant_payload {
    use super::*;

    /// `Slow` carries a `u64` in version 2.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, wasp::Schema)]
    pub enum Pace {
        Slow(u32),
        Fast,
    }
}

/// An enum variant's payload changes its type.
#[wasp::plugin]
pub trait VariantPayload {
    /// The sum of the `Slow` payloads; each `Fast` counts 1.
    fn vp_total(&self, paces: Vec<variant_payload::Pace>) -> u64;
}

/// The types of [`Nested`].
pub mod nested {
    use super::*;

    /// Reached from the signature through `Vec<Option<Item>>`.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, wasp::Schema)]
    pub struct Item {
        pub label: String,
        pub weight: Weight,
    }

    /// Reached only through [`Item`]; `grams` becomes a `u64` in version 2.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, wasp::Schema)]
    pub struct Weight {
        pub grams: u32,
    }
}

/// A type that the signature reaches only through other types changes.
#[wasp::plugin]
pub trait Nested {
    /// The total weight in grams of the items present.
    fn ne_total(&self, items: Vec<Option<nested::Item>>) -> u64;
}

/// The struct of [`TypeRenamed`].
pub mod type_renamed {
    use super::*;

    /// Renamed `Settings` in version 2, with the same fields.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, wasp::Schema)]
    pub struct Config {
        pub width: u32,
        pub height: u32,
    }
}

/// A type is renamed.
#[wasp::plugin]
pub trait TypeRenamed {
    /// `width * height`.
    fn tr_area(&self, config: type_renamed::Config) -> u64;
}

/// The host functions of [`HostFunction`]: `level` becomes a `u32` in version 2, which has
/// the same wasm type (`i32`), so only the descriptor tells the two apart.
#[wasp::host]
pub trait HfHost {
    /// Records `text` at `level`; returns how many lines the host has recorded.
    fn hf_note(&mut self, level: u8, text: String) -> u32;
}

/// A host function's parameter changes its type.
#[wasp::plugin(host = HfHost)]
pub trait HostFunction {
    /// Sends each word of `text` to the host's `hf_note` at `level`; returns the host's last
    /// answer (0 when there is no word).
    fn hf_send(&self, level: u8, text: String) -> u32;
}

/// The host functions of [`HostFunctionAdded`]: version 2 adds `ha_extra`.
#[wasp::host]
pub trait HaHost {
    /// The host's base value for `x`.
    fn ha_base(&mut self, x: u32) -> u32;
}

/// The host gains a host function.
#[wasp::plugin(host = HaHost)]
pub trait HostFunctionAdded {
    /// Version 1: `ha_base(x)`. Version 2: `ha_base(x) + ha_extra(x)`, wrapping.
    fn ha_run(&self, x: u32) -> u32;
}

/// Renames a method: `mn_old` becomes `mn_new` in version 2.
#[wasp::plugin]
pub trait MethodRenamed {
    /// `x + 100`, wrapping.
    fn mn_old(&self, x: u32) -> u32;
}

/// Renames a method in Rust only: version 2 calls it `mk_new` and keeps the wire name with
/// `#[wasp(rename = "mk_old")]`.
#[wasp::plugin]
pub trait MethodRenamedKept {
    /// `x + 200`, wrapping.
    fn mk_old(&self, x: u32) -> u32;
}

/// Version 2 adds `sl_c` with `#[wasp(since = 2)]`, a version this contract already had: a
/// plugin built against version 2 claims to have it, so it is required.
#[wasp::plugin]
pub trait SinceClaimed {
    /// `x + 1`, wrapping.
    fn sl_a(&self, x: u32) -> u32;
    /// `x + 2`, wrapping.
    #[wasp(since = 2)]
    fn sl_b(&self, x: u32) -> u32;
}

/// The struct of [`FieldRenamed`].
pub mod field_renamed {
    use super::*;

    /// `text` is called `caption` in version 2.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, wasp::Schema)]
    pub struct Label {
        pub text: String,
        pub size: u8,
    }
}

/// A struct's field is renamed.
#[wasp::plugin]
pub trait FieldRenamed {
    /// The label's text, repeated `size` times.
    fn fr_render(&self, label: field_renamed::Label) -> String;
}

/// The enum of [`VariantOrder`].
pub mod variant_order {
    use super::*;

    /// Version 2 declares `High` first.
    #[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, wasp::Schema)]
    pub enum Level {
        Low,
        High,
    }
}

/// An enum's variants change order (postcard writes a variant's index).
#[wasp::plugin]
pub trait VariantOrder {
    /// The other level.
    fn vo_flip(&self, level: variant_order::Level) -> variant_order::Level;
}

/// The enum of [`VariantRenamed`].
pub mod variant_renamed {
    use super::*;

    /// `Go` is called `Proceed` in version 2.
    #[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, wasp::Schema)]
    pub enum Signal {
        Stop,
        Go,
    }
}

/// An enum's variant is renamed.
#[wasp::plugin]
pub trait VariantRenamed {
    /// How many signals in `signals` let traffic through.
    fn vr_passing(&self, signals: Vec<variant_renamed::Signal>) -> u32;
}

/// Version 2 renames this trait `NewName`.
#[wasp::plugin]
pub trait OldName {
    /// `x * 2`, wrapping.
    fn cr_double(&self, x: u32) -> u32;
}

/// The struct of [`Invisible`].
pub mod invisible {
    use super::*;

    /// Version 2 changes only what postcard does not write: a doc comment, a serde `rename`
    /// and a `#[serde(skip)]` field.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, wasp::Schema)]
    pub struct Options {
        pub name: String,
        pub size: u32,
    }
}

/// Changes nothing a plugin or host can observe on the wire.
#[wasp::plugin]
pub trait Invisible {
    /// `options` as one line.
    fn iv_describe(&self, options: invisible::Options) -> String;
}

/// The `since` of a method changes: 2 here, 3 in version 2.
#[wasp::plugin]
pub trait SinceChanged {
    /// `x + 1`, wrapping.
    fn sc_base(&self, x: u32) -> u32;
    /// `x + 2`, wrapping.
    #[wasp(since = 2)]
    fn sc_new(&self, x: u32) -> u32;
}

/// A contract that evolves compatibly: version 2 adds `ev_stats` with `#[wasp(since = 2)]`.
#[wasp::plugin]
pub trait Evolving {
    /// "Hello " followed by `name`; counts the greeting.
    fn ev_hello(&self, name: String) -> String;
    /// Counts one more and returns the count so far.
    fn ev_count(&mut self) -> u32;
}
