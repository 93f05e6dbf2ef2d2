//! SQL of warning (compiled once per backend: see `crate::sqlite` and `crate::postgres`).

use super::audit::append_in;
use super::common::{from_ms, ms, push_scope};
use super::db::{sql, DbRow};
use super::store::Backend;
use crate::error::{StoreError, StoreResult};
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::warning::{StoredRule, SuppressionWindow};
use sqlx::{QueryBuilder, Row};

fn rule_from_row(r: &DbRow) -> StoredRule {
    StoredRule {
        code: r.get("code"),
        version: r.get("version"),
        spec: serde_json::from_str(r.get::<&str, _>("spec")).unwrap_or(serde_json::Value::Null),
        enabled: r.get("enabled"),
        created_by: r.get("created_by"),
        created_at: from_ms(r.get("created_at")),
    }
}

fn suppression_from_row(r: &DbRow) -> SuppressionWindow {
    SuppressionWindow {
        id: r.get("id"),
        unit_id: r.get("unit_id"),
        device_id: r.get("device_id"),
        device_name: r.try_get("device_name").ok().flatten(),
        rule: r.get("rule"),
        from: from_ms(r.get("starts_at")),
        to: from_ms(r.get("ends_at")),
        reason: r.get("reason"),
        note: r.get("note"),
        created_by: r.get("created_by"),
        created_at: from_ms(r.get("created_at")),
    }
}

#[async_trait]
impl DataRuleRepo for Backend {
    async fn put_rule(
        &self,
        code: &str,
        spec: &serde_json::Value,
        enabled: bool,
        expected_version: Option<i64>,
        by: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<StoredRule> {
        let mut tx = self.begin_write().await?;
        let current: Option<i64> = sqlx::query_scalar(&sql("SELECT MAX(version) FROM alert_rules WHERE code = ?"))
            .bind(code)
            .fetch_one(&mut *tx)
            .await?;
        let current = current.unwrap_or(0);
        if let Some(expected) = expected_version {
            if expected == 0 && current > 0 {
                return Err(StoreError::Conflict(format!(
                    "规则代码「{code}」已存在，请换一个代码或修改该规则"
                )));
            }
            if expected != current {
                return Err(StoreError::Conflict(format!(
                    "规则已被他人修改（当前版本 {current}，提交所依据的版本 {expected}），请刷新后重试"
                )));
            }
        }
        let version = current + 1;
        sqlx::query(&sql(
            "INSERT INTO alert_rules (code, version, spec, enabled, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        ))
        .bind(code)
        .bind(version)
        .bind(spec.to_string())
        .bind(enabled)
        .bind(by)
        .bind(ms(now))
        .execute(&mut *tx)
        .await?;
        let mut audit = audit.clone();
        if audit.object_id.is_empty() {
            audit.object_id = code.to_string();
        }
        append_in(&mut tx, &audit, now).await?;
        tx.commit().await?;
        Ok(StoredRule {
            code: code.to_string(),
            version,
            spec: spec.clone(),
            enabled,
            created_by: by.to_string(),
            created_at: now,
        })
    }

    async fn list_rules(&self, code: Option<&str>) -> StoreResult<Vec<StoredRule>> {
        let rows = match code {
            Some(c) => {
                sqlx::query(&sql("SELECT * FROM alert_rules WHERE code = ? ORDER BY version DESC"))
                    .bind(c)
                    .fetch_all(&self.pool)
                    .await?
            }
            None => {
                sqlx::query(
                    "SELECT r.* FROM alert_rules r
                     JOIN (SELECT code, MAX(version) AS v FROM alert_rules GROUP BY code) m ON m.code = r.code AND m.v = r.version
                     ORDER BY r.code",
                )
                .fetch_all(&self.pool)
                .await?
            }
        };
        Ok(rows.iter().map(rule_from_row).collect())
    }
}

#[async_trait]
impl SuppressionRepo for Backend {
    async fn create_suppression(&self, scope: &Scope, w: &SuppressionWindow, audit: &AuditEntry) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let mut qb = QueryBuilder::new("SELECT COUNT(*) FROM units u WHERE u.id = ");
        qb.push_bind(w.unit_id.clone());
        push_scope(&mut qb, scope);
        let n: i64 = qb.build_query_scalar().fetch_one(&mut *tx).await?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        if let Some(d) = &w.device_id {
            let ok: Option<String> = sqlx::query_scalar(&sql("SELECT id FROM devices WHERE id = ? AND unit_id = ?"))
                .bind(d)
                .bind(&w.unit_id)
                .fetch_optional(&mut *tx)
                .await?;
            if ok.is_none() {
                return Err(neibao_domain::error::DomainError::with_message(
                    neibao_domain::error::ErrorCode::ValidationFailed,
                    "设备不属于该单位",
                )
                .into());
            }
        }
        // The note is a free text (docs/SECURITY.md, "Personal data in free text").
        let (note, note_sealed) = self.cipher.seal_free_text("suppression_windows", "note", &w.note);
        sqlx::query(&sql(
            "INSERT INTO suppression_windows (id, unit_id, device_id, rule, starts_at, ends_at, reason, note, created_by, created_at, note_sealed)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ))
        .bind(&w.id)
        .bind(&w.unit_id)
        .bind(&w.device_id)
        .bind(&w.rule)
        .bind(ms(w.from))
        .bind(ms(w.to))
        .bind(&w.reason)
        .bind(&note)
        .bind(&w.created_by)
        .bind(ms(w.created_at))
        .bind(&note_sealed)
        .execute(&mut *tx)
        .await?;
        let mut audit = audit.clone();
        if audit.object_id.is_empty() {
            audit.object_id = w.id.clone();
        }
        if audit.unit_id.is_none() {
            audit.unit_id = Some(w.unit_id.clone());
        }
        append_in(&mut tx, &audit, w.created_at).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn list_suppressions(
        &self,
        scope: &Scope,
        unit_id: Option<&str>,
        ending_after: DateTime<Utc>,
    ) -> StoreResult<Vec<SuppressionWindow>> {
        let mut qb = QueryBuilder::new(
            "SELECT s.*, dv.name AS device_name FROM suppression_windows s JOIN units u ON u.id = s.unit_id \
             LEFT JOIN devices dv ON dv.id = s.device_id WHERE s.ends_at > ",
        );
        qb.push_bind(ms(ending_after));
        if let Some(u) = unit_id {
            qb.push(" AND s.unit_id = ").push_bind(u.to_string());
        }
        push_scope(&mut qb, scope);
        qb.push(" ORDER BY s.starts_at LIMIT 500");
        let rows = qb.build().fetch_all(&self.pool).await?;
        Ok(rows.iter().map(suppression_from_row).collect())
    }

    async fn end_suppression(
        &self,
        scope: &Scope,
        id: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let mut qb = QueryBuilder::new(
            "SELECT s.unit_id FROM suppression_windows s JOIN units u ON u.id = s.unit_id WHERE s.id = ",
        );
        qb.push_bind(id.to_string());
        push_scope(&mut qb, scope);
        let unit: String = qb
            .build_query_scalar()
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let done = sqlx::query(&sql(
            "UPDATE suppression_windows SET ends_at = ? WHERE id = ? AND ends_at > ?",
        ))
        .bind(ms(now))
        .bind(id)
        .bind(ms(now))
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() > 0 {
            let mut audit = audit.clone();
            if audit.unit_id.is_none() {
                audit.unit_id = Some(unit);
            }
            append_in(&mut tx, &audit, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
