//! Pages of the registry: units, their key areas, armed schedules and built-in rule settings.

use super::kit::{error_page, render, UiUser};
use super::views::{total_label, AlertView, DeviceView, Nav, Pager};
use crate::api::units::{validate_unit, PersonInput, UnitInput};
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::Utc;
use neibao_domain::access::{Permission, Scope};
use neibao_domain::alerts::AlertFilter;
use neibao_domain::devices::{DeviceFilter, DEVICE_KINDS};
use neibao_domain::paging::{Listing, Page};
use neibao_domain::registry::{
    key_unit_category_label, KeyArea, Organisation, PersonRole, RevealedPerson, Unit, UnitFilter, UnitKind,
    KEY_UNIT_CATEGORIES,
};
use neibao_domain::validate::DivisionCode;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct UnitsQuery {
    #[serde(default)]
    q: String,
    /// A division code (6 or 9 digits) or a prefix.
    #[serde(default)]
    division: String,
    #[serde(default)]
    key_unit: String,
    page: Option<u32>,
}

#[derive(Template)]
#[template(path = "registry/units.html")]
struct UnitsPage {
    nav: Nav,
    total: String,
    list: Listing<Unit>,
    q: String,
    division: String,
    key_unit: String,
    may_register: bool,
    /// Police and administrators: the look-up by ID number.
    may_lookup: bool,
    pager: Pager,
}

pub async fn units(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<UnitsQuery>) -> Response {
    let prefix = match DivisionCode::parse(&q.division) {
        Ok(code) => Some(code.scope_prefix().to_string()),
        Err(_) => {
            Some(q.division.trim().to_string()).filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        }
    };
    let filter = UnitFilter {
        q: Some(q.q.clone()),
        division_prefix: prefix,
        is_key_unit: q.key_unit.parse().ok(),
        kind: None,
    };
    let page = Page::new(q.page, Some(50));
    match state.store.list_units(&u.scope, &filter, page).await {
        Ok(list) => {
            let pager = Pager::new(
                "/units",
                &[
                    ("q", q.q.clone()),
                    ("division", q.division.clone()),
                    ("key_unit", q.key_unit.clone()),
                ],
                page.page,
                page.per_page,
                list.total,
            );
            render(&UnitsPage {
                total: total_label(&list),
                nav: Nav::new(&u),
                may_register: u.principal.can(Permission::UnitRegister),
                may_lookup: u.is_police_or_admin(),
                list,
                q: q.q,
                division: q.division,
                key_unit: q.key_unit,
                pager,
            })
        }
        Err(e) => error_page(&u, e.into()),
    }
}

#[derive(Default)]
struct UnitFormValues {
    name: String,
    uscc: String,
    address: String,
    division_code: String,
    head_name: String,
}

