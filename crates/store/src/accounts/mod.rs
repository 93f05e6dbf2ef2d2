//! Repositories of accounts: [`UserRepo`], [`LoginAttemptRepo`], [`SessionRepo`], [`ApiTokenRepo`]. Implemented by both
//! backends in `sql.rs` (compiled once per backend, see `crate::sqlite`).

use crate::error::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::accounts::*;

/// User accounts, passwords and the second factor.
#[async_trait]
pub trait UserRepo: Send + Sync {
    async fn count_users(&self) -> StoreResult<i64>;
    async fn create_user(&self, user: &NewUser, now: DateTime<Utc>) -> StoreResult<User>;
    /// The user and their password hash, for login.
    async fn user_credentials(&self, username: &str) -> StoreResult<Option<(User, String)>>;
    async fn get_user(&self, id: &str) -> StoreResult<User>;
    /// Replaces the password hash, ends every session and revokes every API token of the user.
    async fn set_password(&self, user_id: &str, password_hash: &str, now: DateTime<Utc>) -> StoreResult<()>;
    async fn totp_state(&self, user_id: &str) -> StoreResult<TotpState>;
    /// Stores a secret (encrypted) with its enabled flag, or clears it with `secret = None,
    /// enabled = false`; `secret = None, enabled = true` enables the stored secret.
    async fn set_totp(&self, user_id: &str, secret: Option<&str>, enabled: bool) -> StoreResult<()>;
    /// Marks a TOTP time step used; false if it or a later one was used (replay).
    async fn use_totp_step(&self, user_id: &str, step: i64) -> StoreResult<bool>;
}

/// Failed logins per user name (all nodes), for the login lockout.
#[async_trait]
pub trait LoginAttemptRepo: Send + Sync {
    /// Failed logins for `username` since `since` (all nodes).
    async fn count_login_failures(&self, username: &str, since: DateTime<Utc>) -> StoreResult<i64>;
    /// Records a failed login; forgets failures older than a day.
    async fn record_login_failure(&self, username: &str, at: DateTime<Utc>) -> StoreResult<()>;
    async fn clear_login_failures(&self, username: &str) -> StoreResult<()>;
}

/// Browser sessions.
#[async_trait]
pub trait SessionRepo: Send + Sync {
    async fn create_session(
        &self,
        user_id: &str,
        token_hash: &str,
        csrf_token: &str,
        mfa_pending: bool,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// The live session of a token hash: before its absolute expiry and used within `idle`.
    async fn session_user(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        idle: chrono::Duration,
    ) -> StoreResult<Option<SessionInfo>>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
    /// Clears the session's pending second factor.
    async fn complete_second_factor(&self, token_hash: &str) -> StoreResult<()>;
}

/// Scoped, expiring, revocable API tokens (hashes only).
#[async_trait]
pub trait ApiTokenRepo: Send + Sync {
    /// Stores a token hash; returns the token id.
    async fn create_api_token(
        &self,
        user_id: &str,
        token_hash: &str,
        name: &str,
        scope: TokenScope,
        now: DateTime<Utc>,
        expires_at: Option<DateTime<Utc>>,
    ) -> StoreResult<String>;
    /// The user and scope of a live (unexpired, unrevoked) token.
    async fn api_token_user(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<(User, TokenScope)>>;
    /// Tokens of one user, or of everyone.
    async fn list_api_tokens(&self, user_id: Option<&str>) -> StoreResult<Vec<ApiTokenInfo>>;
    /// Revokes a live token (only `user_id`'s when given); NotFound otherwise.
    async fn revoke_api_token(&self, id: &str, user_id: Option<&str>, now: DateTime<Utc>) -> StoreResult<()>;
}
