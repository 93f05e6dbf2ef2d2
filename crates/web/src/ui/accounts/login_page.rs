//! The login page and the page that follows a sign-in with a carried form (`resume.rs`), shared
//! by the login handlers and by the form extractors that meet an ended session.

use askama::Template;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use neibao_domain::error::ErrorCode;
use serde::Deserialize;

use super::resume::{return_path, to_login, Carried};
use crate::extract::csrf::MAX_FORM_BYTES;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::kit::render;

#[derive(Template)]
#[template(path = "accounts/login.html")]
pub struct LoginPage<'a> {
    pub error: Option<String>,
    pub notice: Option<&'a str>,
    /// Where to go after signing in (a local path, `resume::safe_next`).
    pub next: Option<&'a str>,
    /// The user name typed before a refusal.
    pub username: &'a str,
    /// A form posted after the session ended, carried through the sign-in.
    pub carried: Option<&'a Carried>,
}

#[derive(Deserialize, Default)]
pub struct LoginQuery {
    /// Set after a password change (which ends every session).
    #[serde(default)]
    pub changed: String,
    /// Set after the first-run setup (which disables the bootstrap account).
    #[serde(default)]
    pub setup: String,
    /// Set when the browser still held a session that has ended.
    #[serde(default)]
    pub expired: String,
    /// The page to return to after signing in.
    #[serde(default)]
    pub next: String,
}

pub const EXPIRED: &str = "登录已过期，请重新登录；登录后将回到原来的页面";

/// The login page in place of the answer to a form posted after the session ended: the form's
/// fields ride along ([`Carried`]) and are offered for submission after signing in; a form that
/// may not be carried sends the user back to its page instead.
pub fn sign_in_to_continue(parts: &Parts, fields: Vec<(String, String)>) -> Response {
    let Some(carried) = Carried::from_post(parts, fields) else {
        return to_login(parts);
    };
    let next = return_path(parts);
    (
        StatusCode::UNAUTHORIZED,
        render(&LoginPage {
            error: None,
            notice: Some("登录已过期，刚才填写的内容已保留；重新登录后可以继续提交"),
            next: next.as_deref(),
            username: "",
            carried: Some(&carried),
        }),
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "accounts/resume.html")]
struct ResumePage<'a> {
    carried: &'a Carried,
    csrf: &'a str,
    back: &'a str,
}

/// After signing in again: the carried form, ready to submit with the new session's CSRF token.
pub fn resume_page(carried: &Carried, csrf: &str, back: Option<&str>) -> Response {
    (
        StatusCode::OK,
        render(&ResumePage {
            carried,
            csrf,
            back: back.unwrap_or("/"),
        }),
    )
        .into_response()
}

/// Route layer of the UI: a form (`application/x-www-form-urlencoded` POST, not the login itself)
/// that arrives without a valid session gets [`sign_in_to_continue`] before any extractor could
/// send it to the login page empty-handed. Everything else passes untouched; the resolved
/// session is kept in the request for the handler (`CurrentUser` caches it).
pub async fn carry_forms(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let form = req.method() == Method::POST
        && req.uri().path() != "/login"
        // The public report form needs no account (docs/REPORTS.md).
        && req.uri().path() != "/report"
        // Nor does a visitor's form (docs/VISITORS.md).
        && req.uri().path() != "/visit"
        && !req.headers().contains_key(header::AUTHORIZATION)
        && req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
    if !form {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    match CurrentUser::from_request_parts(&mut parts, &state).await {
        Err(e) if e.code == ErrorCode::Unauthenticated => {
            let fields = match axum::body::to_bytes(body, MAX_FORM_BYTES).await {
                Ok(bytes) => serde_urlencoded::from_bytes(&bytes).unwrap_or_default(),
                Err(_) => Vec::new(),
            };
            sign_in_to_continue(&parts, fields)
        }
        _ => next.run(Request::from_parts(parts, body)).await,
    }
}
