//! Repositories of attachments: [`AttachmentRepo`]. Implemented by both
//! backends in `sql.rs` (compiled once per backend, see `crate::sqlite`).

use crate::error::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::*;
use neibao_domain::attachments::*;

/// Evidence files (encrypted at rest).
#[async_trait]
pub trait AttachmentRepo: Send + Sync {
    async fn add_attachment(
        &self,
        scope: &Scope,
        attachment: &NewAttachment,
        now: DateTime<Utc>,
    ) -> StoreResult<Attachment>;
    async fn list_attachments(&self, scope: &Scope, owner_kind: &str, owner_id: &str) -> StoreResult<Vec<Attachment>>;
    async fn get_attachment(&self, scope: &Scope, id: &str) -> StoreResult<(Attachment, Vec<u8>)>;
}
