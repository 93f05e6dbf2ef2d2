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
use neibao_domain::access::{Principal, Role, Scope};
use neibao_domain::accounts::{TokenScope, User};
use neibao_domain::error::ErrorCode;
use neibao_domain::ids::token_hash;
use rand::RngCore;

use crate::error::ApiError;
use crate::state::AppState;

/// Header carrying the CSRF token on unsafe API requests made with a session cookie.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Argon2id hash in PHC format, with the `argon2` crate's defaults: m = 19 MiB, t = 2, p = 1
/// (the OWASP minimum for Argon2id). Older hashes with other parameters still verify.
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

/// Shortest password accepted (characters).
pub const MIN_PASSWORD_CHARS: usize = 12;

/// The password policy: at least [`MIN_PASSWORD_CHARS`] characters, three of the four classes
/// (lower case, upper case, digits, other), not containing the user name, and not a known
/// default. GB/T 22239-2019 (等保 2.0) 8.1.4.1 a: passwords with complexity requirements.
///
/// Errors: `weak_password` (400) with the first rule broken, in Chinese.
pub fn check_password_policy(password: &str, username: &str) -> Result<(), ApiError> {
    let weak = |m: &str| {
        Err(ApiError::msg(
            ErrorCode::WeakPassword,
            format!("密码不符合安全策略：{m}"),
        ))
    };
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return weak(&format!("至少 {MIN_PASSWORD_CHARS} 个字符"));
    }
    if password.chars().count() > 256 {
        return weak("不超过 256 个字符");
    }
    let classes = [
        password.chars().any(|c| c.is_lowercase()),
        password.chars().any(|c| c.is_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_alphanumeric()),
    ];
    if classes.iter().filter(|&&b| b).count() < 3 {
        return weak("须包含大写字母、小写字母、数字、符号中的至少三类");
    }
    let lower = password.to_lowercase();
    if !username.is_empty() && lower.contains(&username.to_lowercase()) {
        return weak("不得包含用户名");
    }
    if ["neibao", "password", "12345678", "qwerty", "admin"]
        .iter()
        .any(|w| lower.contains(w))
    {
        return weak("不得包含常见弱口令或系统名称");
    }
    Ok(())
}

/// 32 random bytes, URL-safe base64: API tokens, session tokens, CSRF tokens, ingest tokens.
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    URL_SAFE_NO_PAD.encode(b)
}

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

    /// Police officers and administrators (who may look up and read unmasked personal data in
    /// their jurisdiction, see audit logs and place legal holds).
    pub fn is_police_or_admin(&self) -> bool {
        matches!(
            self.user.role,
            Role::Admin | Role::PoliceProvince | Role::PoliceCity | Role::PoliceCounty | Role::PoliceStation
        )
    }
}

fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Paths a session that still owes its second factor may use: enrol or verify TOTP, see who
/// it is, log out.
fn allowed_while_mfa_pending(path: &str) -> bool {
    matches!(
        path,
        "/api/v1/me" | "/api/v1/me/totp" | "/api/v1/me/totp/confirm" | "/api/v1/session" | "/api/v1/session/totp"
    ) || matches!(path, "/account/totp" | "/logout")
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        // Resolved once per request: later extractors (the CSRF form) reuse it.
        if let Some(u) = parts.extensions.get::<CurrentUser>() {
            return Ok(u.clone());
        }
        let user = Self::resolve(parts, state).await?;
        parts.extensions.insert(user.clone());
        Ok(user)
    }
}

