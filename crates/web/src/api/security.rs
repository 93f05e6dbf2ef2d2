//! Account security (password, TOTP, API tokens), purpose-logged reads of personal information,
//! the audit log, retention and legal holds, and the bureau's security settings.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::Utc;
use neibao_domain::access::Role;
use neibao_domain::accounts::{ApiTokenInfo, TokenScope};
use neibao_domain::audit::AuditFilter;
use neibao_domain::audit::AuditRecord;
use neibao_domain::error::ErrorCode;
use neibao_domain::ids::{new_id, token_hash};
use neibao_domain::paging::{Listing, Page};
use neibao_domain::privacy::{DataClass, DeletionRecord, LegalHold, RetentionPolicy};
use neibao_domain::registry::{PersonMatch, RevealedPerson};
use neibao_domain::validate::CitizenId;
use serde::{Deserialize, Serialize};

use crate::api::session::REQUIRE_TOTP_POLICE;
use crate::audit::record;
use crate::auth::{check_password_policy, hash_password, random_token, totp, verify_password, CurrentUser};
use crate::error::{ApiError, ApiResult};
use crate::extract::audit_slot::AuditSlot;
use crate::state::AppState;

/// Checks a stated purpose: 4 to 200 characters after trimming; control characters are dropped
/// and anything that looks like an ID or phone number is masked before it is logged.
///
/// Errors: `purpose_required` (400).
pub fn check_purpose(purpose: Option<&str>) -> ApiResult<String> {
    let p = purpose.unwrap_or("").trim();
    let n = p.chars().count();
    if !(4..=200).contains(&n) {
        return Err(ApiError::msg(
            ErrorCode::PurposeRequired,
            "查看完整个人信息须填写查询事由（4–200 个字）",
        ));
    }
    Ok(neibao_domain::sensitive::redact_numbers(
        &neibao_domain::events::clean_device_text(p, 200),
    ))
}

// --- password ---

#[derive(Deserialize, utoipa::ToSchema)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

/// Changes the caller's password (policy-checked) and ends all their sessions.
#[utoipa::path(put, path = "/api/v1/me/password", tag = "account", request_body = PasswordChange,
    responses((status = 204), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody)))]
pub async fn change_password(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(req): Json<PasswordChange>,
) -> ApiResult<StatusCode> {
    change_own_password(&state, &user, &req.current_password, &req.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Changes the caller's password (API and UI): the current password is checked under the
/// login lockout (a wrong one counts as a failed login), the new one against the policy and
/// must differ; then every session of the user ends.
///
/// Errors: `busy` (429, locked), `bad_credentials` (401), `weak_password` (400),
/// `validation_failed` (400, same as the current one).
pub(crate) async fn change_own_password(
    state: &AppState,
    user: &CurrentUser,
    current: &str,
    new: &str,
) -> ApiResult<()> {
    use crate::api::session::{LOGIN_WINDOW_MINUTES, MAX_LOGIN_FAILURES};
    let name = &user.user.username;
    let now = Utc::now();
    if state
        .store
        .count_login_failures(name, now - chrono::Duration::minutes(LOGIN_WINDOW_MINUTES))
        .await?
        >= MAX_LOGIN_FAILURES
    {
        return Err(ApiError::msg(
            ErrorCode::Busy,
            format!("密码错误次数过多，请{LOGIN_WINDOW_MINUTES}分钟后再试"),
        ));
    }
    let (_, hash) = state
        .store
        .user_credentials(name)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated))?;
    if !verify_password(current, &hash) {
        state.store.record_login_failure(name, now).await?;
        return Err(ApiError::msg(ErrorCode::BadCredentials, "当前密码错误"));
    }
    check_password_policy(new, name)?;
    if new == current {
        return Err(ApiError::validation("新密码不能与当前密码相同"));
    }
    state
        .store
        .set_password(&user.user.id, &hash_password(new), now)
        .await?;
    Ok(())
}

// --- TOTP ---

