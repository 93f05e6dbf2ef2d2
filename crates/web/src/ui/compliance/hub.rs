//! `/compliance`: the three lists with their forms and the settings; the creating posts.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::access::Permission;
use neibao_domain::compliance::SubjectRequestFilter;
use neibao_engine::compliance::{RequestInput, SettingsInput};
use serde::Deserialize;

use super::forms::{activity_input, breach_input, category_labels, shown, ActivityForm, BreachForm, Choices};
use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{field, refused_in_form, status_of, with_status, Fields, Sent};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::Nav;

/// A record as a row shows it.
pub struct ActivityRow {
    pub id: String,
    pub owner: String,
    pub purpose: String,
    pub basis: String,
    pub categories: String,
    pub sensitive: bool,
    pub retention: i64,
    pub recipients: String,
    pub pia_ref: String,
}

/// A request as a row shows it.
pub struct RequestRow {
    pub id: String,
    pub owner: String,
    pub kind: String,
    pub subject: String,
    pub received_on: String,
    pub deadline: String,
    pub state: String,
    pub overdue: bool,
    pub handler: String,
}

/// An incident as a row shows it.
pub struct BreachRow {
    pub id: String,
    pub owner: String,
    pub title: String,
    pub discovered: String,
    pub authority: String,
    pub individuals: String,
    pub state: String,
}

#[derive(Template)]
#[template(path = "compliance/hub.html")]
struct HubPage {
    nav: Nav,
    error: Option<String>,
    activities: Vec<ActivityRow>,
    requests: Vec<RequestRow>,
    breaches: Vec<BreachRow>,
    overdue_only: bool,
    overdue_count: usize,
    deadline_days: i64,
    holidays: String,
    may_configure: bool,
    choices: Choices,
    af: ActivityForm,
    bf: BreachForm,
    sent: Sent,
}

/// `?overdue=1`: only the overdue requests.
#[derive(Debug, Default, Deserialize)]
pub struct HubQuery {
    #[serde(default)]
    pub overdue: Option<String>,
}

async fn hub_page(
    state: &AppState,
    u: &CurrentUser,
    overdue_only: bool,
    refused: Option<(&str, &Fields)>,
    error: Option<ApiError>,
) -> Response {
    let svc = &state.services.compliance;
    let p = &u.principal;
    let settings = match svc.settings(p).await {
        Ok(s) => s,
        Err(e) => return error_page(u, e.into()),
    };
    let activities = match svc.activities(p).await {
        Ok(l) => l,
        Err(e) => return error_page(u, e.into()),
    };
    let all = match svc.requests(p, &SubjectRequestFilter::default()).await {
        Ok(l) => l,
        Err(e) => return error_page(u, e.into()),
    };
    let breaches = match svc.breaches(p).await {
        Ok(l) => l,
        Err(e) => return error_page(u, e.into()),
    };
    let overdue_count = all.iter().filter(|r| r.overdue).count();
    let requests = all
        .iter()
        .filter(|r| !overdue_only || r.overdue)
        .map(|r| RequestRow {
            id: r.id.clone(),
            owner: r.owner.owner_name.clone(),
            kind: r.kind_label.clone(),
            subject: r.subject_name.clone(),
            received_on: r.received_on.to_string(),
            deadline: r.deadline.to_string(),
            state: if r.overdue {
                format!("{}（已超期）", r.state_label)
            } else {
                r.state_label.clone()
            },
            overdue: r.overdue,
            handler: r.handler.clone(),
        })
        .collect();
    let (af, bf, sent) = match refused {
        Some((form, f)) => (
            if form == "activity" {
                ActivityForm::sent(f)
            } else {
                ActivityForm::default()
            },
            if form == "breach" {
                BreachForm::sent(f)
            } else {
                BreachForm::default()
            },
            Sent::new(form, f),
        ),
        None => (ActivityForm::default(), BreachForm::default(), Sent::default()),
    };
    let status = error.as_ref().map(status_of).unwrap_or(StatusCode::OK);
    with_status(
        render(&HubPage {
            nav: Nav::new(u),
            activities: activities
                .iter()
                .map(|a| ActivityRow {
                    id: a.id.clone(),
                    owner: a.owner.owner_name.clone(),
                    purpose: a.purpose_label.clone(),
                    basis: a.legal_basis_label.clone(),
                    categories: category_labels(&a.categories),
                    sensitive: a.sensitive,
                    retention: a.retention_days,
                    recipients: a.recipients.clone(),
                    pia_ref: a.pia_ref.clone(),
                })
                .collect(),
            requests,
            breaches: breaches
                .iter()
                .map(|b| BreachRow {
                    id: b.id.clone(),
                    owner: b.owner.owner_name.clone(),
                    title: b.title.clone(),
                    discovered: shown(Some(b.discovered_at)),
                    authority: shown(b.authority_notified_at),
                    individuals: shown(b.individuals_notified_at),
                    state: b.state_label.clone(),
                })
                .collect(),
            overdue_only,
            overdue_count,
            deadline_days: settings.deadline_working_days,
            holidays: if sent.was("settings") {
                sent.of("settings", "holidays").to_string()
            } else {
                settings
                    .holidays
                    .iter()
                    .map(|d| d.to_string())
                    .collect::<Vec<_>>()
                    .join("\n")
            },
            may_configure: p.can(Permission::ComplianceConfigure),
            choices: Choices::all(),
            af,
            bf,
            sent,
            error: error.map(|e| e.message),
        }),
        status,
    )
}

