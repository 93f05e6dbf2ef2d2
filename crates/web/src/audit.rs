//! Audit of refused attempts (docs/REQUIREMENTS.md R53, R68). Security-sensitive.
//!
//! Every change is audited by the service that makes it, in the change's own transaction (a
//! change whose audit row cannot be written does not happen), and every sensitive read before
//! its data is returned. What no service records is an attempt that was refused: [`audit_changes`]
//! wraps every route and, after a state-changing request (POST, PUT, PATCH, DELETE) by a
//! signed-in caller that was answered with a 4xx (403, 404, 409 …), appends
//! `"{METHOD} {route}"` with the object id from the path, the status and the caller. Device
//! ingest is not audited (devices are not people; their payloads are kept as events).

use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use neibao_domain::audit::AuditEntry;

use crate::extract::audit_slot::AuditSlot;
use crate::state::AppState;

/// Middleware: appends an audit row for each refused state-changing request of a signed-in
/// caller.
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
    if !resp.status().is_client_error() {
        return resp; // done (and audited by its service), or failed without changing anything
    }
    let Some((actor_id, actor_name)) = slot.actor() else {
        return resp; // not signed in: nothing could change (failed logins are audited by login)
    };
    let entry = AuditEntry {
        actor_id: Some(actor_id),
        actor_name,
        action: format!("{method} {route}"),
        object_type: object_type(&route),
        object_id: path_object_id(&route, &path),
        unit_id: None,
        purpose: String::new(),
        detail: format!(
            "{{\"status\":{},\"path\":{}}}",
            resp.status().as_u16(),
            serde_json::json!(path)
        ),
    };
    if let Err(e) = state.services.audit.record_refused(&entry).await {
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
