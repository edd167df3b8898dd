//! The Serverless Framework's `serverless.yml` read as it is (docs/behaviour.md §11.3, §14): its `${...}` variables
//! resolved, then its `websocket` events compiled into the CloudFormation resources the framework makes of them
//! (`WebsocketsApi`, `{Function}WebsocketsIntegration`, `{route}WebsocketsRoute`, ...), which the CloudFormation
//! reader then serves like any template. Problems are given at the serverless.yml's own paths and lines.

use std::collections::HashMap;
use std::path::Path;

use serde_json::{json, Map, Value};

use super::cloudformation::TemplateOptions;
use super::reader::problem;
use super::source::{self, join, line_of};
use super::{Problem, ProblemKind};
use crate::engine::lambda_context::ACCOUNT_ID;

/// Whether a document is a serverless.yml: a `service` with `provider` and `functions`.
pub fn is_serverless(document: &Value) -> bool {
    document.get("service").is_some() && document.get("provider").is_some_and(Value::is_object)
}

/// A serverless.yml as the CloudFormation template the framework would deploy, and where each generated resource
/// came from in the file.
pub struct Compiled {
    pub template: Value,
    /// How the framework deploys it: stack `SERVICE-STAGE` in the provider's region.
    pub options: TemplateOptions,
    /// Generated resource path (`Resources.SconnectWebsocketsRoute`) → the serverless.yml path it came from.
    pub origins: Vec<(String, String)>,
}

impl Compiled {
    /// A problem at a generated resource, moved to the serverless.yml path it came from.
    pub fn relocate(&self, problem: Problem, lines: &HashMap<String, u32>) -> Problem {
        let origin = self
            .origins
            .iter()
            .filter(|(generated, _)| {
                problem.path == *generated || problem.path.starts_with(&format!("{generated}."))
            })
            .max_by_key(|(generated, _)| generated.len());
        match origin {
            Some((_, path)) => Problem {
                line: line_of(lines, path).or(problem.line),
                path: path.clone(),
                ..problem
            },
            None => problem,
        }
    }
}

/// Resolves the `${source:address, fallback}` variables of a serverless.yml, as the framework's v3/v4 resolver
/// does for the sources that need no AWS account: `self:`, `opt:`, `env:`, `file(...)`, `sls:`, `aws:region`,
/// `aws:accountId`, `strToBool(...)`.
struct Variables<'d> {
    document: &'d Value,
    folder: &'d Path,
    options: &'d TemplateOptions,
    lines: &'d HashMap<String, u32>,
    resolving: Vec<String>,
    problems: Vec<Problem>,
}

