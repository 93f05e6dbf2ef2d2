//! SQL of 心防 (compiled once per backend: see `crate::sqlite` and `crate::postgres`). A case's
//! content and its follow-up notes are encrypted with the counselling-case key
//! (`FieldCipher::encrypt_case`, associated data `crisis_cases.content` and
//! `crisis_follow_ups.note`), never the field key, and live only in the `crisis_*` tables.

use super::audit::append_in;
use super::common::{from_ms, json_or, ms, opt_ms, push_scope};
use super::db::{sql, Db, DbRow};
use super::store::Backend;
use crate::error::{StoreError, StoreResult};
#[allow(unused_imports)]
use crate::prelude::*;
use crate::wellbeing::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::ids::new_id;
use neibao_domain::privacy::{DataClass, DeletionRecord};
use neibao_domain::wellbeing::*;
use sqlx::{QueryBuilder, Row};

const AAD_CONTENT: &str = "crisis_cases.content";
const AAD_NOTE: &str = "crisis_follow_ups.note";

/// Whether the unit is in `scope`.
async fn unit_visible<'e, E>(exec: E, scope: &Scope, unit_id: &str) -> StoreResult<bool>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    let mut qb = QueryBuilder::new("SELECT u.id FROM units u WHERE u.id = ");
    qb.push_bind(unit_id.to_string());
    push_scope(&mut qb, scope);
    Ok(qb.build().fetch_optional(exec).await?.is_some())
}

fn summary_from_row(r: &DbRow, user_id: &str) -> CaseSummary {
    let id: String = r.get("id");
    CaseSummary {
        number: case_number(&id),
        id,
        unit_id: r.get("unit_id"),
        unit_name: r.get("unit_name"),
        risk: Risk::from_code(r.get::<&str, _>("risk")).unwrap_or(Risk::Low),
        state: CaseState::from_code(r.get::<&str, _>("state")),
        threat_to_others: r.get::<bool, _>("threat_to_others"),
        escalated_at: opt_ms(r, "escalated_at"),
        created_at: from_ms(r.get("created_at")),
        closed_at: opt_ms(r, "closed_at"),
        mine_as_counsellor: r.get::<&str, _>("reporter_id") != user_id || r.get::<i64, _>("named") > 0,
    }
}

/// ` AND <user_id is named on c or its reporter> <c's unit u in scope>`.
fn push_named(qb: &mut QueryBuilder<'_, Db>, scope: &Scope, user_id: &str) {
    qb.push(" AND (c.reporter_id = ")
        .push_bind(user_id.to_string())
        .push(" OR EXISTS (SELECT 1 FROM crisis_case_counsellors n WHERE n.case_id = c.id AND n.user_id = ")
        .push_bind(user_id.to_string())
        .push("))");
    push_scope(qb, scope);
}

fn case_select(user_id: &str) -> QueryBuilder<'static, Db> {
    let mut qb = QueryBuilder::new(
        "SELECT c.*, u.name AS unit_name, (SELECT COUNT(*) FROM crisis_case_counsellors m WHERE m.case_id = c.id AND m.user_id = ",
    );
    qb.push_bind(user_id.to_string())
        .push(") AS named FROM crisis_cases c JOIN units u ON u.id = c.unit_id WHERE 1=1");
    qb
}

