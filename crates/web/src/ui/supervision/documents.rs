//! An official document as PDF, from the pages that list it.

use axum::extract::{Path, State};
use axum::response::Response;

use crate::api::documents::pdf_response;
use crate::state::AppState;
use crate::ui::kit::{error_page, UiUser};

/// `GET /documents/{id}/pdf`.
pub async fn document_pdf(State(state): State<AppState>, UiUser(u): UiUser, Path(id): Path<String>) -> Response {
    let r = async {
        let d = state.services.documents.get(&u.principal, &id).await?;
        pdf_response(d).await
    }
    .await;
    r.unwrap_or_else(|e| error_page(&u, e))
}
