//! Hazard actions through the ladder (docs/REQUIREMENTS.md §b.1, `Permission::HazardAct`): the state
//! machine decides whether an action is legal for the caller's side at this moment; the step,
//! its document, its credit entry, the deadline jobs and the audit entry are written together.

use chrono::{DateTime, Duration, SubsecRound, Utc};
use neibao_domain::access::{Permission, Principal};
use neibao_domain::attachments::AttachmentOwner;
use neibao_domain::documents::{document_for, hazard_document, interview_of};
use neibao_domain::error::{DomainError, ErrorCode};
use neibao_domain::supervision::effects::{credit_kind, credit_record, deadline_jobs};
use neibao_domain::supervision::input::{check_text, invalid};
use neibao_domain::supervision::ladder::{Action, Actor, Phase, Rung};
use neibao_domain::supervision::{Hazard, HazardStep, HazardUpdate, StepDraft};
use neibao_store::{Store, StoreError};
use serde::Deserialize;

use super::settings::{issuer, settings};
use crate::error::{ServiceError, ServiceResult};

/// One action on a hazard as sent by a user.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct ActInput {
    /// The action and its fields, e.g. `{"action":"issue_order","deadline":"…"}`,
    /// `{"action":"escalate","rung":"interview","deadline":"…","interview_at":"…","interview_place":"分局三楼会议室"}`
    /// (约谈 needs its time and place: `document_incomplete` names the one missing),
    /// `{"action":"decide_fine","fine":{"harm":"serious_threat","unit_amount_yuan":20000,"persons":[]}}`.
    #[serde(flatten)]
    pub action: Action,
    /// Why (shown in the record and on the documents).
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub reason: String,
    /// Evidence files already uploaded to the hazard (attachment ids).
    #[serde(default)]
    #[schema(max_items = 20)]
    pub evidence: Vec<String>,
    /// The hazard version the user saw; a stale one is refused (409).
    #[serde(default)]
    pub expected_version: Option<i64>,
}

fn stale() -> ServiceError {
    ServiceError::refused(ErrorCode::Conflict, "隐患已被他人更新，请刷新后重试")
}

/// Applies a user's action to a hazard. A concurrent change makes the call retry (up to three
/// times) unless the caller named the version it saw. Audited as `hazard.{action}` (e.g.
/// `hazard.issue_order`, `hazard.recheck_pass`).
pub async fn act(
    store: &dyn Store,
    who: &Principal,
    hazard_id: &str,
    input: ActInput,
    now: DateTime<Utc>,
) -> ServiceResult<(Hazard, HazardStep)> {
    who.require(Permission::HazardAct)?;
    let actor = Actor::for_role(who.role).ok_or_else(|| ServiceError::forbidden("当前角色不能处置隐患"))?;
    let reason = check_text("说明", &input.reason, 1000, false)?;
    let mut input = input;
    // Deadlines are kept to the second (the database and the timers count milliseconds).
    match &mut input.action {
        Action::IssueOrder { deadline } => *deadline = deadline.trunc_subsecs(0),
        Action::RequestExtension { until } => *until = until.trunc_subsecs(0),
        Action::Escalate {
            deadline,
            severe_event_at,
            interview_at,
            interview_place,
            ..
        } => {
            *deadline = deadline.trunc_subsecs(0);
            *severe_event_at = severe_event_at.map(|t| t.trunc_subsecs(0));
            *interview_at = interview_at.map(|t| t.trunc_subsecs(0));
            // The place as it goes on the 约谈通知书: one clean line; blank is no place.
            *interview_place = match interview_place.as_deref() {
                Some(p) => {
                    Some(neibao_domain::text::checked_text(p, "约谈地点", 200, false, false)?).filter(|p| !p.is_empty())
                }
                None => None,
            };
        }
        _ => {}
    }
    if input.evidence.len() > 20 {
        return Err(invalid("佐证材料不超过20个").into());
    }
    let evidence = store
        .list_attachments(&who.scope, AttachmentOwner::Hazard, hazard_id)
        .await?;
    for e in &input.evidence {
        if !evidence.iter().any(|a| &a.id == e) {
            return Err(invalid("佐证材料不属于该隐患").into());
        }
    }
    if matches!(input.action, Action::SubmitRectification) && input.evidence.is_empty() {
        return Err(invalid("提交整改报告须附整改佐证材料（照片或文件）").into());
    }
    if matches!(input.action, Action::FixOnSpot) && input.evidence.is_empty() {
        return Err(invalid("当场整改须附佐证材料").into());
    }
    if matches!(
        input.action,
        Action::SubmitRectification | Action::RequestExtension { .. }
    ) && reason.is_empty()
    {
        return Err(invalid("请填写整改情况或延期理由").into());
    }
    let mut attempts = 0;
    loop {
        attempts += 1;
        let h = store.get_hazard(&who.scope, hazard_id).await?;
        if let Some(v) = input.expected_version {
            if v != h.version {
                return Err(stale());
            }
        }
        match apply_once(store, who, actor, &h, &input, &reason, now).await {
            Err(Step::Store(StoreError::Conflict(_))) if attempts < 3 && input.expected_version.is_none() => continue,
            Err(Step::Store(StoreError::Conflict(_))) => return Err(stale()),
            Err(Step::Store(e)) => return Err(e.into()),
            Err(Step::Refused(e)) => return Err(e),
            Ok(done) => return Ok(done),
        }
    }
}

