//! The unit's security organisation, security staff, guards, training and records
//! (docs/SECURITY-STAFF.md; R7, R10, R11, R14, R16, R19, R57, R58). Handlers parse, call
//! [`neibao_engine::security_staff::SecurityStaffService`] and answer; who may do what, and the
//! jurisdiction, is the service's business. Phone and ID numbers are answered masked.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::NaiveDate;
use neibao_domain::security_staff::{
    BodyKind, Employment, ExamResult, Guard, RecordKind, SecurityBody, SecuritySummary, StaffMember, StaffRecord,
    Training, Vetting,
};
use neibao_engine::security_staff::{BodyInput, GuardInput, RecordInput, StaffInput, TrainingInput, UnitSecurity};
use serde::Deserialize;

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

/// A security staff member of a unit.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct StaffPath {
    /// The unit's id.
    pub id: String,
    /// The staff member's id.
    pub staff_id: String,
}

/// A guard of a unit.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct GuardPath {
    /// The unit's id.
    pub id: String,
    /// The guard's id.
    pub guard_id: String,
}

/// The version of the entry removed.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RemoveQuery {
    /// The entry's `version` as read (required; stale → 409 `version_conflict`).
    #[param(minimum = 1)]
    pub version: Option<i64>,
}

/// The unit's security body.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct BodyRequest {
    /// Absent: record the body the first time (409 `conflict` when one exists); else the
    /// `version` read (stale → 409 `version_conflict`).
    pub version: Option<i64>,
    /// 1–100 characters, e.g. 保卫处.
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    pub kind: BodyKind,
    /// The head's name, 1–50 characters.
    #[schema(min_length = 1, max_length = 50)]
    pub head: String,
    /// 成立日期 (not after today).
    #[serde(default, deserialize_with = "neibao_domain::json::opt_date")]
    pub established_on: Option<NaiveDate>,
    /// Absent or empty: keep the stored phone; `-`: clear; else a mainland phone number.
    pub phone: Option<String>,
}

/// A security staff member.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct StaffRequest {
    /// Required on a change: the `version` read.
    pub version: Option<i64>,
    #[schema(min_length = 1, max_length = 50)]
    pub name: String,
    /// 职务/岗位 (at most 50 characters).
    #[serde(default)]
    #[schema(max_length = 50)]
    pub post: String,
    /// 专职 (true) or 兼职.
    pub full_time: bool,
    /// Absent or empty: keep (none when added); `-`: clear.
    pub phone: Option<String>,
    /// 在岗.
    pub on_duty: bool,
}

/// A guard.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct GuardRequest {
    /// Required on a change: the `version` read.
    pub version: Option<i64>,
    #[schema(min_length = 1, max_length = 50)]
    pub name: String,
    /// 岗位 (at most 50 characters; empty: 保安员).
    #[serde(default)]
    #[schema(max_length = 50)]
    pub post: String,
    pub full_time: bool,
    pub phone: Option<String>,
    pub on_duty: bool,
    pub employment: Employment,
    /// Required for `company`.
    #[serde(default)]
    #[schema(max_length = 100)]
    pub company_name: String,
    /// 保安服务许可证号, required for `company`.
    #[serde(default)]
    #[schema(max_length = 50)]
    pub company_licence_no: String,
    /// The company is foreign-invested (R19: warned at a key unit).
    #[serde(default)]
    pub company_foreign_invested: bool,
    /// 保安员证号.
    #[serde(default)]
    #[schema(max_length = 50)]
    pub certificate_no: String,
    /// 公民身份号码 (GB 11643; at least 18 years old). Required when adding; empty on a change
    /// keeps the stored one.
    #[serde(default)]
    pub citizen_id: String,
    /// 上岗日期 (not after today).
    pub started_on: NaiveDate,
    /// 离岗日期 (not before the start, not after today).
    #[serde(default, deserialize_with = "neibao_domain::json::opt_date")]
    pub stopped_on: Option<NaiveDate>,
    /// Absent: `pending`.
    pub vetting: Option<Vetting>,
}

