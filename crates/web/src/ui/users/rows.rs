//! What the account pages show: role and organisation options, an account as a row, the form
//! of an account as typed.

use serde::Deserialize;

/// The form of an account (opening one, or editing it), as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct AccountForm {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub org_id: String,
    pub unit_id: String,
    pub external_subject: String,
}

/// The role options (code, zh-CN label) an administrator can give with the organisations
/// `orgs` they may pick: a police or department role only where such an organisation exists (a
/// city's installation offers no 省厅 role), the administrator and unit roles always, and `keep`
/// (an account's present role) in any case.
pub fn role_options(
    orgs: &[neibao_domain::registry::Organisation],
    keep: Option<&str>,
) -> Vec<(&'static str, &'static str)> {
    neibao_domain::access::Role::ALL
        .iter()
        .filter(|r| match neibao_domain::users::org_kind_of(**r) {
            Some(kind) => orgs.iter().any(|o| o.kind == kind) || keep == Some(r.code()),
            None => true,
        })
        .map(|r| (r.code(), r.label_zh()))
        .collect()
}

/// An organisation option: id, `name（kind）`.
pub fn org_options(orgs: &[neibao_domain::registry::Organisation]) -> Vec<(String, String)> {
    orgs.iter()
        .map(|o| {
            let kind = neibao_domain::registry::org_kind_label_zh(&o.kind);
            (o.id.clone(), format!("{}（{kind}）", o.name))
        })
        .collect()
}

/// One account as a row: what the list and the account page show.
pub struct AccountRow {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub role_code: String,
    pub place: String,
    pub org_id: String,
    pub unit_id: String,
    pub external_subject: String,
    pub disabled: bool,
    pub totp: bool,
    pub created_at: String,
}

impl AccountRow {
    pub fn new(a: &neibao_domain::users::UserAccount) -> AccountRow {
        let u = &a.user;
        AccountRow {
            id: u.id.clone(),
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role.label_zh().to_string(),
            role_code: u.role.code().to_string(),
            place: u
                .org_name
                .clone()
                .or_else(|| u.unit_name.clone())
                .unwrap_or_else(|| "（全局）".to_string()),
            org_id: u.org_id.clone().unwrap_or_default(),
            unit_id: u.unit_id.clone().unwrap_or_default(),
            external_subject: a.external_subject.clone().unwrap_or_default(),
            disabled: a.disabled,
            totp: a.totp_enabled,
            created_at: crate::ui::views::fmt_time(a.created_at),
        }
    }
}
