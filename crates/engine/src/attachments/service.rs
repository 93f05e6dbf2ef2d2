//! [`AttachmentService`]: evidence files in the caller's jurisdiction (stored encrypted).
//! Files are added by the capability that owns them, which checks who may add what (see
//! `crate::supervision::evidence`); reading one needs only the scope.

use neibao_domain::access::Principal;
use neibao_domain::attachments::{Attachment, AttachmentOwner};

use crate::context::Ctx;
use crate::error::{ServiceError, ServiceResult};

/// Evidence files.
#[derive(Clone)]
pub struct AttachmentService {
    pub(crate) ctx: Ctx,
}

impl AttachmentService {
    pub fn new(ctx: Ctx) -> AttachmentService {
        AttachmentService { ctx }
    }

    /// A file with its bytes. A report's photo is not found here (404): it is read through its
    /// report, whose scope is not the unit's (`ReportService::photo`; a competent department
    /// reads no reports).
    #[tracing::instrument(skip_all, fields(attachment = %id))]
    pub async fn get(&self, who: &Principal, id: &str) -> ServiceResult<(Attachment, Vec<u8>)> {
        let (a, data) = self.ctx.store.get_attachment(&who.scope, id).await?;
        if a.owner_kind == AttachmentOwner::Report {
            return Err(ServiceError::not_found());
        }
        Ok((a, data))
    }

    /// The files of one owner, oldest first.
    #[tracing::instrument(skip_all, fields(owner = owner.code(), id = %owner_id))]
    pub async fn list(
        &self,
        who: &Principal,
        owner: AttachmentOwner,
        owner_id: &str,
    ) -> ServiceResult<Vec<Attachment>> {
        Ok(self.ctx.store.list_attachments(&who.scope, owner, owner_id).await?)
    }
}
