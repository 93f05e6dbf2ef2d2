//! `/emergency/levels` (the orders of the jurisdiction, the new-order form) and
//! `/emergency/levels/{id}` (an order: counts, units, history, the change form).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::access::Permission;
use neibao_domain::paging::Page;
use neibao_domain::protection_levels::{action_label_zh, Level, OrderDetail, OrderState, UnitSet};
use neibao_domain::registry::UnitKind;
use neibao_engine::protection_levels::{ChangeDraft, OrderDraft};
use serde::Deserialize;

use super::view::level_class;
use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{field, fields, local_input, parse_local, status_of, with_status, Fields};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{fmt_time, Nav, Pager};

/// An order as listed.
pub struct OrderRow {
    pub id: String,
    pub title: String,
    pub level: &'static str,
    pub level_class: &'static str,
    pub state: &'static str,
    pub active: bool,
    pub division_prefix: String,
    pub unit_set: String,
    pub starts_at: String,
    pub ends_at: String,
    pub by: String,
}

impl OrderRow {
    fn new(o: &neibao_domain::protection_levels::Order) -> OrderRow {
        OrderRow {
            id: o.id.clone(),
            title: o.title.clone(),
            level: if o.state == OrderState::Ended {
                Level::Normal.label_zh()
            } else {
                o.level.label_zh()
            },
            level_class: level_class(if o.state == OrderState::Ended {
                Level::Normal
            } else {
                o.level
            }),
            state: o.state.label_zh(),
            active: o.state == OrderState::Active,
            division_prefix: o.division_prefix.clone(),
            unit_set: o.unit_set.label_zh(),
            starts_at: fmt_time(o.starts_at),
            ends_at: fmt_time(o.ended_at.unwrap_or(o.ends_at)),
            by: match &o.org_name {
                Some(org) => format!("{org} {}", o.created_by_name),
                None => o.created_by_name.clone(),
            },
        }
    }
}

/// The new-order form as shown or sent.
#[derive(Default, Clone)]
pub struct OrderForm {
    pub title: String,
    pub division_prefix: String,
    pub level: String,
    pub reason: String,
    pub measures: String,
    pub ends_at: String,
    pub key_units_only: bool,
    pub counter_terror_only: bool,
    pub kinds: Vec<String>,
    pub unit_ids: String,
}

impl OrderForm {
    fn empty(u: &CurrentUser) -> OrderForm {
        OrderForm {
            division_prefix: u.principal.division_code.clone().unwrap_or_default(),
            level: "raised".into(),
            ends_at: local_input(chrono::Utc::now() + chrono::Duration::days(7)),
            ..Default::default()
        }
    }

    fn sent(f: &Fields) -> OrderForm {
        OrderForm {
            title: field(f, "title").into(),
            division_prefix: field(f, "division_prefix").into(),
            level: field(f, "level").into(),
            reason: field(f, "reason").into(),
            measures: field(f, "measures").into(),
            ends_at: field(f, "ends_at").into(),
            key_units_only: !field(f, "key_units_only").is_empty(),
            counter_terror_only: !field(f, "counter_terror_only").is_empty(),
            kinds: fields(f, "kinds").into_iter().map(String::from).collect(),
            unit_ids: field(f, "unit_ids").into(),
        }
    }

    fn has_kind(&self, k: &str) -> bool {
        self.kinds.iter().any(|x| x == k)
    }
}

fn lines(s: &str) -> Vec<String> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

#[derive(Template)]
#[template(path = "protection_levels/list.html")]
struct ListPage {
    nav: Nav,
    orders: Vec<OrderRow>,
    pager: Pager,
    may_set: bool,
    form: OrderForm,
    kinds: Vec<(&'static str, &'static str)>,
    levels: Vec<(&'static str, &'static str, String)>,
    error: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    pub page: Option<u32>,
}

async fn list_page(state: &AppState, u: &CurrentUser, page: u32, form: OrderForm, error: Option<ApiError>) -> Response {
    let p = Page::new(Some(page), Some(50));
    let listing = match state.services.protection_levels.orders(&u.principal, p).await {
        Ok(l) => l,
        Err(e) => return error_page(u, e.into()),
    };
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    with_status(
        render(&ListPage {
            nav: Nav::new(u),
            orders: listing.items.iter().map(OrderRow::new).collect(),
            pager: Pager::new("/emergency/levels", &[], listing.page, listing.per_page, listing.total),
            may_set: u.principal.can(Permission::ProtectionLevelSet),
            form,
            kinds: UnitKind::ALL.iter().map(|k| (k.code(), k.label_zh())).collect(),
            levels: [Level::Raised, Level::Highest]
                .iter()
                .map(|l| (l.code(), l.label_zh(), l.default_measures().join("；")))
                .collect(),
            error: error.map(|e| e.message),
        }),
        status,
    )
}

/// `GET /emergency/levels`.
pub async fn list(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<ListQuery>) -> Response {
    let form = OrderForm::empty(&u);
    list_page(&state, &u, q.page.unwrap_or(1), form, None).await
}

