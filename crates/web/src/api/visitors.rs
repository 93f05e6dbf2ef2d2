//! Visitors, vehicles and goods at the gate (访客登记, docs/VISITORS.md; R12(2), R87, R66, R74;
//! Decree 421 Art 11): the host's invitations (a link and its QR code, an SVG made here), the
//! visitor's public form (no account, limited per client address), approval, check-in with the
//! ID verified, check-out with the goods carried out, walk-ins, the visitors still inside, the
//! unit's retention and closing time. Handlers parse, call
//! [`neibao_engine::visitors::VisitorService`] and answer. ID numbers and phones are answered
//! masked only.

use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;
use chrono::NaiveDate;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::visitors::{IdType, PublicInvitation, Visit, VisitStatus, VisitorSettings};
use neibao_engine::visitors::{InvitationDraft, VisitorDraft};
use serde::{Deserialize, Serialize};

use super::reports::{client_ip, Client};
use crate::error::{ApiError, ApiResult};
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

/// Largest public form body (bytes).
pub const MAX_PUBLIC_BODY: usize = 8 * 1024;

/// A visit.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct IdPath {
    /// The visit's id.
    pub id: String,
}

/// A unit.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct UnitPath {
    /// The unit's id.
    pub id: String,
}

/// An invitation link.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct TokenPath {
    /// The token of the invitation's link (`/visit?t=…`).
    #[param(max_length = 64)]
    pub token: String,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only this unit's visits.
    pub unit_id: Option<String>,
    /// Only visits in this state.
    pub status: Option<VisitStatus>,
    /// Only this visitor (ID number; matched through the blind index).
    #[param(max_length = 18)]
    pub id_number: Option<String>,
    /// Only visits expected or checked in on this day (Beijing).
    pub day: Option<NaiveDate>,
    #[param(minimum = 1, maximum = 2147483647)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
}

/// The host's invitation.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = visitors::InvitationBody)]
pub struct InvitationBody {
    pub unit_id: String,
    /// 被访人 (1–30 characters).
    #[schema(min_length = 1, max_length = 30)]
    pub host_name: String,
    /// 来访事由 (1–60 characters).
    #[schema(min_length = 1, max_length = 60)]
    pub purpose: String,
    /// The day of the visit (today to 90 days ahead).
    pub expected_on: NaiveDate,
    /// The key areas the visitor goes to (ids of the unit's key areas, at most 20).
    #[serde(default)]
    pub area_ids: Vec<String>,
}

/// A new invitation: the visit, its link and the link's QR code.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = visitors::InvitationCreated)]
pub struct InvitationCreated {
    pub visit: Visit,
    /// The link the visitor opens (the installation's public URL, else the request's host).
    pub link: String,
    /// The link as a QR code (SVG).
    pub qr_svg: String,
}

/// A visitor's details.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = visitors::VisitorBody)]
pub struct VisitorBody {
    /// 姓名 (1–30 characters).
    #[serde(default)]
    #[schema(max_length = 30)]
    pub name: String,
    pub id_type: Option<IdType>,
    /// 证件号码 (GB 11643 with its check character for a citizen identity number).
    #[serde(default)]
    #[schema(max_length = 30)]
    pub id_number: String,
    /// 手机号码.
    #[serde(default)]
    #[schema(max_length = 20)]
    pub phone: String,
    /// 来访事由 (a walk-in's is required; an invitation keeps the host's when empty).
    #[serde(default)]
    #[schema(max_length = 60)]
    pub purpose: String,
    /// 车牌号 (optional).
    #[serde(default)]
    #[schema(max_length = 12)]
    pub plate: String,
    /// 携带物品 (optional).
    #[serde(default)]
    #[schema(max_length = 200)]
    pub goods: String,
    /// 出生日期, for documents that do not encode it (passports, permits): flags a minor.
    #[serde(default)]
    pub birth_date: Option<NaiveDate>,
    /// 监护人姓名 (required for a visitor under 18).
    #[serde(default)]
    #[schema(max_length = 30)]
    pub guardian_name: String,
    /// The guardian agrees (required for a visitor under 18).
    #[serde(default)]
    pub guardian_consent: bool,
    /// Consent to the privacy notice (required for a pre-registration).
    #[serde(default)]
    pub consent: bool,
    /// Leave empty (a field people do not see).
    #[serde(default)]
    pub website: String,
}

impl VisitorBody {
    fn draft(self) -> VisitorDraft {
        VisitorDraft {
            name: self.name,
            id_type: self.id_type.map(|t| t.code().to_string()).unwrap_or_default(),
            id_number: self.id_number,
            phone: self.phone,
            purpose: self.purpose,
            plate: self.plate,
            goods: self.goods,
            birth_date: self.birth_date,
            guardian_name: self.guardian_name,
            guardian_consent: self.guardian_consent,
            consent: self.consent,
            honeypot: self.website,
        }
    }
}

