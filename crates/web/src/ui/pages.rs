//! UI page handlers. Each one: read the session user, call the store with the user's scope,
//! render a template. Form posts check the CSRF field and redirect (post/redirect/get).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::Utc;
use neibao_domain::access::Permission;
use neibao_domain::access::Scope;
use neibao_domain::alerts::AlertFilter;
use neibao_domain::alerts::{AlertAction, AlertStatus};
use neibao_domain::dashboard::Dashboard;
use neibao_domain::devices::DeviceFilter;
use neibao_domain::devices::{DeviceFormat, DEVICE_KINDS};
use neibao_domain::events::EventFilter;
use neibao_domain::ids::token_hash;
use neibao_domain::paging::{Listing, Page};
use neibao_domain::registry::{key_unit_category_label, UnitKind, KEY_UNIT_CATEGORIES};
use neibao_domain::registry::{KeyArea, Organisation, PersonRole, RevealedPerson, Unit, UnitFilter};
use neibao_domain::validate::DivisionCode;
use serde::Deserialize;

use super::kit::{error_page, render, UiUser};
use super::views::{AlertView, DeviceView, EventView, Nav, Pager};
use crate::api::session::{clear_cookie, open_session, session_cookie};
use crate::api::units::{validate_unit, PersonInput, UnitInput};
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    error: Option<String>,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct LoginQuery {
    /// Set after a password change (which ends every session).
    #[serde(default)]
    changed: String,
}

pub async fn login_form(Query(q): Query<LoginQuery>) -> Response {
    render(&LoginPage {
        error: None,
        notice: (!q.changed.is_empty()).then(|| "密码已修改，请使用新密码重新登录".to_string()),
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    otp: String,
}

pub async fn login(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    match open_session(&state, &f.username, &f.password, Some(&f.otp)).await {
        Ok(opened) => {
            // Rotation: the browser's previous session ends.
            if let Some(old) = crate::extract::cookie::cookie_token(&headers) {
                let _ = state.store.delete_session(&neibao_domain::ids::token_hash(&old)).await;
            }
            let to = if opened.must_enroll { "/account/totp" } else { "/" };
            let mut resp = Redirect::to(to).into_response();
            resp.headers_mut()
                .insert(header::SET_COOKIE, session_cookie(&state, &opened.token));
            resp
        }
        Err(e) => (
            axum::http::StatusCode::from_u16(e.code.http_status()).unwrap_or(axum::http::StatusCode::UNAUTHORIZED),
            render(&LoginPage {
                error: Some(e.message),
                notice: None,
            }),
        )
            .into_response(),
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    comment: String,
}

pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    UiUser(u): UiUser,
    Form(f): Form<CsrfForm>,
) -> Response {
    // A forged logout (another site posting here) is refused like any other form.
    if let Err(e) = u.check_form_csrf(&f.csrf_token) {
        return error_page(&u, e);
    }
    if let Some(t) = crate::extract::cookie::cookie_token(&headers) {
        let _ = state.store.delete_session(&token_hash(&t)).await;
    }
    let mut resp = Redirect::to("/login").into_response();
    resp.headers_mut().insert(header::SET_COOKIE, clear_cookie());
    resp
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    nav: Nav,
    scope_label: String,
    d: Dashboard,
}

pub async fn dashboard(State(state): State<AppState>, UiUser(u): UiUser) -> Response {
    match state.services.dashboard.get(&u.principal).await {
        Ok(d) => {
            let scope_label = match (&u.scope, &u.user.org_name, &u.user.unit_name) {
                (Scope::All, _, _) => "全部辖区概览".to_string(),
                (_, Some(o), _) => format!("{o} 辖区概览"),
                (_, _, Some(n)) => format!("{n} 概览"),
                _ => "概览".to_string(),
            };
            let mut nav = Nav::new(&u);
            nav.watch_alerts = true;
            render(&DashboardPage { nav, scope_label, d })
        }
        Err(e) => error_page(&u, e.into()),
    }
}

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
#[template(path = "units.html")]
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
#[template(path = "unit_new.html")]
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
#[template(path = "unit.html")]
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
                may_reveal: crate::api::security::may_reveal(u),
                reveal_error: extras.reveal_error,
                revealed: revealed.is_some(),
                credit,
                may_inspect: super::supervision::may_inspect(u),
                u: unit,
            });
            if revealed.is_some() {
                super::security::no_store(page)
            } else {
                super::security::with_status(page, status)
            }
        }
        Err(e) => error_page(u, e.into()),
    }
}

