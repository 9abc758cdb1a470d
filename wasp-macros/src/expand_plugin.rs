//! Expansion of `#[wasp::plugin]`: the host's typed handle, the `Contract` impl, and the
//! `export_*!` macro that generates the plugin's export shims.

use crate::model::{scalar_tokens, snake_case, unsafe_attr, Errors, Kind, Method, TraitModel};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{FnArg, Ident, LitStr, Path};

pub struct PluginArgs {
    pub host: Option<Path>,
}

impl PluginArgs {
    pub fn parse(tokens: TokenStream, errors: &mut Errors) -> PluginArgs {
        let mut args = PluginArgs { host: None };
        if tokens.is_empty() {
            return args;
        }
        let parser = syn::meta::parser(|meta| {
            if meta.path.is_ident("host") {
                args.host = Some(meta.value()?.parse()?);
                Ok(())
            } else {
                Err(meta.error("unknown argument; `#[wasp::plugin]` accepts `host = HostTrait`"))
            }
        });
        if let Err(e) = syn::parse::Parser::parse2(parser, tokens) {
            errors.push_error(e);
        }
        args
    }
}

pub fn expand(model: &TraitModel, args: &PluginArgs, errors: Errors) -> TokenStream {
    let item = &model.item;
    if errors.count() > 0 {
        // Only the trait and the errors: generated code for an invalid contract would bury
        // the real message under follow-on errors (such as the trait not being dyn compatible).
        let compile_errors = errors.into_compile_errors();
        return quote!(#compile_errors #item);
    }
    let vis = &item.vis;
    let trait_ident = &item.ident;
    let handle_ident = format_ident!("{}Handle", trait_ident);
    let export_macro = format_ident!("export_{}", snake_case(&trait_ident.to_string()));
    let host_ty = match &args.host {
        Some(path) => quote!(dyn #path),
        None => quote!(::wasp::NoHost),
    };

    let method_descriptors = model.methods.iter().map(Method::descriptor_tokens);
    let method_names = model
        .methods
        .iter()
        .map(|m| LitStr::new(&m.ident.to_string(), m.ident.span()));
    let version = model.methods.iter().map(|m| m.since).max().unwrap_or(1);
    let trait_name = LitStr::new(&trait_ident.to_string(), Span::call_site());

    let handle_methods = model
        .methods
        .iter()
        .enumerate()
        .map(|(index, m)| handle_method(index, m));
    let serde_checks = serde_checks(model);
    let shims = model.methods.iter().map(|m| export_shim(trait_ident, m));
    let compile_errors = errors.into_compile_errors();
    let contract_export_attr = unsafe_attr(
        "export_name",
        &LitStr::new(
            &format!("{}{}", wasp_abi::CONTRACT_EXPORT_PREFIX, trait_ident),
            Span::call_site(),
        ),
    );

    let handle_doc = format!(
        "Typed handle to one instance of a plugin that implements [`{0}`].\n\n\
         Each method mirrors `{0}`'s, takes `&mut self` (one caller at a time) and returns \
         `Result<T, wasp::Error>`. Get one from a host engine, e.g. `wasp_host`'s \
         `plugin.instantiate(...)`.",
        trait_ident
    );
    let export_doc = format!(
        "Exports a plugin's implementation of `{0}`.\n\n\
         Call it once in the plugin crate: `{1}!(MyType);` builds the object with \
         `Default::default()` on the first call; `{1}!(MyType, MyType::new());` names the \
         constructor instead.",
        trait_ident, export_macro
    );

    quote! {
        #compile_errors
        #item

        #[doc = #handle_doc]
        #vis struct #handle_ident<B> {
            backend: B,
        }

        impl<B: ::wasp::__private::Backend> ::wasp::Handle<B> for #handle_ident<B> {
            fn from_backend(backend: B) -> Self {
                #handle_ident { backend }
            }
            fn backend(&self) -> &B {
                &self.backend
            }
            fn backend_mut(&mut self) -> &mut B {
                &mut self.backend
            }
        }

        impl<B: ::wasp::__private::Backend> ::wasp::HandleFor<B> for dyn #trait_ident {
            type Handle = #handle_ident<B>;
        }

        impl<B: ::wasp::__private::Backend> #handle_ident<B> {
            #(#handle_methods)*
        }

        impl ::wasp::Contract for dyn #trait_ident {
            type Host = #host_ty;
            const NAME: &'static str = #trait_name;
            const VERSION: u32 = #version;
            const METHODS: &'static [&'static str] = &[#(#method_names),*];
            fn descriptor() -> ::wasp::descriptor::Contract {
                let mut __types = ::wasp::descriptor::Types::new();
                let __types = &mut __types;
                let methods = ::std::vec![#(#method_descriptors),*];
                let host = <#host_ty as ::wasp::HostInterface>::describe(__types);
                ::wasp::descriptor::Contract::new(
                    #trait_name,
                    methods,
                    host,
                    ::core::mem::take(__types),
                )
            }
        }

        #serde_checks

        #[doc = #export_doc]
        #[macro_export]
        macro_rules! #export_macro {
            ($ty:ty) => {
                $crate::#export_macro!($ty, <$ty as ::core::default::Default>::default());
            };
            ($ty:ty, $init:expr) => {
                const _: () = {
                    static mut __WASP_INSTANCE: ::core::option::Option<$ty> = ::core::option::Option::None;

                    #[inline]
                    fn __wasp_instance() -> &'static mut $ty {
                        // SAFETY: a plugin is single-threaded and the host never re-enters an
                        // export while another runs, so this is the only live reference.
                        let slot = unsafe { &mut *::core::ptr::addr_of_mut!(__WASP_INSTANCE) };
                        if slot.is_none() {
                            *slot = ::core::option::Option::Some($init);
                        }
                        match slot {
                            ::core::option::Option::Some(instance) => instance,
                            ::core::option::Option::None => ::core::unreachable!(),
                        }
                    }

                    // The contract descriptor, which the host reads and verifies at load.
                    #contract_export_attr
                    extern "C" fn __wasp_contract() -> i64 {
                        ::wasp::__private::guest::enter();
                        ::wasp::__private::guest::return_string(
                            <dyn $crate::#trait_ident as ::wasp::Contract>::descriptor().render(),
                        )
                    }

                    #(#shims)*
                };
            };
        }
    }
}

