//! Calls by export name, for modules that follow docs/ABI.md without a contract.

use crate::compile::{self, Loaded, runtime_exports};
use crate::config::InstanceConfig;
use crate::core::{Core, MethodSpec, ResultKind};
use crate::engine::Engine;
use crate::linking;
use crate::output::{Captured, Stream};
use crate::wasm::{describe_func_type, describe_wasm, func_type_is};
use std::fmt;
use std::marker::PhantomData;
use std::path::Path;
use std::sync::Arc;
use wasp::__private::{Abi, Backend, CallArgs, Wire, WireResult};
use wasp::{Error, HostContract, NoHost};
use wasp_abi::{MAX_WASM_PARAMS, ValType};

/// A module loaded for calls by export name, for modules that follow docs/ABI.md without a
/// contract descriptor. Argument and result types are checked against the export's wasm type
/// when a function is resolved. Scalars travel as wasm values; strings and bytes as
/// docs/ABI.md says (arguments in a block from `wasp_alloc`, results as a packed `i64`).
///
/// ```
/// # fn main() -> Result<(), wasp::Error> {
/// let engine = wasp_host::Engine::new()?;
/// let plugin = engine.load_raw("../tests/wat/raw.wat")?;
/// let mut instance = plugin.instantiate()?;
/// // By name, checked on every call:
/// let sum: i32 = instance.call("sum", (3, 2))?;
/// assert_eq!(sum, 5);
/// // Resolved once, then as fast as a typed contract call:
/// let sum = instance.func::<(i32, i32), i32>("sum")?;
/// assert_eq!(sum.call(&mut instance, (40, 2))?, 42);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct RawPlugin {
    loaded: Arc<Loaded>,
    name: Arc<str>,
}

impl fmt::Debug for RawPlugin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawPlugin")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl Engine {
    /// Loads a module for calls by export name, without a contract ([`RawPlugin`]).
    ///
    /// # Errors
    /// [`Error::Io`] if the file cannot be read; otherwise as [`Engine::load_raw_bytes`].
    pub fn load_raw(&self, path: impl AsRef<Path>) -> Result<RawPlugin, Error> {
        let path = path.as_ref();
        let plugin = self.load_raw_bytes(&compile::read(path, self.limits.max_module_size)?)?;
        Ok(match compile::stem(path) {
            Some(name) => plugin.with_name(name),
            None => plugin,
        })
    }

    /// Loads a module for calls by export name from its bytes.
    ///
    /// # Errors
    /// [`Error::Wasm`] when the bytes are not a valid module, [`Error::ContractMismatch`]
    /// when it imports something the host does not provide.
    pub fn load_raw_bytes(&self, bytes: &[u8]) -> Result<RawPlugin, Error> {
        let compiled = compile::compile(self, bytes)?;
        let problems = linking::check_imports(&compiled.module, None, &[]);
        if !problems.is_empty() {
            return Err(Error::ContractMismatch {
                contract: "(raw module)".to_string(),
                differences: problems,
            });
        }
        let linker = linking::linker(&self.inner, None)?;
        let exports = runtime_exports(&compiled.module);
        Ok(RawPlugin {
            loaded: Arc::new(Loaded::new(
                self,
                &compiled.module,
                &linker,
                exports,
                None,
                false,
            )?),
            name: Arc::from("raw"),
        })
    }
}

impl RawPlugin {
    /// Creates a new, isolated instance with the default sandbox
    /// ([`InstanceConfig::default`]).
    ///
    /// # Errors
    /// As [`crate::Plugin::instantiate`].
    pub fn instantiate(&self) -> Result<RawInstance, Error> {
        self.instantiate_with(&InstanceConfig::default())
    }

    /// Creates a new, isolated instance in the sandbox `config` describes.
    ///
    /// # Errors
    /// As [`crate::Plugin::instantiate_with`].
    pub fn instantiate_with(&self, config: &InstanceConfig) -> Result<RawInstance, Error> {
        let dispatch = <NoHost as HostContract<()>>::into_dispatch(());
        let core = self.loaded.instantiate(&self.name, config, dispatch)?;
        Ok(RawInstance { core })
    }

    /// The module's name: the file's stem for [`Engine::load_raw`], `raw` for
    /// [`Engine::load_raw_bytes`], or what [`RawPlugin::with_name`] set. See
    /// [`Plugin::name`](crate::Plugin::name).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The same module under another name, for the instances created from now on.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Arc::from(name.into());
        self
    }
}

