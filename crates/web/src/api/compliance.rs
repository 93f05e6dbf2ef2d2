//! Personal-information compliance (个人信息保护合规, docs/COMPLIANCE.md; R61, R62, R67, R69, R72,
//! R73; PIPL; GB/T 35273-2020): the record of processing activities, data-subject requests with
//! their working-day deadline, and data incidents with the notification content of PIPL Art 57.
//! Handlers parse, call [`neibao_engine::compliance::ComplianceService`] and answer.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use neibao_domain::compliance::{
    Breach, ComplianceSettings, PiRequestState, ProcessingActivity, SubjectRequest, SubjectRequestFilter,
};
use neibao_engine::compliance::{ActivityInput, BreachInput, NotifyInput, RequestInput, SettingsInput};
use serde::Deserialize;

use crate::error::ApiResult;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

/// A record, a request or an incident.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct IdPath {
    /// Its id.
    pub id: String,
}

/// Which requests to list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RequestQuery {
    /// `open` (办理中), `replied` (已答复) or `refused` (已拒绝).
    pub state: Option<PiRequestState>,
    /// `true`: only those still open after their deadline.
    pub overdue: Option<bool>,
}

/// A record of processing activities.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct PiActivityBody {
    /// A purpose code: `visitor_registration`, `access_control`, `watchlist`, `video`, `patrol`,
    /// `counselling`, `security_staff`, `responsible_persons`, `reports`, `accounts`, `other`.
    #[serde(default)]
    pub purpose: String,
    /// What is done (at most 4000 characters).
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub description: String,
    /// Required: PIPL Art 13 — `consent`, `contract`, `legal_duty`, `emergency`,
    /// `public_interest`, `disclosed`, `other_law`.
    #[serde(default)]
    pub legal_basis: String,
    /// At least one of `identity`, `id_number`, `contact`, `face`, `plate`, `trajectory`,
    /// `image`, `health`, `minor`, `account`, `work` (sensitive ones flagged in the answer).
    #[serde(default)]
    pub categories: Vec<String>,
    /// Retention in days (1–36500).
    #[serde(default)]
    pub retention_days: Option<i64>,
    /// Who receives the information (at most 200 characters).
    #[serde(default)]
    #[schema(max_length = 200)]
    pub recipients: String,
    /// The PIA's id or document number (at most 200 characters).
    #[serde(default)]
    #[schema(max_length = 200)]
    pub pia_ref: String,
}

impl From<PiActivityBody> for ActivityInput {
    fn from(b: PiActivityBody) -> Self {
        ActivityInput {
            purpose: b.purpose,
            description: b.description,
            legal_basis: b.legal_basis,
            categories: b.categories,
            retention_days: b.retention_days,
            recipients: b.recipients,
            pia_ref: b.pia_ref,
        }
    }
}

/// A data-subject request received.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct PiRequestBody {
    /// `access` (查阅), `copy` (复制), `correction` (更正、补充), `deletion` (删除), `explanation`
    /// (解释说明).
    #[serde(default)]
    pub kind: String,
    /// The requester's name (required, at most 60 characters).
    #[serde(default)]
    #[schema(max_length = 60)]
    pub subject_name: String,
    /// A phone or another contact (at most 60 characters); stored encrypted, answered masked.
    #[serde(default)]
    #[schema(max_length = 60)]
    pub contact: String,
    /// What is asked (required, at most 4000 characters).
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub content: String,
    /// The day received (default today; not in the future, at most a year back).
    #[serde(default)]
    pub received_on: Option<NaiveDate>,
    /// Who handles it (default the caller).
    #[serde(default)]
    #[schema(max_length = 200)]
    pub handler: String,
}

/// A reply to a request.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct PiReplyBody {
    /// The reply (required, at most 4000 characters).
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub reply: String,
    /// Who handled it (default unchanged).
    #[serde(default)]
    #[schema(max_length = 200)]
    pub handler: String,
}

