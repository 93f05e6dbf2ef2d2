//! Accounts: login and logout for browsers and scripts, `GET /api/v1/me`, the caller's password,
//! second factor and API tokens, and the bureau's security settings. Every handler parses the
//! request and calls the accounts service (which audits each change in its transaction).

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use neibao_domain::accounts::{ApiTokenInfo, SecuritySettings, TokenScope, User};
use neibao_engine::accounts::TokenDraft;
use serde::{Deserialize, Serialize};

use crate::error::ApiResult;
use crate::extract::cookie::{cookie_token, SESSION_COOKIE};
use crate::extract::principal::CurrentUser;
use crate::idempotency::ShownOnce;
use crate::state::AppState;

// --- session ---

#[derive(Deserialize, utoipa::ToSchema)]
pub struct LoginRequest {
    #[schema(min_length = 1, max_length = 64)]
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

/// `Set-Cookie` value for a session token (HttpOnly, SameSite=Strict, Secure when configured).
pub fn session_cookie(state: &AppState, token: &str) -> HeaderValue {
    let secure = if state.config.secure_cookies { "; Secure" } else { "" };
    let max_age = state.services.config().session_ttl.as_secs();
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    ))
    .expect("ascii cookie")
}

/// `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie() -> HeaderValue {
    HeaderValue::from_static("neibao_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// Log in: checks the credentials (and the one-time code of an account with a second factor)
/// and sets the session cookie; a session the browser already had ends (rotation).
///
/// Errors: `bad_credentials` (401), `totp_required` (401), `busy` (429) after too many failures
/// for the name.
#[utoipa::path(post, path = "/api/v1/session", tag = "session", request_body = LoginRequest, security(()),
    responses((status = 200, body = LoginResponse), (status = 401, body = crate::error::ErrorBody),
        (status = 429, body = crate::error::ErrorBody, description = "登录失败次数过多（busy），或动态验证码错误次数过多；Retry-After 为剩余锁定秒数",
            headers(("Retry-After" = u64, description = "剩余锁定时间（秒）")))))]
pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(req): Json<LoginRequest>,
) -> ApiResult<Response> {
    let previous = cookie_token(&headers);
    let opened = state
        .services
        .accounts
        .login(&req.username, &req.password, req.otp.as_deref(), previous.as_deref())
        .await?;
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

/// Log out: ends the session of the cookie, if any (anyone may call it).
#[utoipa::path(delete, path = "/api/v1/session", tag = "session", security(()), responses((status = 204)))]
pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    if let Some(token) = cookie_token(&headers) {
        state.services.accounts.logout(&token).await?;
    }
    let mut resp = StatusCode::NO_CONTENT.into_response();
    resp.headers_mut().insert(header::SET_COOKIE, clear_cookie());
    Ok(resp)
}

/// The caller.
#[utoipa::path(get, path = "/api/v1/me", tag = "session", responses((status = 200, body = User)))]
pub async fn me(user: CurrentUser) -> Json<User> {
    Json(user.user)
}

// --- password ---

#[derive(Deserialize, utoipa::ToSchema)]
pub struct PasswordChange {
    pub current_password: String,
    /// At least 12 characters, three of the four classes (lower, upper, digits, other), not
    /// containing the user name.
    #[schema(min_length = 12, max_length = 256)]
    pub new_password: String,
}

/// Changes the caller's password (policy-checked), ends all their sessions and revokes all their
/// API tokens. A wrong current password counts as a failed login.
///
/// Errors: `weak_password` (400), `validation_failed` (400, same as the current one),
/// `bad_credentials` (401), `busy` (429).
#[utoipa::path(put, path = "/api/v1/me/password", tag = "account", request_body = PasswordChange,
    responses((status = 204), (status = 401, body = crate::error::ErrorBody, description = "当前密码错误（bad_credentials），或未登录"),
        (status = 429, body = crate::error::ErrorBody, description = "密码错误次数过多（busy）；Retry-After 为剩余锁定秒数",
            headers(("Retry-After" = u64, description = "剩余锁定时间（秒）")))))]
