//! [`AttachmentService`]: Evidence files.

use crate::context::Ctx;

/// Evidence files.
#[derive(Clone)]
pub struct AttachmentService {
    #[allow(dead_code)] // until the capability's handlers move here
    pub(crate) ctx: Ctx,
}

impl AttachmentService {
    pub fn new(ctx: Ctx) -> AttachmentService {
        AttachmentService { ctx }
    }
}
