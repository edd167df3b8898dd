//! Calling integrations: handlers registered in-process, the Lambda Invoke API over HTTP, HTTP backends and
//! AWS service endpoints, each bounded by `timeoutInMillis`, all through one pooled HTTP client.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::Request;
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use serde_json::{Map, Value};

use super::aws_service::{encode_query, fill_path, service_request, set_headers};
use super::sigv4::{self, Credentials};
use crate::config::{Api, Integration, IntegrationType, IntegrationUri};
use crate::engine::lambda_context::MEMORY_LIMIT_IN_MB;
use crate::engine::{Connection, Invocation, Outcome};

/// What an in-process handler is told about its call, as a Lambda context would.
#[derive(Debug, Clone)]
pub struct InvokeContext {
    /// The integration id (the "function name").
    pub function_name: String,
    /// The API Gateway request id of the event.
    pub request_id: String,
    /// How long the function may run: a template function's `Timeout`, else the integration's `timeoutInMillis`.
    pub timeout_ms: u32,
    /// A template function's `MemorySize`, else Lambda's default.
    pub memory_mb: u32,
}

/// What a handler returns: the Lambda result, or a function error message.
pub type HandlerResult = Result<Value, String>;

/// An in-process integration (a binding's Python or Node function, or Rust code).
pub type Handler = Arc<
    dyn Fn(Value, InvokeContext) -> Pin<Box<dyn Future<Output = HandlerResult> + Send>>
        + Send
        + Sync,
>;

/// Lambda responses larger than this are refused (Lambda's own limit is 6 MB).
const MAX_RESPONSE_BYTES: usize = 6 * 1024 * 1024;

/// Where integrations that leave the process are sent.
#[derive(Debug, Clone, Default)]
pub struct Endpoints {
    /// The Lambda Invoke API's base URL.
    pub lambda: Option<String>,
    /// Each AWS service's base URL, by the service name of its ARNs (`dynamodb`, `sqs`).
    pub aws: BTreeMap<String, String>,
}

/// Everything needed to make integration calls.
pub struct Invoker {
    handlers: HashMap<String, Handler>,
    /// In-process authorizers, by authorizer id.
    authorizers: HashMap<String, Handler>,
    lambda_endpoint: Option<String>,
    aws_endpoints: BTreeMap<String, String>,
    /// What AWS service calls are signed with, read once at start as the SDKs do.
    credentials: Credentials,
    client: Client<HttpConnector, Full<Bytes>>,
}

impl Invoker {
    pub fn new(
        handlers: HashMap<String, Handler>,
        authorizers: HashMap<String, Handler>,
        endpoints: Endpoints,
    ) -> Self {
        let base = |e: String| e.trim_end_matches('/').to_string();
        Self {
            handlers,
            authorizers,
            lambda_endpoint: endpoints.lambda.map(base),
            aws_endpoints: endpoints
                .aws
                .into_iter()
                .map(|(k, v)| (k, base(v)))
                .collect(),
            credentials: Credentials::from_env(),
            client: Client::builder(TokioExecutor::new()).build_http(),
        }
    }

    /// The handler bound to an integration: by integration id, by route key, or by the integrationUri name.
    fn handler(&self, invocation: &Invocation, route_key: &str) -> Option<&Handler> {
        let by_uri = match &invocation.uri {
            Some(IntegrationUri::Handler(name)) => self.handlers.get(name),
            _ => None,
        };
        self.handlers
            .get(&invocation.id)
            .or_else(|| self.handlers.get(route_key))
            .or(by_uri)
    }

    /// Integrations (and authorizers, as `authorizer ID`) that nothing can serve: in-process names with no handler
    /// registered.
    pub fn unbound(&self, api: &Api) -> Vec<String> {
        let authorizers = api
            .authorizers
            .values()
            .filter(|a| a.uri.is_none() && !self.authorizers.contains_key(&a.id))
            .map(|a| format!("authorizer {}", a.id));
        self.unbound_integrations(api)
            .into_iter()
            .chain(authorizers)
            .collect()
    }

    fn unbound_integrations(&self, api: &Api) -> Vec<String> {
        let in_process = |i: &&Integration| {
            matches!(i.kind, IntegrationType::AwsProxy | IntegrationType::Aws)
                && matches!(i.uri, None | Some(IntegrationUri::Handler(_)))
        };
        let served = |i: &&Integration| {
            let handler_name = match &i.uri {
                Some(IntegrationUri::Handler(name)) => Some(name.as_str()),
                _ => None,
            };
            let route_keys = api
                .routes
                .values()
                .filter(|r| r.integration == i.id)
                .map(|r| r.key.as_str());
            std::iter::once(i.id.as_str())
                .chain(route_keys)
                .chain(handler_name)
                .any(|name| self.handlers.contains_key(name))
        };
        api.integrations
            .values()
            .filter(in_process)
            .filter(|i| !served(i))
            .map(|i| i.id.clone())
            .collect()
    }

