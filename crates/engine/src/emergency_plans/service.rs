//! [`EmergencyPlanService`]: a unit's emergency plans (docs/EMERGENCY-PLANS.md; R18, R41(1)).
//!
//! Who may do what: everyone reads the plans of the units in their scope (police, competent
//! departments and administrators those of their jurisdiction, a unit's manager and guards their
//! own: guards act on them); the unit's security manager writes them and submits a key unit's
//! plan for review ([`Permission::EmergencyPlanWrite`]); police officers of the jurisdiction
//! return or accept it ([`Permission::EmergencyPlanReview`]). Out of scope is not found.

use chrono::Utc;
use neibao_domain::access::{Permission, Principal};
use neibao_domain::emergency::Scenario;
use neibao_domain::emergency_plans::*;
use neibao_domain::error::ErrorCode;
use neibao_domain::ids::new_id;
use neibao_domain::text::checked_text;

use crate::context::Ctx;
use crate::error::{ServiceError, ServiceResult};
use crate::notifications::notice::{send, Notice};

/// Longest title (characters).
pub const MAX_TITLE_CHARS: usize = 100;
/// Longest short field: a role, a person's name, a resource name (characters).
pub const MAX_SHORT_CHARS: usize = 50;
/// Longest duty, step or resource note (characters).
pub const MAX_LONG_CHARS: usize = 500;
/// Longest review comment (characters).
pub const MAX_COMMENT_CHARS: usize = 1000;
/// Most rows of each list (roles, contacts, steps, resources).
pub const MAX_ROWS: usize = 100;

/// A plan as typed. A contact's phone sent masked as shown (`138****5678`) keeps the number of
/// the same person in the version edited.
#[derive(Debug, Clone)]
pub struct PlanDraft {
    pub title: String,
    pub scenario: Scenario,
    pub roles: Vec<PlanRole>,
    pub contacts: Vec<PlanContact>,
    pub steps: Vec<String>,
    pub resources: Vec<PlanResource>,
}

/// A unit's emergency plans.
#[derive(Clone)]
pub struct EmergencyPlanService {
    pub(crate) ctx: Ctx,
}

/// Now, to the millisecond (as stored).
fn now() -> chrono::DateTime<Utc> {
    let t = Utc::now();
    chrono::DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

fn rows<T>(v: &[T], label: &str) -> ServiceResult<()> {
    if v.len() > MAX_ROWS {
        return Err(ServiceError::invalid(format!("{label}最多 {MAX_ROWS} 行")));
    }
    Ok(())
}

/// A phone number: digits with an optional leading `+` and `-` or spaces between, 5–20 digits.
fn checked_phone(phone: &str, n: usize) -> ServiceResult<String> {
    let p: String = phone.trim().chars().filter(|c| *c != ' ' && *c != '-').collect();
    let digits = p.strip_prefix('+').unwrap_or(&p);
    if !(5..=20).contains(&digits.chars().count()) || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(ServiceError::invalid(format!(
            "通讯联络第{n}行：电话应为 5–20 位数字（如 13812345678 或 0571-87654321）"
        )));
    }
    Ok(p)
}

