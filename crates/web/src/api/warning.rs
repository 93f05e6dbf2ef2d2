//! Early-warning API (issue 4): data rules (versioned, importable, backtest) and suppression
//! windows. Handlers parse, call [`neibao_engine::warning::WarningService`] and answer; who may
//! do what, and the jurisdiction of rules, is the service's business.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use neibao_domain::warning::{StoredRule, SuppressionWindow};
use neibao_engine::warning::engine::{BacktestReport, ImportReport};
use neibao_engine::warning::ruleset::{RuleFile, RuleSpec, FACTS};
use neibao_engine::warning::{BacktestInput, SuppressionDraft};
use serde::{Deserialize, Serialize};

use crate::error::ApiResult;
use crate::extract::principal::CurrentUser;
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

/// The current version of every data rule, and the condition fields.
#[utoipa::path(get, path = "/api/v1/alert_rules", tag = "early-warning",
    responses((status = 200, body = RuleList), (status = 403, body = crate::error::ErrorBody, description = "仅公安机关和系统管理员")))]
pub async fn list_rules(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<RuleList>> {
    Ok(Json(RuleList {
        rules: state.services.warning.rules(&user.principal).await?,
        facts: facts(),
    }))
}

/// Creates a rule (version 1). 409 when the code exists; 400 with the reason when the spec is
/// invalid (syntax, unknown field, bad window …); 403 outside the caller's jurisdiction.
#[utoipa::path(post, path = "/api/v1/alert_rules", tag = "early-warning", request_body = RuleSpec,
    responses((status = 201, body = StoredRule), (status = 403, body = crate::error::ErrorBody, description = "无权编写规则，或适用范围超出辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "规则代码已存在")))]
pub async fn create_rule(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(spec): Json<RuleSpec>,
) -> ApiResult<(StatusCode, Json<StoredRule>)> {
    let saved = state.services.warning.create_rule(&user.principal, spec).await?;
    Ok((StatusCode::CREATED, Json(saved)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionQuery {
    /// The version the edit is based on; 409 when someone saved another since.
    #[param(minimum = 0)]
    pub expected_version: Option<i64>,
}

/// Saves a new version of a rule (the code in the path wins). Disabling is a new version with
/// `enabled: false`; versions are never deleted.
#[utoipa::path(put, path = "/api/v1/alert_rules/{code}", tag = "early-warning", request_body = RuleSpec,
    params(("code" = String, Path, description = "规则代码"), VersionQuery),
    responses((status = 200, body = StoredRule), (status = 403, body = crate::error::ErrorBody, description = "无权编写规则，或适用范围超出辖区"),
        (status = 409, body = crate::error::ErrorBody, description = "规则已被他人修改")))]
pub async fn update_rule(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Query(q): Query<VersionQuery>,
    Json(spec): Json<RuleSpec>,
) -> ApiResult<Json<StoredRule>> {
    Ok(Json(
        state
            .services
            .warning
            .update_rule(&user.principal, &code, spec, q.expected_version)
            .await?,
    ))
}

/// Every version of one rule, newest first.
#[utoipa::path(get, path = "/api/v1/alert_rules/{code}/versions", tag = "early-warning",
    params(("code" = String, Path, description = "规则代码")),
    responses((status = 200, body = Vec<StoredRule>), (status = 403, body = crate::error::ErrorBody, description = "仅公安机关和系统管理员")))]
pub async fn rule_versions(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> ApiResult<Json<Vec<StoredRule>>> {
    Ok(Json(
        state.services.warning.rule_versions(&user.principal, &code).await?,
    ))
}

/// Imports a rule file (`{"rules":[…]}` or a bare array, as in `data/rules/default.json`).
/// Every rule is checked first (syntax, scope inside the caller's jurisdiction); if one fails
/// nothing is stored. A rule equal to its current version is left alone; others become a new
/// version.
#[utoipa::path(post, path = "/api/v1/alert_rules/import", tag = "early-warning", request_body = RuleFile,
    responses((status = 200, body = ImportReport), (status = 403, body = crate::error::ErrorBody, description = "无权编写规则，或适用范围超出辖区")))]
pub async fn import(
    State(state): State<AppState>,
    user: CurrentUser,
    body: axum::body::Bytes,
) -> ApiResult<Json<ImportReport>> {
    Ok(Json(state.services.warning.import_rules(&user.principal, &body).await?))
}

/// A backtest request: a stored rule by `code`, or a draft `rule`; the period (at most 93
/// days); optionally one unit.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct BacktestRequest {
    /// A stored rule.
    pub code: Option<String>,
    /// A draft (wins over `code`).
    pub rule: Option<RuleSpec>,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// Only this unit's events.
    pub unit_id: Option<String>,
}

