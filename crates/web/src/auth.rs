//! Authentication (bearer API tokens and browser sessions), password hashing, and the
//! resolution of a user into a [`Scope`]. Security-sensitive.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, Method};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::Utc;
use neibao_domain::error::ErrorCode;
use neibao_domain::ids::token_hash;
use neibao_domain::scope::{Role, Scope};
use neibao_domain::validate::DivisionCode;
use neibao_store::model::User;
use rand::RngCore;

use crate::error::ApiError;
use crate::AppState;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "neibao_session";
/// Header carrying the CSRF token on unsafe API requests made with a session cookie.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Argon2id hash in PHC format.
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashing with default params")
        .to_string()
}

/// Constant-time check of a password against a PHC hash; false for a malformed hash.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// 32 random bytes, URL-safe base64: API tokens, session tokens, CSRF tokens, ingest tokens.
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    URL_SAFE_NO_PAD.encode(b)
}

/// The scope a user's role and organisation give (DESIGN.md §1).
pub fn scope_for(user: &User) -> Scope {
    match user.role {
        Role::Admin => Scope::All,
        Role::PoliceProvince | Role::PoliceCity | Role::PoliceCounty => {
            match user.division_code.as_deref().map(DivisionCode::parse) {
                Some(Ok(code)) => Scope::Division {
                    prefix: code.scope_prefix().to_string(),
                },
                _ => Scope::Nothing,
            }
        }
        Role::PoliceStation => user
            .org_id
            .clone()
            .map_or(Scope::Nothing, |org_id| Scope::Station { org_id }),
        Role::Department => user
            .org_id
            .clone()
            .map_or(Scope::Nothing, |org_id| Scope::Department { org_id }),
        Role::UnitManager | Role::Guard => user
            .unit_id
            .clone()
            .map_or(Scope::Nothing, |unit_id| Scope::Unit { unit_id }),
    }
}

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    pub scope: Scope,
    /// Set when authenticated by the session cookie: the session's CSRF token.
    pub csrf: Option<String>,
}

impl CurrentUser {
    /// Refuses with 403 unless `allowed`.
    pub fn require(&self, allowed: bool) -> Result<(), ApiError> {
        if allowed {
            Ok(())
        } else {
            Err(ApiError::forbidden())
        }
    }

    /// Checks a CSRF token submitted with a form (session-authenticated requests only).
    pub fn check_form_csrf(&self, submitted: &str) -> Result<(), ApiError> {
        match &self.csrf {
            Some(expected) if constant_eq(expected.as_bytes(), submitted.as_bytes()) => Ok(()),
            Some(_) => Err(ApiError::msg(ErrorCode::Forbidden, "页面已过期，请刷新后重试")),
            None => Ok(()),
        }
    }
}

fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let now = Utc::now();
        if let Some(auth) = parts.headers.get(header::AUTHORIZATION) {
            let token = auth
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(str::trim)
                .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated))?;
            let user = state
                .store
                .api_token_user(&token_hash(token), now)
                .await?
                .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated))?;
            return Ok(CurrentUser {
                scope: scope_for(&user),
                user,
                csrf: None,
            });
        }
        let token = crate::ui::cookie_token(&parts.headers).ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated))?;
        let (user, csrf) = state
            .store
            .session_user(&token_hash(&token), now)
            .await?
            .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated))?;
        // Unsafe API calls made with the cookie must carry the CSRF header; UI form posts check
        // the form field in their handlers.
        let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if unsafe_method && parts.uri.path().starts_with("/api/") && parts.uri.path() != "/api/v1/session" {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !constant_eq(sent.as_bytes(), csrf.as_bytes()) {
                return Err(ApiError::msg(
                    ErrorCode::Forbidden,
                    "缺少或错误的 CSRF 令牌（X-CSRF-Token）",
                ));
            }
        }
        Ok(CurrentUser {
            scope: scope_for(&user),
            user,
            csrf: Some(csrf),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords() {
        let h = hash_password("correct horse");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("x", "not a hash"));
    }
}
