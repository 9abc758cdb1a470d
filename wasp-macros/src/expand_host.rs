//! Expansion of `#[wasp::host]`: the host-side dispatcher and the plugin-side imports.

use crate::model::{
    extern_block_keyword, param_abi, result_abi, snake_case, Errors, Method, TraitModel,
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
    let counts = m.params.iter().map(|p| {
        let ty = &p.erased;
        quote_spanned!(ty.span()=>
            + <<#ty as ::wasp::__private::Wire>::Abi as ::wasp::__private::Abi>::PARAMS.len()
        )
    });
    let mut lifts = Vec::new();
    let mut arg_idents = Vec::new();
    for (i, p) in m.params.iter().enumerate() {
        let arg = format_ident!("__a{}", i);
        let ty = &p.erased;
        lifts.push(quote_spanned!(ty.span()=> let #arg = __args.lift::<#ty>()?;));
        arg_idents.push(arg);
    }
    let call = quote!(<__WaspHost as #trait_ident>::#ident(&mut self.0, #(#arg_idents),*));
    let call = if m.fallible {
        quote!(::wasp::__private::host_result(#name, #call)?)
    } else {
        call
    };
    let ret = &m.ret.erased;
    let lower = quote_spanned!(ret.span()=>
        <#ret as ::wasp::__private::WireResult>::host_return(__r, #name)
    );
    quote! {
        #index => {
            let mut __args = ::wasp::__private::HostArgs::new(
                #name, memory, args, 0usize #(#counts)*
            )?;
            #(#lifts)*
            let __r = #call;
            #lower
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
    quote! {
        #[cfg(target_arch = "wasm32")]
        #[link(wasm_import_module = #module_name)]
        // A parameter's second value is `()` when it has one wasm value; the wasm32 C ABI
        // passes nothing for it, which is the point.
        #[allow(improper_ctypes)]
        #extern_kw {
            #[link_name = #link_name]
            fn #extern_ident(#(#extern_params),*) -> ::wasp::__private::Ret<#ret_shape>;
        }

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