    /// Makes one call, within the integration's timeout.
    pub async fn invoke(
        &self,
        api: &Api,
        invocation: Invocation,
        route_key: &str,
        conn: &Connection,
        request_id: &str,
    ) -> Outcome {
        let handler = self.handler(&invocation, route_key);
        let timeout_ms = invocation.timeout_ms;
        let call = self.call(
            api,
            invocation,
            handler,
            conn,
            request_id,
            route_key == "$connect",
        );
        within(timeout_ms, call).await
    }

    /// Calls `$connect`'s authorizer: its in-process handler, else the function its `authorizerUri` names.
    pub async fn authorize(
        &self,
        api: &Api,
        invocation: Invocation,
        conn: &Connection,
        request_id: &str,
    ) -> Outcome {
        let handler = self.authorizers.get(&invocation.id);
        let timeout_ms = invocation.timeout_ms;
        within(
            timeout_ms,
            self.call(api, invocation, handler, conn, request_id, true),
        )
        .await
    }

    async fn call(
        &self,
        api: &Api,
        invocation: Invocation,
        handler: Option<&Handler>,
        conn: &Connection,
        request_id: &str,
        connect: bool,
    ) -> Outcome {
        let lambda = matches!(
            invocation.kind,
            IntegrationType::AwsProxy | IntegrationType::Aws
        );
        if lambda {
            if let Some(handler) = handler {
                // A template's function is itself (its name, timeout and memory); else the integration is.
                let function = api.function_at(invocation.uri.as_ref());
                // The function the integration names is the one running, whatever handler stands in for it.
                let named = match &invocation.uri {
                    Some(IntegrationUri::LambdaFunction(name)) => name.clone(),
                    _ => invocation.id.clone(),
                };
                let context = InvokeContext {
                    function_name: function.map_or(named, |f| f.name.clone()),
                    request_id: request_id.to_string(),
                    timeout_ms: function
                        .map_or(invocation.timeout_ms, |f| f.timeout_seconds * 1000),
                    memory_mb: function.map_or(MEMORY_LIMIT_IN_MB, |f| f.memory_mb),
                };
                return match handler(lambda_payload(invocation), context).await {
                    Ok(result) => Outcome::Result(result),
                    Err(message) => Outcome::FunctionError { message },
                };
            }
        }
        let url = match (&invocation.uri, lambda) {
            (Some(IntegrationUri::Url(url)), _) => {
                substitute_stage_variables(url, &api.stage_variables)
            }
            (
                Some(IntegrationUri::AwsService {
                    region,
                    service,
                    operation,
                }),
                _,
            ) => {
                let call = self.call_aws_service(api, &invocation, region, service, operation);
                return Box::pin(call).await;
            }
            (Some(IntegrationUri::LambdaFunction(name)), _) => match &self.lambda_endpoint {
                Some(endpoint) => format!("{endpoint}/2015-03-31/functions/{name}/invocations"),
                None => {
                    return Outcome::Failed(format!("{name}: no --lambda-endpoint to invoke it at"))
                }
            },
            _ => {
                return Outcome::Failed(format!(
                    "integration `{}` has no handler registered and no URL",
                    invocation.id
                ))
            }
        };
        // Boxed: their futures hold an HTTP exchange, and every call's task would carry that size otherwise, even
        // for in-process handlers.
        if lambda {
            Box::pin(self.invoke_lambda(&url, &invocation)).await
        } else {
            Box::pin(self.call_http(api, &url, &invocation, conn, connect)).await
        }
    }

