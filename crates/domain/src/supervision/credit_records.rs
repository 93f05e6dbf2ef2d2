//! Credit (诚信) records as stored.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::credit::EntryKind;

/// A credit entry to record.
#[derive(Debug, Clone)]
pub struct NewCreditRecord {
    pub unit_id: String,
    pub kind: EntryKind,
    pub points: i64,
    pub source_id: Option<String>,
    pub basis: String,
    pub reason: String,
    pub recorded_by: String,
    pub expires_at: DateTime<Utc>,
}

/// A stored credit entry.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CreditRecord {
    pub id: String,
    pub unit_id: String,
    pub kind: EntryKind,
    pub points: i64,
    /// The hazard it came from.
    pub source_id: Option<String>,
    pub basis: String,
    pub reason: String,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// Entered by hand by the police (docs/CREDIT.md), not by the hazard ladder.
    pub manual: bool,
    /// 公示: shown to competent departments and on the bureau's 诚信公示 list (the unit and the
    /// police always see every entry; docs/CREDIT.md). Ladder entries are published.
    pub published: bool,
    /// Set when the entry was withdrawn on an objection (更正撤销): it no longer counts in the
    /// score or grade, and stays visible as history.
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// Why it was withdrawn (the reviewing police's reasons).
    pub withdrawal_reason: String,
}

impl CreditRecord {
    /// Whether the entry counts in the score at `now`: not withdrawn and not expired.
    pub fn in_force(&self, now: DateTime<Utc>) -> bool {
        self.withdrawn_at.is_none() && self.expires_at > now
    }
}
