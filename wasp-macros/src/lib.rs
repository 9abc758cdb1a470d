//! Procedural macros of Wasp: `#[wasp::plugin]` and `#[wasp::host]`.
//!
//! Use them through the `wasp` crate, which documents them. Each macro parses the trait once
//! into a model ([`model`]), validates it there, and expands host and guest code from the
//! same model. Generated code names only absolute paths (`::wasp::__private::...`) and makes
//! the same calls for every parameter (`<T as Wire>::...`) and every result
//! (`<T as WireResult>::...`): how a type travels is decided by its trait impls in the `wasp`
//! crate, never by how it is spelled here, so a new kind of type needs no macro change.
//!
//! Set `WASP_DUMP_EXPANSION=1` while building to print every expansion to stderr.

mod derive_schema;
mod expand_host;
mod expand_plugin;
mod model;
#[cfg(test)]
mod snapshot_tests;

use model::{Errors, Side, TraitModel};
use proc_macro::TokenStream;
use syn::ItemTrait;

/// Declares a plugin contract: a trait that plugins implement and hosts call.
///
/// `#[wasp::plugin]` on `trait Greeter` keeps the trait and adds:
/// - `GreeterHandle`, the host's typed handle: the same methods, taking `&mut self` and
///   returning `Result<T, wasp::Error>`;
/// - `impl wasp::Contract for dyn Greeter`, so hosts load plugins with
///   `engine.load::<dyn Greeter>(path)`;
/// - the macro `export_greeter!(MyType)` (at the contract crate's root) that a plugin calls
///   once to export its implementation; `export_greeter!(MyType, MyType::new())` names the
///   constructor when the type has no `Default`.
///
/// Arguments: `host = HostTrait` names the `#[wasp::host]` trait whose functions the plugin
/// may call.
///
/// Method options, as `#[wasp(...)]` on a method: `since = N` marks a method added in contract
/// version `N` (plugins built before still load; calling it on them returns
/// `wasp::Error::Unavailable`); `rename = "name"` sets the method's name on the wire (export
/// and descriptor), e.g. to keep it when the Rust name changes.
///
/// Methods take `&self` or `&mut self` (the plugin object lives as long as its instance, so
/// `&mut self` gives stateful plugins). Borrowed parameters (`&str`, `&[u8]`, `Cow<'_, str>`)
/// live only for the call, so a parameter cannot name a lifetime (`&'static str` is an error). The trait must be declared at the root of its crate
/// so that `export_...!` can name it.
#[proc_macro_attribute]
pub fn plugin(args: TokenStream, input: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let args = expand_plugin::PluginArgs::parse(args.into(), &mut errors);
    let item = match syn::parse::<ItemTrait>(input) {
        Ok(item) => item,
        Err(e) => return e.to_compile_error().into(),
    };
    let model = TraitModel::parse(item, Side::Plugin, &mut errors);
    let expanded = expand_plugin::expand(&model, &args, errors);
    dump("plugin", &expanded);
    expanded.into()
}

/// Declares host functions: a trait the host implements and plugins call.
///
/// `#[wasp::host]` on `trait GreeterHost` keeps the trait and adds:
/// - what the host engine needs to dispatch the plugin's calls to any `H: GreeterHost`;
/// - a module `greeter_host` with one function per method, which plugins (wasm32) call,
///   e.g. `greeter_host::call_me(name)`.
///
/// A method returns `T` when it cannot fail, or `wasp::HostResult<T>` when it may: an `Err`
/// abandons the plugin's call and the host caller receives `wasp::Error::HostFunction`.
/// The plugin sees `T` either way.
#[proc_macro_attribute]
pub fn host(args: TokenStream, input: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let args: proc_macro2::TokenStream = args.into();
    if !args.is_empty() {
        errors.push(
            syn::spanned::Spanned::span(&args),
            "`#[wasp::host]` takes no arguments",
        );
    }
    let item = match syn::parse::<ItemTrait>(input) {
        Ok(item) => item,
        Err(e) => return e.to_compile_error().into(),
    };
    let model = TraitModel::parse(item, Side::Host, &mut errors);
    let expanded = expand_host::expand(&model, errors);
    dump("host", &expanded);
    expanded.into()
}

/// Derives `wasp::Schema`: the type's shape (fields and their types, variants) for the
/// contract descriptor, so that host and plugin are checked to agree on it at load.
///
/// Put it beside serde's derives: `#[derive(Serialize, Deserialize, wasp::Schema)]`. It
/// follows `#[serde(skip)]` and `#[serde(transparent)]` and refuses the serde attributes whose
/// encoding postcard cannot read back (`flatten`, `tag`, `untagged`, `skip_serializing_if`,
/// `with`, ...), each with a hint.
#[proc_macro_derive(Schema)]
pub fn derive_schema(input: TokenStream) -> TokenStream {
    let expanded = match syn::parse::<syn::DeriveInput>(input) {
        Ok(input) => derive_schema::expand(input),
        Err(e) => e.to_compile_error(),
    };
    dump("derive(Schema)", &expanded);
    expanded.into()
}

fn dump(which: &str, tokens: &proc_macro2::TokenStream) {
    if std::env::var_os("WASP_DUMP_EXPANSION").is_some() {
        eprintln!("// #[wasp::{}] expansion\n{}", which, tokens);
    }
}