/// `GET /compliance` (`?overdue=1`: only the overdue requests).
pub async fn hub(State(state): State<AppState>, UiUser(u): UiUser, Query(q): Query<HubQuery>) -> Response {
    let overdue_only = q.overdue.as_deref().is_some_and(|v| !v.is_empty() && v != "0");
    hub_page(&state, &u, overdue_only, None, None).await
}

/// A refused form of the hub shown again with what was typed, or the refusal as a page.
async fn refused(state: &AppState, u: &CurrentUser, form: &str, f: &Fields, e: ApiError) -> Response {
    if refused_in_form(&e) {
        hub_page(state, u, false, Some((form, f)), Some(e)).await
    } else {
        error_page(u, e)
    }
}

/// `POST /compliance/activities`: purpose, description, legal_basis, categories (repeated),
/// retention_days, recipients, pia_ref.
pub async fn create_activity(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let input = match activity_input(&f) {
        Ok(i) => i,
        Err(e) => return refused(&state, &u, "activity", &f, e).await,
    };
    match state.services.compliance.create_activity(&u.principal, input).await {
        Ok(a) => Redirect::to(&format!("/compliance/activities/{}", a.id)).into_response(),
        Err(e) => refused(&state, &u, "activity", &f, e.into()).await,
    }
}

/// `POST /compliance/requests`: kind, subject_name, contact, content, received_on, handler.
pub async fn create_request(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let received = field(&f, "received_on").trim();
    let received_on = if received.is_empty() {
        None
    } else {
        match chrono::NaiveDate::parse_from_str(received, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                return refused(
                    &state,
                    &u,
                    "request",
                    &f,
                    ApiError::validation("收到日期格式应为 年-月-日"),
                )
                .await
            }
        }
    };
    let input = RequestInput {
        kind: field(&f, "kind").into(),
        subject_name: field(&f, "subject_name").into(),
        contact: field(&f, "contact").into(),
        content: field(&f, "content").into(),
        received_on,
        handler: field(&f, "handler").into(),
    };
    match state.services.compliance.create_request(&u.principal, input).await {
        Ok(r) => Redirect::to(&format!("/compliance/requests/{}", r.id)).into_response(),
        Err(e) => refused(&state, &u, "request", &f, e.into()).await,
    }
}

/// `POST /compliance/breaches`: the incident's content (see the form).
pub async fn create_breach(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let input = match breach_input(&f) {
        Ok(i) => i,
        Err(e) => return refused(&state, &u, "breach", &f, e).await,
    };
    match state.services.compliance.create_breach(&u.principal, input).await {
        Ok(b) => Redirect::to(&format!("/compliance/breaches/{}", b.id)).into_response(),
        Err(e) => refused(&state, &u, "breach", &f, e.into()).await,
    }
}

/// `POST /compliance/settings`: deadline_working_days, holidays (one date a line).
pub async fn settings(State(state): State<AppState>, UiUser(u): UiUser, CsrfForm(f): CsrfForm<Fields>) -> Response {
    let days = match field(&f, "deadline_working_days").trim().parse::<i64>() {
        Ok(d) => d,
        Err(_) => {
            return refused(
                &state,
                &u,
                "settings",
                &f,
                ApiError::validation("答复期限应为工作日天数（整数）"),
            )
            .await
        }
    };
    let mut holidays = Vec::new();
    for l in field(&f, "holidays")
        .split(|c: char| c == '\n' || c == ',' || c == '，' || c.is_whitespace())
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        match chrono::NaiveDate::parse_from_str(l, "%Y-%m-%d") {
            Ok(d) => holidays.push(d),
            Err(_) => {
                let e = ApiError::validation(format!("节假日「{l}」格式应为 年-月-日"));
                return refused(&state, &u, "settings", &f, e).await;
            }
        }
    }
    let input = SettingsInput {
        deadline_working_days: days,
        holidays,
    };
    match state.services.compliance.set_settings(&u.principal, input).await {
        Ok(_) => Redirect::to("/compliance").into_response(),
        Err(e) => refused(&state, &u, "settings", &f, e.into()).await,
    }
}
