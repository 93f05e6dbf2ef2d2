//! The error every service returns: a refusal with a stable code and a zh-CN message (not found,
//! forbidden, invalid input, conflict, …), or an internal failure whose cause is logged and never
//! shown.

use neibao_domain::error::{DomainError, ErrorCode};
use neibao_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Refused: the code says why (HTTP status from [`ErrorCode::http_status`]), the message is
    /// for people.
    #[error("{}", .0.message)]
    Refused(DomainError),
    /// Something broke (database unreachable, a bug): the cause goes to the log under the
    /// request id, the caller sees `internal`.
    #[error(transparent)]
    Internal(anyhow::Error),
}

pub type ServiceResult<T> = Result<T, ServiceError>;

impl ServiceError {
    /// A refusal with `code` and its standard message.
    pub fn code(code: ErrorCode) -> ServiceError {
        ServiceError::Refused(DomainError::new(code))
    }

    /// A refusal with `code` and a message of its own.
    pub fn refused(code: ErrorCode, message: impl Into<String>) -> ServiceError {
        ServiceError::Refused(DomainError::with_message(code, message))
    }

    /// `validation_failed` (400) with a zh-CN message.
    pub fn invalid(message: impl Into<String>) -> ServiceError {
        ServiceError::refused(ErrorCode::ValidationFailed, message)
    }

    /// `not_found` (404): also what an object outside the caller's scope answers.
    pub fn not_found() -> ServiceError {
        ServiceError::code(ErrorCode::NotFound)
    }

    /// `forbidden` (403) with a zh-CN message.
    pub fn forbidden(message: impl Into<String>) -> ServiceError {
        ServiceError::refused(ErrorCode::Forbidden, message)
    }

    /// The stable code of this error (`internal` for failures).
    pub fn error_code(&self) -> ErrorCode {
        match self {
            ServiceError::Refused(d) => d.code,
            ServiceError::Internal(_) => ErrorCode::Internal,
        }
    }
}

impl From<DomainError> for ServiceError {
    fn from(e: DomainError) -> Self {
        ServiceError::Refused(e)
    }
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ServiceError::not_found(),
            // The store's conflicts name the clash in Chinese where a person should read it
            // (an existing rule code); otherwise the standard message.
            StoreError::Conflict(m) if m.chars().any(|c| c > '\u{2e80}') => {
                ServiceError::refused(ErrorCode::Conflict, m)
            }
            StoreError::Conflict(_) => ServiceError::code(ErrorCode::Conflict),
            StoreError::Domain(d) => ServiceError::Refused(d),
            StoreError::Other(e) => ServiceError::Internal(e),
        }
    }
}

impl From<anyhow::Error> for ServiceError {
    fn from(e: anyhow::Error) -> Self {
        ServiceError::Internal(e)
    }
}
