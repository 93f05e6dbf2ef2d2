//! What is stored about a filing: the filing, its steps (history), the lifecycle rules.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::kind::FilingKind;
use crate::designations::Step;

/// Where a filing is in its lifecycle (R16 "submit, police acknowledge, archive").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FilingStatus {
    /// 待提交: opened (by an obligation or by hand), the unit fills it in.
    Draft,
    /// 已提交: waiting for the police.
    Submitted,
    /// 已受理: the police acknowledged it.
    Acknowledged,
    /// 已退回: the police returned it with reasons; the unit corrects and resubmits.
    Returned,
    /// 已归档: closed; read only.
    Archived,
}

impl FilingStatus {
    pub const ALL: [FilingStatus; 5] = [
        FilingStatus::Draft,
        FilingStatus::Submitted,
        FilingStatus::Acknowledged,
        FilingStatus::Returned,
        FilingStatus::Archived,
    ];

    pub fn code(self) -> &'static str {
        match self {
            FilingStatus::Draft => "draft",
            FilingStatus::Submitted => "submitted",
            FilingStatus::Acknowledged => "acknowledged",
            FilingStatus::Returned => "returned",
            FilingStatus::Archived => "archived",
        }
    }

    pub fn from_code(s: &str) -> Option<FilingStatus> {
        FilingStatus::ALL.into_iter().find(|k| k.code() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            FilingStatus::Draft => "待提交",
            FilingStatus::Submitted => "已提交",
            FilingStatus::Acknowledged => "已受理",
            FilingStatus::Returned => "已退回",
            FilingStatus::Archived => "已归档",
        }
    }

    /// Whether the unit may still edit and submit it (draft or returned).
    pub fn editable(self) -> bool {
        matches!(self, FilingStatus::Draft | FilingStatus::Returned)
    }
}

/// A step of a filing's lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FilingAction {
    Open,
    Save,
    Submit,
    Acknowledge,
    Return,
    Archive,
}

impl FilingAction {
    pub fn code(self) -> &'static str {
        match self {
            FilingAction::Open => "open",
            FilingAction::Save => "save",
            FilingAction::Submit => "submit",
            FilingAction::Acknowledge => "acknowledge",
            FilingAction::Return => "return",
            FilingAction::Archive => "archive",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            FilingAction::Open => "立项",
            FilingAction::Save => "保存",
            FilingAction::Submit => "提交",
            FilingAction::Acknowledge => "受理",
            FilingAction::Return => "退回",
            FilingAction::Archive => "归档",
        }
    }

    /// The status after this step from `from`; `None`: not allowed (409 `invalid_transition`).
    /// draft|returned →submit→ submitted →acknowledge→ acknowledged →archive→ archived;
    /// submitted →return→ returned; saving keeps a draft or returned filing as it is.
    pub fn next(self, from: FilingStatus) -> Option<FilingStatus> {
        use FilingStatus as S;
        match (self, from) {
            (FilingAction::Save, s) if s.editable() => Some(s),
            (FilingAction::Submit, s) if s.editable() => Some(S::Submitted),
            (FilingAction::Acknowledge, S::Submitted) => Some(S::Acknowledged),
            (FilingAction::Return, S::Submitted) => Some(S::Returned),
            (FilingAction::Archive, S::Acknowledged) => Some(S::Archived),
            _ => None,
        }
    }
}

/// A filing (备案).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Filing {
    pub id: String,
    pub kind: FilingKind,
    pub kind_label: String,
    pub unit_id: String,
    pub unit_name: String,
    pub division_code: String,
    /// What opened it (`guard:<id>`, `video:<id>`, `manual:<id>` …); one filing per kind, unit
    /// and source reference.
    pub source_ref: String,
    /// The trigger date (Beijing date): service started, system in use …
    pub trigger_on: NaiveDate,
    /// The due date (inclusive); `None`: no deadline.
    pub due_on: Option<NaiveDate>,
    pub status: FilingStatus,
    pub status_label: String,
    /// The content as filled in: field key → value (see [`FilingKind::fields`]).
    pub content: BTreeMap<String, String>,
    /// The Beijing date of the first submission (the one that counts for the deadline).
    pub first_submitted_on: Option<NaiveDate>,
    /// Whether it was submitted on time (see [`Filing::on_time`]); `None` while not submitted.
    pub on_time: Option<bool>,
    /// Whether it is overdue today (Beijing; see [`Filing::overdue`]).
    pub overdue: bool,
    /// Optimistic version: every change sends it; stale → 409 `version_conflict`.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The steps, oldest first (empty in lists).
    pub steps: Vec<Step>,
}

impl Filing {
    /// Fills in [`Filing::on_time`] and [`Filing::overdue`] for `today`.
    pub fn with_flags(mut self, today: NaiveDate) -> Filing {
        self.on_time = self.on_time();
        self.overdue = self.overdue(today);
        self
    }

    /// Submitted on time: first submitted on or before the due date (no deadline: on time).
    /// `None` while not submitted.
    pub fn on_time(&self) -> Option<bool> {
        let s = self.first_submitted_on?;
        Some(self.due_on.is_none_or(|d| s <= d))
    }

    /// Overdue on `today`: not submitted and the due date passed, or first submitted late.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        match (self.due_on, self.first_submitted_on) {
            (None, _) => false,
            (Some(d), None) => today > d,
            (Some(d), Some(s)) => s > d,
        }
    }
}

/// A filing to open.
#[derive(Debug, Clone)]
pub struct NewFiling {
    pub id: String,
    pub kind: FilingKind,
    pub unit_id: String,
    pub source_ref: String,
    pub trigger_on: NaiveDate,
    pub due_on: Option<NaiveDate>,
    pub opened_by: String,
}

/// A change of a filing (computed by the service).
#[derive(Debug, Clone)]
pub struct FilingChange {
    pub status: FilingStatus,
    /// The new content, or `None` to keep it.
    pub content: Option<BTreeMap<String, String>>,
    /// Set on the first submission only (the store keeps an earlier one).
    pub submitted_on: Option<NaiveDate>,
    pub step: FilingAction,
    pub note: String,
    pub actor_name: String,
}

/// Which filings to list.
#[derive(Debug, Clone, Default)]
pub struct FilingFilter {
    pub unit_id: Option<String>,
    pub status: Option<FilingStatus>,
    pub kind: Option<FilingKind>,
    /// Only those overdue on this day (not submitted with the due date before it, or first
    /// submitted after the due date) and not archived.
    pub overdue_on: Option<NaiveDate>,
}

/// A unit's filings and designations at a glance (shown next to inspection checklist items).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FilingSummary {
    pub unit_id: String,
    /// Filings per status code (`draft`, `submitted` …), every status present.
    pub by_status: BTreeMap<String, i64>,
    /// Filings overdue today (Beijing).
    pub overdue: i64,
    /// The unit's designations (newest first).
    pub designations: Vec<crate::designations::Designation>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifecycle() {
        use FilingStatus as S;
        assert_eq!(FilingAction::Submit.next(S::Draft), Some(S::Submitted));
        assert_eq!(FilingAction::Submit.next(S::Returned), Some(S::Submitted));
        assert_eq!(FilingAction::Return.next(S::Submitted), Some(S::Returned));
        assert_eq!(FilingAction::Acknowledge.next(S::Draft), None);
        assert_eq!(FilingAction::Archive.next(S::Acknowledged), Some(S::Archived));
        assert_eq!(FilingAction::Save.next(S::Archived), None);
    }
}
