//! CloudFormation and SAM templates read as they are (docs/behaviour.md §11.2, §13): the `AWS::ApiGatewayV2`
//! resources of one WebSocket API (SAM's `AWS::Serverless::WebSocketApi` expanded first) become a wsgate
//! definition, which the loader then checks as any other. Every value is resolved first (parameters, conditions,
//! intrinsic functions), and every problem, the loader's included, is given back at the template's own place:
//! `Resources.SendRoute.Properties.Target`, with its line.

mod intrinsics;
mod sam;

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

use super::source::{join, line_of};
use super::{Function, FunctionCode, Problem, ProblemKind};
use intrinsics::{Resolver, Stack};

/// What a local deployment of a CloudFormation/SAM template is given, as `sam deploy` would be: `wsgate
/// check|route|serve`'s flags, the Python and Node packages' `template` options. A wsgate definition ignores them.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct TemplateOptions {
    /// The logical id of the WebSocket API to serve, when the template has several.
    #[cfg_attr(feature = "cli", arg(long, value_name = "LOGICAL_ID"))]
    pub api: Option<String>,
    /// Parameter values, over the template's defaults (`sam deploy --parameter-overrides Name=Value ...`).
    #[cfg_attr(feature = "cli", arg(long = "parameter-overrides", value_name = "NAME=VALUE", num_args = 1.., value_parser = parse_parameter))]
    #[serde(rename = "parameterOverrides", with = "crate::config::pairs")]
    #[cfg_attr(test, schemars(with = "BTreeMap<String, String>"))]
    pub parameters: Vec<(String, String)>,
    /// `AWS::StackName`; else the template's folder name (`sam init` names a project's folder after its stack).
    #[cfg_attr(feature = "cli", arg(long))]
    pub stack_name: Option<String>,
    /// `AWS::Region`; else `us-east-1`.
    #[cfg_attr(feature = "cli", arg(long))]
    pub region: Option<String>,
    /// Function environment overrides in SAM's format (`sam local --env-vars`):
    /// `{"FunctionLogicalId": {"VAR": "value"}, "Parameters": {"VAR": "value for every function"}}`.
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub env_vars: Option<String>,
}

/// `Name=Value`, or SAM's `ParameterKey=Name,ParameterValue=Value`.
#[cfg(feature = "cli")]
fn parse_parameter(text: &str) -> Result<(String, String), String> {
    let sam = text
        .strip_prefix("ParameterKey=")
        .and_then(|rest| rest.split_once(",ParameterValue="));
    match sam.or_else(|| text.split_once('=')) {
        Some((name, value)) if !name.is_empty() => Ok((name.to_string(), value.to_string())),
        _ => Err(format!("`{text}` is not NAME=VALUE")),
    }
}

const SAM_TRANSFORM: &str = "AWS::Serverless-2016-10-31";

/// Whether a document is a CloudFormation (or SAM) template rather than a wsgate definition.
pub fn is_template(document: &Value) -> bool {
    document.get("AWSTemplateFormatVersion").is_some()
        || document
            .get("Resources")
            .and_then(Value::as_object)
            .is_some_and(|resources| {
                resources
                    .values()
                    .any(|r| r.get("Type").is_some_and(Value::is_string))
            })
}

/// A wsgate definition made from a template, and where each of its parts came from.
pub struct Translated {
    pub definition: Value,
    /// The template's Lambda functions.
    pub functions: Vec<Function>,
    /// Definition path → (template path, whether the keys below it are the user's, such as request template
    /// content types, rather than property names).
    origins: BTreeMap<String, (String, bool)>,
}

