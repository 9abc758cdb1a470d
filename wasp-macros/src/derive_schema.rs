//! `#[derive(wasp::Schema)]`: describes a struct or enum field by field, following the
//! `#[serde(...)]` attributes that change what travels and refusing those postcard cannot
//! encode, so that the description matches the bytes.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Attribute, Data, DeriveInput, Fields, GenericParam, LitStr, Meta, Token};

use crate::model::{local, Errors};

pub fn expand(input: DeriveInput) -> TokenStream {
    let mut errors = Errors::default();
    let container = SerdeOptions::read(&input.attrs, Place::Container, &mut errors);
    let body = match &input.data {
        Data::Struct(data) if container.transparent => transparent(&data.fields, &mut errors),
        Data::Struct(data) => {
            let fields = fields(&data.fields, &mut errors);
            define(&input, quote!(::wasp::descriptor::Shape::Struct(#fields)))
        }
        Data::Enum(data) => {
            let variants = data.variants.iter().map(|v| {
                // Variants have no option that changes the shape, only ones to refuse.
                SerdeOptions::read(&v.attrs, Place::Variant, &mut errors);
                let name = LitStr::new(&v.ident.to_string(), v.ident.span());
                let fields = fields(&v.fields, &mut errors);
                quote!(::wasp::__private::variant(#name, #fields))
            });
            let variants: Vec<TokenStream> = variants.collect();
            define(
                &input,
                quote!(::wasp::descriptor::Shape::Enum(::std::vec![#(#variants),*])),
            )
        }
        Data::Union(u) => {
            errors.push(
                u.union_token.span(),
                "unions cannot cross the boundary: serde cannot encode them; use an enum",
            );
            TokenStream::new()
        }
    };
    // On a refused derive, still implement the traits, with a body that is never run: the
    // build fails on the errors above anyway, and the impls keep every use of the type from
    // adding a second, misleading "does not implement `Schema`" error (as thiserror does).
    let body = if errors.count() > 0 {
        quote!(::core::unreachable!("the derive failed"))
    } else {
        body
    };
    let compile_errors = errors.into_compile_errors();

    let ident = &input.ident;
    let mut generics = input.generics.clone();
    let type_params: Vec<syn::Ident> = generics.type_params().map(|t| t.ident.clone()).collect();
    if !type_params.is_empty() {
        let where_clause = generics.make_where_clause();
        for t in &type_params {
            where_clause
                .predicates
                .push(syn::parse_quote!(#t: ::wasp::Schema));
        }
    }
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    // `Encoded` needs the type's serde impls. A generic type has them under bounds serde's
    // derive chose, so they become bounds here too; a plain type must have them, and a
    // missing one is reported on this impl.
    let mut encoded_generics = generics.clone();
    if !generics.params.is_empty() {
        encoded_generics
            .make_where_clause()
            .predicates
            .push(syn::parse_quote!(
                Self: ::wasp::__private::serde::Serialize
                    + ::wasp::__private::serde::de::DeserializeOwned
            ));
    }
    let encoded_where = &encoded_generics.where_clause;
    // A refused derive reports its errors; hints would only add to them.
    let field_hints = if compile_errors.is_empty() {
        field_hints(&input, &generics)
    } else {
        TokenStream::new()
    };
    quote! {
        #compile_errors
        #field_hints

        impl #impl_generics ::wasp::Schema for #ident #ty_generics #where_clause {
            fn describe(__types: &mut ::wasp::descriptor::Types) -> ::wasp::descriptor::Type {
                #body
            }
        }

        impl #impl_generics ::wasp::Encoded for #ident #ty_generics #encoded_where {}
    }
}

/// On compilers without `#[diagnostic::on_unimplemented]` (Rust 1.63), checks that every
/// described field's type implements `Schema` through a type whose name is the fix, as
/// `model::type_hints` does for contract methods: the error then ends "required by a bound
/// in `add_derive_wasp_Schema_to_this_field_type`". Newer compilers print the trait's own
/// hint and get nothing here.
fn field_hints(input: &DeriveInput, generics: &syn::Generics) -> TokenStream {
    if cfg!(wasp_diagnostic_namespace) {
        return TokenStream::new();
    }
    // The options were read (and their errors reported) already; this pass only filters.
    let mut scratch = Errors::default();
    let all: Vec<&Fields> = match &input.data {
        Data::Struct(data) => vec![&data.fields],
        Data::Enum(data) => data.variants.iter().map(|v| &v.fields).collect(),
        Data::Union(_) => Vec::new(),
    };
    let types: Vec<&syn::Type> = all
        .into_iter()
        .flat_map(|fields| fields.iter())
        .filter(|f| !SerdeOptions::read(&f.attrs, Place::Field, &mut scratch).skip)
        .map(|f| &f.ty)
        .collect();
    if types.is_empty() {
        return TokenStream::new();
    }
    let params = types.iter().map(|ty| {
        quote_spanned!(ty.span()=> _: ::wasp::__private::add_derive_wasp_Schema_to_this_field_type<#ty>)
    });
    let (impl_generics, _, where_clause) = generics.split_for_impl();
    quote! {
        #[allow(dead_code)]
        const _: () = {
            fn check #impl_generics (#(#params),*) #where_clause {}
        };
    }
}

/// `types.define(name, origin, |types| shape)`, the name carrying generic arguments.
fn define(input: &DeriveInput, shape: TokenStream) -> TokenStream {
    let base = input.ident.to_string();
    let args: Vec<TokenStream> = input
        .generics
        .params
        .iter()
        .filter_map(|p| match p {
            GenericParam::Type(t) => {
                let ident = &t.ident;
                Some(quote!(::std::string::ToString::to_string(
                    &<#ident as ::wasp::Schema>::describe(__types)
                )))
            }
            GenericParam::Const(c) => {
                let ident = &c.ident;
                Some(quote!(::std::string::ToString::to_string(&#ident)))
            }
            GenericParam::Lifetime(_) => None,
        })
        .collect();
    let name = if args.is_empty() {
        let lit = LitStr::new(&base, Span::call_site());
        quote!(::std::string::String::from(#lit))
    } else {
        let lit = LitStr::new(&format!("{}<{{}}>", base), Span::call_site());
        quote!(::std::format!(#lit, [#(#args),*].join(", ")))
    };
    quote! {
        let __name = #name;
        __types.define(&__name, ::core::any::type_name::<Self>(), |__types| #shape)
    }
}

fn transparent(fields: &Fields, errors: &mut Errors) -> TokenStream {
    let kept: Vec<&syn::Field> = fields
        .iter()
        .filter(|f| !SerdeOptions::read(&f.attrs, Place::Field, errors).skip)
        .collect();
    match kept.as_slice() {
        [field] => {
            let ty = &field.ty;
            {
                let types = local("__types");
                quote_spanned!(ty.span()=> <#ty as ::wasp::Schema>::describe(#types))
            }
        }
        _ => {
            errors.push(
                fields.span(),
                "`#[serde(transparent)]` needs exactly one field that is not skipped",
            );
            TokenStream::new()
        }
    }
}

fn fields(fields: &Fields, errors: &mut Errors) -> TokenStream {
    match fields {
        Fields::Unit => quote!(::wasp::descriptor::Fields::Unit),
        Fields::Unnamed(unnamed) => {
            let types: Vec<TokenStream> = unnamed
                .unnamed
                .iter()
                .filter(|f| !SerdeOptions::read(&f.attrs, Place::Field, errors).skip)
                .map(|f| {
                    let ty = &f.ty;
                    {
                        let types = local("__types");
                        quote_spanned!(ty.span()=> <#ty as ::wasp::Schema>::describe(#types))
                    }
                })
                .collect();
            quote!(::wasp::descriptor::Fields::Tuple(::std::vec![#(#types),*]))
        }
        Fields::Named(named) => {
            let entries: Vec<TokenStream> = named
                .named
                .iter()
                .filter(|f| !SerdeOptions::read(&f.attrs, Place::Field, errors).skip)
                .map(|f| {
                    let ty = &f.ty;
                    let name = f
                        .ident
                        .as_ref()
                        .map(|i| i.to_string().trim_start_matches("r#").to_string())
                        .unwrap_or_default();
                    let name = LitStr::new(&name, f.span());
                    let describe = {
                        let types = local("__types");
                        quote_spanned!(ty.span()=> <#ty as ::wasp::Schema>::describe(#types))
                    };
                    quote!((#name, #describe))
                })
                .collect();
            quote!(::wasp::__private::named_fields(::std::vec![#(#entries),*]))
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Container,
    Variant,
    Field,
}

/// The `#[serde(...)]` options that matter for the wire shape.
#[derive(Default)]
struct SerdeOptions {
    transparent: bool,
    skip: bool,
}

impl SerdeOptions {
    fn read(attrs: &[Attribute], place: Place, errors: &mut Errors) -> SerdeOptions {
        let mut options = SerdeOptions::default();
        let (mut skip_ser, mut skip_de) = (false, false);
        for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
            let metas = match attr.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
            {
                Ok(metas) => metas,
                // serde reports its own syntax errors.
                Err(_) => continue,
            };
            for meta in metas {
                let key = match meta.path().get_ident() {
                    Some(k) => k.to_string(),
                    None => continue,
                };
                let refuse = |why: &str, errors: &mut Errors| {
                    errors.push(
                        meta.span(),
                        format!(
                            "`#[serde({})]` is not supported by wasp::Schema: {}",
                            key, why
                        ),
                    );
                };
                match (place, key.as_str()) {
                    (Place::Container, "transparent") => options.transparent = true,
                    (Place::Container, "tag" | "content" | "untagged") => refuse(
                        "postcard, the codec, encodes enums by variant index and cannot read \
                         tagged or untagged representations; remove it",
                        errors,
                    ),
                    (Place::Container, "from" | "try_from" | "into") => refuse(
                        "the value travels as another type; use that type in the contract, or \
                         implement wasp::Schema by hand to describe it",
                        errors,
                    ),
                    (Place::Container, "remote") => refuse(
                        "implement wasp::Schema by hand for the type you use in the contract",
                        errors,
                    ),
                    (Place::Variant, "skip" | "skip_serializing" | "skip_deserializing") => refuse(
                        "a skipped variant still takes an index on the wire; remove the \
                             variant or the attribute",
                        errors,
                    ),
                    (Place::Variant, "untagged" | "other") => {
                        refuse("postcard encodes enums by variant index; remove it", errors)
                    }
                    (Place::Field, "skip") => options.skip = true,
                    (Place::Field, "skip_serializing") => skip_ser = true,
                    (Place::Field, "skip_deserializing") => skip_de = true,
                    (Place::Field, "skip_serializing_if") => refuse(
                        "postcard writes no field names, so a field that is sometimes absent \
                         shifts every later field; remove it",
                        errors,
                    ),
                    (Place::Field, "flatten") => refuse(
                        "postcard cannot encode flattened fields; nest the struct as a field",
                        errors,
                    ),
                    (_, "with" | "serialize_with" | "deserialize_with" | "getter") => refuse(
                        "the field travels in a format wasp cannot see; give it a type whose \
                         serde impl writes what you want and implement wasp::Schema for that \
                         type",
                        errors,
                    ),
                    // rename, alias, default, bound, borrow, crate, deny_unknown_fields,
                    // expecting, rename_all: no effect on postcard's bytes.
                    _ => {}
                }
            }
        }
        if place == Place::Field {
            if skip_ser && skip_de {
                options.skip = true;
            } else if skip_ser || skip_de {
                let attr = attrs
                    .iter()
                    .find(|a| a.path().is_ident("serde"))
                    .map(|a| a.span())
                    .unwrap_or_else(Span::call_site);
                errors.push(
                    attr,
                    "a field skipped in one direction only is not supported by wasp::Schema: \
                     postcard would write it one way and read it another; use `skip`",
                );
            }
        }
        options
    }
}
