//! Repositories of events: [`EventRepo`]. Implemented by both
//! backends in `sql.rs` (compiled once per backend, see `crate::sqlite`).

use crate::error::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::*;
use neibao_domain::devices::*;
use neibao_domain::events::*;
use neibao_domain::paging::*;

/// Device events with their raw payloads and pictures.
#[async_trait]
pub trait EventRepo: Send + Sync {
    /// Persists one decoded event with the raw payload, folding a repeated `active` post of an
    /// ongoing condition into its occurrence (see `SecurityEvent`).
    ///
    /// `source_key` identifies the event in a bus message (message id + index): recording the
    /// same key twice writes nothing the second time and returns the first result, so a message
    /// delivered twice is stored once.
    async fn record_event(
        &self,
        device: &IngestDevice,
        event: &DecodedEvent,
        raw: &[u8],
        content_type: Option<&str>,
        source_key: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<Recorded>;
    /// Notes that the rules ran for the event recorded under `source_key`.
    async fn mark_evaluated(&self, source_key: &str) -> StoreResult<()>;
    /// Records the events of one payload that came without a bus message, in order (as
    /// [`Store::record_event`] each, written together).
    async fn record_events(
        &self,
        device: &IngestDevice,
        events: &[DecodedEvent],
        raw: &[u8],
        content_type: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Recorded>>;
    async fn get_event(&self, scope: &Scope, id: &str) -> StoreResult<SecurityEvent>;
    /// Raw payload of an event (scoped).
    async fn get_event_raw(&self, scope: &Scope, id: &str) -> StoreResult<(Vec<u8>, Option<String>)>;
    /// Picture `n` (1-based, in the order the device sent them) of event `id`, decrypted, if the
    /// event's unit is in `scope`. Errors: `NotFound` (no such event or picture, or out of scope).
    async fn get_event_image(&self, scope: &Scope, id: &str, n: i64) -> StoreResult<EventPicture>;
    async fn list_events(&self, scope: &Scope, filter: &EventFilter, page: Page)
        -> StoreResult<Listing<SecurityEvent>>;
    /// Occurrences of `kind` on a device (and region) since `since`; for threshold rules.
    async fn count_recent_events(
        &self,
        device_id: &str,
        kind: &str,
        region: Option<&str>,
        since: DateTime<Utc>,
    ) -> StoreResult<i64>;
    /// Stored events in `[from, to)` in the scope, oldest first, at most `limit`.
    async fn replay_events(
        &self,
        scope: &Scope,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        unit_id: Option<&str>,
        limit: i64,
    ) -> StoreResult<Vec<ReplayEvent>>;
}
