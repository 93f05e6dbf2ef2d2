//! A bulletin's files and the police's reply to a unit's report (docs/BULLETINS.md).
//!
//! Files: the issuer attaches PDF or image files (at most 10 MB each, encrypted at rest like
//! every attachment, owner kind `bulletin`). A downward bulletin reaches many units, so its files
//! belong to no unit: they are stored without one and read only here, after the bulletin has been
//! found visible to the caller (every recipient unit and the police of their jurisdiction; any
//! other caller gets 404). A report's files belong to the sending unit.

use chrono::Utc;
use neibao_domain::access::{Permission, Principal};
use neibao_domain::attachments::{
    check_size, clean_file_name, sniff_image, Attachment, AttachmentOwner, NewAttachment, Upload,
};
use neibao_domain::bulletins::{Bulletin, Direction, PoliceReply};
use neibao_domain::error::ErrorCode;
use neibao_domain::text::checked_text;

use super::notify::notify_police_reply;
use super::service::{BulletinService, MAX_REPLY_CHARS};
use crate::error::{ServiceError, ServiceResult};

/// Most files one bulletin carries.
pub const MAX_FILES: usize = 20;

impl BulletinService {
    /// Whether the caller may attach a file to bulletin `id` (checked before the upload is read):
    /// the bulletin visible (else 404) and the caller its issuer — the police account that issued
    /// a downward one, an account of the unit that sent a report upward with
    /// [`Permission::BulletinReport`] (else 403 `forbidden`); at most [`MAX_FILES`] files (else
    /// 409 `conflict`). Answers the bulletin.
    pub async fn check_file_target(&self, who: &Principal, id: &str) -> ServiceResult<Bulletin> {
        let (b, _) = self.visible(who, id).await?;
        let issuer = match b.direction {
            Direction::Down => who.can(Permission::BulletinIssue) && b.created_by == who.user_id,
            Direction::Up => {
                who.can(Permission::BulletinReport)
                    && b.from_unit_id.is_some()
                    && b.from_unit_id.as_deref() == who.unit_id.as_deref()
            }
        };
        if !issuer {
            return Err(ServiceError::forbidden("只有通报的发出人可以添加附件"));
        }
        let n = self
            .ctx
            .store
            .owner_attachments(AttachmentOwner::Bulletin, id)
            .await?
            .len();
        if n >= MAX_FILES {
            return Err(ServiceError::refused(
                ErrorCode::Conflict,
                format!("每条通报最多 {MAX_FILES} 个附件"),
            ));
        }
        Ok(b)
    }

    /// Attaches a file to bulletin `id` (see [`BulletinService::check_file_target`]): a PDF or an
    /// image (JPEG, PNG, GIF, WebP), known by its bytes, of at most 10 MB (else 400
    /// `validation_failed` / 413 `payload_too_large`). Audited as `attachment.upload` in the same
    /// transaction.
    #[tracing::instrument(skip_all, fields(bulletin = %id))]
    pub async fn add_file(&self, who: &Principal, id: &str, upload: Upload) -> ServiceResult<Attachment> {
        let b = self.check_file_target(who, id).await?;
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
        let unit_id = match b.direction {
            Direction::Down => String::new(),
            Direction::Up => b.from_unit_id.clone().unwrap_or_default(),
        };
        let mut audit = who.audit(
            "attachment.upload",
            "attachment",
            "",
            (!unit_id.is_empty()).then_some(unit_id.as_str()),
        );
        audit.detail = serde_json::json!({
            "owner_kind": AttachmentOwner::Bulletin.code(),
            "owner_id": id,
            "content_type": content_type,
            "size": upload.data.len(),
        })
        .to_string();
        let file = NewAttachment {
            unit_id,
            owner_kind: AttachmentOwner::Bulletin,
            owner_id: id.to_string(),
            name: clean_file_name(&upload.name),
            content_type,
            data: upload.data,
            uploaded_by: who.display_name.clone(),
        };
        // The bulletin was found visible and the caller its issuer above; a downward one's file
        // belongs to no unit, so it is stored without a unit scope.
        Ok(self.ctx.store.add_owned_attachment(&file, &audit, Utc::now()).await?)
    }

    /// One file of bulletin `id` with its bytes: 404 when the bulletin is not visible to the
    /// caller (a unit it was not sent to) or the file is not one of its files. Opening a file
    /// records no read receipt.
    #[tracing::instrument(skip_all, fields(bulletin = %id, file = %file_id))]
    pub async fn file(&self, who: &Principal, id: &str, file_id: &str) -> ServiceResult<(Attachment, Vec<u8>)> {
        self.visible(who, id).await?;
        Ok(self
            .ctx
            .store
            .owner_attachment(AttachmentOwner::Bulletin, id, file_id)
            .await?)
    }

    /// The police reply to a unit's report upward ([`Permission::BulletinIssue`]: the police whose
    /// jurisdiction holds the sending unit, its station among them; 404 otherwise): 1–1000
    /// characters (400). One reply per report: replying again is 409 `invalid_transition`, as is
    /// replying to a downward bulletin. The sending unit is told (inbox and its channels).
    /// Audited as `bulletin.reply`.
    #[tracing::instrument(skip_all, fields(bulletin = %id))]
    pub async fn reply(&self, who: &Principal, id: &str, text: &str) -> ServiceResult<Bulletin> {
        who.require(Permission::BulletinIssue)?;
        let (b, _) = self.visible(who, id).await?;
        if b.direction != Direction::Up {
            return Err(ServiceError::refused(
                ErrorCode::InvalidTransition,
                "只能回复单位上报的通报",
            ));
        }
        if b.police_reply.is_some() {
            return Err(ServiceError::refused(ErrorCode::InvalidTransition, "该上报已回复"));
        }
        let text = checked_text(text, "回复", MAX_REPLY_CHARS, true, true)?;
        let reply = PoliceReply {
            text,
            by: who.user_id.clone(),
            by_name: super::service::name_of(who),
            at: super::service::now(),
        };
        let audit = who.audit("bulletin.reply", "bulletin", id, b.from_unit_id.as_deref());
        let (b, stored) = self.ctx.store.reply_to_bulletin(id, &reply, &audit).await?;
        if !stored {
            return Err(ServiceError::refused(ErrorCode::InvalidTransition, "该上报已回复"));
        }
        notify_police_reply(&self.ctx, &b)
            .await
            .map_err(ServiceError::Internal)?;
        Ok(b)
    }
}
