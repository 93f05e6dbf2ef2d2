//! SQL of supervision (compiled once per backend: see `crate::sqlite` and `crate::postgres`).

use super::common::{from_ms, ms, paged, push_scope};
use super::common::{json_or, opt_ms};
use super::db::{sql, Db, DbRow};
use super::store::Backend;
use crate::error::{StoreError, StoreResult};
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::documents::{format_number, DocumentDraft};
use neibao_domain::ids::new_id;
use neibao_domain::jobs::NewJob;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::supervision::checklist::{seed_items, Variant};
use neibao_domain::supervision::credit::EntryKind;
use neibao_domain::supervision::ladder::{Case, HazardClass, HazardSource, Phase};
use neibao_domain::supervision::{
    Campaign, CampaignProgress, ChecklistVersion, CreditRecord, Hazard, HazardFilter, HazardStep, HazardUpdate,
    Inspection, InspectionFilter, InspectionKind, InspectionRecord, InspectionStatus, ItemOutcome, NewCampaign,
    NewHazard, NewInspection, StandingFilter, SubmitInspection, UnitStanding, STANDINGS_CAP,
};
use sqlx::{QueryBuilder, Row};

fn checklist_from_row(r: &DbRow) -> ChecklistVersion {
    ChecklistVersion {
        id: r.get("id"),
        variant: Variant::from_code(r.get("variant")).unwrap_or(Variant::AllUnits),
        version: r.get("version"),
        title: r.get("title"),
        items: json_or(r.get("items"), Vec::new()),
        created_by: r.get("created_by"),
        created_at: from_ms(r.get("created_at")),
    }
}

const INSPECTION_COLUMNS: &str =
    "i.*, u.name AS unit_name, c.variant AS checklist_variant, c.version AS checklist_version";

const INSPECTION_FROM: &str =
    "FROM inspections i JOIN units u ON u.id = i.unit_id JOIN checklists c ON c.id = i.checklist_id WHERE 1=1";

fn inspection_from_row(r: &DbRow) -> Inspection {
    Inspection {
        id: r.get("id"),
        campaign_id: r.get("campaign_id"),
        unit_id: r.get("unit_id"),
        unit_name: r.get("unit_name"),
        checklist_id: r.get("checklist_id"),
        checklist_variant: Variant::from_code(r.get("checklist_variant")).unwrap_or(Variant::AllUnits),
        checklist_version: r.get("checklist_version"),
        kind: InspectionKind::from_code(r.get("kind")).unwrap_or(InspectionKind::Police),
        status: InspectionStatus::from_code(r.get("status")).unwrap_or(InspectionStatus::Planned),
        org_id: r.get("org_id"),
        assignee_id: r.get("assignee_id"),
        assignee_name: r.get("assignee_name"),
        due_at: opt_ms(r, "due_at"),
        record: json_or(r.get("record"), InspectionRecord::default()),
        results: json_or(r.get("results"), Vec::new()),
        score: r
            .get::<Option<String>, _>("score")
            .and_then(|s| serde_json::from_str(&s).ok()),
        created_at: from_ms(r.get("created_at")),
        updated_at: from_ms(r.get("updated_at")),
        submitted_at: opt_ms(r, "submitted_at"),
    }
}

const HAZARD_FROM: &str = "FROM hazards h JOIN units u ON u.id = h.unit_id WHERE 1=1";

fn hazard_from_row(r: &DbRow) -> Hazard {
    let phase = Phase::from_code(r.get("phase")).unwrap_or(Phase::Detected);
    Hazard {
        id: r.get("id"),
        unit_id: r.get("unit_id"),
        unit_name: r.get("unit_name"),
        source: HazardSource::from_code(r.get("source")).unwrap_or(HazardSource::Report),
        source_id: r.get("source_id"),
        inspection_id: r.get("inspection_id"),
        item_code: r.get("item_code"),
        class: HazardClass::from_code(r.get("class")).unwrap_or(HazardClass::General),
        title: r.get("title"),
        description: r.get("description"),
        phase,
        deadline: opt_ms(r, "deadline"),
        case_state: json_or(r.get("case_state"), Case::new()),
        version: r.get("version"),
        org_id: r.get("org_id"),
        created_at: from_ms(r.get("created_at")),
        updated_at: from_ms(r.get("updated_at")),
    }
}

