//! Expansion of `#[wasp::plugin]`: the host's typed handle, the `Contract` impl, and the
//! `export_*!` macro that generates the plugin's export shims.

use crate::model::{
    local, param_abi, result_abi, snake_case, wasm_export_attr, Errors, Method, TraitModel,
};
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
    let async_handle_ident = format_ident!("{}AsyncHandle", trait_ident);
    let export_macro = format_ident!("export_{}", snake_case(&trait_ident.to_string()));
    let host_ty = match &args.host {
        Some(path) => quote!(dyn #path),
        None => quote!(::wasp::NoHost),
    };

    let method_descriptors = model.descriptors();
    let method_names = model.methods.iter().map(|m| {
        let cfgs = m.cfg_attrs();
        let name = LitStr::new(&m.ident.to_string(), m.ident.span());
        quote!(#cfgs #name)
    });
    let version = model.version_expr();
    let trait_name = LitStr::new(&trait_ident.to_string(), Span::call_site());

    let handle_methods = model
        .methods
        .iter()
        .enumerate()
        .map(|(i, m)| handle_method(model.index_expr(i), m, Calling::Blocking));
    let async_handle_methods = model
        .methods
        .iter()
        .enumerate()
        .map(|(i, m)| handle_method(model.index_expr(i), m, Calling::Async));
    let glue = model.methods.iter().map(|m| export_glue(trait_ident, m));
    let mut shims = Vec::new();
    let mut shim_macros = Vec::new();
    for m in &model.methods {
        let shim = export_shim(trait_ident, m);
        if m.cfgs.is_empty() {
            shims.push(shim);
            continue;
        }
        // A `#[cfg]` inside `export_*!` would be evaluated in the plugin's crate; the
        // method's cfg is the contract crate's. So the contract crate defines, under the
        // cfg, a macro that expands to the shim (and under its negation, to nothing), and
        // `export_*!` calls it.
        let helper = format_ident!("__wasp_export_{}_{}", trait_ident, m.ident);
        let predicate = m.cfg_predicate();
        shim_macros.push(quote! {
            #[cfg(#predicate)]
            #[doc(hidden)]
            #[macro_export]
            macro_rules! #helper {
                ($ty:ty) => { #shim };
            }
            #[cfg(not(#predicate))]
            #[doc(hidden)]
            #[macro_export]
            macro_rules! #helper {
                ($ty:ty) => {};
            }
        });
        shims.push(quote!($crate::#helper!($ty);));
    }
    let compile_errors = errors.into_compile_errors();
    let type_hints = crate::model::type_hints(&model.methods);
    let contract_export_attr = wasm_export_attr(&LitStr::new(
        &format!("{}{}", wasp_abi::CONTRACT_EXPORT_PREFIX, trait_ident),
        Span::call_site(),
    ));

    let handle_doc = format!(
        "Typed handle to one instance of a plugin that implements [`{0}`].\n\n\
         Each method mirrors `{0}`'s, takes `&mut self` (one caller at a time) and returns \
         `Result<T, wasp::Error>`. Get one from a host engine, e.g. `wasp_host`'s \
         `plugin.instantiate(...)`.",
        trait_ident
    );
    let async_handle_doc = format!(
        "Typed async handle to one instance of a plugin that implements [`{0}`].\n\n\
         Each method mirrors `{0}`'s as an `async fn`: it takes `&mut self` (one caller at a \
         time) and its future resolves to `Result<T, wasp::Error>`, as the blocking handle's \
         call does. Dropping the future before it resolves cancels the call. Get one from a \
         host engine, e.g. `wasp_host`'s `plugin.instantiate_async(...)`.",
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
        #type_hints

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

        #[doc = #async_handle_doc]
        #[repr(transparent)]
        #vis struct #async_handle_ident<B> {
            backend: B,
        }

        impl<B: ::wasp::__private::AsyncBackend> ::wasp::Handle<B> for #async_handle_ident<B> {
            fn from_backend(backend: B) -> Self {
                #async_handle_ident { backend }
            }
            fn backend(&self) -> &B {
                &self.backend
            }
            fn backend_mut(&mut self) -> &mut B {
                &mut self.backend
            }
        }

        // SAFETY: the async handle is `#[repr(transparent)]` over `B`, its only field.
        unsafe impl<B: ::wasp::__private::AsyncBackend> ::wasp::AsyncHandleFor<B> for dyn #trait_ident {
            type AsyncHandle = #async_handle_ident<B>;
        }

        impl<B: ::wasp::__private::AsyncBackend> #async_handle_ident<B> {
            #(#async_handle_methods)*
        }

        impl ::wasp::Contract for dyn #trait_ident {
            type Host = #host_ty;
            const NAME: &'static str = #trait_name;
            const VERSION: u32 = #version;
            const METHODS: &'static [&'static str] = &[#(#method_names),*];
            fn descriptor() -> ::wasp::descriptor::Contract {
                let mut __types = ::wasp::descriptor::Types::new();
                let __types = &mut __types;
                let methods = #method_descriptors;
                let host = <#host_ty as ::wasp::HostInterface>::describe(__types);
                ::wasp::descriptor::Contract::new(
                    #trait_name,
                    methods,
                    host,
                    ::core::mem::take(__types),
                )
            }
        }

        #(#glue)*

        #(#shim_macros)*

        #[doc = #export_doc]
        #[macro_export]
        macro_rules! #export_macro {
            ($ty:ty) => {
                $crate::#export_macro!($ty, <$ty as ::core::default::Default>::default());
            };
            ($ty:ty, $init:expr) => {
                // Natively (a plugin's own `cargo test`) the shims are not exported, so that
                // their names cannot clash with the platform's symbols, and go unused.
                #[allow(dead_code)]
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

/// Whether a handle method returns when the call is done or is a future of it.
#[derive(Clone, Copy)]
enum Calling {
    Blocking,
    Async,
}

fn handle_method(index: TokenStream, m: &Method, calling: Calling) -> TokenStream {
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
    // The same call for every parameter; its `Wire` impl decides how it travels. Spanned on
    // the type, so that a type that cannot cross is reported there.
    let lowers = m.params.iter().map(|p| {
        let ident = &p.ident;
        let ty = &p.erased;
        let args = local("__args");
        quote_spanned! {ty.span()=>
            <#ty as ::wasp::__private::Wire>::lower(&#ident, #name, &mut #args)?;
        }
    });
    let ret_ty = &m.ret.ty;
    let ret_erased = &m.ret.erased;
    // One call into the engine, which runs the export and lifts the result with
    // `WireResult::lift`; spanned on the type, so that a type that cannot cross is reported there.
    let backend = quote!(self.backend);
    let args = local("__args");
    let cfgs = m.cfg_attrs();
    match calling {
        Calling::Blocking => {
            let lift = quote_spanned! {ret_erased.span()=>
                ::wasp::__private::Backend::call::<#ret_erased>(&mut #backend, #index, &mut #args)
            };
            let doc = format!("Calls the plugin's `{}`.", ident);
            quote! {
                #cfgs
                #[doc = #doc]
                ///
                /// # Errors
                /// Any [`wasp::Error`] of the call itself; a `Result` the method returns is the value.
                pub fn #ident #generics (&mut self, #(#param_decls),*) -> ::core::result::Result<#ret_ty, ::wasp::Error> {
                    let mut __args = ::wasp::__private::CallArgs::new();
                    #(#lowers)*
                    #lift
                }
            }
        }
        Calling::Async => {
            // The same lowering; the arguments are borrowed from the future's own state.
            let lift = quote_spanned! {ret_erased.span()=>
                ::wasp::__private::AsyncBackend::call_async::<#ret_erased>(&mut #backend, #index, &mut #args).await
            };
            let doc = format!(
                "Calls the plugin's `{}`; dropping the future before it resolves cancels the call.",
                ident
            );
            quote! {
                #cfgs
                #[doc = #doc]
                ///
                /// # Errors
                /// Any [`wasp::Error`] of the call itself; a `Result` the method returns is the value.
                pub async fn #ident #generics (&mut self, #(#param_decls),*) -> ::core::result::Result<#ret_ty, ::wasp::Error> {
                    let mut __args = ::wasp::__private::CallArgs::new();
                    #(#lowers)*
                    #lift
                }
            }
        }
    }
}

