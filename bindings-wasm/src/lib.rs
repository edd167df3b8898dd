//! `wsgate-wasm`: the engine in the browser (and in Node, as WebAssembly), for the route playground. No I/O and
//! no clock: what the integration does is given, not called. Values cross as plain JS objects in the shapes the
//! CLI and the other bindings use (contract.d.ts); errors are data too, named as the Node package's classes:
//! `{ name: 'ConfigError', message, problems }`, `{ name: 'SessionError', code, message }`, or
//! `{ name: 'GatewayError', message }` for a value that is no JSON at all.

mod convert;

use std::sync::Arc;

use serde::Serialize;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wsgate_core::engine::lambda_context::{log_stream_name, LambdaContext, MEMORY_LIMIT_IN_MB};
use wsgate_core::engine::{self, Session as CoreSession, SessionError};
use wsgate_core::Engine;

use convert::SimulateError;

#[wasm_bindgen(typescript_custom_section)]
const CONTRACT: &'static str = r#"
import type { LambdaContextValues, Problem, SessionOptions, SimulateOptions, Step, Trace } from './contract'
export * from './contract'
/** An API definition: YAML or JSON text, or the definition as an object. */
export type Definition = string | Record<string, unknown>
"#;

/// Plain objects and arrays, never `Map`s, so that results read as JSON does.
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| error(json!({ "name": "GatewayError", "message": e.to_string() })))
}

fn from_js(value: JsValue, what: &str) -> Result<Value, JsValue> {
    if value.is_undefined() {
        return Ok(Value::Null);
    }
    serde_wasm_bindgen::from_value(value)
        .map_err(|e| error(json!({ "name": "GatewayError", "message": format!("{what}: {e}") })))
}

fn error(error: Value) -> JsValue {
    let message = error["message"].as_str().unwrap_or_default().to_string();
    to_js(&error).unwrap_or_else(|_| JsValue::from_str(&message))
}

fn config_error(problems: Vec<Value>) -> JsValue {
    error(
        json!({ "name": "ConfigError", "message": "the definition has problems", "problems": problems }),
    )
}

fn session_error(e: &SessionError) -> JsValue {
    error(json!({ "name": "SessionError", "code": e.code(), "message": e.to_string() }))
}

/// Every problem of a definition (YAML or JSON text, or an object), each `{ code, path, line, message }`; an empty
/// array when it loads.
#[wasm_bindgen(unchecked_return_type = "Problem[]")]
pub fn check(
    #[wasm_bindgen(unchecked_param_type = "Definition")] definition: JsValue,
) -> Result<JsValue, JsValue> {
    to_js(&convert::check(&from_js(definition, "the definition")?))
}

/// What the gateway does with `message` on a new connection: the trace of `wsgate route`. `options`:
/// `{ result, functionError, timeout, fragments, binary }`.
#[wasm_bindgen(unchecked_return_type = "Trace")]
pub fn simulate(
    #[wasm_bindgen(unchecked_param_type = "Definition")] definition: JsValue,
    message: &str,
    #[wasm_bindgen(unchecked_optional_param_type = "SimulateOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let definition = from_js(definition, "the definition")?;
    let options = from_js(options, "the options")?;
    match convert::simulate(&definition, message, options) {
        Ok(trace) => to_js(&trace),
        Err(SimulateError::Definition(problems)) => Err(config_error(problems)),
        Err(SimulateError::Session(e)) => Err(session_error(&e)),
    }
}

/// One simulated connection: `step({connect: true})`, `step({message})`, `step({disconnect})`... as the steps of
/// `tests/vectors`, each returning its trace; ids and `connectedAt` stay those of this connection.
#[wasm_bindgen]
pub struct Session {
    session: CoreSession,
}

#[wasm_bindgen]
impl Session {
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "Definition")] definition: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "SessionOptions")] options: JsValue,
    ) -> Result<Session, JsValue> {
        let api = convert::load(&from_js(definition, "the definition")?)
            .map_err(|e| config_error(convert::problems(&e)))?;
        let options = engine::options(from_js(options, "the session options")?)
            .map_err(|e| session_error(&e))?;
        Ok(Session {
            session: CoreSession::new(Arc::new(Engine::new(api)), options),
        })
    }

    #[wasm_bindgen(unchecked_return_type = "Trace")]
    pub fn step(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Step")] step: JsValue,
    ) -> Result<JsValue, JsValue> {
        let step = from_js(step, "the step")?;
        let trace = self.session.step(&step).map_err(|e| session_error(&e))?;
        to_js(&trace)
    }

    /// The trace `step` would give, leaving the connection as it is: the playground learns the integration's
    /// event this way, asks the user's function, then runs the real step with its answer (same ids, same event).
    #[wasm_bindgen(unchecked_return_type = "Trace")]
    pub fn preview(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Step")] step: JsValue,
    ) -> Result<JsValue, JsValue> {
        let step = from_js(step, "the step")?;
        let trace = self
            .session
            .clone()
            .step(&step)
            .map_err(|e| session_error(&e))?;
        to_js(&trace)
    }

    /// The Lambda context's values for a call of `functionName` in the API's region, as the Node package's
    /// `LambdaContext` has them; the function's instance started at `startedMs` and is named by `instance` (32 hex
    /// digits), as its log stream is.
    #[wasm_bindgen(js_name = lambdaContext, unchecked_return_type = "LambdaContextValues")]
    pub fn lambda_context(
        &self,
        #[wasm_bindgen(js_name = functionName)] function_name: &str,
        #[wasm_bindgen(js_name = startedMs)] started_ms: f64,
        instance: &str,
    ) -> Result<JsValue, JsValue> {
        let instance = u128::from_str_radix(instance, 16).map_err(|e| {
            error(json!({ "name": "GatewayError", "message": format!("the instance: {e}") }))
        })?;
        let stream = log_stream_name(started_ms as u64, instance);
        to_js(&LambdaContext::new(
            function_name,
            self.session.region(),
            MEMORY_LIMIT_IN_MB,
            &stream,
        ))
    }
}
