use serde_json::{json, Value};

use crate::config::test_support::{load, load_with, seen};
use crate::config::{Api, TemplateOptions};

const CHAT_TEMPLATE: &str = include_str!("../../../../examples/chat/template.yaml");
const CHAT_DEFINITION: &str = include_str!("../../../../examples/chat/api.yaml");

#[test]
fn the_chat_template_serves_the_chat_definition() {
    let messages = [
        r#"{"action":"joinroom","room":"lobby"}"#,
        r#"{"action":"joinroom"}"#,
        r#"{"action":"sendmessage","message":"hi"}"#,
        r#"{"action":"nope"}"#,
        "not json",
    ];
    let template = load(CHAT_TEMPLATE).unwrap();
    assert_eq!(template.name, "chat");
    assert_eq!(template.stage, "dev");
    assert_eq!(
        seen(template, &messages),
        seen(Api::from_str(CHAT_DEFINITION).unwrap(), &messages)
    );
}

#[test]
fn references_resolve_to_what_a_deployment_returns() {
    let api = load(CHAT_TEMPLATE).unwrap();
    let chat = &api.integrations["ChatIntegration"];
    assert_eq!(
        chat.uri,
        Some(crate::config::IntegrationUri::LambdaFunction(
            "ChatFunction".into()
        ))
    );
    assert_eq!(
        api.routes["$disconnect"].integration,
        "ConnectionIntegration"
    );
    assert_eq!(api.models["Message"].content_type, "application/json");
}

#[test]
fn parameters_take_overrides_and_conditions_follow_them() {
    let options = TemplateOptions {
        parameters: vec![("StageName".into(), "prod".into())],
        ..TemplateOptions::default()
    };
    assert_eq!(load_with(CHAT_TEMPLATE, &options).unwrap().stage, "prod");
    let unknown = TemplateOptions {
        parameters: vec![("Stage".into(), "prod".into())],
        ..TemplateOptions::default()
    };
    let problems = load_with(CHAT_TEMPLATE, &unknown).unwrap_err();
    assert_eq!(
        problems,
        [("Parameters".to_string(), "invalid_value", Some(8))]
    );
}

#[test]
fn parameter_values_keep_to_their_constraints() {
    let template = |parameter: &str| {
        format!(
            r#"
Parameters:
  P: {{{parameter}}}
Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties: {{Name: !Ref P, ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.action}}
"#
        )
    };
    let problem = |parameter: &str, value: &str| {
        let options = TemplateOptions {
            parameters: vec![("P".into(), value.into())],
            ..TemplateOptions::default()
        };
        crate::config::load::load(&template(parameter), None, &options)
            .err()
            .map(|e| e.problems[0].kind.to_string())
    };
    let string = "Type: String, AllowedPattern: '[a-z]+', MinLength: 2, MaxLength: '4'";
    assert_eq!(problem(string, "abc"), None);
    assert_eq!(
        problem(string, "abc1").as_deref(),
        Some("`abc1` does not match its AllowedPattern `[a-z]+`")
    );
    assert!(problem(string, "a")
        .unwrap()
        .contains("shorter than its MinLength 2"));
    assert!(problem(string, "abcde")
        .unwrap()
        .contains("longer than its MaxLength 4"));
    let number = "Type: Number, MinValue: 1, MaxValue: 10, ConstraintDescription: from 1 to 10";
    assert_eq!(problem(number, "10"), None);
    assert_eq!(
        problem(number, "11").as_deref(),
        Some("11 is more than its MaxValue 10: from 1 to 10")
    );
    assert!(problem(number, "0")
        .unwrap()
        .contains("less than its MinValue 1"));
    assert!(problem(number, "ten")
        .unwrap()
        .contains("`ten` is not a number"));
    let listed = "Type: String, AllowedValues: [dev, prod]";
    assert_eq!(problem(listed, "prod"), None);
    assert!(problem(listed, "qa")
        .unwrap()
        .contains("`qa` is not one of its AllowedValues (dev, prod)"));
    assert!(problem("Type: String, AllowedPattern: '('", "x")
        .unwrap()
        .contains("is not a regular expression"));
}

const SAM_API: &str = r#"
Transform: AWS::Serverless-2016-10-31
Parameters:
  Env: { Type: String, Default: test }
  Zones: { Type: CommaDelimitedList, Default: "a, b,c" }
