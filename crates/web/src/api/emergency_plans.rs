//! Emergency plans (应急预案, docs/EMERGENCY-PLANS.md; R18, R41(1)): a unit's plans by scenario,
//! one plan with a version and its history, creating and editing (each save a new version),
//! evacuation maps, the police review (submit, return with comments, accept), the plans waiting
//! for review and the key units without an accepted plan. Handlers parse, call
//! [`neibao_engine::emergency_plans::EmergencyPlanService`] and answer; who may do what, and the
//! jurisdiction, is the service's business.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use neibao_domain::attachments::Attachment;
use neibao_domain::emergency::Scenario;
use neibao_domain::emergency_plans::{Plan, PlanContact, PlanResource, PlanRole, PlanSummary, UnitWithoutPlan};
use neibao_engine::emergency_plans::PlanDraft;
use serde::Deserialize;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::multipart::{upload_limit, CsrfMultipart};
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

/// A unit or a plan.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct IdPath {
    /// The unit's or plan's id.
    pub id: String,
}

/// A version of a plan.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct VersionPath {
    /// The plan's id.
    pub id: String,
    /// The version number (1, 2 …).
    #[param(minimum = 1)]
    pub version: i64,
}

/// Which plans of the unit.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScenarioQuery {
    /// Only this scenario's plans.
    pub scenario: Option<Scenario>,
}

/// A plan as typed (creating or editing).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PlanRequest {
    #[schema(max_length = 100)]
    pub title: String,
    pub scenario: Scenario,
    #[serde(default)]
    pub roles: Vec<PlanRole>,
    /// The contact tree; a phone sent masked as answered (`138****5678`) keeps the number of
    /// the same person in the version edited.
    #[serde(default)]
    pub contacts: Vec<PlanContact>,
    /// The response steps in order (at least one).
    pub steps: Vec<String>,
    #[serde(default)]
    pub resources: Vec<PlanResource>,
}

impl PlanRequest {
    fn draft(self) -> PlanDraft {
        PlanDraft {
            title: self.title,
            scenario: self.scenario,
            roles: self.roles,
            contacts: self.contacts,
            steps: self.steps,
            resources: self.resources,
        }
    }
}

/// A new version of a plan.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct EditRequest {
    /// The plan's `current_version` as read (stale: 409).
    #[schema(minimum = 1)]
    pub version: i64,
    #[serde(flatten)]
    pub plan: PlanRequest,
}

/// A review step: submit (the unit), return (comment required) or accept (the police).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = PlanReviewRequest)]
pub struct ReviewRequest {
    /// The plan's `current_version` as read (stale: 409).
    #[schema(minimum = 1)]
    pub version: i64,
    /// The police's comments (a return's reasons; at most 1000 characters).
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub comment: String,
}

/// A multipart body with one map.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // the schema of the body, which `CsrfMultipart` reads
pub struct MapForm {
    /// The evacuation map (an image or a PDF), at most 10 MB.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// A unit's plans (of one scenario when given), each with its id, title, scenario, current
/// version and review status.
#[utoipa::path(get, path = "/api/v1/units/{id}/emergency-plans", tag = "emergency_plans", params(IdPath, ScenarioQuery),
    responses((status = 200, body = Vec<PlanSummary>), (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "单位不存在或不在本辖区")))]
pub async fn unit_list(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Query(q): Query<ScenarioQuery>,
) -> ApiResult<Json<Vec<PlanSummary>>> {
    Ok(Json(
        state
            .services
            .emergency_plans
            .list(&user.principal, &p.id, q.scenario)
            .await?,
    ))
}

/// Creates a plan of the unit (the unit's security manager) as version 1, a draft.
#[utoipa::path(post, path = "/api/v1/units/{id}/emergency-plans", tag = "emergency_plans", params(IdPath),
    request_body = PlanRequest,
    responses((status = 201, body = Plan), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "仅本单位保卫负责人可以编制"),
        (status = 404, body = ErrorBody, description = "单位不存在或不在本辖区"),
        (status = 409, body = ErrorBody, description = "单位已注销")))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(r): Json<PlanRequest>,
) -> ApiResult<(StatusCode, Json<Plan>)> {
    let plan = state
        .services
        .emergency_plans
        .create(&user.principal, &p.id, r.draft())
        .await?;
    Ok((StatusCode::CREATED, Json(plan)))
}

/// One plan with its current version (contact phones masked), its versions, history and maps.
#[utoipa::path(get, path = "/api/v1/emergency-plans/{id}", tag = "emergency_plans", params(IdPath),
    responses((status = 200, body = Plan),
        (status = 404, body = ErrorBody, description = "预案不存在或不在本辖区")))]
pub async fn get(State(state): State<AppState>, user: CurrentUser, Path(p): Path<IdPath>) -> ApiResult<Json<Plan>> {
    Ok(Json(
        state.services.emergency_plans.get(&user.principal, &p.id, None).await?,
    ))
}

/// One plan with an earlier (or the current) version.
#[utoipa::path(get, path = "/api/v1/emergency-plans/{id}/versions/{version}", tag = "emergency_plans", params(VersionPath),
    responses((status = 200, body = Plan), (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "预案或版本不存在，或不在本辖区")))]
