//! The HTTP error body: `{"error":{"code","message"}}` with a stable code and a zh-CN message.
//! Internal details go to the log under the request, never into the body.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use neibao_domain::error::{DomainError, ErrorCode};
use neibao_engine::ServiceError;
use serde::Serialize;

#[derive(Debug, Clone)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    /// Seconds to send as `Retry-After` (a lockout's remaining time); `busy` without it says 60.
    pub retry_after: Option<u64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable code, e.g. `not_found`.
    pub code: String,
    /// zh-CN message for people.
    pub message: String,
}

impl ApiError {
    pub fn new(code: ErrorCode) -> ApiError {
        ApiError {
            code,
            message: code.message_zh().to_string(),
            retry_after: None,
        }
    }
    pub fn msg(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            message: message.into(),
            retry_after: None,
        }
    }
    /// The `Retry-After` value this refusal promises, if any: its own seconds (a lockout), or 60
    /// for any other `busy`.
    pub fn retry_after_header(&self) -> Option<axum::http::HeaderValue> {
        match (self.retry_after, self.code) {
            (Some(secs), _) => Some(axum::http::HeaderValue::from(secs)),
            (None, ErrorCode::Busy) => Some(axum::http::HeaderValue::from_static("60")),
            (None, _) => None,
        }
    }
    /// Adds this refusal's `Retry-After` (if any) to a response rendered for it (a page).
    pub fn with_retry_after(&self, mut resp: Response) -> Response {
        if let Some(v) = self.retry_after_header() {
            resp.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
        }
        resp
    }
    pub fn not_found() -> ApiError {
        ApiError::new(ErrorCode::NotFound)
    }
    pub fn forbidden() -> ApiError {
        ApiError::new(ErrorCode::Forbidden)
    }
    /// `internal` (500): the zh-CN message names the request id to quote to an administrator.
    pub fn internal() -> ApiError {
        match crate::request_id::current() {
            Some(id) => ApiError::msg(
                ErrorCode::Internal,
                format!(
                    "{}（请求编号 {id}，请告知系统管理员）",
                    ErrorCode::Internal.message_zh()
                ),
            ),
            None => ApiError::new(ErrorCode::Internal),
        }
    }
    pub fn validation(message: impl Into<String>) -> ApiError {
        ApiError::msg(ErrorCode::ValidationFailed, message)
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        ApiError {
            code: e.code,
            message: e.message,
            retry_after: e.retry_after,
        }
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Refused(d) => d.into(),
            ServiceError::Internal(err) => {
                // The cause goes to the log (in the request's span, with its id); the caller
                // sees the id to quote.
                tracing::error!(error = %err, "internal error");
                ApiError::internal()
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        // Busy answers (load, lockouts) say when to come back: a lockout its real remaining time.
        let retry = self.retry_after_header();
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.as_str().to_string(),
                message: self.message,
            },
        };
        let mut resp = (status, Json(body)).into_response();
        if let Some(v) = retry {
            resp.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
        }
        resp
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
