//! Form helpers every capability's pages share: fields as sent (repeated names kept), the status
//! a refused form is re-rendered with, headers of sensitive pages.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;

use crate::error::ApiError;

/// Form fields as sent, in order (repeated names such as checkboxes included).
pub type Fields = Vec<(String, String)>;

/// The first value of `name` ("" when absent).
pub fn field<'a>(f: &'a Fields, name: &str) -> &'a str {
    f.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("")
}

/// Every value of `name`, in order.
pub fn fields<'a>(f: &'a Fields, name: &str) -> Vec<&'a str> {
    f.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect()
}

/// The status a refused form is re-rendered with (the error's own).
pub fn status_of(e: &ApiError) -> StatusCode {
    StatusCode::from_u16(e.code.http_status()).unwrap_or(StatusCode::BAD_REQUEST)
}

/// The status a refused form of a signed-in user is re-rendered with: the error's own, except
/// that 401 (a wrong current password, say) becomes 400 — the user is still signed in.
pub fn signed_in_status_of(e: &ApiError) -> StatusCode {
    match StatusCode::from_u16(e.code.http_status()) {
        Ok(StatusCode::UNAUTHORIZED) | Err(_) => StatusCode::BAD_REQUEST,
        Ok(s) => s,
    }
}

/// Marks a response as not to be stored by the browser or a proxy.
pub fn no_store(mut resp: Response) -> Response {
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// Sets the status of a rendered page (a page that failed to render keeps its 500).
pub fn with_status(mut resp: Response, status: StatusCode) -> Response {
    if resp.status() == StatusCode::OK {
        *resp.status_mut() = status;
    }
    resp
}
