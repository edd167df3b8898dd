//! Generated inputs (templates, selection expressions, definitions, messages) give results or errors, never panics.

use std::sync::Arc;

use proptest::prelude::*;
use serde_json::{json, Value};
use wsgate_core::engine::{Session, SessionOptions, SimulateOptions, StepOptions};
use wsgate_core::selection::{Inputs, SelectionExpression};
use wsgate_core::template::{Context, Scope, Template};
use wsgate_core::{Api, Engine};

/// Token soup: fragments of the languages being parsed, glued in any order.
fn soup(tokens: &'static [&'static str]) -> impl Strategy<Value = String> {
    let token = prop_oneof![
        prop::sample::select(tokens).prop_map(str::to_string),
        "[a-z0-9 ]{1,3}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(token, 0..40).prop_map(|parts| parts.concat())
}

const VTL: &[&str] = &[
    "#set(",
    "$x",
    "$!x",
    "${x}",
    " = ",
    "#if(",
    "#elseif(",
    "#else",
    "#end",
    "#foreach($i in ",
    "#break",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "\"",
    "'",
    "..",
    ",",
    ":",
    "$input.path('$.a')",
    "$input.json('$')",
    "$input.body",
    "$util.escapeJavaScript(",
    "$util.parseJson(",
    "$context.connectionId",
    "$context",
    "$foreach.hasNext",
    "-",
    "!",
    "1",
    "2.5",
    "==",
    "!=",
    "<",
    "&&",
    "||",
    "+",
    "*",
    "/",
    "%",
    "\n",
    "##",
    "#*",
    "*#",
    "#[[",
    "]]#",
    ".size()",
    ".replaceAll(",
    ".substring(",
    ".get(",
    "\\$",
    "\\#",
    "true",
    "null",
    "not ",
];

const SELECTION: &[&str] = &[
    "$request.body",
    ".action",
    ".a",
    "[0]",
    "['k']",
    "[*]",
    "..",
    "${",
    "}",
    "$",
    "\\$",
    "$default",
    "$request.header.",
    "$request.querystring.",
    "$integration.response.statuscode",
    "$context.authorizer.",
    "/",
    "-",
    "x",
];

const YAML: &[&str] = &[
    "name: x\n",
    "routeSelectionExpression: $request.body.action\n",
    "routes:\n",
    "  $default:\n",
    "    target: ",
    "integrations/m\n",
    "integrations:\n",
    "  m:\n",
    "    integrationType: MOCK\n",
    "    timeoutInMillis: 99999\n",
    "    requestTemplates: {$default: '#if('}\n",
    "models: {M: {schema: {type: object}}}\n",
    "- ",
    ": ",
    "{",
    "}",
    "[",
    "]",
    "&a ",
    "*a",
    "'",
    "\"",
    "\n",
    "  ",
    "routeResponseSelectionExpression: $default\n",
    "    modelSelectionExpression: $default\n",
    "    requestModels: {$default: M}\n",
];

struct Fixed;

impl Context for Fixed {
    fn get(&self, key: &str) -> Option<Value> {
        (key == "connectionId").then(|| json!("abc="))
    }
    fn all(&self) -> Value {
        json!({"connectionId": "abc="})
    }
    fn params(&self) -> Value {
        json!({"path": {}, "querystring": {}, "header": {}})
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn templates_parse_and_render_or_fail_cleanly(source in soup(VTL), body in soup(VTL)) {
        if let Ok(template) = Template::parse(&source) {
            let stage = json!({});
            let _ = template.render(&Scope::new(&Fixed, &body, &stage));
            let _ = template.render(&Scope::new(&Fixed, r#"{"a": [1, {"b": "c"}]}"#, &stage));
        }
    }

    #[test]
    fn selection_expressions_parse_and_evaluate_or_fail_cleanly(source in soup(SELECTION)) {
        if let Ok(expr) = SelectionExpression::parse(&source) {
            let body = json!({"action": "join", "a": [1, 2], "k": {"x": null}});
            let inputs = Inputs { body: Some(&body), ..Inputs::default() };
            let _ = expr.evaluate(&inputs);
        }
    }

    #[test]
    fn definitions_load_or_report_problems(text in soup(YAML)) {
        if let Err(e) = Api::from_str(&text) {
            prop_assert!(!e.problems.is_empty());
        }
    }

    #[test]
    fn any_message_gets_an_answer(message in soup(VTL), fragments in 1usize..5) {
        static CHAT: &str = include_str!("../../examples/chat/api.yaml");
        let engine = Arc::new(Engine::new(Api::from_str(CHAT).unwrap()));
        let mut session = Session::new(engine, SessionOptions::default());
        let options = StepOptions { simulate: SimulateOptions { fragments: Some(fragments), ..SimulateOptions::default() }, ..StepOptions::default() };
        let trace = session.message(&message, &options).unwrap();
        prop_assert!(trace.close.is_none());
    }
}
