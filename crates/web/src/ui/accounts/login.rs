//! `/login` and `/logout`: the session cookie, through the accounts service (the same login as
//! `POST /api/v1/session`).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use crate::api::accounts::{clear_cookie, session_cookie};
use crate::error::ApiError;
use crate::extract::cookie::cookie_token;
use crate::extract::csrf::CsrfForm;
use crate::state::AppState;
use crate::ui::kit::{error_page, render, UiUser};

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

/// Logs in (the browser's previous session ends) and goes to the dashboard, or to the
/// enrolment page when the account must enrol a second factor first.
pub async fn login(State(state): State<AppState>, headers: HeaderMap, Form(f): Form<LoginForm>) -> Response {
    let previous = cookie_token(&headers);
    let opened = state
        .services
        .accounts
        .login(&f.username, &f.password, Some(&f.otp), previous.as_deref())
        .await;
    match opened {
        Ok(opened) => {
            let to = if opened.must_enroll { "/account/totp" } else { "/" };
            let mut resp = Redirect::to(to).into_response();
            resp.headers_mut()
                .insert(header::SET_COOKIE, session_cookie(&state, &opened.token));
            resp
        }
        Err(e) => {
            let e = ApiError::from(e);
            let page = (
                StatusCode::from_u16(e.code.http_status()).unwrap_or(StatusCode::UNAUTHORIZED),
                render(&LoginPage {
                    error: Some(e.message.clone()),
                    notice: None,
                }),
            )
                .into_response();
            // A lockout (429) says when the name may try again, as the API does.
            e.with_retry_after(page)
        }
    }
}

/// No fields besides the CSRF token.
#[derive(Deserialize)]
pub struct Empty {}

/// Ends the session (a forged logout, posted by another site, is refused like any other form).
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    UiUser(u): UiUser,
    CsrfForm(Empty {}): CsrfForm<Empty>,
) -> Response {
    if let Some(t) = cookie_token(&headers) {
        if let Err(e) = state.services.accounts.logout(&t).await {
            return error_page(&u, e.into());
        }
    }
    let mut resp = Redirect::to("/login").into_response();
    resp.headers_mut().insert(header::SET_COOKIE, clear_cookie());
    resp
}