Mappings:
  Timeouts:
    test: { Millis: 5000 }
Conditions:
  WithEcho: !Not [!Equals [!Ref Env, prod]]
Globals:
  WebSocketApi:
    RouteSelectionExpression: $request.body.type
Resources:
  Chat:
    Type: AWS::Serverless::WebSocketApi
    Properties:
      StageName: !Select [1, !Split ['-', !Sub 'x-${Env}-y']]
      StageVariables:
        zone: !Select [2, !Ref Zones]
        encoded: !Base64 hi
        az: !Select [0, !GetAZs '']
      Routes:
        $connect:
          FunctionArn: !GetAtt OnConnect.Arn
        echo:
          FunctionArn: !If [WithEcho, !GetAtt Echo.Arn, !Ref AWS::NoValue]
          IntegrationTimeout: !FindInMap [Timeouts, !Ref Env, Millis]
          RouteResponseSelectionExpression: $default
  OnConnect:
    Type: AWS::Serverless::Function
    Properties: { Handler: app.connect, Runtime: python3.12, CodeUri: src/, FunctionName: !Sub '${AWS::StackName}-connect' }
  Echo:
    Type: AWS::Serverless::Function
    Condition: WithEcho
    Properties: { Handler: app.echo, Runtime: nodejs20.x, InlineCode: "exports.echo = async () => ({})" }
"#;

#[test]
fn sams_websocket_api_expands_as_sam_expands_it() {
    let options = TemplateOptions {
        stack_name: Some("demo".into()),
        region: Some("eu-west-1".into()),
        ..TemplateOptions::default()
    };
    let api = load_with(SAM_API, &options).unwrap();
    assert_eq!(api.name, "Chat");
    assert_eq!(api.region, "eu-west-1");
    assert_eq!(api.stage, "test");
    assert_eq!(api.route_selection.source(), "$request.body.type");
    assert_eq!(
        Value::Object(api.stage_variables.clone()),
        json!({"zone": "c", "encoded": "aGk=", "az": "eu-west-1a"})
    );
    let connect = &api.integrations[&api.routes["$connect"].integration];
    assert_eq!(
        connect.uri,
        Some(crate::config::IntegrationUri::LambdaFunction(
            "demo-connect".into()
        ))
    );
    let echo = &api.routes["echo"];
    assert_eq!(echo.integration, "ChatEchoIntegration");
    assert_eq!(api.integrations["ChatEchoIntegration"].timeout_ms, 5000);
    assert!(echo.two_way);
}

#[test]
fn a_false_condition_removes_what_it_guards() {
    let options = TemplateOptions {
        parameters: vec![("Env".into(), "prod".into())],
        ..TemplateOptions::default()
    };
    // With Env=prod the echo route's function is AWS::NoValue: its integration has no URI, which the loader refuses.
    let problems = load_with(SAM_API, &options).unwrap_err();
    assert!(
        problems
            .iter()
            .any(|(path, _, _)| path.starts_with("Resources.Chat")),
        "{problems:?}"
    );
}

#[test]
fn a_broken_template_names_each_problem_with_its_resource_path_and_line() {
    let template = "\
Conditions:
  A: !Condition B
  B: !Not [!Condition A]
Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties: {Name: x, ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.action}
  Route:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Api
      RouteKey: send
      Target: !Join ['/', [integrations, !Ref Integ]]
  Other:
    Type: AWS::ApiGatewayV2::Route
    Condition: A
    Properties: {ApiId: !Ref Api, RouteKey: other, Target: !Frobnicate x}
  Import:
    Type: AWS::ApiGatewayV2::Integration
    Properties: {ApiId: !Ref Api, IntegrationType: AWS_PROXY, IntegrationUri: !ImportValue shared-fn}
";
    assert_eq!(
        load(template).unwrap_err(),
        [
            ("Conditions.A".to_string(), "reference_cycle", Some(2)),
            (
                "Resources.Route.Properties.Target.Fn::Join.1.1.Ref".into(),
                "dangling_reference",
                Some(13)
            ),
            (
                "Resources.Other.Properties.Target.Fn::Frobnicate".into(),
                "unknown_intrinsic",
                Some(17)
            ),
            (
                "Resources.Import.Properties.IntegrationUri.Fn::ImportValue".into(),
                "not_local",
                Some(20)
            ),
        ]
    );
}

