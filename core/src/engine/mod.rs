//! The sans-IO router: connection events in (connect, message, integration outcome, disconnect), decisions
//! out (invoke integration I with request R, send text T, close with code C, accept or reject the handshake).
//!
//! The engine keeps no per-connection state and reads no clock: the caller owns each [`Connection`], passes
//! ids and times in a [`Request`], invokes integrations, and hands each [`Outcome`] back to [`Engine::complete`].

mod authorize;
mod event;
mod ids;
pub mod lambda_context;
mod respond;
mod session;
pub mod throttle;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::config::{
    Api, Authorization, BadRequestLayout, Integration, IntegrationType, IntegrationUri,
    ParameterLocation, ParameterSource, Passthrough, Route,
};
use crate::frame::{Assembler, CloseCause, Limits};
use crate::selection::{Inputs, SelectionExpression};
use crate::template::{Scope, Template};

pub use authorize::{wildcard_match, AuthorizerStep};
pub use event::{forwarded_headers, EventType};
#[cfg(feature = "server")]
pub(crate) use ids::civil;
pub use ids::{clf_time, iso_time, Ids};
pub use lambda_context::LambdaContext;
#[cfg(feature = "cli")]
pub(crate) use session::parse_json;
pub use session::{
    options, simulate, ClientClose, Close, Handshake, Session, SessionError, SessionOptions,
    SimulateOptions, Step, StepAction, StepOptions, Trace,
};

use event::RequestVars;

/// One client connection, as the gateway saw its handshake.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Connection {
    pub connection_id: String,
    /// Epoch milliseconds.
    pub connected_at: u64,
    pub source_ip: String,
    pub user_agent: Option<String>,
    /// The handshake's `Host` header as sent, port included.
    pub domain_name: String,
    /// Handshake headers in the client's order and casing.
    pub headers: Vec<(String, String)>,
    /// Query string pairs in order (repeats kept).
    pub query: Vec<(String, String)>,
    pub forwarded_port: u16,
    pub forwarded_proto: String,
    /// Context from an authorizer, repeated in every event.
    pub authorizer: Option<Map<String, Value>>,
    /// Who signed the handshake, once its SigV4 signature was checked (`AWS_IAM` on `$connect`).
    #[serde(default)]
    pub caller: Option<Caller>,
}

/// The IAM identity of a SigV4-signed handshake: what `requestContext.identity` and `$context.identity` show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Caller {
    pub access_key: String,
    /// `arn:aws:iam::{account}:user/{name}`.
    pub user_arn: String,
}

impl Caller {
    /// The IAM user `user_name` of the gateway's account, signing with `access_key`.
    pub fn iam_user(access_key: &str, user_name: &str) -> Self {
        Self {
            access_key: access_key.into(),
            user_arn: format!(
                "arn:aws:iam::{}:user/{user_name}",
                lambda_context::ACCOUNT_ID
            ),
        }
    }
}

/// The ids and time of one event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Request {
    pub request_id: String,
    /// Used by MESSAGE events only.
    pub message_id: String,
    /// Epoch milliseconds.
    pub time_ms: u64,
}

/// Something the caller must do.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "action", rename_all = "camelCase")]
pub enum Action {
    /// Complete the handshake (101), echoing this subprotocol.
    Accept { subprotocol: Option<String> },
    /// Refuse the handshake with this HTTP status.
    Reject { status: u16 },
    /// Send a text frame to the client.
    Send { text: String },
    /// Close the connection.
    Close { code: u16, reason: String },
}

impl Action {
    pub fn close(cause: CloseCause) -> Self {
        Self::Close {
            code: cause.code(),
            reason: cause.reason().to_string(),
        }
    }
}

/// An integration call the caller must make.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Invocation {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: IntegrationType,
    #[serde(skip)]
    pub uri: Option<IntegrationUri>,
    #[serde(skip)]
    pub timeout_ms: u32,
    /// The Lambda proxy event (AWS_PROXY), or the body to send: the rendered template or the raw message.
    pub request: Value,
    /// The integration's `requestParameters`, evaluated: what HTTP and AWS service calls add to their request.
    #[serde(skip_serializing_if = "IntegrationParameters::is_empty")]
    pub parameters: IntegrationParameters,
}

