//! SQL of watchlists and PIAs (compiled once per backend: see `crate::sqlite` and
//! `crate::postgres`). Templates and photos are encrypted with the biometric key
//! (`FieldCipher::encrypt_biometric`), AAD `watchlist_entries.template` / `.photo`.

use super::audit::append_in;
use super::common::{from_ms, ms, opt_ms};
use super::db::{sql, Db, DbRow};
use super::store::Backend;
use crate::error::{StoreError, StoreResult};
#[allow(unused_imports)]
use crate::prelude::*;
use crate::watchlists::WatchlistChange;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use neibao_domain::audit::AuditEntry;
use neibao_domain::error::{DomainError, ErrorCode};
use neibao_domain::paging::{Listing, Page};
use neibao_domain::watchlists::*;
use sqlx::{QueryBuilder, Row};

const AAD_TEMPLATE: &str = "watchlist_entries.template";
const AAD_PHOTO: &str = "watchlist_entries.photo";

fn owner_of(r: &DbRow) -> Owner {
    match r.get::<Option<String>, _>("owner_org_id") {
        Some(o) => Owner::Organ(o),
        None => Owner::Unit(r.get::<Option<String>, _>("owner_unit_id").unwrap_or_default()),
    }
}

/// `AND <alias>.owner_… = owner`.
fn push_owner(qb: &mut QueryBuilder<'_, Db>, alias: &str, owner: &Owner) {
    match owner {
        Owner::Organ(o) => qb.push(format!(" AND {alias}.owner_org_id = ")).push_bind(o.clone()),
        Owner::Unit(u) => qb.push(format!(" AND {alias}.owner_unit_id = ")).push_bind(u.clone()),
    };
}

const LIST_SELECT: &str = "SELECT w.*, (SELECT COUNT(*) FROM watchlist_entries e WHERE e.watchlist_id = w.id) \
     AS entry_count FROM watchlists w WHERE 1 = 1";

fn list_from_row(r: &DbRow) -> Watchlist {
    Watchlist {
        id: r.get("id"),
        kind: ListKind::from_code(r.get::<&str, _>("kind")).unwrap_or(ListKind::Plate),
        name: r.get("name"),
        owner: owner_of(r),
        owner_name: r.get("owner_name"),
        area_prefix: r.get("area_prefix"),
        legal_basis: r.get("legal_basis"),
        expires_on: r.get::<&str, _>("expires_on").parse().unwrap_or_default(),
        threshold: r.get::<i64, _>("threshold").clamp(0, 100) as u8,
        active: r.get("active"),
        pia_id: r.get("pia_id"),
        entry_count: r.get("entry_count"),
        created_by: r.get("created_by"),
        created_at: from_ms(r.get("created_at")),
        updated_at: from_ms(r.get("updated_at")),
    }
}

fn entry_from_row(r: &DbRow) -> Entry {
    Entry {
        id: r.get("id"),
        watchlist_id: r.get("watchlist_id"),
        plate: r.get("plate"),
        subject_name: r.get("subject_name"),
        external_subject_id: r.get("external_subject_id"),
        has_template: r.get::<i64, _>("has_template") != 0,
        has_photo: r.get::<i64, _>("has_photo") != 0,
        note: r.get("note"),
        created_at: from_ms(r.get("created_at")),
    }
}

const HIT_SELECT: &str = "SELECT h.*, w.name AS watchlist_name, w.kind, COALESCE(u.name, '') AS unit_name \
     FROM watchlist_hits h JOIN watchlists w ON w.id = h.watchlist_id LEFT JOIN units u ON u.id = h.unit_id \
     WHERE 1 = 1";

fn hit_from_row(r: &DbRow) -> Hit {
    Hit {
        id: r.get("id"),
        watchlist_id: r.get("watchlist_id"),
        watchlist_name: r.get("watchlist_name"),
        kind: ListKind::from_code(r.get::<&str, _>("kind")).unwrap_or(ListKind::Plate),
        entry_id: r.get("entry_id"),
        event_id: r.get("event_id"),
        alert_id: r.get("alert_id"),
        unit_id: r.get("unit_id"),
        unit_name: r.get("unit_name"),
        device_id: r.get("device_id"),
        similarity: r.get::<Option<f64>, _>("similarity").map(|s| s as f32),
        candidates: serde_json::from_str(r.get::<&str, _>("candidates")).unwrap_or_default(),
        status: HitStatus::from_code(r.get::<&str, _>("status")).unwrap_or(HitStatus::Pending),
        reviewed_by: r.get("reviewed_by_name"),
        reviewed_at: opt_ms(r, "reviewed_at"),
        review_note: r.get("review_note"),
        created_at: from_ms(r.get("created_at")),
    }
}

