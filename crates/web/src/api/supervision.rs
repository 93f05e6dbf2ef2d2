//! Supervision API (issue 3): checklists, campaigns, inspections, hazards and their ladder,
//! official documents (JSON and PDF), evidence files, credit and the due-for-inspection list.
//!
//! Who may do what: everyone signed in reads what lies in their jurisdiction; police and
//! competent departments launch campaigns; police, departments and unit managers inspect (each
//! their own kind of inspection) and record hazards; the ladder decides which hazard actions
//! police and the unit may take (anything else is 403 or 409); administrators and provincial
//! police publish checklist versions; county-level and higher police set their bureau's
//! deadlines, reminders, ladder order and credit rule.

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Utc;
use neibao_domain::access::Role;
use neibao_domain::attachments::Attachment;
use neibao_domain::attachments::NewAttachment;
use neibao_domain::documents::DocumentKind;
use neibao_domain::documents::{Document, DocumentFilter};
use neibao_domain::error::ErrorCode;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::supervision::checklist::{validate_items, ChecklistItem, Variant};
use neibao_domain::supervision::ladder::{HazardClass, LadderError, Phase};
use neibao_domain::supervision::SupervisionSettings;
use neibao_domain::supervision::{
    Campaign, ChecklistVersion, Hazard, HazardFilter, HazardStep, Inspection, InspectionFilter, InspectionKind,
    InspectionRecord, InspectionStatus, ItemOutcome,
};
use neibao_engine::supervision::workflow::{self as sv, Officer, SupervisionError};
use serde::{Deserialize, Serialize};

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Largest evidence file (bytes).
pub const MAX_EVIDENCE_BYTES: usize = 10 * 1024 * 1024;

/// The body limit of the evidence routes (the file plus the multipart framing).
pub fn evidence_limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(MAX_EVIDENCE_BYTES + 64 * 1024)
}

impl From<SupervisionError> for ApiError {
    fn from(e: SupervisionError) -> Self {
        match e {
            SupervisionError::Store(s) => s.into(),
            SupervisionError::Ladder(LadderError::WrongActor) => {
                ApiError::msg(ErrorCode::Forbidden, LadderError::WrongActor.message_zh())
            }
            SupervisionError::Ladder(l) if l.is_validation() => ApiError::validation(l.message_zh()),
            SupervisionError::Ladder(l) => ApiError::msg(ErrorCode::InvalidTransition, l.message_zh()),
            SupervisionError::Forbidden(m) => ApiError::msg(ErrorCode::Forbidden, m),
            SupervisionError::Validation(m) => ApiError::validation(m),
            SupervisionError::State(m) => ApiError::msg(ErrorCode::Conflict, m),
        }
    }
}

/// The signed-in user as the supervision workflow sees them.
pub fn officer(u: &CurrentUser) -> Officer {
    Officer {
        user_id: u.user.id.clone(),
        name: u.user.display_name.clone(),
        role: u.user.role,
        org_id: u.user.org_id.clone(),
        unit_id: u.user.unit_id.clone(),
        scope: u.scope.clone(),
    }
}

fn may_edit_checklists(role: Role) -> bool {
    matches!(role, Role::Admin | Role::PoliceProvince)
}

fn may_set_bureau(role: Role) -> bool {
    matches!(role, Role::PoliceProvince | Role::PoliceCity | Role::PoliceCounty)
}

// ------------------------------------------------------------------ checklists

/// Every checklist version (the five-defence checklist of REQUIREMENTS.md §d and its variants).
#[utoipa::path(get, path = "/api/v1/checklists", tag = "supervision", responses((status = 200, body = Vec<ChecklistVersion>)))]
pub async fn list_checklists(
    State(state): State<AppState>,
    _user: CurrentUser,
) -> ApiResult<Json<Vec<ChecklistVersion>>> {
    Ok(Json(state.store.list_checklists().await?))
}

