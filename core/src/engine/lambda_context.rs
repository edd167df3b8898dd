//! The context object a Lambda handler receives beside its event, as Lambda's runtimes fill it: decided once here
//! for every in-process handler (the Python and Node packages, the playground's functions), each binding only
//! shaping it to its language (`context.function_name` in Python, `context.functionName` in JavaScript).

use serde::Serialize;

use super::ids::civil;

/// The account in the ARNs of functions wsgate calls in-process.
pub const ACCOUNT_ID: &str = "123456789012";
/// Every function wsgate calls in-process is the unpublished version.
pub const FUNCTION_VERSION: &str = "$LATEST";
/// What `memoryLimitInMB` says when a function does not set its `MemorySize`: Lambda's default.
pub const MEMORY_LIMIT_IN_MB: u32 = 128;

/// The context's values that do not change during a call; the request id and the remaining time are the binding's,
/// as they are made when read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "LambdaContextValues"))]
#[serde(rename_all = "camelCase")]
pub struct LambdaContext {
    /// The integration's id: the function's name.
    pub function_name: String,
    pub function_version: &'static str,
    pub invoked_function_arn: String,
    #[serde(rename = "memoryLimitInMB")]
    pub memory_limit_in_mb: u32,
    pub log_group_name: String,
    pub log_stream_name: String,
}

impl LambdaContext {
    /// The context of a call of `function_name` in `region`, run by the instance that `log_stream` names.
    pub fn new(function_name: &str, region: &str, memory_mb: u32, log_stream: &str) -> Self {
        Self {
            function_name: function_name.to_string(),
            function_version: FUNCTION_VERSION,
            invoked_function_arn: invoked_function_arn(region, function_name),
            memory_limit_in_mb: memory_mb,
            log_group_name: log_group_name(function_name),
            log_stream_name: log_stream.to_string(),
        }
    }
}

/// `arn:aws:lambda:REGION:123456789012:function:NAME`. A function of its own, as bindings make it only when a
/// handler reads it.
pub fn invoked_function_arn(region: &str, function_name: &str) -> String {
    format!("arn:aws:lambda:{region}:{ACCOUNT_ID}:function:{function_name}")
}

/// `/aws/lambda/NAME`, made only when read, as [`invoked_function_arn`].
pub fn log_group_name(function_name: &str) -> String {
    format!("/aws/lambda/{function_name}")
}

/// The log stream of one instance of a function, named as Lambda names it: the day it started and a random id,
/// `2026/12/04/[$LATEST]0f3c...` (32 hex digits of `instance`).
pub fn log_stream_name(started_ms: u64, instance: u128) -> String {
    let (year, month, day, ..) = civil(started_ms);
    format!("{year}/{month:02}/{day:02}/[$LATEST]{instance:032x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_lambdas() {
        let stream = log_stream_name(1_764_806_400_000, 0xabc);
        assert_eq!(
            stream,
            "2025/12/04/[$LATEST]00000000000000000000000000000abc"
        );
        let context = LambdaContext::new("chat", "eu-west-1", MEMORY_LIMIT_IN_MB, &stream);
        assert_eq!(
            context.invoked_function_arn,
            "arn:aws:lambda:eu-west-1:123456789012:function:chat"
        );
        assert_eq!(context.log_group_name, "/aws/lambda/chat");
        let json = serde_json::to_value(&context).unwrap();
        assert_eq!(json["memoryLimitInMB"], 128);
        assert_eq!(json["functionVersion"], "$LATEST");
    }
}
