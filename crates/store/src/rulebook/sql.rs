//! SQL of the rulebook (compiled once per backend: see `crate::sqlite` and `crate::postgres`).

use super::audit::append_in;
use super::common::{from_ms, ms, paged, push_scope};
use super::db::{sql, Db, DbRow};
use super::store::Backend;
use crate::error::{StoreError, StoreResult};
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::error::{DomainError, ErrorCode};
use neibao_domain::jobs::NewJob;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::rulebook::*;
use sqlx::{QueryBuilder, Row};

fn date(r: &DbRow, col: &str) -> NaiveDate {
    r.get::<&str, _>(col).parse().unwrap_or_default()
}

fn version_from_row(r: &DbRow) -> RuleVersion {
    RuleVersion {
        id: r.get("id"),
        unit_id: r.get("unit_id"),
        subject: r.get("subject"),
        version: r.get("version"),
        title: r.get("title"),
        body: r.get("body"),
        approved_on: date(r, "approved_on"),
        published_on: date(r, "published_on"),
        created_by: r.get("created_by"),
        created_at: from_ms(r.get("created_at")),
    }
}

/// The unit's name when it is in the scope (inside `tx` or on the pool).
async fn unit_in_scope<'e, E>(exec: E, scope: &Scope, unit_id: &str) -> StoreResult<String>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    let mut qb = QueryBuilder::new("SELECT u.name FROM units u WHERE u.id = ");
    qb.push_bind(unit_id.to_string());
    push_scope(&mut qb, scope);
    qb.build_query_scalar::<String>()
        .fetch_optional(exec)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Refuses a change to a closed (注销) unit: its records stay readable, nothing is added
/// (docs/REGISTRY.md).
async fn open_unit_in_scope(tx: &mut sqlx::Transaction<'static, Db>, scope: &Scope, unit_id: &str) -> StoreResult<()> {
    let mut qb = QueryBuilder::new("SELECT u.state FROM units u WHERE u.id = ");
    qb.push_bind(unit_id.to_string());
    push_scope(&mut qb, scope);
    let state: String = qb
        .build_query_scalar()
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    if state == "closed" {
        return Err(DomainError::with_message(
            ErrorCode::InvalidTransition,
            "单位已注销，其治安保卫制度只能查看，不能再发布、标记或签署",
        )
        .into());
    }
    Ok(())
}

/// The current (highest-numbered) version of a unit's subject.
async fn current_in(
    tx: &mut sqlx::Transaction<'static, Db>,
    unit_id: &str,
    subject: i64,
) -> StoreResult<Option<RuleVersion>> {
    let row = sqlx::query(&sql(
        "SELECT * FROM rulebook_versions WHERE unit_id = ? AND subject = ? ORDER BY version DESC LIMIT 1",
    ))
    .bind(unit_id)
    .bind(subject)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.as_ref().map(version_from_row))
}

/// Subjects a unit covers: those with a version plus those marked 不适用 without one.
const COVERED: &str = "((SELECT COUNT(DISTINCT v.subject) FROM rulebook_versions v WHERE v.unit_id = u.id) \
     + (SELECT COUNT(*) FROM rulebook_not_applicable n WHERE n.unit_id = u.id AND NOT EXISTS \
        (SELECT 1 FROM rulebook_versions v2 WHERE v2.unit_id = n.unit_id AND v2.subject = n.subject)))";

