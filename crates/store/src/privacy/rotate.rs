//! Key rotation of the encrypted columns outside the registry and the events (compiled once per
//! backend: see `crate::sqlite` and `crate::postgres`): the security staff's phones and ID
//! numbers, notification channel configurations, reports' people and contacts, evidence files (attachments) and the kept
//! answers of idempotent requests. Each is re-encrypted under the current key in batches by its
//! key column; [`Backend::count_stale_other`] counts what is still under an older key (or, for
//! attachments stored before files were encrypted, not encrypted at all), so `neibao keys rotate`
//! retires the old keys only when nothing needs them.

use super::db::sql;
use super::store::Backend;
use crate::error::StoreResult;
#[allow(unused_imports)]
use crate::prelude::*;
use sqlx::Row;

/// An encrypted text column: table, its key column, the column, the AEAD associated data.
pub(crate) const TEXT_COLUMNS: [(&str, &str, &str, &str); 11] = [
    ("security_bodies", "unit_id", "phone_enc", "security_bodies.phone"),
    ("security_members", "id", "phone_enc", "security_members.phone"),
    (
        "security_members",
        "id",
        "citizen_id_enc",
        "security_members.citizen_id",
    ),
    (
        "notification_channels",
        "id",
        "config_enc",
        "notification_channels.config",
    ),
    (
        "emergency_plan_versions",
        "id",
        "contacts",
        "emergency_plan_versions.contacts",
    ),
    ("reports", "id", "people", "reports.people"),
    ("reports", "id", "contact", "reports.contact"),
    ("liaison_points", "id", "phone_enc", "liaison_points.phone"),
    (
        "pi_subject_requests",
        "id",
        "contact_enc",
        "pi_subject_requests.contact",
    ),
    ("visits", "id", "id_number_enc", "visits.id_number"),
    ("visits", "id", "phone_enc", "visits.phone"),
];

/// The AEAD associated data of an attachment's bytes (`attachments.data`).
pub(crate) const AAD_ATTACHMENT: &str = "attachments.data";
/// The AEAD associated data of a kept idempotent answer (`idempotency_keys.body`).
const AAD_REPLY: &str = "idempotency_keys.body";

/// The values of [`TEXT_COLUMNS`] re-encrypted, per category of the rotation summary
/// (`neibao_domain::privacy::ReencryptReport`).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct TextColumnCounts {
    /// `security_bodies`, `security_members`.
    pub security_staff: u64,
    /// `emergency_plan_versions`.
    pub emergency_plans: u64,
    /// `reports` (people, contact).
    pub reports: u64,
    /// `liaison_points`.
    pub liaison: u64,
    /// `notification_channels`.
    pub channels: u64,
}

impl TextColumnCounts {
    /// The counter of a table of [`TEXT_COLUMNS`] (a table not named here counts as security
    /// staff, the first category).
    fn of(&mut self, table: &str) -> &mut u64 {
        match table {
            "notification_channels" => &mut self.channels,
            "emergency_plan_versions" => &mut self.emergency_plans,
            "reports" => &mut self.reports,
            "liaison_points" => &mut self.liaison,
            _ => &mut self.security_staff,
        }
    }
}

/// Rows read per batch.
const BATCH: i64 = 200;

impl Backend {
    /// Values of [`TEXT_COLUMNS`], attachments and kept answers not under the current key
    /// (`prefix`: the current key id and `:`, as text ciphertexts start).
    pub(crate) async fn count_stale_other(&self, prefix: &str) -> StoreResult<i64> {
        let mut n = 0;
        for (table, _, col, _) in TEXT_COLUMNS {
            let c: i64 = sqlx::query_scalar(&sql(&format!(
                "SELECT COUNT(*) FROM {table} WHERE {col} IS NOT NULL AND {col} NOT LIKE ?"
            )))
            .bind(prefix)
            .fetch_one(&self.pool)
            .await?;
            n += c;
        }
        // Binary columns: compared by their first bytes (the key id header) in SQL, so that
        // files of up to 10 MB are not read to be counted.
        let header = self.cipher.current_bytes_header();
        for q in [
            "SELECT COUNT(*) FROM attachments WHERE NOT data_encrypted OR substr(data, 1, ?) <> ?",
            "SELECT COUNT(*) FROM idempotency_keys WHERE body IS NOT NULL AND substr(body, 1, ?) <> ?",
        ] {
            let c: i64 = sqlx::query_scalar(&sql(q))
                .bind(header.len() as i32)
                .bind(&header)
                .fetch_one(&self.pool)
                .await?;
            n += c;
        }
        Ok(n)
    }