/// A training or exam record.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct TrainingRequest {
    /// The staff member or guard trained (on the unit's roster).
    pub member_id: String,
    pub trained_on: NaiveDate,
    #[schema(min_length = 1, max_length = 100)]
    pub topic: String,
    /// 0.5–1000.
    #[schema(minimum = 0.5, maximum = 1000)]
    pub hours: f64,
    /// Absent: `none` (未考核).
    pub exam_result: Option<ExamResult>,
    #[serde(default)]
    #[schema(max_length = 100)]
    pub certificate_name: String,
    /// The certificate's expiry date: reminded 30 days before.
    #[serde(default, deserialize_with = "neibao_domain::json::opt_date")]
    pub certificate_expires_on: Option<NaiveDate>,
}

/// A commendation, duty injury/death or complaint.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RecordRequest {
    pub kind: RecordKind,
    /// The roster member concerned, if any.
    #[serde(default)]
    pub member_id: String,
    /// Whom it concerns (1–100 characters; empty with a member: the member's name).
    #[serde(default)]
    #[schema(max_length = 100)]
    pub subject: String,
    /// The date (of the commendation, the injury, the complaint's receipt).
    pub occurred_on: NaiveDate,
    #[schema(min_length = 1, max_length = 2000)]
    pub content: String,
    /// 处理情况.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub handling: String,
    /// 处理结果.
    #[serde(default)]
    #[schema(max_length = 500)]
    pub result: String,
}

fn staff_input(r: StaffRequest) -> StaffInput {
    StaffInput {
        name: r.name,
        post: r.post,
        full_time: r.full_time,
        phone: r.phone,
        on_duty: r.on_duty,
    }
}

fn guard_input(r: GuardRequest) -> GuardInput {
    GuardInput {
        name: r.name,
        post: r.post,
        full_time: r.full_time,
        phone: r.phone,
        on_duty: r.on_duty,
        employment: r.employment.code().into(),
        company_name: r.company_name,
        company_licence_no: r.company_licence_no,
        company_foreign_invested: r.company_foreign_invested,
        certificate_no: r.certificate_no,
        citizen_id: r.citizen_id,
        started_on: Some(r.started_on),
        stopped_on: r.stopped_on,
        vetting: r.vetting.map(|v| v.code().to_string()).unwrap_or_default(),
    }
}

fn version_of(v: Option<i64>) -> ApiResult<i64> {
    v.ok_or_else(|| crate::error::ApiError::validation("请提供所修改记录的版本号（version）"))
}

/// Everything about the unit's security staff: the body, the roster (staff and guards, removed
/// ones kept), training records with certificate states, expired or expiring certificates,
/// commendations / injuries / complaints, the change history and the summary.
#[utoipa::path(get, path = "/api/v1/units/{id}/security", tag = "security_staff", params(UnitPath),
    responses((status = 200, body = UnitSecurity),
        (status = 403, body = crate::error::ErrorBody, description = "保安员账号不能查看名册"),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区")))]
pub async fn overview(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UnitPath>,
) -> ApiResult<Json<UnitSecurity>> {
    Ok(Json(
        state.services.security_staff.overview(&user.principal, &p.id).await?,
    ))
}

/// The unit's security organisation in brief (body present, counts, trainings in the last 12
/// months, expiring certificates, R19 warnings).
#[utoipa::path(get, path = "/api/v1/units/{id}/security/summary", tag = "security_staff", params(UnitPath),
    responses((status = 200, body = SecuritySummary), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区")))]
pub async fn summary(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UnitPath>,
) -> ApiResult<Json<SecuritySummary>> {
    Ok(Json(
        state.services.security_staff.summary(&user.principal, &p.id).await?,
    ))
}

/// Records (no `version`) or changes (with the `version` read) the unit's security body.
#[utoipa::path(put, path = "/api/v1/units/{id}/security/body", tag = "security_staff", params(UnitPath),
    request_body = BodyRequest,
    responses((status = 200, body = SecurityBody), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody, description = "仅本单位保卫负责人可以登记"),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "已登记，或已被他人修改")))]