/// A refusal of a request.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct PiRefuseBody {
    /// The reasons (required: PIPL Art 50; at most 4000 characters).
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub reasons: String,
    /// Who handled it (default unchanged).
    #[serde(default)]
    #[schema(max_length = 200)]
    pub handler: String,
}

/// A data incident's content (PIPL Art 57).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct PiBreachBody {
    /// Required, at most 200 characters.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub title: String,
    #[serde(default)]
    pub occurred_at: Option<DateTime<Utc>>,
    /// Default now; not in the future.
    #[serde(default)]
    pub discovered_at: Option<DateTime<Utc>>,
    /// What happened (required, at most 4000 characters).
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub description: String,
    /// Categories of personal information concerned (codes as for the records).
    #[serde(default)]
    pub categories: Vec<String>,
    /// How many individuals, when known.
    #[serde(default)]
    #[schema(minimum = 0)]
    pub affected_count: Option<i64>,
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub cause: String,
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub possible_harm: String,
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub remedial_measures: String,
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub individual_measures: String,
    /// The handler's contact (at most 200 characters).
    #[serde(default)]
    #[schema(max_length = 200)]
    pub handler_contact: String,
}

impl From<PiBreachBody> for BreachInput {
    fn from(b: PiBreachBody) -> Self {
        BreachInput {
            title: b.title,
            occurred_at: b.occurred_at,
            discovered_at: b.discovered_at,
            description: b.description,
            categories: b.categories,
            affected_count: b.affected_count,
            cause: b.cause,
            possible_harm: b.possible_harm,
            remedial_measures: b.remedial_measures,
            individual_measures: b.individual_measures,
            handler_contact: b.handler_contact,
        }
    }
}

/// A notification of an incident.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct PiNotifyBody {
    /// `authority` (履行个人信息保护职责的部门) or `individuals` (个人).
    #[serde(default)]
    pub target: String,
    /// The authority's name, or how the individuals were told (required, at most 200
    /// characters).
    #[serde(default)]
    #[schema(max_length = 200)]
    pub recipient: String,
    /// When (default now; not in the future).
    #[serde(default)]
    pub at: Option<DateTime<Utc>>,
}

/// The closure of an incident.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct PiCloseBody {
    /// Required, at most 4000 characters.
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub note: String,
}

/// The installation's settings.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct PiSettingsBody {
    /// Working days to reply (1–60).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 60)]
    pub deadline_working_days: i64,
    /// Dates that are not working days besides weekends (at most 400).
    #[serde(default)]
    pub holidays: Vec<NaiveDate>,
}

/// Records of processing activities visible to the caller (the installation's defaults, their
/// own, and police: their jurisdiction's).
#[utoipa::path(get, path = "/api/v1/compliance/activities", tag = "compliance",
    responses((status = 200, body = Vec<ProcessingActivity>),
        (status = 403, body = crate::error::ErrorBody, description = "没有权限")))]
pub async fn activities(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Vec<ProcessingActivity>>> {
    Ok(Json(state.services.compliance.activities(&user.principal).await?))
}

/// Records a processing activity of the caller's unit, police organ or (administrators) the
/// installation.
#[utoipa::path(post, path = "/api/v1/compliance/activities", tag = "compliance", request_body = PiActivityBody,
    responses((status = 201, body = ProcessingActivity),
        (status = 400, body = crate::error::ErrorBody, description = "处理目的、法律依据、个人信息种类、保存期限必填"),
        (status = 403, body = crate::error::ErrorBody, description = "没有权限")))]
pub async fn create_activity(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(b): Json<PiActivityBody>,
) -> ApiResult<(StatusCode, Json<ProcessingActivity>)> {
    let a = state
        .services
        .compliance
        .create_activity(&user.principal, b.into())
        .await?;
    Ok((StatusCode::CREATED, Json(a)))
}

