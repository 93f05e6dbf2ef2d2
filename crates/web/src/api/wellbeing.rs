//! 心防 (docs/WELLBEING.md; R36, R87, R88, R64): a unit's volunteer safety teams, their activities
//! and its education activities; crisis-intervention cases (raised by a designated reporter,
//! followed by the counsellors named on them); police counts; minimal escalation notices.
//! Handlers parse, call [`neibao_engine::wellbeing::WellbeingService`] and answer.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use neibao_domain::wellbeing::{CaseCount, CaseDetail, CaseSummary, Escalation, Reporter, TeamMember, UnitWellbeing};
use neibao_engine::wellbeing::{CaseInput, CaseRef, EducationInput, FollowUpInput, TeamActivityInput, TeamInput};
use serde::{Deserialize, Serialize};

use crate::error::ApiResult;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

/// A unit.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct UnitPath {
    /// The unit's id.
    pub id: String,
}

/// A volunteer team or a case.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct IdPath {
    /// The id.
    pub id: String,
}

/// Why a case's content is read.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PurposeQuery {
    /// Why the case is read (e.g. `跟进辅导`); recorded in the audit log. Required: 4–200
    /// characters.
    #[param(required = true, min_length = 4, max_length = 200)]
    pub purpose: Option<String>,
}

/// A new volunteer team.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = wellbeing::TeamBody)]
pub struct TeamBody {
    /// At most 60 characters.
    #[serde(default)]
    #[schema(max_length = 60)]
    pub name: String,
    /// e.g. `安全志愿者`, `护校队` (at most 60 characters).
    #[serde(default)]
    #[schema(max_length = 60)]
    pub kind: String,
    /// At most 2000 characters.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub duties: String,
    /// At most 200.
    #[serde(default)]
    pub members: Vec<TeamMember>,
}

/// A team's activity.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = wellbeing::TeamActivityBody)]
pub struct TeamActivityBody {
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub held_on: String,
    /// At most 2000 characters.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub summary: String,
    #[serde(default)]
    #[schema(minimum = 0, maximum = 100000)]
    pub participants: i64,
}

/// An education activity.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = wellbeing::EducationBody)]
pub struct EducationBody {
    /// `talk`, `training`, `campaign`, `counter_terror` or `mental_health`.
    #[serde(default)]
    pub kind: String,
    /// At most 60 characters.
    #[serde(default)]
    #[schema(max_length = 60)]
    pub title: String,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub held_on: String,
    #[serde(default)]
    #[schema(minimum = 0, maximum = 100000)]
    pub attendance: i64,
    /// The materials used (at most 2000 characters).
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub materials: String,
}

/// The unit's designated reporters as they should be.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = wellbeing::ReportersBody)]
pub struct ReportersBody {
    /// Accounts of the unit (manager, guards, counsellors).
    #[serde(default)]
    pub user_ids: Vec<String>,
}

/// A new case.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = wellbeing::CaseBody)]
pub struct CaseBody {
    /// At most 60 characters.
    #[serde(default)]
    #[schema(max_length = 60)]
    pub person_name: String,
    /// e.g. `学生（计算机学院 2024 级）` (at most 60 characters).
    #[serde(default)]
    #[schema(max_length = 60)]
    pub person_role: String,
    /// What was seen (at most 2000 characters).
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub narrative: String,
    /// Health details known (at most 2000 characters); only the counsellors read them.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub health_details: String,
    /// `low`, `medium` or `high`.
    #[serde(default)]
    pub risk: String,
    #[serde(default)]
    pub threat_to_others: bool,
    /// Counsellor accounts of the unit (1–5).
    #[serde(default)]
    pub counsellor_ids: Vec<String>,
}

/// A follow-up record.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = wellbeing::FollowUpBody)]
pub struct FollowUpBody {
    /// `plan`, `visit`, `family` or `referral`.
    #[serde(default)]
    pub kind: String,
    /// At most 2000 characters.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub note: String,
    /// A new risk level (`low`, `medium`, `high`), or empty.
    #[serde(default)]
    pub risk: String,
}

