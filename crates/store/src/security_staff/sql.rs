//! SQL of the security staff (compiled once per backend: see `crate::sqlite` and
//! `crate::postgres`). Phone and ID numbers are encrypted with the field cipher; the ID number's
//! blind index uses the same domain as the responsible persons' (`citizen_id`), so one look-up
//! finds both.

use super::audit::append_in;
use super::common::{from_ms, ms, opt_ms, push_scope};
use super::db::{sql, Db, DbRow};
use super::registry::BIDX_CITIZEN_ID;
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
use neibao_domain::jobs::NewJob;
use neibao_domain::registry::stale;
use neibao_domain::security_staff::*;
use neibao_domain::sensitive::{mask, Sensitive, SensitiveKind};
use sqlx::{QueryBuilder, Row};

const AAD_BODY_PHONE: &str = "security_bodies.phone";
const AAD_MEMBER_PHONE: &str = "security_members.phone";
const AAD_MEMBER_CITIZEN_ID: &str = "security_members.citizen_id";

fn date(r: &DbRow, col: &str) -> NaiveDate {
    r.get::<&str, _>(col).parse().unwrap_or_default()
}

fn opt_date(r: &DbRow, col: &str) -> Option<NaiveDate> {
    r.get::<Option<String>, _>(col).and_then(|s| s.parse().ok())
}

fn opt_str(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.to_string())
}

/// The unit's name and key-unit flag when it is in the scope.
async fn unit_in_scope<'e, E>(exec: E, scope: &Scope, unit_id: &str) -> StoreResult<(String, bool, String)>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    let mut qb = QueryBuilder::new("SELECT u.name, u.is_key_unit, u.state FROM units u WHERE u.id = ");
    qb.push_bind(unit_id.to_string());
    push_scope(&mut qb, scope);
    let r = qb.build().fetch_optional(exec).await?.ok_or(StoreError::NotFound)?;
    Ok((r.get("name"), r.get("is_key_unit"), r.get("state")))
}

/// Refuses a change to a closed (注销) unit: its records stay readable, nothing is added.
async fn open_unit(tx: &mut sqlx::Transaction<'static, Db>, scope: &Scope, unit_id: &str) -> StoreResult<()> {
    let (_, _, state) = unit_in_scope(&mut **tx, scope, unit_id).await?;
    if state == "closed" {
        return Err(DomainError::with_message(
            ErrorCode::InvalidTransition,
            "单位已注销，其保卫机构和人员记录只能查看，不能再登记或修改",
        )
        .into());
    }
    Ok(())
}

