//! Uniform errors for what no handler answered: axum's own extractor rejections (bad query
//! strings, malformed JSON, wrong content type), unknown routes and wrong methods. API and ingest
//! paths get the documented `{"error":{"code","message"}}` body with a zh-CN message; UI paths get
//! a small Chinese page. Nothing English or empty reaches people. (What hyper answers itself before
//! any of this runs, 414 and 431 for a request head too long to read, gets its body in
//! `neibao::head_errors`, with [`is_api_path`], [`error_json`] and [`error_page_html`].)

use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use neibao_domain::error::ErrorCode;

use crate::error::ApiError;

/// Router fallback: unknown paths.
pub async fn not_found() -> Response {
    StatusCode::NOT_FOUND.into_response()
}

/// Whether an error on `path` is answered with the JSON error body (API, device ingest,
/// operations endpoints) rather than a Chinese page.
pub fn is_api_path(p: &str) -> bool {
    p.starts_with("/api/") || p.starts_with("/ingest/") || matches!(p, "/metrics" | "/healthz" | "/readyz")
}

/// The small Chinese error page of UI paths, with `message` (plain text without markup).
pub fn error_page_html(message: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>出错了 · 智慧内保</title><link rel=\"stylesheet\" href=\"/static/style.css\"></head><body><main><h1>出错了</h1><div class=\"error\">{message}</div><p><a href=\"/\">返回首页</a></p></main></body></html>"
    )
}

/// The JSON error body `{"error":{"code","message"}}` of `code` with its standard message.
pub fn error_json(code: ErrorCode) -> String {
    serde_json::json!({"error": {"code": code.as_str(), "message": code.message_zh()}}).to_string()
}

/// Rewrites plain-text or empty error responses (see module docs).
pub async fn uniform_errors(req: Request, next: Next) -> Response {
    let api = is_api_path(req.uri().path());
    let resp = next.run(req).await;
    let status = resp.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let ct = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if ct.starts_with("application/json") || ct.starts_with("text/html") {
        return resp;
    }
    let (code, message) = match status {
        StatusCode::NOT_FOUND => (ErrorCode::NotFound, "页面或接口不存在".to_string()),
        StatusCode::METHOD_NOT_ALLOWED => (ErrorCode::ValidationFailed, "不支持该请求方法".to_string()),
        StatusCode::PAYLOAD_TOO_LARGE => (
            ErrorCode::PayloadTooLarge,
            ErrorCode::PayloadTooLarge.message_zh().to_string(),
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            ErrorCode::UnsupportedMediaType,
            "请求的内容类型应为 application/json".to_string(),
        ),
        StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST => (
            ErrorCode::ValidationFailed,
            "请求格式不正确：缺少字段、字段类型不符或参数超出范围".to_string(),
        ),
        s if s.is_server_error() => (ErrorCode::Internal, ErrorCode::Internal.message_zh().to_string()),
        _ => (
            ErrorCode::ValidationFailed,
            ErrorCode::ValidationFailed.message_zh().to_string(),
        ),
    };
    let mut out = if api {
        ApiError::msg(code, message).into_response()
    } else {
        Html(error_page_html(&message)).into_response()
    };
    *out.status_mut() = if code == ErrorCode::ValidationFailed && status == StatusCode::UNPROCESSABLE_ENTITY {
        StatusCode::BAD_REQUEST
    } else {
        status
    };
    out
}
