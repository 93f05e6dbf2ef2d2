//! SQL of account administration (compiled once per backend: see `crate::sqlite` and
//! `crate::postgres`).

use super::accounts::{end_access, insert_user, user_from_row};
use super::audit::{append_created, append_in};
use super::common::{escape_like, from_ms};
use super::db::{sql, Db, DbRow};
use super::store::Backend;
use crate::error::{StoreError, StoreResult};
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::accounts::NewUser;
use neibao_domain::audit::AuditEntry;
use neibao_domain::ids::new_id;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::users::{AccountChange, UserAccount, UserFilter};
use sqlx::{QueryBuilder, Row};

const COLUMNS: &str =
    "SELECT us.id, us.username, us.display_name, us.role, us.org_id, us.unit_id, us.disabled, us.password_temporary, \
    us.totp_enabled, us.created_at, us.external_subject, o.name AS org_name, un.name AS unit_name, \
    COALESCE(o.division_code, un.division_code) AS division_code";
const FROM: &str =
    "FROM users us LEFT JOIN organisations o ON o.id = us.org_id LEFT JOIN units un ON un.id = us.unit_id WHERE 1=1";

fn account_from_row(r: &DbRow) -> UserAccount {
    UserAccount {
        user: user_from_row(r),
        disabled: r.get("disabled"),
        totp_enabled: r.get("totp_enabled"),
        created_at: from_ms(r.get("created_at")),
        external_subject: r.get("external_subject"),
    }
}

/// Sets (or clears) an account's external subject inside `tx`; one taken by another account is a
/// conflict.
async fn set_subject(tx: &mut sqlx::Transaction<'static, Db>, id: &str, subject: Option<&str>) -> StoreResult<()> {
    if let Some(s) = subject {
        let taken: Option<String> =
            sqlx::query_scalar(&sql("SELECT id FROM users WHERE external_subject = ? AND id <> ?"))
                .bind(s)
                .bind(id)
                .fetch_optional(&mut **tx)
                .await?;
        if taken.is_some() {
            return Err(StoreError::Domain(neibao_domain::error::DomainError::with_message(
                neibao_domain::error::ErrorCode::Conflict,
                "该外部身份标识已被其他账号使用",
            )));
        }
    }
    sqlx::query(&sql("UPDATE users SET external_subject = ? WHERE id = ?"))
        .bind(subject)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[async_trait]
impl UserAdminRepo for Backend {
    async fn list_accounts(
        &self,
        prefix: Option<&str>,
        f: &UserFilter,
        page: Page,
    ) -> StoreResult<Listing<UserAccount>> {
        let filters = |qb: &mut QueryBuilder<'_, Db>| {
            if let Some(p) = prefix {
                qb.push(" AND COALESCE(o.division_code, un.division_code) LIKE ")
                    .push_bind(format!("{}%", escape_like(p)))
                    .push(" ESCAPE '\\'");
            }
            if let Some(q) = f.q.as_deref().filter(|q| !q.is_empty()) {
                let like = format!("%{}%", escape_like(q));
                qb.push(" AND (us.username LIKE ")
                    .push_bind(like.clone())
                    .push(" ESCAPE '\\' OR us.display_name LIKE ")
                    .push_bind(like)
                    .push(" ESCAPE '\\')");
            }
            if let Some(r) = f.role {
                qb.push(" AND us.role = ").push_bind(r.code());
            }
            if let Some(d) = f.disabled {
                qb.push(" AND us.disabled = ").push_bind(d);
            }
            if let Some(o) = &f.org_id {
                qb.push(" AND us.org_id = ").push_bind(o.clone());
            }
        };
        super::common::paged(
            &self.pool,
            FROM,
            &format!("{COLUMNS} {FROM}"),
            filters,
            "us.username",
            page,
            account_from_row,
        )
        .await
    }

    async fn get_account(&self, id: &str) -> StoreResult<UserAccount> {
        let row = sqlx::query(&sql(&format!("{COLUMNS} {FROM} AND us.id = ?")))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(account_from_row).ok_or(StoreError::NotFound)
    }

    async fn create_account(
        &self,
        u: &NewUser,
        external_subject: Option<&str>,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<String> {
        let id = new_id();
        let mut tx = self.begin_write().await?;
        let taken: Option<String> = sqlx::query_scalar(&sql("SELECT id FROM users WHERE username = ?"))
            .bind(&u.username)
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Err(StoreError::Domain(neibao_domain::error::DomainError::with_message(
                neibao_domain::error::ErrorCode::Conflict,
                "用户名已被使用",
            )));
        }
        insert_user(&mut *tx, &id, u, now).await?;
        if let Some(subject) = external_subject {
            set_subject(&mut tx, &id, Some(subject)).await?;
        }
        append_created(&mut tx, audit, &id, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn update_account(
        &self,
        id: &str,
        c: &AccountChange,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let old = sqlx::query(&sql("SELECT role, org_id, unit_id FROM users WHERE id = ?"))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let moved = old.get::<String, _>("role") != c.role.code()
            || old.get::<Option<String>, _>("org_id") != c.org_id
            || old.get::<Option<String>, _>("unit_id") != c.unit_id;
        sqlx::query(&sql(
            "UPDATE users SET display_name = ?, role = ?, org_id = ?, unit_id = ? WHERE id = ?",
        ))
        .bind(&c.display_name)
        .bind(c.role.code())
        .bind(&c.org_id)
        .bind(&c.unit_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        set_subject(&mut tx, id, c.external_subject.as_deref()).await?;
        if moved {
            end_access(&mut tx, id, now).await?;
        }
        append_in(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn set_account_disabled(
        &self,
        id: &str,
        disabled: bool,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let n = sqlx::query(&sql("UPDATE users SET disabled = ? WHERE id = ?"))
            .bind(disabled)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        if disabled {
            end_access(&mut tx, id, now).await?;
        }
        append_in(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(())
    }
}
