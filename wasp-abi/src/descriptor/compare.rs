//! Comparing what a host expects with what a plugin declares.
//!
//! The rules (docs/CONTRACTS.md explains them to users):
//! - every host method must be in the plugin with the same signature, unless it was added
//!   (`since`) in a contract version newer than the plugin's: then it is *unavailable*;
//! - methods only the plugin has are ignored: the host never calls them;
//! - every host function the plugin imports must be in the host's contract with the same
//!   signature; host functions the plugin does not import do not matter;
//! - every named type reached from a compared signature must have the same shape on both
//!   sides: same kind, same fields (names, types, order), same variants.

use super::{Contract, Field, Fields, Function, Shape, Type, TypeDef, Variant, WireType};

/// The outcome of comparing a plugin's descriptor with the host's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Comparison {
    /// Every difference that makes the plugin unusable, one sentence each. Empty when the
    /// plugin implements the host's contract.
    pub differences: Vec<String>,
    /// Host methods the plugin predates: added in a newer contract version than the
    /// plugin's. Calls to them fail with a distinct error; the rest of the plugin works.
    pub unavailable: Vec<String>,
}

/// Every difference between what a host expects and what a plugin declares, each one
/// sentence a user recognises. Empty when the plugin implements the host's contract.
pub fn differences(host: &Contract, plugin: &Contract) -> Vec<String> {
    compare(host, plugin).differences
}

/// Compares a plugin's descriptor with the host's (see the module documentation for rules).
pub fn compare(host: &Contract, plugin: &Contract) -> Comparison {
    let mut cmp = Comparer {
        host,
        plugin,
        out: Comparison::default(),
        queued: Vec::new(),
        done: Vec::new(),
    };
    cmp.out.differences.extend(host.conflicts.iter().cloned());
    if host.abi_version != plugin.abi_version {
        cmp.out.differences.push(format!(
            "ABI version {} in the host, {} in the plugin",
            host.abi_version, plugin.abi_version
        ));
    }
    if host.name != plugin.name {
        cmp.out.differences.push(format!(
            "the plugin implements contract `{}`, the host expects `{}`",
            plugin.name, host.name
        ));
        // Method-by-method comparison of unrelated contracts is noise.
        return cmp.out;
    }
    for h in &host.methods {
        match plugin.methods.iter().find(|p| p.name == h.name) {
            Some(p) => {
                cmp.function("method", h, p);
                if h.since != p.since {
                    cmp.out.differences.push(format!(
                        "method {}: added in version {} in the host's contract, {} in the plugin",
                        h.name, h.since, p.since
                    ));
                }
            }
            None if h.since > plugin.version => cmp.out.unavailable.push(h.name.clone()),
            None => cmp
                .out
                .differences
                .push(format!("method {}: missing in the plugin", h.name)),
        }
    }
    match (&host.host, &plugin.host) {
        (Some(h), Some(p)) => {
            if h.module != p.module {
                cmp.out.differences.push(format!(
                    "host functions: the plugin imports module `{}`, the host provides `{}`",
                    p.module, h.module
                ));
            } else {
                for pf in &p.functions {
                    match h.functions.iter().find(|hf| hf.name == pf.name) {
                        Some(hf) => cmp.function("host function", hf, pf),
                        None => cmp.out.differences.push(format!(
                            "host function {}: the plugin imports it, the host's contract does \
                             not provide it",
                            pf.name
                        )),
                    }
                }
            }
        }
        (None, Some(p)) if !p.functions.is_empty() => cmp.out.differences.push(format!(
            "the plugin expects host functions `{}`, the host's contract names none",
            p.module
        )),
        // A plugin that declares no host functions needs none, whatever the host offers.
        _ => {}
    }
    cmp.types();
    cmp.out
}

struct Comparer<'a> {
    host: &'a Contract,
    plugin: &'a Contract,
    out: Comparison,
    /// Named types reached from positions whose type expressions are equal: their shapes
    /// are compared once the signatures are done.
    queued: Vec<&'a str>,
    done: Vec<&'a str>,
}

