//! 1,000 concurrent connections × 100 messages through a two-way MOCK route: every reply arrives, to the right
//! client, and nothing is lost.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;
use wsgate_core::server::Gateway;
use wsgate_core::Api;

const CONNECTIONS: usize = 1_000;
const MESSAGES: usize = 100;

/// Selection, validation and a two-way MOCK integration: what most routes do.
const ECHO: &str = include_str!("../../examples/echo/api.yaml");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_clients_get_every_reply() {
    let server = Gateway::builder(Api::from_str(ECHO).unwrap())
        .serve("127.0.0.1:0")
        .await
        .unwrap();
    let url = server.url();
    let mut clients = Vec::new();
    for c in 0..CONNECTIONS {
        let url = url.clone();
        clients.push(tokio::spawn(async move {
            let (mut ws, _) = tokio_tungstenite::connect_async(url)
                .await
                .expect("connects");
            for n in 0..MESSAGES {
                let message = format!(r#"{{"action":"echo","client":{c},"n":{n}}}"#);
                ws.feed(Message::text(message)).await.unwrap();
            }
            ws.flush().await.unwrap();
            let mut seen = [false; MESSAGES];
            for _ in 0..MESSAGES {
                let reply = match ws.next().await {
                    Some(Ok(Message::Text(text))) => text,
                    other => panic!("client {c}: expected a reply, got {other:?}"),
                };
                let reply: serde_json::Value = serde_json::from_str(&reply).unwrap();
                assert_eq!(reply["client"], c, "a reply reached the wrong client");
                seen[reply["n"].as_u64().unwrap() as usize] = true;
            }
            assert!(seen.iter().all(|s| *s), "client {c} lost a reply");
            ws.close(None).await.unwrap();
            MESSAGES
        }));
    }
    let mut delivered = 0;
    for client in clients {
        delivered += tokio::time::timeout(Duration::from_secs(120), client)
            .await
            .expect("the load finishes in time")
            .expect("the client succeeded");
    }
    assert_eq!(delivered, CONNECTIONS * MESSAGES);
    server.shutdown().await;
}
