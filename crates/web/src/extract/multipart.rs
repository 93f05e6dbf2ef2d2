//! [`CsrfMultipart`]: a multipart upload (evidence files) whose CSRF token is checked before
//! anything of the body is read. Every multipart route takes its body through it, so no handler
//! checks the token by hand. Security-sensitive.
//!
//! A browser session sends the token in the `X-CSRF-Token` header, or as the form's first field
//! `csrf` (so the file is not even read without it); bearer-token callers need none (the session
//! cookie's API calls already carry the header, checked by [`CurrentUser`]). The file itself is
//! read by [`CsrfMultipart::file`], after the handler has checked who may upload to what.

use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Multipart, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use neibao_domain::attachments::{too_large, Upload, MAX_EVIDENCE_BYTES};
use neibao_domain::error::ErrorCode;

use crate::error::ApiError;
use crate::extract::principal::{CurrentUser, CSRF_HEADER};
use crate::state::AppState;
use crate::ui::accounts::resume::to_login;
use crate::ui::error_page;

/// The body limit of upload routes: the largest file plus the multipart framing.
pub fn upload_limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(MAX_EVIDENCE_BYTES + 64 * 1024)
}

/// The body of a multipart request whose CSRF token matched the signed-in session.
///
/// Rejections follow the route: JSON errors under `/api/`, pages elsewhere (a wrong or missing
/// token gets the "page expired" page, 403; a visitor who is not signed in goes to the login
/// page).
pub struct CsrfMultipart {
    body: Pending,
}

enum Pending {
    /// Not parsed yet (the token came in the header, or none was needed).
    Raw(Box<Request>),
    /// Parsed, its `csrf` field consumed.
    Read(Multipart),
}

fn expired() -> ApiError {
    ApiError::msg(ErrorCode::Forbidden, "页面已过期，请刷新后重试")
}

fn format_error() -> ApiError {
    ApiError::validation("上传内容格式错误（须为 multipart/form-data，字段 file）")
}

impl FromRequest<AppState> for CsrfMultipart {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let api = parts.uri.path().starts_with("/api/");
        let user = match CurrentUser::from_request_parts(&mut parts, state).await {
            Ok(u) => u,
            Err(e) if api => return Err(e.into_response()),
            Err(e) if e.code == ErrorCode::SecondFactorPending => {
                return Err(Redirect::to("/account/totp").into_response())
            }
            Err(e) if e.code == ErrorCode::PasswordChangeRequired => {
                return Err(Redirect::to("/account?password=required").into_response())
            }
            // A file cannot be carried through a sign-in: back to the form's page afterwards.
            Err(_) => return Err(to_login(&parts)),
        };
        let refuse = |e: ApiError| if api { e.into_response() } else { error_page(&user, e) };
        match header_token(&parts) {
            Some(token) => {
                user.check_form_csrf(&token).map_err(refuse)?;
                Ok(CsrfMultipart {
                    body: Pending::Raw(Box::new(Request::from_parts(parts, body))),
                })
            }
            // A browser form: the token is the first field.
            None if user.csrf.is_some() => {
                let mut mp = Multipart::from_request(Request::from_parts(parts, body), &())
                    .await
                    .map_err(|_| refuse(expired()))?;
                let token = match mp.next_field().await {
                    Ok(Some(f)) if f.name() == Some("csrf") => f.text().await.map_err(|_| refuse(expired()))?,
                    _ => return Err(refuse(expired())),
                };
                user.check_form_csrf(&token).map_err(refuse)?;
                Ok(CsrfMultipart {
                    body: Pending::Read(mp),
                })
            }
            // A bearer token: not a browser.
            None => Ok(CsrfMultipart {
                body: Pending::Raw(Box::new(Request::from_parts(parts, body))),
            }),
        }
    }
}

fn header_token(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

impl CsrfMultipart {
    /// Reads the `file` field (other fields are ignored): its name and content type as sent and
    /// its bytes. A file over the route's body limit is 413 `payload_too_large`.
    pub async fn file(self) -> Result<Upload, ApiError> {
        Ok(self.file_with_fields().await?.0)
    }

    /// Like [`CsrfMultipart::file`], with the other fields' text too (`(name, value)`, each
    /// value at most 1 000 characters; a spreadsheet import's `mode`).
    pub async fn file_with_fields(self) -> Result<(Upload, Vec<(String, String)>), ApiError> {
        let mut fields = Vec::new();
        let mut mp = match self.body {
            Pending::Read(mp) => mp,
            Pending::Raw(req) => Multipart::from_request(*req, &()).await.map_err(|_| format_error())?,
        };
        let mut file = None;
        loop {
            let field = match mp.next_field().await {
                Ok(Some(f)) => f,
                Ok(None) => break,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large().into()),
                Err(_) => return Err(ApiError::validation("上传内容格式错误（须为 multipart/form-data）")),
            };
            if field.name() != Some("file") {
                let name = field.name().unwrap_or("").to_string();
                if let Ok(text) = field.text().await {
                    fields.push((name, text.chars().take(1000).collect()));
                }
                continue;
            }
            let name = field.file_name().unwrap_or("").to_string();
            let content_type = field.content_type().unwrap_or("").to_string();
            let data = match field.bytes().await {
                Ok(b) => b.to_vec(),
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large().into()),
                Err(_) => return Err(ApiError::validation("文件读取失败")),
            };
            file = Some(Upload {
                name,
                content_type,
                data,
            });
        }
        let file = file.ok_or_else(|| ApiError::validation("请选择要上传的文件（字段 file）"))?;
        Ok((file, fields))
    }

    /// A form with any number of files (a report's photos, the file field `name`, each empty
    /// file input left out) and its text fields (`(name, value)`, each value at most 4 000
    /// characters): what a form that files something with its photos sends. A body over the
    /// route's limit is 413 `payload_too_large`.
    pub async fn files_and_fields(self, name: &str) -> Result<(Vec<Upload>, Vec<(String, String)>), ApiError> {
        let mut fields = Vec::new();
        let mut files = Vec::new();
        let mut mp = match self.body {
            Pending::Read(mp) => mp,
            Pending::Raw(req) => Multipart::from_request(*req, &()).await.map_err(|_| format_error())?,
        };
        loop {
            let field = match mp.next_field().await {
                Ok(Some(f)) => f,
                Ok(None) => break,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large().into()),
                Err(_) => return Err(ApiError::validation("上传内容格式错误（须为 multipart/form-data）")),
            };
            let field_name = field.name().unwrap_or("").to_string();
            if field_name != name {
                if let Ok(text) = field.text().await {
                    fields.push((field_name, text.chars().take(4000).collect()));
                }
                continue;
            }
            let file_name = field.file_name().unwrap_or("").to_string();
            let content_type = field.content_type().unwrap_or("").to_string();
            let data = match field.bytes().await {
                Ok(b) => b.to_vec(),
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large().into()),
                Err(_) => return Err(ApiError::validation("文件读取失败")),
            };
            if file_name.is_empty() && data.is_empty() {
                // A file input nothing was chosen in.
                continue;
            }
            files.push(Upload {
                name: file_name,
                content_type,
                data,
            });
        }
        Ok((files, fields))
    }
}