/// Validates a draft; `before` is the content edited (to keep masked phones).
fn checked(d: PlanDraft, before: Option<&PlanContent>) -> ServiceResult<PlanContent> {
    let title = checked_text(&d.title, "预案名称", MAX_TITLE_CHARS, true, false)?;
    rows(&d.roles, "角色分工")?;
    rows(&d.contacts, "通讯联络")?;
    rows(&d.steps, "处置步骤")?;
    rows(&d.resources, "应急资源")?;
    let mut roles = Vec::new();
    for (i, r) in d.roles.iter().enumerate() {
        let n = i + 1;
        roles.push(PlanRole {
            role: checked_text(&r.role, &format!("角色分工第{n}行的角色"), MAX_SHORT_CHARS, true, false)?,
            person: checked_text(
                &r.person,
                &format!("角色分工第{n}行的人员"),
                MAX_SHORT_CHARS,
                true,
                false,
            )?,
            duty: checked_text(&r.duty, &format!("角色分工第{n}行的职责"), MAX_LONG_CHARS, false, false)?,
        });
    }
    let mut contacts = Vec::new();
    for (i, c) in d.contacts.iter().enumerate() {
        let n = i + 1;
        let name = checked_text(&c.name, &format!("通讯联络第{n}行的姓名"), MAX_SHORT_CHARS, true, false)?;
        let role = checked_text(
            &c.role,
            &format!("通讯联络第{n}行的职务或角色"),
            MAX_SHORT_CHARS,
            false,
            false,
        )?;
        let typed = c.phone.trim();
        let phone = if typed.contains('*') {
            // The masked number as shown: the same person's number of the version edited.
            before
                .and_then(|b| {
                    b.contacts
                        .iter()
                        .find(|x| x.name == name && neibao_domain::sensitive::mask(&x.phone, 3, 4) == typed)
                })
                .map(|x| x.phone.clone())
                .ok_or_else(|| {
                    ServiceError::invalid(format!(
                        "通讯联络第{n}行：请填写完整的电话号码（带 * 的号码只能保留原联系人的号码）"
                    ))
                })?
        } else {
            checked_phone(typed, n)?
        };
        contacts.push(PlanContact { name, role, phone });
    }
    let mut steps = Vec::new();
    for (i, s) in d.steps.iter().enumerate() {
        let s = checked_text(s, &format!("处置步骤第{}步", i + 1), MAX_LONG_CHARS, false, false)?;
        if !s.is_empty() {
            steps.push(s);
        }
    }
    if steps.is_empty() {
        return Err(ServiceError::invalid("请至少填写一个处置步骤"));
    }
    let mut resources = Vec::new();
    for (i, r) in d.resources.iter().enumerate() {
        let n = i + 1;
        resources.push(PlanResource {
            kind: r.kind,
            name: checked_text(&r.name, &format!("应急资源第{n}行的名称"), MAX_SHORT_CHARS, true, false)?,
            detail: checked_text(
                &r.detail,
                &format!("应急资源第{n}行的说明"),
                MAX_LONG_CHARS,
                false,
                false,
            )?,
        });
    }
    Ok(PlanContent {
        title,
        scenario: d.scenario,
        roles,
        contacts,
        steps,
        resources,
    })
}

impl EmergencyPlanService {
    pub fn new(ctx: Ctx) -> EmergencyPlanService {
        EmergencyPlanService { ctx }
    }

