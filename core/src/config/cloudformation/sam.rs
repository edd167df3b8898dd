//! SAM's `AWS::Serverless::WebSocketApi`, expanded into the `AWS::ApiGatewayV2` resources SAM's transform makes
//! of it (docs/behaviour.md §11.2, §13), with the logical ids SAM gives them, so that the rest of the template is
//! read as CloudFormation reads the transformed one.

use serde_json::{json, Map, Value};

use super::intrinsics::call;

/// The `Globals` section's properties for `section` merged under a resource's own, as SAM merges them: the
/// resource's value wins, maps merge key by key, lists are the global items then the resource's.
pub fn with_globals(globals: Option<&Value>, properties: &Value) -> Value {
    match (globals, properties) {
        // An intrinsic function call is a value of its own, not a map to merge.
        (Some(Value::Object(global)), Value::Object(local))
            if globals.and_then(call).is_none() && call(properties).is_none() =>
        {
            let mut merged = global.clone();
            for (key, value) in local {
                let value = with_globals(global.get(key), value);
                merged.insert(key.clone(), value);
            }
            Value::Object(merged)
        }
        (Some(Value::Array(global)), Value::Array(local)) => {
            Value::Array(global.iter().chain(local).cloned().collect())
        }
        _ => properties.clone(),
    }
}

/// `$connect` → `Connect`, `sendmessage` → `Sendmessage`: the part of SAM's logical ids that names a route.
fn clean(route_key: &str) -> String {
    let key = route_key.strip_prefix('$').unwrap_or(route_key);
    let mut chars = key.chars();
    chars.next().map_or(String::new(), |c| {
        c.to_uppercase()
            .chain(chars.flat_map(char::to_lowercase))
            .collect()
    })
}

/// The resources SAM makes of one `AWS::Serverless::WebSocketApi`, keyed by logical id; the API keeps its own id.
pub fn expand_websocket_api(id: &str, properties: &Value) -> Vec<(String, Value)> {
    let get = |key: &str| properties.get(key).cloned();
    let mut api = Map::new();
    api.insert("Name".into(), get("Name").unwrap_or_else(|| id.into()));
    api.insert("ProtocolType".into(), "WEBSOCKET".into());
    for key in [
        "RouteSelectionExpression",
        "ApiKeySelectionExpression",
        "Description",
        "DisableSchemaValidation",
        "DisableExecuteApiEndpoint",
        "IpAddressType",
        "Tags",
    ] {
        if let Some(value) = get(key) {
            api.insert(key.into(), value);
        }
    }
    let mut resources = vec![(
        id.to_string(),
        json!({"Type": "AWS::ApiGatewayV2::Api", "Properties": api}),
    )];
    let auth = properties.get("Auth");
    let custom = auth
        .and_then(|a| a.get("AuthType"))
        .is_some_and(|t| t == "CUSTOM");
    for (route_key, route) in properties
        .get("Routes")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let clean = clean(route_key);
        let integration = format!("{id}{clean}Integration");
        let mut route_properties = Map::new();
        route_properties.insert("ApiId".into(), json!({"Ref": id}));
        route_properties.insert("RouteKey".into(), route_key.clone().into());
        route_properties.insert(
            "Target".into(),
            json!({"Fn::Join": ["/", ["integrations", {"Ref": integration}]]}),
        );
        for key in [
            "ApiKeyRequired",
            "ModelSelectionExpression",
            "OperationName",
            "RequestModels",
            "RequestParameters",
            "RouteResponseSelectionExpression",
        ] {
            if let Some(value) = route.get(key) {
                route_properties.insert(key.into(), value.clone());
            }
        }
        if route_key == "$connect" && custom {
            route_properties.insert("AuthorizationType".into(), "CUSTOM".into());
            route_properties.insert(
                "AuthorizerId".into(),
                json!({"Ref": format!("{id}ConnectAuthorizer")}),
            );
        }
        let mut integration_properties = json!({
            "ApiId": {"Ref": id},
            "IntegrationType": "AWS_PROXY",
            "IntegrationUri": {"Fn::Sub": [
                "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${FunctionArn}/invocations",
                {"FunctionArn": route.get("FunctionArn").cloned().unwrap_or(Value::Null)}
            ]},
        });
        if let Some(timeout) = route.get("IntegrationTimeout") {
            integration_properties["TimeoutInMillis"] = timeout.clone();
        }
        resources.push((
            format!("{id}{clean}Route"),
            json!({"Type": "AWS::ApiGatewayV2::Route", "Properties": route_properties}),
        ));
        resources.push((
            integration,
            json!({"Type": "AWS::ApiGatewayV2::Integration", "Properties": integration_properties}),
        ));
    }
    if let (true, Some(auth)) = (custom, auth) {
        let mut authorizer = json!({
            "ApiId": {"Ref": id},
            "AuthorizerType": "REQUEST",
            "Name": auth.get("Name").cloned().unwrap_or_else(|| format!("{id}ConnectAuthorizer").into()),
            "AuthorizerUri": {"Fn::Sub": [
                "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${AuthArn}/invocations",
                {"AuthArn": auth.get("AuthArn").cloned().unwrap_or(Value::Null)}
            ]},
        });
        if let Some(source) = auth.get("IdentitySource") {
            authorizer["IdentitySource"] = source.clone();
        }
        resources.push((
            format!("{id}ConnectAuthorizer"),
            json!({"Type": "AWS::ApiGatewayV2::Authorizer", "Properties": authorizer}),
        ));
    }
    let stage_name = get("StageName").unwrap_or_else(|| "default".into());
    let stage_id = match &stage_name {
        Value::String(name) => format!("{id}{}Stage", clean(name)),
        _ => format!("{id}Stage"),
    };
    let mut stage = json!({"ApiId": {"Ref": id}, "StageName": stage_name, "AutoDeploy": true});
    for property in ["StageVariables", "DefaultRouteSettings", "RouteSettings"] {
        if let Some(value) = get(property) {
            stage[property] = value;
        }
    }
    resources.push((
        stage_id,
        json!({"Type": "AWS::ApiGatewayV2::Stage", "Properties": stage}),
    ));
    resources
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globals_merge_under_the_resource() {
        let globals = json!({"Timeout": 3, "Environment": {"Variables": {"A": "1", "B": "2"}}, "Layers": ["g"]});
        let local = json!({"Timeout": 10, "Environment": {"Variables": {"B": "3"}}, "Layers": ["l"],
                           "CodeUri": {"Ref": "Code"}});
        let merged = with_globals(Some(&globals), &local);
        assert_eq!(
            merged,
            json!({"Timeout": 10, "Environment": {"Variables": {"A": "1", "B": "3"}}, "Layers": ["g", "l"],
                   "CodeUri": {"Ref": "Code"}})
        );
    }

    #[test]
    fn routes_become_routes_and_integrations_named_as_sam_names_them() {
        let expanded = expand_websocket_api(
            "ChatApi",
            &json!({"RouteSelectionExpression": "$request.body.action",
                    "Routes": {"$connect": {"FunctionArn": {"Fn::GetAtt": ["OnConnect", "Arn"]}},
                               "sendmessage": {"FunctionArn": "arn:aws:lambda:us-east-1:1:function:send"}}}),
        );
        let ids: Vec<&str> = expanded.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "ChatApi",
                "ChatApiConnectRoute",
                "ChatApiConnectIntegration",
                "ChatApiSendmessageRoute",
                "ChatApiSendmessageIntegration",
                "ChatApiDefaultStage"
            ]
        );
        assert_eq!(expanded[5].1["Properties"]["StageName"], "default");
    }
}
