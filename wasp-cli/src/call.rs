//! `wasp call PLUGIN METHOD [ARG_JSON...]`: calls one method with JSON arguments, converted
//! to the wire format through the plugin's descriptor, and prints the result as JSON.

use crate::failure::Failure;
use crate::files;
use crate::host::CommandHost;
use crate::log::{self, LogLevel};
use crate::units;
use serde_json::Value;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use wasp::descriptor::Function;
use wasp_cli::json::{BytesAs, JsonCodec};
use wasp_host::{Access, DynamicInstance, DynamicPlugin, Engine, InstanceConfig, Output, Stream};

const EXAMPLES: &str = "\
Examples:
  wasp call greeter.wasm hello '\"Nic\"'
  wasp call greeter.wasm sum 3 2
  wasp call greeter.wasm reverse '[1, 2, 3]'        (or base64: '\"AQID\"')
  wasp call greeter.wasm callback --host call_me='\"Hello Nic\"'
  wasp call store.wasm put '\"key\"' '{\"id\": 1, \"kind\": {\"Linked\": \"x\"}}'
  wasp call files.wasm run --mount ./data:/data:ro --env MODE=fast --timeout 30s

Arguments are JSON as serde_json writes the Rust value: structs are objects, unit variants
strings (\"Fast\"), other variants {\"Slow\": 3}, Option null or the value, Result
{\"Ok\": ...} or {\"Err\": ...}, bytes an array of numbers or a base64 string.";

/// Call a plugin's method with JSON arguments and print the result as JSON
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// The plugin: a WebAssembly module (.wasm), or its text format (.wat)
    plugin: PathBuf,

    /// The method, as the contract names it (`wasp inspect PLUGIN` lists them)
    method: String,

    /// One JSON value per parameter, such as '"Nic"', 3 or '{"retries": 2}'
    #[arg(value_name = "ARG_JSON")]
    args: Vec<String>,

    /// Answer host function NAME with this JSON value (repeatable); functions that return
    /// nothing need no answer
    #[arg(long = "host", value_name = "NAME=JSON")]
    hosts: Vec<String>,

    /// Make host function NAME fail with MESSAGE, ending the call (repeatable)
    #[arg(long = "host-error", value_name = "NAME=MESSAGE")]
    host_errors: Vec<String>,

    /// Set an environment variable inside the sandbox (repeatable)
    #[arg(long = "env", value_name = "KEY=VALUE")]
    env: Vec<String>,

    /// Mount a host directory inside the sandbox, read-write, or read-only with :ro
    /// (repeatable)
    #[arg(long = "mount", value_name = "HOST:GUEST[:ro]")]
    mounts: Vec<String>,

    /// Append an argument to the plugin's command line (argv), for plugins that read it
    /// (repeatable)
    #[arg(long = "arg", value_name = "ARG")]
    wasi_args: Vec<String>,

    /// Standard input for the plugin: a file, or - for this command's own
    #[arg(long, value_name = "FILE")]
    stdin: Option<PathBuf>,

    /// Stop a call that runs longer: 500ms, 30s, 2m, or none [default: 10s]
    #[arg(long, value_name = "DURATION")]
    timeout: Option<String>,

    /// Limit the plugin's linear memory: 64MiB, 2GiB, a number of bytes [default: 1GiB]
    #[arg(long, value_name = "SIZE")]
    max_memory: Option<String>,

    /// Call the method N times on one instance and report the time calls took
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    repeat: Option<u64>,

    /// The contract whose method to call, when the plugin implements several
    #[arg(long, value_name = "NAME")]
    contract: Option<String>,

    /// Write byte buffers in the result as base64 strings rather than arrays of numbers
    #[arg(long)]
    base64: bool,

    /// Pretty-print the result
    #[arg(long)]
    pretty: bool,

    /// Show the plugin's log lines from this level on, on standard error
    #[arg(long, value_name = "LEVEL", value_enum, default_value = "info")]
    log: LogLevel,

    /// Show every host function call, with its arguments and answer, on standard error
    #[arg(long, short)]
    verbose: bool,
}

pub fn run(args: &Args) -> Result<(), Failure> {
    log::install(args.log);
    let bytes = files::read(&args.plugin, "the plugin")?;
    let bytes = files::binary(&bytes)?;
    let engine = engine(args)?;
    let plugin = load(&engine, &bytes, &args.method, args.contract.as_deref())?;
    let plugin = match args.plugin.file_stem() {
        Some(stem) => plugin.with_name(stem.to_string_lossy()),
        None => plugin,
    };
    let contract = plugin.contract().clone();
    let Some(function) = contract.method(&args.method) else {
        return Err(no_such_method(&plugin, &args.method));
    };
    let bytes_as = if args.base64 {
        BytesAs::Base64
    } else {
        BytesAs::Array
    };
    let codec = JsonCodec::new(&contract).bytes_as(bytes_as);
    let values = parse_args(function, &args.args)?;
    let wire = codec
        .args_to_wire(function, &values)
        .map_err(|e| Failure::usage(e.to_string()).hint(signature_hint(function)))?;
    let host = CommandHost::new(
        &contract,
        &args.hosts,
        &args.host_errors,
        args.verbose,
        bytes_as,
    )?;
    let config = sandbox(args)?;
    let mut instance = plugin.instantiate_with(host, &config)?;

    let count = args.repeat.unwrap_or(1);
    let mut timing = Timing::default();
    let mut result = Value::Null;
    for i in 0..count {
        let start = Instant::now();
        let outcome = instance.call(&args.method, &wire);
        timing.add(start.elapsed());
        forward_output(&instance);
        let returned = outcome.map_err(|e| {
            let failure = Failure::from(e);
            if count > 1 {
                failure.prefix(&format!("call {} of {count}: ", i + 1))
            } else {
                failure
            }
        })?;
        result = match codec.result_from_wire(function, returned.as_ref()) {
            Ok(json) => json,
            Err(e) => {
                // The plugin's bytes are not a value of its own contract's type: a lie, which
                // poisons the instance as a typed call would.
                let error = instance.reject(&args.method, e.to_string());
                return Err(Failure::from(error));
            }
        };
    }
    let text = if args.pretty {
        serde_json::to_string_pretty(&result)
    } else {
        serde_json::to_string(&result)
    }
    .unwrap_or_default();
    println!("{text}");
    if args.repeat.is_some() {
        eprintln!("{}", timing.report(&args.method));
    }
    Ok(())
}

fn engine(args: &Args) -> Result<Engine, Failure> {
    let mut builder = Engine::builder();
    if let Some(text) = &args.timeout {
        let timeout =
            units::duration(text).map_err(|e| Failure::usage(format!("--timeout: {e}")))?;
        builder = builder.call_timeout(timeout);
    }
    if let Some(text) = &args.max_memory {
        let bytes = units::size(text).map_err(|e| Failure::usage(format!("--max-memory: {e}")))?;
        builder = builder.max_memory(bytes);
    }
    Ok(builder.build()?)
}

/// Loads the plugin against its own descriptor of the contract that has `method`.
fn load(
    engine: &Engine,
    bytes: &[u8],
    method: &str,
    contract: Option<&str>,
) -> Result<DynamicPlugin, Failure> {
    let error = match engine.load_dynamic_bytes(bytes, contract) {
        Ok(plugin) => return Ok(plugin),
        Err(e) => e,
    };
    if contract.is_some() {
        return Err(error.into());
    }
    // A module may implement several contracts: load the one that has the method. The
    // common single-contract case compiles the module only once.
    let all = engine.descriptors(bytes)?.contracts;
    if all.len() < 2 {
        return Err(error.into());
    }
    let having: Vec<&str> = all
        .iter()
        .filter(|c| c.method(method).is_some())
        .map(|c| c.name.as_str())
        .collect();
    let names = all
        .iter()
        .map(|c| c.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    match having.as_slice() {
        [one] => Ok(engine.load_dynamic_bytes(bytes, Some(one))?),
        [] => Err(Failure::usage(format!(
            "none of the plugin's contracts ({names}) has a method `{method}`"
        ))
        .hint("`wasp inspect PLUGIN` lists every contract and its methods")),
        many => Err(Failure::usage(format!(
            "contracts {} all have a method `{method}`",
            many.join(", ")
        ))
        .hint("choose one with --contract NAME")),
    }
}

fn no_such_method(plugin: &DynamicPlugin, method: &str) -> Failure {
    let contract = plugin.contract();
    let methods: Vec<String> = contract
        .methods
        .iter()
        .map(|m| format!("  {}", m.signature()))
        .collect();
    let failure = Failure::usage(format!(
        "contract `{}` has no method `{method}`; its methods are:\n{}",
        contract.name,
        methods.join("\n")
    ));
    let closest = contract
        .methods
        .iter()
        .map(|m| (edit_distance(&m.name, method), &m.name))
        .min();
    match closest {
        Some((distance, name)) if distance <= 2 => failure.hint(format!("did you mean `{name}`?")),
        _ => failure.hint("`wasp inspect PLUGIN` shows every method with its types"),
    }
}

/// Levenshtein distance, for suggesting the method a typo meant.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

/// Each argument's JSON text, parsed.
fn parse_args(function: &Function, texts: &[String]) -> Result<Vec<Value>, Failure> {
    texts
        .iter()
        .enumerate()
        .map(|(i, text)| {
            serde_json::from_str(text).map_err(|e| {
                let failure = Failure::usage(format!("args[{i}] is not JSON: {e}: {text}"));
                let looks_like_a_word = text
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == ' ' || c == '_' || c == '-');
                let ty = function
                    .params
                    .get(i)
                    .map_or_else(|| "?".to_string(), ToString::to_string);
                if looks_like_a_word {
                    failure.hint(format!(
                        "a JSON string needs double quotes, and the shell needs them kept: \
                         '\"{text}\"' (the parameter is {ty})"
                    ))
                } else {
                    failure.hint(signature_hint(function))
                }
            })
        })
        .collect()
}

fn signature_hint(function: &Function) -> String {
    format!(
        "the method is {}; `wasp inspect PLUGIN` shows every type's fields and variants",
        function.signature()
    )
}

/// The instance's sandbox, from the command line.
fn sandbox(args: &Args) -> Result<InstanceConfig, Failure> {
    // The plugin's standard output is captured and copied to this command's standard error
    // after each call, so that standard output carries only the result.
    let mut config = InstanceConfig::new()
        .stdout(Output::Capture)
        .stderr(Output::Inherit)
        .args(args.wasi_args.iter().cloned());
    for pair in &args.env {
        let Some((key, value)) = pair.split_once('=') else {
            return Err(Failure::usage(format!("--env {pair}: expected KEY=VALUE")));
        };
        config = config.env(key, value);
    }
    for mount in &args.mounts {
        let (host, guest, access) = parse_mount(mount)?;
        config = config.mount(host, guest, access);
    }
    if let Some(path) = &args.stdin {
        let input = if path.as_os_str() == "-" {
            let mut input = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin(), &mut input)
                .map_err(|e| Failure::new(format!("cannot read standard input: {e}")))?;
            input
        } else {
            files::read(path, "--stdin")?
        };
        config = config.stdin(input);
    }
    Ok(config)
}