pub async fn version(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<VersionPath>,
) -> ApiResult<Json<Plan>> {
    Ok(Json(
        state
            .services
            .emergency_plans
            .get(&user.principal, &p.id, Some(p.version))
            .await?,
    ))
}

/// Saves a new version of a plan (the unit's security manager); not while it waits for review.
#[utoipa::path(put, path = "/api/v1/emergency-plans/{id}", tag = "emergency_plans", params(IdPath),
    request_body = EditRequest,
    responses((status = 200, body = Plan), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "待审核期间不能修改，或版本已变")))]
pub async fn edit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(r): Json<EditRequest>,
) -> ApiResult<Json<Plan>> {
    Ok(Json(
        state
            .services
            .emergency_plans
            .edit(&user.principal, &p.id, r.version, r.plan.draft())
            .await?,
    ))
}

/// Submits a key unit's plan for police review (the unit's security manager).
#[utoipa::path(post, path = "/api/v1/emergency-plans/{id}/submit", tag = "emergency_plans", params(IdPath),
    request_body = ReviewRequest,
    responses((status = 200, body = Plan), (status = 400, body = ErrorBody, description = "非重点单位无需报审"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "状态不允许或版本已变")))]
pub async fn submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(r): Json<ReviewRequest>,
) -> ApiResult<Json<Plan>> {
    Ok(Json(
        state
            .services
            .emergency_plans
            .submit(&user.principal, &p.id, r.version)
            .await?,
    ))
}

/// Returns a submitted plan with comments (police of the jurisdiction); the unit is notified.
#[utoipa::path(post, path = "/api/v1/emergency-plans/{id}/return", tag = "emergency_plans", params(IdPath),
    request_body = ReviewRequest,
    responses((status = 200, body = Plan), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "状态不允许或版本已变")))]
pub async fn return_plan(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(r): Json<ReviewRequest>,
) -> ApiResult<Json<Plan>> {
    Ok(Json(
        state
            .services
            .emergency_plans
            .return_plan(&user.principal, &p.id, r.version, &r.comment)
            .await?,
    ))
}

/// Accepts a submitted plan (police of the jurisdiction); the unit is notified.
#[utoipa::path(post, path = "/api/v1/emergency-plans/{id}/accept", tag = "emergency_plans", params(IdPath),
    request_body = ReviewRequest,
    responses((status = 200, body = Plan), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "状态不允许或版本已变")))]
pub async fn accept(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(r): Json<ReviewRequest>,
) -> ApiResult<Json<Plan>> {
    Ok(Json(
        state
            .services
            .emergency_plans
            .accept(&user.principal, &p.id, r.version, &r.comment)
            .await?,
    ))
}

/// Uploads an evacuation map of a plan (multipart field `file`, an image or PDF of at most 10 MB).
#[utoipa::path(post, path = "/api/v1/emergency-plans/{id}/maps", tag = "emergency_plans", params(IdPath),
    request_body(content_type = "multipart/form-data", content = MapForm),
    responses((status = 201, body = Attachment), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "预案不存在或不在本辖区"),
        (status = 413, body = ErrorBody)))]
pub async fn add_map(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    body: CsrfMultipart,
) -> ApiResult<(StatusCode, Json<Attachment>)> {
    let s = &state.services.emergency_plans;
    s.check_map_target(&user.principal, &p.id).await?;
    let file = body.file().await?;
    let a = s.add_map(&user.principal, &p.id, file).await?;
    Ok((StatusCode::CREATED, Json(a)))
}

/// The plans of the caller's jurisdiction waiting for review, oldest first.
#[utoipa::path(get, path = "/api/v1/emergency/plans/waiting", tag = "emergency_plans",
    responses((status = 200, body = Vec<PlanSummary>)))]
pub async fn waiting(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Vec<PlanSummary>>> {
    Ok(Json(state.services.emergency_plans.waiting(&user.principal).await?))
}

/// The active key units of the caller's jurisdiction without an accepted plan.
#[utoipa::path(get, path = "/api/v1/emergency/plans/missing", tag = "emergency_plans",
    responses((status = 200, body = Vec<UnitWithoutPlan>)))]
pub async fn missing(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Vec<UnitWithoutPlan>>> {
    Ok(Json(
        state
            .services
            .emergency_plans
            .key_units_without_plan(&user.principal)
            .await?,
    ))
}

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route(
            "/api/v1/units/{id}/emergency-plans",
            routing::get(unit_list).post(create),
        )
        .route("/api/v1/emergency-plans/{id}", routing::get(get).put(edit))
        .route("/api/v1/emergency-plans/{id}/versions/{version}", routing::get(version))
        .route("/api/v1/emergency-plans/{id}/submit", routing::post(submit))
        .route("/api/v1/emergency-plans/{id}/return", routing::post(return_plan))
        .route("/api/v1/emergency-plans/{id}/accept", routing::post(accept))
        .route(
            "/api/v1/emergency-plans/{id}/maps",
            routing::post(add_map).layer(upload_limit()),
        )
        .route("/api/v1/emergency/plans/waiting", routing::get(waiting))
        .route("/api/v1/emergency/plans/missing", routing::get(missing))
}

/// This capability's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    unit_list,
    create,
    get,
    version,
    edit,
    submit,
    return_plan,
    accept,
    add_map,
    waiting,
    missing
))]
pub struct Doc;