/// A walk-in registered at the gate.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = visitors::WalkInBody)]
pub struct WalkInBody {
    pub unit_id: String,
    /// 被访人 (1–30 characters).
    #[schema(min_length = 1, max_length = 30)]
    pub host_name: String,
    #[serde(default)]
    pub area_ids: Vec<String>,
    pub visitor: VisitorBody,
}

/// The host's decision.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = VisitDecisionBody)]
pub struct DecisionBody {
    pub approve: bool,
    /// 审批意见 (optional, at most 200 characters).
    #[serde(default)]
    #[schema(max_length = 200)]
    pub note: String,
}

/// The document shown at the gate.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = visitors::CheckInBody)]
pub struct CheckInBody {
    /// The number on the document the visitor shows (must match the registered one).
    #[schema(max_length = 30)]
    pub id_number: String,
}

/// Leaving.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = visitors::CheckOutBody)]
pub struct CheckOutBody {
    /// 带出物品 (optional).
    #[serde(default)]
    #[schema(max_length = 200)]
    pub goods_out: String,
    /// 放行批准人 (required when goods are carried out).
    #[serde(default)]
    #[schema(max_length = 30)]
    pub authorised_by: String,
}

/// The visitors still inside.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = visitors::InsideList)]
pub struct InsideAnswer {
    /// 闭门时间 (Beijing, HH:MM).
    pub closing_time: String,
    /// Today's closing time has passed: everyone listed should have left.
    pub past_closing: bool,
    pub visits: Vec<Visit>,
}

/// A unit's visitor settings.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = visitors::SettingsBody)]
pub struct SettingsBody {
    /// Days a visit is kept after its last change (1–365).
    #[schema(minimum = 1, maximum = 365)]
    pub retention_days: i64,
    /// 闭门时间 (Beijing, HH:MM).
    #[schema(max_length = 5)]
    pub closing_time: String,
}

/// The answer to a visitor's form.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = VisitorFormSubmitted)]
pub struct Submitted {
    pub status: VisitStatus,
    pub message: String,
}

/// The link of an invitation token: the installation's public URL, else the request's host.
pub fn invitation_link(state: &AppState, headers: &HeaderMap, token: &str) -> String {
    let base = match state.services.config().public_url.as_deref().filter(|u| !u.is_empty()) {
        Some(u) => u.trim_end_matches('/').to_string(),
        None => headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .filter(|h| h.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c)))
            .map(|h| format!("http://{h}"))
            .unwrap_or_default(),
    };
    format!("{base}/visit?t={token}")
}

/// `text` as a QR code, an SVG element (no XML declaration, so it can be placed in a page).
pub fn qr_svg(text: &str) -> String {
    match qrcode::QrCode::new(text.as_bytes()) {
        Ok(code) => {
            let svg = code
                .render::<qrcode::render::svg::Color<'_>>()
                .min_dimensions(200, 200)
                .build();
            match svg.find("<svg") {
                Some(i) => svg[i..].to_string(),
                None => svg,
            }
        }
        Err(_) => String::new(),
    }
}

/// Invites a visitor (the unit's security manager): the answer has the link to send the visitor
/// and its QR code.
#[utoipa::path(post, path = "/api/v1/visitors/invitations", tag = "visitors", request_body = InvitationBody,
    responses((status = 201, body = InvitationCreated),
        (status = 400, body = crate::error::ErrorBody, description = "被访人、事由为空或过长，日期不在 90 天内，区域不是本单位重点部位"),
        (status = 403, body = crate::error::ErrorBody, description = "仅本单位保卫负责人可以邀请访客"),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区")))]
pub async fn invite(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Json(b): Json<InvitationBody>,
) -> ApiResult<(StatusCode, Json<InvitationCreated>)> {
    let d = InvitationDraft {
        unit_id: b.unit_id,
        host_name: b.host_name,
        purpose: b.purpose,
        expected_on: Some(b.expected_on),
        area_ids: b.area_ids,
    };
    let inv = state.services.visitors.invite(&user.principal, d).await?;
    let link = invitation_link(&state, &headers, &inv.token);
    let qr_svg = qr_svg(&link);
    Ok((
        StatusCode::CREATED,
        Json(InvitationCreated {
            visit: inv.visit,
            link,
            qr_svg,
        }),
    ))
}

/// Registers a walk-in at the gate (the unit's manager or a guard): inside from now.
#[utoipa::path(post, path = "/api/v1/visitors/walk-ins", tag = "visitors", request_body = WalkInBody,
    responses((status = 201, body = Visit),
        (status = 400, body = crate::error::ErrorBody, description = "证件号码、手机号码、车牌号无效，未成年人未登记监护人等（中文说明）"),
        (status = 403, body = crate::error::ErrorBody, description = "仅本单位账号可以登记访客"),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区")))]
pub async fn walk_in(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(b): Json<WalkInBody>,
) -> ApiResult<(StatusCode, Json<Visit>)> {
    let v = state
        .services
        .visitors
        .walk_in(
            &user.principal,
            &b.unit_id,
            &b.host_name,
            &b.area_ids,
            b.visitor.draft(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(v)))
}

/// The visits in the caller's scope, newest first (the unit's manager and guards).
#[utoipa::path(get, path = "/api/v1/visitors", tag = "visitors", params(ListQuery),
    responses((status = 200, body = Listing<Visit>), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody, description = "仅本单位账号可以查看访客记录")))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<Listing<Visit>>> {
    let page = Page::checked(q.page, q.per_page)?;
    Ok(Json(
        state
            .services
            .visitors
            .list(
                &user.principal,
                q.unit_id,
                q.status,
                q.id_number.as_deref(),
                q.day,
                page,
            )
            .await?,
    ))
}

