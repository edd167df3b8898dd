//! `wsgate.node`, the addon under the `wsgate` npm package: wsgate-core's API definition, simulated sessions and
//! server, translated to JavaScript and nothing more. Routing and every API Gateway behaviour stay in the core;
//! `index.js` adds what only JavaScript can do (calling handlers, awaiting their Promises) and the error classes.

// napi-derive registers exports only outside `cfg(test)`, so in the (empty) test build they look unused.
#![cfg_attr(test, allow(dead_code))]

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[macro_use]
extern crate napi_derive;

/// napi-rs runs every gateway of the process on this runtime, which leaves a core to JavaScript's thread.
#[napi_derive::module_init]
fn init() {
    let runtime = wsgate_core::server::package_runtime().expect("a tokio runtime");
    napi::bindgen_prelude::create_custom_tokio_runtime(runtime);
}

mod api;
mod cli;
mod connections;
mod context;
mod dispatch;
mod errors;
mod gateway;
mod server;
