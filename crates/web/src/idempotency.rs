//! Idempotent creating requests (docs/API.md "Idempotent requests"): a POST that names itself
//! with a key — an API call's `Idempotency-Key` header, a UI form's one-time `_once` field
//! (rendered anew with each form, `Nav::once`; urlencoded forms and evidence uploads alike) —
//! is done once per signed-in user and key; a
//! repeat (a double tap, a retry after a lost answer) gets the first answer again, with
//! `Idempotent-Replayed: true`. Without a key a request runs as it always did.
//!
//! The middleware sits inside the audit layer, so that a refused repeat is audited like any
//! refusal. The first request runs on a task of its own: a client that gives up (a browser whose
//! user clicked again) does not cut it short, and its answer is kept for the repeat. Only 2xx
//! and 3xx answers are kept; a failure releases the key, so a corrected form can be sent again
//! with the same token (a refused form is re-shown with what was typed). An answer that holds a
//! secret shown once (marked [`ShownOnce`] by its handler: a new API token, a device's ingest
//! secret) is not kept: its repeats are refused with `idempotency_secret_shown` (409).

use std::time::Duration;

use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use neibao_domain::error::ErrorCode;
use neibao_domain::idempotency::StoredResponse;
use neibao_engine::idempotency::{fingerprint, Begin, Ticket};

use crate::error::ApiError;
use crate::extract::csrf::MAX_FORM_BYTES;
use crate::extract::principal::CurrentUser;
use crate::state::AppState;

/// The request header naming an API call.
pub const KEY_HEADER: &str = "idempotency-key";
/// The answer header of a repeat given the first answer.
pub const REPLAYED_HEADER: &str = "idempotent-replayed";
/// The hidden field of a UI form carrying its one-time token.
pub const FORM_FIELD: &str = "_once";
/// Largest API body buffered to fingerprint a keyed call (bytes): JSON bodies and evidence
/// uploads fit; a larger keyed call is answered 413.
pub const MAX_KEYED_BODY: usize = neibao_domain::attachments::MAX_EVIDENCE_BYTES + 64 * 1024;
/// How long a repeated UI form waits for its first request to finish before it is told to try
/// again (a browser shows the answer of the last click only).
const UI_WAIT: Duration = Duration::from_secs(10);

/// Response extension set by a handler whose answer holds a secret shown once: the answer is
/// not kept for repeats.
#[derive(Debug, Clone, Copy)]
pub struct ShownOnce;

/// Answer headers kept with an answer.
const KEPT_HEADERS: [HeaderName; 2] = [header::LOCATION, header::CONTENT_TYPE];

/// Middleware: runs a keyed POST once per user and key (see the module documentation).
pub async fn idempotent(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST || req.uri().path().starts_with("/ingest/") {
        return next.run(req).await;
    }
    let api = req.uri().path().starts_with("/api/");
    let header_key = req
        .headers()
        .get(KEY_HEADER)
        .map(|v| v.to_str().unwrap_or("\u{1}").to_string());
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let urlencoded = content_type.starts_with("application/x-www-form-urlencoded");
    let multipart = content_type.starts_with("multipart/form-data");
    let length = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    // API calls opt in with the header; UI forms with the field (urlencoded, within the form
    // limit; anything else is left to its handler as before).
    let limit = if api {
        if header_key.is_none() {
            return next.run(req).await;
        }
        MAX_KEYED_BODY
    } else if multipart {
        // An upload form (evidence): its fields are read below; the file is buffered once.
        MAX_KEYED_BODY
    } else {
        if !urlencoded || length.is_none_or(|n| n > MAX_FORM_BYTES) {
            return next.run(req).await;
        }
        MAX_FORM_BYTES
    };
    let (mut parts, body) = req.into_parts();
    // Keys are per signed-in user; anyone else is answered by the handler as before.
    let Ok(user) = CurrentUser::from_request_parts(&mut parts, &state).await else {
        return next.run(Request::from_parts(parts, body)).await;
    };
    if length.is_some_and(|n| n > limit) {
        return ApiError::new(ErrorCode::PayloadTooLarge).into_response();
    }
    let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
        return refuse(api, &user, ApiError::new(ErrorCode::PayloadTooLarge));
    };
    let mut print_of = None;
    let key = if api {
        header_key
    } else if multipart {
        let form = read_upload_form(&content_type, bytes.clone()).await;
        // A form whose CSRF token does not match is refused by its handler, never replayed.
        let csrf_ok = user.check_form_csrf(&form.csrf).is_ok();
        print_of = Some(form.content);
        form.once.filter(|k| csrf_ok && !k.is_empty())
    } else {
        let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
        let field = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        // A form whose CSRF token does not match is refused by its handler, never replayed.
        let csrf_ok = user.check_form_csrf(&field("csrf_token").unwrap_or_default()).is_ok();
        field(FORM_FIELD).filter(|k| csrf_ok && !k.is_empty())
    };
    let Some(key) = key else {
        return next.run(Request::from_parts(parts, Body::from(bytes))).await;
    };
    let path = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/")
        .to_string();
    // An upload is known by its fields, not its bytes: a browser draws a new multipart boundary
    // for every submission, so a double click sends the same file in different framing.
    let print = fingerprint(parts.method.as_str(), &path, print_of.as_deref().unwrap_or(&bytes));
    let service = &state.services.idempotency;
    let mut begun = service.begin(&user.principal, &key, &print).await;
    if !api {
        // A browser shows the answer of the last click: wait for the first one to finish.
        let deadline = tokio::time::Instant::now() + UI_WAIT;
        while matches!(&begun, Err(e) if e.error_code() == ErrorCode::IdempotencyInFlight)
            && tokio::time::Instant::now() < deadline
        {
            tokio::time::sleep(Duration::from_millis(100)).await;
            begun = service.begin(&user.principal, &key, &print).await;
        }
    }
    let ticket = match begun {
        Ok(Begin::Run(ticket)) => ticket,
        Ok(Begin::Replay(stored)) => return replay(stored),
        Err(e) => return refuse(api, &user, ApiError::from(e)),
    };
    // The first request runs on its own task: a client that goes away does not cancel it.
    let services = state.services.clone();
    let req = Request::from_parts(parts, Body::from(bytes));
    let task = tokio::spawn(crate::request_id::carry(async move {
        let resp = next.run(req).await;
        finish(&services.idempotency, &ticket, resp).await
    }));
    match task.await {
        Ok(resp) => resp,
        Err(e) => {
            tracing::error!(error = %e, "idempotent request task failed");
            ApiError::internal().into_response()
        }
    }
}

