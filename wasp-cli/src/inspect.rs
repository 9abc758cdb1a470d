//! `wasp inspect PLUGIN`: what a plugin is, before anyone loads it. The contract(s) it
//! implements (methods, host functions, every type with its fields and variants), the
//! toolchain that built it, its size, its imports, its memory and table limits.

use crate::failure::Failure;
use crate::files;
use crate::module_info::{self, Limits, ModuleInfo, PAGE};
use serde_json::{Value, json};
use std::fmt::Write as _;
use std::path::PathBuf;
use wasp::descriptor::{Contract, Fields, Function, Shape, TypeDef};
use wasp_abi::{LOG_IMPORT, LOG_LEVEL_IMPORT, PANIC_IMPORT, RUNTIME_MODULE};
use wasp_host::{DescriptorSource, Descriptors, Engine};

/// Import module of WASI preview 1.
const WASI: &str = "wasi_snapshot_preview1";

/// Show a plugin's contract, the toolchain that built it, its imports and its limits
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The plugin: a WebAssembly module (.wasm), or its text format (.wat)
    plugin: PathBuf,

    /// Print JSON, for machines
    #[arg(long)]
    json: bool,
}

/// Everything the report says.
struct Report {
    path: PathBuf,
    size: usize,
    module: ModuleInfo,
    /// The descriptors, or why they could not be read.
    descriptors: Result<Descriptors, String>,
}

pub fn run(args: &Args) -> Result<(), Failure> {
    let bytes = files::read(&args.plugin, "the plugin")?;
    let binary = files::binary(&bytes)?;
    let module = module_info::read(&binary)?;
    let engine = Engine::new()?;
    let report = Report {
        path: args.plugin.clone(),
        size: bytes.len(),
        module,
        descriptors: engine.descriptors(&binary).map_err(|e| e.to_string()),
    };
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&to_json(&report)).unwrap_or_default()
        );
    } else {
        print!("{}", to_text(&report));
    }
    // Everything that could be read was shown; a descriptor that cannot be read still makes
    // the plugin unusable, which scripts should see.
    match &report.descriptors {
        Ok(_) => Ok(()),
        Err(e) => Err(Failure::new(format!(
            "the contract descriptor cannot be read: {e}"
        ))),
    }
}

fn to_text(r: &Report) -> String {
    let mut out = String::new();
    let name = r.path.display();
    let _ = writeln!(out, "{name}: {}", file_size(r.size));
    let _ = writeln!(out, "{}", kind(&r.module));
    out.push('\n');
    match &r.descriptors {
        Ok(d) if d.contracts.is_empty() => {
            let _ = writeln!(
                out,
                "contract: none; the module carries no contract descriptor (docs/ABI.md \
                 section 8), so hosts cannot verify it and `wasp call` cannot call it"
            );
        }
        Ok(d) => {
            for contract in &d.contracts {
                contract_text(&mut out, contract, &d.source, &r.module);
                out.push('\n');
            }
        }
        Err(e) => {
            let _ = writeln!(out, "contract: cannot be read: {e}\n");
        }
    }
    producers_text(&mut out, &r.module);
    imports_text(&mut out, &r.module, r.descriptors.as_ref().ok());
    limits_text(&mut out, "memory", &r.module.memories, |n| {
        format!("{n} page(s) ({})", binary_size(n.saturating_mul(PAGE)))
    });
    limits_text(&mut out, "table", &r.module.tables, |n| {
        format!("{n} entries")
    });
    out
}

fn kind(module: &ModuleInfo) -> String {
    let exports = |name: &str| module.exports.iter().any(|e| e.name == name);
    let functions = module
        .exports
        .iter()
        .filter(|e| e.kind == "function")
        .count();
    let what = if exports(wasp_abi::INITIALIZE_EXPORT) {
        "a WASI reactor: the host calls `_initialize` once per instance"
    } else if exports("_start") {
        "a WASI command: `_start` is never called by a Wasp host"
    } else {
        "a library module"
    };
    format!("{what}; exports {functions} function(s)")
}

fn contract_text(out: &mut String, c: &Contract, source: &DescriptorSource, m: &ModuleInfo) {
    let from = match source {
        DescriptorSource::Section => "custom section `wasp-contract`".to_string(),
        DescriptorSource::Exports(names) => format!("export `{}`", names.join("`, `")),
        DescriptorSource::Absent => "nowhere".to_string(),
    };
    let _ = writeln!(
        out,
        "contract {} (version {}, ABI {}; descriptor from {from})",
        c.name, c.version, c.abi_version
    );
    let _ = writeln!(out, "  methods:");
    if c.methods.is_empty() {
        let _ = writeln!(out, "    (none)");
    }
    for method in &c.methods {
        let exported = m.exports.iter().any(|e| e.name == method.name);
        let note = if exported { "" } else { "  (not exported!)" };
        let _ = writeln!(out, "    {}{note}", method.signature());
    }
    if let Some(host) = &c.host {
        let _ = writeln!(out, "  host functions (import module `{}`):", host.module);
        for f in &host.functions {
            let imported = m
                .imports
                .iter()
                .any(|i| i.module == host.module && i.name == f.name);
            let note = if imported {
                ""
            } else {
                "  (declared, not imported)"
            };
            let _ = writeln!(out, "    {}{note}", f.signature());
        }
    }
    let _ = writeln!(out, "  types:");
    if c.types.is_empty() {
        let _ = writeln!(out, "    (none)");
    }
    for def in &c.types {
        type_text(out, def);
    }
}

