//! The phone-sized inspection form: starting an inspection, the checklist by defence with each
//! item's result and note, the record (R22) and the typed signature, saving the draft and
//! submitting it; after submission its score, hazards, record document and evidence; and the
//! 指派检查人 form for whoever may assign it.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use neibao_domain::supervision::checklist::{Defence, ItemResult};
use neibao_domain::supervision::{
    Inspection, InspectionKind, InspectionRecord, InspectionStatus, ItemOutcome, Signature,
};
use neibao_domain::unit_records::{RecordLine, UnitRecords};
use neibao_engine::supervision::AssigneeInput;

use super::rows::{parse_date, AttRow, DocRow, HazardRow, InspectionRow, NoticeQuery};
use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{field, fields, status_of, with_status, Fields};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{fmt_time, Nav};

/// `POST /inspections`: starts an inspection of a unit (a unit manager's self-inspection).
pub async fn start_inspection(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let r = async {
        let due = match field(&f, "due_date").trim() {
            "" => None,
            d => Some(parse_date(d, "检查截止日期")?),
        };
        let unit_id = match field(&f, "unit_id").trim() {
            "" => u.principal.unit_id.clone().unwrap_or_default(),
            id => id.to_string(),
        };
        Ok::<_, ApiError>(
            state
                .services
                .supervision
                .start_inspection(&u.principal, &unit_id, due)
                .await?,
        )
    }
    .await;
    match r {
        Ok(i) => Redirect::to(&format!("/inspections/{}", i.id)).into_response(),
        Err(e) => error_page(&u, e),
    }
}

pub struct ItemRow {
    pub code: String,
    pub title: String,
    pub basis: String,
    pub evidence: String,
    pub critical: bool,
    /// `pass`, `fail`, `not_applicable` or empty.
    pub result: &'static str,
    pub result_label: &'static str,
    pub note: String,
    /// The unit's own records bearing on the item (shown while the inspection is filled in).
    pub records: Vec<RecordLine>,
}

pub struct DefenceGroup {
    pub label: &'static str,
    pub items: Vec<ItemRow>,
    /// Earned / applicable points after submission.
    pub score: String,
}

pub struct DefenceScoreRow {
    pub label: &'static str,
    pub earned: String,
    pub applicable: String,
    pub percent: String,
}

fn result_code(r: ItemResult) -> &'static str {
    match r {
        ItemResult::Pass => "pass",
        ItemResult::Fail => "fail",
        ItemResult::NotApplicable => "not_applicable",
    }
}

fn result_label(r: ItemResult) -> &'static str {
    match r {
        ItemResult::Pass => "合格",
        ItemResult::Fail => "不合格",
        ItemResult::NotApplicable => "不适用",
    }
}

fn result_from(s: &str) -> Option<ItemResult> {
    [ItemResult::Pass, ItemResult::Fail, ItemResult::NotApplicable]
        .into_iter()
        .find(|r| result_code(*r) == s)
}

const DEFENCES: [Defence; 5] = [
    Defence::Institutional,
    Defence::Human,
    Defence::Physical,
    Defence::Technical,
    Defence::Psychological,
];

pub const METHODS: [&str; 4] = ["询问", "查阅", "调取", "实地查看"];
pub const SIGNATURE_ROLES: [&str; 3] = ["检查人员", "被检查单位陪同人员", "见证人"];
pub const INSPECTION_TYPES: [&str; 4] = ["定期检查", "专项检查", "复查", "日常检查"];

/// What the inspection form holds: stored, or as just sent when it was refused.
pub struct InspectionWork {
    record: InspectionRecord,
    results: Vec<ItemOutcome>,
    /// Notes of items without a result yet (kept when a refused form is shown again).
    notes: HashMap<String, String>,
}