#[async_trait]
impl WellbeingRepo for Backend {
    async fn unit_wellbeing(&self, scope: &Scope, unit_id: &str) -> StoreResult<Option<UnitWellbeing>> {
        if !unit_visible(&self.pool, scope, unit_id).await? {
            return Ok(None);
        }
        let rows = sqlx::query(&sql(
            "SELECT t.*, (SELECT COUNT(*) FROM volunteer_activities a WHERE a.team_id = t.id) AS activity_count \
             FROM volunteer_teams t WHERE t.unit_id = ? ORDER BY t.created_at DESC, t.id DESC LIMIT 500",
        ))
        .bind(unit_id)
        .fetch_all(&self.pool)
        .await?;
        let teams: Vec<VolunteerTeam> = rows
            .iter()
            .map(|r| VolunteerTeam {
                id: r.get("id"),
                unit_id: r.get("unit_id"),
                name: r.get("name"),
                kind: r.get("kind"),
                duties: r.get("duties"),
                members: json_or(r.get::<&str, _>("members"), Vec::new()),
                activity_count: r.get("activity_count"),
                created_by: r.get("created_by"),
                created_at: from_ms(r.get("created_at")),
            })
            .collect();
        let rows = sqlx::query(&sql(
            "SELECT a.*, t.name AS team_name FROM volunteer_activities a JOIN volunteer_teams t ON t.id = a.team_id \
             WHERE a.unit_id = ? ORDER BY a.held_on DESC, a.created_at DESC LIMIT 500",
        ))
        .bind(unit_id)
        .fetch_all(&self.pool)
        .await?;
        let team_activities: Vec<TeamActivity> = rows
            .iter()
            .map(|r| TeamActivity {
                id: r.get("id"),
                team_id: r.get("team_id"),
                team_name: r.get("team_name"),
                held_on: r.get("held_on"),
                summary: r.get("summary"),
                participants: r.get("participants"),
                created_by: r.get("created_by"),
                created_at: from_ms(r.get("created_at")),
            })
            .collect();
        let rows = sqlx::query(&sql(
            "SELECT * FROM education_activities WHERE unit_id = ? ORDER BY held_on DESC, created_at DESC LIMIT 500",
        ))
        .bind(unit_id)
        .fetch_all(&self.pool)
        .await?;
        let education: Vec<EducationActivity> = rows
            .iter()
            .map(|r| EducationActivity {
                id: r.get("id"),
                unit_id: r.get("unit_id"),
                kind: EducationKind::from_code(r.get::<&str, _>("kind")).unwrap_or(EducationKind::Talk),
                title: r.get("title"),
                held_on: r.get("held_on"),
                attendance: r.get("attendance"),
                materials: r.get("materials"),
                created_by: r.get("created_by"),
                created_at: from_ms(r.get("created_at")),
            })
            .collect();
        let counts = WellbeingCounts {
            teams: teams.len() as i64,
            team_members: teams.iter().map(|t| t.members.len() as i64).sum(),
            team_activities: team_activities.len() as i64,
            education_activities: education.len() as i64,
            education_attendance: education.iter().map(|e| e.attendance).sum(),
        };
        Ok(Some(UnitWellbeing {
            unit_id: unit_id.to_string(),
            teams,
            team_activities,
            education,
            counts,
        }))
    }