impl CurrentUser {
    async fn resolve(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let now = Utc::now();
        let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if let Some(auth) = parts.headers.get(header::AUTHORIZATION) {
            let token = auth
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(str::trim)
                .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated))?;
            let (user, token_scope) = state
                .store
                .api_token_user(&token_hash(token), now)
                .await?
                .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated))?;
            crate::extract::audit_slot::note_actor(parts, &user);
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
        let token = crate::extract::cookie::cookie_token(&parts.headers)
            .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated))?;
        let hash = token_hash(&token);
        let idle =
            chrono::Duration::from_std(state.services.config().session_idle).unwrap_or(chrono::Duration::minutes(30));
        let session = state
            .store
            .session_user(&hash, now, idle)
            .await?
            .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated))?;
        crate::extract::audit_slot::note_actor(parts, &session.user);
        if session.mfa_pending && !allowed_while_mfa_pending(parts.uri.path()) {
            return Err(ApiError::new(ErrorCode::SecondFactorPending));
        }
        // Unsafe API calls made with the cookie must carry the CSRF header; UI form posts check
        // the form field in their handlers.
        if unsafe_method && parts.uri.path().starts_with("/api/") && parts.uri.path() != "/api/v1/session" {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !constant_eq(sent.as_bytes(), session.csrf_token.as_bytes()) {
                return Err(ApiError::msg(
                    ErrorCode::Forbidden,
                    "缺少或错误的 CSRF 令牌（X-CSRF-Token）",
                ));
            }
        }
        let principal = session.user.principal();
        Ok(CurrentUser {
            scope: principal.scope.clone(),
            principal,
            user: session.user,
            csrf: Some(session.csrf_token),
            session: Some(hash),
            token_scope: None,
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

    #[test]
    fn password_policy() {
        assert!(check_password_policy("Short1!", "u").is_err());
        assert!(check_password_policy("alllowercaseletters", "u").is_err());
        assert!(check_password_policy("Zhangsan-2026!x", "zhangsan").is_err());
        assert!(check_password_policy("Neibao-demo-2026", "u").is_err());
        assert!(check_password_policy("Xk7#mq-Lw9-pz", "zhangsan").is_ok());
        let e = check_password_policy("abc", "u").unwrap_err();
        assert_eq!(e.code, ErrorCode::WeakPassword);
    }
}

/// TOTP second factor (RFC 6238: SHA-1, 6 digits, 30-second steps, one step of clock skew
/// either way), with the `totp-rs` crate. Each step is accepted once per user (replay guard in
/// the store).
pub mod totp {
    use totp_rs::{Algorithm, Secret, TOTP};

    /// Issuer shown in authenticator apps.
    pub const ISSUER: &str = "neibao 智慧内保";

    fn totp(secret_b32: &str, account: &str) -> Option<TOTP> {
        let bytes = Secret::Encoded(secret_b32.to_string()).to_bytes().ok()?;
        TOTP::new(
            Algorithm::SHA1,
            6,
            1,
            30,
            bytes,
            Some(ISSUER.into()),
            account.replace(':', "_"),
        )
        .ok()
    }

    /// A new random 160-bit secret, base32 (RFC 4648, no padding).
    pub fn new_secret() -> String {
        use rand::RngCore;
        let mut b = [0u8; 20];
        rand::rngs::OsRng.fill_bytes(&mut b);
        match Secret::Raw(b.to_vec()).to_encoded() {
            Secret::Encoded(s) => s,
            Secret::Raw(_) => unreachable!("to_encoded returns Encoded"),
        }
    }

    /// `otpauth://totp/…` URL for authenticator apps.
    pub fn otpauth_url(secret_b32: &str, account: &str) -> String {
        totp(secret_b32, account).map(|t| t.get_url()).unwrap_or_default()
    }

    /// The code for the step containing `unix_secs` (tests and the CLI).
    pub fn code_at(secret_b32: &str, unix_secs: u64) -> String {
        totp(secret_b32, "x").map(|t| t.generate(unix_secs)).unwrap_or_default()
    }

    /// The time step (unix seconds / 30) whose code is `code`, within one step of `unix_secs`.
    pub fn matching_step(secret_b32: &str, code: &str, unix_secs: u64) -> Option<i64> {
        let code = code.trim();
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let t = totp(secret_b32, "x")?;
        let step = unix_secs / 30;
        [step.saturating_sub(1), step, step + 1]
            .into_iter()
            .find(|s| super::constant_eq(t.generate(s * 30).as_bytes(), code.as_bytes()))
            .map(|s| s as i64)
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn codes_match_their_step_only() {
            let s = super::new_secret();
            let now = 1_790_000_000;
            let code = super::code_at(&s, now);
            assert_eq!(super::matching_step(&s, &code, now), Some((now / 30) as i64));
            assert_eq!(super::matching_step(&s, &code, now + 30), Some((now / 30) as i64));
            assert_eq!(super::matching_step(&s, &code, now + 300), None);
            assert_eq!(super::matching_step(&s, "12345", now), None);
            assert!(super::otpauth_url(&s, "zhang").starts_with("otpauth://totp/"));
        }
    }
}
