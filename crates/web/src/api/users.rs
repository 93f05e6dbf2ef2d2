//! Account administration (账号管理): `GET/POST /api/v1/users`, `GET/PUT /api/v1/users/{id}`,
//! `POST /api/v1/users/{id}/disable|enable|password-reset`. Administrators only
//! (`user.administer`), inside their jurisdiction (docs/SECURITY.md "Account administration").
//! A new account's first password and a reset password are shown once (not kept for an
//! `Idempotency-Key` repeat).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use neibao_domain::access::Role;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::users::{UserAccount, UserFilter};
use neibao_engine::users::{AccountEdit, CreatedAccount, NewAccount};
use serde::{Deserialize, Serialize};

use crate::error::ApiResult;
use crate::extract::principal::CurrentUser;
use crate::idempotency::ShownOnce;
use crate::state::AppState;

/// The filters and page of the account list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    /// Part of the user name or the person's name (the first 50 characters count).
    pub q: Option<String>,
    pub role: Option<Role>,
    /// `true`: disabled accounts only; `false`: active ones only.
    pub disabled: Option<bool>,
    /// Accounts of this organisation.
    pub org_id: Option<String>,
    #[param(minimum = 1, maximum = 2147483647)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct UserPath {
    /// The account's id.
    pub id: String,
}

/// A password made by the server, shown this once.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ResetPassword {
    pub password: String,
}

/// Accounts inside the caller's jurisdiction, by user name.
#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(UserQuery),
    responses((status = 200, body = Listing<UserAccount>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn list_users(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<UserQuery>,
) -> ApiResult<Json<Listing<UserAccount>>> {
    let page = Page::checked(q.page, q.per_page)?;
    let filter = UserFilter {
        q: q.q.map(|s| s.trim().chars().take(50).collect()),
        role: q.role,
        disabled: q.disabled,
        org_id: q.org_id,
    };
    Ok(Json(state.services.users.list(&user.principal, &filter, page).await?))
}

/// Creates an account with a role and its organisation or unit; the answer carries the first
/// password, once.
///
/// Errors: `validation_failed` (name, role and node: e.g. 市局内保民警 needs a `police_city`
/// organisation inside the caller's jurisdiction), `conflict` (user name taken), `forbidden`.
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = NewAccount,
    responses((status = 201, body = CreatedAccount), (status = 403, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody)))]
pub async fn create_user(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(input): Json<NewAccount>,
) -> ApiResult<(StatusCode, Extension<ShownOnce>, Json<CreatedAccount>)> {
    let created = state.services.users.create(&user.principal, input).await?;
    Ok((StatusCode::CREATED, Extension(ShownOnce), Json(created)))
}

/// One account.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", params(UserPath),
    responses((status = 200, body = UserAccount), (status = 403, body = crate::error::ErrorBody)))]
pub async fn get_user(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UserPath>,
) -> ApiResult<Json<UserAccount>> {
    Ok(Json(state.services.users.get(&user.principal, &p.id).await?))
}

/// Renames an account, changes its role or moves it to another organisation or unit (a changed
/// role or node ends its sessions and revokes its API tokens).
#[utoipa::path(put, path = "/api/v1/users/{id}", tag = "users", params(UserPath), request_body = AccountEdit,
    responses((status = 200, body = UserAccount), (status = 403, body = crate::error::ErrorBody)))]
pub async fn update_user(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UserPath>,
    Json(edit): Json<AccountEdit>,
) -> ApiResult<Json<UserAccount>> {
    Ok(Json(state.services.users.update(&user.principal, &p.id, edit).await?))
}

/// Disables an account: it cannot sign in, its sessions end and its API tokens are revoked.
#[utoipa::path(post, path = "/api/v1/users/{id}/disable", tag = "users", params(UserPath),
    responses((status = 200, body = UserAccount), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody)))]
pub async fn disable_user(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UserPath>,
) -> ApiResult<Json<UserAccount>> {
    Ok(Json(
        state.services.users.set_disabled(&user.principal, &p.id, true).await?,
    ))
}

/// Enables a disabled account again.
#[utoipa::path(post, path = "/api/v1/users/{id}/enable", tag = "users", params(UserPath),
    responses((status = 200, body = UserAccount), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody)))]
pub async fn enable_user(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UserPath>,
) -> ApiResult<Json<UserAccount>> {
    Ok(Json(
        state.services.users.set_disabled(&user.principal, &p.id, false).await?,
    ))
}

/// Resets an account's password to a new one (shown once): its second factor is removed, its
/// login lock lifted, its sessions end and its API tokens are revoked.
#[utoipa::path(post, path = "/api/v1/users/{id}/password-reset", tag = "users", params(UserPath),
    responses((status = 200, body = ResetPassword), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody)))]
pub async fn reset_password(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(p): Path<UserPath>,
) -> ApiResult<(Extension<ShownOnce>, Json<ResetPassword>)> {
    let password = state.services.users.reset_password(&user.principal, &p.id).await?;
    Ok((Extension(ShownOnce), Json(ResetPassword { password })))
}

/// This capability's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/users", get(list_users).post(create_user))
        .route("/api/v1/users/{id}", get(get_user).put(update_user))
        .route("/api/v1/users/{id}/disable", post(disable_user))
        .route("/api/v1/users/{id}/enable", post(enable_user))
        .route("/api/v1/users/{id}/password-reset", post(reset_password))
}

/// This capability's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list_users,
    create_user,
    get_user,
    update_user,
    disable_user,
    enable_user,
    reset_password
))]
pub struct Doc;
