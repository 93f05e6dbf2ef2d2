//! Evidence files (a shared kernel): downloading one in the caller's jurisdiction, and the safe
//! file answer every download uses. Uploads belong to the capability that owns the files (see
//! `crate::api::supervision`).

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::Response;
use neibao_domain::attachments::is_inline;

use crate::error::ApiResult;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

/// Downloads an evidence file (images and PDF inline, anything else as a download).
#[utoipa::path(get, path = "/api/v1/attachments/{id}", tag = "supervision",
    params(("id" = String, Path, description = "佐证材料编号")),
    responses((status = 200, description = "文件内容（图片、PDF 或其他类型）",
        content(
            (Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png"), (Vec<u8> = "image/webp"), (Vec<u8> = "image/gif"),
            (Vec<u8> = "application/pdf"), (Vec<u8> = "application/octet-stream")
        ))))]
pub async fn get_attachment(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let (a, data) = state.services.attachments.get(&user.principal, &id).await?;
    let inline = is_inline(&a.content_type);
    Ok(file_response(data, &a.content_type, &a.name, inline))
}

/// A file answer with a safe Content-Disposition (RFC 6266 / RFC 5987 for the Chinese name)
/// and a sandboxing Content-Security-Policy.
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

/// This kernel's routes.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/api/v1/attachments/{id}", axum::routing::get(get_attachment))
}

/// This kernel's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(get_attachment))]
pub struct Doc;