/// Keeps a 2xx/3xx answer (or notes that it held a secret), releases the key of a failure.
async fn finish(service: &neibao_engine::idempotency::IdempotencyService, ticket: &Ticket, resp: Response) -> Response {
    let status = resp.status();
    if !(status.is_success() || status.is_redirection()) {
        if let Err(e) = service.release(ticket).await {
            tracing::error!(error = %e, "idempotency key not released");
        }
        return resp;
    }
    if resp.extensions().get::<ShownOnce>().is_some() {
        if let Err(e) = service.complete(ticket, None).await {
            tracing::error!(error = %e, "idempotency key not completed");
        }
        return resp;
    }
    let (parts, body) = resp.into_parts();
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "answer body unreadable");
            let _ = service.release(ticket).await;
            return ApiError::internal().into_response();
        }
    };
    let stored = StoredResponse {
        status: status.as_u16(),
        headers: KEPT_HEADERS
            .iter()
            .filter_map(|name| {
                let value = parts.headers.get(name)?.to_str().ok()?;
                Some((name.as_str().to_string(), value.to_string()))
            })
            .collect(),
        body: bytes.to_vec(),
    };
    if let Err(e) = service.complete(ticket, Some(&stored)).await {
        tracing::error!(error = %e, "idempotency key not completed");
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// What an upload form carries besides its file, read from the buffered body.
struct UploadForm {
    /// The `csrf` field (empty when absent).
    csrf: String,
    /// The `_once` field.
    once: Option<String>,
    /// Every other field as `name NUL file name NUL length NUL bytes`, in order: what the
    /// fingerprint is taken over.
    content: Vec<u8>,
}

/// Reads an upload form's fields from its buffered body. A body that is not a well-formed
/// multipart form yields no token, and its handler refuses it as before.
async fn read_upload_form(content_type: &str, bytes: axum::body::Bytes) -> UploadForm {
    use axum::extract::{FromRequest, Multipart};
    let mut form = UploadForm {
        csrf: String::new(),
        once: None,
        content: Vec::new(),
    };
    let req = Request::builder()
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(bytes));
    let Ok(req) = req else { return form };
    let Ok(mut mp) = Multipart::from_request(req, &()).await else {
        return form;
    };
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => return form,
            Err(_) => {
                form.once = None;
                return form;
            }
        };
        let name = field.name().unwrap_or("").to_string();
        let file_name = field.file_name().unwrap_or("").to_string();
        let Ok(data) = field.bytes().await else {
            form.once = None;
            return form;
        };
        match name.as_str() {
            "csrf" => form.csrf = String::from_utf8_lossy(&data).into_owned(),
            FORM_FIELD => form.once = Some(String::from_utf8_lossy(&data).into_owned()),
            _ => {
                for part in [name.as_bytes(), file_name.as_bytes(), data.len().to_string().as_bytes()] {
                    form.content.extend_from_slice(part);
                    form.content.push(0);
                }
                form.content.extend_from_slice(&data);
            }
        }
    }
}

/// The kept answer, marked as a repeat.
fn replay(stored: StoredResponse) -> Response {
    let mut resp = Response::new(Body::from(stored.body));
    *resp.status_mut() = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    for (name, value) in stored.headers {
        if let (Ok(n), Ok(v)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            resp.headers_mut().insert(n, v);
        }
    }
    resp.headers_mut()
        .insert(REPLAYED_HEADER, HeaderValue::from_static("true"));
    resp
}

/// A refusal: the error body for the API, the error page for a form.
fn refuse(api: bool, user: &CurrentUser, e: ApiError) -> Response {
    if api {
        e.into_response()
    } else if e.code == ErrorCode::IdempotencyKeyReused {
        // The form came back (the browser's back button) and was changed after it was sent.
        crate::ui::error_page(
            user,
            ApiError::msg(e.code, "此表单已提交过，内容又有改动；请重新打开表单后再提交新的内容"),
        )
    } else {
        let resp = crate::ui::error_page(user, e.clone());
        e.with_retry_after(resp)
    }
}
