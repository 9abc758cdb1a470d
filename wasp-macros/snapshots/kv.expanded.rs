impl<T> ::wasp::Schema for Stats<T>
where
    T: ::wasp::Schema,
{
    fn describe(__types: &mut ::wasp::descriptor::Types) -> ::wasp::descriptor::Type {
        let __name = ::std::format!(
            "Stats<{}>", [::std::string::ToString::to_string(& < T as ::wasp::Schema >
            ::describe(__types))].join(", ")
        );
        __types
            .define(
                &__name,
                ::core::any::type_name::<Self>(),
                |__types| ::wasp::descriptor::Shape::Struct(
                    ::wasp::__private::named_fields(
                        ::std::vec![
                            ("entries", < Vec < (String, T) > as ::wasp::Schema >
                            ::describe(__types)), ("mode", < Mode as ::wasp::Schema >
                            ::describe(__types))
                        ],
                    ),
                ),
            )
    }
}
impl ::wasp::Schema for Mode {
    fn describe(__types: &mut ::wasp::descriptor::Types) -> ::wasp::descriptor::Type {
        let __name = ::std::string::String::from("Mode");
        __types
            .define(
                &__name,
                ::core::any::type_name::<Self>(),
                |__types| ::wasp::descriptor::Shape::Enum(
                    ::std::vec![
                        ::wasp::__private::variant("Idle",
                        ::wasp::descriptor::Fields::Unit),
                        ::wasp::__private::variant("Busy",
                        ::wasp::descriptor::Fields::Tuple(::std::vec![< u32 as
                        ::wasp::Schema > ::describe(__types), < bool as ::wasp::Schema >
                        ::describe(__types)])), ::wasp::__private::variant("Draining",
                        ::wasp::__private::named_fields(::std::vec![("remaining", < u64
                        as ::wasp::Schema > ::describe(__types))]))
                    ],
                ),
            )
    }
}
pub trait KvHost {
    fn log(&mut self, line: &str);
    fn fetch(&mut self, key: String) -> wasp::HostResult<Option<Vec<u8>>>;
    fn now(&mut self) -> u64;
}
impl ::wasp::HostInterface for dyn KvHost {
    fn describe(
        __types: &mut ::wasp::descriptor::Types,
    ) -> ::core::option::Option<::wasp::descriptor::HostInterface> {
        ::core::option::Option::Some(::wasp::descriptor::HostInterface {
            module: ::std::string::String::from("KvHost"),
            functions: ::std::vec![
                ::wasp::__private::function("log", 1u32,
                ::std::vec![::wasp::__private::WireType::String],
                ::core::option::Option::None), ::wasp::__private::function("fetch", 1u32,
                ::std::vec![::wasp::__private::WireType::String],
                ::core::option::Option::Some(::wasp::__private::serde_wire:: < Option <
                Vec < u8 > > > (__types))), ::wasp::__private::function("now", 1u32,
                ::std::vec![],
                ::core::option::Option::Some(::wasp::__private::WireType::Scalar(::wasp::__private::ScalarType::U64)))
            ],
        })
    }
}
#[doc(hidden)]
pub struct __WaspKvHostDispatch<__WaspHost>(__WaspHost);
impl<__WaspHost: KvHost + ::core::marker::Send + 'static> ::wasp::__private::HostDispatch
for __WaspKvHostDispatch<__WaspHost> {
    #[allow(unused_variables)]
    fn call(
        &mut self,
        function: usize,
        memory: &[u8],
        args: &[u64],
    ) -> ::core::result::Result<::wasp::__private::HostReturn, ::wasp::Error> {
        match function {
            0usize => {
                if args.len() != 2usize {
                    return ::core::result::Result::Err(::wasp::Error::Decode {
                        function: ::std::string::String::from("log"),
                        detail: ::std::format!(
                            "expected {} wasm arguments, got {}", 2usize, args.len()
                        ),
                    });
                }
                let __a0 = ::wasp::__private::host_arg_str(
                    memory,
                    "log",
                    args[0usize],
                    args[0usize + 1],
                )?;
                let __r = <__WaspHost as KvHost>::log(&mut self.0, __a0);
                ::core::result::Result::Ok({
                    let () = __r;
                    ::wasp::__private::HostReturn::Unit
                })
            }
            1usize => {
                if args.len() != 2usize {
                    return ::core::result::Result::Err(::wasp::Error::Decode {
                        function: ::std::string::String::from("fetch"),
                        detail: ::std::format!(
                            "expected {} wasm arguments, got {}", 2usize, args.len()
                        ),
                    });
                }
                let __a0 = ::std::string::String::from(
                    ::wasp::__private::host_arg_str(
                        memory,
                        "fetch",
                        args[0usize],
                        args[0usize + 1],
                    )?,
                );
                let __r = ::wasp::__private::host_result(
                    "fetch",
                    <__WaspHost as KvHost>::fetch(&mut self.0, __a0),
                )?;
                ::core::result::Result::Ok(
                    ::wasp::__private::host_return_serde("fetch", &__r)?,
                )
            }
            2usize => {
                if args.len() != 0usize {
                    return ::core::result::Result::Err(::wasp::Error::Decode {
                        function: ::std::string::String::from("now"),
                        detail: ::std::format!(
                            "expected {} wasm arguments, got {}", 0usize, args.len()
                        ),
                    });
                }
                let __r = <__WaspHost as KvHost>::now(&mut self.0);
                ::core::result::Result::Ok(
                    ::wasp::__private::HostReturn::Value(
                        <u64 as ::wasp::__private::Scalar>::into_bits(__r),
                    ),
                )
            }
            _ => {
                ::core::result::Result::Err(::wasp::Error::Decode {
                    function: ::std::format!("host function #{}", function),
                    detail: ::std::string::String::from("no such host function"),
                })
            }
        }
    }
    fn host(&mut self) -> &mut dyn ::core::any::Any {
        &mut self.0
    }
}
impl<
    __WaspHost: KvHost + ::core::marker::Send + 'static,
