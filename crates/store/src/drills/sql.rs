//! SQL of emergency drills (compiled once per backend: see `crate::sqlite` and `crate::postgres`).

use super::audit::append_in;
use super::common::{from_ms, ms, opt_ms, paged, push_scope};
use super::db::{sql, Db, DbRow};
use super::store::Backend;
use super::supervision::insert_hazard;
use crate::crypto::FieldCipher;
use crate::error::{StoreError, StoreResult};
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::drills::*;
use neibao_domain::emergency::Scenario;
use neibao_domain::error::{DomainError, ErrorCode};
use neibao_domain::ids::new_id;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::supervision::NewHazard;
use sqlx::{QueryBuilder, Row};

type Tx = sqlx::Transaction<'static, Db>;

/// The associated data of the encrypted people column.
const AAD_PEOPLE: &str = "drills.people";

const DRILL_SELECT: &str =
    "SELECT d.*, u.name AS unit_name FROM drills d JOIN units u ON u.id = d.unit_id WHERE d.id = ";

fn drill_from_row(cipher: &FieldCipher, r: &DbRow) -> Drill {
    let people = cipher
        .decrypt(AAD_PEOPLE, r.get::<&str, _>("people"))
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default();
    Drill {
        id: r.get("id"),
        unit_id: r.get("unit_id"),
        unit_name: r.get("unit_name"),
        scenario: Scenario::from_code(r.get::<&str, _>("scenario")).unwrap_or(Scenario::Other),
        plan_id: r.get("plan_id"),
        title: r.get("title"),
        planned_at: from_ms(r.get("planned_at")),
        participants_count: r.get("participants_count"),
        people,
        police_station: r.get("police_station"),
        expected: serde_json::from_str(r.get::<&str, _>("expected")).unwrap_or_default(),
        state: DrillState::from_code(r.get::<&str, _>("state")).unwrap_or(DrillState::Planned),
        started_at: opt_ms(r, "started_at"),
        finished_at: opt_ms(r, "finished_at"),
        steps: Vec::new(),
        evaluation: r
            .get::<Option<String>, _>("evaluation")
            .and_then(|s| serde_json::from_str(&s).ok()),
        created_by: r.get("created_by"),
        created_at: from_ms(r.get("created_at")),
        version: r.get("version"),
    }
}

fn row_from_row(r: &DbRow) -> DrillRow {
    DrillRow {
        id: r.get("id"),
        unit_id: r.get("unit_id"),
        unit_name: r.get("unit_name"),
        scenario: Scenario::from_code(r.get::<&str, _>("scenario")).unwrap_or(Scenario::Other),
        title: r.get("title"),
        state: DrillState::from_code(r.get::<&str, _>("state")).unwrap_or(DrillState::Planned),
        planned_at: from_ms(r.get("planned_at")),
        started_at: opt_ms(r, "started_at"),
        overall: r.get("overall"),
    }
}

async fn steps_of<'e, E>(exec: E, drill_id: &str) -> StoreResult<Vec<DrillStep>>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    // The photo is the step's latest attachment (owner kind `drill`).
    Ok(sqlx::query(&sql("SELECT s.id, s.seq, s.label, s.at, s.recorded_by, \
         (SELECT a.id FROM attachments a WHERE a.owner_kind = 'drill' AND a.owner_id = s.id \
          ORDER BY a.created_at DESC, a.id DESC LIMIT 1) AS photo_id \
         FROM drill_steps s WHERE s.drill_id = ? ORDER BY s.at, s.seq"))
    .bind(drill_id)
    .fetch_all(exec)
    .await?
    .iter()
    .map(|r| DrillStep {
        id: r.get("id"),
        seq: r.get("seq"),
        label: r.get("label"),
        at: from_ms(r.get("at")),
        recorded_by: r.get("recorded_by"),
        photo_id: r.get("photo_id"),
    })
    .collect())
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

fn closed_refused() -> StoreError {
    DomainError::with_message(
        ErrorCode::InvalidTransition,
        "单位已注销，其应急演练记录只能查看，不能再修改",
    )
    .into()
}

