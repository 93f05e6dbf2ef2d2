//! SQL of privacy (compiled once per backend: see `crate::sqlite` and `crate::postgres`).

use super::audit::append_in;
use super::common::{ms, push_scope};
use super::db::{sql, Db, DbRow, AFTER_BULK_REWRITE, FOR_UPDATE};
use super::registry::BIDX_CITIZEN_ID;
use super::store::Backend;
use crate::error::{StoreError, StoreResult};
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::error::{DomainError, ErrorCode};
use neibao_domain::events::EventKind;
use neibao_domain::ids::new_id;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::privacy::{DataClass, DeletionRecord, LegalHold, ReencryptReport, RetentionPolicy};
use sqlx::{QueryBuilder, Row};

const AAD_CITIZEN_ID: &str = "responsible_persons.citizen_id";

const AAD_PHONE: &str = "responsible_persons.phone";

const AAD_TOTP: &str = "users.totp_secret";

const AAD_PERSON: &str = "events.person";

const AAD_RAW: &str = "events.raw";

const AAD_IMAGE: &str = "event_images.bytes";

fn hold_from_row(r: &DbRow) -> LegalHold {
    LegalHold {
        id: r.get("id"),
        case_no: r.get("case_no"),
        unit_id: r.get("unit_id"),
        data_class: r
            .get::<Option<String>, _>("data_class")
            .and_then(|c| DataClass::from_code(&c)),
        reason: r.get("reason"),
        created_by: r.get("created_by"),
        created_at: r.get("created_at"),
        released_at: r.get("released_at"),
        released_by: r.get("released_by"),
    }
}

impl Backend {
    /// Values still under a key other than the current one.
    async fn count_stale_ciphertexts(&self) -> StoreResult<u64> {
        let prefix = format!("{}:%", self.cipher.current_key_id());
        let mut n: i64 = 0;
        for q in [
            "SELECT COUNT(*) FROM responsible_persons WHERE citizen_id_enc IS NOT NULL AND citizen_id_enc NOT LIKE ?",
            "SELECT COUNT(*) FROM responsible_persons WHERE phone_enc IS NOT NULL AND phone_enc NOT LIKE ?",
            "SELECT COUNT(*) FROM users WHERE totp_secret_enc IS NOT NULL AND totp_secret_enc NOT LIKE ?",
            "SELECT COUNT(*) FROM events WHERE person IS NOT NULL AND person NOT LIKE ?",
        ] {
            let c: i64 = sqlx::query_scalar(&sql(q)).bind(&prefix).fetch_one(&self.pool).await?;
            n += c;
        }
        n += self.count_stale_sealed(&prefix).await?;
        n += self.count_stale_other(&prefix).await?;
        // Binary columns: the key id is a length-prefixed header, checked in batches.
        for (table, col) in [("events", "raw"), ("event_images", "bytes")] {
            let mut after = String::new();
            loop {
                let rows: Vec<(String, Vec<u8>)> = sqlx::query_as(&sql(&format!(
                    "SELECT id, {col} FROM {table} WHERE id > ? ORDER BY id LIMIT 1000"
                )))
                .bind(&after)
                .fetch_all(&self.pool)
                .await?;
                let Some((last, _)) = rows.last() else { break };
                after = last.clone();
                n += rows.iter().filter(|(_, b)| !self.cipher.is_current_bytes(b)).count() as i64;
            }
        }
        Ok(n as u64)
    }

