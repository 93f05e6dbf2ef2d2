//! Evacuation maps of a plan (疏散图, R18): images (JPEG, PNG, GIF, WebP) or PDF files, stored as
//! attachments of owner kind `emergency_plan` (encrypted at rest like every attachment).

use chrono::Utc;
use neibao_domain::access::{Permission, Principal};
use neibao_domain::attachments::{
    check_size, clean_file_name, sniff_image, Attachment, AttachmentOwner, NewAttachment, Upload,
};

use super::service::EmergencyPlanService;
use crate::error::{ServiceError, ServiceResult};

impl EmergencyPlanService {
    /// Whether the caller may add a map to the plan (checked before the upload is read):
    /// [`Permission::EmergencyPlanWrite`] and the plan in scope (404). Answers the unit's id.
    pub async fn check_map_target(&self, who: &Principal, plan_id: &str) -> ServiceResult<String> {
        who.require(Permission::EmergencyPlanWrite)?;
        Ok(self.get(who, plan_id, None).await?.summary.unit_id)
    }

    /// Stores an evacuation map of the plan ([`Permission::EmergencyPlanWrite`]; an image or a
    /// PDF, known by its bytes, of at most 10 MB, else 400 / 413), audited as
    /// `attachment.upload` in the same transaction. 404 outside the scope.
    #[tracing::instrument(skip_all, fields(plan = %plan_id))]
    pub async fn add_map(&self, who: &Principal, plan_id: &str, upload: Upload) -> ServiceResult<Attachment> {
        let unit_id = self.check_map_target(who, plan_id).await?;
        check_size(upload.data.len())?;
        let content_type = match sniff_image(&upload.data) {
            Some(t) => t.to_string(),
            None if upload.data.starts_with(b"%PDF-") => "application/pdf".to_string(),
            None => {
                return Err(ServiceError::invalid(
                    "疏散图应为图片（JPEG、PNG、GIF 或 WebP）或 PDF 文件",
                ))
            }
        };
        let mut audit = who.audit("attachment.upload", "attachment", "", Some(&unit_id));
        audit.detail = serde_json::json!({
            "owner_kind": AttachmentOwner::EmergencyPlan.code(),
            "owner_id": plan_id,
            "content_type": content_type,
            "size": upload.data.len(),
        })
        .to_string();
        Ok(self
            .ctx
            .store
            .add_attachment(
                &who.scope,
                &NewAttachment {
                    unit_id,
                    owner_kind: AttachmentOwner::EmergencyPlan,
                    owner_id: plan_id.to_string(),
                    name: clean_file_name(&upload.name),
                    content_type,
                    data: upload.data,
                    uploaded_by: who.display_name.clone(),
                },
                &audit,
                Utc::now(),
            )
            .await?)
    }
}
