//! Designations (docs/FILINGS.md): a unit designated 治安保卫重点单位 (key unit, Decree 421
//! Art 13, R15: proposed by county-level or higher police within one of 11 categories, decided
//! by the government at the same level) or 防范恐怖袭击重点目标 (counter-terror key target,
//! 反恐怖主义法 Art 31, R40: a separate flag with notice date and optional grade). The workflow:
//! proposed → decided | rejected; decided → revoked. A decision sets the unit's flag in the
//! registry; a revocation clears it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// One step in a filing's (or a designation's) history. Never changed or deleted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Step {
    pub at: DateTime<Utc>,
    /// The account (user name) or `system`.
    pub actor_name: String,
    /// Action code (`submit`, `return`, `decide` …).
    pub action: String,
    /// What a person reads (提交, 退回 …).
    pub action_label: String,
    /// The status after the step.
    pub status: String,
    /// Reasons or notes (a return's reasons), may be empty.
    pub note: String,
}

/// What a unit is designated as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DesignationKind {
    /// 治安保卫重点单位 (Decree 421 Art 13, R15).
    KeyUnit,
    /// 防范恐怖袭击重点目标 (反恐怖主义法 Art 31, R40).
    CounterTerror,
}

impl DesignationKind {
    pub fn code(self) -> &'static str {
        match self {
            DesignationKind::KeyUnit => "key_unit",
            DesignationKind::CounterTerror => "counter_terror",
        }
    }
    pub fn from_code(s: &str) -> Option<DesignationKind> {
        [DesignationKind::KeyUnit, DesignationKind::CounterTerror]
            .into_iter()
            .find(|k| k.code() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            DesignationKind::KeyUnit => "治安保卫重点单位",
            DesignationKind::CounterTerror => "防范恐怖袭击重点目标",
        }
    }
}

/// Where a designation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DesignationStatus {
    /// 已提议: proposed by the police, waiting for the government's decision.
    Proposed,
    /// 已确定: decided (the unit's flag is set).
    Decided,
    /// 未获批准: the government did not decide it.
    Rejected,
    /// 已撤销: revoked after a decision (the unit's flag is cleared).
    Revoked,
}

impl DesignationStatus {
    pub const ALL: [DesignationStatus; 4] = [
        DesignationStatus::Proposed,
        DesignationStatus::Decided,
        DesignationStatus::Rejected,
        DesignationStatus::Revoked,
    ];
    pub fn code(self) -> &'static str {
        match self {
            DesignationStatus::Proposed => "proposed",
            DesignationStatus::Decided => "decided",
            DesignationStatus::Rejected => "rejected",
            DesignationStatus::Revoked => "revoked",
        }
    }
    pub fn from_code(s: &str) -> Option<DesignationStatus> {
        DesignationStatus::ALL.into_iter().find(|k| k.code() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            DesignationStatus::Proposed => "已提议",
            DesignationStatus::Decided => "已确定",
            DesignationStatus::Rejected => "未获批准",
            DesignationStatus::Revoked => "已撤销",
        }
    }
    /// Whether `to` may follow: proposed → decided | rejected; decided → revoked.
    pub fn allows_next(self, to: DesignationStatus) -> bool {
        use DesignationStatus as S;
        matches!(
            (self, to),
            (S::Proposed, S::Decided) | (S::Proposed, S::Rejected) | (S::Decided, S::Revoked)
        )
    }
}

/// A designation record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Designation {
    pub id: String,
    pub unit_id: String,
    pub unit_name: String,
    pub kind: DesignationKind,
    pub kind_label: String,
    /// Decree 421 Art 13 category 1–11 (key units).
    pub category: Option<u8>,
    /// Grade (counter-terror targets, optional; e.g. 一级).
    pub grade: String,
    /// The proposing police organ (county level or higher).
    pub proposing_org_id: Option<String>,
    pub proposing_org_name: String,
    /// Why it is proposed.
    pub reason: String,
    /// The deciding government (key units) or the designating authority.
    pub deciding_authority: String,
    /// The decision's document number (文号).
    pub document_number: String,
    /// Decision date (Beijing date).
    pub decided_on: Option<NaiveDate>,
    /// The date the unit was told (counter-terror targets, R40).
    pub notice_on: Option<NaiveDate>,
    pub status: DesignationStatus,
    pub status_label: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The steps, oldest first (empty in lists).
    pub steps: Vec<Step>,
}

/// A proposal to store.
#[derive(Debug, Clone)]
pub struct NewDesignation {
    pub id: String,
    pub unit_id: String,
    pub kind: DesignationKind,
    pub category: Option<u8>,
    pub grade: String,
    pub proposing_org_id: Option<String>,
    pub proposing_org_name: String,
    pub reason: String,
    pub actor_name: String,
}

/// A change of a designation (computed by the service).
#[derive(Debug, Clone)]
pub struct DesignationChange {
    pub status: DesignationStatus,
    pub deciding_authority: Option<String>,
    pub document_number: Option<String>,
    pub decided_on: Option<NaiveDate>,
    pub notice_on: Option<NaiveDate>,
    /// Step action code and label, and the note.
    pub action: &'static str,
    pub action_label: &'static str,
    pub note: String,
    pub actor_name: String,
}

/// Which designations to list.
#[derive(Debug, Clone, Default)]
pub struct DesignationFilter {
    pub unit_id: Option<String>,
    pub status: Option<DesignationStatus>,
    pub kind: Option<DesignationKind>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow() {
        use DesignationStatus as S;
        assert!(S::Proposed.allows_next(S::Decided));
        assert!(S::Decided.allows_next(S::Revoked));
        assert!(!S::Rejected.allows_next(S::Decided));
        assert!(!S::Proposed.allows_next(S::Revoked));
    }
}
