//! The inspection record (检查笔录, docs/REQUIREMENTS.md R22) a submitted inspection produces: time,
//! place, who inspected whom with whom present, basis and methods, the checklist and its score,
//! the problems found, and the typed signatures.

use chrono::{DateTime, Utc};

use super::kind::DocumentKind;
use super::records::DocumentContent;
use crate::supervision::calendar::{date_zh, datetime_zh};
use crate::supervision::checklist::{ItemResult, Score};
use crate::supervision::inspection::{ChecklistVersion, Inspection, InspectionRecord, ItemOutcome};

fn or_dash(s: &str) -> String {
    if s.trim().is_empty() {
        "—".into()
    } else {
        s.to_string()
    }
}

/// The 检查笔录 of inspection `i` by `issuer_name`, with its checked `record`, `results` and
/// score `sc`.
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
    let mut fields = vec![
        (
            "检查时间".to_string(),
            format!(
                "{} 至 {}",
                datetime_zh(record.started_at.unwrap_or(now)),
                datetime_zh(record.ended_at.unwrap_or(now))
            ),
        ),
        ("检查地点".into(), or_dash(&record.place)),
        ("检查单位".into(), issuer_name.to_string()),
        ("检查人员".into(), or_dash(&record.officers.join("、"))),
        ("被检查单位".into(), i.unit_name.clone()),
        ("陪同人员".into(), or_dash(&record.accompanying_person)),
        ("见证人".into(), or_dash(&record.witness)),
        ("检查类型".into(), or_dash(&record.inspection_type)),
        ("检查事由".into(), or_dash(&record.purpose)),
        (
            "检查依据".into(),
            "《企业事业单位内部治安保卫条例》第十六条；《公安机关监督检查企业事业单位内部治安保卫工作规定》".into(),
        ),
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
    let mut paragraphs = vec![format!(
        "{}，{}对{}的内部治安保卫工作进行{}，检查情况如下。",
        date_zh(now),
        issuer_name,
        i.unit_name,
        i.kind.label_zh()
    )];
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
    DocumentContent {
        issuer: issuer_name.to_string(),
        title: DocumentKind::InspectionRecord.title_zh().into(),
        addressee: String::new(),
        paragraphs,
        fields,
        signature,
        footer: vec!["本笔录经被检查单位陪同人员核对无误。".into()],
    }
}
