//! Events: persisted occurrences with their raw payload.

use chrono::{DateTime, Duration, Utc};
use neibao_domain::access::Scope;
use neibao_domain::events::{DecodedEvent, EventKind, EventState, SecurityEvent};
use neibao_domain::ids::new_id;
use sqlx::{QueryBuilder, Row};

use super::{from_ms, ms, push_scope, sql, Backend, Db, DbRow};
use crate::repo::{StoreError, StoreResult};
use neibao_domain::alerts::{AlertDraft, Raised};
use neibao_domain::devices::IngestDevice;
use neibao_domain::events::{EventFilter, Recorded};
use neibao_domain::paging::{Listing, Page};

/// A repeated `active` post later than this after the previous one starts a new occurrence:
/// some event types never send `inactive` (DEVICE-FORMATS.md §1, "repeated actives").
pub const OCCURRENCE_GAP_SECONDS: i64 = 60;

/// Kinds that are instantaneous: every post is its own occurrence (a card swipe, a face capture).
fn is_instantaneous(kind: EventKind) -> bool {
    matches!(
        kind,
        EventKind::AccessGranted
            | EventKind::AccessDenied
            | EventKind::DoorForced
            | EventKind::DoorOpenTimeout
            | EventKind::DoorUnlocked
            | EventKind::DoorLocked
            | EventKind::AccessAlarm
            | EventKind::AccessOther
            | EventKind::FaceCapture
            | EventKind::Plate
    )
}

pub(crate) const EVENT_COLUMNS: &str =
    "e.id, e.unit_id, e.device_id, e.kind, e.vendor_type, e.state, e.device_time, e.received_at,
    e.last_seen_at, e.ended_at, e.post_count, e.channel, e.region, e.target, e.person, e.description, e.image_count,
    u.name AS unit_name, dv.name AS device_name";

/// Events with their unit (for scoping and names) and device.
pub(crate) const EVENT_FROM: &str =
    "events e JOIN units u ON u.id = e.unit_id LEFT JOIN devices dv ON dv.id = e.device_id";

/// Associated data binding the encrypted event columns to their place.
const AAD_PERSON: &str = "events.person";
const AAD_RAW: &str = "events.raw";
const AAD_IMAGE: &str = "event_images.bytes";

/// Maps a row; the encrypted person fields are decrypted and returned masked.
pub(crate) fn event_from_row(r: &DbRow, cipher: &crate::crypto::FieldCipher) -> SecurityEvent {
    SecurityEvent {
        id: r.get("id"),
        unit_id: r.get("unit_id"),
        device_id: r.get("device_id"),
        kind: EventKind::from_code(r.get::<&str, _>("kind")).unwrap_or(EventKind::Unknown),
        vendor_type: r.get("vendor_type"),
        state: EventState::from_code(r.get::<&str, _>("state")).unwrap_or(EventState::Active),
        device_time: r
            .get::<Option<String>, _>("device_time")
            .and_then(|s| DateTime::parse_from_rfc3339(&s).ok()),
        received_at: from_ms(r.get("received_at")),
        last_seen_at: from_ms(r.get("last_seen_at")),
        ended_at: r.get::<Option<i64>, _>("ended_at").map(from_ms),
        post_count: r.get("post_count"),
        channel: r.get::<Option<i64>, _>("channel").map(|c| c as u32),
        region: r.get("region"),
        target: r.get("target"),
        person: r
            .get::<Option<String>, _>("person")
            .and_then(|ct| cipher.decrypt(AAD_PERSON, &ct).ok())
            .and_then(|s| serde_json::from_str::<neibao_domain::events::PersonFields>(&s).ok())
            .map(|p| p.masked())
            .unwrap_or_default(),
        description: r.get("description"),
        image_count: r.get("image_count"),
        unit_name: r.get("unit_name"),
        device_name: r.get("device_name"),
    }
}