#[async_trait]
impl RulebookRepo for Backend {
    async fn unit_rules(&self, scope: &Scope, unit_id: &str) -> StoreResult<UnitRules> {
        let unit_name = unit_in_scope(&self.pool, scope, unit_id).await?;
        let versions = sqlx::query(&sql(
            "SELECT * FROM rulebook_versions WHERE unit_id = ? ORDER BY subject, version DESC",
        ))
        .bind(unit_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(version_from_row)
        .collect();
        let not_applicable = sqlx::query(&sql(
            "SELECT * FROM rulebook_not_applicable WHERE unit_id = ? ORDER BY subject",
        ))
        .bind(unit_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| NotApplicable {
            unit_id: r.get("unit_id"),
            subject: r.get("subject"),
            reason: r.get("reason"),
            set_by: r.get("set_by"),
            set_at: from_ms(r.get("set_at")),
        })
        .collect();
        let acknowledgements = sqlx::query(&sql(
            "SELECT a.* FROM rulebook_acknowledgements a JOIN rulebook_versions v ON v.id = a.version_id \
             WHERE v.unit_id = ? ORDER BY a.acknowledged_at",
        ))
        .bind(unit_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| Acknowledgement {
            version_id: r.get("version_id"),
            user_id: r.get("user_id"),
            signed_name: r.get("signed_name"),
            acknowledged_at: from_ms(r.get("acknowledged_at")),
        })
        .collect();
        let mut qb = QueryBuilder::new(
            "SELECT us.id, us.username, us.display_name, us.role FROM users us WHERE us.role IN ('unit_manager', 'guard') AND us.unit_id = ",
        );
        qb.push_bind(unit_id.to_string());
        qb.push(" AND us.disabled = ").push_bind(false);
        qb.push(" ORDER BY us.role DESC, us.display_name, us.id");
        let staff = qb
            .build()
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| StaffAcknowledgement {
                user_id: r.get("id"),
                username: r.get("username"),
                display_name: r.get("display_name"),
                role: r.get("role"),
                acknowledged_at: None,
                signed_name: None,
            })
            .collect();
        Ok(UnitRules {
            unit_name,
            versions,
            not_applicable,
            acknowledgements,
            staff,
        })
    }

