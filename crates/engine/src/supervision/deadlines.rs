//! The deadline timers of hazards: rows of the durable scheduler (`JobKind::HazardDeadline`,
//! `JobKind::HazardReminder`), so each fires once across restarts and nodes. Nobody acts here,
//! so nothing is audited: the hazard's steps record what the platform did.

use std::sync::Arc;

use neibao_domain::access::Scope;
use neibao_domain::jobs::Job;
use neibao_domain::supervision::calendar::date_zh;
use neibao_domain::supervision::credit::EntryKind;
use neibao_domain::supervision::effects::credit_record;
use neibao_domain::supervision::ladder::{Action, Actor, Phase};
use neibao_domain::supervision::{HazardUpdate, StepDraft};
use neibao_store::{Store, StoreError};

use super::settings::settings;
use crate::jobs::scheduler::Handler;
use crate::notifications::notice::{send, Notice};

fn payload_deadline(job: &Job) -> Option<i64> {
    job.payload.get("deadline").and_then(|v| v.as_i64())
}

/// Runs a deadline job: if the hazard is still rectifying under that deadline, it becomes
/// overdue (as of the deadline) with its credit entry. Otherwise (rectified, extended,
/// escalated) nothing happens. Running it twice changes nothing the second time.
pub async fn on_deadline(store: &dyn Store, job: &Job) -> anyhow::Result<()> {
    let h = match store.get_hazard(&Scope::All, &job.subject_id).await {
        Ok(h) => h,
        Err(StoreError::NotFound) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    if h.phase != Phase::Rectifying || h.deadline.map(|d| d.timestamp_millis()) != payload_deadline(job) {
        return Ok(());
    }
    let bureau = settings(store, h.org_id.as_deref())
        .await
        .map_err(|e| anyhow::anyhow!("bureau settings: {e}"))?;
    let mut case = h.case_state.clone();
    // The job's time is stored to the millisecond; the deadline itself is the moment it passed.
    let at = job.due_at.max(case.deadline.unwrap_or(job.due_at));
    let t = match case.apply(Actor::System, Action::MarkOverdue, at, &bureau.ladder) {
        Ok(t) => t,
        Err(_) => return Ok(()),
    };
    store
        .update_hazard(
            &Scope::All,
            &HazardUpdate {
                hazard_id: h.id.clone(),
                expected_version: h.version,
                from: t.from,
                case_state: case,
                step: StepDraft {
                    action: t.action.code().into(),
                    actor_id: None,
                    actor_name: "系统".into(),
                    reason: "整改期限届满，未经复查合格".into(),
                    legal_basis: t.legal_basis.into(),
                    detail: serde_json::json!({ "job": job.id }),
                    dedup_key: Some(format!("deadline:{}", job.id)),
                },
                document: None,
                credit: Some(credit_record(
                    &bureau.credit,
                    EntryKind::Overdue,
                    &h,
                    t.legal_basis,
                    "系统",
                    at,
                )),
                jobs: Vec::new(),
                org_id: None,
            },
            None,
            at,
        )
        .await?;
    Ok(())
}

/// Runs a reminder job: records a reminder step (距整改期限还有 N 日) on a hazard still
/// rectifying under that deadline and sends it to the unit (inbox and the unit's own channels,
/// `crate::notifications::notice`); the job id keys both, so each is written once.
pub async fn on_reminder(store: &dyn Store, job: &Job, base_url: Option<&str>) -> anyhow::Result<()> {
    let h = match store.get_hazard(&Scope::All, &job.subject_id).await {
        Ok(h) => h,
        Err(StoreError::NotFound) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    if h.phase != Phase::Rectifying || h.deadline.map(|d| d.timestamp_millis()) != payload_deadline(job) {
        return Ok(());
    }
    let days = job.payload.get("days").and_then(|v| v.as_i64()).unwrap_or(0);
    let reason = format!(
        "距整改期限还有{days}日（{}）",
        h.deadline.map(date_zh).unwrap_or_default()
    );
    let notice = Notice {
        key: format!("reminder:{}", job.id),
        unit_id: Some(h.unit_id.clone()),
        org_ids: Vec::new(),
        title: format!("整改期限提醒：{}", h.title),
        unit_name: h.unit_name.clone(),
        summary: format!("隐患“{}”{reason}，请按期整改并在内保平台报告整改情况。", h.title),
        link: format!("/hazards/{}", h.id),
        at: job.due_at,
    };
    let update = HazardUpdate {
        hazard_id: h.id.clone(),
        expected_version: h.version,
        from: h.phase,
        case_state: h.case_state.clone(),
        step: StepDraft {
            action: "remind".into(),
            actor_id: None,
            actor_name: "系统".into(),
            reason,
            legal_basis: String::new(),
            detail: serde_json::json!({ "job": job.id, "days": days }),
            dedup_key: Some(format!("reminder:{}", job.id)),
        },
        document: None,
        credit: None,
        jobs: Vec::new(),
        org_id: None,
    };
    match store.update_hazard(&Scope::All, &update, None, job.due_at).await {
        Ok(_) => {}
        Err(StoreError::Conflict(_)) => {
            let steps = store.hazard_steps(&Scope::All, &h.id).await?;
            if !steps
                .iter()
                .any(|s| s.detail.get("job").and_then(|j| j.as_str()) == Some(job.id.as_str()))
            {
                anyhow::bail!("hazard changed while reminding; retried later")
            }
        }
        Err(e) => return Err(e.into()),
    }
    send(store, &notice, base_url).await?;
    Ok(())
}

/// The scheduler handler of `JobKind::HazardDeadline`.
pub fn deadline_handler(store: Arc<dyn Store>) -> Handler {
    Arc::new(move |job| {
        let store = store.clone();
        Box::pin(async move { on_deadline(store.as_ref(), &job).await })
    })
}

/// The scheduler handler of `JobKind::HazardReminder`.
pub fn reminder_handler(store: Arc<dyn Store>, base_url: Option<String>) -> Handler {
    Arc::new(move |job| {
        let store = store.clone();
        let base_url = base_url.clone();
        Box::pin(async move { on_reminder(store.as_ref(), &job, base_url.as_deref()).await })
    })
}
