//! The API definition: routes, integrations, route and integration responses, models and settings, loaded from
//! YAML or JSON into typed values once. Everything the engine needs is parsed and checked here.

mod cloudformation;
pub mod convert;
mod error;
mod fields;
mod load;
mod names;
mod reader;
mod serverless;
mod source;
#[cfg(test)]
pub(crate) mod test_support;
mod uri;

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

/// Name/value pairs as a JSON object (`{"Stage": "prod"}`), in the order given: parameter overrides, AWS
/// endpoints, integration request parameters.
pub(crate) mod pairs {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(
        pairs: &[(String, String)],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_map(pairs.iter().map(|(k, v)| (k, v)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<(String, String)>, D::Error> {
        let map = serde_json::Map::<String, serde_json::Value>::deserialize(deserializer)?;
        map.into_iter()
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => Ok((k, s)),
                serde_json::Value::Number(n) => Ok((k, n.to_string())),
                other => Err(serde::de::Error::custom(format!(
                    "`{k}` is {other}, not a string"
                ))),
            })
            .collect()
    }
}

pub use cloudformation::TemplateOptions;
pub use error::{ConfigError, Problem, ProblemKind};
pub use names::valid_stage_name;

use crate::selection::{ResponseKey, SelectionExpression};
use crate::template::Template;
use crate::validate::Model;

/// A loaded, checked API definition.
#[derive(Debug)]
pub struct Api {
    pub name: String,
    /// 10 lowercase alphanumerics; derived from `name` when the definition has none.
    pub api_id: String,
    pub region: String,
    pub stage: String,
    pub stage_variables: Map<String, Value>,
    pub route_selection: SelectionExpression,
    pub api_key_selection: SelectionExpression,
    pub settings: Settings,
    pub models: BTreeMap<String, Model>,
    pub integrations: BTreeMap<String, Integration>,
    pub routes: HashMap<String, Route>,
    /// Lambda REQUEST authorizers, by id.
    pub authorizers: BTreeMap<String, Authorizer>,
    /// The API keys a `$connect` with `apiKeyRequired` accepts (docs/behaviour.md §8).
    pub api_keys: Vec<ApiKey>,
    /// The Lambda functions a CloudFormation/SAM template declares (none for a wsgate definition).
    pub functions: Vec<Function>,
}

/// A Lambda function of a template, as Lambda would run it (docs/behaviour.md §13).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Function {
    /// The logical id.
    pub id: String,
    /// `FunctionName`, else the logical id: the name integration URIs call it by.
    pub name: String,
    pub runtime: Option<String>,
    /// `module.function` (`src/app.handler`).
    pub handler: Option<String>,
    pub code: FunctionCode,
    /// `Environment.Variables`.
    pub environment: BTreeMap<String, String>,
    pub timeout_seconds: u32,
    pub memory_mb: u32,
}

/// Where a function's code is.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum FunctionCode {
    /// A folder on this machine (SAM's `CodeUri`), absolute.
    Directory(std::path::PathBuf),
    /// The code itself (SAM's `InlineCode`, `Code.ZipFile`): the file `index` of its runtime.
    Inline(String),
    /// Only in AWS (an S3 object, a container image): described, not runnable here.
    Elsewhere(String),
}

impl Api {
    /// The template function an integration calls, when its integrationUri names one.
    pub fn function_of(&self, integration: &Integration) -> Option<&Function> {
        self.function_at(integration.uri.as_ref())
    }

    /// The template function an integration or authorizer URI calls.
    pub fn function_at(&self, uri: Option<&IntegrationUri>) -> Option<&Function> {
        match uri {
            Some(IntegrationUri::LambdaFunction(name)) => {
                self.functions.iter().find(|f| f.name == *name)
            }
            _ => None,
        }
    }
}

