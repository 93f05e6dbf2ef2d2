//! Device health (`GET /devices/health`): online rate overall, per division and per unit (lowest
//! first).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use neibao_domain::access::Role;

use super::super::kit::{error_page, render, UiUser};
use super::super::views::Nav;
use crate::state::AppState;

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

pub async fn health(State(state): State<AppState>, UiUser(u): UiUser) -> Response {
    let h = match state.services.devices.health(&u.principal).await {
        Ok(h) => h,
        Err(e) => return error_page(&u, e.into()),
    };
    let units_total = h.units.len();
    render(&HealthPage {
        nav: Nav::new(&u),
        is_admin: u.principal.role == Role::Admin,
        devices: h.devices,
        online: h.online,
        // No device yet: no rate to speak of.
        rate: if h.devices == 0 {
            "—".to_string()
        } else {
            percent(h.online_rate)
        },
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
