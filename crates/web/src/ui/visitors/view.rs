//! A visit as the pages show it (ID number and phone masked, times in Beijing time).

use neibao_domain::visitors::{LegalBasis, Visit, VisitStatus, NOTICE_GATE_CHECK, NOTICE_PREREGISTRATION};

use crate::ui::views::fmt_time;

pub struct VisitView {
    pub id: String,
    pub unit_name: String,
    pub status: &'static str,
    pub status_code: &'static str,
    pub source: &'static str,
    pub visitor_name: String,
    pub id_type: &'static str,
    pub id_masked: String,
    pub phone_masked: String,
    pub host_name: String,
    pub purpose: String,
    pub expected_on: String,
    pub plate: String,
    pub goods_in: String,
    pub goods_out: String,
    pub authorised_by: String,
    pub minor: bool,
    pub guardian_name: String,
    pub notice: String,
    pub basis: &'static str,
    pub consent_at: String,
    pub decided: String,
    pub decision_note: String,
    pub checked_in: String,
    pub checked_out: String,
    pub submitted: bool,
    pub approved: bool,
    pub inside: bool,
}

impl VisitView {
    pub fn of(v: &Visit) -> VisitView {
        VisitView {
            id: v.id.clone(),
            unit_name: v.unit_name.clone(),
            status: v.status.label_zh(),
            status_code: v.status.code(),
            source: v.source.label_zh(),
            visitor_name: if v.visitor_name.is_empty() {
                "（待访客填写）".into()
            } else {
                v.visitor_name.clone()
            },
            id_type: v.id_type.map(|t| t.label_zh()).unwrap_or(""),
            id_masked: v.id_number_masked.clone(),
            phone_masked: v.phone_masked.clone(),
            host_name: v.host_name.clone(),
            purpose: v.purpose.clone(),
            expected_on: v
                .expected_on
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            plate: v.plate.clone(),
            goods_in: v.goods_in.clone(),
            goods_out: v.goods_out.clone(),
            authorised_by: v.goods_out_authorised_by.clone(),
            minor: v.minor,
            guardian_name: v.guardian_name.clone(),
            notice: if v.notice_version.is_empty() {
                String::new()
            } else {
                let title = [&NOTICE_PREREGISTRATION, &NOTICE_GATE_CHECK]
                    .into_iter()
                    .find(|n| n.purpose == v.notice_purpose)
                    .map_or("个人信息处理告知", |n| n.title);
                format!("{title}（版本 {}）", v.notice_version)
            },
            basis: match v.basis {
                Some(LegalBasis::Consent) => "个人同意",
                Some(LegalBasis::LegalDuty) => "履行法定职责（《企业事业单位内部治安保卫条例》第十一条）",
                None => "",
            },
            consent_at: v.consent_at.map(fmt_time).unwrap_or_default(),
            decided: v
                .decided_at
                .map(|t| format!("{} {}", fmt_time(t), v.decided_by))
                .unwrap_or_default(),
            decision_note: v.decision_note.clone(),
            checked_in: v.checked_in_at.map(fmt_time).unwrap_or_default(),
            checked_out: v.checked_out_at.map(fmt_time).unwrap_or_default(),
            submitted: v.status == VisitStatus::Submitted,
            approved: v.status == VisitStatus::Approved,
            inside: v.status == VisitStatus::Inside,
        }
    }
}
