//! SQL of 平安单位 titles (compiled once per backend: see `crate::sqlite` and `crate::postgres`).

use super::audit::append_in;
use super::common::{from_ms, ms, opt_ms, push_scope};
use super::db::{sql, Db, DbRow};
use super::store::Backend;
use crate::error::{StoreError, StoreResult};
use crate::honours::{HonoursRepo, NewApplication, TitleChange};
use async_trait::async_trait;
use chrono::NaiveDate;
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::error::{DomainError, ErrorCode};
use neibao_domain::honours::{SafeUnitTitle, TitleState};
use sqlx::{QueryBuilder, Row};

const SELECT: &str =
    "SELECT t.*, u.name AS unit_name FROM safe_unit_titles t JOIN units u ON u.id = t.unit_id WHERE 1=1";

fn day(r: &DbRow, col: &str) -> Option<NaiveDate> {
    r.get::<Option<String>, _>(col)
        .and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok())
}

fn from_row(r: &DbRow) -> SafeUnitTitle {
    let state = TitleState::from_code(r.get::<&str, _>("state")).unwrap_or(TitleState::Applied);
    SafeUnitTitle {
        id: r.get("id"),
        unit_id: r.get("unit_id"),
        unit_name: r.get("unit_name"),
        year: r.get::<i64, _>("year") as i32,
        state,
        state_label: state.label_zh().to_string(),
        statement: r.get("statement"),
        applied_by_name: r.get("applied_by_name"),
        applied_at: from_ms(r.get("applied_at")),
        decided_by_name: r.get("decided_by_name"),
        decided_at: opt_ms(r, "decided_at"),
        decision_reason: r.get("decision_reason"),
        valid_from: day(r, "valid_from"),
        valid_until: day(r, "valid_until"),
        revoked_at: opt_ms(r, "revoked_at"),
        revoke_reason: r.get("revoke_reason"),
    }
}

fn refused(m: &str) -> StoreError {
    DomainError::with_message(ErrorCode::InvalidTransition, m).into()
}

impl Backend {
    async fn title_in<'e, E>(&self, exec: E, scope: &Scope, id: &str) -> StoreResult<Option<SafeUnitTitle>>
    where
        E: sqlx::Executor<'e, Database = Db>,
    {
        let mut qb = QueryBuilder::new(format!("{SELECT} AND t.id = "));
        qb.push_bind(id.to_string());
        push_scope(&mut qb, scope);
        Ok(qb.build().fetch_optional(exec).await?.as_ref().map(from_row))
    }
}

#[async_trait]
impl HonoursRepo for Backend {
    async fn apply_safe_unit(
        &self,
        scope: &Scope,
        a: &NewApplication,
        audit: &AuditEntry,
    ) -> StoreResult<SafeUnitTitle> {
        let mut tx = self.begin_write().await?;
        let mut qb = QueryBuilder::new("SELECT u.state FROM units u WHERE u.id = ");
        qb.push_bind(a.unit_id.clone());
        push_scope(&mut qb, scope);
        let row = qb.build().fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?;
        if row.get::<&str, _>("state") == "closed" {
            return Err(refused("单位已注销，不能申请平安单位称号"));
        }
        let existing: i64 = sqlx::query_scalar(&sql(
            "SELECT COUNT(*) FROM safe_unit_titles WHERE unit_id = ? AND year = ? AND state <> 'refused'",
        ))
        .bind(&a.unit_id)
        .bind(a.year as i64)
        .fetch_one(&mut *tx)
        .await?;
        if existing > 0 {
            return Err(refused(&format!(
                "本单位已申请{}年度平安单位称号，不能重复申请",
                a.year
            )));
        }
        sqlx::query(&sql(
            "INSERT INTO safe_unit_titles (id, unit_id, year, state, statement, applied_by, applied_by_name, applied_at, \
             decision_reason, revoke_reason) VALUES (?, ?, ?, 'applied', ?, ?, ?, ?, '', '')",
        ))
        .bind(&a.id)
        .bind(&a.unit_id)
        .bind(a.year as i64)
        .bind(&a.statement)
        .bind(&a.by)
        .bind(&a.by_name)
        .bind(ms(a.at))
        .execute(&mut *tx)
        .await?;
        let mut au = audit.clone();
        if au.object_id.is_empty() {
            au.object_id = a.id.clone();
        }
        au.unit_id.get_or_insert_with(|| a.unit_id.clone());
        append_in(&mut tx, &au, a.at).await?;
        tx.commit().await?;
        self.title_in(&self.pool, &Scope::All, &a.id)
            .await?
            .ok_or(StoreError::NotFound)
    }

    async fn safe_unit_title(&self, scope: &Scope, id: &str) -> StoreResult<Option<SafeUnitTitle>> {
        self.title_in(&self.pool, scope, id).await
    }

    async fn safe_unit_titles(&self, scope: &Scope, unit_id: &str) -> StoreResult<Vec<SafeUnitTitle>> {
        let mut qb = QueryBuilder::new(format!("{SELECT} AND t.unit_id = "));
        qb.push_bind(unit_id.to_string());
        push_scope(&mut qb, scope);
        qb.push(" ORDER BY t.year DESC, t.applied_at DESC");
        Ok(qb.build().fetch_all(&self.pool).await?.iter().map(from_row).collect())
    }

    async fn change_safe_unit_title(
        &self,
        scope: &Scope,
        id: &str,
        c: &TitleChange,
        audit: &AuditEntry,
    ) -> StoreResult<SafeUnitTitle> {
        let mut tx = self.begin_write().await?;
        let current = self.title_in(&mut *tx, scope, id).await?.ok_or(StoreError::NotFound)?;
        let from = match c.to {
            TitleState::Granted | TitleState::Refused => TitleState::Applied,
            TitleState::Revoked => TitleState::Granted,
            TitleState::Applied => return Err(refused("不能改回待审核")),
        };
        if current.state != from {
            return Err(refused(match c.to {
                TitleState::Revoked => "只能撤销已授予的平安单位称号",
                _ => "该申请已审核，不能重复审核",
            }));
        }
        if c.to == TitleState::Revoked {
            sqlx::query(&sql(
                "UPDATE safe_unit_titles SET state = 'revoked', revoked_at = ?, revoke_reason = ? WHERE id = ? AND state = 'granted'",
            ))
            .bind(ms(c.at))
            .bind(&c.reason)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        } else {
            let (from_day, until_day) = match c.valid {
                Some((f, u)) => (
                    Some(f.format("%Y-%m-%d").to_string()),
                    Some(u.format("%Y-%m-%d").to_string()),
                ),
                None => (None, None),
            };
            sqlx::query(&sql(
                "UPDATE safe_unit_titles SET state = ?, decided_by = ?, decided_by_name = ?, decided_at = ?, decision_reason = ?, \
                 valid_from = ?, valid_until = ? WHERE id = ? AND state = 'applied'",
            ))
            .bind(c.to.code())
            .bind(&c.by)
            .bind(&c.by_name)
            .bind(ms(c.at))
            .bind(&c.reason)
            .bind(from_day)
            .bind(until_day)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        let mut au = audit.clone();
        au.unit_id.get_or_insert_with(|| current.unit_id.clone());
        append_in(&mut tx, &au, c.at).await?;
        tx.commit().await?;
        self.title_in(&self.pool, &Scope::All, id)
            .await?
            .ok_or(StoreError::NotFound)
    }
}