/// One visit (ID number and phone masked).
#[utoipa::path(get, path = "/api/v1/visitors/{id}", tag = "visitors", params(IdPath),
    responses((status = 200, body = Visit),
        (status = 403, body = crate::error::ErrorBody, description = "仅本单位账号可以查看访客记录"),
        (status = 404, body = crate::error::ErrorBody, description = "来访记录不存在或不在本单位")))]
pub async fn get(State(state): State<AppState>, user: CurrentUser, Path(p): Path<IdPath>) -> ApiResult<Json<Visit>> {
    Ok(Json(state.services.visitors.get(&user.principal, &p.id).await?))
}

/// Approves or rejects a visit the visitor has filled in (the unit's security manager).
#[utoipa::path(post, path = "/api/v1/visitors/{id}/decision", tag = "visitors", params(IdPath), request_body = DecisionBody,
    responses((status = 200, body = Visit), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody, description = "仅本单位保卫负责人可以审批"),
        (status = 404, body = crate::error::ErrorBody, description = "来访记录不存在或不在本单位"),
        (status = 409, body = crate::error::ErrorBody, description = "不是待审批状态")))]
pub async fn decide(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(b): Json<DecisionBody>,
) -> ApiResult<Json<Visit>> {
    Ok(Json(
        state
            .services
            .visitors
            .decide(&user.principal, &p.id, b.approve, &b.note)
            .await?,
    ))
}

/// Checks an approved visitor in after the document shown matched the registered number;
/// suppresses the alarms of the devices of the visit's key areas until check-out.
#[utoipa::path(post, path = "/api/v1/visitors/{id}/check-in", tag = "visitors", params(IdPath), request_body = CheckInBody,
    responses((status = 200, body = Visit),
        (status = 400, body = crate::error::ErrorBody, description = "证件号码无效或与登记的不一致"),
        (status = 403, body = crate::error::ErrorBody, description = "仅本单位账号可以登记入场"),
        (status = 404, body = crate::error::ErrorBody, description = "来访记录不存在或不在本单位"),
        (status = 409, body = crate::error::ErrorBody, description = "不是已批准待入场状态")))]
pub async fn check_in(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(b): Json<CheckInBody>,
) -> ApiResult<Json<Visit>> {
    Ok(Json(
        state
            .services
            .visitors
            .check_in(&user.principal, &p.id, &b.id_number)
            .await?,
    ))
}

/// Checks a visitor out: the exit time, the goods carried out and who authorised them.
#[utoipa::path(post, path = "/api/v1/visitors/{id}/check-out", tag = "visitors", params(IdPath), request_body = CheckOutBody,
    responses((status = 200, body = Visit),
        (status = 400, body = crate::error::ErrorBody, description = "带出物品未登记放行批准人"),
        (status = 403, body = crate::error::ErrorBody, description = "仅本单位账号可以登记离场"),
        (status = 404, body = crate::error::ErrorBody, description = "来访记录不存在或不在本单位"),
        (status = 409, body = crate::error::ErrorBody, description = "访客不在场")))]
pub async fn check_out(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<IdPath>,
    Json(b): Json<CheckOutBody>,
) -> ApiResult<Json<Visit>> {
    Ok(Json(
        state
            .services
            .visitors
            .check_out(&user.principal, &p.id, &b.goods_out, &b.authorised_by)
            .await?,
    ))
}

