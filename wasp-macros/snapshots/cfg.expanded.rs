pub trait ClockHost {
    fn now(&mut self) -> u64;
    #[cfg(feature = "trace")]
    fn trace(&mut self, line: &str);
    fn zone(&mut self) -> String;
}
impl ::wasp::HostInterface for dyn ClockHost {
    fn describe(
        __types: &mut ::wasp::descriptor::Types,
    ) -> ::core::option::Option<::wasp::descriptor::HostInterface> {
        ::core::option::Option::Some(::wasp::descriptor::HostInterface {
            module: ::std::string::String::from("ClockHost"),
            functions: {
                let mut methods = ::std::vec::Vec::new();
                methods
                    .push(
                        ::wasp::__private::function(
                            "now",
                            1u32,
                            ::std::vec![],
                            <u64 as ::wasp::__private::WireResult>::wire_type(__types),
                        ),
                    );
                #[cfg(feature = "trace")]
                methods
                    .push(
                        ::wasp::__private::function(
                            "trace",
                            1u32,
                            ::std::vec![
                                < & str as ::wasp::__private::Wire > ::wire_type(__types)
                            ],
                            <() as ::wasp::__private::WireResult>::wire_type(__types),
                        ),
                    );
                methods
                    .push(
                        ::wasp::__private::function(
                            "zone",
                            1u32,
                            ::std::vec![],
                            <String as ::wasp::__private::WireResult>::wire_type(__types),
                        ),
                    );
                methods
            },
        })
    }
}
#[doc(hidden)]
pub struct __WaspClockHostDispatch<__WaspHost>(__WaspHost);
impl<
    __WaspHost: ClockHost + ::core::marker::Send + 'static,
