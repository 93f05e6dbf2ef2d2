//! Privacy: purpose-logged reads of personal information (a responsible person in full, a look-up
//! by ID number), retention policies and legal holds. Every handler parses the request and calls
//! the privacy service, which audits each read before answering and each change in its
//! transaction.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use neibao_domain::paging::Listing;
use neibao_domain::privacy::{DataClass, DeletionRecord, LegalHold, LegalHoldDraft, RetentionPolicy, RevealedText};
use neibao_domain::registry::{PersonMatch, RevealedPerson};
use neibao_engine::privacy::Via;
use serde::{Deserialize, Serialize};

use crate::error::ApiResult;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

// --- personal information ---

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Purpose {
    /// Why the unmasked value is needed (recorded in the audit log): 4–200 characters.
    #[serde(default)]
    #[schema(value_type = String, required = true, min_length = 4, max_length = 200)]
    pub purpose: Option<String>,
}

/// The plaintext ID number and phone of a responsible person, for a stated purpose; the read is
/// written to the audit log (who, what, why, when) before the answer. Police in whose
/// jurisdiction the unit lies, administrators, and the unit's own security manager.
///
/// Errors: `purpose_required` (400), `forbidden` (403), `not_found` (404).
#[utoipa::path(post, path = "/api/v1/persons/{id}/reveal", tag = "privacy", request_body = Purpose,
    params(("id" = String, Path, description = "负责人编号")),
    responses((status = 200, body = RevealedPerson), (status = 403, body = crate::error::ErrorBody)))]
pub async fn reveal_person(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(req): Json<Purpose>,
) -> ApiResult<Json<RevealedPerson>> {
    Ok(Json(
        state
            .services
            .privacy
            .reveal_person(&user.principal, None, &id, req.purpose.as_deref(), Via::Api)
            .await?,
    ))
}

