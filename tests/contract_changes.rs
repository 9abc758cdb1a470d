//! What a host built against one version of a contract accepts from a plugin built against
//! another, one kind of change at a time.
//!
//! `tests/contracts/revisions-v1` and `revisions-v2` declare the same small contracts before
//! and after one change each; `tests/wasm/revisions-v1.wasm` and `revisions-v2.wasm` implement
//! every contract of their version, in one module each (loading one contract links the other
//! contracts' host-function imports to stubs that trap). Each test loads one version's plugin
//! into a host of the other version and checks the compatibility rule the change falls under: refused at load with
//! exactly the listed differences, or loaded with everything the host can call working. The
//! first two tests are the controls: each version's host runs its own plugin, so a refusal
//! comes from the change and not from a broken plugin.

mod common;

use common::repo_path;
use revisions_v1 as v1;
use revisions_v2 as v2;
use std::sync::LazyLock;
use v1::variant_order::Level as Level1;
use v1::variant_renamed::Signal as Signal1;
use v2::variant_order::Level as Level2;
use v2::variant_renamed::Signal as Signal2;
use wasp::{Contract, Error};
use wasp_host::{Engine, Instance, Plugin};

const V1: &str = "tests/wasm/revisions-v1.wasm";
const V2: &str = "tests/wasm/revisions-v2.wasm";

static ENGINE: LazyLock<Engine> = LazyLock::new(|| Engine::new().expect("engine"));

/// Contract `C` from `artifact`, which must load.
fn load<C: ?Sized + Contract>(artifact: &str) -> Plugin<C> {
    ENGINE
        .load::<C>(repo_path(artifact))
        .unwrap_or_else(|e| panic!("{artifact} as `{}` must load: {e}", C::NAME))
}

/// Contract `C` from `artifact`, which must be refused: the differences it lists.
fn refusal<C: ?Sized + Contract>(artifact: &str) -> Vec<String> {
    match ENGINE.load::<C>(repo_path(artifact)) {
        Err(Error::ContractMismatch {
            contract,
            differences,
        }) => {
            assert_eq!(contract, C::NAME);
            differences
        }
        Err(other) => panic!(
            "{artifact} as `{}`: expected a contract mismatch, got {other:?}",
            C::NAME
        ),
        Ok(_) => panic!("{artifact} as `{}` must be refused, but it loaded", C::NAME),
    }
}

/// The host side of both versions of `HfHost`: records every line it is sent.
#[derive(Default)]
struct Notes<L> {
    lines: Vec<(L, String)>,
}

impl v1::HfHost for Notes<u8> {
    fn hf_note(&mut self, level: u8, text: String) -> u32 {
        self.lines.push((level, text));
        self.lines.len() as u32
    }
}

impl v2::HfHost for Notes<u32> {
    fn hf_note(&mut self, level: u32, text: String) -> u32 {
        self.lines.push((level, text));
        self.lines.len() as u32
    }
}

/// The host side of both versions of `HaHost`.
struct Values;

impl Values {
    fn base(x: u32) -> u32 {
        x * 3
    }
    fn extra(x: u32) -> u32 {
        x + 1000
    }
}

impl v1::HaHost for Values {
    fn ha_base(&mut self, x: u32) -> u32 {
        Values::base(x)
    }
}

impl v2::HaHost for Values {
    fn ha_base(&mut self, x: u32) -> u32 {
        Values::base(x)
    }
    fn ha_extra(&mut self, x: u32) -> u32 {
        Values::extra(x)
    }
}

fn words(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_string).collect()
}

