//! Plugins loaded without a Rust contract type.
//!
//! A typed host names its contract at compile time (`engine.load::<dyn Greeter>(..)`). A tool
//! such as the `wasp` command, or a host that learns its contracts at run time, has only the
//! plugin: here the contract comes from the plugin's own descriptor (or from a descriptor the
//! caller holds), the plugin is verified against it by the very checks of a typed load
//! (`verify.rs`), and methods are called by name with values in their wire form
//! ([`WireValue`]). Host functions the plugin imports are answered by a [`DynamicHost`].
//!
//! What stays the caller's job is converting between its own values and wire values: the
//! descriptor's types ([`wasp::descriptor::WireType`]) say how each parameter and result
//! travels (docs/ABI.md sections 2 and 4).

use crate::compile::{self, Loaded};
use crate::config::InstanceConfig;
use crate::core::Core;
use crate::descriptor;
use crate::engine::Engine;
use crate::output::{Captured, Stream};
use crate::verify;
use std::any::Any;
use std::collections::HashMap;
use std::fmt;
use std::path::Path;
use std::sync::Arc;
use wasp::__private::{CallArgs, HostDispatch, HostReturn, Returned, guest_slice};
use wasp::descriptor::{Contract, Function, ScalarType, WireType};
use wasp::{Error, HostError};
use wasp_abi::Scalar;

/// One parameter or result as it crosses the boundary (docs/ABI.md section 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WireValue {
    /// A scalar, as the bits [`wasp_abi::Scalar::into_bits`] gives: integers as their wasm
    /// value zero-extended to 64 bits (an `i8` of -1 is `0xffff_ffff`), `bool` as 0 or 1,
    /// `char` as its code point, floats as their IEEE bits.
    Scalar(u64),
    /// The bytes of a string (UTF-8), of a byte buffer, or of a postcard-encoded value.
    Buffer(Vec<u8>),
}

/// Answers the host functions a dynamically loaded plugin imports.
///
/// ```no_run
/// use wasp::HostError;
/// use wasp::descriptor::Function;
/// use wasp_host::{DynamicHost, WireValue};
///
/// struct Echo;
///
/// impl DynamicHost for Echo {
///     fn call(&mut self, function: &Function, args: &[WireValue])
///         -> Result<Option<WireValue>, HostError> {
///         match (function.name.as_str(), args) {
///             ("call_me", [WireValue::Buffer(name)]) => {
///                 Ok(Some(WireValue::Buffer([b"Hello ", &name[..]].concat())))
///             }
///             (other, _) => Err(HostError::new(format!("`{other}` is not provided"))),
///         }
///     }
/// }
/// ```
pub trait DynamicHost: Send + 'static {
    /// Runs host function `function` (as the plugin's contract declares it) with the
    /// plugin's arguments, one [`WireValue`] per parameter, already bounds-checked (and
    /// checked to be UTF-8 for `String` parameters). Returns the result as a wire value of
    /// the function's result type, `None` for a function without one.
    ///
    /// # Errors
    /// A [`HostError`] abandons the plugin's call: the caller receives
    /// [`Error::HostFunction`] naming the function, and the instance is poisoned.
    fn call(
        &mut self,
        function: &Function,
        args: &[WireValue],
    ) -> Result<Option<WireValue>, HostError>;
}

/// No host functions: every call from the plugin fails, naming the function.
impl DynamicHost for () {
    fn call(&mut self, _: &Function, _: &[WireValue]) -> Result<Option<WireValue>, HostError> {
        Err(HostError::new("this host provides no host functions"))
    }
}

/// A plugin compiled once and verified against a contract known only at run time: its own
/// descriptor ([`Engine::load_dynamic`]) or one the caller gives ([`Engine::load_against`]).
/// Instantiate it as often as needed; it is `Send + Sync` and cheap to clone.
#[derive(Clone)]
pub struct DynamicPlugin {
    loaded: Arc<Loaded>,
    name: Arc<str>,
    /// The contract calls follow.
    contract: Arc<Contract>,
    /// The plugin's own descriptor of it.
    descriptor: Arc<Contract>,
    /// Method number (the contract's order) by wire name.
    methods: Arc<HashMap<String, usize>>,
    unavailable: Arc<[String]>,
}

impl fmt::Debug for DynamicPlugin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DynamicPlugin")
            .field("contract", &self.contract.name)
            .field("name", &self.name)
            .field("contract_version", &self.descriptor.version)
            .finish_non_exhaustive()
    }
}

