//! Expansion of `#[wasp::host]`: the host-side dispatcher and the plugin-side imports.

use crate::model::{
    extern_block_keyword, scalar_tokens, snake_case, val_type_tokens, Errors, Kind, Method,
    TraitModel,
};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
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
    let module_ident = format_ident!("{}", snake_case(&trait_ident.to_string()));
    let module_name = LitStr::new(&trait_ident.to_string(), Span::call_site());

    let function_descriptors = model.methods.iter().map(Method::descriptor_tokens);
    let arms = model
        .methods
        .iter()
        .enumerate()
        .map(|(index, m)| dispatch_arm(trait_ident, index, m));
    let imports = model.methods.iter().map(|m| guest_import(m, &module_name));
    let compile_errors = errors.into_compile_errors();
    let module_doc = format!(
        "Plugin-side calls to the host functions of [`{}`] (present when compiling for wasm32).",
        trait_ident
    );

    quote! {
        #compile_errors
        #item

        impl ::wasp::HostInterface for dyn #trait_ident {
            fn describe(
                __types: &mut ::wasp::descriptor::Types,
            ) -> ::core::option::Option<::wasp::descriptor::HostInterface> {
                ::core::option::Option::Some(::wasp::descriptor::HostInterface {
                    module: ::std::string::String::from(#module_name),
                    functions: ::std::vec![#(#function_descriptors),*],
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

        #[doc = #module_doc]
        #vis mod #module_ident {
            #[allow(unused_imports)]
            use super::*;
            #(#imports)*
        }
    }
}

fn dispatch_arm(trait_ident: &syn::Ident, index: usize, m: &Method) -> TokenStream {
    let ident = &m.ident;
    let name = LitStr::new(&ident.to_string(), ident.span());
    let wasm_count: usize = m
        .params
        .iter()
        .map(|p| p.kind.wasm_param_types().len())
        .sum();
    let mut at = 0usize;
    let mut lifts = Vec::new();
    let mut arg_idents = Vec::new();
    for (i, p) in m.params.iter().enumerate() {
        let arg = format_ident!("__a{}", i);
        let lift = match p.kind {
            Kind::Scalar(s) => {
                let st = scalar_tokens(s);
                quote!(::wasp::__private::host_arg_scalar::<#st>(#name, args[#at])?)
            }
            Kind::Str => {
                quote!(::wasp::__private::host_arg_str(memory, #name, args[#at], args[#at + 1])?)
            }
            Kind::String => quote!(::std::string::String::from(
                ::wasp::__private::host_arg_str(memory, #name, args[#at], args[#at + 1])?
            )),
            Kind::ByteSlice => {
                quote!(::wasp::__private::guest_slice(memory, #name, args[#at], args[#at + 1])?)
            }
            Kind::Bytes => {
                quote!(::wasp::__private::guest_slice(memory, #name, args[#at], args[#at + 1])?.to_vec())
            }
            Kind::Serde => {
                let ty = &p.ty;
                quote!(::wasp::__private::host_arg_serde::<#ty>(memory, #name, args[#at], args[#at + 1])?)
            }
        };
        at += p.kind.wasm_param_types().len();
        lifts.push(quote!(let #arg = #lift;));
        arg_idents.push(arg);
    }
    let call = quote!(<__WaspHost as #trait_ident>::#ident(&mut self.0, #(#arg_idents),*));
    let call = if m.fallible {
        quote!(::wasp::__private::host_result(#name, #call)?)
    } else {
        call
    };
    let ret = match &m.ret {
        None => quote!({
            let () = __r;
            ::wasp::__private::HostReturn::Unit
        }),
        Some(r) => match r.kind {
            Kind::Scalar(s) => {
                let st = scalar_tokens(s);
                quote!(::wasp::__private::HostReturn::Value(<#st as ::wasp::__private::Scalar>::into_bits(__r)))
            }
            Kind::String | Kind::Str => {
                quote!(::wasp::__private::HostReturn::Bytes(
                    ::std::string::String::into_bytes(__r)
                ))
            }
            Kind::Bytes | Kind::ByteSlice => quote!(::wasp::__private::HostReturn::Bytes(__r)),
            Kind::Serde => quote!(::wasp::__private::host_return_serde(#name, &__r)?),
        },
    };
    quote! {
        #index => {
            if args.len() != #wasm_count {
                return ::core::result::Result::Err(::wasp::Error::Decode {
                    function: ::std::string::String::from(#name),
                    detail: ::std::format!("expected {} wasm arguments, got {}", #wasm_count, args.len()),
                });
            }
            #(#lifts)*
            let __r = #call;
            ::core::result::Result::Ok(#ret)
        }
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
        let w = format_ident!("__w{}", i);
        match p.kind {
            Kind::Scalar(s) => {
                let wt = val_type_tokens(s);
                let st = scalar_tokens(s);
                extern_params.push(quote!(#w: #wt));
                wasm_args.push(quote!(::wasp::__private::guest::scalar_ret::<#st>(#ident)));
            }
            Kind::Serde => {
                let w1 = format_ident!("__w{}_len", i);
                extern_params.push(quote!(#w: i32));
                extern_params.push(quote!(#w1: i32));
                let enc = format_ident!("__e{}", i);
                prepare.push(quote!(let #enc = ::wasp::__private::guest::encode_arg(&#ident);));
                wasm_args.push(quote!(::wasp::__private::guest::ptr_of(&#enc)));
                wasm_args.push(quote!(::wasp::__private::guest::len_of(&#enc)));
            }
            _ => {
                let w1 = format_ident!("__w{}_len", i);
                extern_params.push(quote!(#w: i32));
                extern_params.push(quote!(#w1: i32));
                let b = format_ident!("__b{}", i);
                prepare
                    .push(quote!(let #b: &[u8] = ::core::convert::AsRef::<[u8]>::as_ref(&#ident);));
                wasm_args.push(quote!(::wasp::__private::guest::ptr_of(#b)));
                wasm_args.push(quote!(::wasp::__private::guest::len_of(#b)));
            }
        }
    }
    let (extern_ret, ret_ty, lift) = match &m.ret {
        None => (quote!(), quote!(()), quote!(let () = __raw;)),
        Some(r) => {
            let ty = &r.ty;
            let wt = r.kind.wasm_result_type();
            let lift = match r.kind {
                Kind::Scalar(s) => {
                    let st = scalar_tokens(s);
                    quote!(::wasp::__private::guest::scalar_arg::<#st>(__raw))
                }
                Kind::String | Kind::Str => {
                    quote!(unsafe { ::wasp::__private::guest::take_host_string(__raw) })
                }
                Kind::Bytes | Kind::ByteSlice => {
                    quote!(unsafe { ::wasp::__private::guest::take_host_bytes(__raw) })
                }
                Kind::Serde => {
                    quote!(unsafe { ::wasp::__private::guest::take_host_serde::<#ty>(__raw) })
                }
            };
            (quote!(-> #wt), quote!(#ty), lift)
        }
    };
    let doc = format!("Calls the host function `{}`.", ident);
    quote! {
        #[cfg(target_arch = "wasm32")]
        #[link(wasm_import_module = #module_name)]
        #extern_kw {
            #[link_name = #link_name]
            fn #extern_ident(#(#extern_params),*) #extern_ret;
        }

        #[cfg(target_arch = "wasm32")]
        #[doc = #doc]
        pub fn #ident #generics (#(#param_decls),*) -> #ret_ty {
            #(#prepare)*
            let __raw = unsafe { #extern_ident(#(#wasm_args),*) };
            #lift
        }
    }
}