/// The names of the items `export_glue` defines beside the trait for method `m`: one type
/// alias per parameter and one for the result, each naming a wasm shape, and the glue function.
struct GlueNames {
    params: Vec<Ident>,
    ret: Ident,
    function: Ident,
}

impl GlueNames {
    fn new(trait_ident: &Ident, m: &Method) -> GlueNames {
        let base = format!("__wasp_{}_{}", trait_ident, m.ident);
        // Each alias is spanned on its type: an error about the type through the alias is
        // then reported on the type as the trait spells it.
        GlueNames {
            params: m
                .params
                .iter()
                .enumerate()
                .map(|(i, p)| format_ident!("{}_p{}", base, i, span = p.erased.span()))
                .collect(),
            ret: format_ident!("{}_ret", base, span = m.ret.erased.span()),
            function: format_ident!("{}", base),
        }
    }
}

/// The plugin side of method `m`, defined in the contract crate beside the trait: the shapes
/// of its parameters and result as type aliases, and a function generic over the plugin's
/// type that lifts the arguments, calls the method and lowers the result.
///
/// They live in the contract crate because only there do the types resolve as the trait spells
/// them (`Record`, or a `BTreeMap` the contract crate imported); the `export_*!` shim in the
/// plugin crate names only these items, through `$crate`.
fn export_glue(trait_ident: &Ident, m: &Method) -> TokenStream {
    let names = GlueNames::new(trait_ident, m);
    let method = &m.ident;
    let mut aliases = Vec::new();
    let mut wasm_params = Vec::new();
    let mut lifts = Vec::new();
    let mut args = Vec::new();
    for (i, (p, alias)) in m.params.iter().zip(&names.params).enumerate() {
        let ty = &p.erased;
        let shape = param_abi(ty);
        aliases.push(quote!(pub type #alias = #shape;));
        let (w1, w2) = m.wasm_idents(i);
        // Spanned on the type, as everything naming it: a type that cannot cross is reported
        // there.
        wasm_params.push(quote_spanned! {ty.span()=>
            #w1: ::wasp::__private::P1<#alias>, #w2: ::wasp::__private::P2<#alias>
        });
        let arg = format_ident!("__a{}", i);
        let block = local("__block");
        lifts.push(quote_spanned! {ty.span()=>
            // SAFETY: the caller passes this parameter's wasm values as the host sent them.
            let #arg = unsafe {
                <#ty as ::wasp::__private::GuestParam<'_>>::from_abi(&#block, #w1, #w2)
            };
        });
        args.push(arg);
    }
    let ret_alias = &names.ret;
    let ret_shape = result_abi(&m.ret.erased);
    aliases.push(quote!(pub type #ret_alias = #ret_shape;));
    let buffers = names.params.iter().zip(&m.params).map(|(alias, p)| {
        quote_spanned!(p.erased.span()=> + <#alias as ::wasp::__private::Abi>::BUFFER as usize)
    });
    let function = &names.function;
    let ret_ty = &m.ret.erased;
    let ret = quote_spanned!(ret_ty.span()=> ::wasp::__private::Ret<#ret_alias>);
    let result = local("__result");
    let into_ret = quote_spanned!(ret_ty.span()=>
        <#ret_ty as ::wasp::__private::WireResult>::into_ret(#result)
    );
    let cfgs = m.cfg_attrs();
    quote! {
        #(
            #cfgs
            #[doc(hidden)]
            #[allow(non_camel_case_types)]
            #aliases
        )*

        /// Runs the plugin's method for its export shim.
        ///
        /// # Safety
        /// Only the `export_*!` shim calls it, with the wasm arguments the host passed to the
        /// export, as docs/ABI.md says: buffers in one block from `wasp_alloc`.
        #cfgs
        #[doc(hidden)]
        #[allow(non_snake_case, unused_unsafe, clippy::too_many_arguments)]
        #[inline(always)]
        pub unsafe fn #function<__WaspPlugin: #trait_ident>(
            __instance: &mut __WaspPlugin,
            #(#wasm_params,)*
        ) -> #ret {
            ::wasp::__private::guest::enter();
            let __block = ::wasp::__private::guest::ArgBlock::new(0usize #(#buffers)*);
            #(#lifts)*
            let __result = <__WaspPlugin as #trait_ident>::#method(__instance, #(#args),*);
            // Frees the arguments (borrowed ones cannot outlive it), then the result takes
            // the return slot.
            ::core::mem::drop(__block);
            #into_ret
        }
    }
}

/// The export of method `m`, inside `export_*!`: a signature made of the glue's shapes, and a
/// call to the glue.
fn export_shim(trait_ident: &Ident, m: &Method) -> TokenStream {
    let names = GlueNames::new(trait_ident, m);
    let export_attr = wasm_export_attr(&LitStr::new(&m.name, m.ident.span()));
    let shim_ident = format_ident!("__wasp_export_{}", m.ident);
    let mut wasm_params = Vec::new();
    let mut wasm_args = Vec::new();
    for (i, alias) in names.params.iter().enumerate() {
        let (w1, w2) = m.wasm_idents(i);
        wasm_params.push(quote! {
            #w1: ::wasp::__private::P1<$crate::#alias>, #w2: ::wasp::__private::P2<$crate::#alias>
        });
        wasm_args.push(quote!(#w1, #w2));
    }
    let ret_alias = &names.ret;
    let function = &names.function;
    quote! {
        #export_attr
        // A parameter's second value is `()` when it has one wasm value; the wasm32 C ABI
        // passes nothing for it, which is the point.
        #[allow(improper_ctypes_definitions)]
        extern "C" fn #shim_ident(#(#wasm_params),*) -> ::wasp::__private::Ret<$crate::#ret_alias> {
            // SAFETY: the host calls this export as docs/ABI.md says, with these wasm values.
            unsafe { $crate::#function::<$ty>(__wasp_instance(), #(#wasm_args),*) }
        }
    }
}
