//! The dashboard (`GET /`): the figures of the signed-in user's jurisdiction, reloaded as soon
//! as the alert list changes.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use neibao_domain::access::Scope;
use neibao_domain::dashboard::Dashboard;

use super::super::kit::{error_page, render, UiUser};
use super::super::views::Nav;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "dashboard/dashboard.html")]
struct DashboardPage {
    nav: Nav,
    scope_label: String,
    d: Dashboard,
    /// An administrator of a new installation: the first-run setup is waiting (docs/SETUP.md).
    setup_needed: bool,
}

pub async fn dashboard(State(state): State<AppState>, UiUser(u): UiUser) -> Response {
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
            render(&DashboardPage {
                nav,
                scope_label,
                d,
                setup_needed,
            })
        }
        Err(e) => error_page(&u, e.into()),
    }
}
