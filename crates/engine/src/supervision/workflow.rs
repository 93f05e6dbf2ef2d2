//! The supervision workflow (issue 3): campaigns that fan out inspections, inspection submission
//! (score, hazards, 检查笔录), hazard actions through the ladder state machine with their
//! documents, credit entries and deadline jobs, the credit grade and the due-for-inspection list.
//!
//! Rules live in `neibao_domain::supervision`; this module decides who acts, composes the
//! documents' text, and hands the store one atomic update per step. Deadlines and reminders are
//! rows of the durable scheduler (`JobKind::HazardDeadline`, `JobKind::HazardReminder`), so each fires once
//! across restarts and nodes.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Datelike, Duration, SubsecRound, Utc};
use chrono_tz::Asia::Shanghai;
use neibao_domain::access::{Role, Scope};
use neibao_domain::attachments::Attachment;
use neibao_domain::documents::{default_prefix, DocumentKind};
use neibao_domain::documents::{Document, DocumentContent, DocumentDraft};
use neibao_domain::jobs::{Job, JobKind, NewJob};
use neibao_domain::supervision::checklist::{score, ItemResult, Variant};
use neibao_domain::supervision::credit::{CreditRule, EntryKind, Grade};
use neibao_domain::supervision::ladder::{Action, Actor, Case, HazardClass, HazardSource, LadderError, Phase, Rung};
use neibao_domain::supervision::SupervisionSettings;
use neibao_domain::supervision::{
    Campaign, ChecklistVersion, CreditRecord, Hazard, HazardStep, HazardUpdate, Inspection, InspectionKind,
    InspectionRecord, InspectionStatus, ItemOutcome, NewCampaign, NewCreditRecord, NewHazard, NewInspection,
    StandingFilter, StepDraft, SubmitInspection, UnitStanding,
};
use neibao_store::{Store, StoreError};
use serde::{Deserialize, Serialize};

use crate::jobs::scheduler::Handler;

/// Largest number of units one campaign fans out to.
pub const MAX_CAMPAIGN_UNITS: usize = 5_000;

/// Errors of the workflow; the web layer maps them to stable codes.
#[derive(Debug, thiserror::Error)]
pub enum SupervisionError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Refused by the ladder (409 `invalid_transition` or 400 `validation_failed`).
    #[error("{}", .0.message_zh())]
    Ladder(#[from] LadderError),
    /// The role may not do this (403); zh-CN message.
    #[error("{0}")]
    Forbidden(String),
    /// Bad input (400); zh-CN message.
    #[error("{0}")]
    Validation(String),
    /// Not possible in the object's current state (409); zh-CN message.
    #[error("{0}")]
    State(String),
}

pub type Result<T> = std::result::Result<T, SupervisionError>;

fn invalid(msg: impl Into<String>) -> SupervisionError {
    SupervisionError::Validation(msg.into())
}

/// Who acts: the signed-in user as the workflow needs them.
#[derive(Debug, Clone)]
pub struct Officer {
    pub user_id: String,
    pub name: String,
    pub role: Role,
    pub org_id: Option<String>,
    pub unit_id: Option<String>,
    pub scope: Scope,
}

impl Officer {
    fn ladder_actor(&self) -> Option<Actor> {
        if self.role.is_police() {
            Some(Actor::Police)
        } else if self.role == Role::UnitManager {
            Some(Actor::Unit)
        } else {
            None
        }
    }
    fn inspection_kind(&self) -> Option<InspectionKind> {
        InspectionKind::for_role(self.role)
    }
}

fn settings_key(org_id: &str) -> String {
    format!("supervision.settings.{org_id}")
}

/// The supervision settings of an organisation (defaults where none are stored).
pub async fn settings(store: &dyn Store, org_id: Option<&str>) -> Result<SupervisionSettings> {
    let Some(org) = org_id else {
        return Ok(SupervisionSettings::default());
    };
    Ok(match store.get_meta(&settings_key(org)).await? {
        Some(s) => serde_json::from_str(&s).unwrap_or_default(),
        None => SupervisionSettings::default(),
    })
}

/// Stores an organisation's settings after [`SupervisionSettings::validate`].
pub async fn save_settings(store: &dyn Store, org_id: &str, s: &SupervisionSettings) -> Result<()> {
    s.validate().map_err(SupervisionError::Validation)?;
    let json = serde_json::to_string(s).map_err(|e| invalid(e.to_string()))?;
    store.set_meta(&settings_key(org_id), &json).await?;
    Ok(())
}

/// A date as printed on documents: 2026年11月29日 (Beijing time).
pub fn date_zh(t: DateTime<Utc>) -> String {
    let l = t.with_timezone(&Shanghai);
    format!("{}年{}月{}日", l.year(), l.month(), l.day())
}

/// A time as printed on documents: 2026年11月29日 14时05分 (Beijing time).
pub fn datetime_zh(t: DateTime<Utc>) -> String {
    let l = t.with_timezone(&Shanghai);
    format!("{} {}", date_zh(t), l.format("%H时%M分"))
}

/// The end of a Beijing calendar day `days` after `from` (23:59:59), the usual reading of
/// "整改期限 N 日".
pub fn deadline_after_days(from: DateTime<Utc>, days: i64) -> DateTime<Utc> {
    let local = from.with_timezone(&Shanghai).date_naive() + Duration::days(days);
    let end = local.and_hms_opt(23, 59, 59).expect("valid time");
    end.and_local_timezone(Shanghai)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(from + Duration::days(days))
}

