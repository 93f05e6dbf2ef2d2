//! `/login` and `/logout`: the session cookie, through the accounts service (the same login as
//! `POST /api/v1/session`).

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::login_page::{resume_page, LoginPage, LoginQuery, EXPIRED};
use super::resume::{safe_next, same_origin, Carried};

use crate::api::accounts::{clear_cookie, session_cookie};
use crate::error::ApiError;
use crate::extract::cookie::cookie_token;
use crate::extract::csrf::CsrfForm;
use crate::state::AppState;
use crate::ui::kit::{error_page, render, UiUser};

pub async fn login_form(Query(q): Query<LoginQuery>) -> Response {
    let notice = if !q.changed.is_empty() {
        Some("密码已修改，请使用新密码重新登录")
    } else if !q.setup.is_empty() {
        Some("初始设置已完成，初始管理员账号已停用；请用刚才设置的管理员账号登录")
    } else if !q.expired.is_empty() {
        Some(EXPIRED)
    } else {
        None
    };
    render(&LoginPage {
        error: None,
        notice,
        next: safe_next(&q.next),
        username: "",
        carried: None,
    })
}

/// Logs in (the browser's previous session ends) and goes to the page the user came from (or the
/// dashboard), to the enrolment page when the account must enrol a second factor first, or to
/// the confirmation of a form carried through the sign-in ([`Carried`]).
pub async fn login(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    let next = safe_next(field("next"));
    let carried = if same_origin(&headers) {
        Carried::from_login(&fields)
    } else {
        None
    };
    let previous = cookie_token(&headers);
    let opened = state
        .services
        .accounts
        .login(
            field("username"),
            field("password"),
            Some(field("otp")),
            previous.as_deref(),
        )
        .await;
    match opened {
        Ok(opened) => {
            let mut resp = match (&carried, opened.must_enroll) {
                (_, true) => Redirect::to("/account/totp").into_response(),
                (Some(c), false) => resume_page(c, &opened.csrf, next),
                (None, false) => Redirect::to(next.unwrap_or("/")).into_response(),
            };
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
                    next,
                    username: field("username"),
                    carried: carried.as_ref(),
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
