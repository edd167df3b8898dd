//! `wsgate convert`: a definition written for wsgate as a CloudFormation template that deploys it to AWS, and any
//! file wsgate reads (a template, a serverless.yml) as a wsgate definition (docs/behaviour.md §13). Converting there
//! and back serves the same API.

use serde_json::{json, Map, Value};
use yaml_rust2::{Yaml, YamlEmitter};

use super::cloudformation::pascal;

/// The CloudFormation template of a wsgate definition (as written, not yet loaded): an `AWS::ApiGatewayV2::Api`
/// with its Stage (auto-deployed), Models, Integrations and their responses, Routes and theirs. A Lambda integration
/// calls the function a parameter names (`{Integration}FunctionArn`), whose default is the function the definition
/// names.
pub fn to_cloudformation(definition: &Value) -> Value {
    let get = |key: &str| definition.get(key).cloned();
    let mut resources = Map::new();
    let mut parameters = Map::new();
    let mut used = std::collections::HashSet::new();
    let mut logical = |wanted: String| {
        let base: String = wanted.chars().filter(char::is_ascii_alphanumeric).collect();
        let base = if base.is_empty() {
            "Resource".to_string()
        } else {
            base
        };
        let id = (0..)
            .map(|n| {
                if n == 0 {
                    base.clone()
                } else {
                    format!("{base}{n}")
                }
            })
            .find(|id| !used.contains(id))
            .expect("an unused logical id");
        used.insert(id.clone());
        id
    };
    let api_id = logical("Api".into());
    let mut api = Map::new();
    api.insert("Name".into(), get("name").unwrap_or(Value::Null));
    api.insert("ProtocolType".into(), "WEBSOCKET".into());
    for (field, property) in [
        ("routeSelectionExpression", "RouteSelectionExpression"),
        ("apiKeySelectionExpression", "ApiKeySelectionExpression"),
        ("description", "Description"),
        ("disableSchemaValidation", "DisableSchemaValidation"),
        ("disableExecuteApiEndpoint", "DisableExecuteApiEndpoint"),
        ("ipAddressType", "IpAddressType"),
        ("version", "Version"),
        ("tags", "Tags"),
    ] {
        if let Some(value) = get(field) {
            api.insert(property.into(), value);
        }
    }
    let mut api_resource = json!({"Type": "AWS::ApiGatewayV2::Api", "Properties": api});
    // wsgate's own, which AWS ignores in Metadata: the API id a local deployment uses when the definition fixes
    // one, and wsgate's settings.
    let own: Map<String, Value> = ["apiId", "settings"]
        .into_iter()
        .filter_map(|key| Some((key.to_string(), get(key)?)))
        .collect();
    if !own.is_empty() {
        api_resource["Metadata"] = json!({"wsgate": own});
    }
    resources.insert(api_id.clone(), api_resource);
    let api_ref = json!({"Ref": api_id});

    let mut stage = json!({"ApiId": api_ref, "StageName": get("stage").unwrap_or_else(|| "dev".into()), "AutoDeploy": true});
    if let Some(variables) = get("stageVariables") {
        stage["StageVariables"] = variables;
    }
    let pascal_fields = |value: &Value| -> Value {
        let fields = value.as_object().into_iter().flatten();
        Value::Object(fields.map(|(k, v)| (pascal(k), v.clone())).collect())
    };
    if let Some(settings) = get("defaultRouteSettings") {
        stage["DefaultRouteSettings"] = pascal_fields(&settings);
    }
    if let Some(Value::Object(by_route)) = get("routeSettings") {
        let by_route = by_route.iter().map(|(k, v)| (k.clone(), pascal_fields(v)));
        stage["RouteSettings"] = Value::Object(by_route.collect());
    }
    let stage_id = logical("Stage".into());
    resources.insert(
        stage_id.clone(),
        json!({"Type": "AWS::ApiGatewayV2::Stage", "Properties": stage}),
    );

    // API keys live in API Gateway's v1 API: each key joins a usage plan whose stage is this API's.
    let keys = definition.get("apiKeys").and_then(Value::as_object);
    if let Some(keys) = keys.filter(|keys| !keys.is_empty()) {
        let plan_id = logical("UsagePlan".into());
        resources.insert(
            plan_id.clone(),
            json!({"Type": "AWS::ApiGateway::UsagePlan", "DependsOn": stage_id,
                   "Properties": {"ApiStages": [{"ApiId": api_ref, "Stage": {"Ref": stage_id}}]}}),
        );
        for (name, key) in keys {
            let key_id = logical(format!("{name}ApiKey"));
            let mut properties = pascal_object(&Value::Null, key);
            properties.remove("ApiId");
            properties.insert("Name".into(), name.clone().into());
            resources.insert(
                key_id.clone(),
                json!({"Type": "AWS::ApiGateway::ApiKey", "Properties": properties}),
            );
            resources.insert(
                logical(format!("{key_id}UsagePlanKey")),
                json!({"Type": "AWS::ApiGateway::UsagePlanKey", "Properties": {
                    "KeyId": {"Ref": key_id}, "KeyType": "API_KEY", "UsagePlanId": {"Ref": plan_id}}}),
            );
        }
    }

    for (name, model) in definition
        .get("models")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let mut properties = pascal_object(&api_ref, model);
        properties.insert("Name".into(), name.clone().into());
        properties
            .entry("ContentType")
            .or_insert_with(|| "application/json".into());
        resources.insert(
            logical(format!("{name}Model")),
            json!({"Type": "AWS::ApiGatewayV2::Model", "Properties": properties}),
        );
    }

    let mut integration_ids = Map::new();
    for (id, integration) in definition
        .get("integrations")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let integration_id = logical(id.clone());
        integration_ids.insert(id.clone(), integration_id.clone().into());
        let mut properties = pascal_object(&api_ref, integration);
        properties.remove("IntegrationResponses");
        let is_lambda = matches!(
            integration.get("integrationType").and_then(Value::as_str),
            Some("AWS_PROXY" | "AWS")
        );
        let uri = integration.get("integrationUri").and_then(Value::as_str);
        let is_url = uri.is_some_and(|u| u.starts_with("http://") || u.starts_with("https://"));
        if is_lambda && !is_url {
            let function =
                lambda_parameter(&mut parameters, &integration_id, uri, id, "integration");
            properties.insert("IntegrationUri".into(), function);
        }
        resources.insert(
            integration_id.clone(),
            json!({"Type": "AWS::ApiGatewayV2::Integration", "Properties": properties}),
        );
        let responses = integration
            .get("integrationResponses")
            .and_then(Value::as_object);
        for (key, response) in responses.into_iter().flatten() {
            let mut properties = pascal_object(&api_ref, response);
            properties.insert("IntegrationId".into(), json!({"Ref": integration_id}));
            properties.insert("IntegrationResponseKey".into(), key.clone().into());
            resources.insert(
                logical(format!("{integration_id}Response")),
                json!({"Type": "AWS::ApiGatewayV2::IntegrationResponse", "Properties": properties}),
            );
        }
    }

    let mut authorizer_ids = Map::new();
    for (id, authorizer) in definition
        .get("authorizers")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let authorizer_id = logical(id.clone());
        authorizer_ids.insert(id.clone(), authorizer_id.clone().into());
        let mut properties = pascal_object(&api_ref, authorizer);
        properties.insert("Name".into(), id.clone().into());
        let uri = authorizer.get("authorizerUri").and_then(Value::as_str);
        if !uri.is_some_and(|u| u.starts_with("http://") || u.starts_with("https://")) {
            let function = lambda_parameter(&mut parameters, &authorizer_id, uri, id, "authorizer");
            properties.insert("AuthorizerUri".into(), function);
        }
        resources.insert(
            authorizer_id,
            json!({"Type": "AWS::ApiGatewayV2::Authorizer", "Properties": properties}),
        );
    }

    for (key, route) in definition
        .get("routes")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let route_id = logical(format!("{}Route", key.trim_start_matches('$')));
        let mut properties = pascal_object(&api_ref, route);
        properties.remove("RouteResponses");
        properties.insert("RouteKey".into(), key.clone().into());
        if let Some(target) = route.get("target").and_then(Value::as_str) {
            let integration = target.strip_prefix("integrations/").unwrap_or(target);
            if let Some(Value::String(id)) = integration_ids.get(integration) {
                properties.insert(
                    "Target".into(),
                    json!({"Fn::Join": ["/", ["integrations", {"Ref": id}]]}),
                );
            }
        }
        if let Some(Value::String(id)) = route
            .get("authorizerId")
            .and_then(Value::as_str)
            .and_then(|a| authorizer_ids.get(a))
        {
            properties.insert("AuthorizerId".into(), json!({"Ref": id}));
        }
        resources.insert(
            route_id.clone(),
            json!({"Type": "AWS::ApiGatewayV2::Route", "Properties": properties}),
        );
        let responses = route.get("routeResponses").and_then(Value::as_object);
        for (response_key, response) in responses.into_iter().flatten() {
            let mut properties = pascal_object(&api_ref, response);
            properties.insert("RouteId".into(), json!({"Ref": route_id}));
            properties.insert("RouteResponseKey".into(), response_key.clone().into());
            resources.insert(
                logical(format!("{route_id}Response")),
                json!({"Type": "AWS::ApiGatewayV2::RouteResponse", "Properties": properties}),
            );
        }
    }
    let mut template = json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": format!("{} (converted by wsgate)", definition.get("name").and_then(Value::as_str).unwrap_or("API")),
    });
    if !parameters.is_empty() {
        template["Parameters"] = Value::Object(parameters);
    }
    template["Resources"] = Value::Object(resources);
    template["Outputs"] = json!({"WebSocketURL": {"Value": {"Fn::Sub": format!(
        "wss://${{{api_id}}}.execute-api.${{AWS::Region}}.amazonaws.com/{}",
        definition.get("stage").and_then(Value::as_str).unwrap_or("dev")
    )}}});
    template
}

