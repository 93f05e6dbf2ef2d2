//! Repositories of attachments: [`AttachmentRepo`]. Implemented by both
//! backends in `sql.rs` (compiled once per backend, see `crate::sqlite`).

use crate::error::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::*;
use neibao_domain::attachments::*;
use neibao_domain::audit::AuditEntry;

/// Evidence files (encrypted at rest).
#[async_trait]
pub trait AttachmentRepo: Send + Sync {
    /// Stores a file of a unit in scope with the audit entry of its upload, in one transaction
    /// (an empty `object_id` is filled in with the new attachment's id).
    async fn add_attachment(
        &self,
        scope: &Scope,
        attachment: &NewAttachment,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Attachment>;
    /// The files of one owner, oldest first (at most 200).
    async fn list_attachments(
        &self,
        scope: &Scope,
        owner: AttachmentOwner,
        owner_id: &str,
    ) -> StoreResult<Vec<Attachment>>;
    async fn get_attachment(&self, scope: &Scope, id: &str) -> StoreResult<(Attachment, Vec<u8>)>;
}