impl Translated {
    /// A problem the loader found in the definition, moved to the template's path and line.
    pub fn relocate(&self, problem: Problem, lines: &HashMap<String, u32>) -> Problem {
        let mut prefix = problem.path.as_str();
        let (template_path, rest) = loop {
            if let Some((origin, verbatim)) = self.origins.get(prefix) {
                let rest = problem.path[prefix.len()..].trim_start_matches('.');
                let rest = if *verbatim {
                    rest.to_string()
                } else {
                    rest.split('.').map(pascal).collect::<Vec<_>>().join(".")
                };
                break (origin.clone(), rest);
            }
            match prefix.rfind('.') {
                Some(dot) => prefix = &prefix[..dot],
                None if !prefix.is_empty() => prefix = "",
                None => break ("Resources".to_string(), problem.path.clone()),
            }
        };
        let path = if rest.is_empty() {
            template_path
        } else {
            join(&template_path, &rest)
        };
        Problem {
            line: line_of(lines, &path).or(problem.line),
            path,
            ..problem
        }
    }
}

/// `routeKey` → `RouteKey`: CloudFormation's name of a definition field.
pub(super) fn pascal(field: &str) -> String {
    let mut chars = field.chars();
    chars
        .next()
        .map_or(String::new(), |c| c.to_uppercase().chain(chars).collect())
}

/// `RouteKey` → `routeKey`.
fn camel(property: &str) -> String {
    let mut chars = property.chars();
    chars
        .next()
        .map_or(String::new(), |c| c.to_lowercase().chain(chars).collect())
}

/// Properties of a resource whose keys below are the user's, not property names.
const VERBATIM: &[&str] = &[
    "RequestTemplates",
    "ResponseTemplates",
    "RequestModels",
    "ResponseModels",
    "RequestParameters",
    "ResponseParameters",
    "StageVariables",
    "Tags",
    "Schema",
];

/// Properties that tie resources together (or only deploy them): read here, not copied into the definition.
const STRUCTURAL: &[&str] = &[
    "ApiId",
    "RouteId",
    "RouteKey",
    "RouteResponseKey",
    "IntegrationId",
    "IntegrationResponseKey",
    "Name",
    "FailOnWarnings",
];

struct Translator<'t> {
    resolver: Resolver<'t>,
    origins: BTreeMap<String, (String, bool)>,
    /// Each resource of the stack that exists in this deployment, with its type, in template order.
    resources: Vec<(String, String)>,
}

