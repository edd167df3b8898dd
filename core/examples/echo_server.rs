//! The baseline for the benchmarks: a hand-written tokio-tungstenite server doing the same job as wsgate's echo
//! route (parse the JSON, route on `action`, check it, send the message back), and nothing else.
//!
//! `cargo run --release -p wsgate-core --example echo_server` prints `listening on ws://127.0.0.1:PORT/`.

use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;

#[tokio::main]
async fn main() -> std::io::Result<()> {
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
                let body: serde_json::Value = match serde_json::from_str(&text) {
                    Ok(v) => v,
                    Err(_) => continue,
                };
                if body.get("action").and_then(|a| a.as_str()) == Some("echo")
                    && ws.send(Message::Text(text)).await.is_err()
                {
                    break;
                }
            }
        });
    }
}
