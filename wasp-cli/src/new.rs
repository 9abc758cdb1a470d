//! `wasp new NAME`: scaffolds a contract crate, a plugin and a host, wired together by path
//! dependencies on this repository's crates, and prints the two commands that build and run
//! them. A Rust plugin gets a contract of its own, named after the project; a C or Go plugin
//! implements the ABI by hand, so it starts from the Greeter example's plugin and contract
//! (copied from the repository).

use crate::failure::Failure;
use clap::ValueEnum;
use std::path::{Path, PathBuf};

/// Create a contract, a plugin and a host, ready to build and run
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The project's name: a directory of that name is created (letters, digits, `-`, `_`)
    pub name: String,
    /// The plugin's language
    #[arg(long, value_enum, default_value = "rust")]
    pub lang: Lang,
    /// The Wasp repository the crates depend on [default: $WASP_REPO, or where this `wasp`
    /// was built from]
    #[arg(long, value_name = "DIR")]
    pub wasp: Option<PathBuf>,
}

/// A plugin language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    Rust,
    C,
    Go,
    Assemblyscript,
}

const CONTRACT_MANIFEST: &str = include_str!("templates/contract_Cargo.toml");
const CONTRACT_LIB: &str = include_str!("templates/contract_lib.rs");
const PLUGIN_MANIFEST: &str = include_str!("templates/plugin_Cargo.toml");
const PLUGIN_LIB: &str = include_str!("templates/plugin_lib.rs");
const HOST_MANIFEST: &str = include_str!("templates/host_Cargo.toml");
const HOST_MAIN: &str = include_str!("templates/host_main.rs");
const HOST_GREETER_MAIN: &str = include_str!("templates/host_greeter_main.rs");

/// The environment variable naming the Wasp repository, over the one built in.
pub const REPO_VAR: &str = "WASP_REPO";

pub fn run(args: &Args) -> Result<(), Failure> {
    if args.lang == Lang::Assemblyscript {
        return Err(
            Failure::usage("`wasp new --lang assemblyscript` is not available yet").hint(
                "start from examples/greeter/plugin-assemblyscript and \
                 docs/guests/assemblyscript.md; `--lang rust`, `c` and `go` are available",
            ),
        );
    }
    let names = Names::new(&args.name)?;
    let wasp = repository(args.wasp.as_deref())?;
    let root = PathBuf::from(&args.name);
    if root.exists() {
        return Err(Failure::usage(format!("{} already exists", root.display()))
            .hint("choose another name, or remove the directory"));
    }
    let wasp_text = wasp.to_string_lossy().replace('\\', "/");
    let fill = |template: &str| {
        template
            .replace("{name}", &names.name)
            .replace("{snake}", &names.snake)
            .replace("{Trait}", &names.camel)
            .replace("{wasp}", &wasp_text)
    };
    let greeter = |path: &str| {
        let source = wasp.join("examples/greeter").join(path);
        std::fs::read_to_string(&source)
            .map_err(|e| Failure::new(format!("cannot read {}: {e}", source.display())))
    };
    let host_main = |lang: &str| fill(HOST_GREETER_MAIN).replace("{lang}", lang);
    let files = match args.lang {
        Lang::Rust => vec![
            ("contract/Cargo.toml", fill(CONTRACT_MANIFEST)),
            ("contract/src/lib.rs", fill(CONTRACT_LIB)),
            ("plugin/Cargo.toml", fill(PLUGIN_MANIFEST)),
            ("plugin/src/lib.rs", fill(PLUGIN_LIB)),
            ("host/Cargo.toml", fill(HOST_MANIFEST)),
            ("host/src/main.rs", fill(HOST_MAIN)),
        ],
        Lang::C => vec![
            ("contract/Cargo.toml", fill(CONTRACT_MANIFEST)),
            ("contract/src/lib.rs", greeter("contract/src/lib.rs")?),
            ("plugin/plugin.c", greeter("plugin-c/greeter.c")?),
            ("host/Cargo.toml", fill(HOST_MANIFEST)),
            ("host/src/main.rs", host_main("C")),
        ],
        Lang::Go => vec![
            ("contract/Cargo.toml", fill(CONTRACT_MANIFEST)),
            ("contract/src/lib.rs", greeter("contract/src/lib.rs")?),
            ("plugin/main.go", greeter("plugin-go/main.go")?),
            (
                "plugin/go.mod",
                // The guest package is a local `replace`: point it at this repository's.
                greeter("plugin-go/go.mod")?.replace(
                    "=> ../../../guests/go",
                    &format!("=> {wasp_text}/guests/go"),
                ),
            ),
            ("host/Cargo.toml", fill(HOST_MANIFEST)),
            ("host/src/main.rs", host_main("Go")),
        ],
        Lang::Assemblyscript => unreachable!("refused above"),
    };
    for (path, text) in &files {
        write(&root.join(path), text)?;
    }
    println!(
        "created {0}/: contract/ (the traits), plugin/ (implements them), host/ (runs the plugin)",
        args.name
    );
    println!("build the plugin and run the host with:");
    println!("  wasp build {}/plugin", args.name);
    println!("  cargo run --manifest-path {}/host/Cargo.toml", args.name);
    if args.lang == Lang::Rust {
        println!(
            "test the plugin natively with `cargo test` in {}/plugin",
            args.name
        );
    }
    Ok(())
}