impl Backend {
    /// One drill in scope (inside `tx`), with its steps.
    async fn drill_in(&self, tx: &mut Tx, scope: &Scope, id: &str) -> StoreResult<(Drill, bool)> {
        let mut qb = QueryBuilder::new(
            "SELECT d.*, u.name AS unit_name, u.state AS unit_state FROM drills d JOIN units u ON u.id = d.unit_id WHERE d.id = ",
        );
        qb.push_bind(id.to_string());
        push_scope(&mut qb, scope);
        let row = qb
            .build()
            .fetch_optional(&mut **tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let closed = row.get::<&str, _>("unit_state") == "closed";
        let mut d = drill_from_row(&self.cipher, &row);
        d.steps = steps_of(&mut **tx, id).await?;
        Ok((d, closed))
    }

    async fn drill_bump(tx: &mut Tx, id: &str, version: i64) -> StoreResult<()> {
        let n = sqlx::query(&sql(
            "UPDATE drills SET version = version + 1 WHERE id = ? AND version = ?",
        ))
        .bind(id)
        .bind(version)
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(DomainError::with_message(ErrorCode::VersionConflict, "演练已被他人修改，请刷新后重试").into());
        }
        Ok(())
    }
}

#[async_trait]
impl DrillRepo for Backend {
    async fn drill_unit(&self, scope: &Scope, unit_id: &str) -> StoreResult<(String, bool, bool)> {
        let mut qb = QueryBuilder::new("SELECT u.name, u.is_counter_terror_target, u.state FROM units u WHERE u.id = ");
        qb.push_bind(unit_id.to_string());
        push_scope(&mut qb, scope);
        let row = qb
            .build()
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok((
            row.get("name"),
            row.get("is_counter_terror_target"),
            row.get::<&str, _>("state") == "closed",
        ))
    }

    async fn create_drill(&self, scope: &Scope, d: &NewDrill, audit: &AuditEntry) -> StoreResult<Drill> {
        let (_, _, closed) = self.drill_unit(scope, &d.unit_id).await?;
        if closed {
            return Err(closed_refused());
        }
        let people = self.cipher.encrypt(
            AAD_PEOPLE,
            &serde_json::to_string(&d.people).unwrap_or_else(|_| "{}".into()),
        );
        let mut tx = self.begin_write().await?;
        sqlx::query(&sql(
            "INSERT INTO drills (id, unit_id, scenario, plan_id, title, planned_at, participants_count, people, police_station, \
             expected, state, started_at, finished_at, evaluation, overall, created_by, created_at, version) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'planned', NULL, NULL, NULL, NULL, ?, ?, 1)",
        ))
        .bind(&d.id)
        .bind(&d.unit_id)
        .bind(d.scenario.code())
        .bind(&d.plan_id)
        .bind(&d.title)
        .bind(ms(d.planned_at))
        .bind(d.participants_count)
        .bind(&people)
        .bind(&d.police_station)
        .bind(serde_json::to_string(&d.expected).unwrap_or_else(|_| "[]".into()))
        .bind(&d.created_by)
        .bind(ms(d.at))
        .execute(&mut *tx)
        .await?;
        append_in(&mut tx, &with_unit(audit, &d.id, &d.unit_id), d.at).await?;
        let (drill, _) = self.drill_in(&mut tx, scope, &d.id).await?;
        tx.commit().await?;
        Ok(drill)
    }

    async fn drill(&self, scope: &Scope, id: &str) -> StoreResult<Option<Drill>> {
        let mut qb = QueryBuilder::new(DRILL_SELECT);
        qb.push_bind(id.to_string());
        push_scope(&mut qb, scope);
        let Some(row) = qb.build().fetch_optional(&self.pool).await? else {
            return Ok(None);
        };
        let mut d = drill_from_row(&self.cipher, &row);
        d.steps = steps_of(&self.pool, id).await?;
        Ok(Some(d))
    }

    async fn unit_drills(&self, scope: &Scope, unit_id: &str, page: Page) -> StoreResult<Listing<Drill>> {
        self.drill_unit(scope, unit_id).await?;
        let from = "FROM drills d JOIN units u ON u.id = d.unit_id WHERE d.unit_id = ";
        let cipher = self.cipher.clone();
        let mut listing = paged(
            &self.pool,
            from,
            &format!("SELECT d.*, u.name AS unit_name {from}"),
            |qb| {
                qb.push_bind(unit_id.to_string());
                push_scope(qb, scope);
            },
            "d.planned_at DESC, d.id DESC",
            page,
            |r| drill_from_row(&cipher, r),
        )
        .await?;
        for d in listing.items.iter_mut() {
            d.steps = steps_of(&self.pool, &d.id).await?;
        }
        Ok(listing)
    }

