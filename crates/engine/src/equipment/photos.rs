//! The optional photo of an equipment check (docs/EQUIPMENT.md; R35): taken by the one who
//! checked on the phone page or sent through the API afterwards; an attachment of owner kind
//! `equipment` (encrypted at rest like every attachment); the check answers its latest photo.

use chrono::Utc;
use neibao_domain::access::{Permission, Principal};
use neibao_domain::attachments::{
    check_size, clean_file_name, sniff_image, Attachment, AttachmentOwner, NewAttachment, Upload,
};
use neibao_domain::equipment::Check;

use super::{CheckDraft, EquipmentService};
use crate::error::{ServiceError, ServiceResult};

impl EquipmentService {
    /// Whether the caller may add a photo to a check (checked before the upload is read):
    /// [`Permission::EquipmentCheck`] and the check in scope (404). Answers the check.
    pub async fn check_photo_target(&self, who: &Principal, check_id: &str) -> ServiceResult<Check> {
        who.require(Permission::EquipmentCheck)?;
        self.get_check(who, check_id).await
    }

    /// Stores the photo of a check ([`Permission::EquipmentCheck`]; an image — JPEG, PNG, GIF
    /// or WebP, known by its bytes — of at most 10 MB, else 400 `validation_failed` / 413) as an
    /// attachment of owner kind `equipment`, audited as `attachment.upload` in the same
    /// transaction. 404 outside the scope.
    #[tracing::instrument(skip_all, fields(check = %check_id))]
    pub async fn add_check_photo(&self, who: &Principal, check_id: &str, upload: Upload) -> ServiceResult<Attachment> {
        let check = self.check_photo_target(who, check_id).await?;
        check_size(upload.data.len())?;
        let Some(content_type) = sniff_image(&upload.data).map(str::to_string) else {
            return Err(ServiceError::invalid("检查照片应为图片（JPEG、PNG、GIF 或 WebP）"));
        };
        let mut audit = who.audit("attachment.upload", "attachment", "", Some(&check.unit_id));
        audit.detail = serde_json::json!({
            "owner_kind": AttachmentOwner::Equipment.code(),
            "owner_id": check_id,
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
                    unit_id: check.unit_id,
                    owner_kind: AttachmentOwner::Equipment,
                    owner_id: check_id.to_string(),
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

    /// A check with its optional photo, as the phone page sends them: the photo is refused
    /// first (not an image: 400; over 10 MB: 413) so that nothing is recorded, then the check,
    /// then the photo of it.
    pub async fn check_with_photo(
        &self,
        who: &Principal,
        item_id: &str,
        d: CheckDraft,
        photo: Option<Upload>,
    ) -> ServiceResult<Check> {
        if let Some(p) = &photo {
            who.require(Permission::EquipmentCheck)?;
            check_size(p.data.len())?;
            if sniff_image(&p.data).is_none() {
                return Err(ServiceError::invalid("检查照片应为图片（JPEG、PNG、GIF 或 WebP）"));
            }
        }
        let mut check = self.check(who, item_id, d).await?;
        if let Some(p) = photo {
            check.photo_id = Some(self.add_check_photo(who, &check.id, p).await?.id);
        }
        Ok(check)
    }
}
