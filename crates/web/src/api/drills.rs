//! Emergency drills (应急演练, docs/DRILLS.md; R18, R34, R46 ¶2; Decree 421 Art 15): a unit's drills
//! planned from a scenario, run step by step (the server records each step's time), evaluated;
//! each shortfall opened as one hazard; the after-action report as an A4 PDF; the police
//! overview of overdue units and recent drills; the key units' drill frequency. Handlers parse,
//! call [`neibao_engine::drills::DrillService`] and answer.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use chrono::{DateTime, Utc};
use neibao_domain::attachments::Attachment;
use neibao_domain::drills::{Drill, DrillOverdue, DrillRow, DrillStep};
use neibao_domain::emergency::Scenario;
use neibao_domain::error::ErrorCode;
use neibao_domain::paging::{Listing, Page};
use neibao_engine::drills::{DrillDraft, EvaluationDraft};
use serde::{Deserialize, Serialize};

use super::attachments::file_response;
use crate::error::{ApiError, ApiResult};
use crate::extract::multipart::{upload_limit, CsrfMultipart};
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

/// A unit.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct UnitPath {
    /// The unit's id.
    pub id: String,
}

/// A drill.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct IdPath {
    /// The drill's id.
    pub id: String,
}

/// A step of a drill.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct StepPath {
    /// The drill's id.
    pub id: String,
    /// The expected action's `seq` (recorded before).
    #[param(minimum = 1, maximum = 20)]
    pub seq: i64,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    #[param(minimum = 1, maximum = 2147483647)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
}

/// One expected action as planned.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ActionBody {
    /// 动作名称, 1–30 characters.
    #[schema(min_length = 1, max_length = 30)]
    pub label: String,
    /// 目标用时, minutes from the start (0–600).
    #[schema(minimum = 0, maximum = 600)]
    pub target_minutes: i64,
}

/// A drill as planned.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PlanBody {
    pub scenario: Scenario,
    /// The emergency plan drilled (an id of the plans capability).
    #[serde(default)]
    #[schema(max_length = 64)]
    pub plan_id: Option<String>,
    /// 演练名称, 1–60 characters.
    #[schema(min_length = 1, max_length = 60)]
    pub title: String,
    pub planned_at: DateTime<Utc>,
    /// 参演人数 (1–10000).
    #[schema(minimum = 1, maximum = 10000)]
    pub participants_count: i64,
    /// 参演人员姓名 (encrypted at rest, masked for others than the unit's manager).
    #[serde(default)]
    pub participants: Vec<String>,
    /// 观摩/评估人员.
    #[serde(default)]
    pub observers: Vec<String>,
    /// 参演派出所 ("" or absent: the police do not take part).
    #[serde(default)]
    #[schema(max_length = 60)]
    pub police_station: String,
    /// 参演民警.
    #[serde(default)]
    #[schema(max_length = 30)]
    pub police_officer: String,
    /// The expected actions with target times; absent or empty: the scenario's defaults.
    #[serde(default)]
    pub expected: Vec<ActionBody>,
}

/// One step done.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct StepBody {
    /// The expected action's `seq`.
    pub seq: i64,
}

/// A score given for one action (replacing the computed one).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ScoreBody {
    pub seq: i64,
    #[schema(minimum = 0, maximum = 100)]
    pub score: i64,
}

/// An evaluation.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct EvaluationBody {
    /// Scores replacing the computed ones (on time 100, late loses points, not recorded 0).
    #[serde(default)]
    pub scores: Vec<ScoreBody>,
    /// 做得好的方面 (at most 30, 1–200 characters each).
    #[serde(default)]
    pub strengths: Vec<String>,
    /// 存在的不足 (at most 30, 1–200 characters each); each may become one hazard.
    #[serde(default)]
    pub shortfalls: Vec<String>,
}

/// A shortfall to open as a hazard.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct HazardBody {
    /// The shortfall's `seq`.
    pub shortfall: i64,
}

/// The hazard opened for a shortfall.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HazardLink {
    pub hazard_id: String,
    /// `/hazards/{id}`.
    pub link: String,
}

/// A unit's drills.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DrillList {
    pub unit_id: String,
    pub unit_name: String,
    pub is_counter_terror_target: bool,
    pub drills: Listing<Drill>,
}