/// Who may read a responsible person's fields unmasked (the API's rule, `reveal_person`).

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
pub struct DeviceForm {
    #[serde(default)]
    csrf_token: String,
    unit_id: String,
    name: String,
    kind: String,
    format: String,
    #[serde(default)]
    key_area_id: String,
    #[serde(default)]
    serial: String,
}

pub async fn create_device(State(state): State<AppState>, UiUser(u): UiUser, Form(f): Form<DeviceForm>) -> Response {
    let unit_id = f.unit_id.clone();
    let r = async {
        u.check_form_csrf(&f.csrf_token)?;
        state.store.get_unit(&u.scope, &f.unit_id).await?;
        u.principal.require(Permission::DeviceManage)?;
        let format = DeviceFormat::from_code(&f.format).ok_or_else(|| ApiError::validation("未知的接入格式"))?;
        let input = crate::api::devices::DeviceInput {
            unit_id: f.unit_id,
            key_area_id: Some(f.key_area_id),
            format,
            kind: Some(f.kind),
            name: f.name,
            serial: f.serial,
            channel_map: Default::default(),
        };
        let (device, token) = crate::api::devices::validate_device(input)?;
        state.store.create_device(&u.scope, device, Utc::now()).await?;
        Ok(format!("/ingest/{}/{token}", format.ingest_path()))
    }
    .await;
    match r {
        Ok(path) => Redirect::to(&format!(
            "/units/{unit_id}?{}",
            serde_urlencoded::to_string([("ingest", path)]).unwrap_or_default()
        ))
        .into_response(),
        Err(e) => error_page(&u, e),
    }
}

#[derive(Deserialize, Default)]
pub struct DevicesQuery {
    #[serde(default)]
    online: String,
    page: Option<u32>,
}

#[derive(Template)]
#[template(path = "devices.html")]
struct DevicesPage {
    nav: Nav,
    devices: Vec<DeviceView>,
    total: String,
    online: String,
    pager: Pager,
}

pub async fn devices(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<DevicesQuery>) -> Response {
    let page = Page::new(q.page, Some(50));
    match state
        .store
        .list_devices(
            &u.scope,
            &DeviceFilter {
                unit_id: None,
                online: q.online.parse().ok(),
            },
            page,
            Utc::now(),
        )
        .await
    {
        Ok(list) => render(&DevicesPage {
            nav: Nav::new(&u),
            devices: list.items.iter().map(DeviceView::from).collect(),
            total: total_label(&list),
            pager: Pager::new(
                "/devices",
                &[("online", q.online.clone())],
                page.page,
                page.per_page,
                list.total,
            ),
            online: q.online,
        }),
        Err(e) => error_page(&u, e.into()),
    }
}

#[derive(Deserialize, Default)]
pub struct AlertsQuery {
    #[serde(default)]
    status: String,
    page: Option<u32>,
}

#[derive(Template)]
#[template(path = "alerts.html")]
struct AlertsPage {
    nav: Nav,
    alerts: Vec<AlertView>,
    total: String,
    status: String,
    statuses: Vec<(&'static str, &'static str)>,
    pager: Pager,
}