/// Which contract a dynamic load verifies the plugin against.
enum Expected<'a> {
    /// The plugin's own descriptor of the contract with this name, or of its only contract.
    Own(Option<&'a str>),
    /// This contract, as a host holds it.
    Given(&'a Contract),
}

impl Engine {
    /// Loads the plugin at `path` against its own descriptor of contract `contract` (or of
    /// its only contract, when `None`), and verifies its exports and imports as
    /// [`Engine::load`] does. The plugin is named after the file's stem.
    ///
    /// # Errors
    /// [`Error::Io`] if the file cannot be read; otherwise as [`Engine::load_dynamic_bytes`].
    pub fn load_dynamic(
        &self,
        path: impl AsRef<Path>,
        contract: Option<&str>,
    ) -> Result<DynamicPlugin, Error> {
        let path = path.as_ref();
        let plugin =
            self.load_dynamic_bytes(&compile::read(path, self.limits.max_module_size)?, contract)?;
        Ok(match compile::stem(path) {
            Some(name) => plugin.with_name(name),
            None => plugin,
        })
    }

    /// Loads a plugin from its bytes against its own descriptor of contract `contract` (or
    /// of its only contract, when `None`). The plugin is named after the contract.
    ///
    /// # Errors
    /// - [`Error::Wasm`] when the bytes are not a valid module;
    /// - [`Error::ContractMismatch`] when the module carries no descriptor, none (or more
    ///   than one, with `None`) for the contract asked for, a descriptor that does not
    ///   follow the grammar, or imports something the contract does not provide;
    /// - [`Error::MissingExport`] when a method of the descriptor is not exported with the
    ///   wasm type docs/ABI.md gives it, or `memory` or `wasp_alloc` is missing;
    /// - a call error ([`Error::Trap`], [`Error::Timeout`], ...) when the plugin's code that
    ///   gives its descriptor fails.
    pub fn load_dynamic_bytes(
        &self,
        bytes: &[u8],
        contract: Option<&str>,
    ) -> Result<DynamicPlugin, Error> {
        load(self, bytes, Expected::Own(contract))
    }

    /// Loads a plugin from its bytes and verifies it against `expected`, a contract as a
    /// host holds it (rendered by a typed host, or read from another plugin), with exactly
    /// the checks and the differences [`Engine::load`] reports. Methods of `expected` added
    /// (`since`) after the plugin's contract version are unavailable
    /// ([`DynamicPlugin::unavailable`]). Calls then follow `expected`.
    ///
    /// # Errors
    /// As [`Engine::load_dynamic_bytes`]; [`Error::ContractMismatch`] also lists every
    /// difference between `expected` and the plugin's descriptor.
    pub fn load_against(&self, bytes: &[u8], expected: &Contract) -> Result<DynamicPlugin, Error> {
        load(self, bytes, Expected::Given(expected))
    }
}

/// Compiles and verifies a plugin with the checks of a typed load ([`verify::verify`]),
/// driven by a contract held at run time instead of a Rust type. Methods are named by their
/// wire names, the only names a run-time contract has.
fn load(engine: &Engine, bytes: &[u8], expected: Expected<'_>) -> Result<DynamicPlugin, Error> {
    let compiled = compile::compile(engine, bytes)?;
    let asked = match &expected {
        Expected::Own(name) => name.unwrap_or_default(),
        Expected::Given(c) => c.name.as_str(),
    };
    let all = descriptor::read(engine, &compiled)
        .map_err(|e| e.into_load_error(asked))?
        .contracts;
    let expected = match expected {
        Expected::Given(c) => c.clone(),
        Expected::Own(Some(name)) => verify::find(&all, name)?.clone(),
        Expected::Own(None) => match all.as_slice() {
            [only] => only.clone(),
            _ => {
                let names: Vec<String> = all.iter().map(|c| format!("`{}`", c.name)).collect();
                return Err(Error::ContractMismatch {
                    contract: String::new(),
                    differences: vec![format!(
                        "the plugin implements {}: name the contract to load",
                        names.join(", ")
                    )],
                });
            }
        },
    };
    let names: Vec<&str> = expected.methods.iter().map(|m| m.name.as_str()).collect();
    let verified = verify::verify(engine, &compiled, &all, &expected, &names)?;
    let methods: HashMap<String, usize> = expected
        .methods
        .iter()
        .enumerate()
        .map(|(i, m)| (m.name.clone(), i))
        .collect();
    Ok(DynamicPlugin {
        loaded: Arc::new(verified.loaded),
        name: Arc::from(expected.name.as_str()),
        contract: Arc::new(expected),
        descriptor: Arc::new(verified.declared),
        methods: Arc::new(methods),
        unavailable: verified.unavailable.into(),
    })
}

impl DynamicPlugin {
    /// The contract calls follow: the plugin's own descriptor for
    /// [`Engine::load_dynamic`], the caller's for [`Engine::load_against`].
    pub fn contract(&self) -> &Contract {
        &self.contract
    }

    /// The plugin's own descriptor of the contract, as verified at load.
    pub fn descriptor(&self) -> &Contract {
        &self.descriptor
    }

    /// Methods of [`DynamicPlugin::contract`] the plugin predates: added (`since`) in a
    /// newer contract version than the plugin's. Calling one returns [`Error::Unavailable`].
    pub fn unavailable(&self) -> &[String] {
        &self.unavailable
    }

    /// Whether the contract has `method` (its wire name) and the plugin implements it.
    pub fn supports(&self, method: &str) -> bool {
        self.methods.contains_key(method) && !self.unavailable.iter().any(|m| m == method)
    }

    /// The plugin's name: the file's stem for [`Engine::load_dynamic`], the contract's name
    /// otherwise, or what [`DynamicPlugin::with_name`] set. See
    /// [`Plugin::name`](crate::Plugin::name).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The same plugin under another name, for the instances created from now on.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Arc::from(name.into());
        self
    }

    /// Creates a new, isolated instance whose host functions `host` answers, with the
    /// default sandbox ([`InstanceConfig::default`]). Contracts without host functions take
    /// `()`.
    ///
    /// # Errors
    /// As [`Plugin::instantiate`](crate::Plugin::instantiate).
    pub fn instantiate(&self, host: impl DynamicHost) -> Result<DynamicInstance, Error> {
        self.instantiate_with(host, &InstanceConfig::default())
    }

    /// Creates a new, isolated instance whose host functions `host` answers, in the sandbox
    /// `config` describes.
    ///
    /// # Errors
    /// As [`Plugin::instantiate_with`](crate::Plugin::instantiate_with).
    pub fn instantiate_with(
        &self,
        host: impl DynamicHost,
        config: &InstanceConfig,
    ) -> Result<DynamicInstance, Error> {
        let functions: Arc<[Function]> = self
            .contract
            .host
            .as_ref()
            .map_or_else(|| Arc::from(Vec::new()), |h| h.functions.clone().into());
        let dispatch = Box::new(Dispatch { host, functions });
        let core = self.loaded.instantiate(&self.name, config, dispatch)?;
        Ok(DynamicInstance {
            core,
            contract: self.contract.clone(),
            methods: self.methods.clone(),
        })
    }
}