/// An instance of a [`RawPlugin`].
pub struct RawInstance {
    core: Core,
}

impl fmt::Debug for RawInstance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawInstance")
            .field("core", &self.core)
            .finish()
    }
}

impl RawInstance {
    /// Calls export `name` with `args` (a tuple of [`RawArg`]s: scalars, strings such as
    /// `&str` or `String`, byte buffers such as `&[u8]` or `Vec<u8>`, serde values) and returns
    /// its result as `R` (a [`RawResult`]: `()`, a scalar, `String`, `Vec<u8>`, ...).
    /// The export's type is checked on every call; [`RawInstance::func`] checks it once.
    ///
    /// # Errors
    /// [`Error::MissingExport`] when there is no such function or its wasm type does not
    /// match `args` and `R`; otherwise any error of the call.
    pub fn call<R: RawResult>(&mut self, name: &str, args: impl RawArgs) -> Result<R, Error> {
        let index = self.resolve(name, &Signature::of::<_, R>(&args))?;
        let mut call_args = CallArgs::new();
        args.push_all(name, &mut call_args)?;
        self.core.call::<R>(index, &mut call_args)
    }

    /// Resolves export `name` once, checking its wasm type against `P` and `R`, for calls
    /// that cost what a typed contract call costs.
    ///
    /// # Errors
    /// [`Error::MissingExport`] when there is no such function or its wasm type does not
    /// match `P` and `R`.
    pub fn func<P: RawArgs, R: RawResult>(&mut self, name: &str) -> Result<RawFunc<P, R>, Error> {
        let index = self.resolve(name, &Signature::of_types::<P, R>())?;
        Ok(RawFunc {
            index,
            instance: self.core.id(),
            signature: PhantomData,
        })
    }

    /// Whether an earlier failure poisoned the instance.
    pub fn is_poisoned(&self) -> bool {
        self.core.is_poisoned()
    }

    /// The current size of the module's linear memory, in bytes (0 without one).
    pub fn memory_size(&self) -> usize {
        self.core.memory_size()
    }

    /// This instance's process-wide id; see [`Instance::id`](crate::Instance::id).
    pub fn id(&self) -> u64 {
        self.core.id()
    }

    /// The name of the module this instance was created from.
    pub fn plugin_name(&self) -> &str {
        self.core.plugin_name()
    }

    /// What the module wrote to `stream` when it is captured; see
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

    /// The number of export `name`, after checking it has the wasm type `signature`.
    fn resolve(&mut self, name: &str, signature: &Signature) -> Result<usize, Error> {
        let mismatch = |detail: String| Error::MissingExport {
            name: name.to_string(),
            detail,
        };
        if let Some((index, spec)) = self.core.method(name) {
            if signature.matches(&spec.params, &spec.results) {
                return Ok(index);
            }
            return Err(mismatch(format!(
                "has wasm type {}, the call passes {}",
                describe_wasm(&spec.params, &spec.results),
                signature.describe()
            )));
        }
        let instance = self.core.instance();
        let store = self.core.store_mut();
        let func = instance
            .get_export(&mut *store, name)
            .ok_or_else(|| mismatch("not exported".to_string()))?
            .into_func()
            .ok_or_else(|| mismatch("is not a function".to_string()))?;
        let ty = func.ty(&*store);
        let (params, results) = signature.types();
        if !func_type_is(&ty, &params, &results) {
            return Err(mismatch(format!(
                "has wasm type {}, the call passes {}",
                describe_func_type(&ty),
                signature.describe()
            )));
        }
        let spec = MethodSpec {
            name: name.to_string(),
            label: name.to_string(),
            export: None,
            params,
            results,
            result: signature.result,
            since: 1,
        };
        Ok(self.core.add_export(spec, func))
    }
}

/// An export of one [`RawInstance`], resolved and type-checked once by
/// [`RawInstance::func`]: calling it costs what a typed contract call costs.
pub struct RawFunc<P, R> {
    index: usize,
    instance: u64,
    signature: PhantomData<fn(P) -> R>,
}

impl<P, R> Clone for RawFunc<P, R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<P, R> Copy for RawFunc<P, R> {}

impl<P, R> fmt::Debug for RawFunc<P, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawFunc")
            .field("instance", &self.instance)
            .field("index", &self.index)
            .finish()
    }
}

