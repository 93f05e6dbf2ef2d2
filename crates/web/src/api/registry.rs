//! Registry: divisions, organisations, units, key areas, armed schedules, the per-unit settings of
//! the built-in rules and the built-in rule list.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use neibao_domain::error::{DomainError, ErrorCode};
use neibao_domain::paging::{Listing, Page, Sort};
use neibao_domain::registry::{
    ArmedSchedule, Division, KeyArea, Organisation, StateFilter, Unit, UnitFilter, UnitKind,
};
use neibao_engine::alerts::builtin::RuleDef;
use neibao_engine::registry::{KeyAreaInput, RuleInput, UnitInput, UnitUpdate};
use serde::{Deserialize, Serialize};

use crate::error::ApiResult;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

/// The highest page number a list takes (the largest `int32`, as the schema says).

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnitQuery {
    /// Name substring or exact USCC.
    pub q: Option<String>,
    /// Division code prefix, e.g. `3301`.
    pub division: Option<String>,
    pub key_unit: Option<bool>,
    pub kind: Option<UnitKind>,
    /// Which states (docs/REGISTRY.md): `live` (the default: 在用 and 停用), `active`,
    /// `deactivated`, `closed` (注销, still readable) or `all`.
    #[param(value_type = Option<UnitStateParam>)]
    pub state: Option<String>,
    /// The order: by name or division code, `-` first for descending; by default by division
    /// code, then name.
    #[param(value_type = Option<UnitSortParam>)]
    pub sort: Option<String>,
    #[param(minimum = 1, maximum = 2147483647)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
}

/// The states a unit list may show (the `state` parameter).
/// (Only the schema is used: the value is read as text and checked by `StateFilter::parse`.)
#[derive(Debug, Clone, Copy, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnitStateParam {
    Live,
    Active,
    Deactivated,
    Closed,
    All,
}

/// The orders of the unit list (the `sort` parameter).
/// (Only the schema is used: the value is read as text and checked by `Sort::checked`.)
#[derive(Debug, Clone, Copy, Serialize, Deserialize, utoipa::ToSchema)]
pub enum UnitSortParam {
    #[serde(rename = "name")]
    Name,
    #[serde(rename = "-name")]
    NameDesc,
    #[serde(rename = "division")]
    Division,
    #[serde(rename = "-division")]
    DivisionDesc,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct UnitPath {
    /// The unit's id.
    pub id: String,
}

/// A built-in rule's code.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BuiltinRuleCode {
    IntrusionKeyArea,
    VideoTamper,
    ArmedPeriodMotion,
    AccessDoorForced,
    AccessFailedVerification,
    PatrolMiss,
    EmergencyAlarm,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct UnitRulePath {
    /// The unit's id.
    pub id: String,
    /// The built-in rule (`GET /api/v1/rules` lists them).
    #[param(value_type = BuiltinRuleCode)]
    pub rule: String,
}

/// List units in the caller's jurisdiction: live ones (在用, 停用) unless `state` asks for others
/// (400 `validation_failed` for an unknown `sort` or `state`).
#[utoipa::path(get, path = "/api/v1/units", tag = "units", params(UnitQuery), responses((status = 200, body = Listing<Unit>),
    (status = 400, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<UnitQuery>,
) -> ApiResult<Json<Listing<Unit>>> {
    let page = Page::checked(q.page, q.per_page)?;
    let filter = UnitFilter {
        q: q.q,
        division_prefix: q.division,
        is_key_unit: q.key_unit,
        kind: q.kind,
        state: StateFilter::parse(q.state.as_deref()).ok_or_else(|| {
            DomainError::with_message(
                ErrorCode::ValidationFailed,
                "state 应为 live、active、deactivated、closed 或 all",
            )
        })?,
        sort: Sort::checked(q.sort.as_deref())?,
    };
    Ok(Json(
        state.services.registry.units(&user.principal, &filter, page).await?,
    ))
}

/// Register a unit (police and administrators), inside the caller's jurisdiction.
///
/// Errors: `invalid_uscc`, `invalid_division_code`, `invalid_citizen_id`, `invalid_phone`,
/// `validation_failed` (400, also for a police station or department that does not exist or does
/// not cover the unit), `forbidden` (403, also outside the jurisdiction), `conflict` (409: USCC
/// already registered).
#[utoipa::path(post, path = "/api/v1/units", tag = "units", request_body = UnitInput,
    responses((status = 201, body = Unit),
        (status = 400, body = crate::error::ErrorBody, description = "数据不符合要求；行政区划代码不存在（invalid_division_code）"),
        (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(input): Json<UnitInput>,
) -> ApiResult<(StatusCode, Json<Unit>)> {
    let unit = state.services.registry.create_unit(&user.principal, input).await?;
    Ok((StatusCode::CREATED, Json(unit)))
}

/// One unit with its responsible persons (identity numbers and phones masked).
#[utoipa::path(get, path = "/api/v1/units/{id}", tag = "units", params(UnitPath), responses((status = 200, body = Unit)))]
pub async fn get(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> ApiResult<Json<Unit>> {
    Ok(Json(state.services.registry.unit(&user.principal, &id).await?))
}

/// Replace a unit's registry entry and its responsible persons (police and administrators),
/// sending the `version` read (docs/REGISTRY.md).
///
/// Errors: as `POST /api/v1/units`, `not_found` (404), `version_conflict` (409: changed by
/// someone else since it was read; nothing written), `invalid_transition` (409: closed).
#[utoipa::path(put, path = "/api/v1/units/{id}", tag = "units", params(UnitPath), request_body = UnitUpdate,
    responses((status = 200, body = Unit),
        (status = 400, body = crate::error::ErrorBody, description = "数据不符合要求；行政区划代码不存在（invalid_division_code）"),
        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody, description = "已被他人修改（version_conflict）；已注销（invalid_transition）；统一社会信用代码已登记（conflict）")))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<UnitUpdate>,
) -> ApiResult<Json<Unit>> {
    Ok(Json(
        state
            .services
            .registry
            .update_unit(&user.principal, &id, input.version, input.unit)
            .await?,
    ))
}