/// Serves the plugin's host-function calls from a [`DynamicHost`]: reads the arguments out
/// of the plugin's memory and checks what the host returns against the function's type.
struct Dispatch<H> {
    host: H,
    /// The contract's host functions, in the order the linker numbers them.
    functions: Arc<[Function]>,
}

impl<H: DynamicHost> HostDispatch for Dispatch<H> {
    fn call(&mut self, index: usize, memory: &[u8], args: &[u64]) -> Result<HostReturn, Error> {
        let Some(function) = self.functions.get(index) else {
            return Err(Error::HostFunction {
                function: format!("#{index}"),
                message: "the contract has no such host function".to_string(),
                source: None,
            });
        };
        let values = host_args(function, memory, args)?;
        let result = self
            .host
            .call(function, &values)
            .map_err(|e| e.into_error(&function.name))?;
        host_return(function, result)
    }

    fn host(&mut self) -> &mut dyn Any {
        &mut self.host
    }

    fn host_ref(&self) -> &dyn Any {
        &self.host
    }
}

/// A host function's arguments, read from the plugin's wasm values and memory.
fn host_args(function: &Function, memory: &[u8], args: &[u64]) -> Result<Vec<WireValue>, Error> {
    let name = function.name.as_str();
    let mut values = Vec::with_capacity(function.params.len());
    let mut bits = args.iter().copied();
    let mut next = || {
        bits.next().ok_or_else(|| Error::Decode {
            function: name.to_string(),
            detail: "fewer wasm arguments than the function's parameters".to_string(),
        })
    };
    for (i, param) in function.params.iter().enumerate() {
        let value = match param {
            WireType::Scalar(ty) => {
                let raw = next()?;
                let bits = canonical(*ty, raw).ok_or_else(|| Error::Decode {
                    function: name.to_string(),
                    detail: format!("argument {}: {raw:#x} is not a valid {}", i + 1, ty.name()),
                })?;
                WireValue::Scalar(bits)
            }
            buffer => {
                let (ptr, len) = (next()?, next()?);
                let bytes = guest_slice(memory, name, ptr, len)?;
                if *buffer == WireType::String
                    && let Err(e) = std::str::from_utf8(bytes)
                {
                    return Err(Error::Decode {
                        function: name.to_string(),
                        detail: format!("argument {}: the string is not UTF-8: {e}", i + 1),
                    });
                }
                WireValue::Buffer(bytes.to_vec())
            }
        };
        values.push(value);
    }
    Ok(values)
}

