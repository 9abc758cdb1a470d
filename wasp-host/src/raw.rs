//! Calls by export name, for modules that follow docs/ABI.md without a contract.

use crate::engine::Engine;
use crate::instance::{Core, Export};
use crate::linking::{self, wasm_error};
use crate::plugin::{
    Compiled, compile, initialize_export, instantiate_core, optional_alloc, optional_memory,
};
use crate::sandbox::InstanceConfig;
use crate::wasm::{describe_func_type, describe_wasm, func_type_is};
use std::collections::HashMap;
use std::sync::Arc;
use wasp::__private::{Abi, Backend, CallArgs, Wire, WireResult, lift_result};
use wasp::{Error, HostContract, NoHost};
use wasp_abi::ValType;

/// A module loaded for calls by export name, for modules that follow docs/ABI.md without a
/// contract descriptor. Argument and result types are checked against the export's wasm type
/// at the first call. Scalars travel as wasm values; strings and bytes as docs/ABI.md says
/// (arguments in a block from `wasp_alloc`, results as a packed `i64`).
///
/// ```no_run
/// # fn main() -> Result<(), wasp::Error> {
/// let engine = wasp_host::Engine::new()?;
/// let plugin = engine.load_raw("examples/greeter/plugins/greeter-rust.wasm")?;
/// let mut instance = plugin.instantiate()?;
/// let sum: i32 = instance.call("sum", (3, 2))?;
/// let hello: String = instance.call("hello", ("Nic",))?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct RawPlugin {
    shared: Arc<Compiled>,
    name: Arc<str>,
}

impl RawPlugin {
    pub(crate) fn load(engine: &Engine, bytes: &[u8]) -> Result<RawPlugin, Error> {
        let (module, _) = compile(engine, bytes)?;
        let problems = linking::check_imports(&module, None, &[]);
        if !problems.is_empty() {
            return Err(Error::ContractMismatch {
                contract: "(raw module)".to_string(),
                differences: problems,
            });
        }
        let linker = linking::linker(&engine.inner, None)?;
        let pre = linker.instantiate_pre(&module).map_err(wasm_error)?;
        Ok(RawPlugin {
            name: Arc::from("raw"),
            shared: Arc::new(Compiled {
                engine: engine.inner.clone(),
                limits: engine.limits,
                memory: optional_memory(&module),
                alloc: optional_alloc(&module),
                initialize: initialize_export(&module),
                pre,
                exports: Vec::new(),
                names: Arc::from(Vec::new()),
                descriptor: None,
            }),
        })
    }

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
        let core = instantiate_core(&self.shared, &self.name, config, dispatch)?;
        Ok(RawInstance {
            core,
            by_name: HashMap::new(),
            signatures: Vec::new(),
            shared: self.shared.clone(),
        })
    }
}

impl RawPlugin {
    /// The module's name: the file's stem for [`Engine::load_raw`](crate::Engine::load_raw),
    /// `raw` for [`Engine::load_raw_bytes`](crate::Engine::load_raw_bytes), or what
    /// [`RawPlugin::with_name`] set. See [`Plugin::name`](crate::Plugin::name).
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
    shared: Arc<Compiled>,
    by_name: HashMap<String, usize>,
    signatures: Vec<(Vec<ValType>, Vec<ValType>)>,
}

impl RawInstance {
    /// Calls export `name` with `args` (a tuple of [`RawArg`]s: scalars, strings such as
    /// `&str` or `String`, byte buffers such as `&[u8]` or `Vec<u8>`, serde values) and returns
    /// its result as `R` (a [`RawResult`]: `()`, a scalar, `String`, `Vec<u8>`, ...).
    ///
    /// # Errors
    /// [`Error::MissingExport`] when there is no such function or its wasm type does not
    /// match `args` and `R`; otherwise any error of the call.
    pub fn call<R: RawResult>(&mut self, name: &str, args: impl RawArgs) -> Result<R, Error> {
        let index = self.resolve(name, &args, <R::Abi as Abi>::RESULT)?;
        let mut call_args = CallArgs::new();
        args.push_all(name, &mut call_args)?;
        let bits = self.core.call(index, &mut call_args)?;
        lift_result::<R>(&mut self.core, index, bits)
    }

