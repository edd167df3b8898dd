//! Lambda proxy events (payload 1.0) for CONNECT, MESSAGE and DISCONNECT, laid out as recent captures show them
//! (docs/behaviour.md §6: keys without a value are left out), and the `$context` templates see. Both come from one
//! [`RequestVars`], which answers `$context.<key>` one key at a time so templates never build the whole map.

use serde_json::{json, Map, Value};

use super::ids::clf_time;
use super::{Connection, Request};
use crate::config::Api;
use crate::template::Context;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    Connect,
    Message,
    Disconnect,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Connect => "CONNECT",
            Self::Message => "MESSAGE",
            Self::Disconnect => "DISCONNECT",
        }
    }
}

/// Everything `requestContext` and `$context` are made of, for one event on one connection.
#[derive(Debug, Clone)]
pub struct RequestVars {
    pub kind: EventType,
    pub route_key: String,
    pub request: Request,
    pub connection_id: String,
    pub connected_at: u64,
    pub domain_name: String,
    pub source_ip: String,
    pub user_agent: Option<String>,
    pub authorizer: Option<Map<String, Value>>,
    pub caller: Option<super::Caller>,
    /// `(disconnectStatusCode, disconnectReason)` for DISCONNECT.
    pub disconnect: Option<(u16, String)>,
    /// `$input.params()`: path, querystring and header maps on CONNECT (docs/behaviour.md §10.1).
    pub connect_params: Option<Value>,
}

/// `requestContext` keys in the order of the captures; each is present only when it has a value.
const CONTEXT_KEYS: &[&str] = &[
    "routeKey",
    "messageId",
    "disconnectStatusCode",
    "eventType",
    "extendedRequestId",
    "requestTime",
    "messageDirection",
    "disconnectReason",
    "stage",
    "connectedAt",
    "requestTimeEpoch",
    "identity",
    "requestId",
    "domainName",
    "connectionId",
    "apiId",
    "authorizer",
];

impl RequestVars {
    pub fn new(kind: EventType, route_key: &str, conn: &Connection, request: &Request) -> Self {
        Self {
            kind,
            route_key: route_key.to_string(),
            request: request.clone(),
            connection_id: conn.connection_id.clone(),
            connected_at: conn.connected_at,
            domain_name: conn.domain_name.clone(),
            source_ip: conn.source_ip.clone(),
            user_agent: conn.user_agent.clone(),
            authorizer: conn.authorizer.clone(),
            caller: conn.caller.clone(),
            disconnect: None,
            connect_params: None,
        }
    }

    /// One `requestContext` value; authorizer values are stringified for templates, as API Gateway does.
    fn value(&self, api: &Api, key: &str, for_template: bool) -> Option<Value> {
        let req = &self.request;
        Some(match key {
            "routeKey" => self.route_key.as_str().into(),
            "messageId" if self.kind == EventType::Message => req.message_id.as_str().into(),
            "disconnectStatusCode" => self.disconnect.as_ref()?.0.into(),
            "disconnectReason" => self.disconnect.as_ref()?.1.as_str().into(),
            "eventType" => self.kind.as_str().into(),
            "extendedRequestId" | "requestId" => req.request_id.as_str().into(),
            "requestTime" => clf_time(req.time_ms).into(),
            "requestTimeEpoch" => req.time_ms.into(),
            "messageDirection" => "IN".into(),
            "stage" => api.stage.as_str().into(),
            "connectedAt" => self.connected_at.into(),
            "identity" => {
                let mut identity = Map::with_capacity(7);
                // The IAM fields of a signed handshake (docs/behaviour.md §8): wsgate knows the access key and the
                // user its profile names; `caller` and `user` hold the access key where AWS has the user's id.
                if let Some(caller) = &self.caller {
                    identity.insert("accountId".into(), super::lambda_context::ACCOUNT_ID.into());
                    identity.insert("accessKey".into(), caller.access_key.as_str().into());
                    identity.insert("caller".into(), caller.access_key.as_str().into());
                    identity.insert("user".into(), caller.access_key.as_str().into());
                    identity.insert("userArn".into(), caller.user_arn.as_str().into());
                }
                if let Some(ua) = &self.user_agent {
                    identity.insert("userAgent".into(), ua.as_str().into());
                }
                identity.insert("sourceIp".into(), self.source_ip.as_str().into());
                Value::Object(identity)
            }
            "domainName" => self.domain_name.as_str().into(),
            "connectionId" => self.connection_id.as_str().into(),
            "apiId" => api.api_id.as_str().into(),
            "authorizer" => {
                let authorizer = self.authorizer.as_ref()?;
                if for_template {
                    let strings = authorizer
                        .iter()
                        .map(|(k, v)| (k.clone(), crate::stringify(v).into()));
                    Value::Object(strings.collect())
                } else {
                    Value::Object(authorizer.clone())
                }
            }
            _ => return None,
        })
    }

