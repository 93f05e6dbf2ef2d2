//! [`EventService`]: events (normalised device occurrences) and the purpose-logged read of the
//! raw payload a device sent.

use chrono::Utc;
use neibao_domain::access::{Permission, Principal};
use neibao_domain::events::{EventFilter, EventPicture, SecurityEvent};
use neibao_domain::paging::{Listing, Page};

use crate::context::Ctx;
use crate::error::ServiceResult;

/// Events and their raw payloads.
#[derive(Clone)]
pub struct EventService {
    pub(crate) ctx: Ctx,
}

impl EventService {
    pub fn new(ctx: Ctx) -> EventService {
        EventService { ctx }
    }

    /// Events in `who`'s jurisdiction, newest first.
    #[tracing::instrument(skip_all)]
    pub async fn list(
        &self,
        who: &Principal,
        filter: &EventFilter,
        page: Page,
    ) -> ServiceResult<Listing<SecurityEvent>> {
        Ok(self.ctx.store.list_events(&who.scope, filter, page).await?)
    }

    /// One event.
    #[tracing::instrument(skip_all, fields(event = %id))]
    pub async fn get(&self, who: &Principal, id: &str) -> ServiceResult<SecurityEvent> {
        Ok(self.ctx.store.get_event(&who.scope, id).await?)
    }

    /// The raw payload the device sent with an event, byte for byte. It can hold personal
    /// information (names, card numbers, face pictures): a purpose is required, and the read is
    /// audited (`event.raw`, with the purpose and the size) before the bytes are returned; if the
    /// audit row cannot be written, nothing is returned.
    ///
    /// Errors: `forbidden`, `purpose_required`, `not_found`.
    #[tracing::instrument(skip_all, fields(event = %id))]
    pub async fn raw(&self, who: &Principal, id: &str, purpose: Option<&str>) -> ServiceResult<Vec<u8>> {
        who.require(Permission::EventRawRead)?;
        let purpose = neibao_domain::privacy::check_purpose(purpose)?;
        let store = &self.ctx.store;
        let event = store.get_event(&who.scope, id).await?;
        let (bytes, _content_type) = store.get_event_raw(&who.scope, id).await?;
        let mut audit = who.audit("event.raw", "events", id, Some(&event.unit_id));
        audit.purpose = purpose;
        audit.detail = format!("{}字节", bytes.len());
        store.append_audit(&audit, Utc::now()).await?;
        Ok(bytes)
    }

    /// Picture `n` (1-based) a device sent with an event (a snapshot, a face or a plate crop:
    /// personal information). Same roles as the raw payload; a purpose is required and the view
    /// is audited (`event.image`, with the purpose and the picture's number) before the picture
    /// is returned; if the audit row cannot be written, nothing is returned. Source:
    /// docs/REQUIREMENTS.md R53 (purpose-logged retrieval).
    ///
    /// Errors: `forbidden`, `purpose_required`, `not_found` (no such event or picture, or out of
    /// the caller's jurisdiction).
    #[tracing::instrument(skip_all, fields(event = %id, n))]
    pub async fn image(&self, who: &Principal, id: &str, n: i64, purpose: Option<&str>) -> ServiceResult<EventPicture> {
        who.require(Permission::EventRawRead)?;
        let purpose = neibao_domain::privacy::check_purpose(purpose)?;
        let store = &self.ctx.store;
        let event = store.get_event(&who.scope, id).await?;
        let picture = store.get_event_image(&who.scope, id, n).await?;
        let mut audit = who.audit("event.image", "events", id, Some(&event.unit_id));
        audit.purpose = purpose;
        audit.detail = format!("第{n}张");
        store.append_audit(&audit, Utc::now()).await?;
        Ok(picture)
    }
}
