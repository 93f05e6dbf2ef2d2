//! Universities (docs/UNIVERSITIES.md; R39, R84–R88): the university's organisation, campuses,
//! dormitory buildings and holiday duty roster, and the semester calendar of a city with its
//! inspection rounds. Handlers parse, call [`neibao_engine::universities::UniversityService`] and
//! answer.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::universities::{Campus, College, Dormitory, DutyEntry, Semester, SemesterDetail, UniversityProfile};
use neibao_engine::universities::{
    CampusInput, CollegeInput, DormitoryInput, DutyInput, ScheduleReport, SemesterInput, UniversityProfileInput,
};
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

/// A semester.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct SemesterPath {
    /// The semester's id.
    pub id: String,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    #[param(minimum = 1, maximum = 2147483647)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
}

/// The unit's university profile: 党委书记, 校长, 保卫处 and its head, colleges and departments,
/// campuses with their key areas and police stations, dormitory buildings, the holiday duty
/// roster. Any unit in scope answers (`is_university` says whether it is one).
#[utoipa::path(get, path = "/api/v1/units/{id}/university", tag = "universities", params(UnitPath),
    responses((status = 200, body = UniversityProfile),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区")))]
pub async fn profile(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UnitPath>,
) -> ApiResult<Json<UniversityProfile>> {
    Ok(Json(state.services.universities.profile(&user.principal, &p.id).await?))
}

/// Saves the organisation (police and the university's security manager); send the `version`
/// read.
#[utoipa::path(put, path = "/api/v1/units/{id}/university", tag = "universities", params(UnitPath),
    request_body = UniversityProfileInput,
    responses((status = 200, body = UniversityProfile),
        (status = 400, body = crate::error::ErrorBody, description = "保卫处名称为空或名称过长"),
        (status = 403, body = crate::error::ErrorBody, description = "仅公安机关和本单位保卫负责人"),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "单位不是高等学校、已注销，或信息已被他人修改")))]
pub async fn save_profile(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UnitPath>,
    Json(b): Json<UniversityProfileInput>,
) -> ApiResult<Json<UniversityProfile>> {
    Ok(Json(
        state
            .services
            .universities
            .save_profile(&user.principal, &p.id, b)
            .await?,
    ))
}

/// Adds a college or department with its responsible person. Send an `Idempotency-Key`: a
/// repeat makes one.
#[utoipa::path(post, path = "/api/v1/units/{id}/university/colleges", tag = "universities", params(UnitPath),
    request_body = CollegeInput,
    responses((status = 201, body = College),
        (status = 400, body = crate::error::ErrorBody, description = "名称或负责人为空、过长"),
        (status = 403, body = crate::error::ErrorBody, description = "仅公安机关和本单位保卫负责人"),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "单位不是高等学校、已注销，或院系已登记")))]
pub async fn add_college(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UnitPath>,
    Json(b): Json<CollegeInput>,
) -> ApiResult<(StatusCode, Json<College>)> {
    let c = state
        .services
        .universities
        .add_college(&user.principal, &p.id, b)
        .await?;
    Ok((StatusCode::CREATED, Json(c)))
}

/// Adds a campus with its police station and key areas (each a registry key area of the unit).
/// Send an `Idempotency-Key`: a repeat makes one.
#[utoipa::path(post, path = "/api/v1/units/{id}/university/campuses", tag = "universities", params(UnitPath),
    request_body = CampusInput,
    responses((status = 201, body = Campus),
        (status = 400, body = crate::error::ErrorBody, description = "名称为空或过长、派出所不存在、重要部位过多"),
        (status = 403, body = crate::error::ErrorBody, description = "仅公安机关和本单位保卫负责人"),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "单位不是高等学校、已注销，或校区已登记")))]
pub async fn add_campus(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UnitPath>,
    Json(b): Json<CampusInput>,
) -> ApiResult<(StatusCode, Json<Campus>)> {
    let c = state
        .services
        .universities
        .add_campus(&user.principal, &p.id, b)
        .await?;
    Ok((StatusCode::CREATED, Json(c)))
}

/// Adds a dormitory building of a campus (a key area of the unit: a camera on it must give its
/// location type, one inside a dormitory room is refused, R85). Send an `Idempotency-Key`.
#[utoipa::path(post, path = "/api/v1/units/{id}/university/dormitories", tag = "universities", params(UnitPath),
    request_body = DormitoryInput,
    responses((status = 201, body = Dormitory),
        (status = 400, body = crate::error::ErrorBody, description = "校区不是本校的、名称为空或房间数不对"),
        (status = 403, body = crate::error::ErrorBody, description = "仅公安机关和本单位保卫负责人"),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "单位不是高等学校、已注销，或宿舍楼已登记")))]