impl Translator<'_> {
    fn record(&mut self, path: &str, origin: String, verbatim: bool) {
        self.origins.insert(path.to_string(), (origin, verbatim));
    }

    fn of_type<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = String> + 'a {
        self.resources
            .iter()
            .filter(move |(_, k)| k == kind)
            .map(|(id, _)| id.clone())
    }

    fn property(&mut self, id: &str, property: &str) -> Option<Value> {
        let value = self.resolver.stack().resources[id]
            .get("Properties")?
            .get(property)?;
        self.resolver
            .resolve(value, &format!("Resources.{id}.Properties.{property}"))
    }

    fn string_property(&mut self, id: &str, property: &str) -> Option<String> {
        let value = self.resolver.stack().resources[id]
            .get("Properties")?
            .get(property)?;
        self.resolver
            .string(value, &format!("Resources.{id}.Properties.{property}"))
    }

    /// Whether a resource's `ApiId` is the API being served.
    fn belongs_to(&mut self, id: &str, api: &str) -> bool {
        let api_id = self.resolver.api_id(api);
        self.string_property(id, "ApiId")
            .is_some_and(|a| a == api_id)
    }

    /// A resource's properties as definition fields (`RouteResponseSelectionExpression` →
    /// `routeResponseSelectionExpression`), resolved, recorded under `path`.
    fn fields(&mut self, id: &str, path: &str) -> Map<String, Value> {
        let origin = format!("Resources.{id}.Properties");
        self.record(path, origin.clone(), false);
        let properties = self.resolver.stack().resources[id]
            .get("Properties")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let mut fields = Map::new();
        for (property, value) in &properties {
            if STRUCTURAL.contains(&property.as_str()) {
                continue;
            }
            let field = camel(property);
            let field_path = join(path, &field);
            let property_path = join(&origin, property);
            let Some(mut value) = self.resolver.resolve(value, &property_path) else {
                continue;
            };
            // Template keys are often written `\$default` in templates, for CloudFormation's sake.
            if property == "TemplateSelectionExpression" {
                if let Value::String(text) = &value {
                    value = Value::String(text.replace("\\$", "$"));
                }
            }
            let verbatim = VERBATIM.contains(&property.as_str());
            self.record(&field_path, property_path, verbatim);
            fields.insert(field, value);
        }
        fields
    }

    /// Every Lambda function of the deployment, its code found from the template's folder, its environment with
    /// `overrides` (SAM's `--env-vars`: a function's own, else `Parameters`, for the variables it declares).
    fn functions(&mut self, folder: &std::path::Path, overrides: &Value) -> Vec<Function> {
        let ids: Vec<String> = self
            .resources
            .iter()
            .filter(|(_, kind)| {
                kind == "AWS::Lambda::Function" || kind == "AWS::Serverless::Function"
            })
            .map(|(id, _)| id.clone())
            .collect();
        let mut functions: Vec<Function> = ids
            .into_iter()
            .map(|id| self.function(&id, folder))
            .collect();
        for function in &mut functions {
            for (name, value) in function.environment.iter_mut() {
                let given = overrides
                    .pointer(&format!("/{}/{name}", function.id))
                    .or_else(|| overrides.pointer(&format!("/Parameters/{name}")));
                if let Some(given) = given {
                    *value = given
                        .as_str()
                        .map_or_else(|| given.to_string(), String::from);
                }
            }
        }
        functions
    }

    fn function(&mut self, id: &str, folder: &std::path::Path) -> Function {
        let name = self
            .string_property(id, "FunctionName")
            .unwrap_or_else(|| id.to_string());
        let number = |this: &mut Self, property: &str, default: u32| {
            this.string_property(id, property)
                .and_then(|n| n.parse().ok())
                .unwrap_or(default)
        };
        let code = match (
            self.string_property(id, "InlineCode"),
            self.property(id, "Code"),
            self.property(id, "CodeUri"),
        ) {
            (Some(inline), _, _) => FunctionCode::Inline(inline),
            // `aws cloudformation package` uploads a `Code` given as a local folder, as `sam build` does a CodeUri.
            (None, Some(Value::String(path)), _) if !path.starts_with("s3://") => {
                FunctionCode::Directory(folder.join(path).components().collect())
            }
            (None, Some(code), _) => match code.get("ZipFile").and_then(Value::as_str) {
                Some(zip_file) => FunctionCode::Inline(zip_file.to_string()),
                None => FunctionCode::Elsewhere(code.to_string()),
            },
            (None, None, Some(Value::String(uri))) if !uri.starts_with("s3://") => {
                FunctionCode::Directory(folder.join(uri).components().collect())
            }
            (None, None, Some(elsewhere)) => FunctionCode::Elsewhere(elsewhere.to_string()),
            (None, None, None) => match self.string_property(id, "ImageUri") {
                Some(image) => FunctionCode::Elsewhere(image),
                // SAM's CodeUri defaults to the template's folder.
                None => FunctionCode::Directory(folder.to_path_buf()),
            },
        };
        let environment = self
            .property(id, "Environment")
            .and_then(|e| e.get("Variables").and_then(Value::as_object).cloned())
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| (k, v.as_str().map_or_else(|| v.to_string(), String::from)))
            .collect();
        Function {
            id: id.to_string(),
            name,
            runtime: self.string_property(id, "Runtime"),
            handler: self.string_property(id, "Handler"),
            code,
            environment,
            // Lambda's defaults.
            timeout_seconds: number(self, "Timeout", 3),
            memory_mb: number(self, "MemorySize", 128),
        }
    }

    fn definition(&mut self, api: &str) -> Value {
        let mut top = self.fields(api, "");
        let name = self
            .string_property(api, "Name")
            .unwrap_or_else(|| api.to_string());
        top.insert("name".into(), name.into());
        self.record("name", format!("Resources.{api}.Properties.Name"), false);
        top.insert("apiId".into(), self.resolver.api_id(api).into());
        top.insert("region".into(), self.resolver.stack().region.clone().into());
        // wsgate's own settings, which a converted definition keeps in the API's Metadata.
        let metadata = self.resolver.stack().resources[api].pointer("/Metadata/wsgate/settings");
        if let Some(settings) = metadata.cloned() {
            top.insert("settings".into(), settings);
            self.record(
                "settings",
                format!("Resources.{api}.Metadata.wsgate.settings"),
                false,
            );
        }

        for stage in self.of_type("AWS::ApiGatewayV2::Stage").collect::<Vec<_>>() {
            if !self.belongs_to(&stage, api) {
                continue;
            }
            if let Some(name) = self.string_property(&stage, "StageName") {
                top.insert("stage".into(), name.into());
                self.record(
                    "stage",
                    format!("Resources.{stage}.Properties.StageName"),
                    false,
                );
            }
            if let Some(variables) = self.property(&stage, "StageVariables") {
                top.insert("stageVariables".into(), variables);
                self.record(
                    "stageVariables",
                    format!("Resources.{stage}.Properties.StageVariables"),
                    true,
                );
            }
            // Route settings carry the stage's throttling: their fields in camelCase, RouteSettings keyed by route.
            let camel_fields = |value: &Value| -> Value {
                let fields = value.as_object().into_iter().flatten();
                Value::Object(fields.map(|(k, v)| (camel(k), v.clone())).collect())
            };
            if let Some(settings) = self.property(&stage, "DefaultRouteSettings") {
                top.insert("defaultRouteSettings".into(), camel_fields(&settings));
                self.record(
                    "defaultRouteSettings",
                    format!("Resources.{stage}.Properties.DefaultRouteSettings"),
                    false,
                );
            }
            if let Some(Value::Object(by_route)) = self.property(&stage, "RouteSettings") {
                let by_route = by_route.iter().map(|(k, v)| (k.clone(), camel_fields(v)));
                top.insert("routeSettings".into(), Value::Object(by_route.collect()));
                self.record(
                    "routeSettings",
                    format!("Resources.{stage}.Properties.RouteSettings"),
                    true,
                );
            }
            break;
        }

        let mut models = Map::new();
        for model in self.of_type("AWS::ApiGatewayV2::Model").collect::<Vec<_>>() {
            if self.belongs_to(&model, api) {
                let name = self
                    .string_property(&model, "Name")
                    .unwrap_or_else(|| model.clone());
                let fields = self.fields(&model, &format!("models.{name}"));
                models.insert(name, Value::Object(fields));
            }
        }

        let mut integrations = Map::new();
        for integration in self
            .of_type("AWS::ApiGatewayV2::Integration")
            .collect::<Vec<_>>()
        {
            if self.belongs_to(&integration, api) {
                let path = format!("integrations.{integration}");
                let fields = self.fields(&integration, &path);
                integrations.insert(integration, Value::Object(fields));
            }
        }
        for response in self
            .of_type("AWS::ApiGatewayV2::IntegrationResponse")
            .collect::<Vec<_>>()
        {
            if !self.belongs_to(&response, api) {
                continue;
            }
            let owner = self
                .string_property(&response, "IntegrationId")
                .unwrap_or_default();
            let key = self
                .string_property(&response, "IntegrationResponseKey")
                .unwrap_or_default();
            let path = format!("integrations.{owner}.integrationResponses.{key}");
            let fields = self.fields(&response, &path);
            match integrations.get_mut(&owner).and_then(Value::as_object_mut) {
                Some(integration) => {
                    let responses = integration
                        .entry("integrationResponses")
                        .or_insert_with(|| Value::Object(Map::new()));
                    responses[key.as_str()] = Value::Object(fields);
                }
                None => self.resolver.report(
                    &format!("Resources.{response}.Properties.IntegrationId"),
                    ProblemKind::InvalidValue {
                        detail: format!(
                            "`{owner}` is no AWS::ApiGatewayV2::Integration of this API"
                        ),
                    },
                ),
            }
        }

        let mut routes = Map::new();
        let mut route_keys = HashMap::new();
        for route in self.of_type("AWS::ApiGatewayV2::Route").collect::<Vec<_>>() {
            if !self.belongs_to(&route, api) {
                continue;
            }
            let key = self.string_property(&route, "RouteKey").unwrap_or_default();
            if let Some(first) = route_keys.insert(key.clone(), route.clone()) {
                self.resolver.report(
                    &format!("Resources.{route}.Properties.RouteKey"),
                    ProblemKind::InvalidValue {
                        detail: format!("route `{key}` is defined by {first} already"),
                    },
                );
                continue;
            }
            let path = format!("routes.{key}");
            let fields = self.fields(&route, &path);
            routes.insert(key, Value::Object(fields));
        }
        for response in self
            .of_type("AWS::ApiGatewayV2::RouteResponse")
            .collect::<Vec<_>>()
        {
            if !self.belongs_to(&response, api) {
                continue;
            }
            let owner = self
                .string_property(&response, "RouteId")
                .unwrap_or_default();
            let key = self
                .string_property(&response, "RouteResponseKey")
                .unwrap_or_default();
            let route_key = route_keys
                .iter()
                .find(|(_, id)| **id == owner)
                .map(|(k, _)| k.clone());
            let Some(route_key) = route_key else {
                self.resolver.report(
                    &format!("Resources.{response}.Properties.RouteId"),
                    ProblemKind::InvalidValue {
                        detail: format!("`{owner}` is no AWS::ApiGatewayV2::Route of this API"),
                    },
                );
                continue;
            };
            let path = format!("routes.{route_key}.routeResponses.{key}");
            let fields = self.fields(&response, &path);
            let route = routes[route_key.as_str()]
                .as_object_mut()
                .expect("a route is an object");
            let responses = route
                .entry("routeResponses")
                .or_insert_with(|| Value::Object(Map::new()));
            responses[key.as_str()] = Value::Object(fields);
        }

        let mut authorizers = Map::new();
        for authorizer in self
            .of_type("AWS::ApiGatewayV2::Authorizer")
            .collect::<Vec<_>>()
        {
            if self.belongs_to(&authorizer, api) {
                let fields = self.fields(&authorizer, &format!("authorizers.{authorizer}"));
                authorizers.insert(authorizer, Value::Object(fields));
            }
        }

        for (section, value) in [
            ("models", models),
            ("integrations", integrations),
            ("routes", routes),
        ] {
            top.insert(section.into(), Value::Object(value));
        }
        if !authorizers.is_empty() {
            top.insert("authorizers".into(), Value::Object(authorizers));
        }
        let api_keys = self.api_keys(api);
        if !api_keys.is_empty() {
            top.insert("apiKeys".into(), Value::Object(api_keys));
        }
        Value::Object(top)
    }

    /// The `AWS::ApiGateway::ApiKey`s an `AWS::ApiGateway::UsagePlanKey` puts in a usage plan with one of the
    /// API's stages, by name (docs/behaviour.md §13). A key without `Value` is one AWS generates; locally it is
    /// `wsgate-local-api-key-{LogicalId}`.
    fn api_keys(&mut self, api: &str) -> Map<String, Value> {
        let api_id = self.resolver.api_id(api);
        let mut plans = Vec::new();
        for plan in self
            .of_type("AWS::ApiGateway::UsagePlan")
            .collect::<Vec<_>>()
        {
            let stages = self.property(&plan, "ApiStages").unwrap_or_default();
            let serves_api =
                stages.as_array().into_iter().flatten().any(|stage| {
                    stage.get("ApiId").and_then(Value::as_str) == Some(api_id.as_str())
                });
            if serves_api {
                plans.push(plan);
            }
        }
        let mut keys = Map::new();
        for link in self
            .of_type("AWS::ApiGateway::UsagePlanKey")
            .collect::<Vec<_>>()
        {
            let in_plan = self
                .string_property(&link, "UsagePlanId")
                .is_some_and(|plan| plans.contains(&plan));
            if !in_plan {
                continue;
            }
            let key_id = self.string_property(&link, "KeyId").unwrap_or_default();
            if self
                .resolver
                .stack()
                .resources
                .get(&key_id)
                .and_then(|r| r.get("Type"))
                != Some(&Value::from("AWS::ApiGateway::ApiKey"))
            {
                self.resolver.report(
                    &format!("Resources.{link}.Properties.KeyId"),
                    ProblemKind::InvalidValue {
                        detail: format!(
                            "`{key_id}` is no AWS::ApiGateway::ApiKey of this template"
                        ),
                    },
                );
                continue;
            }
            let name = self
                .string_property(&key_id, "Name")
                .unwrap_or_else(|| key_id.clone());
            let value = self
                .string_property(&key_id, "Value")
                .unwrap_or_else(|| format!("wsgate-local-api-key-{key_id}"));
            let mut key = Map::new();
            key.insert("value".into(), value.into());
            if let Some(enabled) = self.property(&key_id, "Enabled") {
                key.insert("enabled".into(), enabled);
            }
            let path = format!("apiKeys.{name}");
            self.record(&path, format!("Resources.{key_id}.Properties"), false);
            self.record(
                &format!("{path}.value"),
                format!("Resources.{key_id}.Properties.Value"),
                false,
            );
            keys.insert(name, Value::Object(key));
        }
        keys
    }
}

