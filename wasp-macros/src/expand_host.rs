//! Expansion of `#[wasp::host]`: the host-side dispatcher and the plugin-side imports.

use crate::model::{
    extern_block_keyword, local, param_abi, result_abi, snake_case, Errors, Method, TraitModel,
};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};

use syn::spanned::Spanned;
use syn::{FnArg, LitStr};

pub fn expand(model: &TraitModel, errors: Errors) -> TokenStream {
    let item = &model.item;
    if errors.count() > 0 {
        // As for plugins: one clear error rather than a cascade from generated code.
        let compile_errors = errors.into_compile_errors();
        return quote!(#compile_errors #item);
    }
    let vis = &item.vis;
    let trait_ident = &item.ident;
    let dispatch_ident = format_ident!("__Wasp{}Dispatch", trait_ident);
    let async_trait_ident = format_ident!("Async{}", trait_ident);
    let async_dispatch_ident = format_ident!("__WaspAsync{}Dispatch", trait_ident);
    let module_ident = format_ident!("{}", snake_case(&trait_ident.to_string()));
    let module_name = LitStr::new(&trait_ident.to_string(), Span::call_site());
    let module_rust_name = LitStr::new(&module_ident.to_string(), Span::call_site());

    let function_descriptors = model.descriptors();
    let arms = model.methods.iter().enumerate().map(|(i, m)| {
        // With `#[cfg]`s an index is a constant expression, matched by a guard.
        let pattern = if model.has_cfgs() {
            let index = model.index_expr(i);
            quote!(__function if __function == #index)
        } else {
            quote!(#i)
        };
        dispatch_arm(trait_ident, pattern, m)
    });
    let async_arms = model.methods.iter().enumerate().map(|(i, m)| {
        let pattern = if model.has_cfgs() {
            let index = model.index_expr(i);
            quote!(__function if __function == #index)
        } else {
            quote!(#i)
        };
        async_dispatch_arm(&async_trait_ident, pattern, m)
    });
    let async_methods = model.methods.iter().map(async_trait_method);
    let async_trait_doc = format!(
        "[`{0}`] for hosts whose functions await: the same functions, each returning a \
         future, which the host implements with `async fn`. The plugin still calls plain \
         functions; an async instance (`wasp_host`'s `plugin.instantiate_async(host)`) \
         suspends it while the future runs and lets other calls progress on the same \
         thread.\n\nHost side only: plugins never see it.",
        trait_ident
    );
    let imports = model.methods.iter().map(|m| guest_import(m, &module_name));
    let natives = model
        .methods
        .iter()
        .map(|m| native_call(trait_ident, m, &module_rust_name));
    let compile_errors = errors.into_compile_errors();
    let type_hints = crate::model::type_hints(&model.methods);
    let module_doc = format!(
        "Plugin-side calls to the host functions of [`{0}`].\n\n\
         On wasm32 they call the host engine. On other targets, for a plugin's own tests, they \
         call the value a test installed on its thread with [`set_host`](self::set_host), and \
         panic if there is none.",
        trait_ident
    );

    quote! {
        #compile_errors
        #item
        #type_hints

        impl ::wasp::HostInterface for dyn #trait_ident {
            fn describe(
                __types: &mut ::wasp::descriptor::Types,
            ) -> ::core::option::Option<::wasp::descriptor::HostInterface> {
                ::core::option::Option::Some(::wasp::descriptor::HostInterface {
                    module: ::std::string::String::from(#module_name),
                    functions: #function_descriptors,
                })
            }
        }

        #[doc(hidden)]
        #vis struct #dispatch_ident<__WaspHost>(__WaspHost);

        impl<__WaspHost: #trait_ident + ::core::marker::Send + 'static> ::wasp::__private::HostDispatch for #dispatch_ident<__WaspHost> {
            #[allow(unused_variables)]
            fn call(
                &mut self,
                function: usize,
                memory: &[u8],
                args: &[u64],
            ) -> ::core::result::Result<::wasp::__private::HostReturn, ::wasp::Error> {
                match function {
                    #(#arms)*
                    _ => ::core::result::Result::Err(::wasp::Error::Decode {
                        function: ::std::format!("host function #{}", function),
                        detail: ::std::string::String::from("no such host function"),
                    }),
                }
            }

            fn host(&mut self) -> &mut dyn ::core::any::Any {
                &mut self.0
            }

            fn host_ref(&self) -> &dyn ::core::any::Any {
                &self.0
            }
        }

        impl<__WaspHost: #trait_ident + ::core::marker::Send + 'static> ::wasp::HostContract<__WaspHost> for dyn #trait_ident {
            fn into_dispatch(host: __WaspHost) -> ::std::boxed::Box<dyn ::wasp::__private::HostDispatch> {
                ::std::boxed::Box::new(#dispatch_ident(host))
            }
        }

        #[doc = #async_trait_doc]
        #[cfg(not(target_arch = "wasm32"))]
        #vis trait #async_trait_ident: ::core::marker::Send + 'static {
            #(#async_methods)*
        }

        #[doc(hidden)]
        #[cfg(not(target_arch = "wasm32"))]
        #vis struct #async_dispatch_ident<__WaspHost>(__WaspHost);

        #[cfg(not(target_arch = "wasm32"))]
        impl<__WaspHost: #async_trait_ident> ::wasp::__private::AsyncHostDispatch for #async_dispatch_ident<__WaspHost> {
            #[allow(unused_variables)]
            fn call<'__wasp>(
                &'__wasp mut self,
                function: usize,
                memory: &'__wasp [u8],
                args: &'__wasp [u64],
            ) -> ::wasp::__private::BoxFuture<'__wasp, ::core::result::Result<::wasp::__private::HostReturn, ::wasp::Error>> {
                match function {
                    #(#async_arms)*
                    _ => ::std::boxed::Box::pin(async move {
                        ::core::result::Result::Err(::wasp::Error::Decode {
                            function: ::std::format!("host function #{}", function),
                            detail: ::std::string::String::from("no such host function"),
                        })
                    }),
                }
            }

            fn host(&mut self) -> &mut dyn ::core::any::Any {
                &mut self.0
            }

            fn host_ref(&self) -> &dyn ::core::any::Any {
                &self.0
            }
        }

        #[cfg(not(target_arch = "wasm32"))]
        impl<__WaspHost: #async_trait_ident> ::wasp::AsyncHostContract<__WaspHost> for dyn #trait_ident {
            fn into_async_dispatch(host: __WaspHost) -> ::std::boxed::Box<dyn ::wasp::__private::AsyncHostDispatch> {
                ::std::boxed::Box::new(#async_dispatch_ident(host))
            }
        }

        #[doc = #module_doc]
        #vis mod #module_ident {
            #[allow(unused_imports)]
            use super::*;
            #(#imports)*

            /// How a native build views the installed host as the trait object.
            #[cfg(not(target_arch = "wasm32"))]
            type __WaspView = for<'a> fn(&'a mut dyn ::core::any::Any) -> &'a mut dyn super::#trait_ident;

            /// Installs `host` as this thread's host, which the functions of this module call
            /// when the plugin is compiled natively (its own `cargo test`); replaces the one
            /// installed before.
            #[cfg(not(target_arch = "wasm32"))]
            pub fn set_host<H: super::#trait_ident + 'static>(host: H) {
                fn view<H: super::#trait_ident + 'static>(
                    host: &mut dyn ::core::any::Any,
                ) -> &mut dyn super::#trait_ident {
                    match host.downcast_mut::<H>() {
                        ::core::option::Option::Some(host) => host,
                        ::core::option::Option::None => ::core::unreachable!(),
                    }
                }
                let view: __WaspView = view::<H>;
                ::wasp::__private::native::install::<dyn super::#trait_ident>(
                    ::std::boxed::Box::new(host),
                    ::std::boxed::Box::new(view),
                );
            }

            /// Removes this thread's host (see [`set_host`]) and returns it, so that a test
            /// can look at what the plugin did to it; `None` if none is installed or it is
            /// not an `H`.
            #[cfg(not(target_arch = "wasm32"))]
            pub fn take_host<H: super::#trait_ident + 'static>() -> ::core::option::Option<H> {
                let host = ::wasp::__private::native::take::<dyn super::#trait_ident>()?;
                host.downcast::<H>().ok().map(|host| *host)
            }

            #(#natives)*
        }
    }
}

