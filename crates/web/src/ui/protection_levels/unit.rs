//! `/units/{id}/protection-level`: the unit's current level, the orders covering it, and for
//! each active one the acknowledge button and the measures form (the unit's security manager).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::access::Permission;
use neibao_domain::protection_levels::{Level, OrderState, UnitProtection};
use neibao_engine::protection_levels::MeasureInput;

use super::view::level_class;
use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{field, status_of, with_status, Fields};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{fmt_time, Nav};

/// One measure as shown in the form: its text, done, the note.
pub struct MeasureRow {
    pub n: usize,
    pub text: String,
    pub done: bool,
    pub note: String,
}

/// An order covering the unit, as shown.
pub struct UnitOrderRow {
    pub id: String,
    pub title: String,
    pub level: &'static str,
    pub level_class: &'static str,
    pub active: bool,
    pub state: &'static str,
    pub reason: String,
    pub starts_at: String,
    pub ends_at: String,
    pub by: String,
    pub acknowledged: bool,
    pub acknowledged_at: String,
    pub measures_recorded: bool,
    pub measures: Vec<MeasureRow>,
}

#[derive(Template)]
#[template(path = "protection_levels/unit.html")]
struct UnitPage {
    nav: Nav,
    unit_id: String,
    unit_name: String,
    level: &'static str,
    level_class: &'static str,
    raised: bool,
    orders: Vec<UnitOrderRow>,
    may_acknowledge: bool,
    error: Option<String>,
}

async fn unit_page(
    state: &AppState,
    u: &CurrentUser,
    id: &str,
    sent: Option<(&str, &Fields)>,
    error: Option<ApiError>,
) -> Response {
    let p: UnitProtection = match state.services.protection_levels.unit(&u.principal, id).await {
        Ok(p) => p,
        Err(e) => return error_page(u, e.into()),
    };
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    let orders = p
        .orders
        .iter()
        .map(|o| {
            let level = o.order.level;
            let recorded = o.unit.measures_recorded(level);
            let typed = sent.filter(|(order, _)| *order == o.order.id).map(|(_, f)| f);
            UnitOrderRow {
                id: o.order.id.clone(),
                title: o.order.title.clone(),
                level: if o.order.state == OrderState::Ended {
                    "已结束"
                } else {
                    level.label_zh()
                },
                level_class: level_class(if o.order.state == OrderState::Ended {
                    Level::Normal
                } else {
                    level
                }),
                active: o.order.state == OrderState::Active,
                state: o.order.state.label_zh(),
                reason: o.order.reason.clone(),
                starts_at: fmt_time(o.order.starts_at),
                ends_at: fmt_time(o.order.ended_at.unwrap_or(o.order.ends_at)),
                by: o
                    .order
                    .org_name
                    .clone()
                    .unwrap_or_else(|| o.order.created_by_name.clone()),
                acknowledged: o.unit.acknowledged(level),
                acknowledged_at: o.unit.acknowledged_at.map(fmt_time).unwrap_or_default(),
                measures_recorded: recorded,
                measures: o
                    .order
                    .measures
                    .iter()
                    .enumerate()
                    .map(|(i, m)| {
                        let kept = o.unit.measures.iter().find(|r| &r.measure == m).filter(|_| recorded);
                        MeasureRow {
                            n: i + 1,
                            text: m.clone(),
                            done: match typed {
                                Some(f) => !field(f, &format!("done_{}", i + 1)).is_empty(),
                                None => kept.is_some_and(|r| r.done),
                            },
                            note: match typed {
                                Some(f) => field(f, &format!("note_{}", i + 1)).to_string(),
                                None => kept.map(|r| r.note.clone()).unwrap_or_default(),
                            },
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    with_status(
        render(&UnitPage {
            nav: Nav::new(u),
            unit_id: p.unit_id.clone(),
            unit_name: p.unit_name.clone(),
            level: p.level.label_zh(),
            level_class: level_class(p.level),
            raised: p.level > Level::Normal,
            orders,
            may_acknowledge: u.principal.can(Permission::ProtectionLevelAcknowledge),
            error: error.map(|e| e.message),
        }),
        status,
    )
}

/// `GET /units/{id}/protection-level`.
pub async fn page(State(state): State<AppState>, UiUser(u): UiUser, Path(id): Path<String>) -> Response {
    unit_page(&state, &u, &id, None, None).await
}

/// The caller's own unit (the acknowledge and measures forms act for it).
fn own_unit(u: &CurrentUser) -> Result<String, ApiError> {
    u.principal.require(Permission::ProtectionLevelAcknowledge)?;
    u.principal.unit_id.clone().ok_or_else(|| {
        ApiError::from(neibao_domain::error::DomainError::new(
            neibao_domain::error::ErrorCode::Forbidden,
        ))
    })
}

/// `POST /emergency/levels/{id}/acknowledge`: the caller's unit acknowledges the order.
pub async fn acknowledge(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(order): Path<String>,
    CsrfForm(_f): CsrfForm<Fields>,
) -> Response {
    let unit = match own_unit(&u) {
        Ok(x) => x,
        Err(e) => return error_page(&u, e),
    };
    match state.services.protection_levels.acknowledge(&u.principal, &order).await {
        Ok(_) => Redirect::to(&format!("/units/{unit}/protection-level")).into_response(),
        Err(e) => {
            let e: ApiError = e.into();
            if matches!(e.code.http_status(), 400 | 409) {
                unit_page(&state, &u, &unit, None, Some(e)).await
            } else {
                error_page(&u, e)
            }
        }
    }
}

/// `POST /emergency/levels/{id}/measures`: `done_<n>` (checkbox) and `note_<n>` per required
/// measure, for the caller's unit; a refused form keeps what was typed.
pub async fn measures(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(order): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let unit = match own_unit(&u) {
        Ok(x) => x,
        Err(e) => return error_page(&u, e),
    };
    let count: usize = field(&f, "count").trim().parse().unwrap_or(0).min(100);
    let input: Vec<MeasureInput> = (1..=count)
        .map(|i| MeasureInput {
            done: !field(&f, &format!("done_{i}")).is_empty(),
            note: field(&f, &format!("note_{i}")).to_string(),
        })
        .collect();
    match state
        .services
        .protection_levels
        .record_measures(&u.principal, &order, &input)
        .await
    {
        Ok(_) => Redirect::to(&format!("/units/{unit}/protection-level")).into_response(),
        Err(e) => {
            let e: ApiError = e.into();
            if matches!(e.code.http_status(), 400 | 409) {
                unit_page(&state, &u, &unit, Some((order.as_str(), &f)), Some(e)).await
            } else {
                error_page(&u, e)
            }
        }
    }
}
