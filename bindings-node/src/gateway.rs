//! `Gateway`: an API definition with JavaScript functions as its Lambda integrations, served by the core on napi's
//! tokio runtime. Nothing here blocks the event loop: starting runs on the runtime.

use std::sync::Arc;

use napi::bindgen_prelude::*;
use serde_json::Value;
use wsgate_core::server::{Gateway as CoreGateway, ServeOptions};
use wsgate_core::Api;

use crate::api::load;
use crate::connections::{Connections, Live};
use crate::dispatch::Dispatch;
use crate::errors::{argument, gateway_error, glue, registration_error};
use crate::server::Server;

/// What a registered function serves: an integration id or route key, or an authorizer id.
#[derive(Clone, PartialEq)]
enum Serves {
    Handler(String),
    Authorizer(String),
}

/// An API Gateway WebSocket API, from a definition, with JavaScript functions as its Lambda integrations.
#[napi]
pub struct Gateway {
    /// Taken by `listen`.
    api: Option<Api>,
    /// What each function serves and the function, in registration order.
    handlers: Vec<(Serves, FunctionRef<Unknown<'static>, Unknown<'static>>)>,
    connections: Live,
}

#[napi]
impl Gateway {
    /// A wsgate definition or a CloudFormation/SAM template, deployed with `template` (its API, parameter
    /// overrides, stack name and region, as `wsgate serve`'s flags give them).
    #[napi(
        constructor,
        ts_args_type = "definition: Definition, template?: TemplateOptions"
    )]
    pub fn new(env: Env, definition: Unknown, template: Option<Value>) -> Result<Self> {
        Ok(Self {
            api: Some(load(&env, definition, template)?),
            handlers: Vec::new(),
            connections: Live::default(),
        })
    }

    fn api(&mut self, env: &Env) -> Result<&mut Api> {
        self.api
            .as_mut()
            .ok_or_else(|| gateway_error(env, "handlers are registered before the gateway listens"))
    }

    fn register(&mut self, env: &Env, serves: Serves, handler: Unknown) -> Result<()> {
        if handler.get_type()? != ValueType::Function {
            let (Serves::Handler(name) | Serves::Authorizer(name)) = &serves;
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
        self.handlers.retain(|(existing, _)| *existing != serves);
        self.handlers.push((serves, function));
        Ok(())
    }

    /// Serves an authorizer of the definition with `handler`: it gets the authorizer event and returns the
    /// policy (or throws `Unauthorized`), as a Lambda authorizer does.
    #[napi(
        ts_args_type = "authorizerId: string, handler: Handler",
        ts_return_type = "this"
    )]
    pub fn authorizer<'s>(
        &mut self,
        env: Env,
        this: This<'s>,
        authorizer_id: String,
        handler: Unknown,
    ) -> Result<This<'s>> {
        let api = self.api(&env)?;
        api.check_authorizer(&authorizer_id)
            .map_err(|e| registration_error(&env, &e))?;
        self.register(&env, Serves::Authorizer(authorizer_id), handler)?;
        Ok(this)
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
            .map_err(|e| registration_error(&env, &e))?;
        self.register(&env, Serves::Handler(integration_id), handler)?;
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
            .map_err(|e| registration_error(&env, &e))?;
        self.register(&env, Serves::Handler(route_key), handler)?;
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
                let bodies = ctx.get::<Option<Vec<Option<String>>>>(1)?;
                dispatch.complete(&ctx.get::<String>(0)?, bodies.unwrap_or_default())
            })?
        };
        let dispatcher = glue(env)?.dispatcher.borrow_back(env)?;
        let region = api.region.clone();
        let deliver = dispatcher
            .call((argument(env, functions)?, argument(env, complete)?, region).into())?;
        // SAFETY: a value `dispatcher` has just returned, in this scope.
        let deliver: Function<crate::dispatch::Batch, Unknown<'static>> =
            unsafe { Function::from_napi_value(env.raw(), deliver.raw())? };
        dispatch.start(&deliver)?;

        let mut builder = CoreGateway::builder(api);
        for (index, (serves, _)) in self.handlers.iter().enumerate() {
            builder = match serves {
                Serves::Handler(name) => builder.dyn_handler(name.clone(), dispatch.handler(index)),
                Serves::Authorizer(id) => {
                    builder.dyn_authorizer(id.clone(), dispatch.handler(index))
                }
            };
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
