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

/// A refused form as sent, so that a page shown again puts what was typed back into the form it
/// came from (issue 20: a refused form keeps what was typed). A page with several forms tells
/// them apart by a form name (for the hazard page, the ladder action).
#[derive(Default)]
pub struct Sent {
    form: String,
    fields: Fields,
}

impl Sent {
    /// The fields of the refused form named `form`.
    pub fn new(form: &str, fields: &Fields) -> Sent {
        Sent {
            form: form.to_string(),
            fields: fields.clone(),
        }
    }

    /// What was typed in `name` when the refused form was `form`, else "".
    pub fn of(&self, form: &str, name: &str) -> &str {
        if self.form == form {
            field(&self.fields, name)
        } else {
            ""
        }
    }

    /// Whether `value` was chosen in `name` (a select or a checkbox) of the refused form `form`.
    pub fn chose(&self, form: &str, name: &str, value: &str) -> bool {
        self.form == form && fields(&self.fields, name).contains(&value)
    }

    /// Whether the refused form was `form` (a form that was not refused shows its defaults).
    pub fn was(&self, form: &str) -> bool {
        self.form == form
    }

    /// What was typed in the numbered field `p<n>_<key>` of the refused form `form`.
    pub fn nth(&self, form: &str, n: impl std::fmt::Display, key: &str) -> &str {
        self.of(form, &format!("p{n}_{key}"))
    }
}

/// The status a refused form is re-rendered with (the error's own).
pub fn status_of(e: &ApiError) -> StatusCode {
    StatusCode::from_u16(e.code.http_status()).unwrap_or(StatusCode::BAD_REQUEST)
}

/// Whether a refusal is the form's own to show (400 bad input, 409 wrong state): the page is
/// rendered again with what was typed and the message; other refusals (403, 404, 413 …) are
/// answered as such.
pub fn refused_in_form(e: &ApiError) -> bool {
    matches!(e.code.http_status(), 400 | 409)
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

/// The trimmed text, or `None` when it is empty.
pub fn some_text(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// `2026-11-29T20:15` (a `datetime-local` value) in Beijing time.
pub fn local_input(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&chrono_tz::Asia::Shanghai)
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// A `datetime-local` value (Beijing time) as an instant; a zh-CN message naming the field.
pub fn parse_local(s: &str, label: &str) -> Result<chrono::DateTime<chrono::Utc>, ApiError> {
    use chrono::TimeZone;
    let s = s.trim();
    let naive = [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
    ]
    .iter()
    .find_map(|f| chrono::NaiveDateTime::parse_from_str(s, f).ok())
    .ok_or_else(|| ApiError::validation(format!("请填写「{label}」（北京时间，年-月-日 时:分）")))?;
    chrono_tz::Asia::Shanghai
        .from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&chrono::Utc))
        .ok_or_else(|| ApiError::validation(format!("「{label}」不是有效的时间")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetime_local_is_beijing_time() {
        let t = parse_local("2026-01-02T08:30", "开始时间").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-01-02T00:30:00+00:00");
        assert_eq!(local_input(t), "2026-01-02T08:30");
        let e = parse_local("", "开始时间").unwrap_err();
        assert!(e.message.contains("开始时间"));
    }
}
