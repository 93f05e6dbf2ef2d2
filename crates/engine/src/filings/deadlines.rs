//! The deadline jobs of a filing, written with it when it has a due date (docs/FILINGS.md):
//! `filing.reminder` at 00:00 Beijing time [`REMIND_DAYS_BEFORE`] days before the due date, and
//! `filing.overdue` at 00:00 Beijing time the day after it (on time = submitted on or before the
//! due date). Each sends the unit's accounts and own channels one notice (keys
//! `filing-reminder:<id>`, `filing-overdue:<id>`: once however often a job runs) unless the
//! filing was submitted meanwhile; a reminder whose due date already passed sends nothing (the
//! overdue notice says it).

use std::sync::Arc;

use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use neibao_domain::access::Scope;
use neibao_domain::filings::{Filing, REMIND_DAYS_BEFORE};
use neibao_domain::jobs::{Job, JobKind, NewJob};
use neibao_store::{Store, StoreError};

use crate::jobs::scheduler::Handler;
use crate::notifications::notice::{send, Notice};

/// Today in Beijing.
pub fn beijing_today() -> NaiveDate {
    Utc::now().with_timezone(&Shanghai).date_naive()
}

/// 00:00 Beijing time on `day`, in UTC.
pub fn beijing_midnight(day: NaiveDate) -> DateTime<Utc> {
    Shanghai
        .from_local_datetime(&day.and_time(NaiveTime::MIN))
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// The two jobs of filing `id` due on `due_on`.
pub fn deadline_jobs(id: &str, due_on: NaiveDate) -> Vec<NewJob> {
    let remind = due_on.checked_sub_days(Days::new(REMIND_DAYS_BEFORE)).unwrap_or(due_on);
    let overdue = due_on.checked_add_days(Days::new(1)).unwrap_or(due_on);
    vec![
        NewJob {
            kind: JobKind::FilingReminder,
            subject_id: id.to_string(),
            due_at: beijing_midnight(remind),
            payload: serde_json::json!({}),
        },
        NewJob {
            kind: JobKind::FilingOverdue,
            subject_id: id.to_string(),
            due_at: beijing_midnight(overdue),
            payload: serde_json::json!({}),
        },
    ]
}

async fn filing(store: &dyn Store, id: &str) -> anyhow::Result<Option<Filing>> {
    match store.get_filing(&Scope::All, id).await {
        Ok(f) => Ok(Some(f)),
        Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

async fn on_job(store: &dyn Store, job: &Job, overdue: bool, base_url: Option<&str>) -> anyhow::Result<()> {
    let Some(f) = filing(store, &job.subject_id).await? else {
        return Ok(());
    };
    let Some(due) = f.due_on else { return Ok(()) };
    if f.first_submitted_on.is_some() {
        return Ok(());
    }
    let today = beijing_today();
    if !overdue && today > due {
        return Ok(());
    }
    let (key, title, summary) = if overdue {
        (
            format!("filing-overdue:{}", f.id),
            format!("备案已逾期：{}", f.kind.label_zh()),
            format!(
                "{}应于 {} 前向{}提交（{}，{}），至今未提交，已列入公安机关逾期备案名单。请尽快填写并提交。",
                f.kind.label_zh(),
                due,
                f.kind.receiver().label_zh(),
                f.kind.rule_zh(),
                f.kind.article_zh()
            ),
        )
    } else {
        (
            format!("filing-reminder:{}", f.id),
            format!("备案即将到期：{}", f.kind.label_zh()),
            format!(
                "{}应于 {} 前向{}提交（{}，{}）。请在期限内填写并提交。",
                f.kind.label_zh(),
                due,
                f.kind.receiver().label_zh(),
                f.kind.rule_zh(),
                f.kind.article_zh()
            ),
        )
    };
    let notice = Notice {
        key,
        unit_id: Some(f.unit_id.clone()),
        org_ids: Vec::new(),
        title,
        unit_name: f.unit_name.clone(),
        summary,
        link: format!("/filings/{}", f.id),
        at: job.due_at.min(Utc::now()),
    };
    send(store, &notice, base_url).await?;
    Ok(())
}

/// The scheduler handler of `JobKind::FilingReminder`.
pub fn reminder_handler(store: Arc<dyn Store>, base_url: Option<String>) -> Handler {
    Arc::new(move |job| {
        let store = store.clone();
        let base_url = base_url.clone();
        Box::pin(async move { on_job(store.as_ref(), &job, false, base_url.as_deref()).await })
    })
}

/// The scheduler handler of `JobKind::FilingOverdue`.
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
    fn jobs_at_beijing_midnight() {
        let jobs = deadline_jobs("f", "2026-01-31".parse().unwrap());
        assert_eq!(jobs[0].due_at.to_rfc3339(), "2026-01-23T16:00:00+00:00");
        assert_eq!(jobs[1].due_at.to_rfc3339(), "2026-01-31T16:00:00+00:00");
    }
}
