//! Early-warning API (issue 4): data rules (versioned, importable, backtest), suppression windows,
//! notification channels, the in-app inbox, alert deliveries and device health.
//!
//! Who may do what:
//! - rules: police and administrators read; administrators and provincial, city and county police
//!   write, each only for rules whose scope lies inside their jurisdiction (a rule with no division
//!   prefix written by an officer gets the officer's);
//! - suppression windows: police, administrators and the unit's security manager, for units in
//!   their scope;
//! - notification channels: administrators (they hold secrets; configs are encrypted at rest and
//!   shown masked);
//! - inbox: each user their own; device health: everyone, over their scope.

use axum::extract::{Path, Query, State};
use axum::Json;
use chrono::{DateTime, Duration, Utc};
use neibao_domain::access::{Role, Scope};
use neibao_domain::ids::new_id;
use neibao_domain::warning::StoredRule;
use neibao_engine::warning::engine::{backtest as run_backtest, BacktestReport, ImportReport};
use neibao_engine::warning::ruleset::{compile, RuleFile, RuleSpec, SuppressionWindow, FACTS, SUPPRESSION_REASONS};
use serde::{Deserialize, Serialize};

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// A condition field: name, type and meaning (zh-CN).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FactInfo {
    pub name: &'static str,
    pub kind: &'static str,
    pub description: &'static str,
}

/// The data rules and the fields their conditions can use.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RuleList {
    pub rules: Vec<StoredRule>,
    pub facts: Vec<FactInfo>,
}

fn facts() -> Vec<FactInfo> {
    FACTS
        .iter()
        .map(|(name, kind, description)| FactInfo {
            name,
            kind,
            description,
        })
        .collect()
}

/// Whether the user may write rules at all.
pub fn may_edit_rules(user: &CurrentUser) -> bool {
    matches!(
        user.user.role,
        Role::Admin | Role::PoliceProvince | Role::PoliceCity | Role::PoliceCounty
    )
}

/// The division prefix an officer's rules must lie in (`None` = anything, administrators).
fn rule_prefix(user: &CurrentUser) -> ApiResult<Option<String>> {
    match &user.scope {
        Scope::All => Ok(None),
        Scope::Division { prefix } if may_edit_rules(user) => Ok(Some(prefix.clone())),
        _ => Err(ApiError::forbidden()),
    }
}

/// Validates a spec for this user: compiles it and confines its scope to the user's jurisdiction.
pub fn check_spec(user: &CurrentUser, mut spec: RuleSpec) -> ApiResult<RuleSpec> {
    if let Some(prefix) = rule_prefix(user)? {
        if spec.scope.division_prefix.is_empty() {
            spec.scope.division_prefix = prefix.clone();
        }
        if !spec.scope.division_prefix.starts_with(&prefix) {
            return Err(ApiError::msg(
                neibao_domain::error::ErrorCode::Forbidden,
                "规则的适用范围超出了您的辖区",
            ));
        }
    }
    compile(&spec).map_err(ApiError::validation)?;
    Ok(spec)
}

/// Checks that an existing rule lies in the user's jurisdiction.
async fn check_existing(state: &AppState, user: &CurrentUser, code: &str) -> ApiResult<Option<StoredRule>> {
    let current = state.store.list_rules(Some(code)).await?.into_iter().next();
    if let (Some(prefix), Some(c)) = (rule_prefix(user)?, &current) {
        let theirs = c
            .spec
            .pointer("/scope/division_prefix")
            .and_then(|v| v.as_str())
            .unwrap_or("");
        if !theirs.starts_with(&prefix) {
            return Err(ApiError::msg(
                neibao_domain::error::ErrorCode::Forbidden,
                "该规则的适用范围超出了您的辖区，不能修改",
            ));
        }
    }
    Ok(current)
}