fn type_text(out: &mut String, def: &TypeDef) {
    match &def.shape {
        Shape::Struct(fields) => {
            let _ = write!(out, "    struct {}", def.name);
            fields_text(out, fields, "      ");
        }
        Shape::Enum(variants) => {
            let _ = writeln!(out, "    enum {}", def.name);
            // One variant per line, its fields on the same line: `Rect { w: u32, h: u32 }`.
            for v in variants {
                let _ = writeln!(out, "      {}{}", v.name, v.fields);
            }
        }
    }
}

/// Positional fields on the name's line, named fields one per line below it.
fn fields_text(out: &mut String, fields: &Fields, indent: &str) {
    match fields {
        Fields::Named(named) if !named.is_empty() => {
            out.push('\n');
            for f in named {
                let _ = writeln!(out, "{indent}{}: {}", f.name, f.ty);
            }
        }
        other => {
            let _ = writeln!(out, "{other}");
        }
    }
}

fn producers_text(out: &mut String, m: &ModuleInfo) {
    if m.producers.is_empty() {
        let _ = writeln!(out, "built with: not recorded (no producers section)");
        return;
    }
    let _ = writeln!(out, "built with:");
    for (field, values) in &m.producers {
        let values: Vec<String> = values
            .iter()
            .map(|(name, version)| {
                if version.is_empty() {
                    name.clone()
                } else {
                    format!("{name} {version}")
                }
            })
            .collect();
        let _ = writeln!(out, "  {field}: {}", values.join(", "));
    }
}

/// Imports grouped the way a host judges them: WASI, the runtime's, the contract's host
/// functions, and anything else (which no host provides).
fn imports_text(out: &mut String, m: &ModuleInfo, descriptors: Option<&Descriptors>) {
    let groups = group_imports(m, descriptors);
    let _ = writeln!(out, "imports:");
    if m.imports.is_empty() {
        let _ = writeln!(out, "  (none)");
    }
    for (label, names) in [
        ("WASI preview 1", &groups.wasi),
        ("wasp runtime", &groups.runtime),
        ("host functions", &groups.host),
        ("other (no Wasp host provides these)", &groups.other),
    ] {
        if !names.is_empty() {
            let _ = writeln!(out, "  {label} ({}):", names.len());
            wrap(out, names, "    ");
        }
    }
}

struct ImportGroups {
    wasi: Vec<String>,
    runtime: Vec<String>,
    host: Vec<String>,
    other: Vec<String>,
}

fn group_imports(m: &ModuleInfo, descriptors: Option<&Descriptors>) -> ImportGroups {
    let host_modules: Vec<&str> = descriptors
        .map(|d| {
            d.contracts
                .iter()
                .filter_map(|c| c.host.as_ref().map(|h| h.module.as_str()))
                .collect()
        })
        .unwrap_or_default();
    let mut groups = ImportGroups {
        wasi: Vec::new(),
        runtime: Vec::new(),
        host: Vec::new(),
        other: Vec::new(),
    };
    for i in &m.imports {
        let runtime = [PANIC_IMPORT, LOG_IMPORT, LOG_LEVEL_IMPORT];
        if i.module == WASI {
            groups.wasi.push(i.name.clone());
        } else if i.module == RUNTIME_MODULE && runtime.contains(&i.name.as_str()) {
            groups.runtime.push(format!("{}.{}", i.module, i.name));
        } else if host_modules.contains(&i.module.as_str()) {
            groups.host.push(format!("{}.{}", i.module, i.name));
        } else {
            groups
                .other
                .push(format!("{}.{} ({})", i.module, i.name, i.kind));
        }
    }
    groups
}

/// Comma-separated names, wrapped to lines of about 92 columns.
fn wrap(out: &mut String, names: &[String], indent: &str) {
    let mut line = String::new();
    for (i, name) in names.iter().enumerate() {
        let piece = if i + 1 < names.len() {
            format!("{name},")
        } else {
            name.clone()
        };
        if !line.is_empty() && indent.len() + line.len() + 1 + piece.len() > 92 {
            let _ = writeln!(out, "{indent}{line}");
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&piece);
    }
    if !line.is_empty() {
        let _ = writeln!(out, "{indent}{line}");
    }
}

