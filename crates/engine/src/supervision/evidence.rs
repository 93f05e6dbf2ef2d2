//! Evidence files of inspections and hazards (`Permission::Inspect`): to a hazard not yet
//! ended, or to the caller's own kind of inspection before it is submitted. The caller is
//! checked before the upload is read ([`check_target`]) and again when it is stored.

use chrono::{DateTime, Utc};
use neibao_domain::access::{Permission, Principal};
use neibao_domain::attachments::{
    check_size, clean_file_name, stored_content_type, Attachment, AttachmentOwner, NewAttachment, Upload,
};
use neibao_domain::error::ErrorCode;
use neibao_domain::supervision::InspectionStatus;
use neibao_store::Store;

use super::inspections::check_own_kind;
use crate::error::{ServiceError, ServiceResult};

/// Whether the caller may add evidence to `owner_id` (in scope; a hazard not ended, their own
/// kind of inspection not yet submitted); returns the unit it belongs to.
pub async fn check_target(
    store: &dyn Store,
    who: &Principal,
    owner: AttachmentOwner,
    owner_id: &str,
) -> ServiceResult<String> {
    who.require(Permission::Inspect)?;
    match owner {
        AttachmentOwner::Hazard => {
            let h = store.get_hazard(&who.scope, owner_id).await?;
            if h.phase.is_end() {
                return Err(ServiceError::refused(
                    ErrorCode::Conflict,
                    "隐患已销号或处罚终结，不能再上传佐证材料",
                ));
            }
            Ok(h.unit_id)
        }
        AttachmentOwner::Inspection => {
            let i = store.get_inspection(&who.scope, owner_id).await?;
            check_own_kind(who, &i)?;
            if i.status == InspectionStatus::Submitted {
                return Err(ServiceError::refused(ErrorCode::Conflict, "检查已提交，不能再上传材料"));
            }
            Ok(i.unit_id)
        }
        // Other capabilities' files go through their own services (a rule version's PDF:
        // `RulebookService::attach_pdf`).
        AttachmentOwner::RuleVersion => Err(ServiceError::not_found()),
        // Signage photos are uploaded by the video capability (VideoService::add_signage_photo).
        AttachmentOwner::VideoSignage => Err(ServiceError::invalid(
            "视频提示标识照片请在本单位视频图像信息系统页面上传",
        )),
        // Checkpoint photos are uploaded by the patrol capability (PatrolService::add_visit_photo).
        AttachmentOwner::PatrolVisit => Err(ServiceError::invalid("巡查点照片请在巡查页面上传")),
        // Evacuation maps are uploaded by the emergency plans capability
        // (EmergencyPlanService::add_map).
        AttachmentOwner::EmergencyPlan => Err(ServiceError::invalid("疏散图请在应急预案页面上传")),
        // Check photos are uploaded by the equipment capability (EquipmentService::add_check_photo).
        AttachmentOwner::Equipment => Err(ServiceError::invalid("防护器械检查照片请在防护器械页面上传")),
        // Drill photos are uploaded by the drills capability (DrillService::add_step_photo).
        AttachmentOwner::Drill => Err(ServiceError::invalid("应急演练照片请在演练页面上传")),
        // Report photos are uploaded by the reports capability (ReportService::add_photo).
        AttachmentOwner::Report => Err(ServiceError::invalid("报告照片请在报告页面上传")),
        // Bulletin files are uploaded by the bulletins capability (BulletinService::add_file).
        AttachmentOwner::Bulletin => Err(ServiceError::invalid("警企通报附件请在通报页面上传")),
        // Request files are uploaded by the enterprise-requests capability
        // (EnterpriseRequestService::add_file).
        AttachmentOwner::EnterpriseRequest => Err(ServiceError::invalid("民营企业诉求附件请在诉求页面上传")),
        // Objection evidence is uploaded by the credit capability (CreditService::add_evidence).
        AttachmentOwner::CreditObjection => Err(ServiceError::invalid("诚信异议的证据请在异议页面上传")),
        // Item evidence is uploaded by the assessment capability (AssessmentService::add_evidence).
        AttachmentOwner::Assessment => Err(ServiceError::invalid("安全评估佐证请在评估表页面上传")),
    }
}

/// Stores an evidence file (at most 10 MB; a safe name; images and PDF keep their type) with
/// the audit entry `attachment.upload`.
pub async fn add(
    store: &dyn Store,
    who: &Principal,
    owner: AttachmentOwner,
    owner_id: &str,
    upload: Upload,
    now: DateTime<Utc>,
) -> ServiceResult<Attachment> {
    let unit_id = check_target(store, who, owner, owner_id).await?;
    check_size(upload.data.len())?;
    let content_type = stored_content_type(&upload.content_type);
    let mut audit = who.audit("attachment.upload", "attachment", "", Some(&unit_id));
    audit.detail = serde_json::json!({
        "owner_kind": owner.code(),
        "owner_id": owner_id,
        "content_type": content_type,
        "size": upload.data.len(),
    })
    .to_string();
    Ok(store
        .add_attachment(
            &who.scope,
            &NewAttachment {
                unit_id,
                owner_kind: owner,
                owner_id: owner_id.to_string(),
                name: clean_file_name(&upload.name),
                content_type,
                data: upload.data,
                uploaded_by: who.display_name.clone(),
            },
            &audit,
            now,
        )
        .await?)
}
