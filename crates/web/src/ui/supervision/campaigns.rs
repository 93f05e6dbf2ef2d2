//! A campaign's page: its progress and its inspections.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::Utc;
use neibao_domain::paging::Page;

use super::rows::{CampaignRow, InspectionRow, PageQuery};
use crate::state::AppState;
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{total_label, Nav, Pager};

#[derive(Template)]
#[template(path = "supervision/campaign.html")]
struct CampaignPage {
    nav: Nav,
    c: CampaignRow,
    inspections: Vec<InspectionRow>,
    total: String,
    pager: Pager,
}

/// `GET /campaigns/{id}`.
pub async fn campaign(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    let now = Utc::now();
    let page = Page::new(q.page, Some(50));
    match state
        .services
        .supervision
        .campaign_with_inspections(&u.principal, &id, page)
        .await
    {
        Ok((c, list)) => render(&CampaignPage {
            nav: Nav::new(&u),
            c: CampaignRow::new(&c),
            inspections: list.items.iter().map(|i| InspectionRow::new(i, now)).collect(),
            total: total_label(&list),
            pager: Pager::new(&format!("/campaigns/{id}"), &[], page.page, page.per_page, list.total),
        }),
        Err(e) => error_page(&u, e.into()),
    }
}
