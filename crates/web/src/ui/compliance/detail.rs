//! One record, request or incident, with the forms of what its keeper may do.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::compliance::{Breach, PiBreachState, PiRequestState, ProcessingActivity, SubjectRequest};
use neibao_engine::compliance::{ComplianceService, NotifyInput};

use super::forms::{activity_input, breach_input, category_labels, shown, ActivityForm, BreachForm, Choices};
use crate::error::ApiError;
use crate::extract::csrf::CsrfForm;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;
use crate::ui::form::{field, parse_local, refused_in_form, status_of, with_status, Fields, Sent};
use crate::ui::kit::{error_page, render, UiUser};
use crate::ui::views::{fmt_time, Nav};

fn status(error: &Option<ApiError>) -> StatusCode {
    error.as_ref().map(status_of).unwrap_or(StatusCode::OK)
}

// ---- a record of processing activities ----

#[derive(Template)]
#[template(path = "compliance/activity.html")]
struct ActivityPage {
    nav: Nav,
    a: ProcessingActivity,
    categories: String,
    updated: String,
    keeps: bool,
    choices: Choices,
    af: ActivityForm,
    error: Option<String>,
}

async fn activity_page(
    state: &AppState,
    u: &CurrentUser,
    id: &str,
    sent: Option<&Fields>,
    error: Option<ApiError>,
) -> Response {
    let a = match state.services.compliance.activity(&u.principal, id).await {
        Ok(a) => a,
        Err(e) => return error_page(u, e.into()),
    };
    let st = status(&error);
    with_status(
        render(&ActivityPage {
            nav: Nav::new(u),
            categories: category_labels(&a.categories),
            updated: format!("{} 由 {} 更新", fmt_time(a.updated_at), a.updated_by),
            keeps: ComplianceService::keeps(&u.principal, &a.owner),
            choices: Choices::all(),
            af: sent.map(ActivityForm::sent).unwrap_or_else(|| ActivityForm::of(&a)),
            error: error.map(|e| e.message),
            a,
        }),
        st,
    )
}

/// `GET /compliance/activities/{id}`.
pub async fn activity(State(state): State<AppState>, UiUser(u): UiUser, Path(id): Path<String>) -> Response {
    activity_page(&state, &u, &id, None, None).await
}

/// `POST /compliance/activities/{id}`: the record's form.
pub async fn update_activity(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let r = match activity_input(&f) {
        Ok(input) => state
            .services
            .compliance
            .update_activity(&u.principal, &id, input)
            .await
            .map_err(ApiError::from),
        Err(e) => Err(e),
    };
    match r {
        Ok(_) => Redirect::to(&format!("/compliance/activities/{id}")).into_response(),
        Err(e) if refused_in_form(&e) => activity_page(&state, &u, &id, Some(&f), Some(e)).await,
        Err(e) => error_page(&u, e),
    }
}

// ---- a data-subject request ----

#[derive(Template)]
#[template(path = "compliance/request.html")]
struct RequestPage {
    nav: Nav,
    r: SubjectRequest,
    open: bool,
    closed: String,
    keeps: bool,
    sent: Sent,
    error: Option<String>,
}

async fn request_page(state: &AppState, u: &CurrentUser, id: &str, sent: Sent, error: Option<ApiError>) -> Response {
    let r = match state.services.compliance.request(&u.principal, id).await {
        Ok(r) => r,
        Err(e) => return error_page(u, e.into()),
    };
    let st = status(&error);
    with_status(
        render(&RequestPage {
            nav: Nav::new(u),
            open: r.state == PiRequestState::Open,
            closed: match (&r.closed_at, &r.closed_by) {
                (Some(t), Some(by)) => format!("{} 由 {by} 办结", fmt_time(*t)),
                _ => String::new(),
            },
            keeps: ComplianceService::keeps(&u.principal, &r.owner),
            sent,
            error: error.map(|e| e.message),
            r,
        }),
        st,
    )
}

/// `GET /compliance/requests/{id}`.
pub async fn request(State(state): State<AppState>, UiUser(u): UiUser, Path(id): Path<String>) -> Response {
    request_page(&state, &u, &id, Sent::default(), None).await
}

async fn request_done(
    state: &AppState,
    u: &CurrentUser,
    id: &str,
    form: &str,
    f: &Fields,
    r: Result<SubjectRequest, ApiError>,
) -> Response {
    match r {
        Ok(_) => Redirect::to(&format!("/compliance/requests/{id}")).into_response(),
        Err(e) if refused_in_form(&e) => request_page(state, u, id, Sent::new(form, f), Some(e)).await,
        Err(e) => error_page(u, e),
    }
}

/// `POST /compliance/requests/{id}/reply`: reply, handler.
pub async fn reply(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let r = state
        .services
        .compliance
        .reply(&u.principal, &id, field(&f, "reply"), field(&f, "handler"))
        .await
        .map_err(ApiError::from);
    request_done(&state, &u, &id, "reply", &f, r).await
}

