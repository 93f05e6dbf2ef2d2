//! What a caller sends to register or change registry entries (the JSON bodies of the API and
//! what the UI forms are turned into), before validation. The schemas carry the constraints JSON
//! Schema can express; the rest (check digits, the division and the police station existing and
//! covering the unit) is checked by the service.

use neibao_domain::registry::{ArmedSchedule, PersonRole, UnitKind};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct PersonInput {
    /// `principal` (主要负责人), `deputy` (分管负责人) or `security_head` (保卫负责人).
    pub role: PersonRole,
    #[schema(
        min_length = 1,
        max_length = 50,
        pattern = r"^[^\x00-\x1F\x7F-\x9F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u061C]*[^\s\x00-\x1F\x7F-\x9F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u061C][^\x00-\x1F\x7F-\x9F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u061C]*$"
    )]
    pub name: String,
    /// GB 11643 citizen identity number; stored encrypted, returned masked. Empty: none.
    #[schema(pattern = r"^(\s*|\s*\d{17}[\dXx]\s*)$")]
    pub citizen_id: Option<String>,
    /// Mobile or landline; stored encrypted, returned masked. Empty: none.
    #[schema(max_length = 40)]
    pub phone: Option<String>,
}

/// A unit to register or the new state of a registered one (docs/REQUIREMENTS.md R1, R4, R15).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct UnitInput {
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\x00-\x1F\x7F-\x9F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u061C]*[^\s\x00-\x1F\x7F-\x9F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u061C][^\x00-\x1F\x7F-\x9F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u061C]*$"
    )]
    pub name: String,
    pub kind: UnitKind,
    #[serde(default)]
    pub is_university: bool,
    #[serde(default)]
    pub is_private_enterprise: bool,
    /// GB 32100 unified social credit code (its check character is verified too).
    #[schema(pattern = r"^\s*[0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{2}\d{6}[0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{10}\s*$")]
    pub uscc: String,
    #[serde(default)]
    #[schema(
        max_length = 200,
        pattern = r"^[^\x00-\x1F\x7F-\x9F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u061C]*$"
    )]
    pub address: String,
    /// GB/T 2260 division code (6 digits) or township code (9 digits).
    #[schema(pattern = r"^\s*\d{6}(\d{3})?\s*$")]
    pub division_code: String,
    /// The police station supervising the unit (of the unit's county).
    pub police_station_id: Option<String>,
    /// The competent department (行业主管部门) covering the unit's division.
    pub competent_department_id: Option<String>,
    #[serde(default)]
    pub is_key_unit: bool,
    /// Decree 421 Art 13 category 1–11; required when `is_key_unit`, absent otherwise.
    #[schema(minimum = 1, maximum = 11)]
    pub key_unit_category: Option<u8>,
    #[serde(default)]
    pub is_counter_terror_target: bool,
    pub armed_schedule: Option<ArmedSchedule>,
    /// The unit's responsible persons (at most 10). Registering: absent or null, none. Updating
    /// (`PUT /api/v1/units/{id}`): absent or null, kept as they are (each is edited under
    /// `/api/v1/units/{id}/persons`); a list replaces the whole list.
    #[serde(default)]
    #[schema(max_items = 10)]
    pub responsible_persons: Option<Vec<PersonInput>>,
}

/// A key area (重要部位) to add to a unit.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct KeyAreaInput {
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\x00-\x1F\x7F-\x9F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u061C]*[^\s\x00-\x1F\x7F-\x9F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u061C][^\x00-\x1F\x7F-\x9F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u061C]*$"
    )]
    pub name: String,
    #[serde(default)]
    #[schema(
        max_length = 500,
        pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u061C]*$"
    )]
    pub description: String,
}

/// A unit's setting of one built-in rule.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct RuleInput {
    pub enabled: bool,
    /// Rule parameters, e.g. `{"threshold": 5, "window_seconds": 120, "severity": "high"}`;
    /// absent or `null`: the rule's defaults.
    #[serde(default)]
    #[schema(value_type = Option<RuleParams>)]
    pub params: serde_json::Value,
}

/// The parameters a built-in rule may take (each rule reads those it knows; `GET /api/v1/rules`
/// lists every rule's defaults). Only documents the shape of [`RuleInput::params`].
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct RuleParams {
    /// The severity of the alerts the rule raises.
    #[serde(default)]
    #[schema(value_type = neibao_domain::alerts::Severity)]
    pub severity: Option<neibao_domain::alerts::Severity>,
    /// How many occurrences within the window raise an alert.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 86400)]
    pub threshold: i64,
    /// The counting window in seconds.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 86400)]
    pub window_seconds: i64,
}

/// The new state of a registered unit with the version the caller saw (`PUT /api/v1/units/{id}`).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct UnitUpdate {
    /// The unit's `version` as read; a stale one is refused (409 `version_conflict`).
    #[schema(minimum = 1)]
    pub version: i64,
    #[serde(flatten)]
    pub unit: UnitInput,
}

/// Moves a unit to another police station and competent department (docs/REGISTRY.md).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct MoveUnitInput {
    /// The unit's `version` as read.
    #[schema(minimum = 1)]
    pub version: i64,
    /// The police station to supervise the unit from now on (of the unit's county); absent,
    /// null or empty: none.
    pub police_station_id: Option<String>,
    /// The competent department (行业主管部门) from now on; absent, null or empty: none.
    pub competent_department_id: Option<String>,
}

/// The version the caller saw, for a change of state (停用, 恢复在用, 注销).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct VersionInput {
    /// The object's `version` as read; a stale one is refused (409 `version_conflict`).
    #[schema(minimum = 1)]
    pub version: i64,
}

/// The new name and description of a key area (重要部位) with the version the caller saw.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct KeyAreaUpdate {
    /// The key area's `version` as read.
    #[schema(minimum = 1)]
    pub version: i64,
    #[serde(flatten)]
    pub area: KeyAreaInput,
}

/// A responsible person's new role, name, ID number and phone with the version the caller saw
/// (`PATCH /api/v1/units/{id}/persons/{person_id}`). `citizen_id` and `phone`: absent, null or
/// the masked value as shown (`330106********1234`, `138****5678`) keep what is stored; empty
/// clears it; anything else replaces it (validated as when adding).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct PersonUpdate {
    /// The person's `version` as read; a stale one is refused (409 `version_conflict`).
    #[schema(minimum = 1)]
    pub version: i64,
    /// `principal` (主要负责人), `deputy` (分管负责人) or `security_head` (保卫负责人).
    pub role: PersonRole,
    #[schema(
        min_length = 1,
        max_length = 50,
        pattern = r"^[^\x00-\x1F\x7F-\x9F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u061C]*[^\s\x00-\x1F\x7F-\x9F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u061C][^\x00-\x1F\x7F-\x9F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u061C]*$"
    )]
    pub name: String,
    /// GB 11643 citizen identity number, or the masked value as shown (kept).
    #[schema(pattern = r"^(\s*|\s*\d{17}[\dXx]\s*|\s*\d{6}\*+[\dXx]{4}\s*)$")]
    pub citizen_id: Option<String>,
    /// Mobile or landline, or the masked value as shown (kept).
    #[schema(max_length = 40)]
    pub phone: Option<String>,
}

impl PersonUpdate {
    /// The person's fields as when adding one.
    pub fn person(self) -> PersonInput {
        PersonInput {
            role: self.role,
            name: self.name,
            citizen_id: self.citizen_id,
            phone: self.phone,
        }
    }
}
