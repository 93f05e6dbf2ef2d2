//! SQL of the personal-information compliance records (compiled once per backend: see
//! `crate::sqlite` and `crate::postgres`). A data subject's contact is encrypted with the field
//! cipher (AAD `pi_subject_requests.contact`, covered by key rotation in `privacy/rotate.rs`) and
//! answered masked.

use super::audit::append_in;
use super::common::{escape_like, from_ms, ms, opt_ms, push_scope};
use super::db::{sql, Db, DbRow};
use super::store::Backend;
use crate::error::{StoreError, StoreResult};
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::{NaiveDate, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::compliance::working_days::is_overdue;
use neibao_domain::compliance::*;
use neibao_domain::error::{DomainError, ErrorCode};
use neibao_domain::sensitive::mask;
use sqlx::{QueryBuilder, Row};

const AAD_CONTACT: &str = "pi_subject_requests.contact";

/// ` AND <the row is visible to scope>` over the table aliased `c` (see the trait).
fn push_visible(qb: &mut QueryBuilder<'_, Db>, scope: &Scope, installation_visible: bool) {
    if matches!(scope, Scope::All) {
        return;
    }
    qb.push(" AND ((c.owner_kind = 'unit' AND EXISTS (SELECT 1 FROM units u WHERE u.id = c.unit_id");
    push_scope(qb, scope);
    qb.push("))");
    match scope {
        Scope::Division { prefix } => {
            qb.push(" OR (c.owner_kind = 'org' AND c.division_code LIKE ")
                .push_bind(format!("{}%", escape_like(prefix)))
                .push(" ESCAPE '\\')");
        }
        Scope::Station { org_id } => {
            qb.push(" OR (c.owner_kind = 'org' AND c.org_id = ")
                .push_bind(org_id.clone())
                .push(")");
        }
        _ => {}
    }
    if installation_visible {
        qb.push(" OR c.owner_kind = 'installation'");
    }
    qb.push(")");
}

fn owner_of(r: &DbRow) -> PiOwner {
    PiOwner {
        owner_kind: PiOwnerKind::from_code(r.get::<&str, _>("owner_kind")).unwrap_or(PiOwnerKind::Installation),
        unit_id: r.get("unit_id"),
        org_id: r.get("org_id"),
        owner_name: r.get("owner_name"),
        division_code: r.get("division_code"),
    }
}

fn date_of(r: &DbRow, col: &str) -> NaiveDate {
    NaiveDate::parse_from_str(r.get::<&str, _>(col), "%Y-%m-%d").unwrap_or_default()
}

fn activity_of(r: &DbRow) -> ProcessingActivity {
    let purpose = PiPurpose::from_code(r.get::<&str, _>("purpose")).unwrap_or(PiPurpose::Other);
    let legal_basis = PiLegalBasis::from_code(r.get::<&str, _>("legal_basis")).unwrap_or(PiLegalBasis::OtherLaw);
    let categories = categories_from_codes(r.get::<&str, _>("categories"));
    ProcessingActivity {
        id: r.get("id"),
        owner: owner_of(r),
        purpose,
        purpose_label: purpose.label_zh().into(),
        description: r.get("description"),
        legal_basis,
        legal_basis_label: legal_basis.label_zh().into(),
        sensitive: categories.iter().any(|c| c.sensitive()),
        categories,
        retention_days: r.get("retention_days"),
        recipients: r.get("recipients"),
        pia_ref: r.get("pia_ref"),
        seeded: r.get::<bool, _>("seeded"),
        updated_by: r.get("updated_by"),
        updated_at: from_ms(r.get("updated_at")),
        created_at: from_ms(r.get("created_at")),
    }
}

fn breach_of(r: &DbRow) -> Breach {
    let state = PiBreachState::from_code(r.get::<&str, _>("state")).unwrap_or(PiBreachState::Open);
    Breach {
        id: r.get("id"),
        owner: owner_of(r),
        title: r.get("title"),
        occurred_at: opt_ms(r, "occurred_at"),
        discovered_at: from_ms(r.get("discovered_at")),
        description: r.get("description"),
        categories: categories_from_codes(r.get::<&str, _>("categories")),
        affected_count: r.get("affected_count"),
        cause: r.get("cause"),
        possible_harm: r.get("possible_harm"),
        remedial_measures: r.get("remedial_measures"),
        individual_measures: r.get("individual_measures"),
        handler_contact: r.get("handler_contact"),
        state,
        state_label: state.label_zh().into(),
        authority_name: r.get("authority_name"),
        authority_notified_at: opt_ms(r, "authority_notified_at"),
        authority_notified_by: r.get("authority_notified_by"),
        individuals_method: r.get("individuals_method"),
        individuals_notified_at: opt_ms(r, "individuals_notified_at"),
        individuals_notified_by: r.get("individuals_notified_by"),
        closed_at: opt_ms(r, "closed_at"),
        closed_by: r.get("closed_by"),
        closure_note: r.get("closure_note"),
        created_by: r.get("created_by"),
        created_at: from_ms(r.get("created_at")),
    }
}

fn not_open(what: &str) -> StoreError {
    StoreError::Domain(DomainError::with_message(
        ErrorCode::InvalidTransition,
        format!("该{what}已办结，不能再修改"),
    ))
}

impl Backend {
    fn request_of(&self, r: &DbRow, today: NaiveDate) -> StoreResult<SubjectRequest> {
        let kind = PiRequestKind::from_code(r.get::<&str, _>("kind")).unwrap_or(PiRequestKind::Access);
        let state = PiRequestState::from_code(r.get::<&str, _>("state")).unwrap_or(PiRequestState::Open);
        let deadline = date_of(r, "deadline");
        let contact = match r.get::<Option<&str>, _>("contact_enc") {
            Some(enc) => mask(&self.cipher.decrypt(AAD_CONTACT, enc)?, 3, 4),
            None => String::new(),
        };
        Ok(SubjectRequest {
            id: r.get("id"),
            owner: owner_of(r),
            kind,
            kind_label: kind.label_zh().into(),
            subject_name: r.get("subject_name"),
            contact,
            content: r.get("content"),
            received_on: date_of(r, "received_on"),
            deadline,
            state,
            state_label: state.label_zh().into(),
            overdue: state == PiRequestState::Open && is_overdue(deadline, today),
            handler: r.get("handler"),
            reply: r.get("reply"),
            refusal_reasons: r.get("refusal_reasons"),
            closed_at: opt_ms(r, "closed_at"),
            closed_by: r.get("closed_by"),
            created_by: r.get("created_by"),
            created_at: from_ms(r.get("created_at")),
        })
    }
}

fn created(audit: &AuditEntry, id: &str) -> AuditEntry {
    let mut a = audit.clone();
    if a.object_id.is_empty() {
        a.object_id = id.to_string();
    }
    a
}

#[async_trait]
impl ComplianceRepo for Backend {
    async fn list_pi_activities(&self, scope: &Scope) -> StoreResult<Vec<ProcessingActivity>> {
        let mut qb = QueryBuilder::new("SELECT c.* FROM pi_activities c WHERE 1=1");
        push_visible(&mut qb, scope, true);
        qb.push(
            " ORDER BY CASE c.owner_kind WHEN 'installation' THEN 0 ELSE 1 END, c.owner_name, c.purpose, c.id LIMIT 1000",
        );
        let rows = qb.build().fetch_all(&self.pool).await?;
        Ok(rows.iter().map(activity_of).collect())
    }

    async fn pi_activity(&self, scope: &Scope, id: &str) -> StoreResult<Option<ProcessingActivity>> {
        let mut qb = QueryBuilder::new("SELECT c.* FROM pi_activities c WHERE c.id = ");
        qb.push_bind(id.to_string());
        push_visible(&mut qb, scope, true);
        Ok(qb.build().fetch_optional(&self.pool).await?.as_ref().map(activity_of))
    }

    async fn insert_pi_activity(&self, a: &ProcessingActivity, audit: &AuditEntry) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(&sql(
            "INSERT INTO pi_activities (id, owner_kind, unit_id, org_id, owner_name, division_code, purpose, description, \
             legal_basis, categories, retention_days, recipients, pia_ref, seeded, updated_by, updated_at, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ))
        .bind(&a.id)
        .bind(a.owner.owner_kind.code())
        .bind(&a.owner.unit_id)
        .bind(&a.owner.org_id)
        .bind(&a.owner.owner_name)
        .bind(&a.owner.division_code)
        .bind(a.purpose.code())
        .bind(&a.description)
        .bind(a.legal_basis.code())
        .bind(categories_to_codes(&a.categories))
        .bind(a.retention_days)
        .bind(&a.recipients)
        .bind(&a.pia_ref)
        .bind(a.seeded)
        .bind(&a.updated_by)
        .bind(ms(a.updated_at))
        .bind(ms(a.created_at))
        .execute(&mut *tx)
        .await?;
        append_in(&mut tx, &created(audit, &a.id), a.created_at).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn update_pi_activity(&self, a: &ProcessingActivity, audit: &AuditEntry) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(&sql(
            "UPDATE pi_activities SET purpose = ?, description = ?, legal_basis = ?, categories = ?, retention_days = ?, \
             recipients = ?, pia_ref = ?, updated_by = ?, updated_at = ? WHERE id = ?",
        ))
        .bind(a.purpose.code())
        .bind(&a.description)
        .bind(a.legal_basis.code())
        .bind(categories_to_codes(&a.categories))
        .bind(a.retention_days)
        .bind(&a.recipients)
        .bind(&a.pia_ref)
        .bind(&a.updated_by)
        .bind(ms(a.updated_at))
        .bind(&a.id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        append_in(&mut tx, audit, a.updated_at).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn list_subject_requests(
        &self,
        scope: &Scope,
        f: &SubjectRequestFilter,
        today: NaiveDate,
    ) -> StoreResult<Vec<SubjectRequest>> {
        let mut qb = QueryBuilder::new("SELECT c.* FROM pi_subject_requests c WHERE 1=1");
        push_visible(&mut qb, scope, false);
        if let Some(s) = f.state {
            qb.push(" AND c.state = ").push_bind(s.code());
        }
        if f.overdue {
            qb.push(" AND c.state = 'open' AND c.deadline < ")
                .push_bind(today.format("%Y-%m-%d").to_string());
        }
        qb.push(" ORDER BY c.received_on DESC, c.created_at DESC, c.id LIMIT 1000");
        let rows = qb.build().fetch_all(&self.pool).await?;
        rows.iter().map(|r| self.request_of(r, today)).collect()
    }

    async fn subject_request(&self, scope: &Scope, id: &str, today: NaiveDate) -> StoreResult<Option<SubjectRequest>> {
        let mut qb = QueryBuilder::new("SELECT c.* FROM pi_subject_requests c WHERE c.id = ");
        qb.push_bind(id.to_string());
        push_visible(&mut qb, scope, false);
        match qb.build().fetch_optional(&self.pool).await? {
            Some(r) => Ok(Some(self.request_of(&r, today)?)),
            None => Ok(None),
        }
    }

    async fn insert_subject_request(&self, r: &SubjectRequest, contact: &str, audit: &AuditEntry) -> StoreResult<()> {
        let enc = (!contact.is_empty()).then(|| self.cipher.encrypt(AAD_CONTACT, contact));
        let mut tx = self.begin_write().await?;
        sqlx::query(&sql(
            "INSERT INTO pi_subject_requests (id, owner_kind, unit_id, org_id, owner_name, division_code, kind, subject_name, \
             contact_enc, content, received_on, deadline, state, handler, reply, refusal_reasons, closed_at, closed_by, \
             created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', '', NULL, NULL, ?, ?)",
        ))
        .bind(&r.id)
        .bind(r.owner.owner_kind.code())
        .bind(&r.owner.unit_id)
        .bind(&r.owner.org_id)
        .bind(&r.owner.owner_name)
        .bind(&r.owner.division_code)
        .bind(r.kind.code())
        .bind(&r.subject_name)
        .bind(enc)
        .bind(&r.content)
        .bind(r.received_on.format("%Y-%m-%d").to_string())
        .bind(r.deadline.format("%Y-%m-%d").to_string())
        .bind(r.state.code())
        .bind(&r.handler)
        .bind(&r.created_by)
        .bind(ms(r.created_at))
        .execute(&mut *tx)
        .await?;
        append_in(&mut tx, &created(audit, &r.id), r.created_at).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn close_subject_request(&self, r: &SubjectRequest, audit: &AuditEntry) -> StoreResult<()> {
        let at = r.closed_at.unwrap_or_else(Utc::now);
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(&sql(
            "UPDATE pi_subject_requests SET state = ?, handler = ?, reply = ?, refusal_reasons = ?, closed_at = ?, \
             closed_by = ? WHERE id = ? AND state = 'open'",
        ))
        .bind(r.state.code())
        .bind(&r.handler)
        .bind(&r.reply)
        .bind(&r.refusal_reasons)
        .bind(ms(at))
        .bind(&r.closed_by)
        .bind(&r.id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(not_open("请求"));
        }
        append_in(&mut tx, audit, at).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn list_breaches(&self, scope: &Scope) -> StoreResult<Vec<Breach>> {
        let mut qb = QueryBuilder::new("SELECT c.* FROM pi_breaches c WHERE 1=1");
        push_visible(&mut qb, scope, false);
        qb.push(" ORDER BY c.discovered_at DESC, c.id LIMIT 1000");
        let rows = qb.build().fetch_all(&self.pool).await?;
        Ok(rows.iter().map(breach_of).collect())
    }

    async fn breach(&self, scope: &Scope, id: &str) -> StoreResult<Option<Breach>> {
        let mut qb = QueryBuilder::new("SELECT c.* FROM pi_breaches c WHERE c.id = ");
        qb.push_bind(id.to_string());
        push_visible(&mut qb, scope, false);
        Ok(qb.build().fetch_optional(&self.pool).await?.as_ref().map(breach_of))
    }

    async fn insert_breach(&self, b: &Breach, audit: &AuditEntry) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(&sql(
            "INSERT INTO pi_breaches (id, owner_kind, unit_id, org_id, owner_name, division_code, title, occurred_at, \
             discovered_at, description, categories, affected_count, cause, possible_harm, remedial_measures, \
             individual_measures, handler_contact, state, authority_name, authority_notified_at, authority_notified_by, \
             individuals_method, individuals_notified_at, individuals_notified_by, closed_at, closed_by, closure_note, \
             created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', NULL, NULL, '', NULL, \
             NULL, NULL, NULL, '', ?, ?)",
        ))
        .bind(&b.id)
        .bind(b.owner.owner_kind.code())
        .bind(&b.owner.unit_id)
        .bind(&b.owner.org_id)
        .bind(&b.owner.owner_name)
        .bind(&b.owner.division_code)
        .bind(&b.title)
        .bind(b.occurred_at.map(ms))
        .bind(ms(b.discovered_at))
        .bind(&b.description)
        .bind(categories_to_codes(&b.categories))
        .bind(b.affected_count)
        .bind(&b.cause)
        .bind(&b.possible_harm)
        .bind(&b.remedial_measures)
        .bind(&b.individual_measures)
        .bind(&b.handler_contact)
        .bind(b.state.code())
        .bind(&b.created_by)
        .bind(ms(b.created_at))
        .execute(&mut *tx)
        .await?;
        append_in(&mut tx, &created(audit, &b.id), b.created_at).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn update_breach(&self, b: &Breach, audit: &AuditEntry) -> StoreResult<()> {
        let at = Utc::now();
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(&sql(
            "UPDATE pi_breaches SET title = ?, occurred_at = ?, discovered_at = ?, description = ?, categories = ?, \
             affected_count = ?, cause = ?, possible_harm = ?, remedial_measures = ?, individual_measures = ?, \
             handler_contact = ?, state = ?, authority_name = ?, authority_notified_at = ?, authority_notified_by = ?, \
             individuals_method = ?, individuals_notified_at = ?, individuals_notified_by = ?, closed_at = ?, \
             closed_by = ?, closure_note = ? WHERE id = ? AND state = 'open'",
        ))
        .bind(&b.title)
        .bind(b.occurred_at.map(ms))
        .bind(ms(b.discovered_at))
        .bind(&b.description)
        .bind(categories_to_codes(&b.categories))
        .bind(b.affected_count)
        .bind(&b.cause)
        .bind(&b.possible_harm)
        .bind(&b.remedial_measures)
        .bind(&b.individual_measures)
        .bind(&b.handler_contact)
        .bind(b.state.code())
        .bind(&b.authority_name)
        .bind(b.authority_notified_at.map(ms))
        .bind(&b.authority_notified_by)
        .bind(&b.individuals_method)
        .bind(b.individuals_notified_at.map(ms))
        .bind(&b.individuals_notified_by)
        .bind(b.closed_at.map(ms))
        .bind(&b.closed_by)
        .bind(&b.closure_note)
        .bind(&b.id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(not_open("事件"));
        }
        append_in(&mut tx, audit, at).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn set_compliance_settings(&self, s: &ComplianceSettings, audit: &AuditEntry) -> StoreResult<()> {
        let value = serde_json::to_string(s).map_err(|e| StoreError::Other(e.into()))?;
        let mut tx = self.begin_write().await?;
        sqlx::query(&sql(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        ))
        .bind(SETTINGS_KEY)
        .bind(value)
        .execute(&mut *tx)
        .await?;
        append_in(&mut tx, audit, Utc::now()).await?;
        tx.commit().await?;
        Ok(())
    }
}
