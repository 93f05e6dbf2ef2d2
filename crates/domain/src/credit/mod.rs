//! Credit (诚信) entries entered by hand and the unit's objections to them (docs/CREDIT.md;
//! docs/REQUIREMENTS.md R30: penalties go into the credit system). The entries themselves, the
//! scoring rule and the grades are supervision's ([`crate::supervision::credit`],
//! [`crate::supervision::CreditRecord`]); this module adds what the police enter by hand (kind,
//! points, legal basis, reason, expiry, publish flag) and the objection (异议): the unit's
//! security manager files text and evidence; the police review it within [`REVIEW_DAYS`] and
//! either correct the entry (withdraw it, or amend its points or expiry) or reject the
//! objection, each with reasons.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::supervision::credit::EntryKind;

/// The review deadline of an objection: 15 calendar days after filing. R30 sets no time; this
/// is a decision of neibao (docs/CREDIT.md), matching the 15-day handling time public credit
/// objection procedures commonly give.
pub const REVIEW_DAYS: i64 = 15;
/// Longest legal basis (characters).
pub const MAX_BASIS_CHARS: usize = 500;
/// Longest reason of an entry, an objection's text or a decision's reasons (characters).
pub const MAX_TEXT_CHARS: usize = 2000;
/// Longest validity of a manual entry (days after entry).
pub const MAX_VALID_DAYS: i64 = 3650;

/// A manual entry as checked by the service.
#[derive(Debug, Clone)]
pub struct NewManualEntry {
    pub id: String,
    pub unit_id: String,
    pub kind: EntryKind,
    /// Points deducted, 0–100.
    pub points: i64,
    pub basis: String,
    pub reason: String,
    /// The police account's name (with its organisation).
    pub recorded_by: String,
    /// The police organisation entering it (it reviews objections to the entry).
    pub recorded_org_id: Option<String>,
    pub at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub published: bool,
}

/// Where an objection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ObjectionState {
    /// 待复核.
    Pending,
    /// 已更正 (the entry withdrawn or amended).
    Corrected,
    /// 已驳回 (the entry stands).
    Rejected,
}

impl ObjectionState {
    pub const ALL: [ObjectionState; 3] = [
        ObjectionState::Pending,
        ObjectionState::Corrected,
        ObjectionState::Rejected,
    ];
    pub fn code(self) -> &'static str {
        match self {
            ObjectionState::Pending => "pending",
            ObjectionState::Corrected => "corrected",
            ObjectionState::Rejected => "rejected",
        }
    }
    pub fn from_code(s: &str) -> Option<ObjectionState> {
        ObjectionState::ALL.into_iter().find(|k| k.code() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            ObjectionState::Pending => "待复核",
            ObjectionState::Corrected => "已更正",
            ObjectionState::Rejected => "已驳回",
        }
    }
}

/// What the review decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    /// 撤销记录: the entry no longer counts anywhere; it stays visible as history.
    Withdraw,
    /// 变更扣分或有效期.
    Amend,
    /// 驳回异议: the entry stands.
    Reject,
}

impl DecisionKind {
    pub const ALL: [DecisionKind; 3] = [DecisionKind::Withdraw, DecisionKind::Amend, DecisionKind::Reject];
    pub fn code(self) -> &'static str {
        match self {
            DecisionKind::Withdraw => "withdraw",
            DecisionKind::Amend => "amend",
            DecisionKind::Reject => "reject",
        }
    }
    pub fn from_code(s: &str) -> Option<DecisionKind> {
        DecisionKind::ALL.into_iter().find(|k| k.code() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            DecisionKind::Withdraw => "更正：撤销该记录",
            DecisionKind::Amend => "更正：变更扣分或有效期",
            DecisionKind::Reject => "驳回异议",
        }
    }
}

/// A review decision as checked by the service.
#[derive(Debug, Clone)]
pub struct Decision {
    pub kind: DecisionKind,
    pub reason: String,
    /// Amend: the new points (0–100).
    pub points: Option<i64>,
    /// Amend: the new expiry.
    pub expires_at: Option<DateTime<Utc>>,
    pub by: String,
    pub by_name: String,
}

/// One objection as stored.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Objection {
    pub id: String,
    /// The credit entry objected to.
    pub record_id: String,
    pub unit_id: String,
    pub unit_name: String,
    /// The police organisation told of the objection and expected to review it: the one that
    /// entered a manual entry, else the unit's police station.
    pub review_org_id: Option<String>,
    pub record_kind: EntryKind,
    pub record_kind_label: String,
    pub record_basis: String,
    pub text: String,
    pub state: ObjectionState,
    pub state_label: String,
    pub filed_by: String,
    pub filed_by_name: String,
    pub filed_at: DateTime<Utc>,
    /// The review deadline ([`REVIEW_DAYS`] days after filing).
    pub deadline: DateTime<Utc>,
    /// Set by the deadline job when still pending at the deadline.
    pub overdue: bool,
    pub decision: Option<DecisionKind>,
    pub decision_reason: String,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    /// The entry's points and expiry when the objection was filed.
    pub old_points: i64,
    pub old_expires_at: DateTime<Utc>,
    /// Amend: what the review set.
    pub new_points: Option<i64>,
    pub new_expires_at: Option<DateTime<Utc>>,
}

impl Objection {
    /// 待复核 / 已更正 / 已驳回, with 已超期 when overdue and still pending.
    pub fn state_zh(&self) -> String {
        if self.overdue && self.state == ObjectionState::Pending {
            format!("{}（已超期）", self.state.label_zh())
        } else {
            self.state.label_zh().to_string()
        }
    }
}

/// A new objection as checked by the service.
#[derive(Debug, Clone)]
pub struct NewObjection {
    pub id: String,
    pub record_id: String,
    pub text: String,
    pub filed_by: String,
    pub filed_by_name: String,
    pub at: DateTime<Utc>,
    pub deadline: DateTime<Utc>,
}

/// Whether `role` sees entries not published (公示): everyone but competent departments (the
/// unit always sees its own; the police see the entries of their jurisdiction). Departments and
/// the 诚信公示 list see published entries only (docs/CREDIT.md).
pub fn sees_unpublished(role: crate::access::Role) -> bool {
    role != crate::access::Role::Department
}

/// An entry of the public 诚信公示 list (docs/CREDIT.md "Public list"): published, not withdrawn
/// and not expired. No personal information: the unit, what kind of entry, the decision (legal
/// basis and points) and its dates; never the reasons (free text) or who recorded it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PublicEntry {
    pub id: String,
    pub unit_name: String,
    pub kind: EntryKind,
    /// The kind as a person reads it (其他违法违规行为, 挂牌督办 …).
    pub kind_label: String,
    /// 法律依据 of the decision.
    pub basis: String,
    /// Points deducted.
    pub points: i64,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// The first instant it no longer counts.
    pub expires_at: DateTime<Utc>,
}

/// Which objections a list shows.
#[derive(Debug, Clone, Default)]
pub struct ObjectionFilter {
    pub unit_id: Option<String>,
    pub record_id: Option<String>,
    pub state: Option<ObjectionState>,
    pub overdue: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for s in ObjectionState::ALL {
            assert_eq!(ObjectionState::from_code(s.code()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), serde_json::json!(s.code()));
        }
        for d in DecisionKind::ALL {
            assert_eq!(DecisionKind::from_code(d.code()), Some(d));
        }
    }
}