    async fn add_rule_version(
        &self,
        scope: &Scope,
        v: &NewRuleVersion,
        review: &NewJob,
        audit: &AuditEntry,
    ) -> StoreResult<RuleVersion> {
        let mut tx = self.begin_write().await?;
        open_unit_in_scope(&mut tx, scope, &v.unit_id).await?;
        let current = current_in(&mut tx, &v.unit_id, v.subject).await?;
        if let Some(c) = &current {
            if v.published_on < c.published_on {
                return Err(DomainError::with_message(
                    ErrorCode::ValidationFailed,
                    format!(
                        "发布日期不能早于现行版本（第{}版）的发布日期 {}：现行版本是最后发布的版本",
                        c.version, c.published_on
                    ),
                )
                .into());
            }
        }
        let version = current.map(|c| c.version).unwrap_or(0) + 1;
        sqlx::query(&sql(
            "INSERT INTO rulebook_versions (id, unit_id, subject, version, title, body, approved_on, published_on, created_by, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ))
        .bind(&v.id)
        .bind(&v.unit_id)
        .bind(v.subject)
        .bind(version)
        .bind(&v.title)
        .bind(&v.body)
        .bind(v.approved_on.to_string())
        .bind(v.published_on.to_string())
        .bind(&v.created_by)
        .bind(ms(v.created_at))
        .execute(&mut *tx)
        .await?;
        super::jobs::insert_in(&mut tx, review, v.created_at).await?;
        let mut audit = audit.clone();
        if audit.object_id.is_empty() {
            audit.object_id = v.id.clone();
        }
        if audit.unit_id.is_none() {
            audit.unit_id = Some(v.unit_id.clone());
        }
        append_in(&mut tx, &audit, v.created_at).await?;
        tx.commit().await?;
        Ok(RuleVersion {
            id: v.id.clone(),
            unit_id: v.unit_id.clone(),
            subject: v.subject,
            version,
            title: v.title.clone(),
            body: v.body.clone(),
            approved_on: v.approved_on,
            published_on: v.published_on,
            created_by: v.created_by.clone(),
            // As stored (milliseconds): the answer reads like a later read.
            created_at: from_ms(ms(v.created_at)),
        })
    }

    async fn set_not_applicable(
        &self,
        scope: &Scope,
        unit_id: &str,
        subject: i64,
        reason: Option<&str>,
        by: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        open_unit_in_scope(&mut tx, scope, unit_id).await?;
        sqlx::query(&sql(
            "DELETE FROM rulebook_not_applicable WHERE unit_id = ? AND subject = ?",
        ))
        .bind(unit_id)
        .bind(subject)
        .execute(&mut *tx)
        .await?;
        if let Some(reason) = reason {
            sqlx::query(&sql(
                "INSERT INTO rulebook_not_applicable (unit_id, subject, reason, set_by, set_at) VALUES (?, ?, ?, ?, ?)",
            ))
            .bind(unit_id)
            .bind(subject)
            .bind(reason)
            .bind(by)
            .bind(ms(now))
            .execute(&mut *tx)
            .await?;
        }
        let mut audit = audit.clone();
        if audit.unit_id.is_none() {
            audit.unit_id = Some(unit_id.to_string());
        }
        append_in(&mut tx, &audit, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn acknowledge_rule(
        &self,
        scope: &Scope,
        unit_id: &str,
        subject: i64,
        version_id: &str,
        user_id: &str,
        signed_name: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<(Acknowledgement, bool)> {
        let mut tx = self.begin_write().await?;
        open_unit_in_scope(&mut tx, scope, unit_id).await?;
        let current = current_in(&mut tx, unit_id, subject).await?;
        match &current {
            Some(c) if c.id == version_id => {}
            Some(c) => {
                return Err(StoreError::Conflict(format!(
                    "只能签署确认现行版本（第{}版），请刷新后重试",
                    c.version
                )))
            }
            None => return Err(StoreError::Conflict("该类制度还没有发布版本，无需签署".into())),
        }
        let earlier = sqlx::query(&sql(
            "SELECT signed_name, acknowledged_at FROM rulebook_acknowledgements WHERE version_id = ? AND user_id = ?",
        ))
        .bind(version_id)
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(r) = earlier {
            return Ok((
                Acknowledgement {
                    version_id: version_id.to_string(),
                    user_id: user_id.to_string(),
                    signed_name: r.get("signed_name"),
                    acknowledged_at: from_ms(r.get("acknowledged_at")),
                },
                false,
            ));
        }
        sqlx::query(&sql(
            "INSERT INTO rulebook_acknowledgements (version_id, user_id, signed_name, acknowledged_at) VALUES (?, ?, ?, ?)",
        ))
        .bind(version_id)
        .bind(user_id)
        .bind(signed_name)
        .bind(ms(now))
        .execute(&mut *tx)
        .await?;
        let mut audit = audit.clone();
        if audit.object_id.is_empty() {
            audit.object_id = version_id.to_string();
        }
        if audit.unit_id.is_none() {
            audit.unit_id = Some(unit_id.to_string());
        }
        append_in(&mut tx, &audit, now).await?;
        tx.commit().await?;
        Ok((
            Acknowledgement {
                version_id: version_id.to_string(),
                user_id: user_id.to_string(),
                signed_name: signed_name.to_string(),
                acknowledged_at: from_ms(ms(now)),
            },
            true,
        ))
    }

    async fn rule_version(&self, scope: &Scope, id: &str) -> StoreResult<Option<(RuleVersion, String, bool)>> {
        let mut qb = QueryBuilder::new(
            "SELECT v.*, u.name AS unit_name, (SELECT MAX(v2.version) FROM rulebook_versions v2 \
             WHERE v2.unit_id = v.unit_id AND v2.subject = v.subject) AS latest \
             FROM rulebook_versions v JOIN units u ON u.id = v.unit_id WHERE v.id = ",
        );
        qb.push_bind(id.to_string());
        push_scope(&mut qb, scope);
        let row = qb.build().fetch_optional(&self.pool).await?;
        Ok(row.map(|r| {
            let v = version_from_row(&r);
            let latest: i64 = r.get("latest");
            let current = latest == v.version;
            (v, r.get("unit_name"), current)
        }))
    }

    async fn rule_coverage(&self, scope: &Scope, incomplete: bool, page: Page) -> StoreResult<Listing<UnitCoverage>> {
        let select = format!(
            "SELECT u.id, u.name, u.division_code, {COVERED} AS covered FROM units u WHERE u.state <> 'closed'"
        );
        paged(
            &self.pool,
            "FROM units u WHERE u.state <> 'closed'",
            &select,
            |qb| {
                push_scope(qb, scope);
                if incomplete {
                    qb.push(" AND ").push(COVERED).push(" < ").push_bind(SUBJECTS);
                }
            },
            "covered, u.name, u.id",
            page,
            |r| UnitCoverage {
                unit_id: r.get("id"),
                unit_name: r.get("name"),
                division_code: r.get("division_code"),
                covered: r.get("covered"),
                total: SUBJECTS,
            },
        )
        .await
    }
}