#[test]
fn the_loaders_problems_are_given_at_the_templates_places() {
    let template = "\
Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties: {Name: x, ProtocolType: WEBSOCKET}
  Route:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Api
      RouteKey: send
      Target: integrations/nothing
  Mock:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Api
      IntegrationType: MOCK
      TimeoutInMillis: 1
      RequestTemplates:
        application/json: '#if('
";
    assert_eq!(
        load(template).unwrap_err(),
        [
            (
                "Resources.Api.Properties".to_string(),
                "missing_field",
                Some(4)
            ),
            (
                "Resources.Route.Properties.Target".into(),
                "dangling_target",
                Some(10)
            ),
            (
                "Resources.Mock.Properties.TimeoutInMillis".into(),
                "out_of_range",
                Some(16)
            ),
            (
                "Resources.Mock.Properties.RequestTemplates.application/json".into(),
                "invalid_template",
                Some(18)
            ),
        ]
    );
}

#[test]
fn a_template_serves_exactly_one_websocket_api() {
    let apis = "\
Resources:
  Http: {Type: AWS::ApiGatewayV2::Api, Properties: {Name: h, ProtocolType: HTTP}}
  One: {Type: AWS::ApiGatewayV2::Api, Properties: {Name: one, ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.a}}
  Two: {Type: AWS::ApiGatewayV2::Api, Properties: {Name: two, ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.a}}
";
    assert_eq!(
        load(apis).unwrap_err(),
        [("Resources".to_string(), "no_api", Some(1))]
    );
    let two = TemplateOptions {
        api: Some("Two".into()),
        ..TemplateOptions::default()
    };
    assert_eq!(load_with(apis, &two).unwrap().name, "two");
    let http = "Resources:\n  Http: {Type: AWS::ApiGatewayV2::Api, Properties: {Name: h, ProtocolType: HTTP}}\n";
    assert_eq!(load(http).unwrap_err()[0].1, "no_api");
}

#[test]
fn json_templates_use_the_long_form() {
    let json = serde_json::to_string(&json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {
            "Api": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {
                "Name": {"Fn::Sub": "${AWS::StackName}-ws"}, "ProtocolType": "WEBSOCKET",
                "RouteSelectionExpression": "$request.body.action"}},
            "Route": {"Type": "AWS::ApiGatewayV2::Route", "Properties": {
                "ApiId": {"Ref": "Api"}, "RouteKey": "$default",
                "Target": {"Fn::Join": ["/", ["integrations", {"Ref": "Mock"}]]}}},
            "Mock": {"Type": "AWS::ApiGatewayV2::Integration", "Properties": {
                "ApiId": {"Ref": "Api"}, "IntegrationType": "MOCK"}}
        }
    }))
    .unwrap();
    let api = Api::from_str(&json).unwrap();
    assert_eq!(api.name, "wsgate-ws");
    assert_eq!(api.routes["$default"].integration, "Mock");
}

#[test]
fn an_aws_service_integration_loads_with_its_templates() {
    let template = r#"
Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties: {Name: sessions, ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.action}
  Table:
    Type: AWS::DynamoDB::Table
    Properties: {TableName: sessions}
  Role:
    Type: AWS::IAM::Role
  ConnectRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Api
      RouteKey: $connect
      Target: !Join ['', ['integrations/', !Ref PutItem]]
  PutItem:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Api
      IntegrationType: AWS
      IntegrationMethod: POST
      IntegrationUri: !Sub arn:aws:apigateway:${AWS::Region}:dynamodb:action/PutItem
      CredentialsArn: !GetAtt Role.Arn
      PassthroughBehavior: NEVER
      TemplateSelectionExpression: \$default
      RequestTemplates:
        $default: !Sub '{"TableName": "${Table}", "Item": {"id": {"S": "${!context.connectionId}"}}}'
"#;
    let api = load(template).unwrap();
    let put = &api.integrations["PutItem"];
    assert_eq!(
        put.uri,
        Some(crate::config::IntegrationUri::AwsService {
            region: "us-east-1".into(),
            service: "dynamodb".into(),
            operation: "action/PutItem".into()
        })
    );
    let mut session = crate::engine::Session::new(
        std::sync::Arc::new(crate::Engine::new(api)),
        crate::engine::SessionOptions::default(),
    );
    let trace = session.step(&json!({"connect": true})).unwrap();
    let request = trace.integration.unwrap().request;
    let item: Value = serde_json::from_str(request.as_str().unwrap()).unwrap();
    assert_eq!(item["TableName"], "sessions");
    assert_eq!(item["Item"]["id"]["S"], "kQot7IkCXMG-640=");
}

