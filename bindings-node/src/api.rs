//! Loading a definition (a path, YAML or JSON text, or an object), simulated connections (`Session`) and
//! `simulate`: the trace (docs/architecture.md), as plain objects.

use std::sync::Arc;

use napi::bindgen_prelude::*;
use serde_json::Value;
use wsgate_core::engine::{Session as CoreSession, SessionOptions, SimulatedOutcome, StepOptions};
use wsgate_core::{Api, Engine};

use crate::errors::{config_error, gateway_error};

/// A path, YAML or JSON text, or an object: what every `wsgate` call accepts as a definition.
pub fn load(env: &Env, definition: Unknown) -> Result<Api> {
    let loaded = match definition.get_type()? {
        ValueType::String => {
            let text = String::from_unknown(definition)?;
            Api::from_path_or_text(&text)
        }
        ValueType::Object => {
            let value: Value = env.from_js_value(definition)?;
            Api::from_value(&value)
        }
        _ => {
            return Err(gateway_error(
                env,
                "a definition is a path, YAML or JSON text, or an object",
            ))
        }
    };
    loaded.map_err(|e| config_error(env, &e))
}

/// One simulated connection: `step(step)` runs a step written as in `tests/vectors` and returns its trace.
#[napi]
pub struct Session {
    session: CoreSession,
}

#[napi]
impl Session {
    #[napi(
        constructor,
        ts_args_type = "definition: Definition, options?: SessionOptions"
    )]
    pub fn new(env: Env, definition: Unknown, options: Option<Value>) -> Result<Self> {
        let api = load(&env, definition)?;
        let options: SessionOptions = match options {
            Some(options) => serde_json::from_value(options)
                .map_err(|e| gateway_error(&env, format!("session options: {e}")))?,
            None => SessionOptions::default(),
        };
        Ok(Self {
            session: CoreSession::new(Arc::new(Engine::new(api)), options),
        })
    }

    #[napi(ts_args_type = "step: Step", ts_return_type = "Trace")]
    pub fn step(&mut self, env: Env, step: Value) -> Result<Value> {
        let trace = self
            .session
            .step(&step)
            .map_err(|e| gateway_error(&env, e))?;
        Ok(serde_json::to_value(trace)?)
    }
}

/// What `simulate` pretends the integration did, as `wsgate route`'s options.
#[napi(object)]
pub struct SimulateOptions {
    /// The Lambda result (or, for HTTP integrations, `{statusCode, headers, body}`).
    pub result: Option<Value>,
    /// A Lambda function error with this message.
    pub function_error: Option<String>,
    /// The integration times out.
    pub timeout: Option<bool>,
    /// Send the message as this many frames.
    pub fragments: Option<u32>,
    /// Send the message as a binary frame.
    pub binary: Option<bool>,
}

/// What the gateway does with one message on a new simulated connection, as the trace (docs/architecture.md).
#[napi(
    ts_args_type = "definition: Definition, message: string, options?: SimulateOptions",
    ts_return_type = "Trace"
)]
pub fn simulate(
    env: Env,
    definition: Unknown,
    message: String,
    options: Option<SimulateOptions>,
) -> Result<Value> {
    let api = load(&env, definition)?;
    let options = options.map_or_else(StepOptions::default, |o| StepOptions {
        fragments: o.fragments.map(|n| n as usize),
        binary: o.binary.unwrap_or(false),
        outcome: SimulatedOutcome {
            result: o.result,
            function_error: o.function_error,
            timeout: o.timeout.unwrap_or(false),
        },
        ..StepOptions::default()
    });
    let trace = wsgate_core::engine::simulate(api, &message, &options)
        .map_err(|e| gateway_error(&env, e))?;
    Ok(serde_json::to_value(trace)?)
}
