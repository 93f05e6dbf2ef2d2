//! Records the store reads and writes. These are also the API's response shapes.

use chrono::{DateTime, Utc};
use neibao_domain::alert::{AlertStatus, Severity};
use neibao_domain::event::EventKind;
use neibao_domain::scope::Role;
use neibao_domain::sensitive::Sensitive;
use neibao_domain::unit::{DeviceFormat, UnitKind};
use neibao_domain::validate::{CitizenId, DivisionCode, PhoneNumber, Uscc};
use serde::{Deserialize, Serialize};

/// Organisation kinds: police levels and competent departments.
pub const ORG_KINDS: [&str; 5] = [
    "police_province",
    "police_city",
    "police_county",
    "police_station",
    "department",
];

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Organisation {
    pub id: String,
    pub name: String,
    /// One of [`ORG_KINDS`].
    pub kind: String,
    pub division_code: String,
    pub parent_id: Option<String>,
    pub sector: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Division {
    pub code: String,
    pub name: String,
    pub level: String,
    pub parent_code: Option<String>,
}

/// Role of a responsible person (Decree 421 Art 5; REQUIREMENTS.md R4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PersonRole {
    /// 主要负责人
    Principal,
    /// 分管负责人
    Deputy,
    /// 保卫负责人
    SecurityHead,
}

impl PersonRole {
    pub fn code(self) -> &'static str {
        match self {
            PersonRole::Principal => "principal",
            PersonRole::Deputy => "deputy",
            PersonRole::SecurityHead => "security_head",
        }
    }
    pub fn from_code(s: &str) -> Option<PersonRole> {
        [PersonRole::Principal, PersonRole::Deputy, PersonRole::SecurityHead]
            .into_iter()
            .find(|r| r.code() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            PersonRole::Principal => "主要负责人",
            PersonRole::Deputy => "分管负责人",
            PersonRole::SecurityHead => "保卫负责人",
        }
    }
}

/// A responsible person as read back: identity number and phone are masked [`Sensitive`] values.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ResponsiblePerson {
    pub id: String,
    pub role: PersonRole,
    pub name: String,
    /// Masked, e.g. `330106********1234`.
    #[schema(value_type = Option<String>)]
    pub citizen_id: Option<Sensitive>,
    /// Masked, e.g. `138****5678`.
    #[schema(value_type = Option<String>)]
    pub phone: Option<Sensitive>,
}

/// A validated responsible person to store.
#[derive(Debug, Clone)]
pub struct NewResponsiblePerson {
    pub role: PersonRole,
    pub name: String,
    pub citizen_id: Option<CitizenId>,
    pub phone: Option<PhoneNumber>,
}

