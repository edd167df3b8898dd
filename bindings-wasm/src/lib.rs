//! `wsgate-wasm`: the engine in the browser (and in Node, as WebAssembly), for the route playground. No I/O and
//! no clock: what the integration does is given, not called. Values cross as plain JS objects in the shapes the
//! CLI and the other bindings use; errors are data too: `{ message, problems }` or `{ message }`.

mod convert;

use std::sync::Arc;

use serde::Serialize;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wsgate_core::engine::{Session as CoreSession, SessionOptions};
use wsgate_core::Engine;

use convert::SimulateError;

/// Plain objects and arrays, never `Map`s, so that results read as JSON does.
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| error(&e.to_string(), None))
}

fn from_js(value: JsValue, what: &str) -> Result<Value, JsValue> {
    if value.is_undefined() {
        return Ok(Value::Null);
    }
    serde_wasm_bindgen::from_value(value).map_err(|e| error(&format!("{what}: {e}"), None))
}

fn error(message: &str, problems: Option<Vec<Value>>) -> JsValue {
    let error = match problems {
        Some(problems) => json!({ "message": message, "problems": problems }),
        None => json!({ "message": message }),
    };
    to_js(&error).unwrap_or_else(|_| JsValue::from_str(message))
}

/// Every problem of a definition (YAML or JSON text, or an object), each `{ code, path, line, message }`; an empty
/// array when it loads.
#[wasm_bindgen]
pub fn check(definition: JsValue) -> Result<JsValue, JsValue> {
    to_js(&convert::check(&from_js(definition, "the definition")?))
}

/// What the gateway does with `message` on a new connection: the trace of `wsgate route`. `options`:
/// `{ result, functionError, timeout, fragments, binary }`.
#[wasm_bindgen]
pub fn simulate(definition: JsValue, message: &str, options: JsValue) -> Result<JsValue, JsValue> {
    let definition = from_js(definition, "the definition")?;
    let options = from_js(options, "the options")?;
    match convert::simulate(&definition, message, &options) {
        Ok(trace) => to_js(&trace),
        Err(SimulateError::Definition(problems)) => {
            Err(error("the definition has problems", Some(problems)))
        }
        Err(SimulateError::Options(message)) => Err(error(&message, None)),
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
    pub fn new(definition: JsValue, options: JsValue) -> Result<Session, JsValue> {
        let api = convert::load(&from_js(definition, "the definition")?)
            .map_err(|e| error("the definition has problems", Some(convert::problems(&e))))?;
        let options: SessionOptions = match from_js(options, "the session options")? {
            Value::Null => SessionOptions::default(),
            other => serde_json::from_value(other)
                .map_err(|e| error(&format!("the session options: {e}"), None))?,
        };
        Ok(Session {
            session: CoreSession::new(Arc::new(Engine::new(api)), options),
        })
    }

    pub fn step(&mut self, step: JsValue) -> Result<JsValue, JsValue> {
        let step = from_js(step, "the step")?;
        let trace = self.session.step(&step).map_err(|e| error(&e, None))?;
        to_js(&trace)
    }

    /// The trace `step` would give, leaving the connection as it is: the playground learns the integration's
    /// event this way, asks the user's function, then runs the real step with its answer (same ids, same event).
    pub fn preview(&self, step: JsValue) -> Result<JsValue, JsValue> {
        let step = from_js(step, "the step")?;
        let trace = self
            .session
            .clone()
            .step(&step)
            .map_err(|e| error(&e, None))?;
        to_js(&trace)
    }
}