impl Backend {
    pub(crate) async fn record_event_impl(
        &self,
        device: &IngestDevice,
        ev: &DecodedEvent,
        raw: &[u8],
        content_type: Option<&str>,
        source_key: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<Recorded> {
        if let (None, Some(writer)) = (source_key, &self.event_writer) {
            let written = writer
                .write(WriteJob::Event(self.prepare_event(device, ev, raw, content_type, now)))
                .await?;
            let Written::Event(event_id, new_occurrence) = written else {
                return Err(StoreError::Other(anyhow::anyhow!("writer answered an alert")));
            };
            return Ok(Recorded {
                event_id,
                new_occurrence,
                evaluated: false,
            });
        }
        let mut tx = self.begin_write().await?;
        if let Some(source) = source_key {
            let seen: Option<(String, bool, bool)> = sqlx::query_as(&sql(
                "SELECT event_id, new_occurrence, evaluated FROM bus_receipts WHERE source_key = ?",
            ))
            .bind(source)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some((event_id, new_occurrence, evaluated)) = seen {
                // A re-delivered message: already stored, nothing to write.
                return Ok(Recorded {
                    event_id,
                    new_occurrence,
                    evaluated,
                });
            }
        }
        let (event_id, new_occurrence) = self
            .write_occurrence(&mut tx, device, ev, raw, content_type, now)
            .await?;
        if let Some(source) = source_key {
            sqlx::query(&sql(
                "INSERT INTO bus_receipts (source_key, event_id, new_occurrence, evaluated, created_at) VALUES (?, ?, ?, ?, ?)",
            ))
            .bind(source)
            .bind(&event_id)
            .bind(new_occurrence)
            .bind(false)
            .bind(ms(now))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(Recorded {
            event_id,
            new_occurrence,
            evaluated: false,
        })
    }

    /// Records the events of one payload (no bus receipts), in order: on SQLite all queued to the
    /// group-commit writer at once (one transaction, usually), elsewhere in one transaction.
    pub(crate) async fn record_events_impl(
        &self,
        device: &IngestDevice,
        events: &[DecodedEvent],
        raw: &[u8],
        content_type: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Recorded>> {
        let recorded = |(event_id, new_occurrence)| Recorded {
            event_id,
            new_occurrence,
            evaluated: false,
        };
        if let Some(writer) = &self.event_writer {
            // Queued in order (each send completes before the next starts), answered together.
            let mut pending = Vec::with_capacity(events.len());
            for ev in events {
                pending.push(
                    writer
                        .enqueue(WriteJob::Event(self.prepare_event(device, ev, raw, content_type, now)))
                        .await?,
                );
            }
            let mut out = Vec::with_capacity(events.len());
            for rx in pending {
                match rx
                    .await
                    .map_err(|_| StoreError::Other(anyhow::anyhow!("event writer stopped")))??
                {
                    Written::Event(id, new) => out.push(recorded((id, new))),
                    Written::Alert(_) => return Err(StoreError::Other(anyhow::anyhow!("writer answered an alert"))),
                }
            }
            return Ok(out);
        }
        let mut tx = self.begin_write().await?;
        let mut out = Vec::with_capacity(events.len());
        for ev in events {
            out.push(recorded(
                self.write_occurrence(&mut tx, device, ev, raw, content_type, now)
                    .await?,
            ));
        }
        tx.commit().await?;
        Ok(out)
    }

    pub(crate) async fn mark_evaluated_impl(&self, source_key: &str) -> StoreResult<()> {
        sqlx::query(&sql("UPDATE bus_receipts SET evaluated = ? WHERE source_key = ?"))
            .bind(true)
            .bind(source_key)
            .execute(self.writer())
            .await?;
        Ok(())
    }

    /// Everything about one event that can be computed outside the write transaction (the
    /// encryption of raw payload, person fields and pictures is the costly part).
    pub(crate) fn prepare_event(
        &self,
        device: &IngestDevice,
        ev: &DecodedEvent,
        raw: &[u8],
        content_type: Option<&str>,
        now: DateTime<Utc>,
    ) -> PreparedEvent {
        PreparedEvent {
            device_id: device.id.clone(),
            unit_id: device.unit_id.clone(),
            key: format!(
                "{}|{}|{}|{}",
                ev.kind.code(),
                ev.vendor_type,
                ev.channel.map(|c| c.to_string()).unwrap_or_default(),
                ev.region.as_deref().unwrap_or("")
            ),
            id: new_id(),
            kind: ev.kind,
            vendor_type: ev.vendor_type.clone(),
            state: ev.state,
            device_time: ev.device_time.map(|t| t.to_rfc3339()),
            channel: ev.channel.map(i64::from),
            region: ev.region.clone(),
            target: ev.target.clone(),
            person: (!ev.person.is_empty()).then(|| {
                self.cipher
                    .encrypt(AAD_PERSON, &serde_json::to_string(&ev.person).unwrap_or_default())
            }),
            description: ev.description.clone(),
            serial_no: ev.serial_no,
            raw: self.cipher.encrypt_bytes(AAD_RAW, raw),
            content_type: content_type.map(str::to_string),
            images: ev
                .images
                .iter()
                .map(|img| PreparedImage {
                    id: new_id(),
                    content_type: img.content_type.clone(),
                    name: img.name.clone(),
                    bytes: self.cipher.encrypt_bytes(AAD_IMAGE, &img.bytes),
                })
                .collect(),
            now,
        }
    }

    /// Writes one event inside `tx`: folds a repeated `active` post into its ongoing occurrence,
    /// closes it on `inactive`, or inserts a new occurrence. Returns (event id, new occurrence).
    async fn write_occurrence(
        &self,
        tx: &mut sqlx::Transaction<'_, Db>,
        device: &IngestDevice,
        ev: &DecodedEvent,
        raw: &[u8],
        content_type: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<(String, bool)> {
        write_prepared(tx, &self.prepare_event(device, ev, raw, content_type, now)).await
    }

    pub(crate) async fn get_event_impl(&self, scope: &Scope, id: &str) -> StoreResult<SecurityEvent> {
        let mut qb = QueryBuilder::new(format!("SELECT {EVENT_COLUMNS} FROM {EVENT_FROM} WHERE e.id = "));
        qb.push_bind(id.to_string());
        push_scope(&mut qb, scope);
        let row = qb
            .build()
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(event_from_row(&row, &self.cipher))
    }

    pub(crate) async fn get_event_raw_impl(&self, scope: &Scope, id: &str) -> StoreResult<(Vec<u8>, Option<String>)> {
        let mut qb = QueryBuilder::new(
            "SELECT e.raw, e.raw_content_type FROM events e JOIN units u ON u.id = e.unit_id WHERE e.id = ",
        );
        qb.push_bind(id.to_string());
        push_scope(&mut qb, scope);
        let row = qb
            .build()
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        let raw: Vec<u8> = row.get("raw");
        Ok((self.cipher.decrypt_bytes(AAD_RAW, &raw)?, row.get("raw_content_type")))
    }

    pub(crate) async fn list_events_impl(
        &self,
        scope: &Scope,
        f: &EventFilter,
        page: Page,
    ) -> StoreResult<Listing<SecurityEvent>> {
        let filters = |qb: &mut QueryBuilder<'_, Db>| {
            push_scope(qb, scope);
            if let Some(u) = &f.unit_id {
                qb.push(" AND e.unit_id = ").push_bind(u.clone());
            }
            if let Some(d) = &f.device_id {
                qb.push(" AND e.device_id = ").push_bind(d.clone());
            }
            if let Some(k) = f.kind {
                qb.push(" AND e.kind = ").push_bind(k.code());
            }
            if let Some(s) = f.since {
                qb.push(" AND e.received_at >= ").push_bind(ms(s));
            }
            if let Some(s) = f.until {
                qb.push(" AND e.received_at < ").push_bind(ms(s));
            }
        };
        super::common::paged(
            &self.pool,
            "FROM events e JOIN units u ON u.id = e.unit_id WHERE 1=1",
            &format!("SELECT {EVENT_COLUMNS} FROM {EVENT_FROM} WHERE 1=1"),
            filters,
            "e.received_at DESC, e.id DESC",
            page,
            |r| event_from_row(r, &self.cipher),
        )
        .await
    }

    pub(crate) async fn count_recent_events_impl(
        &self,
        device_id: &str,
        kind: &str,
        region: Option<&str>,
        since: DateTime<Utc>,
    ) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            &sql("SELECT COUNT(*) FROM events WHERE device_id = ? AND kind = ? AND received_at >= ? AND (? IS NULL OR region = ?)"),
        )
        .bind(device_id)
        .bind(kind)
        .bind(ms(since))
        .bind(region)
        .bind(region)
        .fetch_one(&self.pool)
        .await?)
    }
}

