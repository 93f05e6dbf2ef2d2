//! The pages of `mod.rs`. A refused form shows the zh-CN error and keeps what was typed.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::access::Permission;
use neibao_domain::honours::TitleState;
use neibao_domain::supervision::calendar::date_zh;

use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{field, refused_in_form, status_of, with_status, Fields};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{fmt_time, Nav};

/// An application as the page shows it.
pub struct TitleRow {
    pub id: String,
    pub year: i32,
    pub state: String,
    pub applied: bool,
    pub granted: bool,
    pub statement: String,
    pub applied_by: String,
    pub decided: String,
    pub reason: String,
    pub valid: String,
    pub revoked: String,
}

#[derive(Template)]
#[template(path = "honours/unit.html")]
struct UnitPage {
    nav: Nav,
    unit_id: String,
    unit_name: String,
    block: String,
    block_rule: String,
    block_hazard: String,
    listings: Vec<(String, String)>,
    major_hazards: i64,
    assessment: String,
    obstacles: Vec<String>,
    rows: Vec<TitleRow>,
    may_apply: bool,
    may_decide: bool,
    this_year: String,
    next_year: String,
    year: String,
    statement: String,
    /// The application whose decision or revocation form was refused, and what was typed.
    form_id: String,
    reason: String,
    error: Option<String>,
}

async fn unit_page(state: &AppState, u: &CurrentUser, id: &str, sent: &Fields, error: Option<ApiError>) -> Response {
    let who = &u.principal;
    let s = match state.services.honours.standing(who, id).await {
        Ok(x) => x,
        Err(e) => return error_page(u, e.into()),
    };
    let this_year = chrono::Datelike::year(&chrono::Utc::now().with_timezone(&chrono_tz::Asia::Shanghai));
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    let rows = s
        .titles
        .iter()
        .map(|t| TitleRow {
            id: t.id.clone(),
            year: t.year,
            state: t.state_label.clone(),
            applied: t.state == TitleState::Applied,
            granted: t.state == TitleState::Granted,
            statement: t.statement.clone(),
            applied_by: format!("{}（{}）", t.applied_by_name, fmt_time(t.applied_at)),
            decided: match (&t.decided_by_name, t.decided_at) {
                (Some(by), Some(at)) => format!("{by}（{}）", fmt_time(at)),
                _ => String::new(),
            },
            reason: t.decision_reason.clone(),
            valid: match (t.valid_from, t.valid_until) {
                (Some(f), Some(u)) => format!("{}至{}", f.format("%Y年%m月%d日"), u.format("%Y年%m月%d日")),
                _ => String::new(),
            },
            revoked: match t.revoked_at {
                Some(at) => format!("{}撤销：{}", fmt_time(at), t.revoke_reason),
                None => String::new(),
            },
        })
        .collect();
    with_status(
        render(&UnitPage {
            nav: Nav::new(u),
            unit_id: id.to_string(),
            unit_name: s.unit_name.clone(),
            block: s.block.as_ref().map(|b| date_zh(b.until)).unwrap_or_default(),
            block_rule: s.block.as_ref().map(|b| b.rule_zh.clone()).unwrap_or_default(),
            block_hazard: s.block.as_ref().map(|b| b.hazard_id.clone()).unwrap_or_default(),
            listings: s
                .open_listings
                .iter()
                .map(|l| (l.hazard_id.clone(), l.title.clone()))
                .collect(),
            major_hazards: s.major_hazards_last_year,
            assessment: s.assessment.clone().unwrap_or_default(),
            obstacles: s.obstacles.clone(),
            rows,
            may_apply: who.can(Permission::HonoursApply),
            may_decide: who.can(Permission::HonoursDecide),
            this_year: this_year.to_string(),
            next_year: (this_year + 1).to_string(),
            year: field(sent, "year").to_string(),
            statement: field(sent, "statement").to_string(),
            form_id: field(sent, "title_id").to_string(),
            reason: field(sent, "reason").to_string(),
            error: error.map(|e| e.message),
        }),
        status,
    )
}

/// `GET /units/{id}/honours`.
pub async fn unit(State(state): State<AppState>, UiUser(u): UiUser, Path(id): Path<String>) -> Response {
    unit_page(&state, &u, &id, &Vec::new(), None).await
}

/// `POST /units/{id}/honours`: an application (`year`, `statement`).
pub async fn apply(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let year = field(&f, "year").trim().parse::<i32>().ok();
    match state
        .services
        .honours
        .apply(&u.principal, &id, year, field(&f, "statement"))
        .await
    {
        Ok(_) => Redirect::to(&format!("/units/{id}/honours#titles")).into_response(),
        Err(e) => {
            let e: ApiError = e.into();
            if refused_in_form(&e) {
                unit_page(&state, &u, &id, &f, Some(e)).await
            } else {
                error_page(&u, e)
            }
        }
    }
}

async fn after(state: &AppState, u: &CurrentUser, id: &str, f: &Fields, r: Result<String, ApiError>) -> Response {
    match r {
        Ok(unit) => Redirect::to(&format!("/units/{unit}/honours#titles")).into_response(),
        Err(e) => {
            let unit = field(f, "unit_id").to_string();
            if refused_in_form(&e) && !unit.is_empty() {
                let mut sent = f.clone();
                sent.push(("title_id".into(), id.to_string()));
                unit_page(state, u, &unit, &sent, Some(e)).await
            } else {
                error_page(u, e)
            }
        }
    }
}

/// `POST /honours/{id}/decision`: `decision` (grant/refuse), `reason`, `no_major_case`;
/// `unit_id` names the page to show again.
pub async fn decide(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let r = state
        .services
        .honours
        .decide(
            &u.principal,
            &id,
            field(&f, "decision"),
            field(&f, "reason"),
            field(&f, "no_major_case") == "1",
        )
        .await
        .map(|t| t.unit_id)
        .map_err(ApiError::from);
    after(&state, &u, &id, &f, r).await
}

/// `POST /honours/{id}/revoke`: `reason`; `unit_id` names the page to show again.
pub async fn revoke(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let r = state
        .services
        .honours
        .revoke(&u.principal, &id, field(&f, "reason"))
        .await
        .map(|t| t.unit_id)
        .map_err(ApiError::from);
    after(&state, &u, &id, &f, r).await
}