impl Variables<'_> {
    fn report(&mut self, path: &str, detail: String) {
        let line = line_of(self.lines, path);
        self.problems.push(problem(
            None,
            path.to_string(),
            line,
            ProblemKind::InvalidValue { detail },
        ));
    }

    fn option(&self, name: &str) -> Option<String> {
        self.options
            .parameters
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .or_else(|| match name {
                "region" => self.options.region.clone(),
                _ => None,
            })
    }

    /// The stage: `--parameter-overrides stage=...` (the framework's `--stage`), `provider.stage`, else `dev`.
    fn stage(&mut self) -> Value {
        if let Some(stage) = self.option("stage") {
            return Value::String(stage);
        }
        let key = "provider.stage".to_string();
        match self.document.pointer("/provider/stage").cloned() {
            // provider.stage: ${sls:stage} would ask for itself.
            Some(stage) if !self.resolving.contains(&key) => {
                self.resolving.push(key);
                let value = self.value(&stage, "provider.stage");
                self.resolving.pop();
                value
            }
            _ => Value::String("dev".into()),
        }
    }

    fn region(&mut self) -> Value {
        if let Some(region) = self.option("region") {
            return Value::String(region);
        }
        match self.document.pointer("/provider/region").cloned() {
            Some(region) => self.value(&region, "provider.region"),
            None => Value::String("us-east-1".into()),
        }
    }

    /// A value with its variables resolved.
    fn value(&mut self, value: &Value, path: &str) -> Value {
        match value {
            Value::String(text) => self.text(text, path),
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| self.value(v, &join(path, &i.to_string())))
                    .collect(),
            ),
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), self.value(v, &join(path, k))))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// A string: a lone variable keeps its value's type; variables inside text become text.
    fn text(&mut self, text: &str, path: &str) -> Value {
        let Some(spans) = variables(text) else {
            return Value::String(text.to_string());
        };
        if let [(0, end)] = spans[..] {
            if end == text.len() {
                return self.variable(&text[2..end - 1], path);
            }
        }
        let mut out = String::new();
        let mut at = 0;
        for (start, end) in spans {
            out.push_str(&text[at..start]);
            match self.variable(&text[start + 2..end - 1], path) {
                Value::String(s) => out.push_str(&s),
                Value::Null => {}
                other => out.push_str(&other.to_string()),
            }
            at = end;
        }
        out.push_str(&text[at..]);
        Value::String(out)
    }

    /// One variable's value: its first source that has one, else its literal fallback.
    fn variable(&mut self, inner: &str, path: &str) -> Value {
        // Nested variables in the address resolve first: ${self:custom.${opt:stage}}.
        let inner = match self.text(inner, path) {
            Value::String(s) => s,
            other => other.to_string(),
        };
        for candidate in split_fallbacks(&inner) {
            let candidate = candidate.trim();
            if let Some(literal) = literal(candidate) {
                return literal;
            }
            if let Some(value) = self.source(candidate, path) {
                return value;
            }
        }
        self.report(path, format!("`${{{inner}}}` has no value and no fallback"));
        Value::Null
    }

    fn source(&mut self, reference: &str, path: &str) -> Option<Value> {
        let (source, address) = match reference.find(':') {
            Some(colon)
                if !reference[..colon].contains('(') || reference[..colon].ends_with(')') =>
            {
                (&reference[..colon], reference[colon + 1..].trim())
            }
            _ => (reference, ""),
        };
        match source {
            "self" => self.self_reference(address, path),
            "opt" => self.option(address).map(Value::String),
            "env" => std::env::var(address).ok().map(Value::String),
            "sls" if address == "stage" => Some(self.stage()),
            "aws" if address == "region" => Some(self.region()),
            "aws" if address == "accountId" => Some(Value::String(ACCOUNT_ID.into())),
            file if file.starts_with("file(") && file.ends_with(')') => {
                self.file(&file[5..file.len() - 1], address, path)
            }
            call if call.starts_with("strToBool(") && call.ends_with(')') => {
                let text = call[10..call.len() - 1].trim();
                Some(Value::Bool(matches!(text, "true" | "1")))
            }
            _ => {
                self.report(
                    path,
                    format!("`${{{reference}}}` needs AWS or a source wsgate does not resolve"),
                );
                Some(Value::Null)
            }
        }
    }

    fn self_reference(&mut self, address: &str, path: &str) -> Option<Value> {
        if address == "provider.stage" && self.document.pointer("/provider/stage").is_none() {
            return Some(self.stage());
        }
        let pointer = format!("/{}", address.replace('.', "/"));
        let target = if address.is_empty() {
            self.document.clone()
        } else {
            self.document.pointer(&pointer)?.clone()
        };
        if self.resolving.iter().any(|r| r == address) {
            self.report(path, format!("`${{self:{address}}}` depends on itself"));
            return Some(Value::Null);
        }
        self.resolving.push(address.to_string());
        let value = self.value(&target, address);
        self.resolving.pop();
        Some(value)
    }

    fn file(&mut self, name: &str, address: &str, path: &str) -> Option<Value> {
        let file = self.folder.join(name.trim().trim_matches(['\'', '"']));
        let text = std::fs::read_to_string(&file).ok()?;
        let document = match source::parse(&text) {
            Ok(document) => document.value,
            Err(e) => {
                self.report(path, format!("{}: {}", file.display(), e.message));
                return Some(Value::Null);
            }
        };
        if address.is_empty() {
            return Some(document);
        }
        document
            .pointer(&format!("/{}", address.replace('.', "/")))
            .cloned()
    }
}

