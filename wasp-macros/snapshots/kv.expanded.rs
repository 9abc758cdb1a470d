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
impl<T> ::wasp::Encoded for Stats<T>
where
    T: ::wasp::Schema,
    Self: ::wasp::__private::serde::Serialize
        + ::wasp::__private::serde::de::DeserializeOwned,
{}
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
impl ::wasp::Encoded for Mode {}
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
                ::wasp::__private::function("log", 1u32, ::std::vec![< & str as
                ::wasp::__private::Wire > ::wire_type(__types)], < () as
                ::wasp::__private::WireResult > ::wire_type(__types)),
                ::wasp::__private::function("fetch", 1u32, ::std::vec![< String as
                ::wasp::__private::Wire > ::wire_type(__types)], < Option < Vec < u8 > >
                as ::wasp::__private::WireResult > ::wire_type(__types)),
                ::wasp::__private::function("now", 1u32, ::std::vec![], < u64 as
                ::wasp::__private::WireResult > ::wire_type(__types))
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
                let mut __args = ::wasp::__private::HostArgs::new(
                    "log",
                    memory,
                    args,
                    0usize
                        + <<&str as ::wasp::__private::Wire>::Abi as ::wasp::__private::Abi>::PARAMS
                            .len(),
                )?;
                let __a0 = __args.lift::<&str>()?;
                let __r = <__WaspHost as KvHost>::log(&mut self.0, __a0);
                <() as ::wasp::__private::WireResult>::host_return(__r, "log")
            }
            1usize => {
                let mut __args = ::wasp::__private::HostArgs::new(
                    "fetch",
                    memory,
                    args,
                    0usize
                        + <<String as ::wasp::__private::Wire>::Abi as ::wasp::__private::Abi>::PARAMS
                            .len(),
                )?;
                let __a0 = __args.lift::<String>()?;
                let __r = ::wasp::__private::host_result(
                    "fetch",
                    <__WaspHost as KvHost>::fetch(&mut self.0, __a0),
                )?;
                <Option<
                    Vec<u8>,
                > as ::wasp::__private::WireResult>::host_return(__r, "fetch")
            }
            2usize => {
                let mut __args = ::wasp::__private::HostArgs::new(
                    "now",
                    memory,
                    args,
                    0usize,
                )?;
                let __r = <__WaspHost as KvHost>::now(&mut self.0);
                <u64 as ::wasp::__private::WireResult>::host_return(__r, "now")
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
    fn host_ref(&self) -> &dyn ::core::any::Any {
        &self.0
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
/**[`KvHost`] for hosts whose functions await: the same functions, each returning a future, which the host implements with `async fn`. The plugin still calls plain functions; an async instance (`wasp_host`'s `plugin.instantiate_async(host)`) suspends it while the future runs and lets other calls progress on the same thread.

Host side only: plugins never see it.*/
#[cfg(not(target_arch = "wasm32"))]
pub trait AsyncKvHost: ::core::marker::Send + 'static {
    ///The host function `log`, as a future the host awaits.
    fn log(
        &mut self,
        line: &str,
    ) -> impl ::core::future::Future<Output = ()> + ::core::marker::Send;
    ///The host function `fetch`, as a future the host awaits.
    fn fetch(
        &mut self,
        key: String,
    ) -> impl ::core::future::Future<
        Output = wasp::HostResult<Option<Vec<u8>>>,
    > + ::core::marker::Send;
    ///The host function `now`, as a future the host awaits.
    fn now(
        &mut self,
    ) -> impl ::core::future::Future<Output = u64> + ::core::marker::Send;
}
#[doc(hidden)]
#[cfg(not(target_arch = "wasm32"))]
pub struct __WaspAsyncKvHostDispatch<__WaspHost>(__WaspHost);
#[cfg(not(target_arch = "wasm32"))]
impl<__WaspHost: AsyncKvHost> ::wasp::__private::AsyncHostDispatch
for __WaspAsyncKvHostDispatch<__WaspHost> {
    #[allow(unused_variables)]
    fn call<'__wasp>(
        &'__wasp mut self,
        function: usize,
        memory: &'__wasp [u8],
        args: &'__wasp [u64],
    ) -> ::wasp::__private::BoxFuture<
        '__wasp,
        ::core::result::Result<::wasp::__private::HostReturn, ::wasp::Error>,
    > {
        match function {
            0usize => {
                ::std::boxed::Box::pin(async move {
                    let (__a0,) = {
                        let mut __args = ::wasp::__private::HostArgs::new(
                            "log",
                            memory,
                            args,
                            0usize
                                + <<&str as ::wasp::__private::Wire>::Abi as ::wasp::__private::Abi>::PARAMS
                                    .len(),
                        )?;
                        let __a0 = __args.lift::<&str>()?;
                        (__a0,)
                    };
                    let __r = <__WaspHost as AsyncKvHost>::log(&mut self.0, __a0).await;
                    <() as ::wasp::__private::WireResult>::host_return(__r, "log")
                })
            }
            1usize => {
                ::std::boxed::Box::pin(async move {
                    let (__a0,) = {
                        let mut __args = ::wasp::__private::HostArgs::new(
                            "fetch",
                            memory,
                            args,
                            0usize
                                + <<String as ::wasp::__private::Wire>::Abi as ::wasp::__private::Abi>::PARAMS
                                    .len(),
                        )?;
                        let __a0 = __args.lift::<String>()?;
                        (__a0,)
                    };
                    let __r = ::wasp::__private::host_result(
                        "fetch",
                        <__WaspHost as AsyncKvHost>::fetch(&mut self.0, __a0).await,
                    )?;
                    <Option<
                        Vec<u8>,
                    > as ::wasp::__private::WireResult>::host_return(__r, "fetch")
                })
            }
            2usize => {
                ::std::boxed::Box::pin(async move {
                    let mut __args = ::wasp::__private::HostArgs::new(
                        "now",
                        memory,
                        args,
                        0usize,
                    )?;
                    let _ = __args;
                    let __r = <__WaspHost as AsyncKvHost>::now(&mut self.0).await;
                    <u64 as ::wasp::__private::WireResult>::host_return(__r, "now")
                })
            }
            _ => {
                ::std::boxed::Box::pin(async move {
                    ::core::result::Result::Err(::wasp::Error::Decode {
                        function: ::std::format!("host function #{}", function),
                        detail: ::std::string::String::from("no such host function"),
                    })
                })
            }
        }
    }
    fn host(&mut self) -> &mut dyn ::core::any::Any {
        &mut self.0
    }
    fn host_ref(&self) -> &dyn ::core::any::Any {
        &self.0
    }
}
#[cfg(not(target_arch = "wasm32"))]
impl<__WaspHost: AsyncKvHost> ::wasp::AsyncHostContract<__WaspHost> for dyn KvHost {
    fn into_async_dispatch(
        host: __WaspHost,
    ) -> ::std::boxed::Box<dyn ::wasp::__private::AsyncHostDispatch> {
        ::std::boxed::Box::new(__WaspAsyncKvHostDispatch(host))
    }
}
/**Plugin-side calls to the host functions of [`KvHost`].

On wasm32 they call the host engine. On other targets, for a plugin's own tests, they call the value a test installed on its thread with [`set_host`](self::set_host), and panic if there is none.*/
pub mod kv_host {
    #[allow(unused_imports)]
    use super::*;
    #[cfg(target_arch = "wasm32")]
    #[link(wasm_import_module = "KvHost")]
    #[allow(improper_ctypes)]
    unsafe extern "C" {
        #[link_name = "log"]
        fn __wasp_import_log(
            __w0_1: ::wasp::__private::P1<
                ::wasp::__private::AbiOf<fn(<&str as ::wasp::__private::Wire>::Abi)>,
            >,
            __w0_2: ::wasp::__private::P2<
                ::wasp::__private::AbiOf<fn(<&str as ::wasp::__private::Wire>::Abi)>,
            >,
        ) -> ::wasp::__private::Ret<
            ::wasp::__private::AbiOf<fn(<() as ::wasp::__private::WireResult>::Abi)>,
        >;
    }
    #[cfg(target_arch = "wasm32")]
    ///Calls the host function `log`.
    pub fn log(line: &str) {
        let mut __keep0 = ::std::vec::Vec::new();
        let (__w0_1, __w0_2) = <&str as ::wasp::__private::Wire>::import_arg(
            &line,
            &mut __keep0,
        );
        let __raw = unsafe { __wasp_import_log(__w0_1, __w0_2) };
        unsafe { <() as ::wasp::__private::WireResult>::from_host_ret(__raw) }
    }
    #[cfg(target_arch = "wasm32")]
    #[link(wasm_import_module = "KvHost")]
    #[allow(improper_ctypes)]
    unsafe extern "C" {
        #[link_name = "fetch"]
        fn __wasp_import_fetch(
            __w0_1: ::wasp::__private::P1<
                ::wasp::__private::AbiOf<fn(<String as ::wasp::__private::Wire>::Abi)>,
            >,
            __w0_2: ::wasp::__private::P2<
                ::wasp::__private::AbiOf<fn(<String as ::wasp::__private::Wire>::Abi)>,
            >,
        ) -> ::wasp::__private::Ret<
            ::wasp::__private::AbiOf<
                fn(<Option<Vec<u8>> as ::wasp::__private::WireResult>::Abi),
            >,
        >;
    }
    #[cfg(target_arch = "wasm32")]
    ///Calls the host function `fetch`.
    pub fn fetch(key: String) -> Option<Vec<u8>> {
        let mut __keep0 = ::std::vec::Vec::new();
        let (__w0_1, __w0_2) = <String as ::wasp::__private::Wire>::import_arg(
            &key,
            &mut __keep0,
        );
        let __raw = unsafe { __wasp_import_fetch(__w0_1, __w0_2) };
        unsafe {
            <Option<Vec<u8>> as ::wasp::__private::WireResult>::from_host_ret(__raw)
        }
    }
    #[cfg(target_arch = "wasm32")]
    #[link(wasm_import_module = "KvHost")]
    #[allow(improper_ctypes)]
    unsafe extern "C" {
        #[link_name = "now"]
        fn __wasp_import_now() -> ::wasp::__private::Ret<
            ::wasp::__private::AbiOf<fn(<u64 as ::wasp::__private::WireResult>::Abi)>,
        >;
    }
    #[cfg(target_arch = "wasm32")]
    ///Calls the host function `now`.
    pub fn now() -> u64 {
        let __raw = unsafe { __wasp_import_now() };
        unsafe { <u64 as ::wasp::__private::WireResult>::from_host_ret(__raw) }
    }
    /// How a native build views the installed host as the trait object.
    #[cfg(not(target_arch = "wasm32"))]
    type __WaspView = for<'a> fn(
        &'a mut dyn ::core::any::Any,
    ) -> &'a mut dyn super::KvHost;
    /// Installs `host` as this thread's host, which the functions of this module call
    /// when the plugin is compiled natively (its own `cargo test`); replaces the one
    /// installed before.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn set_host<H: super::KvHost + 'static>(host: H) {
        fn view<H: super::KvHost + 'static>(
            host: &mut dyn ::core::any::Any,
        ) -> &mut dyn super::KvHost {
            match host.downcast_mut::<H>() {
                ::core::option::Option::Some(host) => host,
                ::core::option::Option::None => ::core::unreachable!(),
            }
        }
        let view: __WaspView = view::<H>;
        ::wasp::__private::native::install::<
            dyn super::KvHost,
        >(::std::boxed::Box::new(host), ::std::boxed::Box::new(view));
    }
    /// Removes this thread's host (see [`set_host`]) and returns it, so that a test
    /// can look at what the plugin did to it; `None` if none is installed or it is
    /// not an `H`.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn take_host<H: super::KvHost + 'static>() -> ::core::option::Option<H> {
        let host = ::wasp::__private::native::take::<dyn super::KvHost>()?;
        host.downcast::<H>().ok().map(|host| *host)
    }
    #[cfg(not(target_arch = "wasm32"))]
    ///Calls the host function `log` of the host installed with [`set_host`].
    pub fn log(line: &str) {
        ::wasp::__private::native::with::<
            dyn super::KvHost,
            _,
        >(
            "kv_host",
            "log",
            |__host, __view| {
                let __host = match __view.downcast_ref::<__WaspView>() {
                    ::core::option::Option::Some(view) => view(__host),
                    ::core::option::Option::None => ::core::unreachable!(),
                };
                super::KvHost::log(__host, line)
            },
        )
    }
    #[cfg(not(target_arch = "wasm32"))]
    ///Calls the host function `fetch` of the host installed with [`set_host`].
    pub fn fetch(key: String) -> Option<Vec<u8>> {
        ::wasp::__private::native::with::<
            dyn super::KvHost,
            _,
        >(
            "kv_host",
            "fetch",
            |__host, __view| {
                let __host = match __view.downcast_ref::<__WaspView>() {
                    ::core::option::Option::Some(view) => view(__host),
                    ::core::option::Option::None => ::core::unreachable!(),
                };
                ::wasp::__private::native::host_result(
                    "fetch",
                    super::KvHost::fetch(__host, key),
                )
            },
        )
    }
    #[cfg(not(target_arch = "wasm32"))]
    ///Calls the host function `now` of the host installed with [`set_host`].
    pub fn now() -> u64 {
        ::wasp::__private::native::with::<
            dyn super::KvHost,
            _,
        >(
            "kv_host",
            "now",
            |__host, __view| {
                let __host = match __view.downcast_ref::<__WaspView>() {
                    ::core::option::Option::Some(view) => view(__host),
                    ::core::option::Option::None => ::core::unreachable!(),
                };
                super::KvHost::now(__host)
            },
        )
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
pub struct KvHandle<B> {
    backend: B,
}
impl<B: ::wasp::__private::Backend> ::wasp::Handle<B> for KvHandle<B> {
    fn from_backend(backend: B) -> Self {
        KvHandle { backend }
    }
    fn backend(&self) -> &B {
        &self.backend
    }
    fn backend_mut(&mut self) -> &mut B {
        &mut self.backend
    }
}
impl<B: ::wasp::__private::Backend> ::wasp::HandleFor<B> for dyn Kv {
    type Handle = KvHandle<B>;
}
impl<B: ::wasp::__private::Backend> KvHandle<B> {
    ///Calls the plugin's `get`.
    ///
    /// # Errors
    /// Any [`wasp::Error`] of the call itself; a `Result` the method returns is the value.
    pub fn get(
        &mut self,
        key: &str,
    ) -> ::core::result::Result<Option<Vec<u8>>, ::wasp::Error> {
        let mut __args = ::wasp::__private::CallArgs::new();
        <&str as ::wasp::__private::Wire>::lower(&key, "get", &mut __args)?;
        ::wasp::__private::Backend::call::<
            Option<Vec<u8>>,
        >(&mut self.backend, 0usize, &mut __args)
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
        <String as ::wasp::__private::Wire>::lower(&key, "put", &mut __args)?;
        <Vec<u8> as ::wasp::__private::Wire>::lower(&value, "put", &mut __args)?;
        <Option<u32> as ::wasp::__private::Wire>::lower(&ttl, "put", &mut __args)?;
        ::wasp::__private::Backend::call::<()>(&mut self.backend, 1usize, &mut __args)
    }
    ///Calls the plugin's `count`.
    ///
    /// # Errors
    /// Any [`wasp::Error`] of the call itself; a `Result` the method returns is the value.
    pub fn count(&mut self) -> ::core::result::Result<usize, ::wasp::Error> {
        let mut __args = ::wasp::__private::CallArgs::new();
        ::wasp::__private::Backend::call::<usize>(&mut self.backend, 2usize, &mut __args)
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
        <bool as ::wasp::__private::Wire>::lower(&detailed, "stats", &mut __args)?;
        ::wasp::__private::Backend::call::<
            Result<Stats<u64>, String>,
        >(&mut self.backend, 3usize, &mut __args)
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
        <f64 as ::wasp::__private::Wire>::lower(&factor, "scale", &mut __args)?;
        <&[u8] as ::wasp::__private::Wire>::lower(&bytes, "scale", &mut __args)?;
        <char as ::wasp::__private::Wire>::lower(&flag, "scale", &mut __args)?;
        ::wasp::__private::Backend::call::<
            (f64, u8),
        >(&mut self.backend, 4usize, &mut __args)
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
        <String as ::wasp::__private::Wire>::lower(&prefix, "clear", &mut __args)?;
        ::wasp::__private::Backend::call::<u32>(&mut self.backend, 5usize, &mut __args)
    }
}
/**Typed async handle to one instance of a plugin that implements [`Kv`].

Each method mirrors `Kv`'s as an `async fn`: it takes `&mut self` (one caller at a time) and its future resolves to `Result<T, wasp::Error>`, as the blocking handle's call does. Dropping the future before it resolves cancels the call. Get one from a host engine, e.g. `wasp_host`'s `plugin.instantiate_async(...)`.*/
#[repr(transparent)]
pub struct KvAsyncHandle<B> {
    backend: B,
}
impl<B: ::wasp::__private::AsyncBackend> ::wasp::Handle<B> for KvAsyncHandle<B> {
    fn from_backend(backend: B) -> Self {
        KvAsyncHandle { backend }
    }
    fn backend(&self) -> &B {
        &self.backend
    }
    fn backend_mut(&mut self) -> &mut B {
        &mut self.backend
    }
}
unsafe impl<B: ::wasp::__private::AsyncBackend> ::wasp::AsyncHandleFor<B> for dyn Kv {
    type AsyncHandle = KvAsyncHandle<B>;
}
impl<B: ::wasp::__private::AsyncBackend> KvAsyncHandle<B> {
    ///Calls the plugin's `get`; dropping the future before it resolves cancels the call.
    ///
    /// # Errors
    /// Any [`wasp::Error`] of the call itself; a `Result` the method returns is the value.
    pub async fn get(
        &mut self,
        key: &str,
    ) -> ::core::result::Result<Option<Vec<u8>>, ::wasp::Error> {
        let mut __args = ::wasp::__private::CallArgs::new();
        <&str as ::wasp::__private::Wire>::lower(&key, "get", &mut __args)?;
        ::wasp::__private::AsyncBackend::call_async::<
            Option<Vec<u8>>,
        >(&mut self.backend, 0usize, &mut __args)
            .await
    }
    ///Calls the plugin's `put`; dropping the future before it resolves cancels the call.
    ///
    /// # Errors
    /// Any [`wasp::Error`] of the call itself; a `Result` the method returns is the value.
    pub async fn put(
        &mut self,
        key: String,
        value: Vec<u8>,
        ttl: Option<u32>,
    ) -> ::core::result::Result<(), ::wasp::Error> {
        let mut __args = ::wasp::__private::CallArgs::new();
        <String as ::wasp::__private::Wire>::lower(&key, "put", &mut __args)?;
        <Vec<u8> as ::wasp::__private::Wire>::lower(&value, "put", &mut __args)?;
        <Option<u32> as ::wasp::__private::Wire>::lower(&ttl, "put", &mut __args)?;
        ::wasp::__private::AsyncBackend::call_async::<
            (),
        >(&mut self.backend, 1usize, &mut __args)
            .await
    }
    ///Calls the plugin's `count`; dropping the future before it resolves cancels the call.
    ///
    /// # Errors
    /// Any [`wasp::Error`] of the call itself; a `Result` the method returns is the value.
    pub async fn count(&mut self) -> ::core::result::Result<usize, ::wasp::Error> {
        let mut __args = ::wasp::__private::CallArgs::new();
        ::wasp::__private::AsyncBackend::call_async::<
            usize,
        >(&mut self.backend, 2usize, &mut __args)
            .await
    }
    ///Calls the plugin's `stats`; dropping the future before it resolves cancels the call.
    ///
    /// # Errors
    /// Any [`wasp::Error`] of the call itself; a `Result` the method returns is the value.
    pub async fn stats(
        &mut self,
        detailed: bool,
    ) -> ::core::result::Result<Result<Stats<u64>, String>, ::wasp::Error> {
        let mut __args = ::wasp::__private::CallArgs::new();
        <bool as ::wasp::__private::Wire>::lower(&detailed, "stats", &mut __args)?;
        ::wasp::__private::AsyncBackend::call_async::<
            Result<Stats<u64>, String>,
        >(&mut self.backend, 3usize, &mut __args)
            .await
    }
    ///Calls the plugin's `scale`; dropping the future before it resolves cancels the call.
    ///
    /// # Errors
    /// Any [`wasp::Error`] of the call itself; a `Result` the method returns is the value.
    pub async fn scale(
        &mut self,
        factor: f64,
        bytes: &[u8],
        flag: char,
    ) -> ::core::result::Result<(f64, u8), ::wasp::Error> {
        let mut __args = ::wasp::__private::CallArgs::new();
        <f64 as ::wasp::__private::Wire>::lower(&factor, "scale", &mut __args)?;
        <&[u8] as ::wasp::__private::Wire>::lower(&bytes, "scale", &mut __args)?;
        <char as ::wasp::__private::Wire>::lower(&flag, "scale", &mut __args)?;
        ::wasp::__private::AsyncBackend::call_async::<
            (f64, u8),
        >(&mut self.backend, 4usize, &mut __args)
            .await
    }
    ///Calls the plugin's `clear`; dropping the future before it resolves cancels the call.
    ///
    /// # Errors
    /// Any [`wasp::Error`] of the call itself; a `Result` the method returns is the value.
    pub async fn clear(
        &mut self,
        prefix: String,
    ) -> ::core::result::Result<u32, ::wasp::Error> {
        let mut __args = ::wasp::__private::CallArgs::new();
        <String as ::wasp::__private::Wire>::lower(&prefix, "clear", &mut __args)?;
        ::wasp::__private::AsyncBackend::call_async::<
            u32,
        >(&mut self.backend, 5usize, &mut __args)
            .await
    }
}
impl ::wasp::Contract for dyn Kv {
    type Host = dyn KvHost;
    const NAME: &'static str = "Kv";
    const VERSION: u32 = 2u32;
    const METHODS: &'static [&'static str] = &[
        "get",
        "put",
        "count",
        "stats",
        "scale",
        "clear",
    ];
    fn descriptor() -> ::wasp::descriptor::Contract {
        let mut __types = ::wasp::descriptor::Types::new();
        let __types = &mut __types;
        let methods = ::std::vec![
            ::wasp::__private::function("get", 1u32, ::std::vec![< & str as
            ::wasp::__private::Wire > ::wire_type(__types)], < Option < Vec < u8 > > as
            ::wasp::__private::WireResult > ::wire_type(__types)),
            ::wasp::__private::function("put", 1u32, ::std::vec![< String as
            ::wasp::__private::Wire > ::wire_type(__types), < Vec < u8 > as
            ::wasp::__private::Wire > ::wire_type(__types), < Option < u32 > as
            ::wasp::__private::Wire > ::wire_type(__types)], < () as
            ::wasp::__private::WireResult > ::wire_type(__types)),
            ::wasp::__private::function("count", 1u32, ::std::vec![], < usize as
            ::wasp::__private::WireResult > ::wire_type(__types)),
            ::wasp::__private::function("stats", 1u32, ::std::vec![< bool as
            ::wasp::__private::Wire > ::wire_type(__types)], < Result < Stats < u64 >,
            String > as ::wasp::__private::WireResult > ::wire_type(__types)),
            ::wasp::__private::function("scale", 1u32, ::std::vec![< f64 as
            ::wasp::__private::Wire > ::wire_type(__types), < & [u8] as
            ::wasp::__private::Wire > ::wire_type(__types), < char as
            ::wasp::__private::Wire > ::wire_type(__types)], < (f64, u8) as
            ::wasp::__private::WireResult > ::wire_type(__types)),
            ::wasp::__private::function("kv_clear", 2u32, ::std::vec![< String as
            ::wasp::__private::Wire > ::wire_type(__types)], < u32 as
            ::wasp::__private::WireResult > ::wire_type(__types))
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
#[doc(hidden)]
#[allow(non_camel_case_types)]
pub type __wasp_Kv_get_p0 = ::wasp::__private::AbiOf<
    fn(<&str as ::wasp::__private::Wire>::Abi),
>;
#[doc(hidden)]
#[allow(non_camel_case_types)]
pub type __wasp_Kv_get_ret = ::wasp::__private::AbiOf<
    fn(<Option<Vec<u8>> as ::wasp::__private::WireResult>::Abi),
>;
/// Runs the plugin's method for its export shim.
///
/// # Safety
/// Only the `export_*!` shim calls it, with the wasm arguments the host passed to the
/// export, as docs/ABI.md says: buffers in one block from `wasp_alloc`.
#[doc(hidden)]
#[allow(non_snake_case, unused_unsafe, clippy::too_many_arguments)]
#[inline(always)]
pub unsafe fn __wasp_Kv_get<__WaspPlugin: Kv>(
    __instance: &mut __WaspPlugin,
    __w0_1: ::wasp::__private::P1<__wasp_Kv_get_p0>,
    __w0_2: ::wasp::__private::P2<__wasp_Kv_get_p0>,
) -> ::wasp::__private::Ret<__wasp_Kv_get_ret> {
    ::wasp::__private::guest::enter();
    let __block = ::wasp::__private::guest::ArgBlock::new(
        0usize + <__wasp_Kv_get_p0 as ::wasp::__private::Abi>::BUFFER as usize,
    );
    let __a0 = unsafe {
        <&str as ::wasp::__private::GuestParam<'_>>::from_abi(&__block, __w0_1, __w0_2)
    };
    let __result = <__WaspPlugin as Kv>::get(__instance, __a0);
    ::core::mem::drop(__block);
    <Option<Vec<u8>> as ::wasp::__private::WireResult>::into_ret(__result)
}
#[doc(hidden)]
#[allow(non_camel_case_types)]
pub type __wasp_Kv_put_p0 = ::wasp::__private::AbiOf<
    fn(<String as ::wasp::__private::Wire>::Abi),
>;
#[doc(hidden)]
#[allow(non_camel_case_types)]
pub type __wasp_Kv_put_p1 = ::wasp::__private::AbiOf<
    fn(<Vec<u8> as ::wasp::__private::Wire>::Abi),
>;
#[doc(hidden)]
#[allow(non_camel_case_types)]
pub type __wasp_Kv_put_p2 = ::wasp::__private::AbiOf<
    fn(<Option<u32> as ::wasp::__private::Wire>::Abi),
>;
#[doc(hidden)]
#[allow(non_camel_case_types)]
pub type __wasp_Kv_put_ret = ::wasp::__private::AbiOf<
    fn(<() as ::wasp::__private::WireResult>::Abi),
>;
/// Runs the plugin's method for its export shim.
///
/// # Safety
/// Only the `export_*!` shim calls it, with the wasm arguments the host passed to the
/// export, as docs/ABI.md says: buffers in one block from `wasp_alloc`.
#[doc(hidden)]
#[allow(non_snake_case, unused_unsafe, clippy::too_many_arguments)]
#[inline(always)]
pub unsafe fn __wasp_Kv_put<__WaspPlugin: Kv>(
    __instance: &mut __WaspPlugin,
    __w0_1: ::wasp::__private::P1<__wasp_Kv_put_p0>,
    __w0_2: ::wasp::__private::P2<__wasp_Kv_put_p0>,
    __w1_1: ::wasp::__private::P1<__wasp_Kv_put_p1>,
    __w1_2: ::wasp::__private::P2<__wasp_Kv_put_p1>,
    __w2_1: ::wasp::__private::P1<__wasp_Kv_put_p2>,
    __w2_2: ::wasp::__private::P2<__wasp_Kv_put_p2>,
) -> ::wasp::__private::Ret<__wasp_Kv_put_ret> {
    ::wasp::__private::guest::enter();
    let __block = ::wasp::__private::guest::ArgBlock::new(
        0usize + <__wasp_Kv_put_p0 as ::wasp::__private::Abi>::BUFFER as usize
            + <__wasp_Kv_put_p1 as ::wasp::__private::Abi>::BUFFER as usize
            + <__wasp_Kv_put_p2 as ::wasp::__private::Abi>::BUFFER as usize,
    );
    let __a0 = unsafe {
        <String as ::wasp::__private::GuestParam<'_>>::from_abi(&__block, __w0_1, __w0_2)
    };
    let __a1 = unsafe {
        <Vec<
            u8,
        > as ::wasp::__private::GuestParam<'_>>::from_abi(&__block, __w1_1, __w1_2)
    };
    let __a2 = unsafe {
        <Option<
            u32,
        > as ::wasp::__private::GuestParam<'_>>::from_abi(&__block, __w2_1, __w2_2)
    };
    let __result = <__WaspPlugin as Kv>::put(__instance, __a0, __a1, __a2);
    ::core::mem::drop(__block);
    <() as ::wasp::__private::WireResult>::into_ret(__result)
}
#[doc(hidden)]
#[allow(non_camel_case_types)]
pub type __wasp_Kv_count_ret = ::wasp::__private::AbiOf<
    fn(<usize as ::wasp::__private::WireResult>::Abi),
>;
/// Runs the plugin's method for its export shim.
///
/// # Safety
/// Only the `export_*!` shim calls it, with the wasm arguments the host passed to the
/// export, as docs/ABI.md says: buffers in one block from `wasp_alloc`.
#[doc(hidden)]
#[allow(non_snake_case, unused_unsafe, clippy::too_many_arguments)]
#[inline(always)]
pub unsafe fn __wasp_Kv_count<__WaspPlugin: Kv>(
    __instance: &mut __WaspPlugin,
) -> ::wasp::__private::Ret<__wasp_Kv_count_ret> {
    ::wasp::__private::guest::enter();
    let __block = ::wasp::__private::guest::ArgBlock::new(0usize);
    let __result = <__WaspPlugin as Kv>::count(__instance);
    ::core::mem::drop(__block);
    <usize as ::wasp::__private::WireResult>::into_ret(__result)
}
#[doc(hidden)]
#[allow(non_camel_case_types)]
pub type __wasp_Kv_stats_p0 = ::wasp::__private::AbiOf<
    fn(<bool as ::wasp::__private::Wire>::Abi),
>;
#[doc(hidden)]
#[allow(non_camel_case_types)]
pub type __wasp_Kv_stats_ret = ::wasp::__private::AbiOf<
    fn(<Result<Stats<u64>, String> as ::wasp::__private::WireResult>::Abi),
>;
/// Runs the plugin's method for its export shim.
///
/// # Safety
/// Only the `export_*!` shim calls it, with the wasm arguments the host passed to the
/// export, as docs/ABI.md says: buffers in one block from `wasp_alloc`.
#[doc(hidden)]
#[allow(non_snake_case, unused_unsafe, clippy::too_many_arguments)]
#[inline(always)]
pub unsafe fn __wasp_Kv_stats<__WaspPlugin: Kv>(
    __instance: &mut __WaspPlugin,
    __w0_1: ::wasp::__private::P1<__wasp_Kv_stats_p0>,
    __w0_2: ::wasp::__private::P2<__wasp_Kv_stats_p0>,
) -> ::wasp::__private::Ret<__wasp_Kv_stats_ret> {
    ::wasp::__private::guest::enter();
    let __block = ::wasp::__private::guest::ArgBlock::new(
        0usize + <__wasp_Kv_stats_p0 as ::wasp::__private::Abi>::BUFFER as usize,
    );
    let __a0 = unsafe {
        <bool as ::wasp::__private::GuestParam<'_>>::from_abi(&__block, __w0_1, __w0_2)
    };
    let __result = <__WaspPlugin as Kv>::stats(__instance, __a0);
    ::core::mem::drop(__block);
    <Result<Stats<u64>, String> as ::wasp::__private::WireResult>::into_ret(__result)
}
#[doc(hidden)]
#[allow(non_camel_case_types)]
pub type __wasp_Kv_scale_p0 = ::wasp::__private::AbiOf<
    fn(<f64 as ::wasp::__private::Wire>::Abi),
>;
#[doc(hidden)]
#[allow(non_camel_case_types)]
pub type __wasp_Kv_scale_p1 = ::wasp::__private::AbiOf<
    fn(<&[u8] as ::wasp::__private::Wire>::Abi),
>;
#[doc(hidden)]
#[allow(non_camel_case_types)]
pub type __wasp_Kv_scale_p2 = ::wasp::__private::AbiOf<
    fn(<char as ::wasp::__private::Wire>::Abi),
>;
#[doc(hidden)]
#[allow(non_camel_case_types)]
pub type __wasp_Kv_scale_ret = ::wasp::__private::AbiOf<
    fn(<(f64, u8) as ::wasp::__private::WireResult>::Abi),
>;
/// Runs the plugin's method for its export shim.
///
/// # Safety
/// Only the `export_*!` shim calls it, with the wasm arguments the host passed to the
/// export, as docs/ABI.md says: buffers in one block from `wasp_alloc`.
#[doc(hidden)]
#[allow(non_snake_case, unused_unsafe, clippy::too_many_arguments)]
#[inline(always)]
pub unsafe fn __wasp_Kv_scale<__WaspPlugin: Kv>(
    __instance: &mut __WaspPlugin,
    __w0_1: ::wasp::__private::P1<__wasp_Kv_scale_p0>,
    __w0_2: ::wasp::__private::P2<__wasp_Kv_scale_p0>,
    __w1_1: ::wasp::__private::P1<__wasp_Kv_scale_p1>,
    __w1_2: ::wasp::__private::P2<__wasp_Kv_scale_p1>,
    __w2_1: ::wasp::__private::P1<__wasp_Kv_scale_p2>,
    __w2_2: ::wasp::__private::P2<__wasp_Kv_scale_p2>,
) -> ::wasp::__private::Ret<__wasp_Kv_scale_ret> {
    ::wasp::__private::guest::enter();
    let __block = ::wasp::__private::guest::ArgBlock::new(
        0usize + <__wasp_Kv_scale_p0 as ::wasp::__private::Abi>::BUFFER as usize
            + <__wasp_Kv_scale_p1 as ::wasp::__private::Abi>::BUFFER as usize
            + <__wasp_Kv_scale_p2 as ::wasp::__private::Abi>::BUFFER as usize,
    );
    let __a0 = unsafe {
        <f64 as ::wasp::__private::GuestParam<'_>>::from_abi(&__block, __w0_1, __w0_2)
    };
    let __a1 = unsafe {
        <&[u8] as ::wasp::__private::GuestParam<'_>>::from_abi(&__block, __w1_1, __w1_2)
    };
    let __a2 = unsafe {
        <char as ::wasp::__private::GuestParam<'_>>::from_abi(&__block, __w2_1, __w2_2)
    };
    let __result = <__WaspPlugin as Kv>::scale(__instance, __a0, __a1, __a2);
    ::core::mem::drop(__block);
    <(f64, u8) as ::wasp::__private::WireResult>::into_ret(__result)
}
#[doc(hidden)]
#[allow(non_camel_case_types)]
pub type __wasp_Kv_clear_p0 = ::wasp::__private::AbiOf<
    fn(<String as ::wasp::__private::Wire>::Abi),
>;
#[doc(hidden)]
#[allow(non_camel_case_types)]
pub type __wasp_Kv_clear_ret = ::wasp::__private::AbiOf<
    fn(<u32 as ::wasp::__private::WireResult>::Abi),
>;
/// Runs the plugin's method for its export shim.
///
/// # Safety
/// Only the `export_*!` shim calls it, with the wasm arguments the host passed to the
/// export, as docs/ABI.md says: buffers in one block from `wasp_alloc`.
#[doc(hidden)]
#[allow(non_snake_case, unused_unsafe, clippy::too_many_arguments)]
#[inline(always)]
pub unsafe fn __wasp_Kv_clear<__WaspPlugin: Kv>(
    __instance: &mut __WaspPlugin,
    __w0_1: ::wasp::__private::P1<__wasp_Kv_clear_p0>,
    __w0_2: ::wasp::__private::P2<__wasp_Kv_clear_p0>,
) -> ::wasp::__private::Ret<__wasp_Kv_clear_ret> {
    ::wasp::__private::guest::enter();
    let __block = ::wasp::__private::guest::ArgBlock::new(
        0usize + <__wasp_Kv_clear_p0 as ::wasp::__private::Abi>::BUFFER as usize,
    );
    let __a0 = unsafe {
        <String as ::wasp::__private::GuestParam<'_>>::from_abi(&__block, __w0_1, __w0_2)
    };
    let __result = <__WaspPlugin as Kv>::clear(__instance, __a0);
    ::core::mem::drop(__block);
    <u32 as ::wasp::__private::WireResult>::into_ret(__result)
}
/**Exports a plugin's implementation of `Kv`.

Call it once in the plugin crate: `export_kv!(MyType);` builds the object with `Default::default()` on the first call; `export_kv!(MyType, MyType::new());` names the constructor instead.*/
#[macro_export]
macro_rules! export_kv {
    ($ty:ty) => {
        $crate::export_kv!($ty, < $ty as ::core::default::Default > ::default());
    };
    ($ty:ty, $init:expr) => {
        #[allow(dead_code)] const _ : () = { static mut __WASP_INSTANCE :
        ::core::option::Option < $ty > = ::core::option::Option::None; #[inline] fn
        __wasp_instance() -> & 'static mut $ty { let slot = unsafe { & mut *
        ::core::ptr::addr_of_mut!(__WASP_INSTANCE) }; if slot.is_none() { * slot =
        ::core::option::Option::Some($init); } match slot {
        ::core::option::Option::Some(instance) => instance, ::core::option::Option::None
        => ::core::unreachable!(), } } #[cfg_attr(target_arch = "wasm32", unsafe
        (export_name = "wasp_contract_Kv"))] extern "C" fn __wasp_contract() -> i64 {
        ::wasp::__private::guest::enter(); ::wasp::__private::guest::return_string(< dyn
        $crate::Kv as ::wasp::Contract > ::descriptor().render(),) }
        #[cfg_attr(target_arch = "wasm32", unsafe (export_name = "get"))]
        #[allow(improper_ctypes_definitions)] extern "C" fn __wasp_export_get(__w0_1 :
        ::wasp::__private::P1 < $crate::__wasp_Kv_get_p0 >, __w0_2 :
        ::wasp::__private::P2 < $crate::__wasp_Kv_get_p0 >) -> ::wasp::__private::Ret <
        $crate::__wasp_Kv_get_ret > { unsafe { $crate::__wasp_Kv_get:: < $ty >
        (__wasp_instance(), __w0_1, __w0_2) } } #[cfg_attr(target_arch = "wasm32", unsafe
        (export_name = "put"))] #[allow(improper_ctypes_definitions)] extern "C" fn
        __wasp_export_put(__w0_1 : ::wasp::__private::P1 < $crate::__wasp_Kv_put_p0 >,
        __w0_2 : ::wasp::__private::P2 < $crate::__wasp_Kv_put_p0 >, __w1_1 :
        ::wasp::__private::P1 < $crate::__wasp_Kv_put_p1 >, __w1_2 :
        ::wasp::__private::P2 < $crate::__wasp_Kv_put_p1 >, __w2_1 :
        ::wasp::__private::P1 < $crate::__wasp_Kv_put_p2 >, __w2_2 :
        ::wasp::__private::P2 < $crate::__wasp_Kv_put_p2 >) -> ::wasp::__private::Ret <
        $crate::__wasp_Kv_put_ret > { unsafe { $crate::__wasp_Kv_put:: < $ty >
        (__wasp_instance(), __w0_1, __w0_2, __w1_1, __w1_2, __w2_1, __w2_2) } }
        #[cfg_attr(target_arch = "wasm32", unsafe (export_name = "count"))]
        #[allow(improper_ctypes_definitions)] extern "C" fn __wasp_export_count() ->
        ::wasp::__private::Ret < $crate::__wasp_Kv_count_ret > { unsafe {
        $crate::__wasp_Kv_count:: < $ty > (__wasp_instance(),) } } #[cfg_attr(target_arch
        = "wasm32", unsafe (export_name = "stats"))]
        #[allow(improper_ctypes_definitions)] extern "C" fn __wasp_export_stats(__w0_1 :
        ::wasp::__private::P1 < $crate::__wasp_Kv_stats_p0 >, __w0_2 :
        ::wasp::__private::P2 < $crate::__wasp_Kv_stats_p0 >) -> ::wasp::__private::Ret <
        $crate::__wasp_Kv_stats_ret > { unsafe { $crate::__wasp_Kv_stats:: < $ty >
        (__wasp_instance(), __w0_1, __w0_2) } } #[cfg_attr(target_arch = "wasm32", unsafe
        (export_name = "scale"))] #[allow(improper_ctypes_definitions)] extern "C" fn
        __wasp_export_scale(__w0_1 : ::wasp::__private::P1 < $crate::__wasp_Kv_scale_p0
        >, __w0_2 : ::wasp::__private::P2 < $crate::__wasp_Kv_scale_p0 >, __w1_1 :
        ::wasp::__private::P1 < $crate::__wasp_Kv_scale_p1 >, __w1_2 :
        ::wasp::__private::P2 < $crate::__wasp_Kv_scale_p1 >, __w2_1 :
        ::wasp::__private::P1 < $crate::__wasp_Kv_scale_p2 >, __w2_2 :
        ::wasp::__private::P2 < $crate::__wasp_Kv_scale_p2 >) -> ::wasp::__private::Ret <
        $crate::__wasp_Kv_scale_ret > { unsafe { $crate::__wasp_Kv_scale:: < $ty >
        (__wasp_instance(), __w0_1, __w0_2, __w1_1, __w1_2, __w2_1, __w2_2) } }
        #[cfg_attr(target_arch = "wasm32", unsafe (export_name = "kv_clear"))]
        #[allow(improper_ctypes_definitions)] extern "C" fn __wasp_export_clear(__w0_1 :
        ::wasp::__private::P1 < $crate::__wasp_Kv_clear_p0 >, __w0_2 :
        ::wasp::__private::P2 < $crate::__wasp_Kv_clear_p0 >) -> ::wasp::__private::Ret <
        $crate::__wasp_Kv_clear_ret > { unsafe { $crate::__wasp_Kv_clear:: < $ty >
        (__wasp_instance(), __w0_1, __w0_2) } } };
    };
}
