//! The optional photo of a drill step (docs/DRILLS.md): taken on the phone page after the step is
//! recorded, an attachment of owner kind `drill` (owner id: the step's id), encrypted at rest like
//! every attachment; the step answers its latest photo.

use chrono::Utc;
use neibao_domain::access::{Permission, Principal};
use neibao_domain::attachments::{
    check_size, clean_file_name, sniff_image, Attachment, AttachmentOwner, NewAttachment, Upload,
};
use neibao_domain::drills::Drill;
use neibao_domain::error::ErrorCode;

use super::DrillService;
use crate::error::{ServiceError, ServiceResult};

impl DrillService {
    /// Whether the caller may add a photo to the recorded step `seq` of the drill (checked
    /// before the upload is read): [`Permission::DrillRun`], the drill in scope (404), the step
    /// recorded (404). Answers the drill and the step's id.
    pub async fn check_step_photo_target(&self, who: &Principal, id: &str, seq: i64) -> ServiceResult<(Drill, String)> {
        who.require(Permission::DrillRun)?;
        let d = self.get(who, id).await?;
        let Some(step) = d.steps.iter().find(|s| s.seq == seq).map(|s| s.id.clone()) else {
            return Err(ServiceError::refused(
                ErrorCode::NotFound,
                "该步骤尚未记录，记录后才能上传照片",
            ));
        };
        Ok((d, step))
    }

    /// Stores the photo of a recorded step ([`Permission::DrillRun`]; an image — JPEG, PNG, GIF
    /// or WebP, known by its bytes — of at most 10 MB, else 400 / 413), audited as
    /// `attachment.upload` in the same transaction. A later photo replaces the one shown.
    #[tracing::instrument(skip_all, fields(drill = %id, seq))]
    pub async fn add_step_photo(
        &self,
        who: &Principal,
        id: &str,
        seq: i64,
        upload: Upload,
    ) -> ServiceResult<Attachment> {
        let (d, step_id) = self.check_step_photo_target(who, id, seq).await?;
        check_size(upload.data.len())?;
        let Some(content_type) = sniff_image(&upload.data).map(str::to_string) else {
            return Err(ServiceError::invalid("演练照片应为图片（JPEG、PNG、GIF 或 WebP）"));
        };
        let mut audit = who.audit("attachment.upload", "attachment", "", Some(&d.unit_id));
        audit.detail = serde_json::json!({
            "owner_kind": AttachmentOwner::Drill.code(),
            "owner_id": &step_id,
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
                    unit_id: d.unit_id,
                    owner_kind: AttachmentOwner::Drill,
                    owner_id: step_id,
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
