//! Evidence uploads (multipart, one `file` field): who may upload to what is checked before the
//! body is read, the CSRF token (browser sessions) before that by [`CsrfMultipart`].

use axum::http::StatusCode;
use axum::Json;
use neibao_domain::attachments::{Attachment, AttachmentOwner};

use crate::error::ApiResult;
use crate::extract::multipart::CsrfMultipart;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

/// A multipart body with one file.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // the schema of the body, which `CsrfMultipart` reads
pub struct EvidenceForm {
    /// The file, at most 10 MB (images and PDF are kept as sent, anything else is offered for
    /// download only).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// Checks the caller and the object, reads the file, stores it: 201 with the attachment.
pub async fn upload(
    state: &AppState,
    user: &CurrentUser,
    owner: AttachmentOwner,
    id: &str,
    body: CsrfMultipart,
) -> ApiResult<(StatusCode, Json<Attachment>)> {
    let sv = &state.services.supervision;
    sv.check_evidence_target(&user.principal, owner, id).await?;
    let file = body.file().await?;
    let a = sv.add_evidence(&user.principal, owner, id, file).await?;
    Ok((StatusCode::CREATED, Json(a)))
}
