//! Signing in again without losing the page (issue 20: "an expired session offers to sign in again
//! without losing the page, and returns to it").
//!
//! - A page opened without a valid session goes to `/login?next=<the page>` (with `expired=1` when
//!   the browser still sent a session cookie, so the login page says the session ended); after
//!   signing in the user lands on that page, not on the home page.
//! - A form posted after the session ended is not lost: the login page is shown in place of the
//!   answer, carrying the posted fields as hidden inputs; after signing in, a confirmation page
//!   holds the same fields with the new session's CSRF token and one button, 继续提交. Nothing is
//!   submitted without that click, and only forms posted from this site's own pages are carried
//!   (`Origin` or `Sec-Fetch-Site`), so another site cannot use the mechanism to have a user
//!   confirm a form it made up. Password, second-factor and login forms are never carried (their
//!   secrets would be written back into a page), nor are file uploads (a browser cannot re-attach
//!   a file); those go back to the page they came from.
//!
//! Targets are local paths only ([`safe_next`]): no other host, no scheme, no `//`.

use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method};
use axum::response::{IntoResponse, Redirect, Response};

use crate::extract::cookie::cookie_token;

/// Longest target path kept (bytes); a longer one goes to the home page instead.
const MAX_NEXT: usize = 2000;

/// The prefix of a carried field's name in the login form (`resume.title` carries `title`).
pub const RESUME_PREFIX: &str = "resume.";

/// Field naming the action a carried form goes to.
pub const RESUME_ACTION: &str = "resume_action";

/// `path` when it is a local path this site may send a user to after signing in, else `None`:
/// starts with one `/` (not `//`, which a browser reads as another host), has no backslash or
/// control character, is at most [`MAX_NEXT`] bytes, and is not a login, logout or API path.
pub fn safe_next(path: &str) -> Option<&str> {
    let local = path.starts_with('/') && !path.starts_with("//");
    let clean = !path.chars().any(|c| c == '\\' || c.is_control());
    let bare = path.split(['?', '#']).next().unwrap_or("");
    let ordinary = !matches!(bare, "/login" | "/logout") && !bare.starts_with("/api/") && !bare.starts_with("/static/");
    (local && clean && ordinary && path.len() <= MAX_NEXT).then_some(path)
}

/// The local path of a `Referer` header (`https://host/units/7?x=1` → `/units/7?x=1`).
fn referer_path(headers: &HeaderMap) -> Option<String> {
    let r = headers.get(header::REFERER)?.to_str().ok()?;
    let rest = r.split_once("://").map(|(_, rest)| rest)?;
    let path = &rest[rest.find('/')?..];
    safe_next(path).map(str::to_string)
}

/// The page to come back to after signing in: the page itself (a GET) or the page the form was on
/// (any other method, from `Referer`); `None` when neither is a [`safe_next`] path.
pub fn return_path(parts: &Parts) -> Option<String> {
    if parts.method == Method::GET {
        parts
            .uri
            .path_and_query()
            .and_then(|p| safe_next(p.as_str()))
            .map(str::to_string)
    } else {
        referer_path(&parts.headers)
    }
}

/// The login page's address for a request that found no valid session: `next` is its
/// [`return_path`], `expired=1` when the browser still sent a session cookie.
pub fn login_location(parts: &Parts) -> String {
    let back = return_path(parts);
    let mut query: Vec<(&str, &str)> = Vec::new();
    if let Some(back) = back.as_deref() {
        query.push(("next", back));
    }
    if cookie_token(&parts.headers).is_some() {
        query.push(("expired", "1"));
    }
    if query.is_empty() {
        "/login".to_string()
    } else {
        format!("/login?{}", serde_urlencoded::to_string(&query).unwrap_or_default())
    }
}

/// Redirect to the login page for a request that found no valid session ([`login_location`]).
pub fn to_login(parts: &Parts) -> Response {
    Redirect::to(&login_location(parts)).into_response()
}

/// Whether a request was made by one of this site's own pages: `Sec-Fetch-Site: same-origin`,
/// or an `Origin` whose host is the request's `Host`.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let value = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = value("sec-fetch-site") {
        return site == "same-origin";
    }
    match (value("origin"), value("host")) {
        (Some(origin), Some(host)) => origin.split_once("://").map(|(_, h)| h) == Some(host),
        _ => false,
    }
}

/// Whether a form posted to `action` may be carried through a new sign-in.
fn carriable(action: &str) -> bool {
    safe_next(action).is_some() && !action.starts_with("/account/password") && !action.starts_with("/account/totp")
}

/// A form carried through the login page: where it goes and its fields (the CSRF token left out).
pub struct Carried {
    pub action: String,
    pub fields: Vec<(String, String)>,
}

impl Carried {
    /// The form a UI post carried, if it may be carried: posted from this site, to an ordinary
    /// action ([`carriable`]), with its fields.
    pub fn from_post(parts: &Parts, fields: Vec<(String, String)>) -> Option<Carried> {
        let action = parts.uri.path_and_query()?.as_str();
        (same_origin(&parts.headers) && carriable(action)).then(|| Carried {
            action: action.to_string(),
            fields: fields.into_iter().filter(|(k, _)| k != "csrf_token").collect(),
        })
    }

    /// The carried form from a login form's fields (`resume_action` and `resume.*`).
    pub fn from_login(fields: &[(String, String)]) -> Option<Carried> {
        let action = fields
            .iter()
            .find(|(k, _)| k == RESUME_ACTION)
            .map(|(_, v)| v.as_str())?;
        carriable(action).then(|| Carried {
            action: action.to_string(),
            fields: fields
                .iter()
                .filter_map(|(k, v)| Some((k.strip_prefix(RESUME_PREFIX)?.to_string(), v.clone())))
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_ordinary_paths_are_targets() {
        for ok in ["/", "/units/7", "/hazards?open=1&page=2", "/inspections/3/edit"] {
            assert_eq!(safe_next(ok), Some(ok), "{ok}");
        }
        for bad in [
            "",
            "units",
            "//evil.example/x",
            "/\\evil.example",
            "https://evil.example/",
            "/login",
            "/login?next=/x",
            "/logout",
            "/api/v1/units",
            "/static/app.js",
            "/units\n/x",
        ] {
            assert_eq!(safe_next(bad), None, "{bad:?}");
        }
        assert_eq!(safe_next(&format!("/{}", "a".repeat(MAX_NEXT))), None);
    }

    #[test]
    fn same_origin_needs_the_browser_to_say_so() {
        let mut h = HeaderMap::new();
        assert!(!same_origin(&h));
        h.insert("host", "neibao.local:8080".parse().unwrap());
        h.insert("origin", "http://neibao.local:8080".parse().unwrap());
        assert!(same_origin(&h));
        h.insert("origin", "http://evil.example".parse().unwrap());
        assert!(!same_origin(&h));
        h.insert("sec-fetch-site", "cross-site".parse().unwrap());
        assert!(!same_origin(&h));
        h.insert("sec-fetch-site", "same-origin".parse().unwrap());
        assert!(same_origin(&h));
    }
}
