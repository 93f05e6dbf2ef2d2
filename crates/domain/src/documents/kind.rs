//! Official documents (文书): kinds and their numbering.
//!
//! A document number is per issuing organisation, kind and year, in the usual form
//! `{prefix}({department}){kind char}字〔{year}〕第{serial:04}号`, e.g.
//! `西公(内保)限字〔2026〕第0001号`. The prefix (e.g. 西公) and department (内保) are bureau
//! settings ([`SupervisionSettings`]); the serial comes from a counter row claimed in the same
//! transaction as the document, so numbers are gapless and unique.

use serde::{Deserialize, Serialize};

use crate::supervision::ladder::Rung;

/// Kinds of official document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// 限期整改通知书 (Decree 421 Art 16(2), Art 19).
    RectificationOrder,
    /// 通报 (S10 Art 28).
    CircularNotice,
    /// 约谈通知书 (S10 Art 28).
    InterviewNotice,
    /// 挂牌督办通知书 (S10 Arts 28–29).
    ListedSupervisionNotice,
    /// 问题抄告函 to the competent department.
    ReferralLetter,
    /// 行政处罚决定书 (Decree 421 Art 19).
    PenaltyDecision,
    /// 检查笔录 (R22).
    InspectionRecord,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 7] = [
        DocumentKind::RectificationOrder,
        DocumentKind::CircularNotice,
        DocumentKind::InterviewNotice,
        DocumentKind::ListedSupervisionNotice,
        DocumentKind::ReferralLetter,
        DocumentKind::PenaltyDecision,
        DocumentKind::InspectionRecord,
    ];
    pub fn code(self) -> &'static str {
        match self {
            DocumentKind::RectificationOrder => "rectification_order",
            DocumentKind::CircularNotice => "circular_notice",
            DocumentKind::InterviewNotice => "interview_notice",
            DocumentKind::ListedSupervisionNotice => "listed_supervision_notice",
            DocumentKind::ReferralLetter => "referral_letter",
            DocumentKind::PenaltyDecision => "penalty_decision",
            DocumentKind::InspectionRecord => "inspection_record",
        }
    }
    pub fn from_code(s: &str) -> Option<DocumentKind> {
        DocumentKind::ALL.into_iter().find(|k| k.code() == s)
    }
    /// The title printed on the document.
    pub fn title_zh(self) -> &'static str {
        match self {
            DocumentKind::RectificationOrder => "限期整改通知书",
            DocumentKind::CircularNotice => "通报",
            DocumentKind::InterviewNotice => "约谈通知书",
            DocumentKind::ListedSupervisionNotice => "挂牌督办通知书",
            DocumentKind::ReferralLetter => "问题抄告函",
            DocumentKind::PenaltyDecision => "行政处罚决定书",
            DocumentKind::InspectionRecord => "检查笔录",
        }
    }
    /// The kind character of the number (限字, 谈字 …).
    pub fn number_char(self) -> &'static str {
        match self {
            DocumentKind::RectificationOrder => "限",
            DocumentKind::CircularNotice => "通",
            DocumentKind::InterviewNotice => "谈",
            DocumentKind::ListedSupervisionNotice => "督",
            DocumentKind::ReferralLetter => "抄",
            DocumentKind::PenaltyDecision => "罚决",
            DocumentKind::InspectionRecord => "检",
        }
    }
    /// The document a ladder rung produces.
    pub fn for_rung(rung: Rung) -> DocumentKind {
        match rung {
            Rung::Circular => DocumentKind::CircularNotice,
            Rung::Interview => DocumentKind::InterviewNotice,
            Rung::ListedSupervision => DocumentKind::ListedSupervisionNotice,
            Rung::Referral => DocumentKind::ReferralLetter,
        }
    }
}

/// Formats a document number: `西公(内保)限字〔2026〕第0001号`.
pub fn format_number(prefix: &str, department: &str, kind: DocumentKind, year: i32, serial: i64) -> String {
    let dept = if department.is_empty() {
        String::new()
    } else {
        format!("({department})")
    };
    format!("{prefix}{dept}{}字〔{year}〕第{serial:04}号", kind.number_char())
}

/// The short prefix of an issuing organisation's numbers when none is configured: the first
/// character of the district (or city) in its name followed by 公, e.g. 杭州市公安局西湖区分局 →
/// 西公, 杭州市公安局 → 杭公, 西湖派出所 → 西公.
pub fn default_prefix(org_name: &str) -> String {
    let tail = match org_name.rfind("公安局") {
        Some(i) if i + "公安局".len() < org_name.len() => &org_name[i + "公安局".len()..],
        _ => org_name,
    };
    let first = tail.chars().find(|c| !c.is_whitespace()).unwrap_or('公');
    format!("{first}公")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_the_usual_form() {
        assert_eq!(
            format_number("西公", "内保", DocumentKind::RectificationOrder, 2026, 1),
            "西公(内保)限字〔2026〕第0001号"
        );
        assert_eq!(default_prefix("杭州市公安局西湖区分局"), "西公");
        assert_eq!(default_prefix("杭州市公安局"), "杭公");
        assert_eq!(default_prefix(""), "公公");
    }
}
