//! One WebSocket client from handshake to `$disconnect`: `$connect` runs before the 101 is sent, then frames are
//! read within the API's limits; messages whose integrations must be called run side by side on the connection's
//! task, others are answered at once; the gateway's closes (limits, idle timer, maximum duration,
//! `DELETE @connections`, shutdown) are sent with API Gateway's codes.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use futures_util::stream::{FuturesUnordered, SplitSink};
use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::{sleep_until, Instant};
use tokio_tungstenite::tungstenite::error::ProtocolError;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{CloseCode, Data, OpCode};
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::WebSocketStream;

use super::head::Head;
use super::registry::{Live, Outbound};
use super::{now_ms, sigv4, status_line, Shared};
use crate::engine::{parse_query, Action, Connection, Decision, Request};
use crate::frame::CloseCause;

/// Messages of one connection handled at the same time, at most.
const MAX_IN_FLIGHT: usize = 1024;

/// The 101 or the refusal of a WebSocket upgrade request, then the connection's life. `rest` is what the client
/// sent after the head.
pub async fn handshake<S>(
    shared: Arc<Shared>,
    stream: S,
    head: Head,
    rest: Vec<u8>,
    peer: SocketAddr,
    local: SocketAddr,
    scheme: &'static str,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    // The handshake, the open connection and `$disconnect` each run boxed, for their moment only
    // (docs/architecture.md, "Memory per connection").
    let opening = super::boxed(open(
        shared.clone(),
        stream,
        head,
        rest,
        peer,
        local,
        scheme,
    ));
    let opened = opening.await;
    let Some((live, ws)) = opened else { return };
    let mut calls = Calls::new();
    let serving = super::boxed(serve(&shared, ws, &live, &mut calls));
    let Err((code, reason)) = serving.await;
    if !calls.is_empty() {
        // Integrations run to completion, as a Lambda invoked for a message does after its client has gone.
        tokio::spawn(async move { while calls.next().await.is_some() {} });
    }
    live.established.store(false, Ordering::Release);
    shared.connections.0.remove(live.id());
    let disconnect = super::boxed(async move {
        let request = shared.request();
        let decision = shared
            .engine
            .disconnect(&live.connection, &request, code, &reason);
        shared.run(decision, &live.connection, &request).await;
    });
    disconnect.await;
}

/// Runs `$connect` (and its authorizer) and answers the upgrade: the connection, established, or None once
/// refused.
async fn open<S>(
    shared: Arc<Shared>,
    mut stream: S,
    head: Head,
    rest: Vec<u8>,
    peer: SocketAddr,
    local: SocketAddr,
    scheme: &'static str,
) -> Option<(Arc<Live>, WebSocketStream<S>)>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let stage = &shared.engine.api().stage;
    let path = head.path().trim_end_matches('/');
    if !(path.is_empty() || path.strip_prefix('/') == Some(stage.as_str())) {
        refuse(&mut stream, 403).await;
        return None;
    }
    let key = match (
        head.header("sec-websocket-key"),
        head.header("sec-websocket-version"),
    ) {
        (Some(key), Some("13")) => derive_accept_key(key.trim().as_bytes()),
        _ => {
            refuse(&mut stream, 400).await;
            return None;
        }
    };
    let caller = match shared.sign_in(&head) {
        Ok(caller) => caller,
        Err(refused) => {
            tracing::info!(
                error = refused.error_type,
                "handshake refused: {}",
                refused.message
            );
            refuse_with(&mut stream, 403, Some(&refused)).await;
            return None;
        }
    };
    let mut connection = Connection {
        connection_id: shared.next_id(),
        connected_at: now_ms(),
        source_ip: peer.ip().to_string(),
        user_agent: head.header("user-agent").map(str::to_string),
        domain_name: head
            .header("host")
            .map_or_else(|| local.to_string(), str::to_string),
        query: head.query().map(parse_query).unwrap_or_default(),
        headers: head.headers,
        forwarded_port: local.port(),
        forwarded_proto: scheme.into(),
        authorizer: None,
        caller,
    };
    let request = shared.request();
    let decision = shared.engine.connect(&connection, &request);
    // The authorizer decides before the connection exists: posting to it meanwhile gets 410, as on AWS.
    let decision = shared.authorize(decision, &mut connection, &request).await;
    let live = Live::new(connection);
    // Registered while `$connect` runs (not yet established, so posting to it gets 410 as on AWS), so that a
    // shutdown reaches it too.
    shared.connections.0.insert(live.clone());
    let actions = shared.run(decision, &live.connection, &request).await;
    let accepted = match actions.into_iter().next() {
        Some(Action::Accept { subprotocol }) => {
            let mut response = format!(
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {key}\r\n"
            );
            if let Some(protocol) = subprotocol {
                response.push_str(&format!("Sec-WebSocket-Protocol: {protocol}\r\n"));
            }
            response.push_str("\r\n");
            stream.write_all(response.as_bytes()).await.is_ok()
        }
        Some(Action::Reject { status }) => {
            refuse(&mut stream, status).await;
            false
        }
        _ => {
            refuse(&mut stream, 500).await;
            false
        }
    };
    if !accepted {
        shared.connections.0.remove(live.id());
        return None;
    }
    let settings = &shared.engine.api().settings;
    // A 2 KiB read buffer keeps idle connections small; tungstenite grows it for larger messages.
    let config = WebSocketConfig::default()
        .read_buffer_size(2048)
        .max_frame_size(Some(settings.max_frame_bytes))
        .max_message_size(Some(settings.max_message_bytes));
    let ws = WebSocketStream::from_partially_read(stream, rest, Role::Server, Some(config)).await;
    live.establish();
    Some((live, ws))
}