fn pia_from_row(r: &DbRow) -> Pia {
    Pia {
        id: r.get("id"),
        owner: owner_of(r),
        owner_name: r.get("owner_name"),
        purpose: PiaPurpose::from_code(r.get::<&str, _>("purpose")).unwrap_or(PiaPurpose::Other),
        title: r.get("title"),
        necessity: r.get("necessity"),
        risks: r.get("risks"),
        safeguards: r.get("safeguards"),
        status: PiaStatus::from_code(r.get::<&str, _>("status")).unwrap_or(PiaStatus::Draft),
        drafted_by: r.get("drafted_by"),
        drafted_by_name: r.get("drafted_by_name"),
        approved_by_name: r.get("approved_by_name"),
        approved_at: opt_ms(r, "approved_at"),
        keep_until: from_ms(r.get("keep_until")),
        created_at: from_ms(r.get("created_at")),
    }
}

fn audit_with_id(audit: &AuditEntry, id: &str) -> AuditEntry {
    let mut a = audit.clone();
    if a.object_id.is_empty() {
        a.object_id = id.to_string();
    }
    a
}

impl Backend {
    async fn wl_one<'e, E>(&self, exec: E, owner: &Owner, id: &str) -> StoreResult<Option<Watchlist>>
    where
        E: sqlx::Executor<'e, Database = Db>,
    {
        let mut qb = QueryBuilder::new(LIST_SELECT);
        qb.push(" AND w.id = ").push_bind(id.to_string());
        push_owner(&mut qb, "w", owner);
        Ok(qb.build().fetch_optional(exec).await?.map(|r| list_from_row(&r)))
    }

    async fn hit_one<'e, E>(&self, exec: E, owner: &Owner, id: &str) -> StoreResult<Option<Hit>>
    where
        E: sqlx::Executor<'e, Database = Db>,
    {
        let mut qb = QueryBuilder::new(HIT_SELECT);
        qb.push(" AND h.id = ").push_bind(id.to_string());
        push_owner(&mut qb, "w", owner);
        Ok(qb.build().fetch_optional(exec).await?.map(|r| hit_from_row(&r)))
    }

    async fn pia_one<'e, E>(&self, exec: E, owner: &Owner, id: &str) -> StoreResult<Option<Pia>>
    where
        E: sqlx::Executor<'e, Database = Db>,
    {
        let mut qb = QueryBuilder::new("SELECT p.* FROM pias p WHERE p.id = ");
        qb.push_bind(id.to_string());
        push_owner(&mut qb, "p", owner);
        Ok(qb.build().fetch_optional(exec).await?.map(|r| pia_from_row(&r)))
    }
}

#[async_trait]
impl WatchlistRepo for Backend {
    async fn create_watchlist(&self, l: &NewWatchlist, audit: &AuditEntry) -> StoreResult<Watchlist> {
        let mut tx = self.begin_write().await?;
        sqlx::query(&sql(
            "INSERT INTO watchlists (id, kind, name, owner_org_id, owner_unit_id, owner_name, area_prefix, legal_basis, \
             expires_on, threshold, active, pia_id, created_by, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)",
        ))
        .bind(&l.id)
        .bind(l.kind.code())
        .bind(&l.name)
        .bind(l.owner.org_id())
        .bind(l.owner.unit_id())
        .bind(&l.owner_name)
        .bind(&l.area_prefix)
        .bind(&l.legal_basis)
        .bind(l.expires_on.to_string())
        .bind(l.threshold as i64)
        .bind(false)
        .bind(&l.created_by)
        .bind(ms(l.at))
        .bind(ms(l.at))
        .execute(&mut *tx)
        .await?;
        append_in(&mut tx, &audit_with_id(audit, &l.id), l.at).await?;
        tx.commit().await?;
        self.wl_one(&self.pool, &l.owner, &l.id)
            .await?
            .ok_or(StoreError::NotFound)
    }

    async fn list_watchlists(&self, owner: &Owner) -> StoreResult<Vec<Watchlist>> {
        let mut qb = QueryBuilder::new(LIST_SELECT);
        push_owner(&mut qb, "w", owner);
        qb.push(" ORDER BY w.created_at DESC, w.id DESC LIMIT 500");
        Ok(qb
            .build()
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(list_from_row)
            .collect())
    }

    async fn watchlist(&self, owner: &Owner, id: &str) -> StoreResult<Option<Watchlist>> {
        self.wl_one(&self.pool, owner, id).await
    }