/// What a host function's [`DynamicHost`] answer becomes for the plugin, checked against the
/// function's result type: a wrong answer is the host's mistake, reported as an encoding
/// error.
fn host_return(function: &Function, result: Option<WireValue>) -> Result<HostReturn, Error> {
    let wrong = |detail: String| Error::Encode {
        function: function.name.clone(),
        detail,
    };
    match (&function.result, result) {
        (None, None) => Ok(HostReturn::Unit),
        (Some(WireType::Scalar(ty)), Some(WireValue::Scalar(raw))) => canonical(*ty, raw)
            .filter(|bits| *bits == raw)
            .map(HostReturn::Value)
            .ok_or_else(|| {
                wrong(format!(
                    "the host returned bits {raw:#x}, not a value of type {}",
                    ty.name()
                ))
            }),
        (Some(ty), Some(WireValue::Buffer(bytes))) if ty.is_buffer() => {
            if *ty == WireType::String
                && let Err(e) = std::str::from_utf8(&bytes)
            {
                return Err(wrong(format!(
                    "the host returned a string that is not UTF-8: {e}"
                )));
            }
            Ok(HostReturn::Bytes(bytes))
        }
        (expected, got) => Err(wrong(format!(
            "the host returned {}, the function returns {}",
            describe_value(got.as_ref()),
            expected
                .as_ref()
                .map_or_else(|| "nothing".to_string(), ToString::to_string)
        ))),
    }
}

fn describe_value(value: Option<&WireValue>) -> &'static str {
    match value {
        None => "nothing",
        Some(WireValue::Scalar(_)) => "a scalar",
        Some(WireValue::Buffer(_)) => "a buffer",
    }
}

/// The bits of a valid value of scalar type `ty` in their one canonical form, or `None`
/// when `bits` denote no such value (a `bool` of 2, a surrogate `char`, a `u8` of 256). Bits
/// beyond a 32-bit type's are ignored, as wasm ignores them: a plugin's values may carry any.
pub(crate) fn canonical(ty: ScalarType, bits: u64) -> Option<u64> {
    fn check<T: Scalar>(bits: u64) -> Option<u64> {
        T::from_bits(bits).map(T::into_bits)
    }
    match ty {
        ScalarType::I8 => check::<i8>(bits),
        ScalarType::I16 => check::<i16>(bits),
        ScalarType::I32 => check::<i32>(bits),
        ScalarType::I64 => check::<i64>(bits),
        ScalarType::Isize => check::<i64>(bits),
        ScalarType::U8 => check::<u8>(bits),
        ScalarType::U16 => check::<u16>(bits),
        ScalarType::U32 => check::<u32>(bits),
        ScalarType::U64 => check::<u64>(bits),
        ScalarType::Usize => check::<u64>(bits),
        ScalarType::F32 => check::<f32>(bits),
        ScalarType::F64 => check::<f64>(bits),
        ScalarType::Bool => check::<bool>(bits),
        ScalarType::Char => check::<char>(bits),
    }
}

/// An instance of a [`DynamicPlugin`]: a sandbox with its own memory, WASI context and
/// host, called by method name. Used by one caller at a time; it is `Send`.
pub struct DynamicInstance {
    core: Core,
    contract: Arc<Contract>,
    methods: Arc<HashMap<String, usize>>,
}

impl fmt::Debug for DynamicInstance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DynamicInstance")
            .field("contract", &self.contract.name)
            .field("core", &self.core)
            .finish()
    }
}