/// One picture ready to write (bytes encrypted).
pub(crate) struct PreparedImage {
    id: String,
    content_type: String,
    name: Option<String>,
    bytes: Vec<u8>,
}

/// One event ready to write; see [`Backend::prepare_event`].
pub(crate) struct PreparedEvent {
    device_id: String,
    unit_id: String,
    key: String,
    id: String,
    kind: EventKind,
    vendor_type: String,
    state: EventState,
    device_time: Option<String>,
    channel: Option<i64>,
    region: Option<String>,
    target: Option<String>,
    person: Option<String>,
    description: Option<String>,
    serial_no: Option<i64>,
    raw: Vec<u8>,
    content_type: Option<String>,
    images: Vec<PreparedImage>,
    now: DateTime<Utc>,
}

/// Writes a prepared event inside `tx` (see [`Backend::write_occurrence`]).
async fn write_prepared(tx: &mut sqlx::Transaction<'_, Db>, p: &PreparedEvent) -> StoreResult<(String, bool)> {
    let now = p.now;
    if !is_instantaneous(p.kind) {
        let open: Option<(String, i64)> = sqlx::query_as(&sql(
            "SELECT id, last_seen_at FROM events WHERE device_id = ? AND occurrence_key = ? AND ended_at IS NULL
             ORDER BY received_at DESC LIMIT 1",
        ))
        .bind(&p.device_id)
        .bind(&p.key)
        .fetch_optional(&mut **tx)
        .await?;
        let stale = open.is_some();
        let fresh = open.filter(|(_, last)| *last >= ms(now - Duration::seconds(OCCURRENCE_GAP_SECONDS)));
        match (p.state, fresh) {
            (EventState::Active, Some((id, _))) => {
                sqlx::query(&sql("UPDATE events SET post_count = post_count + 1, last_seen_at = CASE WHEN last_seen_at > ? THEN last_seen_at ELSE ? END WHERE id = ?"))
                    .bind(ms(now))
                    .bind(ms(now))
                    .bind(&id)
                    .execute(&mut **tx)
                    .await?;
                insert_images(tx, &id, &p.images).await?;
                return Ok((id, false));
            }
            (EventState::Inactive, Some((id, _))) => {
                sqlx::query(&sql("UPDATE events SET state = 'inactive', ended_at = ?, last_seen_at = CASE WHEN last_seen_at > ? THEN last_seen_at ELSE ? END WHERE id = ?"))
                    .bind(ms(now))
                    .bind(ms(now))
                    .bind(ms(now))
                    .bind(&id)
                    .execute(&mut **tx)
                    .await?;
                return Ok((id, false));
            }
            _ if stale => {
                // A stale open occurrence (no `inactive` ever came) ends where it was last seen.
                sqlx::query(&sql("UPDATE events SET ended_at = last_seen_at WHERE device_id = ? AND occurrence_key = ? AND ended_at IS NULL"))
                    .bind(&p.device_id)
                    .bind(&p.key)
                    .execute(&mut **tx)
                    .await?;
            }
            _ => {}
        }
    }
    sqlx::query(
        &sql("INSERT INTO events (id, unit_id, device_id, kind, vendor_type, state, device_time, received_at, last_seen_at, ended_at,
           post_count, channel, region, target, person, description, serial_no, occurrence_key, raw, raw_content_type, image_count)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)"),
    )
    .bind(&p.id)
    .bind(&p.unit_id)
    .bind(&p.device_id)
    .bind(p.kind.code())
    .bind(&p.vendor_type)
    .bind(p.state.code())
    .bind(&p.device_time)
    .bind(ms(now))
    .bind(ms(now))
    .bind((p.state == EventState::Inactive || is_instantaneous(p.kind)).then(|| ms(now)))
    .bind(p.channel)
    .bind(&p.region)
    .bind(&p.target)
    .bind(&p.person)
    .bind(&p.description)
    .bind(p.serial_no)
    .bind(&p.key)
    .bind(&p.raw)
    .bind(&p.content_type)
    .execute(&mut **tx)
    .await?;
    insert_images(tx, &p.id, &p.images).await?;
    Ok((p.id.clone(), true))
}

