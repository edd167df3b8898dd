//! The gateway on the wire (feature `server`): tokio for sockets and timers, hyper for the `@connections` API,
//! tokio-tungstenite for frames. It only moves bytes and keeps time; every decision comes from the [`Engine`].
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! use wsgate_core::server::Gateway;
//! use wsgate_core::Api;
//!
//! let api = Api::from_path("examples/chat/api.yaml").unwrap();
//! let server = Gateway::builder(api)
//!     .handler("chat", |event, _context| async move { Ok(serde_json::json!({"statusCode": 200})) })
//!     .serve("127.0.0.1:0")
//!     .await?;
//! println!("listening on {}", server.url());
//! server.shutdown().await;
//! # Ok(())
//! # }
//! ```

mod aws_service;
mod head;
mod invoke;
mod management;
mod options;
mod registry;
pub mod sigv4;
mod socket;
mod tls;

use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::Value;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream, ToSocketAddrs};
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::config::{Api, Authorization};
use crate::engine::{Action, Caller, Connection, Decision, Engine, Ids, Request};

pub use invoke::{Handler, HandlerResult, InvokeContext};
pub use options::{ServeError, ServeOptions};
pub use registry::{ConnectionError, ConnectionInfo, Connections, Outbound, MAX_POST_BYTES};
pub use tls::Tls;

use head::{read_head, HeadError, Rewind};
use invoke::{Endpoints, Invoker};

/// A request head must arrive within this time.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a shutdown waits for connections to close and their `$disconnect` to run.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// The runtime a package serves on: one worker fewer than the machine has cores (at least one), so that the thread
/// running the language's handlers (one at a time holds Python's GIL; JavaScript has one thread) has a core of its
/// own instead of taking turns with a worker each call has just woken (docs/architecture.md, "Threads of the
/// packages").
pub fn package_runtime() -> std::io::Result<tokio::runtime::Runtime> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cores.saturating_sub(1).max(1))
        .thread_name("wsgate")
        .enable_all()
        .build()
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

fn status_line(status: u16) -> String {
    let reason = hyper::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    format!("HTTP/1.1 {status} {reason}")
}

/// State shared by every connection of one gateway.
pub(crate) struct Shared {
    engine: Arc<Engine>,
    invoker: Invoker,
    connections: Connections,
    ids: Ids,
    tls: Option<Tls>,
    /// When set, `@connections` requests must be SigV4-signed with one of these keys.
    access_keys: Option<sigv4::AccessKeys>,
}

impl Shared {
    fn next_id(&self) -> String {
        self.ids.next_id()
    }

    fn request(&self) -> Request {
        Request {
            request_id: self.next_id(),
            message_id: self.next_id(),
            time_ms: now_ms(),
        }
    }

    /// `AWS_IAM` on `$connect` (docs/behaviour.md §8): the handshake's SigV4 signature (header or presigned URL),
    /// checked against `--credentials`, or taken on trust when the gateway has none. `None` when `$connect` is not
    /// `AWS_IAM`.
    fn sign_in(&self, head: &head::Head) -> Result<Option<Caller>, sigv4::Refusal> {
        let api = self.engine.api();
        let iam = api
            .routes
            .get("$connect")
            .is_some_and(|route| route.authorization == Authorization::Iam);
        if !iam {
            return Ok(None);
        }
        let request = sigv4::Request {
            method: "GET",
            host: head.header("host").unwrap_or(""),
            path: head.path(),
            query: head.query().unwrap_or(""),
            headers: &head.headers,
            body: b"",
        };
        let keys = self.access_keys.as_ref();
        let signer = sigv4::verify(&request, keys, &api.region, "execute-api", now_ms())?;
        if let Some(keys) = keys {
            keys.permit(&signer, "execute-api:Invoke", &self.engine.connect_arn())?;
        }
        Ok(Some(signer.caller()))
    }

