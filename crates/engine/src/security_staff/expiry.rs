//! The expiry reminder of a training certificate (`security_staff.certificate_expiry`):
//! scheduled with the training record, due at 00:00 Beijing time 30 days before the certificate
//! expires (at once when that day has passed). If the member is still on the unit's roster, the
//! unit's accounts and own channels get one notice (key `certificate-expiry:<training id>`).

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use neibao_domain::access::Scope;
use neibao_domain::jobs::{Job, JobKind, NewJob};
use neibao_domain::security_staff::reminder_on;
use neibao_store::Store;

use crate::jobs::scheduler::Handler;
use crate::notifications::notice::{send, Notice};

/// When the reminder of a certificate expiring on `expires_on` is due: 00:00 Beijing time 30
/// days before, or `now` when that has passed.
pub fn reminder_due_at(expires_on: NaiveDate, now: DateTime<Utc>) -> DateTime<Utc> {
    let day = reminder_on(expires_on);
    let at = Shanghai
        .from_local_datetime(&day.and_time(NaiveTime::MIN))
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(now);
    at.max(now)
}

/// The reminder job of training record `training_id`.
pub fn expiry_job(training_id: &str, expires_on: NaiveDate, now: DateTime<Utc>) -> NewJob {
    NewJob {
        kind: JobKind::CertificateExpiry,
        subject_id: training_id.to_string(),
        due_at: reminder_due_at(expires_on, now),
        payload: serde_json::json!({}),
    }
}

async fn on_expiry(store: &dyn Store, job: &Job, base_url: Option<&str>) -> anyhow::Result<()> {
    let Some((t, unit_name, active)) = store.security_training(&Scope::All, &job.subject_id).await? else {
        return Ok(());
    };
    let Some(expires_on) = t.certificate_expires_on else {
        return Ok(());
    };
    if !active {
        return Ok(());
    }
    let notice = Notice {
        key: format!("certificate-expiry:{}", t.id),
        unit_id: Some(t.unit_id.clone()),
        org_ids: Vec::new(),
        title: format!("证书即将到期：{}", t.member_name),
        unit_name,
        summary: format!(
            "{}（{}）的“{}”将于 {} 到期，请及时安排复训、考核或换证。",
            t.member_name,
            t.member_category.label_zh(),
            t.certificate_name.clone().unwrap_or_else(|| t.topic.clone()),
            expires_on
        ),
        link: format!("/units/{}/security#training", t.unit_id),
        at: job.due_at,
    };
    send(store, &notice, base_url).await?;
    Ok(())
}

/// The scheduler handler of `JobKind::CertificateExpiry`.
pub fn expiry_handler(store: Arc<dyn Store>, base_url: Option<String>) -> Handler {
    Arc::new(move |job| {
        let store = store.clone();
        let base_url = base_url.clone();
        Box::pin(async move { on_expiry(store.as_ref(), &job, base_url.as_deref()).await })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_thirty_days_before_at_beijing_midnight() {
        let now: DateTime<Utc> = "2026-01-01T00:00:00Z".parse().unwrap();
        let e: NaiveDate = "2026-03-31".parse().unwrap();
        assert_eq!(reminder_due_at(e, now).to_rfc3339(), "2026-02-28T16:00:00+00:00");
        let soon: NaiveDate = "2026-01-10".parse().unwrap();
        assert_eq!(reminder_due_at(soon, now), now);
    }
}
