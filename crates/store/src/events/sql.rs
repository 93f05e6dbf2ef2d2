//! SQL of events (compiled once per backend: see `crate::sqlite` and `crate::postgres`).

use super::common::{from_ms, ms, push_scope};
use super::db::{sql, Db, DbRow};
use super::devices::{placement_from_row, PLACEMENT_COLUMNS};
use super::event_write::{write_prepared, PreparedEvent, PreparedImage};
use super::store::Backend;
use crate::error::{StoreError, StoreResult};
#[allow(unused_imports)]
use crate::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::devices::IngestDevice;
use neibao_domain::events::{
    DecodedEvent, EventFilter, EventKind, EventPicture, EventState, PersonFields, Recorded, ReplayEvent, SecurityEvent,
};
use neibao_domain::ids::new_id;
use neibao_domain::paging::{Listing, Page};
use sqlx::{QueryBuilder, Row};

pub(crate) const EVENT_COLUMNS: &str =
    "e.id, e.unit_id, e.device_id, e.kind, e.vendor_type, e.state, e.device_time, e.device_time_zone, e.received_at,
    e.last_seen_at, e.ended_at, e.post_count, e.channel, e.region, e.target, e.person, e.description, e.image_count,
    u.name AS unit_name, dv.name AS device_name";

/// Events with their unit (for scoping and names) and device.
pub(crate) const EVENT_FROM: &str =
    "events e JOIN units u ON u.id = e.unit_id LEFT JOIN devices dv ON dv.id = e.device_id";

/// Associated data binding the encrypted event columns to their place.
const AAD_PERSON: &str = "events.person";

const AAD_RAW: &str = "events.raw";

const AAD_IMAGE: &str = "event_images.bytes";

/// The plaintext of a free-text column of row `r` (its `<column>_sealed` decrypted, else the
/// column itself), for internal use only (rule replay): never shown.
pub(crate) fn unseal(cipher: &crate::crypto::FieldCipher, r: &DbRow, table: &str, column: &str) -> Option<String> {
    r.get::<Option<String>, _>(format!("{column}_sealed").as_str())
        .and_then(|ct| cipher.decrypt(&format!("{table}.{column}"), &ct).ok())
        .or_else(|| r.get::<Option<String>, _>(column))
}

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
        device_time_zone: r.get("device_time_zone"),
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

/// The key that folds repeated posts of one device into one occurrence: the kind, the vendor
/// type and region as stored (`shown`: masked), the channel; when a masked part hid personal
/// data (`plain`: the plaintext vendor type and region), a blind index of the plaintext keeps
/// occurrences of different numbers apart.
pub(crate) fn occurrence_key(
    c: &crate::crypto::FieldCipher,
    kind: &str,
    channel: Option<i64>,
    shown: (&str, Option<&str>),
    plain: Option<(&str, Option<&str>)>,
) -> String {
    let mut key = format!(
        "{kind}|{}|{}|{}",
        shown.0,
        channel.map(|c| c.to_string()).unwrap_or_default(),
        shown.1.unwrap_or("")
    );
    if let Some((vendor_type, region)) = plain {
        key.push('|');
        key.push_str(&c.blind_index("event_key", &format!("{vendor_type}|{}", region.unwrap_or(""))));
    }
    key
}