    /// Re-encrypts [`TEXT_COLUMNS`] under the current key; answers the values changed per
    /// category (security staff, emergency plans, reports, liaison points, channels).
    pub(crate) async fn reencrypt_text_columns(&self) -> StoreResult<TextColumnCounts> {
        let c = &self.cipher;
        let mut counts = TextColumnCounts::default();
        for (table, key, col, aad) in TEXT_COLUMNS {
            let mut after = String::new();
            loop {
                let rows = sqlx::query(&sql(&format!(
                    "SELECT {key} AS k, {col} AS v FROM {table} WHERE {key} > ? ORDER BY {key} LIMIT {BATCH}"
                )))
                .bind(&after)
                .fetch_all(&self.pool)
                .await?;
                let Some(last) = rows.last() else { break };
                after = last.get("k");
                let mut tx = self.begin_write().await?;
                for r in &rows {
                    let Some(old) = r.get::<Option<String>, _>("v") else {
                        continue;
                    };
                    if c.is_current(&old) {
                        continue;
                    }
                    let new = c.encrypt(aad, &c.decrypt(aad, &old)?);
                    // Conditional on the value read: a live write in between wins.
                    sqlx::query(&sql(&format!(
                        "UPDATE {table} SET {col} = ? WHERE {key} = ? AND {col} = ?"
                    )))
                    .bind(new)
                    .bind(r.get::<String, _>("k"))
                    .bind(&old)
                    .execute(&mut *tx)
                    .await?;
                    *counts.of(table) += 1;
                }
                tx.commit().await?;
            }
        }
        Ok(counts)
    }

    /// Encrypts under the current key every attachment not yet encrypted (stored before files
    /// were) or under an older key, and every kept idempotent answer under an older key; answers
    /// (attachments, answers).
    pub(crate) async fn reencrypt_files(&self) -> StoreResult<(u64, u64)> {
        let c = &self.cipher;
        let mut files = 0;
        let mut after = String::new();
        loop {
            // One file at a time in memory beyond the ids (files are up to 10 MB).
            let ids: Vec<(String, bool)> = sqlx::query_as(&sql(&format!(
                "SELECT id, data_encrypted FROM attachments WHERE id > ? ORDER BY id LIMIT {BATCH}"
            )))
            .bind(&after)
            .fetch_all(&self.pool)
            .await?;
            let Some((last, _)) = ids.last() else { break };
            after = last.clone();
            for (id, encrypted) in ids {
                let data: Vec<u8> = sqlx::query_scalar(&sql("SELECT data FROM attachments WHERE id = ?"))
                    .bind(&id)
                    .fetch_one(&self.pool)
                    .await?;
                if encrypted && c.is_current_bytes(&data) {
                    continue;
                }
                let plain = if encrypted {
                    c.decrypt_bytes(AAD_ATTACHMENT, &data)?
                } else {
                    data.clone()
                };
                sqlx::query(&sql(
                    "UPDATE attachments SET data = ?, data_encrypted = ? WHERE id = ? AND data_encrypted = ?",
                ))
                .bind(c.encrypt_bytes(AAD_ATTACHMENT, &plain))
                .bind(true)
                .bind(&id)
                .bind(encrypted)
                .execute(self.writer())
                .await?;
                files += 1;
            }
        }
        let mut replies = 0;
        let mut after = String::new();
        loop {
            let rows = sqlx::query(&sql(&format!(
                "SELECT key, body FROM idempotency_keys WHERE key > ? AND body IS NOT NULL ORDER BY key LIMIT {BATCH}"
            )))
            .bind(&after)
            .fetch_all(&self.pool)
            .await?;
            let Some(last) = rows.last() else { break };
            after = last.get("key");
            let mut tx = self.begin_write().await?;
            for r in &rows {
                let body: Vec<u8> = r.get("body");
                if c.is_current_bytes(&body) {
                    continue;
                }
                sqlx::query(&sql("UPDATE idempotency_keys SET body = ? WHERE key = ?"))
                    .bind(c.encrypt_bytes(AAD_REPLY, &c.decrypt_bytes(AAD_REPLY, &body)?))
                    .bind(r.get::<String, _>("key"))
                    .execute(&mut *tx)
                    .await?;
                replies += 1;
            }
            tx.commit().await?;
        }
        Ok((files, replies))
    }
}
