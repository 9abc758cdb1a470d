//! The one parse of an annotated trait. Both macros build a [`TraitModel`], validate it in
//! one place (collecting every error), then expand from it; expansion never fails.

use proc_macro2::{Span, TokenStream};
use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::visit_mut::VisitMut;
use syn::{
    FnArg, GenericArgument, GenericParam, Ident, ItemTrait, Lifetime, Pat, PathArguments,
    ReturnType, Signature, TraitItem, Type,
};

pub struct Param {
    pub ident: Ident,
    /// The type as declared, with every lifetime but `'static` elided, for generated code
    /// outside the method's signature (see [`erase_lifetimes`]); the signatures themselves
    /// copy the declaration.
    pub erased: Type,
}

pub struct Return {
    /// The value type the plugin side sees (for host functions: inside `HostResult`), `()`
    /// when the method returns nothing.
    pub ty: Type,
    /// As [`Param::erased`].
    pub erased: Type,
}

pub struct Method {
    pub ident: Ident,
    /// The name on the wire (export, import, descriptor): the Rust name unless
    /// `#[wasp(rename = "...")]` says otherwise.
    pub name: String,
    /// `#[wasp(since = N)]`: the contract version that added the method (1 by default).
    pub since: u32,
    pub sig: Signature,
    pub params: Vec<Param>,
    pub ret: Return,
    /// Host functions only: declared as `HostResult<T>`, so the host may fail the call.
    pub fallible: bool,
    /// The method's `#[cfg(...)]` attributes, which stay on the trait's method and go on
    /// everything generated for it, so that a method the configuration removes is removed
    /// everywhere (handle, shims, imports, descriptor, count, version).
    pub cfgs: Vec<syn::Attribute>,
}

