//! SQL of the biennial safety assessment (compiled once per backend: see `crate::sqlite` and
//! `crate::postgres`).

use super::audit::append_in;
use super::common::{escape_like, from_ms, ms, opt_ms, paged, push_assessment_scope, push_scope, AssessmentReach};
use super::db::{sql, Db, DbRow};
use super::store::Backend;
use super::supervision::insert_hazard;
use crate::assessment::{AssessedUnit, AssessmentRepo};
use crate::error::{StoreError, StoreResult};
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use neibao_domain::access::Scope;
use neibao_domain::assessment::*;
use neibao_domain::audit::AuditEntry;
use neibao_domain::error::{DomainError, ErrorCode};
use neibao_domain::paging::{Listing, Page};
use neibao_domain::supervision::checklist::Variant;
use sqlx::{QueryBuilder, Row};

const SELECT: &str =
    "SELECT a.*, u.name AS unit_name FROM assessments a JOIN units u ON u.id = a.unit_id WHERE a.id = ";

fn from_row(r: &DbRow) -> Assessment {
    let items: Vec<SheetItem> = serde_json::from_str(r.get::<&str, _>("items")).unwrap_or_default();
    let outcome_cases: i64 = r.get("outcome_cases");
    Assessment {
        id: r.get("id"),
        campaign_id: r.get("campaign_id"),
        unit_id: r.get("unit_id"),
        unit_name: r.get("unit_name"),
        assessor: AssessorKind::from_code(r.get::<&str, _>("assessor")).unwrap_or(AssessorKind::Police),
        assessor_org: r.get("assessor_org"),
        assessor_org_id: r.get("assessor_org_id"),
        checklist_id: r.get("checklist_id"),
        variant: Variant::from_code(r.get::<&str, _>("variant")).unwrap_or(Variant::AllUnits),
        period_from: from_ms(r.get("period_from")),
        period_to: from_ms(r.get("period_to")),
        state: AssessmentState::from_code(r.get::<&str, _>("state")).unwrap_or(AssessmentState::Draft),
        result: result(&items, outcome_cases),
        items,
        outcome_cases,
        created_by: r.get("created_by"),
        created_at: from_ms(r.get("created_at")),
        submitted_at: opt_ms(r, "submitted_at"),
        signed_by: r.get("signed_by"),
        signed_at: opt_ms(r, "signed_at"),
        escalation_hazard_id: r.get("escalation_hazard_id"),
        escalation_trigger: r.get("escalation_trigger"),
        version: r.get("version"),
    }
}

fn campaign_from_row(r: &DbRow) -> AssessmentCampaign {
    AssessmentCampaign {
        id: r.get("id"),
        title: r.get("title"),
        assessor: AssessorKind::from_code(r.get::<&str, _>("assessor")).unwrap_or(AssessorKind::Police),
        assessor_org: r.get("assessor_org"),
        assessor_org_id: r.get("assessor_org_id"),
        org_id: r.get("org_id"),
        division_prefix: r.get("division_prefix"),
        department_id: r.get("department_id"),
        unit_kind: r.get("unit_kind"),
        created_by: r.get("created_by"),
        created_at: from_ms(r.get("created_at")),
        started: r.get("started"),
        signed: r.get("signed"),
    }
}

const CAMPAIGN_SELECT: &str = "SELECT c.*, \
     (SELECT COUNT(*) FROM assessments a WHERE a.campaign_id = c.id) AS started, \
     (SELECT COUNT(*) FROM assessments a WHERE a.campaign_id = c.id AND a.state = 'signed') AS signed \
     FROM assessment_campaigns c WHERE 1=1";

/// The units a campaign concerns (alias `u`).
fn push_campaign_units(
    qb: &mut QueryBuilder<'_, Db>,
    c_division: &str,
    c_station: Option<&str>,
    c_dept: Option<&str>,
    c_kind: Option<&str>,
) {
    if !c_division.is_empty() {
        qb.push(" AND u.division_code LIKE ")
            .push_bind(format!("{}%", escape_like(c_division)))
            .push(" ESCAPE '\\'");
    }
    if let Some(s) = c_station {
        qb.push(" AND u.police_station_id = ").push_bind(s.to_string());
    }
    if let Some(d) = c_dept {
        qb.push(" AND u.competent_department_id = ").push_bind(d.to_string());
    }
    if let Some(k) = c_kind {
        qb.push(" AND u.kind = ").push_bind(k.to_string());
    }
}