/// The function an integration or authorizer calls, as the parameter `{logical_id}FunctionArn` (its default the
/// function `uri` names, else one named `id`), and the apigateway URI that invokes it.
fn lambda_parameter(
    parameters: &mut Map<String, Value>,
    logical_id: &str,
    uri: Option<&str>,
    id: &str,
    what: &str,
) -> Value {
    let parameter = format!("{logical_id}FunctionArn");
    let default = match uri {
        Some(arn) if arn.starts_with("arn:aws:lambda:") => arn.to_string(),
        Some(arn) if arn.contains(":lambda:path/") => arn
            .split_once("/functions/")
            .and_then(|(_, rest)| rest.strip_suffix("/invocations"))
            .unwrap_or(arn)
            .to_string(),
        Some(name) => format!("arn:aws:lambda:us-east-1:123456789012:function:{name}"),
        None => format!("arn:aws:lambda:us-east-1:123456789012:function:{id}"),
    };
    parameters.insert(
        parameter.clone(),
        json!({"Type": "String", "Default": default,
               "Description": format!("The Lambda function {what} {id} calls")}),
    );
    json!({"Fn::Sub": format!(
        "arn:${{AWS::Partition}}:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/functions/${{{parameter}}}/invocations"
    )})
}

/// A definition object's fields as the properties of a resource of the API `api` (`routeKey` → `RouteKey`), `ApiId`
/// first; the user's keys below a field (templates, models, parameters) stay as written.
fn pascal_object(api: &Value, object: &Value) -> Map<String, Value> {
    let fields = object
        .as_object()
        .into_iter()
        .flatten()
        .map(|(field, value)| (pascal(field), value.clone()));
    std::iter::once(("ApiId".to_string(), api.clone()))
        .chain(fields)
        .collect()
}

