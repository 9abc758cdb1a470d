//! Java guests: Maven modules whose classes TeaVM compiles to WebAssembly (its WASI target),
//! with the guest library of `guests/java/wasp-guest`.
//!
//! One Maven build (`guests/java/pom.xml`, whose modules are the guest library, the TeaVM build
//! step `guests/java/wasp-teavm` and every plugin) compiles the Java sources and runs TeaVM in
//! each plugin's `package` phase. Maven resolves TeaVM 0.13.1 and the Maven plugins, all pinned
//! in the pom, from Maven Central into `~/.m2`; `.ci/install-java.sh` installs Java 17 and Maven
//! when they are missing and fetches TeaVM. The build directories go to `guests/target/java`.
//! docs/guests/java.md describes the library, the plugins and the build.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cmd;
use crate::plugins::{Artifact, Builder, Context};

pub struct JavaGuests;

/// Every Java plugin: its Maven artifactId (a module of `guests/java/pom.xml`), the module file
/// its build writes, and its committed artifact, relative to the root.
const PLUGINS: &[(&str, &str, &str)] = &[
    (
        "greeter-plugin-java",
        "greeter-java.wasm",
        "examples/greeter/plugins/greeter-java.wasm",
    ),
    (
        "checks-plugin-java",
        "checks-java.wasm",
        "tests/wasm/checks-java.wasm",
    ),
];

/// The build that compiles every Java plugin, relative to the root.
const POM: &str = "guests/java/pom.xml";

/// The Java release whose compiler builds the committed artifacts (TeaVM compiles the class
/// files javac writes, and javac's output differs between releases).
const PINNED_JAVA: u32 = 17;

const INSTALL_HINT: &str = "run `bash .ci/install-java.sh` (as root it installs Debian's \
     openjdk-17-jdk-headless and maven when they are missing, then fetches TeaVM from Maven Central)";

impl Builder for JavaGuests {
    fn name(&self) -> &'static str {
        "Java guests"
    }

    fn mismatch_hint(&self) -> Option<&'static str> {
        Some(
            "Java guests are byte-identical only when compiled by the same javac release (TeaVM \
             and every Maven plugin are pinned in guests/java/pom.xml). The committed ones are \
             compiled by OpenJDK 17's javac, which CI installs with `bash .ci/install-java.sh` \
             (see docs/guests/java.md)",
        )
    }

    fn build(&self, cx: &Context) -> Result<Vec<Artifact>, String> {
        let java = java_major()?;
        let maven = cmd::stdout(Command::new("mvn").args(["--version", "-B"]))
            .map_err(|e| format!("Maven cannot be run: {e}\n{INSTALL_HINT}"))?;
        let maven = strip_ansi(maven.lines().next().unwrap_or_default())
            .trim()
            .to_string();
        eprintln!("xtask: Java guests: Java {java}, {maven}, TeaVM (WASI target)");
        if java != PINNED_JAVA {
            eprintln!(
                "xtask: note: the committed Java artifacts are compiled by Java {PINNED_JAVA}'s \
                 javac; Java {java} may build different bytes"
            );
        }

        let build_root = cx.root.join("guests").join("target").join("java");
        let mut build = Command::new("mvn");
        // MAVEN_ARGS is read by Maven 3.9 and would add options to this build.
        build
            .env_remove("MAVEN_ARGS")
            .current_dir(&cx.root)
            .args(["-B", "-q", "--no-transfer-progress", "-f", POM])
            .arg(format!("-Dwasp.buildRoot={}", build_root.display()))
            .arg("package");
        eprintln!("xtask: running {}", cmd::describe(&build));
        cmd::run(&mut build).map_err(|e| {
            format!("{e}\nJava guests need Java {PINNED_JAVA} or newer and Maven: {INSTALL_HINT}")
        })?;

        PLUGINS
            .iter()
            .map(|(module, file, committed)| {
                let built = build_root.join(module).join(file);
                if !built.is_file() {
                    return Err(format!(
                        "the Maven build succeeded but did not write {}; is {module} a module of \
                         {POM}?",
                        built.display()
                    ));
                }
                Ok(Artifact {
                    committed: PathBuf::from(committed),
                    built,
                })
            })
            .collect()
    }
}

/// The major version of the `java` Maven will run: `$JAVA_HOME/bin/java` when JAVA_HOME is
/// set, as Maven does, else `java` from PATH.
fn java_major() -> Result<u32, String> {
    let java = match env::var_os("JAVA_HOME") {
        Some(home) if !home.is_empty() => Path::new(&home).join("bin").join("java"),
        _ => PathBuf::from("java"),
    };
    // `java -version` writes to standard error; -XshowSettings:properties is as old and
    // prints `java.specification.version = 17` there too, so read standard error.
    let output = Command::new(&java)
        .args(["-XshowSettings:properties", "-version"])
        .output()
        .map_err(|e| format!("cannot run {}: {e}\n{INSTALL_HINT}", java.display()))?;
    let text = String::from_utf8_lossy(&output.stderr);
    let version = text
        .lines()
        .find_map(|line| line.trim().strip_prefix("java.specification.version = "))
        .and_then(|v| v.trim().parse::<u32>().ok())
        .ok_or_else(|| {
            format!(
                "cannot tell which Java {} is\n{INSTALL_HINT}",
                java.display()
            )
        })?;
    if version < PINNED_JAVA {
        return Err(format!(
            "{} is Java {version}; Java guests need Java {PINNED_JAVA} or newer\n{INSTALL_HINT}",
            java.display()
        ));
    }
    Ok(version)
}

/// Maven 3.8's console library writes colour codes even in batch mode; messages want none.
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // ESC [ parameters final-byte: skip to the final byte (a letter).
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_colour_codes() {
        assert_eq!(
            strip_ansi("\u{1b}[0m\u{1b}[1;31mApache Maven 3.8.7\u{1b}[m"),
            "Apache Maven 3.8.7"
        );
        assert_eq!(strip_ansi("plain"), "plain");
    }
}