/// Control: a version 1 host runs every contract of the version 1 plugin.
#[test]
fn v1_host_runs_every_contract_of_the_v1_plugin() {
    let x = 40_321u32;
    let mut p = load::<dyn v1::ParamType>(V1).instantiate(()).unwrap();
    assert_eq!(p.pt_digits(x).unwrap(), x.to_string().len() as u32);

    let mut p = load::<dyn v1::ReturnType>(V1).instantiate(()).unwrap();
    assert_eq!(p.rt_square(x).unwrap(), x.wrapping_mul(x));

    let mut p = load::<dyn v1::ParamCount>(V1).instantiate(()).unwrap();
    assert_eq!(p.pc_scale(x).unwrap(), x * 10);

    let mut p = load::<dyn v1::MethodAdded>(V1).instantiate(()).unwrap();
    assert_eq!(p.ma_len("naïve".into()).unwrap(), 5);

    let mut p = load::<dyn v1::MethodRemoved>(V1).instantiate(()).unwrap();
    assert_eq!(p.mr_kept("abc✓".into()).unwrap(), "✓cba");
    assert_eq!(p.mr_dropped("abc✓".into()).unwrap(), "abc✓".len() as u32);

    let mut p = load::<dyn v1::FieldAdded>(V1).instantiate(()).unwrap();
    let config = v1::field_added::Config {
        name: "db".into(),
        verbose: true,
    };
    assert_eq!(p.fa_summary(config).unwrap(), "name=db verbose=true");

    let mut p = load::<dyn v1::FieldType>(V1).instantiate(()).unwrap();
    let limits = v1::field_type::Limits {
        name: "queue".into(),
        max: 200,
    };
    assert_eq!(p.ft_headroom(limits.clone(), 150).unwrap(), 200 - 150);
    assert_eq!(p.ft_headroom(limits, 250).unwrap(), 0);

    let mut p = load::<dyn v1::FieldOrder>(V1).instantiate(()).unwrap();
    let point = v1::field_order::Point { x: 1, y: -2 };
    assert_eq!(
        p.fo_shift(point, 10, 20).unwrap(),
        v1::field_order::Point {
            x: 1 + 10,
            y: -2 + 20
        }
    );

    let mut p = load::<dyn v1::VariantAdded>(V1).instantiate(()).unwrap();
    assert_eq!(
        p.va_distance(v1::variant_added::Mode::Slow, 3).unwrap(),
        5 * 3
    );
    assert_eq!(
        p.va_distance(v1::variant_added::Mode::Fast, 3).unwrap(),
        20 * 3
    );

    let mut p = load::<dyn v1::VariantPayload>(V1).instantiate(()).unwrap();
    let paces = vec![
        v1::variant_payload::Pace::Slow(7),
        v1::variant_payload::Pace::Fast,
        v1::variant_payload::Pace::Slow(u32::MAX),
    ];
    assert_eq!(p.vp_total(paces).unwrap(), 7 + 1 + u64::from(u32::MAX));

    let mut p = load::<dyn v1::Nested>(V1).instantiate(()).unwrap();
    let item = |label: &str, grams| {
        Some(v1::nested::Item {
            label: label.into(),
            weight: v1::nested::Weight { grams },
        })
    };
    let items = vec![item("a", 250), None, item("b", u32::MAX)];
    assert_eq!(p.ne_total(items).unwrap(), 250 + u64::from(u32::MAX));

    let mut p = load::<dyn v1::TypeRenamed>(V1).instantiate(()).unwrap();
    let config = v1::type_renamed::Config {
        width: 70_000,
        height: 80_000,
    };
    assert_eq!(p.tr_area(config).unwrap(), 70_000u64 * 80_000);

    let mut p = load::<dyn v1::MethodRenamed>(V1).instantiate(()).unwrap();
    assert_eq!(p.mn_old(x).unwrap(), x + 100);

    let mut p = load::<dyn v1::MethodRenamedKept>(V1)
        .instantiate(())
        .unwrap();
    assert_eq!(p.mk_old(x).unwrap(), x + 200);

    let mut p = load::<dyn v1::SinceClaimed>(V1).instantiate(()).unwrap();
    assert_eq!(p.sl_a(x).unwrap(), x + 1);
    assert_eq!(p.sl_b(x).unwrap(), x + 2);

    let mut p = load::<dyn v1::FieldRenamed>(V1).instantiate(()).unwrap();
    let label = v1::field_renamed::Label {
        text: "ab".into(),
        size: 3,
    };
    assert_eq!(p.fr_render(label).unwrap(), "ab".repeat(3));

    let mut p = load::<dyn v1::VariantOrder>(V1).instantiate(()).unwrap();
    assert_eq!(p.vo_flip(Level1::Low).unwrap(), Level1::High);
    assert_eq!(p.vo_flip(Level1::High).unwrap(), Level1::Low);

    let mut p = load::<dyn v1::VariantRenamed>(V1).instantiate(()).unwrap();
    let signals = vec![Signal1::Go, Signal1::Stop, Signal1::Go];
    assert_eq!(p.vr_passing(signals).unwrap(), 2);

    let mut p = load::<dyn v1::OldName>(V1).instantiate(()).unwrap();
    assert_eq!(p.cr_double(x).unwrap(), x * 2);

    let mut p = load::<dyn v1::Invisible>(V1).instantiate(()).unwrap();
    let options = v1::invisible::Options {
        name: "disk".into(),
        size: 9,
    };
    assert_eq!(p.iv_describe(options).unwrap(), "disk (9)");

    let mut p = load::<dyn v1::SinceChanged>(V1).instantiate(()).unwrap();
    assert_eq!(p.sc_base(x).unwrap(), x + 1);
    assert_eq!(p.sc_new(x).unwrap(), x + 2);

    let mut p = load::<dyn v1::Evolving>(V1).instantiate(()).unwrap();
    assert_eq!(p.ev_hello("Nic".into()).unwrap(), "Hello Nic");
    assert_eq!(p.ev_count().unwrap(), 1);
    assert_eq!(p.ev_count().unwrap(), 2);
}

