//! Units, key areas and per-unit rule settings.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::Utc;
use neibao_domain::scope::{Role, Scope};
use neibao_domain::unit::{key_unit_category_label, UnitKind};
use neibao_domain::validate::{CitizenId, DivisionCode, PhoneNumber, Uscc};
use neibao_engine::rules::{builtin_rules, effective_rules};
use neibao_store::model::*;
use serde::{Deserialize, Serialize};

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::AppState;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PersonInput {
    /// `principal` (主要负责人), `deputy` (分管负责人) or `security_head` (保卫负责人).
    pub role: PersonRole,
    pub name: String,
    /// GB 11643 citizen identity number; stored encrypted, returned masked.
    pub citizen_id: Option<String>,
    /// Mobile or landline; stored encrypted, returned masked.
    pub phone: Option<String>,
}

/// A unit to register (REQUIREMENTS.md R1, R4, R15).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct UnitInput {
    pub name: String,
    pub kind: UnitKind,
    #[serde(default)]
    pub is_university: bool,
    #[serde(default)]
    pub is_private_enterprise: bool,
    /// GB 32100 unified social credit code.
    pub uscc: String,
    #[serde(default)]
    pub address: String,
    /// GB/T 2260 division code (6 digits) or township code (9 digits).
    pub division_code: String,
    pub police_station_id: Option<String>,
    pub competent_department_id: Option<String>,
    #[serde(default)]
    pub is_key_unit: bool,
    /// Decree 421 Art 13 category 1–11; required when `is_key_unit`.
    pub key_unit_category: Option<u8>,
    #[serde(default)]
    pub is_counter_terror_target: bool,
    pub armed_schedule: Option<ArmedSchedule>,
    #[serde(default)]
    pub responsible_persons: Vec<PersonInput>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnitQuery {
    /// Name substring or exact USCC.
    pub q: Option<String>,
    /// Division code prefix, e.g. `3301`.
    pub division: Option<String>,
    pub key_unit: Option<bool>,
    pub kind: Option<UnitKind>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// Checks a free-text field: trimmed, at most `max` characters, no control characters.
pub fn text_field(value: &str, label: &str, max: usize, required: bool) -> ApiResult<String> {
    let v = value.trim();
    if required && v.is_empty() {
        return Err(ApiError::validation(format!("{label}不能为空")));
    }
    if v.chars().count() > max {
        return Err(ApiError::validation(format!("{label}不超过{max}字")));
    }
    if v.chars().any(|c| c.is_control() && c != '\n') {
        return Err(ApiError::validation(format!("{label}含有控制字符")));
    }
    Ok(v.to_string())
}

/// Validates the input into a [`NewUnit`] and checks that the caller may place a unit there:
/// inside their jurisdiction, with a police station of the unit's county and a competent
/// department whose division covers the unit (REQUIREMENTS.md R2: supervision by territory).
pub async fn validate_unit(state: &AppState, user: &CurrentUser, input: UnitInput) -> ApiResult<NewUnit> {
    let unit = validate_unit_fields(user, input)?;
    let outside = || ApiError::msg(neibao_domain::error::ErrorCode::Forbidden, "只能登记本辖区内的单位");
    let county = &unit.division_code.as_str()[..6];
    if let Scope::Station { org_id } = &user.scope {
        let station = state.store.get_organisation(org_id).await?;
        if !unit
            .division_code
            .as_str()
            .starts_with(&station.division_code[..6.min(station.division_code.len())])
        {
            return Err(outside());
        }
    }
    if let Some(id) = &unit.police_station_id {
        let station = state
            .store
            .get_organisation(id)
            .await
            .map_err(|_| ApiError::validation("派出所不存在"))?;
        if station.kind != "police_station" {
            return Err(ApiError::validation("派出所不存在"));
        }
        if !station.division_code.starts_with(county) {
            return Err(ApiError::validation(format!(
                "「{}」不管辖该单位所在的县（市、区）",
                station.name
            )));
        }
        if let Scope::Division { prefix } = &user.scope {
            if !station.division_code.starts_with(prefix.as_str()) {
                return Err(outside());
            }
        }
    }
    if let Some(id) = &unit.competent_department_id {
        let dept = state
            .store
            .get_organisation(id)
            .await
            .map_err(|_| ApiError::validation("行业主管部门不存在"))?;
        let covers = DivisionCode::parse(&dept.division_code)
            .map(|d| unit.division_code.as_str().starts_with(d.scope_prefix()))
            .unwrap_or(false);
        if dept.kind != "department" || !covers {
            return Err(ApiError::validation("行业主管部门不存在或不管辖该单位所在地"));
        }
    }
    Ok(unit)
}

fn validate_unit_fields(user: &CurrentUser, input: UnitInput) -> ApiResult<NewUnit> {
    let name = text_field(&input.name, "单位名称", 200, true)?;
    if input.responsible_persons.len() > 10 {
        return Err(ApiError::validation("责任人不超过10名"));
    }
    let uscc = Uscc::parse(&input.uscc)?;
    let division_code = DivisionCode::parse(&input.division_code)?;
    if input.is_key_unit {
        match input.key_unit_category {
            Some(c) if key_unit_category_label(c).is_some() => {}
            _ => {
                return Err(ApiError::validation(
                    "治安保卫重点单位须选择《条例》第十三条规定的类别（1–11）",
                ))
            }
        }
    } else if input.key_unit_category.is_some() {
        return Err(ApiError::validation("非重点单位不应填写重点单位类别"));
    }
    if let Some(s) = &input.armed_schedule {
        neibao_engine::schedule::validate(s).map_err(ApiError::validation)?;
    }
    let today = Utc::now().with_timezone(&chrono_tz::Asia::Shanghai).date_naive();
    let mut persons = Vec::new();
    for p in input.responsible_persons {
        let pname = text_field(&p.name, "负责人姓名", 50, true)?;
        persons.push(NewResponsiblePerson {
            role: p.role,
            name: pname,
            citizen_id: p
                .citizen_id
                .as_deref()
                .filter(|s| !s.trim().is_empty())
                .map(|s| CitizenId::parse(s, today))
                .transpose()?,
            phone: p
                .phone
                .as_deref()
                .filter(|s| !s.trim().is_empty())
                .map(PhoneNumber::parse)
                .transpose()?,
        });
    }
    let mut unit = NewUnit {
        name,
        kind: input.kind,
        is_university: input.is_university,
        is_private_enterprise: input.is_private_enterprise,
        uscc,
        address: text_field(&input.address, "地址", 200, false)?,
        division_code,
        police_station_id: input.police_station_id.filter(|s| !s.is_empty()),
        competent_department_id: input.competent_department_id.filter(|s| !s.is_empty()),
        is_key_unit: input.is_key_unit,
        key_unit_category: input.key_unit_category,
        is_counter_terror_target: input.is_counter_terror_target,
        armed_schedule: input.armed_schedule,
        responsible_persons: persons,
    };
    // Where may the caller put it? Inside their own jurisdiction only.
    match &user.scope {
        Scope::All => {}
        Scope::Division { prefix } if unit.division_code.as_str().starts_with(prefix.as_str()) => {}
        Scope::Station { org_id } => unit.police_station_id = Some(org_id.clone()),
        _ => {
            return Err(ApiError::msg(
                neibao_domain::error::ErrorCode::Forbidden,
                "只能登记本辖区内的单位",
            ))
        }
    }
    Ok(unit)
}

/// List units in the caller's jurisdiction.
#[utoipa::path(get, path = "/api/v1/units", tag = "units", params(UnitQuery), responses((status = 200, body = Listing<Unit>)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<UnitQuery>,
) -> ApiResult<Json<Listing<Unit>>> {
    let filter = UnitFilter {
        q: q.q,
        division_prefix: q.division,
        is_key_unit: q.key_unit,
        kind: q.kind,
    };
    Ok(Json(
        state
            .store
            .list_units(&user.scope, &filter, Page::new(q.page, q.per_page))
            .await?,
    ))
}