/// What a parameter's value breaks of its constraints (`AllowedValues`, `AllowedPattern`, `MinLength`,
/// `MaxLength`, `MinValue`, `MaxValue`, a `Number` type), as CloudFormation checks them before it deploys: the
/// pattern must match the whole value. `ConstraintDescription`, when given, is what is said.
fn constraint_violation(parameter: &Value, given: &str) -> Option<String> {
    let text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), String::from);
    let number = |key: &str| {
        parameter
            .get(key)
            .and_then(|v| v.as_f64().or_else(|| v.as_str()?.trim().parse().ok()))
    };
    let broken = if let Some(allowed) = parameter.get("AllowedValues").and_then(Value::as_array) {
        let allowed: Vec<String> = allowed.iter().map(text).collect();
        (!allowed.iter().any(|a| a == given)).then(|| {
            format!(
                "`{given}` is not one of its AllowedValues ({})",
                allowed.join(", ")
            )
        })
    } else {
        None
    };
    let broken = broken.or_else(|| {
        let pattern = parameter.get("AllowedPattern").map(text)?;
        match regex::Regex::new(&format!("^(?:{pattern})$")) {
            Ok(re) => (!re.is_match(given))
                .then(|| format!("`{given}` does not match its AllowedPattern `{pattern}`")),
            Err(_) => Some(format!(
                "its AllowedPattern `{pattern}` is not a regular expression"
            )),
        }
    });
    let length = given.chars().count() as f64;
    let broken = broken
        .or_else(|| {
            let min = number("MinLength")?;
            (length < min).then(|| format!("`{given}` is shorter than its MinLength {min}"))
        })
        .or_else(|| {
            let max = number("MaxLength")?;
            (length > max).then(|| format!("`{given}` is longer than its MaxLength {max}"))
        });
    let is_number = parameter.get("Type").and_then(Value::as_str) == Some("Number");
    let bounded = number("MinValue").is_some() || number("MaxValue").is_some();
    let broken = broken.or_else(|| {
        if !is_number && !bounded {
            return None;
        }
        let Ok(value) = given.trim().parse::<f64>() else {
            return Some(format!("`{given}` is not a number"));
        };
        if let Some(min) = number("MinValue").filter(|min| value < *min) {
            return Some(format!("{given} is less than its MinValue {min}"));
        }
        let max = number("MaxValue").filter(|max| value > *max)?;
        Some(format!("{given} is more than its MaxValue {max}"))
    });
    let description = parameter.get("ConstraintDescription").map(text);
    broken.map(|detail| match description {
        Some(description) => format!("{detail}: {description}"),
        None => detail,
    })
}

