//! Delivery of documents to the people who must act on them, with read receipts (签收): a
//! document issued to a unit (限期整改通知书, 通报, 约谈通知书, 挂牌督办通知书, 处罚决定书, 检查笔录)
//! is addressed to the unit, a 问题抄告函 to the unit's competent department (docs/REQUIREMENTS.md
//! R20 ¶2, R23, R25, R29; docs/SUPERVISION.md "Delivery and receipts"). The first time someone of the addressee
//! opens or signs for it, the receipt is kept: who and when, which the issuing police see.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::kind::DocumentKind;
use crate::access::Scope;

/// The receipt of a document: the first reading by its addressee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DocumentReceipt {
    /// When it was first opened or signed for.
    pub read_at: DateTime<Utc>,
    /// Who (display name, as the audit log names them).
    pub read_by: String,
}

/// Longest text of a [`DepartmentAction`] (characters).
pub const ACTION_TEXT_MAX: usize = 1000;

/// What the competent department did about a 问题抄告函 (R29; 浙政办发〔2019〕24号 "问题抄告"): the
/// department signs for the letter and then records its action (e.g. 已约谈企业负责人，责令一周内
/// 整改), once or several times as the matter goes on; the issuing police see each record on the
/// hazard and the document. Personal data in the text is masked as every free text is
/// (`document_actions.text` in `crate::privacy::FREE_TEXT_FIELDS`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DepartmentAction {
    pub id: String,
    pub document_id: String,
    /// What was done (at most [`ACTION_TEXT_MAX`] characters; personal data masked).
    pub text: String,
    pub recorded_at: DateTime<Utc>,
    /// Who recorded it (display name).
    pub recorded_by: String,
}

/// Checks the text of a department's action record: trimmed, not empty, at most
/// [`ACTION_TEXT_MAX`] characters. Errors: the zh-CN reason.
pub fn check_action_text(text: &str) -> Result<String, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("请填写处理情况".into());
    }
    if t.chars().count() > ACTION_TEXT_MAX {
        return Err(format!("处理情况不超过 {ACTION_TEXT_MAX} 字"));
    }
    Ok(t.to_string())
}

/// Whether the addressee of a document of `kind` records what it did about it: the competent
/// department, for a 问题抄告函 (a unit answers its documents by rectifying the hazard).
pub fn records_actions(kind: DocumentKind) -> bool {
    Addressee::of(kind) == Addressee::Department
}

/// Who a document of `kind` is addressed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Addressee {
    /// The unit itself (its security manager and the unit's other accounts).
    Unit,
    /// The unit's competent department (行业主管部门).
    Department,
}

impl Addressee {
    /// The addressee of a document kind: 问题抄告函 go to the competent department, every other
    /// kind to the unit.
    pub fn of(kind: DocumentKind) -> Addressee {
        match kind {
            DocumentKind::ReferralLetter => Addressee::Department,
            _ => Addressee::Unit,
        }
    }

    /// What people read.
    pub fn label_zh(self) -> &'static str {
        match self {
            Addressee::Unit => "被检查单位",
            Addressee::Department => "行业主管部门",
        }
    }
}

/// Whether a user with `scope` receives a document of `kind` issued to unit `unit_id`, given the
/// unit's competent department: the unit's own accounts for a unit document, the department's
/// accounts for a 问题抄告函. Police see documents but do not sign for them.
pub fn receives(scope: &Scope, kind: DocumentKind, unit_id: &str, department_id: Option<&str>) -> bool {
    match (Addressee::of(kind), scope) {
        (Addressee::Unit, Scope::Unit { unit_id: mine }) => mine == unit_id,
        (Addressee::Department, Scope::Department { org_id }) => Some(org_id.as_str()) == department_id,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_referral_letter_goes_to_the_department_everything_else_to_the_unit() {
        let unit = Scope::Unit { unit_id: "u1".into() };
        let dept = Scope::Department { org_id: "d1".into() };
        assert!(receives(&unit, DocumentKind::RectificationOrder, "u1", Some("d1")));
        assert!(!receives(&unit, DocumentKind::RectificationOrder, "u2", Some("d1")));
        assert!(!receives(&unit, DocumentKind::ReferralLetter, "u1", Some("d1")));
        assert!(receives(&dept, DocumentKind::ReferralLetter, "u1", Some("d1")));
        assert!(!receives(&dept, DocumentKind::ReferralLetter, "u1", Some("d2")));
        assert!(!receives(&Scope::All, DocumentKind::RectificationOrder, "u1", None));
    }
}
