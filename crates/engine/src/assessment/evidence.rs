//! The evidence files of an assessment's items (docs/ASSESSMENT.md "The sheet"): attachments of
//! owner kind `assessment`, owner id `{assessment id}:{item code}`.

use chrono::Utc;
use neibao_domain::access::{Principal, Scope};
use neibao_domain::assessment::*;
use neibao_domain::attachments::{
    check_size, clean_file_name, stored_content_type, Attachment, AttachmentOwner, NewAttachment, Upload,
};

use super::service::{AssessmentService, ItemEvidence};
use crate::error::{ServiceError, ServiceResult};

/// The scope to read and write an assessment's evidence files in, once the assessment was found
/// in the caller's scope: a third-party assessor reaches no unit outside the assessment
/// capability, so its files are reached through the unit of the assessment it may see.
fn files_scope(who: &Principal, a: &Assessment) -> Scope {
    match &who.scope {
        Scope::Assessor { .. } => Scope::Unit {
            unit_id: a.unit_id.clone(),
        },
        s => s.clone(),
    }
}

impl AssessmentService {
    /// The evidence files of each item (photos and files uploaded to it).
    pub async fn evidence(&self, who: &Principal, id: &str) -> ServiceResult<Vec<ItemEvidence>> {
        let a = self.get(who, id).await?;
        let mut out = Vec::new();
        for it in &a.items {
            let files = self
                .ctx
                .store
                .list_attachments(
                    &files_scope(who, &a),
                    AttachmentOwner::Assessment,
                    &format!("{}:{}", a.id, it.code),
                )
                .await?;
            if !files.is_empty() {
                out.push(ItemEvidence {
                    code: it.code.clone(),
                    files,
                });
            }
        }
        Ok(out)
    }

    /// Checks that the caller may add evidence to the sheet now (before an upload is read):
    /// 404 outside the scope, 403 for a role that may not fill it in, 409 when signed.
    pub async fn evidence_target(&self, who: &Principal, id: &str) -> ServiceResult<()> {
        let a = self.get(who, id).await?;
        Self::edit_check(who, &a)
    }

    /// Stores an evidence file (photo or document) of item `code` while the sheet may be edited
    /// by the caller (at most 10 MB, else 413), as an attachment of owner kind `assessment` and
    /// owner id `{id}:{code}`. 400 for an item not of the sheet. Audited as `attachment.upload`.
    #[tracing::instrument(skip_all, fields(assessment = %id))]
    pub async fn add_evidence(
        &self,
        who: &Principal,
        id: &str,
        code: &str,
        upload: Upload,
    ) -> ServiceResult<Attachment> {
        let a = self.get(who, id).await?;
        Self::edit_check(who, &a)?;
        if !a.items.iter().any(|i| i.code == code) {
            return Err(ServiceError::invalid(format!("检查项「{code}」不在本评估表中")));
        }
        check_size(upload.data.len())?;
        let owner_id = format!("{}:{code}", a.id);
        let content_type = stored_content_type(&upload.content_type);
        let mut audit = who.audit("attachment.upload", "attachment", "", Some(&a.unit_id));
        audit.detail = serde_json::json!({
            "owner_kind": AttachmentOwner::Assessment.code(),
            "owner_id": owner_id,
            "content_type": content_type,
            "size": upload.data.len(),
        })
        .to_string();
        Ok(self
            .ctx
            .store
            .add_attachment(
                &files_scope(who, &a),
                &NewAttachment {
                    unit_id: a.unit_id.clone(),
                    owner_kind: AttachmentOwner::Assessment,
                    owner_id,
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
