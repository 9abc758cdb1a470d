//! `cargo xtask plugins [--check]`: build every guest plugin that examples and tests load, and
//! either copy each to its committed path or compare it with the committed file.
//!
//! Each guest language is a [`Builder`]; adding a language means adding one to [`builders`].

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::assemblyscript_guests::AssemblyScriptGuests;
use crate::c_guests::CGuests;
use crate::go_guests::GoGuests;
use crate::java_guests::JavaGuests;
use crate::rust_guests::RustGuests;
use crate::zig_guests::ZigGuests;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Copy fresh builds over the committed artifacts.
    Write,
    /// Leave the committed artifacts alone and report those that differ from a fresh build.
    Check,
}

/// What every builder is handed.
pub struct Context {
    /// The repository root, canonicalised so that path remapping sees what the compilers see.
    pub root: PathBuf,
    /// Refuse to change lockfiles: a check must test the committed inputs, and CI must not
    /// quietly resolve different dependencies than the ones a developer committed.
    pub locked: bool,
}

/// One plugin: the file a builder produced and where the repository keeps it.
pub struct Artifact {
    /// Relative to the repository root; also how the artifact is named in messages.
    pub committed: PathBuf,
    /// Where the build left it. Builders build into their own (git-ignored) target
    /// directories, so a check never has to touch the committed file.
    pub built: PathBuf,
}

/// A guest language's build step.
pub trait Builder {
    /// Shown in progress messages, e.g. "Rust guests".
    fn name(&self) -> &'static str;

    /// Builds every plugin of this language and returns them all; a failed build is an error,
    /// after the compiler's own output has been shown.
    fn build(&self, cx: &Context) -> Result<Vec<Artifact>, String>;

    /// Printed once when a check finds this builder's artifacts differing: compilers produce
    /// the same bytes only at the same version, which is the usual innocent cause.
    fn mismatch_hint(&self) -> Option<&'static str> {
        None
    }
}

fn builders() -> Vec<Box<dyn Builder>> {
    vec![
        Box::new(RustGuests),
        Box::new(CGuests),
        Box::new(GoGuests),
        Box::new(AssemblyScriptGuests),
        Box::new(ZigGuests),
        Box::new(JavaGuests),
    ]
}

pub fn run(root: PathBuf, mode: Mode) -> Result<ExitCode, String> {
    let cx = Context {
        root,
        locked: mode == Mode::Check || is_ci(),
    };

    let builders = builders();
    // Indexed by builder, so messages can name the builder of each artifact.
    let mut built: Vec<(usize, Artifact)> = Vec::new();
    for (index, builder) in builders.iter().enumerate() {
        eprintln!("xtask: building {}", builder.name());
        for artifact in builder.build(&cx)? {
            // Two plugins claiming one file would silently overwrite each other.
            if let Some((other, _)) = built
                .iter()
                .find(|(_, a)| a.committed == artifact.committed)
            {
                return Err(format!(
                    "{} is the artifact of two plugins ({} and {}); give each its own path",
                    artifact.committed.display(),
                    builders[*other].name(),
                    builder.name()
                ));
            }
            built.push((index, artifact));
        }
    }
    built.sort_by(|(_, a), (_, b)| a.committed.cmp(&b.committed));

    match mode {
        Mode::Write => write(&cx.root, &built),
        Mode::Check => check(&cx.root, &built, &builders),
    }
}

/// CI services set `CI`; treat any value but an empty one, "0" or "false" as set.
fn is_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false" && v != "0")
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn write(root: &Path, built: &[(usize, Artifact)]) -> Result<ExitCode, String> {
    let mut updated = 0;
    for (_, artifact) in built {
        let fresh = read(&artifact.built)?;
        let dest = root.join(&artifact.committed);
        // Rewriting identical bytes would only bump mtimes and make dependent builds rerun.
        if fs::read(&dest).ok().as_deref() == Some(&fresh[..]) {
            eprintln!("xtask: unchanged {}", artifact.committed.display());
            continue;
        }
        if let Some(dir) = dest.parent() {
            fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        fs::write(&dest, &fresh).map_err(|e| format!("cannot write {}: {e}", dest.display()))?;
        eprintln!(
            "xtask: updated   {} ({} bytes)",
            artifact.committed.display(),
            fresh.len()
        );
        updated += 1;
    }
    println!(
        "xtask: {} plugin artifact(s) built, {updated} updated, {} unchanged",
        built.len(),
        built.len() - updated
    );
    Ok(ExitCode::SUCCESS)
}

fn check(
    root: &Path,
    built: &[(usize, Artifact)],
    builders: &[Box<dyn Builder>],
) -> Result<ExitCode, String> {
    let mut bad = 0;
    let mut differing = BTreeSet::new();
    for (index, artifact) in built {
        let fresh = read(&artifact.built)?;
        let committed = &artifact.committed;
        let problem = match fs::read(root.join(committed)) {
            Ok(old) if old == fresh => continue,
            Ok(_) => "is stale",
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => "is missing",
            Err(e) => return Err(format!("cannot read {}: {e}", committed.display())),
        };
        eprintln!(
            "{} {problem}: rebuild with `cargo xtask plugins` and commit it",
            committed.display()
        );
        bad += 1;
        differing.insert(*index);
    }
    if bad == 0 {
        println!(
            "xtask: all {} plugin artifact(s) match a fresh build",
            built.len()
        );
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!(
        "xtask: {bad} of {} plugin artifact(s) differ from a fresh build",
        built.len()
    );
    for index in differing {
        if let Some(hint) = builders[index].mismatch_hint() {
            eprintln!("note: {hint}");
        }
    }
    Ok(ExitCode::FAILURE)
}