/// The visitors still inside the unit, and whether its closing time has passed.
#[utoipa::path(get, path = "/api/v1/units/{id}/visitors/inside", tag = "visitors", params(UnitPath),
    responses((status = 200, body = InsideAnswer),
        (status = 403, body = crate::error::ErrorBody, description = "仅本单位账号可以查看"),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区")))]
pub async fn inside(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UnitPath>,
) -> ApiResult<Json<InsideAnswer>> {
    let l = state.services.visitors.inside(&user.principal, &p.id).await?;
    Ok(Json(InsideAnswer {
        closing_time: l.closing_time,
        past_closing: l.past_closing,
        visits: l.visits,
    }))
}

/// The unit's visitor settings (retention period, closing time).
#[utoipa::path(get, path = "/api/v1/units/{id}/visitor-settings", tag = "visitors", params(UnitPath),
    responses((status = 200, body = VisitorSettings),
        (status = 403, body = crate::error::ErrorBody, description = "仅本单位账号可以查看"),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区")))]
pub async fn settings(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UnitPath>,
) -> ApiResult<Json<VisitorSettings>> {
    Ok(Json(state.services.visitors.settings(&user.principal, &p.id).await?))
}

/// Sets the unit's visitor settings (the unit's security manager).
#[utoipa::path(put, path = "/api/v1/units/{id}/visitor-settings", tag = "visitors", params(UnitPath), request_body = SettingsBody,
    responses((status = 200, body = VisitorSettings), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody, description = "仅本单位保卫负责人可以设置"),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区")))]
pub async fn set_settings(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UnitPath>,
    Json(b): Json<SettingsBody>,
) -> ApiResult<Json<VisitorSettings>> {
    let s = VisitorSettings {
        unit_id: p.id,
        retention_days: b.retention_days,
        closing_time: b.closing_time,
    };
    Ok(Json(state.services.visitors.set_settings(&user.principal, s).await?))
}

/// What the visitor's form shows (no account): the unit, host, purpose and day, and the privacy
/// notice of the purpose with its version.
#[utoipa::path(get, path = "/api/v1/public/visits/{token}", tag = "visitors", params(TokenPath), security(()),
    responses((status = 200, body = PublicInvitation),
        (status = 404, body = crate::error::ErrorBody, description = "链接无效")))]
pub async fn public_get(State(state): State<AppState>, Path(p): Path<TokenPath>) -> ApiResult<Json<PublicInvitation>> {
    Ok(Json(state.services.visitors.public_invitation(&p.token).await?))
}

/// The visitor fills in the invitation (no account). Limited per client address (429 `busy`).
#[utoipa::path(post, path = "/api/v1/public/visits/{token}", tag = "visitors", params(TokenPath), request_body = VisitorBody,
    security(()),
    responses((status = 201, body = Submitted),
        (status = 400, body = crate::error::ErrorBody, description = "证件号码、手机号码无效，未同意告知，未成年人未登记监护人等（中文说明）"),
        (status = 404, body = crate::error::ErrorBody, description = "链接无效"),
        (status = 409, body = crate::error::ErrorBody, description = "已填写或已过期"),
        (status = 413, body = crate::error::ErrorBody, description = "内容过大"),
        (status = 429, body = crate::error::ErrorBody, description = "提交过于频繁（busy）",
            headers(("Retry-After" = u64, description = "建议等待时间（秒）")))))]
pub async fn public_submit(
    State(state): State<AppState>,
    client: Client,
    Path(p): Path<TokenPath>,
    Json(b): Json<VisitorBody>,
) -> ApiResult<(StatusCode, Json<Submitted>)> {
    let status = state
        .services
        .visitors
        .submit_public(client_ip(client), &p.token, b.draft())
        .await
        .map_err(ApiError::from)?;
    Ok((
        StatusCode::CREATED,
        Json(Submitted {
            status,
            message: "已提交，请等待被访人审批；来访时请携带所登记的证件".into(),
        }),
    ))
}

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/api/v1/visitors", routing::get(list))
        .route("/api/v1/visitors/invitations", routing::post(invite))
        .route("/api/v1/visitors/walk-ins", routing::post(walk_in))
        .route("/api/v1/visitors/{id}", routing::get(get))
        .route("/api/v1/visitors/{id}/decision", routing::post(decide))
        .route("/api/v1/visitors/{id}/check-in", routing::post(check_in))
        .route("/api/v1/visitors/{id}/check-out", routing::post(check_out))
        .route("/api/v1/units/{id}/visitors/inside", routing::get(inside))
        .route(
            "/api/v1/units/{id}/visitor-settings",
            routing::get(settings).put(set_settings),
        )
        .route(
            "/api/v1/public/visits/{token}",
            routing::get(public_get)
                .post(public_submit)
                .layer(DefaultBodyLimit::max(MAX_PUBLIC_BODY)),
        )
}

/// This capability's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    invite,
    walk_in,
    list,
    get,
    decide,
    check_in,
    check_out,
    inside,
    settings,
    set_settings,
    public_get,
    public_submit
))]
pub struct Doc;
