//! The dashboard (`GET /[?days=]`): the figures of the signed-in user's jurisdiction, the charts
//! of docs/DASHBOARDS.md (drawn by /static/dashboard.js with the vendored ECharts from the same
//! figures `GET /api/v1/dashboard/charts` returns, embedded in the page), reloaded as soon as the
//! alert list changes.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use neibao_domain::access::Scope;
use neibao_domain::dashboard::{Dashboard, DashboardCharts, AREA_FIGURES};
use serde::Deserialize;

use super::super::kit::{error_page, render, UiUser};
use super::super::views::Nav;
use crate::state::AppState;

/// The periods offered: days and label.
const DAY_CHOICES: [(i64, &str); 4] = [(7, "近 7 天"), (30, "近 30 天"), (90, "近 90 天"), (365, "近一年")];

#[derive(Template)]
#[template(path = "dashboard/dashboard.html")]
struct DashboardPage {
    nav: Nav,
    scope_label: String,
    d: Dashboard,
    /// An administrator of a new installation: the first-run setup is waiting (docs/SETUP.md).
    setup_needed: bool,
    c: DashboardCharts,
    /// `c` as JSON for the chart script (`<` escaped so it cannot end the script element).
    data: String,
    days: i64,
    day_choices: [(i64, &'static str); 4],
    figures: &'static [(&'static str, &'static str)],
    /// The map and the area chart (not for one unit).
    show_areas: bool,
    overdue_total: i64,
}

#[derive(Deserialize, Default)]
pub struct HomeQuery {
    /// The period in days; anything but an offered number shows 30 days.
    #[serde(default)]
    days: String,
}

pub async fn dashboard(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<HomeQuery>) -> Response {
    let days = q
        .days
        .parse::<i64>()
        .ok()
        .filter(|n| DAY_CHOICES.iter().any(|(d, _)| d == n))
        .unwrap_or(30);
    let charts = match state.services.dashboard.charts(&u.principal, Some(days)).await {
        Ok(c) => c,
        Err(e) => return error_page(&u, e.into()),
    };
    match state.services.dashboard.get(&u.principal).await {
        Ok(d) => {
            let scope_label = match (&u.principal.scope, &u.principal.org_name, &u.principal.unit_name) {
                (Scope::All, _, _) => match state.services.dashboard.installation_area().await {
                    Ok(Some((_, name))) => format!("{name} 全辖区概览"),
                    _ => "全部辖区概览".to_string(),
                },
                (_, Some(o), _) => format!("{o} 辖区概览"),
                (_, _, Some(n)) => format!("{n} 概览"),
                _ => "概览".to_string(),
            };
            let mut nav = Nav::new(&u);
            nav.watch_alerts = true;
            let setup_needed = u.principal.can(neibao_domain::access::Permission::UserAdminister)
                && matches!(u.principal.scope, Scope::All)
                && state.services.setup.status().await.is_ok_and(|s| s.needed);
            let data = serde_json::to_string(&charts)
                .unwrap_or_else(|_| "{}".into())
                .replace('<', "\\u003c");
            render(&DashboardPage {
                nav,
                scope_label,
                setup_needed,
                show_areas: d.area_level.is_some(),
                overdue_total: charts.totals.get("hazards_overdue").copied().unwrap_or(0),
                d,
                c: charts,
                data,
                days,
                day_choices: DAY_CHOICES,
                figures: AREA_FIGURES,
            })
        }
        Err(e) => error_page(&u, e.into()),
    }
}
