//! `GET /divisions`: the GB/T 2260 division table as loaded (docs/DIVISIONS.md): browse from the
//! provinces down to the townships, look a code up with its history (renamed, moved, retired,
//! merged), and the loaded table versions. Read-only: a later table is loaded with
//! `neibao divisions load` or `POST /api/v1/divisions/versions`.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use neibao_domain::registry::{Division, DivisionVersion};
use neibao_engine::registry::describe_change;
use serde::Deserialize;

use crate::error::ApiError;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{fmt_ms, Nav};

#[derive(Deserialize, Default)]
pub struct DivisionsQuery {
    /// Show the children of this code (the provinces when empty).
    #[serde(default)]
    parent: String,
    /// Look this code up.
    #[serde(default)]
    code: String,
}

/// At most 20 characters of what was typed, for the message.
fn clip(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

/// What people read for a level.
fn level_label(level: &str) -> &'static str {
    match level {
        "province" => "省级",
        "city" => "地级",
        "county" => "县级",
        "township" => "乡级（乡镇、街道）",
        _ => "其他",
    }
}

struct Row {
    code: String,
    name: String,
    level: &'static str,
    /// Has children to browse (not a township).
    browsable: bool,
}

impl From<Division> for Row {
    fn from(d: Division) -> Row {
        Row {
            browsable: d.level != "township",
            level: level_label(&d.level),
            code: d.code,
            name: d.name,
        }
    }
}

/// The looked-up code.
struct Found {
    row: Row,
    /// `2024-01-01 起撤销` when retired.
    retired: Option<String>,
    history: Vec<String>,
}

struct VersionRow {
    version: String,
    valid_from: String,
    divisions: i64,
    changes: i64,
    source: String,
    loaded_at: String,
}

impl From<DivisionVersion> for VersionRow {
    fn from(v: DivisionVersion) -> VersionRow {
        VersionRow {
            loaded_at: fmt_ms(v.loaded_at),
            version: v.version,
            valid_from: v.valid_from,
            divisions: v.divisions,
            changes: v.changes,
            source: v.source,
        }
    }
}

#[derive(Template)]
#[template(path = "divisions/index.html")]
struct DivisionsPage {
    nav: Nav,
    /// From the province down to the browsed division.
    trail: Vec<Row>,
    rows: Vec<Row>,
    code: String,
    found: Option<Found>,
    /// Why the looked-up code shows nothing.
    lookup_error: Option<String>,
    versions: Vec<VersionRow>,
}

/// `GET /divisions`.
pub async fn divisions(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<DivisionsQuery>) -> Response {
    match page(&state, &u, q).await {
        Ok(p) => render(&p),
        Err(e) => error_page(&u, e),
    }
}

async fn page(state: &AppState, u: &CurrentUser, q: DivisionsQuery) -> Result<DivisionsPage, ApiError> {
    let reg = &state.services.registry;
    let parent = q.parent.trim();
    let mut trail = Vec::new();
    if !parent.is_empty() {
        // Up from the browsed code to its province (at most four levels).
        let mut next = Some(parent.to_string());
        while let Some(code) = next.take() {
            if trail.len() >= 4 {
                break;
            }
            match reg.division(&u.principal, &code).await {
                Ok(d) => {
                    next = d.division.parent_code.clone();
                    trail.push(Row::from(d.division));
                }
                Err(_) if trail.is_empty() => {
                    return Err(ApiError::msg(
                        neibao_domain::error::ErrorCode::NotFound,
                        format!("区划代码「{}」不存在", clip(parent, 20)),
                    ))
                }
                Err(_) => break,
            }
        }
        trail.reverse();
    }
    let children = reg
        .divisions(&u.principal, (!parent.is_empty()).then_some(parent))
        .await?;
    let code = q.code.trim().to_string();
    let (mut found, mut lookup_error) = (None, None);
    if !code.is_empty() && !code.bytes().all(|b| b.is_ascii_digit()) {
        lookup_error = Some("请输入 6 位或 9 位数字代码；按名称查找请在上方逐级浏览".to_string());
    } else if !code.is_empty() {
        match reg.division(&u.principal, &code).await {
            Ok(d) => {
                found = Some(Found {
                    retired: d.division.valid_to.as_ref().map(|t| format!("{t} 起撤销")),
                    history: d
                        .history
                        .iter()
                        .map(|c| format!("{}：{}", c.code, describe_change(c)))
                        .collect(),
                    row: Row::from(d.division),
                })
            }
            Err(_) => lookup_error = Some(format!("区划代码「{}」不在区划表中", clip(&code, 20))),
        }
    }
    let versions = reg.division_versions(&u.principal).await?;
    Ok(DivisionsPage {
        nav: Nav::new(u),
        trail,
        rows: children.into_iter().map(Row::from).collect(),
        code,
        found,
        lookup_error,
        versions: versions.into_iter().rev().map(VersionRow::from).collect(),
    })
}

/// This capability's routes.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/divisions", axum::routing::get(divisions))
}
