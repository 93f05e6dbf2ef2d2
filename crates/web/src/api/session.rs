//! Login and logout for browsers and scripts; `GET /api/v1/me`.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Utc;
use neibao_domain::accounts::User;
use neibao_domain::error::ErrorCode;
use neibao_domain::ids::token_hash;
use serde::{Deserialize, Serialize};

use crate::auth::{random_token, verify_password, CurrentUser};
use crate::error::{ApiError, ApiResult};
use crate::extract::cookie::SESSION_COOKIE;
use crate::state::AppState;

#[derive(Deserialize, utoipa::ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
    /// The current TOTP code, for accounts with a second factor.
    #[serde(default)]
    pub otp: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct LoginResponse {
    pub user: User,
    /// Send as `X-CSRF-Token` on unsafe requests made with the session cookie.
    pub csrf_token: String,
    /// `enroll` when the bureau requires a second factor this account does not have yet: the
    /// session reaches only `/api/v1/me/totp*` until one is confirmed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub second_factor: Option<String>,
}

/// Meta key: `1` when police accounts must use a TOTP second factor (set by an administrator).
pub const REQUIRE_TOTP_POLICE: &str = "security.require_totp_police";

/// Whether the bureau requires a second factor for this user's role.
pub async fn totp_required(state: &AppState, user: &User) -> ApiResult<bool> {
    use neibao_domain::access::Role;
    let police = matches!(
        user.role,
        Role::PoliceProvince | Role::PoliceCity | Role::PoliceCounty | Role::PoliceStation
    );
    Ok(police && state.store.get_meta(REQUIRE_TOTP_POLICE).await?.as_deref() == Some("1"))
}

/// An opened session.
pub struct Opened {
    pub user: User,
    pub token: String,
    pub csrf: String,
    /// The session must enrol a second factor before anything else.
    pub must_enroll: bool,
}

/// Failed logins allowed per user name within [`LOGIN_WINDOW_MINUTES`], counted across all
/// nodes (the failures are rows in the database).
pub const MAX_LOGIN_FAILURES: i64 = 10;
pub const LOGIN_WINDOW_MINUTES: i64 = 15;

/// Checks credentials (and the TOTP code when the account has one) and opens a new session
/// (a fresh token: sessions are never reused across logins). Returns the session token (for the
/// cookie) and the session's CSRF token. Successes and failures are audited.
///
/// Errors: `bad_credentials` (401); `totp_required` (401) when the account has a second factor
/// and no code was sent (not counted as a failure); `busy` (429) once a user name has had
/// [`MAX_LOGIN_FAILURES`] failures in [`LOGIN_WINDOW_MINUTES`] minutes — then even the right
/// password is refused until the window has passed.
pub async fn open_session(state: &AppState, username: &str, password: &str, otp: Option<&str>) -> ApiResult<Opened> {
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
    let fail = |why: &'static str| async move {
        state.store.record_login_failure(username, now).await?;
        tracing::warn!(reason = why, "failed login");
        // The name typed may be anything (even an ID or phone number): masked like free text.
        let typed = neibao_domain::sensitive::redact_numbers(username);
        crate::audit::record(state, None, &typed, "session.login_failed", "users", "", None, "", why).await?;
        Err::<Opened, ApiError>(match why {
            "totp" => ApiError::msg(ErrorCode::BadCredentials, "动态验证码错误或已使用"),
            _ => ApiError::new(ErrorCode::BadCredentials),
        })
    };
    let Some((user, _)) = creds.filter(|_| ok) else {
        return fail("password").await;
    };
    let totp = state.store.totp_state(&user.id).await?;
    if totp.enabled {
        let Some(code) = otp.filter(|c| !c.trim().is_empty()) else {
            return Err(ApiError::new(ErrorCode::TotpRequired));
        };
        let secs = now.timestamp().max(0) as u64;
        let step = totp
            .secret
            .as_deref()
            .and_then(|s| crate::auth::totp::matching_step(s, code, secs));
        let fresh = match step {
            Some(step) => state.store.use_totp_step(&user.id, step).await?,
            None => false,
        };
        if !fresh {
            return fail("totp").await;
        }
    }
    let must_enroll = !totp.enabled && totp_required(state, &user).await?;
    state.store.clear_login_failures(username).await?;
    tracing::info!(user = %user.id, "login");
    let token = random_token();
    let csrf = random_token();
    let ttl = chrono::Duration::from_std(state.services.config().session_ttl).unwrap_or(chrono::Duration::hours(8));
    state
        .store
        .create_session(&user.id, &token_hash(&token), &csrf, must_enroll, now, now + ttl)
        .await?;
    crate::audit::record(
        state,
        None,
        &user.username,
        "session.login",
        "users",
        &user.id,
        None,
        "",
        if totp.enabled { "password+totp" } else { "password" },
    )
    .await?;
    Ok(Opened {
        user,
        token,
        csrf,
        must_enroll,
    })
}

/// `Set-Cookie` value for a session token (HttpOnly, SameSite=Strict, Secure when configured).
pub fn session_cookie(state: &AppState, token: &str) -> HeaderValue {
    let secure = if state.config.secure_cookies { "; Secure" } else { "" };
    let max_age = state.services.config().session_ttl.as_secs();
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
pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(req): Json<LoginRequest>,
) -> ApiResult<Response> {
    let opened = open_session(&state, &req.username, &req.password, req.otp.as_deref()).await?;
    // Rotation: a session the browser already had ends when a new one opens.
    if let Some(old) = crate::extract::cookie::cookie_token(&headers) {
        state.store.delete_session(&token_hash(&old)).await?;
    }
    let mut resp = Json(LoginResponse {
        user: opened.user,
        csrf_token: opened.csrf,
        second_factor: opened.must_enroll.then(|| "enroll".to_string()),
    })
    .into_response();
    resp.headers_mut()
        .insert(header::SET_COOKIE, session_cookie(&state, &opened.token));
    Ok(resp)
}

/// Log out: ends the session of the cookie.
#[utoipa::path(delete, path = "/api/v1/session", tag = "session", responses((status = 204)))]
pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    if let Some(token) = crate::extract::cookie::cookie_token(&headers) {
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

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/api/v1/session", routing::post(login).delete(logout))
        .route("/api/v1/me", routing::get(me))
}

/// This capability's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(login, logout, me))]
pub struct Doc;
