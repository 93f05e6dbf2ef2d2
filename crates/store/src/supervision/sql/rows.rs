//! Rows of the supervision tables as entities.

use super::super::common::{from_ms, json_or, opt_ms};
use super::super::db::DbRow;
use neibao_domain::supervision::checklist::Variant;
use neibao_domain::supervision::credit::EntryKind;
use neibao_domain::supervision::ladder::{Case, HazardClass, HazardSource, Phase};
use neibao_domain::supervision::{
    Campaign, CampaignProgress, ChecklistVersion, CreditRecord, Hazard, HazardStep, Inspection, InspectionKind,
    InspectionRecord, InspectionStatus,
};
use sqlx::Row;

pub(super) fn checklist_from_row(r: &DbRow) -> ChecklistVersion {
    ChecklistVersion {
        id: r.get("id"),
        variant: Variant::from_code(r.get("variant")).unwrap_or(Variant::AllUnits),
        version: r.get("version"),
        title: r.get("title"),
        items: json_or(r.get("items"), Vec::new()),
        created_by: r.get("created_by"),
        created_at: from_ms(r.get("created_at")),
    }
}

pub(super) const INSPECTION_COLUMNS: &str =
    "i.*, u.name AS unit_name, c.variant AS checklist_variant, c.version AS checklist_version";

pub(super) const INSPECTION_FROM: &str =
    "FROM inspections i JOIN units u ON u.id = i.unit_id JOIN checklists c ON c.id = i.checklist_id WHERE 1=1";

pub(super) fn inspection_from_row(r: &DbRow) -> Inspection {
    Inspection {
        id: r.get("id"),
        campaign_id: r.get("campaign_id"),
        unit_id: r.get("unit_id"),
        unit_name: r.get("unit_name"),
        checklist_id: r.get("checklist_id"),
        checklist_variant: Variant::from_code(r.get("checklist_variant")).unwrap_or(Variant::AllUnits),
        checklist_version: r.get("checklist_version"),
        kind: InspectionKind::from_code(r.get("kind")).unwrap_or(InspectionKind::Police),
        status: InspectionStatus::from_code(r.get("status")).unwrap_or(InspectionStatus::Planned),
        org_id: r.get("org_id"),
        assignee_id: r.get("assignee_id"),
        assignee_name: r.get("assignee_name"),
        due_at: opt_ms(r, "due_at"),
        record: json_or(r.get("record"), InspectionRecord::default()),
        results: json_or(r.get("results"), Vec::new()),
        score: r
            .get::<Option<String>, _>("score")
            .and_then(|s| serde_json::from_str(&s).ok()),
        created_at: from_ms(r.get("created_at")),
        updated_at: from_ms(r.get("updated_at")),
        submitted_at: opt_ms(r, "submitted_at"),
    }
}

pub(super) const HAZARD_FROM: &str = "FROM hazards h JOIN units u ON u.id = h.unit_id WHERE 1=1";

pub(super) fn hazard_from_row(r: &DbRow) -> Hazard {
    let phase = Phase::from_code(r.get("phase")).unwrap_or(Phase::Detected);
    Hazard {
        id: r.get("id"),
        unit_id: r.get("unit_id"),
        unit_name: r.get("unit_name"),
        source: HazardSource::from_code(r.get("source")).unwrap_or(HazardSource::Report),
        source_id: r.get("source_id"),
        inspection_id: r.get("inspection_id"),
        item_code: r.get("item_code"),
        class: HazardClass::from_code(r.get("class")).unwrap_or(HazardClass::General),
        title: r.get("title"),
        description: r.get("description"),
        phase,
        deadline: opt_ms(r, "deadline"),
        case_state: json_or(r.get("case_state"), Case::new()),
        version: r.get("version"),
        org_id: r.get("org_id"),
        created_at: from_ms(r.get("created_at")),
        updated_at: from_ms(r.get("updated_at")),
    }
}

pub(super) fn step_from_row(r: &DbRow) -> HazardStep {
    HazardStep {
        id: r.get("id"),
        hazard_id: r.get("hazard_id"),
        seq: r.get("seq"),
        action: r.get("action"),
        from_phase: Phase::from_code(r.get("from_phase")).unwrap_or(Phase::Detected),
        to_phase: Phase::from_code(r.get("to_phase")).unwrap_or(Phase::Detected),
        actor_name: r.get("actor_name"),
        at: from_ms(r.get("at")),
        reason: r.get("reason"),
        legal_basis: r.get("legal_basis"),
        detail: json_or(r.get("detail"), serde_json::Value::Null),
        document_id: r.get("document_id"),
        document_number: r.get("document_number"),
    }
}

pub(crate) fn credit_from_row(r: &DbRow) -> CreditRecord {
    CreditRecord {
        id: r.get("id"),
        unit_id: r.get("unit_id"),
        kind: EntryKind::from_code(r.get("kind")).unwrap_or(EntryKind::Overdue),
        points: r.get("points"),
        source_id: r.get("source_id"),
        basis: r.get("basis"),
        reason: r.get("reason"),
        recorded_by: r.get("recorded_by"),
        recorded_at: from_ms(r.get("recorded_at")),
        expires_at: from_ms(r.get("expires_at")),
        manual: r.get::<bool, _>("manual"),
        published: r.get::<bool, _>("published"),
        withdrawn_at: r.get::<Option<i64>, _>("withdrawn_at").map(from_ms),
        withdrawal_reason: r.get("withdrawal_reason"),
    }
}

pub(super) fn campaign_from_row(r: &DbRow) -> Campaign {
    Campaign {
        id: r.get("id"),
        title: r.get("title"),
        description: r.get("description"),
        org_id: r.get("org_id"),
        selection: json_or(r.get("selection"), serde_json::Value::Null),
        due_at: from_ms(r.get("due_at")),
        created_by_name: r.get("created_by_name"),
        created_at: from_ms(r.get("created_at")),
        progress: CampaignProgress::default(),
    }
}