pub async fn add_dormitory(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UnitPath>,
    Json(b): Json<DormitoryInput>,
) -> ApiResult<(StatusCode, Json<Dormitory>)> {
    let d = state
        .services
        .universities
        .add_dormitory(&user.principal, &p.id, b)
        .await?;
    Ok((StatusCode::CREATED, Json(d)))
}

/// Adds a holiday duty roster entry (who is on duty on which date). Send an `Idempotency-Key`.
#[utoipa::path(post, path = "/api/v1/units/{id}/university/duty", tag = "universities", params(UnitPath),
    request_body = DutyInput,
    responses((status = 201, body = DutyEntry),
        (status = 400, body = crate::error::ErrorBody, description = "日期、节假日或值班人员为空"),
        (status = 403, body = crate::error::ErrorBody, description = "仅公安机关和本单位保卫负责人"),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "单位不是高等学校或已注销")))]
pub async fn add_duty(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UnitPath>,
    Json(b): Json<DutyInput>,
) -> ApiResult<(StatusCode, Json<DutyEntry>)> {
    let d = state.services.universities.add_duty(&user.principal, &p.id, b).await?;
    Ok((StatusCode::CREATED, Json(d)))
}

/// The semesters of the cities in the caller's jurisdiction, newest first.
#[utoipa::path(get, path = "/api/v1/semesters", tag = "universities", params(PageQuery),
    responses((status = 200, body = Listing<Semester>), (status = 400, body = crate::error::ErrorBody)))]
pub async fn semesters(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Listing<Semester>>> {
    let page = Page::checked(q.page, q.per_page)?;
    Ok(Json(
        state.services.universities.semesters(&user.principal, page).await?,
    ))
}

/// Sets a semester of a city (provincial and city police). Send an `Idempotency-Key`.
#[utoipa::path(post, path = "/api/v1/semesters", tag = "universities",
    request_body = SemesterInput,
    responses((status = 201, body = Semester),
        (status = 400, body = crate::error::ErrorBody, description = "城市代码、名称或日期不对"),
        (status = 403, body = crate::error::ErrorBody, description = "仅省、市公安机关，且限本辖区城市"),
        (status = 409, body = crate::error::ErrorBody, description = "本市已有同名学期")))]
pub async fn create_semester(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(b): Json<SemesterInput>,
) -> ApiResult<(StatusCode, Json<Semester>)> {
    let s = state.services.universities.create_semester(&user.principal, b).await?;
    Ok((StatusCode::CREATED, Json(s)))
}

/// A semester with its inspection rounds and the universities of its city in the caller's
/// jurisdiction (drills planned and done in the semester, duty roster entries).
#[utoipa::path(get, path = "/api/v1/semesters/{id}", tag = "universities", params(SemesterPath),
    responses((status = 200, body = SemesterDetail),
        (status = 404, body = crate::error::ErrorBody, description = "学期不存在或不在本辖区")))]
pub async fn semester(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<SemesterPath>,
) -> ApiResult<Json<SemesterDetail>> {
    Ok(Json(
        state.services.universities.semester(&user.principal, &p.id).await?,
    ))
}

/// Schedules the semester's two safety-inspection campaigns over the city's universities (R86)
/// and the safety-week reminders. Idempotent: a rerun launches nothing new.
#[utoipa::path(post, path = "/api/v1/semesters/{id}/schedule", tag = "universities", params(SemesterPath),
    responses((status = 200, body = ScheduleReport),
        (status = 400, body = crate::error::ErrorBody, description = "本市没有在本辖区的高等学校"),
        (status = 403, body = crate::error::ErrorBody, description = "仅省、市公安机关"),
        (status = 404, body = crate::error::ErrorBody, description = "学期不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "学期已结束")))]
pub async fn schedule(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<SemesterPath>,
) -> ApiResult<Json<ScheduleReport>> {
    Ok(Json(
        state.services.universities.schedule(&user.principal, &p.id).await?,
    ))
}

pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/api/v1/units/{id}/university", routing::get(profile).put(save_profile))
        .route("/api/v1/units/{id}/university/colleges", routing::post(add_college))
        .route("/api/v1/units/{id}/university/campuses", routing::post(add_campus))
        .route(
            "/api/v1/units/{id}/university/dormitories",
            routing::post(add_dormitory),
        )
        .route("/api/v1/units/{id}/university/duty", routing::post(add_duty))
        .route("/api/v1/semesters", routing::get(semesters).post(create_semester))
        .route("/api/v1/semesters/{id}", routing::get(semester))
        .route("/api/v1/semesters/{id}/schedule", routing::post(schedule))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    profile,
    save_profile,
    add_college,
    add_campus,
    add_dormitory,
    add_duty,
    semesters,
    create_semester,
    semester,
    schedule
))]
pub struct Doc;