/// Weekly armed schedule (布防时段) of a unit, in Asia/Shanghai local time. Each entry arms the
/// listed weekdays (1 = Monday … 7 = Sunday) from `start` to `end` (`HH:MM`); an entry whose end
/// is not after its start runs past midnight into the next day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ArmedSchedule {
    pub periods: Vec<ArmedPeriod>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ArmedPeriod {
    pub weekdays: Vec<u8>,
    pub start: String,
    pub end: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Unit {
    pub id: String,
    pub name: String,
    pub kind: UnitKind,
    pub is_university: bool,
    pub is_private_enterprise: bool,
    pub uscc: String,
    pub address: String,
    pub division_code: String,
    pub division_name: Option<String>,
    pub police_station_id: Option<String>,
    pub police_station_name: Option<String>,
    pub competent_department_id: Option<String>,
    pub competent_department_name: Option<String>,
    pub is_key_unit: bool,
    /// Decree 421 Art 13 category 1–11 when `is_key_unit`.
    pub key_unit_category: Option<u8>,
    pub is_counter_terror_target: bool,
    pub armed_schedule: Option<ArmedSchedule>,
    pub responsible_persons: Vec<ResponsiblePerson>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A validated unit to store.
#[derive(Debug, Clone)]
pub struct NewUnit {
    pub name: String,
    pub kind: UnitKind,
    pub is_university: bool,
    pub is_private_enterprise: bool,
    pub uscc: Uscc,
    pub address: String,
    pub division_code: DivisionCode,
    pub police_station_id: Option<String>,
    pub competent_department_id: Option<String>,
    pub is_key_unit: bool,
    pub key_unit_category: Option<u8>,
    pub is_counter_terror_target: bool,
    pub armed_schedule: Option<ArmedSchedule>,
    pub responsible_persons: Vec<NewResponsiblePerson>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct KeyArea {
    pub id: String,
    pub unit_id: String,
    pub name: String,
    pub description: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Device {
    pub id: String,
    pub unit_id: String,
    pub unit_name: String,
    pub key_area_id: Option<String>,
    pub key_area_name: Option<String>,
    pub format: DeviceFormat,
    /// `camera`, `nvr`, `access_terminal`, `alarm_panel`, `other`.
    pub kind: String,
    pub name: String,
    pub serial: String,
    /// Device channel number → label, e.g. `{"1": "北门", "33": "IP通道1"}`.
    pub channel_map: serde_json::Map<String, serde_json::Value>,
    pub last_seen_at: Option<DateTime<Utc>>,
    /// Heard from within the offline threshold.
    pub online: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewDevice {
    pub unit_id: String,
    pub key_area_id: Option<String>,
    pub format: DeviceFormat,
    pub kind: String,
    pub name: String,
    pub serial: String,
    pub channel_map: serde_json::Map<String, serde_json::Value>,
    /// SHA-256 of the ingest token; the token itself is shown once to the creator.
    pub ingest_token_hash: String,
}

/// The device an ingest token resolved to, with what the rules need to know about it.
#[derive(Debug, Clone)]
pub struct IngestDevice {
    pub id: String,
    pub unit_id: String,
    pub key_area_id: Option<String>,
    pub name: String,
    pub format: DeviceFormat,
    pub armed_schedule: Option<ArmedSchedule>,
    /// Division code of the device's unit (for bus subjects by jurisdiction).
    pub division_code: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct User {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub org_id: Option<String>,
    pub unit_id: Option<String>,
    /// Division code of the user's organisation (police) or unit.
    pub division_code: Option<String>,
    pub org_name: Option<String>,
    pub unit_name: Option<String>,
}

/// An account to create. `password_hash` is an Argon2id PHC string.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: Role,
    /// Police organisation or competent department (police and department roles).
    pub org_id: Option<String>,
    /// The unit (unit manager and guard roles).
    pub unit_id: Option<String>,
}

/// Scheduled work to do at `due_at` (a deadline, a reminder, an escalation step).
#[derive(Debug, Clone)]
pub struct NewJob {
    /// What to do, e.g. `rectification_deadline`.
    pub kind: String,
    /// What it is about (a hazard id, an alert id).
    pub subject_id: String,
    pub due_at: DateTime<Utc>,
    pub payload: serde_json::Value,
}

/// A claimed job.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: String,
    pub kind: String,
    pub subject_id: String,
    pub due_at: DateTime<Utc>,
    pub payload: serde_json::Value,
    /// How many times it was claimed (more than 1 after a node died holding it).
    pub attempts: i64,
}

/// Pagination: 1-based page, size capped at 200.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub page: u32,
    pub per_page: u32,
}

impl Page {
    pub fn new(page: Option<u32>, per_page: Option<u32>) -> Page {
        Page {
            page: page.unwrap_or(1).max(1),
            per_page: per_page.unwrap_or(50).clamp(1, 200),
        }
    }
    pub fn offset(&self) -> i64 {
        (self.page as i64 - 1) * self.per_page as i64
    }
}

/// Lists count their rows exactly up to this many; beyond it `total` is this number and
/// `total_capped` is true (counting a province's millions of rows on every page is not worth it).
pub const COUNT_CAP: i64 = 10_000;

/// One page of a list, with the total count inside the caller's scope.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Listing<T> {
    pub items: Vec<T>,
    /// Rows matching, counted up to [`COUNT_CAP`].
    pub total: i64,
    /// True when there are more than [`COUNT_CAP`] rows (`total` is then the cap).
    pub total_capped: bool,
    pub page: u32,
    pub per_page: u32,
}

#[derive(Debug, Clone, Default)]
pub struct UnitFilter {
    /// Substring of the name or exact USCC.
    pub q: Option<String>,
    pub division_prefix: Option<String>,
    pub is_key_unit: Option<bool>,
    pub kind: Option<UnitKind>,
}

#[derive(Debug, Clone, Default)]
pub struct DeviceFilter {
    pub unit_id: Option<String>,
    pub online: Option<bool>,
}

#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    pub unit_id: Option<String>,
    pub device_id: Option<String>,
    pub kind: Option<EventKind>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Default)]
