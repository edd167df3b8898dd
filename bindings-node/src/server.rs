//! `Server`: a listening gateway, where its clients connect, and how to stop it without blocking the event loop.

use std::sync::{Arc, Mutex};

use napi::bindgen_prelude::*;
use wsgate_core::server::Server as CoreServer;

use crate::connections::{Connections, Live};
use crate::dispatch::Dispatch;

/// A listening gateway: where clients connect, and how to stop it.
#[napi]
pub struct Server {
    server: Arc<Mutex<Option<CoreServer>>>,
    dispatch: Arc<Dispatch>,
    connections: Live,
    url: String,
    management_url: String,
    api_id: String,
    certificate_pem: Option<String>,
}

impl Server {
    pub(crate) fn new(server: CoreServer, dispatch: Arc<Dispatch>, connections: Live) -> Self {
        Self {
            url: server.url(),
            management_url: server.management_url(),
            api_id: server.api_id().to_string(),
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

    /// The API's id: handlers reach this gateway at `https://{apiId}.execute-api.{region}.amazonaws.com/{stage}`.
    #[napi(getter)]
    pub fn api_id(&self) -> String {
        self.api_id.clone()
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