/// Headers, query string parameters and path parameters for the integration request (docs/behaviour.md §5.2).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct IntegrationParameters {
    #[serde(skip_serializing_if = "Vec::is_empty", with = "crate::config::pairs")]
    #[cfg_attr(test, schemars(with = "std::collections::BTreeMap<String, String>"))]
    pub header: Vec<(String, String)>,
    #[serde(skip_serializing_if = "Vec::is_empty", with = "crate::config::pairs")]
    #[cfg_attr(test, schemars(with = "std::collections::BTreeMap<String, String>"))]
    pub querystring: Vec<(String, String)>,
    #[serde(skip_serializing_if = "Vec::is_empty", with = "crate::config::pairs")]
    #[cfg_attr(test, schemars(with = "std::collections::BTreeMap<String, String>"))]
    pub path: Vec<(String, String)>,
}

impl IntegrationParameters {
    pub fn is_empty(&self) -> bool {
        self.header.is_empty() && self.querystring.is_empty() && self.path.is_empty()
    }
}

/// What an integration call produced.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A Lambda function's result payload.
    Result(Value),
    /// A Lambda function error (`X-Amz-Function-Error`, or an exception in an in-process handler).
    FunctionError { message: String },
    /// An HTTP backend's response.
    Http {
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
    },
    /// The integration took longer than `timeoutInMillis`.
    Timeout,
    /// The call failed (connection refused, bad response, ...).
    Failed(String),
}

/// The model check of one message.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct Validation {
    pub model: Option<String>,
    pub valid: bool,
    pub errors: Vec<String>,
}

/// The integration response that was selected, and the status it was selected by.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct ResponseChoice {
    pub key: Option<String>,
    pub status: u16,
}

/// A route selection expression and its value for one message (`value` is null when the message is not JSON).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct RouteSelection {
    pub expression: String,
    pub value: Option<String>,
}

/// Continuation state of an integration call, handed back with its outcome.
#[derive(Debug, Clone)]
pub struct Pending {
    integration_id: String,
    two_way: bool,
    /// The event's route, ids and `$context`: for error frames and response templates.
    vars: RequestVars,
    /// The message parsed as JSON, for response template selection (non-proxy only).
    request_json: Option<Value>,
    /// Set while `$connect`'s authorizer is being called: the connection it decides about.
    authorizing: Option<Box<Connection>>,
}

impl Pending {
    /// The call is `$connect`'s authorizer: callers look its handler up among authorizers, and once it allows
    /// they keep [`AuthorizerStep::context`] in their [`Connection::authorizer`].
    pub fn is_authorizer(&self) -> bool {
        self.authorizing.is_some()
    }
}

/// Everything the engine decided about one event; also the material of the trace.
#[derive(Debug, Clone, Default)]
pub struct Decision {
    pub route_key: Option<String>,
    pub validation: Option<Validation>,
    pub invocation: Option<Invocation>,
    /// When set, make `invocation` and pass its outcome to [`Engine::complete`].
    pub pending: Option<Pending>,
    pub integration_response: Option<ResponseChoice>,
    /// `$connect`'s authorizer step, when the route has one.
    pub authorizer: Option<AuthorizerStep>,
    pub actions: Vec<Action>,
}

/// The error frames of docs/behaviour.md §12.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorFrame {
    Forbidden,
    InternalServerError,
    EndpointRequestTimedOut,
    BadRequestBody,
    /// A body no template matched under passthrough NEVER / WHEN_NO_TEMPLATES (docs/behaviour.md §5.2 [?]).
    UnsupportedMediaType,
    /// A message its route's token bucket throttled (docs/behaviour.md §9 [?]).
    TooManyRequests,
}