/// One record of processing activities.
#[utoipa::path(get, path = "/api/v1/compliance/activities/{id}", tag = "compliance", params(IdPath),
    responses((status = 200, body = ProcessingActivity),
        (status = 403, body = crate::error::ErrorBody, description = "没有权限"),
        (status = 404, body = crate::error::ErrorBody, description = "记录不存在或不在本辖区")))]
pub async fn activity(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
) -> ApiResult<Json<ProcessingActivity>> {
    Ok(Json(state.services.compliance.activity(&user.principal, &p.id).await?))
}

/// Changes a record (its keeper only).
#[utoipa::path(put, path = "/api/v1/compliance/activities/{id}", tag = "compliance", params(IdPath),
    request_body = PiActivityBody,
    responses((status = 200, body = ProcessingActivity),
        (status = 400, body = crate::error::ErrorBody, description = "处理目的、法律依据、个人信息种类、保存期限必填"),
        (status = 403, body = crate::error::ErrorBody, description = "只有记录所属单位或机关可以修改"),
        (status = 404, body = crate::error::ErrorBody, description = "记录不存在或不在本辖区")))]
pub async fn update_activity(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(b): Json<PiActivityBody>,
) -> ApiResult<Json<ProcessingActivity>> {
    Ok(Json(
        state
            .services
            .compliance
            .update_activity(&user.principal, &p.id, b.into())
            .await?,
    ))
}

/// Data-subject requests visible to the caller, newest first; `overdue` flags those still open
/// after their deadline.
#[utoipa::path(get, path = "/api/v1/compliance/requests", tag = "compliance", params(RequestQuery),
    responses((status = 200, body = Vec<SubjectRequest>),
        (status = 400, body = crate::error::ErrorBody, description = "筛选条件无效"),
        (status = 403, body = crate::error::ErrorBody, description = "没有权限")))]
pub async fn requests(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<RequestQuery>,
) -> ApiResult<Json<Vec<SubjectRequest>>> {
    let f = SubjectRequestFilter {
        state: q.state,
        overdue: q.overdue.unwrap_or(false),
    };
    Ok(Json(state.services.compliance.requests(&user.principal, &f).await?))
}

/// Records a data-subject request received, with its deadline (working days after receipt).
#[utoipa::path(post, path = "/api/v1/compliance/requests", tag = "compliance", request_body = PiRequestBody,
    responses((status = 201, body = SubjectRequest),
        (status = 400, body = crate::error::ErrorBody, description = "请求类型、请求人、内容必填；收到日期不能晚于今天"),
        (status = 403, body = crate::error::ErrorBody, description = "没有权限")))]
pub async fn create_request(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(b): Json<PiRequestBody>,
) -> ApiResult<(StatusCode, Json<SubjectRequest>)> {
    let input = RequestInput {
        kind: b.kind,
        subject_name: b.subject_name,
        contact: b.contact,
        content: b.content,
        received_on: b.received_on,
        handler: b.handler,
    };
    let r = state.services.compliance.create_request(&user.principal, input).await?;
    Ok((StatusCode::CREATED, Json(r)))
}

/// One data-subject request.
#[utoipa::path(get, path = "/api/v1/compliance/requests/{id}", tag = "compliance", params(IdPath),
    responses((status = 200, body = SubjectRequest),
        (status = 403, body = crate::error::ErrorBody, description = "没有权限"),
        (status = 404, body = crate::error::ErrorBody, description = "请求不存在或不在本辖区")))]
pub async fn request(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
) -> ApiResult<Json<SubjectRequest>> {
    Ok(Json(state.services.compliance.request(&user.principal, &p.id).await?))
}