    /// Runs `$connect`'s authorizer when the decision calls it, keeping the context it allows with in `conn`;
    /// returns the decision that follows (`$connect`'s integration, or the refusal).
    async fn authorize(
        &self,
        decision: Decision,
        conn: &mut Connection,
        request: &Request,
    ) -> Decision {
        let Decision {
            pending: Some(pending),
            invocation: Some(invocation),
            ..
        } = decision
        else {
            return decision;
        };
        if !pending.is_authorizer() {
            return Decision {
                pending: Some(pending),
                invocation: Some(invocation),
                ..decision
            };
        }
        let outcome = self
            .invoker
            .authorize(self.engine.api(), invocation, conn, &request.request_id)
            .await;
        let next = self.engine.complete(pending, outcome);
        if let Some(step) = &next.authorizer {
            match &step.context {
                Some(context) => conn.authorizer = Some(context.clone()),
                None => {
                    tracing::info!(connection = %conn.connection_id, authorizer = %step.id, status = step.status.unwrap_or(0), reason = %step.reason, "refused")
                }
            }
        }
        next
    }

    /// Makes the integration call a decision asks for, and returns every action for the client.
    async fn run(&self, decision: Decision, conn: &Connection, request: &Request) -> Vec<Action> {
        let started = Instant::now();
        let Decision {
            route_key,
            invocation: Some(invocation),
            pending: Some(pending),
            integration_response,
            mut actions,
            ..
        } = decision
        else {
            return self.answer(decision, conn);
        };
        let route = route_key.as_deref().unwrap_or("-");
        let integration = invocation.id.clone();
        // The invocation moves into the call: a handler gets its event without a copy.
        let outcome = self
            .invoker
            .invoke(
                self.engine.api(),
                invocation,
                route,
                conn,
                &request.request_id,
            )
            .await;
        if let crate::engine::Outcome::Failed(reason) = &outcome {
            tracing::warn!(connection = %conn.connection_id, %integration, %reason, "integration failed");
        }
        let done = self.engine.complete(pending, outcome);
        let status = done
            .integration_response
            .or(integration_response)
            .map(|r| r.status);
        actions.extend(done.actions);
        log_route(conn, route, &integration, status, started);
        actions
    }

    /// The actions of a decision that needs no integration call (MOCK, a refusal, a bad request body): no await,
    /// so that a connection's task carries no call state for them.
    fn answer(&self, decision: Decision, conn: &Connection) -> Vec<Action> {
        let route = decision.route_key.as_deref().unwrap_or("-");
        let integration = decision.invocation.as_ref().map_or("-", |i| i.id.as_str());
        let status = decision.integration_response.map(|r| r.status);
        log_route(conn, route, integration, status, Instant::now());
        decision.actions
    }
}

fn log_route(
    conn: &Connection,
    route: &str,
    integration: &str,
    status: Option<u16>,
    started: Instant,
) {
    tracing::info!(
        connection = %conn.connection_id,
        route,
        integration,
        status = status.unwrap_or(0),
        latency_ms = started.elapsed().as_millis() as u64,
        "route"
    );
}

/// Builds a gateway: an API definition, in-process handlers, where Lambda functions are invoked.
pub struct GatewayBuilder {
    api: Api,
    handlers: HashMap<String, Handler>,
    authorizers: HashMap<String, Handler>,
    endpoints: Endpoints,
    tls: Option<Tls>,
    access_keys: Option<sigv4::AccessKeys>,
    /// Where the `@connections` API listens when not on the clients' port.
    management: Option<String>,
}

/// A WebSocket gateway for one API.
pub struct Gateway;

impl Gateway {
    pub fn builder(api: Api) -> GatewayBuilder {
        GatewayBuilder {
            api,
            handlers: HashMap::new(),
            authorizers: HashMap::new(),
            endpoints: Endpoints::default(),
            tls: None,
            access_keys: None,
            management: None,
        }
    }
}

