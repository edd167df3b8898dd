//! What the tests of the template and serverless.yml readers share: loading with problems as (path, code, line),
//! and what a client sees of some messages, to compare two definitions of one API.

use std::sync::Arc;

use serde_json::{json, Value};

use super::{Api, TemplateOptions};
use crate::engine::{Session, SessionOptions};
use crate::Engine;

/// Each problem's path, code and line.
pub type Located = Vec<(String, &'static str, Option<u32>)>;

pub fn load_with(text: &str, options: &TemplateOptions) -> Result<Api, Located> {
    let loaded = super::load::load(text, None, options);
    loaded.map_err(|e| {
        e.problems
            .iter()
            .map(|p| (p.path.clone(), p.kind.code(), p.line))
            .collect()
    })
}

pub fn load(text: &str) -> Result<Api, Located> {
    load_with(text, &TemplateOptions::default())
}

/// What a client sees of each message: the route, the validation, the frames and the close.
pub fn seen(api: Api, messages: &[&str]) -> Vec<Value> {
    let mut session = Session::new(Arc::new(Engine::new(api)), SessionOptions::default());
    messages
        .iter()
        .map(|m| {
            let step = json!({"message": m, "result": {"statusCode": 200, "body": "ok"}});
            let trace = session.step(&step).unwrap();
            json!([trace.route_key, trace.validation, trace.send, trace.close])
        })
        .collect()
}
