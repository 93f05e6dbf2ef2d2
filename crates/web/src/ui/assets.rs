//! The UI's static assets (style sheet, script), served from the binary.

use axum::http::header;

use crate::state::AppState;

/// The asset routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route(
            "/static/style.css",
            routing::get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                        (header::CACHE_CONTROL, "max-age=3600"),
                    ],
                    include_str!("../../static/style.css"),
                )
            }),
        )
        .route(
            "/static/app.js",
            routing::get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
                        (header::CACHE_CONTROL, "max-age=3600"),
                    ],
                    include_str!("../../static/app.js"),
                )
            }),
        )
}
