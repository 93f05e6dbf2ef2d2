//! The enterprise's files on a request (民营企业诉求, docs/ENTERPRISE-REQUESTS.md): PDF or image
//! files attached when filing or replying, stored as attachments of owner kind
//! `enterprise_request` of the request's unit (encrypted at rest like every attachment). The
//! police of the unit's jurisdiction (the handler among them) and the unit read them through the
//! attachments kernel (`/api/v1/attachments/{id}`), by scope.

use chrono::Utc;
use neibao_domain::access::{Permission, Principal};
use neibao_domain::attachments::{
    check_size, clean_file_name, sniff_image, Attachment, AttachmentOwner, NewAttachment, Upload,
};
use neibao_domain::error::ErrorCode;

use super::service::EnterpriseRequestService;
use crate::error::{ServiceError, ServiceResult};

/// Most files one request carries.
pub const MAX_FILES: usize = 20;

impl EnterpriseRequestService {
    /// Whether the caller may attach a file to request `id` (checked before the upload is read):
    /// [`Permission::EnterpriseRequestFile`] (403), the request of the caller's own unit (404
    /// otherwise), not closed (409 `invalid_transition`), fewer than [`MAX_FILES`] files (409
    /// `conflict`). Answers the request's unit.
    pub async fn check_file_target(&self, who: &Principal, id: &str) -> ServiceResult<String> {
        who.require(Permission::EnterpriseRequestFile)?;
        let d = self.get(who, id).await?;
        if who.unit_id.as_deref() != Some(d.request.unit_id.as_str()) {
            return Err(ServiceError::not_found());
        }
        if d.request.state == "closed" {
            return Err(ServiceError::refused(
                ErrorCode::InvalidTransition,
                "诉求已办结，不能再添加附件",
            ));
        }
        if d.attachments.len() >= MAX_FILES {
            return Err(ServiceError::refused(
                ErrorCode::Conflict,
                format!("每件诉求最多 {MAX_FILES} 个附件"),
            ));
        }
        Ok(d.request.unit_id)
    }

    /// Attaches a file to request `id` (see [`EnterpriseRequestService::check_file_target`]): a
    /// PDF or an image (JPEG, PNG, GIF, WebP), known by its bytes, of at most 10 MB (else 400
    /// `validation_failed` / 413 `payload_too_large`). Audited as `attachment.upload` in the same
    /// transaction.
    #[tracing::instrument(skip_all, fields(request = %id))]
    pub async fn add_file(&self, who: &Principal, id: &str, upload: Upload) -> ServiceResult<Attachment> {
        let unit_id = self.check_file_target(who, id).await?;
        check_size(upload.data.len())?;
        let content_type = match sniff_image(&upload.data) {
            Some(t) => t.to_string(),
            None if upload.data.starts_with(b"%PDF-") => "application/pdf".to_string(),
            None => {
                return Err(ServiceError::invalid(
                    "附件应为 PDF 文件或图片（JPEG、PNG、GIF 或 WebP）",
                ))
            }
        };
        let mut audit = who.audit("attachment.upload", "attachment", "", Some(&unit_id));
        audit.detail = serde_json::json!({
            "owner_kind": AttachmentOwner::EnterpriseRequest.code(),
            "owner_id": id,
            "content_type": content_type,
            "size": upload.data.len(),
        })
        .to_string();
        let file = NewAttachment {
            unit_id,
            owner_kind: AttachmentOwner::EnterpriseRequest,
            owner_id: id.to_string(),
            name: clean_file_name(&upload.name),
            content_type,
            data: upload.data,
            uploaded_by: who.display_name.clone(),
        };
        Ok(self
            .ctx
            .store
            .add_attachment(&who.scope, &file, &audit, Utc::now())
            .await?)
    }
}