fn step_from_row(r: &DbRow) -> HazardStep {
    HazardStep {
        id: r.get("id"),
        hazard_id: r.get("hazard_id"),
        seq: r.get("seq"),
        action: r.get("action"),
        from_phase: Phase::from_code(r.get("from_phase")).unwrap_or(Phase::Detected),
        to_phase: Phase::from_code(r.get("to_phase")).unwrap_or(Phase::Detected),
        actor_name: r.get("actor_name"),
        at: from_ms(r.get("at")),
        reason: r.get("reason"),
        legal_basis: r.get("legal_basis"),
        detail: json_or(r.get("detail"), serde_json::Value::Null),
        document_id: r.get("document_id"),
        document_number: r.get("document_number"),
    }
}

fn credit_from_row(r: &DbRow) -> CreditRecord {
    CreditRecord {
        id: r.get("id"),
        unit_id: r.get("unit_id"),
        kind: EntryKind::from_code(r.get("kind")).unwrap_or(EntryKind::Overdue),
        points: r.get("points"),
        source_id: r.get("source_id"),
        basis: r.get("basis"),
        reason: r.get("reason"),
        recorded_by: r.get("recorded_by"),
        recorded_at: from_ms(r.get("recorded_at")),
        expires_at: from_ms(r.get("expires_at")),
    }
}

type Tx = sqlx::Transaction<'static, Db>;