/// Reads a template's parameters: each override, else its `Default`, lists split as CloudFormation splits them.
fn parameters(
    template: &Value,
    options: &TemplateOptions,
    problems: &mut Vec<(String, ProblemKind)>,
) -> Map<String, Value> {
    let mut values = Map::new();
    let declared = template.get("Parameters").and_then(Value::as_object);
    for (name, parameter) in declared.into_iter().flatten() {
        let given = options
            .parameters
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v);
        let value = match (given, parameter.get("Default")) {
            (Some(given), _) => Value::String(given.clone()),
            (None, Some(Value::String(text))) => Value::String(text.clone()),
            (None, Some(Value::Number(n))) => Value::String(n.to_string()),
            (None, Some(Value::Array(items))) => Value::Array(items.clone()),
            (None, Some(other)) => Value::String(other.to_string()),
            (None, None) => {
                problems.push((
                    format!("Parameters.{name}"),
                    ProblemKind::InvalidValue {
                        detail: format!("parameter `{name}` has no Default: give it with --parameter-overrides {name}=VALUE"),
                    },
                ));
                continue;
            }
        };
        if let Value::String(given) = &value {
            if let Some(detail) = constraint_violation(parameter, given) {
                problems.push((
                    format!("Parameters.{name}"),
                    ProblemKind::InvalidValue { detail },
                ));
            }
        }
        let is_list = parameter
            .get("Type")
            .and_then(Value::as_str)
            .is_some_and(|t| t == "CommaDelimitedList" || t.starts_with("List<"));
        let value = match value {
            Value::String(text) if is_list => {
                Value::from(text.split(',').map(str::trim).collect::<Vec<_>>())
            }
            other => other,
        };
        values.insert(name.clone(), value);
    }
    for (name, _) in &options.parameters {
        if !declared.is_some_and(|d| d.contains_key(name)) {
            problems.push((
                "Parameters".into(),
                ProblemKind::InvalidValue {
                    detail: format!(
                        "--parameter-overrides names `{name}`, which the template does not declare"
                    ),
                },
            ));
        }
    }
    values
}

