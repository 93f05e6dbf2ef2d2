//! Audit of every change and every sensitive read (REQUIREMENTS.md R53, R68). Security-sensitive.
//!
//! - Changes: [`audit_changes`] wraps every route; after an authenticated request with an unsafe
//!   method (POST, PUT, PATCH, DELETE) it appends `"{METHOD} {route}"` with the object id from
//!   the path (or the one the handler noted), the status, and the caller. Refused attempts
//!   (403, 404, 409 …) are logged as well as successes. Device ingest is not (devices are not
//!   people; their payloads are kept as events).
//! - Sensitive reads and logins: handlers call [`record`] *before* answering, and fail closed
//!   (no audit row, no data).

use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use chrono::Utc;
use neibao_domain::audit::AuditEntry;

use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::extract::audit_slot::AuditSlot;
use crate::state::AppState;

/// Middleware: appends an audit row for each authenticated unsafe request.
pub async fn audit_changes(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    if matches!(method, Method::GET | Method::HEAD | Method::OPTIONS) || path.starts_with("/ingest/") {
        return next.run(req).await;
    }
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| path.clone());
    let slot = AuditSlot::default();
    req.extensions_mut().insert(slot.clone());
    let resp = next.run(req).await;
    let noted = std::mem::take(&mut *slot.0.lock().unwrap_or_else(|e| e.into_inner()));
    let Some((actor_id, actor_name)) = noted.actor else {
        return resp; // not authenticated: nothing changed (logins are recorded by their handler)
    };
    let entry = AuditEntry {
        actor_id: Some(actor_id),
        actor_name,
        action: format!("{method} {route}"),
        object_type: object_type(&route),
        object_id: noted.object_id.unwrap_or_else(|| path_object_id(&route, &path)),
        unit_id: noted.unit_id,
        purpose: String::new(),
        detail: format!(
            "{{\"status\":{},\"path\":{}}}",
            resp.status().as_u16(),
            serde_json::json!(path)
        ),
    };
    if let Err(e) = state.store.append_audit(&entry, Utc::now()).await {
        tracing::error!(error = %e, action = %entry.action, "audit append failed");
    }
    resp
}

/// `units` for `/api/v1/units/{id}/rules/{rule}` and for `/units/{id}`.
fn object_type(route: &str) -> String {
    route
        .trim_start_matches("/api/v1/")
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or("")
        .to_string()
}

/// The value in the path where the route has its first `{…}` parameter.
fn path_object_id(route: &str, path: &str) -> String {
    route
        .split('/')
        .zip(path.split('/'))
        .find(|(r, _)| r.starts_with('{'))
        .map(|(_, p)| p.to_string())
        .unwrap_or_default()
}

/// Appends an explicit audit row (sensitive reads, logins) and fails if it cannot be written:
/// the caller must not hand out data whose reading was not logged.
#[allow(clippy::too_many_arguments)]
pub async fn record(
    state: &AppState,
    user: Option<&CurrentUser>,
    actor_name: &str,
    action: &str,
    object_type: &str,
    object_id: &str,
    unit_id: Option<&str>,
    purpose: &str,
    detail: &str,
) -> ApiResult<()> {
    let entry = AuditEntry {
        actor_id: user.map(|u| u.user.id.clone()),
        actor_name: user.map_or(actor_name.to_string(), |u| u.user.username.clone()),
        action: action.to_string(),
        object_type: object_type.to_string(),
        object_id: object_id.to_string(),
        unit_id: unit_id.map(str::to_string),
        purpose: purpose.to_string(),
        detail: detail.to_string(),
    };
    state.store.append_audit(&entry, Utc::now()).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_parts() {
        assert_eq!(object_type("/api/v1/units/{id}/rules/{rule}"), "units");
        assert_eq!(object_type("/alerts/{id}/acknowledge"), "alerts");
        assert_eq!(
            path_object_id("/api/v1/units/{id}/rules/{rule}", "/api/v1/units/u1/rules/r"),
            "u1"
        );
        assert_eq!(path_object_id("/api/v1/units", "/api/v1/units"), "");
    }
}
