//! The public 诚信公示 page (`/credit/public`, no account; docs/CREDIT.md "Public list"): the
//! credit entries published, not withdrawn and in force — unit, kind, decision (legal basis and
//! points) and dates; nothing about any person. Paged, newest first.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use neibao_domain::paging::Page;
use neibao_domain::supervision::calendar::date_zh;
use serde::Deserialize;

use crate::state::AppState;
use crate::ui::kit::render;
use crate::ui::views::Pager;

/// An entry as the public list shows it.
pub struct PublicRow {
    pub id: String,
    pub unit: String,
    pub kind: String,
    pub basis: String,
    pub points: i64,
    pub recorded: String,
    pub expires: String,
}

#[derive(Template)]
#[template(path = "credit/public.html")]
struct PublicPage {
    rows: Vec<PublicRow>,
    total: i64,
    pager: Pager,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PublicQuery {
    page: Option<u32>,
}

/// `GET /credit/public`.
pub async fn list(State(state): State<AppState>, Query(q): Query<PublicQuery>) -> Response {
    let page = Page::checked(q.page, Some(50)).unwrap_or(Page { page: 1, per_page: 50 });
    match state.services.credit.public_entries(page).await {
        Ok(l) => render(&PublicPage {
            rows: l
                .items
                .iter()
                .map(|e| PublicRow {
                    id: e.id.clone(),
                    unit: e.unit_name.clone(),
                    kind: e.kind_label.clone(),
                    basis: e.basis.clone(),
                    points: e.points,
                    recorded: date_zh(e.recorded_at),
                    expires: date_zh(e.expires_at - chrono::Duration::seconds(1)),
                })
                .collect(),
            total: l.total,
            pager: Pager::new("/credit/public", &[], l.page, l.per_page, l.total),
            error: None,
        }),
        Err(e) => {
            let e: crate::error::ApiError = e.into();
            let mut r = render(&PublicPage {
                rows: Vec::new(),
                total: 0,
                pager: Pager::new("/credit/public", &[], 1, 50, 0),
                error: Some(e.message.clone()),
            });
            *r.status_mut() =
                axum::http::StatusCode::from_u16(e.code.http_status()).unwrap_or(axum::http::StatusCode::BAD_REQUEST);
            r
        }
    }
}