async fn insert_images(
    tx: &mut sqlx::Transaction<'_, Db>,
    event_id: &str,
    images: &[PreparedImage],
) -> StoreResult<()> {
    for img in images {
        sqlx::query(&sql(
            "INSERT INTO event_images (id, event_id, content_type, name, bytes) VALUES (?, ?, ?, ?, ?)",
        ))
        .bind(&img.id)
        .bind(event_id)
        .bind(&img.content_type)
        .bind(&img.name)
        .bind(&img.bytes)
        .execute(&mut **tx)
        .await?;
    }
    if !images.is_empty() {
        sqlx::query(&sql("UPDATE events SET image_count = image_count + ? WHERE id = ?"))
            .bind(images.len() as i64)
            .bind(event_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// One write for the group-commit writer.
#[allow(dead_code)] // the PostgreSQL backend writes directly
pub(crate) enum WriteJob {
    Event(PreparedEvent),
    Alert(AlertDraft),
}

/// What a [`WriteJob`] wrote.
#[allow(dead_code)] // the PostgreSQL backend writes directly
pub(crate) enum Written {
    /// (event id, new occurrence)
    Event(String, bool),
    Alert(Raised),
}

#[allow(dead_code)] // the PostgreSQL backend writes directly
async fn write_job(tx: &mut sqlx::Transaction<'_, Db>, job: &WriteJob) -> StoreResult<Written> {
    Ok(match job {
        WriteJob::Event(p) => {
            let (id, new) = write_prepared(tx, p).await?;
            Written::Event(id, new)
        }
        WriteJob::Alert(d) => Written::Alert(super::alerts::raise_in(tx, d).await?),
    })
}

#[allow(dead_code)] // the PostgreSQL backend writes directly
type WriteReply = tokio::sync::oneshot::Sender<StoreResult<Written>>;

/// Group commit of event and alert writes: one task owns them. It takes every job waiting in its
/// queue (up to [`GROUP_COMMIT_MAX`]) and writes them in one transaction, in arrival order, then
/// answers each caller. Under load one commit serves many requests (SQLite has one writer; the
/// commit and the round trips to the writer connection are the expensive part); alone, a job is
/// written at once, with no added wait. If the batch fails, each job is retried in its own
/// transaction so that one bad write fails only its own request.
#[derive(Clone)]
#[allow(dead_code)] // the PostgreSQL backend writes directly
pub(crate) struct EventWriter {
    queue: tokio::sync::mpsc::Sender<(WriteJob, WriteReply)>,
}

/// Most jobs written in one group commit.
#[allow(dead_code)] // the PostgreSQL backend writes directly
pub(crate) const GROUP_COMMIT_MAX: usize = 256;

#[allow(dead_code)] // the PostgreSQL backend writes directly
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

#[allow(dead_code)] // the PostgreSQL backend writes directly
async fn write_batch(pool: &sqlx::Pool<Db>, batch: &[&WriteJob]) -> StoreResult<Vec<Written>> {
    let mut tx = pool.begin_with(super::BEGIN_WRITE).await?;
    let mut out = Vec::with_capacity(batch.len());
    for job in batch {
        out.push(write_job(&mut tx, job).await?);
    }
    tx.commit().await?;
    Ok(out)
}
