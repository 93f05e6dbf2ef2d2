//! SQL of accounts (compiled once per backend: see `crate::sqlite` and `crate::postgres`).

use super::audit::{append_created, append_in};
use super::common::ms;
use super::db::{sql, Db, DbRow};
use super::store::Backend;
use crate::error::{StoreError, StoreResult};
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Role;
use neibao_domain::accounts::{
    ApiTokenInfo, AttemptClaim, AttemptKind, NewApiToken, NewSession, NewUser, SecuritySettings, SessionInfo,
    TokenScope, TotpState, User,
};
use neibao_domain::audit::AuditEntry;
use neibao_domain::ids::new_id;
use sqlx::{QueryBuilder, Row};

const AAD_TOTP: &str = "users.totp_secret";

/// Meta key: `1` when police accounts must use a TOTP second factor.
const REQUIRE_TOTP_POLICE: &str = "security.require_totp_police";

fn token_from_row(r: &DbRow) -> ApiTokenInfo {
    ApiTokenInfo {
        id: r.get("id"),
        user_id: r.get("user_id"),
        username: r.get("username"),
        name: r.get("name"),
        scope: TokenScope::from_code(r.get::<&str, _>("scope")).unwrap_or(TokenScope::Read),
        created_at: r.get("created_at"),
        expires_at: r.get("expires_at"),
        revoked_at: r.get("revoked_at"),
        last_used_at: r.get("last_used_at"),
    }
}

const USER_COLUMNS: &str =
    "us.*, o.name AS org_name, un.name AS unit_name, COALESCE(o.division_code, un.division_code) AS division_code";

const USER_FROM: &str =
    "FROM users us LEFT JOIN organisations o ON o.id = us.org_id LEFT JOIN units un ON un.id = us.unit_id";

/// A user from a row with the columns of [`USER_COLUMNS`] (also account administration's).
pub(crate) fn user_from_row(r: &DbRow) -> User {
    User {
        id: r.get("id"),
        username: r.get("username"),
        display_name: r.get("display_name"),
        role: Role::from_code(r.get::<&str, _>("role")).unwrap_or(Role::Guard),
        org_id: r.get("org_id"),
        unit_id: r.get("unit_id"),
        division_code: r.get("division_code"),
        org_name: r.get("org_name"),
        unit_name: r.get("unit_name"),
        password_temporary: r.get("password_temporary"),
    }
}

impl Backend {
    /// The key of an attempt counter: the kind and a keyed hash of the subject (a typed name may
    /// be anyone's phone or ID number; it is never stored).
    fn attempt_key(&self, kind: AttemptKind, subject: &str) -> String {
        let domain = match kind {
            AttemptKind::Password => "login_name",
            AttemptKind::SecondFactor => "totp_user",
        };
        format!("{}:{}", kind.code(), self.cipher.blind_index(domain, subject))
    }
}