impl<'a> Comparer<'a> {
    fn function(&mut self, kind: &str, h: &'a Function, p: &'a Function) {
        if h.params.len() != p.params.len() {
            self.out.differences.push(format!(
                "{} {}: {} parameter(s) in the host's contract, {} in the plugin",
                kind,
                h.name,
                h.params.len(),
                p.params.len()
            ));
        } else {
            for (i, (ht, pt)) in h.params.iter().zip(&p.params).enumerate() {
                if ht != pt {
                    self.out.differences.push(format!(
                        "{} {}: parameter {} is {} in the host's contract, {} in the plugin",
                        kind,
                        h.name,
                        i + 1,
                        ht,
                        pt
                    ));
                } else if let WireType::Serde(t) = ht {
                    self.reach(t);
                }
            }
        }
        match (&h.result, &p.result) {
            (Some(ht), Some(pt)) if ht == pt => {
                if let WireType::Serde(t) = ht {
                    self.reach(t);
                }
            }
            (None, None) => {}
            (hr, pr) => self.out.differences.push(format!(
                "{} {}: returns {} in the host's contract, {} in the plugin",
                kind,
                h.name,
                display_result(hr),
                display_result(pr)
            )),
        }
    }

    fn reach(&mut self, ty: &'a Type) {
        let queued = &mut self.queued;
        let done = &self.done;
        ty.for_each_named(&mut |name| {
            if !queued.contains(&name) && !done.contains(&name) {
                queued.push(name);
            }
        });
    }

    fn types(&mut self) {
        while let Some(name) = self.queued.pop() {
            self.done.push(name);
            let h = match self.host.type_def(name) {
                Some(h) => h,
                // The host's own descriptor is generated complete; a name without a
                // definition can only come from a hand-written one and says nothing more.
                None => continue,
            };
            match self.plugin.type_def(name) {
                Some(p) => self.shape(h, p),
                None => self
                    .out
                    .differences
                    .push(format!("type {}: not described by the plugin", name)),
            }
        }
    }

    fn shape(&mut self, h: &'a TypeDef, p: &'a TypeDef) {
        let prefix = format!("type {}", h.name);
        match (&h.shape, &p.shape) {
            (Shape::Struct(hf), Shape::Struct(pf)) => self.fields(&prefix, hf, pf),
            (Shape::Enum(hv), Shape::Enum(pv)) => {
                let names = |vs: &'a [Variant]| -> Vec<(&'a str, String)> {
                    vs.iter()
                        .map(|v| (v.name.as_str(), String::new()))
                        .collect()
                };
                self.members(&prefix, "variant", &names(hv), &names(pv));
                for v in hv {
                    if let Some(o) = pv.iter().find(|o| o.name == v.name) {
                        let prefix = format!("{}: variant {}", prefix, v.name);
                        self.fields(&prefix, &v.fields, &o.fields);
                    }
                }
            }
            (hs, ps) => self.out.differences.push(format!(
                "{}: {} in the host's contract, {} in the plugin",
                prefix,
                shape_kind(hs),
                shape_kind(ps)
            )),
        }
    }

    fn fields(&mut self, prefix: &str, h: &'a Fields, p: &'a Fields) {
        match (h, p) {
            (Fields::Unit, Fields::Unit) => {}
            (Fields::Tuple(ht), Fields::Tuple(pt)) => {
                if ht.len() != pt.len() {
                    self.out.differences.push(format!(
                        "{}: {} field(s) in the host's contract, {} in the plugin",
                        prefix,
                        ht.len(),
                        pt.len()
                    ));
                    return;
                }
                for (i, (a, b)) in ht.iter().zip(pt).enumerate() {
                    if a == b {
                        self.reach(a);
                    } else {
                        self.out.differences.push(format!(
                            "{}: field {} is {} in the host's contract, {} in the plugin",
                            prefix, i, a, b
                        ));
                    }
                }
            }
            (Fields::Named(hn), Fields::Named(pn)) => {
                for f in hn {
                    match pn.iter().find(|o| o.name == f.name) {
                        Some(o) if o.ty == f.ty => self.reach(&f.ty),
                        Some(o) => self.out.differences.push(format!(
                            "{}: field {} is {} in the host's contract, {} in the plugin",
                            prefix, f.name, f.ty, o.ty
                        )),
                        None => {}
                    }
                }
                let names = |fs: &'a [Field]| -> Vec<(&'a str, String)> {
                    fs.iter()
                        .map(|f| (f.name.as_str(), format!(" ({})", f.ty)))
                        .collect()
                };
                // Fields travel in declaration order, so a reordering misreads values.
                self.members(prefix, "field", &names(hn), &names(pn));
            }
            (a, b) => self.out.differences.push(format!(
                "{}: {} in the host's contract, {} in the plugin",
                prefix,
                fields_kind(a),
                fields_kind(b)
            )),
        }
    }
}

