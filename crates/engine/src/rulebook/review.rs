//! The annual review reminder of a rules version (`rulebook.review`): scheduled with the version,
//! due at 00:00 Beijing time on the day it becomes 待复审 (publication + 366 days,
//! `neibao_domain::rulebook::review_due_on`). If the version is still the current one of its
//! subject then, the unit's accounts and own channels get one notice (key
//! `rulebook-review:<version id>`: once per version however often the job runs); a version
//! superseded before that needs no review and nothing is sent.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use neibao_domain::access::Scope;
use neibao_domain::jobs::{Job, JobKind, NewJob};
use neibao_domain::rulebook::{review_due_on, subject_label};
use neibao_store::Store;

use crate::jobs::scheduler::Handler;
use crate::notifications::notice::{send, Notice};

/// When the review reminder of a version published on `published_on` is due: 00:00 Beijing time
/// on its first 待复审 day.
pub fn reminder_due_at(published_on: NaiveDate) -> DateTime<Utc> {
    let day = review_due_on(published_on);
    Shanghai
        .from_local_datetime(&day.and_time(NaiveTime::MIN))
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// The review job of version `version_id` published on `published_on`.
pub fn review_job(version_id: &str, published_on: NaiveDate) -> NewJob {
    NewJob {
        kind: JobKind::RulebookReview,
        subject_id: version_id.to_string(),
        due_at: reminder_due_at(published_on),
        payload: serde_json::json!({}),
    }
}

async fn on_review(store: &dyn Store, job: &Job, base_url: Option<&str>) -> anyhow::Result<()> {
    let Some((v, unit_name, current)) = store.rule_version(&Scope::All, &job.subject_id).await? else {
        return Ok(());
    };
    if !current {
        return Ok(());
    }
    let subject = subject_label(v.subject).unwrap_or_default();
    let notice = Notice {
        key: format!("rulebook-review:{}", v.id),
        unit_id: Some(v.unit_id.clone()),
        org_ids: Vec::new(),
        title: format!("治安保卫制度待复审：{}", v.title),
        unit_name,
        summary: format!(
            "《{}》（第{}版，{} 发布，属“{}”）已发布满一年，请复审；如有修订，请在内保平台发布新版本。",
            v.title, v.version, v.published_on, subject
        ),
        link: format!("/units/{}/rulebook", v.unit_id),
        at: job.due_at,
    };
    send(store, &notice, base_url).await?;
    Ok(())
}

/// The scheduler handler of `JobKind::RulebookReview`.
pub fn review_handler(store: Arc<dyn Store>, base_url: Option<String>) -> Handler {
    Arc::new(move |job| {
        let store = store.clone();
        let base_url = base_url.clone();
        Box::pin(async move { on_review(store.as_ref(), &job, base_url.as_deref()).await })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_at_beijing_midnight_of_the_first_review_day() {
        let p: NaiveDate = "2025-01-01".parse().unwrap();
        assert_eq!(reminder_due_at(p).to_rfc3339(), "2026-01-01T16:00:00+00:00");
    }
}
