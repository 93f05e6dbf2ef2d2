//! SQL of emergency plans (compiled once per backend: see `crate::sqlite` and `crate::postgres`).
//! The contact tree of a version (names, roles, phones) is stored as one JSON text encrypted
//! with the field cipher; the other parts are JSON texts.

use super::audit::append_in;
use super::common::{from_ms, ms, push_scope};
use super::db::{sql, Db, DbRow};
use super::store::Backend;
use crate::error::{StoreError, StoreResult};
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use neibao_domain::access::Scope;
use neibao_domain::attachments::AttachmentOwner;
use neibao_domain::audit::AuditEntry;
use neibao_domain::emergency::Scenario;
use neibao_domain::emergency_plans::*;
use neibao_domain::error::{DomainError, ErrorCode};
use neibao_domain::ids::new_id;
use sqlx::{QueryBuilder, Row};

type Tx = sqlx::Transaction<'static, Db>;

const AAD_CONTACTS: &str = "emergency_plan_versions.contacts";

const SUMMARY_SELECT: &str = "SELECT p.*, u.name AS unit_name, u.is_key_unit AS is_key_unit \
     FROM emergency_plans p JOIN units u ON u.id = p.unit_id WHERE 1=1";

fn summary_from_row(r: &DbRow) -> PlanSummary {
    let scenario = Scenario::from_code(r.get::<&str, _>("scenario")).unwrap_or(Scenario::Other);
    let status = PlanStatus::from_code(r.get::<&str, _>("status")).unwrap_or(PlanStatus::Draft);
    PlanSummary {
        id: r.get("id"),
        unit_id: r.get("unit_id"),
        unit_name: r.get("unit_name"),
        is_key_unit: r.get("is_key_unit"),
        title: r.get("title"),
        scenario,
        scenario_label: scenario.label_zh().into(),
        current_version: r.get("current_version"),
        status,
        status_label: status.label_zh().into(),
        accepted_version: r.get("accepted_version"),
        submitted_version: r.get("submitted_version"),
        updated_at: from_ms(r.get("updated_at")),
    }
}

fn step_from_row(r: &DbRow) -> ReviewStep {
    let action = ReviewAction::from_code(r.get::<&str, _>("action")).unwrap_or(ReviewAction::Edit);
    let status = PlanStatus::from_code(r.get::<&str, _>("status")).unwrap_or(PlanStatus::Draft);
    ReviewStep {
        version: r.get("version"),
        action,
        action_label: action.label_zh().into(),
        status,
        status_label: status.label_zh().into(),
        comment: r.get("comment"),
        actor_name: r.get("actor_name"),
        at: from_ms(r.get("at")),
    }
}