pub async fn alerts(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<AlertsQuery>) -> Response {
    let page = Page::new(q.page, Some(50));
    let filter = AlertFilter {
        status: AlertStatus::from_code(&q.status),
        ..Default::default()
    };
    match state.store.list_alerts(&u.scope, &filter, page).await {
        Ok(list) => {
            let mut nav = Nav::new(&u);
            nav.watch_alerts = true;
            render(&AlertsPage {
                nav,
                alerts: list.items.iter().map(AlertView::from).collect(),
                total: total_label(&list),
                pager: Pager::new(
                    "/alerts",
                    &[("status", q.status.clone())],
                    page.page,
                    page.per_page,
                    list.total,
                ),
                status: q.status,
                statuses: AlertStatus::ALL.iter().map(|s| (s.code(), s.label_zh())).collect(),
            })
        }
        Err(e) => error_page(&u, e.into()),
    }
}

#[derive(Template)]
#[template(path = "alert.html")]
struct AlertPage {
    nav: Nav,
    /// (code, label) of the false-positive reasons.
    reasons: Vec<(&'static str, &'static str)>,
    a: AlertView,
    events: Vec<EventView>,
    may_handle: bool,
    /// Police, departments and unit managers may turn the alert into a hazard (隐患).
    may_report_hazard: bool,
    /// Deliveries to the notification channels (通知投递).
    deliveries: Vec<super::warning::DeliveryView>,
}

pub async fn alert(State(state): State<AppState>, UiUser(u): UiUser, Path(id): Path<String>) -> Response {
    let loaded = async {
        Ok::<_, neibao_store::StoreError>((
            state.store.get_alert(&u.scope, &id).await?,
            state.store.alert_events(&u.scope, &id).await?,
        ))
    }
    .await;
    let deliveries = match &loaded {
        Ok(_) => super::warning::deliveries(&state, &id).await,
        Err(_) => Vec::new(),
    };
    match loaded {
        Ok((a, events)) => render(&AlertPage {
            nav: Nav::new(&u),
            reasons: neibao_domain::alerts::FalsePositiveReason::ALL
                .iter()
                .map(|r| (r.code(), r.label_zh()))
                .collect(),
            a: AlertView::from(&a),
            events: events.iter().map(EventView::from).collect(),
            may_handle: u.principal.can(Permission::AlertHandle),
            may_report_hazard: neibao_domain::supervision::InspectionKind::for_role(u.user.role).is_some(),
            deliveries,
        }),
        Err(e) => error_page(&u, e.into()),
    }
}

async fn alert_action(state: AppState, u: CurrentUser, id: String, f: CsrfForm, action: AlertAction) -> Response {
    let r = async {
        u.check_form_csrf(&f.csrf_token)?;
        crate::api::alerts::transition(&state, &u, &id, action, &f.comment).await
    }
    .await;
    match r {
        Ok(_) => Redirect::to(&format!("/alerts/{id}")).into_response(),
        Err(e) => error_page(&u, e),
    }
}

