//! SQL of visitors (compiled once per backend: see `crate::sqlite` and `crate::postgres`).

use super::audit::append_in;
use super::common::{from_ms, ms, opt_ms, paged, push_scope};
use super::db::{sql, Db, DbRow, FOR_UPDATE};
use super::store::Backend;
use crate::error::{StoreError, StoreResult};
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::error::{DomainError, ErrorCode};
use neibao_domain::ids::new_id;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::visitors::*;
use sqlx::{QueryBuilder, Row};

type Tx = sqlx::Transaction<'static, Db>;

/// The associated data of the encrypted columns, and the blind-index domain of ID numbers.
pub(crate) const AAD_VISIT_ID: &str = "visits.id_number";
pub(crate) const AAD_VISIT_PHONE: &str = "visits.phone";
pub(crate) const BIDX_VISITOR_ID: &str = "visitor_id";

const VISIT_SELECT: &str = "SELECT v.*, u.name AS unit_name FROM visits v JOIN units u ON u.id = v.unit_id WHERE 1=1";

fn visit_from_row(r: &DbRow) -> Visit {
    let status = VisitStatus::from_code(r.get::<&str, _>("status")).unwrap_or(VisitStatus::Left);
    Visit {
        link_token: if status == VisitStatus::Invited {
            r.get("token")
        } else {
            None
        },
        id: r.get("id"),
        unit_id: r.get("unit_id"),
        unit_name: r.get("unit_name"),
        source: VisitSource::from_code(r.get::<&str, _>("source")).unwrap_or(VisitSource::WalkIn),
        status,
        host_name: r.get("host_name"),
        purpose: r.get("purpose"),
        expected_on: r
            .get::<Option<String>, _>("expected_on")
            .and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok()),
        area_ids: serde_json::from_str(r.get::<&str, _>("area_ids")).unwrap_or_default(),
        visitor_name: r.get("visitor_name"),
        id_type: r
            .get::<Option<String>, _>("id_type")
            .and_then(|s| IdType::from_code(&s)),
        id_number_masked: r.get("id_number_masked"),
        phone_masked: r.get("phone_masked"),
        minor: r.get("minor"),
        guardian_name: r.get("guardian_name"),
        plate: r.get("plate"),
        goods_in: r.get("goods_in"),
        goods_out: r.get("goods_out"),
        goods_out_authorised_by: r.get("goods_out_authorised_by"),
        notice_purpose: r.get("notice_purpose"),
        notice_version: r.get("notice_version"),
        basis: r
            .get::<Option<String>, _>("basis")
            .and_then(|s| LegalBasis::from_code(&s)),
        consent_at: opt_ms(r, "consent_at"),
        submitted_at: opt_ms(r, "submitted_at"),
        decided_by: r.get("decided_by"),
        decided_at: opt_ms(r, "decided_at"),
        decision_note: r.get("decision_note"),
        checked_in_at: opt_ms(r, "checked_in_at"),
        checked_in_by: r.get("checked_in_by"),
        checked_out_at: opt_ms(r, "checked_out_at"),
        checked_out_by: r.get("checked_out_by"),
        created_by: r.get("created_by"),
        created_at: from_ms(r.get("created_at")),
    }
}

fn with_unit(audit: &AuditEntry, object_id: &str, unit_id: &str) -> AuditEntry {
    let mut a = audit.clone();
    if a.object_id.is_empty() {
        a.object_id = object_id.to_string();
    }
    if a.unit_id.is_none() {
        a.unit_id = Some(unit_id.to_string());
    }
    a
}

fn wrong_state(message: &str) -> StoreError {
    DomainError::with_message(ErrorCode::InvalidTransition, message.to_string()).into()
}

