//! Events (normalized device occurrences) and their raw payloads.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use chrono::{DateTime, Utc};
use neibao_domain::events::{EventFilter, EventKind, SecurityEvent};
use neibao_domain::paging::{Listing, Page};
use serde::Deserialize;

use crate::error::{ApiError, ApiResult};
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventQuery {
    pub unit_id: Option<String>,
    pub device_id: Option<String>,
    /// Event kind code, e.g. `intrusion.line_crossing` (docs/EVENTS.md).
    #[param(value_type = Option<EventKind>)]
    pub kind: Option<String>,
    /// RFC 3339 lower bound of the receive time.
    pub since: Option<DateTime<Utc>>,
    /// RFC 3339 upper bound (exclusive).
    pub until: Option<DateTime<Utc>>,
    #[param(minimum = 1, maximum = 2147483647)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct EventPath {
    /// The event's id.
    pub id: String,
}

/// Events in the caller's scope, newest first.
#[utoipa::path(get, path = "/api/v1/events", tag = "events", params(EventQuery), responses((status = 200, body = Listing<SecurityEvent>)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<EventQuery>,
) -> ApiResult<Json<Listing<SecurityEvent>>> {
    let page = Page::checked(q.page, q.per_page)?;
    // An empty `kind=` is an unknown kind like any other, not "every kind": the document's enum
    // has no empty value, and a filter the caller typed must not silently widen the answer.
    let kind = match q.kind.as_deref() {
        Some(k) => Some(EventKind::from_code(k).ok_or_else(|| ApiError::validation("未知的事件类型"))?),
        None => None,
    };
    let filter = EventFilter {
        unit_id: q.unit_id,
        device_id: q.device_id,
        kind,
        since: q.since,
        until: q.until,
    };
    Ok(Json(state.services.events.list(&user.principal, &filter, page).await?))
}

/// One event.
#[utoipa::path(get, path = "/api/v1/events/{id}", tag = "events", params(EventPath), responses((status = 200, body = SecurityEvent)))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<SecurityEvent>> {
    Ok(Json(state.services.events.get(&user.principal, &id).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RawQuery {
    /// Why the raw payload (which may hold names, card numbers and face pictures) is needed;
    /// recorded in the audit log. Required: 4–200 characters.
    #[param(required = true, min_length = 4, max_length = 200)]
    pub purpose: Option<String>,
}

/// The raw payload the device sent, byte for byte, as `application/octet-stream`, downloaded as
/// `原始报文-<id>.bin`, not cached. It can hold
/// personal information, so a purpose is required and the read is audited before the answer.
/// Police, administrators and the unit's security manager.
///
/// Errors: `purpose_required` (400), `forbidden` (403), `not_found` (404).
#[utoipa::path(get, path = "/api/v1/events/{id}/raw", tag = "events", params(EventPath, RawQuery),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn raw(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<RawQuery>,
) -> ApiResult<impl IntoResponse> {
    let bytes = state
        .services
        .events
        .raw(&user.principal, &id, q.purpose.as_deref())
        .await?;
    // Saved under a Chinese name with the event's id, not as `raw`.
    let name = format!("原始报文-{id}.bin");
    let mut resp = crate::api::attachments::file_response(bytes, "application/octet-stream", &name, false);
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
    Ok(resp)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ImagePath {
    /// The event's id.
    pub id: String,
    /// The picture's number, from 1 (the event's `image_count` says how many there are).
    #[param(minimum = 1)]
    pub n: i64,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImageQuery {
    /// Why the picture (which may show faces and plates) is viewed; recorded in the audit log.
    /// Required: 4–200 characters.
    #[param(required = true, min_length = 4, max_length = 200)]
    pub purpose: Option<String>,
}

/// Picture `n` a device sent with an event (a snapshot, a face or plate crop), shown inline with
/// its image type (anything that is not a JPEG, PNG, WebP, GIF or BMP as
/// `application/octet-stream`), named `事件图片-<n>.<ext>`, not cached. A purpose is required and
/// the view is audited (`event.image`) before the answer. Same roles as the raw payload.
///
/// Errors: `purpose_required` (400), `forbidden` (403), `not_found` (404: no such event or
/// picture, or outside the caller's jurisdiction).
#[utoipa::path(get, path = "/api/v1/events/{id}/images/{n}", tag = "events", params(ImagePath, ImageQuery),
    responses((status = 200, description = "图片内容",
        content((Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png"), (Vec<u8> = "image/webp"), (Vec<u8> = "image/gif"),
                (Vec<u8> = "image/bmp"), (Vec<u8> = "application/octet-stream"))),
        (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody)))]
pub async fn image(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<ImagePath>,
    Query(q): Query<ImageQuery>,
) -> ApiResult<axum::response::Response> {
    let picture = state
        .services
        .events
        .image(&user.principal, &p.id, p.n, q.purpose.as_deref())
        .await?;
    let name = format!("事件图片-{}.{}", p.n, picture.extension());
    let ct = picture.safe_content_type().to_string();
    let mut resp = crate::api::attachments::file_response(picture.bytes, &ct, &name, true);
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
    Ok(resp)
}

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/api/v1/events", routing::get(list))
        .route("/api/v1/events/{id}", routing::get(get))
        .route("/api/v1/events/{id}/raw", routing::get(raw))
        .route("/api/v1/events/{id}/images/{n}", routing::get(image))
}

/// This capability's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, get, raw, image))]
pub struct Doc;
