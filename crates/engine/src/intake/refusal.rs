//! [`Refusal`]: why the intake path did not take a payload, typed, with the stable code and the
//! zh-CN message every transport reports it with.

use neibao_domain::devices::DeviceFormat;
use neibao_domain::error::{DomainError, ErrorCode};
use neibao_ingest::DecodeError;

use crate::error::ServiceError;

/// Why a payload was not taken.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// No device has this ingest token (HTTP 401 `unknown_ingest_token`).
    #[error("unknown ingest token")]
    UnknownToken,
    /// The body is over the size limit (413 `payload_too_large`).
    #[error("payload over the size limit")]
    TooLarge,
    /// The node has too many payloads in flight, the bus backlog is over its limit, or the
    /// client's address has used up its lookups of unknown tokens (429 `busy`, retry later).
    #[error("too many payloads in flight")]
    Busy,
    /// The body could not be read to its end (400 `undecodable_payload`).
    #[error("the body could not be read")]
    Unreadable,
    /// The device was registered with another format (415 `unsupported_media_type`).
    #[error("the device's format is {}", .0.code())]
    WrongFormat(DeviceFormat),
    /// The decoder of the device's format could not read the body (400 `undecodable_payload`).
    #[error("undecodable payload: {}", .0.code())]
    Undecodable(DecodeError),
    /// The event bus did not take the payload (503 `unavailable`, retry later).
    #[error("event bus unavailable: {0}")]
    Unavailable(String),
    /// The store failed (or refused) while taking the payload.
    #[error(transparent)]
    Failed(ServiceError),
}

impl Refusal {
    /// The stable code of the refusal.
    pub fn code(&self) -> ErrorCode {
        match self {
            Refusal::UnknownToken => ErrorCode::UnknownIngestToken,
            Refusal::TooLarge => ErrorCode::PayloadTooLarge,
            Refusal::Busy => ErrorCode::Busy,
            Refusal::Unreadable | Refusal::Undecodable(_) => ErrorCode::UndecodablePayload,
            Refusal::WrongFormat(_) => ErrorCode::UnsupportedMediaType,
            Refusal::Unavailable(_) => ErrorCode::Unavailable,
            Refusal::Failed(e) => e.error_code(),
        }
    }

    /// The `result` label of `neibao_ingest_requests_total` for this refusal.
    pub fn metric_label(&self) -> &'static str {
        match self.code() {
            ErrorCode::UnknownIngestToken => "unknown_token",
            ErrorCode::PayloadTooLarge => "too_large",
            ErrorCode::Busy => "busy",
            ErrorCode::Unavailable | ErrorCode::Internal => "unavailable",
            _ => "undecodable",
        }
    }

    /// Whether the device should send the payload again later (the node, the bus or the
    /// database could not take it: not the device's fault).
    pub fn retry_later(&self) -> bool {
        matches!(
            self.code(),
            ErrorCode::Busy | ErrorCode::Unavailable | ErrorCode::Internal
        )
    }
}

impl From<ServiceError> for Refusal {
    fn from(e: ServiceError) -> Self {
        Refusal::Failed(e)
    }
}

impl From<neibao_store::StoreError> for Refusal {
    fn from(e: neibao_store::StoreError) -> Self {
        Refusal::Failed(e.into())
    }
}

/// The refusal as a service error: its code and zh-CN message (a store failure stays internal).
impl From<Refusal> for ServiceError {
    fn from(r: Refusal) -> Self {
        let code = r.code();
        let message = match r {
            Refusal::Failed(e) => return e,
            Refusal::Unreadable => "读取请求体失败".to_string(),
            Refusal::WrongFormat(f) => format!(
                "该设备的接入格式为「{}」，请使用 /ingest/{}/…",
                f.label_zh(),
                f.ingest_path()
            ),
            Refusal::Undecodable(e) => format!("{}（{}）", ErrorCode::UndecodablePayload.message_zh(), e.message_zh()),
            Refusal::UnknownToken | Refusal::TooLarge | Refusal::Busy | Refusal::Unavailable(_) => {
                return ServiceError::Refused(DomainError::new(code))
            }
        };
        ServiceError::Refused(DomainError::with_message(code, message))
    }
}
