//! `lambdaContext(functionName, region)`: the core's Lambda context values for index.js's `LambdaContext`, with
//! this process's log stream (one instance of every function, as Lambda names it).

use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;
use wsgate_core::engine::lambda_context::{log_stream_name, LambdaContext};

fn log_stream() -> &'static str {
    static LOG_STREAM: OnceLock<String> = OnceLock::new();
    LOG_STREAM.get_or_init(|| {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        log_stream_name(now, uuid::Uuid::new_v4().as_u128())
    })
}

/// Not part of the API: index.js reads it when a handler first reads a context value.
#[napi(skip_typescript)]
pub fn lambda_context(function_name: String, region: String, memory_mb: u32) -> Value {
    serde_json::to_value(LambdaContext::new(
        &function_name,
        &region,
        memory_mb,
        log_stream(),
    ))
    .expect("a context is JSON")
}