/// `HOST:GUEST`, `HOST:GUEST:ro` or `HOST:GUEST:rw`. The guest path is absolute, so the
/// split is at the last `:` before it, and host paths may contain colons.
fn parse_mount(text: &str) -> Result<(&Path, &str, Access), Failure> {
    let (rest, access) = if let Some(rest) = text.strip_suffix(":ro") {
        (rest, Access::ReadOnly)
    } else if let Some(rest) = text.strip_suffix(":rw") {
        (rest, Access::ReadWrite)
    } else {
        (text, Access::ReadWrite)
    };
    match rest.rsplit_once(':') {
        Some((host, guest)) if !host.is_empty() && guest.starts_with('/') => {
            let host = Path::new(host);
            if !host.is_dir() {
                return Err(Failure::usage(format!(
                    "--mount {text}: {} is not a directory",
                    host.display()
                )));
            }
            Ok((host, guest, access))
        }
        _ => Err(Failure::usage(format!(
            "--mount {text}: expected HOST:GUEST or HOST:GUEST:ro, with an absolute GUEST path \
             such as ./data:/data:ro"
        ))),
    }
}

/// Copies what the plugin printed to this command's standard error.
fn forward_output(instance: &DynamicInstance) {
    let Some(printed) = instance.captured(Stream::Stdout).map(|c| c.take()) else {
        return;
    };
    if !printed.is_empty() {
        let mut stderr = std::io::stderr().lock();
        // Nothing useful can be done if standard error is gone.
        let _ = stderr.write_all(&printed);
        let _ = stderr.flush();
    }
}

