//! Patrol misses as events (docs/PATROL.md; R12(3)): "a patrol miss is an event like any device
//! event". A miss is recorded once by its key (`patrol_misses`), then one event
//! (`patrol.checkpoint_missed` or `patrol.round_late`) of the unit's patrol event source goes
//! through the pipeline ([`crate::intake::pipeline::Pipeline::process_generated`]) under the same
//! key, where the built-in rule `patrol_miss` (and any data rule) turns it into an alert. Doing
//! it again — a replayed finish, a job run twice — stores nothing twice and raises no second
//! alert.
//!
//! The late-round check (`JobKind::PatrolWindow`): one job per route at the end of the next
//! start window of its schedule (subject: the route id, payload `{"start": ms}`); if no round of
//! the route started in the window, a `patrol.round_late` miss. Each run schedules the next
//! window; a window the route's schedule no longer has (changed meanwhile) is dropped, as the
//! change scheduled its own. While the unit is not active (suspended, closed) a window records
//! nothing, but the next one is still scheduled, so that a reactivated unit's routes are checked
//! again.
//!
//! The overtime check: a round has a longest time (`max_minutes`, copied from its route when it
//! starts). One `JobKind::PatrolOvertime` job per round, due that long after the start: a round
//! still in progress then is a `patrol.round_late` miss (key `overtime:<round>`); a round finished
//! after its longest time is the same miss, recorded when it finishes — one alert either way.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use chrono_tz::Asia::Shanghai;
use neibao_domain::access::Scope;
use neibao_domain::events::{DecodedEvent, DecodedPayload, EventKind, EventState};
use neibao_domain::jobs::{Job, JobKind, NewJob};
use neibao_domain::patrol::*;
use neibao_domain::registry::LifeState;

use crate::context::Ctx;
use crate::jobs::scheduler::Handler;

/// The late-round check of `route_id` for window `w`.
pub fn window_job(route_id: &str, w: RoundWindow) -> NewJob {
    NewJob {
        kind: JobKind::PatrolWindow,
        subject_id: route_id.to_string(),
        due_at: w.end,
        payload: serde_json::json!({ "start": w.start.timestamp_millis() }),
    }
}

/// The first late-round check of a route with this schedule, from `now`.
pub fn first_check(
    route_id: &str,
    schedule: &[neibao_domain::registry::ArmedPeriod],
    now: DateTime<Utc>,
) -> Option<NewJob> {
    next_window(schedule, now).map(|w| window_job(route_id, w))
}

/// `MM-DD HH:MM`, Beijing time.
pub fn short_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&Shanghai).format("%m-%d %H:%M").to_string()
}

/// Records `miss` (with `next`, the next late-round check) and sends its event through the
/// pipeline. A unit no longer active records the miss and raises nothing.
pub(crate) async fn emit(
    ctx: &Ctx,
    miss: &PatrolMiss,
    kind: EventKind,
    region: &str,
    next: Option<&NewJob>,
) -> anyhow::Result<()> {
    ctx.store.record_patrol_miss(miss, next).await?;
    let Some(device) = ctx.store.patrol_device(&miss.unit_id).await? else {
        return Ok(());
    };
    let mut ev = DecodedEvent::new(kind, kind.code(), EventState::Active);
    ev.region = Some(region.chars().take(200).collect());
    ev.description = Some(miss.detail.clone());
    ev.device_time = Some(miss.at.fixed_offset());
    ev.device_time_has_offset = true;
    let payload = DecodedPayload {
        events: vec![ev],
        heartbeats: 0,
    };
    ctx.pipeline
        .process_generated(&device, &payload, &format!("patrol:{}", miss.key), Utc::now())
        .await?;
    Ok(())
}

/// The misses of a finished round: one per expected checkpoint not visited.
pub(crate) async fn round_misses(ctx: &Ctx, round: &PatrolRound) -> anyhow::Result<usize> {
    let missed = round.missed();
    let at = round.finished_at.unwrap_or_else(Utc::now);
    for c in &missed {
        let when = short_time(round.started_at);
        let miss = PatrolMiss {
            key: format!("checkpoint:{}:{}", round.id, c.id),
            unit_id: round.unit_id.clone(),
            route_id: round.route_id.clone(),
            round_id: Some(round.id.clone()),
            kind: MISS_CHECKPOINT,
            at,
            detail: format!(
                "巡查路线「{}」{} 开始的巡查（{}）结束时，巡查点「{}」未到位",
                round.route_name, when, round.guard_name, c.name
            ),
        };
        let region = format!("{} · {}（{}）", round.route_name, c.name, when);
        emit(ctx, &miss, EventKind::PatrolCheckpointMissed, &region, None).await?;
    }
    Ok(missed.len())
}