/// An escalation.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = wellbeing::EscalateBody)]
pub struct EscalateBody {
    /// How the counsellor is reached (at most 60 characters).
    #[serde(default)]
    #[schema(max_length = 60)]
    pub contact: String,
}

/// A closure.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = wellbeing::CaseCloseBody)]
pub struct CaseCloseBody {
    /// At most 2000 characters.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub note: String,
}

/// A created record's id.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = wellbeing::Created)]
pub struct Created {
    pub id: String,
}

/// The unit's volunteer teams, their activities and its education activities, with counts.
#[utoipa::path(get, path = "/api/v1/units/{id}/wellbeing", tag = "wellbeing", params(UnitPath),
    responses((status = 200, body = UnitWellbeing),
        (status = 403, body = crate::error::ErrorBody, description = "没有权限"),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区")))]
pub async fn unit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UnitPath>,
) -> ApiResult<Json<UnitWellbeing>> {
    Ok(Json(state.services.wellbeing.unit(&user.principal, &p.id).await?))
}

/// Records a volunteer team of the unit.
#[utoipa::path(post, path = "/api/v1/units/{id}/volunteer-teams", tag = "wellbeing", params(UnitPath),
    request_body = TeamBody,
    responses((status = 201, body = Created),
        (status = 400, body = crate::error::ErrorBody, description = "名称、类别必填；队员须有姓名"),
        (status = 403, body = crate::error::ErrorBody, description = "仅本单位保卫负责人、心理辅导员可以登记"),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区")))]
pub async fn create_team(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UnitPath>,
    Json(b): Json<TeamBody>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let t = TeamInput {
        name: b.name,
        kind: b.kind,
        duties: b.duties,
        members: b.members,
    };
    let id = state.services.wellbeing.create_team(&user.principal, &p.id, t).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Records an activity of a volunteer team.
#[utoipa::path(post, path = "/api/v1/volunteer-teams/{id}/activities", tag = "wellbeing", params(IdPath),
    request_body = TeamActivityBody,
    responses((status = 201, body = Created),
        (status = 400, body = crate::error::ErrorBody, description = "日期、内容或人数无效"),
        (status = 403, body = crate::error::ErrorBody, description = "没有权限"),
        (status = 404, body = crate::error::ErrorBody, description = "队伍不存在或不在本辖区")))]