> ::wasp::__private::HostDispatch for __WaspClockHostDispatch<__WaspHost> {
    #[allow(unused_variables)]
    fn call(
        &mut self,
        function: usize,
        memory: &[u8],
        args: &[u64],
    ) -> ::core::result::Result<::wasp::__private::HostReturn, ::wasp::Error> {
        match function {
            __function if __function == 0usize => {
                let mut __args = ::wasp::__private::HostArgs::new(
                    "now",
                    memory,
                    args,
                    0usize,
                )?;
                let __r = <__WaspHost as ClockHost>::now(&mut self.0);
                <u64 as ::wasp::__private::WireResult>::host_return(__r, "now")
            }
            #[cfg(feature = "trace")]
            __function if __function == 1usize => {
                let mut __args = ::wasp::__private::HostArgs::new(
                    "trace",
                    memory,
                    args,
                    0usize
                        + <<&str as ::wasp::__private::Wire>::Abi as ::wasp::__private::Abi>::PARAMS
                            .len(),
                )?;
                let __a0 = __args.lift::<&str>()?;
                let __r = <__WaspHost as ClockHost>::trace(&mut self.0, __a0);
                <() as ::wasp::__private::WireResult>::host_return(__r, "trace")
            }
            __function if __function
                == (0usize + (cfg!(all()) as usize)
                    + (cfg!(all(feature = "trace")) as usize)) => {
                let mut __args = ::wasp::__private::HostArgs::new(
                    "zone",
                    memory,
                    args,
                    0usize,
                )?;
                let __r = <__WaspHost as ClockHost>::zone(&mut self.0);
                <String as ::wasp::__private::WireResult>::host_return(__r, "zone")
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
    __WaspHost: ClockHost + ::core::marker::Send + 'static,
> ::wasp::HostContract<__WaspHost> for dyn ClockHost {
    fn into_dispatch(
        host: __WaspHost,
    ) -> ::std::boxed::Box<dyn ::wasp::__private::HostDispatch> {
        ::std::boxed::Box::new(__WaspClockHostDispatch(host))
    }
}
/**[`ClockHost`] for hosts whose functions await: the same functions, each returning a future, which the host implements with `async fn`. The plugin still calls plain functions; an async instance (`wasp_host`'s `plugin.instantiate_async(host)`) suspends it while the future runs and lets other calls progress on the same thread.

Host side only: plugins never see it.*/
#[cfg(not(target_arch = "wasm32"))]
pub trait AsyncClockHost: ::core::marker::Send + 'static {
    ///The host function `now`, as a future the host awaits.
    fn now(
        &mut self,
    ) -> impl ::core::future::Future<Output = u64> + ::core::marker::Send;
    #[cfg(feature = "trace")]
    ///The host function `trace`, as a future the host awaits.
    fn trace(
        &mut self,
        line: &str,
    ) -> impl ::core::future::Future<Output = ()> + ::core::marker::Send;
    ///The host function `zone`, as a future the host awaits.
    fn zone(
        &mut self,
    ) -> impl ::core::future::Future<Output = String> + ::core::marker::Send;
}
#[doc(hidden)]
#[cfg(not(target_arch = "wasm32"))]
pub struct __WaspAsyncClockHostDispatch<__WaspHost>(__WaspHost);
#[cfg(not(target_arch = "wasm32"))]
impl<__WaspHost: AsyncClockHost> ::wasp::__private::AsyncHostDispatch
for __WaspAsyncClockHostDispatch<__WaspHost> {
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
            __function if __function == 0usize => {
                ::std::boxed::Box::pin(async move {
                    let mut __args = ::wasp::__private::HostArgs::new(
                        "now",
                        memory,
                        args,
                        0usize,
                    )?;
                    let _ = __args;
                    let __r = <__WaspHost as AsyncClockHost>::now(&mut self.0).await;
                    <u64 as ::wasp::__private::WireResult>::host_return(__r, "now")
                })
            }
            #[cfg(feature = "trace")]
            __function if __function == 1usize => {
                ::std::boxed::Box::pin(async move {
                    let (__a0,) = {
                        let mut __args = ::wasp::__private::HostArgs::new(
                            "trace",
                            memory,
                            args,
                            0usize
                                + <<&str as ::wasp::__private::Wire>::Abi as ::wasp::__private::Abi>::PARAMS
                                    .len(),
                        )?;
                        let __a0 = __args.lift::<&str>()?;
                        (__a0,)
                    };
                    let __r = <__WaspHost as AsyncClockHost>::trace(&mut self.0, __a0)
                        .await;
                    <() as ::wasp::__private::WireResult>::host_return(__r, "trace")
                })
            }
            __function if __function
                == (0usize + (cfg!(all()) as usize)
                    + (cfg!(all(feature = "trace")) as usize)) => {
                ::std::boxed::Box::pin(async move {
                    let mut __args = ::wasp::__private::HostArgs::new(
                        "zone",
                        memory,
                        args,
                        0usize,
                    )?;
                    let _ = __args;
                    let __r = <__WaspHost as AsyncClockHost>::zone(&mut self.0).await;
                    <String as ::wasp::__private::WireResult>::host_return(__r, "zone")
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
impl<__WaspHost: AsyncClockHost> ::wasp::AsyncHostContract<__WaspHost>
for dyn ClockHost {
    fn into_async_dispatch(
        host: __WaspHost,
    ) -> ::std::boxed::Box<dyn ::wasp::__private::AsyncHostDispatch> {
        ::std::boxed::Box::new(__WaspAsyncClockHostDispatch(host))
    }
}
/**Plugin-side calls to the host functions of [`ClockHost`].

On wasm32 they call the host engine. On other targets, for a plugin's own tests, they call the value a test installed on its thread with [`set_host`](self::set_host), and panic if there is none.*/
pub mod clock_host {
    #[allow(unused_imports)]
    use super::*;
    #[cfg(target_arch = "wasm32")]
    #[link(wasm_import_module = "ClockHost")]
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
    #[cfg(feature = "trace")]
    #[cfg(target_arch = "wasm32")]
    #[link(wasm_import_module = "ClockHost")]
    #[allow(improper_ctypes)]
    unsafe extern "C" {
        #[link_name = "trace"]
        fn __wasp_import_trace(
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
    #[cfg(feature = "trace")]
    #[cfg(target_arch = "wasm32")]
    ///Calls the host function `trace`.
    pub fn trace(line: &str) {
        let mut __keep0 = ::std::vec::Vec::new();
        let (__w0_1, __w0_2) = <&str as ::wasp::__private::Wire>::import_arg(
            &line,
            &mut __keep0,
        );
        let __raw = unsafe { __wasp_import_trace(__w0_1, __w0_2) };
        unsafe { <() as ::wasp::__private::WireResult>::from_host_ret(__raw) }
    }
    #[cfg(target_arch = "wasm32")]
    #[link(wasm_import_module = "ClockHost")]
    #[allow(improper_ctypes)]
    unsafe extern "C" {
        #[link_name = "zone"]
        fn __wasp_import_zone() -> ::wasp::__private::Ret<
            ::wasp::__private::AbiOf<fn(<String as ::wasp::__private::WireResult>::Abi)>,
        >;
    }
    #[cfg(target_arch = "wasm32")]
    ///Calls the host function `zone`.
    pub fn zone() -> String {
        let __raw = unsafe { __wasp_import_zone() };
        unsafe { <String as ::wasp::__private::WireResult>::from_host_ret(__raw) }
    }
    /// How a native build views the installed host as the trait object.
    #[cfg(not(target_arch = "wasm32"))]
    type __WaspView = for<'a> fn(
        &'a mut dyn ::core::any::Any,
    ) -> &'a mut dyn super::ClockHost;
    /// Installs `host` as this thread's host, which the functions of this module call
    /// when the plugin is compiled natively (its own `cargo test`); replaces the one
    /// installed before.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn set_host<H: super::ClockHost + 'static>(host: H) {
        fn view<H: super::ClockHost + 'static>(
            host: &mut dyn ::core::any::Any,
        ) -> &mut dyn super::ClockHost {
            match host.downcast_mut::<H>() {
                ::core::option::Option::Some(host) => host,
                ::core::option::Option::None => ::core::unreachable!(),
            }
        }
        let view: __WaspView = view::<H>;
        ::wasp::__private::native::install::<
            dyn super::ClockHost,
        >(::std::boxed::Box::new(host), ::std::boxed::Box::new(view));
    }
    /// Removes this thread's host (see [`set_host`]) and returns it, so that a test
    /// can look at what the plugin did to it; `None` if none is installed or it is
    /// not an `H`.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn take_host<H: super::ClockHost + 'static>() -> ::core::option::Option<H> {
        let host = ::wasp::__private::native::take::<dyn super::ClockHost>()?;
        host.downcast::<H>().ok().map(|host| *host)
    }
    #[cfg(not(target_arch = "wasm32"))]
    ///Calls the host function `now` of the host installed with [`set_host`].
    pub fn now() -> u64 {
        ::wasp::__private::native::with::<
            dyn super::ClockHost,
            _,
        >(
            "clock_host",
            "now",
            |__host, __view| {
                let __host = match __view.downcast_ref::<__WaspView>() {
                    ::core::option::Option::Some(view) => view(__host),
                    ::core::option::Option::None => ::core::unreachable!(),
                };
                super::ClockHost::now(__host)
            },
        )
    }
    #[cfg(feature = "trace")]
    #[cfg(not(target_arch = "wasm32"))]
    ///Calls the host function `trace` of the host installed with [`set_host`].
    pub fn trace(line: &str) {
        ::wasp::__private::native::with::<
            dyn super::ClockHost,
            _,
        >(
            "clock_host",
            "trace",
            |__host, __view| {
                let __host = match __view.downcast_ref::<__WaspView>() {
                    ::core::option::Option::Some(view) => view(__host),
                    ::core::option::Option::None => ::core::unreachable!(),
                };
                super::ClockHost::trace(__host, line)
            },
        )
    }
    #[cfg(not(target_arch = "wasm32"))]
    ///Calls the host function `zone` of the host installed with [`set_host`].
    pub fn zone() -> String {
        ::wasp::__private::native::with::<
            dyn super::ClockHost,
            _,
        >(
            "clock_host",
            "zone",
            |__host, __view| {
                let __host = match __view.downcast_ref::<__WaspView>() {
                    ::core::option::Option::Some(view) => view(__host),
                    ::core::option::Option::None => ::core::unreachable!(),
                };
                super::ClockHost::zone(__host)
            },
        )
    }
}
pub trait Clock {
    #[cfg(unix)]
    fn tick(&mut self) -> u64;
    #[cfg(feature = "v3")]
    fn reset(&mut self, to: u64);
    fn read(&self, label: &str) -> Option<u64>;
}
/**Typed handle to one instance of a plugin that implements [`Clock`].

Each method mirrors `Clock`'s, takes `&mut self` (one caller at a time) and returns `Result<T, wasp::Error>`. Get one from a host engine, e.g. `wasp_host`'s `plugin.instantiate(...)`.*/
pub struct ClockHandle<B> {
    backend: B,
}
impl<B: ::wasp::__private::Backend> ::wasp::Handle<B> for ClockHandle<B> {
    fn from_backend(backend: B) -> Self {
        ClockHandle { backend }
    }
    fn backend(&self) -> &B {
        &self.backend
    }
    fn backend_mut(&mut self) -> &mut B {
        &mut self.backend
    }
}
impl<B: ::wasp::__private::Backend> ::wasp::HandleFor<B> for dyn Clock {
    type Handle = ClockHandle<B>;
}
impl<B: ::wasp::__private::Backend> ClockHandle<B> {
    #[cfg(unix)]
    ///Calls the plugin's `tick`.
    ///
    /// # Errors
    /// Any [`wasp::Error`] of the call itself; a `Result` the method returns is the value.
    pub fn tick(&mut self) -> ::core::result::Result<u64, ::wasp::Error> {
        let mut __args = ::wasp::__private::CallArgs::new();
        ::wasp::__private::Backend::call::<u64>(&mut self.backend, 0usize, &mut __args)
    }
    #[cfg(feature = "v3")]
    ///Calls the plugin's `reset`.
    ///
    /// # Errors
    /// Any [`wasp::Error`] of the call itself; a `Result` the method returns is the value.
    pub fn reset(&mut self, to: u64) -> ::core::result::Result<(), ::wasp::Error> {
        let mut __args = ::wasp::__private::CallArgs::new();
        <u64 as ::wasp::__private::Wire>::lower(&to, "reset", &mut __args)?;
        ::wasp::__private::Backend::call::<
            (),
        >(&mut self.backend, (0usize + (cfg!(all(unix)) as usize)), &mut __args)
    }
    ///Calls the plugin's `read`.
    ///
    /// # Errors
    /// Any [`wasp::Error`] of the call itself; a `Result` the method returns is the value.
    pub fn read(
        &mut self,
        label: &str,
    ) -> ::core::result::Result<Option<u64>, ::wasp::Error> {
        let mut __args = ::wasp::__private::CallArgs::new();
        <&str as ::wasp::__private::Wire>::lower(&label, "read", &mut __args)?;
        ::wasp::__private::Backend::call::<
            Option<u64>,
        >(
            &mut self.backend,
            (0usize + (cfg!(all(unix)) as usize) + (cfg!(all(feature = "v3")) as usize)),
            &mut __args,
        )
    }
}
/**Typed async handle to one instance of a plugin that implements [`Clock`].

Each method mirrors `Clock`'s as an `async fn`: it takes `&mut self` (one caller at a time) and its future resolves to `Result<T, wasp::Error>`, as the blocking handle's call does. Dropping the future before it resolves cancels the call. Get one from a host engine, e.g. `wasp_host`'s `plugin.instantiate_async(...)`.*/
#[repr(transparent)]
pub struct ClockAsyncHandle<B> {
    backend: B,
}
impl<B: ::wasp::__private::AsyncBackend> ::wasp::Handle<B> for ClockAsyncHandle<B> {
    fn from_backend(backend: B) -> Self {
        ClockAsyncHandle { backend }
    }
    fn backend(&self) -> &B {
        &self.backend
    }
    fn backend_mut(&mut self) -> &mut B {
        &mut self.backend
    }
}
unsafe impl<B: ::wasp::__private::AsyncBackend> ::wasp::AsyncHandleFor<B> for dyn Clock {
    type AsyncHandle = ClockAsyncHandle<B>;
}
impl<B: ::wasp::__private::AsyncBackend> ClockAsyncHandle<B> {
    #[cfg(unix)]
    ///Calls the plugin's `tick`; dropping the future before it resolves cancels the call.
    ///
    /// # Errors
    /// Any [`wasp::Error`] of the call itself; a `Result` the method returns is the value.
    pub async fn tick(&mut self) -> ::core::result::Result<u64, ::wasp::Error> {
        let mut __args = ::wasp::__private::CallArgs::new();
        ::wasp::__private::AsyncBackend::call_async::<
            u64,
        >(&mut self.backend, 0usize, &mut __args)
            .await
    }
    #[cfg(feature = "v3")]
    ///Calls the plugin's `reset`; dropping the future before it resolves cancels the call.
    ///
    /// # Errors
    /// Any [`wasp::Error`] of the call itself; a `Result` the method returns is the value.
    pub async fn reset(&mut self, to: u64) -> ::core::result::Result<(), ::wasp::Error> {
        let mut __args = ::wasp::__private::CallArgs::new();
        <u64 as ::wasp::__private::Wire>::lower(&to, "reset", &mut __args)?;
        ::wasp::__private::AsyncBackend::call_async::<
            (),
        >(&mut self.backend, (0usize + (cfg!(all(unix)) as usize)), &mut __args)
            .await
    }
    ///Calls the plugin's `read`; dropping the future before it resolves cancels the call.
    ///
    /// # Errors
    /// Any [`wasp::Error`] of the call itself; a `Result` the method returns is the value.
    pub async fn read(
        &mut self,
        label: &str,
    ) -> ::core::result::Result<Option<u64>, ::wasp::Error> {
        let mut __args = ::wasp::__private::CallArgs::new();
        <&str as ::wasp::__private::Wire>::lower(&label, "read", &mut __args)?;
        ::wasp::__private::AsyncBackend::call_async::<
            Option<u64>,
        >(
                &mut self.backend,
                (0usize + (cfg!(all(unix)) as usize)
                    + (cfg!(all(feature = "v3")) as usize)),
                &mut __args,
            )
            .await
    }
}
impl ::wasp::Contract for dyn Clock {
    type Host = dyn ClockHost;
    const NAME: &'static str = "Clock";
    const VERSION: u32 = {
        let mut v = 1u32;
        if cfg!(all(unix)) && 1u32 > v {
            v = 1u32;
        }
        if cfg!(all(feature = "v3")) && 3u32 > v {
            v = 3u32;
        }
        if cfg!(all()) && 1u32 > v {
            v = 1u32;
        }
        v
    };
    const METHODS: &'static [&'static str] = &[
        #[cfg(unix)]
        "tick",
        #[cfg(feature = "v3")]
        "reset",
        "read",
    ];
    fn descriptor() -> ::wasp::descriptor::Contract {
        let mut __types = ::wasp::descriptor::Types::new();
        let __types = &mut __types;
        let methods = {
            let mut methods = ::std::vec::Vec::new();
            #[cfg(unix)]
            methods
                .push(
                    ::wasp::__private::function(
                        "tick",
                        1u32,
                        ::std::vec![],
                        <u64 as ::wasp::__private::WireResult>::wire_type(__types),
                    ),
                );
            #[cfg(feature = "v3")]
            methods
                .push(
                    ::wasp::__private::function(
                        "reset",
                        3u32,
                        ::std::vec![
                            < u64 as ::wasp::__private::Wire > ::wire_type(__types)
                        ],
                        <() as ::wasp::__private::WireResult>::wire_type(__types),
                    ),
                );
            methods
                .push(
                    ::wasp::__private::function(
                        "read",
                        1u32,
                        ::std::vec![
                            < & str as ::wasp::__private::Wire > ::wire_type(__types)
                        ],
                        <Option<
                            u64,
                        > as ::wasp::__private::WireResult>::wire_type(__types),
                    ),
                );
            methods
        };
        let host = <dyn ClockHost as ::wasp::HostInterface>::describe(__types);
        ::wasp::descriptor::Contract::new(
            "Clock",
            methods,
            host,
            ::core::mem::take(__types),
        )
    }
}
#[cfg(unix)]
#[doc(hidden)]
#[allow(non_camel_case_types)]
pub type __wasp_Clock_tick_ret = ::wasp::__private::AbiOf<
    fn(<u64 as ::wasp::__private::WireResult>::Abi),
>;
/// Runs the plugin's method for its export shim.
///
/// # Safety
/// Only the `export_*!` shim calls it, with the wasm arguments the host passed to the
/// export, as docs/ABI.md says: buffers in one block from `wasp_alloc`.
#[cfg(unix)]
#[doc(hidden)]
#[allow(non_snake_case, unused_unsafe, clippy::too_many_arguments)]
#[inline(always)]
pub unsafe fn __wasp_Clock_tick<__WaspPlugin: Clock>(
    __instance: &mut __WaspPlugin,
) -> ::wasp::__private::Ret<__wasp_Clock_tick_ret> {
    ::wasp::__private::guest::enter();
    let __block = ::wasp::__private::guest::ArgBlock::new(0usize);
    let __result = <__WaspPlugin as Clock>::tick(__instance);
    ::core::mem::drop(__block);
    <u64 as ::wasp::__private::WireResult>::into_ret(__result)
}
#[cfg(feature = "v3")]
#[doc(hidden)]
#[allow(non_camel_case_types)]
pub type __wasp_Clock_reset_p0 = ::wasp::__private::AbiOf<
    fn(<u64 as ::wasp::__private::Wire>::Abi),
>;
#[cfg(feature = "v3")]
#[doc(hidden)]
#[allow(non_camel_case_types)]
pub type __wasp_Clock_reset_ret = ::wasp::__private::AbiOf<
    fn(<() as ::wasp::__private::WireResult>::Abi),
>;
/// Runs the plugin's method for its export shim.
///
/// # Safety
/// Only the `export_*!` shim calls it, with the wasm arguments the host passed to the
/// export, as docs/ABI.md says: buffers in one block from `wasp_alloc`.
#[cfg(feature = "v3")]
#[doc(hidden)]
#[allow(non_snake_case, unused_unsafe, clippy::too_many_arguments)]
#[inline(always)]
pub unsafe fn __wasp_Clock_reset<__WaspPlugin: Clock>(
    __instance: &mut __WaspPlugin,
    __w0_1: ::wasp::__private::P1<__wasp_Clock_reset_p0>,
    __w0_2: ::wasp::__private::P2<__wasp_Clock_reset_p0>,
) -> ::wasp::__private::Ret<__wasp_Clock_reset_ret> {
    ::wasp::__private::guest::enter();
    let __block = ::wasp::__private::guest::ArgBlock::new(
        0usize + <__wasp_Clock_reset_p0 as ::wasp::__private::Abi>::BUFFER as usize,
    );
    let __a0 = unsafe {
        <u64 as ::wasp::__private::GuestParam<'_>>::from_abi(&__block, __w0_1, __w0_2)
    };
    let __result = <__WaspPlugin as Clock>::reset(__instance, __a0);
    ::core::mem::drop(__block);
    <() as ::wasp::__private::WireResult>::into_ret(__result)
}
#[doc(hidden)]
#[allow(non_camel_case_types)]
pub type __wasp_Clock_read_p0 = ::wasp::__private::AbiOf<
    fn(<&str as ::wasp::__private::Wire>::Abi),
>;
#[doc(hidden)]
#[allow(non_camel_case_types)]
pub type __wasp_Clock_read_ret = ::wasp::__private::AbiOf<
    fn(<Option<u64> as ::wasp::__private::WireResult>::Abi),
>;
/// Runs the plugin's method for its export shim.
///
/// # Safety
/// Only the `export_*!` shim calls it, with the wasm arguments the host passed to the
/// export, as docs/ABI.md says: buffers in one block from `wasp_alloc`.
#[doc(hidden)]
#[allow(non_snake_case, unused_unsafe, clippy::too_many_arguments)]
#[inline(always)]
pub unsafe fn __wasp_Clock_read<__WaspPlugin: Clock>(
    __instance: &mut __WaspPlugin,
    __w0_1: ::wasp::__private::P1<__wasp_Clock_read_p0>,
    __w0_2: ::wasp::__private::P2<__wasp_Clock_read_p0>,
) -> ::wasp::__private::Ret<__wasp_Clock_read_ret> {
    ::wasp::__private::guest::enter();
    let __block = ::wasp::__private::guest::ArgBlock::new(
        0usize + <__wasp_Clock_read_p0 as ::wasp::__private::Abi>::BUFFER as usize,
    );
    let __a0 = unsafe {
        <&str as ::wasp::__private::GuestParam<'_>>::from_abi(&__block, __w0_1, __w0_2)
    };
    let __result = <__WaspPlugin as Clock>::read(__instance, __a0);
    ::core::mem::drop(__block);
    <Option<u64> as ::wasp::__private::WireResult>::into_ret(__result)
}
#[cfg(all(unix))]
#[doc(hidden)]
#[macro_export]
macro_rules! __wasp_export_Clock_tick {
    ($ty:ty) => {
        #[cfg_attr(target_arch = "wasm32", unsafe (export_name = "tick"))]
        #[allow(improper_ctypes_definitions)] extern "C" fn __wasp_export_tick() ->
        ::wasp::__private::Ret < $crate::__wasp_Clock_tick_ret > { unsafe {
        $crate::__wasp_Clock_tick:: < $ty > (__wasp_instance(),) } }
    };
}
#[cfg(not(all(unix)))]
#[doc(hidden)]
#[macro_export]
macro_rules! __wasp_export_Clock_tick {
    ($ty:ty) => {};
}
#[cfg(all(feature = "v3"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __wasp_export_Clock_reset {
    ($ty:ty) => {
        #[cfg_attr(target_arch = "wasm32", unsafe (export_name = "reset"))]
        #[allow(improper_ctypes_definitions)] extern "C" fn __wasp_export_reset(__w0_1 :
        ::wasp::__private::P1 < $crate::__wasp_Clock_reset_p0 >, __w0_2 :
        ::wasp::__private::P2 < $crate::__wasp_Clock_reset_p0 >) ->
        ::wasp::__private::Ret < $crate::__wasp_Clock_reset_ret > { unsafe {
        $crate::__wasp_Clock_reset:: < $ty > (__wasp_instance(), __w0_1, __w0_2) } }
    };
}
#[cfg(not(all(feature = "v3")))]
#[doc(hidden)]
#[macro_export]
macro_rules! __wasp_export_Clock_reset {
    ($ty:ty) => {};
}
/**Exports a plugin's implementation of `Clock`.

Call it once in the plugin crate: `export_clock!(MyType);` builds the object with `Default::default()` on the first call; `export_clock!(MyType, MyType::new());` names the constructor instead.*/
#[macro_export]
macro_rules! export_clock {
    ($ty:ty) => {
        $crate::export_clock!($ty, < $ty as ::core::default::Default > ::default());
    };
    ($ty:ty, $init:expr) => {
        #[allow(dead_code)] const _ : () = { static mut __WASP_INSTANCE :
        ::core::option::Option < $ty > = ::core::option::Option::None; #[inline] fn
        __wasp_instance() -> & 'static mut $ty { let slot = unsafe { & mut *
        ::core::ptr::addr_of_mut!(__WASP_INSTANCE) }; if slot.is_none() { * slot =
        ::core::option::Option::Some($init); } match slot {
        ::core::option::Option::Some(instance) => instance, ::core::option::Option::None
        => ::core::unreachable!(), } } #[cfg_attr(target_arch = "wasm32", unsafe
        (export_name = "wasp_contract_Clock"))] extern "C" fn __wasp_contract() -> i64 {
        ::wasp::__private::guest::enter(); ::wasp::__private::guest::return_string(< dyn
        $crate::Clock as ::wasp::Contract > ::descriptor().render(),) }
        $crate::__wasp_export_Clock_tick!($ty); $crate::__wasp_export_Clock_reset!($ty);
        #[cfg_attr(target_arch = "wasm32", unsafe (export_name = "read"))]
        #[allow(improper_ctypes_definitions)] extern "C" fn __wasp_export_read(__w0_1 :
        ::wasp::__private::P1 < $crate::__wasp_Clock_read_p0 >, __w0_2 :
        ::wasp::__private::P2 < $crate::__wasp_Clock_read_p0 >) -> ::wasp::__private::Ret
        < $crate::__wasp_Clock_read_ret > { unsafe { $crate::__wasp_Clock_read:: < $ty >
        (__wasp_instance(), __w0_1, __w0_2) } } };
    };
}