impl GatewayBuilder {
    /// Serves an integration id, route key or handler name with an in-process function.
    pub fn handler<F, Fut>(self, name: impl Into<String>, f: F) -> Self
    where
        F: Fn(Value, InvokeContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        self.dyn_handler(
            name,
            Arc::new(move |event, context| Box::pin(f(event, context))),
        )
    }

    /// [`GatewayBuilder::handler`] for a handler already boxed (what the bindings make of a Python or JS function).
    pub fn dyn_handler(mut self, name: impl Into<String>, handler: Handler) -> Self {
        self.handlers.insert(name.into(), handler);
        self
    }

    /// Serves the authorizer `id` with an in-process function: it gets the authorizer event and returns the
    /// policy (or fails with `Unauthorized`), as a Lambda authorizer does.
    pub fn authorizer<F, Fut>(self, id: impl Into<String>, f: F) -> Self
    where
        F: Fn(Value, InvokeContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        self.dyn_authorizer(
            id,
            Arc::new(move |event, context| Box::pin(f(event, context))),
        )
    }

    /// [`GatewayBuilder::authorizer`] for a handler already boxed.
    pub fn dyn_authorizer(mut self, id: impl Into<String>, handler: Handler) -> Self {
        self.authorizers.insert(id.into(), handler);
        self
    }

    /// Where Lambda ARNs are invoked (`sam local start-lambda`, or any Lambda Invoke API server).
    pub fn lambda_endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoints.lambda = Some(url.into());
        self
    }

    /// Where integrations with `service` (`dynamodb`, `sqs`: the SERVICE of `arn:aws:apigateway:REGION:SERVICE:…`)
    /// are sent: DynamoDB Local, or any AWS-compatible endpoint.
    pub fn aws_endpoint(mut self, service: impl Into<String>, url: impl Into<String>) -> Self {
        self.endpoints.aws.insert(service.into(), url.into());
        self
    }

    /// Requires `@connections` requests to be SigV4-signed (service `execute-api`, the API's region) with one of
    /// these keys, answering others 403 as AWS does (docs/behaviour.md §7).
    pub fn access_keys(mut self, keys: sigv4::AccessKeys) -> Self {
        self.access_keys = Some(keys);
        self
    }

    /// Adds API keys to the definition's, for an `apiKeyRequired` `$connect` (docs/behaviour.md §8).
    pub fn api_keys(mut self, keys: Vec<crate::config::ApiKey>) -> Self {
        self.api.api_keys.extend(keys);
        self
    }

    /// Serves the `@connections` API on `address` (`HOST:PORT`) instead of the clients' port, which then answers
    /// it 403 (docs/behaviour.md §7).
    pub fn management(mut self, address: impl Into<String>) -> Self {
        self.management = Some(address.into());
        self
    }

    /// Also serves `wss://` and `https://` on the same port, with this certificate.
    pub fn tls(mut self, tls: Tls) -> Self {
        self.tls = Some(tls);
        self
    }

    /// Serves the API under another stage than the definition's.
    pub fn stage(mut self, stage: impl Into<String>) -> Self {
        self.api.stage = stage.into();
        self
    }

    /// Binds and starts accepting connections.
    pub async fn serve(self, addr: impl ToSocketAddrs) -> std::io::Result<Server> {
        if !crate::config::valid_stage_name(&self.api.stage) {
            let message = format!(
                "`{}` is not a stage name: use 1 to 128 letters, digits, `-` or `_`",
                self.api.stage
            );
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                message,
            ));
        }
        let listener = TcpListener::bind(addr).await?;
        let local = listener.local_addr()?;
        let management = match &self.management {
            Some(address) => {
                let context = |e: std::io::Error| {
                    std::io::Error::new(e.kind(), format!("the management API's {address}: {e}"))
                };
                let listener = TcpListener::bind(address).await.map_err(context)?;
                let local = listener.local_addr().map_err(context)?;
                Some((listener, local))
            }
            None => None,
        };
        let seed = now_ms() ^ (u64::from(std::process::id()) << 32) ^ u64::from(local.port());
        let invoker = Invoker::new(self.handlers, self.authorizers, self.endpoints);
        for id in invoker.unbound(&self.api) {
            tracing::warn!(integration = %id, "no handler is registered for this integration; its routes will answer Internal server error");
        }
        let shared = Arc::new(Shared {
            engine: Arc::new(Engine::new(self.api)),
            invoker,
            connections: Connections::default(),
            ids: Ids::seeded(seed),
            tls: self.tls,
            access_keys: self.access_keys,
        });
        let (shutdown, shutdown_rx) = watch::channel(false);
        let clients = Serves {
            clients: true,
            management: management.is_none(),
        };
        let mut tasks = vec![tokio::spawn(accept(
            shared.clone(),
            listener,
            clients,
            shutdown_rx.clone(),
        ))];
        let management_local = management.map(|(listener, local)| {
            let serves = Serves {
                clients: false,
                management: true,
            };
            tasks.push(tokio::spawn(accept(
                shared.clone(),
                listener,
                serves,
                shutdown_rx,
            )));
            local
        });
        Ok(Server {
            local,
            management_local,
            shared,
            shutdown,
            tasks,
        })
    }
}