/// Replies to an open request (its keeper only).
#[utoipa::path(post, path = "/api/v1/compliance/requests/{id}/reply", tag = "compliance", params(IdPath),
    request_body = PiReplyBody,
    responses((status = 200, body = SubjectRequest),
        (status = 400, body = crate::error::ErrorBody, description = "答复内容必填"),
        (status = 403, body = crate::error::ErrorBody, description = "只有请求所属单位或机关可以办理"),
        (status = 404, body = crate::error::ErrorBody, description = "请求不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "请求已办结")))]
pub async fn reply(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(b): Json<PiReplyBody>,
) -> ApiResult<Json<SubjectRequest>> {
    Ok(Json(
        state
            .services
            .compliance
            .reply(&user.principal, &p.id, &b.reply, &b.handler)
            .await?,
    ))
}

/// Refuses an open request with its reasons (PIPL Art 50).
#[utoipa::path(post, path = "/api/v1/compliance/requests/{id}/refuse", tag = "compliance", params(IdPath),
    request_body = PiRefuseBody,
    responses((status = 200, body = SubjectRequest),
        (status = 400, body = crate::error::ErrorBody, description = "拒绝须说明理由"),
        (status = 403, body = crate::error::ErrorBody, description = "只有请求所属单位或机关可以办理"),
        (status = 404, body = crate::error::ErrorBody, description = "请求不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "请求已办结")))]
pub async fn refuse(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(b): Json<PiRefuseBody>,
) -> ApiResult<Json<SubjectRequest>> {
    Ok(Json(
        state
            .services
            .compliance
            .refuse(&user.principal, &p.id, &b.reasons, &b.handler)
            .await?,
    ))
}

/// Data incidents visible to the caller, newest discovery first.
#[utoipa::path(get, path = "/api/v1/compliance/breaches", tag = "compliance",
    responses((status = 200, body = Vec<Breach>),
        (status = 403, body = crate::error::ErrorBody, description = "没有权限")))]
pub async fn breaches(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Vec<Breach>>> {
    Ok(Json(state.services.compliance.breaches(&user.principal).await?))
}

/// Records a data incident of the caller's unit, organ or the installation.
#[utoipa::path(post, path = "/api/v1/compliance/breaches", tag = "compliance", request_body = PiBreachBody,
    responses((status = 201, body = Breach),
        (status = 400, body = crate::error::ErrorBody, description = "事件名称、经过必填；时间不能晚于现在"),
        (status = 403, body = crate::error::ErrorBody, description = "没有权限")))]
pub async fn create_breach(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(b): Json<PiBreachBody>,
) -> ApiResult<(StatusCode, Json<Breach>)> {
    let r = state
        .services
        .compliance
        .create_breach(&user.principal, b.into())
        .await?;
    Ok((StatusCode::CREATED, Json(r)))
}

/// One data incident.
#[utoipa::path(get, path = "/api/v1/compliance/breaches/{id}", tag = "compliance", params(IdPath),
    responses((status = 200, body = Breach),
        (status = 403, body = crate::error::ErrorBody, description = "没有权限"),
        (status = 404, body = crate::error::ErrorBody, description = "事件不存在或不在本辖区")))]
pub async fn breach(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
) -> ApiResult<Json<Breach>> {
    Ok(Json(state.services.compliance.breach(&user.principal, &p.id).await?))
}