    /// The unit's name and key-unit flag. 404 outside the scope.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn unit(&self, who: &Principal, unit_id: &str) -> ServiceResult<(String, bool)> {
        Ok(self.ctx.store.emergency_plan_unit(&who.scope, unit_id).await?)
    }

    /// The unit's plans (of one scenario when given), by scenario, newest change first. 404
    /// outside the scope.
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn list(
        &self,
        who: &Principal,
        unit_id: &str,
        scenario: Option<Scenario>,
    ) -> ServiceResult<Vec<PlanSummary>> {
        Ok(self.ctx.store.emergency_plans(&who.scope, unit_id, scenario).await?)
    }

    /// The unit's current plan for a scenario, which the one-press alarm and drills link to:
    /// the accepted plan if any (the latest accepted), else the latest changed one; `None` when
    /// the unit keeps none for the scenario. 404 outside the scope.
    #[tracing::instrument(skip_all, fields(unit = %unit_id, scenario = scenario.code()))]
    pub async fn current_plan(
        &self,
        who: &Principal,
        unit_id: &str,
        scenario: Scenario,
    ) -> ServiceResult<Option<PlanSummary>> {
        let plans = self.list(who, unit_id, Some(scenario)).await?;
        let accepted = plans.iter().find(|p| p.accepted_version.is_some()).cloned();
        Ok(accepted.or_else(|| plans.into_iter().next()))
    }

    /// One plan with version `version` (the current one when `None`), its versions, history and
    /// maps; contact phones masked. 404 when absent, outside the scope, or no such version.
    #[tracing::instrument(skip_all, fields(plan = %id))]
    pub async fn get(&self, who: &Principal, id: &str, version: Option<i64>) -> ServiceResult<Plan> {
        Ok(self.get_plain(who, id, version).await?.masked())
    }

    async fn get_plain(&self, who: &Principal, id: &str, version: Option<i64>) -> ServiceResult<Plan> {
        self.ctx
            .store
            .emergency_plan(&who.scope, id, version)
            .await?
            .ok_or_else(ServiceError::not_found)
    }

    /// Creates a plan of the unit as version 1, status draft ([`Permission::EmergencyPlanWrite`];
    /// 404 outside the scope). Refused (400 `validation_failed`, the message names the row): an
    /// empty or too long title (100), no step, a role or contact without name, a malformed phone,
    /// more than 100 rows. Audited as `emergency_plan.create` (no phone in the audit).
    #[tracing::instrument(skip_all, fields(unit = %unit_id))]
    pub async fn create(&self, who: &Principal, unit_id: &str, d: PlanDraft) -> ServiceResult<Plan> {
        who.require(Permission::EmergencyPlanWrite)?;
        self.unit(who, unit_id).await?;
        let content = checked(d, None)?;
        let p = NewPlan {
            id: new_id(),
            unit_id: unit_id.to_string(),
            content,
            actor_name: who.username.clone(),
            at: now(),
        };
        let mut audit = who.audit("emergency_plan.create", "emergency_plan", &p.id, Some(unit_id));
        audit.detail =
            serde_json::json!({ "title": p.content.title, "scenario": p.content.scenario.code() }).to_string();
        Ok(self
            .ctx
            .store
            .create_emergency_plan(&who.scope, &p, &audit)
            .await?
            .masked())
    }

    async fn change(
        &self,
        who: &Principal,
        version: i64,
        action: ReviewAction,
        content: Option<PlanContent>,
        comment: String,
        current: &Plan,
    ) -> ServiceResult<Plan> {
        let s = &current.summary;
        let id = s.id.as_str();
        if version != s.current_version {
            return Err(ServiceError::refused(
                ErrorCode::VersionConflict,
                format!("应急预案已是第{}版，请刷新后重试", s.current_version),
            ));
        }
        let Some(status) = action.next(s.status) else {
            return Err(ServiceError::refused(
                ErrorCode::InvalidTransition,
                format!("应急预案当前为“{}”，不能{}", s.status.label_zh(), action.label_zh()),
            ));
        };
        let change = PlanChange {
            action,
            status,
            content,
            comment,
            actor_name: who.username.clone(),
            at: now(),
        };
        let mut audit = who.audit(
            &format!("emergency_plan.{}", action.code()),
            "emergency_plan",
            id,
            Some(&s.unit_id),
        );
        audit.detail = serde_json::json!({ "version": version, "status": status.code() }).to_string();
        Ok(self
            .ctx
            .store
            .change_emergency_plan(&who.scope, id, version, &change, &audit)
            .await?)
    }

    /// Saves a new version of a plan still at `version` ([`Permission::EmergencyPlanWrite`]):
    /// earlier versions stay readable; the plan becomes a draft again (an accepted version stays
    /// accepted until a newer one is). 409 `invalid_transition` while it waits for review, 409
    /// `version_conflict` when stale; refusals of the content as [`EmergencyPlanService::create`].
    /// Audited as `emergency_plan.edit`.
    #[tracing::instrument(skip_all, fields(plan = %id, version))]
    pub async fn edit(&self, who: &Principal, id: &str, version: i64, d: PlanDraft) -> ServiceResult<Plan> {
        who.require(Permission::EmergencyPlanWrite)?;
        let current = self.get_plain(who, id, None).await?;
        let content = checked(d, Some(&current.shown.content))?;
        Ok(self
            .change(who, version, ReviewAction::Edit, Some(content), String::new(), &current)
            .await?
            .masked())
    }

    /// Submits the current version for police review ([`Permission::EmergencyPlanWrite`]): only a
    /// key unit's plan (400 otherwise: other units keep plans without review), from draft or
    /// returned (409 `invalid_transition`). Audited as `emergency_plan.submit`.
    #[tracing::instrument(skip_all, fields(plan = %id, version))]
    pub async fn submit(&self, who: &Principal, id: &str, version: i64) -> ServiceResult<Plan> {
        who.require(Permission::EmergencyPlanWrite)?;
        let current = self.get_plain(who, id, None).await?;
        if !current.summary.is_key_unit {
            return Err(ServiceError::invalid(
                "本单位不是治安保卫重点单位，应急预案由单位自行管理，无需报公安机关审核",
            ));
        }
        Ok(self
            .change(who, version, ReviewAction::Submit, None, String::new(), &current)
            .await?
            .masked())
    }

    /// Returns a submitted plan with comments (required, at most 1000 characters;
    /// [`Permission::EmergencyPlanReview`]); the unit edits and resubmits, the history is kept and
    /// the unit is told in its inbox. Audited as `emergency_plan.return`.
    #[tracing::instrument(skip_all, fields(plan = %id, version))]
    pub async fn return_plan(&self, who: &Principal, id: &str, version: i64, comment: &str) -> ServiceResult<Plan> {
        who.require(Permission::EmergencyPlanReview)?;
        let current = self.get_plain(who, id, None).await?;
        let comment = checked_text(comment, "退回意见", MAX_COMMENT_CHARS, true, true)?;
        let p = self
            .change(who, version, ReviewAction::Return, None, comment.clone(), &current)
            .await?;
        self.tell(
            &p,
            "应急预案被退回",
            format!("公安机关退回了第{version}版，意见：{comment}。请修改后重新提交。"),
        )
        .await?;
        Ok(p.masked())
    }

    /// Accepts a submitted plan, with an optional comment ([`Permission::EmergencyPlanReview`]);
    /// the unit is told in its inbox. Audited as `emergency_plan.accept`.
    #[tracing::instrument(skip_all, fields(plan = %id, version))]
    pub async fn accept(&self, who: &Principal, id: &str, version: i64, comment: &str) -> ServiceResult<Plan> {
        who.require(Permission::EmergencyPlanReview)?;
        let current = self.get_plain(who, id, None).await?;
        let comment = checked_text(comment, "审核意见", MAX_COMMENT_CHARS, false, true)?;
        let p = self
            .change(who, version, ReviewAction::Accept, None, comment, &current)
            .await?;
        self.tell(&p, "应急预案审核通过", format!("公安机关审核通过了第{version}版。"))
            .await?;
        Ok(p.masked())
    }

    async fn tell(&self, p: &Plan, what: &str, summary: String) -> ServiceResult<()> {
        let s = &p.summary;
        let notice = Notice {
            key: format!("emergency-plan:{}:{}:{}", s.id, s.current_version, s.status.code()),
            unit_id: Some(s.unit_id.clone()),
            org_ids: Vec::new(),
            title: format!("{what}：{}", s.title),
            unit_name: s.unit_name.clone(),
            summary,
            link: format!("/emergency-plans/{}", s.id),
            at: Utc::now(),
        };
        send(self.ctx.store.as_ref(), &notice, self.ctx.config.public_url.as_deref()).await?;
        Ok(())
    }

    /// The plans of the caller's jurisdiction waiting for review, oldest first.
    #[tracing::instrument(skip_all)]
    pub async fn waiting(&self, who: &Principal) -> ServiceResult<Vec<PlanSummary>> {
        Ok(self.ctx.store.emergency_plans_waiting(&who.scope).await?)
    }

    /// The active key units of the caller's jurisdiction without an accepted plan, by name.
    #[tracing::instrument(skip_all)]
    pub async fn key_units_without_plan(&self, who: &Principal) -> ServiceResult<Vec<UnitWithoutPlan>> {
        Ok(self.ctx.store.key_units_without_plan(&who.scope).await?)
    }
}
