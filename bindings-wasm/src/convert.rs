//! What the JavaScript functions do, over JSON values, so that it is tested natively: loading a definition given
//! as text or as an object, problems as data, and the options of `simulate`.

use serde_json::{json, Value};
use wsgate_core::engine::{self, SessionError, Trace};
use wsgate_core::{Api, ConfigError};

/// A definition as the page has it: YAML or JSON text (there are no files in a browser), or an object.
pub fn load(definition: &Value) -> Result<Api, ConfigError> {
    match definition {
        Value::String(text) => Api::from_str(text),
        other => Api::from_value(other),
    }
}

/// Every problem of a definition, each `{code, path, line, message, ...}` as the core serializes it; none when it
/// loads.
pub fn check(definition: &Value) -> Vec<Value> {
    match load(definition) {
        Ok(_) => Vec::new(),
        Err(error) => problems(&error),
    }
}

pub fn problems(error: &ConfigError) -> Vec<Value> {
    error
        .problems
        .iter()
        .map(|p| serde_json::to_value(p).unwrap_or_else(|e| json!({"message": e.to_string()})))
        .collect()
}

/// Why `simulate` could not give a trace: the definition's problems, or the core's [`SessionError`] (options it
/// does not understand among them).
#[derive(Debug, PartialEq)]
pub enum SimulateError {
    Definition(Vec<Value>),
    Session(SessionError),
}

/// What the gateway does with one message on a new connection: the trace (docs/architecture.md). `options` are the
/// core's `SimulateOptions` (`{ result, functionError, timeout, fragments, binary }`); unknown keys are an error.
pub fn simulate(definition: &Value, message: &str, options: Value) -> Result<Trace, SimulateError> {
    let options = engine::options(options).map_err(SimulateError::Session)?;
    let api = load(definition).map_err(|e| SimulateError::Definition(problems(&e)))?;
    engine::simulate(api, message, &options).map_err(SimulateError::Session)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ECHO: &str = include_str!("../../examples/echo/api.yaml");

    #[test]
    fn a_definition_loads_from_text_or_an_object() {
        let yaml = Value::String(ECHO.into());
        assert!(check(&yaml).is_empty());
        let object = json!({"name": "x", "routeSelectionExpression": "$request.body.action",
                            "routes": {"$default": {"target": "integrations/m"}},
                            "integrations": {"m": {"integrationType": "MOCK"}}});
        assert!(check(&object).is_empty());
    }

    #[test]
    fn problems_are_data_with_their_type_path_and_line() {
        let broken =
            Value::String("name: x\nroutes:\n  a: { target: integrations/missing }\n".into());
        let problems = check(&broken);
        let found: Vec<(&str, &str)> = problems
            .iter()
            .map(|p| (p["code"].as_str().unwrap(), p["path"].as_str().unwrap()))
            .collect();
        assert!(
            found.contains(&("dangling_target", "routes.a.target")),
            "{problems:?}"
        );
        assert!(problems.iter().all(|p| p["message"].is_string()));
        assert_eq!(
            problems
                .iter()
                .find(|p| p["code"] == "dangling_target")
                .unwrap()["line"],
            3
        );
    }

    #[test]
    fn text_that_is_not_yaml_is_a_problem_not_a_panic() {
        for text in ["", "{", "- a\n- b", ": :", "name: [", "\u{0}"] {
            let _ = check(&Value::String(text.into()));
        }
        assert!(!check(&Value::String("{".into())).is_empty());
        assert!(!check(&json!(42)).is_empty());
    }

    #[test]
    fn simulate_gives_the_trace_of_one_message() {
        let trace = simulate(
            &Value::String(ECHO.into()),
            r#"{"action":"echo"}"#,
            Value::Null,
        )
        .unwrap();
        let trace = serde_json::to_value(trace).unwrap();
        assert_eq!(trace["routeKey"], "echo");
        assert_eq!(trace["send"], json!([r#"{"action":"echo"}"#]));
    }

    #[test]
    fn simulate_takes_a_result_a_function_error_fragments_and_binary() {
        let api = json!({"name": "x", "routeSelectionExpression": "$request.body.action",
                         "routes": {"$default": {"target": "integrations/f", "routeResponseSelectionExpression": "$default"}},
                         "integrations": {"f": {"integrationType": "AWS_PROXY"}}});
        let sent = |options: Value| {
            serde_json::to_value(simulate(&api, r#"{"a":1}"#, options).unwrap()).unwrap()
        };
        assert_eq!(
            sent(json!({"result": {"statusCode": 200, "body": "hi"}}))["send"],
            json!(["hi"])
        );
        let failed = sent(json!({"functionError": "boom"}));
        assert!(failed["send"][0]
            .as_str()
            .unwrap()
            .contains("Internal server error"));
        assert_eq!(sent(json!({"binary": true}))["close"]["code"], 1003);
        assert_eq!(
            sent(json!({"fragments": 3, "result": {"body": "x"}}))["send"],
            json!(["x"])
        );
    }

    #[test]
    fn simulate_refuses_unknown_options_and_broken_definitions_as_data() {
        let api = Value::String(ECHO.into());
        assert!(
            matches!(simulate(&api, "{}", json!({"reslut": 1})), Err(SimulateError::Session(e)) if e.to_string().contains("reslut"))
        );
        assert!(
            matches!(simulate(&json!("name: ["), "{}", Value::Null), Err(SimulateError::Definition(p)) if !p.is_empty())
        );
    }
}
