//! Pages of devices: the device list and registration, device health.

use super::kit::{error_page, render, UiUser};
use super::views::{total_label, DeviceView, Nav, Pager};
use crate::error::ApiError;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::Utc;
use neibao_domain::access::{Permission, Role};
use neibao_domain::devices::{DeviceFilter, DeviceFormat};
use neibao_domain::paging::Page;
use serde::Deserialize;

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
#[template(path = "devices/devices.html")]
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

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing;
    axum::Router::new()
        .route("/devices", routing::get(devices).post(create_device))
        .route("/devices/health", routing::get(health))
}

pub struct HealthRow {
    pub code: String,
    pub name: String,
    pub unit_id: String,
    pub devices: i64,
    pub online: i64,
    pub rate: String,
    /// 0–10, for the bar.
    pub tenths: i64,
    pub low: bool,
}

fn percent(rate: f64) -> String {
    format!("{:.1}%", rate * 100.0)
}

fn health_row(code: String, name: String, unit_id: String, devices: i64, online: i64, rate: f64) -> HealthRow {
    HealthRow {
        code,
        name,
        unit_id,
        devices,
        online,
        rate: percent(rate),
        tenths: (rate * 10.0).round().clamp(0.0, 10.0) as i64,
        low: rate < 0.9,
    }
}

#[derive(Template)]
#[template(path = "devices/health.html")]
struct HealthPage {
    nav: Nav,
    is_admin: bool,
    devices: i64,
    online: i64,
    rate: String,
    offline_minutes: i64,
    divisions: Vec<HealthRow>,
    units: Vec<HealthRow>,
    units_total: usize,
}

/// `GET /devices/health`: online rate overall, per division and per unit (lowest first).
pub async fn health(State(state): State<AppState>, UiUser(u): UiUser) -> Response {
    let h = match crate::api::devices::device_health_for(&state, &u).await {
        Ok(h) => h,
        Err(e) => return error_page(&u, e),
    };
    let units_total = h.units.len();
    render(&HealthPage {
        nav: Nav::new(&u),
        is_admin: u.user.role == Role::Admin,
        devices: h.devices,
        online: h.online,
        rate: percent(h.online_rate),
        offline_minutes: (h.offline_after_seconds + 59) / 60,
        divisions: h
            .divisions
            .into_iter()
            .map(|d| {
                health_row(
                    d.division_code,
                    d.name,
                    String::new(),
                    d.devices,
                    d.online,
                    d.online_rate,
                )
            })
            .collect(),
        units: h
            .units
            .into_iter()
            .take(200)
            .map(|r| {
                health_row(
                    r.unit.division_code,
                    r.unit.unit_name,
                    r.unit.unit_id,
                    r.unit.devices,
                    r.unit.online,
                    r.online_rate,
                )
            })
            .collect(),
        units_total,
    })
}
