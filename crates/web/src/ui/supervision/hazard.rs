//! A hazard's page: its state, deadline and rungs, the timeline of its steps with their
//! documents and evidence, and the forms of the ladder actions that fit the viewer's side and
//! the hazard's phase (the ladder state machine still decides; a refusal is shown on the page).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use neibao_domain::attachments::Attachment;
use neibao_domain::supervision::calendar::{beijing_noon, date_zh, deadline_after_days, end_of_day};
use neibao_domain::supervision::ladder::{Action, Actor, FineDecision, Harm, PersonFine, Phase, Rung};
use neibao_domain::supervision::HazardStep;
use neibao_engine::supervision::ActInput;

use super::rows::{date_value, parse_date, AttRow, DocRow, HazardRow, NoticeQuery};
use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{field, fields, parse_local, some_text, status_of, with_status, Fields, Sent};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{fmt_time, Nav};

pub struct StepRow {
    /// The step's id (the object of its reveal).
    pub id: String,
    pub at: String,
    pub actor: String,
    pub code: String,
    pub label: String,
    pub phases: String,
    pub reason: String,
    pub basis: String,
    pub extra: String,
    pub document_id: String,
    pub document_number: String,
    pub evidence: Vec<(String, String)>,
}

/// The zh-CN label of a recorded step (`HazardStep::action`).
fn step_label(action: &str, detail: &serde_json::Value) -> String {
    let label = match action {
        "detect" => "登记隐患",
        "issue_order" => "责令限期整改并警告",
        "fix_on_spot" => "当场整改",
        "dismiss" => "不构成隐患，销号",
        "submit_rectification" => "提交整改报告",
        "recheck_pass" => "复查合格",
        "recheck_fail" => "复查不合格",
        "request_extension" => "申请延期",
        "approve_extension" => "批准延期",
        "refuse_extension" => "不予延期",
        "mark_overdue" => "逾期未整改",
        "decide_fine" => "作出罚款决定",
        "transfer_criminal" => "移送司法机关",
        "remind" => "整改期限提醒",
        "escalate" => {
            return match detail.get("rung").and_then(|r| r.as_str()).and_then(Rung::from_code) {
                Some(rung) => format!("升级督办：{}", rung.label_zh()),
                None => "升级督办".into(),
            }
        }
        other => other,
    };
    label.to_string()
}

/// The banner after an action (`?done=…`, and `&rung=…` after an escalation), as a sentence:
/// "已升级督办，采取约谈措施，约谈通知书已生成。", "已完成：复查合格。". None for an unknown action.
fn done_notice(action: &str, rung: &str) -> Option<String> {
    if !action.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') || action.is_empty() {
        return None;
    }
    if action == "escalate" {
        return Some(match Rung::from_code(rung) {
            Some(r) => format!(
                "已升级督办，采取{}措施，{}已生成。",
                r.label_zh(),
                neibao_domain::documents::DocumentKind::for_rung(r).title_zh()
            ),
            None => "已升级督办。".into(),
        });
    }
    let label = step_label(action, &serde_json::Value::Null);
    if label == action {
        return None;
    }
    Some(format!("已完成：{label}。"))
}

fn detail_date(detail: &serde_json::Value, key: &str) -> Option<String> {
    let s = detail.get(key)?.as_str()?;
    let t = DateTime::parse_from_rfc3339(s).ok()?.with_timezone(&Utc);
    Some(date_zh(t))
}

