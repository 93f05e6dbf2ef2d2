//! Inspections: starting one (a police or department check, or the unit's 自查:
//! `Permission::Inspect`), saving its draft and submitting it once (score, one hazard per failed
//! item, the numbered 检查笔录) — each by the side whose kind of inspection it is — and reading
//! them with what they produced.

use chrono::{DateTime, Duration, Utc};
use neibao_domain::access::{Permission, Principal};
use neibao_domain::attachments::{Attachment, AttachmentOwner};
use neibao_domain::documents::{inspection_record, Document, DocumentFilter, DocumentKind, Issuer};
use neibao_domain::paging::{Listing, Page};
use neibao_domain::privacy::masked_copy;
use neibao_domain::supervision::calendar::{beijing_date, end_of_day};
use neibao_domain::supervision::checklist::{score, Variant};
use neibao_domain::supervision::effects::findings;
use neibao_domain::supervision::input::{check_record, check_results, invalid};
use neibao_domain::supervision::{
    ChecklistVersion, Hazard, HazardFilter, Inspection, InspectionFilter, InspectionKind, InspectionRecord,
    InspectionStatus, ItemOutcome, NewInspection, StandingFilter, SubmitInspection,
};
use neibao_store::{Store, StoreError};
use serde::Serialize;

use super::settings::issuer;
use crate::error::{ServiceError, ServiceResult};

/// Refuses unless the caller inspects (`Permission::Inspect`) and `i` is their kind of
/// inspection (police fill in police inspections, departments theirs, a unit its 自查).
pub(crate) fn check_own_kind(who: &Principal, i: &Inspection) -> ServiceResult<()> {
    who.require(Permission::Inspect)?;
    if InspectionKind::for_role(who.role) != Some(i.kind) {
        return Err(ServiceError::forbidden(format!(
            "这是{}，当前角色不能填写",
            i.kind.label_zh()
        )));
    }
    Ok(())
}

/// Starts a single inspection of one unit in scope, with the newest checklist of the unit's
/// variant and an optional due date (today to a year ahead); audited as `inspection.start`.
pub async fn start(
    store: &dyn Store,
    who: &Principal,
    unit_id: &str,
    due_date: Option<chrono::NaiveDate>,
    now: DateTime<Utc>,
) -> ServiceResult<Inspection> {
    who.require(Permission::Inspect)?;
    // A closed (注销) unit takes no new inspections (docs/REGISTRY.md).
    let unit = store.get_unit(&who.scope, unit_id).await?;
    crate::registry::refuse_if_closed(&unit, "开展检查")?;
    let Some(kind) = InspectionKind::for_role(who.role) else {
        return Err(ServiceError::forbidden("当前角色不能开展检查"));
    };
    let standing = store
        .unit_standings(
            &who.scope,
            &StandingFilter {
                unit_id: Some(unit_id.to_string()),
                ..Default::default()
            },
            now,
        )
        .await?
        .into_iter()
        .next()
        .ok_or(StoreError::NotFound)?;
    let variant = Variant::for_unit(
        standing.is_university,
        standing.is_counter_terror_target,
        standing.is_key_unit,
    );
    if let Some(d) = due_date {
        let today = beijing_date(now);
        if d < today || d > today + Duration::days(366) {
            return Err(invalid("检查截止日期须在今天至一年内").into());
        }
    }
    let checklist = store.latest_checklist(variant).await?;
    let audit = who.audit("inspection.start", "inspection", "", Some(unit_id));
    Ok(store
        .create_inspection(
            &who.scope,
            &NewInspection {
                campaign_id: None,
                unit_id: unit_id.to_string(),
                checklist_id: checklist.id,
                kind,
                org_id: if kind == InspectionKind::SelfInspection {
                    None
                } else {
                    who.org_id.clone()
                },
                assignee_id: Some(who.user_id.clone()),
                assignee_name: who.display_name.clone(),
                due_at: due_date.map(end_of_day),
                created_by: who.display_name.clone(),
            },
            &audit,
            now,
        )
        .await?)
}

/// Saves a draft of an inspection (until submitted); audited as `inspection.save`.
pub async fn save(
    store: &dyn Store,
    who: &Principal,
    id: &str,
    record: &InspectionRecord,
    results: &[ItemOutcome],
    now: DateTime<Utc>,
) -> ServiceResult<Inspection> {
    who.require(Permission::Inspect)?;
    let i = store.get_inspection(&who.scope, id).await?;
    check_own_kind(who, &i)?;
    if i.status == InspectionStatus::Submitted {
        return Err(ServiceError::refused(
            neibao_domain::ErrorCode::Conflict,
            "检查已提交，不能修改",
        ));
    }
    let checklist = store.get_checklist(&i.checklist_id).await?;
    let record = check_record(record, now)?;
    let results = check_results(&checklist, results, false)?;
    let mut audit = who.audit("inspection.save", "inspection", id, Some(&i.unit_id));
    audit.detail = serde_json::json!({ "results": results.len() }).to_string();
    Ok(store
        .save_inspection(&who.scope, id, &record, &results, &audit, now)
        .await?)
}

/// What submitting an inspection produced.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Submitted {
    pub inspection: Inspection,
    pub hazards: Vec<Hazard>,
    pub document: Option<Document>,
}

