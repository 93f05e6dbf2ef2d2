//! SQL of sealed free texts (compiled once per backend: see `crate::sqlite` and
//! `crate::postgres`): the reveal of an object's `<column>_sealed` plaintexts and their
//! re-encryption under the current key. The tables and columns come from
//! `neibao_domain::privacy::FREE_TEXT_FIELDS` (static names, never from a request).

use super::common::push_scope;
use super::db::{sql, DbRow};
use super::store::Backend;
use crate::error::{StoreError, StoreResult};
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::privacy::{free_text_fields_of, mask_json, FreeText, FreeTextField, RevealedText, FREE_TEXT_FIELDS};
use sqlx::{QueryBuilder, Row};

/// The tables that hold sealed free texts, each once.
fn sealed_tables() -> Vec<&'static str> {
    let mut tables: Vec<&'static str> = FREE_TEXT_FIELDS.iter().map(|f| f.table).collect();
    tables.sort_unstable();
    tables.dedup();
    tables
}

/// The FROM clause of a sealed-text table with its unit joined as `u` (for the scope) and the
/// expression of its unit id: a table without a `unit_id` of its own reaches it through its
/// parent (a hazard step through its hazard). A campaign belongs to a bureau, not a unit: it has
/// no unit, and its scope is applied by [`push_campaign_scope`].
fn from_with_unit(table: &str) -> (String, &'static str) {
    match table {
        "campaigns" => ("campaigns t".into(), "CAST(NULL AS TEXT)"),
        "hazard_steps" => (
            "hazard_steps t JOIN hazards p ON p.id = t.hazard_id JOIN units u ON u.id = p.unit_id".into(),
            "p.unit_id",
        ),
        "units" => ("units t JOIN units u ON u.id = t.id".into(), "t.id"),
        _ => (format!("{table} t JOIN units u ON u.id = t.unit_id"), "t.unit_id"),
    }
}

/// A campaign is in the caller's scope when one of its inspections is (as campaigns are listed
/// and read: `SupervisionService::campaign`).
fn push_campaign_scope(qb: &mut QueryBuilder<'_, super::db::Db>, scope: &Scope) {
    qb.push(" AND EXISTS (SELECT 1 FROM inspections i JOIN units u ON u.id = i.unit_id WHERE i.campaign_id = t.id");
    push_scope(qb, scope);
    qb.push(")");
}

impl Backend {
    /// The row of object `id` of a sealed-text table with `columns`, and its unit as `unit_id`,
    /// if it is in `scope`. Errors: `NotFound`.
    async fn scoped_row(&self, scope: &Scope, table: &'static str, id: &str, columns: &str) -> StoreResult<DbRow> {
        let (from, unit) = from_with_unit(table);
        let mut qb = QueryBuilder::new(format!("SELECT {unit} AS unit_id, {columns} FROM {from} WHERE t.id = "));
        qb.push_bind(id.to_string());
        if table == "campaigns" {
            push_campaign_scope(&mut qb, scope);
        } else {
            push_scope(&mut qb, scope);
        }
        qb.build().fetch_optional(&self.pool).await?.ok_or(StoreError::NotFound)
    }
}

#[async_trait]
impl SealedTextRepo for Backend {
    async fn sealed_object_in_scope(&self, scope: &Scope, table: &str, id: &str) -> StoreResult<()> {
        let first = free_text_fields_of(table).next().ok_or(StoreError::NotFound)?;
        self.scoped_row(scope, first.table, id, "t.id").await.map(|_| ())
    }

    async fn sealed_texts(&self, scope: &Scope, table: &str, id: &str) -> StoreResult<RevealedText> {
        let fields: Vec<_> = free_text_fields_of(table).collect();
        let Some(first) = fields.first() else {
            return Err(StoreError::NotFound);
        };
        let columns = fields
            .iter()
            .map(|f| format!("t.{}", f.sealed_column()))
            .collect::<Vec<_>>()
            .join(", ");
        let row = self.scoped_row(scope, first.table, id, &columns).await?;
        let mut out = RevealedText {
            object: first.table.to_string(),
            id: id.to_string(),
            unit_id: row.get("unit_id"),
            fields: Default::default(),
        };
        for f in fields {
            if let Some(ct) = row.get::<Option<String>, _>(f.sealed_column().as_str()) {
                let plain = self.cipher.decrypt(&f.aad(), &ct).map_err(StoreError::Other)?;
                out.fields.insert(f.column.to_string(), plain);
            }
        }
        Ok(out)
    }

