//! Users, browser sessions and API tokens. Only hashes of tokens are stored.

use chrono::{DateTime, Utc};
use neibao_domain::access::Role;
use neibao_domain::ids::new_id;
use sqlx::Row;

use super::{ms, sql, Backend, DbRow};
use crate::repo::{StoreError, StoreResult};
use neibao_domain::accounts::{NewUser, SessionInfo, TokenScope, User};

const USER_COLUMNS: &str =
    "us.*, o.name AS org_name, un.name AS unit_name, COALESCE(o.division_code, un.division_code) AS division_code";
const USER_FROM: &str =
    "FROM users us LEFT JOIN organisations o ON o.id = us.org_id LEFT JOIN units un ON un.id = us.unit_id";

fn user_from_row(r: &DbRow) -> User {
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
    }
}

impl Backend {
    pub(crate) async fn count_users_impl(&self) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(&sql("SELECT COUNT(*) FROM users"))
            .fetch_one(&self.pool)
            .await?)
    }

    pub(crate) async fn create_user_impl(&self, u: &NewUser, now: DateTime<Utc>) -> StoreResult<User> {
        let id = new_id();
        sqlx::query(&sql("INSERT INTO users (id, username, display_name, password_hash, role, org_id, unit_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"))
            .bind(&id)
            .bind(&u.username)
            .bind(&u.display_name)
            .bind(&u.password_hash)
            .bind(u.role.code())
            .bind(&u.org_id)
            .bind(&u.unit_id)
            .bind(ms(now))
            .execute(self.writer())
            .await?;
        self.get_user_impl(&id).await
    }

    pub(crate) async fn user_credentials_impl(&self, username: &str) -> StoreResult<Option<(User, String)>> {
        let row = sqlx::query(&sql(&format!(
            "SELECT {USER_COLUMNS} {USER_FROM} WHERE us.username = ? AND NOT us.disabled"
        )))
        .bind(username)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| (user_from_row(&r), r.get("password_hash"))))
    }

    pub(crate) async fn get_user_impl(&self, id: &str) -> StoreResult<User> {
        let row = sqlx::query(&sql(&format!("SELECT {USER_COLUMNS} {USER_FROM} WHERE us.id = ?")))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(user_from_row).ok_or(StoreError::NotFound)
    }

    pub(crate) async fn create_session_impl(
        &self,
        user_id: &str,
        token_hash: &str,
        csrf: &str,
        mfa_pending: bool,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query(&sql("DELETE FROM sessions WHERE expires_at < ?"))
            .bind(ms(now))
            .execute(self.writer())
            .await?;
        sqlx::query(&sql(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, last_seen_at, mfa_pending) VALUES (?, ?, ?, ?, ?, ?, ?)",
        ))
        .bind(token_hash)
        .bind(user_id)
        .bind(csrf)
        .bind(ms(now))
        .bind(ms(expires_at))
        .bind(ms(now))
        .bind(mfa_pending)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    /// The live session: not past its absolute expiry, and used within `idle` (then its
    /// last use is moved to `now`, at most once a minute).
    pub(crate) async fn session_user_impl(
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

    pub(crate) async fn delete_session_impl(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query(&sql("DELETE FROM sessions WHERE token_hash = ?"))
            .bind(token_hash)
            .execute(self.writer())
            .await?;
        Ok(())
    }

    /// Stores a token's hash; returns the token's id (for listing and revocation).
    pub(crate) async fn create_api_token_impl(
        &self,
        user_id: &str,
        token_hash: &str,
        name: &str,
        scope: TokenScope,
        now: DateTime<Utc>,
        expires_at: Option<DateTime<Utc>>,
    ) -> StoreResult<String> {
        let id = new_id();
        sqlx::query(&sql(
            "INSERT INTO api_tokens (id, token_hash, user_id, name, scope, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        ))
        .bind(&id)
        .bind(token_hash)
        .bind(user_id)
        .bind(name)
        .bind(scope.code())
        .bind(ms(now))
        .bind(expires_at.map(ms))
        .execute(self.writer())
        .await?;
        Ok(id)
    }

    /// The user and scope of a live token (not expired, not revoked); notes its last use at most
    /// once a minute.
    pub(crate) async fn api_token_user_impl(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<(User, TokenScope)>> {
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

    /// Login failures are stored under a keyed hash of the name typed (which may be anyone's
    /// phone or ID number), never the name itself.
    fn login_key(&self, username: &str) -> String {
        self.cipher.blind_index("login_name", username)
    }

    pub(crate) async fn count_login_failures_impl(&self, username: &str, since: DateTime<Utc>) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(&sql(
            "SELECT COUNT(*) FROM login_failures WHERE username = ? AND at >= ?",
        ))
        .bind(self.login_key(username))
        .bind(ms(since))
        .fetch_one(&self.pool)
        .await?)
    }

    pub(crate) async fn record_login_failure_impl(&self, username: &str, at: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query(&sql("DELETE FROM login_failures WHERE at < ?"))
            .bind(ms(at - chrono::Duration::days(1)))
            .execute(self.writer())
            .await?;
        sqlx::query(&sql("INSERT INTO login_failures (username, at) VALUES (?, ?)"))
            .bind(self.login_key(username))
            .bind(ms(at))
            .execute(self.writer())
            .await?;
        Ok(())
    }

    pub(crate) async fn clear_login_failures_impl(&self, username: &str) -> StoreResult<()> {
        sqlx::query(&sql("DELETE FROM login_failures WHERE username = ?"))
            .bind(self.login_key(username))
            .execute(self.writer())
            .await?;
        Ok(())
    }
}
