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
}
