//! Reading an HTTP/1 request head off a new TCP connection with `httparse`, which keeps header names exactly as the
//! client wrote them (API Gateway forwards them so), and replaying those bytes when hyper serves the connection.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, ReadBuf};

/// Request heads longer than this are refused with 431.
pub const MAX_HEAD_BYTES: usize = 16 * 1024;
const MAX_HEADERS: usize = 100;

/// A parsed request head.
#[derive(Debug)]
pub struct Head {
    pub method: String,
    /// The request target as sent: path and query.
    pub target: String,
    /// Header names in the client's casing and order.
    pub headers: Vec<(String, String)>,
    /// Bytes the head took; what follows belongs to the protocol spoken next.
    pub len: usize,
}

impl Head {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// A WebSocket upgrade request (RFC 6455 §4.2.1)?
    pub fn is_upgrade(&self) -> bool {
        self.method == "GET"
            && self
                .header("upgrade")
                .is_some_and(|u| u.eq_ignore_ascii_case("websocket"))
            && self.header("connection").is_some_and(|c| {
                c.split(',')
                    .any(|t| t.trim().eq_ignore_ascii_case("upgrade"))
            })
    }

    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    pub fn query(&self) -> Option<&str> {
        self.target.split_once('?').map(|(_, q)| q)
    }
}

/// Why no head could be read.
#[derive(Debug)]
pub enum HeadError {
    /// The peer closed the connection or the read failed: nothing to answer.
    Closed,
    /// Not HTTP: answer 400.
    Malformed,
    /// Over [`MAX_HEAD_BYTES`] or [`MAX_HEADERS`]: answer 431.
    TooLarge,
}

/// Reads until a whole head has arrived; returns it and every byte read so far (head and whatever followed).
pub async fn read_head<S: AsyncRead + Unpin>(stream: &mut S) -> Result<(Head, Vec<u8>), HeadError> {
    // Read straight into the buffer, which grows as needed: no chunk on the connection task's stack.
    let mut buf = Vec::with_capacity(1024);
    loop {
        let n = stream
            .read_buf(&mut buf)
            .await
            .map_err(|_| HeadError::Closed)?;
        if n == 0 {
            return Err(HeadError::Closed);
        }
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut request = httparse::Request::new(&mut headers);
        match request.parse(&buf) {
            Ok(httparse::Status::Complete(len)) => {
                let head = Head {
                    method: request.method.unwrap_or_default().to_string(),
                    target: request.path.unwrap_or_default().to_string(),
                    headers: request
                        .headers
                        .iter()
                        .map(|h| {
                            (
                                h.name.to_string(),
                                String::from_utf8_lossy(h.value).into_owned(),
                            )
                        })
                        .collect(),
                    len,
                };
                return Ok((head, buf));
            }
            Ok(httparse::Status::Partial) if buf.len() < MAX_HEAD_BYTES => {}
            Ok(httparse::Status::Partial) | Err(httparse::Error::TooManyHeaders) => {
                return Err(HeadError::TooLarge)
            }
            Err(_) => return Err(HeadError::Malformed),
        }
    }
}

/// An IO that first yields bytes already read, then reads from the inner stream.
pub struct Rewind<S> {
    prefix: Vec<u8>,
    offset: usize,
    inner: S,
}

impl<S> Rewind<S> {
    pub fn new(inner: S, prefix: Vec<u8>) -> Self {
        Self {
            prefix,
            offset: 0,
            inner,
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Rewind<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.offset < self.prefix.len() {
            let n = buf.remaining().min(self.prefix.len() - self.offset);
            let start = self.offset;
            buf.put_slice(&self.prefix[start..start + n]);
            self.offset += n;
            if self.offset == self.prefix.len() {
                self.prefix = Vec::new();
                self.offset = 0;
            }
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Rewind<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, data)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn heads_keep_header_casing_and_the_bytes_after_them() {
        let raw = b"GET /dev?a=1 HTTP/1.1\r\nHost: h:1\r\nSec-WebSocket-Key: k\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n\r\nEXTRA";
        let (head, bytes) = read_head(&mut &raw[..]).await.unwrap();
        assert!(head.is_upgrade());
        assert_eq!(head.path(), "/dev");
        assert_eq!(head.query(), Some("a=1"));
        assert_eq!(head.headers[1].0, "Sec-WebSocket-Key");
        assert_eq!(&bytes[head.len..], b"EXTRA");
    }

    #[tokio::test]
    async fn garbage_and_huge_heads_are_refused() {
        assert!(matches!(
            read_head(&mut &b"\x00\x01garbage\r\n\r\n"[..]).await,
            Err(HeadError::Malformed)
        ));
        let huge = format!(
            "GET / HTTP/1.1\r\nX: {}\r\n\r\n",
            "a".repeat(MAX_HEAD_BYTES)
        );
        assert!(matches!(
            read_head(&mut huge.as_bytes()).await,
            Err(HeadError::TooLarge)
        ));
    }
}