/// The police overview.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Overview {
    /// Units overdue on a drill obligation, in the caller's jurisdiction.
    pub overdue: Vec<DrillOverdue>,
    pub recent: Listing<DrillRow>,
}

/// The drill settings.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DrillSettings {
    /// Drill frequency of key units: 1, 2, 3, 4, 6 or 12 months.
    #[schema(minimum = 1, maximum = 12)]
    pub key_unit_months: u32,
}

/// The photo of a step (multipart).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // the schema of the body, which `CsrfMultipart` reads
pub struct StepPhotoForm {
    /// The photo (JPEG, PNG, GIF or WebP), at most 10 MB.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

fn draft(b: PlanBody) -> DrillDraft {
    DrillDraft {
        scenario: b.scenario.code().to_string(),
        plan_id: b.plan_id,
        title: b.title,
        planned_at: Some(b.planned_at),
        participants_count: b.participants_count,
        participants: b.participants,
        observers: b.observers,
        police_station: b.police_station,
        police_officer: b.police_officer,
        actions: b.expected.into_iter().map(|a| (a.label, a.target_minutes)).collect(),
    }
}

/// The unit's drills, newest planned first.
#[utoipa::path(get, path = "/api/v1/units/{id}/drills", tag = "drills", params(UnitPath, PageQuery),
    responses((status = 200, body = DrillList), (status = 400, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区")))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UnitPath>,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<DrillList>> {
    let page = Page::checked(q.page, q.per_page)?;
    let svc = &state.services.drills;
    let (unit_name, ct) = svc.unit(&user.principal, &p.id).await?;
    let drills = svc.list(&user.principal, &p.id, page).await?;
    Ok(Json(DrillList {
        unit_id: p.id,
        unit_name,
        is_counter_terror_target: ct,
        drills,
    }))
}

/// Plans a drill (the unit's security manager). 400 `validation_failed` with the reason.
#[utoipa::path(post, path = "/api/v1/units/{id}/drills", tag = "drills", params(UnitPath),
    request_body = PlanBody,
    responses((status = 201, body = Drill), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody, description = "仅本单位保卫负责人可以计划演练"),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "单位已注销")))]
pub async fn plan(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UnitPath>,
    Json(b): Json<PlanBody>,
) -> ApiResult<(StatusCode, Json<Drill>)> {
    let d = state.services.drills.plan(&user.principal, &p.id, draft(b)).await?;
    Ok((StatusCode::CREATED, Json(d)))
}

/// One drill with its steps and evaluation.
#[utoipa::path(get, path = "/api/v1/drills/{id}", tag = "drills", params(IdPath),
    responses((status = 200, body = Drill), (status = 404, body = crate::error::ErrorBody, description = "演练不存在或不在本辖区")))]
pub async fn get(State(state): State<AppState>, user: CurrentUser, Path(p): Path<IdPath>) -> ApiResult<Json<Drill>> {
    Ok(Json(state.services.drills.get(&user.principal, &p.id).await?))
}

