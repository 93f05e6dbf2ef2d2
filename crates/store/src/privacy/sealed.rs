//! SQL of sealed free texts (compiled once per backend: see `crate::sqlite` and
//! `crate::postgres`): the reveal of an object's `<column>_sealed` plaintexts and their
//! re-encryption under the current key. The tables and columns come from
//! `neibao_domain::privacy::FREE_TEXT_FIELDS` (static names, never from a request).

use super::common::push_scope;
use super::db::sql;
use super::store::Backend;
use crate::error::{StoreError, StoreResult};
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use neibao_domain::access::Scope;
use neibao_domain::privacy::{free_text_fields_of, RevealedText, FREE_TEXT_FIELDS};
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
/// parent (a hazard step through its hazard).
fn from_with_unit(table: &str) -> (String, &'static str) {
    match table {
        "hazard_steps" => (
            "hazard_steps t JOIN hazards p ON p.id = t.hazard_id JOIN units u ON u.id = p.unit_id".into(),
            "p.unit_id",
        ),
        "units" => ("units t JOIN units u ON u.id = t.id".into(), "t.id"),
        _ => (format!("{table} t JOIN units u ON u.id = t.unit_id"), "t.unit_id"),
    }
}

#[async_trait]
impl SealedTextRepo for Backend {
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
        let (from, unit) = from_with_unit(first.table);
        let mut qb = QueryBuilder::new(format!("SELECT {unit} AS unit_id, {columns} FROM {from} WHERE t.id = "));
        qb.push_bind(id.to_string());
        push_scope(&mut qb, scope);
        let row = qb
            .build()
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
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
}

impl Backend {
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
