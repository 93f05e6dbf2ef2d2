//! `/units/{id}/drills` (the unit's drills, the security manager's plan form), `/drills/{id}`
//! (a drill: plan, timeline, evaluation form, shortfalls → hazards, PDF link) and
//! `/emergency/drills` (the police overview). Lists are typed one item per line.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{NaiveDateTime, TimeZone, Utc};
use neibao_domain::access::Permission;
use neibao_domain::drills::{default_actions, scores, Drill, DrillOverdue, DrillRow, DrillState};
use neibao_domain::emergency::Scenario;
use neibao_domain::paging::Page;
use neibao_engine::drills::{DrillDraft, EvaluationDraft};

use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{field, status_of, with_status, Fields};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{fmt_time, Nav};

/// The plan form as shown or sent.
#[derive(Default, Clone)]
pub struct PlanForm {
    pub scenario: String,
    pub plan_id: String,
    pub title: String,
    pub planned_at: String,
    pub participants_count: String,
    pub participants: String,
    pub observers: String,
    pub police_station: String,
    pub police_officer: String,
    /// One action per line: 名称，目标分钟.
    pub actions: String,
}

impl PlanForm {
    fn sent(f: &Fields) -> PlanForm {
        let g = |n: &str| field(f, n).to_string();
        PlanForm {
            scenario: g("scenario"),
            plan_id: g("plan_id"),
            title: g("title"),
            planned_at: g("planned_at"),
            participants_count: g("participants_count"),
            participants: g("participants"),
            observers: g("observers"),
            police_station: g("police_station"),
            police_officer: g("police_officer"),
            actions: g("actions"),
        }
    }
}