/// The template's resources, SAM's expanded when the template uses SAM's transform.
fn resources(template: &Value) -> Map<String, Value> {
    let declared = template
        .get("Resources")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let transforms = match template.get("Transform") {
        Some(Value::String(one)) => vec![one.as_str()],
        Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !transforms.contains(&SAM_TRANSFORM) {
        return declared;
    }
    let globals = template.get("Globals");
    let mut expanded = Map::new();
    for (id, resource) in declared {
        let kind = resource
            .get("Type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let global = |section: &str| globals.and_then(|g| g.get(section));
        match kind {
            "AWS::Serverless::WebSocketApi" => {
                let properties = resource.get("Properties").cloned().unwrap_or_default();
                let properties = sam::with_globals(global("WebSocketApi"), &properties);
                for (generated, mut value) in sam::expand_websocket_api(&id, &properties) {
                    if let Some(condition) = resource.get("Condition") {
                        value["Condition"] = condition.clone();
                    }
                    expanded.insert(generated, value);
                }
            }
            "AWS::Serverless::Function" => {
                let mut resource = resource.clone();
                let properties = resource.get("Properties").cloned().unwrap_or_default();
                resource["Properties"] = sam::with_globals(global("Function"), &properties);
                expanded.insert(id, resource);
            }
            _ => {
                expanded.insert(id, resource);
            }
        }
    }
    expanded
}

/// The wsgate definition of the template's WebSocket API (the one `options.api` names, when it has several).
pub fn translate(
    template: &Value,
    lines: &HashMap<String, u32>,
    default_stack_name: &str,
    folder: &std::path::Path,
    options: &TemplateOptions,
) -> Result<Translated, Vec<Problem>> {
    let mut early = Vec::new();
    let stack = Stack {
        region: options.region.clone().unwrap_or_else(|| "us-east-1".into()),
        stack_name: options
            .stack_name
            .clone()
            .unwrap_or_else(|| default_stack_name.into()),
        parameters: parameters(template, options, &mut early),
        mappings: template
            .get("Mappings")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default(),
        conditions: template
            .get("Conditions")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default(),
        resources: resources(template),
    };
    let mut resolver = Resolver::new(&stack, lines);
    for (path, kind) in early {
        resolver.report(&path, kind);
    }
    resolver.check_names(template);
    let ids: Vec<String> = stack.resources.keys().cloned().collect();
    let mut existing = Vec::new();
    for id in ids {
        if resolver.exists(&id) {
            let kind = stack.resources[&id]
                .get("Type")
                .and_then(Value::as_str)
                .unwrap_or_default();
            existing.push((id.clone(), kind.to_string()));
        }
    }
    let mut translator = Translator {
        resolver,
        origins: BTreeMap::new(),
        resources: existing,
    };
    let mut websocket = Vec::new();
    let mut others = Vec::new();
    for api in translator
        .of_type("AWS::ApiGatewayV2::Api")
        .collect::<Vec<_>>()
    {
        match translator.string_property(&api, "ProtocolType").as_deref() {
            Some("WEBSOCKET") => websocket.push(api),
            _ => others.push(api),
        }
    }
    let chosen = match (&options.api, &websocket[..]) {
        (Some(wanted), _) if websocket.contains(wanted) => Some(wanted.clone()),
        (Some(wanted), _) => {
            let detail = format!(
                "--api {wanted}: the template's WebSocket APIs are {}",
                list(&websocket)
            );
            translator
                .resolver
                .report("Resources", ProblemKind::NoApi { detail });
            None
        }
        (None, [one]) => Some(one.clone()),
        (None, []) => {
            let mut detail =
                "the template defines no WebSocket API (AWS::ApiGatewayV2::Api with ProtocolType \
                              WEBSOCKET, or AWS::Serverless::WebSocketApi)"
                    .to_string();
            if !others.is_empty() {
                detail.push_str(&format!("; {} is an HTTP API", list(&others)));
            }
            translator
                .resolver
                .report("Resources", ProblemKind::NoApi { detail });
            None
        }
        (None, several) => {
            let detail = format!(
                "the template defines several WebSocket APIs ({}): choose one with --api LOGICAL_ID",
                list(several)
            );
            translator
                .resolver
                .report("Resources", ProblemKind::NoApi { detail });
            None
        }
    };
    let definition = chosen.map(|api| translator.definition(&api));
    let overrides = match &options.env_vars {
        Some(file) => env_vars(file).unwrap_or_else(|kind| {
            translator.resolver.report("Resources", kind);
            Value::Null
        }),
        None => Value::Null,
    };
    let functions = translator.functions(folder, &overrides);
    // A reference is checked where it is written and again where it is resolved: report it once.
    let mut problems = std::mem::take(&mut translator.resolver.problems);
    problems.sort_by(|a, b| (a.line, &a.path).cmp(&(b.line, &b.path)));
    problems.dedup_by(|a, b| a.path == b.path && a.kind == b.kind);
    match definition {
        Some(definition) if problems.is_empty() => Ok(Translated {
            definition,
            functions,
            origins: translator.origins,
        }),
        _ => Err(problems),
    }
}

/// SAM's `--env-vars` file: `{"FunctionLogicalId": {"VAR": "value"}, "Parameters": {...}}`.
fn env_vars(file: &str) -> Result<Value, ProblemKind> {
    let text = std::fs::read_to_string(file).map_err(|e| ProblemKind::Io {
        detail: format!("--env-vars {file}: {e}"),
    })?;
    match serde_json::from_str::<Value>(&text) {
        Ok(overrides) if overrides.is_object() => Ok(overrides),
        Ok(_) => Err(ProblemKind::InvalidValue {
            detail: format!(
                "--env-vars {file}: expected {{\"FunctionLogicalId\": {{\"VAR\": \"value\"}}}}"
            ),
        }),
        Err(e) => Err(ProblemKind::InvalidValue {
            detail: format!("--env-vars {file}: not JSON: {e}"),
        }),
    }
}

fn list(ids: &[String]) -> String {
    if ids.is_empty() {
        "none".into()
    } else {
        ids.join(", ")
    }
}

#[cfg(test)]
mod tests;
