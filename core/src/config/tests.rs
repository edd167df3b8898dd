use super::*;

fn problems(text: &str) -> Vec<Problem> {
    Api::from_str(text).expect_err("should fail").problems
}

fn codes(text: &str) -> Vec<(String, &'static str)> {
    problems(text)
        .into_iter()
        .map(|p| (p.path.clone(), p.kind.code()))
        .collect()
}

const CHAT: &str = r#"
name: chat
routeSelectionExpression: $request.body.action
models:
  Message: { contentType: application/json, schema: { type: object, required: [message] } }
integrations:
  chat: { integrationType: AWS_PROXY, integrationUri: chat }
  echo:
    integrationType: MOCK
    requestTemplates: { $default: '{"statusCode": 200}' }
    integrationResponses:
      $default: { responseTemplates: { $default: '$input.body' } }
routes:
  $connect: { target: integrations/chat }
  $default: { target: integrations/echo, routeResponseSelectionExpression: $default }
  sendmessage:
    target: integrations/chat
    modelSelectionExpression: $default
    requestModels: { $default: Message }
"#;

#[test]
fn a_valid_definition_loads_into_typed_values() {
    let api = Api::from_str(CHAT).unwrap();
    assert_eq!(api.stage, "dev");
    assert_eq!(api.region, "us-east-1");
    assert_eq!(api.api_id.len(), 10);
    assert_eq!(api.settings, Settings::default());
    assert!(api.routes["$default"].two_way);
    assert!(!api.routes["sendmessage"].two_way);
    assert_eq!(
        api.routes["sendmessage"].request_models["$default"],
        "Message"
    );
    assert_eq!(api.integrations["chat"].timeout_ms, 29000);
    assert_eq!(
        api.integrations["chat"].uri,
        Some(IntegrationUri::Handler("chat".into()))
    );
}

#[test]
fn json_definitions_load_too() {
    let api = Api::from_str(
        r#"{"name": "x", "routeSelectionExpression": "$request.body.action",
            "integrations": {"m": {"integrationType": "MOCK"}},
            "routes": {"$default": {"target": "integrations/m"}}}"#,
    )
    .unwrap();
    assert_eq!(api.routes["$default"].integration, "m");
}

#[test]
fn dangling_targets_name_path_and_line() {
    let text = CHAT.replace(
        "$connect: { target: integrations/chat }",
        "$connect: { target: integrations/nope }",
    );
    let p = &problems(&text)[0];
    assert_eq!(p.path, "routes.$connect.target");
    assert_eq!(p.kind.code(), "dangling_target");
    assert_eq!(p.line, Some(14));
    assert!(p.to_string().contains("integrations/nope"), "{p}");
}

