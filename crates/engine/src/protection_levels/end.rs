//! The planned end of an order (`JobKind::ProtectionLevelEnd`, payload `{"ends_at": ms}`):
//! written with the order and with each extension; ends the order if it is still active and its
//! planned end is still the job's (an extension or an earlier end leaves the old job nothing to
//! do). The end is audited as `protection_level.end` by the system, with a history row, and the
//! units are told.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use neibao_domain::access::{Principal, Scope};
use neibao_domain::jobs::{Job, JobKind, NewJob};
use neibao_domain::protection_levels::{Level, OrderChange, OrderState, Transition};
use neibao_store::StoreError;

use super::notify::notify_units;
use crate::context::Ctx;
use crate::jobs::scheduler::Handler;

/// The end job of order `id` planned to end at `ends_at`.
pub fn end_job(id: &str, ends_at: DateTime<Utc>) -> NewJob {
    NewJob {
        kind: JobKind::ProtectionLevelEnd,
        subject_id: id.to_string(),
        due_at: ends_at,
        payload: serde_json::json!({ "ends_at": ends_at.timestamp_millis() }),
    }
}

async fn on_end(ctx: &Ctx, job: &Job) -> anyhow::Result<()> {
    let Some(detail) = ctx.store.protection_order(&Scope::All, &job.subject_id).await? else {
        return Ok(());
    };
    let order = detail.order;
    let planned = job.payload.get("ends_at").and_then(|v| v.as_i64());
    if order.state != OrderState::Active || planned != Some(order.ends_at.timestamp_millis()) {
        return Ok(());
    }
    let who = Principal::system("system");
    let audit = who.audit("protection_level.end", "protection_level_order", &order.id, None);
    let change = OrderChange {
        order_id: order.id.clone(),
        transition: Transition::End,
        from_level: order.level,
        to_level: Level::Normal,
        measures: order.measures.clone(),
        ends_at: order.ends_at,
        reason: "到达计划结束时间，自动结束".into(),
        by_name: "系统".into(),
        at: job.due_at.max(order.ends_at),
        version: None,
    };
    match ctx.store.change_protection_order(&change, None, &audit).await {
        Ok((order, units)) => notify_units(ctx, &order, &units, "结束").await,
        // Ended meanwhile by a person.
        Err(StoreError::Domain(_)) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// The scheduler handler of `JobKind::ProtectionLevelEnd`.
pub fn end_handler(ctx: Ctx) -> Handler {
    let ctx = Arc::new(ctx);
    Arc::new(move |job| {
        let ctx = ctx.clone();
        Box::pin(async move { on_end(&ctx, &job).await })
    })
}