/// Starts the drill now (the unit's manager or a guard); a started drill is answered as it is.
#[utoipa::path(post, path = "/api/v1/drills/{id}/start", tag = "drills", params(IdPath),
    responses((status = 200, body = Drill),
        (status = 403, body = crate::error::ErrorBody, description = "仅本单位账号可以执行演练"),
        (status = 404, body = crate::error::ErrorBody, description = "演练不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "单位已注销")))]
pub async fn start(State(state): State<AppState>, user: CurrentUser, Path(p): Path<IdPath>) -> ApiResult<Json<Drill>> {
    Ok(Json(state.services.drills.start(&user.principal, &p.id).await?))
}

/// Records an expected action as done now (the server's time). 201 when new; 200 with the first
/// record when the step was recorded before (a double tap records one step).
#[utoipa::path(post, path = "/api/v1/drills/{id}/steps", tag = "drills", params(IdPath),
    request_body = StepBody,
    responses((status = 201, body = DrillStep), (status = 200, body = DrillStep, description = "该步骤此前已记录"),
        (status = 400, body = crate::error::ErrorBody, description = "不是本次演练的预定动作"),
        (status = 403, body = crate::error::ErrorBody, description = "仅本单位账号可以执行演练"),
        (status = 404, body = crate::error::ErrorBody, description = "演练不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "演练尚未开始或已结束")))]
pub async fn step(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(b): Json<StepBody>,
) -> ApiResult<(StatusCode, Json<DrillStep>)> {
    let (s, new) = state.services.drills.step(&user.principal, &p.id, b.seq).await?;
    Ok((if new { StatusCode::CREATED } else { StatusCode::OK }, Json(s)))
}

/// Uploads the optional photo of a recorded step (multipart field `file`, an image of at most
/// 10 MB); download it from `/api/v1/attachments/{id}`.
#[utoipa::path(post, path = "/api/v1/drills/{id}/steps/{seq}/photo", tag = "drills", params(StepPath),
    request_body(content_type = "multipart/form-data", content = StepPhotoForm),
    responses((status = 201, body = Attachment),
        (status = 400, body = crate::error::ErrorBody, description = "不是图片，或缺少文件"),
        (status = 403, body = crate::error::ErrorBody, description = "仅本单位账号可以上传"),
        (status = 404, body = crate::error::ErrorBody, description = "演练不存在，或该步骤尚未记录"),
        (status = 413, body = crate::error::ErrorBody, description = "文件超过 10 MB")))]
pub async fn step_photo(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<StepPath>,
    body: CsrfMultipart,
) -> ApiResult<(StatusCode, Json<Attachment>)> {
    let svc = &state.services.drills;
    svc.check_step_photo_target(&user.principal, &p.id, p.seq).await?;
    let file = body.file().await?;
    let a = svc.add_step_photo(&user.principal, &p.id, p.seq, file).await?;
    Ok((StatusCode::CREATED, Json(a)))
}

/// Finishes the drill; a finished drill is answered as it is.
#[utoipa::path(post, path = "/api/v1/drills/{id}/finish", tag = "drills", params(IdPath),
    responses((status = 200, body = Drill),
        (status = 403, body = crate::error::ErrorBody, description = "仅本单位账号可以执行演练"),
        (status = 404, body = crate::error::ErrorBody, description = "演练不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "演练尚未开始")))]
pub async fn finish(State(state): State<AppState>, user: CurrentUser, Path(p): Path<IdPath>) -> ApiResult<Json<Drill>> {
    Ok(Json(state.services.drills.finish(&user.principal, &p.id).await?))
}

/// Evaluates a finished drill (the unit's security manager): scores per action (computed from
/// the measured and target minutes unless given), the overall score, strengths, shortfalls.
/// Saving again replaces it; a shortfall kept word for word keeps its hazard.
#[utoipa::path(put, path = "/api/v1/drills/{id}/evaluation", tag = "drills", params(IdPath),
    request_body = EvaluationBody,
    responses((status = 200, body = Drill), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody, description = "仅本单位保卫负责人可以评估演练"),
        (status = 404, body = crate::error::ErrorBody, description = "演练不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "演练尚未结束")))]
pub async fn evaluate(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(b): Json<EvaluationBody>,
) -> ApiResult<Json<Drill>> {
    let e = EvaluationDraft {
        scores: b.scores.into_iter().map(|s| (s.seq, s.score)).collect(),
        strengths: b.strengths,
        shortfalls: b.shortfalls,
    };
    Ok(Json(state.services.drills.evaluate(&user.principal, &p.id, e).await?))
}

/// Opens one shortfall of the evaluation as a hazard (source `drill`, linked back to the drill)
/// through the supervision capability. 201 when opened; 200 with the same hazard when it was
/// opened before (doing it twice makes one hazard).
#[utoipa::path(post, path = "/api/v1/drills/{id}/hazards", tag = "drills", params(IdPath),
    request_body = HazardBody,
    responses((status = 201, body = HazardLink), (status = 200, body = HazardLink, description = "此前已转为隐患"),
        (status = 403, body = crate::error::ErrorBody, description = "仅本单位保卫负责人可以将不足转为隐患"),
        (status = 404, body = crate::error::ErrorBody, description = "演练或该条不足不存在"),
        (status = 409, body = crate::error::ErrorBody, description = "单位已注销")))]
pub async fn hazard(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(b): Json<HazardBody>,
) -> ApiResult<(StatusCode, Json<HazardLink>)> {
    let (id, new) = state
        .services
        .drills
        .open_hazard(&user.principal, &p.id, b.shortfall)
        .await?;
    Ok((
        if new { StatusCode::CREATED } else { StatusCode::OK },
        Json(HazardLink {
            link: format!("/hazards/{id}"),
            hazard_id: id,
        }),
    ))
}

/// Lays out the after-action report of a drill (A4): the plan, the timeline, the scores, the
/// strengths, the shortfalls and the hazards opened.
pub fn report_pdf(d: &Drill) -> ApiResult<Vec<u8>> {
    let bj = |t: DateTime<Utc>| {
        t.with_timezone(&chrono_tz::Asia::Shanghai)
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    };
    let mut paragraphs = vec![format!(
        "一、演练计划：{}，场景为{}，计划于 {} 进行，参演 {} 人{}{}。",
        d.title,
        d.scenario.label_zh(),
        bj(d.planned_at),
        d.participants_count,
        if d.people.participants.is_empty() {
            String::new()
        } else {
            format!("（{}）", d.people.participants.join("、"))
        },
        if d.police_station.is_empty() {
            String::new()
        } else {
            format!("，{}参演{}", d.police_station, d.people.police_officer)
        }
    )];
    if !d.people.observers.is_empty() {
        paragraphs.push(format!("观摩评估人员：{}。", d.people.observers.join("、")));
    }
    if let Some(plan) = &d.plan_id {
        paragraphs.push(format!("所依据的应急预案编号：{plan}。"));
    }
    let mut timeline = String::from("二、演练经过：");
    match d.started_at {
        Some(s) => {
            timeline.push_str(&format!("{} 开始", bj(s)));
            for st in &d.steps {
                let min = (st.at - s).num_seconds() as f64 / 60.0;
                timeline.push_str(&format!(
                    "；{} {}（第 {:.1} 分钟，{}记录）",
                    bj(st.at),
                    st.label,
                    min,
                    st.recorded_by
                ));
            }
            if let Some(f) = d.finished_at {
                timeline.push_str(&format!("；{} 结束", bj(f)));
            }
            timeline.push('。');
        }
        None => timeline.push_str("演练尚未开始。"),
    }
    paragraphs.push(timeline);
    let mut fields = vec![
        ("单位".to_string(), d.unit_name.clone()),
        ("演练名称".to_string(), d.title.clone()),
        ("演练场景".to_string(), d.scenario.label_zh().to_string()),
        ("状态".to_string(), d.state.label_zh().to_string()),
    ];
    match &d.evaluation {
        Some(e) => {
            let scores: Vec<String> = e
                .scores
                .iter()
                .map(|s| {
                    format!(
                        "{}：目标 {} 分钟，实测 {}，得分 {}",
                        s.label,
                        s.target_minutes,
                        s.measured_minutes
                            .map(|m| format!("{m:.1} 分钟"))
                            .unwrap_or_else(|| "未记录".into()),
                        s.score
                    )
                })
                .collect();
            paragraphs.push(format!("三、评估得分：总分 {}。{}。", e.overall, scores.join("；")));
            paragraphs.push(format!(
                "四、做得好的方面：{}。",
                if e.strengths.is_empty() {
                    "无".to_string()
                } else {
                    e.strengths.join("；")
                }
            ));
            let shortfalls: Vec<String> = e
                .shortfalls
                .iter()
                .map(|s| match &s.hazard_id {
                    Some(h) => format!("{}. {}（已登记隐患 {h}）", s.seq, s.text),
                    None => format!("{}. {}", s.seq, s.text),
                })
                .collect();
            paragraphs.push(format!(
                "五、存在的不足：{}。",
                if shortfalls.is_empty() {
                    "无".to_string()
                } else {
                    shortfalls.join("；")
                }
            ));
            let opened = e.shortfalls.iter().filter(|s| s.hazard_id.is_some()).count();
            paragraphs.push(format!(
                "六、整改：已将 {opened} 条不足登记为隐患，按隐患整改流程办理。"
            ));
            fields.push(("总分".to_string(), e.overall.to_string()));
            fields.push(("评估人".to_string(), e.evaluated_by.clone()));
        }
        None => paragraphs.push("三、评估：尚未评估。".to_string()),
    }
    neibao_docgen::render_pdf(&neibao_docgen::OfficialDocument {
        issuer: d.unit_name.clone(),
        title: "应急演练总结报告".into(),
        number: String::new(),
        addressee: String::new(),
        paragraphs,
        fields,
        signature: vec![
            d.unit_name.clone(),
            d.evaluation
                .as_ref()
                .map(|e| bj(e.evaluated_at)[..10].to_string())
                .unwrap_or_default(),
        ],
        footer: vec!["本报告由内保平台根据演练记录生成。".into()],
    })
    .map_err(|e| {
        tracing::error!(error = %e, drill = %d.id, "drill report rendering failed");
        ApiError::new(ErrorCode::Internal)
    })
}

/// The after-action report as an A4 PDF.
#[utoipa::path(get, path = "/api/v1/drills/{id}/report", tag = "drills", params(IdPath),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>),
        (status = 404, body = crate::error::ErrorBody, description = "演练不存在或不在本辖区")))]