    async fn backfill_free_text(&self, now: DateTime<Utc>) -> StoreResult<Vec<(String, u64)>> {
        let done: Vec<(String, String)> =
            sqlx::query_as(&sql("SELECT table_name, column_name FROM free_text_backfill"))
                .fetch_all(&self.pool)
                .await?;
        let mut report = Vec::new();
        for table in sealed_tables() {
            let pending: Vec<&FreeTextField> = free_text_fields_of(table)
                .filter(|f| !done.iter().any(|(t, c)| t == f.table && c == f.column))
                .collect();
            if pending.is_empty() {
                continue;
            }
            let counts = self.backfill_table(table, &pending).await?;
            let mut tx = self.begin_write().await?;
            for (f, n) in pending.iter().zip(&counts) {
                sqlx::query(&sql(
                    "INSERT INTO free_text_backfill (table_name, column_name, rows_sealed, done_at) VALUES (?, ?, ?, ?)
                     ON CONFLICT (table_name, column_name) DO NOTHING",
                ))
                .bind(f.table)
                .bind(f.column)
                .bind(*n as i64)
                .bind(now.timestamp_millis())
                .execute(&mut *tx)
                .await?;
                report.push((f.aad(), *n));
            }
            tx.commit().await?;
        }
        if report.iter().any(|(_, n)| *n > 0) {
            self.settle_rewrites().await?;
        }
        Ok(report)
    }
}

/// One value of a free-text column as stored before it went through the mechanism: its masked
/// form and the ciphertext of the plaintext, when something is to be masked.
fn seal_old(c: &crate::crypto::FieldCipher, f: &FreeTextField, value: &str) -> Option<(String, String)> {
    if f.json {
        let old: serde_json::Value = serde_json::from_str(value).ok()?;
        let mut shown = old.clone();
        mask_json(&mut shown).then(|| (shown.to_string(), c.encrypt(&f.aad(), value)))
    } else {
        let t = FreeText::new(value);
        t.sealed_plaintext()
            .map(|p| (t.shown().to_string(), c.encrypt(&f.aad(), p)))
    }
}