/// The `${...}` spans of a text (start, end past the `}`), braces nested; `None` without any.
fn variables(text: &str) -> Option<Vec<(usize, usize)>> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i + 1 < bytes.len() {
        if bytes[i] == b'$' && bytes[i + 1] == b'{' && (i == 0 || bytes[i - 1] != b'\\') {
            let mut depth = 0;
            let mut j = i + 1;
            while j < bytes.len() {
                match bytes[j] {
                    b'{' => depth += 1,
                    b'}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            if j >= bytes.len() {
                break;
            }
            let inner = &text[i + 2..j];
            // `${AWS::Region}` and `${Foo}` are CloudFormation's (Fn::Sub), not the framework's.
            if inner.contains(':') && !inner.contains("::") || inner.contains('(') {
                spans.push((i, j + 1));
            }
            i = j + 1;
        } else {
            i += 1;
        }
    }
    (!spans.is_empty()).then_some(spans)
}

/// The fallbacks of `a, b, 'c'`, split at commas outside quotes, parentheses and braces.
fn split_fallbacks(inner: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut quote, mut start) = (0i32, None, 0);
    for (i, c) in inner.char_indices() {
        match (c, quote) {
            ('\'' | '"', None) => quote = Some(c),
            (c, Some(q)) if c == q => quote = None,
            ('(' | '{', None) => depth += 1,
            (')' | '}', None) => depth -= 1,
            (',', None) if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
}

/// A fallback written as a value: `'text'`, `"text"`, a number, `true`, `false`, `null`.
fn literal(candidate: &str) -> Option<Value> {
    if let Some(text) = candidate
        .strip_prefix('\'')
        .and_then(|c| c.strip_suffix('\''))
    {
        return Some(Value::String(text.to_string()));
    }
    if candidate.starts_with('"')
        || candidate.parse::<f64>().is_ok()
        || matches!(candidate, "true" | "false" | "null")
    {
        return serde_json::from_str(candidate).ok();
    }
    None
}

/// Part of a logical id as the framework normalizes route keys: `$` → `S`, `/` → `Slash`, `-` → `Dash`,
/// `_` → `Underscore`, `.` → `Period`.
fn route_id(route: &str) -> String {
    route
        .replace('$', "S")
        .replace('/', "Slash")
        .replace('-', "Dash")
        .replace('_', "Underscore")
        .replace('.', "Period")
}

/// Part of a logical id as the framework normalizes function names: `-` → `Dash`, `_` → `Underscore`, first
/// letter upper case.
fn function_id(name: &str) -> String {
    let name = name.replace('-', "Dash").replace('_', "Underscore");
    let mut chars = name.chars();
    chars
        .next()
        .map_or(String::new(), |c| c.to_uppercase().chain(chars).collect())
}

/// Compiles a serverless.yml into the CloudFormation template the framework would deploy.
pub fn compile(
    document: &Value,
    lines: &HashMap<String, u32>,
    folder: &Path,
    options: &TemplateOptions,
) -> Result<Compiled, Vec<Problem>> {
    let mut variables = Variables {
        document,
        folder,
        options,
        lines,
        resolving: Vec::new(),
        problems: Vec::new(),
    };
    let config = variables.value(document, "");
    let stage = variables.stage();
    let region = variables.region();
    if !variables.problems.is_empty() {
        // A variable is resolved where it is written and again where it is used: report it once.
        let mut problems = variables.problems;
        problems.sort_by(|a, b| (a.line, &a.path).cmp(&(b.line, &b.path)));
        problems.dedup_by(|a, b| a.path == b.path && a.kind == b.kind);
        return Err(problems);
    }
    let service = config
        .get("service")
        .and_then(Value::as_str)
        .unwrap_or("service")
        .to_string();
    let stage = stage.as_str().unwrap_or("dev").to_string();
    let provider = config.get("provider").cloned().unwrap_or_default();
    let text = |v: Option<&Value>| v.and_then(Value::as_str).map(String::from);
    let mut resources = Map::new();
    let mut origins = Vec::new();
    let api_name = text(provider.get("websocketsApiName"))
        .unwrap_or_else(|| format!("{stage}-{service}-websockets"));
    resources.insert(
        "WebsocketsApi".into(),
        json!({"Type": "AWS::ApiGatewayV2::Api", "Properties": {
            "Name": api_name,
            "ProtocolType": "WEBSOCKET",
            "RouteSelectionExpression": text(provider.get("websocketsApiRouteSelectionExpression"))
                .unwrap_or_else(|| "$request.body.action".into()),
            "Description": text(provider.get("websocketsDescription")).unwrap_or_else(|| "Serverless Websockets".into()),
        }}),
    );
    origins.push((
        "Resources.WebsocketsApi".to_string(),
        "provider".to_string(),
    ));
    resources.insert(
        "WebsocketsDeploymentStage".into(),
        json!({"Type": "AWS::ApiGatewayV2::Stage", "Properties": {"ApiId": {"Ref": "WebsocketsApi"}, "StageName": stage}}),
    );
    let mut problems = Vec::new();
    let functions = config
        .get("functions")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    for (name, function) in &functions {
        let function_path = format!("functions.{name}");
        let fn_id = function_id(name);
        let lambda_id = format!("{fn_id}LambdaFunction");
        let mut environment = provider
            .get("environment")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        if let Some(own) = function.get("environment").and_then(Value::as_object) {
            environment.extend(own.clone());
        }
        let setting = |key: &str| function.get(key).or_else(|| provider.get(key)).cloned();
        resources.insert(
            lambda_id.clone(),
            json!({"Type": "AWS::Lambda::Function", "Properties": {
                "FunctionName": text(function.get("name")).unwrap_or_else(|| format!("{service}-{stage}-{name}")),
                "Handler": function.get("handler").cloned().unwrap_or(Value::Null),
                "Runtime": setting("runtime").unwrap_or_else(|| "nodejs20.x".into()),
                "Timeout": setting("timeout").unwrap_or_else(|| 6.into()),
                "MemorySize": setting("memorySize").unwrap_or_else(|| 1024.into()),
                "Environment": {"Variables": environment},
                "CodeUri": ".",
            }}),
        );
        origins.push((format!("Resources.{lambda_id}"), function_path.clone()));
        let events = function
            .get("events")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut integrated = false;
        for (i, event) in events.iter().enumerate() {
            let Some(websocket) = event.get("websocket") else {
                continue;
            };
            let event_path = format!("{function_path}.events.{i}.websocket");
            let (route, response, authorizer) = match websocket {
                Value::String(route) => (route.clone(), None, None),
                Value::Object(settings) => (
                    text(settings.get("route")).unwrap_or_default(),
                    text(settings.get("routeResponseSelectionExpression")),
                    settings.get("authorizer").cloned(),
                ),
                _ => (String::new(), None, None),
            };
            if route.is_empty() {
                problems.push(problem(
                    None,
                    event_path.clone(),
                    line_of(lines, &event_path),
                    ProblemKind::MissingField {
                        field: "route".into(),
                    },
                ));
                continue;
            }
            let integration_id = format!("{fn_id}WebsocketsIntegration");
            if !integrated {
                integrated = true;
                resources.insert(
                    integration_id.clone(),
                    json!({"Type": "AWS::ApiGatewayV2::Integration", "Properties": {
                        "ApiId": {"Ref": "WebsocketsApi"},
                        "IntegrationType": "AWS_PROXY",
                        "IntegrationUri": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":apigateway:",
                            {"Ref": "AWS::Region"}, ":lambda:path/2015-03-31/functions/",
                            {"Fn::GetAtt": [lambda_id, "Arn"]}, "/invocations"]]},
                    }}),
                );
                origins.push((format!("Resources.{integration_id}"), function_path.clone()));
            }
            let route_logical = format!("{}WebsocketsRoute", route_id(&route));
            let mut route_properties = json!({
                "ApiId": {"Ref": "WebsocketsApi"},
                "RouteKey": route,
                "AuthorizationType": "NONE",
                "Target": {"Fn::Join": ["/", ["integrations", {"Ref": integration_id}]]},
            });
            if let Some(response) = &response {
                route_properties["RouteResponseSelectionExpression"] = response.clone().into();
                let response_id = format!("{}WebsocketsRouteResponse", route_id(&route));
                resources.insert(
                    response_id.clone(),
                    json!({"Type": "AWS::ApiGatewayV2::RouteResponse", "Properties": {
                        "ApiId": {"Ref": "WebsocketsApi"}, "RouteId": {"Ref": route_logical}, "RouteResponseKey": "$default",
                    }}),
                );
                origins.push((format!("Resources.{response_id}"), event_path.clone()));
            }
            if let Some(authorizer) = authorizer {
                let (auth_name, identity) = match &authorizer {
                    Value::String(text) => {
                        (text.rsplit(':').next().unwrap_or(text).to_string(), None)
                    }
                    Value::Object(settings) => (
                        text(settings.get("name"))
                            .or_else(|| {
                                text(settings.get("arn"))
                                    .map(|a| a.rsplit(':').next().unwrap_or_default().to_string())
                            })
                            .unwrap_or_default(),
                        settings.get("identitySource").cloned(),
                    ),
                    _ => (String::new(), None),
                };
                let authorizer_id = format!("{}WebsocketsAuthorizer", function_id(&auth_name));
                route_properties["AuthorizationType"] = "CUSTOM".into();
                route_properties["AuthorizerId"] = json!({"Ref": authorizer_id});
                let function_ref = if functions.contains_key(&auth_name) {
                    json!({"Fn::GetAtt": [format!("{}LambdaFunction", function_id(&auth_name)), "Arn"]})
                } else {
                    Value::String(format!(
                        "arn:aws:lambda:{}:{ACCOUNT_ID}:function:{auth_name}",
                        region.as_str().unwrap_or("us-east-1")
                    ))
                };
                resources.insert(
                    authorizer_id.clone(),
                    json!({"Type": "AWS::ApiGatewayV2::Authorizer", "Properties": {
                        "ApiId": {"Ref": "WebsocketsApi"},
                        "Name": auth_name,
                        "AuthorizerType": "REQUEST",
                        "IdentitySource": identity.unwrap_or_else(|| json!(["route.request.header.Auth"])),
                        "AuthorizerUri": {"Fn::Join": ["", ["arn:aws:apigateway:", {"Ref": "AWS::Region"},
                            ":lambda:path/2015-03-31/functions/", function_ref, "/invocations"]]},
                    }}),
                );
                origins.push((
                    format!("Resources.{authorizer_id}"),
                    join(&event_path, "authorizer"),
                ));
            }
            resources.insert(
                route_logical.clone(),
                json!({"Type": "AWS::ApiGatewayV2::Route", "Properties": route_properties}),
            );
            origins.push((format!("Resources.{route_logical}"), event_path));
        }
    }
    // `resources.extensions` changes the resources the framework made (their properties merged in).
    if let Some(extensions) = config
        .pointer("/resources/extensions")
        .and_then(Value::as_object)
    {
        for (id, extension) in extensions {
            let path = format!("resources.extensions.{id}");
            match resources.get_mut(id) {
                Some(resource) => merge(resource, extension),
                None => problems.push(problem(
                    None,
                    path.clone(),
                    line_of(lines, &path),
                    ProblemKind::InvalidValue {
                        detail: format!(
                            "`{id}` is not a resource the framework makes of this service"
                        ),
                    },
                )),
            }
            origins.push((
                format!("Resources.{id}.Properties"),
                join(&path, "Properties"),
            ));
        }
    }
    // `resources.Resources` is CloudFormation merged into the framework's own.
    if let Some(extra) = config
        .pointer("/resources/Resources")
        .and_then(Value::as_object)
    {
        for (id, resource) in extra {
            resources.insert(id.clone(), resource.clone());
            origins.push((
                format!("Resources.{id}"),
                format!("resources.Resources.{id}"),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut template = json!({"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources});
    if let Some(extra) = config.get("resources").and_then(Value::as_object) {
        for section in ["Parameters", "Conditions", "Mappings", "Outputs"] {
            if let Some(value) = extra.get(section) {
                template[section] = value.clone();
            }
        }
    }
    let options = TemplateOptions {
        stack_name: Some(format!("{service}-{stage}")),
        region: region.as_str().map(String::from),
        ..TemplateOptions::default()
    };
    Ok(Compiled {
        template,
        options,
        origins,
    })
}

/// Merges `extension` into `target`: objects key by key, anything else replaced.
fn merge(target: &mut Value, extension: &Value) {
    match (target, extension) {
        (Value::Object(target), Value::Object(extension)) => {
            for (key, value) in extension {
                match target.get_mut(key) {
                    Some(existing) => merge(existing, value),
                    None => {
                        target.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (target, extension) => *target = extension.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::test_support::{load_with as load, seen};
    use crate::config::Api;

    #[test]
    fn the_chat_service_serves_the_chat_definition() {
        let messages = [
            r#"{"action":"joinroom","room":"lobby"}"#,
            r#"{"action":"joinroom","room":""}"#,
            r#"{"action":"sendmessage","message":"hi"}"#,
            r#"{"action":"nope"}"#,
        ];
        let service = load(
            include_str!("../../../examples/chat/serverless.yml"),
            &TemplateOptions::default(),
        )
        .unwrap();
        assert_eq!(
            (service.name.as_str(), service.stage.as_str()),
            ("chat", "dev")
        );
        let chat = Api::from_str(include_str!("../../../examples/chat/api.yaml")).unwrap();
        assert_eq!(seen(service, &messages), seen(chat, &messages));
    }

    const SERVICE: &str = "\
service: shop
provider:
  name: aws
  runtime: nodejs20.x
  stage: ${opt:stage, 'test'}
  environment:
    TABLE: ${self:service}-${sls:stage}-orders
    LEVEL: ${env:WSGATE_TEST_UNSET, \"info\"}
functions:
  orders:
    handler: src/orders.handler
    timeout: 10
    environment:
      LEVEL: debug
    events:
      - websocket: $connect
      - websocket:
          route: order
          routeResponseSelectionExpression: $default
  auth:
    handler: src/auth.handler
";

    #[test]
    fn variables_and_events_compile_as_the_framework_compiles_them() {
        let api = load(SERVICE, &TemplateOptions::default()).unwrap();
        assert_eq!(
            (api.name.as_str(), api.stage.as_str()),
            ("test-shop-websockets", "test")
        );
        assert_eq!(
            api.routes["$connect"].integration,
            "OrdersWebsocketsIntegration"
        );
        assert!(api.routes["order"].two_way);
        let orders = api
            .functions
            .iter()
            .find(|f| f.id == "OrdersLambdaFunction")
            .unwrap();
        assert_eq!(orders.name, "shop-test-orders");
        assert_eq!((orders.timeout_seconds, orders.memory_mb), (10, 1024));
        assert_eq!(orders.environment["TABLE"], "shop-test-orders");
        assert_eq!(orders.environment["LEVEL"], "debug");
        let prod = TemplateOptions {
            parameters: vec![("stage".into(), "prod".into())],
            ..TemplateOptions::default()
        };
        assert_eq!(load(SERVICE, &prod).unwrap().stage, "prod");
    }

    #[test]
    fn problems_are_at_the_services_own_paths() {
        let unknown = SERVICE.replace("${opt:stage, 'test'}", "${ssm:/shop/stage}");
        assert_eq!(
            load(&unknown, &TemplateOptions::default()).unwrap_err(),
            [("provider.stage".to_string(), "invalid_value", Some(5))]
        );
        let missing = SERVICE.replace(
            "${env:WSGATE_TEST_UNSET, \"info\"}",
            "${env:WSGATE_TEST_UNSET}",
        );
        assert_eq!(
            load(&missing, &TemplateOptions::default()).unwrap_err(),
            [(
                "provider.environment.LEVEL".to_string(),
                "invalid_value",
                Some(8)
            )]
        );
        let bad_route = SERVICE.replace("route: order", "route: $order");
        assert_eq!(
            load(&bad_route, &TemplateOptions::default()).unwrap_err()[0].0,
            "functions.orders.events.1.websocket"
        );
    }
}