impl Method {
    /// The method's `#[cfg(...)]` attributes, to put on an item, statement or match arm.
    pub fn cfg_attrs(&self) -> TokenStream {
        let cfgs = &self.cfgs;
        quote::quote!(#(#cfgs)*)
    }

    /// The method's cfg predicate as `all(...)`, for `cfg!`: true when every `#[cfg]` holds
    /// (and when there is none).
    pub fn cfg_predicate(&self) -> TokenStream {
        let predicates = self.cfgs.iter().filter_map(|attr| match &attr.meta {
            syn::Meta::List(list) => Some(&list.tokens),
            _ => None,
        });
        quote::quote!(all(#(#predicates),*))
    }

    /// An expression building this method's descriptor entry. Every parameter and the result
    /// describe themselves through `Wire` (serde types define their named types in
    /// `__types`, a `&mut Types` in scope); the macro does not know which kind each is.
    pub fn descriptor_tokens(&self) -> TokenStream {
        let name = syn::LitStr::new(&self.name, self.ident.span());
        let since = self.since;
        let types = local("__types");
        let params = self.params.iter().map(|p| {
            let ty = &p.erased;
            quote::quote_spanned!(ty.span()=> <#ty as ::wasp::__private::Wire>::wire_type(#types))
        });
        let ty = &self.ret.erased;
        let result = quote::quote_spanned!(ty.span()=> <#ty as ::wasp::__private::WireResult>::wire_type(#types));
        quote::quote!(::wasp::__private::function(#name, #since, ::std::vec![#(#params),*], #result))
    }

    /// The names of the `i`-th parameter's two wasm values in generated code, spanned on the
    /// parameter's type: a type error about the values is an error about that type.
    pub fn wasm_idents(&self, i: usize) -> (Ident, Ident) {
        let span = self.params[i].erased.span();
        (
            quote::format_ident!("__w{}_1", i, span = span),
            quote::format_ident!("__w{}_2", i, span = span),
        )
    }
}

/// A name generated code declares (a local, a parameter), spanned at the macro's call site.
///
/// Code spanned on a user's type (so that errors about the type point there) must not spell
/// the generated names it uses itself: they would take the type's hygiene, and a type written
/// inside a `macro_rules!` macro would not see them. Such code interpolates `local(...)`
/// (and `self` from `quote!`) instead.
pub fn local(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The shape of a parameter of type `ty` as a type that needs no lifetime:
/// `AbiOf<fn(<ty as Wire>::Abi)>` (see `wasp::__private::ShapeOf`). Valid in type aliases and
/// `extern` signatures whatever lifetimes `ty` elides. Spanned on the type, as everything
/// generated that names it, so that a type that cannot cross is reported there.
pub fn param_abi(ty: &Type) -> TokenStream {
    quote::quote_spanned!(ty.span()=>
        ::wasp::__private::AbiOf<fn(<#ty as ::wasp::__private::Wire>::Abi)>
    )
}

/// As [`param_abi`], for a result.
pub fn result_abi(ty: &Type) -> TokenStream {
    quote::quote_spanned!(ty.span()=>
        ::wasp::__private::AbiOf<fn(<#ty as ::wasp::__private::WireResult>::Abi)>
    )
}

/// On compilers without `#[diagnostic::on_unimplemented]` (Rust 1.63, the wasm32 toolchain
/// Debian ships), checks that each parameter and result type of `methods` crosses the boundary (`Wire` for a
/// parameter, `WireResult` for a result), through a type whose name is the fix. A type
/// that cannot cross then fails with "the trait bound `Config: Encoded` is not satisfied ...
/// required by a bound in `add_derive_wasp_Schema_to_this_type`", on the type, instead of a
/// bare trait-bound error alone. Newer compilers print the attribute's hint
/// and get nothing here.
pub fn type_hints(methods: &[Method]) -> TokenStream {
    if cfg!(wasp_diagnostic_namespace) {
        return TokenStream::new();
    }
    // In a signature, which the compiler checks before any body: the other errors about the
    // type come from generated signatures too, and bodies are not checked after those.
    let per_method = methods.iter().map(|m| {
        let params = m.params.iter().map(|p| {
            let ty = &p.erased;
            quote::quote_spanned!(ty.span()=> _: ::wasp::__private::add_derive_wasp_Schema_to_this_type<#ty>)
        });
        let ty = &m.ret.erased;
        let ret = quote::quote_spanned!(ty.span()=>
            _: ::wasp::__private::add_derive_wasp_Schema_to_this_result_type<#ty>
        );
        let cfgs = m.cfg_attrs();
        quote::quote!(
            #cfgs
            #[allow(dead_code)]
            const _: () = {
                fn check(#(#params,)* #ret) {}
            };
        )
    });
    quote::quote!(#(#per_method)*)
}

/// `ty` with every lifetime other than `'static` replaced by `'_`. Generated code outside
/// the method's own signature (descriptor, shims, imports) does not declare the method's
/// lifetime parameters; in the positions where it names types, an elided lifetime is
/// inferred or becomes a fresh one, and no wire impl depends on a lifetime.
pub fn erase_lifetimes(ty: &Type) -> Type {
    struct Eraser;
    impl VisitMut for Eraser {
        fn visit_lifetime_mut(&mut self, lifetime: &mut Lifetime) {
            if lifetime.ident != "static" {
                *lifetime = Lifetime::new("'_", lifetime.span());
            }
        }
    }
    let mut ty = ty.clone();
    Eraser.visit_type_mut(&mut ty);
    ty
}

/// Which macro is parsing: the rules differ slightly (host functions may be fallible).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Plugin,
    Host,
}

pub struct TraitModel {
    pub item: ItemTrait,
    pub methods: Vec<Method>,
}

impl TraitModel {
    /// Whether some method carries a `#[cfg]`: only then do indices and the version depend
    /// on the configuration, and the expansion spells them as `cfg!` expressions.
    pub fn has_cfgs(&self) -> bool {
        self.methods.iter().any(|m| !m.cfgs.is_empty())
    }

    /// The `i`-th method's index among the methods the configuration keeps: its position in
    /// `Contract::METHODS` and in the descriptor. A constant expression; a literal when no
    /// method before it has a `#[cfg]`.
    pub fn index_expr(&self, i: usize) -> TokenStream {
        let before = &self.methods[..i];
        if before.iter().all(|m| m.cfgs.is_empty()) {
            return quote::quote!(#i);
        }
        let kept = before.iter().map(|m| {
            let predicate = m.cfg_predicate();
            quote::quote!(+ (cfg!(#predicate) as usize))
        });
        quote::quote!((0usize #(#kept)*))
    }

    /// The descriptor's method list (plugin methods or host functions): a `vec!`, or pushes
    /// under each method's `#[cfg]`. An expression; `__types` is in scope.
    pub fn descriptors(&self) -> TokenStream {
        let entries = self.methods.iter().map(Method::descriptor_tokens);
        if !self.has_cfgs() {
            return quote::quote!(::std::vec![#(#entries),*]);
        }
        let cfgs = self.methods.iter().map(Method::cfg_attrs);
        quote::quote!({
            let mut methods = ::std::vec::Vec::new();
            #(#cfgs methods.push(#entries);)*
            methods
        })
    }

    /// The contract version: the highest `since` among the methods the configuration keeps.
    pub fn version_expr(&self) -> TokenStream {
        if !self.has_cfgs() {
            let version = self.methods.iter().map(|m| m.since).max().unwrap_or(1);
            return quote::quote!(#version);
        }
        let steps = self.methods.iter().map(|m| {
            let predicate = m.cfg_predicate();
            let since = m.since;
            quote::quote!(if cfg!(#predicate) && #since > v { v = #since; })
        });
        quote::quote!({
            let mut v = 1u32;
            #(#steps)*
            v
        })
    }
}

/// Collects errors so the user sees all of them at once.
#[derive(Default)]
pub struct Errors {
    all: Option<syn::Error>,
    count: usize,
}

impl Errors {
    pub fn push(&mut self, span: Span, message: impl std::fmt::Display) {
        self.push_error(syn::Error::new(span, message));
    }

    pub fn push_error(&mut self, e: syn::Error) {
        self.count += 1;
        match &mut self.all {
            Some(all) => all.combine(e),
            None => self.all = Some(e),
        }
    }

    pub fn into_compile_errors(self) -> TokenStream {
        self.all.map(|e| e.to_compile_error()).unwrap_or_default()
    }

    pub fn count(&self) -> usize {
        self.count
    }
}

/// Names the ABI itself uses as exports; a method of that name would collide with them.
const RESERVED_EXPORTS: [&str; 4] = ["memory", "_initialize", "_start", "cabi_realloc"];

impl TraitModel {
    pub fn parse(mut item: ItemTrait, side: Side, errors: &mut Errors) -> TraitModel {
        rule_trait_has_no_generics(&item, errors);
        let mut methods = Vec::new();
        for trait_item in &mut item.items {
            match trait_item {
                TraitItem::Fn(f) => {
                    // `#[wasp(...)]` is ours: read it and drop it, the compiler does not know it.
                    let options = MethodOptions::take(&mut f.attrs, side, errors);
                    if let Some(mut m) = parse_method(&f.sig, side, errors) {
                        m.cfgs = f
                            .attrs
                            .iter()
                            .filter(|a| a.path().is_ident("cfg"))
                            .cloned()
                            .collect();
                        if let Some(name) = options.rename {
                            m.name = name;
                        }
                        m.since = options.since;
                        methods.push(m);
                    }
                }
                TraitItem::Type(t) => errors.push(
                    t.span(),
                    "associated types are not supported in a wasp contract: every type must be \
                     known to both sides; use a concrete type",
                ),
                TraitItem::Const(c) => errors.push(
                    c.span(),
                    "associated consts are not supported in a wasp contract; use a method that \
                     returns the value",
                ),
                other => errors.push(
                    other.span(),
                    "only methods are supported in a wasp contract",
                ),
            }
        }
        rule_method_names_are_unique(&methods, errors);
        TraitModel { item, methods }
    }
}

// Rule: the trait has no generic parameters and no where clause. A plugin is one compiled
// module; there is no way to instantiate generics across the boundary.
fn rule_trait_has_no_generics(item: &ItemTrait, errors: &mut Errors) {
    if !item.generics.params.is_empty() || item.generics.where_clause.is_some() {
        errors.push(
            item.generics.span(),
            "a wasp contract cannot be generic: the plugin is compiled once, for concrete types",
        );
    }
}

/// What `#[wasp(...)]` on a method says.
struct MethodOptions {
    rename: Option<String>,
    since: u32,
}

impl MethodOptions {
    fn take(attrs: &mut Vec<syn::Attribute>, side: Side, errors: &mut Errors) -> MethodOptions {
        let mut options = MethodOptions {
            rename: None,
            since: 1,
        };
        let mut kept = Vec::with_capacity(attrs.len());
        for attr in attrs.drain(..) {
            if !attr.path().is_ident("wasp") {
                kept.push(attr);
                continue;
            }
            let result = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    let lit: syn::LitStr = meta.value()?.parse()?;
                    let name = lit.value();
                    let valid = name
                        .chars()
                        .next()
                        .map_or(false, |c| c.is_alphabetic() || c == '_')
                        && name.chars().all(|c| c.is_alphanumeric() || c == '_');
                    if !valid {
                        return Err(syn::Error::new(
                            lit.span(),
                            "`rename` takes a name made of letters, digits and `_`",
                        ));
                    }
                    options.rename = Some(name);
                    Ok(())
                } else if meta.path.is_ident("since") {
                    let lit: syn::LitInt = meta.value()?.parse()?;
                    let since: u32 = lit.base10_parse()?;
                    if since == 0 {
                        return Err(syn::Error::new(
                            lit.span(),
                            "contract versions start at 1; `since = 1` is the default",
                        ));
                    }
                    if side == Side::Host {
                        return Err(syn::Error::new(
                            meta.path.span(),
                            "`since` applies to plugin methods only: a plugin that does not \
                             call a new host function needs nothing from it",
                        ));
                    }
                    options.since = since;
                    Ok(())
                } else {
                    Err(meta.error(
                        "unknown wasp method option; expected `since = N` (the contract version \
                         that added the method) or `rename = \"name\"`",
                    ))
                }
            });
            if let Err(e) = result {
                errors.push_error(e);
            }
        }
        *attrs = kept;
        options
    }
}

// Rule: method names (after renaming) are unique and none collides with an export the ABI
// reserves.
fn rule_method_names_are_unique(methods: &[Method], errors: &mut Errors) {
    for (i, m) in methods.iter().enumerate() {
        let name = m.name.clone();
        // Two methods of one name under `#[cfg]`s may exclude each other; the compiler
        // reports them if they do not.
        let clash = methods[..i]
            .iter()
            .find(|o| o.name == m.name && (o.cfgs.is_empty() || m.cfgs.is_empty()));
        if let Some(first) = clash {
            let message = if first.ident == m.ident {
                format!("method `{}` is declared twice", name)
            } else {
                format!(
                    "two methods are named `{}` on the wire (`{}` and `{}`); give one another \
                     name with `#[wasp(rename = \"...\")]`",
                    name, first.ident, m.ident
                )
            };
            errors.push(m.ident.span(), message);
        }
        if RESERVED_EXPORTS.contains(&name.as_str()) || name.starts_with("wasp_") {
            errors.push(
                m.ident.span(),
                format!(
                    "`{}` is reserved by the wasp ABI (exports `memory`, `_initialize`, `_start` and \
                     names starting with `wasp_`); rename the method",
                    name
                ),
            );
        }
    }
}

fn parse_method(sig: &Signature, side: Side, errors: &mut Errors) -> Option<Method> {
    let errors_before = errors.count();
    rule_method_is_plain(sig, errors);
    rule_receiver_is_a_reference(sig, errors);
    let mut params = Vec::new();
    for (index, arg) in sig.inputs.iter().enumerate() {
        if let FnArg::Typed(pat_type) = arg {
            let ident = match &*pat_type.pat {
                Pat::Ident(p) => p.ident.clone(),
                _ => Ident::new(&format!("arg{}", index), pat_type.pat.span()),
            };
            rule_param_can_cross(&pat_type.ty, errors);
            rule_param_names_no_lifetime(&pat_type.ty, errors);
            params.push(Param {
                ident,
                erased: erase_lifetimes(&pat_type.ty),
            });
        }
    }
    if params.len() > wasp_abi::MAX_PARAMS {
        errors.push(
            sig.inputs.span(),
            format!(
                "a wasp method takes at most {} parameters; group them in a struct",
                wasp_abi::MAX_PARAMS
            ),
        );
    }
    let (ret_ty, fallible) = match &sig.output {
        ReturnType::Default => (syn::parse_quote!(()), false),
        ReturnType::Type(_, ty) => match (side, host_result_inner(ty)) {
            (Side::Host, Some(inner)) => (inner, true),
            _ => ((**ty).clone(), false),
        },
    };
    rule_result_can_cross(&ret_ty, errors);
    // Only expand a method the expansion can trust; a broken one was already reported.
    if errors.count() != errors_before {
        return None;
    }
    Some(Method {
        ident: sig.ident.clone(),
        name: sig.ident.to_string(),
        since: 1,
        sig: sig.clone(),
        params,
        ret: Return {
            erased: erase_lifetimes(&ret_ty),
            ty: ret_ty,
        },
        fallible,
        cfgs: Vec::new(),
    })
}

// Rule: a method is a plain synchronous fn with at most lifetime parameters. Generics,
// `async`, `const`, `unsafe`, an explicit ABI and variadics have no meaning across the
// boundary.
fn rule_method_is_plain(sig: &Signature, errors: &mut Errors) {
    for param in &sig.generics.params {
        match param {
            GenericParam::Lifetime(_) => {}
            other => errors.push(
                other.span(),
                "generic methods are not supported in a wasp contract: the plugin is compiled \
                 once; use a concrete type or an enum",
            ),
        }
    }
    if let Some(w) = &sig.generics.where_clause {
        errors.push(
            w.span(),
            "where clauses are not supported in a wasp contract",
        );
    }
    if let Some(a) = &sig.asyncness {
        errors.push(
            a.span(),
            "`async fn` is not supported in a wasp contract: plugin calls are synchronous",
        );
    }
    if let Some(c) = &sig.constness {
        errors.push(c.span(), "`const fn` is not supported in a wasp contract");
    }
    if let Some(u) = &sig.unsafety {
        errors.push(u.span(), "`unsafe fn` is not supported in a wasp contract");
    }
    if let Some(abi) = &sig.abi {
        errors.push(
            abi.span(),
            "an explicit ABI is not supported in a wasp contract",
        );
    }
    if let Some(v) = &sig.variadic {
        errors.push(
            v.span(),
            "variadic methods are not supported in a wasp contract",
        );
    }
}

// Rule: the receiver is `&self` or `&mut self`. The plugin object lives as long as its
// instance, so it cannot be consumed, and a method without `self` has no instance to run on.
fn rule_receiver_is_a_reference(sig: &Signature, errors: &mut Errors) {
    match sig.inputs.first() {
        Some(FnArg::Receiver(r)) if r.reference.is_some() && r.colon_token.is_none() => {}
        Some(FnArg::Receiver(r)) => errors.push(
            r.span(),
            "a wasp method takes `&self` or `&mut self`: the plugin object lives as long as its \
             instance and cannot be consumed",
        ),
        _ => errors.push(
            sig.ident.span(),
            "a wasp method needs a receiver: add `&self` (or `&mut self` for a stateful plugin)",
        ),
    }
}

fn unwrap_group(ty: &Type) -> &Type {
    match ty {
        Type::Group(g) => unwrap_group(&g.elem),
        Type::Paren(p) => unwrap_group(&p.elem),
        other => other,
    }
}

/// `HostResult<T>` (any path ending in `HostResult`) → `T`.
fn host_result_inner(ty: &Type) -> Option<Type> {
    if let Type::Path(p) = unwrap_group(ty) {
        let last = p.path.segments.last()?;
        if last.ident == "HostResult" {
            if let PathArguments::AngleBracketed(args) = &last.arguments {
                if args.args.len() == 1 {
                    if let Some(GenericArgument::Type(t)) = args.args.first() {
                        return Some(t.clone());
                    }
                }
            }
        }
    }
    None
}

// Rule: a parameter is something that can be passed by value or borrowed for the call. How
// it travels is its `Wire` impl's business; this rule only refuses what no impl could make
// sense of, with a message on the offending tokens: `&mut` (the other side cannot see the
// change), borrows other than `&str` and `&[u8]`, `()` (nothing to pass), and the type forms
// below.
fn rule_param_can_cross(ty: &Type, errors: &mut Errors) {
    match unwrap_group(ty) {
        Type::Reference(r) => {
            if r.mutability.is_some() {
                errors.push(
                    r.span(),
                    "`&mut` parameters are not supported: the other side cannot see changes; \
                     return the new value instead",
                );
                return;
            }
            match unwrap_group(&r.elem) {
                Type::Path(p) if p.qself.is_none() && p.path.is_ident("str") => {}
                Type::Slice(s) if is_ident_type(&s.elem, "u8") => {}
                _ => errors.push(
                    r.span(),
                    "only `&str` and `&[u8]` may be borrowed across the boundary; take this \
                     parameter by value",
                ),
            }
        }
        Type::Tuple(t) if t.elems.is_empty() => errors.push(
            t.span(),
            "a `()` parameter carries nothing across the boundary; remove it",
        ),
        other => rule_value_can_cross(other, errors),
    }
}

// Rule: a parameter names no lifetime (`&'static str`, `&'a [u8]`, `Cow<'a, str>`). Its
// arguments live in a block the plugin frees when the method returns, so a borrowed parameter
// lives only for the call; a named lifetime would let safe plugin code keep it longer. The
// generated shims tie borrows to the block as well, so this rule is the readable form of an
// error the borrow checker would otherwise report inside generated code.
fn rule_param_names_no_lifetime(ty: &Type, errors: &mut Errors) {
    struct Finder<'e> {
        errors: &'e mut Errors,
    }
    impl<'ast, 'e> Visit<'ast> for Finder<'e> {
        fn visit_lifetime(&mut self, lifetime: &'ast Lifetime) {
            if lifetime.ident != "_" {
                self.errors.push(
                    lifetime.span(),
                    format!(
                        "a parameter cannot name the lifetime `{}`: borrowed parameters live \
                         only for the call, because the plugin frees its arguments when the \
                         method returns; leave the lifetime out (`&str`, `&[u8]`, `Cow<'_, str>`)",
                        lifetime
                    ),
                );
            }
        }
    }
    Finder { errors }.visit_type(ty);
}

// Rule: a result is owned. It must outlive the call that produced it, and the plugin's memory
// it would borrow from is reused by the next call.
fn rule_result_can_cross(ty: &Type, errors: &mut Errors) {
    match unwrap_group(ty) {
        Type::Reference(r) => errors.push(
            r.span(),
            "a wasp method cannot return a reference: the value must outlive the call; \
             return an owned type such as `String` or `Vec<u8>`",
        ),
        other => rule_value_can_cross(other, errors),
    }
}

// Rule: a value's type is one a trait impl can be found for: a named type, tuple or array.
// The forms below have no impl to find, or none both sides could agree on.
fn rule_value_can_cross(ty: &Type, errors: &mut Errors) {
    match ty {
        Type::ImplTrait(t) => errors.push(
            t.span(),
            "`impl Trait` is not supported in a wasp contract: name a concrete type",
        ),
        Type::TraitObject(t) => errors.push(
            t.span(),
            "trait objects cannot cross the boundary: name a concrete type",
        ),
        Type::BareFn(t) => errors.push(t.span(), "function pointers cannot cross the boundary"),
        Type::Ptr(t) => errors.push(t.span(), "raw pointers cannot cross the boundary"),
        Type::Never(t) => errors.push(t.span(), "`!` is not supported in a wasp contract"),
        Type::Infer(t) => errors.push(t.span(), "`_` is not allowed here: name the type"),
        Type::Slice(t) => errors.push(
            t.span(),
            "unsized slices cannot be passed by value: use `Vec<T>`",
        ),
        Type::Macro(t) => errors.push(t.span(), "type macros are not supported in a wasp contract"),
        Type::Verbatim(t) => errors.push(t.span(), "this type is not supported in a wasp contract"),
        // Paths, tuples, arrays: whether they can cross is up to their `Wire` impls.
        _ => {}
    }
}

fn is_ident_type(ty: &Type, ident: &str) -> bool {
    matches!(unwrap_group(ty), Type::Path(p) if p.qself.is_none() && p.path.is_ident(ident))
}

/// `GreeterHost` → `greeter_host`; `HTTPFilter` → `http_filter`.
pub fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let prev_lower =
                i > 0 && (chars[i - 1].is_lowercase() || chars[i - 1].is_ascii_digit());
            let next_lower = chars.get(i + 1).map_or(false, |n| n.is_lowercase());
            let prev_upper = i > 0 && chars[i - 1].is_uppercase();
            if i > 0 && (prev_lower || (prev_upper && next_lower)) {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `#[export_name = value]` on wasm32 only, spelled the way this compiler accepts (edition
/// 2024 calls it unsafe; see build.rs). A plugin compiled natively, for its own tests,
/// exports nothing: a method named like a C library function must not replace it.
pub fn wasm_export_attr(value: &syn::LitStr) -> TokenStream {
    if cfg!(wasp_unsafe_attributes) {
        quote::quote!(#[cfg_attr(target_arch = "wasm32", unsafe(export_name = #value))])
    } else {
        quote::quote!(#[cfg_attr(target_arch = "wasm32", export_name = #value)])
    }
}

/// `extern "C"` for an import block, spelled `unsafe extern "C"` where the compiler accepts it.
pub fn extern_block_keyword() -> TokenStream {
    if cfg!(wasp_unsafe_attributes) {
        quote::quote!(unsafe extern "C")
    } else {
        quote::quote!(extern "C")
    }
}

#[cfg(test)]
mod tests {
    use super::snake_case;

    #[test]
    fn snake_case_names() {
        assert_eq!(snake_case("Greeter"), "greeter");
        assert_eq!(snake_case("GreeterHost"), "greeter_host");
        assert_eq!(snake_case("HTTPFilter"), "http_filter");
        assert_eq!(snake_case("Kv2Store"), "kv2_store");
    }
}
