//! Repositories of documents: [`DocumentRepo`]. Implemented by both
//! backends in `sql.rs` (compiled once per backend, see `crate::sqlite`).

use crate::error::StoreResult;
use async_trait::async_trait;
use neibao_domain::access::*;
use neibao_domain::audit::AuditEntry;
use neibao_domain::documents::*;
use neibao_domain::paging::*;

/// Official documents (文书) as stored.
#[async_trait]
pub trait DocumentRepo: Send + Sync {
    async fn list_documents(
        &self,
        scope: &Scope,
        filter: &DocumentFilter,
        page: Page,
    ) -> StoreResult<Listing<Document>>;
    async fn get_document(&self, scope: &Scope, id: &str) -> StoreResult<Document>;
    /// Keeps the first reading of a document by its addressee (the caller checked who may sign);
    /// true when this was the first, and then `audit` commits with it. Later readings change
    /// nothing.
    async fn record_receipt(
        &self,
        document_id: &str,
        user_id: &str,
        user_name: &str,
        audit: &AuditEntry,
        now: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<bool>;
}