pub async fn report(State(state): State<AppState>, user: CurrentUser, Path(p): Path<IdPath>) -> ApiResult<Response> {
    let d = state.services.drills.get(&user.principal, &p.id).await?;
    let pdf = tokio::task::spawn_blocking(move || report_pdf(&d))
        .await
        .map_err(|_| ApiError::new(ErrorCode::Internal))??;
    Ok(file_response(pdf, "application/pdf", "应急演练总结报告.pdf", true))
}

/// The overview of the caller's jurisdiction: units overdue on a drill obligation and recent
/// drills.
#[utoipa::path(get, path = "/api/v1/emergency/drills", tag = "drills", params(PageQuery),
    responses((status = 200, body = Overview), (status = 400, body = crate::error::ErrorBody)))]
pub async fn overview(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Overview>> {
    let page = Page::checked(q.page, q.per_page)?;
    let (overdue, recent) = state.services.drills.overview(&user.principal, page).await?;
    Ok(Json(Overview { overdue, recent }))
}

/// The drill settings (the key units' frequency).
#[utoipa::path(get, path = "/api/v1/emergency/drill_settings", tag = "drills",
    responses((status = 200, body = DrillSettings)))]
pub async fn settings(State(state): State<AppState>, _user: CurrentUser) -> ApiResult<Json<DrillSettings>> {
    Ok(Json(DrillSettings {
        key_unit_months: state.services.drills.key_unit_months().await?,
    }))
}

