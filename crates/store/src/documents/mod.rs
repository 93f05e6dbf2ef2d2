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
    /// Keeps a department's action record on a document (the caller checked it is the
    /// addressee and the text is valid): the text masked and sealed as a free text, the
    /// addressee's receipt recorded too if there was none (recording is reading), and `audit`,
    /// in one transaction. Returns the record. Errors: `NotFound` for an unknown document.
    async fn record_document_action(
        &self,
        document_id: &str,
        user_id: &str,
        user_name: &str,
        text: &str,
        audit: &AuditEntry,
        now: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<DepartmentAction>;
}