    /// Deletes the unit's data of `class` received before `cutoff` (ms), inside `tx`.
    async fn delete_unit_data(
        &self,
        tx: &mut sqlx::Transaction<'_, Db>,
        class: DataClass,
        unit_id: &str,
        cutoff: i64,
    ) -> StoreResult<()> {
        match class {
            DataClass::Events => {
                sqlx::query(&sql("DELETE FROM events WHERE unit_id = ? AND received_at < ?"))
                    .bind(unit_id)
                    .bind(cutoff)
                    .execute(&mut **tx)
                    .await?;
            }
            DataClass::Images => {
                sqlx::query(&sql("DELETE FROM event_images WHERE event_id IN (SELECT id FROM events WHERE unit_id = ? AND received_at < ?)"))
                    .bind(unit_id)
                    .bind(cutoff)
                    .execute(&mut **tx)
                    .await?;
                sqlx::query(&sql(
                    "UPDATE events SET image_count = 0 WHERE unit_id = ? AND received_at < ? AND image_count > 0",
                ))
                .bind(unit_id)
                .bind(cutoff)
                .execute(&mut **tx)
                .await?;
            }
            _ => {
                // Face data: the pictures, the person fields, and the raw payload that holds them.
                let face = EventKind::FaceCapture.code();
                sqlx::query(&sql("DELETE FROM event_images WHERE event_id IN (SELECT id FROM events WHERE unit_id = ? AND received_at < ? AND kind = ?)"))
                    .bind(unit_id)
                    .bind(cutoff)
                    .bind(face)
                    .execute(&mut **tx)
                    .await?;
                sqlx::query(&sql("UPDATE events SET person = NULL, image_count = 0, raw = ? WHERE unit_id = ? AND received_at < ? AND kind = ?"))
                    .bind(self.cipher.encrypt_bytes(AAD_RAW, b""))
                    .bind(unit_id)
                    .bind(cutoff)
                    .bind(face)
                    .execute(&mut **tx)
                    .await?;
            }
        }
        Ok(())
    }