/// Why one attempt failed: the store (a conflict is retried) or a refusal.
enum Step {
    Store(StoreError),
    Refused(ServiceError),
}

impl From<ServiceError> for Step {
    fn from(e: ServiceError) -> Self {
        Step::Refused(e)
    }
}

impl From<DomainError> for Step {
    fn from(e: DomainError) -> Self {
        Step::Refused(e.into())
    }
}

impl From<StoreError> for Step {
    fn from(e: StoreError) -> Self {
        Step::Store(e)
    }
}

async fn apply_once(
    store: &dyn Store,
    who: &Principal,
    actor: Actor,
    h: &Hazard,
    input: &ActInput,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(Hazard, HazardStep), Step> {
    // The ladder order and deadlines are those of the bureau that ordered rectification (or the
    // acting officer's bureau before any order).
    let order_org = h.org_id.clone().or_else(|| who.org_id.clone());
    let bureau = settings(store, order_org.as_deref()).await?;
    if let Action::IssueOrder { deadline } | Action::Escalate { deadline, .. } = &input.action {
        if *deadline > now + Duration::days(bureau.deadlines.max_days) {
            return Err(invalid(format!("整改期限不超过{}日", bureau.deadlines.max_days)).into());
        }
    }
    let mut case = h.case_state.clone();
    let before = case.clone();
    let t = case
        .apply(actor, input.action.clone(), now, &bureau.ladder)
        .map_err(DomainError::from)?;
    let document = match document_for(&input.action) {
        Some(kind) => {
            let iss = issuer(store, who).await?;
            let referral_to = if matches!(
                input.action,
                Action::Escalate {
                    rung: Rung::Referral,
                    ..
                }
            ) {
                let unit = store.get_unit(&who.scope, &h.unit_id).await?;
                unit.competent_department_name.unwrap_or_default()
            } else {
                String::new()
            };
            // The document gets the masked reason, as the step's column keeps it (docs/SECURITY.md,
            // "Personal data in free text"): documents.content holds no plaintext.
            let shown = neibao_domain::privacy::FreeText::new(reason);
            let content = hazard_document(
                kind,
                h,
                &case,
                &iss,
                shown.shown(),
                now,
                &referral_to,
                interview_of(&input.action),
            );
            Some(iss.draft(
                kind,
                &h.unit_id,
                Some(&h.id),
                h.inspection_id.as_deref(),
                content,
                &who.display_name,
                now,
            )?)
        }
        None => None,
    };
    let credit = credit_kind(&input.action, t.from, t.to)
        .map(|kind| credit_record(&bureau.credit, kind, h, t.legal_basis, &who.display_name, now));
    let jobs = match case.deadline {
        Some(d) if case.phase == Phase::Rectifying && before.deadline != case.deadline => {
            deadline_jobs(&h.id, d, &bureau.reminder_days, now)
        }
        _ => Vec::new(),
    };
    let mut detail = serde_json::to_value(&input.action).unwrap_or_default();
    if let serde_json::Value::Object(m) = &mut detail {
        m.insert("evidence".into(), serde_json::json!(input.evidence));
        if let Some(d) = case.deadline {
            m.insert("deadline_after".into(), serde_json::json!(d));
        }
    }
    let org_id = if actor == Actor::Police {
        who.org_id.clone()
    } else {
        None
    };
    let mut audit = who.audit(
        &format!("hazard.{}", t.action.code()),
        "hazard",
        &h.id,
        Some(&h.unit_id),
    );
    audit.detail = serde_json::json!({
        "from": t.from.code(),
        "to": t.to.code(),
        "version": h.version,
    })
    .to_string();
    Ok(store
        .update_hazard(
            &who.scope,
            &HazardUpdate {
                hazard_id: h.id.clone(),
                expected_version: h.version,
                from: t.from,
                case_state: case,
                step: StepDraft {
                    action: t.action.code().into(),
                    actor_id: Some(who.user_id.clone()),
                    actor_name: who.display_name.clone(),
                    reason: reason.to_string(),
                    legal_basis: t.legal_basis.into(),
                    detail,
                    dedup_key: None,
                },
                document,
                credit,
                jobs,
                org_id,
            },
            Some(&audit),
            now,
        )
        .await?)
}