/// Control: a version 2 host runs every contract of the version 2 plugin.
#[test]
fn v2_host_runs_every_contract_of_the_v2_plugin() {
    let x = 40_321u32;
    let mut p = load::<dyn v2::ParamType>(V2).instantiate(()).unwrap();
    assert_eq!(p.pt_digits("a1b22c333".into()).unwrap(), 1 + 2 + 3);

    let mut p = load::<dyn v2::ReturnType>(V2).instantiate(()).unwrap();
    assert_eq!(p.rt_square(x).unwrap(), u64::from(x) * u64::from(x));

    let mut p = load::<dyn v2::ParamCount>(V2).instantiate(()).unwrap();
    assert_eq!(p.pc_scale(x, 7).unwrap(), x * 7);

    let mut p = load::<dyn v2::MethodAdded>(V2).instantiate(()).unwrap();
    assert_eq!(p.ma_len("naïve".into()).unwrap(), 5);
    assert_eq!(p.ma_upper("naïve".into()).unwrap(), "naïve".to_uppercase());

    let mut p = load::<dyn v2::MethodRemoved>(V2).instantiate(()).unwrap();
    assert_eq!(p.mr_kept("abc✓".into()).unwrap(), "✓cba");

    let mut p = load::<dyn v2::FieldAdded>(V2).instantiate(()).unwrap();
    let config = v2::field_added::Config {
        name: "db".into(),
        verbose: false,
        retries: 3,
    };
    assert_eq!(
        p.fa_summary(config).unwrap(),
        "name=db verbose=false retries=3"
    );

    let mut p = load::<dyn v2::FieldType>(V2).instantiate(()).unwrap();
    let limits = v2::field_type::Limits {
        name: "queue".into(),
        max: 60_000,
    };
    assert_eq!(p.ft_headroom(limits, 150).unwrap(), 60_000 - 150);

    let mut p = load::<dyn v2::FieldOrder>(V2).instantiate(()).unwrap();
    let point = v2::field_order::Point { y: -2, x: 1 };
    assert_eq!(
        p.fo_shift(point, 10, 20).unwrap(),
        v2::field_order::Point {
            y: -2 + 20,
            x: 1 + 10
        }
    );

    let mut p = load::<dyn v2::VariantAdded>(V2).instantiate(()).unwrap();
    assert_eq!(
        p.va_distance(v2::variant_added::Mode::Fast, 3).unwrap(),
        20 * 3
    );
    assert_eq!(
        p.va_distance(v2::variant_added::Mode::Turbo, 3).unwrap(),
        80 * 3
    );

    let mut p = load::<dyn v2::VariantPayload>(V2).instantiate(()).unwrap();
    let big = u64::from(u32::MAX) + 1;
    let paces = vec![
        v2::variant_payload::Pace::Slow(big),
        v2::variant_payload::Pace::Fast,
    ];
    assert_eq!(p.vp_total(paces).unwrap(), big + 1);

    let mut p = load::<dyn v2::Nested>(V2).instantiate(()).unwrap();
    let item = |label: &str, grams| {
        Some(v2::nested::Item {
            label: label.into(),
            weight: v2::nested::Weight { grams },
        })
    };
    let items = vec![None, item("a", big), item("b", 1)];
    assert_eq!(p.ne_total(items).unwrap(), big + 1);

    let mut p = load::<dyn v2::TypeRenamed>(V2).instantiate(()).unwrap();
    let settings = v2::type_renamed::Settings {
        width: 3,
        height: 4,
    };
    assert_eq!(p.tr_area(settings).unwrap(), 3 * 4);

    let mut p = load::<dyn v2::MethodRenamed>(V2).instantiate(()).unwrap();
    assert_eq!(p.mn_new(x).unwrap(), x + 100);

    let mut p = load::<dyn v2::MethodRenamedKept>(V2)
        .instantiate(())
        .unwrap();
    assert_eq!(p.mk_new(x).unwrap(), x + 200);

    let mut p = load::<dyn v2::SinceClaimed>(V2).instantiate(()).unwrap();
    assert_eq!(p.sl_a(x).unwrap(), x + 1);
    assert_eq!(p.sl_b(x).unwrap(), x + 2);
    assert_eq!(p.sl_c(x).unwrap(), x + 3);

    let mut p = load::<dyn v2::FieldRenamed>(V2).instantiate(()).unwrap();
    let label = v2::field_renamed::Label {
        caption: "ab".into(),
        size: 3,
    };
    assert_eq!(p.fr_render(label).unwrap(), "ab".repeat(3));

    let mut p = load::<dyn v2::VariantOrder>(V2).instantiate(()).unwrap();
    assert_eq!(p.vo_flip(Level2::Low).unwrap(), Level2::High);
    assert_eq!(p.vo_flip(Level2::High).unwrap(), Level2::Low);

    let mut p = load::<dyn v2::VariantRenamed>(V2).instantiate(()).unwrap();
    let signals = vec![Signal2::Proceed, Signal2::Stop, Signal2::Stop];
    assert_eq!(p.vr_passing(signals).unwrap(), 1);

    let mut p = load::<dyn v2::NewName>(V2).instantiate(()).unwrap();
    assert_eq!(p.cr_double(x).unwrap(), x * 2);

    let mut p = load::<dyn v2::Invisible>(V2).instantiate(()).unwrap();
    let options = v2::invisible::Options {
        name: "disk".into(),
        size: 9,
        cache: Some("sent?".into()),
    };
    assert_eq!(
        p.iv_describe(options).unwrap(),
        "disk: size 9",
        "a skipped field does not travel"
    );

    let mut p = load::<dyn v2::SinceChanged>(V2).instantiate(()).unwrap();
    assert_eq!(p.sc_base(x).unwrap(), x + 1);
    assert_eq!(p.sc_new(x).unwrap(), x + 2);

    let mut p = load::<dyn v2::Evolving>(V2).instantiate(()).unwrap();
    assert_eq!(p.ev_hello("Nic".into()).unwrap(), "Hello Nic");
    assert_eq!(p.ev_count().unwrap(), 1);
}