impl Backend {
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
        let c = &self.cipher;
        let (vendor_type, vendor_type_sealed) = c.seal_free_text("events", "vendor_type", &ev.vendor_type);
        let (region, region_sealed) = c.seal_opt_free_text("events", "region", ev.region.as_deref());
        let (target, target_sealed) = c.seal_opt_free_text("events", "target", ev.target.as_deref());
        let (description, description_sealed) =
            c.seal_opt_free_text("events", "description", ev.description.as_deref());
        let key = occurrence_key(
            c,
            ev.kind.code(),
            ev.channel.map(i64::from),
            (&vendor_type, region.as_deref()),
            (vendor_type_sealed.is_some() || region_sealed.is_some())
                .then_some((ev.vendor_type.as_str(), ev.region.as_deref())),
        );
        PreparedEvent {
            device_id: device.id.clone(),
            unit_id: device.unit_id.clone(),
            key,
            id: new_id(),
            kind: ev.kind,
            vendor_type,
            vendor_type_sealed,
            state: ev.state,
            device_time: ev.device_time.map(|t| t.to_rfc3339()),
            device_time_zone: ev.device_time_zone.clone(),
            channel: ev.channel.map(i64::from),
            region,
            region_sealed,
            target,
            target_sealed,
            person: (!ev.person.is_empty()).then(|| {
                self.cipher
                    .encrypt(AAD_PERSON, &serde_json::to_string(&ev.person).unwrap_or_default())
            }),
            description,
            description_sealed,
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
}

#[async_trait]
impl EventRepo for Backend {
    async fn record_event(
        &self,
        device: &IngestDevice,
        ev: &DecodedEvent,
        raw: &[u8],
        content_type: Option<&str>,
        source_key: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<Recorded> {
        if source_key.is_none() {
            // Without a bus receipt to keep: the backend's event write path (SQLite: the group
            // commit; PostgreSQL: a transaction of its own).
            let prepared = self.prepare_event(device, ev, raw, content_type, now);
            let (event_id, new_occurrence) = self
                .write_events(vec![prepared])
                .await?
                .pop()
                .ok_or_else(|| StoreError::Other(anyhow::anyhow!("no write result")))?;
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
        let (event_id, new_occurrence) =
            write_prepared(&mut tx, &self.prepare_event(device, ev, raw, content_type, now)).await?;
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
    async fn record_events(
        &self,
        device: &IngestDevice,
        events: &[DecodedEvent],
        raw: &[u8],
        content_type: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Recorded>> {
        let prepared = events
            .iter()
            .map(|ev| self.prepare_event(device, ev, raw, content_type, now))
            .collect();
        Ok(self
            .write_events(prepared)
            .await?
            .into_iter()
            .map(|(event_id, new_occurrence)| Recorded {
                event_id,
                new_occurrence,
                evaluated: false,
            })
            .collect())
    }

    async fn mark_evaluated(&self, source_key: &str) -> StoreResult<()> {
        sqlx::query(&sql("UPDATE bus_receipts SET evaluated = ? WHERE source_key = ?"))
            .bind(true)
            .bind(source_key)
            .execute(self.writer())
            .await?;
        Ok(())
    }

    async fn get_event(&self, scope: &Scope, id: &str) -> StoreResult<SecurityEvent> {
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

    async fn get_event_raw(&self, scope: &Scope, id: &str) -> StoreResult<(Vec<u8>, Option<String>)> {
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

    async fn get_event_image(&self, scope: &Scope, id: &str, n: i64) -> StoreResult<EventPicture> {
        if n < 1 {
            return Err(StoreError::NotFound);
        }
        let mut qb = QueryBuilder::new(
            "SELECT i.content_type, i.bytes FROM event_images i JOIN events e ON e.id = i.event_id
             JOIN units u ON u.id = e.unit_id WHERE i.event_id = ",
        );
        qb.push_bind(id.to_string());
        push_scope(&mut qb, scope);
        qb.push(" ORDER BY i.id LIMIT 1 OFFSET ").push_bind(n - 1);
        let row = qb
            .build()
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        let bytes: Vec<u8> = row.get("bytes");
        Ok(EventPicture {
            content_type: row.get("content_type"),
            bytes: self.cipher.decrypt_bytes(AAD_IMAGE, &bytes)?,
        })
    }

    async fn list_events(&self, scope: &Scope, f: &EventFilter, page: Page) -> StoreResult<Listing<SecurityEvent>> {
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

    async fn count_recent_events(
        &self,
        device_id: &str,
        kind: &str,
        region: Option<&str>,
        since: DateTime<Utc>,
    ) -> StoreResult<i64> {
        // The column holds the masked region (docs/SECURITY.md, "Personal data in free text").
        let region = region.map(neibao_domain::privacy::mask_personal_data);
        Ok(sqlx::query_scalar(
            &sql("SELECT COUNT(*) FROM events WHERE device_id = ? AND kind = ? AND received_at >= ? AND (? IS NULL OR region = ?)"),
        )
        .bind(device_id)
        .bind(kind)
        .bind(ms(since))
        .bind(region.clone())
        .bind(region)
        .fetch_one(&self.pool)
        .await?)
    }

    async fn replay_events(
        &self,
        scope: &Scope,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        unit_id: Option<&str>,
        limit: i64,
    ) -> StoreResult<Vec<ReplayEvent>> {
        let mut qb = QueryBuilder::new(format!(
            "SELECT e.id AS event_id, e.received_at, e.kind, e.vendor_type, e.state, e.channel, e.region, e.target, e.person,
                    e.vendor_type_sealed, e.region_sealed, e.target_sealed,
                    {PLACEMENT_COLUMNS}
             FROM events e JOIN devices dv ON dv.id = e.device_id JOIN units u ON u.id = e.unit_id
             LEFT JOIN key_areas ka ON ka.id = dv.key_area_id
             WHERE e.received_at >= "
        ));
        qb.push_bind(ms(from)).push(" AND e.received_at < ").push_bind(ms(to));
        if let Some(u) = unit_id {
            qb.push(" AND e.unit_id = ").push_bind(u.to_string());
        }
        push_scope(&mut qb, scope);
        qb.push(" ORDER BY e.received_at, e.id LIMIT ").push_bind(limit);
        let rows = qb.build().fetch_all(&self.pool).await?;
        Ok(rows
            .iter()
            .map(|r| {
                let mut ev = DecodedEvent::new(
                    EventKind::from_code(r.get::<&str, _>("kind")).unwrap_or(EventKind::Unknown),
                    unseal(&self.cipher, r, "events", "vendor_type").unwrap_or_default(),
                    EventState::from_code(r.get::<&str, _>("state")).unwrap_or(EventState::Active),
                );
                ev.channel = r.get::<Option<i64>, _>("channel").and_then(|c| u32::try_from(c).ok());
                // Rules replayed over stored events see what the device sent.
                ev.region = unseal(&self.cipher, r, "events", "region");
                ev.target = unseal(&self.cipher, r, "events", "target");
                ev.person = r
                    .get::<Option<String>, _>("person")
                    .and_then(|p| self.cipher.decrypt(AAD_PERSON, &p).ok())
                    .and_then(|p| serde_json::from_str::<PersonFields>(&p).ok())
                    .unwrap_or_default();
                ReplayEvent {
                    event_id: r.get("event_id"),
                    received_at: from_ms(r.get("received_at")),
                    placement: placement_from_row(r),
                    event: ev,
                }
            })
            .collect())
    }
}