#[derive(Serialize, utoipa::ToSchema)]
pub struct TotpEnrollment {
    /// Base32 secret to type into an authenticator app.
    pub secret: String,
    /// `otpauth://` URL (for a QR code).
    pub otpauth_url: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct TotpCode {
    pub code: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TotpStatus {
    pub enabled: bool,
    /// The bureau requires a second factor for this account.
    pub required: bool,
}

/// Whether the caller has a second factor, and whether one is required.
#[utoipa::path(get, path = "/api/v1/me/totp", tag = "account", responses((status = 200, body = TotpStatus)))]
pub async fn totp_status(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<TotpStatus>> {
    Ok(Json(TotpStatus {
        enabled: state.store.totp_state(&user.user.id).await?.enabled,
        required: crate::api::session::totp_required(&state, &user.user).await?,
    }))
}

/// Starts enrolment: a new secret, not active until confirmed with a code.
///
/// Errors: `conflict` (409) when a second factor is already active.
#[utoipa::path(post, path = "/api/v1/me/totp", tag = "account", responses((status = 200, body = TotpEnrollment), (status = 409, body = crate::error::ErrorBody)))]
pub async fn totp_begin(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<TotpEnrollment>> {
    Ok(Json(begin_totp(&state, &user).await?))
}

/// Stores a new, not yet active secret for the caller (API and UI).
///
/// Errors: `conflict` (409) when a second factor is already active.
pub(crate) async fn begin_totp(state: &AppState, user: &CurrentUser) -> ApiResult<TotpEnrollment> {
    if state.store.totp_state(&user.user.id).await?.enabled {
        return Err(ApiError::msg(ErrorCode::Conflict, "已绑定动态验证码；如需更换请先解除"));
    }
    let secret = totp::new_secret();
    state.store.set_totp(&user.user.id, Some(&secret), false).await?;
    Ok(TotpEnrollment {
        otpauth_url: totp::otpauth_url(&secret, &user.user.username),
        secret,
    })
}

/// Checks a code against the stored secret and uses its step (a replayed code fails).
async fn check_code(state: &AppState, user_id: &str, code: &str) -> ApiResult<()> {
    let st = state.store.totp_state(user_id).await?;
    let step = st
        .secret
        .as_deref()
        .and_then(|s| totp::matching_step(s, code, Utc::now().timestamp().max(0) as u64));
    let ok = match step {
        Some(step) => state.store.use_totp_step(user_id, step).await?,
        None => false,
    };
    if ok {
        Ok(())
    } else {
        Err(ApiError::msg(ErrorCode::ValidationFailed, "动态验证码错误或已使用"))
    }
}

/// Confirms enrolment with a current code; activates the second factor and clears the
/// session's pending state.
#[utoipa::path(post, path = "/api/v1/me/totp/confirm", tag = "account", request_body = TotpCode, responses((status = 204), (status = 400, body = crate::error::ErrorBody)))]
pub async fn totp_confirm(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(req): Json<TotpCode>,
) -> ApiResult<StatusCode> {
    confirm_totp(&state, &user, &req.code).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Activates the caller's pending secret with a current code (API and UI).
pub(crate) async fn confirm_totp(state: &AppState, user: &CurrentUser, code: &str) -> ApiResult<()> {
    check_code(state, &user.user.id, code).await?;
    state.store.set_totp(&user.user.id, None, true).await?;
    if let Some(session) = &user.session {
        state.store.complete_second_factor(session).await?;
    }
    Ok(())
}

/// Removes the second factor (needs a current code). Refused when the bureau requires one.
#[utoipa::path(delete, path = "/api/v1/me/totp", tag = "account", request_body = TotpCode, responses((status = 204), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn totp_remove(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(req): Json<TotpCode>,
) -> ApiResult<StatusCode> {
    remove_totp(&state, &user, &req.code).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes the caller's second factor with a current code (API and UI).
pub(crate) async fn remove_totp(state: &AppState, user: &CurrentUser, code: &str) -> ApiResult<()> {
    if crate::api::session::totp_required(state, &user.user).await? {
        return Err(ApiError::msg(
            ErrorCode::Forbidden,
            "本级公安机关要求警务账号必须启用动态验证码",
        ));
    }
    check_code(state, &user.user.id, code).await?;
    state.store.set_totp(&user.user.id, None, false).await?;
    Ok(())
}

// --- API tokens ---

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewToken {
    pub name: String,
    /// `read` (default) or `write`.
    #[serde(default)]
    pub scope: Option<TokenScope>,
    /// Days until the token expires (1–365, default 90).
    #[serde(default)]
    pub expires_in_days: Option<i64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CreatedToken {
    pub id: String,
    /// Shown once; only its hash is stored.
    pub token: String,
    pub scope: TokenScope,
    /// Milliseconds since the Unix epoch (UTC).
    pub expires_at: i64,
}

/// The caller's API tokens (administrators: everyone's).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "account", responses((status = 200, body = Vec<ApiTokenInfo>)))]
pub async fn list_tokens(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Vec<ApiTokenInfo>>> {
    let who = (user.user.role != Role::Admin).then_some(user.user.id.as_str());
    Ok(Json(state.store.list_api_tokens(who).await?))
}

/// Creates an API token for the caller: scoped (`read` allows GET only), expiring, revocable.
/// Only from a signed-in session (or `neibao token create`), never with another token.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "account", request_body = NewToken, responses((status = 201, body = CreatedToken), (status = 400, body = crate::error::ErrorBody)))]
pub async fn create_token(
    State(state): State<AppState>,
    user: CurrentUser,
    slot: Option<axum::Extension<AuditSlot>>,
    Json(req): Json<NewToken>,
) -> ApiResult<(StatusCode, Json<CreatedToken>)> {
    // A token cannot mint tokens: a stolen one must not outlive its own revocation.
    if user.token_scope.is_some() {
        return Err(ApiError::msg(
            ErrorCode::Forbidden,
            "不能用 API 令牌创建新令牌，请登录后在「账户安全」中创建",
        ));
    }
    let name = req.name.trim();
    if name.is_empty() || name.chars().count() > 64 {
        return Err(ApiError::validation("令牌名称须为 1–64 个字"));
    }
    let days = req.expires_in_days.unwrap_or(90);
    if !(1..=365).contains(&days) {
        return Err(ApiError::validation("有效期须为 1–365 天"));
    }
    // A read-only token cannot mint a write token (the extractor already refused POST).
    let scope = req.scope.unwrap_or(TokenScope::Read);
    let token = random_token();
    let now = Utc::now();
    let expires = now + chrono::Duration::days(days);
    let id = state
        .store
        .create_api_token(&user.user.id, &token_hash(&token), name, scope, now, Some(expires))
        .await?;
    if let Some(axum::Extension(slot)) = slot {
        slot.object(&id, None);
    }
    Ok((
        StatusCode::CREATED,
        Json(CreatedToken {
            id,
            token,
            scope,
            expires_at: expires.timestamp_millis(),
        }),
    ))
}

/// Revokes a token (one's own; administrators: any).
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "account", responses((status = 204), (status = 404, body = crate::error::ErrorBody)))]
pub async fn revoke_token(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let who = (user.user.role != Role::Admin).then_some(user.user.id.as_str());
    state.store.revoke_api_token(&id, who, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

// --- personal information ---

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Purpose {
    /// Why the unmasked value is needed (recorded in the audit log).
    pub purpose: Option<String>,
}

/// The plaintext ID number and phone of a responsible person, for a stated purpose; the read is
/// written to the audit log (who, what, why, when) before the answer. Police in whose
/// jurisdiction the unit lies, administrators, and the unit's own security manager.
///
/// Errors: `purpose_required` (400), `forbidden` (403), `not_found` (404).
#[utoipa::path(post, path = "/api/v1/persons/{id}/reveal", tag = "privacy", request_body = Purpose,
    responses((status = 200, body = RevealedPerson), (status = 400, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn reveal_person(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(req): Json<Purpose>,
) -> ApiResult<Json<RevealedPerson>> {
    Ok(Json(
        reveal(&state, &user, None, &id, req.purpose.as_deref(), "api").await?,
    ))
}

/// Who may read unmasked personal data: police, administrators, unit security managers.
pub fn may_reveal(user: &CurrentUser) -> bool {
    user.is_police_or_admin() || user.user.role == Role::UnitManager
}

/// Reads a responsible person's plaintext fields for a stated purpose and audits the read
/// before returning it (API and UI; `via` goes into the audit detail). With `unit_id`, the
/// person must belong to that unit.
///
/// Errors: `forbidden` (403), `purpose_required` (400), `not_found` (404).
pub(crate) async fn reveal(
    state: &AppState,
    user: &CurrentUser,
    unit_id: Option<&str>,
    person_id: &str,
    purpose: Option<&str>,
    via: &str,
) -> ApiResult<RevealedPerson> {
    user.require(may_reveal(user))?;
    let purpose = check_purpose(purpose)?;
    let person = state.store.reveal_person(&user.scope, person_id).await?;
    if unit_id.is_some_and(|u| u != person.unit_id) {
        return Err(ApiError::not_found());
    }
    let fields = [
        person.citizen_id.as_ref().map(|_| "citizen_id"),
        person.phone.as_ref().map(|_| "phone"),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(",");
    record(
        state,
        Some(user),
        "",
        "person.reveal",
        "responsible_persons",
        &person.person_id,
        Some(&person.unit_id),
        &purpose,
        &format!("{via}:{fields}"),
    )
    .await?;
    Ok(person)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct PersonLookup {
    /// The full ID number to look for (never stored or logged in plaintext).
    pub citizen_id: String,
    pub purpose: Option<String>,
}

/// Finds the responsible persons (in the caller's jurisdiction) with this exact ID number, by
/// its blind index (no decryption of other rows). Audited with the purpose. Police and
/// administrators.
///
/// Errors: `invalid_citizen_id` (400), `purpose_required` (400), `forbidden` (403).
#[utoipa::path(post, path = "/api/v1/persons/lookup", tag = "privacy", request_body = PersonLookup,
    responses((status = 200, body = Vec<PersonMatch>), (status = 400, body = crate::error::ErrorBody)))]
pub async fn lookup_persons(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(req): Json<PersonLookup>,
) -> ApiResult<Json<Vec<PersonMatch>>> {
    Ok(Json(
        lookup(&state, &user, &req.citizen_id, req.purpose.as_deref(), "api").await?,
    ))
}

/// Finds persons by exact ID number through the blind index, audited with the purpose and the
/// masked number (API and UI).
///
/// Errors: `forbidden` (403), `purpose_required` (400), `invalid_citizen_id` (400).
pub(crate) async fn lookup(
    state: &AppState,
    user: &CurrentUser,
    citizen_id: &str,
    purpose: Option<&str>,
    via: &str,
) -> ApiResult<Vec<PersonMatch>> {
    user.require(user.is_police_or_admin())?;
    let purpose = check_purpose(purpose)?;
    let id = CitizenId::parse(citizen_id, Utc::now().date_naive())?;
    let sensitive = id.into_sensitive();
    let found = state
        .store
        .find_persons_by_citizen_id(&user.scope, sensitive.expose())
        .await?;
    record(
        state,
        Some(user),
        "",
        "person.lookup",
        "responsible_persons",
        &sensitive.masked(),
        None,
        &purpose,
        &format!("{via}:matches={}", found.len()),
    )
    .await?;
    Ok(found)
}

// --- audit log ---

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Action prefix, e.g. `person.` or `PUT `.
    pub action: Option<String>,
    pub actor: Option<String>,
    pub object_id: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// The audit log, newest first: administrators see all of it; police see the rows about units
/// in their jurisdiction and the rows of their own actions (logins, look-ups).
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery), responses((status = 200, body = Listing<AuditRecord>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn list_audit(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<AuditQuery>,
) -> ApiResult<Json<Listing<AuditRecord>>> {
    user.require(user.is_police_or_admin())?;
    let filter = AuditFilter {
        action: q.action,
        actor: q.actor,
        object_id: q.object_id,
    };
    Ok(Json(
        state
            .store
            .list_audit(&user.scope, &user.user.id, &filter, Page::new(q.page, q.per_page))
            .await?,
    ))
}

// --- retention and legal holds ---

#[derive(Serialize, utoipa::ToSchema)]
pub struct RetentionOverview {
    pub policies: Vec<RetentionPolicy>,
    pub holds: Vec<LegalHold>,
    pub deletions: Listing<DeletionRecord>,
}

/// Retention policies, legal holds in the caller's jurisdiction, and the latest deletions.
#[utoipa::path(get, path = "/api/v1/retention", tag = "retention", responses((status = 200, body = RetentionOverview)))]
pub async fn retention(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<RetentionOverview>> {
    user.require(user.is_police_or_admin())?;
    Ok(Json(RetentionOverview {
        policies: state.store.retention_policies().await?,
        holds: state.store.list_legal_holds(&user.scope, true).await?,
        deletions: state.store.list_deletions(Page::new(Some(1), Some(50))).await?,
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct PolicyInput {
    pub max_days: i64,
}

/// Sets the maximum retention of a data class (administrators). Refused below the legal
/// minimum (REQUIREMENTS.md R54, R43, R68).
#[utoipa::path(put, path = "/api/v1/retention/{class}", tag = "retention", request_body = PolicyInput, responses((status = 204), (status = 400, body = crate::error::ErrorBody)))]
pub async fn set_policy(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(class): Path<String>,
    Json(req): Json<PolicyInput>,
) -> ApiResult<StatusCode> {
    user.require(user.user.role == Role::Admin)?;
    let class = DataClass::from_code(&class).ok_or_else(|| ApiError::validation("未知的数据类别"))?;
    state
        .store
        .set_retention_policy(class, req.max_days, &user.user.username, Utc::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct HoldInput {
    /// Case number (案件编号).
    pub case_no: String,
    pub unit_id: String,
    /// Only this class; all classes when absent.
    pub data_class: Option<DataClass>,
    pub reason: String,
}

/// Places a legal hold: nothing of the unit (of the class) is deleted until it is released.
/// Police in whose jurisdiction the unit lies, and administrators.
#[utoipa::path(post, path = "/api/v1/legal_holds", tag = "retention", request_body = HoldInput, responses((status = 201, body = LegalHold), (status = 400, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn create_hold(
    State(state): State<AppState>,
    user: CurrentUser,
    slot: Option<axum::Extension<AuditSlot>>,
    Json(req): Json<HoldInput>,
) -> ApiResult<(StatusCode, Json<LegalHold>)> {
    user.require(user.is_police_or_admin())?;
    let case_no = req.case_no.trim();
    let reason = req.reason.trim();
    if case_no.is_empty() || case_no.chars().count() > 64 {
        return Err(ApiError::validation("案件编号须为 1–64 个字"));
    }
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(ApiError::validation("保全理由须为 1–500 个字"));
    }
    let hold = LegalHold {
        id: new_id(),
        case_no: case_no.to_string(),
        unit_id: req.unit_id,
        data_class: req.data_class,
        reason: reason.to_string(),
        created_by: user.user.username.clone(),
        created_at: Utc::now().timestamp_millis(),
        released_at: None,
        released_by: None,
    };
    let hold = state.store.create_legal_hold(&user.scope, &hold).await?;
    if let Some(axum::Extension(slot)) = slot {
        slot.object(&hold.id, Some(&hold.unit_id));
    }
    Ok((StatusCode::CREATED, Json(hold)))
}

/// Releases a legal hold.
#[utoipa::path(post, path = "/api/v1/legal_holds/{id}/release", tag = "retention", responses((status = 200, body = LegalHold), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn release_hold(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<LegalHold>> {
    user.require(user.is_police_or_admin())?;
    Ok(Json(
        state
            .store
            .release_legal_hold(&user.scope, &id, &user.user.username, Utc::now())
            .await?,
    ))
}

// --- settings ---

#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct SecuritySettings {
    /// Police accounts must use a TOTP second factor.
    pub require_totp_police: bool,
}

/// The bureau's security settings.
#[utoipa::path(get, path = "/api/v1/security/settings", tag = "account", responses((status = 200, body = SecuritySettings)))]
pub async fn get_settings(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<SecuritySettings>> {
    user.require(user.is_police_or_admin())?;
    Ok(Json(SecuritySettings {
        require_totp_police: state.store.get_meta(REQUIRE_TOTP_POLICE).await?.as_deref() == Some("1"),
    }))
}

/// Changes the bureau's security settings (administrators).
#[utoipa::path(put, path = "/api/v1/security/settings", tag = "account", request_body = SecuritySettings, responses((status = 200, body = SecuritySettings), (status = 403, body = crate::error::ErrorBody)))]
pub async fn put_settings(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(req): Json<SecuritySettings>,
) -> ApiResult<Json<SecuritySettings>> {
    user.require(user.user.role == Role::Admin)?;
    state
        .store
        .set_meta(REQUIRE_TOTP_POLICE, if req.require_totp_police { "1" } else { "0" })
        .await?;
    Ok(Json(req))
}

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/api/v1/me/password", routing::put(change_password))
        .route(
            "/api/v1/me/totp",
            routing::get(totp_status).post(totp_begin).delete(totp_remove),
        )
        .route("/api/v1/me/totp/confirm", routing::post(totp_confirm))
        .route("/api/v1/tokens", routing::get(list_tokens).post(create_token))
        .route("/api/v1/tokens/{id}", routing::delete(revoke_token))
        .route("/api/v1/persons/lookup", routing::post(lookup_persons))
        .route("/api/v1/persons/{id}/reveal", routing::post(reveal_person))
        .route("/api/v1/audit", routing::get(list_audit))
        .route("/api/v1/retention", routing::get(retention))
        .route("/api/v1/retention/{class}", routing::put(set_policy))
        .route("/api/v1/legal_holds", routing::post(create_hold))
        .route("/api/v1/legal_holds/{id}/release", routing::post(release_hold))
        .route(
            "/api/v1/security/settings",
            routing::get(get_settings).put(put_settings),
        )
}

/// This capability's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    change_password,
    totp_status,
    totp_begin,
    totp_confirm,
    totp_remove,
    list_tokens,
    create_token,
    revoke_token,
    reveal_person,
    lookup_persons,
    list_audit,
    retention,
    set_policy,
    create_hold,
    release_hold,
    get_settings,
    put_settings
))]
pub struct Doc;