/// wsgate's own settings; the defaults are API Gateway's quotas.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub max_frame_bytes: usize,
    pub max_message_bytes: usize,
    pub idle_timeout_seconds: u64,
    pub max_connection_seconds: u64,
    pub bad_request_layout: BadRequestLayout,
    /// `connectRateLimit`: the account's quota of new connections a second (AWS's default is 500), as a token
    /// bucket of that size; off unless set, so local load tests are not throttled.
    pub connect_rate_limit: Option<f64>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            max_frame_bytes: 32 * 1024,
            max_message_bytes: 128 * 1024,
            idle_timeout_seconds: 600,
            max_connection_seconds: 7200,
            bad_request_layout: BadRequestLayout::Documented,
            connect_rate_limit: None,
        }
    }
}

/// The layout of the "Bad request body" frame (docs/behaviour.md §3 [?]): AWS documents
/// `{"message" : "Bad request body", "connectionId": "…", "messageId": "…"}`; captures of the other error frames
/// use the Forbidden layout with `requestId`. `settings.badRequestFrameLayout: documented | forbidden`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadRequestLayout {
    Documented,
    Forbidden,
}

/// A route: the integration it targets and how its messages are validated and answered.
#[derive(Debug)]
pub struct Route {
    pub key: String,
    /// The integration id from `target: integrations/<id>` (required: AWS cannot deploy a route without one).
    pub integration: String,
    pub model_selection: Option<SelectionExpression>,
    /// Model selection key -> model name.
    pub request_models: BTreeMap<String, String>,
    /// A two-way route sends the integration's answer back to the client.
    pub two_way: bool,
    /// Who may connect (`$connect` only; docs/behaviour.md §8).
    pub authorization: Authorization,
    /// `apiKeyRequired` (`$connect` only): the handshake must carry one of the API's keys.
    pub api_key_required: bool,
    /// The stage's throttling of this route (`routeSettings`, else `defaultRouteSettings`): its token bucket, whose
    /// state every connection the engine serves shares.
    pub throttle: Option<crate::engine::throttle::Bucket>,
    /// `requestParameters` marked `required` (`$connect` only): the handshake's headers and query string
    /// parameters that must be present, as the selection expressions reading them.
    pub required_parameters: Vec<SelectionExpression>,
}

/// An API key: the `name`, `value` and `enabled` of API Gateway's CreateApiKey.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    pub name: String,
    pub value: String,
    pub enabled: bool,
}

impl ApiKey {
    /// AWS's rule for a key's value: 20 to 128 characters.
    pub fn check_value(value: &str) -> Result<(), String> {
        if (20..=128).contains(&value.chars().count()) {
            Ok(())
        } else {
            Err("an API key's value has 20 to 128 characters".into())
        }
    }

    /// The CSV `aws apigateway import-api-keys --format csv` reads: a header naming the columns (`Key` required;
    /// `Name`, `Enabled`, `Description`, `UsagePlanIds` optional, in any order and case), then a key a line.
    /// Quoted fields are not read.
    pub fn parse_csv(text: &str) -> Result<Vec<Self>, String> {
        let mut lines = text
            .lines()
            .enumerate()
            .filter(|(_, line)| !line.trim().is_empty());
        let Some((_, header)) = lines.next() else {
            return Err("no header line (Name,Key,Enabled)".into());
        };
        let columns: Vec<String> = header
            .split(',')
            .map(|c| c.trim().to_ascii_lowercase())
            .collect();
        let column = |name: &str| columns.iter().position(|c| c == name);
        let key_column = column("key").ok_or("the header has no Key column")?;
        let (name_column, enabled_column) = (column("name"), column("enabled"));
        let mut keys = Vec::new();
        for (number, line) in lines {
            let at = |detail: String| format!("line {}: {detail}", number + 1);
            if line.contains('"') {
                return Err(at(
                    "quoted fields are not read: write the values bare".into()
                ));
            }
            let fields: Vec<&str> = line.split(',').map(str::trim).collect();
            let field = |i: Option<usize>| i.and_then(|i| fields.get(i).copied()).unwrap_or("");
            let value = field(Some(key_column)).to_string();
            Self::check_value(&value).map_err(at)?;
            let enabled = match field(enabled_column).to_ascii_lowercase().as_str() {
                "" | "true" => true,
                "false" => false,
                other => return Err(at(format!("Enabled is true or false, not `{other}`"))),
            };
            let name = match field(name_column) {
                "" => format!("key{}", keys.len() + 1),
                name => name.to_string(),
            };
            keys.push(Self {
                name,
                value,
                enabled,
            });
        }
        Ok(keys)
    }
}

