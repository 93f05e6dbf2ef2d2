//! Retention per data class: the minimum the rules require, the maximum a bureau sets, legal
//! holds that suspend deletion, and the deletion log. Deletion runs in the scheduler
//! (`retention.sweep`, daily) through `Store::retention_sweep`.
//!
//! Sources (docs/REQUIREMENTS.md): video and images ≥ 30 days, delete once the purpose is met
//! (R54, S7 Art 17); ≥ 90 days for counter-terror key targets (R43, S4 Art 32); guard-service
//! alarm records ≥ 30 days (R59); network logs ≥ 6 months (R68); keep personal data no longer
//! than the purpose needs (R66, PIPL Art 19).

use serde::{Deserialize, Serialize};

/// A class of stored data with its own retention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DataClass {
    /// Event records with their raw payload (alarm records).
    Events,
    /// Pictures attached to events (captures, snapshots: video material).
    Images,
    /// Face captures: the person fields and pictures of `face.capture` events (R64).
    FaceData,
    /// Visitor records (the visitor module stores them; nothing to delete until it does).
    VisitorRecords,
    /// The audit log and login records (network logs).
    Logs,
    /// Closed crisis-intervention cases with their follow-ups (docs/WELLBEING.md; R36, R66):
    /// deleted this many days after closure.
    CounsellingCases,
}

impl DataClass {
    pub const ALL: [DataClass; 6] = [
        DataClass::Events,
        DataClass::Images,
        DataClass::FaceData,
        DataClass::VisitorRecords,
        DataClass::Logs,
        DataClass::CounsellingCases,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DataClass::Events => "events",
            DataClass::Images => "images",
            DataClass::FaceData => "face_data",
            DataClass::VisitorRecords => "visitor_records",
            DataClass::Logs => "logs",
            DataClass::CounsellingCases => "counselling_cases",
        }
    }

    pub fn from_code(s: &str) -> Option<DataClass> {
        DataClass::ALL.into_iter().find(|c| c.code() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            DataClass::Events => "事件与告警记录",
            DataClass::Images => "图片与视频资料",
            DataClass::FaceData => "人脸数据",
            DataClass::VisitorRecords => "访客记录",
            DataClass::Logs => "日志（审计与登录）",
            DataClass::CounsellingCases => "心理危机干预个案（结案后）",
        }
    }

    /// The least number of days the rules require (for a unit that is a counter-terror key
    /// target when `counter_terror`). A policy may not set a maximum below it.
    pub fn min_days(self, counter_terror: bool) -> i64 {
        match (self, counter_terror) {
            (DataClass::Events | DataClass::Images, true) => 90,
            (DataClass::Events | DataClass::Images, false) => 30,
            (DataClass::Logs, _) => 183,
            (DataClass::FaceData | DataClass::VisitorRecords | DataClass::CounsellingCases, _) => 0,
        }
    }

    /// The maximum used until a bureau sets one.
    pub fn default_max_days(self) -> i64 {
        match self {
            DataClass::Events => 365,
            DataClass::Images => 30,
            DataClass::FaceData => 30,
            DataClass::VisitorRecords => 90,
            DataClass::Logs => 365,
            DataClass::CounsellingCases => 1095,
        }
    }

    /// Days after which data of this class is deleted for a unit: the policy's maximum, raised
    /// to the rules' minimum.
    pub fn effective_days(self, max_days: i64, counter_terror: bool) -> i64 {
        max_days.max(self.min_days(counter_terror))
    }
}

/// A retention policy row: the class, its maximum, and the rules' minimums for display.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RetentionPolicy {
    pub data_class: DataClass,
    pub label: String,
    pub max_days: i64,
    pub min_days: i64,
    pub min_days_counter_terror: i64,
}

/// A legal hold: while active, nothing of the unit (of one class, or of all when `data_class` is
/// absent) is deleted.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LegalHold {
    pub id: String,
    /// The case the hold serves (案件编号).
    pub case_no: String,
    pub unit_id: String,
    pub data_class: Option<DataClass>,
    pub reason: String,
    pub created_by: String,
    /// Milliseconds since the Unix epoch (UTC).
    pub created_at: i64,
    pub released_at: Option<i64>,
    pub released_by: Option<String>,
}

/// One line of the deletion log.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DeletionRecord {
    pub id: String,
    /// Milliseconds since the Unix epoch (UTC).
    pub at: i64,
    pub data_class: DataClass,
    pub unit_id: Option<String>,
    pub rows_deleted: i64,
    /// Data received before this instant (ms) was deleted.
    pub older_than: i64,
    pub reason: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimums_win_over_a_short_policy() {
        assert_eq!(DataClass::Images.effective_days(7, false), 30);
        assert_eq!(DataClass::Images.effective_days(30, true), 90);
        assert_eq!(DataClass::Logs.effective_days(30, false), 183);
        assert_eq!(DataClass::Events.effective_days(400, true), 400);
        for c in DataClass::ALL {
            assert_eq!(DataClass::from_code(c.code()), Some(c));
            assert!(c.default_max_days() >= c.min_days(false));
        }
    }
}