impl ErrorFrame {
    pub fn message(self) -> &'static str {
        match self {
            Self::Forbidden => "Forbidden",
            Self::InternalServerError => "Internal server error",
            Self::EndpointRequestTimedOut => "Endpoint request timed out",
            Self::BadRequestBody => "Bad request body",
            Self::UnsupportedMediaType => "Unsupported Media Type",
            Self::TooManyRequests => "Too Many Requests",
        }
    }

    /// The exact bytes API Gateway sends (ids are base64url, so they need no escaping).
    pub fn text(
        self,
        connection_id: &str,
        request_id: &str,
        message_id: &str,
        layout: BadRequestLayout,
    ) -> String {
        if self == Self::BadRequestBody && layout == BadRequestLayout::Documented {
            return format!(
                r#"{{"message" : "Bad request body", "connectionId": "{connection_id}", "messageId": "{message_id}"}}"#
            );
        }
        format!(
            r#"{{"message": "{}", "connectionId":"{connection_id}", "requestId":"{request_id}"}}"#,
            self.message()
        )
    }
}

/// The router for one API.
#[derive(Debug)]
pub struct Engine {
    api: Api,
    /// The account's new-connection quota (`settings.connectRateLimit`), when set. Besides the routes' buckets
    /// (`Route::throttle`), the engine's only state: one token bucket shared by every connection.
    connects: Option<throttle::Bucket>,
    /// `$stageVariables` as templates see it, built once.
    stage_variables: Value,
}

impl Engine {
    pub fn new(api: Api) -> Self {
        let stage_variables = Value::Object(api.stage_variables.clone());
        let connects = api.settings.connect_rate_limit.map(|rate| {
            throttle::Bucket::new(throttle::ThrottleLimits {
                burst: rate.ceil() as u32,
                rate,
            })
        });
        Self {
            api,
            connects,
            stage_variables,
        }
    }

    pub fn api(&self) -> &Api {
        &self.api
    }

    /// A frame assembler with this API's limits, one per connection.
    pub fn assembler(&self) -> Assembler {
        Assembler::new(Limits::from(&self.api.settings))
    }

    /// A client asks to connect: run `$connect` if there is one.
    pub fn connect(&self, conn: &Connection, request: &Request) -> Decision {
        // Throttling comes first: a throttled handshake reaches nothing (docs/behaviour.md §9, inferred).
        let route = self.api.routes.get("$connect");
        let throttled = |bucket: Option<&throttle::Bucket>| {
            bucket.is_some_and(|bucket| !bucket.take(request.time_ms))
        };
        if throttled(self.connects.as_ref()) || throttled(route.and_then(|r| r.throttle.as_ref())) {
            return Decision {
                route_key: route.map(|r| r.key.clone()),
                actions: vec![Action::Reject { status: 429 }],
                ..Decision::default()
            };
        }
        let Some(route) = route else {
            return actions(vec![Action::Accept { subprotocol: None }]);
        };
        // Required request parameters are checked first, before the authorizer (docs/behaviour.md §3, inferred).
        let inputs = Inputs {
            headers: &conn.headers,
            query: &conn.query,
            ..Inputs::default()
        };
        if route
            .required_parameters
            .iter()
            .any(|p| p.evaluate(&inputs).is_empty())
        {
            return Decision {
                route_key: Some(route.key.clone()),
                actions: vec![Action::Reject { status: 400 }],
                ..Decision::default()
            };
        }
        let mut vars = RequestVars::new(EventType::Connect, "$connect", conn, request);
        vars.connect_params = Some(event::connect_params(conn, request));
        match &route.authorization {
            Authorization::Custom(id) => {
                if let Some(authorizer) = self.api.authorizers.get(id) {
                    return self.authorize(route, authorizer, conn, vars);
                }
            }
            // The gateway checks the signature before the engine is asked (server::sigv4); a connection without a
            // checked caller was not signed.
            Authorization::Iam if conn.caller.is_none() => {
                return Decision {
                    route_key: Some(route.key.clone()),
                    authorizer: Some(AuthorizerStep::refused(
                        "AWS_IAM",
                        403,
                        "the handshake is not SigV4-signed (Missing Authentication Token)",
                    )),
                    actions: vec![Action::Reject { status: 403 }],
                    ..Decision::default()
                };
            }
            Authorization::Iam | Authorization::None => {}
        }
        if let Some(refused) = self.check_api_key(route, conn) {
            return refused;
        }
        self.invoke(route, conn, vars, "", None)
    }

