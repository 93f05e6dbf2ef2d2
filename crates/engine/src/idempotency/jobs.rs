//! The job of idempotent requests: `idempotency.sweep`, every hour, forgets keys older than a
//! day (`neibao_domain::idempotency::KEEP_HOURS`).

use std::sync::Arc;

use chrono::{DateTime, Duration, DurationRound, Utc};
use neibao_domain::jobs::{JobKind, NewJob};
use neibao_store::{Store, StoreResult};

use super::service::IdempotencyService;
use crate::jobs::scheduler::Handler;

/// The next full hour strictly after `after`.
pub fn next_sweep_time(after: DateTime<Utc>) -> DateTime<Utc> {
    after.duration_trunc(Duration::hours(1)).unwrap_or(after) + Duration::hours(1)
}

/// Schedules the sweep at the next full hour after `after` (scheduling it twice is a no-op).
pub async fn schedule_next(store: &dyn Store, after: DateTime<Utc>) -> StoreResult<DateTime<Utc>> {
    let due_at = next_sweep_time(after);
    store
        .schedule_job(
            &NewJob {
                kind: JobKind::IdempotencySweep,
                subject_id: "hourly".into(),
                due_at,
                payload: serde_json::json!({}),
            },
            after,
        )
        .await?;
    Ok(due_at)
}

/// `idempotency.sweep`: forgets the keys claimed more than a day before the job's due time, then
/// schedules the next hour's sweep.
pub fn sweep_handler(service: IdempotencyService) -> Handler {
    Arc::new(move |job| {
        let service = service.clone();
        Box::pin(async move {
            let gone = service.sweep(job.due_at).await?;
            tracing::debug!(keys = gone, "idempotency keys swept");
            schedule_next(service.ctx.store.as_ref(), job.due_at).await?;
            Ok(())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_full_hour() {
        let t = DateTime::parse_from_rfc3339("2026-12-06T13:20:05Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(next_sweep_time(t).to_rfc3339(), "2026-12-06T14:00:00+00:00");
        let h = DateTime::parse_from_rfc3339("2026-12-06T14:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(next_sweep_time(h).to_rfc3339(), "2026-12-06T15:00:00+00:00");
    }
}