fn step_row(s: &HazardStep, attachments: &[Attachment]) -> StepRow {
    let mut extra = Vec::new();
    if let Some(d) = detail_date(&s.detail, "deadline") {
        extra.push(format!("整改期限：{d}"));
    }
    if let Some(d) = detail_date(&s.detail, "until") {
        extra.push(format!("申请延至：{d}"));
    }
    if let Some(d) = detail_date(&s.detail, "severe_event_at") {
        extra.push(format!("特别严重事件：{d}"));
    }
    if s.action == "decide_fine" {
        if let Some(fine) = s
            .detail
            .get("fine")
            .and_then(|f| serde_json::from_value::<FineDecision>(f.clone()).ok())
        {
            extra.push(fine_text(&fine));
        }
    }
    if s.action == "approve_extension" {
        if let Some(d) = detail_date(&s.detail, "deadline_after") {
            extra.push(format!("新整改期限：{d}"));
        }
    }
    let evidence = s
        .detail
        .get("evidence")
        .and_then(|e| e.as_array())
        .map(|ids| {
            ids.iter()
                .filter_map(|id| id.as_str())
                .map(|id| {
                    let name = attachments
                        .iter()
                        .find(|a| a.id == id)
                        .map(|a| a.name.clone())
                        .unwrap_or_else(|| "佐证材料".into());
                    (id.to_string(), name)
                })
                .collect()
        })
        .unwrap_or_default();
    StepRow {
        id: s.id.clone(),
        at: fmt_time(s.at),
        actor: s.actor_name.clone(),
        code: s.action.clone(),
        label: step_label(&s.action, &s.detail),
        phases: if s.from_phase == s.to_phase {
            s.to_phase.label_zh().to_string()
        } else {
            format!("{} → {}", s.from_phase.label_zh(), s.to_phase.label_zh())
        },
        reason: s.reason.clone(),
        basis: s.legal_basis.clone(),
        extra: extra.join("；"),
        document_id: s.document_id.clone().unwrap_or_default(),
        document_number: s.document_number.clone().unwrap_or_default(),
        evidence,
    }
}

fn fine_text(f: &FineDecision) -> String {
    let mut parts = vec![format!("单位罚款人民币{}元", f.unit_amount_yuan)];
    for p in &f.persons {
        parts.push(format!("{}罚款人民币{}元", p.name, p.amount_yuan));
    }
    if f.recommend_discipline {
        parts.push("建议给予处分".into());
    }
    format!("{}（{}）", parts.join("；"), f.harm.label_zh())
}

const HARMS: [(&str, Harm); 2] = [
    ("injury_or_loss", Harm::InjuryOrLoss),
    ("serious_threat", Harm::SeriousThreat),
];

#[derive(Template)]
#[template(path = "supervision/hazard.html")]
struct HazardPage {
    nav: Nav,
    h: HazardRow,
    description: String,
    version: i64,
    created: String,
    created_source: String,
    inspection_id: String,
    /// The drill a drill shortfall's hazard came from (docs/DRILLS.md), "" otherwise.
    drill_id: String,
    rungs: String,
    honours_bar: String,
    fine: String,
    extension: String,
    steps: Vec<StepRow>,
    documents: Vec<DocRow>,
    attachments: Vec<AttRow>,
    upload_action: String,
    f_issue: bool,
    f_recheck: bool,
    f_extension: bool,
    f_escalate: bool,
    f_fine: bool,
    f_transfer: bool,
    f_rectify: bool,
    f_request_extension: bool,
    f_upload: bool,
    default_deadline: String,
    min_date: String,
    next_rungs: Vec<(&'static str, &'static str)>,
    harms: Vec<(&'static str, &'static str)>,
    /// The escalation form as last sent (kept when it was refused).
    esc: EscalateForm,
    /// Any other refused form as sent (by its ladder action).
    sent: Sent,
    error: Option<String>,
    notice: Option<String>,
}

/// What the escalation form holds: empty, or as just sent when it was refused.
#[derive(Default)]
struct EscalateForm {
    rung: String,
    deadline: String,
    severe_event: String,
    interview_at: String,
    interview_place: String,
    reason: String,
}

impl EscalateForm {
    fn from_sent(f: &Fields) -> EscalateForm {
        if field(f, "action") != "escalate" {
            return EscalateForm::default();
        }
        EscalateForm {
            rung: field(f, "rung").to_string(),
            deadline: field(f, "deadline").to_string(),
            severe_event: field(f, "severe_event").to_string(),
            interview_at: field(f, "interview_at").to_string(),
            interview_place: field(f, "interview_place").to_string(),
            reason: field(f, "reason").to_string(),
        }
    }
}

/// The form a ladder action is sent from: the two buttons of the re-inspection form and of the
/// extension decision share one form each.
fn form_of(action: &str) -> &str {
    match action {
        "recheck_pass" | "recheck_fail" => "recheck",
        "approve_extension" | "refuse_extension" => "extension",
        other => other,
    }
}

