//! The HTTP error body: `{"error":{"code","message"}}` with a stable code and a zh-CN message.
//! Internal details go to the log under the request, never into the body.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use neibao_domain::error::{DomainError, ErrorCode};
use neibao_store::StoreError;
use serde::Serialize;

#[derive(Debug, Clone)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
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
        }
    }
    pub fn msg(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            message: message.into(),
        }
    }
    pub fn not_found() -> ApiError {
        ApiError::new(ErrorCode::NotFound)
    }
    pub fn forbidden() -> ApiError {
        ApiError::new(ErrorCode::Forbidden)
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
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::not_found(),
            StoreError::Conflict(m) => ApiError::msg(
                ErrorCode::Conflict,
                if m.chars().any(|c| c > '\u{2e80}') {
                    m
                } else {
                    ErrorCode::Conflict.message_zh().into()
                },
            ),
            StoreError::Domain(d) => d.into(),
            StoreError::Other(err) => {
                tracing::error!(error = %err, "store error");
                ApiError::new(ErrorCode::Internal)
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.as_str().to_string(),
                message: self.message,
            },
        };
        let mut resp = (status, Json(body)).into_response();
        if self.code == ErrorCode::Busy {
            // Busy answers (load, login lockout) say when to come back.
            resp.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("60"),
            );
        }
        resp
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