/// Answers a refused request with a bare status and closes; a refused handshake gets no `$disconnect`.
pub(super) async fn refuse<S: AsyncWrite + Unpin>(stream: &mut S, status: u16) {
    refuse_with(stream, status, None).await
}

/// A refusal, with the error type and `{"message": …}` body of a refused signature when there is one.
async fn refuse_with<S: AsyncWrite + Unpin>(
    stream: &mut S,
    status: u16,
    refused: Option<&sigv4::Refusal>,
) {
    let (extra, body) = match refused {
        Some(r) => (
            format!(
                "Content-Type: application/json\r\nx-amzn-ErrorType: {}\r\n",
                r.error_type
            ),
            r.body(),
        ),
        None => (String::new(), String::new()),
    };
    let response = format!(
        "{}\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        status_line(status),
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// The writing half of a client's socket.
type Sink<S> = SplitSink<WebSocketStream<S>, Message>;

/// Moves frames until the connection ends; the error is the `disconnectStatusCode` and `disconnectReason`.
async fn serve<S>(
    shared: &Arc<Shared>,
    ws: WebSocketStream<S>,
    live: &Arc<Live>,
    calls: &mut Calls,
) -> Result<std::convert::Infallible, (u16, String)>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let settings = &shared.engine.api().settings;
    let idle = Duration::from_secs(settings.idle_timeout_seconds);
    let max_frame = settings.max_frame_bytes;
    let ends_at = Instant::now() + Duration::from_secs(settings.max_connection_seconds);
    let (mut sink, mut stream) = ws.split();
    // One timer serves both limits; it moves when it fires, not on every message.
    let mut last_active = Instant::now();
    let timer = sleep_until((last_active + idle).min(ends_at));
    tokio::pin!(timer);
    // Messages being handled at once on this connection; at the limit the gateway stops reading, so a
    // flooding client is slowed by TCP instead of growing memory.
    let in_flight = Arc::new(Semaphore::new(MAX_IN_FLIGHT));
    let mut permit: Option<OwnedSemaphorePermit> = None;
    // Replies written but not yet flushed: messages that arrived together are answered with one write.
    let mut unflushed = false;
    loop {
        if let Some(cause) = live.close_requested() {
            return close_with(&mut sink, cause).await;
        }
        // What `@connections` posted: queued for the next write.
        while let Some(message) = live.next_outbound() {
            last_active = Instant::now();
            with_close(feed(&mut sink, message, max_frame), live).await?;
            unflushed = true;
        }
        // Checked here too, because a client that never pauses keeps the timer branch from being polled.
        if Instant::now() >= ends_at {
            return close_with(&mut sink, CloseCause::MaxDurationReached).await;
        }
        tokio::select! {
            biased;
            Ok(acquired) = in_flight.clone().acquire_owned(), if permit.is_none() => permit = Some(acquired),
            inbound = stream.next(), if permit.is_some() => match inbound {
                Some(Ok(Message::Text(text))) => {
                    last_active = Instant::now();
                    live.touch(now_ms());
                    for text in receive(shared, live, &text, calls, &mut permit) {
                        with_close(feed(&mut sink, Outbound::Text(text), max_frame), live).await?;
                        unflushed = true;
                    }
                }
                Some(Ok(Message::Binary(_))) => return close_with(&mut sink, CloseCause::BinaryFrame).await,
                Some(Ok(Message::Close(frame))) => {
                    // tungstenite answers the close frame; flushing sends that answer.
                    let _ = sink.flush().await;
                    return Err(match frame {
                        Some(f) => (u16::from(f.code), f.reason.to_string()),
                        None => (1005, "Client-side close frame status not set".into()),
                    });
                }
                Some(Ok(_)) => {} // pings are answered by tungstenite; pongs need nothing
                Some(Err(WsError::Capacity(_))) => return close_with(&mut sink, CloseCause::MessageTooLarge).await,
                Some(Err(WsError::Utf8(_))) => return close_with(&mut sink, CloseCause::InvalidUtf8).await,
                // The TCP connection ended without a close frame, mid-message or not (docs/behaviour.md §6.3: 1006).
                Some(Err(WsError::Protocol(ProtocolError::ResetWithoutClosingHandshake))) => return Err(dropped()),
                Some(Err(WsError::Protocol(_))) => return close_with(&mut sink, CloseCause::ProtocolError).await,
                // The TCP connection dropped without a close frame (docs/behaviour.md §6.3: 1006).
                Some(Err(_)) | None => return Err(dropped()),
            },
            // Before flushing, so that answers finished together (integration results, posts) go out in one write.
            Some(actions) = calls.next(), if !calls.is_empty() => {
                last_active = Instant::now();
                for action in actions {
                    if let Action::Send { text } = action {
                        with_close(feed(&mut sink, Outbound::Text(text), max_frame), live).await?;
                        unflushed = true;
                    }
                }
            }
            // Nothing more has arrived or is waiting: write what the last messages produced.
            flushed = sink.flush(), if unflushed => {
                unflushed = false;
                flushed.map_err(|_| dropped())?;
            }
            // A post or a close: the top of the loop takes it.
            () = live.changed() => {}
            () = &mut timer => {
                if Instant::now() >= last_active + idle {
                    return close_with(&mut sink, CloseCause::IdleTimeout).await;
                }
                timer.as_mut().reset((last_active + idle).min(ends_at));
            }
        }
    }
}

/// Decides what a client's message does: an integration call joins `calls`; what is decided without one (MOCK,
/// Forbidden, Bad request body) is returned, to be sent right away. Not async, so that the decision is never part
/// of the connection's future.
fn receive(
    shared: &Arc<Shared>,
    live: &Arc<Live>,
    text: &str,
    calls: &mut Calls,
    permit: &mut Option<OwnedSemaphorePermit>,
) -> Vec<String> {
    let request = shared.request();
    let decision = shared.engine.message(&live.connection, &request, text);
    if decision.pending.is_some() {
        calls.push(call(
            shared.clone(),
            live.clone(),
            decision,
            request,
            permit.take(),
        ));
        return Vec::new();
    }
    let actions = shared.answer(decision, &live.connection);
    actions
        .into_iter()
        .filter_map(|action| match action {
            Action::Send { text } => Some(text),
            _ => None,
        })
        .collect()
}

/// 1006: the TCP connection ended without a close frame.
fn dropped() -> (u16, String) {
    (1006, "Connection closed abnormally".into())
}

/// Runs a write. A client that does not read blocks it; a close request still gets through, and ends the
/// connection without waiting to write anything more.
async fn with_close(
    write: impl std::future::Future<Output = Result<(), WsError>>,
    live: &Live,
) -> Result<(), (u16, String)> {
    tokio::pin!(write);
    loop {
        tokio::select! {
            written = &mut write => return written.map_err(|_| dropped()),
            () = live.changed() => if let Some(cause) = live.close_requested() {
                return Err((cause.code(), cause.reason().to_string()));
            },
        }
    }
}

/// Queues a message for writing, in frames of at most `max_frame` bytes (the frame quota applies to outbound
/// data too); the next flush writes it.
async fn feed<S>(sink: &mut Sink<S>, message: Outbound, max_frame: usize) -> Result<(), WsError>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let (bytes, data) = match message {
        Outbound::Text(text) if text.len() <= max_frame => {
            return sink.feed(Message::text(text)).await
        }
        Outbound::Binary(bytes) if bytes.len() <= max_frame => {
            return sink.feed(Message::binary(bytes)).await
        }
        Outbound::Text(text) => (text.into_bytes(), Data::Text),
        Outbound::Binary(bytes) => (bytes, Data::Binary),
    };
    let chunks: Vec<&[u8]> = bytes.chunks(max_frame).collect();
    let last = chunks.len() - 1;
    for (i, chunk) in chunks.into_iter().enumerate() {
        let opcode = if i == 0 {
            OpCode::Data(data)
        } else {
            OpCode::Data(Data::Continue)
        };
        sink.feed(Message::Frame(Frame::message(
            chunk.to_vec(),
            opcode,
            i == last,
        )))
        .await?;
    }
    Ok(())
}

/// The gateway closes the connection with API Gateway's code and reason for `cause`.
async fn close_with<S>(
    sink: &mut Sink<S>,
    cause: CloseCause,
) -> Result<std::convert::Infallible, (u16, String)>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let frame = CloseFrame {
        code: CloseCode::from(cause.code()),
        reason: cause.reason().into(),
    };
    let _ = sink.send(Message::Close(Some(frame))).await;
    Err((cause.code(), cause.reason().to_string()))
}

/// The integration calls of one connection's messages, running at once: a slow one never holds up the next
/// message, and each answer goes out as soon as its call ends. They run on the connection's own task, so an answer
/// needs no hand-over to reach the socket.
type Calls = FuturesUnordered<Pin<Box<dyn Future<Output = Vec<Action>> + Send>>>;

/// A message's integration call and what it answers; the permit counts it among the connection's messages in flight.
fn call(
    shared: Arc<Shared>,
    live: Arc<Live>,
    decision: Decision,
    request: Request,
    permit: Option<OwnedSemaphorePermit>,
) -> Pin<Box<dyn Future<Output = Vec<Action>> + Send>> {
    Box::pin(async move {
        let actions = shared.run(decision, &live.connection, &request).await;
        drop(permit);
        actions
    })
}
