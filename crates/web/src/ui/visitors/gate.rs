//! The gate page (`/visitors/gate`, phone or tablet sized, 390×844 and up, large touch targets):
//! look a visitor up by ID number, check an approved visitor in after comparing the document
//! shown, register a walk-in (the gate-check privacy notice shown), check visitors out with the
//! goods they carry out and who authorised them, and the visitors still inside, flagged once the
//! unit's closing time has passed.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use neibao_domain::paging::Page;
use neibao_domain::visitors::{IdType, VisitStatus, NOTICE_GATE_CHECK};
use neibao_engine::visitors::{VisitorDraft, VisitorService};
use serde::Deserialize;

use super::view::VisitView;
use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{field, fields, refused_in_form, status_of, with_status, Fields, Sent};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::Nav;

#[derive(Template)]
#[template(path = "visitors/gate.html")]
struct GatePage {
    nav: Nav,
    q: String,
    found: Option<Vec<VisitView>>,
    approved: Vec<VisitView>,
    inside: Vec<VisitView>,
    closing_time: String,
    past_closing: bool,
    id_types: Vec<(&'static str, &'static str)>,
    areas: Vec<(String, String)>,
    notice_title: &'static str,
    notice_text: &'static str,
    notice_version: &'static str,
    sent: Sent,
    /// The visit whose check-in or check-out form was refused.
    refused_id: String,
    done: Option<String>,
    error: Option<String>,
}

impl GatePage {
    fn refused(&self, form: &str, id: &str) -> bool {
        self.sent.was(form) && self.refused_id == id
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct GateQuery {
    q: String,
    done: String,
}

async fn gate_page(
    state: &AppState,
    u: &CurrentUser,
    q: &GateQuery,
    sent: Sent,
    refused_id: &str,
    error: Option<ApiError>,
) -> Response {
    let svc = &state.services.visitors;
    let p = &u.principal;
    let unit = match VisitorService::own_unit(p) {
        Ok(unit) => unit,
        Err(e) => return error_page(u, e.into()),
    };
    let inside = match svc.inside(p, &unit).await {
        Ok(l) => l,
        Err(e) => return error_page(u, e.into()),
    };
    let approved = svc
        .list(
            p,
            Some(unit.clone()),
            Some(VisitStatus::Approved),
            None,
            None,
            Page::new(Some(1), Some(100)),
        )
        .await
        .map(|l| l.items)
        .unwrap_or_default();
    let mut lookup_error = None;
    let found = match q.q.trim() {
        "" => None,
        n => match svc
            .list(p, Some(unit.clone()), None, Some(n), None, Page::new(Some(1), Some(20)))
            .await
        {
            Ok(l) => Some(l.items.iter().map(VisitView::of).collect()),
            Err(e) => {
                lookup_error = Some(ApiError::from(e));
                None
            }
        },
    };
    let error = error.or(lookup_error);
    let areas = state
        .services
        .registry
        .key_areas(p, &unit)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect();
    let done = match q.done.as_str() {
        "walkin" => Some("已登记入场".to_string()),
        "in" => Some("已核验证件并登记入场".to_string()),
        "out" => Some("已登记离场".to_string()),
        _ => None,
    };
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    with_status(
        render(&GatePage {
            nav: Nav::new(u),
            q: q.q.clone(),
            found,
            approved: approved.iter().map(VisitView::of).collect(),
            inside: inside.visits.iter().map(VisitView::of).collect(),
            closing_time: inside.closing_time,
            past_closing: inside.past_closing,
            id_types: IdType::ALL.iter().map(|t| (t.code(), t.label_zh())).collect(),
            areas,
            notice_title: NOTICE_GATE_CHECK.title,
            notice_text: NOTICE_GATE_CHECK.text,
            notice_version: NOTICE_GATE_CHECK.version,
            sent,
            refused_id: refused_id.to_string(),
            done,
            error: error.map(|e| e.message),
        }),
        status,
    )
}

/// `GET /visitors/gate`.
pub async fn gate(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<GateQuery>) -> Response {
    gate_page(&state, &u, &q, Sent::default(), "", None).await
}

async fn refused(state: &AppState, u: &CurrentUser, form: &str, id: &str, f: &Fields, e: ApiError) -> Response {
    if refused_in_form(&e) {
        gate_page(state, u, &GateQuery::default(), Sent::new(form, f), id, Some(e)).await
    } else {
        error_page(u, e)
    }
}

/// `POST /visitors/gate/walk-in`: `name`, `id_type`, `id_number`, `phone`, `purpose`,
/// `host_name`, `plate`, `goods`, `birth_date`, `guardian_name`, `guardian_consent`, `area`.
pub async fn walk_in(State(state): State<AppState>, UiUser(u): UiUser, CsrfForm(f): CsrfForm<Fields>) -> Response {
    let r = async {
        let birth_date = match field(&f, "birth_date").trim() {
            "" => None,
            s => Some(NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
                ApiError::from(neibao_engine::error::ServiceError::invalid("出生日期格式应为 年-月-日"))
            })?),
        };
        let d = VisitorDraft {
            name: field(&f, "name").to_string(),
            id_type: field(&f, "id_type").to_string(),
            id_number: field(&f, "id_number").to_string(),
            phone: field(&f, "phone").to_string(),
            purpose: field(&f, "purpose").to_string(),
            plate: field(&f, "plate").to_string(),
            goods: field(&f, "goods").to_string(),
            birth_date,
            guardian_name: field(&f, "guardian_name").to_string(),
            guardian_consent: field(&f, "guardian_consent") == "1",
            consent: false,
            honeypot: String::new(),
        };
        let unit = u.principal.unit_id.clone().unwrap_or_default();
        let areas: Vec<String> = fields(&f, "area").into_iter().map(str::to_string).collect();
        Ok::<_, ApiError>(
            state
                .services
                .visitors
                .walk_in(&u.principal, &unit, field(&f, "host_name"), &areas, d)
                .await?,
        )
    }
    .await;
    match r {
        Ok(_) => Redirect::to("/visitors/gate?done=walkin").into_response(),
        Err(e) => refused(&state, &u, "walkin", "", &f, e).await,
    }
}

/// `POST /visitors/{id}/check-in`: `id_number` (the document shown).
pub async fn check_in(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    match state
        .services
        .visitors
        .check_in(&u.principal, &id, field(&f, "id_number"))
        .await
    {
        Ok(_) => Redirect::to("/visitors/gate?done=in").into_response(),
        Err(e) => refused(&state, &u, "checkin", &id, &f, e.into()).await,
    }
}

/// `POST /visitors/{id}/check-out`: `goods_out`, `authorised_by`.
pub async fn check_out(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    match state
        .services
        .visitors
        .check_out(&u.principal, &id, field(&f, "goods_out"), field(&f, "authorised_by"))
        .await
    {
        Ok(_) => Redirect::to("/visitors/gate?done=out").into_response(),
        Err(e) => refused(&state, &u, "checkout", &id, &f, e.into()).await,
    }
}