    fn request_context(&self, api: &Api, for_template: bool) -> Map<String, Value> {
        // Sized once, as it is built for every event: growing it cost a tenth of an event's instructions.
        let mut context = Map::with_capacity(CONTEXT_KEYS.len());
        for key in CONTEXT_KEYS {
            if let Some(value) = self.value(api, key, for_template) {
                context.insert((*key).to_string(), value);
            }
        }
        context
    }

    /// The `$context` of this request, for rendering a template of `api`.
    pub fn context<'a>(&'a self, api: &'a Api) -> TemplateContext<'a> {
        TemplateContext { api, vars: self }
    }
}

/// `$context` and `$input.params()` for templates.
pub struct TemplateContext<'a> {
    api: &'a Api,
    vars: &'a RequestVars,
}

impl Context for TemplateContext<'_> {
    fn get(&self, key: &str) -> Option<Value> {
        self.vars.value(self.api, key, true)
    }

    fn all(&self) -> Value {
        Value::Object(self.vars.request_context(self.api, true))
    }

    fn params(&self) -> Value {
        self.vars
            .connect_params
            .clone()
            .unwrap_or_else(|| json!({"path": {}, "querystring": {}, "header": {}}))
    }
}

/// Single-value map (last value wins) and multi-value map, keeping first-seen casing and order.
fn header_maps(pairs: &[(String, String)]) -> (Value, Value) {
    let mut single = Map::new();
    let mut multi: Map<String, Value> = Map::new();
    for (name, value) in pairs {
        single.insert(name.clone(), value.as_str().into());
        match multi.get_mut(name) {
            Some(Value::Array(values)) => values.push(value.as_str().into()),
            _ => {
                multi.insert(name.clone(), json!([value]));
            }
        }
    }
    (Value::Object(single), Value::Object(multi))
}

/// The handshake headers as API Gateway forwards them: the client's, without `Connection` and `Upgrade`,
/// plus the `X-Forwarded-*` and `X-Amzn-Trace-Id` a load balancer adds.
pub fn forwarded_headers(conn: &Connection, request: &Request) -> Vec<(String, String)> {
    let mut headers: Vec<(String, String)> = conn
        .headers
        .iter()
        .filter(|(name, _)| {
            !name.eq_ignore_ascii_case("connection") && !name.eq_ignore_ascii_case("upgrade")
        })
        .cloned()
        .collect();
    let trace_id: String = request
        .request_id
        .bytes()
        .take(12)
        .map(|b| format!("{b:02x}"))
        .collect();
    headers.push((
        "X-Amzn-Trace-Id".into(),
        format!("Root=1-{:08x}-{trace_id}", request.time_ms / 1000),
    ));
    headers.push(("X-Forwarded-For".into(), conn.source_ip.clone()));
    headers.push(("X-Forwarded-Port".into(), conn.forwarded_port.to_string()));
    headers.push(("X-Forwarded-Proto".into(), conn.forwarded_proto.clone()));
    headers
}

/// `$input.params()` on CONNECT: the query string and the forwarded handshake headers.
pub fn connect_params(conn: &Connection, request: &Request) -> Value {
    let query = header_maps(&conn.query).0;
    let header = header_maps(&forwarded_headers(conn, request)).0;
    json!({"path": {}, "querystring": query, "header": header})
}

/// The Lambda proxy event for one event on a connection.
pub fn proxy_event(api: &Api, conn: &Connection, vars: &RequestVars, body: &str) -> Value {
    let mut event = Map::with_capacity(7);
    match vars.kind {
        EventType::Connect => {
            let (headers, multi) = header_maps(&forwarded_headers(conn, &vars.request));
            event.insert("headers".into(), headers);
            event.insert("multiValueHeaders".into(), multi);
            if !conn.query.is_empty() {
                let (query, multi) = header_maps(&conn.query);
                event.insert("queryStringParameters".into(), query);
                event.insert("multiValueQueryStringParameters".into(), multi);
            }
        }
        EventType::Disconnect => {
            // The fixed, odd header set every captured DISCONNECT event has.
            let pairs: Vec<(String, String)> = [
                ("Host", conn.domain_name.as_str()),
                ("x-api-key", ""),
                ("X-Forwarded-For", ""),
                ("x-restapi", ""),
            ]
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect();
            let (headers, multi) = header_maps(&pairs);
            event.insert("headers".into(), headers);
            event.insert("multiValueHeaders".into(), multi);
        }
        EventType::Message => {}
    }
    event.insert(
        "requestContext".into(),
        Value::Object(vars.request_context(api, false)),
    );
    if vars.kind == EventType::Message {
        event.insert("body".into(), body.into());
    }
    event.insert("isBase64Encoded".into(), false.into());
    // docs/behaviour.md §6.1 [?]: stage variables appear only when the stage has some.
    if !api.stage_variables.is_empty() {
        event.insert(
            "stageVariables".into(),
            Value::Object(api.stage_variables.clone()),
        );
    }
    Value::Object(event)
}