/// `POST /compliance/requests/{id}/refuse`: reasons, handler.
pub async fn refuse(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let r = state
        .services
        .compliance
        .refuse(&u.principal, &id, field(&f, "reasons"), field(&f, "handler"))
        .await
        .map_err(ApiError::from);
    request_done(&state, &u, &id, "refuse", &f, r).await
}

// ---- a data incident ----

#[derive(Template)]
#[template(path = "compliance/breach.html")]
struct BreachPage {
    nav: Nav,
    b: Breach,
    categories: String,
    occurred: String,
    discovered: String,
    authority: String,
    individuals: String,
    closed: String,
    missing: String,
    open: bool,
    keeps: bool,
    choices: Choices,
    bf: BreachForm,
    sent: Sent,
    error: Option<String>,
}

async fn breach_page(
    state: &AppState,
    u: &CurrentUser,
    id: &str,
    refused: Option<(&str, &Fields)>,
    error: Option<ApiError>,
) -> Response {
    let b = match state.services.compliance.breach(&u.principal, id).await {
        Ok(b) => b,
        Err(e) => return error_page(u, e.into()),
    };
    let (bf, sent) = match refused {
        Some(("breach", f)) => (BreachForm::sent(f), Sent::new("breach", f)),
        Some((form, f)) => (BreachForm::of(&b), Sent::new(form, f)),
        None => (BreachForm::of(&b), Sent::default()),
    };
    let st = status(&error);
    with_status(
        render(&BreachPage {
            nav: Nav::new(u),
            categories: category_labels(&b.categories),
            occurred: shown(b.occurred_at),
            discovered: shown(Some(b.discovered_at)),
            authority: match (&b.authority_notified_at, &b.authority_notified_by) {
                (Some(t), Some(by)) => format!("{} 通知{}（{by} 登记）", fmt_time(*t), b.authority_name),
                _ => "未通知".into(),
            },
            individuals: match (&b.individuals_notified_at, &b.individuals_notified_by) {
                (Some(t), Some(by)) => format!("{} 以「{}」通知（{by} 登记）", fmt_time(*t), b.individuals_method),
                _ => "未通知".into(),
            },
            closed: match (&b.closed_at, &b.closed_by) {
                (Some(t), Some(by)) => format!("{} 由 {by} 结案", fmt_time(*t)),
                _ => String::new(),
            },
            missing: b.missing_notification_items().join("、"),
            open: b.state == PiBreachState::Open,
            keeps: ComplianceService::keeps(&u.principal, &b.owner),
            choices: Choices::all(),
            bf,
            sent,
            error: error.map(|e| e.message),
            b,
        }),
        st,
    )
}

/// `GET /compliance/breaches/{id}`.
pub async fn breach(State(state): State<AppState>, UiUser(u): UiUser, Path(id): Path<String>) -> Response {
    breach_page(&state, &u, &id, None, None).await
}

async fn breach_done(
    state: &AppState,
    u: &CurrentUser,
    id: &str,
    form: &str,
    f: &Fields,
    r: Result<Breach, ApiError>,
) -> Response {
    match r {
        Ok(_) => Redirect::to(&format!("/compliance/breaches/{id}")).into_response(),
        Err(e) if refused_in_form(&e) => breach_page(state, u, id, Some((form, f)), Some(e)).await,
        Err(e) => error_page(u, e),
    }
}

/// `POST /compliance/breaches/{id}`: the incident's content.
pub async fn update_breach(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let r = match breach_input(&f) {
        Ok(input) => state
            .services
            .compliance
            .update_breach(&u.principal, &id, input)
            .await
            .map_err(ApiError::from),
        Err(e) => Err(e),
    };
    breach_done(&state, &u, &id, "breach", &f, r).await
}

/// `POST /compliance/breaches/{id}/notifications`: target, recipient, at (Beijing time,
/// default now).
pub async fn notify(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let at = field(&f, "at");
    let r = match if at.trim().is_empty() {
        Ok(None)
    } else {
        parse_local(at, "通知时间").map(Some)
    } {
        Ok(at) => state
            .services
            .compliance
            .notify(
                &u.principal,
                &id,
                NotifyInput {
                    target: field(&f, "target").into(),
                    recipient: field(&f, "recipient").into(),
                    at,
                },
            )
            .await
            .map_err(ApiError::from),
        Err(e) => Err(e),
    };
    breach_done(&state, &u, &id, "notify", &f, r).await
}

/// `POST /compliance/breaches/{id}/close`: note.
pub async fn close_breach(
    State(state): State<AppState>,
    UiUser(u): UiUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> Response {
    let r = state
        .services
        .compliance
        .close_breach(&u.principal, &id, field(&f, "note"))
        .await
        .map_err(ApiError::from);
    breach_done(&state, &u, &id, "close", &f, r).await
}
