//! [`DocumentService`]: official documents (文书) in the caller's jurisdiction: lists and
//! details (the PDF is laid out from a document by the web layer, with `neibao-docgen`).
//! Documents are issued by the capability that produces them, in its own transaction (see
//! `crate::supervision`).

use neibao_domain::access::Principal;
use neibao_domain::documents::{Document, DocumentFilter};
use neibao_domain::paging::{Listing, Page};

use crate::context::Ctx;
use crate::error::ServiceResult;

/// Official documents (文书): lists, details.
#[derive(Clone)]
pub struct DocumentService {
    pub(crate) ctx: Ctx,
}

impl DocumentService {
    pub fn new(ctx: Ctx) -> DocumentService {
        DocumentService { ctx }
    }

    /// Documents in the caller's jurisdiction, newest first.
    #[tracing::instrument(skip_all)]
    pub async fn list(&self, who: &Principal, filter: &DocumentFilter, page: Page) -> ServiceResult<Listing<Document>> {
        Ok(self.ctx.store.list_documents(&who.scope, filter, page).await?)
    }

    /// One document in the caller's jurisdiction.
    #[tracing::instrument(skip_all, fields(document = %id))]
    pub async fn get(&self, who: &Principal, id: &str) -> ServiceResult<Document> {
        Ok(self.ctx.store.get_document(&who.scope, id).await?)
    }
}