impl Backend {
    /// One visit in scope inside `tx` (locked on PostgreSQL).
    async fn visit_in(&self, tx: &mut Tx, scope: &Scope, id: &str) -> StoreResult<Visit> {
        let mut qb = QueryBuilder::new(VISIT_SELECT);
        qb.push(" AND v.id = ").push_bind(id.to_string());
        push_scope(&mut qb, scope);
        qb.push(FOR_UPDATE);
        let row = qb
            .build()
            .fetch_optional(&mut **tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(visit_from_row(&row))
    }

    async fn visit_by_id(tx: &mut Tx, id: &str) -> StoreResult<Visit> {
        let row = sqlx::query(&sql(
            "SELECT v.*, u.name AS unit_name FROM visits v JOIN units u ON u.id = v.unit_id WHERE v.id = ?",
        ))
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
        Ok(visit_from_row(&row))
    }

    /// Opens a suppression window (reason `visit`) until `until` for each device of the visit's
    /// key areas, linked to the visit. Returns how many.
    async fn open_visit_windows(
        tx: &mut Tx,
        v: &Visit,
        by: &str,
        until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<usize> {
        let mut n = 0;
        for area in &v.area_ids {
            let devices: Vec<String> =
                sqlx::query_scalar(&sql("SELECT id FROM devices WHERE unit_id = ? AND key_area_id = ?"))
                    .bind(&v.unit_id)
                    .bind(area)
                    .fetch_all(&mut **tx)
                    .await?;
            for d in devices {
                let wid = new_id();
                sqlx::query(&sql(
                    "INSERT INTO suppression_windows (id, unit_id, device_id, rule, starts_at, ends_at, reason, note, created_by, created_at)
                     VALUES (?, ?, ?, NULL, ?, ?, 'visit', '', ?, ?)",
                ))
                .bind(&wid)
                .bind(&v.unit_id)
                .bind(&d)
                .bind(ms(now))
                .bind(ms(until))
                .bind(by)
                .bind(ms(now))
                .execute(&mut **tx)
                .await?;
                sqlx::query(&sql(
                    "INSERT INTO visit_suppressions (visit_id, suppression_id) VALUES (?, ?)",
                ))
                .bind(&v.id)
                .bind(&wid)
                .execute(&mut **tx)
                .await?;
                n += 1;
            }
        }
        Ok(n)
    }

    async fn check_areas(tx: &mut Tx, unit_id: &str, areas: &[String]) -> StoreResult<()> {
        for a in areas {
            let found: Option<String> =
                sqlx::query_scalar(&sql("SELECT id FROM key_areas WHERE id = ? AND unit_id = ?"))
                    .bind(a)
                    .bind(unit_id)
                    .fetch_optional(&mut **tx)
                    .await?;
            if found.is_none() {
                return Err(
                    DomainError::with_message(ErrorCode::ValidationFailed, "来访区域应为本单位的重点部位").into(),
                );
            }
        }
        Ok(())
    }

    /// The encrypted ID number, its blind index, its masked form, the encrypted phone and its
    /// masked form.
    fn visitor_values(&self, v: &CheckedVisitor) -> [Option<String>; 5] {
        let c = &self.cipher;
        [
            Some(c.encrypt(AAD_VISIT_ID, v.id.expose())),
            Some(c.blind_index(BIDX_VISITOR_ID, v.id.expose())),
            Some(v.id.masked()),
            Some(c.encrypt(AAD_VISIT_PHONE, v.phone.expose())),
            Some(v.phone.masked()),
        ]
    }
}

#[async_trait]
impl VisitRepo for Backend {
    async fn visitor_unit(&self, scope: &Scope, unit_id: &str) -> StoreResult<String> {
        let mut qb = QueryBuilder::new("SELECT u.name FROM units u WHERE u.id = ");
        qb.push_bind(unit_id.to_string());
        push_scope(&mut qb, scope);
        let row = qb
            .build()
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(row.get("name"))
    }

    async fn create_invitation(&self, scope: &Scope, inv: &NewInvitation, audit: &AuditEntry) -> StoreResult<Visit> {
        self.visitor_unit(scope, &inv.unit_id).await?;
        let mut tx = self.begin_write().await?;
        Self::check_areas(&mut tx, &inv.unit_id, &inv.area_ids).await?;
        sqlx::query(&sql(
            "INSERT INTO visits (id, unit_id, source, status, token, host_name, purpose, expected_on, area_ids, created_by, created_at, last_at)
             VALUES (?, ?, 'invitation', 'invited', ?, ?, ?, ?, ?, ?, ?, ?)",
        ))
        .bind(&inv.id)
        .bind(&inv.unit_id)
        .bind(&inv.token)
        .bind(&inv.host_name)
        .bind(&inv.purpose)
        .bind(inv.expected_on.format("%Y-%m-%d").to_string())
        .bind(serde_json::to_string(&inv.area_ids).unwrap_or_else(|_| "[]".into()))
        .bind(&inv.created_by)
        .bind(ms(inv.at))
        .bind(ms(inv.at))
        .execute(&mut *tx)
        .await?;
        append_in(&mut tx, &with_unit(audit, &inv.id, &inv.unit_id), inv.at).await?;
        let v = Self::visit_by_id(&mut tx, &inv.id).await?;
        tx.commit().await?;
        Ok(v)
    }

    async fn invitation_by_token(&self, token: &str) -> StoreResult<Option<Visit>> {
        let row = sqlx::query(&sql(
            "SELECT v.*, u.name AS unit_name FROM visits v JOIN units u ON u.id = v.unit_id WHERE v.token = ?",
        ))
        .bind(token)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(visit_from_row))
    }

    async fn submit_invitation(
        &self,
        token: &str,
        v: &CheckedVisitor,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Visit> {
        let [id_enc, bidx, id_masked, phone_enc, phone_masked] = self.visitor_values(v);
        let mut tx = self.begin_write().await?;
        let id: Option<String> =
            sqlx::query_scalar(&sql(&format!("SELECT id FROM visits WHERE token = ?{FOR_UPDATE}")))
                .bind(token)
                .fetch_optional(&mut *tx)
                .await?;
        let id = id.ok_or(StoreError::NotFound)?;
        let n = sqlx::query(&sql(
            "UPDATE visits SET status = 'submitted', visitor_name = ?, id_type = ?, id_number_enc = ?, id_number_bidx = ?,
             id_number_masked = ?, phone_enc = ?, phone_masked = ?, minor = ?, guardian_name = ?, plate = ?, goods_in = ?,
             purpose = CASE WHEN ? = '' THEN purpose ELSE ? END, notice_purpose = ?, notice_version = ?, basis = ?,
             consent_at = ?, submitted_at = ?, last_at = ?
             WHERE id = ? AND status = 'invited'",
        ))
        .bind(&v.name)
        .bind(v.id.kind.code())
        .bind(&id_enc)
        .bind(&bidx)
        .bind(&id_masked)
        .bind(&phone_enc)
        .bind(&phone_masked)
        .bind(v.minor)
        .bind(&v.guardian_name)
        .bind(&v.plate)
        .bind(&v.goods_in)
        .bind(&v.purpose)
        .bind(&v.purpose)
        .bind(&v.notice_purpose)
        .bind(&v.notice_version)
        .bind(v.basis.code())
        .bind(v.consent_at.map(ms))
        .bind(ms(now))
        .bind(ms(now))
        .bind(&id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(wrong_state("该预约已填写，无需重复提交"));
        }
        let visit = Self::visit_by_id(&mut tx, &id).await?;
        append_in(&mut tx, &with_unit(audit, &id, &visit.unit_id), now).await?;
        tx.commit().await?;
        Ok(visit)
    }

    async fn create_walk_in(
        &self,
        scope: &Scope,
        id: &str,
        unit_id: &str,
        host_name: &str,
        area_ids: &[String],
        v: &CheckedVisitor,
        by: &str,
        until: DateTime<Utc>,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Visit> {
        self.visitor_unit(scope, unit_id).await?;
        let [id_enc, bidx, id_masked, phone_enc, phone_masked] = self.visitor_values(v);
        let mut tx = self.begin_write().await?;
        Self::check_areas(&mut tx, unit_id, area_ids).await?;
        sqlx::query(&sql(
            "INSERT INTO visits (id, unit_id, source, status, token, host_name, purpose, expected_on, area_ids, visitor_name, id_type,
             id_number_enc, id_number_bidx, id_number_masked, phone_enc, phone_masked, minor, guardian_name, plate, goods_in,
             notice_purpose, notice_version, basis, consent_at, submitted_at, checked_in_at, checked_in_by, created_by, created_at, last_at)
             VALUES (?, ?, 'walk_in', 'inside', NULL, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ))
        .bind(id)
        .bind(unit_id)
        .bind(host_name)
        .bind(&v.purpose)
        .bind(serde_json::to_string(area_ids).unwrap_or_else(|_| "[]".into()))
        .bind(&v.name)
        .bind(v.id.kind.code())
        .bind(&id_enc)
        .bind(&bidx)
        .bind(&id_masked)
        .bind(&phone_enc)
        .bind(&phone_masked)
        .bind(v.minor)
        .bind(&v.guardian_name)
        .bind(&v.plate)
        .bind(&v.goods_in)
        .bind(&v.notice_purpose)
        .bind(&v.notice_version)
        .bind(v.basis.code())
        .bind(v.consent_at.map(ms))
        .bind(ms(now))
        .bind(ms(now))
        .bind(by)
        .bind(by)
        .bind(ms(now))
        .bind(ms(now))
        .execute(&mut *tx)
        .await?;
        let visit = Self::visit_by_id(&mut tx, id).await?;
        let windows = Self::open_visit_windows(&mut tx, &visit, by, until, now).await?;
        let mut a = with_unit(audit, id, unit_id);
        a.detail = serde_json::json!({"suppression_windows": windows}).to_string();
        append_in(&mut tx, &a, now).await?;
        tx.commit().await?;
        Ok(visit)
    }

    async fn visit(&self, scope: &Scope, id: &str) -> StoreResult<Option<Visit>> {
        let mut qb = QueryBuilder::new(VISIT_SELECT);
        qb.push(" AND v.id = ").push_bind(id.to_string());
        push_scope(&mut qb, scope);
        Ok(qb
            .build()
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(visit_from_row))
    }

    async fn list_visits(&self, scope: &Scope, f: &VisitFilter, page: Page) -> StoreResult<Listing<Visit>> {
        let bidx = f
            .id_number
            .as_deref()
            .map(|n| self.cipher.blind_index(BIDX_VISITOR_ID, n));
        let day = f
            .day
            .map(|(d, start)| (d.format("%Y-%m-%d").to_string(), ms(start), ms(start) + 86_400_000));
        paged(
            &self.pool,
            "FROM visits v JOIN units u ON u.id = v.unit_id WHERE 1=1",
            VISIT_SELECT,
            |qb| {
                push_scope(qb, scope);
                if let Some(u) = &f.unit_id {
                    qb.push(" AND v.unit_id = ").push_bind(u.clone());
                }
                if let Some(s) = f.status {
                    qb.push(" AND v.status = ").push_bind(s.code());
                }
                if let Some(b) = &bidx {
                    qb.push(" AND v.id_number_bidx = ").push_bind(b.clone());
                }
                if let Some((d, from, to)) = &day {
                    qb.push(" AND (v.expected_on = ")
                        .push_bind(d.clone())
                        .push(" OR (v.checked_in_at >= ")
                        .push_bind(*from)
                        .push(" AND v.checked_in_at < ")
                        .push_bind(*to)
                        .push("))");
                }
            },
            "v.created_at DESC, v.id DESC",
            page,
            visit_from_row,
        )
        .await
    }

    async fn decide_visit(
        &self,
        scope: &Scope,
        id: &str,
        approve: bool,
        by: &str,
        note: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Visit> {
        let mut tx = self.begin_write().await?;
        let v = self.visit_in(&mut tx, scope, id).await?;
        if v.status != VisitStatus::Submitted {
            return Err(wrong_state("只有待审批的来访可以审批"));
        }
        sqlx::query(&sql(
            "UPDATE visits SET status = ?, decided_by = ?, decided_at = ?, decision_note = ?, last_at = ? WHERE id = ?",
        ))
        .bind(if approve { "approved" } else { "rejected" })
        .bind(by)
        .bind(ms(now))
        .bind(note)
        .bind(ms(now))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        append_in(&mut tx, &with_unit(audit, id, &v.unit_id), now).await?;
        let v = Self::visit_by_id(&mut tx, id).await?;
        tx.commit().await?;
        Ok(v)
    }

    async fn check_in_visit(
        &self,
        scope: &Scope,
        id: &str,
        shown: &str,
        by: &str,
        until: DateTime<Utc>,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Visit> {
        let mut tx = self.begin_write().await?;
        let v = self.visit_in(&mut tx, scope, id).await?;
        if v.status != VisitStatus::Approved {
            return Err(wrong_state("只有已批准的预约可以登记入场"));
        }
        let stored: Option<String> = sqlx::query_scalar(&sql("SELECT id_number_bidx FROM visits WHERE id = ?"))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        if stored.as_deref() != Some(self.cipher.blind_index(BIDX_VISITOR_ID, shown).as_str()) {
            return Err(DomainError::with_message(
                ErrorCode::ValidationFailed,
                "证件号码与预约登记的不一致，请核对证件",
            )
            .into());
        }
        sqlx::query(&sql(
            "UPDATE visits SET status = 'inside', checked_in_at = ?, checked_in_by = ?, last_at = ? WHERE id = ?",
        ))
        .bind(ms(now))
        .bind(by)
        .bind(ms(now))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let windows = Self::open_visit_windows(&mut tx, &v, by, until, now).await?;
        let mut a = with_unit(audit, id, &v.unit_id);
        a.detail = serde_json::json!({"suppression_windows": windows}).to_string();
        append_in(&mut tx, &a, now).await?;
        let v = Self::visit_by_id(&mut tx, id).await?;
        tx.commit().await?;
        Ok(v)
    }

    async fn check_out_visit(
        &self,
        scope: &Scope,
        id: &str,
        goods_out: &str,
        authorised_by: &str,
        by: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Visit> {
        let mut tx = self.begin_write().await?;
        let v = self.visit_in(&mut tx, scope, id).await?;
        if v.status != VisitStatus::Inside {
            return Err(wrong_state("该访客不在场，无需登记离场"));
        }
        sqlx::query(&sql(
            "UPDATE visits SET status = 'left', checked_out_at = ?, checked_out_by = ?, goods_out = ?, goods_out_authorised_by = ?,
             last_at = ? WHERE id = ?",
        ))
        .bind(ms(now))
        .bind(by)
        .bind(goods_out)
        .bind(authorised_by)
        .bind(ms(now))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(&sql(
            "UPDATE suppression_windows SET ends_at = ? WHERE ends_at > ? AND id IN (SELECT suppression_id FROM visit_suppressions WHERE visit_id = ?)",
        ))
        .bind(ms(now))
        .bind(ms(now))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        append_in(&mut tx, &with_unit(audit, id, &v.unit_id), now).await?;
        let v = Self::visit_by_id(&mut tx, id).await?;
        tx.commit().await?;
        Ok(v)
    }

    async fn visitor_settings(&self, scope: &Scope, unit_id: &str) -> StoreResult<VisitorSettings> {
        self.visitor_unit(scope, unit_id).await?;
        let row = sqlx::query(&sql(
            "SELECT retention_days, closing_time FROM visitor_settings WHERE unit_id = ?",
        ))
        .bind(unit_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            Some(r) => VisitorSettings {
                unit_id: unit_id.to_string(),
                retention_days: r.get("retention_days"),
                closing_time: r.get("closing_time"),
            },
            None => VisitorSettings {
                unit_id: unit_id.to_string(),
                retention_days: DEFAULT_RETENTION_DAYS,
                closing_time: DEFAULT_CLOSING_TIME.to_string(),
            },
        })
    }

    async fn set_visitor_settings(
        &self,
        scope: &Scope,
        s: &VisitorSettings,
        by: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.visitor_unit(scope, &s.unit_id).await?;
        let mut tx = self.begin_write().await?;
        sqlx::query(&sql(
            "INSERT INTO visitor_settings (unit_id, retention_days, closing_time, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (unit_id) DO UPDATE SET retention_days = excluded.retention_days, closing_time = excluded.closing_time,
             updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        ))
        .bind(&s.unit_id)
        .bind(s.retention_days)
        .bind(&s.closing_time)
        .bind(by)
        .bind(ms(now))
        .execute(&mut *tx)
        .await?;
        append_in(&mut tx, &with_unit(audit, &s.unit_id, &s.unit_id), now).await?;
        tx.commit().await?;
        Ok(())
    }
}
