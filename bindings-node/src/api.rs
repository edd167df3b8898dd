//! Loading a definition (a path, YAML or JSON text, or an object), simulated connections (`Session`) and
//! `simulate`: the trace (docs/architecture.md), as plain objects.

use std::sync::Arc;

use napi::bindgen_prelude::*;
use serde_json::Value;
use wsgate_core::config::TemplateOptions;
use wsgate_core::engine::{self, Session as CoreSession};
use wsgate_core::{Api, ConfigError, Engine};

use crate::errors::{config_error, gateway_error, session_error};

/// A path, YAML or JSON text, or an object: what every `wsgate` call accepts as a definition. The outer error is
/// for what is no definition at all; the inner one lists a definition's problems.
fn read(
    env: &Env,
    definition: Unknown,
    template: &TemplateOptions,
) -> Result<std::result::Result<Api, ConfigError>> {
    match definition.get_type()? {
        ValueType::String => Ok(Api::from_path_or_text_with(
            &String::from_unknown(definition)?,
            template,
        )),
        ValueType::Object => Ok(Api::from_value_with(
            &env.from_js_value::<Value, _>(definition)?,
            template,
        )),
        _ => Err(gateway_error(
            env,
            "a definition is a path, YAML or JSON text, or an object",
        )),
    }
}

/// The definition, or a `ConfigError` with every problem; a CloudFormation/SAM template is deployed with
/// `template` (`TemplateOptions` in contract.d.ts).
pub fn load(env: &Env, definition: Unknown, template: Option<Value>) -> Result<Api> {
    let template = template_options(env, template)?;
    read(env, definition, &template)?.map_err(|e| config_error(env, &e))
}

/// The core's `TemplateOptions` (in contract.d.ts): unknown keys are a `GatewayError`.
fn template_options(env: &Env, template: Option<Value>) -> Result<TemplateOptions> {
    match template {
        Some(template) => serde_json::from_value(template)
            .map_err(|e| gateway_error(env, format!("template: {e}"))),
        None => Ok(TemplateOptions::default()),
    }
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
        ts_args_type = "definition: Definition, options?: SessionOptions, template?: TemplateOptions"
    )]
    pub fn new(
        env: Env,
        definition: Unknown,
        options: Option<Value>,
        template: Option<Value>,
    ) -> Result<Self> {
        let api = load(&env, definition, template)?;
        let options =
            engine::options(options.unwrap_or_default()).map_err(|e| session_error(&env, &e))?;
        Ok(Self {
            session: CoreSession::new(Arc::new(Engine::new(api)), options),
        })
    }

    #[napi(ts_args_type = "step: Step", ts_return_type = "Trace")]
    pub fn step(&mut self, env: Env, step: Value) -> Result<Value> {
        let trace = self
            .session
            .step(&step)
            .map_err(|e| session_error(&env, &e))?;
        Ok(serde_json::to_value(trace)?)
    }
}

/// What the gateway does with one message on a new simulated connection, as the trace (docs/architecture.md).
/// `options` are the core's `SimulateOptions` (in contract.d.ts): unknown keys are a `SessionError`.
#[napi(
    ts_args_type = "definition: Definition, message: string, options?: SimulateOptions, template?: TemplateOptions",
    ts_return_type = "Trace"
)]
pub fn simulate(
    env: Env,
    definition: Unknown,
    message: String,
    options: Option<Value>,
    template: Option<Value>,
) -> Result<Value> {
    let api = load(&env, definition, template)?;
    let options =
        engine::options(options.unwrap_or_default()).map_err(|e| session_error(&env, &e))?;
    let trace = engine::simulate(api, &message, &options).map_err(|e| session_error(&env, &e))?;
    Ok(serde_json::to_value(trace)?)
}

/// Every problem of a definition, each `{ code, path, line, file, message, ... }` as the core serializes it; an
/// empty array when it loads. Only a definition that is not a path, text or object throws.
#[napi(
    ts_args_type = "definition: Definition, template?: TemplateOptions",
    ts_return_type = "Problem[]"
)]
pub fn check(env: Env, definition: Unknown, template: Option<Value>) -> Result<Value> {
    let template = template_options(&env, template)?;
    Ok(match read(&env, definition, &template)? {
        Ok(_) => Value::Array(Vec::new()),
        Err(error) => serde_json::to_value(&error.problems)?,
    })
}
