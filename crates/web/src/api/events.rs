//! Events (normalized device occurrences) and their raw payloads.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use chrono::{DateTime, Utc};
use neibao_domain::events::EventFilter;
use neibao_domain::events::{EventKind, SecurityEvent};
use neibao_domain::paging::{Listing, Page};
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventQuery {
    pub unit_id: Option<String>,
    pub device_id: Option<String>,
    /// Event kind code, e.g. `intrusion.line_crossing` (docs/EVENTS.md).
    pub kind: Option<String>,
    /// RFC 3339 lower bound of the receive time.
    pub since: Option<DateTime<Utc>>,
    /// RFC 3339 upper bound (exclusive).
    pub until: Option<DateTime<Utc>>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// Events in the caller's scope, newest first.
#[utoipa::path(get, path = "/api/v1/events", tag = "events", params(EventQuery), responses((status = 200, body = Listing<SecurityEvent>)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<EventQuery>,
) -> ApiResult<Json<Listing<SecurityEvent>>> {
    let kind = match q.kind.as_deref().filter(|k| !k.is_empty()) {
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
    Ok(Json(
        state
            .store
            .list_events(&user.scope, &filter, Page::new(q.page, q.per_page))
            .await?,
    ))
}

/// One event.
#[utoipa::path(get, path = "/api/v1/events/{id}", tag = "events", responses((status = 200, body = SecurityEvent), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<SecurityEvent>> {
    Ok(Json(state.store.get_event(&user.scope, &id).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RawQuery {
    /// Why the raw payload (which may hold names, card numbers and face pictures) is needed;
    /// recorded in the audit log.
    pub purpose: Option<String>,
}

/// The raw payload the device sent, byte for byte, as `application/octet-stream`. It can hold
/// personal information, so a purpose is required and the read is audited before the answer.
/// Police, administrators and the unit's security manager.
///
/// Errors: `purpose_required` (400), `not_found` (404).
#[utoipa::path(get, path = "/api/v1/events/{id}/raw", tag = "events", params(RawQuery), responses((status = 200, content_type = "application/octet-stream"), (status = 400, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn raw(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<RawQuery>,
) -> ApiResult<impl IntoResponse> {
    user.require(user.is_police_or_admin() || user.user.role == neibao_domain::access::Role::UnitManager)?;
    let purpose = neibao_domain::privacy::check_purpose(q.purpose.as_deref())?;
    let event = state.store.get_event(&user.scope, &id).await?;
    let (bytes, _ct) = state.store.get_event_raw(&user.scope, &id).await?;
    crate::audit::record(
        &state,
        Some(&user),
        "",
        "event.raw",
        "events",
        &id,
        Some(&event.unit_id),
        &purpose,
        &format!("bytes={}", bytes.len()),
    )
    .await?;
    Ok(([(header::CONTENT_TYPE, "application/octet-stream")], bytes))
}

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/api/v1/events", routing::get(list))
        .route("/api/v1/events/{id}", routing::get(get))
        .route("/api/v1/events/{id}/raw", routing::get(raw))
}

/// This capability's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, get, raw))]
pub struct Doc;
