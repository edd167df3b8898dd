//! `Connections`: the `@connections` API in-process (post, get, delete), answering with Promises shaped as the
//! aws-sdk's management client answers, over the live connections a gateway shares with its server.

use std::sync::{Arc, Mutex};

use napi::bindgen_prelude::*;
use wsgate_core::server::{ConnectionError, Connections as CoreConnections, Outbound};

use crate::errors::{connection_error, gateway_error};

/// The live connections of a gateway, once it listens; shared by the gateway, its server and their `connections`.
pub type Live = Arc<Mutex<Option<CoreConnections>>>;

fn live(connections: &Live) -> Option<CoreConnections> {
    connections
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
}

/// The `@connections` API in-process: `post`, `get` and `delete`, as the aws-sdk's management client answers.
#[napi]
pub struct Connections {
    pub(crate) live: Live,
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
