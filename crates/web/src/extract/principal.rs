//! [`CurrentUser`]: the authenticated caller of a request (bearer API token or browser session),
//! resolved once per request through the accounts service, with the [`Principal`] every service
//! call takes. Security-sensitive.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, Method};
use neibao_domain::access::{Principal, Scope};
use neibao_domain::accounts::{TokenScope, User};
use neibao_domain::error::ErrorCode;
use neibao_engine::accounts::constant_eq;

use crate::error::ApiError;
use crate::state::AppState;

/// Header carrying the CSRF token on unsafe API requests made with a session cookie.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    /// Who acts, in which role, over which jurisdiction: what services take.
    pub principal: Principal,
    pub user: User,
    pub scope: Scope,
    /// Set when authenticated by the session cookie: the session's CSRF token.
    pub csrf: Option<String>,
    /// Set when authenticated by the session cookie: the hash of the session token.
    pub session: Option<String>,
    /// Set when authenticated by an API token: what the token may do.
    pub token_scope: Option<TokenScope>,
}

impl CurrentUser {
    /// Checks a CSRF token submitted with a form (session-authenticated requests only).
    pub fn check_form_csrf(&self, submitted: &str) -> Result<(), ApiError> {
        match &self.csrf {
            Some(expected) if constant_eq(expected.as_bytes(), submitted.as_bytes()) => Ok(()),
            Some(_) => Err(ApiError::msg(ErrorCode::Forbidden, "页面已过期，请刷新后重试")),
            None => Ok(()),
        }
    }
}

/// Paths a session that still owes its second factor may use: enrol or verify TOTP, see who
/// it is, log out.
fn allowed_while_mfa_pending(path: &str) -> bool {
    matches!(
        path,
        "/api/v1/me" | "/api/v1/me/totp" | "/api/v1/me/totp/confirm" | "/api/v1/session" | "/api/v1/session/totp"
    ) || matches!(path, "/account/totp" | "/logout")
}

/// Paths a session whose password the system made may use: change it, see who it is, log out.
fn allowed_while_password_temporary(path: &str) -> bool {
    matches!(path, "/api/v1/me" | "/api/v1/me/password" | "/api/v1/session")
        || matches!(path, "/account" | "/account/password" | "/logout")
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        // Resolved once per request: later extractors (the CSRF form) reuse it.
        if let Some(u) = parts.extensions.get::<CurrentUser>() {
            return Ok(u.clone());
        }
        let user = resolve(parts, state).await?;
        parts.extensions.insert(user.clone());
        Ok(user)
    }
}

async fn resolve(parts: &mut Parts, state: &AppState) -> Result<CurrentUser, ApiError> {
    let accounts = &state.services.accounts;
    let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    if let Some(auth) = parts.headers.get(header::AUTHORIZATION) {
        let token = auth
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated))?;
        let (user, token_scope) = accounts
            .authenticate_token(token)
            .await?
            .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated))?;
        super::audit_slot::note_actor(parts, &user);
        if unsafe_method && token_scope == TokenScope::Read {
            return Err(ApiError::msg(ErrorCode::Forbidden, "该令牌为只读令牌，不能修改数据"));
        }
        let principal = user.principal();
        return Ok(CurrentUser {
            scope: principal.scope.clone(),
            principal,
            user,
            csrf: None,
            session: None,
            token_scope: Some(token_scope),
        });
    }
    let token = super::cookie::cookie_token(&parts.headers).ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated))?;
    let session = accounts
        .authenticate_session(&token)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated))?;
    let info = session.info;
    super::audit_slot::note_actor(parts, &info.user);
    if info.mfa_pending && !allowed_while_mfa_pending(parts.uri.path()) {
        return Err(ApiError::new(ErrorCode::SecondFactorPending));
    }
    if info.user.password_temporary && !info.mfa_pending && !allowed_while_password_temporary(parts.uri.path()) {
        return Err(ApiError::new(ErrorCode::PasswordChangeRequired));
    }
    // Unsafe API calls made with the cookie must carry the CSRF header; UI form posts carry the
    // form field (checked by `CsrfForm`).
    if unsafe_method && parts.uri.path().starts_with("/api/") && parts.uri.path() != "/api/v1/session" {
        let sent = parts
            .headers
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !constant_eq(sent.as_bytes(), info.csrf_token.as_bytes()) {
            return Err(ApiError::msg(
                ErrorCode::Forbidden,
                "缺少或错误的 CSRF 令牌（X-CSRF-Token）",
            ));
        }
    }
    let principal = info.user.principal();
    Ok(CurrentUser {
        scope: principal.scope.clone(),
        principal,
        user: info.user,
        csrf: Some(info.csrf_token),
        session: Some(session.token_hash),
        token_scope: None,
    })
}