/// Noon of a Beijing calendar day.
pub fn beijing_noon(d: chrono::NaiveDate) -> DateTime<Utc> {
    let noon = d.and_hms_opt(12, 0, 0).expect("valid time");
    noon.and_local_timezone(Shanghai)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| noon.and_utc() - Duration::hours(8))
}

/// The end (23:59:59) of a Beijing calendar day: how a date picked as a due date or deadline is
/// read, as [`deadline_after_days`] reads "N 日".
pub fn end_of_day(d: chrono::NaiveDate) -> DateTime<Utc> {
    deadline_after_days(beijing_noon(d), 0)
}

/// The issuing organisation of an officer's documents, with its name and numbering.
struct Issuer {
    org_id: String,
    name: String,
    prefix: String,
    department: String,
}

async fn issuer(store: &dyn Store, who: &Officer) -> Result<Issuer> {
    let Some(org_id) = who.org_id.clone() else {
        return Err(invalid("当前账号未关联发文机关，不能出具文书"));
    };
    let org = store.get_organisation(&org_id).await?;
    let settings = settings(store, Some(&org_id)).await?;
    let prefix = if settings.doc_prefix.is_empty() {
        if org.kind == "department" {
            org.name.chars().take(2).collect()
        } else {
            default_prefix(&org.name)
        }
    } else {
        settings.doc_prefix.clone()
    };
    let department = if org.kind == "department" {
        String::new()
    } else {
        settings.doc_department.clone()
    };
    Ok(Issuer {
        org_id,
        name: org.name,
        prefix,
        department,
    })
}

// ---------------------------------------------------------------- campaigns

/// How a campaign selects units (all conditions together; empty means any).
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CampaignSelection {
    /// Division code prefix inside the caller's jurisdiction, e.g. `330106`.
    #[serde(default)]
    pub division_prefix: Option<String>,
    /// Unit kind code.
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub key_unit_only: bool,
    /// Decree 421 Art 13 key-unit category 1–11.
    #[serde(default)]
    pub key_unit_category: Option<i64>,
    #[serde(default)]
    pub counter_terror_only: bool,
    #[serde(default)]
    pub university_only: bool,
    /// Credit grades to include (empty: all).
    #[serde(default)]
    pub grades: Vec<Grade>,
}

/// A campaign to launch.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct CampaignInput {
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub selection: CampaignSelection,
    /// Due date of every inspection (end of that Beijing day).
    pub due_date: chrono::NaiveDate,
    /// Who inspects (free text); the launching officer by default.
    #[serde(default)]
    pub assignee_name: Option<String>,
}

fn check_text(label: &str, s: &str, max: usize, required: bool) -> Result<String> {
    let t = s.trim();
    if required && t.is_empty() {
        return Err(invalid(format!("{label}不能为空")));
    }
    if t.chars().count() > max || !neibao_domain::text::text_is_clean(t) {
        return Err(invalid(format!("{label}不超过{max}字，且不能含控制字符或不可见字符")));
    }
    Ok(t.to_string())
}

/// Grade of a unit standing under a rule.
pub fn grade_of(rule: &CreditRule, s: &UnitStanding) -> (i64, Grade) {
    let score = rule.score([s.credit_deductions]);
    (score, rule.grade(score))
}

/// Launches a campaign: selects the units in the officer's scope, one inspection per unit with
/// the checklist variant that fits it, the assignee and the due date. Returns the campaign.
pub async fn launch_campaign(
    store: &dyn Store,
    who: &Officer,
    input: CampaignInput,
    now: DateTime<Utc>,
) -> Result<Campaign> {
    let kind = match who.inspection_kind() {
        Some(k @ (InspectionKind::Police | InspectionKind::Department)) => k,
        _ => {
            return Err(SupervisionError::Forbidden(
                "只有公安机关和行业主管部门可以部署专项检查".into(),
            ))
        }
    };
    let title = check_text("检查名称", &input.title, 100, true)?;
    let description = check_text("检查说明", &input.description, 2000, false)?;
    let due_at = end_of_day(input.due_date);
    if due_at <= now {
        return Err(invalid("检查截止日期须晚于今天"));
    }
    if due_at > now + Duration::days(366) {
        return Err(invalid("检查截止日期不超过一年"));
    }
    let sel = input.selection;
    if let Some(p) = &sel.division_prefix {
        if p.is_empty() || p.len() > 12 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid("行政区划代码前缀须为数字"));
        }
    }
    if let Some(c) = sel.key_unit_category {
        if !(1..=11).contains(&c) {
            return Err(invalid("重点单位类别须为1至11"));
        }
    }
    let filter = StandingFilter {
        division_prefix: sel.division_prefix.clone(),
        kind: sel.kind.clone().filter(|k| !k.is_empty()),
        key_unit_only: sel.key_unit_only,
        key_unit_category: sel.key_unit_category,
        counter_terror_only: sel.counter_terror_only,
        university_only: sel.university_only,
        unit_id: None,
    };
    let rule = settings(store, who.org_id.as_deref()).await?.credit;
    let units: Vec<UnitStanding> = store
        .unit_standings(&who.scope, &filter, now)
        .await?
        .into_iter()
        .filter(|s| sel.grades.is_empty() || sel.grades.contains(&grade_of(&rule, s).1))
        .collect();
    if units.is_empty() {
        return Err(invalid("没有符合条件的单位"));
    }
    if units.len() > MAX_CAMPAIGN_UNITS {
        return Err(invalid(format!(
            "符合条件的单位有{}家，超过单次专项检查上限{}家，请缩小范围",
            units.len(),
            MAX_CAMPAIGN_UNITS
        )));
    }
    let assignee_name = match input.assignee_name.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(a) => check_text("检查人", a, 50, true)?,
        None => who.name.clone(),
    };
    let mut checklists: HashMap<Variant, String> = HashMap::new();
    let mut inspections = Vec::with_capacity(units.len());
    for u in &units {
        let variant = Variant::for_unit(u.is_university, u.is_counter_terror_target, u.is_key_unit);
        let checklist_id = match checklists.get(&variant) {
            Some(id) => id.clone(),
            None => {
                let c = store.latest_checklist(variant).await?;
                checklists.insert(variant, c.id.clone());
                c.id
            }
        };
        inspections.push(NewInspection {
            campaign_id: None,
            unit_id: u.unit_id.clone(),
            checklist_id,
            kind,
            org_id: who.org_id.clone(),
            assignee_id: Some(who.user_id.clone()),
            assignee_name: assignee_name.clone(),
            due_at: Some(due_at),
            created_by: who.name.clone(),
        });
    }
    let id = store
        .create_campaign(
            &NewCampaign {
                title,
                description,
                org_id: who.org_id.clone(),
                selection: serde_json::to_value(&sel).unwrap_or_default(),
                due_at,
                created_by: who.user_id.clone(),
                created_by_name: who.name.clone(),
                inspections,
            },
            now,
        )
        .await?;
    Ok(store.get_campaign(&who.scope, &id, now).await?)
}