/// Appends a history row (the masked values after the change) inside `tx`.
#[allow(clippy::too_many_arguments)]
async fn history_in(
    tx: &mut sqlx::Transaction<'static, Db>,
    unit_id: &str,
    object_type: &str,
    object_id: &str,
    version: i64,
    action: &str,
    snapshot: &serde_json::Value,
    by: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    sqlx::query(&sql(
        "INSERT INTO security_staff_history (id, unit_id, object_type, object_id, version, action, snapshot, changed_by, changed_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    ))
    .bind(new_id())
    .bind(unit_id)
    .bind(object_type)
    .bind(object_id)
    .bind(version)
    .bind(action)
    .bind(snapshot.to_string())
    .bind(by)
    .bind(ms(now))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The masked values of a roster entry draft, for its history row.
fn member_snapshot(d: &MemberDraft) -> serde_json::Value {
    let mut v = serde_json::json!({
        "name": d.name,
        "post": d.post,
        "full_time": d.full_time,
        "on_duty": d.on_duty,
        "phone": d.phone.as_ref().map(|p| p.as_ref().map(|p| p.clone().into_sensitive().masked())),
    });
    if let Some(g) = &d.guard {
        v["employment"] = g.employment.code().into();
        v["company_name"] = g.company_name.clone().into();
        v["company_licence_no"] = g.company_licence_no.clone().into();
        v["company_foreign_invested"] = g.company_foreign_invested.into();
        v["certificate_no"] = g.certificate_no.clone().into();
        v["citizen_id"] = g
            .citizen_id
            .as_ref()
            .map(|c| c.clone().into_sensitive().masked())
            .into();
        v["started_on"] = g.started_on.to_string().into();
        v["stopped_on"] = opt_str(g.stopped_on).into();
        v["vetting"] = g.vetting.code().into();
    }
    v
}

fn training_from_row(r: &DbRow) -> Training {
    let category: String = r.get("member_category");
    Training {
        id: r.get("id"),
        unit_id: r.get("unit_id"),
        member_id: r.get("member_id"),
        member_name: r.get("member_name"),
        member_category: MemberCategory::from_code(&category).unwrap_or(MemberCategory::Staff),
        trained_on: date(r, "trained_on"),
        topic: r.get("topic"),
        hours: r.get("hours"),
        exam_result: ExamResult::from_code(r.get::<&str, _>("exam_result")).unwrap_or(ExamResult::None),
        certificate_name: r.get("certificate_name"),
        certificate_expires_on: opt_date(r, "certificate_expires_on"),
        certificate_state: None,
        created_by: r.get("created_by"),
        created_at: from_ms(r.get("created_at")),
    }
}

const TRAINING_SELECT: &str =
    "SELECT t.*, m.name AS member_name, m.category AS member_category, m.removed_at AS member_removed_at \
     FROM security_trainings t JOIN security_members m ON m.id = t.member_id";

fn record_from_row(r: &DbRow) -> StaffRecord {
    StaffRecord {
        id: r.get("id"),
        unit_id: r.get("unit_id"),
        kind: RecordKind::from_code(r.get::<&str, _>("kind")).unwrap_or(RecordKind::Commendation),
        member_id: r.get("member_id"),
        subject: r.get("subject"),
        occurred_on: date(r, "occurred_on"),
        content: r.get("content"),
        handling: r.get("handling"),
        result: r.get("result"),
        created_by: r.get("created_by"),
        created_at: from_ms(r.get("created_at")),
    }
}

impl Backend {
    fn open_sensitive(&self, r: &DbRow, col: &str, aad: &str, kind: SensitiveKind) -> StoreResult<Option<Sensitive>> {
        match r.get::<Option<String>, _>(col) {
            None => Ok(None),
            Some(ct) => Ok(Some(Sensitive::new(kind, self.cipher.decrypt(aad, &ct)?))),
        }
    }

    /// A guard row as read back: the ID number decrypted into a masked value and its birth date.
    fn guard_from_row(&self, r: &DbRow) -> StoreResult<Guard> {
        let id = self
            .open_sensitive(r, "citizen_id_enc", AAD_MEMBER_CITIZEN_ID, SensitiveKind::CitizenId)?
            .unwrap_or_else(|| Sensitive::new(SensitiveKind::CitizenId, ""));
        // The birth date: positions 7–14 of the (validated) number; never sent (serde skip).
        let birth_date = NaiveDate::parse_from_str(id.expose().get(6..14).unwrap_or(""), "%Y%m%d").unwrap_or_default();
        Ok(Guard {
            id: r.get("id"),
            unit_id: r.get("unit_id"),
            name: r.get("name"),
            post: r.get("post"),
            full_time: r.get("full_time"),
            phone: self.open_sensitive(r, "phone_enc", AAD_MEMBER_PHONE, SensitiveKind::Phone)?,
            on_duty: r.get("on_duty"),
            employment: r
                .get::<Option<String>, _>("employment")
                .and_then(|c| Employment::from_code(&c))
                .unwrap_or(Employment::OwnHired),
            company_name: r.get("company_name"),
            company_licence_no: r.get("company_licence_no"),
            company_foreign_invested: r.get("company_foreign_invested"),
            certificate_no: r.get("certificate_no"),
            citizen_id: id,
            birth_date,
            age: 0,
            eligible: false,
            started_on: opt_date(r, "started_on").unwrap_or_default(),
            stopped_on: opt_date(r, "stopped_on"),
            vetting: r
                .get::<Option<String>, _>("vetting")
                .and_then(|c| Vetting::from_code(&c))
                .unwrap_or(Vetting::Pending),
            warning: None,
            version: r.get("version"),
            removed_at: opt_ms(r, "removed_at"),
            created_at: from_ms(r.get("created_at")),
        })
    }

    fn staff_from_row(&self, r: &DbRow) -> StoreResult<StaffMember> {
        Ok(StaffMember {
            id: r.get("id"),
            unit_id: r.get("unit_id"),
            name: r.get("name"),
            post: r.get("post"),
            full_time: r.get("full_time"),
            phone: self.open_sensitive(r, "phone_enc", AAD_MEMBER_PHONE, SensitiveKind::Phone)?,
            on_duty: r.get("on_duty"),
            version: r.get("version"),
            removed_at: opt_ms(r, "removed_at"),
            created_at: from_ms(r.get("created_at")),
        })
    }

    /// Refuses a guard whose ID number is already on the unit's current roster (another entry).
    async fn check_duplicate_guard(
        &self,
        tx: &mut sqlx::Transaction<'static, Db>,
        unit_id: &str,
        id: &str,
        bidx: &str,
    ) -> StoreResult<()> {
        let n: i64 = sqlx::query_scalar(&sql(
            "SELECT COUNT(*) FROM security_members WHERE unit_id = ? AND citizen_id_bidx = ? AND removed_at IS NULL AND id <> ?",
        ))
        .bind(unit_id)
        .bind(bidx)
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
        if n > 0 {
            return Err(StoreError::Conflict(
                "该公民身份号码的保安员已在本单位名册上，请修改原记录".into(),
            ));
        }
        Ok(())
    }

    /// The version check of a roster entry: `Ok` when current and at `version`.
    async fn check_member_version(
        &self,
        tx: &mut sqlx::Transaction<'static, Db>,
        unit_id: &str,
        id: &str,
        category: MemberCategory,
        version: i64,
    ) -> StoreResult<()> {
        let row = sqlx::query(&sql(
            "SELECT version, removed_at FROM security_members WHERE id = ? AND unit_id = ? AND category = ?",
        ))
        .bind(id)
        .bind(unit_id)
        .bind(category.code())
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        if row.get::<Option<i64>, _>("removed_at").is_some() {
            return Err(DomainError::with_message(
                ErrorCode::InvalidTransition,
                format!("该{}已移出名册，记录只能查看", category.label_zh()),
            )
            .into());
        }
        if row.get::<i64, _>("version") != version {
            return Err(stale(category.label_zh()).into());
        }
        Ok(())
    }
}

#[async_trait]
impl SecurityStaffRepo for Backend {
    async fn unit_security(&self, scope: &Scope, unit_id: &str) -> StoreResult<UnitSecurityData> {
        let (unit_name, is_key_unit, _) = unit_in_scope(&self.pool, scope, unit_id).await?;
        let body = sqlx::query(&sql("SELECT * FROM security_bodies WHERE unit_id = ?"))
            .bind(unit_id)
            .fetch_optional(&self.pool)
            .await?;
        let body = match body {
            None => None,
            Some(r) => Some(SecurityBody {
                unit_id: r.get("unit_id"),
                name: r.get("name"),
                kind: BodyKind::from_code(r.get::<&str, _>("kind")).unwrap_or(BodyKind::Dedicated),
                head: r.get("head"),
                established_on: opt_date(&r, "established_on"),
                phone: self.open_sensitive(&r, "phone_enc", AAD_BODY_PHONE, SensitiveKind::Phone)?,
                version: r.get("version"),
                updated_by: r.get("updated_by"),
                updated_at: from_ms(r.get("updated_at")),
            }),
        };
        let rows = sqlx::query(&sql(
            "SELECT * FROM security_members WHERE unit_id = ? ORDER BY (CASE WHEN removed_at IS NULL THEN 0 ELSE 1 END), created_at, id",
        ))
        .bind(unit_id)
        .fetch_all(&self.pool)
        .await?;
        let mut staff = Vec::new();
        let mut guards = Vec::new();
        for r in &rows {
            if r.get::<&str, _>("category") == MemberCategory::Guard.code() {
                guards.push(self.guard_from_row(r)?);
            } else {
                staff.push(self.staff_from_row(r)?);
            }
        }
        let trainings = sqlx::query(&sql(&format!(
            "{TRAINING_SELECT} WHERE t.unit_id = ? ORDER BY t.trained_on DESC, t.created_at DESC"
        )))
        .bind(unit_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(training_from_row)
        .collect();
        let records = sqlx::query(&sql(
            "SELECT * FROM security_staff_records WHERE unit_id = ? ORDER BY occurred_on DESC, created_at DESC",
        ))
        .bind(unit_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(record_from_row)
        .collect();
        let history = sqlx::query(&sql(
            "SELECT * FROM security_staff_history WHERE unit_id = ? ORDER BY changed_at DESC, id DESC LIMIT 200",
        ))
        .bind(unit_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| StaffHistory {
            object_type: r.get("object_type"),
            object_id: r.get("object_id"),
            version: r.get("version"),
            action: r.get("action"),
            snapshot: r.get("snapshot"),
            changed_by: r.get("changed_by"),
            changed_at: from_ms(r.get("changed_at")),
        })
        .collect();
        Ok(UnitSecurityData {
            unit_name,
            is_key_unit,
            body,
            staff,
            guards,
            trainings,
            records,
            history,
        })
    }

    async fn save_security_body(
        &self,
        scope: &Scope,
        unit_id: &str,
        d: &BodyDraft,
        version: Option<i64>,
        by: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let mut tx = self.begin_write().await?;
        open_unit(&mut tx, scope, unit_id).await?;
        let current = sqlx::query(&sql("SELECT version, phone_enc FROM security_bodies WHERE unit_id = ?"))
            .bind(unit_id)
            .fetch_optional(&mut *tx)
            .await?;
        let phone_enc = match &d.phone {
            Some(p) => p
                .as_ref()
                .map(|p| self.cipher.encrypt(AAD_BODY_PHONE, p.clone().into_sensitive().expose())),
            None => current.as_ref().and_then(|r| r.get::<Option<String>, _>("phone_enc")),
        };
        let next = match (&current, version) {
            (None, None) => {
                sqlx::query(&sql(
                    "INSERT INTO security_bodies (unit_id, name, kind, head, established_on, phone_enc, version, updated_by, updated_at)
                     VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)",
                ))
                .bind(unit_id)
                .bind(&d.name)
                .bind(d.kind.code())
                .bind(&d.head)
                .bind(opt_str(d.established_on))
                .bind(&phone_enc)
                .bind(by)
                .bind(ms(now))
                .execute(&mut *tx)
                .await?;
                1
            }
            (Some(_), None) => return Err(StoreError::Conflict("本单位已登记保卫机构，请在原记录上修改".into())),
            (None, Some(_)) => return Err(StoreError::NotFound),
            (Some(r), Some(v)) => {
                if r.get::<i64, _>("version") != v {
                    return Err(stale("保卫机构").into());
                }
                sqlx::query(&sql(
                    "UPDATE security_bodies SET name = ?, kind = ?, head = ?, established_on = ?, phone_enc = ?, version = version + 1,
                     updated_by = ?, updated_at = ? WHERE unit_id = ? AND version = ?",
                ))
                .bind(&d.name)
                .bind(d.kind.code())
                .bind(&d.head)
                .bind(opt_str(d.established_on))
                .bind(&phone_enc)
                .bind(by)
                .bind(ms(now))
                .bind(unit_id)
                .bind(v)
                .execute(&mut *tx)
                .await?;
                v + 1
            }
        };
        let phone_masked = match &d.phone {
            Some(p) => p.as_ref().map(|p| p.clone().into_sensitive().masked()),
            None => phone_enc
                .as_deref()
                .map(|c| self.cipher.decrypt(AAD_BODY_PHONE, c).map(|p| mask(&p, 3, 4)))
                .transpose()?,
        };
        let snapshot = serde_json::json!({
            "name": d.name, "kind": d.kind.code(), "head": d.head,
            "established_on": opt_str(d.established_on), "phone": phone_masked,
        });
        let action = if next == 1 { "create" } else { "update" };
        history_in(&mut tx, unit_id, "body", unit_id, next, action, &snapshot, by, now).await?;
        let mut audit = audit.clone();
        audit.unit_id.get_or_insert_with(|| unit_id.to_string());
        append_in(&mut tx, &audit, now).await?;
        tx.commit().await?;
        Ok(next)
    }

    async fn add_security_member(
        &self,
        scope: &Scope,
        unit_id: &str,
        id: &str,
        d: &MemberDraft,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        open_unit(&mut tx, scope, unit_id).await?;
        let phone_enc = d
            .phone
            .clone()
            .flatten()
            .map(|p| self.cipher.encrypt(AAD_MEMBER_PHONE, p.into_sensitive().expose()));
        let category = if d.guard.is_some() {
            MemberCategory::Guard
        } else {
            MemberCategory::Staff
        };
        let g = d.guard.as_ref();
        let cid = g.and_then(|g| g.citizen_id.clone()).map(|c| c.into_sensitive());
        if g.is_some() && cid.is_none() {
            return Err(DomainError::with_message(ErrorCode::ValidationFailed, "请填写保安员的公民身份号码").into());
        }
        let bidx = cid
            .as_ref()
            .map(|c| self.cipher.blind_index(BIDX_CITIZEN_ID, c.expose()));
        if let Some(b) = &bidx {
            self.check_duplicate_guard(&mut tx, unit_id, id, b).await?;
        }
        sqlx::query(&sql(
            "INSERT INTO security_members (id, unit_id, category, name, post, full_time, phone_enc, on_duty, employment, company_name,
               company_licence_no, company_foreign_invested, certificate_no, citizen_id_enc, citizen_id_bidx, started_on, stopped_on,
               vetting, version, removed_at, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, NULL, ?)",
        ))
        .bind(id)
        .bind(unit_id)
        .bind(category.code())
        .bind(&d.name)
        .bind(&d.post)
        .bind(d.full_time)
        .bind(phone_enc)
        .bind(d.on_duty)
        .bind(g.map(|g| g.employment.code()))
        .bind(g.and_then(|g| g.company_name.clone()))
        .bind(g.and_then(|g| g.company_licence_no.clone()))
        .bind(g.is_some_and(|g| g.company_foreign_invested))
        .bind(g.and_then(|g| g.certificate_no.clone()))
        .bind(cid.as_ref().map(|c| self.cipher.encrypt(AAD_MEMBER_CITIZEN_ID, c.expose())))
        .bind(bidx)
        .bind(g.map(|g| g.started_on.to_string()))
        .bind(g.and_then(|g| opt_str(g.stopped_on)))
        .bind(g.map(|g| g.vetting.code()))
        .bind(ms(now))
        .execute(&mut *tx)
        .await?;
        history_in(
            &mut tx,
            unit_id,
            category.code(),
            id,
            1,
            "create",
            &member_snapshot(d),
            &audit.actor_name,
            now,
        )
        .await?;
        let mut audit = audit.clone();
        if audit.object_id.is_empty() {
            audit.object_id = id.to_string();
        }
        audit.unit_id.get_or_insert_with(|| unit_id.to_string());
        append_in(&mut tx, &audit, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn update_security_member(
        &self,
        scope: &Scope,
        unit_id: &str,
        id: &str,
        category: MemberCategory,
        version: i64,
        d: &MemberDraft,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        open_unit(&mut tx, scope, unit_id).await?;
        self.check_member_version(&mut tx, unit_id, id, category, version)
            .await?;
        let mut qb: QueryBuilder<'_, Db> = QueryBuilder::new("UPDATE security_members SET name = ");
        qb.push_bind(d.name.clone());
        qb.push(", post = ").push_bind(d.post.clone());
        qb.push(", full_time = ").push_bind(d.full_time);
        qb.push(", on_duty = ").push_bind(d.on_duty);
        if let Some(p) = &d.phone {
            let enc = p
                .clone()
                .map(|p| self.cipher.encrypt(AAD_MEMBER_PHONE, p.into_sensitive().expose()));
            qb.push(", phone_enc = ").push_bind(enc);
        }
        if let Some(g) = &d.guard {
            qb.push(", employment = ").push_bind(g.employment.code());
            qb.push(", company_name = ").push_bind(g.company_name.clone());
            qb.push(", company_licence_no = ")
                .push_bind(g.company_licence_no.clone());
            qb.push(", company_foreign_invested = ")
                .push_bind(g.company_foreign_invested);
            qb.push(", certificate_no = ").push_bind(g.certificate_no.clone());
            qb.push(", started_on = ").push_bind(g.started_on.to_string());
            qb.push(", stopped_on = ").push_bind(opt_str(g.stopped_on));
            qb.push(", vetting = ").push_bind(g.vetting.code());
            if let Some(c) = g.citizen_id.clone().map(|c| c.into_sensitive()) {
                let bidx = self.cipher.blind_index(BIDX_CITIZEN_ID, c.expose());
                self.check_duplicate_guard(&mut tx, unit_id, id, &bidx).await?;
                qb.push(", citizen_id_enc = ")
                    .push_bind(self.cipher.encrypt(AAD_MEMBER_CITIZEN_ID, c.expose()));
                qb.push(", citizen_id_bidx = ").push_bind(bidx);
            }
        }
        qb.push(", version = version + 1 WHERE id = ").push_bind(id.to_string());
        qb.push(" AND version = ").push_bind(version);
        let done = qb.build().execute(&mut *tx).await?;
        if done.rows_affected() != 1 {
            return Err(stale(category.label_zh()).into());
        }
        history_in(
            &mut tx,
            unit_id,
            category.code(),
            id,
            version + 1,
            "update",
            &member_snapshot(d),
            &audit.actor_name,
            now,
        )
        .await?;
        let mut audit = audit.clone();
        audit.unit_id.get_or_insert_with(|| unit_id.to_string());
        append_in(&mut tx, &audit, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn remove_security_member(
        &self,
        scope: &Scope,
        unit_id: &str,
        id: &str,
        category: MemberCategory,
        version: i64,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        open_unit(&mut tx, scope, unit_id).await?;
        self.check_member_version(&mut tx, unit_id, id, category, version)
            .await?;
        sqlx::query(&sql(
            "UPDATE security_members SET removed_at = ?, on_duty = ?, version = version + 1 WHERE id = ? AND version = ?",
        ))
        .bind(ms(now))
        .bind(false)
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await?;
        let snapshot = serde_json::json!({ "removed_at": now });
        history_in(
            &mut tx,
            unit_id,
            category.code(),
            id,
            version + 1,
            "remove",
            &snapshot,
            &audit.actor_name,
            now,
        )
        .await?;
        let mut audit = audit.clone();
        audit.unit_id.get_or_insert_with(|| unit_id.to_string());
        append_in(&mut tx, &audit, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn add_security_training(
        &self,
        scope: &Scope,
        t: &NewTraining,
        reminder: Option<&NewJob>,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        open_unit(&mut tx, scope, &t.unit_id).await?;
        let member: Option<i64> = sqlx::query_scalar(&sql(
            "SELECT COUNT(*) FROM security_members WHERE id = ? AND unit_id = ? AND removed_at IS NULL",
        ))
        .bind(&t.member_id)
        .bind(&t.unit_id)
        .fetch_optional(&mut *tx)
        .await?;
        if member.unwrap_or(0) == 0 {
            return Err(
                DomainError::with_message(ErrorCode::ValidationFailed, "请选择本单位名册上的保卫人员或保安员").into(),
            );
        }
        sqlx::query(&sql(
            "INSERT INTO security_trainings (id, unit_id, member_id, trained_on, topic, hours, exam_result, certificate_name,
               certificate_expires_on, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ))
        .bind(&t.id)
        .bind(&t.unit_id)
        .bind(&t.member_id)
        .bind(t.trained_on.to_string())
        .bind(&t.topic)
        .bind(t.hours)
        .bind(t.exam_result.code())
        .bind(&t.certificate_name)
        .bind(opt_str(t.certificate_expires_on))
        .bind(&t.created_by)
        .bind(ms(t.created_at))
        .execute(&mut *tx)
        .await?;
        if let Some(job) = reminder {
            super::jobs::insert_in(&mut tx, job, t.created_at).await?;
        }
        let mut audit = audit.clone();
        if audit.object_id.is_empty() {
            audit.object_id = t.id.clone();
        }
        audit.unit_id.get_or_insert_with(|| t.unit_id.clone());
        append_in(&mut tx, &audit, t.created_at).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn add_security_record(&self, scope: &Scope, r: &StaffRecord, audit: &AuditEntry) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        open_unit(&mut tx, scope, &r.unit_id).await?;
        if let Some(m) = &r.member_id {
            let n: i64 = sqlx::query_scalar(&sql(
                "SELECT COUNT(*) FROM security_members WHERE id = ? AND unit_id = ?",
            ))
            .bind(m)
            .bind(&r.unit_id)
            .fetch_one(&mut *tx)
            .await?;
            if n == 0 {
                return Err(DomainError::with_message(ErrorCode::ValidationFailed, "所选人员不在本单位名册上").into());
            }
        }
        sqlx::query(&sql(
            "INSERT INTO security_staff_records (id, unit_id, kind, member_id, subject, occurred_on, content, handling, result,
               created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ))
        .bind(&r.id)
        .bind(&r.unit_id)
        .bind(r.kind.code())
        .bind(&r.member_id)
        .bind(&r.subject)
        .bind(r.occurred_on.to_string())
        .bind(&r.content)
        .bind(&r.handling)
        .bind(&r.result)
        .bind(&r.created_by)
        .bind(ms(r.created_at))
        .execute(&mut *tx)
        .await?;
        let mut audit = audit.clone();
        if audit.object_id.is_empty() {
            audit.object_id = r.id.clone();
        }
        audit.unit_id.get_or_insert_with(|| r.unit_id.clone());
        append_in(&mut tx, &audit, r.created_at).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn security_training(&self, scope: &Scope, id: &str) -> StoreResult<Option<(Training, String, bool)>> {
        let mut qb = QueryBuilder::new(format!(
            "{TRAINING_SELECT} JOIN units u ON u.id = t.unit_id WHERE t.id = "
        ));
        qb.push_bind(id.to_string());
        push_scope(&mut qb, scope);
        let row = qb.build().fetch_optional(&self.pool).await?;
        let Some(r) = row else { return Ok(None) };
        let t = training_from_row(&r);
        let active = r.get::<Option<i64>, _>("member_removed_at").is_none();
        let (unit_name, _, _) = unit_in_scope(&self.pool, &Scope::All, &t.unit_id).await?;
        Ok(Some((t, unit_name, active)))
    }
}
