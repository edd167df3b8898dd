//! Turning a parsed document into an [`Api`]: one loader per section of a definition (settings, models,
//! integrations and their responses, routes and theirs), each reading through [`reader`](super::reader) against the
//! field tables of [`fields`](super::fields).

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

use super::cloudformation::{self, TemplateOptions};
use super::fields::*;
use super::names::derive_api_id;
use super::reader::{is_empty, nearest, problem, Fields, Loader};
use super::serverless;
use super::source;
use super::uri::{classify_uri, stage_variable_refs};
use super::*;

/// A request parameter's source; `Err(None)` for the multi-value sources wsgate does not emulate.
fn parameter_source(text: &str) -> Result<ParameterSource, Option<String>> {
    if let Some(fixed) = text
        .strip_prefix('\'')
        .and_then(|rest| rest.strip_suffix('\''))
    {
        return Ok(ParameterSource::Static(fixed.to_string()));
    }
    if let Some(name) = text.strip_prefix("context.") {
        return Ok(ParameterSource::Context(name.to_string()));
    }
    if text.starts_with("route.request.multivalue") {
        return Err(None);
    }
    let selectable = [
        "route.request.header.",
        "route.request.querystring.",
        "route.request.body.",
        "stageVariables.",
    ]
    .iter()
    .any(|prefix| text.starts_with(prefix));
    if !selectable {
        return Err(Some(format!(
            "`{text}` is not a request parameter source: use 'text', context.NAME, stageVariables.NAME, \
             route.request.header.NAME, route.request.querystring.NAME or route.request.body.PATH"
        )));
    }
    // The selection expression reading the same value: `$request.header.X`, `$stageVariables.X`.
    let expression = format!("${}", text.strip_prefix("route.").unwrap_or(text));
    SelectionExpression::parse(&expression)
        .map(ParameterSource::Expression)
        .map_err(Some)
}

pub fn load(
    text: &str,
    file: Option<String>,
    options: &TemplateOptions,
) -> Result<Api, ConfigError> {
    load_with_definition(text, file, options).map(|(api, _)| api)
}

/// The API, and the wsgate definition it is (a template's or serverless.yml's translation).
pub fn load_with_definition(
    text: &str,
    file: Option<String>,
    options: &TemplateOptions,
) -> Result<(Api, Value), ConfigError> {
    match source::parse(text) {
        Ok(doc) => document_with_definition(doc.value, doc.lines, file, options),
        Err(e) => Err(ConfigError {
            problems: vec![problem(
                file,
                String::new(),
                e.line,
                ProblemKind::SyntaxError { detail: e.message },
            )],
        }),
    }
}

/// A wsgate definition, or a CloudFormation/SAM template or serverless.yml translated into one, its problems at the
/// file's own paths and lines.
pub fn load_document(
    value: Value,
    lines: HashMap<String, u32>,
    file: Option<String>,
    options: &TemplateOptions,
) -> Result<Api, ConfigError> {
    document_with_definition(value, lines, file, options).map(|(api, _)| api)
}

fn document_with_definition(
    value: Value,
    lines: HashMap<String, u32>,
    file: Option<String>,
    options: &TemplateOptions,
) -> Result<(Api, Value), ConfigError> {
    let is_serverless = serverless::is_serverless(&value);
    if !is_serverless && !cloudformation::is_template(&value) {
        return load_value(value.clone(), lines, file).map(|api| (api, value));
    }
    // The template's folder: code folders are relative to it, as for `sam build`, and `sam init` names a
    // project's folder after its stack.
    let folder = file
        .as_deref()
        .and_then(|f| std::path::Path::new(f).canonicalize().ok())
        .and_then(|p| Some(p.parent()?.to_path_buf()))
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_default();
    let stack_name = match (&file, folder.file_name()) {
        (Some(_), Some(name)) => name.to_string_lossy().into_owned(),
        _ => "wsgate".into(),
    };
    let with_file = |problems: Vec<Problem>| ConfigError {
        problems: problems
            .into_iter()
            .map(|p| Problem {
                file: file.clone(),
                ..p
            })
            .collect(),
    };
    // A serverless.yml is served as the template the framework compiles it into, its problems given back at the
    // serverless.yml's paths.
    let compiled = match is_serverless {
        true => Some(serverless::compile(&value, &lines, &folder, options).map_err(with_file)?),
        false => None,
    };
    let (template, template_lines, options) = match &compiled {
        Some(compiled) => (&compiled.template, HashMap::new(), &compiled.options),
        None => (&value, lines.clone(), options),
    };
    let back = |problems: Vec<Problem>| {
        let mut problems: Vec<Problem> = match &compiled {
            Some(compiled) => problems
                .into_iter()
                .map(|p| compiled.relocate(p, &lines))
                .collect(),
            None => problems,
        };
        problems.sort_by_key(|p| p.line.unwrap_or(u32::MAX));
        with_file(problems)
    };
    let translated =
        cloudformation::translate(template, &template_lines, &stack_name, &folder, options)
            .map_err(back)?;
    let loaded = load_value(translated.definition.clone(), HashMap::new(), None);
    let mut api = loaded.map_err(|error| {
        let problems = error
            .problems
            .into_iter()
            .map(|p| translated.relocate(p, &template_lines));
        back(problems.collect())
    })?;
    api.functions = translated.functions;
    Ok((api, translated.definition))
}

