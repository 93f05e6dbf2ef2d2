//! `GET /alerts`: the alerts in the user's jurisdiction, most recent activity first.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use neibao_domain::alerts::{AlertFilter, AlertStatus};
use neibao_domain::paging::Page;
use serde::Deserialize;

use crate::state::AppState;
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{export_href, total_label, AlertView, Nav, Pager};

#[derive(Deserialize, Default)]
pub struct AlertsQuery {
    #[serde(default)]
    status: String,
    /// One unit's alerts (the unit page links here beside its newest ones).
    #[serde(default)]
    unit_id: String,
    page: Option<u32>,
}

#[derive(Template)]
#[template(path = "alerts/alerts.html")]
struct AlertsPage {
    nav: Nav,
    alerts: Vec<AlertView>,
    total: String,
    status: String,
    statuses: Vec<(&'static str, &'static str)>,
    unit_id: String,
    /// The unit's name when the list is one unit's (taken from its rows).
    unit_name: String,
    pager: Pager,
    /// 导出 Excel: this list's filters.
    export: String,
}

/// `GET /alerts[?status=][&page=]`.
pub async fn alerts(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<AlertsQuery>) -> Response {
    let page = Page::new(q.page, Some(50));
    let filter = AlertFilter {
        status: AlertStatus::from_code(&q.status),
        unit_id: Some(q.unit_id.clone()).filter(|s| !s.is_empty()),
        ..Default::default()
    };
    match state.services.alerts.list(&u.principal, &filter, page).await {
        Ok(list) => {
            let mut nav = Nav::new(&u);
            nav.watch_alerts = true;
            render(&AlertsPage {
                nav,
                export: export_href(
                    "alerts",
                    &[
                        (
                            "status",
                            filter.status.map(|s| s.code().to_string()).unwrap_or_default(),
                        ),
                        ("unit_id", q.unit_id.clone()),
                    ],
                ),
                alerts: list.items.iter().map(AlertView::from).collect(),
                total: total_label(&list),
                unit_name: match (q.unit_id.is_empty(), list.items.first()) {
                    (false, Some(a)) => a.unit_name.clone(),
                    _ => String::new(),
                },
                pager: Pager::new(
                    "/alerts",
                    &[("status", q.status.clone()), ("unit_id", q.unit_id.clone())],
                    page.page,
                    page.per_page,
                    list.total,
                ),
                status: q.status,
                unit_id: q.unit_id,
                statuses: AlertStatus::ALL.iter().map(|s| (s.code(), s.label_zh())).collect(),
            })
        }
        Err(e) => error_page(&u, e.into()),
    }
}
