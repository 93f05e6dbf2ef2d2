//! The durable deadline scheduler: jobs are rows (`scheduled_jobs`), claimed with a lease so that
//! each due job is run by one node at a time however many nodes tick, and completed once. Time is
//! passed in (`tick(now)`), so tests control the clock.
//!
//! A node that dies after claiming a job leaves it to be claimed again when the lease has passed,
//! so a handler can run again for the same job after a crash: handlers must make their effect
//! idempotent on the job id (write it with the job id as a unique key, or check first).

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use neibao_domain::jobs::{Job, JobKind};
use neibao_store::{Store, StoreResult};

/// What a handler returns.
pub type HandlerFuture = Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send>>;
/// A job handler: runs the job's effect.
pub type Handler = Arc<dyn Fn(Job) -> HandlerFuture + Send + Sync>;

/// Runs due jobs of the kinds it has handlers for.
#[derive(Clone)]
pub struct Scheduler {
    store: Arc<dyn Store>,
    node: String,
    lease: Duration,
    handlers: HashMap<JobKind, Handler>,
}

/// What one tick did with one job.
#[derive(Debug, Clone, PartialEq)]
pub struct Ran {
    pub job: Job,
    pub ok: bool,
}

impl Scheduler {
    /// `node` names this process (unique per node); `lease` is how long a claim holds.
    pub fn new(store: Arc<dyn Store>, node: impl Into<String>, lease: Duration) -> Scheduler {
        Scheduler {
            store,
            node: node.into(),
            lease,
            handlers: HashMap::new(),
        }
    }

    /// Registers the handler of a job kind.
    pub fn handle(mut self, kind: JobKind, handler: Handler) -> Scheduler {
        self.handlers.insert(kind, handler);
        self
    }

    /// The kinds this scheduler has handlers for.
    pub fn kinds(&self) -> impl Iterator<Item = JobKind> + '_ {
        self.handlers.keys().copied()
    }

    /// Claims the jobs due at `now` (up to 100), runs them and completes those that succeeded; a
    /// failed job is retried when its lease has passed.
    pub async fn tick(&self, now: DateTime<Utc>) -> StoreResult<Vec<Ran>> {
        let mut jobs = self.store.claim_due_jobs(&self.node, now, self.lease, 100).await?;
        // In time order: a reminder due before a deadline runs before it.
        jobs.sort_by_key(|j| j.due_at);
        let lag = jobs.iter().map(|j| (now - j.due_at).num_seconds()).max().unwrap_or(0);
        crate::metrics::METRICS.scheduler_lag.set(lag.max(0));
        let mut out = Vec::with_capacity(jobs.len());
        for job in jobs {
            let ok = match self.handlers.get(&job.kind) {
                Some(h) => match h(job.clone()).await {
                    Ok(()) => true,
                    Err(e) => {
                        tracing::warn!(kind = job.kind.code(), job = %job.id, error = %e, "scheduled job failed; it will be retried");
                        false
                    }
                },
                None => {
                    tracing::error!(kind = job.kind.code(), job = %job.id, "no handler for scheduled job kind; marking it done");
                    true
                }
            };
            if ok {
                self.store.complete_job(&job.id, &self.node, now).await?;
            }
            out.push(Ran { job, ok });
        }
        Ok(out)
    }

    /// Ticks every second on the wall clock until the process ends.
    pub fn spawn(self) {
        tokio::spawn(async move {
            loop {
                if let Err(e) = self.tick(Utc::now()).await {
                    tracing::warn!(error = %e, "scheduler tick failed");
                }
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            }
        });
    }
}

/// Runs `f` every `every` on a Tokio task for the life of the process, logging (not stopping on)
/// its errors as "`what` failed". A run that takes longer than `every` delays the next one.
pub fn spawn_periodic<F, Fut, T, E>(every: std::time::Duration, what: &'static str, mut f: F)
where
    F: FnMut() -> Fut + Send + 'static,
    Fut: Future<Output = Result<T, E>> + Send,
    E: std::fmt::Display,
{
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = f().await {
                tracing::warn!(error = %e, "{what} failed");
            }
        }
    });
}