fn handle_method(index: usize, m: &Method) -> TokenStream {
    let ident = &m.ident;
    let name = LitStr::new(&ident.to_string(), ident.span());
    let generics = &m.sig.generics;
    let params = m.sig.inputs.iter().filter_map(|a| match a {
        FnArg::Typed(t) => Some(t),
        FnArg::Receiver(_) => None,
    });
    let param_decls = m.params.iter().zip(params).map(|(p, original)| {
        let ident = &p.ident;
        let ty = &original.ty;
        quote!(#ident: #ty)
    });
    let pushes = m.params.iter().map(|p| {
        let ident = &p.ident;
        match p.kind {
            Kind::Scalar(s) => {
                let ty = scalar_tokens(s);
                quote!(__args.push_scalar::<#ty>(#ident);)
            }
            Kind::String | Kind::Str | Kind::Bytes | Kind::ByteSlice => {
                quote!(__args.push_bytes(::core::convert::AsRef::<[u8]>::as_ref(&#ident));)
            }
            // Spanned on the type, so that a type serde cannot handle is reported there.
            Kind::Serde => quote_spanned!(p.ty.span()=> __args.push_serde(#name, &#ident)?;),
        }
    });
    // The engine lifts the result; scalars and serde values through wrappers that say how.
    let call = |lift_ty: TokenStream| quote!(::wasp::__private::Backend::call::<#lift_ty>(&mut self.backend, #index, &mut __args));
    let (ret_ty, lift) = match &m.ret {
        None => (quote!(()), call(quote!(()))),
        Some(r) => {
            let ty = &r.ty;
            let lift = match r.kind {
                Kind::Scalar(s) => {
                    let st = scalar_tokens(s);
                    let call = call(quote!(::wasp::__private::ScalarResult<#st>));
                    quote!(#call.map(|r| r.0))
                }
                Kind::String | Kind::Str => call(quote!(::std::string::String)),
                Kind::Bytes | Kind::ByteSlice => call(quote!(::std::vec::Vec<u8>)),
                Kind::Serde => {
                    let call =
                        call(quote_spanned!(ty.span()=> ::wasp::__private::SerdeResult<#ty>));
                    quote!(#call.map(|r| r.0))
                }
            };
            (quote!(#ty), lift)
        }
    };
    let doc = format!("Calls the plugin's `{}`.", ident);
    quote! {
        #[doc = #doc]
        ///
        /// # Errors
        /// Any [`wasp::Error`] of the call itself; a `Result` the method returns is the value.
        pub fn #ident #generics (&mut self, #(#param_decls),*) -> ::core::result::Result<#ret_ty, ::wasp::Error> {
            let mut __args = ::wasp::__private::CallArgs::new();
            #(#pushes)*
            #lift
        }
    }
}

/// Static checks with the user's spans, so that a parameter type serde cannot handle is
/// reported on that type rather than deep inside generated code.
fn serde_checks(model: &TraitModel) -> TokenStream {
    let checks = model.methods.iter().flat_map(|m| {
        let params = m.params.iter().map(|p| (p.kind, &p.ty));
        let ret = m.ret.iter().map(|r| (r.kind, &r.ty));
        params
            .chain(ret)
            .filter(|(kind, _)| *kind == Kind::Serde)
            .map(|(_, ty)| {
                quote_spanned! {ty.span()=>
                    values_crossing_the_boundary_must_be_serde::<#ty>();
                }
            })
            .collect::<Vec<_>>()
    });
    quote! {
        const _: fn() = || {
            fn values_crossing_the_boundary_must_be_serde<T: ::wasp::__private::serde::Serialize + ::wasp::__private::serde::de::DeserializeOwned>() {}
            #(#checks)*
        };
    }
}

fn export_shim(trait_ident: &Ident, m: &Method) -> TokenStream {
    let ident = &m.ident;
    let export_attr = unsafe_attr("export_name", &LitStr::new(&m.name, ident.span()));
    let shim_ident = format_ident!("__wasp_export_{}", ident);
    let buffer_params = m.buffer_params();
    let mut wasm_params = Vec::new();
    let mut lifts = Vec::new();
    let mut arg_idents = Vec::new();
    for (i, p) in m.params.iter().enumerate() {
        let arg = format_ident!("__a{}", i);
        let w0 = format_ident!("__w{}_0", i);
        let w1 = format_ident!("__w{}_1", i);
        let types = p.kind.wasm_param_types();
        match p.kind {
            Kind::Scalar(s) => {
                let wt = &types[0];
                let st = scalar_tokens(s);
                wasm_params.push(quote!(#w0: #wt));
                lifts.push(quote!(let #arg = ::wasp::__private::guest::scalar_arg::<#st>(#w0);));
            }
            kind => {
                wasm_params.push(quote!(#w0: i32));
                wasm_params.push(quote!(#w1: i32));
                let take = match kind {
                    Kind::String => quote!(string),
                    Kind::Str => quote!(str),
                    Kind::Bytes => quote!(bytes),
                    Kind::ByteSlice => quote!(byte_slice),
                    _ => quote!(decode),
                };
                lifts.push(quote!(let #arg = unsafe { __wasp_block.#take(#w0, #w1) };));
            }
        }
        arg_idents.push(arg);
    }
    let call = quote!(<$ty as $crate::#trait_ident>::#ident(__wasp_instance(), #(#arg_idents),*));
    let (ret_sig, ret_expr) = match &m.ret {
        None => (quote!(), quote!(let () = __wasp_result;)),
        Some(r) => {
            let wt = r.kind.wasm_result_type();
            let expr = match r.kind {
                Kind::Scalar(s) => {
                    let st = scalar_tokens(s);
                    quote!(::wasp::__private::guest::scalar_ret::<#st>(__wasp_result))
                }
                Kind::String | Kind::Str => {
                    quote!(::wasp::__private::guest::return_string(__wasp_result))
                }
                Kind::Bytes | Kind::ByteSlice => {
                    quote!(::wasp::__private::guest::return_bytes(__wasp_result))
                }
                Kind::Serde => quote!(::wasp::__private::guest::return_serde(&__wasp_result)),
            };
            (quote!(-> #wt), expr)
        }
    };
    quote! {
        #export_attr
        extern "C" fn #shim_ident(#(#wasm_params),*) #ret_sig {
            ::wasp::__private::guest::enter();
            #[allow(unused_mut, unused_variables)]
            let mut __wasp_block = ::wasp::__private::guest::ArgBlock::new(#buffer_params);
            #(#lifts)*
            let __wasp_result = #call;
            ::core::mem::drop(__wasp_block);
            #ret_expr
        }
    }
}