pub async fn add_team_activity(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(b): Json<TeamActivityBody>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let a = TeamActivityInput {
        held_on: b.held_on,
        summary: b.summary,
        participants: b.participants,
    };
    let (id, _) = state
        .services
        .wellbeing
        .add_team_activity(&user.principal, &p.id, a)
        .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Records an awareness or education activity of the unit.
#[utoipa::path(post, path = "/api/v1/units/{id}/education-activities", tag = "wellbeing", params(UnitPath),
    request_body = EducationBody,
    responses((status = 201, body = Created),
        (status = 400, body = crate::error::ErrorBody, description = "类别、名称、日期或人数无效"),
        (status = 403, body = crate::error::ErrorBody, description = "没有权限"),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区")))]
pub async fn add_education(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UnitPath>,
    Json(b): Json<EducationBody>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let e = EducationInput {
        kind: b.kind,
        title: b.title,
        held_on: b.held_on,
        attendance: b.attendance,
        materials: b.materials,
    };
    let id = state
        .services
        .wellbeing
        .add_education(&user.principal, &p.id, e)
        .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// The unit's designated case reporters (the unit's security manager).
#[utoipa::path(get, path = "/api/v1/units/{id}/crisis-reporters", tag = "wellbeing", params(UnitPath),
    responses((status = 200, body = Vec<Reporter>),
        (status = 403, body = crate::error::ErrorBody, description = "仅本单位保卫负责人"),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区")))]
pub async fn reporters(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UnitPath>,
) -> ApiResult<Json<Vec<Reporter>>> {
    Ok(Json(
        state.services.wellbeing.reporters(&user.principal, &p.id).await?.0,
    ))
}

/// Sets the unit's designated case reporters.
#[utoipa::path(put, path = "/api/v1/units/{id}/crisis-reporters", tag = "wellbeing", params(UnitPath),
    request_body = ReportersBody,
    responses((status = 200, body = Vec<Reporter>),
        (status = 400, body = crate::error::ErrorBody, description = "报告人须为本单位在用的账号"),
        (status = 403, body = crate::error::ErrorBody, description = "仅本单位保卫负责人"),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区")))]
pub async fn set_reporters(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UnitPath>,
    Json(b): Json<ReportersBody>,
) -> ApiResult<Json<Vec<Reporter>>> {
    Ok(Json(
        state
            .services
            .wellbeing
            .set_reporters(&user.principal, &p.id, &b.user_ids)
            .await?,
    ))
}

/// The caller's cases (named counsellor or reporter), without content.
#[utoipa::path(get, path = "/api/v1/crisis-cases", tag = "wellbeing",
    responses((status = 200, body = Vec<CaseSummary>),
        (status = 403, body = crate::error::ErrorBody, description = "没有权限")))]
pub async fn my_cases(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Vec<CaseSummary>>> {
    Ok(Json(state.services.wellbeing.my_cases(&user.principal).await?))
}

/// Raises a case (a designated reporter of the unit). Answers the id and number only.
#[utoipa::path(post, path = "/api/v1/crisis-cases", tag = "wellbeing", request_body = CaseBody,
    responses((status = 201, body = CaseRef),
        (status = 400, body = crate::error::ErrorBody, description = "姓名、情况描述、风险等级、承办心理辅导员必填"),
        (status = 403, body = crate::error::ErrorBody, description = "不是本单位指定的报告人")))]
pub async fn raise(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(b): Json<CaseBody>,
) -> ApiResult<(StatusCode, Json<CaseRef>)> {
    let c = CaseInput {
        person_name: b.person_name,
        person_role: b.person_role,
        narrative: b.narrative,
        health_details: b.health_details,
        risk: b.risk,
        threat_to_others: b.threat_to_others,
        counsellor_ids: b.counsellor_ids,
    };
    Ok((
        StatusCode::CREATED,
        Json(state.services.wellbeing.raise(&user.principal, c).await?),
    ))
}

/// One case with its content, for a stated purpose (audited): its named counsellors read
/// everything, its reporter what they reported.
#[utoipa::path(get, path = "/api/v1/crisis-cases/{id}", tag = "wellbeing", params(IdPath, PurposeQuery),
    responses((status = 200, body = CaseDetail),
        (status = 400, body = crate::error::ErrorBody, description = "须填写查看事由"),
        (status = 403, body = crate::error::ErrorBody, description = "没有权限"),
        (status = 404, body = crate::error::ErrorBody, description = "个案不存在或您不是其承办人、报告人")))]
pub async fn get_case(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Query(q): Query<PurposeQuery>,
) -> ApiResult<Json<CaseDetail>> {
    Ok(Json(
        state
            .services
            .wellbeing
            .case(&user.principal, &p.id, q.purpose.as_deref())
            .await?,
    ))
}

/// Records a follow-up (plan, visit, family contact, referral) on a case.
#[utoipa::path(post, path = "/api/v1/crisis-cases/{id}/follow-ups", tag = "wellbeing", params(IdPath),
    request_body = FollowUpBody,
    responses((status = 201, body = CaseRef),
        (status = 400, body = crate::error::ErrorBody, description = "类别、内容必填"),
        (status = 403, body = crate::error::ErrorBody, description = "仅个案指定的心理辅导员"),
        (status = 404, body = crate::error::ErrorBody, description = "个案不存在或您不是其承办人"),
        (status = 409, body = crate::error::ErrorBody, description = "个案已结案")))]
pub async fn follow_up(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(b): Json<FollowUpBody>,
) -> ApiResult<(StatusCode, Json<CaseRef>)> {
    let f = FollowUpInput {
        kind: b.kind,
        note: b.note,
        risk: b.risk,
    };
    Ok((
        StatusCode::CREATED,
        Json(state.services.wellbeing.follow_up(&user.principal, &p.id, f).await?),
    ))
}

