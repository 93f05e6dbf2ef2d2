//! Repositories of 心防 (docs/WELLBEING.md; R36, R87, R88, R64): [`WellbeingRepo`] (volunteer
//! teams, their activities, education activities) and [`CrisisCaseRepo`] (reporters, cases,
//! follow-ups, escalations, counts). Implemented by both backends in `sql.rs`.
//!
//! Access narrower than a unit (docs/ARCHITECTURE.md "The access policy"): every method that
//! answers a case's content takes the caller's user id besides the scope, and finds the case only
//! when the caller is a counsellor named on it or its reporter. The content is encrypted with the
//! counselling-case key (`FieldCipher::encrypt_case`), never the field key.

use crate::error::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use neibao_domain::access::Scope;
use neibao_domain::audit::AuditEntry;
use neibao_domain::privacy::DeletionRecord;
use neibao_domain::wellbeing::*;

/// A new volunteer team as checked by the service.
#[derive(Debug, Clone)]
pub struct NewTeam {
    pub id: String,
    pub unit_id: String,
    pub name: String,
    pub kind: String,
    pub duties: String,
    pub members: Vec<TeamMember>,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// A new team activity as checked by the service.
#[derive(Debug, Clone)]
pub struct NewTeamActivity {
    pub id: String,
    pub team_id: String,
    pub held_on: String,
    pub summary: String,
    pub participants: i64,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// A new education activity as checked by the service.
#[derive(Debug, Clone)]
pub struct NewEducation {
    pub id: String,
    pub unit_id: String,
    pub kind: EducationKind,
    pub title: String,
    pub held_on: String,
    pub attendance: i64,
    pub materials: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// A new case as checked by the service (content in plaintext: the store encrypts it).
#[derive(Debug, Clone)]
pub struct NewCase {
    pub id: String,
    pub unit_id: String,
    pub reporter_id: String,
    pub reporter_name: String,
    pub risk: Risk,
    pub threat_to_others: bool,
    pub content: CaseContent,
    /// (user id, name) of the counsellors named on it.
    pub counsellors: Vec<(String, String)>,
    pub at: DateTime<Utc>,
}

/// A case as the store finds it for a caller named on it (the service decides what of it the
/// caller reads).
#[derive(Debug, Clone)]
pub struct CaseRecord {
    pub detail: CaseDetail,
    pub reporter_id: String,
}

/// A new follow-up record.
#[derive(Debug, Clone)]
pub struct NewFollowUp {
    pub id: String,
    pub kind: FollowUpKind,
    pub note: String,
    pub risk: Option<Risk>,
    pub by: String,
    pub by_name: String,
    pub at: DateTime<Utc>,
}

/// Volunteer teams, their activities and education activities of a unit. `NotFound` / `None`
/// when the unit (or the team) is outside the scope.
#[async_trait]
pub trait WellbeingRepo: Send + Sync {
    /// The unit's teams, team activities and education activities (newest first, at most 500
    /// each) with their counts; `None` when the unit is outside the scope.
    async fn unit_wellbeing(&self, scope: &Scope, unit_id: &str) -> StoreResult<Option<UnitWellbeing>>;

    /// Stores a team with `audit` in one transaction.
    async fn create_volunteer_team(&self, scope: &Scope, t: &NewTeam, audit: &AuditEntry) -> StoreResult<()>;

    /// Stores a team activity with `audit`; `NotFound` when the team's unit is outside the scope.
    /// Answers the team's unit.
    async fn add_team_activity(&self, scope: &Scope, a: &NewTeamActivity, audit: &AuditEntry) -> StoreResult<String>;

    /// Stores an education activity with `audit` in one transaction.
    async fn add_education_activity(&self, scope: &Scope, e: &NewEducation, audit: &AuditEntry) -> StoreResult<()>;
}

/// Crisis-intervention cases (see the module docs).
#[async_trait]
pub trait CrisisCaseRepo: Send + Sync {
    /// The unit's designated reporters; `NotFound` outside the scope.
    async fn crisis_reporters(&self, scope: &Scope, unit_id: &str) -> StoreResult<Vec<Reporter>>;

    /// Sets the unit's reporters to `reporters` (user id, name), with `audit`.
    async fn set_crisis_reporters(
        &self,
        scope: &Scope,
        unit_id: &str,
        reporters: &[(String, String)],
        by: &str,
        at: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> StoreResult<Vec<Reporter>>;

    /// Whether `user_id` is a designated reporter of `unit_id`.
    async fn is_crisis_reporter(&self, unit_id: &str, user_id: &str) -> StoreResult<bool>;

    /// The unit's active accounts of `role_code` as (id, name).
    async fn unit_accounts_of_role(&self, unit_id: &str, role_code: &str) -> StoreResult<Vec<(String, String)>>;

    /// Stores a case (content encrypted with the case key), its counsellors and `audit`.
    async fn create_crisis_case(&self, c: &NewCase, audit: &AuditEntry) -> StoreResult<()>;

    /// The cases in `scope` where `user_id` is a named counsellor or the reporter, newest first.
    async fn my_crisis_cases(&self, scope: &Scope, user_id: &str) -> StoreResult<Vec<CaseSummary>>;

    /// One case, decrypted, when `user_id` is named on it or its reporter and its unit is in
    /// `scope`; else `None`.
    async fn crisis_case(&self, scope: &Scope, user_id: &str, id: &str) -> StoreResult<Option<CaseRecord>>;

    /// Adds a follow-up (and sets the case's risk when given), with `audit`.
    async fn add_crisis_follow_up(&self, case_id: &str, f: &NewFollowUp, audit: &AuditEntry) -> StoreResult<()>;

    /// Records the escalation notice and marks the case escalated, with `audit`.
    async fn escalate_crisis_case(&self, case_id: &str, e: &Escalation, audit: &AuditEntry) -> StoreResult<()>;

    /// Closes the case with its closing content (re-encrypted), with `audit`.
    async fn close_crisis_case(
        &self,
        case_id: &str,
        content: &CaseContent,
        at: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> StoreResult<()>;

    /// Counts of cases by unit and risk level in `scope` (no content).
    async fn crisis_counts(&self, scope: &Scope) -> StoreResult<Vec<CaseCount>>;

    /// Escalation notices of the units in `scope`, newest first.
    async fn crisis_escalations(&self, scope: &Scope) -> StoreResult<Vec<Escalation>>;

    /// Deletes the cases closed before `cutoff` (with their follow-ups, counsellors and
    /// escalations), unit by unit, skipping units under a legal hold of the class; one deletion
    /// log line and audit row per unit (from `audit`), each in the transaction that deletes.
    async fn sweep_crisis_cases(
        &self,
        cutoff: DateTime<Utc>,
        now: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> StoreResult<Vec<DeletionRecord>>;
}