/// A running gateway.
pub struct Server {
    local: SocketAddr,
    /// The `@connections` API's own address, when it is not on the clients' port.
    management_local: Option<SocketAddr>,
    shared: Arc<Shared>,
    shutdown: watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

/// What one listener serves: WebSocket clients, the `@connections` API, or both.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Serves {
    pub clients: bool,
    pub management: bool,
}

impl Server {
    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    pub fn stage(&self) -> &str {
        &self.shared.engine.api().stage
    }

    /// The API's id, as `{apiId}.execute-api.{region}.amazonaws.com` names it.
    pub fn api_id(&self) -> &str {
        &self.shared.engine.api().api_id
    }

    /// `ws://HOST:PORT/STAGE`, where clients connect.
    pub fn url(&self) -> String {
        format!("ws://{}/{}", self.local, self.stage())
    }

    /// `http://HOST:PORT/STAGE`, the `endpoint_url` of a management API client: the clients' port, or the
    /// `--management` address.
    pub fn management_url(&self) -> String {
        let address = self.management_local.unwrap_or(self.local);
        format!("http://{address}/{}", self.stage())
    }

    /// The certificate `wss://` and `https://` are served with, PEM, if TLS is on.
    pub fn certificate_pem(&self) -> Option<&str> {
        self.shared.tls.as_ref().map(Tls::certificate_pem)
    }

    /// The `@connections` operations, in-process.
    pub fn connections(&self) -> &Connections {
        &self.shared.connections
    }

    /// Closes every client with 1001, runs their `$disconnect`, and stops.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

async fn accept(
    shared: Arc<Shared>,
    listener: TcpListener,
    serves: Serves,
    mut shutdown: watch::Receiver<bool>,
) {
    let local = listener.local_addr().ok();
    let mut tasks = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let _ = stream.set_nodelay(true);
                    let local = local.unwrap_or(peer);
                    tasks.spawn(sniff(shared.clone(), stream, peer, local, serves, shutdown.clone()));
                }
                Err(e) => tracing::warn!(error = %e, "accept failed"),
            },
            // Finished connections are reaped as they end, so the set does not grow.
            Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
            _ = shutdown.changed() => break,
        }
    }
    drop(listener);
    for live in shared.connections.0.all() {
        live.close(crate::frame::CloseCause::ServerShutdown);
    }
    let drained = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while tasks.join_next().await.is_some() {}
    });
    if drained.await.is_err() {
        tasks.abort_all();
    }
}

