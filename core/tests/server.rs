//! The gateway on the wire, driven by a real WebSocket client (tokio-tungstenite) and raw HTTP requests.

use std::time::Duration;

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use wsgate_core::server::{Gateway, GatewayBuilder, Server};
use wsgate_core::Api;

type Client_ = WebSocketStream<MaybeTlsStream<TcpStream>>;

const CHAT: &str = include_str!("../../examples/chat/api.yaml");
const MOCKS: &str = include_str!("../../examples/mock-templates/api.yaml");

/// Bounds every wait, so a broken server fails the test instead of hanging it.
const WAIT: Duration = Duration::from_secs(10);

async fn start(definition: &str, build: impl FnOnce(GatewayBuilder) -> GatewayBuilder) -> Server {
    let api = Api::from_str(definition).unwrap();
    build(Gateway::builder(api))
        .serve("127.0.0.1:0")
        .await
        .unwrap()
}

async fn connect(url: &str) -> Client_ {
    tokio_tungstenite::connect_async(url).await.unwrap().0
}

/// Connects a client to a gateway whose `$connect` handler reports to `events`; returns it and its connection id.
async fn join(server: &Server, events: &mut mpsc::UnboundedReceiver<Value>) -> (Client_, String) {
    let client = connect(&server.url()).await;
    let id = recv(events).await["requestContext"]["connectionId"]
        .as_str()
        .unwrap()
        .to_string();
    (client, id)
}

async fn next_text(client: &mut Client_) -> String {
    match tokio::time::timeout(WAIT, client.next())
        .await
        .expect("a message in time")
    {
        Some(Ok(Message::Text(text))) => text.to_string(),
        other => panic!("expected a text message, got {other:?}"),
    }
}

/// The close frame the server sends (tungstenite reports it as a message).
async fn next_close(client: &mut Client_) -> CloseFrame {
    loop {
        match tokio::time::timeout(WAIT, client.next())
            .await
            .expect("a close in time")
        {
            Some(Ok(Message::Close(Some(frame)))) => return frame,
            Some(Ok(Message::Text(_))) => continue,
            other => panic!("expected a close frame, got {other:?}"),
        }
    }
}

async fn recv<T>(rx: &mut mpsc::UnboundedReceiver<T>) -> T {
    tokio::time::timeout(WAIT, rx.recv())
        .await
        .expect("in time")
        .expect("open")
}

/// The next event must be a DISCONNECT; its `disconnectStatusCode` and `disconnectReason`.
async fn next_disconnect(events: &mut mpsc::UnboundedReceiver<Value>) -> (u64, String) {
    let event = recv(events).await;
    let context = &event["requestContext"];
    assert_eq!(context["eventType"], "DISCONNECT", "{event}");
    let code = context["disconnectStatusCode"].as_u64().unwrap();
    (
        code,
        context["disconnectReason"].as_str().unwrap().to_string(),
    )
}

