//! The text of the documents a hazard's ladder step issues (限期整改通知书, 通报, 约谈通知书,
//! 挂牌督办通知书, 问题抄告函, 行政处罚决定书): who they are addressed to, their paragraphs with
//! the legal basis, their fields. Pure: the caller numbers and stores them.

use chrono::{DateTime, Utc};

use super::issuer::Issuer;
use super::kind::DocumentKind;
use super::records::DocumentContent;
use crate::supervision::calendar::{date_zh, datetime_zh};
use crate::supervision::hazard::Hazard;
use crate::supervision::ladder::{Action, Case};

/// The warning every rectification order carries (Decree 421 Art 19, in its words: 公民人身伤害、
/// 公私财产损失; 情节严重，构成犯罪的).
pub const ART19_WARNING: &str = "你单位逾期不整改，造成公民人身伤害、公私财产损失，或者严重威胁公民人身安全、公私财产安全或者公共安全的，将依据《企业事业单位内部治安保卫条例》第十九条之规定，对你单位处一万元以上十万元以下的罚款，对单位主要负责人和其他直接责任人员处五百元以上五千元以下的罚款，并可以建议有关组织对单位主要负责人和其他直接责任人员依法给予处分；情节严重，构成犯罪的，依法追究刑事责任。";

/// The document a ladder action issues, if any: an order, a rung's notice, a fine decision.
pub fn document_for(action: &Action) -> Option<DocumentKind> {
    match action {
        Action::IssueOrder { .. } => Some(DocumentKind::RectificationOrder),
        Action::Escalate { rung, .. } => Some(DocumentKind::for_rung(*rung)),
        Action::DecideFine { .. } => Some(DocumentKind::PenaltyDecision),
        _ => None,
    }
}

/// When and where a 约谈 takes place, as the 约谈通知书 states them.
#[derive(Debug, Clone, Copy)]
pub struct InterviewAppointment<'a> {
    pub at: DateTime<Utc>,
    pub place: &'a str,
}

/// The interview appointment an escalation to 约谈 carries, if any.
pub fn interview_of(action: &Action) -> Option<InterviewAppointment<'_>> {
    match action {
        Action::Escalate {
            interview_at: Some(at),
            interview_place: Some(place),
            ..
        } => Some(InterviewAppointment { at: *at, place }),
        _ => None,
    }
}

/// The problem as quoted inside a sentence: the title, then the description on the same line
/// (its lines joined with "；", closing punctuation at its end dropped), so that the quotation
/// never holds a line break — a line break in a paragraph starts a new line on the document, and
/// the "”问题" or "）" after it would start that line.
pub fn problem_text(title: &str, description: &str) -> String {
    let description = description
        .lines()
        .map(|l| l.trim().trim_end_matches(['。', '；', '，', ';', ',', '.']))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("；");
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    if description.is_empty() {
        title
    } else {
        format!("{title}，{description}")
    }
}