#[test]
fn request_parameters_are_evaluated_per_message() {
    let template = r#"
Parameters:
  QueueName: {Type: String, Default: jobs}
Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties: {Name: jobs, ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.action}
  Stage:
    Type: AWS::ApiGatewayV2::Stage
    Properties: {ApiId: !Ref Api, StageName: dev, StageVariables: {team: core}}
  EnqueueRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: !Ref Api, RouteKey: enqueue, Target: !Join [/, [integrations, !Ref Enqueue]]}
  Enqueue:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Api
      IntegrationType: AWS
      IntegrationMethod: POST
      IntegrationUri: !Sub arn:aws:apigateway:${AWS::Region}:sqs:path/${AWS::AccountId}/{queue}
      RequestParameters:
        integration.request.header.Content-Type: "'application/x-www-form-urlencoded'"
        integration.request.path.queue: !Sub "'${QueueName}'"
        integration.request.querystring.connection: context.connectionId
        integration.request.querystring.team: stageVariables.team
        integration.request.header.X-Priority: route.request.body.priority
      RequestTemplates:
        $default: Action=SendMessage&MessageBody=$util.urlEncode($input.body)
"#;
    let api = load(template).unwrap();
    let mut session = crate::engine::Session::new(
        std::sync::Arc::new(crate::Engine::new(api)),
        crate::engine::SessionOptions::default(),
    );
    session.step(&json!({"connect": true})).unwrap();
    let trace = session
        .step(&json!({"message": r#"{"action":"enqueue","priority":7}"#}))
        .unwrap();
    let parameters = serde_json::to_value(trace.integration.unwrap().parameters).unwrap();
    assert_eq!(
        parameters,
        json!({
            "header": {"Content-Type": "application/x-www-form-urlencoded", "X-Priority": "7"},
            "querystring": {"connection": "kQot7IkCXMG-640=", "team": "core"},
            "path": {"queue": "jobs"}
        })
    );
}

#[test]
fn bad_request_parameters_are_named() {
    let template = r#"
Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties: {Name: jobs, ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.action}
  Route:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: !Ref Api, RouteKey: $default, Target: !Join [/, [integrations, !Ref Http]]}
  Http:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Api
      IntegrationType: HTTP_PROXY
      IntegrationUri: http://127.0.0.1:9/
      RequestParameters:
        integration.request.body.x: "'a'"
        integration.request.header.A: request.header.x
        integration.request.header.B: route.request.multivalueheader.x
"#;
    let text = Api::from_str(template).unwrap_err().to_string();
    assert!(text.contains(":16: ") && text.contains("`integration.request.body.x` is not integration.request.header|querystring|path.NAME"), "{text}");
    assert!(
        text.contains(":17: ")
            && text.contains("`request.header.x` is not a request parameter source"),
        "{text}"
    );
    assert!(
        text.contains(":18: ") && text.contains("is not emulated by wsgate yet"),
        "{text}"
    );
}

#[test]
fn sams_env_vars_file_overrides_the_variables_functions_declare() {
    let file = std::env::temp_dir().join(format!("wsgate-env-vars-{}.json", std::process::id()));
    std::fs::write(
        &file,
        r#"{"ChatFunction": {"STAGE": "mine"}, "Parameters": {"STAGE": "every", "UNDECLARED": "x"}}"#,
    )
    .unwrap();
    let options = TemplateOptions {
        env_vars: Some(file.to_string_lossy().into_owned()),
        ..TemplateOptions::default()
    };
    let api = load_with(CHAT_TEMPLATE, &options).unwrap();
    let environment = |id: &str| {
        api.functions
            .iter()
            .find(|f| f.id == id)
            .unwrap()
            .environment
            .clone()
    };
    assert_eq!(environment("ChatFunction")["STAGE"], "mine");
    assert_eq!(environment("ConnectionFunction")["STAGE"], "every");
    assert!(!environment("ConnectionFunction").contains_key("UNDECLARED"));
    std::fs::remove_file(&file).unwrap();
    let missing = load_with(CHAT_TEMPLATE, &options).unwrap_err();
    assert_eq!(missing, [("Resources".to_string(), "io", Some(30))]);
}
