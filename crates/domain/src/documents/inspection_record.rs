//! The inspection record (检查笔录, docs/REQUIREMENTS.md R22) a submitted inspection produces: time,
//! place, who inspected whom with whom present, basis and methods, the checklist and its score,
//! the problems found, and the typed signatures.

use chrono::{DateTime, Utc};

use super::kind::DocumentKind;
use super::records::DocumentContent;
use crate::supervision::calendar::{date_zh, datetime_zh};
use crate::supervision::checklist::{ItemResult, Score};
use crate::supervision::inspection::{ChecklistVersion, Inspection, InspectionKind, InspectionRecord, ItemOutcome};

fn or_dash(s: &str) -> String {
    if s.trim().is_empty() {
        "—".into()
    } else {
        s.to_string()
    }
}

/// The legal basis of an inspection of `kind` (Decree 421, docs/REQUIREMENTS.md S1, S3): police
/// check and guide a unit's internal security (Art 16(2), MPS Order 93); a competent department
/// inspects its sector (Art 3); a unit checks itself (Art 7(2): 治安保卫情况有人检查; Art 11(3):
/// 巡逻、检查和治安隐患整改记录).
pub fn inspection_basis(kind: InspectionKind) -> &'static str {
    match kind {
        InspectionKind::Police => {
            "《企业事业单位内部治安保卫条例》第十六条第（二）项；《公安机关监督检查企业事业单位内部治安保卫工作规定》（公安部令第93号）"
        }
        InspectionKind::Department => "《企业事业单位内部治安保卫条例》第三条",
        InspectionKind::SelfInspection => "《企业事业单位内部治安保卫条例》第七条第（二）项、第十一条第（三）项",
    }
}

/// Whether a typed signature is the inspected unit's accompanying person's.
fn is_accompanying(role: &str) -> bool {
    role.contains("陪同")
}

/// The 检查笔录 of inspection `i` by `issuer_name`, with its checked `record`, `results` and
/// score `sc`.
///
/// A police or department record names the unit's accompanying person and a witness; without a
/// witness it prints the stated reason (`witness_absent_reason`), and without either it prints
/// "—", which [`super::check_complete`] refuses. A self-inspection has neither (不适用). The
/// record says the accompanying person checked it only when they signed it; otherwise it leaves
/// lines for their and the witness's handwritten signatures.
pub fn inspection_record(
    i: &Inspection,
    checklist: &ChecklistVersion,
    record: &InspectionRecord,
    results: &[ItemOutcome],
    sc: &Score,
    issuer_name: &str,
    now: DateTime<Utc>,
) -> DocumentContent {
    let failed: Vec<String> = checklist
        .items
        .iter()
        .filter(|it| {
            results
                .iter()
                .any(|r| r.code == it.code && r.result == ItemResult::Fail)
        })
        .map(|it| format!("{} {}", it.code, it.title))
        .collect();
    let own = i.kind == InspectionKind::SelfInspection;
    let not_applicable = "不适用（单位自查）".to_string();
    let accompanying = if own {
        not_applicable.clone()
    } else {
        or_dash(&record.accompanying_person)
    };
    let witness = if !record.witness.trim().is_empty() {
        record.witness.clone()
    } else if own {
        not_applicable
    } else if !record.witness_absent_reason.trim().is_empty() {
        format!("无（{}）", record.witness_absent_reason.trim())
    } else {
        "—".into()
    };
    let started = record.started_at.unwrap_or(now);
    let mut fields = vec![
        (
            "检查时间".to_string(),
            format!(
                "{} 至 {}",
                datetime_zh(started),
                datetime_zh(record.ended_at.unwrap_or(now))
            ),
        ),
        ("检查地点".into(), or_dash(&record.place)),
        ("检查单位".into(), issuer_name.to_string()),
        ("检查人员".into(), or_dash(&record.officers.join("、"))),
        ("被检查单位".into(), i.unit_name.clone()),
        ("陪同人员".into(), accompanying),
        ("见证人".into(), witness),
        ("检查类型".into(), or_dash(&record.inspection_type)),
        ("检查事由".into(), or_dash(&record.purpose)),
        ("检查依据".into(), inspection_basis(i.kind).into()),
        ("检查方式".into(), or_dash(&record.methods.join("、"))),
        (
            "检查表".into(),
            format!("{}（第{}版）", checklist.title, checklist.version),
        ),
        (
            "检查得分".into(),
            format!(
                "{}分{}",
                sc.total,
                if sc.capped_by_critical {
                    "（存在否决项，总分封顶59分）"
                } else {
                    ""
                }
            ),
        ),
        (
            "是否发现隐患".into(),
            if failed.is_empty() {
                "否".into()
            } else {
                format!("是，共{}项", failed.len())
            },
        ),
    ];
    if !record.location.is_empty() {
        fields.insert(2, ("定位".into(), record.location.clone()));
    }
    let officers = record.officers.join("、");
    let methods = if record.methods.is_empty() {
        String::new()
    } else {
        format!("通过{}的方式，", record.methods.join("、"))
    };
    let opening = if own {
        format!(
            "{}，{}{}{}对本单位的内部治安保卫工作进行了自查，检查情况如下。",
            date_zh(started),
            i.unit_name,
            if officers.is_empty() {
                String::new()
            } else {
                format!("自查人员{officers}")
            },
            methods
        )
    } else {
        let with = if record.accompanying_person.trim().is_empty() {
            String::new()
        } else {
            format!("在被检查单位陪同人员{}的陪同下，", record.accompanying_person.trim())
        };
        format!(
            "{}，{}{}{}{}对{}的内部治安保卫工作进行了检查，检查情况如下。",
            date_zh(started),
            issuer_name,
            if officers.is_empty() {
                String::new()
            } else {
                format!("检查人员{officers}")
            },
            with,
            methods,
            i.unit_name
        )
    };
    let mut paragraphs = vec![opening];
    if failed.is_empty() {
        paragraphs.push("检查未发现问题。".into());
    } else {
        paragraphs.push(format!("发现问题：{}。", failed.join("；")));
    }
    if !record.notes.is_empty() {
        paragraphs.push(record.notes.clone());
    }
    let signature: Vec<String> = record
        .signatures
        .iter()
        .map(|s| {
            format!(
                "{}：{}　{}",
                if s.role.is_empty() { "签名" } else { &s.role },
                s.name,
                datetime_zh(s.at)
            )
        })
        .collect();
    let footer = if own {
        Vec::new()
    } else {
        match record.signatures.iter().find(|s| is_accompanying(&s.role)) {
            Some(s) => vec![format!(
                "本笔录已交被检查单位陪同人员{}核对，其确认无误并签名。",
                s.name
            )],
            None => {
                let mut lines = vec!["被检查单位陪同人员核对意见及签名：____________　　　年　　月　　日".to_string()];
                if !record.witness.trim().is_empty() {
                    lines.push("见证人签名：____________　　　年　　月　　日".into());
                }
                lines.push("陪同人员拒绝签名的，由检查人员注明：____________".into());
                lines
            }
        }
    };
    DocumentContent {
        issuer: issuer_name.to_string(),
        title: DocumentKind::InspectionRecord.title_zh().into(),
        addressee: String::new(),
        paragraphs,
        fields,
        signature,
        footer,
    }
}