/// Starts a single inspection of one unit (a police or department check, or the unit's 自查).
pub async fn start_inspection(
    store: &dyn Store,
    who: &Officer,
    unit_id: &str,
    due_date: Option<chrono::NaiveDate>,
    now: DateTime<Utc>,
) -> Result<Inspection> {
    let Some(kind) = who.inspection_kind() else {
        return Err(SupervisionError::Forbidden("当前角色不能开展检查".into()));
    };
    let standing = store
        .unit_standings(
            &who.scope,
            &StandingFilter {
                unit_id: Some(unit_id.to_string()),
                ..Default::default()
            },
            now,
        )
        .await?
        .into_iter()
        .next()
        .ok_or(StoreError::NotFound)?;
    let variant = Variant::for_unit(
        standing.is_university,
        standing.is_counter_terror_target,
        standing.is_key_unit,
    );
    if let Some(d) = due_date {
        let today = now.with_timezone(&Shanghai).date_naive();
        if d < today || d > today + Duration::days(366) {
            return Err(invalid("检查截止日期须在今天至一年内"));
        }
    }
    let checklist = store.latest_checklist(variant).await?;
    let due_at = due_date.map(end_of_day);
    Ok(store
        .create_inspection(
            &who.scope,
            &NewInspection {
                campaign_id: None,
                unit_id: unit_id.to_string(),
                checklist_id: checklist.id,
                kind,
                org_id: if kind == InspectionKind::SelfInspection {
                    None
                } else {
                    who.org_id.clone()
                },
                assignee_id: Some(who.user_id.clone()),
                assignee_name: who.name.clone(),
                due_at,
                created_by: who.name.clone(),
            },
            now,
        )
        .await?)
}

fn may_work_on(who: &Officer, i: &Inspection) -> Result<()> {
    if who.inspection_kind() != Some(i.kind) {
        return Err(SupervisionError::Forbidden(format!(
            "这是{}，当前角色不能填写",
            i.kind.label_zh()
        )));
    }
    Ok(())
}

fn check_record(r: &InspectionRecord, now: DateTime<Utc>) -> Result<InspectionRecord> {
    let mut r = r.clone();
    r.place = check_text("检查地点", &r.place, 200, false)?;
    r.location = check_text("定位", &r.location, 100, false)?;
    r.accompanying_person = check_text("陪同人员", &r.accompanying_person, 50, false)?;
    r.witness = check_text("见证人", &r.witness, 50, false)?;
    r.purpose = check_text("检查事由", &r.purpose, 500, false)?;
    r.inspection_type = check_text("检查类型", &r.inspection_type, 50, false)?;
    r.notes = check_text("检查情况", &r.notes, 5000, false)?;
    if r.officers.len() > 20 || r.methods.len() > 10 || r.signatures.len() > 20 {
        return Err(invalid("检查人员、检查方式或签名过多"));
    }
    // Checked, trimmed, blanks dropped.
    let list = |label: &str, xs: &[String], max: usize| -> Result<Vec<String>> {
        let checked = xs
            .iter()
            .map(|x| check_text(label, x, max, false))
            .collect::<Result<Vec<_>>>()?;
        Ok(checked.into_iter().filter(|x| !x.is_empty()).collect())
    };
    r.officers = list("检查人员", &r.officers, 50)?;
    r.methods = list("检查方式", &r.methods, 20)?;
    for s in &mut r.signatures {
        s.name = check_text("签名", &s.name, 50, true)?;
        s.role = check_text("签名人身份", &s.role, 30, false)?;
    }
    if let (Some(a), Some(b)) = (r.started_at, r.ended_at) {
        if b < a {
            return Err(invalid("检查结束时间不能早于开始时间"));
        }
    }
    // Times of the record and the signatures: within the last 30 days and not in the future.
    let times = r
        .started_at
        .iter()
        .chain(r.ended_at.iter())
        .chain(r.signatures.iter().map(|s| &s.at));
    for t in times {
        if *t > now + Duration::minutes(10) || *t < now - Duration::days(30) {
            return Err(invalid("检查时间和签名时间须在最近30日内，且不能晚于当前时间"));
        }
    }
    Ok(r)
}