#[test]
fn every_problem_is_reported_at_once() {
    let text = r#"
name: bad
routeSelectionExpression: ${request.body.action
stage: "no spaces"
extra: 1
models:
  M: { schema: { type: 12 } }
integrations:
  a: { integrationType: AWS_PROXY, timeoutInMillis: 30000, payloadFormatVersion: "2.0" }
  b:
    integrationType: MOCK
    requestTemplates: { $default: '#if($x' }
    integrationResponses: { "200": {} }
  c: { integrationType: HTTP_PROXY, integrationUri: "http://h/${stageVariables.missing}" }
  d: { integrationType: AWS, integrationUri: "arn:aws:sqs:us-east-1:1:q" }
routes:
  $default: { target: integrations/a, routeResponseSelectionExpression: $request.body.x }
  x: { target: integrations/a, requestModels: { $default: Nope }, targt: 1 }
  $defualt: { target: integrations/a }
  y: { target: integrations/a, authorizationType: AWS_IAM }
"#;
    let got = codes(text);
    let expected = [
        ("routeSelectionExpression", "invalid_selection_expression"),
        ("stage", "invalid_value"),
        ("extra", "unknown_field"),
        ("models.M.schema", "invalid_schema"),
        ("integrations.a.timeoutInMillis", "out_of_range"),
        ("integrations.a.payloadFormatVersion", "invalid_value"),
        (
            "integrations.b.requestTemplates.$default",
            "invalid_template",
        ),
        ("integrations.b.integrationResponses.200", "invalid_value"),
        ("integrations.c.integrationUri", "invalid_integration_uri"),
        ("integrations.d.integrationUri", "invalid_integration_uri"),
        (
            "routes.$default.routeResponseSelectionExpression",
            "invalid_value",
        ),
        ("routes.x.requestModels.$default", "unknown_model"),
        ("routes.x.targt", "unknown_field"),
        ("routes.$defualt", "invalid_value"),
        ("routes.y.authorizationType", "invalid_value"),
    ];
    for (path, code) in expected {
        assert!(
            got.contains(&(path.to_string(), code)),
            "missing {path} {code} in {got:#?}"
        );
    }
    assert_eq!(got.len(), expected.len(), "{got:#?}");
}

#[test]
fn unknown_fields_suggest_the_nearest_known_one() {
    let all = problems("name: x\nrouteSelectionExpresion: $request.body.a\nroutes: {}\n");
    let p = all
        .iter()
        .find(|p| p.path == "routeSelectionExpresion")
        .unwrap();
    assert_eq!(p.line, Some(2));
    assert!(
        matches!(&p.kind, ProblemKind::UnknownField { suggestion: Some(s), .. } if s == "routeSelectionExpression")
    );
}

#[test]
fn syntax_errors_and_wrong_types_never_panic() {
    for text in ["", "[1, 2]", "name: [", "{", "routes: 5", "a: *x", "\u{0}"] {
        let err = Api::from_str(text).unwrap_err();
        assert!(!err.problems.is_empty(), "{text:?}");
    }
    let deep = format!("{}1{}", "[".repeat(5000), "]".repeat(5000));
    assert!(Api::from_str(&deep).is_err());
}

#[test]
fn files_are_named_in_errors() {
    let err = Api::from_path("/nonexistent/api.yaml").unwrap_err();
    assert_eq!(err.problems[0].kind.code(), "io");
    assert!(err.to_string().starts_with("/nonexistent/api.yaml"));
}

#[test]
fn integration_uris_are_classified() {
    let text = r#"
name: u
routeSelectionExpression: $request.body.a
stageVariables: { host: "127.0.0.1:9000" }
integrations:
  arn: { integrationType: AWS_PROXY, integrationUri: "arn:aws:lambda:us-east-1:123456789012:function:chat" }
  url: { integrationType: AWS_PROXY, integrationUri: "http://127.0.0.1:3001/2015-03-31/functions/f/invocations" }
  mod: { integrationType: AWS, integrationUri: "app.handler" }
  http: { integrationType: HTTP, integrationUri: "http://${stageVariables.host}/x" }
routes: { $default: { target: integrations/arn } }
"#;
    let api = Api::from_str(text).unwrap();
    assert_eq!(
        api.integrations["arn"].uri,
        Some(IntegrationUri::LambdaFunction("chat".into()))
    );
    assert!(matches!(
        api.integrations["url"].uri,
        Some(IntegrationUri::Url(_))
    ));
    assert_eq!(
        api.integrations["mod"].uri,
        Some(IntegrationUri::Handler("app.handler".into()))
    );
}

#[test]
fn a_target_must_name_an_integration_exactly() {
    for target in [
        "chat",
        "integrations/",
        "integrations/cha",
        "integration/chat",
    ] {
        let text = CHAT.replace(
            "$connect: { target: integrations/chat }",
            &format!("$connect: {{ target: '{target}' }}"),
        );
        let got = codes(&text);
        assert_eq!(
            got,
            vec![("routes.$connect.target".to_string(), "dangling_target")],
            "{target}"
        );
    }
}

#[test]
fn a_broken_model_is_reported_once_not_again_where_it_is_used() {
    let text = CHAT.replace(
        "schema: { type: object, required: [message] }",
        "schema: { type: 7 }",
    );
    assert_eq!(
        codes(&text),
        vec![("models.Message.schema".to_string(), "invalid_schema")]
    );
}

#[test]
fn handlers_bind_to_lambda_integrations_and_missing_routes_are_added() {
    let mut api = Api::from_str(include_str!("../../../examples/chat/api.yaml")).unwrap();
    assert!(api.check_handler_integration("chat").is_ok());
    let mock = api.check_handler_integration("help").unwrap_err();
    assert_eq!(mock.code(), "not_lambda");
    assert!(
        mock.to_string().starts_with("integration `help` is MOCK"),
        "{mock}"
    );
    let unknown = api.check_handler_integration("nope").unwrap_err();
    assert_eq!(unknown.code(), "unknown_integration");
    assert!(
        unknown.to_string().contains("connection, help"),
        "{unknown}"
    );

    api.route_to_handler("sendmessage").unwrap();
    assert_eq!(api.routes["sendmessage"].integration, "chat");
    let route = api.route_to_handler("$default").unwrap_err();
    assert_eq!(route.code(), "not_lambda");
    assert!(
        route
            .to_string()
            .starts_with("route `$default` cannot call a handler: integration `help` is MOCK"),
        "{route}"
    );
    assert_eq!(
        api.route_to_handler("$other").unwrap_err().code(),
        "not_a_route_key"
    );

    api.route_to_handler("typing").unwrap();
    let route = &api.routes["typing"];
    assert!(!route.two_way);
    assert_eq!(
        api.integrations[&route.integration].kind,
        IntegrationType::AwsProxy
    );
}

#[test]
fn a_problem_as_json_names_each_key_once() {
    // The kind's own fields sit beside the problem's: they must not shadow its `line` or `message`.
    let text = "name: t\nrouteSelectionExpression: $request.body.a\nintegrations:\n  f:\n    \
                integrationType: MOCK\n    requestTemplates:\n      $default: \"#if( $x\"\n\
                routes:\n  $default: {target: integrations/f}\n";
    let problem = problems(text).remove(0);
    let json = serde_json::to_string(&problem).unwrap();
    for key in ["\"line\"", "\"message\"", "\"code\""] {
        assert_eq!(json.matches(key).count(), 1, "{key} in {json}");
    }
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["code"], "invalid_template");
    assert_eq!(value["line"], 7);
    assert_eq!(value["templateLine"], 1);
    assert_eq!(value["message"], problem.kind.to_string());
}

#[test]
fn api_keys_read_from_the_csv_import_api_keys_takes() {
    let keys = ApiKey::parse_csv(
        "name,key,description,enabled,usageplanIds\nmobile,mobile-key-0123456789,phones,true,\nold,retired-key-0123456789,,FALSE,\n",
    )
    .unwrap();
    assert_eq!(
        keys,
        vec![
            ApiKey {
                name: "mobile".into(),
                value: "mobile-key-0123456789".into(),
                enabled: true
            },
            ApiKey {
                name: "old".into(),
                value: "retired-key-0123456789".into(),
                enabled: false
            },
        ]
    );
    let short = ApiKey::parse_csv("Key\nshort\n").unwrap_err();
    assert_eq!(short, "line 2: an API key's value has 20 to 128 characters");
    assert!(ApiKey::parse_csv("Name\nx\n")
        .unwrap_err()
        .contains("no Key column"));
    assert!(ApiKey::parse_csv("Key\n\"a,b\"\n")
        .unwrap_err()
        .contains("quoted"));
}
