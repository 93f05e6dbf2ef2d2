//! `GET /imports/devices` (the device import's upload form: the template link, what a row must
//! satisfy, the mode, the file) and `POST /imports/devices` (starts the import, then goes to its
//! page), as for the other kinds (docs/IMPORTS.md "Devices").

use axum::extract::State;
use axum::response::Response;
use neibao_domain::imports::ImportKind;

use super::pages::{upload, upload_page};
use crate::extract::multipart::CsrfMultipart;
use crate::state::AppState;
use crate::ui::kit::UiUser;

/// `GET /imports/devices`.
pub async fn devices_page(UiUser(u): UiUser) -> Response {
    upload_page(u, ImportKind::Devices)
}

/// `POST /imports/devices`.
pub async fn devices_upload(State(state): State<AppState>, UiUser(u): UiUser, mp: CsrfMultipart) -> Response {
    upload(state, u, mp, ImportKind::Devices).await
}
