//! The job handlers of privacy: the daily retention sweep.

use std::sync::Arc;

use neibao_domain::access::Principal;

use super::retention::schedule_next;
use super::service::PrivacyService;
use crate::jobs::scheduler::Handler;

/// `retention.sweep`: sweeps as of the job's due time (as `system`), then schedules the next
/// day's sweep.
pub fn retention_handler(privacy: PrivacyService) -> Handler {
    Arc::new(move |job| {
        let privacy = privacy.clone();
        Box::pin(async move {
            privacy
                .sweep_retention(&Principal::system("system"), job.due_at)
                .await?;
            schedule_next(privacy.ctx.store.as_ref(), job.due_at).await?;
            Ok(())
        })
    })
}