impl<P: RawArgs, R: RawResult> RawFunc<P, R> {
    /// Calls the export on `instance`, which must be the instance it was resolved on.
    ///
    /// # Errors
    /// [`Error::MissingExport`] when `instance` is another instance; otherwise any error of
    /// the call.
    #[inline]
    pub fn call(&self, instance: &mut RawInstance, args: P) -> Result<R, Error> {
        if instance.core.id() != self.instance {
            return Err(Error::MissingExport {
                name: format!("#{}", self.index),
                detail: format!(
                    "this function was resolved on instance {}; resolve it again on instance {}",
                    self.instance,
                    instance.core.id()
                ),
            });
        }
        let mut call_args = CallArgs::new();
        args.push_all("(raw function)", &mut call_args)?;
        instance.core.call::<R>(self.index, &mut call_args)
    }
}

/// The wasm type a raw call expects, built without allocating.
struct Signature {
    params: [ValType; MAX_WASM_PARAMS],
    len: usize,
    result: ResultKind,
    result_type: Option<ValType>,
}

impl Signature {
    fn of<A: RawArgs, R: RawResult>(_: &A) -> Signature {
        Signature::of_types::<A, R>()
    }

    fn of_types<A: RawArgs, R: RawResult>() -> Signature {
        let mut signature = Signature {
            params: [ValType::I32; MAX_WASM_PARAMS],
            len: 0,
            result: match (<R::Abi as Abi>::RESULT, <R::Abi as Abi>::BUFFER) {
                (None, _) => ResultKind::None,
                (Some(_), false) => ResultKind::Value,
                (Some(_), true) => ResultKind::Buffer,
            },
            result_type: <R::Abi as Abi>::RESULT,
        };
        A::val_types(&mut |t| {
            if signature.len < MAX_WASM_PARAMS {
                signature.params[signature.len] = t;
            }
            signature.len += 1;
        });
        signature
    }

    fn matches(&self, params: &[ValType], results: &[ValType]) -> bool {
        self.len <= MAX_WASM_PARAMS
            && &self.params[..self.len] == params
            && results == self.result_type.as_slice()
    }

    fn types(&self) -> (Vec<ValType>, Vec<ValType>) {
        let len = self.len.min(MAX_WASM_PARAMS);
        (
            self.params[..len].to_vec(),
            self.result_type.into_iter().collect(),
        )
    }

    fn describe(&self) -> String {
        let (params, results) = self.types();
        describe_wasm(&params, &results)
    }
}

/// One argument of a raw call: any type a contract method can take, travelling the same way
/// (scalars as wasm values, strings and byte buffers raw, the rest encoded). Implemented for
/// exactly those types; it cannot be implemented elsewhere.
pub trait RawArg: Wire {}

impl<T: Wire + ?Sized> RawArg for T {}

/// The arguments of a raw call: a tuple of [`RawArg`]s.
pub trait RawArgs {
    /// The wasm values they travel as.
    fn val_types(out: &mut dyn FnMut(ValType));
    /// Appends them to a call of `function`.
    ///
    /// # Errors
    /// [`Error::Encode`] when a serde value cannot be encoded.
    fn push_all<'a>(&'a self, function: &str, args: &mut CallArgs<'a>) -> Result<(), Error>;
}

macro_rules! tuple_raw_args {
    ($($name:ident),*) => {
        impl<$($name: RawArg),*> RawArgs for ($($name,)*) {
            fn val_types(_out: &mut dyn FnMut(ValType)) {
                $(<$name::Abi as Abi>::PARAMS.iter().for_each(|&t| _out(t));)*
            }
            #[allow(non_snake_case)]
            fn push_all<'a>(&'a self, _function: &str, _args: &mut CallArgs<'a>) -> Result<(), Error> {
                let ($($name,)*) = self;
                $($name.lower(_function, _args)?;)*
                Ok(())
            }
        }
    };
}
tuple_raw_args!();
tuple_raw_args!(A);
tuple_raw_args!(A, B);
tuple_raw_args!(A, B, C);
tuple_raw_args!(A, B, C, D);
tuple_raw_args!(A, B, C, D, E);
tuple_raw_args!(A, B, C, D, E, F);
tuple_raw_args!(A, B, C, D, E, F, G);
tuple_raw_args!(A, B, C, D, E, F, G, H);

/// The result of a raw call: any type a contract method can return, lifted the same way.
/// Implemented for exactly those types; it cannot be implemented elsewhere.
pub trait RawResult: WireResult {}

impl<T: WireResult> RawResult for T {}
