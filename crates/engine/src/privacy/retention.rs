//! The daily retention sweep (`retention.sweep`): when it runs next, and one run — what is past
//! its retention is deleted (`Store::retention_sweep`, holds respected), each deletion audited in
//! its transaction. The job's handler is in `jobs.rs`. Sources: docs/REQUIREMENTS.md R54, R43, R66,
//! R68.

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use neibao_domain::access::Principal;
use neibao_domain::jobs::{JobKind, NewJob};
use neibao_domain::privacy::DeletionRecord;
use neibao_store::{Store, StoreResult};

/// The next 03:00 Beijing time strictly after `after` (quiet hours for the deletes).
pub fn next_sweep_time(after: DateTime<Utc>) -> DateTime<Utc> {
    let local = after.with_timezone(&Shanghai);
    let three = NaiveTime::from_hms_opt(3, 0, 0).expect("valid time");
    let mut day = local.date_naive();
    loop {
        let at = Shanghai
            .from_local_datetime(&day.and_time(three))
            .single()
            .map(|t| t.with_timezone(&Utc));
        if let Some(at) = at.filter(|t| *t > after) {
            return at;
        }
        day += Duration::days(1);
    }
}

/// Schedules the sweep at the next 03:00 after `after` (scheduling it twice is a no-op).
pub async fn schedule_next(store: &dyn Store, after: DateTime<Utc>) -> StoreResult<DateTime<Utc>> {
    let due_at = next_sweep_time(after);
    store
        .schedule_job(
            &NewJob {
                kind: JobKind::RetentionSweep,
                subject_id: "daily".into(),
                due_at,
                payload: serde_json::json!({}),
            },
            after,
        )
        .await?;
    Ok(due_at)
}

/// Runs one sweep as of `now`; each deletion is audited (`retention.delete`, by `who`) in the
/// transaction that deletes.
pub async fn sweep(store: &dyn Store, who: &Principal, now: DateTime<Utc>) -> StoreResult<Vec<DeletionRecord>> {
    let audit = who.audit("retention.delete", "", "", None);
    let deleted = store.retention_sweep(now, &audit).await?;
    for d in &deleted {
        tracing::info!(class = d.data_class.code(), rows = d.rows_deleted, "retention deleted");
    }
    Ok(deleted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_sweep_is_three_in_the_morning_beijing_time() {
        let t = Utc.with_ymd_and_hms(2026, 11, 29, 10, 0, 0).unwrap(); // 18:00 Beijing
        assert_eq!(
            next_sweep_time(t),
            Utc.with_ymd_and_hms(2026, 11, 29, 19, 0, 0).unwrap()
        );
        let at = next_sweep_time(t);
        assert_eq!(next_sweep_time(at), at + Duration::days(1));
    }
}
