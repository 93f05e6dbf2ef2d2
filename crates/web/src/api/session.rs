//! Login and logout for browsers and scripts; `GET /api/v1/me`.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Utc;
use neibao_domain::error::ErrorCode;
use neibao_domain::ids::token_hash;
use neibao_store::model::User;
use serde::{Deserialize, Serialize};

use crate::auth::{random_token, verify_password, CurrentUser, SESSION_COOKIE};
use crate::error::{ApiError, ApiResult};
use crate::AppState;

#[derive(Deserialize, utoipa::ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct LoginResponse {
    pub user: User,
    /// Send as `X-CSRF-Token` on unsafe requests made with the session cookie.
    pub csrf_token: String,
}

/// Failed logins allowed per user name within [`LOGIN_WINDOW_MINUTES`], counted across all
/// nodes (the failures are rows in the database).
pub const MAX_LOGIN_FAILURES: i64 = 10;
pub const LOGIN_WINDOW_MINUTES: i64 = 15;

/// Checks credentials and opens a session. Returns the session token (for the cookie) and the
/// session's CSRF token.
///
/// Errors: `bad_credentials` (401), or `busy` (429) once a user name has had
/// [`MAX_LOGIN_FAILURES`] failures in [`LOGIN_WINDOW_MINUTES`] minutes — then even the right
/// password is refused until the window has passed.
pub async fn open_session(state: &AppState, username: &str, password: &str) -> ApiResult<(User, String, String)> {
    let username = username.trim();
    if username.is_empty() || username.chars().count() > 64 {
        return Err(ApiError::new(ErrorCode::BadCredentials));
    }
    let now = Utc::now();
    let since = now - chrono::Duration::minutes(LOGIN_WINDOW_MINUTES);
    if state.store.count_login_failures(username, since).await? >= MAX_LOGIN_FAILURES {
        return Err(ApiError::msg(
            ErrorCode::Busy,
            format!("登录失败次数过多，请{LOGIN_WINDOW_MINUTES}分钟后再试"),
        ));
    }
    let creds = state.store.user_credentials(username).await?;
    // Verify against a dummy hash when the user does not exist, so timing does not tell.
    static DUMMY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| crate::auth::hash_password("neibao-dummy"));
    let ok = match &creds {
        Some((_, hash)) => verify_password(password, hash),
        None => {
            verify_password(password, &DUMMY);
            false
        }
    };
    let Some((user, _)) = creds.filter(|_| ok) else {
        state.store.record_login_failure(username, now).await?;
        tracing::warn!("failed login");
        return Err(ApiError::new(ErrorCode::BadCredentials));
    };
    state.store.clear_login_failures(username).await?;
    tracing::info!(user = %user.id, "login");
    let token = random_token();
    let csrf = random_token();
    let ttl = chrono::Duration::from_std(state.config.session_ttl).unwrap_or(chrono::Duration::hours(8));
    state
        .store
        .create_session(&user.id, &token_hash(&token), &csrf, now, now + ttl)
        .await?;
    Ok((user, token, csrf))
}

/// `Set-Cookie` value for a session token (HttpOnly, SameSite=Strict, Secure when configured).
pub fn session_cookie(state: &AppState, token: &str) -> HeaderValue {
    let secure = if state.config.secure_cookies { "; Secure" } else { "" };
    let max_age = state.config.session_ttl.as_secs();
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    ))
    .expect("ascii cookie")
}

pub fn clear_cookie() -> HeaderValue {
    HeaderValue::from_static("neibao_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// Log in: sets the session cookie.
#[utoipa::path(post, path = "/api/v1/session", tag = "session", request_body = LoginRequest, security(()),
    responses((status = 200, body = LoginResponse), (status = 401, body = crate::error::ErrorBody)))]
pub async fn login(State(state): State<AppState>, Json(req): Json<LoginRequest>) -> ApiResult<Response> {
    let (user, token, csrf) = open_session(&state, &req.username, &req.password).await?;
    let mut resp = Json(LoginResponse { user, csrf_token: csrf }).into_response();
    resp.headers_mut()
        .insert(header::SET_COOKIE, session_cookie(&state, &token));
    Ok(resp)
}

/// Log out: ends the session of the cookie.
#[utoipa::path(delete, path = "/api/v1/session", tag = "session", responses((status = 204)))]
pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    if let Some(token) = crate::ui::cookie_token(&headers) {
        state.store.delete_session(&token_hash(&token)).await?;
    }
    let mut resp = StatusCode::NO_CONTENT.into_response();
    resp.headers_mut().insert(header::SET_COOKIE, clear_cookie());
    Ok(resp)
}

/// The caller.
#[utoipa::path(get, path = "/api/v1/me", tag = "session", responses((status = 200, body = User), (status = 401, body = crate::error::ErrorBody)))]
pub async fn me(user: CurrentUser) -> Json<User> {
    Json(user.user)
}
