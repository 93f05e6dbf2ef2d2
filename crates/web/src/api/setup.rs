//! First-run setup (docs/SETUP.md): whether the installation still needs it, and completing it
//! (the bootstrap administrator of a new installation, once).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use neibao_domain::setup::{SetupInput, SetupStatus};
use neibao_engine::setup::SetupDone;

use crate::error::ApiResult;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

/// Whether the installation still needs its first-run setup.
#[utoipa::path(get, path = "/api/v1/setup", tag = "setup", responses((status = 200, body = SetupStatus)))]
pub async fn status(State(state): State<AppState>, _user: CurrentUser) -> ApiResult<Json<SetupStatus>> {
    Ok(Json(state.services.setup.status().await?))
}

/// Completes the first-run setup: the top police organisation at the chosen division, the first
/// administrator's own account, and the calling bootstrap account disabled (sign in again with the
/// new one). Audited.
#[utoipa::path(post, path = "/api/v1/setup", tag = "setup", request_body = SetupInput,
    responses((status = 201, body = SetupDone), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn complete(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(input): Json<SetupInput>,
) -> ApiResult<(StatusCode, Json<SetupDone>)> {
    let done = state.services.setup.complete(&user.principal, input).await?;
    Ok((StatusCode::CREATED, Json(done)))
}

/// This capability's routes.
pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/setup", get(status).post(complete))
}

/// This capability's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(status, complete))]
pub struct Doc;