/// Sets the key units' drill frequency (administrators and provincial police): 1, 2, 3, 4, 6 or
/// 12 months, periods aligned to 1 January.
#[utoipa::path(put, path = "/api/v1/emergency/drill_settings", tag = "drills",
    request_body = DrillSettings,
    responses((status = 200, body = DrillSettings), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody)))]
pub async fn set_settings(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(b): Json<DrillSettings>,
) -> ApiResult<Json<DrillSettings>> {
    Ok(Json(DrillSettings {
        key_unit_months: state
            .services
            .drills
            .set_key_unit_months(&user.principal, b.key_unit_months)
            .await?,
    }))
}

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/api/v1/units/{id}/drills", routing::get(list).post(plan))
        .route("/api/v1/drills/{id}", routing::get(get))
        .route("/api/v1/drills/{id}/start", routing::post(start))
        .route("/api/v1/drills/{id}/steps", routing::post(step))
        .route(
            "/api/v1/drills/{id}/steps/{seq}/photo",
            routing::post(step_photo).layer(upload_limit()),
        )
        .route("/api/v1/drills/{id}/finish", routing::post(finish))
        .route("/api/v1/drills/{id}/evaluation", routing::put(evaluate))
        .route("/api/v1/drills/{id}/hazards", routing::post(hazard))
        .route("/api/v1/drills/{id}/report", routing::get(report))
        .route("/api/v1/emergency/drills", routing::get(overview))
        .route(
            "/api/v1/emergency/drill_settings",
            routing::get(settings).put(set_settings),
        )
}

/// This capability's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list,
    plan,
    get,
    start,
    step,
    step_photo,
    finish,
    evaluate,
    hazard,
    report,
    overview,
    settings,
    set_settings
))]
pub struct Doc;