fn lines(s: &str) -> Vec<String> {
    s.split(['\n', '、', '，', ','])
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

fn items(s: &str) -> Vec<String> {
    s.lines()
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

fn draft_of(f: &Fields) -> Result<DrillDraft, ApiError> {
    let planned = field(f, "planned_at").trim();
    let planned_at = if planned.is_empty() {
        None
    } else {
        let local = NaiveDateTime::parse_from_str(planned, "%Y-%m-%dT%H:%M")
            .or_else(|_| NaiveDateTime::parse_from_str(planned, "%Y-%m-%d %H:%M"))
            .map_err(|_| ApiError::validation("演练时间应为 年-月-日 时:分（如 2026-12-20 09:30）"))?;
        chrono_tz::Asia::Shanghai
            .from_local_datetime(&local)
            .earliest()
            .map(|t| t.with_timezone(&Utc))
    };
    let participants_count = field(f, "participants_count")
        .trim()
        .parse()
        .map_err(|_| ApiError::validation("参演人数应为 1–10000 的整数"))?;
    let mut actions = Vec::new();
    for (i, line) in items(field(f, "actions")).iter().enumerate() {
        let parts: Vec<&str> = line.splitn(2, ['，', ',', '|', '\t']).map(str::trim).collect();
        let minutes = parts
            .get(1)
            .and_then(|m| m.trim_end_matches("分钟").trim().parse().ok());
        match (parts.first(), minutes) {
            (Some(l), Some(m)) if !l.is_empty() => actions.push((l.to_string(), m)),
            _ => {
                return Err(ApiError::validation(format!(
                    "预定动作第{}行：请按“动作名称，目标分钟”填写（如 保安到场，3）",
                    i + 1
                )))
            }
        }
    }
    Ok(DrillDraft {
        scenario: field(f, "scenario").to_string(),
        plan_id: Some(field(f, "plan_id").to_string()).filter(|s| !s.trim().is_empty()),
        title: field(f, "title").to_string(),
        planned_at,
        participants_count,
        participants: lines(field(f, "participants")),
        observers: lines(field(f, "observers")),
        police_station: field(f, "police_station").to_string(),
        police_officer: field(f, "police_officer").to_string(),
        actions,
    })
}

/// A drill as listed.
pub struct DrillLine {
    pub id: String,
    pub unit_id: String,
    pub unit_name: String,
    pub title: String,
    pub scenario: &'static str,
    pub state: &'static str,
    pub planned_at: String,
    pub overall: String,
}

impl DrillLine {
    fn of(d: &Drill) -> DrillLine {
        DrillLine {
            id: d.id.clone(),
            unit_id: d.unit_id.clone(),
            unit_name: d.unit_name.clone(),
            title: d.title.clone(),
            scenario: d.scenario.label_zh(),
            state: d.state.label_zh(),
            planned_at: fmt_time(d.planned_at),
            overall: d.evaluation.as_ref().map(|e| e.overall.to_string()).unwrap_or_default(),
        }
    }
    fn row(d: &DrillRow) -> DrillLine {
        DrillLine {
            id: d.id.clone(),
            unit_id: d.unit_id.clone(),
            unit_name: d.unit_name.clone(),
            title: d.title.clone(),
            scenario: d.scenario.label_zh(),
            state: d.state.label_zh(),
            planned_at: fmt_time(d.planned_at),
            overall: d.overall.map(|o| o.to_string()).unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "drills/unit.html")]
struct UnitPage {
    nav: Nav,
    unit_id: String,
    unit_name: String,
    counter_terror: bool,
    drills: Vec<DrillLine>,
    may_manage: bool,
    scenarios: Vec<(&'static str, &'static str)>,
    defaults: String,
    form: PlanForm,
    error: Option<String>,
}

async fn unit_page(state: &AppState, u: &CurrentUser, id: &str, form: PlanForm, error: Option<ApiError>) -> Response {
    let svc = &state.services.drills;
    let r = async {
        let (name, ct) = svc.unit(&u.principal, id).await?;
        let drills = svc.list(&u.principal, id, Page::checked(Some(1), Some(50))?).await?;
        Ok::<_, ApiError>((name, ct, drills))
    }
    .await;
    let (unit_name, counter_terror, drills) = match r {
        Ok(x) => x,
        Err(e) => return error_page(u, e),
    };
    let defaults = Scenario::ALL
        .iter()
        .map(|s| {
            let a: Vec<String> = default_actions(*s)
                .iter()
                .map(|a| format!("{} {} 分钟", a.label, a.target_minutes))
                .collect();
            format!("{}：{}", s.label_zh(), a.join("、"))
        })
        .collect::<Vec<_>>()
        .join("；");
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    with_status(
        render(&UnitPage {
            nav: Nav::new(u),
            unit_id: id.to_string(),
            unit_name,
            counter_terror,
            drills: drills.items.iter().map(DrillLine::of).collect(),
            may_manage: u.principal.can(Permission::DrillManage),
            scenarios: Scenario::ALL.iter().map(|s| (s.code(), s.label_zh())).collect(),
            defaults,
            form,
            error: error.map(|e| e.message),
        }),
        status,
    )
}

/// `GET /units/{id}/drills`.
pub async fn unit(State(state): State<AppState>, UiUser(u): UiUser, Path(id): Path<String>) -> Response {
    let form = PlanForm {
        scenario: Scenario::ViolentAttack.code().into(),
        participants_count: "10".into(),
        ..Default::default()
    };
    unit_page(&state, &u, &id, form, None).await
}

/// `POST /units/{id}/drills`: plans a drill; a refused form keeps what was typed.
pub async fn plan(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let r = async {
        u.principal.require(Permission::DrillManage)?;
        let d = draft_of(&f)?;
        Ok::<_, ApiError>(state.services.drills.plan(&u.principal, &id, d).await?)
    }
    .await;
    match r {
        Ok(d) => Redirect::to(&format!("/drills/{}", d.id)).into_response(),
        Err(e) if matches!(e.code.http_status(), 400 | 409) => {
            unit_page(&state, &u, &id, PlanForm::sent(&f), Some(e)).await
        }
        Err(e) => error_page(&u, e),
    }
}

/// One action's score as shown (and in the evaluation form).
pub struct ScoreLine {
    pub seq: i64,
    pub label: String,
    pub target_minutes: i64,
    pub measured: String,
    pub score: String,
}

/// A shortfall as shown.
pub struct ShortfallLine {
    pub seq: i64,
    pub text: String,
    pub hazard_id: String,
}

#[derive(Template)]
#[template(path = "drills/drill.html")]
struct DrillPage {
    nav: Nav,
    d: DrillLine,
    scenario_code: &'static str,
    plan_id: String,
    participants_count: i64,
    participants: String,
    observers: String,
    police: String,
    started_at: String,
    finished_at: String,
    steps: Vec<(String, String, String)>,
    scores: Vec<ScoreLine>,
    overall: String,
    evaluated: bool,
    evaluated_by: String,
    strengths: Vec<String>,
    shortfalls: Vec<ShortfallLine>,
    may_manage: bool,
    may_run: bool,
    may_evaluate: bool,
    strengths_text: String,
    shortfalls_text: String,
    error: Option<String>,
    notice: Option<String>,
}

async fn drill_page(
    state: &AppState,
    u: &CurrentUser,
    id: &str,
    sent: Option<&Fields>,
    error: Option<ApiError>,
    notice: Option<String>,
) -> Response {
    let d = match state.services.drills.get(&u.principal, id).await {
        Ok(d) => d,
        Err(e) => return error_page(u, e.into()),
    };
    let computed = match &d.evaluation {
        Some(e) => e.scores.clone(),
        None => scores(&d.expected, &d.steps, d.started_at, &[]),
    };
    let score_lines = computed
        .iter()
        .map(|s| ScoreLine {
            seq: s.seq,
            label: s.label.clone(),
            target_minutes: s.target_minutes,
            measured: s
                .measured_minutes
                .map(|m| format!("{m:.1} 分钟"))
                .unwrap_or_else(|| "未记录".into()),
            score: sent
                .map(|f| field(f, &format!("score_{}", s.seq)).to_string())
                .unwrap_or_else(|| s.score.to_string()),
        })
        .collect();
    let ev = d.evaluation.as_ref();
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    with_status(
        render(&DrillPage {
            nav: Nav::new(u),
            d: DrillLine::of(&d),
            scenario_code: d.scenario.code(),
            plan_id: d.plan_id.clone().unwrap_or_default(),
            participants_count: d.participants_count,
            participants: d.people.participants.join("、"),
            observers: d.people.observers.join("、"),
            police: if d.police_station.is_empty() {
                String::new()
            } else {
                format!("{} {}", d.police_station, d.people.police_officer)
            },
            started_at: d.started_at.map(fmt_time).unwrap_or_default(),
            finished_at: d.finished_at.map(fmt_time).unwrap_or_default(),
            steps: d
                .steps
                .iter()
                .map(|s| {
                    let m = d
                        .started_at
                        .map(|t0| format!("{:.1}", (s.at - t0).num_seconds() as f64 / 60.0))
                        .unwrap_or_default();
                    (
                        fmt_time(s.at),
                        format!("{}（第 {m} 分钟）", s.label),
                        s.recorded_by.clone(),
                    )
                })
                .collect(),
            scores: score_lines,
            overall: ev.map(|e| e.overall.to_string()).unwrap_or_default(),
            evaluated: ev.is_some(),
            evaluated_by: ev
                .map(|e| format!("{} · {}", e.evaluated_by, fmt_time(e.evaluated_at)))
                .unwrap_or_default(),
            strengths: ev.map(|e| e.strengths.clone()).unwrap_or_default(),
            shortfalls: ev
                .map(|e| {
                    e.shortfalls
                        .iter()
                        .map(|s| ShortfallLine {
                            seq: s.seq,
                            text: s.text.clone(),
                            hazard_id: s.hazard_id.clone().unwrap_or_default(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            may_manage: u.principal.can(Permission::DrillManage),
            may_run: u.principal.can(Permission::DrillRun),
            may_evaluate: u.principal.can(Permission::DrillManage)
                && matches!(d.state, DrillState::Finished | DrillState::Evaluated),
            strengths_text: sent
                .map(|f| field(f, "strengths").to_string())
                .unwrap_or_else(|| ev.map(|e| e.strengths.join("\n")).unwrap_or_default()),
            shortfalls_text: sent.map(|f| field(f, "shortfalls").to_string()).unwrap_or_else(|| {
                ev.map(|e| {
                    e.shortfalls
                        .iter()
                        .map(|s| s.text.clone())
                        .collect::<Vec<_>>()
                        .join("\n")
                })
                .unwrap_or_default()
            }),
            error: error.map(|e| e.message),
            notice,
        }),
        status,
    )
}

/// `GET /drills/{id}`.
pub async fn drill(State(state): State<AppState>, UiUser(u): UiUser, Path(id): Path<String>) -> Response {
    drill_page(&state, &u, &id, None, None, None).await
}

/// `POST /drills/{id}/evaluation`: `score_<seq>`, `strengths`, `shortfalls` (one per line).
pub async fn evaluate(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let r = async {
        u.principal.require(Permission::DrillManage)?;
        let mut scores = Vec::new();
        for (k, v) in &f {
            if let Some(seq) = k.strip_prefix("score_").and_then(|s| s.parse::<i64>().ok()) {
                let v = v.trim();
                if v.is_empty() {
                    continue;
                }
                let score = v
                    .parse()
                    .map_err(|_| ApiError::validation(format!("第{seq}项的得分应为 0–100 的整数")))?;
                scores.push((seq, score));
            }
        }
        let e = EvaluationDraft {
            scores,
            strengths: items(field(&f, "strengths")),
            shortfalls: items(field(&f, "shortfalls")),
        };
        Ok::<_, ApiError>(state.services.drills.evaluate(&u.principal, &id, e).await?)
    }
    .await;
    match r {
        Ok(_) => drill_page(&state, &u, &id, None, None, Some("评估已保存".into())).await,
        Err(e) if matches!(e.code.http_status(), 400 | 409) => {
            drill_page(&state, &u, &id, Some(&f), Some(e), None).await
        }
        Err(e) => error_page(&u, e),
    }
}

/// `POST /drills/{id}/hazards`: `shortfall` (its seq) becomes one hazard.
pub async fn hazard(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let r = async {
        u.principal.require(Permission::DrillManage)?;
        let seq: i64 = field(&f, "shortfall")
            .trim()
            .parse()
            .map_err(|_| ApiError::validation("请选择一条不足"))?;
        Ok::<_, ApiError>(state.services.drills.open_hazard(&u.principal, &id, seq).await?)
    }
    .await;
    match r {
        Ok(_) => Redirect::to(&format!("/drills/{id}")).into_response(),
        Err(e) if matches!(e.code.http_status(), 400 | 409) => drill_page(&state, &u, &id, None, Some(e), None).await,
        Err(e) => error_page(&u, e),
    }
}

/// An overdue unit as listed.
pub struct OverdueLine {
    pub unit_id: String,
    pub unit_name: String,
    pub rule: &'static str,
    pub period: String,
    pub drilled_since: bool,
}

impl OverdueLine {
    fn of(o: &DrillOverdue) -> OverdueLine {
        OverdueLine {
            unit_id: o.unit_id.clone(),
            unit_name: o.unit_name.clone(),
            rule: o.rule.label_zh(),
            period: format!("{} 至 {}", o.period_start, o.period_end),
            drilled_since: o.drilled_since,
        }
    }
}

#[derive(Template)]
#[template(path = "drills/overview.html")]
struct OverviewPage {
    nav: Nav,
    overdue: Vec<OverdueLine>,
    recent: Vec<DrillLine>,
}

/// `GET /emergency/drills`: overdue units and recent drills of the caller's jurisdiction.
pub async fn overview(State(state): State<AppState>, UiUser(u): UiUser) -> Response {
    let r = async {
        Ok::<_, ApiError>(
            state
                .services
                .drills
                .overview(&u.principal, Page::checked(Some(1), Some(50))?)
                .await?,
        )
    }
    .await;
    match r {
        Ok((overdue, recent)) => render(&OverviewPage {
            nav: Nav::new(&u),
            overdue: overdue.iter().map(OverdueLine::of).collect(),
            recent: recent.items.iter().map(DrillLine::row).collect(),
        }),
        Err(e) => error_page(&u, e),
    }
}