/// One checklist version with its items.
#[utoipa::path(get, path = "/api/v1/checklists/{id}", tag = "supervision", responses((status = 200, body = ChecklistVersion), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get_checklist(
    State(state): State<AppState>,
    _user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<ChecklistVersion>> {
    Ok(Json(state.store.get_checklist(&id).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ChecklistInput {
    #[serde(default)]
    pub title: Option<String>,
    pub items: Vec<ChecklistItem>,
}

/// Publishes a new version of a checklist variant (`all_units`, `key_units`, `counter_terror`,
/// `universities`); inspections already made keep the version they used. Administrators and
/// provincial police.
#[utoipa::path(post, path = "/api/v1/checklists/{variant}/versions", tag = "supervision", request_body = ChecklistInput,
    responses((status = 201, body = ChecklistVersion), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn add_checklist_version(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(variant): Path<String>,
    Json(input): Json<ChecklistInput>,
) -> ApiResult<(StatusCode, Json<ChecklistVersion>)> {
    user.require(may_edit_checklists(user.user.role))?;
    let variant = Variant::from_code(&variant).ok_or_else(|| ApiError::validation("未知的检查表类型"))?;
    validate_items(&input.items).map_err(|e| ApiError::validation(e.0))?;
    let title = input.title.unwrap_or_default().trim().to_string();
    let title = if title.is_empty() {
        variant.label_zh().to_string()
    } else {
        title
    };
    if title.chars().count() > 100 {
        return Err(ApiError::validation("检查表名称不超过100字"));
    }
    let items: Vec<ChecklistItem> = input
        .items
        .into_iter()
        .map(|mut i| {
            i.code = i.code.trim().to_string();
            i.title = i.title.trim().to_string();
            i
        })
        .collect();
    let c = state
        .store
        .add_checklist_version(variant, &title, &items, &user.user.display_name, Utc::now())
        .await?;
    Ok((StatusCode::CREATED, Json(c)))
}

// ------------------------------------------------------------------ campaigns

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// Campaigns with inspections in the caller's jurisdiction, with progress.
#[utoipa::path(get, path = "/api/v1/campaigns", tag = "supervision", params(PageQuery), responses((status = 200, body = Listing<Campaign>)))]
pub async fn list_campaigns(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Listing<Campaign>>> {
    Ok(Json(
        state
            .store
            .list_campaigns(&user.scope, Page::new(q.page, q.per_page), Utc::now())
            .await?,
    ))
}

/// Launches a campaign (专项检查): one inspection per selected unit in the caller's
/// jurisdiction. Police and competent departments.
#[utoipa::path(post, path = "/api/v1/campaigns", tag = "supervision", request_body = sv::CampaignInput,
    responses((status = 201, body = Campaign), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn create_campaign(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(input): Json<sv::CampaignInput>,
) -> ApiResult<(StatusCode, Json<Campaign>)> {
    let c = sv::launch_campaign(state.store.as_ref(), &officer(&user), input, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(c)))
}

/// One campaign and its progress.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}", tag = "supervision", responses((status = 200, body = Campaign), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get_campaign(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<Campaign>> {
    Ok(Json(state.store.get_campaign(&user.scope, &id, Utc::now()).await?))
}

// ------------------------------------------------------------------ inspections

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InspectionQuery {
    pub campaign_id: Option<String>,
    pub unit_id: Option<String>,
    pub status: Option<InspectionStatus>,
    /// Only inspections assigned to the caller.
    #[serde(default)]
    pub mine: bool,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// Inspections in the caller's jurisdiction, newest first.
#[utoipa::path(get, path = "/api/v1/inspections", tag = "supervision", params(InspectionQuery), responses((status = 200, body = Listing<Inspection>)))]
pub async fn list_inspections(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<InspectionQuery>,
) -> ApiResult<Json<Listing<Inspection>>> {
    let f = InspectionFilter {
        campaign_id: q.campaign_id,
        unit_id: q.unit_id,
        status: q.status,
        assignee_id: q.mine.then(|| user.user.id.clone()),
    };
    Ok(Json(
        state
            .store
            .list_inspections(&user.scope, &f, Page::new(q.page, q.per_page))
            .await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct InspectionInput {
    pub unit_id: String,
    /// Due date (optional).
    #[serde(default)]
    pub due_date: Option<chrono::NaiveDate>,
}

/// Starts an inspection of one unit: police inspect as police, departments as the competent
/// department, a unit manager makes the unit's self-inspection (自查).
#[utoipa::path(post, path = "/api/v1/inspections", tag = "supervision", request_body = InspectionInput,
    responses((status = 201, body = Inspection), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn create_inspection(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(input): Json<InspectionInput>,
) -> ApiResult<(StatusCode, Json<Inspection>)> {
    let i = sv::start_inspection(
        state.store.as_ref(),
        &officer(&user),
        &input.unit_id,
        input.due_date,
        Utc::now(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(i)))
}

/// An inspection with its checklist, the hazards it found, its documents and evidence.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InspectionDetail {
    #[serde(flatten)]
    pub inspection: Inspection,
    pub checklist: ChecklistVersion,
    pub hazards: Vec<Hazard>,
    pub documents: Vec<Document>,
    pub attachments: Vec<Attachment>,
}

pub async fn inspection_detail(state: &AppState, user: &CurrentUser, id: &str) -> ApiResult<InspectionDetail> {
    let inspection = state.store.get_inspection(&user.scope, id).await?;
    let checklist = state.store.get_checklist(&inspection.checklist_id).await?;
    let hazards = state
        .store
        .list_hazards(
            &user.scope,
            &HazardFilter {
                inspection_id: Some(id.to_string()),
                ..Default::default()
            },
            Page::new(Some(1), Some(200)),
        )
        .await?
        .items;
    let documents = state
        .store
        .list_documents(
            &user.scope,
            &DocumentFilter {
                inspection_id: Some(id.to_string()),
                kind: Some(DocumentKind::InspectionRecord),
                ..Default::default()
            },
            Page::new(Some(1), Some(50)),
        )
        .await?
        .items;
    let attachments = state.store.list_attachments(&user.scope, "inspection", id).await?;
    Ok(InspectionDetail {
        inspection,
        checklist,
        hazards,
        documents,
        attachments,
    })
}

/// One inspection.
#[utoipa::path(get, path = "/api/v1/inspections/{id}", tag = "supervision", responses((status = 200, body = InspectionDetail), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get_inspection(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<InspectionDetail>> {
    Ok(Json(inspection_detail(&state, &user, &id).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct InspectionWork {
    #[serde(default)]
    pub record: InspectionRecord,
    #[serde(default)]
    pub results: Vec<ItemOutcome>,
}

/// Saves a draft of the record and item results (until submitted).
#[utoipa::path(put, path = "/api/v1/inspections/{id}", tag = "supervision", request_body = InspectionWork,
    responses((status = 200, body = Inspection), (status = 400, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn save_inspection(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(w): Json<InspectionWork>,
) -> ApiResult<Json<Inspection>> {
    Ok(Json(
        sv::save_inspection(
            state.store.as_ref(),
            &officer(&user),
            &id,
            &w.record,
            &w.results,
            Utc::now(),
        )
        .await?,
    ))
}

/// Submits an inspection once: every item needs a result and one signature; failed items open
/// hazards (critical items: major), and the numbered inspection record (检查笔录) is produced.
#[utoipa::path(post, path = "/api/v1/inspections/{id}/submit", tag = "supervision", request_body = InspectionWork,
    responses((status = 200, body = sv::Submitted), (status = 400, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn submit_inspection(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(w): Json<InspectionWork>,
) -> ApiResult<Json<sv::Submitted>> {
    Ok(Json(
        sv::submit_inspection(
            state.store.as_ref(),
            &officer(&user),
            &id,
            &w.record,
            &w.results,
            Utc::now(),
        )
        .await?,
    ))
}

// ------------------------------------------------------------------ evidence

/// Content types kept as sent; anything else is stored as `application/octet-stream` and
/// offered for download only.
const INLINE_TYPES: &[&str] = &["image/jpeg", "image/png", "image/webp", "image/gif", "application/pdf"];

fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| {
            neibao_domain::text::text_is_clean(c.encode_utf8(&mut [0; 4]))
                && !c.is_control()
                && !matches!(c, '"' | '<' | '>' | '|' | '*' | '?' | ':')
        })
        .take(100)
        .collect();
    let cleaned = cleaned.trim().to_string();
    if cleaned.is_empty() {
        "证据文件".into()
    } else {
        cleaned
    }
}

/// One uploaded file from a multipart body (field `file`), and the `csrf` field if present.
pub struct Upload {
    pub name: String,
    pub content_type: String,
    pub data: Vec<u8>,
    pub csrf: Option<String>,
}

/// The multipart reader of a request whose caller has been checked already.
pub async fn multipart(req: Request, state: &AppState) -> ApiResult<Multipart> {
    Multipart::from_request(req, state)
        .await
        .map_err(|_| ApiError::validation("上传内容格式错误（须为 multipart/form-data，字段 file）"))
}

/// Reads a multipart body: the `csrf` field (UI forms) and the `file` field.
pub async fn read_upload(mut mp: Multipart) -> ApiResult<Upload> {
    let mut csrf = None;
    let mut file = None;
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(ApiError::msg(ErrorCode::PayloadTooLarge, "文件不超过10MB"))
            }
            Err(_) => return Err(ApiError::validation("上传内容格式错误（须为 multipart/form-data）")),
        };
        match field.name().unwrap_or("") {
            "csrf" => csrf = Some(field.text().await.map_err(|_| ApiError::validation("表单格式错误"))?),
            "file" => {
                let name = clean_file_name(field.file_name().unwrap_or(""));
                let ct = field.content_type().unwrap_or("").to_ascii_lowercase();
                let data = match field.bytes().await {
                    Ok(b) => b.to_vec(),
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                        return Err(ApiError::msg(ErrorCode::PayloadTooLarge, "文件不超过10MB"))
                    }
                    Err(_) => return Err(ApiError::validation("文件读取失败")),
                };
                file = Some((name, ct, data));
            }
            _ => {}
        }
    }
    let Some((name, ct, data)) = file else {
        return Err(ApiError::validation("请选择要上传的文件（字段 file）"));
    };
    if data.is_empty() {
        return Err(ApiError::validation("文件为空"));
    }
    if data.len() > MAX_EVIDENCE_BYTES {
        return Err(ApiError::msg(ErrorCode::PayloadTooLarge, "文件不超过10MB"));
    }
    let content_type = if INLINE_TYPES.contains(&ct.as_str()) {
        ct
    } else {
        "application/octet-stream".into()
    };
    Ok(Upload {
        name,
        content_type,
        data,
        csrf,
    })
}

/// Stores evidence for a hazard or an inspection the caller may work on.
pub async fn store_evidence(
    state: &AppState,
    user: &CurrentUser,
    owner_kind: &str,
    owner_id: &str,
    up: Upload,
) -> ApiResult<Attachment> {
    let role = user.user.role;
    let unit_id = match owner_kind {
        "hazard" => {
            user.require(InspectionKind::for_role(role).is_some())?;
            let h = state.store.get_hazard(&user.scope, owner_id).await?;
            if h.phase.is_end() {
                return Err(ApiError::msg(
                    ErrorCode::Conflict,
                    "隐患已销号或处罚终结，不能再上传佐证材料",
                ));
            }
            h.unit_id
        }
        _ => {
            let i = state.store.get_inspection(&user.scope, owner_id).await?;
            user.require(InspectionKind::for_role(role) == Some(i.kind))?;
            if i.status == InspectionStatus::Submitted {
                return Err(ApiError::msg(ErrorCode::Conflict, "检查已提交，不能再上传材料"));
            }
            i.unit_id
        }
    };
    Ok(state
        .store
        .add_attachment(
            &user.scope,
            &NewAttachment {
                unit_id,
                owner_kind: owner_kind.into(),
                owner_id: owner_id.into(),
                name: up.name,
                content_type: up.content_type,
                data: up.data,
                uploaded_by: user.user.display_name.clone(),
            },
            Utc::now(),
        )
        .await?)
}

/// Uploads a rectification or inspection photo or file to a hazard (multipart field `file`,
/// at most 10 MB). Police, departments and the unit.
#[utoipa::path(post, path = "/api/v1/hazards/{id}/evidence", tag = "supervision",
    request_body(content_type = "multipart/form-data", content = String, description = "field `file`"),
    responses((status = 201, body = Attachment), (status = 400, body = crate::error::ErrorBody), (status = 413, body = crate::error::ErrorBody)))]
pub async fn hazard_evidence(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    req: Request,
) -> ApiResult<(StatusCode, Json<Attachment>)> {
    // Role and scope before reading the body.
    user.require(InspectionKind::for_role(user.user.role).is_some())?;
    state.store.get_hazard(&user.scope, &id).await?;
    let up = read_upload(multipart(req, &state).await?).await?;
    Ok((
        StatusCode::CREATED,
        Json(store_evidence(&state, &user, "hazard", &id, up).await?),
    ))
}

/// Uploads a photo or file to an inspection (multipart field `file`, at most 10 MB).
#[utoipa::path(post, path = "/api/v1/inspections/{id}/evidence", tag = "supervision",
    request_body(content_type = "multipart/form-data", content = String, description = "field `file`"),
    responses((status = 201, body = Attachment), (status = 400, body = crate::error::ErrorBody), (status = 413, body = crate::error::ErrorBody)))]
pub async fn inspection_evidence(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    req: Request,
) -> ApiResult<(StatusCode, Json<Attachment>)> {
    let i = state.store.get_inspection(&user.scope, &id).await?;
    user.require(InspectionKind::for_role(user.user.role) == Some(i.kind))?;
    let up = read_upload(multipart(req, &state).await?).await?;
    Ok((
        StatusCode::CREATED,
        Json(store_evidence(&state, &user, "inspection", &id, up).await?),
    ))
}

/// Downloads an evidence file (images and PDF inline, anything else as a download).
#[utoipa::path(get, path = "/api/v1/attachments/{id}", tag = "supervision", responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get_attachment(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let (a, data) = state.store.get_attachment(&user.scope, &id).await?;
    let inline = INLINE_TYPES.contains(&a.content_type.as_str());
    Ok(file_response(data, &a.content_type, &a.name, inline))
}

/// A file answer with a safe Content-Disposition (RFC 6266 / RFC 5987 for the Chinese name).
pub fn file_response(data: Vec<u8>, content_type: &str, name: &str, inline: bool) -> Response {
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let disposition = format!(
        "{}; filename=\"file\"; filename*=UTF-8''{encoded}",
        if inline { "inline" } else { "attachment" }
    );
    let mut resp = Response::new(Body::from(data));
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type).unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    resp
}

// ------------------------------------------------------------------ hazards

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HazardQuery {
    pub unit_id: Option<String>,
    pub phase: Option<Phase>,
    pub class: Option<HazardClass>,
    /// Only hazards not yet closed or ended in a penalty.
    #[serde(default)]
    pub open: bool,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// Hazards in the caller's jurisdiction, nearest deadline first.
#[utoipa::path(get, path = "/api/v1/hazards", tag = "supervision", params(HazardQuery), responses((status = 200, body = Listing<Hazard>)))]
pub async fn list_hazards(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<HazardQuery>,
) -> ApiResult<Json<Listing<Hazard>>> {
    let f = HazardFilter {
        unit_id: q.unit_id,
        phase: q.phase,
        open_only: q.open,
        inspection_id: None,
        class: q.class,
    };
    Ok(Json(
        state
            .store
            .list_hazards(&user.scope, &f, Page::new(q.page, q.per_page))
            .await?,
    ))
}

/// Records a hazard from an alert, an assessment, a report or an inspection.
#[utoipa::path(post, path = "/api/v1/hazards", tag = "supervision", request_body = sv::HazardInput,
    responses((status = 201, body = Hazard), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn create_hazard(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(input): Json<sv::HazardInput>,
) -> ApiResult<(StatusCode, Json<Hazard>)> {
    let h = sv::report_hazard(state.store.as_ref(), &officer(&user), input, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(h)))
}

/// A hazard with its steps, documents and evidence.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HazardDetail {
    #[serde(flatten)]
    pub hazard: Hazard,
    pub steps: Vec<HazardStep>,
    pub documents: Vec<Document>,
    pub attachments: Vec<Attachment>,
    /// The default deadline of an order for this hazard under the caller's bureau (police).
    pub default_deadline: Option<chrono::DateTime<Utc>>,
}

pub async fn hazard_detail(state: &AppState, user: &CurrentUser, id: &str) -> ApiResult<HazardDetail> {
    let hazard = state.store.get_hazard(&user.scope, id).await?;
    let steps = state.store.hazard_steps(&user.scope, id).await?;
    let documents = state
        .store
        .list_documents(
            &user.scope,
            &DocumentFilter {
                hazard_id: Some(id.to_string()),
                ..Default::default()
            },
            Page::new(Some(1), Some(100)),
        )
        .await?
        .items;
    let attachments = state.store.list_attachments(&user.scope, "hazard", id).await?;
    let default_deadline = if user.user.role.is_police() {
        Some(sv::default_deadline(state.store.as_ref(), &officer(user), hazard.class, Utc::now()).await?)
    } else {
        None
    };
    Ok(HazardDetail {
        hazard,
        steps,
        documents,
        attachments,
        default_deadline,
    })
}

/// One hazard.
#[utoipa::path(get, path = "/api/v1/hazards/{id}", tag = "supervision", responses((status = 200, body = HazardDetail), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get_hazard(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<HazardDetail>> {
    Ok(Json(hazard_detail(&state, &user, &id).await?))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ActOutcome {
    pub hazard: Hazard,
    pub step: HazardStep,
}

/// Takes one ladder action on a hazard (REQUIREMENTS.md §b.1): `issue_order`, `fix_on_spot`,
/// `dismiss`, `submit_rectification`, `recheck`, `request_extension`, `decide_extension`,
/// `escalate`, `decide_fine`, `transfer_criminal`. Illegal actions are refused (403 for the
/// wrong side, 409 for the wrong moment, 400 for bad amounts or dates) and change nothing.
#[utoipa::path(post, path = "/api/v1/hazards/{id}/actions", tag = "supervision", request_body = sv::ActInput,
    responses((status = 200, body = ActOutcome), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn act(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<sv::ActInput>,
) -> ApiResult<Json<ActOutcome>> {
    let (hazard, step) = sv::act(state.store.as_ref(), &officer(&user), &id, input, Utc::now()).await?;
    Ok(Json(ActOutcome { hazard, step }))
}

// ------------------------------------------------------------------ documents

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DocumentQuery {
    pub unit_id: Option<String>,
    pub hazard_id: Option<String>,
    pub kind: Option<DocumentKind>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// Official documents in the caller's jurisdiction, newest first.
#[utoipa::path(get, path = "/api/v1/documents", tag = "supervision", params(DocumentQuery), responses((status = 200, body = Listing<Document>)))]
pub async fn list_documents(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<DocumentQuery>,
) -> ApiResult<Json<Listing<Document>>> {
    let f = DocumentFilter {
        unit_id: q.unit_id,
        hazard_id: q.hazard_id,
        inspection_id: None,
        kind: q.kind,
    };
    Ok(Json(
        state
            .store
            .list_documents(&user.scope, &f, Page::new(q.page, q.per_page))
            .await?,
    ))
}

/// One official document (its number, text and fields).
#[utoipa::path(get, path = "/api/v1/documents/{id}", tag = "supervision", responses((status = 200, body = Document), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get_document(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<Document>> {
    Ok(Json(state.store.get_document(&user.scope, &id).await?))
}

/// Renders a document as PDF (A4, GB/T 9704 layout, embedded CJK font subset).
pub fn render_document(d: &Document) -> ApiResult<Vec<u8>> {
    let c = &d.content;
    neibao_docgen::render_pdf(&neibao_docgen::OfficialDocument {
        issuer: c.issuer.clone(),
        title: c.title.clone(),
        number: d.number.clone(),
        addressee: c.addressee.clone(),
        paragraphs: c.paragraphs.clone(),
        fields: c.fields.clone(),
        signature: c.signature.clone(),
        footer: c.footer.clone(),
    })
    .map_err(|e| {
        tracing::error!(error = %e, document = %d.id, "PDF rendering failed");
        ApiError::new(ErrorCode::Internal)
    })
}

/// The document as PDF.
#[utoipa::path(get, path = "/api/v1/documents/{id}/pdf", tag = "supervision", responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = crate::error::ErrorBody)))]
pub async fn document_pdf(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let d = state.store.get_document(&user.scope, &id).await?;
    let pdf = tokio::task::spawn_blocking(move || render_document(&d).map(|p| (p, d.number)))
        .await
        .map_err(|_| ApiError::new(ErrorCode::Internal))??;
    Ok(file_response(pdf.0, "application/pdf", &format!("{}.pdf", pdf.1), true).into_response())
}

// ------------------------------------------------------------------ credit, due list, settings

/// A unit's credit grade, score, inspection interval and credit records.
#[utoipa::path(get, path = "/api/v1/units/{id}/credit", tag = "supervision", responses((status = 200, body = sv::CreditSummary), (status = 404, body = crate::error::ErrorBody)))]
pub async fn unit_credit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<sv::CreditSummary>> {
    Ok(Json(
        sv::credit_summary(state.store.as_ref(), &officer(&user), &id, Utc::now()).await?,
    ))
}

/// Units in the caller's jurisdiction due for inspection by their credit grade (worst grade,
/// never inspected and longest overdue first; at most 500).
#[utoipa::path(get, path = "/api/v1/supervision/due", tag = "supervision", responses((status = 200, body = Vec<sv::DueUnit>)))]
pub async fn units_due(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Vec<sv::DueUnit>>> {
    Ok(Json(
        sv::units_due(state.store.as_ref(), &officer(&user), Utc::now(), 500).await?,
    ))
}

/// The caller's bureau settings: document numbering, default deadlines, reminders, ladder
/// order and credit rule (defaults where none are stored).
#[utoipa::path(get, path = "/api/v1/supervision/settings", tag = "supervision", responses((status = 200, body = SupervisionSettings)))]
pub async fn get_settings(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<SupervisionSettings>> {
    Ok(Json(
        sv::settings(state.store.as_ref(), user.user.org_id.as_deref()).await?,
    ))
}

/// Replaces the caller's bureau settings (county-level and higher police).
#[utoipa::path(put, path = "/api/v1/supervision/settings", tag = "supervision", request_body = SupervisionSettings,
    responses((status = 200, body = SupervisionSettings), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn put_settings(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(s): Json<SupervisionSettings>,
) -> ApiResult<Json<SupervisionSettings>> {
    user.require(may_set_bureau(user.user.role))?;
    let org = user.user.org_id.clone().ok_or_else(ApiError::forbidden)?;
    sv::save_settings(state.store.as_ref(), &org, &s).await?;
    Ok(Json(s))
}

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/api/v1/checklists", routing::get(list_checklists))
        .route("/api/v1/checklists/{id}", routing::get(get_checklist))
        .route(
            "/api/v1/checklists/{variant}/versions",
            routing::post(add_checklist_version),
        )
        .route("/api/v1/campaigns", routing::get(list_campaigns).post(create_campaign))
        .route("/api/v1/campaigns/{id}", routing::get(get_campaign))
        .route(
            "/api/v1/inspections",
            routing::get(list_inspections).post(create_inspection),
        )
        .route(
            "/api/v1/inspections/{id}",
            routing::get(get_inspection).put(save_inspection),
        )
        .route("/api/v1/inspections/{id}/submit", routing::post(submit_inspection))
        .route(
            "/api/v1/inspections/{id}/evidence",
            routing::post(inspection_evidence).layer(evidence_limit()),
        )
        .route("/api/v1/hazards", routing::get(list_hazards).post(create_hazard))
        .route("/api/v1/hazards/{id}", routing::get(get_hazard))
        .route("/api/v1/hazards/{id}/actions", routing::post(act))
        .route(
            "/api/v1/hazards/{id}/evidence",
            routing::post(hazard_evidence).layer(evidence_limit()),
        )
        .route("/api/v1/attachments/{id}", routing::get(get_attachment))
        .route("/api/v1/documents", routing::get(list_documents))
        .route("/api/v1/documents/{id}", routing::get(get_document))
        .route("/api/v1/documents/{id}/pdf", routing::get(document_pdf))
        .route("/api/v1/units/{id}/credit", routing::get(unit_credit))
        .route("/api/v1/supervision/due", routing::get(units_due))
        .route(
            "/api/v1/supervision/settings",
            routing::get(get_settings).put(put_settings),
        )
}

/// This capability's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list_checklists,
    get_checklist,
    add_checklist_version,
    list_campaigns,
    create_campaign,
    get_campaign,
    list_inspections,
    create_inspection,
    get_inspection,
    save_inspection,
    submit_inspection,
    inspection_evidence,
    list_hazards,
    create_hazard,
    get_hazard,
    act,
    hazard_evidence,
    get_attachment,
    list_documents,
    get_document,
    document_pdf,
    unit_credit,
    units_due,
    get_settings,
    put_settings
))]
pub struct Doc;