impl Comparer<'_> {
    /// Fields or variants (`kind`) present on one side only, then a difference in the order
    /// of those both sides have. Each entry is a name and what to show after it.
    fn members(
        &mut self,
        prefix: &str,
        kind: &str,
        host: &[(&str, String)],
        plugin: &[(&str, String)],
    ) {
        let has = |side: &[(&str, String)], name: &str| side.iter().any(|(n, _)| *n == name);
        for (side, other, whose) in [
            (host, plugin, "the host's contract"),
            (plugin, host, "the plugin"),
        ] {
            for (name, detail) in side {
                if !has(other, name) {
                    self.out.differences.push(format!(
                        "{}: {} {}{} exists in {} only",
                        prefix, kind, name, detail, whose
                    ));
                }
            }
        }
        let shared = |side: &[(&str, String)], other: &[(&str, String)]| -> Vec<String> {
            side.iter()
                .filter(|(n, _)| has(other, n))
                .map(|(n, _)| n.to_string())
                .collect()
        };
        let (h_order, p_order) = (shared(host, plugin), shared(plugin, host));
        if h_order != p_order {
            self.out.differences.push(format!(
                "{}: {}s are in the order {} in the host's contract, {} in the plugin",
                prefix,
                kind,
                h_order.join(", "),
                p_order.join(", ")
            ));
        }
    }
}

fn shape_kind(shape: &Shape) -> &'static str {
    match shape {
        Shape::Struct(_) => "a struct",
        Shape::Enum(_) => "an enum",
    }
}

fn fields_kind(fields: &Fields) -> &'static str {
    match fields {
        Fields::Unit => "no fields",
        Fields::Tuple(_) => "positional fields",
        Fields::Named(_) => "named fields",
    }
}

