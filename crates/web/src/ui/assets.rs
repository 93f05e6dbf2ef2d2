//! The UI's static assets (style sheet, scripts, the vendored ECharts and the map of Zhejiang),
//! served from the binary: nothing is loaded from elsewhere (scripts/gen-echarts.sh).

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
        .route(
            "/static/dashboard.js",
            routing::get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
                        (header::CACHE_CONTROL, "max-age=3600"),
                    ],
                    include_str!("../../static/dashboard.js"),
                )
            }),
        )
        .route(
            "/static/vendor/echarts.min.js",
            routing::get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
                        (header::CACHE_CONTROL, "max-age=86400"),
                    ],
                    include_str!("../../static/vendor/echarts/echarts.min.js"),
                )
            }),
        )
        .route(
            "/static/geo/330000.json",
            routing::get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "application/json"),
                        (header::CACHE_CONTROL, "max-age=86400"),
                    ],
                    include_str!("../../static/geo/330000.json"),
                )
            }),
        )
}