/// What both dispatchers' arms for host function `m` are made of: its name, the count of its
/// wasm parameters, a `let` per argument lifted from the plugin's memory, their names, and the
/// lowering of the answer `__r`.
struct ArmParts {
    name: LitStr,
    counts: Vec<TokenStream>,
    lifts: Vec<TokenStream>,
    arg_idents: Vec<syn::Ident>,
    lower: TokenStream,
}

impl ArmParts {
    fn new(m: &Method) -> ArmParts {
        let name = LitStr::new(&m.ident.to_string(), m.ident.span());
        let counts = m
            .params
            .iter()
            .map(|p| {
                let ty = &p.erased;
                quote_spanned!(ty.span()=>
                    + <<#ty as ::wasp::__private::Wire>::Abi as ::wasp::__private::Abi>::PARAMS.len()
                )
            })
            .collect();
        let mut lifts = Vec::new();
        let mut arg_idents = Vec::new();
        for (i, p) in m.params.iter().enumerate() {
            let arg = format_ident!("__a{}", i);
            let ty = &p.erased;
            let args = local("__args");
            lifts.push(quote_spanned!(ty.span()=> let #arg = #args.lift::<#ty>()?;));
            arg_idents.push(arg);
        }
        let ret = &m.ret.erased;
        let r = local("__r");
        let lower = quote_spanned!(ret.span()=>
            <#ret as ::wasp::__private::WireResult>::host_return(#r, #name)
        );
        ArmParts {
            name,
            counts,
            lifts,
            arg_idents,
            lower,
        }
    }

    /// `call`, the host's answer, through `host_result` when the function is fallible.
    fn answer(&self, m: &Method, call: TokenStream) -> TokenStream {
        let name = &self.name;
        if m.fallible {
            quote!(::wasp::__private::host_result(#name, #call)?)
        } else {
            call
        }
    }
}

fn dispatch_arm(trait_ident: &syn::Ident, pattern: TokenStream, m: &Method) -> TokenStream {
    let ident = &m.ident;
    let parts = ArmParts::new(m);
    let ArmParts {
        name,
        counts,
        lifts,
        arg_idents,
        lower,
    } = &parts;
    let call = parts.answer(
        m,
        quote!(<__WaspHost as #trait_ident>::#ident(&mut self.0, #(#arg_idents),*)),
    );
    let cfgs = m.cfg_attrs();
    quote! {
        #cfgs
        #pattern => {
            let mut __args = ::wasp::__private::HostArgs::new(
                #name, memory, args, 0usize #(#counts)*
            )?;
            #(#lifts)*
            let __r = #call;
            #lower
        }
    }
}

/// Method `m` of the async host trait: its signature, returning a `Send` future of what the
/// sync trait's method returns. Only host code compiles it (it needs Rust 1.75), so the
/// contract crate stays Rust-1.63-clean for plugins.
fn async_trait_method(m: &Method) -> TokenStream {
    let mut sig = m.sig.clone();
    let output = match &sig.output {
        syn::ReturnType::Default => quote!(()),
        syn::ReturnType::Type(_, ty) => quote!(#ty),
    };
    sig.asyncness = None;
    sig.output = syn::parse_quote!(
        -> impl ::core::future::Future<Output = #output> + ::core::marker::Send
    );
    let doc = format!(
        "The host function `{}`, as a future the host awaits.",
        m.ident
    );
    let cfgs = m.cfg_attrs();
    quote! {
        #cfgs
        #[doc = #doc]
        #sig;
    }
}

/// The async dispatcher's arm for host function `m`: lifts the arguments from the plugin's
/// memory, awaits the host's future and lowers its answer, as [`dispatch_arm`] does without
/// the await.
fn async_dispatch_arm(
    async_trait_ident: &syn::Ident,
    pattern: TokenStream,
    m: &Method,
) -> TokenStream {
    let ident = &m.ident;
    let parts = ArmParts::new(m);
    let ArmParts {
        name,
        counts,
        lifts,
        arg_idents,
        lower,
    } = &parts;
    let call = parts.answer(
        m,
        quote!(<__WaspHost as #async_trait_ident>::#ident(&mut self.0, #(#arg_idents),*).await),
    );
    let cfgs = m.cfg_attrs();
    // The arguments are read before the host's future starts, and the reader is gone before
    // it is awaited.
    let read = quote! {
        let mut __args = ::wasp::__private::HostArgs::new(
            #name, memory, args, 0usize #(#counts)*
        )?;
    };
    let read = if arg_idents.is_empty() {
        quote!(#read let _ = __args;)
    } else {
        quote! {
            let (#(#arg_idents,)*) = {
                #read
                #(#lifts)*
                (#(#arg_idents,)*)
            };
        }
    };
    quote! {
        #cfgs
        #pattern => ::std::boxed::Box::pin(async move {
            #read
            let __r = #call;
            #lower
        }),
    }
}

fn guest_import(m: &Method, module_name: &LitStr) -> TokenStream {
    let ident = &m.ident;
    let link_name = LitStr::new(&m.name, ident.span());
    let extern_kw = extern_block_keyword();
    let extern_ident = format_ident!("__wasp_import_{}", ident);
    let generics = &m.sig.generics;
    let typed = m.sig.inputs.iter().filter_map(|a| match a {
        FnArg::Typed(t) => Some(t),
        FnArg::Receiver(_) => None,
    });
    let param_decls: Vec<TokenStream> = m
        .params
        .iter()
        .zip(typed)
        .map(|(p, original)| {
            let ident = &p.ident;
            let ty = &original.ty;
            quote!(#ident: #ty)
        })
        .collect();
    let mut extern_params = Vec::new();
    let mut prepare = Vec::new();
    let mut wasm_args = Vec::new();
    for (i, p) in m.params.iter().enumerate() {
        let ident = &p.ident;
        let shape = param_abi(&p.erased);
        let (w1, w2) = m.wasm_idents(i);
        extern_params.push(quote! {
            #w1: ::wasp::__private::P1<#shape>, #w2: ::wasp::__private::P2<#shape>
        });
        let keep = format_ident!("__keep{}", i);
        let ty = &p.erased;
        prepare.push(quote_spanned! {ty.span()=>
            let mut #keep = ::std::vec::Vec::new();
            let (#w1, #w2) = <#ty as ::wasp::__private::Wire>::import_arg(&#ident, &mut #keep);
        });
        wasm_args.push(quote!(#w1, #w2));
    }
    // As declared: nothing when the trait says nothing.
    let ret_ty = match &m.sig.output {
        syn::ReturnType::Default => quote!(),
        syn::ReturnType::Type(..) => {
            let ty = &m.ret.ty;
            quote!(-> #ty)
        }
    };
    let ret = &m.ret.erased;
    let ret_shape = result_abi(ret);
    let doc = format!("Calls the host function `{}`.", ident);
    let cfgs = m.cfg_attrs();
    quote! {
        #cfgs
        #[cfg(target_arch = "wasm32")]
        #[link(wasm_import_module = #module_name)]
        // A parameter's second value is `()` when it has one wasm value; the wasm32 C ABI
        // passes nothing for it, which is the point.
        #[allow(improper_ctypes)]
        #extern_kw {
            #[link_name = #link_name]
            fn #extern_ident(#(#extern_params),*) -> ::wasp::__private::Ret<#ret_shape>;
        }

        #cfgs
        #[cfg(target_arch = "wasm32")]
        #[doc = #doc]
        pub fn #ident #generics (#(#param_decls),*) #ret_ty {
            #(#prepare)*
            // SAFETY: the import has the wasm type docs/ABI.md gives this host function, and
            // every buffer it is passed (the arguments themselves, or their encodings in the
            // `keep` vectors) stays alive until it returns.
            let __raw = unsafe { #extern_ident(#(#wasm_args),*) };
            // SAFETY: `__raw` is this host function's result, taken once.
            unsafe { <#ret as ::wasp::__private::WireResult>::from_host_ret(__raw) }
        }
    }
}

/// The native counterpart of [`guest_import`]: the same signature, calling the host the test
/// installed on this thread.
fn native_call(trait_ident: &syn::Ident, m: &Method, module: &LitStr) -> TokenStream {
    let ident = &m.ident;
    let name = LitStr::new(&ident.to_string(), ident.span());
    let generics = &m.sig.generics;
    let typed = m.sig.inputs.iter().filter_map(|a| match a {
        FnArg::Typed(t) => Some(t),
        FnArg::Receiver(_) => None,
    });
    let param_decls = m.params.iter().zip(typed).map(|(p, original)| {
        let ident = &p.ident;
        let ty = &original.ty;
        quote!(#ident: #ty)
    });
    let args = m.params.iter().map(|p| &p.ident);
    let ret_ty = match &m.sig.output {
        syn::ReturnType::Default => quote!(),
        syn::ReturnType::Type(..) => {
            let ty = &m.ret.ty;
            quote!(-> #ty)
        }
    };
    let call = quote!(super::#trait_ident::#ident(__host, #(#args),*));
    let call = if m.fallible {
        quote!(::wasp::__private::native::host_result(#name, #call))
    } else {
        call
    };
    let doc = format!(
        "Calls the host function `{}` of the host installed with [`set_host`].",
        ident
    );
    let cfgs = m.cfg_attrs();
    quote! {
        #cfgs
        #[cfg(not(target_arch = "wasm32"))]
        #[doc = #doc]
        pub fn #ident #generics (#(#param_decls),*) #ret_ty {
            ::wasp::__private::native::with::<dyn super::#trait_ident, _>(
                #module,
                #name,
                |__host, __view| {
                    let __host = match __view.downcast_ref::<__WaspView>() {
                        ::core::option::Option::Some(view) => view(__host),
                        ::core::option::Option::None => ::core::unreachable!(),
                    };
                    #call
                },
            )
        }
    }
}
