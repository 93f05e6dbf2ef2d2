//! Police organisations, competent departments and administrative divisions (GB/T 2260).

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
