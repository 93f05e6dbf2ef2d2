//! A request id on every request: taken from the `X-Request-Id` header when it is a sane token
//! (1–64 characters of `A–Z a–z 0–9 . _ -`), else a new one; sent back in `X-Request-Id`, carried
//! by the tracing span of the request (so every log line of the request has it), and named in
//! the zh-CN message of an internal error so that a user can quote it to an administrator.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

/// The header in and out.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request being handled on this task, if any.
pub fn current() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

/// `fut` with the request id and tracing span of the current request, for work the request
/// hands to a task of its own (a spawned task does not inherit them).
pub fn carry<F: std::future::Future>(fut: F) -> impl std::future::Future<Output = F::Output> {
    let id = current().unwrap_or_default();
    REQUEST_ID.scope(id, fut.instrument(tracing::Span::current()))
}

fn acceptable(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// Middleware: names the request, runs it inside its span, answers with its id.
pub async fn layer(req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| acceptable(v))
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::now_v7().simple().to_string());
    let span = tracing::info_span!("request", id = %id, method = %req.method(), path = %req.uri().path());
    let mut resp = REQUEST_ID.scope(id.clone(), next.run(req).instrument(span)).await;
    if let Ok(v) = HeaderValue::from_str(&id) {
        resp.headers_mut().insert(REQUEST_ID_HEADER, v);
    }
    resp
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_sane_ids_are_taken() {
        assert!(super::acceptable("0193f1c2-ab.cd_01"));
        assert!(!super::acceptable(""));
        assert!(!super::acceptable("a b"));
        assert!(!super::acceptable(&"x".repeat(65)));
        assert!(!super::acceptable("中文"));
    }
}
