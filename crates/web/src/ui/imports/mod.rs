//! Spreadsheet import pages (批量导入, issue 12): the choice of what to import, the upload page of
//! each kind (template link, file, mode)
//! and a job's page (a progress bar refreshed every two seconds while it runs, then the counts
//! and the bad rows). Imports go through [`neibao_engine::imports::ImportService`], as the JSON
//! API's do.

mod devices;
mod pages;

use crate::extract::multipart::upload_limit;
use crate::state::AppState;

/// This capability's pages.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/imports", routing::get(pages::choose_page))
        .route(
            "/imports/units",
            routing::get(pages::units_page)
                .post(pages::units_upload)
                .layer(upload_limit()),
        )
        .route(
            "/imports/accounts",
            routing::get(pages::accounts_page)
                .post(pages::accounts_upload)
                .layer(upload_limit()),
        )
        .route(
            "/imports/key_areas",
            routing::get(pages::key_areas_page)
                .post(pages::key_areas_upload)
                .layer(upload_limit()),
        )
        .route(
            "/imports/devices",
            routing::get(devices::devices_page)
                .post(devices::devices_upload)
                .layer(upload_limit()),
        )
        .route(
            "/imports/persons",
            routing::get(pages::persons_page)
                .post(pages::persons_upload)
                .layer(upload_limit()),
        )
        .route("/imports/{id}", routing::get(pages::job_page))
}