pub async fn change_password(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(req): Json<PasswordChange>,
) -> ApiResult<StatusCode> {
    state
        .services
        .accounts
        .change_password(&user.principal, &req.current_password, &req.new_password)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

// --- second factor ---

#[derive(Serialize, utoipa::ToSchema)]
pub struct TotpEnrollment {
    /// Base32 secret to type into an authenticator app.
    pub secret: String,
    /// `otpauth://` URL (for a QR code).
    pub otpauth_url: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct TotpCode {
    /// The six digits the authenticator app shows now.
    #[schema(pattern = "^[0-9]{6}$")]
    pub code: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TotpStatus {
    pub enabled: bool,
    /// The bureau requires a second factor for this account.
    pub required: bool,
}

/// Whether the caller has a second factor, and whether one is required.
#[utoipa::path(get, path = "/api/v1/me/totp", tag = "account", responses((status = 200, body = TotpStatus)))]
pub async fn totp_status(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<TotpStatus>> {
    let st = state.services.accounts.totp_status(&user.principal).await?;
    Ok(Json(TotpStatus {
        enabled: st.enabled,
        required: st.required,
    }))
}

/// Starts enrolment: a new secret, not active until confirmed with a code.
///
/// Errors: `conflict` (409) when a second factor is already active.
#[utoipa::path(post, path = "/api/v1/me/totp", tag = "account", responses((status = 200, body = TotpEnrollment), (status = 409, body = crate::error::ErrorBody)))]
pub async fn totp_begin(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<(Extension<ShownOnce>, Json<TotpEnrollment>)> {
    let e = state.services.accounts.begin_totp(&user.principal).await?;
    // The secret is shown once: a repeat (`Idempotency-Key`) is not answered with it.
    Ok((
        Extension(ShownOnce),
        Json(TotpEnrollment {
            secret: e.secret,
            otpauth_url: e.otpauth_url,
        }),
    ))
}

/// Confirms enrolment with a current code; activates the second factor and clears the
/// session's pending state.
///
/// Errors: `validation_failed` (400) for a wrong or already used code; `busy` (429) after too
/// many wrong codes (shared with login and removal), with `Retry-After`.
#[utoipa::path(post, path = "/api/v1/me/totp/confirm", tag = "account", request_body = TotpCode,
    responses((status = 204), (status = 400, body = crate::error::ErrorBody, description = "动态验证码错误或已使用"),
        (status = 429, body = crate::error::ErrorBody, description = "动态验证码错误次数过多（busy）；Retry-After 为剩余锁定秒数",
            headers(("Retry-After" = u64, description = "剩余锁定时间（秒）")))))]
pub async fn totp_confirm(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(req): Json<TotpCode>,
) -> ApiResult<StatusCode> {
    state
        .services
        .accounts
        .confirm_totp(&user.principal, user.session.as_deref(), &req.code)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes the second factor (needs a current code). Refused while the bureau requires one.
///
/// Errors: `validation_failed` (400) for a wrong or already used code; `forbidden` (403);
/// `busy` (429) after too many wrong codes (shared with login and confirmation), with
/// `Retry-After`.
#[utoipa::path(delete, path = "/api/v1/me/totp", tag = "account", request_body = TotpCode,
    responses((status = 204), (status = 400, body = crate::error::ErrorBody, description = "动态验证码错误或已使用"),
        (status = 403, body = crate::error::ErrorBody),
        (status = 429, body = crate::error::ErrorBody, description = "动态验证码错误次数过多（busy）；Retry-After 为剩余锁定秒数",
            headers(("Retry-After" = u64, description = "剩余锁定时间（秒）")))))]
pub async fn totp_remove(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(req): Json<TotpCode>,
) -> ApiResult<StatusCode> {
    state.services.accounts.remove_totp(&user.principal, &req.code).await?;
    Ok(StatusCode::NO_CONTENT)
}

// --- API tokens ---

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewToken {
    /// 1–64 characters (not only spaces).
    #[schema(min_length = 1, max_length = 64)]
    pub name: String,
    /// `read` (default) or `write`.
    #[serde(default)]
    pub scope: Option<TokenScope>,
    /// Days until the token expires (1–365, default 90).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 365)]
    pub expires_in_days: Option<i64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CreatedToken {
    pub id: String,
    /// Shown once; only its hash is stored.
    pub token: String,
    pub scope: TokenScope,
    /// Milliseconds since the Unix epoch (UTC).
    pub expires_at: i64,
}

/// The caller's API tokens (with `token.administer`: everyone's).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "account", responses((status = 200, body = Vec<ApiTokenInfo>)))]
pub async fn list_tokens(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Vec<ApiTokenInfo>>> {
    Ok(Json(state.services.accounts.list_tokens(&user.principal).await?))
}

/// Creates an API token for the caller: scoped (`read` allows GET only), expiring, revocable.
/// Only from a signed-in session (or `neibao token create`), never with another token.
///
/// Errors: `validation_failed` (400), `forbidden` (403) when called with an API token.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "account", request_body = NewToken,
    responses((status = 201, body = CreatedToken), (status = 403, body = crate::error::ErrorBody)))]
pub async fn create_token(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(req): Json<NewToken>,
) -> ApiResult<(StatusCode, Extension<ShownOnce>, Json<CreatedToken>)> {
    let draft = TokenDraft {
        name: req.name,
        scope: req.scope,
        expires_in_days: req.expires_in_days,
    };
    let t = state
        .services
        .accounts
        .create_token(&user.principal, user.token_scope.is_some(), draft)
        .await?;
    // The token is shown once: a repeat (`Idempotency-Key`) is not answered with it.
    Ok((
        StatusCode::CREATED,
        Extension(ShownOnce),
        Json(CreatedToken {
            id: t.id,
            token: t.token,
            scope: t.scope,
            expires_at: t.expires_at.map_or(0, |e| e.timestamp_millis()),
        }),
    ))
}

/// Revokes a token (one's own; with `token.administer` any).
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "account",
    params(("id" = String, Path, description = "令牌编号（GET /api/v1/tokens 所列的 id）")),
    responses((status = 204)))]