/// Numbers and inserts a document inside `tx`: the counter row of (organisation, kind, year) is
/// bumped in the same transaction, so numbers are unique and gapless.
async fn insert_document(tx: &mut Tx, d: &DocumentDraft, now: DateTime<Utc>) -> StoreResult<String> {
    let serial: i64 = sqlx::query_scalar(&sql(
        "INSERT INTO doc_counters (org_id, kind, year, last) VALUES (?, ?, ?, 1)
         ON CONFLICT (org_id, kind, year) DO UPDATE SET last = doc_counters.last + 1 RETURNING last",
    ))
    .bind(&d.org_id)
    .bind(d.kind.code())
    .bind(d.year as i64)
    .fetch_one(&mut **tx)
    .await?;
    let id = new_id();
    let number = format_number(&d.prefix, &d.department, d.kind, d.year, serial);
    sqlx::query(&sql(
        "INSERT INTO documents (id, kind, org_id, year, serial, number, unit_id, hazard_id, inspection_id, content, issued_by, issued_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    ))
    .bind(&id)
    .bind(d.kind.code())
    .bind(&d.org_id)
    .bind(d.year as i64)
    .bind(serial)
    .bind(&number)
    .bind(&d.unit_id)
    .bind(&d.hazard_id)
    .bind(&d.inspection_id)
    .bind(serde_json::to_string(&d.content).unwrap_or_default())
    .bind(&d.issued_by)
    .bind(ms(now))
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

async fn insert_hazard(tx: &mut Tx, h: &NewHazard, now: DateTime<Utc>) -> StoreResult<String> {
    let id = new_id();
    let case = Case::new();
    sqlx::query(&sql(
        "INSERT INTO hazards (id, unit_id, source, source_id, inspection_id, item_code, class, title, description, phase,
                              deadline, case_state, version, org_id, created_by, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, 0, ?, ?, ?, ?)",
    ))
    .bind(&id)
    .bind(&h.unit_id)
    .bind(h.source.code())
    .bind(&h.source_id)
    .bind(&h.inspection_id)
    .bind(&h.item_code)
    .bind(h.class.code())
    .bind(&h.title)
    .bind(&h.description)
    .bind(case.phase.code())
    .bind(serde_json::to_string(&case).unwrap_or_default())
    .bind(&h.org_id)
    .bind(&h.created_by)
    .bind(ms(now))
    .bind(ms(now))
    .execute(&mut **tx)
    .await?;
    sqlx::query(&sql(
        "INSERT INTO hazard_steps (id, hazard_id, seq, action, from_phase, to_phase, actor_id, actor_name, at, reason, legal_basis, detail)
         VALUES (?, ?, 1, 'detect', 'detected', 'detected', NULL, ?, ?, ?, '', '{}')",
    ))
    .bind(new_id())
    .bind(&id)
    .bind(&h.created_by)
    .bind(ms(now))
    .bind(h.source.label_zh())
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

async fn insert_job(tx: &mut Tx, job: &NewJob, now: DateTime<Utc>) -> StoreResult<()> {
    sqlx::query(&sql(
        "INSERT INTO scheduled_jobs (id, kind, subject_id, due_at, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (kind, subject_id, due_at) DO NOTHING",
    ))
    .bind(new_id())
    .bind(job.kind.code())
    .bind(&job.subject_id)
    .bind(ms(job.due_at))
    .bind(job.payload.to_string())
    .bind(ms(now))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn insert_inspection(tx: &mut Tx, i: &NewInspection, now: DateTime<Utc>) -> StoreResult<String> {
    let id = new_id();
    sqlx::query(&sql(
        "INSERT INTO inspections (id, campaign_id, unit_id, checklist_id, kind, status, org_id, assignee_id, assignee_name,
                                  due_at, record, results, created_by, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'planned', ?, ?, ?, ?, '{}', '[]', ?, ?, ?)",
    ))
    .bind(&id)
    .bind(&i.campaign_id)
    .bind(&i.unit_id)
    .bind(&i.checklist_id)
    .bind(i.kind.code())
    .bind(&i.org_id)
    .bind(&i.assignee_id)
    .bind(&i.assignee_name)
    .bind(i.due_at.map(ms))
    .bind(&i.created_by)
    .bind(ms(now))
    .bind(ms(now))
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

impl Backend {
    async fn insert_checklist(
        &self,
        variant: Variant,
        version: i64,
        title: &str,
        items: &[neibao_domain::supervision::checklist::ChecklistItem],
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<ChecklistVersion> {
        let id = new_id();
        sqlx::query(&sql(
            "INSERT INTO checklists (id, variant, version, title, items, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        ))
        .bind(&id)
        .bind(variant.code())
        .bind(version)
        .bind(title)
        .bind(serde_json::to_string(items).unwrap_or_default())
        .bind(by)
        .bind(ms(now))
        .execute(self.writer())
        .await?;
        self.get_checklist(&id).await
    }

    async fn campaign_progress(&self, scope: &Scope, id: &str, now: DateTime<Utc>) -> StoreResult<CampaignProgress> {
        let mut qb: QueryBuilder<'_, Db> = QueryBuilder::new(
            "SELECT i.status, COUNT(*) AS n, CAST(COALESCE(SUM(CASE WHEN i.status <> 'submitted' AND i.due_at < ",
        );
        qb.push_bind(ms(now))
            .push(" THEN 1 ELSE 0 END), 0) AS BIGINT) AS late FROM inspections i JOIN units u ON u.id = i.unit_id WHERE i.campaign_id = ")
            .push_bind(id.to_string());
        push_scope(&mut qb, scope);
        qb.push(" GROUP BY i.status");
        let rows = qb.build().fetch_all(&self.pool).await?;
        let mut p = CampaignProgress::default();
        for r in &rows {
            let n: i64 = r.get("n");
            p.total += n;
            p.late += r.get::<i64, _>("late");
            match InspectionStatus::from_code(r.get("status")) {
                Some(InspectionStatus::Planned) => p.planned += n,
                Some(InspectionStatus::InProgress) => p.in_progress += n,
                Some(InspectionStatus::Submitted) => p.submitted += n,
                None => {}
            }
        }
        let mut qb: QueryBuilder<'_, Db> = QueryBuilder::new(
            "SELECT COUNT(*) FROM hazards h JOIN inspections i ON i.id = h.inspection_id JOIN units u ON u.id = h.unit_id
             WHERE i.campaign_id = ",
        );
        qb.push_bind(id.to_string());
        push_scope(&mut qb, scope);
        p.hazards = qb.build_query_scalar().fetch_one(&self.pool).await?;
        Ok(p)
    }

    fn campaign_from_row(r: &DbRow) -> Campaign {
        Campaign {
            id: r.get("id"),
            title: r.get("title"),
            description: r.get("description"),
            org_id: r.get("org_id"),
            selection: json_or(r.get("selection"), serde_json::Value::Null),
            due_at: from_ms(r.get("due_at")),
            created_by_name: r.get("created_by_name"),
            created_at: from_ms(r.get("created_at")),
            progress: CampaignProgress::default(),
        }
    }
}

#[async_trait]
impl ChecklistRepo for Backend {
    async fn list_checklists(&self) -> StoreResult<Vec<ChecklistVersion>> {
        for v in Variant::ALL {
            self.latest_checklist(v).await?;
        }
        let rows = sqlx::query("SELECT * FROM checklists ORDER BY variant, version DESC")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(checklist_from_row).collect())
    }

    async fn get_checklist(&self, id: &str) -> StoreResult<ChecklistVersion> {
        let r = sqlx::query(&sql("SELECT * FROM checklists WHERE id = ?"))
            .bind(id)
            .fetch_one(&self.pool)
            .await?;
        Ok(checklist_from_row(&r))
    }

    /// The newest version of a variant; the seed of REQUIREMENTS.md §d becomes version 1 on first use.
    async fn latest_checklist(&self, variant: Variant) -> StoreResult<ChecklistVersion> {
        let row = sqlx::query(&sql(
            "SELECT * FROM checklists WHERE variant = ? ORDER BY version DESC LIMIT 1",
        ))
        .bind(variant.code())
        .fetch_optional(&self.pool)
        .await?;
        if let Some(r) = row {
            return Ok(checklist_from_row(&r));
        }
        match self
            .insert_checklist(
                variant,
                1,
                variant.label_zh(),
                &seed_items(variant),
                "系统预置",
                Utc::now(),
            )
            .await
        {
            Ok(c) => Ok(c),
            // Seeded by a concurrent request.
            Err(StoreError::Conflict(_)) => {
                let r = sqlx::query(&sql(
                    "SELECT * FROM checklists WHERE variant = ? ORDER BY version DESC LIMIT 1",
                ))
                .bind(variant.code())
                .fetch_one(&self.pool)
                .await?;
                Ok(checklist_from_row(&r))
            }
            Err(e) => Err(e),
        }
    }

    async fn add_checklist_version(
        &self,
        variant: Variant,
        title: &str,
        items: &[neibao_domain::supervision::checklist::ChecklistItem],
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<ChecklistVersion> {
        let latest = self.latest_checklist(variant).await?;
        self.insert_checklist(variant, latest.version + 1, title, items, by, now)
            .await
    }
}

#[async_trait]
impl CampaignRepo for Backend {
    async fn unit_standings(
        &self,
        scope: &Scope,
        f: &StandingFilter,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<UnitStanding>> {
        let mut qb: QueryBuilder<'_, Db> = QueryBuilder::new(
            "SELECT u.id, u.name, u.division_code, u.kind, u.is_key_unit, u.key_unit_category, u.is_counter_terror_target,
                    u.is_university,
                    (SELECT CAST(COALESCE(SUM(cr.points), 0) AS BIGINT) FROM credit_records cr
                      WHERE cr.unit_id = u.id AND cr.expires_at > ",
        );
        qb.push_bind(ms(now)).push(
            ") AS deductions,
                    (SELECT MAX(i.submitted_at) FROM inspections i
                      WHERE i.unit_id = u.id AND i.status = 'submitted' AND i.kind <> 'self') AS last_inspected,
                    (SELECT COUNT(*) FROM hazards h WHERE h.unit_id = u.id
                      AND h.phase NOT IN ('closed','fine_decided','criminal_transfer')) AS open_hazards
             FROM units u WHERE 1=1",
        );
        push_scope(&mut qb, scope);
        if let Some(p) = &f.division_prefix {
            qb.push(" AND u.division_code LIKE ")
                .push_bind(format!("{}%", super::common::escape_like(p)))
                .push(" ESCAPE '\\'");
        }
        if let Some(k) = &f.kind {
            qb.push(" AND u.kind = ").push_bind(k.clone());
        }
        if f.key_unit_only {
            qb.push(" AND u.is_key_unit = ").push_bind(true);
        }
        if let Some(c) = f.key_unit_category {
            qb.push(" AND u.key_unit_category = ").push_bind(c);
        }
        if f.counter_terror_only {
            qb.push(" AND u.is_counter_terror_target = ").push_bind(true);
        }
        if f.university_only {
            qb.push(" AND u.is_university = ").push_bind(true);
        }
        if let Some(id) = &f.unit_id {
            qb.push(" AND u.id = ").push_bind(id.clone());
        }
        qb.push(" ORDER BY u.division_code, u.name LIMIT ")
            .push_bind(STANDINGS_CAP);
        let rows = qb.build().fetch_all(&self.pool).await?;
        Ok(rows
            .iter()
            .map(|r| UnitStanding {
                unit_id: r.get("id"),
                unit_name: r.get("name"),
                division_code: r.get("division_code"),
                kind: r.get("kind"),
                is_key_unit: r.get("is_key_unit"),
                key_unit_category: r.get::<Option<i64>, _>("key_unit_category"),
                is_counter_terror_target: r.get("is_counter_terror_target"),
                is_university: r.get("is_university"),
                credit_deductions: r.get("deductions"),
                last_inspected_at: opt_ms(r, "last_inspected"),
                open_hazards: r.get("open_hazards"),
            })
            .collect())
    }

    async fn create_campaign(&self, c: &NewCampaign, now: DateTime<Utc>) -> StoreResult<String> {
        let id = new_id();
        let mut tx = self.begin_write().await?;
        sqlx::query(&sql(
            "INSERT INTO campaigns (id, title, description, org_id, selection, due_at, created_by, created_by_name, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ))
        .bind(&id)
        .bind(&c.title)
        .bind(&c.description)
        .bind(&c.org_id)
        .bind(c.selection.to_string())
        .bind(ms(c.due_at))
        .bind(&c.created_by)
        .bind(&c.created_by_name)
        .bind(ms(now))
        .execute(&mut *tx)
        .await?;
        for i in &c.inspections {
            let mut i = i.clone();
            i.campaign_id = Some(id.clone());
            insert_inspection(&mut tx, &i, now).await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    async fn list_campaigns(&self, scope: &Scope, page: Page, now: DateTime<Utc>) -> StoreResult<Listing<Campaign>> {
        let filters = |qb: &mut QueryBuilder<'_, Db>| {
            qb.push(
                " AND EXISTS (SELECT 1 FROM inspections i JOIN units u ON u.id = i.unit_id WHERE i.campaign_id = cp.id",
            );
            push_scope(qb, scope);
            qb.push(")");
        };
        let mut listing = paged(
            &self.pool,
            "FROM campaigns cp WHERE 1=1",
            "SELECT cp.* FROM campaigns cp WHERE 1=1",
            filters,
            "cp.created_at DESC, cp.id DESC",
            page,
            Self::campaign_from_row,
        )
        .await?;
        for c in &mut listing.items {
            c.progress = self.campaign_progress(scope, &c.id, now).await?;
        }
        Ok(listing)
    }

    async fn get_campaign(&self, scope: &Scope, id: &str, now: DateTime<Utc>) -> StoreResult<Campaign> {
        let r = sqlx::query(&sql("SELECT * FROM campaigns WHERE id = ?"))
            .bind(id)
            .fetch_one(&self.pool)
            .await?;
        let mut c = Self::campaign_from_row(&r);
        c.progress = self.campaign_progress(scope, id, now).await?;
        if c.progress.total == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(c)
    }
}

#[async_trait]
impl InspectionRepo for Backend {
    async fn create_inspection(&self, scope: &Scope, i: &NewInspection, now: DateTime<Utc>) -> StoreResult<Inspection> {
        self.unit_in_scope(scope, &i.unit_id).await?;
        let mut tx = self.begin_write().await?;
        let id = insert_inspection(&mut tx, i, now).await?;
        tx.commit().await?;
        self.get_inspection(scope, &id).await
    }

    async fn get_inspection(&self, scope: &Scope, id: &str) -> StoreResult<Inspection> {
        let mut qb: QueryBuilder<'_, Db> = QueryBuilder::new(format!("SELECT {INSPECTION_COLUMNS} {INSPECTION_FROM}"));
        qb.push(" AND i.id = ").push_bind(id.to_string());
        push_scope(&mut qb, scope);
        let r = qb
            .build()
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(inspection_from_row(&r))
    }

    async fn list_inspections(
        &self,
        scope: &Scope,
        f: &InspectionFilter,
        page: Page,
    ) -> StoreResult<Listing<Inspection>> {
        let filters = |qb: &mut QueryBuilder<'_, Db>| {
            push_scope(qb, scope);
            if let Some(c) = &f.campaign_id {
                qb.push(" AND i.campaign_id = ").push_bind(c.clone());
            }
            if let Some(u) = &f.unit_id {
                qb.push(" AND i.unit_id = ").push_bind(u.clone());
            }
            if let Some(s) = f.status {
                qb.push(" AND i.status = ").push_bind(s.code());
            }
            if let Some(a) = &f.assignee_id {
                qb.push(" AND i.assignee_id = ").push_bind(a.clone());
            }
        };
        paged(
            &self.pool,
            INSPECTION_FROM,
            &format!("SELECT {INSPECTION_COLUMNS} {INSPECTION_FROM}"),
            filters,
            "i.created_at DESC, i.id DESC",
            page,
            inspection_from_row,
        )
        .await
    }

    async fn save_inspection(
        &self,
        scope: &Scope,
        id: &str,
        record: &InspectionRecord,
        results: &[ItemOutcome],
        now: DateTime<Utc>,
    ) -> StoreResult<Inspection> {
        self.get_inspection(scope, id).await?;
        let done = sqlx::query(&sql(
            "UPDATE inspections SET record = ?, results = ?, status = 'in_progress', updated_at = ?
             WHERE id = ? AND status <> 'submitted'",
        ))
        .bind(serde_json::to_string(record).unwrap_or_default())
        .bind(serde_json::to_string(results).unwrap_or_default())
        .bind(ms(now))
        .bind(id)
        .execute(self.writer())
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict("inspection already submitted".into()));
        }
        self.get_inspection(scope, id).await
    }

    async fn submit_inspection(
        &self,
        scope: &Scope,
        id: &str,
        s: &SubmitInspection,
        now: DateTime<Utc>,
    ) -> StoreResult<(Inspection, Vec<String>, Option<String>)> {
        self.get_inspection(scope, id).await?;
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(&sql(
            "UPDATE inspections SET record = ?, results = ?, score = ?, status = 'submitted', updated_at = ?, submitted_at = ?
             WHERE id = ? AND status <> 'submitted'",
        ))
        .bind(serde_json::to_string(&s.record).unwrap_or_default())
        .bind(serde_json::to_string(&s.results).unwrap_or_default())
        .bind(serde_json::to_string(&s.score).unwrap_or_default())
        .bind(ms(now))
        .bind(ms(now))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict("inspection already submitted".into()));
        }
        let mut hazards = Vec::new();
        for h in &s.hazards {
            hazards.push(insert_hazard(&mut tx, h, now).await?);
        }
        let doc = match &s.document {
            Some(d) => Some(insert_document(&mut tx, d, now).await?),
            None => None,
        };
        tx.commit().await?;
        Ok((self.get_inspection(scope, id).await?, hazards, doc))
    }
}

#[async_trait]
impl HazardRepo for Backend {
    async fn create_hazard(&self, scope: &Scope, h: &NewHazard, now: DateTime<Utc>) -> StoreResult<Hazard> {
        self.unit_in_scope(scope, &h.unit_id).await?;
        let mut tx = self.begin_write().await?;
        let id = insert_hazard(&mut tx, h, now).await?;
        tx.commit().await?;
        self.get_hazard(scope, &id).await
    }

    async fn get_hazard(&self, scope: &Scope, id: &str) -> StoreResult<Hazard> {
        let mut qb: QueryBuilder<'_, Db> = QueryBuilder::new(format!("SELECT h.*, u.name AS unit_name {HAZARD_FROM}"));
        qb.push(" AND h.id = ").push_bind(id.to_string());
        push_scope(&mut qb, scope);
        let r = qb
            .build()
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(hazard_from_row(&r))
    }

    async fn list_hazards(&self, scope: &Scope, f: &HazardFilter, page: Page) -> StoreResult<Listing<Hazard>> {
        let filters = |qb: &mut QueryBuilder<'_, Db>| {
            push_scope(qb, scope);
            if let Some(u) = &f.unit_id {
                qb.push(" AND h.unit_id = ").push_bind(u.clone());
            }
            if let Some(p) = f.phase {
                qb.push(" AND h.phase = ").push_bind(p.code());
            }
            if f.open_only {
                qb.push(" AND h.phase NOT IN ('closed','fine_decided','criminal_transfer')");
            }
            if let Some(i) = &f.inspection_id {
                qb.push(" AND h.inspection_id = ").push_bind(i.clone());
            }
            if let Some(c) = f.class {
                qb.push(" AND h.class = ").push_bind(c.code());
            }
        };
        paged(
            &self.pool,
            HAZARD_FROM,
            &format!("SELECT h.*, u.name AS unit_name {HAZARD_FROM}"),
            filters,
            "CASE WHEN h.deadline IS NULL THEN 1 ELSE 0 END, h.deadline, h.created_at DESC, h.id",
            page,
            hazard_from_row,
        )
        .await
    }

    async fn hazard_steps(&self, scope: &Scope, id: &str) -> StoreResult<Vec<HazardStep>> {
        self.get_hazard(scope, id).await?;
        let rows = sqlx::query(&sql(
            "SELECT s.*, d.number AS document_number FROM hazard_steps s LEFT JOIN documents d ON d.id = s.document_id
             WHERE s.hazard_id = ? ORDER BY s.seq",
        ))
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(step_from_row).collect())
    }

    async fn update_hazard(
        &self,
        scope: &Scope,
        u: &HazardUpdate,
        now: DateTime<Utc>,
    ) -> StoreResult<(Hazard, HazardStep)> {
        self.get_hazard(scope, &u.hazard_id).await?;
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(&sql(
            "UPDATE hazards SET phase = ?, deadline = ?, case_state = ?, version = version + 1, updated_at = ?,
                                org_id = COALESCE(org_id, ?)
             WHERE id = ? AND version = ?",
        ))
        .bind(u.case_state.phase.code())
        .bind(u.case_state.deadline.map(ms))
        .bind(serde_json::to_string(&u.case_state).unwrap_or_default())
        .bind(ms(now))
        .bind(&u.org_id)
        .bind(&u.hazard_id)
        .bind(u.expected_version)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict("hazard changed meanwhile".into()));
        }
        let doc_id = match &u.document {
            Some(d) => Some(insert_document(&mut tx, d, now).await?),
            None => None,
        };
        // The version check above serializes the writers of one hazard, so the next sequence
        // number is read without another lock.
        let seq: i64 = sqlx::query_scalar(&sql(
            "SELECT CAST(COALESCE(MAX(seq), 0) + 1 AS BIGINT) FROM hazard_steps WHERE hazard_id = ?",
        ))
        .bind(&u.hazard_id)
        .fetch_one(&mut *tx)
        .await?;
        let step_id = new_id();
        sqlx::query(&sql(
            "INSERT INTO hazard_steps (id, hazard_id, seq, action, from_phase, to_phase, actor_id, actor_name, at, reason,
                                       legal_basis, detail, document_id, dedup_key)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ))
        .bind(&step_id)
        .bind(&u.hazard_id)
        .bind(seq)
        .bind(&u.step.action)
        .bind(u.from.code())
        .bind(u.case_state.phase.code())
        .bind(&u.step.actor_id)
        .bind(&u.step.actor_name)
        .bind(ms(now))
        .bind(&u.step.reason)
        .bind(&u.step.legal_basis)
        .bind(u.step.detail.to_string())
        .bind(&doc_id)
        .bind(&u.step.dedup_key)
        .execute(&mut *tx)
        .await?;
        if let Some(c) = &u.credit {
            sqlx::query(&sql(
                "INSERT INTO credit_records (id, unit_id, kind, points, source_id, basis, reason, recorded_by, recorded_at, expires_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ))
            .bind(new_id())
            .bind(&c.unit_id)
            .bind(c.kind.code())
            .bind(c.points)
            .bind(&c.source_id)
            .bind(&c.basis)
            .bind(&c.reason)
            .bind(&c.recorded_by)
            .bind(ms(now))
            .bind(ms(c.expires_at))
            .execute(&mut *tx)
            .await?;
        }
        for j in &u.jobs {
            insert_job(&mut tx, j, now).await?;
        }
        tx.commit().await?;
        let hazard = self.get_hazard(scope, &u.hazard_id).await?;
        let steps = self.hazard_steps(scope, &u.hazard_id).await?;
        let step = steps
            .into_iter()
            .find(|s| s.id == step_id)
            .ok_or(StoreError::NotFound)?;
        Ok((hazard, step))
    }
}

#[async_trait]
impl CreditRepo for Backend {
    async fn credit_records(&self, scope: &Scope, unit_id: &str) -> StoreResult<Vec<CreditRecord>> {
        self.unit_in_scope(scope, unit_id).await?;
        let rows = sqlx::query(&sql(
            "SELECT * FROM credit_records WHERE unit_id = ? ORDER BY recorded_at DESC, id DESC LIMIT 500",
        ))
        .bind(unit_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(credit_from_row).collect())
    }
}