/// Rule: a parameter whose type changed is a difference, named by position, in both
/// directions.
#[test]
fn a_changed_parameter_type_is_refused() {
    assert_eq!(
        refusal::<dyn v2::ParamType>(V1),
        vec!["method pt_digits: parameter 1 is String in the host's contract, u32 in the plugin"]
    );
    assert_eq!(
        refusal::<dyn v1::ParamType>(V2),
        vec!["method pt_digits: parameter 1 is u32 in the host's contract, String in the plugin"]
    );
}

/// Rule: a result whose type changed is a difference.
#[test]
fn a_changed_return_type_is_refused() {
    assert_eq!(
        refusal::<dyn v2::ReturnType>(V1),
        vec!["method rt_square: returns u64 in the host's contract, u32 in the plugin"]
    );
    assert_eq!(
        refusal::<dyn v1::ReturnType>(V2),
        vec!["method rt_square: returns u32 in the host's contract, u64 in the plugin"]
    );
}

/// Rule: a method with a different number of parameters is a difference.
#[test]
fn a_changed_parameter_count_is_refused() {
    assert_eq!(
        refusal::<dyn v2::ParamCount>(V1),
        vec!["method pc_scale: 2 parameter(s) in the host's contract, 1 in the plugin"]
    );
    assert_eq!(
        refusal::<dyn v1::ParamCount>(V2),
        vec!["method pc_scale: 1 parameter(s) in the host's contract, 2 in the plugin"]
    );
}