/// Escalates a high-risk case that threatens others: a minimal notice (no name, no health
/// details) to the unit and its police station.
#[utoipa::path(post, path = "/api/v1/crisis-cases/{id}/escalate", tag = "wellbeing", params(IdPath),
    request_body = EscalateBody,
    responses((status = 200, body = Escalation),
        (status = 400, body = crate::error::ErrorBody, description = "联系方式无效"),
        (status = 403, body = crate::error::ErrorBody, description = "仅个案指定的心理辅导员"),
        (status = 404, body = crate::error::ErrorBody, description = "个案不存在或您不是其承办人"),
        (status = 409, body = crate::error::ErrorBody, description = "非高风险危及他人的个案或已结案")))]
pub async fn escalate(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(b): Json<EscalateBody>,
) -> ApiResult<Json<Escalation>> {
    Ok(Json(
        state
            .services
            .wellbeing
            .escalate(&user.principal, &p.id, &b.contact)
            .await?,
    ))
}

/// Closes a case.
#[utoipa::path(post, path = "/api/v1/crisis-cases/{id}/close", tag = "wellbeing", params(IdPath),
    request_body = CaseCloseBody,
    responses((status = 200, body = CaseRef),
        (status = 400, body = crate::error::ErrorBody, description = "结案说明必填"),
        (status = 403, body = crate::error::ErrorBody, description = "仅个案指定的心理辅导员"),
        (status = 404, body = crate::error::ErrorBody, description = "个案不存在或您不是其承办人"),
        (status = 409, body = crate::error::ErrorBody, description = "个案已结案")))]
pub async fn close(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(b): Json<CaseCloseBody>,
) -> ApiResult<Json<CaseRef>> {
    Ok(Json(
        state.services.wellbeing.close(&user.principal, &p.id, &b.note).await?,
    ))
}

/// Counts of cases by unit and risk level in the caller's jurisdiction (police); no content.
#[utoipa::path(get, path = "/api/v1/crisis-counts", tag = "wellbeing",
    responses((status = 200, body = Vec<CaseCount>),
        (status = 403, body = crate::error::ErrorBody, description = "仅公安民警")))]
pub async fn counts(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Vec<CaseCount>>> {
    Ok(Json(state.services.wellbeing.counts(&user.principal).await?))
}

/// The minimal escalation notices of the units in the caller's scope.
#[utoipa::path(get, path = "/api/v1/crisis-escalations", tag = "wellbeing",
    responses((status = 200, body = Vec<Escalation>),
        (status = 403, body = crate::error::ErrorBody, description = "没有权限")))]
pub async fn escalations(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Vec<Escalation>>> {
    Ok(Json(state.services.wellbeing.escalations(&user.principal).await?))
}

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/api/v1/units/{id}/wellbeing", routing::get(unit))
        .route("/api/v1/units/{id}/volunteer-teams", routing::post(create_team))
        .route(
            "/api/v1/volunteer-teams/{id}/activities",
            routing::post(add_team_activity),
        )
        .route("/api/v1/units/{id}/education-activities", routing::post(add_education))
        .route(
            "/api/v1/units/{id}/crisis-reporters",
            routing::get(reporters).put(set_reporters),
        )
        .route("/api/v1/crisis-cases", routing::get(my_cases).post(raise))
        .route("/api/v1/crisis-cases/{id}", routing::get(get_case))
        .route("/api/v1/crisis-cases/{id}/follow-ups", routing::post(follow_up))
        .route("/api/v1/crisis-cases/{id}/escalate", routing::post(escalate))
        .route("/api/v1/crisis-cases/{id}/close", routing::post(close))
        .route("/api/v1/crisis-counts", routing::get(counts))
        .route("/api/v1/crisis-escalations", routing::get(escalations))
}

/// This capability's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    unit,
    create_team,
    add_team_activity,
    add_education,
    reporters,
    set_reporters,
    my_cases,
    raise,
    get_case,
    follow_up,
    escalate,
    close,
    counts,
    escalations
))]
pub struct Doc;
