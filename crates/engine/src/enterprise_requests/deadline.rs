//! The response deadline of a request (`JobKind::EnterpriseRequestDeadline`, written with the
//! request): marks it overdue if it is still open, audited as `enterprise_request.overdue` by the
//! system, and tells the station (inbox and its channels) once.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use neibao_domain::access::Principal;
use neibao_domain::jobs::{Job, JobKind, NewJob};

use crate::context::Ctx;
use crate::jobs::scheduler::Handler;
use crate::notifications::notice::{send, Notice};

/// The deadline of a request filed at `at` with a response time of `days`.
pub fn deadline_of(at: DateTime<Utc>, days: i64) -> DateTime<Utc> {
    at + Duration::days(days)
}

/// The deadline job of request `id`.
pub fn deadline_job(id: &str, deadline: DateTime<Utc>) -> NewJob {
    NewJob {
        kind: JobKind::EnterpriseRequestDeadline,
        subject_id: id.to_string(),
        due_at: deadline,
        payload: serde_json::json!({}),
    }
}

async fn on_deadline(ctx: &Ctx, job: &Job) -> anyhow::Result<()> {
    let who = Principal::system("system");
    let audit = who.audit(
        "enterprise_request.overdue",
        "enterprise_request",
        &job.subject_id,
        None,
    );
    let now = job.due_at.max(Utc::now());
    let Some(r) = ctx
        .store
        .mark_enterprise_request_overdue(&job.subject_id, now, &audit)
        .await?
    else {
        return Ok(());
    };
    if let Some(station) = &r.station_id {
        let notice = Notice {
            key: format!("enterprise-request-overdue:{}", r.id),
            unit_id: None,
            org_ids: vec![station.clone()],
            title: format!("民营企业诉求已超期：{}（{}）", r.unit_name, r.kind.label_zh()),
            unit_name: r.unit_name.clone(),
            summary: format!(
                "{}提交的{}已超过答复期限仍未办结，请尽快答复、办结。",
                r.unit_name,
                r.kind.label_zh()
            ),
            link: format!("/enterprise-requests/{}", r.id),
            at: now,
        };
        send(ctx.store.as_ref(), &notice, ctx.config.public_url.as_deref()).await?;
    }
    Ok(())
}

/// The scheduler handler of `JobKind::EnterpriseRequestDeadline`.
pub fn deadline_handler(ctx: Ctx) -> Handler {
    let ctx = Arc::new(ctx);
    Arc::new(move |job| {
        let ctx = ctx.clone();
        Box::pin(async move { on_deadline(&ctx, &job).await })
    })
}