/// Rule: a method added without `#[wasp(since = N)]` is required of every plugin, so a host
/// with it refuses a plugin built before it.
#[test]
fn a_method_added_without_since_is_required_of_older_plugins() {
    assert_eq!(
        refusal::<dyn v2::MethodAdded>(V1),
        vec!["method ma_upper: missing in the plugin"]
    );
}

/// Rule: methods only the plugin has are ignored, so a newer plugin works in an older host.
#[test]
fn a_method_only_the_plugin_has_is_ignored() {
    let plugin = load::<dyn v1::MethodAdded>(V2);
    assert!(!plugin.supports("ma_upper"), "the host's contract lacks it");
    let mut p = plugin.instantiate(()).unwrap();
    assert_eq!(p.ma_len("naïve".into()).unwrap(), 5);
}

/// Rule: removing a method from a contract is not breaking: a newer host loads an older
/// plugin that still has it and calls the rest. An older host, which still calls it, refuses
/// a newer plugin without it.
#[test]
fn removing_a_method_is_not_breaking_for_older_plugins() {
    let plugin = load::<dyn v2::MethodRemoved>(V1);
    assert!(plugin.supports("mr_kept"));
    assert!(!plugin.supports("mr_dropped"));
    let mut p = plugin.instantiate(()).unwrap();
    assert_eq!(p.mr_kept("abc✓".into()).unwrap(), "✓cba");

    assert_eq!(
        refusal::<dyn v1::MethodRemoved>(V2),
        vec!["method mr_dropped: missing in the plugin"]
    );
}

/// Rule: a struct's fields must be the same on both sides: a field added on either side is a
/// difference, with its type.
#[test]
fn a_field_added_to_a_struct_is_refused_both_ways() {
    assert_eq!(
        refusal::<dyn v2::FieldAdded>(V1),
        vec!["type Config: field retries (u8) exists in the host's contract only"]
    );
    assert_eq!(
        refusal::<dyn v1::FieldAdded>(V2),
        vec!["type Config: field retries (u8) exists in the plugin only"]
    );
}

/// Rule: a field whose type changed is a difference.
#[test]
fn a_changed_field_type_is_refused() {
    assert_eq!(
        refusal::<dyn v2::FieldType>(V1),
        vec!["type Limits: field max is u16 in the host's contract, u8 in the plugin"]
    );
    assert_eq!(
        refusal::<dyn v1::FieldType>(V2),
        vec!["type Limits: field max is u8 in the host's contract, u16 in the plugin"]
    );
}

/// Rule: fields travel in declaration order, so the same fields in another order are a
/// difference.
#[test]
fn reordered_fields_are_refused() {
    assert_eq!(
        refusal::<dyn v2::FieldOrder>(V1),
        vec!["type Point: fields are in the order y, x in the host's contract, x, y in the plugin"]
    );
}

/// Rule: an enum's variants must be the same on both sides: a variant added on either side is
/// a difference.
#[test]
fn an_added_variant_is_refused_both_ways() {
    assert_eq!(
        refusal::<dyn v2::VariantAdded>(V1),
        vec!["type Mode: variant Turbo exists in the host's contract only"]
    );
    assert_eq!(
        refusal::<dyn v1::VariantAdded>(V2),
        vec!["type Mode: variant Turbo exists in the plugin only"]
    );
}

/// Rule: a variant's payload is compared field by field.
#[test]
fn a_changed_variant_payload_is_refused() {
    assert_eq!(
        refusal::<dyn v2::VariantPayload>(V1),
        vec!["type Pace: variant Slow: field 0 is u64 in the host's contract, u32 in the plugin"]
    );
}

/// Rule: every named type a signature reaches is compared, however deep: here `Weight`,
/// reached only through `Vec<Option<Item>>` and `Item`'s field.
#[test]
fn a_change_deep_inside_a_parameter_type_is_found() {
    assert_eq!(
        refusal::<dyn v2::Nested>(V1),
        vec!["type Weight: field grams is u64 in the host's contract, u32 in the plugin"]
    );
}

