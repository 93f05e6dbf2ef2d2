//! Evidence files attached to inspections and hazards.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::owner::AttachmentOwner;

/// Evidence to store (a photo, a file).
#[derive(Debug, Clone)]
pub struct NewAttachment {
    /// The unit the file belongs to; empty for a file of the police that belongs to no unit (a
    /// downward bulletin's, stored through `add_owned_attachment`).
    pub unit_id: String,
    pub owner_kind: AttachmentOwner,
    pub owner_id: String,
    pub name: String,
    pub content_type: String,
    pub data: Vec<u8>,
    pub uploaded_by: String,
}

/// Stored evidence, without its bytes.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Attachment {
    pub id: String,
    /// The unit the file belongs to; empty for a file of the police that belongs to no unit (a
    /// downward bulletin's).
    pub unit_id: String,
    pub owner_kind: AttachmentOwner,
    pub owner_id: String,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub uploaded_by: String,
    pub created_at: DateTime<Utc>,
}