/// Changes an open incident's content (its keeper only).
#[utoipa::path(put, path = "/api/v1/compliance/breaches/{id}", tag = "compliance", params(IdPath),
    request_body = PiBreachBody,
    responses((status = 200, body = Breach),
        (status = 400, body = crate::error::ErrorBody, description = "事件名称、经过必填"),
        (status = 403, body = crate::error::ErrorBody, description = "只有事件所属单位或机关可以修改"),
        (status = 404, body = crate::error::ErrorBody, description = "事件不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "事件已结案")))]
pub async fn update_breach(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(b): Json<PiBreachBody>,
) -> ApiResult<Json<Breach>> {
    Ok(Json(
        state
            .services
            .compliance
            .update_breach(&user.principal, &p.id, b.into())
            .await?,
    ))
}

/// Records the notification of the authority or of the individuals (PIPL Art 57): refused
/// while an item the article lists is missing.
#[utoipa::path(post, path = "/api/v1/compliance/breaches/{id}/notifications", tag = "compliance", params(IdPath),
    request_body = PiNotifyBody,
    responses((status = 200, body = Breach),
        (status = 400, body = crate::error::ErrorBody, description = "缺少第五十七条规定的通知事项，或未填写通知对象"),
        (status = 403, body = crate::error::ErrorBody, description = "只有事件所属单位或机关可以通知"),
        (status = 404, body = crate::error::ErrorBody, description = "事件不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "已通知过或事件已结案")))]
pub async fn notify(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(b): Json<PiNotifyBody>,
) -> ApiResult<Json<Breach>> {
    let input = NotifyInput {
        target: b.target,
        recipient: b.recipient,
        at: b.at,
    };
    Ok(Json(
        state.services.compliance.notify(&user.principal, &p.id, input).await?,
    ))
}

/// Closes an open incident with a note.
#[utoipa::path(post, path = "/api/v1/compliance/breaches/{id}/close", tag = "compliance", params(IdPath),
    request_body = PiCloseBody,
    responses((status = 200, body = Breach),
        (status = 400, body = crate::error::ErrorBody, description = "结案说明必填"),
        (status = 403, body = crate::error::ErrorBody, description = "只有事件所属单位或机关可以结案"),
        (status = 404, body = crate::error::ErrorBody, description = "事件不存在或不在本辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "事件已结案")))]
pub async fn close_breach(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(b): Json<PiCloseBody>,
) -> ApiResult<Json<Breach>> {
    Ok(Json(
        state
            .services
            .compliance
            .close_breach(&user.principal, &p.id, &b.note)
            .await?,
    ))
}

/// The reply period (working days) and the holiday list.
#[utoipa::path(get, path = "/api/v1/compliance/settings", tag = "compliance",
    responses((status = 200, body = ComplianceSettings),
        (status = 403, body = crate::error::ErrorBody, description = "没有权限")))]
pub async fn settings(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<ComplianceSettings>> {
    Ok(Json(state.services.compliance.settings(&user.principal).await?))
}

/// Sets the reply period and the holidays (administrators).
#[utoipa::path(put, path = "/api/v1/compliance/settings", tag = "compliance", request_body = PiSettingsBody,
    responses((status = 200, body = ComplianceSettings),
        (status = 400, body = crate::error::ErrorBody, description = "答复期限为 1–60 个工作日"),
        (status = 403, body = crate::error::ErrorBody, description = "仅管理员可以设置")))]
pub async fn set_settings(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(b): Json<PiSettingsBody>,
) -> ApiResult<Json<ComplianceSettings>> {
    let input = SettingsInput {
        deadline_working_days: b.deadline_working_days,
        holidays: b.holidays,
    };
    Ok(Json(
        state.services.compliance.set_settings(&user.principal, input).await?,
    ))
}

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route(
            "/api/v1/compliance/activities",
            routing::get(activities).post(create_activity),
        )
        .route(
            "/api/v1/compliance/activities/{id}",
            routing::get(activity).put(update_activity),
        )
        .route(
            "/api/v1/compliance/requests",
            routing::get(requests).post(create_request),
        )
        .route("/api/v1/compliance/requests/{id}", routing::get(request))
        .route("/api/v1/compliance/requests/{id}/reply", routing::post(reply))
        .route("/api/v1/compliance/requests/{id}/refuse", routing::post(refuse))
        .route(
            "/api/v1/compliance/breaches",
            routing::get(breaches).post(create_breach),
        )
        .route(
            "/api/v1/compliance/breaches/{id}",
            routing::get(breach).put(update_breach),
        )
        .route("/api/v1/compliance/breaches/{id}/notifications", routing::post(notify))
        .route("/api/v1/compliance/breaches/{id}/close", routing::post(close_breach))
        .route("/api/v1/compliance/settings", routing::get(settings).put(set_settings))
}

/// This capability's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    activities,
    create_activity,
    activity,
    update_activity,
    requests,
    create_request,
    request,
    reply,
    refuse,
    breaches,
    create_breach,
    breach,
    update_breach,
    notify,
    close_breach,
    settings,
    set_settings
))]
pub struct Doc;