/// Register a unit (police and administrators).
#[utoipa::path(post, path = "/api/v1/units", tag = "units", request_body = UnitInput,
    responses((status = 201, body = Unit), (status = 400, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(input): Json<UnitInput>,
) -> ApiResult<(StatusCode, Json<Unit>)> {
    user.require(user.user.role.may_register_units())?;
    let unit = validate_unit(&state, &user, input).await?;
    Ok((
        StatusCode::CREATED,
        Json(state.store.create_unit(unit, Utc::now()).await?),
    ))
}

/// One unit with its responsible persons (identity numbers and phones masked).
#[utoipa::path(get, path = "/api/v1/units/{id}", tag = "units", responses((status = 200, body = Unit), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> ApiResult<Json<Unit>> {
    Ok(Json(state.store.get_unit(&user.scope, &id).await?))
}

/// Replace a unit's registry entry (police and administrators).
#[utoipa::path(put, path = "/api/v1/units/{id}", tag = "units", request_body = UnitInput,
    responses((status = 200, body = Unit), (status = 400, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<UnitInput>,
) -> ApiResult<Json<Unit>> {
    state.store.get_unit(&user.scope, &id).await?;
    user.require(user.user.role.may_register_units())?;
    let unit = validate_unit(&state, &user, input).await?;
    let unit = state.store.update_unit(&user.scope, &id, unit, Utc::now()).await?;
    // Devices carry their unit's schedule and division: resolve their tokens afresh.
    state.ingest_tokens.forget_all();
    Ok(Json(unit))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct KeyAreaInput {
    pub name: String,
    #[serde(default)]
    pub description: String,
}

/// Key areas (重要部位) of a unit.
#[utoipa::path(get, path = "/api/v1/units/{id}/key_areas", tag = "units", responses((status = 200, body = Vec<KeyArea>)))]
pub async fn list_key_areas(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<KeyArea>>> {
    state.store.get_unit(&user.scope, &id).await?;
    Ok(Json(state.store.list_key_areas(&user.scope, &id).await?))
}

/// Add a key area to a unit (police, administrators, the unit's security manager).
#[utoipa::path(post, path = "/api/v1/units/{id}/key_areas", tag = "units", request_body = KeyAreaInput,
    responses((status = 201, body = KeyArea), (status = 404, body = crate::error::ErrorBody)))]
pub async fn create_key_area(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<KeyAreaInput>,
) -> ApiResult<(StatusCode, Json<KeyArea>)> {
    state.store.get_unit(&user.scope, &id).await?;
    user.require(user.user.role.may_manage_devices())?;
    let name = text_field(&input.name, "重要部位名称", 100, true)?;
    let description = text_field(&input.description, "重要部位说明", 500, false)?;
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .store
                .create_key_area(&user.scope, &id, &name, &description, Utc::now())
                .await?,
        ),
    ))
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
#[utoipa::path(get, path = "/api/v1/units/{id}/rules", tag = "rules", responses((status = 200, body = Vec<EffectiveRuleView>)))]
pub async fn list_rules(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<EffectiveRuleView>>> {
    state.store.get_unit(&user.scope, &id).await?;
    let rules = effective_rules(&state.store.rule_settings(&id).await?);
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

/// Replace a unit's armed schedule (布防时段); `{"periods": []}` disarms it entirely.
#[utoipa::path(put, path = "/api/v1/units/{id}/armed_schedule", tag = "rules", request_body = ArmedSchedule,
    responses((status = 204), (status = 400, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn set_armed_schedule(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(schedule): Json<ArmedSchedule>,
) -> ApiResult<StatusCode> {
    save_armed_schedule(&state, &user, &id, &schedule).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Checks permission and validity, then stores the schedule.
pub async fn save_armed_schedule(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    schedule: &ArmedSchedule,
) -> ApiResult<()> {
    state.store.get_unit(&user.scope, id).await?;
    user.require(may_configure_rules(user))?;
    neibao_engine::schedule::validate(schedule).map_err(ApiError::validation)?;
    state
        .store
        .set_armed_schedule(&user.scope, id, Some(schedule), Utc::now())
        .await?;
    // Devices carry their unit's schedule: resolve their tokens afresh.
    state.ingest_tokens.forget_all();
    Ok(())
}

/// Police, administrators and the unit's security manager may tune rules and schedules.
pub fn may_configure_rules(user: &CurrentUser) -> bool {
    user.user.role.may_manage_devices() && user.user.role != Role::Guard
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RuleInput {
    pub enabled: bool,
    /// Rule parameters, e.g. `{"threshold": 5, "window_seconds": 120, "severity": "high"}`.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub params: serde_json::Value,
}

/// Switch a built-in rule on or off for a unit, or change its parameters.
#[utoipa::path(put, path = "/api/v1/units/{id}/rules/{rule}", tag = "rules", request_body = RuleInput,
    responses((status = 204), (status = 400, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn set_rule(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, rule)): Path<(String, String)>,
    Json(input): Json<RuleInput>,
) -> ApiResult<StatusCode> {
    save_rule(&state, &user, &id, rule, input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Checks permission and parameters, then stores a rule setting.
pub async fn save_rule(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    rule: String,
    input: RuleInput,
) -> ApiResult<()> {
    state.store.get_unit(&user.scope, id).await?;
    user.require(may_configure_rules(user))?;
    let Some(def) = builtin_rules().into_iter().find(|d| d.code == rule) else {
        return Err(ApiError::validation("没有这条预警规则"));
    };
    let params = if input.params.is_null() {
        def.default_params.clone()
    } else {
        input.params
    };
    if !params.is_object() {
        return Err(ApiError::validation("规则参数应为 JSON 对象"));
    }
    if let Some(sev) = params.get("severity") {
        if sev
            .as_str()
            .and_then(neibao_domain::alert::Severity::from_code)
            .is_none()
        {
            return Err(ApiError::validation("severity 应为 low、medium、high 或 critical"));
        }
    }
    for key in ["threshold", "window_seconds"] {
        if let Some(v) = params.get(key) {
            if !v.as_i64().is_some_and(|n| (1..=86_400).contains(&n)) {
                return Err(ApiError::validation(format!("{key} 应为 1 至 86400 之间的整数")));
            }
        }
    }
    state
        .store
        .set_rule_setting(
            &user.scope,
            id,
            &RuleSetting {
                rule,
                enabled: input.enabled,
                params,
            },
        )
        .await?;
    state.pipeline.forget_rules(id);
    Ok(())
}