    async fn update_watchlist(
        &self,
        owner: &Owner,
        id: &str,
        c: &WatchlistChange,
        audit: &AuditEntry,
        at: DateTime<Utc>,
    ) -> StoreResult<Watchlist> {
        let mut tx = self.begin_write().await?;
        self.wl_one(&mut *tx, owner, id).await?.ok_or(StoreError::NotFound)?;
        sqlx::query(&sql(
            "UPDATE watchlists SET name = ?, legal_basis = ?, expires_on = ?, threshold = ?, updated_at = ? WHERE id = ?",
        ))
        .bind(&c.name)
        .bind(&c.legal_basis)
        .bind(c.expires_on.to_string())
        .bind(c.threshold as i64)
        .bind(ms(at))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        append_in(&mut tx, &audit_with_id(audit, id), at).await?;
        tx.commit().await?;
        self.wl_one(&self.pool, owner, id).await?.ok_or(StoreError::NotFound)
    }

    async fn set_watchlist_active(
        &self,
        owner: &Owner,
        id: &str,
        active: bool,
        pia_id: Option<&str>,
        audit: &AuditEntry,
        at: DateTime<Utc>,
    ) -> StoreResult<Watchlist> {
        let mut tx = self.begin_write().await?;
        self.wl_one(&mut *tx, owner, id).await?.ok_or(StoreError::NotFound)?;
        sqlx::query(&sql(
            "UPDATE watchlists SET active = ?, pia_id = COALESCE(?, pia_id), updated_at = ? WHERE id = ?",
        ))
        .bind(active)
        .bind(pia_id)
        .bind(ms(at))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        append_in(&mut tx, &audit_with_id(audit, id), at).await?;
        tx.commit().await?;
        self.wl_one(&self.pool, owner, id).await?.ok_or(StoreError::NotFound)
    }

