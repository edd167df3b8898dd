//! The live connections: what `@connections` and in-process senders reach, and how they reach them.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::{json, Value};
use tokio::sync::Notify;

use crate::engine::{iso_time, Connection};
use crate::frame::CloseCause;

/// Messages waiting for one client; bounded so a client that does not read cannot grow memory.
pub const OUTBOUND_QUEUE: usize = 256;

/// A message for the client: text, or (data posted to `@connections` that is not UTF-8) binary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outbound {
    Text(String),
    Binary(Vec<u8>),
}

/// One connection as the rest of the server sees it.
pub struct Live {
    pub connection: Connection,
    /// False while `$connect` runs and once it is closing: posting to it then gets 410, as on AWS.
    pub established: AtomicBool,
    pub last_active_ms: AtomicU64,
    /// What others ask of the connection's task. A mutex and a notification rather than channels: an idle
    /// connection then holds no queue blocks (docs/architecture.md, "Memory per connection").
    mailbox: Mutex<Mailbox>,
    /// Wakes the connection's task when its mailbox changes; a wake-up sent while it is busy waits for it.
    changed: Notify,
}

#[derive(Default)]
struct Mailbox {
    outbound: VecDeque<Outbound>,
    close: Option<CloseCause>,
}

/// Why a `@connections` call failed. [`code`](Self::code) is the error type the service answers with, and the name
/// of the exception boto3 and the aws-sdk raise for it; every binding raises its exception by that name.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConnectionError {
    /// Not connected (any more), or not yet established.
    #[error("is gone: closed, never connected, or its $connect has not finished")]
    Gone,
    /// The client is not reading; it is being closed.
    #[error("is not reading its messages")]
    Full,
    /// Over the 131072 bytes PostToConnection takes.
    #[error("cannot take data over {MAX_POST_BYTES} bytes")]
    PayloadTooLarge,
}

impl ConnectionError {
    /// `GoneException`, `LimitExceededException` or `PayloadTooLargeException`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Gone => "GoneException",
            Self::Full => "LimitExceededException",
            Self::PayloadTooLarge => "PayloadTooLargeException",
        }
    }

    /// The HTTP status of the `@connections` answer (docs/behaviour.md §7).
    pub fn status(&self) -> u16 {
        match self {
            Self::Gone => 410,
            Self::Full => 429,
            Self::PayloadTooLarge => 413,
        }
    }

    /// What a binding says when a call about connection `id` fails: `connection ID is gone: ...`.
    pub fn describe(&self, id: &str) -> String {
        format!("connection {id} {self}")
    }
}

/// What GetConnection tells about a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionInfo {
    /// Milliseconds since the Unix epoch.
    pub connected_at_ms: u64,
    pub last_active_ms: u64,
    pub source_ip: String,
    pub user_agent: Option<String>,
}

/// PostToConnection's `Data` limit.
pub const MAX_POST_BYTES: usize = 131_072;

impl Live {
    pub fn new(connection: Connection) -> Arc<Self> {
        Arc::new(Self {
            last_active_ms: AtomicU64::new(connection.connected_at),
            connection,
            established: AtomicBool::new(false),
            mailbox: Mutex::default(),
            changed: Notify::new(),
        })
    }

    fn mailbox(&self) -> MutexGuard<'_, Mailbox> {
        // Every critical section is one push, pop or assignment: a panic cannot leave it half-updated.
        self.mailbox.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn id(&self) -> &str {
        &self.connection.connection_id
    }

    pub fn touch(&self, now_ms: u64) {
        self.last_active_ms.store(now_ms, Ordering::Relaxed);
    }

    /// Queues a message for the client.
    pub fn send(&self, message: Outbound) -> Result<(), ConnectionError> {
        if !self.established.load(Ordering::Acquire) {
            return Err(ConnectionError::Gone);
        }
        let mut mailbox = self.mailbox();
        if mailbox.outbound.len() >= OUTBOUND_QUEUE {
            drop(mailbox);
            self.close(CloseCause::ClientNotReading);
            return Err(ConnectionError::Full);
        }
        mailbox.outbound.push_back(message);
        drop(mailbox);
        self.changed.notify_one();
        Ok(())
    }

