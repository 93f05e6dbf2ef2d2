//! The review deadline of an objection (`JobKind::CreditObjectionDeadline`, written with the
//! objection): marks it overdue if it is still pending, audited as `credit_objection.overdue`
//! by the system, and reminds the reviewing police (inbox and their channels) once.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use neibao_domain::access::Principal;
use neibao_domain::jobs::{Job, JobKind, NewJob};

use crate::context::Ctx;
use crate::jobs::scheduler::Handler;
use crate::notifications::notice::{send, Notice};

/// The review deadline of an objection filed at `at`: [`neibao_domain::credit::REVIEW_DAYS`]
/// days on.
pub fn deadline_of(at: DateTime<Utc>) -> DateTime<Utc> {
    at + Duration::days(neibao_domain::credit::REVIEW_DAYS)
}

/// The deadline job of objection `id`.
pub fn deadline_job(id: &str, deadline: DateTime<Utc>) -> NewJob {
    NewJob {
        kind: JobKind::CreditObjectionDeadline,
        subject_id: id.to_string(),
        due_at: deadline,
        payload: serde_json::json!({}),
    }
}

async fn on_deadline(ctx: &Ctx, job: &Job) -> anyhow::Result<()> {
    let who = Principal::system("system");
    let audit = who.audit("credit_objection.overdue", "credit_objection", &job.subject_id, None);
    let now = job.due_at.max(Utc::now());
    let Some(o) = ctx
        .store
        .mark_credit_objection_overdue(&job.subject_id, now, &audit)
        .await?
    else {
        return Ok(());
    };
    if let Some(org) = &o.review_org_id {
        let notice = Notice {
            key: format!("credit-objection-overdue:{}", o.id),
            unit_id: None,
            org_ids: vec![org.clone()],
            title: format!("诚信异议已超过复核期限：{}（{}）", o.unit_name, o.record_kind_label),
            unit_name: o.unit_name.clone(),
            summary: format!(
                "{}对诚信记录「{}」提出的异议已超过复核期限仍未复核，请尽快复核并答复。",
                o.unit_name, o.record_kind_label
            ),
            link: format!("/credit/objections/{}", o.id),
            at: now,
        };
        send(ctx.store.as_ref(), &notice, ctx.config.public_url.as_deref()).await?;
    }
    Ok(())
}

/// The scheduler handler of `JobKind::CreditObjectionDeadline`.
pub fn deadline_handler(ctx: Ctx) -> Handler {
    let ctx = Arc::new(ctx);
    Arc::new(move |job| {
        let ctx = ctx.clone();
        Box::pin(async move { on_deadline(&ctx, &job).await })
    })
}
