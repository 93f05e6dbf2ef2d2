//! What the organisation pages show: a node as a row, the options of the selects, the forms as
//! typed.

use neibao_domain::organisations::{org_status_label_zh, sector_label_zh, OrgDetail};
use neibao_domain::registry::{org_kind_label_zh, ORG_KINDS};
use serde::Deserialize;

/// The form creating an organisation, as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct CreateForm {
    pub parent_id: String,
    pub kind: String,
    pub division_code: String,
    pub name: String,
    pub sector: String,
}

/// The edit, move, merge and close forms, as typed (each uses its own fields and the version
/// the page showed).
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct NodeForm {
    pub version: String,
    pub name: String,
    pub sector: String,
    pub parent_id: String,
    pub target_id: String,
    /// The confirmation box of merging and closing (`1` when ticked).
    pub confirm: String,
}

/// One organisation as a row of the tree or the head of its page.
pub struct NodeRow {
    pub id: String,
    pub name: String,
    pub kind_label: &'static str,
    pub division_code: String,
    pub sector: String,
    pub parent_id: String,
    pub status: &'static str,
    pub closed: bool,
    pub version: i64,
    pub units: i64,
    pub users: i64,
    pub children: i64,
    pub merged_into: String,
}

impl NodeRow {
    pub fn new(o: &OrgDetail) -> NodeRow {
        NodeRow {
            id: o.org.id.clone(),
            name: o.org.name.clone(),
            kind_label: org_kind_label_zh(&o.org.kind),
            division_code: o.org.division_code.clone(),
            sector: o.org.sector.as_deref().map(sector_label_zh).unwrap_or_default(),
            parent_id: o.org.parent_id.clone().unwrap_or_default(),
            status: org_status_label_zh(&o.status),
            closed: o.status == "closed",
            version: o.version,
            units: o.units,
            users: o.users,
            children: o.children,
            merged_into: o.merged_into.clone().unwrap_or_default(),
        }
    }
}

/// A row of the tree with what closes and opens the nested lists before it.
pub struct TreeRow {
    pub node: NodeRow,
    /// One level deeper than the row before: a list opens.
    pub down: bool,
    /// How many levels shallower than the row before.
    pub ups: usize,
}

/// The kind options: code, zh-CN label.
pub fn kind_options() -> Vec<(&'static str, &'static str)> {
    ORG_KINDS.iter().map(|k| (*k, org_kind_label_zh(k))).collect()
}

/// Organisation options: id, `name（kind，division）`, open ones only.
pub fn org_options(orgs: &[OrgDetail]) -> Vec<(String, String)> {
    orgs.iter()
        .filter(|o| o.status == "open")
        .map(|o| {
            (
                o.org.id.clone(),
                format!(
                    "{}（{}，{}）",
                    o.org.name,
                    org_kind_label_zh(&o.org.kind),
                    o.org.division_code
                ),
            )
        })
        .collect()
}