/// Sets the password hash of `user_id` inside `tx`, ends all their sessions and revokes all
/// their API tokens. NotFound when there is no such user.
/// Replaces a password: `temporary` when the system made it (a reset), not when its owner chose it.
async fn replace_password(
    tx: &mut sqlx::Transaction<'_, Db>,
    user_id: &str,
    hash: &str,
    temporary: bool,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let n = sqlx::query(&sql(
        "UPDATE users SET password_hash = ?, password_temporary = ?, password_changed_at = ? WHERE id = ?",
    ))
    .bind(hash)
    .bind(temporary)
    .bind(ms(now))
    .bind(user_id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    end_access(tx, user_id, now).await
}

/// Ends every session of `user_id` and revokes every API token of theirs, inside `tx` (a
/// password change or reset; account administration's move and disable).
pub(crate) async fn end_access(
    tx: &mut sqlx::Transaction<'_, Db>,
    user_id: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    sqlx::query(&sql("DELETE FROM sessions WHERE user_id = ?"))
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query(&sql(
        "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
    ))
    .bind(ms(now))
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Inserts the account `u` with id `id` (first start, demo data, account administration).
pub(crate) async fn insert_user<'e, E: sqlx::Executor<'e, Database = Db>>(
    db: E,
    id: &str,
    u: &NewUser,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    sqlx::query(&sql("INSERT INTO users (id, username, display_name, password_hash, password_temporary, role, org_id, unit_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"))
        .bind(id)
        .bind(&u.username)
        .bind(&u.display_name)
        .bind(&u.password_hash)
        .bind(u.password_temporary)
        .bind(u.role.code())
        .bind(&u.org_id)
        .bind(&u.unit_id)
        .bind(ms(now))
        .execute(db)
        .await?;
    Ok(())
}

#[async_trait]
impl UserRepo for Backend {
    /// Sets a user's password hash, ends all their sessions and revokes all their API tokens.
    async fn set_password(&self, user_id: &str, hash: &str, audit: &AuditEntry, now: DateTime<Utc>) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        replace_password(&mut tx, user_id, hash, false, now).await?;
        append_in(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn reset_user(&self, user_id: &str, hash: &str, audit: &AuditEntry, now: DateTime<Utc>) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let username: String = sqlx::query_scalar(&sql("SELECT username FROM users WHERE id = ?"))
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        replace_password(&mut tx, user_id, hash, true, now).await?;
        sqlx::query(&sql(
            "UPDATE users SET totp_secret_enc = NULL, totp_enabled = ?, totp_last_step = 0 WHERE id = ?",
        ))
        .bind(false)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(&sql("DELETE FROM auth_attempts WHERE key IN (?, ?)"))
            .bind(self.attempt_key(AttemptKind::Password, &username))
            .bind(self.attempt_key(AttemptKind::SecondFactor, user_id))
            .execute(&mut *tx)
            .await?;
        append_in(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn totp_state(&self, user_id: &str) -> StoreResult<TotpState> {
        let r = sqlx::query(&sql(
            "SELECT totp_secret_enc, totp_enabled, totp_last_step FROM users WHERE id = ?",
        ))
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(TotpState {
            secret: r
                .get::<Option<String>, _>("totp_secret_enc")
                .map(|ct| self.cipher.decrypt(AAD_TOTP, &ct))
                .transpose()?,
            enabled: r.get("totp_enabled"),
            last_step: r.get("totp_last_step"),
        })
    }

    /// Stores a (new, not yet confirmed) secret, or clears it (`secret = None`).
    async fn set_totp(
        &self,
        user_id: &str,
        secret: Option<&str>,
        enabled: bool,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let enc = secret.map(|s| self.cipher.encrypt(AAD_TOTP, s));
        let mut tx = self.begin_write().await?;
        let n = sqlx::query(&sql(
            "UPDATE users SET totp_secret_enc = ?, totp_enabled = ?, totp_last_step = 0 WHERE id = ?",
        ))
        .bind(enc)
        .bind(enabled && secret.is_some())
        .bind(user_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        append_in(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Enables the stored secret (if any) and completes the session's second factor.
    async fn enable_totp(
        &self,
        user_id: &str,
        session_hash: Option<&str>,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(&sql(
            "UPDATE users SET totp_enabled = ? WHERE id = ? AND totp_secret_enc IS NOT NULL",
        ))
        .bind(true)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        if let Some(hash) = session_hash {
            sqlx::query(&sql("UPDATE sessions SET mfa_pending = ? WHERE token_hash = ?"))
                .bind(false)
                .bind(hash)
                .execute(&mut *tx)
                .await?;
        }
        append_in(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records `step` as used; false when it (or a later step) was used before (a replay).
    async fn use_totp_step(&self, user_id: &str, step: i64) -> StoreResult<bool> {
        let n = sqlx::query(&sql(
            "UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?",
        ))
        .bind(step)
        .bind(user_id)
        .bind(step)
        .execute(self.writer())
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    async fn count_users(&self) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(&sql("SELECT COUNT(*) FROM users"))
            .fetch_one(&self.pool)
            .await?)
    }

    async fn create_user(&self, u: &NewUser, now: DateTime<Utc>) -> StoreResult<User> {
        let id = new_id();
        insert_user(self.writer(), &id, u, now).await?;
        self.get_user(&id).await
    }

    async fn user_credentials(&self, username: &str) -> StoreResult<Option<(User, String)>> {
        let row = sqlx::query(&sql(&format!(
            "SELECT {USER_COLUMNS} {USER_FROM} WHERE us.username = ? AND NOT us.disabled"
        )))
        .bind(username)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| (user_from_row(&r), r.get("password_hash"))))
    }

    async fn get_user(&self, id: &str) -> StoreResult<User> {
        let row = sqlx::query(&sql(&format!("SELECT {USER_COLUMNS} {USER_FROM} WHERE us.id = ?")))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(user_from_row).ok_or(StoreError::NotFound)
    }
}

#[async_trait]
impl LoginAttemptRepo for Backend {
    async fn claim_attempt(
        &self,
        kind: AttemptKind,
        subject: &str,
        window: chrono::Duration,
        now: DateTime<Utc>,
    ) -> StoreResult<AttemptClaim> {
        // One statement: the row is locked (PostgreSQL) or the database is (SQLite's one
        // writer) from the read of the old count to the write of the new one.
        let row = sqlx::query(&sql(
            "INSERT INTO auth_attempts (key, window_start, attempts) VALUES (?, ?, 1) \
             ON CONFLICT (key) DO UPDATE SET \
             attempts = CASE WHEN auth_attempts.window_start <= ? THEN 1 ELSE auth_attempts.attempts + 1 END, \
             window_start = CASE WHEN auth_attempts.window_start <= ? THEN excluded.window_start ELSE auth_attempts.window_start END \
             RETURNING window_start, attempts",
        ))
        .bind(self.attempt_key(kind, subject))
        .bind(ms(now))
        .bind(ms(now - window))
        .bind(ms(now - window))
        .fetch_one(self.writer())
        .await?;
        let start: i64 = row.get("window_start");
        let claim = AttemptClaim {
            attempts: row.get("attempts"),
            window_ends: DateTime::from_timestamp_millis(start).unwrap_or(now) + window,
        };
        if claim.attempts == 1 {
            // A new window: a good moment to forget counters nobody has used for a day.
            sqlx::query(&sql("DELETE FROM auth_attempts WHERE window_start < ?"))
                .bind(ms(now - chrono::Duration::days(1)))
                .execute(self.writer())
                .await?;
        }
        Ok(claim)
    }

    async fn release_attempt(&self, kind: AttemptKind, subject: &str) -> StoreResult<()> {
        sqlx::query(&sql(
            "UPDATE auth_attempts SET attempts = attempts - 1 WHERE key = ? AND attempts > 0",
        ))
        .bind(self.attempt_key(kind, subject))
        .execute(self.writer())
        .await?;
        Ok(())
    }

    async fn clear_attempts(&self, kind: AttemptKind, subject: &str) -> StoreResult<()> {
        sqlx::query(&sql("DELETE FROM auth_attempts WHERE key = ?"))
            .bind(self.attempt_key(kind, subject))
            .execute(self.writer())
            .await?;
        Ok(())
    }
}

#[async_trait]
impl SessionRepo for Backend {
    async fn create_session(&self, s: &NewSession, audit: &AuditEntry, now: DateTime<Utc>) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(&sql("DELETE FROM sessions WHERE expires_at < ?"))
            .bind(ms(now))
            .execute(&mut *tx)
            .await?;
        if let Some(old) = &s.replaces {
            sqlx::query(&sql("DELETE FROM sessions WHERE token_hash = ?"))
                .bind(old)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(&sql(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, last_seen_at, mfa_pending) VALUES (?, ?, ?, ?, ?, ?, ?)",
        ))
        .bind(&s.token_hash)
        .bind(&s.user_id)
        .bind(&s.csrf_token)
        .bind(ms(now))
        .bind(ms(s.expires_at))
        .bind(ms(now))
        .bind(s.mfa_pending)
        .execute(&mut *tx)
        .await?;
        append_in(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The live session: not past its absolute expiry, and used within `idle` (then its
    /// last use is moved to `now`, at most once a minute).
    async fn session_user(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        idle: chrono::Duration,
    ) -> StoreResult<Option<SessionInfo>> {
        let row = sqlx::query(&sql(&format!(
            "SELECT {USER_COLUMNS}, s.csrf_token, s.mfa_pending, s.last_seen_at {USER_FROM} JOIN sessions s ON s.user_id = us.id WHERE s.token_hash = ? AND s.expires_at > ? AND s.last_seen_at > ? AND NOT us.disabled"
        )))
        .bind(token_hash)
        .bind(ms(now))
        .bind(ms(now - idle))
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else { return Ok(None) };
        if r.get::<i64, _>("last_seen_at") < ms(now - chrono::Duration::minutes(1)) {
            sqlx::query(&sql("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?"))
                .bind(ms(now))
                .bind(token_hash)
                .execute(self.writer())
                .await?;
        }
        Ok(Some(SessionInfo {
            user: user_from_row(&r),
            csrf_token: r.get("csrf_token"),
            mfa_pending: r.get("mfa_pending"),
        }))
    }

    async fn delete_session(
        &self,
        token_hash: &str,
        audit: Option<&AuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(&sql("DELETE FROM sessions WHERE token_hash = ?"))
            .bind(token_hash)
            .execute(&mut *tx)
            .await?;
        if let Some(audit) = audit {
            append_in(&mut tx, audit, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

#[async_trait]
impl ApiTokenRepo for Backend {
    /// All tokens (`user_id = None`) or one user's, newest first.
    async fn list_api_tokens(&self, user_id: Option<&str>) -> StoreResult<Vec<ApiTokenInfo>> {
        let mut qb = QueryBuilder::new(
            "SELECT t.id, t.user_id, us.username, t.name, t.scope, t.created_at, t.expires_at, t.revoked_at, t.last_used_at
             FROM api_tokens t JOIN users us ON us.id = t.user_id WHERE 1=1",
        );
        if let Some(u) = user_id {
            qb.push(" AND t.user_id = ").push_bind(u.to_string());
        }
        qb.push(" ORDER BY t.created_at DESC LIMIT 500");
        Ok(qb
            .build()
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(token_from_row)
            .collect())
    }

    /// Revokes a token (of `user_id` when given). NotFound when there is no such live token.
    async fn revoke_api_token(
        &self,
        id: &str,
        user_id: Option<&str>,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let mut qb = QueryBuilder::new("UPDATE api_tokens SET revoked_at = ");
        qb.push_bind(ms(now))
            .push(" WHERE revoked_at IS NULL AND id = ")
            .push_bind(id.to_string());
        if let Some(u) = user_id {
            qb.push(" AND user_id = ").push_bind(u.to_string());
        }
        let n = qb.build().execute(&mut *tx).await?.rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        append_in(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Stores a token's hash; returns the token's id (for listing and revocation).
    async fn create_api_token(&self, t: &NewApiToken, audit: &AuditEntry, now: DateTime<Utc>) -> StoreResult<String> {
        let id = new_id();
        let mut tx = self.begin_write().await?;
        sqlx::query(&sql(
            "INSERT INTO api_tokens (id, token_hash, user_id, name, scope, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        ))
        .bind(&id)
        .bind(&t.token_hash)
        .bind(&t.user_id)
        .bind(&t.name)
        .bind(t.scope.code())
        .bind(ms(now))
        .bind(t.expires_at.map(ms))
        .execute(&mut *tx)
        .await?;
        append_created(&mut tx, audit, &id, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The user and scope of a live token (not expired, not revoked); notes its last use at most
    /// once a minute.
    async fn api_token_user(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<(User, TokenScope)>> {
        let row = sqlx::query(&sql(&format!(
            "SELECT {USER_COLUMNS}, t.scope AS token_scope, t.last_used_at {USER_FROM} JOIN api_tokens t ON t.user_id = us.id WHERE t.token_hash = ? AND (t.expires_at IS NULL OR t.expires_at > ?) AND t.revoked_at IS NULL AND NOT us.disabled"
        )))
        .bind(token_hash)
        .bind(ms(now))
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else { return Ok(None) };
        if r.get::<Option<i64>, _>("last_used_at")
            .is_none_or(|t| t < ms(now - chrono::Duration::minutes(1)))
        {
            sqlx::query(&sql("UPDATE api_tokens SET last_used_at = ? WHERE token_hash = ?"))
                .bind(ms(now))
                .bind(token_hash)
                .execute(self.writer())
                .await?;
        }
        let scope = TokenScope::from_code(r.get::<&str, _>("token_scope")).unwrap_or(TokenScope::Read);
        Ok(Some((user_from_row(&r), scope)))
    }
}

#[async_trait]
impl SecuritySettingsRepo for Backend {
    async fn security_settings(&self) -> StoreResult<SecuritySettings> {
        let v: Option<String> = sqlx::query_scalar(&sql("SELECT value FROM meta WHERE key = ?"))
            .bind(REQUIRE_TOTP_POLICE)
            .fetch_optional(&self.pool)
            .await?;
        Ok(SecuritySettings {
            require_totp_police: v.as_deref() == Some("1"),
        })
    }

    async fn set_security_settings(
        &self,
        s: &SecuritySettings,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(&sql(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        ))
        .bind(REQUIRE_TOTP_POLICE)
        .bind(if s.require_totp_police { "1" } else { "0" })
        .execute(&mut *tx)
        .await?;
        append_in(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(())
    }
}