/// The content of a hazard document of `kind` after the step that produced `case`: `reason` is
/// the officer's explanation (a field when given), `referral_to` the competent department a
/// 问题抄告函 is addressed to (empty: addressed to "行业主管部门"), `interview` the time and
/// place a 约谈通知书 gives (None: its fields print "—" and [`super::check_complete`] refuses it).
#[allow(clippy::too_many_arguments)]
pub fn hazard_document(
    kind: DocumentKind,
    h: &Hazard,
    case: &Case,
    iss: &Issuer,
    reason: &str,
    now: DateTime<Utc>,
    referral_to: &str,
    interview: Option<InterviewAppointment<'_>>,
) -> DocumentContent {
    let deadline = case.deadline.map(date_zh).unwrap_or_default();
    let mut paragraphs = Vec::new();
    let mut fields = vec![
        ("隐患名称".to_string(), h.title.clone()),
        ("隐患类别".to_string(), h.class.label_zh().to_string()),
    ];
    let mut addressee = format!("{}：", h.unit_name);
    let problem = problem_text(&h.title, &h.description);
    match kind {
        DocumentKind::RectificationOrder => {
            paragraphs.push(format!(
                "经检查，你单位存在以下问题：{problem}。上述问题违反了《企业事业单位内部治安保卫条例》的有关规定。"
            ));
            paragraphs.push(format!(
                "根据《企业事业单位内部治安保卫条例》第十六条第（二）项、第十九条之规定，现责令你单位于{deadline}前整改完毕，并处警告。整改期间应当采取必要的防范措施，确保安全。"
            ));
            paragraphs.push("整改完毕后，请将整改情况书面报告我局，并附整改佐证材料，我局将进行复查。".into());
            paragraphs.push(ART19_WARNING.into());
            fields.push(("整改期限".into(), deadline.clone()));
            fields.push(("处理".into(), "责令限期整改；警告".into()));
        }
        DocumentKind::CircularNotice | DocumentKind::InterviewNotice | DocumentKind::ListedSupervisionNotice => {
            paragraphs.push(format!("你单位存在的“{problem}”问题，经责令限期整改，逾期未整改到位。"));
            paragraphs.push(match kind {
                DocumentKind::CircularNotice => format!(
                    "依据《浙江省社会治安综合治理条例》第二十八条之规定，现对你单位予以通报，并责令你单位于{deadline}前整改完毕。"
                ),
                DocumentKind::InterviewNotice => format!(
                    "依据《浙江省社会治安综合治理条例》第二十八条之规定，决定约谈你单位主要负责人，并责令你单位于{deadline}前整改完毕。"
                ),
                _ => format!(
                    "依据《浙江省社会治安综合治理条例》第二十八条、第二十九条之规定，决定对该问题挂牌督办，督办期限至{deadline}。自挂牌之日起六个月内，你单位不得评为综合性荣誉称号，单位相关责任领导不得评先受奖、提拔晋升；逾期未完成整改目标的，自期限届满之日起一年内不得评为综合性荣誉称号。"
                ),
            });
            if kind == DocumentKind::InterviewNotice {
                let (at, place) = match interview {
                    Some(a) => (datetime_zh(a.at), a.place.trim().to_string()),
                    None => ("—".to_string(), "—".to_string()),
                };
                paragraphs.push(format!(
                    "请你单位主要负责人于{at}到{place}接受约谈，并如实说明整改情况。"
                ));
                fields.push(("约谈时间".into(), at));
                fields.push(("约谈地点".into(), place));
            }
            if let Some(bar) = case
                .honours_bar_until
                .filter(|_| kind == DocumentKind::ListedSupervisionNotice)
            {
                fields.push(("荣誉限制至".into(), date_zh(bar)));
            }
            fields.push(("整改期限".into(), deadline.clone()));
        }
        DocumentKind::ReferralLetter => {
            addressee = format!(
                "{}：",
                if referral_to.is_empty() {
                    "行业主管部门"
                } else {
                    referral_to
                }
            );
            paragraphs.push(format!(
                "我局在监督检查中发现，{}存在“{problem}”问题，经责令限期整改，逾期未整改到位。",
                h.unit_name
            ));
            paragraphs.push(format!(
                "依据《浙江省社会治安综合治理条例》第二十八条及浙政办发〔2019〕24号文件有关问题抄告的要求，现将有关情况抄告你单位，请依职责督促该单位于{deadline}前整改到位，并将处理情况函告我局。"
            ));
            fields.push(("被检查单位".into(), h.unit_name.clone()));
            fields.push(("整改期限".into(), deadline.clone()));
        }
        DocumentKind::PenaltyDecision => {
            if let Some(f) = &case.fine {
                paragraphs.push(format!(
                    "经查，你单位存在“{problem}”问题，经我局责令限期整改，逾期不整改，并{}。",
                    f.harm.label_zh()
                ));
                let persons: Vec<String> = f
                    .persons
                    .iter()
                    .map(|p| format!("对直接责任人员{}处人民币{}元罚款", p.name, p.amount_yuan))
                    .collect();
                paragraphs.push(format!(
                    "以上事实有检查笔录、限期整改通知书、复查记录等证据证实。依据《企业事业单位内部治安保卫条例》第十九条之规定，决定对你单位处人民币{}元罚款{}{}。",
                    f.unit_amount_yuan,
                    if persons.is_empty() { String::new() } else { format!("；{}", persons.join("；")) },
                    if f.recommend_discipline { "；建议有关组织对单位主要负责人和其他直接责任人员依法给予处分" } else { "" }
                ));
                paragraphs.push("你单位及被处罚人员应当自收到本决定书之日起十五日内，到指定的银行或者通过电子支付系统缴纳罚款。到期不缴纳罚款的，每日按罚款数额的百分之三加处罚款。".into());
                paragraphs.push("如不服本决定，可以在收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。".into());
                fields.push(("单位罚款".into(), format!("人民币{}元", f.unit_amount_yuan)));
                for p in &f.persons {
                    fields.push((format!("责任人员{}罚款", p.name), format!("人民币{}元", p.amount_yuan)));
                }
                fields.push(("后果认定".into(), f.harm.label_zh().into()));
            }
        }
        DocumentKind::InspectionRecord => {}
    }
    if !reason.is_empty() {
        fields.push(("说明".into(), reason.to_string()));
    }
    DocumentContent {
        issuer: iss.name.clone(),
        title: kind.title_zh().into(),
        addressee,
        paragraphs,
        fields,
        signature: vec![iss.name.clone(), date_zh(now)],
        footer: if kind == DocumentKind::ReferralLetter {
            Vec::new()
        } else {
            vec!["被通知单位签收：____________　　　年　　月　　日".into()]
        },
    }
}
