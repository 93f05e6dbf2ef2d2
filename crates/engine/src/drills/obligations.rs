//! The drill obligations as scheduled jobs (docs/DRILLS.md, "Obligations"; R46 ¶2, Decree 421
//! Art 15): for each rule ([`DrillRule`]) and period, `drill.reminder` at 00:00 Beijing time
//! [`REMIND_DAYS_BEFORE`] days before the period ends, and `drill.overdue` at 00:00 Beijing time
//! the day after it. The reminder sends each unit the rule applies to and that has not finished
//! a drill in the period one notice; the overdue job records each such unit overdue (the police
//! list, `/emergency/drills`), sends it one notice, and schedules the next period's two jobs.
//! [`schedule_obligations`] writes the current periods' jobs (at each start and when the key
//! units' frequency changes; scheduling twice is a no-op).

use std::sync::Arc;

use chrono::{DateTime, Days, NaiveDate, Utc};
use chrono_tz::Asia::Shanghai;
use neibao_domain::drills::{DrillRule, DEFAULT_KEY_UNIT_MONTHS, KEY_UNIT_MONTHS, REMIND_DAYS_BEFORE};
use neibao_domain::jobs::{Job, JobKind, NewJob};
use neibao_store::{Store, StoreResult};

use crate::filings::deadlines::beijing_midnight;
use crate::jobs::scheduler::Handler;
use crate::notifications::notice::{send, Notice};

/// The settings key of the key units' drill frequency (months).
pub const KEY_UNIT_MONTHS_KEY: &str = "drills.key_unit_months";

/// The Beijing date of `t`.
pub fn beijing_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&Shanghai).date_naive()
}

/// The key units' drill frequency (months; default 6).
pub async fn key_unit_months(store: &dyn Store) -> StoreResult<u32> {
    Ok(store
        .get_meta(KEY_UNIT_MONTHS_KEY)
        .await?
        .and_then(|v| v.parse().ok())
        .filter(|m| KEY_UNIT_MONTHS.contains(m))
        .unwrap_or(DEFAULT_KEY_UNIT_MONTHS))
}

/// Stores the key units' drill frequency.
pub async fn set_key_unit_months(store: &dyn Store, months: u32) -> StoreResult<()> {
    store.set_meta(KEY_UNIT_MONTHS_KEY, &months.to_string()).await
}

/// The two jobs of `rule`'s period `(start, end)`.
pub fn period_jobs(rule: DrillRule, period: (NaiveDate, NaiveDate)) -> Vec<NewJob> {
    let (start, end) = period;
    let payload = serde_json::json!({ "start": start.to_string(), "end": end.to_string() });
    let remind = end
        .checked_sub_days(Days::new(REMIND_DAYS_BEFORE))
        .unwrap_or(end)
        .max(start);
    let overdue = end.checked_add_days(Days::new(1)).unwrap_or(end);
    vec![
        NewJob {
            kind: JobKind::DrillReminder,
            subject_id: rule.code().to_string(),
            due_at: beijing_midnight(remind),
            payload: payload.clone(),
        },
        NewJob {
            kind: JobKind::DrillOverdue,
            subject_id: rule.code().to_string(),
            due_at: beijing_midnight(overdue),
            payload,
        },
    ]
}

/// Schedules the jobs of every rule's period that `now` falls in (a reminder already past is
/// left out).
pub async fn schedule_obligations(store: &dyn Store, now: DateTime<Utc>) -> StoreResult<()> {
    let months = key_unit_months(store).await?;
    let today = beijing_date(now);
    for rule in DrillRule::ALL {
        for job in period_jobs(rule, rule.period(today, months)) {
            if job.due_at > now {
                store.schedule_job(&job, now).await?;
            }
        }
    }
    Ok(())
}

fn period_of(job: &Job) -> Option<(DrillRule, NaiveDate, NaiveDate)> {
    let rule = DrillRule::from_code(&job.subject_id)?;
    let start = job.payload["start"].as_str()?.parse().ok()?;
    let end = job.payload["end"].as_str()?.parse().ok()?;
    Some((rule, start, end))
}

async fn on_job(store: &dyn Store, job: &Job, overdue: bool, base_url: Option<&str>) -> anyhow::Result<()> {
    let Some((rule, start, end)) = period_of(job) else {
        return Ok(());
    };
    let from = beijing_midnight(start);
    let to = beijing_midnight(end.checked_add_days(Days::new(1)).unwrap_or(end)) - chrono::Duration::milliseconds(1);
    let units = store.units_without_drill(rule, from, to).await?;
    for (unit_id, unit_name) in units {
        let (key, title, summary) = if overdue {
            store
                .record_drill_overdue(&unit_id, rule, (start, end), job.due_at)
                .await?;
            (
                format!("drill-overdue:{}:{}:{}", rule.code(), unit_id, end),
                "应急演练已逾期".to_string(),
                format!(
                    "按“{}”的要求，本单位应于 {start} 至 {end} 期间完成至少一次应急演练，至今未完成，已列入公安机关逾期名单。请尽快组织演练。",
                    rule.label_zh()
                ),
            )
        } else {
            (
                format!("drill-reminder:{}:{}:{}", rule.code(), unit_id, end),
                "应急演练即将到期".to_string(),
                format!(
                    "按“{}”的要求，本单位应于 {end} 前完成本期（{start} 起）至少一次应急演练，目前尚未完成。请在期限内组织演练。",
                    rule.label_zh()
                ),
            )
        };
        let notice = Notice {
            key,
            unit_id: Some(unit_id.clone()),
            org_ids: Vec::new(),
            title,
            unit_name,
            summary,
            link: format!("/units/{unit_id}/drills"),
            at: job.due_at,
        };
        send(store, &notice, base_url).await?;
    }
    if overdue {
        // The next period's jobs (the key units' frequency as set now).
        let months = key_unit_months(store).await?;
        let next_day = end.checked_add_days(Days::new(1)).unwrap_or(end);
        for j in period_jobs(rule, rule.period(next_day, months)) {
            store.schedule_job(&j, job.due_at).await?;
        }
    }
    Ok(())
}

/// The scheduler handler of `JobKind::DrillReminder`.
pub fn reminder_handler(store: Arc<dyn Store>, base_url: Option<String>) -> Handler {
    Arc::new(move |job| {
        let store = store.clone();
        let base_url = base_url.clone();
        Box::pin(async move { on_job(store.as_ref(), &job, false, base_url.as_deref()).await })
    })
}

/// The scheduler handler of `JobKind::DrillOverdue`.
pub fn overdue_handler(store: Arc<dyn Store>, base_url: Option<String>) -> Handler {
    Arc::new(move |job| {
        let store = store.clone();
        let base_url = base_url.clone();
        Box::pin(async move { on_job(store.as_ref(), &job, true, base_url.as_deref()).await })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_year_end_jobs() {
        let jobs = period_jobs(
            DrillRule::CounterTerror,
            ("2026-01-01".parse().unwrap(), "2026-12-31".parse().unwrap()),
        );
        assert_eq!(jobs[0].due_at.to_rfc3339(), "2026-11-30T16:00:00+00:00");
        assert_eq!(jobs[1].due_at.to_rfc3339(), "2026-12-31T16:00:00+00:00");
    }
}