/// Rule: types are identified by name, so a renamed type is a difference even with the same
/// fields.
#[test]
fn a_renamed_type_is_refused() {
    assert_eq!(
        refusal::<dyn v2::TypeRenamed>(V1),
        vec![
            "method tr_area: parameter 1 is Settings in the host's contract, Config in the plugin"
        ]
    );
}

/// Rule: renaming a method is removing one and adding another: the host misses the new
/// name.
#[test]
fn a_renamed_method_is_refused() {
    assert_eq!(
        refusal::<dyn v2::MethodRenamed>(V1),
        vec!["method mn_new: missing in the plugin"]
    );
}

/// Rule: `#[wasp(rename = "...")]` keeps the wire name, so a method renamed in Rust only
/// still works with plugins built before, in both directions.
#[test]
fn a_method_renamed_with_its_wire_name_kept_is_not_breaking() {
    let x = 7u32;
    let plugin = load::<dyn v2::MethodRenamedKept>(V1);
    // `supports` takes the method's Rust name, whatever its name on the wire.
    assert!(plugin.supports("mk_new"));
    assert!(!plugin.supports("mk_old"));
    let mut p = plugin.instantiate(()).unwrap();
    assert_eq!(p.mk_new(x).unwrap(), x + 200);

    let mut p = load::<dyn v1::MethodRenamedKept>(V2)
        .instantiate(())
        .unwrap();
    assert_eq!(p.mk_old(x).unwrap(), x + 200);
}

/// Rule: a method marked `since = N` is optional only for plugins built against a version
/// below N. A plugin built against version N claims to have every method of version N, so
/// one it lacks is missing.
#[test]
fn a_method_added_with_a_since_the_plugin_already_has_is_required() {
    assert_eq!(<dyn v1::SinceClaimed as Contract>::VERSION, 2);
    assert_eq!(
        refusal::<dyn v2::SinceClaimed>(V1),
        vec!["method sl_c: missing in the plugin"]
    );
}

/// Rule: a renamed field is a field missing on one side and a new one on the other.
#[test]
fn a_renamed_field_is_refused() {
    assert_eq!(
        refusal::<dyn v2::FieldRenamed>(V1),
        vec![
            "type Label: field caption (String) exists in the host's contract only",
            "type Label: field text (String) exists in the plugin only",
        ]
    );
}

/// Rule: postcard writes a variant's index, so the same variants in another order are a
/// difference.
#[test]
fn reordered_variants_are_refused() {
    assert_eq!(
        refusal::<dyn v2::VariantOrder>(V1),
        vec![
            "type Level: variants are in the order High, Low in the host's contract, Low, High \
             in the plugin"
        ]
    );
}

/// Rule: a renamed variant is a variant missing on one side and a new one on the other.
#[test]
fn a_renamed_variant_is_refused() {
    assert_eq!(
        refusal::<dyn v2::VariantRenamed>(V1),
        vec![
            "type Signal: variant Proceed exists in the host's contract only",
            "type Signal: variant Go exists in the plugin only",
        ]
    );
}

/// Rule: the contract is identified by its trait's name, so a plugin of the renamed trait is
/// refused; the difference names the contracts the plugin does implement.
#[test]
fn a_renamed_contract_is_refused() {
    let differences = refusal::<dyn v2::NewName>(V1);
    assert_eq!(differences.len(), 1, "{differences:?}");
    let listed = differences[0]
        .strip_prefix("the plugin implements ")
        .and_then(|d| d.strip_suffix(", not `NewName`"))
        .unwrap_or_else(|| panic!("{differences:?}"));
    let mut listed: Vec<&str> = listed.split(", ").collect();
    listed.sort_unstable();
    let mut expected = vec![
        <dyn v1::ParamType as Contract>::NAME,
        <dyn v1::ReturnType as Contract>::NAME,
        <dyn v1::ParamCount as Contract>::NAME,
        <dyn v1::MethodAdded as Contract>::NAME,
        <dyn v1::MethodRemoved as Contract>::NAME,
        <dyn v1::FieldAdded as Contract>::NAME,
        <dyn v1::FieldType as Contract>::NAME,
        <dyn v1::FieldOrder as Contract>::NAME,
        <dyn v1::VariantAdded as Contract>::NAME,
        <dyn v1::VariantPayload as Contract>::NAME,
        <dyn v1::Nested as Contract>::NAME,
        <dyn v1::TypeRenamed as Contract>::NAME,
        <dyn v1::MethodRenamed as Contract>::NAME,
        <dyn v1::MethodRenamedKept as Contract>::NAME,
        <dyn v1::SinceClaimed as Contract>::NAME,
        <dyn v1::FieldRenamed as Contract>::NAME,
        <dyn v1::VariantOrder as Contract>::NAME,
        <dyn v1::VariantRenamed as Contract>::NAME,
        <dyn v1::OldName as Contract>::NAME,
        <dyn v1::Invisible as Contract>::NAME,
        <dyn v1::SinceChanged as Contract>::NAME,
        <dyn v1::Evolving as Contract>::NAME,
        <dyn v1::HostFunction as Contract>::NAME,
        <dyn v1::HostFunctionAdded as Contract>::NAME,
    ]
    .into_iter()
    .map(|name| format!("`{name}`"))
    .collect::<Vec<_>>();
    expected.sort_unstable();
    assert_eq!(listed, expected);
}

