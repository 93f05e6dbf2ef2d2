//! Evidence uploads from the inspection and hazard pages (multipart: `csrf`, `_once`, then `file`; the
//! token is checked by [`CsrfMultipart`] before the file is read). A refusal of the token or of
//! the caller is an error page; anything else is shown on the page uploaded from. A double
//! click uploads the file once (`_once`, crate::idempotency).

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::attachments::AttachmentOwner;
use neibao_domain::error::ErrorCode;

use super::hazard::hazard_page;
use super::inspection::inspection_page;
use crate::error::ApiError;
use crate::extract::multipart::CsrfMultipart;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::kit::{error_page, UiUser};

async fn upload(
    state: &AppState,
    u: &CurrentUser,
    owner: AttachmentOwner,
    id: &str,
    body: CsrfMultipart,
) -> Result<(), ApiError> {
    let sv = &state.services.supervision;
    sv.check_evidence_target(&u.principal, owner, id).await?;
    let file = body.file().await?;
    sv.add_evidence(&u.principal, owner, id, file).await?;
    Ok(())
}

/// `POST /inspections/{id}/evidence`.
pub async fn inspection_evidence(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    body: CsrfMultipart,
) -> Response {
    match upload(&state, &u, AttachmentOwner::Inspection, &id, body).await {
        Ok(()) => Redirect::to(&format!("/inspections/{id}?uploaded=1#evidence")).into_response(),
        Err(e) if e.code == ErrorCode::Forbidden => error_page(&u, e),
        Err(e) => inspection_page(&state, &u, &id, None, Some(e), None).await,
    }
}

/// `POST /hazards/{id}/evidence`.
pub async fn hazard_evidence(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    body: CsrfMultipart,
) -> Response {
    match upload(&state, &u, AttachmentOwner::Hazard, &id, body).await {
        Ok(()) => Redirect::to(&format!("/hazards/{id}?uploaded=1#evidence")).into_response(),
        Err(e) if e.code == ErrorCode::Forbidden => error_page(&u, e),
        Err(e) => hazard_page(&state, &u, &id, Some(e), None, None).await,
    }
}