/// Stores a spec as a new version and reloads this node's engine. `expected_version` 0 creates
/// the rule (409 when the code exists); otherwise the rule must exist (404).
pub async fn save_rule(
    state: &AppState,
    user: &CurrentUser,
    spec: RuleSpec,
    expected_version: Option<i64>,
) -> ApiResult<StoredRule> {
    let spec = check_spec(user, spec)?;
    let current = check_existing(state, user, &spec.code).await?;
    if expected_version != Some(0) && current.is_none() {
        return Err(ApiError::new(neibao_domain::error::ErrorCode::NotFound));
    }
    let value = serde_json::to_value(&spec).map_err(|e| ApiError::validation(e.to_string()))?;
    let saved = state
        .store
        .put_rule(
            &spec.code,
            &value,
            spec.enabled,
            expected_version,
            &user.user.username,
            Utc::now(),
        )
        .await?;
    neibao_engine::warning::engine::reload(state.store.as_ref(), state.services.pipeline().rule_engine()).await?;
    Ok(saved)
}

/// The current version of every data rule, and the condition fields.
#[utoipa::path(get, path = "/api/v1/alert_rules", tag = "early-warning", responses((status = 200, body = RuleList)))]
pub async fn list_rules(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<RuleList>> {
    user.require(user.is_police_or_admin())?;
    Ok(Json(RuleList {
        rules: state.store.list_rules(None).await?,
        facts: facts(),
    }))
}

/// Creates a rule (version 1). 409 when the code exists; 400 with the reason when the spec is
/// invalid (syntax, unknown field, bad window …).
#[utoipa::path(post, path = "/api/v1/alert_rules", tag = "early-warning", request_body = RuleSpec,
    responses((status = 201, body = StoredRule), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn create_rule(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(spec): Json<RuleSpec>,
) -> ApiResult<(axum::http::StatusCode, Json<StoredRule>)> {
    user.require(may_edit_rules(&user))?;
    let saved = save_rule(&state, &user, spec, Some(0)).await?;
    Ok((axum::http::StatusCode::CREATED, Json(saved)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionQuery {
    /// The version the edit is based on; 409 when someone saved another since.
    pub expected_version: Option<i64>,
}

/// Saves a new version of a rule (the code in the path wins). Disabling is a new version with
/// `enabled: false`; versions are never deleted.
#[utoipa::path(put, path = "/api/v1/alert_rules/{code}", tag = "early-warning", request_body = RuleSpec, params(VersionQuery),
    responses((status = 200, body = StoredRule), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn update_rule(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Query(q): Query<VersionQuery>,
    Json(mut spec): Json<RuleSpec>,
) -> ApiResult<Json<StoredRule>> {
    user.require(may_edit_rules(&user))?;
    spec.code = code;
    Ok(Json(save_rule(&state, &user, spec, q.expected_version).await?))
}

/// Every version of one rule, newest first.
#[utoipa::path(get, path = "/api/v1/alert_rules/{code}/versions", tag = "early-warning", responses((status = 200, body = Vec<StoredRule>)))]
pub async fn rule_versions(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> ApiResult<Json<Vec<StoredRule>>> {
    user.require(user.is_police_or_admin())?;
    let v = state.store.list_rules(Some(&code)).await?;
    if v.is_empty() {
        return Err(ApiError::new(neibao_domain::error::ErrorCode::NotFound));
    }
    Ok(Json(v))
}

/// Imports a rule file (`{"rules":[…]}` or a bare array, as in `data/rules/default.json`). Every
/// rule is checked first (syntax, scope inside the caller's jurisdiction); if one fails nothing is
/// stored. A rule equal to its current version is left alone; others become a new version.
pub async fn import_rules(state: &AppState, user: &CurrentUser, bytes: &[u8]) -> ApiResult<ImportReport> {
    let specs = RuleFile::parse(bytes).map_err(ApiError::validation)?;
    let mut checked = Vec::with_capacity(specs.len());
    for s in specs {
        let s = check_spec(user, s)?;
        check_existing(state, user, &s.code).await?;
        checked.push(s);
    }
    let report =
        neibao_engine::warning::engine::import_specs(state.store.as_ref(), &checked, &user.user.username, Utc::now())
            .await?;
    neibao_engine::warning::engine::reload(state.store.as_ref(), state.services.pipeline().rule_engine()).await?;
    Ok(report)
}

/// Imports a rule file (JSON body). See [`import_rules`].
#[utoipa::path(post, path = "/api/v1/alert_rules/import", tag = "early-warning", request_body = Object,
    responses((status = 200, body = ImportReport), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn import(
    State(state): State<AppState>,
    user: CurrentUser,
    body: axum::body::Bytes,
) -> ApiResult<Json<ImportReport>> {
    user.require(may_edit_rules(&user))?;
    Ok(Json(import_rules(&state, &user, &body).await?))
}

/// A backtest request: a stored rule by `code`, or a draft `rule`; the period; optionally one unit.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct BacktestRequest {
    pub code: Option<String>,
    pub rule: Option<RuleSpec>,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub unit_id: Option<String>,
}

/// Runs a rule over the stored events of a period in the caller's jurisdiction and returns what it
/// would have raised (nothing is stored or sent).
pub async fn backtest_rule(state: &AppState, user: &CurrentUser, req: BacktestRequest) -> ApiResult<BacktestReport> {
    let spec = match (req.rule, req.code) {
        (Some(spec), _) => spec,
        (None, Some(code)) => {
            let stored = state
                .store
                .list_rules(Some(&code))
                .await?
                .into_iter()
                .next()
                .ok_or_else(|| ApiError::new(neibao_domain::error::ErrorCode::NotFound))?;
            serde_json::from_value(stored.spec).map_err(|e| ApiError::validation(e.to_string()))?
        }
        (None, None) => return Err(ApiError::validation("请指定规则代码或规则内容")),
    };
    let compiled = compile(&spec).map_err(ApiError::validation)?;
    if let Some(unit) = req.unit_id.as_deref().filter(|u| !u.is_empty()) {
        // 404 for a unit that does not exist or lies outside the caller's jurisdiction.
        state.store.get_unit(&user.scope, unit).await?;
    }
    match run_backtest(
        state.store.as_ref(),
        &user.scope,
        compiled,
        req.from,
        req.to,
        req.unit_id.as_deref(),
    )
    .await
    .map_err(|e| ApiError::from(neibao_store::StoreError::Other(e)))?
    {
        Ok(r) => Ok(r),
        Err(msg) => Err(ApiError::validation(msg)),
    }
}

/// Backtest: see [`backtest_rule`].
#[utoipa::path(post, path = "/api/v1/alert_rules/backtest", tag = "early-warning", request_body = BacktestRequest,
    responses((status = 200, body = BacktestReport), (status = 400, body = crate::error::ErrorBody)))]
pub async fn backtest(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(req): Json<BacktestRequest>,
) -> ApiResult<Json<BacktestReport>> {
    user.require(user.is_police_or_admin())?;
    Ok(Json(backtest_rule(&state, &user, req).await?))
}

// ---- suppression windows ----

/// A suppression window to add.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewSuppression {
    pub unit_id: String,
    pub device_id: Option<String>,
    pub rule: Option<String>,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// `maintenance` (维护检修), `visit` (登记来访) or `other`.
    pub reason: String,
    #[serde(default)]
    pub note: String,
}

fn may_suppress(user: &CurrentUser) -> bool {
    user.is_police_or_admin() || user.user.role == Role::UnitManager
}

/// Adds a window after checking it (at most 31 days, ends in the future, known reason).
pub async fn add_suppression(state: &AppState, user: &CurrentUser, n: NewSuppression) -> ApiResult<SuppressionWindow> {
    user.require(may_suppress(user))?;
    let now = Utc::now();
    if n.to <= n.from || n.to <= now || n.to - n.from > Duration::days(31) {
        return Err(ApiError::validation("屏蔽时段应晚于现在结束，且不超过 31 天"));
    }
    if !SUPPRESSION_REASONS.iter().any(|(c, _)| *c == n.reason) {
        return Err(ApiError::validation("屏蔽原因应为 maintenance、visit 或 other"));
    }
    if let Some(rule) = n.rule.as_deref().filter(|r| !r.is_empty()) {
        let builtin = neibao_engine::alerts::builtin::builtin_rules()
            .iter()
            .any(|b| b.code == rule);
        if !builtin && state.store.list_rules(Some(rule)).await?.is_empty() {
            return Err(ApiError::validation(format!("没有代码为「{rule}」的预警规则")));
        }
    }
    let note = n.note.trim().to_string();
    if note.chars().count() > 200 || !neibao_domain::text::text_is_clean(&note) {
        return Err(ApiError::validation("备注不超过 200 个字符且不含控制字符"));
    }
    let w = SuppressionWindow {
        id: new_id(),
        unit_id: n.unit_id,
        device_id: n.device_id.filter(|d| !d.is_empty()),
        rule: n.rule.filter(|r| !r.is_empty()),
        from: n.from,
        to: n.to,
        reason: n.reason,
        note,
        created_by: user.user.username.clone(),
        created_at: now,
    };
    state.store.create_suppression(&user.scope, &w).await?;
    state.services.pipeline().forget_suppressions(&w.unit_id);
    Ok(w)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SuppressionQuery {
    pub unit_id: Option<String>,
}

/// Suppression windows not yet ended, in the caller's scope.
#[utoipa::path(get, path = "/api/v1/suppressions", tag = "early-warning", params(SuppressionQuery), responses((status = 200, body = Vec<SuppressionWindow>)))]
pub async fn list_suppressions(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<SuppressionQuery>,
) -> ApiResult<Json<Vec<SuppressionWindow>>> {
    Ok(Json(
        state
            .store
            .list_suppressions(&user.scope, q.unit_id.as_deref(), Utc::now())
            .await?,
    ))
}

/// Adds a suppression window (maintenance, a registered visit): alerts of the unit (or one device
/// or rule) are not raised while it lasts.
#[utoipa::path(post, path = "/api/v1/suppressions", tag = "early-warning", request_body = NewSuppression,
    responses((status = 201, body = SuppressionWindow), (status = 400, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn create_suppression(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(n): Json<NewSuppression>,
) -> ApiResult<(axum::http::StatusCode, Json<SuppressionWindow>)> {
    Ok((
        axum::http::StatusCode::CREATED,
        Json(add_suppression(&state, &user, n).await?),
    ))
}

/// Ends a suppression window now.
#[utoipa::path(post, path = "/api/v1/suppressions/{id}/end", tag = "early-warning", responses((status = 204), (status = 404, body = crate::error::ErrorBody)))]
pub async fn end_suppression(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<axum::http::StatusCode> {
    user.require(may_suppress(&user))?;
    state.store.end_suppression(&user.scope, &id, Utc::now()).await?;
    // The window just ended is no longer listed: drop every cached unit.
    state.services.pipeline().forget_all_suppressions();
    Ok(axum::http::StatusCode::NO_CONTENT)
}

// ---- notification channels ----

// ---- inbox ----

// ---- device health ----

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/api/v1/alert_rules", routing::get(list_rules).post(create_rule))
        .route("/api/v1/alert_rules/import", routing::post(import))
        .route("/api/v1/alert_rules/backtest", routing::post(backtest))
        .route("/api/v1/alert_rules/{code}", routing::put(update_rule))
        .route("/api/v1/alert_rules/{code}/versions", routing::get(rule_versions))
        .route(
            "/api/v1/suppressions",
            routing::get(list_suppressions).post(create_suppression),
        )
        .route("/api/v1/suppressions/{id}/end", routing::post(end_suppression))
}

/// This capability's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list_rules,
    create_rule,
    update_rule,
    rule_versions,
    import,
    backtest,
    list_suppressions,
    create_suppression,
    end_suppression
))]
pub struct Doc;
