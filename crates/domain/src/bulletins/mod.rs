//! Bulletins (警企通报, docs/BULLETINS.md; the Opinions Part 3: the police–enterprise notification
//! mechanism 警企通报机制 and contact between police and enterprises): the police send risk
//! warnings, case notices, policy notices and seasonal reminders to a target set of units of
//! their jurisdiction (stored at issue time), the units read and acknowledge them (with a reply
//! where asked) by a deadline; at the deadline the units that have not acknowledged are reminded
//! once and listed as overdue. A unit's manager also reports a risk upward to its police station.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::registry::UnitSet;

/// What a bulletin is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BulletinKind {
    /// 风险提示.
    RiskWarning,
    /// 案情通报.
    CaseNotice,
    /// 政策通知.
    PolicyNotice,
    /// 季节性提醒.
    SeasonalReminder,
}

impl BulletinKind {
    pub const ALL: [BulletinKind; 4] = [
        BulletinKind::RiskWarning,
        BulletinKind::CaseNotice,
        BulletinKind::PolicyNotice,
        BulletinKind::SeasonalReminder,
    ];
    /// Stable code, as in the API.
    pub fn code(self) -> &'static str {
        match self {
            BulletinKind::RiskWarning => "risk_warning",
            BulletinKind::CaseNotice => "case_notice",
            BulletinKind::PolicyNotice => "policy_notice",
            BulletinKind::SeasonalReminder => "seasonal_reminder",
        }
    }
    /// Parses [`BulletinKind::code`].
    pub fn from_code(s: &str) -> Option<BulletinKind> {
        BulletinKind::ALL.into_iter().find(|k| k.code() == s.trim())
    }
    /// What a person reads.
    pub fn label_zh(self) -> &'static str {
        match self {
            BulletinKind::RiskWarning => "风险提示",
            BulletinKind::CaseNotice => "案情通报",
            BulletinKind::PolicyNotice => "政策通知",
            BulletinKind::SeasonalReminder => "季节性提醒",
        }
    }
}

/// How urgent a bulletin is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = BulletinSeverity)]
pub enum Severity {
    /// 一般.
    Normal,
    /// 重要.
    Important,
    /// 紧急.
    Urgent,
}

impl Severity {
    pub const ALL: [Severity; 3] = [Severity::Normal, Severity::Important, Severity::Urgent];
    pub fn code(self) -> &'static str {
        match self {
            Severity::Normal => "normal",
            Severity::Important => "important",
            Severity::Urgent => "urgent",
        }
    }
    pub fn from_code(s: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|k| k.code() == s.trim())
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Severity::Normal => "一般",
            Severity::Important => "重要",
            Severity::Urgent => "紧急",
        }
    }
}

/// Which way a bulletin goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// 下发: police to units.
    Down,
    /// 上报: a unit to its police station.
    Up,
}

impl Direction {
    pub fn code(self) -> &'static str {
        match self {
            Direction::Down => "down",
            Direction::Up => "up",
        }
    }
    pub fn from_code(s: &str) -> Direction {
        if s == "up" {
            Direction::Up
        } else {
            Direction::Down
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Direction::Down => "下发",
            Direction::Up => "单位上报",
        }
    }
}

/// A bulletin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Bulletin {
    pub id: String,
    pub direction: Direction,
    pub kind: BulletinKind,
    pub severity: Severity,
    /// 标题, 1–100 characters.
    pub title: String,
    /// 正文, 1–5000 characters.
    pub body: String,
    /// Down: the jurisdiction (division-code prefix); up: the sending unit's division code.
    pub division_prefix: String,
    /// Down: the target set within the jurisdiction.
    pub unit_set: UnitSet,
    /// Down: the acknowledgement deadline.
    pub ack_deadline: Option<DateTime<Utc>>,
    /// Down: whether the units are asked for a reply with their acknowledgement.
    pub reply_requested: bool,
    /// Up: the sending unit.
    pub from_unit_id: Option<String>,
    pub from_unit_name: Option<String>,
    /// Up: the receiving police station (organisation); down: the sender's organisation.
    pub org_id: Option<String>,
    pub org_name: Option<String>,
    /// The issuer's account (police, or the unit's manager for a report upward); not answered.
    #[serde(skip)]
    pub created_by: String,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
    /// Down: how many units it was sent to.
    pub recipient_count: i64,
    /// Up: the police's reply (at most 1000 characters), who replied and when; absent until then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub police_reply: Option<PoliceReply>,
    /// In a unit account's list only: when its unit read and acknowledged it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub my_read_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub my_acknowledged_at: Option<DateTime<Utc>>,
}

