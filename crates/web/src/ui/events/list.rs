//! The event list (`GET /events`), newest first, refreshed every ten seconds.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use neibao_domain::events::EventFilter;
use neibao_domain::paging::Page;
use serde::Deserialize;

use super::super::kit::{error_page, render, UiUser};
use super::super::views::{total_label, EventView, Nav, Pager};
use crate::state::AppState;

#[derive(Deserialize, Default)]
pub struct EventsQuery {
    page: Option<u32>,
}

#[derive(Template)]
#[template(path = "events/events.html")]
struct EventsPage {
    nav: Nav,
    events: Vec<EventView>,
    total: String,
    pager: Pager,
}

pub async fn events(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<EventsQuery>) -> Response {
    let page = Page::new(q.page, Some(50));
    match state
        .services
        .events
        .list(&u.principal, &EventFilter::default(), page)
        .await
    {
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