fn check_results(checklist: &ChecklistVersion, results: &[ItemOutcome], complete: bool) -> Result<Vec<ItemOutcome>> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(results.len());
    for r in results {
        if !checklist.items.iter().any(|i| i.code == r.code) {
            return Err(invalid(format!(
                "检查表中没有检查项「{}」",
                r.code.chars().take(20).collect::<String>()
            )));
        }
        if !seen.insert(r.code.clone()) {
            return Err(invalid(format!("检查项「{}」重复", r.code)));
        }
        out.push(ItemOutcome {
            code: r.code.clone(),
            result: r.result,
            note: check_text("检查项说明", &r.note, 500, false)?,
        });
    }
    if complete {
        if let Some(missing) = checklist.items.iter().find(|i| !seen.contains(&i.code)) {
            return Err(invalid(format!(
                "检查项「{} {}」尚未填写结果",
                missing.code, missing.title
            )));
        }
    }
    Ok(out)
}

/// Saves a draft of an inspection.
pub async fn save_inspection(
    store: &dyn Store,
    who: &Officer,
    id: &str,
    record: &InspectionRecord,
    results: &[ItemOutcome],
    now: DateTime<Utc>,
) -> Result<Inspection> {
    let i = store.get_inspection(&who.scope, id).await?;
    may_work_on(who, &i)?;
    if i.status == InspectionStatus::Submitted {
        return Err(SupervisionError::State("检查已提交，不能修改".into()));
    }
    let checklist = store.get_checklist(&i.checklist_id).await?;
    let record = check_record(record, now)?;
    let results = check_results(&checklist, results, false)?;
    Ok(store.save_inspection(&who.scope, id, &record, &results, now).await?)
}

/// What submitting an inspection produced.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Submitted {
    pub inspection: Inspection,
    pub hazards: Vec<Hazard>,
    pub document: Option<Document>,
}

/// Submits an inspection: every item needs a result and at least one signature; scores it
/// (REQUIREMENTS.md §d), opens one hazard per failed item (major when the item is critical) and
/// produces the inspection record (检查笔录, R22) with its number.
pub async fn submit_inspection(
    store: &dyn Store,
    who: &Officer,
    id: &str,
    record: &InspectionRecord,
    results: &[ItemOutcome],
    now: DateTime<Utc>,
) -> Result<Submitted> {
    let i = store.get_inspection(&who.scope, id).await?;
    may_work_on(who, &i)?;
    if i.status == InspectionStatus::Submitted {
        return Err(SupervisionError::State("检查已提交".into()));
    }
    let checklist = store.get_checklist(&i.checklist_id).await?;
    let mut record = check_record(record, now)?;
    let results = check_results(&checklist, results, true)?;
    if record.signatures.is_empty() {
        return Err(invalid("请至少由一名检查人员签名（姓名即可）"));
    }
    record.started_at.get_or_insert(i.updated_at.min(now));
    record.ended_at.get_or_insert(now);
    let result_of = |code: &str| results.iter().find(|r| r.code == code).map(|r| r.result);
    let sc = score(&checklist.items, result_of);
    let mut hazards = Vec::new();
    for it in &checklist.items {
        if result_of(&it.code) == Some(ItemResult::Fail) {
            let note = results
                .iter()
                .find(|r| r.code == it.code)
                .map(|r| r.note.clone())
                .unwrap_or_default();
            hazards.push(NewHazard {
                unit_id: i.unit_id.clone(),
                source: HazardSource::Inspection,
                source_id: Some(i.id.clone()),
                inspection_id: Some(i.id.clone()),
                item_code: Some(it.code.clone()),
                class: if it.critical {
                    HazardClass::Major
                } else {
                    HazardClass::General
                },
                title: format!("未达到「{}」的要求（{}）", it.title, it.code),
                description: note,
                org_id: i.org_id.clone(),
                created_by: who.name.clone(),
            });
        }
    }
    let (issuer_name, org_id, prefix, department) = if i.kind == InspectionKind::SelfInspection {
        (
            i.unit_name.clone(),
            i.unit_id.clone(),
            i.unit_name.chars().take(2).collect(),
            "自查".to_string(),
        )
    } else {
        let iss = issuer(store, who).await?;
        (iss.name, iss.org_id, iss.prefix, iss.department)
    };
    let failed: Vec<String> = checklist
        .items
        .iter()
        .filter(|it| result_of(&it.code) == Some(ItemResult::Fail))
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
        ("检查单位".into(), issuer_name.clone()),
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
    let signature_lines: Vec<String> = record
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
    let document = DocumentDraft {
        kind: DocumentKind::InspectionRecord,
        org_id,
        prefix,
        department,
        year: now.with_timezone(&Shanghai).year(),
        unit_id: i.unit_id.clone(),
        hazard_id: None,
        inspection_id: Some(i.id.clone()),
        content: DocumentContent {
            issuer: issuer_name.clone(),
            title: DocumentKind::InspectionRecord.title_zh().into(),
            addressee: String::new(),
            paragraphs,
            fields,
            signature: signature_lines,
            footer: vec!["本笔录经被检查单位陪同人员核对无误。".into()],
        },
        issued_by: who.name.clone(),
    };
    let (inspection, hazard_ids, doc_id) = store
        .submit_inspection(
            &who.scope,
            id,
            &SubmitInspection {
                record,
                results,
                score: sc,
                hazards,
                document: Some(document),
            },
            now,
        )
        .await?;
    let mut hazards = Vec::with_capacity(hazard_ids.len());
    for h in hazard_ids {
        hazards.push(store.get_hazard(&who.scope, &h).await?);
    }
    let document = match doc_id {
        Some(d) => Some(store.get_document(&who.scope, &d).await?),
        None => None,
    };
    Ok(Submitted {
        inspection,
        hazards,
        document,
    })
}

