//! What an evidence file belongs to.

use serde::{Deserialize, Serialize};

/// The owner of an evidence file. [`AttachmentOwner::code`] is what the `owner_kind` column
/// stores and what the API shows as `owner_kind`; codes never change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentOwner {
    /// An inspection (photos and files taken during it, R22).
    Inspection,
    /// A hazard (rectification evidence, docs/REQUIREMENTS.md §b.1).
    Hazard,
    /// A version of a unit's written rules: its signed PDF (docs/RULEBOOK.md, R9).
    RuleVersion,
    /// A video signage check (显著提示标识 photo, S7 Art 13, R51).
    VideoSignage,
    /// A checkpoint visit of a patrol round (the optional photo taken there, R12(3)).
    PatrolVisit,
    /// An emergency plan (its evacuation maps: images or PDF, R18).
    EmergencyPlan,
    /// A check of a protective-equipment item (the optional photo, R35).
    Equipment,
    /// A step of an emergency drill (the optional photo taken then, docs/DRILLS.md, R18).
    Drill,
    /// A report to the police: photos of an incident or of disorder around the unit, taken by
    /// the unit's manager or guard (docs/REPORTS.md, R12(4), Part 4 of the Opinions). Read only
    /// through the report (`/api/v1/reports/{id}/photos/{photo}`, the report's scope), never
    /// through the generic attachment download.
    Report,
    /// A bulletin (警企通报, docs/BULLETINS.md): files of its issuer. A downward bulletin's files
    /// belong to no unit (`unit_id` empty) and are read only through the bulletin.
    Bulletin,
    /// A private-enterprise request (民营企业诉求, docs/ENTERPRISE-REQUESTS.md): the enterprise's files.
    EnterpriseRequest,
    /// A unit's objection (异议) to a credit entry: its evidence files (docs/CREDIT.md, R30).
    CreditObjection,
    /// An item of a safety assessment: the assessor's photos and files (owner id
    /// `{assessment id}:{item code}`; docs/ASSESSMENT.md, R32).
    Assessment,
}

impl AttachmentOwner {
    pub const ALL: [AttachmentOwner; 13] = [
        AttachmentOwner::Inspection,
        AttachmentOwner::Hazard,
        AttachmentOwner::RuleVersion,
        AttachmentOwner::VideoSignage,
        AttachmentOwner::PatrolVisit,
        AttachmentOwner::EmergencyPlan,
        AttachmentOwner::Equipment,
        AttachmentOwner::Drill,
        AttachmentOwner::Report,
        AttachmentOwner::Bulletin,
        AttachmentOwner::EnterpriseRequest,
        AttachmentOwner::CreditObjection,
        AttachmentOwner::Assessment,
    ];

    /// Stable code, stored in `attachments.owner_kind`.
    pub fn code(self) -> &'static str {
        match self {
            AttachmentOwner::Inspection => "inspection",
            AttachmentOwner::Hazard => "hazard",
            AttachmentOwner::RuleVersion => "rule_version",
            AttachmentOwner::VideoSignage => "video_signage",
            AttachmentOwner::PatrolVisit => "patrol_visit",
            AttachmentOwner::EmergencyPlan => "emergency_plan",
            AttachmentOwner::Equipment => "equipment",
            AttachmentOwner::Drill => "drill",
            AttachmentOwner::Report => "report",
            AttachmentOwner::Bulletin => "bulletin",
            AttachmentOwner::EnterpriseRequest => "enterprise_request",
            AttachmentOwner::CreditObjection => "credit_objection",
            AttachmentOwner::Assessment => "assessment",
        }
    }

    pub fn from_code(s: &str) -> Option<AttachmentOwner> {
        AttachmentOwner::ALL.into_iter().find(|o| o.code() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            AttachmentOwner::Inspection => "检查",
            AttachmentOwner::Hazard => "隐患",
            AttachmentOwner::RuleVersion => "治安保卫制度",
            AttachmentOwner::VideoSignage => "视频提示标识检查",
            AttachmentOwner::PatrolVisit => "巡查点到位照片",
            AttachmentOwner::EmergencyPlan => "应急预案疏散图",
            AttachmentOwner::Equipment => "防护器械检查照片",
            AttachmentOwner::Drill => "应急演练照片",
            AttachmentOwner::Report => "报告照片",
            AttachmentOwner::Bulletin => "警企通报附件",
            AttachmentOwner::EnterpriseRequest => "民营企业诉求附件",
            AttachmentOwner::CreditObjection => "诚信异议证据",
            AttachmentOwner::Assessment => "安全评估佐证",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_match_the_serde_form() {
        for o in AttachmentOwner::ALL {
            assert_eq!(AttachmentOwner::from_code(o.code()), Some(o));
            assert_eq!(serde_json::to_value(o).unwrap(), serde_json::json!(o.code()));
        }
        assert_eq!(AttachmentOwner::from_code("unit"), None);
    }
}
