//! `Gateway`, `Server` and `Connections`: the core's gateway on napi's tokio runtime, with JavaScript handlers, and
//! its `@connections` operations. Nothing here blocks the event loop: starting and stopping run on the runtime.

use std::sync::{Arc, Mutex};

use napi::bindgen_prelude::*;
use serde_json::Value;
use wsgate_core::server::{
    ConnectionError, Connections as CoreConnections, Gateway as CoreGateway, Outbound,
    ServeOptions, Server as CoreServer,
};
use wsgate_core::Api;

use crate::api::load;
use crate::dispatch::Dispatch;
use crate::errors::{argument, connection_error, gateway_error, glue};

/// The live connections of a gateway, once it listens; shared by the gateway, its server and their `connections`.
type Live = Arc<Mutex<Option<CoreConnections>>>;

fn live(connections: &Live) -> Option<CoreConnections> {
    connections
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
}

/// An API Gateway WebSocket API, from a definition, with JavaScript functions as its Lambda integrations.
#[napi]
pub struct Gateway {
    /// Taken by `listen`.
    api: Option<Api>,
    /// Handler names (integration ids or route keys) and their functions, in registration order.
    handlers: Vec<(String, FunctionRef<Unknown<'static>, Unknown<'static>>)>,
    connections: Live,
}

#[napi]
impl Gateway {
    #[napi(constructor, ts_args_type = "definition: Definition")]
    pub fn new(env: Env, definition: Unknown) -> Result<Self> {
        Ok(Self {
            api: Some(load(&env, definition)?),
            handlers: Vec::new(),
            connections: Live::default(),
        })
    }

    fn api(&mut self, env: &Env) -> Result<&mut Api> {
        self.api
            .as_mut()
            .ok_or_else(|| gateway_error(env, "handlers are registered before the gateway listens"))
    }

    fn register(&mut self, env: &Env, name: String, handler: Unknown) -> Result<()> {
        if handler.get_type()? != ValueType::Function {
            return Err(gateway_error(
                env,
                format!(
                    "the handler of {name} is a function (event, context), not a {:?}",
                    handler.get_type()?
                ),
            ));
        }
        let function: Function<Unknown<'static>, Unknown<'static>> =
            Function::from_unknown(handler)?;
        let function = function.create_ref()?;
        self.handlers.retain(|(existing, _)| *existing != name);
        self.handlers.push((name, function));
        Ok(())
    }

