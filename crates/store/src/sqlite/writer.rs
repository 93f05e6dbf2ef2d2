//! Group commit of event and alert writes on SQLite's single writer (backend-only).

use neibao_domain::alerts::{AlertDraft, Raised};

use super::alert_write::raise_in;
use super::db::{Db, BEGIN_WRITE};
use super::event_write::{write_prepared, PreparedEvent};
use crate::error::{StoreError, StoreResult};

/// One write for the group-commit writer.
// Events are the common job (an alert per many events): boxing them would add an allocation to
// every event write for the sake of the rare alert.
#[allow(clippy::large_enum_variant)]
pub(crate) enum WriteJob {
    Event(PreparedEvent),
    Alert(AlertDraft),
}

/// What a [`WriteJob`] wrote.
pub(crate) enum Written {
    /// (event id, new occurrence)
    Event(String, bool),
    Alert(Raised),
}

async fn write_job(tx: &mut sqlx::Transaction<'_, Db>, job: &WriteJob) -> StoreResult<Written> {
    Ok(match job {
        WriteJob::Event(p) => {
            let (id, new) = write_prepared(tx, p).await?;
            Written::Event(id, new)
        }
        WriteJob::Alert(d) => Written::Alert(raise_in(tx, d).await?),
    })
}

type WriteReply = tokio::sync::oneshot::Sender<StoreResult<Written>>;

/// Group commit of event and alert writes: one task owns them. It takes every job waiting in its
/// queue (up to [`GROUP_COMMIT_MAX`]) and writes them in one transaction, in arrival order, then
/// answers each caller. Under load one commit serves many requests (SQLite has one writer; the
/// commit and the round trips to the writer connection are the expensive part); alone, a job is
/// written at once, with no added wait. If the batch fails, each job is retried in its own
/// transaction so that one bad write fails only its own request.
#[derive(Clone)]
pub(crate) struct EventWriter {
    queue: tokio::sync::mpsc::Sender<(WriteJob, WriteReply)>,
}

/// Most jobs written in one group commit.
pub(crate) const GROUP_COMMIT_MAX: usize = 256;

impl EventWriter {
    pub(crate) fn spawn(pool: sqlx::Pool<Db>) -> EventWriter {
        let (queue, mut rx) = tokio::sync::mpsc::channel::<(WriteJob, WriteReply)>(4 * GROUP_COMMIT_MAX);
        tokio::spawn(async move {
            while let Some(first) = rx.recv().await {
                let mut batch = vec![first];
                while batch.len() < GROUP_COMMIT_MAX {
                    match rx.try_recv() {
                        Ok(job) => batch.push(job),
                        Err(_) => break,
                    }
                }
                let jobs: Vec<&WriteJob> = batch.iter().map(|(j, _)| j).collect();
                match write_batch(&pool, &jobs).await {
                    Ok(results) => {
                        for ((_, reply), r) in batch.into_iter().zip(results) {
                            let _ = reply.send(Ok(r));
                        }
                    }
                    Err(_) => {
                        for (job, reply) in batch {
                            let one = write_batch(&pool, &[&job]).await;
                            let _ = reply.send(one.and_then(|mut r| {
                                r.pop()
                                    .ok_or_else(|| StoreError::Other(anyhow::anyhow!("no write result")))
                            }));
                        }
                    }
                }
            }
        });
        EventWriter { queue }
    }

    /// Queues a job; the answer comes on the returned receiver.
    pub(crate) async fn enqueue(
        &self,
        job: WriteJob,
    ) -> StoreResult<tokio::sync::oneshot::Receiver<StoreResult<Written>>> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.queue
            .send((job, tx))
            .await
            .map_err(|_| StoreError::Other(anyhow::anyhow!("event writer stopped")))?;
        Ok(rx)
    }

    pub(crate) async fn write(&self, job: WriteJob) -> StoreResult<Written> {
        self.enqueue(job)
            .await?
            .await
            .map_err(|_| StoreError::Other(anyhow::anyhow!("event writer stopped")))?
    }
}

async fn write_batch(pool: &sqlx::Pool<Db>, batch: &[&WriteJob]) -> StoreResult<Vec<Written>> {
    let mut tx = pool.begin_with(BEGIN_WRITE).await?;
    let mut out = Vec::with_capacity(batch.len());
    for job in batch {
        out.push(write_job(&mut tx, job).await?);
    }
    tx.commit().await?;
    Ok(out)
}
