//! First-run setup (初始设置) of an installation without `--demo` (docs/SETUP.md): which
//! province, city or county this installation serves, its top police organisation, and the first
//! administrator's own account, which replaces the bootstrap `admin` (docs/REQUIREMENTS.md R2, R27,
//! R82: supervision by jurisdiction along the police organisation tree).

use serde::{Deserialize, Serialize};

/// Meta key holding the completed setup (JSON: when, division, organisation, administrator).
pub const SETUP_META_KEY: &str = "setup_completed";

/// What the setup form sends.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetupInput {
    /// The division this installation serves: a province, city or county code in force (6 digits).
    pub division_code: String,
    /// Name of the top police organisation, e.g. 杭州市公安局 (at most 64 characters).
    pub org_name: String,
    /// The first administrator's user name.
    pub username: String,
    /// Their name as people read it.
    pub display_name: String,
    /// Their own password (the password policy applies).
    pub password: String,
}

/// Whether the installation still needs its first-run setup.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SetupStatus {
    /// True while no setup was completed, no demo was loaded and no organisation exists.
    pub needed: bool,
    /// When the setup was completed (RFC 3339), if it was.
    pub completed_at: Option<String>,
    /// The division the installation serves, once set up.
    pub division_code: Option<String>,
    /// The top organisation's id, once set up.
    pub org_id: Option<String>,
}

/// The police organisation kind at the top of an installation serving a division of `level`
/// (`province` → 公安厅, `city` → 市公安局, `county` → 县级公安局或分局); `None` for a township,
/// which a police station serves under its county bureau.
pub fn top_org_kind(level: &str) -> Option<&'static str> {
    match level {
        "province" => Some("police_province"),
        "city" => Some("police_city"),
        "county" => Some("police_county"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_township_is_not_an_installation() {
        assert_eq!(top_org_kind("city"), Some("police_city"));
        assert_eq!(top_org_kind("township"), None);
    }
}
