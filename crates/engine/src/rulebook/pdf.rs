//! The signed PDF of a rule version (docs/RULEBOOK.md, "The signed PDF"; R9: the rules are a
//! document the unit approves and publishes). A version's text is typed; its signed and sealed
//! copy is one PDF kept with it through the attachments kernel (owner `rule_version`), read by
//! whoever may read the unit's rules (`GET /api/v1/attachments/{id}`).

use chrono::Utc;
use neibao_domain::access::{Permission, Principal};
use neibao_domain::attachments::{check_size, clean_file_name, Attachment, AttachmentOwner, NewAttachment, Upload};
use neibao_domain::error::ErrorCode;
use neibao_domain::rulebook::{checked_subject, RuleVersion};

use super::service::{current_of, RulebookService};
use crate::error::{ServiceError, ServiceResult};

/// Whether `data` is a PDF file: it starts with the PDF header `%PDF-` (ISO 32000-1 §7.5.2; a
/// few bytes of junk before it are tolerated by readers, not here).
pub fn is_pdf(data: &[u8]) -> bool {
    data.starts_with(b"%PDF-")
}

impl RulebookService {
    /// Whether `who` may attach the PDF of the current version of `subject` of unit `unit_id`
    /// ([`Permission::RulebookWrite`]; in scope; a current version without a PDF yet): checked
    /// before the upload is read. Returns that version. 403; 404 outside the scope; 400 for a
    /// subject outside 1–9; 409 `conflict` when the subject has no version or its current version
    /// has its PDF already.
    pub async fn check_pdf_target(&self, who: &Principal, unit_id: &str, subject: i64) -> ServiceResult<RuleVersion> {
        who.require(Permission::RulebookWrite)?;
        let subject = checked_subject(subject)?;
        let rules = self.ctx.store.unit_rules(&who.scope, unit_id).await?;
        let v = current_of(&rules, subject).ok_or_else(|| {
            ServiceError::refused(
                ErrorCode::Conflict,
                "该类制度尚无版本：请先发布制度文本，再上传签发文本",
            )
        })?;
        if self.pdf_of(who, &v.id).await?.is_some() {
            return Err(ServiceError::refused(
                ErrorCode::Conflict,
                "现行版本已有签发文本（PDF），不能替换；如需修改请发布新版本",
            ));
        }
        Ok(v)
    }

    /// Attaches the signed PDF of the current version of `subject` (at most 10 MB, a PDF file),
    /// audited as
    /// `rulebook.pdf` in the same transaction. Refused: as [`Self::check_pdf_target`]; 400
    /// `validation_failed` for a file that is not a PDF; 413 for one over 10 MB.
    #[tracing::instrument(skip_all, fields(unit = %unit_id, subject))]
    pub async fn attach_pdf(
        &self,
        who: &Principal,
        unit_id: &str,
        subject: i64,
        upload: Upload,
    ) -> ServiceResult<Attachment> {
        let v = self.check_pdf_target(who, unit_id, subject).await?;
        check_size(upload.data.len())?;
        if !is_pdf(&upload.data) {
            return Err(ServiceError::invalid(
                "请上传 PDF 文件（签发的制度文本扫描件或电子文件）",
            ));
        }
        let mut name = clean_file_name(&upload.name);
        if !name.to_lowercase().ends_with(".pdf") {
            name.push_str(".pdf");
        }
        let mut audit = who.audit("rulebook.pdf", "rulebook_version", &v.id, Some(unit_id));
        audit.detail =
            serde_json::json!({ "subject": v.subject, "version": v.version, "size": upload.data.len() }).to_string();
        Ok(self
            .ctx
            .store
            .add_attachment(
                &who.scope,
                &NewAttachment {
                    unit_id: unit_id.to_string(),
                    owner_kind: AttachmentOwner::RuleVersion,
                    owner_id: v.id.clone(),
                    name,
                    content_type: "application/pdf".into(),
                    data: upload.data,
                    uploaded_by: who.display_name.clone(),
                },
                &audit,
                Utc::now(),
            )
            .await?)
    }

    /// The PDF of a version, if one was attached (in scope).
    pub async fn pdf_of(&self, who: &Principal, version_id: &str) -> ServiceResult<Option<Attachment>> {
        Ok(self
            .ctx
            .store
            .list_attachments(&who.scope, AttachmentOwner::RuleVersion, version_id)
            .await?
            .into_iter()
            .next())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_pdf_is_known_by_its_header() {
        assert!(super::is_pdf(b"%PDF-1.7\n..."));
        assert!(!super::is_pdf(b"<html>"));
        assert!(!super::is_pdf(b""));
    }
}