    /// Whether an earlier failure poisoned the instance.
    pub fn is_poisoned(&self) -> bool {
        self.core.poisoned.is_some()
    }

    /// The current size of the module's linear memory, in bytes (0 without one).
    pub fn memory_size(&self) -> usize {
        self.core.memory_size()
    }

    /// This instance's process-wide id; see [`Instance::id`](crate::Instance::id).
    pub fn id(&self) -> u64 {
        self.core.id
    }

    /// The name of the module this instance was created from.
    pub fn plugin_name(&self) -> &str {
        &self.core.plugin
    }

    /// Captured standard output so far; see [`Instance::stdout`](crate::Instance::stdout).
    pub fn stdout(&self) -> Vec<u8> {
        self.core
            .captured(false)
            .map_or_else(Vec::new, |c| c.contents())
    }

    /// Takes the captured standard output; see [`Instance::take_stdout`](crate::Instance::take_stdout).
    pub fn take_stdout(&mut self) -> Vec<u8> {
        self.core
            .captured(false)
            .map_or_else(Vec::new, |c| c.take())
    }

    /// Bytes of standard output dropped at the capture limit.
    pub fn stdout_dropped(&self) -> u64 {
        self.core.captured(false).map_or(0, |c| c.dropped())
    }

    /// Captured standard error so far.
    pub fn stderr(&self) -> Vec<u8> {
        self.core
            .captured(true)
            .map_or_else(Vec::new, |c| c.contents())
    }

    /// Takes the captured standard error.
    pub fn take_stderr(&mut self) -> Vec<u8> {
        self.core.captured(true).map_or_else(Vec::new, |c| c.take())
    }

    /// Bytes of standard error dropped at the capture limit.
    pub fn stderr_dropped(&self) -> u64 {
        self.core.captured(true).map_or(0, |c| c.dropped())
    }

    fn resolve(
        &mut self,
        name: &str,
        args: &impl RawArgs,
        result: Option<ValType>,
    ) -> Result<usize, Error> {
        let mut params = Vec::new();
        args.val_types(&mut params);
        let results: Vec<ValType> = result.into_iter().collect();
        let mismatch = |detail: String| Error::MissingExport {
            name: name.to_string(),
            detail,
        };
        if let Some(&index) = self.by_name.get(name) {
            let (p, r) = &self.signatures[index];
            if *p == params && *r == results {
                return Ok(index);
            }
            return Err(mismatch(format!(
                "has wasm type {}, the call passes {}",
                describe_wasm(p, r),
                describe_wasm(&params, &results)
            )));
        }
        let module = self.shared.pre.module();
        let export = module
            .get_export_index(name)
            .ok_or_else(|| mismatch("not exported".to_string()))?;
        let func = self
            .core
            .instance_export(&export)
            .ok_or_else(|| mismatch("is not a function".to_string()))?;
        let ty = func.ty(&self.core.store);
        if !func_type_is(&ty, &params, &results) {
            return Err(mismatch(format!(
                "has wasm type {}, the call passes {}",
                describe_func_type(&ty),
                describe_wasm(&params, &results)
            )));
        }
        let index = self.core.exports.len();
        self.core.exports.push(Export {
            func: Some(func),
            params: params.len(),
            has_result: !results.is_empty(),
            since: 1,
        });
        let mut names: Vec<String> = self.core.names.to_vec();
        names.push(name.to_string());
        self.core.names = names.into();
        self.by_name.insert(name.to_string(), index);
        self.signatures.push((params, results));
        Ok(index)
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
    fn val_types(&self, out: &mut Vec<ValType>);
    /// Appends them to a call of `function`.
    ///
    /// # Errors
    /// [`Error::Encode`] when a serde value cannot be encoded.
    fn push_all<'a>(&'a self, function: &str, args: &mut CallArgs<'a>) -> Result<(), Error>;
}

macro_rules! tuple_raw_args {
    ($($name:ident),*) => {
        impl<$($name: RawArg),*> RawArgs for ($($name,)*) {
            fn val_types(&self, _out: &mut Vec<ValType>) {
                $(_out.extend_from_slice(<$name::Abi as Abi>::PARAMS);)*
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