fn display_result(r: &Option<WireType>) -> String {
    match r {
        Some(t) => t.to_string(),
        None => "()".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Contract, ScalarType};
    use super::*;

    fn parse(text: &str) -> Contract {
        Contract::parse(&format!("wasp-contract 1\ncontract C\n{}", text)).unwrap()
    }

    fn diff(host: &str, plugin: &str) -> Vec<String> {
        differences(&parse(host), &parse(plugin))
    }

    #[test]
    fn signatures() {
        assert_eq!(
            diff(
                "method hello(String) -> String\nmethod gone()\nmethod n(u8, u8)\nmethod r() -> u32\n",
                "method hello(u32) -> String\nmethod n(u8)\nmethod r()\nmethod extra()\n"
            ),
            vec![
                "method hello: parameter 1 is String in the host's contract, u32 in the plugin",
                "method gone: missing in the plugin",
                "method n: 2 parameter(s) in the host's contract, 1 in the plugin",
                "method r: returns u32 in the host's contract, () in the plugin",
            ]
        );
        assert_eq!(
            WireType::Serde(Type::Scalar(ScalarType::U8)).to_string(),
            "serde(u8)"
        );
    }

    #[test]
    fn struct_fields() {
        let host = "method f(Config)\nstruct Config { name: String, retries: u16, x: u8, y: u8 }\n";
        let plugin =
            "method f(Config)\nstruct Config { name: String, y: u8, x: u8, retries: u8, extra: bool }\n";
        assert_eq!(
            diff(host, plugin),
            vec![
                "type Config: field retries is u16 in the host's contract, u8 in the plugin",
                "type Config: field extra (bool) exists in the plugin only",
                "type Config: fields are in the order name, retries, x, y in the host's \
                 contract, name, y, x, retries in the plugin",
            ]
        );
    }

    #[test]
    fn nested_and_recursive_types_are_reached() {
        let host = "method f(Vec<Option<Tree>>)\nenum Tree { Leaf(Inner), Node(Vec<Tree>) }\nstruct Inner { a: u8 }\n";
        let plugin = "method f(Vec<Option<Tree>>)\nenum Tree { Leaf(Inner), Node(Vec<Tree>), Extra }\nstruct Inner { a: u16 }\n";
        assert_eq!(
            diff(host, plugin),
            vec![
                "type Tree: variant Extra exists in the plugin only",
                "type Inner: field a is u8 in the host's contract, u16 in the plugin",
            ]
        );
    }

    #[test]
    fn enum_and_kind_changes() {
        assert_eq!(
            diff(
                "method f(A, B, C)\nenum A { X, Y(u8) }\nstruct B(u8)\nstruct C { a: u8 }\n",
                "method f(A, B, C)\nenum A { Y(u16), X }\nenum B { B }\nstruct C(u8)\n"
            ),
            vec![
                "type C: named fields in the host's contract, positional fields in the plugin",
                "type B: a struct in the host's contract, an enum in the plugin",
                "type A: variants are in the order X, Y in the host's contract, Y, X in the plugin",
                "type A: variant Y: field 0 is u8 in the host's contract, u16 in the plugin",
            ]
        );
    }

    #[test]
    fn types_behind_a_changed_signature_are_not_compared() {
        assert_eq!(
            diff(
                "method f(Settings)\nstruct Settings { a: u8 }\n",
                "method f(Config)\nstruct Config { b: u8 }\n"
            ),
            vec!["method f: parameter 1 is Settings in the host's contract, Config in the plugin"]
        );
        assert_eq!(
            diff(
                "method f(Config)\nstruct Config { a: u8 }\n",
                "method f(Config)\n"
            ),
            vec!["type Config: not described by the plugin"]
        );
    }

    #[test]
    fn evolution() {
        let host = parse(
            "version 2\nmethod old()\nmethod new() -> Stats since 2\nstruct Stats { n: u64 }\n",
        );
        let old_plugin = parse("method old()\n");
        assert_eq!(
            compare(&host, &old_plugin),
            Comparison {
                differences: vec![],
                unavailable: vec!["new".to_string()],
            }
        );
        // A plugin that claims version 2 must have the version-2 methods.
        let lying = parse("version 2\nmethod old()\n");
        assert_eq!(
            differences(&host, &lying),
            vec!["method new: missing in the plugin"]
        );
        // A newer plugin on an older host: the methods the host does not know are ignored.
        let old_host = parse("method old()\n");
        let new_plugin = parse(
            "version 2\nmethod old()\nmethod new() -> Stats since 2\nstruct Stats { n: u64 }\n",
        );
        assert_eq!(compare(&old_host, &new_plugin), Comparison::default());
        assert_eq!(
            differences(&host, &parse("version 2\nmethod old()\nmethod new() -> Stats since 3\nstruct Stats { n: u64 }\n")),
            vec!["method new: added in version 2 in the host's contract, 3 in the plugin"]
        );
    }

    #[test]
    fn host_functions() {
        assert_eq!(
            diff(
                "method m()\nhost H\nimport a(String)\nimport unused()\n",
                "method m()\nhost H\nimport a(Vec<u8>)\nimport b()\n"
            ),
            vec![
                "host function a: parameter 1 is String in the host's contract, Vec<u8> in the plugin",
                "host function b: the plugin imports it, the host's contract does not provide it",
            ]
        );
        assert_eq!(
            diff("method m()\nhost H\nimport a()\n", "method m()\n"),
            Vec::<String>::new()
        );
    }
}