    async fn create_volunteer_team(&self, scope: &Scope, t: &NewTeam, audit: &AuditEntry) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        if !unit_visible(&mut *tx, scope, &t.unit_id).await? {
            return Err(StoreError::NotFound);
        }
        sqlx::query(&sql(
            "INSERT INTO volunteer_teams (id, unit_id, name, kind, duties, members, created_by, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        ))
        .bind(&t.id)
        .bind(&t.unit_id)
        .bind(&t.name)
        .bind(&t.kind)
        .bind(&t.duties)
        .bind(serde_json::to_string(&t.members).unwrap_or_else(|_| "[]".into()))
        .bind(&t.by)
        .bind(ms(t.at))
        .execute(&mut *tx)
        .await?;
        append_in(&mut tx, audit, t.at).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn add_team_activity(&self, scope: &Scope, a: &NewTeamActivity, audit: &AuditEntry) -> StoreResult<String> {
        let mut tx = self.begin_write().await?;
        let mut qb =
            QueryBuilder::new("SELECT t.unit_id FROM volunteer_teams t JOIN units u ON u.id = t.unit_id WHERE t.id = ");
        qb.push_bind(a.team_id.clone());
        push_scope(&mut qb, scope);
        let Some(row) = qb.build().fetch_optional(&mut *tx).await? else {
            return Err(StoreError::NotFound);
        };
        let unit_id: String = row.get("unit_id");
        sqlx::query(&sql(
            "INSERT INTO volunteer_activities (id, team_id, unit_id, held_on, summary, participants, created_by, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        ))
        .bind(&a.id)
        .bind(&a.team_id)
        .bind(&unit_id)
        .bind(&a.held_on)
        .bind(&a.summary)
        .bind(a.participants)
        .bind(&a.by)
        .bind(ms(a.at))
        .execute(&mut *tx)
        .await?;
        let mut e = audit.clone();
        e.unit_id = Some(unit_id.clone());
        append_in(&mut tx, &e, a.at).await?;
        tx.commit().await?;
        Ok(unit_id)
    }

    async fn add_education_activity(&self, scope: &Scope, e: &NewEducation, audit: &AuditEntry) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        if !unit_visible(&mut *tx, scope, &e.unit_id).await? {
            return Err(StoreError::NotFound);
        }
        sqlx::query(&sql(
            "INSERT INTO education_activities (id, unit_id, kind, title, held_on, attendance, materials, created_by, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ))
        .bind(&e.id)
        .bind(&e.unit_id)
        .bind(e.kind.code())
        .bind(&e.title)
        .bind(&e.held_on)
        .bind(e.attendance)
        .bind(&e.materials)
        .bind(&e.by)
        .bind(ms(e.at))
        .execute(&mut *tx)
        .await?;
        append_in(&mut tx, audit, e.at).await?;
        tx.commit().await?;
        Ok(())
    }
}

impl Backend {
    async fn reporters_of<'e, E>(&self, exec: E, unit_id: &str) -> StoreResult<Vec<Reporter>>
    where
        E: sqlx::Executor<'e, Database = Db>,
    {
        let rows = sqlx::query(&sql(
            "SELECT * FROM crisis_reporters WHERE unit_id = ? ORDER BY designated_at, user_id",
        ))
        .bind(unit_id)
        .fetch_all(exec)
        .await?;
        Ok(rows
            .iter()
            .map(|r| Reporter {
                user_id: r.get("user_id"),
                name: r.get("name"),
                designated_by: r.get("designated_by"),
                designated_at: from_ms(r.get("designated_at")),
            })
            .collect())
    }

    fn content_of(&self, stored: &str) -> StoreResult<CaseContent> {
        let plain = self.cipher.decrypt_case(AAD_CONTENT, stored)?;
        Ok(json_or(&plain, CaseContent::default()))
    }
}

#[async_trait]
impl CrisisCaseRepo for Backend {
    async fn crisis_reporters(&self, scope: &Scope, unit_id: &str) -> StoreResult<Vec<Reporter>> {
        if !unit_visible(&self.pool, scope, unit_id).await? {
            return Err(StoreError::NotFound);
        }
        self.reporters_of(&self.pool, unit_id).await
    }

    async fn set_crisis_reporters(
        &self,
        scope: &Scope,
        unit_id: &str,
        reporters: &[(String, String)],
        by: &str,
        at: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> StoreResult<Vec<Reporter>> {
        let mut tx = self.begin_write().await?;
        if !unit_visible(&mut *tx, scope, unit_id).await? {
            return Err(StoreError::NotFound);
        }
        let current: Vec<String> = sqlx::query_scalar(&sql("SELECT user_id FROM crisis_reporters WHERE unit_id = ?"))
            .bind(unit_id)
            .fetch_all(&mut *tx)
            .await?;
        for u in current.iter().filter(|u| !reporters.iter().any(|(id, _)| id == *u)) {
            sqlx::query(&sql("DELETE FROM crisis_reporters WHERE unit_id = ? AND user_id = ?"))
                .bind(unit_id)
                .bind(u)
                .execute(&mut *tx)
                .await?;
        }
        for (id, name) in reporters.iter().filter(|(id, _)| !current.contains(id)) {
            sqlx::query(&sql(
                "INSERT INTO crisis_reporters (unit_id, user_id, name, designated_by, designated_at) VALUES (?, ?, ?, ?, ?)",
            ))
            .bind(unit_id)
            .bind(id)
            .bind(name)
            .bind(by)
            .bind(ms(at))
            .execute(&mut *tx)
            .await?;
        }
        append_in(&mut tx, audit, at).await?;
        tx.commit().await?;
        self.reporters_of(&self.pool, unit_id).await
    }

    async fn is_crisis_reporter(&self, unit_id: &str, user_id: &str) -> StoreResult<bool> {
        let n: i64 = sqlx::query_scalar(&sql(
            "SELECT COUNT(*) FROM crisis_reporters WHERE unit_id = ? AND user_id = ?",
        ))
        .bind(unit_id)
        .bind(user_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(n > 0)
    }

    async fn unit_accounts_of_role(&self, unit_id: &str, role_code: &str) -> StoreResult<Vec<(String, String)>> {
        let rows: Vec<(String, String, String)> = sqlx::query_as(&sql(
            "SELECT id, username, display_name FROM users WHERE unit_id = ? AND role = ? AND disabled = ? \
             ORDER BY display_name, username LIMIT 500",
        ))
        .bind(unit_id)
        .bind(role_code)
        .bind(false)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, u, d)| (id, if d.trim().is_empty() { u } else { d }))
            .collect())
    }

    async fn create_crisis_case(&self, c: &NewCase, audit: &AuditEntry) -> StoreResult<()> {
        let content = serde_json::to_string(&c.content).map_err(|e| StoreError::Other(e.into()))?;
        let mut tx = self.begin_write().await?;
        sqlx::query(&sql(
            "INSERT INTO crisis_cases (id, unit_id, reporter_id, reporter_name, risk, state, threat_to_others, content_enc, \
             created_at, closed_at, escalated_at) VALUES (?, ?, ?, ?, ?, 'open', ?, ?, ?, NULL, NULL)",
        ))
        .bind(&c.id)
        .bind(&c.unit_id)
        .bind(&c.reporter_id)
        .bind(&c.reporter_name)
        .bind(c.risk.code())
        .bind(c.threat_to_others)
        .bind(self.cipher.encrypt_case(AAD_CONTENT, &content))
        .bind(ms(c.at))
        .execute(&mut *tx)
        .await?;
        for (id, name) in &c.counsellors {
            sqlx::query(&sql(
                "INSERT INTO crisis_case_counsellors (case_id, user_id, name) VALUES (?, ?, ?)",
            ))
            .bind(&c.id)
            .bind(id)
            .bind(name)
            .execute(&mut *tx)
            .await?;
        }
        append_in(&mut tx, audit, c.at).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn my_crisis_cases(&self, scope: &Scope, user_id: &str) -> StoreResult<Vec<CaseSummary>> {
        let mut qb = case_select(user_id);
        push_named(&mut qb, scope, user_id);
        qb.push(" ORDER BY c.created_at DESC, c.id DESC LIMIT 500");
        let rows = qb.build().fetch_all(&self.pool).await?;
        Ok(rows.iter().map(|r| summary_from_row(r, user_id)).collect())
    }

    async fn crisis_case(&self, scope: &Scope, user_id: &str, id: &str) -> StoreResult<Option<CaseRecord>> {
        let mut qb = case_select(user_id);
        qb.push(" AND c.id = ").push_bind(id.to_string());
        push_named(&mut qb, scope, user_id);
        let Some(r) = qb.build().fetch_optional(&self.pool).await? else {
            return Ok(None);
        };
        let summary = summary_from_row(&r, user_id);
        let content = self.content_of(r.get::<&str, _>("content_enc"))?;
        let counsellors: Vec<(String, String)> = sqlx::query_as(&sql(
            "SELECT user_id, name FROM crisis_case_counsellors WHERE case_id = ? ORDER BY name, user_id",
        ))
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let rows = sqlx::query(&sql(
            "SELECT * FROM crisis_follow_ups WHERE case_id = ? ORDER BY at DESC, id DESC LIMIT 1000",
        ))
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let mut follow_ups = Vec::new();
        for f in &rows {
            follow_ups.push(FollowUp {
                id: f.get("id"),
                kind: FollowUpKind::from_code(f.get::<&str, _>("kind")).unwrap_or(FollowUpKind::Visit),
                note: self.cipher.decrypt_case(AAD_NOTE, f.get::<&str, _>("note_enc"))?,
                risk: f.get::<Option<&str>, _>("risk").and_then(Risk::from_code),
                by_name: f.get("by_name"),
                at: from_ms(f.get("at")),
            });
        }
        Ok(Some(CaseRecord {
            reporter_id: r.get("reporter_id"),
            detail: CaseDetail {
                summary,
                reporter_name: r.get("reporter_name"),
                counsellors: counsellors
                    .into_iter()
                    .map(|(user_id, name)| CaseCounsellor { user_id, name })
                    .collect(),
                content,
                follow_ups,
            },
        }))
    }

    async fn add_crisis_follow_up(&self, case_id: &str, f: &NewFollowUp, audit: &AuditEntry) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(&sql(
            "INSERT INTO crisis_follow_ups (id, case_id, kind, risk, note_enc, by_user, by_name, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        ))
        .bind(&f.id)
        .bind(case_id)
        .bind(f.kind.code())
        .bind(f.risk.map(Risk::code))
        .bind(self.cipher.encrypt_case(AAD_NOTE, &f.note))
        .bind(&f.by)
        .bind(&f.by_name)
        .bind(ms(f.at))
        .execute(&mut *tx)
        .await?;
        if let Some(r) = f.risk {
            sqlx::query(&sql("UPDATE crisis_cases SET risk = ? WHERE id = ?"))
                .bind(r.code())
                .bind(case_id)
                .execute(&mut *tx)
                .await?;
        }
        append_in(&mut tx, audit, f.at).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn escalate_crisis_case(&self, case_id: &str, e: &Escalation, audit: &AuditEntry) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(&sql(
            "INSERT INTO crisis_escalations (id, case_id, unit_id, counsellor_name, contact, at) VALUES (?, ?, ?, ?, ?, ?)",
        ))
        .bind(&e.id)
        .bind(case_id)
        .bind(&e.unit_id)
        .bind(&e.counsellor_name)
        .bind(&e.contact)
        .bind(ms(e.at))
        .execute(&mut *tx)
        .await?;
        sqlx::query(&sql("UPDATE crisis_cases SET escalated_at = ? WHERE id = ?"))
            .bind(ms(e.at))
            .bind(case_id)
            .execute(&mut *tx)
            .await?;
        append_in(&mut tx, audit, e.at).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn close_crisis_case(
        &self,
        case_id: &str,
        content: &CaseContent,
        at: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        let content = serde_json::to_string(content).map_err(|e| StoreError::Other(e.into()))?;
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(&sql(
            "UPDATE crisis_cases SET state = 'closed', closed_at = ?, content_enc = ? WHERE id = ? AND state = 'open'",
        ))
        .bind(ms(at))
        .bind(self.cipher.encrypt_case(AAD_CONTENT, &content))
        .bind(case_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict("个案已结案".into()));
        }
        append_in(&mut tx, audit, at).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn crisis_counts(&self, scope: &Scope) -> StoreResult<Vec<CaseCount>> {
        let mut qb = QueryBuilder::new(
            "SELECT c.unit_id, u.name AS unit_name, c.risk, \
             SUM(CASE WHEN c.state = 'open' THEN 1 ELSE 0 END) AS open_n, \
             SUM(CASE WHEN c.state = 'closed' THEN 1 ELSE 0 END) AS closed_n \
             FROM crisis_cases c JOIN units u ON u.id = c.unit_id WHERE 1=1",
        );
        push_scope(&mut qb, scope);
        qb.push(" GROUP BY c.unit_id, u.name, c.risk ORDER BY u.name, c.unit_id, c.risk LIMIT 5000");
        let rows = qb.build().fetch_all(&self.pool).await?;
        Ok(rows
            .iter()
            .map(|r| CaseCount {
                unit_id: r.get("unit_id"),
                unit_name: r.get("unit_name"),
                risk: Risk::from_code(r.get::<&str, _>("risk")).unwrap_or(Risk::Low),
                open: r.get::<Option<i64>, _>("open_n").unwrap_or(0),
                closed: r.get::<Option<i64>, _>("closed_n").unwrap_or(0),
            })
            .collect())
    }

    async fn crisis_escalations(&self, scope: &Scope) -> StoreResult<Vec<Escalation>> {
        let mut qb = QueryBuilder::new(
            "SELECT e.id, e.unit_id, u.name AS unit_name, e.counsellor_name, e.contact, e.at \
             FROM crisis_escalations e JOIN units u ON u.id = e.unit_id WHERE 1=1",
        );
        push_scope(&mut qb, scope);
        qb.push(" ORDER BY e.at DESC, e.id DESC LIMIT 500");
        let rows = qb.build().fetch_all(&self.pool).await?;
        Ok(rows
            .iter()
            .map(|r| Escalation {
                id: r.get("id"),
                unit_id: r.get("unit_id"),
                unit_name: r.get("unit_name"),
                counsellor_name: r.get("counsellor_name"),
                contact: r.get("contact"),
                at: from_ms(r.get("at")),
            })
            .collect())
    }

    async fn sweep_crisis_cases(
        &self,
        cutoff: DateTime<Utc>,
        now: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> StoreResult<Vec<DeletionRecord>> {
        let class = DataClass::CounsellingCases;
        let units: Vec<(String, i64)> = sqlx::query_as(&sql(
            "SELECT c.unit_id, COUNT(*) FROM crisis_cases c WHERE c.state = 'closed' AND c.closed_at < ? \
             AND NOT EXISTS (SELECT 1 FROM legal_holds h WHERE h.unit_id = c.unit_id AND h.released_at IS NULL \
             AND (h.data_class IS NULL OR h.data_class = ?)) GROUP BY c.unit_id",
        ))
        .bind(ms(cutoff))
        .bind(class.code())
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for (unit_id, n) in units {
            let mut tx = self.begin_write().await?;
            let doomed = "SELECT id FROM crisis_cases WHERE unit_id = ? AND state = 'closed' AND closed_at < ?";
            for table in ["crisis_follow_ups", "crisis_case_counsellors", "crisis_escalations"] {
                sqlx::query(&sql(&format!("DELETE FROM {table} WHERE case_id IN ({doomed})")))
                    .bind(&unit_id)
                    .bind(ms(cutoff))
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query(&sql(&format!("DELETE FROM crisis_cases WHERE id IN ({doomed})")))
                .bind(&unit_id)
                .bind(ms(cutoff))
                .execute(&mut *tx)
                .await?;
            let rec = DeletionRecord {
                id: new_id(),
                at: ms(now),
                data_class: class,
                unit_id: Some(unit_id.clone()),
                rows_deleted: n,
                older_than: ms(cutoff),
                reason: format!("超过保存期限自动删除（{}）", class.label_zh()),
            };
            sqlx::query(&sql(
                "INSERT INTO deletion_log (id, at, data_class, unit_id, rows_deleted, older_than, reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
            ))
            .bind(&rec.id)
            .bind(rec.at)
            .bind(class.code())
            .bind(&rec.unit_id)
            .bind(n)
            .bind(rec.older_than)
            .bind(&rec.reason)
            .execute(&mut *tx)
            .await?;
            let entry = AuditEntry {
                object_type: class.code().into(),
                object_id: rec.id.clone(),
                unit_id: rec.unit_id.clone(),
                detail: format!("rows={n} older_than={}", rec.older_than),
                ..audit.clone()
            };
            append_in(&mut tx, &entry, now).await?;
            tx.commit().await?;
            out.push(rec);
        }
        Ok(out)
    }
}
