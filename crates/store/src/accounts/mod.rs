//! Repositories of accounts: [`UserRepo`], [`LoginAttemptRepo`], [`SessionRepo`],
//! [`ApiTokenRepo`], [`SecuritySettingsRepo`]. Implemented by both backends in `sql.rs`
//! (compiled once per backend, see `crate::sqlite`).
//!
//! Every change a person causes takes its [`AuditEntry`] and writes it in the same transaction:
//! the change and its audit row commit together or not at all. Bookkeeping (the last use of a
//! session or token, a used TOTP step, clearing the login failures after a login) is not audited.

use crate::error::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::accounts::*;
use neibao_domain::audit::AuditEntry;

/// User accounts, passwords and the second factor.
#[async_trait]
pub trait UserRepo: Send + Sync {
    async fn count_users(&self) -> StoreResult<i64>;
    /// Creates an account (first start, demo data: not audited).
    async fn create_user(&self, user: &NewUser, now: DateTime<Utc>) -> StoreResult<User>;
    /// The user and their password hash, for login.
    async fn user_credentials(&self, username: &str) -> StoreResult<Option<(User, String)>>;
    async fn get_user(&self, id: &str) -> StoreResult<User>;
    /// Replaces the password hash, ends every session and revokes every API token of the user.
    async fn set_password(
        &self,
        user_id: &str,
        password_hash: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Recovers an account (`neibao user reset`): a new password hash, the second factor
    /// removed, the login failures of its name forgotten, every session ended and every API
    /// token revoked.
    async fn reset_user(
        &self,
        user_id: &str,
        password_hash: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    async fn totp_state(&self, user_id: &str) -> StoreResult<TotpState>;
    /// Stores a secret (encrypted) with its enabled flag, or clears it with `secret = None`.
    async fn set_totp(
        &self,
        user_id: &str,
        secret: Option<&str>,
        enabled: bool,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Enables the stored secret and, when given, clears that session's pending second factor.
    async fn enable_totp(
        &self,
        user_id: &str,
        session_hash: Option<&str>,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Marks a TOTP time step used; false if it or a later one was used (replay).
    async fn use_totp_step(&self, user_id: &str, step: i64) -> StoreResult<bool>;
}

/// Attempts at a secret (all nodes), for the lockouts: passwords per typed user name, second-
/// factor codes per account. Each attempt is claimed *before* the secret is checked, in one
/// atomic statement, so that parallel attempts (on one node or many sharing the database) can
/// never evaluate more than the limit.
#[async_trait]
pub trait LoginAttemptRepo: Send + Sync {
    /// Claims one attempt on the counter of (`kind`, `subject`) in a single
    /// `INSERT … ON CONFLICT DO UPDATE … RETURNING`: a new window of `window` starting at `now`
    /// when the counter has none or its window has passed (then this is attempt 1), else one
    /// more attempt in the current window. Concurrent claims each get a distinct count. The
    /// subject is stored only as a keyed hash (a typed name may be anyone's phone or ID number).
    /// Counters whose window started more than a day ago are forgotten.
    async fn claim_attempt(
        &self,
        kind: AttemptKind,
        subject: &str,
        window: chrono::Duration,
        now: DateTime<Utc>,
    ) -> StoreResult<AttemptClaim>;
    /// Gives back one claimed attempt that was not a failure (the right secret where a success
    /// does not reset the counter, or a request stopped before the check).
    async fn release_attempt(&self, kind: AttemptKind, subject: &str) -> StoreResult<()>;
    /// Forgets the counter of (`kind`, `subject`) (after a success).
    async fn clear_attempts(&self, kind: AttemptKind, subject: &str) -> StoreResult<()>;
}

/// Browser sessions.
#[async_trait]
pub trait SessionRepo: Send + Sync {
    /// Opens a session (ending the one it replaces, and sessions past their expiry).
    async fn create_session(&self, session: &NewSession, audit: &AuditEntry, now: DateTime<Utc>) -> StoreResult<()>;
    /// The live session of a token hash: before its absolute expiry and used within `idle`.
    async fn session_user(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        idle: chrono::Duration,
    ) -> StoreResult<Option<SessionInfo>>;
    /// Ends a session; audited when `audit` is given (a session of a known user).
    async fn delete_session(&self, token_hash: &str, audit: Option<&AuditEntry>, now: DateTime<Utc>)
        -> StoreResult<()>;
}

/// Scoped, expiring, revocable API tokens (hashes only).
#[async_trait]
pub trait ApiTokenRepo: Send + Sync {
    /// Stores a token hash; returns the token id (also the audit entry's object id).
    async fn create_api_token(
        &self,
        token: &NewApiToken,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<String>;
    /// The user and scope of a live (unexpired, unrevoked) token.
    async fn api_token_user(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<(User, TokenScope)>>;
    /// Tokens of one user, or of everyone.
    async fn list_api_tokens(&self, user_id: Option<&str>) -> StoreResult<Vec<ApiTokenInfo>>;
    /// Revokes a live token (only `user_id`'s when given); NotFound otherwise.
    async fn revoke_api_token(
        &self,
        id: &str,
        user_id: Option<&str>,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
}

/// The bureau's security settings.
#[async_trait]
pub trait SecuritySettingsRepo: Send + Sync {
    async fn security_settings(&self) -> StoreResult<SecuritySettings>;
    async fn set_security_settings(
        &self,
        settings: &SecuritySettings,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
}
