//! Bodies for the answers hyper writes by itself: a request whose target (the URL) is longer
//! than 65 534 bytes gets `414 URI Too Long`, a request head larger than hyper reads gets
//! `431 Request Header Fields Too Large` — both before any layer of the router runs, and with an
//! empty body. [`ErrorBodies`] wraps a connection's socket and, when hyper writes such an
//! answer, writes instead the same status with the application's error body: the JSON
//! `{"error":{"code":"uri_too_long","message":…}}` for API, ingest and operations paths, the
//! Chinese error page elsewhere (`neibao_web::fallback`). The path is read from the first bytes
//! of the request being read. hyper closes the connection after such an answer.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use neibao_domain::error::ErrorCode;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// How many bytes of a request's beginning are kept to find its path.
const HEAD_KEEP: usize = 96;

/// A socket whose answers to unreadable request heads get a body (see the module docs).
pub struct ErrorBodies<S> {
    inner: S,
    /// The first bytes of the request being read (since the last answer was written).
    head: Vec<u8>,
    /// An answer was written since `head` was recorded: the next bytes read start a request.
    answered: bool,
    /// The rewritten answer, still to be written, and how much of it is.
    pending: Vec<u8>,
    written: usize,
}

impl<S> ErrorBodies<S> {
    pub fn new(inner: S) -> ErrorBodies<S> {
        ErrorBodies {
            inner,
            head: Vec::new(),
            answered: true,
            pending: Vec::new(),
            written: 0,
        }
    }

    /// The path of the request being read (`/api/v1/…`), as far as its first bytes tell.
    fn path(&self) -> String {
        let head = String::from_utf8_lossy(&self.head);
        head.split(' ').nth(1).unwrap_or("").to_string()
    }

    /// The full answer to send instead of hyper's head `first` (which starts a write), if it is
    /// one of hyper's empty error answers.
    fn rewrite(&self, first: &[u8]) -> Option<Vec<u8>> {
        let (status, reason) = if first.starts_with(b"HTTP/1.1 414 ") {
            (414, "URI Too Long")
        } else if first.starts_with(b"HTTP/1.1 431 ") {
            (431, "Request Header Fields Too Large")
        } else {
            return None;
        };
        Some(answer(status, reason, &self.path()))
    }
}

/// The whole HTTP/1.1 answer with the application's error body for `path`.
pub fn answer(status: u16, reason: &str, path: &str) -> Vec<u8> {
    let (content_type, body) = if neibao_web::fallback::is_api_path(path) {
        (
            "application/json",
            neibao_web::fallback::error_json(ErrorCode::UriTooLong),
        )
    } else {
        (
            "text/html; charset=utf-8",
            neibao_web::fallback::error_page_html(ErrorCode::UriTooLong.message_zh()),
        )
    };
    format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\ncache-control: no-store\r\nx-content-type-options: nosniff\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

impl<S: AsyncWrite + Unpin> ErrorBodies<S> {
    /// Writes what is left of a rewritten answer; ready when nothing is.
    fn drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.written < self.pending.len() {
            match Pin::new(&mut self.inner).poll_write(cx, &self.pending[self.written..]) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => self.written += n,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(Ok(()))
    }

    /// Takes a write of `len` bytes starting with `first`: swallowed (and replaced) when it is
    /// one of hyper's empty error answers.
    fn intercept(&mut self, first: &[u8], len: usize) -> Option<usize> {
        if len > 0 {
            self.answered = true;
        }
        let answer = self.rewrite(first)?;
        self.pending = answer;
        self.written = 0;
        Some(len)
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for ErrorBodies<S> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let this = &mut *self;
        let r = Pin::new(&mut this.inner).poll_read(cx, buf);
        let new = &buf.filled()[before..];
        if matches!(r, Poll::Ready(Ok(()))) && !new.is_empty() {
            if this.answered {
                this.head.clear();
                this.answered = false;
            }
            let room = HEAD_KEEP.saturating_sub(this.head.len());
            this.head.extend_from_slice(&new[..room.min(new.len())]);
        }
        r
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for ErrorBodies<S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        std::task::ready!(this.drain(cx))?;
        if let Some(n) = this.intercept(buf, buf.len()) {
            // Pretend hyper's answer was written; ours goes out now or on the next flush.
            let _ = this.drain(cx)?;
            return Poll::Ready(Ok(n));
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        std::task::ready!(this.drain(cx))?;
        let first = bufs.iter().find(|b| !b.is_empty()).map(|b| &b[..]).unwrap_or(&[]);
        let len = bufs.iter().map(|b| b.len()).sum();
        if let Some(n) = this.intercept(first, len) {
            let _ = this.drain(cx)?;
            return Poll::Ready(Ok(n));
        }
        Pin::new(&mut this.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        std::task::ready!(this.drain(cx))?;
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        std::task::ready!(this.drain(cx))?;
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test]
    async fn hypers_empty_414_gets_the_error_body_of_its_path() {
        for (path, json) in [("/api/v1/units?x=", true), ("/alerts?x=", false)] {
            let (client, server) = tokio::io::duplex(64 * 1024);
            let mut wrapped = ErrorBodies::new(server);
            let (mut cr, mut cw) = tokio::io::split(client);
            cw.write_all(format!("GET {path}aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa").as_bytes())
                .await
                .unwrap();
            let mut buf = [0u8; 200];
            let n = wrapped.read(&mut buf).await.unwrap();
            assert!(n > 0);
            wrapped
                .write_all(b"HTTP/1.1 414 URI Too Long\r\ncontent-length: 0\r\n\r\n")
                .await
                .unwrap();
            wrapped.shutdown().await.unwrap();
            drop(wrapped);
            let mut out = String::new();
            cr.read_to_string(&mut out).await.unwrap();
            assert!(out.starts_with("HTTP/1.1 414 URI Too Long\r\n"), "{out}");
            if json {
                assert!(
                    out.contains("application/json") && out.contains("\"uri_too_long\""),
                    "{out}"
                );
            } else {
                assert!(out.contains("text/html") && out.contains("请求地址过长"), "{out}");
            }
        }
    }

    #[tokio::test]
    async fn other_answers_pass_unchanged() {
        let (client, server) = tokio::io::duplex(4096);
        let mut wrapped = ErrorBodies::new(server);
        let (mut cr, _cw) = tokio::io::split(client);
        wrapped.write_all(b"HTTP/1.1 200 OK\r\n\r\n").await.unwrap();
        wrapped.shutdown().await.unwrap();
        drop(wrapped);
        let mut out = String::new();
        cr.read_to_string(&mut out).await.unwrap();
        assert_eq!(out, "HTTP/1.1 200 OK\r\n\r\n");
    }
}
