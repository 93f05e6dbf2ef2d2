//! A bulletin's acknowledgement deadline (`JobKind::BulletinDeadline`, written with the bulletin):
//! each recipient that has not acknowledged is marked reminded (overdue, on the police's list)
//! and gets one reminder. Audited as `bulletin.remind` by the system.

use std::sync::Arc;

use neibao_domain::access::{Principal, Scope};
use neibao_domain::jobs::{Job, JobKind, NewJob};

use super::notify::notify_overdue;
use crate::context::Ctx;
use crate::jobs::scheduler::Handler;

/// The deadline job of bulletin `id` due at `due`.
pub fn deadline_job(id: &str, due: chrono::DateTime<chrono::Utc>) -> NewJob {
    NewJob {
        kind: JobKind::BulletinDeadline,
        subject_id: id.to_string(),
        due_at: due,
        payload: serde_json::json!({}),
    }
}

async fn on_deadline(ctx: &Ctx, job: &Job) -> anyhow::Result<()> {
    let Some((b, _)) = ctx.store.bulletin(&Scope::All, &job.subject_id).await? else {
        return Ok(());
    };
    let who = Principal::system("system");
    let audit = who.audit("bulletin.remind", "bulletin", &b.id, None);
    let due = ctx.store.remind_bulletin(&b.id, job.due_at, &audit).await?;
    notify_overdue(ctx, &b, &due, job.due_at).await
}

/// The scheduler handler of `JobKind::BulletinDeadline`.
pub fn deadline_handler(ctx: Ctx) -> Handler {
    let ctx = Arc::new(ctx);
    Arc::new(move |job| {
        let ctx = ctx.clone();
        Box::pin(async move { on_deadline(&ctx, &job).await })
    })
}