async fn http(method: &str, url: &str, body: Vec<u8>) -> (u16, Vec<(String, String)>, String) {
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let request = Request::builder()
        .method(method)
        .uri(url)
        .body(Full::new(Bytes::from(body)))
        .unwrap();
    let response = client.request(request).await.unwrap();
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

/// A gateway on the chat example whose handlers report every event they get and answer like AWS samples do.
async fn chat() -> (Server, mpsc::UnboundedReceiver<Value>) {
    chat_with(|b| b).await
}

async fn chat_with(
    build: impl FnOnce(GatewayBuilder) -> GatewayBuilder,
) -> (Server, mpsc::UnboundedReceiver<Value>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let events = tx.clone();
    let server = start(CHAT, |b| {
        build(b)
            .handler("connection", move |event, _| {
                let tx = events.clone();
                async move {
                    tx.send(event).unwrap();
                    Ok(json!({"statusCode": 200}))
                }
            })
            .handler("chat", move |event: Value, _| {
                let tx = tx.clone();
                async move {
                    tx.send(event.clone()).unwrap();
                    let body: Value =
                        serde_json::from_str(event["body"].as_str().unwrap()).unwrap();
                    match body["room"].as_str() {
                        Some(room) => {
                            Ok(json!({"statusCode": 200, "body": format!("joined {room}")}))
                        }
                        None => Ok(json!({"statusCode": 200})),
                    }
                }
            })
    })
    .await;
    (server, rx)
}

#[tokio::test]
async fn connect_message_and_disconnect_events_reach_handlers_as_lambda_events() {
    let (server, mut events) = chat().await;
    let mut request = format!("{}?name=me&name=you", server.url())
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("X-Custom", "v".parse().unwrap());
    let (mut client, _) = tokio_tungstenite::connect_async(request).await.unwrap();

    let connect = recv(&mut events).await;
    let ctx = &connect["requestContext"];
    assert_eq!(ctx["eventType"], "CONNECT");
    assert_eq!(ctx["stage"], "dev");
    let id = ctx["connectionId"].as_str().unwrap().to_string();
    assert_eq!(id.len(), 16);
    assert_eq!(connect["queryStringParameters"], json!({"name": "you"}));
    assert_eq!(
        connect["multiValueQueryStringParameters"],
        json!({"name": ["me", "you"]})
    );
    let headers = connect["headers"].as_object().unwrap();
    assert!(headers.contains_key("Sec-WebSocket-Key"), "{headers:?}");
    assert_eq!(
        headers["X-Forwarded-Port"],
        server.local_addr().port().to_string()
    );
    assert_eq!(headers["X-Forwarded-Proto"], "http");
    assert_eq!(headers["X-Forwarded-For"], "127.0.0.1");
    assert!(!headers
        .keys()
        .any(|k| k.eq_ignore_ascii_case("connection") || k.eq_ignore_ascii_case("upgrade")));
    assert_eq!(ctx["domainName"], server.local_addr().to_string());

    client
        .send(Message::text(r#"{"action":"joinroom","room":"lobby"}"#))
        .await
        .unwrap();
    assert_eq!(next_text(&mut client).await, "joined lobby");
    let message = recv(&mut events).await;
    assert_eq!(message["requestContext"]["routeKey"], "joinroom");
    assert_eq!(message["requestContext"]["connectionId"], id.as_str());
    assert_eq!(message["requestContext"]["connectedAt"], ctx["connectedAt"]);
    assert!(message.get("headers").is_none());

    client
        .close(Some(CloseFrame {
            code: CloseCode::from(4000),
            reason: "bye".into(),
        }))
        .await
        .unwrap();
    assert_eq!(next_disconnect(&mut events).await, (4000, "bye".into()));
    server.shutdown().await;
}

#[tokio::test]
async fn validation_mock_routes_and_forbidden_answer_on_the_wire() {
    let server = start(MOCKS, |b| b).await;
    let mut client = connect(&server.url()).await;
    client
        .send(Message::text(r#"{"action":"whoami"}"#))
        .await
        .unwrap();
    let whoami: Value = serde_json::from_str(&next_text(&mut client).await).unwrap();
    assert_eq!(whoami["routeKey"], "whoami");
    client
        .send(Message::text(r#"{"action":"nope"}"#))
        .await
        .unwrap();
    let forbidden = next_text(&mut client).await;
    let expected = format!(
        r#"{{"message": "Forbidden", "connectionId":"{}", "requestId":""#,
        whoami["connectionId"].as_str().unwrap()
    );
    assert!(forbidden.starts_with(&expected), "{forbidden}");
    // The connection stays open after an error frame.
    client
        .send(Message::text(r#"{"action":"greet","name":"Ana"}"#))
        .await
        .unwrap();
    assert_eq!(
        next_text(&mut client).await,
        r#"{"message": "hello Ana", "letters": 3}"#
    );
    server.shutdown().await;
}

#[tokio::test]
async fn connect_results_accept_or_reject_the_handshake() {
    let definition = CHAT.replace(
        "function:connection\n",
        "function:connection\n    timeoutInMillis: 200\n",
    );
    assert_ne!(definition, CHAT);
    let server = start(&definition, |b| {
        b.handler("connection", |event: Value, _| async move {
            let query = &event["queryStringParameters"];
            match query["case"].as_str() {
                Some("deny") => Ok(json!({"statusCode": 401})),
                Some("throw") => Err("boom".to_string()),
                Some("slow") => {
                    tokio::time::sleep(Duration::from_secs(5)).await;
                    Ok(json!({"statusCode": 200}))
                }
                Some("protocol") => Ok(
                    json!({"statusCode": 200, "headers": {"Sec-WebSocket-Protocol": "myprotocol"}}),
                ),
                _ => Ok(json!({"statusCode": 200})),
            }
        })
    })
    .await;
    for (case, status) in [("deny", 401), ("throw", 502), ("slow", 504)] {
        match tokio_tungstenite::connect_async(format!("{}?case={case}", server.url())).await {
            Err(WsError::Http(response)) => {
                assert_eq!(response.status().as_u16(), status, "{case}")
            }
            other => panic!("{case}: expected HTTP {status}, got {other:?}"),
        }
    }
    let mut request = format!("{}?case=protocol", server.url())
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "chat1, myprotocol".parse().unwrap(),
    );
    let (_client, response) = tokio_tungstenite::connect_async(request).await.unwrap();
    assert_eq!(response.headers()["sec-websocket-protocol"], "myprotocol");
    server.shutdown().await;
}

const AUTHORIZED: &str = r#"
name: guarded
routeSelectionExpression: $request.body.action
authorizers:
  tokens: { authorizerType: REQUEST, identitySource: [route.request.querystring.token] }
integrations:
  fn: { integrationType: AWS_PROXY, integrationUri: fn }
routes:
  $connect: { target: integrations/fn, authorizationType: CUSTOM, authorizerId: tokens }
  $default: { target: integrations/fn, routeResponseSelectionExpression: $default }
"#;

#[tokio::test]
async fn an_authorizer_decides_the_handshake_and_its_context_reaches_later_events() {
    let server = start(AUTHORIZED, |b| {
        b.authorizer("tokens", |event: Value, _| async move {
            let token = event["queryStringParameters"]["token"].as_str().unwrap_or("");
            let effect = if token == "good" { "Allow" } else { "Deny" };
            match token {
                "boom" => Err("Unauthorized".to_string()),
                _ => Ok(json!({
                    "principalId": token,
                    "policyDocument": {"Version": "2012-10-17", "Statement": [
                        {"Action": "execute-api:Invoke", "Effect": effect, "Resource": event["methodArn"]}]},
                    "context": {"level": 3}
                })),
            }
        })
        .handler("fn", |event: Value, _| async move {
            let authorizer = &event["requestContext"]["authorizer"];
            Ok(json!({"statusCode": 200, "body": authorizer.to_string()}))
        })
    })
    .await;
    for (query, status) in [
        ("", 401),
        ("?token=", 401),
        ("?token=bad", 403),
        ("?token=boom", 401),
    ] {
        match tokio_tungstenite::connect_async(format!("{}{query}", server.url())).await {
            Err(WsError::Http(response)) => {
                assert_eq!(response.status().as_u16(), status, "{query}")
            }
            other => panic!("{query}: expected HTTP {status}, got {other:?}"),
        }
    }
    let mut client = connect(&format!("{}?token=good", server.url())).await;
    client.send(Message::text("{}")).await.unwrap();
    let seen: Value = serde_json::from_str(&next_text(&mut client).await).unwrap();
    assert_eq!(seen, json!({"principalId": "good", "level": "3"}));
    server.shutdown().await;
}

#[tokio::test]
async fn binary_frames_and_oversized_frames_close_with_api_gateway_codes() {
    let (server, mut events) = chat().await;
    let (mut client, _) = join(&server, &mut events).await;
    client.send(Message::binary(vec![1, 2, 3])).await.unwrap();
    assert_eq!(u16::from(next_close(&mut client).await.code), 1003);
    assert_eq!(next_disconnect(&mut events).await.0, 1003);
    let (mut client, _) = join(&server, &mut events).await;
    client
        .send(Message::text("x".repeat(32_769)))
        .await
        .unwrap();
    assert_eq!(u16::from(next_close(&mut client).await.code), 1009);
    assert_eq!(next_disconnect(&mut events).await.0, 1009);

    // Exactly 32768 bytes is accepted.
    let (mut client, _) = join(&server, &mut events).await;
    let padded = format!("{:<32768}", r#"{"action":"joinroom","room":"big"}"#);
    client.send(Message::text(padded)).await.unwrap();
    assert_eq!(next_text(&mut client).await, "joined big");
    server.shutdown().await;
}

#[tokio::test]
async fn the_connections_api_posts_gets_and_deletes() {
    let (server, mut events) = chat().await;
    let (mut client, id) = join(&server, &mut events).await;
    let base = server.management_url();
    let encoded = id.replace('=', "%3D");

    let (status, _, body) = http(
        "POST",
        &format!("{base}/@connections/{encoded}"),
        b"hi".to_vec(),
    )
    .await;
    assert_eq!((status, body.as_str()), (200, ""));
    assert_eq!(next_text(&mut client).await, "hi");

    // Over 32 KB goes out in several frames and arrives as one message.
    let big = "y".repeat(40_000);
    let (status, _, _) = http(
        "POST",
        &format!("{base}/@connections/{id}"),
        big.clone().into_bytes(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(next_text(&mut client).await, big);

    let (status, _, _) = http(
        "POST",
        &format!("{base}/@connections/{id}"),
        vec![b'z'; 131_073],
    )
    .await;
    assert_eq!(status, 413);
    let (status, _, _) = http(
        "POST",
        &format!("{base}/@connections/{id}"),
        vec![b'z'; 131_072],
    )
    .await;
    assert_eq!(status, 200);
    next_text(&mut client).await;

    let (status, _, body) = http("GET", &format!("{base}/@connections/{id}"), vec![]).await;
    assert_eq!(status, 200);
    let info: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(info["identity"]["sourceIp"], "127.0.0.1");
    assert!(info["connectedAt"].as_str().unwrap().ends_with('Z'));

    let wrong_stage = base.replace("/dev", "/prod");
    let (status, _, _) = http(
        "POST",
        &format!("{wrong_stage}/@connections/{id}"),
        b"x".to_vec(),
    )
    .await;
    assert_eq!(status, 403);

    let (status, _, _) = http("DELETE", &format!("{base}/@connections/{id}"), vec![]).await;
    assert_eq!(status, 204);
    assert_eq!(u16::from(next_close(&mut client).await.code), 1000);
    assert_eq!(
        next_disconnect(&mut events).await,
        (1000, "Connection Closed Normally".into())
    );

    for method in ["POST", "GET", "DELETE"] {
        let (status, headers, body) =
            http(method, &format!("{base}/@connections/{id}"), b"x".to_vec()).await;
        assert_eq!(status, 410, "{method}");
        assert!(body.is_empty());
        assert!(headers
            .iter()
            .any(|(k, v)| k.eq_ignore_ascii_case("x-amzn-ErrorType") && v == "GoneException"));
    }
    server.shutdown().await;
}

#[tokio::test]
async fn an_integration_runs_to_completion_after_its_client_has_gone() {
    let definition = "name: late\nrouteSelectionExpression: $request.body.a\n\
                      integrations: {f: {integrationType: AWS_PROXY}}\n\
                      routes: {$default: {target: integrations/f}}\n";
    let (started_tx, mut started) = mpsc::unbounded_channel();
    let (finished_tx, mut finished) = mpsc::unbounded_channel();
    let release = std::sync::Arc::new(tokio::sync::Notify::new());
    let wait = release.clone();
    let server = start(definition, |b| {
        b.handler("f", move |event: Value, _| {
            let (started, finished, wait) = (started_tx.clone(), finished_tx.clone(), wait.clone());
            async move {
                started.send(()).unwrap();
                wait.notified().await;
                finished.send(event["body"].clone()).unwrap();
                Ok(json!({"statusCode": 200}))
            }
        })
    })
    .await;
    let mut client = connect(&server.url()).await;
    client.send(Message::text(r#"{"a":1}"#)).await.unwrap();
    recv(&mut started).await;
    client.close(None).await.unwrap();
    while client.next().await.is_some() {}
    release.notify_one();
    assert_eq!(recv(&mut finished).await, r#"{"a":1}"#);
    server.shutdown().await;
}

#[tokio::test]
async fn a_slow_integration_does_not_hold_up_later_messages() {
    let definition = "name: slow\nrouteSelectionExpression: $request.body.speed\n\
                      integrations: {f: {integrationType: AWS_PROXY}}\n\
                      routes: {$default: {target: integrations/f, routeResponseSelectionExpression: $default}}\n";
    let server = start(definition, |b| {
        b.handler("f", |event: Value, _| async move {
            let body = event["body"].as_str().unwrap().to_string();
            if body.contains("slow") {
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            Ok(json!({"statusCode": 200, "body": body}))
        })
    })
    .await;
    let mut client = connect(&server.url()).await;
    client
        .send(Message::text(r#"{"speed":"slow"}"#))
        .await
        .unwrap();
    client
        .send(Message::text(r#"{"speed":"fast"}"#))
        .await
        .unwrap();
    assert_eq!(next_text(&mut client).await, r#"{"speed":"fast"}"#);
    assert_eq!(next_text(&mut client).await, r#"{"speed":"slow"}"#);
    server.shutdown().await;
}

#[tokio::test]
async fn handler_errors_and_timeouts_send_error_frames_and_the_connection_lives() {
    let definition = "name: errors\nrouteSelectionExpression: $request.body.case\n\
                      integrations: {f: {integrationType: AWS_PROXY, timeoutInMillis: 100}}\n\
                      routes: {$default: {target: integrations/f}}\n";
    let server = start(definition, |b| {
        b.handler("f", |event: Value, _| async move {
            let body = event["body"].as_str().unwrap().to_string();
            if body.contains("slow") {
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
            Err("boom".to_string())
        })
    })
    .await;
    let mut client = connect(&server.url()).await;
    client
        .send(Message::text(r#"{"case":"throw"}"#))
        .await
        .unwrap();
    assert!(next_text(&mut client)
        .await
        .starts_with(r#"{"message": "Internal server error", "connectionId":""#));
    client
        .send(Message::text(r#"{"case":"slow"}"#))
        .await
        .unwrap();
    assert!(next_text(&mut client)
        .await
        .starts_with(r#"{"message": "Endpoint request timed out", "connectionId":""#));
    server.shutdown().await;
}

#[tokio::test]
async fn a_separate_management_port_serves_the_connections_api_and_the_clients_port_refuses_it() {
    let server = start(MOCKS, |b| b.management("127.0.0.1:0")).await;
    let base = server.management_url();
    assert_ne!(
        base,
        format!("http://{}/dev", server.local_addr()),
        "its own port"
    );
    let mut client = connect(&server.url()).await;
    client
        .send(Message::text(r#"{"action":"whoami"}"#))
        .await
        .unwrap();
    let whoami: Value = serde_json::from_str(&next_text(&mut client).await).unwrap();
    let id = whoami["connectionId"].as_str().unwrap();

    let (status, _, _) = http("POST", &format!("{base}/@connections/{id}"), b"hi".to_vec()).await;
    assert_eq!(status, 200);
    assert_eq!(next_text(&mut client).await, "hi");
    let on_clients_port = format!("http://{}/dev/@connections/{id}", server.local_addr());
    for method in ["POST", "GET", "DELETE"] {
        let (status, _, body) = http(method, &on_clients_port, b"x".to_vec()).await;
        assert_eq!(
            (status, body.as_str()),
            (403, r#"{"message":"Forbidden"}"#),
            "{method}"
        );
    }
    // The management port takes no WebSocket clients.
    match tokio_tungstenite::connect_async(base.replace("http://", "ws://")).await {
        Err(WsError::Http(response)) => assert_eq!(response.status().as_u16(), 404),
        other => panic!("expected 404, got {other:?}"),
    }
    // The client was untouched by the refused calls.
    client
        .send(Message::text(r#"{"action":"whoami"}"#))
        .await
        .unwrap();
    assert!(next_text(&mut client).await.contains(id));
    server.shutdown().await;
}

#[tokio::test]
async fn plain_http_gets_426_and_unknown_paths_are_refused() {
    let server = start(MOCKS, |b| b).await;
    let (status, _, _) = http("GET", &server.management_url(), vec![]).await;
    assert_eq!(status, 426);
    match tokio_tungstenite::connect_async(server.url().replace("/dev", "/other")).await {
        Err(WsError::Http(response)) => assert_eq!(response.status().as_u16(), 403),
        other => panic!("expected 403, got {other:?}"),
    }
    // Clients may also connect at the root.
    let root = format!("ws://{}/", server.local_addr());
    let mut client = connect(&root).await;
    client
        .send(Message::text(r#"{"action":"whoami"}"#))
        .await
        .unwrap();
    assert!(next_text(&mut client).await.contains(r#""stage": "dev""#));
    server.shutdown().await;
}

#[tokio::test]
async fn idle_connections_close_with_1001_going_away() {
    let definition = format!("{CHAT}settings: {{idleTimeoutSeconds: 1}}\n");
    let (tx, mut events) = mpsc::unbounded_channel();
    let server = start(&definition, |b| {
        b.handler("connection", move |event, _| {
            let tx = tx.clone();
            async move {
                tx.send(event).unwrap();
                Ok(json!({"statusCode": 200}))
            }
        })
    })
    .await;
    let (mut client, _) = join(&server, &mut events).await;
    let close = next_close(&mut client).await;
    assert_eq!(
        (u16::from(close.code), close.reason.as_str()),
        (1001, "Going away")
    );
    assert_eq!(next_disconnect(&mut events).await.1, "Going away");
    server.shutdown().await;
}

#[tokio::test]
async fn shutdown_closes_clients_with_1001_and_runs_disconnect() {
    let (server, mut events) = chat().await;
    let (mut client, _) = join(&server, &mut events).await;
    let stopping = tokio::spawn(server.shutdown());
    assert_eq!(u16::from(next_close(&mut client).await.code), 1001);
    assert_eq!(next_disconnect(&mut events).await.0, 1001);
    tokio::time::timeout(WAIT, stopping).await.unwrap().unwrap();
}

#[tokio::test]
async fn garbage_before_the_upgrade_gets_400() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let server = start(MOCKS, |b| b).await;
    let mut stream = TcpStream::connect(server.local_addr()).await.unwrap();
    stream
        .write_all(b"\x16\x03\x01garbage\r\n\r\n")
        .await
        .unwrap();
    let mut answer = String::new();
    tokio::time::timeout(WAIT, stream.read_to_string(&mut answer))
        .await
        .unwrap()
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    server.shutdown().await;
}

/// A tiny HTTP backend for the tests: answers every request with `answer(method, path, headers, body)`
/// and reports what it got.
async fn backend<F>(
    answer: F,
) -> (
    String,
    mpsc::UnboundedReceiver<(String, String, Vec<(String, String)>, String)>,
)
where
    F: Fn(&str, &str) -> (u16, Vec<(&'static str, &'static str)>, String) + Send + Sync + 'static,
{
    use hyper::server::conn::http1;
    use hyper::service::service_fn;
    use hyper_util::rt::TokioIo;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::unbounded_channel();
    let answer = std::sync::Arc::new(answer);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (tx, answer) = (tx.clone(), answer.clone());
            tokio::spawn(async move {
                let service = service_fn(move |request: Request<hyper::body::Incoming>| {
                    let (tx, answer) = (tx.clone(), answer.clone());
                    async move {
                        let method = request.method().to_string();
                        let path = request.uri().path().to_string();
                        let headers = request
                            .headers()
                            .iter()
                            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
                            .collect();
                        let body = request.into_body().collect().await.unwrap().to_bytes();
                        let body = String::from_utf8_lossy(&body).into_owned();
                        let (status, headers_out, text) = answer(&method, &body);
                        tx.send((method, path, headers, body)).unwrap();
                        let mut response = hyper::Response::builder().status(status);
                        for (k, v) in headers_out {
                            response = response.header(k, v);
                        }
                        Ok::<_, std::convert::Infallible>(
                            response.body(Full::new(Bytes::from(text))).unwrap(),
                        )
                    }
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    (url, rx)
}

#[tokio::test]
async fn lambda_functions_are_invoked_through_the_invoke_api() {
    // A Lambda Invoke API server: the function echoes the body, or fails when asked to.
    let (endpoint, mut calls) = backend(|_, body| {
        let event: Value = serde_json::from_str(body).unwrap();
        let text = event["body"].as_str().unwrap_or("").to_string();
        if text.contains("fail") {
            let error = json!({"errorMessage": "boom", "errorType": "Exception"}).to_string();
            (200, vec![("X-Amz-Function-Error", "Unhandled")], error)
        } else {
            (
                200,
                vec![],
                json!({"statusCode": 200, "body": format!("echo {text}")}).to_string(),
            )
        }
    })
    .await;
    let definition = format!(
        "name: lambda\nrouteSelectionExpression: $request.body.action\n\
         integrations:\n  byurl: {{integrationType: AWS_PROXY, integrationUri: '{endpoint}/2015-03-31/functions/echo/invocations'}}\n\
         \x20 byarn: {{integrationType: AWS_PROXY, integrationUri: 'arn:aws:lambda:us-east-1:123456789012:function:echo'}}\n\
         routes:\n  url: {{target: integrations/byurl, routeResponseSelectionExpression: $default}}\n\
         \x20 arn: {{target: integrations/byarn, routeResponseSelectionExpression: $default}}\n"
    );
    let server = start(&definition, |b| b.lambda_endpoint(endpoint.clone())).await;
    let mut client = connect(&server.url()).await;
    for route in ["url", "arn"] {
        let message = format!(r#"{{"action":"{route}"}}"#);
        client.send(Message::text(message.clone())).await.unwrap();
        assert_eq!(next_text(&mut client).await, format!("echo {message}"));
        let (method, path, headers, body) = recv(&mut calls).await;
        assert_eq!(
            (method.as_str(), path.as_str()),
            ("POST", "/2015-03-31/functions/echo/invocations")
        );
        assert!(headers
            .iter()
            .any(|(k, v)| k == "x-amz-invocation-type" && v == "RequestResponse"));
        let event: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(event["requestContext"]["routeKey"], route);
    }
    client
        .send(Message::text(r#"{"action":"url","x":"fail"}"#))
        .await
        .unwrap();
    assert!(next_text(&mut client)
        .await
        .starts_with(r#"{"message": "Internal server error""#));
    server.shutdown().await;
}

#[tokio::test]
async fn http_integrations_get_the_message_and_answer_two_way_routes() {
    let (url, mut calls) = backend(|_, body| {
        (
            200,
            vec![("Content-Type", "text/plain")],
            format!("got {body}"),
        )
    })
    .await;
    let definition = format!(
        "name: http\nrouteSelectionExpression: $request.body.action\nstageVariables: {{backend: '{}'}}\n\
         integrations:\n  proxy: {{integrationType: HTTP_PROXY, integrationUri: 'http://${{stageVariables.backend}}/proxy'}}\n\
         \x20 custom:\n    integrationType: HTTP\n    integrationUri: '{url}/custom'\n    integrationMethod: PUT\n\
         \x20   requestTemplates: {{$default: '{{\"who\": \"$context.connectionId\"}}'}}\n\
         \x20   integrationResponses: {{/2\\d\\d/: {{responseTemplates: {{$default: 'custom $input.body'}}}}}}\n\
         routes:\n  proxy: {{target: integrations/proxy, routeResponseSelectionExpression: $default}}\n\
         \x20 custom: {{target: integrations/custom, routeResponseSelectionExpression: $default}}\n",
        url.trim_start_matches("http://")
    );
    let server = start(&definition, |b| b).await;
    let mut client = connect(&server.url()).await;
    client
        .send(Message::text(r#"{"action":"proxy"}"#))
        .await
        .unwrap();
    assert_eq!(next_text(&mut client).await, r#"got {"action":"proxy"}"#);
    let (method, path, _, _) = recv(&mut calls).await;
    assert_eq!((method.as_str(), path.as_str()), ("POST", "/proxy"));
    client
        .send(Message::text(r#"{"action":"custom"}"#))
        .await
        .unwrap();
    let reply = next_text(&mut client).await;
    let (method, path, _, body) = recv(&mut calls).await;
    assert_eq!((method.as_str(), path.as_str()), ("PUT", "/custom"));
    assert!(body.starts_with(r#"{"who": ""#), "{body}");
    assert_eq!(reply, format!("custom got {body}"));
    server.shutdown().await;
}

#[tokio::test]
async fn a_connect_handler_cannot_post_to_its_own_connection() {
    let (tx, mut answers) = mpsc::unbounded_channel();
    let management = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let base = management.clone();
    let server = start(CHAT, move |b| {
        b.handler("connection", move |event: Value, _| {
            let (tx, base) = (tx.clone(), base.clone());
            async move {
                if event["requestContext"]["eventType"] == "CONNECT" {
                    let id = event["requestContext"]["connectionId"]
                        .as_str()
                        .unwrap()
                        .to_string();
                    let url = format!("{}/@connections/{id}", base.lock().unwrap());
                    tx.send(http("POST", &url, b"too early".to_vec()).await.0)
                        .unwrap();
                }
                Ok(json!({"statusCode": 200}))
            }
        })
    })
    .await;
    *management.lock().unwrap() = server.management_url();
    let _client = connect(&server.url()).await;
    assert_eq!(recv(&mut answers).await, 410);
    server.shutdown().await;
}

#[tokio::test]
async fn a_client_that_never_reads_is_closed_instead_of_buffered() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (server, mut events) = chat().await;
    let mut stream = TcpStream::connect(server.local_addr()).await.unwrap();
    let handshake = format!(
        "GET /dev HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
        server.local_addr()
    );
    stream.write_all(handshake.as_bytes()).await.unwrap();
    let mut head = [0u8; 256];
    let n = stream.read(&mut head).await.unwrap();
    assert!(head[..n].starts_with(b"HTTP/1.1 101"));
    let id = recv(&mut events).await["requestContext"]["connectionId"]
        .as_str()
        .unwrap()
        .to_string();
    // From here on the client reads nothing.
    let url = format!("{}/@connections/{id}", server.management_url());
    let mut statuses = Vec::new();
    for _ in 0..2_000 {
        let (status, _, _) = http("POST", &url, vec![b'x'; 131_072]).await;
        statuses.push(status);
        if status != 200 {
            break;
        }
    }
    assert!(statuses.len() < 2_000, "never refused");
    assert!(matches!(statuses.last(), Some(429 | 410)), "{statuses:?}");
    assert_eq!(next_disconnect(&mut events).await.0, 1008);
    let (status, _, _) = http("POST", &url, b"x".to_vec()).await;
    assert_eq!(status, 410);
    server.shutdown().await;
}

#[tokio::test]
async fn wsgate_serve_prints_where_it_listens_and_stops_cleanly_on_sigterm() {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_wsgate"))
        .args([
            "serve",
            "examples/mock-templates/api.yaml",
            "--port",
            "0",
            "--stage",
            "test",
        ])
        .current_dir(&root)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let line = tokio::time::timeout(WAIT, lines.next_line())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let url = line.strip_prefix("listening on ").expect(&line).to_string();
    assert!(
        url.starts_with("ws://127.0.0.1:") && url.ends_with("/test"),
        "{url}"
    );
    let mut client = connect(&url).await;
    client
        .send(Message::text(r#"{"action":"whoami"}"#))
        .await
        .unwrap();
    assert!(next_text(&mut client).await.contains(r#""stage": "test""#));
    let pid = child.id().unwrap().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    assert_eq!(u16::from(next_close(&mut client).await.code), 1001);
    let status = tokio::time::timeout(WAIT, child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success(), "{status}");
}

#[tokio::test]
async fn an_http_connect_backend_sees_the_handshake_headers_and_decides() {
    let (url, mut calls) = backend(|_, _| (200, vec![], String::new())).await;
    let definition = format!(
        "name: hc\nrouteSelectionExpression: $request.body.action\n\
         integrations: {{c: {{integrationType: HTTP_PROXY, integrationUri: '{url}/connect'}}}}\n\
         routes: {{$connect: {{target: integrations/c}}}}\n"
    );
    let server = start(&definition, |b| b).await;
    let mut request = server.url().into_client_request().unwrap();
    request
        .headers_mut()
        .insert("X-Custom", "v".parse().unwrap());
    let (_client, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let (_, path, headers, _) = recv(&mut calls).await;
    assert_eq!(path, "/connect");
    assert!(
        headers.iter().any(|(k, v)| k == "x-custom" && v == "v"),
        "{headers:?}"
    );
    assert!(headers
        .iter()
        .any(|(k, v)| k == "sec-websocket-version" && v == "13"));
    server.shutdown().await;
}

/// Opens a WebSocket by hand on a raw TCP stream, so a test can send bytes no client library would.
async fn raw_client(server: &Server) -> TcpStream {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = TcpStream::connect(server.local_addr()).await.unwrap();
    let handshake = format!(
        "GET /dev HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
        server.local_addr()
    );
    stream.write_all(handshake.as_bytes()).await.unwrap();
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let mut byte = [0u8; 1];
        stream.read_exact(&mut byte).await.unwrap();
        head.push(byte[0]);
    }
    assert!(head.starts_with(b"HTTP/1.1 101"));
    stream
}

/// A masked client frame.
fn frame(fin: bool, opcode: u8, payload: &[u8]) -> Vec<u8> {
    assert!(payload.len() < 126);
    let mask = [1u8, 2, 3, 4];
    let mut bytes = vec![(u8::from(fin) << 7) | opcode, 0x80 | payload.len() as u8];
    bytes.extend_from_slice(&mask);
    bytes.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
    bytes
}

#[tokio::test]
async fn broken_clients_get_the_right_disconnect_codes() {
    use tokio::io::AsyncWriteExt;
    let (server, mut events) = chat().await;

    // Invalid UTF-8 in a text frame: 1007.
    let mut stream = raw_client(&server).await;
    recv(&mut events).await;
    stream
        .write_all(&frame(true, 0x1, &[0xff, 0xfe]))
        .await
        .unwrap();
    assert_eq!(next_disconnect(&mut events).await.0, 1007);

    // A client that vanishes in the middle of a fragmented message: 1006.
    let mut stream = raw_client(&server).await;
    recv(&mut events).await;
    stream
        .write_all(&frame(false, 0x1, b"{\"action\":"))
        .await
        .unwrap();
    drop(stream);
    assert_eq!(next_disconnect(&mut events).await.0, 1006);

    // A close frame without a status code: 1005.
    let mut stream = raw_client(&server).await;
    recv(&mut events).await;
    stream.write_all(&frame(true, 0x8, &[])).await.unwrap();
    assert_eq!(
        next_disconnect(&mut events).await,
        (1005, "Client-side close frame status not set".into())
    );
    server.shutdown().await;
}

#[tokio::test]
async fn the_maximum_duration_closes_even_an_active_connection() {
    let definition = format!("{CHAT}settings: {{maxConnectionSeconds: 1}}\n");
    let server = start(&definition, |b| {
        b.handler("connection", |_, _| async {
            Ok(json!({"statusCode": 200}))
        })
        .handler("chat", |_, _| async {
            Ok(json!({"statusCode": 200, "body": "ok"}))
        })
    })
    .await;
    let mut client = connect(&server.url()).await;
    let closed = loop {
        client
            .send(Message::text(r#"{"action":"joinroom","room":"r"}"#))
            .await
            .unwrap();
        match tokio::time::timeout(WAIT, client.next())
            .await
            .expect("an answer in time")
        {
            Some(Ok(Message::Text(_))) => continue,
            Some(Ok(Message::Close(Some(frame)))) => break frame,
            other => panic!("unexpected {other:?}"),
        }
    };
    assert_eq!(
        (u16::from(closed.code), closed.reason.as_str()),
        (1001, "Going away")
    );
    server.shutdown().await;
}

#[tokio::test]
async fn integrations_that_fail_on_the_network_give_internal_server_error() {
    let (invoke_url, _calls) = backend(|_, _| (200, vec![], "this is not JSON".into())).await;
    // A port nobody listens on: bind one, then close it.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap();
    let definition = format!(
        "name: broken\nrouteSelectionExpression: $request.body.action\n\
         integrations:\n  nonjson: {{integrationType: AWS_PROXY, integrationUri: '{invoke_url}/2015-03-31/functions/f/invocations'}}\n\
         \x20 refused: {{integrationType: HTTP_PROXY, integrationUri: 'http://{closed}/x'}}\n\
         \x20 nolambda: {{integrationType: AWS_PROXY, integrationUri: 'arn:aws:lambda:us-east-1:123456789012:function:f'}}\n\
         routes:\n  nonjson: {{target: integrations/nonjson}}\n  refused: {{target: integrations/refused}}\n\
         \x20 nolambda: {{target: integrations/nolambda}}\n"
    );
    let server = start(&definition, |b| b).await;
    let mut client = connect(&server.url()).await;
    for action in ["nonjson", "refused", "nolambda"] {
        client
            .send(Message::text(format!(r#"{{"action":"{action}"}}"#)))
            .await
            .unwrap();
        let reply = next_text(&mut client).await;
        assert!(
            reply.starts_with(r#"{"message": "Internal server error""#),
            "{action}: {reply}"
        );
    }
    server.shutdown().await;
}

#[tokio::test]
async fn a_stage_that_is_no_stage_name_is_refused() {
    let api = Api::from_str(MOCKS).unwrap();
    let refused = Gateway::builder(api)
        .stage("a/b")
        .serve("127.0.0.1:0")
        .await;
    assert_eq!(
        refused.err().map(|e| e.kind()),
        Some(std::io::ErrorKind::InvalidInput)
    );
}

#[tokio::test]
async fn in_process_code_posts_to_connections_without_http() {
    use wsgate_core::server::{ConnectionError, Outbound};
    let (server, mut events) = chat().await;
    let (mut client, id) = join(&server, &mut events).await;
    let connections = server.connections().clone();
    assert_eq!(connections.len(), 1);
    connections
        .post(&id, Outbound::Text("from Rust".into()))
        .unwrap();
    assert_eq!(next_text(&mut client).await, "from Rust");
    let info = connections.get(&id).unwrap();
    assert_eq!(info["identity"]["sourceIp"], "127.0.0.1");
    assert!(
        info["connectedAt"].as_str().unwrap().ends_with('Z'),
        "{info}"
    );
    connections.delete(&id).unwrap();
    // Gone as soon as DeleteConnection has answered, before the client has even read its close frame.
    assert_eq!(
        connections.post(&id, Outbound::Text("late".into())),
        Err(ConnectionError::Gone)
    );
    assert_eq!(connections.get(&id), Err(ConnectionError::Gone));
    assert_eq!(connections.delete(&id), Err(ConnectionError::Gone));
    assert_eq!(u16::from(next_close(&mut client).await.code), 1000);
    assert_eq!(next_disconnect(&mut events).await.0, 1000);
    let never_connected = "XDmENcnwIE0CFEQ=";
    assert_eq!(
        connections.post(never_connected, Outbound::Text("x".into())),
        Err(ConnectionError::Gone)
    );
    server.shutdown().await;
}

/// A TLS connection to the gateway, from a client that trusts the gateway's certificate.
async fn tls_client(server: &Server) -> tokio_rustls::client::TlsStream<TcpStream> {
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    let pem = server.certificate_pem().expect("TLS is on");
    for certificate in rustls::pki_types::CertificateDer::pem_slice_iter(pem.as_bytes()) {
        roots.add(certificate.unwrap()).unwrap();
    }
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let tcp = TcpStream::connect(server.local_addr()).await.unwrap();
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    tokio_rustls::TlsConnector::from(std::sync::Arc::new(config))
        .connect(name, tcp)
        .await
        .unwrap()
}

#[tokio::test]
async fn wss_and_https_share_the_port_with_ws_and_http() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let tls = wsgate_core::server::Tls::local("127.0.0.1", None).unwrap();
    let (server, mut events) = chat_with(|b| b.tls(tls)).await;
    let port = server.local_addr().port();

    let url = format!("wss://localhost:{port}/dev");
    let (mut secure, _) = tokio_tungstenite::client_async(url, tls_client(&server).await)
        .await
        .unwrap();
    let connect = recv(&mut events).await;
    assert_eq!(
        connect["headers"]["X-Forwarded-Proto"], "https",
        "{connect}"
    );
    let id = connect["requestContext"]["connectionId"]
        .as_str()
        .unwrap()
        .to_string();
    secure
        .send(Message::text(r#"{"action":"joinroom","room":"lobby"}"#))
        .await
        .unwrap();
    match tokio::time::timeout(WAIT, secure.next()).await.unwrap() {
        Some(Ok(Message::Text(text))) => assert_eq!(text.as_str(), "joined lobby"),
        other => panic!("expected the reply, got {other:?}"),
    }

    let mut https = tls_client(&server).await;
    let request = format!("GET /dev/@connections/{id} HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n");
    https.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    tokio::time::timeout(WAIT, https.read_to_string(&mut response))
        .await
        .unwrap()
        .unwrap();
    assert!(response.starts_with("HTTP/1.1 200 OK"), "{response}");
    assert!(response.contains("\"connectedAt\""), "{response}");

    let (mut plain, _) = join(&server, &mut events).await;
    plain
        .send(Message::text(r#"{"action":"nope"}"#))
        .await
        .unwrap();
    assert!(next_text(&mut plain).await.contains("Unknown action"));
    server.shutdown().await;
}

#[tokio::test]
async fn a_broken_tls_handshake_ends_only_its_own_connection() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let tls = wsgate_core::server::Tls::local("127.0.0.1", None).unwrap();
    let (server, mut events) = chat_with(|b| b.tls(tls)).await;
    let mut broken = TcpStream::connect(server.local_addr()).await.unwrap();
    // A TLS handshake record header followed by bytes that are no ClientHello.
    broken
        .write_all(b"\x16\x03\x01\x00\x05garbage\r\n\r\n")
        .await
        .unwrap();
    let mut rest = Vec::new();
    let read = tokio::time::timeout(WAIT, broken.read_to_end(&mut rest)).await;
    assert!(read.is_ok(), "the gateway ends the connection");
    assert!(
        !String::from_utf8_lossy(&rest).contains("HTTP/1.1"),
        "no HTTP answer"
    );

    let (mut client, _) = join(&server, &mut events).await;
    client
        .send(Message::text(r#"{"action":"nope"}"#))
        .await
        .unwrap();
    assert!(next_text(&mut client).await.contains("Unknown action"));
    server.shutdown().await;
}
