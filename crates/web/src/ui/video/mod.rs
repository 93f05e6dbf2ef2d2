//! The pages of a unit's public-security video system (docs/VIDEO.md): `/units/{id}/video` with
//! the summary shown beside inspection items, the system record (投入使用日期, 存储期限), the
//! generated summary (the R50 filing content), the cameras with their location types (a new
//! camera at a prohibited spot is refused, citing S7 Art 8), signage groups with photo evidence,
//! and the footage retrieval log (调阅登记, R53).
//!
//! Every write goes through [`neibao_engine::video::VideoService`] (or `DeviceService` for a new
//! camera), as the JSON API does. Forms are CSRF-checked before anything else; a refused form is
//! shown again with its zh-CN message and the values as typed.

mod forms;
mod page;

use crate::state::AppState;

/// This capability's pages.
pub fn routes() -> axum::Router<AppState> {
    use crate::extract::multipart::upload_limit;
    use axum::routing;
    axum::Router::new()
        .route("/units/{id}/video", routing::get(page::video))
        .route("/units/{id}/video/system", routing::post(forms::system))
        .route("/units/{id}/video/cameras", routing::post(forms::camera))
        .route("/devices/{id}/placement", routing::post(forms::placement))
        .route("/units/{id}/video/signage-groups", routing::post(forms::group))
        .route("/units/{id}/video/signage-checks", routing::post(forms::check))
        .route(
            "/units/{id}/video/signage-photo",
            routing::post(forms::photo).layer(upload_limit()),
        )
        .route("/units/{id}/video/retrievals", routing::post(forms::retrieval))
}