/// The plaintext of the ID numbers, mobile numbers and plates masked in an object's free texts
/// (`events`: device texts; `alerts`: handling comments; `hazards`: title and description;
/// `hazard_steps`: reason; `inspections`: record and item results; `suppression_windows`: note;
/// `legal_holds`: reason; `key_areas`: description; `units`: address — the tables of
/// `neibao_domain::privacy::FREE_TEXT_FIELDS`), for
/// a stated purpose; audited (`free_text.reveal`) before the answer. Only the fields in which
/// something was masked are returned. Same roles as a person reveal.
///
/// `reports`: a report's people involved (`people`, a JSON array of name, role, ID number and
/// phone) and a public reporter's contact (`contact`), audited as `person.reveal`; police who
/// handle reports only (`report.handle`), within the report's scope (docs/REPORTS.md).
///
/// Errors: `purpose_required` (400), `forbidden` (403), `not_found` (404).
#[utoipa::path(post, path = "/api/v1/reveal/{object}/{id}", tag = "privacy", request_body = Purpose,
    params(("object" = String, Path, description = "对象类别：events、alerts、hazards、hazard_steps、inspections、suppression_windows、legal_holds、key_areas、units、campaigns、attachments 或 reports（报告的涉事人员和报告人联系方式）"),
           ("id" = String, Path, description = "对象编号")),
    responses((status = 200, body = RevealedText), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn reveal_free_text(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((object, id)): Path<(String, String)>,
    Json(req): Json<Purpose>,
) -> ApiResult<Json<RevealedText>> {
    Ok(Json(
        state
            .services
            .privacy
            .reveal_free_text(&user.principal, &object, &id, req.purpose.as_deref(), Via::Api)
            .await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct PersonLookup {
    /// The full ID number to look for (never stored or logged in plaintext); its check character
    /// is verified too.
    #[schema(pattern = "^[0-9]{17}[0-9Xx]$")]
    pub citizen_id: String,
    /// Why (recorded in the audit log): 4–200 characters.
    #[serde(default)]
    #[schema(value_type = String, required = true, min_length = 4, max_length = 200)]
    pub purpose: Option<String>,
}

/// Finds the responsible persons (in the caller's jurisdiction) with this exact ID number, by
/// its blind index (no decryption of other rows). Audited with the purpose. Police and
/// administrators.
///
/// Errors: `invalid_citizen_id` (400), `purpose_required` (400), `forbidden` (403).
#[utoipa::path(post, path = "/api/v1/persons/lookup", tag = "privacy", request_body = PersonLookup,
    responses((status = 200, body = Vec<PersonMatch>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn lookup_persons(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(req): Json<PersonLookup>,
) -> ApiResult<Json<Vec<PersonMatch>>> {
    Ok(Json(
        state
            .services
            .privacy
            .lookup_persons(&user.principal, &req.citizen_id, req.purpose.as_deref(), Via::Api)
            .await?,
    ))
}

// --- retention and legal holds ---

#[derive(Serialize, utoipa::ToSchema)]
pub struct RetentionOverview {
    pub policies: Vec<RetentionPolicy>,
    pub holds: Vec<LegalHold>,
    pub deletions: Listing<DeletionRecord>,
}

/// Retention policies, legal holds in the caller's jurisdiction, and the latest deletions.
#[utoipa::path(get, path = "/api/v1/retention", tag = "retention",
    responses((status = 200, body = RetentionOverview), (status = 403, body = crate::error::ErrorBody)))]
pub async fn retention(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<RetentionOverview>> {
    let o = state.services.privacy.retention_overview(&user.principal).await?;
    Ok(Json(RetentionOverview {
        policies: o.policies,
        holds: o.holds,
        deletions: o.deletions,
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct PolicyInput {
    /// Days; not below the class's legal minimum (`min_days` in `GET /api/v1/retention`).
    #[schema(minimum = 0, maximum = 36500)]
    pub max_days: i64,
}

/// Sets the maximum retention of a data class (administrators). Refused below the legal
/// minimum (docs/REQUIREMENTS.md R54, R43, R68).
///
/// Errors: `validation_failed` (400), `forbidden` (403).
#[utoipa::path(put, path = "/api/v1/retention/{class}", tag = "retention", request_body = PolicyInput,
    params(("class" = DataClass, Path, description = "数据类别")),
    responses((status = 204), (status = 403, body = crate::error::ErrorBody)))]
pub async fn set_policy(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(class): Path<String>,
    Json(req): Json<PolicyInput>,
) -> ApiResult<StatusCode> {
    state
        .services
        .privacy
        .set_retention_policy(&user.principal, &class, req.max_days)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct HoldInput {
    /// Case number (案件编号), 1–64 characters.
    #[schema(min_length = 1, max_length = 64)]
    pub case_no: String,
    /// The unit's id (or its USCC).
    #[schema(min_length = 1)]
    pub unit_id: String,
    /// Only this class; all classes when absent.
    pub data_class: Option<DataClass>,
    /// 1–500 characters.
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

/// Places a legal hold: nothing of the unit (of the class) is deleted until it is released.
/// Police in whose jurisdiction the unit lies, and administrators.
///
/// Errors: `validation_failed` (400), `forbidden` (403), `not_found` (404).
#[utoipa::path(post, path = "/api/v1/legal_holds", tag = "retention", request_body = HoldInput,
    responses((status = 201, body = LegalHold), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody, description = "辖区内没有该单位（not_found）")))]
pub async fn create_hold(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(req): Json<HoldInput>,
) -> ApiResult<(StatusCode, Json<LegalHold>)> {
    let draft = LegalHoldDraft {
        case_no: req.case_no,
        unit: req.unit_id,
        data_class: req.data_class,
        reason: req.reason,
    };
    let hold = state.services.privacy.create_hold(&user.principal, draft).await?;
    Ok((StatusCode::CREATED, Json(hold)))
}

/// Releases a legal hold.
///
/// Errors: `forbidden` (403), `not_found` (404), `invalid_transition` (409, released already).
#[utoipa::path(post, path = "/api/v1/legal_holds/{id}/release", tag = "retention",
    params(("id" = String, Path, description = "法律保全编号")),
    responses((status = 200, body = LegalHold), (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn release_hold(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<LegalHold>> {
    Ok(Json(state.services.privacy.release_hold(&user.principal, &id).await?))
}

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/api/v1/persons/lookup", routing::post(lookup_persons))
        .route("/api/v1/persons/{id}/reveal", routing::post(reveal_person))
        .route("/api/v1/reveal/{object}/{id}", routing::post(reveal_free_text))
        .route("/api/v1/retention", routing::get(retention))
        .route("/api/v1/retention/{class}", routing::put(set_policy))
        .route("/api/v1/legal_holds", routing::post(create_hold))
        .route("/api/v1/legal_holds/{id}/release", routing::post(release_hold))
}

/// This capability's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    reveal_person,
    reveal_free_text,
    lookup_persons,
    retention,
    set_policy,
    create_hold,
    release_hold
))]
pub struct Doc;
