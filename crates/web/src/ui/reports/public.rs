//! The public suspicious-activity form (`/report`, R48): no account, no captcha. It lists the
//! places (police stations and county bureaus) and nothing about any unit; an accepted report is
//! answered only with 已收到 and its receipt number; a refused one keeps what was typed. The same
//! budget as the public API limits each client address (429 with a zh-CN message); a hidden
//! honeypot field catches robots.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;

use crate::api::reports::{client_ip, Client};
use crate::error::ApiError;
use crate::state::AppState;
use crate::ui::form::{field, parse_local, status_of, Fields};
use crate::ui::kit::render;
use neibao_engine::reports::PublicInput;

#[derive(Template)]
#[template(path = "reports/public.html")]
struct PublicPage {
    places: Vec<(String, String)>,
    division_code: String,
    place: String,
    details: String,
    occurred_at: String,
    contact: String,
    receipt: Option<String>,
    error: Option<String>,
}

async fn page(state: &AppState, sent: &Fields, receipt: Option<String>, error: Option<ApiError>) -> Response {
    let places = state.services.reports.public_places().await.unwrap_or_default();
    let status = match (&receipt, &error) {
        (_, Some(e)) => status_of(e),
        (Some(_), None) => StatusCode::CREATED,
        _ => StatusCode::OK,
    };
    let retry = error.as_ref().and_then(ApiError::retry_after_header);
    let keep = receipt.is_none();
    let mut resp = render(&PublicPage {
        places,
        division_code: if keep {
            field(sent, "division_code").to_string()
        } else {
            String::new()
        },
        place: if keep {
            field(sent, "place").to_string()
        } else {
            String::new()
        },
        details: if keep {
            field(sent, "details").to_string()
        } else {
            String::new()
        },
        occurred_at: if keep {
            field(sent, "occurred_at").to_string()
        } else {
            String::new()
        },
        contact: if keep {
            field(sent, "contact").to_string()
        } else {
            String::new()
        },
        receipt,
        error: error.map(|e| e.message),
    });
    *resp.status_mut() = status;
    if let Some(v) = retry {
        resp.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
    }
    resp
}

/// `GET /report`.
pub async fn form(State(state): State<AppState>) -> Response {
    page(&state, &Vec::new(), None, None).await
}

/// `POST /report`: `division_code`, `place`, `details`, `occurred_at` (Beijing
/// `datetime-local`), `contact` (optional), `website` (the honeypot: left empty by people).
pub async fn submit(State(state): State<AppState>, client: Client, Form(f): Form<Fields>) -> Response {
    let r = async {
        let occurred_at = match field(&f, "occurred_at").trim() {
            "" => None,
            s => Some(parse_local(s, "发生时间")?),
        };
        let input = PublicInput {
            division_code: field(&f, "division_code").to_string(),
            place: field(&f, "place").to_string(),
            details: field(&f, "details").to_string(),
            occurred_at,
            contact: field(&f, "contact").to_string(),
            honeypot: field(&f, "website").to_string(),
        };
        Ok::<_, ApiError>(state.services.reports.file_public(client_ip(client), input).await?)
    }
    .await;
    match r {
        Ok(receipt) => page(&state, &f, Some(receipt.receipt_no), None).await,
        Err(e) => page(&state, &f, None, Some(e)).await,
    }
}
