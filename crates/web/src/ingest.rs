//! Device ingest endpoints. Security-sensitive: the bytes come from devices and anyone on the
//! network.
//!
//! - `POST /ingest/hikvision/{ingest_token}`: Hikvision ISAPI pushes (XML, JSON, multipart),
//!   decoded by `neibao_ingest::decode_hikvision` (DEVICE-FORMATS.md §1–2).
//! - `POST /ingest/json/{ingest_token}`: the generic JSON shape (docs/EVENTS.md).
//!
//! Answers: 200 `{"accepted": n, "heartbeats": h, "alerts": a}`; 401 unknown token; 413 body over
//! the limit; 400 undecodable body with a stable code. Never 500 for any byte sequence: a store
//! failure is 503 so the device retries.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use chrono::Utc;
use neibao_domain::error::ErrorCode;
use neibao_domain::ids::token_hash;
use neibao_domain::unit::DeviceFormat;
use serde::Serialize;

use crate::error::ApiError;
use crate::{AppState, WebConfig};

pub fn routes(config: &WebConfig) -> Router<AppState> {
    Router::new()
        .route("/ingest/hikvision/{token}", post(hikvision))
        .route("/ingest/json/{token}", post(generic_json))
        .layer(DefaultBodyLimit::max(config.max_ingest_body))
}

/// Response to a device.
#[derive(Serialize, utoipa::ToSchema)]
pub struct IngestResponse {
    /// Events stored (new occurrences and updates of ongoing ones).
    pub accepted: usize,
    pub heartbeats: u32,
    /// Alerts raised or updated.
    pub alerts: usize,
}

async fn hikvision(
    state: State<AppState>,
    token: Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    ingest(state, token, headers, body, DeviceFormat::Hikvision).await
}

async fn generic_json(
    state: State<AppState>,
    token: Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    ingest(state, token, headers, body, DeviceFormat::GenericJson).await
}

async fn ingest(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
    format: DeviceFormat,
) -> Response {
    match ingest_inner(&state, &token, &headers, body, format).await {
        Ok(r) => (StatusCode::OK, Json(r)).into_response(),
        Err(e) if e.code == ErrorCode::Internal => {
            // The device should retry: nothing was lost that it will not resend.
            let mut resp = ApiError::msg(ErrorCode::Internal, "服务暂时不可用，请稍后重试").into_response();
            *resp.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
            resp.headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("5"));
            resp
        }
        Err(e) => e.into_response(),
    }
}

async fn ingest_inner(
    state: &AppState,
    token: &str,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
    format: DeviceFormat,
) -> Result<IngestResponse, ApiError> {
    let device = state
        .store
        .device_for_ingest(&token_hash(token))
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::UnknownIngestToken))?;
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(ErrorCode::PayloadTooLarge)
        } else {
            ApiError::msg(ErrorCode::UndecodablePayload, "读取请求体失败")
        }
    })?;
    if format != device.format {
        return Err(ApiError::msg(
            ErrorCode::UnsupportedMediaType,
            format!(
                "该设备的接入格式为「{}」，请使用 /ingest/{}/…",
                device.format.label_zh(),
                device.format.ingest_path()
            ),
        ));
    }
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let decoded = match format {
        DeviceFormat::Hikvision => neibao_ingest::decode_hikvision(content_type, &body),
        DeviceFormat::GenericJson => neibao_ingest::decode_generic_json(&body),
    }
    .map_err(|e| {
        tracing::info!(device = %device.id, code = e.code(), "undecodable device payload");
        ApiError::msg(
            ErrorCode::UndecodablePayload,
            format!("{}（{}）", ErrorCode::UndecodablePayload.message_zh(), e.message_zh()),
        )
    })?;
    let out = state
        .pipeline
        .process(&device, &decoded, &body, content_type, Utc::now())
        .await?;
    Ok(IngestResponse {
        accepted: out.event_ids.len(),
        heartbeats: out.heartbeats,
        alerts: out.alerts.len(),
    })
}