/// Rule: what postcard does not write (doc comments, a serde `rename`, a `#[serde(skip)]`
/// field, method bodies) is not part of the contract: both directions load and work.
#[test]
fn changes_that_do_not_reach_the_wire_are_not_breaking() {
    let mut p = load::<dyn v2::Invisible>(V1).instantiate(()).unwrap();
    let options = v2::invisible::Options {
        name: "disk".into(),
        size: 9,
        cache: Some("kept on the host".into()),
    };
    assert_eq!(p.iv_describe(options).unwrap(), "disk (9)");

    let mut p = load::<dyn v1::Invisible>(V2).instantiate(()).unwrap();
    let options = v1::invisible::Options {
        name: "disk".into(),
        size: 9,
    };
    assert_eq!(p.iv_describe(options).unwrap(), "disk: size 9");
}

/// Rule: a host function the plugin imports must have the same signature in the host's
/// contract, even when the change keeps its wasm type (`u8` and `u32` are both `i32`).
#[test]
fn a_changed_host_function_parameter_is_refused() {
    // Controls: each version runs its own plugin, and the plugin calls the host.
    let mut p = load::<dyn v1::HostFunction>(V1)
        .instantiate(Notes::<u8>::default())
        .unwrap();
    assert_eq!(p.hf_send(4, "two words".into()).unwrap(), 2);
    let notes = Instance::host_mut(&mut p);
    let expected: Vec<(u8, String)> = words("two words").into_iter().map(|w| (4, w)).collect();
    assert_eq!(notes.lines, expected);

    let mut p = load::<dyn v2::HostFunction>(V2)
        .instantiate(Notes::<u32>::default())
        .unwrap();
    assert_eq!(p.hf_send(200, "three short words".into()).unwrap(), 3);
    let notes = Instance::host_mut(&mut p);
    let expected: Vec<(u32, String)> = words("three short words")
        .into_iter()
        .map(|w| (200, w))
        .collect();
    assert_eq!(notes.lines, expected);

    assert_eq!(
        refusal::<dyn v2::HostFunction>(V1),
        vec!["host function hf_note: parameter 1 is u32 in the host's contract, u8 in the plugin"]
    );
    assert_eq!(
        refusal::<dyn v1::HostFunction>(V2),
        vec!["host function hf_note: parameter 1 is u8 in the host's contract, u32 in the plugin"]
    );
}

/// Rule: host functions the plugin does not import do not matter, so a host that gained one
/// runs an older plugin.
#[test]
fn a_host_function_the_plugin_does_not_import_does_not_matter() {
    // Control: the newer plugin calls both host functions of a newer host.
    let mut p = load::<dyn v2::HostFunctionAdded>(V2)
        .instantiate(Values)
        .unwrap();
    assert_eq!(p.ha_run(5).unwrap(), Values::base(5) + Values::extra(5));

    let mut p = load::<dyn v2::HostFunctionAdded>(V1)
        .instantiate(Values)
        .unwrap();
    assert_eq!(p.ha_run(5).unwrap(), Values::base(5));
}

