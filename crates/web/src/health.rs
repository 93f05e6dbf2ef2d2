//! Operations endpoints: `/healthz` (the process answers), `/readyz` (database and event bus
//! reachable: 200 or 503), `/metrics` (Prometheus text format). No authentication: they reveal
//! counts and states only, never data; expose them on the intranet only.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use neibao_engine::metrics::{self, METRICS};
use serde_json::json;

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics_text))
}

async fn healthz() -> impl IntoResponse {
    Json(json!({"status": "ok"}))
}

async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let database = state.store.get_meta("readyz").await.is_ok();
    let bus = state.services.bus().ready().await;
    let status = if database && bus {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(json!({"database": database, "bus": bus, "queue_depth": state.services.bus().queue_depth()})),
    )
}

async fn metrics_text(State(state): State<AppState>) -> impl IntoResponse {
    METRICS.queue_depth.set(state.services.bus().queue_depth() as i64);
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        metrics::encode(),
    )
}