/// One TCP connection, TLS when its first byte opens a TLS handshake and TLS is on, plain otherwise.
async fn sniff(
    shared: Arc<Shared>,
    stream: TcpStream,
    peer: SocketAddr,
    local: SocketAddr,
    serves: Serves,
    shutdown: watch::Receiver<bool>,
) {
    if let Some(tls) = shared.tls.clone() {
        let mut first = [0u8; 1];
        match tokio::time::timeout(HEAD_TIMEOUT, stream.peek(&mut first)).await {
            Ok(Ok(1)) if first[0] == tls::HANDSHAKE_RECORD => {
                // Boxed, so that the task of every plain connection does not carry TLS state; a failed TLS
                // handshake has no HTTP status to answer with: the connection just ends.
                let secure = async move {
                    let accepted = tokio::time::timeout(HEAD_TIMEOUT, tls.acceptor.accept(stream));
                    if let Ok(Ok(stream)) = accepted.await {
                        connection(shared, stream, peer, local, "https", serves, shutdown).await;
                    }
                };
                return boxed(secure).await;
            }
            Ok(Ok(1)) => {}
            _ => return,
        }
    }
    connection(shared, stream, peer, local, "http", serves, shutdown).await;
}

/// One client connection: a WebSocket upgrade, or HTTP (the management API, or 426). `scheme` is what the client
/// spoke, `http` or `https`, as a load balancer reports it in `X-Forwarded-Proto`.
async fn connection<S>(
    shared: Arc<Shared>,
    mut stream: S,
    peer: SocketAddr,
    local: SocketAddr,
    scheme: &'static str,
    serves: Serves,
    shutdown: watch::Receiver<bool>,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    // Each phase runs boxed for its moment (reading the head, the WebSocket connection, HTTP): the task of an open
    // connection then carries none of the others' state (docs/architecture.md, "Memory per connection").
    let read = boxed(tokio::time::timeout(HEAD_TIMEOUT, read_head(&mut stream))).await;
    let (head, bytes) = match read {
        Ok(Ok(read)) => read,
        Ok(Err(HeadError::Malformed)) => return socket::refuse(&mut stream, 400).await,
        Ok(Err(HeadError::TooLarge)) => return socket::refuse(&mut stream, 431).await,
        Ok(Err(HeadError::Closed)) | Err(_) => return,
    };
    let stage = &shared.engine.api().stage;
    if serves.clients
        && head.is_upgrade()
        && management::target(head.path(), stage) == management::Target::Other
    {
        let rest = bytes[head.len..].to_vec();
        drop(bytes);
        return boxed(socket::handshake(
            shared, stream, head, rest, peer, local, scheme,
        ))
        .await;
    }
    boxed(http(shared, stream, bytes, serves, shutdown)).await
}

/// An HTTP connection: the management API, or 426 for a plain request to the clients' port.
async fn http<S>(
    shared: Arc<Shared>,
    stream: S,
    bytes: Vec<u8>,
    serves: Serves,
    mut shutdown: watch::Receiver<bool>,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let io = hyper_util::rt::TokioIo::new(Rewind::new(stream, bytes));
    let service = hyper::service::service_fn(move |request| {
        management::handle(shared.clone(), request, serves)
    });
    let served = hyper::server::conn::http1::Builder::new().serve_connection(io, service);
    tokio::pin!(served);
    tokio::select! {
        _ = served.as_mut() => {}
        _ = shutdown.changed() => {
            served.as_mut().graceful_shutdown();
            let _ = served.await;
        }
    }
}

/// A future on the heap, where it lives only while it runs. An `async fn` keeps, for as long as it lives, room
/// for every future it awaits inline, so a connection's task would carry the handshake's, `$disconnect`'s and
/// HTTP's state all through its open life (docs/architecture.md, "Memory per connection").
pub(crate) fn boxed<'a, F>(future: F) -> Pin<Box<dyn Future<Output = F::Output> + Send + 'a>>
where
    F: Future + Send + 'a,
{
    Box::pin(future)
}