fn or_dash(s: &str) -> String {
    if s.trim().is_empty() {
        "—".into()
    } else {
        s.to_string()
    }
}

// ---------------------------------------------------------------- hazards

/// A hazard reported by hand (an alert, an assessment, a report, or an inspection finding).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct HazardInput {
    pub unit_id: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub class: HazardClass,
    pub source: HazardSource,
    /// The alert, assessment or inspection it came from.
    #[serde(default)]
    pub source_id: Option<String>,
}

/// Records a hazard (police, departments and the unit itself may).
pub async fn report_hazard(store: &dyn Store, who: &Officer, input: HazardInput, now: DateTime<Utc>) -> Result<Hazard> {
    if who.inspection_kind().is_none() {
        return Err(SupervisionError::Forbidden("当前角色不能登记隐患".into()));
    }
    let title = check_text("隐患名称", &input.title, 200, true)?;
    let description = check_text("隐患描述", &input.description, 5000, false)?;
    let source_id = match input.source_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Some(check_text("来源编号", s, 64, true)?),
        None => None,
    };
    if input.source == HazardSource::Alert {
        if let Some(a) = &source_id {
            store.get_alert(&who.scope, a).await?;
        }
    }
    Ok(store
        .create_hazard(
            &who.scope,
            &NewHazard {
                unit_id: input.unit_id,
                source: input.source,
                source_id,
                inspection_id: None,
                item_code: None,
                class: input.class,
                title,
                description,
                org_id: None,
                created_by: who.name.clone(),
            },
            now,
        )
        .await?)
}

/// One action on a hazard as sent by a user.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct ActInput {
    /// The action and its fields, e.g. `{"action":"issue_order","deadline":"…"}`,
    /// `{"action":"escalate","rung":"interview","deadline":"…"}`,
    /// `{"action":"decide_fine","fine":{"harm":"serious_threat","unit_amount_yuan":20000,"persons":[]}}`.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub action: Action,
    /// Why (shown in the record and on the documents).
    #[serde(default)]
    pub reason: String,
    /// Evidence files already uploaded to the hazard (attachment ids).
    #[serde(default)]
    pub evidence: Vec<String>,
    /// The hazard version the user saw; a stale one is refused (409).
    #[serde(default)]
    pub expected_version: Option<i64>,
}

/// The credit entry a transition writes: becoming overdue (the deadline passing, or a failed
/// re-inspection after it), a rung, a fine or a transfer.
fn credit_kind(action: &Action, from: Phase, to: Phase) -> Option<EntryKind> {
    if to == Phase::Overdue && from != Phase::Overdue {
        return Some(EntryKind::Overdue);
    }
    match action {
        Action::Escalate { rung, .. } => Some(match rung {
            Rung::Circular => EntryKind::Circular,
            Rung::Interview => EntryKind::Interview,
            Rung::ListedSupervision => EntryKind::ListedSupervision,
            Rung::Referral => EntryKind::Referral,
        }),
        Action::DecideFine { .. } => Some(EntryKind::Fine),
        Action::TransferCriminal => Some(EntryKind::CriminalTransfer),
        _ => None,
    }
}

/// A credit entry of `kind` for a hazard's unit under the bureau's rule (points, validity).
fn credit_record(
    rule: &CreditRule,
    kind: EntryKind,
    h: &Hazard,
    basis: &str,
    by: &str,
    at: DateTime<Utc>,
) -> NewCreditRecord {
    let entry = rule.entry(kind);
    NewCreditRecord {
        unit_id: h.unit_id.clone(),
        kind,
        points: entry.points,
        source_id: Some(h.id.clone()),
        basis: basis.to_string(),
        reason: format!("{}：{}", kind.label_zh(), h.title),
        recorded_by: by.to_string(),
        expires_at: at + Duration::days(entry.valid_days),
    }
}

fn document_kind(action: &Action) -> Option<DocumentKind> {
    match action {
        Action::IssueOrder { .. } => Some(DocumentKind::RectificationOrder),
        Action::Escalate { rung, .. } => Some(DocumentKind::for_rung(*rung)),
        Action::DecideFine { .. } => Some(DocumentKind::PenaltyDecision),
        _ => None,
    }
}

const ART19_WARNING: &str = "逾期不整改，造成人身伤害、财产损失，或者严重威胁人身安全、公私财产安全或者公共安全的，将依据《企业事业单位内部治安保卫条例》第十九条，对你单位处一万元以上十万元以下的罚款，对单位主要负责人和其他直接责任人员处五百元以上五千元以下的罚款，并可以建议有关组织对单位主要负责人和其他直接责任人员依法给予处分；情节严重构成犯罪的，依法追究刑事责任。";

