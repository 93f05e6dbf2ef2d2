//! Repositories of documents: [`DocumentRepo`]. Implemented by both
//! backends in `sql.rs` (compiled once per backend, see `crate::sqlite`).

use crate::error::StoreResult;
use async_trait::async_trait;
use neibao_domain::access::*;
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
}