/// A JSON value as YAML text, keys in their order.
pub fn yaml(value: &Value) -> String {
    fn convert(value: &Value) -> Yaml {
        match value {
            Value::Null => Yaml::Null,
            Value::Bool(b) => Yaml::Boolean(*b),
            Value::Number(n) => match n.as_i64() {
                Some(i) => Yaml::Integer(i),
                None => Yaml::Real(n.to_string()),
            },
            Value::String(s) => Yaml::String(s.clone()),
            Value::Array(items) => Yaml::Array(items.iter().map(convert).collect()),
            Value::Object(map) => Yaml::Hash(
                map.iter()
                    .map(|(k, v)| (Yaml::String(k.clone()), convert(v)))
                    .collect(),
            ),
        }
    }
    let mut out = String::new();
    let mut emitter = YamlEmitter::new(&mut out);
    emitter.multiline_strings(true);
    emitter
        .dump(&convert(value))
        .expect("YAML is written to a string");
    // The emitter starts documents with `---`; a file needs no marker.
    out.strip_prefix("---\n").unwrap_or(&out).to_string() + "\n"
}

/// The wsgate definition of a file wsgate serves (a template or serverless.yml translated, with `options`), once it
/// has loaded without problems.
pub fn to_wsgate(
    path: &std::path::Path,
    options: &super::TemplateOptions,
) -> Result<Value, super::ConfigError> {
    super::read(path, options).map(|(_, definition)| definition)
}