/// Submits an inspection: every item needs a result and at least one signature; scores it
/// (docs/REQUIREMENTS.md §d), opens one hazard per failed item (major when the item is critical) and
/// produces the inspection record (检查笔录, R22) with its number — all with the audit entry
/// `inspection.submit`, in one transaction.
pub async fn submit(
    store: &dyn Store,
    who: &Principal,
    id: &str,
    record: &InspectionRecord,
    results: &[ItemOutcome],
    now: DateTime<Utc>,
) -> ServiceResult<Submitted> {
    who.require(Permission::Inspect)?;
    let i = store.get_inspection(&who.scope, id).await?;
    check_own_kind(who, &i)?;
    if i.status == InspectionStatus::Submitted {
        return Err(ServiceError::refused(neibao_domain::ErrorCode::Conflict, "检查已提交"));
    }
    let checklist = store.get_checklist(&i.checklist_id).await?;
    let mut record = check_record(record, now)?;
    let results = check_results(&checklist, results, true)?;
    if record.signatures.is_empty() {
        return Err(invalid("请至少由一名检查人员签名（姓名即可）").into());
    }
    record.started_at.get_or_insert(i.updated_at.min(now));
    record.ended_at.get_or_insert(now);
    let sc = score(&checklist.items, |code| {
        results.iter().find(|r| r.code == code).map(|r| r.result)
    });
    let hazards = findings(&i, &checklist, &results, &who.display_name);
    let iss = if i.kind == InspectionKind::SelfInspection {
        Issuer::unit(&i.unit_id, &i.unit_name)
    } else {
        issuer(store, who).await?
    };
    // The record document shows what the columns keep: personal data in the notes masked
    // (docs/SECURITY.md, "Personal data in free text"); the store seals the plaintext.
    let shown_record = masked_copy(&record, record.clone());
    let shown_results = masked_copy(&results, results.clone());
    let content = inspection_record(&i, &checklist, &shown_record, &shown_results, &sc, &iss.name, now);
    // Refused (document_incomplete, naming the field) unless the record carries what a 检查笔录
    // must state: place, officers, and for a police or department inspection the accompanying
    // person and a witness or the reason there is none.
    let document = iss.draft(
        DocumentKind::InspectionRecord,
        &i.unit_id,
        None,
        Some(&i.id),
        content,
        &who.display_name,
        now,
    )?;
    let mut audit = who.audit("inspection.submit", "inspection", id, Some(&i.unit_id));
    audit.detail = serde_json::json!({ "score": sc.total, "hazards": hazards.len() }).to_string();
    let (inspection, hazard_ids, doc_id) = store
        .submit_inspection(
            &who.scope,
            id,
            &SubmitInspection {
                record,
                results,
                score: sc,
                hazards,
                document: Some(document),
            },
            &audit,
            now,
        )
        .await?;
    let mut hazards = Vec::with_capacity(hazard_ids.len());
    for h in hazard_ids {
        hazards.push(store.get_hazard(&who.scope, &h).await?);
    }
    let document = match doc_id {
        Some(d) => Some(store.get_document(&who.scope, &d).await?),
        None => None,
    };
    Ok(Submitted {
        inspection,
        hazards,
        document,
    })
}

/// Inspections in the caller's jurisdiction, newest first (`mine`: assigned to the caller, and
/// those of the caller's organisation nobody is assigned to yet, 待指派).
pub async fn list(
    store: &dyn Store,
    who: &Principal,
    mut filter: InspectionFilter,
    mine: bool,
    page: Page,
) -> ServiceResult<Listing<Inspection>> {
    if mine {
        filter.assignee_id = Some(who.user_id.clone());
        filter.or_unassigned_in_org = who.org_id.clone();
    }
    Ok(store.list_inspections(&who.scope, &filter, page).await?)
}

/// An inspection with its checklist, the hazards it found, its documents and evidence.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InspectionDetail {
    #[serde(flatten)]
    pub inspection: Inspection,
    pub checklist: ChecklistVersion,
    pub hazards: Vec<Hazard>,
    pub documents: Vec<Document>,
    pub attachments: Vec<Attachment>,
    /// Whether the caller may still fill it in (their kind of inspection, not submitted): for
    /// the page, not part of the API.
    #[serde(skip)]
    pub editable: bool,
}

/// One inspection in scope with what belongs to it.
pub async fn detail(store: &dyn Store, who: &Principal, id: &str) -> ServiceResult<InspectionDetail> {
    let inspection = store.get_inspection(&who.scope, id).await?;
    let checklist = store.get_checklist(&inspection.checklist_id).await?;
    let hazards = store
        .list_hazards(
            &who.scope,
            &HazardFilter {
                inspection_id: Some(id.to_string()),
                ..Default::default()
            },
            Page::new(Some(1), Some(200)),
        )
        .await?
        .items;
    let documents = store
        .list_documents(
            &who.scope,
            &DocumentFilter {
                inspection_id: Some(id.to_string()),
                kind: Some(DocumentKind::InspectionRecord),
                ..Default::default()
            },
            Page::new(Some(1), Some(50)),
        )
        .await?
        .items;
    let attachments = store
        .list_attachments(&who.scope, AttachmentOwner::Inspection, id)
        .await?;
    let editable = check_own_kind(who, &inspection).is_ok() && inspection.status != InspectionStatus::Submitted;
    Ok(InspectionDetail {
        inspection,
        checklist,
        hazards,
        documents,
        attachments,
        editable,
    })
}

/// One inspection in scope.
pub async fn get(store: &dyn Store, who: &Principal, id: &str) -> ServiceResult<Inspection> {
    Ok(store.get_inspection(&who.scope, id).await?)
}
