//! Operations endpoints: `/healthz` (the process answers), `/readyz` (database and event bus
//! reachable: 200 or 503), `/metrics` (Prometheus text format). No authentication: they reveal
//! counts and states only, never data; expose them on the intranet only.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use neibao_engine::metrics;
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
    let r = state.services.intake.readiness().await;
    let status = if r.database && r.bus {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(json!({"database": r.database, "bus": r.bus, "queue_depth": r.queue_depth})),
    )
}

async fn metrics_text(State(state): State<AppState>) -> impl IntoResponse {
    state.services.intake.queue_depth();
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        metrics::encode(),
    )
}