/// A campaign is in scope when it concerns a unit of the scope.
fn push_campaign_scope(qb: &mut QueryBuilder<'_, Db>, scope: &Scope) {
    if matches!(scope, Scope::All) {
        return;
    }
    if matches!(scope, Scope::Assessor { .. }) {
        // A third-party assessor: the campaigns it has units assigned in.
        push_assessment_scope(qb, scope, AssessmentReach::Campaigns("c"));
        return;
    }
    qb.push(
        " AND EXISTS (SELECT 1 FROM units u WHERE u.division_code LIKE c.division_prefix || '%' \
         AND (c.station_id IS NULL OR u.police_station_id = c.station_id) \
         AND (c.department_id IS NULL OR u.competent_department_id = c.department_id) \
         AND (c.unit_kind IS NULL OR u.kind = c.unit_kind)",
    );
    push_scope(qb, scope);
    qb.push(")");
}

fn stale() -> StoreError {
    DomainError::with_message(ErrorCode::VersionConflict, "评估表已被他人修改，请刷新后重试").into()
}

impl Backend {
    async fn assessment_in<'e, E>(&self, exec: E, scope: &Scope, id: &str) -> StoreResult<Option<Assessment>>
    where
        E: sqlx::Executor<'e, Database = Db>,
    {
        let mut qb = QueryBuilder::new(SELECT);
        qb.push_bind(id.to_string());
        push_assessment_scope(&mut qb, scope, AssessmentReach::Assessments("a"));
        Ok(qb.build().fetch_optional(exec).await?.as_ref().map(from_row))
    }

    async fn campaign_station(&self, id: &str) -> StoreResult<Option<String>> {
        Ok(
            sqlx::query(&sql("SELECT station_id FROM assessment_campaigns WHERE id = ?"))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?
                .and_then(|r| r.get::<Option<String>, _>("station_id")),
        )
    }
}

#[async_trait]
impl AssessmentRepo for Backend {
    async fn assessed_unit(&self, scope: &Scope, unit_id: &str) -> StoreResult<AssessedUnit> {
        let mut qb = QueryBuilder::new(
            "SELECT u.name, u.kind, u.is_university, u.is_counter_terror_target, u.is_key_unit, u.state, \
             u.police_station_id FROM units u WHERE u.id = ",
        );
        qb.push_bind(unit_id.to_string());
        push_assessment_scope(&mut qb, scope, AssessmentReach::Units);
        let r = qb
            .build()
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(AssessedUnit {
            name: r.get("name"),
            kind: r.get("kind"),
            university: r.get::<bool, _>("is_university"),
            counter_terror: r.get::<bool, _>("is_counter_terror_target"),
            key_unit: r.get::<bool, _>("is_key_unit"),
            closed: r.get::<&str, _>("state") == "closed",
            station_id: r.get("police_station_id"),
        })
    }

