//! The whole application router: the API (device intake included), the UI and the operations endpoints,
//! with the layers every request passes (request id, refused-attempt audit, timeouts, uniform
//! errors, security headers, HSTS when served over HTTPS).

use std::time::Duration;

use axum::http::{header, HeaderValue};
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::state::AppState;

/// The router of the application over `state`.
pub fn router(state: AppState) -> Router {
    // Served over HTTPS (`--secure-cookies`: TLS ends at the intranet's proxy): browsers must
    // not come back over plain HTTP for a year (HSTS, RFC 6797). Not sent otherwise, since a
    // browser would then refuse a plain-HTTP installation.
    let hsts = state
        .config
        .secure_cookies
        .then(|| HeaderValue::from_static("max-age=31536000"));
    Router::new()
        .merge(crate::api::routes())
        // A form posted after the session ended is carried through a new sign-in.
        .merge(crate::ui::routes().route_layer(axum::middleware::from_fn_with_state(state.clone(), crate::ui::carry_forms)))
        .merge(crate::health::routes())
        // Inside the audit layer: a refused repeat is audited like any refusal.
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::idempotency::idempotent))
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::audit::audit_changes))
        .fallback(crate::fallback::not_found)
        // A request (body included) that takes longer than this is answered 408 and dropped.
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(axum::http::StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30)))
        .layer(axum::middleware::from_fn(crate::fallback::uniform_errors))
        // Answers may hold personal data, tokens or TOTP secrets: no cache keeps them, unless a
        // route says otherwise (the static assets do).
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::STRICT_TRANSPORT_SECURITY, move |_: &axum::response::Response| hsts.clone()))
        // Outermost: every answer, errors of the layers above included, carries the request id.
        .layer(axum::middleware::from_fn(crate::request_id::layer))
        .with_state(state)
}
