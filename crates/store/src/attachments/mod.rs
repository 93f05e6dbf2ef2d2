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

    /// Stores a file for an owner whose capability has already checked who may add it, without a
    /// unit scope: `attachment.unit_id` may be empty (stored as NULL: a file of the police that
    /// belongs to no unit, e.g. a downward bulletin's, which reaches many units). With the audit
    /// entry of its upload, in one transaction (an empty `object_id` is filled in).
    async fn add_owned_attachment(
        &self,
        attachment: &NewAttachment,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Attachment>;
    /// The files of one owner, oldest first (at most 200), whatever unit they belong to: for the
    /// capability that has checked the owner is visible to the caller (a bulletin reaching many
    /// units: `BulletinService`). Not for anything else.
    async fn owner_attachments(&self, owner: AttachmentOwner, owner_id: &str) -> StoreResult<Vec<Attachment>>;
    /// One file of one owner with its bytes (as [`AttachmentRepo::owner_attachments`]);
    /// `NotFound` when absent or of another owner.
    async fn owner_attachment(
        &self,
        owner: AttachmentOwner,
        owner_id: &str,
        id: &str,
    ) -> StoreResult<(Attachment, Vec<u8>)>;
}