    /// Serves an AWS_PROXY or AWS integration of the definition with `handler`.
    #[napi(
        ts_args_type = "integrationId: string, handler: Handler",
        ts_return_type = "this"
    )]
    pub fn integration<'s>(
        &mut self,
        env: Env,
        this: This<'s>,
        integration_id: String,
        handler: Unknown,
    ) -> Result<This<'s>> {
        let api = self.api(&env)?;
        api.check_handler_integration(&integration_id)
            .map_err(|e| gateway_error(&env, e))?;
        self.register(&env, integration_id, handler)?;
        Ok(this)
    }

    /// Serves a route with `handler`; a route the definition lacks is added (one-way, with an AWS_PROXY
    /// integration of its own).
    #[napi(
        ts_args_type = "routeKey: string, handler: Handler",
        ts_return_type = "this"
    )]
    pub fn route<'s>(
        &mut self,
        env: Env,
        this: This<'s>,
        route_key: String,
        handler: Unknown,
    ) -> Result<This<'s>> {
        let api = self.api(&env)?;
        api.route_to_handler(&route_key)
            .map_err(|e| gateway_error(&env, e))?;
        self.register(&env, route_key, handler)?;
        Ok(this)
    }

    /// Serves `$connect`: return `{ statusCode: 200 }` (or nothing) to accept, another status to refuse.
    #[napi(ts_args_type = "handler: Handler", ts_return_type = "this")]
    pub fn on_connect<'s>(
        &mut self,
        env: Env,
        this: This<'s>,
        handler: Unknown,
    ) -> Result<This<'s>> {
        self.route(env, this, "$connect".into(), handler)
    }

    /// Serves `$disconnect`; what it returns is ignored, as on AWS.
    #[napi(ts_args_type = "handler: Handler", ts_return_type = "this")]
    pub fn on_disconnect<'s>(
        &mut self,
        env: Env,
        this: This<'s>,
        handler: Unknown,
    ) -> Result<This<'s>> {
        self.route(env, this, "$disconnect".into(), handler)
    }

    /// Serves `$default`, the route of messages no other route matches.
    #[napi(ts_args_type = "handler: Handler", ts_return_type = "this")]
    pub fn default<'s>(&mut self, env: Env, this: This<'s>, handler: Unknown) -> Result<This<'s>> {
        self.route(env, this, "$default".into(), handler)
    }

    /// The `@connections` API in-process, answering as the aws-sdk's management client does.
    #[napi(getter)]
    pub fn connections(&self) -> Connections {
        Connections {
            live: self.connections.clone(),
        }
    }

    /// Starts serving; resolves once the gateway accepts connections (`port: 0` picks a free port). `options` are
    /// the core's `ServeOptions`: unknown keys are an error.
    #[napi(
        ts_args_type = "options?: ServeOptions",
        ts_return_type = "Promise<Server>"
    )]
    pub fn listen<'env>(
        &mut self,
        env: &'env Env,
        options: Option<Value>,
    ) -> Result<PromiseRaw<'env, Server>> {
        let options: ServeOptions = match options {
            Some(options) => serde_json::from_value(options)
                .map_err(|e| gateway_error(env, format!("listen options: {e}")))?,
            None => ServeOptions::default(),
        };
        let Some(api) = self.api.take() else {
            return Err(gateway_error(
                env,
                "this gateway has listened already; make a new Gateway to listen again",
            ));
        };
        let dispatch = Arc::new(Dispatch::default());
        let functions = self
            .handlers
            .iter()
            .map(|(_, f)| f.borrow_back(env))
            .collect::<Result<Vec<_>>>()?;
        let complete = {
            let dispatch = dispatch.clone();
            env.create_function_from_closure::<String, (), _>("complete", move |ctx| {
                dispatch.complete(&ctx.get::<String>(0)?)
            })?
        };
        let dispatcher = glue(env)?.dispatcher.borrow_back(env)?;
        let region = api.region.clone();
        let deliver = dispatcher
            .call((argument(env, functions)?, argument(env, complete)?, region).into())?;
        // SAFETY: a value `dispatcher` has just returned, in this scope.
        let deliver: Function<String, Unknown<'static>> =
            unsafe { Function::from_napi_value(env.raw(), deliver.raw())? };
        dispatch.start(&deliver)?;

        let mut builder = CoreGateway::builder(api);
        for (index, (name, _)) in self.handlers.iter().enumerate() {
            builder = builder.dyn_handler(name.clone(), dispatch.handler(index));
        }
        let connections = self.connections.clone();
        let serve = async move { Ok(options.serve(builder).await.map_err(|e| e.to_string())) };
        env.spawn_future_with_callback(serve, move |env, served| match served {
            Ok(server) => {
                *connections.lock().unwrap_or_else(|e| e.into_inner()) =
                    Some(server.connections().clone());
                Ok(Server::new(server, dispatch, connections))
            }
            Err(message) => {
                dispatch.close();
                Err(gateway_error(env, message))
            }
        })
    }
}

/// A listening gateway: where clients connect, and how to stop it.
#[napi]
pub struct Server {
    server: Arc<Mutex<Option<CoreServer>>>,
    dispatch: Arc<Dispatch>,
    connections: Live,
    url: String,
    management_url: String,
    certificate_pem: Option<String>,
}

impl Server {
    fn new(server: CoreServer, dispatch: Arc<Dispatch>, connections: Live) -> Self {
        Self {
            url: server.url(),
            management_url: server.management_url(),
            certificate_pem: server.certificate_pem().map(str::to_string),
            server: Arc::new(Mutex::new(Some(server))),
            dispatch,
            connections,
        }
    }
}

#[napi]
impl Server {
    /// `ws://HOST:PORT/STAGE`, where clients connect (`wss://` works on the same port).
    #[napi(getter)]
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// `http://HOST:PORT/STAGE`: the `endpoint` of an aws-sdk `ApiGatewayManagementApiClient`.
    #[napi(getter)]
    pub fn management_url(&self) -> String {
        self.management_url.clone()
    }

    /// The certificate `wss://` and `https://` are served with, PEM.
    #[napi(getter)]
    pub fn certificate_pem(&self) -> Option<String> {
        self.certificate_pem.clone()
    }

    #[napi(getter)]
    pub fn connections(&self) -> Connections {
        Connections {
            live: self.connections.clone(),
        }
    }