/// A route's `authorizationType`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Authorization {
    None,
    /// `AWS_IAM`: the handshake is SigV4-signed.
    Iam,
    /// `CUSTOM`: the id of its Lambda REQUEST authorizer.
    Custom(String),
}

/// A Lambda REQUEST authorizer, run before `$connect` (docs/behaviour.md §8).
#[derive(Debug)]
pub struct Authorizer {
    pub id: String,
    /// The function it calls (`authorizerUri`): a Lambda ARN or Invoke URL; `None` when bound in-process by id.
    pub uri: Option<IntegrationUri>,
    /// What must be present and non-empty before it is called.
    pub identity: Vec<IdentitySource>,
}

/// One `identitySource` entry: `route.request.header.Auth`, `route.request.querystring.token`, `stageVariables.X`,
/// `context.X`.
#[derive(Debug, Clone)]
pub struct IdentitySource {
    /// As written.
    pub source: String,
    pub value: ParameterSource,
}

/// An integration's `integrationType`; the variant's name in SCREAMING_SNAKE_CASE is the wire name (`AWS_PROXY`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    serde::Serialize,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::VariantNames,
)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum IntegrationType {
    AwsProxy,
    Aws,
    HttpProxy,
    Http,
    Mock,
}

impl IntegrationType {
    pub fn is_proxy(self) -> bool {
        matches!(self, Self::AwsProxy | Self::HttpProxy)
    }

    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// Where an integration's requests go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IntegrationUri {
    /// A handler registered by a binding under this name (or a `module.function` handler string).
    Handler(String),
    /// A URL: an HTTP backend, or a function's Lambda Invoke API URL (may hold `${stageVariables.x}`).
    Url(String),
    /// A Lambda function, invoked by name at the `--lambda-endpoint`.
    LambdaFunction(String),
    /// Another AWS service's action or path (`arn:aws:apigateway:REGION:dynamodb:action/PutItem`), called at the
    /// endpoint `--aws-endpoint` gives that service (docs/behaviour.md §5.6).
    AwsService {
        region: String,
        service: String,
        operation: String,
    },
}

/// Where a request parameter goes in the integration request (`integration.request.header.NAME`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ParameterLocation {
    Header,
    Querystring,
    Path,
}

/// Where a request parameter's value comes from (docs/behaviour.md §5.2).
#[derive(Debug, Clone)]
pub enum ParameterSource {
    /// `'text'`: the text itself.
    Static(String),
    /// `context.NAME`: a `$context` variable.
    Context(String),
    /// `route.request.header.X`, `route.request.querystring.X`, `route.request.body.PATH`, `stageVariables.X`.
    Expression(SelectionExpression),
}

/// One `requestParameters` entry of an integration.
#[derive(Debug, Clone)]
pub struct RequestParameter {
    pub location: ParameterLocation,
    pub name: String,
    pub source: ParameterSource,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Passthrough {
    WhenNoMatch,
    WhenNoTemplates,
    Never,
}

/// An integration and its templates and responses.
#[derive(Debug)]
pub struct Integration {
    pub id: String,
    pub kind: IntegrationType,
    /// `None` for MOCK, and for AWS_PROXY/AWS bound by integration id or route key.
    pub uri: Option<IntegrationUri>,
    pub method: String,
    pub timeout_ms: u32,
    pub passthrough: Passthrough,
    pub template_selection: Option<SelectionExpression>,
    pub request_templates: BTreeMap<String, Template>,
    /// In definition order.
    pub request_parameters: Vec<RequestParameter>,
    /// In definition order; `$default` is tried last whatever its position.
    pub responses: Vec<IntegrationResponse>,
}

#[derive(Debug)]
pub struct IntegrationResponse {
    /// The key as written (`$default`, `/2\d\d/`).
    pub key: String,
    pub pattern: ResponseKey,
    pub template_selection: Option<SelectionExpression>,
    pub response_templates: BTreeMap<String, Template>,
}

impl Api {
    /// Loads a definition file (YAML or JSON): a wsgate definition, or a CloudFormation/SAM template.
    pub fn from_path(path: impl AsRef<std::path::Path>) -> Result<Self, ConfigError> {
        Self::from_path_with(path, &TemplateOptions::default())
    }

