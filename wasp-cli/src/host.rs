//! The host functions of `wasp call`: each answered with the JSON value given by
//! `--host NAME=JSON`, made to fail by `--host-error NAME=MESSAGE`, or, when the command
//! line says nothing about it, failing with an error that names the function and the fix.
//! Functions that return nothing need no answer.

use crate::failure::Failure;
use std::collections::HashMap;
use wasp::HostError;
use wasp::descriptor::{Contract, Function, HostInterface};
use wasp_cli::json::{BytesAs, JsonCodec, Path};
use wasp_host::{DynamicHost, WireValue};

/// What one host function does when the plugin calls it.
#[derive(Debug, Clone)]
enum Answer {
    /// Returns this (already converted to the function's result type).
    Value(Option<WireValue>),
    /// Fails with this message, ending the plugin's call.
    Fail(String),
}

/// The host of `wasp call`.
pub struct CommandHost {
    answers: HashMap<String, Answer>,
    /// For showing calls with `--verbose`: the contract's types, to read the arguments.
    contract: Contract,
    verbose: bool,
    bytes_as: BytesAs,
}

impl CommandHost {
    /// A host for `contract` from the `--host` and `--host-error` flags.
    pub fn new(
        contract: &Contract,
        answers: &[String],
        errors: &[String],
        verbose: bool,
        bytes_as: BytesAs,
    ) -> Result<CommandHost, Failure> {
        let codec = JsonCodec::new(contract);
        let mut host = CommandHost {
            answers: HashMap::new(),
            contract: contract.clone(),
            verbose,
            bytes_as,
        };
        for flag in answers {
            let (function, json) = host.function_of(flag, "--host", "NAME=JSON")?;
            let value: serde_json::Value = serde_json::from_str(json).map_err(|e| {
                Failure::usage(format!("--host {flag}: the answer is not JSON ({e})")).hint(
                    format!(
                        "write a JSON value of type {}, quoted for the shell: --host '{}=\"text\"'",
                        describe_result(&function),
                        function.name
                    ),
                )
            })?;
            let path = Path::root(format!("--host {}", function.name));
            let answer = match &function.result {
                Some(ty) => Some(
                    codec
                        .to_wire(ty, &value, &path)
                        .map_err(|e| Failure::usage(e.to_string()))?,
                ),
                None if value.is_null() => None,
                None => {
                    return Err(Failure::usage(format!(
                        "--host {flag}: `{}` returns nothing; its only answer is null",
                        function.name
                    )));
                }
            };
            host.answers
                .insert(function.name.clone(), Answer::Value(answer));
        }
        for flag in errors {
            let (function, message) = host.function_of(flag, "--host-error", "NAME=MESSAGE")?;
            host.answers
                .insert(function.name.clone(), Answer::Fail(message.to_string()));
        }
        Ok(host)
    }

    /// The host function a `NAME=...` flag names (`call_me` or `GreeterHost.call_me`), and
    /// the text after `=`.
    fn function_of<'f>(
        &self,
        flag: &'f str,
        option: &str,
        form: &str,
    ) -> Result<(Function, &'f str), Failure> {
        let Some((name, rest)) = flag.split_once('=') else {
            return Err(Failure::usage(format!("{option} {flag}: expected {form}")));
        };
        let Some(host) = &self.contract.host else {
            return Err(Failure::usage(format!(
                "{option} {flag}: contract `{}` declares no host functions",
                self.contract.name
            )));
        };
        let bare = name
            .strip_prefix(&format!("{}.", host.module))
            .unwrap_or(name);
        match host.functions.iter().find(|f| f.name == bare) {
            Some(f) => Ok((f.clone(), rest)),
            None => Err(Failure::usage(format!(
                "{option} {flag}: contract `{}` has no host function `{name}`",
                self.contract.name
            ))
            .hint(format!("its host functions are {}", list(host)))),
        }
    }

    fn show_call(&self, function: &Function, args: &[WireValue], answer: Option<&Answer>) {
        let codec = JsonCodec::new(&self.contract).bytes_as(self.bytes_as);
        let args: Vec<String> = function
            .params
            .iter()
            .zip(args)
            .enumerate()
            .map(|(i, (ty, wire))| {
                match codec.from_wire(ty, wire, &Path::root(format!("args[{i}]"))) {
                    Ok(json) => json.to_string(),
                    Err(e) => format!("<{e}>"),
                }
            })
            .collect();
        let returns = match (answer, &function.result) {
            (Some(Answer::Value(Some(wire))), Some(ty)) => codec
                .from_wire(ty, wire, &Path::root("answer"))
                .map_or_else(|e| format!("<{e}>"), |json| json.to_string()),
            (Some(Answer::Fail(message)), _) => format!("fails: {message}"),
            (None, Some(_)) => "fails: no answer given".to_string(),
            _ => "null".to_string(),
        };
        eprintln!("host {}({}) -> {returns}", function.name, args.join(", "));
    }
}

impl DynamicHost for CommandHost {
    fn call(
        &mut self,
        function: &Function,
        args: &[WireValue],
    ) -> Result<Option<WireValue>, HostError> {
        let answer = self.answers.get(&function.name);
        if self.verbose {
            self.show_call(function, args, answer);
        }
        match answer {
            Some(Answer::Value(value)) => Ok(value.clone()),
            Some(Answer::Fail(message)) => Err(HostError::new(message.clone())),
            None if function.result.is_none() => Ok(None),
            None => Err(HostError::new(format!(
                "`wasp call` has no answer for it; give one with --host {}=JSON (a JSON {})",
                function.name,
                describe_result(function)
            ))),
        }
    }
}

fn describe_result(function: &Function) -> String {
    function
        .result
        .as_ref()
        .map_or_else(|| "null".to_string(), ToString::to_string)
}

fn list(host: &HostInterface) -> String {
    host.functions
        .iter()
        .map(Function::signature)
        .collect::<Vec<_>>()
        .join(", ")
}