pub async fn save_body(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UnitPath>,
    Json(r): Json<BodyRequest>,
) -> ApiResult<Json<SecurityBody>> {
    let input = BodyInput {
        name: r.name,
        kind: r.kind.code().into(),
        head: r.head,
        established_on: r.established_on,
        phone: r.phone,
    };
    Ok(Json(
        state
            .services
            .security_staff
            .save_body(&user.principal, &p.id, input, r.version)
            .await?,
    ))
}

/// Adds a security staff member to the roster.
#[utoipa::path(post, path = "/api/v1/units/{id}/security/staff", tag = "security_staff", params(UnitPath),
    request_body = StaffRequest,
    responses((status = 201, body = StaffMember), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody, description = "仅本单位保卫负责人可以登记"),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区")))]
pub async fn add_staff(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UnitPath>,
    Json(r): Json<StaffRequest>,
) -> ApiResult<(StatusCode, Json<StaffMember>)> {
    let m = state
        .services
        .security_staff
        .add_staff(&user.principal, &p.id, staff_input(r))
        .await?;
    Ok((StatusCode::CREATED, Json(m)))
}

/// Changes a security staff member (`version` required; stale → 409).
#[utoipa::path(put, path = "/api/v1/units/{id}/security/staff/{staff_id}", tag = "security_staff", params(StaffPath),
    request_body = StaffRequest,
    responses((status = 200, body = StaffMember), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody, description = "已被他人修改，或已移出名册")))]
pub async fn update_staff(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<StaffPath>,
    Json(r): Json<StaffRequest>,
) -> ApiResult<Json<StaffMember>> {
    user.principal
        .require(neibao_domain::access::Permission::SecurityStaffWrite)?;
    let version = version_of(r.version)?;
    Ok(Json(
        state
            .services
            .security_staff
            .update_staff(&user.principal, &p.id, &p.staff_id, version, staff_input(r))
            .await?,
    ))
}

/// Removes a security staff member from the roster (kept in the list and history as 已移除).
#[utoipa::path(delete, path = "/api/v1/units/{id}/security/staff/{staff_id}", tag = "security_staff",
    params(StaffPath, RemoveQuery),
    responses((status = 204, description = "已移出名册"), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody, description = "已被他人修改，或已移出名册")))]
pub async fn remove_staff(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<StaffPath>,
    Query(q): Query<RemoveQuery>,
) -> ApiResult<StatusCode> {
    state
        .services
        .security_staff
        .remove_staff(&user.principal, &p.id, &p.staff_id, q.version)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The unit's guards (current and removed), each with `employment`, `started_on` and
/// `stopped_on`, age and eligibility, and the R19 warning if any.
#[utoipa::path(get, path = "/api/v1/units/{id}/security/guards", tag = "security_staff", params(UnitPath),
    responses((status = 200, body = Vec<Guard>), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区")))]
pub async fn guards(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UnitPath>,
) -> ApiResult<Json<Vec<Guard>>> {
    Ok(Json(
        state.services.security_staff.guards(&user.principal, &p.id).await?,
    ))
}

/// Adds a guard. 400 `invalid_citizen_id` (GB 11643), 400 `guard_underage` (under 18,
/// 《保安服务管理条例》第十六条), 409 `conflict` (the same ID number on the roster).
#[utoipa::path(post, path = "/api/v1/units/{id}/security/guards", tag = "security_staff", params(UnitPath),
    request_body = GuardRequest,
    responses((status = 201, body = Guard), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody, description = "仅本单位保卫负责人可以登记"),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "该身份证号的保安员已在名册上")))]
pub async fn add_guard(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UnitPath>,
    Json(r): Json<GuardRequest>,
) -> ApiResult<(StatusCode, Json<Guard>)> {
    let g = state
        .services
        .security_staff
        .add_guard(&user.principal, &p.id, guard_input(r))
        .await?;
    Ok((StatusCode::CREATED, Json(g)))
}

/// Changes a guard (`version` required; an empty `citizen_id` keeps the stored one).
#[utoipa::path(put, path = "/api/v1/units/{id}/security/guards/{guard_id}", tag = "security_staff", params(GuardPath),
    request_body = GuardRequest,
    responses((status = 200, body = Guard), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody, description = "已被他人修改，或已移出名册")))]