    /// Removes audit rows and login records older than `cutoff` (always keeping the newest audit
    /// row), moving the chain's start forward so verification still passes.
    async fn trim_logs(
        &self,
        cutoff: DateTime<Utc>,
        now: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> StoreResult<Option<DeletionRecord>> {
        let held: i64 = sqlx::query_scalar(&sql(
            "SELECT COUNT(*) FROM legal_holds WHERE released_at IS NULL AND data_class = 'logs'",
        ))
        .fetch_one(&self.pool)
        .await?;
        if held > 0 {
            return Ok(None);
        }
        let mut tx = self.begin_write().await?;
        let (last_seq,): (i64,) = sqlx::query_as(&sql(&format!(
            "SELECT last_seq FROM audit_head WHERE id = 1{FOR_UPDATE}"
        )))
        .fetch_one(&mut *tx)
        .await?;
        let n = sqlx::query(&sql("DELETE FROM audit_log WHERE at < ? AND seq < ?"))
            .bind(ms(cutoff))
            .bind(last_seq)
            .execute(&mut *tx)
            .await?
            .rows_affected() as i64;
        if n > 0 {
            let (first, prev): (i64, String) =
                sqlx::query_as(&sql("SELECT seq, prev_hash FROM audit_log ORDER BY seq LIMIT 1"))
                    .fetch_one(&mut *tx)
                    .await?;
            sqlx::query(&sql(
                "UPDATE audit_head SET first_seq = ?, first_prev_hash = ? WHERE id = 1",
            ))
            .bind(first)
            .bind(&prev)
            .execute(&mut *tx)
            .await?;
            // The move of the chain's start is itself a link of the chain: verification accepts a
            // start only when such a record names it (see `audit::Verifier`).
            append_in(
                &mut tx,
                &AuditEntry {
                    actor_name: "system".into(),
                    action: neibao_domain::audit::TRIM_ACTION.into(),
                    object_type: "audit_log".into(),
                    object_id: first.to_string(),
                    detail: neibao_domain::audit::trim_detail(first, &prev, ms(cutoff), n),
                    ..AuditEntry::default()
                },
                now,
            )
            .await?;
        }
        sqlx::query(&sql("DELETE FROM auth_attempts WHERE window_start < ?"))
            .bind(ms(cutoff))
            .execute(&mut *tx)
            .await?;
        let rec = if n > 0 {
            Some(log_deletion(&mut tx, DataClass::Logs, None, n, ms(cutoff), now, false, audit).await?)
        } else {
            None
        };
        tx.commit().await?;
        Ok(rec)
    }
}

impl Backend {
    /// Deletes the visits (docs/VISITORS.md) whose last change is older than their unit's
    /// retention period (the unit's setting, at most the policy's maximum `max_days`; the policy's
    /// maximum when the unit set none), unit by unit, skipping units under a hold and visitors
    /// still inside; each unit's deletion, its log line and its audit row in one transaction.
    async fn sweep_visits(
        &self,
        now: DateTime<Utc>,
        max_days: i64,
        audit: &AuditEntry,
    ) -> StoreResult<Vec<DeletionRecord>> {
        let class = DataClass::VisitorRecords;
        let units: Vec<(String, Option<i64>)> = sqlx::query_as(&sql(
            "SELECT DISTINCT v.unit_id, s.retention_days FROM visits v LEFT JOIN visitor_settings s ON s.unit_id = v.unit_id
             WHERE v.status <> 'inside'
             AND NOT EXISTS (SELECT 1 FROM legal_holds h WHERE h.unit_id = v.unit_id AND h.released_at IS NULL AND (h.data_class IS NULL OR h.data_class = ?))",
        ))
        .bind(class.code())
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for (unit_id, days) in units {
            let days = class.effective_days(days.map_or(max_days, |d| d.min(max_days)), false);
            let cutoff = ms(now - Duration::days(days));
            let mut tx = self.begin_write().await?;
            let ids: Vec<String> = sqlx::query_scalar(&sql(
                "SELECT id FROM visits WHERE unit_id = ? AND status <> 'inside' AND last_at < ?",
            ))
            .bind(&unit_id)
            .bind(cutoff)
            .fetch_all(&mut *tx)
            .await?;
            if ids.is_empty() {
                continue;
            }
            for id in &ids {
                sqlx::query(&sql("DELETE FROM visit_suppressions WHERE visit_id = ?"))
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(&sql("DELETE FROM visits WHERE id = ?"))
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            let rec = log_deletion(
                &mut tx,
                class,
                Some(&unit_id),
                ids.len() as i64,
                cutoff,
                now,
                false,
                audit,
            )
            .await?;
            tx.commit().await?;
            out.push(rec);
        }
        Ok(out)
    }
}

/// Writes one line of the deletion log inside `tx`, and its audit row: `audit` is the sweep's
/// entry, completed here with the class, the line's id, the unit and the counts.
#[allow(clippy::too_many_arguments)]
async fn log_deletion(
    tx: &mut sqlx::Transaction<'_, Db>,
    class: DataClass,
    unit_id: Option<&str>,
    rows: i64,
    older_than: i64,
    now: DateTime<Utc>,
    counter_terror: bool,
    audit: &AuditEntry,
) -> StoreResult<DeletionRecord> {
    let rec = DeletionRecord {
        id: new_id(),
        at: ms(now),
        data_class: class,
        unit_id: unit_id.map(str::to_string),
        rows_deleted: rows,
        older_than,
        reason: format!(
            "超过保存期限自动删除（{}{}）",
            class.label_zh(),
            if counter_terror { "，反恐重点目标" } else { "" }
        ),
    };
    sqlx::query(&sql("INSERT INTO deletion_log (id, at, data_class, unit_id, rows_deleted, older_than, reason) VALUES (?, ?, ?, ?, ?, ?, ?)"))
        .bind(&rec.id)
        .bind(rec.at)
        .bind(class.code())
        .bind(&rec.unit_id)
        .bind(rows)
        .bind(older_than)
        .bind(&rec.reason)
        .execute(&mut **tx)
        .await?;
    let entry = AuditEntry {
        object_type: class.code().into(),
        object_id: rec.id.clone(),
        unit_id: rec.unit_id.clone(),
        detail: format!("rows={rows} older_than={older_than}"),
        ..audit.clone()
    };
    append_in(tx, &entry, now).await?;
    Ok(rec)
}

#[async_trait]
impl RetentionRepo for Backend {
    async fn retention_policies(&self) -> StoreResult<Vec<RetentionPolicy>> {
        let rows: Vec<(String, i64)> = sqlx::query_as(&sql("SELECT data_class, max_days FROM retention_policies"))
            .fetch_all(&self.pool)
            .await?;
        Ok(DataClass::ALL
            .into_iter()
            .map(|c| RetentionPolicy {
                data_class: c,
                label: c.label_zh().to_string(),
                max_days: rows
                    .iter()
                    .find(|(k, _)| k == c.code())
                    .map_or(c.default_max_days(), |(_, d)| *d),
                min_days: c.min_days(false),
                min_days_counter_terror: c.min_days(true),
            })
            .collect())
    }