    async fn add_watchlist_entries(
        &self,
        owner: &Owner,
        list_id: &str,
        entries: &[NewEntry],
        audit: &AuditEntry,
    ) -> StoreResult<u64> {
        let at = entries.first().map(|e| e.at).unwrap_or_else(Utc::now);
        let mut tx = self.begin_write().await?;
        self.wl_one(&mut *tx, owner, list_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        for chunk in entries.chunks(500) {
            let mut qb = QueryBuilder::new(
                "INSERT INTO watchlist_entries (id, watchlist_id, plate, subject_name, external_subject_id, \
                 template_enc, photo_enc, note, created_at) ",
            );
            qb.push_values(chunk, |mut b, e| {
                b.push_bind(e.id.clone())
                    .push_bind(list_id.to_string())
                    .push_bind(e.plate.clone())
                    .push_bind(e.subject_name.clone())
                    .push_bind(e.external_subject_id.clone())
                    .push_bind(
                        e.template
                            .as_deref()
                            .map(|t| self.cipher.encrypt_biometric(AAD_TEMPLATE, t)),
                    )
                    .push_bind(e.photo.as_deref().map(|p| self.cipher.encrypt_biometric(AAD_PHOTO, p)))
                    .push_bind(e.note.clone())
                    .push_bind(ms(e.at));
            });
            qb.build().execute(&mut *tx).await?;
        }
        sqlx::query(&sql("UPDATE watchlists SET updated_at = ? WHERE id = ?"))
            .bind(ms(at))
            .bind(list_id)
            .execute(&mut *tx)
            .await?;
        append_in(&mut tx, &audit_with_id(audit, list_id), at).await?;
        tx.commit().await?;
        Ok(entries.len() as u64)
    }

    async fn list_watchlist_entries(&self, owner: &Owner, list_id: &str, page: Page) -> StoreResult<Listing<Entry>> {
        self.wl_one(&self.pool, owner, list_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        super::common::paged(
            &self.pool,
            "FROM watchlist_entries e WHERE 1 = 1",
            "SELECT e.id, e.watchlist_id, e.plate, e.subject_name, e.external_subject_id, e.note, e.created_at, \
             CAST(CASE WHEN e.template_enc IS NULL THEN 0 ELSE 1 END AS BIGINT) AS has_template, \
             CAST(CASE WHEN e.photo_enc IS NULL THEN 0 ELSE 1 END AS BIGINT) AS has_photo FROM watchlist_entries e WHERE 1 = 1",
            |qb| {
                qb.push(" AND e.watchlist_id = ").push_bind(list_id.to_string());
            },
            "e.created_at DESC, e.id DESC",
            page,
            entry_from_row,
        )
        .await
    }

    async fn delete_watchlist_entry(
        &self,
        owner: &Owner,
        list_id: &str,
        entry_id: &str,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        let at = Utc::now();
        let mut tx = self.begin_write().await?;
        self.wl_one(&mut *tx, owner, list_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let done = sqlx::query(&sql("DELETE FROM watchlist_entries WHERE id = ? AND watchlist_id = ?"))
            .bind(entry_id)
            .bind(list_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if done == 0 {
            return Err(StoreError::NotFound);
        }
        append_in(&mut tx, &audit_with_id(audit, entry_id), at).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn watchlist_entry_photo(
        &self,
        owner: &Owner,
        list_id: &str,
        entry_id: &str,
        audit: &AuditEntry,
    ) -> StoreResult<Option<Vec<u8>>> {
        if self.wl_one(&self.pool, owner, list_id).await?.is_none() {
            return Ok(None);
        }
        let enc: Option<Option<Vec<u8>>> = sqlx::query_scalar(&sql(
            "SELECT photo_enc FROM watchlist_entries WHERE id = ? AND watchlist_id = ?",
        ))
        .bind(entry_id)
        .bind(list_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(Some(enc)) = enc else { return Ok(None) };
        let photo = self
            .cipher
            .decrypt_biometric(AAD_PHOTO, &enc)
            .map_err(StoreError::Other)?;
        let mut tx = self.begin_write().await?;
        append_in(&mut tx, audit, Utc::now()).await?;
        tx.commit().await?;
        Ok(Some(photo))
    }

    async fn watch_index_data(&self) -> StoreResult<(Vec<IndexList>, Vec<IndexEntry>)> {
        let lists: Vec<IndexList> = sqlx::query(&sql(
            "SELECT id, kind, name, owner_org_id, owner_unit_id, area_prefix, threshold, expires_on \
             FROM watchlists WHERE active = ?",
        ))
        .bind(true)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| IndexList {
            id: r.get("id"),
            kind: ListKind::from_code(r.get::<&str, _>("kind")).unwrap_or(ListKind::Plate),
            name: r.get("name"),
            owner: owner_of(r),
            area_prefix: r.get("area_prefix"),
            threshold: r.get::<i64, _>("threshold").clamp(0, 100) as u8,
            expires_on: r.get::<&str, _>("expires_on").parse().unwrap_or(NaiveDate::MIN),
        })
        .collect();
        let entries = sqlx::query(&sql(
            "SELECT e.id, e.watchlist_id, e.plate, e.subject_name, e.external_subject_id FROM watchlist_entries e \
             JOIN watchlists w ON w.id = e.watchlist_id WHERE w.active = ?",
        ))
        .bind(true)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| IndexEntry {
            id: r.get("id"),
            watchlist_id: r.get("watchlist_id"),
            plate: r.get("plate"),
            subject_name: r.get("subject_name"),
            external_subject_id: r.get("external_subject_id"),
        })
        .collect();
        Ok((lists, entries))
    }

    async fn record_watchlist_hits(&self, hits: &[NewHit]) -> StoreResult<()> {
        if hits.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        for h in hits {
            sqlx::query(&sql(
                "INSERT INTO watchlist_hits (id, watchlist_id, entry_id, event_id, alert_id, unit_id, device_id, \
                 similarity, candidates, status, review_note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', '', ?)",
            ))
            .bind(&h.id)
            .bind(&h.watchlist_id)
            .bind(&h.entry_id)
            .bind(&h.event_id)
            .bind(&h.alert_id)
            .bind(&h.unit_id)
            .bind(&h.device_id)
            .bind(h.similarity.map(|s| s as f64))
            .bind(serde_json::to_string(&h.candidates).unwrap_or_else(|_| "[]".into()))
            .bind(ms(h.at))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn list_watchlist_hits(
        &self,
        owner: &Owner,
        status: Option<HitStatus>,
        page: Page,
    ) -> StoreResult<Listing<Hit>> {
        super::common::paged(
            &self.pool,
            "FROM watchlist_hits h JOIN watchlists w ON w.id = h.watchlist_id WHERE 1 = 1",
            HIT_SELECT,
            |qb| {
                push_owner(qb, "w", owner);
                if let Some(s) = status {
                    qb.push(" AND h.status = ").push_bind(s.code());
                }
            },
            "h.created_at DESC, h.id DESC",
            page,
            hit_from_row,
        )
        .await
    }

    async fn watchlist_hit(&self, owner: &Owner, id: &str) -> StoreResult<Option<Hit>> {
        self.hit_one(&self.pool, owner, id).await
    }

    async fn review_watchlist_hit(
        &self,
        owner: &Owner,
        id: &str,
        status: HitStatus,
        by: &str,
        by_name: &str,
        note: &str,
        audit: &AuditEntry,
        at: DateTime<Utc>,
    ) -> StoreResult<Hit> {
        let mut tx = self.begin_write().await?;
        let hit = self.hit_one(&mut *tx, owner, id).await?.ok_or(StoreError::NotFound)?;
        if hit.status != HitStatus::Pending {
            return Err(DomainError::with_message(ErrorCode::InvalidTransition, "该比中记录已核验").into());
        }
        sqlx::query(&sql(
            "UPDATE watchlist_hits SET status = ?, reviewed_by = ?, reviewed_by_name = ?, reviewed_at = ?, \
             review_note = ? WHERE id = ? AND status = 'pending'",
        ))
        .bind(status.code())
        .bind(by)
        .bind(by_name)
        .bind(ms(at))
        .bind(note)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let mut a = audit_with_id(audit, id);
        a.unit_id = Some(hit.unit_id.clone());
        append_in(&mut tx, &a, at).await?;
        tx.commit().await?;
        self.hit_one(&self.pool, owner, id).await?.ok_or(StoreError::NotFound)
    }
}

#[async_trait]
impl PiaRepo for Backend {
    async fn create_pia(&self, p: &NewPia, audit: &AuditEntry) -> StoreResult<Pia> {
        let mut tx = self.begin_write().await?;
        sqlx::query(&sql(
            "INSERT INTO pias (id, owner_org_id, owner_unit_id, owner_name, purpose, title, necessity, risks, safeguards, \
             status, drafted_by, drafted_by_name, keep_until, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?)",
        ))
        .bind(&p.id)
        .bind(p.owner.org_id())
        .bind(p.owner.unit_id())
        .bind(&p.owner_name)
        .bind(p.purpose.code())
        .bind(&p.title)
        .bind(&p.necessity)
        .bind(&p.risks)
        .bind(&p.safeguards)
        .bind(&p.drafted_by)
        .bind(&p.drafted_by_name)
        .bind(ms(pia_keep_until(p.at)))
        .bind(ms(p.at))
        .execute(&mut *tx)
        .await?;
        append_in(&mut tx, &audit_with_id(audit, &p.id), p.at).await?;
        tx.commit().await?;
        self.pia_one(&self.pool, &p.owner, &p.id)
            .await?
            .ok_or(StoreError::NotFound)
    }

    async fn list_pias(&self, owner: &Owner) -> StoreResult<Vec<Pia>> {
        let mut qb = QueryBuilder::new("SELECT p.* FROM pias p WHERE 1 = 1");
        push_owner(&mut qb, "p", owner);
        qb.push(" ORDER BY p.created_at DESC, p.id DESC LIMIT 500");
        Ok(qb
            .build()
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(pia_from_row)
            .collect())
    }

    async fn pia(&self, owner: &Owner, id: &str) -> StoreResult<Option<Pia>> {
        self.pia_one(&self.pool, owner, id).await
    }

    async fn approve_pia(
        &self,
        owner: &Owner,
        id: &str,
        by: &str,
        by_name: &str,
        audit: &AuditEntry,
        at: DateTime<Utc>,
    ) -> StoreResult<Pia> {
        let mut tx = self.begin_write().await?;
        let p = self.pia_one(&mut *tx, owner, id).await?.ok_or(StoreError::NotFound)?;
        if p.status != PiaStatus::Draft {
            return Err(DomainError::with_message(ErrorCode::InvalidTransition, "该评估已批准").into());
        }
        sqlx::query(&sql(
            "UPDATE pias SET status = 'approved', approved_by = ?, approved_by_name = ?, approved_at = ?, keep_until = ? \
             WHERE id = ? AND status = 'draft'",
        ))
        .bind(by)
        .bind(by_name)
        .bind(ms(at))
        .bind(ms(pia_keep_until(at)))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        append_in(&mut tx, &audit_with_id(audit, id), at).await?;
        tx.commit().await?;
        self.pia_one(&self.pool, owner, id).await?.ok_or(StoreError::NotFound)
    }

    async fn delete_pia(&self, owner: &Owner, id: &str, audit: &AuditEntry) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        self.pia_one(&mut *tx, owner, id).await?.ok_or(StoreError::NotFound)?;
        let used: i64 = sqlx::query_scalar(&sql("SELECT COUNT(*) FROM watchlists WHERE pia_id = ?"))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        if used > 0 {
            return Err(
                DomainError::with_message(ErrorCode::InvalidTransition, "已有布控依据该评估启用，不能删除").into(),
            );
        }
        sqlx::query(&sql("DELETE FROM pias WHERE id = ?"))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        append_in(&mut tx, &audit_with_id(audit, id), Utc::now()).await?;
        tx.commit().await?;
        Ok(())
    }
}