    /// A complete text message arrived.
    pub fn message(&self, conn: &Connection, request: &Request, text: &str) -> Decision {
        let json: Option<Value> = serde_json::from_str(text).ok();
        let inputs = self.message_inputs(conn, json.as_ref());
        let Some(route) = self.select_route(&inputs) else {
            return actions(vec![self.error_frame(
                ErrorFrame::Forbidden,
                &conn.connection_id,
                request,
            )]);
        };
        // A message refused on its route before any integration: the error frame alone.
        let refused = |frame: ErrorFrame, validation: Option<Validation>| Decision {
            route_key: Some(route.key.clone()),
            validation,
            actions: vec![self.error_frame(frame, &conn.connection_id, request)],
            ..Decision::default()
        };
        if route
            .throttle
            .as_ref()
            .is_some_and(|bucket| !bucket.take(request.time_ms))
        {
            return refused(ErrorFrame::TooManyRequests, None);
        }
        let mut validation = None;
        if let Some(expr) = &route.model_selection {
            let checked = self.validate(route, expr, &inputs);
            if !checked.valid {
                return refused(ErrorFrame::BadRequestBody, Some(checked));
            }
            validation = Some(checked);
        }
        let vars = RequestVars::new(EventType::Message, &route.key, conn, request);
        let invoked = self.invoke(route, conn, vars, text, json);
        Decision {
            validation,
            ..invoked
        }
    }

    /// The connection closed with this code and reason: run `$disconnect` (its result is ignored).
    pub fn disconnect(
        &self,
        conn: &Connection,
        request: &Request,
        code: u16,
        reason: &str,
    ) -> Decision {
        let Some(route) = self.api.routes.get("$disconnect") else {
            return Decision::default();
        };
        let mut vars = RequestVars::new(EventType::Disconnect, "$disconnect", conn, request);
        vars.disconnect = Some((code, reason.to_string()));
        self.invoke(route, conn, vars, "", None)
    }

