//! Official documents (文书, a shared kernel): the list in the caller's jurisdiction, one
//! document, and its PDF (A4, GB/T 9704 layout, embedded CJK font subset, by `neibao-docgen`).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use neibao_domain::documents::{Document, DocumentFilter, DocumentKind};
use neibao_domain::error::ErrorCode;
use neibao_domain::paging::{Listing, Page};
use serde::Deserialize;

use super::attachments::file_response;
use crate::error::{ApiError, ApiResult};
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DocumentQuery {
    /// Only the documents of this unit.
    pub unit_id: Option<String>,
    /// Only the documents of this hazard.
    pub hazard_id: Option<String>,
    pub kind: Option<DocumentKind>,
    /// `true`: only documents not yet signed for (签收) by their addressee; `false`: only signed ones.
    pub unread: Option<bool>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 2147483647)]
    pub page: Option<u32>,
    /// Rows per page, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
}

/// Official documents in the caller's jurisdiction, newest first.
#[utoipa::path(get, path = "/api/v1/documents", tag = "supervision", params(DocumentQuery), responses((status = 200, body = Listing<Document>)))]
pub async fn list_documents(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<DocumentQuery>,
) -> ApiResult<Json<Listing<Document>>> {
    let page = Page::checked(q.page, q.per_page)?;
    let f = DocumentFilter {
        unit_id: q.unit_id,
        hazard_id: q.hazard_id,
        inspection_id: None,
        kind: q.kind,
        unread: q.unread,
    };
    Ok(Json(state.services.documents.list(&user.principal, &f, page).await?))
}

/// One official document (its number, text and fields).
#[utoipa::path(get, path = "/api/v1/documents/{id}", tag = "supervision",
    params(("id" = String, Path, description = "文书编号")),
    responses((status = 200, body = Document)))]
pub async fn get_document(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<Document>> {
    Ok(Json(state.services.documents.get(&user.principal, &id).await?))
}

/// Lays a document out as PDF.
pub fn render_pdf(d: &Document) -> ApiResult<Vec<u8>> {
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

/// The PDF answer of a document (rendered off the async threads), named by its number.
pub async fn pdf_response(d: Document) -> ApiResult<Response> {
    let (pdf, number) = tokio::task::spawn_blocking(move || render_pdf(&d).map(|p| (p, d.number)))
        .await
        .map_err(|_| ApiError::new(ErrorCode::Internal))??;
    Ok(file_response(pdf, "application/pdf", &format!("{number}.pdf"), true))
}

/// The document as PDF.
#[utoipa::path(get, path = "/api/v1/documents/{id}/pdf", tag = "supervision",
    params(("id" = String, Path, description = "文书编号")),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>)))]
pub async fn document_pdf(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let d = state.services.documents.open(&user.principal, &id).await?;
    pdf_response(d).await
}

/// Signs for a document (签收) as its addressee: the unit, or for a 问题抄告函 the unit's
/// competent department. The first signature (or the first opening of its PDF) is the receipt the
/// police see; signing again changes nothing. Audited.
#[utoipa::path(post, path = "/api/v1/documents/{id}/receipt", tag = "supervision",
    params(("id" = String, Path, description = "文书编号")),
    responses((status = 200, body = Document), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody)))]
pub async fn sign_document(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<Document>> {
    Ok(Json(state.services.documents.sign(&user.principal, &id).await?))
}

/// A department's action record.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = DocumentActionBody)]
pub struct ActionBody {
    /// 处理情况: what the department did (1–1000 characters).
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub text: String,
}

/// The competent department records what it did about a 问题抄告函 (R29), once or several times;
/// recording is also signing for the letter. The issuing police organ is notified and reads the
/// records in the document's `actions`. Audited.
#[utoipa::path(post, path = "/api/v1/documents/{id}/actions", tag = "supervision",
    params(("id" = String, Path, description = "文书编号")),
    request_body = ActionBody,
    responses((status = 201, body = Document, description = "文书及其全部处理情况"),
        (status = 400, body = crate::error::ErrorBody, description = "处理情况为空或超过1000字"),
        (status = 403, body = crate::error::ErrorBody, description = "只有该单位的行业主管部门可以反馈问题抄告函的处理情况"),
        (status = 404, body = crate::error::ErrorBody, description = "文书不存在或不在本辖区")))]
pub async fn record_action(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(b): Json<ActionBody>,
) -> ApiResult<(StatusCode, Json<Document>)> {
    let d = state
        .services
        .documents
        .record_action(&user.principal, &id, &b.text)
        .await?;
    Ok((StatusCode::CREATED, Json(d)))
}

/// This kernel's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/api/v1/documents", routing::get(list_documents))
        .route("/api/v1/documents/{id}", routing::get(get_document))
        .route("/api/v1/documents/{id}/pdf", routing::get(document_pdf))
        .route("/api/v1/documents/{id}/receipt", routing::post(sign_document))
        .route("/api/v1/documents/{id}/actions", routing::post(record_action))
}

/// This kernel's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list_documents, get_document, document_pdf, sign_document, record_action))]
pub struct Doc;