impl DynamicInstance {
    /// Calls `method` with one wire value per parameter, each of the kind the contract's
    /// [`WireType`] gives it (a scalar for a scalar, a buffer for the rest), and returns the
    /// result as a wire value: `None` for a method without one. A `String` result is checked
    /// to be UTF-8 and a scalar to be in range; a structured (postcard) result is returned
    /// as the plugin's bytes, for the caller to decode (see [`DynamicInstance::reject`]).
    ///
    /// # Errors
    /// - [`Error::MissingExport`] when the contract has no such method;
    /// - [`Error::Encode`] when the arguments do not match the method's parameters;
    /// - [`Error::Unavailable`] when the plugin predates the method;
    /// - [`Error::Decode`] when a scalar or `String` result is not a valid value of its type
    ///   (the instance is then poisoned, as after a typed call);
    /// - any other error of the call itself, as for a typed call.
    pub fn call(&mut self, method: &str, args: &[WireValue]) -> Result<Option<WireValue>, Error> {
        let Some(&index) = self.methods.get(method) else {
            let known: Vec<&str> = self
                .contract
                .methods
                .iter()
                .map(|m| m.name.as_str())
                .collect();
            return Err(Error::MissingExport {
                name: method.to_string(),
                detail: format!(
                    "contract `{}` has no such method; it has {}",
                    self.contract.name,
                    known.join(", ")
                ),
            });
        };
        let function = &self.contract.methods[index];
        let mut call_args = lower_args(function, args)?;
        self.core
            .call_lifting(index, &mut call_args, |returned| lift(function, returned))
    }

    /// Records that the result of `method` does not decode (a structured result the caller
    /// decoded and found invalid), poisoning the instance as a typed call would, and returns
    /// the [`Error::Decode`] to give the caller. For a name the contract does not have, the
    /// error is returned and the instance left as it is.
    pub fn reject(&mut self, method: &str, detail: impl Into<String>) -> Error {
        match self.methods.get(method) {
            Some(&index) => self.core.decode_failed(index, detail.into()),
            None => Error::Decode {
                function: method.to_string(),
                detail: detail.into(),
            },
        }
    }

    /// The contract calls follow ([`DynamicPlugin::contract`]).
    pub fn contract(&self) -> &Contract {
        &self.contract
    }

    /// The host given to `instantiate`, if it is an `H`.
    pub fn host_mut<H: 'static>(&mut self) -> Option<&mut H> {
        self.core
            .store_mut()
            .data_mut()
            .host
            .value_mut()
            .downcast_mut::<H>()
    }

    /// Whether an earlier failure poisoned the instance (see [`Error::Poisoned`]).
    pub fn is_poisoned(&self) -> bool {
        self.core.is_poisoned()
    }

    /// The current size of the plugin's linear memory, in bytes.
    pub fn memory_size(&self) -> usize {
        self.core.memory_size()
    }

    /// This instance's process-wide id; see [`Instance::id`](crate::Instance::id).
    pub fn id(&self) -> u64 {
        self.core.id()
    }

    /// The name of the plugin this instance was created from.
    pub fn plugin_name(&self) -> &str {
        self.core.plugin_name()
    }

    /// What the plugin wrote to `stream` when it is captured; see
    /// [`Instance::captured`](crate::Instance::captured).
    pub fn captured(&self, stream: Stream) -> Option<&Captured> {
        self.core.captured(stream)
    }

    /// A handle that cancels this instance's calls from any thread; see
    /// [`Instance::cancel_handle`](crate::Instance::cancel_handle).
    pub fn cancel_handle(&self) -> crate::CancelHandle {
        self.core.cancel_handle()
    }

    /// The timeout of each call into this instance.
    pub fn call_timeout(&self) -> Option<std::time::Duration> {
        self.core.call_timeout()
    }

    /// Sets the timeout of every call into this instance from now on; see
    /// [`Instance::set_call_timeout`](crate::Instance::set_call_timeout).
    ///
    /// # Errors
    /// [`Error::Wasm`] when the engine has no call timeout.
    pub fn set_call_timeout(&mut self, timeout: Option<std::time::Duration>) -> Result<(), Error> {
        self.core.set_call_timeout(timeout)
    }

    /// Sets the fuel each call may burn from now on; see
    /// [`Instance::set_fuel`](crate::Instance::set_fuel).
    ///
    /// # Errors
    /// [`Error::Wasm`] when the engine does not meter fuel, or `budget` is zero.
    pub fn set_fuel(&mut self, budget: u64) -> Result<(), Error> {
        self.core.set_fuel(budget)
    }

    /// The fuel the last call burnt; `None` when the engine does not meter fuel.
    pub fn fuel_consumed(&self) -> Option<u64> {
        self.core.fuel_consumed()
    }
}