    /// What route and model selection see of a message.
    fn message_inputs<'a>(&'a self, conn: &'a Connection, json: Option<&'a Value>) -> Inputs<'a> {
        Inputs {
            body: json,
            stage_variables: Some(&self.api.stage_variables),
            authorizer: conn.authorizer.as_ref(),
            ..Inputs::default()
        }
    }

    /// The route selection expression evaluated on a message: `None` when the message is not JSON and the
    /// expression reads its body, which API Gateway then cannot evaluate.
    fn route_selection_key(&self, inputs: &Inputs<'_>) -> Option<String> {
        let expr = &self.api.route_selection;
        (inputs.body.is_some() || expr.is_static()).then(|| expr.evaluate(inputs))
    }

    /// Exact match first, then `$default`; `$connect`/`$disconnect` are never selected by a message
    /// (docs/behaviour.md §1.3 [?]). A body that is not JSON cannot be evaluated and goes to `$default`.
    fn select_route(&self, inputs: &Inputs<'_>) -> Option<&Route> {
        if let Some(key) = self.route_selection_key(inputs) {
            if key != "$connect" && key != "$disconnect" {
                if let Some(route) = self.api.routes.get(&key) {
                    return Some(route);
                }
            }
        }
        self.api.routes.get("$default")
    }

    /// Why a message goes where it goes: the expression and what it evaluated to. Computed apart from
    /// [`Engine::message`] so that serving messages never pays for it; simulations show it.
    pub fn route_selection(&self, conn: &Connection, text: &str) -> RouteSelection {
        let json: Option<Value> = serde_json::from_str(text).ok();
        RouteSelection {
            expression: self.api.route_selection.source().to_string(),
            value: self.route_selection_key(&self.message_inputs(conn, json.as_ref())),
        }
    }

    fn validate(
        &self,
        route: &Route,
        expr: &SelectionExpression,
        inputs: &Inputs<'_>,
    ) -> Validation {
        let key = expr.evaluate(inputs);
        let name = route
            .request_models
            .get(&key)
            .or_else(|| route.request_models.get("$default"));
        let Some(name) = name else {
            return Validation {
                model: None,
                valid: false,
                errors: vec![format!("no model for key `{key}` and no $default model")],
            };
        };
        let result = self.api.models[name].check(inputs.body);
        Validation {
            model: Some(name.clone()),
            valid: result.is_ok(),
            errors: result.err().unwrap_or_default(),
        }
    }

    fn error_frame(&self, frame: ErrorFrame, connection_id: &str, request: &Request) -> Action {
        Action::Send {
            text: frame.text(
                connection_id,
                &request.request_id,
                &request.message_id,
                self.api.settings.bad_request_layout,
            ),
        }
    }

    /// Builds the integration request; MOCK integrations complete here, others are left to the caller.
    fn invoke(
        &self,
        route: &Route,
        conn: &Connection,
        vars: RequestVars,
        body: &str,
        json: Option<Value>,
    ) -> Decision {
        let integration = &self.api.integrations[&route.integration];
        let rendered = match integration.kind {
            IntegrationType::AwsProxy => Ok(Some(event::proxy_event(&self.api, conn, &vars, body))),
            IntegrationType::HttpProxy => Ok(Some(Value::String(body.to_string()))),
            _ => self
                .render_request(integration, conn, &vars, body, json.as_ref())
                .map(|text| text.map(Value::String)),
        };
        let parameters = self.request_parameters(integration, conn, &vars, json.as_ref());
        let proxy = integration.kind.is_proxy();
        let pending = Pending {
            integration_id: integration.id.clone(),
            two_way: route.two_way,
            vars,
            request_json: if proxy { None } else { json },
            authorizing: None,
        };
        let request = match rendered {
            Ok(Some(request)) => request,
            Ok(None) => return self.fail(&pending, ErrorFrame::UnsupportedMediaType, 415),
            Err(_) => return self.fail(&pending, ErrorFrame::InternalServerError, 500),
        };
        let invocation = Invocation {
            id: integration.id.clone(),
            kind: integration.kind,
            uri: integration.uri.clone(),
            timeout_ms: integration.timeout_ms,
            request,
            parameters,
        };
        let route_key = Some(route.key.clone());
        if integration.kind == IntegrationType::Mock {
            // A MOCK answers with its request template's status; its response body is the client's message.
            let status = mock_status(&invocation.request);
            let done = self.complete_non_proxy(pending, integration, (status, &[], body), None);
            return Decision {
                route_key,
                invocation: Some(invocation),
                ..done
            };
        }
        Decision {
            route_key,
            invocation: Some(invocation),
            pending: Some(pending),
            ..Decision::default()
        }
    }

    /// The integration's `requestParameters`, each evaluated against this request.
    fn request_parameters(
        &self,
        integration: &Integration,
        conn: &Connection,
        vars: &RequestVars,
        json: Option<&Value>,
    ) -> IntegrationParameters {
        let mut out = IntegrationParameters::default();
        if integration.request_parameters.is_empty() {
            return out;
        }
        let inputs = self.request_inputs(conn, json);
        let context = vars.context(&self.api);
        for parameter in &integration.request_parameters {
            let value = source_value(&parameter.source, &inputs, &context);
            let list = match parameter.location {
                ParameterLocation::Header => &mut out.header,
                ParameterLocation::Querystring => &mut out.querystring,
                ParameterLocation::Path => &mut out.path,
            };
            list.push((parameter.name.clone(), value));
        }
        out
    }

    /// What request templates, template selection and request parameters read.
    fn request_inputs<'a>(&'a self, conn: &'a Connection, json: Option<&'a Value>) -> Inputs<'a> {
        Inputs {
            body: json,
            headers: &conn.headers,
            query: &conn.query,
            authorizer: conn.authorizer.as_ref(),
            stage_variables: Some(&self.api.stage_variables),
            integration: None,
        }
    }

    /// The request template's output, the raw body under passthrough, or `None` when passthrough refuses.
    fn render_request(
        &self,
        integration: &Integration,
        conn: &Connection,
        vars: &RequestVars,
        body: &str,
        json: Option<&Value>,
    ) -> Result<Option<String>, crate::template::RenderError> {
        let inputs = self.request_inputs(conn, json);
        let templates = &integration.request_templates;
        let Some(template) =
            select_template(integration.template_selection.as_ref(), templates, &inputs)
        else {
            let pass = match integration.passthrough {
                Passthrough::WhenNoMatch => true,
                Passthrough::WhenNoTemplates => templates.is_empty(),
                Passthrough::Never => false,
            };
            return Ok(pass.then(|| body.to_string()));
        };
        let context = vars.context(&self.api);
        let scope = Scope::new(&context, body, &self.stage_variables).with_json(json);
        template.render(&scope).map(Some)
    }

    pub(crate) fn fail(&self, pending: &Pending, frame: ErrorFrame, status: u16) -> Decision {
        let vars = &pending.vars;
        let action = match vars.kind {
            EventType::Connect => Action::Reject { status },
            EventType::Message => Action::Send {
                text: frame.text(
                    &vars.connection_id,
                    &vars.request.request_id,
                    &vars.request.message_id,
                    self.api.settings.bad_request_layout,
                ),
            },
            EventType::Disconnect => return Decision::default(),
        };
        Decision {
            route_key: Some(vars.route_key.clone()),
            actions: vec![action],
            ..Decision::default()
        }
    }
}

