//! Calling JavaScript handlers from the gateway's threads. A call is queued with its event already encoded as JSON,
//! and the first call queued into an empty queue wakes the JavaScript thread (a thread-safe function). There every
//! call queued by then is handed, as one JSON batch, to `index.js`'s dispatcher, which runs the handlers and hands
//! back, again in batches, each result through `complete`.
//!
//! A string `body`, in an event or in a result, crosses on its own beside the batch (`null` in the JSON, the string
//! in a list of bodies, one entry per call): a 16 KiB body would otherwise be escaped and unescaped by both JSON
//! encoders on the way in and on the way out, on JavaScript's thread for three of the four (BENCHMARKS.md).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use napi::bindgen_prelude::*;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use serde_json::Value;
use tokio::sync::oneshot;
use wsgate_core::server::{Handler, HandlerResult};

/// Calls, or results, as they cross: the JSON batch, and each entry's string `body` taken out of it.
pub type Batch = FnArgs<(String, Vec<Option<String>>)>;

/// Wakes the JavaScript thread; its callback takes the queued batch.
type Wake = ThreadsafeFunction<(), Unknown<'static>, Batch, Status, false>;

/// Takes a string `body` out of an event or a result, leaving `null` in its place (so that it keeps its position).
fn take_body(value: &mut Value) -> Option<String> {
    let body = value.get_mut("body")?;
    let Value::String(text) = body else {
        return None;
    };
    let text = std::mem::take(text);
    *body = Value::Null;
    Some(text)
}

/// The calls of one listening gateway.
#[derive(Default)]
pub struct Dispatch {
    /// Calls not yet handed to JavaScript, each a JSON array `[id, handler, timeoutMs, memoryMb, functionName,
    /// event]`, separated by commas, and their bodies.
    queue: Mutex<(String, Vec<Option<String>>)>,
    /// A wake-up is on its way to the JavaScript thread.
    scheduled: AtomicBool,
    /// Calls handed out and not yet answered, by id.
    calls: Mutex<HashMap<u32, oneshot::Sender<HandlerResult>>>,
    next_id: AtomicU32,
    /// None before `start` and after `close`.
    wake: Mutex<Option<Wake>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every critical section here is one insert, remove or append: a panic cannot leave the data half-updated.
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// Forgets a call whose future was dropped (it timed out, or its connection went): a handler that never answers
/// leaves nothing behind.
struct Forget {
    dispatch: Arc<Dispatch>,
    id: u32,
}

impl Drop for Forget {
    fn drop(&mut self) {
        lock(&self.dispatch.calls).remove(&self.id);
    }
}

impl Dispatch {
    /// Delivers batches to `deliver(batch, bodies)`, a function from `index.js`'s dispatcher. While it is set the
    /// event loop stays alive, as it does for a listening `net.Server`.
    pub fn start(self: &Arc<Self>, deliver: &Function<Batch, Unknown<'static>>) -> Result<()> {
        let dispatch = self.clone();
        let wake: Wake = deliver
            .build_threadsafe_function::<()>()
            .callee_handled::<false>()
            .build_callback(move |_| {
                dispatch.scheduled.store(false, Ordering::SeqCst);
                let (calls, bodies) = std::mem::take(&mut *lock(&dispatch.queue));
                Ok((format!("[{calls}]"), bodies).into())
            })?;
        *lock(&self.wake) = Some(wake);
        Ok(())
    }

    /// The core's handler for the `index`th JavaScript function.
    pub fn handler(self: &Arc<Self>, index: usize) -> Handler {
        let dispatch = self.clone();
        Arc::new(move |mut event, context| {
            let body = take_body(&mut event);
            let (sender, receiver) = oneshot::channel();
            let id = dispatch.next_id.fetch_add(1, Ordering::Relaxed);
            lock(&dispatch.calls).insert(id, sender);
            let forget = Forget {
                dispatch: dispatch.clone(),
                id,
            };
            let call = (
                id,
                index,
                context.timeout_ms,
                context.memory_mb,
                &context.function_name,
                &event,
            );
            match serde_json::to_string(&call) {
                Ok(call) => dispatch.enqueue(&call, body),
                Err(e) => drop(
                    lock(&dispatch.calls)
                        .remove(&id)
                        .map(|s| s.send(Err(e.to_string()))),
                ),
            }
            Box::pin(async move {
                let _forget = forget;
                receiver.await.unwrap_or_else(|_| {
                    Err("the gateway closed before the handler answered".into())
                })
            })
        })
    }

    fn enqueue(&self, call: &str, body: Option<String>) {
        {
            let mut queue = lock(&self.queue);
            let (calls, bodies) = &mut *queue;
            if !calls.is_empty() {
                calls.push(',');
            }
            calls.push_str(call);
            bodies.push(body);
        }
        if self.scheduled.swap(true, Ordering::SeqCst) {
            return; // the wake-up on its way takes this call too
        }
        let woken = lock(&self.wake)
            .as_ref()
            .map(|wake| wake.call((), ThreadsafeFunctionCallMode::NonBlocking));
        if woken != Some(Status::Ok) {
            // Closed: nothing will take the queue, so its calls fail now.
            *lock(&self.queue) = Default::default();
            lock(&self.calls).clear();
        }
    }

    /// Resolves calls from a JSON batch `[[id, ok, resultOrMessage], ...]` and the bodies taken out of its results.
    pub fn complete(&self, batch: &str, bodies: Vec<Option<String>>) -> Result<()> {
        let results: Vec<(u32, bool, Value)> = serde_json::from_str(batch)
            .map_err(|e| Error::from_reason(format!("a batch of handler results: {e}")))?;
        let mut calls = lock(&self.calls);
        let bodies = bodies.into_iter().chain(std::iter::repeat(None));
        for ((id, ok, mut value), body) in results.into_iter().zip(bodies) {
            if let (Some(body), Some(slot)) = (body, value.get_mut("body")) {
                *slot = Value::String(body);
            }
            if let Some(sender) = calls.remove(&id) {
                let outcome = match (ok, value) {
                    (true, result) => Ok(result),
                    (false, Value::String(message)) => Err(message),
                    (false, other) => Err(other.to_string()),
                };
                let _ = sender.send(outcome);
            }
        }
        Ok(())
    }

    /// Stops delivering: calls not answered yet fail, and the event loop is free to exit.
    pub fn close(&self) {
        lock(&self.wake).take();
        *lock(&self.queue) = Default::default();
        lock(&self.calls).clear();
    }
}
