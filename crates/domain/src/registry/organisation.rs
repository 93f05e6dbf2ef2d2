//! Police organisations, competent departments and administrative divisions (GB/T 2260).

use serde::{Deserialize, Serialize};

/// Organisation kinds: police levels and competent departments.
pub const ORG_KINDS: [&str; 6] = [
    "police_province",
    "police_city",
    "police_county",
    "police_station",
    "department",
    // A third-party assessment organisation (docs/ASSESSMENT.md "Third-party assessors"): its
    // accounts see only the units assigned to it in assessment campaigns.
    "assessor_org",
];

/// What a person reads for an organisation kind (one of [`ORG_KINDS`]); an unknown kind reads as
/// a competent department.
pub fn org_kind_label_zh(kind: &str) -> &'static str {
    match kind {
        "police_province" => "省级公安机关（省厅）",
        "police_city" => "市级公安局",
        "police_county" => "县级公安局或分局",
        "police_station" => "派出所",
        "assessor_org" => "第三方评估机构",
        _ => "行业主管部门",
    }
}

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
    /// GB/T 2260 code: 6 digits, 9 for townships and streets.
    pub code: String,
    pub name: String,
    /// One of `province`, `city`, `county`, `township`.
    pub level: String,
    pub parent_code: Option<String>,
    /// The day (`YYYY-MM-DD`) from which the code is no longer in force (a later table version
    /// retired or merged it, see `registry::division`); absent while it is in force.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<String>,
}