pub async fn acknowledge(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Response {
    alert_action(state, u, id, f, AlertAction::Acknowledge).await
}

pub async fn resolve(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Response {
    alert_action(state, u, id, f, AlertAction::Resolve).await
}

#[derive(Deserialize, Default)]
pub struct FalsePositiveForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    reason: String,
}

/// `POST /alerts/{id}/false_positive`: resolve as 误报 with a reason.
pub async fn false_positive(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    Form(f): Form<FalsePositiveForm>,
) -> Response {
    if let Err(e) = u.check_form_csrf(&f.csrf_token) {
        return error_page(&u, e);
    }
    let Some(reason) = neibao_domain::alerts::FalsePositiveReason::from_code(&f.reason) else {
        return error_page(&u, ApiError::validation("请选择误报原因"));
    };
    let form = CsrfForm {
        csrf_token: f.csrf_token,
        comment: f.comment,
    };
    alert_action(state, u, id, form, AlertAction::FalsePositive(reason)).await
}

pub struct RuleStatsView {
    pub rule: String,
    pub raised: i64,
    pub open: i64,
    pub acknowledged: i64,
    pub resolved: i64,
    pub false_positives: i64,
    pub false_positive_rate: String,
    pub mean_ack: String,
    pub last_24h: i64,
    pub flooding: bool,
}

#[derive(Template)]
#[template(path = "alert_stats.html")]
struct AlertStatsPage {
    nav: Nav,
    days: i64,
    threshold: i64,
    rows: Vec<RuleStatsView>,
}

/// `GET /alerts/stats`: per-rule statistics (告警统计), flooding rules flagged.
pub async fn alert_stats(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Query(q): Query<crate::api::alerts::StatsQuery>,
) -> Response {
    let (days, threshold) = match crate::api::alerts::stats_params(&q) {
        Ok(p) => p,
        Err(e) => return error_page(&u, e),
    };
    let now = chrono::Utc::now();
    match state
        .store
        .alert_rule_stats(&u.scope, now - chrono::Duration::days(days), now, threshold)
        .await
    {
        Ok(stats) => render(&AlertStatsPage {
            nav: Nav::new(&u),
            days,
            threshold,
            rows: stats
                .into_iter()
                .map(|s| RuleStatsView {
                    rule: neibao_engine::alerts::builtin::builtin_rules()
                        .into_iter()
                        .find(|r| r.code == s.rule)
                        .map(|r| r.title.to_string())
                        .unwrap_or_else(|| s.rule.clone()),
                    raised: s.raised,
                    open: s.open,
                    acknowledged: s.acknowledged,
                    resolved: s.resolved,
                    false_positives: s.false_positives,
                    false_positive_rate: s
                        .false_positive_rate
                        .map(|r| format!("{:.0}%", r * 100.0))
                        .unwrap_or_else(|| "—".into()),
                    mean_ack: s
                        .mean_seconds_to_acknowledge
                        .map(|x| format!("{:.1} 分钟", x / 60.0))
                        .unwrap_or_else(|| "—".into()),
                    last_24h: s.raised_last_24h,
                    flooding: s.flooding,
                })
                .collect(),
        }),
        Err(e) => error_page(&u, e.into()),
    }
}

#[derive(Deserialize, Default)]
pub struct EventsQuery {
    page: Option<u32>,
}

#[derive(Template)]
#[template(path = "events.html")]
struct EventsPage {
    nav: Nav,
    events: Vec<EventView>,
    total: String,
    pager: Pager,
}

pub async fn events(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<EventsQuery>) -> Response {
    let page = Page::new(q.page, Some(50));
    match state.store.list_events(&u.scope, &EventFilter::default(), page).await {
        Ok(list) => {
            let mut nav = Nav::new(&u);
            nav.autorefresh = 10;
            render(&EventsPage {
                nav,
                events: list.items.iter().map(EventView::from).collect(),
                total: total_label(&list),
                pager: Pager::new("/events", &[], page.page, page.per_page, list.total),
            })
        }
        Err(e) => error_page(&u, e.into()),
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

/// "1234", or "10000+" when the list stopped counting.
pub(super) fn total_label<T>(list: &Listing<T>) -> String {
    if list.total_capped {
        format!("{}+", list.total)
    } else {
        list.total.to_string()
    }
}

/// This capability's pages.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/login", routing::get(login_form).post(login))
        .route("/logout", routing::post(logout))
        .route("/", routing::get(dashboard))
        .route("/units", routing::get(units).post(create_unit))
        .route("/units/new", routing::get(new_unit))
        .route("/units/{id}", routing::get(unit))
        .route("/units/{id}/key_areas", routing::post(create_key_area))
        .route("/units/{id}/schedule", routing::post(set_schedule))
        .route("/units/{id}/rules/{rule}", routing::post(set_rule))
        .route("/devices", routing::get(devices).post(create_device))
        .route("/alerts", routing::get(alerts))
        .route("/alerts/{id}", routing::get(alert))
        .route("/alerts/{id}/acknowledge", routing::post(acknowledge))
        .route("/alerts/{id}/resolve", routing::post(resolve))
        .route("/alerts/{id}/false_positive", routing::post(false_positive))
        .route("/alerts/stats", routing::get(alert_stats))
        .route("/events", routing::get(events))
}
