//! What every official document must state before it can be issued: one table of required
//! fields per kind, checked on the composed content by [`check_complete`], which
//! [`super::Issuer::draft`] calls — a document that fails it is never numbered or stored.
//!
//! The sources of each row:
//! - 限期整改通知书: Decree 421 Art 16(2) (整改通知书, 责令限期整改) and Art 19 (限期, 警告) —
//!   the hazard and the deadline.
//! - 通报 / 约谈通知书 / 挂牌督办通知书: 浙江省社会治安综合治理条例 Art 28 (通报、约谈、挂牌督办,
//!   责令限期整改) — the problem and the deadline; the 约谈通知书 also tells the unit's principal
//!   when and where to attend (约谈时间, 约谈地点: the notice asks them to come "按通知时间、地点").
//! - 问题抄告函: the unit concerned and the deadline it was given (浙政办发〔2019〕24号).
//! - 行政处罚决定书: Decree 421 Art 19 (the amounts and the consequence that permits a fine) and
//!   行政处罚法 Art 59 (the facts, the kind of penalty and its basis).
//! - 检查笔录 (docs/REQUIREMENTS.md R22, S26): time, place, who inspected (unit and officers) and
//!   whom; for a police or department inspection also the unit's accompanying person and a
//!   witness, or the stated reason why there is none (见证人空缺原因, see `inspection_record`).

use super::kind::DocumentKind;
use super::records::DocumentContent;
use crate::error::{DomainError, ErrorCode};

/// A required field: its label on the document and what to tell the person when it is missing.
pub struct RequiredField {
    pub label: &'static str,
    /// Appended to the refusal, e.g. how to fill it in; may be empty.
    pub hint: &'static str,
}

const fn req(label: &'static str, hint: &'static str) -> RequiredField {
    RequiredField { label, hint }
}

/// The fields a document of `kind` must carry, each with a value (not blank, not "—").
pub fn required_fields(kind: DocumentKind) -> &'static [RequiredField] {
    const ORDER: &[RequiredField] = &[req("隐患名称", ""), req("整改期限", "")];
    const RUNG: &[RequiredField] = &[req("隐患名称", ""), req("整改期限", "请填写新的整改期限")];
    const INTERVIEW: &[RequiredField] = &[
        req("隐患名称", ""),
        req("整改期限", "请填写新的整改期限"),
        req("约谈时间", "请填写约谈的日期和时间"),
        req("约谈地点", "请填写约谈地点"),
    ];
    const REFERRAL: &[RequiredField] = &[req("被检查单位", ""), req("整改期限", "")];
    const PENALTY: &[RequiredField] = &[
        req("隐患名称", ""),
        req("单位罚款", "请填写单位罚款金额"),
        req("后果认定", "请选择后果认定"),
    ];
    const RECORD: &[RequiredField] = &[
        req("检查时间", ""),
        req("检查地点", "请填写检查地点"),
        req("检查单位", ""),
        req("检查人员", "请填写检查人员姓名，多人用逗号分隔"),
        req("被检查单位", ""),
        req("陪同人员", "请填写被检查单位陪同检查的人员姓名"),
        req(
            "见证人",
            "请填写见证人姓名；确无见证人的，须填写见证人空缺原因，如被检查单位陪同人员拒绝签名且现场无他人",
        ),
    ];
    match kind {
        DocumentKind::RectificationOrder => ORDER,
        DocumentKind::CircularNotice | DocumentKind::ListedSupervisionNotice => RUNG,
        DocumentKind::InterviewNotice => INTERVIEW,
        DocumentKind::ReferralLetter => REFERRAL,
        DocumentKind::PenaltyDecision => PENALTY,
        DocumentKind::InspectionRecord => RECORD,
    }
}

/// Whether a field value counts as filled in: not blank and not the dash a blank prints as.
fn filled(v: &str) -> bool {
    let t = v.trim();
    !t.is_empty() && t != "—"
}

/// Refuses a composed document that lacks a required field (the first one, in the order of
/// [`required_fields`]) with `document_incomplete` (400) and a message naming it, e.g.
/// "检查笔录缺少必备事项：见证人（…）"; also refuses a document without addressee-side basics
/// (issuer, title).
pub fn check_complete(kind: DocumentKind, content: &DocumentContent) -> Result<(), DomainError> {
    let title = kind.title_zh();
    if !filled(&content.issuer) {
        return Err(incomplete(title, "出具单位", ""));
    }
    for f in required_fields(kind) {
        let value = content
            .fields
            .iter()
            .find(|(label, _)| label == f.label)
            .map(|(_, v)| v.as_str())
            .unwrap_or("");
        if !filled(value) {
            return Err(incomplete(title, f.label, f.hint));
        }
    }
    Ok(())
}

fn incomplete(title: &str, label: &str, hint: &str) -> DomainError {
    let hint = if hint.is_empty() {
        String::new()
    } else {
        format!("（{hint}）")
    };
    DomainError::with_message(
        ErrorCode::DocumentIncomplete,
        format!("{title}缺少必备事项：{label}{hint}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(fields: &[(&str, &str)]) -> DocumentContent {
        DocumentContent {
            issuer: "杭州市公安局西湖区分局".into(),
            title: "约谈通知书".into(),
            fields: fields.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn a_missing_or_dashed_field_is_named() {
        let c = content(&[
            ("隐患名称", "门禁损坏"),
            ("整改期限", "2026年12月31日"),
            ("约谈时间", "—"),
        ]);
        let e = check_complete(DocumentKind::InterviewNotice, &c).unwrap_err();
        assert_eq!(e.code, ErrorCode::DocumentIncomplete);
        assert!(
            e.message.starts_with("约谈通知书缺少必备事项：约谈时间"),
            "{}",
            e.message
        );
        let c = content(&[
            ("隐患名称", "门禁损坏"),
            ("整改期限", "2026年12月31日"),
            ("约谈时间", "2026年12月10日 09时30分"),
            ("约谈地点", "西湖区分局三楼会议室"),
        ]);
        check_complete(DocumentKind::InterviewNotice, &c).unwrap();
    }

    #[test]
    fn every_kind_has_required_fields() {
        for k in DocumentKind::ALL {
            assert!(!required_fields(k).is_empty(), "{k:?}");
        }
    }
}