impl Backend {
    /// Seals the old rows of `table` for the `pending` fields (rows written before the field went
    /// through the mechanism: the column holds what was typed, `<column>_sealed` is empty): the
    /// column gets the masked text, `_sealed` the ciphertext; an event's occurrence key is made
    /// again from the masked texts. In batches of 500 rows by id; a row changed meanwhile (the
    /// column no longer holds the value read) is left to its writer. Returns the rows sealed per
    /// field, in the order of `pending`.
    async fn backfill_table(&self, table: &str, pending: &[&FreeTextField]) -> StoreResult<Vec<u64>> {
        let c = &self.cipher;
        let events = table == "events";
        let mut columns: Vec<String> = vec!["id".into()];
        let mut add = |col: String| {
            if !columns.contains(&col) {
                columns.push(col);
            }
        };
        for f in pending {
            add(f.column.to_string());
            add(f.sealed_column());
        }
        if events {
            for col in [
                "kind",
                "channel",
                "vendor_type",
                "vendor_type_sealed",
                "region",
                "region_sealed",
            ] {
                add(col.to_string());
            }
        }
        let unsealed = pending
            .iter()
            .map(|f| format!("{} IS NULL", f.sealed_column()))
            .collect::<Vec<_>>()
            .join(" OR ");
        let select = format!(
            "SELECT {} FROM {table} WHERE id > ? AND ({unsealed}) ORDER BY id LIMIT 500",
            columns.join(", ")
        );
        let mut counts = vec![0u64; pending.len()];
        let mut after = String::new();
        loop {
            let rows = sqlx::query(&sql(&select)).bind(&after).fetch_all(&self.pool).await?;
            let Some(last) = rows.last() else { break };
            after = last.get("id");
            let mut tx = self.begin_write().await?;
            for r in &rows {
                let id: String = r.get("id");
                let mut rekey = false;
                for (k, f) in pending.iter().enumerate() {
                    if r.get::<Option<String>, _>(f.sealed_column().as_str()).is_some() {
                        continue;
                    }
                    let Some(value) = r.get::<Option<String>, _>(f.column) else {
                        continue;
                    };
                    let Some((shown, sealed)) = seal_old(c, f, &value) else {
                        continue;
                    };
                    let col = f.column;
                    let changed = sqlx::query(&sql(&format!(
                        "UPDATE {table} SET {col} = ?, {col}_sealed = ? WHERE id = ? AND {col}_sealed IS NULL AND {col} = ?"
                    )))
                    .bind(&shown)
                    .bind(&sealed)
                    .bind(&id)
                    .bind(&value)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    counts[k] += changed;
                    rekey |= changed > 0 && events && matches!(col, "vendor_type" | "region");
                }
                if rekey {
                    let row = sqlx::query(&sql(
                        "SELECT kind, channel, vendor_type, vendor_type_sealed, region, region_sealed FROM events WHERE id = ?",
                    ))
                    .bind(&id)
                    .fetch_one(&mut *tx)
                    .await?;
                    let plain = |col: &str| -> StoreResult<Option<String>> {
                        match row.get::<Option<String>, _>(format!("{col}_sealed").as_str()) {
                            Some(ct) => c
                                .decrypt(&format!("events.{col}"), &ct)
                                .map(Some)
                                .map_err(StoreError::Other),
                            None => Ok(row.get(col)),
                        }
                    };
                    let (vendor_type, region) = (plain("vendor_type")?.unwrap_or_default(), plain("region")?);
                    let shown_region: Option<String> = row.get("region");
                    let key = super::events::occurrence_key(
                        c,
                        row.get("kind"),
                        row.get("channel"),
                        (row.get("vendor_type"), shown_region.as_deref()),
                        Some((&vendor_type, region.as_deref())),
                    );
                    sqlx::query(&sql("UPDATE events SET occurrence_key = ? WHERE id = ?"))
                        .bind(key)
                        .bind(&id)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            tx.commit().await?;
        }
        Ok(counts)
    }

    /// Sealed free texts under a key other than the current one (`prefix` = `"<current>:%"`).
    pub(crate) async fn count_stale_sealed(&self, prefix: &str) -> StoreResult<i64> {
        let mut n = 0;
        for f in FREE_TEXT_FIELDS {
            let col = f.sealed_column();
            let q = format!(
                "SELECT COUNT(*) FROM {} WHERE {col} IS NOT NULL AND {col} NOT LIKE ?",
                f.table
            );
            let c: i64 = sqlx::query_scalar(&sql(&q)).bind(prefix).fetch_one(&self.pool).await?;
            n += c;
        }
        Ok(n)
    }

    /// Re-encrypts every sealed free text not under the current key, table by table in batches
    /// of 500 rows; returns how many values it rewrote.
    pub(crate) async fn reencrypt_sealed(&self) -> StoreResult<u64> {
        let c = &self.cipher;
        let mut done = 0;
        for table in sealed_tables() {
            let fields: Vec<_> = free_text_fields_of(table).collect();
            let columns = fields.iter().map(|f| f.sealed_column()).collect::<Vec<_>>().join(", ");
            let mut after = String::new();
            loop {
                let rows = sqlx::query(&sql(&format!(
                    "SELECT id, {columns} FROM {table} WHERE id > ? ORDER BY id LIMIT 500"
                )))
                .bind(&after)
                .fetch_all(&self.pool)
                .await?;
                let Some(last) = rows.last() else { break };
                after = last.get("id");
                let mut tx = self.begin_write().await?;
                for r in &rows {
                    for f in &fields {
                        let col = f.sealed_column();
                        let Some(ct) = r.get::<Option<String>, _>(col.as_str()) else {
                            continue;
                        };
                        if c.is_current(&ct) {
                            continue;
                        }
                        let plain = c.decrypt(&f.aad(), &ct).map_err(StoreError::Other)?;
                        sqlx::query(&sql(&format!("UPDATE {table} SET {col} = ? WHERE id = ?")))
                            .bind(c.encrypt(&f.aad(), &plain))
                            .bind(r.get::<String, _>("id"))
                            .execute(&mut *tx)
                            .await?;
                        done += 1;
                    }
                }
                tx.commit().await?;
            }
        }
        Ok(done)
    }
}