pub async fn update_guard(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<GuardPath>,
    Json(r): Json<GuardRequest>,
) -> ApiResult<Json<Guard>> {
    user.principal
        .require(neibao_domain::access::Permission::SecurityStaffWrite)?;
    let version = version_of(r.version)?;
    Ok(Json(
        state
            .services
            .security_staff
            .update_guard(&user.principal, &p.id, &p.guard_id, version, guard_input(r))
            .await?,
    ))
}

/// Removes a guard from the roster (kept as 已移除).
#[utoipa::path(delete, path = "/api/v1/units/{id}/security/guards/{guard_id}", tag = "security_staff",
    params(GuardPath, RemoveQuery),
    responses((status = 204, description = "已移出名册"), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody, description = "已被他人修改，或已移出名册")))]
pub async fn remove_guard(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<GuardPath>,
    Query(q): Query<RemoveQuery>,
) -> ApiResult<StatusCode> {
    state
        .services
        .security_staff
        .remove_guard(&user.principal, &p.id, &p.guard_id, q.version)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Records a training or exam of a roster member; a certificate expiry date schedules the
/// reminder 30 days before.
#[utoipa::path(post, path = "/api/v1/units/{id}/security/trainings", tag = "security_staff", params(UnitPath),
    request_body = TrainingRequest,
    responses((status = 201, body = Training), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody, description = "仅本单位保卫负责人可以登记"),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区")))]
pub async fn add_training(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UnitPath>,
    Json(r): Json<TrainingRequest>,
) -> ApiResult<(StatusCode, Json<Training>)> {
    let input = TrainingInput {
        member_id: r.member_id,
        trained_on: Some(r.trained_on),
        topic: r.topic,
        hours: r.hours,
        exam_result: r.exam_result.map(|e| e.code().to_string()).unwrap_or_default(),
        certificate_name: r.certificate_name,
        certificate_expires_on: r.certificate_expires_on,
    };
    let t = state
        .services
        .security_staff
        .add_training(&user.principal, &p.id, input)
        .await?;
    Ok((StatusCode::CREATED, Json(t)))
}

/// Records a commendation, duty injury/death or complaint about security staff conduct.
#[utoipa::path(post, path = "/api/v1/units/{id}/security/records", tag = "security_staff", params(UnitPath),
    request_body = RecordRequest,
    responses((status = 201, body = StaffRecord), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody, description = "仅本单位保卫负责人可以登记"),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区")))]
pub async fn add_record(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UnitPath>,
    Json(r): Json<RecordRequest>,
) -> ApiResult<(StatusCode, Json<StaffRecord>)> {
    let input = RecordInput {
        kind: r.kind.code().into(),
        member_id: r.member_id,
        subject: r.subject,
        occurred_on: Some(r.occurred_on),
        content: r.content,
        handling: r.handling,
        result: r.result,
    };
    let rec = state
        .services
        .security_staff
        .add_record(&user.principal, &p.id, input)
        .await?;
    Ok((StatusCode::CREATED, Json(rec)))
}

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/api/v1/units/{id}/security", routing::get(overview))
        .route("/api/v1/units/{id}/security/summary", routing::get(summary))
        .route("/api/v1/units/{id}/security/body", routing::put(save_body))
        .route("/api/v1/units/{id}/security/staff", routing::post(add_staff))
        .route(
            "/api/v1/units/{id}/security/staff/{staff_id}",
            routing::put(update_staff).delete(remove_staff),
        )
        .route(
            "/api/v1/units/{id}/security/guards",
            routing::get(guards).post(add_guard),
        )
        .route(
            "/api/v1/units/{id}/security/guards/{guard_id}",
            routing::put(update_guard).delete(remove_guard),
        )
        .route("/api/v1/units/{id}/security/trainings", routing::post(add_training))
        .route("/api/v1/units/{id}/security/records", routing::post(add_record))
}

/// This capability's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    overview,
    summary,
    save_body,
    add_staff,
    update_staff,
    remove_staff,
    guards,
    add_guard,
    update_guard,
    remove_guard,
    add_training,
    add_record
))]
pub struct Doc;