pub async fn revoke_token(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state.services.accounts.revoke_token(&user.principal, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// --- settings ---

/// The bureau's security settings (police and administrators).
#[utoipa::path(get, path = "/api/v1/security/settings", tag = "account",
    responses((status = 200, body = SecuritySettings), (status = 403, body = crate::error::ErrorBody)))]
pub async fn get_settings(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<SecuritySettings>> {
    Ok(Json(state.services.accounts.security_settings(&user.principal).await?))
}

/// Changes the bureau's security settings (administrators).
#[utoipa::path(put, path = "/api/v1/security/settings", tag = "account", request_body = SecuritySettings,
    responses((status = 200, body = SecuritySettings), (status = 403, body = crate::error::ErrorBody)))]
pub async fn put_settings(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(req): Json<SecuritySettings>,
) -> ApiResult<Json<SecuritySettings>> {
    Ok(Json(
        state
            .services
            .accounts
            .set_security_settings(&user.principal, req)
            .await?,
    ))
}

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/api/v1/session", routing::post(login).delete(logout))
        .route("/api/v1/me", routing::get(me))
        .route("/api/v1/me/password", routing::put(change_password))
        .route(
            "/api/v1/me/totp",
            routing::get(totp_status).post(totp_begin).delete(totp_remove),
        )
        .route("/api/v1/me/totp/confirm", routing::post(totp_confirm))
        .route("/api/v1/tokens", routing::get(list_tokens).post(create_token))
        .route("/api/v1/tokens/{id}", routing::delete(revoke_token))
        .route(
            "/api/v1/security/settings",
            routing::get(get_settings).put(put_settings),
        )
}

/// This capability's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    login,
    logout,
    me,
    change_password,
    totp_status,
    totp_begin,
    totp_confirm,
    totp_remove,
    list_tokens,
    create_token,
    revoke_token,
    get_settings,
    put_settings
))]
pub struct Doc;