fn actions(actions: Vec<Action>) -> Decision {
    Decision {
        actions,
        ..Decision::default()
    }
}

/// The `statusCode` a MOCK's request template produced; 200 when it produced none (docs/behaviour.md §5.4 [?]).
fn mock_status(request: &Value) -> u16 {
    /// Only `statusCode` matters; the rest of the rendered template is skipped, not built.
    #[derive(Deserialize)]
    struct MockRequest {
        #[serde(rename = "statusCode")]
        status_code: Option<u64>,
    }
    request
        .as_str()
        .and_then(|text| serde_json::from_str::<MockRequest>(text).ok())
        .and_then(|m| m.status_code)
        .map_or(200, |s| s as u16)
}

/// The template a selection expression picks, falling back to `$default`; with no expression, the only
/// template, else `application/json`, else `$default` (docs/behaviour.md §5.2 [I]).
pub(crate) fn select_template<'t>(
    expr: Option<&SelectionExpression>,
    templates: &'t std::collections::BTreeMap<String, Template>,
    inputs: &Inputs<'_>,
) -> Option<&'t Template> {
    match expr {
        Some(expr) => templates
            .get(&expr.evaluate(inputs))
            .or_else(|| templates.get("$default")),
        None if templates.len() == 1 => templates.values().next(),
        None => templates
            .get("application/json")
            .or_else(|| templates.get("$default")),
    }
}

/// A query string as ordered pairs, percent- and `+`-decoded; repeated names are kept.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(&s.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned()
    };
    query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(pair), String::new()),
        })
        .collect()
}

/// The value of a request parameter or identity source for one request: its fixed text, a `$context` variable,
/// or what its selection expression reads; `""` when absent.
fn source_value(
    source: &ParameterSource,
    inputs: &Inputs<'_>,
    context: &dyn crate::template::Context,
) -> String {
    match source {
        ParameterSource::Static(text) => text.clone(),
        ParameterSource::Context(name) => context
            .get(name)
            .map(|v| crate::stringify(&v))
            .unwrap_or_default(),
        ParameterSource::Expression(expression) => expression.evaluate(inputs),
    }
}