    /// Asks the connection to close; the first cause wins. From then on `@connections` calls get 410, as they do
    /// on AWS as soon as DeleteConnection has answered, not only once the client has gone.
    pub fn close(&self, cause: CloseCause) {
        self.mailbox().close.get_or_insert(cause);
        self.established.store(false, Ordering::Release);
        self.changed.notify_one();
    }

    /// Marks the handshake done, unless a close was asked for meanwhile (a shutdown during `$connect`).
    pub fn establish(&self) {
        self.established.store(true, Ordering::Release);
        if self.close_requested().is_some() {
            self.established.store(false, Ordering::Release);
        }
    }

    /// The close asked for, if any.
    pub fn close_requested(&self) -> Option<CloseCause> {
        self.mailbox().close
    }

    /// The next message queued for the client.
    pub fn next_outbound(&self) -> Option<Outbound> {
        self.mailbox().outbound.pop_front()
    }

    /// Resolves when the mailbox may have changed since the last call: a message was queued or a close asked for.
    pub async fn changed(&self) {
        self.changed.notified().await
    }
}

/// Connections by id.
#[derive(Default)]
pub struct Registry {
    connections: Mutex<HashMap<String, Arc<Live>>>,
}

impl Registry {
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Live>>> {
        // A panic while holding the lock cannot leave the map half-updated: every use is one insert/remove/get.
        self.connections.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn insert(&self, live: Arc<Live>) {
        self.map().insert(live.id().to_string(), live);
    }

    pub fn remove(&self, id: &str) {
        self.map().remove(id);
    }

    pub fn get(&self, id: &str) -> Option<Arc<Live>> {
        self.map().get(id).cloned()
    }

    pub fn all(&self) -> Vec<Arc<Live>> {
        self.map().values().cloned().collect()
    }

    pub fn len(&self) -> usize {
        self.map().len()
    }
}

/// The `@connections` operations on one gateway's live connections, for in-process code (bindings, Rust handlers)
/// and the HTTP management API alike. Cheap to clone; it keeps working for as long as the gateway runs.
#[derive(Clone, Default)]
pub struct Connections(pub(crate) Arc<Registry>);

impl Connections {
    /// An established connection: one whose `$connect` has finished.
    fn established(&self, id: &str) -> Result<Arc<Live>, ConnectionError> {
        self.0
            .get(id)
            .filter(|live| live.established.load(Ordering::Acquire))
            .ok_or(ConnectionError::Gone)
    }

    /// PostToConnection: queues a message for the client.
    pub fn post(&self, id: &str, message: Outbound) -> Result<(), ConnectionError> {
        let len = match &message {
            Outbound::Text(text) => text.len(),
            Outbound::Binary(bytes) => bytes.len(),
        };
        if len > MAX_POST_BYTES {
            return Err(ConnectionError::PayloadTooLarge);
        }
        self.established(id)?.send(message)
    }

    /// GetConnection: when the client connected and was last active, and who it is.
    pub fn info(&self, id: &str) -> Result<ConnectionInfo, ConnectionError> {
        let live = self.established(id)?;
        let c = &live.connection;
        Ok(ConnectionInfo {
            connected_at_ms: c.connected_at,
            last_active_ms: live.last_active_ms.load(Ordering::Relaxed),
            source_ip: c.source_ip.clone(),
            user_agent: c.user_agent.clone(),
        })
    }

    /// GetConnection as the AWS service answers it: `{"connectedAt", "identity": {"sourceIp", "userAgent"},
    /// "lastActiveAt"}`.
    pub fn get(&self, id: &str) -> Result<Value, ConnectionError> {
        let info = self.info(id)?;
        Ok(json!({
            "connectedAt": iso_time(info.connected_at_ms),
            "identity": {"sourceIp": info.source_ip, "userAgent": info.user_agent},
            "lastActiveAt": iso_time(info.last_active_ms),
        }))
    }

    /// DeleteConnection: closes the client with 1000; its `$disconnect` follows.
    pub fn delete(&self, id: &str) -> Result<(), ConnectionError> {
        self.established(id)?.close(CloseCause::DeletedByBackend);
        Ok(())
    }

    /// How many clients are connected (including those whose `$connect` still runs).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