> ::wasp::HostContract<__WaspHost> for dyn KvHost {
    fn into_dispatch(
        host: __WaspHost,
    ) -> ::std::boxed::Box<dyn ::wasp::__private::HostDispatch> {
        ::std::boxed::Box::new(__WaspKvHostDispatch(host))
    }
}
///Plugin-side calls to the host functions of [`KvHost`] (present when compiling for wasm32).
pub mod kv_host {
    #[allow(unused_imports)]
    use super::*;
    #[cfg(target_arch = "wasm32")]
    #[link(wasm_import_module = "KvHost")]
    unsafe extern "C" {
        #[link_name = "log"]
        fn __wasp_import_log(__w0: i32, __w0_len: i32);
    }
    #[cfg(target_arch = "wasm32")]
    ///Calls the host function `log`.
    pub fn log(line: &str) -> () {
        let __b0: &[u8] = ::core::convert::AsRef::<[u8]>::as_ref(&line);
        let __raw = unsafe {
            __wasp_import_log(
                ::wasp::__private::guest::ptr_of(__b0),
                ::wasp::__private::guest::len_of(__b0),
            )
        };
        let () = __raw;
    }
    #[cfg(target_arch = "wasm32")]
    #[link(wasm_import_module = "KvHost")]
    unsafe extern "C" {
        #[link_name = "fetch"]
        fn __wasp_import_fetch(__w0: i32, __w0_len: i32) -> i64;
    }
    #[cfg(target_arch = "wasm32")]
    ///Calls the host function `fetch`.
    pub fn fetch(key: String) -> Option<Vec<u8>> {
        let __b0: &[u8] = ::core::convert::AsRef::<[u8]>::as_ref(&key);
        let __raw = unsafe {
            __wasp_import_fetch(
                ::wasp::__private::guest::ptr_of(__b0),
                ::wasp::__private::guest::len_of(__b0),
            )
        };
        unsafe { ::wasp::__private::guest::take_host_serde::<Option<Vec<u8>>>(__raw) }
    }
    #[cfg(target_arch = "wasm32")]
    #[link(wasm_import_module = "KvHost")]
    unsafe extern "C" {
        #[link_name = "now"]
        fn __wasp_import_now() -> i64;
    }
    #[cfg(target_arch = "wasm32")]
    ///Calls the host function `now`.
    pub fn now() -> u64 {
        let __raw = unsafe { __wasp_import_now() };
        ::wasp::__private::guest::scalar_arg::<u64>(__raw)
    }
}
pub trait Kv {
    fn get(&self, key: &str) -> Option<Vec<u8>>;
    fn put(&mut self, key: String, value: Vec<u8>, ttl: Option<u32>);
    fn count(&self) -> usize;
    fn stats(&self, detailed: bool) -> Result<Stats<u64>, String>;
    fn scale(&self, factor: f64, bytes: &[u8], flag: char) -> (f64, u8);
    fn clear(&mut self, prefix: String) -> u32;
}
/**Typed handle to one instance of a plugin that implements [`Kv`].

Each method mirrors `Kv`'s, takes `&mut self` (one caller at a time) and returns `Result<T, wasp::Error>`. Get one from a host engine, e.g. `wasp_host`'s `plugin.instantiate(...)`.*/
pub struct KvHandle {
    backend: ::std::boxed::Box<dyn ::wasp::__private::Backend>,
}
impl ::wasp::Handle for KvHandle {
    fn from_backend(backend: ::std::boxed::Box<dyn ::wasp::__private::Backend>) -> Self {
        KvHandle { backend }
    }
    fn backend(&mut self) -> &mut dyn ::wasp::__private::Backend {
        &mut *self.backend
    }
    fn backend_ref(&self) -> &dyn ::wasp::__private::Backend {
        &*self.backend
    }
}
impl KvHandle {
    ///Calls the plugin's `get`.
    ///
    /// # Errors
    /// Any [`wasp::Error`] of the call itself; a `Result` the method returns is the value.
    pub fn get(
        &mut self,
        key: &str,
    ) -> ::core::result::Result<Option<Vec<u8>>, ::wasp::Error> {
        let mut __args = ::wasp::__private::CallArgs::new();
        __args.push_bytes(::core::convert::AsRef::<[u8]>::as_ref(&key));
        let __raw = ::wasp::__private::Backend::call(
            &mut *self.backend,
            0usize,
            &mut __args,
        )?;
        ::wasp::__private::lift_serde::<
            Option<Vec<u8>>,
        >(&mut *self.backend, 0usize, __raw)
    }
    ///Calls the plugin's `put`.
    ///
    /// # Errors
    /// Any [`wasp::Error`] of the call itself; a `Result` the method returns is the value.
    pub fn put(
        &mut self,
        key: String,
        value: Vec<u8>,
        ttl: Option<u32>,
    ) -> ::core::result::Result<(), ::wasp::Error> {
        let mut __args = ::wasp::__private::CallArgs::new();
        __args.push_bytes(::core::convert::AsRef::<[u8]>::as_ref(&key));
        __args.push_bytes(::core::convert::AsRef::<[u8]>::as_ref(&value));
        __args.push_serde("put", &ttl)?;
        let __raw = ::wasp::__private::Backend::call(
            &mut *self.backend,
            1usize,
            &mut __args,
        )?;
        {
            let _ = __raw;
            ::core::result::Result::Ok(())
        }
    }
    ///Calls the plugin's `count`.
    ///
    /// # Errors
    /// Any [`wasp::Error`] of the call itself; a `Result` the method returns is the value.
    pub fn count(&mut self) -> ::core::result::Result<usize, ::wasp::Error> {
        let mut __args = ::wasp::__private::CallArgs::new();
        let __raw = ::wasp::__private::Backend::call(
            &mut *self.backend,
            2usize,
            &mut __args,
        )?;
        ::wasp::__private::lift_scalar::<usize>(&mut *self.backend, 2usize, __raw)
    }
    ///Calls the plugin's `stats`.
    ///
    /// # Errors
    /// Any [`wasp::Error`] of the call itself; a `Result` the method returns is the value.
    pub fn stats(
        &mut self,
        detailed: bool,
    ) -> ::core::result::Result<Result<Stats<u64>, String>, ::wasp::Error> {
        let mut __args = ::wasp::__private::CallArgs::new();
        __args.push_scalar::<bool>(detailed);
        let __raw = ::wasp::__private::Backend::call(
            &mut *self.backend,
            3usize,
            &mut __args,
        )?;
        ::wasp::__private::lift_serde::<
            Result<Stats<u64>, String>,
        >(&mut *self.backend, 3usize, __raw)
    }
    ///Calls the plugin's `scale`.
    ///
    /// # Errors
    /// Any [`wasp::Error`] of the call itself; a `Result` the method returns is the value.
    pub fn scale(
        &mut self,
        factor: f64,
        bytes: &[u8],
        flag: char,
    ) -> ::core::result::Result<(f64, u8), ::wasp::Error> {
        let mut __args = ::wasp::__private::CallArgs::new();
        __args.push_scalar::<f64>(factor);
        __args.push_bytes(::core::convert::AsRef::<[u8]>::as_ref(&bytes));
        __args.push_scalar::<char>(flag);
        let __raw = ::wasp::__private::Backend::call(
            &mut *self.backend,
            4usize,
            &mut __args,
        )?;
        ::wasp::__private::lift_serde::<(f64, u8)>(&mut *self.backend, 4usize, __raw)
    }
    ///Calls the plugin's `clear`.
    ///
    /// # Errors
    /// Any [`wasp::Error`] of the call itself; a `Result` the method returns is the value.
    pub fn clear(
        &mut self,
        prefix: String,
    ) -> ::core::result::Result<u32, ::wasp::Error> {
        let mut __args = ::wasp::__private::CallArgs::new();
        __args.push_bytes(::core::convert::AsRef::<[u8]>::as_ref(&prefix));
        let __raw = ::wasp::__private::Backend::call(
            &mut *self.backend,
            5usize,
            &mut __args,
        )?;
        ::wasp::__private::lift_scalar::<u32>(&mut *self.backend, 5usize, __raw)
    }
}
impl ::wasp::Contract for dyn Kv {
    type Handle = KvHandle;
    type Host = dyn KvHost;
    const NAME: &'static str = "Kv";
    const VERSION: u32 = 2u32;
    fn descriptor() -> ::wasp::descriptor::Contract {
        let mut __types = ::wasp::descriptor::Types::new();
        let __types = &mut __types;
        let methods = ::std::vec![
            ::wasp::__private::function("get", 1u32,
            ::std::vec![::wasp::__private::WireType::String],
            ::core::option::Option::Some(::wasp::__private::serde_wire:: < Option < Vec <
            u8 > > > (__types))), ::wasp::__private::function("put", 1u32,
            ::std::vec![::wasp::__private::WireType::String,
            ::wasp::__private::WireType::Bytes, ::wasp::__private::serde_wire:: < Option
            < u32 > > (__types)], ::core::option::Option::None),
            ::wasp::__private::function("count", 1u32, ::std::vec![],
            ::core::option::Option::Some(::wasp::__private::WireType::Scalar(::wasp::__private::ScalarType::Usize))),
            ::wasp::__private::function("stats", 1u32,
            ::std::vec![::wasp::__private::WireType::Scalar(::wasp::__private::ScalarType::Bool)],
            ::core::option::Option::Some(::wasp::__private::serde_wire:: < Result < Stats
            < u64 >, String > > (__types))), ::wasp::__private::function("scale", 1u32,
            ::std::vec![::wasp::__private::WireType::Scalar(::wasp::__private::ScalarType::F64),
            ::wasp::__private::WireType::Bytes,
            ::wasp::__private::WireType::Scalar(::wasp::__private::ScalarType::Char)],
            ::core::option::Option::Some(::wasp::__private::serde_wire:: < (f64, u8) >
            (__types))), ::wasp::__private::function("kv_clear", 2u32,
            ::std::vec![::wasp::__private::WireType::String],
            ::core::option::Option::Some(::wasp::__private::WireType::Scalar(::wasp::__private::ScalarType::U32)))
        ];
        let host = <dyn KvHost as ::wasp::HostInterface>::describe(__types);
        ::wasp::descriptor::Contract::new(
            "Kv",
            methods,
            host,
            ::core::mem::take(__types),
        )
    }
}
const _: fn() = || {
    fn values_crossing_the_boundary_must_be_serde<
        T: ::wasp::__private::serde::Serialize
            + ::wasp::__private::serde::de::DeserializeOwned,
    >() {}
    values_crossing_the_boundary_must_be_serde::<Option<Vec<u8>>>();
    values_crossing_the_boundary_must_be_serde::<Option<u32>>();
    values_crossing_the_boundary_must_be_serde::<Result<Stats<u64>, String>>();
    values_crossing_the_boundary_must_be_serde::<(f64, u8)>();
};
/**Exports a plugin's implementation of `Kv`.

Call it once in the plugin crate: `export_kv!(MyType);` builds the object with `Default::default()` on the first call; `export_kv!(MyType, MyType::new());` names the constructor instead.*/
#[macro_export]
macro_rules! export_kv {
    ($ty:ty) => {
        $crate::export_kv!($ty, < $ty as ::core::default::Default > ::default());
    };
    ($ty:ty, $init:expr) => {
        const _ : () = { static mut __WASP_INSTANCE : ::core::option::Option < $ty > =
        ::core::option::Option::None; #[inline] fn __wasp_instance() -> & 'static mut $ty
        { let slot = unsafe { & mut * ::core::ptr::addr_of_mut!(__WASP_INSTANCE) }; if
        slot.is_none() { * slot = ::core::option::Option::Some($init); } match slot {
        ::core::option::Option::Some(instance) => instance, ::core::option::Option::None
        => ::core::unreachable!(), } } #[unsafe (export_name = "wasp_contract_Kv")]
        extern "C" fn __wasp_contract() -> i64 { ::wasp::__private::guest::enter();
        ::wasp::__private::guest::return_string(< dyn $crate::Kv as ::wasp::Contract >
        ::descriptor().render(),) } #[unsafe (export_name = "get")] extern "C" fn
        __wasp_export_get(__w0_0 : i32, __w0_1 : i32) -> i64 {
        ::wasp::__private::guest::enter(); #[allow(unused_mut, unused_variables)] let mut
        __wasp_block = ::wasp::__private::guest::ArgBlock::new(1usize); let __a0 = unsafe
        { __wasp_block.str(__w0_0, __w0_1) }; let __wasp_result = < $ty as $crate::Kv >
        ::get(__wasp_instance(), __a0); ::core::mem::drop(__wasp_block);
        ::wasp::__private::guest::return_serde(& __wasp_result) } #[unsafe (export_name =
        "put")] extern "C" fn __wasp_export_put(__w0_0 : i32, __w0_1 : i32, __w1_0 : i32,
        __w1_1 : i32, __w2_0 : i32, __w2_1 : i32) { ::wasp::__private::guest::enter();
        #[allow(unused_mut, unused_variables)] let mut __wasp_block =
        ::wasp::__private::guest::ArgBlock::new(3usize); let __a0 = unsafe { __wasp_block
        .string(__w0_0, __w0_1) }; let __a1 = unsafe { __wasp_block.bytes(__w1_0, __w1_1)
        }; let __a2 = unsafe { __wasp_block.decode(__w2_0, __w2_1) }; let __wasp_result =
        < $ty as $crate::Kv > ::put(__wasp_instance(), __a0, __a1, __a2);
        ::core::mem::drop(__wasp_block); let () = __wasp_result; } #[unsafe (export_name
        = "count")] extern "C" fn __wasp_export_count() -> i64 {
        ::wasp::__private::guest::enter(); #[allow(unused_mut, unused_variables)] let mut
        __wasp_block = ::wasp::__private::guest::ArgBlock::new(0usize); let __wasp_result
        = < $ty as $crate::Kv > ::count(__wasp_instance(),);
        ::core::mem::drop(__wasp_block); ::wasp::__private::guest::scalar_ret:: < usize >
        (__wasp_result) } #[unsafe (export_name = "stats")] extern "C" fn
        __wasp_export_stats(__w0_0 : i32) -> i64 { ::wasp::__private::guest::enter();
        #[allow(unused_mut, unused_variables)] let mut __wasp_block =
        ::wasp::__private::guest::ArgBlock::new(0usize); let __a0 =
        ::wasp::__private::guest::scalar_arg:: < bool > (__w0_0); let __wasp_result = <
        $ty as $crate::Kv > ::stats(__wasp_instance(), __a0);
        ::core::mem::drop(__wasp_block); ::wasp::__private::guest::return_serde(&
        __wasp_result) } #[unsafe (export_name = "scale")] extern "C" fn
        __wasp_export_scale(__w0_0 : f64, __w1_0 : i32, __w1_1 : i32, __w2_0 : i32) ->
        i64 { ::wasp::__private::guest::enter(); #[allow(unused_mut, unused_variables)]
        let mut __wasp_block = ::wasp::__private::guest::ArgBlock::new(1usize); let __a0
        = ::wasp::__private::guest::scalar_arg:: < f64 > (__w0_0); let __a1 = unsafe {
        __wasp_block.byte_slice(__w1_0, __w1_1) }; let __a2 =
        ::wasp::__private::guest::scalar_arg:: < char > (__w2_0); let __wasp_result = <
        $ty as $crate::Kv > ::scale(__wasp_instance(), __a0, __a1, __a2);
        ::core::mem::drop(__wasp_block); ::wasp::__private::guest::return_serde(&
        __wasp_result) } #[unsafe (export_name = "kv_clear")] extern "C" fn
        __wasp_export_clear(__w0_0 : i32, __w0_1 : i32) -> i32 {
        ::wasp::__private::guest::enter(); #[allow(unused_mut, unused_variables)] let mut
        __wasp_block = ::wasp::__private::guest::ArgBlock::new(1usize); let __a0 = unsafe
        { __wasp_block.string(__w0_0, __w0_1) }; let __wasp_result = < $ty as $crate::Kv
        > ::clear(__wasp_instance(), __a0); ::core::mem::drop(__wasp_block);
        ::wasp::__private::guest::scalar_ret:: < u32 > (__wasp_result) } };
    };
}
