//! Server-rendered zh-CN web UI (askama templates under `templates/`). Uses the browser session;
//! every form carries the session's CSRF token. Assets are served from the binary.

mod pages;
mod security;
mod supervision;
mod supervision_admin;
mod views;
mod warning;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use supervision as sv;
use supervision_admin as sa;

use crate::api::supervision::evidence_limit;
use crate::auth::{CurrentUser, SESSION_COOKIE};
use crate::state::AppState;

pub use views::fmt_time;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/static/style.css",
            get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                        (header::CACHE_CONTROL, "max-age=3600"),
                    ],
                    include_str!("../../static/style.css"),
                )
            }),
        )
        .route(
            "/static/app.js",
            get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
                        (header::CACHE_CONTROL, "max-age=3600"),
                    ],
                    include_str!("../../static/app.js"),
                )
            }),
        )
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/logout", post(pages::logout))
        .route("/", get(pages::dashboard))
        .route("/units", get(pages::units).post(pages::create_unit))
        .route("/units/new", get(pages::new_unit))
        .route("/units/{id}", get(pages::unit))
        .route("/units/{id}/key_areas", post(pages::create_key_area))
        .route("/units/{id}/schedule", post(pages::set_schedule))
        .route("/units/{id}/rules/{rule}", post(pages::set_rule))
        .route("/units/lookup", get(security::lookup_form).post(security::lookup))
        .route("/units/{id}/persons/{pid}/reveal", post(security::reveal_person))
        .route("/devices", get(pages::devices).post(pages::create_device))
        .route("/alerts", get(pages::alerts))
        .route("/alerts/{id}", get(pages::alert))
        .route("/alerts/{id}/acknowledge", post(pages::acknowledge))
        .route("/alerts/{id}/resolve", post(pages::resolve))
        .route("/alerts/{id}/false_positive", post(pages::false_positive))
        .route("/alerts/stats", get(pages::alert_stats))
        .route("/events", get(pages::events))
        .route("/account", get(security::account))
        .route("/account/password", post(security::change_password))
        .route("/account/totp", get(security::totp_page).post(security::totp_post))
        .route("/account/tokens", post(security::create_token))
        .route("/account/settings", post(security::save_settings))
        .route("/account/tokens/{id}/revoke", post(security::revoke_token))
        .route("/audit", get(security::audit))
        .route("/retention", get(security::retention))
        .route("/retention/holds", post(security::create_hold))
        .route("/retention/holds/{id}/release", post(security::release_hold))
        .route("/retention/{class}", post(security::set_policy))
        .route("/supervision", get(sv::hub))
        .route("/supervision/settings", get(sa::settings).post(sa::save_settings))
        .route("/checklists", get(sa::checklists))
        .route("/checklists/{id}", get(sa::checklist))
        // `{id}` is the variant code here (one parameter name per position).
        .route("/checklists/{id}/versions", post(sa::add_version))
        .route("/campaigns", post(sv::launch))
        .route("/campaigns/{id}", get(sv::campaign))
        .route("/inspections", post(sv::start_inspection))
        .route("/inspections/{id}", get(sv::inspection).post(sv::save_inspection))
        .route("/hazards", get(sv::hazards).post(sv::create_hazard))
        .route("/hazards/new", get(sv::new_hazard))
        .route("/hazards/{id}", get(sv::hazard))
        .route("/hazards/{id}/act", post(sv::act))
        .route("/documents/{id}/pdf", get(sv::document_pdf))
        // Early warning (issue 4).
        .route("/warning/rules", get(warning::rules).post(warning::create_rule))
        .route("/warning/rules/import", post(warning::import))
        .route("/warning/rules/{code}", get(warning::rule).post(warning::update_rule))
        .route("/warning/rules/{code}/backtest", post(warning::backtest))
        .route(
            "/warning/suppressions",
            get(warning::suppressions).post(warning::add_suppression),
        )
        .route("/warning/suppressions/{id}/end", post(warning::end_suppression))
        .route("/warning/channels", get(warning::channels).post(warning::add_channel))
        .route("/warning/channels/{id}/switch", post(warning::switch_channel))
        .route("/inbox", get(warning::inbox))
        .route("/inbox/read", post(warning::mark_read))
        .route("/inbox/badge", get(warning::badge))
        .route("/devices/health", get(warning::health))
        // Evidence uploads: up to 10 MB.
        .merge(
            Router::new()
                .route("/inspections/{id}/evidence", post(sv::inspection_evidence))
                .route("/hazards/{id}/evidence", post(sv::hazard_evidence))
                .layer(evidence_limit()),
        )
}

/// Session token from a request's cookies.
pub fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| {
            let (k, v) = kv.trim().split_once('=')?;
            (k == SESSION_COOKIE && !v.is_empty()).then(|| v.to_string())
        })
}

/// A signed-in browser user; anyone else is sent to the login page, and a session that must
/// still enrol a second factor to `/account/totp`.
pub struct UiUser(pub CurrentUser);

impl FromRequestParts<AppState> for UiUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        CurrentUser::from_request_parts(parts, state)
            .await
            .map(UiUser)
            .map_err(|e| {
                if e.code == neibao_domain::error::ErrorCode::SecondFactorPending {
                    Redirect::to("/account/totp").into_response()
                } else {
                    Redirect::to("/login").into_response()
                }
            })
    }
}

/// Renders a template, or a plain 500 page if rendering fails (logged).
pub fn render<T: askama::Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template render failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Html("<h1>服务器内部错误</h1>".to_string()),
            )
                .into_response()
        }
    }
}
