//! [`DocumentService`]: Official documents (文书): lists, details, PDFs.

use crate::context::Ctx;

/// Official documents (文书): lists, details, PDFs.
#[derive(Clone)]
pub struct DocumentService {
    #[allow(dead_code)] // until the capability's handlers move here
    pub(crate) ctx: Ctx,
}

impl DocumentService {
    pub fn new(ctx: Ctx) -> DocumentService {
        DocumentService { ctx }
    }
}