    /// Loads a definition file, deploying a template with `options` (its API, parameters, stack name, region).
    pub fn from_path_with(
        path: impl AsRef<std::path::Path>,
        options: &TemplateOptions,
    ) -> Result<Self, ConfigError> {
        read(path.as_ref(), options).map(|(api, _)| api)
    }

    /// Loads a definition from YAML or JSON text.
    // The name every binding uses for the same call; `FromStr` could not share `from_path`'s error type.
    #[allow(clippy::should_implement_trait)]
    pub fn from_str(text: &str) -> Result<Self, ConfigError> {
        load::load(text, None, &TemplateOptions::default())
    }

    /// Loads a definition given as one string, as the bindings take it: text that is one line and not a JSON
    /// object is a path, anything else YAML or JSON text.
    pub fn from_path_or_text(definition: &str) -> Result<Self, ConfigError> {
        Self::from_path_or_text_with(definition, &TemplateOptions::default())
    }

    /// [`Api::from_path_or_text`], deploying a template with `options`.
    pub fn from_path_or_text_with(
        definition: &str,
        options: &TemplateOptions,
    ) -> Result<Self, ConfigError> {
        let is_path = !definition.contains('\n') && !definition.trim_start().starts_with('{');
        if is_path {
            Self::from_path_with(definition, options)
        } else {
            load::load(definition, None, options)
        }
    }

    /// Loads a definition from a JSON value (as the bindings receive dicts and objects).
    pub fn from_value(value: &Value) -> Result<Self, ConfigError> {
        Self::from_value_with(value, &TemplateOptions::default())
    }

    /// [`Api::from_value`], deploying a template with `options`.
    pub fn from_value_with(value: &Value, options: &TemplateOptions) -> Result<Self, ConfigError> {
        load::load_document(value.clone(), HashMap::new(), None, options)
    }
}

/// Reads a file wsgate serves: the API, and the wsgate definition it is.
pub(crate) fn read(
    path: &std::path::Path,
    options: &TemplateOptions,
) -> Result<(Api, Value), ConfigError> {
    let file = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(text) => load::load_with_definition(&text, Some(file), options),
        Err(e) => Err(ConfigError {
            problems: vec![reader::problem(
                Some(file),
                String::new(),
                None,
                ProblemKind::Io {
                    detail: e.to_string(),
                },
            )],
        }),
    }
}

/// The route keys AWS gives a meaning of its own.
pub const SPECIAL_ROUTE_KEYS: [&str; 3] = ["$connect", "$disconnect", "$default"];

/// A key starting with `$` that is none of [`SPECIAL_ROUTE_KEYS`]: AWS refuses it.
pub(crate) fn reserved_route_key(key: &str) -> bool {
    key.starts_with('$') && !SPECIAL_ROUTE_KEYS.contains(&key)
}

