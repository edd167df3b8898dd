//! The live connections: what `@connections` and in-process senders reach, and how they reach them.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::{mpsc, watch};

use crate::engine::Connection;
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
    /// False while `$connect` runs: posting to it then gets 410, as on AWS.
    pub established: AtomicBool,
    pub last_active_ms: AtomicU64,
    outbound: mpsc::Sender<Outbound>,
    close: watch::Sender<Option<CloseCause>>,
}

/// Why a message could not be queued.
#[derive(Debug, PartialEq, Eq)]
pub enum SendError {
    /// Not connected (any more), or not yet established.
    Gone,
    /// The client is not reading; it is being closed.
    Full,
}

impl Live {
    pub fn new(
        connection: Connection,
    ) -> (
        Arc<Self>,
        mpsc::Receiver<Outbound>,
        watch::Receiver<Option<CloseCause>>,
    ) {
        let (outbound, outbound_rx) = mpsc::channel(OUTBOUND_QUEUE);
        let (close, close_rx) = watch::channel(None);
        let live = Arc::new(Self {
            last_active_ms: AtomicU64::new(connection.connected_at),
            connection,
            established: AtomicBool::new(false),
            outbound,
            close,
        });
        (live, outbound_rx, close_rx)
    }

    pub fn id(&self) -> &str {
        &self.connection.connection_id
    }

    pub fn touch(&self, now_ms: u64) {
        self.last_active_ms.store(now_ms, Ordering::Relaxed);
    }

    /// Queues a message for the client.
    pub fn send(&self, message: Outbound) -> Result<(), SendError> {
        if !self.established.load(Ordering::Acquire) {
            return Err(SendError::Gone);
        }
        match self.outbound.try_send(message) {
            Ok(()) => Ok(()),
            Err(mpsc::error::TrySendError::Closed(_)) => Err(SendError::Gone),
            Err(mpsc::error::TrySendError::Full(_)) => {
                self.close(CloseCause::ClientNotReading);
                Err(SendError::Full)
            }
        }
    }

    /// Asks the connection to close; the first cause wins.
    pub fn close(&self, cause: CloseCause) {
        self.close.send_if_modified(|current| {
            if current.is_none() {
                *current = Some(cause);
                true
            } else {
                false
            }
        });
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
