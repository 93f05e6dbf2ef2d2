//! Writing events inside a transaction (compiled once per backend): an event prepared outside
//! the transaction ([`PreparedEvent`], ciphertexts ready) is folded into its ongoing occurrence or
//! inserted. Used by [`crate::events::EventRepo`] and by the SQLite group-commit writer.

use super::common::ms;
use super::db::{sql, Db};
use crate::error::StoreResult;
use chrono::{DateTime, Duration, Utc};
use neibao_domain::events::{EventKind, EventState};

/// A repeated `active` post later than this after the previous one starts a new occurrence:
/// some event types never send `inactive` (docs/DEVICE-FORMATS.md §1, "repeated actives").
pub const OCCURRENCE_GAP_SECONDS: i64 = 60;

/// Kinds that are instantaneous: every post is its own occurrence (a card swipe, a face capture).
pub(crate) fn is_instantaneous(kind: EventKind) -> bool {
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

/// One picture ready to write (bytes encrypted).
pub(crate) struct PreparedImage {
    pub(crate) id: String,
    pub(crate) content_type: String,
    pub(crate) name: Option<String>,
    pub(crate) bytes: Vec<u8>,
}

/// One event ready to write; see [`Backend::prepare_event`].
pub(crate) struct PreparedEvent {
    pub(crate) device_id: String,
    pub(crate) unit_id: String,
    pub(crate) key: String,
    pub(crate) id: String,
    pub(crate) kind: EventKind,
    pub(crate) vendor_type: String,
    pub(crate) vendor_type_sealed: Option<String>,
    pub(crate) state: EventState,
    pub(crate) device_time: Option<String>,
    /// The zone an offset-less device time was read in (`DecodedEvent::device_time_zone`).
    pub(crate) device_time_zone: Option<String>,
    pub(crate) channel: Option<i64>,
    pub(crate) region: Option<String>,
    pub(crate) region_sealed: Option<String>,
    pub(crate) target: Option<String>,
    pub(crate) target_sealed: Option<String>,
    pub(crate) person: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) description_sealed: Option<String>,
    pub(crate) serial_no: Option<i64>,
    pub(crate) raw: Vec<u8>,
    pub(crate) content_type: Option<String>,
    pub(crate) images: Vec<PreparedImage>,
    pub(crate) now: DateTime<Utc>,
}

/// Writes a prepared event inside `tx` (see [`Backend::write_occurrence`]).
pub(crate) async fn write_prepared(
    tx: &mut sqlx::Transaction<'_, Db>,
    p: &PreparedEvent,
) -> StoreResult<(String, bool)> {
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
           post_count, channel, region, target, person, description, serial_no, occurrence_key, raw, raw_content_type, image_count,
           vendor_type_sealed, region_sealed, target_sealed, description_sealed, device_time_zone)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)"),
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
    .bind(&p.vendor_type_sealed)
    .bind(&p.region_sealed)
    .bind(&p.target_sealed)
    .bind(&p.description_sealed)
    .bind(&p.device_time_zone)
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
