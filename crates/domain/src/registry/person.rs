//! Responsible persons of a unit (Decree 421 Art 5) and the purpose-logged reads of their
//! sensitive fields.

use serde::{Deserialize, Serialize};

use crate::sensitive::Sensitive;
use crate::validate::{CitizenId, PhoneNumber};

/// Role of a responsible person (Decree 421 Art 5; docs/REQUIREMENTS.md R4).
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
    pub const ALL: [PersonRole; 3] = [PersonRole::Principal, PersonRole::Deputy, PersonRole::SecurityHead];

    pub fn code(self) -> &'static str {
        match self {
            PersonRole::Principal => "principal",
            PersonRole::Deputy => "deputy",
            PersonRole::SecurityHead => "security_head",
        }
    }
    pub fn from_code(s: &str) -> Option<PersonRole> {
        PersonRole::ALL.into_iter().find(|r| r.code() == s)
    }
    /// The role of a code or of its Chinese name (主要负责人, 分管负责人, 保卫负责人; also
    /// 法定代表人 for the principal, as unit registers often call them).
    pub fn parse(s: &str) -> Option<PersonRole> {
        let s = s.trim();
        if s == "法定代表人" {
            return Some(PersonRole::Principal);
        }
        PersonRole::ALL.into_iter().find(|r| r.code() == s || r.label_zh() == s)
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
    /// Optimistic version: 1 when added, +1 with each edit; an edit or removal carries it
    /// (docs/REGISTRY.md).
    pub version: i64,
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
