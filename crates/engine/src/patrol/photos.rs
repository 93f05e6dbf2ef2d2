//! The optional photo of a checkpoint visit (docs/PATROL.md; R12(3): "time and optional photo").
//! The guard takes it on the phone page after the checkpoint is recorded (the unit's manager may
//! add one too, e.g. for a guard whose phone failed); it
//! is an attachment of owner kind `patrol_visit` (encrypted at rest like every attachment), and
//! the visit answers its latest photo.

use chrono::Utc;
use neibao_domain::access::{Permission, Principal};
use neibao_domain::attachments::{
    check_size, clean_file_name, sniff_image, Attachment, AttachmentOwner, NewAttachment, Upload,
};
use neibao_domain::error::ErrorCode;
use neibao_domain::patrol::PatrolRound;

use super::PatrolService;
use crate::error::{ServiceError, ServiceResult};

impl PatrolService {
    /// Whether the caller may add a photo to a visit of this round (checked before the upload is
    /// read): [`Permission::PatrolWalk`] (the unit's guards and manager), the round in scope (404),
    /// the visit one of the round's (404). Answers the round.
    pub async fn check_visit_photo_target(
        &self,
        who: &Principal,
        round_id: &str,
        visit_id: &str,
    ) -> ServiceResult<PatrolRound> {
        who.require(Permission::PatrolWalk)?;
        let round = self.round(who, round_id).await?;
        if !round.visits.iter().any(|v| v.id == visit_id) {
            return Err(ServiceError::refused(
                ErrorCode::NotFound,
                "巡查点到位记录不存在或不属于本次巡查",
            ));
        }
        Ok(round)
    }

    /// Stores the photo taken at a visited checkpoint ([`Permission::PatrolWalk`]: the unit's
    /// guards and manager; an image — JPEG, PNG, GIF or WebP, known by its bytes — of at most 10 MB, else
    /// 400 `validation_failed` / 413) as an attachment of owner kind `patrol_visit`, audited as
    /// `attachment.upload` in the same transaction. A later photo of the same visit replaces the
    /// one shown (both are kept). Allowed after the round is finished too: a phone on a bad
    /// network may send it late. 404 outside the scope or for a visit not of the round.
    #[tracing::instrument(skip_all, fields(round = %round_id, visit = %visit_id))]
    pub async fn add_visit_photo(
        &self,
        who: &Principal,
        round_id: &str,
        visit_id: &str,
        upload: Upload,
    ) -> ServiceResult<Attachment> {
        let round = self.check_visit_photo_target(who, round_id, visit_id).await?;
        check_size(upload.data.len())?;
        // The bytes say what the file is (phones often declare application/octet-stream).
        let Some(content_type) = sniff_image(&upload.data).map(str::to_string) else {
            return Err(ServiceError::invalid("巡查点照片应为图片（JPEG、PNG、GIF 或 WebP）"));
        };
        let mut audit = who.audit("attachment.upload", "attachment", "", Some(&round.unit_id));
        audit.detail = serde_json::json!({
            "owner_kind": AttachmentOwner::PatrolVisit.code(),
            "owner_id": visit_id,
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
                    unit_id: round.unit_id,
                    owner_kind: AttachmentOwner::PatrolVisit,
                    owner_id: visit_id.to_string(),
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
