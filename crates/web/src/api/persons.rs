//! Responsible persons (责任人) of a unit, each with its own lifecycle (docs/REGISTRY.md,
//! "Responsible persons"): list, add, read, edit at the `version` read, remove. The ID number
//! and phone are answered masked; a stale version is 409 `version_conflict` and nothing is
//! written. Who changes them: police, administrators and the unit's manager (`device.manage`,
//! as for key areas), inside their jurisdiction (a unit outside it is 404).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use neibao_domain::registry::ResponsiblePerson;
use neibao_engine::registry::{PersonInput, PersonUpdate};
use serde::Deserialize;

use crate::error::ApiResult;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct UnitPersonsPath {
    /// The unit's id.
    pub id: String,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct PersonPath {
    /// The unit's id.
    pub id: String,
    /// The person's id.
    pub person_id: String,
}

/// The version of the person as read (`?version=3`).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionQuery {
    /// The person's `version` as read; a stale one is refused (409 `version_conflict`).
    #[param(minimum = 1)]
    pub version: i64,
}

/// A unit's responsible persons (masked), principal first.
#[utoipa::path(get, path = "/api/v1/units/{id}/persons", tag = "units", params(UnitPersonsPath),
    responses((status = 200, body = Vec<ResponsiblePerson>), (status = 404, body = crate::error::ErrorBody)))]
pub async fn list_persons(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<ResponsiblePerson>>> {
    Ok(Json(state.services.registry.persons(&user.principal, &id).await?))
}

/// Add a responsible person to a unit (police, administrators, the unit's manager); a closed
/// unit takes none (409 `invalid_transition`). The citizen ID (GB 11643) and phone are stored
/// encrypted and answered masked. A replay with the same `Idempotency-Key` adds one person.
#[utoipa::path(post, path = "/api/v1/units/{id}/persons", tag = "units", params(UnitPersonsPath), request_body = PersonInput,
    responses((status = 201, body = ResponsiblePerson), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody, description = "单位已注销（invalid_transition）")))]
pub async fn add_person(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<PersonInput>,
) -> ApiResult<(StatusCode, Json<ResponsiblePerson>)> {
    let p = state.services.registry.add_person(&user.principal, &id, input).await?;
    Ok((StatusCode::CREATED, Json(p)))
}

/// One responsible person (masked) with its `version`.
#[utoipa::path(get, path = "/api/v1/units/{id}/persons/{person_id}", tag = "units", params(PersonPath),
    responses((status = 200, body = ResponsiblePerson), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get_person(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, person_id)): Path<(String, String)>,
) -> ApiResult<Json<ResponsiblePerson>> {
    Ok(Json(
        state.services.registry.person(&user.principal, &id, &person_id).await?,
    ))
}

/// Edit a responsible person at `version`: role, name, citizen ID and phone (absent, null or the
/// masked value as shown keeps the stored ID number or phone; empty clears it).
#[utoipa::path(patch, path = "/api/v1/units/{id}/persons/{person_id}", tag = "units", params(PersonPath), request_body = PersonUpdate,
    responses((status = 200, body = ResponsiblePerson), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody, description = "已被他人修改（version_conflict）；单位已注销（invalid_transition）")))]
pub async fn update_person(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, person_id)): Path<(String, String)>,
    Json(input): Json<PersonUpdate>,
) -> ApiResult<Json<ResponsiblePerson>> {
    Ok(Json(
        state
            .services
            .registry
            .update_person(&user.principal, &id, &person_id, input)
            .await?,
    ))
}

/// Remove a responsible person at `version` (`?version=`); the unit's history keeps the record.
#[utoipa::path(delete, path = "/api/v1/units/{id}/persons/{person_id}", tag = "units", params(PersonPath, VersionQuery),
    responses((status = 204), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody, description = "已被他人修改（version_conflict）；单位已注销（invalid_transition）")))]
pub async fn remove_person(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, person_id)): Path<(String, String)>,
    Query(q): Query<VersionQuery>,
) -> ApiResult<StatusCode> {
    state
        .services
        .registry
        .remove_person(&user.principal, &id, &person_id, q.version)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// This part's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route(
            "/api/v1/units/{id}/persons",
            routing::get(list_persons).post(add_person),
        )
        .route(
            "/api/v1/units/{id}/persons/{person_id}",
            routing::get(get_person).patch(update_person).delete(remove_person),
        )
}

/// This part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list_persons, add_person, get_person, update_person, remove_person))]
pub struct Doc;
