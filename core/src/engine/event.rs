//! Lambda proxy events (payload 1.0) for CONNECT, MESSAGE and DISCONNECT, laid out as recent captures show them
//! (SPEC §6: keys without a value are left out), and the `$context` object templates see.

use serde_json::{json, Map, Value};

use super::ids::clf_time;
use super::{Connection, Request};
use crate::config::Api;

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

/// What distinguishes one event from another on the same connection.
pub struct EventInfo<'a> {
    pub kind: EventType,
    pub route_key: &'a str,
    pub request: &'a Request,
    /// `(disconnectStatusCode, disconnectReason)` for DISCONNECT.
    pub disconnect: Option<(u16, &'a str)>,
}

/// `requestContext`, in the key order of the captures.
fn request_context(api: &Api, conn: &Connection, info: &EventInfo<'_>) -> Map<String, Value> {
    let req = info.request;
    let mut ctx = Map::new();
    ctx.insert("routeKey".into(), info.route_key.into());
    if info.kind == EventType::Message {
        ctx.insert("messageId".into(), req.message_id.as_str().into());
    }
    if let Some((code, _)) = info.disconnect {
        ctx.insert("disconnectStatusCode".into(), code.into());
    }
    ctx.insert("eventType".into(), info.kind.as_str().into());
    ctx.insert("extendedRequestId".into(), req.request_id.as_str().into());
    ctx.insert("requestTime".into(), clf_time(req.time_ms).into());
    ctx.insert("messageDirection".into(), "IN".into());
    if let Some((_, reason)) = info.disconnect {
        ctx.insert("disconnectReason".into(), reason.into());
    }
    ctx.insert("stage".into(), api.stage.as_str().into());
    ctx.insert("connectedAt".into(), conn.connected_at.into());
    ctx.insert("requestTimeEpoch".into(), req.time_ms.into());
    let mut identity = Map::new();
    if let Some(ua) = &conn.user_agent {
        identity.insert("userAgent".into(), ua.as_str().into());
    }
    identity.insert("sourceIp".into(), conn.source_ip.as_str().into());
    ctx.insert("identity".into(), Value::Object(identity));
    ctx.insert("requestId".into(), req.request_id.as_str().into());
    ctx.insert("domainName".into(), conn.domain_name.as_str().into());
    ctx.insert("connectionId".into(), conn.connection_id.as_str().into());
    ctx.insert("apiId".into(), api.api_id.as_str().into());
    if let Some(authorizer) = &conn.authorizer {
        ctx.insert("authorizer".into(), Value::Object(authorizer.clone()));
    }
    ctx
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
    let trace = format!(
        "Root=1-{:08x}-{}",
        request.time_ms / 1000,
        request
            .request_id
            .bytes()
            .take(12)
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    headers.push(("X-Amzn-Trace-Id".into(), trace));
    headers.push(("X-Forwarded-For".into(), conn.source_ip.clone()));
    headers.push(("X-Forwarded-Port".into(), conn.forwarded_port.to_string()));
    headers.push(("X-Forwarded-Proto".into(), conn.forwarded_proto.clone()));
    headers
}

/// The Lambda proxy event for one event on a connection.
pub fn proxy_event(api: &Api, conn: &Connection, info: &EventInfo<'_>, body: &str) -> Value {
    let mut event = Map::new();
    match info.kind {
        EventType::Connect => {
            let (headers, multi) = header_maps(&forwarded_headers(conn, info.request));
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
        Value::Object(request_context(api, conn, info)),
    );
    if info.kind == EventType::Message {
        event.insert("body".into(), body.into());
    }
    event.insert("isBase64Encoded".into(), false.into());
    // SPEC §6.1 [?]: stage variables appear only when the stage has some.
    if !api.stage_variables.is_empty() {
        event.insert(
            "stageVariables".into(),
            Value::Object(api.stage_variables.clone()),
        );
    }
    Value::Object(event)
}

/// `$context` for mapping templates; authorizer values are stringified as API Gateway does.
pub fn template_context(api: &Api, conn: &Connection, info: &EventInfo<'_>) -> Value {
    let mut ctx = request_context(api, conn, info);
    if let Some(Value::Object(authorizer)) = ctx.get_mut("authorizer") {
        for value in authorizer.values_mut() {
            *value = Value::String(crate::stringify(value));
        }
    }
    Value::Object(ctx)
}

/// `$input.params()`: path, querystring and header maps (empty for messages, SPEC §10.1).
pub fn template_params(conn: &Connection, info: &EventInfo<'_>) -> Value {
    let (query, header) = if info.kind == EventType::Connect {
        (
            header_maps(&conn.query).0,
            header_maps(&forwarded_headers(conn, info.request)).0,
        )
    } else {
        (json!({}), json!({}))
    };
    json!({"path": {}, "querystring": query, "header": header})
}
