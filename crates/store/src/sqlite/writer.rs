//! Group commit of event and alert writes on SQLite's single writer (backend-only).
//!
//! A batch runs on the writer connection's own handle ([`super::direct`]): the statements of
//! `events/write.rs` (`write_prepared`) and `alerts/write.rs` (`raise_in`, PostgreSQL), the same SQL in
//! the same order, prepared once per batch, without a round trip to sqlx's worker thread per
//! statement. Keep the two in step: the shared versions still serve bus deliveries (events with a
//! receipt) and PostgreSQL.

use chrono::Duration;
use neibao_domain::alerts::{AlertDraft, Raised};
use neibao_domain::events::EventState;
use neibao_domain::ids::new_id;
use neibao_domain::jobs::JobKind;

use super::common::ms;
use super::db::{Db, BEGIN_WRITE};
use super::direct::{Direct, Val};
use super::event_write::{is_instantaneous, PreparedEvent, PreparedImage, OCCURRENCE_GAP_SECONDS};
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

fn write_job(db: &mut Direct<'_>, job: &WriteJob) -> StoreResult<Written> {
    Ok(match job {
        WriteJob::Event(p) => {
            let (id, new) = write_event(db, p)?;
            Written::Event(id, new)
        }
        WriteJob::Alert(d) => Written::Alert(raise(db, d)?),
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

/// Writes `batch` in one transaction on the writer connection (taken from its pool of one, so
/// other writes wait as before), in order; nothing is written if one job fails.
async fn write_batch(pool: &sqlx::Pool<Db>, batch: &[&WriteJob]) -> StoreResult<Vec<Written>> {
    let mut conn = pool.acquire().await?;
    let mut lock = conn.lock_handle().await?;
    // From here on no await: the batch runs on this thread, and `Direct` rolls back whatever an
    // error leaves open before the connection goes back to the pool.
    let mut db = Direct::new(&mut lock);
    db.batch(BEGIN_WRITE)?;
    let mut out = Vec::with_capacity(batch.len());
    for job in batch {
        out.push(write_job(&mut db, job)?);
    }
    db.batch("COMMIT")?;
    Ok(out)
}

/// `events/write.rs` (`write_prepared`) on the direct handle: folds the event into its ongoing
/// occurrence or inserts it. Returns (event id, new occurrence).
fn write_event(db: &mut Direct<'_>, p: &PreparedEvent) -> StoreResult<(String, bool)> {
    let now = ms(p.now);
    if !is_instantaneous(p.kind) {
        let open = db.query_row(
            "SELECT id, last_seen_at FROM events WHERE device_id = ? AND occurrence_key = ? AND ended_at IS NULL
             ORDER BY received_at DESC LIMIT 1",
            &[(&p.device_id).into(), (&p.key).into()],
            |r| (r.text(0), r.int(1)),
        )?;
        let stale = open.is_some();
        let gap = ms(p.now - Duration::seconds(OCCURRENCE_GAP_SECONDS));
        let fresh = open.filter(|(_, last)| *last >= gap);
        match (p.state, fresh) {
            (EventState::Active, Some((id, _))) => {
                db.execute(
                    "UPDATE events SET post_count = post_count + 1, last_seen_at = CASE WHEN last_seen_at > ? THEN last_seen_at ELSE ? END WHERE id = ?",
                    &[now.into(), now.into(), (&id).into()],
                )?;
                insert_images(db, &id, &p.images)?;
                return Ok((id, false));
            }
            (EventState::Inactive, Some((id, _))) => {
                db.execute(
                    "UPDATE events SET state = 'inactive', ended_at = ?, last_seen_at = CASE WHEN last_seen_at > ? THEN last_seen_at ELSE ? END WHERE id = ?",
                    &[now.into(), now.into(), now.into(), (&id).into()],
                )?;
                return Ok((id, false));
            }
            _ if stale => {
                // A stale open occurrence (no `inactive` ever came) ends where it was last seen.
                db.execute(
                    "UPDATE events SET ended_at = last_seen_at WHERE device_id = ? AND occurrence_key = ? AND ended_at IS NULL",
                    &[(&p.device_id).into(), (&p.key).into()],
                )?;
            }
            _ => {}
        }
    }
    let ended = (p.state == EventState::Inactive || is_instantaneous(p.kind)).then_some(now);
    db.execute(
        "INSERT INTO events (id, unit_id, device_id, kind, vendor_type, state, device_time, received_at, last_seen_at, ended_at,
           post_count, channel, region, target, person, description, serial_no, occurrence_key, raw, raw_content_type, image_count,
           vendor_type_sealed, region_sealed, target_sealed, description_sealed, device_time_zone)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)",
        &[
            (&p.id).into(),
            (&p.unit_id).into(),
            (&p.device_id).into(),
            p.kind.code().into(),
            (&p.vendor_type).into(),
            p.state.code().into(),
            (&p.device_time).into(),
            now.into(),
            now.into(),
            ended.into(),
            p.channel.into(),
            (&p.region).into(),
            (&p.target).into(),
            (&p.person).into(),
            (&p.description).into(),
            p.serial_no.into(),
            (&p.key).into(),
            p.raw.as_slice().into(),
            (&p.content_type).into(),
            (&p.vendor_type_sealed).into(),
            (&p.region_sealed).into(),
            (&p.target_sealed).into(),
            (&p.description_sealed).into(),
            (&p.device_time_zone).into(),
        ],
    )?;
    insert_images(db, &p.id, &p.images)?;
    Ok((p.id.clone(), true))
}

fn insert_images(db: &mut Direct<'_>, event_id: &str, images: &[PreparedImage]) -> StoreResult<()> {
    for img in images {
        db.execute(
            "INSERT INTO event_images (id, event_id, content_type, name, bytes) VALUES (?, ?, ?, ?, ?)",
            &[
                (&img.id).into(),
                event_id.into(),
                (&img.content_type).into(),
                (&img.name).into(),
                img.bytes.as_slice().into(),
            ],
        )?;
    }
    if !images.is_empty() {
        db.execute(
            "UPDATE events SET image_count = image_count + ? WHERE id = ?",
            &[(images.len() as i64).into(), event_id.into()],
        )?;
    }
    Ok(())
}

/// `alerts/write.rs` (`raise_in`, PostgreSQL) on the direct handle: folds `d` into the unresolved alert with
/// the same fingerprint, or opens a new one with its escalation and notification jobs.
fn raise(db: &mut Direct<'_>, d: &AlertDraft) -> StoreResult<Raised> {
    // The same event raising the same alert again (a re-delivered bus message) changes nothing.
    let already = db.query_row(
        "SELECT a.id FROM alert_events ae JOIN alerts a ON a.id = ae.alert_id WHERE ae.event_id = ? AND a.fingerprint = ?",
        &[(&d.event_id).into(), (&d.fingerprint).into()],
        |r| r.text(0),
    )?;
    if let Some(alert_id) = already {
        return Ok(Raised {
            alert_id,
            created: false,
        });
    }
    let at = ms(d.at);
    let existing = db.query_row(
        "SELECT id FROM alerts WHERE fingerprint = ? AND status <> 'resolved'",
        &[(&d.fingerprint).into()],
        |r| r.text(0),
    )?;
    let raised = match existing {
        Some(id) => {
            db.execute(
                "UPDATE alerts SET event_count = event_count + 1, last_seen = CASE WHEN last_seen > ? THEN last_seen ELSE ? END WHERE id = ?",
                &[at.into(), at.into(), (&id).into()],
            )?;
            Raised {
                alert_id: id,
                created: false,
            }
        }
        None => {
            let id = new_id();
            db.execute(
                "INSERT INTO alerts (id, unit_id, device_id, rule, alert_type, title, severity, status, fingerprint, first_seen, last_seen, event_count)
                 VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, 1)",
                &[
                    (&id).into(),
                    (&d.unit_id).into(),
                    (&d.device_id).into(),
                    (&d.rule).into(),
                    (&d.alert_type).into(),
                    (&d.title).into(),
                    d.severity.code().into(),
                    (&d.fingerprint).into(),
                    at.into(),
                    at.into(),
                ],
            )?;
            const JOB: &str = "INSERT INTO scheduled_jobs (id, kind, subject_id, due_at, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)
                     ON CONFLICT (kind, subject_id, due_at) DO NOTHING";
            if let Some(due) = d.escalate_at {
                db.execute(
                    JOB,
                    &[
                        new_id().as_str().into(),
                        JobKind::AlertEscalate.code().into(),
                        (&id).into(),
                        ms(due).into(),
                        Val::Text(r#"{"level":1}"#),
                        at.into(),
                    ],
                )?;
            }
            // Notifications (inbox, channels) are fanned out by a job written with the alert,
            // so a crash right after the commit cannot lose them.
            db.execute(
                JOB,
                &[
                    new_id().as_str().into(),
                    JobKind::AlertNotify.code().into(),
                    (&id).into(),
                    at.into(),
                    Val::Text(r#"{"level":0}"#),
                    at.into(),
                ],
            )?;
            Raised {
                alert_id: id,
                created: true,
            }
        }
    };
    db.execute(
        "INSERT INTO alert_events (alert_id, event_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
        &[(&raised.alert_id).into(), (&d.event_id).into()],
    )?;
    Ok(raised)
}