    /// Closes every client with 1001, runs their `$disconnect` handlers, and stops; later calls do nothing.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn close<'env>(&self, env: &'env Env) -> Result<PromiseRaw<'env, ()>> {
        let server = self.server.lock().unwrap_or_else(|e| e.into_inner()).take();
        let dispatch = self.dispatch.clone();
        let connections = self.connections.clone();
        let stop = async move {
            if let Some(server) = server {
                server.shutdown().await;
            }
            Ok(())
        };
        env.spawn_future_with_callback(stop, move |_, ()| {
            connections.lock().unwrap_or_else(|e| e.into_inner()).take();
            dispatch.close();
            Ok(())
        })
    }
}

/// The `@connections` API in-process: `post`, `get` and `delete`, as the aws-sdk's management client answers.
#[napi]
pub struct Connections {
    live: Live,
}

/// What `connections.get` resolves to, as the aws-sdk's `GetConnectionCommand`.
#[napi(object)]
pub struct ConnectionInfo<'env> {
    #[napi(js_name = "ConnectedAt")]
    pub connected_at: Date<'env>,
    #[napi(js_name = "Identity")]
    pub identity: Identity,
    #[napi(js_name = "LastActiveAt")]
    pub last_active_at: Date<'env>,
}

#[napi(object)]
pub struct Identity {
    #[napi(js_name = "SourceIp")]
    pub source_ip: String,
    #[napi(js_name = "UserAgent")]
    pub user_agent: Option<String>,
}

impl Connections {
    /// Settles a Promise with the outcome of an operation on the live connections.
    fn settle<'env, T: 'static + Send, V: ToNapiValue>(
        &self,
        env: &'env Env,
        connection_id: String,
        operation: impl FnOnce(&CoreConnections) -> std::result::Result<T, ConnectionError>,
        convert: impl 'static + FnOnce(&'env Env, T) -> Result<V>,
    ) -> Result<PromiseRaw<'env, V>> {
        // Even a gateway that is not listening answers with a rejected Promise, never a throw.
        let outcome = live(&self.live).map(|connections| operation(&connections));
        env.spawn_future_with_callback(
            async move { Ok(outcome) },
            move |env, outcome| match outcome {
                Some(Ok(value)) => convert(env, value),
                Some(Err(e)) => Err(connection_error(env, &connection_id, e)),
                None => Err(gateway_error(
                    env,
                    "the gateway is not listening: await gateway.listen() first",
                )),
            },
        )
    }
}

#[napi]
impl Connections {
    /// PostToConnection: sends `data` to the client (a string, or UTF-8 bytes, as a text frame; other bytes as a
    /// binary frame).
    #[napi(
        ts_args_type = "connectionId: string, data: string | Uint8Array",
        ts_return_type = "Promise<void>"
    )]
    pub fn post<'env>(
        &self,
        env: &'env Env,
        connection_id: String,
        data: Either<String, Uint8Array>,
    ) -> Result<PromiseRaw<'env, ()>> {
        let message = match data {
            Either::A(text) => Outbound::Text(text),
            Either::B(bytes) => match String::from_utf8(bytes.to_vec()) {
                Ok(text) => Outbound::Text(text),
                Err(e) => Outbound::Binary(e.into_bytes()),
            },
        };
        let id = connection_id.clone();
        self.settle(
            env,
            connection_id,
            move |c| c.post(&id, message),
            |_, ()| Ok(()),
        )
    }

    /// GetConnection: `{ ConnectedAt, Identity: { SourceIp, UserAgent }, LastActiveAt }`.
    #[napi(
        ts_args_type = "connectionId: string",
        ts_return_type = "Promise<ConnectionInfo>"
    )]
    pub fn get<'env>(
        &self,
        env: &'env Env,
        connection_id: String,
    ) -> Result<PromiseRaw<'env, ConnectionInfo<'env>>> {
        let id = connection_id.clone();
        self.settle(
            env,
            connection_id,
            move |c| c.info(&id),
            |env, info| {
                Ok(ConnectionInfo {
                    connected_at: env.create_date(info.connected_at_ms as f64)?,
                    identity: Identity {
                        source_ip: info.source_ip,
                        user_agent: info.user_agent,
                    },
                    last_active_at: env.create_date(info.last_active_ms as f64)?,
                })
            },
        )
    }

    /// DeleteConnection: closes the client with 1000; its `$disconnect` follows.
    #[napi(
        ts_args_type = "connectionId: string",
        ts_return_type = "Promise<void>"
    )]
    pub fn delete<'env>(
        &self,
        env: &'env Env,
        connection_id: String,
    ) -> Result<PromiseRaw<'env, ()>> {
        let id = connection_id.clone();
        self.settle(env, connection_id, move |c| c.delete(&id), |_, ()| Ok(()))
    }
}