/// The police's reply to a unit's report upward (one per report).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PoliceReply {
    /// 回复, 1–1000 characters.
    pub text: String,
    /// The replying police account's id and name.
    pub by: String,
    pub by_name: String,
    pub at: DateTime<Utc>,
}

/// A unit a bulletin was sent to, with its receipts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Recipient {
    pub bulletin_id: String,
    pub unit_id: String,
    pub unit_name: String,
    pub division_code: String,
    /// First opened by the unit's manager or guard (read receipt).
    pub read_at: Option<DateTime<Utc>>,
    pub read_by: Option<String>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledged_by: Option<String>,
    /// The unit's reply (at most 1000 characters), where asked.
    pub reply: Option<String>,
    /// When the unit was reminded at the deadline (not acknowledged then: overdue).
    pub reminded_at: Option<DateTime<Utc>>,
}

impl Recipient {
    /// Not acknowledged by the deadline (`deadline` passed at `now`, or the reminder was sent).
    pub fn overdue(&self, deadline: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
        self.acknowledged_at.is_none() && (self.reminded_at.is_some() || deadline.is_some_and(|d| d <= now))
    }
}

/// Counts over the recipients the caller sees.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BulletinStats {
    pub recipients: i64,
    pub read: i64,
    pub acknowledged: i64,
    /// Read rate, 0–100 (percent, rounded down).
    pub read_rate: i64,
    /// Acknowledgement rate, 0–100 (percent, rounded down).
    pub ack_rate: i64,
    /// The units that have not acknowledged (names).
    pub not_acknowledged: Vec<String>,
    /// The units overdue: not acknowledged by the deadline (names).
    pub overdue: Vec<String>,
}

impl BulletinStats {
    /// The counts of `rs` for a bulletin with `deadline`, at `now`.
    pub fn of(rs: &[Recipient], deadline: Option<DateTime<Utc>>, now: DateTime<Utc>) -> BulletinStats {
        let n = rs.len() as i64;
        let read = rs.iter().filter(|r| r.read_at.is_some()).count() as i64;
        let acked = rs.iter().filter(|r| r.acknowledged_at.is_some()).count() as i64;
        let rate = |x: i64| if n == 0 { 0 } else { x * 100 / n };
        BulletinStats {
            recipients: n,
            read,
            acknowledged: acked,
            read_rate: rate(read),
            ack_rate: rate(acked),
            not_acknowledged: rs
                .iter()
                .filter(|r| r.acknowledged_at.is_none())
                .map(|r| r.unit_name.clone())
                .collect(),
            overdue: rs
                .iter()
                .filter(|r| r.overdue(deadline, now))
                .map(|r| r.unit_name.clone())
                .collect(),
        }
    }
}

/// A bulletin as the caller sees it: the recipients of their scope (a unit: its own row) and the
/// counts over them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BulletinDetail {
    #[serde(flatten)]
    pub bulletin: Bulletin,
    pub recipients: Vec<Recipient>,
    pub stats: BulletinStats,
    /// The issuer's files (PDF or images), oldest first; download each from
    /// `/api/v1/bulletins/{id}/attachments/{file_id}`.
    pub attachments: Vec<crate::attachments::Attachment>,
}

/// A bulletin to store, validated by the service.
#[derive(Debug, Clone)]
pub struct NewBulletin {
    pub id: String,
    pub direction: Direction,
    pub kind: BulletinKind,
    pub severity: Severity,
    pub title: String,
    pub body: String,
    pub division_prefix: String,
    pub unit_set: UnitSet,
    pub ack_deadline: Option<DateTime<Utc>>,
    pub reply_requested: bool,
    pub from_unit_id: Option<String>,
    pub from_unit_name: Option<String>,
    pub org_id: Option<String>,
    pub org_name: Option<String>,
    pub created_by: String,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn rates_and_overdue() {
        let now = Utc::now();
        let r = |ack: bool| Recipient {
            bulletin_id: "b".into(),
            unit_id: "u".into(),
            unit_name: "甲".into(),
            division_code: "330106".into(),
            read_at: Some(now),
            read_by: None,
            acknowledged_at: ack.then_some(now),
            acknowledged_by: None,
            reply: None,
            reminded_at: None,
        };
        let s = BulletinStats::of(&[r(true), r(false), r(false)], Some(now - Duration::hours(1)), now);
        assert_eq!((s.read_rate, s.ack_rate, s.overdue.len()), (100, 33, 2));
        assert_eq!(BulletinKind::from_code("case_notice"), Some(BulletinKind::CaseNotice));
        assert_eq!(Severity::from_code("x"), None);
    }
}