/// Runs a rule over the stored events of a period in the caller's jurisdiction and returns what
/// it would have raised (nothing is stored or sent).
#[utoipa::path(post, path = "/api/v1/alert_rules/backtest", tag = "early-warning", request_body = BacktestRequest,
    responses((status = 200, body = BacktestReport), (status = 403, body = crate::error::ErrorBody, description = "仅公安机关和系统管理员"),
        (status = 404, body = crate::error::ErrorBody, description = "规则或单位不存在，或不在本辖区")))]
pub async fn backtest(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(req): Json<BacktestRequest>,
) -> ApiResult<Json<BacktestReport>> {
    let input = BacktestInput {
        code: req.code,
        rule: req.rule,
        from: req.from,
        to: req.to,
        unit_id: req.unit_id,
    };
    Ok(Json(state.services.warning.backtest(&user.principal, input).await?))
}

/// Why a window is set.
#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SuppressionReason {
    /// 维护检修.
    Maintenance,
    /// 登记来访.
    Visit,
    /// 其他.
    Other,
}

impl SuppressionReason {
    fn code(self) -> &'static str {
        match self {
            SuppressionReason::Maintenance => "maintenance",
            SuppressionReason::Visit => "visit",
            SuppressionReason::Other => "other",
        }
    }
}

/// A suppression window to add: at most 31 days, ending in the future.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewSuppression {
    pub unit_id: String,
    /// Only this device of the unit.
    pub device_id: Option<String>,
    /// Only this rule (data or built-in code).
    pub rule: Option<String>,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub reason: SuppressionReason,
    /// At most 200 characters.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub note: String,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SuppressionQuery {
    /// Only this unit's windows.
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
            .services
            .warning
            .suppressions(&user.principal, q.unit_id.as_deref())
            .await?,
    ))
}

/// Adds a suppression window (maintenance, a registered visit): alerts of the unit (or one device
/// or rule) are not raised while it lasts.
#[utoipa::path(post, path = "/api/v1/suppressions", tag = "early-warning", request_body = NewSuppression,
    responses((status = 201, body = SuppressionWindow), (status = 403, body = crate::error::ErrorBody, description = "无权设置屏蔽时段"),
        (status = 404, body = crate::error::ErrorBody, description = "单位不存在或不在本辖区")))]
pub async fn create_suppression(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(n): Json<NewSuppression>,
) -> ApiResult<(StatusCode, Json<SuppressionWindow>)> {
    let draft = SuppressionDraft {
        unit_id: n.unit_id,
        device_id: n.device_id,
        rule: n.rule,
        from: n.from,
        to: n.to,
        reason: n.reason.code().to_string(),
        note: n.note,
    };
    let w = state
        .services
        .warning
        .create_suppression(&user.principal, draft)
        .await?;
    Ok((StatusCode::CREATED, Json(w)))
}

/// Ends a suppression window now.
#[utoipa::path(post, path = "/api/v1/suppressions/{id}/end", tag = "early-warning",
    params(("id" = String, Path, description = "屏蔽时段编号")),
    responses((status = 204, description = "已结束"), (status = 403, body = crate::error::ErrorBody, description = "无权结束屏蔽时段")))]
pub async fn end_suppression(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state.services.warning.end_suppression(&user.principal, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

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