/// Call durations, without keeping each one: `--repeat` may be large.
#[derive(Default)]
struct Timing {
    count: u64,
    total: Duration,
    min: Option<Duration>,
    max: Duration,
}

impl Timing {
    fn add(&mut self, d: Duration) {
        self.count += 1;
        self.total += d;
        self.min = Some(self.min.map_or(d, |m| m.min(d)));
        self.max = self.max.max(d);
    }

    fn report(&self, method: &str) -> String {
        let mean = Duration::from_secs_f64(self.total.as_secs_f64() / self.count.max(1) as f64);
        format!(
            "{method}: {} call(s) in {}: mean {}, min {}, max {} (one instance; each call \
             includes copying the arguments in and the result out)",
            self.count,
            human(self.total),
            human(mean),
            human(self.min.unwrap_or_default()),
            human(self.max)
        )
    }
}

/// `735 ns`, `1.24 µs`, `3.10 ms`, `2.500 s`.
fn human(d: Duration) -> String {
    let ns = d.as_secs_f64() * 1e9;
    if ns < 1e3 {
        format!("{ns:.0} ns")
    } else if ns < 1e6 {
        format!("{:.2} µs", ns / 1e3)
    } else if ns < 1e9 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.3} s", ns / 1e9)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_are_near() {
        assert_eq!(edit_distance("helo", "hello"), 1);
        assert_eq!(edit_distance("hello", "hello"), 0);
        assert_eq!(edit_distance("sum", "sun"), 1);
        assert!(edit_distance("sum", "reverse") > 2);
        assert_eq!(edit_distance("", "ab"), 2);
    }

    #[test]
    fn mounts() {
        let dir = std::env::temp_dir();
        let text = format!("{}:/data:ro", dir.display());
        let (host, guest, access) = parse_mount(&text).unwrap();
        assert_eq!(
            (host, guest, access),
            (dir.as_path(), "/data", Access::ReadOnly)
        );
        let text = format!("{}:/data", dir.display());
        assert_eq!(parse_mount(&text).unwrap().2, Access::ReadWrite);
        assert!(parse_mount("/data").is_err());
        assert!(parse_mount(&format!("{}:data", dir.display())).is_err());
    }
}
