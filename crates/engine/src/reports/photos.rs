//! Photos of a report (docs/REPORTS.md "Photos"; R12(4), Part 4 of the Opinions): a unit's
//! manager or guard attaches photos of an incident or of disorder around the unit when filing
//! and adds more while the report is open; attachments of owner kind `report` (owner id: the
//! report's id; encrypted at rest like every attachment). They are read only through the report,
//! within the report's scope (the station it was routed to, the bureaus above it, the unit),
//! never through the generic attachment download. The public form takes no photos.

use chrono::Utc;
use neibao_domain::access::{Permission, Principal, Scope};
use neibao_domain::attachments::{
    check_size, clean_file_name, sniff_image, Attachment, AttachmentOwner, NewAttachment, Upload,
};
use neibao_domain::error::ErrorCode;
use neibao_domain::reports::{Report, ReportStatus, MAX_REPORT_PHOTOS};

use super::service::{FileInput, ReportService, ReportView};
use crate::error::{ServiceError, ServiceResult};

/// Refuses what is not an image (JPEG, PNG, GIF or WebP, known by its bytes whatever its name
/// or declared type: 400 `validation_failed`), an empty file (400) or one over 10 MB (413).
fn checked_photo(p: &Upload) -> ServiceResult<&'static str> {
    check_size(p.data.len())?;
    sniff_image(&p.data).ok_or_else(|| ServiceError::invalid("报告照片应为图片（JPEG、PNG、GIF 或 WebP）"))
}

fn too_many() -> ServiceError {
    ServiceError::refused(ErrorCode::Conflict, format!("每份报告最多 {MAX_REPORT_PHOTOS} 张照片"))
}

impl ReportService {
    /// The photos of a report, oldest first (no permission check: for views already read).
    pub(crate) async fn photos_of(&self, r: &Report) -> ServiceResult<Vec<Attachment>> {
        if r.unit_id.is_none() {
            return Ok(Vec::new());
        }
        Ok(self
            .ctx
            .store
            .list_attachments(&Scope::All, AttachmentOwner::Report, &r.id)
            .await?)
    }

    /// Whether the caller may add a photo to the report (checked before the upload is read):
    /// [`Permission::ReportFile`] (403), the report of the caller's unit (404 otherwise), not
    /// closed (409 `invalid_transition`), fewer than [`MAX_REPORT_PHOTOS`] photos (409
    /// `conflict`). Answers the report.
    pub async fn photo_target(&self, who: &Principal, id: &str) -> ServiceResult<Report> {
        who.require(Permission::ReportFile)?;
        let r = self
            .ctx
            .store
            .report(&who.scope, id)
            .await?
            .filter(|r| r.unit_id.is_some())
            .ok_or_else(ServiceError::not_found)?;
        if r.status == ReportStatus::Closed {
            return Err(ServiceError::refused(
                ErrorCode::InvalidTransition,
                "报告已办结，不能再添加照片",
            ));
        }
        if self.photos_of(&r).await?.len() >= MAX_REPORT_PHOTOS {
            return Err(too_many());
        }
        Ok(r)
    }

    /// Adds a photo to an open report of the caller's unit (see [`ReportService::photo_target`];
    /// an image of at most 10 MB, else 400 / 413), audited as `attachment.upload` in the same
    /// transaction. Answers the report with its photos.
    #[tracing::instrument(skip_all, fields(report = %id))]
    pub async fn add_photo(&self, who: &Principal, id: &str, upload: Upload) -> ServiceResult<ReportView> {
        let r = self.photo_target(who, id).await?;
        let content_type = checked_photo(&upload)?;
        self.store_photo(who, &r, content_type, upload).await?;
        self.get(who, id).await
    }

    async fn store_photo(
        &self,
        who: &Principal,
        r: &Report,
        content_type: &str,
        upload: Upload,
    ) -> ServiceResult<Attachment> {
        let unit_id = r.unit_id.clone().ok_or_else(ServiceError::not_found)?;
        let mut audit = who.audit("attachment.upload", "attachment", "", Some(&unit_id));
        audit.detail = serde_json::json!({
            "owner_kind": AttachmentOwner::Report.code(),
            "owner_id": &r.id,
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
                    owner_kind: AttachmentOwner::Report,
                    owner_id: r.id.clone(),
                    name: clean_file_name(&upload.name),
                    content_type: content_type.to_string(),
                    data: upload.data,
                    uploaded_by: who.display_name.clone(),
                },
                &audit,
                Utc::now(),
            )
            .await?)
    }

    /// Files a report with the photos taken for it (the phone page): the caller and the unit
    /// are checked first (403, 404), then every photo (at most [`MAX_REPORT_PHOTOS`]: 409; not
    /// an image: 400; over 10 MB: 413) so that nothing is filed when one is refused, then the
    /// report ([`ReportService::file`]), then its photos.
    pub async fn file_with_photos(
        &self,
        who: &Principal,
        unit_id: &str,
        input: FileInput,
        photos: Vec<Upload>,
    ) -> ServiceResult<ReportView> {
        let mut types = Vec::with_capacity(photos.len());
        if !photos.is_empty() {
            who.require(Permission::ReportFile)?;
            self.ctx.store.get_unit(&who.scope, unit_id).await?;
            if photos.len() > MAX_REPORT_PHOTOS {
                return Err(too_many());
            }
            for p in &photos {
                types.push(checked_photo(p)?);
            }
        }
        let view = self.file(who, unit_id, input).await?;
        if photos.is_empty() {
            return Ok(view);
        }
        let r = self
            .ctx
            .store
            .report(&who.scope, &view.report.id)
            .await?
            .ok_or_else(ServiceError::not_found)?;
        for (p, ct) in photos.into_iter().zip(types) {
            self.store_photo(who, &r, ct, p).await?;
        }
        self.get(who, &r.id).await
    }

    /// One photo of a report with its bytes ([`Permission::ReportRead`]; the report in the
    /// caller's scope and the photo its own, else 404).
    #[tracing::instrument(skip_all, fields(report = %id, photo = %photo_id))]
    pub async fn photo(&self, who: &Principal, id: &str, photo_id: &str) -> ServiceResult<(Attachment, Vec<u8>)> {
        who.require(Permission::ReportRead)?;
        let r = self
            .ctx
            .store
            .report(&who.scope, id)
            .await?
            .ok_or_else(ServiceError::not_found)?;
        let (a, data) = self.ctx.store.get_attachment(&Scope::All, photo_id).await?;
        if a.owner_kind != AttachmentOwner::Report || a.owner_id != r.id {
            return Err(ServiceError::not_found());
        }
        Ok((a, data))
    }
}