/// `GET /hazards/{id}`.
pub async fn hazard(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Response {
    let notice = if !q.uploaded.is_empty() {
        Some("佐证材料已上传".to_string())
    } else {
        done_notice(&q.done, &q.rung)
    };
    hazard_page(&state, &u, &id, None, notice, None).await
}

/// The hazard page, with the refusal of a form just sent (`sent`: its fields, kept in the form).
pub async fn hazard_page(
    state: &AppState,
    u: &CurrentUser,
    id: &str,
    error: Option<ApiError>,
    notice: Option<String>,
    sent: Option<&Fields>,
) -> Response {
    let now = Utc::now();
    let d = match state.services.supervision.hazard_detail(&u.principal, id).await {
        Ok(d) => d,
        Err(e) => return error_page(u, e.into()),
    };
    let h = &d.hazard;
    let case = &h.case_state;
    let police = d.side == Some(Actor::Police);
    let unit = d.side == Some(Actor::Unit);
    let phase = h.phase;
    let next_rungs: Vec<(&'static str, &'static str)> = case
        .next_rungs(&d.ladder)
        .into_iter()
        .map(|r| (r.code(), r.label_zh()))
        .collect();
    let default_deadline = d
        .default_deadline
        .map(date_value)
        .unwrap_or_else(|| date_value(deadline_after_days(now, 7)));
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    let page = render(&HazardPage {
        nav: Nav::new(u),
        h: HazardRow::new(h, now),
        description: h.description.clone(),
        version: h.version,
        created: fmt_time(h.created_at),
        created_source: h.source.label_zh().to_string(),
        inspection_id: h.inspection_id.clone().unwrap_or_default(),
        drill_id: if h.source == neibao_domain::supervision::ladder::HazardSource::Drill {
            h.source_id.clone().unwrap_or_default()
        } else {
            String::new()
        },
        rungs: case.rungs.iter().map(|r| r.label_zh()).collect::<Vec<_>>().join(" → "),
        honours_bar: case.honours_bar_until.map(date_zh).unwrap_or_default(),
        fine: case.fine.as_ref().map(fine_text).unwrap_or_default(),
        extension: case
            .extension
            .as_ref()
            .map(|e| {
                format!(
                    "申请延至{}（{}申请），待审批",
                    date_zh(e.until),
                    fmt_time(e.requested_at)
                )
            })
            .unwrap_or_default(),
        steps: d.steps.iter().map(|s| step_row(s, &d.attachments)).collect(),
        documents: d.documents.iter().map(DocRow::new).collect(),
        attachments: d.attachments.iter().map(AttRow::new).collect(),
        upload_action: format!("/hazards/{}/evidence", h.id),
        f_issue: police && phase == Phase::Detected,
        f_recheck: police && phase == Phase::RecheckPending,
        f_extension: police && matches!(phase, Phase::Rectifying | Phase::Overdue) && case.extension.is_some(),
        f_escalate: police && phase == Phase::Overdue && !next_rungs.is_empty(),
        f_fine: police && phase == Phase::Overdue,
        f_transfer: police && phase == Phase::FineDecided,
        f_rectify: unit && matches!(phase, Phase::Rectifying | Phase::Overdue),
        f_request_extension: unit
            && phase == Phase::Rectifying
            && case.extension.is_none()
            && case.deadline.is_some_and(|d| d > now),
        f_upload: d.may_upload,
        default_deadline,
        min_date: date_value(now + chrono::Duration::days(1)),
        next_rungs,
        harms: HARMS.iter().map(|(c, h)| (*c, h.label_zh())).collect(),
        esc: sent.map(EscalateForm::from_sent).unwrap_or_default(),
        sent: sent
            .map(|f| Sent::new(form_of(field(f, "action")), f))
            .unwrap_or_default(),
        error: error.map(|e| e.message),
        notice,
    });
    with_status(page, status)
}

fn amount(s: &str, label: &str) -> Result<i64, ApiError> {
    s.trim()
        .parse()
        .map_err(|_| ApiError::validation(format!("请填写{label}（整数，单位：元）")))
}

/// The ladder action a hazard form sent.
fn action_from_form(f: &Fields) -> Result<ActInput, ApiError> {
    let date = |name: &str, label: &str| parse_date(field(f, name), label).map(end_of_day);
    let action = match field(f, "action") {
        "issue_order" => Action::IssueOrder {
            deadline: date("deadline", "整改期限")?,
        },
        "fix_on_spot" => Action::FixOnSpot,
        "dismiss" => Action::Dismiss,
        "submit_rectification" => Action::SubmitRectification,
        "recheck_pass" => Action::Recheck { passed: true },
        "recheck_fail" => Action::Recheck { passed: false },
        "request_extension" => Action::RequestExtension {
            until: date("until", "延期至日期")?,
        },
        "approve_extension" => Action::DecideExtension { approve: true },
        "refuse_extension" => Action::DecideExtension { approve: false },
        "escalate" => {
            let rung = Rung::from_code(field(f, "rung")).ok_or_else(|| ApiError::validation("请选择督办措施"))?;
            // The form shows the interview's time and place with every rung; they count for 约谈
            // only (blank ones are refused there by the ladder, naming the field).
            let interview = rung == Rung::Interview;
            Action::Escalate {
                rung,
                deadline: date("deadline", "整改期限")?,
                severe_event_at: match field(f, "severe_event").trim() {
                    "" => None,
                    d => Some(beijing_noon(parse_date(d, "特别严重事件日期")?)),
                },
                interview_at: match field(f, "interview_at").trim() {
                    "" => None,
                    _ if !interview => None,
                    t => Some(parse_local(t, "约谈时间")?),
                },
                interview_place: some_text(field(f, "interview_place")).filter(|_| interview),
            }
        }
        "decide_fine" => {
            let harm = HARMS
                .iter()
                .find(|(c, _)| *c == field(f, "harm"))
                .map(|(_, h)| *h)
                .ok_or_else(|| ApiError::validation("请选择后果认定"))?;
            let mut persons = Vec::new();
            for n in 1..=3 {
                let name = field(f, &format!("p{n}_name")).trim().to_string();
                let sum = field(f, &format!("p{n}_amount")).trim();
                if name.is_empty() && sum.is_empty() {
                    continue;
                }
                if name.is_empty() {
                    return Err(ApiError::validation(format!("请填写第{n}名责任人员的姓名")));
                }
                persons.push(PersonFine {
                    amount_yuan: amount(sum, &format!("责任人员{name}的罚款金额"))?,
                    name,
                });
            }
            Action::DecideFine {
                fine: FineDecision {
                    harm,
                    unit_amount_yuan: amount(field(f, "unit_amount"), "单位罚款金额")?,
                    persons,
                    recommend_discipline: !field(f, "recommend_discipline").is_empty(),
                },
            }
        }
        "transfer_criminal" => Action::TransferCriminal,
        _ => return Err(ApiError::validation("未知的处置操作")),
    };
    Ok(ActInput {
        action,
        reason: field(f, "reason").to_string(),
        evidence: fields(f, "evidence").into_iter().map(str::to_string).collect(),
        expected_version: field(f, "version").trim().parse().ok(),
    })
}

/// `POST /hazards/{id}/act`: one ladder action (`action` plus its fields and `reason`).
pub async fn act(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let r = async {
        let input = action_from_form(&f)?;
        Ok::<_, ApiError>(state.services.supervision.act(&u.principal, &id, input).await?)
    }
    .await;
    match r {
        Ok((_, step)) => {
            let rung = step.detail.get("rung").and_then(|r| r.as_str()).unwrap_or("");
            let query =
                serde_urlencoded::to_string([("done", step.action.as_str()), ("rung", rung)]).unwrap_or_default();
            Redirect::to(&format!("/hazards/{id}?{query}")).into_response()
        }
        Err(e) => hazard_page(&state, &u, &id, Some(e), None, Some(&f)).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> Fields {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn hazard_forms_become_ladder_actions() {
        let a = action_from_form(&form(&[
            ("action", "decide_fine"),
            ("harm", "serious_threat"),
            ("unit_amount", "20000"),
            ("p1_name", "张三"),
            ("p1_amount", "1000"),
            ("p2_name", ""),
            ("p2_amount", ""),
            ("recommend_discipline", "1"),
            ("reason", "逾期不整改"),
            ("version", "3"),
        ]))
        .unwrap();
        assert_eq!(a.expected_version, Some(3));
        assert_eq!(a.reason, "逾期不整改");
        match a.action {
            Action::DecideFine { fine } => {
                assert_eq!(fine.harm, Harm::SeriousThreat);
                assert_eq!(fine.unit_amount_yuan, 20_000);
                assert_eq!(fine.persons.len(), 1);
                assert_eq!(fine.persons[0].amount_yuan, 1_000);
                assert!(fine.recommend_discipline);
            }
            other => panic!("{other:?}"),
        }
        let e = action_from_form(&form(&[
            ("action", "decide_fine"),
            ("harm", "serious_threat"),
            ("unit_amount", "2万"),
        ]))
        .unwrap_err();
        assert!(e.message.contains("单位罚款金额"), "{}", e.message);
        let e = action_from_form(&form(&[
            ("action", "decide_fine"),
            ("harm", "serious_threat"),
            ("unit_amount", "20000"),
            ("p1_amount", "1000"),
        ]))
        .unwrap_err();
        assert!(e.message.contains("姓名"), "{}", e.message);
        let a = action_from_form(&form(&[
            ("action", "submit_rectification"),
            ("evidence", "a1"),
            ("evidence", "a2"),
        ]))
        .unwrap();
        assert_eq!(a.action, Action::SubmitRectification);
        assert_eq!(a.evidence, ["a1", "a2"]);
        let a = action_from_form(&form(&[
            ("action", "escalate"),
            ("rung", "listed_supervision"),
            ("deadline", "2026-12-31"),
            ("severe_event", "2026-11-20"),
        ]))
        .unwrap();
        match a.action {
            Action::Escalate {
                rung,
                deadline,
                severe_event_at,
                interview_at,
                interview_place,
            } => {
                assert_eq!(rung, Rung::ListedSupervision);
                assert_eq!(deadline.to_rfc3339(), "2026-12-31T15:59:59+00:00");
                assert_eq!(severe_event_at.unwrap().to_rfc3339(), "2026-11-20T04:00:00+00:00");
                assert_eq!((interview_at, interview_place), (None, None));
            }
            other => panic!("{other:?}"),
        }
        // 约谈 takes its time (Beijing) and place from the form; other rungs ignore them.
        let interview = |rung: &str| {
            action_from_form(&form(&[
                ("action", "escalate"),
                ("rung", rung),
                ("deadline", "2026-12-31"),
                ("interview_at", "2026-12-10T09:30"),
                ("interview_place", " 西湖区分局三楼会议室 "),
            ]))
            .unwrap()
            .action
        };
        match interview("interview") {
            Action::Escalate {
                interview_at,
                interview_place,
                ..
            } => {
                assert_eq!(interview_at.unwrap().to_rfc3339(), "2026-12-10T01:30:00+00:00");
                assert_eq!(interview_place.as_deref(), Some("西湖区分局三楼会议室"));
            }
            other => panic!("{other:?}"),
        }
        match interview("circular") {
            Action::Escalate {
                interview_at,
                interview_place,
                ..
            } => assert_eq!((interview_at, interview_place), (None, None)),
            other => panic!("{other:?}"),
        }
        assert!(action_from_form(&form(&[("action", "escalate"), ("deadline", "2026-12-31")])).is_err());
        assert!(
            action_from_form(&form(&[("action", "mark_overdue")])).is_err(),
            "system actions are not offered"
        );
    }

    #[test]
    fn the_banner_after_an_action_reads_as_a_sentence() {
        assert_eq!(
            done_notice("escalate", "interview").as_deref(),
            Some("已升级督办，采取约谈措施，约谈通知书已生成。")
        );
        assert_eq!(done_notice("escalate", "").as_deref(), Some("已升级督办。"));
        assert_eq!(done_notice("recheck_pass", "").as_deref(), Some("已完成：复查合格。"));
        assert_eq!(done_notice("no_such_action", ""), None);
        assert_eq!(done_notice("<b>", ""), None);
        assert_eq!(done_notice("", ""), None);
    }
}
