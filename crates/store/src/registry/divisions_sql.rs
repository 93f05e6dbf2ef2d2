//! SQL of the division table and its versions (compiled once per backend: see `crate::sqlite`
//! and `crate::postgres`; schema in migration 0019_division_versions).

use super::audit::append_in;
use super::common::ms;
use super::db::{sql, DbRow};
use super::store::Backend;
use crate::error::{StoreError, StoreResult};
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::Utc;
use neibao_domain::audit::AuditEntry;
use neibao_domain::ids::new_id;
use neibao_domain::registry::{Division, DivisionChange, DivisionChangeKind, DivisionVersion};
use sqlx::Row;

fn division_from_row(r: &DbRow) -> Division {
    Division {
        code: r.get("code"),
        name: r.get("name"),
        level: r.get("level"),
        parent_code: r.get("parent_code"),
        valid_to: r.get("valid_to"),
    }
}

/// Rows per statement: 5 parameters each, well under both backends' bind limits.
const CHUNK: usize = 1000;

#[async_trait]
impl DivisionRepo for Backend {
    async fn upsert_divisions(&self, divisions: &[Division]) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        upsert_in(&mut tx, divisions, None).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn get_division(&self, code: &str) -> StoreResult<Division> {
        let r = sqlx::query(&sql("SELECT * FROM divisions WHERE code = ?"))
            .bind(code)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(division_from_row(&r))
    }

    async fn count_divisions(&self) -> StoreResult<i64> {
        let n: i64 = sqlx::query_scalar(&sql("SELECT COUNT(*) FROM divisions"))
            .fetch_one(&self.pool)
            .await?;
        Ok(n)
    }

    async fn list_divisions(&self, parent_code: Option<&str>) -> StoreResult<Vec<Division>> {
        let rows = match parent_code {
            Some(p) => {
                sqlx::query(&sql(
                    "SELECT * FROM divisions WHERE parent_code = ? AND valid_to IS NULL ORDER BY code",
                ))
                .bind(p)
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                sqlx::query(&sql(
                    "SELECT * FROM divisions WHERE parent_code IS NULL AND valid_to IS NULL ORDER BY code",
                ))
                .fetch_all(&self.pool)
                .await?
            }
        };
        Ok(rows.iter().map(division_from_row).collect())
    }

    async fn all_divisions(&self) -> StoreResult<Vec<Division>> {
        let rows = sqlx::query(&sql("SELECT * FROM divisions ORDER BY code"))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(division_from_row).collect())
    }

    async fn division_versions(&self) -> StoreResult<Vec<DivisionVersion>> {
        let rows = sqlx::query(&sql("SELECT * FROM division_versions ORDER BY valid_from, loaded_at"))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(|r| DivisionVersion {
                version: r.get("version"),
                source: r.get("source"),
                valid_from: r.get("valid_from"),
                loaded_at: r.get("loaded_at"),
                divisions: r.get("divisions"),
                changes: r.get("changes"),
            })
            .collect())
    }

    async fn division_history(&self, code: &str) -> StoreResult<Vec<DivisionChange>> {
        let rows = sqlx::query(&sql(
            "SELECT * FROM division_history WHERE code = ? OR successor_code = ? ORDER BY valid_from, id",
        ))
        .bind(code)
        .bind(code)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                Some(DivisionChange {
                    code: r.get("code"),
                    kind: DivisionChangeKind::parse(r.get::<String, _>("kind").as_str())?,
                    version: r.get("version"),
                    valid_from: r.get("valid_from"),
                    old_name: r.get("old_name"),
                    new_name: r.get("new_name"),
                    old_parent: r.get("old_parent"),
                    new_parent: r.get("new_parent"),
                    successor_code: r.get("successor_code"),
                })
            })
            .collect())
    }

    async fn load_division_version(
        &self,
        version: &DivisionVersion,
        table: &[Division],
        changes: &[DivisionChange],
        audit: Option<&AuditEntry>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let taken: Option<String> = sqlx::query_scalar(&sql("SELECT version FROM division_versions WHERE version = ?"))
            .bind(&version.version)
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Err(StoreError::Conflict(format!(
                "区划表版本「{}」已经载入",
                version.version
            )));
        }
        upsert_in(&mut tx, table, Some(&version.valid_from)).await?;
        for c in changes {
            if matches!(c.kind, DivisionChangeKind::Retired | DivisionChangeKind::Merged) {
                sqlx::query(&sql(
                    "UPDATE divisions SET valid_to = ?, successor_code = ? WHERE code = ?",
                ))
                .bind(&c.valid_from)
                .bind(&c.successor_code)
                .bind(&c.code)
                .execute(&mut *tx)
                .await?;
            }
        }
        for chunk in changes.chunks(CHUNK / 2) {
            let values = vec!["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ");
            let statement = format!(
                "INSERT INTO division_history (id, code, kind, version, valid_from, old_name, new_name, old_parent, new_parent, successor_code) VALUES {values}"
            );
            let statement = sql(&statement);
            let mut q = sqlx::query(&statement);
            for c in chunk {
                q = q
                    .bind(new_id())
                    .bind(&c.code)
                    .bind(c.kind.as_str())
                    .bind(&c.version)
                    .bind(&c.valid_from)
                    .bind(&c.old_name)
                    .bind(&c.new_name)
                    .bind(&c.old_parent)
                    .bind(&c.new_parent)
                    .bind(&c.successor_code);
            }
            q.execute(&mut *tx).await?;
        }
        let now = Utc::now();
        sqlx::query(&sql(
            "INSERT INTO division_versions (version, source, valid_from, loaded_at, divisions, changes) VALUES (?, ?, ?, ?, ?, ?)",
        ))
        .bind(&version.version)
        .bind(&version.source)
        .bind(&version.valid_from)
        .bind(ms(now))
        .bind(table.len() as i64)
        .bind(changes.len() as i64)
        .execute(&mut *tx)
        .await?;
        if let Some(audit) = audit {
            append_in(&mut tx, audit, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

/// Inserts or updates `divisions` inside `tx`, many rows per statement. A code given twice keeps
/// its last row (one statement may not update a row twice). Every row written is in force again
/// (no `valid_to`); `valid_from` is set where the row had none.
async fn upsert_in(
    tx: &mut sqlx::Transaction<'static, super::db::Db>,
    divisions: &[Division],
    valid_from: Option<&str>,
) -> StoreResult<()> {
    let mut unique: Vec<&Division> = Vec::with_capacity(divisions.len());
    let mut seen = std::collections::HashMap::new();
    for d in divisions {
        match seen.get(&d.code) {
            Some(&i) => unique[i] = d,
            None => {
                seen.insert(d.code.clone(), unique.len());
                unique.push(d);
            }
        }
    }
    for chunk in unique.chunks(CHUNK) {
        let values = vec!["(?, ?, ?, ?, ?)"; chunk.len()].join(", ");
        let statement = format!(
            "INSERT INTO divisions (code, name, level, parent_code, valid_from) VALUES {values}
             ON CONFLICT(code) DO UPDATE SET name = excluded.name, level = excluded.level, parent_code = excluded.parent_code,
                 valid_from = COALESCE(divisions.valid_from, excluded.valid_from), valid_to = NULL, successor_code = NULL"
        );
        let statement = sql(&statement);
        let mut q = sqlx::query(&statement);
        for d in chunk {
            q = q
                .bind(&d.code)
                .bind(&d.name)
                .bind(&d.level)
                .bind(&d.parent_code)
                .bind(valid_from);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}
