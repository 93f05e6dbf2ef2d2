//! The page of `mod.rs`. A refused period shows the zh-CN error and keeps what was typed.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use neibao_domain::rollup::{Figures, Level, COLUMNS};
use neibao_engine::rollup::RollupInput;
use serde::Deserialize;

use crate::state::AppState;
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::Nav;

/// A row as the page shows it.
pub struct RowView {
    pub label: String,
    /// Where the row opens: a roll-up link, or a unit's page.
    pub href: String,
    pub cells: Vec<String>,
}

#[derive(Template)]
#[template(path = "rollup/index.html")]
struct IndexPage {
    nav: Nav,
    from: String,
    to: String,
    by: String,
    division: String,
    org: String,
    title: String,
    level: String,
    headers: Vec<&'static str>,
    rows: Vec<RowView>,
    total: Vec<String>,
    export: String,
    top: String,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct IndexQuery {
    from: String,
    to: String,
    by: String,
    division: String,
    org: String,
}

fn cells(f: &Figures) -> Vec<String> {
    COLUMNS.iter().map(|c| (c.value)(f).text()).collect()
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn link(params: &[(&str, &str)]) -> String {
    let q: Vec<String> = params
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", enc(v)))
        .collect();
    if q.is_empty() {
        "/rollup".to_string()
    } else {
        format!("/rollup?{}", q.join("&"))
    }
}

/// `GET /rollup`.
pub async fn index(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<IndexQuery>) -> Response {
    let input = RollupInput {
        from: Some(q.from.clone()),
        to: Some(q.to.clone()),
        by: Some(q.by.clone()),
        division: Some(q.division.clone()),
        org: Some(q.org.clone()),
    };
    let by = if q.by == "sector" { "sector" } else { "division" };
    let headers = COLUMNS.iter().map(|c| c.header_zh).collect();
    let base = |error: Option<String>| IndexPage {
        nav: Nav::new(&u),
        from: q.from.clone(),
        to: q.to.clone(),
        by: by.to_string(),
        division: q.division.clone(),
        org: q.org.clone(),
        title: String::new(),
        level: String::new(),
        headers: COLUMNS.iter().map(|c| c.header_zh).collect(),
        rows: Vec::new(),
        total: Vec::new(),
        export: String::new(),
        top: link(&[("from", &q.from), ("to", &q.to), ("by", by)]),
        error,
    };
    match state.services.rollup.rollup(&u.principal, &input).await {
        Ok(r) => {
            let from = r.period.from.format("%Y-%m-%d").to_string();
            let to = r.period.to.format("%Y-%m-%d").to_string();
            let rows = r
                .rows
                .iter()
                .map(|row| RowView {
                    label: row.label.clone(),
                    href: match (&row.drill, row.level) {
                        (_, Level::Unit) => format!("/units/{}", row.key),
                        (Some(d), _) => link(&[
                            ("from", &from),
                            ("to", &to),
                            ("by", by),
                            ("division", d.division.as_deref().unwrap_or("")),
                            ("org", d.org.as_deref().unwrap_or("")),
                        ]),
                        (None, _) => String::new(),
                    },
                    cells: cells(&row.figures),
                })
                .collect();
            render(&IndexPage {
                nav: Nav::new(&u),
                from: from.clone(),
                to: to.clone(),
                by: by.to_string(),
                division: q.division.clone(),
                org: q.org.clone(),
                title: r.title.clone(),
                level: r.level.label_zh().to_string(),
                headers,
                rows,
                total: cells(&r.total),
                export: format!(
                    "/api/v1/rollup/export?from={from}&to={to}&by={by}{}",
                    if q.division.trim().is_empty() {
                        String::new()
                    } else {
                        format!("&division={}", enc(q.division.trim()))
                    }
                ),
                top: link(&[("from", &from), ("to", &to), ("by", by)]),
                error: None,
            })
        }
        Err(e) => {
            let e: crate::error::ApiError = e.into();
            if e.code == neibao_domain::ErrorCode::ValidationFailed {
                let mut r = render(&base(Some(e.message.clone())));
                *r.status_mut() = axum::http::StatusCode::BAD_REQUEST;
                r
            } else {
                error_page(&u, e)
            }
        }
    }
}