/// Key areas (重要部位) of a unit.
#[utoipa::path(get, path = "/api/v1/units/{id}/key_areas", tag = "units", params(UnitPath), responses((status = 200, body = Vec<KeyArea>)))]
pub async fn list_key_areas(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<KeyArea>>> {
    Ok(Json(state.services.registry.key_areas(&user.principal, &id).await?))
}

/// Add a key area to a unit (police, administrators, the unit's security manager); a closed
/// unit takes none (409 `invalid_transition`).
#[utoipa::path(post, path = "/api/v1/units/{id}/key_areas", tag = "units", params(UnitPath), request_body = KeyAreaInput,
    responses((status = 201, body = KeyArea), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn create_key_area(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<KeyAreaInput>,
) -> ApiResult<(StatusCode, Json<KeyArea>)> {
    let area = state
        .services
        .registry
        .create_key_area(&user.principal, &id, input)
        .await?;
    Ok((StatusCode::CREATED, Json(area)))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EffectiveRuleView {
    pub rule: String,
    pub title: String,
    pub description: String,
    pub enabled: bool,
    pub severity: String,
    #[schema(value_type = Object)]
    pub params: serde_json::Value,
}

/// Effective early-warning rules of a unit (built-in defaults with the unit's settings).
#[utoipa::path(get, path = "/api/v1/units/{id}/rules", tag = "rules", params(UnitPath), responses((status = 200, body = Vec<EffectiveRuleView>)))]
pub async fn list_rules(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<EffectiveRuleView>>> {
    let rules = state.services.registry.unit_rules(&user.principal, &id).await?;
    Ok(Json(
        rules
            .into_iter()
            .map(|r| EffectiveRuleView {
                rule: r.def.code.into(),
                title: r.def.title.into(),
                description: r.def.description.into(),
                enabled: r.enabled,
                severity: r.severity.code().into(),
                params: r.params,
            })
            .collect(),
    ))
}

/// Replace a unit's armed schedule (布防时段); `{"periods": []}` disarms it entirely (police,
/// administrators, the unit's security manager).
#[utoipa::path(put, path = "/api/v1/units/{id}/armed_schedule", tag = "rules", params(UnitPath), request_body = ArmedSchedule,
    responses((status = 204), (status = 403, body = crate::error::ErrorBody)))]
pub async fn set_armed_schedule(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(schedule): Json<ArmedSchedule>,
) -> ApiResult<StatusCode> {
    state
        .services
        .registry
        .set_armed_schedule(&user.principal, &id, &schedule)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Switch a built-in rule on or off for a unit, or change its parameters (police,
/// administrators, the unit's security manager).
#[utoipa::path(put, path = "/api/v1/units/{id}/rules/{rule}", tag = "rules", params(UnitRulePath), request_body = RuleInput,
    responses((status = 204), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody)))]
pub async fn set_rule(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, rule)): Path<(String, String)>,
    Json(input): Json<RuleInput>,
) -> ApiResult<StatusCode> {
    state
        .services
        .registry
        .set_rule(&user.principal, &id, &rule, input)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DivisionQuery {
    /// Parent code; omitted → provinces.
    pub parent: Option<String>,
}

/// Administrative divisions (GB/T 2260), children of `parent`, as far as they lie in the user's
/// jurisdiction or above it (a Hangzhou officer's provinces: 浙江省 alone); an installation-wide
/// account's is the division the installation serves (docs/SETUP.md).
#[utoipa::path(get, path = "/api/v1/divisions", tag = "registry", params(DivisionQuery), responses((status = 200, body = Vec<Division>)))]
pub async fn divisions(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<DivisionQuery>,
) -> ApiResult<Json<Vec<Division>>> {
    Ok(Json(
        state
            .services
            .registry
            .divisions(&user.principal, q.parent.as_deref())
            .await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrgQuery {
    /// `police_province`, `police_city`, `police_county`, `police_station` or `department`.
    pub kind: Option<String>,
    /// Division code prefix.
    pub division: Option<String>,
    /// `true`: closed (撤销) organisations too (default: open ones only).
    pub include_closed: Option<bool>,
}

/// Police organisations and competent departments.
#[utoipa::path(get, path = "/api/v1/organisations", tag = "registry", params(OrgQuery), responses((status = 200, body = Vec<Organisation>)))]
pub async fn organisations(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<OrgQuery>,
) -> ApiResult<Json<Vec<Organisation>>> {
    Ok(Json(
        state
            .services
            .registry
            .organisations(
                &user.principal,
                q.kind.as_deref(),
                q.division.as_deref(),
                q.include_closed.unwrap_or(false),
            )
            .await?,
    ))
}

/// The built-in early-warning rules with their defaults.
#[utoipa::path(get, path = "/api/v1/rules", tag = "rules", responses((status = 200, body = Vec<RuleDef>)))]
pub async fn rules(State(state): State<AppState>, _user: CurrentUser) -> Json<Vec<RuleDef>> {
    Json(state.services.registry.builtin_rules())
}

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/api/v1/divisions", routing::get(divisions))
        .route("/api/v1/organisations", routing::get(organisations))
        .route("/api/v1/rules", routing::get(rules))
        .route("/api/v1/units", routing::get(list).post(create))
        .route("/api/v1/units/{id}", routing::get(get).put(update))
        .route(
            "/api/v1/units/{id}/key_areas",
            routing::get(list_key_areas).post(create_key_area),
        )
        .route("/api/v1/units/{id}/rules", routing::get(list_rules))
        .route("/api/v1/units/{id}/armed_schedule", routing::put(set_armed_schedule))
        .route("/api/v1/units/{id}/rules/{rule}", routing::put(set_rule))
}

/// This capability's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    components(schemas(BuiltinRuleCode, UnitSortParam, UnitStateParam)),
    paths(
        divisions,
        organisations,
        rules,
        list,
        create,
        get,
        update,
        list_key_areas,
        create_key_area,
        list_rules,
        set_rule,
        set_armed_schedule
    )
)]
pub struct Doc;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule_code_schema_names_every_built_in_rule() {
        let codes: Vec<String> = neibao_engine::alerts::builtin::builtin_rules()
            .iter()
            .map(|d| d.code.to_string())
            .collect();
        let schema: Vec<String> = [
            BuiltinRuleCode::IntrusionKeyArea,
            BuiltinRuleCode::VideoTamper,
            BuiltinRuleCode::ArmedPeriodMotion,
            BuiltinRuleCode::AccessDoorForced,
            BuiltinRuleCode::AccessFailedVerification,
            BuiltinRuleCode::PatrolMiss,
            BuiltinRuleCode::EmergencyAlarm,
        ]
        .iter()
        .map(|c| serde_json::to_value(c).unwrap().as_str().unwrap().to_string())
        .collect();
        let (mut a, mut b) = (codes, schema);
        a.sort();
        b.sort();
        assert_eq!(a, b);
    }
}