#[derive(Template)]
#[template(path = "registry/unit_new.html")]
struct NewUnitPage {
    nav: Nav,
    error: Option<String>,
    f: UnitFormValues,
    /// Police stations grouped by county (district), labelled with the county bureau's name.
    station_groups: Vec<(String, Vec<Organisation>)>,
    categories: Vec<(u8, &'static str)>,
}

async fn new_unit_page(state: &AppState, u: &CurrentUser, error: Option<String>, f: UnitFormValues) -> Response {
    let prefix = match &u.scope {
        Scope::Division { prefix } => Some(prefix.as_str()),
        _ => None,
    };
    let stations = match &u.scope {
        Scope::Station { org_id } => state
            .store
            .get_organisation(org_id)
            .await
            .map(|o| vec![o])
            .unwrap_or_default(),
        _ => state
            .store
            .list_organisations(Some("police_station"), prefix)
            .await
            .unwrap_or_default(),
    };
    let bureaus = state
        .store
        .list_organisations(Some("police_county"), prefix)
        .await
        .unwrap_or_default();
    let mut station_groups: Vec<(String, Vec<Organisation>)> = Vec::new();
    for s in stations {
        let county = s.division_code.get(..6).unwrap_or("").to_string();
        let label = bureaus
            .iter()
            .find(|b| b.division_code == county)
            .map(|b| b.name.clone())
            .unwrap_or(county);
        match station_groups.last_mut() {
            Some((l, v)) if *l == label => v.push(s),
            _ => station_groups.push((label, vec![s])),
        }
    }
    render(&NewUnitPage {
        nav: Nav::new(u),
        error,
        f,
        station_groups,
        categories: KEY_UNIT_CATEGORIES.to_vec(),
    })
}

pub async fn new_unit(State(state): State<AppState>, UiUser(u): UiUser) -> Response {
    if !u.principal.can(Permission::UnitRegister) {
        return error_page(&u, ApiError::forbidden());
    }
    new_unit_page(&state, &u, None, UnitFormValues::default()).await
}

#[derive(Deserialize)]
pub struct UnitForm {
    #[serde(default)]
    csrf_token: String,
    name: String,
    kind: String,
    #[serde(default)]
    is_university: Option<String>,
    #[serde(default)]
    is_private_enterprise: Option<String>,
    uscc: String,
    #[serde(default)]
    address: String,
    division_code: String,
    #[serde(default)]
    police_station_id: String,
    #[serde(default)]
    is_key_unit: Option<String>,
    #[serde(default)]
    key_unit_category: String,
    #[serde(default)]
    is_counter_terror_target: Option<String>,
    #[serde(default)]
    head_name: String,
    #[serde(default)]
    head_citizen_id: String,
    #[serde(default)]
    head_phone: String,
}

pub async fn create_unit(State(state): State<AppState>, UiUser(u): UiUser, Form(f): Form<UnitForm>) -> Response {
    if let Err(e) = u.check_form_csrf(&f.csrf_token) {
        return error_page(&u, e);
    }
    if !u.principal.can(Permission::UnitRegister) {
        return error_page(&u, ApiError::forbidden());
    }
    let values = UnitFormValues {
        name: f.name.clone(),
        uscc: f.uscc.clone(),
        address: f.address.clone(),
        division_code: f.division_code.clone(),
        head_name: f.head_name.clone(),
    };
    let mut persons = Vec::new();
    if !f.head_name.trim().is_empty() {
        persons.push(PersonInput {
            role: PersonRole::SecurityHead,
            name: f.head_name,
            citizen_id: Some(f.head_citizen_id),
            phone: Some(f.head_phone),
        });
    }
    let input = UnitInput {
        name: f.name,
        kind: UnitKind::from_code(&f.kind).unwrap_or(UnitKind::Enterprise),
        is_university: f.is_university.is_some(),
        is_private_enterprise: f.is_private_enterprise.is_some(),
        uscc: f.uscc,
        address: f.address,
        division_code: f.division_code,
        police_station_id: Some(f.police_station_id),
        competent_department_id: None,
        is_key_unit: f.is_key_unit.is_some(),
        key_unit_category: f.key_unit_category.parse().ok(),
        is_counter_terror_target: f.is_counter_terror_target.is_some(),
        armed_schedule: None,
        responsible_persons: persons,
    };
    let result = match validate_unit(&state, &u, input).await {
        Ok(unit) => state.store.create_unit(unit, Utc::now()).await.map_err(ApiError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(unit) => Redirect::to(&format!("/units/{}", unit.id)).into_response(),
        Err(e) => new_unit_page(&state, &u, Some(e.message), values).await,
    }
}

#[derive(Template)]
#[template(path = "registry/unit.html")]
struct UnitPage {
    nav: Nav,
    u: Unit,
    key_category: String,
    schedule: String,
    key_areas: Vec<KeyArea>,
    devices: Vec<DeviceView>,
    alerts: Vec<AlertView>,
    may_manage: bool,
    device_kinds: Vec<(&'static str, &'static str)>,
    /// Every ingest format: (code, zh-CN label).
    device_formats: Vec<(&'static str, &'static str)>,
    new_token: Option<String>,
    rules: Vec<RuleRow>,
    severities: Vec<(&'static str, &'static str)>,
    schedule_text: String,
    may_configure: bool,
    persons: Vec<PersonRow>,
    /// Police, administrators and the unit's manager: the purpose-logged read of a person.
    may_reveal: bool,
    reveal_error: Option<String>,
    /// A person's fields were just shown unmasked (and the read audited).
    revealed: bool,
    /// 诚信等级 (supervision credit), when it could be read.
    credit: Option<super::supervision::CreditBox>,
    /// Police, departments and the unit manager: 开始检查.
    may_inspect: bool,
}

/// A responsible person as the unit page shows it: masked, or unmasked right after a
/// purpose-logged read.
struct PersonRow {
    id: String,
    role: &'static str,
    name: String,
    citizen_id: String,
    phone: String,
    revealed: bool,
}

/// What the unit page shows besides the unit itself.
#[derive(Default)]
pub(super) struct UnitExtras {
    /// A new device's ingest path, shown once.
    pub new_token: Option<String>,
    /// A person's plaintext fields after an audited read with a purpose.
    pub revealed: Option<RevealedPerson>,
    /// Why a read was refused (a missing or bad purpose).
    pub reveal_error: Option<String>,
}

/// One built-in rule as the unit page shows it.
struct RuleRow {
    code: &'static str,
    title: &'static str,
    description: &'static str,
    enabled: bool,
    severity: &'static str,
    severity_label: &'static str,
    threshold: Option<i64>,
    window_seconds: Option<i64>,
}

#[derive(Deserialize, Default)]
pub struct UnitPageQuery {
    /// Shown once after a device was created from this page.
    ingest: Option<String>,
}

pub async fn unit(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    Query(q): Query<UnitPageQuery>,
) -> Response {
    let extras = UnitExtras {
        new_token: q.ingest.filter(|t| t.starts_with("/ingest/")),
        ..Default::default()
    };
    unit_page(&state, &u, &id, extras).await
}

/// Renders the unit page for `u`.
pub(super) async fn unit_page(state: &AppState, u: &CurrentUser, id: &str, extras: UnitExtras) -> Response {
    let id = id.to_string();
    let now = Utc::now();
    let loaded = async {
        let unit = state.store.get_unit(&u.scope, &id).await?;
        let key_areas = state.store.list_key_areas(&u.scope, &id).await?;
        let devices = state
            .store
            .list_devices(
                &u.scope,
                &DeviceFilter {
                    unit_id: Some(id.clone()),
                    online: None,
                },
                Page::new(Some(1), Some(200)),
                now,
            )
            .await?;
        let alerts = state
            .store
            .list_alerts(
                &u.scope,
                &AlertFilter {
                    unit_id: Some(id.clone()),
                    ..Default::default()
                },
                Page::new(Some(1), Some(20)),
            )
            .await?;
        let settings = state.store.rule_settings(&id).await?;
        Ok::<_, neibao_store::StoreError>((unit, key_areas, devices, alerts, settings))
    }
    .await;
    match loaded {
        Ok((unit, key_areas, devices, alerts, settings)) => {
            let credit = super::supervision::credit_box(state, u, &id).await;
            let rules = neibao_engine::alerts::builtin::effective_rules(&settings)
                .into_iter()
                .map(|r| RuleRow {
                    threshold: r.def.default_params.get("threshold").map(|_| r.param_i64("threshold")),
                    window_seconds: r
                        .def
                        .default_params
                        .get("window_seconds")
                        .map(|_| r.param_i64("window_seconds")),
                    code: r.def.code,
                    title: r.def.title,
                    description: r.def.description,
                    enabled: r.enabled,
                    severity: r.severity.code(),
                    severity_label: r.severity.label_zh(),
                })
                .collect();
            let schedule_text = unit
                .armed_schedule
                .as_ref()
                .map(neibao_engine::warning::schedule::to_text)
                .unwrap_or_default();
            let key_category = unit
                .key_unit_category
                .and_then(key_unit_category_label)
                .unwrap_or("")
                .to_string();
            let schedule = match &unit.armed_schedule {
                Some(s) if !s.periods.is_empty() => s
                    .periods
                    .iter()
                    .map(|p| {
                        let days: Vec<String> = p
                            .weekdays
                            .iter()
                            .map(|d| {
                                ["一", "二", "三", "四", "五", "六", "日"]
                                    .get(*d as usize - 1)
                                    .copied()
                                    .unwrap_or("?")
                                    .to_string()
                            })
                            .collect();
                        if p.start == p.end {
                            format!("周{} 全天", days.join("、"))
                        } else {
                            format!("周{} {}–{}", days.join("、"), p.start, p.end)
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("；"),
                _ => "未设置".into(),
            };
            let revealed = extras.revealed.filter(|p| p.unit_id == unit.id);
            let persons = unit
                .responsible_persons
                .iter()
                .map(|p| match revealed.as_ref().filter(|r| r.person_id == p.id) {
                    Some(r) => PersonRow {
                        id: p.id.clone(),
                        role: p.role.label_zh(),
                        name: r.name.clone(),
                        citizen_id: r.citizen_id.clone().unwrap_or_default(),
                        phone: r.phone.clone().unwrap_or_default(),
                        revealed: true,
                    },
                    None => PersonRow {
                        id: p.id.clone(),
                        role: p.role.label_zh(),
                        name: p.name.clone(),
                        citizen_id: p.citizen_id.as_ref().map(|c| c.masked()).unwrap_or_default(),
                        phone: p.phone.as_ref().map(|c| c.masked()).unwrap_or_default(),
                        revealed: false,
                    },
                })
                .collect();
            let status = if extras.reveal_error.is_some() {
                axum::http::StatusCode::BAD_REQUEST
            } else {
                axum::http::StatusCode::OK
            };
            let page = render(&UnitPage {
                nav: Nav::new(u),
                may_manage: u.principal.can(Permission::DeviceManage),
                key_category,
                schedule,
                key_areas,
                devices: devices.items.iter().map(DeviceView::from).collect(),
                alerts: alerts.items.iter().map(AlertView::from).collect(),
                device_kinds: DEVICE_KINDS.to_vec(),
                device_formats: neibao_domain::devices::DeviceFormat::ALL
                    .iter()
                    .map(|f| (f.code(), f.label_zh()))
                    .collect(),
                new_token: extras.new_token,
                rules,
                severities: neibao_domain::alerts::Severity::ALL
                    .iter()
                    .map(|s| (s.code(), s.label_zh()))
                    .collect(),
                schedule_text,
                may_configure: crate::api::units::may_configure_rules(u),
                persons,
                may_reveal: u.principal.can(Permission::PersonReveal),
                reveal_error: extras.reveal_error,
                revealed: revealed.is_some(),
                credit,
                may_inspect: u.principal.can(neibao_domain::access::Permission::Inspect),
                u: unit,
            });
            if revealed.is_some() {
                super::form::no_store(page)
            } else {
                super::form::with_status(page, status)
            }
        }
        Err(e) => error_page(u, e.into()),
    }
}

#[derive(Deserialize)]
pub struct KeyAreaForm {
    #[serde(default)]
    csrf_token: String,
    name: String,
    #[serde(default)]
    description: String,
}

pub async fn create_key_area(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    Form(f): Form<KeyAreaForm>,
) -> Response {
    let r = async {
        u.check_form_csrf(&f.csrf_token)?;
        u.principal.require(Permission::DeviceManage)?;
        let name = crate::api::units::text_field(&f.name, "重要部位名称", 100, true)?;
        let description = crate::api::units::text_field(&f.description, "重要部位说明", 500, false)?;
        state
            .store
            .create_key_area(&u.scope, &id, &name, &description, Utc::now())
            .await?;
        Ok(())
    }
    .await;
    match r {
        Ok(()) => Redirect::to(&format!("/units/{id}")).into_response(),
        Err(e) => error_page(&u, e),
    }
}

#[derive(Deserialize)]
pub struct ScheduleForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    schedule: String,
}

pub async fn set_schedule(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    Form(f): Form<ScheduleForm>,
) -> Response {
    let r = async {
        u.check_form_csrf(&f.csrf_token)?;
        let schedule = neibao_engine::warning::schedule::parse_text(&f.schedule).map_err(ApiError::validation)?;
        crate::api::units::save_armed_schedule(&state, &u, &id, &schedule).await
    }
    .await;
    match r {
        Ok(()) => Redirect::to(&format!("/units/{id}")).into_response(),
        Err(e) => error_page(&u, e),
    }
}

#[derive(Deserialize)]
pub struct RuleForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    enabled: Option<String>,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    threshold: Option<String>,
    #[serde(default)]
    window_seconds: Option<String>,
}

pub async fn set_rule(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path((id, rule)): Path<(String, String)>,
    Form(f): Form<RuleForm>,
) -> Response {
    let r = async {
        u.check_form_csrf(&f.csrf_token)?;
        let mut params = serde_json::Map::new();
        params.insert("severity".into(), f.severity.clone().into());
        for (key, value) in [("threshold", &f.threshold), ("window_seconds", &f.window_seconds)] {
            if let Some(v) = value.as_deref().filter(|v| !v.trim().is_empty()) {
                let n: i64 = v
                    .trim()
                    .parse()
                    .map_err(|_| ApiError::validation("阈值和时间窗口应为整数"))?;
                params.insert(key.into(), n.into());
            }
        }
        let input = crate::api::units::RuleInput {
            enabled: f.enabled.is_some(),
            params: params.into(),
        };
        crate::api::units::save_rule(&state, &u, &id, rule, input).await
    }
    .await;
    match r {
        Ok(()) => Redirect::to(&format!("/units/{id}")).into_response(),
        Err(e) => error_page(&u, e),
    }
}

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/units", routing::get(units).post(create_unit))
        .route("/units/new", routing::get(new_unit))
        .route("/units/{id}", routing::get(unit))
        .route("/units/{id}/key_areas", routing::post(create_key_area))
        .route("/units/{id}/schedule", routing::post(set_schedule))
        .route("/units/{id}/rules/{rule}", routing::post(set_rule))
}
