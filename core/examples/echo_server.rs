//! The Rust baselines of the benchmarks, hand-written on tokio-tungstenite: by default a minimal router doing the
//! job of wsgate's echo route (parse the JSON, route on `action`, send the message back), and with `--raw` an echo
//! that parses nothing. Each reads with a 4 KiB buffer, as a small server would.
//!
//! `cargo run --release -p wsgate-core --example echo_server [-- --raw]` prints `listening on ws://127.0.0.1:PORT/`.

use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let raw = std::env::args().any(|a| a == "--raw");
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    println!("listening on ws://{}/", listener.local_addr()?);
    loop {
        let (stream, _) = listener.accept().await?;
        let _ = stream.set_nodelay(true);
        tokio::spawn(async move {
            let config = WebSocketConfig::default().read_buffer_size(4096);
            let Ok(mut ws) =
                tokio_tungstenite::accept_async_with_config(stream, Some(config)).await
            else {
                return;
            };
            while let Some(Ok(message)) = ws.next().await {
                let Message::Text(text) = message else {
                    continue;
                };
                let routed = raw || {
                    let body: Option<serde_json::Value> = serde_json::from_str(&text).ok();
                    body.as_ref().and_then(|b| b.get("action")?.as_str()) == Some("echo")
                };
                let reply = if routed {
                    Message::Text(text)
                } else {
                    Message::text(r#"{"message": "Forbidden"}"#)
                };
                if ws.send(reply).await.is_err() {
                    break;
                }
            }
        });
    }
}