/// Refuses a change to a closed unit; `NotFound` outside the scope.
async fn open_unit(tx: &mut Tx, scope: &Scope, unit_id: &str) -> StoreResult<()> {
    let mut qb = QueryBuilder::new("SELECT u.state FROM units u WHERE u.id = ");
    qb.push_bind(unit_id.to_string());
    push_scope(&mut qb, scope);
    let state: String = qb
        .build_query_scalar()
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    if state == "closed" {
        return Err(DomainError::with_message(
            ErrorCode::InvalidTransition,
            "单位已注销，其应急预案只能查看，不能再新建或修改",
        )
        .into());
    }
    Ok(())
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

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

impl Backend {
    async fn ep_insert_version(
        &self,
        tx: &mut Tx,
        plan_id: &str,
        version: i64,
        c: &PlanContent,
        by: &str,
        at: i64,
    ) -> StoreResult<()> {
        sqlx::query(&sql(
            "INSERT INTO emergency_plan_versions (id, plan_id, version, title, scenario, roles, contacts, steps, resources, created_by, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ))
        .bind(new_id())
        .bind(plan_id)
        .bind(version)
        .bind(&c.title)
        .bind(c.scenario.code())
        .bind(json(&c.roles))
        .bind(self.cipher.encrypt(AAD_CONTACTS, &json(&c.contacts)))
        .bind(json(&c.steps))
        .bind(json(&c.resources))
        .bind(by)
        .bind(at)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    fn ep_version_from_row(&self, r: &DbRow) -> StoreResult<PlanVersion> {
        let contacts = self.cipher.decrypt(AAD_CONTACTS, r.get::<&str, _>("contacts"))?;
        Ok(PlanVersion {
            version: r.get("version"),
            content: PlanContent {
                title: r.get("title"),
                scenario: Scenario::from_code(r.get::<&str, _>("scenario")).unwrap_or(Scenario::Other),
                roles: serde_json::from_str(r.get::<&str, _>("roles")).unwrap_or_default(),
                contacts: serde_json::from_str(&contacts).unwrap_or_default(),
                steps: serde_json::from_str(r.get::<&str, _>("steps")).unwrap_or_default(),
                resources: serde_json::from_str(r.get::<&str, _>("resources")).unwrap_or_default(),
            },
            created_by: r.get("created_by"),
            created_at: from_ms(r.get("created_at")),
        })
    }

    async fn ep_step(&self, tx: &mut Tx, plan_id: &str, version: i64, c: &PlanChange) -> StoreResult<()> {
        sqlx::query(&sql(
            "INSERT INTO emergency_plan_reviews (id, plan_id, version, action, status, comment, actor_name, at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        ))
        .bind(new_id())
        .bind(plan_id)
        .bind(version)
        .bind(c.action.code())
        .bind(c.status.code())
        .bind(&c.comment)
        .bind(&c.actor_name)
        .bind(ms(c.at))
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// The plan in scope (inside `tx` or on the pool).
    async fn ep_plan_in<'e, E>(
        &self,
        exec: E,
        scope: &Scope,
        id: &str,
        version: Option<i64>,
    ) -> StoreResult<Option<Plan>>
    where
        E: sqlx::Executor<'e, Database = Db> + Copy,
    {
        let mut qb = QueryBuilder::new(SUMMARY_SELECT);
        qb.push(" AND p.id = ").push_bind(id.to_string());
        push_scope(&mut qb, scope);
        let Some(row) = qb.build().fetch_optional(exec).await? else {
            return Ok(None);
        };
        let summary = summary_from_row(&row);
        let v = version.unwrap_or(summary.current_version);
        let Some(vrow) = sqlx::query(&sql(
            "SELECT * FROM emergency_plan_versions WHERE plan_id = ? AND version = ?",
        ))
        .bind(id)
        .bind(v)
        .fetch_optional(exec)
        .await?
        else {
            return Ok(None);
        };
        let shown = self.ep_version_from_row(&vrow)?;
        let versions = sqlx::query(&sql(
            "SELECT version, title, created_by, created_at FROM emergency_plan_versions WHERE plan_id = ? ORDER BY version DESC",
        ))
        .bind(id)
        .fetch_all(exec)
        .await?
        .iter()
        .map(|r| VersionInfo {
            version: r.get("version"),
            title: r.get("title"),
            created_by: r.get("created_by"),
            created_at: from_ms(r.get("created_at")),
        })
        .collect();
        let history = sqlx::query(&sql(
            "SELECT * FROM emergency_plan_reviews WHERE plan_id = ? ORDER BY at, id",
        ))
        .bind(id)
        .fetch_all(exec)
        .await?
        .iter()
        .map(step_from_row)
        .collect();
        Ok(Some(Plan {
            summary,
            shown,
            versions,
            history,
            maps: Vec::new(),
        }))
    }

    async fn ep_with_maps(&self, scope: &Scope, mut p: Plan) -> StoreResult<Plan> {
        p.maps = self
            .list_attachments(scope, AttachmentOwner::EmergencyPlan, &p.summary.id)
            .await?;
        Ok(p)
    }
}

#[async_trait]
impl EmergencyPlanRepo for Backend {
    async fn emergency_plan_unit(&self, scope: &Scope, unit_id: &str) -> StoreResult<(String, bool)> {
        let mut qb = QueryBuilder::new("SELECT u.name, u.is_key_unit FROM units u WHERE u.id = ");
        qb.push_bind(unit_id.to_string());
        push_scope(&mut qb, scope);
        let r = qb
            .build()
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok((r.get("name"), r.get("is_key_unit")))
    }

    async fn emergency_plans(
        &self,
        scope: &Scope,
        unit_id: &str,
        scenario: Option<Scenario>,
    ) -> StoreResult<Vec<PlanSummary>> {
        self.emergency_plan_unit(scope, unit_id).await?;
        let mut qb = QueryBuilder::new(SUMMARY_SELECT);
        qb.push(" AND p.unit_id = ").push_bind(unit_id.to_string());
        if let Some(s) = scenario {
            qb.push(" AND p.scenario = ").push_bind(s.code());
        }
        push_scope(&mut qb, scope);
        qb.push(" ORDER BY p.scenario, p.updated_at DESC, p.id LIMIT 500");
        Ok(qb
            .build()
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(summary_from_row)
            .collect())
    }

    async fn emergency_plan(&self, scope: &Scope, id: &str, version: Option<i64>) -> StoreResult<Option<Plan>> {
        match self.ep_plan_in(&self.pool, scope, id, version).await? {
            Some(p) => Ok(Some(self.ep_with_maps(scope, p).await?)),
            None => Ok(None),
        }
    }

    async fn create_emergency_plan(&self, scope: &Scope, p: &NewPlan, audit: &AuditEntry) -> StoreResult<Plan> {
        let mut tx = self.begin_write().await?;
        open_unit(&mut tx, scope, &p.unit_id).await?;
        let at = ms(p.at);
        sqlx::query(&sql(
            "INSERT INTO emergency_plans (id, unit_id, title, scenario, status, current_version, created_at, updated_at) \
             VALUES (?, ?, ?, ?, 'draft', 1, ?, ?)",
        ))
        .bind(&p.id)
        .bind(&p.unit_id)
        .bind(&p.content.title)
        .bind(p.content.scenario.code())
        .bind(at)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        self.ep_insert_version(&mut tx, &p.id, 1, &p.content, &p.actor_name, at)
            .await?;
        let step = PlanChange {
            action: ReviewAction::Create,
            status: PlanStatus::Draft,
            content: None,
            comment: String::new(),
            actor_name: p.actor_name.clone(),
            at: p.at,
        };
        self.ep_step(&mut tx, &p.id, 1, &step).await?;
        append_in(&mut tx, &with_unit(audit, &p.id, &p.unit_id), p.at).await?;
        tx.commit().await?;
        self.emergency_plan(scope, &p.id, None)
            .await?
            .ok_or(StoreError::NotFound)
    }

    async fn change_emergency_plan(
        &self,
        scope: &Scope,
        id: &str,
        current_version: i64,
        c: &PlanChange,
        audit: &AuditEntry,
    ) -> StoreResult<Plan> {
        let mut tx = self.begin_write().await?;
        let mut qb = QueryBuilder::new(SUMMARY_SELECT);
        qb.push(" AND p.id = ").push_bind(id.to_string());
        push_scope(&mut qb, scope);
        let row = qb.build().fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?;
        let current = summary_from_row(&row);
        open_unit(&mut tx, scope, &current.unit_id).await?;
        let version = if c.content.is_some() {
            current_version + 1
        } else {
            current_version
        };
        let (title, scenario) = match &c.content {
            Some(content) => (content.title.clone(), content.scenario),
            None => (current.title.clone(), current.scenario),
        };
        let mut up = QueryBuilder::<Db>::new("UPDATE emergency_plans SET status = ");
        up.push_bind(c.status.code())
            .push(", current_version = ")
            .push_bind(version)
            .push(", title = ")
            .push_bind(title)
            .push(", scenario = ")
            .push_bind(scenario.code())
            .push(", updated_at = ")
            .push_bind(ms(c.at));
        match c.action {
            ReviewAction::Submit => {
                up.push(", submitted_version = ").push_bind(version);
            }
            ReviewAction::Accept => {
                up.push(", accepted_version = submitted_version, submitted_version = NULL");
            }
            ReviewAction::Return => {
                up.push(", submitted_version = NULL");
            }
            _ => {}
        }
        up.push(" WHERE id = ")
            .push_bind(id.to_string())
            .push(" AND current_version = ")
            .push_bind(current_version)
            .push(" AND status = ")
            .push_bind(current.status.code());
        let changed = up.build().execute(&mut *tx).await?.rows_affected();
        if changed == 0 {
            return Err(DomainError::with_message(
                ErrorCode::VersionConflict,
                "应急预案已被他人修改或办理，请刷新后重试",
            )
            .into());
        }
        if let Some(content) = &c.content {
            self.ep_insert_version(&mut tx, id, version, content, &c.actor_name, ms(c.at))
                .await?;
        }
        self.ep_step(&mut tx, id, version, c).await?;
        append_in(&mut tx, &with_unit(audit, id, &current.unit_id), c.at).await?;
        tx.commit().await?;
        self.emergency_plan(scope, id, None).await?.ok_or(StoreError::NotFound)
    }

    async fn emergency_plans_waiting(&self, scope: &Scope) -> StoreResult<Vec<PlanSummary>> {
        let mut qb = QueryBuilder::new(SUMMARY_SELECT);
        qb.push(" AND p.status = 'submitted'");
        push_scope(&mut qb, scope);
        qb.push(" ORDER BY p.updated_at, p.id LIMIT 500");
        Ok(qb
            .build()
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(summary_from_row)
            .collect())
    }

    async fn key_units_without_plan(&self, scope: &Scope) -> StoreResult<Vec<UnitWithoutPlan>> {
        let mut qb = QueryBuilder::new(
            "SELECT u.id, u.name, u.division_code, \
             (SELECT COUNT(*) FROM emergency_plans p WHERE p.unit_id = u.id) AS plans, \
             (SELECT COUNT(*) FROM emergency_plans p WHERE p.unit_id = u.id AND p.status = 'submitted') AS submitted \
             FROM units u WHERE u.is_key_unit = ",
        );
        qb.push_bind(true);
        qb.push(
            " AND u.state = 'active' AND NOT EXISTS (SELECT 1 FROM emergency_plans p \
             WHERE p.unit_id = u.id AND p.accepted_version IS NOT NULL)",
        );
        push_scope(&mut qb, scope);
        qb.push(" ORDER BY u.name, u.id LIMIT 500");
        Ok(qb
            .build()
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| UnitWithoutPlan {
                unit_id: r.get("id"),
                unit_name: r.get("name"),
                division_code: r.get("division_code"),
                plans: r.get("plans"),
                submitted: r.get("submitted"),
            })
            .collect())
    }
}