    /// `POST .../invocations` of the Lambda Invoke API; `X-Amz-Function-Error` marks a function error.
    async fn invoke_lambda(&self, url: &str, invocation: &Invocation) -> Outcome {
        let body = match &invocation.request {
            Value::String(text) => text.clone(),
            event => event.to_string(),
        };
        let request = Request::post(url)
            .header("Content-Type", "application/json")
            .header("X-Amz-Invocation-Type", "RequestResponse")
            .body(Full::new(Bytes::from(body)));
        let (status, headers, body) = match self.send(request).await {
            Ok(response) => response,
            Err(e) => return Outcome::Failed(e),
        };
        if status != 200 {
            return Outcome::Failed(format!("the Invoke API answered {status}"));
        }
        let Ok(result) = serde_json::from_str::<Value>(&body) else {
            return Outcome::Failed("the Invoke API answered with a body that is not JSON".into());
        };
        if headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("x-amz-function-error"))
        {
            let message = result
                .get("errorMessage")
                .map(crate::stringify)
                .unwrap_or_default();
            return Outcome::FunctionError { message };
        }
        Outcome::Result(result)
    }

    /// An HTTP or HTTP_PROXY backend: the body is the raw message or the rendered template.
    async fn call_http(
        &self,
        api: &Api,
        url: &str,
        invocation: &Invocation,
        conn: &Connection,
        connect: bool,
    ) -> Outcome {
        let method = api
            .integrations
            .get(&invocation.id)
            .map_or("POST", |i| i.method.as_str());
        let body = crate::stringify(&invocation.request);
        let parameters = &invocation.parameters;
        let url = with_query(
            fill_path(url, &parameters.path),
            &encode_query(&parameters.querystring),
        );
        // `$connect` backends see the client's handshake headers (docs/behaviour.md §5.2); request parameters
        // replace headers of the same name.
        let mut headers: Vec<(String, String)> = if connect {
            conn.headers
                .iter()
                .filter(|(k, _)| !k.eq_ignore_ascii_case("host"))
                .cloned()
                .collect()
        } else {
            Vec::new()
        };
        set_headers(&mut headers, &parameters.header);
        let mut request = Request::builder().method(method).uri(url);
        for (name, value) in &headers {
            request = request.header(name.as_str(), value.as_str());
        }
        self.exchange(request.body(Full::new(Bytes::from(body))))
            .await
    }

    /// An AWS service's action or path at its `--aws-endpoint`, signed as API Gateway signs it
    /// (docs/behaviour.md §5.6); its answer is selected by status code, as an HTTP backend's is.
    async fn call_aws_service(
        &self,
        api: &Api,
        invocation: &Invocation,
        region: &str,
        service: &str,
        operation: &str,
    ) -> Outcome {
        let Some(endpoint) = self.aws_endpoints.get(service) else {
            return Outcome::Failed(format!(
                "{service} {operation}: no --aws-endpoint {service}=URL to send it to"
            ));
        };
        let method = api
            .integrations
            .get(&invocation.id)
            .map_or("POST", |i| i.method.as_str());
        let call = service_request(service, operation, method, &invocation.parameters);
        let url = with_query(format!("{endpoint}{}", call.path), &call.query);
        let uri: hyper::Uri = match url.parse() {
            Ok(uri) => uri,
            Err(e) => return Outcome::Failed(format!("`{url}` is not a URL: {e}")),
        };
        let body = crate::stringify(&invocation.request);
        let host = uri.authority().map_or("", |a| a.as_str()).to_string();
        let signed = sigv4::sign(
            &sigv4::Request {
                method: &call.method,
                host: &host,
                path: uri.path(),
                query: uri.query().unwrap_or(""),
                headers: &call.headers,
                body: body.as_bytes(),
            },
            region,
            service,
            &self.credentials,
            super::now_ms(),
        );
        let mut request = Request::builder().method(call.method.as_str()).uri(uri);
        for (name, value) in call.headers.iter().chain(&signed) {
            request = request.header(name.as_str(), value.as_str());
        }
        self.exchange(request.body(Full::new(Bytes::from(body))))
            .await
    }

    /// An HTTP exchange whose response, whatever its status, is the outcome.
    async fn exchange(&self, request: Result<Request<Full<Bytes>>, hyper::http::Error>) -> Outcome {
        match self.send(request).await {
            Ok((status, headers, body)) => Outcome::Http {
                status,
                headers,
                body,
            },
            Err(e) => Outcome::Failed(e),
        }
    }

    async fn send(
        &self,
        request: Result<Request<Full<Bytes>>, hyper::http::Error>,
    ) -> Result<(u16, Vec<(String, String)>, String), String> {
        let request = request.map_err(|e| format!("invalid request: {e}"))?;
        let response = self
            .client
            .request(request)
            .await
            .map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = Limited::new(response.into_body(), MAX_RESPONSE_BYTES)
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        Ok((status, headers, String::from_utf8_lossy(&body).into_owned()))
    }
}

/// The outcome of `call`, or a timeout once `timeout_ms` has passed.
async fn within(timeout_ms: u32, call: impl Future<Output = Outcome>) -> Outcome {
    let timeout = Duration::from_millis(u64::from(timeout_ms));
    tokio::time::timeout(timeout, call)
        .await
        .unwrap_or(Outcome::Timeout)
}

/// `url` with `query` (already encoded) appended, if any.
fn with_query(url: String, query: &str) -> String {
    match (query.is_empty(), url.contains('?')) {
        (true, _) => url,
        (false, true) => format!("{url}&{query}"),
        (false, false) => format!("{url}?{query}"),
    }
}

/// What a Lambda receives: the proxy event, or the rendered template parsed as JSON (its text if it is not JSON).
fn lambda_payload(invocation: Invocation) -> Value {
    match invocation.request {
        Value::String(text) if invocation.kind == IntegrationType::Aws => {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        }
        other => other,
    }
}

/// `${stageVariables.name}` in an integration URI becomes the stage variable's value.
pub fn substitute_stage_variables(uri: &str, variables: &Map<String, Value>) -> String {
    let mut out = uri.to_string();
    for (name, value) in variables {
        out = out.replace(
            &format!("${{stageVariables.{name}}}"),
            &crate::stringify(value),
        );
    }
    out
}