/// Why an in-process handler cannot be registered where a binding asked. `code()` is the variant's name in
/// snake_case; each binding raises it as its `RegistrationError` with that code.
#[derive(Debug, Clone, PartialEq, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum RegistrationError {
    #[error("no integration `{id}` in the definition; its integrations are: {known}")]
    UnknownIntegration { id: String, known: String },
    /// The integration (that `route_key` targets, when a route was asked for) is not one a handler can serve.
    #[error("{}integration `{id}` is {kind}: only AWS_PROXY and AWS integrations call a handler",
        route_key.as_ref().map(|key| format!("route `{key}` cannot call a handler: ")).unwrap_or_default())]
    NotLambda {
        route_key: Option<String>,
        id: String,
        kind: &'static str,
    },
    #[error("`{0}` is not a route key: use $connect, $disconnect, $default or a name of your own")]
    NotARouteKey(String),
    #[error("no authorizer `{id}` in the definition; its authorizers are: {known}")]
    UnknownAuthorizer { id: String, known: String },
}

impl RegistrationError {
    /// `unknown_integration`, `not_lambda`, `not_a_route_key` or `unknown_authorizer`.
    pub fn code(&self) -> &'static str {
        self.into()
    }
}

/// What a binding asks for when it registers an in-process handler, and why it cannot have it.
impl Api {
    /// Checks that an in-process handler can serve integration `id`: it exists and calls Lambda (AWS_PROXY or AWS).
    pub fn check_handler_integration(&self, id: &str) -> Result<(), RegistrationError> {
        let Some(integration) = self.integrations.get(id) else {
            let known: Vec<&str> = self.integrations.keys().map(String::as_str).collect();
            return Err(RegistrationError::UnknownIntegration {
                id: id.to_string(),
                known: known.join(", "),
            });
        };
        match integration.kind {
            IntegrationType::AwsProxy | IntegrationType::Aws => Ok(()),
            kind => Err(RegistrationError::NotLambda {
                route_key: None,
                id: id.to_string(),
                kind: kind.as_str(),
            }),
        }
    }

    /// Checks that an in-process function can serve authorizer `id`: the definition has it.
    pub fn check_authorizer(&self, id: &str) -> Result<(), RegistrationError> {
        if self.authorizers.contains_key(id) {
            return Ok(());
        }
        let known: Vec<&str> = self.authorizers.keys().map(String::as_str).collect();
        Err(RegistrationError::UnknownAuthorizer {
            id: id.to_string(),
            known: if known.is_empty() {
                "none".into()
            } else {
                known.join(", ")
            },
        })
    }

    /// Makes `route_key` served by a handler registered under the route key. A route that targets an AWS_PROXY or
    /// AWS integration stays as it is; a missing route is added, one-way as a new route is on AWS, with an AWS_PROXY
    /// integration of its own.
    pub fn route_to_handler(&mut self, route_key: &str) -> Result<(), RegistrationError> {
        if let Some(route) = self.routes.get(route_key) {
            return match self.check_handler_integration(&route.integration) {
                Err(RegistrationError::NotLambda { id, kind, .. }) => {
                    Err(RegistrationError::NotLambda {
                        route_key: Some(route_key.to_string()),
                        id,
                        kind,
                    })
                }
                checked => checked,
            };
        }
        if route_key.is_empty() || reserved_route_key(route_key) {
            return Err(RegistrationError::NotARouteKey(route_key.to_string()));
        }
        let id = (0..)
            .map(|n| match n {
                0 => route_key.to_string(),
                n => format!("{route_key}-{n}"),
            })
            .find(|id| !self.integrations.contains_key(id))
            .expect("an unused integration id");
        self.integrations.insert(
            id.clone(),
            Integration {
                id: id.clone(),
                kind: IntegrationType::AwsProxy,
                uri: None,
                method: "POST".into(),
                timeout_ms: 29_000,
                passthrough: Passthrough::WhenNoMatch,
                template_selection: None,
                request_templates: BTreeMap::new(),
                request_parameters: Vec::new(),
                responses: Vec::new(),
            },
        );
        let route = Route {
            key: route_key.to_string(),
            integration: id,
            model_selection: None,
            request_models: BTreeMap::new(),
            two_way: false,
            authorization: Authorization::None,
            api_key_required: false,
            throttle: None,
            required_parameters: Vec::new(),
        };
        self.routes.insert(route_key.to_string(), route);
        Ok(())
    }
}

#[cfg(test)]
mod tests;