pub struct AlertFilter {
    pub unit_id: Option<String>,
    pub device_id: Option<String>,
    pub status: Option<AlertStatus>,
    pub severity: Option<Severity>,
}

/// Outcome of recording one decoded event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub event_id: String,
    /// False when the post updated an ongoing occurrence instead of starting one.
    pub new_occurrence: bool,
    /// True when a re-delivered bus message finds its rules already evaluated.
    pub evaluated: bool,
}

/// An alert to raise or to fold into the unresolved alert with the same fingerprint.
#[derive(Debug, Clone)]
pub struct AlertDraft {
    pub unit_id: String,
    pub device_id: Option<String>,
    pub rule: String,
    pub alert_type: String,
    pub title: String,
    pub severity: Severity,
    pub fingerprint: String,
    pub event_id: String,
    pub at: DateTime<Utc>,
    /// When a new alert is opened: the first escalation job to schedule in the same
    /// transaction (`alert.escalate` at this time, level 1), so it cannot be lost.
    pub escalate_at: Option<DateTime<Utc>>,
}

/// Whether a draft opened a new alert or was folded into an existing one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raised {
    pub alert_id: String,
    pub created: bool,
}

/// Numbers for the dashboard, per city, inside the caller's scope.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CityStats {
    pub city_code: String,
    pub city_name: String,
    pub units: i64,
    pub key_units: i64,
    pub open_alerts: i64,
    pub devices: i64,
    pub offline_devices: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Dashboard {
    pub units: i64,
    pub key_units: i64,
    pub open_alerts: i64,
    pub devices: i64,
    pub offline_devices: i64,
    pub by_city: Vec<CityStats>,
}

/// Settings of one built-in rule for one unit.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RuleSetting {
    pub rule: String,
    pub enabled: bool,
    pub params: serde_json::Value,
}

/// A live browser session as the authentication layer sees it.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub user: User,
    pub csrf_token: String,
    /// The session still owes its second factor (or must enrol one): only TOTP routes answer.
    pub mfa_pending: bool,
}

/// What an API token may do: `read` allows safe methods only; `write` everything the role may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TokenScope {
    Read,
    Write,
}

impl TokenScope {
    pub fn code(self) -> &'static str {
        match self {
            TokenScope::Read => "read",
            TokenScope::Write => "write",
        }
    }
    pub fn from_code(s: &str) -> Option<TokenScope> {
        match s {
            "read" => Some(TokenScope::Read),
            "write" => Some(TokenScope::Write),
            _ => None,
        }
    }
}

/// An API token as listed (never the token itself, which is shown once at creation).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ApiTokenInfo {
    pub id: String,
    pub user_id: String,
    pub username: String,
    pub name: String,
    pub scope: TokenScope,
    /// Milliseconds since the Unix epoch (UTC), as every time in this struct.
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub last_used_at: Option<i64>,
}

/// The second-factor state of a user. `secret` is the base32 TOTP secret (decrypted).
#[derive(Debug, Clone)]
pub struct TotpState {
    pub secret: Option<String>,
    pub enabled: bool,
    pub last_step: i64,
}

/// A responsible person found by the blind index of the ID number (fields masked).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PersonMatch {
    pub person_id: String,
    pub unit_id: String,
    pub unit_name: String,
    pub role: PersonRole,
    pub name: String,
    /// Masked.
    #[schema(value_type = Option<String>)]
    pub citizen_id: Option<Sensitive>,
}

/// A responsible person with the plaintext of the sensitive fields (purpose-logged reads only).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RevealedPerson {
    pub person_id: String,
    pub unit_id: String,
    pub name: String,
    pub citizen_id: Option<String>,
    pub phone: Option<String>,
}

/// Filter of the audit log listing.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Action code prefix, e.g. `person.` or `PUT `.
    pub action: Option<String>,
    pub actor: Option<String>,
    pub object_id: Option<String>,
}

/// What `neibao keys rotate` re-encrypted, per table column.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReencryptReport {
    pub key_id: String,
    pub persons: u64,
    pub events: u64,
    pub images: u64,
    pub totp_secrets: u64,
    /// Values still under an older key after the run (0 when the old keys may be retired).
    pub remaining: u64,
}