pub fn load_value(
    value: Value,
    lines: HashMap<String, u32>,
    file: Option<String>,
) -> Result<Api, ConfigError> {
    let mut loader = Loader {
        file,
        lines,
        problems: Vec::new(),
    };
    let api = loader.api(&value);
    match api {
        Some(api) if loader.problems.is_empty() => Ok(api),
        _ => {
            loader.problems.sort_by_key(|p| p.line.unwrap_or(u32::MAX));
            Err(ConfigError {
                problems: loader.problems,
            })
        }
    }
}

impl Loader {
    fn api(&mut self, value: &Value) -> Option<Api> {
        let top = self.object(value, "", API_FIELDS)?;
        let name = self.required_string(&top, "name");
        let route_selection = self
            .required_string(&top, "routeSelectionExpression")
            .and_then(|_| self.expression(&top, "routeSelectionExpression"));
        let api_key_selection = match top.get("apiKeySelectionExpression") {
            None => SelectionExpression::parse("$request.header.x-api-key").ok(),
            Some(_) => {
                let e = self.expression(&top, "apiKeySelectionExpression");
                if let Some(e) = &e {
                    if !matches!(
                        e.source(),
                        "$request.header.x-api-key" | "$context.authorizer.usageIdentifierKey"
                    ) {
                        self.invalid(
                            &top.at("apiKeySelectionExpression"),
                            "must be $request.header.x-api-key or $context.authorizer.usageIdentifierKey",
                        );
                    }
                }
                e
            }
        };
        let api_id = match self.string(&top, "apiId") {
            Some(id)
                if id.len() == 10
                    && id
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()) =>
            {
                Some(id)
            }
            Some(_) => {
                self.invalid(&top.at("apiId"), "must be 10 lowercase letters or digits");
                None
            }
            None => name.as_deref().map(derive_api_id),
        };
        let region = self
            .string(&top, "region")
            .unwrap_or_else(|| "us-east-1".into());
        let stage = self.string(&top, "stage").unwrap_or_else(|| "dev".into());
        if !valid_stage_name(&stage) {
            self.invalid(
                &top.at("stage"),
                "a stage name has 1 to 128 letters, digits, `-` or `_`",
            );
        }
        if let Some(p) = self.string(&top, "protocolType") {
            if p != "WEBSOCKET" {
                self.invalid(
                    &top.at("protocolType"),
                    "wsgate serves WebSocket APIs: use WEBSOCKET",
                );
            }
        }
        self.string(&top, "description");
        self.string(&top, "version");
        self.string(&top, "ipAddressType");
        let is_false = |v: &Value| v == &Value::Bool(false);
        self.unsupported(&top, "disableSchemaValidation", is_false, "false");
        self.unsupported(&top, "disableExecuteApiEndpoint", is_false, "false");
        let stage_variables = self.stage_variables(&top);
        let settings = self.settings(&top);
        let models = self.models(&top);
        let integrations = self.integrations(&top, &stage_variables);
        let authorizers = self.authorizers(&top);
        let mut routes = self.routes(&top, &integrations, &models, &authorizers);
        self.throttles(&top, &mut routes);
        let api_keys = self.api_keys(&top);
        Some(Api {
            name: name?,
            api_id: api_id?,
            region,
            stage,
            stage_variables,
            route_selection: route_selection?,
            api_key_selection: api_key_selection?,
            settings,
            models,
            integrations,
            routes,
            authorizers,
            api_keys,
            functions: Vec::new(),
        })
    }

    /// The stage's `defaultRouteSettings` and `routeSettings.ROUTE_KEY`: each route's token bucket (docs/behaviour.md
    /// §9). A route's own setting wins field by field; a limit set on neither side is the account's (burst 5,000,
    /// rate 10,000 a second).
    fn throttles(&mut self, top: &Fields<'_>, routes: &mut HashMap<String, Route>) {
        let default = match top.get("defaultRouteSettings") {
            Some(value) => self.route_settings(value, "defaultRouteSettings"),
            None => (None, None),
        };
        let mut own = HashMap::new();
        for (key, value, path) in self.entries(top, "routeSettings") {
            let settings = self.route_settings(value, &path);
            if routes.contains_key(&key) {
                own.insert(key, settings);
            } else {
                self.invalid(&path, format!("`{key}` is not a route of this API"));
            }
        }
        for (key, route) in routes.iter_mut() {
            let (burst, rate) = own.get(key).copied().unwrap_or((None, None));
            let (burst, rate) = (burst.or(default.0), rate.or(default.1));
            if burst.is_some() || rate.is_some() {
                route.throttle = Some(crate::engine::throttle::Bucket::new(
                    crate::engine::throttle::ThrottleLimits {
                        burst: burst.unwrap_or(5_000),
                        rate: rate.unwrap_or(10_000.0),
                    },
                ));
            }
        }
    }

    /// One route settings object: its `throttlingBurstLimit` and `throttlingRateLimit`.
    fn route_settings(&mut self, value: &Value, path: &str) -> (Option<u32>, Option<f64>) {
        let Some(fields) = self.object(value, path, ROUTE_SETTINGS_FIELDS) else {
            return (None, None);
        };
        self.boolean(&fields, "dataTraceEnabled");
        self.boolean(&fields, "detailedMetricsEnabled");
        if let Some(level) = self.string(&fields, "loggingLevel") {
            if !matches!(level.as_str(), "ERROR" | "INFO" | "OFF") {
                self.invalid(&fields.at("loggingLevel"), "one of ERROR, INFO, OFF");
            }
        }
        let burst = self
            .integer(&fields, "throttlingBurstLimit", 0, i64::from(i32::MAX))
            .map(|n| n as u32);
        let rate = match fields.get("throttlingRateLimit") {
            None => None,
            Some(value) => match value.as_f64() {
                Some(rate) if rate >= 0.0 && rate.is_finite() => Some(rate),
                _ => {
                    self.wrong_type(
                        &fields.at("throttlingRateLimit"),
                        "a number of requests a second, 0 or more",
                    );
                    None
                }
            },
        };
        (burst, rate)
    }

    /// `apiKeys.NAME: {value, enabled}`: the keys of the API's usage plans (docs/behaviour.md §8).
    fn api_keys(&mut self, top: &Fields<'_>) -> Vec<ApiKey> {
        let mut keys = Vec::new();
        for (name, value, path) in self.entries(top, "apiKeys") {
            let Some(fields) = self.object(value, &path, API_KEY_FIELDS) else {
                continue;
            };
            self.string(&fields, "description");
            let enabled = self.boolean(&fields, "enabled").unwrap_or(true);
            let Some(value) = self.required_string(&fields, "value") else {
                continue;
            };
            if let Err(detail) = ApiKey::check_value(&value) {
                self.invalid(&fields.at("value"), detail);
                continue;
            }
            keys.push(ApiKey {
                name,
                value,
                enabled,
            });
        }
        keys
    }

    fn stage_variables(&mut self, top: &Fields<'_>) -> Map<String, Value> {
        let mut vars = Map::new();
        for (name, value, path) in self.entries(top, "stageVariables") {
            let text = match value {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                _ => {
                    self.wrong_type(&path, "a string");
                    continue;
                }
            };
            if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                self.invalid(&path, "stage variable names are letters, digits and `_`");
            }
            if text.is_empty()
                || !text
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-._~:/?#&=,".contains(&b))
            {
                self.invalid(&path, "stage variable values match [A-Za-z0-9-._~:/?#&=,]+");
            }
            vars.insert(name, Value::String(text));
        }
        vars
    }

    fn settings(&mut self, top: &Fields<'_>) -> Settings {
        let mut settings = Settings::default();
        let Some(value) = top.get("settings") else {
            return settings;
        };
        let Some(fields) = self.object(value, "settings", SETTINGS_FIELDS) else {
            return settings;
        };
        const MAX: i64 = 1 << 30;
        if let Some(n) = self.integer(&fields, "maxFrameBytes", 1, MAX) {
            settings.max_frame_bytes = n as usize;
        }
        if let Some(n) = self.integer(&fields, "maxMessageBytes", 1, MAX) {
            settings.max_message_bytes = n as usize;
        }
        if let Some(n) = self.integer(&fields, "idleTimeoutSeconds", 1, 7 * 24 * 3600) {
            settings.idle_timeout_seconds = n as u64;
        }
        if let Some(n) = self.integer(&fields, "maxConnectionSeconds", 1, 7 * 24 * 3600) {
            settings.max_connection_seconds = n as u64;
        }
        if let Some(rate) = fields.get("connectRateLimit") {
            match rate.as_f64() {
                Some(rate) if rate > 0.0 && rate.is_finite() => {
                    settings.connect_rate_limit = Some(rate)
                }
                _ => self.wrong_type(
                    &fields.at("connectRateLimit"),
                    "a number of connections a second, over 0",
                ),
            }
        }
        match self.string(&fields, "badRequestFrameLayout").as_deref() {
            None | Some("documented") => {}
            Some("forbidden") => settings.bad_request_layout = BadRequestLayout::Forbidden,
            Some(_) => self.invalid(
                &fields.at("badRequestFrameLayout"),
                "must be `documented` or `forbidden`",
            ),
        }
        settings
    }

    fn models(&mut self, top: &Fields<'_>) -> BTreeMap<String, Model> {
        let mut models = BTreeMap::new();
        for (name, value, path) in self.entries(top, "models") {
            if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric()) {
                self.invalid(&path, "model names are alphanumeric");
            }
            let Some(fields) = self.object(value, &path, MODEL_FIELDS) else {
                continue;
            };
            let content_type = self
                .string(&fields, "contentType")
                .unwrap_or_else(|| "application/json".into());
            self.string(&fields, "description");
            self.string(&fields, "name");
            let Some(schema) = fields.get("schema") else {
                self.report(
                    &path,
                    ProblemKind::MissingField {
                        field: "schema".into(),
                    },
                );
                continue;
            };
            // A schema may be written as an object or as JSON text, as CreateModel takes it.
            let schema = match schema {
                Value::String(text) => match serde_json::from_str(text) {
                    Ok(v) => v,
                    Err(e) => {
                        self.report(
                            &fields.at("schema"),
                            ProblemKind::InvalidSchema {
                                detail: e.to_string(),
                            },
                        );
                        continue;
                    }
                },
                other => other.clone(),
            };
            match Model::compile(content_type, schema) {
                Ok(model) => {
                    models.insert(name, model);
                }
                Err(message) => self.report(
                    &fields.at("schema"),
                    ProblemKind::InvalidSchema { detail: message },
                ),
            }
        }
        models
    }

    fn integrations(
        &mut self,
        top: &Fields<'_>,
        stage_variables: &Map<String, Value>,
    ) -> BTreeMap<String, Integration> {
        let mut integrations = BTreeMap::new();
        for (id, value, path) in self.entries(top, "integrations") {
            if let Some(integration) = self.integration(id.clone(), value, &path, stage_variables) {
                integrations.insert(id, integration);
            }
        }
        integrations
    }

    fn integration(
        &mut self,
        id: String,
        value: &Value,
        path: &str,
        stage_variables: &Map<String, Value>,
    ) -> Option<Integration> {
        let fields = self.object(value, path, INTEGRATION_FIELDS)?;
        let kind = match self.required_string(&fields, "integrationType") {
            Some(name) => match name.parse::<IntegrationType>() {
                Ok(kind) => Some(kind),
                Err(_) => {
                    let names = <IntegrationType as strum::VariantNames>::VARIANTS.join(", ");
                    self.invalid(
                        &fields.at("integrationType"),
                        format!("`{name}` is not one of {names}"),
                    );
                    None
                }
            },
            None => None,
        };
        let uri = kind.and_then(|kind| self.integration_uri(&fields, kind, stage_variables));
        let method = self
            .string(&fields, "integrationMethod")
            .unwrap_or_else(|| "POST".into());
        let timeout_ms = self
            .integer(&fields, "timeoutInMillis", 50, 29000)
            .unwrap_or(29000) as u32;
        match fields.get("payloadFormatVersion") {
            None => {}
            Some(Value::String(v)) if v == "1.0" => {}
            Some(Value::Number(n)) if n.as_f64() == Some(1.0) => {}
            Some(_) => self.invalid(
                &fields.at("payloadFormatVersion"),
                "WebSocket APIs accept only payloadFormatVersion 1.0",
            ),
        }
        let passthrough = match self.string(&fields, "passthroughBehavior").as_deref() {
            None | Some("WHEN_NO_MATCH") => Passthrough::WhenNoMatch,
            Some("WHEN_NO_TEMPLATES") => Passthrough::WhenNoTemplates,
            Some("NEVER") => Passthrough::Never,
            Some(other) => {
                self.invalid(
                    &fields.at("passthroughBehavior"),
                    format!("`{other}` is not one of WHEN_NO_MATCH, WHEN_NO_TEMPLATES, NEVER"),
                );
                Passthrough::WhenNoMatch
            }
        };
        let template_selection = self.expression(&fields, "templateSelectionExpression");
        let request_templates = self.templates(&fields, "requestTemplates");
        self.string(&fields, "description");
        self.string(&fields, "credentialsArn");
        let internet = |v: &Value| v == "INTERNET";
        self.unsupported(&fields, "connectionType", internet, "INTERNET");
        self.unsupported(&fields, "connectionId", |_| false, "none");
        self.unsupported(&fields, "integrationSubtype", |_| false, "none");
        self.unsupported(&fields, "contentHandlingStrategy", |_| false, "none");
        let request_parameters = self.request_parameters(&fields);
        self.unsupported(&fields, "tlsConfig", is_empty, "none");
        let mut responses = Vec::new();
        for (key, value, rpath) in self.entries(&fields, "integrationResponses") {
            if let Some(r) = self.integration_response(key, value, &rpath) {
                responses.push(r);
            }
        }
        Some(Integration {
            id,
            kind: kind?,
            uri,
            method,
            timeout_ms,
            passthrough,
            template_selection,
            request_templates,
            request_parameters,
            responses,
        })
    }

    /// An integration's `requestParameters`: `integration.request.header|querystring|path.NAME` keys, each with
    /// its source (docs/behaviour.md §5.2).
    fn request_parameters(&mut self, fields: &Fields<'_>) -> Vec<RequestParameter> {
        let mut parameters = Vec::new();
        for (key, value, path) in self.entries(fields, "requestParameters") {
            let target = key.strip_prefix("integration.request.").and_then(|rest| {
                let (location, name) = rest.split_once('.')?;
                let location = match location {
                    "header" => ParameterLocation::Header,
                    "querystring" => ParameterLocation::Querystring,
                    "path" => ParameterLocation::Path,
                    _ => return None,
                };
                let valid = !name.is_empty()
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"._$-".contains(&b));
                valid.then(|| (location, name.to_string()))
            });
            let Some((location, name)) = target else {
                self.invalid(
                    &path,
                    format!("`{key}` is not integration.request.header|querystring|path.NAME (NAME of letters, digits, `._$-`)"),
                );
                continue;
            };
            let Value::String(text) = value else {
                self.wrong_type(&path, "a string");
                continue;
            };
            match parameter_source(text) {
                Ok(source) => parameters.push(RequestParameter {
                    location,
                    name,
                    source,
                }),
                Err(None) => self.report(
                    &path,
                    ProblemKind::UnsupportedFeature {
                        field: text.clone(),
                        default: "a single-value source".into(),
                    },
                ),
                Err(Some(detail)) => self.invalid(&path, detail),
            }
        }
        parameters
    }

    fn integration_uri(
        &mut self,
        fields: &Fields<'_>,
        kind: IntegrationType,
        stage_variables: &Map<String, Value>,
    ) -> Option<IntegrationUri> {
        let path = fields.at("integrationUri");
        let uri = self.string(fields, "integrationUri");
        let parsed = match (kind, uri) {
            (IntegrationType::Mock, _) => return None,
            (IntegrationType::AwsProxy | IntegrationType::Aws, None) => return None,
            (_, None) => {
                self.report(
                    &fields.path,
                    ProblemKind::MissingField {
                        field: "integrationUri".into(),
                    },
                );
                return None;
            }
            (kind, Some(uri)) => classify_uri(&uri, kind),
        };
        match parsed {
            Ok(uri) => {
                if let IntegrationUri::Url(url) = &uri {
                    for name in stage_variable_refs(url) {
                        if !stage_variables.contains_key(&name) {
                            self.report(
                                &path,
                                ProblemKind::InvalidIntegrationUri {
                                    detail: format!("stage variable `{name}` is not defined under stageVariables"),
                                },
                            );
                        }
                    }
                }
                Some(uri)
            }
            Err(message) => {
                self.report(
                    &path,
                    ProblemKind::InvalidIntegrationUri { detail: message },
                );
                None
            }
        }
    }

    fn integration_response(
        &mut self,
        key: String,
        value: &Value,
        path: &str,
    ) -> Option<IntegrationResponse> {
        let pattern = match ResponseKey::parse(&key) {
            Ok(p) => Some(p),
            Err(message) => {
                self.invalid(path, message);
                None
            }
        };
        let fields = self.object(value, path, INTEGRATION_RESPONSE_FIELDS)?;
        let template_selection = self.expression(&fields, "templateSelectionExpression");
        let response_templates = self.templates(&fields, "responseTemplates");
        self.unsupported(&fields, "responseParameters", is_empty, "none");
        self.unsupported(&fields, "contentHandlingStrategy", |_| false, "none");
        Some(IntegrationResponse {
            key,
            pattern: pattern?,
            template_selection,
            response_templates,
        })
    }

    /// `authorizers`: Lambda REQUEST authorizers (docs/behaviour.md §8).
    fn authorizers(&mut self, top: &Fields<'_>) -> BTreeMap<String, Authorizer> {
        let mut authorizers = BTreeMap::new();
        for (id, value, path) in self.entries(top, "authorizers") {
            let Some(fields) = self.object(value, &path, AUTHORIZER_FIELDS) else {
                continue;
            };
            match self.required_string(&fields, "authorizerType").as_deref() {
                Some("REQUEST") | None => {}
                Some(other) => self.invalid(
                    &fields.at("authorizerType"),
                    format!("`{other}`: WebSocket APIs have REQUEST authorizers only"),
                ),
            }
            let uri = self.string(&fields, "authorizerUri").and_then(|uri| {
                match classify_uri(&uri, IntegrationType::AwsProxy) {
                    Ok(IntegrationUri::AwsService { .. }) => {
                        self.report(
                            &fields.at("authorizerUri"),
                            ProblemKind::InvalidIntegrationUri {
                                detail: "an authorizer calls a Lambda function".into(),
                            },
                        );
                        None
                    }
                    Ok(uri) => Some(uri),
                    Err(detail) => {
                        self.report(
                            &fields.at("authorizerUri"),
                            ProblemKind::InvalidIntegrationUri { detail },
                        );
                        None
                    }
                }
            });
            let identity = self.identity_sources(&fields);
            match fields.get("authorizerPayloadFormatVersion") {
                None => {}
                Some(Value::String(v)) if v == "1.0" => {}
                Some(_) => self.invalid(
                    &fields.at("authorizerPayloadFormatVersion"),
                    "WebSocket APIs accept only authorizerPayloadFormatVersion 1.0",
                ),
            }
            for http_only in [
                "authorizerResultTtlInSeconds",
                "enableSimpleResponses",
                "jwtConfiguration",
            ] {
                if fields.get(http_only).is_some() {
                    self.invalid(
                        &fields.at(http_only),
                        format!("`{http_only}` is for HTTP APIs only"),
                    );
                }
            }
            self.string(&fields, "name");
            self.string(&fields, "authorizerCredentialsArn");
            self.string(&fields, "identityValidationExpression");
            authorizers.insert(id.clone(), Authorizer { id, uri, identity });
        }
        authorizers
    }

    /// `identitySource`: a list (or a comma-separated string) of request parameter sources that are not fixed text.
    fn identity_sources(&mut self, fields: &Fields<'_>) -> Vec<IdentitySource> {
        let path = fields.at("identitySource");
        let sources: Vec<String> = match fields.get("identitySource") {
            None => Vec::new(),
            Some(Value::String(list)) => list.split(',').map(|s| s.trim().to_string()).collect(),
            Some(Value::Array(items)) => items.iter().map(crate::stringify).collect(),
            Some(_) => {
                self.wrong_type(&path, "a list of identity sources");
                Vec::new()
            }
        };
        let mut identity = Vec::new();
        for source in sources {
            // What a request parameter may read, but neither fixed text nor the body, which $connect has not.
            let usable = match parameter_source(&source) {
                Ok(ParameterSource::Static(_)) => None,
                Ok(value) if !source.starts_with("route.request.body.") => Some(value),
                _ => None,
            };
            match usable {
                Some(value) => identity.push(IdentitySource { source, value }),
                None => self.invalid(
                    &path,
                    format!("`{source}` is not an identity source: use route.request.header.NAME, route.request.querystring.NAME, stageVariables.NAME or context.NAME"),
                ),
            }
        }
        identity
    }

    fn routes(
        &mut self,
        top: &Fields<'_>,
        integrations: &BTreeMap<String, Integration>,
        models: &BTreeMap<String, Model>,
        authorizers: &BTreeMap<String, Authorizer>,
    ) -> HashMap<String, Route> {
        let mut routes = HashMap::new();
        let entries = self.entries(top, "routes");
        if entries.is_empty() && top.get("routes").is_none() {
            self.report(
                "",
                ProblemKind::MissingField {
                    field: "routes".into(),
                },
            );
        }
        for (key, value, path) in entries {
            if super::reserved_route_key(&key) {
                let suggestion = nearest(&key, super::SPECIAL_ROUTE_KEYS);
                self.invalid(
                    &path,
                    format!(
                        "route keys starting with `$` are reserved; use $connect, $disconnect or $default{}",
                        suggestion.map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default()
                    ),
                );
                continue;
            }
            if let Some(route) =
                self.route(key.clone(), value, &path, integrations, models, authorizers)
            {
                routes.insert(key, route);
            }
        }
        routes
    }

    fn route(
        &mut self,
        key: String,
        value: &Value,
        path: &str,
        integrations: &BTreeMap<String, Integration>,
        models: &BTreeMap<String, Model>,
        authorizers: &BTreeMap<String, Authorizer>,
    ) -> Option<Route> {
        let fields = self.object(value, path, ROUTE_FIELDS)?;
        let authorization = self.route_authorization(&key, &fields, authorizers);
        let integration = self.required_string(&fields, "target").and_then(|target| {
            let id = target.strip_prefix("integrations/").unwrap_or("");
            if integrations.contains_key(id) {
                return Some(id.to_string());
            }
            // An integration with problems of its own is reported there, not again here.
            if id.is_empty() || !self.reported_under(&format!("integrations.{id}")) {
                let known = integrations.keys().cloned().collect::<Vec<_>>().join(", ");
                self.report(
                    &fields.at("target"),
                    ProblemKind::DanglingTarget { target, known },
                );
            }
            None
        });
        let model_selection = self.expression(&fields, "modelSelectionExpression");
        let mut request_models = BTreeMap::new();
        for (selector, model, mpath) in self.entries(&fields, "requestModels") {
            match model {
                Value::String(name) if models.contains_key(name) => {
                    request_models.insert(selector, name.clone());
                }
                Value::String(name) if self.reported_under(&format!("models.{name}")) => {}
                Value::String(name) => self.report(
                    &mpath,
                    ProblemKind::UnknownModel {
                        model: name.clone(),
                    },
                ),
                _ => self.wrong_type(&mpath, "a model name"),
            }
        }
        let mut two_way = false;
        if let Some(expr) = self.string(&fields, "routeResponseSelectionExpression") {
            if expr == "$default" {
                two_way = true;
            } else {
                self.invalid(
                    &fields.at("routeResponseSelectionExpression"),
                    "API Gateway supports only `$default` here",
                );
            }
        }
        for (response_key, value, rpath) in self.entries(&fields, "routeResponses") {
            if response_key != "$default" {
                self.invalid(&rpath, "the only route response key is `$default`");
                continue;
            }
            // Response models exist in the API but AWS marks them unsupported; they are accepted and unused.
            self.object(value, &rpath, ROUTE_RESPONSE_FIELDS);
            two_way = true;
        }
        self.string(&fields, "operationName");
        self.unsupported(&fields, "authorizationScopes", is_empty, "none");
        let api_key_required = self.boolean(&fields, "apiKeyRequired").unwrap_or(false);
        if api_key_required && key != "$connect" {
            self.invalid(
                &fields.at("apiKeyRequired"),
                "API keys are checked when a connection opens: only $connect requires one",
            );
        }
        let required_parameters = self.route_parameters(&key, &fields);
        Some(Route {
            key,
            integration: integration?,
            model_selection,
            request_models,
            two_way,
            authorization,
            api_key_required,
            throttle: None,
            required_parameters,
        })
    }

    /// A route's `requestParameters` (`{"route.request.querystring.token": {"required": true}}`): the handshake's
    /// headers and query string, so `$connect` only (docs/behaviour.md §3). Returns the required ones.
    fn route_parameters(&mut self, key: &str, fields: &Fields<'_>) -> Vec<SelectionExpression> {
        let mut required = Vec::new();
        for (name, value, path) in self.entries(fields, "requestParameters") {
            let expression = ["route.request.header.", "route.request.querystring."]
                .iter()
                .find_map(|prefix| name.strip_prefix(prefix).map(|rest| (prefix, rest)))
                .filter(|(_, rest)| !rest.is_empty())
                .map(|(prefix, rest)| {
                    let kind = if prefix.ends_with("header.") {
                        "header"
                    } else {
                        "querystring"
                    };
                    format!("${{request.{kind}.{rest}}}")
                });
            let Some(expression) = expression else {
                self.invalid(&path, format!("`{name}` is not route.request.header.NAME or route.request.querystring.NAME"));
                continue;
            };
            if key != "$connect" {
                self.invalid(
                    &path,
                    "headers and query string parameters exist only on $connect",
                );
                continue;
            }
            // `required` on the wire; a template's `Required` is kept as written.
            let flag = value.get("required").or_else(|| value.get("Required"));
            match flag {
                None | Some(Value::Bool(false)) => {}
                Some(Value::Bool(true)) => match SelectionExpression::parse(&expression) {
                    Ok(expression) => required.push(expression),
                    Err(detail) => self.invalid(&path, detail),
                },
                Some(_) => self.wrong_type(&path, "{required: true|false}"),
            }
        }
        required
    }

    /// `authorizationType` and `authorizerId`: `AWS_IAM`, or `CUSTOM` naming an authorizer, on `$connect` only
    /// (docs/behaviour.md §8).
    fn route_authorization(
        &mut self,
        key: &str,
        fields: &Fields<'_>,
        authorizers: &BTreeMap<String, Authorizer>,
    ) -> Authorization {
        let kind = self.string(fields, "authorizationType");
        let id = self.string(fields, "authorizerId");
        match kind.as_deref() {
            None | Some("NONE") => {
                if id.is_some() {
                    self.invalid(
                        &fields.at("authorizerId"),
                        "an authorizer needs authorizationType: CUSTOM",
                    );
                }
                Authorization::None
            }
            Some("CUSTOM" | "AWS_IAM") if key != "$connect" => {
                self.invalid(
                    &fields.at("authorizationType"),
                    "only $connect is authorized: the connection is, once, when it opens",
                );
                Authorization::None
            }
            Some("CUSTOM") => {
                let Some(id) = id else {
                    self.report(
                        &fields.path,
                        ProblemKind::MissingField {
                            field: "authorizerId".into(),
                        },
                    );
                    return Authorization::None;
                };
                if authorizers.contains_key(&id)
                    || self.reported_under(&format!("authorizers.{id}"))
                {
                    return Authorization::Custom(id);
                }
                let known: Vec<&str> = authorizers.keys().map(String::as_str).collect();
                self.invalid(
                    &fields.at("authorizerId"),
                    format!(
                        "`{id}` is not defined under authorizers (defined: {})",
                        if known.is_empty() {
                            "none".to_string()
                        } else {
                            known.join(", ")
                        }
                    ),
                );
                Authorization::None
            }
            Some("AWS_IAM") => {
                if id.is_some() {
                    self.invalid(
                        &fields.at("authorizerId"),
                        "an authorizer needs authorizationType: CUSTOM",
                    );
                }
                Authorization::Iam
            }
            Some(other) => {
                self.invalid(
                    &fields.at("authorizationType"),
                    format!("`{other}` is not one of NONE, AWS_IAM, CUSTOM"),
                );
                Authorization::None
            }
        }
    }
}
