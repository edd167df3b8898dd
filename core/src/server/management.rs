//! The `@connections` management API on the gateway's own port, answering as the AWS service does so boto3 and the
//! aws-sdk work unchanged: signatures are verified when the gateway has access keys (`--credentials`), accepted
//! otherwise; every other plain HTTP request gets 426.

use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::{Method, Request, Response};
use serde_json::json;

use super::registry::{ConnectionError, Outbound, MAX_POST_BYTES};
use super::sigv4;
use super::Shared;

/// Where a request path points.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// `/[STAGE/]@connections/{id}`, the id percent-decoded.
    Connection(String),
    /// `@connections` under another stage.
    WrongStage,
    /// Not the management API.
    Other,
}

/// Reads `/STAGE/@connections/{id}` or `/@connections/{id}`, with `@` possibly sent as `%40`.
pub fn target(path: &str, stage: &str) -> Target {
    let segments: Vec<&str> = path.split('/').collect();
    let is_connections = |s: &str| s == "@connections" || s.eq_ignore_ascii_case("%40connections");
    let decode = |id: &str| {
        percent_encoding::percent_decode_str(id)
            .decode_utf8_lossy()
            .into_owned()
    };
    match segments.as_slice() {
        ["", c, id] if is_connections(c) => Target::Connection(decode(id)),
        ["", s, c, id] if is_connections(c) && *s == stage => Target::Connection(decode(id)),
        ["", _, c, _] if is_connections(c) => Target::WrongStage,
        _ => Target::Other,
    }
}

/// API Gateway connection ids: 16 characters of URL-safe base64 ending in `=`.
fn valid_id(id: &str) -> bool {
    id.len() == 16
        && id.ends_with('=')
        && id[..15]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn respond(status: u16, error_type: Option<&str>, body: String) -> Response<Full<Bytes>> {
    let mut builder = Response::builder().status(status);
    if let Some(kind) = error_type {
        builder = builder.header("x-amzn-ErrorType", kind);
    }
    if !body.is_empty() {
        builder = builder.header("Content-Type", "application/json");
    }
    builder
        .body(Full::new(Bytes::from(body)))
        .expect("a response from valid parts")
}

fn error(status: u16, kind: &str, message: &str) -> Response<Full<Bytes>> {
    respond(
        status,
        Some(kind),
        json!({ "message": message }).to_string(),
    )
}

fn too_large() -> Response<Full<Bytes>> {
    let e = ConnectionError::PayloadTooLarge;
    error(
        e.status(),
        e.code(),
        &format!("Request entity too large: the maximum is {MAX_POST_BYTES} bytes"),
    )
}

/// The request's SigV4 signature, checked against the gateway's keys for `execute-api` in the API's region.
fn verify(
    parts: &hyper::http::request::Parts,
    body: &[u8],
    keys: &sigv4::AccessKeys,
    region: &str,
) -> Result<sigv4::Signer, sigv4::Refusal> {
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(k, v)| {
            (
                k.to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let host = parts
        .headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let request = sigv4::Request {
        method: parts.method.as_str(),
        host,
        path: parts.uri.path(),
        query: parts.uri.query().unwrap_or(""),
        headers: &headers,
        body,
    };
    sigv4::verify(&request, Some(keys), region, "execute-api", super::now_ms())
}

/// 410 carries no body, only the error type (docs/behaviour.md §7).
fn gone() -> Response<Full<Bytes>> {
    let e = ConnectionError::Gone;
    respond(e.status(), Some(e.code()), String::new())
}

/// One HTTP request on a listener that `serves`: the `@connections` API where it is served (403 elsewhere, as AWS
/// answers a path it has not), 426 for anything else on the clients' port, 404 on the management port.
pub async fn handle(
    shared: Arc<Shared>,
    request: Request<Incoming>,
    serves: super::Serves,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let stage = &shared.engine.api().stage;
    let id = match target(request.uri().path(), stage) {
        Target::Connection(id) if serves.management => id,
        Target::Connection(_) | Target::WrongStage => {
            return Ok(error(403, "ForbiddenException", "Forbidden"))
        }
        Target::Other if !serves.clients => {
            return Ok(error(404, "NotFoundException", "Not Found"))
        }
        Target::Other => {
            let response = Response::builder()
                .status(426)
                .header("Upgrade", "websocket")
                .header("Connection", "Upgrade")
                .body(Full::new(Bytes::from_static(b"Upgrade Required")))
                .expect("a response from valid parts");
            return Ok(response);
        }
    };
    let (parts, body) = request.into_parts();
    // One byte past the limit is enough to know the body is too large, without reading the rest.
    let body = match Limited::new(body, MAX_POST_BYTES + 1).collect().await {
        Ok(body) => body.to_bytes(),
        Err(_) => return Ok(too_large()),
    };
    if let Some(keys) = &shared.access_keys {
        let api = shared.engine.api();
        // The resource IAM policies name: arn:aws:execute-api:{region}:{account}:{api}/{stage}/{METHOD}/@connections/{id}.
        let resource = format!(
            "arn:aws:execute-api:{}:{}:{}/{stage}/{}/@connections/{id}",
            api.region,
            crate::engine::lambda_context::ACCOUNT_ID,
            api.api_id,
            parts.method
        );
        let checked = verify(&parts, &body, keys, &api.region)
            .and_then(|signer| keys.permit(&signer, "execute-api:ManageConnections", &resource));
        if let Err(refused) = checked {
            return Ok(error(403, refused.error_type, &refused.message));
        }
    }
    if !valid_id(&id) {
        return Ok(error(
            400,
            "BadRequestException",
            &format!("Invalid connectionId: {id}"),
        ));
    }
    let connections = &shared.connections;
    let response = match parts.method {
        Method::POST => {
            // Text frames for UTF-8 data, as browsers receive it; other bytes go out as binary (docs/behaviour.md §2 [?]).
            let message = match String::from_utf8(body.to_vec()) {
                Ok(text) => Outbound::Text(text),
                Err(e) => Outbound::Binary(e.into_bytes()),
            };
            connections
                .post(&id, message)
                .map(|()| respond(200, None, String::new()))
        }
        Method::GET => connections
            .get(&id)
            .map(|info| respond(200, None, info.to_string())),
        Method::DELETE => connections
            .delete(&id)
            .map(|()| respond(204, None, String::new())),
        _ => return Ok(error(404, "NotFoundException", "Not Found")),
    };
    let response = response.unwrap_or_else(|e| match e {
        ConnectionError::Gone => gone(),
        ConnectionError::PayloadTooLarge => too_large(),
        ConnectionError::Full => error(
            e.status(),
            e.code(),
            "The client is not reading its messages",
        ),
    });
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_with_and_without_the_stage_and_encoded() {
        let id = Target::Connection("abc=".into());
        assert_eq!(target("/dev/@connections/abc=", "dev"), id);
        assert_eq!(target("/@connections/abc%3D", "dev"), id);
        assert_eq!(target("/dev/%40connections/abc%3D", "dev"), id);
        assert_eq!(target("/prod/@connections/abc=", "dev"), Target::WrongStage);
        assert_eq!(target("/dev", "dev"), Target::Other);
        assert_eq!(target("/", "dev"), Target::Other);
    }

    #[test]
    fn connection_ids_have_the_aws_shape() {
        assert!(valid_id("XDmENcnwIE0CFEQ="));
        assert!(!valid_id("short="));
        assert!(!valid_id("XDmENcnwIE0CFEQ!"));
    }
}
