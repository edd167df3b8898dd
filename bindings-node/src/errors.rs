//! Core errors as the JavaScript error classes of `index.js` (`ConfigError`, `GoneException`, ...), each an `Error`
//! with `code` and `data`; and the glue `index.js` registers when it loads the addon.

use napi::bindgen_prelude::*;
use serde_json::{json, Value};
use wsgate_core::config::RegistrationError;
use wsgate_core::engine::SessionError;
use wsgate_core::server::ConnectionError;
use wsgate_core::ConfigError;

/// What `index.js` hands the addon once, at load.
pub struct Glue {
    /// `dispatcher(handlers, complete, region)`: returns the function the gateway's calls are delivered to.
    pub dispatcher:
        FunctionRef<FnArgs<(Unknown<'static>, Unknown<'static>, String)>, Unknown<'static>>,
    /// `makeError(kind, message, data)`: a new instance of the error class named `kind`.
    pub make_error: FunctionRef<FnArgs<(String, String, Value)>, Unknown<'static>>,
}

/// Registers `index.js`'s glue; called once by `index.js`, before anything else.
#[napi(skip_typescript)]
pub fn set_glue(
    env: Env,
    dispatcher: Function<FnArgs<(Unknown<'static>, Unknown<'static>, String)>, Unknown<'static>>,
    make_error: Function<FnArgs<(String, String, Value)>, Unknown<'static>>,
) -> Result<()> {
    let glue = Glue {
        dispatcher: dispatcher.create_ref()?,
        make_error: make_error.create_ref()?,
    };
    env.set_instance_data(glue, 0, |_| {})
}

pub fn glue(env: &Env) -> Result<&'static Glue> {
    let glue = env.get_instance_data::<Glue>()?;
    glue.map(|g| &*g).ok_or_else(|| {
        Error::from_reason("wsgate.node is loaded through the wsgate package, not on its own")
    })
}

/// A value of the current call's scope as an argument for a function reference (whose argument types cannot
/// borrow a scope); it is passed to JavaScript at once, while the scope lasts.
pub fn argument<T: ToNapiValue>(env: &Env, value: T) -> Result<Unknown<'static>> {
    // SAFETY: the value is live in this scope, and the result is only used within it.
    unsafe { Unknown::from_napi_value(env.raw(), T::to_napi_value(env.raw(), value)?) }
}

/// An error of the class named `kind`, to throw or reject with.
pub fn js_error(env: &Env, kind: &str, message: impl Into<String>, data: Value) -> Error {
    let message = message.into();
    let made = glue(env).and_then(|glue| {
        let make_error = glue.make_error.borrow_back(env)?;
        make_error.call((kind.to_string(), message.clone(), data).into())
    });
    match made {
        Ok(error) => Error::from(error),
        Err(e) => Error::from_reason(format!("{message} ({e})")),
    }
}

/// Anything wsgate refuses or cannot do.
pub fn gateway_error(env: &Env, message: impl Into<String>) -> Error {
    js_error(env, "GatewayError", message, json!({}))
}

/// `ConfigError`, with `data.problems`: every problem of the definition, each `{path, code, message, file, line}`.
pub fn config_error(env: &Env, error: &ConfigError) -> Error {
    js_error(
        env,
        "ConfigError",
        error.to_string(),
        json!({ "problems": error.problems }),
    )
}

/// A failed `@connections` call as the error the aws-sdk throws for it, named by the core's code, with the
/// core's HTTP status.
pub fn connection_error(env: &Env, id: &str, error: ConnectionError) -> Error {
    js_error(
        env,
        error.code(),
        error.describe(id),
        json!({ "connectionId": id, "httpStatusCode": error.status() }),
    )
}

/// `SessionError`, with the core's `code`: a simulated connection could not run a step.
pub fn session_error(env: &Env, error: &SessionError) -> Error {
    js_error(
        env,
        "SessionError",
        error.to_string(),
        json!({ "code": error.code() }),
    )
}

/// `RegistrationError`, with the core's `code`: a handler cannot serve what it was registered for.
pub fn registration_error(env: &Env, error: &RegistrationError) -> Error {
    js_error(
        env,
        "RegistrationError",
        error.to_string(),
        json!({ "code": error.code() }),
    )
}