    /// Sets a class's maximum. Refused below the rules' general minimum (the counter-terror
    /// minimum is applied per unit on top).
    async fn set_retention_policy(
        &self,
        class: DataClass,
        max_days: i64,
        by: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        class.check_max_days(max_days)?;
        let mut tx = self.begin_write().await?;
        sqlx::query(&sql(
            "INSERT INTO retention_policies (data_class, max_days, updated_by, updated_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (data_class) DO UPDATE SET max_days = excluded.max_days, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        ))
        .bind(class.code())
        .bind(max_days)
        .bind(by)
        .bind(ms(now))
        .execute(&mut *tx)
        .await?;
        append_in(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn create_legal_hold(
        &self,
        scope: &Scope,
        hold: &LegalHold,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<LegalHold> {
        let mut tx = self.begin_write().await?;
        // The unit must be in the caller's scope.
        let mut qb = QueryBuilder::new("SELECT u.id FROM units u WHERE u.id = ");
        qb.push_bind(hold.unit_id.clone());
        push_scope(&mut qb, scope);
        qb.build().fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?;
        // The reason is a free text (docs/SECURITY.md, "Personal data in free text").
        let (reason, reason_sealed) = self.cipher.seal_free_text("legal_holds", "reason", &hold.reason);
        sqlx::query(&sql("INSERT INTO legal_holds (id, case_no, unit_id, data_class, reason, created_by, created_at, reason_sealed) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"))
            .bind(&hold.id)
            .bind(&hold.case_no)
            .bind(&hold.unit_id)
            .bind(hold.data_class.map(DataClass::code))
            .bind(&reason)
            .bind(&hold.created_by)
            .bind(hold.created_at)
            .bind(&reason_sealed)
            .execute(&mut *tx)
            .await?;
        super::audit::append_created(&mut tx, audit, &hold.id, now).await?;
        tx.commit().await?;
        Ok(LegalHold { reason, ..hold.clone() })
    }

    async fn release_legal_hold(
        &self,
        scope: &Scope,
        id: &str,
        by: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<LegalHold> {
        let mut tx = self.begin_write().await?;
        let mut qb = QueryBuilder::new("SELECT h.* FROM legal_holds h JOIN units u ON u.id = h.unit_id WHERE h.id = ");
        qb.push_bind(id.to_string());
        push_scope(&mut qb, scope);
        qb.push(FOR_UPDATE);
        let hold = qb
            .build()
            .fetch_optional(&mut *tx)
            .await?
            .as_ref()
            .map(hold_from_row)
            .ok_or(StoreError::NotFound)?;
        if hold.released_at.is_some() {
            return Err(DomainError::with_message(ErrorCode::InvalidTransition, "该保全已解除").into());
        }
        sqlx::query(&sql(
            "UPDATE legal_holds SET released_at = ?, released_by = ? WHERE id = ? AND released_at IS NULL",
        ))
        .bind(ms(now))
        .bind(by)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let entry = AuditEntry {
            unit_id: audit.unit_id.clone().or_else(|| Some(hold.unit_id.clone())),
            ..audit.clone()
        };
        append_in(&mut tx, &entry, now).await?;
        tx.commit().await?;
        Ok(LegalHold {
            released_at: Some(ms(now)),
            released_by: Some(by.to_string()),
            ..hold
        })
    }

    async fn list_legal_holds(&self, scope: &Scope, include_released: bool) -> StoreResult<Vec<LegalHold>> {
        let mut qb = QueryBuilder::new("SELECT h.* FROM legal_holds h JOIN units u ON u.id = h.unit_id WHERE 1=1");
        push_scope(&mut qb, scope);
        if !include_released {
            qb.push(" AND h.released_at IS NULL");
        }
        qb.push(" ORDER BY h.created_at DESC LIMIT 500");
        Ok(qb
            .build()
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(hold_from_row)
            .collect())
    }

    async fn list_deletions(&self, page: Page) -> StoreResult<Listing<DeletionRecord>> {
        super::common::paged(
            &self.pool,
            "FROM deletion_log d WHERE 1=1",
            "SELECT d.* FROM deletion_log d WHERE 1=1",
            |_| {},
            "d.at DESC",
            page,
            |r| DeletionRecord {
                id: r.get("id"),
                at: r.get("at"),
                data_class: DataClass::from_code(r.get::<&str, _>("data_class")).unwrap_or(DataClass::Events),
                unit_id: r.get("unit_id"),
                rows_deleted: r.get("rows_deleted"),
                older_than: r.get("older_than"),
                reason: r.get("reason"),
            },
        )
        .await
    }

    /// Deletes what is past its retention at `now`, unit by unit, skipping units under an active
    /// legal hold for the class; writes one deletion-log row per (class, unit) with something
    /// deleted, and returns them.
    async fn retention_sweep(&self, now: DateTime<Utc>, audit: &AuditEntry) -> StoreResult<Vec<DeletionRecord>> {
        let policies = self.retention_policies().await?;
        let mut out = Vec::new();
        for p in &policies {
            let class = p.data_class;
            if matches!(class, DataClass::VisitorRecords) {
                out.extend(self.sweep_visits(now, p.max_days, audit).await?);
                continue;
            }
            if class == DataClass::CounsellingCases {
                // Closed crisis cases (docs/WELLBEING.md): their own repository deletes them.
                let cutoff = now - Duration::days(class.effective_days(p.max_days, false));
                out.extend(self.sweep_crisis_cases(cutoff, now, audit).await?);
                continue;
            }
            if class == DataClass::Logs {
                let cutoff = now - Duration::days(class.effective_days(p.max_days, false));
                if let Some(rec) = self.trim_logs(cutoff, now, audit).await? {
                    out.push(rec);
                }
                continue;
            }
            for counter_terror in [false, true] {
                let cutoff = ms(now - Duration::days(class.effective_days(p.max_days, counter_terror)));
                let (count_sql, unit_filter) = match class {
                    DataClass::Events => ("SELECT e.unit_id, COUNT(*) FROM events e", ""),
                    DataClass::Images => (
                        "SELECT e.unit_id, COUNT(*) FROM event_images i JOIN events e ON e.id = i.event_id",
                        "",
                    ),
                    _ => (
                        "SELECT e.unit_id, COUNT(*) FROM events e",
                        " AND e.kind = 'face.capture' AND (e.person IS NOT NULL OR e.image_count > 0)",
                    ),
                };
                let q = format!(
                    "{count_sql} JOIN units u ON u.id = e.unit_id WHERE e.received_at < ? AND u.is_counter_terror_target = ?{unit_filter}
                     AND NOT EXISTS (SELECT 1 FROM legal_holds h WHERE h.unit_id = e.unit_id AND h.released_at IS NULL AND (h.data_class IS NULL OR h.data_class = ?))
                     GROUP BY e.unit_id"
                );
                let units: Vec<(String, i64)> = sqlx::query_as(&sql(&q))
                    .bind(cutoff)
                    .bind(counter_terror)
                    .bind(class.code())
                    .fetch_all(&self.pool)
                    .await?;
                for (unit_id, n) in units {
                    // The deletion, its log line and its audit row: one transaction.
                    let mut tx = self.begin_write().await?;
                    self.delete_unit_data(&mut tx, class, &unit_id, cutoff).await?;
                    let rec =
                        log_deletion(&mut tx, class, Some(&unit_id), n, cutoff, now, counter_terror, audit).await?;
                    tx.commit().await?;
                    out.push(rec);
                }
            }
        }
        Ok(out)
    }
}

#[async_trait]
impl KeyRotationRepo for Backend {
    /// Re-encrypts every value not under the current key, and fills missing blind indexes.
    /// Idempotent; safe to run again after an interruption.
    async fn reencrypt_all(&self) -> StoreResult<ReencryptReport> {
        let c = &self.cipher;
        let mut report = ReencryptReport {
            key_id: c.current_key_id().to_string(),
            ..ReencryptReport::default()
        };
        // Responsible persons (small table).
        let rows = sqlx::query(&sql(
            "SELECT id, citizen_id_enc, phone_enc, citizen_id_bidx FROM responsible_persons",
        ))
        .fetch_all(&self.pool)
        .await?;
        for r in rows {
            let id_enc: Option<String> = r.get("citizen_id_enc");
            let phone_enc: Option<String> = r.get("phone_enc");
            let bidx: Option<String> = r.get("citizen_id_bidx");
            let stale = id_enc.as_deref().is_some_and(|v| !c.is_current(v))
                || phone_enc.as_deref().is_some_and(|v| !c.is_current(v))
                || (id_enc.is_some() && bidx.is_none());
            if !stale {
                continue;
            }
            let plain_id = id_enc.map(|v| c.decrypt(AAD_CITIZEN_ID, &v)).transpose()?;
            let plain_phone = phone_enc.map(|v| c.decrypt(AAD_PHONE, &v)).transpose()?;
            sqlx::query(&sql(
                "UPDATE responsible_persons SET citizen_id_enc = ?, phone_enc = ?, citizen_id_bidx = ? WHERE id = ?",
            ))
            .bind(plain_id.as_deref().map(|v| c.encrypt(AAD_CITIZEN_ID, v)))
            .bind(plain_phone.as_deref().map(|v| c.encrypt(AAD_PHONE, v)))
            .bind(plain_id.as_deref().map(|v| c.blind_index(BIDX_CITIZEN_ID, v)))
            .bind(r.get::<String, _>("id"))
            .execute(self.writer())
            .await?;
            report.persons += 1;
        }
        // TOTP secrets.
        let rows = sqlx::query(&sql(
            "SELECT id, totp_secret_enc FROM users WHERE totp_secret_enc IS NOT NULL",
        ))
        .fetch_all(&self.pool)
        .await?;
        for r in rows {
            let enc: String = r.get("totp_secret_enc");
            if c.is_current(&enc) {
                continue;
            }
            let plain = c.decrypt(AAD_TOTP, &enc)?;
            sqlx::query(&sql("UPDATE users SET totp_secret_enc = ? WHERE id = ?"))
                .bind(c.encrypt(AAD_TOTP, &plain))
                .bind(r.get::<String, _>("id"))
                .execute(self.writer())
                .await?;
            report.totp_secrets += 1;
        }
        // Events (raw payload and person fields) and images, in batches by id.
        let mut after = String::new();
        loop {
            let rows = sqlx::query(&sql(
                "SELECT id, person, raw FROM events WHERE id > ? ORDER BY id LIMIT 500",
            ))
            .bind(&after)
            .fetch_all(&self.pool)
            .await?;
            let Some(last) = rows.last() else { break };
            after = last.get("id");
            let mut tx = self.begin_write().await?;
            for r in &rows {
                let person: Option<String> = r.get("person");
                let raw: Vec<u8> = r.get("raw");
                if person.as_deref().is_none_or(|p| c.is_current(p)) && c.is_current_bytes(&raw) {
                    continue;
                }
                let person = person
                    .map(|p| c.decrypt(AAD_PERSON, &p).map(|p| c.encrypt(AAD_PERSON, &p)))
                    .transpose()?;
                let raw = c.encrypt_bytes(AAD_RAW, &c.decrypt_bytes(AAD_RAW, &raw)?);
                sqlx::query(&sql("UPDATE events SET person = ?, raw = ? WHERE id = ?"))
                    .bind(person)
                    .bind(raw)
                    .bind(r.get::<String, _>("id"))
                    .execute(&mut *tx)
                    .await?;
                report.events += 1;
            }
            tx.commit().await?;
        }
        let mut after = String::new();
        loop {
            let rows = sqlx::query(&sql(
                "SELECT id, bytes FROM event_images WHERE id > ? ORDER BY id LIMIT 200",
            ))
            .bind(&after)
            .fetch_all(&self.pool)
            .await?;
            let Some(last) = rows.last() else { break };
            after = last.get("id");
            let mut tx = self.begin_write().await?;
            for r in &rows {
                let bytes: Vec<u8> = r.get("bytes");
                if c.is_current_bytes(&bytes) {
                    continue;
                }
                let bytes = c.encrypt_bytes(AAD_IMAGE, &c.decrypt_bytes(AAD_IMAGE, &bytes)?);
                sqlx::query(&sql("UPDATE event_images SET bytes = ? WHERE id = ?"))
                    .bind(bytes)
                    .bind(r.get::<String, _>("id"))
                    .execute(&mut *tx)
                    .await?;
                report.images += 1;
            }
            tx.commit().await?;
        }
        report.free_texts = self.reencrypt_sealed().await?;
        let text = self.reencrypt_text_columns().await?;
        report.security_staff = text.security_staff;
        report.emergency_plans = text.emergency_plans;
        report.reports = text.reports;
        report.liaison = text.liaison;
        report.channels = text.channels;
        (report.attachments, report.replies) = self.reencrypt_files().await?;
        for stmt in AFTER_BULK_REWRITE {
            sqlx::query(stmt).execute(self.writer()).await?;
        }
        report.remaining = self.count_stale_ciphertexts().await?;
        Ok(report)
    }
}