/// Rule: a host function the plugin imports and the host's contract lacks is a difference.
#[test]
fn a_host_function_the_host_lacks_is_refused() {
    // Control: the older plugin runs in an older host.
    let mut p = load::<dyn v1::HostFunctionAdded>(V1)
        .instantiate(Values)
        .unwrap();
    assert_eq!(p.ha_run(5).unwrap(), Values::base(5));

    assert_eq!(
        refusal::<dyn v1::HostFunctionAdded>(V2),
        vec![
            "host function ha_extra: the plugin imports it, the host's contract does not provide \
             it"
        ]
    );
}

/// Rule: a method both sides have must have been added in the same contract version.
#[test]
fn a_changed_since_is_refused() {
    assert_eq!(
        refusal::<dyn v2::SinceChanged>(V1),
        vec!["method sc_new: added in version 3 in the host's contract, 2 in the plugin"]
    );
}

/// Rule: a method marked `#[wasp(since = N)]` is optional for plugins built against an older
/// version: the plugin loads, its other methods work, and calling the new one returns
/// `Error::Unavailable` without harming the instance.
#[test]
fn a_method_added_since_is_unavailable_in_an_older_plugin() {
    assert_eq!(<dyn v1::Evolving as Contract>::VERSION, 1);
    assert_eq!(<dyn v2::Evolving as Contract>::VERSION, 2);

    let plugin = load::<dyn v2::Evolving>(V1);
    assert_eq!(plugin.contract_version(), 1);
    assert!(plugin.supports("ev_hello"));
    assert!(plugin.supports("ev_count"));
    assert!(!plugin.supports("ev_stats"));

    let mut p = plugin.instantiate(()).unwrap();
    assert!(Instance::supports(&p, "ev_hello"));
    assert!(!Instance::supports(&p, "ev_stats"));
    assert_eq!(p.ev_hello("Nic".into()).unwrap(), "Hello Nic");
    assert_eq!(p.ev_count().unwrap(), 1);

    match p.ev_stats() {
        Err(Error::Unavailable {
            method,
            since,
            plugin_version,
        }) => {
            assert_eq!(method, "ev_stats");
            assert_eq!(since, 2);
            assert_eq!(plugin_version, 1);
        }
        other => panic!("expected Error::Unavailable, got {other:?}"),
    }

    assert!(!Instance::is_poisoned(&p));
    assert_eq!(p.ev_hello("Ana".into()).unwrap(), "Hello Ana");
    assert_eq!(p.ev_count().unwrap(), 2, "the instance kept its state");
}

/// Rule: a plugin built against a newer version loads in an older host, which sees only the
/// methods it knows.
#[test]
fn a_newer_plugin_runs_in_an_older_host() {
    let plugin = load::<dyn v1::Evolving>(V2);
    assert_eq!(plugin.contract_version(), 2);
    assert!(plugin.supports("ev_hello"));
    assert!(!plugin.supports("ev_stats"), "not in the host's contract");
    let mut p = plugin.instantiate(()).unwrap();
    assert_eq!(p.ev_hello("Nic".into()).unwrap(), "Hello Nic");
    assert_eq!(p.ev_count().unwrap(), 1);
    assert_eq!(p.ev_count().unwrap(), 2);
}

/// Rule: with a plugin of the same version, a method added since is there and works.
#[test]
fn a_method_added_since_works_in_a_plugin_of_that_version() {
    let plugin = load::<dyn v2::Evolving>(V2);
    assert_eq!(plugin.contract_version(), 2);
    assert!(plugin.supports("ev_stats"));
    let mut p = plugin.instantiate(()).unwrap();
    assert!(Instance::supports(&p, "ev_stats"));
    assert_eq!(
        p.ev_stats().unwrap(),
        v2::Stats {
            greetings: 0,
            count: 0,
            last_name: None,
        }
    );
    let names = ["Nic", "Ana", "Bo"];
    for name in names {
        assert_eq!(p.ev_hello(name.into()).unwrap(), format!("Hello {name}"));
    }
    for _ in 0..4 {
        p.ev_count().unwrap();
    }
    assert_eq!(
        p.ev_stats().unwrap(),
        v2::Stats {
            greetings: names.len() as u32,
            count: 4,
            last_name: names.last().map(|n| n.to_string()),
        }
    );
}
