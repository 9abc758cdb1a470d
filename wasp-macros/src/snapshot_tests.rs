//! Expansion snapshots: the code both macros generate for a representative contract, formatted,
//! so that any change to generated code shows up in review as a diff of
//! `wasp-macros/snapshots/*.expanded.rs`.
//!
//! After an intended change, bless with `WASP_BLESS=1 cargo test -p wasp-macros` and review
//! the diff. Expansions depend on the compiler's version only in the spelling of unsafe
//! attributes (see build.rs); the snapshots are those of the stable toolchain CI uses.

use crate::model::{Errors, Side, TraitModel};
use crate::{expand_host, expand_plugin};
use proc_macro2::TokenStream;
use std::path::PathBuf;

const CONTRACT: &str = r#"
    #[derive(Serialize, Deserialize, wasp::Schema)]
    pub struct Stats<T> {
        pub entries: Vec<(String, T)>,
        #[serde(skip)]
        pub cache: Option<Box<Stats<T>>>,
        pub mode: Mode,
    }

    #[derive(Serialize, Deserialize, wasp::Schema)]
    pub enum Mode {
        Idle,
        Busy(u32, bool),
        Draining { remaining: u64 },
    }

    #[wasp::host]
    pub trait KvHost {
        fn log(&mut self, line: &str);
        fn fetch(&mut self, key: String) -> wasp::HostResult<Option<Vec<u8>>>;
        fn now(&mut self) -> u64;
    }

    #[wasp::plugin(host = KvHost)]
    pub trait Kv {
        fn get(&self, key: &str) -> Option<Vec<u8>>;
        fn put(&mut self, key: String, value: Vec<u8>, ttl: Option<u32>);
        fn count(&self) -> usize;
        fn stats(&self, detailed: bool) -> Result<Stats<u64>, String>;
        fn scale(&self, factor: f64, bytes: &[u8], flag: char) -> (f64, u8);
        #[wasp(since = 2, rename = "kv_clear")]
        fn clear(&mut self, prefix: String) -> u32;
    }
"#;

fn expand(source: &str) -> String {
    let file: syn::File = syn::parse_str(source).expect("the snapshot contract parses");
    let mut out = TokenStream::new();
    for item in file.items {
        let mut item = match item {
            syn::Item::Trait(item) => item,
            syn::Item::Struct(s) => {
                out.extend(crate::derive_schema::expand(s.into()));
                continue;
            }
            syn::Item::Enum(e) => {
                out.extend(crate::derive_schema::expand(e.into()));
                continue;
            }
            _ => panic!("only traits, structs and enums"),
        };
        let attr = item.attrs.remove(0);
        let is_host = attr.path().segments.last().unwrap().ident == "host";
        let args = match attr.meta {
            syn::Meta::List(list) => list.tokens,
            _ => TokenStream::new(),
        };
        let mut errors = Errors::default();
        if is_host {
            let model = TraitModel::parse(item, Side::Host, &mut errors);
            out.extend(expand_host::expand(&model, errors));
        } else {
            let args = expand_plugin::PluginArgs::parse(args, &mut errors);
            let model = TraitModel::parse(item, Side::Plugin, &mut errors);
            out.extend(expand_plugin::expand(&model, &args, errors));
        }
    }
    let file: syn::File = syn::parse2(out).expect("the expansion parses");
    prettyplease::unparse(&file)
}

#[test]
fn expansion_matches_the_snapshot() {
    let expanded = expand(CONTRACT);
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("snapshots/kv.expanded.rs");
    if std::env::var_os("WASP_BLESS").is_some() {
        std::fs::write(&path, &expanded).expect("write the snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        expected == expanded,
        "the expansion differs from {}; if the change is intended, bless it with \
         `WASP_BLESS=1 cargo test -p wasp-macros` and review the diff",
        path.display()
    );
}

/// A contract whose methods and host functions carry `#[cfg]`s: each goes on everything
/// generated for its method, and indices and the version become `cfg!` expressions.
const CFG_CONTRACT: &str = r#"
    #[wasp::host]
    pub trait ClockHost {
        fn now(&mut self) -> u64;
        #[cfg(feature = "trace")]
        fn trace(&mut self, line: &str);
        fn zone(&mut self) -> String;
    }

    #[wasp::plugin(host = ClockHost)]
    pub trait Clock {
        #[cfg(unix)]
        fn tick(&mut self) -> u64;
        #[wasp(since = 3)]
        #[cfg(feature = "v3")]
        fn reset(&mut self, to: u64);
        fn read(&self, label: &str) -> Option<u64>;
    }
"#;

#[test]
fn cfg_expansion_matches_the_snapshot() {
    let expanded = expand(CFG_CONTRACT);
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("snapshots/cfg.expanded.rs");
    if std::env::var_os("WASP_BLESS").is_some() {
        std::fs::write(&path, &expanded).expect("write the snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        expected == expanded,
        "the expansion differs from {}; if the change is intended, bless it with \
         `WASP_BLESS=1 cargo test -p wasp-macros` and review the diff",
        path.display()
    );
}