/// Reads the inspection form: the record fields, `r:CODE` results and `n:CODE` notes, the typed
/// signature.
fn work_from_form(f: &Fields, stored: &InspectionRecord, now: DateTime<Utc>) -> InspectionWork {
    let officers = field(f, "officers")
        .split([',', '，', '、', ';', '；'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let sig_name = field(f, "sig_name").trim();
    let signatures = if sig_name.is_empty() {
        Vec::new()
    } else {
        vec![Signature {
            name: sig_name.to_string(),
            role: field(f, "sig_role").trim().to_string(),
            at: now,
        }]
    };
    let record = InspectionRecord {
        started_at: stored.started_at.or(Some(now)),
        ended_at: stored.ended_at,
        place: field(f, "place").to_string(),
        location: stored.location.clone(),
        officers,
        accompanying_person: field(f, "accompanying_person").to_string(),
        witness: field(f, "witness").to_string(),
        witness_absent_reason: field(f, "witness_absent_reason").to_string(),
        purpose: field(f, "purpose").to_string(),
        inspection_type: field(f, "inspection_type").to_string(),
        methods: fields(f, "methods").into_iter().map(str::to_string).collect(),
        notes: field(f, "notes").to_string(),
        signatures,
    };
    let mut notes = HashMap::new();
    for (k, v) in f {
        if let Some(code) = k.strip_prefix("n:") {
            if !v.trim().is_empty() {
                notes.insert(code.to_string(), v.clone());
            }
        }
    }
    let results = f
        .iter()
        .filter_map(|(k, v)| {
            let code = k.strip_prefix("r:")?;
            Some(ItemOutcome {
                code: code.to_string(),
                result: result_from(v)?,
                note: notes.get(code).cloned().unwrap_or_default(),
            })
        })
        .collect();
    InspectionWork { record, results, notes }
}

#[derive(Template)]
#[template(path = "supervision/inspection.html")]
struct InspectionPage {
    nav: Nav,
    i: InspectionRow,
    campaign_id: String,
    checklist_title: String,
    editable: bool,
    groups: Vec<DefenceGroup>,
    /// The unit's records bearing on no item of this checklist.
    other_records: Vec<RecordLine>,
    place: String,
    officers: String,
    accompanying_person: String,
    witness: String,
    witness_absent_reason: String,
    /// A police or department inspection: the record needs the accompanying person and a
    /// witness (or why there is none).
    needs_witness: bool,
    purpose: String,
    inspection_type: String,
    notes: String,
    methods: Vec<(&'static str, bool)>,
    inspection_types: Vec<&'static str>,
    sig_name: String,
    /// (role, selected)
    sig_roles: Vec<(&'static str, bool)>,
    times: String,
    signatures: Vec<String>,
    total_score: String,
    capped: bool,
    defence_scores: Vec<DefenceScoreRow>,
    hazards: Vec<HazardRow>,
    documents: Vec<DocRow>,
    attachments: Vec<AttRow>,
    upload_action: String,
    /// The 指派检查人 select (user id, name, current): the active police of the organisation
    /// holding the inspection, when the viewer may assign it; empty otherwise.
    assignees: Vec<(String, String, bool)>,
    error: Option<String>,
    notice: Option<String>,
}

/// `GET /inspections/{id}`.
pub async fn inspection(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Response {
    let notice = if !q.saved.is_empty() {
        Some("草稿已保存".to_string())
    } else if !q.uploaded.is_empty() {
        Some("材料已上传".to_string())
    } else if q.done == "assign" {
        Some("已指派检查人".to_string())
    } else {
        None
    };
    inspection_page(&state, &u, &id, None, None, notice).await
}

/// Who the viewer may assign an inspection (not submitted) to: the active police of the
/// organisation holding it, when the viewer may act for that organisation (else none).
async fn assignable(state: &AppState, u: &CurrentUser, i: &Inspection) -> Vec<(String, String, bool)> {
    let Some(org) = i.org_id.clone().filter(|_| i.status != InspectionStatus::Submitted) else {
        return Vec::new();
    };
    match state
        .services
        .supervision
        .dispatch_options(&u.principal, std::slice::from_ref(&org))
        .await
    {
        Ok((may, officers)) if may.contains(&org) => officers
            .into_iter()
            .map(|o| {
                let current = i.assignee_id.as_deref() == Some(o.user_id.as_str());
                (o.user_id, o.display_name, current)
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// `POST /inspections/{id}/assignee`: assigns the inspection to an officer of the organisation
/// holding it (指派检查人); refused, the page again with the reason.
pub async fn assign(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let input = AssigneeInput {
        user_id: field(&f, "user_id").to_string(),
    };
    match state
        .services
        .supervision
        .assign_inspection(&u.principal, &id, input)
        .await
    {
        Ok(_) => Redirect::to(&format!("/inspections/{id}?done=assign")).into_response(),
        Err(e) => inspection_page(&state, &u, &id, None, Some(e.into()), None).await,
    }
}

/// The inspection page; `sent` is the form as just sent when it was refused with `error`.
pub async fn inspection_page(
    state: &AppState,
    u: &CurrentUser,
    id: &str,
    sent: Option<InspectionWork>,
    error: Option<ApiError>,
    notice: Option<String>,
) -> Response {
    let now = Utc::now();
    let d = match state.services.supervision.inspection_detail(&u.principal, id).await {
        Ok(d) => d,
        Err(e) => return error_page(u, e.into()),
    };
    let i = &d.inspection;
    let editable = d.editable;
    let assignees = assignable(state, u, i).await;
    // The unit's records as they are now, beside the items, while the inspection is filled in;
    // a failure to read them leaves the form usable without them.
    let records = if editable {
        neibao_engine::unit_records::for_unit(&state.services, &u.principal, &i.unit_id)
            .await
            .unwrap_or_else(|e| {
                tracing::warn!(code = ?e.error_code(), "unit records for an inspection");
                UnitRecords {
                    unit_id: i.unit_id.clone(),
                    lines: Vec::new(),
                }
            })
    } else {
        UnitRecords {
            unit_id: i.unit_id.clone(),
            lines: Vec::new(),
        }
    };
    let codes: Vec<&str> = d.checklist.items.iter().map(|it| it.code.as_str()).collect();
    let other_records: Vec<RecordLine> = records.unmatched(&codes).into_iter().cloned().collect();
    let work = sent.unwrap_or_else(|| InspectionWork {
        record: i.record.clone(),
        results: i.results.clone(),
        notes: HashMap::new(),
    });
    let mut groups: Vec<DefenceGroup> = Vec::new();
    for defence in DEFENCES {
        let items: Vec<ItemRow> = d
            .checklist
            .items
            .iter()
            .filter(|it| it.defence == defence)
            .map(|it| {
                let outcome = work.results.iter().find(|r| r.code == it.code);
                ItemRow {
                    code: it.code.clone(),
                    title: it.title.clone(),
                    basis: it.basis.clone(),
                    evidence: it.evidence.clone(),
                    critical: it.critical,
                    result: outcome.map(|o| result_code(o.result)).unwrap_or(""),
                    result_label: outcome.map(|o| result_label(o.result)).unwrap_or("未填写"),
                    note: outcome
                        .map(|o| o.note.clone())
                        .filter(|n| !n.is_empty())
                        .or_else(|| work.notes.get(&it.code).cloned())
                        .unwrap_or_default(),
                    records: records.for_item(&it.code).into_iter().cloned().collect(),
                }
            })
            .collect();
        if items.is_empty() {
            continue;
        }
        let score = i
            .score
            .as_ref()
            .and_then(|s| s.by_defence.iter().find(|b| b.defence == defence))
            .map(|b| format!("{:.1} / {:.1}", b.earned, b.applicable))
            .unwrap_or_default();
        groups.push(DefenceGroup {
            label: defence.label_zh(),
            items,
            score,
        });
    }
    let r = &work.record;
    let signature = r.signatures.first();
    let default_signer = if editable && r.signatures.is_empty() {
        u.principal.display_name.clone()
    } else {
        String::new()
    };
    let sig_role = signature.map(|s| s.role.clone()).unwrap_or_else(|| {
        if i.kind == InspectionKind::SelfInspection {
            "被检查单位陪同人员".into()
        } else {
            "检查人员".into()
        }
    });
    let times = match (r.started_at, r.ended_at) {
        (Some(a), Some(b)) => format!("{} 至 {}", fmt_time(a), fmt_time(b)),
        (Some(a), None) => format!("{} 开始", fmt_time(a)),
        _ => String::new(),
    };
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    let page = render(&InspectionPage {
        nav: Nav::new(u),
        i: InspectionRow::new(i, now),
        campaign_id: i.campaign_id.clone().unwrap_or_default(),
        checklist_title: format!("{}（第{}版）", d.checklist.title, d.checklist.version),
        editable,
        groups,
        other_records,
        place: r.place.clone(),
        officers: r.officers.join("，"),
        accompanying_person: r.accompanying_person.clone(),
        witness: r.witness.clone(),
        witness_absent_reason: r.witness_absent_reason.clone(),
        needs_witness: i.kind != InspectionKind::SelfInspection,
        purpose: r.purpose.clone(),
        inspection_type: r.inspection_type.clone(),
        notes: r.notes.clone(),
        methods: METHODS.iter().map(|m| (*m, r.methods.iter().any(|x| x == m))).collect(),
        inspection_types: INSPECTION_TYPES.to_vec(),
        sig_name: signature.map(|s| s.name.clone()).unwrap_or(default_signer),
        sig_roles: SIGNATURE_ROLES.iter().map(|r| (*r, *r == sig_role)).collect(),
        times,
        signatures: r
            .signatures
            .iter()
            .map(|s| {
                format!(
                    "{}：{}（{}）",
                    if s.role.is_empty() { "签名" } else { &s.role },
                    s.name,
                    fmt_time(s.at)
                )
            })
            .collect(),
        total_score: i.score.as_ref().map(|s| format!("{:.1}", s.total)).unwrap_or_default(),
        capped: i.score.as_ref().is_some_and(|s| s.capped_by_critical),
        defence_scores: i
            .score
            .as_ref()
            .map(|s| {
                s.by_defence
                    .iter()
                    .map(|b| DefenceScoreRow {
                        label: b.defence.label_zh(),
                        earned: format!("{:.1}", b.earned),
                        applicable: format!("{:.1}", b.applicable),
                        percent: if b.applicable > 0.0 {
                            format!("{:.0}%", b.earned / b.applicable * 100.0)
                        } else {
                            "—".into()
                        },
                    })
                    .collect()
            })
            .unwrap_or_default(),
        hazards: d.hazards.iter().map(|h| HazardRow::new(h, now)).collect(),
        documents: d.documents.iter().map(DocRow::new).collect(),
        attachments: d.attachments.iter().map(AttRow::new).collect(),
        assignees,
        upload_action: format!("/inspections/{}/evidence", i.id),
        error: error.map(|e| e.message),
        notice,
    });
    with_status(page, status)
}

/// `POST /inspections/{id}`: saves the draft, or submits it (`submit=submit`).
///
/// A refused submission saves what was typed as the draft before the form is shown again with
/// the refusal, so a reload or a later sign-in finds it. The page's autosave (`autosave=1`,
/// static/app.js, a few seconds after the last keystroke) saves the draft the same way and is
/// answered 204 without a page.
pub async fn save_inspection(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let now = Utc::now();
    let sv = &state.services.supervision;
    let stored = match sv.inspection(&u.principal, &id).await {
        Ok(i) => i,
        Err(e) => return error_page(&u, e.into()),
    };
    let work = work_from_form(&f, &stored.record, now);
    let submit = field(&f, "submit") == "submit";
    let r = if submit {
        sv.submit_inspection(&u.principal, &id, &work.record, &work.results)
            .await
            .map(|_| ())
    } else {
        sv.save_inspection(&u.principal, &id, &work.record, &work.results)
            .await
            .map(|_| ())
    };
    match r {
        Ok(()) if submit => Redirect::to(&format!("/inspections/{id}")).into_response(),
        Ok(()) if field(&f, "autosave") == "1" => StatusCode::NO_CONTENT.into_response(),
        Ok(()) => Redirect::to(&format!("/inspections/{id}?saved=1")).into_response(),
        Err(e) => {
            let mut e = ApiError::from(e);
            if submit
                && sv
                    .save_inspection(&u.principal, &id, &work.record, &work.results)
                    .await
                    .is_ok()
            {
                e.message = format!("{}（已填写的内容已保存为草稿）", e.message);
            }
            inspection_page(&state, &u, &id, Some(work), Some(e), None).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> Fields {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn the_inspection_form_keeps_results_notes_and_the_signature() {
        let f = form(&[
            ("place", "监控室"),
            ("officers", "张三，李四, 王五"),
            ("methods", "询问"),
            ("methods", "实地查看"),
            ("r:Z1", "pass"),
            ("r:W2", "fail"),
            ("n:W2", "库房门锁损坏"),
            ("n:Z3", "未见会议纪要"),
            ("r:Z9", "bogus"),
            ("sig_name", " 张三 "),
            ("sig_role", "检查人员"),
        ]);
        let now = Utc::now();
        let w = work_from_form(&f, &InspectionRecord::default(), now);
        assert_eq!(w.record.officers, ["张三", "李四", "王五"]);
        assert_eq!(w.record.methods, ["询问", "实地查看"]);
        assert_eq!(w.record.started_at, Some(now));
        assert_eq!(w.record.signatures.len(), 1);
        assert_eq!(w.record.signatures[0].name, "张三");
        assert_eq!(w.results.len(), 2, "an unknown result value is left out");
        assert_eq!(w.results[1].note, "库房门锁损坏");
        assert_eq!(w.notes.get("Z3").map(String::as_str), Some("未见会议纪要"));
    }
}
