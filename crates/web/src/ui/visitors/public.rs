//! The visitor's form (`/visit?t=…`, R12(2)): no account, phone sized. It shows the unit, the
//! host, the purpose and the day of the invitation and the privacy notice of pre-registration
//! with its version; the visitor fills in their details and consents. A refused form keeps what
//! was typed; the budget per client address of the public API applies (429); a hidden honeypot
//! field catches robots.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use chrono::NaiveDate;
use neibao_domain::visitors::{IdType, PublicInvitation, VisitStatus};
use neibao_engine::visitors::VisitorDraft;
use serde::Deserialize;

use crate::api::reports::{client_ip, Client};
use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::form::{field, status_of, Fields};
use crate::ui::kit::render;

#[derive(Template)]
#[template(path = "visitors/public.html")]
struct PublicPage {
    token: String,
    invitation: Option<PublicInvitation>,
    open: bool,
    id_types: Vec<(&'static str, &'static str)>,
    sent: Fields,
    submitted: bool,
    error: Option<String>,
}

impl PublicPage {
    fn v(&self, name: &str) -> &str {
        if self.submitted {
            ""
        } else {
            field(&self.sent, name)
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LinkQuery {
    t: String,
}

async fn page(state: &AppState, token: &str, sent: Fields, submitted: bool, error: Option<ApiError>) -> Response {
    let (invitation, load_error) = if token.trim().is_empty() {
        (None, None)
    } else {
        match state.services.visitors.public_invitation(token).await {
            Ok(i) => (Some(i), None),
            Err(e) => (None, Some(ApiError::from(e))),
        }
    };
    let error = error.or(load_error);
    let status = match (&error, submitted) {
        (Some(e), _) => status_of(e),
        (None, true) => StatusCode::CREATED,
        _ => StatusCode::OK,
    };
    let retry = error.as_ref().and_then(ApiError::retry_after_header);
    let open = invitation.as_ref().is_some_and(|i| i.status == VisitStatus::Invited) && !submitted;
    let mut resp = render(&PublicPage {
        token: token.to_string(),
        invitation,
        open,
        id_types: IdType::ALL.iter().map(|t| (t.code(), t.label_zh())).collect(),
        sent,
        submitted,
        error: error.map(|e| e.message),
    });
    *resp.status_mut() = status;
    if let Some(v) = retry {
        resp.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
    }
    resp
}

/// `GET /visit?t=…`.
pub async fn form(State(state): State<AppState>, Query(q): Query<LinkQuery>) -> Response {
    page(&state, &q.t, Vec::new(), false, None).await
}

/// `POST /visit`: `t` (the link's token), `name`, `id_type`, `id_number`, `phone`, `purpose`,
/// `plate`, `goods`, `birth_date`, `guardian_name`, `guardian_consent`, `consent`, `website`
/// (the honeypot).
pub async fn submit(State(state): State<AppState>, client: Client, Form(f): Form<Fields>) -> Response {
    let token = field(&f, "t").to_string();
    let r = async {
        if token.trim().is_empty() {
            return Err(ApiError::from(neibao_engine::error::ServiceError::invalid(
                "链接无效：请使用被访人发来的邀请链接",
            )));
        }
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
            consent: field(&f, "consent") == "1",
            honeypot: field(&f, "website").to_string(),
        };
        Ok(state
            .services
            .visitors
            .submit_public(client_ip(client), &token, d)
            .await?)
    }
    .await;
    match r {
        Ok(_) => page(&state, &token, f, true, None).await,
        Err(e) => page(&state, &token, f, false, Some(e)).await,
    }
}