/// The names a project `name` gives: crates `demo-contract`, ..., the trait `Demo`.
struct Names {
    name: String,
    snake: String,
    camel: String,
}

impl Names {
    fn new(name: &str) -> Result<Names, Failure> {
        let valid = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid {
            return Err(Failure::usage(format!("`{name}` cannot name a project"))
                .hint("start with a letter; use letters, digits, `-` and `_`"));
        }
        let snake = name.replace('-', "_").to_lowercase();
        let camel = snake
            .split('_')
            .filter(|part| !part.is_empty())
            .map(|part| {
                let mut chars = part.chars();
                match chars.next() {
                    Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                    None => String::new(),
                }
            })
            .collect();
        Ok(Names {
            name: name.to_lowercase(),
            snake,
            camel,
        })
    }
}

/// The Wasp repository: `--wasp`, else `$WASP_REPO`, else the one this binary was built
/// from. It must hold the `wasp` crate.
pub fn repository(flag: Option<&Path>) -> Result<PathBuf, Failure> {
    let env = std::env::var_os(REPO_VAR).map(PathBuf::from);
    let built_in = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let chosen = flag.map(Path::to_path_buf).or(env).unwrap_or(built_in);
    let manifest = chosen.join("Cargo.toml");
    let is_wasp = std::fs::read_to_string(&manifest)
        .is_ok_and(|text| text.lines().any(|l| l.trim() == "name = \"wasp\""));
    if !is_wasp {
        return Err(Failure::usage(format!(
            "{} is not the Wasp repository (no `wasp` crate in {})",
            chosen.display(),
            manifest.display()
        ))
        .hint(format!("name it with `--wasp DIR` or ${REPO_VAR}")));
    }
    chosen
        .canonicalize()
        .map_err(|e| Failure::new(format!("cannot resolve {}: {e}", chosen.display())))
}

fn write(path: &Path, text: &str) -> Result<(), Failure> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| Failure::new(format!("cannot create {}: {e}", parent.display())))?;
    }
    std::fs::write(path, text)
        .map_err(|e| Failure::new(format!("cannot write {}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::Names;

    #[test]
    fn project_names() {
        let names = Names::new("my-demo").unwrap();
        assert_eq!(
            (
                names.name.as_str(),
                names.snake.as_str(),
                names.camel.as_str()
            ),
            ("my-demo", "my_demo", "MyDemo")
        );
        assert!(Names::new("1x").is_err());
        assert!(Names::new("a b").is_err());
    }
}