/// The overtime check of a round that started at `started` with this longest time.
pub fn overtime_job(round_id: &str, started: DateTime<Utc>, max_minutes: i64) -> NewJob {
    NewJob {
        kind: JobKind::PatrolOvertime,
        subject_id: round_id.to_string(),
        due_at: started + chrono::Duration::minutes(max_minutes),
        payload: serde_json::json!({}),
    }
}

/// The overtime miss of `round` (`still_open`: not finished at its longest time).
pub(crate) async fn round_overtime(ctx: &Ctx, round: &PatrolRound, still_open: bool) -> anyhow::Result<()> {
    let when = short_time(round.started_at);
    let detail = match round.finished_at.filter(|_| !still_open) {
        Some(end) => format!(
            "巡查路线「{}」{when} 开始的巡查（{}）用时 {} 分钟，超过规定的 {} 分钟",
            round.route_name,
            round.guard_name,
            (end - round.started_at).num_minutes(),
            round.max_minutes
        ),
        None => format!(
            "巡查路线「{}」{when} 开始的巡查（{}）超过规定的 {} 分钟仍未结束",
            round.route_name, round.guard_name, round.max_minutes
        ),
    };
    let miss = PatrolMiss {
        key: format!("overtime:{}", round.id),
        unit_id: round.unit_id.clone(),
        route_id: round.route_id.clone(),
        round_id: Some(round.id.clone()),
        kind: MISS_LATE,
        at: if still_open {
            round.started_at + chrono::Duration::minutes(round.max_minutes)
        } else {
            round.finished_at.unwrap_or_else(Utc::now)
        },
        detail,
    };
    let region = format!("{}（{when} 开始的巡查超时）", round.route_name);
    emit(ctx, &miss, EventKind::PatrolRoundLate, &region, None).await
}

/// Whether a finished round took longer than its longest time.
pub(crate) fn finished_late(round: &PatrolRound) -> bool {
    round
        .finished_at
        .is_some_and(|end| end - round.started_at > chrono::Duration::minutes(round.max_minutes))
}

async fn on_overtime(ctx: &Ctx, job: &Job) -> anyhow::Result<()> {
    let Some(round) = ctx.store.patrol_round(&Scope::All, &job.subject_id).await? else {
        return Ok(());
    };
    if round.state != RoundState::InProgress || !unit_active(ctx, &round.unit_id).await? {
        return Ok(());
    }
    round_overtime(ctx, &round, true).await
}

/// The scheduler handler of `JobKind::PatrolOvertime`.
pub fn overtime_handler(ctx: Ctx) -> Handler {
    let ctx = Arc::new(ctx);
    Arc::new(move |job| {
        let ctx = ctx.clone();
        Box::pin(async move { on_overtime(&ctx, &job).await })
    })
}

/// Whether the unit is active (a suspended or closed unit raises no patrol miss).
async fn unit_active(ctx: &Ctx, unit_id: &str) -> anyhow::Result<bool> {
    Ok(ctx.store.get_unit(&Scope::All, unit_id).await?.state == LifeState::Active)
}

async fn on_window(ctx: &Ctx, job: &Job) -> anyhow::Result<()> {
    let Some(route) = ctx.store.patrol_route(&Scope::All, &job.subject_id).await? else {
        return Ok(());
    };
    let Some(start) = job
        .payload
        .get("start")
        .and_then(|v| v.as_i64())
        .and_then(DateTime::<Utc>::from_timestamp_millis)
    else {
        return Ok(());
    };
    let end = job.due_at;
    if !has_window(&route.schedule, start, end) {
        return Ok(());
    }
    let next = next_window(&route.schedule, end).map(|w| window_job(&route.id, w));
    if !unit_active(ctx, &route.unit_id).await? || ctx.store.patrol_rounds_started(&route.id, start, end).await? > 0 {
        if let Some(n) = &next {
            ctx.store.schedule_job(n, Utc::now()).await?;
        }
        return Ok(());
    }
    let window = format!("{}–{}", short_time(start), end.with_timezone(&Shanghai).format("%H:%M"));
    let miss = PatrolMiss {
        key: format!("late:{}:{}", route.id, start.timestamp_millis()),
        unit_id: route.unit_id.clone(),
        route_id: route.id.clone(),
        round_id: None,
        kind: MISS_LATE,
        at: end,
        detail: format!("巡查路线「{}」排班时段 {window} 内没有开始巡查", route.name),
    };
    let region = format!("{}（{window}）", route.name);
    emit(ctx, &miss, EventKind::PatrolRoundLate, &region, next.as_ref()).await
}

/// The scheduler handler of `JobKind::PatrolWindow`.
pub fn window_handler(ctx: Ctx) -> Handler {
    let ctx = Arc::new(ctx);
    Arc::new(move |job| {
        let ctx = ctx.clone();
        Box::pin(async move { on_window(&ctx, &job).await })
    })
}