    async fn unit_figures(&self, unit_id: &str, from: DateTime<Utc>, to: DateTime<Utc>) -> StoreResult<UnitFigures> {
        let online_since = ms(to - Duration::hours(24));
        let d = sqlx::query(&sql(
            "SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN last_seen_at >= ? THEN 1 ELSE 0 END), 0) AS online \
             FROM devices WHERE unit_id = ? AND state = 'active'",
        ))
        .bind(online_since)
        .bind(unit_id)
        .fetch_one(&self.pool)
        .await?;
        let tamper: i64 = sqlx::query_scalar(&sql(
            "SELECT COUNT(*) FROM events WHERE unit_id = ? AND kind = 'video.tamper' AND received_at >= ? AND received_at <= ?",
        ))
        .bind(unit_id)
        .bind(ms(from))
        .bind(ms(to))
        .fetch_one(&self.pool)
        .await?;
        let overdue: i64 = sqlx::query_scalar(&sql(
            "SELECT COUNT(*) FROM hazards WHERE unit_id = ? AND phase = 'overdue'",
        ))
        .bind(unit_id)
        .fetch_one(&self.pool)
        .await?;
        let mut closures: Vec<i64> = sqlx::query_scalar(&sql(
            "SELECT updated_at - created_at FROM hazards WHERE unit_id = ? AND phase = 'closed' \
             AND updated_at >= ? AND updated_at <= ?",
        ))
        .bind(unit_id)
        .bind(ms(from))
        .bind(ms(to))
        .fetch_all(&self.pool)
        .await?;
        closures.sort_unstable();
        let median_ms = match closures.len() {
            0 => None,
            n if n % 2 == 1 => Some(closures[n / 2] as f64),
            n => Some((closures[n / 2 - 1] + closures[n / 2]) as f64 / 2.0),
        };
        let drills: i64 = sqlx::query_scalar(&sql(
            "SELECT COUNT(*) FROM drills WHERE unit_id = ? AND started_at >= ? AND started_at <= ?",
        ))
        .bind(unit_id)
        .bind(ms(from))
        .bind(ms(to))
        .fetch_one(&self.pool)
        .await?;
        // Awareness activities (心防) of the 365 days up to the period's end, by Beijing date.
        let bj = |t: DateTime<Utc>| (t + Duration::hours(8)).date_naive().format("%Y-%m-%d").to_string();
        let education_last_year: i64 = sqlx::query_scalar(&sql(
            "SELECT COUNT(*) FROM education_activities WHERE unit_id = ? AND held_on >= ? AND held_on <= ?",
        ))
        .bind(unit_id)
        .bind(bj(to - Duration::days(365)))
        .bind(bj(to))
        .fetch_one(&self.pool)
        .await?;
        // Visits of the gate (docs/VISITORS.md) checked in during the period: item U4 (R87).
        let v = sqlx::query(&sql("SELECT COUNT(*) AS n, COUNT(checked_out_at) AS exited, \
             COALESCE(SUM(CASE WHEN checked_out_at IS NULL AND checked_in_at < ? THEN 1 ELSE 0 END), 0) AS open \
             FROM visits WHERE unit_id = ? AND checked_in_at >= ? AND checked_in_at <= ?"))
        .bind(ms(to - Duration::hours(24)))
        .bind(unit_id)
        .bind(ms(from))
        .bind(ms(to))
        .fetch_one(&self.pool)
        .await?;
        Ok(UnitFigures {
            devices: d.get("n"),
            devices_online: d.get("online"),
            tamper_events: tamper,
            hazards_overdue: overdue,
            hazards_closed: closures.len() as i64,
            median_closure_days: median_ms.map(|m| (m / 86_400_000.0 * 10.0).round() / 10.0),
            drills,
            education_last_year,
            visits_entered: v.get("n"),
            visits_exited: v.get("exited"),
            visits_without_exit: v.get("open"),
        })
    }