fn limits_text(out: &mut String, what: &str, all: &[Limits], unit: impl Fn(u64) -> String) {
    if all.is_empty() {
        let _ = writeln!(out, "{what}: none");
    }
    for l in all {
        let max = match l.maximum {
            Some(max) => format!("maximum {}", unit(max)),
            None => "no maximum".to_string(),
        };
        let mut line = format!("{what}: initial {}, {max}", unit(l.initial));
        for note in &l.notes {
            let _ = write!(line, ", {note}");
        }
        if let Some(from) = &l.imported_from {
            let _ = write!(line, "; imported from `{from}`");
        }
        if !l.exported_as.is_empty() {
            let _ = write!(line, "; exported as `{}`", l.exported_as.join("`, `"));
        }
        let _ = writeln!(out, "{line}");
    }
}

/// `48.9 KB (50 089 bytes)`: a file's size as people read it, and exactly.
fn file_size(bytes: usize) -> String {
    let b = bytes as f64;
    let short = if b >= 1e6 {
        format!("{:.2} MB", b / 1e6)
    } else if b >= 1e3 {
        format!("{:.1} KB", b / 1e3)
    } else {
        return format!("{bytes} bytes");
    };
    format!("{short} ({bytes} bytes)")
}

/// Memory sizes, in the binary units pages come in.
fn binary_size(bytes: u64) -> String {
    let b = bytes as f64;
    if bytes >= 1 << 30 {
        format!("{:.2} GiB", b / f64::from(1u32 << 30))
    } else if bytes >= 1 << 20 {
        format!("{:.2} MiB", b / f64::from(1u32 << 20))
    } else {
        format!("{} KiB", bytes / 1024)
    }
}

fn to_json(r: &Report) -> Value {
    let m = &r.module;
    let contracts = match &r.descriptors {
        Ok(d) => Value::Array(d.contracts.iter().map(contract_json).collect()),
        Err(_) => Value::Null,
    };
    let source = match &r.descriptors {
        Ok(Descriptors {
            source: DescriptorSource::Section,
            ..
        }) => json!({"section": wasp_abi::CONTRACT_SECTION}),
        Ok(Descriptors {
            source: DescriptorSource::Exports(names),
            ..
        }) => json!({ "exports": names }),
        _ => Value::Null,
    };
    let groups = group_imports(m, r.descriptors.as_ref().ok());
    let limits = |all: &[Limits]| -> Value {
        all.iter()
            .map(|l| {
                json!({
                    "initial": l.initial,
                    "maximum": l.maximum,
                    "notes": l.notes,
                    "imported_from": l.imported_from,
                    "exported_as": l.exported_as,
                })
            })
            .collect()
    };
    let producers: serde_json::Map<String, Value> = m
        .producers
        .iter()
        .map(|(field, values)| {
            let values: Vec<Value> = values
                .iter()
                .map(|(name, version)| json!({"name": name, "version": version}))
                .collect();
            (field.clone(), Value::Array(values))
        })
        .collect();
    json!({
        "file": r.path.display().to_string(),
        "size": r.size,
        "contracts": contracts,
        "descriptor_source": source,
        "descriptor_error": r.descriptors.as_ref().err(),
        "producers": producers,
        "imports": {
            "wasi": groups.wasi,
            "runtime": groups.runtime,
            "host": groups.host,
            "other": groups.other,
        },
        "exports": m.exports.iter().map(|e| json!({"name": e.name, "kind": e.kind})).collect::<Vec<_>>(),
        "memories": limits(&m.memories),
        "memory_page_size": PAGE,
        "tables": limits(&m.tables),
    })
}

fn contract_json(c: &Contract) -> Value {
    let function = |f: &Function| {
        json!({
            "name": f.name,
            "params": f.params.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "result": f.result.as_ref().map(ToString::to_string),
            "since": f.since,
            "signature": f.signature(),
        })
    };
    let fields = |fields: &Fields| match fields {
        Fields::Unit => json!({"kind": "unit"}),
        Fields::Tuple(types) => json!({
            "kind": "tuple",
            "types": types.iter().map(ToString::to_string).collect::<Vec<_>>(),
        }),
        Fields::Named(named) => json!({
            "kind": "named",
            "fields": named
                .iter()
                .map(|f| json!({"name": f.name, "type": f.ty.to_string()}))
                .collect::<Vec<_>>(),
        }),
    };
    let types: Vec<Value> = c
        .types
        .iter()
        .map(|def| match &def.shape {
            Shape::Struct(f) => json!({
                "kind": "struct",
                "name": def.name,
                "fields": fields(f),
                "definition": def.to_string(),
            }),
            Shape::Enum(variants) => json!({
                "kind": "enum",
                "name": def.name,
                "variants": variants
                    .iter()
                    .map(|v| json!({"name": v.name, "fields": fields(&v.fields)}))
                    .collect::<Vec<_>>(),
                "definition": def.to_string(),
            }),
        })
        .collect();
    json!({
        "name": c.name,
        "version": c.version,
        "abi_version": c.abi_version,
        "methods": c.methods.iter().map(function).collect::<Vec<_>>(),
        "host": c.host.as_ref().map(|h| json!({
            "module": h.module,
            "functions": h.functions.iter().map(function).collect::<Vec<_>>(),
        })),
        "types": types,
        "descriptor": c.render(),
    })
}