    async fn start_drill(
        &self,
        scope: &Scope,
        id: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<(Drill, bool)> {
        let mut tx = self.begin_write().await?;
        let (d, closed) = self.drill_in(&mut tx, scope, id).await?;
        if d.state != DrillState::Planned {
            return Ok((d, false));
        }
        if closed {
            return Err(closed_refused());
        }
        Self::drill_bump(&mut tx, id, d.version).await?;
        sqlx::query(&sql("UPDATE drills SET state = 'running', started_at = ? WHERE id = ?"))
            .bind(ms(now))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        append_in(&mut tx, &with_unit(audit, id, &d.unit_id), now).await?;
        let (d, _) = self.drill_in(&mut tx, scope, id).await?;
        tx.commit().await?;
        Ok((d, true))
    }

    async fn add_drill_step(
        &self,
        scope: &Scope,
        id: &str,
        seq: i64,
        recorded_by: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<(DrillStep, bool)> {
        let mut tx = self.begin_write().await?;
        let (d, _) = self.drill_in(&mut tx, scope, id).await?;
        if let Some(first) = d.steps.iter().find(|s| s.seq == seq) {
            return Ok((first.clone(), false));
        }
        if d.state != DrillState::Running {
            return Err(StoreError::Conflict(if d.state == DrillState::Planned {
                "演练尚未开始，请先点击“开始演练”".into()
            } else {
                "演练已结束，不能再记录步骤".into()
            }));
        }
        let Some(action) = d.expected.iter().find(|a| a.seq == seq) else {
            return Err(DomainError::with_message(ErrorCode::ValidationFailed, "该步骤不是本次演练的预定动作").into());
        };
        let step_id = new_id();
        sqlx::query(&sql(
            "INSERT INTO drill_steps (id, drill_id, seq, label, at, recorded_by) VALUES (?, ?, ?, ?, ?, ?)",
        ))
        .bind(&step_id)
        .bind(id)
        .bind(seq)
        .bind(&action.label)
        .bind(ms(now))
        .bind(recorded_by)
        .execute(&mut *tx)
        .await?;
        append_in(&mut tx, &with_unit(audit, id, &d.unit_id), now).await?;
        tx.commit().await?;
        Ok((
            DrillStep {
                id: step_id,
                seq,
                label: action.label.clone(),
                at: from_ms(ms(now)),
                recorded_by: recorded_by.to_string(),
                photo_id: None,
            },
            true,
        ))
    }

    async fn finish_drill(
        &self,
        scope: &Scope,
        id: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<(Drill, bool)> {
        let mut tx = self.begin_write().await?;
        let (d, _) = self.drill_in(&mut tx, scope, id).await?;
        match d.state {
            DrillState::Finished | DrillState::Evaluated => return Ok((d, false)),
            DrillState::Planned => {
                return Err(StoreError::Conflict("演练尚未开始，不能结束".into()));
            }
            DrillState::Running => {}
        }
        Self::drill_bump(&mut tx, id, d.version).await?;
        sqlx::query(&sql(
            "UPDATE drills SET state = 'finished', finished_at = ? WHERE id = ?",
        ))
        .bind(ms(now))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        append_in(&mut tx, &with_unit(audit, id, &d.unit_id), now).await?;
        let (d, _) = self.drill_in(&mut tx, scope, id).await?;
        tx.commit().await?;
        Ok((d, true))
    }

    async fn save_drill_evaluation(
        &self,
        scope: &Scope,
        id: &str,
        e: &Evaluation,
        audit: &AuditEntry,
    ) -> StoreResult<Drill> {
        let mut tx = self.begin_write().await?;
        let (d, closed) = self.drill_in(&mut tx, scope, id).await?;
        if !matches!(d.state, DrillState::Finished | DrillState::Evaluated) {
            return Err(StoreError::Conflict("演练结束后才能评估".into()));
        }
        if closed {
            return Err(closed_refused());
        }
        let mut e = e.clone();
        if let Some(old) = &d.evaluation {
            for s in e.shortfalls.iter_mut() {
                if let Some(o) = old
                    .shortfalls
                    .iter()
                    .find(|o| o.text == s.text && o.hazard_id.is_some())
                {
                    s.hazard_id = o.hazard_id.clone();
                }
            }
        }
        Self::drill_bump(&mut tx, id, d.version).await?;
        sqlx::query(&sql(
            "UPDATE drills SET state = 'evaluated', evaluation = ?, overall = ? WHERE id = ?",
        ))
        .bind(serde_json::to_string(&e).unwrap_or_default())
        .bind(e.overall)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        append_in(&mut tx, &with_unit(audit, id, &d.unit_id), e.evaluated_at).await?;
        let (d, _) = self.drill_in(&mut tx, scope, id).await?;
        tx.commit().await?;
        Ok(d)
    }

    async fn open_drill_hazard(
        &self,
        scope: &Scope,
        id: &str,
        seq: i64,
        h: &NewHazard,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<(String, bool)> {
        let mut tx = self.begin_write().await?;
        let (d, closed) = self.drill_in(&mut tx, scope, id).await?;
        let Some(mut e) = d.evaluation.clone() else {
            return Err(StoreError::NotFound);
        };
        let Some(s) = e.shortfalls.iter_mut().find(|s| s.seq == seq) else {
            return Err(StoreError::NotFound);
        };
        if let Some(existing) = &s.hazard_id {
            return Ok((existing.clone(), false));
        }
        if closed {
            return Err(closed_refused());
        }
        // The version check makes a concurrent second request fail (and roll back its hazard).
        Self::drill_bump(&mut tx, id, d.version).await?;
        let hazard_id = insert_hazard(&mut tx, &self.cipher, h, now).await?;
        s.hazard_id = Some(hazard_id.clone());
        sqlx::query(&sql("UPDATE drills SET evaluation = ? WHERE id = ?"))
            .bind(serde_json::to_string(&e).unwrap_or_default())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let mut a = with_unit(audit, id, &d.unit_id);
        a.detail = serde_json::json!({ "shortfall": seq, "hazard_id": hazard_id }).to_string();
        append_in(&mut tx, &a, now).await?;
        tx.commit().await?;
        Ok((hazard_id, true))
    }

    async fn recent_drills(&self, scope: &Scope, page: Page) -> StoreResult<Listing<DrillRow>> {
        let from = "FROM drills d JOIN units u ON u.id = d.unit_id WHERE 1=1";
        paged(
            &self.pool,
            from,
            &format!("SELECT d.*, u.name AS unit_name {from}"),
            |qb| push_scope(qb, scope),
            "d.planned_at DESC, d.id DESC",
            page,
            row_from_row,
        )
        .await
    }

    async fn drill_overdue(&self, scope: &Scope) -> StoreResult<Vec<DrillOverdue>> {
        let mut qb = QueryBuilder::new(
            "SELECT o.unit_id, u.name AS unit_name, o.rule, o.period_start, o.period_end, \
             (SELECT COUNT(*) FROM drills d WHERE d.unit_id = o.unit_id AND d.started_at IS NOT NULL \
              AND d.started_at > o.recorded_at - 86400000) AS since \
             FROM drill_overdue o JOIN units u ON u.id = o.unit_id WHERE u.state <> 'closed'",
        );
        push_scope(&mut qb, scope);
        qb.push(" ORDER BY o.period_end DESC, u.name, o.rule LIMIT 500");
        let rows = qb.build().fetch_all(&self.pool).await?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                Some(DrillOverdue {
                    unit_id: r.get("unit_id"),
                    unit_name: r.get("unit_name"),
                    rule: DrillRule::from_code(r.get::<&str, _>("rule"))?,
                    period_start: r.get::<&str, _>("period_start").parse().ok()?,
                    period_end: r.get::<&str, _>("period_end").parse().ok()?,
                    drilled_since: r.get::<i64, _>("since") > 0,
                })
            })
            .collect())
    }

    async fn units_without_drill(
        &self,
        rule: DrillRule,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<(String, String)>> {
        let flag = match rule {
            DrillRule::CounterTerror => "u.is_counter_terror_target",
            DrillRule::KeyUnit => "u.is_key_unit",
            DrillRule::University => "u.is_university",
        };
        let rows = sqlx::query(&sql(&format!(
            "SELECT u.id, u.name FROM units u WHERE {flag} = ? AND u.state = 'active' \
             AND NOT EXISTS (SELECT 1 FROM drills d WHERE d.unit_id = u.id AND d.started_at IS NOT NULL \
             AND d.state <> 'running' AND d.started_at >= ? AND d.started_at <= ?) ORDER BY u.id"
        )))
        .bind(true)
        .bind(ms(from))
        .bind(ms(to))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(|r| (r.get("id"), r.get("name"))).collect())
    }

    async fn record_drill_overdue(
        &self,
        unit_id: &str,
        rule: DrillRule,
        period: (NaiveDate, NaiveDate),
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let new = sqlx::query(&sql(
            "INSERT INTO drill_overdue (unit_id, rule, period_start, period_end, recorded_at) VALUES (?, ?, ?, ?, ?) \
             ON CONFLICT (unit_id, rule, period_end) DO NOTHING",
        ))
        .bind(unit_id)
        .bind(rule.code())
        .bind(period.0.to_string())
        .bind(period.1.to_string())
        .bind(ms(now))
        .execute(&mut *tx)
        .await?
        .rows_affected()
            > 0;
        tx.commit().await?;
        Ok(new)
    }
}