/// `POST /emergency/levels`: issues an order; a refused form keeps what was typed.
pub async fn create(State(state): State<AppState>, UiUser(u): UiUser, CsrfForm(f): CsrfForm<Fields>) -> Response {
    let r = async {
        u.principal.require(Permission::ProtectionLevelSet)?;
        let ends_at = if field(&f, "ends_at").trim().is_empty() {
            None
        } else {
            Some(parse_local(field(&f, "ends_at"), "计划结束时间")?)
        };
        let d = OrderDraft {
            title: field(&f, "title").into(),
            division_prefix: field(&f, "division_prefix").into(),
            unit_set: UnitSet {
                key_units_only: !field(&f, "key_units_only").is_empty(),
                counter_terror_only: !field(&f, "counter_terror_only").is_empty(),
                kinds: fields(&f, "kinds").into_iter().map(String::from).collect(),
                unit_ids: lines(field(&f, "unit_ids")),
                ..Default::default()
            },
            level: field(&f, "level").into(),
            reason: field(&f, "reason").into(),
            measures: lines(field(&f, "measures")),
            ends_at,
        };
        Ok::<_, ApiError>(state.services.protection_levels.create(&u.principal, d).await?)
    }
    .await;
    match r {
        Ok(o) => Redirect::to(&format!("/emergency/levels/{}", o.order.id)).into_response(),
        Err(e) if matches!(e.code.http_status(), 400 | 404 | 409) => {
            list_page(&state, &u, 1, OrderForm::sent(&f), Some(e)).await
        }
        Err(e) => error_page(&u, e),
    }
}

/// A covered unit as listed.
pub struct UnitRow {
    pub unit_id: String,
    pub unit_name: String,
    pub division_code: String,
    pub notified_at: String,
    pub acknowledged: bool,
    pub acknowledged_at: String,
    pub measures: String,
}

/// A history row as shown.
pub struct HistoryRow {
    pub at: String,
    pub action: &'static str,
    pub levels: String,
    pub reason: String,
    pub by: String,
}

#[derive(Template)]
#[template(path = "protection_levels/order.html")]
struct OrderPage {
    nav: Nav,
    o: OrderRow,
    reason: String,
    measures: Vec<String>,
    version: i64,
    notified: i64,
    acknowledged: i64,
    measures_recorded: i64,
    not_acknowledged: Vec<String>,
    units: Vec<UnitRow>,
    history: Vec<HistoryRow>,
    may_change: bool,
    change_reason: String,
    change_ends_at: String,
    change_action: String,
    error: Option<String>,
}

async fn order_page(
    state: &AppState,
    u: &CurrentUser,
    id: &str,
    sent: Option<&Fields>,
    error: Option<ApiError>,
) -> Response {
    let d: OrderDetail = match state.services.protection_levels.order(&u.principal, id).await {
        Ok(d) => d,
        Err(e) => return error_page(u, e.into()),
    };
    let level = d.order.level;
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    let units = d
        .units
        .iter()
        .map(|x| UnitRow {
            unit_id: x.unit_id.clone(),
            unit_name: x.unit_name.clone(),
            division_code: x.division_code.clone(),
            notified_at: fmt_time(x.notified_at),
            acknowledged: x.acknowledged(level),
            acknowledged_at: x
                .acknowledged_at
                .filter(|_| x.acknowledged(level))
                .map(fmt_time)
                .unwrap_or_default(),
            measures: if x.measures_recorded(level) {
                format!(
                    "已落实 {}/{}",
                    x.measures.iter().filter(|m| m.done).count(),
                    x.measures.len()
                )
            } else {
                String::new()
            },
        })
        .collect();
    with_status(
        render(&OrderPage {
            nav: Nav::new(u),
            o: OrderRow::new(&d.order),
            reason: d.order.reason.clone(),
            measures: d.order.measures.clone(),
            version: d.order.version,
            notified: d.stats.notified,
            acknowledged: d.stats.acknowledged,
            measures_recorded: d.stats.measures_recorded,
            not_acknowledged: d.stats.not_acknowledged.clone(),
            units,
            history: d
                .history
                .iter()
                .map(|h| HistoryRow {
                    at: fmt_time(h.at),
                    action: action_label_zh(&h.action),
                    levels: format!("{} → {}", h.from_level.label_zh(), h.to_level.label_zh()),
                    reason: h.reason.clone(),
                    by: h.by_name.clone(),
                })
                .collect(),
            may_change: u.principal.can(Permission::ProtectionLevelSet)
                && d.in_full_scope
                && d.order.state == OrderState::Active,
            change_reason: sent.map(|f| field(f, "reason").to_string()).unwrap_or_default(),
            change_ends_at: sent
                .map(|f| field(f, "ends_at").to_string())
                .unwrap_or_else(|| local_input(d.order.ends_at)),
            change_action: sent.map(|f| field(f, "action").to_string()).unwrap_or_default(),
            error: error.map(|e| e.message),
        }),
        status,
    )
}

/// `GET /emergency/levels/{id}`.
pub async fn order(State(state): State<AppState>, UiUser(u): UiUser, Path(id): Path<String>) -> Response {
    order_page(&state, &u, &id, None, None).await
}

/// `POST /emergency/levels/{id}/change`: raise, lower, extend or end; a refused form keeps what
/// was typed.
pub async fn change(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let r = async {
        let ends_at = if field(&f, "action") == "extend" {
            Some(parse_local(field(&f, "ends_at"), "计划结束时间")?)
        } else {
            None
        };
        let version = field(&f, "version").trim().parse().ok();
        Ok::<_, ApiError>(
            state
                .services
                .protection_levels
                .change(
                    &u.principal,
                    &id,
                    ChangeDraft {
                        action: field(&f, "action").into(),
                        reason: field(&f, "reason").into(),
                        ends_at,
                        measures: Vec::new(),
                        version,
                    },
                )
                .await?,
        )
    }
    .await;
    match r {
        Ok(_) => Redirect::to(&format!("/emergency/levels/{id}")).into_response(),
        Err(e) if matches!(e.code.http_status(), 400 | 409) => order_page(&state, &u, &id, Some(&f), Some(e)).await,
        Err(e) => error_page(&u, e),
    }
}
