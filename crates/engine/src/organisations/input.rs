//! What the organisation operations take and give: the bodies of the API and the forms, and a
//! node of the visible tree.

use neibao_domain::organisations::OrgDetail;
use serde::{Deserialize, Serialize};

/// An organisation to create (docs/ORGANISATIONS.md "Rules").
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewOrganisation {
    /// 1–50 characters.
    #[schema(min_length = 1, max_length = 50)]
    pub name: String,
    /// `police_province`, `police_city`, `police_county`, `police_station` or `department`; must
    /// fit the parent's kind.
    pub kind: String,
    /// GB/T 2260 code (6 or 9 digits) within the parent's division.
    #[schema(min_length = 6, max_length = 9, pattern = "^[0-9]{6}([0-9]{3})?$")]
    pub division_code: String,
    /// The parent organisation; none only for a provincial police department (a root).
    #[serde(default)]
    pub parent_id: Option<String>,
    /// A competent department's sector (教育, 卫生 …), at most 50 characters.
    #[serde(default)]
    #[schema(max_length = 50)]
    pub sector: Option<String>,
}

/// A new name and sector, with the version the user saw.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct OrgEdit {
    /// The `version` the user saw; a stale one is refused with 409 `version_conflict`.
    #[schema(minimum = 1)]
    pub version: i64,
    /// The new name (unchanged when absent), 1–50 characters.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 50)]
    pub name: Option<String>,
    /// The new sector (unchanged when absent; an empty one clears it), at most 50 characters.
    #[serde(default)]
    #[schema(max_length = 50)]
    pub sector: Option<String>,
}

/// A move under another parent, with the version the user saw.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct OrgMove {
    #[schema(minimum = 1)]
    pub version: i64,
    /// The new parent: open, inside the caller's jurisdiction, of a fitting kind, not the
    /// organisation itself nor below it.
    pub parent_id: String,
}

/// A merge into another organisation of the same kind, with the version the user saw (of the
/// organisation merged away).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct OrgMerge {
    #[schema(minimum = 1)]
    pub version: i64,
    /// The organisation that takes over units, accounts and child organisations.
    pub target_id: String,
}

/// A closing, with the version the user saw.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct OrgClose {
    #[schema(minimum = 1)]
    pub version: i64,
}

/// One node of the caller's visible tree, in depth-first order: its depth below the visible
/// roots (0 for a root).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TreeNode {
    #[serde(flatten)]
    pub node: OrgDetail,
    pub depth: u32,
}
