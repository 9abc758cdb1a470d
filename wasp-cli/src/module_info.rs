//! What a module's binary says about itself, read without compiling or running it: imports,
//! exports, memories, tables and the producers section.

use crate::failure::Failure;
use wasmparser::{
    ExternalKind, KnownCustom, Parser, Payload, ProducersSectionReader, RefType, TypeRef, Validator,
};

/// The size of a WebAssembly page.
pub const PAGE: u64 = 64 * 1024;

/// The facts `wasp inspect` reports about a module's structure.
#[derive(Debug, Default)]
pub struct ModuleInfo {
    pub imports: Vec<Import>,
    pub exports: Vec<Export>,
    pub memories: Vec<Limits>,
    pub tables: Vec<Limits>,
    /// The producers section, field by field (`language`, `processed-by`, `sdk`).
    pub producers: Vec<Producers>,
}

/// One field of the producers section and its `(name, version)` entries.
pub type Producers = (String, Vec<(String, String)>);

#[derive(Debug)]
pub struct Import {
    pub module: String,
    pub name: String,
    pub kind: &'static str,
}

#[derive(Debug)]
pub struct Export {
    pub name: String,
    pub kind: &'static str,
}

/// A memory's or a table's limits: pages for a memory, entries for a table.
#[derive(Debug)]
pub struct Limits {
    pub initial: u64,
    pub maximum: Option<u64>,
    /// `memory64`/`table64`, `shared`, or a table's element type.
    pub notes: Vec<String>,
    /// `module.name` when imported rather than defined.
    pub imported_from: Option<String>,
    /// The names it is exported under.
    pub exported_as: Vec<String>,
}

/// Reads the structure of a binary module, validating it first so that a damaged file is
/// reported as such rather than half-described.
pub fn read(binary: &[u8]) -> Result<ModuleInfo, Failure> {
    let not_wasm = |e: wasmparser::BinaryReaderError| {
        Failure::new(format!("not a valid WebAssembly module: {e}"))
            .hint("the plugin must be a WebAssembly module (.wasm), or its text format (.wat)")
    };
    Validator::new().validate_all(binary).map_err(not_wasm)?;
    let mut info = ModuleInfo::default();
    let mut memory_exports: Vec<(u32, String)> = Vec::new();
    let mut table_exports: Vec<(u32, String)> = Vec::new();
    for payload in Parser::new(0).parse_all(binary) {
        match payload.map_err(not_wasm)? {
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    let import = import.map_err(not_wasm)?;
                    let origin = Some(format!("{}.{}", import.module, import.name));
                    match import.ty {
                        TypeRef::Memory(m) => info.memories.push(memory(m, origin)),
                        TypeRef::Table(t) => info.tables.push(table(t, origin)),
                        _ => {}
                    }
                    info.imports.push(Import {
                        module: import.module.to_string(),
                        name: import.name.to_string(),
                        kind: type_ref_kind(&import.ty),
                    });
                }
            }
            Payload::MemorySection(reader) => {
                for m in reader {
                    info.memories.push(memory(m.map_err(not_wasm)?, None));
                }
            }
            Payload::TableSection(reader) => {
                for t in reader {
                    info.tables.push(table(t.map_err(not_wasm)?.ty, None));
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export.map_err(not_wasm)?;
                    match export.kind {
                        ExternalKind::Memory => {
                            memory_exports.push((export.index, export.name.to_string()));
                        }
                        ExternalKind::Table => {
                            table_exports.push((export.index, export.name.to_string()));
                        }
                        _ => {}
                    }
                    info.exports.push(Export {
                        name: export.name.to_string(),
                        kind: external_kind(export.kind),
                    });
                }
            }
            Payload::CustomSection(section) => {
                if let KnownCustom::Producers(reader) = section.as_known() {
                    // A malformed producers section is the toolchain's business, not a
                    // reason to refuse the module: report what reads.
                    info.producers = producers(reader).unwrap_or_default();
                }
            }
            _ => {}
        }
    }
    // Memories and tables are indexed imports first, then definitions: the order pushed.
    for (index, name) in memory_exports {
        if let Some(m) = info.memories.get_mut(index as usize) {
            m.exported_as.push(name);
        }
    }
    for (index, name) in table_exports {
        if let Some(t) = info.tables.get_mut(index as usize) {
            t.exported_as.push(name);
        }
    }
    Ok(info)
}

fn producers(
    reader: ProducersSectionReader<'_>,
) -> Result<Vec<Producers>, wasmparser::BinaryReaderError> {
    let mut out = Vec::new();
    for field in reader {
        let field = field?;
        let mut values = Vec::new();
        for value in field.values {
            let value = value?;
            values.push((value.name.to_string(), value.version.to_string()));
        }
        out.push((field.name.to_string(), values));
    }
    Ok(out)
}

fn memory(m: wasmparser::MemoryType, imported_from: Option<String>) -> Limits {
    let mut notes = Vec::new();
    if m.memory64 {
        notes.push("memory64".to_string());
    }
    if m.shared {
        notes.push("shared".to_string());
    }
    Limits {
        initial: m.initial,
        maximum: m.maximum,
        notes,
        imported_from,
        exported_as: Vec::new(),
    }
}

fn table(t: wasmparser::TableType, imported_from: Option<String>) -> Limits {
    let mut notes = vec![ref_type(t.element_type)];
    if t.table64 {
        notes.push("table64".to_string());
    }
    if t.shared {
        notes.push("shared".to_string());
    }
    Limits {
        initial: t.initial,
        maximum: t.maximum,
        notes,
        imported_from,
        exported_as: Vec::new(),
    }
}

fn ref_type(r: RefType) -> String {
    if r == RefType::FUNCREF {
        "funcref".to_string()
    } else if r == RefType::EXTERNREF {
        "externref".to_string()
    } else {
        format!("{r}")
    }
}

fn type_ref_kind(ty: &TypeRef) -> &'static str {
    match ty {
        TypeRef::Func(_) | TypeRef::FuncExact(_) => "function",
        TypeRef::Table(_) => "table",
        TypeRef::Memory(_) => "memory",
        TypeRef::Global(_) => "global",
        TypeRef::Tag(_) => "tag",
    }
}

fn external_kind(kind: ExternalKind) -> &'static str {
    match kind {
        ExternalKind::Func | ExternalKind::FuncExact => "function",
        ExternalKind::Table => "table",
        ExternalKind::Memory => "memory",
        ExternalKind::Global => "global",
        ExternalKind::Tag => "tag",
    }
}