fn compose(
    kind: DocumentKind,
    h: &Hazard,
    case: &Case,
    iss: &Issuer,
    reason: &str,
    now: DateTime<Utc>,
    referral_to: &str,
) -> DocumentContent {
    let deadline = case.deadline.map(date_zh).unwrap_or_default();
    let mut paragraphs = Vec::new();
    let mut fields = vec![
        ("隐患名称".to_string(), h.title.clone()),
        ("隐患类别".to_string(), h.class.label_zh().to_string()),
    ];
    let mut addressee = format!("{}：", h.unit_name);
    let problem = if h.description.is_empty() {
        h.title.clone()
    } else {
        format!("{}（{}）", h.title, h.description)
    };
    match kind {
        DocumentKind::RectificationOrder => {
            paragraphs.push(format!(
                "经检查，你单位存在以下问题：{problem}。上述问题违反了《企业事业单位内部治安保卫条例》的有关规定。"
            ));
            paragraphs.push(format!(
                "根据《企业事业单位内部治安保卫条例》第十六条、第十九条之规定，现责令你单位于{deadline}前整改完毕，并予以警告。整改期间应当采取必要的防范措施，确保安全。"
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
                    "依据《浙江省社会治安综合治理条例》第二十八条之规定，决定约谈你单位主要负责人，并责令你单位于{deadline}前整改完毕。请你单位主要负责人按通知时间、地点接受约谈。"
                ),
                _ => format!(
                    "依据《浙江省社会治安综合治理条例》第二十八条、第二十九条之规定，决定对该问题挂牌督办，督办期限至{deadline}。自挂牌之日起六个月内，你单位不得评为综合性荣誉称号，单位相关责任领导不得评先受奖、提拔晋升；逾期未完成整改目标的，自期限届满之日起一年内不得评为综合性荣誉称号。"
                ),
            });
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
                paragraphs.push("罚款应当自收到本决定书之日起十五日内缴纳。如不服本决定，可以在收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。".into());
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

fn deadline_jobs(hazard_id: &str, deadline: DateTime<Utc>, reminder_days: &[i64], now: DateTime<Utc>) -> Vec<NewJob> {
    let mut jobs = vec![NewJob {
        kind: JobKind::HazardDeadline,
        subject_id: hazard_id.to_string(),
        due_at: deadline,
        payload: serde_json::json!({ "deadline": deadline.timestamp_millis() }),
    }];
    for d in reminder_days {
        let at = deadline - Duration::days(*d);
        if at > now {
            jobs.push(NewJob {
                kind: JobKind::HazardReminder,
                subject_id: hazard_id.to_string(),
                due_at: at,
                payload: serde_json::json!({ "deadline": deadline.timestamp_millis(), "days": d }),
            });
        }
    }
    jobs
}

/// Applies a user's action to a hazard: the ladder decides whether it is legal; the step,
/// document, credit entry and deadline jobs are written together. A concurrent change makes the
/// call retry (up to three times) unless the caller named the version it saw.
pub async fn act(
    store: &dyn Store,
    who: &Officer,
    hazard_id: &str,
    input: ActInput,
    now: DateTime<Utc>,
) -> Result<(Hazard, HazardStep)> {
    let actor = who
        .ladder_actor()
        .ok_or_else(|| SupervisionError::Forbidden("当前角色不能处置隐患".into()))?;
    let reason = check_text("说明", &input.reason, 1000, false)?;
    let mut input = input;
    // Deadlines are kept to the second (the database and the timers count milliseconds).
    match &mut input.action {
        Action::IssueOrder { deadline } => *deadline = deadline.trunc_subsecs(0),
        Action::RequestExtension { until } => *until = until.trunc_subsecs(0),
        Action::Escalate {
            deadline,
            severe_event_at,
            ..
        } => {
            *deadline = deadline.trunc_subsecs(0);
            *severe_event_at = severe_event_at.map(|t| t.trunc_subsecs(0));
        }
        _ => {}
    }
    if input.evidence.len() > 20 {
        return Err(invalid("佐证材料不超过20个"));
    }
    let evidence: Vec<Attachment> = store.list_attachments(&who.scope, "hazard", hazard_id).await?;
    for e in &input.evidence {
        if !evidence.iter().any(|a| &a.id == e) {
            return Err(invalid("佐证材料不属于该隐患"));
        }
    }
    if matches!(input.action, Action::SubmitRectification) && input.evidence.is_empty() {
        return Err(invalid("提交整改报告须附整改佐证材料（照片或文件）"));
    }
    if matches!(input.action, Action::FixOnSpot) && input.evidence.is_empty() {
        return Err(invalid("当场整改须附佐证材料"));
    }
    if matches!(
        input.action,
        Action::SubmitRectification | Action::RequestExtension { .. }
    ) && reason.is_empty()
    {
        return Err(invalid("请填写整改情况或延期理由"));
    }
    let mut attempts = 0;
    loop {
        attempts += 1;
        let h = store.get_hazard(&who.scope, hazard_id).await?;
        if let Some(v) = input.expected_version {
            if v != h.version {
                return Err(SupervisionError::State("隐患已被他人更新，请刷新后重试".into()));
            }
        }
        match apply_once(store, who, actor, &h, &input, &reason, now).await {
            Err(SupervisionError::Store(StoreError::Conflict(_)))
                if attempts < 3 && input.expected_version.is_none() =>
            {
                continue
            }
            Err(SupervisionError::Store(StoreError::Conflict(_))) => {
                return Err(SupervisionError::State("隐患已被他人更新，请刷新后重试".into()))
            }
            other => return other,
        }
    }
}

async fn apply_once(
    store: &dyn Store,
    who: &Officer,
    actor: Actor,
    h: &Hazard,
    input: &ActInput,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(Hazard, HazardStep)> {
    // The ladder order and deadlines are those of the bureau that ordered rectification (or the
    // acting officer's bureau before any order).
    let order_org = h.org_id.clone().or_else(|| who.org_id.clone());
    let bureau = settings(store, order_org.as_deref()).await?;
    if let Action::IssueOrder { deadline } | Action::Escalate { deadline, .. } = &input.action {
        if *deadline > now + Duration::days(bureau.deadlines.max_days) {
            return Err(invalid(format!("整改期限不超过{}日", bureau.deadlines.max_days)));
        }
    }
    let mut case = h.case_state.clone();
    let before = case.clone();
    let t = case.apply(actor, input.action.clone(), now, &bureau.ladder)?;
    let doc_kind = document_kind(&input.action);
    let iss = if doc_kind.is_some() {
        Some(issuer(store, who).await?)
    } else {
        None
    };
    let referral_to = if matches!(
        input.action,
        Action::Escalate {
            rung: Rung::Referral,
            ..
        }
    ) {
        let unit = store.get_unit(&who.scope, &h.unit_id).await?;
        unit.competent_department_name.unwrap_or_default()
    } else {
        String::new()
    };
    let document = match (doc_kind, &iss) {
        (Some(kind), Some(iss)) => Some(DocumentDraft {
            kind,
            org_id: iss.org_id.clone(),
            prefix: iss.prefix.clone(),
            department: iss.department.clone(),
            year: now.with_timezone(&Shanghai).year(),
            unit_id: h.unit_id.clone(),
            hazard_id: Some(h.id.clone()),
            inspection_id: h.inspection_id.clone(),
            content: compose(kind, h, &case, iss, reason, now, &referral_to),
            issued_by: who.name.clone(),
        }),
        _ => None,
    };
    let credit = credit_kind(&input.action, t.from, t.to)
        .map(|kind| credit_record(&bureau.credit, kind, h, t.legal_basis, &who.name, now));
    let jobs = match case.deadline {
        Some(d) if case.phase == Phase::Rectifying && before.deadline != case.deadline => {
            deadline_jobs(&h.id, d, &bureau.reminder_days, now)
        }
        _ => Vec::new(),
    };
    let mut detail = serde_json::to_value(&input.action).unwrap_or_default();
    if let serde_json::Value::Object(m) = &mut detail {
        m.insert("evidence".into(), serde_json::json!(input.evidence));
        if let Some(d) = case.deadline {
            m.insert("deadline_after".into(), serde_json::json!(d));
        }
    }
    let org_id = if actor == Actor::Police {
        who.org_id.clone()
    } else {
        None
    };
    Ok(store
        .update_hazard(
            &who.scope,
            &HazardUpdate {
                hazard_id: h.id.clone(),
                expected_version: h.version,
                from: t.from,
                case_state: case,
                step: StepDraft {
                    action: t.action.code().into(),
                    actor_id: Some(who.user_id.clone()),
                    actor_name: who.name.clone(),
                    reason: reason.to_string(),
                    legal_basis: t.legal_basis.into(),
                    detail,
                    dedup_key: None,
                },
                document,
                credit,
                jobs,
                org_id,
            },
            now,
        )
        .await?)
}

/// The default deadline for a hazard class under the officer's bureau settings.
pub async fn default_deadline(
    store: &dyn Store,
    who: &Officer,
    class: HazardClass,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>> {
    let s = settings(store, who.org_id.as_deref()).await?;
    Ok(deadline_after_days(now, s.deadlines.days_for(class)))
}

// ---------------------------------------------------------------- timers

fn payload_deadline(job: &Job) -> Option<i64> {
    job.payload.get("deadline").and_then(|v| v.as_i64())
}

/// Runs a deadline job: if the hazard is still rectifying under that deadline, it becomes
/// overdue (as of the deadline) with its credit entry. Otherwise (rectified, extended,
/// escalated) nothing happens. Running it twice changes nothing the second time.
pub async fn on_deadline(store: &dyn Store, job: &Job) -> anyhow::Result<()> {
    let h = match store.get_hazard(&Scope::All, &job.subject_id).await {
        Ok(h) => h,
        Err(StoreError::NotFound) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    if h.phase != Phase::Rectifying || h.deadline.map(|d| d.timestamp_millis()) != payload_deadline(job) {
        return Ok(());
    }
    let bureau = settings(store, h.org_id.as_deref()).await?;
    let mut case = h.case_state.clone();
    // The job's time is stored to the millisecond; the deadline itself is the moment it passed.
    let at = job.due_at.max(case.deadline.unwrap_or(job.due_at));
    let t = match case.apply(Actor::System, Action::MarkOverdue, at, &bureau.ladder) {
        Ok(t) => t,
        Err(_) => return Ok(()),
    };
    store
        .update_hazard(
            &Scope::All,
            &HazardUpdate {
                hazard_id: h.id.clone(),
                expected_version: h.version,
                from: t.from,
                case_state: case,
                step: StepDraft {
                    action: t.action.code().into(),
                    actor_id: None,
                    actor_name: "系统".into(),
                    reason: "整改期限届满，未经复查合格".into(),
                    legal_basis: t.legal_basis.into(),
                    detail: serde_json::json!({ "job": job.id }),
                    dedup_key: Some(format!("deadline:{}", job.id)),
                },
                document: None,
                credit: Some(credit_record(
                    &bureau.credit,
                    EntryKind::Overdue,
                    &h,
                    t.legal_basis,
                    "系统",
                    at,
                )),
                jobs: Vec::new(),
                org_id: None,
            },
            at,
        )
        .await?;
    Ok(())
}

/// Runs a reminder job: records a reminder step (距整改期限还有 N 日) on a hazard still
/// rectifying under that deadline; the job id keys the step, so it is written once.
pub async fn on_reminder(store: &dyn Store, job: &Job) -> anyhow::Result<()> {
    let h = match store.get_hazard(&Scope::All, &job.subject_id).await {
        Ok(h) => h,
        Err(StoreError::NotFound) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    if h.phase != Phase::Rectifying || h.deadline.map(|d| d.timestamp_millis()) != payload_deadline(job) {
        return Ok(());
    }
    let days = job.payload.get("days").and_then(|v| v.as_i64()).unwrap_or(0);
    let update = HazardUpdate {
        hazard_id: h.id.clone(),
        expected_version: h.version,
        from: h.phase,
        case_state: h.case_state.clone(),
        step: StepDraft {
            action: "remind".into(),
            actor_id: None,
            actor_name: "系统".into(),
            reason: format!(
                "距整改期限还有{days}日（{}）",
                h.deadline.map(date_zh).unwrap_or_default()
            ),
            legal_basis: String::new(),
            detail: serde_json::json!({ "job": job.id, "days": days }),
            dedup_key: Some(format!("reminder:{}", job.id)),
        },
        document: None,
        credit: None,
        jobs: Vec::new(),
        org_id: None,
    };
    match store.update_hazard(&Scope::All, &update, job.due_at).await {
        Ok(_) => Ok(()),
        Err(StoreError::Conflict(_)) => {
            let steps = store.hazard_steps(&Scope::All, &h.id).await?;
            if steps
                .iter()
                .any(|s| s.detail.get("job").and_then(|j| j.as_str()) == Some(job.id.as_str()))
            {
                Ok(())
            } else {
                anyhow::bail!("hazard changed while reminding; retried later")
            }
        }
        Err(e) => Err(e.into()),
    }
}

/// The scheduler handler of `JobKind::HazardDeadline`.
pub fn deadline_handler(store: Arc<dyn Store>) -> Handler {
    Arc::new(move |job| {
        let store = store.clone();
        Box::pin(async move { on_deadline(store.as_ref(), &job).await })
    })
}

/// The scheduler handler of `JobKind::HazardReminder`.
pub fn reminder_handler(store: Arc<dyn Store>) -> Handler {
    Arc::new(move |job| {
        let store = store.clone();
        Box::pin(async move { on_reminder(store.as_ref(), &job).await })
    })
}

// ---------------------------------------------------------------- credit and due list

/// A unit's credit: score, grade, inspection interval and records.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CreditSummary {
    pub unit_id: String,
    pub score: i64,
    pub grade: Grade,
    pub interval_days: i64,
    pub last_inspected_at: Option<DateTime<Utc>>,
    pub next_due_at: DateTime<Utc>,
    pub records: Vec<CreditRecord>,
    /// The rule the grade came from.
    pub rule: CreditRule,
}

/// A unit's credit summary under the officer's bureau rule (or the default).
pub async fn credit_summary(
    store: &dyn Store,
    who: &Officer,
    unit_id: &str,
    now: DateTime<Utc>,
) -> Result<CreditSummary> {
    let records = store.credit_records(&who.scope, unit_id).await?;
    let standing = store
        .unit_standings(
            &who.scope,
            &StandingFilter {
                unit_id: Some(unit_id.to_string()),
                ..Default::default()
            },
            now,
        )
        .await?
        .into_iter()
        .next()
        .ok_or(StoreError::NotFound)?;
    let rule = settings(store, who.org_id.as_deref()).await?.credit;
    let (score, grade) = grade_of(&rule, &standing);
    let interval_days = rule.interval_days(grade);
    Ok(CreditSummary {
        unit_id: unit_id.to_string(),
        score,
        grade,
        interval_days,
        last_inspected_at: standing.last_inspected_at,
        next_due_at: standing
            .last_inspected_at
            .map_or(now, |t| t + Duration::days(interval_days)),
        records,
        rule,
    })
}

/// A unit due for inspection.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DueUnit {
    pub unit_id: String,
    pub unit_name: String,
    pub division_code: String,
    pub grade: Grade,
    pub score: i64,
    pub interval_days: i64,
    pub last_inspected_at: Option<DateTime<Utc>>,
    pub due_at: DateTime<Utc>,
    pub open_hazards: i64,
}

/// Units in scope whose inspection is due by `now` (never inspected, or last police/department
/// inspection older than the grade's interval), most overdue first (at most `limit`).
pub async fn units_due(store: &dyn Store, who: &Officer, now: DateTime<Utc>, limit: usize) -> Result<Vec<DueUnit>> {
    let rule = settings(store, who.org_id.as_deref()).await?.credit;
    let mut due: Vec<DueUnit> = store
        .unit_standings(&who.scope, &StandingFilter::default(), now)
        .await?
        .into_iter()
        .filter_map(|s| {
            let (score, grade) = grade_of(&rule, &s);
            let interval_days = rule.interval_days(grade);
            // Never inspected: due now.
            let due_at = s.last_inspected_at.map_or(now, |t| t + Duration::days(interval_days));
            (due_at <= now).then_some(DueUnit {
                unit_id: s.unit_id,
                unit_name: s.unit_name,
                division_code: s.division_code,
                grade,
                score,
                interval_days,
                last_inspected_at: s.last_inspected_at,
                due_at,
                open_hazards: s.open_hazards,
            })
        })
        .collect();
    // Worst grade first, then never inspected, then longest overdue.
    due.sort_by(|a, b| {
        b.grade
            .cmp(&a.grade)
            .then(a.last_inspected_at.is_some().cmp(&b.last_inspected_at.is_some()))
            .then(a.due_at.cmp(&b.due_at))
    });
    due.truncate(limit);
    Ok(due)
}
