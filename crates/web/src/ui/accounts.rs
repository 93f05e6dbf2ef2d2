//! Pages of accounts: login and logout.

use super::kit::{error_page, render, UiUser};
use super::views::CommentForm;
use crate::api::session::{clear_cookie, open_session, session_cookie};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use neibao_domain::ids::token_hash;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "accounts/login.html")]
struct LoginPage {
    error: Option<String>,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct LoginQuery {
    /// Set after a password change (which ends every session).
    #[serde(default)]
    changed: String,
}

pub async fn login_form(Query(q): Query<LoginQuery>) -> Response {
    render(&LoginPage {
        error: None,
        notice: (!q.changed.is_empty()).then(|| "密码已修改，请使用新密码重新登录".to_string()),
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    otp: String,
}

pub async fn login(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    match open_session(&state, &f.username, &f.password, Some(&f.otp)).await {
        Ok(opened) => {
            // Rotation: the browser's previous session ends.
            if let Some(old) = crate::extract::cookie::cookie_token(&headers) {
                let _ = state.store.delete_session(&neibao_domain::ids::token_hash(&old)).await;
            }
            let to = if opened.must_enroll { "/account/totp" } else { "/" };
            let mut resp = Redirect::to(to).into_response();
            resp.headers_mut()
                .insert(header::SET_COOKIE, session_cookie(&state, &opened.token));
            resp
        }
        Err(e) => (
            axum::http::StatusCode::from_u16(e.code.http_status()).unwrap_or(axum::http::StatusCode::UNAUTHORIZED),
            render(&LoginPage {
                error: Some(e.message),
                notice: None,
            }),
        )
            .into_response(),
    }
}

pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    UiUser(u): UiUser,
    Form(f): Form<CommentForm>,
) -> Response {
    // A forged logout (another site posting here) is refused like any other form.
    if let Err(e) = u.check_form_csrf(&f.csrf_token) {
        return error_page(&u, e);
    }
    if let Some(t) = crate::extract::cookie::cookie_token(&headers) {
        let _ = state.store.delete_session(&token_hash(&t)).await;
    }
    let mut resp = Redirect::to("/login").into_response();
    resp.headers_mut().insert(header::SET_COOKIE, clear_cookie());
    resp
}

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/login", routing::get(login_form).post(login))
        .route("/logout", routing::post(logout))
}