/// A method's result as a wire value, checked against the method's result type: a scalar
/// must be a valid value of its type (in its canonical bits), a `String` valid UTF-8. The
/// `Err` says why not; the core makes it an [`Error::Decode`] and poisons the instance.
fn lift(function: &Function, returned: Returned<'_>) -> Result<Option<WireValue>, String> {
    match (&function.result, returned) {
        (None, Returned::Unit) => Ok(None),
        (Some(WireType::Scalar(ty)), Returned::Bits(bits)) => canonical(*ty, bits)
            .map(|bits| Some(WireValue::Scalar(bits)))
            .ok_or_else(|| format!("{bits:#x} is not a valid {}", ty.name())),
        (Some(ty), Returned::Bytes(bytes)) if ty.is_buffer() => {
            if *ty == WireType::String
                && let Err(e) = std::str::from_utf8(bytes)
            {
                return Err(format!("the string is not UTF-8: {e}"));
            }
            Ok(Some(WireValue::Buffer(bytes.to_vec())))
        }
        // The core reads the result in the shape the same descriptor gave the method at
        // load, so the two cannot disagree; say so rather than panic if they ever do.
        (expected, _) => Err(format!(
            "the result does not have the shape of {}",
            expected
                .as_ref()
                .map_or_else(|| "nothing".to_string(), ToString::to_string)
        )),
    }
}

/// The call's arguments, checked against the method's parameters.
fn lower_args<'a>(function: &Function, args: &'a [WireValue]) -> Result<CallArgs<'a>, Error> {
    let wrong = |detail: String| Error::Encode {
        function: function.name.clone(),
        detail,
    };
    if args.len() != function.params.len() {
        return Err(wrong(format!(
            "{} argument(s) given, the method takes {}",
            args.len(),
            function.params.len()
        )));
    }
    let mut call_args = CallArgs::new();
    for (i, (param, arg)) in function.params.iter().zip(args).enumerate() {
        match (param, arg) {
            (WireType::Scalar(ty), WireValue::Scalar(raw)) => {
                // The caller gives bits as `Scalar::into_bits` makes them: anything else (an
                // i32 with high bits set, a bool of 2) is a mistake worth naming.
                let bits = canonical(*ty, *raw)
                    .filter(|bits| bits == raw)
                    .ok_or_else(|| {
                        wrong(format!(
                            "argument {}: bits {raw:#x} are not a value of type {}",
                            i + 1,
                            ty.name()
                        ))
                    })?;
                // Every scalar travels as its bits; the export's wasm type was verified at load.
                call_args.push_scalar(bits);
            }
            (WireType::Scalar(ty), WireValue::Buffer(_)) => {
                return Err(wrong(format!(
                    "argument {} is a buffer, the parameter is {}",
                    i + 1,
                    ty.name()
                )));
            }
            (ty, WireValue::Scalar(_)) => {
                return Err(wrong(format!(
                    "argument {} is a scalar, the parameter is {ty}",
                    i + 1
                )));
            }
            (ty, WireValue::Buffer(bytes)) => {
                if *ty == WireType::String
                    && let Err(e) = std::str::from_utf8(bytes)
                {
                    return Err(wrong(format!(
                        "argument {}: the string is not UTF-8: {e}",
                        i + 1
                    )));
                }
                call_args.push_bytes(bytes);
            }
        }
    }
    Ok(call_args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_scalars_reject_what_the_abi_calls_a_lie() {
        assert_eq!(canonical(ScalarType::I8, 0xffff_ffff), Some(0xffff_ffff));
        assert_eq!(canonical(ScalarType::I8, 0x80), None);
        assert_eq!(canonical(ScalarType::U8, 256), None);
        assert_eq!(canonical(ScalarType::Bool, 2), None);
        assert_eq!(canonical(ScalarType::Char, 0xD800), None);
        assert_eq!(canonical(ScalarType::I32, 0x1_0000_0001), Some(1));
        assert_eq!(canonical(ScalarType::U64, u64::MAX), Some(u64::MAX));
    }
}