    async fn create_assessment_campaign(
        &self,
        c: &NewAssessmentCampaign,
        station_id: Option<&str>,
        audit: &AuditEntry,
    ) -> StoreResult<AssessmentCampaign> {
        let mut tx = self.begin_write().await?;
        sqlx::query(&sql(
            "INSERT INTO assessment_campaigns (id, title, assessor, assessor_org, division_prefix, station_id, \
             department_id, unit_kind, org_id, created_by, created_at, assessor_org_id) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ))
        .bind(&c.id)
        .bind(&c.title)
        .bind(c.assessor.code())
        .bind(&c.assessor_org)
        .bind(&c.division_prefix)
        .bind(station_id)
        .bind(&c.department_id)
        .bind(&c.unit_kind)
        .bind(&c.org_id)
        .bind(&c.created_by)
        .bind(ms(c.at))
        .bind(&c.assessor_org_id)
        .execute(&mut *tx)
        .await?;
        let mut a = audit.clone();
        if a.object_id.is_empty() {
            a.object_id = c.id.clone();
        }
        append_in(&mut tx, &a, c.at).await?;
        tx.commit().await?;
        Ok(AssessmentCampaign {
            id: c.id.clone(),
            title: c.title.clone(),
            assessor: c.assessor,
            assessor_org: c.assessor_org.clone(),
            assessor_org_id: c.assessor_org_id.clone(),
            org_id: c.org_id.clone(),
            division_prefix: c.division_prefix.clone(),
            department_id: c.department_id.clone(),
            unit_kind: c.unit_kind.clone(),
            created_by: c.created_by.clone(),
            created_at: c.at,
            started: 0,
            signed: 0,
        })
    }

    async fn assessment_campaign(&self, scope: &Scope, id: &str) -> StoreResult<Option<AssessmentCampaign>> {
        let mut qb = QueryBuilder::new(format!("{CAMPAIGN_SELECT} AND c.id = "));
        qb.push_bind(id.to_string());
        push_campaign_scope(&mut qb, scope);
        Ok(qb
            .build()
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(campaign_from_row))
    }

    async fn assessment_campaigns(&self, scope: &Scope, page: Page) -> StoreResult<Listing<AssessmentCampaign>> {
        paged(
            &self.pool,
            "FROM assessment_campaigns c WHERE 1=1",
            CAMPAIGN_SELECT,
            |qb| push_campaign_scope(qb, scope),
            "c.created_at DESC, c.id DESC",
            page,
            campaign_from_row,
        )
        .await
    }

    async fn assessment_due_units(
        &self,
        scope: &Scope,
        campaign: Option<&AssessmentCampaign>,
        only_due: bool,
        now: DateTime<Utc>,
        page: Page,
    ) -> StoreResult<Listing<DueUnit>> {
        let station = match campaign {
            Some(c) => self.campaign_station(&c.id).await?,
            None => None,
        };
        let last = "(SELECT MAX(a.signed_at) FROM assessments a WHERE a.unit_id = u.id AND a.state = 'signed')";
        let due_line = ms(now - Duration::days(CYCLE_DAYS - DUE_WINDOW_DAYS));
        let filters = |qb: &mut QueryBuilder<'_, Db>| {
            push_assessment_scope(qb, scope, AssessmentReach::Units);
            if let Some(c) = campaign {
                push_campaign_units(
                    qb,
                    &c.division_prefix,
                    station.as_deref(),
                    c.department_id.as_deref(),
                    c.unit_kind.as_deref(),
                );
            }
            if only_due {
                qb.push(format!(" AND ({last} IS NULL OR {last} <= "))
                    .push_bind(due_line)
                    .push(")");
            }
        };
        let from = "FROM units u WHERE u.state <> 'closed'";
        let select = format!(
            "SELECT u.id, u.name, u.division_code, {last} AS last_signed, \
             (SELECT a.total FROM assessments a WHERE a.unit_id = u.id AND a.state = 'signed' \
              ORDER BY a.signed_at DESC LIMIT 1) AS last_total {from}"
        );
        paged(
            &self.pool,
            from,
            &select,
            filters,
            "last_signed NULLS FIRST, u.name, u.id",
            page,
            |r| {
                let last = opt_ms(r, "last_signed");
                let status = CycleStatus::of(last, now);
                DueUnit {
                    unit_id: r.get("id"),
                    unit_name: r.get("name"),
                    division_code: r.get("division_code"),
                    last_signed_at: last,
                    last_total: r.get("last_total"),
                    due_at: last.map(|t| t + Duration::days(CYCLE_DAYS)),
                    status,
                    status_label: status.label_zh().into(),
                }
            },
        )
        .await
    }

    async fn create_assessment(&self, scope: &Scope, a: &NewAssessment, audit: &AuditEntry) -> StoreResult<Assessment> {
        let mut tx = self.begin_write().await?;
        let mut qb = QueryBuilder::new("SELECT u.id FROM units u WHERE u.id = ");
        qb.push_bind(a.unit_id.clone());
        push_assessment_scope(&mut qb, scope, AssessmentReach::Units);
        qb.build().fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?;
        let open: Option<String> = sqlx::query_scalar(&sql(
            "SELECT id FROM assessments WHERE unit_id = ? AND state <> 'signed'",
        ))
        .bind(&a.unit_id)
        .fetch_optional(&mut *tx)
        .await?;
        if open.is_some() {
            return Err(DomainError::with_message(
                ErrorCode::Conflict,
                "该单位已有未签发的安全评估，请先完成或在原评估表上继续",
            )
            .into());
        }
        sqlx::query(&sql(
            "INSERT INTO assessments (id, campaign_id, unit_id, assessor, assessor_org, checklist_id, variant, \
             period_from, period_to, state, items, outcome_cases, created_by, created_at, escalation_trigger, version, \
             assessor_org_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, 0, ?, ?, '', 0, ?)",
        ))
        .bind(&a.id)
        .bind(&a.campaign_id)
        .bind(&a.unit_id)
        .bind(a.assessor.code())
        .bind(&a.assessor_org)
        .bind(&a.checklist_id)
        .bind(a.variant.code())
        .bind(ms(a.period_from))
        .bind(ms(a.period_to))
        .bind(serde_json::to_string(&a.items).unwrap_or_default())
        .bind(&a.created_by)
        .bind(ms(a.at))
        .bind(&a.assessor_org_id)
        .execute(&mut *tx)
        .await?;
        let mut au = audit.clone();
        if au.object_id.is_empty() {
            au.object_id = a.id.clone();
        }
        append_in(&mut tx, &au, a.at).await?;
        let out = self
            .assessment_in(&mut *tx, &Scope::All, &a.id)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok(out)
    }

    async fn assessment(&self, scope: &Scope, id: &str) -> StoreResult<Option<Assessment>> {
        self.assessment_in(&self.pool, scope, id).await
    }

    async fn list_assessments(
        &self,
        scope: &Scope,
        f: &AssessmentFilter,
        page: Page,
    ) -> StoreResult<Listing<AssessmentRow>> {
        let from = "FROM assessments a JOIN units u ON u.id = a.unit_id WHERE 1=1";
        paged(
            &self.pool,
            from,
            &format!(
                "SELECT a.id, a.unit_id, u.name AS unit_name, a.assessor, a.state, a.total, a.grade, \
                 a.created_at, a.signed_at {from}"
            ),
            |qb| {
                push_assessment_scope(qb, scope, AssessmentReach::Assessments("a"));
                if let Some(u) = &f.unit_id {
                    qb.push(" AND a.unit_id = ").push_bind(u.clone());
                }
                if let Some(c) = &f.campaign_id {
                    qb.push(" AND a.campaign_id = ").push_bind(c.clone());
                }
                if let Some(s) = f.state {
                    qb.push(" AND a.state = ").push_bind(s.code());
                }
            },
            "a.created_at DESC, a.id DESC",
            page,
            |r| AssessmentRow {
                id: r.get("id"),
                unit_id: r.get("unit_id"),
                unit_name: r.get("unit_name"),
                assessor: AssessorKind::from_code(r.get::<&str, _>("assessor")).unwrap_or(AssessorKind::Police),
                state: AssessmentState::from_code(r.get::<&str, _>("state")).unwrap_or(AssessmentState::Draft),
                total: r.get("total"),
                grade: r.get::<Option<&str>, _>("grade").and_then(Grade::from_code),
                created_at: from_ms(r.get("created_at")),
                signed_at: opt_ms(r, "signed_at"),
            },
        )
        .await
    }

    async fn update_assessment(
        &self,
        scope: &Scope,
        u: &AssessmentUpdate,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Assessment> {
        let mut tx = self.begin_write().await?;
        let current = self
            .assessment_in(&mut *tx, scope, &u.id)
            .await?
            .ok_or(StoreError::NotFound)?;
        if current.version != u.expected_version {
            return Err(stale());
        }
        let mut items = u.items.clone();
        let mut escalation = current.escalation_hazard_id.clone();
        let mut opened = Vec::new();
        for (code, h) in &u.hazards {
            let hid = insert_hazard(&mut tx, &self.cipher, h, now).await?;
            match code {
                Some(code) => {
                    if let Some(it) = items.iter_mut().find(|i| &i.code == code) {
                        it.hazard_id = Some(hid.clone());
                    }
                }
                None => escalation = Some(hid.clone()),
            }
            opened.push(hid);
        }
        let trigger = if u.escalation_trigger.is_empty() {
            current.escalation_trigger.clone()
        } else {
            u.escalation_trigger.clone()
        };
        let n = sqlx::query(&sql(
            "UPDATE assessments SET state = ?, items = ?, outcome_cases = ?, submitted_at = ?, \
             signed_by = COALESCE(?, signed_by), signed_at = COALESCE(?, signed_at), total = COALESCE(?, total), \
             grade = COALESCE(?, grade), outcome_score = COALESCE(?, outcome_score), \
             escalation_hazard_id = ?, escalation_trigger = ?, version = version + 1 \
             WHERE id = ? AND version = ?",
        ))
        .bind(u.state.code())
        .bind(serde_json::to_string(&items).unwrap_or_default())
        .bind(u.outcome_cases)
        .bind(u.submitted_at.map(ms))
        .bind(u.signed.as_ref().map(|s| s.by.clone()))
        .bind(u.signed.as_ref().map(|s| ms(s.at)))
        .bind(u.signed.as_ref().map(|s| s.total))
        .bind(u.signed.as_ref().map(|s| s.grade.code()))
        .bind(u.signed.as_ref().map(|s| s.outcome_score))
        .bind(&escalation)
        .bind(&trigger)
        .bind(&u.id)
        .bind(u.expected_version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(stale());
        }
        let mut a = audit.clone();
        if a.object_id.is_empty() {
            a.object_id = u.id.clone();
        }
        if a.unit_id.is_none() {
            a.unit_id = Some(current.unit_id.clone());
        }
        if !opened.is_empty() {
            let mut detail: serde_json::Value = serde_json::from_str(&a.detail).unwrap_or(serde_json::json!({}));
            detail["hazard_ids"] = serde_json::json!(opened);
            a.detail = detail.to_string();
        }
        append_in(&mut tx, &a, now).await?;
        let out = self
            .assessment_in(&mut *tx, &Scope::All, &u.id)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok(out)
    }

    #[allow(clippy::too_many_arguments)]
    async fn assign_assessment_units(
        &self,
        scope: &Scope,
        campaign: &AssessmentCampaign,
        org_id: &str,
        unit_ids: &[String],
        assigned_by: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<usize> {
        let station = self.campaign_station(&campaign.id).await?;
        let mut tx = self.begin_write().await?;
        let mut added = 0;
        for unit_id in unit_ids {
            let mut qb = QueryBuilder::new("SELECT u.id FROM units u WHERE u.state <> 'closed' AND u.id = ");
            qb.push_bind(unit_id.clone());
            push_scope(&mut qb, scope);
            push_campaign_units(
                &mut qb,
                &campaign.division_prefix,
                station.as_deref(),
                campaign.department_id.as_deref(),
                campaign.unit_kind.as_deref(),
            );
            qb.build().fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?;
            added += sqlx::query(&sql(
                "INSERT INTO assessment_assignments (campaign_id, unit_id, org_id, assigned_by, assigned_at) \
                 VALUES (?, ?, ?, ?, ?) ON CONFLICT (campaign_id, unit_id) DO NOTHING",
            ))
            .bind(&campaign.id)
            .bind(unit_id)
            .bind(org_id)
            .bind(assigned_by)
            .bind(ms(now))
            .execute(&mut *tx)
            .await?
            .rows_affected() as usize;
        }
        let mut a = audit.clone();
        if a.object_id.is_empty() {
            a.object_id = campaign.id.clone();
        }
        append_in(&mut tx, &a, now).await?;
        tx.commit().await?;
        Ok(added)
    }

    async fn assessment_assignments(&self, scope: &Scope, campaign_id: &str) -> StoreResult<Vec<AssessmentAssignment>> {
        let mut qb = QueryBuilder::new(
            "SELECT aa.campaign_id, aa.unit_id, u.name AS unit_name, u.division_code, aa.org_id, aa.assigned_by, \
             aa.assigned_at FROM assessment_assignments aa JOIN units u ON u.id = aa.unit_id WHERE aa.campaign_id = ",
        );
        qb.push_bind(campaign_id.to_string());
        push_assessment_scope(&mut qb, scope, AssessmentReach::Units);
        qb.push(" ORDER BY u.name, u.id LIMIT 5000");
        Ok(qb
            .build()
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| AssessmentAssignment {
                campaign_id: r.get("campaign_id"),
                unit_id: r.get("unit_id"),
                unit_name: r.get("unit_name"),
                division_code: r.get("division_code"),
                org_id: r.get("org_id"),
                assigned_by: r.get("assigned_by"),
                assigned_at: from_ms(r.get("assigned_at")),
            })
            .collect())
    }

    async fn latest_assessment_results(
        &self,
        scope: &Scope,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<UnitResult>> {
        let mut qb = QueryBuilder::new(
            "SELECT a.id, a.unit_id, u.name AS unit_name, u.division_code, a.total, a.grade, a.outcome_score, a.signed_at \
             FROM assessments a JOIN units u ON u.id = a.unit_id WHERE a.state = 'signed' AND a.signed_at >= ",
        );
        qb.push_bind(ms(from)).push(" AND a.signed_at <= ").push_bind(ms(to));
        qb.push(
            " AND NOT EXISTS (SELECT 1 FROM assessments b WHERE b.unit_id = a.unit_id AND b.state = 'signed' \
             AND b.signed_at <= ",
        )
        .push_bind(ms(to))
        .push(" AND (b.signed_at > a.signed_at OR (b.signed_at = a.signed_at AND b.id > a.id)))");
        push_scope(&mut qb, scope);
        qb.push(" ORDER BY u.name, u.id");
        Ok(qb
            .build()
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| UnitResult {
                unit_id: r.get("unit_id"),
                unit_name: r.get("unit_name"),
                division_code: r.get("division_code"),
                assessment_id: r.get("id"),
                total: r.get::<Option<f64>, _>("total").unwrap_or(0.0),
                grade: r
                    .get::<Option<&str>, _>("grade")
                    .and_then(Grade::from_code)
                    .unwrap_or(Grade::Fail),
                outcome_score: r.get::<Option<i64>, _>("outcome_score").unwrap_or(0),
                signed_at: from_ms(r.get("signed_at")),
            })
            .collect())
    }
}
